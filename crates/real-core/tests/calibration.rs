//! Confidence as data: softmax of logit rows, the probability check, reliability bins and ECE,
//! and original top-1 on ReaL's denominator. Expected figures are worked by hand below.

use crate::util::{dataset, load, npy};
use real_core::calibration::{Calibration, Confidences, NoConfidence, BINS};
use real_core::labels::LabelSet;
use real_core::{ImageId, Ranks};

/// timm's JSON keyed by file name: `(image number, [(class, prob)])` per image.
fn timm_json(rows: &[(usize, Vec<(u16, f32)>)]) -> Vec<u8> {
    let entries: Vec<String> = rows
        .iter()
        .map(|(image, top)| {
            let index: Vec<String> = top.iter().map(|(c, _)| c.to_string()).collect();
            let prob: Vec<String> = top.iter().map(|(_, p)| p.to_string()).collect();
            format!(
                "\"ILSVRC2012_val_{image:08}.JPEG\": {{\"index\": [{}], \"prob\": [{}]}}",
                index.join(", "),
                prob.join(", ")
            )
        })
        .collect();
    format!("{{{}}}", entries.join(", ")).into_bytes()
}

fn original(image: usize) -> u16 {
    dataset()
        .original_label(ImageId::new(image as u64).unwrap())
        .0
}

/// An original label's neighbour: wrong under the original label.
fn wrong(image: usize) -> u16 {
    (original(image) + 1) % 1000
}

fn calibration(bytes: &[u8]) -> Result<Calibration, NoConfidence> {
    let (p, _) = load(bytes).expect("reads");
    let real = Ranks::compute(&p, &LabelSet::real(dataset()));
    let original = Ranks::compute(&p, &LabelSet::original(dataset()));
    Calibration::compute(&p, &real, &original)
}

#[test]
fn ece_of_four_images_worked_by_hand() {
    // Confidences 0.95, 0.95, 0.35, 0.35; right, wrong, right, wrong under the original
    // label. Bin 14 (0.933..1): accuracy 1/2, confidence 0.95; bin 5 (0.333..0.4): 1/2 and
    // 0.35. ECE = 2/4 · 0.45 + 2/4 · 0.15 = 0.30.
    let rows = vec![
        (1, vec![(original(1), 0.95), (wrong(1), 0.01)]),
        (2, vec![(wrong(2), 0.95), (original(2), 0.02)]),
        (3, vec![(original(3), 0.35), (wrong(3), 0.30)]),
        (4, vec![(wrong(4), 0.35), (original(4), 0.30)]),
    ];
    let c = calibration(&timm_json(&rows)).expect("probabilities");
    let o = &c.original;
    assert_eq!((o.images, o.correct, o.without_confidence), (4, 2, 0));
    assert_eq!(o.bins.len(), BINS);
    assert_eq!((o.bins[14].images, o.bins[14].correct), (2, 1));
    assert_eq!((o.bins[5].images, o.bins[5].correct), (2, 1));
    assert!((o.ece().unwrap() - 0.30).abs() < 1e-6, "{:?}", o.ece());
    assert!((o.mean_confidence().unwrap() - 0.65).abs() < 1e-6);
    // Under ReaL only the images it scores count, however many that is here.
    assert!(c.real.images <= 4);
}

#[test]
fn margin_is_the_lead_over_the_runner_up() {
    let rows = vec![(1, vec![(original(1), 0.7), (wrong(1), 0.2)])];
    let (p, _) = load(&timm_json(&rows)).unwrap();
    let confidences = Confidences::of(&p).unwrap();
    assert!((confidences.top1(0).unwrap() - 0.7).abs() < 1e-6);
    assert!((confidences.margin(0).unwrap() - 0.5).abs() < 1e-6);
    assert_eq!(confidences.top1(1), None);
}

#[test]
fn classes_only_and_scores_that_are_no_probabilities_say_why() {
    let top1 = npy(
        "<i4",
        false,
        &[3],
        &[65i32, 1, 2].map(i32::to_le_bytes).concat(),
    );
    let err = calibration(&top1).unwrap_err();
    assert_eq!(err, NoConfidence::NoScores);
    assert_eq!(
        err.to_string(),
        "This file has class indices only, no scores: no calibration."
    );
    // Top-k logits: only the best few of each row, which cannot be normalised.
    let logits = vec![(1, vec![(original(1), 7.5), (wrong(1), 3.0)])];
    let err = calibration(&timm_json(&logits)).unwrap_err();
    assert!(matches!(
        err,
        NoConfidence::OutsideUnitInterval { row: 0, .. }
    ));
    assert!(err.to_string().contains("not probabilities"), "{err}");
    // Scores in [0, 1] summing past 1.
    let sums = vec![(1, vec![(original(1), 0.8), (wrong(1), 0.7)])];
    let err = calibration(&timm_json(&sums)).unwrap_err();
    assert!(matches!(err, NoConfidence::SumAboveOne { row: 0, .. }));
}

/// Rows of 1,000 logits: the best of each is kept as its softmax probability, whichever
/// reader (float32 little-endian in C order, or float64 big-endian in Fortran order).
#[test]
fn logit_rows_become_softmax_probabilities() {
    let rows = 40;
    let logits: Vec<f64> = (0..rows * 1000)
        .map(|i| {
            ((i * 7919) % 1013) as f64 / 97.0 - 5.0 + if i % 1000 == i / 1000 { 6.0 } else { 0.0 }
        })
        .collect();
    let f32_bytes: Vec<u8> = logits
        .iter()
        .flat_map(|v| (*v as f32).to_le_bytes())
        .collect();
    let fortran: Vec<u8> = (0..1000)
        .flat_map(|c| (0..rows).map(move |r| (r, c)))
        .flat_map(|(r, c)| logits[r * 1000 + c].to_be_bytes())
        .collect();
    for bytes in [
        npy("<f4", false, &[rows, 1000], &f32_bytes),
        npy(">f8", true, &[rows, 1000], &fortran),
    ] {
        let (p, _) = load(&bytes).unwrap();
        let scores = p.scores.as_ref().unwrap();
        let confidences = Confidences::of(&p).expect("softmax gives probabilities");
        for row in 0..p.len() {
            let image = p.images[row].position();
            let row_logits = &logits[image * 1000..(image + 1) * 1000];
            let best = row_logits.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let z: f64 = row_logits.iter().map(|l| (l - best).exp()).sum();
            let want = 1.0 / z;
            let got = f64::from(confidences.top1(row).unwrap());
            assert!((got - want).abs() < 1e-6, "row {row}: {got} != {want}");
            assert!(scores[row * p.k + 1] <= scores[row * p.k]);
        }
    }
}

#[test]
fn probability_rows_are_kept_as_given() {
    let rows = 20;
    let mut probs = vec![0.0005f32; rows * 1000];
    for r in 0..rows {
        probs[r * 1000 + r] = 0.5005;
    }
    let bytes: Vec<u8> = probs.iter().flat_map(|v| v.to_le_bytes()).collect();
    let (p, _) = load(&npy("<f4", false, &[rows, 1000], &bytes)).unwrap();
    let confidences = Confidences::of(&p).unwrap();
    assert_eq!(confidences.top1(0), Some(0.5005));
    assert!(p.warnings.iter().all(|w| !w.contains("do not sum to 1")));
}

#[test]
fn original_top1_on_the_images_real_scores() {
    // Predicting the original label: right on every image ReaL scores.
    let data = dataset();
    let labels: Vec<u8> = data
        .images()
        .flat_map(|i| i32::from(data.original_label(i).0).to_le_bytes())
        .collect();
    let (_, r) = load(&npy("<i4", false, &[50_000], &labels)).unwrap();
    let on_scored = r.original_top1_on_scored();
    assert_eq!((on_scored.correct, on_scored.total), (46_837, 46_837));
    assert_eq!(r.split.scored(), 46_837);
}
