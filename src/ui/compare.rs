//! Two models side by side under every label set: the paired 2×2 table (each cell opens its
//! cases), the difference B − A in percentage points with Newcombe's paired 95% interval, and
//! the exact McNemar test.

use crate::hub::Hub;
use crate::state::Explorer;
use crate::text::{count, percent, points};
use crate::ui::link::Link;
use leptos::prelude::*;
use real_core::cases::{CaseFilter, Versus};
use real_core::compare::{compare, format_p};
use real_core::view::ModelRef;
use real_core::{Page, View};

/// The comparison page.
#[component]
pub fn ComparePage() -> impl IntoView {
    let explorer = expect_context::<Explorer>();
    let pick = move |slot: usize, name: String| {
        let mut view = explorer.view.get_untracked();
        let mut names: Vec<String> = explorer.hub.with_untracked(|h| {
            h.shown_models(&view, 2)
                .iter()
                .map(|m| m.name.clone())
                .collect()
        });
        if let Some(n) = names.get_mut(slot) {
            *n = name;
        }
        view.models = names.into_iter().take(2).map(ModelRef::named).collect();
        explorer.navigate(view);
    };
    move || {
        let view = explorer.view.get();
        let hub = explorer.hub.get();
        if hub.models.len() < 2 {
            return view! {
                <section class="compare-page">
                    <h2>"Compare two models"</h2>
                    <p class="empty" data-testid="compare-empty">
                        "Load two or more predictions files on the overview to compare them image by image."
                    </p>
                </section>
            }
            .into_any();
        }
        let shown = hub.shown_models(&view, 2);
        let [a, b, ..] = shown.as_slice() else {
            return ().into_any();
        };
        let (a, b) = (*a, *b);
        let choices = |selected: &str| {
            hub.models
                .iter()
                .map(|m| {
                    let is = m.name == selected;
                    view! { <option value=m.name.clone() selected=is>{m.name.clone()}</option> }
                })
                .collect_view()
        };
        let tables = comparison_tables(&explorer, &hub, a, b);
        view! {
            <section class="compare-page">
                <h2>"Compare two models"</h2>
                <div class="compare-pick">
                    <label>"A "
                        <select data-testid="compare-a" on:change=move |ev| pick(0, event_target_value(&ev))>{choices(&a.name)}</select>
                    </label>
                    <label>"B "
                        <select data-testid="compare-b" on:change=move |ev| pick(1, event_target_value(&ev))>{choices(&b.name)}</select>
                    </label>
                </div>
                <p class="intro">
                    "Top-1 of A and B on the images both are scored on, under each label set. "
                    "The difference is B's accuracy minus A's, with Newcombe's (1998, method 10) paired 95% interval; "
                    "p is the exact two-sided McNemar test on the images where exactly one model is right. "
                    "A difference significant under the original labels may not be under ReaL."
                </p>
                <div class="compare-grid">{tables}</div>
            </section>
        }
        .into_any()
    }
}

fn comparison_tables(
    explorer: &Explorer,
    hub: &Hub,
    a: &crate::load::Evaluation,
    b: &crate::load::Evaluation,
) -> impl IntoView {
    let data = explorer.data();
    let view = explorer.view.get_untracked();
    hub.label_sets
        .iter()
        .map(|l| {
            let key = l.set.key.clone();
            let Some(table) = hub.paired(&data, a, b, &key) else {
                return ().into_any();
            };
            let result = compare(table);
            let cases = |versus: Versus| View {
                page: Page::Cases,
                filter: CaseFilter {
                    versus: Some(versus),
                    ..Default::default()
                },
                models: vec![ModelRef::named(&a.name), ModelRef::named(&b.name)],
                label_sets: vec![key.clone()],
                predictions: view.predictions.clone(),
                ..Default::default()
            };
            let cell = |versus: Versus, n: usize, testid: &'static str, class: &'static str| {
                let key = key.clone();
                view! {
                    <td class=format!("num {class}")>
                        <Link to=cases(versus)>
                            <span data-testid=testid data-labels=key>{count(n)}</span>
                        </Link>
                    </td>
                }
            };
            let difference = result
                .difference
                .map(points)
                .unwrap_or_else(|| "—".into());
            let interval = result
                .difference_interval
                .map(|i| format!("95% CI {} to {}", points(i.low), points(i.high)))
                .unwrap_or_default();
            let p = format_p(result.mcnemar_p, result.mcnemar_log10_p);
            let images = table.images();
            let share = |n: usize| {
                if images == 0 {
                    "—".to_string()
                } else {
                    percent(n as f64 / images as f64)
                }
            };
            let accuracies = format!(
                "A {} · B {}",
                share(table.both + table.a_only),
                share(table.both + table.b_only)
            );
            let significant = result.mcnemar_p < 0.05;
            view! {
                <div class="compare-card" data-testid="compare-card" data-labels=key.clone()>
                    <h3>{format!("under {}", l.name)}</h3>
                    <table class="paired">
                        <thead>
                            <tr><th><span class="sr">"A against B"</span></th><th scope="col">{format!("B right ({})", b.name)}</th><th scope="col">"B wrong"</th></tr>
                        </thead>
                        <tbody>
                            <tr>
                                <th scope="row">{format!("A right ({})", a.name)}</th>
                                {cell(Versus::Both, table.both, "compare-both", "both")}
                                {cell(Versus::AOnly, table.a_only, "compare-a-only", "a-only")}
                            </tr>
                            <tr>
                                <th scope="row">"A wrong"</th>
                                {cell(Versus::BOnly, table.b_only, "compare-b-only", "b-only")}
                                {cell(Versus::Neither, table.neither, "compare-neither", "neither")}
                            </tr>
                        </tbody>
                    </table>
                    <p class="accuracies" data-testid="compare-accuracies" data-labels=key.clone()>{accuracies}</p>
                    <p class="difference">
                        "B − A: " <strong data-testid="compare-difference" data-labels=key.clone()>{difference}</strong>
                        " · " {interval}
                    </p>
                    <p class="mcnemar" class:significant=significant>
                        "McNemar " <strong data-testid="mcnemar-p" data-labels=key.clone()>{p}</strong>
                        {format!(" · over {}", crate::text::images(table.images()))}
                    </p>
                </div>
            }
            .into_any()
        })
        .collect_view()
}
