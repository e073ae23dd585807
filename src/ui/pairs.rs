//! Duplicate class pairs: ranked by the Jaccard index of their image sets, told apart from
//! co-occurring objects, with the model's split and pair-tolerant accuracy.

use crate::state::Explorer;
use crate::text::{count, percent};
use crate::ui::link::Link;
use leptos::prelude::*;
use real_core::cases::CaseFilter;
use real_core::pairs::{self, Pair, PairKind};

/// Pairs listed on the page.
const LISTED: usize = 60;

/// The pairs page.
#[component]
pub fn PairsPage() -> impl IntoView {
    let explorer = expect_context::<Explorer>();
    let ranked = explorer.ranked_pairs();
    let data = explorer.data();
    let overall = {
        let ranked = ranked.clone();
        let data = data.clone();
        move || {
            explorer.evaluation.get().map(|e| {
                let near: Vec<Pair> = ranked
                    .iter()
                    .filter(|p| p.kind == PairKind::NearDuplicate)
                    .copied()
                    .collect();
                let tolerant = pairs::tolerant_top1(&data, &e.predictions, &near);
                let strict = e.report.real(1).copied();
                view! {
                    <p class="tolerant" data-testid="pair-tolerant">
                        "Pair-tolerant ReaL top-1: "
                        <strong>{tolerant.fraction.map(percent).unwrap_or_default()}</strong>
                        {format!(
                            " against {} strict, counting either class of the {} near-duplicate pairs as correct.",
                            strict.and_then(|s| s.fraction).map(percent).unwrap_or_default(),
                            near.len()
                        )}
                    </p>
                }
            })
        }
    };
    let rows = move || {
        let evaluation = explorer.evaluation.get();
        let current = explorer.view.get_untracked();
        ranked
            .iter()
            .take(LISTED)
            .enumerate()
            .map(|(rank, pair)| {
                let (a_name, a_lemmas) = (data.class(pair.a).name.clone(), data.class(pair.a).lemmas.clone());
                let (b_name, b_lemmas) = (data.class(pair.b).name.clone(), data.class(pair.b).lemmas.clone());
                let to = current.cases(CaseFilter { pair: Some((pair.a, pair.b)), ..Default::default() });
                let kind = match (pair.kind, pair.scene) {
                    (PairKind::NearDuplicate, _) => view! { <span class="badge dup">"near-duplicate"</span> }.into_any(),
                    (PairKind::CoOccurring, Some((c, _))) => {
                        let text = format!("co-occurring, with {}", data.class(c).name);
                        view! {
                            <span class="badge scene" title="a third class goes with both about as strongly: separate objects in one scene">
                                {text}
                            </span>
                        }
                        .into_any()
                    }
                    (PairKind::CoOccurring, None) => view! { <span class="badge scene">"co-occurring"</span> }.into_any(),
                    (PairKind::Together, _) => view! {
                        <span class="badge together" title="given together often, but not tied closely enough to call them one object">
                            "often together"
                        </span>
                    }
                    .into_any(),
                };
                let model = evaluation.as_ref().map(|e| {
                    let split = pairs::split(&data, &e.predictions, pair);
                    let (strict, tolerant) = pairs::pair_accuracy(&data, &e.predictions, pair);
                    let share = |n: usize| if split.images == 0 { 0.0 } else { 100.0 * n as f64 / split.images as f64 };
                    view! {
                        <td class="split-cell">
                            <div class="mini-bar" title=format!("top-1 on the pair's {} images: {} {}, {} {}, other {}", split.images, a_name, split.predicted_a, b_name, split.predicted_b, split.predicted_other)>
                                <div class="segment pa" style:width=format!("{:.2}%", share(split.predicted_a))></div>
                                <div class="segment pb" style:width=format!("{:.2}%", share(split.predicted_b))></div>
                                <div class="segment po" style:width=format!("{:.2}%", share(split.predicted_other))></div>
                            </div>
                            <span class="small">{format!("{} / {} / other {}", split.predicted_a, split.predicted_b, split.predicted_other)}</span>
                        </td>
                        <td class="num">{strict.fraction.map(percent).unwrap_or_else(|| "—".into())}</td>
                        <td class="num">{tolerant.fraction.map(percent).unwrap_or_else(|| "—".into())}</td>
                    }
                });
                view! {
                    <tr data-testid="pair-row" data-pair=format!("{}-{}", pair.a, pair.b)>
                        <td class="rank">{rank + 1}</td>
                        <td>
                            <Link to=to class="pair-link">
                                <span title=a_lemmas>{a_name.clone()}</span>
                                " / "
                                <span title=b_lemmas>{b_name.clone()}</span>
                            </Link>
                        </td>
                        <td class="num">{format!("{:.3}", pair.jaccard)}</td>
                        <td class="num" title="images with both labels / with the first / with the second">
                            {format!("{} ({} / {})", count(pair.both), count(pair.a_images), count(pair.b_images))}
                        </td>
                        <td>{kind}</td>
                        {model}
                    </tr>
                }
            })
            .collect_view()
    };
    let model_headers = move || {
        explorer.evaluation.with(Option::is_some).then(|| {
            view! {
                <th title="the model's top-1 on images of the pair: first class / second / other">"model's split"</th>
                <th>"ReaL top-1"</th>
                <th title="predicting either class counts when the other is in the image's set">"pair-tolerant"</th>
            }
        })
    };
    view! {
        <section class="pairs">
            <h2>"Duplicate class pairs"</h2>
            <p class="intro">
                "Pairs of classes that raters gave to the same images, ranked by the Jaccard index of the two labels' image sets "
                "(images with both ÷ images with either). A pair is a near-duplicate when its Jaccard is at least 0.4 and the "
                "two labels go together at least twice as strongly as either goes with any third class; when a third class "
                "goes with both about as strongly, they are separate objects that share scenes (desk, monitor, keyboard, mouse). "
                "The model's split shows its top-1 on the pair's images: first class (blue), second (purple), other (grey)."
            </p>
            {overall}
            <div class="table-scroll" tabindex="0" role="region" aria-label="Duplicate class pairs">
            <table class="pair-table">
                <thead>
                    <tr>
                        <th>"#"</th>
                        <th>"pair"</th>
                        <th>"Jaccard"</th>
                        <th>"images"</th>
                        <th>"kind"</th>
                        {model_headers}
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
            </div>
        </section>
    }
}
