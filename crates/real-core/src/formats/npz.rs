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

/// Bytes of a member read to learn its array's kind: a numpy header is at most a few KB.
const HEADER_BYTES: usize = 64 * 1024;

/// An error of one array, placed in the archive: "array 'logits', byte 10".
fn in_array(key: &str, e: ParseError) -> ParseError {
    ParseError {
        format: FORMAT,
        location: Some(format!(
            "array '{}'{}",
            crate::error::quote(key),
            e.location.map(|l| format!(", {l}")).unwrap_or_default()
        )),
        message: e.message,
    }
}

pub fn read(bytes: &[u8]) -> Result<RawPredictions, ParseError> {
    let entries = zip::entries(bytes)?;
    // Only the headers first: an archive may hold many large arrays, and only the one used
    // (and the file names) is inflated whole.
    let mut arrays = Vec::new();
    let mut names = None;
    for entry in &entries {
        let key = entry.name.trim_end_matches(".npy").to_string();
        let head = zip::prefix(entry, HEADER_BYTES).map_err(|e| in_array(&key, e))?;
        let (array, _) = npy::header(&head).map_err(|e| in_array(&key, e))?;
        match array.kind {
            Kind::Unicode(_) => names = Some((key, entry)),
            _ => arrays.push((key, entry)),
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
    let (chosen, entry) = arrays.next().ok_or_else(|| {
        ParseError::new(
            FORMAT,
            "the archive holds no numeric array; expected predictions or logits",
        )
    })?;
    let data = zip::inflate(entry)?;
    let array = npy::parse(&data).map_err(|e| in_array(&chosen, e))?;
    let names_data = match &names {
        Some((_, entry)) => Some(zip::inflate(entry)?),
        None => None,
    };
    let names = match (&names, &names_data) {
        (Some((key, _)), Some(data)) => {
            Some((key.clone(), npy::parse(data).map_err(|e| in_array(key, e))?))
        }
        _ => None,
    };
    let others: Vec<String> = arrays
        .map(|(name, _)| format!("'{}'", crate::error::quote(&name)))
        .collect();
    let mut raw = array.into_predictions(FORMAT).map_err(|e| ParseError {
        location: Some(format!("array '{chosen}'")),
        ..e
    })?;
    if !others.is_empty() {
        // Named a few at a time: an archive may hold thousands.
        let more = others.len().saturating_sub(3);
        let listed = others[..others.len().min(3)].join(", ");
        raw.warnings.push(if more > 0 {
            format!(
                "used array '{}' of the archive; ignored {listed} and {} more",
                crate::error::quote(&chosen),
                crate::labels::thousands(more)
            )
        } else {
            format!(
                "used array '{}' of the archive; ignored {listed}",
                crate::error::quote(&chosen)
            )
        });
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
