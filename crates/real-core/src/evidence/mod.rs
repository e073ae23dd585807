//! What the raters said: the evidence behind every ReaL label.
//!
//! ReaL is not a fixed truth. Five raters answered no / maybe / yes for each candidate label of
//! 24,889 images; a Dawid–Skene model turned their answers into a probability per (image,
//! label), and the published ReaL set of a rated image is its candidates with probability at
//! least 0.8. Images never rated keep their original label. [`Evidence`] holds the candidates,
//! their scores and votes, and rebuilds the set at any [`Threshold`] from 0.50 to 0.99.

mod read;
mod threshold;

pub use read::{read, EvidenceFile, Question, ANSWERS_PER_QUESTION, MAX_QUESTIONS, MAX_RATERS};
pub use threshold::{Threshold, ThresholdError};

use crate::dataset::Dataset;
use crate::error::ParseError;
use crate::ids::{ClassIndex, ImageId};
use crate::labels::LabelSet;
use crate::predictions::Predictions;

/// The published files: the raw files of google-research/reassessed-imagenet at this commit.
pub const PUBLISHED_COMMIT: &str = "bcd006fe12e929f055e0ec7fe39dbf4d64a6881a";
/// Where the published files are fetched from (append the file name).
pub const PUBLISHED_BASE: &str =
    "https://raw.githubusercontent.com/google-research/reassessed-imagenet/bcd006fe12e929f055e0ec7fe39dbf4d64a6881a/";
/// SHA-256 of the published `scores.npz`.
pub const SCORES_SHA256: &str = "c4b558569f3da12945c57684294f439214a9cb7919b0ae5b44432bd077d03b79";
/// SHA-256 of the published `raters.npz`.
pub const RATERS_SHA256: &str = "d3ffe8082e4e61e9716cbc93a7a4e877e3b1d1240032a176e797b43f19107ec8";

/// A candidate's answers: how many of the raters said no, maybe and yes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Votes {
    /// Raters who said the label does not fit.
    pub no: u8,
    /// Raters who were unsure.
    pub maybe: u8,
    /// Raters who said it fits.
    pub yes: u8,
}

impl std::fmt::Display for Votes {
    /// `no/maybe/yes`, e.g. `3/1/1`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}/{}", self.no, self.maybe, self.yes)
    }
}

/// One candidate label of a rated image.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Candidate {
    /// The label asked about.
    pub label: ClassIndex,
    /// The Dawid–Skene probability that it fits, rounded to f32 for display and distances.
    pub score: f32,
    /// The highest hundredth the float64 score reaches ([`Threshold::level_of`]).
    pub level: u8,
    /// The raters' answers, once `raters.npz` is loaded.
    pub votes: Option<Votes>,
}

impl Candidate {
    /// Whether the candidate is in the set at `threshold` (exactly as the float64 score is).
    pub fn admitted(&self, threshold: Threshold) -> bool {
        threshold.admits(self.level)
    }

    /// Whether its score is within 0.1 of `threshold`: one of the two ways an image is
    /// contested ([`Evidence::contested`]). The margin absorbs the float32 rounding of the
    /// kept score (0.7 is 0.69999999 in float32).
    pub fn near(&self, threshold: Threshold) -> bool {
        (f64::from(self.score) - threshold.value()).abs() <= 0.1 + 1e-6
    }

    /// Whether its answers hold at least one yes and at least one no: the other way.
    pub fn split_votes(&self) -> bool {
        self.votes.is_some_and(|v| v.yes > 0 && v.no > 0)
    }
}

/// Where the evidence came from.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Provenance {
    /// How the scores came: "published" (fetched and checked) or a dropped file's name.
    pub scores: String,
    /// How the votes came, when they did.
    pub raters: Option<String>,
    /// Whether the scores are byte for byte the published file (its SHA-256 matched).
    pub scores_published: bool,
    /// Whether the votes are byte for byte the published file.
    pub raters_published: bool,
}

/// The candidates of every rated image, with scores and (once loaded) votes.
#[derive(Clone, Debug, PartialEq)]
pub struct Evidence {
    /// `candidates[start[i]..start[i + 1]]` belong to the image at position i, by label.
    pub(crate) start: Vec<u32>,
    pub(crate) labels: Vec<ClassIndex>,
    pub(crate) scores: Vec<f32>,
    pub(crate) levels: Vec<u8>,
    /// [no, maybe, yes] per candidate, when `raters.npz` has been given.
    pub(crate) votes: Option<Vec<[u8; 3]>>,
    /// Where it came from.
    pub provenance: Provenance,
}

const FORMAT: &str = "rater evidence (.npz)";

impl Evidence {
    /// Builds the evidence from `scores.npz` (see [`read`]); the raters' votes can follow with
    /// [`Evidence::attach_votes`].
    pub fn from_scores(file: EvidenceFile, provenance: Provenance) -> Result<Self, ParseError> {
        let EvidenceFile::Scores { questions, scores } = file else {
            return Err(ParseError::new(
                FORMAT,
                "this is raters.npz (the raters' answers); the scores come from scores.npz",
            ));
        };
        // One number per question orders by image, then label (exact: below 2^26).
        let keys: Vec<f64> = questions
            .iter()
            .map(|q| (q.image.position() * 1024 + q.label.get()) as f64)
            .collect();
        let order = crate::order::by_key(&keys);
        if let Some(pair) = order
            .windows(2)
            .find(|w| questions[w[0]] == questions[w[1]])
        {
            let q = questions[pair[1]];
            return Err(ParseError::at(
                FORMAT,
                format!("array 'info', question {}", pair[1] + 1),
                format!(
                    "{} with label {} is asked twice",
                    q.image.file_name(),
                    q.label
                ),
            ));
        }
        let mut start = vec![0u32; ImageId::COUNT + 1];
        for q in &questions {
            start[q.image.position() + 1] += 1;
        }
        for i in 0..ImageId::COUNT {
            start[i + 1] += start[i];
        }
        Ok(Self {
            start,
            labels: order.iter().map(|&i| questions[i].label).collect(),
            scores: order.iter().map(|&i| scores[i] as f32).collect(),
            levels: order
                .iter()
                .map(|&i| Threshold::level_of(scores[i]))
                .collect(),
            votes: None,
            provenance,
        })
    }

    /// Adds the raters' votes from `raters.npz`, whose questions must be exactly this
    /// evidence's (the two files' `info` arrays must match).
    pub fn attach_votes(
        &mut self,
        file: &EvidenceFile,
        source: String,
        published: bool,
    ) -> Result<(), ParseError> {
        let EvidenceFile::Raters {
            questions, votes, ..
        } = file
        else {
            return Err(ParseError::new(
                FORMAT,
                "this is scores.npz; the votes come from raters.npz",
            ));
        };
        let mismatch = |detail: String| {
            ParseError::new(
                FORMAT,
                format!("raters.npz does not go with these scores: their 'info' arrays differ ({detail}); give the two files published together"),
            )
        };
        if questions.len() != self.labels.len() {
            return Err(mismatch(format!(
                "{} questions against {}",
                questions.len(),
                self.labels.len()
            )));
        }
        let mut placed = vec![[0u8; 3]; self.labels.len()];
        let mut seen = vec![false; self.labels.len()];
        for (q, counts) in questions.iter().zip(votes) {
            let index = self.index_of(*q).ok_or_else(|| {
                mismatch(format!(
                    "{} with label {} is not among the scores",
                    q.image.file_name(),
                    q.label
                ))
            })?;
            if std::mem::replace(&mut seen[index], true) {
                return Err(mismatch(format!(
                    "{} with label {} is asked twice",
                    q.image.file_name(),
                    q.label
                )));
            }
            placed[index] = *counts;
        }
        self.votes = Some(placed);
        self.provenance.raters = Some(source);
        self.provenance.raters_published = published;
        Ok(())
    }

    fn index_of(&self, q: Question) -> Option<usize> {
        let range = self.range(q.image)?;
        let from = range.start;
        self.labels
            .get(range)?
            .binary_search(&q.label)
            .ok()
            .map(|i| from + i)
    }

    fn range(&self, image: ImageId) -> Option<std::ops::Range<usize>> {
        let i = image.position();
        let from = *self.start.get(i)? as usize;
        let to = *self.start.get(i + 1)? as usize;
        (from <= to && to <= self.labels.len()).then_some(from..to)
    }

    /// Whether the raters' votes are loaded.
    pub fn has_votes(&self) -> bool {
        self.votes.is_some()
    }

    /// Questions (rated (image, label) pairs) held.
    pub fn questions(&self) -> usize {
        self.labels.len()
    }

    /// Images with at least one candidate.
    pub fn rated_images(&self) -> usize {
        self.start.windows(2).filter(|w| w[1] > w[0]).count()
    }

    /// Whether the raters were asked about the image.
    pub fn is_rated(&self, image: ImageId) -> bool {
        self.range(image).is_some_and(|r| !r.is_empty())
    }

    /// The image's candidates, by label (none for an image that was never rated).
    pub fn candidates(&self, image: ImageId) -> impl Iterator<Item = Candidate> + '_ {
        self.range(image).unwrap_or(0..0).map(move |i| Candidate {
            label: self.labels[i],
            score: self.scores[i],
            level: self.levels[i],
            votes: self.votes.as_ref().and_then(|v| v.get(i)).map(|v| Votes {
                no: v[0],
                maybe: v[1],
                yes: v[2],
            }),
        })
    }

    /// The label set at `threshold`: a rated image's candidates with score at least t, and the
    /// original label of every image never rated. At 0.80 it is the published ReaL set.
    pub fn label_set(&self, dataset: &Dataset, threshold: Threshold) -> LabelSet {
        // Built in place rather than through a list per image: the slider rebuilds it at
        // every step.
        let mut start = Vec::with_capacity(ImageId::COUNT + 1);
        let mut classes = Vec::with_capacity(ImageId::COUNT + self.labels.len() / 4);
        start.push(0u32);
        for image in dataset.images() {
            match self.range(image).filter(|r| !r.is_empty()) {
                Some(range) => classes.extend(
                    range
                        .filter(|&i| threshold.admits(self.levels[i]))
                        .map(|i| self.labels[i]),
                ),
                None => classes.push(dataset.original_label(image)),
            }
            start.push(u32::try_from(classes.len()).unwrap_or(u32::MAX));
        }
        let covered = vec![true; start.len() - 1];
        LabelSet {
            key: threshold.key(),
            source: "rater scores (scores.npz)".into(),
            format: format!("ReaL at threshold {threshold}"),
            warnings: Vec::new(),
            start,
            classes,
            covered,
        }
    }

    /// How near the image's evidence is to the line at `threshold`: the smallest
    /// |score − t| over its candidates (`None` for an image never rated).
    pub fn margin(&self, image: ImageId, threshold: Threshold) -> Option<f32> {
        let t = threshold.value() as f32;
        self.candidates(image)
            .map(|c| (c.score - t).abs())
            .reduce(f32::min)
    }

    /// Whether the image is contested at `threshold`: a candidate scored within 0.1 of t, or
    /// one whose five answers hold at least one yes and at least one no.
    pub fn contested(&self, image: ImageId, threshold: Threshold) -> bool {
        self.candidates(image)
            .any(|c| c.near(threshold) || c.split_votes())
    }

    /// A model's top-1 under the set at every threshold from 0.50 to 0.99, counted in one pass:
    /// (threshold, correct, scored). Images the model does not cover are left out, as in
    /// [`crate::Score`].
    pub fn curve(&self, dataset: &Dataset, predictions: &Predictions) -> Vec<CurvePoint> {
        // Per level 0..=99: images whose set is non-empty up to that level, and images whose
        // top-1 stays in the set up to that level. A level of 100 means "at every threshold".
        let mut scored_to = [0u32; 101];
        let mut correct_to = [0u32; 101];
        for (row, image) in predictions.images.iter().enumerate() {
            let top1 = predictions.top(row).first().copied().flatten();
            if self.is_rated(*image) {
                let mut widest = 0u8;
                let mut hit = 0u8;
                for c in self.candidates(*image) {
                    widest = widest.max(c.level);
                    if Some(c.label) == top1 {
                        hit = c.level;
                    }
                }
                scored_to[usize::from(widest)] += 1;
                correct_to[usize::from(hit)] += 1;
            } else {
                scored_to[100] += 1;
                if top1 == Some(dataset.original_label(*image)) {
                    correct_to[100] += 1;
                }
            }
        }
        Threshold::all()
            .map(|t| {
                let from = usize::from(t.hundredths());
                CurvePoint {
                    threshold: t,
                    correct: correct_to[from..].iter().sum(),
                    scored: scored_to[from..].iter().sum(),
                }
            })
            .collect()
    }

    /// Memory held, in bytes.
    pub fn size_bytes(&self) -> usize {
        self.start.len() * 4
            + self.labels.len() * 7
            + self.votes.as_ref().map_or(0, |v| v.len() * 3)
    }
}

/// A model's top-1 at one threshold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CurvePoint {
    /// The threshold.
    pub threshold: Threshold,
    /// Scored images whose top-1 is in the set.
    pub correct: u32,
    /// Images with a non-empty set that the model covers.
    pub scored: u32,
}

impl CurvePoint {
    /// Top-1 accuracy in percent (0 when nothing is scored).
    pub fn percent(&self) -> f64 {
        if self.scored == 0 {
            0.0
        } else {
            100.0 * f64::from(self.correct) / f64::from(self.scored)
        }
    }
}

/// Thresholds at which two curves change order: the first threshold where the sign of
/// (a − b) differs from the one before it (ties count as no order).
pub fn swaps(a: &[CurvePoint], b: &[CurvePoint]) -> Vec<Threshold> {
    let sign = |p: &CurvePoint, q: &CurvePoint| {
        // Compared as fractions without rounding: a.c/a.s vs b.c/b.s.
        let left = u64::from(p.correct) * u64::from(q.scored);
        let right = u64::from(q.correct) * u64::from(p.scored);
        left.cmp(&right)
    };
    let mut last = None;
    let mut out = Vec::new();
    for (p, q) in a.iter().zip(b) {
        let now = sign(p, q);
        if now == std::cmp::Ordering::Equal {
            continue;
        }
        if last.is_some_and(|l| l != now) {
            out.push(p.threshold);
        }
        last = Some(now);
    }
    out
}
