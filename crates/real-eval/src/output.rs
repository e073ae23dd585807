//! The table and JSON that real-eval prints.

use real_core::calibration::{Calibration, NoConfidence, Reliability};
use real_core::compare::{format_p, Comparison};
use real_core::interval::Interval;
use real_core::metrics::{Accuracy, FourWaySplit, Report};
use real_core::relabel::{FareCounts, Mistakes, MistakesFare};
use real_core::{Dataset, DatasetFacts, LabelSet, Predictions, Score};
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;
use serde_json::{json, Map, Value};
use std::fmt::Write;

fn fraction(a: Option<&Accuracy>) -> Value {
    a.and_then(|a| a.fraction).map_or(Value::Null, Value::from)
}

fn correct(a: Option<&Accuracy>) -> Value {
    a.map_or(Value::Null, |a| Value::from(a.correct))
}

/// One JSON line for one file; `scores` are its figures under every label set, in order.
#[allow(clippy::too_many_arguments)]
pub fn json_line(
    file: &str,
    dataset: &Dataset,
    p: &Predictions,
    r: &Report,
    scores: &[Score],
    calibration: &Result<Calibration, NoConfidence>,
    mistakes: &[MistakesRow],
    per_class: bool,
) -> String {
    let on_scored = r.original_top1_on_scored();
    let mut object = json!({
        "file": file,
        "format": p.format,
        "rows": p.rows_in_file,
        "images": r.images,
        "order": p.order.as_str(),
        "class_convention": p.convention.as_str(),
        "detection": p.detection.as_ref().map(|d| json!({
            "clear": d.clear,
            "overridden": d.overridden,
            "summary": d.summary(),
            "candidates": d.candidates,
        })),
        "k": r.k,
        "scored": r.scored,
        "excluded": r.excluded,
        "real_top1": fraction(r.real(1)),
        "real_top1_correct": correct(r.real(1)),
        "real_top1_interval": r.real(1).and_then(|a| a.interval),
        "original_top1": fraction(r.original(1)),
        "original_top1_correct": correct(r.original(1)),
        "original_top1_interval": r.original(1).and_then(|a| a.interval),
        "original_top1_on_scored": fraction(Some(&on_scored)),
        "original_top1_on_scored_correct": on_scored.correct,
        "original_top1_on_scored_interval": on_scored.interval,
        "real_top5": fraction(r.real(5)),
        "real_top5_correct": correct(r.real(5)),
        "original_top5": fraction(r.original(5)),
        "original_top5_correct": correct(r.original(5)),
        "real_topk": r.real_top,
        "original_topk": r.original_top,
        "split": r.split,
        "calibration": calibration.as_ref().ok().map(calibration_json),
        "calibration_absent": calibration.as_ref().err().map(ToString::to_string),
        "warnings": p.warnings,
    });
    if per_class {
        object["per_class"] = r
            .per_class
            .iter()
            .map(|c| {
                let info = dataset.class(real_core::ClassIndex(c.class));
                json!({"class": c.class, "wnid": info.wnid, "name": info.name, "real": c.real, "original": c.original})
            })
            .collect();
    }
    let Value::Object(fields) = object else {
        return object.to_string();
    };
    serde_json::to_string(&Line {
        fields: &fields,
        label_sets: LabelSets(scores),
        mistakes,
    })
    .unwrap_or_default()
}

/// The reliability diagrams under ReaL and the original labels, with their ECE.
fn calibration_json(c: &Calibration) -> Value {
    let diagram = |d: &Reliability| {
        json!({
            "images": d.images,
            "correct": d.correct,
            "accuracy": d.accuracy(),
            "mean_confidence": d.mean_confidence(),
            "ece": d.ece(),
            "without_confidence": d.without_confidence,
            "bins": d.bins.iter().map(|b| json!({
                "low": b.low,
                "high": b.high,
                "images": b.images,
                "correct": b.correct,
                "accuracy": b.accuracy(),
                "mean_confidence": b.mean_confidence(),
            })).collect::<Vec<_>>(),
        })
    };
    json!({
        "ece_real": c.real.ece(),
        "ece_original": c.original.ece(),
        "real": diagram(&c.real),
        "original": diagram(&c.original),
    })
}

/// How one predictions file fares on one mistakes file's images.
pub struct MistakesRow {
    /// The mistakes file, as given.
    file: String,
    /// The model whose mistakes they are, for people.
    model: String,
    fare: MistakesFare,
}

impl MistakesRow {
    /// The figures of `predictions` on the images of `mistakes` (read from `file`).
    pub fn new(
        file: &str,
        mistakes: &Mistakes,
        dataset: &Dataset,
        predictions: &Predictions,
    ) -> Self {
        Self {
            file: file.to_string(),
            model: mistakes.model.display_name().to_string(),
            fare: mistakes.fare(dataset, predictions),
        }
    }
}

impl Serialize for MistakesRow {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        /// Groups keyed by category or severity key, in their fixed order.
        struct Groups<'a>(Vec<(&'static str, &'a FareCounts)>);
        impl Serialize for Groups<'_> {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut map = serializer.serialize_map(Some(self.0.len()))?;
                for (key, counts) in &self.0 {
                    map.serialize_entry(key, counts)?;
                }
                map.end()
            }
        }
        let f = &self.fare;
        let mut map = serializer.serialize_map(Some(5))?;
        map.serialize_entry("file", &self.file)?;
        map.serialize_entry("model", &self.model)?;
        map.serialize_entry("all", &f.all)?;
        map.serialize_entry(
            "by_category",
            &Groups(f.by_category.iter().map(|(c, n)| (c.key(), n)).collect()),
        )?;
        map.serialize_entry(
            "by_severity",
            &Groups(f.by_severity.iter().map(|(s, n)| (s.key(), n)).collect()),
        )?;
        map.end()
    }
}

/// A file's JSON object with `label_sets` last. Written through a serializer rather than a
/// `Value` because a `Value` map sorts its keys, and label sets must keep their order
/// (`original`, `real`, then the label files as given).
struct Line<'a> {
    fields: &'a Map<String, Value>,
    label_sets: LabelSets<'a>,
    /// One entry per mistakes file; the key is left out when none was given.
    mistakes: &'a [MistakesRow],
}

impl Serialize for Line<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let extra = 1 + usize::from(!self.mistakes.is_empty());
        let mut map = serializer.serialize_map(Some(self.fields.len() + extra))?;
        for (key, value) in self.fields {
            map.serialize_entry(key, value)?;
        }
        map.serialize_entry("label_sets", &self.label_sets)?;
        if !self.mistakes.is_empty() {
            map.serialize_entry("mistakes", self.mistakes)?;
        }
        map.end()
    }
}

/// Every label set's figures, keyed by label set key, in order.
struct LabelSets<'a>(&'a [Score]);

impl Serialize for LabelSets<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for score in self.0 {
            map.serialize_entry(&score.labels, &LabelSetFigures::new(score))?;
        }
        map.end()
    }
}

/// One model's figures under one label set, as `label_sets` prints them.
#[derive(Serialize)]
struct LabelSetFigures {
    scored: usize,
    excluded: usize,
    missing: usize,
    top1: Option<f64>,
    top1_correct: Option<usize>,
    top1_interval: Option<Interval>,
    top5: Option<f64>,
    top5_correct: Option<usize>,
    top5_interval: Option<Interval>,
}

impl LabelSetFigures {
    fn new(s: &Score) -> Self {
        let (top1, top5) = (s.top(1), s.top(5));
        Self {
            scored: s.scored,
            excluded: s.excluded,
            missing: s.missing,
            top1: top1.and_then(|a| a.fraction),
            top1_correct: top1.map(|a| a.correct),
            top1_interval: top1.and_then(|a| a.interval),
            top5: top5.and_then(|a| a.fraction),
            top5_correct: top5.map(|a| a.correct),
            top5_interval: top5.and_then(|a| a.interval),
        }
    }
}

fn pct(a: Option<&Accuracy>) -> String {
    match a.and_then(|a| a.fraction) {
        Some(f) => format!("{:.2}%", 100.0 * f),
        None => "—".into(),
    }
}

/// What the text table shows of one file; the predictions themselves are not kept, so a
/// leaderboard of thousands of files stays small.
pub struct Row {
    file: String,
    format: String,
    detection: String,
    order: &'static str,
    convention: &'static str,
    images: usize,
    scored: usize,
    excluded: usize,
    real1: Option<Accuracy>,
    original1: Option<Accuracy>,
    real5: Option<Accuracy>,
    original5: Option<Accuracy>,
    split: FourWaySplit,
    /// Top-1 and missing images under each loaded label file, in order.
    label_files: Vec<(Option<Accuracy>, usize)>,
    /// How the file fares on each mistakes file's images.
    mistakes: Vec<MistakesRow>,
    warnings: Vec<String>,
}

impl Row {
    /// The table's figures of one file; `scores` under every label set, built-in ones first.
    pub fn new(
        file: &str,
        p: &Predictions,
        r: &Report,
        scores: &[Score],
        mistakes: Vec<MistakesRow>,
    ) -> Self {
        Self {
            file: file.to_string(),
            format: p.format.clone(),
            detection: detection_line(p),
            order: p.order.as_str(),
            convention: p.convention.as_str(),
            images: r.images,
            scored: r.scored,
            excluded: r.excluded,
            real1: r.real(1).copied(),
            original1: r.original(1).copied(),
            real5: r.real(5).copied(),
            original5: r.original(5).copied(),
            split: r.split,
            label_files: scores
                .iter()
                .skip(BUILT_IN)
                .map(|s| (s.top(1).copied(), s.missing))
                .collect(),
            mistakes,
            warnings: p.warnings.clone(),
        }
    }
}

/// The label sets every run has (original, ReaL) before those from label files.
const BUILT_IN: usize = 2;

/// A leaderboard, best ReaL top-1 first, then details for a single file. `label_sets` are
/// every label set, built-in ones first; each loaded one adds a top-1 column.
pub fn table(rows: &[Row], label_sets: &[LabelSet]) -> String {
    let mut order: Vec<&Row> = rows.iter().collect();
    let key = |r: &Row| r.real1.and_then(|a| a.fraction).unwrap_or(-1.0);
    order.sort_by(|a, b| key(b).total_cmp(&key(a)));
    let width = rows
        .iter()
        .map(|r| r.file.chars().count())
        .max()
        .unwrap_or(4)
        .clamp(4, 60);
    let extra: Vec<(String, usize)> = label_sets
        .iter()
        .skip(BUILT_IN)
        .map(|set| {
            let header = format!("{}@1", set.key);
            let w = header.chars().count().max(10);
            (header, w)
        })
        .collect();
    let mut s = String::new();
    let _ = write!(
        s,
        "{:<width$}  {:>6}  {:<12} {:<18}  {:>10} {:>10} {:>10} {:>10}",
        "file", "images", "order", "classes", "ReaL@1", "orig@1", "ReaL@5", "orig@5"
    );
    for (header, w) in &extra {
        let _ = write!(s, " {header:>w$}");
    }
    let _ = writeln!(s);
    for r in order {
        let _ = write!(
            s,
            "{:<width$}  {:>6}  {:<12} {:<18}  {:>10} {:>10} {:>10} {:>10}",
            r.file,
            r.images,
            r.order,
            r.convention,
            pct(r.real1.as_ref()),
            pct(r.original1.as_ref()),
            pct(r.real5.as_ref()),
            pct(r.original5.as_ref())
        );
        for ((_, w), (top1, _)) in extra.iter().zip(&r.label_files) {
            let _ = write!(s, " {:>w$}", pct(top1.as_ref()));
        }
        let _ = writeln!(s);
    }
    if let [r] = rows {
        let _ = writeln!(s);
        let _ = writeln!(s, "{}: {} read as {}", r.file, r.format, r.detection);
        let line = |s: &mut String, name: &str, a: &Accuracy, note: String| {
            let _ = writeln!(
                s,
                "  {name:<14} {} = {}/{}{}{note}",
                pct(Some(a)),
                a.correct,
                a.total,
                a.interval
                    .map(|i| format!(" [{:.2}, {:.2}]", 100.0 * i.low, 100.0 * i.high))
                    .unwrap_or_default()
            );
        };
        if let (Some(real), Some(original)) = (&r.real1, &r.original1) {
            line(&mut s, "ReaL top-1", real, String::new());
            line(&mut s, "original top-1", original, String::new());
        }
        for (set, (top1, missing)) in label_sets.iter().skip(BUILT_IN).zip(&r.label_files) {
            if let Some(a) = top1 {
                let note = if *missing > 0 {
                    format!(" ({missing} labelled images not in the file)")
                } else {
                    String::new()
                };
                line(&mut s, &format!("{} top-1", set.key), a, note);
            }
        }
        let _ = writeln!(
            s,
            "  top-1 on {} scored images ({} excluded): both {}, ReaL only {}, original only {}, neither {}",
            r.scored, r.excluded, r.split.both, r.split.real_only, r.split.original_only, r.split.neither
        );
        for m in &r.mistakes {
            let a = &m.fare.all;
            let _ = writeln!(
                s,
                "  on {}'s {} mistakes ({}): {} predicted, right under original {}, under ReaL {}/{}, same prediction {}",
                m.model, a.images, m.file, a.predicted, a.original_correct, a.real_correct, a.real_scored, a.same_prediction
            );
        }
    }
    for r in rows {
        for w in &r.warnings {
            let _ = writeln!(s, "warning: {}: {w}", r.file);
        }
    }
    s
}

/// One paired comparison: file B against the reference A under one label set.
pub struct ComparisonRow {
    /// The reference file, as given.
    pub a: String,
    /// The compared file, as given.
    pub b: String,
    /// The label set's key.
    pub labels: String,
    /// The figures.
    pub comparison: Comparison,
}

/// A comparison as one JSON line; field order is the documented one.
#[derive(Serialize)]
struct ComparisonLine<'a> {
    kind: &'static str,
    a: &'a str,
    b: &'a str,
    labels: &'a str,
    images: usize,
    both: usize,
    a_only: usize,
    b_only: usize,
    neither: usize,
    difference: Option<f64>,
    difference_interval: Option<Interval>,
    mcnemar_p: f64,
    mcnemar_log10_p: f64,
}

/// One JSON line for one comparison.
pub fn comparison_json(row: &ComparisonRow) -> String {
    let c = &row.comparison;
    let t = &c.table;
    serde_json::to_string(&ComparisonLine {
        kind: "comparison",
        a: &row.a,
        b: &row.b,
        labels: &row.labels,
        images: t.images(),
        both: t.both,
        a_only: t.a_only,
        b_only: t.b_only,
        neither: t.neither,
        difference: c.difference,
        difference_interval: c.difference_interval,
        mcnemar_p: c.mcnemar_p,
        mcnemar_log10_p: c.mcnemar_log10_p,
    })
    .unwrap_or_default()
}

/// Percentage points with a sign and two decimals.
fn points(fraction: f64) -> String {
    format!("{:+.2}", 100.0 * fraction)
}

/// The comparisons as a table: B's top-1 minus the reference's, in percentage points.
pub fn comparison_table(rows: &[ComparisonRow]) -> String {
    let mut s = String::new();
    let Some(first) = rows.first() else {
        return s;
    };
    let width = rows
        .iter()
        .map(|r| r.b.chars().count())
        .max()
        .unwrap_or(1)
        .clamp(4, 60);
    let labels = rows
        .iter()
        .map(|r| r.labels.chars().count())
        .max()
        .unwrap_or(6)
        .clamp(6, 30);
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "Top-1 of each file (B) against {} (A), on the images both are scored on:",
        first.a
    );
    let _ = writeln!(
        s,
        "{:<width$}  {:<labels$}  {:>6} {:>6} {:>6} {:>6} {:>7}  {:>8}  {:<18}  McNemar",
        "B", "labels", "images", "both", "A only", "B only", "neither", "B−A (pp)", "95% interval",
    );
    for r in rows {
        let c = &r.comparison;
        let t = &c.table;
        let interval = c
            .difference_interval
            .map(|i| format!("[{}, {}]", points(i.low), points(i.high)))
            .unwrap_or_else(|| "—".into());
        let _ = writeln!(
            s,
            "{:<width$}  {:<labels$}  {:>6} {:>6} {:>6} {:>6} {:>7}  {:>8}  {:<18}  {}",
            r.b,
            r.labels,
            t.images(),
            t.both,
            t.a_only,
            t.b_only,
            t.neither,
            c.difference.map_or_else(|| "—".into(), points),
            interval,
            format_p(c.mcnemar_p, c.mcnemar_log10_p)
        );
    }
    let _ = writeln!(
        s,
        "B−A: difference in percentage points with its 95% interval (Newcombe); McNemar: the exact two-sided test."
    );
    s
}

fn detection_line(p: &Predictions) -> String {
    match &p.detection {
        Some(d) => d.summary(),
        None => format!("{} order, {} classes", p.order, p.convention),
    }
}

/// The dataset facts as text.
pub fn facts_text(f: &DatasetFacts) -> String {
    let by = f
        .images_by_label_count
        .iter()
        .enumerate()
        .skip(2)
        .map(|(n, c)| format!("{n}: {c}"))
        .collect::<Vec<_>>()
        .join(", ");
    let rows = [
        ("images", f.images.to_string()),
        ("classes", f.classes.to_string()),
        ("excluded (no valid label)", f.excluded.to_string()),
        ("scored", f.scored.to_string()),
        ("single label", f.single_label.to_string()),
        ("multi-label", format!("{} ({by})", f.multi_label)),
        ("ReaL labels in all", f.real_labels.to_string()),
        ("original label in ReaL set", f.original_in_real.to_string()),
        (
            "original label not in ReaL set",
            f.original_not_in_real.to_string(),
        ),
        ("ReaL set = {original}", f.real_equals_original.to_string()),
    ];
    rows.iter()
        .map(|(label, value)| format!("{label:<31} {value}\n"))
        .collect()
}
