//! Thin wrappers over browser APIs the widgets use. Each fails quietly (the
//! page keeps working) when an API is missing, as in a sandboxed iframe.

use wasm_bindgen::{JsCast, JsValue};

fn window() -> Option<web_sys::Window> {
    web_sys::window()
}

/// Replaces one query parameter of the current URL (`value` must already be
/// URL-safe) without navigating or adding a history entry; `None` removes it.
pub fn replace_query_param(name: &str, value: Option<&str>) {
    let Some(w) = window() else { return };
    let l = w.location();
    let (path, query, hash) =
        (l.pathname().unwrap_or_default(), l.search().unwrap_or_default(), l.hash().unwrap_or_default());
    let url = format!("{path}{}{hash}", super::query::with_query_param(&query, name, value));
    if let Ok(history) = w.history() {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&url));
    }
}

thread_local! {
    /// The playground's origin when its widgets run on another site's page.
    static SITE_ORIGIN: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// Sets the origin [`origin`] reports: the playground's own, for widgets
/// placed on another site's page by `sd-widget.js`.
pub fn set_site_origin(origin: &str) {
    SITE_ORIGIN.with(|o| *o.borrow_mut() = Some(origin.trim_end_matches('/').to_string()));
}

/// The playground's origin, e.g. `http://127.0.0.1:8080`: the page's own,
/// unless the widget runs on another site's page.
pub fn origin() -> String {
    if let Some(o) = SITE_ORIGIN.with(|o| o.borrow().clone()) {
        return o;
    }
    window().and_then(|w| w.location().origin().ok()).unwrap_or_default()
}

/// Copies text to the clipboard; returns false when the API is unavailable.
pub fn copy_text(text: &str) -> bool {
    let Some(w) = window() else { return false };
    let clipboard = js_sys::Reflect::get(&w.navigator(), &JsValue::from_str("clipboard")).ok();
    let Some(clipboard) = clipboard.filter(|c| !c.is_undefined()) else { return false };
    let Ok(write) = js_sys::Reflect::get(&clipboard, &JsValue::from_str("writeText")) else { return false };
    let Ok(write) = write.dyn_into::<js_sys::Function>() else { return false };
    write.call1(&clipboard, &JsValue::from_str(text)).is_ok()
}

/// Offers `text` as a file download named `filename`, from a blob URL (a
/// trace can run to megabytes, beyond what data URLs carry everywhere).
pub fn download(filename: &str, mime: &str, text: &str) {
    let Some(doc) = window().and_then(|w| w.document()) else { return };
    let Ok(a) = doc.create_element("a") else { return };
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob_url = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)
        .ok()
        .and_then(|b| web_sys::Url::create_object_url_with_blob(&b).ok());
    let href = blob_url
        .clone()
        .unwrap_or_else(|| format!("data:{mime};charset=utf-8,{}", String::from(js_sys::encode_uri_component(text))));
    let _ = a.set_attribute("href", &href);
    let _ = a.set_attribute("download", filename);
    if let Ok(a) = a.dyn_into::<web_sys::HtmlElement>() {
        a.click();
    }
    if let Some(url) = blob_url {
        // The click has started the download; the URL can go once this task ends.
        leptos::prelude::set_timeout(
            move || {
                let _ = web_sys::Url::revoke_object_url(&url);
            },
            std::time::Duration::from_secs(1),
        );
    }
}

/// Whether the reader asked for reduced motion.
pub fn prefers_reduced_motion() -> bool {
    window().and_then(|w| w.match_media("(prefers-reduced-motion: reduce)").ok().flatten()).is_some_and(|m| m.matches())
}
