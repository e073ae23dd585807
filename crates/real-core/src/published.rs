//! timm's published ImageNet results (`results-imagenet.csv` and `results-imagenet-real.csv`
//! from huggingface/pytorch-image-models), read and joined so a user's model can be placed
//! among them, and the plot regions that frame them.
//!
//! The files are read by header name, not position: timm has added and reordered columns
//! over time, and the ReaL file carries three more than the original one.

use crate::formats::csv::{self, Delimiter, Record};
use std::collections::HashMap;

/// The original-label results file, as timm names it.
pub const ORIGINAL_FILE: &str = "results-imagenet.csv";
/// The ReaL-label results file, as timm names it.
pub const REAL_FILE: &str = "results-imagenet-real.csv";

/// One published (model, image size) with its figures under both label sets.
#[derive(Clone, Debug, PartialEq)]
pub struct PublishedModel {
    /// timm's model name with its pretrained tag, e.g. `resnet50.tv_in1k`.
    pub name: String,
    /// The evaluation image size in pixels.
    pub img_size: u32,
    /// Original-label top-1, in percent, over all 50,000 validation images.
    pub original_top1: f64,
    /// ReaL top-1, in percent, over the 46,837 images with a non-empty ReaL set.
    pub real_top1: f64,
    /// Original-label top-5, in percent.
    pub original_top5: f64,
    /// ReaL top-5, in percent.
    pub real_top5: f64,
    /// Parameters in millions, when the files give them.
    pub param_count_millions: Option<f64>,
}

/// Reads both files and joins them on (`model`, `img_size`), in the ReaL file's row order
/// (timm sorts it by ReaL top-1, best first).
///
/// Every ReaL row must have an original row; original rows without a ReaL row are left out,
/// as they cannot be placed on a ReaL-against-original plot. Errors name the file, the line
/// and the column.
pub fn parse(original_csv: &str, real_csv: &str) -> Result<Vec<PublishedModel>, String> {
    let original = rows(original_csv, ORIGINAL_FILE)?;
    let real = rows(real_csv, REAL_FILE)?;
    let by_key: HashMap<(&str, u32), &Row> = original
        .iter()
        .map(|row| ((row.model.as_str(), row.img_size), row))
        .collect();
    real.iter()
        .map(|row| {
            let twin = by_key
                .get(&(row.model.as_str(), row.img_size))
                .ok_or_else(|| {
                    format!(
                        "{REAL_FILE}, line {}: {} at img_size {} has no row in {ORIGINAL_FILE}",
                        row.line, row.model, row.img_size
                    )
                })?;
            Ok(PublishedModel {
                name: row.model.clone(),
                img_size: row.img_size,
                original_top1: twin.top1,
                real_top1: row.top1,
                original_top5: twin.top5,
                real_top5: row.top5,
                param_count_millions: row.param_count.or(twin.param_count),
            })
        })
        .collect()
}

/// One row of either file, validated.
struct Row {
    line: usize,
    model: String,
    img_size: u32,
    top1: f64,
    top5: f64,
    param_count: Option<f64>,
}

/// Where the needed columns sit in a file's header.
struct Columns {
    model: usize,
    img_size: usize,
    top1: usize,
    top5: usize,
    param_count: Option<usize>,
}

fn rows(text: &str, file: &'static str) -> Result<Vec<Row>, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let records = csv::records(text, Delimiter::Char(','), file).map_err(|e| {
        format!(
            "{file}, {}: {}",
            e.location.as_deref().unwrap_or("somewhere"),
            e.message
        )
    })?;
    let mut records = records.into_iter();
    let header = records
        .next()
        .ok_or_else(|| format!("{file}: the file is empty; expected a header line"))?;
    let columns = columns(&header, file)?;
    let mut seen: HashMap<(String, u32), usize> = HashMap::new();
    let mut out = Vec::new();
    for record in records {
        let row = row(&record, &header, &columns, file)?;
        if let Some(first) = seen.insert((row.model.clone(), row.img_size), row.line) {
            return Err(format!(
                "{file}, line {}: {} at img_size {} is listed twice (first on line {first})",
                row.line, row.model, row.img_size
            ));
        }
        out.push(row);
    }
    if out.is_empty() {
        return Err(format!("{file}: the header is not followed by any rows"));
    }
    Ok(out)
}

fn columns(header: &Record, file: &str) -> Result<Columns, String> {
    let find = |name: &str| {
        header
            .fields
            .iter()
            .position(|field| field.trim().eq_ignore_ascii_case(name))
    };
    let need = |name: &str| {
        find(name).ok_or_else(|| {
            format!(
                "{file}, line {}: no '{name}' column in the header (found: {})",
                header.line,
                crate::error::quote(&header.fields.join(","))
            )
        })
    };
    Ok(Columns {
        model: need("model")?,
        img_size: need("img_size")?,
        top1: need("top1")?,
        top5: need("top5")?,
        param_count: find("param_count"),
    })
}

fn row(record: &Record, header: &Record, columns: &Columns, file: &str) -> Result<Row, String> {
    let line = record.line;
    let cell = |index: usize| -> Result<&str, String> {
        let name = header.fields.get(index).map_or("?", |n| n.trim());
        record.fields.get(index).map(|c| c.trim()).ok_or_else(|| {
            format!(
                "{file}, line {line}, column '{name}': missing (the row has {} fields, the header {})",
                record.fields.len(),
                header.fields.len()
            )
        })
    };
    let bad = |index: usize, expected: &str, found: &str| {
        let name = header.fields.get(index).map_or("?", |n| n.trim());
        format!(
            "{file}, line {line}, column '{name}': expected {expected}, found '{}'",
            crate::error::quote(found)
        )
    };
    let model = cell(columns.model)?;
    if model.is_empty() {
        return Err(bad(columns.model, "a model name", model));
    }
    let size_text = cell(columns.img_size)?;
    let img_size = size_text
        .parse::<u32>()
        .ok()
        .filter(|&s| s > 0)
        .ok_or_else(|| bad(columns.img_size, "an image size in pixels", size_text))?;
    let percent = |index: usize| -> Result<f64, String> {
        let text = cell(index)?;
        number(text)
            .filter(|p| (0.0..=100.0).contains(p))
            .ok_or_else(|| bad(index, "a percentage from 0 to 100", text))
    };
    let top1 = percent(columns.top1)?;
    let top5 = percent(columns.top5)?;
    let param_count = match columns.param_count {
        None => None,
        Some(index) => match record.fields.get(index).map(|c| c.trim()) {
            None | Some("") => None,
            Some(text) => Some(
                number(text)
                    .filter(|p| *p >= 0.0)
                    .ok_or_else(|| bad(index, "a parameter count in millions", text))?,
            ),
        },
    };
    Ok(Row {
        line,
        model: model.to_string(),
        img_size,
        top1,
        top5,
        param_count,
    })
}

/// A finite decimal number; thousands commas (`1,013.01`, quoted in the file) are allowed.
fn number(text: &str) -> Option<f64> {
    let plain: String = text.chars().filter(|&c| c != ',').collect();
    plain.parse::<f64>().ok().filter(|n| n.is_finite())
}

/// A rectangle of the plot in percentage points: original top-1 across, ReaL top-1 up.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Region {
    /// Lowest original top-1 shown.
    pub x_min: f64,
    /// Highest original top-1 shown.
    pub x_max: f64,
    /// Lowest ReaL top-1 shown.
    pub y_min: f64,
    /// Highest ReaL top-1 shown.
    pub y_max: f64,
}

/// Percentage points kept around the zoomed points at the least.
const ZOOM_MARGIN: f64 = 1.0;
/// The margin as a share of the zoomed points' spread, when that is more.
const ZOOM_MARGIN_SHARE: f64 = 0.08;
/// The narrowest zoomed axis, in percentage points: closer than this, points overlap anyway.
const ZOOM_MIN_SPAN: f64 = 6.0;

impl Region {
    /// Everything: the box around all `points` (original, ReaL in percent) with a margin, on
    /// multiples of 5, cut to 0–100. `None` when no point is finite.
    pub fn covering(points: impl IntoIterator<Item = (f64, f64)>) -> Option<Region> {
        let b = bounds(points)?;
        let down = |v: f64| (((v - 1.0) / 5.0).floor() * 5.0).max(0.0);
        let up = |v: f64| (((v + 1.0) / 5.0).ceil() * 5.0).min(100.0);
        Some(Region {
            x_min: down(b.x_min),
            x_max: up(b.x_max),
            y_min: down(b.y_min),
            y_max: up(b.y_max),
        })
    }

    /// The user's models (`points`, in percent) and the `neighbours` published models nearest
    /// to them, with a margin, so the zoomed plot always shows what they compete with.
    /// `None` without a finite point.
    pub fn around(
        points: &[(f64, f64)],
        published: &[PublishedModel],
        neighbours: usize,
    ) -> Option<Region> {
        let b = bounds(points.iter().copied())?;
        // How far each published model lies from the users' box (zero inside it).
        let by_distance: Vec<(f64, (f64, f64))> = published
            .iter()
            .map(|m| {
                let (x, y) = (m.original_top1, m.real_top1);
                let dx = (b.x_min - x).max(x - b.x_max).max(0.0);
                let dy = (b.y_min - y).max(y - b.y_max).max(0.0);
                (dx.hypot(dy), (x, y))
            })
            .filter(|(d, _)| d.is_finite())
            .collect();
        let keys: Vec<f64> = by_distance.iter().map(|(d, _)| *d).collect();
        let nearest = crate::order::by_key(&keys)
            .into_iter()
            .take(neighbours)
            .filter_map(|i| by_distance.get(i).map(|(_, p)| *p));
        let b = bounds(points.iter().copied().chain(nearest))?;
        let widen = |lo: f64, hi: f64| {
            let pad = ZOOM_MARGIN.max(ZOOM_MARGIN_SHARE * (hi - lo));
            let (lo, hi) = (lo - pad, hi + pad);
            let short = (ZOOM_MIN_SPAN - (hi - lo)).max(0.0) / 2.0;
            // Half points keep the tick labels short.
            (
                ((lo - short) * 2.0).floor() / 2.0,
                ((hi + short) * 2.0).ceil() / 2.0,
            )
        };
        let (x_min, x_max) = widen(b.x_min, b.x_max);
        let (y_min, y_max) = widen(b.y_min, b.y_max);
        Some(
            Region {
                x_min,
                x_max,
                y_min,
                y_max,
            }
            .clamped(),
        )
    }

    /// Whether a point (in percent) lies inside, edges included.
    pub fn contains(&self, original: f64, real: f64) -> bool {
        (self.x_min..=self.x_max).contains(&original) && (self.y_min..=self.y_max).contains(&real)
    }

    /// Keeps the region within 0–100 on both axes, shifting rather than shrinking it.
    fn clamped(self) -> Region {
        let fit = |lo: f64, hi: f64| {
            let span = (hi - lo).clamp(0.0, 100.0);
            let lo = lo.clamp(0.0, 100.0 - span);
            (lo, lo + span)
        };
        let (x_min, x_max) = fit(self.x_min, self.x_max);
        let (y_min, y_max) = fit(self.y_min, self.y_max);
        Region {
            x_min,
            x_max,
            y_min,
            y_max,
        }
    }
}

/// The finite bounding box of points, without margin.
fn bounds(points: impl IntoIterator<Item = (f64, f64)>) -> Option<Region> {
    points
        .into_iter()
        .filter(|(x, y)| x.is_finite() && y.is_finite())
        .fold(None, |acc: Option<Region>, (x, y)| {
            Some(match acc {
                None => Region {
                    x_min: x,
                    x_max: x,
                    y_min: y,
                    y_max: y,
                },
                Some(r) => Region {
                    x_min: r.x_min.min(x),
                    x_max: r.x_max.max(x),
                    y_min: r.y_min.min(y),
                    y_max: r.y_max.max(y),
                },
            })
        })
}

/// Round tick positions from `min` to `max`: steps of 1, 2 or 5 times a power of ten, the
/// finest that gives at most `at_most` ticks. Empty for an empty or non-finite range.
pub fn ticks(min: f64, max: f64, at_most: usize) -> Vec<f64> {
    if !(min.is_finite() && max.is_finite()) || max <= min || at_most < 2 {
        return Vec::new();
    }
    let at_most = at_most.min(1000);
    let span = max - min;
    let rough = span / (at_most - 1) as f64;
    let exponent = rough.log10().floor() as i32;
    let (multiple, exponent) = [1.0, 2.0, 5.0]
        .into_iter()
        .map(|m| (m, exponent))
        .chain([(1.0, exponent + 1)])
        .find(|&(m, e)| (span / (m * 10f64.powi(e))).floor() < at_most as f64)
        .unwrap_or((1.0, exponent + 1));
    // Ticks are whole multiples of the step; dividing by a power of ten (not multiplying by
    // 0.1) keeps 0.6 from printing as 0.6000000000000001.
    let at = |n: f64| {
        if exponent < 0 {
            n * multiple / 10f64.powi(-exponent)
        } else {
            n * multiple * 10f64.powi(exponent)
        }
    };
    let step = multiple * 10f64.powi(exponent);
    let first = (min / step).ceil();
    let last = (max / step).floor();
    (0..=((last - first).max(0.0) as usize))
        .map(|i| at(first + i as f64))
        .collect()
}
