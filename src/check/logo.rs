//! The logo on the cover: an image file in the content directory (`logo.file` in plan.yaml,
//! relative to the content directory), read and judged the same way by `check` and `build`.
//!
//! The file must stay inside the content directory (no absolute path, no `..`, no link out),
//! be a regular file of at most [`MAX_BYTES`] and [`MAX_SIDE`] pixels a side, and be a PNG,
//! JPEG, GIF, WebP or SVG image that Typst decodes. `check` decodes it with Typst's own
//! decoders, so an image `build` cannot use is reported at `logo.file` in plan.yaml. The build hands the bytes to Typst under a fixed
//! virtual path ([`VIRTUAL_PATH`]); Typst never reads the file system.

use std::path::{Component, Path, PathBuf};

use crate::content::Plan;
use crate::diag::{Code, Diagnostic};
use crate::typeset::Decoded;

/// Where the logo is in the Typst world (relative to the world's root, like the templates'
/// static files); the templates place it with `image("/vplan-content/logo")`.
pub const VIRTUAL_PATH: &str = "vplan-content/logo";

/// Largest logo file accepted.
pub const MAX_BYTES: u64 = 5 * 1024 * 1024;

/// Most pixels a side of a raster logo: a small file can hold an image that decodes to
/// hundreds of megabytes, and a cover logo needs a few hundred pixels.
pub const MAX_SIDE: u32 = 8000;

/// Width and height from the header of a PNG, GIF or JPEG file, read before decoding.
fn dimensions(b: &[u8]) -> Option<(u32, u32)> {
    let be32 = |i: usize| Some(u32::from_be_bytes(b.get(i..i + 4)?.try_into().ok()?));
    let be16 = |i: usize| {
        Some(u32::from(u16::from_be_bytes(
            b.get(i..i + 2)?.try_into().ok()?,
        )))
    };
    let le16 = |i: usize| {
        Some(u32::from(u16::from_le_bytes(
            b.get(i..i + 2)?.try_into().ok()?,
        )))
    };
    if b.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Some((be32(16)?, be32(20)?));
    }
    if b.starts_with(b"GIF8") {
        return Some((le16(6)?, le16(8)?));
    }
    if b.starts_with(&[0xFF, 0xD8]) {
        // Walk the JPEG segments to the first start-of-frame marker.
        let mut i = 2;
        while i + 9 < b.len() {
            if b[i] != 0xFF {
                return None;
            }
            let marker = b[i + 1];
            if (0xC0..=0xCF).contains(&marker) && !matches!(marker, 0xC4 | 0xC8 | 0xCC) {
                return Some((be16(i + 7)?, be16(i + 5)?));
            }
            i += 2 + be16(i + 2)? as usize;
        }
    }
    None
}

/// Reads the plan's logo, if it has one, and makes sure Typst can place it.
pub fn read(plan: &Plan) -> Result<Option<Vec<u8>>, Box<Diagnostic>> {
    let Some(logo) = &plan.meta.value.logo else {
        return Ok(None);
    };
    let named = Named {
        plan,
        name: logo.file.as_str(),
    };
    let (real, shown) = named.located()?;
    named.judge_file(&real, &shown)?;
    // Read by the opened file's own kind and bounded: what was judged above cannot be
    // swapped for a FIFO or a device in between.
    let bytes = crate::files::read(&real, MAX_BYTES, "a logo")
        .map_err(|e| named.fail(format!("logo.file `{}`: {e}", named.name), WHERE))?;
    named.judge_image(&bytes)?;
    Ok(Some(bytes))
}

/// The hint of a logo file that is not where it may be, or cannot be read.
const WHERE: &str =
    "put the image in the content directory and give its path relative to it, e.g. `file: logo.png`";

/// The hint of a logo that is not an image Typst places.
const FORMATS: &str = "save the logo as a PNG, a JPEG or a self-contained SVG (no linked images)";

/// The logo `logo.file` names in the plan's plan.yaml, judged step by step.
struct Named<'p> {
    plan: &'p Plan,
    name: &'p str,
}

impl Named<'_> {
    /// An error at `logo.file` in plan.yaml.
    fn fail(&self, message: String, hint: &str) -> Box<Diagnostic> {
        let meta = &self.plan.meta;
        Box::new(
            Diagnostic::error(Code::Logo, &meta.file, message)
                .at_pos(self.plan.pos(
                    &meta.file,
                    &crate::content::ValuePath::of("logo").key("file"),
                ))
                .with_hint(hint.to_string()),
        )
    }

    /// The file's real path and its path as shown, if the name is a path inside the content
    /// directory to a file that exists and is not a link out of it.
    fn located(&self) -> Result<(PathBuf, String), Box<Diagnostic>> {
        let name = self.name;
        if name.trim().is_empty() {
            return Err(self.fail("logo.file is empty".into(), WHERE));
        }
        let rel = Path::new(name);
        if rel
            .components()
            .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir))
        {
            return Err(self.fail(
                format!("logo.file `{name}` points outside the content directory"),
                WHERE,
            ));
        }
        let dir = self.plan.meta.file.parent().unwrap_or(Path::new("."));
        let path = dir.join(rel);
        let shown = path.display().to_string();
        let real = match path.canonicalize() {
            Ok(real) => real,
            Err(_) => {
                return Err(self.fail(
                    format!("logo.file `{name}`: there is no such file ({shown})"),
                    WHERE,
                ))
            }
        };
        if let Ok(root) = dir.canonicalize() {
            if !real.starts_with(&root) {
                return Err(self.fail(
                    format!(
                        "logo.file `{name}` is a link to {}, outside the content directory",
                        real.display()
                    ),
                    "copy the image into the content directory instead",
                ));
            }
        }
        Ok((real, shown))
    }

    /// The file at `real` is a regular file of at most [`MAX_BYTES`].
    fn judge_file(&self, real: &Path, shown: &str) -> Result<(), Box<Diagnostic>> {
        let name = self.name;
        let meta_data = std::fs::metadata(real).map_err(|e| {
            self.fail(
                format!("logo.file `{name}`: cannot read {shown}: {e}"),
                WHERE,
            )
        })?;
        if !meta_data.is_file() {
            return Err(self.fail(format!("logo.file `{name}` is not a file ({shown})"), WHERE));
        }
        if meta_data.len() > MAX_BYTES {
            return Err(self.fail(
                format!(
                    "logo.file `{name}` is {} bytes, more than the {MAX_BYTES} a logo may have",
                    meta_data.len()
                ),
                "save a smaller image (a cover logo needs a few hundred pixels) or an SVG",
            ));
        }
        Ok(())
    }

    /// The bytes are an image of at most [`MAX_SIDE`] pixels a side that Typst decodes.
    fn judge_image(&self, bytes: &[u8]) -> Result<(), Box<Diagnostic>> {
        let name = self.name;
        if let Some((w, h)) = dimensions(bytes) {
            if w > MAX_SIDE || h > MAX_SIDE {
                return Err(self.fail(
                    format!(
                        "logo.file `{name}` is {w} × {h} pixels; a logo may have at most {MAX_SIDE} pixels a side"
                    ),
                    "save a smaller image: a cover logo needs a few hundred pixels",
                ));
            }
        }
        let decoded = match crate::typeset::decode_image(bytes, VIRTUAL_PATH) {
            Decoded::Image(result) => result,
            Decoded::Pdf => {
                return Err(self.fail(
                    format!(
                        "logo.file `{name}` is a PDF, which cannot be placed in an archivable PDF"
                    ),
                    FORMATS,
                ))
            }
            Decoded::NotAnImage => {
                return Err(self.fail(
                    format!("logo.file `{name}` is not an image (PNG, JPEG, GIF, WebP or SVG)"),
                    FORMATS,
                ))
            }
        };
        if let Err(e) = decoded {
            return Err(self.fail(
                format!("logo.file `{name}` cannot be read as an image: {e}"),
                FORMATS,
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::dimensions;

    #[test]
    fn header_dimensions() {
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        png.extend(30_000u32.to_be_bytes());
        png.extend(20u32.to_be_bytes());
        assert_eq!(dimensions(&png), Some((30_000, 20)));
        assert_eq!(dimensions(b"GIF89a\x10\x00\x20\x00"), Some((16, 32)));
        let jpeg = [
            0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0x00, 0x00, 0xFF, 0xC0, 0x00, 0x11, 0x08, 0x00,
            0x40, 0x01, 0x00, 0x03,
        ];
        assert_eq!(dimensions(&jpeg), Some((256, 64)));
        assert_eq!(dimensions(b"not an image"), None);
    }
}
