//! Label sets: the built-in ones, label files in every layout, bad label files, and scoring a
//! model under any label set.

use crate::util::{dataset, fixture, load, npy, shared_real_json};
use real_core::labels::{self, looks_like_labels, unique_key, LabelSet};
use real_core::scores::{paired, split, Ranks, Score, Standing};
use real_core::{ClassIndex, ImageId};

fn read(bytes: &[u8]) -> Result<LabelSet, real_core::ParseError> {
    labels::read(bytes, dataset(), "mine", "mine.json")
}

fn error(bytes: &[u8]) -> String {
    read(bytes)
        .expect_err("the file must be refused")
        .to_string()
}

/// A JSON list of 50,000 lists: every image's original label, with `edit` applied.
fn real_json_layout(edit: impl Fn(usize, &mut Vec<u16>)) -> Vec<u8> {
    let data = dataset();
    let lists: Vec<Vec<u16>> = data
        .images()
        .enumerate()
        .map(|(i, image)| {
            let mut list = vec![data.original_label(image).0];
            edit(i, &mut list);
            list
        })
        .collect();
    serde_json::to_vec(&lists).unwrap()
}

#[test]
fn built_in_label_sets_hold_the_dataset_facts() {
    let data = dataset();
    let real = LabelSet::real(data);
    let original = LabelSet::original(data);
    assert_eq!((real.covered(), real.scored()), (50_000, 46_837));
    assert_eq!((original.covered(), original.scored()), (50_000, 50_000));
    let multi = data
        .images()
        .filter(|i| real.labels(*i).is_some_and(|s| s.len() >= 2))
        .count();
    assert_eq!(multi, 7_443);
}

#[test]
fn the_published_real_json_reads_as_the_built_in_real_set() {
    let path = shared_real_json();
    let Ok(bytes) = std::fs::read(&path) else {
        eprintln!("skipped: {} is absent", path.display());
        return;
    };
    let loaded = labels::read(&bytes, dataset(), "real-2", "real.json").unwrap();
    let built_in = LabelSet::real(dataset());
    assert_eq!(loaded.format, "JSON, real.json layout");
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    for image in dataset().images() {
        assert_eq!(loaded.labels(image), built_in.labels(image), "{image}");
    }
}

#[test]
fn every_label_layout_reads() {
    // real.json layout with one empty set and one pair.
    let set = read(&real_json_layout(|i, l| match i {
        0 => l.clear(),
        1 => l.push(999),
        _ => {}
    }))
    .unwrap();
    assert_eq!(set.scored(), 49_999);
    assert_eq!(set.labels(ImageId(1)), Some(&[][..]));
    assert_eq!(set.labels(ImageId(2)).unwrap().len(), 2);

    // Name-keyed JSON covering two images.
    let keyed =
        read(br#"{"ILSVRC2012_val_00000001.JPEG": [65, 58], "ILSVRC2012_val_00000003.JPEG": []}"#)
            .unwrap();
    assert_eq!(keyed.covered(), 2);
    assert_eq!(
        keyed.labels(ImageId(1)),
        Some(&[ClassIndex(58), ClassIndex(65)][..])
    );
    assert_eq!(keyed.labels(ImageId(2)), None);
    assert!(
        keyed.warnings[0].contains("covers 2 of the 50,000"),
        "{:?}",
        keyed.warnings
    );

    // Text lines naming their images, one of them with no label.
    let text =
        read(b"ILSVRC2012_val_00000001.JPEG 65 58\nval/ILSVRC2012_val_00000002.JPEG\n").unwrap();
    assert_eq!(text.covered(), 2);
    assert_eq!(text.scored(), 1);

    // One label per image as a .npy in file-name order.
    let data = dataset();
    let bytes: Vec<u8> = data
        .images()
        .flat_map(|i| i32::from(data.original_label(i).0).to_le_bytes())
        .collect();
    let single = read(&npy("<i4", false, &[50_000], &bytes)).unwrap();
    assert!(single.warnings.is_empty(), "{:?}", single.warnings);
    assert_eq!(
        single.labels(ImageId(1)),
        Some(&[data.original_label(ImageId(1))][..])
    );
}

#[test]
fn a_single_label_file_in_another_numbering_warns() {
    let data = dataset();
    let one_based: Vec<u8> = data
        .images()
        .flat_map(|i| (i32::from(data.original_label(i).0) + 1).to_le_bytes())
        .collect();
    // 999 + 1 is out of range: 1-based numbers are refused at the first image of class 999.
    let message = error(&npy("<i4", false, &[50_000], &one_based));
    assert!(message.contains("found 1000"), "{message}");
    let shifted: Vec<u8> = data
        .images()
        .flat_map(|i| {
            (i32::from(data.original_label(i).0) + 1)
                .min(999)
                .to_le_bytes()
        })
        .collect();
    let set = read(&npy("<i4", false, &[50_000], &shifted)).unwrap();
    assert!(
        set.warnings.iter().any(|w| w.contains("1-based")),
        "{:?}",
        set.warnings
    );
}

#[test]
fn bad_label_files_say_where_and_what() {
    let out_of_range = error(&real_json_layout(|i, l| {
        if i == 41 {
            l.push(1000)
        }
    }));
    assert!(
        out_of_range.contains("item 42") && out_of_range.contains("1000"),
        "{out_of_range}"
    );
    let repeated = error(&real_json_layout(|i, l| {
        if i == 6 {
            let first = l[0];
            l.push(first)
        }
    }));
    assert!(
        repeated.contains("item 7") && repeated.contains("twice"),
        "{repeated}"
    );
    let short = error(b"[[1], [2], []]");
    assert!(
        short.contains("expected 50,000 entries") && short.contains("found 3"),
        "{short}"
    );
    let unknown = error(br#"{"cat.jpg": [1]}"#);
    assert!(unknown.contains("key 'cat.jpg'"), "{unknown}");
    let twice = error(b"ILSVRC2012_val_00000001.JPEG 1\nILSVRC2012_val_00000001.JPEG 2\n");
    assert!(
        twice.contains("line 2") && twice.contains("named twice"),
        "{twice}"
    );
    let word = error(b"ILSVRC2012_val_00000001.JPEG 1 cat\n");
    assert!(word.contains("line 1") && word.contains("'cat'"), "{word}");
    let lines = error(b"1\n2 3\n");
    assert!(
        lines.contains("expected 50,000 lines") && lines.contains("found 2"),
        "{lines}"
    );
    let scores = error(&fixture("logits_f8.npy"));
    assert!(
        scores.contains("scores, not labels") || scores.contains("per row"),
        "{scores}"
    );
    assert!(error(b"").contains("empty"));
    assert!(error(b"[1, 2").contains("invalid JSON"));
}

#[test]
fn only_ragged_or_empty_lists_prove_a_label_file() {
    assert!(looks_like_labels(b"[[1, 2], [3]]"));
    assert!(looks_like_labels(b"[[], [3]]"));
    assert!(looks_like_labels(br#"{"a": [1, 2], "b": [3]}"#));
    assert!(
        !looks_like_labels(b"[[1, 2], [3, 4]]"),
        "top-2 predictions look like this"
    );
    assert!(
        !looks_like_labels(b"[1, 2, 3]"),
        "top-1 predictions look like this"
    );
    assert!(!looks_like_labels(b"not json"));
    assert!(looks_like_labels(
        b"ILSVRC2012_val_00000001.JPEG 65 58\nILSVRC2012_val_00000002.JPEG 3\n"
    ));
    assert!(looks_like_labels(
        b"val/ILSVRC2012_val_00000001.JPEG\nILSVRC2012_val_00000002.JPEG 3\n"
    ));
    assert!(
        !looks_like_labels(b"ILSVRC2012_val_00000001.JPEG 65\nILSVRC2012_val_00000002.JPEG 3\n"),
        "Caffe-style predictions look like this"
    );
    assert!(
        !looks_like_labels(b"1 2 3 4 5\n6 7\n"),
        "a devkit submission names no files"
    );
    assert!(!looks_like_labels(
        b"filename,label\nILSVRC2012_val_00000001.JPEG,65\n"
    ));
    assert!(
        !looks_like_labels(b"[[0.1, 0.9], [0.5]]"),
        "scores are not class indices, whatever their lengths"
    );
}

#[test]
fn keys_are_stems_made_unique() {
    assert_eq!(
        unique_key("my_labels.json", ["original", "real"]),
        "my_labels"
    );
    assert_eq!(unique_key("dir/real.json", ["original", "real"]), "real-2");
    assert_eq!(
        unique_key("real.json", ["original", "real", "real-2"]),
        "real-3"
    );
    assert_eq!(unique_key(".json", ["original"]), ".json");
    assert_eq!(unique_key("", ["original"]), "labels");
}

/// Scores under the built-in sets agree with the original report (checked against numpy by
/// the golden test), for a top-5 fixture and a top-1 model.
#[test]
fn scores_under_built_in_sets_match_the_report() {
    let data = dataset();
    let real = LabelSet::real(data);
    let original = LabelSet::original(data);
    for name in ["top5_u2_be_fortran.npy", "timm_top5.csv", "top1_i8.npy"] {
        let (predictions, report) = load(&fixture(name)).unwrap();
        let real_ranks = Ranks::compute(&predictions, &real);
        let original_ranks = Ranks::compute(&predictions, &original);
        let under_real = Score::compute(data, &real, &real_ranks);
        let under_original = Score::compute(data, &original, &original_ranks);
        assert_eq!(under_real.top, report.real_top, "{name}");
        assert_eq!(under_original.top, report.original_top, "{name}");
        assert_eq!(
            (under_real.scored, under_real.excluded),
            (report.scored, report.excluded)
        );
        assert_eq!(under_real.missing, 50_000 - report.images, "{name}");
        for (class, accuracy) in report.per_class.iter().enumerate() {
            assert_eq!(
                under_real.per_class[class], accuracy.real,
                "{name} class {class}"
            );
        }
        // The split between ReaL and original over the images both score is the report's.
        assert_eq!(split(&real_ranks, &original_ranks), report.split, "{name}");
    }
}

#[test]
fn a_partial_label_set_scores_only_what_it_covers() {
    let data = dataset();
    let (predictions, _) = load(&fixture("top1_i8.npy")).unwrap();
    let keyed =
        read(br#"{"ILSVRC2012_val_00000001.JPEG": [65], "ILSVRC2012_val_00000002.JPEG": []}"#)
            .unwrap();
    let ranks = Ranks::compute(&predictions, &keyed);
    let score = Score::compute(data, &keyed, &ranks);
    let covers_first = predictions.row_of(ImageId(1)).is_some();
    let covers_second = predictions.row_of(ImageId(2)).is_some();
    assert_eq!(score.scored, usize::from(covers_first));
    assert_eq!(score.excluded, usize::from(covers_second));
    assert_eq!(
        score.missing,
        usize::from(!covers_first) + usize::from(!covers_second)
    );
    assert_eq!(ranks.standing(ImageId(3)), Standing::Absent);
}

#[test]
fn a_model_against_itself_has_no_discordant_images() {
    let data = dataset();
    let real = LabelSet::real(data);
    let (predictions, report) = load(&fixture("top5_u2_be_fortran.npy")).unwrap();
    let ranks = Ranks::compute(&predictions, &real);
    let table = paired(&ranks, &ranks);
    assert_eq!((table.a_only, table.b_only), (0, 0));
    assert_eq!(table.both, report.real_top[0].correct);
    assert_eq!(table.images(), report.scored);
}

/// Judged by ranks between ReaL and the original labels, the case filter selects what the
/// built-in outcome selects; between two other sets it follows them.
#[test]
fn outcomes_between_any_two_label_sets_select_cases() {
    use real_core::cases::{select, CaseFilter, CaseSort, Judges};
    use real_core::metrics::Outcome;
    let data = dataset();
    let (predictions, report) = load(&fixture("top5_u2_be_fortran.npy")).unwrap();
    let real = Ranks::compute(&predictions, &LabelSet::real(data));
    let original = Ranks::compute(&predictions, &LabelSet::original(data));
    let judge = |image| real_core::scores::outcome(&real, &original, image);
    let count = |outcome, judges: &Judges| {
        let filter = CaseFilter {
            outcome: Some(outcome),
            ..Default::default()
        };
        select(data, Some(&predictions), &filter, CaseSort::Image, judges).len()
    };
    let judged = Judges {
        outcome: Some(&judge),
        ..Default::default()
    };
    for outcome in Outcome::ALL {
        assert_eq!(
            count(outcome, &judged),
            count(outcome, &Judges::default()),
            "{outcome:?}"
        );
    }
    assert_eq!(count(Outcome::RealOnly, &judged), report.split.real_only);
    // Swapped, ReaL-only becomes original-only.
    let swapped = |image| real_core::scores::outcome(&original, &real, image);
    let swapped = Judges {
        outcome: Some(&swapped),
        ..Default::default()
    };
    assert_eq!(
        count(Outcome::OriginalOnly, &swapped),
        report.split.real_only
    );
    assert_eq!(
        count(Outcome::Excluded, &swapped),
        0,
        "the original labels leave no image out"
    );
}

/// Regression tests for hostile label files: each is refused with the place it breaks.
#[test]
fn hostile_label_files_are_refused_where_they_break() {
    // A row that is not a list, in the real.json layout, is named.
    let mut rows: Vec<serde_json::Value> = (0..50_000).map(|_| serde_json::json!([1])).collect();
    rows[21] = serde_json::json!([]);
    rows[12_345] = serde_json::Value::Null;
    let null_row = error(&serde_json::to_vec(&rows).unwrap());
    assert!(
        null_row.contains("item 12346") && null_row.contains("null"),
        "{null_row}"
    );
    // A name given twice is refused, not silently the last.
    let twice =
        error(br#"{"ILSVRC2012_val_00000001.JPEG": [1], "ILSVRC2012_val_00000001.JPEG": []}"#);
    assert!(twice.contains("named twice"), "{twice}");
    // Control characters or text after the file name are no file name.
    for key in [
        "ILSVRC2012_val_00000001.JPEG\\n<b>x</b>",
        "ILSVRC2012_val_00000002.JPEG\\u0000\\u001b[31m",
        "ILSVRC2012_val_00000003.JPEG.bak old",
    ] {
        let message = error(format!(r#"{{"{key}": [1]}}"#).as_bytes());
        assert!(
            message.contains("expected a validation image's file name"),
            "{key}: {message}"
        );
        assert!(!message.chars().any(char::is_control), "{message:?}");
    }
    // Folders and extensions are fine.
    assert!(read(
        br#"{"val/n01440764/ILSVRC2012_val_00000001.JPEG": [1], "ILSVRC2012_val_00000002": [2]}"#
    )
    .is_ok());
    // An empty object names no image.
    assert!(error(b"{}").contains("names no image"));
}
