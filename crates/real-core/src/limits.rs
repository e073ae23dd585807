//! Absolute limits on what any input can make the core do. They are checked before the work
//! they bound, from sizes that are known (a file's length), never from what a header claims.

use crate::error::ParseError;

/// The largest file read, of any kind: 1 GiB. The largest valid predictions file, float64
/// logits for 50,000 images as text, is well under it; the published `raters.npz` is 1.4 MB.
pub const MAX_FILE_BYTES: u64 = 1 << 30;

pub use crate::formats::zip::MAX_MEMBER_BYTES;

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
