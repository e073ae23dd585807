//! A virtualised list in the page's own scroll: only the rows in sight (plus a margin) are in
//! the DOM, whatever the count. Rows take the height their chips need (a phone wraps them onto
//! more lines), so heights are measured as rows appear and estimated for the rest.

use super::row::CaseRow;
use crate::state::{CaseCursor, Explorer};
use leptos::html;
use leptos::prelude::*;
use real_core::cases::Case;
use std::sync::Arc;
use wasm_bindgen::JsCast;

/// Height of a row before it is measured, in pixels (a desktop row with one line of chips).
const ESTIMATE_PX: f64 = 96.0;
/// Rows are kept in the DOM this far beyond each edge of the window, in pixels.
const MARGIN_PX: f64 = 800.0;

/// Measured row heights, for the list's current width.
#[derive(Default)]
struct Heights {
    /// Height of each row, 0 where not measured yet.
    px: Vec<f32>,
    /// The list's width when they were measured: another width wraps chips differently.
    width_px: i32,
    /// Sum and count of the measured heights, for the estimate of the others.
    measured_sum: f64,
    measured: usize,
}

impl Heights {
    fn reset(&mut self, rows: usize, width_px: i32) {
        *self = Heights {
            px: vec![0.0; rows],
            width_px,
            ..Default::default()
        };
    }

    fn estimate(&self) -> f64 {
        if self.measured == 0 {
            ESTIMATE_PX
        } else {
            self.measured_sum / self.measured as f64
        }
    }

    /// Records a row's height; whether it changed.
    fn set(&mut self, row: usize, height: f64) -> bool {
        let Some(slot) = self.px.get_mut(row) else {
            return false;
        };
        if (f64::from(*slot) - height).abs() < 0.5 {
            return false;
        }
        if *slot == 0.0 {
            self.measured += 1;
        } else {
            self.measured_sum -= f64::from(*slot);
        }
        self.measured_sum += height;
        *slot = height as f32;
        true
    }

    /// `offsets[i]` is the top of row `i`; the last entry is the height of the whole list.
    fn offsets(&self) -> Vec<f64> {
        let estimate = self.estimate();
        let mut offsets = Vec::with_capacity(self.px.len() + 1);
        let mut top = 0.0;
        offsets.push(top);
        for h in &self.px {
            top += if *h > 0.0 { f64::from(*h) } else { estimate };
            offsets.push(top);
        }
        offsets
    }
}

/// Where to bring the selected row.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Reveal {
    /// Just into view, moving the page as little as possible (the keyboard).
    Nearest,
    /// Its top this many pixels below the top of the window (coming back to the list).
    At(f64),
}

/// The list of cases.
#[component]
pub fn CaseList(
    /// The cases to show.
    cases: Memo<Arc<Vec<Case>>>,
    /// Index of the keyboard selection.
    selected: RwSignal<usize>,
    /// Opens the case at an index.
    on_open: Callback<usize>,
    /// Where the selected row goes when the list appears: the window offset it had when the
    /// list was left, or `None` to leave the page where it is.
    restore: Option<f64>,
) -> impl IntoView {
    let explorer = expect_context::<Explorer>();
    let list = NodeRef::<html::Div>::new();
    let heights = StoredValue::new(Heights::default());
    // Bumped when a measured height changes, so that the offsets are summed again.
    let layout = RwSignal::new(0u32);
    // The window's span over the list, in list pixels: (top, bottom).
    let span = RwSignal::new((0.0f64, 1000.0f64));
    // A row to bring into view once it is drawn, and how.
    let pending = StoredValue::new(None::<(usize, Reveal, u8)>);
    // The selected row's top in the window when last seen.
    let selected_top = StoredValue::new(None::<f64>);

    let offsets = Memo::new(move |_| {
        layout.track();
        let rows = cases.with(|c| c.len());
        heights.update_value(|h| {
            if h.px.len() != rows {
                let width = h.width_px;
                h.reset(rows, width);
            }
        });
        Arc::new(heights.with_value(Heights::offsets))
    });

    let measure_span = move || {
        // Also called from animation frames and window events that can outlive the list.
        let Some(Some(el)) = list.try_get_untracked() else {
            return;
        };
        let top = el.get_bounding_client_rect().top();
        let height = window()
            .inner_height()
            .ok()
            .and_then(|h| h.as_f64())
            .unwrap_or(1000.0);
        span.try_set((-top, height - top));
        // Where the selected row sits, for a resize to keep it there: read before the resize
        // event, which comes after the new layout.
        if let Some(row) = selected
            .try_get_untracked()
            .and_then(|index| row_element(&el, index))
        {
            selected_top.set_value(Some(row.get_bounding_client_rect().top()));
        }
    };
    let on_scroll = window_event_listener(leptos::ev::scroll, move |_| measure_span());
    // Another width wraps rows differently: the selected row keeps its place in the window.
    let on_resize = window_event_listener(leptos::ev::resize, move |_| {
        let Some(Some(_)) = list.try_get_untracked() else {
            return;
        };
        let index = selected.get_untracked();
        if let Some(top) = selected_top.get_value() {
            pending.set_value(Some((index, Reveal::At(top.max(0.0)), 0)));
        }
        measure_span();
        layout.update(|n| *n += 1);
    });
    on_cleanup(move || {
        on_scroll.remove();
        on_resize.remove();
    });

    let visible = Memo::new(move |_| {
        let offsets = offsets.get();
        let (top, bottom) = span.get();
        let rows = offsets.len().saturating_sub(1);
        let first = offsets
            .partition_point(|y| *y <= top - MARGIN_PX)
            .saturating_sub(1);
        let last = offsets
            .partition_point(|y| *y < bottom + MARGIN_PX)
            .min(rows);
        (first.min(last), last)
    });

    // Brings a row into view if it is drawn, else scrolls to where it will be and waits. Rows
    // drawn for the first time change the estimate of the others, so a reveal stays pending
    // until a pass finds the row where it should be (a few tries at most).
    let reveal = move |index: usize, how: Reveal| {
        let Some(Some(el)) = list.try_get_untracked() else {
            return;
        };
        let tries = pending
            .get_value()
            .filter(|(i, h, _)| (*i, *h) == (index, how))
            .map_or(0, |(_, _, tries)| tries);
        if tries >= 8 {
            pending.set_value(None);
            return;
        }
        match row_element(&el, index) {
            Some(row) => {
                let window_px = window()
                    .inner_height()
                    .ok()
                    .and_then(|h| h.as_f64())
                    .unwrap_or(800.0);
                // Wholly inside the window, whatever was asked.
                let height = row.get_bounding_client_rect().height();
                let how = match how {
                    Reveal::At(offset) => {
                        Reveal::At(offset.clamp(0.0, (window_px - height).max(0.0)))
                    }
                    nearest => nearest,
                };
                let placed = |row: &web_sys::Element| {
                    let rect = row.get_bounding_client_rect();
                    match how {
                        Reveal::Nearest => rect.top() >= -1.0 && rect.bottom() <= window_px + 1.0,
                        Reveal::At(offset) => (rect.top() - offset).abs() < 2.0,
                    }
                };
                if !placed(&row) {
                    match how {
                        Reveal::Nearest => {
                            let options = web_sys::ScrollIntoViewOptions::new();
                            options.set_block(web_sys::ScrollLogicalPosition::Nearest);
                            row.scroll_into_view_with_scroll_into_view_options(&options);
                        }
                        Reveal::At(offset) => {
                            let top = row.get_bounding_client_rect().top();
                            window().scroll_by_with_x_and_y(0.0, top - offset);
                        }
                    }
                }
                if placed(&row) {
                    pending.set_value(None);
                } else {
                    pending.set_value(Some((index, how, tries + 1)));
                }
                focus_link(&row);
            }
            None => {
                pending.set_value(Some((index, how, tries + 1)));
                let offsets = offsets.get_untracked();
                let Some(y) = offsets.get(index) else {
                    return;
                };
                let list_top = el.get_bounding_client_rect().top();
                let offset = match how {
                    Reveal::Nearest => 120.0,
                    Reveal::At(offset) => offset,
                };
                window().scroll_by_with_x_and_y(0.0, list_top + y - offset);
                measure_span();
            }
        }
    };

    // After rows are drawn: measure them, and finish a pending reveal.
    Effect::new(move |_| {
        visible.track();
        // A change of heights runs this again: the pending reveal waits for a pass that
        // changes nothing, when the rows are where they will stay.
        layout.track();
        request_animation_frame(move || {
            let Some(Some(el)) = list.try_get_untracked() else {
                return;
            };
            let width = el.client_width();
            let mut changed = false;
            heights.update_value(|h| {
                if h.width_px != width {
                    let rows = h.px.len();
                    h.reset(rows, width);
                    changed = true;
                }
                for row in drawn_rows(&el) {
                    if let Some(index) = row_index(&row) {
                        changed |= h.set(index, row.get_bounding_client_rect().height());
                    }
                }
            });
            if changed {
                layout.update(|n| *n += 1);
                return;
            }
            // Drawn: bring it into place; not drawn (the heights changed under it): scroll to
            // where it now is expected, which draws it on the next frame.
            if let Some((index, how, _)) = pending.get_value() {
                reveal(index, how);
            }
        });
    });

    // The keyboard moved the selection: bring it into view, and remember it.
    Effect::new(move |first_run: Option<()>| {
        let index = selected.get();
        let image = cases.with_untracked(|c| c.get(index).map(|c| c.image));
        if let Some(image) = image {
            explorer.case_cursor.update_value(|c| {
                let offset_px = c.filter(|c| c.image == image).map_or(0.0, |c| c.offset_px);
                *c = Some(CaseCursor { image, offset_px });
            });
        }
        match (first_run, restore) {
            // Arriving: the selected row goes where it was, or nowhere.
            (None, Some(offset)) => request_animation_frame(move || {
                measure_span();
                reveal(index, Reveal::At(offset));
            }),
            (None, None) => request_animation_frame(measure_span),
            (Some(()), _) => reveal(index, Reveal::Nearest),
        }
    });

    // A new filter or sort starts at the top of the list.
    Effect::new(move |previous: Option<usize>| {
        let len = cases.with(|c| c.len());
        if previous.is_some() {
            pending.set_value(None);
            if let Some(el) = list.get_untracked() {
                let top = el.get_bounding_client_rect().top();
                if top < 0.0 {
                    window().scroll_by_with_x_and_y(0.0, top - 80.0);
                }
            }
            request_animation_frame(measure_span);
        }
        len
    });

    // Leaving the list notes where the selected row sat in the window.
    on_cleanup(move || {
        let Some(el) = list.get_untracked() else {
            return;
        };
        let index = selected.get_untracked();
        let rect = row_element(&el, index).map(|row| row.get_bounding_client_rect());
        let window_px = window()
            .inner_height()
            .ok()
            .and_then(|h| h.as_f64())
            .unwrap_or(800.0);
        explorer.case_cursor.update_value(|c| {
            if let (Some(c), Some(rect)) = (c.as_mut(), rect) {
                // Kept inside the window, whole.
                c.offset_px = rect.top().clamp(0.0, (window_px - rect.height()).max(0.0));
            }
        });
    });

    // Rows are keyed by the model on screen too: a load that finishes while the list is open
    // must redraw the rows it changes, not keep the old model's chips.
    let model_id = move || explorer.evaluation.with(|e| e.as_ref().map(|e| e.id));
    // Whether the model's scores are probabilities: one pass over the file per model.
    let probabilities = Memo::new(move |_| {
        explorer.evaluation.with(|e| {
            e.as_ref()
                .is_some_and(|e| real_core::calibration::Confidences::of(&e.predictions).is_ok())
        })
    });
    let rows = move || {
        let model = model_id();
        let (first, last) = visible.get();
        cases.with(|all| {
            (first..last)
                .filter_map(|i| all.get(i).map(|case| (i, *case, model)))
                .collect::<Vec<_>>()
        })
    };
    let pad_above = move || {
        let (first, _) = visible.get();
        format!(
            "{}px",
            offsets.with(|o| o.get(first).copied().unwrap_or(0.0))
        )
    };
    let pad_below = move || {
        let (_, last) = visible.get();
        let px = offsets.with(|o| {
            let total = o.last().copied().unwrap_or(0.0);
            total - o.get(last).copied().unwrap_or(total)
        });
        format!("{}px", px.max(0.0))
    };
    let total = move || cases.with(|c| c.len());
    view! {
        <div class="case-list" role="list" aria-label="Cases" node_ref=list data-testid="case-list">
            <div class="case-pad" aria-hidden="true" style:height=pad_above></div>
            <For
                each=rows
                key=|(i, case, model)| (*i, case.image, case.row, *model)
                children=move |(i, case, _)| {
                    let is_selected = Signal::derive(move || selected.get() == i);
                    view! {
                        <CaseRow
                            case=case
                            index=i
                            total=Signal::derive(total)
                            probabilities=probabilities.get_untracked()
                            selected=is_selected
                            on_open=Callback::new(move |_| {
                                selected.set(i);
                                on_open.run(i);
                            })
                            on_focus=Callback::new(move |_| {
                                if selected.get_untracked() != i {
                                    selected.set(i);
                                }
                            })
                        />
                    }
                }
            />
            <div class="case-pad" aria-hidden="true" style:height=pad_below></div>
        </div>
    }
}

/// The rows in the DOM.
fn drawn_rows(list: &web_sys::HtmlDivElement) -> Vec<web_sys::Element> {
    let children = list.children();
    (0..children.length())
        .filter_map(|i| children.item(i))
        .filter(|el| el.has_attribute("data-index"))
        .collect()
}

fn row_index(row: &web_sys::Element) -> Option<usize> {
    row.get_attribute("data-index")?.parse().ok()
}

fn row_element(list: &web_sys::HtmlDivElement, index: usize) -> Option<web_sys::Element> {
    drawn_rows(list)
        .into_iter()
        .find(|row| row_index(row) == Some(index))
}

/// Puts the keyboard focus on a row's link (without scrolling again), unless the user is in
/// a field or a dialog: a screen reader then reads the row the keys moved to.
fn focus_link(row: &web_sys::Element) {
    let active = document().active_element();
    let elsewhere = active.as_ref().is_some_and(|a| {
        matches!(a.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA")
            || a.closest("[role=dialog]").ok().flatten().is_some()
    });
    if elsewhere {
        return;
    }
    if let Some(link) = row
        .query_selector("a.case-link")
        .ok()
        .flatten()
        .and_then(|a| a.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let options = web_sys::FocusOptions::new();
        options.set_prevent_scroll(true);
        let _ = link.focus_with_options(&options);
    }
}
