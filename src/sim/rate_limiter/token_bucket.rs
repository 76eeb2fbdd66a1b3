//! Token bucket with continuous refill, starting full, as Envoy's local rate
//! limit defines it (`AtomicTokenBucketImpl` in
//! `source/common/common/token_bucket_impl.cc`, the folly-style bucket that
//! replaced the timer-refilled one) and Stripe's Redis script computes it.
//!
//! Envoy keeps one instant t₀ such that the bucket holds
//! min(capacity, (now − t₀)·rate) tokens; a request for n tokens is allowed
//! when at least n are available, and t₀ then moves forward so that n fewer
//! remain; a denied request changes nothing. Stripe stores tokens and a
//! timestamp and refills on every call: the same rule.
//!
//! Both compute in floating point, where a refill such as 0.3 s × 10 tokens/s
//! can come out as 0.9999999999999998 and flip a decision (the golden
//! traces in `tests/golden/rate_limiter/` record such cases). This engine keeps
//! the rule but computes it exactly: tokens are scaled by the period in
//! nanoseconds, so every quantity is an integer.

use super::Outcome;
use crate::sim::kernel::time::{Nanos, MS};

/// Token bucket state for one key, in exact integer arithmetic.
#[derive(Clone, Debug)]
pub struct TokenBucket {
    /// Tokens added per period.
    limit: i128,
    /// The period in nanoseconds: one token is `period` scaled units.
    period: i128,
    /// Capacity in scaled units (tokens × period).
    capacity: i128,
    /// t₀ × limit: the bucket holds min(capacity, now·limit − t0) scaled units.
    t0: i128,
}

impl TokenBucket {
    /// Refills `limit` tokens per `period_ms`, holding at most `burst` (≥ 1), full at time 0.
    pub fn new(limit: u32, period_ms: u64, burst: u32) -> Self {
        let period = i128::from(period_ms.max(1)) * i128::from(MS);
        let capacity = i128::from(burst.max(1)) * period;
        TokenBucket { limit: i128::from(limit.max(1)), period, capacity, t0: -capacity }
    }

    fn available(&self, at: Nanos) -> i128 {
        (i128::from(at) * self.limit - self.t0).min(self.capacity)
    }

    /// Decides a request of `cost` tokens at time `at`.
    pub fn decide(&mut self, at: Nanos, cost: u32) -> Outcome {
        let need = i128::from(cost.max(1)) * self.period;
        if need > self.capacity {
            return Outcome::Never;
        }
        let available = self.available(at);
        if available < need {
            return Outcome::Rejected;
        }
        self.t0 = i128::from(at) * self.limit - (available - need);
        Outcome::Allowed
    }

    /// Tokens available at `at`.
    pub fn level(&self, at: Nanos) -> f64 {
        self.available(at).max(0) as f64 / self.period as f64
    }

    /// The bucket's capacity in tokens.
    pub fn capacity(&self) -> f64 {
        (self.capacity / self.period) as f64
    }
}
