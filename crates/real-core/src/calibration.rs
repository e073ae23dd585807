//! Confidence as data: how well a model's top-1 confidence matches how often it is right,
//! under each label set — a reliability diagram and its expected calibration error (ECE).
//!
//! A confidence must be a probability. Files of probabilities give it directly; a full row of
//! logits was made softmax probabilities when it was read (`formats::softmax`); a top-k file
//! whose scores are not probabilities (logits of the best few only, or values summing past 1)
//! cannot be normalised without the rest of the row, so it has no confidence, and says why.
//!
//! The confidence is binned into [`BINS`] equal-width bins over [0, 1] (the last one closed);
//! `ECE = Σ_b (n_b / N) · |accuracy_b − mean confidence_b|` over the images the label set
//! scores (Guo et al., 2017).

use crate::predictions::Predictions;
use crate::scores::Ranks;
use serde::Serialize;
use std::fmt;

/// Equal-width confidence bins over [0, 1].
pub const BINS: usize = 15;

/// How far past 1 a row's probabilities may sum (float rounding of stored probabilities; a
/// row's best few of a distribution sum to at most 1).
const SUM_TOLERANCE: f32 = 0.01;

/// Why a model has no confidence to calibrate.
#[derive(Clone, Debug, PartialEq)]
pub enum NoConfidence {
    /// The file holds classes only.
    NoScores,
    /// A score lies outside [0, 1].
    OutsideUnitInterval {
        /// The kept row (0-based).
        row: usize,
        /// The score.
        score: f32,
    },
    /// A row's scores sum past 1, so they are no distribution.
    SumAboveOne {
        /// The kept row (0-based).
        row: usize,
        /// Their sum.
        sum: f32,
    },
}

impl fmt::Display for NoConfidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const CANNOT: &str = "and with only the best few classes of each row in the file they cannot be made probabilities: no calibration.";
        match self {
            NoConfidence::NoScores => {
                f.write_str("This file has class indices only, no scores: no calibration.")
            }
            NoConfidence::OutsideUnitInterval { row, score } => write!(
                f,
                "This file's scores are not probabilities (row {} has {score}, outside 0–1), {CANNOT}",
                row + 1
            ),
            NoConfidence::SumAboveOne { row, sum } => write!(
                f,
                "This file's scores are not probabilities (those of row {} sum to {sum:.3}), {CANNOT}",
                row + 1
            ),
        }
    }
}

/// A model's scores, checked to be probabilities: each row's top-1 confidence and its margin
/// over the runner-up.
#[derive(Clone, Copy, Debug)]
pub struct Confidences<'a> {
    scores: &'a [f32],
    k: usize,
}

impl<'a> Confidences<'a> {
    /// The model's confidences, when its scores are probabilities: every finite score in
    /// [0, 1] and every row's scores summing to at most 1 (rows voided for non-finite scores
    /// have none).
    pub fn of(predictions: &'a Predictions) -> Result<Self, NoConfidence> {
        let scores = predictions
            .scores
            .as_deref()
            .ok_or(NoConfidence::NoScores)?;
        let k = predictions.k.max(1);
        for (row, row_scores) in scores.chunks(k).enumerate() {
            let mut sum = 0.0f32;
            for score in row_scores.iter().filter(|s| s.is_finite()) {
                if !(0.0..=1.0).contains(score) {
                    return Err(NoConfidence::OutsideUnitInterval { row, score: *score });
                }
                sum += score;
            }
            if sum > 1.0 + SUM_TOLERANCE {
                return Err(NoConfidence::SumAboveOne { row, sum });
            }
        }
        Ok(Self { scores, k })
    }

    /// The probability the model gives its top-1 prediction on a kept row; `None` for a row
    /// without one (voided for non-finite scores, or out of range).
    pub fn top1(&self, row: usize) -> Option<f32> {
        self.scores
            .get(row.checked_mul(self.k)?)
            .copied()
            .filter(|s| s.is_finite())
    }

    /// How much more probable the top-1 prediction is than the runner-up on a kept row;
    /// `None` with fewer than two scores a row.
    pub fn margin(&self, row: usize) -> Option<f32> {
        if self.k < 2 {
            return None;
        }
        let second = self
            .scores
            .get(row.checked_mul(self.k)?.checked_add(1)?)
            .copied()
            .filter(|s| s.is_finite())?;
        Some(self.top1(row)? - second)
    }
}

/// One confidence bin.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Bin {
    /// Lower edge (included).
    pub low: f64,
    /// Upper edge (excluded, but for the last bin).
    pub high: f64,
    /// Images whose confidence falls in the bin.
    pub images: usize,
    /// Of those, images whose top-1 is correct.
    pub correct: usize,
    /// The sum of their confidences.
    #[serde(skip)]
    pub confidence_sum: f64,
}

impl Bin {
    /// The empty bin `index` of [`BINS`] equal-width bins over [0, 1].
    pub fn empty(index: usize) -> Self {
        Bin {
            low: index as f64 / BINS as f64,
            high: (index + 1) as f64 / BINS as f64,
            images: 0,
            correct: 0,
            confidence_sum: 0.0,
        }
    }

    /// How often the top-1 is right in the bin; `None` for an empty bin.
    pub fn accuracy(&self) -> Option<f64> {
        (self.images > 0).then(|| self.correct as f64 / self.images as f64)
    }

    /// The mean confidence in the bin; `None` for an empty bin.
    pub fn mean_confidence(&self) -> Option<f64> {
        (self.images > 0).then(|| self.confidence_sum / self.images as f64)
    }
}

/// A reliability diagram of one model under one label set.
#[derive(Clone, Debug, PartialEq)]
pub struct Reliability {
    /// Images the label set scores that have a confidence (the ECE's N).
    pub images: usize,
    /// Of those, images whose top-1 is correct.
    pub correct: usize,
    /// Scored images whose row has no confidence (voided rows), left out.
    pub without_confidence: usize,
    /// [`BINS`] bins, lowest first.
    pub bins: Vec<Bin>,
}

impl Reliability {
    /// Bins every image the ranks score by the confidence of its top-1.
    pub fn compute(predictions: &Predictions, confidences: &Confidences, ranks: &Ranks) -> Self {
        let mut bins: Vec<Bin> = (0..BINS).map(Bin::empty).collect();
        let (mut images, mut correct, mut without_confidence) = (0, 0, 0);
        for (row, image) in predictions.images.iter().enumerate() {
            let Some(right) = ranks.top1(*image) else {
                continue;
            };
            let Some(confidence) = confidences.top1(row).map(f64::from) else {
                without_confidence += 1;
                continue;
            };
            let index = ((confidence * BINS as f64).floor() as usize).min(BINS - 1);
            if let Some(bin) = bins.get_mut(index) {
                bin.images += 1;
                bin.correct += usize::from(right);
                bin.confidence_sum += confidence;
                images += 1;
                correct += usize::from(right);
            }
        }
        Self {
            images,
            correct,
            without_confidence,
            bins,
        }
    }

    /// The expected calibration error, `Σ_b (n_b / N) · |accuracy_b − mean confidence_b|`;
    /// `None` with no image.
    pub fn ece(&self) -> Option<f64> {
        (self.images > 0).then(|| {
            self.bins
                .iter()
                .map(|b| (b.correct as f64 - b.confidence_sum).abs())
                .sum::<f64>()
                / self.images as f64
        })
    }

    /// The mean top-1 confidence; `None` with no image.
    pub fn mean_confidence(&self) -> Option<f64> {
        (self.images > 0)
            .then(|| self.bins.iter().map(|b| b.confidence_sum).sum::<f64>() / self.images as f64)
    }

    /// Top-1 accuracy over the same images; `None` with no image.
    pub fn accuracy(&self) -> Option<f64> {
        (self.images > 0).then(|| self.correct as f64 / self.images as f64)
    }
}

/// A model's calibration under ReaL (over the images ReaL scores) and under the original
/// labels (over every image).
#[derive(Clone, Debug, PartialEq)]
pub struct Calibration {
    /// Under ReaL.
    pub real: Reliability,
    /// Under the original labels.
    pub original: Reliability,
}

impl Calibration {
    /// Both diagrams, or why the model has none.
    pub fn compute(
        predictions: &Predictions,
        real: &Ranks,
        original: &Ranks,
    ) -> Result<Self, NoConfidence> {
        let confidences = Confidences::of(predictions)?;
        Ok(Self {
            real: Reliability::compute(predictions, &confidences, real),
            original: Reliability::compute(predictions, &confidences, original),
        })
    }
}
