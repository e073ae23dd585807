//! Rater evidence: reading scores.npz and raters.npz, and the label set at every threshold.

use crate::util::dataset;
use real_core::evidence::{self, Evidence, EvidenceFile, Provenance, Threshold};
use real_core::{ClassIndex, ImageId};
use std::collections::BTreeMap;
use std::path::PathBuf;

fn synthetic(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/evidence")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A published file from ../shared, or `None` (and a note) where this checkout has none.
fn published(name: &str) -> Option<Vec<u8>> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/reassessed-imagenet")
        .join(name);
    match std::fs::read(&path) {
        Ok(bytes) => Some(bytes),
        Err(_) => {
            eprintln!(
                "skipped: {} is absent (tests on the published files need ../shared)",
                path.display()
            );
            None
        }
    }
}

fn read(bytes: &[u8]) -> EvidenceFile {
    evidence::read(bytes, &mut |_| {}).expect("the file reads")
}

fn build(scores: &[u8], raters: Option<&[u8]>) -> Evidence {
    let mut evidence =
        Evidence::from_scores(read(scores), Provenance::default()).expect("the scores build");
    if let Some(raters) = raters {
        evidence
            .attach_votes(&read(raters), "raters.npz".into(), false)
            .expect("the votes match the scores");
    }
    evidence
}

fn labels(set: &real_core::LabelSet, image: ImageId) -> Vec<u16> {
    set.labels(image)
        .expect("covered")
        .iter()
        .map(|c| c.0)
        .collect()
}

#[test]
fn thresholds_read_in_hundredths_and_nothing_else() {
    for (text, hundredths) in [
        ("0.8", 80),
        ("0.80", 80),
        ("0.50", 50),
        ("0.99", 99),
        (".9", 90),
    ] {
        let t: Threshold = text.parse().expect(text);
        assert_eq!(t.hundredths(), hundredths, "{text}");
    }
    for bad in [
        "0.49", "1", "1.0", "0.805", "0.", "", "0.8x", "-0.8", "0.100", "80", "0,8",
    ] {
        assert!(bad.parse::<Threshold>().is_err(), "{bad} should be refused");
    }
    assert_eq!(Threshold::REAL.to_string(), "0.80");
    assert_eq!(Threshold::REAL.key(), "real@0.80");
    assert_eq!(Threshold::all().count(), 50);
}

#[test]
fn a_score_level_gives_the_float64_answer_at_every_hundredth() {
    // Exact hundredths and their neighbours are where a coarser form goes wrong.
    let mut scores = vec![0.0, 0.4999, 1.0, f64::NAN];
    for k in 45..=100u32 {
        let t = f64::from(k) / 100.0;
        scores.extend([
            t,
            t.next_down(),
            t.next_up(),
            t - 1e-9,
            t + 1e-9,
            t as f32 as f64,
        ]);
    }
    for s in scores {
        let level = Threshold::level_of(s);
        for t in Threshold::all() {
            assert_eq!(t.admits(level), s >= t.value(), "score {s:e} at {t}");
        }
    }
}

#[test]
fn synthetic_files_give_numpy_s_sets_and_votes() {
    let expected: serde_json::Value =
        serde_json::from_slice(&synthetic("expected.json")).expect("expected.json");
    let evidence = build(&synthetic("scores.npz"), Some(&synthetic("raters.npz")));
    assert_eq!(
        evidence.questions() as u64,
        expected["questions"].as_u64().unwrap()
    );
    assert_eq!(
        evidence.rated_images() as u64,
        expected["rated_images"].as_u64().unwrap()
    );
    let data = dataset();
    for (t, sets) in expected["sets"].as_object().unwrap() {
        let threshold: Threshold = t.parse().unwrap();
        let set = evidence.label_set(data, threshold);
        assert_eq!(set.key, threshold.key());
        for (name, want) in sets.as_object().unwrap() {
            let image = ImageId::from_file_name(name).unwrap();
            let want: Vec<u16> = want
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_u64().unwrap() as u16)
                .collect();
            assert_eq!(labels(&set, image), want, "{name} at {t}");
        }
        // An image never rated keeps its original label.
        let unrated = data
            .images()
            .find(|i| !evidence.is_rated(*i))
            .expect("most images are unrated");
        assert_eq!(labels(&set, unrated), vec![data.original_label(unrated).0]);
    }
    for row in expected["votes"].as_array().unwrap() {
        let image = ImageId::from_file_name(row[0].as_str().unwrap()).unwrap();
        let label = ClassIndex(row[1].as_u64().unwrap() as u16);
        let candidate = evidence
            .candidates(image)
            .find(|c| c.label == label)
            .expect("every question is a candidate");
        let votes = candidate.votes.expect("votes attached");
        let want: Vec<u8> = row[3]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap() as u8)
            .collect();
        assert_eq!(vec![votes.no, votes.maybe, votes.yes], want);
        assert!((f64::from(candidate.score) - row[2].as_f64().unwrap()).abs() < 1e-6);
    }
}

#[test]
fn the_files_are_told_apart_and_refused_when_they_do_not_fit() {
    let scores = read(&synthetic("scores.npz"));
    let raters = read(&synthetic("raters.npz"));
    assert_eq!(scores.kind_name(), "scores.npz");
    assert_eq!(raters.kind_name(), "raters.npz");
    let wrong_way = Evidence::from_scores(raters.clone(), Provenance::default()).unwrap_err();
    assert!(wrong_way.to_string().contains("raters.npz"), "{wrong_way}");
    let golden = evidence::read(&synthetic("golden.npz"), &mut |_| {}).unwrap_err();
    assert!(golden.to_string().contains("golden"), "{golden}");

    // Votes whose questions are not the scores' are refused.
    let mut evidence = Evidence::from_scores(scores, Provenance::default()).unwrap();
    let EvidenceFile::Raters {
        mut questions,
        votes,
        raters: count,
    } = raters
    else {
        unreachable!()
    };
    questions[3].label = ClassIndex(if questions[3].label.0 == 999 {
        998
    } else {
        999
    });
    let other = EvidenceFile::Raters {
        questions,
        votes,
        raters: count,
    };
    let err = evidence
        .attach_votes(&other, "raters.npz".into(), false)
        .unwrap_err();
    assert!(err.to_string().contains("'info' arrays differ"), "{err}");
    assert!(!evidence.has_votes());
}

#[test]
fn damaged_archives_say_where_they_broke() {
    let scores = synthetic("scores.npz");
    for cut in [0, 10, scores.len() / 2, scores.len() - 30] {
        let err = evidence::read(&scores[..cut], &mut |_| {}).unwrap_err();
        assert!(!err.to_string().is_empty());
    }
    let mut flipped = synthetic("raters.npz");
    let middle = flipped.len() / 3;
    for b in &mut flipped[middle..middle + 40] {
        *b ^= 0x5a;
    }
    assert!(evidence::read(&flipped, &mut |_| {}).is_err());
    let predictions = crate::util::fixture("caffe.txt");
    let err = evidence::read(&predictions, &mut |_| {}).unwrap_err();
    assert!(err.to_string().contains("ZIP"), "{err}");
}

#[test]
fn the_curve_counts_what_the_label_set_scores() {
    let evidence = build(&synthetic("scores.npz"), None);
    let data = dataset();
    let model = real_core::Predictions::original_labels(data);
    let curve = evidence.curve(data, &model);
    assert_eq!(curve.len(), 50);
    for point in curve {
        let set = evidence.label_set(data, point.threshold);
        let ranks = real_core::Ranks::compute(&model, &set);
        let score = real_core::Score::compute(data, &set, &ranks);
        let top1 = score.top(1).expect("top-1");
        assert_eq!(
            (point.correct as usize, point.scored as usize),
            (top1.correct, top1.total),
            "at {}",
            point.threshold
        );
    }
}

#[test]
fn published_scores_at_0_80_rebuild_real_json_for_all_50000_images() {
    let (Some(scores), Some(real)) = (published("scores.npz"), published("real.json")) else {
        return;
    };
    let real: Vec<Vec<u16>> = serde_json::from_slice(&real).expect("real.json");
    let file = read(&scores);
    let EvidenceFile::Scores {
        questions,
        scores: raw,
    } = &file
    else {
        panic!("scores.npz reads as scores");
    };
    assert_eq!(questions.len(), 184_962);
    // Every hundredth from float64 directly, to check the kept form against.
    let mut by_image: BTreeMap<usize, Vec<(u16, f64)>> = BTreeMap::new();
    for (q, s) in questions.iter().zip(raw) {
        by_image
            .entry(q.image.position())
            .or_default()
            .push((q.label.0, *s));
    }
    let evidence = Evidence::from_scores(file.clone(), Provenance::default()).unwrap();
    assert_eq!(evidence.rated_images(), 24_889);
    let data = dataset();
    let at_80 = evidence.label_set(data, Threshold::REAL);
    for image in data.images() {
        let mut want = real[image.position()].clone();
        want.sort_unstable();
        assert_eq!(labels(&at_80, image), want, "{}", image.file_name());
    }
    for t in Threshold::all() {
        let set = evidence.label_set(data, t);
        for (&position, candidates) in &by_image {
            let mut want: Vec<u16> = candidates
                .iter()
                .filter(|(_, s)| *s >= t.value())
                .map(|(l, _)| *l)
                .collect();
            want.sort_unstable();
            assert_eq!(
                labels(&set, ImageId::from_position(position)),
                want,
                "image {position} at {t}"
            );
        }
    }
}

#[test]
fn published_raters_give_five_answers_a_question_and_match_the_scores() {
    let (Some(scores), Some(raters)) = (published("scores.npz"), published("raters.npz")) else {
        return;
    };
    let mut peak = 0.0f64;
    let file = evidence::read(&raters, &mut |f| peak = peak.max(f)).expect("raters.npz reads");
    assert_eq!(peak, 1.0);
    let EvidenceFile::Raters { votes, raters, .. } = &file else {
        panic!("raters.npz reads as raters");
    };
    assert_eq!(*raters, 85);
    assert!(votes.iter().all(|v| v.iter().sum::<u8>() == 5));
    let mut evidence = Evidence::from_scores(read(&scores), Provenance::default()).unwrap();
    evidence
        .attach_votes(&file, "raters.npz".into(), true)
        .expect("the published files go together");
    // The first three rows of both files are ILSVRC2012_val_00041207 with labels 556, 588 and
    // 615: each is among the image's candidates, with its five answers.
    let image = ImageId::from_file_name("ILSVRC2012_val_00041207.JPEG").unwrap();
    let candidates: Vec<_> = evidence.candidates(image).collect();
    for label in [556, 588, 615] {
        let c = candidates
            .iter()
            .find(|c| c.label.0 == label)
            .unwrap_or_else(|| panic!("candidate {label}"));
        let v = c.votes.expect("votes");
        assert_eq!(u32::from(v.no) + u32::from(v.maybe) + u32::from(v.yes), 5);
    }
}

#[test]
fn evidence_survives_its_compact_form_and_refuses_damage() {
    let mut evidence = build(&synthetic("scores.npz"), Some(&synthetic("raters.npz")));
    evidence.provenance = Provenance {
        scores: "published".into(),
        raters: Some("raters.npz".into()),
        scores_published: true,
        raters_published: false,
    };
    let bytes = real_core::compact::encode_evidence(&evidence);
    let back = real_core::compact::decode_evidence(&bytes).expect("decodes");
    assert_eq!(back, evidence);
    for t in Threshold::all() {
        assert_eq!(
            back.label_set(dataset(), t),
            evidence.label_set(dataset(), t)
        );
    }
    let without = build(&synthetic("scores.npz"), None);
    let again = real_core::compact::decode_evidence(&real_core::compact::encode_evidence(&without));
    assert_eq!(again.expect("decodes"), without);
    for cut in [0, 5, bytes.len() / 2, bytes.len() - 1] {
        assert!(real_core::compact::decode_evidence(&bytes[..cut]).is_err());
    }
    let mut flipped = bytes.clone();
    flipped[bytes.len() / 2] ^= 1;
    assert!(real_core::compact::decode_evidence(&flipped).is_err());
}

// --- Hostile archives: every one is refused with a sentence, none panics or runs away. ---

/// A ZIP archive of `(name, bytes, deflate)` members, as numpy writes them.
fn zip(members: &[(&str, Vec<u8>, bool)]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut directory = Vec::new();
    for (name, data, deflate) in members {
        let stored = if *deflate {
            miniz_oxide::deflate::compress_to_vec(data, 6)
        } else {
            data.clone()
        };
        let offset = out.len() as u32;
        let header = |sig: &[u8], central: bool| {
            let mut h = sig.to_vec();
            if central {
                h.extend_from_slice(&20u16.to_le_bytes());
            }
            h.extend_from_slice(&20u16.to_le_bytes());
            h.extend_from_slice(&0u16.to_le_bytes());
            h.extend_from_slice(&(if *deflate { 8u16 } else { 0 }).to_le_bytes());
            h.extend_from_slice(&[0; 4]); // time, date
            h.extend_from_slice(
                &real_core::crc32::Crc32::new()
                    .update(data)
                    .finish()
                    .to_le_bytes(),
            );
            h.extend_from_slice(&(stored.len() as u32).to_le_bytes());
            h.extend_from_slice(&(data.len() as u32).to_le_bytes());
            h.extend_from_slice(&(name.len() as u16).to_le_bytes());
            h.extend_from_slice(&0u16.to_le_bytes());
            if central {
                h.extend_from_slice(&[0; 6]); // comment length, disk, internal attributes
                h.extend_from_slice(&[0; 4]); // external attributes
                h.extend_from_slice(&offset.to_le_bytes());
            }
            h.extend_from_slice(name.as_bytes());
            h
        };
        out.extend(header(b"PK\x03\x04", false));
        out.extend_from_slice(&stored);
        directory.extend(header(b"PK\x01\x02", true));
    }
    let at = out.len() as u32;
    out.extend_from_slice(&directory);
    out.extend_from_slice(b"PK\x05\x06\0\0\0\0");
    out.extend_from_slice(&(members.len() as u16).to_le_bytes());
    out.extend_from_slice(&(members.len() as u16).to_le_bytes());
    out.extend_from_slice(&(directory.len() as u32).to_le_bytes());
    out.extend_from_slice(&at.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

/// `info` for `names` (file, label) as numpy's `<U28`.
fn info(rows: &[(&str, &str)]) -> Vec<u8> {
    let mut data = Vec::new();
    for (file, label) in rows {
        for text in [file, label] {
            let mut chars: Vec<u32> = text.chars().map(u32::from).collect();
            chars.resize(28, 0);
            for c in chars {
                data.extend_from_slice(&c.to_le_bytes());
            }
        }
    }
    crate::util::npy("<U28", false, &[rows.len(), 2], &data)
}

fn floats(values: &[f64]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_le_bytes()).collect()
}

const ROWS: [(&str, &str); 3] = [
    ("ILSVRC2012_val_00000010.JPEG", "5"),
    ("ILSVRC2012_val_00000010.JPEG", "7"),
    ("ILSVRC2012_val_00049999.JPEG", "999"),
];

fn refused(bytes: &[u8], says: &str) {
    match evidence::read(bytes, &mut |_| {}) {
        Ok(_) => panic!("accepted a file that should say '{says}'"),
        Err(e) => assert!(e.to_string().contains(says), "'{e}' should say '{says}'"),
    }
}

#[test]
fn crafted_archives_are_read_or_refused_with_a_reason() {
    let scores = |values: &[f64], deflate| {
        zip(&[
            ("info.npy", info(&ROWS), deflate),
            (
                "tensor.npy",
                crate::util::npy("<f8", false, &[values.len()], &floats(values)),
                deflate,
            ),
        ])
    };
    // A good small file reads, stored or deflated, and big-endian floats read too.
    for deflate in [false, true] {
        assert!(evidence::read(&scores(&[0.1, 0.9, 0.5], deflate), &mut |_| {}).is_ok());
    }
    let big: Vec<u8> = [0.25f64, 0.5, 1.0]
        .iter()
        .flat_map(|v| v.to_be_bytes())
        .collect();
    let file = zip(&[
        ("info.npy", info(&ROWS), true),
        (
            "tensor.npy",
            crate::util::npy(">f8", false, &[3], &big),
            true,
        ),
    ]);
    let EvidenceFile::Scores {
        scores: read_back, ..
    } = read(&file)
    else {
        panic!()
    };
    assert_eq!(read_back, vec![0.25, 0.5, 1.0]);

    refused(&scores(&[0.1, f64::NAN, 0.5], true), "question 2");
    refused(&scores(&[0.1, 1.5, 0.5], true), "expected a probability");
    refused(&scores(&[0.1, 0.2], true), "with 3 questions");
    // Names that are not validation files, control characters, labels out of range.
    for (rows, says) in [
        (
            vec![("ILSVRC2012_val_0000\u{7}010.JPEG", "5")],
            "question 1",
        ),
        (vec![("../../etc/passwd", "5")], "file name"),
        (
            vec![("ILSVRC2012_val_00000010.JPEG", "1000")],
            "class index",
        ),
        (vec![("ILSVRC2012_val_00000010.JPEG", "-1")], "class index"),
        (vec![("ILSVRC2012_val_00050001.JPEG", "1")], "file name"),
    ] {
        let file = zip(&[
            ("info.npy", info(&rows), true),
            (
                "tensor.npy",
                crate::util::npy("<f8", false, &[1], &floats(&[0.5])),
                true,
            ),
        ]);
        refused(&file, says);
    }
    // A question asked twice.
    let twice = zip(&[
        ("info.npy", info(&[ROWS[0], ROWS[0]]), true),
        (
            "tensor.npy",
            crate::util::npy("<f8", false, &[2], &floats(&[0.5, 0.5])),
            true,
        ),
    ]);
    let err = Evidence::from_scores(read(&twice), Provenance::default()).unwrap_err();
    assert!(err.to_string().contains("asked twice"), "{err}");

    // Raters: a half answer, two answers at once, a tensor claiming 10 GB, too many raters.
    let raters = |answers: &[f64], shape: &[usize]| {
        zip(&[
            ("info.npy", info(&ROWS), true),
            (
                "tensor.npy",
                crate::util::npy("<f8", false, shape, &floats(answers)),
                true,
            ),
        ])
    };
    let mut answers = vec![0.0; 5 * 3 * 3];
    for r in 0..5 {
        for q in 0..3 {
            answers[(r * 3 + q) * 3 + 2] = 1.0;
        }
    }
    assert!(evidence::read(&raters(&answers, &[5, 3, 3]), &mut |_| {}).is_ok());
    let mut half = answers.clone();
    half[2] = 0.5;
    refused(&raters(&half, &[5, 3, 3]), "one-hot");
    let mut both = answers.clone();
    both[0] = 1.0;
    refused(&raters(&both, &[5, 3, 3]), "one-hot");
    let mut four = answers.clone();
    four[2] = 0.0;
    refused(&raters(&four, &[5, 3, 3]), "4 answers");
    let header_only = zip(&[
        ("info.npy", info(&ROWS), true),
        (
            "tensor.npy",
            crate::util::npy("<f8", false, &[999, 3, 3], &[]),
            true,
        ),
    ]);
    refused(&header_only, "truncated");
    let claims: Vec<u8> = crate::util::npy("<f8", false, &[1000, 60_000, 3], &[]);
    let mut huge_info = Vec::new();
    for i in 0..60_000 {
        huge_info.push((
            format!("ILSVRC2012_val_{:08}.JPEG", i % 50_000 + 1),
            format!("{}", i / 50_000),
        ));
    }
    let rows: Vec<(&str, &str)> = huge_info
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let bomb = zip(&[
        ("info.npy", info(&rows), true),
        ("tensor.npy", claims, true),
    ]);
    refused(&bomb, "would inflate past");
    refused(&raters(&[], &[1001, 3, 3]), "raters");
}

#[test]
fn an_archive_that_inflates_past_its_claim_is_stopped() {
    // The directory says 200 bytes; the member inflates to 50 MB of zeros.
    let mut tensor = crate::util::npy("<f8", false, &[3], &floats(&[0.1, 0.2, 0.3]));
    tensor.resize(50 << 20, 0);
    let mut file = zip(&[
        ("info.npy", info(&ROWS), true),
        ("tensor.npy", tensor, true),
    ]);
    // Patch the declared size (central directory and local header) down to 200 bytes.
    let patch = |file: &mut Vec<u8>, sig: &[u8], offset: usize| {
        let mut at = 0;
        while let Some(i) = file[at..].windows(4).position(|w| w == sig) {
            let start = at + i;
            let name_at = start + if sig == b"PK\x01\x02" { 46 } else { 30 };
            if file.get(name_at..name_at + 10) == Some(b"tensor.npy") {
                file[start + offset..start + offset + 4].copy_from_slice(&200u32.to_le_bytes());
            }
            at = start + 4;
        }
    };
    patch(&mut file, b"PK\x01\x02", 24);
    patch(&mut file, b"PK\x03\x04", 22);
    refused(&file, "past its declared");
}

#[test]
fn mutated_rater_files_never_panic() {
    // Many bytes changed at once, cut short, lengthened: a deterministic fuzz of both files.
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for original in [synthetic("scores.npz"), synthetic("raters.npz")] {
        for _ in 0..400 {
            let mut bytes = original.clone();
            match next() % 4 {
                0 => bytes.truncate((next() as usize) % bytes.len()),
                1 => {
                    let at = (next() as usize) % bytes.len();
                    let fill = next() as u8;
                    bytes.splice(at..at, std::iter::repeat_n(fill, (next() % 64) as usize));
                }
                _ => {
                    for _ in 0..1 + next() % 16 {
                        let at = (next() as usize) % bytes.len();
                        bytes[at] = next() as u8;
                    }
                }
            }
            if let Ok(file) = evidence::read(&bytes, &mut |_| {}) {
                let _ = Evidence::from_scores(file, Provenance::default());
            }
        }
    }
}
