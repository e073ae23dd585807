//! Records the size and SHA-256 of `assets/imagenet-val.bin`, so that a build without the
//! embedded data (the page, which fetches the file as its own asset) can tell its own data file
//! from a stale or damaged copy.

use std::env;
use std::fs;
use std::path::Path;

#[path = "src/dataset/sha256.rs"]
mod sha256;

fn main() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/imagenet-val.bin");
    println!("cargo:rerun-if-changed={}", data.display());
    let bytes = match fs::read(&data) {
        Ok(bytes) => bytes,
        Err(error) => panic!("cannot read {} ({error}); run `make data`", data.display()),
    };
    let digest = sha256::sha256(&bytes);
    let recorded = format!(
        "/// Size in bytes of the data file this build was made with.\n\
         pub const SIZE_BYTES: usize = {};\n\
         /// SHA-256 of the data file this build was made with.\n\
         pub const SHA256: [u8; 32] = {:?};\n",
        bytes.len(),
        digest
    );
    let Some(out) = env::var_os("OUT_DIR") else {
        panic!("cargo sets OUT_DIR for build scripts");
    };
    if let Err(error) = fs::write(Path::new(&out).join("data_digest.rs"), recorded) {
        panic!("cannot write the data digest: {error}");
    }
}
