//! The figures for a loaded file: headline accuracies (with original top-1 on ReaL's
//! denominator), the model's calibration, the four-way split, the reading.

use crate::load::Evaluation;
use crate::state::Explorer;
use crate::text::{count, percent, size};
use crate::ui::link::Link;
use crate::ui::reliability::Reliability;
use leptos::ev::Event;
use leptos::prelude::*;
use real_core::calibration::Calibration;
use real_core::cases::CaseFilter;
use real_core::labels;
use real_core::metrics::{Accuracy, FourWaySplit, Outcome};
use real_core::view::ModelRef;
use real_core::{ClassConvention, LoadOptions, RowOrder, View};
use web_sys::HtmlSelectElement;

/// Everything about the current evaluation; nothing before a file is loaded.
#[component]
pub fn ResultsPanel(
    /// The model on screen.
    #[prop(into)]
    evaluation: Signal<Option<Evaluation>>,
    /// Re-reads a model's file with another reading: (model id, reading).
    on_reread: Callback<(u32, LoadOptions)>,
) -> impl IntoView {
    let explorer = expect_context::<Explorer>();
    move || {
        evaluation.get().map(|e| {
            let r = e.report.clone();
            let p = e.predictions.clone();
            // ReaL from the hub, so that it follows the threshold; the original labels too.
            let data = explorer.data();
            let (real, original, name) = explorer.hub.with(|h| {
                (
                    h.figures(&data, &e, labels::REAL),
                    h.figures(&data, &e, labels::ORIGINAL),
                    h.label_set(labels::REAL).map(|l| l.name.clone()).unwrap_or_default(),
                )
            });
            let (Some(real), Some(original)) = (real, original) else {
                return view! { <p>"The figures of this model are not available."</p> }.into_any();
            };
            let (rs, os) = (&real.score, &original.score);
            let split = real_core::scores::split(&real.ranks, &original.ranks);
            // The original labels judged on the images the ReaL set on screen scores, so that
            // the two headline figures share a denominator.
            let on_scored = split.original_top1();
            let on_scored_label = format!(
                "Original top-1 on the {} images {name} scores",
                count(on_scored.total)
            );
            let calibration = Calibration::compute(&p, &real.ranks, &original.ranks)
                .map_err(|why| why.to_string());
            let scored_note = format!("of {} scored images", count(rs.scored));
            let images_note = format!("of {} images", count(r.images));
            view! {
                <section class="results" data-testid="results">
                    <h2 data-testid="model-on-screen">
                        {e.name.clone()}
                        <span class="sub">
                            {format!(
                                " · {} · {} · {} images · evaluated {}in {:.0} ms",
                                p.format,
                                size(e.size_bytes as usize),
                                count(r.images),
                                if e.in_worker { "in a worker " } else { "" },
                                e.elapsed_ms
                            )}
                        </span>
                    </h2>
                    <div class="headline same-denominator">
                        <Figure label=format!("{name} top-1") accuracy=rs.top(1).copied() note=scored_note.clone() testid="real-top1" primary=true />
                        <Figure label="Original top-1".into() accuracy=os.top(1).copied() note=images_note.clone() testid="original-top1" primary=true />
                        <Figure label=on_scored_label accuracy=Some(on_scored) note=scored_note.clone() testid="original-top1-scored" primary=true />
                        <Figure label=format!("{name} top-5") accuracy=rs.top(5).copied() note=scored_note testid="real-top5" primary=false />
                        <Figure label="Original top-5".into() accuracy=os.top(5).copied() note=images_note testid="original-top5" primary=false />
                    </div>
                    <Qualifiers images=r.images of=data.image_count() detection=p.detection.clone() />
                    <p class="excluded">
                        <strong data-testid="excluded-count">{count(rs.excluded)}</strong>
                        {format!(" of these images have no valid {name} label and are left out of {name} scores.")}
                    </p>
                    <Reliability calibration=calibration real_name=name.clone() />
                    <Split split=split scored=rs.scored names=(name.clone(), "Original".into()) />
                    <Reading evaluation=e.clone() on_reread=on_reread />
                    <Warnings warnings=p.warnings.clone() />
                </section>
            }
            .into_any()
        })
    }
}

/// One headline accuracy with its interval and denominator.
#[component]
fn Figure(
    label: String,
    accuracy: Option<Accuracy>,
    note: String,
    testid: &'static str,
    primary: bool,
) -> impl IntoView {
    let value = accuracy
        .and_then(|a| a.fraction)
        .map(percent)
        .unwrap_or_else(|| "—".into());
    let detail = match accuracy {
        Some(a) => {
            let interval = a
                .interval
                .map(|i| format!("95% CI {}–{}", percent(i.low), percent(i.high)))
                .unwrap_or_default();
            format!("{} correct {} · {}", count(a.correct), note, interval)
        }
        None => "the file holds fewer than 5 predictions per image".into(),
    };
    view! {
        <div class="figure" class:primary=primary>
            <div class="figure-label">{label}</div>
            <div class="figure-value" data-testid=testid>{value}</div>
            <div class="figure-detail">{detail}</div>
        </div>
    }
}

/// The case list of one outcome between two label sets (none given: ReaL and original), for
/// the model on screen.
fn cases_with(outcome: Outcome, label_sets: &[String]) -> View {
    let explorer = expect_context::<Explorer>();
    let current = explorer.view.get_untracked();
    let mut to = current.cases(CaseFilter {
        outcome: Some(outcome),
        ..Default::default()
    });
    to.label_sets = label_sets.to_vec();
    // Name the model on screen, so the list shows the model this split counts.
    if let Some(model) = explorer.evaluation.get_untracked() {
        to.models = vec![ModelRef::named(model.name)];
    }
    to
}

fn outcome_of(key: &str) -> Outcome {
    key.parse().unwrap_or(Outcome::Neither)
}

/// The four-way split of top-1 on scored images, as a bar; each part opens its cases.
#[component]
pub fn Split(
    /// The counts: `real_only` is "the first label set only", `original_only` the second.
    split: FourWaySplit,
    /// Images both label sets score.
    scored: usize,
    /// Display names of the two label sets.
    #[prop(default = ("ReaL".into(), "Original".into()))]
    names: (String, String),
    /// Their keys for the case links (empty: the built-in pair).
    #[prop(default = Vec::new())]
    label_sets: Vec<String>,
) -> impl IntoView {
    let first_only = format!("{} only", names.0);
    let second_only = format!("{} only", names.1);
    let parts = [
        ("both", "Correct under both".to_string(), split.both),
        ("real-only", first_only, split.real_only),
        ("original-only", second_only, split.original_only),
        ("neither", "Neither".to_string(), split.neither),
    ];
    let heading = if label_sets.is_empty() {
        "Top-1 on scored images, by which labels count it correct".to_string()
    } else {
        format!(
            "Top-1 on the {} images both score, by which of {} and {} count it correct",
            crate::text::count(scored),
            names.0,
            names.1
        )
    };
    let links = label_sets.clone();
    let share = move |n: usize| {
        if scored == 0 {
            0.0
        } else {
            100.0 * n as f64 / scored as f64
        }
    };
    let bar = parts
        .clone()
        .into_iter()
        .map(|(key, label, n)| {
            let width = format!("{:.3}%", share(n));
            let text = format!("{label}: {} ({:.2}%): open these cases", count(n), share(n));
            let to = cases_with(outcome_of(key), &links);
            view! {
                <Link to=to class=format!("segment {key}") width=width>
                    <span class="sr">{text}</span>
                </Link>
            }
        })
        .collect_view();
    let legend = parts
        .into_iter()
        .map(|(key, label, n)| {
            let swatch = format!("swatch {key}");
            let testid = if label_sets.is_empty() {
                format!("split-{key}")
            } else {
                format!("pair-split-{key}")
            };
            let figure = count(n);
            let share_text = format!(" ({:.2}%)", share(n));
            let to = cases_with(outcome_of(key), &label_sets);
            view! {
                <li>
                    <Link to=to class=format!("split-link {key}")>
                        <span class=swatch></span>
                        {label} ": "
                        <strong data-testid=testid>{figure}</strong>
                        {share_text}
                    </Link>
                </li>
            }
        })
        .collect_view();
    view! {
        <div class="split">
            <h3>{heading}</h3>
            <div class="bar" role="group" aria-label="four-way split">{bar}</div>
            <ul class="legend">{legend}</ul>
        </div>
    }
}

/// How the file was read, and a way to read it differently.
#[component]
fn Reading(evaluation: Evaluation, on_reread: Callback<(u32, LoadOptions)>) -> impl IntoView {
    let p = evaluation.predictions.clone();
    let options = evaluation.options;
    let id = evaluation.id;
    let summary = p
        .detection
        .as_ref()
        .map(|d| d.summary())
        .unwrap_or_default();
    let clear = p.detection.as_ref().is_none_or(|d| d.clear);
    let named = p.order == RowOrder::Named;
    let by_name = p.convention == ClassConvention::ClassName;
    let on_order = move |ev: Event| {
        let select: HtmlSelectElement = event_target(&ev);
        on_reread.run((
            id,
            LoadOptions {
                order: select.value().parse().ok(),
                ..options
            },
        ));
    };
    let on_convention = move |ev: Event| {
        let select: HtmlSelectElement = event_target(&ev);
        on_reread.run((
            id,
            LoadOptions {
                convention: select.value().parse().ok(),
                ..options
            },
        ));
    };
    let choice = |value: &'static str, current: Option<&'static str>| {
        view! { <option value=value selected=current == Some(value)>{value}</option> }
    };
    let order_now = options.order.map(RowOrder::as_str);
    let convention_now = options.convention.map(ClassConvention::as_str);
    view! {
        <div class="reading" class:unclear=!clear data-testid="reading">
            <h3>"How the file was read"</h3>
            <p>
                "Rows: " <strong data-testid="row-order">{p.order.as_str()}</strong>
                " · classes: " <strong data-testid="class-convention">{p.convention.as_str()}</strong>
            </p>
            <p class="detection">{summary}</p>
            <div class="override">
                <label>
                    "Row order "
                    <select data-testid="order-select" disabled=named on:change=on_order>
                        <option value="" selected=order_now.is_none()>"detected"</option>
                        {choice("filename", order_now)}
                        {choice("imagefolder", order_now)}
                    </select>
                </label>
                <label>
                    "Class numbers "
                    <select data-testid="convention-select" disabled=by_name on:change=on_convention>
                        <option value="" selected=convention_now.is_none()>"detected"</option>
                        {choice("sorted-wnid", convention_now)}
                        {choice("sorted-wnid-1based", convention_now)}
                        {choice("tf-slim-1001", convention_now)}
                        {choice("ilsvrc2012-id", convention_now)}
                    </select>
                </label>
            </div>
        </div>
    }
}

/// What changes how the headline reads, said beside it rather than below the fold: a file
/// that covers part of the images, a reading of the file that was a guess.
#[component]
fn Qualifiers(
    /// Images the file covers.
    images: usize,
    /// Images in the validation set.
    of: usize,
    /// How the reading was chosen, when the file did not say.
    detection: Option<real_core::detect::Detection>,
) -> impl IntoView {
    let partial = (images < of).then(|| {
        format!(
            "This file covers {} of the {} images: every figure here is over those {} only, so it does not compare with figures over the whole set.",
            count(images),
            count(of),
            count(images)
        )
    });
    let unclear = detection.filter(|d| !d.clear).map(|d| {
        format!(
            "How this file is read is a guess ({}): check “How the file was read” below before trusting the figures.",
            d.summary()
        )
    });
    let lines: Vec<String> = partial.into_iter().chain(unclear).collect();
    (!lines.is_empty()).then(|| {
        view! {
            <div class="qualifier" role="note" data-testid="headline-qualifier">
                {lines.into_iter().map(|l| view! { <p>{l}</p> }).collect_view()}
            </div>
        }
    })
}

/// Things the user should know about the file.
#[component]
fn Warnings(warnings: Vec<String>) -> impl IntoView {
    (!warnings.is_empty()).then(|| {
        view! {
            <ul class="warnings" data-testid="warnings">
                {warnings.into_iter().map(|w| view! { <li>{w}</li> }).collect_view()}
            </ul>
        }
    })
}
