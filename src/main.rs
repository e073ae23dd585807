//! The ReaL Explorer page.

fn main() {
    leptos::mount::mount_to_body(real_explorer::App);
}
