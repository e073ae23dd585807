//! Where a predictions file comes in: drop it or pick it. Progress and errors show here.

use crate::download::megabytes;
use crate::state::{Download, Explorer};
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
    /// The download of the link's predictions, while it runs.
    download: RwSignal<Option<Download>>,
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
        let Some(files) = ev.data_transfer().and_then(|d| d.files()) else {
            return;
        };
        if files.length() > 1 {
            // One predictions file is read at a time; say so rather than drop the rest quietly.
            let left: Vec<String> = (1..files.length().min(4))
                .filter_map(|i| files.get(i).map(|f| f.name()))
                .collect();
            let more = files.length().saturating_sub(4);
            explorer.notices.update(|n| {
                n.push(real_core::error::one_line(&format!(
                    "{} files were dropped; one is read at a time, so only {} was: drop the others one by one (left out: {}{})",
                    files.length(),
                    files.get(0).map(|f| f.name()).unwrap_or_default(),
                    left.join(", "),
                    if more > 0 { format!(" and {more} more") } else { String::new() }
                )))
            });
        }
        if let Some(file) = files.get(0) {
            on_file.run(file);
        }
    };
    let progress = move || {
        explorer.progress.get().map(|p| {
            let percent = p.fraction.map(|f| format!("{:.0}%", 100.0 * f));
            let text = format!("{} {}… {}", p.stage, p.name, percent.unwrap_or_default());
            progress_bar("load-status", text, p.fraction, "cancel-load", on_cancel)
        })
    };
    // The link's predictions downloading: bytes so far, of the total when the host says.
    let download = move || {
        download.get().map(|d| {
            let fraction = d.total.filter(|&t| t > 0.0).map(|t| d.received / t);
            let of_total = d
                .total
                .map(|t| format!(" of {}", megabytes(t)))
                .unwrap_or_default();
            let text = format!(
                "downloading {}… {}{of_total}",
                d.name,
                megabytes(d.received)
            );
            let cancel = Callback::new(|_| crate::app::cancel_link_download());
            progress_bar("link-progress", text, fraction, "link-cancel", cancel)
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

/// A task under way: what it is doing, a bar (moving without end when the fraction is not
/// known) and a cancel button. One piece of code for every progress bar on the page.
pub fn progress_bar(
    testid: &'static str,
    text: String,
    fraction: Option<f64>,
    cancel_testid: &'static str,
    on_cancel: Callback<()>,
) -> AnyView {
    view! {
        <div class="progress" role="status" data-testid=testid>
            <span>{text}</span>
            <div class="track" class:indeterminate=fraction.is_none()>
                <div class="done" style:width=format!("{:.1}%", 100.0 * fraction.unwrap_or(1.0))></div>
            </div>
            <button data-testid=cancel_testid on:click=move |_| on_cancel.run(())>"cancel"</button>
        </div>
    }
    .into_any()
}
