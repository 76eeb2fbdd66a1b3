//! The article catalog: every article in `articles/`, rendered to HTML
//! segments and widget blocks by `build.rs` at compile time, and the pages
//! of the site `sdp site` writes from it ([`pages`]). The web app never
//! calls it: it mounts widgets into pages that already hold their prose.

pub mod diagram;
pub mod front_matter;
pub mod highlight;
pub mod pages;
pub mod path;
pub mod search;

/// One piece of an article: rendered HTML, or a widget block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Segment {
    Html(&'static str),
    Widget(WidgetSegment),
}

/// A widget block as the build script parsed it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WidgetSegment {
    /// The block's text, shown beside the message when it is broken.
    pub source: &'static str,
    /// The starting scenario as JSON and the caption (empty for none), or the
    /// parser's message for a broken block.
    pub parsed: Result<(&'static str, &'static str), &'static str>,
}

/// A section heading of an article: its level (2 or 3), its anchor and its text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Heading {
    pub level: u8,
    pub id: &'static str,
    pub text: &'static str,
}

/// An article as the build script rendered it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Article {
    pub slug: &'static str,
    pub title: &'static str,
    pub summary: &'static str,
    pub category: &'static str,
    pub difficulty: &'static str,
    pub related: &'static [&'static str],
    pub widgets: &'static [&'static str],
    /// Every link destination in the body, for the link checker.
    pub links: &'static [&'static str],
    /// Its `##` and `###` headings, in order, for the table of contents.
    pub headings: &'static [Heading],
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

/// Reading time in minutes at 230 words a minute, at least 1.
pub fn reading_minutes(a: &Article) -> usize {
    a.words.div_ceil(230).max(1)
}

/// The article's prose: its HTML segments in order, without its widgets.
pub fn prose(a: &Article) -> String {
    a.segments.iter().filter_map(|s| if let Segment::Html(h) = s { Some(*h) } else { None }).collect()
}
