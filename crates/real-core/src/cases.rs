//! Selecting and ordering cases (images) for the browser, over all 50,000 images.

use crate::dataset::Dataset;
use crate::ids::{ClassIndex, ImageId};
use crate::metrics::{outcome, Outcome};
use crate::predictions::Predictions;
use crate::relabel::{Category, Severity};
use std::str::FromStr;

/// How many ReaL labels an image has.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LabelCount {
    /// Exactly n labels; 0 is "no valid label".
    Exactly(u8),
    /// n labels or more.
    AtLeast(u8),
}

impl LabelCount {
    fn admits(self, n: usize) -> bool {
        match self {
            LabelCount::Exactly(k) => n == usize::from(k),
            LabelCount::AtLeast(k) => n >= usize::from(k),
        }
    }
}

/// Which cases to show. Every field narrows the selection; the default shows all images.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct CaseFilter {
    /// Four-way outcome of the model's top-1 (needs predictions).
    pub outcome: Option<Outcome>,
    /// Only scored images whose original label is not in the ReaL set (4,673).
    pub original_not_in_real: bool,
    /// Number of ReaL labels (`Exactly(0)`: no valid label, 3,163; `AtLeast(2)`: 7,443).
    pub labels: Option<LabelCount>,
    /// Original label is this class.
    pub original: Option<ClassIndex>,
    /// ReaL set holds this class.
    pub real: Option<ClassIndex>,
    /// The model's top-1 is this class (needs predictions).
    pub predicted: Option<ClassIndex>,
    /// Where models A and B land against each other (needs both).
    pub versus: Option<Versus>,
    /// The image is one of this pair's images: its original label or its ReaL set holds either
    /// class ([`crate::pairs::involves`]).
    pub pair: Option<(ClassIndex, ClassIndex)>,
    /// Only images the raters' evidence contests at the view's threshold (needs the
    /// evidence): a candidate scored within 0.1 of it, or answers holding a yes and a no.
    pub contested: bool,
    /// Only images where cleanlab's crowd did not accept the original label (given + both
    /// votes under 3 of 5; needs the crowd's votes).
    pub crowd_rejected: bool,
    /// Only images another model's published mistakes put in this category (needs them).
    pub mistake: Option<Category>,
    /// Only images another model's published mistakes judge this severe (needs them).
    pub severity: Option<Severity>,
}

impl CaseFilter {
    /// Whether the filter asks about other groups' relabelings.
    pub fn needs_relabelings(&self) -> bool {
        self.crowd_rejected || self.mistake.is_some() || self.severity.is_some()
    }

    /// Whether the filter asks about the model, and so needs predictions.
    pub fn needs_predictions(&self) -> bool {
        self.outcome.is_some() || self.predicted.is_some() || self.versus.is_some()
    }
}

/// A cell of the paired table of two models A and B: which of them is right (top-1) under
/// the label set that judges.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Versus {
    /// Both right.
    Both,
    /// A right, B wrong.
    AOnly,
    /// B right, A wrong.
    BOnly,
    /// Both wrong.
    Neither,
}

impl Versus {
    /// Every cell, in table order.
    pub const ALL: [Versus; 4] = [Versus::Both, Versus::AOnly, Versus::BOnly, Versus::Neither];

    /// The cell of an image where A and B are right or wrong.
    pub fn of(a_right: bool, b_right: bool) -> Self {
        match (a_right, b_right) {
            (true, true) => Versus::Both,
            (true, false) => Versus::AOnly,
            (false, true) => Versus::BOnly,
            (false, false) => Versus::Neither,
        }
    }

    /// The name in links.
    pub fn as_str(self) -> &'static str {
        match self {
            Versus::Both => "both",
            Versus::AOnly => "a-only",
            Versus::BOnly => "b-only",
            Versus::Neither => "neither",
        }
    }
}

impl FromStr for Versus {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        Versus::ALL.into_iter().find(|v| v.as_str() == s).ok_or(())
    }
}

/// Order of the cases.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum CaseSort {
    /// By image number.
    #[default]
    Image,
    /// Most confident top-1 first.
    ConfidenceHigh,
    /// Least confident top-1 first.
    ConfidenceLow,
    /// Most contested first: the smallest distance between a candidate's score and the
    /// threshold (needs the raters' evidence; unrated images last).
    Contested,
}

impl CaseSort {
    /// The name in links.
    pub fn as_str(self) -> &'static str {
        match self {
            CaseSort::Image => "image",
            CaseSort::ConfidenceHigh => "confidence",
            CaseSort::ConfidenceLow => "-confidence",
            CaseSort::Contested => "contested",
        }
    }
}

impl FromStr for CaseSort {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        [
            CaseSort::Image,
            CaseSort::ConfidenceHigh,
            CaseSort::ConfidenceLow,
            CaseSort::Contested,
        ]
        .into_iter()
        .find(|c| c.as_str() == s)
        .ok_or(())
    }
}

/// How images are judged when the view compares other label sets or models than the
/// built-in pair: each is computed by the caller from cached per-image ranks.
#[derive(Clone, Copy, Default)]
pub struct Judges<'a> {
    /// The paired-table cell of an image (models A and B both scored under the judging
    /// label set), for the `versus` filter; without it that filter selects nothing.
    pub versus: Option<&'a dyn Fn(ImageId) -> Option<Versus>>,
    /// The four-way outcome of an image between the view's two label sets (`Both`: correct
    /// under both, `RealOnly`: under the first only, `OriginalOnly`: under the second only,
    /// `Excluded`: not scored by the first); without it, ReaL against the original label.
    pub outcome: Option<&'a dyn Fn(ImageId) -> Option<Outcome>>,
    /// Whether the raters' evidence contests an image, for the `contested` filter; without
    /// it that filter selects nothing.
    pub contested: Option<&'a dyn Fn(ImageId) -> bool>,
    /// How near an image's evidence is to the threshold (smaller: more contested), for the
    /// contested order; `None` for an unrated image.
    pub margin: Option<&'a dyn Fn(ImageId) -> Option<f32>>,
    /// Whether an image passes the relabeling filters (`crowd_rejected`, `mistake`,
    /// `severity`); without it those filters select nothing.
    pub relabeled: Option<&'a dyn Fn(ImageId) -> bool>,
}

/// One selected image and, when predictions cover it, its row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Case {
    /// The image.
    pub image: ImageId,
    /// Its row among the kept predictions.
    pub row: Option<usize>,
}

/// The cases a filter selects, in the requested order. Without predictions, filters on the
/// model select nothing and confidence order falls back to image order.
pub fn select(
    dataset: &Dataset,
    predictions: Option<&Predictions>,
    filter: &CaseFilter,
    sort: CaseSort,
    judges: &Judges,
) -> Vec<Case> {
    let versus = judges.versus;
    if filter.needs_predictions() && predictions.is_none() {
        return Vec::new();
    }
    if (filter.versus.is_some() && versus.is_none())
        || (filter.contested && judges.contested.is_none())
        || (filter.needs_relabelings() && judges.relabeled.is_none())
    {
        return Vec::new();
    }
    let mut cases: Vec<Case> = dataset
        .images()
        .filter_map(|image| {
            let row = predictions.and_then(|p| p.row_of(image));
            let paired = match (filter.versus, versus) {
                (Some(wanted), Some(cell)) => cell(image) == Some(wanted),
                _ => true,
            };
            let judged = match (filter.outcome, judges.outcome) {
                (Some(wanted), Some(of)) => of(image) == Some(wanted),
                _ => true,
            } && (!filter.contested || judges.contested.is_some_and(|c| c(image)))
                && (!filter.needs_relabelings() || judges.relabeled.is_some_and(|r| r(image)));
            (paired && judged && admits(dataset, predictions, filter, image, row, judges))
                .then_some(Case { image, row })
        })
        .collect();
    let score = |case: &Case| -> f32 {
        match (predictions, case.row) {
            (Some(p), Some(row)) => p
                .top_scores(row)
                .and_then(|s| s.first().copied())
                .unwrap_or(f32::NEG_INFINITY),
            _ => f32::NEG_INFINITY,
        }
    };
    let has_scores = predictions.is_some_and(|p| p.scores.is_some());
    match sort {
        CaseSort::Image => {}
        CaseSort::Contested => {
            if let Some(margin) = judges.margin {
                let keys: Vec<f64> = cases
                    .iter()
                    .map(|c| margin(c.image).map_or(f64::INFINITY, f64::from))
                    .collect();
                cases = crate::order::apply(&cases, &crate::order::by_key(&keys));
            }
        }
        _ if !has_scores => {}
        // A stable order keeps image order among equal scores.
        CaseSort::ConfidenceHigh | CaseSort::ConfidenceLow => {
            let sign = if sort == CaseSort::ConfidenceHigh {
                -1.0
            } else {
                1.0
            };
            let keys: Vec<f64> = cases.iter().map(|c| sign * f64::from(score(c))).collect();
            cases = crate::order::apply(&cases, &crate::order::by_key(&keys));
        }
    }
    cases
}

fn admits(
    dataset: &Dataset,
    predictions: Option<&Predictions>,
    f: &CaseFilter,
    image: ImageId,
    row: Option<usize>,
    judges: &Judges,
) -> bool {
    let real = dataset.real_labels(image);
    let original = dataset.original_label(image);
    if f.original_not_in_real && (real.is_empty() || real.contains(&original)) {
        return false;
    }
    if f.labels.is_some_and(|l| !l.admits(real.len())) {
        return false;
    }
    if f.original.is_some_and(|c| c != original) || f.real.is_some_and(|c| !real.contains(&c)) {
        return false;
    }
    let top1 = match (predictions, row) {
        (Some(p), Some(row)) => p.top(row).first().copied().flatten(),
        _ => None,
    };
    if f.needs_predictions() && row.is_none() {
        return false;
    }
    if f.predicted.is_some_and(|c| top1 != Some(c)) {
        return false;
    }
    if let (Some(wanted), Some(p), Some(row), None) = (f.outcome, predictions, row, judges.outcome)
    {
        if outcome(dataset, p, row) != wanted {
            return false;
        }
    }
    if f.pair
        .is_some_and(|pair| !crate::pairs::involves(dataset, image, pair))
    {
        return false;
    }
    true
}
