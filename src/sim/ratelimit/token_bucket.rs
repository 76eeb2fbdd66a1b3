//! Token bucket with continuous refill, starting full, as Envoy's local rate
//! limit computes it (`AtomicTokenBucketImpl` in
//! `source/common/common/token_bucket_impl.cc`, the folly-style bucket that
//! replaced the timer-refilled one).
//!
//! The whole state is one instant t₀ such that the bucket holds
//! min(capacity, (now − t₀)·rate) tokens. A request for n tokens is allowed
//! when at least n tokens are available, and then t₀ moves forward so that
//! n fewer remain; a denied request changes nothing. Arithmetic is in f64
//! seconds, as in Envoy. Stripe's Redis script (tokens and a timestamp,
//! refilled on every call) makes the same decisions up to rounding.

use super::Outcome;
use crate::sim::time::{Nanos, SEC};

/// Token bucket state for one key.
#[derive(Clone, Debug)]
pub struct TokenBucket {
    capacity: f64,
    rate: f64,
    t0: f64,
}

impl TokenBucket {
    /// Refills `limit` tokens per `period_ms`, holding at most `burst` (≥ 1), full at time 0.
    pub fn new(limit: u32, period_ms: u64, burst: u32) -> Self {
        let capacity = f64::from(burst.max(1));
        let rate = f64::from(limit.max(1)) * 1000.0 / period_ms.max(1) as f64;
        TokenBucket { capacity, rate, t0: -capacity / rate }
    }

    fn available(&self, now: f64) -> f64 {
        ((now - self.t0) * self.rate).min(self.capacity)
    }

    /// Decides a request of `cost` tokens at time `at`.
    pub fn decide(&mut self, at: Nanos, cost: u32) -> Outcome {
        let n = f64::from(cost.max(1));
        if n > self.capacity {
            return Outcome::Never;
        }
        let now = at as f64 / SEC as f64;
        let available = self.available(now);
        if available < n {
            return Outcome::Rejected;
        }
        self.t0 = now - (available - n) / self.rate;
        Outcome::Allowed
    }

    /// Tokens available at `at`.
    pub fn level(&self, at: Nanos) -> f64 {
        self.available(at as f64 / SEC as f64).max(0.0)
    }

    /// The bucket's capacity in tokens.
    pub fn capacity(&self) -> f64 {
        self.capacity
    }
}
