//! Tabs between the pages, and notices from links and loads.

use crate::state::Explorer;
use crate::ui::link::Link;
use leptos::prelude::*;
use real_core::cases::{CaseFilter, LabelCount};
use real_core::Page;

/// The page tabs. Each tab keeps the model-related parts of the link.
#[component]
pub fn NavBar() -> impl IntoView {
    let explorer = expect_context::<Explorer>();
    let tab = move |page: Page, label: &'static str| {
        move || {
            let current = explorer.view.get();
            // The models and label sets the view names go along: no tab drops a model. The
            // comparison takes a pair, so one model on screen does not make it A.
            let carried = page != Page::Compare || current.models.len() >= 2;
            let mut to = current.on_page(page);
            if !carried {
                to.models.clear();
            }
            if page == Page::Cases && matches!(current.page, Page::Cases | Page::Image) {
                to.filter = current.filter;
                to.sort = current.sort;
            }
            if page == Page::Multi {
                to.filter = CaseFilter {
                    labels: Some(LabelCount::AtLeast(2)),
                    ..Default::default()
                };
            }
            let active =
                current.page == page || (page == Page::Cases && current.page == Page::Image);
            view! { <Link to=to class=if active { "tab active" } else { "tab" } current=active>{label}</Link> }
        }
    };
    view! {
        <nav class="tabs" aria-label="Pages" data-testid="nav">
            {tab(Page::Overview, "Overview")}
            {tab(Page::Cases, "Cases")}
            {tab(Page::Multi, "Multi-object")}
            {tab(Page::Pairs, "Duplicate pairs")}
            {tab(Page::Leaderboard, "Leaderboard")}
            {tab(Page::Compare, "Compare")}
            {tab(Page::Published, "Published models")}
        </nav>
    }
}

/// Notices (a damaged link, a filter that needs a model), each dismissible.
#[component]
pub fn Notices() -> impl IntoView {
    let explorer = expect_context::<Explorer>();
    move || {
        let notices = explorer.notices.get();
        (!notices.is_empty()).then(|| {
            view! {
                <div class="notices" role="status" data-testid="notices">
                    {notices.into_iter().map(|n| view! { <p>{n}</p> }).collect_view()}
                    <button on:click=move |_| explorer.notices.set(Vec::new())>"dismiss"</button>
                </div>
            }
        })
    }
}
