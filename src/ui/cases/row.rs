//! One case in the list.

use crate::state::{absolute_url, href, Explorer};
use crate::ui::cases::image_view;
use crate::ui::chips::{original_chip_kind, ClassChip, LabelChips};
use crate::ui::thumb::Thumb;
use leptos::ev::MouseEvent;
use leptos::prelude::*;
use real_core::cases::Case;
use real_core::metrics::{outcome, Outcome};
use real_core::predictions::Predictions;

/// The CSS class and the text of an outcome's badge.
pub fn outcome_label(o: Outcome) -> (&'static str, &'static str) {
    (o.as_str(), o.label())
}

/// The model's score for its first prediction, and its lead over the second, as the row shows
/// them: "confidence" when the file's scores are probabilities (the same test the reliability
/// diagrams use, made once per file by the list), "score" otherwise.
pub fn confidence_text(
    predictions: &Predictions,
    row: usize,
    probabilities: bool,
) -> Option<String> {
    let scores = predictions.top_scores(row)?;
    let first = *scores.first().filter(|s| s.is_finite())?;
    let name = if probabilities { "confidence" } else { "score" };
    let mut text = format!("{name} {first:.2}");
    if let Some(second) = scores.get(1).filter(|s| s.is_finite()) {
        text.push_str(&format!(" · lead {:.2}", first - second));
    }
    Some(text)
}

/// A case row: thumbnail, labels, the model's top-k, the outcome.
#[component]
pub fn CaseRow(
    /// The case.
    case: Case,
    /// Its place in the list, from 0.
    index: usize,
    /// How many cases the list holds.
    total: Signal<usize>,
    /// Whether the model's scores are probabilities.
    probabilities: bool,
    /// Whether the keyboard selection is here.
    selected: Signal<bool>,
    /// Opens the case.
    on_open: Callback<()>,
    /// The row's link took the focus (Tab): the selection moves here.
    on_focus: Callback<()>,
) -> impl IntoView {
    let explorer = expect_context::<Explorer>();
    let data = explorer.data();
    let image = case.image;
    let copied = RwSignal::new(false);
    let original = data.original_label(image);
    let real = data.real_labels(image).to_vec();
    let evaluation = explorer.evaluation.get_untracked();
    let model = evaluation
        .as_ref()
        .and_then(|e| case.row.map(|row| (e.predictions.clone(), row)));
    let original_kind = original_chip_kind(&real, original);
    let real_chips = if real.is_empty() {
        view! { <span class="none">"no valid label"</span> }.into_any()
    } else {
        let pairs = explorer.ranked_pairs();
        view! { <LabelChips dataset=data.clone() labels=real.clone() pairs=pairs original=original /> }.into_any()
    };
    let (top_chips, badge, confidence) = match &model {
        Some((p, row)) => {
            let chips = p
                .top(*row)
                .iter()
                .take(5)
                .enumerate()
                .map(|(rank, c)| match c {
                    Some(c) => {
                        let mut kind = String::new();
                        // Whether a prediction counts is said in text too, not by colour alone.
                        let counts = real.contains(c);
                        if counts {
                            kind.push_str("hit");
                        }
                        if *c == original {
                            kind.push_str(" orig");
                        }
                        if rank == 0 {
                            kind.push_str(" first");
                        }
                        view! {
                            <ClassChip dataset=data.clone() class=*c kind=kind mark=counts />
                        }
                        .into_any()
                    }
                    None => view! { <span class="chip none">"—"</span> }.into_any(),
                })
                .collect_view()
                .into_any();
            let (key, label) = outcome_label(outcome(&data, p, *row));
            (
                chips,
                Some(view! { <span class=format!("badge {key}")>{label}</span> }),
                confidence_text(p, *row, probabilities),
            )
        }
        None => (
            view! { <span class="none">"no prediction"</span> }.into_any(),
            None,
            None,
        ),
    };
    // The link follows the view (a filter change keeps this row but changes where it leads).
    let link = move || {
        explorer.view.track();
        href(&image_view(&explorer, image))
    };
    let open = move |ev: MouseEvent| {
        if ev.ctrl_key() || ev.meta_key() || ev.shift_key() || ev.alt_key() || ev.button() != 0 {
            // A new tab or window: the browser follows the link itself.
            ev.stop_propagation();
            return;
        }
        ev.prevent_default();
        ev.stop_propagation();
        on_open.run(());
    };
    view! {
        <div
            class="case-row"
            role="listitem"
            class:selected=move || selected.get()
            aria-current=move || selected.get().then_some("true")
            aria-posinset=index + 1
            aria-setsize=move || total.get()
            data-testid="case-row"
            data-image=image.0
            data-index=index
            // A click anywhere on the row opens it, as the link does.
            on:click=move |_| on_open.run(())
        >
            <Thumb image=image />
            <div class="case-body" id=format!("case-{}", image.0)>
                <div class="case-title">
                    // The row's facts are the link's description: a screen reader moving by j/k
                    // hears the outcome, labels and predictions, not only a file name.
                    <a
                        class="case-link"
                        href=link
                        on:click=open
                        on:focus=move |_| on_focus.run(())
                        aria-describedby=format!("case-{}", image.0)
                        data-testid="case-link"
                    >
                        <strong>{format!("#{}", image.0)}</strong>
                        <span class="file">{image.file_name()}</span>
                    </a>
                    {badge}
                    {confidence.map(|text| view! { <span class="confidence" data-testid="case-confidence">{text}</span> })}
                    <button
                        class="row-link"
                        aria-label=move || if copied.get() { format!("link copied for image {}", image.0) } else { format!("copy link to image {}", image.0) }
                        data-testid="case-copy-link"
                        on:click=move |ev| {
                            // Copy without opening the case.
                            ev.stop_propagation();
                            let url = absolute_url(&image_view(&explorer, image));
                            let _ = window().navigator().clipboard().write_text(&url);
                            copied.set(true);
                        }
                    >
                        {move || if copied.get() { "link copied" } else { "copy link" }}
                    </button>
                </div>
                <div class="case-line">
                    <span class="what">"original"</span>
                    <ClassChip dataset=data.clone() class=original kind=original_kind />
                    <span class="what">"ReaL"</span>
                    {real_chips}
                </div>
                <div class="case-line">
                    <span class="what">"model"</span>
                    {top_chips}
                </div>
            </div>
        </div>
    }
}
