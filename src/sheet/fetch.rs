//! One validation image from the current image source, decoded and scaled by the browser
//! (its JPEG decoder is already there; one in the wasm would be a download for nothing).

use super::compose::{fitted_size, rgb_of_rgba};
use super::layout::Rect;
use crate::images::{fill_template, ImageSource};
use image::RgbImage;
use real_core::{Dataset, ImageId};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    CanvasRenderingContext2d, ContextAttributes2d, HtmlCanvasElement, HtmlImageElement, ImageBitmap,
};

/// Where an image can be read from, taken from the source when the sheet is asked for, so
/// that the source may change while the sheet is being made.
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
            tar.slice_with_f64_and_f64_and_content_type(*start, start + size, "image/jpeg")
                .ok()
                .map(Fetchable::Blob)
        }
        ImageSource::Template(template) => {
            Some(Fetchable::Url(fill_template(template, dataset, image)))
        }
    }
}

/// The canvas each image is scaled on and read back from, one for the whole sheet.
pub struct Scaler {
    canvas: HtmlCanvasElement,
    ctx: CanvasRenderingContext2d,
}

impl Scaler {
    /// `None` when the browser gives no canvas.
    pub fn new() -> Option<Self> {
        let canvas: HtmlCanvasElement = web_sys::window()?
            .document()?
            .create_element("canvas")
            .ok()?
            .dyn_into()
            .ok()?;
        // Every image is read back: a canvas kept in memory, not on the GPU, reads quickest.
        let options = ContextAttributes2d::new();
        options.set_will_read_frequently(true);
        let ctx = canvas
            .get_context_with_context_options("2d", &options)
            .ok()??
            .dyn_into()
            .ok()?;
        Some(Scaler { canvas, ctx })
    }

    /// The image at `at` scaled to fit `rect` whole; `None` when the source cannot be read,
    /// is not an image, or (a URL) its host does not let this page read it (CORS).
    ///
    /// A file or tar slice goes to `createImageBitmap` as it is (no `fetch`, so the page's
    /// `connect-src` needs no `blob:`); a URL is loaded by an `<img>` asking for CORS, which
    /// the page's `img-src` allows.
    pub async fn read(&self, at: &Fetchable, rect: Rect) -> Option<RgbImage> {
        match at {
            Fetchable::Blob(blob) => {
                let promise = web_sys::window()?
                    .create_image_bitmap_with_blob(blob)
                    .ok()?;
                let bitmap: ImageBitmap = JsFuture::from(promise).await.ok()?.dyn_into().ok()?;
                let scaled = fitted_size(bitmap.width(), bitmap.height(), rect).and_then(|size| {
                    self.draw(size, |ctx, w, h| {
                        ctx.draw_image_with_image_bitmap_and_dw_and_dh(&bitmap, 0.0, 0.0, w, h)
                    })
                });
                bitmap.close();
                scaled
            }
            Fetchable::Url(url) => {
                let img = HtmlImageElement::new().ok()?;
                img.set_cross_origin(Some("anonymous"));
                img.set_src(url);
                JsFuture::from(img.decode()).await.ok()?;
                let size = fitted_size(img.natural_width(), img.natural_height(), rect)?;
                self.draw(size, |ctx, w, h| {
                    ctx.draw_image_with_html_image_element_and_dw_and_dh(&img, 0.0, 0.0, w, h)
                })
            }
        }
    }

    /// Draws with `paint` on the canvas sized `width` × `height` and reads the pixels back.
    fn draw(
        &self,
        (width, height): (u32, u32),
        paint: impl FnOnce(&CanvasRenderingContext2d, f64, f64) -> Result<(), JsValue>,
    ) -> Option<RgbImage> {
        // Sizing the canvas clears it and resets the context's settings.
        self.canvas.set_width(width);
        self.canvas.set_height(height);
        // The best scaling the browser has (web-sys has no setter for this one).
        js_sys::Reflect::set(&self.ctx, &"imageSmoothingQuality".into(), &"high".into()).ok()?;
        let (w, h) = (f64::from(width), f64::from(height));
        paint(&self.ctx, w, h).ok()?;
        // A tainted canvas (an image the host did not allow) refuses to be read.
        let pixels = self.ctx.get_image_data(0.0, 0.0, w, h).ok()?.data();
        rgb_of_rgba(width, height, &pixels)
    }
}
