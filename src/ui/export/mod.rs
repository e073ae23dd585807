//! Export controls: the filtered cases (CSV, JSON, a contact sheet PNG) and the per-class
//! table (CSV, JSON). The formatting is `real_core::export`'s; this is buttons and downloads.

mod save;

use crate::images::ImageSource;
use crate::sheet::{self, layout};
use crate::state::Explorer;
use crate::text::count;
use leptos::prelude::*;
use leptos::task::spawn_local;
use real_core::export::{
    file_name, filter_slug, filter_text, CasesExport, Header, LabelSetInfo, ModelInfo,
    PerClassExport,
};
use real_core::labels::{LabelSet, ORIGINAL, REAL};
use real_core::scores::Score;
use save::save;
use std::sync::Arc;

/// What every export says about where it came from: the model on screen, the label sets,
/// the threshold and the view.
fn header(explorer: &Explorer, keys: &[&str]) -> Header {
    let model = explorer.evaluation.get_untracked().map(|e| ModelInfo {
        name: e.name.clone(),
        file: e.file_name.clone(),
        format: e.predictions.format.clone(),
        k: e.predictions.k,
    });
    explorer.hub.with_untracked(|hub| Header {
        model,
        label_sets: keys
            .iter()
            .map(|key| LabelSetInfo {
                key: (*key).to_string(),
                name: hub
                    .label_set(key)
                    .map_or_else(|| (*key).to_string(), |l| l.name.clone()),
            })
            .collect(),
        threshold: hub.threshold,
        view: explorer.view.get_untracked().to_string(),
    })
}

fn model_name(explorer: &Explorer) -> Option<String> {
    explorer.evaluation.get_untracked().map(|e| e.name)
}

/// The ReaL set every view uses (rebuilt at the view's threshold when the raters' scores are
/// loaded).
fn real_set(explorer: &Explorer) -> Arc<LabelSet> {
    explorer
        .hub
        .with_untracked(|hub| hub.label_set(REAL).map(|l| l.set.clone()))
        .unwrap_or_else(|| Arc::new(LabelSet::real(&explorer.data())))
}

/// Keeps Enter on a control from reaching the case list's keys (where Enter opens a case).
fn keep_enter(ev: leptos::ev::KeyboardEvent) {
    if ev.key() == "Enter" || ev.key() == " " {
        ev.stop_propagation();
    }
}

/// The cases' export buttons, beside the filter summary: CSV and JSON of every filtered case,
/// and a contact sheet of the first [`layout::MAX_CASES`] when images are available.
#[component]
pub fn ExportBar() -> impl IntoView {
    let explorer = expect_context::<Explorer>();
    let status = RwSignal::new(String::new());
    let making = RwSignal::new(false);
    let has_images = move || explorer.images.with(|s| !matches!(s, ImageSource::None));
    let text_file = move |extension: &'static str| {
        let cases = explorer.cases.get_untracked();
        let evaluation = explorer.evaluation.get_untracked();
        let data = explorer.data();
        let real = real_set(&explorer);
        let header = header(&explorer, &[REAL, ORIGINAL]);
        let export = CasesExport {
            dataset: &data,
            real: &real,
            predictions: evaluation.as_ref().map(|e| e.predictions.as_ref()),
            cases: &cases,
            header: &header,
        };
        let (text, mime) = if extension == "csv" {
            (export.csv(), "text/csv;charset=utf-8")
        } else {
            (export.json(), "application/json")
        };
        let view = explorer.view.get_untracked();
        let name = file_name(
            "cases",
            model_name(&explorer).as_deref(),
            &filter_slug(&view),
            extension,
        );
        status.set(match save(&name, mime, text.as_bytes()) {
            Ok(()) => format!("saved {name} ({} cases)", count(cases.len())),
            Err(e) => format!("could not save: {e}"),
        });
    };
    let contact_sheet = move || {
        if making.get_untracked() {
            return;
        }
        let cases = explorer.cases.get_untracked();
        let evaluation = explorer.evaluation.get_untracked();
        let data = explorer.data();
        let real = real_set(&explorer);
        let header = header(&explorer, &[REAL, ORIGINAL]);
        let shown = &cases[..cases.len().min(layout::MAX_CASES)];
        let export = CasesExport {
            dataset: &data,
            real: &real,
            predictions: evaluation.as_ref().map(|e| e.predictions.as_ref()),
            cases: shown,
            header: &header,
        };
        let records: Vec<_> = shown.iter().map(|c| export.record(c)).collect();
        let view = explorer.view.get_untracked();
        let filter = filter_slug(&view);
        let title = layout::Title {
            model: model_name(&explorer),
            real_name: header
                .label_sets
                .first()
                .map_or_else(|| "ReaL".into(), |s| s.name.clone()),
            filter: filter_text(&view),
            total: cases.len(),
        };
        let sheet_layout = layout::layout(&records, &title);
        let images: Vec<_> = explorer.images.with_untracked(|source| {
            shown
                .iter()
                .map(|c| sheet::locate(source, &data, c.image))
                .collect()
        });
        let name = file_name("cases", model_name(&explorer).as_deref(), &filter, "png");
        let total = shown.len();
        making.set(true);
        status.set(format!("making the sheet: 0 of {total} images"));
        spawn_local(async move {
            let made = sheet::make(&sheet_layout, images, |done| {
                status.set(format!("making the sheet: {done} of {total} images"));
            })
            .await;
            status.set(
                match made.and_then(|s| save(&name, "image/png", &s.png).map(|()| s)) {
                    Ok(s) if s.missing > 0 => format!(
                        "saved {name} ({} cases; {} images not in the source or unreadable)",
                        s.shown, s.missing
                    ),
                    Ok(s) => format!("saved {name} ({} cases)", s.shown),
                    Err(e) => format!("could not make the sheet: {e}"),
                },
            );
            making.set(false);
        });
    };
    let sheet_label = format!("Contact sheet (PNG, first {})", layout::MAX_CASES);
    view! {
        <div class="export-bar" role="group" aria-label="Export the filtered cases" on:keydown=keep_enter>
            <span class="export-what">"Export the filtered cases:"</span>
            <button data-testid="export-csv" aria-label="Download the filtered cases as CSV" title="every filtered case, one row each" on:click=move |_| text_file("csv")>"CSV"</button>
            <button data-testid="export-json" aria-label="Download the filtered cases as JSON" title="every filtered case, with the model, label sets and view" on:click=move |_| text_file("json")>"JSON"</button>
            <button
                data-testid="export-sheet"
                aria-describedby=move || (!has_images()).then_some("export-sheet-why")
                disabled=move || !has_images() || making.get()
                on:click=move |_| contact_sheet()
            >
                {sheet_label}
            </button>
            {move || (!has_images()).then(|| view! {
                <span id="export-sheet-why" class="hint" data-testid="export-sheet-why">
                    "contact sheet: add images first (folder, tar or URL template, under Images)"
                </span>
            })}
            <span class="export-status" role="status" data-testid="export-status">{move || status.get()}</span>
        </div>
    }
}

/// The per-class table's export buttons: all 1,000 classes in class order, as CSV or JSON.
#[component]
pub fn PerClassExportBar(
    /// The model's figures under the first label set.
    first: Arc<Score>,
    /// Under the second.
    second: Arc<Score>,
) -> impl IntoView {
    let explorer = expect_context::<Explorer>();
    let status = RwSignal::new(String::new());
    let download = move |extension: &'static str| {
        let data = explorer.data();
        let header = header(&explorer, &[&first.labels, &second.labels]);
        let export = PerClassExport {
            dataset: &data,
            first: &first,
            second: &second,
            header: &header,
        };
        let (text, mime) = if extension == "csv" {
            (export.csv(), "text/csv;charset=utf-8")
        } else {
            (export.json(), "application/json")
        };
        let detail = format!("{}-vs-{}", first.labels, second.labels);
        let name = file_name(
            "per-class",
            model_name(&explorer).as_deref(),
            &detail,
            extension,
        );
        status.set(match save(&name, mime, text.as_bytes()) {
            Ok(()) => format!("saved {name}"),
            Err(e) => format!("could not save: {e}"),
        });
    };
    let csv = download.clone();
    view! {
        <div class="export-bar" role="group" aria-label="Export the per-class table">
            <span class="export-what">"Export all 1,000 classes:"</span>
            <button data-testid="export-per-class-csv" aria-label="Download the per-class table as CSV" on:click=move |_| csv("csv")>"CSV"</button>
            <button data-testid="export-per-class-json" aria-label="Download the per-class table as JSON" on:click=move |_| download("json")>"JSON"</button>
            <span class="export-status" role="status" data-testid="export-per-class-status">{move || status.get()}</span>
        </div>
    }
}
