//! The dataset facts, always on screen.

use crate::text::count;
use leptos::prelude::*;
use real_core::DatasetFacts;

/// What the ReaL labels hold, before any model is loaded.
#[component]
pub fn DatasetFactsPanel(
    /// Facts computed from the embedded data.
    facts: DatasetFacts,
    /// How long decoding the embedded data took, kept on the element for measurement.
    decode_ms: f64,
) -> impl IntoView {
    let multi: Vec<_> = facts
        .images_by_label_count
        .iter()
        .enumerate()
        .skip(2)
        .map(|(labels, images)| view! { <li>{labels} " labels: " {count(*images)}</li> })
        .collect();
    let row = |label: &'static str, value: usize, id: &'static str, note: &'static str| {
        view! {
            <tr>
                <th scope="row">{label}</th>
                <td data-testid=id>{count(value)}</td>
                <td class="note">{note}</td>
            </tr>
        }
    };
    view! {
        <section class="facts" data-testid="dataset-facts" data-decode-ms=format!("{decode_ms:.2}")>
            <h2>"The validation set, relabelled" <span class="sub">" · the published ReaL set (threshold 0.80)"</span></h2>
            <table>
                <tbody>
                    {row("Images", facts.images, "fact-images", "ILSVRC-2012 validation")}
                    {row("Scored", facts.scored, "fact-scored", "at least one valid label: the ReaL denominator")}
                    {row("Excluded", facts.excluded, "fact-excluded", "no label fits: left out of ReaL scores")}
                    {row("Multi-label", facts.multi_label, "fact-multi-label", "two or more valid labels")}
                    {row("Original label in ReaL set", facts.original_in_real, "fact-original-in-real", "of the scored images")}
                    {row("Original label not in ReaL set", facts.original_not_in_real, "fact-original-not-in-real", "original label judged wrong")}
                    {row("ReaL set = {original}", facts.real_equals_original, "fact-real-equals-original", "nothing changed")}
                </tbody>
            </table>
            <ul class="label-counts">{multi}</ul>
        </section>
    }
}
