//! The evidence behind one image's labels: each candidate's score and votes, whether it is in
//! the set at the threshold in use, and what other relabelings say.

use crate::state::Explorer;
use crate::ui::chips::ClassChip;
use leptos::prelude::*;
use real_core::ImageId;

/// The raters' evidence, the crowd's votes and other models' published mistakes for an image.
#[component]
pub fn ImageEvidence(image: ImageId) -> impl IntoView {
    let explorer = expect_context::<Explorer>();
    move || {
        let data = explorer.data();
        let original = data.original_label(image);
        let t = explorer.view.with(|v| v.threshold);
        explorer.hub.with(|h| {
            let raters = match &h.evidence {
                None => view! {
                    <p class="hint" data-testid="evidence-absent">
                        "Load the rater files (on the overview) to see the evidence behind these labels."
                    </p>
                }
                .into_any(),
                Some(evidence) if !evidence.is_rated(image) => view! {
                    <p data-testid="evidence-unrated">"not rated — ReaL keeps the original label"</p>
                }
                .into_any(),
                Some(evidence) => {
                    let mut candidates: Vec<_> = evidence.candidates(image).collect();
                    // Best first; the order of the file's labels breaks ties.
                    let keys: Vec<f64> = candidates.iter().map(|c| -f64::from(c.score)).collect();
                    candidates = real_core::order::apply(&candidates, &real_core::order::by_key(&keys));
                    let rows = candidates
                        .into_iter()
                        .map(|c| {
                            let admitted = c.admitted(t);
                            let votes = c.votes.map(|v| v.to_string()).unwrap_or_else(|| "—".into());
                            view! {
                                <tr data-testid="candidate-row" data-label=c.label.0 class:admitted=admitted>
                                    <td><ClassChip dataset=data.clone() class=c.label kind=if c.label == original { "original" } else { "" } /></td>
                                    <td class="score">
                                        <span class="bar"><span style:width=format!("{:.1}%", f64::from(100.0 * c.score))></span></span>
                                        <span class="num" data-testid="candidate-score" title=format!("{:.6}", f64::from(c.score))>{format!("{:.3}", f64::from(c.score))}</span>
                                    </td>
                                    <td class="num" data-testid="candidate-votes">{votes}</td>
                                    <td class="verdict">{if admitted { "in" } else { "out" }}</td>
                                    <td>{(c.label == original).then_some("original label")}</td>
                                </tr>
                            }
                        })
                        .collect_view();
                    let why = contested_because(evidence, image, t, &data);
                    view! {
                        <div class="table-scroll" tabindex="0" role="region" aria-label="The raters' candidates">
                        <table class="candidates" data-testid="candidates">
                            <caption>{format!("What the raters said: each candidate's Dawid–Skene score (kept at ≥ {t}) and the five answers")}</caption>
                            <thead><tr><th>"candidate"</th><th>"score"</th><th>"no/maybe/yes"</th><th>{format!("at {t}")}</th><th></th></tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                        </div>
                        <p class="why" data-testid="contested-why">{why}</p>
                    }
                    .into_any()
                }
            };
            let crowd = h.mturk.as_ref().and_then(|m| m.judgement(image)).map(|j| {
                let v = j.votes;
                view! {
                    <p class="crowd">
                        "cleanlab's crowd, given " <ClassChip dataset=data.clone() class=j.given kind="original" />
                        " or guessed " <ClassChip dataset=data.clone() class=j.guessed />
                        ": "
                        <span data-testid="mturk-votes">{format!("given {} · guessed {} · both {} · neither {}", v.given, v.guessed, v.both, v.neither)}</span>
                        {if v.rejects_given() { " — the crowd did not accept the original label" } else { "" }}
                    </p>
                }
            });
            let mistakes = h
                .mistakes
                .iter()
                .filter_map(|m| Some((m.model.display_name().to_string(), m.mistake(image)?)))
                .map(|(model, x)| {
                    view! {
                        <p class="mistake" data-testid="image-mistake">
                            {format!("{model} predicted ")}
                            <ClassChip dataset=data.clone() class=x.prediction />
                            {format!(": {}, {}", x.category.label(), x.severity.label())}
                        </p>
                    }
                })
                .collect_view();
            view! { <div class="image-evidence" data-testid="image-evidence">{raters}{crowd}{mistakes}</div> }
        })
    }
}

/// Why the image counts as contested at `t`, or that it does not.
fn contested_because(
    evidence: &real_core::evidence::Evidence,
    image: ImageId,
    t: real_core::evidence::Threshold,
    data: &real_core::Dataset,
) -> String {
    // The reasons are the core's own tests of a candidate, so the words and the contested
    // filter never disagree.
    let names = |keep: &dyn Fn(&real_core::evidence::Candidate) -> bool| -> Vec<String> {
        evidence
            .candidates(image)
            .filter(|c| keep(c))
            .map(|c| data.class(c.label).name.clone())
            .collect()
    };
    let near = names(&|c| c.near(t));
    let split = names(&|c| c.split_votes());
    let mut parts = Vec::new();
    if !near.is_empty() {
        parts.push(format!("{} scored within 0.1 of {t}", near.join(", ")));
    }
    if !split.is_empty() {
        parts.push(format!(
            "the raters split yes and no on {}",
            split.join(", ")
        ));
    }
    if parts.is_empty() {
        format!("Not contested at {t}.")
    } else {
        format!("Contested at {t}: {}.", parts.join("; "))
    }
}
