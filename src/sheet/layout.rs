//! Where everything on a contact sheet goes: the grid of thumbnails, their captions and the
//! title. Pure, so that it is tested natively; the canvas only draws what this decides.

use real_core::export::{CaseRecord, Verdict};
use real_core::metrics::Outcome;

/// Most cases on one sheet: six rows of eight, enough for a figure, small enough to read.
pub const MAX_CASES: usize = 48;
/// Thumbnails across.
pub const COLUMNS: usize = 8;
/// A thumbnail's square, in pixels (images are fitted inside, not cropped).
pub const THUMB: u32 = 192;
/// Space around each cell and the sheet, in pixels.
pub const PAD: u32 = 10;
/// Height of one caption line, in pixels.
pub const LINE: u32 = 17;
/// Caption lines under each thumbnail.
pub const CAPTION_LINES: u32 = 4;
/// Height of the title block, in pixels.
pub const TITLE: u32 = 58;
/// The caption font (the canvas's CSS font shorthand).
pub const FONT: &str = "13px sans-serif";
/// The first caption line's font.
pub const BOLD_FONT: &str = "bold 13px sans-serif";
/// The title's font.
pub const TITLE_FONT: &str = "bold 17px sans-serif";

/// How a piece of text is coloured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    /// Ordinary text.
    Plain,
    /// Secondary text.
    Muted,
    /// A top-1 that ReaL counts.
    Good,
    /// A top-1 that ReaL does not count.
    Bad,
    /// An original label that the ReaL set leaves out.
    Warn,
}

impl Tone {
    /// The CSS colour (dark enough to print).
    pub fn color(self) -> &'static str {
        match self {
            Tone::Plain => "#111111",
            Tone::Muted => "#555555",
            Tone::Good => "#0a6b2d",
            Tone::Bad => "#b3141b",
            Tone::Warn => "#8a5300",
        }
    }
}

/// One line of text: `prefix` and `suffix` stay whole, `body` is shortened with an ellipsis
/// when the line is too wide.
#[derive(Clone, Debug, PartialEq)]
pub struct TextLine {
    /// Left edge, in pixels.
    pub x: u32,
    /// Baseline, in pixels.
    pub y: u32,
    /// The widest the line may be, in pixels.
    pub max_width: u32,
    /// Kept whole, before the body.
    pub prefix: String,
    /// Shortened when needed.
    pub body: String,
    /// Kept whole, after the body.
    pub suffix: String,
    /// The CSS font.
    pub font: &'static str,
    /// Its colour.
    pub tone: Tone,
}

/// A rectangle of the sheet, in pixels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rect {
    /// Left.
    pub x: u32,
    /// Top.
    pub y: u32,
    /// Width.
    pub width: u32,
    /// Height.
    pub height: u32,
}

/// One case's place: its image's square and its caption.
#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    /// The image number.
    pub image: u32,
    /// Where the thumbnail goes.
    pub thumb: Rect,
    /// Its caption lines.
    pub lines: Vec<TextLine>,
}

/// A whole sheet.
#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// The title lines.
    pub title: Vec<TextLine>,
    /// The cases, in the filter's order.
    pub cells: Vec<Cell>,
}

/// What the sheet's title says.
#[derive(Clone, Debug, PartialEq)]
pub struct Title {
    /// The model's name, if one is loaded.
    pub model: Option<String>,
    /// The ReaL set's name on the page (e.g. `ReaL@0.90`).
    pub real_name: String,
    /// The view's filter, as a link writes it.
    pub filter: String,
    /// Cases the filter selects in all.
    pub total: usize,
}

/// Lays out the first [`MAX_CASES`] records: eight across, captions under each.
pub fn layout(records: &[CaseRecord], title: &Title) -> Layout {
    let shown = &records[..records.len().min(MAX_CASES)];
    // At least four columns wide, so that the title has room on a small sheet.
    let columns = shown.len().clamp(4, COLUMNS) as u32;
    let rows = shown.len().div_ceil(COLUMNS).max(1) as u32;
    let cell_width = THUMB + PAD;
    let cell_height = THUMB + PAD / 2 + CAPTION_LINES * LINE + PAD;
    let width = PAD + columns * cell_width;
    let height = TITLE + rows * cell_height + PAD;
    let cells = shown
        .iter()
        .enumerate()
        .map(|(i, record)| {
            let (column, row) = ((i % COLUMNS) as u32, (i / COLUMNS) as u32);
            let x = PAD + column * cell_width;
            let y = TITLE + row * cell_height;
            let thumb = Rect {
                x,
                y,
                width: THUMB,
                height: THUMB,
            };
            Cell {
                image: record.image,
                thumb,
                lines: caption(record, x, y + THUMB + PAD / 2),
            }
        })
        .collect();
    let line = |y: u32, body: String, font, tone| TextLine {
        x: PAD,
        y,
        max_width: width - 2 * PAD,
        prefix: String::new(),
        body,
        suffix: String::new(),
        font,
        tone,
    };
    let model = title.model.as_deref().unwrap_or("no model");
    let filter = if title.filter.is_empty() {
        "all images"
    } else {
        &title.filter
    };
    let first = if title.total > shown.len() {
        format!("first {} of {} cases", shown.len(), thousands(title.total))
    } else {
        format!(
            "{} case{}",
            shown.len(),
            if shown.len() == 1 { "" } else { "s" }
        )
    };
    Layout {
        width,
        height,
        title: vec![
            line(
                24,
                format!("ReaL Explorer · {model} · {first} · {filter}"),
                TITLE_FONT,
                Tone::Plain,
            ),
            line(
                46,
                format!(
                    "under each image: its number · original label · {} labels · the model's top-1 (✓ counts under {0}, ✗ does not)",
                    title.real_name
                ),
                FONT,
                Tone::Muted,
            ),
        ],
        cells,
    }
}

/// The four caption lines of one case, whose top edge is at `top`.
fn caption(record: &CaseRecord, x: u32, top: u32) -> Vec<TextLine> {
    let line = |n: u32, prefix: &str, body: String, suffix: String, font, tone| TextLine {
        x,
        y: top + n * LINE + LINE - 4,
        max_width: THUMB,
        prefix: prefix.into(),
        body,
        suffix,
        font,
        tone,
    };
    let original_left_out =
        !record.real.is_empty() && !record.real.iter().any(|c| c.index == record.original.index);
    let real = if record.real.is_empty() {
        "no valid label".to_string()
    } else {
        record
            .real
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let outcome = record
        .outcome
        .map(|o| format!(" · {}", outcome_words(o)))
        .unwrap_or_default();
    let top1 = match (&record.top1, record.real_top1) {
        (Some(class), verdict) => {
            let score = record.score.map(|s| format!(" {s:.2}")).unwrap_or_default();
            let (mark, tone) = match verdict {
                Some(Verdict::Correct) => (" ✓", Tone::Good),
                Some(Verdict::Wrong) => (" ✗", Tone::Bad),
                _ => ("", Tone::Muted),
            };
            line(
                3,
                "top-1: ",
                class.name.clone(),
                format!("{score}{mark}"),
                FONT,
                tone,
            )
        }
        (None, _) if record.real_top1.is_some() => line(
            3,
            "top-1: ",
            "not a class".into(),
            String::new(),
            FONT,
            Tone::Muted,
        ),
        (None, _) => line(
            3,
            "top-1: ",
            "no prediction".into(),
            String::new(),
            FONT,
            Tone::Muted,
        ),
    };
    vec![
        line(
            0,
            "",
            format!("#{}{outcome}", record.image),
            String::new(),
            BOLD_FONT,
            Tone::Plain,
        ),
        line(
            1,
            "original: ",
            record.original.name.clone(),
            String::new(),
            FONT,
            if original_left_out {
                Tone::Warn
            } else {
                Tone::Plain
            },
        ),
        line(2, "ReaL: ", real, String::new(), FONT, Tone::Plain),
        top1,
    ]
}

/// Short words for an outcome, for a caption.
fn outcome_words(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Both => "both right",
        Outcome::RealOnly => "ReaL only",
        Outcome::OriginalOnly => "original only",
        Outcome::Neither => "both wrong",
        Outcome::Excluded => "no valid label",
    }
}

fn thousands(n: usize) -> String {
    crate::text::count(n)
}

/// `line`'s text fitted into its width by `measure` (pixels of a string in its font): the
/// body loses characters from its end, replaced by `…`, until prefix + body + suffix fit; if
/// even an empty body does not fit, the body is just `…`.
pub fn fit(line: &TextLine, measure: &dyn Fn(&str) -> f64) -> String {
    let whole = format!("{}{}{}", line.prefix, line.body, line.suffix);
    let max = f64::from(line.max_width);
    if measure(&whole) <= max {
        return whole;
    }
    let chars: Vec<char> = line.body.chars().collect();
    // The longest prefix of the body that fits with the ellipsis: a binary search, since
    // measuring is the slow part.
    let text_with = |n: usize| {
        let body: String = chars[..n].iter().collect();
        format!(
            "{}{}…{}",
            line.prefix,
            body.trim_end_matches([' ', ',', ';']),
            line.suffix
        )
    };
    let (mut low, mut high) = (0usize, chars.len());
    while low < high {
        let mid = (low + high).div_ceil(2);
        if measure(&text_with(mid)) <= max {
            low = mid;
        } else {
            high = mid - 1;
        }
    }
    text_with(low)
}

#[cfg(test)]
mod tests {
    use super::*;
    use real_core::export::ClassRef;

    fn class(index: u16, name: &str) -> ClassRef {
        ClassRef {
            index,
            wnid: format!("n{index:08}"),
            name: name.into(),
        }
    }

    fn record(image: u32) -> CaseRecord {
        CaseRecord {
            image,
            file: format!("ILSVRC2012_val_{image:08}.JPEG"),
            original: class(65, "sea snake"),
            real: vec![class(58, "water snake")],
            top1: Some(class(65, "sea snake")),
            top5: None,
            score: Some(0.61),
            real_top1: Some(Verdict::Wrong),
            original_top1: Some(Verdict::Correct),
            outcome: Some(Outcome::OriginalOnly),
        }
    }

    /// Every character 7 pixels wide.
    fn monospace(text: &str) -> f64 {
        7.0 * text.chars().count() as f64
    }

    fn title(total: usize) -> Title {
        Title {
            model: Some("m".into()),
            real_name: "ReaL".into(),
            filter: "outcome=original-only".into(),
            total,
        }
    }

    #[test]
    fn at_most_48_cases_eight_across() {
        let records: Vec<_> = (1..=100).map(record).collect();
        let sheet = layout(&records, &title(100));
        assert_eq!(sheet.cells.len(), MAX_CASES);
        assert_eq!(sheet.width, PAD + 8 * (THUMB + PAD));
        assert!(sheet.title[0].body.contains("first 48 of 100 cases"));
        // Every thumbnail and caption lies inside the sheet, none overlapping the next row.
        for cell in &sheet.cells {
            assert!(cell.thumb.x + cell.thumb.width <= sheet.width);
            let bottom = cell.lines.last().map_or(0, |l| l.y);
            assert!(bottom < sheet.height);
        }
        let below = &sheet.cells[8];
        assert!(sheet.cells[0].lines[3].y < below.thumb.y);
        assert!(sheet.width <= 2000 && sheet.height <= 2000);
    }

    #[test]
    fn a_few_cases_make_a_small_sheet_that_still_fits_its_title() {
        let sheet = layout(&[record(1)], &title(1));
        assert_eq!(sheet.cells.len(), 1);
        assert_eq!(sheet.width, PAD + 4 * (THUMB + PAD));
        assert!(sheet.title[0].body.contains("· 1 case ·"));
    }

    #[test]
    fn captions_say_number_labels_and_top1_with_its_verdict() {
        let sheet = layout(&[record(7)], &title(1));
        let lines: Vec<String> = sheet.cells[0]
            .lines
            .iter()
            .map(|l| fit(l, &monospace))
            .collect();
        assert_eq!(lines[0], "#7 · original only");
        assert_eq!(lines[1], "original: sea snake");
        assert_eq!(lines[2], "ReaL: water snake");
        assert_eq!(lines[3], "top-1: sea snake 0.61 ✗");
        assert_eq!(sheet.cells[0].lines[3].tone, Tone::Bad);
        assert_eq!(sheet.cells[0].lines[1].tone, Tone::Warn);
    }

    #[test]
    fn long_names_end_in_an_ellipsis_and_keep_the_verdict() {
        let mut r = record(1);
        r.top1 = Some(class(1, "a very long class name that cannot possibly fit"));
        r.real_top1 = Some(Verdict::Correct);
        let sheet = layout(&[r], &title(1));
        let top1 = &sheet.cells[0].lines[3];
        let text = fit(top1, &monospace);
        assert!(monospace(&text) <= f64::from(top1.max_width));
        assert!(text.starts_with("top-1: a very long"));
        assert!(text.ends_with("… 0.61 ✓"), "{text}");
    }

    #[test]
    fn a_line_too_narrow_for_anything_keeps_only_the_ellipsis() {
        let line = TextLine {
            x: 0,
            y: 0,
            max_width: 10,
            prefix: "original: ".into(),
            body: "tench".into(),
            suffix: String::new(),
            font: FONT,
            tone: Tone::Plain,
        };
        assert_eq!(fit(&line, &monospace), "original: …");
    }

    #[test]
    fn images_without_a_prediction_or_label_say_so() {
        let mut r = record(3);
        r.real.clear();
        r.top1 = None;
        r.real_top1 = None;
        r.outcome = None;
        let sheet = layout(&[r], &title(1));
        let lines: Vec<String> = sheet.cells[0]
            .lines
            .iter()
            .map(|l| fit(l, &monospace))
            .collect();
        assert_eq!(lines[0], "#3");
        assert_eq!(lines[2], "ReaL: no valid label");
        assert_eq!(lines[3], "top-1: no prediction");
    }
}
