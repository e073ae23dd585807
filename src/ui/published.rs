//! The user's models among timm's published ImageNet results: a scatter of original top-1
//! against ReaL top-1 for 1,556 published models, with the user's models drawn on top, a zoom
//! to their neighbourhood, and a searchable list for reaching any published model by keyboard.
//!
//! The published figures are fetched from `./timm/` (copied there by Trunk) when the view
//! first opens, not built into the WebAssembly: most visits never need them.

mod finder;
mod plot;

use crate::load::Evaluation;
use crate::text::count;
use finder::Finder;
use leptos::prelude::*;
use leptos::task::spawn_local;
use plot::Plot;
use real_core::published::{self, PublishedModel, Region};
use real_core::ImageId;
use std::cell::RefCell;
use std::sync::Arc;

/// A user's model as the map draws it.
#[derive(Clone, Debug, PartialEq)]
pub struct UserModelPoint {
    /// The name shown beside the point (the predictions file's name).
    pub name: String,
    /// Original-label top-1 as a fraction in [0, 1].
    pub original_top1: f64,
    /// ReaL top-1 as a fraction in [0, 1].
    pub real_top1: f64,
    /// Whether the model covers only some of the 50,000 images, so its figures are not over
    /// the same images as timm's.
    pub partial: bool,
}

impl UserModelPoint {
    /// The point of an evaluated file; `None` when it has no top-1 figure to place.
    pub fn of(evaluation: &Evaluation) -> Option<Self> {
        let report = &evaluation.report;
        Some(Self {
            name: evaluation.file_name.clone(),
            original_top1: report.original(1)?.fraction?,
            real_top1: report.real(1)?.fraction?,
            partial: report.images < ImageId::COUNT,
        })
    }

    /// The point in the published files' units: (original, ReaL) top-1 in percent.
    fn percent(&self) -> (f64, f64) {
        (100.0 * self.original_top1, 100.0 * self.real_top1)
    }
}

/// Where the published files are, relative to the page (which may live under any sub-path).
const BASE_URL: &str = "./timm/";

/// Published models kept in the zoomed view around the user's models, at the least.
const ZOOM_NEIGHBOURS: usize = 12;

/// Images timm's ReaL figures are over: those with a non-empty ReaL set.
const REAL_SCORED_IMAGES: usize = 46_837;

thread_local! {
    // Fetched and parsed once per page life; a failed fetch is not kept, so a retry can work.
    static CACHE: RefCell<Option<Arc<Vec<PublishedModel>>>> = const { RefCell::new(None) };
}

/// Where the published figures are.
#[derive(Clone, Debug, PartialEq)]
enum Loading {
    Pending,
    Ready(Arc<Vec<PublishedModel>>),
    Failed(String),
}

/// Which point the detail box is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Pick {
    /// A row of the published files, by index.
    Published(usize),
    /// One of the user's models, by index.
    User(usize),
}

/// Hover, keyboard focus and the selection, shared by the plot, the list and the detail box.
#[derive(Clone, Copy)]
struct Focus {
    /// Under the pointer or keyboard focus now.
    hovered: RwSignal<Option<Pick>>,
    /// Chosen by a click or from the list; stays until another is chosen.
    selected: RwSignal<Option<Pick>>,
}

impl Focus {
    /// What the detail box shows: the hovered point, else the selected one.
    fn shown(&self) -> Option<Pick> {
        self.hovered.get().or(self.selected.get())
    }
}

async fn fetch_published() -> Result<Vec<PublishedModel>, String> {
    let text = |name: &'static str| async move {
        let url = format!("{BASE_URL}{name}");
        let file = crate::download::fetch(&url, name, None, &|_, _| {})
            .await
            .map_err(|e| format!("{url}: {}", e.message().unwrap_or_default()))?;
        let buffer = wasm_bindgen_futures::JsFuture::from(file.array_buffer())
            .await
            .map_err(|_| format!("{url}: the file could not be read"))?;
        String::from_utf8(js_sys::Uint8Array::new(&buffer).to_vec())
            .map_err(|_| format!("{url}: the file is not UTF-8 text"))
    };
    let original = text(published::ORIGINAL_FILE).await?;
    let real = text(published::REAL_FILE).await?;
    published::parse(&original, &real)
}

/// The user's models placed among timm's published results.
#[component]
pub fn PublishedMap(
    /// The user's models to draw on top of the published ones (none before a file is loaded).
    #[prop(into)]
    models: Signal<Vec<UserModelPoint>>,
) -> impl IntoView {
    let cached = CACHE.with(|c| c.borrow().clone());
    let loading = RwSignal::new(match cached {
        Some(models) => Loading::Ready(models),
        None => Loading::Pending,
    });
    let start = move || {
        loading.set(Loading::Pending);
        spawn_local(async move {
            let result = fetch_published().await;
            // The view may have been left while the files were on their way.
            let outcome = match result {
                Ok(parsed) => {
                    let parsed = Arc::new(parsed);
                    CACHE.with(|c| *c.borrow_mut() = Some(parsed.clone()));
                    Loading::Ready(parsed)
                }
                Err(message) => Loading::Failed(message),
            };
            loading.try_set(outcome);
        });
    };
    if loading.get_untracked() == Loading::Pending {
        start();
    }
    let intro = move || {
        let names: Vec<String> = models.with(|m| m.iter().map(|m| m.name.clone()).collect());
        match names.as_slice() {
            [] => "Load a predictions file above to place your model among them.".to_string(),
            [one] => format!("{one} is the blue point."),
            many => format!("Your {} models are the blue points.", many.len()),
        }
    };
    let body = move || {
        match loading.get() {
        Loading::Pending => view! {
            <p class="status" data-testid="published-loading">"Loading timm's published results…"</p>
        }
        .into_any(),
        Loading::Failed(message) => view! {
            <div class="error" role="alert" data-testid="published-error">
                <strong>"timm's published results could not be loaded. "</strong>
                {message}
                " "
                <button class="button" on:click=move |_| start()>"try again"</button>
            </div>
        }
        .into_any(),
        Loading::Ready(published) => view! { <Loaded published=published models=models /> }.into_any(),
    }
    };
    view! {
        <section class="published" data-testid="published">
            <h2>"Among the published models"</h2>
            <p class="intro">
                "Original-label top-1 (across) against ReaL top-1 (up) for every model in timm's published ImageNet results. "
                "Points above the dashed line score higher under ReaL than under the original labels. "
                {intro}
            </p>
            {body}
            <p class="small source">
                "Published figures: "
                <a href="./timm/PROVENANCE.md">"timm's results-imagenet.csv and results-imagenet-real.csv"</a>
                " (huggingface/pytorch-image-models at 4e5207c, "
                <a href="./timm/LICENSE">"Apache-2.0"</a>
                "), over all 50,000 validation images (original) and the 46,837 with a ReaL label (ReaL)."
            </p>
        </section>
    }
}

/// The plot, the zoom switch, the detail box and the list, once the figures are in.
#[component]
fn Loaded(
    published: Arc<Vec<PublishedModel>>,
    models: Signal<Vec<UserModelPoint>>,
) -> impl IntoView {
    let focus = Focus {
        hovered: RwSignal::new(None),
        selected: RwSignal::new(None),
    };
    // On by default; it only takes effect while there are user models to zoom to.
    let zoom_wanted = RwSignal::new(true);
    let has_models = move || models.with(|m| !m.is_empty());
    let zoomed = move || zoom_wanted.get() && has_models();
    let everything = {
        let published = published.clone();
        Memo::new(move |_| {
            let users: Vec<(f64, f64)> =
                models.with(|m| m.iter().map(UserModelPoint::percent).collect());
            let points = published
                .iter()
                .map(|m| (m.original_top1, m.real_top1))
                .chain(users);
            Region::covering(points).unwrap_or(Region {
                x_min: 0.0,
                x_max: 100.0,
                y_min: 0.0,
                y_max: 100.0,
            })
        })
    };
    let around = {
        let published = published.clone();
        Memo::new(move |_| {
            let users: Vec<(f64, f64)> =
                models.with(|m| m.iter().map(UserModelPoint::percent).collect());
            Region::around(&users, &published, ZOOM_NEIGHBOURS)
        })
    };
    let region = Memo::new(move |_| match (zoomed(), around.get()) {
        (true, Some(region)) => region,
        _ => everything.get(),
    });
    // A model picked from the list must be visible: leave the zoom when it lies outside.
    let on_pick = {
        let published = published.clone();
        Callback::new(move |index: usize| {
            focus.selected.set(Some(Pick::Published(index)));
            if let Some(m) = published.get(index) {
                if !region
                    .get_untracked()
                    .contains(m.original_top1, m.real_top1)
                {
                    zoom_wanted.set(false);
                }
            }
        })
    };
    // Notes for models whose figures are over fewer images than timm's.
    let partial_note = move || {
        let partial: Vec<String> = models.with(|m| {
            m.iter()
                .filter(|m| m.partial)
                .map(|m| m.name.clone())
                .collect()
        });
        (!partial.is_empty()).then(|| {
            view! {
                <p class="partial-note" data-testid="partial-note">
                    <span class="legend-dot user hollow"></span>
                    {format!(
                        "Hollow: {} covers only some of the validation images, so its figures are over those images; \
                         timm's are over all {} images (original) and {} (ReaL). Compare with care.",
                        partial.join(", "),
                        count(ImageId::COUNT),
                        count(REAL_SCORED_IMAGES)
                    )}
                </p>
            }
        })
    };
    let zoom_controls = move || {
        has_models().then(|| {
            let plural = models.with(|m| m.len() > 1);
            view! {
                <div class="zoom" role="group" aria-label="plot range">
                    <button
                        class="pill-toggle"
                        class:on=move || zoom_wanted.get()
                        aria-pressed=move || zoom_wanted.get().to_string()
                        data-testid="zoom-models"
                        on:click=move |_| zoom_wanted.set(true)
                    >
                        {if plural { "Zoom to your models" } else { "Zoom to your model" }}
                    </button>
                    <button
                        class="pill-toggle"
                        class:on=move || !zoom_wanted.get()
                        aria-pressed=move || (!zoom_wanted.get()).to_string()
                        data-testid="zoom-all"
                        on:click=move |_| zoom_wanted.set(false)
                    >
                        "Show all"
                    </button>
                </div>
            }
        })
    };
    let in_view = {
        let published = published.clone();
        move || {
            let r = region.get();
            let shown = published
                .iter()
                .filter(|m| r.contains(m.original_top1, m.real_top1))
                .count();
            format!(
                "{} of {} published models in view",
                count(shown),
                count(published.len())
            )
        }
    };
    view! {
        <div class="published-toolbar">
            {zoom_controls}
            <span class="small" data-testid="published-in-view">{in_view}</span>
        </div>
        <div class="published-layout">
            <div class="published-main">
                <Plot published=published.clone() models=models region=region focus=focus />
                <Legend models=models />
                {partial_note}
            </div>
            <div class="published-side">
                <Detail published=published.clone() models=models focus=focus />
                <Finder published=published models=models focus=focus on_pick=on_pick />
            </div>
        </div>
    }
}

/// What the marks on screen mean.
#[component]
fn Legend(models: Signal<Vec<UserModelPoint>>) -> impl IntoView {
    let full = move || models.with(|m| m.iter().any(|m| !m.partial));
    let partial = move || models.with(|m| m.iter().any(|m| m.partial));
    view! {
        <ul class="legend published-legend">
            <li><span class="legend-dot published-dot"></span>"published (timm)"</li>
            {move || full().then(|| view! { <li><span class="legend-dot user"></span>"your model"</li> })}
            {move || {
                partial()
                    .then(|| view! { <li><span class="legend-dot user hollow"></span>"your model, some images only"</li> })
            }}
            <li><span class="legend-line"></span>"ReaL = original"</li>
        </ul>
    }
}

/// A signed difference in points with a true minus sign, e.g. "+6.81" or "−3.95".
fn signed(points: f64, decimals: usize) -> String {
    let text = format!("{:+.*}", decimals, points);
    match text.strip_prefix('-') {
        Some(rest) => format!("−{rest}"),
        None => text,
    }
}

/// A model name that may wrap after its dots and underscores rather than mid-word.
pub(super) fn breakable(name: &str) -> impl IntoView {
    name.split_inclusive(['_', '.'])
        .map(|part| view! { {part.to_string()}<wbr /> })
        .collect_view()
}

/// The figures of the hovered or selected point.
#[component]
fn Detail(
    published: Arc<Vec<PublishedModel>>,
    models: Signal<Vec<UserModelPoint>>,
    focus: Focus,
) -> impl IntoView {
    move || {
        let users = models.get();
        // Without a pick, the user's first model is the natural subject.
        let pick = focus
            .shown()
            .or((!users.is_empty()).then_some(Pick::User(0)));
        let body = match pick {
            Some(Pick::Published(i)) => published.get(i).map(|m| published_detail(m, &users)),
            Some(Pick::User(i)) => users.get(i).map(|u| user_detail(u, &published)),
            None => None,
        };
        view! {
            <div class="published-detail" data-testid="published-detail" aria-live="polite">
                {body.unwrap_or_else(|| summary(&published))}
            </div>
        }
    }
}

/// The published set at a glance, until a point is picked.
fn summary(published: &[PublishedModel]) -> AnyView {
    let gains: Vec<f64> = published
        .iter()
        .map(|m| m.real_top1 - m.original_top1)
        .collect();
    let higher = gains.iter().filter(|g| **g > 0.0).count();
    let best = published
        .iter()
        .max_by(|a, b| a.real_top1.total_cmp(&b.real_top1));
    let (lowest_gain, highest_gain) = gains
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), g| {
            (lo.min(*g), hi.max(*g))
        });
    view! {
        <h3 class="detail-name">"timm's published models"</h3>
        <p class="small">{format!("{} (model, image size) results", count(published.len()))}</p>
        <table class="detail-figures">
            <tr>
                <th>"Best ReaL top-1"</th>
                <td class="num">{best.map(|m| format!("{:.3}%", m.real_top1)).unwrap_or_default()}</td>
            </tr>
            <tr>
                <th>"ReaL > original"</th>
                <td class="num">{format!("{} of {}", count(higher), count(published.len()))}</td>
            </tr>
            <tr>
                <th>"Gain under ReaL"</th>
                <td class="num">
                    {if gains.is_empty() {
                        String::new()
                    } else {
                        format!("{} to {}", signed(lowest_gain, 2), signed(highest_gain, 2))
                    }}
                </td>
            </tr>
        </table>
        <p class="small against">
            "Point at a model, or search the list below, to see its figures here."
        </p>
    }
    .into_any()
}

fn published_detail(m: &PublishedModel, users: &[UserModelPoint]) -> AnyView {
    let params = m
        .param_count_millions
        .map(|p| format!(" · {p} M params"))
        .unwrap_or_default();
    let against: Vec<String> = users
        .iter()
        .map(|u| {
            let (x, y) = u.percent();
            format!(
                "{} against it: {} ReaL, {} original top-1",
                u.name,
                signed(y - m.real_top1, 2),
                signed(x - m.original_top1, 2)
            )
        })
        .collect();
    view! {
        <h3 class="detail-name" data-testid="detail-name">{breakable(&m.name)}</h3>
        <p class="small">{format!("published by timm · {} px{params}", m.img_size)}</p>
        <table class="detail-figures">
            <tr><th>"Original top-1"</th><td class="num" data-testid="detail-original-top1">{format!("{:.3}%", m.original_top1)}</td></tr>
            <tr><th>"ReaL top-1"</th><td class="num" data-testid="detail-real-top1">{format!("{:.3}%", m.real_top1)}</td></tr>
            <tr><th>"ReaL − original"</th><td class="num">{format!("{} points", signed(m.real_top1 - m.original_top1, 3))}</td></tr>
            <tr><th>"Original top-5"</th><td class="num">{format!("{:.3}%", m.original_top5)}</td></tr>
            <tr><th>"ReaL top-5"</th><td class="num">{format!("{:.3}%", m.real_top5)}</td></tr>
        </table>
        {against.into_iter().map(|line| view! { <p class="small against">{line}</p> }).collect_view()}
    }
    .into_any()
}

fn user_detail(u: &UserModelPoint, published: &[PublishedModel]) -> AnyView {
    let (x, y) = u.percent();
    let below = published.iter().filter(|m| m.real_top1 < y).count();
    let note = if u.partial {
        "your model · over the images it covers"
    } else {
        "your model · over all 50,000 images"
    };
    view! {
        <h3 class="detail-name" data-testid="detail-name">{breakable(&u.name)}</h3>
        <p class="small">{note}</p>
        <table class="detail-figures">
            <tr><th>"Original top-1"</th><td class="num" data-testid="detail-original-top1">{format!("{x:.2}%")}</td></tr>
            <tr><th>"ReaL top-1"</th><td class="num" data-testid="detail-real-top1">{format!("{y:.2}%")}</td></tr>
            <tr><th>"ReaL − original"</th><td class="num">{format!("{} points", signed(y - x, 2))}</td></tr>
        </table>
        <p class="small against">
            {format!("Higher ReaL top-1 than {} of the {} published models.", count(below), count(published.len()))}
        </p>
    }
    .into_any()
}
