//! The page: load predictions, then explore what the ReaL labels change about them.

use crate::load::{self, now_ms, Evaluation, LoadError};
use crate::state::{Explorer, Progress};
use crate::ui::{
    CasesPage, DatasetFactsPanel, DropZone, ImagePage, ImageSourcePanel, NavBar, Notices,
    PairsPage, ResultsPanel,
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
    let options = move || {
        let view = explorer.view.get_untracked();
        LoadOptions {
            order: view.order,
            convention: view.classes,
        }
    };
    let generation = StoredValue::new(0u64);
    let on_file = Callback::new(move |file: web_sys::File| {
        generation.update_value(|g| *g += 1);
        let mine = generation.get_value();
        // A file replaces a URL source: the link must no longer claim it.
        let mut view = explorer.view.get_untracked();
        if view.predictions.take().is_some() {
            explorer.navigate(view);
        }
        explorer.progress.set(Some(Progress {
            name: file.name(),
            stage: "reading".into(),
            fraction: Some(0.0),
        }));
        spawn_local(async move {
            let name = file.name();
            let read = load::read_file(&file, |fraction| {
                if generation.get_value() == mine {
                    explorer.progress.set(Some(Progress {
                        name: name.clone(),
                        stage: "reading".into(),
                        fraction: Some(fraction),
                    }));
                }
            })
            .await;
            if generation.get_value() != mine {
                return; // cancelled or replaced
            }
            explorer.progress.set(Some(Progress {
                name: name.clone(),
                stage: "evaluating".into(),
                fraction: None,
            }));
            load::next_frame().await;
            let result = read.and_then(|bytes| {
                load::evaluate(&explorer.data(), name, Arc::new(bytes), options())
            });
            if generation.get_value() == mine {
                settle(result);
            }
        });
    });
    let on_cancel = Callback::new(move |_| {
        generation.update_value(|g| *g += 1);
        explorer.progress.set(None);
    });
    let on_reread = Callback::new(move |options: LoadOptions| {
        if let Some(current) = explorer.evaluation.get_untracked() {
            let mut view = explorer.view.get_untracked();
            view.order = options.order;
            view.classes = options.convention;
            settle(load::evaluate(
                &explorer.data(),
                current.file_name.clone(),
                current.bytes.clone(),
                options,
            ));
            explorer.navigate(view);
        }
    });
    // Predictions named by the link load from their URL.
    if let Some(url) = explorer.view.get_untracked().predictions {
        generation.update_value(|g| *g += 1);
        let mine = generation.get_value();
        explorer.progress.set(Some(Progress {
            name: url.clone(),
            stage: "downloading".into(),
            fraction: None,
        }));
        spawn_local(async move {
            let result = match load::fetch(&url).await {
                Ok(bytes) => {
                    let name = url.rsplit('/').next().unwrap_or(&url).to_string();
                    load::evaluate(&explorer.data(), name, Arc::new(bytes), options())
                }
                Err(error) => Err(error),
            };
            if generation.get_value() == mine {
                settle(result);
            }
        });
    }
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
