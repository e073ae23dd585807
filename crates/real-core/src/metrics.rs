//! ReaL and original accuracy of one set of predictions.
//!
//! ReaL top-k counts an image as correct when any of the first k predictions is in its ReaL
//! set; images with an empty set are left out. Original top-k uses the single original label
//! over every image present.

use crate::dataset::Dataset;
use crate::ids::ClassIndex;
use crate::interval::{wilson95, Interval};
use crate::predictions::Predictions;
use serde::Serialize;

/// Correct out of total, with the fraction and its 95% Wilson interval.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Accuracy {
    /// Images counted correct.
    pub correct: usize,
    /// Images counted (the denominator).
    pub total: usize,
    /// `correct / total`, or `None` when nothing was counted.
    pub fraction: Option<f64>,
    /// 95% confidence interval of the fraction.
    pub interval: Option<Interval>,
}

impl Accuracy {
    /// `correct` out of `total`, with its fraction and interval.
    pub fn new(correct: usize, total: usize) -> Self {
        Self {
            correct,
            total,
            fraction: (total > 0).then(|| correct as f64 / total as f64),
            interval: wilson95(correct, total),
        }
    }
}

/// How top-1 predictions on scored images fare under each label set.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct FourWaySplit {
    /// Correct under ReaL and original labels.
    pub both: usize,
    /// Correct under ReaL only: the original label was wrong or the image holds several objects.
    pub real_only: usize,
    /// Correct under the original label only.
    pub original_only: usize,
    /// Wrong under both.
    pub neither: usize,
}

impl FourWaySplit {
    /// Images both label sets score.
    pub fn scored(&self) -> usize {
        self.both + self.real_only + self.original_only + self.neither
    }

    /// Top-1 under the second label set (the original labels) over the images the first
    /// (ReaL) scores: the original figure on ReaL's denominator, to compare on equal footing.
    pub fn original_top1(&self) -> Accuracy {
        Accuracy::new(self.both + self.original_only, self.scored())
    }
}

/// Where one scored image's top-1 prediction lands in the four-way split.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// Correct under both label sets.
    Both,
    /// Correct under ReaL only.
    RealOnly,
    /// Correct under the original label only.
    OriginalOnly,
    /// Wrong under both.
    Neither,
    /// The image has no ReaL label; only the original label judges it.
    Excluded,
}

impl Outcome {
    /// Every outcome, in the order the page lists them.
    pub const ALL: [Outcome; 5] = [
        Outcome::Both,
        Outcome::RealOnly,
        Outcome::OriginalOnly,
        Outcome::Neither,
        Outcome::Excluded,
    ];

    /// The name in links and CSS classes.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Both => "both",
            Outcome::RealOnly => "real-only",
            Outcome::OriginalOnly => "original-only",
            Outcome::Neither => "neither",
            Outcome::Excluded => "excluded",
        }
    }

    /// What people read.
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Both => "correct under both",
            Outcome::RealOnly => "ReaL only",
            Outcome::OriginalOnly => "original only",
            Outcome::Neither => "neither",
            Outcome::Excluded => "no valid label",
        }
    }
}

impl std::str::FromStr for Outcome {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        Outcome::ALL.into_iter().find(|o| o.as_str() == s).ok_or(())
    }
}

/// Accuracy of the images whose original label is one class.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct ClassAccuracy {
    /// The class.
    pub class: u16,
    /// ReaL top-1 over the class's scored images.
    pub real: Accuracy,
    /// Original top-1 over all the class's images.
    pub original: Accuracy,
}

/// Every figure for one predictions file.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    /// Distinct images evaluated.
    pub images: usize,
    /// Of those, images with a ReaL label (the ReaL denominator).
    pub scored: usize,
    /// Of those, images with an empty ReaL set, left out of ReaL scores.
    pub excluded: usize,
    /// Predictions per row the file supports.
    pub k: usize,
    /// `real_top[k - 1]` is ReaL top-k, for k = 1..=`k`.
    pub real_top: Vec<Accuracy>,
    /// `original_top[k - 1]` is original top-k.
    pub original_top: Vec<Accuracy>,
    /// Top-1 on scored images, split by which label sets count it correct.
    pub split: FourWaySplit,
    /// Per class of the original label, in sorted-wnid order.
    pub per_class: Vec<ClassAccuracy>,
}

/// Whether any of `top` is in `labels`.
fn hit(top: &[Option<ClassIndex>], labels: &[ClassIndex]) -> bool {
    top.iter().flatten().any(|c| labels.contains(c))
}

/// The outcome of one kept row of `predictions`.
pub fn outcome(dataset: &Dataset, predictions: &Predictions, row: usize) -> Outcome {
    let image = predictions.images[row];
    let real = dataset.real_labels(image);
    let top1 = &predictions.top(row)[..1];
    let original = hit(top1, &[dataset.original_label(image)]);
    match (real.is_empty(), hit(top1, real), original) {
        (true, _, _) => Outcome::Excluded,
        (false, true, true) => Outcome::Both,
        (false, true, false) => Outcome::RealOnly,
        (false, false, true) => Outcome::OriginalOnly,
        (false, false, false) => Outcome::Neither,
    }
}

impl Report {
    /// Computes every figure in one pass over the kept rows.
    #[inline(never)]
    pub fn compute(dataset: &Dataset, predictions: &Predictions) -> Self {
        let k = predictions.k;
        let mut real_correct = vec![0usize; k];
        let mut original_correct = vec![0usize; k];
        let mut scored = 0;
        let mut split = FourWaySplit::default();
        let classes = dataset.classes().len();
        let mut class_real = vec![(0usize, 0usize); classes];
        let mut class_original = vec![(0usize, 0usize); classes];
        for (row, image) in predictions.images.iter().enumerate() {
            let top = predictions.top(row);
            let original = dataset.original_label(*image);
            let real = dataset.real_labels(*image);
            // First rank at which each label set is hit; k means never.
            let original_rank = top.iter().position(|c| *c == Some(original)).unwrap_or(k);
            for count in &mut original_correct[original_rank..] {
                *count += 1;
            }
            let class = original.get();
            class_original[class].1 += 1;
            if original_rank == 0 {
                class_original[class].0 += 1;
            }
            if real.is_empty() {
                continue;
            }
            scored += 1;
            let real_rank = top
                .iter()
                .position(|c| c.is_some_and(|c| real.contains(&c)))
                .unwrap_or(k);
            for count in &mut real_correct[real_rank..] {
                *count += 1;
            }
            class_real[class].1 += 1;
            if real_rank == 0 {
                class_real[class].0 += 1;
            }
            match (real_rank == 0, original_rank == 0) {
                (true, true) => split.both += 1,
                (true, false) => split.real_only += 1,
                (false, true) => split.original_only += 1,
                (false, false) => split.neither += 1,
            }
        }
        let images = predictions.len();
        Self {
            images,
            scored,
            excluded: images - scored,
            k,
            real_top: real_correct
                .iter()
                .map(|c| Accuracy::new(*c, scored))
                .collect(),
            original_top: original_correct
                .iter()
                .map(|c| Accuracy::new(*c, images))
                .collect(),
            split,
            per_class: (0..classes)
                .map(|c| ClassAccuracy {
                    class: c as u16,
                    real: Accuracy::new(class_real[c].0, class_real[c].1),
                    original: Accuracy::new(class_original[c].0, class_original[c].1),
                })
                .collect(),
        }
    }

    /// ReaL top-k, if the file has k predictions per row.
    pub fn real(&self, k: usize) -> Option<&Accuracy> {
        self.real_top.get(k.checked_sub(1)?)
    }

    /// Original top-1 over the images ReaL scores (those with a non-empty ReaL set), beside
    /// [`Report::real`]'s top-1 on the same denominator.
    pub fn original_top1_on_scored(&self) -> Accuracy {
        self.split.original_top1()
    }

    /// Original top-k, if the file has k predictions per row.
    pub fn original(&self, k: usize) -> Option<&Accuracy> {
        self.original_top.get(k.checked_sub(1)?)
    }
}
