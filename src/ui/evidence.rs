//! What the raters said: loading their files and relabelings, the ReaL threshold slider, and
//! each model's ReaL top-1 against the threshold.

use crate::state::{Explorer, Shared};
use crate::text::count;
use leptos::ev::Event;
use leptos::prelude::*;
use real_core::evidence::{swaps, CurvePoint, Threshold};
use web_sys::HtmlInputElement;

fn files_of(ev: &Event) -> Vec<web_sys::File> {
    let input: HtmlInputElement = event_target(ev);
    let files = input.files();
    let picked = (0..files.as_ref().map_or(0, |f| f.length()))
        .filter_map(|i| files.as_ref()?.get(i))
        .collect();
    // Clearing lets the same file be picked again.
    input.set_value("");
    picked
}

/// The overview's panel: load the evidence and the relabelings, move the threshold.
#[component]
pub fn EvidencePanel() -> impl IntoView {
    let explorer = expect_context::<Explorer>();
    let status = move || {
        explorer.hub.with(|h| match &h.evidence {
            None => "Not loaded. The published files are 4.4 MB (scores.npz and raters.npz, checked against their SHA-256); they are kept in this browser for later visits.".to_string(),
            Some(e) => {
                let p = &e.provenance;
                let origin = |published: bool| if published { "published, checked" } else { "your file, not the published one" };
                format!(
                    "{} candidate labels over {} rated images (the other {} keep their original label). Scores: {}. Votes: {}.",
                    count(e.questions()),
                    count(e.rated_images()),
                    count(real_core::ImageId::COUNT - e.rated_images()),
                    origin(p.scores_published),
                    match &p.raters {
                        Some(_) => origin(p.raters_published),
                        None => "not loaded (raters.npz)",
                    }
                )
            }
        })
    };
    let progress = move || {
        explorer.evidence_progress.get().map(|p| {
            let percent = p.fraction.map(|f| format!("{:.0}%", 100.0 * f));
            let text = format!("{} {}… {}", p.stage, p.name, percent.unwrap_or_default());
            let cancel = Callback::new(move |_| crate::evidence::cancel(explorer));
            super::drop_zone::progress_bar(
                "evidence-status",
                text,
                p.fraction,
                "evidence-cancel",
                cancel,
            )
        })
    };
    let relabel_status = move || {
        explorer.hub.with(|h| {
            let mut parts = Vec::new();
            if let Some(m) = &h.mturk {
                parts.push(format!(
                    "crowd votes on {} images ({} where the crowd did not accept the original label)",
                    count(m.len()),
                    count(m.rejected_images().count())
                ));
            }
            for m in &h.mistakes {
                parts.push(format!("{} mistakes of {}", count(m.len()), m.model.display_name()));
            }
            if parts.is_empty() {
                "None loaded.".to_string()
            } else {
                format!("Loaded: {}.", parts.join("; "))
            }
        })
    };
    view! {
        <section class="evidence" data-testid="evidence-panel">
            <h2>"What the raters said"</h2>
            <p class="intro">
                "ReaL keeps a candidate label when its Dawid–Skene probability, estimated from five raters' answers, reaches 0.80. "
                {move || if explorer.hub.with(|h| h.evidence.is_some()) {
                    "Each image's page shows its evidence; move the threshold to rebuild ReaL, or filter the cases to the contested ones."
                } else {
                    "Load the raters' files to see each label's evidence, rebuild ReaL at another threshold and find contested images."
                }}
            </p>
            <p class="evidence-state" data-testid="evidence-state"
                data-worker-memory=move || explorer.evidence_memory.get()>{status}</p>
            <div class="evidence-actions">
                <button data-testid="evidence-load" on:click=move |_| crate::evidence::load_published(explorer)>
                    {move || if explorer.hub.with(|h| h.evidence.is_some()) {
                        "Load the published rater files again"
                    } else {
                        "Load the published rater files"
                    }}
                </button>
                <label class="pick-inline">
                    "or choose scores.npz and raters.npz "
                    <input type="file" multiple accept=".npz" data-testid="evidence-input"
                        on:change=move |ev| crate::evidence::load_files(explorer, files_of(&ev)) />
                </label>
            </div>
            {progress}
            {move || explorer.evidence_error.get().map(|e| view! {
                <p class="error" role="alert" data-testid="evidence-error">{e}</p>
            })}
            <ThresholdControl />
            <ThresholdPlot />
            <h3>"Other relabelings"</h3>
            <p class="evidence-state" data-testid="relabelings-state">{relabel_status}</p>
            <div class="evidence-actions">
                <button data-testid="relabelings-load" on:click=move |_| crate::evidence::load_published_relabelings(explorer)>
                    "Load cleanlab's crowd votes and the imagenet-mistakes files"
                </button>
                <label class="pick-inline">
                    "or choose imagenet_mturk.json, vit3b_mistakes.json, greedy_soups_mistakes.json "
                    <input type="file" multiple accept=".json" data-testid="relabelings-input"
                        on:change=move |ev| crate::evidence::load_relabelings(explorer, files_of(&ev)) />
                </label>
            </div>
            {move || explorer.relabel_progress.get().map(|what| view! {
                <p class="progress" data-testid="relabelings-status">{format!("downloading {what}…")}</p>
            })}
            {move || explorer.relabel_error.get().map(|e| view! {
                <p class="error" role="alert" data-testid="relabelings-error">{e}</p>
            })}
            <MistakesFare />
        </section>
    }
}

/// The ReaL threshold: a slider from 0.50 to 0.99 whose value every view follows.
#[component]
pub fn ThresholdControl() -> impl IntoView {
    let explorer = expect_context::<Explorer>();
    let threshold = move || explorer.view.with(|v| v.threshold);
    let loaded = move || explorer.hub.with(|h| h.evidence.is_some());
    let on_input = move |ev: Event| {
        let input: HtmlInputElement = event_target(&ev);
        if let Ok(t) = input.value().parse::<Threshold>() {
            let mut view = explorer.view.get_untracked();
            view.threshold = t;
            // A slider moved step by step is one change, not fifty history entries.
            explorer.replace(view);
        }
    };
    view! {
        <div class="threshold">
            <label for="threshold">"ReaL threshold"</label>
            <input id="threshold" type="range" min="0.5" max="0.99" step="0.01"
                data-testid="threshold"
                disabled=move || !loaded()
                prop:value=move || format!("{}", f64::from(threshold().hundredths()) / 100.0)
                on:input=on_input />
            <output data-testid="threshold-value" for="threshold">{move || threshold().to_string()}</output>
            <span class="note">
                {move || match (loaded(), threshold() == Threshold::REAL) {
                    (false, true) => "load the rater files to move it".to_string(),
                    (false, false) => format!("this link asks for ReaL at {}: load the rater files to rebuild it; until then ReaL is the published set (0.80)", threshold()),
                    (true, true) => "0.80: the published ReaL set".to_string(),
                    (true, false) => format!("every figure on the page now uses ReaL@{} (the published set is 0.80)", threshold()),
                }}
            </span>
        </div>
    }
}

/// Each loaded model's ReaL top-1 at every threshold, 0.80 and the current one marked, and
/// where two models change order.
#[component]
pub fn ThresholdPlot() -> impl IntoView {
    let explorer = expect_context::<Explorer>();
    // Recounted only when the models or the evidence change, not when the threshold moves.
    let inputs = Memo::new(move |_| {
        explorer.hub.with(|h| {
            (
                h.models
                    .iter()
                    .map(|m| (m.id, m.name.clone()))
                    .collect::<Vec<_>>(),
                h.evidence.clone().map(Shared),
            )
        })
    });
    let curves = Memo::new(move |_| {
        let data = explorer.data();
        // Read, not only tracked: a memo that is never read never computes, and so never
        // hears of the hub's changes.
        let _ = inputs.with(|(ids, _)| ids.len());
        explorer.hub.with_untracked(|h| {
            let evidence = h.evidence.as_ref()?;
            let curves: Vec<(String, Vec<CurvePoint>)> = h
                .models
                .iter()
                .map(|m| {
                    let images = m.predictions.images.len();
                    let name = if images < real_core::ImageId::COUNT {
                        format!("{} (partial: {})", m.name, crate::text::images(images))
                    } else {
                        m.name.clone()
                    };
                    (name, evidence.curve(&data, &m.predictions))
                })
                .collect();
            (!curves.is_empty()).then(|| Shared(std::sync::Arc::new(curves)))
        })
    });
    move || {
        let curves = curves.get()?;
        let curves = &curves.0;
        let t = explorer.view.with(|v| v.threshold);
        let (mut low, mut high) = (f64::MAX, f64::MIN);
        for p in curves.iter().flat_map(|(_, c)| c) {
            low = low.min(p.percent());
            high = high.max(p.percent());
        }
        let (low, high) = ((low - 0.5).floor(), (high + 0.5).ceil());
        let (w, h, left, bottom) = (640.0, 220.0, 48.0, 28.0);
        let x = move |hundredths: f64| left + (hundredths - 50.0) / 49.0 * (w - left - 24.0);
        let y = move |pct: f64| 10.0 + (high - pct) / (high - low).max(0.1) * (h - bottom - 10.0);
        let mut swap_marks = Vec::new();
        let mut swap_notes = Vec::new();
        for (i, (a, ca)) in curves.iter().enumerate() {
            for (b, cb) in curves.iter().skip(i + 1) {
                let at = swaps(ca, cb);
                if at.is_empty() {
                    continue;
                }
                let list: Vec<String> = at.iter().map(ToString::to_string).collect();
                let differ = ca.first().map(|p| p.scored) != cb.first().map(|p| p.scored);
                swap_notes.push(format!(
                    "{a} and {b} change order at {}{}",
                    list.join(", "),
                    if differ {
                        " (scored on different images)"
                    } else {
                        ""
                    }
                ));
                swap_marks.extend(at);
            }
        }
        // One piece of markup rather than a view per element: the plot redraws whole at each
        // threshold step, and markup built as text costs the page's wasm far less than a
        // view per line, dot and label. Every name in it is escaped.
        use std::fmt::Write;
        let mut svg = format!(
            "<svg viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"Each loaded model's ReaL top-1 against the threshold, from 0.50 to 0.99\">"
        );
        for i in 0..4 {
            let pct = low + (high - low) * f64::from(i) / 3.0;
            let _ = write!(
                svg,
                "<text class=\"tick\" x=\"4\" y=\"{:.1}\">{pct:.1}%</text>",
                y(pct) + 4.0
            );
        }
        for (class, at) in [("published", 80.0), ("current", f64::from(t.hundredths()))] {
            let _ = write!(
                svg,
                "<line class=\"{class}\" x1=\"{0:.1}\" x2=\"{0:.1}\" y1=\"10\" y2=\"{1:.1}\"/>",
                x(at),
                h - bottom
            );
        }
        let mut legend = String::new();
        for (i, (name, c)) in curves.iter().enumerate() {
            let name = crate::text::escape_markup(name);
            let at = c
                .iter()
                .find(|p| p.threshold == t)
                .map(|p| p.percent())
                .unwrap_or_default();
            let _ = write!(svg, "<polyline class=\"curve c{}\" points=\"", i % 8);
            for p in c {
                let _ = write!(
                    svg,
                    "{:.1},{:.1} ",
                    x(f64::from(p.threshold.hundredths())),
                    y(p.percent())
                );
            }
            let _ = write!(svg, "\"><title>{name}: {at:.2}% at {t}</title></polyline>");
            let _ = write!(
                legend,
                "<li class=\"c{}\" data-testid=\"threshold-curve\" data-model=\"{name}\"><span class=\"swatch\"></span>{name}: {at:.2}% ReaL top-1 at {t}</li>",
                i % 8
            );
        }
        for at in &swap_marks {
            let _ = write!(
                svg,
                "<circle class=\"swap\" cx=\"{:.1}\" cy=\"{:.1}\" r=\"4\"/>",
                x(f64::from(at.hundredths())),
                h - bottom
            );
        }
        for k in [50u8, 60, 70, 80, 90, 99] {
            let _ = write!(
                svg,
                "<text class=\"tick\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">0.{k}</text>",
                x(f64::from(k)),
                h - 8.0
            );
        }
        svg.push_str("</svg>");
        let notes: String = swap_notes
            .iter()
            .map(|text| {
                format!(
                    "<li data-testid=\"threshold-swap\">{}</li>",
                    crate::text::escape_markup(text)
                )
            })
            .collect();
        let caption = if t == Threshold::REAL {
            "ReaL top-1 against the threshold; the line marks the published 0.80, which is also the threshold in use. "
        } else {
            "ReaL top-1 against the threshold; the dashed line is the published 0.80, the solid one the threshold in use. "
        };
        let markup = format!(
            "{svg}<figcaption>{caption}Dots on the axis mark where two models change order.</figcaption><ul class=\"legend\">{legend}</ul><ul class=\"swaps\">{notes}</ul>"
        );
        Some(
            view! { <figure class="threshold-plot" data-testid="threshold-plot" inner_html=markup></figure> },
        )
    }
}

/// For each loaded model, how it fares on the images other models' published mistakes are
/// about.
#[component]
fn MistakesFare() -> impl IntoView {
    let explorer = expect_context::<Explorer>();
    move || {
        let data = explorer.data();
        explorer.hub.with(|h| {
            if h.mistakes.is_empty() || h.models.is_empty() {
                return None;
            }
            let rows = h
                .mistakes
                .iter()
                .flat_map(|m| {
                    let data = data.clone();
                    h.models.iter().map(move |model| {
                        let fare = m.fare(&data, &model.predictions);
                        let a = fare.all;
                        view! {
                            <tr data-testid="mistakes-fare">
                                <td>{m.model.display_name().to_string()}</td>
                                <td>{model.name.clone()}</td>
                                <td class="num">{count(a.predicted)}</td>
                                <td class="num">{format!("{} of {}", count(a.original_correct), count(a.predicted))}</td>
                                <td class="num">{format!("{} of {}", count(a.real_correct), count(a.real_scored))}</td>
                                <td class="num">{count(a.same_prediction)}</td>
                            </tr>
                        }
                    })
                })
                .collect_view();
            Some(view! {
                <div class="table-scroll" tabindex="0" role="region" aria-label="How the model fares on published mistakes">
                <table class="mistakes-fare">
                    <caption>"On the images another model's published mistakes are about"</caption>
                    <thead><tr>
                        <th>"mistakes of"</th><th>"your model"</th><th>"images it covers"</th>
                        <th>"right by the original label"</th><th>"right by ReaL"</th><th>"same prediction as that model"</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
                </div>
            })
        })
    }
}
