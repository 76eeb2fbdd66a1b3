//! Browser tests in headless Chromium (wasm-bindgen-test). One file, so one
//! wasm binary and one browser start: run with
//! `cargo test --target wasm32-unknown-unknown --test web`.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use playground::scenario::{block, url, Scenario};
use playground::widgets::{Mode, Widget};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// A fresh container in the page body.
fn container() -> HtmlElement {
    let el: HtmlElement = document().create_element("div").unwrap().unchecked_into();
    document().body().unwrap().append_child(&el).unwrap();
    el
}

/// Waits `ms` milliseconds of real time.
async fn sleep(ms: i32) {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window().unwrap().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms).unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(p).await.unwrap();
}

/// Lets the reactive system run its queued effects and re-renders.
async fn settle() {
    for _ in 0..3 {
        sleep(0).await;
    }
}

fn all(root: &Element, selector: &str) -> Vec<Element> {
    let list = root.query_selector_all(selector).unwrap();
    (0..list.length()).map(|i| list.item(i).unwrap().unchecked_into()).collect()
}

/// The summary table as rows of cell texts; a row's first cell is the
/// limiter's name, without the parameters shown beneath it.
fn summary_rows(root: &Element) -> Vec<Vec<String>> {
    all(root, "table.summary tbody tr")
        .iter()
        .map(|tr| {
            let th = tr.query_selector("th").unwrap().unwrap();
            let params = th.query_selector(".params").unwrap().map(|p| p.text_content().unwrap_or_default());
            let name = th.text_content().unwrap_or_default();
            let name = name.strip_suffix(params.as_deref().unwrap_or_default()).unwrap_or(&name).to_string();
            std::iter::once(name).chain(all(tr, "td").iter().map(|c| c.text_content().unwrap_or_default())).collect()
        })
        .collect()
}

fn set_input(input: &HtmlInputElement, value: &str, event: &str) {
    input.set_value(value);
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    input.dispatch_event(&web_sys::Event::new_with_event_init_dict(event, &init).unwrap()).unwrap();
}

/// A page's widget slot as `sdp site` writes it (`mode` page or embed: the
/// scenario comes from the address), mounted as the page's bundle mounts it.
fn page_slot(kind: &str, mode: &str) -> HtmlElement {
    let el = container();
    el.set_class_name("widget-slot");
    el.set_attribute("data-kind", kind).unwrap();
    el.set_attribute("data-mode", mode).unwrap();
    playground::mount::mount_slot(&el);
    el
}

fn go(path: &str) {
    web_sys::window()
        .unwrap()
        .history()
        .unwrap()
        .replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(path))
        .unwrap();
}

#[wasm_bindgen_test]
async fn widget_mounts_from_an_article_block() {
    let el = container();
    let b = block::parse("kind: rate-limiter\npreset: boundary-burst\ntitle: Boundary").unwrap();
    let _handle = leptos::mount::mount_to(
        el.clone(),
        move || view! { <Widget scenario=b.scenario mode=Mode::Inline title=b.title notice=None /> },
    );
    settle().await;
    assert_eq!(el.query_selector(".widget-title").unwrap().unwrap().text_content().unwrap(), "Boundary");
    let rows = summary_rows(&el);
    // Fixed window lets all ten boundary requests through; the sliding log holds
    // to five until the 9.9 s entries leave its window at 19.9 s.
    assert_eq!(rows.len(), 3);
    assert_eq!(&rows[0][..5], ["Fixed window (Redis INCR)", "15", "12", "0", "3"]);
    assert_eq!(&rows[1][..5], ["Sliding log (limits)", "15", "7", "0", "8"]);
    // Each row also names its parameters, so two lanes of one algorithm stay apart.
    let params: Vec<String> = all(&el, "table.summary .params").iter().map(|p| p.text_content().unwrap()).collect();
    assert_eq!(params, ["5 per 10 s window"; 3]);
    assert_eq!(all(&el, "svg.chart").len(), 3);
    // Every chart has a table alternative.
    assert_eq!(all(&el, "details.data-table table").len(), 3);
}

#[wasm_bindgen_test]
async fn changing_a_control_changes_the_summary() {
    let el = container();
    let s = playground::sim::rate_limiter::presets::preset("gcra-vs-token-bucket").unwrap();
    let expected_before = s.run(1).unwrap()[0].summary.allowed;
    let _handle = leptos::mount::mount_to(
        el.clone(),
        move || view! { <Widget scenario=Scenario::RateLimiter(s) mode=Mode::Inline title=None notice=None /> },
    );
    settle().await;
    assert_eq!(summary_rows(&el)[0][2], expected_before.to_string());

    // Raise limiter 1's burst from 5 to 50 with its number box.
    let burst: HtmlInputElement = all(&el, "fieldset.lane-controls")[0]
        .query_selector_all("input[type=number]")
        .unwrap()
        .item(1)
        .unwrap()
        .unchecked_into();
    set_input(&burst, "50", "change");
    settle().await;
    let mut changed = playground::sim::rate_limiter::presets::preset("gcra-vs-token-bucket").unwrap();
    changed.limiters[0].burst = Some(50);
    let expected_after = changed.run(1).unwrap()[0].summary.allowed;
    assert_ne!(expected_before, expected_after);
    assert_eq!(summary_rows(&el)[0][2], expected_after.to_string());
    // The other lane did not change.
    assert_eq!(summary_rows(&el)[1][2], changed.run(1).unwrap()[1].summary.allowed.to_string());

    // An absurd value is refused with a message, and the last good run stays.
    set_input(&burst, "0", "change");
    settle().await;
    let msg = el.query_selector(".control-error").unwrap().unwrap().text_content().unwrap();
    assert_eq!(msg, "gcra: burst must be at least 1");
    assert_eq!(summary_rows(&el)[0][2], expected_after.to_string());
}

#[wasm_bindgen_test]
async fn a_shared_url_reproduces_the_run() {
    let mut s = playground::sim::rate_limiter::presets::preset("nginx-modes").unwrap();
    s.seed = 77;
    s.view.time_ms = Some(4000.0);
    let encoded = url::encode(&Scenario::RateLimiter(s.clone()));
    go(&format!("/widgets/rate-limiter?s={encoded}"));
    let el = page_slot("rate-limiter", "page");
    settle().await;
    // The summary stops at the link's playhead, 4 s.
    let caption = el.query_selector("table.summary caption").unwrap().unwrap().text_content().unwrap();
    assert_eq!(caption, "Summary up to 4 s");
    let lanes = s.run(1).unwrap();
    let rows = summary_rows(&el);
    for (row, lane) in rows.iter().zip(&lanes) {
        let upto = playground::widgets::rate_limiter::summary_until(lane, Some(4_000_000_000), 10_000_000_000);
        assert_eq!(row[1..5], [upto.requests, upto.allowed, upto.delayed, upto.rejected].map(|n| n.to_string()));
    }
    // The page keeps the same scenario in its URL, written once changes settle.
    sleep(playground::ui::share::URL_DELAY_MS as i32 + 100).await;
    let search = web_sys::window().unwrap().location().search().unwrap();
    let back = url::decode(search.strip_prefix("?s=").unwrap()).unwrap();
    assert_eq!(back, Scenario::RateLimiter(s));
    playground::mount::unmount_all();
}

/// A circuit-breaker link round-trips: open it, change the run (break the
/// dependency at the playhead), take the page's link, reopen it, and get the
/// same state and numbers.
#[wasm_bindgen_test]
async fn a_breaker_link_reopens_the_same_run() {
    let mut s = playground::sim::circuit_breaker::presets::preset("flapping").unwrap();
    s.seed = 11;
    s.view.time_ms = Some(20_000.0);
    go(&format!("/widgets/circuit-breaker?s={}", url::encode(&Scenario::CircuitBreaker(s.clone()))));
    let el = page_slot("circuit-breaker", "page");
    settle().await;
    assert_eq!(caption(&el), "Summary of the calls made by 20 s");
    let expect = |s: &playground::scenario::CircuitBreakerScenario, at: Option<u64>| {
        let trial = s.trial();
        let runs = s.run_on(&trial, 200).unwrap();
        runs.iter().map(|r| r.summary_until(&trial.attempts, at, s.duration_ms * 1_000_000)).collect::<Vec<_>>()
    };
    let check = |el: &HtmlElement, want: &[playground::sim::circuit_breaker::run::BreakerSummary]| {
        let rows = summary_rows(el);
        for (row, w) in rows.iter().zip(want) {
            assert_eq!(row[1..5], [w.calls, w.reached, w.dependency_failures, w.failed_fast].map(|n| n.to_string()));
        }
    };
    check(&el, &expect(&s, Some(20_000_000_000)));

    // A change at the playhead goes into the link.
    button(&el, "Break it now").click();
    settle().await;
    sleep(playground::ui::share::URL_DELAY_MS as i32 + 100).await;
    let search = web_sys::window().unwrap().location().search().unwrap();
    let Scenario::CircuitBreaker(linked) = url::decode(search.strip_prefix("?s=").unwrap()).unwrap() else {
        panic!("the link is not a circuit-breaker scenario")
    };
    let mut changed = s.clone();
    changed.dependency.set_from(playground::sim::circuit_breaker::run::Phase::down(20_000));
    assert_eq!(linked, changed);
    playground::mount::unmount_all();

    // Reopening the link gives the same numbers.
    let el = page_slot("circuit-breaker", "page");
    settle().await;
    assert_eq!(caption(&el), "Summary of the calls made by 20 s");
    check(&el, &expect(&changed, Some(20_000_000_000)));

    // An operator forces the Resilience4j breaker open at the playhead: it goes into
    // the link, the status says pybreaker carries on, and the numbers follow.
    button(&el, "Force open now").click();
    settle().await;
    let status = el.query_selector(".widget-status").unwrap().unwrap().text_content().unwrap();
    assert!(
        status.starts_with("Resilience4j breakers forced open at 20 s") && status.contains("pybreaker"),
        "{status}"
    );
    sleep(playground::ui::share::URL_DELAY_MS as i32 + 100).await;
    let search = web_sys::window().unwrap().location().search().unwrap();
    let Scenario::CircuitBreaker(linked) = url::decode(search.strip_prefix("?s=").unwrap()).unwrap() else {
        panic!("the link is not a circuit-breaker scenario")
    };
    let mut forced = changed.clone();
    forced.force(playground::sim::circuit_breaker::run::Forcing {
        at_ms: 20_000,
        state: playground::sim::circuit_breaker::State::ForcedOpen,
    });
    assert_eq!(linked, forced);
    check(&el, &expect(&forced, Some(20_000_000_000)));
    let text = el.text_content().unwrap();
    assert!(text.contains("Forced: FORCED_OPEN at 20 s"), "the forced states are not listed");
    button(&el, "Clear forced states").click();
    settle().await;
    assert!(!el.text_content().unwrap().contains("Forced: FORCED_OPEN"));
    playground::mount::unmount_all();
}

#[wasm_bindgen_test]
async fn a_malformed_url_shows_a_message_and_a_working_default() {
    go("/widgets/rate-limiter?s=eyJ2ZXJzaW9uIjo5fQ");
    let el = page_slot("rate-limiter", "page");
    settle().await;
    let status = el.query_selector(".widget-status").unwrap().unwrap().text_content().unwrap();
    assert!(status.contains("could not be used") && status.contains("version 9"), "{status}");
    let rows = summary_rows(&el);
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0][1], "10000");
    playground::mount::unmount_all();
}

/// The same scenarios give byte-identical output to the native run, whose
/// output is committed in tests/fixtures and checked by tests/scenario.rs.
#[wasm_bindgen_test]
fn runs_are_byte_identical_to_native() {
    for (input, expected) in [
        (include_str!("fixtures/poisson-three-lanes.json"), include_str!("fixtures/poisson-three-lanes.out.json")),
        (include_str!("fixtures/nginx-modes.json"), include_str!("fixtures/nginx-modes.out.json")),
        (include_str!("fixtures/breaker-outage.json"), include_str!("fixtures/breaker-outage.out.json")),
        (include_str!("fixtures/ring-remove.json"), include_str!("fixtures/ring-remove.out.json")),
        // Every sharding hash (DES, MD5 eight keys at a time in SIMD, lookup3, xxHash64), a
        // directory, regions and re-shards.
        (include_str!("fixtures/shard-hashes.json"), include_str!("fixtures/shard-hashes.out.json")),
        (include_str!("fixtures/shard-zipf-regions.json"), include_str!("fixtures/shard-zipf-regions.out.json")),
        // MongoDB's balancers by chunk count and by data size (ranges split off chunks) and Citus's by disk size.
        (include_str!("fixtures/shard-mongo-balancers.json"), include_str!("fixtures/shard-mongo-balancers.out.json")),
    ] {
        let s = Scenario::from_json(input).unwrap();
        assert_eq!(s.run_json().unwrap(), expected);
    }
    // The CSV traces too.
    for (input, expected) in [
        (include_str!("fixtures/nginx-modes.json"), include_str!("fixtures/nginx-modes.out.csv")),
        (include_str!("fixtures/breaker-outage.json"), include_str!("fixtures/breaker-outage.out.csv")),
        (include_str!("fixtures/ring-remove.json"), include_str!("fixtures/ring-remove.out.csv")),
        (include_str!("fixtures/shard-hashes.json"), include_str!("fixtures/shard-hashes.out.csv")),
    ] {
        assert_eq!(Scenario::from_json(input).unwrap().run_csv().unwrap(), expected);
    }
}

#[path = "support/presets.rs"]
mod support;

/// Every preset of every family and every article block gives in wasm32 the
/// bytes the native run committed in tests/fixtures/presets.digest.
#[wasm_bindgen_test]
fn every_preset_and_block_matches_the_native_digest() {
    let expected = include_str!("fixtures/presets.digest");
    let lines: Vec<String> = support::preset_lines().into_iter().chain(support::block_lines()).collect();
    for (got, want) in lines.iter().zip(expected.lines()) {
        assert_eq!(got, want);
    }
    // The digest's last lines are the CLI's, which only the native test runs.
    assert_eq!(lines.len(), expected.lines().filter(|l| !l.starts_with("sdp ")).count());
}

fn button(root: &Element, text: &str) -> HtmlElement {
    all(root, "button")
        .into_iter()
        .find(|b| b.text_content().as_deref() == Some(text))
        .unwrap_or_else(|| panic!("no button `{text}`"))
        .unchecked_into()
}

fn caption(root: &Element) -> String {
    root.query_selector("table.summary caption").unwrap().unwrap().text_content().unwrap()
}

#[wasm_bindgen_test]
async fn playback_and_hand_fired_requests() {
    let el = container();
    let s = playground::sim::rate_limiter::presets::preset("boundary-burst").unwrap();
    let _handle = leptos::mount::mount_to(
        el.clone(),
        move || view! { <Widget scenario=Scenario::RateLimiter(s) mode=Mode::Inline title=None notice=None /> },
    );
    settle().await;
    assert_eq!(caption(&el), "Summary of the whole run");

    // 30 s in 200 bins: each step is 150 ms.
    button(&el, "Restart").click();
    settle().await;
    assert_eq!(caption(&el), "Summary up to 0 s");
    button(&el, "Step ▶").click();
    button(&el, "Step ▶").click();
    settle().await;
    assert_eq!(caption(&el), "Summary up to 0.3 s");
    let scrub: HtmlInputElement = el.query_selector(".playback input[type=range]").unwrap().unwrap().unchecked_into();
    assert_eq!(scrub.value(), "300");

    // Ten requests fired at the playhead meet an empty 5-per-10-s fixed window.
    button(&el, "Fire a burst of 10").click();
    settle().await;
    let rows = summary_rows(&el);
    assert_eq!(&rows[0][..5], ["Fixed window (Redis INCR)", "10", "5", "0", "5"]);
    assert_eq!(&rows[1][..5], ["Sliding log (limits)", "10", "5", "0", "5"]);

    // Play moves the playhead forward in simulated time; Pause stops it.
    button(&el, "Play").click();
    sleep(400).await;
    button(&el, "Pause").click();
    settle().await;
    let moved: u64 = scrub.value().parse().unwrap();
    assert!(moved > 300, "the playhead stayed at {moved} ms");
    sleep(200).await;
    assert_eq!(scrub.value(), moved.to_string(), "playback went on after Pause");
}

/// A page as `sdp site` writes it: the first slot mounts at once, one far
/// below when it nears the viewport, a slot whose JSON is bad shows an
/// error box, and a new `?s=` announced by `popstate` (as embed.js does)
/// mounts the embed's widget again from it.
#[wasm_bindgen_test]
async fn a_pages_slots_mount_first_at_once_and_the_rest_near_the_viewport() {
    go("/embed/rate-limiter");
    let page = container();
    let inline = |json: &str, style: &str| {
        format!(
            "<div class=\"widget-slot\" data-kind=\"rate-limiter\" data-mode=\"inline\" data-title=\"T\" style=\"{style}\">\
             <script type=\"application/json\">{json}</script><noscript>needs JavaScript</noscript></div>"
        )
    };
    let mut far = playground::sim::rate_limiter::presets::preset("nginx-modes").unwrap();
    far.seed = 5;
    let far_json = Scenario::RateLimiter(far.clone()).to_json();
    page.set_inner_html(&format!(
        "<div class=\"widget-slot\" data-kind=\"rate-limiter\" data-mode=\"embed\"></div>{}{}",
        inline(&far_json, "margin-top:5000px"),
        inline("{\"widget\":\"rate-limiter\",\"version\":9}", "")
    ));
    let slots = all(&page, ".widget-slot");
    // Only this page's slots: other tests' are elsewhere in the document.
    for old in all(&document().body().unwrap(), ".widget-slot") {
        if !page.contains(Some(&old)) {
            old.remove();
        }
    }
    playground::mount::start();
    // The first widget's controls are on the page at once; its run and drawings follow a task later.
    assert!(slots[0].query_selector(".widget input[type=range]").unwrap().is_some());
    assert!(slots[0].query_selector("table.summary").unwrap().is_none());
    settle().await;
    // The embed's slot holds the default widget; the far one is still its placeholder.
    assert_eq!(summary_rows(&slots[0]).len(), 3);
    assert!(slots[0].class_list().contains("mounted"));
    assert!(!slots[1].class_list().contains("mounted") && slots[1].query_selector("script").unwrap().is_some());
    slots[1].scroll_into_view();
    sleep(100).await;
    settle().await;
    assert!(slots[1].class_list().contains("mounted"));
    assert_eq!(slots[1].query_selector(".widget-title").unwrap().unwrap().text_content().unwrap(), "T");
    let want = far.run(1).unwrap();
    assert_eq!(summary_rows(&slots[1])[0][1], want[0].summary.requests.to_string());
    // The last is near the far one by now, and says why it could not start.
    let err =
        slots[2].query_selector(".widget-error[role=alert]").unwrap().expect("an error box").text_content().unwrap();
    assert!(err.contains("version 9"), "{err}");
    // A new scenario in the address: the embed's widget starts again from it; the inline ones stay.
    let mut strict = playground::sim::rate_limiter::presets::preset("default").unwrap();
    strict.limiters.truncate(1);
    go(&format!("/embed/rate-limiter?s={}", url::encode(&Scenario::RateLimiter(strict))));
    let init = web_sys::EventInit::new();
    web_sys::window()
        .unwrap()
        .dispatch_event(&web_sys::Event::new_with_event_init_dict("popstate", &init).unwrap())
        .unwrap();
    settle().await;
    assert_eq!(summary_rows(&slots[0]).len(), 1);
    assert_eq!(summary_rows(&slots[1])[0][1], want[0].summary.requests.to_string());
    playground::mount::unmount_all();
    page.remove();
}

/// The circuit-breaker widget from an article block: "Break it now" at the
/// playhead opens the breaker, in the diagram and in the summary, with the
/// numbers the engine gives for the same change.
#[wasm_bindgen_test]
async fn breaking_the_dependency_opens_the_breaker() {
    use playground::sim::circuit_breaker::run::Phase;
    let el = container();
    let b = block::parse("kind: circuit-breaker\nbreakers: count\ndependency: healthy\ntitle: Break it").unwrap();
    let Scenario::CircuitBreaker(mut expected) = b.scenario.clone() else { panic!("not a breaker block") };
    let _handle = leptos::mount::mount_to(
        el.clone(),
        move || view! { <Widget scenario=b.scenario mode=Mode::Inline title=b.title notice=None /> },
    );
    settle().await;
    assert_eq!(el.query_selector(".widget-title").unwrap().unwrap().text_content().unwrap(), "Break it");
    let diagram = || el.query_selector("svg.diagram").unwrap().unwrap();
    let current = || diagram().query_selector(".node.current text").unwrap().unwrap().text_content().unwrap();
    // A healthy dependency never opens it: nothing fails fast.
    assert_eq!(current(), "CLOSED");
    let rows = summary_rows(&el);
    assert_eq!(rows.len(), 2, "one breaker and the no-breaker row");
    assert_eq!(rows[0][4], "0");
    assert_eq!(rows[1][0], "No breaker");

    // Move the playhead to 10 s and break the dependency there.
    let scrub: HtmlInputElement = el.query_selector(".playback input[type=range]").unwrap().unwrap().unchecked_into();
    set_input(&scrub, "10000", "input");
    settle().await;
    button(&el, "Break it now").click();
    settle().await;
    let status = el.query_selector(".widget-status").unwrap().unwrap().text_content().unwrap();
    assert_eq!(status, "Dependency broken at 10 s, to the end of the run");
    let phases = el.query_selector(".dependency-phases").unwrap().unwrap().text_content().unwrap();
    assert_eq!(phases, "from 0 s: 2% fail, 40 ms; from 10 s: down, 1000 ms");
    expected.dependency.set_from(Phase::down(10_000));
    let run = expected.run(200).unwrap().remove(0);
    let opened =
        run.transitions.iter().find(|t| t.to == playground::sim::circuit_breaker::State::Open).expect("it opens").at;

    // At the moment it opens, the diagram lights OPEN and the edge into it.
    set_input(&scrub, &opened.div_ceil(1_000_000).to_string(), "input");
    settle().await;
    let explain = el.query_selector(".explain").unwrap().unwrap().text_content().unwrap();
    assert_eq!(current(), "OPEN", "at {opened} ns, scrub at {}: {explain}", scrub.value());
    assert!(diagram().query_selector(".edge.lit").unwrap().is_some());
    assert!(explain.starts_with("OPEN since"), "{explain}");

    // Over the whole run, the summary shows the engine's calls failed fast.
    set_input(&scrub, "60000", "input");
    settle().await;
    let rows = summary_rows(&el);
    assert!(run.summary.failed_fast > 0);
    assert_eq!(rows[0][4], run.summary.failed_fast.to_string());
    assert_eq!(rows[0][1], run.summary.calls.to_string());
    assert_eq!(rows[0][2], run.summary.reached.to_string());
    // The chart shades the open spans.
    assert!(!el.query_selector("svg.chart .band-open").unwrap().unwrap().get_attribute("d").unwrap().is_empty());
}

#[wasm_bindgen_test]
async fn adding_a_node_updates_the_histogram_and_the_moved_keys() {
    use playground::sim::hash_ring::run::Change;
    use playground::sim::hash_ring::Node;
    let el = container();
    let start = playground::sim::hash_ring::presets::preset("add-node").unwrap();
    let scenario = Scenario::HashRing(start.clone());
    let _handle = leptos::mount::mount_to(
        el.clone(),
        move || view! { <Widget scenario=scenario mode=Mode::Inline title=None notice=None /> },
    );
    settle().await;
    let lanes = || all(&el, "figure.ring-lane");
    let bars = |lane: &Element| all(lane, "svg.bars rect.bar").len();
    let moved = |lane: &Element| lane.query_selector(".moved-text").unwrap().unwrap().text_content().unwrap();
    assert_eq!(lanes().len(), 3, "modulo, ketama and jump");
    assert!(lanes().iter().all(|l| bars(l) == 11), "ten caches and the newcomer");
    assert!(
        moved(&lanes()[1]).starts_with("Adding cache-11:11211 moved 10,172 of 100,000 keys (10.2%)"),
        "{}",
        moved(&lanes()[1])
    );

    // The 11 caches become the start, and a 12th joins.
    button(&el, "Add another node").click();
    settle().await;
    let mut expected = start.clone();
    expected.nodes.push(Node::new("cache-11:11211"));
    expected.change = Some(Change::Add(Node::new("cache-12:11211")));
    let runs = expected.run().unwrap();
    assert!(lanes().iter().all(|l| bars(l) == 12));
    for (lane, run) in lanes().iter().zip(&runs) {
        let text = moved(lane);
        assert!(
            text.starts_with(&format!("Adding cache-12:11211 moved {} of 100,000 keys", group(run.moved))),
            "{text}"
        );
    }
    assert!(runs[1].moved < 10_000 && runs[0].moved > 80_000);
    let status = el.query_selector(".widget-status").unwrap().unwrap().text_content().unwrap();
    assert_eq!(
        status,
        format!(
            "Adding cache-12:11211; modulo moves {}; ketama moves {}; jump moves {}",
            group(runs[0].moved),
            group(runs[1].moved),
            group(runs[2].moved)
        )
    );
    // Every moved sample key on the ketama ring is drawn as moved, in the newcomer's colour.
    let ring_moved = all(&lanes()[1], "svg.ring-chart circle.key.moved");
    assert!(!ring_moved.is_empty());
    assert!(ring_moved.iter().all(|c| c.get_attribute("class").unwrap() == "key nt moved"));
    assert!(ring_moved.iter().all(|c| c.get_attribute("style").unwrap().starts_with("--from:var(--n")));

    // A ring with 4 virtual nodes per server spreads the keys far worse than ketama's 160.
    let algorithm: web_sys::HtmlSelectElement = all(&el, ".lane-controls select")[2].clone().unchecked_into();
    algorithm.set_value("ring");
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    algorithm.dispatch_event(&web_sys::Event::new_with_event_init_dict("change", &init).unwrap()).unwrap();
    settle().await;
    let points: HtmlInputElement =
        el.query_selector(".lane-controls input[type=range]").unwrap().unwrap().unchecked_into();
    set_input(&points, "4", "input");
    settle().await;
    let rows = summary_rows(&el);
    assert_eq!(rows[2][0], "Ring with 4 virtual nodes per server");
    let busiest = |row: &Vec<String>| row[4].parse::<f64>().unwrap();
    assert!(busiest(&rows[2]) > 1.5 && busiest(&rows[1]) < 1.3, "{rows:?}");
}

/// `n` with thousands separators, as the widgets print counts.
fn group(n: u64) -> String {
    playground::ui::format::thousands(n)
}

#[wasm_bindgen_test]
async fn changing_a_scheme_changes_the_shard_histogram() {
    let el = container();
    let start = playground::sim::sharding::presets::preset("sequential-ids").unwrap();
    let scenario = Scenario::Sharding(start.clone());
    let _handle = leptos::mount::mount_to(
        el.clone(),
        move || view! { <Widget scenario=scenario mode=Mode::Inline title=None notice=None /> },
    );
    settle().await;
    let lanes = || all(&el, "figure.shard-lane");
    let heights = |lane: &Element| -> Vec<String> {
        all(lane, "svg.bars rect.bar").iter().map(|r| r.get_attribute("height").unwrap()).collect()
    };
    assert_eq!(lanes().len(), 3, "ranges, hash modulo and Vitess");
    // Sequential ids split evenly by range, then the fullest range splits in two: five shards.
    assert_eq!(heights(&lanes()[0]).len(), 5);
    let runs = start.run().unwrap();
    let text = lanes()[0].query_selector(".moved-text").unwrap().unwrap().text_content().unwrap();
    assert!(
        text.starts_with(&format!("Splitting the fullest shard moved {} of 100,000 rows", group(runs[0].rows_moved))),
        "{text}"
    );

    // The query inspector: keys 24,951 to 25,050 straddle the first split point (25,000), so
    // under ranges exactly the first two bars are marked; hash modulo asks all four.
    let query: HtmlInputElement = el.query_selector(".inspector input[type=number]").unwrap().unwrap().unchecked_into();
    set_input(&query, "24951", "change");
    settle().await;
    let asked = |lane: &Element| -> Vec<usize> {
        all(lane, "svg.bars rect.bar")
            .iter()
            .enumerate()
            .filter(|(_, r)| r.class_list().contains("asked"))
            .map(|(i, _)| i)
            .collect()
    };
    assert_eq!(asked(&lanes()[0]), [0, 1]);
    assert_eq!(asked(&lanes()[1]), [0, 1, 2, 3]);
    let text = |lane: &Element| lane.query_selector(".query-text").unwrap().unwrap().text_content().unwrap();
    assert_eq!(
        text(&lanes()[0]),
        "Keys 24,951 to 25,050: 100 rows, on shards 1 and 2; the router asks shards 1 and 2 of 5."
    );
    // Vitess's hash vindex scatters those keys: all five shards (after its split) asked, and
    // the text names the shards the engine puts them on.
    assert_eq!(asked(&lanes()[2]), [0, 1, 2, 3, 4]);
    let vitess = &start.run().unwrap()[2];
    let mut holding: Vec<usize> = (24_951..=25_050).filter_map(|k| vitess.router.locate(k)).collect();
    holding.sort_unstable();
    holding.dedup();
    let names: Vec<String> = holding.iter().map(|s| (s + 1).to_string()).collect();
    let (last, rest) = names.split_last().unwrap();
    assert!(
        text(&lanes()[2]).contains(&format!("100 rows, on shards {} and {last};", rest.join(", "))),
        "{}",
        text(&lanes()[2])
    );
    // A point query asks one shard under every scheme.
    let width: HtmlInputElement = all(&el, ".controls input[type=number]")
        .into_iter()
        .find(|i| i.get_attribute("aria-label").as_deref() == Some("Range query width"))
        .unwrap()
        .unchecked_into();
    set_input(&width, "1", "change");
    settle().await;
    for lane in lanes() {
        assert_eq!(asked(&lane).len(), 1, "{}", text(&lane));
    }
    set_input(&width, "100", "change");
    settle().await;

    // The first scheme becomes hash modulo over its 4 shards: four even bars instead of five
    // (hash modulo has no range to split).
    let before = heights(&lanes()[0]);
    let pick: web_sys::HtmlSelectElement = all(&el, ".lane-controls select")[0].clone().unchecked_into();
    pick.set_value("hash-mod");
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    pick.dispatch_event(&web_sys::Event::new_with_event_init_dict("change", &init).unwrap()).unwrap();
    settle().await;
    let after = heights(&lanes()[0]);
    assert_ne!(after, before);
    assert_eq!(after.len(), 4);
    let rows = summary_rows(&el);
    assert_eq!(rows[0][0], "Hash modulo 4");
    let mut expected = start.clone();
    expected.schemes[0] = playground::sim::sharding::config::SchemeConfig::HashMod { shards: 4 };
    let p = &expected.run().unwrap()[0].before;
    assert_eq!(rows[0][1], playground::ui::format::number(p.hottest_over_mean));
}

/// A Citus lane's Rebalance menu and a MongoDB lane's Balancer menu: by
/// disk size, the add-shard preset's new worker takes other shards; by data
/// size, MongoDB's new shard takes one chunk; each lane says how many rows moved.
#[wasm_bindgen_test]
async fn citus_and_mongo_rebalance_by_size_from_their_menus() {
    let el = container();
    let start = playground::sim::sharding::presets::preset("add-shard").unwrap();
    let scenario = Scenario::Sharding(start);
    let _handle = leptos::mount::mount_to(
        el.clone(),
        move || view! { <Widget scenario=scenario mode=Mode::Inline title=None notice=None /> },
    );
    settle().await;
    let citus =
        || all(&el, "figure.shard-lane")[2].query_selector(".moved-text").unwrap().unwrap().text_content().unwrap();
    assert!(citus().contains("18,764"), "{}", citus());
    let mongo =
        || all(&el, "figure.shard-lane")[1].query_selector(".moved-text").unwrap().unwrap().text_content().unwrap();
    assert!(mongo().contains("18,743"), "{}", mongo());
    // Only the Citus lane has a Rebalance menu, and only the MongoDB lane a Balancer menu.
    let menu = |label: &str| -> Vec<web_sys::HtmlSelectElement> {
        all(&el, ".lane-controls .control")
            .into_iter()
            .filter(|c| c.text_content().unwrap_or_default().starts_with(label))
            .map(|c| c.query_selector("select").unwrap().unwrap().unchecked_into())
            .collect()
    };
    let choose = |menu: &web_sys::HtmlSelectElement, value: &str| {
        menu.set_value(value);
        let init = web_sys::EventInit::new();
        init.set_bubbles(true);
        menu.dispatch_event(&web_sys::Event::new_with_event_init_dict("change", &init).unwrap()).unwrap();
    };
    let (rebalance, balancer) = (menu("Rebalance"), menu("Balancer"));
    assert_eq!((rebalance.len(), balancer.len()), (1, 1));
    choose(&rebalance[0], "by-disk-size");
    settle().await;
    assert!(citus().contains("19,229"), "{}", citus());
    choose(&balancer[0], "data-size");
    settle().await;
    assert!(mongo().contains("6,262"), "{}", mongo());
    assert!(citus().contains("19,229"), "{}", citus());
}

#[wasm_bindgen_test]
async fn a_loop_defeats_lru_until_the_cache_holds_it() {
    let el = container();
    let start = playground::sim::caching::presets::preset("loop").unwrap();
    let scenario = Scenario::Caching(start);
    let _handle = leptos::mount::mount_to(
        el.clone(),
        move || view! { <Widget scenario=scenario mode=Mode::Inline title=None notice=None /> },
    );
    settle().await;
    let rows = || -> Vec<Vec<String>> {
        all(&el, "table.summary tbody tr")
            .iter()
            .map(|tr| all(tr, "th, td").iter().map(|c| c.text_content().unwrap_or_default()).collect())
            .collect()
    };
    // 1,050 keys in a loop through 1,000 slots: exact LRU and FIFO never hit; Redis's sampling does.
    assert_eq!(rows()[0][..3], ["LRU (exact)", "0%", "0"]);
    assert_eq!(rows()[1][..3], ["FIFO", "0%", "0"]);
    assert_eq!(rows()[2][..2], ["Redis allkeys-lru, 5 samples", "87.3%"]);
    assert_eq!(all(&el, ".hot-row").len(), 3);
    assert_eq!(all(&el, "svg.chart path.hit-line").len(), 3);
    // The latest request, the 105,000th, asks for key 1,049; LRU and FIFO hold the
    // thousand keys before it and evict the oldest of them, key 49.
    let recent = all(&el, "table.recent tbody tr");
    assert_eq!(recent.len(), 8);
    let cells: Vec<String> = all(&recent[0], "th, td").iter().map(|c| c.text_content().unwrap_or_default()).collect();
    assert_eq!(cells[..4], ["105,000", "1049", "miss, evicts 49", "miss, evicts 49"]);
    // A cache the loop fits in hits on every request after the first lap.
    let capacity: HtmlInputElement =
        el.query_selector("input[type=number][aria-label=Capacity]").unwrap().unwrap().unchecked_into();
    set_input(&capacity, "1050", "change");
    settle().await;
    assert_eq!(rows()[0][..4], ["LRU (exact)", "99%", "103,950", "1,050"]);
    // Each cell of a policy's row is one of the 32 most requested keys; all are cached now.
    assert_eq!(all(&el, ".hot-row")[0].query_selector_all(".cell.cached").unwrap().length(), 32);
}

#[wasm_bindgen_test]
async fn killing_the_cache_node_loses_write_behinds_unflushed_writes() {
    use playground::sim::cache_patterns::presets::preset;
    let el = container();
    let start = preset("crash").unwrap();
    let scenario = Scenario::CachePatterns(start.clone());
    let _handle = leptos::mount::mount_to(
        el.clone(),
        move || view! { <Widget scenario=scenario mode=Mode::Inline title=None notice=None /> },
    );
    settle().await;
    // The last column is the lost writes: none for write-through, the native run's for write-behind.
    let lost = |rows: &[Vec<String>]| rows.iter().map(|r| r.last().cloned().unwrap_or_default()).collect::<Vec<_>>();
    let native = start.run().unwrap();
    let want = playground::ui::format::thousands(u64::from(native[1].summary.lost_writes));
    let rows = summary_rows(&el);
    assert_eq!(rows[0][0], "write-through");
    assert_eq!(rows[1][0], "write-behind");
    assert_eq!(lost(&rows), ["0", want.as_str()]);
    assert_eq!(all(&el, ".cache-patterns svg.chart path.series").len(), 6);
    assert_eq!(all(&el, ".cache-patterns svg.chart line.crash").len(), 3);
    let note = el.query_selector(".crash-note").unwrap().unwrap().text_content().unwrap_or_default();
    assert_eq!(note.trim(), "The cache node dies at 12 s (the red rule), and comes back empty.");
    // Keep the node alive: nothing is lost.
    button(&el, "Keep it alive").click();
    settle().await;
    assert_eq!(lost(&summary_rows(&el)), ["0", "0"]);
    assert!(all(&el, "svg.chart line.crash").is_empty() && all(&el, ".crash-note").is_empty());
    // Kill it with the playhead at the end: it dies mid-run, at 15 s of 30.
    button(&el, "Kill the cache node now").click();
    settle().await;
    let mut mid = start.clone();
    mid.crash_ms = Some(15_000);
    let want = playground::ui::format::thousands(u64::from(mid.run().unwrap()[1].summary.lost_writes));
    assert_eq!(lost(&summary_rows(&el)), ["0", want.as_str()]);
    let status = el.query_selector(".widget-status").unwrap().unwrap().text_content().unwrap_or_default();
    assert_eq!(status, "The cache node dies at 15 s, and comes back empty");
}

/// The load-balancing widget from an article block: its summary is the
/// native run's, and "Stop it now" at the playhead fails requests in a
/// balancer that does not check health and hardly any in nginx's.
#[wasm_bindgen_test]
async fn stopping_a_server_fails_requests_the_way_each_balancer_does() {
    use playground::sim::load_balancing::presets::preset;
    use playground::sim::load_balancing::scenario::Event;
    use playground::sim::load_balancing::Change;
    let el = container();
    let start = preset("uneven").unwrap();
    let scenario = Scenario::LoadBalancing(start.clone());
    let _handle = leptos::mount::mount_to(
        el.clone(),
        move || view! { <Widget scenario=scenario mode=Mode::Inline title=None notice=None /> },
    );
    settle().await;
    let rows = summary_rows(&el);
    let native = start.run().unwrap();
    assert_eq!(rows.len(), 3);
    for (row, run) in rows.iter().zip(&native) {
        let errors = run.summary.failed + run.summary.dropped + run.summary.timed_out + run.summary.no_server;
        assert_eq!(row[1], playground::ui::format::thousands(u64::from(run.summary.requests)));
        assert_eq!(row[2], playground::ui::format::thousands(u64::from(errors)));
    }
    // Round robin refuses requests at the slow server's full queue: p99 in seconds.
    assert!(rows[0][6].ends_with(" ms") && rows[0][6].contains(','), "{}", rows[0][6]);
    // p99 over time, the latency distribution and the queues: a line per balancer in each.
    assert_eq!(all(&el, ".load-balancing svg.chart path.series").len(), 9);
    assert_eq!(all(&el, ".load-balancing svg.servers rect.busy").len(), 30);
    let distribution = all(&el, ".load-balancing svg.chart[role=img]")[1].get_attribute("aria-label").unwrap();
    let p99 = playground::widgets::load_balancing::render::latency(native[0].summary.latency.p99);
    assert!(distribution.contains(&format!("99% within {p99}")), "{distribution}");
    // Stop server 1 with the playhead at the end (the mid-point, 60 s, when the run is not playing).
    button(&el, "Stop it now").click();
    settle().await;
    let mut stopped = start.clone();
    stopped.events.push(Event { at_ms: 60_000.0, server: 1, change: Change::Stop });
    let after = stopped.run().unwrap();
    assert!(after[0].summary.failed <= 7, "nginx's passive check: {}", after[0].summary.failed);
    assert!(after[1].summary.failed > 1_000, "least request: {}", after[1].summary.failed);
    let rows = summary_rows(&el);
    for (row, run) in rows.iter().zip(&after) {
        let errors = run.summary.failed + run.summary.dropped + run.summary.timed_out + run.summary.no_server;
        assert_eq!(row[2], playground::ui::format::thousands(u64::from(errors)));
    }
    let status = el.query_selector(".widget-status").unwrap().unwrap().text_content().unwrap_or_default();
    assert_eq!(status, "Server 1 stopped at 60 s.");
    // With no playhead no request is in flight; at 30 s about two dozen a lane are on their way.
    assert!(all(&el, ".load-balancing svg.flows path.flow").is_empty());
    let scrub: HtmlInputElement = el.query_selector(".playback input[type=range]").unwrap().unwrap().unchecked_into();
    set_input(&scrub, "30000", "input");
    settle().await;
    for lane in all(&el, ".load-balancing svg.flows") {
        let dots = lane.query_selector_all("path.flow").unwrap().length();
        assert!((15..=30).contains(&dots), "{dots} requests in flight");
    }
}

/// The event-streaming widget from an article block: Kafka's murmur2
/// vectors and Kafka's 79 assignor test cases hold in wasm32 too; its summary
/// is the native run's; "Crash it now" at the playhead starts a rebalance
/// one session timeout later.
#[wasm_bindgen_test]
async fn crashing_a_consumer_rebalances_after_the_session_timeout() {
    use playground::sim::event_streaming::assignor::{assign, Assignor, Member, Topics, Tp};
    use playground::sim::event_streaming::partitioner::murmur2;
    use playground::sim::event_streaming::presets::preset;
    use playground::sim::event_streaming::scenario::{Change, Event};
    assert_eq!(murmur2(b"21"), -973_932_308);
    assert_eq!(murmur2(b"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8"), -58_897_971);
    // Kafka's own assignor test cases, as tests/event_streaming.rs replays them natively.
    let golden: serde_json::Value =
        serde_json::from_str(include_str!("golden/event_streaming/kafka_assignors.json")).unwrap();
    for case in golden["cases"].as_array().unwrap() {
        let topics: Vec<(&str, u32)> = case["topics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| (t[0].as_str().unwrap(), t[1].as_u64().unwrap() as u32))
            .collect();
        let index = |name: &str| topics.iter().position(|t| t.0 == name).map_or(u16::MAX, |i| i as u16);
        let members: Vec<Member> = case["members"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| Member {
                id: m["id"].as_str().unwrap().to_string(),
                instance: m["instance"].as_str().map(str::to_string),
                generation: m["generation"].as_i64().map(|g| g as i32),
                owned: m["owned"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|p| Tp { topic: index(p[0].as_str().unwrap()), partition: p[1].as_u64().unwrap() as u32 })
                    .collect(),
            })
            .collect();
        let assignor = Assignor::from_key(case["assignor"].as_str().unwrap()).unwrap();
        let got = assign(assignor, &Topics::new(&topics), &members);
        for (m, parts) in members.iter().zip(&got.partitions) {
            let mut have: Vec<(&str, u64)> =
                parts.iter().map(|tp| (topics[tp.topic as usize].0, u64::from(tp.partition))).collect();
            let mut want: Vec<(&str, u64)> = case["expected"][&m.id]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| (p[0].as_str().unwrap(), p[1].as_u64().unwrap()))
                .collect();
            have.sort();
            want.sort();
            assert_eq!(have, want, "{}", case["name"]);
        }
    }

    let el = container();
    let start = preset("crash").unwrap();
    let scenario = Scenario::EventStreaming(start.clone());
    let _handle = leptos::mount::mount_to(
        el.clone(),
        move || view! { <Widget scenario=scenario mode=Mode::Inline title=None notice=None /> },
    );
    settle().await;
    let thousands = |n: u64| playground::ui::format::thousands(n);
    let rows = summary_rows(&el);
    let native = start.run().unwrap();
    assert_eq!(rows.len(), 2);
    for (row, run) in rows.iter().zip(&native) {
        assert_eq!(row[1], run.summary.rebalances.to_string());
        assert_eq!(row[5], thousands(run.summary.duplicates));
        assert_eq!(row[6], thousands(run.summary.max_lag));
    }
    assert_eq!(all(&el, ".event-streaming svg.chart path.series").len(), 2);
    assert_eq!(all(&el, ".event-streaming svg.partitions g.partition").len(), 12);
    // Each lane stacks its consumers' lag over the run: the crashed consumer's
    // orphaned partitions and the others that fall behind.
    assert!(all(&el, ".event-streaming svg.consumer-lag path.stack").len() >= 2);
    // Crash consumer 2 with the playhead at the mid-point (90 s): the
    // rebalance that starts at 105 s waits for its session to run out, 45 s
    // after its crash, and range's group stands still all that time.
    let target: HtmlInputElement =
        el.query_selector("input[aria-label='Consumer slider']").unwrap().unwrap().dyn_into().unwrap();
    set_input(&target, "2", "input");
    button(&el, "Crash it now").click();
    settle().await;
    let status = el.query_selector(".widget-status").unwrap().unwrap().text_content().unwrap_or_default();
    assert_eq!(status, "Consumer 2 crashes at 90 s.");
    let mut crashed = start.clone();
    crashed.events.push(Event { at_ms: 90_000.0, consumer: Some(2), topic: None, change: Change::Crash });
    let after = crashed.run().unwrap();
    // 180 s in 3,600 steps of 50 ms: from 105 s to 137 s.
    assert!(after
        .iter()
        .all(|r| r.rebalances.len() == 1 && (r.rebalances[0].start, r.rebalances[0].end) == (2_100, 2_740)));
    let rows = summary_rows(&el);
    assert_eq!((rows[0][4].as_str(), rows[1][4].as_str()), ("32 s", "0 ms"));
    for (row, run) in rows.iter().zip(&after) {
        assert_eq!(row[5], thousands(run.summary.duplicates));
    }
}

/// The retries widget from an article block: its summary is the native
/// run's, and "Fail it now" at the playhead, in the middle of a partial
/// outage, re-runs every policy: fewer requests succeed and every budget
/// refuses more retries.
#[wasm_bindgen_test]
async fn failing_the_dependency_drains_the_retry_budgets() {
    use playground::sim::retries::presets::preset;
    use playground::sim::retries::scenario::{Change, Event};
    let el = container();
    let start = preset("budgets").unwrap();
    let scenario = Scenario::Retries(start.clone());
    let _handle = leptos::mount::mount_to(
        el.clone(),
        move || view! { <Widget scenario=scenario mode=Mode::Inline title=None notice=None /> },
    );
    settle().await;
    let thousands = |n: u32| playground::ui::format::thousands(u64::from(n));
    let rows = summary_rows(&el);
    let native = start.run().unwrap();
    assert_eq!(rows.len(), 3);
    for (row, run) in rows.iter().zip(&native) {
        assert_eq!(row[1], thousands(run.summary.users));
        assert_eq!(row[3], thousands(run.summary.dependency));
        assert_eq!(row[6], thousands(run.summary.denied));
    }
    assert_eq!(all(&el, ".retries svg.chart path.series").len(), 12, "four charts of three policies");
    assert_eq!(all(&el, ".retries svg.chart path.capacity").len(), 1);
    // Fail the dependency at the mid-point (30 s), until it recovers at 40 s.
    button(&el, "Fail it now").click();
    settle().await;
    let status = el.query_selector(".widget-status").unwrap().unwrap().text_content().unwrap_or_default();
    assert_eq!(status, "The dependency fails every request at 30 s.");
    let mut failing = start.clone();
    failing.events.push(Event { at_ms: 30_000.0, change: Change::Failure(1.0) });
    let after = failing.run().unwrap();
    for ((row, run), before) in summary_rows(&el).iter().zip(&after).zip(&native) {
        assert_eq!(row[6], thousands(run.summary.denied));
        assert!(run.summary.ok < before.summary.ok && run.summary.denied > before.summary.denied);
    }
}

/// The pipeline widget shows each stage's counts as the native run makes
/// them, one band row per breaker, and re-runs a lane whose stages change.
#[wasm_bindgen_test]
async fn adding_a_breaker_to_a_lane_sheds_the_retry_storm() {
    use playground::sim::pipeline::presets::{breaker, preset};
    let el = container();
    let start = preset("outage").unwrap();
    let scenario = Scenario::Pipeline(start.clone());
    let _handle = leptos::mount::mount_to(
        el.clone(),
        move || view! { <Widget scenario=scenario mode=Mode::Inline title=None notice=None /> },
    );
    settle().await;
    let thousands = |n: u32| playground::ui::format::thousands(u64::from(n));
    let native = start.run().unwrap();
    let rows = summary_rows(&el);
    let stages: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(stages, ["Clients", "Rate limiter", "Circuit breaker", "Dependency", "End to end"]);
    assert_eq!(rows[1][1], "none");
    assert_eq!(rows[2][1], "none");
    for (lane, run) in native.iter().enumerate() {
        let m = run.summary;
        assert!(
            rows[3][lane + 1].starts_with(&format!("{} requests", thousands(m.dependency))),
            "{}",
            rows[3][lane + 1]
        );
        assert!(rows[3][lane + 1].ends_with(&format!("{} refused with a full queue", thousands(m.refused))));
        if lane > 0 {
            assert!(
                rows[2][lane + 1].contains(&format!("{} failed fast", thousands(m.failed_fast))),
                "{}",
                rows[2][lane + 1]
            );
        }
    }
    // Rows for three lanes, and the two breakers' open spans drawn in theirs.
    assert_eq!(all(&el, ".pipeline svg.breakers rect.row").len(), 3);
    let open = native
        .iter()
        .flat_map(|r| r.transitions.iter().flatten())
        .filter(|t| t.to == playground::sim::circuit_breaker::State::Open)
        .count();
    assert_eq!(all(&el, ".pipeline svg.breakers rect.band-open").len(), open);
    // Give the first lane a breaker: it now runs as the second does.
    let select: web_sys::HtmlSelectElement = all(&el, "label.control")
        .into_iter()
        .find(|l| l.text_content().unwrap_or_default().starts_with("Stages"))
        .and_then(|l| l.query_selector("select").unwrap())
        .unwrap()
        .unchecked_into();
    select.set_value("breaker");
    select.dispatch_event(&web_sys::Event::new("change").unwrap()).unwrap();
    settle().await;
    let mut edited = start.clone();
    edited.lanes[0].breaker = Some(breaker());
    let after = edited.run().unwrap();
    assert_eq!(after[0], after[1]);
    let rows = summary_rows(&el);
    assert!(rows[2][1].contains(&format!("{} failed fast", thousands(after[0].summary.failed_fast))), "{}", rows[2][1]);
    assert!(rows[3][1].ends_with("0 refused with a full queue"), "{}", rows[3][1]);
}

/// Behind a balancer the pipeline widget adds the balancer's and the
/// servers' rows, draws every server's breaker, and re-runs a lane whose
/// balancer, or one of its balancer's settings, changes.
#[wasm_bindgen_test]
async fn a_lane_behind_a_balancer_shows_each_server_and_changes_balancer() {
    use playground::sim::load_balancing::Balancer;
    use playground::sim::pipeline::presets::preset;
    let el = container();
    let start = preset("end-to-end").unwrap();
    let scenario = Scenario::Pipeline(start.clone());
    let _handle = leptos::mount::mount_to(
        el.clone(),
        move || view! { <Widget scenario=scenario mode=Mode::Inline title=None notice=None /> },
    );
    settle().await;
    let thousands = |n: u32| playground::ui::format::thousands(u64::from(n));
    let native = start.run().unwrap();
    let rows = summary_rows(&el);
    let stages: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(
        stages,
        ["Clients", "Rate limiter", "Load balancer", "Circuit breaker", "Servers", "Dependency", "End to end"]
    );
    for (lane, run) in native.iter().enumerate() {
        let m = run.summary;
        let sent: Vec<String> = run.servers.iter().map(|s| thousands(s.sent.iter().sum())).collect();
        assert!(
            rows[2][lane + 1].ends_with(&format!("sent {} to servers 1 to 5", sent.join(" / "))),
            "{}",
            rows[2][lane + 1]
        );
        assert_eq!(
            rows[4][lane + 1],
            format!("{} requests, {} refused with a full queue", thousands(m.servers), thousands(m.server_refused))
        );
        assert!(
            rows[5][lane + 1].starts_with(&format!("{} requests", thousands(m.dependency))),
            "{}",
            rows[5][lane + 1]
        );
    }
    assert!(rows[2][1].starts_with("round robin: "), "{}", rows[2][1]);
    // Every server's breaker in the two lanes that have them, five to a row.
    let open = native
        .iter()
        .flat_map(|r| r.transitions.iter())
        .map(|t| t.iter().filter(|t| t.to == playground::sim::circuit_breaker::State::Open).count())
        .sum::<usize>();
    assert_eq!((open, all(&el, ".pipeline svg.breakers rect.band-open").len()), (40, 40));
    // The first lane's balancer becomes Peak-EWMA: the table follows the native run.
    let select: web_sys::HtmlSelectElement = all(&el, "label.control")
        .into_iter()
        .find(|l| l.text_content().unwrap_or_default().starts_with("Load balancer"))
        .and_then(|l| l.query_selector("select").unwrap())
        .unwrap()
        .unchecked_into();
    select.set_value("peak-ewma");
    select.dispatch_event(&web_sys::Event::new("change").unwrap()).unwrap();
    settle().await;
    let mut edited = start.clone();
    edited.lanes[0].balancer = Balancer::from_key("peak-ewma");
    let after = edited.run().unwrap();
    assert_ne!(after[0], native[0]);
    let rows = summary_rows(&el);
    assert!(rows[2][1].starts_with("Peak-EWMA (tower, Finagle): "), "{}", rows[2][1]);
    let m = after[0].summary;
    assert_eq!(
        rows[4][1],
        format!("{} requests, {} refused with a full queue", thousands(m.servers), thousands(m.server_refused))
    );
    // Peak-EWMA's decay time is among the lane's controls now: the table follows it too.
    let decay: HtmlInputElement = all(&all(&el, "fieldset.lane-controls")[0], "label.control")
        .into_iter()
        .find(|l| l.text_content().unwrap_or_default().starts_with("Decay time"))
        .and_then(|l| l.query_selector("input[type=number]").unwrap())
        .unwrap()
        .unchecked_into();
    set_input(&decay, "1000", "change");
    settle().await;
    edited.lanes[0].balancer = Some(Balancer::PeakEwma { decay_ms: 1000, default_rtt_ms: 30 });
    let decayed = edited.run().unwrap();
    assert_ne!(decayed[0], after[0]);
    let m = decayed[0].summary;
    assert_eq!(
        summary_rows(&el)[4][1],
        format!("{} requests, {} refused with a full queue", thousands(m.servers), thousands(m.server_refused))
    );
    // "Fail it now" changes the dependency behind the servers, not a server.
    let fail: web_sys::HtmlElement = el.query_selector("button[data-action=break]").unwrap().unwrap().unchecked_into();
    fail.click();
    settle().await;
    let status =
        el.query_selector("[role=status]").unwrap().map(|s| s.text_content().unwrap_or_default()).unwrap_or_default();
    assert!(status.starts_with("The dependency fails every request at "), "{status}");
}
