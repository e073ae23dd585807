//! Delimited and line text: timm's CSV/TSV in all its shapes, Caffe/PaddleClas
//! "file index" lines, and devkit submissions (up to 5 ILSVRC2012_IDs a line).

use super::csv::{records, Delimiter, Record};
use super::rows::{assemble, floats_in, names_in, numbers_in, Cells, Row};
use super::RawPredictions;
use crate::dataset::Dataset;
use crate::error::ParseError;
use crate::ids::ImageId;

const CSV: &str = "CSV";
const TSV: &str = "TSV";
const LINES: &str = "text (one prediction a line)";

/// What a header column holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    File,
    /// Class numbers; the number orders `index_0, index_1, …` columns.
    Index(usize),
    Label(usize),
    Prob(usize),
    Other,
}

fn role(header: &str) -> Role {
    let h = crate::fold::ascii_lower(header.trim());
    let (stem, number) = match h.rsplit_once('_') {
        Some((stem, n)) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => {
            (stem.to_string(), n.parse().unwrap_or(0))
        }
        _ => (h.clone(), 0),
    };
    match stem.as_str() {
        "filename" | "file" | "file_name" | "image" | "image_name" | "img" | "path"
        | "filepath" | "file_path" | "name" => Role::File,
        "index" | "indices" | "class" | "class_index" | "class_idx" | "class_id" | "pred"
        | "prediction" | "predictions" | "top1" | "top5" | "topk" | "label_index" | "label_idx" => {
            Role::Index(number)
        }
        "label" | "labels" | "class_name" | "label_name" => Role::Label(number),
        "prob" | "probs" | "probability" | "probabilities" | "score" | "scores" | "confidence" => {
            Role::Prob(number)
        }
        _ => Role::Other,
    }
}

/// Reads any line-oriented text format.
pub fn read(text: &str, dataset: &Dataset) -> Result<RawPredictions, ParseError> {
    let first = text
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default();
    let (delimiter, format) = if first.contains(',') {
        (Delimiter::Char(','), CSV)
    } else if first.contains('\t') {
        (Delimiter::Char('\t'), TSV)
    } else {
        (Delimiter::Whitespace, LINES)
    };
    let records = records(text, delimiter, format)?;
    let Some(head) = records.first() else {
        return Err(ParseError::new(format, "the file has no rows"));
    };
    let roles: Vec<Role> = head.fields.iter().map(|f| role(f)).collect();
    let is_header = roles.iter().any(|r| *r != Role::Other)
        && head
            .fields
            .iter()
            .all(|f| ImageId::from_file_name(f).is_none() && numbers_in(f).is_none());
    let rows = if is_header {
        with_header(&roles, &head.fields, &records[1..], format)?
    } else {
        headerless(&records, format)?
    };
    assemble(format, rows, dataset)
}

fn with_header(
    roles: &[Role],
    headers: &[String],
    records: &[Record],
    format: &'static str,
) -> Result<Vec<Row>, ParseError> {
    let file = roles.iter().position(|r| *r == Role::File);
    let columns = |want: fn(Role) -> Option<usize>| {
        // By the role's number; the columns come in position order, so ties keep it.
        let cols: Vec<(usize, usize)> = roles
            .iter()
            .enumerate()
            .filter_map(|(i, r)| want(*r).map(|n| (n, i)))
            .collect();
        let keys: Vec<f64> = cols.iter().map(|(n, _)| *n as f64).collect();
        crate::order::by_key(&keys)
            .into_iter()
            .map(|j| cols[j].1)
            .collect::<Vec<_>>()
    };
    let index = columns(|r| {
        if let Role::Index(n) = r {
            Some(n)
        } else {
            None
        }
    });
    let label = columns(|r| {
        if let Role::Label(n) = r {
            Some(n)
        } else {
            None
        }
    });
    let prob = columns(|r| if let Role::Prob(n) = r { Some(n) } else { None });
    // Class numbers win over names: a label column is used only when no index column exists,
    // and then as numbers if its cells are numbers.
    let class_columns = if index.is_empty() { &label } else { &index };
    if class_columns.is_empty() {
        return Err(ParseError::at(
            format,
            "line 1",
            format!(
                "the header ({}) has no prediction column; expected 'index', 'index_0'…, 'label' or 'prediction'",
                headers.join(", ")
            ),
        ));
    }
    let by_name = index.is_empty();
    records
        .iter()
        .map(|record| {
            let location = format!("line {}", record.line);
            let cell = |i: usize| record.fields.get(i).map(String::as_str).unwrap_or("");
            let image = match file {
                Some(i) => Some(ImageId::from_file_name(cell(i)).ok_or_else(|| {
                    ParseError::at(
                        format,
                        &location,
                        format!(
                            "column '{}' should name an ILSVRC2012 validation image (ILSVRC2012_val_00000001.JPEG), found '{}'",
                            headers[i],
                            cell(i)
                        ),
                    )
                })?),
                None => None,
            };
            let joined = class_columns.iter().map(|i| cell(*i)).collect::<Vec<_>>();
            let numbers: Option<Vec<i64>> = joined.iter().map(|c| numbers_in(c)).collect::<Option<Vec<_>>>().map(|v| v.concat());
            let cells = match numbers {
                Some(n) if !n.is_empty() => Cells::Numbers(n),
                _ if by_name => Cells::Names(joined.iter().flat_map(|c| names_in(c)).collect()),
                _ => {
                    return Err(ParseError::at(
                        format,
                        &location,
                        format!("expected class indices in column '{}', found '{}'", headers[class_columns[0]], joined.join(" ")),
                    ))
                }
            };
            let scores = if prob.is_empty() {
                None
            } else {
                prob.iter().map(|i| floats_in(cell(*i))).collect::<Option<Vec<_>>>().map(|v| v.concat())
            };
            Ok(Row { location, image, cells, scores })
        })
        .collect()
}

fn headerless(records: &[Record], format: &'static str) -> Result<Vec<Row>, ParseError> {
    records
        .iter()
        .map(|record| {
            let location = format!("line {}", record.line);
            let mut fields = record.fields.iter().map(String::as_str).filter(|f| !f.trim().is_empty());
            let mut rest: Vec<&str> = Vec::new();
            let mut image = None;
            if let Some(first) = fields.next() {
                match ImageId::from_file_name(first) {
                    Some(id) => image = Some(id),
                    None => rest.push(first),
                }
            }
            rest.extend(fields);
            let numbers = rest.iter().map(|c| numbers_in(c)).collect::<Option<Vec<_>>>().map(|v| v.concat());
            match numbers {
                Some(values) if !values.is_empty() => Ok(Row { location, image, cells: Cells::Numbers(values), scores: None }),
                _ => Err(ParseError::at(
                    format,
                    location,
                    format!(
                        "expected an optional file name and class indices (e.g. 'ILSVRC2012_val_00000001.JPEG 65' or '490 361 171'), found '{}'",
                        crate::error::quote(&record.fields.join(" "))
                    ),
                )),
            }
        })
        .collect()
}
