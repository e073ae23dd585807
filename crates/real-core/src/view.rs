//! The URL is the view: everything a shareable link needs, as one struct with `Display` and
//! `FromStr` over a query string (`?page=cases&outcome=real-only&image=42`).
//!
//! A query string keeps links working on any static host under any sub-path: the page is
//! always the same `index.html`, and a hard reload sends the same request.

use crate::cases::{CaseFilter, CaseSort, LabelCount};
use crate::detect::{ClassConvention, RowOrder};
use crate::evidence::Threshold;
use crate::ids::{ClassIndex, ImageId};
use crate::relabel::{Category, Severity};
use std::fmt;
use std::str::FromStr;

/// The pages of the explorer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Page {
    /// Headline figures, split, settings, per-class table.
    #[default]
    Overview,
    /// The case browser.
    Cases,
    /// One image.
    Image,
    /// Duplicate class pairs.
    Pairs,
    /// Multi-object images.
    Multi,
    /// Every loaded model under every label set.
    Leaderboard,
    /// Two models side by side under every label set.
    Compare,
    /// The model among timm's published results.
    Published,
}

impl Page {
    /// The name in links.
    pub fn as_str(self) -> &'static str {
        match self {
            Page::Overview => "overview",
            Page::Cases => "cases",
            Page::Image => "image",
            Page::Pairs => "pairs",
            Page::Multi => "multi",
            Page::Leaderboard => "leaderboard",
            Page::Compare => "compare",
            Page::Published => "published",
        }
    }

    const ALL: [Page; 8] = [
        Page::Overview,
        Page::Cases,
        Page::Image,
        Page::Pairs,
        Page::Multi,
        Page::Leaderboard,
        Page::Compare,
        Page::Published,
    ];
}

/// Most models one link names.
pub const MAX_MODELS: usize = 20;

/// A prediction carried by a link, so the receiver sees the case without the file.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SharedPrediction {
    /// The predicted class.
    pub class: ClassIndex,
    /// The model's score, when the file had one.
    pub score: Option<f32>,
}

/// A model a view names: by its display name, with its top-k for the selected image when the
/// view is an image page, so that the link shows the case to someone without the file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ModelRef {
    /// The model's display name.
    pub name: String,
    /// Its best-first predictions for the selected image (image pages only).
    pub top: Vec<SharedPrediction>,
}

impl ModelRef {
    /// A model named without predictions.
    pub fn named(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            top: Vec::new(),
        }
    }
}

/// Everything a view shows, as a link holds it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct View {
    /// Which page.
    pub page: Page,
    /// Case filters.
    pub filter: CaseFilter,
    /// Case order.
    pub sort: CaseSort,
    /// The selected image.
    pub image: Option<ImageId>,
    /// The models the view shows, in order (`model=`, each followed by its `top=` on image
    /// pages). On the overview and the cases the first is the model on screen; on the
    /// comparison the first two are A and B. Empty: the first loaded model(s).
    pub models: Vec<ModelRef>,
    /// The label sets the view shows by key (`set=`): the first judges (default `real`), the
    /// second is what it is set against (default `original`).
    pub label_sets: Vec<String>,
    /// Where the predictions were loaded from, when they came from a URL.
    pub predictions: Option<String>,
    /// A row order imposed on the file.
    pub order: Option<RowOrder>,
    /// A class convention imposed on the file.
    pub classes: Option<ClassConvention>,
    /// The threshold the ReaL set is rebuilt at from the raters' scores (`t=`; 0.80, the
    /// published set, is left out of links).
    pub threshold: Threshold,
    /// Where the raters' files are fetched from instead of their published location
    /// (`evidence=`, a folder URL; the page accepts only its own origin or https).
    pub evidence: Option<String>,
}

/// A parameter of a link that could not be understood.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ViewError {
    /// The parameter's name.
    pub key: String,
    /// Its value as given.
    pub value: String,
    /// What was expected.
    pub expected: &'static str,
    /// How many more parameters were not understood (counted on the last notice only, so
    /// that a link of thousands of bad parameters gives a few lines).
    pub omitted: usize,
}

/// The most notices one link gives.
const MAX_NOTICES: usize = 3;

impl fmt::Display for ViewError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the link's '{}={}' was not understood: expected {}",
            crate::error::quote(&self.key),
            crate::error::quote(&self.value),
            self.expected
        )?;
        if self.omitted > 0 {
            write!(
                f,
                " (and {} more parameters not understood)",
                crate::labels::thousands(self.omitted)
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for ViewError {}

impl fmt::Display for View {
    /// The query string, starting with `?` (or empty for the default view).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut params: Vec<(&str, String)> = Vec::new();
        if self.page != Page::Overview {
            params.push(("page", self.page.as_str().into()));
        }
        let filter = &self.filter;
        if let Some(outcome) = filter.outcome {
            params.push(("outcome", outcome.as_str().into()));
        }
        if filter.original_not_in_real {
            params.push(("changed", "1".into()));
        }
        if filter.contested {
            params.push(("contested", "1".into()));
        }
        if filter.crowd_rejected {
            params.push(("crowd", "rejected".into()));
        }
        if let Some(category) = filter.mistake {
            params.push(("mistake", category.key().into()));
        }
        if let Some(severity) = filter.severity {
            params.push(("severity", severity.key().into()));
        }
        if let Some(labels) = filter.labels {
            params.push(("labels", labels.to_string()));
        }
        for (key, class) in [
            ("original", filter.original),
            ("real", filter.real),
            ("predicted", filter.predicted),
        ] {
            if let Some(class) = class {
                params.push((key, class.to_string()));
            }
        }
        if let Some(versus) = filter.versus {
            params.push(("versus", versus.as_str().into()));
        }
        if let Some((a, b)) = filter.pair {
            params.push(("pair", format!("{a}-{b}")));
        }
        if self.sort != CaseSort::Image {
            params.push(("sort", self.sort.as_str().into()));
        }
        if let Some(image) = self.image {
            params.push(("image", image.0.to_string()));
        }
        for model in &self.models {
            params.push(("model", model.name.clone()));
            if !model.top.is_empty() {
                let top = model
                    .top
                    .iter()
                    .map(|p| match p.score {
                        Some(s) => format!("{}:{}", p.class, format_score(s)),
                        None => p.class.to_string(),
                    })
                    .collect::<Vec<_>>()
                    .join(",");
                params.push(("top", top));
            }
        }
        for key in &self.label_sets {
            params.push(("set", key.clone()));
        }
        if let Some(url) = &self.predictions {
            params.push(("predictions", url.clone()));
        }
        if let Some(order) = self.order {
            params.push(("order", order.as_str().into()));
        }
        if let Some(classes) = self.classes {
            params.push(("classes", classes.as_str().into()));
        }
        if self.threshold != Threshold::REAL {
            params.push(("t", self.threshold.to_string()));
        }
        if let Some(url) = &self.evidence {
            params.push(("evidence", url.clone()));
        }
        for (i, (key, value)) in params.iter().enumerate() {
            write!(
                f,
                "{}{key}={}",
                if i == 0 { '?' } else { '&' },
                encode(value)
            )?;
        }
        Ok(())
    }
}

/// Scores with 4 significant digits keep links short and still tell 0.61 from 0.60.
fn format_score(score: f32) -> String {
    // Through f64, which holds the f32 exactly: the same digits, one float formatter fewer.
    let text = format!("{:.4}", f64::from(score));
    let trimmed = text.trim_end_matches('0').trim_end_matches('.');
    if trimmed.is_empty() || trimmed == "-" {
        "0".into()
    } else {
        trimmed.into()
    }
}

fn parse_class(s: &str) -> Option<ClassIndex> {
    ClassIndex::new(s.parse().ok()?)
}

impl View {
    /// Another page showing the same models and label sets, from the same source, with no
    /// filter and no image: every link to another page starts here, so none drops a model.
    pub fn on_page(&self, page: Page) -> View {
        View {
            page,
            models: self
                .models
                .iter()
                .map(|m| ModelRef::named(&m.name))
                .collect(),
            label_sets: self.label_sets.clone(),
            predictions: self.predictions.clone(),
            order: self.order,
            classes: self.classes,
            threshold: self.threshold,
            evidence: self.evidence.clone(),
            ..View::default()
        }
    }

    /// The case list of `filter` over the same models and label sets.
    pub fn cases(&self, filter: CaseFilter) -> View {
        View {
            filter,
            ..self.on_page(Page::Cases)
        }
    }

    /// Reads a link, keeping what it understands: each parameter that fails is left out and
    /// reported, so a damaged link opens the nearest sensible view with a notice.
    pub fn parse_lenient(query: &str) -> (View, Vec<ViewError>) {
        let mut view = View::default();
        let mut errors = Vec::new();
        let query = query.strip_prefix('?').unwrap_or(query);
        for part in query.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = part.split_once('=').unwrap_or((part, ""));
            let key = decode(key);
            let value = decode(value);
            if let Err(expected) = view.apply(&key, &value) {
                errors.push(ViewError {
                    key,
                    value,
                    expected,
                    omitted: 0,
                });
            }
        }
        // The multi-object page is the case list of images with two or more labels.
        if view.page == Page::Multi && view.filter.labels.is_none() {
            view.filter.labels = Some(LabelCount::AtLeast(2));
        }
        // An image page needs an image; without one the case list is the nearest view.
        if view.page == Page::Image && view.image.is_none() {
            view.page = Page::Cases;
            errors.push(ViewError {
                key: "page".into(),
                value: "image".into(),
                expected: "an image=N beside page=image",
                omitted: 0,
            });
        }
        if errors.len() > MAX_NOTICES {
            let omitted = errors.len() - MAX_NOTICES;
            errors.truncate(MAX_NOTICES);
            if let Some(last) = errors.last_mut() {
                last.omitted = omitted;
            }
        }
        (view, errors)
    }

    fn apply(&mut self, key: &str, value: &str) -> Result<(), &'static str> {
        let f = &mut self.filter;
        match key {
            "page" => {
                self.page = Page::ALL.into_iter().find(|p| p.as_str() == value).ok_or(
                    "overview, cases, image, pairs, multi, leaderboard, compare or published",
                )?
            }
            "outcome" => {
                f.outcome = Some(
                    value
                        .parse()
                        .map_err(|_| "both, real-only, original-only, neither or excluded")?,
                )
            }
            "versus" => {
                f.versus = Some(
                    value
                        .parse()
                        .map_err(|_| "both, a-only, b-only or neither")?,
                )
            }
            "changed" => f.original_not_in_real = matches!(value, "1" | "true" | ""),
            "contested" => f.contested = matches!(value, "1" | "true" | ""),
            "crowd" => {
                if value != "rejected" {
                    return Err("rejected (the crowd did not accept the original label)");
                }
                f.crowd_rejected = true
            }
            "mistake" => {
                f.mistake = Some(Category::parse(value).ok_or(
                    "a mistake category: fine-grained, fine-grained-oov, fine-grained-multilabel, spurious-correlation or non-prototypical",
                )?)
            }
            "severity" => {
                f.severity =
                    Some(Severity::parse(value).ok_or("minor, borderline or major")?)
            }
            "t" => {
                self.threshold = value
                    .parse()
                    .map_err(|_| "a threshold from 0.50 to 0.99, such as 0.90")?
            }
            "evidence" => {
                if !(value.starts_with("https://") || value.starts_with("http://")) {
                    return Err("an https:// URL, or one on the page's own site, of a folder holding scores.npz and raters.npz");
                }
                self.evidence = Some(value.chars().take(500).collect())
            }
            "labels" => {
                f.labels = Some(
                    value
                        .parse()
                        .map_err(|_| "a label count such as 0, 2 or 2+")?,
                )
            }
            "original" => f.original = Some(parse_class(value).ok_or("a class index 0..999")?),
            "real" => f.real = Some(parse_class(value).ok_or("a class index 0..999")?),
            "predicted" => f.predicted = Some(parse_class(value).ok_or("a class index 0..999")?),
            "pair" => {
                let (a, b) = value
                    .split_once('-')
                    .ok_or("two class indices such as 836-837")?;
                let (a, b) = (
                    parse_class(a).ok_or("two class indices such as 836-837")?,
                    parse_class(b).ok_or("two class indices such as 836-837")?,
                );
                if a == b {
                    return Err("two different classes");
                }
                f.pair = Some((a.min(b), a.max(b)));
            }
            "sort" => {
                self.sort = value
                    .parse()
                    .map_err(|_| "image, confidence, -confidence or contested")?
            }
            "image" => {
                self.image = Some(
                    value
                        .parse()
                        .ok()
                        .and_then(ImageId::new)
                        .ok_or("an image number 1..50000")?,
                )
            }
            "model" => {
                let name: String = value.chars().take(200).collect();
                let full = self.models.len() >= MAX_MODELS;
                match self.models.last_mut() {
                    // A top-k written before its model's name (older hand-made links).
                    Some(model) if model.name.is_empty() => model.name = name,
                    _ if full => return Err("at most 20 models in one link"),
                    _ => self.models.push(ModelRef::named(name)),
                }
            }
            "set" => {
                if self.label_sets.len() >= 2 || value.is_empty() {
                    return Err("at most two label set keys, such as set=real&set=original");
                }
                self.label_sets.push(value.chars().take(100).collect())
            }
            "top" => {
                let top = value
                    .split(',')
                    .filter(|p| !p.is_empty())
                    .take(crate::formats::MAX_K)
                    .map(|p| {
                        let (class, score) = match p.split_once(':') {
                            Some((c, s)) => {
                                (c, Some(s.parse::<f32>().ok().filter(|s| s.is_finite())?))
                            }
                            None => (p, None),
                        };
                        Some(SharedPrediction {
                            class: parse_class(class)?,
                            score,
                        })
                    })
                    .collect::<Option<Vec<_>>>()
                    .ok_or("class indices with optional scores, such as 65:0.61,219:0.1")?;
                // A top-k belongs to the model named just before it.
                let full = self.models.len() >= MAX_MODELS;
                match self.models.last_mut() {
                    Some(model) if model.top.is_empty() => model.top = top,
                    _ if full => return Err("at most 20 models in one link"),
                    _ => self.models.push(ModelRef {
                        name: String::new(),
                        top,
                    }),
                }
            }
            "predictions" => {
                // Which http URLs are the page's own site only the page knows; it checks again.
                if !(value.starts_with("https://") || value.starts_with("http://")) {
                    return Err("an https:// URL, or one on the page's own site");
                }
                self.predictions = Some(value.into())
            }
            "order" => self.order = Some(value.parse().map_err(|_| "filename or imagefolder")?),
            "classes" => {
                self.classes = Some(value.parse().map_err(|_| {
                    "sorted-wnid, sorted-wnid-1based, tf-slim-1001 or ilsvrc2012-id"
                })?)
            }
            _ => return Err("no such parameter"),
        }
        Ok(())
    }
}

impl FromStr for View {
    type Err = ViewError;

    /// Strict reading: the first parameter that is not understood is an error.
    fn from_str(query: &str) -> Result<Self, ViewError> {
        let (view, mut errors) = View::parse_lenient(query);
        if errors.is_empty() {
            Ok(view)
        } else {
            Err(errors.remove(0))
        }
    }
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
pub fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z'
            | b'a'..=b'z'
            | b'0'..=b'9'
            | b'-'
            | b'.'
            | b'_'
            | b'~'
            | b':'
            | b','
            | b'/' => out.push(byte as char),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// Decodes percent-escapes and `+` as space; invalid escapes are kept as written.
pub fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                // Exactly two hex digits: from_str_radix alone would take a sign ("%+5").
                let hex = |at: usize| bytes.get(at).and_then(|b| (*b as char).to_digit(16));
                match (hex(i + 1), hex(i + 2)) {
                    (Some(high), Some(low)) => {
                        out.push((high * 16 + low) as u8);
                        i += 3;
                        continue;
                    }
                    _ => out.push(b'%'),
                }
            }
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl fmt::Display for LabelCount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LabelCount::Exactly(n) => write!(f, "{n}"),
            LabelCount::AtLeast(n) => write!(f, "{n}+"),
        }
    }
}

impl FromStr for LabelCount {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        match s.strip_suffix('+') {
            Some(n) => n.parse().map(LabelCount::AtLeast).map_err(|_| ()),
            None => s.parse().map(LabelCount::Exactly).map_err(|_| ()),
        }
    }
}
