//! GCRA (the generic cell rate algorithm) exactly as the `governor` crate
//! computes it (`governor/src/gcra.rs`, version 0.10).
//!
//! governor turns a quota of `limit` cells per `period` into an emission
//! interval T = period / limit, truncated to whole nanoseconds and at least
//! 1 ns, and a tolerance τ = T·(burst − 1). Its only state is the theoretical
//! arrival time (TAT). For a request of n cells at time t:
//!
//! * if (n − 1)·T > τ the request can never conform (`InsufficientCapacity`);
//! * with TAT₀ = TAT, or t when the key is fresh, the request is denied while
//!   t < TAT₀ + (n − 1)·T − τ (saturating at 0), leaving the state unchanged;
//! * otherwise it is allowed and TAT = max(TAT₀, t) + n·T.
//!
//! redis-cell's `CL.THROTTLE key max_burst count period` is the same algorithm
//! with burst = max_burst + 1.

use super::Outcome;
use crate::sim::kernel::time::{Nanos, MS};

/// GCRA limiter state for one key.
#[derive(Clone, Debug)]
pub struct Gcra {
    t: Nanos,
    tau: Nanos,
    tat: Option<Nanos>,
}

impl Gcra {
    /// `limit` cells per `period_ms`, allowing `burst` cells at once (burst ≥ 1).
    pub fn new(limit: u32, period_ms: u64, burst: u32) -> Self {
        let t = (period_ms.saturating_mul(MS) / u64::from(limit.max(1))).max(1);
        let tau = t.saturating_mul(u64::from(burst.max(1)) - 1);
        Gcra { t, tau, tat: None }
    }

    /// Decides a request of `cost` cells at time `at`.
    pub fn decide(&mut self, at: Nanos, cost: u32) -> Outcome {
        let additional = self.t.saturating_mul(u64::from(cost.max(1)) - 1);
        if additional > self.tau {
            return Outcome::Never;
        }
        let tat = self.tat.unwrap_or(at);
        let earliest = tat.saturating_add(additional).saturating_sub(self.tau);
        if at < earliest {
            Outcome::Rejected
        } else {
            self.tat = Some(tat.max(at).saturating_add(self.t).saturating_add(additional));
            Outcome::Allowed
        }
    }

    /// How far the TAT runs ahead of `at`, in milliseconds (0 when idle).
    pub fn level(&self, at: Nanos) -> f64 {
        self.tat.map_or(0.0, |tat| tat.saturating_sub(at) as f64 / MS as f64)
    }

    /// The largest possible lead of TAT over now, τ + T, in milliseconds.
    pub fn capacity(&self) -> f64 {
        (self.tau + self.t) as f64 / MS as f64
    }
}
