//! Every fixture under tests/fixtures holds the same predictions for images 1..8
//! (tools/reference/make_fixtures.py); each must read back to exactly them.

use crate::util::{dataset, fixture, load, npy, tops};
use real_core::dataset::NameMatch;
use real_core::{ClassConvention, ClassIndex, ImageId, RowOrder};

const FIXTURE_TOP: [[u16; 5]; 8] = [
    [65, 66, 67, 68, 69],
    [970, 971, 972, 973, 974],
    [230, 231, 232, 233, 234],
    [809, 810, 811, 812, 813],
    [516, 517, 518, 519, 520],
    [57, 58, 59, 60, 61],
    [344, 334, 336, 337, 338],
    [425, 415, 417, 418, 419],
];

/// The fixture predictions cut to k, with classes whose name is ambiguous ("crane" is the
/// full text of 134 and 517) dropped when the file names classes in words.
fn expected(k: usize, by_name: bool) -> Vec<Vec<Option<u16>>> {
    FIXTURE_TOP
        .iter()
        .map(|row| {
            row[..k]
                .iter()
                .map(|c| (!(by_name && (*c == 134 || *c == 517))).then_some(*c))
                .collect()
        })
        .collect()
}

fn check(name: &str, k: usize, order: RowOrder, convention: ClassConvention) {
    let (p, r) = load(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(p.order, order, "{name}");
    assert_eq!(p.convention, convention, "{name}");
    assert_eq!(p.images, (1..=8).map(ImageId).collect::<Vec<_>>(), "{name}");
    assert_eq!(
        tops(&p),
        expected(k, convention == ClassConvention::ClassName),
        "{name}"
    );
    assert_eq!(r.images, 8, "{name}");
    assert_eq!(r.original(1).unwrap().correct, 6, "{name}");
    assert!(
        p.detection.as_ref().unwrap().clear,
        "{name}: {:?}",
        p.detection
    );
}

#[test]
fn npy_int64_top1() {
    check(
        "top1_i8.npy",
        1,
        RowOrder::Filename,
        ClassConvention::SortedWnid,
    );
}

#[test]
fn npy_uint16_big_endian_fortran_top5() {
    check(
        "top5_u2_be_fortran.npy",
        5,
        RowOrder::Filename,
        ClassConvention::SortedWnid,
    );
}

#[test]
fn npy_float64_logits() {
    check(
        "logits_f8.npy",
        5,
        RowOrder::Filename,
        ClassConvention::SortedWnid,
    );
}

#[test]
fn npy_float16_big_endian_tf_slim_1001() {
    check(
        "logits_1001_f2_be.npy",
        5,
        RowOrder::Filename,
        ClassConvention::TfSlim1001,
    );
}

#[test]
fn npz_with_file_names() {
    check("named.npz", 5, RowOrder::Named, ClassConvention::SortedWnid);
}

#[test]
fn npz_compressed() {
    check(
        "compressed.npz",
        5,
        RowOrder::Filename,
        ClassConvention::SortedWnid,
    );
}

#[test]
fn timm_csv_with_numpy_printed_cells_spanning_lines() {
    check(
        "timm_top5.csv",
        5,
        RowOrder::Named,
        ClassConvention::SortedWnid,
    );
    let (p, _) = load(&fixture("timm_top5.csv")).unwrap();
    let scores = p.top_scores(1).unwrap();
    assert!(
        (scores[0] - 0.61).abs() < 1e-6 && (scores[4] - 0.04).abs() < 1e-6,
        "{scores:?}"
    );
}

#[test]
fn timm_tsv_with_separate_index_columns() {
    check(
        "timm_separate.tsv",
        5,
        RowOrder::Named,
        ClassConvention::SortedWnid,
    );
}

#[test]
fn timm_csv_label_only_maps_names() {
    check(
        "timm_labels.csv",
        1,
        RowOrder::Named,
        ClassConvention::ClassName,
    );
}

#[test]
fn timm_json_keyed_by_file() {
    check("timm.json", 5, RowOrder::Named, ClassConvention::SortedWnid);
}

#[test]
fn hugging_face_pipeline_json() {
    check(
        "hf_pipeline.json",
        5,
        RowOrder::Filename,
        ClassConvention::ClassName,
    );
    let (p, _) = load(&fixture("hf_pipeline.json")).unwrap();
    assert!(
        p.warnings
            .iter()
            .any(|w| w.contains("'crane' (134 or 517)")),
        "{:?}",
        p.warnings
    );
}

#[test]
fn json_lines_records_with_paths() {
    check(
        "records.jsonl",
        5,
        RowOrder::Named,
        ClassConvention::SortedWnid,
    );
}

#[test]
fn caffe_style_lines_with_prefix() {
    check("caffe.txt", 1, RowOrder::Named, ClassConvention::SortedWnid);
}

#[test]
fn devkit_submission_of_ilsvrc2012_ids() {
    check(
        "devkit.txt",
        5,
        RowOrder::Filename,
        ClassConvention::Ilsvrc2012Id,
    );
}

#[test]
fn json_list_of_top1() {
    check(
        "top1.json",
        1,
        RowOrder::Filename,
        ClassConvention::SortedWnid,
    );
}

#[test]
fn content_not_extension_decides() {
    // timm's json-record option writes CSV text into a .json file: the name plays no part.
    let csv = fixture("timm_top5.csv");
    assert_eq!(load(&csv).unwrap().0.format, "CSV");
}

#[test]
fn every_integer_width_and_byte_order_reads_the_same() {
    let values: Vec<i64> = FIXTURE_TOP.iter().map(|r| i64::from(r[0])).collect();
    for (descr, width) in [
        ("<i2", 2),
        (">i2", 2),
        ("<i4", 4),
        (">i4", 4),
        ("<i8", 8),
        (">i8", 8),
        ("<u4", 4),
        (">u8", 8),
    ] {
        let mut data = Vec::new();
        for v in &values {
            let le = v.to_le_bytes();
            let mut b = le[..width].to_vec();
            if descr.starts_with('>') {
                b.reverse();
            }
            data.extend(b);
        }
        let (p, _) =
            load(&npy(descr, false, &[8], &data)).unwrap_or_else(|e| panic!("{descr}: {e}"));
        assert_eq!(tops(&p), expected(1, false), "{descr}");
    }
}

#[test]
fn float32_c_and_fortran_orders_agree_and_ties_go_to_the_lower_class() {
    let mut logits = vec![0f32; 8 * 1000];
    for (i, row) in FIXTURE_TOP.iter().enumerate() {
        for (j, c) in row.iter().enumerate() {
            logits[i * 1000 + usize::from(*c)] = 5.0 - j as f32;
        }
    }
    // Row 8: a tie for first place between classes 425 and 900. Row 7: a NaN among its
    // scores, so its ranking means nothing: it keeps no prediction and is reported.
    logits[7 * 1000 + 900] = 5.0;
    logits[6 * 1000 + 3] = f32::NAN;
    let c: Vec<u8> = logits.iter().flat_map(|v| v.to_le_bytes()).collect();
    let mut f = Vec::new();
    for col in 0..1000 {
        for row in 0..8 {
            f.extend(logits[row * 1000 + col].to_be_bytes());
        }
    }
    let (pc, _) = load(&npy("<f4", false, &[8, 1000], &c)).unwrap();
    let (pf, _) = load(&npy(">f4", true, &[8, 1000], &f)).unwrap();
    assert_eq!(tops(&pc), tops(&pf));
    assert_eq!(
        tops(&pc)[7],
        vec![Some(425), Some(900), Some(415), Some(417), Some(418)]
    );
    assert_eq!(tops(&pc)[6], vec![None; 5]);
    for p in [&pc, &pf] {
        assert!(
            p.warnings
                .iter()
                .any(|w| w.starts_with("1 row holds NaN or infinite scores")),
            "{:?}",
            p.warnings
        );
    }
    assert_eq!(tops(&pc)[0], expected(5, false)[0]);
}

#[test]
fn names_resolve_by_full_text_short_name_wnid_and_lemma() {
    let data = dataset();
    let one = |c: u16| NameMatch::One(ClassIndex(c));
    assert_eq!(data.class_by_name("tench, Tinca tinca"), one(0));
    assert_eq!(data.class_by_name("tench"), one(0));
    assert_eq!(data.class_by_name("Tinca tinca"), one(0));
    assert_eq!(data.class_by_name("n01440764"), one(0));
    assert_eq!(data.class_by_name("crane (bird)"), one(134));
    assert_eq!(
        data.class_by_name("crane"),
        NameMatch::Several(vec![ClassIndex(134), ClassIndex(517)])
    );
    // Full lemma texts as timm and Hugging Face write them pick one class.
    assert_eq!(data.class_by_name("maillot"), one(638));
    assert_eq!(data.class_by_name("maillot, tank suit"), one(639));
    assert_eq!(data.class_by_name("harp"), one(594));
    assert_eq!(data.class_by_name("cardigan"), one(474));
    assert_eq!(
        data.class_by_name("Cardigan, Cardigan Welsh corgi"),
        one(264)
    );
    assert_eq!(data.class_by_name("no such class"), NameMatch::None);
}
