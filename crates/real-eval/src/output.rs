//! The table and JSON that real-eval prints.

use real_core::metrics::{Accuracy, Report};
use real_core::{Dataset, DatasetFacts, Predictions};
use serde_json::{json, Value};
use std::fmt::Write;

fn fraction(a: Option<&Accuracy>) -> Value {
    a.and_then(|a| a.fraction).map_or(Value::Null, Value::from)
}

fn correct(a: Option<&Accuracy>) -> Value {
    a.map_or(Value::Null, |a| Value::from(a.correct))
}

/// One JSON line for one file.
pub fn json_line(
    file: &str,
    dataset: &Dataset,
    p: &Predictions,
    r: &Report,
    per_class: bool,
) -> String {
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
        "real_top5": fraction(r.real(5)),
        "real_top5_correct": correct(r.real(5)),
        "original_top5": fraction(r.original(5)),
        "original_top5_correct": correct(r.original(5)),
        "real_topk": r.real_top,
        "original_topk": r.original_top,
        "split": r.split,
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
    object.to_string()
}

fn pct(a: Option<&Accuracy>) -> String {
    match a.and_then(|a| a.fraction) {
        Some(f) => format!("{:.2}%", 100.0 * f),
        None => "—".into(),
    }
}

/// A leaderboard, best ReaL top-1 first, then details for a single file.
pub fn table(results: &[(String, Predictions, Report)]) -> String {
    let mut order: Vec<usize> = (0..results.len()).collect();
    let key = |i: &usize| {
        results[*i]
            .2
            .real(1)
            .and_then(|a| a.fraction)
            .unwrap_or(-1.0)
    };
    order.sort_by(|a, b| key(b).total_cmp(&key(a)));
    let width = results
        .iter()
        .map(|(f, _, _)| f.chars().count())
        .max()
        .unwrap_or(4)
        .clamp(4, 60);
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{:<width$}  {:>6}  {:<12} {:<18}  {:>10} {:>10} {:>10} {:>10}",
        "file", "images", "order", "classes", "ReaL@1", "orig@1", "ReaL@5", "orig@5"
    );
    for i in order {
        let (file, p, r) = &results[i];
        let _ = writeln!(
            s,
            "{:<width$}  {:>6}  {:<12} {:<18}  {:>10} {:>10} {:>10} {:>10}",
            file,
            r.images,
            p.order.as_str(),
            p.convention.as_str(),
            pct(r.real(1)),
            pct(r.original(1)),
            pct(r.real(5)),
            pct(r.original(5))
        );
    }
    if let [(file, p, r)] = results {
        let _ = writeln!(s);
        let _ = writeln!(s, "{file}: {} read as {}", p.format, detection_line(p));
        if let (Some(real), Some(orig)) = (r.real(1), r.original(1)) {
            let ci = |a: &Accuracy| {
                a.interval
                    .map(|i| format!(" [{:.2}, {:.2}]", 100.0 * i.low, 100.0 * i.high))
                    .unwrap_or_default()
            };
            let _ = writeln!(
                s,
                "  ReaL top-1     {} = {}/{}{}",
                pct(Some(real)),
                real.correct,
                real.total,
                ci(real)
            );
            let _ = writeln!(
                s,
                "  original top-1 {} = {}/{}{}",
                pct(Some(orig)),
                orig.correct,
                orig.total,
                ci(orig)
            );
        }
        let _ = writeln!(
            s,
            "  top-1 on {} scored images ({} excluded): both {}, ReaL only {}, original only {}, neither {}",
            r.scored, r.excluded, r.split.both, r.split.real_only, r.split.original_only, r.split.neither
        );
    }
    for (file, p, _) in results {
        for w in &p.warnings {
            let _ = writeln!(s, "warning: {file}: {w}");
        }
    }
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
