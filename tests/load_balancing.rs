//! The load-balancing engine against a real nginx's pick order, queueing
//! theory, and its own invariants.

use playground::sim::kernel::rng::Rng;
use playground::sim::kernel::time::{Nanos, MS, SEC};
use playground::sim::kernel::traffic::Traffic;
use playground::sim::load_balancing::run::{run, Outcome, Trial};
use playground::sim::load_balancing::{Balancer, Change, Server, ServerChange, Service};
use proptest::prelude::*;

fn server(weight: u32) -> Server {
    Server { weight, speed: 1.0, concurrency: 1, queue: 1_000 }
}

/// Poisson arrivals at `rps` for `seconds`, with exponential work of mean `mean_ms`.
fn poisson(rps: f64, seconds: u64, mean_ms: f64, seed: u64) -> Trial {
    let span = seconds * SEC;
    let at: Vec<Nanos> =
        Traffic::Poisson { rps, cost: 1 }.generate(span, &mut Rng::new(seed)).iter().map(|r| r.at).collect();
    Trial::new(at, span, &Service::Exponential { mean_ms }, seed)
}

/// `n` Poisson arrivals at `rps` (the traffic patterns stop at 200,000
/// requests; the queueing laws want more), with exponential work of mean `mean_ms`.
fn long_poisson(rps: f64, n: usize, mean_ms: f64, seed: u64) -> Trial {
    let mut rng = Rng::new(seed);
    let mut t = 0.0;
    let at: Vec<Nanos> = (0..n)
        .map(|_| {
            t += rng.exponential(1e9 / rps);
            t as Nanos
        })
        .collect();
    let span = at[n - 1] + 1;
    Trial::new(at, span, &Service::Exponential { mean_ms }, seed)
}

/// Erlang's C formula: the probability that an arrival waits, for `c`
/// servers offered `a` erlangs.
fn erlang_c(c: u32, a: f64) -> f64 {
    let mut term = 1.0;
    let mut sum = 0.0;
    for k in 0..c {
        if k > 0 {
            term *= a / f64::from(k);
        }
        sum += term;
    }
    let last = term * a / f64::from(c) * f64::from(c) / (f64::from(c) - a);
    last / (sum + last)
}

/// Mean time waiting for a slot, in ms: time to answer less the work (speed 1).
fn mean_wait_ms(trial: &Trial, latency: &[Nanos]) -> f64 {
    let total: f64 = latency.iter().zip(&trial.work).map(|(&l, &w)| (l - w.max(1)) as f64).sum();
    total / latency.len() as f64 / MS as f64
}

#[test]
fn nginx_picks_in_the_order_a_real_nginx_does() {
    let golden: serde_json::Value = serde_json::from_str(include_str!("golden/load_balancing/nginx.json")).unwrap();
    let cases = golden["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 8);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let weights: Vec<u32> =
            case["weights"].as_array().unwrap().iter().map(|w| w.as_u64().unwrap() as u32).collect();
        let picks = case["picks"].as_str().unwrap();
        let n = picks.len();
        let balancer = match case["balancer"].as_str().unwrap() {
            "least-conn" => Balancer::LeastConn,
            _ => Balancer::SmoothWeighted,
        };
        let servers: Vec<Server> = weights.iter().map(|&w| server(w)).collect();
        let down: Vec<ServerChange> = case["down"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| ServerChange { at: 0, server: d.as_u64().unwrap() as usize, change: Change::Stop })
            .collect();
        let at: Vec<Nanos> = (0..n as u64).map(|i| i * MS).collect();
        let trial = Trial { at, work: vec![MS / 10; n], span: n as u64 * MS, lane_seed: 0 };
        let lane = run(&balancer, &servers, &down, None, &trial, 0, 10);
        let got: String = lane.server.iter().map(|&s| (b'a' + s as u8) as char).collect();
        assert_eq!(got, picks, "{name}");
        let status: Vec<u64> = case["status"].as_array().unwrap().iter().map(|s| s.as_u64().unwrap()).collect();
        for (i, (&o, &code)) in lane.outcome.iter().zip(&status).enumerate() {
            assert_eq!(o == Outcome::Failed, code == 502, "{name}: request {i}");
        }
    }
}

#[test]
fn one_server_with_c_slots_waits_as_erlang_c_says() {
    // λ = 80/s on one slot of 10 ms mean (ρ = 0.8): Wq = ρ / (μ − λ) = 40 ms.
    // λ = 320/s on four slots (ρ = 0.8): Wq = C(4, 3.2) / (4μ − λ).
    for (slots, rps) in [(1u32, 80.0), (4, 320.0)] {
        // A million requests: the mean wait of a queue at 80% converges slowly.
        let trial = long_poisson(rps, 1_000_000, 10.0, 42);
        let servers = [Server { weight: 1, speed: 1.0, concurrency: slots, queue: u32::MAX }];
        let lane = run(&Balancer::RoundRobin, &servers, &[], None, &trial, 0, 10);
        assert!(lane.outcome.iter().all(|&o| o == Outcome::Ok));
        let a = rps * 0.010;
        let want = erlang_c(slots, a) / (f64::from(slots) * 100.0 - rps) * 1000.0;
        let got = mean_wait_ms(&trial, &lane.latency);
        // A fixed seed; over a million requests the mean wait at 80% load
        // varies by about 1% from seed to seed.
        assert!((got - want).abs() / want < 0.04, "{slots} slots: {got:.2} ms against Erlang C's {want:.2} ms");
    }
}

#[test]
fn random_over_four_single_servers_makes_four_mm1_queues() {
    // Random splitting of a Poisson stream gives each server Poisson λ/4: M/M/1 at ρ = 0.8.
    let trial = long_poisson(320.0, 1_000_000, 10.0, 7);
    let servers = vec![server(1); 4];
    let lane = run(&Balancer::Random, &servers, &[], None, &trial, 0, 10);
    let got = mean_wait_ms(&trial, &lane.latency);
    assert!((got - 40.0).abs() / 40.0 < 0.04, "{got:.2} ms against 40 ms");
}

#[test]
fn littles_law_holds_for_every_balancer() {
    let trial = poisson(900.0, 20, 8.0, 3);
    let servers = [server(3), server(1), Server { weight: 2, speed: 2.0, concurrency: 2, queue: 5 }];
    let changes = [ServerChange { at: 5 * SEC, server: 1, change: Change::Stop }];
    for balancer in balancers() {
        for timeout in [None, Some(40 * MS)] {
            let lane = run(&balancer, &servers, &changes, timeout, &trial, 1, 50);
            let s = lane.summary;
            // L = λW: the time-average number in the system over the run equals
            // arrivals per unit time times the mean time in the system.
            let span = (s.end - trial.at[0]) as f64;
            let lambda_w = trial.at.len() as f64 / span * s.mean_latency;
            assert!(
                (s.mean_in_system - lambda_w).abs() / lambda_w < 0.01,
                "{balancer:?}: L {} λW {lambda_w}",
                s.mean_in_system
            );
        }
    }
}

fn balancers() -> Vec<Balancer> {
    Balancer::all().to_vec()
}

#[test]
fn smarter_balancers_cut_the_tail_on_uneven_servers() {
    // Two fast servers and one three times slower, at 70% of the pool's capacity.
    let servers = [
        Server { weight: 1, speed: 1.0, concurrency: 1, queue: 10_000 },
        Server { weight: 1, speed: 1.0, concurrency: 1, queue: 10_000 },
        Server { weight: 1, speed: 1.0 / 3.0, concurrency: 1, queue: 10_000 },
    ];
    let trial = poisson(163.0, 300, 10.0, 9);
    let p99 = |b: Balancer| run(&b, &servers, &[], None, &trial, 0, 10).summary.latency.p99;
    let rr = p99(Balancer::RoundRobin);
    let p2c = p99(Balancer::LeastRequest { choices: 2, ejection: None });
    let ewma = p99(Balancer::PeakEwma { decay_ms: 10_000, default_rtt_ms: 30 });
    // Round robin sends the slow server a third of the load, more than it can serve.
    assert!(rr > 10 * p2c, "round robin p99 {rr}, least request {p2c}");
    assert!(ewma < rr / 10, "Peak-EWMA p99 {ewma}, round robin {rr}");
}

#[test]
fn a_stopped_server_fails_what_it_holds_and_nginx_stops_sending_to_it() {
    let trial = poisson(200.0, 30, 10.0, 5);
    let servers = vec![server(1); 4];
    let stop = [ServerChange { at: 10 * SEC, server: 2, change: Change::Stop }];
    let lane = run(&Balancer::RoundRobin, &servers, &stop, None, &trial, 0, 30);
    let failed: Vec<usize> = (0..trial.at.len()).filter(|&i| lane.outcome[i] == Outcome::Failed).collect();
    assert!(!failed.is_empty());
    assert!(failed.iter().all(|&i| lane.server[i] == 2));
    // What it held fails at the stop (one request, in service); that failure
    // takes it out for 10 s, and after the window one probe finds it still
    // down and takes it out again: one failure per window, no more.
    let answered: Vec<Nanos> = failed.iter().map(|&i| trial.at[i] + lane.latency[i]).collect();
    assert_eq!(answered[0], 10 * SEC);
    assert_eq!(answered.len(), 2, "failures answered at {answered:?}");
    assert!(answered[1] > 20 * SEC && answered[1] < 20 * SEC + 100 * MS, "{answered:?}");
    // Least request does not know: it keeps sending a share of requests there.
    let p2c = run(&Balancer::LeastRequest { choices: 2, ejection: None }, &servers, &stop, None, &trial, 0, 30);
    let failed_p2c = p2c.outcome.iter().filter(|&&o| o == Outcome::Failed).count();
    // Drawn to it, even: a refused request leaves it looking idle, and it gets
    // more than its quarter of the requests that arrive after the stop.
    let after_stop = trial.at.iter().filter(|&&t| t >= 10 * SEC).count();
    assert!(failed_p2c * 4 > after_stop, "least request failed {failed_p2c} of {after_stop}");
}

#[test]
fn runs_are_deterministic_and_lanes_share_their_requests() {
    let trial = poisson(500.0, 10, 5.0, 11);
    let again = poisson(500.0, 10, 5.0, 11);
    assert_eq!(trial, again);
    let servers = vec![server(2), server(1), server(1)];
    for b in balancers() {
        assert_eq!(run(&b, &servers, &[], None, &trial, 2, 20), run(&b, &servers, &[], None, &trial, 2, 20));
    }
    // Work is drawn from the trial's seed: the same request brings the same work to every balancer.
    assert_ne!(poisson(500.0, 10, 5.0, 12).work, trial.work);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Every request ends exactly once: its outcome counted, its latency
    /// from arrival to answer, sent to a server unless none could take it;
    /// and what each server was sent adds up to what was sent.
    #[test]
    fn every_request_is_accounted_for(
        seed in any::<u64>(),
        rps in 50.0f64..3_000.0,
        mean in 0.5f64..30.0,
        shape in prop::collection::vec((1u32..5, 1u32..4, 0u32..6, 1u32..4), 1..6),
        pick in 0usize..6,
        timeout in prop::option::of(5u64..200),
        stop in prop::option::of((0usize..6, 0u64..4_000, prop::option::of(0u64..4_000))),
    ) {
        let servers: Vec<Server> = shape.iter().map(|&(w, c, q, sp)| Server { weight: w, speed: f64::from(sp) / 2.0, concurrency: c, queue: q }).collect();
        let trial = poisson(rps, 4, mean, seed);
        let mut changes = Vec::new();
        if let Some((s, at, back)) = stop {
            changes.push(ServerChange { at: at * MS, server: s, change: Change::Stop });
            if let Some(b) = back {
                changes.push(ServerChange { at: (at + b) * MS, server: s, change: Change::Start });
            }
        }
        let balancer = balancers()[pick];
        let lane = run(&balancer, &servers, &changes, timeout.map(|t| t * MS), &trial, 0, 40);
        let s = lane.summary;
        prop_assert_eq!(s.requests as usize, trial.at.len());
        prop_assert_eq!(s.ok + s.failed + s.dropped + s.timed_out + s.no_server, s.requests);
        let sent: u32 = lane.servers.iter().map(|sv| sv.sent.iter().sum::<u32>()).sum();
        prop_assert_eq!(sent as usize, lane.server.iter().filter(|&&x| x != u16::MAX).count());
        prop_assert_eq!(lane.slices.iter().map(|b| b.requests).sum::<u32>(), s.requests);
        // No server is busier than its slots allow in any slice.
        let slice_ns = (4 * SEC).div_ceil(40);
        for (sv, server) in lane.servers.iter().zip(&servers) {
            prop_assert!(sv.busy_ns.iter().all(|&b| b <= u64::from(server.concurrency) * slice_ns));
        }
        for i in 0..trial.at.len() {
            if let Some(t) = timeout {
                prop_assert!(lane.latency[i] <= t * MS);
            }
            if lane.outcome[i] == Outcome::Ok {
                // Served: at least its work at the server's fastest speed (1.5), and never instantly.
                prop_assert!(lane.latency[i] >= (trial.work[i] / 2).max(1) - 1);
                // Never by a stopped server.
                if let Some((srv, at, back)) = stop {
                    let done = trial.at[i] + lane.latency[i];
                    let down = (at * MS, back.map_or(Nanos::MAX, |b| (at + b) * MS));
                    prop_assert!(lane.server[i] as usize != srv || done <= down.0 || done >= down.1);
                }
            }
            prop_assert_eq!(lane.server[i] == u16::MAX, lane.outcome[i] == Outcome::NoServer);
        }
    }

    /// nginx's weighted balancers send each server exactly its weight's
    /// share over whole cycles, and so does Envoy's scheduler when no request
    /// overlaps another; weighted random comes within 2 points of it over
    /// 40,000 requests (eight standard deviations).
    #[test]
    fn weights_are_respected_in_the_long_run(weights in prop::collection::vec(1u32..6, 2..6), seed in any::<u64>()) {
        let servers: Vec<Server> = weights.iter().map(|&w| Server { weight: w, speed: 1.0, concurrency: 100, queue: 0 }).collect();
        let total: u32 = weights.iter().sum();
        for (balancer, n, slack) in [
            (Balancer::SmoothWeighted, u64::from(total) * 200, 1e-12),
            (Balancer::LeastConn, u64::from(total) * 200, 1e-12),
            (Balancer::LeastRequest { choices: 2, ejection: None }, u64::from(total) * 200, 1.5 / (f64::from(total) * 200.0)),
            (Balancer::Random, 40_000, 0.02),
        ] {
            if matches!(balancer, Balancer::LeastRequest { .. }) && weights.iter().all(|&w| w == weights[0]) {
                // Equal weights: Envoy draws at random instead (tested above).
                continue;
            }
            let at: Vec<Nanos> = (0..n).map(|i| i * MS).collect();
            let trial = Trial { at, work: vec![MS / 10; n as usize], span: n * MS, lane_seed: seed };
            let lane = run(&balancer, &servers, &[], None, &trial, 0, 10);
            for (i, &w) in weights.iter().enumerate() {
                let got = lane.server.iter().filter(|&&s| s as usize == i).count() as f64 / n as f64;
                let want = f64::from(w) / f64::from(total);
                prop_assert!((got - want).abs() <= slack, "{:?} server {}: {} against {}", balancer, i, got, want);
            }
        }
    }
}

#[test]
fn envoys_outlier_detection_ejects_a_dead_host_but_never_one_of_nine() {
    use playground::sim::load_balancing::envoy::Ejection;
    let trial = poisson(400.0, 60, 10.0, 13);
    let stop = [
        ServerChange { at: 20 * SEC, server: 3, change: Change::Stop },
        ServerChange { at: 40 * SEC, server: 3, change: Change::Start },
    ];
    let failed = |servers: usize, ejection: Option<Ejection>| {
        let lane = run(
            &Balancer::LeastRequest { choices: 2, ejection },
            &vec![server(1); servers],
            &stop,
            None,
            &trial,
            0,
            60,
        );
        lane.summary.failed
    };
    // Ten hosts: one may be ejected (10%). Five failures in a row eject the
    // dead host for 30 s; it is back (and failing) at the first tick after
    // that, then out again, for 60 s.
    let (plain, ejecting) = (failed(10, None), failed(10, Some(Ejection::default())));
    assert!(plain > 1_000, "{plain}");
    assert!(ejecting <= 12, "{ejecting} with outlier detection");
    // Nine hosts: one ejected would be 11% of them, over the default 10%, so Envoy ejects none.
    assert_eq!(failed(9, Some(Ejection::default())), failed(9, None));
}

// ---------------------------------------------------------------------------
// The article's configuration blocks are the balancers its widgets run.

/// The body of the article's first fenced block in `lang`.
fn fenced<'a>(article: &'a str, lang: &str) -> &'a str {
    let open = format!("```{lang}\n");
    let start = article.find(&open).unwrap_or_else(|| panic!("no {lang} block")) + open.len();
    &article[start..start + article[start..].find("```").unwrap()]
}

/// The nginx `upstream` the article shows is the weighted widget's
/// `least_conn` lane: its servers' weights, and nginx's passive health
/// check as the engine keeps it.
#[test]
fn the_articles_nginx_upstream_is_the_weighted_widgets_least_conn() {
    use playground::sim::load_balancing::pool::{NGINX_FAIL_TIMEOUT, NGINX_MAX_FAILS};
    use playground::sim::load_balancing::presets::preset;
    let article = std::fs::read_to_string("articles/load-balancing.md").unwrap();
    let (mut balancer, mut weights, mut upstream) = (Balancer::SmoothWeighted, Vec::new(), "");
    for line in fenced(&article, "nginx").lines().map(str::trim).filter(|l| !l.is_empty()) {
        let words: Vec<&str> = line.trim_end_matches(['{', ';']).split_whitespace().collect();
        match words[0] {
            "upstream" => upstream = words[1],
            "least_conn" => balancer = Balancer::LeastConn,
            "server" => {
                let mut weight = 1;
                for w in &words[2..] {
                    let (key, value) = w.split_once('=').unwrap();
                    match key {
                        "weight" => weight = value.parse().unwrap(),
                        "max_fails" => assert_eq!(value.parse::<u32>().unwrap(), NGINX_MAX_FAILS),
                        "fail_timeout" => {
                            assert_eq!(
                                value.strip_suffix('s').unwrap().parse::<u64>().unwrap() * SEC,
                                NGINX_FAIL_TIMEOUT
                            )
                        }
                        other => panic!("`{other}` is not a server parameter the engine models"),
                    }
                }
                weights.push(weight);
            }
            "location" | "}" => {}
            "proxy_pass" => assert_eq!(words[1], format!("http://{upstream}")),
            // The engine does not pass a failed request on to another server.
            "proxy_next_upstream" => assert_eq!(words[1..], ["off"]),
            other => panic!("`{other}` is not a directive the engine models"),
        }
    }
    let s = preset("weighted").unwrap();
    assert_eq!(weights, s.servers.iter().map(|x| x.weight).collect::<Vec<_>>());
    assert_eq!(balancer, Balancer::LeastConn);
    assert!(s.balancers.contains(&balancer) && s.balancers.contains(&Balancer::SmoothWeighted));
}

/// The Envoy cluster the article shows is the outage widget's least-request
/// lane with **Outlier detection** ticked, and that lane fails what the
/// article says, with ten servers and with nine.
#[test]
fn the_articles_envoy_cluster_is_the_outage_widgets_least_request() {
    use playground::sim::load_balancing::envoy::Ejection;
    use playground::sim::load_balancing::presets::preset;
    let article = std::fs::read_to_string("articles/load-balancing.md").unwrap();
    let seconds = |v: &str| v.strip_suffix('s').unwrap().parse::<u32>().unwrap() * 1_000;
    let (mut choices, mut ejection, mut policy) = (2, Ejection::default(), "");
    let mut detecting = false;
    for line in fenced(&article, "yaml").lines() {
        let line = line.trim().trim_start_matches("- ");
        let (key, value) = line.split_once(':').unwrap();
        let value = value.trim();
        match key {
            "lb_policy" => policy = value,
            "choice_count" => choices = value.parse().unwrap(),
            "outlier_detection" => detecting = true,
            "consecutive_5xx" => ejection.consecutive_5xx = value.parse().unwrap(),
            "interval" => ejection.interval_ms = seconds(value),
            "base_ejection_time" => ejection.base_ejection_ms = seconds(value),
            "max_ejection_percent" => ejection.max_ejection_percent = value.parse().unwrap(),
            // Where the hosts come from, which the engine is given directly.
            "clusters"
            | "name"
            | "type"
            | "least_request_lb_config"
            | "load_assignment"
            | "cluster_name"
            | "endpoints"
            | "lb_endpoints"
            | "endpoint"
            | "address"
            | "socket_address" => {}
            other => panic!("`{other}` is not a cluster field the engine models"),
        }
    }
    assert_eq!(policy, "LEAST_REQUEST");
    assert!(detecting);
    let block = Balancer::LeastRequest { choices, ejection: Some(ejection) };

    // The widget's checkbox gives the lane Envoy's defaults, which the block writes out.
    let mut s = preset("outage").unwrap();
    assert_eq!(s.balancers[1], Balancer::LeastRequest { choices: 2, ejection: None });
    s.balancers[1] = Balancer::LeastRequest { choices: 2, ejection: Some(Ejection::default()) };
    assert_eq!(s.balancers[1], block);
    let quotes = |text: &str| assert!(article.contains(text), "the article no longer says `{text}`");
    assert_eq!(s.run().unwrap()[1].summary.failed, 5);
    quotes("five failures in a row eject the server for 30 s, and the lane fails 5 requests");
    // Nine servers: one ejected would be 11%, over max_ejection_percent.
    s.servers.truncate(9);
    assert_eq!(s.run().unwrap()[1].summary.failed, 2_080);
    quotes("so nothing is ejected and the lane fails 2,080");
}

/// Envoy's Maglev by user id: every request goes to the server the hash
/// ring widget's Maglev table (Envoy's, held to Envoy's own tests in
/// `tests/hash_ring.rs`) gives the xxHash64 of its user's decimal id, so
/// all of a user's requests land on one server, and a skewed population
/// loads the servers unevenly however idle the others are.
#[test]
fn maglev_sends_every_request_of_a_user_to_one_server() {
    use playground::sim::hash_ring::{maglev::Table, Node};
    use playground::sim::kernel::rng::Zipf;
    use playground::sim::load_balancing::pool::user_of;
    let servers: Vec<Server> = (0..10).map(|i| server(1 + i % 2)).collect();
    let trial = poisson(500.0, 20, 10.0, 7);
    let lane = run(&Balancer::Maglev { users: 1_000 }, &servers, &[], None, &trial, 2, 10);
    let hosts: Vec<Node> = (0..10).map(|i| Node { name: format!("server-{}", i + 1), weight: 1 + i % 2 }).collect();
    let table = Table::new(&hosts, 65_537);
    let users = Zipf::new(1_000);
    let mut server_of_user = std::collections::HashMap::new();
    for r in 0..trial.at.len() {
        let user = user_of(&users, trial.lane_seed, r as u32);
        let s = usize::from(lane.server[r]);
        assert_eq!(s, table.locate(user.to_string().as_bytes()), "request {r}, user {user}");
        assert_eq!(*server_of_user.entry(user).or_insert(s), s);
    }
    // The users are the same in every lane and for every balancer position.
    let again = run(&Balancer::Maglev { users: 1_000 }, &servers, &[], None, &trial, 0, 10);
    assert_eq!(again.server, lane.server);
    // One user: one server takes everything.
    let one = run(&Balancer::Maglev { users: 1 }, &servers, &[], None, &trial, 0, 10);
    assert!(one.server.iter().all(|&s| s == one.server[0]));
    // Zipf's law over 1,000 users: the busiest user sends 1/H(1000) = 13.4% of the requests.
    let top = (0..trial.at.len() as u32).filter(|&r| user_of(&users, trial.lane_seed, r) == 1).count() as f64;
    let share = top / trial.at.len() as f64;
    assert!((share - 0.1336).abs() < 0.01, "{share}");
}

/// The article's affinity numbers: the affinity preset (the tail preset's
/// traffic, Maglev by user id beside round robin and least request), with
/// 10,000, 1,000,000 and 100 users.
#[test]
fn the_articles_maglev_numbers_are_the_engines() {
    use playground::sim::load_balancing::presets::preset;
    let article = std::fs::read_to_string("articles/load-balancing.md").unwrap();
    let quotes = |text: &str| assert!(article.contains(text), "the article no longer says `{text}`");
    let ms = |ns: u64| (ns + MS / 2) / MS;
    let lanes = |users: u32| {
        let mut s = preset("affinity").unwrap();
        assert_eq!(s.balancers[..2], [Balancer::RoundRobin, Balancer::LeastRequest { choices: 2, ejection: None }]);
        s.balancers[2] = Balancer::Maglev { users };
        let runs = s.run().unwrap();
        let per: Vec<u32> =
            (0..10).map(|i| runs[2].server.iter().filter(|&&x| usize::from(x) == i).count() as u32).collect();
        (runs, per)
    };
    let (runs, per) = lanes(10_000);
    assert_eq!(runs[2].summary.requests, 29_685);
    assert_eq!((per.iter().max(), per.iter().min()), (Some(&5_125), Some(&2_256)));
    quotes("Its busiest server takes 5,125 of the 29,685 requests (17%) and its quietest 2,256, where round robin gives each about 2,969");
    assert_eq!((ms(runs[2].summary.latency.p95), ms(runs[1].summary.latency.p95)), (112, 20));
    assert_eq!((ms(runs[2].summary.latency.p99), ms(runs[0].summary.latency.p99)), (331, 336));
    quotes("Its p95 is 112 ms against least request's 20 ms, and its p99, 331 ms, is no better than round robin's");
    quotes("gives its busiest server 5,125 of 29,685 requests and its quietest 2,256, and the p95 is 112 ms where least request's is 20 ms");
    assert_eq!((f64::from(per.iter().copied().max().unwrap()) / 29_685.0 * 100.0).round(), 17.0);
    quotes("Maglev by user id leaves its busiest server 17% of the requests on ten servers");
    assert_eq!(lanes(1_000_000).1.iter().max(), Some(&4_333));
    quotes("set **Users** to 1,000,000 and the busiest server still takes 4,333");
    let (runs, per) = lanes(100);
    assert_eq!((per.iter().max(), ms(runs[2].summary.latency.p99)), (Some(&6_690), 680));
    quotes("With 100 users it takes 6,690, and the p99 reaches 680 ms");
}
