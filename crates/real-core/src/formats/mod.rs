//! Reading predictions files. A file is recognised by its content, never its extension.

pub(crate) mod csv;
pub(crate) mod json;
pub(crate) mod npy;
mod npz;
mod rows;
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
    crate::limits::check_file_size("predictions", bytes.len() as u64)?;
    if bytes.starts_with(npy::MAGIC) {
        return npy::read(bytes);
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return npz::read(bytes);
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
