//! Shared helpers: the decoded dataset once, fixture paths, predictions from a file.

use real_core::{Dataset, LoadOptions, Predictions, Report};
use std::path::PathBuf;
use std::sync::OnceLock;

pub fn dataset() -> &'static Dataset {
    static DATASET: OnceLock<Dataset> = OnceLock::new();
    DATASET.get_or_init(|| Dataset::embedded().expect("the embedded data decodes"))
}

pub fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The ReaL data published with the paper, for tests only (never committed): ../shared's
/// copy where there is one, else the byte-identical copy `tools/setup.sh test` extracts from
/// timm's sha256-pinned wheel into target/published/.
pub fn shared_real_json() -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let shared = root.join("../shared/data/reassessed-imagenet/real.json");
    if shared.exists() {
        return shared;
    }
    let extracted = root.join("target/published/real.json");
    assert!(
        extracted.exists(),
        "neither ../shared nor target/published has real.json: run tools/setup.sh test"
    );
    extracted
}

pub fn load(bytes: &[u8]) -> Result<(Predictions, Report), real_core::ParseError> {
    real_core::evaluate(dataset(), bytes, &LoadOptions::default())
}

pub fn load_with(
    bytes: &[u8],
    options: LoadOptions,
) -> Result<(Predictions, Report), real_core::ParseError> {
    real_core::evaluate(dataset(), bytes, &options)
}

/// Builds a version-1 `.npy` file in memory.
pub fn npy(descr: &str, fortran: bool, shape: &[usize], data: &[u8]) -> Vec<u8> {
    let shape_text = match shape {
        [n] => format!("({n},)"),
        dims => format!(
            "({})",
            dims.iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let mut header = format!(
        "{{'descr': '{descr}', 'fortran_order': {}, 'shape': {shape_text}, }}",
        if fortran { "True" } else { "False" }
    );
    while (10 + header.len() + 1) % 64 != 0 {
        header.push(' ');
    }
    header.push('\n');
    let mut out = b"\x93NUMPY\x01\x00".to_vec();
    out.extend_from_slice(&(header.len() as u16).to_le_bytes());
    out.extend_from_slice(header.as_bytes());
    out.extend_from_slice(data);
    out
}

/// Predictions as plain class numbers per kept row, for comparisons.
pub fn tops(p: &Predictions) -> Vec<Vec<Option<u16>>> {
    (0..p.len())
        .map(|r| p.top(r).iter().map(|c| c.map(|c| c.0)).collect())
        .collect()
}
