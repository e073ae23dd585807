//! Class chips: a class's short name, with its full text on hover.

use leptos::prelude::*;
use real_core::pairs::{Pair, PairKind};
use real_core::{ClassIndex, Dataset};

/// One class as a chip.
#[component]
pub fn ClassChip(
    /// The data, for names.
    dataset: std::sync::Arc<Dataset>,
    /// The class.
    class: ClassIndex,
    /// Extra CSS classes, e.g. "hit" or "original".
    #[prop(optional, into)]
    kind: String,
    /// Marks a prediction that counts (is among the valid labels) with a tick and words, so
    /// that it is not told by colour alone.
    #[prop(optional)]
    mark: bool,
) -> impl IntoView {
    let info = dataset.class(class);
    let title = format!("{} · class {} · {}", info.lemmas, class, info.wnid);
    view! {
        <span class=format!("chip {kind}") title=title>
            {mark.then(|| view! { <span class="tick" aria-hidden="true">"✓ "</span> })}
            {info.name.clone()}
            {mark.then(|| view! { <span class="sr">" (counts)"</span> })}
        </span>
    }
}

/// A label set as chips, joining near-duplicate pairs into one "a ≈ b" chip so that what is
/// left are distinct objects.
#[component]
pub fn LabelChips(
    /// The data, for names.
    dataset: std::sync::Arc<Dataset>,
    /// The labels.
    labels: Vec<ClassIndex>,
    /// Ranked pairs, to find near-duplicates.
    pairs: std::sync::Arc<Vec<Pair>>,
    /// The original label, marked.
    original: ClassIndex,
) -> impl IntoView {
    let mut groups: Vec<Vec<ClassIndex>> = Vec::new();
    for label in &labels {
        let joined = groups.iter_mut().find(|g| {
            g.iter().any(|other| {
                pairs.iter().any(|p| {
                    p.kind == PairKind::NearDuplicate
                        && ((p.a, p.b) == (*label.min(other), *label.max(other)))
                })
            })
        });
        match joined {
            Some(group) => group.push(*label),
            None => groups.push(vec![*label]),
        }
    }
    groups
        .into_iter()
        .map(|group| {
            let names: Vec<String> = group
                .iter()
                .map(|c| dataset.class(*c).name.clone())
                .collect();
            let title: Vec<String> = group
                .iter()
                .map(|c| format!("{} (class {c})", dataset.class(*c).lemmas))
                .collect();
            let duplicate = group.len() > 1;
            let is_original = group.contains(&original);
            view! {
                <span
                    class="chip"
                    class:duplicate=duplicate
                    class:original=is_original
                    title=title.join(" ≈ ")
                >
                    {names.join(" ≈ ")}
                </span>
            }
        })
        .collect_view()
}

/// CSS classes of the original label's chip: struck out when the ReaL raters rejected it.
pub fn original_chip_kind(real: &[ClassIndex], original: ClassIndex) -> &'static str {
    if real.is_empty() {
        "original"
    } else if real.contains(&original) {
        "original hit"
    } else {
        "original miss"
    }
}
