//! ReaL Explorer's evaluation core.
//!
//! It carries the ImageNet validation data (ReaL label sets, original labels, class names),
//! reads every common predictions format into validated [`Predictions`], detects row order and
//! class convention when a file does not say, and computes ReaL and original metrics. It also
//! reads timm's published results, to place a model among them.
//! It reads other published relabelings too (cleanlab's crowd votes, the remaining mistakes of
//! two strong models).
//! It has no web dependencies: the page and the `real-eval` command are thin callers.

pub mod calibration;
pub mod cases;
pub mod compact;
pub mod compare;
pub mod crc32;
pub mod dataset;
pub mod detect;
pub mod error;
pub mod evidence;
pub mod export;
pub mod fold;
pub mod formats;
#[cfg(feature = "embedded")]
#[doc(hidden)]
pub mod fuzzing;
pub mod ids;
pub mod interval;
pub mod labels;
pub mod limits;
pub mod metrics;
pub mod order;
pub mod pairs;
pub mod parts;
pub mod predictions;
pub mod published;
pub mod relabel;
pub mod scores;
pub mod tar;
pub mod title;
pub mod view;

pub use dataset::{Dataset, DatasetFacts};
pub use detect::{ClassConvention, Detection, LoadOptions, RowOrder};
pub use error::ParseError;
pub use ids::{ClassIndex, Ilsvrc2012Id, ImageId, RowIndex};
pub use labels::LabelSet;
pub use metrics::Report;
pub use predictions::Predictions;
pub use scores::{Ranks, Score};
pub use view::{Page, View};

/// Reads a predictions file and evaluates it: the one call the page and `real-eval` make.
pub fn evaluate(
    dataset: &Dataset,
    bytes: &[u8],
    options: &LoadOptions,
) -> Result<(Predictions, Report), ParseError> {
    let predictions = read_predictions(dataset, bytes, options)?;
    let report = Report::compute(dataset, &predictions);
    Ok((predictions, report))
}

/// Reads a predictions file into validated predictions (format, order, convention settled):
/// [`evaluate`] without the report, for callers that compute figures elsewhere (the page's
/// worker).
pub fn read_predictions(
    dataset: &Dataset,
    bytes: &[u8],
    options: &LoadOptions,
) -> Result<Predictions, ParseError> {
    let raw = formats::read(bytes, dataset)?;
    let predictions = detect::resolve(raw, dataset, options);
    if let Some(flag) = wrong_fortran_flag(dataset, bytes, options, predictions.as_ref().ok()) {
        return Err(flag);
    }
    predictions
}

/// A `.npy` whose rows read as noise (or not at all) but as a clear model once its
/// `fortran_order` flag is flipped has a wrong flag: say so, rather than let the noise be
/// blamed on the row order or the class convention.
fn wrong_fortran_flag(
    dataset: &Dataset,
    bytes: &[u8],
    options: &LoadOptions,
    read: Option<&Predictions>,
) -> Option<ParseError> {
    let agreement = |p: &Predictions| {
        p.detection
            .as_ref()
            .and_then(|d| d.candidates.first())
            .map_or(0.0, |c| c.agreement)
    };
    if read.is_some_and(|p| agreement(p) >= 0.05) || !bytes.starts_with(formats::npy::MAGIC) {
        return None;
    }
    let (flag, flipped) = formats::npy::read_flipped(bytes)?;
    let flipped = detect::resolve(flipped, dataset, options).ok()?;
    let flipped_agreement = agreement(&flipped);
    if flipped_agreement < 0.2 || flipped_agreement < 5.0 * read.map_or(0.0, agreement) {
        return None;
    }
    let (said, other) = if flag {
        ("True", "C")
    } else {
        ("False", "Fortran")
    };
    Some(ParseError::at(
        "NumPy .npy",
        "header",
        format!(
            "the header says fortran_order {said}, but the data reads as a model only in {other} order ({:.1}% agree with the original labels, against {:.1}%): the flag looks wrong; save the array again with np.save",
            100.0 * flipped_agreement,
            100.0 * read.map_or(0.0, agreement)
        ),
    ))
}
