//! Renders every article in `articles/` to HTML at build time, so the
//! Markdown parser stays out of the wasm and a broken article is a build
//! error. Each article becomes a list of segments: HTML, or a fenced `widget`
//! block, parsed here with the crate's own block parser into scenario JSON (or
//! the parser's error, which the page shows in place of the widget and
//! `tests/articles.rs` turns into a failure).

#[allow(dead_code)]
#[path = "src/content/diagram.rs"]
mod diagram;
#[path = "src/content/front_matter.rs"]
mod front_matter;
#[allow(dead_code)]
#[path = "src/content/highlight.rs"]
mod highlight;
// The scenario code the app uses, compiled into the build script too.
#[allow(dead_code)]
#[path = "src/scenario/mod.rs"]
mod scenario;
#[allow(dead_code)]
#[path = "src/sim/mod.rs"]
mod sim;

use pulldown_cmark::{html, CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use std::fmt::Write as _;
use std::path::Path;

enum Segment {
    Html(String),
    Widget(String),
}

fn slugify(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// Renders an article's body to segments, recording every link destination
/// in `links` and every `##` and `###` heading (level, id, text) in `headings`.
/// Code blocks are highlighted here ([`highlight`]) and `diagram` blocks
/// drawn ([`diagram`]); a block in a language it does not know, or a broken
/// diagram, is an error.
fn render(
    body: &str,
    links: &mut Vec<String>,
    headings: &mut Vec<(u8, String, String)>,
) -> Result<Vec<Segment>, String> {
    let mut opts = Options::empty();
    opts.insert(Options::ENABLE_TABLES);
    opts.insert(Options::ENABLE_STRIKETHROUGH);
    opts.insert(Options::ENABLE_SMART_PUNCTUATION);
    let mut segments = Vec::new();
    let mut pending: Vec<Event> = Vec::new();
    let mut widget: Option<String> = None;
    let mut code: Option<(String, String)> = None;
    let mut diagrams = 0;
    let mut heading: Option<(HeadingLevel, Vec<Event>)> = None;
    // The page's own ids (its header, search box, contents) are taken.
    let mut ids: Vec<String> =
        ["main", "search", "search-results", "search-status", "theme", "toc-title"].map(String::from).to_vec();
    let flush = |pending: &mut Vec<Event>, segments: &mut Vec<Segment>| {
        if !pending.is_empty() {
            let mut s = String::new();
            html::push_html(&mut s, pending.drain(..));
            segments.push(Segment::Html(s));
        }
    };
    for event in Parser::new_ext(body, opts) {
        if let Some(text) = widget.as_mut() {
            match event {
                Event::Text(t) => text.push_str(&t),
                Event::End(TagEnd::CodeBlock) => {
                    flush(&mut pending, &mut segments);
                    segments.push(Segment::Widget(widget.take().unwrap()));
                }
                _ => {}
            }
            continue;
        }
        if let Some((lang, text)) = code.as_mut() {
            match event {
                Event::Text(t) => text.push_str(&t),
                Event::End(TagEnd::CodeBlock) => {
                    let html = if lang == "diagram" {
                        diagrams += 1;
                        diagram::render(text, diagrams)?
                    } else {
                        highlight::block(lang, text)?
                    };
                    pending.push(Event::Html(CowStr::from(html)));
                    code = None;
                }
                _ => {}
            }
            continue;
        }
        if let Some((level, inner)) = heading.as_mut() {
            if let Event::End(TagEnd::Heading(_)) = event {
                let text: String = inner
                    .iter()
                    .filter_map(|e| match e {
                        Event::Text(t) | Event::Code(t) => Some(t.to_string()),
                        _ => None,
                    })
                    .collect();
                let mut id = slugify(&text);
                while ids.contains(&id) {
                    id.push('-');
                }
                ids.push(id.clone());
                let n = *level as usize;
                if n == 2 || n == 3 {
                    headings.push((n as u8, id.clone(), text.clone()));
                }
                let mut inner_html = String::new();
                html::push_html(&mut inner_html, inner.drain(..));
                pending.push(Event::Html(CowStr::from(format!(
                    "<h{n} id=\"{id}\">{inner_html}<a class=\"anchor\" href=\"#{id}\" aria-label=\"Link to this section\">#</a></h{n}>\n"
                ))));
                heading = None;
            } else {
                inner.push(event);
            }
            continue;
        }
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(ref lang))) if lang.trim() == "widget" => {
                widget = Some(String::new());
            }
            Event::Start(Tag::CodeBlock(ref kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(lang) => lang.split_whitespace().next().unwrap_or_default().to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                code = Some((lang, String::new()));
            }
            Event::Start(Tag::Heading { level, .. }) => heading = Some((level, Vec::new())),
            Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
                // `preset:<widget>/<name>` opens that widget's page on that preset.
                let dest_url = match dest_url.strip_prefix("preset:") {
                    Some(spec) => {
                        let (kind, name) = spec
                            .split_once('/')
                            .ok_or_else(|| format!("link `{dest_url}`: expected preset:<widget>/<name>"))?;
                        let preset = scenario::presets::named(kind, name)
                            .ok_or_else(|| format!("link `{dest_url}`: no {kind} preset `{name}`"))?;
                        CowStr::from(format!("/widgets/{kind}?s={}", scenario::url::encode(&preset)))
                    }
                    None => dest_url,
                };
                links.push(dest_url.to_string());
                pending.push(Event::Start(Tag::Link { link_type, dest_url, title, id }));
            }
            e => pending.push(e),
        }
    }
    flush(&mut pending, &mut segments);
    Ok(segments)
}

fn main() {
    println!("cargo:rerun-if-changed=articles");
    println!("cargo:rerun-if-changed=src/content/front_matter.rs");
    println!("cargo:rerun-if-changed=src/content/highlight.rs");
    println!("cargo:rerun-if-changed=src/content/diagram.rs");
    println!("cargo:rerun-if-changed=src/scenario");
    println!("cargo:rerun-if-changed=src/sim");
    let dir = Path::new("articles");
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .expect("articles/ exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    paths.sort();
    let mut out = String::from("// Generated by build.rs from articles/*.md. Do not edit.\n&[\n");
    for path in paths {
        println!("cargo:rerun-if-changed={}", path.display());
        let slug = path.file_stem().unwrap().to_string_lossy().to_string();
        let doc = std::fs::read_to_string(&path).expect("article is readable UTF-8");
        let (fm, body) = match front_matter::split(&doc) {
            Ok(x) => x,
            Err(e) => panic!("{}: {e}", path.display()),
        };
        // Each page loads one bundle, which holds one widget family (see
        // ARCHITECTURE.md), so an article shows widgets of at most one kind.
        if fm.widgets.len() > 1 {
            panic!("{}: `widgets:` lists {:?}; an article may use one widget kind", path.display(), fm.widgets);
        }
        let mut links = Vec::new();
        let mut headings = Vec::new();
        let segments = render(body, &mut links, &mut headings).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let words = body.split_whitespace().count();
        write!(
            out,
            "Article {{ slug: {slug:?}, title: {:?}, summary: {:?}, category: {:?}, difficulty: {:?}, related: &{:?}, widgets: &{:?}, links: &{links:?}, headings: &[{}], words: {words}, segments: &[",
            fm.title,
            fm.summary,
            fm.category,
            fm.difficulty,
            fm.related,
            fm.widgets,
            headings
                .iter()
                .map(|(level, id, text)| format!("Heading {{ level: {level}, id: {id:?}, text: {text:?} }}"))
                .collect::<Vec<_>>()
                .join(", ")
        )
        .unwrap();
        for s in segments {
            match s {
                Segment::Html(h) => write!(out, "Segment::Html({h:?}),").unwrap(),
                Segment::Widget(w) => {
                    let parsed = match scenario::block::parse(&w) {
                        Ok(b) if !fm.widgets.iter().any(|k| k == b.scenario.widget()) => panic!(
                            "{}: a {} block, but the front matter's `widgets:` does not list it",
                            path.display(),
                            b.scenario.widget()
                        ),
                        Ok(b) => format!("Ok(({:?}, {:?}))", b.scenario.to_json(), b.title.unwrap_or_default()),
                        Err(e) => format!("Err({e:?})"),
                    };
                    write!(out, "Segment::Widget(WidgetSegment {{ source: {w:?}, parsed: {parsed} }}),").unwrap()
                }
            }
        }
        out.push_str("] },\n");
    }
    out.push(']');
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("articles.rs");
    std::fs::write(dest, out).unwrap();
    widget_styles();
}

/// Writes each widget folder's `style.css` to `$OUT_DIR/<module>.css`
/// without its comments and spare whitespace (an empty file for a folder
/// without one), for `sdp styles` to put into the pages of that family's
/// bundle only (see `widgets::style`).
fn widget_styles() {
    // A new widget folder also adds a registry line under src/scenario,
    // which is watched; each stylesheet is watched below.
    let out = Path::new(&std::env::var("OUT_DIR").unwrap()).to_path_buf();
    for entry in std::fs::read_dir("src/widgets").expect("src/widgets exists").filter_map(Result::ok) {
        if !entry.path().is_dir() {
            continue;
        }
        let path = entry.path().join("style.css");
        println!("cargo:rerun-if-changed={}", path.display());
        let css = std::fs::read_to_string(&path).map(|c| minify_css(&c)).unwrap_or_default();
        let module = entry.file_name().to_string_lossy().to_string();
        std::fs::write(out.join(format!("{module}.css")), css).unwrap();
    }
}

/// `css` without comments, with each run of whitespace one space and none
/// beside braces and semicolons or after colons and commas (a colon
/// followed by a space ends a property's name; in a selector, a
/// pseudo-class's colon has nothing after it to take).
fn minify_css(css: &str) -> String {
    let mut text = String::new();
    let mut rest = css;
    while let Some(start) = rest.find("/*") {
        text.push_str(&rest[..start]);
        let end = rest[start..].find("*/").map_or(rest.len(), |e| start + e + 2);
        rest = &rest[end..];
    }
    text.push_str(rest);
    let mut out = String::new();
    for word in text.split_whitespace() {
        let glued = out.ends_with(['{', '}', ';', ':', ',']) || word.starts_with(['{', '}']);
        if !out.is_empty() && !glued {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}
