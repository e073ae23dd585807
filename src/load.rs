//! Reading a user's file and evaluating it with the core.

use real_core::{Dataset, LoadOptions, ParseError, Predictions, Report};
use std::sync::Arc;
use wasm_bindgen_futures::JsFuture;

/// A predictions file that was read and evaluated.
#[derive(Clone, Debug)]
pub struct Evaluation {
    /// Stable id in the workspace (0 until the hub adds it); a re-read gets a new one.
    pub id: u32,
    /// The name on screen and in links: the file name, made unique, renamable.
    pub name: String,
    /// Its record in the browser's storage, once kept there.
    pub stored: Option<u32>,
    /// Whether it came back from storage rather than from a file this visit.
    pub restored: bool,
    /// The file's name as the user gave it.
    pub file_name: String,
    /// The file's size in bytes.
    pub size_bytes: f64,
    /// The reading that was imposed, if any.
    pub options: LoadOptions,
    /// The validated predictions.
    pub predictions: Arc<Predictions>,
    /// Every figure.
    pub report: Arc<Report>,
    /// Time to parse and evaluate, in milliseconds.
    pub elapsed_ms: f64,
    /// Whether parsing ran in the Web Worker (else on the page, where no worker could start).
    pub in_worker: bool,
}

/// Two evaluations are the same when they are the same load under the same name: every load
/// and re-read gets a new id.
impl PartialEq for Evaluation {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id && self.name == other.name && self.stored == other.stored
    }
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

/// Bytes read per step: small enough for a smooth progress bar, large enough to be fast.
const READ_CHUNK: f64 = 16.0 * 1024.0 * 1024.0;

/// Reads a browser `File` into memory in slices, telling `progress` the fraction read.
pub async fn read_file(file: &web_sys::File, progress: impl Fn(f64)) -> Result<Vec<u8>, LoadError> {
    let size = file.size();
    let fail = |e: wasm_bindgen::JsValue| LoadError {
        file_name: file.name(),
        message: format!(
            "the browser could not read the file: {}",
            e.as_string().unwrap_or_else(|| format!("{e:?}"))
        ),
    };
    // Checked before a byte is read: a 2 GB file of zeros costs nothing to refuse.
    real_core::limits::check_file_size("input", size as u64).map_err(|e| LoadError {
        file_name: file.name(),
        message: e.to_string(),
    })?;
    let mut bytes = Vec::with_capacity(size as usize);
    let mut at = 0f64;
    while at < size {
        let end = (at + READ_CHUNK).min(size);
        let slice = file.slice_with_f64_and_f64(at, end).map_err(fail)?;
        let buffer = JsFuture::from(slice.array_buffer()).await.map_err(fail)?;
        let chunk = js_sys::Uint8Array::new(&buffer);
        let start = bytes.len();
        bytes.resize(start + chunk.length() as usize, 0);
        chunk.copy_to(&mut bytes[start..]);
        at = end;
        progress(at / size);
    }
    Ok(bytes)
}

/// Waits for the next animation frame, so that a progress message paints before a long step.
pub async fn next_frame() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.request_animation_frame(&resolve);
        }
    });
    let _ = JsFuture::from(promise).await;
}

/// Scores validated predictions (fast: one pass over the kept rows).
// One copy for every caller (a load, a restore, the newcomer's model): it is large.
#[inline(never)]
pub fn finish(
    dataset: &Dataset,
    file_name: String,
    size_bytes: f64,
    options: LoadOptions,
    predictions: Predictions,
    elapsed_ms: f64,
    in_worker: bool,
) -> Evaluation {
    let started = now_ms();
    let report = Report::compute(dataset, &predictions);
    Evaluation {
        id: 0,
        name: file_name.clone(),
        stored: None,
        restored: false,
        file_name,
        size_bytes,
        options,
        predictions: Arc::new(predictions),
        report: Arc::new(report),
        elapsed_ms: elapsed_ms + (now_ms() - started),
        in_worker,
    }
}

/// Reads and scores bytes on this thread: the fallback where no worker can run.
pub fn evaluate(
    dataset: &Dataset,
    file_name: String,
    bytes: &[u8],
    options: LoadOptions,
) -> Result<Evaluation, LoadError> {
    let started = now_ms();
    match real_core::read_predictions(dataset, bytes, &options) {
        Ok(predictions) => Ok(finish(
            dataset,
            file_name,
            bytes.len() as f64,
            options,
            predictions,
            now_ms() - started,
            false,
        )),
        Err(error) => Err(LoadError {
            file_name,
            message: describe(&error),
        }),
    }
}

fn describe(error: &ParseError) -> String {
    format!("{error}.")
}
