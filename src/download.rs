//! Downloads a link asks for: predictions (`?predictions=URL`) and rater files or relabelings
//! (the `evidence=` folder). A link is anyone's to craft, so a download is accepted only over
//! https or from this page's own site, is at most [`MAX_FILE_BYTES`], is refused on its
//! announced size before its body comes, and is stopped as soon as its body passes the cap.
//! The body is kept as the browser's own chunks, outside the page's wasm memory, and becomes a
//! `File` to hand to the worker like a picked one.

use real_core::limits::MAX_FILE_BYTES;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Why a download gave no file.
#[derive(Clone, Debug, PartialEq)]
pub enum Failure {
    /// It was cancelled.
    Cancelled,
    /// What went wrong, as one sentence.
    Failed(String),
}

impl Failure {
    /// The sentence, or `None` when cancelled (which needs none).
    pub fn message(self) -> Option<String> {
        match self {
            Failure::Cancelled => None,
            Failure::Failed(message) => Some(message),
        }
    }
}

/// Whether a link may name an address with this scheme (`https:`) and origin, on a page
/// served from `page_origin`: https anywhere, or the page's own site (which is plain http on
/// a developer's machine). Nothing else: `http:` elsewhere, `data:`, `blob:`, `javascript:`,
/// `file:`.
pub fn accepts(protocol: &str, origin: &str, page_origin: &str) -> bool {
    protocol == "https:" || (protocol == "http:" && origin == page_origin)
}

/// The one-line refusal of a link to `url`.
pub fn refusal(url: &str, page_origin: &str) -> String {
    format!(
        "only https:// addresses and this page's own site ({page_origin}) are accepted in a link, \
         and {url} is neither"
    )
}

/// `url` resolved against the page, if a link may name it; else the one-line refusal.
pub fn accept(url: &str) -> Result<String, String> {
    let location = web_sys::window()
        .ok_or_else(|| "no window".to_string())?
        .location();
    let page_origin = location.origin().unwrap_or_default();
    let base = location.href().unwrap_or_default();
    match web_sys::Url::new_with_base(url, &base) {
        Ok(parsed) if accepts(&parsed.protocol(), &parsed.origin(), &page_origin) => {
            Ok(parsed.href())
        }
        _ => Err(refusal(url, &page_origin)),
    }
}

/// A size cap in words.
fn in_words(cap: u64) -> String {
    if cap >= 1 << 30 && cap.is_multiple_of(1 << 30) {
        format!("{} GiB", cap >> 30)
    } else {
        format!("{cap} bytes")
    }
}

/// A size in megabytes, for messages and progress.
pub fn megabytes(bytes: f64) -> String {
    format!("{:.1} MB", bytes / 1e6)
}

/// What a rejected promise of a download means: the cancel when `control` was aborted, else
/// `message`.
fn failure(control: &web_sys::AbortController, message: &str) -> Failure {
    if control.signal().aborted() {
        Failure::Cancelled
    } else {
        Failure::Failed(message.to_string())
    }
}

/// Downloads `url` (after [`accept`]) into a `File` named `name`, telling `progress` the bytes
/// received and, when the host says, the total. (`progress` is a `dyn`: one copy of this code
/// serves every caller.) Aborting `control` cancels it (one of its own
/// when `None`).
pub async fn fetch(
    url: &str,
    name: &str,
    control: Option<&web_sys::AbortController>,
    progress: &dyn Fn(f64, Option<f64>),
) -> Result<web_sys::File, Failure> {
    let url = accept(url).map_err(Failure::Failed)?;
    let own;
    let control = match control {
        Some(control) => control,
        None => {
            own = web_sys::AbortController::new()
                .map_err(|_| Failure::Failed("the browser cannot download here".into()))?;
            &own
        }
    };
    let window = web_sys::window().ok_or_else(|| failure(control, "no window"))?;
    let init = web_sys::RequestInit::new();
    init.set_signal(Some(&control.signal()));
    let response = JsFuture::from(window.fetch_with_str_and_init(&url, &init))
        .await
        .map_err(|_| {
            failure(
                control,
                "the download failed (a network error, or the host does not allow cross-origin requests)",
            )
        })?;
    let response: web_sys::Response = response
        .dyn_into()
        .map_err(|_| failure(control, "no response"))?;
    if !response.ok() {
        return Err(Failure::Failed(format!(
            "the host answered {} {}",
            response.status(),
            response.status_text()
        )));
    }
    read(&response, MAX_FILE_BYTES, name, control, progress).await
}

/// Reads a response's body into a `File` named `name`, as the browser's own chunks: refused
/// when it announces more than `cap` bytes, stopped as soon as it passes `cap` (aborting
/// `control`, which ends the transfer).
pub async fn read(
    response: &web_sys::Response,
    cap: u64,
    name: &str,
    control: &web_sys::AbortController,
    progress: &dyn Fn(f64, Option<f64>),
) -> Result<web_sys::File, Failure> {
    let cap_bytes = cap as f64;
    // The announced size refuses a file before its body comes (a compressed body announces
    // less than it inflates to, which the count below catches).
    let total = response
        .headers()
        .get("content-length")
        .ok()
        .flatten()
        .and_then(|length| length.trim().parse::<f64>().ok());
    if let Some(total) = total.filter(|&t| t > cap_bytes) {
        control.abort();
        return Err(Failure::Failed(format!(
            "it is {}, more than the {} the page accepts",
            megabytes(total),
            in_words(cap)
        )));
    }
    let chunks = js_sys::Array::new();
    if let Some(body) = response.body() {
        let reader: web_sys::ReadableStreamDefaultReader = body
            .get_reader()
            .dyn_into()
            .map_err(|_| failure(control, "the body could not be read"))?;
        let mut received = 0f64;
        progress(received, total);
        loop {
            let step = JsFuture::from(reader.read())
                .await
                .map_err(|_| failure(control, "the download broke off"))?;
            if js_sys::Reflect::get(&step, &JsValue::from_str("done"))
                .map(|done| done.is_truthy())
                .unwrap_or(true)
            {
                break;
            }
            let chunk: js_sys::Uint8Array =
                js_sys::Reflect::get(&step, &JsValue::from_str("value"))
                    .ok()
                    .and_then(|value| value.dyn_into().ok())
                    .ok_or_else(|| failure(control, "the body could not be read"))?;
            received += f64::from(chunk.length());
            if received > cap_bytes {
                // Stops the transfer; what came so far is dropped.
                control.abort();
                return Err(Failure::Failed(format!(
                    "it passed {}, the most the page accepts, and was stopped",
                    in_words(cap)
                )));
            }
            chunks.push(&chunk);
            progress(received, total.filter(|&t| t >= received));
        }
    }
    web_sys::File::new_with_u8_array_sequence(&chunks, name)
        .map_err(|_| Failure::Failed("the browser could not hold the downloaded file".into()))
}

/// The file name a URL ends in, for the model's name.
pub fn file_name(url: &str) -> String {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    match path.trim_end_matches('/').rsplit('/').next() {
        Some(name) if !name.is_empty() => name.to_string(),
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::{accepts, file_name};

    const PAGE: &str = "http://127.0.0.1:8080";

    #[test]
    fn links_may_name_https_anywhere_or_the_pages_own_site() {
        assert!(accepts("https:", "https://example.org", PAGE));
        assert!(accepts("http:", PAGE, PAGE));
        assert!(accepts(
            "https:",
            "https://example.org",
            "https://example.org"
        ));
    }

    #[test]
    fn links_may_not_name_anything_else() {
        assert!(!accepts("http:", "http://example.org", PAGE));
        assert!(!accepts("http:", "http://127.0.0.1:8081", PAGE));
        // A page served over https never falls back to http, even on its own host.
        assert!(!accepts(
            "http:",
            "http://example.org",
            "https://example.org"
        ));
        // blob: URLs carry their creator's origin: the scheme refuses them.
        assert!(!accepts("blob:", PAGE, PAGE));
        for scheme in ["data:", "javascript:", "file:", "ftp:", "ws:"] {
            assert!(!accepts(scheme, "null", PAGE), "{scheme}");
            assert!(!accepts(scheme, PAGE, PAGE), "{scheme}");
        }
    }

    #[test]
    fn a_url_is_named_after_its_last_path_segment() {
        assert_eq!(file_name("https://host/a/b/top1.json"), "top1.json");
        assert_eq!(
            file_name("https://host/a/top5.npy?download=1#x"),
            "top5.npy"
        );
        assert_eq!(file_name("https://host/a/folder/"), "folder");
    }
}
