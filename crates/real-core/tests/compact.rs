//! The compact form kept in the browser: every fixture and label set comes back field for
//! field, and damaged, cut or hostile bytes are refused without a panic or a large allocation.

use crate::util::{dataset, fixture, load};
use real_core::compact::{
    decode_label_set, decode_predictions, encode_label_set, encode_predictions, CompactError,
    LABEL_SET_MAGIC, PREDICTIONS_MAGIC, SCHEMA_VERSION,
};
use real_core::labels::{self, LabelSet};
use real_core::{ClassIndex, ImageId, Predictions};
use serde_json::json;
use std::path::PathBuf;

/// Every field, the scores bit for bit (NaN included) and the image → row index.
fn assert_same(a: &Predictions, b: &Predictions, what: &str) {
    assert_eq!(a.format, b.format, "{what}");
    assert_eq!(a.order, b.order, "{what}");
    assert_eq!(a.convention, b.convention, "{what}");
    assert_eq!(a.detection, b.detection, "{what}");
    assert_eq!(a.k, b.k, "{what}");
    assert_eq!(a.rows_in_file, b.rows_in_file, "{what}");
    assert_eq!(a.images, b.images, "{what}");
    assert_eq!(a.classes, b.classes, "{what}");
    let bits = |p: &Predictions| {
        p.scores
            .as_ref()
            .map(|s| s.iter().map(|f| f.to_bits()).collect::<Vec<_>>())
    };
    assert_eq!(bits(a), bits(b), "{what}");
    assert_eq!(a.warnings, b.warnings, "{what}");
    for position in 0..ImageId::COUNT {
        let image = ImageId::from_position(position);
        assert_eq!(a.row_of(image), b.row_of(image), "{what}: {image}");
    }
}

/// Predictions built from their parts, as a worker hands them over.
fn synthetic(images: &[u32], k: usize, with_scores: bool) -> Predictions {
    use real_core::parts::{Header, Parts, NO_CLASS};
    let cells = images.len() * k;
    let classes: Vec<u16> = (0..cells)
        .map(|i| match i % 97 {
            13 => NO_CLASS,
            _ => ((i * 7) % 1000) as u16,
        })
        .collect();
    let scores: Option<Vec<f32>> =
        with_scores.then(|| (0..cells).map(|i| 1.0 / (1.0 + i as f32)).collect());
    Predictions::from_parts(Parts {
        header: Header {
            format: "CSV, timm layout".into(),
            order: real_core::RowOrder::Imagefolder,
            convention: real_core::ClassConvention::SortedWnid1Based,
            detection: None,
            k,
            rows_in_file: images.len() + 3,
            warnings: vec!["3 repeated rows were dropped".into(), "naïve ≈ text".into()],
        },
        images: images.to_vec(),
        classes,
        scores,
    })
    .unwrap()
}

/// CRC-32 written bit by bit, independently of the crate's table.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for byte in bytes {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            let low = crc & 1;
            crc >>= 1;
            if low == 1 {
                crc ^= 0xEDB8_8320;
            }
        }
    }
    !crc
}

/// Rewrites the checksum so that changed bytes reach the field checks.
fn reseal(bytes: &mut [u8]) {
    if bytes.len() < 10 {
        return;
    }
    let body = bytes.len() - 4;
    let sum = crc32(&bytes[..body]).to_le_bytes();
    bytes[body..].copy_from_slice(&sum);
}

/// A frame around a hand-made body.
fn frame(magic: [u8; 4], body: &[u8]) -> Vec<u8> {
    let mut bytes = magic.to_vec();
    bytes.extend_from_slice(&SCHEMA_VERSION.to_le_bytes());
    bytes.extend_from_slice(body);
    bytes.extend_from_slice(&[0; 4]);
    reseal(&mut bytes);
    bytes
}

/// A tiny deterministic generator: the same flips on every run.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn small_label_set() -> LabelSet {
    labels::read(
        br#"{"ILSVRC2012_val_00000001.JPEG": [65, 58], "ILSVRC2012_val_00000003.JPEG": []}"#,
        dataset(),
        "mine",
        "mine.json",
    )
    .unwrap()
}

/// A label set over the first few positions only: a blob small enough to cut everywhere.
fn tiny_label_set() -> LabelSet {
    let mut set = LabelSet::from_sets(
        "tiny",
        "tiny.txt",
        "text lines",
        vec![
            Some(vec![ClassIndex(3), ClassIndex(1)]),
            None,
            Some(Vec::new()),
            Some(vec![ClassIndex(999)]),
        ],
    );
    set.warnings.push("the file covers 3 images".into());
    set
}

#[test]
fn every_fixture_round_trips_field_for_field() {
    let folder = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures");
    let mut names: Vec<String> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(names.len() >= 10, "{names:?}");
    for name in names {
        let (predictions, _) = load(&fixture(&name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        let bytes = encode_predictions(&predictions);
        let back = decode_predictions(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_same(&predictions, &back, &name);
        assert!(
            predictions.detection.is_some(),
            "{name} exercises the detection"
        );
    }
}

#[test]
fn missing_classes_nan_scores_and_any_row_order_round_trip() {
    // Few rows out of order: one image number per row.
    let mut few = synthetic(&[50_000, 3, 1, 7], 5, true);
    if let Some(scores) = few.scores.as_mut() {
        scores[0] = f32::NAN;
        scores[1] = f32::NEG_INFINITY;
    }
    assert_same(
        &few,
        &decode_predictions(&encode_predictions(&few)).unwrap(),
        "few",
    );

    // Many rows in ascending order: the image map.
    let ascending: Vec<u32> = (1..=50_000).filter(|n| n % 3 != 0).collect();
    let many = synthetic(&ascending, 2, false);
    assert_same(
        &many,
        &decode_predictions(&encode_predictions(&many)).unwrap(),
        "many",
    );

    // Many rows out of order.
    let reversed: Vec<u32> = (1..=20_000).rev().collect();
    let shuffled = synthetic(&reversed, 1, true);
    let back = decode_predictions(&encode_predictions(&shuffled)).unwrap();
    assert_same(&shuffled, &back, "reversed");

    // No rows at all.
    let empty = synthetic(&[], 5, false);
    assert_same(
        &empty,
        &decode_predictions(&encode_predictions(&empty)).unwrap(),
        "empty",
    );
}

#[test]
fn built_in_partial_and_large_label_sets_round_trip() {
    let data = dataset();
    let wide: Vec<u16> = (0..600).collect();
    let wide = labels::read(
        format!(r#"{{"ILSVRC2012_val_00000002.JPEG": {}}}"#, json!(wide)).as_bytes(),
        data,
        "wide",
        "wide.json",
    )
    .unwrap();
    assert_eq!(wide.labels(ImageId(2)).map(<[_]>::len), Some(600));
    for set in [
        LabelSet::real(data),
        LabelSet::original(data),
        small_label_set(),
        tiny_label_set(),
        wide,
    ] {
        let back = decode_label_set(&encode_label_set(&set)).unwrap();
        assert_eq!(back, set, "{}", set.key);
        assert_eq!(
            (back.covered(), back.scored()),
            (set.covered(), set.scored())
        );
    }
    let partial = small_label_set();
    assert_eq!(partial.covered(), 2);
    assert!(!partial.warnings.is_empty());
}

#[test]
fn every_truncation_is_an_error() {
    let (predictions, _) = load(&fixture("top5_u2_be_fortran.npy")).unwrap();
    let bytes = encode_predictions(&predictions);
    for len in 0..bytes.len() {
        assert!(decode_predictions(&bytes[..len]).is_err(), "{len} bytes");
        // Cut and resealed: the field checks must catch it too.
        let mut cut = bytes[..len].to_vec();
        reseal(&mut cut);
        assert!(decode_predictions(&cut).is_err(), "{len} bytes resealed");
    }
    let bytes = encode_label_set(&tiny_label_set());
    for len in 0..bytes.len() {
        assert!(decode_label_set(&bytes[..len]).is_err(), "{len} bytes");
        let mut cut = bytes[..len].to_vec();
        reseal(&mut cut);
        assert!(decode_label_set(&cut).is_err(), "{len} bytes resealed");
    }
}

#[test]
fn random_byte_flips_never_panic() {
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    let (top5, _) = load(&fixture("top5_u2_be_fortran.npy")).unwrap();
    let (logits, _) = load(&fixture("logits_f8.npy")).unwrap();
    let blobs = [
        encode_predictions(&top5),
        encode_predictions(&logits),
        encode_predictions(&synthetic(&[9, 4, 2], 3, true)),
    ];
    let sets = [encode_label_set(&tiny_label_set())];
    for round in 0..6_000 {
        let resealed = round % 2 == 0;
        let flip = |original: &[u8], rng: &mut XorShift| {
            let mut bytes = original.to_vec();
            for _ in 0..1 + rng.below(3) {
                let at = rng.below(bytes.len());
                bytes[at] ^= 1 << rng.below(8);
            }
            if resealed {
                reseal(&mut bytes);
            }
            bytes
        };
        let blob = &blobs[round % blobs.len()];
        let bytes = flip(blob, &mut rng);
        // Two flips of one bit cancel out.
        let changed = bytes != *blob;
        match decode_predictions(&bytes) {
            // A flip that still decodes (a score, a letter) gives consistent predictions.
            Ok(p) => {
                assert!(resealed || !changed, "the checksum let a flip through");
                assert_eq!(p.classes.len(), p.len() * p.k);
                for row in 0..p.len() {
                    assert_eq!(p.row_of(p.images[row]), Some(row));
                }
            }
            Err(e) => assert!(!e.to_string().is_empty()),
        }
        let bytes = flip(&sets[0], &mut rng);
        let changed = bytes != sets[0];
        if let Ok(set) = decode_label_set(&bytes) {
            assert!(resealed || !changed, "the checksum let a flip through");
            let _ = set.scored();
        }
    }
}

#[test]
fn hostile_lengths_are_refused_before_allocating() {
    // A format string claiming 4 GB.
    let body = u32::MAX.to_le_bytes();
    assert!(matches!(
        decode_predictions(&frame(PREDICTIONS_MAGIC, &body)),
        Err(CompactError::Damaged { at: 10, .. })
    ));
    // k = 4 billion over 50,000 rows, listed by number.
    let mut body = Vec::new();
    body.extend_from_slice(&0u32.to_le_bytes()); // format ""
    body.extend_from_slice(&[0, 0, 0]); // order, convention, no detection
    body.extend_from_slice(&u32::MAX.to_le_bytes()); // k
    body.extend_from_slice(&50_000u64.to_le_bytes()); // rows in file
    body.extend_from_slice(&50_000u32.to_le_bytes()); // rows
    body.push(0); // one number per row
    body.extend((1..=50_000u16).flat_map(u16::to_le_bytes));
    let error = decode_predictions(&frame(PREDICTIONS_MAGIC, &body)).unwrap_err();
    assert!(
        error.to_string().contains("the predicted classes need"),
        "{error}"
    );
    // More rows than images.
    let mut body = Vec::new();
    body.extend_from_slice(&0u32.to_le_bytes());
    body.extend_from_slice(&[0, 0, 0]);
    body.extend_from_slice(&1u32.to_le_bytes());
    body.extend_from_slice(&0u64.to_le_bytes());
    body.extend_from_slice(&u32::MAX.to_le_bytes());
    let error = decode_predictions(&frame(PREDICTIONS_MAGIC, &body)).unwrap_err();
    assert!(
        error.to_string().contains("more than the 50000 images"),
        "{error}"
    );
    // A label set with 4 billion warnings, then 4 billion images.
    let mut body = Vec::new();
    for _ in 0..3 {
        body.extend_from_slice(&0u32.to_le_bytes());
    }
    body.extend_from_slice(&u32::MAX.to_le_bytes());
    assert!(decode_label_set(&frame(LABEL_SET_MAGIC, &body)).is_err());
    let mut body = Vec::new();
    for _ in 0..4 {
        body.extend_from_slice(&0u32.to_le_bytes());
    }
    body.extend_from_slice(&u32::MAX.to_le_bytes());
    let error = decode_label_set(&frame(LABEL_SET_MAGIC, &body)).unwrap_err();
    assert!(error.to_string().contains("more than the 50000"), "{error}");
    // 50,000 images all covered, but no set sizes after the map.
    let mut body = Vec::new();
    for _ in 0..4 {
        body.extend_from_slice(&0u32.to_le_bytes());
    }
    body.extend_from_slice(&50_000u32.to_le_bytes());
    body.extend_from_slice(&[0xFF; 6_250]);
    let error = decode_label_set(&frame(LABEL_SET_MAGIC, &body)).unwrap_err();
    assert!(error.to_string().contains("set sizes end early"), "{error}");
    // A repeated image.
    let mut body = Vec::new();
    body.extend_from_slice(&0u32.to_le_bytes());
    body.extend_from_slice(&[0, 0, 0]);
    body.extend_from_slice(&1u32.to_le_bytes());
    body.extend_from_slice(&2u64.to_le_bytes());
    body.extend_from_slice(&2u32.to_le_bytes());
    body.push(0);
    body.extend([5u16, 5].iter().flat_map(|n| n.to_le_bytes()));
    body.extend([1u16, 2].iter().flat_map(|n| n.to_le_bytes()));
    body.push(0);
    body.extend_from_slice(&0u32.to_le_bytes());
    let error = decode_predictions(&frame(PREDICTIONS_MAGIC, &body)).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("ILSVRC2012_val_00000005.JPEG twice"),
        "{error}"
    );
}

#[test]
fn wrong_magic_or_version_is_a_clear_error() {
    let (predictions, _) = load(&fixture("top1_i8.npy")).unwrap();
    let bytes = encode_predictions(&predictions);
    assert_eq!(
        decode_label_set(&bytes),
        Err(CompactError::NotARecord {
            expected: "a saved label set"
        })
    );
    let mut other = bytes.clone();
    other[0] = b'X';
    assert!(matches!(
        decode_predictions(&other),
        Err(CompactError::NotARecord { .. })
    ));
    let mut newer = bytes.clone();
    newer[4..6].copy_from_slice(&(SCHEMA_VERSION + 1).to_le_bytes());
    let error = decode_predictions(&newer).unwrap_err();
    assert_eq!(
        error,
        CompactError::OtherVersion {
            found: SCHEMA_VERSION + 1
        }
    );
    assert!(error
        .to_string()
        .starts_with("saved by another version of the page"));
    // Bytes after the end, even with a good checksum.
    let mut longer = bytes[..bytes.len() - 4].to_vec();
    longer.push(0);
    longer.extend_from_slice(&[0; 4]);
    reseal(&mut longer);
    let error = decode_predictions(&longer).unwrap_err();
    assert!(
        error.to_string().contains("1 bytes after the end"),
        "{error}"
    );
}

#[test]
fn blob_sizes_stay_compact() {
    let all: Vec<u32> = (1..=50_000).collect();
    let top5_scores = encode_predictions(&synthetic(&all, 5, true)).len();
    let top5 = encode_predictions(&synthetic(&all, 5, false)).len();
    let top1 = encode_predictions(&synthetic(&all, 1, false)).len();
    let mut scrambled = all.clone();
    scrambled.swap(0, 1);
    let top1_scrambled = encode_predictions(&synthetic(&scrambled, 1, false)).len();
    let real = encode_label_set(&LabelSet::real(dataset())).len();
    let original = encode_label_set(&LabelSet::original(dataset())).len();
    eprintln!(
        "compact sizes: 50,000×5 with scores {top5_scores} B, without {top5} B, \
         50,000×1 {top1} B ({top1_scrambled} B out of order), ReaL {real} B, original {original} B"
    );
    assert!(top5_scores <= 1_510_000, "{top5_scores}");
    assert!(top5 <= 510_000, "{top5}");
    assert!(top1 <= 110_000, "{top1}");
    assert!(top1_scrambled <= 201_000, "{top1_scrambled}");
    assert!(real <= 200_000, "{real}");
}
