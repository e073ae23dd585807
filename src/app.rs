//! The page: load a predictions file, see ReaL beside original accuracy.

use crate::load::{self, now_ms, Evaluation, LoadError};
use crate::ui::{DatasetFactsPanel, DropZone, ResultsPanel};
use leptos::prelude::*;
use leptos::task::spawn_local;
use real_core::{Dataset, LoadOptions};
use std::sync::Arc;

/// What the page knows: the embedded data, the current evaluation and the last error.
#[derive(Clone, Copy)]
pub struct PageState {
    /// The evaluation on screen; kept when a later load fails.
    pub evaluation: RwSignal<Option<Evaluation>>,
    /// The last failed load, shown by the drop zone until the next success.
    pub error: RwSignal<Option<LoadError>>,
    /// The name of the file being read, while it is read.
    pub busy: RwSignal<Option<String>>,
}

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
    let state = PageState {
        evaluation: RwSignal::new(None),
        error: RwSignal::new(None),
        busy: RwSignal::new(None),
    };
    let settle = move |result: Result<Evaluation, LoadError>| match result {
        Ok(evaluation) => {
            state.evaluation.set(Some(evaluation));
            state.error.set(None);
        }
        Err(error) => state.error.set(Some(error)),
    };
    let on_file = {
        let dataset = dataset.clone();
        Callback::new(move |file: web_sys::File| {
            let dataset = dataset.clone();
            state.busy.set(Some(file.name()));
            spawn_local(async move {
                let name = file.name();
                let result = match load::read_file(&file).await {
                    Ok(bytes) => {
                        load::evaluate(&dataset, name, Arc::new(bytes), LoadOptions::default())
                    }
                    Err(error) => Err(error),
                };
                state.busy.set(None);
                settle(result);
            });
        })
    };
    let on_reread = {
        let dataset = dataset.clone();
        Callback::new(move |options: LoadOptions| {
            if let Some(current) = state.evaluation.get_untracked() {
                settle(load::evaluate(
                    &dataset,
                    current.file_name.clone(),
                    current.bytes.clone(),
                    options,
                ));
            }
        })
    };
    let decode_ms = now_ms() - started;
    let facts = dataset.facts();
    view! {
        <header class="masthead">
            <h1>"ReaL Explorer"</h1>
            <p class="tagline">
                "What ImageNet's reassessed labels (Beyer et al., 2020) say about your model. "
                "Everything runs in this page: your file is never uploaded."
            </p>
        </header>
        <main>
            <DropZone on_file=on_file busy=state.busy.read_only() error=state.error.read_only() />
            <ResultsPanel evaluation=state.evaluation.read_only() on_reread=on_reread />
            <DatasetFactsPanel facts=facts decode_ms=decode_ms />
        </main>
        <footer>
            "ReaL labels: Beyer et al., “Are we done with ImageNet?” (2020), Apache-2.0. "
            "ReaL accuracy counts a top-1 prediction correct when it is in the image's label set; "
            "images with an empty set are left out."
        </footer>
    }
    .into_any()
}
