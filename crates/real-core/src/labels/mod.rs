//! Label sets: for each validation image, the set of classes that count as correct.
//!
//! Two are built in — the single original label and the ReaL set — and any number more come
//! from label files (a user's own relabeling, a stricter or looser ReaL). Every label set is
//! scored the same way: a top-k prediction is correct when any of its first k classes is in
//! the image's set; an image with an empty set is left out; an image the set does not cover
//! is missing from it.

mod read;

pub use read::{looks_like_labels, read};
pub(crate) use read::{strict_image, thousands, KeyedEntries};

use crate::dataset::Dataset;
use crate::ids::{ClassIndex, ImageId};
use serde::{Deserialize, Serialize};

/// The key of the built-in original labels.
pub const ORIGINAL: &str = "original";
/// The key of the built-in ReaL labels.
pub const REAL: &str = "real";

/// One label set over the 50,000 validation images, in a compact form (about 300 KB for ReaL).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LabelSet {
    /// The key in links and in `real-eval --json`: `original`, `real`, or a loaded file's stem
    /// made unique with `-2`, `-3`…. Renaming never changes it.
    pub key: String,
    /// Where it came from, e.g. "built in" or the file's name.
    pub source: String,
    /// How the file was read, e.g. "JSON, real.json layout".
    pub format: String,
    /// What the user should know about the file (partial coverage, an unusual numbering).
    pub warnings: Vec<String>,
    /// `classes[start[i]..start[i + 1]]` is the set of the image at position i.
    /// Crate-visible so that `compact` can write and rebuild it without a copy per image.
    pub(crate) start: Vec<u32>,
    pub(crate) classes: Vec<ClassIndex>,
    /// Whether the set says anything about the image at position i.
    pub(crate) covered: Vec<bool>,
}

impl LabelSet {
    /// Builds a label set from one optional set per image position (`None`: not covered).
    /// Sets are stored sorted; the caller has rejected repeats and out-of-range classes.
    pub fn from_sets(
        key: impl Into<String>,
        source: impl Into<String>,
        format: impl Into<String>,
        sets: Vec<Option<Vec<ClassIndex>>>,
    ) -> Self {
        let mut start = Vec::with_capacity(sets.len() + 1);
        let mut classes = Vec::new();
        let mut covered = Vec::with_capacity(sets.len());
        start.push(0);
        for set in sets {
            covered.push(set.is_some());
            let set = set.unwrap_or_default();
            let keys: Vec<f64> = set.iter().map(|c| f64::from(c.0)).collect();
            classes.extend(crate::order::apply(&set, &crate::order::by_key(&keys)));
            start.push(u32::try_from(classes.len()).unwrap_or(u32::MAX));
        }
        Self {
            key: key.into(),
            source: source.into(),
            format: format.into(),
            warnings: Vec::new(),
            start,
            classes,
            covered,
        }
    }

    /// The original label of every image, as a set of one.
    pub fn original(dataset: &Dataset) -> Self {
        let sets = dataset
            .images()
            .map(|image| Some(vec![dataset.original_label(image)]))
            .collect();
        Self::from_sets(ORIGINAL, "built in", "ILSVRC-2012 validation labels", sets)
    }

    /// The ReaL set of every image (Beyer et al., 2020); empty for 3,163 images.
    pub fn real(dataset: &Dataset) -> Self {
        let sets = dataset
            .images()
            .map(|image| Some(dataset.real_labels(image).to_vec()))
            .collect();
        Self::from_sets(REAL, "built in", "ReaL labels (Beyer et al., 2020)", sets)
    }

    /// The image's set, or `None` when the label set does not cover the image.
    pub fn labels(&self, image: ImageId) -> Option<&[ClassIndex]> {
        let i = image.position();
        if !self.covered.get(i).copied().unwrap_or(false) {
            return None;
        }
        let from = *self.start.get(i)? as usize;
        let to = *self.start.get(i + 1)? as usize;
        self.classes.get(from..to)
    }

    /// Images the set covers.
    pub fn covered(&self) -> usize {
        self.covered.iter().filter(|c| **c).count()
    }

    /// Covered images with a non-empty set (those it scores).
    pub fn scored(&self) -> usize {
        self.covered
            .iter()
            .enumerate()
            .filter(|(i, c)| **c && self.start.get(i + 1) > self.start.get(*i))
            .count()
    }

    /// Whether the set is one of the two that ship with the page.
    pub fn is_built_in(&self) -> bool {
        self.key == ORIGINAL || self.key == REAL
    }

    /// Memory held, in bytes (for the workspace's report).
    pub fn size_bytes(&self) -> usize {
        self.start.len() * 4 + self.classes.len() * 2 + self.covered.len()
    }
}

/// A label set key for a file, unique among `taken`: the file's stem (its name without
/// folders and without its last extension), then `-2`, `-3`… on a collision. The page and
/// `real-eval` both use this, so a key means the same in either.
pub fn unique_key<'a>(file_name: &str, taken: impl IntoIterator<Item = &'a str> + Clone) -> String {
    let stem = stem(file_name);
    let is_taken = |candidate: &str| taken.clone().into_iter().any(|t| t == candidate);
    if !is_taken(&stem) {
        return stem;
    }
    (2..)
        .map(|n| format!("{stem}-{n}"))
        .find(|candidate| !is_taken(candidate))
        .unwrap_or(stem)
}

/// A file's stem: no folders, no last extension; "labels" when nothing is left.
pub fn stem(file_name: &str) -> String {
    let base = file_name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(file_name)
        .trim();
    let stem = match base.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem,
        _ => base,
    };
    if stem.is_empty() {
        "labels".into()
    } else {
        stem.chars().take(80).collect()
    }
}
