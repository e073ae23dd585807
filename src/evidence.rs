//! Loading what the raters said (`scores.npz`, `raters.npz`) and other groups' relabelings:
//! from their published locations or a user's files, read in the worker, kept in the hub and
//! in the browser's storage so that a later visit needs no download.

use crate::evaluator::{Event, Job};
use crate::state::{Explorer, Progress};
use leptos::prelude::*;
use leptos::task::spawn_local;
use real_core::evidence::{Evidence, EvidenceFile, Provenance, PUBLISHED_BASE};
use real_core::relabel::{self, Relabeling};
use wasm_bindgen_futures::JsFuture;

/// The published relabelings, at pinned commits: (what, URL).
pub const PUBLISHED_RELABELINGS: [(&str, &str); 3] = [
    (
        "cleanlab's crowd votes",
        "https://raw.githubusercontent.com/cleanlab/label-errors/5457895eee26e49187de5c4d6617b9de6f172221/mturk/imagenet_mturk.json",
    ),
    (
        "ViT-3B's mistakes",
        "https://raw.githubusercontent.com/google-research/imagenet-mistakes/bed8d35791fbd3dea10e7a4434d94c41e12bee4d/metadata/vit3b_mistakes.json",
    ),
    (
        "greedy soups' mistakes",
        "https://raw.githubusercontent.com/google-research/imagenet-mistakes/bed8d35791fbd3dea10e7a4434d94c41e12bee4d/metadata/greedy_soups_mistakes.json",
    ),
];

thread_local! {
    /// The rater file load under way; dropping it cancels the load.
    static JOB: std::cell::RefCell<Option<Job>> = const { std::cell::RefCell::new(None) };
    /// A raters.npz read before its scores.npz: kept until the scores come.
    static PENDING: std::cell::RefCell<Option<(EvidenceFile, String, bool)>> =
        const { std::cell::RefCell::new(None) };
    /// Rater files waiting their turn in the worker (a file input may give both at once).
    /// Each with whether it was fetched as the published file (and so must be it).
    static QUEUE: std::cell::RefCell<Vec<(web_sys::Blob, String, bool)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// Where the rater files come from: the view's `evidence=` folder when a link may name it
/// (this page's site, or https), else the published location. `Err` says why an override was
/// refused.
pub fn base(explorer: Explorer) -> Result<String, String> {
    let Some(url) = explorer.view.with_untracked(|v| v.evidence.clone()) else {
        return Ok(PUBLISHED_BASE.into());
    };
    let url = crate::download::accept(&url)
        .map_err(|refusal| format!("the link's evidence location was not used: {refusal}"))?;
    Ok(if url.ends_with('/') {
        url
    } else {
        format!("{url}/")
    })
}

/// Fetches both published rater files and reads them in the worker.
pub fn load_published(explorer: Explorer) {
    explorer.evidence_error.set(None);
    let base = match base(explorer) {
        Ok(base) => base,
        Err(message) => {
            explorer.evidence_error.set(Some(message));
            PUBLISHED_BASE.to_string()
        }
    };
    spawn_local(async move {
        for name in ["scores.npz", "raters.npz"] {
            let shown = move |fraction| {
                explorer.evidence_progress.set(Some(Progress {
                    name: name.into(),
                    stage: "downloading".into(),
                    fraction,
                }))
            };
            shown(None);
            let url = format!("{base}{name}");
            let progress = |received: f64, total: Option<f64>| shown(total.map(|t| received / t));
            match crate::download::fetch(&url, name, None, &progress).await {
                Ok(file) => enqueue(explorer, file.into(), name.into(), true),
                Err(failure) => {
                    let message = failure.message().unwrap_or_default();
                    explorer.evidence_progress.set(None);
                    explorer
                        .evidence_error
                        .set(Some(format!("{name} could not be downloaded: {message}")));
                    return;
                }
            }
        }
    });
}

/// What a file given as predictions really is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A rater file (scores.npz, raters.npz, or one in their layout).
    Raters,
    /// A published relabeling, by its published name.
    Relabeling,
    /// Anything else: predictions or labels.
    Other,
}

/// Tells a rater file by its archive's directory (the arrays `info` and `tensor`, whose names
/// sit in the file's last bytes) and a relabeling by its published name.
pub async fn kind_of(file: &web_sys::File) -> Kind {
    let name = file.name();
    if name.ends_with("imagenet_mturk.json") || name.ends_with("_mistakes.json") {
        return Kind::Relabeling;
    }
    let size = file.size();
    if !name.ends_with(".npz") || size > 64e6 {
        return Kind::Other;
    }
    let Ok(tail) = file.slice_with_f64_and_f64((size - 4096.0).max(0.0), size) else {
        return Kind::Other;
    };
    let Ok(tail) = JsFuture::from(tail.array_buffer()).await else {
        return Kind::Other;
    };
    let tail = js_sys::Uint8Array::new(&tail).to_vec();
    let names = |n: &[u8]| tail.windows(n.len()).any(|w| w == n);
    if names(b"info.npy") && names(b"tensor.npy") {
        Kind::Raters
    } else {
        Kind::Other
    }
}

/// Reads rater files the user gave (one or both).
pub fn load_files(explorer: Explorer, files: Vec<web_sys::File>) {
    explorer.evidence_error.set(None);
    for file in files {
        let name = file.name();
        enqueue(explorer, file.into(), name, false);
    }
}

/// Cancels the rater file load under way.
pub fn cancel(explorer: Explorer) {
    QUEUE.with(|q| q.borrow_mut().clear());
    JOB.with(|j| j.borrow_mut().take());
    explorer.evidence_progress.set(None);
}

fn enqueue(explorer: Explorer, blob: web_sys::Blob, name: String, fetched: bool) {
    QUEUE.with(|q| q.borrow_mut().push((blob, name, fetched)));
    if JOB.with(|j| j.borrow().is_none()) {
        next(explorer);
    }
}

/// Starts the next queued file, if any.
fn next(explorer: Explorer) {
    let Some((blob, name, fetched)) = QUEUE.with(|q| {
        let mut q = q.borrow_mut();
        (!q.is_empty()).then(|| q.remove(0))
    }) else {
        explorer.evidence_progress.set(None);
        return;
    };
    let shown = name.clone();
    let job = Job::start_evidence(blob, move |event| match event {
        Event::Progress(stage, fraction) => explorer.evidence_progress.set(Some(Progress {
            name: shown.clone(),
            stage,
            fraction,
        })),
        Event::Evidence(file, published, grew) => {
            explorer.evidence_memory.update(|m| *m = m.max(grew));
            JOB.with(|j| j.borrow_mut().take());
            if fetched && !published {
                // What came from the published location must be the published file.
                explorer.evidence_error.set(Some(format!(
                    "{shown} was downloaded but is not the published file (its SHA-256 differs): it was not used."
                )));
            } else {
                settle(explorer, file, shown.clone(), published);
            }
            next(explorer);
        }
        Event::Failed(message) => {
            JOB.with(|j| j.borrow_mut().take());
            // Each file given says what was wrong with it; the others are still read.
            let line = format!("{}: {message}", shown.clone());
            explorer.evidence_error.update(|e| {
                *e = Some(match e.take() {
                    Some(before) => format!("{before} {line}"),
                    None => line,
                })
            });
            next(explorer);
        }
        Event::Abandoned => {
            JOB.with(|j| j.borrow_mut().take());
            QUEUE.with(|q| q.borrow_mut().clear());
            explorer.evidence_progress.set(None);
            explorer
                .evidence_error
                .set(Some(format!("{shown}: {}", crate::app::ABANDONED)));
        }
        Event::Done(..) => {
            JOB.with(|j| j.borrow_mut().take());
            QUEUE.with(|q| q.borrow_mut().clear());
            explorer.evidence_progress.set(None);
            explorer.evidence_error.set(Some(
                "the rater files are read in a background worker, and this browser could not start one"
                    .into(),
            ));
        }
    });
    match job {
        Some(job) => JOB.with(|j| *j.borrow_mut() = Some(job)),
        None => {
            explorer.evidence_progress.set(None);
            explorer.evidence_error.set(Some(
                "the rater files are read in a background worker, and this browser could not start one"
                    .into(),
            ));
        }
    }
}

/// Puts a read file into the hub: scores make new evidence (with votes waiting for them, if
/// any); votes join the evidence there is, or wait for its scores.
fn settle(explorer: Explorer, file: EvidenceFile, name: String, published: bool) {
    let data = explorer.data();
    let source = if published {
        "published".to_string()
    } else {
        name
    };
    let outcome = match file {
        EvidenceFile::Scores { .. } => Evidence::from_scores(
            file,
            Provenance {
                scores: source,
                scores_published: published,
                ..Provenance::default()
            },
        )
        .and_then(|mut evidence| {
            if let Some((votes, source, published)) = PENDING.with(|p| p.borrow_mut().take()) {
                evidence.attach_votes(&votes, source, published)?;
            }
            Ok(evidence)
        }),
        EvidenceFile::Raters { .. } => {
            let current = explorer.hub.with_untracked(|h| h.evidence.clone());
            match current {
                Some(current) => {
                    let mut evidence = (*current).clone();
                    evidence
                        .attach_votes(&file, source, published)
                        .map(|()| evidence)
                }
                None => {
                    PENDING.with(|p| *p.borrow_mut() = Some((file, source, published)));
                    return;
                }
            }
        }
    };
    match outcome {
        Ok(evidence) => {
            let blob = real_core::compact::encode_evidence(&evidence);
            explorer.hub.update(|h| h.set_evidence(&data, evidence));
            crate::keep::in_background(
                explorer,
                "The rater evidence could not be kept for your next visit",
                async move { crate::persist::save_evidence(&blob).await },
            );
        }
        Err(e) => explorer.evidence_error.set(Some(format!("{e}."))),
    }
}

/// Reads relabeling files the user gave; each is kept for later visits.
pub fn load_relabelings(explorer: Explorer, files: Vec<web_sys::File>) {
    explorer.relabel_error.set(None);
    for file in files {
        spawn_local(async move {
            let name = file.name();
            if let Err(e) = real_core::limits::check_file_size("relabeling", file.size() as u64) {
                explorer.relabel_error.set(Some(format!("{name}: {e}")));
                return;
            }
            match JsFuture::from(file.array_buffer()).await {
                Ok(buffer) => {
                    let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
                    add_relabeling(explorer, &name, &bytes, true);
                }
                Err(_) => explorer
                    .relabel_error
                    .set(Some(format!("{name}: the browser could not read the file"))),
            }
        });
    }
}

/// Fetches the published relabelings (from the link's `evidence=` folder instead, when it
/// names one: its files keep their published names).
pub fn load_published_relabelings(explorer: Explorer) {
    explorer.relabel_error.set(None);
    let folder = explorer
        .view
        .with_untracked(|v| v.evidence.is_some())
        .then(|| base(explorer).ok())
        .flatten();
    spawn_local(async move {
        let mut failed = Vec::new();
        for (what, published) in PUBLISHED_RELABELINGS {
            let name = published.rsplit('/').next().unwrap_or(published);
            let url = folder
                .as_ref()
                .map_or_else(|| published.to_string(), |f| format!("{f}{name}"));
            explorer.relabel_progress.set(Some(what.to_string()));
            let bytes = match crate::download::fetch(&url, name, None, &|_, _| {}).await {
                Ok(file) => JsFuture::from(file.array_buffer())
                    .await
                    .map(|buffer| js_sys::Uint8Array::new(&buffer).to_vec())
                    .map_err(|_| "the download broke off".to_string()),
                Err(failure) => Err(failure.message().unwrap_or_default()),
            };
            match bytes {
                Ok(bytes) => add_relabeling(explorer, name, &bytes, true),
                Err(message) => failed.push(format!("{what} ({message})")),
            }
        }
        explorer.relabel_progress.set(None);
        if !failed.is_empty() {
            explorer
                .relabel_error
                .set(Some(format!("Could not download {}.", failed.join("; "))));
        }
    });
}

/// Reads one relabeling file into the hub (and keeps it when `keep`).
pub fn add_relabeling(explorer: Explorer, name: &str, bytes: &[u8], keep: bool) {
    let data = explorer.data();
    match relabel::read(name, bytes) {
        Ok(relabeling) => {
            explorer.hub.update(|h| match relabeling {
                Relabeling::Crowd(mturk) => h.set_mturk(&data, mturk),
                Relabeling::Mistakes(mistakes) => h.add_mistakes(mistakes),
            });
            if keep {
                let (name, bytes) = (name.to_string(), bytes.to_vec());
                crate::keep::in_background(
                    explorer,
                    "A relabeling could not be kept for your next visit",
                    async move { crate::persist::save_relabeling(&name, &bytes).await },
                );
            }
        }
        Err(e) => explorer.relabel_error.set(Some(format!("{name}: {e}."))),
    }
}

/// Brings back what earlier visits kept: the evidence and the relabelings.
pub fn restore(explorer: Explorer) {
    spawn_local(async move {
        let Ok((evidence, relabelings)) = crate::persist::restore_extras().await else {
            // The models' restore already says why storage is unavailable.
            return;
        };
        if let Some(blob) = evidence {
            match real_core::compact::decode_evidence(&blob) {
                Ok(evidence) => {
                    let data = explorer.data();
                    explorer.hub.update(|h| h.set_evidence(&data, evidence));
                }
                Err(e) => explorer.evidence_error.set(Some(format!(
                    "the kept rater evidence could not be read ({e}); load it again"
                ))),
            }
        }
        for (name, bytes) in relabelings {
            add_relabeling(explorer, &name, &bytes, false);
        }
    });
}
