//! The bytes of one validation image from the current image source.

use crate::images::{fill_template, ImageSource};
use real_core::{Dataset, ImageId};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Where an image's bytes can be read from, taken from the source when the sheet is asked
/// for, so that the source may change while the sheet is being made.
pub enum Fetchable {
    /// A picked file or a slice of the tar.
    Blob(web_sys::Blob),
    /// A URL from the template.
    Url(String),
}

/// Where to read an image, or `None` when the source does not have it.
pub fn locate(source: &ImageSource, dataset: &Dataset, image: ImageId) -> Option<Fetchable> {
    match source {
        ImageSource::None => None,
        ImageSource::Folder(files) => files.get(&image)?.slice().ok().map(Fetchable::Blob),
        ImageSource::Tar { tar, members } => {
            let (start, size) = members.get(&image)?;
            tar.slice_with_f64_and_f64(*start, start + size)
                .ok()
                .map(Fetchable::Blob)
        }
        ImageSource::Template(template) => {
            Some(Fetchable::Url(fill_template(template, dataset, image)))
        }
    }
}

/// Reads the bytes; `None` when the file cannot be read or the host does not answer (a
/// template's host must allow this page to read its images: CORS).
pub async fn read(at: &Fetchable) -> Option<Vec<u8>> {
    let buffer = match at {
        Fetchable::Blob(blob) => JsFuture::from(blob.array_buffer()).await.ok()?,
        Fetchable::Url(url) => {
            let window = web_sys::window()?;
            let response: web_sys::Response = JsFuture::from(window.fetch_with_str(url))
                .await
                .ok()?
                .dyn_into()
                .ok()?;
            if !response.ok() {
                return None;
            }
            JsFuture::from(response.array_buffer().ok()?).await.ok()?
        }
    };
    Some(js_sys::Uint8Array::new(&buffer).to_vec())
}
