//! What the page lets a researcher take away: the filtered cases and the per-class table as
//! CSV and JSON, each saying which model, label sets, threshold and view it came from.
//!
//! Pure text formatting, tested natively; the page only turns the text into a download.

mod cases;
pub mod csv;
mod per_class;

pub use cases::{CaseRecord, CasesExport, ClassRef, Verdict};
pub use per_class::PerClassExport;

use crate::evidence::Threshold;
use crate::view::{self, View};
use serde::Serialize;

/// The model an export describes.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ModelInfo {
    /// Its name on the page.
    pub name: String,
    /// The file it was read from.
    pub file: String,
    /// The format it was read as, e.g. "NumPy .npy".
    pub format: String,
    /// Predictions per image.
    pub k: usize,
}

/// A label set an export uses.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LabelSetInfo {
    /// Its key (`real`, `original`, a file's stem).
    pub key: String,
    /// Its name on the page.
    pub name: String,
}

/// What every export starts with: where its rows came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Header {
    /// The model on screen, if one is loaded.
    pub model: Option<ModelInfo>,
    /// The label sets the rows are judged by, in order.
    pub label_sets: Vec<LabelSetInfo>,
    /// The threshold the ReaL set is built at.
    pub threshold: Threshold,
    /// The view (its link's query string), which holds the filter and order.
    pub view: String,
}

impl Header {
    /// The one-line description that opens a CSV file, as a `#` comment (pandas:
    /// `read_csv(..., comment="#")` or `skiprows=1`).
    fn comment(&self, what: &str, rows: usize) -> String {
        let model = match &self.model {
            Some(m) => format!("model {} ({}, {})", m.name, m.file, m.format),
            None => "no model".into(),
        };
        let sets = self
            .label_sets
            .iter()
            .map(|s| format!("{} ({})", s.name, s.key))
            .collect::<Vec<_>>()
            .join(" against ");
        format!(
            "# ReaL Explorer {what}; {model}; labels {sets}; ReaL threshold {}; view {}; {rows} rows",
            self.threshold,
            if self.view.is_empty() { "?" } else { &self.view }
        )
    }

    /// The JSON header fields, each `"key":value,` (rows follow).
    fn json_fields(&self, what: &str, rows: usize) -> String {
        let threshold = self.threshold.value();
        let fields: [(&str, serde_json::Result<String>); 7] = [
            ("generator", serde_json::to_string("ReaL Explorer")),
            ("export", serde_json::to_string(what)),
            ("model", serde_json::to_string(&self.model)),
            ("label_sets", serde_json::to_string(&self.label_sets)),
            ("threshold", serde_json::to_string(&threshold)),
            ("view", serde_json::to_string(&self.view)),
            ("count", serde_json::to_string(&rows)),
        ];
        fields
            .into_iter()
            .map(|(key, value)| format!("\"{key}\":{},", value.unwrap_or_else(|_| "null".into())))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// Joins the header and the rows (one JSON object a line) into one JSON document.
fn json_document(header: &Header, what: &str, rows: &[String]) -> String {
    let mut out = String::from("{\n");
    out.push_str(&header.json_fields(what, rows.len()));
    out.push_str("\n\"rows\":[\n");
    out.push_str(&rows.join(",\n"));
    out.push_str("\n]}\n");
    out
}

/// A download's file name, `real-explorer-<what>-<model>-<detail>.<extension>`, with every
/// part reduced to letters, digits, `_` and `-` (and kept short), so that it is valid on
/// every file system whatever the model was called.
pub fn file_name(what: &str, model: Option<&str>, detail: &str, extension: &str) -> String {
    let parts = [
        "real-explorer".to_string(),
        slug(what, 20),
        slug(model.unwrap_or("no-model"), 40),
        slug(detail, 60),
    ];
    let stem = parts
        .iter()
        .filter(|p| !p.is_empty())
        .cloned()
        .collect::<Vec<_>>()
        .join("-");
    format!("{stem}.{}", slug(extension, 8))
}

/// What a view's filter and order are, as its link writes them: `outcome=real-only
/// labels=2+`, or empty when nothing narrows the cases.
pub fn filter_text(view: &View) -> String {
    let only = View {
        filter: view.filter,
        sort: view.sort,
        ..View::default()
    };
    let query = only.to_string();
    view::decode(query.trim_start_matches('?')).replace('&', " ")
}

/// [`filter_text`] for a file name: `outcome-real-only_labels-2plus`, or `all` when nothing
/// narrows the cases.
pub fn filter_slug(view: &View) -> String {
    let text = filter_text(view);
    if text.is_empty() {
        return "all".into();
    }
    text.split(' ')
        .map(|pair| pair.replace('=', "-").replace('+', "plus"))
        .collect::<Vec<_>>()
        .join("_")
}

/// `text` reduced to `[A-Za-z0-9_-]`: other characters (dots too: a leading one hides a
/// file) become `-`, runs of `-` one, none leading or trailing, at most `max` characters.
fn slug(text: &str, max: usize) -> String {
    let mut out = String::new();
    for c in text.chars() {
        let c = if c.is_ascii_alphanumeric() || c == '_' {
            c
        } else {
            '-'
        };
        if c == '-' && out.ends_with('-') {
            continue;
        }
        out.push(c);
    }
    let trimmed: String = out.trim_matches('-').chars().take(max).collect();
    trimmed.trim_end_matches('-').to_string()
}
