//! Folders of images beyond a file input: a folder picked with the File System Access API is
//! remembered across visits (its handle is kept in IndexedDB, where the browser allows), and
//! folders dropped on the page are walked. The browser APIs involved are promise- and
//! iterator-heavy, so a few lines of JavaScript do the walking.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(inline_js = r#"
const DB = 'real-explorer', STORE = 'handles', KEY = 'images';
const NAME = /ILSVRC2012_val_\d{8}/;

function open() {
  return new Promise((ok, fail) => {
    const r = indexedDB.open(DB, 1);
    r.onupgradeneeded = () => r.result.createObjectStore(STORE);
    r.onsuccess = () => ok(r.result);
    r.onerror = () => fail(r.error);
  });
}

async function save(handle) {
  const db = await open();
  await new Promise((ok, fail) => {
    const t = db.transaction(STORE, 'readwrite');
    t.objectStore(STORE).put(handle, KEY);
    t.oncomplete = ok;
    t.onerror = () => fail(t.error);
  });
}

async function load() {
  try {
    const db = await open();
    return await new Promise((ok) => {
      const r = db.transaction(STORE).objectStore(STORE).get(KEY);
      r.onsuccess = () => ok(r.result ?? null);
      r.onerror = () => ok(null);
    });
  } catch {
    return null;
  }
}

// Every validation image below a directory handle (flat or ImageFolder layout).
async function walkHandle(dir) {
  const handles = [];
  const stack = [dir];
  while (stack.length) {
    for await (const entry of stack.pop().values()) {
      if (entry.kind === 'directory') stack.push(entry);
      else if (NAME.test(entry.name)) handles.push(entry);
    }
  }
  const files = [];
  for (let i = 0; i < handles.length; i += 500) {
    files.push(...await Promise.all(handles.slice(i, i + 500).map((h) => h.getFile())));
  }
  return files;
}

export function can_remember_folders() {
  return typeof window.showDirectoryPicker === 'function' && typeof indexedDB !== 'undefined';
}

export async function pick_and_remember() {
  const handle = await window.showDirectoryPicker({ id: 'imagenet-val', mode: 'read' });
  try { await save(handle); } catch { /* remembering is a convenience */ }
  return walkHandle(handle);
}

export async function remembered_name() {
  const handle = await load();
  return handle ? handle.name : null;
}

export async function reopen_remembered() {
  const handle = await load();
  if (!handle) return null;
  let state = await handle.queryPermission?.({ mode: 'read' }) ?? 'granted';
  if (state !== 'granted') state = await handle.requestPermission({ mode: 'read' });
  return state === 'granted' ? walkHandle(handle) : null;
}

// Files and folders dropped on the page, folders walked.
export async function dropped_files(transfer) {
  const entries = [...transfer.items].map((i) => i.webkitGetAsEntry?.()).filter(Boolean);
  if (!entries.length) return [...transfer.files];
  const files = [];
  const readAll = (reader) => new Promise((ok, fail) => reader.readEntries(ok, fail));
  const stack = [...entries];
  while (stack.length) {
    const entry = stack.pop();
    if (entry.isDirectory) {
      const reader = entry.createReader();
      for (let batch = await readAll(reader); batch.length; batch = await readAll(reader)) stack.push(...batch);
    } else {
      files.push(await new Promise((ok, fail) => entry.file(ok, fail)));
    }
  }
  return files;
}
"#)]
extern "C" {
    /// Whether folders can be picked as handles and remembered (Chromium-based browsers).
    pub fn can_remember_folders() -> bool;
    /// Asks for a folder, remembers it, and resolves to its validation images (`File[]`).
    #[wasm_bindgen(catch)]
    pub async fn pick_and_remember() -> Result<JsValue, JsValue>;
    /// The name of the remembered folder, or null.
    #[wasm_bindgen(catch)]
    pub async fn remembered_name() -> Result<JsValue, JsValue>;
    /// The remembered folder's images, asking for permission again if needed (needs a click).
    #[wasm_bindgen(catch)]
    pub async fn reopen_remembered() -> Result<JsValue, JsValue>;
    /// The files of a drop, with dropped folders walked.
    #[wasm_bindgen(catch)]
    pub async fn dropped_files(transfer: &web_sys::DataTransfer) -> Result<JsValue, JsValue>;
}

/// A JS array of `File`s as a Rust list.
pub fn files_of(value: &JsValue) -> Vec<web_sys::File> {
    use wasm_bindgen::JsCast;
    js_sys::Array::from(value)
        .iter()
        .filter_map(|f| f.dyn_into::<web_sys::File>().ok())
        .collect()
}
