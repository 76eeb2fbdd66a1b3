//! The article catalog: every article in `articles/`, rendered to HTML
//! segments and widget blocks by `build.rs` at compile time.

pub mod front_matter;
pub mod pages;

/// Separates the HTML segments in an article's content file.
pub const SEGMENT_SEPARATOR: &str = "\n<!-- widget -->\n";

/// One piece of an article: rendered HTML, or a widget block.
///
/// In the wasm build the HTML is empty: the app fetches it from
/// `content/<slug>.html` (see [`content_file`]), so articles do not weigh on
/// the code every page downloads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Segment {
    Html(&'static str),
    Widget(WidgetSegment),
}

/// A widget block as the build script parsed it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WidgetSegment {
    /// The block's text (kept in the wasm only for broken blocks).
    pub source: &'static str,
    /// The starting scenario as JSON and the caption (empty for none), or the
    /// parser's message for a broken block.
    pub parsed: Result<(&'static str, &'static str), &'static str>,
}

/// An article as compiled into the app.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Article {
    pub slug: &'static str,
    pub title: &'static str,
    pub summary: &'static str,
    pub category: &'static str,
    pub difficulty: &'static str,
    pub related: &'static [&'static str],
    pub widgets: &'static [&'static str],
    /// Every link destination in the body, for the link checker (empty in the wasm build).
    pub links: &'static [&'static str],
    pub words: usize,
    pub segments: &'static [Segment],
}

/// All articles, sorted by file name.
pub static ARTICLES: &[Article] = include!(concat!(env!("OUT_DIR"), "/articles.rs"));

/// The article with this slug.
pub fn find(slug: &str) -> Option<&'static Article> {
    ARTICLES.iter().find(|a| a.slug == slug)
}

/// The articles related to `a` both ways: those its front matter names, in
/// its order, then those that name it, in catalog order.
pub fn related(a: &Article) -> Vec<&'static Article> {
    let mut out: Vec<&'static Article> = a.related.iter().filter_map(|s| find(s)).collect();
    for b in ARTICLES {
        if b.related.contains(&a.slug) && !out.iter().any(|r| r.slug == b.slug) {
            out.push(b);
        }
    }
    out
}

/// Articles grouped by category, categories in first-seen order.
pub fn by_category() -> Vec<(&'static str, Vec<&'static Article>)> {
    let mut groups: Vec<(&'static str, Vec<&'static Article>)> = Vec::new();
    for a in ARTICLES {
        match groups.iter_mut().find(|(c, _)| *c == a.category) {
            Some((_, list)) => list.push(a),
            None => groups.push((a.category, vec![a])),
        }
    }
    groups
}

/// Every page of the built site with a file of its own, as its path under
/// the site root, and the widget kind its bundle must hold (`None`: any
/// bundle shows it). `sdp site` writes one HTML file per page, each loading
/// the bundle of its kind, so a static host serves every page the code it
/// needs; `404.html` takes any other path to the not-found page.
pub fn pages() -> Vec<(String, Option<&'static str>)> {
    let mut pages = vec![("index.html".to_string(), None), ("404.html".to_string(), None)];
    for a in ARTICLES {
        pages.push((format!("articles/{}/index.html", a.slug), a.widgets.first().copied()));
    }
    for w in crate::scenario::FAMILIES {
        pages.push((format!("widgets/{}/index.html", w.kind), Some(w.kind)));
        pages.push((format!("embed/{}/index.html", w.kind), Some(w.kind)));
    }
    pages
}

/// Reading time in minutes at 230 words a minute, at least 1.
pub fn reading_minutes(a: &Article) -> usize {
    a.words.div_ceil(230).max(1)
}

/// The content file of an article: its HTML segments in order, joined by
/// [`SEGMENT_SEPARATOR`]. Written to `dist/content/<slug>.html` by
/// `sdp content dist`.
pub fn content_file(a: &Article) -> String {
    let parts: Vec<&str> =
        a.segments.iter().filter_map(|s| if let Segment::Html(h) = s { Some(*h) } else { None }).collect();
    parts.join(SEGMENT_SEPARATOR)
}

/// Splits a content file back into its HTML segments.
pub fn split_content(file: &str) -> Vec<&str> {
    file.split(SEGMENT_SEPARATOR).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_page_has_one_file_and_names_a_known_widget() {
        let pages = pages();
        let mut paths: Vec<&str> = pages.iter().map(|(p, _)| p.as_str()).collect();
        paths.sort();
        paths.dedup();
        assert_eq!(paths.len(), pages.len());
        assert!(paths.contains(&"articles/rate-limiting/index.html"));
        assert!(paths.contains(&"embed/circuit-breaker/index.html"));
        for (path, kind) in &pages {
            if let Some(k) = kind {
                assert!(crate::scenario::family(k).is_some(), "{path} needs unknown widget {k}");
            }
        }
        let of = |p: &str| pages.iter().find(|(q, _)| q == p).map(|(_, k)| *k);
        assert_eq!(of("articles/circuit-breaker/index.html"), Some(Some("circuit-breaker")));
        assert_eq!(of("widgets/rate-limiter/index.html"), Some(Some("rate-limiter")));
        assert_eq!(of("index.html"), Some(None));
    }

    #[test]
    fn content_files_round_trip() {
        for a in ARTICLES {
            let file = content_file(a);
            let html: Vec<&str> =
                a.segments.iter().filter_map(|s| if let Segment::Html(h) = s { Some(*h) } else { None }).collect();
            assert_eq!(split_content(&file), html, "{}", a.slug);
            assert!(html.iter().all(|h| !h.contains(SEGMENT_SEPARATOR)));
        }
    }
}
