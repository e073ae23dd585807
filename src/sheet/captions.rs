//! The sheet's text, drawn by the browser's canvas: its fonts have every glyph a class name
//! or a model name may need, hinted and anti-aliased, which a bitmap font carried in the wasm
//! would not give at this size. The canvas draws only text and placeholders; the pixels then
//! go to [`super::compose`].

use super::layout::{fit, Layout, TextLine, Tone, FONT};
use image::RgbImage;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

fn failed(what: &str) -> impl Fn(wasm_bindgen::JsValue) -> String + '_ {
    move |_| format!("the browser could not {what}")
}

/// The sheet's background: white, a grey square with "no image" where each thumbnail goes
/// (covered when the image is found), the title and every caption.
pub fn background(layout: &Layout) -> Result<RgbImage, String> {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document to draw in")?;
    let canvas: HtmlCanvasElement = document
        .create_element("canvas")
        .map_err(failed("make a canvas"))?
        .dyn_into()
        .map_err(|_| "the browser could not make a canvas".to_string())?;
    canvas.set_width(layout.width);
    canvas.set_height(layout.height);
    let ctx: CanvasRenderingContext2d = canvas
        .get_context("2d")
        .map_err(failed("draw on a canvas"))?
        .ok_or("the browser could not draw on a canvas")?
        .dyn_into()
        .map_err(|_| "the browser could not draw on a canvas".to_string())?;
    ctx.set_fill_style_str("#ffffff");
    ctx.fill_rect(0.0, 0.0, f64::from(layout.width), f64::from(layout.height));
    for cell in &layout.cells {
        let t = cell.thumb;
        ctx.set_fill_style_str("#e4e4e4");
        ctx.fill_rect(
            f64::from(t.x),
            f64::from(t.y),
            f64::from(t.width),
            f64::from(t.height),
        );
        ctx.set_font(FONT);
        ctx.set_fill_style_str(Tone::Muted.color());
        ctx.set_text_align("center");
        ctx.fill_text(
            "no image in the source",
            f64::from(t.x + t.width / 2),
            f64::from(t.y + t.height / 2),
        )
        .map_err(failed("draw text"))?;
        ctx.set_text_align("start");
    }
    for line in layout
        .title
        .iter()
        .chain(layout.cells.iter().flat_map(|c| &c.lines))
    {
        draw(&ctx, line)?;
    }
    let pixels = ctx
        .get_image_data(0.0, 0.0, f64::from(layout.width), f64::from(layout.height))
        .map_err(failed("read the canvas"))?
        .data();
    super::compose::rgb_of_rgba(layout.width, layout.height, &pixels)
        .ok_or_else(|| "the canvas gave fewer pixels than its size".to_string())
}

fn draw(ctx: &CanvasRenderingContext2d, line: &TextLine) -> Result<(), String> {
    ctx.set_font(line.font);
    ctx.set_fill_style_str(line.tone.color());
    // A string that cannot be measured counts as too wide, so it is shortened, never spilled.
    let measure = |text: &str| {
        ctx.measure_text(text)
            .map(|m| m.width())
            .unwrap_or(f64::INFINITY)
    };
    let text = fit(line, &measure);
    ctx.fill_text(&text, f64::from(line.x), f64::from(line.y))
        .map_err(failed("draw text"))
}
