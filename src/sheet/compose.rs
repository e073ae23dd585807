//! The sheet's pixels: each validation image, already decoded and scaled by the browser
//! ([`super::fetch`]), pasted into its square on the captioned background, then the whole
//! encoded as PNG. Plain Rust (the `image` crate), so that it is tested natively.

use super::layout::Rect;
use image::codecs::png::PngEncoder;
use image::{imageops, ExtendedColorType, ImageEncoder, RgbImage};

/// The colour behind a fitted image whose shape is not square.
const MAT: image::Rgb<u8> = image::Rgb([236, 236, 236]);

/// The size an image of `width` × `height` pixels is drawn at to fit whole inside `rect`,
/// keeping its shape (scaled down or up); `None` for an image with no pixels.
pub fn fitted_size(width: u32, height: u32, rect: Rect) -> Option<(u32, u32)> {
    if width == 0 || height == 0 || rect.width == 0 || rect.height == 0 {
        return None;
    }
    let scale = f64::min(
        f64::from(rect.width) / f64::from(width),
        f64::from(rect.height) / f64::from(height),
    );
    let to_w = ((f64::from(width) * scale).round() as u32).clamp(1, rect.width);
    let to_h = ((f64::from(height) * scale).round() as u32).clamp(1, rect.height);
    Some((to_w, to_h))
}

/// Pastes an image already fitted to `rect` (see [`fitted_size`]) into it, centred on the
/// mat. A larger image is cropped to the square, never spilled onto its neighbours.
pub fn paste(sheet: &mut RgbImage, rect: Rect, fitted: &RgbImage) {
    fill(sheet, rect, MAT);
    let (w, h) = (
        fitted.width().min(rect.width),
        fitted.height().min(rect.height),
    );
    let x = rect.x + (rect.width - w) / 2;
    let y = rect.y + (rect.height - h) / 2;
    let inside = imageops::crop_imm(fitted, 0, 0, w, h).to_image();
    imageops::overlay(sheet, &inside, i64::from(x), i64::from(y));
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

/// Drops the alpha of a canvas's RGBA pixels (the canvases are opaque: the background is
/// painted white first, and validation images are JPEGs). `None` when they are too few.
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

    const SQUARE: Rect = Rect {
        x: 10,
        y: 10,
        width: 192,
        height: 192,
    };

    #[test]
    fn an_image_is_fitted_whole_keeping_its_shape() {
        assert_eq!(fitted_size(500, 375, SQUARE), Some((192, 144)));
        assert_eq!(fitted_size(333, 500, SQUARE), Some((128, 192)));
        // Small images are scaled up; a sliver keeps at least one pixel.
        assert_eq!(fitted_size(96, 48, SQUARE), Some((192, 96)));
        assert_eq!(fitted_size(10_000, 1, SQUARE), Some((192, 1)));
        assert_eq!(fitted_size(0, 10, SQUARE), None);
        assert_eq!(fitted_size(10, 0, SQUARE), None);
    }

    #[test]
    fn a_wide_image_is_pasted_centred_on_the_mat() {
        let mut sheet = RgbImage::from_pixel(220, 220, Rgb([255, 255, 255]));
        let (w, h) = fitted_size(400, 200, SQUARE).unwrap();
        paste(
            &mut sheet,
            SQUARE,
            &RgbImage::from_pixel(w, h, Rgb([200, 30, 30])),
        );
        // The image fills the width and half the height, centred: mat above and below.
        assert_eq!(*sheet.get_pixel(106, 106), Rgb([200, 30, 30]));
        assert_eq!(*sheet.get_pixel(10, 58), Rgb([200, 30, 30]));
        assert_eq!(*sheet.get_pixel(201, 153), Rgb([200, 30, 30]));
        assert_eq!(*sheet.get_pixel(106, 12), MAT);
        assert_eq!(*sheet.get_pixel(106, 200), MAT);
        // Nothing outside the square is touched.
        assert_eq!(*sheet.get_pixel(5, 5), Rgb([255, 255, 255]));
        assert_eq!(*sheet.get_pixel(210, 210), Rgb([255, 255, 255]));
    }

    #[test]
    fn an_image_larger_than_its_square_stays_inside_it() {
        let mut sheet = RgbImage::from_pixel(220, 220, Rgb([255, 255, 255]));
        paste(
            &mut sheet,
            SQUARE,
            &RgbImage::from_pixel(300, 300, Rgb([0, 0, 0])),
        );
        assert_eq!(*sheet.get_pixel(10, 10), Rgb([0, 0, 0]));
        assert_eq!(*sheet.get_pixel(201, 201), Rgb([0, 0, 0]));
        assert_eq!(*sheet.get_pixel(202, 202), Rgb([255, 255, 255]));
        assert_eq!(*sheet.get_pixel(9, 9), Rgb([255, 255, 255]));
    }

    #[test]
    fn canvas_pixels_of_the_wrong_length_are_refused() {
        assert!(rgb_of_rgba(2, 2, &[0; 12]).is_none());
        let rgb = rgb_of_rgba(2, 1, &[1, 2, 3, 255, 4, 5, 6, 255]).unwrap();
        assert_eq!(*rgb.get_pixel(1, 0), Rgb([4, 5, 6]));
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
