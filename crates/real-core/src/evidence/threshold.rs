//! The ReaL operating point: a threshold on the raters' Dawid–Skene scores, in hundredths.

use std::fmt;
use std::str::FromStr;

/// A threshold t in hundredths from 0.50 to 0.99. A rated image's label set is its candidates
/// whose score is at least t; ReaL as published is t = 0.80.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Threshold(u8);

impl Threshold {
    /// The published ReaL operating point, 0.80.
    pub const REAL: Threshold = Threshold(80);
    /// The lowest threshold offered, 0.50.
    pub const MIN: Threshold = Threshold(50);
    /// The highest threshold offered, 0.99.
    pub const MAX: Threshold = Threshold(99);

    /// The threshold of `hundredths` (50..=99), or `None` outside that range.
    pub fn from_hundredths(hundredths: u8) -> Option<Self> {
        (Self::MIN.0..=Self::MAX.0)
            .contains(&hundredths)
            .then_some(Self(hundredths))
    }

    /// Its value in hundredths, 50..=99.
    pub fn hundredths(self) -> u8 {
        self.0
    }

    /// Every threshold from 0.50 to 0.99, in order.
    pub fn all() -> impl DoubleEndedIterator<Item = Threshold> {
        (Self::MIN.0..=Self::MAX.0).map(Threshold)
    }

    /// The threshold as the float64 a score is compared with: the double nearest k/100, the
    /// same value numpy gets from the literal `0.8` (the division is correctly rounded).
    pub fn value(self) -> f64 {
        f64::from(self.0) / 100.0
    }

    /// The key of the label set at this threshold, e.g. `real@0.90`.
    pub fn key(self) -> String {
        format!("real@{self}")
    }

    /// The highest hundredth a float64 score reaches: the largest k in 50..=99 with
    /// `score >= k/100`, or 0 below 0.50 (and for NaN). A candidate is in the set at t exactly
    /// when its level is at least t's hundredths, so one byte per candidate gives the float64
    /// answer at every hundredth.
    pub fn level_of(score: f64) -> u8 {
        Self::all()
            .rev()
            .find(|t| score >= t.value())
            .map_or(0, Threshold::hundredths)
    }

    /// Whether a candidate of this level is in the set at this threshold.
    pub fn admits(self, level: u8) -> bool {
        level >= self.0
    }
}

impl Default for Threshold {
    fn default() -> Self {
        Self::REAL
    }
}

impl fmt::Display for Threshold {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "0.{:02}", self.0)
    }
}

/// Why a threshold was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ThresholdError(pub String);

impl fmt::Display for ThresholdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "'{}' is not a threshold: expected 0.50 to 0.99 in hundredths, e.g. 0.90",
            self.0
        )
    }
}

impl std::error::Error for ThresholdError {}

impl FromStr for Threshold {
    type Err = ThresholdError;

    /// Reads `0.d` or `0.dd` (also `.dd`), from 0.50 to 0.99; nothing else.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let refuse = || ThresholdError(text.chars().take(40).collect());
        let digits = text
            .strip_prefix("0.")
            .or_else(|| text.strip_prefix('.'))
            .ok_or_else(refuse)?;
        if digits.is_empty() || digits.len() > 2 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(refuse());
        }
        let value: u8 = digits.parse().map_err(|_| refuse())?;
        let hundredths = if digits.len() == 1 { value * 10 } else { value };
        Self::from_hundredths(hundredths).ok_or_else(refuse)
    }
}
