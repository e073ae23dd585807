//! Reading label files: the real.json layout, name-keyed JSON, text lines, and one label per
//! image in any layout a predictions file may have.
//!
//! Label files are in file-name order with 0-based sorted-wnid classes unless they name their
//! rows. Nothing is detected: a label file that looks like another numbering gets a warning,
//! never a silent reinterpretation.

use super::LabelSet;
use crate::dataset::Dataset;
use crate::error::ParseError;
use crate::formats::{self, Entries, NumberKind, Rows, MISSING};
use crate::ids::{ClassIndex, ImageId};
use serde_json::Value;

const JSON: &str = "JSON label";
const TEXT: &str = "text label";
const SINGLE: &str = "label";

/// Most classes one image's set may hold: more than this is not a label set.
const MAX_SET: usize = 1000;

/// Per image position, its set if the file covers it.
type Sets = Vec<Option<Vec<ClassIndex>>>;

/// Reads a label file into a label set with the given key; `source` is the file's name.
pub fn read(
    bytes: &[u8],
    dataset: &Dataset,
    key: &str,
    source: &str,
) -> Result<LabelSet, ParseError> {
    crate::limits::check_file_size("label", bytes.len() as u64)?;
    let binary = bytes.starts_with(b"\x93NUMPY") || bytes.starts_with(b"PK");
    let text = if binary {
        None
    } else {
        std::str::from_utf8(bytes).ok()
    };
    let text = text.map(|t| t.strip_prefix('\u{feff}').unwrap_or(t).trim_start());
    let (sets, format, single) = match text {
        Some("") => {
            return Err(ParseError::new(
                SINGLE,
                "the file is empty: expected one set of labels per validation image",
            ))
        }
        Some(t) if t.starts_with('[') || t.starts_with('{') => match json(t)? {
            Some(read) => read,
            None => single_label(bytes, dataset)?,
        },
        Some(t) => match lines(t)? {
            Some(read) => read,
            None => single_label(bytes, dataset)?,
        },
        None => single_label(bytes, dataset)?,
    };
    let mut set = LabelSet::from_sets(key, source, format, sets);
    let covered = set.covered();
    if covered < ImageId::COUNT {
        set.warnings.push(format!(
            "the file covers {} of the {} validation images; figures under this label set are over those images only",
            thousands(covered),
            thousands(ImageId::COUNT)
        ));
    }
    if single {
        if let Some(warning) = numbering_warning(&set, dataset) {
            set.warnings.push(warning);
        }
    }
    Ok(set)
}

/// Whether a file's content proves it holds labels rather than predictions: a JSON list (or
/// object) of lists some of which are empty or of another length than the rest, or text lines
/// `file label label…` with a line of no label or lines of different lengths. Predictions
/// files always give each row the same number of entries.
pub fn looks_like_labels(bytes: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return false;
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text).trim_start();
    if !(text.starts_with('[') || text.starts_with('{')) {
        return ragged_named_lines(text);
    }
    if crate::limits::check_json_values(JSON, text).is_err() {
        return false;
    }
    let Ok(value) = serde_json::from_str::<Value>(text) else {
        return false;
    };
    let lists: Vec<&Vec<Value>> = match &value {
        Value::Array(items) => items.iter().filter_map(Value::as_array).collect(),
        Value::Object(map) => map.values().filter_map(Value::as_array).collect(),
        _ => return false,
    };
    let all_numbers = lists.iter().all(|l| l.iter().all(Value::is_u64));
    let mut lengths = lists.iter().map(|l| l.len());
    let first = lengths.next();
    all_numbers && first.is_some() && (first == Some(0) || lengths.any(|n| Some(n) != first))
}

/// Text lines that each start with a validation image's file name followed only by class
/// indices, with a line of no label or lines of different lengths.
fn ragged_named_lines(text: &str) -> bool {
    let mut lengths = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let mut words = line
            .split(|c: char| c.is_whitespace() || c == ',')
            .filter(|w| !w.is_empty());
        let named = words.next().and_then(strict_image).is_some();
        let mut labels = 0usize;
        for word in words {
            if word.parse::<u16>().is_err() {
                return false;
            }
            labels += 1;
        }
        if !named {
            return false;
        }
        lengths.push(labels);
    }
    let first = lengths.first().copied();
    first.is_some() && lengths.iter().any(|n| *n == 0 || Some(*n) != first)
}

/// JSON lists of lists (real.json) and objects keyed by file name. `None`: another JSON
/// layout, read as one label per image.
fn json(text: &str) -> Result<Option<(Sets, String, bool)>, ParseError> {
    crate::limits::check_json_values(JSON, text)?;
    let invalid = |e: serde_json::Error| {
        ParseError::at(
            JSON,
            format!("line {}, column {}", e.line(), e.column()),
            format!("invalid JSON: {e}"),
        )
    };
    if text.starts_with('{') {
        // Read as a list of entries, so that a name given twice is seen (a map keeps the last).
        let KeyedEntries(entries) = serde_json::from_str::<KeyedEntries>(text).map_err(invalid)?;
        if !entries.iter().all(|(_, v)| v.is_array() || v.is_number()) {
            return Ok(None);
        }
        return keyed(&entries).map(Some);
    }
    let value = serde_json::from_str::<Value>(text).map_err(invalid)?;
    match value {
        // Any list among the items makes it the real.json layout; then every item must be
        // one, and an item that is not says where.
        Value::Array(items)
            if items.iter().any(Value::is_array) || items.iter().all(Value::is_number) =>
        {
            let single = items.iter().all(Value::is_number);
            if items.len() != ImageId::COUNT {
                return Err(ParseError::new(
                    JSON,
                    format!(
                        "expected {} entries (one per validation image, in file-name order), found {}; a file covering only some images must name them (an object keyed by file name)",
                        thousands(ImageId::COUNT),
                        thousands(items.len())
                    ),
                ));
            }
            let sets = items
                .iter()
                .enumerate()
                .map(|(i, item)| set_of(item, &format!("item {}", i + 1)).map(Some))
                .collect::<Result<Sets, _>>()?;
            let layout = if single {
                "JSON, one label per image"
            } else {
                "JSON, real.json layout"
            };
            Ok(Some((sets, layout.into(), single)))
        }
        _ => Ok(None),
    }
}

/// An object's entries in file order, names repeated as often as the file repeats them.
pub(crate) struct KeyedEntries(pub(crate) Vec<(String, Value)>);

impl<'de> serde::Deserialize<'de> for KeyedEntries {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = KeyedEntries;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object keyed by file name")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<KeyedEntries, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry::<String, Value>()? {
                    entries.push(entry);
                }
                Ok(KeyedEntries(entries))
            }
        }
        deserializer.deserialize_map(Visit)
    }
}

/// Name-keyed sets: every key a validation image's file name, none twice.
fn keyed(entries: &[(String, Value)]) -> Result<(Sets, String, bool), ParseError> {
    if entries.is_empty() {
        return Err(ParseError::new(
            JSON,
            "the object names no image: expected file names such as ILSVRC2012_val_00000001.JPEG with their labels",
        ));
    }
    let mut sets: Sets = vec![None; ImageId::COUNT];
    let single = entries.iter().all(|(_, v)| v.is_number());
    for (name, item) in entries {
        let location = format!("key '{}'", crate::error::quote(name));
        let image = strict_image(name).ok_or_else(|| {
            ParseError::at(
                JSON,
                &location,
                "expected a validation image's file name such as ILSVRC2012_val_00000001.JPEG",
            )
        })?;
        let slot = sets
            .get_mut(image.position())
            .ok_or_else(|| ParseError::at(JSON, &location, "no such image"))?;
        if slot.is_some() {
            return Err(ParseError::at(
                JSON,
                &location,
                format!("{image} is named twice"),
            ));
        }
        *slot = Some(set_of(item, &location)?);
    }
    Ok((sets, "JSON keyed by file name".into(), single))
}

/// A validation image named by a file name and nothing else: an optional folder path, the
/// stem, an optional extension; no control characters and nothing after the name.
pub(crate) fn strict_image(name: &str) -> Option<ImageId> {
    if name.chars().any(char::is_control) {
        return None;
    }
    let image = ImageId::from_file_name(name)?;
    let stem = format!("ILSVRC2012_val_{:08}", image.0);
    let (_, rest) = name.split_once(&stem)?;
    let extension_only = rest.is_empty()
        || rest
            .strip_prefix('.')
            .is_some_and(|e| !e.is_empty() && e.chars().all(|c| c.is_ascii_alphanumeric()));
    extension_only.then_some(image)
}

/// A count with thousands separators, for messages: `50000 → "50,000"`.
pub(crate) fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// One item of a JSON label file: a list of class indices, or a single index.
fn set_of(item: &Value, location: &str) -> Result<Vec<ClassIndex>, ParseError> {
    let numbers: Vec<&Value> = match item {
        Value::Array(list) => list.iter().collect(),
        single => vec![single],
    };
    if numbers.len() > MAX_SET {
        return Err(ParseError::at(
            JSON,
            location,
            format!(
                "{} labels for one image; expected at most 1,000",
                numbers.len()
            ),
        ));
    }
    let mut set = Vec::with_capacity(numbers.len());
    for n in numbers {
        let class = n.as_i64().and_then(ClassIndex::new).ok_or_else(|| {
            ParseError::at(
                JSON,
                location,
                format!(
                    "expected class indices 0..999 (0-based, sorted-wnid order), found {}",
                    crate::error::quote(&formats::json::text(n))
                ),
            )
        })?;
        push_unique(&mut set, class, JSON, location)?;
    }
    Ok(set)
}

fn push_unique(
    set: &mut Vec<ClassIndex>,
    class: ClassIndex,
    format: &'static str,
    location: &str,
) -> Result<(), ParseError> {
    if set.contains(&class) {
        return Err(ParseError::at(
            format,
            location,
            format!("class {class} is listed twice for one image"),
        ));
    }
    set.push(class);
    Ok(())
}

/// Text lines: `ILSVRC2012_val_00000001.JPEG 65 58` (any images), or lines of class indices
/// in file-name order (all 50,000). `None`: another text layout (a CSV with a header), read as
/// one label per image.
fn lines(text: &str) -> Result<Option<(Sets, String, bool)>, ParseError> {
    let tokens = |line: &str| -> Vec<String> {
        // One past the 1,000 labels a line may hold (and its name), so that a line of
        // millions of words is refused below without being split whole.
        line.split(|c: char| c.is_whitespace() || c == ',')
            .filter(|t| !t.is_empty())
            .take(1_002)
            .map(String::from)
            .collect()
    };
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let first_tokens = tokens(first);
    let Some(head) = first_tokens.first() else {
        return Ok(None);
    };
    let named = ImageId::from_file_name(head).is_some();
    if !named && head.parse::<i64>().is_err() {
        return Ok(None);
    }
    let mut sets: Sets = vec![None; ImageId::COUNT];
    let mut position = 0usize;
    let mut single = true;
    for (number, line) in text.lines().enumerate() {
        let location = format!("line {}", number + 1);
        let words = tokens(line);
        if words.is_empty() {
            continue;
        }
        let (image, classes) = if named {
            let image = words
                .first()
                .and_then(|w| ImageId::from_file_name(w))
                .ok_or_else(|| {
                    ParseError::at(
                        TEXT,
                        &location,
                        format!(
                            "expected a file name such as ILSVRC2012_val_00000001.JPEG first, found '{}'",
                            crate::error::quote(words.first().map(String::as_str).unwrap_or(""))
                        ),
                    )
                })?;
            (image, words.get(1..).unwrap_or(&[]))
        } else {
            position += 1;
            let image = ImageId::new(position as u64).ok_or_else(|| {
                ParseError::at(
                    TEXT,
                    &location,
                    format!(
                        "more than {} lines; expected one line per validation image",
                        ImageId::COUNT
                    ),
                )
            })?;
            (image, &words[..])
        };
        if classes.len() > MAX_SET {
            return Err(ParseError::at(
                TEXT,
                &location,
                "more than 1,000 labels on one line",
            ));
        }
        single &= classes.len() == 1;
        let mut set = Vec::with_capacity(classes.len());
        for word in classes {
            let class = word
                .parse::<i64>()
                .ok()
                .and_then(ClassIndex::new)
                .ok_or_else(|| {
                    ParseError::at(
                        TEXT,
                        &location,
                        format!(
                        "expected class indices 0..999 (0-based, sorted-wnid order), found '{}'",
                        crate::error::quote(word)
                    ),
                    )
                })?;
            push_unique(&mut set, class, TEXT, &location)?;
        }
        let slot = sets
            .get_mut(image.position())
            .ok_or_else(|| ParseError::at(TEXT, &location, "no such image"))?;
        if slot.is_some() {
            return Err(ParseError::at(
                TEXT,
                &location,
                format!("{image} is named twice"),
            ));
        }
        *slot = Some(set);
    }
    if !named && position != ImageId::COUNT {
        return Err(ParseError::new(
            TEXT,
            format!(
                "expected {} lines (one per validation image, in file-name order), found {}; a file covering only some images must start each line with the image's file name",
                thousands(ImageId::COUNT),
                thousands(position)
            ),
        ));
    }
    let layout = if named {
        "text, file name and labels a line"
    } else {
        "text, labels a line in file-name order"
    };
    Ok(Some((sets, layout.into(), single)))
}

/// One label per image in any layout a predictions file may have (.npy, .npz, CSV, JSON…),
/// read by the predictions reader and taken as 0-based sorted-wnid classes.
fn single_label(bytes: &[u8], dataset: &Dataset) -> Result<(Sets, String, bool), ParseError> {
    let raw = formats::read(bytes, dataset)?;
    let format = raw.format;
    if raw.k != 1 {
        return Err(ParseError::new(
            format,
            format!(
                "expected one label per image, found {} per row: for several labels per image give a JSON list of lists (the real.json layout) or text lines 'file label label…'",
                raw.k
            ),
        ));
    }
    let classes: Vec<Option<ClassIndex>> = match raw.entries {
        Entries::Numbers {
            kind: NumberKind::Columns(_),
            ..
        } => {
            return Err(ParseError::new(
                format,
                "the file holds scores, not labels: a label file gives class indices",
            ))
        }
        Entries::Numbers { values, .. } => values
            .iter()
            .enumerate()
            .map(|(row, v)| {
                if *v == MISSING {
                    return Ok(None);
                }
                ClassIndex::new(*v).map(Some).ok_or_else(|| {
                    ParseError::at(
                        format,
                        format!("row {}", row + 1),
                        format!(
                            "expected a class index 0..999 (0-based, sorted-wnid order), found {v}"
                        ),
                    )
                })
            })
            .collect::<Result<_, _>>()?,
        Entries::Classes(classes) => classes,
    };
    let mut sets: Sets = vec![None; ImageId::COUNT];
    let images: Vec<ImageId> = match raw.rows {
        Rows::Unnamed(n) if n == ImageId::COUNT => dataset.images().collect(),
        Rows::Unnamed(n) => {
            return Err(ParseError::new(
                format,
                format!(
                    "expected {} rows (one per validation image, in file-name order), found {n}",
                    ImageId::COUNT
                ),
            ))
        }
        Rows::Named(images) => images,
    };
    for (row, (image, class)) in images.iter().zip(classes).enumerate() {
        let location = format!("row {}", row + 1);
        let class = class.ok_or_else(|| {
            ParseError::at(
                format,
                &location,
                "no class could be read here (an unknown or ambiguous name, or an empty cell)",
            )
        })?;
        let slot = sets
            .get_mut(image.position())
            .ok_or_else(|| ParseError::at(format, &location, "no such image"))?;
        if slot.is_some() {
            return Err(ParseError::at(
                format,
                &location,
                format!("{image} is named twice"),
            ));
        }
        *slot = Some(vec![class]);
    }
    Ok((sets, format!("{format}, one label per image"), true))
}

/// A warning when a one-label-per-image file agrees with the original labels far less than a
/// relabeling would, and another numbering or row order would agree much better.
fn numbering_warning(set: &LabelSet, dataset: &Dataset) -> Option<String> {
    let mut agree = 0usize;
    let mut one_based = 0usize;
    let mut devkit = 0usize;
    let mut covered = 0usize;
    let imagefolder = dataset.imagefolder_order();
    let mut folder = 0usize;
    for (position, image) in dataset.images().enumerate() {
        let Some(&[label]) = set.labels(image) else {
            continue;
        };
        covered += 1;
        let original = dataset.original_label(image);
        agree += usize::from(label == original);
        one_based += usize::from(label.0.checked_sub(1).map(ClassIndex) == Some(original));
        devkit += usize::from(
            dataset.class_of_ilsvrc2012_id(crate::ids::Ilsvrc2012Id(label.0)) == Some(original),
        );
        if let Some(folder_image) = imagefolder.get(position) {
            folder += usize::from(dataset.original_label(*folder_image) == label);
        }
    }
    if covered == 0 || agree * 2 >= covered {
        return None;
    }
    let percent = |n: usize| 100.0 * n as f64 / covered as f64;
    let (best, why) = [
        (one_based, "1-based class numbers"),
        (devkit, "ILSVRC2012_IDs (the devkit's numbering)"),
        (folder, "rows in ImageFolder order"),
    ]
    .into_iter()
    .max_by_key(|(n, _)| *n)?;
    let mut text = format!(
        "only {:.1}% of these labels agree with the original labels",
        percent(agree)
    );
    if best * 2 >= covered {
        text.push_str(&format!(
            "; read as {why} {:.1}% would: label files are read as 0-based sorted-wnid classes in file-name order",
            percent(best)
        ));
    }
    Some(text)
}
