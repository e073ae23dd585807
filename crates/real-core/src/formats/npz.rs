//! NumPy `.npz`: an archive of `.npy` arrays. One array of predictions is used; an array of
//! file names beside it names the rows.

use super::npy::{self, Kind};
use super::{zip, RawPredictions, Rows};
use crate::error::ParseError;
use crate::ids::ImageId;

const FORMAT: &str = "NumPy .npz";

/// Array names in the order they are preferred when an archive holds several.
const PREFERRED: &[&str] = &[
    "logits",
    "scores",
    "probs",
    "probabilities",
    "outputs",
    "output",
    "predictions",
    "preds",
    "pred",
    "topk",
    "top5",
    "top1",
    "labels",
    "arr_0",
];

pub fn read(bytes: &[u8]) -> Result<RawPredictions, ParseError> {
    let members = zip::members(bytes)?;
    let mut arrays = Vec::new();
    let mut names = None;
    for member in &members {
        let key = member.name.trim_end_matches(".npy");
        let array = npy::parse(&member.data).map_err(|e| ParseError {
            format: FORMAT,
            location: Some(format!(
                "array '{key}'{}",
                e.location.map(|l| format!(", {l}")).unwrap_or_default()
            )),
            message: e.message,
        })?;
        match array.kind {
            Kind::Unicode(_) => names = Some((key.to_string(), array)),
            _ => arrays.push((key.to_string(), array)),
        }
    }
    let rank = |name: &str| {
        PREFERRED
            .iter()
            .position(|p| *p == crate::fold::ascii_lower(name))
            .unwrap_or(PREFERRED.len())
    };
    let ranks: Vec<f64> = arrays.iter().map(|(name, _)| rank(name) as f64).collect();
    let mut slots: Vec<_> = arrays.into_iter().map(Some).collect();
    let mut arrays = crate::order::by_key(&ranks)
        .into_iter()
        .filter_map(move |i| slots[i].take());
    let (chosen, array) = arrays.next().ok_or_else(|| {
        ParseError::new(
            FORMAT,
            "the archive holds no numeric array; expected predictions or logits",
        )
    })?;
    let others: Vec<String> = arrays.map(|(name, _)| format!("'{name}'")).collect();
    let mut raw = array.into_predictions(FORMAT).map_err(|e| ParseError {
        location: Some(format!("array '{chosen}'")),
        ..e
    })?;
    if !others.is_empty() {
        raw.warnings.push(format!(
            "used array '{chosen}' of the archive; ignored {}",
            others.join(", ")
        ));
    }
    if let Some((key, names)) = names {
        let strings = names.strings().unwrap_or_default();
        if strings.len() != raw.rows.len() {
            return Err(ParseError::new(
                FORMAT,
                format!(
                    "array '{key}' names {} files but '{chosen}' has {} rows",
                    strings.len(),
                    raw.rows.len()
                ),
            ));
        }
        let images = strings
            .iter()
            .enumerate()
            .map(|(row, name)| {
                ImageId::from_file_name(name).ok_or_else(|| {
                    ParseError::at(
                        FORMAT,
                        format!("array '{key}', row {}", row + 1),
                        format!("expected an ILSVRC2012 validation file name, found '{name}'"),
                    )
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        raw.rows = Rows::Named(images);
    }
    Ok(raw)
}
