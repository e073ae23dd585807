//! The ReaL Explorer page.

fn main() {
    // A panic is a bug: say where it was on the console rather than only "unreachable".
    std::panic::set_hook(Box::new(|info| leptos::logging::error!("{info}")));
    // The same wasm also runs the evaluation worker (`worker_main`), which has no window and
    // nothing to mount.
    if web_sys::window().is_some() {
        leptos::mount::mount_to_body(real_explorer::App);
    }
}
