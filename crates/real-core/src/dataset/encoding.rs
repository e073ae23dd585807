//! The embedded data file's layout (little-endian), as `tools/build_data.py` writes it:
//!
//! | bytes | content |
//! |---|---|
//! | 8 | magic `REALIMG1` |
//! | 4 + 4 | class count C (1000), image count N (50,000) |
//! | 4 × C | wnid numbers (`n` + 8 digits) in sorted order |
//! | 2 × C | ILSVRC2012_ID of each sorted class |
//! | 2 × N | original label of each image (sorted-wnid index), filename order |
//! | 1 × N | size of each image's ReaL set |
//! | 4 + 2 × L | L, then the ReaL labels of all images, concatenated |
//! | per class | u16 length + UTF-8 short name, u16 length + UTF-8 lemma text |

use super::{ClassInfo, Dataset};
use crate::ids::{ClassIndex, Ilsvrc2012Id};
use std::fmt;

/// The embedded data file is damaged or of another version.
#[derive(Clone, Debug, PartialEq)]
pub struct DecodeError {
    /// Byte offset where decoding stopped.
    pub offset: usize,
    /// What was expected there.
    pub expected: &'static str,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "dataset file: expected {} at byte {}",
            self.expected, self.offset
        )
    }
}

impl std::error::Error for DecodeError {}

struct Reader<'a> {
    bytes: &'a [u8],
    offset: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, len: usize, expected: &'static str) -> Result<&'a [u8], DecodeError> {
        let error = DecodeError {
            offset: self.offset,
            expected,
        };
        let end = self.offset.checked_add(len).ok_or(error.clone())?;
        let slice = self.bytes.get(self.offset..end).ok_or(error)?;
        self.offset = end;
        Ok(slice)
    }

    fn u32(&mut self, expected: &'static str) -> Result<u32, DecodeError> {
        let b = self.take(4, expected)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn u16s(&mut self, count: usize, expected: &'static str) -> Result<Vec<u16>, DecodeError> {
        let b = self.take(count * 2, expected)?;
        Ok(b.chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect())
    }

    fn text(&mut self, expected: &'static str) -> Result<String, DecodeError> {
        let len = self.u16s(1, expected)?[0];
        let at = self.offset;
        let b = self.take(usize::from(len), expected)?;
        String::from_utf8(b.to_vec()).map_err(|_| DecodeError {
            offset: at,
            expected,
        })
    }
}

fn classes_of(
    values: Vec<u16>,
    class_count: usize,
    offset: usize,
) -> Result<Vec<ClassIndex>, DecodeError> {
    if values.iter().any(|v| usize::from(*v) >= class_count) {
        return Err(DecodeError {
            offset,
            expected: "class indices below the class count",
        });
    }
    Ok(values.into_iter().map(ClassIndex).collect())
}

/// Decodes and validates the whole file.
pub fn decode(bytes: &[u8]) -> Result<Dataset, DecodeError> {
    let mut r = Reader { bytes, offset: 0 };
    if r.take(8, "the magic REALIMG1")? != b"REALIMG1" {
        return Err(DecodeError {
            offset: 0,
            expected: "the magic REALIMG1",
        });
    }
    let class_count = r.u32("the class count")? as usize;
    let image_count = r.u32("the image count")? as usize;
    if class_count != ClassIndex::COUNT {
        return Err(DecodeError {
            offset: 8,
            expected: "1000 classes",
        });
    }
    let wnid_bytes = r.take(4 * class_count, "the wnids")?;
    let wnids: Vec<String> = wnid_bytes
        .chunks_exact(4)
        .map(|c| format!("n{:08}", u32::from_le_bytes([c[0], c[1], c[2], c[3]])))
        .collect();
    let ids = r.u16s(class_count, "the ILSVRC2012_IDs")?;
    let original_at = r.offset;
    let original = classes_of(
        r.u16s(image_count, "the original labels")?,
        class_count,
        original_at,
    )?;
    let sizes = r.take(image_count, "the ReaL set sizes")?;
    let mut real_start = Vec::with_capacity(image_count + 1);
    let mut total = 0u32;
    real_start.push(0);
    for size in sizes {
        total += u32::from(*size);
        real_start.push(total);
    }
    let label_count = r.u32("the ReaL label count")?;
    if label_count != total {
        return Err(DecodeError {
            offset: r.offset - 4,
            expected: "a label count equal to the sum of set sizes",
        });
    }
    let labels_at = r.offset;
    let real_labels = classes_of(
        r.u16s(total as usize, "the ReaL labels")?,
        class_count,
        labels_at,
    )?;
    let mut classes = Vec::with_capacity(class_count);
    for (wnid, id) in wnids.into_iter().zip(ids) {
        let name = r.text("a class short name")?;
        let lemmas = r.text("a class lemma text")?;
        classes.push(ClassInfo {
            wnid,
            name,
            lemmas,
            ilsvrc2012_id: Ilsvrc2012Id(id),
        });
    }
    if r.offset != bytes.len() {
        return Err(DecodeError {
            offset: r.offset,
            expected: "the end of the file",
        });
    }
    let mut seen = vec![false; class_count];
    for class in &classes {
        match seen.get_mut(usize::from(class.ilsvrc2012_id.0).wrapping_sub(1)) {
            Some(slot) if !*slot => *slot = true,
            _ => {
                return Err(DecodeError {
                    offset: 0,
                    expected: "each ILSVRC2012_ID 1..=1000 once",
                })
            }
        }
    }
    Ok(Dataset::from_parts(
        classes,
        original,
        real_start,
        real_labels,
    ))
}
