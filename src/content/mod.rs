//! The article catalog: every article in `articles/`, rendered to HTML
//! segments and widget blocks by `build.rs` at compile time.

pub mod front_matter;

/// One piece of an article: rendered HTML, or a widget block's raw text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Segment {
    Html(&'static str),
    Widget(&'static str),
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
    /// Every link destination in the body, for the link checker.
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

/// Reading time in minutes at 230 words a minute, at least 1.
pub fn reading_minutes(a: &Article) -> usize {
    a.words.div_ceil(230).max(1)
}
