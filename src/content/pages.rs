//! Every page of the site as HTML text, written by `sdp site` at build
//! time: an article's prose, headings and code are in its page when it
//! arrives, readable without JavaScript, and each widget has a slot there
//! that the page's bundle mounts it into (`crate::mount`). The home page,
//! the not-found page and an article without widgets load no wasm at all.

use super::{path, reading_minutes, Article, Segment, WidgetSegment, ARTICLES};
use crate::ui::html::escape;
use std::fmt::Write as _;

/// A page of the built site: its file, the widget kind whose bundle it
/// loads (`None`: no wasm), its title and description, and its body's HTML.
#[derive(Clone, Debug)]
pub struct Page {
    pub path: String,
    pub kind: Option<&'static str>,
    pub title: String,
    pub description: String,
    pub body: String,
}

/// The site's description, for pages without one of their own.
pub const DESCRIPTION: &str =
    "System design articles beside live, faithful simulations of the algorithms production systems run.";

/// Every page with a file of its own: home, not found, each article, each
/// widget's page and embed.
pub fn all() -> Vec<Page> {
    let page = |path: String, kind, title: String, description: &str, body| Page {
        path,
        kind,
        title,
        description: description.to_string(),
        body,
    };
    let mut pages = vec![
        page("index.html".into(), None, SITE.into(), DESCRIPTION, chrome(&home_html())),
        page("404.html".into(), None, format!("Not found · {SITE}"), DESCRIPTION, chrome(NOT_FOUND_HTML)),
    ];
    for a in ARTICLES {
        pages.push(page(
            format!("articles/{}/index.html", a.slug),
            a.widgets.first().copied(),
            format!("{} · {SITE}", a.title),
            a.summary,
            chrome(&article_html(a)),
        ));
    }
    for w in crate::scenario::FAMILIES {
        let slot = |mode| {
            format!("<div class=\"widget-slot\" data-kind=\"{}\" data-mode=\"{mode}\">{NO_SCRIPT}</div>", w.kind)
        };
        let body = format!(
            "<div class=\"widget-page\"><h1>{}</h1><p class=\"summary\">{}</p>{}</div>",
            escape(w.title),
            escape(w.summary),
            slot("page")
        );
        let title = format!("{} · {SITE}", w.title);
        pages.push(page(
            format!("widgets/{}/index.html", w.kind),
            Some(w.kind),
            title.clone(),
            w.summary,
            chrome(&body),
        ));
        let embed = format!("<main class=\"embed\" id=\"main\">{}</main>", slot("embed"));
        pages.push(page(format!("embed/{}/index.html", w.kind), Some(w.kind), title, w.summary, embed));
    }
    pages
}

/// The site's name.
pub const SITE: &str = "System Design Playground";

/// What a widget's slot shows where scripts do not run.
const NO_SCRIPT: &str =
    "<noscript><p class=\"slot-note\">This widget is a simulation that runs in your browser: it needs JavaScript \
     and WebAssembly.</p></noscript>";

/// A widget block's place in its article: a slot holding the block's
/// scenario, or, for a broken block, the error box with the parser's
/// message and the block as written.
pub fn widget_slot(kind: &str, w: &WidgetSegment) -> String {
    match w.parsed {
        Ok((json, title)) => format!(
            "<div class=\"widget-slot\" data-kind=\"{}\" data-mode=\"inline\" data-title=\"{}\">\
             <script type=\"application/json\">{}</script>{NO_SCRIPT}</div>",
            escape(kind),
            escape(title),
            // `<` only occurs inside JSON strings, where `\u003c` means the same.
            json.replace('<', "\\u003c")
        ),
        Err(message) => format!(
            "<div class=\"widget-error\" role=\"alert\"><strong>This widget could not start: </strong>{}\
             <details><summary>Widget block</summary><pre>{}</pre></details></div>",
            escape(message),
            escape(w.source)
        ),
    }
}

/// An article's `main`: its header, table of contents, prose and widget
/// slots, its place on the learning path with the previous and next
/// articles, and the related articles.
pub fn article_html(a: &Article) -> String {
    let place = match path::phase_of(a.slug) {
        Some((i, phase)) => format!(
            " · <a href=\"/#phase-{}\">Learning path, phase {} of {}: {}</a>",
            i + 1,
            i + 1,
            path::PHASES.len(),
            escape(phase.title)
        ),
        None => String::new(),
    };
    let mut html = format!(
        "<article class=\"article\"><header class=\"article-header\"><p class=\"meta\">{} · \
         <span class=\"difficulty {d}\">{d}</span> · {} min read{place}</p><h1>{}</h1><p class=\"summary\">{}</p></header>",
        escape(a.category),
        reading_minutes(a),
        escape(a.title),
        escape(a.summary),
        d = escape(a.difficulty),
    );
    html.push_str(&toc(a));
    let kind = a.widgets.first().copied().unwrap_or_default();
    for s in a.segments {
        match s {
            Segment::Html(h) => {
                let _ = write!(html, "<div class=\"prose\">{h}</div>");
            }
            Segment::Widget(w) => html.push_str(&widget_slot(kind, w)),
        }
    }
    html.push_str(&path_nav(a));
    let related = super::related(a);
    if !related.is_empty() {
        html.push_str("<nav class=\"related\" aria-label=\"Related articles\"><h2>Related</h2><ul>");
        for r in related {
            let _ = write!(html, "<li><a href=\"/articles/{}\">{}</a></li>", r.slug, escape(r.title));
        }
        html.push_str("</ul></nav>");
    }
    html.push_str("</article>");
    html
}

/// An article's table of contents: its `##` sections, each with its `###`
/// subsections.
pub fn toc(a: &Article) -> String {
    if a.headings.is_empty() {
        return String::new();
    }
    let mut html =
        String::from("<nav class=\"toc\" aria-labelledby=\"toc-title\"><h2 id=\"toc-title\">On this page</h2><ol>");
    let mut nested = false;
    for (i, h) in a.headings.iter().enumerate() {
        if i > 0 {
            html.push_str(match (h.level == 3, nested) {
                (true, false) => "<ol>",
                (true, true) | (false, false) => "</li>",
                (false, true) => "</li></ol></li>",
            });
            nested = h.level == 3;
        }
        let _ = write!(html, "<li><a href=\"#{}\">{}</a>", h.id, escape(h.text));
    }
    html.push_str(if nested { "</li></ol></li></ol></nav>" } else { "</li></ol></nav>" });
    html
}

/// The end of an article: the reader's "read" mark (kept in their browser
/// by `www/site.js`), and the previous and next articles on the path.
pub fn path_nav(a: &Article) -> String {
    let (prev, next) = path::neighbours(a.slug);
    let mut html = format!(
        "<nav class=\"path-nav\" aria-label=\"Learning path\"><button type=\"button\" class=\"mark-read\" \
         data-slug=\"{}\" aria-pressed=\"false\" hidden>Mark as read</button>",
        a.slug
    );
    for (article, rel, label) in [(prev, "prev", "Previous"), (next, "next", "Next")] {
        if let Some(b) = article {
            let _ = write!(
                html,
                "<a class=\"{rel}\" rel=\"{rel}\" href=\"/articles/{}\"><span class=\"meta\">{label}</span> {}</a>",
                b.slug,
                escape(b.title)
            );
        }
    }
    html.push_str("</nav>");
    html
}

/// A card for an article: its title, summary, category, difficulty and
/// reading time; `data-slug` lets `www/site.js` mark it read.
fn article_card(a: &Article) -> String {
    format!(
        "<li class=\"card\" data-slug=\"{}\"><h4><a href=\"/articles/{}\">{}</a></h4><p>{}</p><p class=\"meta\">\
         {} · <span class=\"difficulty {d}\">{d}</span> · {} min read<span class=\"read-mark\"></span></p></li>",
        a.slug,
        a.slug,
        escape(a.title),
        escape(a.summary),
        escape(a.category),
        reading_minutes(a),
        d = escape(a.difficulty),
    )
}

/// The home page's content: the introduction, the learning path's phases
/// with their articles, and the widget index.
pub fn home_html() -> String {
    let mut html = String::from(
        "<section class=\"hero\"><h1>Learn how real distributed systems behave</h1><p>Articles for working engineers, \
         each beside live widgets you can push: fire a burst, change a limit, and watch what production algorithms \
         do with the same traffic.</p></section>",
    );
    let _ = write!(
        html,
        "<section class=\"path\" aria-labelledby=\"path-title\"><h2 id=\"path-title\">Learning path</h2>\
         <p class=\"summary\">{} phases, in order. Mark an article read at its end; your progress stays in this \
         browser.<span class=\"path-progress\" data-total=\"{}\"></span></p><ol class=\"phases\">",
        path::PHASES.len(),
        path::order().len()
    );
    for (i, phase) in path::PHASES.iter().enumerate() {
        let _ = write!(
            html,
            "<li class=\"phase\" id=\"phase-{}\"><h3>Phase {}: {}</h3><p>{}</p><ul class=\"cards\">",
            i + 1,
            i + 1,
            escape(phase.title),
            escape(phase.goal)
        );
        for a in phase.articles.iter().filter_map(|s| super::find(s)) {
            html.push_str(&article_card(a));
        }
        let mut widgets: Vec<&str> = Vec::new();
        for a in phase.articles.iter().filter_map(|s| super::find(s)) {
            for w in a.widgets {
                if !widgets.contains(w) {
                    widgets.push(w);
                }
            }
        }
        let links: Vec<String> = widgets
            .iter()
            .filter_map(|w| crate::scenario::family(w))
            .map(|f| format!("<a href=\"/widgets/{}\">{}</a>", f.kind, escape(f.title)))
            .collect();
        let _ = write!(
            html,
            "</ul><p class=\"project\"><strong>Project:</strong> {} <span class=\"meta\">With: {}.</span></p></li>",
            escape(phase.project),
            links.join(", ")
        );
    }
    html.push_str("</ol></section>");
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

/// The search box in the site's header: hidden until `www/site.js` runs,
/// which answers it from `/search.json`.
const SEARCH: &str = "<div class=\"search\" role=\"search\" hidden><label for=\"search\" class=\"visually-hidden\">\
Search the articles</label><input id=\"search\" type=\"search\" placeholder=\"Search ( / )\" autocomplete=\"off\" \
aria-controls=\"search-results\" aria-describedby=\"search-status\"><ul id=\"search-results\" class=\"search-results\" hidden>\
</ul><p id=\"search-status\" class=\"search-status visually-hidden\" aria-live=\"polite\"></p></div>";

/// A page's body: the site's header with the search box and the theme menu, `main`'s HTML,
/// the footer, the menu's script and the site's script (`www/site.js`).
pub fn chrome(main: &str) -> String {
    let mut options = String::new();
    for (value, label) in THEMES {
        let _ = write!(options, "<option value=\"{value}\">{label}</option>");
    }
    format!(
        "<a class=\"skip-link\" href=\"#main\">Skip to content</a>\
         <header class=\"site-header\"><a href=\"/\" class=\"brand\">{SITE}</a>\
         {SEARCH}<label class=\"theme-switch\"><span class=\"visually-hidden\">Colour theme</span><select id=\"theme\">{options}</select></label></header>\
         <main id=\"main\">{main}</main><footer class=\"site-footer\"><p>{FOOTER}</p></footer>\
         <script>{THEME_SCRIPT}</script><script src=\"/site.js\" defer></script>"
    )
}

/// A whole page that loads no wasm: `head_links` (the stylesheet's and
/// icon's `<link>` tags, as the build wrote them), and the page.
pub fn static_page(head_links: &str, page: &Page) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"color-scheme\" content=\"light dark\">\
         <meta name=\"description\" content=\"{}\">\
         <title>{}</title>{head_links}<script>{HEAD_SCRIPT}</script></head><body>{}</body></html>",
        escape(&page.description),
        escape(&page.title),
        page.body
    )
}

/// A page that loads a bundle: `shell` (the `index.html` a Trunk build of
/// that bundle wrote: its head loads the glue and the wasm, and carries the
/// family's own rules) with the page's title and description, and its body
/// before what the shell's body holds (the check for WebAssembly SIMD).
pub fn bundle_page(shell: &str, page: &Page) -> Result<String, String> {
    let mut html = replace_between(shell, "<title>", "</title>", &escape(&page.title))?;
    let description = format!("<meta name=\"description\" content=\"{}\">", escape(&page.description));
    let at = html
        .find("name=description")
        .or_else(|| html.find("name=\"description\""))
        .ok_or("the bundle's HTML has no description")?;
    let start = html[..at].rfind("<meta").ok_or("the bundle's HTML has no description")?;
    let end = at + html[at..].find('>').ok_or("the bundle's HTML has no description")? + 1;
    html.replace_range(start..end, &description);
    let mut html = early_compile(&html)?;
    let body = html.find("<body>").ok_or("the bundle's HTML has no <body>")? + "<body>".len();
    html.insert_str(body, &page.body);
    if !page.path.starts_with("embed/") {
        // The embed protocol's script acts only on an embed page (in a frame).
        html = without_script(&html, "/embed.js");
    }
    Ok(html)
}

/// `html` (a page as Trunk writes it, before its body is filled) with its
/// wasm compiled while the page is still being parsed. Trunk preloads the
/// wasm, but compiles it only when the glue's `init` runs, after the
/// document is parsed; here the preload moves to the top of the head, a
/// classic script after it starts `compileStreaming` on the preloaded
/// response (the same URL, CORS mode, credentials and integrity, so the
/// browser fetches it once), and `init` is handed the module it promises.
///
/// As the glue does: a server sending the wasm as another type gets it
/// compiled from the same response's bytes, and a browser without
/// `compileStreaming` gets the response itself. A failed request or
/// compilation is `init`'s to report (the promise is marked handled, so
/// the page does not also log it unhandled); nothing is fetched twice.
fn early_compile(html: &str) -> Result<String, String> {
    let head = &html[..html.find("<body").unwrap_or(html.len())];
    let (start, end) = tags(head, "<link")
        .find(|&(a, e)| has_attr(&head[a..e], "rel", "preload") && has_attr(&head[a..e], "type", "application/wasm"))
        .ok_or("the bundle's HTML does not preload its wasm")?;
    let preload = &html[start..end];
    let href = attr(preload, "href").ok_or("the wasm's preload has no href")?;
    let integrity = match attr(preload, "integrity") {
        Some(i) => i,
        None if preload.contains("integrity") => {
            return Err("the wasm's preload has an integrity it cannot read".into())
        }
        None => "",
    };
    let init = format!("module_or_path: '{href}'");
    let safe = |v: &str| !v.contains(['"', '\\', '<', '>', '\'', ' ']);
    if !head.contains(&init) || !safe(href) || !safe(integrity) {
        return Err(format!("the bundle's HTML does not start its wasm from {href}"));
    }
    // A preload with `crossorigin` (anonymous) is what a plain `fetch` matches.
    let preload = match integrity {
        "" => format!("<link as=fetch crossorigin href={href} rel=preload type=application/wasm>"),
        i => format!("<link as=fetch crossorigin href={href} integrity={i} rel=preload type=application/wasm>"),
    };
    let script = compile_script(href, integrity);
    let mut out = format!("{}{}", &html[..start], &html[end..]);
    let at = out.find(&init).ok_or_else(|| format!("the bundle's HTML does not start its wasm from {href}"))?;
    out.replace_range(at..at + init.len(), &format!("module_or_path: window.{EARLY_WASM}"));
    let title = out.find("<title>").ok_or("the bundle's HTML has no <title>")?;
    out.insert_str(title, &format!("{preload}{script}"));
    Ok(out)
}

/// The script [`early_compile`] puts after the preload of the wasm at `href`.
fn compile_script(href: &str, integrity: &str) -> String {
    format!(
        "<script>(()=>{{let w=window.WebAssembly,u=\"{href}\",f=()=>fetch(u,{{integrity:\"{integrity}\"}}),\
         p=w&&w.compileStreaming?f().then(r=>{{if(!r.ok)throw Error(u+\" \"+r.status);\
         return w.compileStreaming(r).catch(e=>{{if(r.headers.get(\"Content-Type\")==\"application/wasm\")throw e;\
         return r.arrayBuffer().then(b=>w.compile(b))}})}}):f();p.catch(()=>{{}});window.{EARLY_WASM}=p}})()</script>"
    )
}

/// The page's global holding the wasm module being compiled (see [`early_compile`]).
pub const EARLY_WASM: &str = "sdpWasm";

/// Where each tag opening with `open` in `html` starts and ends (just after its `>`).
fn tags<'a>(html: &'a str, open: &'a str) -> impl Iterator<Item = (usize, usize)> + 'a {
    let mut from = 0;
    std::iter::from_fn(move || {
        let at = from + html[from..].find(open)?;
        let end = at + html[at..].find('>')? + 1;
        from = end;
        Some((at, end))
    })
}

/// The value of attribute `name` in `tag`, quoted (either quote) or bare.
fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let mut rest = tag;
    loop {
        let at = rest.find(&format!("{name}="))?;
        let before = rest[..at].chars().next_back();
        let value = &rest[at + name.len() + 1..];
        if before.is_some_and(char::is_whitespace) {
            return Some(match value.chars().next() {
                Some(q @ ('"' | '\'')) => value[1..].split(q).next().unwrap_or(""),
                _ => value.split(|c: char| c.is_whitespace() || c == '>').next().unwrap_or(""),
            });
        }
        rest = value;
    }
}

/// Whether `tag` has attribute `name` equal to `value`.
fn has_attr(tag: &str, name: &str, value: &str) -> bool {
    attr(tag, name) == Some(value)
}

/// `html` without the `<script>` elements whose `src` is `src`, quoted as
/// written or bare as Trunk's minifier leaves it.
fn without_script(html: &str, src: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find("<script") {
        let Some(end) = rest[at..].find("</script>").map(|e| at + e + "</script>".len()) else { break };
        let tag = &rest[at..end];
        let open = &tag[..tag.find('>').unwrap_or(tag.len())];
        out.push_str(&rest[..at]);
        if attr(open, "src") != Some(src) {
            out.push_str(tag);
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// `text` with what lies between the first `start` and the next `end` replaced.
fn replace_between(text: &str, start: &str, end: &str, with: &str) -> Result<String, String> {
    let from = text.find(start).ok_or_else(|| format!("the bundle's HTML has no {start}"))? + start.len();
    let to = from + text[from..].find(end).ok_or_else(|| format!("the bundle's HTML has no {end} after {start}"))?;
    Ok(format!("{}{with}{}", &text[..from], &text[to..]))
}

/// The `<link>` tags of `shell` (a page the build wrote) for its
/// stylesheet and its icon, as they are, integrity and all.
pub fn head_links(shell: &str) -> String {
    tags(shell, "<link")
        .map(|(start, end)| &shell[start..end])
        .filter(|tag| has_attr(tag, "rel", "stylesheet") || has_attr(tag, "rel", "icon"))
        .collect()
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
        // The path's phases in order, each card with its category, and the progress count's total.
        let phases: Vec<usize> =
            path::PHASES.iter().map(|p| html.find(&format!(": {}</h3>", escape(p.title))).unwrap()).collect();
        assert!(phases.windows(2).all(|w| w[0] < w[1]), "{phases:?}");
        assert!(html.contains(&format!("data-total=\"{}\"", ARTICLES.len())));
        assert!(html.contains(
            "<li class=\"card\" data-slug=\"rate-limiting\"><h4><a href=\"/articles/rate-limiting\">Rate limiting</a></h4>"
        ));
        assert!(html.contains("<p class=\"meta\">Traffic control · <span class=\"difficulty intermediate\">"));
        assert!(html.contains("<span class=\"meta\">With: <a href=\"/widgets/circuit-breaker\">"), "{html}");
    }

    #[test]
    fn an_article_has_its_contents_and_its_place_on_the_path() {
        let a = crate::content::find("retries").unwrap();
        let html = article_html(a);
        // The contents list every `##` section, in order, before the prose.
        let toc = toc(a);
        assert!(
            toc.starts_with(
                "<nav class=\"toc\" aria-labelledby=\"toc-title\"><h2 id=\"toc-title\">On this page</h2><ol>\
             <li><a href=\"#retries-multiply\">Retries multiply</a></li><li><a href=\"#backoff-and-jitter\">"
            ),
            "{toc}"
        );
        assert!(toc.ends_with("<li><a href=\"#sources\">Sources</a></li></ol></nav>"), "{toc}");
        assert!(html.find(&toc).unwrap() < html.find("<div class=\"prose\">").unwrap());
        // Phase 3 of 6, between the circuit breaker and the pipeline.
        assert!(html.contains(&format!(
            " · <a href=\"/#phase-3\">Learning path, phase 3 of {}: Resilience</a></p>",
            path::PHASES.len()
        )));
        assert!(
            html.contains(
                "<nav class=\"path-nav\" aria-label=\"Learning path\"><button type=\"button\" class=\"mark-read\" \
             data-slug=\"retries\" aria-pressed=\"false\" hidden>Mark as read</button>\
             <a class=\"prev\" rel=\"prev\" href=\"/articles/circuit-breaker\"><span class=\"meta\">Previous</span> \
             Circuit breakers</a><a class=\"next\" rel=\"next\" href=\"/articles/resilience-pipeline\">"
            ),
            "{html}"
        );
        // Nested contents: the rate-limiting article's algorithms under their section.
        let toc = super::toc(crate::content::find("rate-limiting").unwrap());
        assert!(toc.contains(
            "<li><a href=\"#the-algorithms-at-a-glance\">The algorithms at a glance</a><ol><li><a href=\"#gcra\">GCRA</a></li>"
        ), "{toc}");
        assert!(toc.contains("</li></ol></li><li><a href=\"#request-cost\">Request cost</a>"), "{toc}");
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
        let not_found = all().into_iter().find(|p| p.path == "404.html").unwrap();
        let page = static_page(&links, &not_found);
        assert!(
            page.starts_with("<!doctype html>") && page.contains("<title>Not found · System Design Playground</title>")
        );
        assert!(page.contains("<main id=\"main\"><section class=\"not-found\">"));
        assert!(page.contains("<select id=\"theme\"><option value=\"auto\">Theme: system</option>"));
        assert!(!page.contains(".wasm") && !page.contains("import init") && !page.contains("modulepreload"));
    }

    #[test]
    fn every_page_has_one_file_and_loads_its_widgets_bundle() {
        let pages = all();
        let mut paths: Vec<&str> = pages.iter().map(|p| p.path.as_str()).collect();
        paths.sort();
        paths.dedup();
        assert_eq!(paths.len(), pages.len());
        let of = |p: &str| pages.iter().find(|q| q.path == p).map(|q| q.kind);
        assert_eq!(of("articles/circuit-breaker/index.html"), Some(Some("circuit-breaker")));
        assert_eq!(of("widgets/rate-limiter/index.html"), Some(Some("rate-limiter")));
        assert_eq!(of("embed/sharding/index.html"), Some(Some("sharding")));
        assert_eq!(of("index.html"), Some(None));
        assert_eq!(pages.len(), 2 + ARTICLES.len() + 2 * crate::scenario::FAMILIES.len());
        for p in &pages {
            // A page's every slot is of its own bundle's kind.
            for slot in p.body.split("data-kind=\"").skip(1) {
                assert_eq!(Some(&slot[..slot.find('"').unwrap()]), p.kind, "{}", p.path);
            }
        }
    }

    #[test]
    fn a_slot_carries_its_blocks_scenario_and_a_broken_block_its_message() {
        let ok =
            WidgetSegment { source: "kind: x", parsed: Ok(("{\"note\":\"</script><b>\"}", "A \"quoted\" <title>")) };
        assert_eq!(
            widget_slot("rate-limiter", &ok),
            format!(
                "<div class=\"widget-slot\" data-kind=\"rate-limiter\" data-mode=\"inline\" data-title=\"A &quot;quoted&quot; &lt;title&gt;\">\
                 <script type=\"application/json\">{{\"note\":\"\\u003c/script>\\u003cb>\"}}</script>{NO_SCRIPT}</div>"
            )
        );
        let broken =
            WidgetSegment { source: "kind: rate-limiter\nrate: <fast>", parsed: Err("line 2: rate must be a number") };
        assert_eq!(
            widget_slot("rate-limiter", &broken),
            "<div class=\"widget-error\" role=\"alert\"><strong>This widget could not start: </strong>line 2: rate must be a number\
             <details><summary>Widget block</summary><pre>kind: rate-limiter\nrate: &lt;fast&gt;</pre></details></div>"
        );
    }

    #[test]
    fn an_articles_page_holds_its_prose_its_slots_and_its_related_articles() {
        let a = crate::content::find("rate-limiting").unwrap();
        let html = article_html(a);
        assert!(html.starts_with("<article class=\"article\"><header class=\"article-header\"><p class=\"meta\">"));
        assert!(html.contains(&format!("<h1>{}</h1>", escape(a.title))));
        let blocks = a.segments.iter().filter(|s| matches!(s, Segment::Widget(_))).count();
        assert_eq!(
            html.matches("<div class=\"widget-slot\" data-kind=\"rate-limiter\" data-mode=\"inline\"").count(),
            blocks
        );
        for s in a.segments {
            if let Segment::Html(h) = s {
                assert!(html.contains(h));
            }
        }
        assert!(html.ends_with("</ul></nav></article>"));
    }

    #[test]
    fn a_bundles_page_takes_the_pages_title_description_and_body() {
        let load =
            "<script type=module>import init from '/p.js';await init({ module_or_path: '/p_bg.wasm' });</script>\
                    <link as=fetch crossorigin href=/p_bg.wasm integrity=sha384-w rel=preload type=application/wasm>";
        let shell = format!(
            "<!doctype html><html lang=en><meta content=\"Old.\" name=description><title>Old</title>{load}</head>\
             <body><script>simd()</script></body></html>"
        );
        let page = Page {
            path: "x".into(),
            kind: Some("rate-limiter"),
            title: "Rate & limits".into(),
            description: "Say \"hi\"".into(),
            body: "<main>m</main>".into(),
        };
        let compile = format!(
            "<link as=fetch crossorigin href=/p_bg.wasm integrity=sha384-w rel=preload type=application/wasm>{}",
            compile_script("/p_bg.wasm", "sha384-w")
        );
        assert_eq!(
            bundle_page(&shell, &page).unwrap(),
            format!(
                "<!doctype html><html lang=en><meta name=\"description\" content=\"Say &quot;hi&quot;\">{compile}<title>Rate &amp; limits</title>\
                 <script type=module>import init from '/p.js';await init({{ module_or_path: window.sdpWasm }});</script></head>\
                 <body><main>m</main><script>simd()</script></body></html>"
            )
        );
        assert!(bundle_page("<title>t</title><body>", &page).unwrap_err().contains("description"));
        // The embed script stays on embed pages only, minified or not.
        let shell = format!(
            "<meta content=\"d\" name=description><title>t</title>{load}<script defer src=/embed.js></script>\
             <script src=\"/embed.js\" defer></script><script defer src=/presenter.js></script><body></body>"
        );
        let html = bundle_page(&shell, &page).unwrap();
        assert!(!html.contains("embed.js") && html.contains("<script defer src=/presenter.js></script>"), "{html}");
        let embed = Page { path: "embed/rate-limiter/index.html".into(), ..page };
        assert_eq!(bundle_page(&shell, &embed).unwrap().matches("embed.js").count(), 2);
    }

    #[test]
    fn the_wasm_compiles_from_the_top_of_the_head_or_the_page_is_refused() {
        // Attributes quoted or bare, in any order; the preload is written
        // anew with `crossorigin`, which a plain `fetch` matches.
        let shell = "<title>t</title><script type=module>init({ module_or_path: '/q_bg.wasm' })</script>\
                     <link type=\"application/wasm\" rel=\"preload\" href=\"/q_bg.wasm\" as=\"fetch\"><link rel=stylesheet href=/s.css>\
                     <body><p>module_or_path: '/q_bg.wasm'</p>";
        let html = early_compile(shell).unwrap();
        let preload = "<link as=fetch crossorigin href=/q_bg.wasm rel=preload type=application/wasm>";
        assert_eq!(
            html,
            format!(
                "{preload}{}<title>t</title><script type=module>init({{ module_or_path: window.sdpWasm }})</script>\
                 <link rel=stylesheet href=/s.css><body><p>module_or_path: '/q_bg.wasm'</p>",
                compile_script("/q_bg.wasm", "")
            )
        );
        // The script: one request, checked, compiled as it streams, from its
        // bytes when sent as another type, or handed over whole; its failure
        // is init's to report.
        let script = compile_script("/q_bg.wasm", "sha384-x");
        assert!(script.starts_with(
            "<script>(()=>{let w=window.WebAssembly,u=\"/q_bg.wasm\",f=()=>fetch(u,{integrity:\"sha384-x\"}),"
        ));
        assert_eq!(script.matches("f()").count(), 2, "one fetch on either branch: {script}");
        for part in [
            "if(!r.ok)throw",
            "w.compileStreaming(r)",
            "==\"application/wasm\")throw e",
            "r.arrayBuffer()",
            ":f();",
            "p.catch(()=>{})",
        ] {
            assert!(script.contains(part), "{part}: {script}");
        }
        // No preload, a glue starting another file, or an integrity it cannot
        // read: the build changed shape, and the site is not written.
        assert!(early_compile("<title>t</title><script type=module>init({ module_or_path: '/q_bg.wasm' })</script>")
            .unwrap_err()
            .contains("does not preload"));
        let other = shell.replace("module_or_path: '/q_bg.wasm' })", "module_or_path: '/r_bg.wasm' })");
        assert!(early_compile(&other).unwrap_err().contains("does not start its wasm from /q_bg.wasm"));
        let odd = shell.replace("as=\"fetch\"", "integrity as=\"fetch\"");
        assert!(early_compile(&odd).unwrap_err().contains("integrity it cannot read"));
        // An attribute's name inside another's value is not the attribute.
        assert_eq!(attr("<link data-x=\"href=no\" href=/yes>", "href"), Some("/yes"));
        assert_eq!(attr("<link xhref=/no>", "href"), None);
    }
}
