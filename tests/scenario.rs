//! The scenario format: round trips, versioning, determinism, the documented
//! examples, the URL decoder under random input, and the CLI.

use playground::scenario::{self, block, json, presets, url, Scenario};
use proptest::prelude::*;
use std::process::Command;

fn preset(name: &str) -> Scenario {
    presets::named("rate-limiter", name).unwrap()
}

#[test]
fn versions_are_checked_first() {
    let s = preset("overview").to_json();
    let newer = s.replace("\"version\":1", "\"version\":2");
    assert!(Scenario::from_json(&newer).unwrap_err().contains("version 2, newer than"));
    let none = s.replace("\"version\":1,", "");
    assert_eq!(Scenario::from_json(&none).unwrap_err(), "the scenario has no \"version\"");
    let widget = s.replace("rate-limiter", "tic-tac-toe");
    assert_eq!(
        Scenario::from_json(&widget).unwrap_err(),
        format!("unknown widget \"tic-tac-toe\"; known widgets: {}", scenario::KINDS.join(", "))
    );
}

#[test]
fn unknown_fields_and_absurd_numbers_are_refused() {
    let s = preset("overview").to_json();
    let typo = s.replace("\"seed\"", "\"sead\"");
    assert!(Scenario::from_json(&typo).unwrap_err().contains("unknown field \"sead\""));
    let huge = s.replace("\"duration_ms\":20000", "\"duration_ms\":99999999999");
    // A rate limiter runs for up to a day.
    assert!(Scenario::from_json(&huge).unwrap_err().contains("duration_ms must be between 1 and 86400000"));
    let flood =
        s.replace("\"rps\":40.0", "\"rps\":900000.0").replace("\"duration_ms\":20000", "\"duration_ms\":3600000");
    assert!(Scenario::from_json(&flood).unwrap_err().contains("at most 200000 fit in one run"));
    // Requests at or after the run's end are an error, not dropped: listed or fired by hand.
    let late = s.replace("\"duration_ms\":20000", "\"duration_ms\":1000");
    let list = r#""traffic":{"pattern":"list","requests":[[0.0,1],[999.9999,1],[1000.0,2]]}"#;
    let late = late.replace(r#""traffic":{"pattern":"bursty","rps":40.0,"on_ms":500,"off_ms":1500,"cost":1}"#, list);
    assert!(late.contains("999.9999"), "the overview's traffic is no longer bursty at 40 a second: {late}");
    assert_eq!(
        Scenario::from_json(&late).unwrap_err(),
        "request 2 at 1000 ms is at or after the run's end (1000 ms): lengthen duration_ms or remove it"
    );
    let fired = s
        .replace("\"duration_ms\":20000", "\"duration_ms\":1000")
        .replace("\"limiters\"", "\"extra\":[[500.0,1],[1200.5,1]],\"limiters\"");
    assert_eq!(
        Scenario::from_json(&fired).unwrap_err(),
        "hand-fired request 1 at 1200.5 ms is at or after the run's end (1000 ms): lengthen duration_ms or remove it"
    );
}

/// A rate limiter over a day: an hourly limit of 3,600 against two requests
/// a second lets exactly 3,600 through each hour, 86,400 in the day.
#[test]
fn a_rate_limiter_runs_for_a_day() {
    let mut s: playground::scenario::RateLimiterScenario = preset("overview").try_into().unwrap();
    s.duration_ms = 86_400_000;
    s.traffic = playground::sim::kernel::traffic::Traffic::Steady { rps: 2.0, cost: 1 };
    s.limiters = vec![playground::sim::rate_limiter::LimiterConfig::new(
        playground::sim::rate_limiter::Algorithm::FixedWindow,
        3_600,
        3_600_000,
    )];
    let run = &s.run(24).unwrap()[0];
    assert_eq!((run.summary.requests, run.summary.allowed), (172_800, 86_400));
    assert!(run.bins.iter().all(|b| b.allowed == 3_600 && b.rejected == 3_600), "{:?}", run.bins[0]);
}

/// The cross-platform fixtures: the native run must equal the committed
/// output byte for byte; `tests/web.rs` checks the same files in wasm32.
/// Regenerate with `UPDATE_FIXTURES=1 cargo test --test scenario`.
#[test]
fn cross_platform_fixtures_match() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    for name in [
        "poisson-three-lanes",
        "nginx-modes",
        "breaker-outage",
        "ring-remove",
        "shard-hashes",
        "shard-zipf-regions",
        "shard-mongo-balancers",
    ] {
        let input = std::fs::read_to_string(dir.join(format!("{name}.json"))).unwrap();
        let s = Scenario::from_json(&input).unwrap();
        for (ext, out) in [("json", s.run_json().unwrap()), ("csv", s.run_csv().unwrap())] {
            let path = dir.join(format!("{name}.out.{ext}"));
            if std::env::var_os("UPDATE_FIXTURES").is_some() {
                std::fs::write(&path, &out).unwrap();
            }
            assert_eq!(out, std::fs::read_to_string(&path).unwrap(), "{name}.out.{ext}");
        }
    }
}

/// The command line's key-level outputs, byte for byte: `sdp place`,
/// `sdp tables`, `sdp jump`, `sdp shard` and `sdp replay` on the inputs in
/// `tests/fixtures/cli` (and two scenarios of `tests/fixtures`), against the
/// `.out` files beside them. Regenerate with `UPDATE_FIXTURES=1 cargo test
/// --test scenario`.
#[test]
fn command_line_fixtures_match() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let path = |p: &str| dir.join(p).to_str().unwrap().to_string();
    let cases: [(&str, Vec<String>); 5] = [
        ("place", vec!["place".into(), path("ring-remove.json"), path("cli/keys.txt")]),
        ("tables", vec!["tables".into(), path("cli/ring-small.json")]),
        ("jump", vec!["jump".into(), "100".into(), path("cli/jump-keys.txt")]),
        ("shard", vec!["shard".into(), path("shard-hashes.json"), path("cli/shard-keys.txt")]),
        ("replay", vec!["replay".into(), path("cli/replay.json")]),
    ];
    for (name, args) in cases {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_sdp")).args(&args).output().unwrap();
        assert!(out.status.success(), "sdp {name}: {}", String::from_utf8_lossy(&out.stderr));
        let text = String::from_utf8(out.stdout).unwrap();
        let fixture = dir.join(format!("cli/{name}.out"));
        if std::env::var_os("UPDATE_FIXTURES").is_some() {
            std::fs::write(&fixture, &text).unwrap();
        }
        assert_eq!(text, std::fs::read_to_string(&fixture).unwrap(), "sdp {name}");
    }
}

/// Every example in docs/scenarios.md parses, validates and runs.
#[test]
fn documented_examples_run() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/scenarios.md")).unwrap();
    let mut count = 0;
    for chunk in doc.split("```json").skip(1) {
        let json = chunk.split("```").next().unwrap();
        let value: serde_json::Value = serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}\n{json}"));
        if value.get("widget").is_none() {
            // A replay, followed by its first line of output.
            let r = playground::sim::circuit_breaker::replay::Replay::from_json(json)
                .unwrap_or_else(|e| panic!("{e}\n{json}"));
            let shown = chunk.split("```text").nth(1).and_then(|t| t.lines().nth(1)).unwrap_or_default();
            assert_eq!(r.run_json_lines().lines().next(), Some(shown), "the replay example's output");
            continue;
        }
        let s = Scenario::from_json(json).unwrap_or_else(|e| panic!("{e}\n{json}"));
        s.run_json().unwrap();
        count += 1;
    }
    // One example per algorithm.
    assert!(count >= 7, "only {count} examples");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// The link codec gives back exactly what it was given, for random bytes
    /// and for text as repetitive as scenario JSON.
    #[test]
    fn link_compression_round_trips(bytes in prop::collection::vec(any::<u8>(), 0..2000), words in prop::collection::vec("(\"limit\":|\"algorithm\":|[0-9]{1,3}|,|\\{|\\})", 0..300)) {
        use playground::scenario::lz;
        prop_assert_eq!(lz::decompress(&lz::compress(&bytes), 1 << 20).unwrap(), bytes);
        let text = words.concat().into_bytes();
        prop_assert_eq!(lz::decompress(&lz::compress(&text), 1 << 20).unwrap(), text);
    }
}

/// Random JSON: every kind of value, nested, with keys and strings that
/// need escapes and numbers of every form.
fn any_json() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::Value as V;
    let leaf = prop_oneof![
        Just(V::Null),
        any::<bool>().prop_map(V::Bool),
        any::<i64>().prop_map(V::from),
        any::<u64>().prop_map(V::from),
        any::<f64>().prop_filter("finite", |x| x.is_finite()).prop_map(V::from),
        "\\PC{0,12}|[\u{0}-\u{1f}\"\\\\/]{0,4}".prop_map(V::String),
    ];
    leaf.prop_recursive(5, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(V::Array),
            prop::collection::btree_map("\\PC{0,8}", inner, 0..6).prop_map(|m| V::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    /// The scenario format's own JSON reads what serde_json writes and writes
    /// it back byte for byte (keys, escapes, numbers), indented or not.
    #[test]
    fn json_reads_and_writes_as_serde_json(v in any_json()) {
        let compact = serde_json::to_string(&v).unwrap();
        let node = json::parse(&compact).unwrap();
        prop_assert_eq!(json::to_string(&node), compact.clone());
        let pretty = serde_json::to_string_pretty(&v).unwrap();
        prop_assert_eq!(json::to_string(&json::parse(&pretty).unwrap()), compact);
    }

    /// Every finite f64 is written as serde_json writes it and read back to
    /// the same bits; decimal text reads as the correctly rounded f64 (the
    /// standard library's parser is the oracle).
    #[test]
    fn json_numbers_round_trip_and_round_correctly(
        bits in any::<u64>(),
        int in "0|[1-9][0-9]{0,30}",
        frac in "(\\.[0-9]{1,30})?",
        exp in "([eE][+-]?[0-9]{1,3})?",
    ) {
        let x = f64::from_bits(bits);
        if x.is_finite() {
            let text = json::to_string(&x);
            prop_assert_eq!(&text, &serde_json::to_string(&x).unwrap());
            prop_assert_eq!(json::number(&text).map(f64::to_bits), Some(x.to_bits()), "{}", text);
        }
        let text = format!("{int}{frac}{exp}");
        let oracle: f64 = text.parse().unwrap();
        let ours = json::number(&text);
        if oracle.is_finite() {
            prop_assert_eq!(ours.map(f64::to_bits), Some(oracle.to_bits()), "{}", text);
        } else {
            prop_assert_eq!(ours, None, "{}", text);
        }
    }

    /// Random text, and valid documents cut short or with a byte changed,
    /// give a message with a line and column, never a panic.
    #[test]
    fn json_text_never_panics_the_parser(text in ".{0,200}", v in any_json(), cut in 0usize..2000, at in 0usize..2000, b in any::<u8>()) {
        if let Err(e) = json::parse(&text) {
            prop_assert!(e.at <= text.len());
            prop_assert!(e.located(&text).contains(" at line "));
        }
        let doc = serde_json::to_string(&v).unwrap();
        let _ = json::parse(&doc[..doc.floor_char_boundary(cut.min(doc.len()))]);
        let mut bytes = doc.into_bytes();
        let i = at % bytes.len();
        bytes[i] = b;
        if let Ok(text) = String::from_utf8(bytes) {
            let _ = json::parse(&text);
        }
    }
}

/// A widget block of `kind` with the key-value `lines` (a `kind` line among
/// them left out).
fn block_text(kind: &str, lines: Vec<(&str, String)>) -> String {
    std::iter::once(format!("kind: {kind}"))
        .chain(lines.into_iter().filter(|(k, _)| *k != "kind").map(|(k, v)| format!("{k}: {v}")))
        .collect::<Vec<_>>()
        .join("\n")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Random text in the URL gives a message, never a panic.
    #[test]
    fn url_decoder_never_panics(s in ".{0,200}") {
        let _ = url::decode(&s);
    }

    /// Random bytes behind the compressed form's mark give a message, never a
    /// panic or a runaway allocation.
    #[test]
    fn compressed_link_decoder_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let _ = url::decode(&format!("~{}", url::base64url_encode(&bytes)));
    }

    /// Truncated and corrupted links are reported.
    #[test]
    fn damaged_links_are_reported(cut in 0usize..400, flip in 0usize..400, c in proptest::char::range('!', '~')) {
        let good = url::encode(&preset("overview"));
        let truncated = &good[..cut.min(good.len())];
        if truncated.len() < good.len() {
            prop_assert!(url::decode(truncated).is_err());
        }
        let mut bytes: Vec<char> = good.chars().collect();
        let i = flip % bytes.len();
        bytes[i] = c;
        let corrupted: String = bytes.into_iter().collect();
        if let Ok(s) = url::decode(&corrupted) {
            prop_assert!(s.validate().is_ok());
        }
    }

    /// Random widget blocks give a message or a scenario that runs, never a panic.
    #[test]
    fn block_parser_never_panics(lines in prop::collection::vec((prop::sample::select(playground::sim::rate_limiter::block::KEYS.to_vec()), ".{0,12}"), 0..8)) {
        let text = block_text("rate-limiter", lines);
        match block::parse(&text) {
            Ok(b) => {
                let Scenario::RateLimiter(s) = b.scenario else { panic!("not a rate-limiter scenario") };
                prop_assert!(s.run(10).is_ok());
            }
            Err(e) => prop_assert!(!e.is_empty()),
        }
    }

    /// The same for circuit-breaker blocks, with values drawn partly from the
    /// names the keys take, so that some blocks parse.
    #[test]
    fn breaker_block_parser_never_panics(
        lines in prop::collection::vec((
            prop::sample::select(playground::sim::circuit_breaker::block::KEYS.to_vec()),
            prop_oneof![".{0,12}", "[0-9]{1,6}", "[0-9]{16,20}", "(count|time|consecutive)(, (count|time|consecutive))?", "(outage|slow|flapping|yes|no)"],
        ), 0..8)
    ) {
        let text = block_text("circuit-breaker", lines);
        // Parsing either fails with a message that names a line or the
        // scenario's own check, or gives a scenario that runs.
        match block::parse(&text) {
            Ok(b) => {
                let Scenario::CircuitBreaker(s) = b.scenario else { panic!("not a breaker scenario") };
                prop_assert!(s.run(10).is_ok());
            }
            Err(e) => prop_assert!(!e.is_empty()),
        }
    }

    /// The same for hash-ring blocks; small key sets are also run.
    #[test]
    fn hash_ring_block_parser_never_panics(
        lines in prop::collection::vec((
            prop::sample::select(playground::sim::hash_ring::block::KEYS.to_vec()),
            prop_oneof![".{0,12}", "[0-9]{1,5}", "[0-9]{16,20}", "(ring|maglev|jump|bounded-loads)(, (ketama|modulo|rendezvous))?", "(add|none|remove [0-9]{1,2}|reweight [0-9]|uniform|zipf)"],
        ), 0..8)
    ) {
        let text = block_text("hash-ring", lines);
        match block::parse(&text) {
            Ok(b) => {
                let Scenario::HashRing(s) = b.scenario else { panic!("not a hash-ring scenario") };
                prop_assert!(s.validate().is_ok());
                if s.keys.len() <= 5_000 && s.nodes.len() <= 100 {
                    prop_assert!(s.run().is_ok());
                }
            }
            Err(e) => prop_assert!(!e.is_empty()),
        }
    }

    /// The same for caching blocks; small runs are also made.
    #[test]
    fn caching_block_parser_never_panics(
        lines in prop::collection::vec((
            prop::sample::select(playground::sim::caching::block::KEYS.to_vec()),
            prop_oneof![".{0,12}", "[0-9]{1,6}", "[0-9]{16,20}", "0\\.[0-9]{1,3}", "(lru|fifo|lfu|redis-lru|redis-lfu|caffeine|w-tinylfu|moka)(, (lru|redis-lfu|caffeine|moka))?", "(zipf|uniform|scan|loop|shifting|list)"],
        ), 0..8)
    ) {
        let text = block_text("caching", lines);
        match block::parse(&text) {
            Ok(b) => {
                let Scenario::Caching(mut s) = b.scenario else { panic!("not a caching scenario") };
                s.workload.requests = s.workload.requests.min(5_000);
                if s.validate().is_ok() {
                    prop_assert!(s.run().is_ok());
                }
            }
            Err(e) => prop_assert!(!e.is_empty()),
        }
    }

    /// The same for cache-patterns blocks; small runs are also made.
    #[test]
    fn cache_patterns_block_parser_never_panics(
        lines in prop::collection::vec((
            prop::sample::select(playground::sim::cache_patterns::block::KEYS.to_vec()),
            prop_oneof![".{0,12}", "[0-9]{1,6}", "[0-9]{16,20}", "0\\.[0-9]{1,3}", "(true|false|yes|no)", "(cache-aside|read-through|write-through|write-behind)(, (cache-aside|write-behind))?", "(zipf|uniform|scan|loop|shifting|list)"],
        ), 0..8)
    ) {
        let text = block_text("cache-patterns", lines);
        match block::parse(&text) {
            Ok(b) => {
                let Scenario::CachePatterns(mut s) = b.scenario else { panic!("not a cache-patterns scenario") };
                s.workload.requests = s.workload.requests.min(5_000);
                if s.validate().is_ok() {
                    prop_assert!(s.run().is_ok());
                }
            }
            Err(e) => prop_assert!(!e.is_empty()),
        }
    }

    /// The same for sharding blocks; small workloads are also run.
    #[test]
    fn sharding_block_parser_never_panics(
        lines in prop::collection::vec((
            prop::sample::select(playground::sim::sharding::block::KEYS.to_vec()),
            prop_oneof![".{0,12}", "[0-9]{1,5}", "[0-9]{16,20}", "(range|vitess|mongo|citus)(, (hash-mod|consistent|directory))?", "(sequential|timestamps|uniform|zipf|add-shard|split-hottest|none)"],
        ), 0..8)
    ) {
        let text = block_text("sharding", lines);
        match block::parse(&text) {
            Ok(b) => {
                let Scenario::Sharding(mut s) = b.scenario else { panic!("not a sharding scenario") };
                prop_assert!(s.validate().is_ok());
                s.workload.rows = s.workload.rows.min(2_000);
                if s.validate().is_ok() {
                    prop_assert!(s.run().is_ok());
                }
            }
            Err(e) => prop_assert!(!e.is_empty()),
        }
    }

    /// Damaged hash-ring documents (cut short, one character changed, or a
    /// number made huge) give a message or a scenario that runs.
    #[test]
    fn damaged_hash_ring_documents_never_panic(cut in 0usize..600, at in 0usize..600, c in proptest::char::range(' ', '~'), huge in any::<bool>()) {
        let mut s = playground::sim::hash_ring::presets::preset("remove-node").unwrap();
        s.keys = playground::sim::hash_ring::run::KeySet::Uniform { count: 50 };
        let mut text = Scenario::HashRing(s).to_json();
        if huge {
            text = text.replacen("65537", "18446744073709551615", 1);
        }
        let at = at.min(text.len() - 1);
        if text.is_char_boundary(at) && text.is_char_boundary(at + 1) {
            text.replace_range(at..at + 1, &c.to_string());
        }
        text.truncate(cut.max(1).min(text.len()));
        if let Ok(Scenario::HashRing(h)) = Scenario::from_json(&text) {
            prop_assert!(h.run().is_ok());
        }
    }

    /// Random JSON documents give a message or a valid scenario.
    #[test]
    fn json_parser_never_panics(s in "\\{.{0,300}\\}") {
        if let Ok(sc) = Scenario::from_json(&s) {
            prop_assert!(sc.validate().is_ok());
        }
    }
}

fn sdp(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_sdp")).args(args).output().unwrap()
}

/// `sdp replay` prints a line per event; a bad file is refused with its reason.
#[test]
fn cli_replays_events_through_a_breaker() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/circuit_breaker");
    let path = dir.join("replay-cycle.json");
    let out = sdp(&["replay", path.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<serde_json::Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 26);
    assert_eq!(
        lines[9],
        serde_json::json!({"at_ms": 0.0, "event": "failure 0", "state": "OPEN", "failure_rate": 60.0, "slow_call_rate": 20.0,
            "buffered": 5, "failed": 3, "slow": 1, "not_permitted": 0})
    );
    let bad = std::env::temp_dir().join("sdp-replay-bad.json");
    std::fs::write(&bad, r#"{"breaker": {"consecutive": {"fail_max": 5, "reset_timeout_ms": 5000}}, "events": [{"at_ms": 5, "event": "acquire"}, {"at_ms": 1, "event": "acquire"}]}"#).unwrap();
    let out = sdp(&["replay", bad.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("event 2: at_ms goes back in time"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn cli_runs_a_scenario_file() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let out = sdp(&["run", dir.join("nginx-modes.json").to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let expected = std::fs::read_to_string(dir.join("nginx-modes.out.json")).unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap().trim_end(), expected);
}

/// The CSV trace has one row per decision, and the CLI prints the same.
#[test]
fn csv_traces_have_a_row_per_decision() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let input = std::fs::read_to_string(dir.join("nginx-modes.json")).unwrap();
    let s = Scenario::from_json(&input).unwrap();
    let Scenario::RateLimiter(r) = &s else { panic!("not a rate-limiter scenario") };
    let decisions: usize = r.run(1).unwrap().iter().map(|l| l.decisions.len()).sum();
    let csv = s.run_csv().unwrap();
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("lane,algorithm,t_ns,cost,outcome,delay_ns,state"));
    assert_eq!(lines.count(), decisions);
    let out = sdp(&["run", dir.join("nginx-modes.json").to_str().unwrap(), "--csv"]);
    assert_eq!(String::from_utf8(out.stdout).unwrap().trim_end(), csv.trim_end());
    // Placements: a row per node and placement, the removed node with no keys after.
    let ring = Scenario::from_json(&std::fs::read_to_string(dir.join("ring-remove.json")).unwrap())
        .unwrap()
        .run_csv()
        .unwrap();
    assert_eq!(ring.lines().count(), 1 + 3 * 5);
    assert!(ring.lines().any(|l| l.starts_with("1,ketama,cache-4:11211,1,,") && l.ends_with(",0")), "{ring}");
}

#[test]
fn cli_runs_a_circuit_breaker_scenario() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let out = sdp(&["run", dir.join("breaker-outage.json").to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["widget"], "circuit-breaker");
    let breakers = report["breakers"].as_array().unwrap();
    assert_eq!(breakers.len(), 2);
    for b in breakers {
        // Both breakers open during the outage from 15 s and are closed again by the end.
        let transitions = b["transitions"].as_array().unwrap();
        let first_open = transitions.iter().find(|t| t["to"] == "OPEN").expect("the breaker opened");
        assert!(first_open["t_ns"].as_u64().unwrap() > 15_000_000_000);
        assert_eq!(transitions.last().unwrap()["to"], "CLOSED");
        let s = &b["summary"];
        assert_eq!(s["reached"].as_u64().unwrap() + s["failed_fast"].as_u64().unwrap(), s["calls"].as_u64().unwrap());
        assert!(s["failed_fast"].as_u64().unwrap() > 0);
    }
}

/// A hash-ring scenario through the CLI: 10,000 keys on ten caches, then an
/// eleventh. Modulo moves most keys; ketama and jump move only keys onto the
/// new cache, about 1/11 of them.
#[test]
fn cli_runs_a_hash_ring_scenario() {
    let mut s = playground::sim::hash_ring::presets::preset("add-node").unwrap();
    s.keys = playground::sim::hash_ring::run::KeySet::Uniform { count: 10_000 };
    let dir = std::env::temp_dir().join(format!("sdp-ring-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("ring.json");
    std::fs::write(&path, Scenario::HashRing(s).to_json_pretty()).unwrap();
    let out = sdp(&["run", path.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["widget"], "hash-ring");
    let v = report["variants"].as_array().unwrap();
    let moved: Vec<u64> = v.iter().map(|x| x["moved"].as_u64().unwrap()).collect();
    let elsewhere: Vec<u64> = v.iter().map(|x| x["moved_elsewhere"].as_u64().unwrap()).collect();
    assert_eq!(elsewhere[1..], [0, 0], "ketama and jump move keys only onto the new cache");
    assert!(moved[0] > 8_500, "modulo moved only {}", moved[0]);
    for m in &moved[1..] {
        assert!((700..1_300).contains(m), "moved {m} of 10000, ideal 909");
    }
    // (JSON's shortest decimal of 1/11, read back, may differ in the last bit.)
    assert!((v[0]["ideal_fraction"].as_f64().unwrap() - 1.0 / 11.0).abs() < 1e-15);
    // Loads add up to the keys, before and after.
    for x in v {
        for side in ["before", "after"] {
            let total: u64 = x[side]["loads"].as_array().unwrap().iter().map(|l| l.as_u64().unwrap()).sum();
            assert_eq!(total, 10_000);
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// `sdp offline` lists every file of a build (not itself, not hidden staging
/// folders) and versions the worker by their contents, so a deploy that
/// changes any file installs a new cache.
#[test]
fn cli_writes_a_service_worker_that_changes_with_the_build() {
    let dir = std::env::temp_dir().join(format!("sdp-offline-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("content")).unwrap();
    std::fs::create_dir_all(dir.join(".stage")).unwrap();
    std::fs::write(dir.join("index.html"), "<html></html>").unwrap();
    std::fs::write(dir.join("app-1.wasm"), [0u8, 97, 115, 109]).unwrap();
    std::fs::write(dir.join("content/a.html"), "<p>a</p>").unwrap();
    std::fs::write(dir.join(".stage/tmp"), "x").unwrap();
    let version = |dir: &std::path::Path| {
        let out = sdp(&["offline", dir.to_str().unwrap()]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let sw = std::fs::read_to_string(dir.join("sw.js")).unwrap();
        assert!(sw.contains(r#"const FILES = ["/", "/app-1.wasm", "/content/a.html", "/index.html"];"#), "{sw}");
        sw.lines().find(|l| l.starts_with("const VERSION")).unwrap().to_string()
    };
    let first = version(&dir);
    assert_eq!(first, version(&dir), "the same build gives the same version");
    std::fs::write(dir.join("content/a.html"), "<p>changed</p>").unwrap();
    assert_ne!(first, version(&dir), "a changed file gives a new version");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Sharding scenarios through the CLI: sequential ids under ranges answer a
/// range query from one shard where hashing asks all four; splitting the
/// hottest range moves half of it; monotonic timestamps send every new row
/// to the last range.
#[test]
fn cli_runs_sharding_scenarios() {
    let run = |name: &str| {
        let out = sdp(&["preset", "sharding", name]);
        assert!(out.status.success());
        let json = sdp::sdp_with_input(&["run", "-"], std::str::from_utf8(&out.stdout).unwrap());
        serde_json::from_str::<serde_json::Value>(&json).unwrap()
    };
    let r = run("sequential-ids");
    assert_eq!(r["widget"], "sharding");
    let (range, hash) = (&r["schemes"][0], &r["schemes"][1]);
    assert_eq!(range["before"]["rows"], serde_json::json!([24999, 25000, 25000, 25001]));
    assert!(range["before"]["single_shard_queries"].as_f64().unwrap() > 0.99);
    assert_eq!(hash["before"]["shards_per_query"].as_f64().unwrap(), 4.0);
    // The last range holds ids 75000 to 100000; split at its median, its upper half moves.
    assert_eq!(range["rows_moved"], 12_501);
    assert_eq!((range["shards_losing"].as_u64(), range["shards_gaining"].as_u64()), (Some(1), Some(1)));
    let t = run("timestamps");
    assert_eq!(t["schemes"][0]["before"]["recent_hottest_over_mean"].as_f64().unwrap(), 4.0);
    assert!(t["schemes"][1]["before"]["recent_hottest_over_mean"].as_f64().unwrap() < 1.1);
    let a = run("add-shard");
    let moved: Vec<u64> = (0..3).map(|i| a["schemes"][i]["rows_moved"].as_u64().unwrap()).collect();
    assert!((78_000..82_000).contains(&moved[0]), "hash modulo moved {} of 100000, about 4/5 expected", moved[0]);
    // MongoDB hands the new server 3 of 16 chunks, Citus 6 of 32 shards: whole units, about 3/16 of the rows.
    for m in &moved[1..] {
        assert!((17_000..21_000).contains(m), "moved {m}");
    }
    assert_eq!(a["schemes"][1]["shards_gaining"], 1);
}

#[test]
fn cli_reports_bad_input_on_stderr() {
    let dir = std::env::temp_dir().join(format!("sdp-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.json");
    std::fs::write(&bad, "{\"version\":1,\"widget\":\"rate-limiter\",\"seed\":1}").unwrap();
    let out = sdp(&["run", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing field"), "{}", String::from_utf8_lossy(&out.stderr));
    let usage = sdp(&["fly"]);
    assert_eq!(usage.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&usage.stderr).contains("usage:"));
    let p = sdp(&["preset", "rate-limiter", "boundary-burst"]);
    assert!(p.status.success());
    assert_eq!(Scenario::from_json(&String::from_utf8(p.stdout).unwrap()).unwrap(), preset("boundary-burst"));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    /// Random front matter gives a message or a complete header, never a panic.
    #[test]
    fn front_matter_parser_never_panics(
        lines in prop::collection::vec(("(title|summary|category|difficulty|related|widgets|x)", ".{0,20}"), 0..8),
        close in any::<bool>(),
    ) {
        let header: String = lines.iter().map(|(k, v)| format!("{k}: {v}\n")).collect();
        let doc = format!("---\n{header}{}body", if close { "---\n" } else { "" });
        if let Ok((fm, _)) = playground::content::front_matter::split(&doc) {
            prop_assert!(!fm.title.is_empty() && !fm.summary.is_empty());
            prop_assert!(playground::content::front_matter::DIFFICULTIES.contains(&fm.difficulty.as_str()));
        }
    }

    /// Any query string decodes without panicking, and a value set in it
    /// reads back unchanged.
    #[test]
    fn query_strings_never_panic(query in ".{0,80}", value in "[A-Za-z0-9_-]{0,40}") {
        use playground::ui::query::{query_param, with_query_param};
        let _ = query_param(&query, "s");
        let with = with_query_param(&query, "s", Some(&value));
        prop_assert_eq!(query_param(&with, "s"), Some(value));
    }

    /// Whatever a page's address or a slot's JSON holds, a widget page's
    /// slot starts a widget of its kind (the link's, or the default with a
    /// notice) and an inline slot a scenario or a message, never a panic.
    #[test]
    fn any_address_or_slot_json_starts_a_widget_or_says_why(query in "\\??(s=)?[A-Za-z0-9_%=&-]{0,80}", json in ".{0,80}") {
        use playground::widgets::Mode;
        for kind in playground::scenario::KINDS {
            let (s, notice) = playground::mount::slot_scenario(kind, Mode::Page, "", &query).unwrap();
            prop_assert_eq!(s.widget(), *kind);
            if notice.is_some() {
                prop_assert_eq!(Some(s), playground::widgets::default_scenario(kind));
            }
        }
        if let Err(e) = playground::mount::slot_scenario("rate-limiter", Mode::Inline, &json, "") {
            prop_assert!(!e.is_empty());
        }
    }
}

#[test]
fn resizing_a_hash_ring_keeps_its_change_meaningful() {
    use playground::sim::hash_ring::run::Change;
    let mut s = playground::sim::hash_ring::presets::preset("add-node").unwrap();
    s.resize(12);
    let names: Vec<&str> = s.nodes.iter().map(|n| n.name.as_str()).collect();
    assert_eq!(names[10..], ["cache-11:11211", "cache-12:11211"]);
    // The node the change adds had to make way: it takes the next free name.
    assert_eq!(s.change, Some(Change::Add(playground::sim::hash_ring::Node::new("cache-13:11211"))));
    let mut r = playground::sim::hash_ring::presets::preset("remove-node").unwrap();
    r.resize(3);
    assert_eq!(r.change, Some(Change::Remove("cache-3:11211".into())));
    assert!(r.validate().is_ok());
    // Committing makes the nodes after the change the start.
    r.commit();
    assert_eq!((r.nodes.len(), r.change.clone()), (2, None));
    assert_eq!(r.next_name(), "cache-3:11211");
}

#[path = "support/presets.rs"]
mod support;

#[path = "support/sdp.rs"]
mod sdp;

/// Every preset of every family validates, round-trips through JSON and a
/// link, and runs to the committed bytes (`tests/web.rs` checks the same
/// lines in wasm32); every article block parses to the committed scenario.
/// Regenerate with `UPDATE_FIXTURES=1 cargo test --test scenario`.
#[test]
fn every_preset_and_block_matches_its_digest() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/presets.digest");
    let cli = |args: &[&str]| {
        let out = sdp(args);
        assert!(out.status.success(), "sdp {args:?}");
        format!("sdp {} {:016x}", args.join(" "), xxhash_rust::xxh64::xxh64(&out.stdout, 0))
    };
    let lines = support::preset_lines()
        .into_iter()
        .chain(support::block_lines())
        .chain([cli(&["presets"]), cli(&["widgets"])])
        .collect::<Vec<_>>()
        .join("\n")
        + "\n";
    if std::env::var_os("UPDATE_FIXTURES").is_some() {
        std::fs::write(&path, &lines).unwrap();
    }
    let expected = std::fs::read_to_string(&path).unwrap();
    for (got, want) in lines.lines().zip(expected.lines()) {
        assert_eq!(got, want);
    }
    assert_eq!(lines.lines().count(), expected.lines().count(), "presets and blocks listed");
}

/// A reader that stops early (`sdp run --csv x.json | head`) ends the run
/// quietly: no panic, exit status 0.
#[test]
fn the_cli_stops_quietly_when_its_reader_does() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    let dir = std::env::temp_dir().join(format!("sdp-pipe-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("zipf.json");
    std::fs::write(&file, sdp(&["preset", "caching", "zipf"]).stdout).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_sdp"))
        .args(["run", "--csv", file.to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
    assert_eq!(first, "lane,policy,request,t_ms,key,hit,evicted\n");
    // The reader is dropped here, with 600,000 rows unread.
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{:?}: {}", out.status, String::from_utf8_lossy(&out.stderr));
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
}

/// Indented export is serde_json's pretty printing, byte for byte, made
/// from the compact text: every preset, and any JSON value.
#[test]
fn indented_json_is_serde_jsons_pretty_printing() {
    for (kind, name, s) in presets::all() {
        let value: serde_json::Value = serde_json::from_str(&s.to_json()).unwrap();
        assert_eq!(s.to_json_pretty(), serde_json::to_string_pretty(&value).unwrap(), "{kind} {name}");
        assert_eq!(s.to_json(), serde_json::to_string(&value).unwrap(), "{kind} {name}");
    }
}

/// Every preset reads back from its compact and its indented JSON as the
/// same scenario.
#[test]
fn every_preset_reads_back_from_its_json() {
    for (kind, name, s) in presets::all() {
        assert_eq!(Scenario::from_json(&s.to_json()).as_ref(), Ok(&s), "{kind} {name}");
        assert_eq!(Scenario::from_json(&s.to_json_pretty()).as_ref(), Ok(&s), "{kind} {name}");
    }
}

proptest! {
    #[test]
    fn indenting_compact_json_matches_serde_json(v in any_json()) {
        let compact = serde_json::to_string(&v).unwrap();
        prop_assert_eq!(scenario::indent(&compact), serde_json::to_string_pretty(&v).unwrap());
    }
}
