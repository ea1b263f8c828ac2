//! Text is text: a `serde` deserializer around `serde_yaml`'s that gives a text field (a
//! `String`) only what YAML itself reads as a string.
//!
//! `serde_yaml` hands a `String` field the characters of any scalar, so `unit: 5`,
//! `title: true` and `caption: ~` would load as the texts "5", "true" and "~", while YAML, the
//! JSON Schemas and every editor read them as a number, a boolean and nothing. Wrapped in
//! [`Strict`], such a field is an error at its line that says to quote the value, and the loader
//! and the schemas agree. Keys stay as written (a JSON key is always a string), and amounts
//! (read from the scalar's characters by [`super::amount`]) are not affected: they ask for the
//! scalar's characters with `deserialize_str`, text fields with `deserialize_string`.

use std::fmt;

use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, VariantAccess, Visitor,
};

/// A deserializer whose text fields take strings only.
pub struct Strict<D>(pub D);

/// Forwards every `deserialize_*` to the inner deserializer with the visitor wrapped.
macro_rules! forward {
    ($($name:ident)*) => {$(
        fn $name<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
            self.0.$name(Wrap(visitor))
        }
    )*};
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Strict<D> {
    type Error = D::Error;

    forward! {
        deserialize_any deserialize_bool deserialize_i8 deserialize_i16 deserialize_i32
        deserialize_i64 deserialize_i128 deserialize_u8 deserialize_u16 deserialize_u32
        deserialize_u64 deserialize_u128 deserialize_f32 deserialize_f64 deserialize_char
        deserialize_str deserialize_bytes deserialize_byte_buf deserialize_option
        deserialize_unit deserialize_seq deserialize_map deserialize_identifier
        deserialize_ignored_any
    }

    /// A text field: only a scalar that YAML reads as a string.
    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_any(TextOnly(visitor))
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_unit_struct(name, Wrap(visitor))
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_newtype_struct(name, Wrap(visitor))
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_tuple(len, Wrap(visitor))
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_tuple_struct(name, len, Wrap(visitor))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_struct(name, fields, Wrap(visitor))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_enum(name, variants, Wrap(visitor))
    }

    fn is_human_readable(&self) -> bool {
        self.0.is_human_readable()
    }
}

/// A visitor whose nested values are read strictly too. (Fractional numbers are not passed on:
/// nothing in the content model is one, money least of all, so the default refuses them.)
struct Wrap<V>(V);

macro_rules! pass {
    ($($name:ident: $ty:ty)*) => {$(
        fn $name<E: de::Error>(self, v: $ty) -> Result<Self::Value, E> {
            self.0.$name(v)
        }
    )*};
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Wrap<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        self.0.expecting(f)
    }

    pass! {
        visit_bool: bool visit_i8: i8 visit_i16: i16 visit_i32: i32 visit_i64: i64
        visit_i128: i128 visit_u8: u8 visit_u16: u16 visit_u32: u32 visit_u64: u64
        visit_u128: u128 visit_char: char visit_str: &str
        visit_borrowed_str: &'de str visit_string: String visit_bytes: &[u8]
        visit_borrowed_bytes: &'de [u8] visit_byte_buf: Vec<u8>
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        self.0.visit_none()
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        self.0.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        self.0.visit_some(Strict(d))
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        self.0.visit_newtype_struct(Strict(d))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        self.0.visit_seq(Seq(seq))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        self.0.visit_map(Map(map))
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Self::Value, A::Error> {
        self.0.visit_enum(Enum(data))
    }
}

/// A text field's visitor: strings pass, every other scalar is refused in plain words.
struct TextOnly<V>(V);

/// What ends the message of a text field given another scalar, before the value in quotes.
const QUOTE_IT: &str = "; if it is meant as text, put it in quotes: ";

impl<V> TextOnly<V> {
    fn refuse<E: de::Error, T>(what: &str, example: impl fmt::Display) -> Result<T, E> {
        Err(E::custom(format!(
            "expected text, found {what}{QUOTE_IT}\"{example}\""
        )))
    }
}

/// The message of a text field given a number or a boolean, with the value as it is `written`
/// in the file rather than as YAML read it: `unit: 0x1DB` is "found the number 475 (written
/// `0x1DB`) … in quotes: "0x1DB"", not "…: "475"". (The visitor sees only the value read; the
/// loader finds the spelling in the file's text at the error's position.) `None` for any other
/// message, or when the spelling is the value's.
pub fn as_written(message: &str, written: &str) -> Option<String> {
    let (head, example) = message.split_once(QUOTE_IT)?;
    let read = example.strip_prefix('"')?.strip_suffix('"')?;
    let written = written.trim();
    if written.is_empty() || written == read || written.contains(['"', '\\']) {
        return None;
    }
    Some(format!(
        "{head} (written `{written}`){QUOTE_IT}\"{written}\""
    ))
}

impl<'de, V: Visitor<'de>> Visitor<'de> for TextOnly<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("text (a number meant as text goes in quotes)")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<V::Value, E> {
        self.0.visit_str(v)
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<V::Value, E> {
        self.0.visit_borrowed_str(v)
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<V::Value, E> {
        self.0.visit_string(v)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<V::Value, E> {
        Self::refuse(&format!("the boolean {v}"), v)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<V::Value, E> {
        Self::refuse(&format!("the number {v}"), v)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<V::Value, E> {
        Self::refuse(&format!("the number {v}"), v)
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<V::Value, E> {
        Self::refuse(&format!("the number {v}"), v)
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<V::Value, E> {
        Self::refuse(&format!("the number {v}"), v)
    }

    /// (`1e3`, `.5`, `.inf`: refused like any number, its spelling found by [`as_written`].)
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<V::Value, E> {
        Self::refuse(&format!("the number {v}"), v)
    }

    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        Err(E::custom(
            "expected text, found nothing (`~`, `null` or an empty value); write the text, or \"\" for none",
        ))
    }

    fn visit_none<E: de::Error>(self) -> Result<V::Value, E> {
        self.visit_unit()
    }
}

struct Seq<A>(A);

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for Seq<A> {
    type Error = A::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, A::Error> {
        self.0.next_element_seed(Seed(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

struct Map<A>(A);

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Map<A> {
    type Error = A::Error;

    /// Keys as written: a JSON key is always a string, so `2024:` is the key "2024" for the
    /// schema too.
    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        self.0.next_key_seed(seed)
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, A::Error> {
        self.0.next_value_seed(Seed(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

struct Enum<A>(A);

impl<'de, A: EnumAccess<'de>> EnumAccess<'de> for Enum<A> {
    type Error = A::Error;
    type Variant = Variant<A::Variant>;

    fn variant_seed<T: DeserializeSeed<'de>>(
        self,
        seed: T,
    ) -> Result<(T::Value, Self::Variant), A::Error> {
        let (value, variant) = self.0.variant_seed(seed)?;
        Ok((value, Variant(variant)))
    }
}

struct Variant<A>(A);

impl<'de, A: VariantAccess<'de>> VariantAccess<'de> for Variant<A> {
    type Error = A::Error;

    fn unit_variant(self) -> Result<(), A::Error> {
        self.0.unit_variant()
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, A::Error> {
        self.0.newtype_variant_seed(Seed(seed))
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, A::Error> {
        self.0.tuple_variant(len, Wrap(visitor))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        self.0.struct_variant(fields, Wrap(visitor))
    }
}

struct Seed<S>(S);

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for Seed<S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<S::Value, D::Error> {
        self.0.deserialize(Strict(d))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    struct T {
        a: String,
        #[serde(default)]
        b: Option<String>,
        #[serde(default)]
        c: Vec<String>,
        #[serde(default)]
        m: std::collections::BTreeMap<String, String>,
    }

    fn load(text: &str) -> Result<T, String> {
        T::deserialize(Strict(serde_yaml::Deserializer::from_str(text))).map_err(|e| e.to_string())
    }

    #[test]
    fn text_takes_strings_only() {
        assert_eq!(
            load("a: x\nb: ~\nc: [y, '5']\nm: {2024: z}\n").unwrap(),
            T {
                a: "x".into(),
                b: None,
                c: vec!["y".into(), "5".into()],
                m: [("2024".to_string(), "z".to_string())].into(),
            }
        );
        for bad in [
            "a: 5",
            "a: true",
            "a: ~",
            "a:",
            "a: x\nb: 1.5",
            "a: x\nc: [y, 5]",
            "a: x\nm: {k: 1}",
        ] {
            let err = load(bad).unwrap_err();
            assert!(err.contains("expected text"), "{bad}: {err}");
            assert!(err.contains("line"), "{bad}: {err}");
        }
    }

    #[test]
    fn the_hint_quotes_the_value_as_written() {
        let err = load("a: 0x1DB").unwrap_err();
        let msg = &err[..err.find(" at line").unwrap()];
        assert_eq!(
            as_written(msg, "0x1DB").as_deref(),
            Some("a: expected text, found the number 475 (written `0x1DB`); if it is meant as text, put it in quotes: \"0x1DB\"")
        );
        assert_eq!(as_written(msg, "475"), None, "written as read");
        let err = load("a: True").unwrap_err();
        let msg = &err[..err.find(" at line").unwrap()];
        assert!(as_written(msg, "True")
            .unwrap()
            .ends_with("in quotes: \"True\""));
        assert_eq!(as_written("unknown field `x`", "x"), None);
    }
}
