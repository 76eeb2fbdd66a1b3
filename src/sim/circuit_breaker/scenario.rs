//! The circuit-breaker widget's scenario: caller traffic, a dependency whose
//! behaviour changes over time, and one or two breakers run side by side on it.

use super::run::{draw, run_breaker, validate_forcings, BreakerConfig, BreakerRun, Dependency, Forcing, Trial};
use crate::scenario::json;
use crate::scenario::{check_version, View};
use crate::sim::kernel::rng::Rng;
use crate::sim::kernel::time::MS;
use crate::sim::kernel::traffic::{check_duration, Traffic};

/// The `widget` field of a circuit-breaker scenario: always `"circuit-breaker"`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CircuitBreakerTag {
    #[default]
    CircuitBreaker,
}

/// A circuit-breaker scenario: caller traffic, a dependency whose behaviour
/// changes over time, and one or two breakers run side by side on it.
#[derive(Clone, Debug, PartialEq)]
pub struct CircuitBreakerScenario {
    pub widget: CircuitBreakerTag,
    pub version: u32,
    pub seed: u64,
    pub duration_ms: u64,
    pub traffic: Traffic,
    pub dependency: Dependency,
    pub breakers: Vec<BreakerConfig>,
    /// States an operator forces on the Resilience4j breakers, in time order.
    pub forced: Vec<Forcing>,
    pub view: View,
}

json::names!(CircuitBreakerTag { CircuitBreaker = "circuit-breaker" });
json::object!(CircuitBreakerScenario, "a circuit-breaker scenario (an object)" {
    widget,
    version,
    seed,
    duration_ms,
    traffic,
    dependency,
    breakers,
    forced: default (Vec::is_empty),
    view: default (View::is_default),
});

impl CircuitBreakerScenario {
    /// Checks traffic, dependency, breakers and duration.
    pub fn validate(&self) -> Result<(), String> {
        check_version(self.version)?;
        check_duration(self.duration_ms)?;
        if self.breakers.is_empty() || self.breakers.len() > 2 {
            return Err(format!("compare one or two breakers, not {}", self.breakers.len()));
        }
        for b in &self.breakers {
            b.validate()?;
        }
        self.dependency.validate()?;
        validate_forcings(&self.forced, self.duration_ms)?;
        self.traffic.validate(self.duration_ms)?;
        self.view.validate()
    }

    /// Sets the run's length. A scripted dependency is laid over the run, so
    /// it stretches with it; a hand-made one keeps its times.
    pub fn set_duration(&mut self, duration_ms: u64) {
        let script = self.dependency.script_name(self.duration_ms);
        self.duration_ms = duration_ms;
        // States forced after the new end no longer happen.
        self.forced.retain(|f| f.at_ms <= duration_ms);
        if let Some(d) = script.and_then(|name| Dependency::script(name, duration_ms)) {
            self.dependency = d;
        }
    }

    /// The arrivals and the dependency's answers to them: one generator,
    /// seeded once, draws the traffic and then the results. They depend only
    /// on the seed, duration, traffic and dependency, not on the breakers.
    pub fn trial(&self) -> Trial {
        let mut rng = Rng::new(self.seed);
        let requests = self.traffic.generate(self.duration_ms * MS, &mut rng);
        let attempts = draw(&requests, &self.dependency, &mut rng);
        Trial { requests, attempts }
    }

    /// Runs every breaker on `trial` (this scenario's [`trial`](Self::trial)),
    /// binned into `bins` slices.
    pub fn run_on(&self, trial: &Trial, bins: usize) -> Result<Vec<BreakerRun>, String> {
        self.validate()?;
        let duration = self.duration_ms * MS;
        self.breakers
            .iter()
            .map(|b| run_breaker(b, &trial.requests, &trial.attempts, duration, bins, self.seed, &self.forced))
            .collect()
    }

    /// Forces `forcing` on the Resilience4j breakers, replacing one at the same instant.
    pub fn force(&mut self, forcing: Forcing) {
        let i = self.forced.partition_point(|f| f.at_ms < forcing.at_ms);
        match self.forced.get_mut(i) {
            Some(f) if f.at_ms == forcing.at_ms => *f = forcing,
            _ => self.forced.insert(i, forcing),
        }
    }

    /// Runs every breaker on the same arrivals and the same dependency results.
    pub fn run(&self, bins: usize) -> Result<Vec<BreakerRun>, String> {
        self.validate()?;
        self.run_on(&self.trial(), bins)
    }
}
