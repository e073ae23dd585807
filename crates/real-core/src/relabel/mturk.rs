//! cleanlab's crowd votes on ImageNet validation images (Northcutt et al., 2021, "Pervasive
//! Label Errors in Test Sets Destabilize Machine Learning Benchmarks").
//!
//! # The published file
//!
//! `mturk/imagenet_mturk.json` in the repository `cleanlab/label-errors` (commit 5457895) is a
//! JSON list of 5,440 records, one per image that cleanlab flagged, grouped by original class:
//!
//! ```json
//! [{"id": 293,
//!   "url": "https://labelerrors.com//static/imagenet/val/n01440764/ILSVRC2012_val_00000293.JPEG",
//!   "given_original_label": 0, "given_original_label_name": "tench",
//!   "our_guessed_label": 48, "our_guessed_label_name": "Komodo dragon",
//!   "mturk": {"given": 5, "guessed": 0, "neither": 0, "both": 0}}, …]
//! ```
//!
//! - `id` is the image's **1-based file number**: record 293 is `ILSVRC2012_val_00000293.JPEG`,
//!   as its `url` says and as its given label (0, tench) confirms against the original labels.
//!   The repository's `mturk/README.md` calls it "the index into the corresponding files", which
//!   would be 0-based; the file itself is not.
//! - `given_original_label` and `our_guessed_label` are 0-based sorted-wnid class indices (the
//!   crate's [`ClassIndex`]); `given_original_label` is the original ILSVRC-2012 label.
//! - `mturk` holds how many of the five workers saw the given label, the guessed one, both or
//!   neither in the image; in the records seen the four add up to 5.
//!
//! The reader is tolerant of what such a file may hold: ids and counts as numbers or strings of
//! digits, keys spelt with spaces, underscores or hyphens in any case (`given label`,
//! `guessed_label`, `votes` for `mturk` are accepted too), extra fields ignored, a record
//! without `id` named by its `url` or `file`, and a record repeated word for word. It refuses,
//! naming the entry: a missing or out-of-range id, class or vote count, an `id` that disagrees
//! with the record's `url`, votes with more than one majority, and one image given two
//! different records. Not seen in the published file and so not known: whether any record
//! repeats an image (the reader accepts exact repeats, refuses conflicting ones).

use super::{entry, field, quoted, whole_number, MAX_RECORDS};
use crate::dataset::Dataset;
use crate::error::ParseError;
use crate::ids::{ClassIndex, ImageId};
use crate::labels::{strict_image, thousands, LabelSet};
use serde_json::{Map, Value};

const FORMAT: &str = "cleanlab MTurk JSON";

/// The key of the crowd-corrected label set in links and in `real-eval --json`.
pub const CROWD: &str = "crowd";
/// The crowd-corrected label set's name for people.
pub const CROWD_NAME: &str = "original, crowd-corrected";
/// Votes that make a majority of the five workers.
pub const MAJORITY: u8 = 3;

/// The record's vote object, as its key may be spelt.
pub(super) const VOTES: &[&str] = &["mturk", "votes"];
const ID: &[&str] = &["id"];
const FILE: &[&str] = &["url", "file", "file name", "filename", "image", "path"];
const GIVEN: &[&str] = &[
    "given original label",
    "given label",
    "original label",
    "given",
];
const GUESSED: &[&str] = &["our guessed label", "guessed label", "guessed"];

/// How many of the workers saw each answer in the image.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CrowdVotes {
    /// The given (original) label only.
    pub given: u8,
    /// cleanlab's guessed label only.
    pub guessed: u8,
    /// Both labels.
    pub both: u8,
    /// Neither label.
    pub neither: u8,
}

/// What the majority of the workers said about an image.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CrowdVerdict {
    /// The given label only (`given` ≥ 3).
    Given,
    /// The guessed label only (`guessed` ≥ 3).
    Guessed,
    /// Both labels (`both` ≥ 3).
    Both,
    /// Neither label (`neither` ≥ 3).
    Neither,
    /// No answer reached 3 votes.
    NoMajority,
}

impl CrowdVotes {
    /// The answer at least [`MAJORITY`] workers gave, if any.
    pub fn verdict(self) -> CrowdVerdict {
        if self.guessed >= MAJORITY {
            CrowdVerdict::Guessed
        } else if self.both >= MAJORITY {
            CrowdVerdict::Both
        } else if self.neither >= MAJORITY {
            CrowdVerdict::Neither
        } else if self.given >= MAJORITY {
            CrowdVerdict::Given
        } else {
            CrowdVerdict::NoMajority
        }
    }

    /// Whether fewer than [`MAJORITY`] workers saw the original label (alone or with the
    /// guessed one): the crowd did not accept it.
    pub fn rejects_given(self) -> bool {
        u16::from(self.given) + u16::from(self.both) < u16::from(MAJORITY)
    }

    /// All votes cast.
    pub fn total(self) -> u16 {
        [self.given, self.guessed, self.both, self.neither]
            .iter()
            .map(|v| u16::from(*v))
            .sum()
    }
}

/// One judged image: 12 bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CrowdJudgement {
    /// The image.
    pub image: ImageId,
    /// The label the workers were shown as given (the original ILSVRC-2012 label).
    pub given: ClassIndex,
    /// cleanlab's proposed label.
    pub guessed: ClassIndex,
    /// The workers' votes.
    pub votes: CrowdVotes,
}

impl CrowdJudgement {
    /// The image's crowd-corrected set: the guessed label where the majority saw it alone, both
    /// where it saw both, none where it saw neither, else the given label.
    pub fn crowd_labels(&self) -> Vec<ClassIndex> {
        match self.votes.verdict() {
            CrowdVerdict::Guessed => vec![self.guessed],
            CrowdVerdict::Both if self.guessed != self.given => vec![self.given, self.guessed],
            CrowdVerdict::Neither => Vec::new(),
            CrowdVerdict::Both | CrowdVerdict::Given | CrowdVerdict::NoMajority => {
                vec![self.given]
            }
        }
    }
}

/// cleanlab's crowd votes, one record per judged image, sorted by image.
#[derive(Clone, Debug, PartialEq)]
pub struct Mturk {
    /// The file's name.
    pub source: String,
    judgements: Vec<CrowdJudgement>,
}

impl Mturk {
    /// Reads the published list of records.
    pub(super) fn from_records(source: &str, items: &[Value]) -> Result<Self, ParseError> {
        if items.is_empty() {
            return Err(ParseError::new(
                FORMAT,
                "the list is empty: expected one record per judged image",
            ));
        }
        if items.len() > MAX_RECORDS {
            return Err(ParseError::new(
                FORMAT,
                format!(
                    "{} records; expected at most one per validation image ({})",
                    thousands(items.len()),
                    thousands(ImageId::COUNT)
                ),
            ));
        }
        // Per image position, 1 + the index of its judgement in `judgements` (0: none yet),
        // and per judgement the entry it came from, so a repeat is found in constant time.
        let mut judged = vec![0u32; ImageId::COUNT];
        let mut entry_of: Vec<usize> = Vec::with_capacity(items.len());
        let mut judgements: Vec<CrowdJudgement> = Vec::with_capacity(items.len());
        for (index, item) in items.iter().enumerate() {
            let judgement = judgement(index, item)?;
            let slot = judged
                .get_mut(judgement.image.position())
                .ok_or_else(|| ParseError::at(FORMAT, entry(index, None), "no such image"))?;
            if let Some(earlier) = (*slot as usize).checked_sub(1) {
                if judgements.get(earlier) == Some(&judgement) {
                    continue;
                }
                let earlier_entry = entry_of.get(earlier).map_or(0, |e| e + 1);
                return Err(ParseError::at(
                    FORMAT,
                    entry(index, Some(judgement.image)),
                    format!(
                        "the image is judged again, differently from entry {earlier_entry}: expected one record per image"
                    ),
                ));
            }
            judgements.push(judgement);
            entry_of.push(index);
            *slot = u32::try_from(judgements.len()).unwrap_or(u32::MAX);
        }
        let keys: Vec<f64> = judgements.iter().map(|j| f64::from(j.image.0)).collect();
        let judgements = crate::order::apply(&judgements, &crate::order::by_key(&keys));
        Ok(Self {
            source: source.to_string(),
            judgements,
        })
    }

    /// Images judged.
    pub fn len(&self) -> usize {
        self.judgements.len()
    }

    /// Whether no image was judged (never true of a file that was read).
    pub fn is_empty(&self) -> bool {
        self.judgements.is_empty()
    }

    /// Every judged image, by image.
    pub fn judgements(&self) -> &[CrowdJudgement] {
        &self.judgements
    }

    /// The judgement of an image, if the crowd judged it.
    pub fn judgement(&self, image: ImageId) -> Option<&CrowdJudgement> {
        self.judgements
            .binary_search_by_key(&image, |j| j.image)
            .ok()
            .and_then(|i| self.judgements.get(i))
    }

    /// The votes on an image, if the crowd judged it.
    pub fn votes(&self, image: ImageId) -> Option<CrowdVotes> {
        self.judgement(image).map(|j| j.votes)
    }

    /// Whether the crowd did not accept the image's original label (`given + both < 3`);
    /// false for an image the crowd did not judge.
    pub fn rejected(&self, image: ImageId) -> bool {
        self.votes(image).is_some_and(CrowdVotes::rejects_given)
    }

    /// The images whose original label the crowd did not accept, by image.
    pub fn rejected_images(&self) -> impl Iterator<Item = ImageId> + '_ {
        self.judgements
            .iter()
            .filter(|j| j.votes.rejects_given())
            .map(|j| j.image)
    }

    /// Memory held, in bytes.
    pub fn size_bytes(&self) -> usize {
        self.judgements.len() * std::mem::size_of::<CrowdJudgement>()
    }
}

/// The original labels, corrected where the crowd's majority said so (key [`CROWD`]): for a
/// judged image its [`CrowdJudgement::crowd_labels`], for every other image its original
/// label. An image whose majority saw neither label has an empty set and is left out.
///
/// A judged image's given label is what the workers saw; where it is not the image's original
/// label (a file whose ids are not 1-based file numbers), the set warns.
pub fn crowd_label_set(dataset: &Dataset, mturk: &Mturk) -> LabelSet {
    let mut sets: Vec<Option<Vec<ClassIndex>>> = dataset
        .images()
        .map(|image| Some(vec![dataset.original_label(image)]))
        .collect();
    let mut mismatches = 0usize;
    let mut first_mismatch = None;
    for judgement in &mturk.judgements {
        if let Some(slot) = sets.get_mut(judgement.image.position()) {
            *slot = Some(judgement.crowd_labels());
        }
        let original = dataset.original_label(judgement.image);
        if judgement.given != original {
            mismatches += 1;
            first_mismatch.get_or_insert((judgement.image, judgement.given, original));
        }
    }
    let format = format!(
        "cleanlab crowd votes (Northcutt et al., 2021) on {} images: original labels, crowd-corrected",
        thousands(mturk.len())
    );
    let mut set = LabelSet::from_sets(CROWD, mturk.source.clone(), format, sets);
    if let Some((image, given, original)) = first_mismatch {
        set.warnings.push(format!(
            "{} of the {} judged images have a given label that is not their original label (first: {image}, given {given}, original {original}); the file's ids should be 1-based file numbers",
            thousands(mismatches),
            thousands(mturk.len())
        ));
    }
    set
}

/// One record.
fn judgement(index: usize, item: &Value) -> Result<CrowdJudgement, ParseError> {
    let record = item.as_object().ok_or_else(|| {
        ParseError::at(
            FORMAT,
            entry(index, None),
            format!(
                "expected a record {{\"id\", \"given_original_label\", \"our_guessed_label\", \"mturk\"}}, found {}",
                quoted(item)
            ),
        )
    })?;
    let image = image_of(index, record)?;
    let at = entry(index, Some(image));
    let class = |names: &[&str], key: &str, what: &str| -> Result<ClassIndex, ParseError> {
        let value = field(record, names)
            .ok_or_else(|| ParseError::at(FORMAT, &at, format!("expected `{key}` ({what})")))?;
        whole_number(value).and_then(ClassIndex::new).ok_or_else(|| {
            ParseError::at(
                FORMAT,
                &at,
                format!(
                    "expected `{key}` to be a class index 0..999 (0-based, sorted-wnid order), found {}",
                    quoted(value)
                ),
            )
        })
    };
    let given = class(GIVEN, "given_original_label", "the original label")?;
    let guessed = class(GUESSED, "our_guessed_label", "cleanlab's guessed label")?;
    let votes = field(record, VOTES)
        .ok_or_else(|| ParseError::at(FORMAT, &at, "expected `mturk`, the workers' votes"))?;
    let votes = votes_of(votes, &at)?;
    Ok(CrowdJudgement {
        image,
        given,
        guessed,
        votes,
    })
}

/// The record's image: its `id` (the 1-based file number), checked against its `url` when it
/// has one; a record without `id` is named by its `url` or `file`.
fn image_of(index: usize, record: &Map<String, Value>) -> Result<ImageId, ParseError> {
    let at = entry(index, None);
    let named = match field(record, FILE) {
        Some(Value::String(name)) => strict_image(name),
        _ => None,
    };
    let Some(id) = field(record, ID) else {
        return named.ok_or_else(|| {
            ParseError::at(
                FORMAT,
                &at,
                "expected `id`, the image's 1-based file number (ILSVRC2012_val_{id:08}.JPEG)",
            )
        });
    };
    let image = whole_number(id)
        .and_then(|n| u64::try_from(n).ok())
        .and_then(ImageId::new)
        .ok_or_else(|| {
            ParseError::at(
                FORMAT,
                &at,
                format!(
                    "expected `id` to be an image's 1-based file number 1..50,000 (ILSVRC2012_val_{{id:08}}.JPEG), found {}",
                    quoted(id)
                ),
            )
        })?;
    match named {
        Some(other) if other != image => Err(ParseError::at(
            FORMAT,
            entry(index, Some(image)),
            format!(
                "`id` {} names {image} but the record's file is {other}; `id` must be the 1-based file number",
                image.0
            ),
        )),
        _ => Ok(image),
    }
}

/// The `mturk` object: four vote counts, at most one of them a majority.
fn votes_of(value: &Value, at: &str) -> Result<CrowdVotes, ParseError> {
    let object = value.as_object().ok_or_else(|| {
        ParseError::at(
            FORMAT,
            at,
            format!(
                "expected `mturk` to be an object {{\"given\", \"guessed\", \"both\", \"neither\"}}, found {}",
                quoted(value)
            ),
        )
    })?;
    let count = |name: &str| -> Result<u8, ParseError> {
        let value = field(object, &[name]).ok_or_else(|| {
            ParseError::at(
                FORMAT,
                at,
                format!("expected the vote count `mturk.{name}`"),
            )
        })?;
        whole_number(value)
            .and_then(|n| u8::try_from(n).ok())
            .ok_or_else(|| {
                ParseError::at(
                    FORMAT,
                    at,
                    format!(
                        "expected `mturk.{name}` to be a vote count 0..5, found {}",
                        quoted(value)
                    ),
                )
            })
    };
    let votes = CrowdVotes {
        given: count("given")?,
        guessed: count("guessed")?,
        both: count("both")?,
        neither: count("neither")?,
    };
    let majorities = [votes.given, votes.guessed, votes.both, votes.neither]
        .iter()
        .filter(|v| **v >= MAJORITY)
        .count();
    if majorities > 1 {
        return Err(ParseError::at(
            FORMAT,
            at,
            format!(
                "the votes (given {}, guessed {}, both {}, neither {}) give more than one answer a majority; expected the votes of five workers",
                votes.given, votes.guessed, votes.both, votes.neither
            ),
        ));
    }
    Ok(votes)
}
