//! Paired comparison of two models under one label set.
//!
//! Both models are scored on the same images, so their accuracies are correlated and the
//! comparison rests on the images where they disagree. This module gives the 2x2 table of
//! top-1 correctness, the difference in accuracy with Newcombe's paired 95% interval, and the
//! exact McNemar test.

use crate::interval::{wilson95, Interval};
use serde::Serialize;

/// The 2x2 table of two models' top-1 correctness over the images both are scored on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PairedTable {
    /// Images both models get right.
    pub both: usize,
    /// Images only model A gets right.
    pub a_only: usize,
    /// Images only model B gets right.
    pub b_only: usize,
    /// Images neither model gets right.
    pub neither: usize,
}

impl PairedTable {
    /// The number of images in the table (saturating at `usize::MAX`).
    pub fn images(&self) -> usize {
        self.both
            .saturating_add(self.a_only)
            .saturating_add(self.b_only)
            .saturating_add(self.neither)
    }

    /// Adds one image: whether A and B are right.
    pub fn add(&mut self, a_right: bool, b_right: bool) {
        let cell = match (a_right, b_right) {
            (true, true) => &mut self.both,
            (true, false) => &mut self.a_only,
            (false, true) => &mut self.b_only,
            (false, false) => &mut self.neither,
        };
        // Saturating so that no count, however large, can panic in a debug build.
        *cell = cell.saturating_add(1);
    }
}

/// Everything shown for one comparison.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Comparison {
    /// The table the figures come from.
    pub table: PairedTable,
    /// B's accuracy minus A's, a fraction in [-1, 1]; `None` when there are no images.
    pub difference: Option<f64>,
    /// Newcombe (1998) method 10 95% interval of the difference; `None` when there are no
    /// images. Its bounds lie in [-1, 1] and may be negative.
    pub difference_interval: Option<Interval>,
    /// Exact two-sided McNemar p-value; 1 when the models never disagree. As an `f64` it
    /// loses precision below about 2e-308 and underflows to 0.0 below about 5e-324;
    /// `mcnemar_log10_p` stays accurate there.
    pub mcnemar_p: f64,
    /// log10 of the McNemar p-value, finite even when the p-value underflows (0.0 when p = 1).
    pub mcnemar_log10_p: f64,
}

/// The difference, its interval and the McNemar test for one table.
pub fn compare(table: PairedTable) -> Comparison {
    let (mcnemar_p, mcnemar_log10_p) = mcnemar_exact(table.a_only, table.b_only);
    Comparison {
        table,
        difference: difference(&table),
        difference_interval: newcombe_paired_interval(table),
        mcnemar_p,
        mcnemar_log10_p,
    }
}

/// ln(2π), correctly rounded.
const LN_2PI: f64 = 1.837_877_066_409_345_6;

/// B's accuracy minus A's: (b_only - a_only) / n, computed from the discordant counts so that
/// equal accuracies give exactly 0.
fn difference(table: &PairedTable) -> Option<f64> {
    let n = images_f64(table);
    (n > 0.0).then(|| (table.b_only as f64 - table.a_only as f64) / n)
}

/// The number of images as an `f64`, summed in floating point so it cannot overflow.
fn images_f64(table: &PairedTable) -> f64 {
    table.both as f64 + table.a_only as f64 + table.b_only as f64 + table.neither as f64
}

/// Exact two-sided McNemar test: p = min(1, 2 P(X <= min(b, c))) with X ~ Binomial(b + c, 1/2);
/// p = 1 when b + c = 0. Returns (p, log10 p).
///
/// p underflows `f64` once the models disagree one-sidedly on a few thousand images, so the
/// log is the primary result and p is `exp` of it. The tail is the largest term, `C(n, k) / 2^n`
/// at k = min(b, c), times the sum of the smaller terms relative to it (each obtained from the
/// previous one by the ratio i / (n - i + 1)), so nothing underflows. The largest term's log
/// uses Loader's saddle-point form (Stirling-series remainders and deviance terms, as in R's
/// `dbinom`) rather than ln-gamma differences: at n in the tens of thousands ln-gamma values
/// near 4e5 cancel to a result that has lost about 1e-11 absolute, i.e. 1e-11 relative in p,
/// while this form keeps p to a few units in 1e-15.
///
/// Accurate for b + c up to 2^53 (larger counts are first rounded to `f64`); the work grows with
/// the square root of b + c when b and c are close, a few thousand steps at ImageNet's size.
pub fn mcnemar_exact(b: usize, c: usize) -> (f64, f64) {
    // |b - c| <= 1 gives P(X <= min) >= 1/2 by symmetry, so p is exactly 1; this also covers
    // b + c = 0.
    if b.abs_diff(c) <= 1 {
        return (1.0, 0.0);
    }
    let k = b.min(c);
    let n = b as f64 + c as f64;
    if k == 0 {
        // One model is never right alone: p = 2 * 2^-n = 2^(1 - n), a power of two that
        // exp2 gives exactly while it is representable.
        let exponent = 1.0 - n;
        return (exponent.exp2(), exponent * std::f64::consts::LOG10_2);
    }
    let ln_tail = ln_binomial_half(n, k) + ln_relative_tail(n, k);
    // 2 P(X <= k) < 1 here, but rounding must not produce a p above 1.
    let ln_p = (std::f64::consts::LN_2 + ln_tail).min(0.0);
    (ln_p.exp(), ln_p / std::f64::consts::LN_10)
}

/// ln of P(X = k) for X ~ Binomial(n, 1/2), where 0 < k < n / 2.
fn ln_binomial_half(n: f64, k: usize) -> f64 {
    let x = k as f64;
    let y = n - x;
    let half = n / 2.0;
    stirling_remainder(n)
        - stirling_remainder(x)
        - stirling_remainder(y)
        - deviance(x, half)
        - deviance(y, half)
        - 0.5 * (LN_2PI + x.ln() + (-x / n).ln_1p())
}

/// ln of sum_{i <= k} P(X = i) / P(X = k): the tail relative to its largest term.
fn ln_relative_tail(n: f64, k: usize) -> f64 {
    let mut sum = 1.0_f64;
    let mut term = 1.0_f64;
    let mut i = k;
    // Terms fall as i falls: term(i - 1) / term(i) = i / (n - i + 1) < 1 for i < (n + 1) / 2,
    // and that ratio itself shrinks, so what is left after a term is at most
    // term * r / (1 - r) for the next ratio r. Stop once that is below the sum's last bit.
    while i > 0 {
        let ratio = i as f64 / (n - i as f64 + 1.0);
        term *= ratio;
        sum += term;
        i -= 1;
        let next = i as f64 / (n - i as f64 + 1.0);
        if next < 1.0 && term * next / (1.0 - next) <= sum * f64::EPSILON / 8.0 {
            break;
        }
    }
    sum.ln()
}

/// Loader's Stirling-series remainder for a whole number m >= 1:
/// ln(m!) - (m + 1/2) ln m + m - ln(2π) / 2.
fn stirling_remainder(m: f64) -> f64 {
    // Exact to the last bit for 1..=15 (computed with 50-digit decimal arithmetic); the
    // asymptotic series is accurate to below 1e-16 beyond.
    const SMALL: [f64; 16] = [
        0.0,
        0.081_061_466_795_327_26,
        0.041_340_695_955_409_3,
        0.027_677_925_684_998_34,
        0.020_790_672_103_765_093,
        0.016_644_691_189_821_193,
        0.013_876_128_823_070_748,
        0.011_896_709_945_891_77,
        0.010_411_265_261_972_096,
        0.009_255_462_182_712_733,
        0.008_330_563_433_362_87,
        0.007_573_675_487_951_841,
        0.006_942_840_107_209_53,
        0.006_408_994_188_004_207,
        0.005_951_370_112_758_847_5,
        0.005_554_733_551_962_801,
    ];
    const S0: f64 = 1.0 / 12.0;
    const S1: f64 = 1.0 / 360.0;
    const S2: f64 = 1.0 / 1260.0;
    const S3: f64 = 1.0 / 1680.0;
    const S4: f64 = 1.0 / 1188.0;
    if m <= 15.0 {
        if let Some(&value) = SMALL.get(m as usize) {
            return value;
        }
    }
    let mm = m * m;
    if m > 500.0 {
        (S0 - S1 / mm) / m
    } else if m > 80.0 {
        (S0 - (S1 - S2 / mm) / mm) / m
    } else if m > 35.0 {
        (S0 - (S1 - (S2 - S3 / mm) / mm) / mm) / m
    } else {
        (S0 - (S1 - (S2 - (S3 - S4 / mm) / mm) / mm) / mm) / m
    }
}

/// Loader's deviance term x ln(x / m) + m - x, summed as a series when x is near m, where the
/// direct form would cancel.
fn deviance(x: f64, m: f64) -> f64 {
    if (x - m).abs() < 0.1 * (x + m) {
        let mut v = (x - m) / (x + m);
        let mut s = (x - m) * v;
        let mut ej = 2.0 * x * v;
        v *= v;
        for j in 1..1000 {
            ej *= v;
            let next = s + ej / f64::from(2 * j + 1);
            if next == s {
                return next;
            }
            s = next;
        }
        return s;
    }
    x * (x / m).ln() + m - x
}

/// Newcombe's method 10 hybrid score interval for the difference of paired proportions
/// (p_B - p_A), at 95%, built from the Wilson intervals of the two marginal proportions and
/// a correlation correction; `None` when the table is empty.
///
/// Newcombe, "Improved confidence intervals for the difference between binomial proportions
/// based on paired data", Statistics in Medicine 17:2635-2650 (1998). The correlation is his
/// phi-hat: the phi coefficient of the table with its numerator AD - BC (A = both,
/// D = neither, B and C the discordant cells) replaced by AD - BC - n/2 when that is positive,
/// by 0 when 0 <= AD - BC <= n/2, and left as it is when negative; phi-hat is 0 when any
/// margin is 0. This is the definition reproduced by Fagerland, Lydersen & Laake and in
/// Statistics with Confidence, and it reproduces published worked examples that plain phi
/// does not (see the crate's tests).
pub fn newcombe_paired_interval(table: PairedTable) -> Option<Interval> {
    let n = images_f64(&table);
    if n <= 0.0 {
        return None;
    }
    let total = table.images();
    let a_right = table.both.saturating_add(table.a_only);
    let b_right = table.both.saturating_add(table.b_only);
    let wilson_a = wilson95(a_right, total)?;
    let wilson_b = wilson95(b_right, total)?;
    let p_a = (table.both as f64 + table.a_only as f64) / n;
    let p_b = (table.both as f64 + table.b_only as f64) / n;
    let d = (table.b_only as f64 - table.a_only as f64) / n;
    let phi = newcombe_phi(&table, n);

    let below_b = p_b - wilson_b.low;
    let above_b = wilson_b.high - p_b;
    let below_a = p_a - wilson_a.low;
    let above_a = wilson_a.high - p_a;
    // B's low side with A's high side bounds the difference from below, and the reverse from
    // above; phi credits the part of the two errors that moves together. Rounding can take
    // the radicand a hair below 0 when phi is near 1.
    let lower_radicand = below_b * below_b - 2.0 * phi * below_b * above_a + above_a * above_a;
    let upper_radicand = above_b * above_b - 2.0 * phi * above_b * below_a + below_a * below_a;
    Some(Interval {
        low: (d - lower_radicand.max(0.0).sqrt()).max(-1.0),
        high: (d + upper_radicand.max(0.0).sqrt()).min(1.0),
    })
}

/// Newcombe's phi-hat for the table (see [`newcombe_paired_interval`]).
fn newcombe_phi(table: &PairedTable, n: f64) -> f64 {
    let margins = [
        table.both as f64 + table.a_only as f64,
        table.b_only as f64 + table.neither as f64,
        table.both as f64 + table.b_only as f64,
        table.a_only as f64 + table.neither as f64,
    ];
    if margins.contains(&0.0) {
        return 0.0;
    }
    // AD and BC exactly in u128 (each factor is below 2^64), so the sign and, up to 2^53, the
    // value of AD - BC are exact.
    let concordant = table.both as u128 * table.neither as u128;
    let discordant = table.a_only as u128 * table.b_only as u128;
    let numerator = if concordant > discordant {
        ((concordant - discordant) as f64 - n / 2.0).max(0.0)
    } else {
        -((discordant - concordant) as f64)
    };
    numerator / margins.iter().product::<f64>().sqrt()
}

/// Renders a McNemar p-value for people: "p = 0.032", "p = 4.1e-12", "p = 1", and
/// "p < 1e-300" when log10 p is below -300, where the p-value is no longer worth printing
/// (and soon underflows `f64`).
pub fn format_p(p: f64, log10_p: f64) -> String {
    if log10_p < -300.0 {
        return "p < 1e-300".to_string();
    }
    if p.is_nan() {
        return "p = ?".to_string();
    }
    if p >= 1.0 {
        return "p = 1".to_string();
    }
    if p >= 0.001 {
        // Two significant figures; a p-value that would round up to 1 is not 1.
        let decimals = if p >= 0.1 {
            2
        } else if p >= 0.01 {
            3
        } else {
            4
        };
        let text = format!("{p:.decimals$}");
        if text.starts_with('1') {
            return "p > 0.99".to_string();
        }
        let text = text.trim_end_matches('0');
        return format!("p = {text}");
    }
    // Below 0.001 the mantissa comes from log10 p, which stays exact where p is subnormal.
    let mut exponent = log10_p.floor();
    let mut mantissa = 10f64.powf(log10_p - exponent);
    if (mantissa * 10.0).round() >= 100.0 {
        mantissa = 1.0;
        exponent += 1.0;
    }
    format!("p = {mantissa:.1}e{exponent}")
}
