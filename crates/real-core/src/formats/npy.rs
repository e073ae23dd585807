//! NumPy `.npy`: int top-1 (N,), int top-k (N,k), float scores (N,1000|1001); any width,
//! either byte order, C or Fortran order.

use super::softmax::StreamedMass;
use super::topk::TopK;
use super::{Entries, NumberKind, RawPredictions, Rows, MAX_K, MISSING, SCORE_K};
use crate::error::ParseError;

pub const MAGIC: &[u8] = b"\x93NUMPY";
/// The widest text cell read (4 bytes a character): file names are 28 characters, paths a
/// few hundred.
const MAX_TEXT_CELL_BYTES: usize = 4 * 4096;
const FORMAT: &str = "NumPy .npy";

/// Element type of an array.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Int,
    UInt,
    Float,
    /// UTF-32 text of this many characters (numpy `U`), used for file names.
    Unicode(usize),
}

/// A parsed `.npy` header and a view of its data.
#[derive(Clone, Debug)]
pub struct Array<'a> {
    pub kind: Kind,
    pub width: usize,
    pub big_endian: bool,
    pub fortran: bool,
    pub shape: Vec<usize>,
    pub data: &'a [u8],
}

fn header_value<'h>(header: &'h str, key: &str) -> Option<&'h str> {
    let at = header.find(&format!("'{key}'"))? + key.len() + 2;
    let rest = header[at..].trim_start().strip_prefix(':')?.trim_start();
    Some(rest)
}

/// Parses the header and checks the data it promises is there; errors name the byte and what
/// was expected.
pub fn parse(bytes: &[u8]) -> Result<Array<'_>, ParseError> {
    let (array, data_start) = header(bytes)?;
    let descr = array.describe();
    let elements = array
        .shape
        .iter()
        .try_fold(1usize, |a, d| a.checked_mul(*d));
    let needed = elements.and_then(|e| e.checked_mul(array.width));
    let data = needed
        .and_then(|n| bytes.get(data_start..data_start.checked_add(n)?))
        .ok_or_else(|| {
            ParseError::at(
                FORMAT,
                format!("byte {data_start}"),
                format!(
                    "the header promises shape {:?} of '{descr}' but the file holds only {} data bytes: it is truncated",
                    array.shape,
                    bytes.len().saturating_sub(data_start)
                ),
            )
        })?;
    Ok(Array { data, ..array })
}

/// Parses only the header: the array (with no data yet) and where its data starts. `bytes`
/// need hold no more than the header, so a stream can be read without its data in memory.
pub fn header(bytes: &[u8]) -> Result<(Array<'static>, usize), ParseError> {
    let bad = |at: usize, msg: &str| ParseError::at(FORMAT, format!("byte {at}"), msg.to_string());
    if !bytes.starts_with(MAGIC) {
        return Err(bad(0, "expected the magic \\x93NUMPY"));
    }
    if bytes.len() < 10 {
        return Err(bad(
            bytes.len(),
            "the file ends inside the .npy preamble (magic, version, header length): it is truncated",
        ));
    }
    let (header_len, start) = match bytes[6] {
        1 => (
            usize::from(u16::from_le_bytes([bytes[8], bytes[9]])),
            10usize,
        ),
        2 | 3 if bytes.len() >= 12 => (
            u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]) as usize,
            12,
        ),
        v => {
            return Err(bad(
                6,
                &format!("expected format version 1, 2 or 3, found {v}"),
            ))
        }
    };
    let header = bytes
        .get(start..start.saturating_add(header_len))
        .ok_or_else(|| bad(start, "the header is cut short: the file is truncated"))?;
    let header = std::str::from_utf8(header).map_err(|_| bad(start, "the header is not text"))?;
    let descr =
        header_value(header, "descr").ok_or_else(|| bad(start, "the header has no 'descr'"))?;
    let descr = descr
        .strip_prefix('\'')
        .and_then(|d| d.split('\'').next())
        .ok_or_else(|| {
            bad(
                start,
                "expected a plain dtype such as '<f4'; structured arrays are not predictions",
            )
        })?;
    // Split after the first character, not byte: a header is any UTF-8 text.
    let split = descr.chars().next().map_or(0, char::len_utf8);
    let (order, code) = descr.split_at(split);
    let big_endian = match order {
        "<" | "|" | "=" => false,
        ">" => true,
        _ => {
            return Err(bad(
                start,
                &format!("unknown byte order in dtype '{descr}'"),
            ))
        }
    };
    let split = code.chars().next().map_or(0, char::len_utf8);
    let (letter, digits) = code.split_at(split);
    let width: usize = digits
        .parse()
        .map_err(|_| bad(start, &format!("unsupported dtype '{descr}'")))?;
    let kind = match (letter, width) {
        ("i", 1 | 2 | 4 | 8) => Kind::Int,
        ("u", 1 | 2 | 4 | 8) => Kind::UInt,
        ("f", 2 | 4 | 8) => Kind::Float,
        ("U", n) if n > 0 => Kind::Unicode(n),
        _ => {
            return Err(bad(
                start,
                &format!("unsupported dtype '{descr}': expected integers or floats"),
            ))
        }
    };
    let width = match kind {
        // A claimed width is checked here, before any size is computed from it.
        Kind::Unicode(n) => n
            .checked_mul(4)
            .filter(|w| *w <= MAX_TEXT_CELL_BYTES)
            .ok_or_else(|| {
                bad(
                    start,
                    &format!(
                        "dtype '{descr}' claims text cells of {n} characters; expected file names of at most {} characters",
                        MAX_TEXT_CELL_BYTES / 4
                    ),
                )
            })?,
        _ => width,
    };
    let fortran = header_value(header, "fortran_order")
        .ok_or_else(|| bad(start, "the header has no 'fortran_order'"))?
        .starts_with("True");
    let shape_text = header_value(header, "shape")
        .and_then(|s| s.strip_prefix('('))
        .and_then(|s| s.split(')').next())
        .ok_or_else(|| bad(start, "the header has no 'shape'"))?;
    let shape = shape_text
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.trim_end_matches('L').parse::<usize>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| bad(start, &format!("cannot read the shape ({shape_text})")))?;
    let data_start = start + header_len;
    Ok((
        Array {
            kind,
            width,
            big_endian,
            fortran,
            shape,
            data: &[],
        },
        data_start,
    ))
}

/// One numpy `U` cell: UTF-32 code points up to the first NUL (invalid ones as U+FFFD).
pub fn utf32(bytes: &[u8], big_endian: bool) -> String {
    bytes
        .chunks_exact(4)
        .map(|c| {
            let v = if big_endian {
                u32::from_be_bytes([c[0], c[1], c[2], c[3]])
            } else {
                u32::from_le_bytes([c[0], c[1], c[2], c[3]])
            };
            char::from_u32(v).unwrap_or('\u{fffd}')
        })
        .take_while(|c| *c != '\0')
        .collect()
}

impl Array<'_> {
    /// The dtype as numpy writes it, e.g. `<f8`, for messages.
    pub fn describe(&self) -> String {
        let order = if self.big_endian { '>' } else { '<' };
        match self.kind {
            Kind::Int => format!("{order}i{}", self.width),
            Kind::UInt => format!("{order}u{}", self.width),
            Kind::Float => format!("{order}f{}", self.width),
            Kind::Unicode(n) => format!("{order}U{n}"),
        }
    }

    /// Element `index` (in storage order) as f64; exact for every int up to 2^53 and every float.
    #[inline(always)]
    fn float_at(&self, index: usize) -> f64 {
        let b = &self.data[index * self.width..(index + 1) * self.width];
        let mut raw = [0u8; 8];
        raw[..self.width].copy_from_slice(b);
        if self.big_endian {
            raw[..self.width].reverse();
        }
        match (self.kind, self.width) {
            (Kind::Float, 2) => half_to_f64(u16::from_le_bytes([raw[0], raw[1]])),
            (Kind::Float, 4) => f64::from(f32::from_le_bytes([raw[0], raw[1], raw[2], raw[3]])),
            (Kind::Float, _) => f64::from_le_bytes(raw),
            _ => self.int_at(index) as f64,
        }
    }

    /// Element `index` as i64 (ints; u64 beyond i64 saturates, which is no class anyway).
    fn int_at(&self, index: usize) -> i64 {
        let b = &self.data[index * self.width..(index + 1) * self.width];
        let mut raw = [0u8; 8];
        raw[..self.width].copy_from_slice(b);
        if self.big_endian {
            raw[..self.width].reverse();
        }
        let w = self.width;
        match self.kind {
            Kind::Int => {
                let shift = 64 - 8 * w as u32;
                (i64::from_le_bytes(raw) << shift) >> shift
            }
            Kind::UInt => i64::try_from(u64::from_le_bytes(raw)).unwrap_or(i64::MAX),
            _ => MISSING,
        }
    }

    /// The strings of a 1-D unicode array.
    pub fn strings(&self) -> Option<Vec<String>> {
        let Kind::Unicode(chars) = self.kind else {
            return None;
        };
        let strings = self
            .data
            .chunks_exact(4 * chars)
            .map(|item| utf32(item, self.big_endian))
            .collect();
        Some(strings)
    }

    /// The shape as numpy prints it: `(50000,)`, `(50000, 5)`.
    pub fn shape_text(&self) -> String {
        match self.shape.as_slice() {
            [n] => format!("({n},)"),
            dims => format!(
                "({})",
                dims.iter()
                    .map(usize::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }

    /// Rows and columns of a 1-D or 2-D array.
    fn matrix_shape(&self) -> Result<(usize, usize), ParseError> {
        match self.shape.as_slice() {
            [n] => Ok((*n, 1)),
            [n, k] => Ok((*n, *k)),
            _ => Err(ParseError::new(
                FORMAT,
                format!(
                    "expected shape (N,), (N,k) or (N,1000) but found {}",
                    self.shape_text()
                ),
            )),
        }
    }

    fn storage_index(&self, row: usize, column: usize, rows: usize, columns: usize) -> usize {
        if self.fortran {
            column * rows + row
        } else {
            row * columns + column
        }
    }

    /// Whether every element is a whole number (labels stored as floats).
    fn all_integral(&self) -> bool {
        let count = self.data.len() / self.width;
        (0..count).all(|i| {
            let v = self.float_at(i);
            v.fract() == 0.0 && v.abs() < 1e9
        })
    }

    /// Converts the array into predictions.
    pub fn into_predictions(self, format: &'static str) -> Result<RawPredictions, ParseError> {
        let (rows, columns) = self.matrix_shape()?;
        if rows == 0 || columns == 0 {
            return Err(ParseError::new(
                format,
                "the array is empty: expected one row per validation image",
            ));
        }
        let is_scores = self.kind == Kind::Float && !(columns <= MAX_K && self.all_integral());
        if is_scores {
            if columns != 1000 && columns != 1001 {
                return Err(ParseError::new(
                    format,
                    format!(
                        "found a float array of shape {}; expected 1000 or 1001 columns of logits or probabilities, or integer class indices",
                        self.shape_text()
                    ),
                ));
            }
            let k = SCORE_K;
            let (values, mut scores, masses) = self.top_k(rows, columns, k);
            let warnings = super::softmax::to_probabilities(&mut scores, k, &masses)
                .into_iter()
                .collect();
            return Ok(RawPredictions {
                format,
                rows: Rows::Unnamed(rows),
                k,
                entries: Entries::Numbers {
                    kind: NumberKind::Columns(columns),
                    values,
                },
                scores: Some(scores),
                warnings,
            });
        }
        if let Kind::Unicode(_) = self.kind {
            return Err(ParseError::new(
                format,
                "found an array of text; expected class indices or scores",
            ));
        }
        if columns > 1001 && rows < columns {
            // Class numbers, more per row than there are classes: an array of predictions per
            // image saved the other way round (top5.T), not a row of 50,000 guesses.
            return Err(ParseError::new(
                format,
                format!(
                    "found integers of shape {}: more predictions per row than there are classes; if each column is an image, save the transpose (np.save(path, array.T))",
                    self.shape_text()
                ),
            ));
        }
        let k = columns.min(MAX_K);
        let mut values = Vec::with_capacity(rows * k);
        for row in 0..rows {
            for column in 0..k {
                let i = self.storage_index(row, column, rows, columns);
                values.push(super::file_number(if self.kind == Kind::Float {
                    self.float_at(i) as i64
                } else {
                    self.int_at(i)
                }));
            }
        }
        let mut warnings = Vec::new();
        if columns > MAX_K {
            warnings.push(format!(
                "the file holds {columns} predictions per row; the first {MAX_K} are used"
            ));
        }
        Ok(RawPredictions {
            format,
            rows: Rows::Unnamed(rows),
            k,
            entries: Entries::Numbers {
                kind: NumberKind::Labels,
                values,
            },
            scores: None,
            warnings,
        })
    }

    fn top_k(&self, rows: usize, columns: usize, k: usize) -> super::topk::Best {
        let little_f32 = self.kind == Kind::Float && self.width == 4 && !self.big_endian;
        if little_f32 && !self.fortran {
            return super::topk::rows_f32_le(self.data, columns, k);
        }
        let mut top = TopK::new(rows, k);
        // Walk storage order (columns outer for Fortran order) so memory is read once, in
        // sequence; each row still sees its columns in ascending order.
        let (outer, inner) = if self.fortran {
            (columns, rows)
        } else {
            (rows, columns)
        };
        let mut finite = vec![true; rows];
        let mut masses = vec![StreamedMass::EMPTY; rows];
        for o in 0..outer {
            for i in 0..inner {
                let (row, column) = if self.fortran { (i, o) } else { (o, i) };
                let value = self.float_at(o * inner + i);
                finite[row] &= value.is_finite();
                masses[row].add(value as f32);
                offer_if_better(&mut top, row, column as u32, value);
            }
        }
        let (columns, mut scores) = top.finish();
        // Marked for formats::void_non_finite, which reports the rows and never counts them.
        for (row, _) in finite.iter().enumerate().filter(|(_, f)| !**f) {
            scores[row * k..(row + 1) * k].fill(f32::NAN);
        }
        (
            columns,
            scores,
            masses.into_iter().map(StreamedMass::finish).collect(),
        )
    }
}

#[inline(always)]
fn offer_if_better(top: &mut TopK, row: usize, column: u32, value: f64) {
    let threshold = top.threshold(row);
    if value > threshold || threshold == f64::NEG_INFINITY {
        top.offer(row, column, value);
    }
}

/// IEEE half precision to f64.
fn half_to_f64(bits: u16) -> f64 {
    let sign = if bits & 0x8000 != 0 { -1.0 } else { 1.0 };
    let exponent = i32::from((bits >> 10) & 0x1f);
    let mantissa = f64::from(bits & 0x3ff);
    match exponent {
        0 => sign * mantissa * 2f64.powi(-24),
        31 if mantissa == 0.0 => sign * f64::INFINITY,
        31 => f64::NAN,
        e => sign * (1.0 + mantissa / 1024.0) * 2f64.powi(e - 15),
    }
}

/// Reads a `.npy` file's 2-D array with its `fortran_order` flag flipped: for telling a user
/// whose file reads well only that way that the flag is wrong. `None` for other files.
pub fn read_flipped(bytes: &[u8]) -> Option<(bool, RawPredictions)> {
    let array = parse(bytes).ok()?;
    if !matches!(array.shape.as_slice(), [_, k] if *k > 1) {
        return None;
    }
    let flag = array.fortran;
    let flipped = Array {
        fortran: !flag,
        ..array
    };
    Some((flag, flipped.into_predictions(FORMAT).ok()?))
}

/// Reads a whole `.npy` file.
pub fn read(bytes: &[u8]) -> Result<RawPredictions, ParseError> {
    parse(bytes)?.into_predictions(FORMAT)
}
