//! Reading a user's file and evaluating it with the core.

use real_core::{Dataset, LoadOptions, ParseError, Predictions, Report};
use std::sync::Arc;
use wasm_bindgen_futures::JsFuture;

/// A predictions file that was read and evaluated.
#[derive(Clone, Debug)]
pub struct Evaluation {
    /// The file's name as the user gave it.
    pub file_name: String,
    /// The file's bytes, kept so a changed reading can be re-evaluated without asking again.
    pub bytes: Arc<Vec<u8>>,
    /// The reading that was imposed, if any.
    pub options: LoadOptions,
    /// The validated predictions.
    pub predictions: Arc<Predictions>,
    /// Every figure.
    pub report: Arc<Report>,
    /// Time to parse and evaluate, in milliseconds.
    pub elapsed_ms: f64,
}

/// A failed load, shown next to the drop zone; whatever was loaded before stays.
#[derive(Clone, Debug, PartialEq)]
pub struct LoadError {
    /// The file that failed.
    pub file_name: String,
    /// What went wrong, as one sentence.
    pub message: String,
}

/// Milliseconds on the page's clock.
pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or_default()
}

/// Reads a browser `File` into memory.
pub async fn read_file(file: &web_sys::File) -> Result<Vec<u8>, LoadError> {
    let buffer = JsFuture::from(file.array_buffer())
        .await
        .map_err(|e| LoadError {
            file_name: file.name(),
            message: format!(
                "the browser could not read the file: {}",
                e.as_string().unwrap_or_else(|| format!("{e:?}"))
            ),
        })?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// Evaluates bytes with the core.
pub fn evaluate(
    dataset: &Dataset,
    file_name: String,
    bytes: Arc<Vec<u8>>,
    options: LoadOptions,
) -> Result<Evaluation, LoadError> {
    let started = now_ms();
    match real_core::evaluate(dataset, &bytes, &options) {
        Ok((predictions, report)) => Ok(Evaluation {
            file_name,
            bytes,
            options,
            predictions: Arc::new(predictions),
            report: Arc::new(report),
            elapsed_ms: now_ms() - started,
        }),
        Err(error) => Err(LoadError {
            file_name,
            message: describe(&error),
        }),
    }
}

fn describe(error: &ParseError) -> String {
    format!("{error}.")
}
