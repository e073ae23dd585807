//! The per-class table as rows: each class's top-1 under two label sets and the difference.

use super::csv::{write_header, write_row, Cell};
use super::{json_document, Header};
use crate::dataset::Dataset;
use crate::ids::ClassIndex;
use crate::metrics::Accuracy;
use crate::scores::Score;
use serde_json::json;

/// One model's per-class figures under two label sets, as the overview's table shows them,
/// every class in class order.
pub struct PerClassExport<'a> {
    /// The ImageNet data.
    pub dataset: &'a Dataset,
    /// The figures under the first label set.
    pub first: &'a Score,
    /// Under the second.
    pub second: &'a Score,
    /// Where they came from.
    pub header: &'a Header,
}

impl PerClassExport<'_> {
    /// The column prefixes of the two label sets: their keys, the second made distinct when
    /// both are the same set.
    fn prefixes(&self) -> (String, String) {
        let first = self.first.labels.clone();
        let mut second = self.second.labels.clone();
        if second == first {
            second.push_str("_2");
        }
        (first, second)
    }

    /// The columns: class, wnid, name, then top-1, correct and images under each label set,
    /// and the first minus the second in percentage points.
    pub fn columns(&self) -> Vec<String> {
        let (a, b) = self.prefixes();
        vec![
            "class".into(),
            "wnid".into(),
            "name".into(),
            format!("{a}_top1"),
            format!("{a}_correct"),
            format!("{a}_images"),
            format!("{b}_top1"),
            format!("{b}_correct"),
            format!("{b}_images"),
            format!("{a}_minus_{b}_pts"),
        ]
    }

    fn rows(&self) -> impl Iterator<Item = (ClassIndex, Accuracy, Accuracy)> + '_ {
        let classes = self.dataset.classes().len();
        self.first
            .per_class
            .iter()
            .zip(&self.second.per_class)
            .take(classes)
            .enumerate()
            .filter_map(|(i, (a, b))| Some((ClassIndex(u16::try_from(i).ok()?), *a, *b)))
    }

    /// CSV: a `#` line saying where the rows came from, the column names, one row a class.
    pub fn csv(&self) -> String {
        let mut out = String::new();
        let rows: Vec<_> = self.rows().collect();
        write_row(
            &mut out,
            &[Cell::text(
                self.header.comment("per-class table", rows.len()),
            )],
        );
        write_header(&mut out, &self.columns());
        for (class, a, b) in rows {
            let info = self.dataset.class(class);
            let mut cells = vec![
                Cell::int(class.0),
                Cell::text(info.wnid.as_str()),
                Cell::text(info.name.as_str()),
            ];
            for accuracy in [a, b] {
                cells.push(accuracy.fraction.map_or(Cell::Empty, |f| Cell::float(f, 6)));
                cells.push(Cell::int(accuracy.correct as u64));
                cells.push(Cell::int(accuracy.total as u64));
            }
            cells.push(gain(&a, &b).map_or(Cell::Empty, |g| Cell::float(g, 2)));
            write_row(&mut out, &cells);
        }
        out
    }

    /// JSON: the header fields and `"rows"`, one object a class keyed by the CSV's columns.
    pub fn json(&self) -> String {
        let columns = self.columns();
        let rows: Vec<String> = self
            .rows()
            .map(|(class, a, b)| {
                let info = self.dataset.class(class);
                let values = [
                    json!(class.0),
                    json!(info.wnid),
                    json!(info.name),
                    json!(a.fraction),
                    json!(a.correct),
                    json!(a.total),
                    json!(b.fraction),
                    json!(b.correct),
                    json!(b.total),
                    json!(gain(&a, &b).map(|g| (g * 100.0).round() / 100.0)),
                ];
                let object: serde_json::Map<String, serde_json::Value> =
                    columns.iter().cloned().zip(values).collect();
                serde_json::Value::Object(object).to_string()
            })
            .collect();
        json_document(self.header, "per-class", &rows)
    }
}

/// The first label set's top-1 minus the second's, in percentage points.
fn gain(a: &Accuracy, b: &Accuracy) -> Option<f64> {
    Some(100.0 * (a.fraction? - b.fraction?))
}
