//! Where validation images come from: a picked folder, the original tar read in place, or a
//! URL template. ImageNet images cannot ship with the page.

use real_core::{Dataset, ImageId};
use std::collections::HashMap;
use wasm_bindgen_futures::JsFuture;

/// The current source of images.
#[derive(Clone, Debug, Default)]
pub enum ImageSource {
    /// No images: cases show a placeholder.
    #[default]
    None,
    /// Files picked from a folder (flat or ImageFolder layout), by image.
    Folder(HashMap<ImageId, web_sys::File>),
    /// `ILSVRC2012_img_val.tar` read in place: each image is a slice of the file.
    Tar {
        tar: web_sys::File,
        members: TarMembers,
    },
    /// A URL template with `{file}`, `{wnid}` and `{id}`.
    Template(String),
}

impl ImageSource {
    /// A URL for an image, or `None` when the source does not have it. Object URLs are made
    /// on demand; the caller revokes them when the image leaves the screen.
    pub fn url(&self, dataset: &Dataset, image: ImageId) -> Option<ImageUrl> {
        match self {
            ImageSource::None => None,
            ImageSource::Folder(files) => {
                let file = files.get(&image)?;
                web_sys::Url::create_object_url_with_blob(file)
                    .ok()
                    .map(ImageUrl::Object)
            }
            ImageSource::Tar { tar, members } => {
                let (start, size) = members.get(&image)?;
                let slice = tar
                    .slice_with_f64_and_f64_and_content_type(*start, start + size, "image/jpeg")
                    .ok()?;
                web_sys::Url::create_object_url_with_blob(&slice)
                    .ok()
                    .map(ImageUrl::Object)
            }
            ImageSource::Template(template) => {
                Some(ImageUrl::Remote(fill_template(template, dataset, image)))
            }
        }
    }
}

/// A URL to show; object URLs must be revoked after use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImageUrl {
    /// `blob:` URL owned by the page.
    Object(String),
    /// A URL on the user's host.
    Remote(String),
}

impl ImageUrl {
    /// The URL text.
    pub fn as_str(&self) -> &str {
        match self {
            ImageUrl::Object(s) | ImageUrl::Remote(s) => s,
        }
    }
}

impl Drop for ImageUrl {
    fn drop(&mut self) {
        if let ImageUrl::Object(url) = self {
            let _ = web_sys::Url::revoke_object_url(url);
        }
    }
}

/// Fills `{file}` (ILSVRC2012_val_00000001.JPEG), `{wnid}` (the original label's folder)
/// and `{id}` (the image number) in a URL template.
pub fn fill_template(template: &str, dataset: &Dataset, image: ImageId) -> String {
    template
        .replace("{file}", &image.file_name())
        .replace("{wnid}", &dataset.class(dataset.original_label(image)).wnid)
        .replace("{id}", &image.0.to_string())
}

/// Indexes files by the validation image they name; others are ignored.
pub fn index_files(
    files: impl IntoIterator<Item = web_sys::File>,
) -> HashMap<ImageId, web_sys::File> {
    files
        .into_iter()
        .filter_map(|file| ImageId::from_file_name(&file.name()).map(|image| (image, file)))
        .collect()
}

/// The files of a `FileList`.
pub fn list(files: &web_sys::FileList) -> Vec<web_sys::File> {
    (0..files.length()).filter_map(|i| files.get(i)).collect()
}

/// Where each validation image lies in a tar: (first byte, length).
pub type TarMembers = HashMap<ImageId, (f64, f64)>;

/// Indexes a tar on the page's own thread, where no worker can run (see `tar_index`): the same
/// walk as the worker's, with asynchronous reads. `progress` is told the fraction walked and
/// the images found, and the members walked come back with the index.
pub async fn index_tar_here(
    tar: &web_sys::File,
    progress: impl Fn(f64, usize),
) -> Result<(TarMembers, u64), String> {
    let mut walker = real_core::tar::Walker::new(tar.size() as u64);
    let mut reads = 0usize;
    while let Some(want) = walker.walk().map_err(|e| format!("{e}."))? {
        let bytes = read_slice(tar, want.offset as f64, want.len as f64).await?;
        walker.give(want.offset, bytes);
        reads += 1;
        if reads.is_multiple_of(500) {
            progress(
                walker.walked() as f64 / walker.total() as f64,
                walker.images(),
            );
        }
    }
    let index = walker.finish().map_err(|e| format!("{e}."))?;
    let members = index
        .members
        .iter()
        .map(|m| (m.image, (m.offset as f64, m.size as f64)))
        .collect();
    Ok((members, index.entries))
}

async fn read_slice(file: &web_sys::File, start: f64, len: f64) -> Result<Vec<u8>, String> {
    let blob = file
        .slice_with_f64_and_f64(start, start + len)
        .map_err(|_| "the tar could not be sliced".to_string())?;
    let buffer = JsFuture::from(blob.array_buffer())
        .await
        .map_err(|_| "the tar could not be read".to_string())?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}
