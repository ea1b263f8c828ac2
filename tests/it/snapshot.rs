//! Snapshot of the Typst source generated for the fixture plan: a change in the templates or
//! the renderer shows up as a readable diff (`cargo insta review`).

use std::path::Path;

use vplan::pipeline;

#[test]
fn generated_typst_source_of_the_fixture_plan() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let checked = pipeline::load_and_compute(
        &root.join("tests/fixtures/fjallkommun_2031"),
        &vplan::progress::Silent,
    )
    .unwrap();
    let source = pipeline::render_typst(&checked, &root.join("templates")).unwrap();
    insta::assert_snapshot!(source);
}
