//! The evaluation worker: reads a predictions file in slices (reporting progress) and
//! validates it with the core, off the page's main thread.

#[cfg(not(target_arch = "wasm32"))]
fn main() {}

#[cfg(target_arch = "wasm32")]
fn main() {
    worker::start();
}

#[cfg(target_arch = "wasm32")]
mod worker {
    use real_core::Dataset;
    use real_explorer::worker_protocol::{FromWorker, Request};
    use std::cell::OnceCell;
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;
    use web_sys::{DedicatedWorkerGlobalScope, FileReaderSync, MessageEvent};

    /// Bytes read per slice; each slice reports progress.
    const CHUNK: f64 = 8.0 * 1024.0 * 1024.0;

    thread_local! {
        static DATASET: OnceCell<Result<Dataset, String>> = const { OnceCell::new() };
    }

    fn scope() -> DedicatedWorkerGlobalScope {
        js_sys::global().unchecked_into()
    }

    fn post(message: &FromWorker) {
        if let Ok(text) = serde_json::to_string(message) {
            let _ = scope().post_message(&JsValue::from_str(&text));
        }
    }

    fn now() -> f64 {
        scope().performance().map(|p| p.now()).unwrap_or_default()
    }

    pub fn start() {
        let on_message =
            Closure::<dyn FnMut(MessageEvent)>::new(|event: MessageEvent| handle(event.data()));
        scope().set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        // The handler lives as long as the worker.
        on_message.forget();
        post(&FromWorker::Ready);
    }

    fn handle(data: JsValue) {
        let started = now();
        let file: Option<web_sys::File> = js_sys::Reflect::get(&data, &"file".into())
            .ok()
            .and_then(|f| f.dyn_into().ok());
        let request: Request = js_sys::Reflect::get(&data, &"request".into())
            .ok()
            .and_then(|r| r.as_string())
            .and_then(|r| serde_json::from_str(&r).ok())
            .unwrap_or_default();
        let Some(file) = file else {
            post(&FromWorker::Failed {
                message: "no file was given to the worker".into(),
            });
            return;
        };
        let bytes = match read(&file) {
            Ok(bytes) => bytes,
            Err(message) => return post(&FromWorker::Failed { message }),
        };
        post(&FromWorker::Progress {
            stage: "evaluating".into(),
            fraction: None,
        });
        let outcome = DATASET.with(|cell| {
            let dataset = cell.get_or_init(|| Dataset::embedded().map_err(|e| e.to_string()));
            match dataset {
                Ok(dataset) => real_core::formats::read(&bytes, dataset)
                    .and_then(|raw| real_core::detect::resolve(raw, dataset, &request.into()))
                    .map_err(|e| format!("{e}.")),
                Err(e) => Err(format!("the embedded data is damaged: {e}")),
            }
        });
        drop(bytes);
        match outcome {
            Ok(predictions) => post(&FromWorker::Done {
                predictions: Box::new(predictions),
                elapsed_ms: now() - started,
            }),
            Err(message) => post(&FromWorker::Failed { message }),
        }
    }

    /// Reads the whole file with the synchronous reader workers have, in slices.
    fn read(file: &web_sys::File) -> Result<Vec<u8>, String> {
        let reader = FileReaderSync::new()
            .map_err(|_| "this browser cannot read files in a worker".to_string())?;
        let size = file.size();
        let mut bytes = Vec::with_capacity(size as usize);
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
            post(&FromWorker::Progress {
                stage: "reading".into(),
                fraction: Some(at / size),
            });
        }
        Ok(bytes)
    }
}
