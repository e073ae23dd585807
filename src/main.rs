//! The ReaL Explorer page.

fn main() {
    // The same wasm also runs the evaluation worker (`worker_main`), which has no window and
    // nothing to mount.
    if web_sys::window().is_some() {
        leptos::mount::mount_to_body(real_explorer::App);
    }
}
