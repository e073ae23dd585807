//! One case in the list.

use crate::state::{absolute_url, Explorer};
use crate::ui::cases::image_view;
use crate::ui::chips::{original_chip_kind, ClassChip, LabelChips};
use crate::ui::thumb::Thumb;
use leptos::prelude::*;
use real_core::cases::Case;
use real_core::metrics::{outcome, Outcome};

/// The CSS class and the text of an outcome's badge.
pub fn outcome_label(o: Outcome) -> (&'static str, &'static str) {
    (o.as_str(), o.label())
}

/// A case row: thumbnail, labels, the model's top-k, the outcome.
#[component]
pub fn CaseRow(
    /// The case.
    case: Case,
    /// Whether the keyboard selection is here.
    selected: Signal<bool>,
    /// Opens the case.
    on_open: Callback<()>,
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
    let (top_chips, badge) = match &model {
        Some((p, row)) => {
            let chips = p
                .top(*row)
                .iter()
                .take(5)
                .enumerate()
                .map(|(rank, c)| match c {
                    Some(c) => {
                        let mut kind = String::new();
                        if real.contains(c) {
                            kind.push_str("hit");
                        }
                        if *c == original {
                            kind.push_str(" orig");
                        }
                        if rank == 0 {
                            kind.push_str(" first");
                        }
                        view! { <ClassChip dataset=data.clone() class=*c kind=kind /> }.into_any()
                    }
                    None => view! { <span class="chip none">"—"</span> }.into_any(),
                })
                .collect_view()
                .into_any();
            let (key, label) = outcome_label(outcome(&data, p, *row));
            (
                chips,
                Some(view! { <span class=format!("badge {key}")>{label}</span> }),
            )
        }
        None => (
            view! { <span class="none">"no prediction"</span> }.into_any(),
            None,
        ),
    };
    view! {
        <div
            class="case-row"
            class:selected=move || selected.get()
            data-testid="case-row"
            data-image=image.0
            on:click=move |_| on_open.run(())
        >
            <Thumb image=image />
            <div class="case-body">
                <div class="case-title">
                    <strong>{format!("#{}", image.0)}</strong>
                    <span class="file">{image.file_name()}</span>
                    {badge}
                    <button
                        class="row-link"
                        title="copy a link to this case"
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
