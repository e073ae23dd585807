//! Summary facts of the label sets, the figures the ReaL paper's data must reproduce.

use super::Dataset;
use serde::Serialize;

/// Dataset-wide counts (original label vs ReaL set).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DatasetFacts {
    /// Validation images.
    pub images: usize,
    /// Classes.
    pub classes: usize,
    /// Images with an empty ReaL set, left out of ReaL scores.
    pub excluded: usize,
    /// Images with at least one ReaL label.
    pub scored: usize,
    /// Images with exactly one ReaL label.
    pub single_label: usize,
    /// Images with two or more ReaL labels.
    pub multi_label: usize,
    /// `images_by_label_count[n]` images have exactly n ReaL labels.
    pub images_by_label_count: Vec<usize>,
    /// ReaL labels over all images.
    pub real_labels: usize,
    /// Scored images whose original label is in the ReaL set.
    pub original_in_real: usize,
    /// Scored images whose original label is not in the ReaL set.
    pub original_not_in_real: usize,
    /// Images whose ReaL set is exactly {original label}.
    pub real_equals_original: usize,
}

impl DatasetFacts {
    pub(super) fn compute(data: &Dataset) -> Self {
        let mut facts = Self {
            images: data.image_count(),
            classes: data.classes().len(),
            excluded: 0,
            scored: 0,
            single_label: 0,
            multi_label: 0,
            images_by_label_count: Vec::new(),
            real_labels: 0,
            original_in_real: 0,
            original_not_in_real: 0,
            real_equals_original: 0,
        };
        for image in data.images() {
            let real = data.real_labels(image);
            let original = data.original_label(image);
            if facts.images_by_label_count.len() <= real.len() {
                facts.images_by_label_count.resize(real.len() + 1, 0);
            }
            facts.images_by_label_count[real.len()] += 1;
            facts.real_labels += real.len();
            match real.len() {
                0 => facts.excluded += 1,
                1 => facts.single_label += 1,
                _ => facts.multi_label += 1,
            }
            if real.is_empty() {
                continue;
            }
            facts.scored += 1;
            if real.contains(&original) {
                facts.original_in_real += 1;
            } else {
                facts.original_not_in_real += 1;
            }
            if real == [original] {
                facts.real_equals_original += 1;
            }
        }
        facts
    }
}
