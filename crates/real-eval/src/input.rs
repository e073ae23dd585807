//! Getting a file's bytes without copying them when the system allows.

use std::fs::File;
use std::ops::Deref;

/// A file's bytes: mapped from the page cache, or read into memory where mapping fails
/// (pipes, special files).
pub enum Bytes {
    Mapped(memmap2::Mmap),
    Read(Vec<u8>),
}

impl Deref for Bytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Bytes::Mapped(map) => map,
            Bytes::Read(bytes) => bytes,
        }
    }
}

/// Opens `path`. Mapping saves copying a 200 MB logits file into fresh memory, which costs
/// more than evaluating it.
pub fn open(path: &str) -> std::io::Result<Bytes> {
    let file = File::open(path)?;
    let is_regular = file
        .metadata()
        .map(|m| m.is_file() && m.len() > 0)
        .unwrap_or(false);
    if is_regular {
        // SAFETY: the map is read-only and lives only while this one evaluation runs; a file
        // truncated underneath by another process is the usual caveat of mapped reads.
        if let Ok(map) = unsafe { memmap2::Mmap::map(&file) } {
            return Ok(Bytes::Mapped(map));
        }
    }
    std::fs::read(path).map(Bytes::Read)
}
