//! The app's router: four routes, the History API, and nothing else.
//!
//! [`route`] and [`query_param`] are pure and tested natively. [`provide`]
//! keeps a [`Location`] signal in step with the address bar: it follows
//! back/forward (`popstate`) and turns clicks on same-origin links, including
//! links inside rendered article HTML, into `pushState` navigations.
//!
//! A router of our own instead of leptos_router: in this app leptos_router
//! measured 45 KB brotli of wasm, a third of the 150 KB budget for the first
//! page, for features (nested routes, loaders, forms) the playground does not
//! use. See ARCHITECTURE.md.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Where the app is: path, query (with its `?`) and fragment (with its `#`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Location {
    pub path: String,
    pub query: String,
    pub hash: String,
}

/// The page a path shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    Home,
    Article(String),
    Widget(String),
    Embed(String),
    NotFound,
}

/// Matches a path (without query or fragment) to a route. A trailing slash
/// is ignored; segments are percent-decoded.
pub fn route(path: &str) -> Route {
    let trimmed = path.trim_end_matches('/');
    let parts: Vec<String> = trimmed.split('/').skip(1).map(percent_decode).collect();
    match parts.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        [] => Route::Home,
        ["articles", slug] if !slug.is_empty() => Route::Article(slug.to_string()),
        ["widgets", kind] if !kind.is_empty() => Route::Widget(kind.to_string()),
        ["embed", kind] if !kind.is_empty() => Route::Embed(kind.to_string()),
        _ => Route::NotFound,
    }
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Decodes `%XX` escapes and `+` (as in query strings, a space); invalid
/// escapes are kept as they are, invalid UTF-8 is replaced.
pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' if i + 2 < b.len() => match (hex(b[i + 1]), hex(b[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b'+' => out.push(b' '),
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The value of `name` in a query string (`?a=1&b=2` or `a=1&b=2`).
pub fn query_param(query: &str, name: &str) -> Option<String> {
    query.trim_start_matches('?').split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (percent_decode(k) == name).then(|| percent_decode(v))
    })
}

/// The browser's current location.
pub fn current() -> Location {
    let Some(l) = web_sys::window().map(|w| w.location()) else { return Location::default() };
    Location {
        path: l.pathname().unwrap_or_default(),
        query: l.search().unwrap_or_default(),
        hash: l.hash().unwrap_or_default(),
    }
}

/// Starts following the address bar and returns the location signal. Call
/// once, at the root. `stays(path)` says whether this bundle can show a path;
/// links to paths it cannot show are left to the browser, which loads that
/// page's own HTML and bundle.
pub fn provide(stays: fn(&str) -> bool) -> ReadSignal<Location> {
    let (location, set_location) = signal(current());
    let handle = window_event_listener(leptos::ev::popstate, move |_| set_location.set(current()));
    let click = window_event_listener(leptos::ev::click, move |ev: web_sys::MouseEvent| {
        if let Some(href) = internal_link(&ev).filter(|h| stays(href_path(h))) {
            ev.prevent_default();
            navigate(&href);
            set_location.set(current());
        }
    });
    // The listeners live as long as the app.
    std::mem::forget((handle, click));
    location
}

/// Pushes `href` (same origin) onto the history and scrolls to its fragment or the top.
pub fn navigate(href: &str) {
    let Some(w) = web_sys::window() else { return };
    if let Ok(h) = w.history() {
        let _ = h.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(href));
    }
    let hash = current().hash;
    let target = w.document().and_then(|d| d.get_element_by_id(hash.trim_start_matches('#')));
    match target {
        Some(el) if !hash.is_empty() => el.scroll_into_view(),
        _ => w.scroll_to_with_x_and_y(0.0, 0.0),
    }
}

/// The href of a plain left click on a same-origin link that should stay in
/// the app; `None` for anything the browser should handle itself.
fn internal_link(ev: &web_sys::MouseEvent) -> Option<String> {
    if ev.default_prevented() || ev.button() != 0 || ev.meta_key() || ev.ctrl_key() || ev.shift_key() || ev.alt_key() {
        return None;
    }
    let target: web_sys::Element = ev.target()?.dyn_into().ok()?;
    let a = target.closest("a[href]").ok()??;
    if a.has_attribute("target") || a.has_attribute("download") {
        return None;
    }
    let origin = web_sys::window()?.location().origin().ok()?;
    in_app_href(&a.get_attribute("href")?, &origin, &current())
}

/// Decides whether a link's `href` is a navigation inside the app: a path on
/// this origin (absolute, or with the origin spelled out) that does not only
/// move to a fragment of the current page. Returns the path, query and
/// fragment to push. Relative paths and other origins are left to the browser.
pub fn in_app_href(href: &str, origin: &str, here: &Location) -> Option<String> {
    let path = match href.strip_prefix(origin) {
        Some("") => "/",
        Some(rest) if rest.starts_with('/') => rest,
        Some(_) => return None,
        None if href.starts_with('/') && !href.starts_with("//") => href,
        None => return None,
    };
    let (before_hash, hash) = path.split_once('#').map_or((path, ""), |(p, h)| (p, h));
    let (p, q) = before_hash.split_once('?').map_or((before_hash, ""), |(p, q)| (p, q));
    let query = if q.is_empty() { String::new() } else { format!("?{q}") };
    if !hash.is_empty() && p == here.path && query == here.query {
        return None;
    }
    Some(path.to_string())
}

/// The path of an in-app href, without its query and fragment.
pub fn href_path(href: &str) -> &str {
    href.split(['?', '#']).next().unwrap_or(href)
}

/// `query` (with or without `?`) with parameter `name` set to `value` (already
/// URL-safe), or removed when `value` is `None`; other parameters keep their order.
pub fn with_query_param(query: &str, name: &str, value: Option<&str>) -> String {
    let mut pairs: Vec<String> = query
        .trim_start_matches('?')
        .split('&')
        .filter(|p| !p.is_empty() && p.split('=').next().map(percent_decode).as_deref() != Some(name))
        .map(String::from)
        .collect();
    if let Some(v) = value {
        pairs.push(format!("{name}={v}"));
    }
    if pairs.is_empty() {
        String::new()
    } else {
        format!("?{}", pairs.join("&"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes() {
        assert_eq!(route("/"), Route::Home);
        assert_eq!(route(""), Route::Home);
        assert_eq!(route("/articles/rate-limiting"), Route::Article("rate-limiting".into()));
        assert_eq!(route("/articles/rate-limiting/"), Route::Article("rate-limiting".into()));
        assert_eq!(route("/widgets/rate-limiter"), Route::Widget("rate-limiter".into()));
        assert_eq!(route("/embed/rate%2Dlimiter"), Route::Embed("rate-limiter".into()));
        assert_eq!(route("/articles"), Route::NotFound);
        assert_eq!(route("/articles/a/b"), Route::NotFound);
        assert_eq!(route("/nope"), Route::NotFound);
    }

    #[test]
    fn query_params() {
        assert_eq!(query_param("?s=abc&theme=dark", "theme").as_deref(), Some("dark"));
        assert_eq!(query_param("s=a%2Bb+c", "s").as_deref(), Some("a+b c"));
        assert_eq!(query_param("?flag", "flag").as_deref(), Some(""));
        assert_eq!(query_param("?s=1", "t"), None);
        assert_eq!(query_param("", "s"), None);
    }

    #[test]
    fn links_that_stay_in_the_app() {
        let here = Location { path: "/articles/a".into(), query: String::new(), hash: String::new() };
        let o = "http://127.0.0.1:8080";
        assert_eq!(in_app_href("/widgets/rate-limiter?s=x", o, &here).as_deref(), Some("/widgets/rate-limiter?s=x"));
        assert_eq!(in_app_href("http://127.0.0.1:8080/articles/b#top", o, &here).as_deref(), Some("/articles/b#top"));
        assert_eq!(in_app_href("http://127.0.0.1:8080", o, &here).as_deref(), Some("/"));
        assert_eq!(in_app_href("/articles/a#why", o, &here), None, "a fragment of this page");
        assert_eq!(in_app_href("https://nginx.org/", o, &here), None);
        assert_eq!(in_app_href("//cdn.example/x", o, &here), None);
        assert_eq!(in_app_href("http://127.0.0.1:80801/x", o, &here), None);
        assert_eq!(in_app_href("relative/path", o, &here), None);
        assert_eq!(in_app_href("#why", o, &here), None);
    }

    #[test]
    fn query_params_are_replaced_in_place() {
        assert_eq!(with_query_param("?theme=dark&s=old", "s", Some("new")), "?theme=dark&s=new");
        assert_eq!(with_query_param("", "s", Some("v")), "?s=v");
        assert_eq!(with_query_param("?s=1", "s", None), "");
        assert_eq!(with_query_param("?a=1&s=2&b", "s", None), "?a=1&b");
    }

    #[test]
    fn percent_decoding_keeps_bad_escapes() {
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
        assert_eq!(percent_decode("%E2%9C%93"), "✓");
        assert_eq!(percent_decode("%FF"), "\u{fffd}");
    }
}
