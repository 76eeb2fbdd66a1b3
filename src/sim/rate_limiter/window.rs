//! The window counters: fixed windows (clock-aligned and first-hit), the
//! sliding window log and the sliding window counter.
//!
//! * [`FixedWindow`]: windows aligned to the clock, ⌊t / W⌋, with every
//!   request counted, rejected ones included — the common Redis pattern of
//!   `INCRBY key:<window> cost` then `EXPIRE`, allowing while the returned
//!   count ≤ limit. Two full windows can pass back to back across a boundary.
//! * [`FirstHitWindow`]: the window opens at the first request and lasts W, as
//!   the Python `limits` library's `FixedWindowRateLimiter` with
//!   `MemoryStorage` and `rate-limiter-flexible`'s `RateLimiterMemory` do it
//!   (count incremented first, rejected hits counted, expired when now ≥ expiry).
//! * [`SlidingLog`]: `limits`' `MovingWindowRateLimiter` — a log of admitted
//!   entries; a request of cost n is rejected when n > limit or when the
//!   (limit − n + 1)-th newest entry is at most W old (inclusive boundary).
//!   Rejected requests are not logged. Stored here as runs of equal
//!   timestamps, pruned as they leave the window, so each decision is O(1)
//!   amortised instead of `limits`' list indexing.
//! * [`SlidingCounter`]: `limits`' `SlidingWindowCounterRateLimiter` (≥ 4.1):
//!   clock-aligned buckets, weighted = prev·(W − t mod W)/W + cur; allowed when
//!   ⌊weighted⌋ + n ≤ limit, then cur += n. `limits` evaluates this in floating
//!   point on absolute epoch seconds; this engine uses exact integer
//!   arithmetic, the rule `limits` intends, so it never flips a decision on a
//!   rounding error.

use super::Outcome;
use crate::sim::kernel::time::{Nanos, MS};
use std::collections::VecDeque;

/// The fixed windows' step, as `INCRBY` then compare: the cost is counted
/// even when the request is refused.
fn count_then_compare(count: &mut u64, limit: u64, cost: u32) -> Outcome {
    let cost = u64::from(cost.max(1));
    *count = count.saturating_add(cost);
    if cost > limit {
        Outcome::Never
    } else if *count <= limit {
        Outcome::Allowed
    } else {
        Outcome::Rejected
    }
}

fn window_ns(period_ms: u64) -> Nanos {
    period_ms.saturating_mul(MS).max(1)
}

/// Clock-aligned fixed window (Redis INCR + EXPIRE).
#[derive(Clone, Debug)]
pub struct FixedWindow {
    w: Nanos,
    limit: u64,
    window: u64,
    count: u64,
}

impl FixedWindow {
    /// `limit` units per window of `period_ms`.
    pub fn new(limit: u32, period_ms: u64) -> Self {
        FixedWindow { w: window_ns(period_ms), limit: u64::from(limit), window: 0, count: 0 }
    }

    fn roll(&mut self, at: Nanos) {
        let k = at / self.w;
        if k != self.window {
            self.window = k;
            self.count = 0;
        }
    }

    /// Counts the request, then allows it if the window's count is within the limit.
    pub fn decide(&mut self, at: Nanos, cost: u32) -> Outcome {
        self.roll(at);
        count_then_compare(&mut self.count, self.limit, cost)
    }

    /// The current window's count at `at` (`at` must not precede the last request).
    pub fn level(&mut self, at: Nanos) -> f64 {
        self.roll(at);
        self.count as f64
    }
}

/// Fixed window that opens at the first request (Python `limits`, rate-limiter-flexible).
#[derive(Clone, Debug)]
pub struct FirstHitWindow {
    w: Nanos,
    limit: u64,
    expires: Option<Nanos>,
    count: u64,
}

impl FirstHitWindow {
    /// `limit` units per window of `period_ms`, opened by the first request.
    pub fn new(limit: u32, period_ms: u64) -> Self {
        FirstHitWindow { w: window_ns(period_ms), limit: u64::from(limit), expires: None, count: 0 }
    }

    fn expired(&self, at: Nanos) -> bool {
        self.expires.is_none_or(|e| at >= e)
    }

    /// Counts the request (opening a window if none is live), then compares.
    pub fn decide(&mut self, at: Nanos, cost: u32) -> Outcome {
        if self.expired(at) {
            self.count = 0;
            self.expires = Some(at.saturating_add(self.w));
        }
        count_then_compare(&mut self.count, self.limit, cost)
    }

    /// The live window's count at `at`, 0 once it has expired.
    pub fn level(&self, at: Nanos) -> f64 {
        if self.expired(at) {
            0.0
        } else {
            self.count as f64
        }
    }
}

/// Sliding window log (Python `limits` moving window).
#[derive(Clone, Debug)]
pub struct SlidingLog {
    w: Nanos,
    limit: u64,
    /// Runs of admitted units, oldest first: (time, units at that time).
    entries: VecDeque<(Nanos, u64)>,
    total: u64,
}

impl SlidingLog {
    /// `limit` units in any window of `period_ms`, boundary inclusive.
    pub fn new(limit: u32, period_ms: u64) -> Self {
        SlidingLog { w: window_ns(period_ms), limit: u64::from(limit), entries: VecDeque::new(), total: 0 }
    }

    /// Drops entries older than `at − W`; they can never count again.
    fn prune(&mut self, at: Nanos) {
        while let Some(&(t, n)) = self.entries.front() {
            if t.saturating_add(self.w) < at {
                self.entries.pop_front();
                self.total -= n;
            } else {
                break;
            }
        }
    }

    /// Allows the request if `cost` more units fit in the window ending at `at`.
    pub fn decide(&mut self, at: Nanos, cost: u32) -> Outcome {
        let cost = u64::from(cost.max(1));
        if cost > self.limit {
            return Outcome::Never;
        }
        self.prune(at);
        if self.total + cost > self.limit {
            return Outcome::Rejected;
        }
        match self.entries.back_mut() {
            Some((t, n)) if *t == at => *n += cost,
            _ => self.entries.push_back((at, cost)),
        }
        self.total += cost;
        Outcome::Allowed
    }

    /// Units logged within the window ending at `at` (`at` must not precede the last request).
    pub fn level(&mut self, at: Nanos) -> f64 {
        self.prune(at);
        self.total as f64
    }
}

/// Sliding window counter (Python `limits` ≥ 4.1), in exact arithmetic.
#[derive(Clone, Debug)]
pub struct SlidingCounter {
    w: Nanos,
    limit: u64,
    bucket: u64,
    prev: u64,
    cur: u64,
}

impl SlidingCounter {
    /// `limit` units per window of `period_ms`, estimated from two buckets.
    pub fn new(limit: u32, period_ms: u64) -> Self {
        SlidingCounter { w: window_ns(period_ms), limit: u64::from(limit), bucket: 0, prev: 0, cur: 0 }
    }

    fn roll(&mut self, at: Nanos) {
        let k = at / self.w;
        if k == self.bucket {
            return;
        }
        self.prev = if k == self.bucket + 1 { self.cur } else { 0 };
        self.cur = 0;
        self.bucket = k;
    }

    /// ⌊prev·(W − t mod W)/W + cur⌋, exactly.
    fn weighted_floor(&self, at: Nanos) -> u64 {
        let w = u128::from(self.w);
        let left = w - u128::from(at % self.w);
        ((u128::from(self.prev) * left + u128::from(self.cur) * w) / w) as u64
    }

    /// Allows the request if the floored weighted count leaves room for `cost`.
    pub fn decide(&mut self, at: Nanos, cost: u32) -> Outcome {
        let cost = u64::from(cost.max(1));
        if cost > self.limit {
            return Outcome::Never;
        }
        self.roll(at);
        if self.weighted_floor(at) + cost > self.limit {
            return Outcome::Rejected;
        }
        self.cur += cost;
        Outcome::Allowed
    }

    /// The weighted count at `at` (`at` must not precede the last request).
    pub fn level(&mut self, at: Nanos) -> f64 {
        self.roll(at);
        let left = (self.w - at % self.w) as f64 / self.w as f64;
        self.prev as f64 * left + self.cur as f64
    }
}
