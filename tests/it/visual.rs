//! Visual regression tests, the way Typst's own test suite works: chosen pages of the default
//! plan's documents are rendered to pixels (`typst-render`) and compared with reference PNGs
//! committed under `tests/visual/ref/`, within a small tolerance.
//!
//! - A page is found by what it shows (a text on it), not by its number, so a page-count shift
//!   fails with "the page with X moved" instead of comparing the wrong pages.
//! - On a difference the test writes `<name>.actual.png` and `<name>.diff.png` (the differing
//!   pixels red over a faded reference) under `target/tmp/visual/` and names them.
//! - `VPLAN_UPDATE_REFS=1 cargo test visual` writes the references that are missing or differ
//!   and says which; a missing reference fails a normal run (never created silently, or CI
//!   would pass with nothing to compare).
//! - The rendering is deterministic: the fonts are embedded, the world serves no system files,
//!   and no template reads the date (the PDF date alone follows `SOURCE_DATE_EPOCH`;
//!   `the_pages_do_not_depend_on_the_date` keeps it so).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use tiny_skia::Pixmap;
use typst::layout::{Frame, FrameItem};
use typst_layout::PagedDocument;

use crate::common::*;

/// Pixels per point: 1.25 gives A4 pages of 744 × 1053 px, where 9 pt table text is still
/// legible for a person comparing the images, at about 100 kB a page.
const PIXEL_PER_PT: f32 = 1.25;

/// A pixel differs when one of its channels differs by more than this (of 255). Renderings of
/// the same page on different machines differ only in antialiasing (tiny-skia's SIMD paths
/// round differently on different CPUs): a few units at glyph and line edges. Anything the
/// layout changes (a moved line, another digit, a colour) changes pixels by far more.
const CHANNEL_TOLERANCE: u8 = 24;

/// A page matches when at most this many pixels differ. A single changed digit of 9 pt table
/// text changes some 40 pixels at this resolution, so the test notices it; a few stray
/// antialiasing pixels beyond the channel tolerance do not fail it.
const MAX_DIFFERING_PIXELS: usize = 16;

/// The environment variable that makes the test write the references.
const UPDATE_VAR: &str = "VPLAN_UPDATE_REFS";
/// The command that regenerates the references.
const UPDATE_COMMAND: &str = "VPLAN_UPDATE_REFS=1 cargo test visual";

/// The text that marks the table of contents, whose page repeats every heading and is skipped
/// when a page is looked for by its text.
const CONTENTS: &str = "Innehållsförteckning";

/// Where a page is found.
enum Place {
    /// By its number (1-based): the cover and the table of contents.
    Number(usize),
    /// The one page (apart from the table of contents) whose text contains this.
    Showing(&'static str),
}

/// One compared page: the reference's name, the document (the end of its file stem) and where.
struct Case {
    name: &'static str,
    document: &'static str,
    place: Place,
}

const CASES: &[Case] = &[
    Case {
        name: "cover",
        document: "verksamhetsplan",
        place: Place::Number(1),
    },
    Case {
        name: "contents",
        document: "verksamhetsplan",
        place: Place::Number(2),
    },
    // The result budget: a table with groups, sums and a note.
    Case {
        name: "budget",
        document: "verksamhetsplan",
        place: Place::Showing("Resultatbudget servicenämnd"),
    },
    // The operating budget's bar chart below its table.
    Case {
        name: "chart",
        document: "verksamhetsplan",
        place: Place::Showing("Omsättning per område, budget 2024 (mnkr)"),
    },
    // An area of the action plan: a wide table in thousands with the year columns.
    Case {
        name: "handlingsplan",
        document: "bilaga-2-handlingsplan",
        place: Place::Showing("Område IT"),
    },
    // The action plan's stacked chart.
    Case {
        name: "handlingsplan-chart",
        document: "bilaga-2-handlingsplan",
        place: Place::Showing("Åtgärder per år och slag (tkr)"),
    },
    // Where a heading meets the foot of a page: "Övriga investeringar 2024" and its lead-in
    // would end the page of the IT investments, their table on the next; they move on with it.
    Case {
        name: "heading-foot",
        document: "bilaga-1-investeringar",
        place: Place::Showing("Totala IT investeringar"),
    },
    Case {
        name: "heading-foot-next",
        document: "bilaga-1-investeringar",
        place: Place::Showing("Övriga investeringar för 2024"),
    },
    Case {
        name: "tjansteskrivelse",
        document: "tjansteskrivelse",
        place: Place::Number(1),
    },
];

fn reference_dir() -> PathBuf {
    root().join("tests/visual/ref")
}

/// Where failures write their images: `target/tmp/visual/`.
fn output_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("visual")
}

fn updating() -> bool {
    std::env::var_os(UPDATE_VAR).is_some_and(|v| !v.is_empty() && v != "0")
}

/// Every document of the default content (`build --split`: the plan, its appendices, the
/// decision paper), laid out; a Typst warning fails the test.
fn default_layouts() -> Vec<vplan::pipeline::Layout> {
    let layouts = crate::common::layouts_of(&root().join("content"), true, None);
    let warnings: Vec<String> = layouts
        .iter()
        .flat_map(|l| l.warnings.iter().map(move |w| format!("{}: {w}", l.ident)))
        .collect();
    assert!(
        warnings.is_empty(),
        "Typst warns while typesetting the default documents:\n{}",
        warnings.join("\n")
    );
    layouts
}

/// The text of a frame: its runs of text in order, separated by spaces, whitespace collapsed.
fn frame_text(frame: &Frame) -> String {
    fn walk(frame: &Frame, out: &mut String) {
        for (_, item) in frame.items() {
            match item {
                FrameItem::Group(g) => walk(&g.frame, out),
                FrameItem::Text(t) => {
                    out.push(' ');
                    out.push_str(&t.text);
                }
                _ => {}
            }
        }
    }
    let mut raw = String::new();
    walk(frame, &mut raw);
    raw.split(|c: char| c.is_whitespace() || c == '\u{a0}')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The index of the page a case compares, or why it cannot be found.
fn find_page(doc: &PagedDocument, place: &Place) -> Result<usize, String> {
    let pages = doc.pages().len();
    match place {
        Place::Number(n) if *n >= 1 && *n <= pages => Ok(n - 1),
        Place::Number(n) => Err(format!("page {n} is wanted, the document has {pages}")),
        Place::Showing(text) => {
            let texts: Vec<String> = doc.pages().iter().map(|p| frame_text(&p.frame)).collect();
            let on: Vec<usize> = texts
                .iter()
                .enumerate()
                .filter(|(_, t)| t.contains(text) && !t.contains(CONTENTS))
                .map(|(i, _)| i)
                .collect();
            match on.as_slice() {
                [one] => Ok(*one),
                [] => Err(format!(
                    "no page shows {text:?} any more: the page with it moved or the text changed"
                )),
                many => Err(format!(
                    "{text:?} is on pages {:?}: the page with it moved; choose a text that only \
                     that page shows",
                    many.iter().map(|i| i + 1).collect::<Vec<_>>()
                )),
            }
        }
    }
}

/// How a rendered page compares with its reference.
#[derive(Debug, PartialEq)]
struct Comparison {
    /// Pixels with a channel differing by more than [`CHANNEL_TOLERANCE`].
    differing: usize,
    /// The largest channel difference anywhere.
    max_delta: u8,
}

/// Compares two images of the same size pixel by pixel; with `diff`, paints the differences
/// red over a faded copy of the reference into it.
fn compare(reference: &Pixmap, actual: &Pixmap, mut diff: Option<&mut Pixmap>) -> Comparison {
    assert_eq!(
        (reference.width(), reference.height()),
        (actual.width(), actual.height())
    );
    let mut differing = 0;
    let mut max_delta = 0;
    let pixels = reference
        .data()
        .chunks_exact(4)
        .zip(actual.data().chunks_exact(4));
    for (i, (r, a)) in pixels.enumerate() {
        let delta = r
            .iter()
            .zip(a)
            .map(|(x, y)| x.abs_diff(*y))
            .max()
            .unwrap_or(0);
        max_delta = max_delta.max(delta);
        let differs = delta > CHANNEL_TOLERANCE;
        differing += usize::from(differs);
        if let Some(diff) = diff.as_deref_mut() {
            let out = &mut diff.data_mut()[i * 4..i * 4 + 4];
            if differs {
                out.copy_from_slice(&[255, 0, 0, 255]);
            } else {
                // A quarter of the reference over white: the page recognisable, the red plain.
                for (o, c) in out.iter_mut().zip(r).take(3) {
                    *o = 255 - (255 - c) / 4;
                }
                out[3] = 255;
            }
        }
    }
    Comparison {
        differing,
        max_delta,
    }
}

/// An opaque image as an RGB PNG, compressed hard: the references are kept in the repository
/// and rewritten with the layout, and this is 7 % smaller than tiny-skia's own RGBA PNG
/// (943 kB for the seven pages instead of 1 014 kB). The pages are opaque: typst-render fills
/// them white first.
fn encode_png(image: &Pixmap) -> Vec<u8> {
    let rgb: Vec<u8> = image
        .data()
        .chunks_exact(4)
        .flat_map(|px| {
            assert_eq!(px[3], 255, "a rendered page is opaque");
            [px[0], px[1], px[2]]
        })
        .collect();
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, image.width(), image.height());
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::High);
    let mut writer = encoder.write_header().expect("a PNG header");
    writer.write_image_data(&rgb).expect("PNG data");
    writer.finish().expect("a PNG");
    out
}

/// What happened to one page.
#[derive(Debug, PartialEq)]
enum Outcome {
    Matches,
    /// Failed: the message names the page, the numbers and the files written.
    Fails(String),
    /// Written in an update run: why (`new`, or the numbers of the difference).
    Updated(String),
}

/// Compares `actual` with the reference `<name>.png` in `refs`; failures write their images to
/// `out`; `update` writes the reference instead when it is missing or differs.
fn check_page(name: &str, actual: &Pixmap, refs: &Path, out: &Path, update: bool) -> Outcome {
    let ref_path = refs.join(format!("{name}.png"));
    let write = |path: &Path, image: &Pixmap| {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, encode_png(image))
            .unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
    };
    let reference = if ref_path.exists() {
        Some(
            Pixmap::load_png(&ref_path)
                .unwrap_or_else(|e| panic!("reading {}: {e}", ref_path.display())),
        )
    } else {
        None
    };
    let actual_path = out.join(format!("{name}.actual.png"));
    let diff_path = out.join(format!("{name}.diff.png"));
    let problem = match &reference {
        None => "has no reference yet".to_string(),
        Some(r) if (r.width(), r.height()) != (actual.width(), actual.height()) => format!(
            "is {} × {} px, the reference {} × {} px",
            actual.width(),
            actual.height(),
            r.width(),
            r.height()
        ),
        // The usual case, at the speed of a memory comparison (the test binary is not
        // optimised, and the loop below takes a tenth of a second a page).
        Some(r) if r.data() == actual.data() => return Outcome::Matches,
        Some(r) => {
            let mut diff = Pixmap::new(r.width(), r.height()).unwrap();
            let c = compare(r, actual, Some(&mut diff));
            if c.differing <= MAX_DIFFERING_PIXELS {
                return Outcome::Matches;
            }
            if !update {
                write(&diff_path, &diff);
            }
            format!(
                "differs in {} pixels (more than {MAX_DIFFERING_PIXELS} with a channel off by \
                 more than {CHANNEL_TOLERANCE}; the largest difference {})",
                c.differing, c.max_delta
            )
        }
    };
    if update {
        write(&ref_path, actual);
        return Outcome::Updated(problem);
    }
    write(&actual_path, actual);
    let mut message = format!(
        "{name} {problem}\n    reference: {}\n    actual:    {}",
        ref_path.display(),
        actual_path.display()
    );
    if reference.is_none() {
        write!(message, "\n    create it with `{UPDATE_COMMAND}`").unwrap();
    } else if diff_path.exists() {
        write!(message, "\n    diff:      {}", diff_path.display()).unwrap();
    }
    Outcome::Fails(message)
}

#[test]
fn the_pages_look_like_their_references() {
    let layouts = default_layouts();
    let update = updating();
    let out = output_dir();
    // Images of an earlier run would be taken for this one's.
    let _ = std::fs::remove_dir_all(&out);
    let options = typst_render::RenderOptions {
        pixel_per_pt: typst::utils::Scalar::new(f64::from(PIXEL_PER_PT)),
        render_bleed: false,
    };
    let mut failures = Vec::new();
    let mut updated = Vec::new();
    for case in CASES {
        let Some(layout) = layouts
            .iter()
            .find(|l| l.ident.ends_with(&format!("-{}", case.document)))
        else {
            failures.push(format!(
                "{}: no document ends in -{}",
                case.name, case.document
            ));
            continue;
        };
        let index = match find_page(&layout.doc, &case.place) {
            Ok(i) => i,
            Err(why) => {
                failures.push(format!("{} ({}): {why}", case.name, layout.ident));
                continue;
            }
        };
        let pixmap = typst_render::render(&layout.doc.pages()[index], &options);
        let name = format!("{} (page {} of {})", case.name, index + 1, layout.ident);
        match check_page(case.name, &pixmap, &reference_dir(), &out, update) {
            Outcome::Matches => {}
            Outcome::Fails(message) => failures.push(message.replacen(case.name, &name, 1)),
            Outcome::Updated(why) => updated.push(format!("{name}: {why}")),
        }
    }
    let known: Vec<String> = CASES.iter().map(|c| format!("{}.png", c.name)).collect();
    let stale: Vec<String> = std::fs::read_dir(reference_dir())
        .map(|dir| {
            dir.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|f| !known.contains(f))
                .collect()
        })
        .unwrap_or_default();
    if update {
        // Straight to stderr, past the test harness's capture: an update run passes, and its
        // output must say which references changed.
        let report = if updated.is_empty() {
            "visual: every reference matches; none written\n".to_string()
        } else {
            format!(
                "visual: wrote {} reference(s) in {}:\n  {}\n",
                updated.len(),
                reference_dir().display(),
                updated.join("\n  ")
            )
        };
        std::io::Write::write_all(&mut std::io::stderr(), report.as_bytes()).unwrap();
    }
    assert!(
        stale.is_empty(),
        "files in {} that no case compares (remove them): {stale:?}",
        reference_dir().display()
    );
    assert!(
        failures.is_empty(),
        "{} of {} pages differ from their references:\n{}\n\nIf the change is intended, \
         look at the images, then write the references with `{UPDATE_COMMAND}` and commit them.",
        failures.len(),
        CASES.len(),
        failures.join("\n")
    );
}

/// The date reaches the PDF's metadata only: if a template used `datetime.today()`, the pages
/// would change with `SOURCE_DATE_EPOCH` and the references would have to fix it.
#[test]
fn the_pages_do_not_depend_on_the_date() {
    // (The house style's parts too, in `templates/vplan/`.)
    for entry in walkdir::WalkDir::new(root().join("templates")) {
        let entry = entry.unwrap();
        if !entry.file_type().is_file() {
            continue;
        }
        let path = entry.path();
        let text = std::fs::read_to_string(path).unwrap();
        assert!(
            !text.contains("today"),
            "{} reads the date: fix it in tests/it/visual.rs before comparing pages",
            path.display()
        );
    }
}

/// A page with a light rule and some grey text-like bars, as a test image.
fn sample() -> Pixmap {
    let mut p = Pixmap::new(120, 80).unwrap();
    p.fill(tiny_skia::Color::WHITE);
    let mut paint = tiny_skia::Paint::default();
    paint.set_color_rgba8(60, 60, 60, 255);
    for y in [10.0, 20.0, 30.0] {
        let rect = tiny_skia::Rect::from_xywh(10.5, y, 90.3, 4.2).unwrap();
        p.fill_rect(rect, &paint, tiny_skia::Transform::identity(), None);
    }
    p
}

#[test]
fn the_comparison_passes_the_same_image_and_antialiasing_noise() {
    let dir = tempfile::tempdir().unwrap();
    let refs = dir.path().join("ref");
    let out = dir.path().join("out");
    std::fs::create_dir_all(&refs).unwrap();
    sample().save_png(refs.join("x.png")).unwrap();
    assert_eq!(
        check_page("x", &sample(), &refs, &out, false),
        Outcome::Matches
    );
    // Every edge pixel off by a few units, as another CPU's rounding would make it.
    let mut noisy = sample();
    for px in noisy.data_mut().chunks_exact_mut(4) {
        if px[0] != 255 {
            px[0] = px[0].saturating_add(CHANNEL_TOLERANCE);
        }
    }
    assert_eq!(
        check_page("x", &noisy, &refs, &out, false),
        Outcome::Matches
    );
    assert!(!out.exists(), "a match writes nothing");
}

#[test]
fn the_comparison_fails_a_changed_image_and_writes_the_diff() {
    let dir = tempfile::tempdir().unwrap();
    let refs = dir.path().join("ref");
    let out = dir.path().join("out");
    std::fs::create_dir_all(&refs).unwrap();
    sample().save_png(refs.join("x.png")).unwrap();
    let mut changed = sample();
    let mut paint = tiny_skia::Paint::default();
    paint.set_color_rgba8(0, 0, 200, 255);
    let rect = tiny_skia::Rect::from_xywh(40.0, 50.0, 6.0, 5.0).unwrap();
    changed.fill_rect(rect, &paint, tiny_skia::Transform::identity(), None);
    let Outcome::Fails(message) = check_page("x", &changed, &refs, &out, false) else {
        panic!("a drawn rectangle passes");
    };
    assert!(message.contains("differs in 30 pixels"), "{message}");
    assert!(message.contains("x.diff.png"), "{message}");
    let diff = Pixmap::load_png(out.join("x.diff.png")).unwrap();
    let red = |x, y| diff.pixel(x, y).map(|p| (p.red(), p.green(), p.blue()));
    assert_eq!(red(42, 52), Some((255, 0, 0)), "the change is red");
    assert_ne!(red(5, 5), Some((255, 0, 0)), "the rest is not");
    assert_eq!(
        Pixmap::load_png(out.join("x.actual.png")).unwrap(),
        changed,
        "the actual image is written as rendered"
    );
    // An update run writes the reference and says why; then the image matches.
    let Outcome::Updated(why) = check_page("x", &changed, &refs, &out, true) else {
        panic!("an update run does not write the reference");
    };
    assert!(why.contains("30 pixels"), "{why}");
    assert_eq!(
        check_page("x", &changed, &refs, &out, false),
        Outcome::Matches
    );
}

#[test]
fn a_missing_reference_fails_and_names_the_update_command() {
    let dir = tempfile::tempdir().unwrap();
    let refs = dir.path().join("ref");
    let out = dir.path().join("out");
    let Outcome::Fails(message) = check_page("new", &sample(), &refs, &out, false) else {
        panic!("a missing reference passes");
    };
    assert!(message.contains("has no reference yet"), "{message}");
    assert!(message.contains(UPDATE_COMMAND), "{message}");
    assert!(
        !refs.join("new.png").exists(),
        "a normal run creates no reference"
    );
    assert!(out.join("new.actual.png").exists());
    let Outcome::Updated(why) = check_page("new", &sample(), &refs, &out, true) else {
        panic!("an update run does not create the reference");
    };
    assert_eq!(why, "has no reference yet");
    assert!(refs.join("new.png").exists());
    // A page of another size fails by its size.
    let mut small = Pixmap::new(10, 10).unwrap();
    small.fill(tiny_skia::Color::WHITE);
    let Outcome::Fails(message) = check_page("new", &small, &refs, &out, false) else {
        panic!("an image of another size passes");
    };
    assert!(
        message.contains("is 10 × 10 px, the reference 120 × 80 px"),
        "{message}"
    );
}

/// A page is found by a text only it shows; a text on no page or on several says so.
#[test]
fn pages_are_found_by_the_text_they_show() {
    let layouts = default_layouts();
    let plan = layouts
        .iter()
        .find(|l| l.ident.ends_with("-verksamhetsplan"))
        .unwrap();
    let page = |text| find_page(&plan.doc, &Place::Showing(text));
    // The table of contents names the heading too, and is skipped.
    let budget = page("Resultatbudget servicenämnd").unwrap();
    assert!(budget > 2, "{budget}");
    let gone = page("Resultatbudget för nämnden").unwrap_err();
    assert!(
        gone.contains("no page shows") && gone.contains("moved"),
        "{gone}"
    );
    let many = page("Regionservice").unwrap_err();
    assert!(
        many.contains("is on pages [") && many.contains("moved"),
        "{many}"
    );
    let past = find_page(&plan.doc, &Place::Number(99)).unwrap_err();
    assert!(past.contains("page 99 is wanted"), "{past}");
}
