//! One image: labels, the model's top-k with scores and verdicts, neighbours in the filter,
//! and a link that shows it to anyone.

use crate::state::{absolute_url, Explorer};
use crate::ui::cases::{image_view, typing, KeyHelp};
use crate::ui::chips::{original_chip_kind, ClassChip};
use crate::ui::link::Link;
use crate::ui::thumb::Thumb;
use leptos::ev::KeyboardEvent;
use leptos::prelude::*;
use real_core::{ImageId, Page};

/// The image page.
#[component]
pub fn ImagePage() -> impl IntoView {
    let explorer = expect_context::<Explorer>();
    let help = RwSignal::new(false);
    let copied = RwSignal::new(false);
    let neighbours = move || {
        let image = explorer.view.get().image?;
        let cases = explorer.cases.get();
        let at = cases.iter().position(|c| c.image == image);
        let prev = at
            .and_then(|i| i.checked_sub(1))
            .and_then(|i| cases.get(i))
            .map(|c| c.image);
        let next = at.and_then(|i| cases.get(i + 1)).map(|c| c.image);
        Some((at, cases.len(), prev, next))
    };
    // Stepping through cases replaces the history entry: Back leaves the image page rather
    // than walking back through every case seen.
    let go = move |image: Option<ImageId>| {
        if let Some(image) = image {
            explorer.replace(image_view(&explorer, image));
        }
    };
    // Said to a screen reader when j/k change the case, which the focus does not follow.
    let announce = move || {
        let image = explorer.view.with(|v| v.image)?;
        let data = explorer.data();
        let original = data.class(data.original_label(image)).name.clone();
        Some(format!("Image {}, original label {original}", image.0))
    };
    let back = move || {
        let mut view = explorer.view.get_untracked();
        view.page = Page::Cases;
        for model in &mut view.models {
            model.top.clear();
        }
        view
    };
    let keys = window_event_listener(leptos::ev::keydown, move |ev: KeyboardEvent| {
        // The help dialog, when open, has the keys.
        if typing(&ev) || ev.ctrl_key() || ev.meta_key() || ev.alt_key() || help.get_untracked() {
            return;
        }
        let Some((_, _, prev, next)) = neighbours() else {
            return;
        };
        match ev.key().as_str() {
            "j" | "ArrowDown" | "ArrowRight" => go(next),
            "k" | "ArrowUp" | "ArrowLeft" => go(prev),
            "?" => help.set(true),
            "Escape" => explorer.navigate(back()),
            _ => {}
        }
    });
    on_cleanup(move || keys.remove());
    let copy = move |_| {
        let url = absolute_url(&explorer.view.get_untracked());
        let clipboard = window().navigator().clipboard();
        let _ = clipboard.write_text(&url);
        copied.set(true);
    };
    let body = move || {
        let view = explorer.view.get();
        let image = view.image?;
        let data = explorer.data();
        let original = data.original_label(image);
        // The ReaL set in use: rebuilt at the view's threshold once the evidence is loaded.
        let (real, real_name) = explorer.hub.with(|h| {
            let entry = h.label_set(real_core::labels::REAL);
            (
                entry
                    .and_then(|l| l.set.labels(image))
                    .map_or_else(|| data.real_labels(image).to_vec(), <[_]>::to_vec),
                entry.map_or_else(|| "ReaL".to_string(), |l| l.name.clone()),
            )
        });
        let has_model = explorer.hub.with(|h| !h.models.is_empty());
        // What the link carries wins: a link shows its sender's predictions, never the
        // recipient's own files of the same name. Without carried predictions, every loaded
        // model that covers the image.
        let carried: Vec<ModelTop> = view
            .models
            .iter()
            .filter(|m| !m.top.is_empty())
            .map(|m| ModelTop {
                name: m.name.clone(),
                top: m.top.iter().map(|p| (p.class, p.score)).collect(),
                from_link: explorer.hub.with(|h| h.model_named(&m.name).is_none()),
            })
            .collect();
        let models = if carried.is_empty() {
            explorer.hub.with(|h| {
                h.models
                    .iter()
                    .filter_map(|m| {
                        let row = m.predictions.row_of(image)?;
                        let scores = m.predictions.top_scores(row);
                        let top = m
                            .predictions
                            .top(row)
                            .iter()
                            .enumerate()
                            .filter_map(|(i, c)| {
                                c.map(|c| {
                                    (
                                        c,
                                        scores
                                            .and_then(|s| s.get(i).copied())
                                            .filter(|s| s.is_finite()),
                                    )
                                })
                            })
                            .collect();
                        Some(ModelTop {
                            name: m.name.clone(),
                            top,
                            from_link: false,
                        })
                    })
                    .collect()
            })
        } else {
            carried
        };
        let tables = models
            .iter()
            .map(|m| {
                let rows = m
                    .top
                    .iter()
                    .enumerate()
                    .map(|(rank, (class, score))| {
                        let in_real = real.contains(class);
                        let is_original = *class == original;
                        view! {
                            <tr class:first=rank == 0 data-testid="prediction-row">
                                <td class="rank">{rank + 1}</td>
                                <td><ClassChip dataset=data.clone() class=*class /></td>
                                <td class="num">{score.map(|s| format!("{:.4}", f64::from(s))).unwrap_or_else(|| "—".into())}</td>
                                <td class=if in_real { "yes" } else { "no" }>
                                    {if real.is_empty() { view! { "—" }.into_any() } else if in_real { view! { "✓ counts" }.into_any() } else { view! { <span aria-hidden="true">"✗"</span><span class="sr">"does not count"</span> }.into_any() }}
                                </td>
                                <td class=if is_original { "yes" } else { "no" }>{if is_original { view! { "✓ counts" }.into_any() } else { view! { <span aria-hidden="true">"✗"</span><span class="sr">"does not count"</span> }.into_any() }}</td>
                            </tr>
                        }
                    })
                    .collect_view();
                let title = format!(
                    "{}{}",
                    m.name,
                    if m.from_link { " (from the link)" } else { "" }
                );
                view! {
                    <div class="model-top" data-testid="model-top" data-model=m.name.clone()>
                        <h3>{title}</h3>
                        <table class="predictions" data-testid="predictions">
                            <thead>
                                <tr><th>"#"</th><th>"class"</th><th>"score"</th><th>{format!("under {real_name}")}</th><th>"under original"</th></tr>
                            </thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                }
            })
            .collect_view();
        let no_predictions = models.is_empty();
        let (position, prev, next, total) = match neighbours() {
            Some((at, total, prev, next)) => (at, prev, next, total),
            None => (None, None, None, 0),
        };
        let real_chips = if real.is_empty() {
            view! { <span class="none">{format!("no valid label: this image is left out of {real_name} scores")}</span> }.into_any()
        } else {
            real.iter()
                .map(|c| view! { <ClassChip dataset=data.clone() class=*c /> })
                .collect_view()
                .into_any()
        };
        let original_kind = original_chip_kind(&real, original);
        Some(view! {
            <section class="image-page" data-testid="image-page" data-image=image.0>
                <div class="image-nav">
                    <Link to=back() class="back">"← cases"</Link>
                    <span class="position">
                        {match position {
                            Some(i) => format!("{} of {} in this filter", crate::text::count(i + 1), crate::text::count(total)),
                            None if view.filter.needs_predictions() && !has_model => {
                                "load the predictions file to step through this filter".into()
                            }
                            None => "not in the current filter".into(),
                        }}
                    </span>
                    {prev.map(|p| view! { <Link to=image_view(&explorer, p) class="step">"← previous"</Link> })}
                    {next.map(|n| view! { <Link to=image_view(&explorer, n) class="step">"next →"</Link> })}
                    <button class="copy" data-testid="copy-link" on:click=copy>
                        <span aria-live="polite">{move || if copied.get() { "link copied" } else { "copy link" }}</span>
                    </button>
                </div>
                <div class="image-main">
                    <Thumb image=image large=true />
                    <div class="image-facts">
                        <h2 data-testid="image-title">{format!("#{} · {}", image.0, image.file_name())}</h2>
                        <p>"Original label " <ClassChip dataset=data.clone() class=original kind=original_kind /></p>
                        <p class="real-labels">{format!("{real_name} labels ")} {real_chips}</p>
                        {no_predictions.then(|| view! { <h3>"No predictions for this image"</h3> })}
                        <div class="model-tops">{tables}</div>
                        <crate::ui::image_evidence::ImageEvidence image=image />
                        <p class="share-url">
                            <input readonly aria-label="Link to this case" value=absolute_url(&view) data-testid="share-url" on:focus=|ev| {
                                event_target::<web_sys::HtmlInputElement>(&ev).select();
                            } />
                        </p>
                    </div>
                </div>
                {move || help.get().then(|| view! { <KeyHelp on_close=Callback::new(move |_| help.set(false)) /> })}
            </section>
        })
    };
    view! {
        <p class="sr" aria-live="polite" data-testid="image-announce">{announce}</p>
        {body}
    }
}

/// One model's best-first predictions for the image on screen.
struct ModelTop {
    name: String,
    top: Vec<(real_core::ClassIndex, Option<f32>)>,
    /// Carried by the link for a model this page has not loaded.
    from_link: bool,
}
