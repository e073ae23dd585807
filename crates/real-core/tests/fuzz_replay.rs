//! Replays every input of the fuzz corpora (`fuzz/corpus/<target>/`) and every input that once
//! crashed a reader (`fuzz/regressions/<target>/`) through the entry the cargo-fuzz targets
//! call, on stable Rust: a reader that panics on any of them fails this test, with or without
//! the nightly toolchain `make fuzz` needs.

use real_core::fuzzing::{run, TARGETS};
use std::path::{Path, PathBuf};

/// The files directly in `dir`, sorted; none if it does not exist.
fn inputs(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.expect("a readable directory entry").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

#[test]
fn every_corpus_and_regression_input_is_read_without_a_panic() {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz");
    let mut missing = Vec::new();
    for target in TARGETS {
        let corpus_dir = fuzz.join("corpus").join(target);
        let corpus = inputs(&corpus_dir);
        // An empty or absent corpus would make this test pass while testing nothing.
        if corpus.is_empty() {
            missing.push(corpus_dir.display().to_string());
            continue;
        }
        let regressions = inputs(&fuzz.join("regressions").join(target));
        for path in corpus.iter().chain(&regressions) {
            let data = std::fs::read(path).expect("a readable input");
            // The panic message names the reader; this names the input.
            eprintln!("fuzz replay: {target}: {}", path.display());
            run(target, &data);
        }
        println!(
            "fuzz replay: {target}: {} corpus inputs, {} regressions",
            corpus.len(),
            regressions.len()
        );
    }
    // The list the replay walks and the targets cargo-fuzz builds must be the same.
    let mut built: Vec<String> = inputs(&fuzz.join("fuzz_targets"))
        .iter()
        .filter_map(|p| Some(p.file_stem()?.to_str()?.to_string()))
        .collect();
    built.sort();
    let mut listed: Vec<&str> = TARGETS.to_vec();
    listed.sort();
    assert_eq!(
        built, listed,
        "fuzz/fuzz_targets and real_core::fuzzing::TARGETS differ"
    );
    assert!(
        missing.is_empty(),
        "fuzz targets without a corpus (run `make fuzz` and commit fuzz/corpus): {missing:?}"
    );
}
