//! Row order and class convention detection, overrides, partial and repeated rows.

use crate::util::{dataset, load, load_with, npy};
use real_core::{ClassConvention, ImageId, LoadOptions, RowOrder};

/// Top-1 labels equal to the original labels, for the images in `order`, as an int32 .npy.
fn originals_npy(order: &[ImageId], encode: impl Fn(u16) -> i32) -> Vec<u8> {
    let data: Vec<u8> = order
        .iter()
        .flat_map(|i| encode(dataset().original_label(*i).0).to_le_bytes())
        .collect();
    npy("<i4", false, &[order.len()], &data)
}

fn filename_order() -> Vec<ImageId> {
    dataset().images().collect()
}

#[test]
fn imagefolder_order_is_detected() {
    let bytes = originals_npy(dataset().imagefolder_order(), i32::from);
    let (p, r) = load(&bytes).unwrap();
    assert_eq!(
        (p.order, p.convention),
        (RowOrder::Imagefolder, ClassConvention::SortedWnid)
    );
    assert_eq!(r.original(1).unwrap().fraction, Some(1.0));
    let d = p.detection.unwrap();
    assert!(d.clear);
    assert_eq!(d.candidates[0].agreement, 1.0);
    assert!(d.candidates[1].agreement < 0.01);
}

#[test]
fn one_based_and_ilsvrc2012_ids_are_detected() {
    let (p, _) = load(&originals_npy(&filename_order(), |c| i32::from(c) + 1)).unwrap();
    assert_eq!(p.convention, ClassConvention::SortedWnid1Based);
    let data = dataset();
    let (p, r) = load(&originals_npy(&filename_order(), |c| {
        i32::from(data.classes()[usize::from(c)].ilsvrc2012_id.0)
    }))
    .unwrap();
    assert_eq!(p.convention, ClassConvention::Ilsvrc2012Id);
    assert_eq!(r.original(1).unwrap().correct, 50_000);
}

#[test]
fn tf_slim_background_counts_as_wrong() {
    let mut order = filename_order();
    order.truncate(1000);
    let mut bytes: Vec<i32> = order
        .iter()
        .map(|i| i32::from(dataset().original_label(*i).0) + 1)
        .collect();
    bytes[0] = 0;
    let data: Vec<u8> = bytes.iter().flat_map(|v| v.to_le_bytes()).collect();
    let (p, r) = load(&npy("<i4", false, &[1000], &data)).unwrap();
    assert_eq!(p.convention, ClassConvention::TfSlim1001);
    assert_eq!(p.top(0), &[None]);
    assert_eq!(r.original(1).unwrap().correct, 999);
}

#[test]
fn overrides_are_obeyed_even_when_they_score_worse() {
    let bytes = originals_npy(dataset().imagefolder_order(), i32::from);
    let options = LoadOptions {
        order: Some(RowOrder::Filename),
        convention: None,
    };
    let (p, r) = load_with(&bytes, options).unwrap();
    assert_eq!(p.order, RowOrder::Filename);
    assert!(r.original(1).unwrap().fraction.unwrap() < 0.01);
    assert!(p.detection.unwrap().overridden);
    // A convention the numbers cannot hold is an error, not a silent fallback.
    let options = LoadOptions {
        order: None,
        convention: Some(ClassConvention::SortedWnid1Based),
    };
    let err = load_with(&bytes, options).unwrap_err().to_string();
    assert!(err.contains("sorted-wnid-1based"), "{err}");
}

#[test]
fn random_predictions_are_flagged_as_unclear() {
    let mut state = 12345u64;
    let data: Vec<u8> = (0..50_000)
        .flat_map(|_| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (((state >> 33) % 1000) as i32).to_le_bytes()
        })
        .collect();
    let (p, _) = load(&npy("<i4", false, &[50_000], &data)).unwrap();
    assert!(!p.detection.unwrap().clear);
    assert!(
        p.warnings
            .iter()
            .any(|w| w.contains("could not be told apart")),
        "{:?}",
        p.warnings
    );
}

#[test]
fn unnamed_partial_files_are_read_as_a_prefix_with_a_warning() {
    let mut order = filename_order();
    order.truncate(10_000);
    let (p, r) = load(&originals_npy(&order, i32::from)).unwrap();
    assert_eq!(r.images, 10_000);
    assert!(
        p.warnings
            .iter()
            .any(|w| w.contains("first 10000 images in filename order")),
        "{:?}",
        p.warnings
    );
}

#[test]
fn named_partial_files_are_scored_on_their_rows_and_repeats_warned() {
    let text = "filename,index\nILSVRC2012_val_00000001.JPEG,65\nILSVRC2012_val_00000002.JPEG,970\nILSVRC2012_val_00000001.JPEG,3\n";
    let (p, r) = load(text.as_bytes()).unwrap();
    assert_eq!(p.rows_in_file, 3);
    assert_eq!(r.images, 2);
    assert_eq!(
        p.top(0),
        &[Some(real_core::ClassIndex(65))],
        "the first row of an image is kept"
    );
    assert!(
        p.warnings
            .iter()
            .any(|w| w.contains("1 rows repeat") && w.contains("row 3")),
        "{:?}",
        p.warnings
    );
    assert!(
        p.warnings
            .iter()
            .any(|w| w.contains("covers 2 of the 50000")),
        "{:?}",
        p.warnings
    );
}
