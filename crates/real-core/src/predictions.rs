//! Validated predictions: every kept row names one validation image and its best-first classes.

use crate::detect::{ClassConvention, Detection, RowOrder};
use crate::ids::{ClassIndex, ImageId};

/// Predictions for some or all of the 50,000 validation images, ready to score.
///
/// A Web Worker hands them to the page as flat parts: [`Predictions::into_parts`] and
/// [`Predictions::from_parts`].
#[derive(Clone, Debug)]
pub struct Predictions {
    /// The format the file was read as, e.g. "NumPy .npy".
    pub format: String,
    /// How rows map to images.
    pub order: RowOrder,
    /// How numbers in the file map to classes.
    pub convention: ClassConvention,
    /// How order and convention were chosen, when the file did not say.
    pub detection: Option<Detection>,
    /// Predictions kept per row (best first).
    pub k: usize,
    /// Rows in the file, before duplicates were dropped.
    pub rows_in_file: usize,
    /// The image of each kept row; no image appears twice.
    pub images: Vec<ImageId>,
    /// `classes[row * k .. row * k + k]`, best first; `None` where a prediction is no
    /// ImageNet class (TF-slim background, an ambiguous or unknown name, a missing cell).
    pub classes: Vec<Option<ClassIndex>>,
    /// The model's scores for those classes, when the file has them.
    pub scores: Option<Vec<f32>>,
    /// Things the user should know: ambiguous names, repeated rows, a partial file.
    pub warnings: Vec<String>,
    /// `row_of_image[image.position()]` is the image's kept row, or `u32::MAX`.
    pub(crate) row_of_image: Vec<u32>,
}

impl Predictions {
    /// Number of kept rows (distinct images).
    pub fn len(&self) -> usize {
        self.images.len()
    }

    /// Whether no row was kept.
    pub fn is_empty(&self) -> bool {
        self.images.is_empty()
    }

    /// The best-first predictions of one kept row.
    pub fn top(&self, row: usize) -> &[Option<ClassIndex>] {
        &self.classes[row * self.k..(row + 1) * self.k]
    }

    /// The kept row of an image, if the file covers it.
    pub fn row_of(&self, image: ImageId) -> Option<usize> {
        self.row_of_image
            .get(image.position())
            .filter(|r| **r != u32::MAX)
            .map(|r| *r as usize)
    }

    /// Fills the image → row index; called once the kept rows are final.
    pub(crate) fn index_rows(&mut self) {
        self.row_of_image = vec![u32::MAX; ImageId::COUNT];
        for (row, image) in self.images.iter().enumerate() {
            if let Some(slot) = self.row_of_image.get_mut(image.position()) {
                *slot = row as u32;
            }
        }
    }

    /// The scores of one kept row, when the file has them.
    pub fn top_scores(&self, row: usize) -> Option<&[f32]> {
        self.scores
            .as_ref()
            .map(|s| &s[row * self.k..(row + 1) * self.k])
    }
}

impl Predictions {
    /// The original annotation as a top-1 "model": every image predicted as its original
    /// label. Its ReaL top-1 (90.02%) is the original labels' own score under ReaL.
    pub fn original_labels(dataset: &crate::dataset::Dataset) -> Self {
        let images: Vec<ImageId> = dataset.images().collect();
        let classes = images
            .iter()
            .map(|i| Some(dataset.original_label(*i)))
            .collect();
        let mut predictions = Self {
            format: "the original labels".into(),
            order: RowOrder::Named,
            convention: ClassConvention::SortedWnid,
            detection: None,
            k: 1,
            rows_in_file: images.len(),
            images,
            classes,
            scores: None,
            warnings: Vec::new(),
            row_of_image: Vec::new(),
        };
        predictions.index_rows();
        predictions
    }
}

impl Predictions {
    /// Memory the predictions hold, in bytes (rows, classes, scores and the image index).
    pub fn size_bytes(&self) -> usize {
        use std::mem::size_of;
        self.images.len() * size_of::<ImageId>()
            + self.classes.len() * size_of::<Option<ClassIndex>>()
            + self
                .scores
                .as_ref()
                .map_or(0, |s| s.len() * size_of::<f32>())
            + self.row_of_image.len() * size_of::<u32>()
    }
}
