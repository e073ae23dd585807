//! 95% confidence intervals for accuracies and their differences.

use serde::Serialize;

/// z for a two-sided 95% interval.
const Z95: f64 = 1.959_963_984_540_054;

/// A closed interval: of fractions in [0, 1] for an accuracy, in [-1, 1] for a difference.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Interval {
    /// Lower bound.
    pub low: f64,
    /// Upper bound.
    pub high: f64,
}

/// The Wilson score interval for `correct` out of `total` at 95%.
///
/// Wilson rather than the normal approximation because it stays inside [0, 1] and behaves
/// for small classes (50 images) and accuracies near 0 or 1.
pub fn wilson95(correct: usize, total: usize) -> Option<Interval> {
    if total == 0 {
        return None;
    }
    let n = total as f64;
    let p = correct as f64 / n;
    let z2 = Z95 * Z95;
    let denominator = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denominator;
    let half = Z95 * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denominator;
    Some(Interval {
        low: (centre - half).max(0.0),
        high: (centre + half).min(1.0),
    })
}
