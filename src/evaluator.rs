//! Runs parsing and validation in a Web Worker, so a 200 MB logits file never freezes the
//! page; progress comes back as messages and cancelling ends the worker.

use crate::worker_protocol::{FromWorker, Request};
use real_core::{LoadOptions, Predictions};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{MessageEvent, Worker};

/// The worker script Trunk builds from `src/bin/worker.rs` (a classic worker: it uses
/// `importScripts`). Relative, so it resolves under any sub-path.
const WORKER_SCRIPT: &str = "./worker_loader.js";

/// What a load reports back.
pub enum Event {
    /// Progress: stage and fraction.
    Progress(String, Option<f64>),
    /// Predictions, and the worker's time in milliseconds.
    Done(Predictions, f64),
    /// A message for the user.
    Failed(String),
    /// No worker could run here; the caller evaluates on the page instead.
    Unavailable,
}

/// A started worker kept ready for the next load, so that a small file does not wait for the
/// worker's wasm to download and compile.
struct Spare {
    worker: Worker,
    state: Rc<Cell<SpareState>>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum SpareState {
    Starting,
    Ready,
    Failed,
}

thread_local! {
    static SPARE: RefCell<Option<Spare>> = const { RefCell::new(None) };
    /// Set once a worker failed to start: the page then evaluates on its own thread.
    static UNAVAILABLE: Cell<bool> = const { Cell::new(false) };
}

/// Starts a spare worker if there is none.
pub fn warm_up() {
    if UNAVAILABLE.with(Cell::get) {
        return;
    }
    SPARE.with(|spare| {
        if spare.borrow().is_some() {
            return;
        }
        let Ok(worker) = Worker::new(WORKER_SCRIPT) else {
            UNAVAILABLE.with(|u| u.set(true));
            return;
        };
        let state = Rc::new(Cell::new(SpareState::Starting));
        let on_message = {
            let state = state.clone();
            Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
                if event
                    .data()
                    .as_string()
                    .is_some_and(|t| t.contains("\"ready\""))
                {
                    state.set(SpareState::Ready);
                }
            })
        };
        let on_error = {
            let state = state.clone();
            Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
                state.set(SpareState::Failed);
                UNAVAILABLE.with(|u| u.set(true));
            })
        };
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        *spare.borrow_mut() = Some(Spare {
            worker,
            state,
            _on_message: on_message,
            _on_error: on_error,
        });
    });
}

/// One load under way in its own worker; dropping or cancelling it ends the worker.
pub struct Job {
    worker: Worker,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
}

impl Job {
    /// Starts a worker for `file` and reports to `on_event` until done.
    pub fn start(
        file: web_sys::File,
        options: LoadOptions,
        on_event: impl Fn(Event) + 'static,
    ) -> Option<Job> {
        if UNAVAILABLE.with(Cell::get) {
            return None;
        }
        // Events arrive only between tasks, so a spare still starting cannot fail unseen
        // between this check and the handlers set below.
        let spare = SPARE.with(|s| s.borrow_mut().take());
        let (worker, already_ready) = match spare {
            Some(spare) => match spare.state.get() {
                SpareState::Failed => return None,
                state => (spare.worker, state == SpareState::Ready),
            },
            None => (Worker::new(WORKER_SCRIPT).ok()?, false),
        };
        let on_event = Rc::new(on_event);
        let finished = Rc::new(RefCell::new(false));
        let request = serde_json::to_string(&Request::from(options)).unwrap_or_default();
        let (file_for_ready, request_for_ready) = (file.clone(), request.clone());
        let on_message = {
            let worker = worker.clone();
            let on_event = on_event.clone();
            let finished = finished.clone();
            Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
                let Some(text) = event.data().as_string() else {
                    return;
                };
                let Ok(message) = serde_json::from_str::<FromWorker>(&text) else {
                    on_event(Event::Failed(
                        "the worker sent a message the page does not understand".into(),
                    ));
                    return;
                };
                match message {
                    // The worker is listening only now: send the work.
                    FromWorker::Ready => send(&worker, &file, &request),
                    FromWorker::Progress { stage, fraction } => {
                        on_event(Event::Progress(stage, fraction))
                    }
                    FromWorker::Done {
                        predictions,
                        elapsed_ms,
                    } => {
                        *finished.borrow_mut() = true;
                        worker.terminate();
                        match predictions.reindexed() {
                            Some(p) => on_event(Event::Done(p, elapsed_ms)),
                            None => on_event(Event::Failed(
                                "the worker's predictions were inconsistent".into(),
                            )),
                        }
                    }
                    FromWorker::Failed { message } => {
                        *finished.borrow_mut() = true;
                        worker.terminate();
                        on_event(Event::Failed(message));
                    }
                }
            })
        };
        let on_error = {
            let worker = worker.clone();
            Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
                // The script is missing or failed to start: fall back to the page, now and
                // for later loads.
                UNAVAILABLE.with(|u| u.set(true));
                if !*finished.borrow() {
                    *finished.borrow_mut() = true;
                    worker.terminate();
                    on_event(Event::Unavailable);
                }
            })
        };
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        if already_ready {
            send(&worker, &file_for_ready, &request_for_ready);
        }
        // The next load gets a warm worker too.
        warm_up();
        Some(Job {
            worker,
            _on_message: on_message,
            _on_error: on_error,
        })
    }
}

fn send(worker: &Worker, file: &web_sys::File, request: &str) {
    let job = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&job, &"file".into(), file);
    let _ = js_sys::Reflect::set(&job, &"request".into(), &JsValue::from_str(request));
    let _ = worker.post_message(&job);
}

impl Drop for Job {
    fn drop(&mut self) {
        self.worker.terminate();
    }
}
