//! The ImageNet data the page needs. It is fetched at start as its own asset beside the wasm
//! (relative, so the page works under any sub-path), checked against the size and SHA-256
//! this build recorded, and decoded once; each worker gets a copy of the same bytes instead of
//! downloading them again.

use crate::load::now_ms;
use js_sys::Uint8Array;
use real_core::dataset::asset::{self, AssetError};
use real_core::Dataset;
use std::cell::RefCell;
use std::sync::Arc;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

thread_local! {
    /// The checked data file, kept to post to each new worker.
    static BYTES: RefCell<Option<Uint8Array>> = const { RefCell::new(None) };
    /// Bytes handed over instead of fetched.
    static SUPPLIED: RefCell<Option<Vec<u8>>> = const { RefCell::new(None) };
}

/// The decoded data.
#[derive(Clone, Debug)]
pub struct Loaded {
    /// The dataset.
    pub dataset: Arc<Dataset>,
    /// Time to check and decode the file, in milliseconds.
    pub decode_ms: f64,
}

/// Hands the page the data file so that it fetches nothing (tests, or a page that carries the
/// file itself). The bytes are checked like a fetched file.
pub fn supply(bytes: Vec<u8>) {
    SUPPLIED.with(|s| *s.borrow_mut() = Some(bytes));
}

/// The checked data file, once loaded: what a worker is given.
pub fn bytes() -> Option<Uint8Array> {
    BYTES.with(|b| b.borrow().clone())
}

/// Fetches (unless supplied), checks and decodes the data file; the error is one sentence for
/// the user.
pub async fn load() -> Result<Loaded, String> {
    if let Some(bytes) = SUPPLIED.with(|s| s.borrow().clone()) {
        return decode(Uint8Array::from(bytes.as_slice()), bytes).map_err(|e| e.to_string());
    }
    let (js, bytes) = fetch(false).await?;
    match decode(js, bytes) {
        // After the site was updated the browser's cache may still hold the old file: ask the
        // server once more, past the cache, before giving up.
        Err(AssetError::Mismatch { .. }) => {
            let (js, bytes) = fetch(true).await?;
            decode(js, bytes).map_err(|e| e.to_string())
        }
        result => result.map_err(|e| e.to_string()),
    }
}

fn decode(js: Uint8Array, bytes: Vec<u8>) -> Result<Loaded, AssetError> {
    let started = now_ms();
    let dataset = Dataset::decode_checked(&bytes)?;
    BYTES.with(|b| *b.borrow_mut() = Some(js));
    Ok(Loaded {
        dataset: Arc::new(dataset),
        decode_ms: now_ms() - started,
    })
}

async fn fetch(past_cache: bool) -> Result<(Uint8Array, Vec<u8>), String> {
    let fail = |why: &str| {
        format!(
            "the ImageNet labels ({}) could not be downloaded: {why}",
            asset::FILE_NAME
        )
    };
    let window = web_sys::window().ok_or_else(|| fail("no window"))?;
    let init = web_sys::RequestInit::new();
    if past_cache {
        init.set_cache(web_sys::RequestCache::Reload);
    }
    let url = format!("./{}", asset::FILE_NAME);
    let response = JsFuture::from(window.fetch_with_str_and_init(&url, &init))
        .await
        .map_err(|_| fail("a network error"))?;
    let response: web_sys::Response = response.dyn_into().map_err(|_| fail("no response"))?;
    if !response.ok() {
        return Err(fail(&format!(
            "the server answered {} {}",
            response.status(),
            response.status_text()
        )));
    }
    let body = response
        .array_buffer()
        .map_err(|_| fail("the body could not be read"))?;
    let buffer = JsFuture::from(body)
        .await
        .map_err(|_| fail("the download broke off"))?;
    let js = Uint8Array::new(&buffer);
    let bytes = js.to_vec();
    Ok((js, bytes))
}
