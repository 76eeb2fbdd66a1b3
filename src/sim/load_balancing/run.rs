//! One balancer's run: the trial's requests through it to the servers, as a
//! discrete-event simulation in integer nanoseconds (the model is described
//! in [`super`]).
//!
//! Events at the same instant go in this order: requests finishing service,
//! then client timeouts, then server changes, then arrivals; so a request
//! that finishes exactly at its timeout is answered, and a server stopped at
//! the instant a request arrives refuses it.

use super::pool::{Admit, Pool, Started};
use super::{Balancer, Server, ServerChange, Service};
use crate::sim::kernel::rng::{exp, ln, Rng};
use crate::sim::kernel::slices::{Binner, Percentiles};
use crate::sim::kernel::sort::radix_sort_by_key;
use crate::sim::kernel::time::{ms_to_ns, Nanos};
use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

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
        let (work, lane_seed, _) = Trial::draw(at.len(), service, seed);
        Trial { at, work, span: span.max(1), lane_seed }
    }

    /// The work of `n` requests drawn from `service` by the generator of
    /// `seed`, the lane seed it then draws, and the generator after both
    /// (where the work of further requests comes from).
    pub fn draw(n: usize, service: &Service, seed: u64) -> (Vec<Nanos>, u64, Rng) {
        let mut rng = Rng::new(seed ^ 0x6c62_2d77_6f72_6b21);
        let work = (0..n).map(|_| ms_to_ns(draw_work(service, &mut rng))).collect();
        let lane_seed = rng.next_u64();
        (work, lane_seed, rng)
    }

    /// Balancer `lane`'s own generator.
    pub fn lane_rng(&self, lane: u64) -> Rng {
        lane_rng(self.lane_seed, lane)
    }
}

/// Balancer `lane`'s generator, from a run's lane seed (the pipeline's
/// balancers draw as the load-balancing widget's in the same position).
pub fn lane_rng(lane_seed: u64, lane: u64) -> Rng {
    Rng::new(lane_seed ^ lane.wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

/// One request's work in milliseconds. The normal deviate of the log-normal
/// comes from Marsaglia's polar method (logarithm and square root only,
/// both computed exactly the same natively and in wasm32).
pub fn draw_work(service: &Service, rng: &mut Rng) -> f64 {
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
    let bins = bins.max(1);
    debug_assert!(trial.at.windows(2).all(|w| w[0] <= w[1]), "arrivals must be sorted");
    let mut pool = Pool::new(balancer, servers, trial.lane_rng(lane), trial.span, bins, trial.lane_seed);
    let mut out = LaneRun {
        server: vec![u16::MAX; n],
        outcome: vec![Outcome::NoServer; n],
        latency: vec![0; n],
        slices: vec![Slice::default(); bins],
        servers: Vec::new(),
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

    // The request is answered, and the balancer learns it.
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
                    pool.answered(s as usize, $now - trial.at[r], $outcome, $now);
                }
            }
        }};
    }
    macro_rules! schedule {
        ($s:expr, $started:expr) => {{
            let st: Started = $started;
            sequence += 1;
            finishes.push(Reverse((st.at, sequence, $s as u32, st.request, st.epoch)));
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

        if t_finish == now {
            let Reverse((_, _, s, r, epoch)) = finishes.pop().unwrap();
            let s = s as usize;
            if let Some(next) = pool.finish(s, Started { request: r, at: now, epoch }, now) {
                answer!(r, now, Outcome::Ok);
                if let Some(next) = next {
                    schedule!(s, next);
                }
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
            if c.server < m {
                for r in pool.change(c.server, c.change, now) {
                    answer!(r, now, Outcome::Failed);
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
        let Some(s) = pool.pick(now, r as u32) else {
            answer!(r, now, Outcome::NoServer);
            continue;
        };
        out.server[r] = s as u16;
        match pool.admit(s, r as u32, trial.work[r], now) {
            Admit::Started(started) => schedule!(s, started),
            Admit::Queued => {}
            Admit::Dropped => answer!(r, now, Outcome::Dropped),
            Admit::Refused => answer!(r, now, Outcome::Failed),
        }
    }
    pool.close(end);
    out.servers = pool.slices;
    summarise(&mut out, trial, bins, in_system_ns, end);
    out
}

/// The summary and the slices' counts and percentiles.
fn summarise(out: &mut LaneRun, trial: &Trial, bins: usize, in_system_ns: u128, end: Nanos) {
    let n = trial.at.len();
    let mut s = Summary { requests: n as u32, end, ..Summary::default() };
    let mut served: Vec<(Nanos, u32)> = Vec::with_capacity(n);
    let mut total_latency: u128 = 0;
    let mut binner = Binner::new(trial.span, bins);
    for r in 0..n {
        let b = binner.of(trial.at[r]);
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
