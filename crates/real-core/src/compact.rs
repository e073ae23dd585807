//! A compact, versioned binary form of [`Predictions`] and [`LabelSet`], for keeping them in
//! the browser between visits.
//!
//! Both kinds share one frame:
//!
//! ```text
//! magic (4 bytes: "REXP" predictions, "REXL" label set) · schema version (u16)
//! · body · CRC-32 of everything before it (u32)
//! ```
//!
//! Every number is little-endian and every variable part carries its length. A string is a
//! u32 byte length and UTF-8 bytes.
//!
//! Predictions body: `format` · order (u8) · convention (u8) · detection (u8 flag, then its
//! JSON as a string) · `k` (u32) · `rows_in_file` (u64) · image count (u32) · image layout
//! (u8: 0 = one u16 image number per row; 1 = a 50,000-bit map, rows in ascending image
//! order) · classes (u16 each, 0xFFFF for `None`) · scores (u8 flag, then f32 each) ·
//! warnings (u32 count, then strings).
//!
//! Label set body: `key` · `source` · `format` · warnings (u32 count, then strings) · positions
//! (u32) · covered (one bit per position) · set size per covered position (u8; 255 means a
//! u16 follows) · classes (u16 each, sorted within a set).
//!
//! Evidence body: provenance (scores source, raters flag then source, two published flags) ·
//! candidates per image (u16 each, 50,000) · candidate count (u32) · labels (u16) · scores
//! (f32) · levels (u8: the highest hundredth the float64 score reached) · votes (u8 flag, then
//! no/maybe/yes as three u8 per candidate). Keeping the level rather than recomputing it from
//! the f32 keeps the set at every hundredth exactly as the float64 scores give it.
//!
//! Stored bytes are untrusted: another version of the page, a damaged disk or a curious user
//! may have written them. Decoding checks every length against the bytes left before
//! allocating, so it never panics and never asks for more memory than the input justifies;
//! the checksum turns a flipped bit into an error rather than a silently different model.

use crate::detect::{ClassConvention, Detection, RowOrder};
use crate::evidence::{Evidence, Provenance};
use crate::ids::{ClassIndex, ImageId};
use crate::labels::LabelSet;
use crate::predictions::Predictions;
use std::fmt;

/// The schema version this build writes and reads. Bump it whenever the layout changes:
/// blobs of any other version are refused with [`CompactError::OtherVersion`].
pub const SCHEMA_VERSION: u16 = 1;

/// The first bytes of encoded predictions.
pub const PREDICTIONS_MAGIC: [u8; 4] = *b"REXP";
/// The first bytes of an encoded label set.
pub const LABEL_SET_MAGIC: [u8; 4] = *b"REXL";
/// The first bytes of encoded rater evidence.
pub const EVIDENCE_MAGIC: [u8; 4] = *b"REXE";

/// Marks a prediction that is no ImageNet class.
const NO_CLASS: u16 = u16::MAX;
/// A set size at or above this is written as this byte and a u16.
const LONG_SET: u8 = u8::MAX;
/// Bytes in the map of all 50,000 images (a whole number: no spare bits to check).
const IMAGE_MAP_BYTES: usize = ImageId::COUNT / 8;
/// Magic and version.
const HEADER_BYTES: usize = 6;
/// The CRC-32 at the end.
const TRAILER_BYTES: usize = 4;

/// Why stored bytes could not be read back. Its `Display` is one sentence for the user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CompactError {
    /// The bytes do not start as this kind of record does.
    NotARecord {
        /// What was expected, e.g. "saved predictions".
        expected: &'static str,
    },
    /// The bytes were written by a page with another schema.
    OtherVersion {
        /// The schema version the bytes carry.
        found: u16,
    },
    /// The bytes end early, fail their checksum, or hold something that cannot be.
    Damaged {
        /// Byte offset where reading stopped.
        at: usize,
        /// What was expected there and what was found.
        what: String,
    },
}

impl fmt::Display for CompactError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CompactError::NotARecord { expected } => {
                write!(f, "these bytes are not {expected} of ReaL Explorer")
            }
            CompactError::OtherVersion { found } => write!(
                f,
                "saved by another version of the page (format {found}; this page reads format {SCHEMA_VERSION})"
            ),
            CompactError::Damaged { at, what } => {
                write!(f, "the saved copy is damaged at byte {at}: {what}")
            }
        }
    }
}

impl std::error::Error for CompactError {}

/// Encodes predictions; [`decode_predictions`] gives them back field for field.
///
/// About 6 bytes per prediction with scores and 2 without, plus 2 per row when the rows are
/// not in ascending image order: 1.5 MB for 50,000 × 5 with scores, 100 KB for 50,000 × 1.
pub fn encode_predictions(predictions: &Predictions) -> Vec<u8> {
    let cells = predictions.classes.len();
    let per_cell = if predictions.scores.is_some() { 6 } else { 2 };
    let mut out = Writer::new(PREDICTIONS_MAGIC, 64 + cells * per_cell + IMAGE_MAP_BYTES);
    out.str(&predictions.format);
    out.u8(order_code(predictions.order));
    out.u8(convention_code(predictions.convention));
    // The detection is small and nested: its JSON is simpler than a layout of its own, and
    // serde_json refuses deep nesting, so it cannot exhaust the stack either.
    match predictions
        .detection
        .as_ref()
        .and_then(|d| serde_json::to_string(d).ok())
    {
        Some(json) => {
            out.u8(1);
            out.str(&json);
        }
        None => out.u8(0),
    }
    out.u32(count(predictions.k));
    out.u64(predictions.rows_in_file as u64);
    out.u32(count(predictions.images.len()));
    let ascending = predictions.images.windows(2).all(|w| w[0] < w[1]);
    // The map costs 6,250 bytes whatever the rows: worth it beyond 3,125 rows.
    if ascending && predictions.images.len() * 2 > IMAGE_MAP_BYTES {
        out.u8(1);
        let mut map = vec![0u8; IMAGE_MAP_BYTES];
        for image in &predictions.images {
            let position = image.position();
            if let Some(byte) = map.get_mut(position / 8) {
                *byte |= 1 << (position % 8);
            }
        }
        out.bytes(&map);
    } else {
        out.u8(0);
        for image in &predictions.images {
            // Image numbers are at most 50,000, so they fit in a u16.
            out.u16(u16::try_from(image.0).unwrap_or(u16::MAX));
        }
    }
    for class in &predictions.classes {
        out.u16(class.map_or(NO_CLASS, |c| c.0));
    }
    match &predictions.scores {
        Some(scores) => {
            out.u8(1);
            for score in scores {
                out.bytes(&score.to_le_bytes());
            }
        }
        None => out.u8(0),
    }
    out.strings(&predictions.warnings);
    out.finish()
}

/// Decodes bytes written by [`encode_predictions`], rebuilding the image → row index.
pub fn decode_predictions(bytes: &[u8]) -> Result<Predictions, CompactError> {
    let mut read = Reader::open(bytes, PREDICTIONS_MAGIC, "saved predictions")?;
    let format = read.str("the format")?;
    let order_at = read.at;
    let order = order_from(read.u8("the row order")?)
        .ok_or_else(|| damaged(order_at, "an unknown row order"))?;
    let convention_at = read.at;
    let convention = convention_from(read.u8("the class convention")?)
        .ok_or_else(|| damaged(convention_at, "an unknown class convention"))?;
    let detection = match read.flag("whether there is a detection")? {
        true => {
            let at = read.at;
            let json = read.str("the detection")?;
            let detection: Detection = serde_json::from_str(&json)
                .map_err(|e| damaged(at, format!("the detection does not read ({e})")))?;
            Some(detection)
        }
        false => None,
    };
    let k_at = read.at;
    let k = read.u32("the predictions per row")? as usize;
    if k == 0 {
        return Err(damaged(k_at, "zero predictions per row"));
    }
    let rows_in_file = usize::try_from(read.u64("the rows in the file")?)
        .map_err(|_| damaged(read.at, "more rows than this machine can count"))?;
    let count_at = read.at;
    let rows = read.u32("the number of rows")? as usize;
    if rows > ImageId::COUNT {
        return Err(damaged(
            count_at,
            format!("{rows} rows, more than the {} images", ImageId::COUNT),
        ));
    }
    let images = read_images(&mut read, rows)?;
    let cells = rows
        .checked_mul(k)
        .ok_or_else(|| damaged(k_at, "more predictions than this machine can count"))?;
    let classes_at = read.at;
    let class_bytes = read.take(cells.saturating_mul(2), "the predicted classes")?;
    let mut classes = Vec::with_capacity(cells);
    for (i, pair) in class_bytes.chunks_exact(2).enumerate() {
        let value = u16::from_le_bytes([pair[0], pair[1]]);
        classes.push(match value {
            NO_CLASS => None,
            v => Some(ClassIndex::new(i64::from(v)).ok_or_else(|| {
                damaged(
                    classes_at + 2 * i,
                    format!("class {v}, not an ImageNet class"),
                )
            })?),
        });
    }
    let scores = match read.flag("whether there are scores")? {
        true => {
            let bytes = read.take(cells.saturating_mul(4), "the scores")?;
            Some(
                bytes
                    .chunks_exact(4)
                    .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                    .collect(),
            )
        }
        false => None,
    };
    let warnings = read.strings("the warnings")?;
    read.end()?;
    let mut predictions = Predictions {
        format,
        order,
        convention,
        detection,
        k,
        rows_in_file,
        images,
        classes,
        scores,
        warnings,
        row_of_image: Vec::new(),
    };
    predictions.index_rows();
    Ok(predictions)
}

/// Reads the image of every row, refusing numbers outside 1..=50,000 and repeats: a
/// repeated image would leave a row the index cannot reach.
fn read_images(read: &mut Reader<'_>, rows: usize) -> Result<Vec<ImageId>, CompactError> {
    let layout_at = read.at;
    match read.u8("the image layout")? {
        0 => {
            let at = read.at;
            let bytes = read.take(rows * 2, "the images")?;
            let mut seen = vec![false; ImageId::COUNT];
            let mut images = Vec::with_capacity(rows);
            for (i, pair) in bytes.chunks_exact(2).enumerate() {
                let number = u16::from_le_bytes([pair[0], pair[1]]);
                let image = ImageId::new(u64::from(number))
                    .ok_or_else(|| damaged(at + 2 * i, format!("image {number} does not exist")))?;
                match seen.get_mut(image.position()) {
                    Some(slot) if !*slot => *slot = true,
                    _ => return Err(damaged(at + 2 * i, format!("{image} twice"))),
                }
                images.push(image);
            }
            Ok(images)
        }
        1 => {
            let at = read.at;
            let map = read.take(IMAGE_MAP_BYTES, "the image map")?;
            let images: Vec<ImageId> = (0..ImageId::COUNT)
                .filter(|p| map.get(p / 8).is_some_and(|b| b & (1 << (p % 8)) != 0))
                .map(ImageId::from_position)
                .collect();
            if images.len() != rows {
                return Err(damaged(
                    at,
                    format!("the image map marks {} images, not {rows}", images.len()),
                ));
            }
            Ok(images)
        }
        other => Err(damaged(
            layout_at,
            format!("an unknown image layout {other}"),
        )),
    }
}

/// Encodes a label set; [`decode_label_set`] gives it back equal. About 170 KB for ReaL.
pub fn encode_label_set(set: &LabelSet) -> Vec<u8> {
    let mut out = Writer::new(
        LABEL_SET_MAGIC,
        64 + set.covered.len() * 2 + set.classes.len() * 2,
    );
    out.str(&set.key);
    out.str(&set.source);
    out.str(&set.format);
    out.strings(&set.warnings);
    out.u32(count(set.covered.len()));
    let mut map = vec![0u8; set.covered.len().div_ceil(8)];
    for (position, covered) in set.covered.iter().enumerate() {
        if let (true, Some(byte)) = (*covered, map.get_mut(position / 8)) {
            *byte |= 1 << (position % 8);
        }
    }
    out.bytes(&map);
    for (position, covered) in set.covered.iter().enumerate() {
        if *covered {
            let size = set_range(set, position).map_or(0, |r| r.len());
            match u8::try_from(size) {
                Ok(small) if small < LONG_SET => out.u8(small),
                _ => {
                    out.u8(LONG_SET);
                    out.u16(u16::try_from(size).unwrap_or(u16::MAX));
                }
            }
        }
    }
    for class in &set.classes {
        out.u16(class.0);
    }
    out.finish()
}

/// The range of `set.classes` holding the set at a position.
fn set_range(set: &LabelSet, position: usize) -> Option<std::ops::Range<usize>> {
    let from = *set.start.get(position)? as usize;
    let to = *set.start.get(position + 1)? as usize;
    (from <= to).then_some(from..to)
}

/// Decodes bytes written by [`encode_label_set`].
pub fn decode_label_set(bytes: &[u8]) -> Result<LabelSet, CompactError> {
    let mut read = Reader::open(bytes, LABEL_SET_MAGIC, "a saved label set")?;
    let key = read.str("the key")?;
    let source = read.str("the source")?;
    let format = read.str("the format")?;
    let warnings = read.strings("the warnings")?;
    let positions_at = read.at;
    let positions = read.u32("the number of images")? as usize;
    // A label set speaks of the validation images and no more: this also bounds what the
    // per-image tables below take.
    if positions > ImageId::COUNT {
        return Err(damaged(
            positions_at,
            format!("{positions} images, more than the {}", ImageId::COUNT),
        ));
    }
    let map = read.take(positions.div_ceil(8), "the covered images")?;
    let covered: Vec<bool> = (0..positions)
        .map(|p| map.get(p / 8).is_some_and(|b| b & (1 << (p % 8)) != 0))
        .collect();
    // One size per covered image, each at least a byte: checked before any allocation.
    let covered_count = covered.iter().filter(|c| **c).count();
    if covered_count > read.left() {
        return Err(damaged(read.at, "the set sizes end early"));
    }
    let mut sizes = Vec::with_capacity(covered_count);
    for _ in 0..covered_count {
        let size = match read.u8("a set size")? {
            LONG_SET => read.u16("a set size")?,
            small => u16::from(small),
        };
        sizes.push(usize::from(size));
    }
    let total: usize = sizes.iter().sum();
    if u32::try_from(total).is_err() {
        return Err(damaged(read.at, "more labels than a label set holds"));
    }
    let at = read.at;
    let class_bytes = read.take(total.saturating_mul(2), "the labels")?;
    let mut classes = Vec::with_capacity(total);
    for (i, pair) in class_bytes.chunks_exact(2).enumerate() {
        let value = u16::from_le_bytes([pair[0], pair[1]]);
        classes.push(
            ClassIndex::new(i64::from(value)).ok_or_else(|| {
                damaged(at + 2 * i, format!("class {value}, not an ImageNet class"))
            })?,
        );
    }
    let mut start = Vec::with_capacity(positions + 1);
    start.push(0u32);
    let mut end = 0usize;
    let mut next_size = sizes.iter();
    for is_covered in &covered {
        if *is_covered {
            let from = end;
            end += next_size.next().copied().unwrap_or(0);
            // Sets are kept sorted: the scoring relies on nothing else, but equality does.
            if classes
                .get(from..end)
                .is_some_and(|s| s.windows(2).any(|w| w[0] > w[1]))
            {
                return Err(damaged(at + 2 * from, "a set out of order"));
            }
        }
        start.push(u32::try_from(end).unwrap_or(u32::MAX));
    }
    read.end()?;
    Ok(LabelSet {
        key,
        source,
        format,
        warnings,
        start,
        classes,
        covered,
    })
}

/// Encodes rater evidence; [`decode_evidence`] gives it back equal. About 1.3 MB for the
/// published files with votes.
pub fn encode_evidence(evidence: &Evidence) -> Vec<u8> {
    let n = evidence.labels.len();
    let mut out = Writer::new(EVIDENCE_MAGIC, 128 + ImageId::COUNT * 2 + n * 10);
    let p = &evidence.provenance;
    out.str(&p.scores);
    out.u8(u8::from(p.raters.is_some()));
    out.str(p.raters.as_deref().unwrap_or_default());
    out.u8(u8::from(p.scores_published));
    out.u8(u8::from(p.raters_published));
    for w in evidence.start.windows(2) {
        out.u16(u16::try_from(w[1].saturating_sub(w[0])).unwrap_or(u16::MAX));
    }
    out.u32(count(n));
    for label in &evidence.labels {
        out.u16(label.0);
    }
    for score in &evidence.scores {
        out.bytes(&score.to_le_bytes());
    }
    out.bytes(&evidence.levels);
    match &evidence.votes {
        Some(votes) => {
            out.u8(1);
            for v in votes {
                out.bytes(v);
            }
        }
        None => out.u8(0),
    }
    out.finish()
}

/// Decodes bytes written by [`encode_evidence`].
pub fn decode_evidence(bytes: &[u8]) -> Result<Evidence, CompactError> {
    let mut read = Reader::open(bytes, EVIDENCE_MAGIC, "saved rater evidence")?;
    let scores_source = read.str("the scores' source")?;
    let has_raters = read.flag("the raters flag")?;
    let raters_source = read.str("the raters' source")?;
    let scores_published = read.flag("the scores' published flag")?;
    let raters_published = read.flag("the raters' published flag")?;
    let counts = read.take(ImageId::COUNT * 2, "the candidates per image")?;
    let mut start = Vec::with_capacity(ImageId::COUNT + 1);
    start.push(0u32);
    let mut total = 0u32;
    for pair in counts.chunks_exact(2) {
        total += u32::from(u16::from_le_bytes([pair[0], pair[1]]));
        start.push(total);
    }
    let n_at = read.at;
    let n = read.u32("the candidate count")? as usize;
    if n != total as usize || n.saturating_mul(7) > read.left() {
        return Err(damaged(
            n_at,
            format!("{n} candidates where the images hold {total}"),
        ));
    }
    let at = read.at;
    let mut labels = Vec::with_capacity(n);
    for (i, pair) in read.take(n * 2, "the labels")?.chunks_exact(2).enumerate() {
        let value = u16::from_le_bytes([pair[0], pair[1]]);
        labels.push(
            ClassIndex::new(i64::from(value)).ok_or_else(|| {
                damaged(at + 2 * i, format!("class {value}, not an ImageNet class"))
            })?,
        );
    }
    let scores = read
        .take(n * 4, "the scores")?
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect();
    let levels = read.take(n, "the levels")?.to_vec();
    let votes = if read.flag("the votes flag")? {
        Some(
            read.take(n * 3, "the votes")?
                .chunks_exact(3)
                .map(|v| [v[0], v[1], v[2]])
                .collect(),
        )
    } else {
        None
    };
    read.end()?;
    Ok(Evidence {
        start,
        labels,
        scores,
        levels,
        votes,
        provenance: Provenance {
            scores: scores_source,
            raters: has_raters.then_some(raters_source),
            scores_published,
            raters_published,
        },
    })
}

fn damaged(at: usize, what: impl Into<String>) -> CompactError {
    CompactError::Damaged {
        at,
        what: what.into(),
    }
}

/// A length as stored: every length here is bounded far below u32::MAX by the data itself.
fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

// Explicit codes rather than enum discriminants: reordering the enums must not change
// what stored bytes mean.
fn order_code(order: RowOrder) -> u8 {
    match order {
        RowOrder::Filename => 0,
        RowOrder::Imagefolder => 1,
        RowOrder::Named => 2,
    }
}

fn order_from(code: u8) -> Option<RowOrder> {
    match code {
        0 => Some(RowOrder::Filename),
        1 => Some(RowOrder::Imagefolder),
        2 => Some(RowOrder::Named),
        _ => None,
    }
}

fn convention_code(convention: ClassConvention) -> u8 {
    match convention {
        ClassConvention::SortedWnid => 0,
        ClassConvention::SortedWnid1Based => 1,
        ClassConvention::TfSlim1001 => 2,
        ClassConvention::Ilsvrc2012Id => 3,
        ClassConvention::ClassName => 4,
    }
}

fn convention_from(code: u8) -> Option<ClassConvention> {
    match code {
        0 => Some(ClassConvention::SortedWnid),
        1 => Some(ClassConvention::SortedWnid1Based),
        2 => Some(ClassConvention::TfSlim1001),
        3 => Some(ClassConvention::Ilsvrc2012Id),
        4 => Some(ClassConvention::ClassName),
        _ => None,
    }
}

/// Appends the frame and fields.
struct Writer(Vec<u8>);

impl Writer {
    fn new(magic: [u8; 4], capacity: usize) -> Self {
        let mut out = Vec::with_capacity(HEADER_BYTES + capacity + TRAILER_BYTES);
        out.extend_from_slice(&magic);
        out.extend_from_slice(&SCHEMA_VERSION.to_le_bytes());
        Self(out)
    }

    fn u8(&mut self, v: u8) {
        self.0.push(v);
    }

    fn u16(&mut self, v: u16) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }

    fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }

    fn u64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }

    fn bytes(&mut self, v: &[u8]) {
        self.0.extend_from_slice(v);
    }

    fn str(&mut self, v: &str) {
        self.u32(count(v.len()));
        self.bytes(v.as_bytes());
    }

    fn strings(&mut self, v: &[String]) {
        self.u32(count(v.len()));
        for s in v {
            self.str(s);
        }
    }

    fn finish(mut self) -> Vec<u8> {
        let sum = crc32(&self.0);
        self.u32(sum);
        self.0
    }
}

/// Reads fields in order, each checked against the bytes left before the checksum.
struct Reader<'a> {
    /// The bytes from the start of the frame up to the checksum.
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    /// Checks magic, version and checksum, in that order: a record of another version gets
    /// the clear message even though its layout (and so its checksum) may differ.
    fn open(bytes: &'a [u8], magic: [u8; 4], expected: &'static str) -> Result<Self, CompactError> {
        let head = bytes.get(..magic.len()).unwrap_or(bytes);
        if magic.get(..head.len()) != Some(head) || bytes.is_empty() {
            return Err(CompactError::NotARecord { expected });
        }
        let (Some(&[v0, v1]), Some(body_end)) = (
            bytes.get(magic.len()..HEADER_BYTES),
            bytes.len().checked_sub(TRAILER_BYTES),
        ) else {
            return Err(damaged(bytes.len(), "it ends before its header does"));
        };
        let found = u16::from_le_bytes([v0, v1]);
        if found != SCHEMA_VERSION {
            return Err(CompactError::OtherVersion { found });
        }
        if body_end < HEADER_BYTES {
            return Err(damaged(bytes.len(), "it ends before its checksum"));
        }
        let (framed, trailer) = bytes.split_at(body_end);
        let stored = match trailer {
            &[a, b, c, d] => u32::from_le_bytes([a, b, c, d]),
            _ => 0,
        };
        if crc32(framed) != stored {
            return Err(damaged(
                body_end,
                "its checksum does not match its contents (cut short or changed)",
            ));
        }
        Ok(Self {
            bytes: framed,
            at: HEADER_BYTES,
        })
    }

    fn left(&self) -> usize {
        self.bytes.len().saturating_sub(self.at)
    }

    /// The next `n` bytes, or an error naming what they were to hold.
    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8], CompactError> {
        let slice = self
            .at
            .checked_add(n)
            .and_then(|end| self.bytes.get(self.at..end))
            .ok_or_else(|| {
                damaged(
                    self.at,
                    format!("{what} need {n} bytes and only {} are left", self.left()),
                )
            })?;
        self.at += n;
        Ok(slice)
    }

    fn u8(&mut self, what: &str) -> Result<u8, CompactError> {
        Ok(self.take(1, what)?.first().copied().unwrap_or(0))
    }

    fn flag(&mut self, what: &str) -> Result<bool, CompactError> {
        let at = self.at;
        match self.u8(what)? {
            0 => Ok(false),
            1 => Ok(true),
            other => Err(damaged(at, format!("{what}: {other}, not 0 or 1"))),
        }
    }

    fn u16(&mut self, what: &str) -> Result<u16, CompactError> {
        match self.take(2, what)? {
            &[a, b] => Ok(u16::from_le_bytes([a, b])),
            _ => Err(damaged(self.at, what.to_string())),
        }
    }

    fn u32(&mut self, what: &str) -> Result<u32, CompactError> {
        match self.take(4, what)? {
            &[a, b, c, d] => Ok(u32::from_le_bytes([a, b, c, d])),
            _ => Err(damaged(self.at, what.to_string())),
        }
    }

    fn u64(&mut self, what: &str) -> Result<u64, CompactError> {
        let bytes = self.take(8, what)?;
        let mut array = [0u8; 8];
        array.copy_from_slice(bytes);
        Ok(u64::from_le_bytes(array))
    }

    fn str(&mut self, what: &str) -> Result<String, CompactError> {
        let len = self.u32(what)? as usize;
        let at = self.at;
        let bytes = self.take(len, what)?;
        String::from_utf8(bytes.to_vec())
            .map_err(|_| damaged(at, format!("{what} is not UTF-8 text")))
    }

    fn strings(&mut self, what: &str) -> Result<Vec<String>, CompactError> {
        let n = self.u32(what)? as usize;
        // No capacity from the stored count: each string takes at least its 4-byte length,
        // so pushing one by one stays bounded by the input.
        let mut out = Vec::new();
        for _ in 0..n {
            out.push(self.str(what)?);
        }
        Ok(out)
    }

    /// Refuses bytes left over: they mean the record is not what it claims.
    fn end(&self) -> Result<(), CompactError> {
        match self.left() {
            0 => Ok(()),
            extra => Err(damaged(self.at, format!("{extra} bytes after the end"))),
        }
    }
}

/// CRC-32 of a whole buffer (see [`crate::crc32`]).
pub(crate) fn crc32(bytes: &[u8]) -> u32 {
    crate::crc32::Crc32::new().update(bytes).finish()
}

#[cfg(test)]
mod tests {
    #[test]
    fn crc32_gives_the_standard_check_values() {
        assert_eq!(super::crc32(b""), 0);
        assert_eq!(super::crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(
            super::crc32(b"The quick brown fox jumps over the lazy dog"),
            0x414F_A339
        );
    }
}
