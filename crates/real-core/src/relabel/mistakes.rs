//! The remaining mistakes of two strong models, categorised by experts (Vasudevan et al., 2022,
//! "When does dough become a bagel? Analyzing the remaining mistakes on ImageNet").
//!
//! # The published files
//!
//! `metadata/vit3b_mistakes.json` and `metadata/greedy_soups_mistakes.json` in the repository
//! `google-research/imagenet-mistakes` (commit bed8d35) are each one JSON object keyed by file
//! name, one entry per image the model got wrong under the multi-label evaluation:
//!
//! ```json
//! {"ILSVRC2012_val_00000612.JPEG": {"top_prediction": 192,
//!   "failure category": "Fine-grained error", "failure severity": "Minor"}, …}
//! ```
//!
//! - `top_prediction` is the model's top-1 as a 0-based sorted-wnid class index (image 612 is a
//!   Norwich terrier, 186; 192 is the cairn terrier next to it).
//! - `failure category` (with a space) is spelt in more ways than there are categories:
//!   "Fine-grained error", "Fine-grained error with OOV" and, in the greedy-soups file only,
//!   "Fine-grained with OOV" for the same thing, "Spurious Correlation", "Non-prototypical", and
//!   once in the ViT-3B file "Fine-grained with Multilabel Options". They are read as the five
//!   [`Category`] values; the ViT-3B file's one multi-label-options entry keeps its own
//!   category rather than being guessed into another.
//! - `failure severity` (with a space) is "Minor", "Borderline" or "Major". The repository's
//!   README says the paper's analysis counts Borderline as Minor; both are kept here.
//! - No field names the model: the file's name does ([`MistakesModel`]).
//!
//! The reader is tolerant: keys spelt with spaces, underscores or hyphens in any case
//! (`failure_category`, `category`, `severity`, `prediction` are accepted), the class as a
//! number or a string of digits, file names with folders or another extension case (`.jpeg`),
//! category spellings as listed at [`Category::parse`], severities in any case, extra fields
//! ignored, and the same records as a JSON list each naming its file (`file_name`, `file`,
//! `image`). It refuses, naming the entry: a key that is not a validation image's file name,
//! a missing or unknown category, severity or class, and one image given two different entries
//! (an exact repeat is accepted).

use super::{entry, field, quoted, whole_number, MAX_RECORDS};
use crate::dataset::Dataset;
use crate::error::ParseError;
use crate::ids::{ClassIndex, ImageId};
use crate::labels::{stem, strict_image, thousands};
use crate::predictions::Predictions;
use serde::Serialize;
use serde_json::{Map, Value};

const FORMAT: &str = "imagenet-mistakes JSON";

const PREDICTION: &[&str] = &[
    "top prediction",
    "top 1 prediction",
    "prediction",
    "predicted label",
    "predicted class",
];
const CATEGORY: &[&str] = &["failure category", "mistake category", "category"];
const SEVERITY: &[&str] = &["failure severity", "mistake severity", "severity"];
const FILE: &[&str] = &[
    "file name",
    "filename",
    "file",
    "image",
    "image name",
    "name",
    "path",
];

/// Whether a record looks like a mistake: it has a category or a severity.
pub(super) fn is_mistake(record: &Map<String, Value>) -> bool {
    field(record, CATEGORY).is_some() || field(record, SEVERITY).is_some()
}

/// Why the model's top-1 was wrong, as the paper's experts judged it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    /// A class close to a correct one (another dog breed).
    FineGrained,
    /// Fine-grained, and the object's true class is not among the 1,000 ("out of vocabulary").
    FineGrainedOutOfVocabulary,
    /// Fine-grained where several labels could hold (one entry of the ViT-3B file).
    FineGrainedMultilabel,
    /// The prediction names something that goes with the object, not the object.
    SpuriousCorrelation,
    /// The object is an unusual instance of its class.
    NonPrototypical,
}

impl Category {
    /// Every category, in the order tables show them.
    pub const ALL: [Category; 5] = [
        Category::FineGrained,
        Category::FineGrainedOutOfVocabulary,
        Category::FineGrainedMultilabel,
        Category::SpuriousCorrelation,
        Category::NonPrototypical,
    ];

    /// The name people read.
    pub fn label(self) -> &'static str {
        match self {
            Category::FineGrained => "Fine-grained",
            Category::FineGrainedOutOfVocabulary => "Fine-grained, out of vocabulary",
            Category::FineGrainedMultilabel => "Fine-grained, multi-label options",
            Category::SpuriousCorrelation => "Spurious correlation",
            Category::NonPrototypical => "Non-prototypical",
        }
    }

    /// The key in links and in `real-eval --json`, e.g. `fine-grained-oov`.
    pub fn key(self) -> &'static str {
        match self {
            Category::FineGrained => "fine-grained",
            Category::FineGrainedOutOfVocabulary => "fine-grained-oov",
            Category::FineGrainedMultilabel => "fine-grained-multilabel",
            Category::SpuriousCorrelation => "spurious-correlation",
            Category::NonPrototypical => "non-prototypical",
        }
    }

    /// A category from any of its spellings, case and punctuation aside, and
    /// the words "error" and "with" ignored: "Fine-grained error" / "Fine-grained";
    /// "Fine-grained error with OOV" / "Fine-grained with OOV" / "fine-grained out of
    /// vocabulary"; "Fine-grained with Multilabel Options" / "fine-grained multi-label";
    /// "Spurious Correlation(s)"; "Non-prototypical" / "nonprototypical"; and every [`key`].
    ///
    /// [`key`]: Category::key
    pub fn parse(text: &str) -> Option<Self> {
        let words: String = text
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    ' '
                }
            })
            .collect();
        let squashed: String = words
            .split_whitespace()
            .filter(|w| !matches!(*w, "error" | "errors" | "with"))
            .collect();
        match squashed.as_str() {
            "finegrained" => Some(Category::FineGrained),
            "finegrainedoov" | "finegrainedoutofvocabulary" => {
                Some(Category::FineGrainedOutOfVocabulary)
            }
            "finegrainedmultilabeloptions"
            | "finegrainedmultilabel"
            | "finegrainedmultilabels"
            | "finegrainedmultilabeloption" => Some(Category::FineGrainedMultilabel),
            "spuriouscorrelation" | "spuriouscorrelations" => Some(Category::SpuriousCorrelation),
            "nonprototypical" => Some(Category::NonPrototypical),
            _ => None,
        }
    }
}

/// How bad the mistake is, as the paper's experts judged it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// Arguably not a mistake.
    Minor,
    /// Between minor and major (counted as minor in the paper's analysis).
    Borderline,
    /// Clearly wrong.
    Major,
}

impl Severity {
    /// Every severity, least severe first.
    pub const ALL: [Severity; 3] = [Severity::Minor, Severity::Borderline, Severity::Major];

    /// The name people read.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Minor => "Minor",
            Severity::Borderline => "Borderline",
            Severity::Major => "Major",
        }
    }

    /// The key in links and in `real-eval --json`: `minor`, `borderline` or `major`.
    pub fn key(self) -> &'static str {
        match self {
            Severity::Minor => "minor",
            Severity::Borderline => "borderline",
            Severity::Major => "major",
        }
    }

    /// A severity in any case, surrounding space aside.
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "minor" => Some(Severity::Minor),
            "borderline" => Some(Severity::Borderline),
            "major" => Some(Severity::Major),
            _ => None,
        }
    }
}

/// The model whose mistakes a file lists, known from the file's name.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum MistakesModel {
    /// ViT-3B (`vit3b_mistakes.json`).
    Vit3b,
    /// The greedy model soup (`greedy_soups_mistakes.json`).
    GreedySoups,
    /// Another model, named by the file's stem.
    Other(String),
}

impl MistakesModel {
    /// The model a file's name speaks of: `vit3b`/`vit-3b`/`vit_3b` or `greedy…soup`, in any
    /// case and within any path; otherwise the file's stem.
    pub fn from_file_name(name: &str) -> Self {
        let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
        let squashed: String = base
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect();
        if squashed.contains("vit3b") {
            MistakesModel::Vit3b
        } else if squashed.contains("greedysoup") {
            MistakesModel::GreedySoups
        } else {
            let stem = stem(name);
            MistakesModel::Other(stem.strip_suffix("_mistakes").unwrap_or(&stem).to_string())
        }
    }

    /// The name people read: "ViT-3B", "Greedy soups" or the file's stem.
    pub fn display_name(&self) -> &str {
        match self {
            MistakesModel::Vit3b => "ViT-3B",
            MistakesModel::GreedySoups => "Greedy soups",
            MistakesModel::Other(name) => name,
        }
    }
}

/// One of the model's mistakes: 8 bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Mistake {
    /// The image.
    pub image: ImageId,
    /// The model's top-1 prediction.
    pub prediction: ClassIndex,
    /// Why it was wrong.
    pub category: Category,
    /// How wrong.
    pub severity: Severity,
}

/// One model's categorised mistakes, sorted by image.
#[derive(Clone, Debug, PartialEq)]
pub struct Mistakes {
    /// The file's name.
    pub source: String,
    /// The model the mistakes are of.
    pub model: MistakesModel,
    mistakes: Vec<Mistake>,
}

/// How a model fares on a group of mistake images.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct FareCounts {
    /// Mistake images in the group.
    pub images: usize,
    /// Of those, images the model has a prediction for.
    pub predicted: usize,
    /// Predicted images whose top-1 is the original label.
    pub original_correct: usize,
    /// Predicted images with a non-empty ReaL set (those ReaL scores).
    pub real_scored: usize,
    /// ReaL-scored images whose top-1 is in the ReaL set.
    pub real_correct: usize,
    /// Predicted images whose top-1 is the mistakes' model's own prediction.
    pub same_prediction: usize,
}

/// How a model fares on a mistakes file's images: in all, per category and per severity
/// (every category and severity, in [`Category::ALL`] and [`Severity::ALL`] order).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MistakesFare {
    /// Every mistake image.
    pub all: FareCounts,
    /// Per category.
    pub by_category: Vec<(Category, FareCounts)>,
    /// Per severity.
    pub by_severity: Vec<(Severity, FareCounts)>,
}

impl Mistakes {
    /// Reads the published object keyed by file name.
    pub(super) fn from_keyed(
        source: &str,
        entries: &[(String, Value)],
    ) -> Result<Self, ParseError> {
        check_count(entries.len())?;
        let mut read = Vec::with_capacity(entries.len());
        for (index, (name, value)) in entries.iter().enumerate() {
            let image = strict_image(name).ok_or_else(|| {
                ParseError::at(
                    FORMAT,
                    format!("entry {} (key '{}')", index + 1, crate::error::quote(name)),
                    "expected a validation image's file name such as ILSVRC2012_val_00000001.JPEG",
                )
            })?;
            let record = value.as_object().ok_or_else(|| {
                ParseError::at(
                    FORMAT,
                    entry(index, Some(image)),
                    format!(
                        "expected an object {{\"top_prediction\", \"failure category\", \"failure severity\"}}, found {}",
                        quoted(value)
                    ),
                )
            })?;
            read.push(mistake(index, image, record)?);
        }
        Self::from_mistakes(source, read)
    }

    /// Reads the same records as a list, each naming its file.
    pub(super) fn from_records(source: &str, items: &[Value]) -> Result<Self, ParseError> {
        check_count(items.len())?;
        let mut read = Vec::with_capacity(items.len());
        for (index, item) in items.iter().enumerate() {
            let record = item.as_object().ok_or_else(|| {
                ParseError::at(
                    FORMAT,
                    entry(index, None),
                    format!(
                        "expected a record {{\"file_name\", \"top_prediction\", \"failure category\", \"failure severity\"}}, found {}",
                        quoted(item)
                    ),
                )
            })?;
            let image = match field(record, FILE) {
                Some(Value::String(name)) => strict_image(name),
                _ => None,
            }
            .ok_or_else(|| {
                ParseError::at(
                    FORMAT,
                    entry(index, None),
                    "expected `file_name`, a validation image's file name such as ILSVRC2012_val_00000001.JPEG",
                )
            })?;
            read.push(mistake(index, image, record)?);
        }
        Self::from_mistakes(source, read)
    }

    /// Sorts the mistakes by image; an exact repeat is dropped, a conflicting one refused.
    fn from_mistakes(source: &str, read: Vec<Mistake>) -> Result<Self, ParseError> {
        // By image, the file's order kept among repeats (the one sort routine is stable).
        let keys: Vec<f64> = read.iter().map(|m| f64::from(m.image.0)).collect();
        let indexed: Vec<(usize, Mistake)> = crate::order::by_key(&keys)
            .into_iter()
            .filter_map(|i| Some((i, *read.get(i)?)))
            .collect();
        let mut mistakes: Vec<Mistake> = Vec::with_capacity(indexed.len());
        let mut first_index = 0usize;
        for (index, m) in indexed {
            match mistakes.last() {
                Some(last) if last.image == m.image => {
                    if *last != m {
                        return Err(ParseError::at(
                            FORMAT,
                            entry(index, Some(m.image)),
                            format!(
                                "the image is listed again, differently from entry {}: expected one entry per image",
                                first_index + 1
                            ),
                        ));
                    }
                }
                _ => {
                    first_index = index;
                    mistakes.push(m);
                }
            }
        }
        mistakes.shrink_to_fit();
        Ok(Self {
            source: source.to_string(),
            model: MistakesModel::from_file_name(source),
            mistakes,
        })
    }

    /// Mistake images.
    pub fn len(&self) -> usize {
        self.mistakes.len()
    }

    /// Whether the file lists no mistake.
    pub fn is_empty(&self) -> bool {
        self.mistakes.is_empty()
    }

    /// Every mistake, by image.
    pub fn mistakes(&self) -> &[Mistake] {
        &self.mistakes
    }

    /// The mistake on an image, if the model made one there.
    pub fn mistake(&self, image: ImageId) -> Option<&Mistake> {
        self.mistakes
            .binary_search_by_key(&image, |m| m.image)
            .ok()
            .and_then(|i| self.mistakes.get(i))
    }

    /// The mistakes of a category and a severity (`None`: any), by image.
    pub fn matching(
        &self,
        category: Option<Category>,
        severity: Option<Severity>,
    ) -> impl Iterator<Item = &Mistake> + '_ {
        self.mistakes.iter().filter(move |m| {
            category.is_none_or(|c| m.category == c) && severity.is_none_or(|s| m.severity == s)
        })
    }

    /// Memory held, in bytes.
    pub fn size_bytes(&self) -> usize {
        self.mistakes.len() * std::mem::size_of::<Mistake>()
    }

    /// How a model's top-1 predictions fare on these images.
    pub fn fare(&self, dataset: &Dataset, predictions: &Predictions) -> MistakesFare {
        self.fare_with(dataset, |image| {
            predictions
                .row_of(image)
                .map(|row| predictions.top(row).first().copied().flatten())
        })
    }

    /// How a model fares given its top-1 per image: `None` where the model has no prediction
    /// for the image, `Some(None)` where its top-1 is no ImageNet class.
    pub fn fare_with(
        &self,
        dataset: &Dataset,
        top1: impl Fn(ImageId) -> Option<Option<ClassIndex>>,
    ) -> MistakesFare {
        let mut fare = MistakesFare {
            all: FareCounts::default(),
            by_category: Category::ALL
                .iter()
                .map(|c| (*c, FareCounts::default()))
                .collect(),
            by_severity: Severity::ALL
                .iter()
                .map(|s| (*s, FareCounts::default()))
                .collect(),
        };
        for m in &self.mistakes {
            let mut counts = FareCounts {
                images: 1,
                ..FareCounts::default()
            };
            if let Some(top) = top1(m.image) {
                let real = dataset.real_labels(m.image);
                counts.predicted = 1;
                counts.original_correct = usize::from(top == Some(dataset.original_label(m.image)));
                counts.real_scored = usize::from(!real.is_empty());
                counts.real_correct = usize::from(top.is_some_and(|c| real.contains(&c)));
                counts.same_prediction = usize::from(top == Some(m.prediction));
            }
            fare.all.add(counts);
            if let Some((_, c)) = fare.by_category.iter_mut().find(|(c, _)| *c == m.category) {
                c.add(counts);
            }
            if let Some((_, s)) = fare.by_severity.iter_mut().find(|(s, _)| *s == m.severity) {
                s.add(counts);
            }
        }
        fare
    }
}

impl FareCounts {
    fn add(&mut self, other: FareCounts) {
        self.images += other.images;
        self.predicted += other.predicted;
        self.original_correct += other.original_correct;
        self.real_scored += other.real_scored;
        self.real_correct += other.real_correct;
        self.same_prediction += other.same_prediction;
    }
}

fn check_count(n: usize) -> Result<(), ParseError> {
    if n == 0 {
        return Err(ParseError::new(
            FORMAT,
            "the file lists no mistake: expected entries keyed by file name",
        ));
    }
    if n > MAX_RECORDS {
        return Err(ParseError::new(
            FORMAT,
            format!(
                "{} entries; expected at most one per validation image ({})",
                thousands(n),
                thousands(ImageId::COUNT)
            ),
        ));
    }
    Ok(())
}

/// One entry's prediction, category and severity.
fn mistake(
    index: usize,
    image: ImageId,
    record: &Map<String, Value>,
) -> Result<Mistake, ParseError> {
    let at = entry(index, Some(image));
    let prediction = field(record, PREDICTION).ok_or_else(|| {
        ParseError::at(
            FORMAT,
            &at,
            "expected `top_prediction`, the model's top-1 class",
        )
    })?;
    let prediction = whole_number(prediction).and_then(ClassIndex::new).ok_or_else(|| {
        ParseError::at(
            FORMAT,
            &at,
            format!(
                "expected `top_prediction` to be a class index 0..999 (0-based, sorted-wnid order), found {}",
                quoted(prediction)
            ),
        )
    })?;
    let category = field(record, CATEGORY)
        .ok_or_else(|| ParseError::at(FORMAT, &at, "expected `failure category`"))?;
    let category = category.as_str().and_then(Category::parse).ok_or_else(|| {
        ParseError::at(
            FORMAT,
            &at,
            format!(
                "unknown `failure category` {}: expected Fine-grained error, Fine-grained error with OOV, Fine-grained with Multilabel Options, Spurious Correlation or Non-prototypical",
                quoted(category)
            ),
        )
    })?;
    let severity = field(record, SEVERITY)
        .ok_or_else(|| ParseError::at(FORMAT, &at, "expected `failure severity`"))?;
    let severity = severity.as_str().and_then(Severity::parse).ok_or_else(|| {
        ParseError::at(
            FORMAT,
            &at,
            format!(
                "unknown `failure severity` {}: expected Minor, Borderline or Major",
                quoted(severity)
            ),
        )
    })?;
    Ok(Mistake {
        image,
        prediction,
        category,
        severity,
    })
}
