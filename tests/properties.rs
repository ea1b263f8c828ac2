//! Property tests: the loader never panics on any input, the number formatter is exact, and
//! escaped text is always plain text to Typst.

use std::str::FromStr;

use proptest::prelude::*;
use rust_decimal::{Decimal, RoundingStrategy};
use typst::syntax::{SyntaxKind, SyntaxNode};
use vplan::content::spans::{too_deep, SpanIndex};
use vplan::content::{Appendix, Chapter, Goals, InternalControl, PlanMeta, Table};
use vplan::numfmt::format_amount;
use vplan::render::escape::escape_markup;

/// Reads a formatted amount back: `−1 234,5` → -1234.5.
fn parse_back(s: &str) -> Decimal {
    let plain: String = s
        .chars()
        .filter(|c| *c != '\u{a0}')
        .map(|c| match c {
            '\u{2212}' => '-',
            ',' => '.',
            c => c,
        })
        .collect();
    Decimal::from_str(&plain).unwrap()
}

/// YAML-ish text: fragments of real content syntax mixed with anything.
fn yamlish() -> impl Strategy<Value = String> {
    let fragment = prop_oneof![
        Just("id: x\n".to_string()),
        Just("title: T\n".to_string()),
        Just("blocks:\n".to_string()),
        Just("  - text: |\n      a\n".to_string()),
        Just("  - table: t\n".to_string()),
        Just("rows: [{id: r, label: L, values: [1.5, ~]}]\n".to_string()),
        Just("columns: [{id: a, title: A, precision: 1}]\n".to_string()),
        Just("&a [*a]\n".to_string()),
        Just("- ".to_string()),
        Just("{".to_string()),
        Just("[".to_string()),
        Just("\t".to_string()),
        Just(": ".to_string()),
        "[ -~]{0,12}",
        any::<String>(),
    ];
    prop::collection::vec(fragment, 0..12).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn formatting_is_exact_and_swedish(mantissa in any::<i64>(), scale in 0u32..12, precision in 0u32..7) {
        let value = Decimal::new(mantissa, scale);
        let text = format_amount(value, precision);
        let expected = value.round_dp_with_strategy(precision, RoundingStrategy::MidpointAwayFromZero);
        prop_assert_eq!(parse_back(&text), expected);
        prop_assert!(!text.contains('-'), "ASCII hyphen in {}", text);
        prop_assert!(!text.contains(' '), "breakable space in {}", text);
        let decimals = text.split_once(',').map(|(_, f)| f.len()).unwrap_or(0);
        prop_assert_eq!(decimals as u32, precision);
        // Groups of three digits.
        let int_part = text.trim_start_matches('\u{2212}').split(',').next().unwrap();
        let groups: Vec<&str> = int_part.split('\u{a0}').collect();
        prop_assert!(groups[0].len() <= 3 && !groups[0].is_empty());
        prop_assert!(groups[1..].iter().all(|g| g.len() == 3));
    }

    #[test]
    fn the_loader_never_panics(text in yamlish()) {
        let _ = serde_yaml::from_str::<PlanMeta>(&text);
        let _ = serde_yaml::from_str::<Chapter>(&text);
        let _ = serde_yaml::from_str::<Appendix>(&text);
        let _ = serde_yaml::from_str::<Goals>(&text);
        let _ = serde_yaml::from_str::<InternalControl>(&text);
        let _ = serde_yaml::from_str::<Table>(&text);
        let ix = SpanIndex::new(&text);
        let _ = ix.nearest("rows.0.values.1");
        let _ = too_deep(&text, 64);
    }

    #[test]
    fn escaped_text_is_plain_text_to_typst(text in any::<String>()) {
        let escaped = escape_markup(&text);
        let root = typst::syntax::parse(&escaped);
        assert_plain(&root)?;
    }

    #[test]
    fn escaped_text_with_syntax_characters_is_plain(text in r#"[#$*_`<>@=+/\\\[\]{}"'~.:;()0-9a-z \n-]{0,40}"#) {
        let escaped = escape_markup(&text);
        let root = typst::syntax::parse(&escaped);
        assert_plain(&root)?;
    }
}

/// Only text, spaces and escapes: nothing that Typst would evaluate or format.
fn assert_plain(node: &SyntaxNode) -> Result<(), TestCaseError> {
    match node.kind() {
        SyntaxKind::Markup | SyntaxKind::Text | SyntaxKind::Space | SyntaxKind::Escape => {}
        other => {
            return Err(TestCaseError::fail(format!(
                "{other:?} in parsed escaped text: {:?}",
                node.full_text()
            )))
        }
    }
    for child in node.children() {
        assert_plain(child)?;
    }
    Ok(())
}

#[test]
fn the_loader_survives_random_files_on_disk() {
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(32));
    runner
        .run(&yamlish(), |text| {
            let dir = tempfile::tempdir().unwrap();
            let content = dir.path();
            std::fs::create_dir_all(content.join("chapters")).unwrap();
            std::fs::write(content.join("plan.yaml"), &text).unwrap();
            std::fs::write(content.join("chapters/01.yaml"), &text).unwrap();
            let _ = vplan::pipeline::load_and_compute(
                content,
                &vplan::progress::Progress { quiet: true },
            );
            Ok(())
        })
        .unwrap();
}
