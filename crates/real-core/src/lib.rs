//! ReaL Explorer's evaluation core.
//!
//! It carries the ImageNet validation data (ReaL label sets, original labels, class names),
//! reads every common predictions format into validated [`Predictions`], detects row order and
//! class convention when a file does not say, and computes ReaL and original metrics. It also
//! reads timm's published results, to place a model among them.
//! It reads other published relabelings too (cleanlab's crowd votes, the remaining mistakes of
//! two strong models).
//! It has no web dependencies: the page and the `real-eval` command are thin callers.

pub mod cases;
pub mod compact;
pub mod compare;
pub mod dataset;
pub mod detect;
pub mod error;
pub mod evidence;
pub mod fold;
pub mod formats;
#[cfg(feature = "embedded")]
#[doc(hidden)]
pub mod fuzzing;
pub mod ids;
pub mod interval;
pub mod labels;
pub mod metrics;
pub mod order;
pub mod pairs;
pub mod parts;
pub mod predictions;
pub mod published;
pub mod relabel;
pub mod scores;
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
    let raw = formats::read(bytes, dataset)?;
    let predictions = detect::resolve(raw, dataset, options)?;
    let report = Report::compute(dataset, &predictions);
    Ok((predictions, report))
}
