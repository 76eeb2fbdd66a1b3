//! Every article: front matter, internal links, related articles and widget
//! blocks. A broken article fails here (and shows an error box in the page).

use playground::content::{self, Segment, ARTICLES};
use playground::scenario::{block, Scenario};

#[test]
fn there_are_articles() {
    assert!(content::find("rate-limiting").is_some(), "the rate-limiting article is missing");
}

#[test]
fn front_matter_is_complete() {
    for a in ARTICLES {
        assert!(!a.title.is_empty() && !a.category.is_empty(), "{}", a.slug);
        assert!(a.summary.len() <= 200, "{}: summary is {} characters; keep it under 200", a.slug, a.summary.len());
        assert!(a.words >= 300, "{}: only {} words", a.slug, a.words);
        for r in a.related {
            assert!(content::find(r).is_some(), "{}: related article `{r}` does not exist", a.slug);
            assert_ne!(*r, a.slug, "{}: an article cannot be related to itself", a.slug);
        }
    }
}

#[test]
fn every_widget_block_parses_and_is_declared() {
    for a in ARTICLES {
        let mut kinds = Vec::new();
        for s in a.segments {
            if let Segment::Widget(w) = s {
                let b = block::parse(w.source)
                    .unwrap_or_else(|e| panic!("{}: broken widget block: {e}\n{}", a.slug, w.source));
                // The build script made the same scenario the parser makes here.
                let (json, title) = w.parsed.unwrap();
                assert_eq!(Scenario::from_json(json).unwrap(), b.scenario, "{}", a.slug);
                assert_eq!(title, b.title.as_deref().unwrap_or_default());
                kinds.push(b.scenario.widget());
            }
        }
        for k in &kinds {
            assert!(a.widgets.contains(k), "{}: uses widget `{k}` but its front matter does not list it", a.slug);
        }
        for w in a.widgets {
            assert!(kinds.contains(w), "{}: lists widget `{w}` but has no block for it", a.slug);
            assert!(playground::scenario::family(w).is_some(), "{}: unknown widget `{w}`", a.slug);
        }
    }
}

/// Internal links point at a route that exists; external ones are https.
#[test]
fn links_resolve() {
    for a in ARTICLES {
        for link in a.links {
            if let Some(path) = link.strip_prefix('/') {
                let path = path.split(['?', '#']).next().unwrap_or_default();
                let ok = match path.split('/').collect::<Vec<_>>().as_slice() {
                    [""] => true,
                    ["articles", slug] => content::find(slug).is_some(),
                    ["widgets" | "embed", kind] => playground::scenario::family(kind).is_some(),
                    _ => false,
                };
                assert!(ok, "{}: link `{link}` goes nowhere", a.slug);
            } else if let Some(anchor) = link.strip_prefix('#') {
                let html: String =
                    a.segments.iter().filter_map(|s| if let Segment::Html(h) = s { Some(*h) } else { None }).collect();
                assert!(html.contains(&format!("id=\"{anchor}\"")), "{}: anchor `{link}` does not exist", a.slug);
            } else {
                assert!(link.starts_with("https://"), "{}: link `{link}` should be https or internal", a.slug);
            }
        }
    }
}

/// A broken block is reported, not rendered blank: the same parser the page
/// uses returns an error message for it.
#[test]
fn a_broken_block_is_an_error() {
    let e = block::parse("kind: rate-limiter\nalgorithms: token-bukket").unwrap_err();
    assert!(e.contains("unknown algorithm `token-bukket`"), "{e}");
}

/// Every article puts a "Try this" prompt beside each of its widgets.
#[test]
fn every_widget_has_a_try_this_prompt() {
    for a in content::ARTICLES {
        let mut waiting = false;
        for s in a.segments {
            match s {
                Segment::Widget(_) => {
                    assert!(!waiting, "{}: two widgets in a row without a Try this prompt between them", a.slug);
                    waiting = true;
                }
                Segment::Html(h) if h.contains("Try this") => waiting = false,
                Segment::Html(_) => {}
            }
        }
        assert!(!waiting, "{}: its last widget has no Try this prompt", a.slug);
    }
}

#[test]
fn the_consistent_hashing_article_shows_every_placement() {
    let a = content::find("consistent-hashing").unwrap();
    let blocks: Vec<Scenario> = a
        .segments
        .iter()
        .filter_map(|s| match s {
            Segment::Widget(w) => Some(Scenario::from_json(w.parsed.unwrap().0).unwrap()),
            _ => None,
        })
        .collect();
    assert!(blocks.len() >= 6, "only {} widgets", blocks.len());
    let mut names: Vec<&str> = blocks
        .iter()
        .flat_map(|s| match s {
            Scenario::HashRing(h) => h.placements.iter().map(|v| v.name()).collect::<Vec<_>>(),
            _ => vec![],
        })
        .collect();
    names.sort();
    names.dedup();
    assert_eq!(names, ["bounded-loads", "jump", "ketama", "maglev", "modulo", "rendezvous", "ring"]);
}

#[test]
fn the_rate_limiting_article_has_try_this_prompts_beside_its_widgets() {
    let a = content::find("rate-limiting").unwrap();
    let blocks = a.segments.iter().filter(|s| matches!(s, Segment::Widget(_))).count();
    let prompts: usize = a
        .segments
        .iter()
        .filter_map(|s| if let Segment::Html(h) = s { Some(h.matches("Try this").count()) } else { None })
        .sum();
    assert!(blocks >= 4, "only {blocks} widgets");
    assert!(prompts >= blocks, "{prompts} try-this prompts for {blocks} widgets");
    // The boundary-burst preset is shown, as the article promises.
    assert!(a.segments.iter().any(|s| matches!(s, Segment::Widget(w) if w.source.contains("boundary-burst"))));
}

/// Every article ends with its sources: a "Sources" section, last, listing
/// at least three references.
#[test]
fn every_article_ends_with_its_sources() {
    for a in ARTICLES {
        let html = content::prose(a);
        let at = html.find("<h2 id=\"sources\">").unwrap_or_else(|| panic!("{}: no Sources section", a.slug));
        let rest = &html[at..];
        assert!(!rest[4..].contains("<h2"), "{}: Sources is not the last section", a.slug);
        let items = rest.matches("<li>").count();
        assert!(items >= 3, "{}: Sources lists {items} references", a.slug);
    }
}

/// A link between related articles shows from both ends.
#[test]
fn related_articles_link_both_ways() {
    for a in ARTICLES {
        for r in content::related(a) {
            assert!(
                content::related(r).iter().any(|b| b.slug == a.slug),
                "{} lists {} as related, but not the other way",
                a.slug,
                r.slug
            );
        }
    }
    // Consistent hashing names no article; the two that name it list it back.
    let ring: Vec<&str> =
        content::related(content::find("consistent-hashing").unwrap()).iter().map(|a| a.slug).collect();
    assert!(ring.contains(&"database-sharding") && ring.contains(&"caching"), "{ring:?}");
}

/// The `redis.conf` the eviction article shows is the Redis LFU lane its
/// widgets run: each directive maps onto the engine's policy.
#[test]
fn the_eviction_articles_redis_conf_is_its_widgets_policy() {
    use playground::sim::caching::{presets::preset, Policy};
    let text = std::fs::read_to_string("articles/caching.md").unwrap();
    let start = text.find("```conf\n").expect("a conf block") + "```conf\n".len();
    let conf = &text[start..start + text[start..].find("```").unwrap()];
    let (mut samples, mut log_factor, mut decay_minutes, mut policy) = (5, 10, 1, "");
    for line in conf.lines() {
        let (directive, value) = line.split_once(' ').unwrap();
        match directive {
            "maxmemory" => assert!(value.ends_with("gb")),
            "maxmemory-policy" => policy = value,
            "maxmemory-samples" => samples = value.parse().unwrap(),
            "lfu-log-factor" => log_factor = value.parse().unwrap(),
            "lfu-decay-time" => decay_minutes = value.parse().unwrap(),
            other => panic!("`{other}` is not an eviction directive the engine models"),
        }
    }
    assert_eq!(policy, "allkeys-lfu");
    let conf_policy = Policy::RedisLfu { samples, log_factor, decay_minutes };
    for name in ["zipf", "scan", "shifting"] {
        assert!(preset(name).unwrap().policies.contains(&conf_policy), "{name}");
    }
}
