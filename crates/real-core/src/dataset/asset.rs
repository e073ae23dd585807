//! The data file as an asset of its own: the page fetches it beside its wasm instead of
//! embedding it, and checks it is the file this build was made with before trusting it.

use super::encoding::{self, DecodeError};
use super::sha256::sha256;
use super::Dataset;
use std::fmt;

mod recorded {
    include!(concat!(env!("OUT_DIR"), "/data_digest.rs"));
}

/// The data file's name, as the page ships it beside its wasm.
pub const FILE_NAME: &str = "imagenet-val.bin";
/// Size in bytes of the data file this build was made with.
pub const SIZE_BYTES: usize = recorded::SIZE_BYTES;
/// SHA-256 of the data file this build was made with (`assets/PROVENANCE.md` gives it too).
pub const SHA256: [u8; 32] = recorded::SHA256;

/// Why bytes offered as the data file cannot be used.
#[derive(Clone, Debug, PartialEq)]
pub enum AssetError {
    /// Not this build's data file: an older copy from a cache, or one damaged on the way.
    Mismatch {
        /// Size of the bytes given.
        size_bytes: usize,
        /// Their SHA-256.
        sha256: [u8; 32],
    },
    /// The right file, yet it does not decode (a bug in the build, never the user's doing).
    Decode(DecodeError),
}

impl fmt::Display for AssetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AssetError::Mismatch { size_bytes, sha256 } => write!(
                f,
                "{FILE_NAME} is not the data this page was built with ({size_bytes} bytes, \
                 sha256 {}…, where {SIZE_BYTES} bytes, sha256 {}… were expected): the copy \
                 served is stale or damaged",
                short_hex(sha256),
                short_hex(&SHA256)
            ),
            AssetError::Decode(error) => write!(f, "{FILE_NAME} does not decode: {error}"),
        }
    }
}

impl std::error::Error for AssetError {}

/// The first 8 bytes in hex: enough to tell two versions apart in a message.
fn short_hex(digest: &[u8; 32]) -> String {
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

impl Dataset {
    /// Decodes a fetched data file after checking its size and SHA-256 against the ones this
    /// build recorded, so that a stale or damaged copy is refused instead of giving wrong
    /// figures.
    pub fn decode_checked(bytes: &[u8]) -> Result<Self, AssetError> {
        if bytes.len() != SIZE_BYTES || sha256(bytes) != SHA256 {
            return Err(AssetError::Mismatch {
                size_bytes: bytes.len(),
                sha256: sha256(bytes),
            });
        }
        encoding::decode(bytes).map_err(AssetError::Decode)
    }
}
