//! Spreadsheets in and out: the export has a sheet per table with amounts as numbers and every
//! computed cell as a formula; re-importing it changes nothing; an import with one changed
//! amount changes exactly that amount (and so its totals); rows that match nothing stop it.

use std::fs;
use std::path::Path;

use crate::common::*;
use calamine::{open_workbook, Reader, Xlsx};

fn default_content(dir: &Path) -> std::path::PathBuf {
    let content = dir.join("content");
    copy_dir(&root().join("content"), &content);
    content
}

fn export(dir: &Path, content: &Path, file: &Path) {
    let run = vplan(
        dir,
        &[
            "export",
            "-q",
            "--content",
            content.to_str().unwrap(),
            "--out",
            file.to_str().unwrap(),
        ],
    );
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
}

fn import(
    dir: &Path,
    content: &Path,
    file: &Path,
    table: &str,
    extra: &[&str],
) -> std::process::Output {
    let mut args = vec![
        "import",
        file.to_str().unwrap(),
        "--content",
        content.to_str().unwrap(),
        "--table",
        table,
    ];
    args.extend_from_slice(extra);
    vplan(dir, &args)
}

/// Every file under a directory with its bytes, in path order.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        // The lock an import holds while it writes (`.vplan.lock`, empty) is no content.
        .filter(|e| e.file_name() != vplan::output::LOCK_FILE)
        .map(|e| (e.path().display().to_string(), fs::read(e.path()).unwrap()))
        .collect()
}

#[test]
fn the_export_has_a_sheet_per_table_with_formulas() {
    let dir = tempfile::tempdir().unwrap();
    let content = default_content(dir.path());
    let file = dir.path().join("plan.xlsx");
    export(dir.path(), &content, &file);
    let mut wb: Xlsx<_> = open_workbook(&file).unwrap();
    let names = wb.sheet_names();
    assert_eq!(names.len(), 15, "{names:?}");
    for id in [
        "resultatbudget",
        "investeringsbudget",
        "bilaga-1-fastigheter",
        "handlingsplan-summering",
    ] {
        assert!(names.iter().any(|n| n == id), "{id} in {names:?}");
    }
    // Amounts are numbers; computed cells are formulas with their computed value.
    let values = wb.worksheet_range("bilaga-1-fastigheter").unwrap();
    let reinvest = values.rows().find(|r| r[0] == "reinvesteringar").unwrap();
    assert_eq!(reinvest[2], calamine::Data::Float(70.0));
    let summa = values.rows().find(|r| r[0] == "summa").unwrap();
    assert_eq!(summa[2].to_string(), "203.8");
    let formulas = wb.worksheet_formula("bilaga-1-fastigheter").unwrap();
    let all: Vec<String> = formulas.rows().flatten().map(|c| c.to_string()).collect();
    assert!(
        all.iter().any(|f| f.starts_with("C") && f.contains("+C")),
        "sum formulas over the detail rows: {all:?}"
    );
    let invest = wb.worksheet_formula("investeringsbudget").unwrap();
    let all: Vec<String> = invest.rows().flatten().map(|c| c.to_string()).collect();
    assert!(
        all.iter().any(|f| f.contains("'bilaga-1-fastigheter'!C")),
        "a category taken from Bilaga 1 is a formula over its sheet: {all:?}"
    );
    let summary = wb.worksheet_formula("handlingsplan-summering").unwrap();
    let all: Vec<String> = summary.rows().flatten().map(|c| c.to_string()).collect();
    assert!(
        all.iter().any(
            |f| f.contains("'handlingsplan-it'!") && f.contains("'handlingsplan-fastigheter'!")
        ),
        "the summary sums the area sheets: {all:?}"
    );

    let csv = dir.path().join("plan.csv");
    let run = vplan(
        dir.path(),
        &[
            "export",
            "-q",
            "--format",
            "csv",
            "--content",
            content.to_str().unwrap(),
            "--out",
            csv.to_str().unwrap(),
        ],
    );
    assert_eq!(run.status.code(), Some(0));
    // By default, what Swedish Excel opens as columns of numbers: UTF-8 with a byte-order
    // mark, `;`, decimal comma (ASCII minus, no thousands separator), CRLF.
    let bytes = fs::read(&csv).unwrap();
    assert!(bytes.starts_with(
        b"\xEF\xBB\xBFtable;row;label;kind;column;column_group;column_title;value\r\n"
    ));
    let text = String::from_utf8(bytes).unwrap();
    assert!(
        text.contains("\nhandlingsplan-summering;totalsumma;Totalsumma;sum;y2024;;2024;87349\r\n"),
        "{text}"
    );
    assert!(
        text.contains("\ndriftbudget;fastigheter;Område fastigheter;data;p2023-omsattning;Prognos 2023;Omsättning;1136,5\r\n"),
        "{text}"
    );
    assert!(
        text.contains("\ndriftbudget;forvaltningsgemensamt;Förvaltningsgemensamt;data;b2024-budgetram;Budget 2024;Varav budgetram;-23,2\r\n"),
        "{text}"
    );
    // A comma in a text needs no quotes beside `;`.
    assert!(text.contains(";belopp;;Belopp, mnkr;1,8\r\n"), "{text}");
    assert_eq!(text.matches('\n').count(), text.matches("\r\n").count());
    assert!(text.lines().all(|l| l.matches(';').count() == 7), "{text}");

    // `--csv plain`: RFC 4180 for machines, `,` and a decimal point, no byte-order mark.
    let run = vplan(
        dir.path(),
        &[
            "export",
            "-q",
            "--format",
            "csv",
            "--csv",
            "plain",
            "--content",
            content.to_str().unwrap(),
            "--out",
            csv.to_str().unwrap(),
        ],
    );
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let text = fs::read_to_string(&csv).unwrap();
    assert!(text.starts_with("table,row,label,kind,column,column_group,column_title,value\n"));
    assert!(!text.contains('\r'));
    assert!(
        text.contains("handlingsplan-summering,totalsumma,Totalsumma,sum,y2024,,2024,87349\n"),
        "{text}"
    );
    assert!(
        text.contains("driftbudget,fastigheter,Område fastigheter,data,p2023-omsattning,Prognos 2023,Omsättning,1136.5\n"),
        "{text}"
    );
    assert!(text.contains(",belopp,,\"Belopp, mnkr\",1.8\n"), "{text}");

    // `--csv` belongs to `--format csv`.
    let run = vplan(
        dir.path(),
        &[
            "export",
            "-q",
            "--csv",
            "plain",
            "--content",
            content.to_str().unwrap(),
        ],
    );
    assert_eq!(run.status.code(), Some(2));
    assert!(stderr(&run).contains("--format csv"), "{}", stderr(&run));
}

#[test]
fn a_round_trip_changes_nothing_and_one_amount_changes_one_amount() {
    let dir = tempfile::tempdir().unwrap();
    let content = default_content(dir.path());
    let file = dir.path().join("plan.xlsx");
    export(dir.path(), &content, &file);
    let before = files(&content);
    for table in [
        "resultatbudget",
        "driftbudget",
        "investeringsbudget",
        "bilaga-1-fastigheter",
        "handlingsplan-fastigheter",
        "handlingsplan-summering",
    ] {
        let run = import(dir.path(), &content, &file, table, &[]);
        assert_eq!(run.status.code(), Some(0), "{table}: {}", stderr(&run));
        assert!(
            stderr(&run).contains("no changes"),
            "{table}: {}",
            stderr(&run)
        );
    }
    let after = files(&content);
    assert_eq!(before, after, "a re-import of the export changes nothing");

    // A workbook in which one amount is 72.5 instead of 70.0.
    let edited = dir.path().join("edited");
    copy_dir(&content, &edited);
    let fastigheter = edited.join("tables/bilaga-1/fastigheter.yaml");
    let text = fs::read_to_string(&fastigheter).unwrap();
    fs::write(
        &fastigheter,
        text.replace("values: [70.0]", "values: [72.5]"),
    )
    .unwrap();
    let changed = dir.path().join("changed.xlsx");
    export(dir.path(), &edited, &changed);

    let run = import(dir.path(), &content, &changed, "bilaga-1-fastigheter", &[]);
    let err = stderr(&run);
    assert_eq!(run.status.code(), Some(0), "{err}");
    assert_eq!(err.matches("changed:").count(), 1, "{err}");
    assert!(
        err.contains("changed: reinvesteringar › belopp: 70,0 → 72,5"),
        "{err}"
    );
    let now = fs::read_to_string(content.join("tables/bilaga-1/fastigheter.yaml")).unwrap();
    assert_eq!(
        now,
        text.replace("values: [70.0]", "values: [72.5]"),
        "only that value, comments and order kept"
    );

    // And vplan diff shows exactly that amount with the totals it moved.
    let orig = dir.path().join("orig");
    copy_dir(&root().join("content"), &orig);
    let run = vplan(
        dir.path(),
        &[
            "diff",
            "--color",
            "never",
            orig.to_str().unwrap(),
            content.to_str().unwrap(),
        ],
    );
    let out = String::from_utf8_lossy(&run.stdout).replace('\u{a0}', " ");
    assert_eq!(run.status.code(), Some(1));
    assert!(out.contains("1 change"), "{out}");
    assert!(out.contains("70,0 → 72,5 (+2,5) mnkr"), "{out}");
    assert!(
        out.contains("Investeringsbudget › Summa › Budget 2024: 372,5 → 375,0"),
        "{out}"
    );
}

#[test]
fn column_groups_are_a_merged_row_above_the_titles_and_import_back() {
    let dir = tempfile::tempdir().unwrap();
    let content = default_content(dir.path());
    let file = dir.path().join("plan.xlsx");
    export(dir.path(), &content, &file);
    let mut wb: Xlsx<_> = open_workbook(&file).unwrap();
    let range = wb.worksheet_range("driftbudget").unwrap();
    let rows: Vec<Vec<String>> = range
        .rows()
        .take(3)
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    assert_eq!(
        rows,
        [
            vec!["", "", "Budget 2024", "", "Prognos 2023", ""],
            vec![
                "id",
                "Belopp i mnkr",
                "Omsättning",
                "Varav budgetram",
                "Omsättning",
                "Varav budgetram"
            ],
            vec![
                "fastigheter",
                "Område fastigheter",
                "1135",
                "0",
                "1136.5",
                ""
            ],
        ]
    );
    let merged = wb.merge_cells_by_sheet_name("driftbudget").unwrap();
    assert_eq!(
        merged,
        [
            calamine::Dimensions {
                start: (0, 2),
                end: (0, 3)
            },
            calamine::Dimensions {
                start: (0, 4),
                end: (0, 5)
            }
        ],
        "C1:D1 and E1:F1"
    );
    // The sum's formula counts the extra row: the areas are in rows 3 to 9.
    let formulas = wb.worksheet_formula("driftbudget").unwrap();
    let all: Vec<String> = formulas.rows().flatten().map(|c| c.to_string()).collect();
    assert!(
        all.iter()
            .any(|f| f.starts_with("C3+C4+") || f == "SUM(C3:C9)"),
        "{all:?}"
    );
    // A table without groups keeps its titles in the first row.
    let plain = wb.worksheet_range("resultatbudget").unwrap();
    assert_eq!(plain.rows().next().unwrap()[0].to_string(), "id");

    // A changed amount in a grouped sheet comes back into its column.
    let edited = dir.path().join("edited");
    copy_dir(&content, &edited);
    let path = edited.join("tables/6-4-driftbudget.yaml");
    let text = fs::read_to_string(&path).unwrap();
    let (from, to) = (
        "values: [1135, 0, 1136.5, ~]",
        "values: [1135, 0, 1140.5, ~]",
    );
    fs::write(&path, text.replace(from, to)).unwrap();
    let changed = dir.path().join("changed.xlsx");
    export(dir.path(), &edited, &changed);
    let run = import(dir.path(), &content, &changed, "driftbudget", &[]);
    let err = stderr(&run);
    assert_eq!(run.status.code(), Some(0), "{err}");
    assert_eq!(err.matches("changed:").count(), 1, "{err}");
    assert_eq!(
        fs::read_to_string(content.join("tables/6-4-driftbudget.yaml")).unwrap(),
        text.replace(from, to)
    );

    // Under the group row, a column is found by group and title: the two blocks swapped in
    // the sheet (Prognos 2023 first) still read each amount into its own column, and a group
    // the table does not have is no column of it.
    let grouped =
        |groups: [&str; 2], amounts| driftbudget_with(Groups::Merged(groups), TITLES, amounts);
    let before = files(&content);
    let swapped = dir.path().join("swapped.xlsx");
    fs::write(
        &swapped,
        grouped(
            ["Prognos 2023", "Budget 2024"],
            [Some(1140.5), None, Some(1135.0), Some(0.0)],
        ),
    )
    .unwrap();
    let run = import(dir.path(), &content, &swapped, "driftbudget", &[]);
    let err = stderr(&run);
    assert_eq!(run.status.code(), Some(0), "{err}");
    assert!(err.contains("no changes"), "{err}");
    assert_eq!(files(&content), before);
    let other = dir.path().join("other.xlsx");
    fs::write(
        &other,
        grouped(
            ["Budget 2025", "Prognos 2023"],
            [Some(1135.0), Some(0.0), Some(1140.5), None],
        ),
    )
    .unwrap();
    let run = import(dir.path(), &content, &other, "driftbudget", &[]);
    let err = stderr(&run);
    assert_eq!(run.status.code(), Some(1), "{err}");
    assert!(
        err.contains("the sheet has no column titled `Omsättning` under the group `Budget 2024` (the column `Budget 2024 › Omsättning`)"),
        "{err}"
    );
    assert_eq!(files(&content), before);
}

#[test]
fn rows_that_match_nothing_stop_the_import_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    let content = default_content(dir.path());
    let edited = dir.path().join("edited");
    copy_dir(&content, &edited);
    let path = edited.join("tables/bilaga-1/it.yaml");
    let text = fs::read_to_string(&path).unwrap();
    let text = text.replace("values: [4.8]", "values: [5.8]").replace(
        "  - {id: summa,",
        "  - {id: ny-rad, label: En rad som inte finns, values: [1.0]}\n  - {id: summa,",
    );
    fs::write(&path, text).unwrap();
    let file = dir.path().join("it.xlsx");
    export(dir.path(), &edited, &file);
    let original = fs::read(content.join("tables/bilaga-1/it.yaml")).unwrap();

    let run = import(dir.path(), &content, &file, "bilaga-1-it", &[]);
    let err = stderr(&run);
    assert_eq!(run.status.code(), Some(1), "{err}");
    assert!(
        err.contains("unknown: `ny-rad` in the sheet ('bilaga-1-it'!A"),
        "{err}"
    );
    assert!(err.contains("nothing written"), "{err}");
    assert_eq!(
        fs::read(content.join("tables/bilaga-1/it.yaml")).unwrap(),
        original
    );

    let run = import(dir.path(), &content, &file, "bilaga-1-it", &["--force"]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let now = fs::read_to_string(content.join("tables/bilaga-1/it.yaml")).unwrap();
    assert!(now.contains("values: [5.8]") && !now.contains("ny-rad"));
}

/// The two header rows of the driftbudget sheet as `vplan export` writes them: the merged
/// group titles (C1:D1, E1:F1) above the column titles (row 2).
/// The titles of the driftbudget's amount columns, as `vplan export` writes them.
const TITLES: [&str; 4] = [
    "Omsättning",
    "Varav budgetram",
    "Omsättning",
    "Varav budgetram",
];

/// The group row of a hand-made driftbudget sheet.
enum Groups<'a> {
    /// Merged over C:D and E:F, as `vplan export` writes it.
    Merged([&'a str; 2]),
    /// Unmerged: titles in these cells of row 1 (0 = column C), as Excel leaves them.
    Cells(&'a [(u16, &'a str)]),
    /// No group row: the titles are the first row.
    Absent,
}

/// Writes the group row and the column titles of a driftbudget sheet; returns its first data
/// row.
fn driftbudget_head(
    ws: &mut rust_xlsxwriter::Worksheet,
    groups: &Groups,
    titles: [&str; 4],
) -> u32 {
    let head = match groups {
        Groups::Merged([a, b]) => {
            let f = rust_xlsxwriter::Format::new();
            ws.merge_range(0, 2, 0, 3, a, &f).unwrap();
            ws.merge_range(0, 4, 0, 5, b, &f).unwrap();
            1
        }
        Groups::Cells(cells) => {
            for (c, group) in *cells {
                ws.write_string(0, 2 + c, *group).unwrap();
            }
            1
        }
        Groups::Absent => 0,
    };
    title_row(
        ws,
        head,
        &[&["id", "Belopp i mnkr"][..], &titles[..]].concat(),
    );
    head + 1
}

/// Writes `titles` into row `row`, from column A.
fn title_row(ws: &mut rust_xlsxwriter::Worksheet, row: u32, titles: &[&str]) {
    for (c, title) in titles.iter().enumerate() {
        ws.write_string(row, c as u16, *title).unwrap();
    }
}

/// The driftbudget's header as `vplan export` writes it.
fn driftbudget_header(ws: &mut rust_xlsxwriter::Worksheet) {
    driftbudget_head(ws, &Groups::Merged(["Budget 2024", "Prognos 2023"]), TITLES);
}

/// A driftbudget sheet with this group row and these titles, and one row, `fastigheter`,
/// with these amounts in C–F.
fn driftbudget_with(groups: Groups, titles: [&str; 4], amounts: [Option<f64>; 4]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("driftbudget").unwrap();
    let row = driftbudget_head(ws, &groups, titles);
    ws.write_string(row, 0, "fastigheter").unwrap();
    ws.write_string(row, 1, "Område fastigheter").unwrap();
    for (c, v) in amounts.iter().enumerate() {
        if let Some(v) = v {
            ws.write_number(row, 2 + c as u16, *v).unwrap();
        }
    }
    wb.save_to_buffer().unwrap()
}

/// A sheet `driftbudget` laid out as `vplan export` lays it out, with one row
/// (`fastigheter`, typed `[1135, 0, 1136.5, ~]`) whose first amount (cell C3) is written by
/// `cell`; the other amounts are as in the content.
fn driftbudget_sheet(
    cell: impl FnOnce(&mut rust_xlsxwriter::Worksheet) -> Result<(), rust_xlsxwriter::XlsxError>,
) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("driftbudget").unwrap();
    driftbudget_header(ws);
    ws.write_string(2, 0, "fastigheter").unwrap();
    ws.write_string(2, 1, "Område fastigheter").unwrap();
    ws.write_number(2, 3, 0.0).unwrap();
    ws.write_number(2, 4, 1136.5).unwrap();
    cell(ws).unwrap();
    wb.save_to_buffer().unwrap()
}

/// The workbook with one part's XML edited.
fn edit_xml(xlsx: &[u8], part: &str, from: &str, to: &str) -> Vec<u8> {
    use std::io::{Read, Write};
    let mut zin = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let mut found = false;
    for i in 0..zin.len() {
        let mut f = zin.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).unwrap();
        if name == part {
            let text = String::from_utf8(bytes).unwrap();
            assert!(text.contains(from), "{part} has no {from:?}: {text}");
            found = true;
            bytes = text.replace(from, to).into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&bytes).unwrap();
    }
    assert!(found, "no part {part}");
    out.finish().unwrap().into_inner()
}

#[test]
fn a_cell_that_is_no_amount_stops_the_import_naming_its_cell() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Formula};
    let dir = tempfile::tempdir().unwrap();
    let content = default_content(dir.path());
    let before = files(&content);
    let formula =
        || driftbudget_sheet(|ws| ws.write_formula(2, 2, Formula::new("=1+1")).map(|_| ()));
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "a formula saved without a result (no <v>)",
            edit_xml(
                &formula(),
                "xl/worksheets/sheet1.xml",
                "<f>1+1</f><v>0</v>",
                "<f>1+1</f>",
            ),
            "the formula `=1+1` has no stored result",
        ),
        (
            "a formula saved with an empty result",
            edit_xml(
                &formula(),
                "xl/worksheets/sheet1.xml",
                "<f>1+1</f><v>0</v>",
                "<f>1+1</f><v></v>",
            ),
            "the formula `=1+1`",
        ),
        (
            "a formula whose stored result nobody calculated",
            formula(),
            "the formula `=1+1` is not an amount",
        ),
        (
            "an error value",
            driftbudget_sheet(|ws| {
                ws.write_formula(2, 2, Formula::new("=1/0").set_result("#DIV/0!"))
                    .map(|_| ())
            }),
            "#DIV/0!",
        ),
        (
            "a truth value",
            driftbudget_sheet(|ws| ws.write_boolean(2, 2, true).map(|_| ())),
            "TRUE is a truth value, not an amount",
        ),
        (
            "a date",
            driftbudget_sheet(|ws| {
                let date = ExcelDateTime::from_ymd(2024, 2, 29)?;
                ws.write_datetime_with_format(
                    2,
                    2,
                    &date,
                    &Format::new().set_num_format("yyyy-mm-dd"),
                )
                .map(|_| ())
            }),
            "a date (Excel value 45351), not an amount",
        ),
        (
            "a subnormal double",
            driftbudget_sheet(|ws| ws.write_number(2, 2, 5e-324).map(|_| ())),
            "5e-324 is too small to be an amount",
        ),
        (
            "a double too large for a Decimal",
            driftbudget_sheet(|ws| ws.write_number(2, 2, 1e300).map(|_| ())),
            "1e300 is too large for an amount",
        ),
        (
            "a double nobody typed",
            driftbudget_sheet(|ws| ws.write_number(2, 2, 0.1 + 0.2).map(|_| ())),
            "0.30000000000000004 has 17 significant digits",
        ),
        (
            "more decimals than the column has",
            driftbudget_sheet(|ws| ws.write_number(2, 2, 1135.25).map(|_| ())),
            "1135.25 has more than 1 decimal",
        ),
        (
            "text too long for a Decimal",
            driftbudget_sheet(|ws| {
                ws.write_string(2, 2, "99999999999999999999999999999")
                    .map(|_| ())
            }),
            "is too large for an amount",
        ),
    ];
    for (what, xlsx, message) in cases {
        let file = dir.path().join("bad.xlsx");
        fs::write(&file, &xlsx).unwrap();
        let run = import(dir.path(), &content, &file, "driftbudget", &[]);
        let err = stderr(&run);
        assert_eq!(run.status.code(), Some(1), "{what}: {err}");
        assert!(
            err.contains("driftbudget!C3"),
            "{what}: the cell is named: {err}"
        );
        assert!(err.contains(message), "{what}: {err}");
        assert!(err.contains("row `fastigheter`"), "{what}: {err}");
        assert!(err.contains("nothing written"), "{what}: {err}");
        assert_eq!(files(&content), before, "{what}: nothing written");
    }

    // A row twice: which one is meant cannot be known.
    let file = dir.path().join("twice.xlsx");
    fs::write(
        &file,
        driftbudget_sheet(|ws| {
            ws.write_number(2, 2, 1135.0)?;
            ws.write_string(3, 0, "fastigheter")?;
            ws.write_number(3, 2, 2000.0).map(|_| ())
        }),
    )
    .unwrap();
    let run = import(dir.path(), &content, &file, "driftbudget", &[]);
    let err = stderr(&run);
    assert_eq!(run.status.code(), Some(1), "{err}");
    assert!(
        err.contains("driftbudget!A4: row `fastigheter` is in the sheet twice (also in row 3)"),
        "{err}"
    );
    assert_eq!(files(&content), before);

    // The same sheet with a typed amount imports it (the cases above fail for their cell).
    let file = dir.path().join("good.xlsx");
    fs::write(
        &file,
        driftbudget_sheet(|ws| ws.write_number(2, 2, 1140.5).map(|_| ())),
    )
    .unwrap();
    let run = import(dir.path(), &content, &file, "driftbudget", &[]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let now = fs::read_to_string(content.join("tables/6-4-driftbudget.yaml")).unwrap();
    assert!(now.contains("values: [1140.5, 0, 1136.5, ~]"), "{now}");
}

/// A sheet `name` laid out as `vplan export` lays out `driftbudget` (id, label, four amount
/// columns), with these rows: id, label, and each amount as a number or a formula.
fn sheet_of(name: &str, rows: &[(&str, &str, [Cell; 4])]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(name).unwrap();
    driftbudget_header(ws);
    for (r, (id, label, cells)) in rows.iter().enumerate() {
        let xr = r as u32 + 2;
        ws.write_string(xr, 0, *id).unwrap();
        ws.write_string(xr, 1, *label).unwrap();
        for (c, cell) in cells.iter().enumerate() {
            let xc = c as u16 + 2;
            match cell {
                Cell::Empty => {}
                Cell::Number(v) => {
                    ws.write_number(xr, xc, *v).unwrap();
                }
                Cell::Formula(f, result) => {
                    ws.write_formula(
                        xr,
                        xc,
                        rust_xlsxwriter::Formula::new(*f).set_result(*result),
                    )
                    .unwrap();
                }
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

#[derive(Clone, Copy)]
enum Cell {
    Empty,
    Number(f64),
    Formula(&'static str, &'static str),
}
use Cell::{Empty as E, Number as N};

/// The amounts of the default driftbudget, as the export writes them.
const FASTIGHETER: [Cell; 4] = [N(1135.0), N(0.0), N(1136.5), E];
const FORSORJNING: [Cell; 4] = [N(370.0), N(0.0), N(386.6), N(0.0)];

#[test]
fn ids_and_labels_that_disagree_stop_the_import() {
    let dir = tempfile::tempdir().unwrap();
    let content = default_content(dir.path());
    let before = files(&content);
    let file = dir.path().join("sorted.xlsx");
    // Labels and amounts sorted (B3:F4), the ids in column A left in place: each id now
    // stands beside the other row's label and amounts.
    fs::write(
        &file,
        sheet_of(
            "driftbudget",
            &[
                ("fastigheter", "Område försörjning", FORSORJNING),
                ("forsorjning", "Område fastigheter", FASTIGHETER),
            ],
        ),
    )
    .unwrap();
    let run = import(dir.path(), &content, &file, "driftbudget", &[]);
    let err = stderr(&run);
    assert_eq!(run.status.code(), Some(1), "{err}");
    assert!(
        err.contains("driftbudget!B3: row `fastigheter` has the label `Område försörjning` of row `forsorjning`"),
        "{err}"
    );
    assert!(err.contains("driftbudget!B4: row `forsorjning` has the label `Område fastigheter` of row `fastigheter`"), "{err}");
    assert!(
        !err.contains("missing: row `fastigheter`"),
        "the row is in the sheet: {err}"
    );
    assert!(err.contains("nothing written"), "{err}");
    assert_eq!(files(&content), before);

    // A label edited in the sheet is not imported: refused, not dropped unseen.
    fs::write(
        &file,
        sheet_of(
            "driftbudget",
            &[(
                "fastigheter",
                "Fastigheter och lokaler",
                [N(1140.5), N(0.0), N(1136.5), E],
            )],
        ),
    )
    .unwrap();
    let run = import(dir.path(), &content, &file, "driftbudget", &[]);
    let err = stderr(&run);
    assert_eq!(run.status.code(), Some(1), "{err}");
    assert!(
        err.contains("driftbudget!B3: row `fastigheter` has the label `Fastigheter och lokaler`, not its own label `Område fastigheter`"),
        "{err}"
    );
    assert_eq!(files(&content), before);

    // Its own label (spaces aside) or none at all is fine.
    fs::write(
        &file,
        sheet_of(
            "driftbudget",
            &[
                (
                    "fastigheter",
                    " Område  fastigheter ",
                    [N(1140.5), N(0.0), N(1136.5), E],
                ),
                ("forsorjning", "", FORSORJNING),
            ],
        ),
    )
    .unwrap();
    let run = import(dir.path(), &content, &file, "driftbudget", &[]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let now = fs::read_to_string(content.join("tables/6-4-driftbudget.yaml")).unwrap();
    assert!(now.contains("values: [1140.5, 0, 1136.5, ~]"), "{now}");
}

#[test]
fn values_shared_through_an_anchor_are_not_rewritten() {
    let dir = tempfile::tempdir().unwrap();
    let content = default_content(dir.path());
    let yaml = content.join("tables/6-4-driftbudget.yaml");
    let text = fs::read_to_string(&yaml).unwrap();
    let text = text
        .replace(
            "values: [370, 0, 386.6, 0]}",
            "values: &v [370, 0, 386.6, 0]}",
        )
        .replace(
            "label: Område inköp och upphandling, values: [100, 0, 15.5, 0]}",
            "label: Område inköp och upphandling, values: *v}",
        );
    fs::write(&yaml, &text).unwrap();
    let run = vplan(
        dir.path(),
        &["check", "-q", "--content", content.to_str().unwrap()],
    );
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let before = files(&content);
    let file = dir.path().join("edited.xlsx");
    let inkop = [N(370.0), N(0.0), N(386.6), N(0.0)];
    for (rows, message, line) in [
        (
            vec![("forsorjning", "Område försörjning", [N(371.0), N(0.0), N(386.6), N(0.0)])],
            "row `forsorjning`: its values are anchored (`&v`), so other rows may share them through the alias `*v`",
            "6-4-driftbudget.yaml:12:",
        ),
        (
            vec![
                ("forsorjning", "Område försörjning", FORSORJNING),
                ("inkop-och-upphandling", "Område inköp och upphandling", [N(101.0), inkop[1], inkop[2], inkop[3]]),
            ],
            "row `inkop-och-upphandling`: its values are the alias `*v` of another row's values",
            "6-4-driftbudget.yaml:13:78",
        ),
    ] {
        fs::write(&file, sheet_of("driftbudget", &rows)).unwrap();
        let run = import(dir.path(), &content, &file, "driftbudget", &[]);
        let err = stderr(&run);
        assert_eq!(run.status.code(), Some(1), "{err}");
        assert!(err.contains(message), "{err}");
        assert!(err.contains(line), "at the row's values: {err}");
        assert!(err.contains("nothing written"), "{err}");
        assert_eq!(files(&content), before);
    }
}

#[test]
fn a_number_typed_over_a_computed_cell_stops_the_import() {
    let dir = tempfile::tempdir().unwrap();
    let content = default_content(dir.path());
    let before = files(&content);
    let file = dir.path().join("summa.xlsx");
    // Summa, the sum of the seven areas: 2380 in the first column.
    fs::write(
        &file,
        sheet_of(
            "driftbudget",
            &[
                ("fastigheter", "Område fastigheter", FASTIGHETER),
                ("summa", "Summa", [N(999.0), N(-23.2), E, E]),
            ],
        ),
    )
    .unwrap();
    let run = import(dir.path(), &content, &file, "driftbudget", &[]);
    let err = stderr(&run);
    assert_eq!(run.status.code(), Some(1), "{err}");
    assert!(
        err.contains("driftbudget!C4 (row `summa`, column `Budget 2024 › Omsättning`) is computed (Summa = the sum of rows `fastigheter`, `forsorjning`"),
        "{err}"
    );
    assert!(
        err.contains(
            "the sheet has 999 there, vplan computes 2380; change the rows it is computed from"
        ),
        "{err}"
    );
    assert!(
        !err.contains("driftbudget!D4"),
        "the right value is fine: {err}"
    );
    assert!(err.contains("nothing written"), "{err}");
    assert_eq!(files(&content), before);

    // A cell taken from another table (`refs`), typed over in the sheet.
    let file = dir.path().join("refs.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("investeringsbudget").unwrap();
    title_row(
        ws,
        0,
        &[
            "id",
            "Belopp i mnkr",
            "Budget 2024",
            "Prognos 2023",
            "Budget 2023",
        ],
    );
    ws.write_string(1, 0, "byggnadsinvesteringar").unwrap();
    ws.write_number(1, 2, 250.0).unwrap();
    ws.write_number(1, 3, 361.0).unwrap();
    ws.write_number(1, 4, 347.5).unwrap();
    fs::write(&file, wb.save_to_buffer().unwrap()).unwrap();
    let run = import(dir.path(), &content, &file, "investeringsbudget", &[]);
    let err = stderr(&run);
    assert_eq!(run.status.code(), Some(1), "{err}");
    assert!(
        err.contains("investeringsbudget!C2 (row `byggnadsinvesteringar`, column `Budget 2024`) is computed (Byggnadsinvesteringar = taken from `bilaga-1-fastigheter/summa/belopp`): the sheet has 250 there, vplan computes 203.8"),
        "{err}"
    );
    assert_eq!(files(&content), before);

    // A formula there (whatever its stored result), the computed value pasted as a value, or
    // an empty cell say nothing against it.
    fs::write(
        &file,
        sheet_of(
            "driftbudget",
            &[
                (
                    "fastigheter",
                    "Område fastigheter",
                    [N(1140.5), N(0.0), N(1136.5), E],
                ),
                (
                    "summa",
                    "Summa",
                    // E9 as Excel sums the rows in doubles, pasted as a value.
                    [
                        Cell::Formula("=C3+1", "7"),
                        N(-23.2),
                        N(2394.4999999999995),
                        N(51.7),
                    ],
                ),
            ],
        ),
    )
    .unwrap();
    let run = import(dir.path(), &content, &file, "driftbudget", &[]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert!(
        stderr(&run).contains("1 amount changed"),
        "{}",
        stderr(&run)
    );
}

#[test]
fn amounts_beyond_the_bound_are_refused_at_their_cell() {
    let dir = tempfile::tempdir().unwrap();
    let content = default_content(dir.path());
    let before = files(&content);
    let file = dir.path().join("big.xlsx");
    for (cell, message) in [
        (N(1e15), "1000000000000000 is too large for an amount"),
        (N(-1e15), "-1000000000000000 is too large for an amount"),
    ] {
        fs::write(
            &file,
            sheet_of(
                "driftbudget",
                &[(
                    "fastigheter",
                    "Område fastigheter",
                    [cell, N(0.0), N(1136.5), E],
                )],
            ),
        )
        .unwrap();
        let run = import(dir.path(), &content, &file, "driftbudget", &[]);
        let err = stderr(&run);
        assert_eq!(run.status.code(), Some(1), "{err}");
        assert!(err.contains("driftbudget!C3 (row `fastigheter`"), "{err}");
        assert!(err.contains(message), "{err}");
        assert!(
            !err.contains("6-4-driftbudget.yaml:"),
            "at the cell, not the file: {err}"
        );
        assert_eq!(files(&content), before);
    }
    // The largest amount there is imports.
    fs::write(
        &file,
        sheet_of(
            "driftbudget",
            &[(
                "fastigheter",
                "Område fastigheter",
                [N(999999999999999.0), N(0.0), N(1136.5), E],
            )],
        ),
    )
    .unwrap();
    let run = import(dir.path(), &content, &file, "driftbudget", &[]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
}

#[test]
fn errors_of_the_imported_plan_name_the_real_file() {
    let dir = tempfile::tempdir().unwrap();
    let content = default_content(dir.path());
    let yaml = content.join("tables/6-4-driftbudget.yaml");
    let text = fs::read_to_string(&yaml).unwrap();
    fs::write(
        &yaml,
        text.replace(
            "values: [1135, 0, 1136.5, ~]}",
            "values: [1135, 0, 1136.5, ~], control: [1135, ~, ~, ~]}",
        ),
    )
    .unwrap();
    let before = files(&content);
    let file = dir.path().join("c.xlsx");
    fs::write(
        &file,
        sheet_of(
            "driftbudget",
            &[(
                "fastigheter",
                "Område fastigheter",
                [N(1140.5), N(0.0), N(1136.5), E],
            )],
        ),
    )
    .unwrap();
    let run = import(dir.path(), &content, &file, "driftbudget", &[]);
    let err = stderr(&run);
    assert_eq!(run.status.code(), Some(1), "{err}");
    let real = yaml.display().to_string();
    assert!(err.contains(&format!("{real}:11:")), "{err}");
    assert!(
        err.contains("error: with the amounts of the sheet: control figure does not match"),
        "{err}"
    );
    assert!(
        !err.contains("warning:"),
        "the plan's own warnings are not the import's: {err}"
    );
    assert!(
        !err.replace(&real, "").contains("6-4-driftbudget.yaml"),
        "no other path to the file (a temporary copy): {err}"
    );
    assert!(err.contains("nothing written"), "{err}");
    assert_eq!(files(&content), before);
}

#[test]
fn csv_text_that_a_spreadsheet_would_run_is_written_as_text() {
    let dir = tempfile::tempdir().unwrap();
    let content = default_content(dir.path());
    let yaml = content.join("tables/6-4-driftbudget.yaml");
    let text = fs::read_to_string(&yaml).unwrap();
    fs::write(
        &yaml,
        text.replace(
            "label: Område IT,",
            "label: \"=HYPERLINK(\\\"http://x\\\",\\\"IT\\\")\",",
        )
        .replace("label: Område medicinsk teknik,", "label: \"@SUM(1+1)\",")
        .replace("label: Summa,", "label: \"-Summa\","),
    )
    .unwrap();
    let csv = dir.path().join("plan.csv");
    let run = vplan(
        dir.path(),
        &[
            "export",
            "-q",
            "--format",
            "csv",
            "--content",
            content.to_str().unwrap(),
            "--out",
            csv.to_str().unwrap(),
        ],
    );
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    // The Swedish form: the same guard, `;` between fields.
    let out = fs::read_to_string(&csv).unwrap();
    assert!(
        out.contains("driftbudget;it;\"'=HYPERLINK(\"\"http://x\"\",\"\"IT\"\")\";data;"),
        "{out}"
    );
    assert!(out.contains("driftbudget;summa;'-Summa;sum;"), "{out}");
    assert!(out.contains(";Varav budgetram;-23,2\r\n"), "{out}");
    let run = vplan(
        dir.path(),
        &[
            "export",
            "-q",
            "--format",
            "csv",
            "--csv",
            "plain",
            "--content",
            content.to_str().unwrap(),
            "--out",
            csv.to_str().unwrap(),
        ],
    );
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let out = fs::read_to_string(&csv).unwrap();
    assert!(
        out.contains("driftbudget,it,\"'=HYPERLINK(\"\"http://x\"\",\"\"IT\"\")\",data,"),
        "{out}"
    );
    assert!(
        out.contains("driftbudget,medicinsk-teknik,'@SUM(1+1),data,"),
        "{out}"
    );
    assert!(out.contains("driftbudget,summa,'-Summa,sum,"), "{out}");
    // Negative amounts stay numbers.
    assert!(
        out.contains("driftbudget,forvaltningsgemensamt,Förvaltningsgemensamt,data,b2024-budgetram,Budget 2024,Varav budgetram,-23.2\n"),
        "{out}"
    );
}

#[test]
fn no_export_or_report_is_written_over_the_content() {
    let dir = tempfile::tempdir().unwrap();
    let content = default_content(dir.path());
    let before = files(&content);
    let c = content.to_str().unwrap();
    let outside = dir.path().join("notes.yaml");
    fs::write(&outside, "keep: me\n").unwrap();
    let plan_yaml = content.join("plan.yaml");
    let inside_new = content.join("tables/plan.xlsx");
    let via_dots = dir.path().join("output/../content/plan.csv");
    for (args, message) in [
        (
            vec![
                "export",
                "--content",
                c,
                "--out",
                plan_yaml.to_str().unwrap(),
            ],
            "is an existing YAML file",
        ),
        (
            vec![
                "export",
                "--content",
                c,
                "--out",
                inside_new.to_str().unwrap(),
            ],
            "is inside the content directory",
        ),
        (
            vec![
                "export",
                "--format",
                "csv",
                "--content",
                c,
                "--out",
                via_dots.to_str().unwrap(),
            ],
            "is inside the content directory",
        ),
        (
            vec!["export", "--content", c, "--out", outside.to_str().unwrap()],
            "is an existing YAML file",
        ),
        (
            vec![
                "diff",
                c,
                c,
                "--content",
                c,
                "-o",
                inside_new.to_str().unwrap(),
            ],
            "is inside the content directory",
        ),
        (
            vec![
                "diff",
                c,
                c,
                "--content",
                c,
                "-o",
                plan_yaml.to_str().unwrap(),
            ],
            "is an existing YAML file",
        ),
    ] {
        let run = vplan(dir.path(), &args);
        let err = stderr(&run);
        assert_eq!(run.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(message), "{args:?}: {err}");
        assert_eq!(files(&content), before, "{args:?}");
    }
    assert_eq!(fs::read_to_string(&outside).unwrap(), "keep: me\n");
    assert!(content.join("plan.yaml").exists());
}

/// A sum over more rows than Excel's 8 192-character formula can name one by one is written
/// over ranges of adjacent rows, and still computes the same total.
#[test]
fn a_sum_of_nineteen_hundred_rows_fits_an_excel_formula() {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    copy_dir(&fixture("fjallkommun_2031"), &content);
    let mut table = String::from(
        "id: driftbudget\nunit: tkr\ncolumns: [{id: b2031, title: Budget 2031, precision: 0}, {id: b2030, title: Budget 2030, precision: 0}]\nrows:\n",
    );
    for i in 0..1900 {
        table.push_str(&format!(
            "  - {{id: r{i}, label: Rad {i}, values: [{i}, 1]}}\n"
        ));
    }
    table.push_str("  - {id: summa, label: Summa, kind: sum, sum: all}\n");
    fs::write(content.join("tables/driftbudget.yaml"), table).unwrap();
    let file = dir.path().join("stor.xlsx");
    export(dir.path(), &content, &file);
    let mut wb: Xlsx<_> = open_workbook(&file).unwrap();
    let formulas = wb.worksheet_formula("driftbudget").unwrap();
    let all: Vec<String> = formulas
        .rows()
        .flatten()
        .map(|c| c.to_string())
        .filter(|f| !f.is_empty())
        .collect();
    let lengths: Vec<usize> = all.iter().map(String::len).collect();
    assert!(
        all == ["SUM(C2:C1901)", "SUM(D2:D1901)"],
        "formulas of {lengths:?} characters"
    );
    let values = wb.worksheet_range("driftbudget").unwrap();
    let summa = values.rows().find(|r| r[0] == "summa").unwrap();
    assert_eq!(summa[2], calamine::Data::Float(1_804_050.0));
}

/// The driftbudget sheet with one header row (no group row above it): these titles in C1:F1
/// and `fastigheter`'s amounts below them.
fn driftbudget_without_groups(titles: [&str; 4], amounts: [Option<f64>; 4]) -> Vec<u8> {
    driftbudget_with(Groups::Absent, titles, amounts)
}

#[test]
fn repeated_titles_without_the_group_row_are_refused_not_read_by_position() {
    let dir = tempfile::tempdir().unwrap();
    let content = default_content(dir.path());
    let before = files(&content);
    let file = dir.path().join("x.xlsx");
    let titles = [
        "Omsättning",
        "Varav budgetram",
        "Omsättning",
        "Varav budgetram",
    ];
    // The group row deleted and the Prognos 2023 block moved before Budget 2024: the titles
    // read exactly as before, so the order cannot tell the blocks apart. Nor can it for a
    // sheet left as it was (the amounts in the table's order): both are refused.
    for amounts in [
        [Some(1136.5), None, Some(1135.0), Some(0.0)],
        [Some(1135.0), Some(0.0), Some(1136.5), None],
    ] {
        fs::write(&file, driftbudget_without_groups(titles, amounts)).unwrap();
        let run = import(dir.path(), &content, &file, "driftbudget", &[]);
        let err = stderr(&run);
        assert_eq!(run.status.code(), Some(1), "{err}");
        assert!(
            err.contains("driftbudget!C1, driftbudget!E1: these columns are all titled `Omsättning`, and the sheet has no group row above the titles to tell `Budget 2024 › Omsättning` from `Prognos 2023 › Omsättning`"),
            "{err}"
        );
        assert!(
            err.contains(
                "driftbudget!D1, driftbudget!F1: these columns are all titled `Varav budgetram`"
            ),
            "{err}"
        );
        assert!(err.contains("keep the row of group titles"), "{err}");
        assert!(err.contains("nothing written"), "{err}");
        assert_eq!(files(&content), before);
    }
    // Titles that name their group need no group row, in any order.
    fs::write(
        &file,
        driftbudget_without_groups(
            [
                "Prognos 2023 › Omsättning",
                "Prognos 2023 › Varav budgetram",
                "Budget 2024 › Omsättning",
                "Budget 2024 › Varav budgetram",
            ],
            [Some(1136.5), None, Some(1140.5), Some(0.0)],
        ),
    )
    .unwrap();
    let run = import(dir.path(), &content, &file, "driftbudget", &[]);
    let err = stderr(&run);
    assert_eq!(run.status.code(), Some(0), "{err}");
    let now = fs::read_to_string(content.join("tables/6-4-driftbudget.yaml")).unwrap();
    assert!(now.contains("values: [1140.5, 0, 1136.5, ~]"), "{now}");
}

/// The driftbudget sheet after Excel's *Unmerge cells*: each group title in its first cell
/// only (at the given columns, counted from C), `fastigheter`'s amounts in C3:F3.
fn driftbudget_unmerged(groups: &[(u16, &str)], amounts: [Option<f64>; 4]) -> Vec<u8> {
    driftbudget_with(Groups::Cells(groups), TITLES, amounts)
}

#[test]
fn an_unmerged_group_row_still_tells_the_columns_apart() {
    let dir = tempfile::tempdir().unwrap();
    let content = default_content(dir.path());
    let before = files(&content);
    let file = dir.path().join("b.xlsx");
    // Unmerged, and the blocks swapped: each amount still goes to its own column.
    fs::write(
        &file,
        driftbudget_unmerged(
            &[(0, "Prognos 2023"), (2, "Budget 2024")],
            [Some(1136.5), None, Some(1135.0), Some(0.0)],
        ),
    )
    .unwrap();
    let run = import(dir.path(), &content, &file, "driftbudget", &[]);
    let err = stderr(&run);
    assert_eq!(run.status.code(), Some(0), "{err}");
    assert!(err.contains("no changes"), "{err}");
    assert_eq!(files(&content), before);
    // An empty cell continues a group only where that gives the table's own groups: one
    // group title over all four columns does not, and the error names the sheet's cells.
    fs::write(
        &file,
        driftbudget_unmerged(
            &[(0, "Budget 2024")],
            [Some(1135.0), Some(0.0), Some(1136.5), None],
        ),
    )
    .unwrap();
    let run = import(dir.path(), &content, &file, "driftbudget", &[]);
    let err = stderr(&run);
    assert_eq!(run.status.code(), Some(1), "{err}");
    assert!(
        err.contains("driftbudget!A2:F2 (the column titles): the sheet has no column titled `Varav budgetram` under the group `Budget 2024`"),
        "{err}"
    );
    assert!(
        err.contains("driftbudget!A2:F2 (the column titles): the sheet has no column titled `Omsättning` under the group `Prognos 2023`"),
        "{err}"
    );
    assert_eq!(files(&content), before);
    // A row that matches nothing is named by its cell, in the error too.
    fs::write(
        &file,
        driftbudget_sheet(|ws| {
            ws.write_number(2, 2, 1135.0)?;
            ws.write_string(3, 0, "ny-rad").map(|_| ())
        }),
    )
    .unwrap();
    let run = import(dir.path(), &content, &file, "driftbudget", &[]);
    let err = stderr(&run);
    assert_eq!(run.status.code(), Some(1), "{err}");
    assert!(
        err.contains(
            "1 row(s) of the sheet match no row of table `driftbudget` (driftbudget!A4 `ny-rad`)"
        ),
        "{err}"
    );
    assert_eq!(files(&content), before);
}

#[test]
fn a_percent_formatted_cell_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let content = default_content(dir.path());
    let before = files(&content);
    let file = dir.path().join("p.xlsx");
    let sheet = |format: Option<&str>| {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name("nyckeltal").unwrap();
        title_row(
            ws,
            0,
            &[
                "id",
                "Procent",
                "Budget 2024",
                "Prognos 2023",
                "Budget 2023",
            ],
        );
        ws.write_string(1, 0, "lonekostnadsokningstakt").unwrap();
        match format {
            Some(code) => ws
                .write_number_with_format(
                    1,
                    2,
                    0.1,
                    &rust_xlsxwriter::Format::new().set_num_format(code),
                )
                .unwrap(),
            None => ws.write_number(1, 2, 0.1).unwrap(),
        };
        ws.write_number(1, 3, 7.8).unwrap();
        ws.write_number(1, 4, 3.0).unwrap();
        wb.save_to_buffer().unwrap()
    };
    for (code, shown) in [
        ("0%", "0%"),
        ("0.0 %", "0.0 %"),
        ("#,##0.0%;-#,##0.0%", "#,##0.0%"),
    ] {
        fs::write(&file, sheet(Some(code))).unwrap();
        let run = import(dir.path(), &content, &file, "nyckeltal", &[]);
        let err = stderr(&run);
        assert_eq!(run.status.code(), Some(1), "{code}: {err}");
        assert!(
            err.contains("nyckeltal!C2 (row `lonekostnadsokningstakt`, column `Budget 2024`): the cell has the percent format"),
            "{code}: {err}"
        );
        assert!(err.contains(shown), "{code}: {err}");
        assert!(err.contains("shows 10% for the value 0.1"), "{code}: {err}");
        assert!(
            err.contains("give the cell a number format"),
            "{code}: {err}"
        );
        assert_eq!(files(&content), before, "{code}");
    }
    // A `%` in quotes is text in the format, not a percentage.
    fs::write(&file, sheet(Some("0.0\" %\""))).unwrap();
    let run = import(dir.path(), &content, &file, "nyckeltal", &[]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let now = fs::read_to_string(content.join("tables/6-2-nyckeltal.yaml")).unwrap();
    assert!(now.contains("values: [0.1, 7.8, 3.0]"), "{now}");
}

#[test]
fn text_amounts_take_spaces_only_between_thousands() {
    let dir = tempfile::tempdir().unwrap();
    let content = default_content(dir.path());
    let before = files(&content);
    let file = dir.path().join("t.xlsx");
    for text in [
        "12 3",
        "1 2 3 4",
        "1135 0",
        "11 35",
        "1 1350",
        "1  135",
        "1 135,5 0",
        "- 12",
    ] {
        fs::write(
            &file,
            driftbudget_sheet(|ws| ws.write_string(2, 2, text).map(|_| ())),
        )
        .unwrap();
        let run = import(dir.path(), &content, &file, "driftbudget", &[]);
        let err = stderr(&run);
        assert_eq!(run.status.code(), Some(1), "{text:?}: {err}");
        assert!(
            err.contains(&format!(
                "driftbudget!C3 (row `fastigheter`, column `Budget 2024 › Omsättning`): `{text}` is not an amount"
            )),
            "{text:?}: {err}"
        );
        assert_eq!(files(&content), before, "{text:?}");
    }
    // Thousands grouped by any of the spaces a spreadsheet shows are one number.
    for text in ["1 135", "1\u{a0}135", "1\u{202f}135,0", " 1 135 "] {
        fs::write(
            &file,
            driftbudget_sheet(|ws| ws.write_string(2, 2, text).map(|_| ())),
        )
        .unwrap();
        let run = import(dir.path(), &content, &file, "driftbudget", &[]);
        let err = stderr(&run);
        assert_eq!(run.status.code(), Some(0), "{text:?}: {err}");
        assert!(err.contains("no changes"), "{text:?}: {err}");
    }
}

#[test]
fn trailing_zeros_are_no_decimals_as_in_the_yaml() {
    let dir = tempfile::tempdir().unwrap();
    let content = default_content(dir.path());
    let file = dir.path().join("t.xlsx");
    // More decimals than the column's precision is an error only where they are not zeros
    // (as `2380.50` is fine in the YAML); the amount is written with the column's decimals.
    fs::write(
        &file,
        driftbudget_sheet(|ws| ws.write_string(2, 2, "1140.55").map(|_| ())),
    )
    .unwrap();
    let run = import(dir.path(), &content, &file, "driftbudget", &[]);
    let err = stderr(&run);
    assert_eq!(run.status.code(), Some(1), "{err}");
    assert!(err.contains("`1140.55` has more than 1 decimal"), "{err}");
    fs::write(
        &file,
        driftbudget_sheet(|ws| ws.write_string(2, 2, "1 140,500").map(|_| ())),
    )
    .unwrap();
    let run = import(dir.path(), &content, &file, "driftbudget", &[]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let now = fs::read_to_string(content.join("tables/6-4-driftbudget.yaml")).unwrap();
    assert!(now.contains("values: [1140.5, 0, 1136.5, ~]"), "{now}");
}

/// The fixture nämnd with its follow-up reports (as `tests/it/followup.rs` has it).
fn with_reports() -> Scratch {
    let s = Scratch::of("fjallkommun_2031");
    copy_dir(&fixture("fjallkommun_2031_reports"), &s.content());
    s
}

const T1: &str = "uppfoljning/2031-t1.yaml";

fn import_report(s: &Scratch, file: &Path, table: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        file.to_str().unwrap(),
        "--report",
        "2031-t1",
        "--table",
        table,
    ];
    args.extend_from_slice(extra);
    s.run("import", &args)
}

/// An economy system's export: account, its name, the outcome (and more rows or columns).
fn economy_sheet(header: &[&str], rows: &[(&str, &str, f64)]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Blad1").unwrap();
    title_row(ws, 0, header);
    for (r, (konto, name, utfall)) in rows.iter().enumerate() {
        let xr = r as u32 + 1;
        ws.write_string(xr, 0, *konto).unwrap();
        ws.write_string(xr, 1, *name).unwrap();
        ws.write_number(xr, 2, *utfall).unwrap();
    }
    wb.save_to_buffer().unwrap()
}

#[test]
fn a_report_exports_its_outcomes_with_the_deviations_as_formulas() {
    let s = with_reports();
    let file = s.dir.path().join("t1.xlsx");
    let out = s.run(
        "export",
        &["-q", "--report", "2031-t1", "--out", file.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let mut wb: Xlsx<_> = open_workbook(&file).unwrap();
    let values = wb.worksheet_range("driftbudget").unwrap();
    let header: Vec<String> = values
        .rows()
        .nth(1)
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert!(header.iter().any(|h| h == "Utfall"), "{header:?}");
    let groups: Vec<String> = values
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert!(
        groups.iter().any(|g| g == "Januari–april 2031"),
        "{groups:?}"
    );
    let av = header.iter().position(|h| h == "Avvikelse").unwrap();
    let formulas = wb.worksheet_formula("driftbudget").unwrap();
    let (top, left) = formulas.start().unwrap();
    // The period's deviation sets the outcome against the period's budget (the two columns
    // before it), empty while either is: January–April is 4/12 of the year, so bibliotek's
    // budget is 12 500 × 4/12 = 4 166,67 → 4 167 against 4 300, and the sum's 4 167 + 2 917 −
    // 411 = 6 673 against 7 000.
    assert_eq!(header[av - 2], "Budget");
    assert_eq!(header[av - 1], "Utfall");
    let letter = |c: usize| char::from(b'A' + c as u8);
    let (pb, ut) = (letter(av - 2), letter(av - 1));
    for (id, want, budget) in [("bibliotek", -133.0, 4167.0), ("summa", -327.0, 6673.0)] {
        let r = values.rows().position(|row| row[0] == id).unwrap() as u32;
        let f = formulas
            .get_value((r, av as u32))
            .or_else(|| formulas.get((r as usize - top as usize, av - left as usize)))
            .unwrap();
        let n = r + 1;
        assert_eq!(
            f,
            &format!("IF(OR({pb}{n}=\"\",{ut}{n}=\"\"),\"\",{pb}{n}-{ut}{n})"),
            "{id}: the deviation is a difference of the row's cells, empty while one is"
        );
        let row = values.rows().nth(r as usize).unwrap();
        assert_eq!(row[av], calamine::Data::Float(want));
        assert_eq!(row[av - 2], calamine::Data::Float(budget));
    }
    // Bibliotek's period budget is a formula over its annual budget, rounded as vplan rounds.
    let r = values.rows().position(|row| row[0] == "bibliotek").unwrap() as u32;
    let f = formulas
        .get_value((r, (av - 2) as u32))
        .or_else(|| formulas.get((r as usize - top as usize, av - 2 - left as usize)))
        .unwrap();
    let annual = letter(av + 1);
    let n = r + 1;
    assert_eq!(
        f,
        &format!("IF({annual}{n}=\"\",\"\",ROUND({annual}{n}*4/12,0))")
    );
}

#[test]
fn a_reports_outcomes_import_back_in_place() {
    let s = with_reports();
    let file = s.dir.path().join("t1.xlsx");
    let out = s.run(
        "export",
        &["-q", "--report", "2031-t1", "--out", file.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let before = fs::read_to_string(s.content().join(T1)).unwrap();
    // Unchanged, the sheet is the report.
    let out = import_report(&s, &file, "driftbudget", &["-q"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!stderr(&out).contains("differs"), "{}", stderr(&out));
    assert!(!stderr(&out).contains("skipped"), "{}", stderr(&out));
    assert_eq!(fs::read_to_string(s.content().join(T1)).unwrap(), before);
    // Bibliotek's outcome 4 300 → 4 410 in the sheet (sheet1 is driftbudget).
    let edited = edit_xml(
        &fs::read(&file).unwrap(),
        "xl/worksheets/sheet1.xml",
        "<c r=\"E3\" s=\"3\"><v>4300</v></c>",
        "<c r=\"E3\" s=\"3\"><v>4410</v></c>",
    );
    fs::write(&file, edited).unwrap();
    let out = import_report(&s, &file, "driftbudget", &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out).replace(['\u{a0}', '\u{202f}'], " ");
    assert!(
        err.contains("changed: bibliotek › utfall: 4 300 → 4 410"),
        "{err}"
    );
    let after = fs::read_to_string(s.content().join(T1)).unwrap();
    assert_eq!(
        after,
        before.replace(
            "{id: bibliotek, utfall: 4300, prognos: 12600}",
            "{id: bibliotek, utfall: 4410, prognos: 12600}"
        ),
        "only the one scalar changed, comments and order kept"
    );
    let out = s.run("check", &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // The report's sum moved: 7 000 → 7 110.
    let out = s.run("build", &["--report", "2031-t1", "--status", "utkast"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let pdf = s
        .dir
        .path()
        .join("output/2031-fritids-och-kulturnamnden-tertialrapport-1.pdf");
    let text = normalize(&pdf_text(&pdf));
    assert!(text.contains("7 110"), "{text}");
}

#[test]
fn an_economy_systems_outcomes_are_matched_by_label() {
    let s = with_reports();
    // The report has no entry for föreningsbidrag yet: a new line is added under `rows:`.
    s.edit(
        T1,
        "      - {id: foreningsbidrag, utfall: -400, prognos: -1234}\n",
        "",
    );
    // Without that row's outcome and forecast the sums and deviations are empty: the texts
    // quoting them go.
    s.edit(
        T1,
        "Nämnden prognostiserar en avvikelse mot budget på {{ driftbudget/summa/avvikelse-prognos }} tkr\n    för helåret. ",
        "",
    );
    s.edit(
        T1,
        "Utfallet till och med april är {{ driftbudget/summa/utfall }} tkr mot periodens budget på\n    {{ driftbudget/summa/periodbudget }} tkr, en avvikelse på {{ driftbudget/summa/avvikelse }} tkr.\n",
        "",
    );
    s.edit(
        T1,
        " Utfallet är\n    {{ driftbudget/summa/utfall }} tkr.",
        "",
    );
    let file = s.dir.path().join("ekonomi.xlsx");
    fs::write(
        &file,
        economy_sheet(
            &["Konto", "Benämning", "Utfall"],
            &[
                ("4010", "Bibliotek", 4500.0),
                ("4020", "Simhall", 3100.0),
                ("4030", "Föreningsbidrag", -450.0),
                ("", "Summa", 7000.0),
            ],
        ),
    )
    .unwrap();
    let before = fs::read_to_string(s.content().join(T1)).unwrap();
    let out = import_report(&s, &file, "driftbudget", &["--sheet", "Blad1"]);
    let err = stderr(&out).replace('\u{a0}', " ");
    assert_eq!(out.status.code(), Some(0), "{err}");
    // The sum is vplan's (4 500 + 3 100 − 450 = 7 150), never written: listed.
    assert!(
        err.contains("skipped: Blad1!C5 (row `summa`, column `Januari–april 2031 › Utfall`) is a sum, computed by vplan, never written: the sheet has 7000, vplan has 7150"),
        "{err}"
    );
    let after = fs::read_to_string(s.content().join(T1)).unwrap();
    assert_eq!(
        after,
        before
            .replace(
                "{id: bibliotek, utfall: 4300, prognos: 12600}",
                "{id: bibliotek, utfall: 4500, prognos: 12600}"
            )
            .replace(
                "      - {id: simhall, utfall: 3100, prognos: 8900, kommentar: Stängt i juni.}\n",
                "      - {id: simhall, utfall: 3100, prognos: 8900, kommentar: Stängt i juni.}\n      - {id: foreningsbidrag, utfall: -450}\n"
            ),
    );
    let checked =
        vplan::pipeline::load(&s.content(), &Default::default(), &vplan::progress::Silent)
            .unwrap_or_else(|e| panic!("{e}"));
    let r = checked.reports.iter().find(|r| r.id == "2031-t1").unwrap();
    let summa = vplan::figures::CellRef::new("driftbudget", "summa", "utfall");
    assert_eq!(r.projection.figures.value(&summa), Some(7150.into()));
}

#[test]
fn a_decimal_too_many_or_an_unknown_row_writes_nothing() {
    let s = with_reports();
    let before = fs::read_to_string(s.content().join(T1)).unwrap();
    let file = s.dir.path().join("ekonomi.xlsx");
    fs::write(
        &file,
        economy_sheet(
            &["Konto", "Benämning", "Utfall"],
            &[("4010", "Bibliotek", 4500.5), ("4020", "Simhall", 3200.0)],
        ),
    )
    .unwrap();
    let out = import_report(&s, &file, "driftbudget", &["--sheet", "Blad1"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("Blad1!C2"), "{err}");
    assert!(err.contains("nothing written"), "{err}");
    assert_eq!(fs::read_to_string(s.content().join(T1)).unwrap(), before);

    fs::write(
        &file,
        economy_sheet(
            &["Konto", "Benämning", "Utfall"],
            &[("4010", "Bibliotek", 4500.0), ("9999", "Okänt konto", 12.0)],
        ),
    )
    .unwrap();
    let out = import_report(&s, &file, "driftbudget", &["--sheet", "Blad1"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("Blad1!A3 `9999`"), "{err}");
    assert_eq!(fs::read_to_string(s.content().join(T1)).unwrap(), before);
    // Text that is no amount in an outcome cell.
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Blad1").unwrap();
    title_row(ws, 0, &["Konto", "Benämning", "Utfall"]);
    ws.write_string(1, 0, "4010").unwrap();
    ws.write_string(1, 1, "Bibliotek").unwrap();
    ws.write_string(1, 2, "fyra tusen").unwrap();
    let text_file = s.dir.path().join("text.xlsx");
    fs::write(&text_file, wb.save_to_buffer().unwrap()).unwrap();
    let out = import_report(&s, &text_file, "driftbudget", &["--sheet", "Blad1"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("Blad1!C2"), "{err}");
    assert_eq!(fs::read_to_string(s.content().join(T1)).unwrap(), before);

    let out = import_report(&s, &file, "driftbudget", &["--sheet", "Blad1", "--force"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(fs::read_to_string(s.content().join(T1))
        .unwrap()
        .contains("{id: bibliotek, utfall: 4500, prognos: 12600}"));
}

#[test]
fn a_missing_table_entry_is_appended_under_tables() {
    let s = with_reports();
    s.edit(
        T1,
        "  - id: handlingsplan-simhall\n    avvikelse: utfall-budget\n    rows:\n      - {id: kostnader, utfall: 100, kommentar: Energiåtgärden är försenad.}\n",
        "",
    );
    // Without simhall's outcome the Handlingsplan's sum is empty: the text quoting it goes.
    s.edit(
        T1,
        "Åtgärderna har hittills gett {{ handlingsplan-summering/totalt/utfall }} tkr av planerade",
        "Åtgärderna har planerats till",
    );
    let before = fs::read_to_string(s.content().join(T1)).unwrap();
    let file = s.dir.path().join("ekonomi.xlsx");
    fs::write(
        &file,
        economy_sheet(
            &["Konto", "Benämning", "Utfall"],
            &[("5010", "Kostnadsminskningar", 120.0)],
        ),
    )
    .unwrap();
    let out = import_report(&s, &file, "handlingsplan-simhall", &["--sheet", "Blad1"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let after = fs::read_to_string(s.content().join(T1)).unwrap();
    assert_eq!(
        after,
        before.replace(
            "  - id: handlingsplan-summering\n    avvikelse: utfall-budget\n",
            "  - id: handlingsplan-summering\n    avvikelse: utfall-budget\n  - id: handlingsplan-simhall\n    rows:\n      - {id: kostnader, utfall: 120}\n"
        )
    );
    let checked =
        vplan::pipeline::load(&s.content(), &Default::default(), &vplan::progress::Silent)
            .unwrap_or_else(|e| panic!("{e}"));
    let r = checked.reports.iter().find(|r| r.id == "2031-t1").unwrap();
    let cell = vplan::figures::CellRef::new("handlingsplan-simhall", "totalt", "utfall");
    assert_eq!(r.projection.figures.value(&cell), Some(120.into()));
}

#[test]
fn a_row_entry_not_on_one_line_is_refused_at_its_line() {
    let s = with_reports();
    s.edit(
        T1,
        "      - {id: bibliotek, utfall: 4300, prognos: 12600}\n",
        "      - id: bibliotek\n        utfall: 4300\n        prognos: 12600\n",
    );
    let before = fs::read_to_string(s.content().join(T1)).unwrap();
    let file = s.dir.path().join("ekonomi.xlsx");
    fs::write(
        &file,
        economy_sheet(
            &["Konto", "Benämning", "Utfall"],
            &[("4010", "Bibliotek", 4500.0)],
        ),
    )
    .unwrap();
    let out = import_report(&s, &file, "driftbudget", &["--sheet", "Blad1"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("2031-t1.yaml:59"), "{err}");
    assert!(err.contains("not a one-line flow map"), "{err}");
    assert_eq!(fs::read_to_string(s.content().join(T1)).unwrap(), before);
}

/// No lost updates: two imports into one report, of two tables, run at the same time; every
/// one that says it wrote has its figures in the file (both land: the second waits for the
/// first's lock on the content directory, then reads what the first wrote).
#[test]
fn two_imports_into_one_report_at_once_both_land() {
    let s = with_reports();
    let templates = root().join("templates");
    for round in 0..10u32 {
        let drift = s.dir.path().join(format!("drift-{round}.xlsx"));
        let plan = s.dir.path().join(format!("plan-{round}.xlsx"));
        let bibliotek = 4400 + round;
        let kostnader = 110 + round;
        fs::write(
            &drift,
            economy_sheet(
                &["Konto", "Benämning", "Utfall"],
                &[("4010", "Bibliotek", f64::from(bibliotek))],
            ),
        )
        .unwrap();
        fs::write(
            &plan,
            economy_sheet(
                &["Konto", "Benämning", "Utfall"],
                &[("5010", "Kostnadsminskningar", f64::from(kostnader))],
            ),
        )
        .unwrap();
        let t = templates.to_str().unwrap();
        let import = |file: &'_ Path, table: &'static str| -> Vec<String> {
            let file = file.to_str().unwrap();
            [
                "import",
                "--templates",
                t,
                file,
                "--report",
                "2031-t1",
                "--table",
                table,
                "--sheet",
                "Blad1",
                "-q",
            ]
            .map(str::to_string)
            .to_vec()
        };
        let (ia, ib) = (
            import(&drift, "driftbudget"),
            import(&plan, "handlingsplan-simhall"),
        );
        let ia: Vec<&str> = ia.iter().map(String::as_str).collect();
        let ib: Vec<&str> = ib.iter().map(String::as_str).collect();
        let [a, b] = vplan_at_once(s.dir.path(), &ia, &ib);
        let now = fs::read_to_string(s.content().join(T1)).unwrap();
        for (out, want) in [
            (
                &a,
                format!("{{id: bibliotek, utfall: {bibliotek}, prognos: 12600}}"),
            ),
            (&b, format!("{{id: kostnader, utfall: {kostnader},")),
        ] {
            let err = stderr(out);
            match out.status.code() {
                Some(0) => assert!(
                    now.contains(&want),
                    "round {round}: an import said it wrote `{want}`, the report lost it:\n{err}\n{now}"
                ),
                // The second may refuse, saying why (the file changed under it).
                Some(2) => assert!(err.contains("changed while vplan worked on it"), "{err}"),
                other => panic!("round {round}: exit {other:?}: {err}"),
            }
        }
        assert!(
            a.status.success() && b.status.success(),
            "round {round}: both wait for each other and land:\n{}\n{}",
            stderr(&a),
            stderr(&b)
        );
    }
}

/// The round the skeleton is made for: `report init`, `export --report`, outcomes typed into
/// the sheet, `import --report`. The skeleton's `utfall: ~` is replaced in place, never written
/// a second time beside it (a duplicate key).
#[test]
fn import_fills_the_skeleton_report_init_wrote() {
    let s = Scratch::of("fjallkommun_2031");
    let content = s.content();
    let out = vplan(
        s.dir.path(),
        &[
            "report",
            "init",
            "2031-t1",
            "--kind",
            "tertial",
            "--content",
            content.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let before = fs::read_to_string(content.join(T1)).unwrap();
    assert!(
        before.contains("      - {id: bibliotek, utfall: ~, prognos: ~}\n"),
        "{before}"
    );
    let file = s.dir.path().join("t1.xlsx");
    let out = s.run(
        "export",
        &["-q", "--report", "2031-t1", "--out", file.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // Bibliotek's outcome typed into its empty *Utfall* cell (D3: the export writes no cell
    // there while the report has no figure).
    let typed = edit_xml(
        &fs::read(&file).unwrap(),
        "xl/worksheets/sheet1.xml",
        "<c r=\"E3\" s=\"3\" t=\"str\">",
        "<c r=\"D3\" s=\"3\"><v>4300</v></c><c r=\"E3\" s=\"3\" t=\"str\">",
    );
    fs::write(&file, typed).unwrap();
    let out = import_report(&s, &file, "driftbudget", &[]);
    let err = stderr(&out).replace('\u{a0}', " ");
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("changed: bibliotek › utfall: (tom) → 4 300"),
        "{err}"
    );
    let after = fs::read_to_string(content.join(T1)).unwrap();
    assert_eq!(
        after,
        before.replacen(
            "      - {id: bibliotek, utfall: ~, prognos: ~}\n",
            "      - {id: bibliotek, utfall: 4300, prognos: ~}\n",
            1
        )
    );
    let out = s.run("check", &["--report", "2031-t1"]);
    assert!(!stderr(&out).contains("duplicate"), "{}", stderr(&out));
}

/// Two columns of the sheet that are both the outcome column: neither is read in silence;
/// the import stops naming both cells.
#[test]
fn two_outcome_columns_are_an_error_naming_both() {
    let s = with_reports();
    let before = fs::read_to_string(s.content().join(T1)).unwrap();
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Blad1").unwrap();
    title_row(
        ws,
        0,
        &["Konto", "Benämning", "Utfall", "Prognos", "Utfall"],
    );
    ws.write_string(1, 0, "4010").unwrap();
    ws.write_string(1, 1, "Bibliotek").unwrap();
    ws.write_number(1, 2, 4500.0).unwrap();
    ws.write_number(1, 3, 12700.0).unwrap();
    ws.write_number(1, 4, 4400.0).unwrap();
    let file = s.dir.path().join("ekonomi.xlsx");
    fs::write(&file, wb.save_to_buffer().unwrap()).unwrap();
    let out = import_report(&s, &file, "driftbudget", &["--sheet", "Blad1"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("Blad1!C1, Blad1!E1"), "{err}");
    assert!(err.contains("which one to read cannot be known"), "{err}");
    assert_eq!(fs::read_to_string(s.content().join(T1)).unwrap(), before);
}

/// A report whose last line has no newline: a row added after that line is a line of its
/// own.
#[test]
fn a_report_without_a_final_newline_imports() {
    let s = with_reports();
    let text = fs::read_to_string(s.content().join(T1)).unwrap();
    // `tables:` moved to the end of the file, with handlingsplan-simhall's entry last and
    // no newline after its last row.
    let simhall = "  - id: handlingsplan-simhall\n    avvikelse: utfall-budget\n    rows:\n      - {id: kostnader, utfall: 100, kommentar: Energiåtgärden är försenad.}\n";
    let start = text.find("tables:\n").unwrap();
    let end = text
        .find("handlingsplan: handlingsplan-summering\n")
        .unwrap();
    let tables = text[start..end].replace(simhall, "");
    let moved = format!(
        "{}{}{tables}{}",
        &text[..start],
        &text[end..],
        simhall.trim_end_matches('\n')
    );
    s.write(T1, &moved);
    let file = s.dir.path().join("ekonomi.xlsx");
    fs::write(
        &file,
        economy_sheet(
            &["Konto", "Benämning", "Utfall"],
            &[("5000", "Intäkter", 30.0)],
        ),
    )
    .unwrap();
    let out = import_report(&s, &file, "handlingsplan-simhall", &["--sheet", "Blad1"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let after = fs::read_to_string(s.content().join(T1)).unwrap();
    assert_eq!(
        after,
        format!("{moved}\n      - {{id: intakter, utfall: 30}}\n")
    );
}

/// The Swedish CSV as a Swedish user opens it (when LibreOffice is installed): LibreOffice
/// with the import settings of sv-SE (`;`, `"`, UTF-8, from line 1, language 1053) reads every
/// amount as a number, the very amount vplan wrote, and every line as eight columns.
#[test]
fn libreoffice_in_swedish_reads_the_csv_amounts_as_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let content = default_content(dir.path());
    let csv = dir.path().join("plan.csv");
    let run = vplan(
        dir.path(),
        &[
            "export",
            "-q",
            "--format",
            "csv",
            "--content",
            content.to_str().unwrap(),
            "--out",
            csv.to_str().unwrap(),
        ],
    );
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let out = std::process::Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            dir.path().join("lo-profile").display()
        ))
        .args([
            "--headless",
            "--infilter=CSV:59,34,UTF8,1,,1053",
            "--convert-to",
            "xlsx",
            "--outdir",
        ])
        .arg(dir.path().join("lo"))
        .arg(&csv)
        .output();
    let xlsx = dir.path().join("lo/plan.xlsx");
    if !matches!(out, Ok(o) if o.status.success()) || !xlsx.exists() {
        println!("note: LibreOffice (soffice) could not run; the CSV was not opened");
        return;
    }
    let mut book: Xlsx<_> = open_workbook(&xlsx).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let text = fs::read_to_string(&csv).unwrap();
    let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(sheet.height(), lines.len());
    assert_eq!(sheet.width(), 8);
    assert_eq!(sheet.get((0, 0)).unwrap().to_string(), "table");
    let mut numbers = 0;
    for (r, line) in lines.iter().enumerate().skip(1) {
        let value = line.rsplit(';').next().unwrap();
        let cell = sheet.get((r, 7));
        if value.is_empty() {
            assert!(
                cell.is_none_or(|c| *c == calamine::Data::Empty),
                "{line}: {cell:?}"
            );
            continue;
        }
        let exact: rust_decimal::Decimal = value.replace(',', ".").parse().unwrap();
        match cell {
            Some(calamine::Data::Float(f)) => {
                assert_eq!(vplan::sheets::from_double(*f, 10), Ok(exact), "{line}");
            }
            Some(calamine::Data::Int(i)) => assert_eq!(rust_decimal::Decimal::from(*i), exact),
            other => panic!("{line}: the amount is read as {other:?}, not a number"),
        }
        numbers += 1;
    }
    assert!(numbers > 200, "{numbers}");
}

/// `import` reads an OpenDocument spreadsheet (LibreOffice's own format) as it reads an xlsx:
/// known by its content (the `mimetype` it stores first) or its name, every number through the
/// same exact reading, so `2380.5`, `0.1` and `123456789012.5` land as typed.
#[test]
fn an_ods_from_libreoffice_imports_its_amounts_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let content = default_content(dir.path());
    let yaml = content.join("tables/6-4-driftbudget.yaml");
    let before = fs::read_to_string(&yaml).unwrap();
    let ods = fixture("ods/plan-driftbudget.ods");
    let want = before
        .replace(
            "values: [1135, 0, 1136.5, ~]",
            "values: [2380.5, 0, 1136.5, ~]",
        )
        .replace("values: [475, 0, 487.0, 0]", "values: [0.1, 0, 487.0, 0]")
        .replace(
            "values: [90, 0, 88.2, 0]",
            "values: [123456789012.5, 0, 88.2, 0]",
        );
    assert_ne!(want, before);
    // By its name, and by its content alone (a file with another name).
    let unnamed = dir.path().join("from-libreoffice.bin");
    fs::copy(&ods, &unnamed).unwrap();
    for file in [&ods, &unnamed] {
        fs::write(&yaml, &before).unwrap();
        let run = import(dir.path(), &content, file, "driftbudget", &[]);
        let err = stderr(&run).replace('\u{a0}', " ");
        assert_eq!(run.status.code(), Some(0), "{err}");
        assert_eq!(err.matches("changed:").count(), 3, "{err}");
        assert!(
            err.contains("changed: fastigheter › b2024-omsattning: 1 135,0 → 2 380,5"),
            "{err}"
        );
        assert!(
            err.contains("changed: medicinsk-teknik › b2024-omsattning: 90,0 → 123 456 789 012,5"),
            "{err}"
        );
        assert_eq!(fs::read_to_string(&yaml).unwrap(), want);
    }
    // Read again, the sheet is the plan.
    let run = import(dir.path(), &content, &ods, "driftbudget", &[]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert!(stderr(&run).contains("no changes"), "{}", stderr(&run));

    // A double no one typed (`0.1 + 0.2`) is refused in an ods as in an xlsx, naming its cell.
    let odd = dir.path().join("odd.ods");
    fs::write(
        &odd,
        edit_xml(
            &fs::read(&ods).unwrap(),
            "content.xml",
            "office:value=\"0.1\"",
            "office:value=\"0.30000000000000004\"",
        ),
    )
    .unwrap();
    fs::write(&yaml, &before).unwrap();
    let run = import(dir.path(), &content, &odd, "driftbudget", &[]);
    let err = stderr(&run);
    assert_eq!(run.status.code(), Some(1), "{err}");
    assert!(err.contains("driftbudget!C"), "{err}");
    assert!(err.contains("nothing written"), "{err}");
    assert_eq!(fs::read_to_string(&yaml).unwrap(), before);

    // A percentage (LibreOffice shows 0.1 as 10%) is as unclear as an xlsx's percent format.
    let percent = dir.path().join("percent.ods");
    fs::write(
        &percent,
        edit_xml(
            &fs::read(&ods).unwrap(),
            "content.xml",
            "office:value-type=\"float\" office:value=\"0.1\" calcext:value-type=\"float\"",
            "office:value-type=\"percentage\" office:value=\"0.1\" calcext:value-type=\"percentage\"",
        ),
    )
    .unwrap();
    let run = import(dir.path(), &content, &percent, "driftbudget", &[]);
    let err = stderr(&run);
    assert_eq!(run.status.code(), Some(1), "{err}");
    assert!(
        err.contains("driftbudget!C6 (row `it`, column `Budget 2024 › Omsättning`): the cell has the percent format"),
        "{err}"
    );
    assert_eq!(err.matches("percent format").count(), 1, "{err}");
    assert_eq!(fs::read_to_string(&yaml).unwrap(), before);

    // Neither an xlsx nor an ods: one message for both.
    let text = dir.path().join("notes.ods.txt");
    fs::write(&text, "not a workbook").unwrap();
    let run = import(dir.path(), &content, &text, "driftbudget", &[]);
    assert_eq!(run.status.code(), Some(2));
    assert!(
        stderr(&run).contains("as a workbook (xlsx or ods)"),
        "{}",
        stderr(&run)
    );
}

/// `import --report` reads a table's outcomes from an ods too.
#[test]
fn a_reports_outcomes_import_from_an_ods() {
    let s = with_reports();
    let before = fs::read_to_string(s.content().join(T1)).unwrap();
    let out = import_report(
        &s,
        &fixture("ods/2031-t1-driftbudget.ods"),
        "driftbudget",
        &[],
    );
    let err = stderr(&out).replace(['\u{a0}', '\u{202f}'], " ");
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("changed: bibliotek › utfall: 4 300 → 4 410"),
        "{err}"
    );
    assert_eq!(
        fs::read_to_string(s.content().join(T1)).unwrap(),
        before.replace(
            "{id: bibliotek, utfall: 4300, prognos: 12600}",
            "{id: bibliotek, utfall: 4410, prognos: 12600}"
        )
    );
}
