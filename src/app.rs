//! The page: load predictions, then explore what the ReaL labels change about them.

use crate::evaluator::{Event as WorkerEvent, Job};
use crate::load::{self, now_ms, Evaluation, LoadError};
use crate::state::{Explorer, Progress};
use crate::ui::{
    CasesPage, DatasetFactsPanel, DropZone, ImagePage, ImageSourcePanel, NavBar, Notices,
    PairsPage, PublishedMap, ResultsPanel, UserModelPoint,
};
use leptos::prelude::*;
use leptos::task::spawn_local;
use real_core::{Dataset, LoadOptions, Page};
use std::sync::Arc;

/// The whole page.
#[component]
pub fn App() -> impl IntoView {
    let started = now_ms();
    let dataset = match Dataset::embedded() {
        Ok(dataset) => Arc::new(dataset),
        Err(error) => {
            return view! { <p class="fatal">"The embedded ImageNet data is damaged: " {error.to_string()}</p> }.into_any()
        }
    };
    let decode_ms = now_ms() - started;
    let facts = dataset.facts();
    let explorer = Explorer::new(dataset);
    provide_context(explorer);
    explorer.listen_to_history();

    let settle = move |result: Result<Evaluation, LoadError>| {
        explorer.progress.set(None);
        match result {
            Ok(evaluation) => {
                explorer.evaluation.set(Some(evaluation));
                explorer.error.set(None);
            }
            Err(error) => explorer.error.set(Some(error)),
        }
    };
    // The file on screen (to re-read it with another reading) and the load under way.
    let current_file = StoredValue::new_local(None::<web_sys::File>);
    let job = StoredValue::new_local(None::<Job>);
    let generation = StoredValue::new(0u64);
    let start = move |file: web_sys::File, options: LoadOptions| {
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
            move || {
                // No worker here: read and evaluate on the page, still with progress.
                let (file, name) = (file.clone(), name.clone());
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
        let on_page_too = on_page.clone();
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
                WorkerEvent::Unavailable => on_page_too(),
            }
        });
        match started {
            Some(started) => job.set_value(Some(started)),
            None => on_page(),
        }
    };
    let options = move || {
        let view = explorer.view.get_untracked();
        LoadOptions {
            order: view.order,
            convention: view.classes,
        }
    };
    let on_file = Callback::new(move |file: web_sys::File| {
        // A file replaces a URL source: the link must no longer claim it.
        let mut view = explorer.view.get_untracked();
        if view.predictions.take().is_some() {
            explorer.navigate(view);
        }
        current_file.set_value(Some(file.clone()));
        start(file, options());
    });
    let on_cancel = Callback::new(move |_| {
        job.update_value(|j| *j = None);
        generation.update_value(|g| *g += 1);
        explorer.progress.set(None);
    });
    let on_reread = Callback::new(move |options: LoadOptions| {
        if let Some(file) = current_file.get_value() {
            let mut view = explorer.view.get_untracked();
            view.order = options.order;
            view.classes = options.convention;
            explorer.navigate(view);
            start(file, options);
        }
    });
    // Predictions named by the link load from their URL.
    if let Some(url) = explorer.view.get_untracked().predictions {
        explorer.progress.set(Some(Progress {
            name: url.clone(),
            stage: "downloading".into(),
            fraction: None,
        }));
        spawn_local(async move {
            match load::fetch(&url).await {
                Ok(bytes) => {
                    let name = url.rsplit('/').next().unwrap_or(&url).to_string();
                    match load::file_from_bytes(&bytes, &name) {
                        Some(file) => {
                            current_file.set_value(Some(file.clone()));
                            start(file, options());
                        }
                        None => settle(load::evaluate(&explorer.data(), name, &bytes, options())),
                    }
                }
                Err(error) => settle(Err(error)),
            }
        });
    }
    // A worker started now is ready when the first file arrives.
    crate::evaluator::warm_up();
    let page = move || explorer.view.with(|v| v.page);
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
            <Notices />
            {move || match page() {
                Page::Overview => view! {
                    <DropZone on_file=on_file on_cancel=on_cancel />
                    <ImageSourcePanel />
                    <ResultsPanel evaluation=explorer.evaluation.read_only() on_reread=on_reread />
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
                Page::Published => {
                    let models = Signal::derive(move || {
                        explorer.evaluation.with(|e| e.iter().filter_map(UserModelPoint::of).collect())
                    });
                    view! {
                        <DropZone on_file=on_file on_cancel=on_cancel />
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
