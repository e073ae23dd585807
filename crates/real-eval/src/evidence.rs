//! The raters' evidence from `--scores` and `--raters`.

use crate::input;
use real_core::evidence::{self, Evidence, Provenance, RATERS_SHA256, SCORES_SHA256};
use std::io::Write;

fn sha256_hex(bytes: &[u8]) -> String {
    real_core::dataset::sha256::sha256(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Reads scores.npz and, when given, raters.npz, and checks that they go together.
pub fn load(scores: &str, raters: Option<&str>) -> Result<Evidence, String> {
    let read = |path: &str| -> Result<(evidence::EvidenceFile, bool), String> {
        let bytes = input::open(path).map_err(|e| format!("{path}: {e}"))?;
        let digest = sha256_hex(&bytes);
        let file = evidence::read(&bytes, &mut |_| {}).map_err(|e| format!("{path}: {e}"))?;
        Ok((file, digest == SCORES_SHA256 || digest == RATERS_SHA256))
    };
    let (file, published) = read(scores)?;
    let mut built = Evidence::from_scores(
        file,
        Provenance {
            scores: scores.to_string(),
            scores_published: published,
            ..Provenance::default()
        },
    )
    .map_err(|e| format!("{scores}: {e}"))?;
    if let Some(raters) = raters {
        let (file, published) = read(raters)?;
        built
            .attach_votes(&file, raters.to_string(), published)
            .map_err(|e| format!("{raters}: {e}"))?;
    }
    Ok(built)
}

/// Writes every candidate: file, label, score (float32, 9 digits), then the votes.
pub fn write_csv(evidence: &Evidence, path: &str) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    writeln!(out, "file,label,score,no,maybe,yes")?;
    for image in (0..real_core::ImageId::COUNT).map(real_core::ImageId::from_position) {
        for c in evidence.candidates(image) {
            let votes = c
                .votes
                .map(|v| format!("{},{},{}", v.no, v.maybe, v.yes))
                .unwrap_or_else(|| ",,".into());
            writeln!(
                out,
                "{},{},{:.9},{votes}",
                image.file_name(),
                c.label,
                c.score
            )?;
        }
    }
    out.flush()
}
