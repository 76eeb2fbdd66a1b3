//! The consecutive-failures circuit breaker, exactly as pybreaker 1.4
//! (`pybreaker/__init__.py`) runs it; cockatiel's `ConsecutiveBreaker` makes
//! the same open/closed decisions on sequential calls.
//!
//! * CLOSED: a failure adds one to the failure count and a success resets it
//!   to 0; the count reaching `fail_max` opens the breaker (the call that
//!   trips it did run).
//! * OPEN: calls are refused while now < opened_at + `reset_timeout`; the
//!   first call at or after that instant (inclusive, unlike Resilience4j) runs
//!   as a trial in HALF_OPEN.
//! * HALF_OPEN: every call runs (pybreaker serialises calls with a lock); a
//!   failure reopens the breaker from that moment, and `success_threshold`
//!   successes close it with both counts reset.

use super::{State, Transition};
use crate::scenario::json;
use crate::sim::kernel::time::{Nanos, MS};

/// pybreaker's `CircuitBreaker(fail_max, reset_timeout, success_threshold)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsecutiveConfig {
    pub fail_max: u32,
    pub reset_timeout_ms: u64,
    pub success_threshold: u32,
}

fn one() -> u32 {
    1
}

json::object!(ConsecutiveConfig, "a pybreaker breaker (an object)" {
    fail_max,
    reset_timeout_ms,
    success_threshold: default = one(),
});

impl Default for ConsecutiveConfig {
    /// pybreaker's defaults: 5 failures, 60 s, 1 success.
    fn default() -> Self {
        ConsecutiveConfig { fail_max: 5, reset_timeout_ms: 60_000, success_threshold: 1 }
    }
}

impl ConsecutiveConfig {
    /// Checks the fields; the message names the field.
    pub fn validate(&self) -> Result<(), String> {
        if !(1..=10_000).contains(&self.fail_max) {
            return Err(format!("fail_max must be between 1 and 10000, not {}", self.fail_max));
        }
        if !(1..=10_000).contains(&self.success_threshold) {
            return Err(format!("success_threshold must be between 1 and 10000, not {}", self.success_threshold));
        }
        if self.reset_timeout_ms > 86_400_000 {
            return Err(format!("reset_timeout_ms must be at most 86400000, not {}", self.reset_timeout_ms));
        }
        Ok(())
    }
}

/// A consecutive-failures breaker in simulated time.
#[derive(Clone, Debug)]
pub struct ConsecutiveBreaker {
    config: ConsecutiveConfig,
    state: State,
    failures: u32,
    successes: u32,
    opened_at: Nanos,
    transitions: Vec<Transition>,
}

impl ConsecutiveBreaker {
    /// A closed breaker.
    pub fn new(config: ConsecutiveConfig) -> ConsecutiveBreaker {
        ConsecutiveBreaker {
            config,
            state: State::Closed,
            failures: 0,
            successes: 0,
            opened_at: 0,
            transitions: Vec::new(),
        }
    }

    /// The current state.
    pub fn state(&self) -> State {
        self.state
    }

    /// Every state change so far.
    pub fn transitions(&self) -> &[Transition] {
        &self.transitions
    }

    fn set(&mut self, at: Nanos, to: State) {
        self.transitions.push(Transition { at, from: self.state, to });
        self.state = to;
    }

    /// Consecutive failures counted so far.
    pub fn failures(&self) -> u32 {
        self.failures
    }

    /// Whether a call at `now` may run; a permitted call in OPEN moves the breaker to HALF_OPEN.
    pub fn try_acquire(&mut self, now: Nanos) -> bool {
        match self.state {
            State::Open if now < self.opened_at + self.config.reset_timeout_ms * MS => false,
            State::Open => {
                self.set(now, State::HalfOpen);
                self.successes = 0;
                true
            }
            // pybreaker has no forced states: DISABLED and METRICS_ONLY permit, FORCED_OPEN refuses.
            State::Closed | State::HalfOpen | State::Disabled | State::MetricsOnly => true,
            State::ForcedOpen => false,
        }
    }

    /// Records a failed call finishing at `now`.
    pub fn on_error(&mut self, now: Nanos) {
        self.failures += 1;
        match self.state {
            State::Closed if self.failures >= self.config.fail_max => self.open(now),
            State::HalfOpen => self.open(now),
            _ => {}
        }
    }

    /// Records a successful call finishing at `now`.
    pub fn on_success(&mut self, now: Nanos) {
        self.failures = 0;
        if self.state == State::HalfOpen {
            self.successes += 1;
            if self.successes >= self.config.success_threshold {
                self.set(now, State::Closed);
                self.successes = 0;
            }
        }
    }

    fn open(&mut self, now: Nanos) {
        self.set(now, State::Open);
        self.opened_at = now;
        self.successes = 0;
    }
}
