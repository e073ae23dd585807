//! Confidence as data: the model's top-1 confidence against how often it is right, under ReaL
//! and under the original labels side by side (reliability diagrams), with the expected
//! calibration error of each; or why the file has no confidence to show.
//!
//! Each diagram is one piece of SVG markup built as text, like the threshold plot: far less
//! wasm than a view per bar. It carries numbers and escaped names only, and no `style`
//! attribute (the page's Content-Security-Policy allows none): its look is in style/.

use crate::text::{count, percent};
use leptos::prelude::*;
use real_core::calibration::{Calibration, Reliability as Diagram};
use std::fmt::Write;

/// Size of one diagram in SVG units; CSS scales it to its column.
const WIDTH: f64 = 320.0;
const HEIGHT: f64 = 250.0;
const LEFT: f64 = 46.0;
const RIGHT: f64 = 10.0;
const TOP: f64 = 10.0;
const BOTTOM: f64 = 42.0;

/// The reliability diagrams of the model on screen, or why there are none.
#[component]
pub fn Reliability(
    /// Both diagrams, or the sentence saying why the file has no confidence.
    calibration: Result<Calibration, String>,
    /// The display name of the ReaL label set as shown (it follows the threshold).
    real_name: String,
) -> impl IntoView {
    let heading = "Confidence against accuracy";
    match calibration {
        Err(reason) => view! {
            <figure class="reliability" data-testid="reliability">
                <figcaption>
                    <strong>{heading}</strong>
                    <span class="reliability-absent" data-testid="reliability-absent">{format!(" — {reason}")}</span>
                </figcaption>
            </figure>
        }
        .into_any(),
        Ok(c) => {
            let panels = format!(
                "{}{}",
                panel(&c.real, &real_name, "real", "images it scores"),
                panel(&c.original, "the original labels", "original", "images")
            );
            let table = table(&c, &real_name);
            view! {
                <figure class="reliability" data-testid="reliability">
                    <figcaption>
                        <strong>{heading}</strong>
                        " (reliability diagrams). The model's top-1 confidence is split into 15 equal bins; a bar is how often the top-1 is right in its bin, a short dark line the bin's mean confidence, and the dashed diagonal where the two agree. ECE (expected calibration error) is the gap between them, averaged over the images."
                    </figcaption>
                    <div class="reliability-panels" inner_html=panels></div>
                    <details class="reliability-table">
                        <summary>"The bins as a table"</summary>
                        <div class="table-scroll" inner_html=table></div>
                    </details>
                </figure>
            }
            .into_any()
        }
    }
}

/// One diagram with its heading and ECE, as markup.
fn panel(d: &Diagram, name: &str, key: &str, over: &str) -> String {
    let name = crate::text::escape_markup(name);
    let ece = d.ece().map(percent).unwrap_or_else(|| "—".into());
    let summary = format!(
        "over {} {over} · top-1 right {} · mean confidence {}",
        count(d.images),
        d.accuracy().map(percent).unwrap_or_else(|| "—".into()),
        d.mean_confidence()
            .map(percent)
            .unwrap_or_else(|| "—".into()),
    );
    let mut out = format!(
        "<div class=\"reliability-panel\" data-testid=\"reliability-{key}\"><h4>Under {name}</h4>\
         <p class=\"ece\">ECE <strong data-testid=\"ece-{key}\">{ece}</strong> <span class=\"note\">{summary}</span></p>"
    );
    let label = format!(
        "Reliability diagram under {name}: ECE {ece} {summary}. The bins are listed in the table below."
    );
    let _ = write!(
        out,
        "<svg class=\"reliability-plot\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\" aria-label=\"{label}\">"
    );
    let (inner_w, inner_h) = (WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM);
    let x = |v: f64| LEFT + v * inner_w;
    let y = |v: f64| TOP + (1.0 - v) * inner_h;
    let _ = write!(
        out,
        "<rect class=\"area\" x=\"{LEFT}\" y=\"{TOP}\" width=\"{inner_w}\" height=\"{inner_h}\"/>"
    );
    for tick in [0.0, 0.2, 0.4, 0.6, 0.8, 1.0] {
        let _ = write!(
            out,
            "<line class=\"grid\" x1=\"{LEFT}\" x2=\"{:.1}\" y1=\"{1:.1}\" y2=\"{1:.1}\"/>\
             <text class=\"tick\" x=\"{2:.1}\" y=\"{3:.1}\" text-anchor=\"end\">{tick:.1}</text>\
             <text class=\"tick\" x=\"{4:.1}\" y=\"{5:.1}\" text-anchor=\"middle\">{tick:.1}</text>",
            LEFT + inner_w,
            y(tick),
            LEFT - 6.0,
            y(tick) + 4.0,
            x(tick),
            TOP + inner_h + 16.0,
        );
    }
    let _ = write!(
        out,
        "<text class=\"axis-title\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">top-1 confidence</text>\
         <text class=\"axis-title\" transform=\"rotate(-90)\" x=\"{:.1}\" y=\"12\" text-anchor=\"middle\">accuracy</text>",
        LEFT + inner_w / 2.0,
        HEIGHT - 6.0,
        -(TOP + inner_h / 2.0),
    );
    for bin in &d.bins {
        let (Some(accuracy), Some(confidence)) = (bin.accuracy(), bin.mean_confidence()) else {
            continue;
        };
        let (left, right) = (x(bin.low) + 1.0, x(bin.high) - 1.0);
        let (top, mean) = (y(accuracy), y(confidence));
        let (width, height) = (right - left, (y(0.0) - top).max(0.0));
        let title = format!(
            "confidence {:.2}–{:.2}: {} images, top-1 right {}, mean confidence {}",
            bin.low,
            bin.high,
            count(bin.images),
            percent(accuracy),
            percent(confidence),
        );
        let _ = write!(
            out,
            "<rect class=\"accuracy-bar\" x=\"{left:.1}\" y=\"{top:.1}\" width=\"{width:.1}\" height=\"{height:.1}\"><title>{title}</title></rect>\
             <line class=\"mean-confidence\" x1=\"{left:.1}\" x2=\"{right:.1}\" y1=\"{mean:.1}\" y2=\"{mean:.1}\"/>"
        );
    }
    let _ = write!(
        out,
        "<line class=\"diagonal\" x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\"/></svg></div>",
        x(0.0),
        y(0.0),
        x(1.0),
        y(1.0)
    );
    out
}

/// Every non-empty bin of both diagrams, as a table: the diagrams' numbers for screen readers
/// and for anyone who wants them exact.
fn table(c: &Calibration, real_name: &str) -> String {
    let real_name = crate::text::escape_markup(real_name);
    let mut out = format!(
        "<table data-testid=\"reliability-table\"><thead><tr><th scope=\"col\">confidence</th>\
         <th scope=\"col\">{real_name}: images</th><th scope=\"col\">{real_name}: top-1 right</th><th scope=\"col\">{real_name}: mean confidence</th>\
         <th scope=\"col\">original: images</th><th scope=\"col\">original: top-1 right</th><th scope=\"col\">original: mean confidence</th></tr></thead><tbody>"
    );
    let cells = |b: &real_core::calibration::Bin| {
        format!(
            "<td>{}</td><td>{}</td><td>{}</td>",
            count(b.images),
            b.accuracy().map(percent).unwrap_or_else(|| "—".into()),
            b.mean_confidence()
                .map(percent)
                .unwrap_or_else(|| "—".into())
        )
    };
    for (r, o) in c.real.bins.iter().zip(&c.original.bins) {
        if r.images == 0 && o.images == 0 {
            continue;
        }
        let _ = write!(
            out,
            "<tr><th scope=\"row\">{:.2}–{:.2}</th>{}{}</tr>",
            r.low,
            r.high,
            cells(r),
            cells(o)
        );
    }
    out.push_str("</tbody></table>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use real_core::calibration::{Bin, BINS};

    fn diagram() -> Diagram {
        let mut bins: Vec<Bin> = (0..BINS).map(Bin::empty).collect();
        bins[14] = Bin {
            images: 4,
            correct: 2,
            confidence_sum: 3.8,
            ..bins[14]
        };
        Diagram {
            images: 4,
            correct: 2,
            without_confidence: 0,
            bins,
        }
    }

    #[test]
    fn a_panel_escapes_its_name_and_sets_no_style_attribute() {
        let markup = panel(&diagram(), "<b>\"x\"</b>", "real", "images");
        assert!(markup.contains("Under &lt;b&gt;&quot;x&quot;&lt;/b&gt;"));
        assert!(!markup.contains("<b>"));
        assert!(!markup.contains("style="));
        // One bar for the one non-empty bin, with its count in its title; ECE |0.5 − 0.95|.
        assert_eq!(markup.matches("class=\"accuracy-bar\"").count(), 1);
        assert!(markup.contains("4 images, top-1 right 50.00%, mean confidence 95.00%"));
        assert!(markup.contains("data-testid=\"ece-real\">45.00%<"));
    }
}
