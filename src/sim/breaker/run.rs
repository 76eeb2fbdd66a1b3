//! Running a caller's traffic through a circuit breaker to a dependency whose
//! behaviour changes over time.
//!
//! Each arrival's would-be result at the dependency (failed or not, and how
//! long it takes) is drawn once, from the run's seed, before any breaker sees
//! it ([`draw`]). Two breakers compared on one run therefore face the same
//! dependency call for call, and differ only in which calls they let through.
//! A permitted call's result is recorded when it finishes, at arrival plus
//! its latency, so calls overlap and can finish after the state has changed.
//! Results due at an instant are recorded before arrivals at that instant.

use super::consecutive::{ConsecutiveBreaker, ConsecutiveConfig};
use super::{CircuitBreaker, Config, State, Transition};
use crate::sim::rng::Rng;
use crate::sim::time::{Nanos, MS};
use crate::sim::traffic::Request;
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

/// How the dependency behaves from `at_ms` until the next phase.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Phase {
    pub at_ms: u64,
    /// Probability in [0, 1] that a call fails.
    pub failure_rate: f64,
    /// Latency of an ordinary call.
    pub latency_ms: u64,
    /// Probability in [0, 1] that a call is slow instead.
    #[serde(default)]
    pub slow_rate: f64,
    #[serde(default)]
    pub slow_latency_ms: u64,
}

/// The dependency's behaviour over a run: phases in time order, the first at 0.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dependency {
    pub phases: Vec<Phase>,
}

impl Dependency {
    /// Checks that phases start at 0, are in time order and have probabilities in [0, 1].
    pub fn validate(&self) -> Result<(), String> {
        if self.phases.first().map(|p| p.at_ms) != Some(0) {
            return Err("the dependency needs a first phase at at_ms 0".into());
        }
        let mut last = 0;
        for (i, p) in self.phases.iter().enumerate() {
            if p.at_ms < last {
                return Err(format!("phase {i}: phases must be in time order"));
            }
            last = p.at_ms;
            for (name, v) in [("failure_rate", p.failure_rate), ("slow_rate", p.slow_rate)] {
                if !(0.0..=1.0).contains(&v) {
                    return Err(format!("phase {i}: {name} must be between 0 and 1"));
                }
            }
            if p.latency_ms > 600_000 || p.slow_latency_ms > 600_000 {
                return Err(format!("phase {i}: latencies must be at most 600000 ms"));
            }
        }
        Ok(())
    }

    fn at(&self, t: Nanos) -> &Phase {
        let i = self.phases.partition_point(|p| p.at_ms * MS <= t);
        &self.phases[i.saturating_sub(1)]
    }
}

/// What the dependency would do with a call arriving at a given time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Attempt {
    pub failed: bool,
    pub latency: Nanos,
}

/// Draws each arrival's result at the dependency: two draws per arrival, in
/// arrival order, from the run's generator.
pub fn draw(requests: &[Request], dependency: &Dependency, rng: &mut Rng) -> Vec<Attempt> {
    requests
        .iter()
        .map(|r| {
            let p = dependency.at(r.at);
            let failed = rng.unit_open_closed() <= p.failure_rate && p.failure_rate > 0.0;
            let slow = rng.unit_open_closed() <= p.slow_rate && p.slow_rate > 0.0;
            Attempt { failed, latency: if slow { p.slow_latency_ms } else { p.latency_ms } * MS }
        })
        .collect()
}

/// Either breaker, behind one interface. In JSON the variant names the
/// object: `{"resilience4j": {…}}` or `{"consecutive": {…}}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BreakerConfig {
    /// Resilience4j's failure-rate breaker.
    Resilience4j(Config),
    /// pybreaker's consecutive-failures breaker.
    Consecutive(ConsecutiveConfig),
}

enum Breaker {
    R4j(Box<CircuitBreaker>),
    Consecutive(ConsecutiveBreaker),
}

impl Breaker {
    fn try_acquire(&mut self, now: Nanos) -> bool {
        match self {
            Breaker::R4j(b) => b.try_acquire(now),
            Breaker::Consecutive(b) => b.try_acquire(now),
        }
    }

    fn record(&mut self, now: Nanos, a: Attempt) {
        match (self, a.failed) {
            (Breaker::R4j(b), true) => b.on_error(now, a.latency),
            (Breaker::R4j(b), false) => b.on_success(now, a.latency),
            (Breaker::Consecutive(b), true) => b.on_error(now),
            (Breaker::Consecutive(b), false) => b.on_success(now),
        }
    }

    fn state(&mut self, now: Nanos) -> State {
        match self {
            Breaker::R4j(b) => b.state(now),
            Breaker::Consecutive(b) => b.state(),
        }
    }

    fn transitions(&self) -> &[Transition] {
        match self {
            Breaker::R4j(b) => b.transitions(),
            Breaker::Consecutive(b) => b.transitions(),
        }
    }
}

/// One arrival's fate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CallRecord {
    pub at: Nanos,
    /// The breaker's state when the call arrived.
    pub state: State,
    /// Whether the call reached the dependency (otherwise it failed fast).
    pub reached: bool,
    /// Whether the caller saw a failure (a dependency failure or a fast failure).
    pub failed: bool,
    /// Latency the caller saw: the dependency's, or 0 when failed fast.
    pub latency: Nanos,
}

/// Totals of a breaker run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct BreakerSummary {
    pub calls: u64,
    /// Calls that reached the dependency.
    pub reached: u64,
    /// Calls the breaker failed fast.
    pub failed_fast: u64,
    /// Calls that reached the dependency and failed there.
    pub dependency_failures: u64,
    /// Time spent in CLOSED, OPEN and HALF_OPEN, in nanoseconds.
    pub time_in_state_ns: [Nanos; 3],
    /// Mean latency the caller saw, with this breaker and with none, in nanoseconds.
    pub mean_latency_ns: Nanos,
    pub mean_latency_without_breaker_ns: Nanos,
}

/// A breaker's whole run.
#[derive(Clone, Debug)]
pub struct BreakerRun {
    pub calls: Vec<CallRecord>,
    pub transitions: Vec<Transition>,
    pub summary: BreakerSummary,
}

impl BreakerConfig {
    /// Checks the breaker's fields.
    pub fn validate(&self) -> Result<(), String> {
        match self {
            BreakerConfig::Resilience4j(c) => c.validate(),
            BreakerConfig::Consecutive(c) => c.validate(),
        }
    }
}

/// Runs `requests` (sorted) with their drawn `attempts` through a fresh breaker.
pub fn run_breaker(
    config: &BreakerConfig,
    requests: &[Request],
    attempts: &[Attempt],
    duration: Nanos,
) -> Result<BreakerRun, String> {
    let mut breaker = match config {
        BreakerConfig::Resilience4j(c) => {
            c.validate()?;
            Breaker::R4j(Box::new(CircuitBreaker::new(c.clone(), 0)))
        }
        BreakerConfig::Consecutive(c) => {
            c.validate()?;
            Breaker::Consecutive(ConsecutiveBreaker::new(c.clone()))
        }
    };
    let mut in_flight = InFlight::default();
    let mut calls = Vec::with_capacity(requests.len());
    let finish_due = |breaker: &mut Breaker, in_flight: &mut InFlight, upto: Nanos| {
        while let Some((t, i)) = in_flight.pop_due(upto) {
            breaker.record(t, attempts[i]);
        }
    };
    for (i, (r, a)) in requests.iter().zip(attempts).enumerate() {
        finish_due(&mut breaker, &mut in_flight, r.at);
        let state = breaker.state(r.at);
        let reached = breaker.try_acquire(r.at);
        if reached {
            in_flight.push(a.latency, r.at + a.latency, i);
        }
        calls.push(CallRecord {
            at: r.at,
            state,
            reached,
            failed: !reached || a.failed,
            latency: if reached { a.latency } else { 0 },
        });
    }
    finish_due(&mut breaker, &mut in_flight, duration);
    breaker.state(duration);
    let transitions: Vec<Transition> = breaker.transitions().iter().copied().filter(|t| t.at <= duration).collect();

    let mut summary = BreakerSummary { calls: calls.len() as u64, ..Default::default() };
    let (mut with, mut without) = (0u128, 0u128);
    for (c, a) in calls.iter().zip(attempts) {
        summary.reached += u64::from(c.reached);
        summary.failed_fast += u64::from(!c.reached);
        summary.dependency_failures += u64::from(c.reached && a.failed);
        with += u128::from(c.latency);
        without += u128::from(a.latency);
    }
    if !calls.is_empty() {
        summary.mean_latency_ns = (with / calls.len() as u128) as Nanos;
        summary.mean_latency_without_breaker_ns = (without / calls.len() as u128) as Nanos;
    }
    let mut since = (0, State::Closed);
    for t in
        transitions.iter().chain(std::iter::once(&Transition { at: duration, from: State::Closed, to: State::Closed }))
    {
        summary.time_in_state_ns[state_index(since.1)] += t.at - since.0;
        since = (t.at, t.to);
    }
    Ok(BreakerRun { calls, transitions, summary })
}

/// Calls in flight, finishing in (finish time, arrival index) order.
///
/// Arrivals come in time order, so calls of equal latency finish in the order
/// they started: one FIFO queue per distinct latency (a dependency has a few),
/// merged by comparing the queues' fronts, gives the same order as a priority
/// queue at a cost of O(distinct latencies) per completion.
#[derive(Default)]
struct InFlight {
    queues: Vec<(Nanos, VecDeque<(Nanos, usize)>)>,
}

impl InFlight {
    fn push(&mut self, latency: Nanos, finish: Nanos, index: usize) {
        match self.queues.iter_mut().find(|(l, _)| *l == latency) {
            Some((_, q)) => q.push_back((finish, index)),
            None => self.queues.push((latency, VecDeque::from([(finish, index)]))),
        }
    }

    /// The earliest call finishing at or before `upto`, removed.
    fn pop_due(&mut self, upto: Nanos) -> Option<(Nanos, usize)> {
        let q = self.queues.iter_mut().filter_map(|(_, q)| q.front().copied().map(|f| (f, q))).min_by_key(|(f, _)| *f);
        match q {
            Some((front, q)) if front.0 <= upto => q.pop_front(),
            _ => None,
        }
    }
}

fn state_index(s: State) -> usize {
    match s {
        State::Closed => 0,
        State::Open => 1,
        State::HalfOpen => 2,
    }
}
