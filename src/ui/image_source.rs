//! Choosing where images come from: a folder, the validation tar, or a URL template.

use super::drop_zone::progress_bar;
use crate::folders;
use crate::images::{self, ImageSource, TarMembers};
use crate::state::Explorer;
use crate::tar_index::{TarEvent, TarJob};
use crate::text::count;
use leptos::ev::{DragEvent, Event};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsValue;
use web_sys::HtmlInputElement;

/// Where a template is remembered between visits.
const TEMPLATE_KEY: &str = "real-explorer.image-template";

/// The image source controls.
#[component]
pub fn ImageSourcePanel() -> impl IntoView {
    let explorer = expect_context::<Explorer>();
    let status = RwSignal::new(None::<String>);
    // `webkitdirectory` (folder picking) is not in the typed attribute set.
    let folder_input = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        if let Some(input) = folder_input.get() {
            let _ = input.set_attribute("webkitdirectory", "");
        }
    });
    // A template is plain text and can be remembered; picked files cannot be, by design of
    // file inputs, so they are asked for again on each visit.
    if matches!(explorer.images.get_untracked(), ImageSource::None) {
        if let Some(template) = storage().and_then(|s| s.get_item(TEMPLATE_KEY).ok().flatten()) {
            explorer.images.set(ImageSource::Template(template));
        }
    }
    let use_files = move |files: Vec<web_sys::File>| {
        let given = files.len();
        let map = images::index_files(files);
        if map.is_empty() {
            status.set(Some(format!(
                "None of the {given} files is named like ILSVRC2012_val_00000001.JPEG; give the validation folder."
            )));
        } else {
            status.set(Some(format!(
                "{} validation images found.",
                count(map.len())
            )));
            explorer.images.set(ImageSource::Folder(map));
        }
    };
    let on_folder = move |ev: Event| {
        let input = event_target::<HtmlInputElement>(&ev);
        if let Some(files) = input.files() {
            use_files(images::list(&files));
        }
    };
    // A tar is indexed in a worker of its own, with progress; a newer tar or the cancel button
    // ends the one under way, and `serial` tells a stale answer from the current one.
    let indexing = RwSignal::new(None::<(String, f64, u32)>);
    let tar_job = StoredValue::new_local(None::<TarJob>);
    let serial = StoredValue::new(0u32);
    let use_tar = move |tar: web_sys::File| {
        serial.update_value(|s| *s += 1);
        let mine = serial.get_value();
        let current = move || serial.get_value() == mine;
        tar_job.set_value(None);
        let name = tar.name();
        status.set(None);
        indexing.set(Some((name.clone(), 0.0, 0)));
        // What was shown before stays until the new index is complete.
        let settle =
            move |tar: web_sys::File, result: Result<(TarMembers, f64), String>, how: &str| {
                if !current() {
                    return;
                }
                indexing.set(None);
                let name = tar.name();
                match result {
                    Ok((members, entries)) => {
                        status.set(Some(format!(
                            "{} images indexed in {name} ({} members walked {how}); read in place.",
                            count(members.len()),
                            count(entries as usize),
                        )));
                        explorer.images.set(ImageSource::Tar { tar, members });
                    }
                    Err(message) => status.set(Some(format!(
                        "{name} could not be indexed: {message} The images shown before are kept."
                    ))),
                }
            };
        let on_event = {
            let tar = tar.clone();
            let name = name.clone();
            move |event| match event {
                TarEvent::Progress(fraction, images) => {
                    if current() {
                        indexing.set(Some((name.clone(), fraction, images)));
                    }
                }
                TarEvent::Done(members, entries, ms) => {
                    let how = format!("in a worker in {:.1} s", ms / 1000.0);
                    settle(tar.clone(), Ok((members, entries)), &how);
                    if current() {
                        tar_job.set_value(None);
                    }
                }
                TarEvent::Failed(message) => {
                    settle(tar.clone(), Err(message), "");
                    if current() {
                        tar_job.set_value(None);
                    }
                }
            }
        };
        match TarJob::start(tar.clone(), on_event) {
            Some(job) => tar_job.set_value(Some(job)),
            // No worker can run in this browser at all: the page's own thread, said so.
            None => spawn_local(async move {
                let result = images::index_tar_here(&tar, |fraction, images| {
                    if current() {
                        indexing.set(Some((name.clone(), fraction, images as u32)));
                    }
                })
                .await
                .map(|(members, entries)| (members, entries as f64));
                let how = "on the page's thread, as no worker can run in this browser";
                settle(tar, result, how);
            }),
        }
    };
    let cancel_tar = Callback::new(move |_| {
        serial.update_value(|s| *s += 1);
        tar_job.set_value(None);
        if let Some((name, ..)) = indexing.get_untracked() {
            status.set(Some(format!(
                "Indexing {name} was cancelled; the images shown before are kept."
            )));
        }
        indexing.set(None);
    });
    let tar_progress = move || {
        indexing.get().map(|(name, fraction, images)| {
            let text = format!(
                "indexing {name}… {:.0}% · {} images found",
                100.0 * fraction,
                count(images as usize)
            );
            progress_bar(
                "tar-progress",
                text,
                Some(fraction),
                "cancel-tar",
                cancel_tar,
            )
        })
    };
    // Folders picked as handles are remembered by the browser between visits.
    let remembered = RwSignal::new(None::<String>);
    let can_remember = folders::can_remember_folders();
    if can_remember {
        spawn_local(async move {
            if let Ok(name) = folders::remembered_name().await {
                remembered.set(name.as_string());
            }
        });
    }
    let walk = move |pending: std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<JsValue, JsValue>>>,
    >| {
        status.set(Some("Reading the folder…".into()));
        spawn_local(async move {
            match pending.await {
                Ok(files) if !files.is_null() => use_files(folders::files_of(&files)),
                Ok(_) => status.set(Some(
                    "The browser did not allow reading the folder again; choose it anew.".into(),
                )),
                Err(_) => status.set(None),
            }
        });
    };
    let on_drop = move |ev: DragEvent| {
        ev.prevent_default();
        let Some(transfer) = ev.data_transfer() else {
            return;
        };
        status.set(Some("Reading what was dropped…".into()));
        spawn_local(async move {
            let files = folders::dropped_files(&transfer)
                .await
                .map(|f| folders::files_of(&f))
                .unwrap_or_default();
            match files.as_slice() {
                [one] if one.name().ends_with(".tar") => use_tar(one.clone()),
                _ => use_files(files),
            }
        });
    };
    let on_tar = move |ev: Event| {
        let input = event_target::<HtmlInputElement>(&ev);
        if let Some(tar) = input.files().and_then(|f| f.get(0)) {
            use_tar(tar);
        }
    };
    let on_template = move |ev: Event| {
        let value = event_target::<HtmlInputElement>(&ev).value();
        let value = value.trim().to_string();
        if value.is_empty() {
            explorer.images.set(ImageSource::None);
            if let Some(s) = storage() {
                let _ = s.remove_item(TEMPLATE_KEY);
            }
            return;
        }
        if !value.contains("{file}") && !value.contains("{id}") {
            status.set(Some(
                "A template needs {file} (or {id}), e.g. https://host/val/{wnid}/{file}".into(),
            ));
            return;
        }
        if let Some(s) = storage() {
            let _ = s.set_item(TEMPLATE_KEY, &value);
        }
        status.set(Some("Images load from the template.".into()));
        explorer.images.set(ImageSource::Template(value));
    };
    let current = move || {
        explorer.images.with(|source| match source {
            ImageSource::None => "no images yet: cases show placeholders".to_string(),
            ImageSource::Folder(files) => format!("folder: {}", crate::text::images(files.len())),
            ImageSource::Tar { tar, members } => {
                format!("{}: {}", tar.name(), crate::text::images(members.len()))
            }
            ImageSource::Template(t) => format!("template: {t}"),
        })
    };
    view! {
        <details
            class="image-source"
            data-testid="image-source"
            on:dragover=move |ev: DragEvent| ev.prevent_default()
            on:drop=on_drop
        >
            <summary>"Images — " <span data-testid="image-source-status">{current}</span></summary>
            <p class="small">
                "ImageNet images cannot ship with this page. Give it yours — pick or drop the folder or the tar; nothing is uploaded."
            </p>
            <div class="source-controls">
                {can_remember.then(|| view! {
                    <button
                        class="button"
                        title="the browser remembers this folder for your next visit"
                        on:click=move |_| walk(Box::pin(folders::pick_and_remember()))
                    >
                        "Choose folder (remembered)…"
                    </button>
                })}
                {move || remembered.get().map(|name| view! {
                    <button class="button" data-testid="reopen-folder" on:click=move |_| walk(Box::pin(folders::reopen_remembered()))>
                        {format!("Reopen “{name}”")}
                    </button>
                })}
                <label class="button">
                    "Validation folder…"
                    <input type="file" multiple node_ref=folder_input data-testid="images-folder-input" on:change=on_folder />
                </label>
                <label class="button">
                    "Images (files)…"
                    <input type="file" multiple accept="image/*" data-testid="images-files-input" on:change=on_folder />
                </label>
                <label class="button">
                    "ILSVRC2012_img_val.tar…"
                    <input type="file" accept=".tar,application/x-tar" data-testid="images-tar-input" on:change=on_tar />
                </label>
                <input
                    class="template"
                    aria-label="URL template for the images"
                    placeholder="or a URL template: https://host/val/{wnid}/{file}"
                    data-testid="images-template"
                    on:change=on_template
                />
            </div>
            {tar_progress}
            {move || status.get().map(|s| view! { <p class="small status" data-testid="image-source-note">{s}</p> })}
        </details>
    }
}

fn storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}
