//! Reading predictions files. A file is recognised by its content, never its extension.

pub(crate) mod csv;
pub(crate) mod json;
pub(crate) mod npy;
mod npz;
mod rows;
pub(crate) mod softmax;
mod text;
mod topk;
pub(crate) mod zip;

use crate::dataset::Dataset;
use crate::error::ParseError;
use crate::ids::{ClassIndex, ImageId};

/// Most predictions kept per row. Score matrices keep the best 5; top-k lists keep up to 10.
pub const MAX_K: usize = 10;
/// Predictions kept from a score matrix.
pub const SCORE_K: usize = 5;
/// Marks a missing cell in [`Entries::Numbers`].
pub const MISSING: i64 = i64::MIN;

/// A class number as read from a file, never [`MISSING`]: the file's own `i64::MIN` becomes
/// the next value, as far outside every convention, so it is refused with its row instead of
/// read as a row without a prediction.
pub(crate) fn file_number(value: i64) -> i64 {
    value.max(MISSING + 1)
}

/// What a file's class numbers are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NumberKind {
    /// Class labels in a convention still to be detected.
    Labels,
    /// Column indices of a score matrix with this many columns.
    Columns(usize),
}

/// The predictions of a file as read, before order and convention are settled.
#[derive(Clone, Debug, PartialEq)]
pub enum Entries {
    /// Class numbers, `rows × k`, best first; [`MISSING`] pads short rows.
    Numbers { kind: NumberKind, values: Vec<i64> },
    /// Classes already resolved from names, `rows × k`.
    Classes(Vec<Option<ClassIndex>>),
}

/// How the rows of a file are identified.
#[derive(Clone, Debug, PartialEq)]
pub enum Rows {
    /// The file does not name its rows; the order must be detected.
    Unnamed(usize),
    /// Each row names its image.
    Named(Vec<ImageId>),
}

impl Rows {
    /// Number of rows.
    pub fn len(&self) -> usize {
        match self {
            Rows::Unnamed(n) => *n,
            Rows::Named(images) => images.len(),
        }
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A predictions file as read: rows, best-first entries, optional scores.
#[derive(Clone, Debug, PartialEq)]
pub struct RawPredictions {
    /// Human name of the format, e.g. "NumPy .npy".
    pub format: &'static str,
    /// Row identification.
    pub rows: Rows,
    /// Entries per row.
    pub k: usize,
    /// The entries.
    pub entries: Entries,
    /// Scores matching the entries, `rows × k`, when the file has them.
    pub scores: Option<Vec<f32>>,
    /// Notes made while reading (e.g. which array of an .npz was used).
    pub warnings: Vec<String>,
}

/// Reads any supported predictions file.
pub fn read(bytes: &[u8], dataset: &Dataset) -> Result<RawPredictions, ParseError> {
    let mut raw = read_any(bytes, dataset)?;
    void_non_finite(&mut raw);
    Ok(raw)
}

/// Rows whose scores hold NaN or an infinity (anywhere in a score matrix's row, or beside any
/// prediction of a top-k row) keep no prediction: such a row's ranking means nothing, so it
/// counts as a miss, never a hit, and the warning says how many there were. The page and
/// `real-eval` both read through here, so both count alike.
fn void_non_finite(raw: &mut RawPredictions) {
    let Some(scores) = &raw.scores else {
        return;
    };
    let k = raw.k.max(1);
    let mut voided = 0usize;
    for (row, row_scores) in scores.chunks(k).enumerate() {
        let present = |i: usize| match &raw.entries {
            Entries::Numbers { values, .. } => {
                values.get(row * k + i).is_some_and(|v| *v != MISSING)
            }
            Entries::Classes(classes) => classes.get(row * k + i).is_some_and(Option::is_some),
        };
        if !row_scores
            .iter()
            .enumerate()
            .any(|(i, s)| !s.is_finite() && present(i))
        {
            continue;
        }
        voided += 1;
        match &mut raw.entries {
            Entries::Numbers { values, .. } => {
                if let Some(cells) = values.get_mut(row * k..(row + 1) * k) {
                    cells.fill(MISSING);
                }
            }
            Entries::Classes(classes) => {
                if let Some(cells) = classes.get_mut(row * k..(row + 1) * k) {
                    cells.fill(None);
                }
            }
        }
    }
    if voided > 0 {
        let (rows, verb, pronoun) = if voided == 1 {
            ("row", "holds", "it counts as a miss")
        } else {
            ("rows", "hold", "they count as misses")
        };
        raw.warnings.push(format!(
            "{} {rows} {verb} NaN or infinite scores; {pronoun}, never hits (the model's outputs may overflow: check for NaN before saving)",
            crate::labels::thousands(voided)
        ));
    }
}

fn read_any(bytes: &[u8], dataset: &Dataset) -> Result<RawPredictions, ParseError> {
    crate::limits::check_file_size("predictions", bytes.len() as u64)?;
    if bytes.starts_with(npy::MAGIC) {
        return npy::read(bytes);
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return npz::read(bytes);
    }
    if bytes.starts_with(b"\xff\xfe") || bytes.starts_with(b"\xfe\xff") {
        return Err(ParseError::at(
            "predictions",
            "byte 0",
            "the file is UTF-16 text (it starts with a UTF-16 byte-order mark); save it as UTF-8 and try again",
        ));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        ParseError::at(
            "predictions",
            format!("byte {}", e.valid_up_to()),
            "expected a NumPy .npy/.npz file or UTF-8 text (CSV, TSV, JSON or one prediction a line), found binary data",
        )
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let trimmed = text.trim_start();
    if trimmed.is_empty() {
        return Err(ParseError::new(
            "predictions",
            "the file is empty: expected one prediction per validation image",
        ));
    }
    if trimmed.starts_with('[') || trimmed.starts_with('{') {
        return json::read(trimmed, dataset);
    }
    text::read(text, dataset)
}
