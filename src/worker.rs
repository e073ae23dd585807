//! The evaluation worker: the page's own wasm started a second time, in a dedicated worker
//! (see `evaluator`). It decodes its copy of the ImageNet data once, then reads files in
//! slices (reporting progress) and validates them with the core, off the page's thread, for
//! as long as the page keeps it.

use crate::worker_protocol::{self as protocol, Kind};
use real_core::Dataset;
use std::cell::{Cell, RefCell};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, FileReaderSync, MessageEvent};

/// Bytes read per slice; each slice reports progress.
const CHUNK: f64 = 8.0 * 1024.0 * 1024.0;

thread_local! {
    static DATASET: RefCell<Option<Result<Dataset, String>>> = const { RefCell::new(None) };
    /// The load under way, so that a panic can still answer it.
    static CURRENT: Cell<Option<u32>> = const { Cell::new(None) };
}

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

fn post(message: &JsValue) {
    let _ = scope().post_message(message);
}

fn now() -> f64 {
    scope().performance().map(|p| p.now()).unwrap_or_default()
}

/// Starts the worker; its boot script calls this once the wasm runs in the worker.
#[wasm_bindgen]
pub fn worker_main() {
    // A panic must still answer the page, which then starts a fresh worker: this one's state
    // is no longer to be trusted.
    std::panic::set_hook(Box::new(|info| {
        if let Some(id) = CURRENT.with(Cell::get) {
            post(&protocol::fatal(
                id,
                &format!("an internal error stopped the evaluation ({info})"),
            ));
        }
    }));
    let on_message =
        Closure::<dyn FnMut(MessageEvent)>::new(|event: MessageEvent| handle(event.data()));
    scope().set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    on_message.forget();
    post(&protocol::message(Kind::Ready));
}

fn handle(message: JsValue) {
    match protocol::kind_of(&message) {
        Some(Kind::Data) => {
            // Decoded now, while the page waits for a file, so the first load does not wait.
            let decoded = match protocol::data_bytes(&message) {
                Some(bytes) => Dataset::decode(&bytes).map_err(|e| e.to_string()),
                None => Err("no data file came with the message".into()),
            };
            if let Ok(dataset) = &decoded {
                rehearse(dataset);
            }
            DATASET.with(|d| *d.borrow_mut() = Some(decoded));
        }
        Some(Kind::Job) => match protocol::job_parts(&message) {
            Some((id, file, options)) => {
                CURRENT.with(|c| c.set(Some(id)));
                if protocol::is_tar(&message) {
                    run_tar(id, &file);
                } else if protocol::is_evidence(&message) {
                    run_evidence(id, &file);
                } else {
                    run(id, &file, options);
                }
                CURRENT.with(|c| c.set(None));
            }
            None => {
                if let Some(id) = protocol::id_of(&message) {
                    post(&protocol::failed(id, "no file was given to the worker"));
                }
            }
        },
        _ => {}
    }
}

/// Runs a made-up top-1 file through the whole path once, while the page waits for a file.
/// The browser compiles wasm lazily, function by function, and runs it unoptimised at first: the
/// first file would pay for that. The compiled code is shared with the page, which puts the
/// predictions back together and scores them with the same core.
fn rehearse(dataset: &Dataset) {
    let options = real_core::LoadOptions::default();
    let predictions = real_core::formats::read(&rehearsal_file(dataset), dataset)
        .and_then(|raw| real_core::detect::resolve(raw, dataset, &options));
    if let Ok(predictions) = predictions {
        if let Ok(again) = real_core::Predictions::from_parts(predictions.into_parts()) {
            let _ = real_core::Report::compute(dataset, &again);
        }
    }
}

/// Every image's original label as a NumPy int16 top-1 file, the commonest kind of file.
fn rehearsal_file(dataset: &Dataset) -> Vec<u8> {
    let header = "{'descr': '<i2', 'fortran_order': False, 'shape': (50000,), }";
    // Magic, version 1.0, header length, then the header padded with spaces to a multiple of
    // 64 bytes, ending in a newline.
    let padded = (10 + header.len() + 1).div_ceil(64) * 64 - 10;
    let mut npy = b"\x93NUMPY\x01\x00".to_vec();
    npy.extend_from_slice(&(padded as u16).to_le_bytes());
    npy.extend_from_slice(header.as_bytes());
    npy.resize(10 + padded - 1, b' ');
    npy.push(b'\n');
    for image in dataset.images() {
        npy.extend_from_slice(&dataset.original_label(image).0.to_le_bytes());
    }
    npy
}

/// Reads a rater file: inflated and counted piece by piece, so that raters.npz (377 MB once
/// inflated) never is whole in memory.
fn run_evidence(id: u32, file: &web_sys::Blob) {
    use real_core::evidence::{RATERS_SHA256, SCORES_SHA256};
    let started = now();
    let before = memory_bytes();
    let bytes = match read(id, file) {
        Ok(bytes) => bytes,
        Err(reason) => return post(&protocol::failed(id, &reason)),
    };
    let digest: String = real_core::dataset::sha256::sha256(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let published = digest == SCORES_SHA256 || digest == RATERS_SHA256;
    let mut last = 0.0;
    let outcome = real_core::evidence::read(&bytes, &mut |fraction| {
        if fraction - last >= 0.02 || fraction >= 1.0 {
            last = fraction;
            post(&protocol::progress(id, "inflating", Some(fraction)));
        }
    });
    drop(bytes);
    match outcome {
        Ok(evidence) => {
            // Wasm memory only grows, so its size now is the peak of the whole read.
            let grew = memory_bytes() - before;
            let (message, transfer) =
                protocol::evidence_done(id, &evidence, published, now() - started, grew);
            if scope()
                .post_message_with_transfer(&message, &transfer)
                .is_err()
            {
                post(&protocol::failed(
                    id,
                    "the worker could not send the evidence back",
                ));
            }
        }
        Err(e) => post(&protocol::failed(id, &format!("{e}."))),
    }
}

/// Indexes a tar: only its headers are read, each with the synchronous reader workers have
/// (one 512-byte read per image in ILSVRC2012_img_val.tar; archives of small files are read up
/// to 4 MB at a time), reporting progress about ten times a second.
fn run_tar(id: u32, file: &web_sys::Blob) {
    let started = now();
    let reader = match FileReaderSync::new() {
        Ok(reader) => reader,
        Err(_) => {
            return post(&protocol::failed(
                id,
                "this browser cannot read files in a worker",
            ))
        }
    };
    let mut reported = started;
    let outcome = real_core::tar::index(
        file.size() as u64,
        |offset, len| read_range(&reader, file, offset, len),
        |walker| {
            let at = now();
            if at - reported >= 100.0 {
                reported = at;
                let fraction = walker.walked() as f64 / walker.total() as f64;
                post(&protocol::tar_progress(id, fraction, walker.images()));
            }
        },
    );
    match outcome {
        Ok(index) => {
            let (message, transfer) = protocol::tar_done(id, &index, now() - started);
            if scope()
                .post_message_with_transfer(&message, &transfer)
                .is_err()
            {
                post(&protocol::failed(
                    id,
                    "the worker could not send the index back",
                ));
            }
        }
        Err(e) => post(&protocol::failed(id, &format!("{e}."))),
    }
}

/// `len` bytes of `file` at `offset`, read synchronously.
fn read_range(
    reader: &FileReaderSync,
    file: &web_sys::Blob,
    offset: u64,
    len: u64,
) -> Result<Vec<u8>, String> {
    let (start, end) = (offset as f64, offset.saturating_add(len) as f64);
    let slice = file
        .slice_with_f64_and_f64(start, end)
        .map_err(|_| "the file could not be sliced".to_string())?;
    let buffer = reader
        .read_as_array_buffer(&slice)
        .map_err(|_| "the browser could not read the file".to_string())?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// The worker's wasm memory in bytes.
fn memory_bytes() -> f64 {
    wasm_bindgen::memory()
        .unchecked_into::<js_sys::WebAssembly::Memory>()
        .buffer()
        .unchecked_into::<js_sys::ArrayBuffer>()
        .byte_length() as f64
}

fn run(id: u32, file: &web_sys::Blob, options: real_core::LoadOptions) {
    let started = now();
    let bytes = match read(id, file) {
        Ok(bytes) => bytes,
        Err(reason) => return post(&protocol::failed(id, &reason)),
    };
    post(&protocol::progress(id, "evaluating", None));
    let outcome = DATASET.with(|d| match &*d.borrow() {
        Some(Ok(dataset)) => {
            real_core::read_predictions(dataset, &bytes, &options).map_err(|e| format!("{e}."))
        }
        Some(Err(e)) => Err(format!("the worker's ImageNet data is damaged: {e}")),
        None => Err("the worker was given no ImageNet data".into()),
    });
    drop(bytes);
    match outcome {
        Ok(predictions) => {
            let (message, transfer) = protocol::done(id, predictions, now() - started);
            if scope()
                .post_message_with_transfer(&message, &transfer)
                .is_err()
            {
                post(&protocol::failed(
                    id,
                    "the worker could not send the predictions back",
                ));
            }
        }
        Err(reason) => post(&protocol::failed(id, &reason)),
    }
}

/// Reads the whole file with the synchronous reader workers have, in slices.
fn read(id: u32, file: &web_sys::Blob) -> Result<Vec<u8>, String> {
    let reader = FileReaderSync::new()
        .map_err(|_| "this browser cannot read files in a worker".to_string())?;
    let size = file.size();
    // Checked before a byte is read: a 2 GB file of zeros costs nothing to refuse.
    real_core::limits::check_file_size("input", size as u64).map_err(|e| e.to_string())?;
    let mut bytes = Vec::new();
    // Refused here rather than aborting the worker halfway: wasm memory ends at 4 GB.
    bytes.try_reserve_exact(size as usize).map_err(|_| {
        format!(
            "at {:.0} MB the file does not fit in the memory this browser gives the page",
            size / 1e6
        )
    })?;
    let mut at = 0f64;
    while at < size {
        let end = (at + CHUNK).min(size);
        let slice = file
            .slice_with_f64_and_f64(at, end)
            .map_err(|_| "the file could not be sliced".to_string())?;
        let buffer = reader
            .read_as_array_buffer(&slice)
            .map_err(|_| "the browser could not read the file".to_string())?;
        let chunk = js_sys::Uint8Array::new(&buffer);
        let start = bytes.len();
        bytes.resize(start + chunk.length() as usize, 0);
        chunk.copy_to(&mut bytes[start..]);
        at = end;
        post(&protocol::progress(id, "reading", Some(at / size)));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::rehearsal_file;
    use real_core::{Dataset, LoadOptions, RowOrder};

    #[test]
    fn the_rehearsal_file_reads_as_the_original_labels() {
        let dataset = Dataset::embedded().expect("the embedded data decodes");
        let (predictions, report) =
            real_core::evaluate(&dataset, &rehearsal_file(&dataset), &LoadOptions::default())
                .expect("the rehearsal file reads");
        assert_eq!(predictions.len(), 50_000);
        assert_eq!(predictions.order, RowOrder::Filename);
        assert_eq!(report.original(1).map(|a| a.correct), Some(50_000));
    }
}
