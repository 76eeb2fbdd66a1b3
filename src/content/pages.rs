//! The pages without a widget as HTML text: the home page's catalog, the
//! not-found message, and, for `sdp site`, each whole page as a static
//! file that loads no wasm (the site's stylesheet, two small scripts).
//! The app shows the same catalog when it navigates home within a bundle.

use super::{by_category, reading_minutes};
use crate::ui::html::escape;
use std::fmt::Write as _;

/// The home page's content: the introduction, the articles by category
/// and the widget index.
pub fn home_html() -> String {
    let mut html = String::from(
        "<section class=\"hero\"><h1>Learn how real distributed systems behave</h1><p>Articles for working engineers, \
         each beside live widgets you can push: fire a burst, change a limit, and watch what production algorithms \
         do with the same traffic.</p></section>",
    );
    for (category, articles) in by_category() {
        let _ = write!(html, "<section class=\"category\"><h2>{}</h2><ul class=\"cards\">", escape(category));
        for a in articles {
            let _ = write!(
                html,
                "<li class=\"card\"><h3><a href=\"/articles/{}\">{}</a></h3><p>{}</p><p class=\"meta\">\
                 <span class=\"difficulty {d}\">{d}</span> · {} min read</p></li>",
                a.slug,
                escape(a.title),
                escape(a.summary),
                reading_minutes(a),
                d = escape(a.difficulty),
            );
        }
        html.push_str("</ul></section>");
    }
    html.push_str("<section class=\"category\"><h2>Widgets</h2><ul class=\"cards\">");
    for w in crate::scenario::FAMILIES {
        let _ = write!(
            html,
            "<li class=\"card\"><h3><a href=\"/widgets/{}\">{}</a></h3><p>{}</p></li>",
            w.kind,
            escape(w.title),
            escape(w.summary)
        );
    }
    html.push_str("</ul></section>");
    html
}

/// The not-found page's content.
pub const NOT_FOUND_HTML: &str = "<section class=\"not-found\"><h1>Page not found</h1><p>There is nothing at this \
                                  address. <a href=\"/\">See all articles</a>.</p></section>";

/// The theme menu's choices: value and label.
pub const THEMES: [(&str, &str); 3] = [("auto", "Theme: system"), ("light", "Theme: light"), ("dark", "Theme: dark")];

/// The footer's sentence.
pub const FOOTER: &str =
    "Every widget runs a faithful port of a named production implementation, in simulated time, in your browser.";

/// Keeps the theme menu of a static page: shows the saved choice and saves
/// and applies a new one, as the app's menu does.
const THEME_SCRIPT: &str = "(function(){var s=document.getElementById(\"theme\"),t=null;\
try{t=localStorage.getItem(\"theme\")}catch(e){}if(t)s.value=t;\
s.addEventListener(\"change\",function(){try{localStorage.setItem(\"theme\",s.value)}catch(e){}\
var r=document.documentElement;if(s.value===\"auto\")r.removeAttribute(\"data-theme\");\
else r.setAttribute(\"data-theme\",s.value)})})();";

/// Registers the service worker (the site works offline after a first
/// visit) and applies the saved theme before the first paint, as the app's
/// own pages do (`www/index.html`).
const HEAD_SCRIPT: &str = "if(\"serviceWorker\"in navigator)window.addEventListener(\"load\",function(){\
try{navigator.serviceWorker.register(\"/sw.js\").catch(function(){})}catch(e){}});\
(function(){var t=new URLSearchParams(location.search).get(\"theme\");\
if(!t)try{t=localStorage.getItem(\"theme\")}catch(e){}\
if(t===\"light\"||t===\"dark\")document.documentElement.setAttribute(\"data-theme\",t)})();";

/// A whole static page: `head_links` (the stylesheet's and icon's `<link>`
/// tags, as the build wrote them), the title, and `main`'s HTML inside the
/// site's header and footer.
pub fn static_page(head_links: &str, title: &str, main: &str) -> String {
    let mut options = String::new();
    for (value, label) in THEMES {
        let _ = write!(options, "<option value=\"{value}\">{label}</option>");
    }
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"color-scheme\" content=\"light dark\">\
         <meta name=\"description\" content=\"System design articles beside live, faithful simulations of the algorithms production systems run.\">\
         <title>{}</title>{head_links}<script>{HEAD_SCRIPT}</script></head><body>\
         <a class=\"skip-link\" href=\"#main\">Skip to content</a>\
         <header class=\"site-header\"><a href=\"/\" class=\"brand\">System Design Playground</a>\
         <label class=\"theme-switch\"><span class=\"visually-hidden\">Colour theme</span><select id=\"theme\">{options}</select></label></header>\
         <main id=\"main\">{main}</main><footer class=\"site-footer\"><p>{FOOTER}</p></footer>\
         <script>{THEME_SCRIPT}</script></body></html>",
        escape(title)
    )
}

/// The `<link>` tags of `shell` (a page the build wrote) for its
/// stylesheet and its icon, as they are, integrity and all.
pub fn head_links(shell: &str) -> String {
    let mut out = String::new();
    let mut rest = shell;
    while let Some(at) = rest.find("<link") {
        let tag_end = rest[at..].find('>').map_or(rest.len(), |e| at + e + 1);
        let tag = &rest[at..tag_end];
        if tag.contains("rel=stylesheet")
            || tag.contains("rel=\"stylesheet\"")
            || tag.contains("rel=icon")
            || tag.contains("rel=\"icon\"")
        {
            out.push_str(tag);
        }
        rest = &rest[tag_end..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_home_page_lists_every_article_and_widget() {
        let html = home_html();
        for a in super::super::ARTICLES {
            assert!(html.contains(&format!("<a href=\"/articles/{}\">", a.slug)), "{}", a.slug);
        }
        for w in crate::scenario::FAMILIES {
            assert!(html.contains(&format!("<a href=\"/widgets/{}\">", w.kind)), "{}", w.kind);
        }
        assert!(html.contains("<span class=\"difficulty intermediate\">intermediate</span> · "));
    }

    #[test]
    fn a_static_page_keeps_the_builds_stylesheet_and_loads_no_wasm() {
        let shell = "<head><script type=module>import init from '/p.js';</script>\
                     <link crossorigin href=/style-1.css integrity=sha384-x rel=stylesheet>\
                     <link href=/favicon-2.svg rel=icon><link href=/p.js rel=modulepreload>\
                     <link as=fetch href=/p_bg.wasm rel=preload type=application/wasm></head>";
        let links = head_links(shell);
        assert_eq!(
            links,
            "<link crossorigin href=/style-1.css integrity=sha384-x rel=stylesheet><link href=/favicon-2.svg rel=icon>"
        );
        let page = static_page(&links, "Not found · System Design Playground", NOT_FOUND_HTML);
        assert!(
            page.starts_with("<!doctype html>") && page.contains("<title>Not found · System Design Playground</title>")
        );
        assert!(page.contains("<main id=\"main\"><section class=\"not-found\">"));
        assert!(page.contains("<select id=\"theme\"><option value=\"auto\">Theme: system</option>"));
        assert!(!page.contains(".wasm") && !page.contains("import init") && !page.contains("modulepreload"));
    }
}
