//! Keeps the workspace across reloads and visits: every model and label file added is saved to
//! the browser's storage (`persist`), renames and removals follow, and the page restores them
//! at start. Storage that fails (a private window, a full disk) gives one notice and the page
//! works on in memory.

use crate::load;
use crate::persist::{self, StorageError};
use crate::state::Explorer;
use leptos::prelude::*;
use leptos::task::spawn_local;

fn notice(explorer: Explorer, what: &str, error: &StorageError) {
    let text = format!("{what}: {error} The page works on in memory.");
    explorer.notices.update(|n| {
        if !n.contains(&text) {
            n.push(text)
        }
    });
}

/// Saves a model just added to the hub.
pub fn keep_model(explorer: Explorer, id: u32) {
    let Some(model) = explorer
        .hub
        .with_untracked(|h| h.models.iter().find(|m| m.id == id).cloned())
    else {
        return;
    };
    spawn_local(async move {
        match persist::save_model(
            &model.name,
            &model.file_name,
            model.size_bytes,
            model.options,
            &model.predictions,
        )
        .await
        {
            Ok(key) => {
                let still_loaded = explorer
                    .hub
                    .with_untracked(|h| h.models.iter().any(|m| m.id == id));
                if still_loaded {
                    explorer.hub.update(|h| h.set_model_stored(id, key));
                } else {
                    // Removed while it was being saved.
                    let _ = persist::remove_model(key).await;
                }
            }
            Err(e) => notice(
                explorer,
                &format!("{} could not be kept for later visits", model.name),
                &e,
            ),
        }
    });
}

/// Saves a label set just added to the hub.
pub fn keep_label_set(explorer: Explorer, key: String) {
    let Some(entry) = explorer.hub.with_untracked(|h| h.label_set(&key).cloned()) else {
        return;
    };
    spawn_local(async move {
        match persist::save_label_set(&entry.name, &entry.set).await {
            Ok(stored) => {
                let still_loaded = explorer.hub.with_untracked(|h| h.label_set(&key).is_some());
                if still_loaded {
                    explorer
                        .hub
                        .update(|h| h.set_label_set_stored(&key, stored));
                } else {
                    let _ = persist::remove_label_set(stored).await;
                }
            }
            Err(e) => notice(
                explorer,
                &format!("The label set {key} could not be kept for later visits"),
                &e,
            ),
        }
    });
}

/// Runs a storage change in the background; a failure becomes a notice.
pub fn in_background(
    explorer: Explorer,
    failure: &'static str,
    work: impl std::future::Future<Output = Result<(), StorageError>> + 'static,
) {
    in_background_boxed(explorer, failure, Box::pin(work));
}

/// The one task behind [`in_background`]: every kind of storage change shares its code.
fn in_background_boxed(
    explorer: Explorer,
    failure: &'static str,
    work: std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), StorageError>>>>,
) {
    spawn_local(async move {
        if let Err(e) = work.await {
            notice(explorer, failure, &e);
        }
    });
}

/// Forgets a stored model.
pub fn forget_model(explorer: Explorer, stored: Option<u32>) {
    if let Some(key) = stored {
        let failure = "A removed model is still kept in this browser";
        in_background(explorer, failure, persist::remove_model(key));
    }
}

/// Forgets a stored label set.
pub fn forget_label_set(explorer: Explorer, stored: Option<u32>) {
    if let Some(key) = stored {
        let failure = "A removed label set is still kept in this browser";
        in_background(explorer, failure, persist::remove_label_set(key));
    }
}

/// Renames a stored model.
pub fn rename_model(explorer: Explorer, stored: Option<u32>, name: String) {
    if let Some(key) = stored {
        let failure = "The new name could not be kept";
        in_background(explorer, failure, async move {
            persist::rename_model(key, &name).await
        });
    }
}

/// Renames a stored label set.
pub fn rename_label_set(explorer: Explorer, stored: Option<u32>, name: String) {
    if let Some(key) = stored {
        let failure = "The new name could not be kept";
        in_background(explorer, failure, async move {
            persist::rename_label_set(key, &name).await
        });
    }
}

/// Forgets every stored model and label set and empties the workspace.
pub fn forget_all(explorer: Explorer) {
    explorer.forgotten.update(|n| *n += 1);
    explorer.hub.update(|h| h.clear());
    let mut view = explorer.view.get_untracked();
    if !view.models.is_empty() || !view.label_sets.is_empty() {
        view.models.clear();
        view.label_sets.clear();
        explorer.navigate(view);
    }
    spawn_local(async move {
        if let Err(e) = persist::forget_all().await {
            notice(explorer, "What this browser keeps could not be cleared", &e);
        }
    });
}

/// Restores what earlier visits kept, before anything else is loaded; records that cannot be
/// read are described in a notice.
pub fn restore(explorer: Explorer) {
    explorer.restoring.set(true);
    spawn_local(async move {
        let result = persist::restore().await;
        explorer.restoring.set(false);
        let (models, label_sets, unreadable) = match result {
            Ok(found) => found,
            Err(e) => {
                return notice(
                    explorer,
                    "Nothing could be restored from earlier visits",
                    &e,
                )
            }
        };
        let data = explorer.data();
        explorer.hub.update(|h| {
            for saved in label_sets {
                let label_key = h.add_label_set(saved.set);
                h.rename_label_set(&label_key, &saved.name);
                h.set_label_set_stored(&label_key, saved.key);
                if let Some(entry) = h.label_sets.iter_mut().find(|l| l.set.key == label_key) {
                    entry.restored = true;
                }
            }
            for saved in models {
                let mut model = load::finish(
                    &data,
                    saved.file_name,
                    saved.size_bytes,
                    saved.options,
                    saved.predictions,
                    0.0,
                    false,
                );
                model.restored = true;
                model.stored = Some(saved.key);
                let id = h.add_model(model, None);
                // The saved name, unless a model loaded meanwhile took it.
                let _ = h.rename_model(id, &saved.name);
            }
        });
        if !unreadable.is_empty() {
            explorer.notices.update(|n| n.extend(unreadable));
        }
    });
}
