//! Circuit breakers. [`CircuitBreaker`] follows Resilience4j's
//! `CircuitBreakerStateMachine` (`resilience4j-circuitbreaker/.../internal/
//! CircuitBreakerStateMachine.java` and `CircuitBreakerMetrics.java`) rule for
//! rule, with time simulated:
//!
//! * **CLOSED** permits every call and records each result in a sliding window
//!   ([`window`]); once at least `minimum_number_of_calls` are buffered (for a
//!   count window, at most the window size), it opens when the failure rate or
//!   the slow-call rate is **≥** its threshold. Rates are `f32` percentages,
//!   `failed * 100f / calls`, as in Resilience4j. A call is slow when its
//!   duration is **strictly longer** than `slow_call_duration_threshold`.
//! * **OPEN** refuses calls (counted as not permitted) until the clock is
//!   **strictly after** `opened_at + wait_duration_in_open_state`; the first
//!   call after that moves it to HALF_OPEN and takes a permit there. With
//!   `automatic_transition_from_open_to_half_open` the move happens on its own
//!   at exactly `opened_at + wait`. OPEN keeps the metrics of the state it
//!   came from: results of calls still in flight are recorded there.
//! * **HALF_OPEN** starts a fresh count window of
//!   `permitted_number_of_calls_in_half_open_state` calls and permits that many;
//!   it decides once `min(minimum_number_of_calls, permitted)` results are in:
//!   thresholds reached → OPEN, otherwise → CLOSED with fresh metrics. With
//!   `max_wait_duration_in_half_open_state` > 0 it returns to OPEN on its own
//!   after that long without a decision.
//! * Results are recorded in whatever state is current when the call
//!   finishes, so a call permitted while CLOSED can count in HALF_OPEN's trial.
//!
//! Transitions scheduled for an instant (the automatic ones) happen before
//! calls arriving at that same instant.
//!
//! [`scenario::CircuitBreakerScenario`] is the widget's scenario, with its
//! presets, widget-block keys and reports beside it.

pub mod block;
pub mod consecutive;
pub mod presets;
pub mod report;
pub mod run;
pub mod scenario;
pub mod window;

/// The widget's name in the widget index.
pub const TITLE: &str = "Circuit breaker";
/// One sentence for the widget index.
pub const SUMMARY: &str =
    "Resilience4j's state machine and pybreaker's consecutive breaker against a dependency you break and heal.";

use crate::sim::kernel::time::{Nanos, MS};
use serde::{Deserialize, Serialize};
use window::{Totals, Window};

/// Which sliding window CLOSED uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WindowType {
    /// The last `sliding_window_size` calls.
    CountBased,
    /// The last `sliding_window_size` seconds, in one-second buckets.
    TimeBased,
}

/// Resilience4j's `CircuitBreakerConfig`, durations in milliseconds. The
/// defaults are Resilience4j's.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub sliding_window_type: WindowType,
    pub sliding_window_size: u32,
    pub minimum_number_of_calls: u32,
    pub failure_rate_threshold: f32,
    pub slow_call_rate_threshold: f32,
    pub slow_call_duration_threshold_ms: u64,
    pub wait_duration_in_open_state_ms: u64,
    pub permitted_number_of_calls_in_half_open_state: u32,
    pub automatic_transition_from_open_to_half_open: bool,
    /// 0 waits in HALF_OPEN for as long as it takes.
    pub max_wait_duration_in_half_open_state_ms: u64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            sliding_window_type: WindowType::CountBased,
            sliding_window_size: 100,
            minimum_number_of_calls: 100,
            failure_rate_threshold: 50.0,
            slow_call_rate_threshold: 100.0,
            slow_call_duration_threshold_ms: 60_000,
            wait_duration_in_open_state_ms: 60_000,
            permitted_number_of_calls_in_half_open_state: 10,
            automatic_transition_from_open_to_half_open: false,
            max_wait_duration_in_half_open_state_ms: 0,
        }
    }
}

impl Config {
    /// Checks the bounds Resilience4j's builder enforces, plus limits that keep
    /// a simulation small; the message names the field.
    pub fn validate(&self) -> Result<(), String> {
        let rate = |name: &str, v: f32| {
            if v > 0.0 && v <= 100.0 {
                Ok(())
            } else {
                Err(format!(
                    "{name} must be greater than 0 and at most 100, not {}",
                    crate::sim::kernel::num::decimal(f64::from(v), 3)
                ))
            }
        };
        rate("failure_rate_threshold", self.failure_rate_threshold)?;
        rate("slow_call_rate_threshold", self.slow_call_rate_threshold)?;
        let count = |name: &str, v: u32, max: u32| {
            if (1..=max).contains(&v) {
                Ok(())
            } else {
                Err(format!("{name} must be between 1 and {max}, not {v}"))
            }
        };
        count("sliding_window_size", self.sliding_window_size, 10_000)?;
        count("minimum_number_of_calls", self.minimum_number_of_calls, 10_000)?;
        count(
            "permitted_number_of_calls_in_half_open_state",
            self.permitted_number_of_calls_in_half_open_state,
            10_000,
        )?;
        if self.wait_duration_in_open_state_ms == 0 || self.wait_duration_in_open_state_ms > 86_400_000 {
            return Err(format!(
                "wait_duration_in_open_state_ms must be between 1 and 86400000, not {}",
                self.wait_duration_in_open_state_ms
            ));
        }
        if self.slow_call_duration_threshold_ms == 0 || self.slow_call_duration_threshold_ms > 86_400_000 {
            return Err(format!(
                "slow_call_duration_threshold_ms must be between 1 and 86400000, not {}",
                self.slow_call_duration_threshold_ms
            ));
        }
        if self.max_wait_duration_in_half_open_state_ms > 86_400_000 {
            return Err(format!(
                "max_wait_duration_in_half_open_state_ms must be at most 86400000, not {}",
                self.max_wait_duration_in_half_open_state_ms
            ));
        }
        Ok(())
    }
}

/// The breaker's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum State {
    Closed,
    Open,
    HalfOpen,
}

/// A state change and when it happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Transition {
    pub at: Nanos,
    pub from: State,
    pub to: State,
}

/// A state's metrics: its window, the minimum number of calls before rates
/// count, and the calls it refused.
#[derive(Clone, Debug)]
struct Metrics {
    window: Window,
    minimum_calls: u32,
    not_permitted: u64,
}

impl Metrics {
    fn closed(c: &Config, now: Nanos) -> Metrics {
        match c.sliding_window_type {
            WindowType::CountBased => Metrics {
                window: Window::count(c.sliding_window_size),
                minimum_calls: c.minimum_number_of_calls.min(c.sliding_window_size),
                not_permitted: 0,
            },
            WindowType::TimeBased => Metrics {
                window: Window::time(c.sliding_window_size, now),
                minimum_calls: c.minimum_number_of_calls,
                not_permitted: 0,
            },
        }
    }

    fn half_open(c: &Config) -> Metrics {
        let size = c.permitted_number_of_calls_in_half_open_state;
        Metrics { window: Window::count(size), minimum_calls: c.minimum_number_of_calls.min(size), not_permitted: 0 }
    }
}

/// What recording a result concluded (Resilience4j's `Result`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Verdict {
    BelowMinimumCalls,
    BelowThresholds,
    Exceeded,
}

/// A Resilience4j circuit breaker in simulated time.
#[derive(Clone, Debug)]
pub struct CircuitBreaker {
    config: Config,
    state: State,
    metrics: Metrics,
    /// Times opened since the breaker last closed (Resilience4j's `attempts`).
    attempts: u32,
    /// When the current state began.
    since: Nanos,
    half_open_permits: u32,
    transitions: Vec<Transition>,
    /// Failure and slow-call rates of the last verdict (−1 below the minimum).
    decided: (f32, f32),
}

impl CircuitBreaker {
    /// A closed breaker at time `now`. Call [`Config::validate`] first.
    pub fn new(config: Config, now: Nanos) -> CircuitBreaker {
        let metrics = Metrics::closed(&config, now);
        CircuitBreaker {
            config,
            state: State::Closed,
            metrics,
            attempts: 0,
            since: now,
            half_open_permits: 0,
            transitions: Vec::new(),
            decided: (-1.0, -1.0),
        }
    }

    /// The current state, after any automatic transition due by `now`.
    pub fn state(&mut self, now: Nanos) -> State {
        self.advance(now);
        self.state
    }

    /// Every state change so far.
    pub fn transitions(&self) -> &[Transition] {
        &self.transitions
    }

    fn transition(&mut self, at: Nanos, to: State) {
        let from = self.state;
        self.transitions.push(Transition { at, from, to });
        self.state = to;
        self.since = at;
        match to {
            // OPEN keeps the metrics of the state it came from.
            State::Open => self.attempts += 1,
            State::HalfOpen => {
                self.metrics = Metrics::half_open(&self.config);
                self.half_open_permits = self.config.permitted_number_of_calls_in_half_open_state;
            }
            State::Closed => {
                self.metrics = Metrics::closed(&self.config, at);
                self.attempts = 0;
            }
        }
    }

    /// Applies the transitions scheduled up to `now`: OPEN → HALF_OPEN when
    /// automatic, and HALF_OPEN → OPEN after the maximum wait.
    #[inline]
    fn advance(&mut self, now: Nanos) {
        if self.state == State::Closed {
            return;
        }
        loop {
            let c = &self.config;
            let due = match self.state {
                State::Open if c.automatic_transition_from_open_to_half_open => {
                    Some((self.since + c.wait_duration_in_open_state_ms * MS, State::HalfOpen))
                }
                State::HalfOpen if c.max_wait_duration_in_half_open_state_ms >= 1 => {
                    Some((self.since + c.max_wait_duration_in_half_open_state_ms * MS, State::Open))
                }
                _ => None,
            };
            match due {
                Some((at, to)) if at <= now => self.transition(at, to),
                _ => return,
            }
        }
    }

    /// Asks to make a call at `now` (`tryAcquirePermission`).
    pub fn try_acquire(&mut self, now: Nanos) -> bool {
        self.advance(now);
        match self.state {
            State::Closed => true,
            State::Open => {
                if now > self.since + self.config.wait_duration_in_open_state_ms * MS {
                    self.transition(now, State::HalfOpen);
                    self.try_acquire(now)
                } else {
                    self.metrics.not_permitted += 1;
                    false
                }
            }
            State::HalfOpen => {
                if self.half_open_permits > 0 {
                    self.half_open_permits -= 1;
                    true
                } else {
                    self.metrics.not_permitted += 1;
                    false
                }
            }
        }
    }

    /// Records a successful call that took `duration`, finishing at `now`;
    /// true when this result changed the state.
    pub fn on_success(&mut self, now: Nanos, duration: Nanos) -> bool {
        self.record(now, duration, false)
    }

    /// Records a failed call that took `duration`, finishing at `now`; true
    /// when this result changed the state.
    pub fn on_error(&mut self, now: Nanos, duration: Nanos) -> bool {
        self.record(now, duration, true)
    }

    fn record(&mut self, now: Nanos, duration: Nanos, failed: bool) -> bool {
        self.advance(now);
        let slow = duration > self.config.slow_call_duration_threshold_ms * MS;
        self.metrics.window.record(now, Totals::one(failed, slow));
        let verdict = self.verdict(now);
        match (self.state, verdict) {
            (State::Closed | State::HalfOpen, Verdict::Exceeded) => self.transition(now, State::Open),
            (State::HalfOpen, Verdict::BelowThresholds) => self.transition(now, State::Closed),
            _ => return false,
        }
        true
    }

    #[inline]
    fn verdict(&mut self, now: Nanos) -> Verdict {
        // One snapshot serves both rates (the window has just moved to `now`).
        let (failure, slow) = match self.buffered(now) {
            Some(t) => (t.failure_rate(), t.slow_call_rate()),
            None => (-1.0, -1.0),
        };
        self.decided = (failure, slow);
        if failure == -1.0 || slow == -1.0 {
            Verdict::BelowMinimumCalls
        } else if failure >= self.config.failure_rate_threshold || slow >= self.config.slow_call_rate_threshold {
            Verdict::Exceeded
        } else {
            Verdict::BelowThresholds
        }
    }

    #[inline]
    fn buffered(&mut self, now: Nanos) -> Option<Totals> {
        let t = self.metrics.window.totals(now);
        (t.calls > 0 && t.calls >= self.metrics.minimum_calls).then_some(t)
    }

    /// The failure rate in percent, or −1 while fewer than the minimum number
    /// of calls are buffered (`getFailureRate`).
    pub fn failure_rate(&mut self, now: Nanos) -> f32 {
        self.buffered(now).map_or(-1.0, |t| t.failure_rate())
    }

    /// The slow-call rate in percent, or −1 below the minimum number of calls.
    pub fn slow_call_rate(&mut self, now: Nanos) -> f32 {
        self.buffered(now).map_or(-1.0, |t| t.slow_call_rate())
    }

    /// Calls, failures and slow calls in the current state's window.
    pub fn totals(&mut self, now: Nanos) -> Totals {
        self.metrics.window.totals(now)
    }

    /// The failure and slow-call rates the last recorded result was judged by
    /// (−1 below the minimum number of calls): after a result that changed
    /// the state, the rates that changed it, even where the new state's
    /// metrics start afresh.
    pub fn decided_rates(&self) -> (f32, f32) {
        self.decided
    }

    /// Calls refused since the current metrics began (`getNumberOfNotPermittedCalls`).
    pub fn not_permitted(&self) -> u64 {
        self.metrics.not_permitted
    }

    /// Moves to OPEN now (`transitionToOpenState`), as a forced trip.
    pub fn transition_to_open(&mut self, now: Nanos) {
        self.advance(now);
        if self.state != State::Open {
            self.transition(now, State::Open);
        }
    }

    /// Moves to HALF_OPEN now (`transitionToHalfOpenState`).
    pub fn transition_to_half_open(&mut self, now: Nanos) {
        self.advance(now);
        if self.state != State::HalfOpen {
            self.transition(now, State::HalfOpen);
        }
    }

    /// Moves to CLOSED now with fresh metrics (`transitionToClosedState`).
    pub fn transition_to_closed(&mut self, now: Nanos) {
        self.advance(now);
        if self.state != State::Closed {
            self.transition(now, State::Closed);
        }
    }
}
