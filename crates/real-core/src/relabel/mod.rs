//! Other published relabelings of the ILSVRC-2012 validation set, read from their own files.
//!
//! Two are understood, each in the layout its authors published:
//!
//! - cleanlab's crowd votes (Northcutt et al., 2021, repository `cleanlab/label-errors`,
//!   `mturk/imagenet_mturk.json`): a JSON list of records, one per image five crowd workers
//!   judged ([`mturk`]). They give a filter (the crowd did not accept the original label) and a
//!   label set, the original labels corrected by the crowd (key [`mturk::CROWD`]).
//! - the remaining mistakes of two strong models (Vasudevan et al., 2022, repository
//!   `google-research/imagenet-mistakes`, `metadata/vit3b_mistakes.json` and
//!   `metadata/greedy_soups_mistakes.json`): a JSON object keyed by file name with the model's
//!   prediction, a failure category and a severity ([`mistakes`]).
//!
//! [`read`] tells the two apart by their content, never by the file's name; the name only says
//! which model a mistakes file is about.

pub mod mistakes;
pub mod mturk;

pub use mistakes::{
    Category, FareCounts, Mistake, Mistakes, MistakesFare, MistakesModel, Severity,
};
pub use mturk::{crowd_label_set, CrowdJudgement, CrowdVerdict, CrowdVotes, Mturk};

use crate::error::ParseError;
use crate::ids::ImageId;
use crate::labels::KeyedEntries;
use serde_json::{Map, Value};

/// The format named in errors raised before the layout is known.
const RELABELING: &str = "relabeling JSON";

/// What both layouts look like, for an error about a file that is neither.
const LAYOUTS: &str = "expected cleanlab's imagenet_mturk.json (a list of records with `id` \
and `mturk` votes) or an imagenet-mistakes file such as vit3b_mistakes.json (an object keyed \
by file name with `top_prediction`, `failure category`, `failure severity`)";

/// A relabeling read from a file: which one it is decides what it offers.
#[derive(Clone, Debug, PartialEq)]
pub enum Relabeling {
    /// cleanlab's crowd votes: a filter and the "original, crowd-corrected" label set.
    Crowd(Mturk),
    /// A model's remaining mistakes, categorised.
    Mistakes(Mistakes),
}

impl Relabeling {
    /// What the file holds, for lists and messages, e.g. "cleanlab crowd votes, 5,440 images".
    pub fn describe(&self) -> String {
        match self {
            Relabeling::Crowd(m) => format!(
                "cleanlab crowd votes, {} images",
                crate::labels::thousands(m.len())
            ),
            Relabeling::Mistakes(m) => format!(
                "{} mistakes (imagenet-mistakes), {} images",
                m.model.display_name(),
                crate::labels::thousands(m.len())
            ),
        }
    }
}

/// Reads a relabeling file; `name` is the file's name (it names a mistakes file's model).
pub fn read(name: &str, bytes: &[u8]) -> Result<Relabeling, ParseError> {
    crate::limits::check_file_size(RELABELING, bytes.len() as u64)?;
    let text = std::str::from_utf8(bytes).map_err(|e| {
        ParseError::at(
            RELABELING,
            format!("byte {}", e.valid_up_to()),
            format!("the file is not UTF-8 text; {LAYOUTS}"),
        )
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text).trim_start();
    crate::limits::check_json_values(RELABELING, text)?;
    let invalid = |e: serde_json::Error| {
        ParseError::at(
            RELABELING,
            format!("line {}, column {}", e.line(), e.column()),
            format!("invalid JSON: {e}"),
        )
    };
    if text.starts_with('[') {
        let items: Vec<Value> = serde_json::from_str(text).map_err(invalid)?;
        let first = items.iter().find_map(Value::as_object);
        if first.is_some_and(|record| field(record, mturk::VOTES).is_some()) {
            return Mturk::from_records(name, &items).map(Relabeling::Crowd);
        }
        if first.is_some_and(mistakes::is_mistake) {
            return Mistakes::from_records(name, &items).map(Relabeling::Mistakes);
        }
        let found = if items.is_empty() {
            "an empty list".to_string()
        } else {
            "a list of something else".to_string()
        };
        return Err(ParseError::new(
            RELABELING,
            format!("{LAYOUTS}; found {found}"),
        ));
    }
    if text.starts_with('{') {
        let KeyedEntries(entries) = serde_json::from_str(text).map_err(invalid)?;
        let first = entries.iter().find_map(|(_, v)| v.as_object());
        if first.is_some_and(mistakes::is_mistake) {
            return Mistakes::from_keyed(name, &entries).map(Relabeling::Mistakes);
        }
        let found = match entries.first() {
            None => "an empty object".to_string(),
            Some((key, _)) => format!(
                "an object whose first key is '{}'",
                crate::error::quote(key)
            ),
        };
        return Err(ParseError::new(
            RELABELING,
            format!("{LAYOUTS}; found {found}"),
        ));
    }
    let found = if text.is_empty() {
        "an empty file".to_string()
    } else {
        format!("'{}'", crate::error::quote(text))
    };
    Err(ParseError::new(
        RELABELING,
        format!("{LAYOUTS}; found {found}"),
    ))
}

/// Most records a relabeling may hold: one per validation image.
const MAX_RECORDS: usize = ImageId::COUNT;

/// A field's key as published files spell it in any of their ways: lower case, with spaces,
/// underscores and hyphens all one space (`failure category`, `failure_category`).
fn normalise_key(key: &str) -> String {
    key.trim()
        .chars()
        .map(|c| match c {
            '_' | '-' => ' ',
            c => c.to_ascii_lowercase(),
        })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The value of the first of `names` (normalised spellings) the record has.
fn field<'a>(record: &'a Map<String, Value>, names: &[&str]) -> Option<&'a Value> {
    names.iter().find_map(|name| {
        record
            .iter()
            .find(|(key, _)| normalise_key(key) == *name)
            .map(|(_, v)| v)
    })
}

/// A whole number written as a JSON number (`3`, `3.0`) or as a string of digits (`"3"`).
fn whole_number(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64().or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() < 1e15)
                .map(|f| f as i64)
        }),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A value as messages quote it: at most 40 characters.
fn quoted(value: &Value) -> String {
    match value {
        Value::String(s) => format!("'{}'", crate::error::quote(s)),
        other => crate::error::quote(&crate::formats::json::text(other)),
    }
}

/// Where an entry is, for messages: "entry 12" or "entry 12 (ILSVRC2012_val_00000293.JPEG)".
fn entry(index: usize, image: Option<ImageId>) -> String {
    match image {
        Some(image) => format!("entry {} ({image})", index + 1),
        None => format!("entry {}", index + 1),
    }
}
