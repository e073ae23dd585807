//! The contact sheet: the first cases of a filter as captioned thumbnails in one PNG, for
//! papers and slides.

mod captions;
pub mod compose;
mod fetch;
pub mod layout;

pub use fetch::{locate, Fetchable};

/// A finished sheet.
pub struct Sheet {
    /// The PNG file.
    pub png: Vec<u8>,
    /// Cases on it.
    pub shown: usize,
    /// Of those, cases whose image the source did not have or could not be read.
    pub missing: usize,
}

/// Draws the sheet: the captions, then each image read from where `images` says (in the
/// layout's order), then the PNG. `progress` hears how many images are done.
pub async fn make(
    layout: &layout::Layout,
    images: Vec<Option<Fetchable>>,
    progress: impl Fn(usize),
) -> Result<Sheet, String> {
    let mut sheet = captions::background(layout)?;
    let scaler = fetch::Scaler::new().ok_or("the browser could not make a canvas")?;
    let mut missing = 0;
    for (done, (cell, at)) in layout.cells.iter().zip(images).enumerate() {
        let thumb = match at {
            Some(at) => scaler.read(&at, cell.thumb).await,
            None => None,
        };
        match thumb {
            Some(thumb) => compose::paste(&mut sheet, cell.thumb, &thumb),
            None => missing += 1,
        }
        progress(done + 1);
    }
    Ok(Sheet {
        png: compose::encode_png(&sheet)?,
        shown: layout.cells.len(),
        missing,
    })
}
