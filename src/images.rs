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
        members: HashMap<ImageId, (f64, f64)>,
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

/// Reads a tar's headers (not its contents) and records where each validation image lies.
/// `progress` is told the fraction of the file walked so far.
pub async fn index_tar(
    tar: &web_sys::File,
    progress: impl Fn(f64),
) -> Result<HashMap<ImageId, (f64, f64)>, String> {
    let total = tar.size();
    let mut members = HashMap::new();
    let mut offset = 0f64;
    let mut long_name: Option<String> = None;
    let mut step = 0usize;
    while offset + 512.0 <= total {
        let header = read_slice(tar, offset, 512.0).await?;
        if header.iter().all(|b| *b == 0) {
            break;
        }
        let name = long_name.take().unwrap_or_else(|| {
            let prefix = field_text(&header[345..500]);
            let name = field_text(&header[0..100]);
            if prefix.is_empty() {
                name
            } else {
                format!("{prefix}/{name}")
            }
        });
        let size = parse_octal(&header[124..136])
            .ok_or_else(|| format!("the tar header at byte {offset} has no valid size"))?;
        let data_start = offset + 512.0;
        match header[156] {
            // GNU long name: the next member's name is this member's data.
            b'L' => {
                let bytes = read_slice(tar, data_start, size).await?;
                long_name = Some(field_text(&bytes));
            }
            b'0' | 0 => {
                if let Some(image) = ImageId::from_file_name(&name) {
                    members.insert(image, (data_start, size));
                }
            }
            _ => {}
        }
        offset = data_start + (size / 512.0).ceil() * 512.0;
        step += 1;
        if step.is_multiple_of(500) {
            progress(offset / total);
        }
    }
    if members.is_empty() {
        return Err(
            "no ILSVRC2012_val_…JPEG file was found in the tar; expected ILSVRC2012_img_val.tar"
                .into(),
        );
    }
    Ok(members)
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

fn field_text(bytes: &[u8]) -> String {
    let end = bytes.iter().position(|b| *b == 0).unwrap_or(bytes.len());
    String::from_utf8_lossy(&bytes[..end]).trim().to_string()
}

fn parse_octal(bytes: &[u8]) -> Option<f64> {
    let text = field_text(bytes);
    let text = text.trim();
    if text.is_empty() {
        return Some(0.0);
    }
    u64::from_str_radix(text, 8).ok().map(|v| v as f64)
}
