//! One balancer's run: the trial's requests through it to the servers, as a
//! discrete-event simulation in integer nanoseconds (the model is described
//! in [`super`]).
//!
//! Events at the same instant go in this order: requests finishing service,
//! then client timeouts, then server changes, then arrivals; so a request
//! that finishes exactly at its timeout is answered, and a server stopped at
//! the instant a request arrives refuses it.

use super::ewma::{self, PeakEwma};
use super::nginx::{self, SmoothWeighted};
use super::{envoy, Balancer, Change, Server, ServerChange, Service};
use crate::sim::kernel::rng::{exp, ln, Rng};
use crate::sim::kernel::slices::{bin_of, slice_start, Percentiles};
use crate::sim::kernel::sort::radix_sort_by_key;
use crate::sim::kernel::time::{ms_to_ns, Nanos, MS, SEC};
use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

/// nginx's defaults for its passive health check: failures that take a
/// server out (`max_fails`), and for how long (`fail_timeout`).
pub const NGINX_MAX_FAILS: u32 = 1;
pub const NGINX_FAIL_TIMEOUT: Nanos = 10 * SEC;

/// The requests every balancer of a run serves: when each arrives and how
/// much work it brings (its service time at speed 1).
#[derive(Clone, Debug, PartialEq)]
pub struct Trial {
    pub at: Vec<Nanos>,
    pub work: Vec<Nanos>,
    /// The run's length; every arrival falls in it.
    pub span: Nanos,
    /// Where each balancer's own draws (random picks) start.
    pub lane_seed: u64,
}

impl Trial {
    /// The work of each of the arrivals `at`, drawn from `service` by a
    /// generator of its own seeded from `seed`.
    pub fn new(at: Vec<Nanos>, span: Nanos, service: &Service, seed: u64) -> Trial {
        let mut rng = Rng::new(seed ^ 0x6c62_2d77_6f72_6b21);
        let work = at.iter().map(|_| ms_to_ns(draw_work(service, &mut rng))).collect();
        Trial { at, work, span: span.max(1), lane_seed: rng.next_u64() }
    }
}

/// One request's work in milliseconds. The normal deviate of the log-normal
/// comes from Marsaglia's polar method (logarithm and square root only,
/// both computed exactly the same natively and in wasm32).
fn draw_work(service: &Service, rng: &mut Rng) -> f64 {
    match *service {
        Service::Exponential { mean_ms } => rng.exponential(mean_ms),
        Service::LogNormal { median_ms, sigma } => {
            let z = loop {
                let u = 2.0 * rng.unit_open_closed() - 1.0;
                let v = 2.0 * rng.unit_open_closed() - 1.0;
                let s = u * u + v * v;
                if s > 0.0 && s < 1.0 {
                    break u * (-2.0 * ln(s) / s).sqrt();
                }
            };
            median_ms * exp(sigma * z)
        }
        Service::Bimodal { fast_ms, slow_ms, slow_fraction } => {
            let slow = rng.unit_open_closed() <= slow_fraction;
            rng.exponential(if slow { slow_ms } else { fast_ms })
        }
    }
}

/// How a request ended, from its client's side.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Outcome {
    /// Served.
    Ok,
    /// Its server was stopped, or stopped while holding it.
    Failed,
    /// Its server's queue was full.
    Dropped,
    /// The client's timeout passed first.
    TimedOut,
    /// The balancer had no server it could send it to.
    NoServer,
}

/// A run's totals.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Summary {
    pub requests: u32,
    pub ok: u32,
    pub failed: u32,
    pub dropped: u32,
    pub timed_out: u32,
    pub no_server: u32,
    /// Of the requests served.
    pub latency: Percentiles,
    /// Mean time from arrival to answer over every request, in ns.
    pub mean_latency: f64,
    /// Time-average requests in the system (arrived, not yet answered),
    /// from arrival 0 to the last answer.
    pub mean_in_system: f64,
    /// ∫ (requests in the system) dt over the run, in request-nanoseconds.
    pub in_system_ns: u128,
    /// When the last request was answered.
    pub end: Nanos,
}

/// One slice of the run, for charts.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Slice {
    /// Requests arriving in the slice, and how those ended.
    pub requests: u32,
    pub ok: u32,
    pub errors: u32,
    /// Of the requests arriving in the slice that were served.
    pub latency: Percentiles,
}

/// One server's slices: time in service and time queued, summed over its
/// requests (so busy / (concurrency × slice length) is its utilisation),
/// and the requests sent to it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ServerSlices {
    pub busy_ns: Vec<u64>,
    pub queued_ns: Vec<u64>,
    pub sent: Vec<u32>,
}

/// A balancer's run.
#[derive(Clone, Debug, PartialEq)]
pub struct LaneRun {
    /// The server each request was sent to (`u16::MAX`: none).
    pub server: Vec<u16>,
    pub outcome: Vec<Outcome>,
    /// From arrival to answer.
    pub latency: Vec<Nanos>,
    pub slices: Vec<Slice>,
    pub servers: Vec<ServerSlices>,
    pub summary: Summary,
}

/// Service finishes, soonest first: (time, sequence, server, request, the
/// server's epoch when it started).
type Finishes = BinaryHeap<Reverse<(Nanos, u64, u32, u32, u32)>>;

/// The balancer's own state.
enum State {
    Rotating(SmoothWeighted),
    /// nginx `random`: where each server's range of weight starts, and the
    /// round robin it falls back to after 20 draws of unavailable servers.
    Random(Vec<u64>, SmoothWeighted),
    LeastRequest(u32),
    /// Envoy's least request over unequal weights: the scheduler over the
    /// hosts listed (its positions index them), and its seed.
    Edf(envoy::Edf, Vec<usize>, u64),
    Ewma {
        estimates: Vec<PeakEwma>,
        decay_ns: f64,
    },
}

/// A server's state during the run.
struct Live {
    up: bool,
    speed: f64,
    running: Vec<u32>,
    queue: VecDeque<u32>,
    /// Bumped when it stops, so the finishes it had scheduled are ignored.
    epoch: u32,
    /// Its time-weighted counts are added up to here.
    since: Nanos,
    /// nginx's passive check: failures, when the last one was (`accessed`),
    /// and when the server was last checked (a failure, or the first pick
    /// after its `fail_timeout`).
    fails: u32,
    accessed: Nanos,
    checked: Nanos,
}

/// Adds `count × (to − from)` to the slices it covers, up to the run's end.
fn accumulate(slices: &mut [u64], span: Nanos, from: Nanos, to: Nanos, count: u64) {
    // Time after the run (a backlog draining) is in no slice.
    let to = to.min(span);
    if count == 0 || to <= from {
        return;
    }
    let n = slices.len();
    let mut t = from;
    while t < to {
        let b = bin_of(t, span, n);
        let end = if b + 1 == n { to } else { slice_start(b + 1, span, n).min(to) };
        let end = end.max(t + 1).min(to);
        slices[b] += count * (end - t);
        t = end;
    }
}

/// Runs `trial` through `balancer` to `servers`, with `changes` (sorted by
/// time) and an optional client `timeout`, binned into `bins` slices.
pub fn run(
    balancer: &Balancer,
    servers: &[Server],
    changes: &[ServerChange],
    timeout: Option<Nanos>,
    trial: &Trial,
    lane: u64,
    bins: usize,
) -> LaneRun {
    let n = trial.at.len();
    let m = servers.len();
    let span = trial.span;
    let bins = bins.max(1);
    debug_assert!(trial.at.windows(2).all(|w| w[0] <= w[1]), "arrivals must be sorted");
    let mut rng = Rng::new(trial.lane_seed ^ lane.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let weights: Vec<u32> = servers.iter().map(|s| s.weight.max(1)).collect();
    let mut state = match *balancer {
        Balancer::RoundRobin => State::Rotating(SmoothWeighted::new(&vec![1; m])),
        Balancer::SmoothWeighted | Balancer::LeastConn => State::Rotating(SmoothWeighted::new(&weights)),
        Balancer::Random => State::Random(
            weights
                .iter()
                .scan(0u64, |sum, &w| {
                    let start = *sum;
                    *sum += u64::from(w);
                    Some(start)
                })
                .collect(),
            SmoothWeighted::new(&weights),
        ),
        // Envoy's balancer draws its scheduler's seed when it is built.
        Balancer::LeastRequest { .. } if weights.iter().any(|&w| w != weights[0]) => {
            let seed = rng.next_u64();
            let edf = envoy::Edf::with_picks(m, seed, |i| envoy::effective_weight(weights[i], 0, 1.0));
            State::Edf(edf, (0..m).collect(), seed)
        }
        Balancer::LeastRequest { choices, .. } => State::LeastRequest(choices),
        Balancer::PeakEwma { decay_ms, default_rtt_ms } => State::Ewma {
            estimates: vec![PeakEwma::new((u64::from(default_rtt_ms) * MS) as f64, 0); m],
            decay_ns: (u64::from(decay_ms.max(1)) * MS) as f64,
        },
    };
    // nginx keeps no failure count for a single server (`peers->single`).
    let nginx_health = m > 1
        && matches!(balancer, Balancer::RoundRobin | Balancer::SmoothWeighted | Balancer::Random | Balancer::LeastConn);
    // Envoy's outlier detection, its timer started with the balancer; the
    // hosts it has not ejected, refreshed (and the scheduler rebuilt, as
    // Envoy rebuilds it on a host set change) before the next pick.
    let mut detector = match *balancer {
        Balancer::LeastRequest { ejection: Some(e), .. } => Some(envoy::Detector::new(e, m, 0)),
        _ => None,
    };
    let mut hosts_changed = false;
    let mut healthy: Vec<usize> = (0..m).collect();
    let mut live: Vec<Live> = servers
        .iter()
        .map(|s| Live {
            up: true,
            speed: s.speed,
            running: Vec::new(),
            queue: VecDeque::new(),
            epoch: 0,
            since: 0,
            fails: 0,
            accessed: 0,
            checked: 0,
        })
        .collect();
    let mut outstanding = vec![0u32; m];
    // Every server, as the candidates of the balancers that draw from them.
    let all_servers: Vec<usize> = (0..m).collect();
    let mut out = LaneRun {
        server: vec![u16::MAX; n],
        outcome: vec![Outcome::NoServer; n],
        latency: vec![0; n],
        slices: vec![Slice::default(); bins],
        servers: vec![ServerSlices { busy_ns: vec![0; bins], queued_ns: vec![0; bins], sent: vec![0; bins] }; m],
        summary: Summary::default(),
    };
    let mut answered = vec![false; n];
    let mut finishes = Finishes::new();
    let mut sequence = 0u64;
    let mut waiting: VecDeque<u32> = VecDeque::new();
    let mut next_arrival = 0usize;
    let mut next_change = 0usize;
    // ∫ (requests in the system) dt.
    let mut in_system = 0u64;
    let mut in_system_ns: u128 = 0;
    let mut last_event: Nanos = trial.at.first().copied().unwrap_or(0);
    let mut end: Nanos = 0;

    // The balancer learns an answer: outstanding count, estimate, health.
    macro_rules! answer {
        ($req:expr, $now:expr, $outcome:expr) => {{
            let r = $req as usize;
            if !answered[r] {
                answered[r] = true;
                in_system_ns += u128::from(in_system) * u128::from($now - last_event);
                last_event = $now;
                in_system -= 1;
                out.outcome[r] = $outcome;
                out.latency[r] = $now - trial.at[r];
                end = end.max($now);
                let s = out.server[r];
                if s != u16::MAX {
                    let s = s as usize;
                    outstanding[s] -= 1;
                    if let Some(d) = detector.as_mut() {
                        // A refused connection or a 503 is a 5xx to Envoy; a
                        // request the client gave up on is not reported.
                        if $outcome != Outcome::TimedOut
                            && d.answered(s, matches!($outcome, Outcome::Failed | Outcome::Dropped), $now)
                        {
                            hosts_changed = true;
                        }
                    }
                    if let State::Ewma { estimates, decay_ns } = &mut state {
                        estimates[s].update(($now - trial.at[r]) as f64, $now, *decay_ns);
                    }
                    // nginx counts a refused or reset connection; a server's 503
                    // (a full queue) is an answer (`proxy_next_upstream off`).
                    if nginx_health && $outcome == Outcome::Failed {
                        if let State::Rotating(rr) = &mut state {
                            rr.failed(s, NGINX_MAX_FAILS);
                        }
                        live[s].fails += 1;
                        live[s].accessed = $now;
                        live[s].checked = $now;
                    } else if nginx_health && $outcome == Outcome::Ok && live[s].accessed < live[s].checked {
                        // A success after the server was checked again: live again.
                        live[s].fails = 0;
                    }
                }
            }
        }};
    }

    loop {
        // The next event of each kind (`Nanos::MAX`: none left).
        const NONE: Nanos = Nanos::MAX;
        let t_finish = finishes.peek().map_or(NONE, |Reverse(f)| f.0);
        let t_timeout = match (timeout, waiting.front()) {
            (Some(d), Some(&r)) => trial.at[r as usize].saturating_add(d),
            _ => NONE,
        };
        let t_change = changes.get(next_change).map_or(NONE, |c| c.at);
        let t_arrival = trial.at.get(next_arrival).copied().unwrap_or(NONE);
        let now = t_finish.min(t_timeout).min(t_change).min(t_arrival);
        if now == NONE {
            break;
        }
        if let Some(d) = detector.as_mut() {
            while d.next_tick <= now {
                hosts_changed |= d.tick(d.next_tick);
            }
        }

        if t_finish == now {
            let Reverse((_, _, s, r, epoch)) = finishes.pop().unwrap();
            let s = s as usize;
            if epoch != live[s].epoch {
                continue;
            }
            accumulate_server(&mut out.servers[s], &mut live[s], span, now);
            live[s].running.retain(|&x| x != r);
            answer!(r, now, Outcome::Ok);
            if let Some(next) = live[s].queue.pop_front() {
                start(&mut live[s], next, now, trial, &mut finishes, &mut sequence, s);
            }
            continue;
        }
        if t_timeout == now {
            let r = waiting.pop_front().unwrap();
            answer!(r, now, Outcome::TimedOut);
            continue;
        }
        if t_change == now {
            let c = changes[next_change];
            next_change += 1;
            if c.server >= m {
                continue;
            }
            let s = c.server;
            accumulate_server(&mut out.servers[s], &mut live[s], span, now);
            match c.change {
                Change::Speed(v) => live[s].speed = v,
                Change::Start => live[s].up = true,
                Change::Stop => {
                    live[s].up = false;
                    live[s].epoch += 1;
                    let l = &mut live[s];
                    let mut held: Vec<u32> = l.running.drain(..).collect();
                    held.extend(l.queue.drain(..));
                    for r in held {
                        answer!(r, now, Outcome::Failed);
                    }
                }
            }
            continue;
        }
        // An arrival.
        let r = next_arrival;
        next_arrival += 1;
        in_system_ns += u128::from(in_system) * u128::from(now - last_event);
        last_event = now;
        in_system += 1;
        if timeout.is_some() {
            waiting.push_back(r as u32);
        }
        if hosts_changed {
            hosts_changed = false;
            if let Some(d) = &detector {
                healthy = (0..m).filter(|&i| !d.is_ejected(i)).collect();
                // Envoy's panic threshold: under half the hosts healthy, use them all.
                if healthy.len() * 2 < m {
                    healthy = (0..m).collect();
                }
            }
            if let State::Edf(edf, hosts, seed) = &mut state {
                *hosts = healthy.clone();
                *edf = envoy::Edf::with_picks(hosts.len(), *seed, |k| {
                    envoy::effective_weight(weights[hosts[k]], outstanding[hosts[k]], 1.0)
                });
            }
        }
        let eligible = |i: usize, live: &[Live]| {
            !nginx_health || live[i].fails < NGINX_MAX_FAILS || now - live[i].checked > NGINX_FAIL_TIMEOUT
        };
        let picked = match &mut state {
            State::Rotating(rr) => {
                if matches!(balancer, Balancer::LeastConn) {
                    nginx::least_conn(rr, &outstanding, |i| eligible(i, &live))
                } else {
                    rr.pick(|i| eligible(i, &live))
                }
            }
            State::Random(starts, rr) => {
                let total = starts.last().copied().unwrap_or(0) + u64::from(*weights.last().unwrap_or(&0));
                let mut found = None;
                for _ in 0..if starts.is_empty() { 0 } else { 20 } {
                    let x = rng.next_u64() % total.max(1);
                    let i = starts.partition_point(|&s| s <= x) - 1;
                    if eligible(i, &live) {
                        found = Some(i);
                        break;
                    }
                }
                found.or_else(|| rr.pick(|i| eligible(i, &live)))
            }
            State::LeastRequest(choices) => {
                envoy::least_request(|| rng.next_u64(), &healthy, *choices, |i| outstanding[i])
            }
            State::Edf(edf, hosts, _) => {
                let _priority = rng.next_u64();
                edf.pick_and_add(|k| envoy::effective_weight(weights[hosts[k]], outstanding[hosts[k]], 1.0))
                    .map(|k| hosts[k])
            }
            State::Ewma { estimates, decay_ns } => {
                let decay = *decay_ns;
                ewma::p2c(&mut rng, &all_servers, |i| estimates[i].load(outstanding[i], now, decay))
            }
        };
        let Some(s) = picked else {
            if nginx_health {
                // Every server out: nginx answers 502 and marks them all live
                // again, for a quick recovery.
                live.iter_mut().for_each(|l| l.fails = 0);
            }
            answer!(r, now, Outcome::NoServer);
            continue;
        };
        if nginx_health && now - live[s].checked > NGINX_FAIL_TIMEOUT {
            live[s].checked = now;
        }
        out.server[r] = s as u16;
        outstanding[s] += 1;
        out.servers[s].sent[bin_of(now, span, bins)] += 1;
        if !live[s].up {
            answer!(r, now, Outcome::Failed);
            continue;
        }
        accumulate_server(&mut out.servers[s], &mut live[s], span, now);
        if (live[s].running.len() as u32) < servers[s].concurrency.max(1) {
            start(&mut live[s], r as u32, now, trial, &mut finishes, &mut sequence, s);
        } else if (live[s].queue.len() as u32) < servers[s].queue {
            live[s].queue.push_back(r as u32);
        } else {
            answer!(r, now, Outcome::Dropped);
        }
    }
    for (s, l) in live.iter_mut().enumerate() {
        accumulate_server(&mut out.servers[s], l, span, end.max(l.since));
    }
    summarise(&mut out, trial, bins, in_system_ns, end);
    out
}

/// Puts request `r` into service on server `s` at `now`.
fn start(live: &mut Live, r: u32, now: Nanos, trial: &Trial, finishes: &mut Finishes, sequence: &mut u64, s: usize) {
    let service = (trial.work[r as usize] as f64 / live.speed.max(1e-9)) as Nanos;
    live.running.push(r);
    *sequence += 1;
    finishes.push(Reverse((now.saturating_add(service.max(1)), *sequence, s as u32, r, live.epoch)));
}

/// Adds server `s`'s busy and queued time since its last change.
fn accumulate_server(slices: &mut ServerSlices, live: &mut Live, span: Nanos, now: Nanos) {
    if now > live.since {
        accumulate(&mut slices.busy_ns, span, live.since, now, live.running.len() as u64);
        accumulate(&mut slices.queued_ns, span, live.since, now, live.queue.len() as u64);
        live.since = now;
    }
}

/// The summary and the slices' counts and percentiles.
fn summarise(out: &mut LaneRun, trial: &Trial, bins: usize, in_system_ns: u128, end: Nanos) {
    let n = trial.at.len();
    let mut s = Summary { requests: n as u32, end, ..Summary::default() };
    let mut served: Vec<(Nanos, u32)> = Vec::with_capacity(n);
    let mut total_latency: u128 = 0;
    for r in 0..n {
        let b = bin_of(trial.at[r], trial.span, bins);
        out.slices[b].requests += 1;
        total_latency += u128::from(out.latency[r]);
        match out.outcome[r] {
            Outcome::Ok => {
                s.ok += 1;
                out.slices[b].ok += 1;
                served.push((out.latency[r], b as u32));
            }
            o => {
                out.slices[b].errors += 1;
                match o {
                    Outcome::Failed => s.failed += 1,
                    Outcome::Dropped => s.dropped += 1,
                    Outcome::TimedOut => s.timed_out += 1,
                    _ => s.no_server += 1,
                }
            }
        }
    }
    radix_sort_by_key(&mut served, |&(l, _)| l);
    let all: Vec<Nanos> = served.iter().map(|&(l, _)| l).collect();
    s.latency = Percentiles::of(&all);
    // Per slice: the served latencies in order, slice by slice (a stable sort by slice keeps them sorted).
    radix_sort_by_key(&mut served, |&(_, b)| u64::from(b));
    let mut at = 0;
    for (b, slice) in out.slices.iter_mut().enumerate() {
        let from = at;
        while at < served.len() && served[at].1 as usize == b {
            at += 1;
        }
        let lat: Vec<Nanos> = served[from..at].iter().map(|&(l, _)| l).collect();
        slice.latency = Percentiles::of(&lat);
    }
    s.in_system_ns = in_system_ns;
    if n > 0 {
        s.mean_latency = total_latency as f64 / n as f64;
        let first = trial.at[0];
        if end > first {
            s.mean_in_system = in_system_ns as f64 / (end - first) as f64;
        }
    }
    out.summary = s;
}
