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
use crate::scenario::json::{self, Error, FromJson, Node, ToJson};
use crate::sim::kernel::rng::Rng;
use crate::sim::kernel::time::{Nanos, MS};
use crate::sim::kernel::traffic::{Request, MAX_DURATION_MS};
use std::collections::VecDeque;

/// How the dependency behaves from `at_ms` until the next phase.
#[derive(Clone, Debug, PartialEq)]
pub struct Phase {
    pub at_ms: u64,
    /// Probability in [0, 1] that a call fails.
    pub failure_rate: f64,
    /// Latency of an ordinary call.
    pub latency_ms: u64,
    /// Probability in [0, 1] that a call is slow instead.
    pub slow_rate: f64,
    pub slow_latency_ms: u64,
}

/// The dependency's behaviour over a run: phases in time order, the first at 0.
#[derive(Clone, Debug, PartialEq)]
pub struct Dependency {
    pub phases: Vec<Phase>,
}

json::object!(Phase, "a phase (an object)" {
    at_ms,
    failure_rate,
    latency_ms,
    slow_rate: default,
    slow_latency_ms: default,
});
json::object!(Dependency, "a dependency (an object with phases)" { phases });

/// Most phases a dependency may have.
pub const MAX_PHASES: usize = 1_000;

impl Phase {
    /// A healthy dependency from `at_ms`: 2 % of calls fail, every call takes 40 ms.
    pub fn healthy(at_ms: u64) -> Phase {
        Phase { at_ms, failure_rate: 0.02, latency_ms: 40, slow_rate: 0.0, slow_latency_ms: 0 }
    }

    /// Whether `self` and `other` behave alike, whenever they start.
    pub fn same_behaviour(&self, other: &Phase) -> bool {
        Phase { at_ms: 0, ..self.clone() } == Phase { at_ms: 0, ..other.clone() }
    }

    /// A hard outage from `at_ms`: every call fails, after a 1 s timeout.
    pub fn down(at_ms: u64) -> Phase {
        Phase { at_ms, failure_rate: 1.0, latency_ms: 1_000, slow_rate: 0.0, slow_latency_ms: 0 }
    }
}

/// The dependency scripts the widget and article blocks offer, with a
/// description, in menu order.
pub const SCRIPTS: [(&str, &str); 5] = [
    ("healthy", "Healthy throughout (2% failures, 40 ms)"),
    ("outage", "Hard outage from 1/4 to 7/12 of the run (every call fails after 1 s)"),
    ("slow", "Slow from 1/3 to 3/4 of the run (60% of calls take 2.5 s)"),
    ("partial", "30% of calls fail from 1/6 to 5/6 of the run"),
    ("flapping", "Down and up in turns, each 1/12 of the run, from 1/6 to 5/6"),
];

impl Dependency {
    /// The script `name` (see [`SCRIPTS`]) laid over a run of `duration_ms`.
    pub fn script(name: &str, duration_ms: u64) -> Option<Dependency> {
        if duration_ms > MAX_DURATION_MS {
            return None;
        }
        let at = |num: u64, den: u64| duration_ms * num / den;
        let healthy = Phase::healthy;
        let phases = match name {
            "healthy" => vec![healthy(0)],
            "outage" => vec![healthy(0), Phase::down(at(1, 4)), healthy(at(7, 12))],
            "slow" => vec![
                healthy(0),
                Phase { slow_rate: 0.6, slow_latency_ms: 2_500, ..healthy(at(1, 3)) },
                healthy(at(3, 4)),
            ],
            "partial" => vec![healthy(0), Phase { failure_rate: 0.3, ..healthy(at(1, 6)) }, healthy(at(5, 6))],
            "flapping" => {
                let mut phases = vec![healthy(0)];
                for k in 0..8 {
                    let t = at(2 + k, 12);
                    phases.push(if k % 2 == 0 { Phase::down(t) } else { healthy(t) });
                }
                phases.push(healthy(at(10, 12)));
                phases
            }
            _ => return None,
        };
        Some(Dependency { phases })
    }

    /// The script this dependency follows over `duration_ms`, if any.
    pub fn script_name(&self, duration_ms: u64) -> Option<&'static str> {
        SCRIPTS.iter().map(|(n, _)| *n).find(|n| Dependency::script(n, duration_ms).as_ref() == Some(self))
    }

    /// Makes the dependency behave as `phase` from `phase.at_ms` until its
    /// next scripted change (replacing a change at that same instant).
    pub fn set_from(&mut self, phase: Phase) {
        let i = self.phases.partition_point(|p| p.at_ms < phase.at_ms);
        match self.phases.get_mut(i) {
            Some(p) if p.at_ms == phase.at_ms => *p = phase,
            _ => self.phases.insert(i, phase),
        }
    }

    /// When the dependency next behaves differently from how it behaves at
    /// `at_ms`, if it ever does (a phase that repeats the one before is no change).
    pub fn next_change_after(&self, at_ms: u64) -> Option<u64> {
        let now = self.at(at_ms.saturating_mul(MS));
        self.phases.iter().filter(|p| p.at_ms > at_ms).find(|p| !p.same_behaviour(now)).map(|p| p.at_ms)
    }

    /// Checks that phases start at 0, are in time order and have probabilities in [0, 1].
    pub fn validate(&self) -> Result<(), String> {
        if self.phases.first().map(|p| p.at_ms) != Some(0) {
            return Err("the dependency needs a first phase at at_ms 0".into());
        }
        if self.phases.len() > MAX_PHASES {
            return Err(format!("the dependency has {} phases; at most {MAX_PHASES}", self.phases.len()));
        }
        let mut last = 0;
        for (i, p) in self.phases.iter().enumerate() {
            if p.at_ms < last {
                return Err(format!("phase {i}: phases must be in time order"));
            }
            if p.at_ms > MAX_DURATION_MS {
                return Err(format!("phase {i}: at_ms must be at most {MAX_DURATION_MS}, not {}", p.at_ms));
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

    /// The phase in force at `t`.
    pub fn at(&self, t: Nanos) -> &Phase {
        let i = self.phases.partition_point(|p| p.at_ms * MS <= t);
        &self.phases[i.saturating_sub(1)]
    }
}

/// A run's arrivals and what the dependency would do with each: drawn once,
/// from the run's seed, and shared by every breaker compared on it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Trial {
    pub requests: Vec<Request>,
    pub attempts: Vec<Attempt>,
}

/// What the calls would have met with no breaker at all.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Unprotected {
    pub calls: u64,
    /// Calls that failed at the dependency.
    pub failures: u64,
    pub mean_latency_ns: Nanos,
}

impl Trial {
    /// The calls made by `t` (all of them when `None`) with no breaker.
    pub fn unprotected(&self, t: Option<Nanos>) -> Unprotected {
        let n = t.map_or(self.requests.len(), |t| self.requests.partition_point(|r| r.at <= t));
        let attempts = &self.attempts[..n];
        let total: u64 = attempts.iter().map(|a| a.latency).sum();
        Unprotected {
            calls: n as u64,
            failures: attempts.iter().filter(|a| a.failed).count() as u64,
            mean_latency_ns: if n == 0 { 0 } else { total / n as u64 },
        }
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
    requests.iter().map(|r| dependency.draw(r.at, rng)).collect()
}

impl Dependency {
    /// What the dependency does with a call arriving at `t`: whether it
    /// fails, then whether it is slow, two draws in that order.
    pub fn draw(&self, t: Nanos, rng: &mut Rng) -> Attempt {
        let p = self.at(t);
        let failed = rng.unit_open_closed() <= p.failure_rate && p.failure_rate > 0.0;
        let slow = rng.unit_open_closed() <= p.slow_rate && p.slow_rate > 0.0;
        Attempt { failed, latency: if slow { p.slow_latency_ms } else { p.latency_ms } * MS }
    }
}

/// A state an operator forces on the Resilience4j breakers at `at_ms`, as
/// its `transitionToForcedOpenState`, `transitionToDisabledState`,
/// `transitionToMetricsOnlyState` and `transitionToClosedState` do (each
/// allowed from every state). pybreaker has no such states and is left as
/// it is. In JSON `{"at_ms": 12000, "state": "forced-open"}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Forcing {
    pub at_ms: u64,
    /// One of [`FORCEABLE`].
    pub state: State,
}

/// The states an operator can force in a run, each allowed from every state.
pub const FORCEABLE: [State; 4] = [State::ForcedOpen, State::Disabled, State::MetricsOnly, State::Closed];

impl FromJson for Forcing {
    fn read(node: &Node) -> Result<Forcing, Error> {
        let f = json::Fields::of(node, "a forced state (an object)", &["at_ms", "state"])?;
        Ok(Forcing { at_ms: f.req("at_ms")?, state: f.req("state")? })
    }
}

/// The state written by its key (`forced-open`), as it is read.
impl ToJson for Forcing {
    fn write(&self, out: &mut String) {
        json::Obj::new(out).field("at_ms", &self.at_ms).field("state", self.state.key()).end();
    }
}

/// The most forcings a scenario may hold.
pub const MAX_FORCINGS: usize = 1_000;

/// Checks forcings: in time order, within the run, not too many.
pub fn validate_forcings(forced: &[Forcing], duration_ms: u64) -> Result<(), String> {
    if forced.len() > MAX_FORCINGS {
        return Err(format!("at most {MAX_FORCINGS} forced states, not {}", forced.len()));
    }
    for (i, f) in forced.iter().enumerate() {
        if f.at_ms > duration_ms {
            return Err(format!("forced state {}: at_ms {} is after the run's end ({duration_ms})", i + 1, f.at_ms));
        }
        if !FORCEABLE.contains(&f.state) {
            return Err(format!(
                "forced state {}: a run forces forced-open, disabled, metrics-only or closed, not {}",
                i + 1,
                f.state.key()
            ));
        }
        if i > 0 && f.at_ms < forced[i - 1].at_ms {
            return Err(format!("forced state {}: forced states must be in time order", i + 1));
        }
    }
    Ok(())
}

/// Either breaker, behind one interface. In JSON the variant names the
/// object: `{"resilience4j": {…}}` or `{"consecutive": {…}}`.
#[derive(Clone, Debug, PartialEq)]
pub enum BreakerConfig {
    /// Resilience4j's failure-rate breaker.
    Resilience4j(Config),
    /// pybreaker's consecutive-failures breaker.
    Consecutive(ConsecutiveConfig),
}

impl FromJson for BreakerConfig {
    fn read(node: &Node) -> Result<BreakerConfig, Error> {
        let (name, value) = json::variant(node)?;
        match name {
            "resilience4j" => Config::read(json::payload(node, name, value)?).map(BreakerConfig::Resilience4j),
            "consecutive" => ConsecutiveConfig::read(json::payload(node, name, value)?).map(BreakerConfig::Consecutive),
            other => Err(json::unknown(node, other, &["resilience4j", "consecutive"])),
        }
    }
}

impl ToJson for BreakerConfig {
    fn write(&self, out: &mut String) {
        match self {
            BreakerConfig::Resilience4j(c) => json::write_variant(out, "resilience4j", c),
            BreakerConfig::Consecutive(c) => json::write_variant(out, "consecutive", c),
        }
    }
}

/// A running breaker of either kind: what the widget's run and the
/// retries chain's breaker stage both drive.
pub enum Breaker {
    R4j(Box<CircuitBreaker>),
    Consecutive(ConsecutiveBreaker),
}

impl Breaker {
    /// A closed breaker at time 0, once `config` is checked; a randomized
    /// open wait draws from a generator seeded by `seed`.
    pub fn new(config: &BreakerConfig, seed: u64) -> Result<Breaker, String> {
        config.validate()?;
        Ok(match config {
            BreakerConfig::Resilience4j(c) => {
                let mut b = CircuitBreaker::new(c.clone(), 0);
                b.seed_waits(seed);
                Breaker::R4j(Box::new(b))
            }
            BreakerConfig::Consecutive(c) => Breaker::Consecutive(ConsecutiveBreaker::new(c.clone())),
        })
    }

    /// Whether a call arriving at `now` may go through.
    pub fn try_acquire(&mut self, now: Nanos) -> bool {
        match self {
            Breaker::R4j(b) => b.try_acquire(now),
            Breaker::Consecutive(b) => b.try_acquire(now),
        }
    }

    /// Records a result; for a Resilience4j result that changed the state,
    /// the rates that changed it.
    pub fn record(&mut self, now: Nanos, a: Attempt) -> Option<(f32, f32)> {
        match self {
            Breaker::R4j(b) => {
                let changed = if a.failed { b.on_error(now, a.latency) } else { b.on_success(now, a.latency) };
                changed.then(|| b.decided_rates())
            }
            Breaker::Consecutive(b) => {
                if a.failed {
                    b.on_error(now)
                } else {
                    b.on_success(now)
                }
                None
            }
        }
    }

    /// Forces a Resilience4j breaker into `to` at `now` (pybreaker's has no
    /// forced states and is left as it is).
    pub fn force(&mut self, now: Nanos, to: State) {
        if let Breaker::R4j(b) = self {
            // Every state a run forces may be entered from any state.
            let _ = b.transition_to(now, to);
        }
    }

    /// The state at `now`, after any change time alone brings by then.
    pub fn state(&mut self, now: Nanos) -> State {
        match self {
            Breaker::R4j(b) => b.state(now),
            Breaker::Consecutive(b) => b.state(),
        }
    }

    /// Every state change so far.
    pub fn transitions(&self) -> &[Transition] {
        match self {
            Breaker::R4j(b) => b.transitions(),
            Breaker::Consecutive(b) => b.transitions(),
        }
    }

    /// The gauges a [`Bin`] keeps, read at `now`.
    fn gauge(&mut self, now: Nanos) -> [f32; 2] {
        match self {
            // An automatic transition due by `now` comes first: its fresh window is what shows.
            Breaker::R4j(b) => {
                b.state(now);
                [b.failure_rate(now), b.slow_call_rate(now)]
            }
            Breaker::Consecutive(b) => [b.failures() as f32, -1.0],
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
#[derive(Clone, Copy, Debug, Default, PartialEq)]
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

impl ToJson for BreakerSummary {
    fn write(&self, out: &mut String) {
        json::Obj::new(out)
            .field("calls", &self.calls)
            .field("reached", &self.reached)
            .field("failed_fast", &self.failed_fast)
            .field("dependency_failures", &self.dependency_failures)
            .field("time_in_state_ns", &self.time_in_state_ns[..])
            .field("mean_latency_ns", &self.mean_latency_ns)
            .field("mean_latency_without_breaker_ns", &self.mean_latency_without_breaker_ns)
            .end();
    }
}

impl BreakerSummary {
    /// Totals of `calls` (a prefix of a run, with their `attempts`) and of the
    /// `transitions` up to `until`.
    pub fn of(calls: &[CallRecord], attempts: &[Attempt], transitions: &[Transition], until: Nanos) -> BreakerSummary {
        let mut summary = BreakerSummary { calls: calls.len() as u64, ..Default::default() };
        let (mut with, mut without) = (0u64, 0u64);
        for (c, a) in calls.iter().zip(attempts) {
            summary.reached += u64::from(c.reached);
            summary.dependency_failures += u64::from(c.reached & a.failed);
            with += c.latency;
            without += a.latency;
        }
        summary.failed_fast = summary.calls - summary.reached;
        if !calls.is_empty() {
            // At most 200,000 calls of at most 600 s each: the sums fit in u64.
            summary.mean_latency_ns = with / calls.len() as u64;
            summary.mean_latency_without_breaker_ns = without / calls.len() as u64;
        }
        let mut since = (0, State::Closed);
        for t in transitions.iter().take_while(|t| t.at <= until) {
            summary.time_in_state_ns[state_index(since.1)] += t.at - since.0;
            since = (t.at, t.to);
        }
        summary.time_in_state_ns[state_index(since.1)] += until.saturating_sub(since.0);
        summary
    }
}

/// One slice of a run, for drawing: the calls that arrived in it by outcome,
/// and the breaker's gauges at its end.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Bin {
    /// Reached the dependency and succeeded within the slow-call threshold.
    pub ok: u32,
    /// Reached the dependency and succeeded, but slower than the breaker's
    /// slow-call threshold (Resilience4j only; pybreaker has none).
    pub slow: u32,
    /// Reached the dependency and failed there.
    pub failed: u32,
    /// Failed fast: the breaker refused the call.
    pub rejected: u32,
    /// Resilience4j: the failure rate and slow-call rate of the current
    /// state's window in percent, −1 below the minimum number of calls.
    /// Consecutive: the count of consecutive failures, and −1.
    pub gauge: [f32; 2],
}

/// A breaker's whole run.
#[derive(Clone, Debug)]
pub struct BreakerRun {
    pub calls: Vec<CallRecord>,
    pub transitions: Vec<Transition>,
    /// For each transition, the failure and slow-call rates of the result
    /// that caused it (Resilience4j), or `None` for a change made by time
    /// passing or by a consecutive breaker.
    pub decided_by: Vec<Option<(f32, f32)>>,
    /// For each transition, whether an operator forced it.
    pub forced: Vec<bool>,
    pub summary: BreakerSummary,
    /// The run in equal slices of `duration / bins` (none when `bins` is 0).
    pub bins: Vec<Bin>,
}

impl BreakerRun {
    /// Totals up to `t` (the whole run when `None`).
    pub fn summary_until(&self, attempts: &[Attempt], t: Option<Nanos>, duration: Nanos) -> BreakerSummary {
        match t {
            None => self.summary,
            Some(t) => {
                let n = self.calls.partition_point(|c| c.at <= t);
                BreakerSummary::of(&self.calls[..n], attempts, &self.transitions, t.min(duration))
            }
        }
    }

    /// The transitions made by `t` (all of them when `None`).
    pub fn transitions_by(&self, t: Option<Nanos>) -> &[Transition] {
        let n = t.map_or(self.transitions.len(), |t| self.transitions.partition_point(|x| x.at <= t));
        &self.transitions[..n]
    }

    /// The state at `t` (the end of the run when `None`).
    pub fn state_at(&self, t: Option<Nanos>) -> State {
        self.transitions_by(t).last().map_or(State::Closed, |x| x.to)
    }
}

impl BreakerConfig {
    /// Checks the breaker's fields.
    pub fn validate(&self) -> Result<(), String> {
        match self {
            BreakerConfig::Resilience4j(c) => c.validate(),
            BreakerConfig::Consecutive(c) => c.validate(),
        }
    }

    /// The slow-call threshold the breaker judges calls by, if it has one.
    pub fn slow_threshold(&self) -> Option<Nanos> {
        match self {
            BreakerConfig::Resilience4j(c) => Some(c.slow_call_duration_threshold_ms * MS),
            BreakerConfig::Consecutive(_) => None,
        }
    }
}

/// Runs `requests` (sorted) with their drawn `attempts` through a fresh
/// breaker, binning the run into `bins` equal slices of `duration`, with
/// the states an operator forces during the run (`forced`, in time order):
/// at an instant, results due are recorded first, then the forcing, then
/// the arrivals.
pub fn run_breaker(
    config: &BreakerConfig,
    requests: &[Request],
    attempts: &[Attempt],
    duration: Nanos,
    bins: usize,
    seed: u64,
    forced: &[Forcing],
) -> Result<BreakerRun, String> {
    let breaker = Breaker::new(config, seed)?;
    let mut forcings = forced.iter().map(|f| (f.at_ms * MS, f.state)).filter(|f| f.0 <= duration).peekable();
    let slow_ns = config.slow_threshold().unwrap_or(Nanos::MAX);
    let mut run = Runner { breaker, attempts, in_flight: InFlight::default(), decided: Vec::new(), forced: Vec::new() };
    let mut calls = Vec::with_capacity(requests.len());
    let mut out = vec![Bin::default(); bins];
    let bin_ns = duration.div_ceil(bins.max(1) as u64).max(1);
    // Slices whose gauges have been sampled, all those ending by the time reached.
    let mut sampled = 0;
    for (i, (r, a)) in requests.iter().zip(attempts).enumerate() {
        while let Some((at, to)) = forcings.next_if(|f| f.0 <= r.at) {
            run.sample_until(&mut out, &mut sampled, bin_ns, duration, at);
            run.finish_due(at);
            run.force(at, to);
        }
        run.sample_until(&mut out, &mut sampled, bin_ns, duration, r.at);
        run.finish_due(r.at);
        let state = run.breaker.state(r.at);
        let reached = run.breaker.try_acquire(r.at);
        if reached {
            run.in_flight.push(a.latency, r.at + a.latency, i);
        }
        // Every slice ending by now has been sampled, so the call falls in the next one.
        if let Some(b) = out.get_mut(sampled) {
            match (reached, a.failed) {
                (false, _) => b.rejected += 1,
                (true, true) => b.failed += 1,
                (true, false) if a.latency > slow_ns => b.slow += 1,
                (true, false) => b.ok += 1,
            }
        }
        calls.push(CallRecord {
            at: r.at,
            state,
            reached,
            failed: !reached || a.failed,
            latency: if reached { a.latency } else { 0 },
        });
    }
    for (at, to) in forcings {
        run.sample_until(&mut out, &mut sampled, bin_ns, duration, at);
        run.finish_due(at);
        run.force(at, to);
    }
    run.sample_until(&mut out, &mut sampled, bin_ns, duration, Nanos::MAX);
    run.finish_due(duration);
    run.breaker.state(duration);
    let mut transitions: Vec<Transition> = run.breaker.transitions().to_vec();
    let mut decided_by = vec![None; transitions.len()];
    for (i, rates) in run.decided {
        decided_by[i] = Some(rates);
    }
    let mut forced = vec![false; transitions.len()];
    for i in run.forced {
        forced[i] = true;
    }
    let kept = transitions.partition_point(|t| t.at <= duration);
    transitions.truncate(kept);
    decided_by.truncate(kept);
    forced.truncate(kept);
    let summary = BreakerSummary::of(&calls, attempts, &transitions, duration);
    Ok(BreakerRun { calls, transitions, decided_by, forced, summary, bins: out })
}

/// A breaker with its calls in flight, during a run.
struct Runner<'a> {
    breaker: Breaker,
    attempts: &'a [Attempt],
    in_flight: InFlight,
    /// The transitions a result caused, by index, with the rates that decided them.
    decided: Vec<(usize, (f32, f32))>,
    /// The transitions an operator forced, by index.
    forced: Vec<usize>,
}

impl Runner<'_> {
    /// Forces `to` at `at`, noting the transition it made (none when the
    /// breaker was already in `to`, or has no forced states).
    fn force(&mut self, at: Nanos, to: State) {
        let before = self.breaker.transitions().len();
        self.breaker.force(at, to);
        let made = self.breaker.transitions();
        if made.len() > before && made.last().is_some_and(|t| t.at == at && t.to == to) {
            self.forced.push(made.len() - 1);
        }
    }

    /// Samples the gauges at the end of every slice of `bin_ns` that ends by `t`.
    fn sample_until(&mut self, out: &mut [Bin], sampled: &mut usize, bin_ns: Nanos, duration: Nanos, t: Nanos) {
        while *sampled < out.len() && (*sampled as u64 + 1) * bin_ns <= t {
            let end = ((*sampled as u64 + 1) * bin_ns).min(duration);
            self.finish_due(end);
            out[*sampled].gauge = self.breaker.gauge(end);
            *sampled += 1;
        }
    }

    /// Records the results due by `upto`, noting which transitions a result caused.
    fn finish_due(&mut self, upto: Nanos) {
        while let Some((t, i)) = self.in_flight.pop_due(upto) {
            if let Some(rates) = self.breaker.record(t, self.attempts[i]) {
                // The result's own change is the latest; any due by time came before it.
                self.decided.push((self.breaker.transitions().len() - 1, rates));
            }
        }
    }
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
    #[inline]
    fn pop_due(&mut self, upto: Nanos) -> Option<(Nanos, usize)> {
        // The queue whose front is earliest among those due (ties: the earlier arrival).
        let mut best: Option<(usize, (Nanos, usize))> = None;
        for (k, (_, q)) in self.queues.iter().enumerate() {
            if let Some(&front) = q.front() {
                if front.0 <= upto && best.is_none_or(|(_, b)| front < b) {
                    best = Some((k, front));
                }
            }
        }
        let (k, _) = best?;
        self.queues[k].1.pop_front()
    }
}

/// The summary's bucket for a state. The forced states, which only a
/// forced transition reaches, count with the state each behaves like:
/// DISABLED and METRICS_ONLY with CLOSED, FORCED_OPEN with OPEN.
fn state_index(s: State) -> usize {
    match s {
        State::Closed | State::Disabled | State::MetricsOnly => 0,
        State::Open | State::ForcedOpen => 1,
        State::HalfOpen => 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::json::{from_str, to_string};
    use crate::sim::circuit_breaker::{AfterWait, WaitInterval, WindowType};

    /// Reads `text`, and checks what it writes reads back the same.
    fn read<T: FromJson + ToJson + PartialEq + std::fmt::Debug>(text: &str) -> T {
        let t: T = from_str(text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_eq!(from_str::<T>(&to_string(&t)).as_ref(), Ok(&t), "{text}");
        t
    }

    #[test]
    fn breakers_are_written_and_read_back() {
        // Absent fields take Resilience4j's defaults, not zero, and are written out.
        let c: BreakerConfig = read(r#"{"resilience4j":{"sliding_window_type":"time-based","sliding_window_size":5}}"#);
        let BreakerConfig::Resilience4j(r) = &c else { panic!("{c:?}") };
        assert_eq!((r.sliding_window_type, r.minimum_number_of_calls, r.failure_rate_threshold), (WindowType::TimeBased, 100, 50.0));
        assert_eq!(
            to_string(&c),
            concat!(
                r#"{"resilience4j":{"sliding_window_type":"time-based","sliding_window_size":5,"minimum_number_of_calls":100,"#,
                r#""failure_rate_threshold":50.0,"slow_call_rate_threshold":100.0,"slow_call_duration_threshold_ms":60000,"#,
                r#""wait_duration_in_open_state_ms":60000,"permitted_number_of_calls_in_half_open_state":10,"#,
                r#""automatic_transition_from_open_to_half_open":false,"max_wait_duration_in_half_open_state_ms":0}}"#
            )
        );
        let full = BreakerConfig::Resilience4j(Config {
            failure_rate_threshold: 33.3,
            wait_interval_in_open_state: Some(WaitInterval::ExponentialRandom { multiplier: 1.5, factor: 0.25, max_ms: Some(9) }),
            transition_to_state_after_wait_duration: AfterWait::Closed,
            ..Config::default()
        });
        let text = concat!(
            r#"{"resilience4j":{"sliding_window_type":"count-based","sliding_window_size":100,"minimum_number_of_calls":100,"#,
            r#""failure_rate_threshold":33.3,"slow_call_rate_threshold":100.0,"slow_call_duration_threshold_ms":60000,"#,
            r#""wait_duration_in_open_state_ms":60000,"permitted_number_of_calls_in_half_open_state":10,"#,
            r#""automatic_transition_from_open_to_half_open":false,"max_wait_duration_in_half_open_state_ms":0,"#,
            r#""wait_interval_in_open_state":{"exponential-random":{"multiplier":1.5,"factor":0.25,"max_ms":9}},"#,
            r#""transition_to_state_after_wait_duration":"closed"}}"#
        );
        assert_eq!(to_string(&full), text);
        assert_eq!(read::<BreakerConfig>(text), full);
        for (w, text) in [
            (WaitInterval::Exponential { multiplier: 2.0, max_ms: None }, r#"{"exponential":{"multiplier":2.0}}"#),
            (
                WaitInterval::Exponential { multiplier: 2.0, max_ms: Some(60_000) },
                r#"{"exponential":{"multiplier":2.0,"max_ms":60000}}"#,
            ),
            (WaitInterval::Randomized { factor: 0.5 }, r#"{"randomized":{"factor":0.5}}"#),
            (
                WaitInterval::ExponentialRandom { multiplier: 1.5, factor: 0.5, max_ms: None },
                r#"{"exponential-random":{"multiplier":1.5,"factor":0.5}}"#,
            ),
        ] {
            assert_eq!(to_string(&w), text);
            assert_eq!(read::<WaitInterval>(text), w);
        }
        let pybreaker: BreakerConfig = read(r#"{"consecutive": {"fail_max": 3, "reset_timeout_ms": 100}}"#);
        assert_eq!(
            pybreaker,
            BreakerConfig::Consecutive(ConsecutiveConfig { fail_max: 3, reset_timeout_ms: 100, success_threshold: 1 })
        );
        assert_eq!(to_string(&pybreaker), r#"{"consecutive":{"fail_max":3,"reset_timeout_ms":100,"success_threshold":1}}"#);
    }

    #[test]
    fn bad_breakers_are_refused_saying_why() {
        let err = |text: &str| from_str::<BreakerConfig>(text).unwrap_err();
        assert_eq!(
            err(r#"{"hystrix": {}}"#),
            r#"unknown choice "hystrix"; expected one of "resilience4j", "consecutive" at line 1 column 1"#
        );
        assert_eq!(err(r#""consecutive""#), r#"expected "consecutive" with its settings, {"consecutive": …}, found "consecutive" at line 1 column 1"#);
        assert!(err(r#"{"resilience4j": {"sliding_window_sise": 5}}"#)
            .starts_with(r#"unknown field "sliding_window_sise"; expected one of "sliding_window_type", "#));
        assert_eq!(
            err(r#"{"resilience4j": {"sliding_window_type": "count"}}"#),
            r#"sliding_window_type: expected one of "count-based", "time-based", found "count" at line 1 column 42"#
        );
        assert_eq!(
            err(r#"{"resilience4j": {"wait_interval_in_open_state": {"linear": {}}}}"#),
            r#"unknown choice "linear"; expected one of "exponential", "randomized", "exponential-random" at line 1 column 50"#
        );
        assert_eq!(
            err(r#"{"resilience4j": {"wait_interval_in_open_state": {"randomized": {"factor": 1, "max_ms": 2}}}}"#),
            r#"unknown field "max_ms"; expected one of "factor" at line 1 column 89"#
        );
        assert_eq!(err(r#"{"consecutive": {"reset_timeout_ms": 1}}"#), r#"missing field "fail_max" at line 1 column 17"#);
    }

    #[test]
    fn forced_states_are_written_and_read_by_their_keys() {
        let f = Forcing { at_ms: 5, state: State::ForcedOpen };
        assert_eq!(to_string(&f), r#"{"at_ms":5,"state":"forced-open"}"#);
        assert_eq!(read::<Forcing>(r#"{"at_ms":5,"state":"forced-open"}"#), f);
        assert_eq!(
            from_str::<Forcing>(r#"{"at_ms": 5, "state": "FORCED_OPEN"}"#).unwrap_err(),
            r#"state: expected one of "closed", "open", "half-open", "disabled", "metrics-only", "forced-open", found "FORCED_OPEN" at line 1 column 23"#
        );
        // Reports name the state as Resilience4j does.
        assert_eq!(to_string(&State::HalfOpen), r#""HALF_OPEN""#);
        let p: Phase = read(r#"{"at_ms": 0, "failure_rate": 1, "latency_ms": 5}"#);
        assert_eq!(p, Phase { at_ms: 0, failure_rate: 1.0, latency_ms: 5, slow_rate: 0.0, slow_latency_ms: 0 });
        assert_eq!(to_string(&p), r#"{"at_ms":0,"failure_rate":1.0,"latency_ms":5,"slow_rate":0.0,"slow_latency_ms":0}"#);
    }
}
