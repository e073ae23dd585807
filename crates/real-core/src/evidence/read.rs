//! Reading the published rater files, `scores.npz` and `raters.npz`, piece by piece.
//!
//! Both are NumPy archives with an `info` array of (file name, label index as text) per
//! question, 184,962 questions over 24,889 images. `scores.npz` holds one float64 Dawid–Skene
//! probability per question (`tensor`, shape (N,)); `raters.npz` holds every rater's one-hot
//! no/maybe/yes answer to every question (`tensor`, float64 (R, N, 3), a zero row where a rater
//! did not see the question) and the rater ids (`ids`, (R,)). Inflated, the raters' tensor is
//! 377 MB: it is read in 64 KB pieces and only the five answers per question are kept.

use crate::error::ParseError;
use crate::formats::npy::{self, Array, Kind};
use crate::formats::zip::{self, Entry};
use crate::ids::{ClassIndex, ImageId};

const FORMAT: &str = "rater evidence (.npz)";

/// The most questions a file may hold: far above the published 184,962, far below what could
/// exhaust memory (each question keeps a few bytes).
pub const MAX_QUESTIONS: usize = 2_000_000;
/// The most raters a file may hold (the published file has 85).
pub const MAX_RATERS: usize = 1_000;
/// The most bytes the raters' tensor may inflate to: the limit of any archive member (the
/// published tensor is 377 MB). A small archive can claim far more (deflate packs zeros a
/// thousandfold); the claim is refused before any inflating, so that no file can keep the
/// worker busy for minutes.
pub const MAX_TENSOR_BYTES: usize = zip::MAX_MEMBER_BYTES as usize;
/// The longest text an `info` cell may hold (the published file names have 28 characters).
const MAX_INFO_CHARS: usize = 64;
/// Answers every question of the published `raters.npz` has.
pub const ANSWERS_PER_QUESTION: u8 = 5;
/// Questions in the golden files (`golden.npz`, `raters_golden.npz`), which share the layout.
const GOLDEN_QUESTIONS: usize = 1_135;

/// One rated (image, candidate label) pair.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Question {
    /// The image.
    pub image: ImageId,
    /// The candidate label asked about.
    pub label: ClassIndex,
}

/// What one rater file held.
#[derive(Clone, Debug, PartialEq)]
pub enum EvidenceFile {
    /// `scores.npz`: one probability per question, in the file's order.
    Scores {
        questions: Vec<Question>,
        scores: Vec<f64>,
    },
    /// `raters.npz`: answers per question as [no, maybe, yes] counts, in the file's order.
    Raters {
        questions: Vec<Question>,
        votes: Vec<[u8; 3]>,
        raters: usize,
    },
}

impl EvidenceFile {
    /// The questions, in the file's order.
    pub fn questions(&self) -> &[Question] {
        match self {
            EvidenceFile::Scores { questions, .. } | EvidenceFile::Raters { questions, .. } => {
                questions
            }
        }
    }

    /// "scores.npz" or "raters.npz": which published file this is.
    pub fn kind_name(&self) -> &'static str {
        match self {
            EvidenceFile::Scores { .. } => "scores.npz",
            EvidenceFile::Raters { .. } => "raters.npz",
        }
    }
}

/// Reads `scores.npz` or `raters.npz` (told apart by their contents). `progress` hears the
/// fraction of the archive read so far. Peak memory beyond the archive is a 64 KB piece and
/// the kept result, a few bytes per question.
pub fn read(bytes: &[u8], progress: &mut dyn FnMut(f64)) -> Result<EvidenceFile, ParseError> {
    crate::limits::check_file_size(FORMAT, bytes.len() as u64)?;
    if bytes.is_empty() {
        return Err(ParseError::new(
            FORMAT,
            "the file is empty; expected scores.npz or raters.npz",
        ));
    }
    if !bytes.starts_with(b"PK") {
        return Err(ParseError::at(
            FORMAT,
            "byte 0",
            "this is not a NumPy .npz archive (a ZIP file, which starts with 'PK'); expected scores.npz or raters.npz",
        ));
    }
    let entries = zip::entries(bytes).map_err(|e| ParseError {
        format: FORMAT,
        ..e
    })?;
    let find = |name: &str| entries.iter().find(|e| e.name == name);
    let (Some(info), Some(tensor)) = (find("info.npy"), find("tensor.npy")) else {
        let names: Vec<&str> = entries.iter().map(|e| e.name.as_str()).collect();
        return Err(ParseError::new(
            FORMAT,
            format!(
                "expected the arrays 'info' and 'tensor' of the published scores.npz or raters.npz, found {}",
                if names.is_empty() { "none".to_string() } else { names.join(", ") }
            ),
        ));
    };
    let total = (info.raw.len() + tensor.raw.len()).max(1) as f64;
    let info_share = info.raw.len() as f64 / total;
    let questions = read_info(info, &mut |f| progress(f * info_share))?;
    let n = questions.len();
    let mut tensor_progress = |f: f64| progress(info_share + f * (1.0 - info_share));
    let head = member_header(tensor)?;
    match head.shape.as_slice() {
        [m] if *m == n => {
            let scores = read_scores(tensor, n, &mut tensor_progress)?;
            Ok(EvidenceFile::Scores { questions, scores })
        }
        [r, m, 3] if *m == n => {
            if *r == 0 || *r > MAX_RATERS {
                return Err(ParseError::new(
                    FORMAT,
                    format!("'tensor' has {r} raters; expected 1 to {MAX_RATERS}"),
                ));
            }
            if r.saturating_mul(n).saturating_mul(3 * head.width) > MAX_TENSOR_BYTES {
                return Err(ParseError::new(
                    FORMAT,
                    format!(
                        "'tensor' of {r} raters × {n} questions would inflate past {} MB; the published raters.npz inflates to 377 MB",
                        MAX_TENSOR_BYTES >> 20
                    ),
                ));
            }
            let votes = read_votes(tensor, *r, n, &mut tensor_progress)?;
            Ok(EvidenceFile::Raters {
                questions,
                votes,
                raters: *r,
            })
        }
        other => Err(ParseError::new(
            FORMAT,
            format!(
                "'tensor' has shape {other:?}; with {n} questions in 'info' expected ({n},) as in scores.npz or (raters, {n}, 3) as in raters.npz"
            ),
        )),
    }
}

/// The header of an archive member, read from its first inflated bytes only.
fn member_header(entry: &Entry<'_>) -> Result<Array<'static>, ParseError> {
    let mut head = None;
    let mut buffer = Vec::new();
    let result = zip::stream(
        entry,
        &mut |piece| {
            buffer.extend_from_slice(piece);
            match header_in(&buffer, &entry.name)? {
                Some(found) => {
                    head = Some(found.0);
                    // Stops the stream: the header is all that was wanted.
                    Err(ParseError::new(FORMAT, STOP))
                }
                None => Ok(()),
            }
        },
        &mut |_| {},
    );
    match (head, result) {
        (Some(head), _) => Ok(head),
        (None, Err(e)) => Err(e),
        (None, Ok(())) => Err(ParseError::new(
            FORMAT,
            format!("'{}' ends inside its header", entry.name),
        )),
    }
}

const STOP: &str = "stop";

/// Parses an .npy header once `buffer` holds all of it; `None` while it needs more bytes.
fn header_in(buffer: &[u8], name: &str) -> Result<Option<(Array<'static>, usize)>, ParseError> {
    const MAX_HEADER: usize = 1 << 16;
    let in_member = |e: ParseError| ParseError {
        format: FORMAT,
        location: Some(format!(
            "array '{name}'{}",
            e.location.map(|l| format!(", {l}")).unwrap_or_default()
        )),
        message: e.message,
    };
    if buffer.len() < 12 {
        return Ok(None);
    }
    let (len, start) = match buffer[6] {
        1 => (usize::from(u16::from_le_bytes([buffer[8], buffer[9]])), 10),
        _ => (
            u32::from_le_bytes([buffer[8], buffer[9], buffer[10], buffer[11]]) as usize,
            12,
        ),
    };
    if !buffer.starts_with(npy::MAGIC) || len > MAX_HEADER {
        // Let the parser name what is wrong.
        return npy::header(buffer)
            .map(Some)
            .map_err(in_member)
            .and_then(|_| {
                Err(in_member(ParseError::new(
                    FORMAT,
                    format!("a header of {len} bytes; expected at most {MAX_HEADER}"),
                )))
            });
    }
    if buffer.len() < start + len {
        return Ok(None);
    }
    npy::header(buffer).map(Some).map_err(in_member)
}

/// Checks a header and says (bytes per record, records expected).
type LayoutOf<'f> = dyn FnMut(&Array<'static>) -> Result<(usize, usize), ParseError> + 'f;
/// Takes one record: its index, its bytes, whether they are big-endian.
type OnRecord<'f> = dyn FnMut(usize, &[u8], bool) -> Result<(), ParseError> + 'f;

/// Streams a member's data in fixed-size records: `record_bytes` says how long a record is
/// once the header is known (and checks the header), `on_record` gets each record's index and
/// bytes. Errors unless the member holds exactly the records its header promises.
fn records(
    entry: &Entry<'_>,
    record_bytes: &mut LayoutOf<'_>,
    on_record: &mut OnRecord<'_>,
    progress: &mut dyn FnMut(f64),
) -> Result<(), ParseError> {
    let mut head: Vec<u8> = Vec::new();
    // (record length, records expected, big endian) once the header is read.
    let mut layout: Option<(usize, usize, bool)> = None;
    let mut carry: Vec<u8> = Vec::new();
    let mut index = 0usize;
    let name = entry.name.clone();
    zip::stream(
        entry,
        &mut |mut piece: &[u8]| {
            if layout.is_none() {
                let before = head.len();
                head.extend_from_slice(piece);
                let Some((array, data_start)) = header_in(&head, &name)? else {
                    return Ok(());
                };
                let (len, count) = record_bytes(&array)?;
                layout = Some((len.max(1), count, array.big_endian));
                piece = &piece[data_start.saturating_sub(before).min(piece.len())..];
                head = Vec::new();
            }
            let Some((len, count, big)) = layout else {
                return Ok(());
            };
            let mut emit = |bytes: &[u8]| -> Result<(), ParseError> {
                if index >= count {
                    return Err(ParseError::new(
                        FORMAT,
                        format!("'{name}' holds more data than its header's shape"),
                    ));
                }
                on_record(index, bytes, big)?;
                index += 1;
                Ok(())
            };
            if !carry.is_empty() {
                let need = (len - carry.len()).min(piece.len());
                carry.extend_from_slice(&piece[..need]);
                piece = &piece[need..];
                if carry.len() == len {
                    emit(&carry)?;
                    carry.clear();
                }
            }
            let mut chunks = piece.chunks_exact(len);
            for record in &mut chunks {
                emit(record)?;
            }
            carry.extend_from_slice(chunks.remainder());
            Ok(())
        },
        progress,
    )?;
    match layout {
        Some((_, count, _)) if index == count && carry.is_empty() => Ok(()),
        Some((_, count, _)) => Err(ParseError::new(
            FORMAT,
            format!("'{name}' holds {index} of the {count} records its header promises: it is truncated"),
        )),
        None => Err(ParseError::new(
            FORMAT,
            format!("'{name}' ends inside its header"),
        )),
    }
}

fn refuse(name: &str, message: String) -> ParseError {
    ParseError::at(FORMAT, format!("array '{name}'"), message)
}

/// Reads `info`: (N, 2) unicode, [file name, label index as text] per question.
fn read_info(
    entry: &Entry<'_>,
    progress: &mut dyn FnMut(f64),
) -> Result<Vec<Question>, ParseError> {
    let mut questions = Vec::new();
    // Set by the header, read by every record.
    let chars = std::cell::Cell::new(0usize);
    let expected = std::cell::Cell::new(0usize);
    records(
        entry,
        &mut |array| {
            let (n, Kind::Unicode(c)) = (array.shape.as_slice(), array.kind) else {
                return Err(refuse(
                    "info",
                    format!(
                        "dtype '{}'; expected unicode text ('<U28')",
                        array.describe()
                    ),
                ));
            };
            let &[n, 2] = n else {
                return Err(refuse(
                    "info",
                    format!("shape {n:?}; expected (questions, 2)"),
                ));
            };
            if array.fortran {
                return Err(refuse(
                    "info",
                    "is in Fortran order; expected C order".into(),
                ));
            }
            if n == GOLDEN_QUESTIONS {
                return Err(ParseError::new(
                    FORMAT,
                    "this is golden.npz or raters_golden.npz (the 1,135 golden questions), not the raters' evidence: give scores.npz and raters.npz",
                ));
            }
            if n == 0 || n > MAX_QUESTIONS {
                return Err(refuse(
                    "info",
                    format!("{n} questions; expected 1 to {MAX_QUESTIONS}"),
                ));
            }
            if c > MAX_INFO_CHARS {
                return Err(refuse("info", format!("text of {c} characters a cell; expected file names and labels of at most {MAX_INFO_CHARS}")));
            }
            chars.set(c);
            expected.set(n);
            Ok((8 * c, n))
        },
        &mut |index, record, big| {
            let text = |bytes: &[u8]| npy::utf32(bytes, big);
            if index == 0 {
                questions.reserve_exact(expected.get());
            }
            let (file, label) = record.split_at(4 * chars.get());
            let (file, label) = (text(file), text(label));
            let at = || format!("array 'info', question {}", index + 1);
            let image = ImageId::from_file_name(&file).ok_or_else(|| {
                ParseError::at(
                    FORMAT,
                    at(),
                    format!(
                        "expected an ILSVRC2012 validation file name, found '{}'",
                        crate::error::quote(&file)
                    ),
                )
            })?;
            let label = label
                .trim()
                .parse::<i64>()
                .ok()
                .and_then(ClassIndex::new)
                .ok_or_else(|| {
                    ParseError::at(
                        FORMAT,
                        at(),
                        format!(
                            "expected a class index 0 to 999, found '{}'",
                            crate::error::quote(&label)
                        ),
                    )
                })?;
            questions.push(Question { image, label });
            Ok(())
        },
        progress,
    )?;
    Ok(questions)
}

fn float_of(record: &[u8], big: bool) -> f64 {
    match record.len() {
        4 => {
            let b = [record[0], record[1], record[2], record[3]];
            f64::from(if big {
                f32::from_be_bytes(b)
            } else {
                f32::from_le_bytes(b)
            })
        }
        _ => {
            let mut b = [0u8; 8];
            b.copy_from_slice(&record[..8]);
            if big {
                f64::from_be_bytes(b)
            } else {
                f64::from_le_bytes(b)
            }
        }
    }
}

fn float_width(array: &Array<'static>, name: &str) -> Result<usize, ParseError> {
    match (array.kind, array.width) {
        (Kind::Float, 4 | 8) if !array.fortran || array.shape.len() < 2 => Ok(array.width),
        _ => Err(refuse(
            name,
            format!(
                "dtype '{}'{}; expected float64 ('<f8') in C order",
                array.describe(),
                if array.fortran { ", Fortran order" } else { "" }
            ),
        )),
    }
}

/// Reads `scores.npz`'s `tensor`: one probability in [0, 1] per question.
fn read_scores(
    entry: &Entry<'_>,
    n: usize,
    progress: &mut dyn FnMut(f64),
) -> Result<Vec<f64>, ParseError> {
    let mut scores = Vec::with_capacity(n);
    records(
        entry,
        &mut |array| Ok((float_width(array, "tensor")?, n)),
        &mut |index, record, big| {
            let score = float_of(record, big);
            if !(0.0..=1.0).contains(&score) {
                return Err(ParseError::at(
                    FORMAT,
                    format!("array 'tensor', question {}", index + 1),
                    // Shortest form that round-trips, in exponent form when very small or
                    // large: -1e-300 printed in full would fill the line.
                    format!(
                        "score {}; expected a probability from 0 to 1",
                        if score != 0.0 && !(1e-4..1e6).contains(&score.abs()) {
                            format!("{score:e}")
                        } else {
                            format!("{score}")
                        }
                    ),
                ));
            }
            scores.push(score);
            Ok(())
        },
        progress,
    )?;
    Ok(scores)
}

/// Reads `raters.npz`'s `tensor`, (R, N, 3) one-hot answers, into counts per question.
fn read_votes(
    entry: &Entry<'_>,
    raters: usize,
    n: usize,
    progress: &mut dyn FnMut(f64),
) -> Result<Vec<[u8; 3]>, ParseError> {
    let mut votes = vec![[0u8; 3]; n];
    records(
        entry,
        &mut |array| Ok((3 * float_width(array, "tensor")?, raters * n)),
        &mut |index, record, big| {
            let (rater, question) = (index / n, index % n);
            let width = record.len() / 3;
            let mut answer = None;
            for (option, value) in record.chunks_exact(width).enumerate() {
                let value = float_of(value, big);
                let one = value == 1.0;
                if !(one || value == 0.0) || (one && answer.is_some()) {
                    return Err(ParseError::at(
                        FORMAT,
                        format!("array 'tensor', rater {}, question {}", rater + 1, question + 1),
                        "expected a one-hot no/maybe/yes answer (or all zeros where the rater did not see the question)",
                    ));
                }
                if one {
                    answer = Some(option);
                }
            }
            if let (Some(option), Some(counts)) = (answer, votes.get_mut(question)) {
                counts[option] = counts[option].saturating_add(1);
            }
            Ok(())
        },
        progress,
    )?;
    if let Some((question, counts)) = votes.iter().enumerate().find(|(_, c)| {
        c.iter().map(|v| u32::from(*v)).sum::<u32>() != u32::from(ANSWERS_PER_QUESTION)
    }) {
        return Err(ParseError::at(
            FORMAT,
            format!("array 'tensor', question {}", question + 1),
            format!(
                "{} answers; every question of the published raters.npz has {ANSWERS_PER_QUESTION}",
                counts.iter().map(|v| u32::from(*v)).sum::<u32>()
            ),
        ));
    }
    Ok(votes)
}

impl EvidenceFile {
    /// The questions packed one number each, image position × 1024 + label, to send between
    /// threads as one typed array.
    pub fn packed_questions(&self) -> Vec<u32> {
        self.questions()
            .iter()
            .map(|q| (q.image.position() as u32) << 10 | u32::from(q.label.0))
            .collect()
    }

    /// Rebuilds a file from [`EvidenceFile::packed_questions`] and either its scores or its
    /// votes (three per question), checking every number.
    pub fn from_packed(
        packed: &[u32],
        scores: Option<Vec<f64>>,
        votes: Option<&[u8]>,
        raters: usize,
    ) -> Result<Self, String> {
        let questions = packed
            .iter()
            .map(|&p| {
                let image = (p >> 10) as usize;
                let label = ClassIndex::new(i64::from(p & 1023));
                match (image < ImageId::COUNT, label) {
                    (true, Some(label)) => Some(Question {
                        image: ImageId::from_position(image),
                        label,
                    }),
                    _ => None,
                }
            })
            .collect::<Option<Vec<_>>>()
            .ok_or("a question out of range")?;
        match (scores, votes) {
            (Some(scores), None) if scores.len() == questions.len() => {
                Ok(EvidenceFile::Scores { questions, scores })
            }
            (None, Some(votes)) if votes.len() == 3 * questions.len() => Ok(EvidenceFile::Raters {
                questions,
                votes: votes.chunks_exact(3).map(|v| [v[0], v[1], v[2]]).collect(),
                raters,
            }),
            _ => Err("scores or votes that do not match the questions".into()),
        }
    }
}
