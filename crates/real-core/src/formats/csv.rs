//! A small CSV reader: quoted fields with doubled quotes, newlines inside quotes (numpy
//! print-outs wrap), CRLF, and a chosen delimiter. Whitespace mode splits on runs of blanks.

use crate::error::ParseError;

/// One record and the line it starts on (1-based).
#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    pub line: usize,
    pub fields: Vec<String>,
}

/// How fields are separated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Delimiter {
    Char(char),
    Whitespace,
}

/// Splits text into records; blank lines are skipped.
pub fn records(
    text: &str,
    delimiter: Delimiter,
    format: &'static str,
) -> Result<Vec<Record>, ParseError> {
    match delimiter {
        Delimiter::Whitespace => {
            let mut records = Vec::new();
            let mut values = 0usize;
            for (i, l) in text.lines().enumerate() {
                if l.trim().is_empty() {
                    continue;
                }
                check_count(records.len(), i + 1, format)?;
                let fields: Vec<String> = l
                    .split_whitespace()
                    .take(crate::limits::MAX_FIELDS + 1)
                    .map(str::to_string)
                    .collect();
                check_fields(fields.len(), i + 1, format)?;
                values += fields.len();
                check_values(values, i + 1, format)?;
                records.push(Record {
                    line: i + 1,
                    fields,
                });
            }
            Ok(records)
        }
        Delimiter::Char(d) => quoted(text, d, format),
    }
}

/// Stops a record at more fields than a row can need (a file name and 1,001 scores), before
/// a line of millions of words is split whole.
fn check_fields(fields: usize, line: usize, format: &'static str) -> Result<(), ParseError> {
    if fields > crate::limits::MAX_FIELDS {
        return Err(ParseError::at(
            format,
            format!("line {line}"),
            format!(
                "the line has more than {} fields; expected a file name and at most 1,001 scores",
                crate::labels::thousands(crate::limits::MAX_FIELDS)
            ),
        ));
    }
    Ok(())
}

/// Stops reading once a file holds more values than any predictions file needs, counted as
/// fields arrive.
fn check_values(values: usize, line: usize, format: &'static str) -> Result<(), ParseError> {
    if values > crate::limits::MAX_VALUES {
        return Err(crate::limits::too_many_values(
            format,
            Some(format!("line {line}")),
        ));
    }
    Ok(())
}

/// Stops reading as soon as a file has more rows than any predictions or label file can
/// need, before the rest is split into fields.
fn check_count(records: usize, line: usize, format: &'static str) -> Result<(), ParseError> {
    if records >= crate::limits::MAX_ROWS {
        return Err(ParseError::at(
            format,
            format!("line {line}"),
            format!(
                "the file goes on past {} rows; the validation set has 50,000 images, so expected one row each",
                crate::labels::thousands(crate::limits::MAX_ROWS)
            ),
        ));
    }
    Ok(())
}

fn quoted(text: &str, delimiter: char, format: &'static str) -> Result<Vec<Record>, ParseError> {
    let mut records = Vec::new();
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut line = 1;
    let mut record_line = 1;
    let mut in_quotes = false;
    let mut quote_line = 0;
    let mut values = 0usize;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if in_quotes {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => in_quotes = false,
                '\n' => {
                    line += 1;
                    field.push('\n');
                }
                c => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.trim().is_empty() => {
                field.clear();
                in_quotes = true;
                quote_line = line;
            }
            c if c == delimiter => {
                fields.push(std::mem::take(&mut field));
                check_fields(fields.len(), record_line, format)?;
                values += 1;
                check_values(values, record_line, format)?;
            }
            '\r' => {}
            '\n' => {
                fields.push(std::mem::take(&mut field));
                if fields.iter().any(|f| !f.trim().is_empty()) {
                    check_count(records.len(), record_line, format)?;
                    records.push(Record {
                        line: record_line,
                        fields: std::mem::take(&mut fields),
                    });
                }
                fields.clear();
                line += 1;
                record_line = line;
            }
            c => field.push(c),
        }
    }
    if in_quotes {
        return Err(ParseError::at(
            format,
            format!("line {quote_line}"),
            "a quoted field is never closed",
        ));
    }
    fields.push(field);
    if fields.iter().any(|f| !f.trim().is_empty()) {
        records.push(Record {
            line: record_line,
            fields,
        });
    }
    Ok(records)
}
