//! Where a predictions file comes in: drop it or pick it.

use crate::load::LoadError;
use leptos::ev::{DragEvent, Event};
use leptos::prelude::*;
use web_sys::HtmlInputElement;

/// A drop zone around a file input. Errors show here, next to where the user acted.
#[component]
pub fn DropZone(
    /// Called with the file the user dropped or picked.
    on_file: Callback<web_sys::File>,
    /// The name of the file being read, while it is read.
    busy: ReadSignal<Option<String>>,
    /// The last failed load.
    error: ReadSignal<Option<LoadError>>,
) -> impl IntoView {
    let hovering = RwSignal::new(false);
    let on_change = move |ev: Event| {
        let input: HtmlInputElement = event_target(&ev);
        if let Some(file) = input.files().and_then(|files| files.get(0)) {
            on_file.run(file);
        }
        // Clearing lets the same file be picked again after it is fixed on disk.
        input.set_value("");
    };
    let on_drop = move |ev: DragEvent| {
        ev.prevent_default();
        hovering.set(false);
        if let Some(file) = ev
            .data_transfer()
            .and_then(|d| d.files())
            .and_then(|files| files.get(0))
        {
            on_file.run(file);
        }
    };
    view! {
        <section
            class="drop-zone"
            class:hovering=move || hovering.get()
            data-testid="drop-zone"
            on:dragover=move |ev: DragEvent| {
                ev.prevent_default();
                hovering.set(true);
            }
            on:dragleave=move |_| hovering.set(false)
            on:drop=on_drop
        >
            <label class="pick">
                <span class="pick-title">"Drop a predictions file here, or "<u>"choose one"</u></span>
                <input type="file" data-testid="predictions-input" on:change=on_change />
            </label>
            <p class="formats">
                ".npy / .npz (top-1, top-k or 1000/1001-column logits) · timm CSV/TSV/JSON · "
                "Hugging Face pipeline JSON · “file index” lines · devkit submissions. "
                "Row order and class numbering are detected."
            </p>
            {move || busy.get().map(|name| view! { <p class="status" data-testid="load-status">"Reading " {name} "…"</p> })}
            {move || {
                error
                    .get()
                    .map(|e| {
                        view! {
                            <p class="error" role="alert" data-testid="load-error">
                                <strong>{e.file_name} " could not be read. "</strong>
                                {e.message}
                            </p>
                        }
                    })
            }}
        </section>
    }
}
