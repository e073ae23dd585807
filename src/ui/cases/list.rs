//! A virtualised list: only the rows in sight (plus a few) are in the DOM, whatever the count.

use super::row::CaseRow;
use leptos::html;
use leptos::prelude::*;
use real_core::cases::Case;
use std::sync::Arc;

/// Height of one row in pixels; rows are fixed-height so positions are arithmetic.
pub const ROW_HEIGHT: f64 = 92.0;
/// Rows rendered beyond each edge of the viewport.
const OVERSCAN: usize = 4;

/// The scrolling list of cases.
#[component]
pub fn CaseList(
    /// The cases to show.
    cases: Memo<Arc<Vec<Case>>>,
    /// Index of the keyboard selection.
    selected: RwSignal<usize>,
    /// Opens the case at an index.
    on_open: Callback<usize>,
) -> impl IntoView {
    let scroller = NodeRef::<html::Div>::new();
    let scroll_top = RwSignal::new(0.0f64);
    let viewport = RwSignal::new(720.0f64);
    // Keep the selection in sight when the keyboard moves it.
    Effect::new(move |_| {
        let index = selected.get();
        let Some(el) = scroller.get_untracked() else {
            return;
        };
        let top = index as f64 * ROW_HEIGHT;
        let height = f64::from(el.client_height());
        let current = f64::from(el.scroll_top());
        if top < current {
            el.set_scroll_top(top as i32);
        } else if top + ROW_HEIGHT > current + height {
            el.set_scroll_top((top + ROW_HEIGHT - height) as i32);
        }
    });
    // A new filter starts at the top.
    Effect::new(move |_| {
        cases.track();
        if let Some(el) = scroller.get_untracked() {
            el.set_scroll_top(0);
        }
        scroll_top.set(0.0);
    });
    // Rows are keyed by the model on screen too: a load that finishes while the list is open
    // must redraw the rows it changes, not keep the old model's chips.
    let explorer = expect_context::<crate::state::Explorer>();
    let model_id = move || explorer.evaluation.with(|e| e.as_ref().map(|e| e.id));
    let visible = move || {
        let model = model_id();
        let all = cases.get();
        let first = ((scroll_top.get() / ROW_HEIGHT).floor() as usize).saturating_sub(OVERSCAN);
        let count = (viewport.get() / ROW_HEIGHT).ceil() as usize + 2 * OVERSCAN;
        let last = (first + count).min(all.len());
        (first..last)
            .filter_map(|i| all.get(i).map(|case| (i, *case, model)))
            .collect::<Vec<_>>()
    };
    view! {
        <div
            class="case-list"
            node_ref=scroller
            data-testid="case-list"
            on:scroll=move |_| {
                if let Some(el) = scroller.get_untracked() {
                    scroll_top.set(f64::from(el.scroll_top()));
                    viewport.set(f64::from(el.client_height()));
                }
            }
        >
            <div class="case-space" style:height=move || format!("{}px", cases.get().len() as f64 * ROW_HEIGHT)>
                <For
                    each=visible
                    key=|(i, case, model)| (*i, case.image, case.row, *model)
                    children=move |(i, case, _)| {
                        let is_selected = Signal::derive(move || selected.get() == i);
                        view! {
                            <div class="case-slot" style:top=format!("{}px", i as f64 * ROW_HEIGHT) style:height=format!("{ROW_HEIGHT}px")>
                                <CaseRow
                                    case=case
                                    selected=is_selected
                                    on_open=Callback::new(move |_| {
                                        selected.set(i);
                                        on_open.run(i);
                                    })
                                />
                            </div>
                        }
                    }
                />
            </div>
        </div>
    }
}
