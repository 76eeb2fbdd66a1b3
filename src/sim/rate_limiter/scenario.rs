//! The rate-limiter widget's scenario: up to three limiters on one trace.

use super::run::{run_lane, LaneRun};
use super::LimiterConfig;
use crate::scenario::json;
use crate::scenario::{check_count, check_version, View, MAX_EXTRA, MAX_LANES};
use crate::sim::kernel::rng::Rng;
use crate::sim::kernel::time::{ms_to_ns, MS};
use crate::sim::kernel::traffic::{check_duration_within, merge, validate_arrivals, Arrival, Request, Traffic, MAX_DAY_MS};

/// The `widget` field of a rate-limiter scenario: always `"rate-limiter"`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RateLimiterTag {
    #[default]
    RateLimiter,
}

/// The rate-limiter widget's scenario: up to three limiters on one trace.
#[derive(Clone, Debug, PartialEq)]
pub struct RateLimiterScenario {
    pub widget: RateLimiterTag,
    pub version: u32,
    pub seed: u64,
    pub duration_ms: u64,
    pub traffic: Traffic,
    pub limiters: Vec<LimiterConfig>,
    /// Requests fired by hand, `[at_ms, cost]` in time order, merged into the generated traffic.
    pub extra: Vec<Arrival>,
    pub view: View,
}

json::names!(RateLimiterTag { RateLimiter = "rate-limiter" });
json::object!(RateLimiterScenario, "a rate-limiter scenario (an object)" {
    widget,
    version,
    seed,
    duration_ms,
    traffic,
    limiters,
    extra: default (Vec::is_empty),
    view: default (View::is_default),
});

impl RateLimiterScenario {
    /// Checks lanes, traffic, duration and hand-fired requests.
    pub fn validate(&self) -> Result<(), String> {
        check_version(self.version)?;
        // A day: a limit per hour or per day needs a day to show itself.
        check_duration_within(self.duration_ms, MAX_DAY_MS)?;
        check_count(self.limiters.len(), MAX_LANES, "limiters")?;
        for l in &self.limiters {
            l.validate()?;
        }
        self.traffic.validate(self.duration_ms)?;
        if self.extra.len() > MAX_EXTRA {
            return Err(format!("at most {MAX_EXTRA} hand-fired requests, not {}", self.extra.len()));
        }
        validate_arrivals(&self.extra, self.duration_ms).map_err(|e| format!("hand-fired {e}"))?;
        self.view.validate()
    }

    /// The run's arrivals: generated traffic plus hand-fired requests.
    pub fn requests(&self) -> Vec<Request> {
        let mut rng = Rng::new(self.seed);
        let duration = self.duration_ms * MS;
        let base = self.traffic.generate(duration, &mut rng);
        let extra: Vec<Request> = self
            .extra
            .iter()
            .map(|a| Request { at: ms_to_ns(a.0), cost: a.1.max(1) })
            .filter(|r| r.at < duration)
            .collect();
        merge(base, &extra)
    }

    /// Runs every lane on the same arrivals.
    pub fn run(&self, bins: usize) -> Result<Vec<LaneRun>, String> {
        self.validate()?;
        let requests = self.requests();
        self.limiters.iter().map(|l| run_lane(l, &requests, self.duration_ms * MS, bins)).collect()
    }
}
