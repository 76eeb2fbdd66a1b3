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
    let here = crate::router::current();
    let url = format!("{}{}{}", here.path, crate::router::with_query_param(&here.query, name, value), here.hash);
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

/// Sets `data-theme` on the root element: `light`, `dark`, or removed for `auto`.
pub fn apply_theme(theme: &str) {
    let Some(root) = window().and_then(|w| w.document()).and_then(|d| d.document_element()) else { return };
    match theme {
        "light" | "dark" => {
            let _ = root.set_attribute("data-theme", theme);
        }
        _ => {
            let _ = root.remove_attribute("data-theme");
        }
    }
}

/// Reads a value saved in local storage (absent in sandboxed frames).
pub fn load(key: &str) -> Option<String> {
    window()?.local_storage().ok()??.get_item(key).ok()?
}

/// Saves a value in local storage when it is available.
pub fn save(key: &str, value: &str) {
    if let Some(s) = window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = s.set_item(key, value);
    }
}

/// Fetches a same-origin text file.
pub async fn fetch_text(path: &str) -> Result<String, String> {
    use wasm_bindgen_futures::JsFuture;
    let w = window().ok_or("no window")?;
    let response: web_sys::Response = JsFuture::from(w.fetch_with_str(path))
        .await
        .map_err(|_| "the network request failed".to_string())?
        .dyn_into()
        .map_err(|_| "unexpected response".to_string())?;
    if !response.ok() {
        return Err(format!("the server answered {}", response.status()));
    }
    let text = response.text().map_err(|_| "unreadable response".to_string())?;
    JsFuture::from(text).await.ok().and_then(|t| t.as_string()).ok_or_else(|| "unreadable response".to_string())
}
