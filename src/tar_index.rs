//! Indexing `ILSVRC2012_img_val.tar` off the page's thread. Each tar gets a worker of its own
//! (the page's wasm started once more, as the evaluation worker is: one download, one
//! compilation), which walks the headers with synchronous reads and is ended when done, so that
//! indexing neither waits for a predictions load nor stops one. Dropping the [`TarJob`]
//! cancels it.
//!
//! The policy on a worker that breaks is the evaluation worker's (see `evaluator`): a tar whose
//! worker breaks fails, and never moves to the page's thread. Only where no worker can run at
//! all, known before the tar is given, does the page index on its own thread, and says so.

use crate::images::TarMembers;
use crate::worker_protocol::{self as protocol, Kind};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{MessageEvent, Worker};

/// What an indexing reports.
pub enum TarEvent {
    /// The fraction of the file walked, and the images found so far.
    Progress(f64, u32),
    /// Every image's byte range, the members walked, and the worker's time in milliseconds.
    Done(TarMembers, f64, f64),
    /// A message for the user.
    Failed(String),
}

/// Why an indexing failed when its worker broke.
const STOPPED: &str =
    "the indexing worker stopped unexpectedly; give the tar again to retry in a fresh worker";

/// One tar being indexed in its worker; dropping it ends the worker.
pub struct TarJob {
    /// The worker and its handlers; none when it could not be constructed.
    running: Option<Running>,
}

struct Running {
    worker: Worker,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
}

impl TarJob {
    /// Starts indexing `tar` in a fresh worker, reporting to `on_event` (the last event is
    /// `Done` or `Failed`, told after the handler returns, so that `on_event` may drop this
    /// job). `None` when no worker can run here: the caller indexes on the page's thread.
    pub fn start(tar: web_sys::File, on_event: impl Fn(TarEvent) + 'static) -> Option<TarJob> {
        if crate::evaluator::no_worker_here() {
            return None;
        }
        let on_event: Rc<dyn Fn(TarEvent)> = Rc::new(on_event);
        let finish = {
            let on_event = on_event.clone();
            move |worker: &Worker, event: TarEvent| {
                // Its answer is in: nothing more is wanted from this worker.
                worker.set_onmessage(None);
                worker.set_onerror(None);
                worker.terminate();
                let on_event = on_event.clone();
                wasm_bindgen_futures::spawn_local(async move { on_event(event) });
            }
        };
        let options = web_sys::WorkerOptions::new();
        options.set_type(web_sys::WorkerType::Module);
        let Ok(worker) = Worker::new_with_options(&crate::evaluator::boot_url(), &options) else {
            // The evaluation worker could start here, so this is a failure, not a browser
            // without workers.
            let on_event = on_event.clone();
            wasm_bindgen_futures::spawn_local(async move {
                on_event(TarEvent::Failed(
                    "the indexing worker could not start; give the tar again to retry".into(),
                ))
            });
            return Some(TarJob { running: None });
        };
        let on_message = {
            let worker = worker.clone();
            let finish = finish.clone();
            let on_event = on_event.clone();
            Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
                let message = event.data();
                match protocol::kind_of(&message) {
                    Some(Kind::Ready)
                        if worker.post_message(&protocol::tar_job(1, &tar)).is_err() =>
                    {
                        finish(&worker, TarEvent::Failed(STOPPED.into()));
                    }
                    Some(Kind::Unavailable) => finish(&worker, TarEvent::Failed(STOPPED.into())),
                    Some(Kind::Progress) => on_event(TarEvent::Progress(
                        protocol::number(&message, "fraction").unwrap_or_default(),
                        protocol::images_found(&message).unwrap_or_default() as u32,
                    )),
                    Some(Kind::Done) => {
                        let event = match protocol::tar_parts(&message) {
                            Ok((members, entries)) => TarEvent::Done(
                                members,
                                entries,
                                protocol::number(&message, "elapsed_ms").unwrap_or_default(),
                            ),
                            Err(reason) => TarEvent::Failed(reason),
                        };
                        finish(&worker, event);
                    }
                    Some(Kind::Failed) => {
                        let reason = protocol::text(&message, "message")
                            .unwrap_or_else(|| "the worker gave no reason".into());
                        finish(&worker, TarEvent::Failed(reason));
                    }
                    _ => {}
                }
            })
        };
        let on_error = {
            let worker = worker.clone();
            Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
                finish(&worker, TarEvent::Failed(STOPPED.into()))
            })
        };
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        // The compiled module: the worker's first script starts the wasm with it.
        if worker.post_message(&wasm_bindgen::module()).is_err() {
            let on_event = on_event.clone();
            wasm_bindgen_futures::spawn_local(
                async move { on_event(TarEvent::Failed(STOPPED.into())) },
            );
        }
        Some(TarJob {
            running: Some(Running {
                worker,
                _on_message: on_message,
                _on_error: on_error,
            }),
        })
    }
}

impl Drop for TarJob {
    fn drop(&mut self) {
        // Handlers first: events the worker queued must not reach the dropped closures.
        if let Some(running) = &self.running {
            running.worker.set_onmessage(None);
            running.worker.set_onerror(None);
            running.worker.terminate();
        }
    }
}
