//! Newtypes for the indices that are easy to mix up.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A class in sorted-wnid order, 0..=999 (PyTorch, timm, Keras and real.json use it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ClassIndex(pub u16);

impl ClassIndex {
    /// Number of ImageNet-1k classes.
    pub const COUNT: usize = 1000;

    /// The index as a `usize`, for indexing per-class tables.
    pub fn get(self) -> usize {
        usize::from(self.0)
    }

    /// A class from a 0-based number, if it is in range.
    pub fn new(value: i64) -> Option<Self> {
        u16::try_from(value)
            .ok()
            .filter(|v| usize::from(*v) < Self::COUNT)
            .map(Self)
    }
}

impl fmt::Display for ClassIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// An ILSVRC2012_ID, 1..=1000, in the devkit's own class order (not sorted-wnid order).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ilsvrc2012Id(pub u16);

/// A validation image by its number: `ImageId(1)` is `ILSVRC2012_val_00000001.JPEG`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ImageId(pub u32);

impl ImageId {
    /// Number of ILSVRC-2012 validation images.
    pub const COUNT: usize = 50_000;

    /// The image at a 0-based position in filename order.
    pub fn from_position(position: usize) -> Self {
        // Positions come from loops bounded by COUNT, which fits in u32.
        Self(u32::try_from(position + 1).unwrap_or(u32::MAX))
    }

    /// The 0-based position in filename order (the row of real.json).
    pub fn position(self) -> usize {
        self.0 as usize - 1
    }

    /// An image from its number, if it is in 1..=50,000.
    pub fn new(number: u64) -> Option<Self> {
        u32::try_from(number)
            .ok()
            .filter(|n| (1..=Self::COUNT as u32).contains(n))
            .map(Self)
    }

    /// Finds `ILSVRC2012_val_NNNNNNNN` anywhere in a file name or path
    /// (`val/…`, `val.zip@/…`, `n01440764/…`, any extension).
    pub fn from_file_name(name: &str) -> Option<Self> {
        const STEM: &str = "ILSVRC2012_val_";
        let start = name.find(STEM)? + STEM.len();
        let digits = name.get(start..start + 8)?;
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        Self::new(digits.parse().ok()?)
    }

    /// The canonical file name, `ILSVRC2012_val_00000001.JPEG`.
    pub fn file_name(self) -> String {
        format!("ILSVRC2012_val_{:08}.JPEG", self.0)
    }
}

impl fmt::Display for ImageId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file_name())
    }
}

/// A row of a predictions file, 0-based. Error messages show it 1-based.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RowIndex(pub usize);

impl fmt::Display for RowIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "row {}", self.0 + 1)
    }
}
