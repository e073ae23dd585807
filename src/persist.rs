//! Keeping loaded models and label sets in the browser, so that they survive a reload and a
//! later visit.
//!
//! One IndexedDB database, `real-explorer-workspace` (version 2), holds three object stores,
//! `models` and `label_sets`, and (since version 2) `extras`, whose records get increasing numeric keys (so restoring gives
//! them back in the order they were saved). It is not the `real-explorer` database where
//! `folders.rs` remembers a picked folder: two owners of one database would have to agree on
//! every version bump, and a connection either keeps open would block the other's upgrades.
//! A record is a plain object:
//!
//! - a model: `{ name, file_name, size_bytes, options, blob, schema }`, with `options` as text
//!   text, `blob` the [`real_core::compact`] bytes as a `Uint8Array` and `schema` their
//!   version;
//! - a label set: `{ name, blob, schema }` (its key, source and format are in the blob);
//! - in `extras`, under the key `evidence`, the raters' evidence `{ name, blob, schema }` in
//!   its compact form, and under `relabeling:` and the file's name, a relabeling file's
//!   bytes as they came, `{ name, blob, schema }` (small, and read again on restore).
//!
//! Keeping files is a convenience, never a condition: a private window without IndexedDB, a
//! blocked or slow open, or a full disk comes back as a [`StorageError`] for the caller to
//! show, and the page works on in memory. Each call opens its own connection and closes it
//! when done, so this tab never holds the database open against a newer page in another tab.

use js_sys::{Array, Object, Promise, Reflect, Uint8Array};
use real_core::compact::{self, SCHEMA_VERSION};
use real_core::{LabelSet, LoadOptions, Predictions};
use std::fmt;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    DomException, IdbDatabase, IdbObjectStore, IdbObjectStoreParameters, IdbOpenDbRequest,
    IdbRequest, IdbTransaction, IdbTransactionMode,
};

/// The database's name (see the module's notes on why it is its own).
pub const DATABASE: &str = "real-explorer-workspace";
/// The database's version: bump it (and add an upgrade step) to change the stores.
pub const DATABASE_VERSION: u32 = 2;
/// The object store of models.
const MODELS: &str = "models";
/// The object store of label sets.
const LABEL_SETS: &str = "label_sets";
/// The object store of the raters' evidence and relabelings, by name.
const EXTRAS: &str = "extras";
/// The key of the raters' evidence in [`EXTRAS`].
const EVIDENCE: &str = "evidence";
/// The start of a relabeling's key in [`EXTRAS`].
const RELABELING: &str = "relabeling:";
/// How long an open may take. An open waits for other tabs to let go of an older version,
/// and a page that waits without end for a convenience would look broken.
const OPEN_TIMEOUT_MS: i32 = 3_000;

/// Why the browser would not keep or give back saved files. Its `Display` is one sentence
/// for the user; the page works on in memory whatever it says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StorageError {
    /// No IndexedDB here: a private window, site data turned off, or no window at all.
    Unavailable,
    /// Another tab is upgrading or deleting the database.
    Blocked,
    /// The database did not open in time.
    TimedOut,
    /// The browser refused to store more (a `QuotaExceededError`).
    Full,
    /// The database was made by a newer version of the page.
    NewerVersion,
    /// No saved record has this key (it was removed, perhaps in another tab).
    NotFound {
        /// The record's key.
        key: u32,
    },
    /// Anything else the browser reported, in its words.
    Failed(String),
}

impl fmt::Display for StorageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StorageError::Unavailable => f.write_str(
                "This browser does not let the page keep files (a private window, or site data turned off), so what you load lasts until the tab is closed.",
            ),
            StorageError::Blocked => f.write_str(
                "Another tab of ReaL Explorer is updating the saved files, so what you load now lasts until this tab is closed.",
            ),
            StorageError::TimedOut => write!(
                f,
                "The browser's storage did not answer within {} seconds, so what you load lasts until the tab is closed.",
                OPEN_TIMEOUT_MS / 1000
            ),
            StorageError::Full => f.write_str(
                "The browser's storage for this page is full, so this file lasts until the tab is closed; remove saved models or label sets to make room.",
            ),
            StorageError::NewerVersion => f.write_str(
                "The saved files belong to a newer version of ReaL Explorer, so this page can neither read nor add to them.",
            ),
            StorageError::NotFound { key } => {
                write!(f, "The saved copy (record {key}) is no longer there.")
            }
            StorageError::Failed(detail) => write!(
                f,
                "The browser's storage failed ({detail}), so what you load lasts until the tab is closed."
            ),
        }
    }
}

impl std::error::Error for StorageError {}

/// A model as it was saved, ready to evaluate again.
#[derive(Clone, Debug)]
pub struct SavedModel {
    /// The record's key, for [`rename_model`] and [`remove_model`].
    pub key: u32,
    /// The name it was shown under.
    pub name: String,
    /// The file's name as the user gave it.
    pub file_name: String,
    /// The file's size in bytes.
    pub size_bytes: f64,
    /// The reading that was imposed when it was loaded.
    pub options: LoadOptions,
    /// The validated predictions, field for field as they were saved.
    pub predictions: Predictions,
}

/// A label set as it was saved.
#[derive(Clone, Debug)]
pub struct SavedLabelSet {
    /// The record's key, for [`rename_label_set`] and [`remove_label_set`].
    pub key: u32,
    /// The name it was shown under.
    pub name: String,
    /// The label set, its key, source, format and warnings included.
    pub set: LabelSet,
}

/// Saves a model; returns the key of its record.
pub async fn save_model(
    name: &str,
    file_name: &str,
    size_bytes: f64,
    options: LoadOptions,
    predictions: &Predictions,
) -> Result<u32, StorageError> {
    let connection = open().await?;
    let options = options_text(options);
    let record = Object::new();
    set_field(&record, "name", &name.into());
    set_field(&record, "file_name", &file_name.into());
    set_field(&record, "size_bytes", &size_bytes.into());
    set_field(&record, "options", &options.into());
    let blob = compact::encode_predictions(predictions);
    set_field(&record, "blob", &Uint8Array::from(blob.as_slice()));
    set_field(&record, "schema", &SCHEMA_VERSION.into());
    add(&connection, MODELS, &record).await
}

/// Saves a label set under the name it is shown with; returns the key of its record.
pub async fn save_label_set(name: &str, set: &LabelSet) -> Result<u32, StorageError> {
    let connection = open().await?;
    let record = Object::new();
    set_field(&record, "name", &name.into());
    let blob = compact::encode_label_set(set);
    set_field(&record, "blob", &Uint8Array::from(blob.as_slice()));
    set_field(&record, "schema", &SCHEMA_VERSION.into());
    add(&connection, LABEL_SETS, &record).await
}

/// Keeps the raters' evidence (its compact bytes), replacing any kept before.
pub async fn save_evidence(blob: &[u8]) -> Result<(), StorageError> {
    put_extra(EVIDENCE.into(), "evidence", blob).await
}

/// Keeps a relabeling file's bytes under its name, replacing one of the same name.
pub async fn save_relabeling(name: &str, bytes: &[u8]) -> Result<(), StorageError> {
    put_extra(format!("{RELABELING}{name}"), name, bytes).await
}

async fn put_extra(key: String, name: &str, blob: &[u8]) -> Result<(), StorageError> {
    let connection = open().await?;
    let record = Object::new();
    set_field(&record, "name", &name.into());
    set_field(&record, "blob", &Uint8Array::from(blob));
    set_field(&record, "schema", &SCHEMA_VERSION.into());
    let tx = transaction(&connection, IdbTransactionMode::Readwrite)?;
    attempt(
        "save the file",
        store(&tx, EXTRAS)?.put_with_key(&record, &key.into()),
    )?;
    committed(&tx).await
}

/// The kept evidence bytes, if any, and the kept relabeling files (name, bytes), in the
/// order of their names. Records of another schema are left out.
pub async fn restore_extras() -> Result<(Option<Vec<u8>>, Vec<(String, Vec<u8>)>), StorageError> {
    let connection = open().await?;
    let tx = transaction(&connection, IdbTransactionMode::Readonly)?;
    let extras = store(&tx, EXTRAS)?;
    let keys = attempt("list the saved extras", extras.get_all_keys())?;
    let records = attempt("read the saved extras", extras.get_all())?;
    let keys = Array::from(&finished(&keys).await?);
    let records = Array::from(&finished(&records).await?);
    let mut evidence = None;
    let mut relabelings = Vec::new();
    for (key, record) in keys.iter().zip(records.iter()) {
        let (Some(key), Ok((name, blob))) = (key.as_string(), read_common(&record)) else {
            continue;
        };
        if key == EVIDENCE {
            evidence = Some(blob);
        } else if key.starts_with(RELABELING) {
            relabelings.push((name, blob));
        }
    }
    Ok((evidence, relabelings))
}

/// Removes a saved model; removing one that is not there is not an error.
pub async fn remove_model(key: u32) -> Result<(), StorageError> {
    remove(MODELS, key).await
}

/// Removes a saved label set; removing one that is not there is not an error.
pub async fn remove_label_set(key: u32) -> Result<(), StorageError> {
    remove(LABEL_SETS, key).await
}

/// Renames a saved model.
pub async fn rename_model(key: u32, name: &str) -> Result<(), StorageError> {
    rename(MODELS, key, name).await
}

/// Renames a saved label set (the name on screen; its key in links does not change).
pub async fn rename_label_set(key: u32, name: &str) -> Result<(), StorageError> {
    rename(LABEL_SETS, key, name).await
}

/// Everything saved, in the order it was saved, and a sentence for each record that could
/// not be read (saved by another version of the page, or damaged). Those records are
/// removed, so that the same notice does not come back on every visit.
pub async fn restore() -> Result<(Vec<SavedModel>, Vec<SavedLabelSet>, Vec<String>), StorageError> {
    let connection = open().await?;
    let tx = transaction(&connection, IdbTransactionMode::Readonly)?;
    // Every request is made before the first is awaited: the transaction stays alive while
    // requests are pending.
    let model_store = store(&tx, MODELS)?;
    let label_store = store(&tx, LABEL_SETS)?;
    let model_keys = attempt("list the saved models", model_store.get_all_keys())?;
    let model_records = attempt("read the saved models", model_store.get_all())?;
    let label_keys = attempt("list the saved label sets", label_store.get_all_keys())?;
    let label_records = attempt("read the saved label sets", label_store.get_all())?;
    let model_keys = Array::from(&finished(&model_keys).await?);
    let model_records = Array::from(&finished(&model_records).await?);
    let label_keys = Array::from(&finished(&label_keys).await?);
    let label_records = Array::from(&finished(&label_records).await?);

    let mut problems = Vec::new();
    let mut unreadable_models = Vec::new();
    let mut unreadable_labels = Vec::new();
    let mut models = Vec::new();
    for (raw_key, record) in model_keys.iter().zip(model_records.iter()) {
        match read_model(&raw_key, &record) {
            Ok(model) => models.push(model),
            Err(problem) => {
                problems.push(problem.describe("model"));
                unreadable_models.push(raw_key);
            }
        }
    }
    let mut label_sets = Vec::new();
    for (raw_key, record) in label_keys.iter().zip(label_records.iter()) {
        match read_label_set(&raw_key, &record) {
            Ok(set) => label_sets.push(set),
            Err(problem) => {
                problems.push(problem.describe("label set"));
                unreadable_labels.push(raw_key);
            }
        }
    }
    if !unreadable_models.is_empty() || !unreadable_labels.is_empty() {
        // Best effort: what was restored is good whether or not the removal goes through.
        if let Err(error) = remove_raw(&connection, &unreadable_models, &unreadable_labels).await {
            problems.push(format!(
                "Removing the unreadable saved files failed too: {error}"
            ));
        }
    }
    Ok((models, label_sets, problems))
}

/// Removes every saved model and label set.
pub async fn forget_all() -> Result<(), StorageError> {
    let connection = open().await?;
    let tx = transaction(&connection, IdbTransactionMode::Readwrite)?;
    for name in [MODELS, LABEL_SETS, EXTRAS] {
        attempt("clear the saved files", store(&tx, name)?.clear())?;
    }
    committed(&tx).await
}

/// A connection, closed when dropped: closing waits for its transactions to finish.
struct Connection(IdbDatabase);

impl Drop for Connection {
    fn drop(&mut self) {
        self.0.close();
    }
}

/// Opens the database, making its stores on the first visit; fails rather than waits.
async fn open() -> Result<Connection, StorageError> {
    let window = web_sys::window().ok_or(StorageError::Unavailable)?;
    // Some browsers throw here (sandboxed frames, blocked cookies), others give null.
    let factory = window
        .indexed_db()
        .ok()
        .flatten()
        .ok_or(StorageError::Unavailable)?;
    let request = factory
        .open_with_u32(DATABASE, DATABASE_VERSION)
        .map_err(|_| StorageError::Unavailable)?;
    let upgrading = request.clone();
    let on_upgrade = Closure::<dyn FnMut()>::new(move || create_stores(&upgrading));
    request.set_onupgradeneeded(Some(on_upgrade.as_ref().unchecked_ref()));
    let settled = Promise::new(&mut |resolve, reject| {
        request.set_onsuccess(Some(&resolve));
        request.set_onerror(Some(&reject));
        request.set_onblocked(Some(&reject));
    });
    let mut timer = None;
    // Rejects with `undefined`, which is how a timeout is told from an error event.
    let timeout = Promise::new(&mut |_, reject| {
        timer = window
            .set_timeout_with_callback_and_timeout_and_arguments_0(&reject, OPEN_TIMEOUT_MS)
            .ok();
    });
    let outcome = JsFuture::from(Promise::race(&Array::of2(&settled, &timeout))).await;
    if let Some(timer) = timer {
        window.clear_timeout_with_handle(timer);
    }
    request.set_onerror(None);
    request.set_onblocked(None);
    match outcome {
        Ok(_) => {
            request.set_onsuccess(None);
            request.set_onupgradeneeded(None);
            drop(on_upgrade);
            let database = request
                .result()
                .ok()
                .and_then(|r| r.dyn_into::<IdbDatabase>().ok())
                .ok_or_else(|| StorageError::Failed("the database did not open".into()))?;
            let connection = Connection(database);
            let names = connection.0.object_store_names();
            if !names.contains(MODELS) || !names.contains(LABEL_SETS) || !names.contains(EXTRAS) {
                return Err(StorageError::Failed(
                    "the database lacks its object stores".into(),
                ));
            }
            Ok(connection)
        }
        Err(reason) => {
            let error = open_failure(&request, &reason);
            // A blocked or slow open may still go through later. Its upgrade must then still
            // make the stores (a database without them would stay broken), and the
            // connection must be closed: so the handler outlives this call (a small leak, on
            // a rare path) and a late success closes what it opened.
            on_upgrade.forget();
            close_when_open(&request);
            Err(error)
        }
    }
}

/// Makes the object stores during the first open. If that fails the upgrade is aborted, so
/// the open fails and a later visit tries again from nothing.
fn create_stores(request: &IdbOpenDbRequest) {
    let Some(database) = request
        .result()
        .ok()
        .and_then(|r| r.dyn_into::<IdbDatabase>().ok())
    else {
        return;
    };
    let names = database.object_store_names();
    for name in [MODELS, LABEL_SETS, EXTRAS] {
        if names.contains(name) {
            continue;
        }
        let parameters = IdbObjectStoreParameters::new();
        // Extras are kept under their own names; models and label sets get numbers.
        parameters.set_auto_increment(name != EXTRAS);
        if database
            .create_object_store_with_optional_parameters(name, &parameters)
            .is_err()
        {
            if let Some(upgrade) = request.transaction() {
                let _ = upgrade.abort();
            }
            return;
        }
    }
}

/// Closes the connection a late-finishing open gives.
fn close_when_open(request: &IdbOpenDbRequest) {
    let opened = request.clone();
    let close = Closure::once_into_js(move || {
        if let Some(database) = opened
            .result()
            .ok()
            .and_then(|r| r.dyn_into::<IdbDatabase>().ok())
        {
            database.close();
        }
    });
    request.set_onsuccess(Some(close.unchecked_ref()));
}

/// What a failed open means: a `blocked` event, an `error` event, or the timer (no event).
fn open_failure(request: &IdbOpenDbRequest, reason: &JsValue) -> StorageError {
    let Some(event) = reason.dyn_ref::<web_sys::Event>() else {
        return StorageError::TimedOut;
    };
    if event.type_() == "blocked" {
        return StorageError::Blocked;
    }
    match request.error().ok().flatten() {
        Some(error) => match error.name().as_str() {
            // Firefox's private windows used to refuse IndexedDB this way.
            "InvalidStateError" | "SecurityError" => StorageError::Unavailable,
            _ => StorageError::from(&error),
        },
        None => StorageError::Unavailable,
    }
}

/// A transaction over both stores.
fn transaction(
    connection: &Connection,
    mode: IdbTransactionMode,
) -> Result<IdbTransaction, StorageError> {
    let names = Array::of3(&MODELS.into(), &LABEL_SETS.into(), &EXTRAS.into());
    attempt(
        "start a transaction",
        connection
            .0
            .transaction_with_str_sequence_and_mode(&names, mode),
    )
}

fn store(tx: &IdbTransaction, name: &str) -> Result<IdbObjectStore, StorageError> {
    attempt("open an object store", tx.object_store(name))
}

/// Adds a record and returns its key once the transaction has committed: only then is it
/// on disk, and only then does a full disk show (as the transaction's abort).
async fn add(
    connection: &Connection,
    store_name: &str,
    record: &Object,
) -> Result<u32, StorageError> {
    let tx = transaction(connection, IdbTransactionMode::Readwrite)?;
    let request = attempt("save the file", store(&tx, store_name)?.add(record))?;
    committed(&tx).await?;
    let key = attempt("read the saved key", request.result())?;
    record_key(&key).ok_or_else(|| StorageError::Failed(format!("an unexpected key {key:?}")))
}

async fn remove(store_name: &str, key: u32) -> Result<(), StorageError> {
    let connection = open().await?;
    let tx = transaction(&connection, IdbTransactionMode::Readwrite)?;
    attempt(
        "remove the saved file",
        store(&tx, store_name)?.delete(&key.into()),
    )?;
    committed(&tx).await
}

/// Reads the record and writes it back renamed, in one transaction so that a removal in
/// another tab cannot slip in between and be undone.
async fn rename(store_name: &str, key: u32, name: &str) -> Result<(), StorageError> {
    let connection = open().await?;
    let tx = transaction(&connection, IdbTransactionMode::Readwrite)?;
    let records = store(&tx, store_name)?;
    let read = attempt("read the saved file", records.get(&key.into()))?;
    let record = finished(&read).await?;
    if !record.is_object() {
        let _ = tx.abort();
        return Err(StorageError::NotFound { key });
    }
    set_field(&record, "name", &name.into());
    attempt(
        "rename the saved file",
        records.put_with_key(&record, &key.into()),
    )?;
    committed(&tx).await
}

/// Removes records by their stored keys, whatever those are.
async fn remove_raw(
    connection: &Connection,
    models: &[JsValue],
    label_sets: &[JsValue],
) -> Result<(), StorageError> {
    let tx = transaction(connection, IdbTransactionMode::Readwrite)?;
    for (name, keys) in [(MODELS, models), (LABEL_SETS, label_sets)] {
        let records = store(&tx, name)?;
        for key in keys {
            attempt("remove an unreadable file", records.delete(key))?;
        }
    }
    committed(&tx).await
}

/// Waits for a request's result.
async fn finished(request: &IdbRequest) -> Result<JsValue, StorageError> {
    let done = Promise::new(&mut |resolve, reject| {
        request.set_onsuccess(Some(&resolve));
        request.set_onerror(Some(&reject));
    });
    let outcome = JsFuture::from(done).await;
    request.set_onsuccess(None);
    request.set_onerror(None);
    match outcome {
        Ok(_) => attempt("read a result", request.result()),
        Err(_) => Err(request.error().ok().flatten().map_or_else(
            || StorageError::Failed("a request failed".into()),
            |e| StorageError::from(&e),
        )),
    }
}

/// Waits for a transaction to commit. Only `complete` and `abort` are listened to: a failed
/// request aborts its transaction, and the abort is where the transaction's error (a full
/// disk among them) is set.
async fn committed(tx: &IdbTransaction) -> Result<(), StorageError> {
    let done = Promise::new(&mut |resolve, reject| {
        tx.set_oncomplete(Some(&resolve));
        tx.set_onabort(Some(&reject));
    });
    let outcome = JsFuture::from(done).await;
    tx.set_oncomplete(None);
    tx.set_onabort(None);
    outcome.map(|_| ()).map_err(|_| {
        tx.error().map_or_else(
            || StorageError::Failed("the browser gave up on the transaction".into()),
            |e| StorageError::from(&e),
        )
    })
}

/// A browser exception as a storage error: a full disk and a newer database get their own
/// sentence, anything else is quoted.
impl From<&DomException> for StorageError {
    fn from(error: &DomException) -> Self {
        match error.name().as_str() {
            "QuotaExceededError" => StorageError::Full,
            "VersionError" => StorageError::NewerVersion,
            name => StorageError::Failed(format!("{name}: {}", error.message())),
        }
    }
}

/// A call that threw, as a storage error saying what was being done.
fn attempt<T>(doing: &str, result: Result<T, JsValue>) -> Result<T, StorageError> {
    result.map_err(|e| match e.dyn_ref::<DomException>() {
        Some(dom) => match StorageError::from(dom) {
            StorageError::Failed(detail) => {
                StorageError::Failed(format!("could not {doing}: {detail}"))
            }
            other => other,
        },
        None => StorageError::Failed(format!("could not {doing}")),
    })
}

fn set_field(record: &JsValue, name: &str, value: &JsValue) {
    // Setting a data property on a plain object cannot fail.
    let _ = Reflect::set(record, &name.into(), value);
}

fn field(record: &JsValue, name: &str) -> JsValue {
    Reflect::get(record, &name.into()).unwrap_or(JsValue::UNDEFINED)
}

/// A key the store generated: a whole number from 1 up.
fn record_key(key: &JsValue) -> Option<u32> {
    let key = key.as_f64()?;
    (key.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&key)).then_some(key as u32)
}

/// Why a record could not be read.
struct Problem {
    /// The name it was saved under, if that much could be read.
    name: Option<String>,
    /// Saved by another version of the page (else damaged).
    other_version: bool,
    /// What is wrong, for a damaged record.
    detail: String,
}

impl Problem {
    fn describe(&self, kind: &str) -> String {
        let which = match &self.name {
            Some(name) => format!("The saved {kind} “{name}”"),
            None => format!("A saved {kind}"),
        };
        if self.other_version {
            format!("{which} was saved by another version of the page and cannot be read here; it was removed.")
        } else {
            format!(
                "{which} could not be read ({}); it was removed.",
                self.detail
            )
        }
    }
}

/// The name and the compact bytes of a record, once its schema is known to be this one.
fn read_common(record: &JsValue) -> Result<(String, Vec<u8>), Problem> {
    let name = field(record, "name").as_string();
    let problem = |other_version, detail: &str| Problem {
        name: name.clone(),
        other_version,
        detail: detail.into(),
    };
    if field(record, "schema").as_f64() != Some(f64::from(SCHEMA_VERSION)) {
        return Err(problem(true, ""));
    }
    let blob = field(record, "blob")
        .dyn_into::<Uint8Array>()
        .map_err(|_| problem(false, "its data is missing"))?;
    let name = name
        .clone()
        .ok_or_else(|| problem(false, "it has no name"))?;
    Ok((name, blob.to_vec()))
}

fn read_model(raw_key: &JsValue, record: &JsValue) -> Result<SavedModel, Problem> {
    let (name, blob) = read_common(record)?;
    let damaged = |detail: String| Problem {
        name: Some(name.clone()),
        other_version: false,
        detail,
    };
    let key = record_key(raw_key).ok_or_else(|| damaged(format!("its key {raw_key:?}")))?;
    let options = field(record, "options")
        .as_string()
        .and_then(|text| options_from_text(&text))
        .ok_or_else(|| damaged("its reading options do not read".into()))?;
    let predictions = compact::decode_predictions(&blob).map_err(|e| Problem {
        name: Some(name.clone()),
        other_version: matches!(e, compact::CompactError::OtherVersion { .. }),
        detail: e.to_string(),
    })?;
    Ok(SavedModel {
        key,
        file_name: field(record, "file_name")
            .as_string()
            .unwrap_or_else(|| name.clone()),
        size_bytes: field(record, "size_bytes").as_f64().unwrap_or(0.0),
        name,
        options,
        predictions,
    })
}

fn read_label_set(raw_key: &JsValue, record: &JsValue) -> Result<SavedLabelSet, Problem> {
    let (name, blob) = read_common(record)?;
    let damaged = |other_version, detail: String| Problem {
        name: Some(name.clone()),
        other_version,
        detail,
    };
    let key = record_key(raw_key).ok_or_else(|| damaged(false, format!("its key {raw_key:?}")))?;
    let set = compact::decode_label_set(&blob).map_err(|e| {
        damaged(
            matches!(e, compact::CompactError::OtherVersion { .. }),
            e.to_string(),
        )
    })?;
    Ok(SavedLabelSet { key, name, set })
}

/// A reading as text, `order|classes` with an empty part for "detected"
/// (`|sorted-wnid-1based`): a few bytes, and no JSON code for one small struct.
fn options_text(options: LoadOptions) -> String {
    format!(
        "{}|{}",
        options.order.map(|o| o.as_str()).unwrap_or(""),
        options.convention.map(|c| c.as_str()).unwrap_or("")
    )
}

/// Reads [`options_text`]; `None` when either part is not a known value.
fn options_from_text(text: &str) -> Option<LoadOptions> {
    let (order, convention) = text.split_once('|')?;
    Some(LoadOptions {
        order: if order.is_empty() {
            None
        } else {
            Some(order.parse().ok()?)
        },
        convention: if convention.is_empty() {
            None
        } else {
            Some(convention.parse().ok()?)
        },
    })
}
