//! The model on screen under every label set, and the four-way split between any two of them.

use crate::state::Explorer;
use crate::text::{count, percent};
use crate::ui::per_class::PerClassTable;
use crate::ui::results::Split;
use leptos::prelude::*;
use real_core::labels::{ORIGINAL, REAL};
use real_core::metrics::Accuracy;
use real_core::scores::split;

fn figure(accuracy: Option<&Accuracy>) -> String {
    match accuracy {
        Some(a) => format!(
            "{}{}",
            a.fraction.map(percent).unwrap_or_else(|| "—".into()),
            a.interval
                .map(|i| format!(" ({}–{})", percent(i.low), percent(i.high)))
                .unwrap_or_default()
        ),
        None => "—".into(),
    }
}

/// Every label set's figures for the model on screen, and the split between the two the
/// view names (`set=`; by default ReaL against the original labels).
#[component]
pub fn LabelSetsPanel() -> impl IntoView {
    let explorer = expect_context::<Explorer>();
    let choose = move |slot: usize, key: String| {
        let mut view = explorer.view.get_untracked();
        let mut pair = [
            view.label_sets
                .first()
                .cloned()
                .unwrap_or_else(|| REAL.into()),
            view.label_sets
                .get(1)
                .cloned()
                .unwrap_or_else(|| ORIGINAL.into()),
        ];
        if let Some(s) = pair.get_mut(slot) {
            *s = key;
        }
        // The built-in pair is the default and needs no parameter.
        view.label_sets = if pair[0] == REAL && pair[1] == ORIGINAL {
            Vec::new()
        } else {
            pair.to_vec()
        };
        view.filter.outcome = None;
        explorer.navigate(view);
    };
    move || {
        let model = explorer.evaluation.get()?;
        let hub = explorer.hub.get();
        let view = explorer.view.get();
        let data = explorer.data();
        let first_key = view
            .label_sets
            .first()
            .cloned()
            .unwrap_or_else(|| REAL.into());
        let second_key = view
            .label_sets
            .get(1)
            .cloned()
            .unwrap_or_else(|| ORIGINAL.into());
        let rows = hub
            .label_sets
            .iter()
            .filter_map(|l| {
                let figures = hub.figures(&data, &model, &l.set.key)?;
                let s = figures.score;
                Some(view! {
                    <tr data-testid="label-set-row" data-labels=l.set.key.clone()>
                        <th scope="row">
                            {l.name.clone()}
                            {(l.name != l.set.key).then(|| view! { " " <code class="key">{l.set.key.clone()}</code> })}
                        </th>
                        <td class="num" data-testid="label-set-top1">{figure(s.top(1))}</td>
                        <td class="num">{figure(s.top(5))}</td>
                        <td class="num">{count(s.scored)}</td>
                        <td class="num">{count(s.excluded)}</td>
                        <td class="num">{count(s.missing)}</td>
                    </tr>
                })
            })
            .collect_view();
        let options = |selected: &str| {
            hub.label_sets
                .iter()
                .map(|l| {
                    let is = l.set.key == selected;
                    view! { <option value=l.set.key.clone() selected=is>{l.name.clone()}</option> }
                })
                .collect_view()
        };
        let name_of = |key: &str| {
            hub.label_set(key)
                .map(|l| l.name.clone())
                .unwrap_or_else(|| key.to_string())
        };
        let first = hub.figures(&data, &model, &first_key);
        let second = hub.figures(&data, &model, &second_key);
        let per_class = match (&first, &second) {
            (Some(a), Some(b)) => Some(view! {
                <PerClassTable
                    first=a.score.clone()
                    second=b.score.clone()
                    names=(name_of(&first_key), name_of(&second_key))
                />
            }),
            _ => None,
        };
        let built_in_pair = first_key == REAL && second_key == ORIGINAL;
        let split_view = match (first, second) {
            // ReaL against the original labels is the split above.
            _ if built_in_pair => view! {
                <p class="empty">"ReaL against the original labels is the split above; choose other label sets to split by them."</p>
            }
            .into_any(),
            (Some(a), Some(b)) => {
                let counts = split(&a.ranks, &b.ranks);
                let scored = counts.both + counts.real_only + counts.original_only + counts.neither;
                let keys = vec![first_key.clone(), second_key.clone()];
                view! {
                    <Split
                        split=counts
                        scored=scored
                        names=(name_of(&first_key), name_of(&second_key))
                        label_sets=keys
                    />
                }
                .into_any()
            }
            _ => view! { <p class="empty">"The link names a label set that is not loaded here."</p> }.into_any(),
        };
        Some(view! {
            <section class="label-sets" data-testid="label-sets-panel">
                <h2>{format!("{} under every label set", model.name)}</h2>
                <div class="table-scroll" tabindex="0" role="region" aria-label="The model under every label set">
                    <table class="label-set-table">
                        <thead>
                            <tr>
                                <th scope="col">"label set"</th>
                                <th scope="col">"top-1 (95% CI)"</th>
                                <th scope="col">"top-5 (95% CI)"</th>
                                <th scope="col">"scored"</th>
                                <th scope="col">"left out"</th>
                                <th scope="col">"not in the file"</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
                <div class="split-choice">
                    "Split top-1 between "
                    <select aria-label="first label set" data-testid="split-first" on:change=move |ev| choose(0, event_target_value(&ev))>
                        {options(&first_key)}
                    </select>
                    " and "
                    <select aria-label="second label set" data-testid="split-second" on:change=move |ev| choose(1, event_target_value(&ev))>
                        {options(&second_key)}
                    </select>
                </div>
                {split_view}
                {per_class}
            </section>
        })
    }
}
