//! Case selection and class pairs over the real label sets.

use crate::util::{dataset, load, npy};
use real_core::cases::{select, CaseFilter, CaseSort, Judges, LabelCount};
use real_core::metrics::Outcome;
use real_core::pairs::{self, PairKind};
use real_core::ClassIndex;

fn count(filter: CaseFilter) -> usize {
    select(
        dataset(),
        None,
        &filter,
        CaseSort::Image,
        &Judges::default(),
    )
    .len()
}

#[test]
fn label_filters_match_the_facts() {
    assert_eq!(count(CaseFilter::default()), 50_000);
    assert_eq!(
        count(CaseFilter {
            original_not_in_real: true,
            ..Default::default()
        }),
        4_673
    );
    assert_eq!(
        count(CaseFilter {
            labels: Some(LabelCount::AtLeast(2)),
            ..Default::default()
        }),
        7_443
    );
    assert_eq!(
        count(CaseFilter {
            labels: Some(LabelCount::Exactly(0)),
            ..Default::default()
        }),
        3_163
    );
    assert_eq!(
        count(CaseFilter {
            labels: Some(LabelCount::Exactly(9)),
            ..Default::default()
        }),
        2
    );
    assert_eq!(
        count(CaseFilter {
            original: Some(ClassIndex(0)),
            ..Default::default()
        }),
        50
    );
    // Model filters need a model.
    assert_eq!(
        count(CaseFilter {
            outcome: Some(Outcome::Both),
            ..Default::default()
        }),
        0
    );
}

#[test]
fn outcome_filters_partition_the_scored_images_and_confidence_sorts() {
    let data = dataset();
    // Predict the original label with a score that falls with the image number.
    let n = 50_000usize;
    let mut logits = vec![0f32; n * 1000];
    for image in data.images() {
        let i = image.position();
        logits[i * 1000 + data.original_label(image).get()] = 1.0 + (n - i) as f32 / n as f32;
    }
    let bytes: Vec<u8> = logits.iter().flat_map(|v| v.to_le_bytes()).collect();
    let (p, r) = load(&npy("<f4", false, &[n, 1000], &bytes)).unwrap();
    let of = |outcome| {
        select(
            data,
            Some(&p),
            &CaseFilter {
                outcome: Some(outcome),
                ..Default::default()
            },
            CaseSort::Image,
            &Judges::default(),
        )
        .len()
    };
    assert_eq!(of(Outcome::Both), r.split.both);
    assert_eq!(of(Outcome::OriginalOnly), r.split.original_only);
    assert_eq!(of(Outcome::RealOnly) + of(Outcome::Neither), 0);
    assert_eq!(of(Outcome::Excluded), 3_163);
    let high = select(
        data,
        Some(&p),
        &CaseFilter::default(),
        CaseSort::ConfidenceHigh,
        &Judges::default(),
    );
    assert_eq!(high[0].image.0, 1);
    let low = select(
        data,
        Some(&p),
        &CaseFilter::default(),
        CaseSort::ConfidenceLow,
        &Judges::default(),
    );
    assert_eq!(low[0].image.0, 50_000);
    assert_eq!(low[0].row, Some(49_999));
}

#[test]
fn the_known_duplicate_pairs_rank_first() {
    let ranked = pairs::rank(dataset(), 5);
    let top: Vec<(u16, u16)> = ranked.iter().take(3).map(|p| (p.a.0, p.b.0)).collect();
    // sunglass/sunglasses, laptop/notebook, missile/projectile.
    assert_eq!(top, vec![(836, 837), (620, 681), (657, 744)]);
    assert!(ranked
        .iter()
        .take(3)
        .all(|p| p.kind == PairKind::NearDuplicate));
    assert!(ranked.windows(2).all(|w| w[0].jaccard >= w[1].jaccard));
    let first = ranked[0];
    assert_eq!(
        first.jaccard,
        first.both as f64 / (first.a_images + first.b_images - first.both) as f64
    );
}

#[test]
fn desk_scenes_are_told_apart_from_near_duplicates() {
    let ranked = pairs::rank(dataset(), 5);
    let find = |a: u16, b: u16| *ranked.iter().find(|p| (p.a.0, p.b.0) == (a, b)).unwrap();
    // desk 526, desktop computer 527, computer keyboard 508, monitor 664, mouse 673.
    for (a, b) in [(527, 664), (526, 664), (508, 673), (508, 526)] {
        assert_eq!(find(a, b).kind, PairKind::CoOccurring, "{a}-{b}");
    }
    for (a, b) in [(836, 837), (620, 681), (657, 744), (638, 639)] {
        assert_eq!(find(a, b).kind, PairKind::NearDuplicate, "{a}-{b}");
    }
    // Suit and Windsor tie go together without being one object.
    assert_eq!(find(834, 906).kind, PairKind::Together);
}

#[test]
fn pair_tolerant_accuracy_forgives_the_partner() {
    let data = dataset();
    let ranked = pairs::rank(data, 5);
    let sunglasses = ranked[0];
    // Predict 836 (sunglass) for every image whose set holds either class, else the original.
    let rows: Vec<i32> = data
        .images()
        .map(|i| {
            let real = data.real_labels(i);
            if real.contains(&sunglasses.a) || real.contains(&sunglasses.b) {
                836
            } else {
                i32::from(data.original_label(i).0)
            }
        })
        .collect();
    let bytes: Vec<u8> = rows.iter().flat_map(|v| v.to_le_bytes()).collect();
    let (p, _) = load(&npy("<i4", false, &[50_000], &bytes)).unwrap();
    let (strict, tolerant) = pairs::pair_accuracy(data, &p, &sunglasses);
    // Every image whose set holds either class is right when the partner counts; images of
    // the pair by their original label alone are scored too, and wrong.
    let union = sunglasses.a_images + sunglasses.b_images - sunglasses.both;
    assert_eq!(tolerant.correct, union);
    assert!(tolerant.total >= union);
    assert_eq!(strict.correct, sunglasses.a_images);
    let split = pairs::split(data, &p, &sunglasses);
    // Images whose original label is 836 or 837 count too, whatever their ReaL set.
    assert!(split.predicted_a >= tolerant.total);
    assert_eq!(
        split.predicted_a + split.predicted_b + split.predicted_other,
        split.images
    );
    let overall = pairs::tolerant_top1(data, &p, &[sunglasses]);
    assert!(overall.correct >= strict.correct);
}

/// The images of a pair are one set wherever they are counted: the case filter, the model's
/// split and the pair's scored images.
#[test]
fn images_of_a_pair_have_one_definition() {
    let data = dataset();
    let pair = pairs::rank(data, 5)[0];
    let filter = CaseFilter {
        pair: Some((pair.a, pair.b)),
        ..Default::default()
    };
    let listed = select(data, None, &filter, CaseSort::Image, &Judges::default()).len();
    let rows: Vec<u8> = data
        .images()
        .flat_map(|i| i32::from(data.original_label(i).0).to_le_bytes())
        .collect();
    let (p, _) = load(&npy("<i4", false, &[50_000], &rows)).unwrap();
    assert_eq!(pairs::split(data, &p, &pair).images, listed);
    let scored = data
        .images()
        .filter(|i| pair.involves(data, *i) && !data.real_labels(*i).is_empty())
        .count();
    assert_eq!(pairs::pair_accuracy(data, &p, &pair).0.total, scored);
    assert!(listed > pair.a_images.max(pair.b_images));
}

#[test]
fn one_stable_order_by_key() {
    use real_core::order::{apply, by_key};
    let keys = [3.0, 1.0, 3.0, f64::NEG_INFINITY, 1.0, f64::NAN];
    assert_eq!(
        by_key(&keys),
        [3, 1, 4, 0, 2, 5],
        "ties keep their positions; NaN last"
    );
    let descending: Vec<f64> = keys[..5].iter().map(|k| -k).collect();
    assert_eq!(by_key(&descending), [0, 2, 1, 4, 3]);
    assert_eq!(apply(&["a", "b", "c"], &[2, 0, 1]), ["c", "a", "b"]);
    assert!(by_key(&[]).is_empty());
}
