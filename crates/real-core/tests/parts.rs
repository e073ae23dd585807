//! Predictions taken apart into flat numbers and a header, and put back together: what the
//! worker sends the page.

use crate::util::{dataset, fixture, load, tops};
use real_core::parts::{Header, Parts, PartsError, NO_CLASS};
use real_core::{ClassConvention, ImageId, Predictions, Report, RowOrder};

fn header(k: usize, rows_in_file: usize) -> Header {
    Header {
        format: "test".into(),
        order: RowOrder::Named,
        convention: ClassConvention::SortedWnid,
        detection: None,
        k,
        rows_in_file,
        warnings: vec!["a warning".into()],
    }
}

fn parts(images: Vec<u32>, classes: Vec<u16>, k: usize) -> Parts {
    Parts {
        header: header(k, images.len()),
        images,
        classes,
        scores: None,
    }
}

#[test]
fn parts_round_trip_every_fixture() {
    for name in [
        "logits_1001_f2_be.npy",
        "top5_u2_be_fortran.npy",
        "timm_top5.csv",
        "named.npz",
        "hf_pipeline.json",
    ] {
        let (p, report) = load(&fixture(name)).unwrap();
        let again = Predictions::from_parts(p.clone().into_parts()).unwrap();
        assert_eq!(tops(&again), tops(&p), "{name}");
        assert_eq!(again.images, p.images, "{name}");
        assert_eq!(again.scores, p.scores, "{name}");
        assert_eq!(again.detection, p.detection, "{name}");
        assert_eq!(again.warnings, p.warnings, "{name}");
        assert_eq!(
            (
                again.format.as_str(),
                again.order,
                again.convention,
                again.k,
                again.rows_in_file
            ),
            (
                p.format.as_str(),
                p.order,
                p.convention,
                p.k,
                p.rows_in_file
            ),
            "{name}"
        );
        for image in dataset().images() {
            assert_eq!(again.row_of(image), p.row_of(image), "{name} {image:?}");
        }
        assert_eq!(Report::compute(dataset(), &again), report, "{name}");
    }
}

#[test]
fn the_header_travels_as_json() {
    let (p, _) = load(&fixture("top5_u2_be_fortran.npy")).unwrap();
    let header = p.into_parts().header;
    let text = serde_json::to_string(&header).unwrap();
    assert_eq!(serde_json::from_str::<Header>(&text).unwrap(), header);
}

#[test]
fn no_class_is_none() {
    let p =
        Predictions::from_parts(parts(vec![3, 1], vec![5, NO_CLASS, NO_CLASS, 999], 2)).unwrap();
    assert_eq!(tops(&p), [vec![Some(5), None], vec![None, Some(999)]]);
    assert_eq!(p.row_of(ImageId(1)), Some(1));
    assert_eq!(p.row_of(ImageId(2)), None);
}

#[test]
fn parts_that_do_not_fit_are_refused() {
    let refused = |parts: Parts| Predictions::from_parts(parts).unwrap_err();
    assert_eq!(
        refused(parts(vec![1], vec![], 0)),
        PartsError::NoPredictionsPerRow
    );
    assert!(matches!(
        refused(parts(vec![1, 2], vec![0, 1, 2], 2)),
        PartsError::Length {
            part: "classes",
            expected: 4,
            found: 3
        }
    ));
    let mut short_scores = parts(vec![1], vec![0], 1);
    short_scores.scores = Some(vec![]);
    assert!(matches!(
        refused(short_scores),
        PartsError::Length { part: "scores", .. }
    ));
    assert_eq!(
        refused(parts(vec![0], vec![0], 1)),
        PartsError::Image { row: 0, found: 0 }
    );
    assert_eq!(
        refused(parts(vec![1, 50_001], vec![0, 0], 1)),
        PartsError::Image {
            row: 1,
            found: 50_001
        }
    );
    assert_eq!(
        refused(parts(vec![7, 8, 7], vec![0, 0, 0], 1)),
        PartsError::RepeatedImage { row: 2, image: 7 }
    );
    assert_eq!(
        refused(parts(vec![1], vec![1000], 1)),
        PartsError::Class { at: 0, found: 1000 }
    );
    assert_eq!(
        refused(parts(vec![1], vec![NO_CLASS - 1], 1)),
        PartsError::Class {
            at: 0,
            found: NO_CLASS - 1
        }
    );
    let mut too_few_rows = parts(vec![1, 2], vec![0, 0], 1);
    too_few_rows.header.rows_in_file = 1;
    assert_eq!(
        refused(too_few_rows),
        PartsError::Rows {
            kept: 2,
            in_file: 1
        }
    );
    // A k so large that rows × k overflows is refused, not a panic.
    assert!(matches!(
        refused(parts(vec![1, 2], vec![0], usize::MAX)),
        PartsError::Length {
            part: "classes",
            ..
        }
    ));
    assert!(refused(parts(vec![1], vec![1000], 1))
        .to_string()
        .starts_with("the predictions do not fit together: "));
}

#[test]
fn random_parts_never_panic_and_kept_ones_hold_together() {
    // A small deterministic generator: parts of every shape, mostly broken, some whole.
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move |below: u64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % below
    };
    let mut whole = 0;
    for _ in 0..2_000 {
        let rows = next(6) as usize;
        let k = next(4) as usize;
        let images: Vec<u32> = (0..rows)
            .map(|r| match next(20) {
                0 => 0,
                1 => 50_001 + next(1000) as u32,
                2 => 1,
                _ => 1 + (r as u32 * 7919 + next(3) as u32) % 50_000,
            })
            .collect();
        let len = rows * k + if next(10) == 0 { 1 } else { 0 };
        let classes: Vec<u16> = (0..len)
            .map(|_| match next(20) {
                0 => NO_CLASS,
                1 => 1000 + next(64_000) as u16,
                _ => next(1000) as u16,
            })
            .collect();
        let scores = (next(2) == 0).then(|| vec![f32::NAN; len]);
        let mut parts = parts(images, classes, k);
        parts.scores = scores;
        parts.header.rows_in_file = rows + next(2) as usize;
        if let Ok(p) = Predictions::from_parts(parts) {
            whole += 1;
            assert!(p.k > 0);
            assert_eq!(p.classes.len(), p.len() * p.k);
            for (row, image) in p.images.iter().enumerate() {
                assert_eq!(p.row_of(*image), Some(row));
            }
        }
    }
    assert!(whole > 100, "some parts are whole ({whole})");
}
