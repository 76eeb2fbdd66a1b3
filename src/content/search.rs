//! The search index `sdp site` writes to `/search.json`: one entry per
//! article (its title, its summary and the prose before its first heading),
//! per section of an article (its heading and its prose as plain text) and
//! per widget, which `www/site.js` fetches the first time a reader uses the
//! search box and searches in the page.

use super::{Article, Segment, ARTICLES};
use crate::scenario::json;

/// One searchable entry: where it links, the article's (or widget's)
/// title, the section's heading (empty for the article itself) and its text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub u: String,
    pub a: String,
    pub h: String,
    pub t: String,
}

json::object!(write Entry { u, a, h, t });

/// Every entry: each article, then its sections in order, then each widget.
pub fn entries() -> Vec<Entry> {
    let mut out = Vec::new();
    for a in ARTICLES {
        // The article's own entry: its summary, then the prose before its first heading.
        let mut t = a.summary.to_string();
        let mut sections = sections(a).into_iter().peekable();
        if let Some((_, _, intro)) = sections.next_if(|(id, _, _)| id.is_empty()) {
            t.push(' ');
            t.push_str(&intro);
        }
        out.push(Entry { u: format!("/articles/{}", a.slug), a: a.title.into(), h: String::new(), t });
        for (id, heading, text) in sections {
            out.push(Entry { u: format!("/articles/{}#{id}", a.slug), a: a.title.into(), h: heading, t: text });
        }
    }
    for w in crate::scenario::FAMILIES {
        out.push(Entry { u: format!("/widgets/{}", w.kind), a: w.title.into(), h: String::new(), t: w.summary.into() });
    }
    out
}

/// The index as JSON.
pub fn json() -> String {
    json::to_string(&entries())
}

/// An article's sections: each `##` or `###` heading's anchor and text, and
/// the plain text of the prose under it up to the next such heading. The
/// prose before the first heading belongs to the article's own entry's
/// section with an empty anchor and heading.
pub fn sections(a: &Article) -> Vec<(String, String, String)> {
    let html: String =
        a.segments.iter().filter_map(|s| if let Segment::Html(h) = s { Some(*h) } else { None }).collect();
    let mut out = Vec::new();
    let mut rest = html.as_str();
    let mut current: (String, String) = (String::new(), String::new());
    loop {
        let next = a
            .headings
            .iter()
            .filter_map(|h| rest.find(&format!(" id=\"{}\">", h.id)).map(|at| (at, h)))
            .min_by_key(|(at, _)| *at);
        let Some((at, h)) = next else {
            push_section(&mut out, current, rest);
            break;
        };
        // The heading's element starts at the `<h` before its id.
        let start = rest[..at].rfind("<h").unwrap_or(at);
        push_section(&mut out, current, &rest[..start]);
        let close = rest[at..].find("</h").map_or(rest.len(), |e| at + e);
        let end = rest[close..].find('>').map_or(rest.len(), |e| close + e + 1);
        current = (h.id.to_string(), h.text.to_string());
        rest = &rest[end..];
    }
    out
}

fn push_section(out: &mut Vec<(String, String, String)>, (id, heading): (String, String), html: &str) {
    let text = plain(html);
    if !text.is_empty() || !heading.is_empty() {
        out.push((id, heading, text));
    }
}

/// The text of an HTML fragment: its tags removed, its entities decoded and
/// its whitespace collapsed.
pub fn plain(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                text.push(' ');
            }
            '>' if in_tag => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    let text = text
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() && !matches!(word.chars().next(), Some('.' | ',' | ';' | ':' | ')' | '?' | '!')) {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}
