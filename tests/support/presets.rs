//! The digest of every preset of every family and of every article's widget
//! blocks, shared by the native test (`tests/scenario.rs`) and the browser
//! test (`tests/web.rs`): one line per preset with the xxHash64 of its
//! compact and indented JSON, its link, its run as JSON and its run as CSV,
//! and one line per article block with the hash of what the build script
//! parsed. `tests/fixtures/presets.digest` holds the committed lines.

use playground::scenario::{presets, url, Scenario};

fn h(text: &str) -> String {
    format!("{:016x}", xxhash_rust::xxh64::xxh64(text.as_bytes(), 0))
}

/// One preset's line; also checks that it validates and round-trips
/// through JSON and through a link.
pub fn preset_line(kind: &str, name: &str, s: &Scenario) -> String {
    s.validate().unwrap_or_else(|e| panic!("{kind} {name}: {e}"));
    assert_eq!(&Scenario::from_json(&s.to_json()).unwrap(), s, "{kind} {name}: JSON round trip");
    assert_eq!(&Scenario::from_json(&s.to_json_pretty()).unwrap(), s, "{kind} {name}: indented JSON round trip");
    let link = url::encode(s);
    assert_eq!(&url::decode(&link).unwrap(), s, "{kind} {name}: link round trip");
    let run = s.run_json().unwrap_or_else(|e| panic!("{kind} {name}: {e}"));
    let csv = s.run_csv().unwrap_or_else(|e| panic!("{kind} {name}: {e}"));
    format!("{kind} {name} {} {} {} {} {}", h(&s.to_json()), h(&s.to_json_pretty()), h(&link), h(&run), h(&csv))
}

/// Every preset's line, family by family in registry order.
pub fn preset_lines() -> Vec<String> {
    presets::all().into_iter().map(|(kind, name, s)| preset_line(kind, name, &s)).collect()
}

/// Every article widget block's line: the hash of the scenario JSON and
/// caption the build script made of it (or of its message).
pub fn block_lines() -> Vec<String> {
    let mut out = Vec::new();
    for a in playground::content::ARTICLES {
        let blocks = a.segments.iter().filter_map(|s| match s {
            playground::content::Segment::Widget(w) => Some(w.parsed),
            _ => None,
        });
        for (i, parsed) in blocks.enumerate() {
            let text = match parsed {
                Ok((json, title)) => format!("{json}\n{title}"),
                Err(e) => format!("error: {e}"),
            };
            out.push(format!("block {} {} {}", a.slug, i + 1, h(&text)));
        }
    }
    out
}
