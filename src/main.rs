//! Mounts the web app. Built for wasm32 by Trunk; the native build only
//! points to the right tools.

fn main() {
    #[cfg(target_arch = "wasm32")]
    {
        console_error_panic_hook::set_once();
        // The playground's own pages carry this marker; on another site's page
        // the bundle was loaded by sd-widget.js, which mounts widgets itself.
        let own_page = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.query_selector("meta[name=sdp-app]").ok().flatten())
            .is_some();
        if own_page {
            playground::mount::start();
        }
    }
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!(
        "The web app runs in the browser: `scripts/serve`. The command-line runner is `cargo run --release --bin sdp`."
    );
}
