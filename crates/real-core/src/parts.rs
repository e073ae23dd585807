//! Validated predictions taken apart into flat numbers and a small header, and put back
//! together with every invariant checked: how a Web Worker hands predictions to the page as
//! typed arrays instead of 50,000 rows of text.

use crate::detect::{ClassConvention, Detection, RowOrder};
use crate::ids::{ClassIndex, ImageId};
use crate::predictions::Predictions;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The class code standing for "no ImageNet class" (`None`) among the class numbers.
pub const NO_CLASS: u16 = u16::MAX;

/// Everything about predictions except the per-row numbers: a few fields, which the worker
/// sends beside the arrays.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Header {
    /// The format the file was read as.
    pub format: String,
    /// How rows map to images.
    pub order: RowOrder,
    /// How numbers in the file map to classes.
    pub convention: ClassConvention,
    /// How order and convention were chosen, when the file did not say.
    pub detection: Option<Detection>,
    /// Predictions kept per row.
    pub k: usize,
    /// Rows in the file, before repeated rows were dropped.
    pub rows_in_file: usize,
    /// Things the user should know.
    pub warnings: Vec<String>,
}

/// Predictions as flat parts.
#[derive(Clone, Debug, PartialEq)]
pub struct Parts {
    /// The header.
    pub header: Header,
    /// The image number (1..=50,000) of each kept row.
    pub images: Vec<u32>,
    /// `k` class numbers (sorted-wnid, 0..=999) a row, best first; [`NO_CLASS`] for none.
    pub classes: Vec<u16>,
    /// The scores of those classes, when the file has them.
    pub scores: Option<Vec<f32>>,
}

/// Why parts do not make valid predictions.
#[derive(Clone, Debug, PartialEq)]
pub enum PartsError {
    /// `k` is 0.
    NoPredictionsPerRow,
    /// A part's length does not fit the number of rows and `k`.
    Length {
        /// "classes" or "scores".
        part: &'static str,
        /// Length needed.
        expected: usize,
        /// Length given.
        found: usize,
    },
    /// More kept rows than rows in the file.
    Rows {
        /// Kept rows.
        kept: usize,
        /// Rows in the file.
        in_file: usize,
    },
    /// An image number outside 1..=50,000.
    Image {
        /// The kept row (0-based).
        row: usize,
        /// The number found.
        found: u32,
    },
    /// An image on two kept rows.
    RepeatedImage {
        /// The later kept row (0-based).
        row: usize,
        /// The image.
        image: u32,
    },
    /// A class number that is neither a class nor [`NO_CLASS`].
    Class {
        /// The position in `classes`.
        at: usize,
        /// The number found.
        found: u16,
    },
}

impl fmt::Display for PartsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the predictions do not fit together: ")?;
        match self {
            PartsError::NoPredictionsPerRow => f.write_str("no predictions per row"),
            PartsError::Length {
                part,
                expected,
                found,
            } => write!(f, "{found} {part} where {expected} were expected"),
            PartsError::Rows { kept, in_file } => {
                write!(f, "{kept} kept rows from a file of {in_file} rows")
            }
            PartsError::Image { row, found } => {
                write!(f, "row {row} names image {found}, outside 1..=50,000")
            }
            PartsError::RepeatedImage { row, image } => {
                write!(f, "row {row} names image {image} a second time")
            }
            PartsError::Class { at, found } => {
                write!(f, "class number {found} at {at} is no class")
            }
        }
    }
}

impl std::error::Error for PartsError {}

impl Predictions {
    /// Takes the predictions apart, to send them where only numbers and text travel.
    pub fn into_parts(self) -> Parts {
        let header = Header {
            format: self.format,
            order: self.order,
            convention: self.convention,
            detection: self.detection,
            k: self.k,
            rows_in_file: self.rows_in_file,
            warnings: self.warnings,
        };
        Parts {
            header,
            images: self.images.iter().map(|image| image.0).collect(),
            classes: self
                .classes
                .iter()
                .map(|class| class.map_or(NO_CLASS, |c| c.0))
                .collect(),
            scores: self.scores,
        }
    }

    /// Puts parts back together, checking every length and range, so that parts from
    /// elsewhere (another thread, a damaged message) can never make predictions that break an
    /// invariant the scoring relies on.
    pub fn from_parts(parts: Parts) -> Result<Self, PartsError> {
        let Parts {
            header,
            images,
            classes,
            scores,
        } = parts;
        if header.k == 0 {
            return Err(PartsError::NoPredictionsPerRow);
        }
        // A length that overflows cannot match any real part.
        let expected = images.len().saturating_mul(header.k);
        if classes.len() != expected {
            return Err(PartsError::Length {
                part: "classes",
                expected,
                found: classes.len(),
            });
        }
        if let Some(scores) = &scores {
            if scores.len() != expected {
                return Err(PartsError::Length {
                    part: "scores",
                    expected,
                    found: scores.len(),
                });
            }
        }
        if images.len() > header.rows_in_file {
            return Err(PartsError::Rows {
                kept: images.len(),
                in_file: header.rows_in_file,
            });
        }
        let mut seen = vec![false; ImageId::COUNT];
        let mut checked_images = Vec::with_capacity(images.len());
        for (row, number) in images.into_iter().enumerate() {
            let image =
                ImageId::new(u64::from(number)).ok_or(PartsError::Image { row, found: number })?;
            match seen.get_mut(image.position()) {
                Some(slot) if !*slot => *slot = true,
                _ => return Err(PartsError::RepeatedImage { row, image: number }),
            }
            checked_images.push(image);
        }
        let mut checked_classes = Vec::with_capacity(classes.len());
        for (at, code) in classes.into_iter().enumerate() {
            checked_classes.push(match code {
                NO_CLASS => None,
                code => Some(
                    ClassIndex::new(i64::from(code))
                        .ok_or(PartsError::Class { at, found: code })?,
                ),
            });
        }
        let mut predictions = Predictions {
            format: header.format,
            order: header.order,
            convention: header.convention,
            detection: header.detection,
            k: header.k,
            rows_in_file: header.rows_in_file,
            images: checked_images,
            classes: checked_classes,
            scores,
            warnings: header.warnings,
            row_of_image: Vec::new(),
        };
        predictions.index_rows();
        Ok(predictions)
    }
}
