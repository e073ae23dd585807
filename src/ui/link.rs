//! Links between views: real `<a href>` (so they open in new tabs and can be copied) that
//! navigate in place on a plain click.

use crate::state::{href, Explorer};
use leptos::ev::MouseEvent;
use leptos::prelude::*;
use real_core::View;

/// A link to a view.
#[component]
pub fn Link(
    /// Where it goes.
    to: View,
    /// CSS class.
    #[prop(optional, into)]
    class: String,
    /// CSS width (of a bar segment). Set through the CSSOM rather than a `style` attribute,
    /// which the page's Content-Security-Policy refuses.
    #[prop(optional, into)]
    width: Option<String>,
    /// Marks the link to the page on screen (`aria-current="page"`), as the current tab is.
    #[prop(optional)]
    current: bool,
    /// What it shows.
    children: Children,
) -> impl IntoView {
    let explorer = expect_context::<Explorer>();
    let target = href(&to);
    view! {
        <a
            href=target
            class=class
            style:width=width
            aria-current=current.then_some("page")
            on:click=move |ev: MouseEvent| {
                if ev.ctrl_key() || ev.meta_key() || ev.shift_key() || ev.alt_key() || ev.button() != 0 {
                    return;
                }
                ev.prevent_default();
                explorer.navigate(to.clone());
            }
        >
            {children()}
        </a>
    }
}
