//! Indexing a tar archive in place (`ILSVRC2012_img_val.tar`): only the headers are read, and
//! each validation image is recorded as a byte range of the file, to be sliced when shown.
//!
//! The walk is a [`Walker`] that asks for byte ranges and is given them, so that one pure
//! implementation serves a synchronous reader (the page's worker, with `FileReaderSync`), an
//! asynchronous one (the page's own thread) and the native tests. It reads ustar, GNU (long
//! names `././@LongLink`, base-256 sizes) and pax (`path=`, `size=`) headers, in flat archives
//! and in folders (`n01440764/ILSVRC2012_val_00000293.JPEG`); members that are not validation
//! images are skipped. Hostile input gives a [`TarError`], never a panic, and the walk ends in
//! at most one step per 512-byte block of the file.

mod header;
mod pax;
mod walk;

pub use walk::{Read, Walker};

use crate::ImageId;
use std::fmt;

/// Where one validation image lies in the archive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Member {
    /// The image.
    pub image: ImageId,
    /// The first byte of its data.
    pub offset: u64,
    /// Its length in bytes.
    pub size: u64,
}

/// The validation images of an archive, by image number; a later member of the same image
/// replaces an earlier one, as extracting the archive would.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TarIndex {
    /// One per image found, in image order.
    pub members: Vec<Member>,
    /// Every member walked (images or not, extended headers not counted).
    pub entries: u64,
}

/// Why an archive could not be indexed; each names the byte where it broke.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TarError {
    /// The file has no bytes.
    Empty,
    /// A gzip file (`.tar.gz`): the page reads the uncompressed tar in place.
    Compressed,
    /// The header block at `offset` fails its checksum (at 0: the file is not a tar).
    BadChecksum {
        /// Byte of the header.
        offset: u64,
    },
    /// A numeric field of the header at `offset` is not a number.
    BadField {
        /// Byte of the header.
        offset: u64,
        /// The field's name.
        field: &'static str,
    },
    /// The pax header at `offset` is malformed.
    BadPax {
        /// Byte of the header.
        offset: u64,
        /// What is wrong.
        why: String,
    },
    /// A long name or pax header claims more bytes than any name needs.
    TooLong {
        /// Byte of the header.
        offset: u64,
        /// The bytes claimed.
        size: u64,
    },
    /// The file ends inside what the header at `offset` describes.
    CutShort {
        /// Byte of the header.
        offset: u64,
        /// What was cut: "a header", or the member's name.
        what: String,
        /// The file's size.
        total: u64,
    },
    /// The archive holds no validation image.
    NoImages {
        /// The members it holds.
        entries: u64,
    },
    /// The reader failed (the browser's words).
    Read(String),
}

impl fmt::Display for TarError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TarError::Empty => write!(f, "the file is empty; expected ILSVRC2012_img_val.tar"),
            TarError::Compressed => write!(
                f,
                "this is a gzip-compressed file; images are read in place from an uncompressed tar (unpack it with gunzip first)"
            ),
            TarError::BadChecksum { offset: 0 } => write!(
                f,
                "this is not a tar archive: its first 512 bytes are not a tar header; expected ILSVRC2012_img_val.tar"
            ),
            TarError::BadChecksum { offset } => write!(
                f,
                "the tar header at byte {offset} fails its checksum: the archive is damaged there"
            ),
            TarError::BadField { offset, field } => write!(
                f,
                "the tar header at byte {offset} has no valid {field}: the archive is damaged there"
            ),
            TarError::BadPax { offset, why } => write!(
                f,
                "the pax extended header at byte {offset} is malformed: {why}"
            ),
            TarError::TooLong { offset, size } => write!(
                f,
                "the extended header at byte {offset} claims {size} bytes; a name takes at most {} bytes",
                walk::MAX_META
            ),
            TarError::CutShort {
                offset,
                what,
                total,
            } => write!(
                f,
                "the tar is cut short: {what} at byte {offset} goes past the end of the file ({total} bytes); the download or copy may be incomplete"
            ),
            TarError::NoImages { entries } => write!(
                f,
                "no ILSVRC2012_val_…JPEG file was found among the tar's {entries} members; expected ILSVRC2012_img_val.tar"
            ),
            TarError::Read(why) => write!(f, "the file could not be read: {why}"),
        }
    }
}

impl std::error::Error for TarError {}

/// The validation image a member's path names: its last component must be
/// `ILSVRC2012_val_NNNNNNNN` with an image extension. Annotations (`.xml`) and macOS
/// resource forks (`._ILSVRC2012_val_…`) are not images.
pub fn image_of(path: &str) -> Option<ImageId> {
    let file = path.rsplit('/').next().unwrap_or(path);
    let (stem, extension) = file.rsplit_once('.')?;
    let image = ["jpeg", "jpg", "png", "webp"]
        .iter()
        .any(|e| extension.eq_ignore_ascii_case(e));
    if !image || !stem.starts_with("ILSVRC2012_val_") || stem.len() != 23 {
        return None;
    }
    ImageId::from_file_name(stem)
}

/// Indexes an archive of `total` bytes with a synchronous reader: `read(offset, len)` returns
/// the bytes at `offset` (at most `len`, fewer only at the end of the file). `progress` sees the
/// walk after each read.
pub fn index(
    total: u64,
    mut read: impl FnMut(u64, u64) -> Result<Vec<u8>, String>,
    mut progress: impl FnMut(&Walker),
) -> Result<TarIndex, TarError> {
    let mut walker = Walker::new(total);
    while let Some(want) = walker.walk()? {
        let bytes = read(want.offset, want.len).map_err(TarError::Read)?;
        walker.give(want.offset, bytes);
        progress(&walker);
    }
    walker.finish()
}
