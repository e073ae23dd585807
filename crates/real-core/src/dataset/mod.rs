//! The ImageNet validation data the tool carries: ReaL label sets, original labels and names.

pub mod asset;
mod encoding;
mod facts;
mod names;
pub mod sha256;

pub use asset::AssetError;
pub use encoding::DecodeError;
pub use facts::DatasetFacts;
pub use names::NameMatch;

use crate::ids::{ClassIndex, Ilsvrc2012Id, ImageId};
use std::sync::OnceLock;

/// The embedded data file, built by `tools/build_data.py` from pinned registry packages. The
/// page leaves it out (feature `embedded` off) and fetches the file as its own asset.
#[cfg(feature = "embedded")]
pub static EMBEDDED: &[u8] = include_bytes!("../../../../assets/imagenet-val.bin");

/// One ImageNet-1k class.
#[derive(Clone, Debug, PartialEq)]
pub struct ClassInfo {
    /// WordNet id, e.g. "n01440764".
    pub wnid: String,
    /// Unambiguous short display name, e.g. "tench" or "crane (bird)".
    pub name: String,
    /// The full lemma text, e.g. "tench, Tinca tinca".
    pub lemmas: String,
    /// The class's ILSVRC2012_ID in the devkit's order.
    pub ilsvrc2012_id: Ilsvrc2012Id,
}

/// The 50,000 validation images with their labels, and the 1,000 classes.
#[derive(Clone, Debug)]
pub struct Dataset {
    classes: Vec<ClassInfo>,
    /// Sorted index of each ILSVRC2012_ID (`class_of_id[id - 1]`).
    class_of_id: Vec<ClassIndex>,
    /// Original label of each image, in filename order.
    original: Vec<ClassIndex>,
    /// `real_labels[real_start[i]..real_start[i + 1]]` is image i's ReaL set.
    real_start: Vec<u32>,
    real_labels: Vec<ClassIndex>,
    /// Images in ImageFolder order: sorted by (wnid folder, file name). Built on first use,
    /// like the name index, so that opening the page decodes only what it shows.
    imagefolder: OnceLock<Vec<ImageId>>,
    names: OnceLock<names::NameIndex>,
}

impl Dataset {
    /// Decodes the embedded data file.
    #[cfg(feature = "embedded")]
    pub fn embedded() -> Result<Self, DecodeError> {
        encoding::decode(EMBEDDED)
    }

    /// Decodes a data file in the layout `tools/build_data.py` writes.
    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        encoding::decode(bytes)
    }

    pub(crate) fn from_parts(
        classes: Vec<ClassInfo>,
        original: Vec<ClassIndex>,
        real_start: Vec<u32>,
        real_labels: Vec<ClassIndex>,
    ) -> Self {
        let mut class_of_id = vec![ClassIndex(0); classes.len()];
        for (i, class) in classes.iter().enumerate() {
            if let Some(slot) =
                class_of_id.get_mut(usize::from(class.ilsvrc2012_id.0).wrapping_sub(1))
            {
                *slot = ClassIndex(i as u16);
            }
        }
        Self {
            classes,
            class_of_id,
            original,
            real_start,
            real_labels,
            imagefolder: OnceLock::new(),
            names: OnceLock::new(),
        }
    }

    /// Number of validation images (50,000).
    pub fn image_count(&self) -> usize {
        self.original.len()
    }

    /// All classes in sorted-wnid order.
    pub fn classes(&self) -> &[ClassInfo] {
        &self.classes
    }

    /// One class.
    pub fn class(&self, class: ClassIndex) -> &ClassInfo {
        &self.classes[class.get()]
    }

    /// The sorted-wnid class of an ILSVRC2012_ID, if the ID is in 1..=1000.
    pub fn class_of_ilsvrc2012_id(&self, id: Ilsvrc2012Id) -> Option<ClassIndex> {
        self.class_of_id
            .get(usize::from(id.0).checked_sub(1)?)
            .copied()
    }

    /// The original (single) label of an image.
    pub fn original_label(&self, image: ImageId) -> ClassIndex {
        self.original[image.position()]
    }

    /// The ReaL label set of an image; empty when no label fits (the image is not scored).
    pub fn real_labels(&self, image: ImageId) -> &[ClassIndex] {
        let i = image.position();
        &self.real_labels[self.real_start[i] as usize..self.real_start[i + 1] as usize]
    }

    /// The images in ImageFolder order (sorted by wnid folder, then file name).
    pub fn imagefolder_order(&self) -> &[ImageId] {
        self.imagefolder.get_or_init(|| {
            let keys: Vec<f64> = self
                .images()
                .map(|image| f64::from(self.original[image.position()].0))
                .collect();
            // A stable order keeps file-name order inside each wnid folder.
            crate::order::by_key(&keys)
                .into_iter()
                .map(ImageId::from_position)
                .collect()
        })
    }

    /// Every image in filename order.
    pub fn images(&self) -> impl Iterator<Item = ImageId> {
        (0..self.image_count()).map(ImageId::from_position)
    }

    /// Looks a class up by a name as files write it: the short name, the full lemma text, one
    /// lemma, or the wnid; case and surrounding space do not matter.
    pub fn class_by_name(&self, name: &str) -> NameMatch {
        self.names
            .get_or_init(|| names::NameIndex::new(&self.classes))
            .find(name)
    }

    /// The facts the ReaL paper's data must reproduce.
    pub fn facts(&self) -> DatasetFacts {
        DatasetFacts::compute(self)
    }
}
