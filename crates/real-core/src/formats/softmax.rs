//! Full score rows made into probabilities. A score matrix keeps only its best columns, so
//! what the rest of the row says about them — how much probability the model gave them — must
//! be measured while the whole row is at hand: each reader sums every row's mass here, and the
//! file's best scores become softmax probabilities when the rows are logits.
//!
//! A file whose every row already lies in [0, 1] and sums to 1 is left as it is
//! (probabilities); one with any value outside [0, 1] is read as logits; rows in [0, 1] that
//! do not sum to 1 (independent sigmoid outputs, say) are no distribution and are left raw.

/// How far a probability row's sum may stray from 1: float16 rows of 1,000 values stray by
/// about 1e-3, and sigmoid outputs summing within 1% of 1 are not met in practice.
const SUM_TOLERANCE: f64 = 0.01;

/// What a reader measures of one full score row besides its best columns.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RowMass {
    /// The smallest value of the row.
    pub min: f32,
    /// The sum of the row.
    pub sum: f64,
    /// `Σ exp(v − best)` over the row, `best` being its largest value: the softmax
    /// denominator, scaled so that it cannot overflow.
    pub exp_sum: f64,
}

impl RowMass {
    /// Nothing summed yet.
    pub const EMPTY: Self = Self {
        min: f32::INFINITY,
        sum: 0.0,
        exp_sum: 0.0,
    };

    /// Adds one value of a row whose largest value is `best` (a non-finite row gives a mass
    /// that [`to_probabilities`] ignores: the row is voided later).
    #[inline(always)]
    pub fn add(&mut self, value: f32, best: f32) {
        self.min = self.min.min(value);
        self.sum += f64::from(value);
        self.exp_sum += f64::from(exp_nonpositive(value - best));
    }

    /// The mass of a row of values whose largest is `best`.
    pub fn of(values: impl Iterator<Item = f32>, best: f32) -> Self {
        let mut mass = Self::EMPTY;
        for v in values {
            mass.add(v, best);
        }
        mass
    }

    /// The mass of a row of little-endian float32 bytes whose largest value is `best`: the
    /// hot path of a logits dump, in lanes the compiler can vectorise.
    pub fn of_f32_le(bytes: &[u8], best: f32) -> Self {
        const LANES: usize = 16;
        let mut min = [f32::INFINITY; LANES];
        let mut sum = [0.0f32; LANES];
        let mut exp_sum = [0.0f32; LANES];
        let (blocks, rest) = bytes.as_chunks::<{ 4 * LANES }>();
        for block in blocks {
            for lane in 0..LANES {
                let at = 4 * lane;
                let v =
                    f32::from_le_bytes([block[at], block[at + 1], block[at + 2], block[at + 3]]);
                min[lane] = min[lane].min(v);
                sum[lane] += v;
                exp_sum[lane] += exp_nonpositive(v - best);
            }
        }
        // Each lane holds at most 63 terms of a 1,001-column row, so float32 lanes lose
        // less than 1e-5 relative; the lanes are added in float64.
        let mut mass = Self {
            min: min.iter().copied().fold(f32::INFINITY, f32::min),
            sum: sum.iter().map(|s| f64::from(*s)).sum(),
            exp_sum: exp_sum.iter().map(|s| f64::from(*s)).sum(),
        };
        for b in rest.chunks_exact(4) {
            mass.add(f32::from_le_bytes([b[0], b[1], b[2], b[3]]), best);
        }
        mass
    }
}

/// A row's mass summed as its values stream in, in any order, before its largest value is
/// known: for readers that walk a matrix column by column or decode each value at a cost, so
/// that the row is read once.
#[derive(Clone, Copy, Debug)]
pub struct StreamedMass {
    mass: RowMass,
    best: f32,
}

impl StreamedMass {
    /// Nothing seen yet.
    pub const EMPTY: Self = Self {
        mass: RowMass::EMPTY,
        best: f32::NEG_INFINITY,
    };

    /// Adds one value; a new largest value rescales what was summed relative to the old one.
    #[inline(always)]
    pub fn add(&mut self, value: f32) {
        if value > self.best {
            self.mass.exp_sum *= f64::from(exp_nonpositive(self.best - value));
            self.best = value;
        }
        self.mass.add(value, self.best);
    }

    /// The row's mass relative to its largest value.
    pub fn finish(self) -> RowMass {
        self.mass
    }
}

/// `exp(x)` for `x ≤ 0` (larger `x` is taken as 0), to about 2e-7 relative: a softmax
/// denominator needs no more, and unlike the library's `exp` it vectorises and costs a few
/// multiplications, which matters on a 50,000 × 1,000 file in the browser.
#[inline(always)]
pub fn exp_nonpositive(x: f32) -> f32 {
    // NaN becomes -87 (exp ≈ 1.6e-38): a non-finite row is voided anyway.
    let x = x.clamp(-87.0, 0.0);
    // exp(x) = 2^n · exp(r) with n = round(x / ln 2) and |r| ≤ ln 2 / 2.
    let t = x * std::f32::consts::LOG2_E;
    // Truncation toward zero of t − 0.5 ≤ 0 rounds t to the nearest integer.
    let n = (t - 0.5) as i32;
    // ln 2 in two parts (Cody and Waite): n · LN2_HI is exact in float32, so r keeps its
    // precision however large n is.
    const LN2_HI: f32 = 0.693_359_4;
    const LN2_LO: f32 = -2.121_944_4e-4;
    let n_f = n as f32;
    let r = (x - n_f * LN2_HI) - n_f * LN2_LO;
    // Taylor to degree 6: |r| ≤ 0.347 leaves a remainder below 1.2e-7.
    let p = 1.0
        + r * (1.0
            + r * (0.5
                + r * (1.0 / 6.0 + r * (1.0 / 24.0 + r * (1.0 / 120.0 + r * (1.0 / 720.0))))));
    // n ≥ -126 since x ≥ -87, so 2^n is a normal float.
    f32::from_bits(((n + 127) as u32) << 23) * p
}

/// Makes `scores` (`rows × k`, best first) probabilities when the rows they came from are
/// logits: each becomes `exp(s − best) / exp_sum` of its row. `masses` holds one row mass
/// per row. Rows marked non-finite (NaN scores) are left to be voided. Returns a warning
/// when the rows are no distribution and are left raw.
pub fn to_probabilities(scores: &mut [f32], k: usize, masses: &[RowMass]) -> Option<String> {
    let k = k.max(1);
    let finite = || {
        scores.chunks(k).zip(masses).filter_map(|(row, mass)| {
            let best = row.first().copied().filter(|b| b.is_finite())?;
            mass.sum.is_finite().then_some((best, mass))
        })
    };
    // A probability a rounding above 1 must not make a file of probabilities read as logits.
    let in_unit_interval = finite().all(|(best, mass)| mass.min >= 0.0 && best <= 1.0 + 1e-4);
    if in_unit_interval {
        let sums_to_one = finite().all(|(_, mass)| (mass.sum - 1.0).abs() <= SUM_TOLERANCE);
        return (!sums_to_one).then(|| {
            "the scores lie in [0, 1] but their rows do not sum to 1: they are read as given, not as probabilities".to_string()
        });
    }
    for (row, mass) in scores.chunks_mut(k).zip(masses) {
        let Some(best) = row.first().copied().filter(|b| b.is_finite()) else {
            continue;
        };
        // The best value's own term is 1, so a smaller sum means the row was not summed.
        if mass.exp_sum.is_nan() || mass.exp_sum < 1.0 {
            continue;
        }
        for s in row.iter_mut() {
            if s.is_finite() {
                *s = ((f64::from(*s) - f64::from(best)).exp() / mass.exp_sum) as f32;
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exp_nonpositive_is_close_to_exp() {
        let mut worst = 0.0f64;
        let mut x = -87.0f32;
        while x <= 0.0 {
            let want = f64::from(x).exp();
            let got = f64::from(exp_nonpositive(x));
            worst = worst.max(((got - want) / want).abs());
            x += 0.001;
        }
        assert!(worst < 5e-7, "worst relative error {worst}");
        assert_eq!(exp_nonpositive(0.0), 1.0);
        assert_eq!(exp_nonpositive(3.0), 1.0);
    }

    #[test]
    fn logits_become_softmax_and_probabilities_stay() {
        let logits = [2.0f32, 1.0, 0.0, -1.0];
        let best = 2.0;
        let mass = RowMass::of(logits.iter().copied(), best);
        let mut scores = vec![2.0f32, 1.0];
        assert_eq!(to_probabilities(&mut scores, 2, &[mass]), None);
        let z: f64 = logits.iter().map(|l| f64::from(*l).exp()).sum();
        assert!((f64::from(scores[0]) - 2f64.exp() / z).abs() < 1e-6);
        assert!((f64::from(scores[1]) - 1f64.exp() / z).abs() < 1e-6);

        let probs = [0.5f32, 0.3, 0.2];
        let mass = RowMass::of(probs.iter().copied(), 0.5);
        let mut scores = vec![0.5f32, 0.3];
        to_probabilities(&mut scores, 2, &[mass]);
        assert_eq!(scores, vec![0.5, 0.3]);
    }

    #[test]
    fn sigmoid_rows_are_left_raw() {
        let sigmoid = [0.9f32, 0.8, 0.7];
        let mass = RowMass::of(sigmoid.iter().copied(), 0.9);
        let mut scores = vec![0.9f32, 0.8];
        assert!(to_probabilities(&mut scores, 2, &[mass]).is_some());
        assert_eq!(scores, vec![0.9, 0.8]);
    }

    #[test]
    fn float32_bytes_give_the_same_mass() {
        let values: Vec<f32> = (0..1001)
            .map(|i| ((i * 37) % 101) as f32 / 7.0 - 5.0)
            .collect();
        let best = values.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
        let a = RowMass::of(values.iter().copied(), best);
        let b = RowMass::of_f32_le(&bytes, best);
        assert_eq!(a.min, b.min);
        assert!((a.sum - b.sum).abs() < 1e-3);
        assert!((a.exp_sum - b.exp_sum).abs() / a.exp_sum < 1e-5);
    }
}
