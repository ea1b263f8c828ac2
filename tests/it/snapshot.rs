//! Snapshot of the Typst source generated for the fixture plan: a change in the templates or
//! the renderer shows up as a readable diff (`cargo insta review`).

use std::path::Path;

use vplan::pipeline;

#[test]
fn generated_typst_source_of_the_fixture_plan() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let checked = pipeline::load(
        &root.join("tests/fixtures/fjallkommun_2031"),
        &Default::default(),
        &vplan::progress::Silent,
    )
    .unwrap();
    // Rendered as `vplan build` renders the plan.
    let ts = pipeline::Typesetter::new(&vplan::render::Templates::built_in()).unwrap();
    let source = pipeline::documents::typst_source(
        checked.subject(),
        &ts,
        vplan::render::view::Scope::Whole,
    )
    .unwrap();
    insta::assert_snapshot!(source);
}
