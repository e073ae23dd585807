//! Paired comparison of two models under one label set.

use serde::Serialize;

/// The 2x2 table of two models' top-1 correctness over the images both are scored on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PairedTable {
    /// Both right.
    pub both: usize,
    /// A right, B wrong.
    pub a_only: usize,
    /// B right, A wrong.
    pub b_only: usize,
    /// Both wrong.
    pub neither: usize,
}

impl PairedTable {
    /// Images in the table.
    pub fn images(&self) -> usize {
        self.both + self.a_only + self.b_only + self.neither
    }

    /// Adds one image: whether A and B are right.
    pub fn add(&mut self, a_right: bool, b_right: bool) {
        match (a_right, b_right) {
            (true, true) => self.both += 1,
            (true, false) => self.a_only += 1,
            (false, true) => self.b_only += 1,
            (false, false) => self.neither += 1,
        }
    }
}

use crate::interval::{wilson95, Interval};

/// Two models' top-1 compared over the images both are scored on: B minus A.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Comparison {
    /// The paired table the figures come from.
    pub table: PairedTable,
    /// B's top-1 accuracy minus A's, as a fraction; `None` when the table is empty.
    pub difference: Option<f64>,
    /// 95% interval of the difference (Newcombe's method 10); `None` when the table is empty.
    pub difference_interval: Option<Interval>,
    /// Two-sided exact McNemar p-value.
    pub mcnemar_p: f64,
    /// log10 of the p-value, finite where `mcnemar_p` underflows to 0.
    pub mcnemar_log10_p: f64,
}

/// Every figure of the comparison of B with A.
pub fn compare(table: PairedTable) -> Comparison {
    let n = table.images();
    let (p, log10_p) = mcnemar_exact(table.a_only, table.b_only);
    Comparison {
        table,
        difference: (n > 0).then(|| (table.b_only as f64 - table.a_only as f64) / n as f64),
        difference_interval: newcombe_paired_interval(table),
        mcnemar_p: p,
        mcnemar_log10_p: log10_p,
    }
}

/// ln C(n, k) by summing logs, exact enough for p-values at any n here.
fn ln_choose(n: usize, k: usize) -> f64 {
    let k = k.min(n - k);
    (0..k)
        .map(|i| ((n - i) as f64).ln() - ((i + 1) as f64).ln())
        .sum()
}

/// The exact two-sided McNemar test of `b` and `c` discordant pairs: twice the binomial
/// (n = b + c, 1/2) tail of the smaller, at most 1. Returns (p, log10 p); the log stays finite
/// where p underflows.
pub fn mcnemar_exact(b: usize, c: usize) -> (f64, f64) {
    let n = b + c;
    let m = b.min(c);
    if n == 0 || 2 * m == n {
        return (1.0, 0.0);
    }
    // log-sum-exp of ln C(n, i) for i = 0..=m, relative to the largest term (i = m).
    let top = ln_choose(n, m);
    let mut sum = 0.0;
    let mut term = 1.0;
    for i in (0..=m).rev() {
        sum += term;
        // C(n, i - 1) / C(n, i) = i / (n - i + 1)
        term *= i as f64 / (n - i + 1) as f64;
        if term < 1e-18 * sum {
            break;
        }
    }
    let ln_p =
        (top + sum.ln() + std::f64::consts::LN_2 - n as f64 * std::f64::consts::LN_2).min(0.0);
    (ln_p.exp(), ln_p / std::f64::consts::LN_10)
}

/// Newcombe's (1998) method 10 interval for B's accuracy minus A's on paired data: Wilson
/// intervals of each accuracy combined with their correlation. `None` for an empty table.
pub fn newcombe_paired_interval(table: PairedTable) -> Option<Interval> {
    let n = table.images() as f64;
    let a_right = table.both + table.a_only;
    let b_right = table.both + table.b_only;
    let (la, ua) = wilson95(a_right, table.images()).map(|i| (i.low, i.high))?;
    let (lb, ub) = wilson95(b_right, table.images()).map(|i| (i.low, i.high))?;
    let pa = a_right as f64 / n;
    let pb = b_right as f64 / n;
    let (e, f, g, h) = (
        table.both as f64,
        table.b_only as f64,
        table.a_only as f64,
        table.neither as f64,
    );
    // Rows: B right / wrong; columns: A right / wrong.
    let marginals = (e + f) * (g + h) * (e + g) * (f + h);
    let cross = e * h - f * g;
    let corrected = if cross > n / 2.0 {
        cross - n / 2.0
    } else if cross < 0.0 {
        cross
    } else {
        0.0
    };
    let phi = if marginals > 0.0 {
        corrected / marginals.sqrt()
    } else {
        0.0
    };
    let d = pb - pa;
    let low = d
        - ((pb - lb).powi(2) - 2.0 * phi * (pb - lb) * (ua - pa) + (ua - pa).powi(2))
            .max(0.0)
            .sqrt();
    let high = d
        + ((ub - pb).powi(2) - 2.0 * phi * (ub - pb) * (pa - la) + (pa - la).powi(2))
            .max(0.0)
            .sqrt();
    Some(Interval {
        low: low.max(-1.0),
        high: high.min(1.0),
    })
}

/// A p-value for people: three decimals down to 0.001, then a mantissa and an exponent,
/// from the log where the p-value itself underflows.
pub fn format_p(p: f64, log10_p: f64) -> String {
    if p >= 0.001 {
        format!("{p:.3}")
    } else if p > 0.0 {
        format!("{p:.2e}")
    } else {
        let exponent = log10_p.floor();
        let mantissa = 10f64.powf(log10_p - exponent);
        format!("{mantissa:.2}e{}", exponent as i64)
    }
}
