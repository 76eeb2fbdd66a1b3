//! The pipeline: each stage alone decides exactly what its own widget
//! decides on the same arrivals, its books balance stage by stage, and its
//! parsers refuse bad input with a message.

use playground::scenario::block::parse;
use playground::scenario::{Scenario, VERSION};
use playground::sim::circuit_breaker::presets as breaker_presets;
use playground::sim::kernel::traffic::Traffic;
use playground::sim::pipeline::presets::{breaker, lane, limiter, preset};
use playground::sim::pipeline::scenario::{DependencyModel, PipelineScenario};
use playground::sim::pipeline::Lane;
use playground::sim::rate_limiter::presets as limiter_presets;
use playground::sim::rate_limiter::run::decide_all;
use playground::sim::retries::presets as retries_presets;
use playground::sim::retries::scenario::DependencyConfig;
use playground::sim::retries::Policy;
use proptest::prelude::*;

/// A pipeline of one layer and `lanes` over `traffic`, with `dependency`.
fn pipeline(
    seed: u64,
    duration_ms: u64,
    traffic: Traffic,
    dependency: DependencyModel,
    lanes: Vec<Lane>,
) -> PipelineScenario {
    PipelineScenario {
        widget: Default::default(),
        version: VERSION,
        seed,
        duration_ms,
        traffic,
        layers: 1,
        try_timeout_ms: None,
        deadline_ms: None,
        dependency,
        events: Vec::new(),
        lanes,
        view: Default::default(),
    }
}

/// A dependency that serves everything at once and never fails.
const AMPLE: DependencyConfig = DependencyConfig { concurrency: 10_000, queue: 0, mean_ms: 1.0, failure: 0.0 };

#[test]
fn a_rate_limiter_alone_decides_as_the_rate_limiter_widget() {
    let mut compared = 0;
    for (name, _) in limiter_presets::PRESETS {
        let rl = limiter_presets::preset(name).unwrap();
        if !rl.extra.is_empty() {
            continue;
        }
        let requests = rl.requests();
        for config in &rl.limiters {
            let p = pipeline(
                rl.seed,
                rl.duration_ms,
                rl.traffic.clone(),
                DependencyModel::Queue(AMPLE),
                vec![lane("none", Some(config.clone()), None)],
            );
            let run = &p.run().unwrap()[0];
            assert_eq!(run.admissions, decide_all(config, &requests).unwrap(), "{name}: {config:?}");
            assert_eq!(run.summary.sent as usize, requests.len());
            compared += 1;
        }
    }
    assert!(compared >= 10, "only {compared} limiters compared");
}

#[test]
fn a_breaker_alone_decides_as_the_circuit_breaker_widget() {
    let mut compared = 0;
    for (name, _) in breaker_presets::PRESETS {
        let cb = breaker_presets::preset(name).unwrap();
        let runs = cb.run(0).unwrap();
        for (config, widget) in cb.breakers.iter().zip(&runs) {
            let p = pipeline(
                cb.seed,
                cb.duration_ms,
                cb.traffic.clone(),
                DependencyModel::Script(cb.dependency.clone()),
                vec![Lane {
                    retry: Policy::named("none").unwrap(),
                    limiter: None,
                    balancer: None,
                    breaker: Some(config.clone()),
                }],
            );
            let run = &p.run().unwrap()[0];
            let reached: Vec<bool> = widget.calls.iter().map(|c| c.reached).collect();
            assert_eq!(run.permits, reached, "{name}");
            assert_eq!(run.transitions, std::slice::from_ref(&widget.transitions), "{name}");
            // A call failed fast or at the dependency is a failed user request, with the same latency.
            let ok: Vec<bool> = widget.calls.iter().map(|c| !c.failed).collect();
            assert_eq!(run.ok, ok, "{name}");
            compared += 1;
        }
    }
    assert!(compared >= 10, "only {compared} breakers compared");
}

#[test]
fn retrying_clients_alone_run_as_the_retries_widget() {
    for (name, _) in retries_presets::PRESETS {
        let r = retries_presets::preset(name).unwrap();
        let mut p = pipeline(
            r.seed,
            r.duration_ms,
            r.traffic.clone(),
            DependencyModel::Queue(r.dependency),
            r.policies.iter().map(|&retry| Lane { retry, limiter: None, balancer: None, breaker: None }).collect(),
        );
        (p.layers, p.try_timeout_ms, p.deadline_ms, p.events) =
            (r.layers, r.try_timeout_ms, r.deadline_ms, r.events.clone());
        assert_eq!(p.run().unwrap(), r.run().unwrap(), "{name}");
    }
}

#[test]
fn a_load_balancer_alone_answers_as_the_load_balancing_widget() {
    use playground::sim::load_balancing::run::Outcome;
    use playground::sim::load_balancing::{envoy::Ejection, presets as lb_presets, Balancer};
    use playground::sim::pipeline::scenario::Pool;
    let (mut compared, mut timed_out, mut failed) = (0, 0, 0);
    for (name, _) in lb_presets::PRESETS {
        let base = lb_presets::preset(name).unwrap();
        // The preset's balancers, then Envoy's outlier detection, nginx
        // random and the smooth weighted round robin; with no client
        // timeout and with one of 50 ms.
        let others = vec![
            Balancer::LeastRequest { choices: 2, ejection: Some(Ejection::default()) },
            Balancer::Random,
            Balancer::SmoothWeighted,
        ];
        for balancers in [base.balancers.clone(), others] {
            for timeout in [None, Some(50)] {
                let mut lb = base.clone();
                (lb.balancers, lb.timeout_ms) = (balancers.clone(), timeout);
                let mut p = pipeline(
                    lb.seed,
                    lb.duration_ms,
                    lb.traffic.clone(),
                    DependencyModel::Servers(Pool {
                        service: lb.service,
                        servers: lb.servers.clone(),
                        events: lb.events.clone(),
                        dependency: None,
                    }),
                    balancers
                        .iter()
                        .map(|&b| Lane {
                            retry: Policy::named("none").unwrap(),
                            limiter: None,
                            balancer: Some(b),
                            breaker: None,
                        })
                        .collect(),
                );
                p.try_timeout_ms = timeout.map(|t| t as f64);
                let widget = lb.run().unwrap();
                let chain = p.run().unwrap();
                for (i, (w, c)) in widget.iter().zip(&chain).enumerate() {
                    let what = format!("{name}, {:?}, timeout {timeout:?}", balancers[i]);
                    let ok: Vec<bool> = w.outcome.iter().map(|&o| o == Outcome::Ok).collect();
                    assert_eq!(c.ok, ok, "{what}");
                    assert_eq!(c.latency, w.latency, "{what}");
                    assert_eq!(c.servers, w.servers, "{what}");
                    assert_eq!(c.summary.no_server, w.summary.no_server, "{what}");
                    assert_eq!(c.summary.refused, w.summary.dropped, "{what}");
                    compared += 1;
                    (timed_out, failed) = (timed_out + w.summary.timed_out, failed + w.summary.failed);
                }
            }
        }
    }
    // Every path was taken: timeouts, and servers stopped under requests.
    assert_eq!((compared, timed_out, failed), (84, 351_657, 8_438));
}

#[test]
fn the_presets_show_what_each_stage_does() {
    // Outage: the breaker sheds the retries' load and nothing is refused for a full queue.
    let runs = preset("outage").unwrap().run().unwrap();
    let [bare, broken, full] = [&runs[0].summary, &runs[1].summary, &runs[2].summary];
    assert!(bare.refused > 3_000 && broken.refused == 0 && full.refused == 0, "{bare:?} {broken:?}");
    assert!(broken.dependency * 2 < bare.dependency, "{} vs {}", broken.dependency, bare.dependency);
    assert!(broken.latency.p99 * 2 < bare.latency.p99);
    assert!(full.denied > 5_000 && full.retries * 4 < bare.retries);
    assert_eq!(runs[1].transitions[0].first().map(|t| t.at / 1_000_000_000), Some(20));
    // Spike: the limiter refuses at the edge, the dependency's queue overflows far less.
    let runs = preset("spike").unwrap().run().unwrap();
    let [bare, limited] = [&runs[0].summary, &runs[1].summary];
    assert!(limited.limited > 10_000 && limited.refused * 10 < bare.refused, "{bare:?} {limited:?}");
    assert!(limited.ok >= bare.ok, "{} vs {}", limited.ok, bare.ok);
    // End to end: with no breaker, servers hold their slots on the failing
    // dependency until their queues overflow; a breaker per server sheds it.
    let runs = preset("end-to-end").unwrap().run().unwrap();
    let [bare, broken, budget] = [&runs[0].summary, &runs[1].summary, &runs[2].summary];
    assert_eq!((bare.server_refused, broken.server_refused, budget.server_refused), (3_187, 0, 0));
    assert_eq!((bare.latency.p99 / 1_000_000, broken.latency.p99 / 1_000_000), (522, 94));
    assert_eq!((bare.dependency, broken.dependency, budget.dependency), (36_223, 15_775, 15_687));
    assert_eq!((broken.attempts, budget.attempts, budget.denied), (39_865, 26_789, 6_608));
    // Each server's breaker opens at the outage, tries again every 5 s, and closes after it.
    use playground::sim::circuit_breaker::State;
    for t in &runs[1].transitions {
        let opens = t.iter().filter(|x| x.to == State::Open).count();
        assert_eq!((t.len(), opens, t[0].at / 1_000_000_000, t.last().map(|x| x.to)), (9, 4, 20, Some(State::Closed)));
    }
}

/// Each lane's books balance: every attempt entering the stages is refused
/// by the limiter, finds no server, is failed fast by a breaker, or reaches
/// the dependency or a server.
fn books_balance(p: &PipelineScenario) {
    for (lane, run) in p.lanes.iter().zip(p.run().unwrap()) {
        let m = run.summary;
        assert!(m.ok <= m.users);
        assert_eq!(run.ok.iter().filter(|&&ok| ok).count() as u32, m.ok);
        let passed = m.sent - m.limited;
        let picked = passed - m.no_server;
        match lane.limiter {
            Some(_) => assert_eq!(run.admissions.len() as u32, m.sent),
            None => assert_eq!((m.limited, m.delayed, run.admissions.len()), (0, 0, 0)),
        }
        match lane.breaker {
            Some(_) => {
                assert_eq!(run.permits.len() as u32, picked);
                assert_eq!(run.permits.iter().filter(|&&p| !p).count() as u32, m.failed_fast);
            }
            None => assert_eq!((m.failed_fast, run.permits.len()), (0, 0)),
        }
        match &p.dependency {
            DependencyModel::Servers(pool) => {
                assert_eq!(m.servers, picked - m.failed_fast);
                match pool.dependency {
                    // A server calls the dependency for each request it starts.
                    Some(_) => assert!(m.dependency <= m.servers - m.server_refused),
                    None => assert_eq!((m.dependency, m.refused), (m.servers, m.server_refused)),
                }
                assert_eq!(
                    (run.servers.len(), run.transitions.len()),
                    (pool.servers.len(), lane.breaker.as_ref().map_or(0, |_| pool.servers.len()))
                );
                // Every pick within the run is in some server's slices.
                let in_run: u32 = run.servers.iter().flat_map(|s| s.sent.iter()).sum();
                assert!(in_run <= picked);
                if p.try_timeout_ms.is_none() && p.deadline_ms.is_none() {
                    // With no timeouts, a server's busy time is never more than its slots allow.
                    for (s, server) in run.servers.iter().zip(&pool.servers) {
                        let slice = p.duration_ms * 1_000_000 / 100 + 1;
                        assert!(s.busy_ns.iter().all(|&b| b <= slice * u64::from(server.concurrency)));
                    }
                }
            }
            _ => {
                assert_eq!(m.dependency, picked - m.failed_fast);
                assert_eq!((m.no_server, m.servers, run.servers.len()), (0, 0, 0));
            }
        }
        if p.layers == 1 {
            assert_eq!(m.sent, m.attempts);
        }
        // The slices count what happened within the run; the totals, the backlog after it too.
        let slices = |f: fn(&playground::sim::retries::run::Slice) -> u32| run.slices.iter().map(f).sum::<u32>();
        assert!(slices(|s| s.sent) <= m.sent && slices(|s| s.limited) <= m.limited);
        assert!(slices(|s| s.failed_fast) <= m.failed_fast && slices(|s| s.dependency) <= m.dependency);
        assert_eq!(slices(|s| s.users), m.users);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    #[test]
    fn every_attempt_is_accounted_for_at_every_stage(
        seed in 0u64..1_000,
        rps in 50.0f64..600.0,
        layers in 1u32..3,
        limit in 50u32..800,
        policy in prop::sample::select(Policy::NAMED.iter().map(|n| n.0).collect::<Vec<_>>()),
        failure in 0.0f64..1.0,
    ) {
        let mut p = preset("outage").unwrap();
        p.seed = seed;
        p.duration_ms = 10_000;
        p.layers = layers;
        p.traffic = Traffic::Poisson { rps, cost: 1 };
        p.events.clear();
        if let DependencyModel::Queue(d) = &mut p.dependency {
            d.failure = failure;
        }
        p.lanes = vec![
            lane(policy, Some(limiter(limit)), Some(breaker())),
            lane(policy, None, Some(breaker())),
            lane(policy, Some(limiter(limit)), None),
        ];
        books_balance(&p);
    }

    #[test]
    fn every_attempt_is_accounted_for_behind_a_balancer(
        seed in 0u64..1_000,
        rps in 50.0f64..900.0,
        layers in 1u32..3,
        limit in 50u32..800,
        policy in prop::sample::select(Policy::NAMED.iter().map(|n| n.0).collect::<Vec<_>>()),
        balancer in prop::sample::select(playground::sim::load_balancing::Balancer::all().to_vec()),
        timeout in prop::option::of(5.0f64..200.0),
        behind in prop::bool::ANY,
    ) {
        let mut p = preset(if behind { "end-to-end" } else { "servers" }).unwrap();
        p.seed = seed;
        p.duration_ms = 10_000;
        p.layers = layers;
        p.try_timeout_ms = timeout;
        p.traffic = Traffic::Poisson { rps, cost: 1 };
        // The fourth server stops at 2 s and returns at 6 s, or the
        // dependency behind the servers fails from 2 s to 4 s.
        if let DependencyModel::Servers(pool) = &mut p.dependency {
            pool.events.iter_mut().for_each(|e| e.at_ms /= 10.0);
        }
        p.events.iter_mut().for_each(|e| e.at_ms /= 10.0);
        let with = |l: Lane| Lane { balancer: Some(balancer), ..l };
        p.lanes = vec![
            with(lane(policy, Some(limiter(limit)), Some(breaker()))),
            with(lane(policy, None, Some(breaker()))),
            with(lane(policy, Some(limiter(limit)), None)),
        ];
        books_balance(&p);
    }

    #[test]
    fn pipeline_block_parser_never_panics(
        lines in prop::collection::vec((prop::sample::select(playground::sim::pipeline::block::KEYS.to_vec()), ".{0,16}"), 0..8)
    ) {
        let mut text = String::from("kind: pipeline\n");
        let mut seen = std::collections::BTreeSet::new();
        for (k, v) in lines {
            if k != "kind" && seen.insert(k) {
                text.push_str(&format!("{k}: {v}\n"));
            }
        }
        if let Ok(b) = parse(&text) {
            prop_assert!(b.scenario.validate().is_ok());
        }
    }

    #[test]
    fn damaged_pipeline_documents_never_panic(
        name in prop::sample::select(vec!["outage", "servers"]),
        cut in 0usize..1_800,
        at in 0usize..1_800,
        c in proptest::char::range(' ', '~'),
    ) {
        let text = Scenario::from(preset(name).unwrap()).to_json();
        let mut damaged: String = text.chars().take(cut.max(at)).collect();
        damaged.insert(at.min(damaged.len()), c);
        damaged.extend(text.chars().skip(cut.max(at)));
        if let Ok(s) = Scenario::from_json(&damaged) {
            prop_assert!(s.validate().is_ok());
        }
    }
}

#[test]
fn bad_pipelines_are_refused_with_a_message() {
    let with = |f: &dyn Fn(&mut PipelineScenario)| {
        let mut p = preset("outage").unwrap();
        f(&mut p);
        p.validate().unwrap_err()
    };
    assert_eq!(with(&|p| p.lanes.clear()), "compare 1 to 3 lanes, not 0");
    assert_eq!(with(&|p| p.layers = 0), "layers must be between 1 and 3, not 0");
    assert_eq!(
        with(&|p| p.lanes[2].limiter.as_mut().unwrap().limit = 0),
        "token-bucket: limit must be between 1 and 1000000, not 0"
    );
    assert_eq!(
        with(&|p| p.dependency =
            DependencyModel::Script(playground::sim::circuit_breaker::run::Dependency { phases: vec![] })),
        "the dependency needs a first phase at at_ms 0"
    );
    assert_eq!(
        with(&|p| p.lanes[0].balancer = Some(playground::sim::load_balancing::Balancer::Random)),
        "a balancer needs servers to balance: the dependency must be {\"servers\": …}"
    );
    let servers = |f: &dyn Fn(&mut playground::sim::pipeline::scenario::Pool)| {
        with(&|p| {
            let mut pool = playground::sim::pipeline::presets::pool();
            f(&mut pool);
            p.events.clear();
            p.dependency = DependencyModel::Servers(pool);
        })
    };
    assert_eq!(servers(&|pool| pool.servers.clear()), "compare 1 to 20 servers, not 0");
    assert_eq!(
        servers(&|pool| pool.servers[2].concurrency = 0),
        "server 3: concurrency must be between 1 and 1000, not 0"
    );
    assert_eq!(servers(&|pool| pool.events[0].server = 11), "an event names server 11; servers are 1 to 10");
    assert_eq!(
        with(&|p| p.dependency = DependencyModel::Servers(playground::sim::pipeline::presets::pool())),
        "servers change by the pool's own events; the scenario's events change a dependency behind them, and there is none"
    );
    let json = Scenario::from(preset("outage").unwrap()).to_json().replace("\"queue\":{", "\"queued\":{");
    assert!(Scenario::from_json(&json).unwrap_err().starts_with(
        "invalid pipeline scenario: unknown choice \"queued\"; expected one of \"queue\", \"script\", \"servers\" at line 1 column "
    ));
}

/// The numbers the article "Defences in layers" quotes, from the engine.
#[test]
fn the_articles_numbers_come_from_the_engine() {
    let ms = |ns: u64| (ns as f64 / 1e6).round() as u64;
    let article = include_str!("../articles/resilience-pipeline.md");
    let quotes = |text: &str| assert!(article.contains(text), "the article no longer says `{text}`");

    let runs = preset("one-stage").unwrap().run().unwrap();
    assert_eq!(
        [runs[0].summary.failed_fast, runs[1].summary.failed_fast, runs[2].summary.failed_fast],
        [446, 398, 1_417]
    );
    assert_eq!(runs[0].transitions, runs[2].transitions);
    quotes("fails 446 calls fast and the second lane's pybreaker 398");

    let runs = preset("outage").unwrap().run().unwrap();
    let (bare, broken, budget) = (&runs[0], &runs[1], &runs[2]);
    assert_eq!((bare.summary.refused, ms(bare.summary.latency.p99), ms(broken.summary.latency.p99)), (3_486, 232, 91));
    let times: Vec<u64> = broken.transitions[0].iter().map(|t| t.at / 1_000_000).collect();
    assert_eq!((times[0], times[times.len() - 2], times[times.len() - 1]), (20_026, 40_169, 40_267));
    assert_eq!((bare.summary.ok, broken.summary.ok, bare.summary.users), (15_852, 15_637, 23_702));
    assert_eq!((budget.summary.retries, broken.summary.retries, budget.summary.denied), (3_045, 16_130, 6_519));
    quotes("refused outright, and the 99th percentile of the requests that do succeed over the run reaches 232 ms");
    quotes("66.0% against 66.9%");
    quotes("make 3,045 retries over the run against 16,130, because the budget refuses 6,519");

    let spike = preset("spike").unwrap();
    let runs = spike.run().unwrap();
    let [bare, limited, aws] = [&runs[0].summary, &runs[1].summary, &runs[2].summary];
    assert_eq!((bare.refused, limited.refused, limited.limited, aws.denied), (14_589, 826, 13_655, 4_325));
    assert_eq!((bare.ok, limited.ok, aws.ok, ms(aws.latency.p99)), (25_137, 25_173, 25_379, 858));
    quotes("the limiter 13,655, and the same share of users succeed (83.9% against 83.8%)");
    // The second configuration with a breaker where its limiter was.
    let mut breaker_instead = spike.clone();
    breaker_instead.lanes[1] = lane("immediate", None, Some(breaker()));
    let run = &breaker_instead.run().unwrap()[1];
    assert_eq!((run.summary.ok, run.transitions[0][0].at / 10_000_000), (16_049, 2_043));
    quotes("over the run 16,049 against 25,137");

    // Behind a load balancer.
    let runs = preset("servers").unwrap().run().unwrap();
    let sent = |run: &playground::sim::retries::run::LaneRun, s: usize| run.servers[s].sent.iter().sum::<u32>();
    let [rr, lr, guarded] = [&runs[0], &runs[1], &runs[2]];
    assert_eq!((rr.summary.users - rr.summary.ok, sent(rr, 3)), (3, 2_376));
    assert!((0..10).filter(|&s| s != 3).all(|s| (3_702..=3_703).contains(&sent(rr, s))));
    quotes("So 3 of 35,699 requests fail over the run");
    quotes("the stopped server is sent 2,376 requests, against 3,702 or 3,703 for each of the others");
    assert_eq!((sent(lr, 3), lr.summary.users - lr.summary.ok), (4_184, 1_809));
    quotes("It is sent 4,184 requests, and 1,809 fail.");
    let opened = guarded.transitions[3][0].at / 1_000_000 - 20_000;
    assert_eq!((opened, guarded.summary.failed_fast, sent(guarded, 3)), (126, 2_267, 4_673));
    assert!(
        guarded.transitions.iter().enumerate().all(|(s, t)| (s == 3) != t.is_empty()),
        "only the stopped server's breaker opens"
    );
    assert_eq!(format!("{:.2}%", f64::from(guarded.summary.ok) * 100.0 / f64::from(guarded.summary.users)), "99.86%");
    quotes("opens 126 ms into the outage and fails 2,267 calls fast");
    quotes("even more: 4,673 requests. The retries land on other servers, and 99.86% of users succeed");

    // End to end.
    let runs = preset("end-to-end").unwrap().run().unwrap();
    let [bare, broken, budget] = [&runs[0], &runs[1], &runs[2]];
    assert_eq!((bare.summary.server_refused, ms(bare.summary.latency.p99)), (3_187, 523));
    quotes("refuse 3,187 requests, and the 99th percentile over the run reaches 523 ms");
    let last_open = broken.transitions.iter().map(|t| t[0].at / 1_000_000).max().unwrap();
    assert!((20_080..20_090).contains(&last_open), "{last_open}");
    assert_eq!(
        (broken.summary.dependency, bare.summary.dependency, ms(broken.summary.latency.p99)),
        (15_775, 36_223, 94)
    );
    let share = |run: &playground::sim::retries::run::LaneRun| {
        format!("{:.2}%", f64::from(run.summary.ok) * 100.0 / f64::from(run.summary.users))
    };
    assert_eq!((share(broken), share(bare)), ("65.96%".to_string(), "67.48%".to_string()));
    quotes("each opens within 90 ms of the outage's start. The dependency receives 15,775 requests over the run instead of 36,223");
    quotes("65.96% of users against 67.48%");
    assert_eq!(
        (budget.summary.attempts, broken.summary.attempts, budget.summary.denied, budget.summary.limited),
        (26_789, 39_865, 6_608, 0)
    );
    quotes("Its clients make 26,789 attempts against 39,865, because the budget refuses 6,608 retries");
}

/// The leaves of a YAML block as dotted paths and values: list items
/// (`- `) continue their parent's path, comments and document markers are
/// skipped. Enough for the Envoy configuration the article shows.
fn yaml_leaves(yaml: &str) -> Vec<(String, String)> {
    let mut stack: Vec<(usize, String)> = Vec::new();
    let mut leaves: Vec<(String, String)> = Vec::new();
    for line in yaml.lines() {
        let line = line.split(" #").next().unwrap().trim_end();
        if line.trim().is_empty() || line.trim_start().starts_with('#') || line == "---" {
            continue;
        }
        let mut indent = line.len() - line.trim_start().len();
        let mut content = line.trim_start();
        if let Some(rest) = content.strip_prefix("- ") {
            indent += 2;
            content = rest;
        }
        while stack.last().is_some_and(|(i, _)| *i >= indent) {
            stack.pop();
        }
        let (key, value) = content.split_once(':').unwrap_or_else(|| panic!("`{line}` is not a key"));
        let path = stack.iter().map(|(_, k)| k.as_str()).chain([key]).collect::<Vec<_>>().join(".");
        match value.trim() {
            "" => stack.push((indent, key.to_string())),
            v => leaves.push((path, v.to_string())),
        }
    }
    leaves
}

/// The Envoy configuration the article "Defences in layers" shows is the
/// outage preset's third lane: the sidecar's retry policy and retry budget
/// are its retry policy, the edge's local rate limit its token bucket.
#[test]
fn the_articles_envoy_config_is_its_outage_lane() {
    use playground::sim::rate_limiter::Algorithm;
    use playground::sim::retries::backoff::Backoff;
    use playground::sim::retries::budget::Budget;
    let article = include_str!("../articles/resilience-pipeline.md");
    let start = article.find("```yaml\n").expect("a yaml block") + "```yaml\n".len();
    let leaves = yaml_leaves(&article[start..start + article[start..].find("```").unwrap()]);
    let get = |path: &str| -> &str {
        let found: Vec<&str> = leaves.iter().filter(|(p, _)| p == path).map(|(_, v)| v.as_str()).collect();
        assert_eq!(found.len(), 1, "`{path}` is set once");
        found[0]
    };
    // Envoy's durations: "0.025s".
    let ms = |path: &str| (get(path).strip_suffix('s').unwrap().parse::<f64>().unwrap() * 1_000.0).round();
    assert_eq!(get("route.cluster"), get("clusters.name"));
    let retry_on: Vec<&str> = get("route.retry_policy.retry_on").split(',').collect();
    assert_eq!(retry_on, ["5xx", "retriable-status-codes"]);
    // The limiter's refusals: the widget's clients retry every failure.
    assert_eq!(get("route.retry_policy.retriable_status_codes"), "[429]");
    let budget = "clusters.circuit_breakers.thresholds.retry_budget";
    let retry = Policy {
        max_attempts: get("route.retry_policy.num_retries").parse::<u32>().unwrap() + 1,
        backoff: Backoff::Envoy {
            base_ms: ms("route.retry_policy.retry_back_off.base_interval") as u32,
            max_ms: ms("route.retry_policy.retry_back_off.max_interval") as u32,
        },
        budget: Budget::Envoy {
            percent: get(&format!("{budget}.budget_percent.value")).parse().unwrap(),
            min_concurrency: get(&format!("{budget}.min_retry_concurrency")).parse().unwrap(),
        },
        hedge_ms: None,
        backup: None,
    };
    assert_eq!(retry.key(), Some("envoy-budget"));

    let filter = "http_filters.typed_config";
    let types: Vec<&str> =
        leaves.iter().filter(|(p, _)| *p == format!("{filter}.\"@type\"")).map(|(_, v)| v.as_str()).collect();
    assert!(types[0].ends_with("local_ratelimit.v3.LocalRateLimit") && types[1].ends_with("router.v3.Router"));
    for gate in ["filter_enabled", "filter_enforced"] {
        assert_eq!(get(&format!("{filter}.{gate}.default_value.numerator")), "100");
        assert_eq!(get(&format!("{filter}.{gate}.default_value.denominator")), "HUNDRED");
    }
    let bucket = |key: &str| get(&format!("{filter}.token_bucket.{key}"));
    let (max_tokens, per_fill): (u32, u32) =
        (bucket("max_tokens").parse().unwrap(), bucket("tokens_per_fill").parse().unwrap());
    let fill_ms = ms(&format!("{filter}.token_bucket.fill_interval")) as u64;

    let outage = preset("outage").unwrap();
    let lane = &outage.lanes[2];
    assert_eq!(lane.retry, retry);
    let limiter = lane.limiter.as_ref().expect("the third lane has a limiter");
    assert_eq!(
        (limiter.algorithm, limiter.limit, limiter.period_ms, limiter.effective_burst()),
        (Algorithm::TokenBucket, per_fill, fill_ms, max_tokens)
    );
    assert!(lane.breaker.is_some() && lane.balancer.is_none());
}
