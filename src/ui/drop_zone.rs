//! Where a predictions file comes in: drop it or pick it. Progress and errors show here.

use crate::download::megabytes;
use crate::state::Explorer;
use leptos::ev::{DragEvent, Event};
use leptos::prelude::*;
use web_sys::HtmlInputElement;

/// A drop zone around a file input.
#[component]
pub fn DropZone(
    /// Called with the file the user dropped or picked.
    on_file: Callback<web_sys::File>,
    /// Stops the load under way.
    on_cancel: Callback<()>,
) -> impl IntoView {
    let explorer = expect_context::<Explorer>();
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
    let progress = move || {
        explorer.progress.get().map(|p| {
            let percent = p.fraction.map(|f| format!("{:.0}%", 100.0 * f));
            view! {
                <div class="progress" data-testid="load-status">
                    <span>{format!("{} {}… {}", p.stage, p.name, percent.clone().unwrap_or_default())}</span>
                    <div class="track" class:indeterminate=p.fraction.is_none()>
                        <div class="done" style:width=format!("{:.1}%", 100.0 * p.fraction.unwrap_or(1.0))></div>
                    </div>
                    <button data-testid="cancel-load" on:click=move |_| on_cancel.run(())>"cancel"</button>
                </div>
            }
        })
    };
    // The link's predictions downloading: bytes so far, of the total when the host says.
    let download = move || {
        explorer.download.get().map(|d| {
            let fraction = d.total.filter(|&t| t > 0.0).map(|t| d.received / t);
            let of_total = d
                .total
                .map(|t| format!(" of {}", megabytes(t)))
                .unwrap_or_default();
            view! {
                <div class="progress" data-testid="link-progress">
                    <span>{format!("downloading {}… {}{of_total}", d.name, megabytes(d.received))}</span>
                    <div class="track" class:indeterminate=fraction.is_none()>
                        <div class="done" style:width=format!("{:.1}%", 100.0 * fraction.unwrap_or(1.0))></div>
                    </div>
                    <button data-testid="link-cancel" on:click=move |_| crate::app::cancel_link_download()>
                        "cancel"
                    </button>
                </div>
            }
        })
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
            {download}
            {progress}
            {move || {
                explorer
                    .error
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
