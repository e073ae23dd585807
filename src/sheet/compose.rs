//! The sheet's pixels: each validation image decoded, fitted into its square and pasted onto
//! the captioned background, then the whole encoded as PNG. Plain Rust (the `image` crate),
//! so that it is tested natively.

use super::layout::Rect;
use image::{imageops, DynamicImage, ImageReader, Limits, RgbaImage};
use std::io::Cursor;

/// The largest decoded image accepted, in bytes: ImageNet's largest is about 30 MB as RGB;
/// more means the file is not a validation image, and the sheet shows a placeholder instead.
const MAX_DECODED_BYTES: u64 = 128 * 1024 * 1024;

/// The colour behind a fitted image whose shape is not square.
const MAT: image::Rgba<u8> = image::Rgba([236, 236, 236, 255]);

/// Decodes an image file (JPEG or PNG, told by its bytes) and pastes it into `rect` of
/// `sheet`, scaled to fit whole and centred. An error says why it could not be read.
pub fn paste(sheet: &mut RgbaImage, rect: Rect, bytes: &[u8]) -> Result<(), String> {
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| e.to_string())?;
    let mut limits = Limits::default();
    limits.max_alloc = Some(MAX_DECODED_BYTES);
    reader.limits(limits);
    let decoded = reader.decode().map_err(|e| e.to_string())?;
    let fitted = fit(&decoded, rect.width, rect.height);
    fill(sheet, rect, MAT);
    let x = rect.x + (rect.width - fitted.width().min(rect.width)) / 2;
    let y = rect.y + (rect.height - fitted.height().min(rect.height)) / 2;
    imageops::overlay(sheet, &fitted, i64::from(x), i64::from(y));
    Ok(())
}

/// The image scaled (down or up) to fit inside `width` × `height`, keeping its shape.
fn fit(image: &DynamicImage, width: u32, height: u32) -> RgbaImage {
    let (w, h) = (image.width().max(1), image.height().max(1));
    let scale = f64::min(f64::from(width) / f64::from(w), f64::from(height) / f64::from(h));
    let to_w = ((f64::from(w) * scale).round() as u32).clamp(1, width);
    let to_h = ((f64::from(h) * scale).round() as u32).clamp(1, height);
    // Triangle (bilinear) filtering averages over the source pixels when shrinking, which
    // keeps a 500-pixel photograph free of aliasing at 192 pixels, and is quick.
    imageops::resize(
        &image.to_rgba8(),
        to_w,
        to_h,
        imageops::FilterType::Triangle,
    )
}

/// Paints a rectangle one colour (clipped to the sheet).
pub fn fill(sheet: &mut RgbaImage, rect: Rect, color: image::Rgba<u8>) {
    let right = (rect.x + rect.width).min(sheet.width());
    let bottom = (rect.y + rect.height).min(sheet.height());
    for y in rect.y..bottom {
        for x in rect.x..right {
            sheet.put_pixel(x, y, color);
        }
    }
}

/// The sheet as a PNG file (RGB: a sheet has no transparency, and a quarter fewer bytes).
pub fn encode_png(sheet: RgbaImage) -> Result<Vec<u8>, String> {
    let rgb = DynamicImage::ImageRgba8(sheet).to_rgb8();
    let mut out = Vec::new();
    rgb.write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
        .map_err(|e| e.to_string())?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{Rgb, RgbImage};

    fn jpeg(width: u32, height: u32, color: [u8; 3]) -> Vec<u8> {
        let image = RgbImage::from_pixel(width, height, Rgb(color));
        let mut out = Vec::new();
        image
            .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Jpeg)
            .unwrap();
        out
    }

    #[test]
    fn a_wide_jpeg_is_fitted_whole_and_centred() {
        let mut sheet = RgbaImage::from_pixel(220, 220, image::Rgba([255, 255, 255, 255]));
        let rect = Rect {
            x: 10,
            y: 10,
            width: 192,
            height: 192,
        };
        paste(&mut sheet, rect, &jpeg(400, 200, [200, 30, 30])).unwrap();
        // The image fills the width and half the height, centred: mat above and below.
        let centre = sheet.get_pixel(106, 106);
        assert!(centre[0] > 150 && centre[1] < 80, "{centre:?}");
        assert_eq!(*sheet.get_pixel(106, 12), MAT);
        assert_eq!(*sheet.get_pixel(106, 200), MAT);
        // Nothing outside the square is touched.
        assert_eq!(*sheet.get_pixel(5, 5), image::Rgba([255, 255, 255, 255]));
        assert_eq!(*sheet.get_pixel(210, 210), image::Rgba([255, 255, 255, 255]));
    }

    #[test]
    fn bytes_that_are_not_an_image_are_an_error_not_a_panic() {
        let mut sheet = RgbaImage::new(50, 50);
        let rect = Rect {
            x: 0,
            y: 0,
            width: 50,
            height: 50,
        };
        assert!(paste(&mut sheet, rect, b"not an image").is_err());
        assert!(paste(&mut sheet, rect, &[0xFF, 0xD8, 0xFF, 0xE0, 0, 16]).is_err());
        assert!(paste(&mut sheet, rect, &[]).is_err());
    }

    #[test]
    fn the_sheet_encodes_as_a_png_of_its_size() {
        let sheet = RgbaImage::from_pixel(30, 20, image::Rgba([1, 2, 3, 255]));
        let png = encode_png(sheet).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        let back = image::load_from_memory(&png).unwrap();
        assert_eq!((back.width(), back.height()), (30, 20));
    }
}
