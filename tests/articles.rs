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

/// The learning path holds every article exactly once, each phase with a
/// goal and a project, and the previous and next links follow its order.
#[test]
fn the_learning_path_holds_every_article_once() {
    use content::path::{neighbours, order, phase_of, PHASES};
    for a in ARTICLES {
        let phases: Vec<&str> = PHASES.iter().filter(|p| p.articles.contains(&a.slug)).map(|p| p.title).collect();
        assert_eq!(phases.len(), 1, "{} is in phases {phases:?}", a.slug);
        assert_eq!(PHASES.iter().flat_map(|p| p.articles.iter()).filter(|s| **s == a.slug).count(), 1, "{}", a.slug);
    }
    for p in PHASES {
        assert!(!p.articles.is_empty() && p.goal.len() > 40 && p.project.len() > 40, "{}", p.title);
        for s in p.articles {
            assert!(content::find(s).is_some(), "phase {}: no article `{s}`", p.title);
        }
    }
    let order = order();
    assert_eq!(order.len(), ARTICLES.len());
    assert_eq!(order[0].slug, "load-balancing");
    for (i, a) in order.iter().enumerate() {
        let (prev, next) = neighbours(a.slug);
        assert_eq!(prev.map(|p| p.slug), i.checked_sub(1).map(|j| order[j].slug));
        assert_eq!(next.map(|n| n.slug), order.get(i + 1).map(|n| n.slug));
    }
    assert_eq!(phase_of("retries").map(|(i, p)| (i, p.title)), Some((2, "Resilience")));
    assert_eq!(neighbours("no-such-article"), (None, None));
}

/// Every article has contents: its headings in order, each an anchor of its prose.
#[test]
fn every_article_has_contents() {
    for a in ARTICLES {
        assert!(a.headings.len() >= 4, "{}: {} headings", a.slug, a.headings.len());
        assert_eq!(a.headings.first().map(|h| h.level), Some(2), "{}", a.slug);
        let html = content::prose(a);
        let mut at = 0;
        for h in a.headings {
            let found = html[at..].find(&format!("<h{} id=\"{}\">", h.level, h.id));
            assert!(found.is_some(), "{}: heading `{}` is not in order in the prose", a.slug, h.id);
            at += found.unwrap();
        }
        assert_eq!(a.headings.last().map(|h| h.text), Some("Sources"), "{}", a.slug);
    }
}

/// The search index has an entry per article, per section and per widget,
/// and finds each article by a word from the middle of its prose.
#[test]
fn the_search_index_covers_every_section() {
    use content::search::{entries, plain, sections};
    let index = entries();
    assert_eq!(
        index.len(),
        ARTICLES.len()
            + ARTICLES.iter().map(|a| sections(a).iter().filter(|(id, _, _)| !id.is_empty()).count()).sum::<usize>()
            + playground::scenario::FAMILIES.len()
    );
    for a in ARTICLES {
        let secs = sections(a);
        let headed: Vec<&str> = secs.iter().filter(|(id, _, _)| !id.is_empty()).map(|(id, _, _)| id.as_str()).collect();
        let ids: Vec<&str> = a.headings.iter().map(|h| h.id).collect();
        assert_eq!(headed, ids, "{}", a.slug);
        // All the prose's words are in the sections, and no tag or anchor mark is.
        let words: usize = secs.iter().map(|(_, _, t)| t.split_whitespace().count()).sum();
        assert!(words * 10 >= a.words * 8, "{}: {words} of {} words indexed", a.slug, a.words);
        for (_, _, t) in &secs {
            assert!(!t.contains('<') || !t.contains("</"), "{}: a tag in {t}", a.slug);
        }
        let (id, heading, text) = &secs[secs.len() / 2];
        let word = text.split_whitespace().rfind(|w| w.len() > 6).unwrap();
        let hit = index.iter().find(|e| e.t.contains(word) && e.u == format!("/articles/{}#{id}", a.slug));
        assert!(hit.is_some_and(|e| e.h == *heading && e.a == a.title), "{}: `{word}` not found", a.slug);
    }
    assert_eq!(plain("<p>A <code>b</code>, c &amp; d &lt;e&gt;.</p>\n<p>F</p>"), "A b, c & d <e>. F");
    let json = content::search::json();
    assert!(
        json.starts_with(
            "[{\"u\":\"/articles/cache-patterns\",\"a\":\"Caching patterns, TTLs and stampedes\",\"h\":\"\",\"t\":\""
        ),
        "{}",
        &json[..80]
    );
}

/// Every article closes with its key takeaways and interview-style
/// questions before its sources; each question's answer opens a widget on a
/// preset that demonstrates it (a `preset:` link, which the build resolved).
#[test]
fn every_article_has_takeaways_and_questions_answered_by_a_widget() {
    for a in ARTICLES {
        let ids: Vec<&str> = a.headings.iter().filter(|h| h.level == 2).map(|h| h.id).collect();
        let n = ids.len();
        assert!(
            n >= 3 && ids[n - 3..] == ["key-takeaways", "questions", "sources"],
            "{}: the last sections are {:?}, not Key takeaways, Questions, Sources",
            a.slug,
            &ids[n.saturating_sub(3)..]
        );
        let html = content::prose(a);
        let takeaways =
            &html[html.find("<h2 id=\"key-takeaways\">").unwrap()..html.find("<h2 id=\"questions\">").unwrap()];
        let bullets = takeaways.matches("<li>").count();
        assert!((4..=7).contains(&bullets), "{}: {bullets} takeaways", a.slug);
        let questions = &html[html.find("<h2 id=\"questions\">").unwrap()..html.find("<h2 id=\"sources\">").unwrap()];
        let answers: Vec<&str> = questions.split("<details><summary>").skip(1).collect();
        assert!((3..=5).contains(&answers.len()), "{}: {} questions", a.slug, answers.len());
        let kind = a.widgets.first().copied().unwrap_or_default();
        for answer in answers {
            let question = &answer[..answer.find("</summary>").expect("a question ends its summary")];
            assert!(question.ends_with('?'), "{}: `{question}` is not a question", a.slug);
            let body = &answer[..answer.find("</details>").expect("an answer ends its details")];
            assert!(
                body.contains(&format!("<a href=\"/widgets/{kind}?s=")),
                "{}: the answer to `{question}` opens no {kind} preset",
                a.slug
            );
        }
    }
}

/// Every article has at least one system-context diagram, drawn at build
/// time with a title and a description for screen readers, and every code
/// block is highlighted (the build refuses a language it does not know).
#[test]
fn every_article_has_a_diagram_and_highlighted_configuration() {
    for a in ARTICLES {
        let html = content::prose(a);
        let figures = html.matches("<figure class=\"context-diagram\"><div class=\"diagram-scroll\"><svg role=\"img\" aria-labelledby=\"dg").count();
        assert!(figures >= 1, "{}: no diagram", a.slug);
        assert_eq!(html.matches("<desc id=\"dg").count(), figures, "{}", a.slug);
        let blocks = html.matches("<pre><code class=\"language-").count();
        assert!(blocks >= 1, "{}: no configuration or code block", a.slug);
        assert!(html.matches("<span class=\"tk-").count() >= blocks, "{}: code blocks without highlighting", a.slug);
    }
}
