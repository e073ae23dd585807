//! The page: load predictions, then explore what the ReaL labels change about them.

use crate::evaluator::{Event as WorkerEvent, Job};
use crate::load::{self, Evaluation, LoadError};
use crate::state::{Download, Explorer, Progress};
use crate::ui::{
    CasesPage, ComparePage, DatasetFactsPanel, DropZone, EvidencePanel, ImagePage,
    ImageSourcePanel, LabelOffer, LabelSetsPanel, LeaderboardPage, MissingModels, NavBar, Notices,
    PairsPage, PublishedMap, ResultsPanel, ThresholdControl, UserModelPoint, Workspace,
};
use leptos::prelude::*;
use leptos::task::spawn_local;
use real_core::view::ModelRef;
use real_core::{Dataset, LoadOptions, Page};
use std::sync::Arc;

/// Why a load stopped when another file took the worker.
pub const ABANDONED: &str =
    "stopped because another file was given to the page meanwhile; give it again";

thread_local! {
    /// Aborts the download of the link's predictions while it runs.
    static LINK_DOWNLOAD: std::cell::RefCell<Option<web_sys::AbortController>> =
        const { std::cell::RefCell::new(None) };
}

/// Cancels the download of the link's predictions, if one runs; what was loaded before stays.
pub fn cancel_link_download() {
    if let Some(controller) = LINK_DOWNLOAD.with(|d| d.borrow_mut().take()) {
        controller.abort();
    }
}

/// The whole page: a short wait while the ImageNet data downloads, then the explorer.
#[component]
pub fn App() -> impl IntoView {
    let data = RwSignal::new(None::<Result<crate::data::Loaded, String>>);
    let fetch = move || {
        data.set(None);
        spawn_local(async move { data.set(Some(crate::data::load().await)) });
    };
    fetch();
    move || match data.get() {
        None => view! {
            <p class="data-loading" data-testid="data-loading">"Loading the ImageNet labels…"</p>
        }
        .into_any(),
        Some(Ok(loaded)) => {
            view! { <Explore dataset=loaded.dataset decode_ms=loaded.decode_ms /> }.into_any()
        }
        Some(Err(message)) => view! {
            <div class="fatal" data-testid="data-error">
                <p>{message}</p>
                <button data-testid="data-retry" on:click=move |_| fetch()>
                    "Try again"
                </button>
            </div>
        }
        .into_any(),
    }
}

/// The explorer over the decoded data.
#[component]
fn Explore(dataset: Arc<Dataset>, decode_ms: f64) -> impl IntoView {
    let facts = dataset.facts();
    let explorer = Explorer::new(dataset);
    provide_context(explorer);
    explorer.listen_to_history();
    // What earlier visits loaded comes back first.
    crate::keep::restore(explorer);
    crate::evidence::restore(explorer);
    // The document title names the view, for tabs, bookmarks and screen readers.
    Effect::new(move |_| {
        let model = explorer
            .evaluation
            .with(|e| e.as_ref().map(|e| e.name.clone()));
        let title = explorer
            .view
            .with(|v| real_core::title::title(v, model.as_deref()));
        document().set_title(&title);
    });
    // The hub's ReaL follows the view's threshold once there is evidence to rebuild it from.
    let has_evidence = Memo::new(move |_| explorer.hub.with(|h| h.evidence.is_some()));
    Effect::new(move |_| {
        let t = explorer.view.with(|v| v.threshold);
        if has_evidence.get() && explorer.hub.with_untracked(|h| h.threshold != t) {
            let data = explorer.data();
            explorer.hub.update(|h| {
                h.set_threshold(&data, t);
            });
        }
    });

    // Each model's file, to re-read it with another reading; and the load under way.
    let files = StoredValue::new_local(Vec::<(u32, web_sys::File)>::new());
    let job = StoredValue::new_local(None::<Job>);
    let generation = StoredValue::new(0u64);
    let start = move |file: web_sys::File, options: LoadOptions, replacing: Option<u32>| {
        let settle = {
            let file = file.clone();
            move |result: Result<Evaluation, LoadError>| {
                explorer.progress.set(None);
                match result {
                    Ok(evaluation) => {
                        let mut id = 0;
                        // A re-read replaces the model, and its kept copy.
                        let old_record = replacing.and_then(|old| {
                            explorer.hub.with_untracked(|h| {
                                h.models.iter().find(|m| m.id == old).and_then(|m| m.stored)
                            })
                        });
                        crate::keep::forget_model(explorer, old_record);
                        explorer
                            .hub
                            .update(|h| id = h.add_model(evaluation, replacing));
                        crate::keep::keep_model(explorer, id);
                        files.update_value(|f| {
                            if let Some(old) = replacing {
                                f.retain(|(id, _)| *id != old);
                            }
                            f.push((id, file.clone()));
                        });
                        // The new model goes on screen.
                        let name = explorer.hub.with_untracked(|h| {
                            h.models.iter().find(|m| m.id == id).map(|m| m.name.clone())
                        });
                        if let Some(name) = name {
                            let mut view = explorer.view.get_untracked();
                            if view.page == Page::Overview {
                                view.models = vec![ModelRef::named(name)];
                                explorer.navigate(view);
                            }
                        }
                        explorer.error.set(None);
                    }
                    Err(error) => explorer.error.set(Some(error)),
                }
            }
        };
        job.update_value(|j| *j = None);
        generation.update_value(|g| *g += 1);
        let mine = generation.get_value();
        let name = file.name();
        let size = file.size();
        let current = move || generation.get_value() == mine;
        explorer.progress.set(Some(Progress {
            name: name.clone(),
            stage: "starting".into(),
            fraction: None,
        }));
        let on_page = {
            let file = file.clone();
            let name = name.clone();
            let settle = settle.clone();
            move || {
                // No worker can run in this browser (decided before any file was given to one):
                // read and evaluate on the page, still with progress.
                let (file, name, settle) = (file.clone(), name.clone(), settle.clone());
                spawn_local(async move {
                    let read = load::read_file(&file, |fraction| {
                        if current() {
                            explorer.progress.set(Some(Progress {
                                name: name.clone(),
                                stage: "reading".into(),
                                fraction: Some(fraction),
                            }));
                        }
                    })
                    .await;
                    if !current() {
                        return;
                    }
                    explorer.progress.set(Some(Progress {
                        name: name.clone(),
                        stage: "evaluating".into(),
                        fraction: None,
                    }));
                    load::next_frame().await;
                    let result = read
                        .and_then(|bytes| load::evaluate(&explorer.data(), name, &bytes, options));
                    if current() {
                        settle(result);
                    }
                });
            }
        };
        let started = Job::start(file, options, move |event| {
            if !current() {
                return;
            }
            match event {
                WorkerEvent::Progress(stage, fraction) => explorer.progress.set(Some(Progress {
                    name: name.clone(),
                    stage,
                    fraction,
                })),
                WorkerEvent::Done(predictions, elapsed_ms) => settle(Ok(load::finish(
                    &explorer.data(),
                    name.clone(),
                    size,
                    options,
                    predictions,
                    elapsed_ms,
                    true,
                ))),
                WorkerEvent::Failed(message) => settle(Err(LoadError {
                    file_name: name.clone(),
                    message,
                })),
                WorkerEvent::Abandoned => settle(Err(LoadError {
                    file_name: name.clone(),
                    message: ABANDONED.into(),
                })),
                WorkerEvent::Evidence(..) => {}
            }
        });
        match started {
            Some(started) => job.set_value(Some(started)),
            None => on_page(),
        }
    };
    // A reading imposed by the link applies to the predictions the link names, and only there:
    // each model keeps its own reading.
    let link_options = move || {
        let view = explorer.view.get_untracked();
        LoadOptions {
            order: view.order,
            convention: view.classes,
        }
    };
    let routed = move |file: &web_sys::File, what: &str| {
        explorer.notices.update(|n| {
            n.push(format!(
                "{} is {what}, not predictions: it is read into “What the raters said” on the overview.",
                file.name()
            ))
        });
    };
    let on_file = Callback::new(move |file: web_sys::File| {
        // A file is not the URL source: the link must no longer claim it, nor its download
        // replace the file when it ends.
        cancel_link_download();
        let mut view = explorer.view.get_untracked();
        if view.predictions.take().is_some() {
            view.order = None;
            view.classes = None;
            explorer.navigate(view);
        }
        // A file whose content proves it holds labels (lists of different lengths, empty
        // lists) is offered as labels instead; anything else is predictions.
        spawn_local(async move {
            // The raters' files and the published relabelings go where they belong.
            match crate::evidence::kind_of(&file).await {
                crate::evidence::Kind::Raters => {
                    explorer.error.set(None);
                    routed(&file, "rater evidence");
                    return crate::evidence::load_files(explorer, vec![file]);
                }
                crate::evidence::Kind::Relabeling => {
                    explorer.error.set(None);
                    routed(&file, "a relabeling");
                    return crate::evidence::load_relabelings(explorer, vec![file]);
                }
                crate::evidence::Kind::Other => {}
            }
            if crate::ui::proves_labels(&file).await {
                explorer.error.set(None);
                explorer.label_offer.set(Some(file));
            } else {
                explorer.label_offer.set(None);
                start(file, LoadOptions::default(), None);
            }
        });
    });
    let as_predictions = Callback::new(move |file: web_sys::File| {
        explorer.label_offer.set(None);
        start(file, LoadOptions::default(), None);
    });
    let on_cancel = Callback::new(move |_| {
        job.update_value(|j| *j = None);
        generation.update_value(|g| *g += 1);
        explorer.progress.set(None);
    });
    // "Forget all" cancels a load under way: what arrives after it would be kept again.
    Effect::new(move |seen: Option<u32>| {
        let now = explorer.forgotten.get();
        if seen.is_some_and(|seen| seen != now) {
            on_cancel.run(());
            cancel_link_download();
        }
        now
    });
    let on_reread = Callback::new(move |(id, options): (u32, LoadOptions)| {
        if let Some(file) = files.with_value(|f| {
            f.iter()
                .find(|(model, _)| *model == id)
                .map(|(_, file)| file.clone())
        }) {
            start(file, options, Some(id));
        }
    });
    let download = RwSignal::new(None::<Download>);
    // Predictions named by the link load from their URL (see `download` for what a link may
    // name); whatever was loaded before stays as it was if the download fails or is cancelled.
    if let Some(url) = explorer.view.get_untracked().predictions {
        spawn_local(async move {
            let name = crate::download::file_name(&url);
            let controller = web_sys::AbortController::new().ok();
            LINK_DOWNLOAD.with(|d| *d.borrow_mut() = controller.clone());
            let shown = |received, total| {
                download.set(Some(Download {
                    name: name.clone(),
                    received,
                    total,
                }))
            };
            shown(0.0, None);
            let result = crate::download::fetch(&url, &name, controller.as_ref(), &shown).await;
            LINK_DOWNLOAD.with(|d| d.borrow_mut().take());
            download.set(None);
            match result {
                Ok(file) => start(file, link_options(), None),
                Err(failure) => {
                    if let Some(message) = failure.message() {
                        explorer.error.set(Some(LoadError {
                            file_name: url,
                            message,
                        }));
                    }
                }
            }
        });
    }
    // A worker started now is ready when the first file arrives.
    crate::evaluator::warm_up();
    // A memo: the page is rebuilt when it changes, not at every change of the view (a
    // threshold step, a filter), which its components follow on their own.
    let page = Memo::new(move |_| explorer.view.with(|v| v.page));
    // Another page starts at its top, as a new document would (the case list then brings
    // back the row it was left at).
    Effect::new(move |previous: Option<Page>| {
        let now = page.get();
        if previous.is_some_and(|p| p != now) {
            window().scroll_to_with_x_and_y(0.0, 0.0);
        }
        now
    });
    view! {
        <header class="masthead">
            <div class="brand">
                <h1>"ReaL Explorer"</h1>
                <p class="tagline">
                    "What ImageNet's reassessed labels (Beyer et al., 2020) say about your model. "
                    "Everything runs in this page: your file is never uploaded."
                </p>
            </div>
            <NavBar />
        </header>
        <main>
            // A model arriving is said to a screen reader, with its two headline figures.
            <p class="sr" role="status" data-testid="load-announce">
                {move || explorer.evaluation.with(|e| e.as_ref().map(|e| {
                    let figure = |a: Option<&real_core::metrics::Accuracy>| {
                        a.and_then(|a| a.fraction).map(crate::text::percent).unwrap_or_else(|| "—".into())
                    };
                    format!(
                        "{} on screen: ReaL top-1 {}, original top-1 {}.",
                        e.name,
                        figure(e.report.real(1)),
                        figure(e.report.original(1))
                    )
                }))}
            </p>
            <Notices />
            <MissingModels />
            {move || match page.get() {
                Page::Overview => view! {
                    <DropZone on_file=on_file on_cancel=on_cancel download=download />
                    <LabelOffer on_predictions=as_predictions />
                    <ImageSourcePanel />
                    <Workspace />
                    <ResultsPanel evaluation=explorer.evaluation on_reread=on_reread />
                    <EvidencePanel />
                    <LabelSetsPanel />
                    <DatasetFactsPanel facts=facts.clone() decode_ms=decode_ms />
                }
                .into_any(),
                Page::Cases => view! {
                    <ImageSourcePanel />
                    <CasesPage
                        title="Cases"
                        intro="Every validation image, with its original label, its ReaL labels and the model's top-5. Green chips count under ReaL; the outlined chip is the original label."
                    />
                }
                .into_any(),
                Page::Multi => view! {
                    <ImageSourcePanel />
                    <CasesPage
                        title="Multi-object images"
                        intro="Images with several valid labels. Labels joined by ≈ are near-duplicate names of one object (sunglass ≈ sunglasses); separate chips are distinct objects (desk, monitor, keyboard)."
                    />
                }
                .into_any(),
                Page::Image => view! { <ImagePage /> }.into_any(),
                Page::Pairs => view! { <PairsPage /> }.into_any(),
                Page::Leaderboard => view! { <ThresholdControl /> <LeaderboardPage /> }.into_any(),
                Page::Compare => view! { <ComparePage /> }.into_any(),
                Page::Published => {
                    let models = Signal::derive(move || {
                        explorer.hub.with(|h| h.models.iter().filter_map(UserModelPoint::of).collect())
                    });
                    view! {
                        <DropZone on_file=on_file on_cancel=on_cancel download=download />
                        <PublishedMap models=models />
                    }
                    .into_any()
                }
            }}
        </main>
        <footer>
            "ReaL labels: Beyer et al., “Are we done with ImageNet?” (2020), Apache-2.0. "
            "ReaL accuracy counts a top-1 prediction correct when it is in the image's label set; "
            "images with an empty set are left out."
        </footer>
    }
    .into_any()
}
