//! Every loaded model under every label set: top-1 and top-5 with intervals and
//! denominators, sortable by any column, with each model's rank change between two label sets.

use crate::state::Explorer;
use crate::text::{count, percent};
use leptos::prelude::*;
use real_core::metrics::Accuracy;
use real_core::scores::Score;
use std::sync::Arc;

/// A sortable column: the model's name, or a label set's top-k.
#[derive(Clone, Debug, PartialEq)]
enum Column {
    Name,
    Top { key: String, k: usize },
    RankChange,
}

/// One model's row.
struct Row {
    name: String,
    partial: bool,
    images: usize,
    /// Per label set, in the hub's order.
    scores: Vec<Option<Arc<Score>>>,
}

fn fraction(score: &Option<Arc<Score>>, k: usize) -> Option<f64> {
    score.as_ref()?.top(k)?.fraction
}

/// Ranks (1 = best) of the rows by top-1 under label set `i`; ties share the better rank.
fn ranks(rows: &[Row], i: usize) -> Vec<Option<usize>> {
    let value = |r: &Row| r.scores.get(i).and_then(|s| fraction(s, 1));
    rows.iter()
        .map(|row| {
            let mine = value(row)?;
            Some(
                1 + rows
                    .iter()
                    .filter(|o| value(o).is_some_and(|v| v > mine))
                    .count(),
            )
        })
        .collect()
}

/// The leaderboard page.
#[component]
pub fn LeaderboardPage() -> impl IntoView {
    let explorer = expect_context::<Explorer>();
    let sort = RwSignal::new((
        Column::Top {
            key: "real".into(),
            k: 1,
        },
        true,
    ));
    let show_top5 = RwSignal::new(false);
    // The rank change follows the view's label sets (`set=`): from the second to the first.
    let (first, second) = explorer.view.with_untracked(|v| {
        (
            v.label_sets
                .first()
                .cloned()
                .unwrap_or_else(|| "real".into()),
            v.label_sets
                .get(1)
                .cloned()
                .unwrap_or_else(|| "original".into()),
        )
    });
    let from = RwSignal::new(second);
    let to = RwSignal::new(first);
    let table = move || {
        let hub = explorer.hub.get();
        let data = explorer.data();
        let sets: Vec<(String, String)> = hub
            .label_sets
            .iter()
            .map(|l| (l.set.key.clone(), l.name.clone()))
            .collect();
        let rows: Vec<Row> = hub
            .models
            .iter()
            .map(|m| Row {
                name: m.name.clone(),
                partial: m.report.images < real_core::ImageId::COUNT,
                images: m.report.images,
                scores: sets
                    .iter()
                    .map(|(key, _)| hub.figures(&data, m, key).map(|c| c.score))
                    .collect(),
            })
            .collect();
        let index_of = |key: &str| sets.iter().position(|(k, _)| k == key);
        let rank_from = index_of(&from.get()).map(|i| ranks(&rows, i));
        let rank_to = index_of(&to.get()).map(|i| ranks(&rows, i));
        let change: Vec<Option<i64>> = (0..rows.len())
            .map(|r| {
                let a = rank_from.as_ref()?.get(r).copied().flatten()?;
                let b = rank_to.as_ref()?.get(r).copied().flatten()?;
                Some(a as i64 - b as i64)
            })
            .collect();
        // Sort rows (carrying their rank change along).
        let (column, descending) = sort.get();
        // Names order by their place among the names; a missing figure sorts below every
        // figure.
        // (The browser's Unicode lower case: model names are the user's own, in any script.)
        let names: Vec<String> = rows
            .iter()
            .map(|r| String::from(js_sys::JsString::from(r.name.as_str()).to_lower_case()))
            .collect();
        let sign = if descending { -1.0 } else { 1.0 };
        let keys: Vec<f64> = (0..rows.len())
            .map(|r| {
                let value = match &column {
                    Column::Name => Some(names.iter().filter(|n| **n < names[r]).count() as f64),
                    Column::Top { key, k } => index_of(key)
                        .and_then(|i| rows[r].scores.get(i).and_then(|s| fraction(s, *k))),
                    Column::RankChange => change[r].map(|c| c as f64),
                };
                sign * value.unwrap_or(f64::NEG_INFINITY)
            })
            .collect();
        let order = real_core::order::by_key(&keys);
        let header = |label: String, col: Column, testid: &'static str| {
            let current = sort.get();
            let (arrow, order) = if current.0 == col {
                if current.1 {
                    (" ▼", "descending")
                } else {
                    (" ▲", "ascending")
                }
            } else {
                ("", "none")
            };
            let col_click = col.clone();
            view! {
                <th aria-sort=order>
                    <button class="sort-header" data-testid=testid on:click=move |_| {
                        sort.update(|s| {
                            if s.0 == col_click {
                                s.1 = !s.1;
                            } else {
                                *s = (col_click.clone(), col_click != Column::Name);
                            }
                        })
                    }>{label}<span aria-hidden="true">{arrow}</span></button>
                </th>
            }
        };
        let with_top5 = show_top5.get();
        let heads = sets
            .iter()
            .flat_map(|(key, name)| {
                let both = [
                    header(
                        format!("{name} top-1"),
                        Column::Top {
                            key: key.clone(),
                            k: 1,
                        },
                        "leaderboard-sort",
                    ),
                    header(
                        format!("{name} top-5"),
                        Column::Top {
                            key: key.clone(),
                            k: 5,
                        },
                        "leaderboard-sort",
                    ),
                ];
                both.into_iter().take(if with_top5 { 2 } else { 1 })
            })
            .collect_view();
        let body = order
            .iter()
            .map(|&r| {
                let row = &rows[r];
                let cells = sets
                    .iter()
                    .zip(&row.scores)
                    .flat_map(|((key, _), score)| {
                        let top1 = score.as_ref().and_then(|s| s.top(1).copied());
                        let top5 = score.as_ref().and_then(|s| s.top(5).copied());
                        let both = [
                            cell(top1, key.clone(), true),
                            cell(top5, key.clone(), false),
                        ];
                        both.into_iter().take(if with_top5 { 2 } else { 1 })
                    })
                    .collect_view();
                let delta = change[r];
                let delta_text = match delta {
                    Some(0) => "=".to_string(),
                    Some(d) if d > 0 => format!("↑{d}"),
                    Some(d) => format!("↓{}", -d),
                    None => "—".into(),
                };
                let partial_note = row.partial.then(|| {
                    view! {
                        <span class="partial" title="this file covers only some images: its figures are not comparable with full-set figures">
                            {format!(" partial: {}", crate::text::images(row.images))}
                        </span>
                    }
                });
                view! {
                    <tr data-testid="leaderboard-row" data-model=row.name.clone()>
                        <th scope="row" class="model">{row.name.clone()}{partial_note}</th>
                        {cells}
                        <td class="num rank-change" data-testid="rank-change">{delta_text}</td>
                    </tr>
                }
            })
            .collect_view();
        let options = |selected: RwSignal<String>| {
            sets.iter()
                .map(|(key, name)| {
                    let key = key.clone();
                    let is = key == selected.get_untracked();
                    view! { <option value=key selected=is>{name.clone()}</option> }
                })
                .collect_view()
        };
        let empty = rows.is_empty();
        view! {
            <div class="rank-choice">
                "Rank change from "
                <select aria-label="rank change from" on:change=move |ev| from.set(event_target_value(&ev))>{options(from)}</select>
                " to "
                <select aria-label="rank change to" on:change=move |ev| to.set(event_target_value(&ev))>{options(to)}</select>
                " (by top-1; ↑ climbs). "
                <label class="check">
                    <input type="checkbox" data-testid="leaderboard-top5-toggle" prop:checked=with_top5 on:change=move |ev| show_top5.set(event_target_checked(&ev)) />
                    " top-5 too"
                </label>
            </div>
            {if empty {
                view! { <p class="empty">"Load models on the overview to rank them here."</p> }.into_any()
            } else {
                view! {
                    <div class="table-scroll" tabindex="0" role="region" aria-label="Leaderboard">
                        <table class="leaderboard" data-testid="leaderboard">
                            <thead>
                                <tr>
                                    {header("model".into(), Column::Name, "leaderboard-sort")}
                                    {heads}
                                    {header("rank change".into(), Column::RankChange, "leaderboard-sort")}
                                </tr>
                            </thead>
                            <tbody>{body}</tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        }
    };
    view! {
        <section class="leaderboard-page">
            <h2>"Leaderboard"</h2>
            <p class="intro">
                "Every loaded model under every label set. Top-k counts an image correct when any of the first k predictions is in its set; "
                "images with an empty set are left out, so each figure has its own denominator (shown under it). "
                "Differences between models are in percentage points."
            </p>
            {table}
        </section>
    }
}

/// A figure cell: the percentage with two decimals, its interval and denominator beneath.
fn cell(accuracy: Option<Accuracy>, key: String, top1: bool) -> impl IntoView {
    // Value, interval, then the counts: three short lines keep the columns narrow.
    let (value, interval, counts) = match accuracy {
        Some(a) => (
            a.fraction.map(percent).unwrap_or_else(|| "—".into()),
            a.interval
                .map(|i| format!("{}–{}", percent(i.low), percent(i.high)))
                .unwrap_or_default(),
            format!("{} of {}", count(a.correct), count(a.total)),
        ),
        None => ("—".into(), String::new(), String::new()),
    };
    let testid = if top1 {
        "leaderboard-top1"
    } else {
        "leaderboard-top5"
    };
    view! {
        <td class="num figure-cell" data-testid=testid data-labels=key>
            <span class="value">{value}</span>
            <span class="detail">{interval}</span>
            <span class="detail">{counts}</span>
        </td>
    }
}
