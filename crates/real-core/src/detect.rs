//! Settling how rows map to images and numbers map to classes. Files that do not say are
//! scored under every candidate against the original labels: the right reading scores far
//! higher (a ResNet-50 ~76% against ~0.1%).

use crate::dataset::Dataset;
use crate::error::ParseError;
use crate::formats::{Entries, NumberKind, RawPredictions, Rows, MISSING};
use crate::ids::{ClassIndex, Ilsvrc2012Id, ImageId};
use crate::predictions::Predictions;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// How the rows of a file map to validation images.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RowOrder {
    /// Row i is `ILSVRC2012_val_{i+1:08}.JPEG`.
    Filename,
    /// Images sorted by (wnid folder, file name), as torchvision's `ImageFolder(val/)` loads them.
    Imagefolder,
    /// The rows name their files.
    Named,
}

/// How a file's class numbers map to classes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ClassConvention {
    /// 0-based index into the sorted wnids (PyTorch, timm, Keras, real.json).
    SortedWnid,
    /// 1-based index into the sorted wnids.
    #[serde(rename = "sorted-wnid-1based")]
    SortedWnid1Based,
    /// TF-slim's 1,001 classes: 0 is background, then the sorted wnids.
    #[serde(rename = "tf-slim-1001")]
    TfSlim1001,
    /// The devkit's ILSVRC2012_IDs, 1..=1000 in its own order.
    #[serde(rename = "ilsvrc2012-id")]
    Ilsvrc2012Id,
    /// Classes named in words, mapped through the class names.
    ClassName,
}

impl RowOrder {
    /// The name used in reports, links and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            RowOrder::Filename => "filename",
            RowOrder::Imagefolder => "imagefolder",
            RowOrder::Named => "named",
        }
    }
}

impl ClassConvention {
    /// The name used in reports, links and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            ClassConvention::SortedWnid => "sorted-wnid",
            ClassConvention::SortedWnid1Based => "sorted-wnid-1based",
            ClassConvention::TfSlim1001 => "tf-slim-1001",
            ClassConvention::Ilsvrc2012Id => "ilsvrc2012-id",
            ClassConvention::ClassName => "class-name",
        }
    }

    /// The numbers a convention holds, in words for messages.
    pub fn range(self) -> &'static str {
        match self {
            ClassConvention::SortedWnid => "sorted-wnid classes 0..999",
            ClassConvention::SortedWnid1Based => "1-based classes 1..1000",
            ClassConvention::TfSlim1001 => "TF-slim classes 0..1000",
            ClassConvention::Ilsvrc2012Id => "ILSVRC2012_IDs 1..1000",
            ClassConvention::ClassName => "class names",
        }
    }

    /// Numbered conventions, in the order they are tried.
    pub const NUMBERED: [ClassConvention; 4] = [
        ClassConvention::SortedWnid,
        ClassConvention::SortedWnid1Based,
        ClassConvention::TfSlim1001,
        ClassConvention::Ilsvrc2012Id,
    ];
}

impl fmt::Display for RowOrder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for ClassConvention {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for RowOrder {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        [RowOrder::Filename, RowOrder::Imagefolder, RowOrder::Named]
            .into_iter()
            .find(|o| o.as_str() == s)
            .ok_or_else(|| {
                format!("unknown row order '{s}': expected filename, imagefolder or named")
            })
    }
}

impl FromStr for ClassConvention {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        ClassConvention::NUMBERED
            .into_iter()
            .chain([ClassConvention::ClassName])
            .find(|c| c.as_str() == s)
            .ok_or_else(|| {
                format!("unknown class convention '{s}': expected sorted-wnid, sorted-wnid-1based, tf-slim-1001 or ilsvrc2012-id")
            })
    }
}

/// Choices the caller imposes instead of detection.
///
/// Serialisable so that the page can keep them with a saved model; a missing field reads as
/// "detect".
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LoadOptions {
    /// Force the row order of a file whose rows are unnamed.
    pub order: Option<RowOrder>,
    /// Force the class convention of numbered predictions.
    pub convention: Option<ClassConvention>,
}

/// One reading of a file and how well it agrees with the original labels.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    /// Row order tried.
    pub order: RowOrder,
    /// Class convention tried.
    pub convention: ClassConvention,
    /// Share of rows whose first prediction is the original label under this reading.
    /// Top-1 rather than top-5: top-5 lists often hold neighbouring classes (dog breeds sit
    /// side by side in sorted order), which would blur an off-by-one convention.
    pub agreement: f64,
}

/// How the reading was chosen.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Detection {
    /// Every reading tried, best first.
    pub candidates: Vec<Candidate>,
    /// Whether the best reading stands far above the next (at least 5× its agreement and 1%).
    pub clear: bool,
    /// Whether the caller fixed part of the reading.
    pub overridden: bool,
}

impl Candidate {
    /// The reading in words, e.g. "rows in ImageFolder order, sorted-wnid classes".
    pub fn describe(&self) -> String {
        let rows = match self.order {
            RowOrder::Filename => "rows in filename order",
            RowOrder::Imagefolder => "rows in ImageFolder order",
            RowOrder::Named => "rows named by file",
        };
        format!("{rows}, {} classes", self.convention)
    }
}

impl Detection {
    /// A sentence on how clear the choice was.
    pub fn summary(&self) -> String {
        let pct = |c: &Candidate| format!("{:.2}%", 100.0 * c.agreement);
        match (self.candidates.first(), self.candidates.get(1)) {
            (Some(best), Some(next)) => {
                format!(
                "{}: {} top-1 agreement with the original labels, against {} for the next reading ({}){}",
                best.describe(),
                pct(best),
                pct(next),
                next.describe(),
                if self.clear { "" } else { " — not a clear choice" }
            )
            }
            (Some(best), None) => format!(
                "{}: {} top-1 agreement with the original labels (the only reading {})",
                best.describe(),
                pct(best),
                if self.overridden {
                    "left by the override"
                } else {
                    "that fits the file"
                }
            ),
            _ => String::new(),
        }
    }
}

/// Maps a class number under a convention. `Ok(None)` is a valid number that is no ImageNet
/// class (TF-slim background); `Err(())` is a number the convention cannot hold.
fn map_label(
    dataset: &Dataset,
    convention: ClassConvention,
    kind: NumberKind,
    value: i64,
) -> Result<Option<ClassIndex>, ()> {
    if value == MISSING {
        return Ok(None);
    }
    // A score matrix's column j is label j under sorted-wnid and TF-slim, and ID j+1.
    let value = match (kind, convention) {
        (NumberKind::Columns(_), ClassConvention::Ilsvrc2012Id) => value + 1,
        _ => value,
    };
    match convention {
        ClassConvention::SortedWnid => ClassIndex::new(value).map(Some).ok_or(()),
        ClassConvention::SortedWnid1Based => ClassIndex::new(value - 1).map(Some).ok_or(()),
        ClassConvention::TfSlim1001 if value == 0 => Ok(None),
        ClassConvention::TfSlim1001 => ClassIndex::new(value - 1).map(Some).ok_or(()),
        ClassConvention::Ilsvrc2012Id => u16::try_from(value)
            .ok()
            .and_then(|v| dataset.class_of_ilsvrc2012_id(Ilsvrc2012Id(v)))
            .map(Some)
            .ok_or(()),
        ClassConvention::ClassName => Err(()),
    }
}

/// Conventions a file of this kind could use.
fn conventions_for(kind: NumberKind, values: &[i64]) -> Vec<ClassConvention> {
    match kind {
        NumberKind::Columns(1001) => vec![ClassConvention::TfSlim1001],
        NumberKind::Columns(_) => vec![ClassConvention::SortedWnid, ClassConvention::Ilsvrc2012Id],
        NumberKind::Labels => {
            // 1-based and TF-slim read 1..=1000 alike; TF-slim is a separate reading only when
            // some row predicts its background class 0.
            let has_zero = values.contains(&0);
            ClassConvention::NUMBERED
                .into_iter()
                .filter(|c| *c != ClassConvention::TfSlim1001 || has_zero)
                .collect()
        }
    }
}

/// Settles order and convention and builds validated predictions.
pub fn resolve(
    raw: RawPredictions,
    dataset: &Dataset,
    options: &LoadOptions,
) -> Result<Predictions, ParseError> {
    let format = raw.format;
    let rows_in_file = raw.rows.len();
    let mut warnings = raw.warnings;
    if rows_in_file == 0 {
        return Err(ParseError::new(format, "the file has no prediction rows"));
    }
    // Candidate row → image maps.
    let orders: Vec<(RowOrder, Vec<ImageId>)> = match raw.rows {
        Rows::Named(images) => {
            if let Some(order) = options.order.filter(|o| *o != RowOrder::Named) {
                warnings.push(format!(
                    "the rows name their images, so the row order '{order}' given was not used"
                ));
            }
            vec![(RowOrder::Named, images)]
        }
        Rows::Unnamed(n) => {
            if n > dataset.image_count() {
                return Err(ParseError::new(
                    format,
                    format!(
                        "the file has {n} rows but there are only {} validation images",
                        dataset.image_count()
                    ),
                ));
            }
            if options.order == Some(RowOrder::Named) {
                return Err(ParseError::new(
                    format,
                    "the order 'named' was given, but the rows do not name their images",
                ));
            }
            let filename: Vec<ImageId> = (0..n).map(ImageId::from_position).collect();
            let imagefolder = dataset.imagefolder_order()[..n].to_vec();
            [
                (RowOrder::Filename, filename),
                (RowOrder::Imagefolder, imagefolder),
            ]
            .into_iter()
            .filter(|(o, _)| options.order.is_none_or(|want| want == *o))
            .collect()
        }
    };
    let k = raw.k;
    // Candidate conventions, each with its row → classes mapping.
    let readings: Vec<(ClassConvention, Vec<Option<ClassIndex>>)> = match raw.entries {
        Entries::Classes(classes) => vec![(ClassConvention::ClassName, classes)],
        Entries::Numbers { kind, values } => {
            let candidates = match options.convention {
                Some(c) => vec![c],
                None => conventions_for(kind, &values),
            };
            let mut readings = Vec::new();
            let mut misfits = Vec::new();
            for convention in candidates {
                let mut classes = Vec::with_capacity(values.len());
                let mut outside = Outside::default();
                for (i, v) in values.iter().enumerate() {
                    match map_label(dataset, convention, kind, *v) {
                        Ok(c) => classes.push(c),
                        Err(()) => {
                            outside.note(i / k, *v);
                            classes.push(None);
                        }
                    }
                }
                if outside.rows == 0 {
                    readings.push((convention, classes));
                } else {
                    misfits.push((convention, classes, outside));
                }
            }
            if let (Some(given), Some((_, _, outside))) = (options.convention, misfits.first()) {
                let (row, value) = outside.first.unwrap_or((0, 0));
                return Err(ParseError::at(
                    format,
                    format!("row {}", row + 1),
                    format!(
                        "holds {value}, outside the {} of the class convention given ({given}); expected 0..999, 1..1000, TF-slim 0..1000 or ILSVRC2012_IDs 1..1000, or no convention given",
                        given.range()
                    ),
                ));
            }
            refuse_misfit(dataset, format, k, &orders, &readings, &misfits)?;
            readings
        }
    };
    let mut candidates = Vec::new();
    for (oi, (order, images)) in orders.iter().enumerate() {
        for (ci, (convention, classes)) in readings.iter().enumerate() {
            let hits = images
                .iter()
                .enumerate()
                .filter(|(row, image)| classes[row * k] == Some(dataset.original_label(**image)))
                .count();
            candidates.push((hits, oi, ci, *order, *convention));
        }
    }
    // Most hits first; among equals, the earlier (more common) reading.
    // (Candidates come in reading order, which ties keep.)
    let keys: Vec<f64> = candidates.iter().map(|c| -(c.0 as f64)).collect();
    let candidates = crate::order::apply(&candidates, &crate::order::by_key(&keys));
    let &(best_hits, oi, ci, order, convention) = &candidates[0];
    let rate = |hits: usize| hits as f64 / rows_in_file as f64;
    let detection = Detection {
        clear: match candidates.get(1) {
            Some(next) => rate(best_hits) >= 0.01 && best_hits >= 5 * next.0.max(1),
            None => true,
        },
        overridden: options.order.is_some() || options.convention.is_some(),
        candidates: candidates
            .iter()
            .map(|(hits, _, _, order, convention)| Candidate {
                order: *order,
                convention: *convention,
                agreement: rate(*hits),
            })
            .collect(),
    };
    if !detection.clear {
        warnings.push(format!(
            "the row order and class convention could not be told apart with confidence ({}); set them by hand if they are wrong",
            detection.summary()
        ));
    }
    let images = orders
        .into_iter()
        .nth(oi)
        .map(|(_, images)| images)
        .unwrap_or_default();
    let classes = readings
        .into_iter()
        .nth(ci)
        .map(|(_, classes)| classes)
        .unwrap_or_default();
    let mut predictions = Predictions {
        format: format.to_string(),
        order,
        convention,
        detection: Some(detection),
        k,
        rows_in_file,
        images,
        classes,
        scores: raw.scores,
        warnings,
        row_of_image: Vec::new(),
    };
    drop_repeats(&mut predictions);
    predictions.index_rows();
    if predictions.len() < dataset.image_count() {
        let note = match predictions.order {
                RowOrder::Named => format!(
                    "the file covers {} of the {} validation images; figures are over those images only",
                    predictions.len(),
                    dataset.image_count()
                ),
                order => format!(
                    "the file has {} rows, fewer than the {} validation images; they were read as the first {} images in {order} order",
                    predictions.len(),
                    dataset.image_count(),
                    predictions.len()
                ),
        };
        predictions.warnings.push(note);
    }
    Ok(predictions)
}

/// Class numbers a convention cannot hold: how many rows, and the first.
#[derive(Default)]
struct Outside {
    rows: usize,
    last_row: Option<usize>,
    first: Option<(usize, i64)>,
}

impl Outside {
    fn note(&mut self, row: usize, value: i64) {
        if self.last_row != Some(row) {
            self.rows += 1;
            self.last_row = Some(row);
        }
        self.first.get_or_insert((row, value));
    }
}

/// Top-1 agreement with the original labels of `classes` under the best of `orders`.
fn best_hits(
    dataset: &Dataset,
    k: usize,
    orders: &[(RowOrder, Vec<ImageId>)],
    classes: &[Option<ClassIndex>],
) -> usize {
    orders
        .iter()
        .map(|(_, images)| {
            images
                .iter()
                .enumerate()
                .filter(|(row, image)| {
                    classes.get(row * k).copied().flatten() == Some(dataset.original_label(**image))
                })
                .count()
        })
        .max()
        .unwrap_or(0)
}

/// Refuses a file some of whose class numbers are outside the convention it otherwise
/// follows: one stray number must name its row, not quietly switch the whole file to
/// another convention (where it would score near zero). Also refuses a file no convention
/// can read at all.
fn refuse_misfit(
    dataset: &Dataset,
    format: &'static str,
    k: usize,
    orders: &[(RowOrder, Vec<ImageId>)],
    readings: &[(ClassConvention, Vec<Option<ClassIndex>>)],
    misfits: &[(ClassConvention, Vec<Option<ClassIndex>>, Outside)],
) -> Result<(), ParseError> {
    let clean = readings
        .iter()
        .map(|(_, classes)| best_hits(dataset, k, orders, classes))
        .max();
    let rows = orders.first().map_or(0, |(_, images)| images.len()).max(1);
    let hits: Vec<f64> = misfits
        .iter()
        .map(|(_, classes, _)| -(best_hits(dataset, k, orders, classes) as f64))
        .collect();
    let Some(&best) = crate::order::by_key(&hits).first() else {
        return Ok(());
    };
    let (convention, _, outside) = &misfits[best];
    let hits = -hits[best] as usize;
    // The file follows this convention when, ignoring the stray rows, it agrees with the
    // original labels clearly better than any reading that holds every number.
    let follows = hits * 100 >= rows && hits >= 5 * clean.unwrap_or(0).max(1);
    if !follows && clean.is_some() {
        return Ok(());
    }
    let (row, value) = outside.first.unwrap_or((0, 0));
    let others = if outside.rows > 1 {
        format!(
            " (and {} more rows)",
            crate::labels::thousands(outside.rows - 1)
        )
    } else {
        String::new()
    };
    let message = if follows {
        format!(
            "holds {value}{others}, outside the {} the rest of the file follows ({:.1}% agree with the original labels read so); fix or drop that row",
            convention.range(),
            100.0 * hits as f64 / rows as f64
        )
    } else {
        format!(
            "holds {value}{others}: the class numbers fit no class convention; expected 0..999, 1..1000, TF-slim 0..1000 or ILSVRC2012_IDs 1..1000"
        )
    };
    Err(ParseError::at(format, format!("row {}", row + 1), message))
}

/// Keeps the first row of each image and says how many repeats were dropped.
fn drop_repeats(p: &mut Predictions) {
    let mut seen = vec![false; ImageId::COUNT];
    let mut keep = Vec::with_capacity(p.images.len());
    let mut repeats = Vec::new();
    for (row, image) in p.images.iter().enumerate() {
        let slot = &mut seen[image.position()];
        if *slot {
            repeats.push(row);
        } else {
            *slot = true;
            keep.push(row);
        }
    }
    if repeats.is_empty() {
        return;
    }
    let k = p.k;
    let examples: Vec<String> = repeats
        .iter()
        .take(3)
        .map(|r| format!("row {} ({})", r + 1, p.images[*r]))
        .collect();
    p.warnings.push(format!(
        "{} rows repeat an image named earlier and were left out, the first row of each image being kept: {}",
        repeats.len(),
        examples.join(", ")
    ));
    p.images = keep.iter().map(|r| p.images[*r]).collect();
    p.classes = keep
        .iter()
        .flat_map(|r| p.classes[r * k..(r + 1) * k].iter().copied())
        .collect();
    if let Some(scores) = &p.scores {
        p.scores = Some(
            keep.iter()
                .flat_map(|r| scores[r * k..(r + 1) * k].iter().copied())
                .collect(),
        );
    }
}
