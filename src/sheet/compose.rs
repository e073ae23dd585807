//! The sheet's pixels: each validation image decoded, fitted into its square and pasted onto
//! the captioned background, then the whole encoded as PNG. Plain Rust (the `image` crate),
//! so that it is tested natively.

use super::layout::Rect;
use image::codecs::jpeg::JpegDecoder;
use image::codecs::png::PngEncoder;
use image::{imageops, ColorType, ExtendedColorType, ImageDecoder, ImageEncoder, Limits, RgbImage};
use std::io::Cursor;

/// The largest decoded image accepted, in bytes: ImageNet's largest is about 30 MB as RGB;
/// more means the file is not a validation image, and the sheet shows a placeholder instead.
const MAX_DECODED_BYTES: u64 = 128 * 1024 * 1024;

/// The colour behind a fitted image whose shape is not square.
const MAT: image::Rgb<u8> = image::Rgb([236, 236, 236]);

/// Decodes a JPEG (every ILSVRC-2012 validation image is one) and pastes it into `rect` of
/// `sheet`, scaled to fit whole and centred. An error says why it could not be read.
///
/// The JPEG decoder is called directly, not through the `image` crate's format guessing and
/// `DynamicImage`: those would link the PNG decoder and conversions between every pixel
/// type into the page's wasm for nothing.
pub fn paste(sheet: &mut RgbImage, rect: Rect, bytes: &[u8]) -> Result<(), String> {
    let decoded = decode_jpeg(bytes)?;
    let fitted = fit(&decoded, rect.width, rect.height);
    fill(sheet, rect, MAT);
    let x = rect.x + (rect.width - fitted.width().min(rect.width)) / 2;
    let y = rect.y + (rect.height - fitted.height().min(rect.height)) / 2;
    imageops::overlay(sheet, &fitted, i64::from(x), i64::from(y));
    Ok(())
}

/// A JPEG's pixels as RGB (greyscale spread over the three channels).
fn decode_jpeg(bytes: &[u8]) -> Result<RgbImage, String> {
    let mut decoder = JpegDecoder::new(Cursor::new(bytes)).map_err(|e| e.to_string())?;
    let mut limits = Limits::default();
    limits.max_alloc = Some(MAX_DECODED_BYTES);
    decoder.set_limits(limits).map_err(|e| e.to_string())?;
    let (width, height) = decoder.dimensions();
    let color = decoder.color_type();
    let size = usize::try_from(decoder.total_bytes()).map_err(|e| e.to_string())?;
    let mut pixels = vec![0; size];
    decoder.read_image(&mut pixels).map_err(|e| e.to_string())?;
    let rgb = match color {
        ColorType::Rgb8 => pixels,
        ColorType::L8 => pixels.iter().flat_map(|v| [*v, *v, *v]).collect(),
        other => return Err(format!("a JPEG of {other:?} pixels is not supported")),
    };
    RgbImage::from_raw(width, height, rgb)
        .ok_or_else(|| "the JPEG decoded to fewer pixels than its size".to_string())
}

/// The image scaled (down or up) to fit inside `width` × `height`, keeping its shape.
fn fit(image: &RgbImage, width: u32, height: u32) -> RgbImage {
    let (w, h) = (image.width().max(1), image.height().max(1));
    let scale = f64::min(
        f64::from(width) / f64::from(w),
        f64::from(height) / f64::from(h),
    );
    let to_w = ((f64::from(w) * scale).round() as u32).clamp(1, width);
    let to_h = ((f64::from(h) * scale).round() as u32).clamp(1, height);
    // Triangle (bilinear) filtering averages over the source pixels when shrinking, which
    // keeps a 500-pixel photograph free of aliasing at 192 pixels, and is quick.
    imageops::resize(image, to_w, to_h, imageops::FilterType::Triangle)
}

/// Paints a rectangle one colour (clipped to the sheet).
pub fn fill(sheet: &mut RgbImage, rect: Rect, color: image::Rgb<u8>) {
    let right = (rect.x + rect.width).min(sheet.width());
    let bottom = (rect.y + rect.height).min(sheet.height());
    for y in rect.y..bottom {
        for x in rect.x..right {
            sheet.put_pixel(x, y, color);
        }
    }
}

/// The sheet as a PNG file (RGB: a sheet has no transparency).
pub fn encode_png(sheet: &RgbImage) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    PngEncoder::new(&mut out)
        .write_image(
            sheet.as_raw(),
            sheet.width(),
            sheet.height(),
            ExtendedColorType::Rgb8,
        )
        .map_err(|e| e.to_string())?;
    Ok(out)
}

/// Drops the alpha of the canvas's RGBA pixels (the canvas is opaque: painted white first).
pub fn rgb_of_rgba(width: u32, height: u32, rgba: &[u8]) -> Option<RgbImage> {
    let rgb = rgba
        .chunks_exact(4)
        .flat_map(|p| [p[0], p[1], p[2]])
        .collect();
    RgbImage::from_raw(width, height, rgb)
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
        let mut sheet = RgbImage::from_pixel(220, 220, Rgb([255, 255, 255]));
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
        assert_eq!(*sheet.get_pixel(5, 5), Rgb([255, 255, 255]));
        assert_eq!(*sheet.get_pixel(210, 210), Rgb([255, 255, 255]));
    }

    #[test]
    fn a_greyscale_jpeg_is_read_as_grey() {
        let grey = image::GrayImage::from_pixel(50, 50, image::Luma([90]));
        let mut bytes = Vec::new();
        grey.write_to(&mut Cursor::new(&mut bytes), image::ImageFormat::Jpeg)
            .unwrap();
        let mut sheet = RgbImage::new(50, 50);
        let rect = Rect {
            x: 0,
            y: 0,
            width: 50,
            height: 50,
        };
        paste(&mut sheet, rect, &bytes).unwrap();
        let p = sheet.get_pixel(25, 25);
        assert!(
            p[0] == p[1] && p[1] == p[2] && (85..=95).contains(&p[0]),
            "{p:?}"
        );
    }

    #[test]
    fn bytes_that_are_not_an_image_are_an_error_not_a_panic() {
        let mut sheet = RgbImage::new(50, 50);
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
        let rgba: Vec<u8> = [1, 2, 3, 255].repeat(30 * 20);
        let sheet = rgb_of_rgba(30, 20, &rgba).unwrap();
        let png = encode_png(&sheet).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        let back = image::load_from_memory(&png).unwrap().to_rgb8();
        assert_eq!((back.width(), back.height()), (30, 20));
        assert_eq!(*back.get_pixel(29, 19), Rgb([1, 2, 3]));
    }
}
