//! Exports: RFC 4180 quoting, formula-safe cells, the case and per-class rows, file names.

use crate::util::{dataset, fixture, load};
use real_core::cases::{self, CaseFilter, CaseSort, Judges, LabelCount};
use real_core::evidence::Threshold;
use real_core::export::csv::{neutralise, quote, write_row, Cell};
use real_core::export::{
    file_name, filter_slug, filter_text, CasesExport, Header, LabelSetInfo, ModelInfo,
    PerClassExport,
};
use real_core::metrics::{outcome, Outcome};
use real_core::{LabelSet, Page, Ranks, Score, View};

/// An independent reader of RFC 4180 records, to read back what the exporter wrote.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\r') if chars.peek() == Some(&'\n') => {}
            (false, '\n') => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, c) => field.push(c),
        }
    }
    assert!(
        field.is_empty() && record.is_empty(),
        "every record ends in CRLF"
    );
    records
}

fn header(model: Option<&str>, view: &View) -> Header {
    Header {
        model: model.map(|name| ModelInfo {
            name: name.into(),
            file: "timm_top5.csv".into(),
            format: "CSV".into(),
            k: 5,
        }),
        label_sets: vec![
            LabelSetInfo {
                key: "real".into(),
                name: "ReaL".into(),
            },
            LabelSetInfo {
                key: "original".into(),
                name: "original".into(),
            },
        ],
        threshold: Threshold::REAL,
        view: view.to_string(),
    }
}

#[test]
fn fields_are_quoted_as_rfc_4180_asks() {
    assert_eq!(quote("tench"), "tench");
    assert_eq!(quote("crane, bird"), "\"crane, bird\"");
    assert_eq!(quote("a \"quoted\" name"), "\"a \"\"quoted\"\" name\"");
    assert_eq!(quote("two\nlines"), "\"two\nlines\"");
    assert_eq!(quote("carriage\rreturn"), "\"carriage\rreturn\"");
    let mut out = String::new();
    let cells = [
        Cell::text("a,b"),
        Cell::text("say \"hi\""),
        Cell::text("line\r\nbreak"),
        Cell::Empty,
        Cell::int(7u32),
    ];
    write_row(&mut out, &cells);
    assert_eq!(
        parse_csv(&out),
        vec![vec!["a,b", "say \"hi\"", "line\r\nbreak", "", "7"]]
    );
}

#[test]
fn text_that_starts_like_a_formula_is_neutralised_but_numbers_are_not() {
    for formula in ["=1+1", "+1", "-2", "@SUM(A1)", "\t=1", "\r=1"] {
        assert_eq!(neutralise(formula), format!("'{formula}"));
    }
    assert_eq!(neutralise("tench"), "tench");
    assert_eq!(neutralise("a=b"), "a=b");
    let mut out = String::new();
    write_row(
        &mut out,
        &[
            Cell::text("=HYPERLINK(\"http://x\",\"click\")"),
            Cell::float(-1.5, 2),
        ],
    );
    assert_eq!(
        out,
        "\"'=HYPERLINK(\"\"http://x\"\",\"\"click\"\")\",-1.50\r\n"
    );
    assert_eq!(Cell::float(f64::NAN, 2), Cell::Empty);
}

#[test]
fn a_label_set_key_like_a_formula_is_neutralised_in_the_column_names() {
    let data = dataset();
    let (predictions, _) = load(&fixture("timm_top5.csv")).unwrap();
    let real = LabelSet::real(data);
    let mut hostile = LabelSet::original(data);
    hostile.key = "=cmd|'/c calc'!A0".into();
    let first = Score::compute(data, &real, &Ranks::compute(&predictions, &real));
    let second = Score::compute(data, &hostile, &Ranks::compute(&predictions, &hostile));
    let header = header(Some("@model, \"v2\"\nnew"), &View::default());
    let export = PerClassExport {
        dataset: data,
        first: &first,
        second: &second,
        header: &header,
    };
    let records = parse_csv(&export.csv());
    assert!(records[0][0].starts_with("# ReaL Explorer per-class table; model @model, \"v2\"\nnew"));
    assert_eq!(records[0].len(), 1, "the description is one field");
    assert_eq!(records[1][6], "'=cmd|'/c calc'!A0_top1");
    assert_eq!(records[1][9], "real_minus_=cmd|'/c calc'!A0_pts");
}

#[test]
fn case_rows_hold_the_labels_the_prediction_and_the_verdicts() {
    let data = dataset();
    let (predictions, _) = load(&fixture("timm_top5.csv")).unwrap();
    let real = LabelSet::real(data);
    let filter = CaseFilter {
        labels: Some(LabelCount::AtLeast(1)),
        ..Default::default()
    };
    let selected = cases::select(
        data,
        Some(&predictions),
        &filter,
        CaseSort::Image,
        &Judges::default(),
    );
    let view = View {
        page: Page::Cases,
        filter,
        ..Default::default()
    };
    let header = header(Some("timm_top5.csv"), &view);
    let export = CasesExport {
        dataset: data,
        real: &real,
        predictions: Some(&predictions),
        cases: &selected,
        header: &header,
    };
    let records = parse_csv(&export.csv());
    assert!(records[0][0].contains("view ?page=cases&labels=1%2B"));
    assert_eq!(
        records[1],
        [
            "image",
            "file",
            "original_index",
            "original_wnid",
            "original_name",
            "real_indices",
            "real_names",
            "top1_index",
            "top1_name",
            "top1_score",
            "top5_indices",
            "real_top1",
            "original_top1",
            "outcome"
        ]
    );
    assert_eq!(records.len() - 2, selected.len());
    assert_eq!(selected.len(), 50_000 - 3_163);
    // Image 1 has no ReaL label, so image 2 comes first: predicted "alp" (970) with 0.61.
    let first = &records[2];
    let two = real_core::ImageId(2);
    let original = data.original_label(two);
    let mut real: Vec<u16> = data.real_labels(two).iter().map(|c| c.0).collect();
    real.sort_unstable();
    let real: Vec<String> = real.iter().map(u16::to_string).collect();
    assert_eq!(first[0], "2");
    assert_eq!(first[1], "ILSVRC2012_val_00000002.JPEG");
    assert_eq!(first[2], original.0.to_string());
    assert_eq!(first[3], data.class(original).wnid);
    assert_eq!(first[4], data.class(original).name);
    assert_eq!(first[5], real.join(";"));
    assert_eq!(first[7], "970");
    assert_eq!(first[8], "alp");
    assert_eq!(first[9], "0.610000");
    assert_eq!(first[10], "970;971;972;973;974");
    let in_real = data.real_labels(two).contains(&real_core::ClassIndex(970));
    assert_eq!(first[11], if in_real { "correct" } else { "wrong" });
    assert_eq!(
        first[12],
        if original.0 == 970 {
            "correct"
        } else {
            "wrong"
        }
    );
    // Every row's outcome is the one the metrics give, and images without a prediction have
    // empty prediction cells.
    for (case, record) in selected.iter().zip(&records[2..]) {
        let want = case.row.map(|row| outcome(data, &predictions, row));
        assert_eq!(record[13], want.map_or("", Outcome::as_str));
        if case.row.is_none() {
            assert!(record[7..].iter().all(String::is_empty));
        }
    }
}

#[test]
fn case_json_has_the_header_and_one_row_a_case() {
    let data = dataset();
    let (predictions, _) = load(&fixture("timm_top5.csv")).unwrap();
    let real = LabelSet::real(data);
    let selected = cases::select(
        data,
        Some(&predictions),
        &CaseFilter::default(),
        CaseSort::Image,
        &Judges::default(),
    );
    let selected = &selected[..10];
    let header = header(Some("timm_top5.csv"), &View::default());
    let export = CasesExport {
        dataset: data,
        real: &real,
        predictions: Some(&predictions),
        cases: selected,
        header: &header,
    };
    let json: serde_json::Value = serde_json::from_str(&export.json()).unwrap();
    assert_eq!(json["generator"], "ReaL Explorer");
    assert_eq!(json["export"], "cases");
    assert_eq!(json["count"], 10);
    assert_eq!(json["threshold"], 0.8);
    assert_eq!(json["model"]["name"], "timm_top5.csv");
    assert_eq!(json["label_sets"][0]["key"], "real");
    assert_eq!(json["rows"].as_array().unwrap().len(), 10);
    let first = &json["rows"][0];
    assert_eq!(first["image"], 1);
    // Image 1: a sea snake (65) that no ReaL label fits, predicted as one.
    assert_eq!(first["original"]["index"], 65);
    assert_eq!(first["original"]["name"], "sea snake");
    assert_eq!(first["real"], serde_json::json!([]));
    assert_eq!(first["top1"]["index"], 65);
    assert_eq!(first["top5"], serde_json::json!([65, 66, 67, 68, 69]));
    assert!((first["score"].as_f64().unwrap() - 0.61).abs() < 1e-6);
    assert_eq!(first["real_top1"], "excluded");
    assert_eq!(first["original_top1"], "correct");
    assert_eq!(first["outcome"], "excluded");
}

#[test]
fn without_a_model_the_cases_have_no_prediction_columns() {
    let data = dataset();
    let real = LabelSet::real(data);
    let selected = cases::select(
        data,
        None,
        &CaseFilter::default(),
        CaseSort::Image,
        &Judges::default(),
    );
    let header = header(None, &View::default());
    let export = CasesExport {
        dataset: data,
        real: &real,
        predictions: None,
        cases: &selected[..3],
        header: &header,
    };
    let records = parse_csv(&export.csv());
    assert!(records[0][0].contains("; no model;"));
    assert_eq!(records[1].len(), 7);
    assert_eq!(records.len(), 5);
    let json: serde_json::Value = serde_json::from_str(&export.json()).unwrap();
    assert_eq!(json["model"], serde_json::Value::Null);
    assert_eq!(json["rows"][2]["top1"], serde_json::Value::Null);
}

#[test]
fn per_class_rows_are_the_tables_figures_in_class_order() {
    let data = dataset();
    let (predictions, _) = load(&fixture("timm_top5.csv")).unwrap();
    let real = LabelSet::real(data);
    let original = LabelSet::original(data);
    let first = Score::compute(data, &real, &Ranks::compute(&predictions, &real));
    let second = Score::compute(data, &original, &Ranks::compute(&predictions, &original));
    let header = header(Some("m"), &View::default());
    let export = PerClassExport {
        dataset: data,
        first: &first,
        second: &second,
        header: &header,
    };
    let records = parse_csv(&export.csv());
    assert_eq!(records.len(), 2 + 1000);
    assert_eq!(
        records[1],
        [
            "class",
            "wnid",
            "name",
            "real_top1",
            "real_correct",
            "real_images",
            "original_top1",
            "original_correct",
            "original_images",
            "real_minus_original_pts"
        ]
    );
    for (class, record) in records[2..].iter().enumerate() {
        assert_eq!(record[0], class.to_string());
        assert_eq!(record[4], first.per_class[class].correct.to_string());
        assert_eq!(record[8], second.per_class[class].total.to_string());
    }
    let json: serde_json::Value = serde_json::from_str(&export.json()).unwrap();
    assert_eq!(json["export"], "per-class");
    assert_eq!(json["count"], 1000);
    assert_eq!(json["rows"][0]["class"], 0);
    assert_eq!(json["rows"][0]["name"], "tench");
    assert_eq!(
        json["rows"][65]["real_images"],
        first.per_class[65].total as u64
    );
}

#[test]
fn file_names_are_safe_whatever_the_model_is_called() {
    let view = View {
        page: Page::Cases,
        filter: CaseFilter {
            outcome: Some(Outcome::RealOnly),
            labels: Some(LabelCount::AtLeast(2)),
            ..Default::default()
        },
        ..Default::default()
    };
    assert_eq!(filter_text(&view), "outcome=real-only labels=2+");
    assert_eq!(filter_slug(&view), "outcome-real-only_labels-2plus");
    assert_eq!(filter_text(&View::default()), "");
    assert_eq!(filter_slug(&View::default()), "all");
    assert_eq!(
        file_name(
            "cases",
            Some("resnet50 (v1).npy"),
            &filter_slug(&view),
            "csv"
        ),
        "real-explorer-cases-resnet50-v1-npy-outcome-real-only_labels-2plus.csv"
    );
    assert_eq!(
        file_name("cases", Some("../../etc/passwd"), "all", "json"),
        "real-explorer-cases-etc-passwd-all.json"
    );
    assert_eq!(
        file_name("cases", None, "all", "png"),
        "real-explorer-cases-no-model-all.png"
    );
    let long = "x".repeat(500);
    assert!(file_name("cases", Some(&long), &long, "csv").len() < 140);
    assert_eq!(
        file_name("cases", Some("模型"), "all", "csv"),
        "real-explorer-cases-all.csv"
    );
}
