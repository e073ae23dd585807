//! Getting a file's bytes: mapped when it is a regular file, streamed when it is a pipe, and
//! never more than [`MAX_FILE_BYTES`]. Nothing here waits on a FIFO that nobody writes to or
//! reads a device that never ends.

use real_core::limits::MAX_FILE_BYTES;
use std::fs::{File, OpenOptions};
use std::io::Read;
use std::ops::Deref;

/// A file's bytes: mapped from the page cache, or read into memory (pipes, or where mapping
/// fails).
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

/// Opens `path`, or says in one sentence why it cannot be read. Its kind and size are checked
/// before any byte is read.
pub fn open(path: &str) -> Result<Bytes, String> {
    let unreadable = |e: std::io::Error| format!("cannot read the file: {e}");
    // stat never blocks, where opening a FIFO for reading waits for a writer.
    let kind = std::fs::metadata(path).map_err(unreadable)?.file_type();
    if kind.is_dir() {
        return Err("this is a folder; expected a predictions or label file".into());
    }
    if kind.is_file() {
        let file = File::open(path).map_err(unreadable)?;
        let len = file.metadata().map_err(unreadable)?.len();
        real_core::limits::check_file_size("input", len).map_err(|e| e.to_string())?;
        if len > 0 {
            // SAFETY: the map is read-only and lives only while this one evaluation runs; a
            // file truncated underneath by another process is the usual caveat of mapped
            // reads.
            if let Ok(map) = unsafe { memmap2::Mmap::map(&file) } {
                return Ok(Bytes::Mapped(map));
            }
        }
        return read_capped(file).map(Bytes::Read);
    }
    if is_fifo(&kind) {
        return read_capped(open_fifo(path).map_err(unreadable)?).map(Bytes::Read);
    }
    Err("not a regular file (a device or socket, which may never end); save the predictions to a file and give that".into())
}

/// Reads to the end, refusing more than [`MAX_FILE_BYTES`] without holding more.
fn read_capped(file: File) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read the file: {e}"))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(format!(
            "the input goes on past {} MB, more than this tool reads",
            MAX_FILE_BYTES >> 20
        ));
    }
    Ok(bytes)
}

#[cfg(unix)]
fn is_fifo(kind: &std::fs::FileType) -> bool {
    use std::os::unix::fs::FileTypeExt;
    kind.is_fifo()
}

#[cfg(not(unix))]
fn is_fifo(_: &std::fs::FileType) -> bool {
    false
}

/// Opens a FIFO without waiting for a writer, then reads it blocking: with a writer (a shell's
/// `<(...)`) it is read to the end; with none, it reads as empty at once.
#[cfg(unix)]
fn open_fifo(path: &str) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    use std::os::unix::io::AsRawFd;
    let file = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)?;
    // SAFETY: fcntl on a descriptor this function owns, changing only its O_NONBLOCK flag.
    unsafe {
        let fd = file.as_raw_fd();
        let flags = libc::fcntl(fd, libc::F_GETFL);
        if flags < 0 || libc::fcntl(fd, libc::F_SETFL, flags & !libc::O_NONBLOCK) < 0 {
            return Err(std::io::Error::last_os_error());
        }
    }
    Ok(file)
}

#[cfg(not(unix))]
fn open_fifo(path: &str) -> std::io::Result<File> {
    OpenOptions::new().read(true).open(path)
}
