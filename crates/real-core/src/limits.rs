//! Absolute limits on what any input can make the core do. They are checked before the work
//! they bound, from sizes that are known (a file's length), never from what a header claims.

use crate::error::ParseError;

/// The largest file read, of any kind: 1 GiB. The largest valid predictions file, float64
/// logits for 50,000 images as text, is well under it; the published `raters.npz` is 1.4 MB.
pub const MAX_FILE_BYTES: u64 = 1 << 30;

pub use crate::formats::zip::MAX_MEMBER_BYTES;

/// The most rows a text file may have: twice the 50,000 images, room for a header, comments
/// and repeated images (which are dropped with a warning). Counted as rows arrive.
pub const MAX_ROWS: usize = 100_000;

/// Refuses a file of `len` bytes before any of it is read.
pub fn check_file_size(format: &'static str, len: u64) -> Result<(), ParseError> {
    if len > MAX_FILE_BYTES {
        return Err(ParseError::new(
            format,
            format!(
                "the file is {} MB, larger than the {} MB this tool reads; expected predictions for 50,000 images (a float64 logits .npy is 400 MB)",
                len >> 20,
                MAX_FILE_BYTES >> 20
            ),
        ));
    }
    Ok(())
}

/// The most fields one row of a text file may have: a name and 1,001 scores, twice over.
pub const MAX_FIELDS: usize = 2_048;

/// The most values a JSON or text file may hold (numbers, strings, lists and objects
/// together; the fields of a text file): 100 a validation image, ten times what a timm top-5
/// file needs. Each parsed value costs tens of bytes, so a 20 MB list of ten million numbers
/// would otherwise cost gigabytes; full score matrices belong in .npy files.
pub const MAX_VALUES: usize = 5_000_000;

/// The error for a file past [`MAX_VALUES`].
pub(crate) fn too_many_values(format: &'static str, location: Option<String>) -> ParseError {
    ParseError {
        format,
        location,
        message: format!(
            "the file holds more than {} values; expected at most a few per image (save full score matrices with np.save as .npy)",
            crate::labels::thousands(MAX_VALUES)
        ),
    }
}

/// Refuses JSON text with more than [`MAX_VALUES`] values, counted in one pass over the
/// bytes (separators and openings outside strings) before anything is parsed.
pub fn check_json_values(format: &'static str, text: &str) -> Result<(), ParseError> {
    let mut values = 1usize;
    let mut in_string = false;
    let mut escaped = false;
    for &b in text.as_bytes() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b',' | b'[' | b'{' | b'\n' => values += 1,
            _ => continue,
        }
        if values > MAX_VALUES {
            return Err(too_many_values(format, None));
        }
    }
    Ok(())
}
