//! JSON: a list of indices, a list of top-k lists or score rows, timm's objects keyed by file
//! name, records with a file name field, Hugging Face pipeline output, and JSON Lines.

use super::rows::{assemble, names_in, numbers_in, Cells, Row};
use super::softmax::{to_probabilities, RowMass};
use super::topk::TopK;
use super::{Entries, NumberKind, RawPredictions, Rows, SCORE_K};
use crate::dataset::Dataset;
use crate::error::ParseError;
use crate::ids::ImageId;
use serde_json::{Map, Value};

const FORMAT: &str = "JSON";

/// A JSON value as compact JSON text, for messages (what `Value`'s `Display` writes, without
/// also carrying its pretty-printer into the page).
pub(crate) fn text(value: &Value) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

pub fn read(text: &str, dataset: &Dataset) -> Result<RawPredictions, ParseError> {
    crate::limits::check_json_values(FORMAT, text)?;
    // An object keyed by file name is read entry by entry, so that a name given twice is seen
    // (and its first row kept, with a warning, as for text files), not silently overwritten.
    if text.starts_with('{') {
        if let Ok(crate::labels::KeyedEntries(entries)) = serde_json::from_str(text) {
            return from_keyed(entries, dataset);
        }
    }
    let value = match serde_json::from_str::<Value>(text) {
        Ok(v) => v,
        Err(whole) => json_lines(text)?.ok_or_else(|| {
            ParseError::at(
                FORMAT,
                format!("line {}, column {}", whole.line(), whole.column()),
                format!("invalid JSON: {whole}"),
            )
        })?,
    };
    match value {
        Value::Array(items) => from_list(items, dataset),
        Value::Object(map) => from_keyed(map.into_iter().collect(), dataset),
        _ => Err(ParseError::new(
            FORMAT,
            "expected a list or an object of predictions",
        )),
    }
}

/// One JSON value per line, as a list. `None` when the text is not JSON Lines (its first line
/// is not a whole value); an error names the first line that is not.
fn json_lines(text: &str) -> Result<Option<Value>, ParseError> {
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let Some(first) = lines
        .next()
        .and_then(|(_, l)| serde_json::from_str::<Value>(l).ok())
    else {
        return Ok(None);
    };
    let mut values = vec![first];
    for (i, line) in lines {
        if values.len() >= crate::limits::MAX_ROWS {
            return Err(ParseError::at(
                "JSON Lines",
                format!("line {}", i + 1),
                format!(
                    "the file goes on past {} lines; the validation set has 50,000 images, so expected one line each",
                    crate::labels::thousands(crate::limits::MAX_ROWS)
                ),
            ));
        }
        let value = serde_json::from_str::<Value>(line).map_err(|e| {
            ParseError::at(
                "JSON Lines",
                format!("line {}, column {}", i + 1, e.column()),
                format!(
                    "invalid JSON: {}; expected one JSON value a line",
                    // serde_json places the error within the one line, which the location has.
                    e.to_string().split(" at line ").next().unwrap_or_default()
                ),
            )
        })?;
        values.push(value);
    }
    Ok(Some(Value::Array(values)))
}

fn from_list(items: Vec<Value>, dataset: &Dataset) -> Result<RawPredictions, ParseError> {
    if let Some(raw) = score_rows(&items)? {
        return Ok(raw);
    }
    let rows = items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let location = format!("item {}", i + 1);
            match item {
                Value::Object(fields) => {
                    let image = file_field(fields)
                        .map(|name| image_of(&name, &location))
                        .transpose()?;
                    let (cells, scores) = cells_of_object(fields, &location)?;
                    Ok(Row {
                        location,
                        image,
                        cells,
                        scores,
                    })
                }
                other => {
                    let (cells, scores) = cells_of(other, &location)?;
                    Ok(Row {
                        location,
                        image: None,
                        cells,
                        scores,
                    })
                }
            }
        })
        .collect::<Result<Vec<_>, _>>()?;
    assemble(FORMAT, rows, dataset)
}

fn from_keyed(
    entries: Vec<(String, Value)>,
    dataset: &Dataset,
) -> Result<RawPredictions, ParseError> {
    let rows = entries
        .iter()
        .map(|(key, value)| {
            let location = format!("key '{key}'");
            let image = Some(image_of(key, &location)?);
            let (cells, scores) = match value {
                Value::Object(fields) => cells_of_object(fields, &location)?,
                other => cells_of(other, &location)?,
            };
            Ok(Row {
                location,
                image,
                cells,
                scores,
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    assemble(FORMAT, rows, dataset)
}

fn image_of(name: &str, location: &str) -> Result<ImageId, ParseError> {
    ImageId::from_file_name(name).ok_or_else(|| {
        ParseError::at(
            FORMAT,
            location,
            format!("expected an ILSVRC2012 validation file name (ILSVRC2012_val_00000001.JPEG), found '{name}'"),
        )
    })
}

fn file_field(fields: &Map<String, Value>) -> Option<String> {
    [
        "filename",
        "file",
        "file_name",
        "image",
        "path",
        "img",
        "name",
    ]
    .iter()
    .find_map(|k| fields.get(*k).and_then(Value::as_str).map(str::to_string))
}

/// A list of rows of 1000/1001 non-integral numbers: logits, reduced to the best columns
/// straight away. `None` if the list is anything else.
fn score_rows(items: &[Value]) -> Result<Option<RawPredictions>, ParseError> {
    let Some(Value::Array(first)) = items.first() else {
        return Ok(None);
    };
    let width = first.len();
    let floats = |row: &Vec<Value>| {
        row.iter()
            .any(|v| v.as_f64().is_some_and(|f| f.fract() != 0.0))
    };
    if !(width == 1000 || width == 1001)
        || !items
            .iter()
            .any(|r| matches!(r, Value::Array(a) if floats(a)))
    {
        return Ok(None);
    }
    let mut top = TopK::new(items.len(), SCORE_K);
    for (row, item) in items.iter().enumerate() {
        let values = match item {
            Value::Array(values) if values.len() == width => values,
            _ => {
                return Err(ParseError::at(
                    FORMAT,
                    format!("item {}", row + 1),
                    format!("expected a list of {width} scores like the first item"),
                ))
            }
        };
        for (column, v) in values.iter().enumerate() {
            let v = v.as_f64().ok_or_else(|| {
                ParseError::at(
                    FORMAT,
                    format!("item {}, column {}", row + 1, column + 1),
                    format!("expected a number, found {}", self::text(v)),
                )
            })?;
            top.offer(row, column as u32, v);
        }
    }
    // A second walk, each row's best now known: what the whole row says of it (every
    // value is a number by now).
    let masses: Vec<RowMass> = items
        .iter()
        .enumerate()
        .map(|(row, item)| {
            let best = top.best(row) as f32;
            let values = match item {
                Value::Array(values) => values.as_slice(),
                _ => &[],
            };
            RowMass::of(
                values.iter().filter_map(Value::as_f64).map(|v| v as f32),
                best,
            )
        })
        .collect();
    let (values, mut scores) = top.finish();
    let warnings = to_probabilities(&mut scores, SCORE_K, &masses)
        .into_iter()
        .collect();
    Ok(Some(RawPredictions {
        format: FORMAT,
        rows: Rows::Unnamed(items.len()),
        k: SCORE_K,
        entries: Entries::Numbers {
            kind: NumberKind::Columns(width),
            values,
        },
        scores: Some(scores),
        warnings,
    }))
}

/// Cells of a bare value: `65`, `[65, 219]`, `"tench"`, or a Hugging Face list
/// `[{"label": "macaw", "score": 0.44}, …]`.
fn cells_of(value: &Value, location: &str) -> Result<(Cells, Option<Vec<f32>>), ParseError> {
    match value {
        Value::Array(list) if list.iter().all(Value::is_object) && !list.is_empty() => {
            let scored: Vec<(String, f32)> = list
                .iter()
                .enumerate()
                .map(|(i, o)| {
                    let label = o.get("label").and_then(Value::as_str).ok_or_else(|| {
                        ParseError::at(
                            FORMAT,
                            location,
                            "expected objects with a \"label\" (Hugging Face pipeline output)",
                        )
                    })?;
                    // The order of the entries comes from their scores, so an entry without
                    // one cannot be placed.
                    let score = o.get("score").and_then(Value::as_f64).ok_or_else(|| {
                        ParseError::at(
                            FORMAT,
                            format!("{location}, entry {}", i + 1),
                            "expected a numeric \"score\" beside every \"label\" (Hugging Face pipeline output)",
                        )
                    })? as f32;
                    Ok((label.to_string(), score))
                })
                .collect::<Result<_, ParseError>>()?;
            // Best first; the file's order kept among equal scores (0 and -0 are equal).
            let keys: Vec<f64> = scored.iter().map(|(_, s)| -f64::from(*s) + 0.0).collect();
            let scored = crate::order::apply(&scored, &crate::order::by_key(&keys));
            let scores = scored.iter().map(|(_, s)| *s).collect();
            Ok((
                Cells::Names(scored.into_iter().map(|(l, _)| l).collect()),
                Some(scores),
            ))
        }
        Value::Object(fields) => cells_of_object(fields, location),
        other => Ok((class_cells(other, location)?, None)),
    }
}

/// Cells of an object: timm's `{"index": …, "label": …, "prob": …}`, Hugging Face's
/// `{"label": …, "score": …}`, or a record with a prediction field.
fn cells_of_object(
    fields: &Map<String, Value>,
    location: &str,
) -> Result<(Cells, Option<Vec<f32>>), ParseError> {
    let pick = |keys: &[&str]| keys.iter().find_map(|k| fields.get(*k));
    let scores = pick(&[
        "prob",
        "probs",
        "score",
        "scores",
        "probability",
        "confidence",
    ])
    .and_then(floats_of);
    if let Some(index) = pick(&[
        "index",
        "indices",
        "class_index",
        "class",
        "pred",
        "prediction",
        "predictions",
        "top5",
        "topk",
    ]) {
        return Ok((class_cells(index, location)?, scores));
    }
    if let Some(label) = pick(&["label", "labels", "class_name"]) {
        return Ok((class_cells(label, location)?, scores));
    }
    Err(ParseError::at(
        FORMAT,
        location,
        format!(
            "found an object with keys {}; expected \"index\" or \"label\" with the predictions",
            fields
                .keys()
                .map(|k| format!("\"{k}\""))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    ))
}

/// Numbers or names from a number, a string, or a list of either.
fn class_cells(value: &Value, location: &str) -> Result<Cells, ParseError> {
    let numbers: Option<Vec<i64>> = match value {
        Value::Number(_) => whole(value).map(|n| vec![n]),
        Value::Array(list) => list.iter().map(whole).collect(),
        Value::String(s) => numbers_in(s),
        _ => None,
    };
    if let Some(numbers) = numbers.filter(|n| !n.is_empty()) {
        return Ok(Cells::Numbers(numbers));
    }
    let names: Option<Vec<String>> = match value {
        Value::String(s) => Some(names_in(s)),
        Value::Array(list) => list
            .iter()
            .map(|v| v.as_str().map(str::to_string))
            .collect(),
        _ => None,
    };
    match names.filter(|n| !n.is_empty()) {
        Some(names) => Ok(Cells::Names(names)),
        None => Err(ParseError::at(
            FORMAT,
            location,
            format!(
                "expected class indices or class names, found {}",
                crate::error::quote(&self::text(value))
            ),
        )),
    }
}

fn whole(value: &Value) -> Option<i64> {
    value.as_i64().map(super::file_number).or_else(|| {
        value
            .as_f64()
            .filter(|f| f.fract() == 0.0 && f.abs() < 1e9)
            .map(|f| f as i64)
    })
}

fn floats_of(value: &Value) -> Option<Vec<f32>> {
    match value {
        Value::Number(n) => n.as_f64().map(|f| vec![f as f32]),
        Value::Array(list) => list.iter().map(|v| v.as_f64().map(|f| f as f32)).collect(),
        _ => None,
    }
}
