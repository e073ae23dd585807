//! The filter bar of the case browser; every control writes the view (and so the URL).

use crate::state::Explorer;
use leptos::ev::Event;
use leptos::prelude::*;
use real_core::cases::{CaseSort, LabelCount, Versus};
use real_core::metrics::Outcome;
use real_core::relabel::{Category, Severity};
use real_core::{ClassIndex, View};
use web_sys::{HtmlInputElement, HtmlSelectElement};

fn select_value(ev: &Event) -> String {
    event_target::<HtmlSelectElement>(ev).value()
}

/// Filters and sort for the current case list.
#[component]
pub fn FilterBar() -> impl IntoView {
    let explorer = expect_context::<Explorer>();
    let update = move |change: &dyn Fn(&mut View)| {
        let mut view = explorer.view.get_untracked();
        change(&mut view);
        view.image = None;
        explorer.navigate(view);
    };
    let filter = move || explorer.view.get().filter;
    let has_model = move || explorer.evaluation.with(Option::is_some);
    let has_scores = move || {
        explorer
            .evaluation
            .with(|e| e.as_ref().is_some_and(|e| e.predictions.scores.is_some()))
    };
    let has_evidence = move || explorer.hub.with(|h| h.evidence.is_some());
    // Why the confidence orders are off, in the words the options and the note show.
    let no_scores_why = move || {
        if has_scores() {
            ""
        } else if has_model() {
            " (this file has classes only, no scores)"
        } else {
            " (load a model with scores)"
        }
    };
    let has_crowd = move || explorer.hub.with(|h| h.mturk.is_some());
    let has_mistakes = move || explorer.hub.with(|h| !h.mistakes.is_empty());
    let outcome_options = Outcome::ALL
        .into_iter()
        .map(|o| (o.as_str(), o.label()))
        .collect::<Vec<_>>();
    let label_options = [
        ("", "any number of labels"),
        ("0", "no valid label"),
        ("1", "1 label"),
        ("2+", "2 or more"),
        ("2", "2 labels"),
        ("3", "3 labels"),
        ("4", "4 labels"),
        ("5+", "5 or more"),
    ];
    let class_filter = move |role: &'static str| {
        let data = explorer.data();
        move || {
            let f = filter();
            let class = match role {
                "original" => f.original,
                "real" => f.real,
                _ => f.predicted,
            };
            class.map(|c| {
                let name = data.class(c).name.clone();
                view! {
                    <button
                        class="pill"
                        title="remove this filter"
                        aria-label=format!("remove the filter {role}: {name}")
                        on:click=move |_| update(&|v: &mut View| match role {
                            "original" => v.filter.original = None,
                            "real" => v.filter.real = None,
                            _ => v.filter.predicted = None,
                        })
                    >
                        {format!("{role}: {name} ×")}
                    </button>
                }
            })
        }
    };
    let pair_pill = move || {
        let data = explorer.data();
        filter().pair.map(|(a, b)| {
            let text = format!("pair: {} / {} ×", data.class(a).name, data.class(b).name);
            view! { <button class="pill" on:click=move |_| update(&|v: &mut View| v.filter.pair = None)>{text}</button> }
        })
    };
    // A class box whose text is no single class: which box, what was typed, the candidates.
    let unresolved = RwSignal::new(None::<(String, String, Vec<ClassIndex>)>);
    let choose = move |role: &str, class: ClassIndex| {
        unresolved.set(None);
        // The box is emptied: the class is now a pill beside it.
        if let Some(input) = document()
            .query_selector(&format!("input.class-input[data-role={role}]"))
            .ok()
            .flatten()
            .and_then(|e| wasm_bindgen::JsCast::dyn_into::<HtmlInputElement>(e).ok())
        {
            input.set_value("");
        }
        let role = role.to_string();
        update(&|v: &mut View| match role.as_str() {
            "original" => v.filter.original = Some(class),
            "real" => v.filter.real = Some(class),
            _ => v.filter.predicted = Some(class),
        })
    };
    let on_class = move |ev: Event| {
        let input = event_target::<HtmlInputElement>(&ev);
        let text = input.value().trim().to_string();
        let data = explorer.data();
        let role = input.get_attribute("data-role").unwrap_or_default();
        let by_index = text.parse::<i64>().ok().and_then(ClassIndex::new);
        let found = match by_index {
            Some(c) => real_core::dataset::NameMatch::One(c),
            None => data.class_by_name(&text),
        };
        match found {
            real_core::dataset::NameMatch::One(c) => {
                input.set_value("");
                choose(&role, c);
            }
            real_core::dataset::NameMatch::Several(candidates) => {
                unresolved.set(Some((role, text, candidates)))
            }
            real_core::dataset::NameMatch::None if !text.is_empty() => {
                unresolved.set(Some((role, text, Vec::new())))
            }
            real_core::dataset::NameMatch::None => unresolved.set(None),
        }
    };
    // Under the box that could not be resolved: why, and the classes it could mean.
    let class_message = move |role: &'static str| {
        move || {
            let (which, text, candidates) = unresolved.get()?;
            if which != role {
                return None;
            }
            let data = explorer.data();
            // Quoted short and escaped: a pasted page of text must not fill the page.
            let text = real_core::error::quote(&text);
            let why = if candidates.is_empty() {
                format!("No class is called '{text}': type a class name (e.g. 'tench') or an index 0–999.")
            } else {
                format!("'{text}' fits {} classes; choose one:", candidates.len())
            };
            let choices = candidates
                .into_iter()
                .map(|c| {
                    let info = data.class(c);
                    let label = format!("{} (class {c})", info.name);
                    view! {
                        <button class="pill" data-testid="class-candidate" title=info.lemmas.clone() on:click=move |_| choose(role, c)>
                            {label}
                        </button>
                    }
                })
                .collect_view();
            Some(view! {
                <span class="class-message" role="alert" data-testid="class-message">
                    <span>{why}</span>
                    {choices}
                </span>
            })
        }
    };
    let names = explorer
        .data()
        .classes()
        .iter()
        .map(|c| view! { <option value=c.name.clone()></option> })
        .collect_view();
    // The paired-table cell the comparison opened, with the two models and the label set.
    let versus_pill = move || {
        let view = explorer.view.get();
        let versus = view.filter.versus?;
        let (a, b, set) = explorer.hub.with(|h| {
            let shown = h.shown_models(&view, 2);
            let name = |i: usize| {
                shown
                    .get(i)
                    .map(|m| m.name.clone())
                    .unwrap_or_else(|| "?".into())
            };
            let set = h
                .judging_set(&view)
                .map(|l| l.name.clone())
                .unwrap_or_default();
            (name(0), name(1), set)
        });
        let text = match versus {
            Versus::Both => format!("{a} and {b} both right under {set}"),
            Versus::AOnly => format!("{a} right, {b} wrong under {set}"),
            Versus::BOnly => format!("{b} right, {a} wrong under {set}"),
            Versus::Neither => format!("{a} and {b} both wrong under {set}"),
        };
        Some(view! {
            <span class="pill" data-testid="versus-pill">
                {text}
                <button title="clear" aria-label="Clear the comparison filter" on:click=move |_| update(&|v: &mut View| v.filter.versus = None)>"×"</button>
            </span>
        })
    };
    // Which loaded model the list shows.
    let model_choice = move || {
        let on_screen = explorer.evaluation.get().map(|e| e.name.clone());
        let names: Vec<String> = explorer
            .hub
            .with(|h| h.models.iter().map(|m| m.name.clone()).collect());
        (names.len() > 1).then(|| {
            let options = names
                .into_iter()
                .map(|n| {
                    let is = on_screen.as_deref() == Some(n.as_str());
                    view! { <option value=n.clone() selected=is>{n.clone()}</option> }
                })
                .collect_view();
            view! {
                <select
                    data-testid="filter-model"
                    aria-label="model"
                    on:change=move |ev| {
                        let name = select_value(&ev);
                        update(&|v: &mut View| {
                            // The chosen model first; a pair being compared keeps its partner.
                            v.models.retain(|m| m.name != name);
                            v.models.insert(0, real_core::view::ModelRef::named(name.clone()));
                            v.models.truncate(2);
                        })
                    }
                >
                    {options}
                </select>
            }
        })
    };
    view! {
        <div class="filters" data-testid="filters">
            {model_choice}
            <select
                data-testid="filter-outcome"
                aria-label=move || if has_model() { "Outcome" } else { "Outcome: load a model first" }
                disabled=move || !has_model()
                on:change=move |ev| {
                    let value = select_value(&ev);
                    let outcome = value.parse::<Outcome>().ok();
                    update(&|v: &mut View| v.filter.outcome = outcome)
                }
            >
                // Disabled, it says why in its own text.
                <option value="" selected=move || filter().outcome.is_none()>
                    {move || if has_model() { "any outcome" } else { "outcome: load a model" }}
                </option>
                {outcome_options
                    .into_iter()
                    .map(|(value, label)| {
                        let selected = move || filter().outcome.map(Outcome::as_str).unwrap_or("") == value;
                        view! { <option value=value selected=selected>{label}</option> }
                    })
                    .collect_view()}
            </select>
            <select
                data-testid="filter-labels"
                aria-label="Number of ReaL labels"
                on:change=move |ev| {
                    let value = select_value(&ev);
                    update(&|v: &mut View| v.filter.labels = value.parse::<LabelCount>().ok())
                }
            >
                {label_options
                    .into_iter()
                    .map(|(value, label)| {
                        let selected = move || filter().labels.map(|l| l.to_string()).unwrap_or_default() == value;
                        view! { <option value=value selected=selected>{label}</option> }
                    })
                    .collect_view()}
            </select>
            <label class="check">
                <input
                    type="checkbox"
                    data-testid="filter-changed"
                    prop:checked=move || filter().original_not_in_real
                    on:change=move |ev| {
                        let on = event_target::<HtmlInputElement>(&ev).checked();
                        update(&|v: &mut View| v.filter.original_not_in_real = on)
                    }
                />
                " original label not in ReaL"
            </label>
            <input class="class-input" list="class-names" placeholder="original class…" aria-label="Original class" data-role="original" data-testid="filter-original" on:change=on_class />
            {class_message("original")}
            <input class="class-input" list="class-names" placeholder="ReaL class…" aria-label="ReaL class" data-role="real" data-testid="filter-real" on:change=on_class />
            {class_message("real")}
            <input
                class="class-input"
                list="class-names"
                placeholder=move || if has_model() { "predicted class…" } else { "predicted class (load a model)" }
                aria-label=move || if has_model() { "Predicted class" } else { "Predicted class: load a model first" }
                data-role="predicted"
                data-testid="filter-predicted"
                disabled=move || !has_model()
                on:change=on_class
            />
            {class_message("predicted")}
            <datalist id="class-names">{names}</datalist>
            <select
                data-testid="sort"
                aria-label="Order"
                on:change=move |ev| {
                    let value = select_value(&ev);
                    update(&|v: &mut View| v.sort = value.parse().unwrap_or_default())
                }
            >
                <option value="image" selected=move || explorer.view.get().sort == CaseSort::Image>"by image"</option>
                <option value="confidence" disabled=move || !has_scores() selected=move || explorer.view.get().sort == CaseSort::ConfidenceHigh>
                    {move || format!("most confident first{}", no_scores_why())}
                </option>
                <option value="-confidence" disabled=move || !has_scores() selected=move || explorer.view.get().sort == CaseSort::ConfidenceLow>
                    {move || format!("least confident first{}", no_scores_why())}
                </option>
                <option value="contested" disabled=move || !has_evidence() selected=move || explorer.view.get().sort == CaseSort::Contested>
                    {move || if has_evidence() { "most contested first" } else { "most contested first (needs the raters' file)" }}
                </option>
            </select>
            {move || (has_model() && !has_scores()).then(|| view! { <span class="why" data-testid="sort-why">{no_scores_why().trim_start_matches(" (").trim_end_matches(')').to_string()}</span> })}
            {move || has_evidence().then(|| view! {
                <label class="check">
                    <input
                        type="checkbox"
                        data-testid="filter-contested"
                        prop:checked=move || filter().contested
                        on:change=move |ev| {
                            let on = event_target::<HtmlInputElement>(&ev).checked();
                            update(&|v: &mut View| v.filter.contested = on)
                        }
                    />
                    " contested"
                </label>
            })}
            {move || has_crowd().then(|| view! {
                <label class="check">
                    <input
                        type="checkbox"
                        data-testid="filter-crowd"
                        prop:checked=move || filter().crowd_rejected
                        on:change=move |ev| {
                            let on = event_target::<HtmlInputElement>(&ev).checked();
                            update(&|v: &mut View| v.filter.crowd_rejected = on)
                        }
                    />
                    " crowd did not accept the original label"
                </label>
            })}
            {move || has_mistakes().then(|| view! {
                <select
                    data-testid="filter-mistake"
                    aria-label="Mistake category"
                    on:change=move |ev| {
                        let value = select_value(&ev);
                        update(&|v: &mut View| v.filter.mistake = Category::parse(&value))
                    }
                >
                    <option value="" selected=move || filter().mistake.is_none()>"any mistake category"</option>
                    {Category::ALL
                        .into_iter()
                        .map(|c| view! { <option value=c.key() selected=move || filter().mistake == Some(c)>{c.label()}</option> })
                        .collect_view()}
                </select>
                <select
                    data-testid="filter-severity"
                    aria-label="Severity"
                    on:change=move |ev| {
                        let value = select_value(&ev);
                        update(&|v: &mut View| v.filter.severity = Severity::parse(&value))
                    }
                >
                    <option value="" selected=move || filter().severity.is_none()>"any severity"</option>
                    {Severity::ALL
                        .into_iter()
                        .map(|s| view! { <option value=s.key() selected=move || filter().severity == Some(s)>{s.label()}</option> })
                        .collect_view()}
                </select>
            })}
            {class_filter("original")}
            {class_filter("real")}
            {class_filter("predicted")}
            {pair_pill}
            {versus_pill}
        </div>
    }
}
