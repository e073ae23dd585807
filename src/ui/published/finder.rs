//! The keyboard's way to the published models: a search box over the names and a short list
//! of matches; choosing one rings it on the plot and shows its figures.

use super::{breakable, Focus, Pick, UserModelPoint};
use crate::text::count;
use leptos::prelude::*;
use real_core::published::PublishedModel;
use std::sync::Arc;

/// Matches listed at once: enough to scan, few enough to tab through.
const LISTED: usize = 50;

/// The published models matching a query, best first: an exact name, then names starting
/// with the query, then the rest in file order (best ReaL top-1 first). Every word of the
/// query must appear in the name, or equal the image size.
fn matching(published: &[PublishedModel], lowered: &[String], query: &str) -> Vec<usize> {
    let query = real_core::fold::ascii_lower(query.trim());
    let words: Vec<&str> = query.split_whitespace().collect();
    let found: Vec<(u8, usize)> = published
        .iter()
        .zip(lowered)
        .enumerate()
        .filter(|(_, (m, name))| {
            words
                .iter()
                .all(|w| name.contains(w) || m.img_size.to_string() == *w)
        })
        .map(|(i, (_, name))| {
            let rank = if *name == query {
                0
            } else if name.starts_with(&query) {
                1
            } else {
                2
            };
            (rank, i)
        })
        .collect();
    let ranks: Vec<f64> = found.iter().map(|(rank, _)| f64::from(*rank)).collect();
    real_core::order::by_key(&ranks)
        .into_iter()
        .map(|j| found[j].1)
        .collect()
}

/// The published models nearest to a point (original, ReaL in percent).
fn nearest(published: &[PublishedModel], (x, y): (f64, f64)) -> Vec<usize> {
    let distances: Vec<f64> = published
        .iter()
        .map(|m| (m.original_top1 - x).hypot(m.real_top1 - y))
        .collect();
    real_core::order::by_key(&distances)
}

/// The search box and the list.
#[component]
pub(super) fn Finder(
    /// The published models, in file order.
    published: Arc<Vec<PublishedModel>>,
    /// The user's models: without a query, the list starts near the first.
    models: Signal<Vec<UserModelPoint>>,
    /// Hover and selection, shared with the plot.
    focus: Focus,
    /// Called with the index of the published model chosen.
    on_pick: Callback<usize>,
) -> impl IntoView {
    let query = RwSignal::new(String::new());
    let lowered: Arc<Vec<String>> = Arc::new(
        published
            .iter()
            .map(|m| real_core::fold::ascii_lower(&m.name))
            .collect(),
    );
    let listing = {
        let published = published.clone();
        Memo::new(move |_| {
            let text = query.get();
            if !text.trim().is_empty() {
                let found = matching(&published, &lowered, &text);
                let caption = match found.len() {
                    0 => format!("No published model matches “{}”.", text.trim()),
                    n if n > LISTED => format!(
                        "{} matches; the first {LISTED}. Type more to narrow them.",
                        count(n)
                    ),
                    1 => "1 match".to_string(),
                    n => format!("{n} matches"),
                };
                return (caption, found.into_iter().take(LISTED).collect::<Vec<_>>());
            }
            match models.with(|m| m.first().map(|u| (u.name.clone(), u.percent()))) {
                Some((name, point)) => (
                    format!("Nearest to {name}"),
                    nearest(&published, point)
                        .into_iter()
                        .take(LISTED)
                        .collect(),
                ),
                None => (
                    "Highest ReaL top-1".to_string(),
                    (0..published.len().min(LISTED)).collect(),
                ),
            }
        })
    };
    let items = move || {
        let selected = focus.selected.get();
        listing.with(|(_, indices)| {
            indices
                .iter()
                .filter_map(|&i| published.get(i).map(|m| (i, m)))
                .map(|(i, m)| {
                    let chosen = selected == Some(Pick::Published(i));
                    view! {
                        <li>
                            <button
                                class="finder-item"
                                class:chosen=chosen
                                aria-pressed=chosen.to_string()
                                data-testid="published-option"
                                data-model=m.name.clone()
                                on:click=move |_| on_pick.run(i)
                                on:mouseenter=move |_| focus.hovered.set(Some(Pick::Published(i)))
                                on:mouseleave=move |_| focus.hovered.set(None)
                                on:focus=move |_| focus.hovered.set(Some(Pick::Published(i)))
                                on:blur=move |_| focus.hovered.set(None)
                            >
                                <span class="finder-name">{breakable(&m.name)}</span>
                                <span class="finder-figures num">
                                    {format!("{} px · {:.2} → {:.2}", m.img_size, m.original_top1, m.real_top1)}
                                </span>
                            </button>
                        </li>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <div class="finder">
            <label class="finder-label" for="published-search">"Find a published model"</label>
            <input
                id="published-search"
                type="search"
                class="finder-input"
                data-testid="published-search"
                placeholder="e.g. resnet50, vit_base 384"
                autocomplete="off"
                prop:value=move || query.get()
                on:input=move |ev| query.set(event_target_value(&ev))
            />
            <p class="small finder-caption" data-testid="published-caption" aria-live="polite">
                {move || listing.with(|(caption, _)| caption.clone())}
            </p>
            <ul class="finder-list" data-testid="published-list">{items}</ul>
            <p class="small finder-hint">"Figures: original → ReaL top-1 (%)."</p>
        </div>
    }
}
