//! Metrics on predictions whose figures follow from the dataset facts alone.

use crate::util::{dataset, load, load_with, npy};
use real_core::interval::wilson95;
use real_core::metrics::FourWaySplit;
use real_core::{ClassConvention, LoadOptions, RowOrder};

fn npy_rows(rows: &[Vec<i32>]) -> Vec<u8> {
    let k = rows[0].len();
    let data: Vec<u8> = rows
        .iter()
        .flatten()
        .flat_map(|v| v.to_le_bytes())
        .collect();
    npy("<i4", false, &[rows.len(), k], &data)
}

/// The report of a "model" that predicts every image's original label.
fn original_label_report() -> real_core::Report {
    let data = dataset();
    let rows: Vec<Vec<i32>> = data
        .images()
        .map(|i| vec![i32::from(data.original_label(i).0)])
        .collect();
    load(&npy_rows(&rows)).unwrap().1
}

#[test]
fn predicting_the_original_label() {
    let r = original_label_report();
    assert_eq!((r.images, r.scored, r.excluded), (50_000, 46_837, 3_163));
    assert_eq!(r.real(1).unwrap().correct, 42_164);
    assert_eq!(r.real(1).unwrap().total, 46_837);
    assert_eq!(r.original(1).unwrap().correct, 50_000);
    assert_eq!(
        r.split,
        FourWaySplit {
            both: 42_164,
            real_only: 0,
            original_only: 4_673,
            neither: 0
        }
    );
    assert!(r.real(5).is_none(), "a top-1 file has no top-5");
}

#[test]
fn top_k_counts_any_of_the_first_k() {
    let data = dataset();
    // Rank 1 wrong, rank 2 the first ReaL label (or the original label for excluded images).
    let rows: Vec<Vec<i32>> = data
        .images()
        .map(|i| {
            let real = data.real_labels(i);
            let right = real.first().copied().unwrap_or(data.original_label(i));
            let wrong = (0..1000u16)
                .find(|c| !real.iter().any(|r| r.0 == *c) && *c != data.original_label(i).0)
                .unwrap();
            vec![i32::from(wrong), i32::from(right.0)]
        })
        .collect();
    // Rank 1 always wrong gives detection nothing to go on: the order is given.
    let options = LoadOptions {
        order: Some(RowOrder::Filename),
        convention: Some(ClassConvention::SortedWnid),
    };
    let (_, r) = load_with(&npy_rows(&rows), options).unwrap();
    assert_eq!(r.real(1).unwrap().correct, 0);
    assert_eq!(r.real(2).unwrap().correct, 46_837);
    assert_eq!(r.split.neither, 46_837);
}

#[test]
fn per_class_figures_group_by_original_label() {
    let r = original_label_report();
    assert_eq!(r.per_class.len(), 1000);
    assert!(r
        .per_class
        .iter()
        .all(|c| c.original.total == 50 && c.original.correct == 50));
    assert_eq!(
        r.per_class.iter().map(|c| c.real.total).sum::<usize>(),
        46_837
    );
    assert_eq!(
        r.per_class.iter().map(|c| c.real.correct).sum::<usize>(),
        42_164
    );
}

#[test]
fn wilson_interval_brackets_the_fraction() {
    assert!(wilson95(0, 0).is_none());
    let i = wilson95(0, 10).unwrap();
    assert_eq!(i.low, 0.0);
    assert!((i.high - 0.2775).abs() < 1e-4, "{i:?}");
    let i = wilson95(38_858, 46_837).unwrap();
    let p = 38_858.0 / 46_837.0;
    assert!(i.low < p && p < i.high && i.high - i.low < 0.008, "{i:?}");
}
