//! Rows gathered from text formats (CSV, TSV, JSON, one-per-line text), assembled into
//! [`RawPredictions`] with names resolved to classes.

use super::{Entries, NumberKind, RawPredictions, Rows, MAX_K, MISSING};
use crate::dataset::{Dataset, NameMatch};
use crate::error::ParseError;
use crate::ids::ImageId;

/// The predictions of one row, best first.
#[derive(Clone, Debug, PartialEq)]
pub enum Cells {
    /// Class numbers in the file's convention.
    Numbers(Vec<i64>),
    /// Class names (timm's label column, Hugging Face labels).
    Names(Vec<String>),
}

/// One row of a text format.
#[derive(Clone, Debug)]
pub struct Row {
    /// Where the row starts, for messages ("line 12", "item 3").
    pub location: String,
    /// The image the row names, if the format names rows.
    pub image: Option<ImageId>,
    /// Predictions, best first.
    pub cells: Cells,
    /// Scores aligned with the cells, when given.
    pub scores: Option<Vec<f32>>,
}

/// Builds predictions from rows: pads short rows, checks that all rows agree on naming and
/// cell kind, and maps names to classes (ambiguous and unknown names become warnings).
pub fn assemble(
    format: &'static str,
    rows: Vec<Row>,
    dataset: &Dataset,
) -> Result<RawPredictions, ParseError> {
    let first = rows
        .first()
        .ok_or_else(|| ParseError::new(format, "the file has no prediction rows"))?;
    let named = first.image.is_some();
    let by_name = matches!(first.cells, Cells::Names(_));
    let widest = rows
        .iter()
        .map(|r| match &r.cells {
            Cells::Numbers(v) => v.len(),
            Cells::Names(v) => v.len(),
        })
        .max()
        .unwrap_or(0);
    let k = widest.clamp(1, MAX_K);
    let with_scores = rows.iter().all(|r| r.scores.is_some());
    let mut images = Vec::with_capacity(if named { rows.len() } else { 0 });
    let mut numbers = Vec::new();
    let mut classes = Vec::new();
    let mut scores = Vec::new();
    let mut ambiguous: Vec<String> = Vec::new();
    let mut ambiguous_count = 0usize;
    let mut unknown: Vec<String> = Vec::new();
    let mut unknown_count = 0usize;
    let mut resolved = 0usize;
    for row in &rows {
        match (named, row.image) {
            (true, Some(image)) => images.push(image),
            (false, None) => {}
            (true, None) => {
                return Err(ParseError::at(
                    format,
                    &row.location,
                    "this row names no image, but earlier rows do",
                ))
            }
            (false, Some(_)) => {
                return Err(ParseError::at(
                    format,
                    &row.location,
                    "this row names an image, but the first row does not",
                ))
            }
        }
        match (&row.cells, by_name) {
            (Cells::Numbers(values), false) => {
                numbers.extend(values.iter().take(k).copied());
                numbers.extend(std::iter::repeat_n(MISSING, k.saturating_sub(values.len())));
            }
            (Cells::Names(names), true) => {
                for name in names.iter().take(k) {
                    classes.push(match dataset.class_by_name(name) {
                        NameMatch::One(class) => {
                            resolved += 1;
                            Some(class)
                        }
                        NameMatch::Several(list) => {
                            ambiguous_count += 1;
                            let note = format!(
                                "'{name}' ({})",
                                list.iter()
                                    .map(|c| c.to_string())
                                    .collect::<Vec<_>>()
                                    .join(" or ")
                            );
                            if ambiguous.len() < 3 && !ambiguous.contains(&note) {
                                ambiguous.push(note);
                            }
                            None
                        }
                        NameMatch::None => {
                            unknown_count += 1;
                            if unknown.len() < 3 && !unknown.contains(name) {
                                unknown.push(name.clone());
                            }
                            None
                        }
                    });
                }
                classes.extend(std::iter::repeat_n(None, k.saturating_sub(names.len())));
            }
            _ => return Err(ParseError::at(
                format,
                &row.location,
                "this row gives classes as numbers and names mixed; expected one kind throughout",
            )),
        }
        if with_scores {
            let s = row.scores.as_deref().unwrap_or_default();
            scores.extend((0..k).map(|i| s.get(i).copied().unwrap_or(f32::NAN)));
        }
    }
    let mut warnings = Vec::new();
    if by_name {
        if resolved == 0 {
            return Err(ParseError::new(
                format,
                format!(
                    "no class name in the file is an ImageNet-1k class (e.g. {}); expected names like 'tench' or 'tench, Tinca tinca', or class indices",
                    unknown.first().map(|n| format!("'{n}'")).unwrap_or_else(|| "none given".into())
                ),
            ));
        }
        if ambiguous_count > 0 {
            warnings.push(format!(
                "{ambiguous_count} predicted names fit several classes and were not counted: {}",
                ambiguous.join(", ")
            ));
        }
        if unknown_count > 0 {
            warnings.push(format!(
                "{unknown_count} predicted names are no ImageNet-1k class and were not counted: {}",
                unknown
                    .iter()
                    .map(|n| format!("'{n}'"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
    Ok(RawPredictions {
        format,
        rows: if named {
            Rows::Named(images)
        } else {
            Rows::Unnamed(rows.len())
        },
        k,
        entries: if by_name {
            Entries::Classes(classes)
        } else {
            Entries::Numbers {
                kind: NumberKind::Labels,
                values: numbers,
            }
        },
        scores: with_scores.then_some(scores),
        warnings,
    })
}

/// Parses one number cell: `65`, `65.0`, or a printed list such as `[ 65 219 270]` or
/// `[65, 219]` (numpy and Python print-outs).
pub fn numbers_in(cell: &str) -> Option<Vec<i64>> {
    list_items(cell)
        .into_iter()
        .map(|t| {
            t.parse::<i64>().ok().map(super::file_number).or_else(|| {
                t.parse::<f64>()
                    .ok()
                    .filter(|v| v.fract() == 0.0 && v.abs() < 1e9)
                    .map(|v| v as i64)
            })
        })
        .collect()
}

/// Parses a cell of scores: `0.6` or `[0.60158575 0.00560791 …]`.
pub fn floats_in(cell: &str) -> Option<Vec<f32>> {
    list_items(cell)
        .into_iter()
        .map(|t| t.parse::<f32>().ok())
        .collect()
}

fn list_items(cell: &str) -> Vec<&str> {
    let inner = cell.trim().trim_start_matches('[').trim_end_matches(']');
    inner
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|t| !t.is_empty())
        .collect()
}

/// Parses a cell of names: `tench` or a printed list `['tench', "potter's wheel"]`.
pub fn names_in(cell: &str) -> Vec<String> {
    let trimmed = cell.trim();
    let Some(inner) = trimmed.strip_prefix('[').and_then(|s| s.strip_suffix(']')) else {
        return vec![trimmed.to_string()];
    };
    let mut names = Vec::new();
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\'' || c == '"' {
            let mut name = String::new();
            while let Some(d) = chars.next() {
                match d {
                    '\\' => {
                        if let Some(e) = chars.next() {
                            name.push(e);
                        }
                    }
                    d if d == c => break,
                    d => name.push(d),
                }
            }
            names.push(name);
        }
    }
    names
}
