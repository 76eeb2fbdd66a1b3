//! The pipeline: one stream of user requests through the mechanisms the
//! other widgets show one at a time, composed: clients that retry, a rate
//! limiter in front of the service, a circuit breaker guarding its calls,
//! and the dependency those calls reach.
//!
//! Nothing here is a second implementation. A lane is the retries chain
//! ([`crate::sim::retries::run`]) with [`Stages`]: the rate limiter is
//! [`crate::sim::rate_limiter::Limiter`] and the breaker
//! [`crate::sim::circuit_breaker::run::Breaker`], configured by the same
//! scenario fields their own widgets read. With one stage and one attempt
//! a lane decides exactly what that stage's own widget decides on the same
//! arrivals (`tests/pipeline.rs` holds it to that, call by call).
//!
//! The dependency queues, as in the retries widget, or follows one of the
//! circuit-breaker widget's scripts.

pub mod block;
pub mod presets;
pub mod report;
pub mod scenario;

use crate::sim::circuit_breaker::run::BreakerConfig;
use crate::sim::load_balancing::Balancer;
use crate::sim::rate_limiter::LimiterConfig;
use crate::sim::retries::run::Stages;
use crate::sim::retries::Policy;
use crate::scenario::json;

/// The widget index's name for this family.
pub const TITLE: &str = "Resilience pipeline";
/// The widget index's one-line description.
pub const SUMMARY: &str =
    "Retrying clients, a rate limiter, a circuit breaker and a dependency in one chain: what each stage admits, refuses, fails fast and retries.";

/// One configuration of the chain: how its clients retry, and the stages
/// in front of the dependency.
#[derive(Clone, Debug, PartialEq)]
pub struct Lane {
    pub retry: Policy,
    pub limiter: Option<LimiterConfig>,
    /// In front of a pool of servers: how it picks one (round robin if not set).
    pub balancer: Option<Balancer>,
    /// In front of the dependency, or (behind a balancer) of each server.
    pub breaker: Option<BreakerConfig>,
}

json::object!(Lane, "a lane (an object)" {
    retry,
    limiter: default (Option::is_none),
    balancer: default (Option::is_none),
    breaker: default (Option::is_none),
});

impl Lane {
    /// Checks the policy and each stage.
    pub fn validate(&self) -> Result<(), String> {
        self.retry.validate()?;
        if let Some(l) = &self.limiter {
            l.validate()?;
        }
        if let Some(b) = &self.balancer {
            b.validate()?;
        }
        if let Some(b) = &self.breaker {
            b.validate()?;
        }
        Ok(())
    }

    /// The stages as the chain takes them.
    pub fn stages(&self) -> Stages {
        Stages { limiter: self.limiter.clone(), balancer: self.balancer, breaker: self.breaker.clone() }
    }

    /// A label for the widget and reports: the policy, then each stage.
    pub fn label(&self) -> String {
        let mut label = self.retry.label();
        if let Some(l) = &self.limiter {
            label.push_str(" + ");
            label.push_str(l.algorithm.label());
        }
        if let Some(b) = &self.balancer {
            label.push_str(" + ");
            label.push_str(b.name());
        }
        match &self.breaker {
            Some(BreakerConfig::Resilience4j(_)) => label.push_str(" + breaker (Resilience4j)"),
            Some(BreakerConfig::Consecutive(_)) => label.push_str(" + breaker (pybreaker)"),
            None => {}
        }
        label
    }
}
