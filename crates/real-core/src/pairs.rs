//! Class pairs that raters gave to the same images, ranked by the Jaccard index of the two
//! labels' image sets, and told apart: near-duplicate names of one object (sunglass /
//! sunglasses) against objects that share scenes (desk, monitor, keyboard).

use crate::dataset::Dataset;
use crate::ids::ClassIndex;
use crate::metrics::Accuracy;
use crate::predictions::Predictions;
use std::collections::HashMap;

/// What a pair's co-labelling most likely means.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PairKind {
    /// Two names for the same thing: the two labels go together far more than either goes
    /// with any third class.
    NearDuplicate,
    /// Separate objects seen together: a third class goes with both about as strongly,
    /// the mark of a scene (desk, monitor, keyboard, mouse).
    CoOccurring,
    /// Often given together, but not tied closely enough to call them one object
    /// (suit / Windsor tie, canoe / paddle).
    Together,
}

/// Two classes and how the raters used them together.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Pair {
    /// The lower class index.
    pub a: ClassIndex,
    /// The higher class index.
    pub b: ClassIndex,
    /// Images whose ReaL set holds both.
    pub both: usize,
    /// Images whose ReaL set holds `a`.
    pub a_images: usize,
    /// Images whose ReaL set holds `b`.
    pub b_images: usize,
    /// `both / (a_images + b_images - both)`.
    pub jaccard: f64,
    /// The third class most tied to both, with the weaker of its two Jaccard indices.
    pub scene: Option<(ClassIndex, f64)>,
    /// Near-duplicate or co-occurring.
    pub kind: PairKind,
}

impl Pair {
    /// Whether an image is one of the pair's images: its original label or its ReaL set holds
    /// either class. The one definition the pair's split, its accuracies and its case filter
    /// share.
    pub fn involves(&self, dataset: &Dataset, image: crate::ids::ImageId) -> bool {
        involves(dataset, image, (self.a, self.b))
    }
}

/// Whether the original label or the ReaL set of an image holds either class of a pair.
pub fn involves(
    dataset: &Dataset,
    image: crate::ids::ImageId,
    (a, b): (ClassIndex, ClassIndex),
) -> bool {
    let original = dataset.original_label(image);
    let real = dataset.real_labels(image);
    original == a || original == b || real.contains(&a) || real.contains(&b)
}

/// A near-duplicate pair's Jaccard must exceed its best third class's this many times.
pub const DUPLICATE_RATIO: f64 = 2.0;
/// ... and be at least this: below it, objects that merely go together (suit and tie)
/// cannot be told from two names of one object.
pub const DUPLICATE_MIN_JACCARD: f64 = 0.4;

/// Every pair given together to at least `min_both` images, best Jaccard first.
pub fn rank(dataset: &Dataset, min_both: usize) -> Vec<Pair> {
    let mut images_of = vec![0usize; dataset.classes().len()];
    let mut together: HashMap<(u16, u16), usize> = HashMap::new();
    for image in dataset.images() {
        let labels = dataset.real_labels(image);
        for (i, a) in labels.iter().enumerate() {
            images_of[a.get()] += 1;
            for b in &labels[i + 1..] {
                let key = (a.0.min(b.0), a.0.max(b.0));
                *together.entry(key).or_default() += 1;
            }
        }
    }
    let jaccard = |a: u16, b: u16, both: usize| {
        both as f64 / (images_of[usize::from(a)] + images_of[usize::from(b)] - both) as f64
    };
    // Each class's co-labelled partners with their Jaccard, for the third-class check.
    let mut partners: HashMap<u16, HashMap<u16, f64>> = HashMap::new();
    for (&(a, b), &both) in &together {
        let j = jaccard(a, b, both);
        partners.entry(a).or_default().insert(b, j);
        partners.entry(b).or_default().insert(a, j);
    }
    let pairs: Vec<Pair> = together
        .iter()
        .filter(|(_, both)| **both >= min_both)
        .map(|(&(a, b), &both)| {
            let j = jaccard(a, b, both);
            let empty = HashMap::new();
            let (pa, pb) = (
                partners.get(&a).unwrap_or(&empty),
                partners.get(&b).unwrap_or(&empty),
            );
            let scene = pa
                .iter()
                .filter(|(c, _)| **c != b)
                .filter_map(|(c, ja)| pb.get(c).map(|jb| (*c, ja.min(*jb))))
                .max_by(|x, y| x.1.total_cmp(&y.1).then(y.0.cmp(&x.0)));
            let kind = match scene {
                Some((_, s)) if j < DUPLICATE_RATIO * s => PairKind::CoOccurring,
                _ if j >= DUPLICATE_MIN_JACCARD => PairKind::NearDuplicate,
                _ => PairKind::Together,
            };
            Pair {
                a: ClassIndex(a),
                b: ClassIndex(b),
                both,
                a_images: images_of[usize::from(a)],
                b_images: images_of[usize::from(b)],
                jaccard: j,
                scene: scene.map(|(c, s)| (ClassIndex(c), s)),
                kind,
            }
        })
        .collect();
    let jaccards: Vec<f64> = pairs.iter().map(|p| -p.jaccard).collect();
    let classes: Vec<f64> = pairs
        .iter()
        .map(|p| f64::from(p.a.0) * 65536.0 + f64::from(p.b.0))
        .collect();
    crate::order::apply(&pairs, &crate::order::by_keys(&jaccards, &classes))
}

/// How a model's top-1 splits on the images of a pair ([`Pair::involves`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PairSplit {
    /// Images of the pair the predictions cover.
    pub images: usize,
    /// Top-1 is the pair's first class.
    pub predicted_a: usize,
    /// Top-1 is the pair's second class.
    pub predicted_b: usize,
    /// Top-1 is another class.
    pub predicted_other: usize,
}

/// The model's split between the two classes of a pair.
pub fn split(dataset: &Dataset, predictions: &Predictions, pair: &Pair) -> PairSplit {
    let mut out = PairSplit::default();
    for (row, image) in predictions.images.iter().enumerate() {
        if !pair.involves(dataset, *image) {
            continue;
        }
        out.images += 1;
        match predictions.top(row).first().copied().flatten() {
            Some(c) if c == pair.a => out.predicted_a += 1,
            Some(c) if c == pair.b => out.predicted_b += 1,
            _ => out.predicted_other += 1,
        }
    }
    out
}

/// ReaL top-1 where predicting either class of a listed pair counts as correct when the
/// other is in the image's set; over scored images the predictions cover.
pub fn tolerant_top1(dataset: &Dataset, predictions: &Predictions, pairs: &[Pair]) -> Accuracy {
    let mut partners: HashMap<ClassIndex, Vec<ClassIndex>> = HashMap::new();
    for p in pairs {
        partners.entry(p.a).or_default().push(p.b);
        partners.entry(p.b).or_default().push(p.a);
    }
    let (mut correct, mut total) = (0, 0);
    for (row, image) in predictions.images.iter().enumerate() {
        let real = dataset.real_labels(*image);
        if real.is_empty() {
            continue;
        }
        total += 1;
        if let Some(c) = predictions.top(row).first().copied().flatten() {
            let partner_hit = partners
                .get(&c)
                .is_some_and(|list| list.iter().any(|p| real.contains(p)));
            if real.contains(&c) || partner_hit {
                correct += 1;
            }
        }
    }
    Accuracy::new(correct, total)
}

/// ReaL top-1 over the scored images of one pair ([`Pair::involves`]), strict and
/// pair-tolerant.
pub fn pair_accuracy(
    dataset: &Dataset,
    predictions: &Predictions,
    pair: &Pair,
) -> (Accuracy, Accuracy) {
    let (mut strict, mut tolerant, mut total) = (0, 0, 0);
    for (row, image) in predictions.images.iter().enumerate() {
        let real = dataset.real_labels(*image);
        if real.is_empty() || !pair.involves(dataset, *image) {
            continue;
        }
        total += 1;
        if let Some(c) = predictions.top(row).first().copied().flatten() {
            if real.contains(&c) {
                strict += 1;
                tolerant += 1;
            } else if (c == pair.a && real.contains(&pair.b))
                || (c == pair.b && real.contains(&pair.a))
            {
                tolerant += 1;
            }
        }
    }
    (Accuracy::new(strict, total), Accuracy::new(tolerant, total))
}
