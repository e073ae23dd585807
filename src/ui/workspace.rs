//! What is loaded: the models (show, rename, remove) and the label sets (load a label file,
//! rename, remove), and a model to try the page with when you have no file.

use crate::keep;
use crate::load::{self, LoadError};
use crate::state::Explorer;
use crate::text::{count, percent, size};
use leptos::ev::Event;
use leptos::prelude::*;
use leptos::task::spawn_local;
use real_core::view::ModelRef;
use real_core::{LoadOptions, Predictions};
use web_sys::HtmlInputElement;

/// The loaded models and label sets.
#[component]
pub fn Workspace() -> impl IntoView {
    let explorer = expect_context::<Explorer>();
    let label_error = explorer.labels_error;
    let label_loading = RwSignal::new(None::<String>);
    let on_labels = move |ev: Event| {
        let input: HtmlInputElement = event_target(&ev);
        let files: Vec<web_sys::File> = input
            .files()
            .map(|list| (0..list.length()).filter_map(|i| list.get(i)).collect())
            .unwrap_or_default();
        input.set_value("");
        spawn_local(add_label_files(explorer, files, label_loading));
    };
    let try_original = move |_| {
        let data = explorer.data();
        let evaluation = load::finish(
            &data,
            "original labels".into(),
            0.0,
            LoadOptions::default(),
            Predictions::original_labels(&data),
            0.0,
            false,
        );
        let mut name = String::new();
        let mut id = 0;
        explorer.hub.update(|h| {
            id = h.add_model(evaluation, None);
            name = h
                .models
                .iter()
                .find(|m| m.id == id)
                .map(|m| m.name.clone())
                .unwrap_or_default();
        });
        keep::keep_model(explorer, id);
        let mut view = explorer.view.get_untracked();
        view.models = vec![ModelRef::named(name)];
        explorer.navigate(view);
    };
    let models = move || {
        let on_screen = explorer.evaluation.get().map(|e| e.id);
        let data = explorer.data();
        explorer.hub.with(|h| {
            h.models
                .iter()
                .map(|m| {
                    // From the hub, so that it follows the ReaL threshold like every figure.
                    let real_top1 = h
                        .figures(&data, m, real_core::labels::REAL)
                        .and_then(|f| f.score.top(1).and_then(|a| a.fraction));
                    let partial = m.report.images < real_core::ImageId::COUNT;
                    view! {
                        <ModelItem
                            id=m.id
                            name=m.name.clone()
                            detail=format!(
                                "{} · {} · {} image{}{} · {} in memory",
                                m.file_name,
                                m.predictions.format,
                                count(m.report.images),
                                if m.report.images == 1 { "" } else { "s" },
                                if partial { " (partial)" } else { "" },
                                size(m.predictions.size_bytes())
                            )
                            bytes=m.predictions.size_bytes()
                            real_top1=real_top1.map(percent).unwrap_or_else(|| "—".into())
                            real_name=h.label_set(real_core::labels::REAL).map_or_else(|| "ReaL".into(), |l| l.name.clone())
                            on_screen=on_screen == Some(m.id)
                            stored=m.stored
                            restored=m.restored
                        />
                    }
                })
                .collect_view()
        })
    };
    let label_sets = move || {
        explorer.hub.with(|h| {
            h.label_sets
                .iter()
                .map(|l| {
                    let key = l.set.key.clone();
                    let remove_key = key.clone();
                    let stored = l.stored;
                    let restored = l.restored;
                    let built_in = l.set.is_built_in();
                    let warnings = l.set.warnings.join("; ");
                    view! {
                        <li class="label-item" data-testid="label-item" data-labels=key.clone()>
                            {if built_in {
                                view! { <strong>{l.name.clone()}</strong> }.into_any()
                            } else {
                                // The name is edited in place; the key never changes.
                                let rename_key = key.clone();
                                view! {
                                    <input class="label-name" value=l.name.clone() data-testid="rename-labels" aria-label="label set name" title="rename" on:change=move |ev| {
                                        let name = event_target::<HtmlInputElement>(&ev).value();
                                        if !name.trim().is_empty() {
                                            explorer.hub.update(|h| h.rename_label_set(&rename_key, &name));
                                            keep::rename_label_set(explorer, stored, name.trim().to_string());
                                        }
                                    } />
                                }.into_any()
                            }}
                            {(l.name != key).then(|| view! { <code class="key">{key.clone()}</code> })}
                            {restored.then(|| view! { <span class="restored" title="kept from an earlier visit">"restored"</span> })}
                            <span class="detail">
                                {format!(
                                    "{} · {} images · {} scored",
                                    l.set.source,
                                    count(l.set.covered()),
                                    count(l.set.scored())
                                )}
                            </span>
                            {(!warnings.is_empty()).then(|| view! { <span class="warning">{warnings.clone()}</span> })}
                            {(!built_in).then(|| view! {
                                <button class="button" on:click=move |_| {
                                    explorer.hub.update(|h| h.remove_label_set(&remove_key));
                                    keep::forget_label_set(explorer, stored);
                                }>"remove"</button>
                            })}
                        </li>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <section class="workspace" data-testid="workspace">
            <div class="workspace-models">
                <h3>"Models"</h3>
                {move || explorer.hub.with(|h| h.models.is_empty()).then(|| view! {
                    <p class="empty">
                        "No model yet: drop a predictions file, or "
                        <button class="link-button" data-testid="try-original" on:click=try_original>
                            "use the original labels as a model"
                        </button>
                        " (its ReaL top-1 is the original annotation's own score)."
                    </p>
                })}
                <ul class="model-list">{models}</ul>
                {move || explorer.restoring.get().then(|| view! { <p class="progress-text">"restoring what earlier visits loaded…"</p> })}
                {move || {
                    let kept = explorer.hub.with(|h| {
                        !h.models.is_empty() || h.label_sets.iter().any(|l| !l.set.is_built_in())
                    });
                    kept.then(|| view! {
                        <p class="keep-note">
                            "Models and label files are kept in this browser for your next visit. "
                            <button class="button" data-testid="forget-all" on:click=move |_| {
                                let sure = window()
                                    .confirm_with_message("Remove every loaded model and label file, here and from this browser's storage?")
                                    .unwrap_or(false);
                                if sure {
                                    keep::forget_all(explorer);
                                }
                            }>
                                "forget all"
                            </button>
                        </p>
                    })
                }}
            </div>
            <div class="workspace-labels">
                <h3>"Label sets"</h3>
                <ul class="label-list">{label_sets}</ul>
                <label class="pick-labels">
                    "Add a label file "
                    <input type="file" multiple=true data-testid="labels-input" on:change=on_labels />
                </label>
                <p class="formats">
                    "A JSON list of 50,000 lists of class indices (real.json layout; [] for no label), "
                    "JSON keyed by file name, “file label label…” lines, or one label per image (.npy, text, JSON). "
                    "Classes are 0-based in sorted-wnid order; rows in file-name order unless named."
                </p>
                {move || label_loading.get().map(|n| view! { <p class="progress-text">{format!("reading {n}…")}</p> })}
                {move || label_error.get().map(|e| view! {
                    <p class="error" role="alert" data-testid="labels-error">
                        <strong>{e.file_name} " could not be read as labels. "</strong>
                        {e.message}
                    </p>
                })}
            </div>
        </section>
    }
}

/// One loaded model: show it, rename it, remove it.
#[component]
fn ModelItem(
    /// The model's id in the hub.
    id: u32,
    /// Its display name.
    name: String,
    /// Where it came from and how it was read.
    detail: String,
    /// Its ReaL top-1, formatted.
    real_top1: String,
    /// The ReaL set's name (`ReaL@0.90` when rebuilt at another threshold).
    real_name: String,
    /// Whether it is the model on screen.
    on_screen: bool,
    /// Memory its predictions hold.
    bytes: usize,
    /// Its record in the browser's storage.
    stored: Option<u32>,
    /// Whether it came back from an earlier visit.
    restored: bool,
) -> impl IntoView {
    let explorer = expect_context::<Explorer>();
    let renaming = RwSignal::new(false);
    let rename_error = RwSignal::new(None::<String>);
    let show_name = name.clone();
    let show = move |_| {
        let mut view = explorer.view.get_untracked();
        view.models = vec![ModelRef::named(show_name.clone())];
        explorer.navigate(view);
    };
    let old_name = name.clone();
    let rename = move |ev: Event| {
        let value = event_target::<HtmlInputElement>(&ev).value();
        // Check first: a refused name must not redraw the list (and lose the message).
        let mut result = explorer
            .hub
            .with_untracked(|h| h.clone().rename_model(id, &value));
        if result.is_ok() {
            explorer.hub.update(|h| result = h.rename_model(id, &value));
        }
        match result {
            Ok(()) => {
                keep::rename_model(explorer, stored, value.trim().to_string());
                renaming.set(false);
                rename_error.set(None);
                // Links naming the old name follow the new one.
                let mut view = explorer.view.get_untracked();
                let mut changed = false;
                for model in &mut view.models {
                    if model.name == old_name {
                        model.name = value.trim().to_string();
                        changed = true;
                    }
                }
                if changed {
                    explorer.navigate(view);
                }
            }
            Err(message) => rename_error.set(Some(message)),
        }
    };
    let removed_name = name.clone();
    let remove = move |_| {
        explorer.hub.update(|h| h.remove_model(id));
        keep::forget_model(explorer, stored);
        let mut view = explorer.view.get_untracked();
        let before = view.models.len();
        view.models.retain(|m| m.name != removed_name);
        if view.models.len() != before {
            explorer.navigate(view);
        }
    };
    let current = name.clone();
    let label = name.clone();
    let (rename_label, remove_label) = (format!("rename {name}"), format!("remove {name}"));
    // The rename box takes the focus when it opens.
    let rename_box = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        if let Some(input) = rename_box.get() {
            let _ = input.focus();
            input.select();
        }
    });
    view! {
        <li class="model-item" class:on-screen=on_screen data-testid="model-item" data-model=name data-bytes=bytes>
            {move || if renaming.get() {
                view! {
                    <input class="rename" node_ref=rename_box aria-label="model name" value=current.clone() data-testid="rename-model" on:change=rename.clone() />
                }.into_any()
            } else {
                view! {
                    <button class="model-name" title="show this model" aria-pressed=if on_screen { "true" } else { "false" } on:click=show.clone()>{label.clone()}</button>
                }.into_any()
            }}
            {restored.then(|| view! { <span class="restored" title="kept from an earlier visit">"restored"</span> })}
            <span class="figure-small">{format!("{real_name} top-1 ")} <strong>{real_top1}</strong></span>
            <span class="detail">{detail}</span>
            <button class="button" aria-label=rename_label on:click=move |_| renaming.update(|r| *r = !*r)>"rename"</button>
            <button class="button" aria-label=remove_label data-testid="remove-model" on:click=remove>"remove"</button>
            {move || rename_error.get().map(|e| view! { <span class="error">{e}</span> })}
        </li>
    }
}

/// Reads label files one after another into the hub; the first that fails is reported and the
/// rest still load. What was loaded before stays.
pub async fn add_label_files(
    explorer: Explorer,
    files: Vec<web_sys::File>,
    loading: RwSignal<Option<String>>,
) {
    for file in files {
        let name = file.name();
        loading.set(Some(name.clone()));
        let outcome = match load::read_file(&file, |_| {}).await {
            Ok(bytes) => {
                let key = explorer.hub.with_untracked(|h| h.label_key_for(&name));
                real_core::labels::read(&bytes, &explorer.data(), &key, &name).map_err(|e| {
                    LoadError {
                        file_name: name.clone(),
                        message: format!("{e}."),
                    }
                })
            }
            Err(e) => Err(e),
        };
        loading.set(None);
        match outcome {
            Ok(set) => {
                let mut key = String::new();
                explorer.hub.update(|h| key = h.add_label_set(set));
                keep::keep_label_set(explorer, key);
                explorer.labels_error.set(None);
            }
            Err(e) => explorer.labels_error.set(Some(e)),
        }
    }
}

/// Label files are small (real.json is 0.6 MB); a larger file is not read and parsed on the
/// page's thread just to find out: it goes straight to the worker as predictions.
const LABEL_SNIFF_BYTES: f64 = 8.0 * 1024.0 * 1024.0;

/// Whether a file's content proves it holds labels: JSON lists, or `file label…` lines, of
/// different lengths or empty, which no predictions file has.
pub async fn proves_labels(file: &web_sys::File) -> bool {
    if file.size() > LABEL_SNIFF_BYTES {
        return false;
    }
    let Ok(slice) = file.slice_with_f64_and_f64(0.0, 64.0) else {
        return false;
    };
    let Ok(head) = wasm_bindgen_futures::JsFuture::from(slice.array_buffer()).await else {
        return false;
    };
    let head = js_sys::Uint8Array::new(&head).to_vec();
    let starts_json = head
        .iter()
        .find(|b| !b.is_ascii_whitespace() && **b != 0xef && **b != 0xbb && **b != 0xbf)
        .is_some_and(|b| *b == b'[' || *b == b'{');
    // Text lines of labels start with a file name; anything else is read once, as predictions.
    let names_a_file = head.windows(15).any(|w| w == b"ILSVRC2012_val_");
    if !starts_json && !names_a_file {
        return false;
    }
    match load::read_file(file, |_| {}).await {
        Ok(bytes) => real_core::labels::looks_like_labels(&bytes),
        Err(_) => false,
    }
}

/// The offer to load a file given as predictions as labels, when its content says it is one.
#[component]
pub fn LabelOffer(
    /// Reads the file as predictions after all.
    on_predictions: Callback<web_sys::File>,
) -> impl IntoView {
    let explorer = expect_context::<Explorer>();
    let loading = RwSignal::new(None::<String>);
    move || {
        let file = explorer.label_offer.get()?;
        let name = file.name();
        let (as_labels, as_predictions) = (file.clone(), file);
        Some(view! {
            <div class="notices label-offer" role="status" data-testid="label-offer">
                <p>
                    <strong>{name}</strong>
                    " looks like a label file: some of its lists are empty or of different lengths, which no predictions file has."
                </p>
                <button data-testid="offer-labels" on:click=move |_| {
                    explorer.label_offer.set(None);
                    spawn_local(add_label_files(explorer, vec![as_labels.clone()], loading));
                }>"add it as labels"</button>
                <button on:click=move |_| on_predictions.run(as_predictions.clone())>"read it as predictions"</button>
            </div>
        })
    }
}

/// Models a link names that this page has not loaded: a link carries names, not predictions
/// (only an image link carries its top-k), so the recipient is told what to load.
#[component]
pub fn MissingModels() -> impl IntoView {
    let explorer = expect_context::<Explorer>();
    move || {
        let view = explorer.view.get();
        let missing: Vec<String> = explorer.hub.with(|h| {
            view.models
                .iter()
                .filter(|m| {
                    m.top.is_empty() && !m.name.is_empty() && h.model_named(&m.name).is_none()
                })
                .map(|m| m.name.clone())
                .collect()
        });
        (!missing.is_empty()).then(|| {
            view! {
                <p class="notices" role="status" data-testid="missing-models">
                    {format!(
                        "This link shows {}, not loaded here: load {} predictions file{} to see {} figures.",
                        missing.join(" and "),
                        if missing.len() == 1 { "its" } else { "their" },
                        if missing.len() == 1 { "" } else { "s" },
                        if missing.len() == 1 { "its" } else { "their" },
                    )}
                </p>
            }
        })
    }
}
