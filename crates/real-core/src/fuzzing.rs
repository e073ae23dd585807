//! One entry per reader of user data, shared by the cargo-fuzz targets (`fuzz/`) and the
//! stable replay of their corpora (`tests/fuzz_replay.rs`), so that both run the same code.
//!
//! [`run`] feeds bytes to the reader(s) of a target and throws the result away: an error is a
//! correct answer to bad input; only a panic, a hang or a runaway allocation is a failure.
//! Where a reader is reached through content sniffing, the bytes are nudged into that reader
//! (a magic number prepended, a leading `[` ensured), so that a target's executions are not
//! spent on the dispatch alone.

use crate::compact;
use crate::dataset::Dataset;
use crate::detect::LoadOptions;
use crate::evidence::{self, Evidence, EvidenceFile, Provenance, Threshold};
use crate::formats::npy;
use crate::labels;
use crate::relabel::{self, Relabeling};
use crate::view::{self, View};
use std::sync::OnceLock;

/// Every target; each has its one-line `fuzz/fuzz_targets/<name>.rs`.
pub const TARGETS: &[&str] = &[
    "npy",
    "npz",
    "csv",
    "json",
    "jsonl",
    "text",
    "labels",
    "evidence",
    "relabel",
    "compact_predictions",
    "compact_label_set",
    "compact_evidence",
    "view",
    "tar",
];

/// The embedded data, decoded once per process rather than once per input.
fn dataset() -> &'static Dataset {
    static DATASET: OnceLock<Dataset> = OnceLock::new();
    DATASET.get_or_init(|| Dataset::embedded().expect("the embedded data file decodes"))
}

/// Feeds `data` to the readers of `target`, discarding what they return.
///
/// # Panics
///
/// On an unknown target name (a harness mistake), and on whatever the readers themselves
/// panic on: that is what fuzzing looks for.
pub fn run(target: &str, data: &[u8]) {
    match target {
        "npy" => predictions(&with_prefix(data, npy::MAGIC)),
        "npz" => {
            if data.starts_with(b"PK\x03\x04") || data.starts_with(b"PK\x05\x06") {
                predictions(data)
            } else {
                predictions(&with_prefix(data, b"PK\x03\x04"))
            }
        }
        "csv" => predictions(csv_text(data).as_bytes()),
        "json" => predictions(json_text(data, '[').as_bytes()),
        "jsonl" => predictions(json_text(data, '{').as_bytes()),
        "text" => predictions(line_text(data).as_bytes()),
        "labels" => label_file(data),
        "evidence" => evidence_file(data),
        "relabel" => relabeling(data),
        "compact_predictions" => sealed(data, |b| drop(compact::decode_predictions(b))),
        "compact_label_set" => sealed(data, |b| drop(compact::decode_label_set(b))),
        "compact_evidence" => sealed(data, |b| drop(compact::decode_evidence(b))),
        "view" => link(data),
        "tar" => {
            tar_archive(data);
            tar_archive(&sealed_blocks(data));
        }
        other => panic!("no fuzz target named '{other}'; the targets are {TARGETS:?}"),
    }
}

/// Reads, detects and reports, as the page and `real-eval` do, then describes what was found
/// (messages are built from the input too).
fn predictions(bytes: &[u8]) {
    let dataset = dataset();
    match crate::evaluate(dataset, bytes, &LoadOptions::default()) {
        Ok((predictions, _report)) => {
            if let Some(detection) = &predictions.detection {
                let _ = detection.summary();
            }
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
}

/// `prefix` then `data`, unless `data` already starts with it.
fn with_prefix(data: &[u8], prefix: &[u8]) -> Vec<u8> {
    if data.starts_with(prefix) {
        return data.to_vec();
    }
    let mut out = Vec::with_capacity(prefix.len() + data.len());
    out.extend_from_slice(prefix);
    out.extend_from_slice(data);
    out
}

/// The first line with something on it: the one the text reader picks its delimiter from.
fn first_line(text: &str) -> &str {
    text.lines().find(|l| !l.trim().is_empty()).unwrap_or("")
}

/// Whether `formats::read` would take this text for JSON.
fn looks_like_json(text: &str) -> bool {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text).trim_start();
    text.starts_with('[') || text.starts_with('{')
}

/// Text the reader takes for CSV or TSV: a header with a comma goes first when the first line
/// has no delimiter, or the text would be read as JSON.
fn csv_text(data: &[u8]) -> String {
    let text = String::from_utf8_lossy(data);
    let first = first_line(&text);
    if looks_like_json(&text) || !(first.contains(',') || first.contains('\t')) {
        format!("file,class\n{text}")
    } else {
        text.into_owned()
    }
}

/// Text the reader takes for JSON (`open` is `[`) or JSON Lines (`open` is `{`, one record a
/// line, when the whole is not one JSON value).
fn json_text(data: &[u8], open: char) -> String {
    let text = String::from_utf8_lossy(data);
    if looks_like_json(&text) {
        text.into_owned()
    } else {
        format!("{open}{text}")
    }
}

/// Text the reader takes for one prediction a line (blank-separated): delimiters and JSON
/// openers become blanks when the text would otherwise go to the CSV or JSON reader.
fn line_text(data: &[u8]) -> String {
    let text = String::from_utf8_lossy(data);
    let first = first_line(&text);
    if looks_like_json(&text) || first.contains(',') || first.contains('\t') {
        text.replace([',', '\t', '[', '{'], " ")
    } else {
        text.into_owned()
    }
}

/// A label file, read as the page reads one, and the page's sniffing for label files.
fn label_file(data: &[u8]) {
    let _ = labels::looks_like_labels(data);
    match labels::read(data, dataset(), "fuzz", "fuzz.json") {
        Ok(set) => {
            let _ = set.covered();
            let _ = set.scored();
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
}

/// `scores.npz` or `raters.npz`: read, built into evidence, votes attached to scores for the
/// same questions.
fn evidence_file(data: &[u8]) {
    let bytes = if data.starts_with(b"PK") {
        data.to_vec()
    } else {
        with_prefix(data, b"PK\x03\x04")
    };
    let file = match evidence::read(&bytes, &mut |_| {}) {
        Ok(file) => file,
        Err(e) => {
            let _ = e.to_string();
            return;
        }
    };
    let scores = match &file {
        EvidenceFile::Scores { .. } => file.clone(),
        EvidenceFile::Raters { questions, .. } => EvidenceFile::Scores {
            questions: questions.clone(),
            scores: vec![0.5; questions.len()],
        },
    };
    if let Ok(mut built) = Evidence::from_scores(scores, Provenance::default()) {
        let _ = built.label_set(dataset(), Threshold::default());
        let _ = built.attach_votes(&file, "fuzz".to_string(), false);
    }
}

/// A relabeling file, under a mistakes file's name (the name only picks the model).
fn relabeling(data: &[u8]) {
    match relabel::read("vit3b_mistakes.json", data) {
        Ok(Relabeling::Crowd(mturk)) => {
            let _ = relabel::crowd_label_set(dataset(), &mturk);
        }
        Ok(Relabeling::Mistakes(mistakes)) => {
            let _ = mistakes.len();
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
}

/// A stored record with its checksum made right (as given when it already is): the checksum
/// guards the body from a damaged disk, and the body must be safe to read whatever its bytes.
/// The checksum is computed once here and once by the decoder, not more: it is most of the
/// time spent on a 100 KB evidence record.
fn sealed(data: &[u8], decode: impl Fn(&[u8])) {
    let Some(body_end) = data.len().checked_sub(4) else {
        return decode(data);
    };
    let sum = compact::crc32(&data[..body_end]).to_le_bytes();
    if data[body_end..] == sum {
        return decode(data);
    }
    let mut resealed = data.to_vec();
    resealed[body_end..].copy_from_slice(&sum);
    decode(&resealed);
}

/// A link's query, read strictly and leniently, written back and read again.
fn link(data: &[u8]) {
    let query = String::from_utf8_lossy(data);
    let _ = view::decode(&query);
    let _ = query.parse::<View>();
    let (view, errors) = View::parse_lenient(&query);
    for e in &errors {
        let _ = e.to_string();
    }
    let _ = view.to_string().parse::<View>();
}

/// Walks a tar archive as the page's worker does, reading exactly the ranges asked for.
fn tar_archive(data: &[u8]) {
    let result = crate::tar::index(
        data.len() as u64,
        |offset, len| {
            let start = usize::try_from(offset).map_err(|e| e.to_string())?;
            let end = start.saturating_add(usize::try_from(len).map_err(|e| e.to_string())?);
            Ok(data
                .get(start..end.min(data.len()))
                .unwrap_or_default()
                .to_vec())
        },
        |walker| {
            let _ = (walker.walked(), walker.images(), walker.entries());
        },
    );
    if let Err(e) = result {
        let _ = e.to_string();
    }
}

/// `data` with the checksum of every 512-byte block made right, so that the fuzzer's
/// mutations reach the fields behind it (the raw input covers the checksum itself).
fn sealed_blocks(data: &[u8]) -> Vec<u8> {
    let mut sealed = data.to_vec();
    for block in sealed.chunks_exact_mut(512) {
        block[148..156].copy_from_slice(b"        ");
        let sum: u32 = block.iter().map(|b| u32::from(*b)).sum();
        block[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
    }
    sealed
}
