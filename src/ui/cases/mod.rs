//! The case browser: every image, filtered, sorted, scrolled smoothly, driven by keyboard.

mod filters;
mod list;
pub mod row;

use crate::load::Evaluation;
use crate::state::Explorer;
use crate::text::count;
use filters::FilterBar;
use leptos::ev::KeyboardEvent;
use leptos::prelude::*;
use list::CaseList;
use real_core::view::{ModelRef, SharedPrediction, MAX_MODELS};
use real_core::{ImageId, Page, View};

/// The image page's view for an image, carrying every loaded model's name and top-k (the
/// view's own models first, in order) so that the link shows the case to someone without
/// the files.
pub fn image_view(explorer: &Explorer, image: ImageId) -> View {
    let mut view = explorer.view.get_untracked();
    view.page = Page::Image;
    view.image = Some(image);
    let carried = explorer.hub.with_untracked(|h| {
        let mut order: Vec<&Evaluation> = view
            .models
            .iter()
            .filter_map(|m| h.model_named(&m.name))
            .collect();
        for model in &h.models {
            if !order.iter().any(|m| m.id == model.id) {
                order.push(model);
            }
        }
        order
            .into_iter()
            .take(MAX_MODELS)
            .map(|m| ModelRef {
                name: m.name.clone(),
                top: shared_top(m, image),
            })
            .collect::<Vec<_>>()
    });
    if !carried.is_empty() {
        view.models = carried;
    } else {
        // Nothing loaded: stepping through a shared case keeps the names, not another
        // image's predictions.
        for model in &mut view.models {
            model.top.clear();
        }
    }
    view
}

/// A model's top-5 for an image, as a link carries it.
fn shared_top(model: &Evaluation, image: ImageId) -> Vec<SharedPrediction> {
    let Some(row) = model.predictions.row_of(image) else {
        return Vec::new();
    };
    let scores = model.predictions.top_scores(row);
    model
        .predictions
        .top(row)
        .iter()
        .take(5)
        .enumerate()
        .filter_map(|(i, c)| {
            c.map(|class| SharedPrediction {
                class,
                score: scores
                    .and_then(|s| s.get(i).copied())
                    .filter(|s| s.is_finite()),
            })
        })
        .collect()
}

/// Whether a key event comes from a text field, where letters are typing, not commands.
pub fn typing(ev: &KeyboardEvent) -> bool {
    use wasm_bindgen::JsCast;
    ev.target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA"))
}

/// The case browser page.
#[component]
pub fn CasesPage(
    /// Heading, e.g. "Cases" or "Multi-object images".
    title: &'static str,
    /// A sentence under the heading.
    intro: &'static str,
) -> impl IntoView {
    let explorer = expect_context::<Explorer>();
    let cases = explorer.cases;
    let selected = RwSignal::new(0usize);
    let help = RwSignal::new(false);
    // Come back to the case last opened or selected, with its row where it was on screen; a
    // link naming an image selects that one.
    let cursor = explorer.case_cursor.get_value();
    let linked = explorer.view.get_untracked().image;
    let start = linked.or(cursor.map(|c| c.image));
    let mut restore = None;
    if let Some(image) = start {
        if let Some(i) = cases.get_untracked().iter().position(|c| c.image == image) {
            selected.set(i);
            restore = Some(
                cursor
                    .filter(|c| c.image == image)
                    .map_or(120.0, |c| c.offset_px),
            );
        }
    }
    // The cases change (another filter or sort; a model loaded or restored after the page
    // opened): the selected image stays selected if it is still listed, else the first case.
    Effect::new(move |previous: Option<()>| {
        cases.track();
        if previous.is_some() {
            let image = explorer.view.with_untracked(|v| v.image);
            let index = image
                .and_then(|image| cases.with_untracked(|c| c.iter().position(|c| c.image == image)))
                .unwrap_or(0);
            if selected.get_untracked() != index {
                selected.set(index);
            }
        }
    });
    // The link names the selected case, so that Back and a copied link come to it.
    Effect::new(move |previous: Option<()>| {
        let index = selected.get();
        if previous.is_some() {
            if let Some(image) = cases.with_untracked(|c| c.get(index).map(|c| c.image)) {
                let mut view = explorer.view.get_untracked();
                view.image = Some(image);
                explorer.replace(view);
            }
        }
    });
    let open = Callback::new(move |i: usize| {
        if let Some(case) = cases.get_untracked().get(i) {
            explorer.navigate(image_view(&explorer, case.image));
        }
    });
    // Until the keys or the focus reach the list, the first j or k takes up the selected row
    // where it is rather than moving past a row the user has not seen selected.
    let engaged = StoredValue::new(restore.is_some());
    let in_list = || {
        document()
            .active_element()
            .and_then(|e| e.closest(".case-row").ok().flatten())
            .is_some()
    };
    let keys = window_event_listener(leptos::ev::keydown, move |ev: KeyboardEvent| {
        if typing(&ev) || ev.ctrl_key() || ev.meta_key() || ev.alt_key() || help.get_untracked() {
            return;
        }
        let len = cases.with_untracked(|c| c.len());
        let take_up = matches!(ev.key().as_str(), "j" | "k" | "ArrowDown" | "ArrowUp")
            && !engaged.get_value()
            && !in_list();
        if take_up {
            ev.prevent_default();
            engaged.set_value(true);
            selected.set(selected.get_untracked());
            return;
        }
        engaged.set_value(true);
        match ev.key().as_str() {
            "j" | "ArrowDown" => {
                ev.prevent_default();
                selected.update(|s| *s = (*s + 1).min(len.saturating_sub(1)));
            }
            "k" | "ArrowUp" => {
                ev.prevent_default();
                selected.update(|s| *s = s.saturating_sub(1));
            }
            // On a link or a button, Enter is theirs.
            "Enter" if !on_control(&ev) => open.run(selected.get_untracked()),
            "?" => help.set(true),
            "Escape" => {
                let mut view = explorer.view.get_untracked();
                view.page = Page::Overview;
                explorer.navigate(view);
            }
            _ => {}
        }
    });
    on_cleanup(move || keys.remove());
    let needs_model = move || {
        explorer.view.with(|v| v.filter.needs_predictions())
            && explorer.evaluation.with(Option::is_none)
    };
    let clear = move |_| {
        let mut view = explorer.view.get_untracked();
        view.filter = Default::default();
        view.image = None;
        if view.page == Page::Multi {
            view.page = Page::Cases;
        }
        explorer.navigate(view);
    };
    let empty = move || {
        (cases.with(|c| c.is_empty()) && !needs_model()).then(|| {
            view! {
                <div class="empty-result" role="status" data-testid="empty-result">
                    <p>"No image matches these filters."</p>
                    <button class="button" data-testid="clear-filters" on:click=clear>"Clear filters"</button>
                </div>
            }
        })
    };
    view! {
        <section class="cases">
            <div class="cases-head">
                <h2>{title}</h2>
                <p class="count" aria-live="polite">
                    <strong data-testid="case-count">{move || count(cases.get().len())}</strong>
                    {move || if cases.with(|c| c.len()) == 1 { " image" } else { " images" }}
                </p>
                <button class="hint link-button" data-testid="key-help-open" on:click=move |_| help.set(true)>
                    "Keys: j/k or ↑/↓ move · Enter opens · Esc goes back · ? help"
                </button>
                <crate::ui::export::ExportBar />
            </div>
            <p class="intro">{intro}</p>
            <FilterBar />
            {move || needs_model().then(|| view! { <p class="notice">"This filter asks about a model: load a predictions file on the overview first."</p> })}
            {empty}
            <CaseList cases=cases selected=selected on_open=open restore=restore />
            {move || help.get().then(|| view! { <KeyHelp on_close=Callback::new(move |_| help.set(false)) /> })}
        </section>
    }
}

/// Whether a key event comes from a link or a button, whose own Enter must not be taken.
pub fn on_control(ev: &KeyboardEvent) -> bool {
    use wasm_bindgen::JsCast;
    ev.target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|el| matches!(el.tag_name().as_str(), "A" | "BUTTON"))
}

/// The keyboard help: a modal dialog that takes the focus, and gives it back on closing.
#[component]
pub fn KeyHelp(
    /// Closes the dialog.
    on_close: Callback<()>,
) -> impl IntoView {
    use wasm_bindgen::JsCast;
    let close_button = NodeRef::<leptos::html::Button>::new();
    // Where the focus was, to return it.
    let before = document()
        .active_element()
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    Effect::new(move |_| {
        if let Some(button) = close_button.get() {
            let _ = button.focus();
        }
    });
    let before = StoredValue::new_local(before);
    on_cleanup(move || {
        if let Some(el) = before.get_value() {
            let _ = el.focus();
        }
    });
    let keys = window_event_listener(leptos::ev::keydown, move |ev: KeyboardEvent| {
        match ev.key().as_str() {
            "Escape" => {
                ev.prevent_default();
                ev.stop_immediate_propagation();
                on_close.run(());
            }
            // The focus stays in the dialog: its one control.
            "Tab" => {
                ev.prevent_default();
                if let Some(button) = close_button.get_untracked() {
                    let _ = button.focus();
                }
            }
            _ => {}
        }
    });
    on_cleanup(move || keys.remove());
    view! {
        <div class="overlay" on:click=move |_| on_close.run(())>
            <div
                class="help"
                role="dialog"
                aria-modal="true"
                aria-labelledby="key-help-title"
                data-testid="key-help"
                on:click=|ev| ev.stop_propagation()
            >
                <h3 id="key-help-title">"Keyboard"</h3>
                <dl>
                    <dt>"j / ↓"</dt><dd>"next case"</dd>
                    <dt>"k / ↑"</dt><dd>"previous case"</dd>
                    <dt>"Enter"</dt><dd>"open the case"</dd>
                    <dt>"Esc"</dt><dd>"back (image → cases → overview)"</dd>
                    <dt>"?"</dt><dd>"this help"</dd>
                </dl>
                <button class="button" node_ref=close_button data-testid="key-help-close" on:click=move |_| on_close.run(())>
                    "Close"
                </button>
            </div>
        </div>
    }
}
