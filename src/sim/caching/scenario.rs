//! The caching widget's scenario: one workload against one capacity, under
//! up to three eviction policies side by side.

use super::run::{run_policy, trace_policy, PolicyRun, Trial};
use super::workload::Workload;
use super::{Policy, MAX_CAPACITY};
use crate::scenario::json;
use crate::scenario::{check_count, check_version, View, MAX_LANES};

/// The `widget` field of a caching scenario: always `"caching"`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CachingTag {
    #[default]
    Caching,
}

/// A caching scenario: a workload, a capacity, and the policies compared on it.
#[derive(Clone, Debug, PartialEq)]
pub struct CachingScenario {
    pub widget: CachingTag,
    pub version: u32,
    pub seed: u64,
    pub capacity: u32,
    pub workload: Workload,
    pub policies: Vec<Policy>,
    pub view: View,
}

json::names!(CachingTag { Caching = "caching" });
json::object!(CachingScenario, "a caching scenario (an object)" {
    widget,
    version,
    seed,
    capacity,
    workload,
    policies,
    view: default (View::is_default),
});

impl CachingScenario {
    /// Checks the capacity, the workload and the policies.
    pub fn validate(&self) -> Result<(), String> {
        check_version(self.version)?;
        if self.capacity == 0 || self.capacity > MAX_CAPACITY {
            return Err(format!("capacity must be between 1 and {MAX_CAPACITY} keys, not {}", self.capacity));
        }
        self.workload.validate()?;
        check_count(self.policies.len(), MAX_LANES, "policies")?;
        for p in &self.policies {
            p.validate()?;
        }
        self.view.validate()
    }

    /// The workload drawn from the seed, shared by every policy.
    pub fn trial(&self) -> Trial {
        Trial::draw(&self.workload, self.seed)
    }

    /// Runs every policy on `trial` (this scenario's [`trial`](Self::trial)).
    pub fn run_on(&self, trial: &Trial) -> Result<Vec<PolicyRun>, String> {
        self.validate()?;
        Ok(self.policies.iter().map(|p| run_policy(p, trial, &self.workload, self.capacity)).collect())
    }

    /// [`run_on`](Self::run_on), keeping every request's outcome for the trace.
    pub fn trace_on(&self, trial: &Trial) -> Result<Vec<PolicyRun>, String> {
        self.validate()?;
        Ok(self.policies.iter().map(|p| trace_policy(p, trial, &self.workload, self.capacity)).collect())
    }

    /// Runs every policy on the same requests.
    pub fn run(&self) -> Result<Vec<PolicyRun>, String> {
        self.validate()?;
        self.run_on(&self.trial())
    }

    /// The run's length in ms.
    pub fn duration_ms(&self) -> u64 {
        self.workload.at_ms(self.workload.requests).max(1)
    }
}
