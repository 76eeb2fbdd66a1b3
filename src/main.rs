//! Mounts the web app. Built for wasm32 by Trunk; the native build only
//! points to the right tools.

fn main() {
    #[cfg(target_arch = "wasm32")]
    {
        console_error_panic_hook::set_once();
        leptos::mount::mount_to_body(playground::app::App);
    }
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!(
        "The web app runs in the browser: `scripts/serve`. The command-line runner is `cargo run --release --bin sdp`."
    );
}
