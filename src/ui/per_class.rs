//! Per-class ReaL and original accuracy, sortable; each class opens its cases.

use crate::state::Explorer;
use crate::text::percent;
use crate::ui::link::Link;
use leptos::prelude::*;
use real_core::cases::CaseFilter;
use real_core::metrics::ClassAccuracy;
use real_core::scores::Score;
use real_core::ClassIndex;
use std::sync::Arc;

#[derive(Clone, Copy, PartialEq, Eq)]
enum SortKey {
    Class,
    Real,
    Original,
    Gain,
}

fn fraction(a: &real_core::metrics::Accuracy) -> f64 {
    a.fraction.unwrap_or(-1.0)
}

fn gain(c: &ClassAccuracy) -> f64 {
    match (c.real.fraction, c.original.fraction) {
        (Some(r), Some(o)) => r - o,
        _ => f64::NEG_INFINITY,
    }
}

/// Per-class top-1 of one model under two label sets (`real` holds the first set's figure,
/// `original` the second's), images grouped by original label.
#[component]
pub fn PerClassTable(
    /// The model's figures under the first label set.
    first: Arc<Score>,
    /// Under the second.
    second: Arc<Score>,
    /// The two label sets' names.
    names: (String, String),
) -> impl IntoView {
    let explorer = expect_context::<Explorer>();
    let sort = RwSignal::new((SortKey::Gain, true));
    let expanded = RwSignal::new(false);
    let first_label = format!("{} top-1", names.0);
    let second_label = format!("{} top-1", names.1);
    let gain_label = format!("{} − {} (pts)", names.0, names.1);
    // Sortable headers are buttons, and the column sorted says so (`aria-sort`).
    let header = move |key: SortKey, label: String| {
        let order = move || match sort.get() {
            (k, true) if k == key => "descending",
            (k, false) if k == key => "ascending",
            _ => "none",
        };
        view! {
            <th class="sortable" class:active=move || sort.get().0 == key aria-sort=order>
                <button
                    class="sort-header"
                    on:click=move |_| sort.update(|(k, desc)| if *k == key { *desc = !*desc } else { *k = key; *desc = key != SortKey::Class; })
                >
                    {label}
                    <span aria-hidden="true">
                        {move || match order() {
                            "descending" => " ▼",
                            "ascending" => " ▲",
                            _ => "",
                        }}
                    </span>
                </button>
            </th>
        }
    };
    let export = view! { <crate::ui::export::PerClassExportBar first=first.clone() second=second.clone() /> };
    let rows = move || {
        let data = explorer.data();
        let (key, desc) = sort.get();
        let classes: Vec<ClassAccuracy> = first
            .per_class
            .iter()
            .zip(&second.per_class)
            .enumerate()
            .map(|(class, (real, original))| ClassAccuracy {
                class: class as u16,
                real: *real,
                original: *original,
            })
            .collect();
        let sign = if desc { -1.0 } else { 1.0 };
        let keys: Vec<f64> = classes
            .iter()
            .map(|c| {
                sign * match key {
                    SortKey::Class => f64::from(c.class),
                    SortKey::Real => fraction(&c.real),
                    SortKey::Original => fraction(&c.original),
                    SortKey::Gain => gain(c),
                }
            })
            .collect();
        let classes = real_core::order::apply(&classes, &real_core::order::by_key(&keys));
        let shown = if expanded.get() { classes.len() } else { 25 };
        let current = explorer.view.get_untracked();
        classes
            .into_iter()
            .take(shown)
            .map(|c| {
                let class = ClassIndex(c.class);
                let info = data.class(class);
                let to = current.cases(CaseFilter {
                    original: Some(class),
                    ..Default::default()
                });
                let cell = |a: real_core::metrics::Accuracy| {
                    format!(
                        "{} ({}/{})",
                        a.fraction.map(percent).unwrap_or_else(|| "—".into()),
                        a.correct,
                        a.total
                    )
                };
                let g = gain(&c);
                let trend = if g > 0.0 {
                    "num up"
                } else if g < 0.0 {
                    "num down"
                } else {
                    "num"
                };
                let name = info.name.clone();
                let lemmas = info.lemmas.clone();
                view! {
                    <tr data-testid="class-row">
                        <td class="num">{c.class}</td>
                        <td><Link to=to><span title=lemmas>{name}</span></Link></td>
                        <td class="num">{cell(c.real)}</td>
                        <td class="num">{cell(c.original)}</td>
                        <td class=trend>
                            {if g.is_finite() { format!("{:+.1}", 100.0 * g) } else { "—".into() }}
                        </td>
                    </tr>
                }
            })
            .collect_view()
    };
    view! {
        <div class="per-class">
            <h3>"Per class (images grouped by original label)"</h3>
            {export}
            <div class="table-scroll" tabindex="0" role="region" aria-label="Per-class accuracy">
            <table data-testid="per-class">
                <thead>
                    <tr>
                        {header(SortKey::Class, "#".to_string())}
                        <th>"class"</th>
                        {header(SortKey::Real, first_label)}
                        {header(SortKey::Original, second_label)}
                        {header(SortKey::Gain, gain_label)}
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
            </div>
            <button class="more" on:click=move |_| expanded.update(|e| *e = !*e)>
                {move || if expanded.get() { "show 25 classes" } else { "show all 1,000 classes" }}
            </button>
        </div>
    }
}
