//! Scoring one model under one label set, for any number of each.
//!
//! [`Ranks`] is the compact per-image result (one byte an image: the first rank at which the
//! model's predictions hit the image's set); every figure — top-k, per class, the split between
//! two label sets, the paired table of two models — is counted from ranks, so a workspace of
//! many models × many label sets computes each pair once and caches 50 KB for it.

use crate::compare::PairedTable;
use crate::dataset::Dataset;
use crate::ids::{ClassIndex, ImageId};
use crate::labels::LabelSet;
use crate::metrics::{Accuracy, FourWaySplit, Outcome};
use crate::predictions::Predictions;
use serde::Serialize;

/// Where one image stands for one (model, label set).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Standing {
    /// The first of the model's predictions in the set is at this 0-based rank.
    Hit(u8),
    /// Scored, and none of the model's predictions is in the set.
    Miss,
    /// The label set gives the image no label: left out.
    Excluded,
    /// The model or the label set does not cover the image.
    Absent,
}

const MISS: u8 = 253;
const EXCLUDED: u8 = 254;
const ABSENT: u8 = 255;

/// One byte per validation image: how a model's predictions stand under a label set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ranks {
    ranks: Vec<u8>,
    /// Predictions per row of the model.
    pub k: usize,
}

impl Ranks {
    /// Ranks the model's predictions of every image against the label set.
    pub fn compute(predictions: &Predictions, labels: &LabelSet) -> Self {
        let mut ranks = vec![ABSENT; ImageId::COUNT];
        for (row, image) in predictions.images.iter().enumerate() {
            let Some(slot) = ranks.get_mut(image.position()) else {
                continue;
            };
            *slot = match labels.labels(*image) {
                None => ABSENT,
                Some([]) => EXCLUDED,
                Some(set) => predictions
                    .top(row)
                    .iter()
                    .position(|c| c.is_some_and(|c| set.binary_search(&c).is_ok()))
                    .and_then(|r| u8::try_from(r).ok())
                    .unwrap_or(MISS),
            };
        }
        Self {
            ranks,
            k: predictions.k,
        }
    }

    /// How the image stands.
    pub fn standing(&self, image: ImageId) -> Standing {
        match self.ranks.get(image.position()).copied().unwrap_or(ABSENT) {
            MISS => Standing::Miss,
            EXCLUDED => Standing::Excluded,
            ABSENT => Standing::Absent,
            rank => Standing::Hit(rank),
        }
    }

    /// Whether the top-1 prediction is correct, for a scored image; `None` otherwise.
    pub fn top1(&self, image: ImageId) -> Option<bool> {
        match self.standing(image) {
            Standing::Hit(rank) => Some(rank == 0),
            Standing::Miss => Some(false),
            Standing::Excluded | Standing::Absent => None,
        }
    }

    /// The raw bytes, one per image in file-name order.
    fn iter(&self) -> impl Iterator<Item = u8> + '_ {
        self.ranks.iter().copied()
    }
}

/// Every figure of one model under one label set.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Score {
    /// The label set's key.
    pub labels: String,
    /// Images both the model and the label set cover.
    pub images: usize,
    /// Of those, images with a non-empty set (the denominator).
    pub scored: usize,
    /// Of those, images whose set is empty, left out.
    pub excluded: usize,
    /// Images the label set covers that the model does not.
    pub missing: usize,
    /// Predictions per row.
    pub k: usize,
    /// `top[k - 1]` is top-k accuracy over scored images, for k = 1..=`k`.
    pub top: Vec<Accuracy>,
    /// Top-1 over the scored images of each original-label class, in sorted-wnid order.
    pub per_class: Vec<Accuracy>,
}

impl Score {
    /// Counts every figure from the ranks.
    pub fn compute(dataset: &Dataset, labels: &LabelSet, ranks: &Ranks) -> Self {
        let k = ranks.k;
        let mut hits_at = vec![0usize; k.max(1)];
        let (mut scored, mut excluded, mut missing) = (0, 0, 0);
        let mut per_class = vec![(0usize, 0usize); ClassIndex::COUNT];
        for (position, rank) in ranks.iter().enumerate() {
            let image = ImageId::from_position(position);
            match rank {
                ABSENT => {
                    missing += usize::from(labels.labels(image).is_some());
                    continue;
                }
                EXCLUDED => {
                    excluded += 1;
                    continue;
                }
                _ => {}
            }
            scored += 1;
            if let Some(count) = hits_at.get_mut(usize::from(rank)) {
                *count += 1;
            }
            if let Some(class) = per_class.get_mut(dataset.original_label(image).get()) {
                class.1 += 1;
                class.0 += usize::from(rank == 0);
            }
        }
        let mut correct = 0;
        let top = hits_at
            .iter()
            .take(k)
            .map(|hits| {
                correct += hits;
                Accuracy::new(correct, scored)
            })
            .collect();
        Self {
            labels: labels.key.clone(),
            images: scored + excluded,
            scored,
            excluded,
            missing,
            k,
            top,
            per_class: per_class
                .into_iter()
                .map(|(c, t)| Accuracy::new(c, t))
                .collect(),
        }
    }

    /// Top-k accuracy, if the model has k predictions per row.
    pub fn top(&self, k: usize) -> Option<&Accuracy> {
        self.top.get(k.checked_sub(1)?)
    }
}

/// The four-way split of one model's top-1 between two label sets, over the images both
/// score: correct under both, under the first only, under the second only, under neither.
pub fn split(first: &Ranks, second: &Ranks) -> FourWaySplit {
    let mut split = FourWaySplit::default();
    for image in (0..ImageId::COUNT).map(ImageId::from_position) {
        match (first.top1(image), second.top1(image)) {
            (Some(true), Some(true)) => split.both += 1,
            (Some(true), Some(false)) => split.real_only += 1,
            (Some(false), Some(true)) => split.original_only += 1,
            (Some(false), Some(false)) => split.neither += 1,
            _ => {}
        }
    }
    split
}

/// The paired table of two models' top-1 under one label set, over the images both are
/// scored on.
pub fn paired(a: &Ranks, b: &Ranks) -> PairedTable {
    let mut table = PairedTable::default();
    for image in (0..ImageId::COUNT).map(ImageId::from_position) {
        if let (Some(a), Some(b)) = (a.top1(image), b.top1(image)) {
            table.add(a, b);
        }
    }
    table
}

/// Where an image's top-1 lands between two label sets: `Both`, `RealOnly` (correct under
/// the first only), `OriginalOnly` (under the second only), `Neither`, or `Excluded` when
/// the first gives it no label. `None` when the model or either set does not cover it.
pub fn outcome(first: &Ranks, second: &Ranks, image: ImageId) -> Option<Outcome> {
    match (first.standing(image), second.top1(image)) {
        (Standing::Absent, _) => None,
        (Standing::Excluded, _) => Some(Outcome::Excluded),
        (_, None) => None,
        (standing, Some(second_right)) => {
            let first_right = standing == Standing::Hit(0);
            Some(match (first_right, second_right) {
                (true, true) => Outcome::Both,
                (true, false) => Outcome::RealOnly,
                (false, true) => Outcome::OriginalOnly,
                (false, false) => Outcome::Neither,
            })
        }
    }
}
