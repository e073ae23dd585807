//! Handing the user a file: a Blob, an object URL, and a temporary `<a download>` clicked.

use wasm_bindgen::JsCast;

/// How long an object URL lives after its link is clicked. The browser has taken the Blob by
/// then; revoking at once can cancel the download in some browsers.
const REVOKE_AFTER: std::time::Duration = std::time::Duration::from_secs(30);

/// Offers `bytes` as a download named `name`.
pub fn save(name: &str, mime: &str, bytes: &[u8]) -> Result<(), String> {
    let failed = |_| "the browser would not make the file".to_string();
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob =
        web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).map_err(failed)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(failed)?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let link: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(failed)?
        .dyn_into()
        .map_err(|_| "the browser would not make a link".to_string())?;
    link.set_href(&url);
    link.set_download(name);
    // Some browsers follow only links that are in the document.
    let body = document.body().ok_or("no document body")?;
    body.append_child(&link).map_err(failed)?;
    link.click();
    link.remove();
    leptos::prelude::set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        },
        REVOKE_AFTER,
    );
    Ok(())
}
