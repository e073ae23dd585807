//! Paired comparison of two models: golden figures from the independent Python reference,
//! a published worked example, exhaustive small tables, formatting and extreme counts.

use real_core::compare::{compare, format_p, mcnemar_exact, newcombe_paired_interval, PairedTable};
use real_core::interval::wilson95;

fn table([both, a_only, b_only, neither]: [usize; 4]) -> PairedTable {
    PairedTable {
        both,
        a_only,
        b_only,
        neither,
    }
}

struct Golden {
    table: [usize; 4],
    difference: Option<f64>,
    interval: (Option<f64>, Option<f64>),
    p: f64,
    log10_p: f64,
}

/// Expected figures printed by `tools/reference/compare_reference.py --rust` for these tables
/// (both, a_only, b_only, neither) as a JSON list on stdin:
///
/// [[0,0,0,0],[10,0,0,5],[30,7,7,6],[0,1,0,0],[0,0,1,0],[1,0,2,0],[0,5,0,0],[50,0,0,0],
///  [0,0,0,50],[0,10,12,0],[20,6,15,5],[1,1,7,12],[263,15,3,19],[59,6,16,80],
///  [1000,521,479,3000],[38000,2400,2600,7000],[40000,2000,2500,5500],[0,24800,25200,0],
///  [100,20001,19999,0],[5,10000,30000,5000],[0,0,1000,0],[0,0,1030,0],[0,0,1200,0]]
///
/// The McNemar p and log10 p there come from exact integer arithmetic (a `Fraction` of big
/// integers, log10 with 60-digit decimals); the Newcombe interval from plain floats on
/// reference.py's numpy Wilson interval. Tables: empty; b + c = 0; b = c; tiny tables; empty
/// margins; phi = -1; the published example below; Fagerland et al.'s paired examples
/// (1, 1, 7, 12) and (59, 6, 16, 80); AD - BC above the n/2 correction (263, 15, 3, 19);
/// ImageNet-sized tables with moderate, small, near-1 and underflowing p (discordant counts
/// 10000 and 30000); and p just above, inside and below f64's subnormal range.
// Pasted output: log10(1/2) appears as the number the script printed, not as LOG10_2.
#[allow(clippy::approx_constant)]
#[rustfmt::skip]
const GOLDEN: [Golden; 23] = [
    Golden { table: [0, 0, 0, 0], difference: None, interval: (None, None), p: 1.0, log10_p: 0.0 },
    Golden { table: [10, 0, 0, 5], difference: Some(0.0), interval: (Some(-0.13494788338168995), Some(0.13494788338168995)), p: 1.0, log10_p: 0.0 },
    Golden { table: [30, 7, 7, 6], difference: Some(0.0), interval: (Some(-0.15025686776134448), Some(0.15025686776134448)), p: 1.0, log10_p: 0.0 },
    Golden { table: [0, 1, 0, 0], difference: Some(-1.0), interval: (Some(-1.0), Some(0.12210872068194178)), p: 1.0, log10_p: 0.0 },
    Golden { table: [0, 0, 1, 0], difference: Some(1.0), interval: (Some(-0.12210872068194178), Some(1.0)), p: 1.0, log10_p: 0.0 },
    Golden { table: [1, 0, 2, 0], difference: Some(0.6666666666666666), interval: (Some(-0.05856874558467473), Some(0.9385080552796037)), p: 0.5, log10_p: -0.3010299956639812 },
    Golden { table: [0, 5, 0, 0], difference: Some(-1.0), interval: (Some(-1.0), Some(-0.38554900569034356)), p: 0.0625, log10_p: -1.2041199826559248 },
    Golden { table: [50, 0, 0, 0], difference: Some(0.0), interval: (Some(-0.07134759913335864), Some(0.07134759913335864)), p: 1.0, log10_p: 0.0 },
    Golden { table: [0, 0, 0, 50], difference: Some(0.0), interval: (Some(-0.07134759913335872), Some(0.07134759913335872)), p: 1.0, log10_p: 0.0 },
    Golden { table: [0, 10, 12, 0], difference: Some(0.09090909090909091), interval: (Some(-0.30680409358530103), Some(0.4615941163837337)), p: 0.8318119049072266, log10_p: -0.0799748682960219 },
    Golden { table: [20, 6, 15, 5], difference: Some(0.1956521739130435), interval: (Some(0.0026015430495116565), Some(0.3699430544700334)), p: 0.0783538818359375, log10_p: -1.105939482690402 },
    Golden { table: [1, 1, 7, 12], difference: Some(0.2857142857142857), interval: (Some(0.02555912416485978), Some(0.506920226686141)), p: 0.0703125, log10_p: -1.1529674602085436 },
    Golden { table: [263, 15, 3, 19], difference: Some(-0.04), interval: (Some(-0.07126865900489464), Some(-0.011851196116396956)), p: 0.007537841796875, log10_p: -2.122752981700052 },
    Golden { table: [59, 6, 16, 80], difference: Some(0.062111801242236024), interval: (Some(0.00462511393305004), Some(0.1186211956387099)), p: 0.052478790283203125, log10_p: -1.2800161846725036 },
    Golden { table: [1000, 521, 479, 3000], difference: Some(-0.0084), interval: (Some(-0.02079772220909406), Some(0.004000186426435412)), p: 0.19476632846176548, log10_p: -0.7104861225458823 },
    Golden { table: [38000, 2400, 2600, 7000], difference: Some(0.004), interval: (Some(0.0012281090215753186), Some(0.006772440619210971)), p: 0.004883649737517518, log10_p: -2.3112554918439154 },
    Golden { table: [40000, 2000, 2500, 5500], difference: Some(0.01), interval: (Some(0.007372246052002047), Some(0.012629909670277854)), p: 9.608841591273612e-14, log10_p: -13.017328966217185 },
    Golden { table: [0, 24800, 25200, 0], difference: Some(0.008), interval: (Some(-0.0007652228394564656), Some(0.016763993667070147)), p: 0.07436051924948761, log10_p: -1.1286575862696946 },
    Golden { table: [100, 20001, 19999, 0], difference: Some(-4.987531172069826e-05), interval: (Some(-0.009824783807615709), Some(0.009725042727175393)), p: 0.9960106021298003, log10_p: -0.0017360386626844402 },
    Golden { table: [5, 10000, 30000, 5000], difference: Some(0.4443950672147539), interval: (Some(0.4366782501535487), Some(0.45204098670561993)), p: 0.0, log10_p: -2274.29733997125 },
    Golden { table: [0, 0, 1000, 0], difference: Some(1.0), interval: (Some(0.9945881462498017), Some(1.0)), p: 1.8665272370064378e-301, log10_p: -300.7289656683172 },
    Golden { table: [0, 0, 1030, 0], difference: Some(1.0), interval: (Some(0.9947451873619768), Some(1.0)), p: 1.73833895195875e-310, log10_p: -309.7598655382366 },
    Golden { table: [0, 0, 1200, 0], difference: Some(1.0), interval: (Some(0.9954872436700716), Some(1.0)), p: 0.0, log10_p: -360.93496480111344 },
];

fn relative(got: f64, want: f64) -> f64 {
    if got == want {
        0.0
    } else {
        (got - want).abs() / want.abs()
    }
}

#[test]
fn matches_the_independent_reference() {
    for g in &GOLDEN {
        let c = compare(table(g.table));
        let name = format!("{:?}", g.table);
        assert_eq!(c.table, table(g.table), "{name}");

        match (c.difference, g.difference) {
            (Some(got), Some(want)) => {
                assert!((got - want).abs() <= 1e-12, "{name}: {got} vs {want}")
            }
            (got, want) => assert_eq!(got, want, "{name}"),
        }
        match (c.difference_interval, g.interval) {
            (Some(got), (Some(low), Some(high))) => {
                assert!(
                    (got.low - low).abs() <= 1e-12,
                    "{name}: low {} vs {low}",
                    got.low
                );
                assert!(
                    (got.high - high).abs() <= 1e-12,
                    "{name}: high {} vs {high}",
                    got.high
                );
            }
            (None, (None, None)) => {}
            (got, want) => panic!("{name}: {got:?} vs {want:?}"),
        }

        // log10 p to 1e-9 relative everywhere (exactly 0 when p = 1).
        assert!(
            relative(c.mcnemar_log10_p, g.log10_p) <= 1e-9,
            "{name}: log10 p {} vs {}",
            c.mcnemar_log10_p,
            g.log10_p
        );
        // p to 1e-12 relative where it is a normal f64; below that it has underflowed.
        if g.p >= f64::MIN_POSITIVE {
            assert!(
                relative(c.mcnemar_p, g.p) <= 1e-12,
                "{name}: p {:e} vs {:e}",
                c.mcnemar_p,
                g.p
            );
        } else {
            assert!(
                c.mcnemar_p < f64::MIN_POSITIVE,
                "{name}: p {:e}",
                c.mcnemar_p
            );
        }
    }
}

/// The worked example of Newcombe's method on the CAMIS page "Confidence intervals for Paired
/// Proportions in SAS" (PSIAIMS/CAMIS, SAS/ci_for_paired_prop.qmd; method from Newcombe 1998
/// and Statistics with Confidence): active responds in r + s = 35 of N = 46 pairs, placebo in
/// r + t = 26, with r = 20, s = 15, t = 6, u = 5. Published: D = 0.196, Wilson intervals
/// 0.621 to 0.861 (active) and 0.422 to 0.698 (placebo), AD - BC = 10 below N/2 so phi = 0,
/// and the interval 0.002602 to 0.369943. With plain phi (0.00325) the interval would be
/// 0.004768 to 0.368103 instead, so this pins Newcombe's corrected phi.
#[test]
fn reproduces_the_published_worked_example() {
    // Model B plays "active", model A "placebo": B - A = (s - t) / N.
    let t = table([20, 6, 15, 5]);
    let c = compare(t);
    let d = c.difference.expect("images");
    assert!((d - 0.196).abs() < 5e-4, "{d}");
    let active = wilson95(35, 46).expect("images");
    let placebo = wilson95(26, 46).expect("images");
    for (got, want) in [
        (active.low, 0.621),
        (active.high, 0.861),
        (placebo.low, 0.422),
        (placebo.high, 0.698),
    ] {
        assert!((got - want).abs() < 5e-4, "{got} vs {want}");
    }
    let interval = newcombe_paired_interval(t).expect("images");
    assert_eq!(Some(interval), c.difference_interval);
    assert!((interval.low - 0.002602).abs() < 5e-7, "{}", interval.low);
    assert!((interval.high - 0.369943).abs() < 5e-7, "{}", interval.high);
}

/// Every table with b, c <= 60 against the binomial tail summed exactly in u128
/// (C(120, 60) and 2^120 both fit).
#[test]
fn mcnemar_matches_exact_sums_for_small_tables() {
    for b in 0..=60u32 {
        for c in 0..=60u32 {
            let n = b + c;
            let k = b.min(c);
            let mut tail: u128 = 0;
            let mut term: u128 = 1;
            for i in 0..=k {
                tail += term;
                term = term * u128::from(n - i) / u128::from(i + 1);
            }
            let two_tail = 2 * tail;
            let whole = 1u128 << n;
            let want = if two_tail >= whole {
                1.0
            } else {
                two_tail as f64 / whole as f64
            };
            let (p, log10_p) = mcnemar_exact(b as usize, c as usize);
            assert!(relative(p, want) <= 1e-13, "b={b} c={c}: {p:e} vs {want:e}");
            assert!(
                (log10_p - want.log10()).abs() <= 1e-13 * (1.0 + want.log10().abs()),
                "b={b} c={c}: {log10_p} vs {}",
                want.log10()
            );
            assert_eq!(mcnemar_exact(c as usize, b as usize), (p, log10_p));
        }
    }
}

#[test]
fn p_is_one_exactly_when_the_models_disagree_evenly() {
    for (b, c) in [(0, 0), (3, 3), (0, 1), (1, 0), (20000, 20001), (7, 6)] {
        assert_eq!(mcnemar_exact(b, c), (1.0, 0.0), "{b} {c}");
    }
    let (p, log10_p) = mcnemar_exact(0, 2);
    assert_eq!(p, 0.5);
    assert!((log10_p - 0.5f64.log10()).abs() <= 1e-15, "{log10_p}");
}

#[test]
fn swapping_the_models_mirrors_the_figures() {
    for g in &GOLDEN {
        let [both, a_only, b_only, neither] = g.table;
        let ab = compare(table(g.table));
        let ba = compare(table([both, b_only, a_only, neither]));
        assert_eq!(ab.mcnemar_p, ba.mcnemar_p);
        assert_eq!(ab.mcnemar_log10_p, ba.mcnemar_log10_p);
        assert_eq!(ab.difference.map(|d| -d), ba.difference);
        match (ab.difference_interval, ba.difference_interval) {
            (Some(x), Some(y)) => {
                assert!((x.low + y.high).abs() <= 1e-15 && (x.high + y.low).abs() <= 1e-15);
            }
            (x, y) => assert_eq!(x, y),
        }
    }
}

#[test]
fn the_table_counts_images() {
    let mut t = PairedTable::default();
    for (a, b) in [
        (true, true),
        (true, false),
        (false, true),
        (false, false),
        (true, true),
    ] {
        t.add(a, b);
    }
    assert_eq!(t, table([2, 1, 1, 1]));
    assert_eq!(t.images(), 5);

    let mut full = table([usize::MAX; 4]);
    assert_eq!(full.images(), usize::MAX);
    full.add(true, false);
    assert_eq!(full.a_only, usize::MAX);
}

#[test]
fn extreme_counts_give_finite_figures_without_panicking() {
    let tables = [
        table([usize::MAX; 4]),
        table([0, usize::MAX, 0, 0]),
        table([0, usize::MAX, usize::MAX - 1, 0]),
        table([usize::MAX, 0, 0, usize::MAX]),
        table([0, 6_000_000_000, 4_000_000_000, 1]),
    ];
    for t in tables {
        let c = compare(t);
        assert!(
            c.mcnemar_log10_p.is_finite() && c.mcnemar_log10_p <= 0.0,
            "{t:?}"
        );
        assert!((0.0..=1.0).contains(&c.mcnemar_p), "{t:?}");
        assert!(
            c.difference.is_some_and(|d| (-1.0..=1.0).contains(&d)),
            "{t:?}"
        );
        let i = c.difference_interval.map(|i| (i.low, i.high));
        assert!(
            i.is_some_and(|(low, high)| -1.0 <= low && low <= high && high <= 1.0),
            "{t:?}: {i:?}"
        );
    }
    // One-sided disagreement on every image: p = 2^(1 - n), far below f64.
    let (p, log10_p) = mcnemar_exact(usize::MAX, 0);
    assert_eq!(p, 0.0);
    let want = (1.0 - usize::MAX as f64) * 2f64.log10();
    assert!(relative(log10_p, want) <= 1e-12, "{log10_p} vs {want}");
}

#[test]
fn p_values_read_well() {
    assert_eq!(format_p(1.0, 0.0), "p = 1");
    assert_eq!(format_p(0.032, 0.032f64.log10()), "p = 0.032");
    assert_eq!(format_p(4.1e-12, 4.1e-12f64.log10()), "p = 4.1e-12");
    assert_eq!(format_p(0.5, 0.5f64.log10()), "p = 0.5");
    assert_eq!(format_p(0.0012, 0.0012f64.log10()), "p = 0.0012");
    assert_eq!(format_p(0.996, 0.996f64.log10()), "p > 0.99");
    assert_eq!(format_p(0.000996, 0.000996f64.log10()), "p = 1.0e-3");
    assert_eq!(format_p(0.0, -300.7), "p < 1e-300");
    assert_eq!(format_p(0.0, -2274.3), "p < 1e-300");
    // Subnormal or underflowed p above the cut-off is read from its log.
    assert_eq!(format_p(0.0, -299.5), "p = 3.2e-300");

    let rendered: Vec<String> = GOLDEN
        .iter()
        .map(|g| {
            let c = compare(table(g.table));
            format_p(c.mcnemar_p, c.mcnemar_log10_p)
        })
        .collect();
    assert_eq!(rendered[10], "p = 0.078");
    assert_eq!(rendered[16], "p = 9.6e-14");
    assert_eq!(rendered[19], "p < 1e-300");
    assert_eq!(rendered[0], "p = 1");
}

#[test]
fn comparisons_serialize() {
    let json = serde_json::to_value(compare(table([20, 6, 15, 5]))).expect("serializes");
    assert_eq!(json["table"]["b_only"], 15);
    assert!(json["difference_interval"]["low"].is_f64());
    assert!(json["mcnemar_log10_p"].is_f64());
    let empty = serde_json::to_value(compare(PairedTable::default())).expect("serializes");
    assert!(empty["difference"].is_null() && empty["difference_interval"].is_null());
}
