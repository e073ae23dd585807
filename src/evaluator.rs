//! Runs parsing in one long-lived Web Worker, so that a 200 MB logits file never freezes the
//! page. The worker is the page's own wasm module started a second time: the browser downloads
//! and compiles it once. It keeps its copy of the ImageNet data between loads; cancelling a
//! load ends it and starts a fresh one.
//!
//! A worker that started and then broke (a panic, running out of memory, a wasm that would not
//! start) fails the file it was given, and the next load gets a fresh worker: a file never
//! moves to the page's own thread after a worker broke on it. The page evaluates on its own
//! thread only where no worker ever ran, decided before a file is handed over: the worker
//! cannot be constructed, or the first one failed to start while no file waited for it.

use crate::worker_protocol::{self as protocol, Kind};
use real_core::evidence::EvidenceFile;
use real_core::{LoadOptions, Predictions};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{MessageEvent, Worker};

/// What a load reports back.
pub enum Event {
    /// Progress: stage and fraction.
    Progress(String, Option<f64>),
    /// Predictions, and the worker's time in milliseconds.
    Done(Predictions, f64),
    /// A rater file, whether it is byte for byte the published one, and how many bytes the
    /// worker's memory grew to read it.
    Evidence(EvidenceFile, bool, f64),
    /// A message for the user.
    Failed(String),
    /// Another file was given to the worker before this one was done: this load stopped.
    Abandoned,
}

/// Why a load failed when its worker broke.
pub const STOPPED: &str = "the evaluation stopped unexpectedly (the file may be too large for \
     this browser's memory, or it made the evaluation fail); give it again to retry in a fresh \
     worker";

/// Files above this size are read into the worker's memory, which wasm never gives back: the
/// worker is replaced after them.
const RECYCLE_ABOVE_BYTES: f64 = 64.0 * 1024.0 * 1024.0;

/// The worker's first script (`assets/worker.js`), beside the glue.
const BOOT_FILE: &str = "worker.js";

#[wasm_bindgen]
extern "C" {
    type ImportMeta;

    #[wasm_bindgen(method, getter)]
    fn url(this: &ImportMeta) -> String;

    // `import.meta` of the glue module, which wasm-bindgen emits this access into.
    #[wasm_bindgen(thread_local_v2, js_namespace = import, js_name = meta)]
    static IMPORT_META: ImportMeta;
}

/// The worker and what it is doing.
struct Slot {
    worker: Worker,
    /// Tells this worker's events from those of one it replaced.
    serial: u32,
    /// Whether its wasm runs and has the data.
    ready: bool,
    /// The load given to it, sent once it is ready.
    load: Option<Load>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
}

impl Slot {
    /// Ends the worker. Its handlers are removed first: events it queued before the end must
    /// not reach closures that are dropped with the slot.
    fn end(self) {
        self.worker.set_onmessage(None);
        self.worker.set_onerror(None);
        self.worker.terminate();
    }
}

/// Where a load's events go.
type Listener = Rc<dyn Fn(Event)>;

struct Load {
    id: u32,
    file: web_sys::Blob,
    options: LoadOptions,
    /// A rater file rather than predictions.
    evidence: bool,
    sent: bool,
    on_event: Listener,
}

thread_local! {
    static SLOT: RefCell<Option<Slot>> = const { RefCell::new(None) };
    /// Set when no worker can run here (see the module's notes): the page then evaluates on
    /// its own thread. Never set once a worker has run.
    static UNAVAILABLE: Cell<bool> = const { Cell::new(false) };
    /// Whether a worker has started here: from then on a broken worker fails its file.
    static EVER_READY: Cell<bool> = const { Cell::new(false) };
    static SERIAL: Cell<u32> = const { Cell::new(0) };
    static NEXT_LOAD: Cell<u32> = const { Cell::new(0) };
}

fn next(counter: &'static std::thread::LocalKey<Cell<u32>>) -> u32 {
    counter.with(|c| {
        c.set(c.get().wrapping_add(1));
        c.get()
    })
}

/// Starts the worker if there is none, so that it is ready when the first file arrives.
pub fn warm_up() {
    if UNAVAILABLE.with(Cell::get) || SLOT.with(|s| s.borrow().is_some()) {
        return;
    }
    match spawn() {
        Some(slot) => SLOT.with(|s| *s.borrow_mut() = Some(slot)),
        // A browser without module workers; where one has run before, the next load tries
        // again (and fails its file if it still cannot start one).
        None => {
            if !EVER_READY.with(Cell::get) {
                UNAVAILABLE.with(|u| u.set(true));
            }
        }
    }
}

/// Whether no worker can run in this browser (see the module's notes), so that work goes to
/// the page's own thread; decided before any file is given to a worker.
pub fn no_worker_here() -> bool {
    warm_up();
    UNAVAILABLE.with(Cell::get)
}

/// The worker's script URL: beside the glue (wherever the page is served from), naming it.
pub(crate) fn boot_url() -> String {
    let glue = IMPORT_META.with(ImportMeta::url);
    let folder = &glue[..glue.rfind('/').map_or(0, |i| i + 1)];
    let name = js_sys::encode_uri_component(&glue);
    format!("{folder}{BOOT_FILE}?glue={name}")
}

fn spawn() -> Option<Slot> {
    let options = web_sys::WorkerOptions::new();
    options.set_type(web_sys::WorkerType::Module);
    let worker = Worker::new_with_options(&boot_url(), &options).ok()?;
    let serial = next(&SERIAL);
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        on_message(serial, event.data())
    });
    let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| broke(serial));
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    let slot = Slot {
        worker,
        serial,
        ready: false,
        load: None,
        _on_message: on_message,
        _on_error: on_error,
    };
    match slot.worker.post_message(&wasm_bindgen::module()) {
        Ok(()) => Some(slot),
        Err(_) => {
            slot.end();
            None
        }
    }
}

/// Ends the worker; `warm_up` starts the next.
fn retire() {
    if let Some(slot) = SLOT.with(|s| s.borrow_mut().take()) {
        slot.end();
    }
}

/// Sends the slot's load if the worker is ready for it; `false` if it could not be sent.
fn send_load(slot: &mut Slot) -> bool {
    match slot.load.as_mut().filter(|l| !l.sent && slot.ready) {
        Some(load) => {
            load.sent = true;
            let job = protocol::job(load.id, &load.file, load.options, load.evidence);
            slot.worker.post_message(&job).is_ok()
        }
        None => true,
    }
}

fn on_message(serial: u32, message: JsValue) {
    let Some(kind) = protocol::kind_of(&message) else {
        return;
    };
    let id = protocol::id_of(&message);
    // What to do after the slot is released: the callbacks may start or cancel loads.
    let mut then: Option<(Listener, Event)> = None;
    let mut recycle = false;
    let mut broken = false;
    SLOT.with(|s| {
        let mut slot = s.borrow_mut();
        let Some(slot) = slot.as_mut().filter(|s| s.serial == serial) else {
            return;
        };
        let current = slot.load.as_ref().filter(|l| Some(l.id) == id);
        match kind {
            Kind::Ready => {
                slot.ready = true;
                EVER_READY.with(|e| e.set(true));
                if let Some(bytes) = crate::data::bytes() {
                    let _ = slot.worker.post_message(&protocol::data(&bytes));
                }
                broken = !send_load(slot);
            }
            // Its wasm would not start: the same as breaking.
            Kind::Unavailable => broken = true,
            Kind::Progress => {
                if let Some(load) = current {
                    let stage = protocol::text(&message, "stage").unwrap_or_default();
                    let fraction = protocol::number(&message, "fraction");
                    then = Some((load.on_event.clone(), Event::Progress(stage, fraction)));
                }
            }
            Kind::Done | Kind::Failed => {
                if current.is_some() {
                    if let Some(load) = slot.load.take() {
                        // After a panic the worker's state is not to be trusted.
                        recycle =
                            load.file.size() > RECYCLE_ABOVE_BYTES || protocol::is_fatal(&message);
                        let event = match kind {
                            Kind::Done if load.evidence => {
                                match protocol::evidence_parts(&message) {
                                    Ok((file, published, ms)) => {
                                        Event::Evidence(file, published, ms)
                                    }
                                    Err(reason) => Event::Failed(reason),
                                }
                            }
                            Kind::Done => match protocol::done_parts(&message) {
                                Ok((predictions, elapsed_ms)) => {
                                    Event::Done(predictions, elapsed_ms)
                                }
                                Err(reason) => Event::Failed(reason),
                            },
                            _ => Event::Failed(
                                protocol::text(&message, "message")
                                    .unwrap_or_else(|| "the worker gave no reason".into()),
                            ),
                        };
                        then = Some((load.on_event, event));
                    }
                }
            }
            Kind::Data | Kind::Job => {}
        }
    });
    if broken {
        return broke(serial);
    }
    if recycle {
        retire();
        warm_up();
    }
    if let Some((on_event, event)) = then {
        on_event(event);
    }
}

/// The worker broke: an error event (a panic, out of memory, a script that would not load) or
/// a wasm that would not start. It is ended, and the file it held fails: running that file on
/// the page instead would only break the page too.
fn broke(serial: u32) {
    let Some(mut slot) = SLOT.with(|s| {
        let mut s = s.borrow_mut();
        s.as_ref().filter(|slot| slot.serial == serial)?;
        s.take()
    }) else {
        return;
    };
    let load = slot.load.take();
    slot.end();
    match load {
        // No worker ever started here and no file waited for this one: this browser cannot run
        // the worker, and the page evaluates on its own thread from now on.
        None if !EVER_READY.with(Cell::get) => UNAVAILABLE.with(|u| u.set(true)),
        // The next load starts a fresh worker.
        None => {}
        Some(load) => {
            (load.on_event)(Event::Failed(STOPPED.into()));
            // A fresh worker now: it is ready for the next file, and where none can start at
            // all that is known before the next file is given.
            warm_up();
        }
    }
}

/// One load given to the worker; dropping it before it is done cancels it, which ends the
/// worker (it cannot be interrupted otherwise) and starts a fresh one.
pub struct Job {
    id: u32,
}

impl Job {
    /// Gives `file` to the worker and reports to `on_event` until done; `None` when no worker
    /// can start here.
    pub fn start(
        file: web_sys::File,
        options: LoadOptions,
        on_event: impl Fn(Event) + 'static,
    ) -> Option<Job> {
        Self::start_any(file.into(), options, false, Rc::new(on_event))
    }

    /// Gives a rater file (scores.npz or raters.npz) to the worker; answers with
    /// [`Event::Evidence`].
    pub fn start_evidence(file: web_sys::Blob, on_event: impl Fn(Event) + 'static) -> Option<Job> {
        Self::start_any(file, LoadOptions::default(), true, Rc::new(on_event))
    }

    fn start_any(
        file: web_sys::Blob,
        options: LoadOptions,
        evidence: bool,
        on_event: Rc<dyn Fn(Event)>,
    ) -> Option<Job> {
        // A load still under way is abandoned with its worker, and told so (a rater file
        // being read when a predictions file arrives, or the other way round).
        let abandoned = SLOT.with(|s| s.borrow_mut().as_mut().and_then(|slot| slot.load.take()));
        if let Some(load) = abandoned {
            retire();
            (load.on_event)(Event::Failed(
                "stopped because another file was given to the page meanwhile; give it again"
                    .into(),
            ));
        }
        // Decided before this file is given to any worker.
        warm_up();
        if UNAVAILABLE.with(Cell::get) {
            return None;
        }
        let id = next(&NEXT_LOAD);
        let load = Load {
            id,
            file,
            options,
            evidence,
            sent: false,
            on_event,
        };
        let refused = SLOT.with(|s| match s.borrow_mut().as_mut() {
            Some(slot) => {
                slot.load = Some(load);
                (!send_load(slot)).then_some(None)
            }
            None => Some(Some(load)),
        });
        match refused {
            None => {}
            // The worker took no job: it is broken.
            Some(None) => {
                let serial = SLOT.with(|s| s.borrow().as_ref().map(|slot| slot.serial));
                if let Some(serial) = serial {
                    wasm_bindgen_futures::spawn_local(async move { broke(serial) });
                }
            }
            // A worker ran here before but none starts now: the file fails rather than move to
            // the page. Told after the caller has its job, as any answer is.
            Some(Some(load)) => wasm_bindgen_futures::spawn_local(async move {
                (load.on_event)(Event::Failed(
                    "the evaluation worker could not start; give the file again to retry".into(),
                ))
            }),
        }
        Some(Job { id })
    }
}

impl Drop for Job {
    fn drop(&mut self) {
        let running = SLOT.with(|s| {
            s.borrow()
                .as_ref()
                .and_then(|slot| slot.load.as_ref())
                .is_some_and(|load| load.id == self.id)
        });
        if running {
            retire();
            warm_up();
        }
    }
}
