//! Resilience4j's sliding windows of call outcomes
//! (`resilience4j-core/.../metrics/FixedSizeSlidingWindowMetrics.java` and
//! `SlidingTimeWindowMetrics.java`).
//!
//! * Count-based: the last N calls, kept in a ring; recording a call evicts
//!   the oldest once the ring is full.
//! * Time-based: N buckets of one epoch second each; a call lands in the
//!   bucket of the second it is recorded in, and moving to a later second
//!   clears the buckets passed over (at most N), so idle seconds age out.
//!   Reading a snapshot moves the window to the current second first.

use crate::sim::kernel::time::{Nanos, SEC};

/// Totals over a window.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    pub calls: u32,
    pub failed: u32,
    pub slow: u32,
    pub slow_failed: u32,
}

impl Totals {
    #[inline]
    fn add(&mut self, o: Totals) {
        self.calls += o.calls;
        self.failed += o.failed;
        self.slow += o.slow;
        self.slow_failed += o.slow_failed;
    }

    #[inline]
    fn sub(&mut self, o: Totals) {
        self.calls -= o.calls;
        self.failed -= o.failed;
        self.slow -= o.slow;
        self.slow_failed -= o.slow_failed;
    }

    /// One call's contribution.
    #[inline]
    pub fn one(failed: bool, slow: bool) -> Totals {
        Totals { calls: 1, failed: u32::from(failed), slow: u32::from(slow), slow_failed: u32::from(failed && slow) }
    }

    /// Failed calls as a percentage, computed in `f32` as Resilience4j does
    /// (`failed * 100f / calls`); 0 with no calls.
    #[inline]
    pub fn failure_rate(&self) -> f32 {
        if self.calls == 0 {
            0.0
        } else {
            self.failed as f32 * 100.0 / self.calls as f32
        }
    }

    /// Slow calls as a percentage, in `f32`; 0 with no calls.
    #[inline]
    pub fn slow_call_rate(&self) -> f32 {
        if self.calls == 0 {
            0.0
        } else {
            self.slow as f32 * 100.0 / self.calls as f32
        }
    }
}

/// A sliding window of outcomes: the last N calls, or the last N seconds.
#[derive(Clone, Debug)]
pub enum Window {
    Count { ring: Vec<Totals>, head: usize, total: Totals },
    Time { buckets: Vec<Totals>, second: u64, total: Totals },
}

impl Window {
    /// A window of the last `size` calls (at least 1).
    pub fn count(size: u32) -> Window {
        Window::Count { ring: vec![Totals::default(); size.max(1) as usize], head: 0, total: Totals::default() }
    }

    /// A window of `size` one-second buckets (at least 1), starting at `now`.
    pub fn time(size: u32, now: Nanos) -> Window {
        Window::Time {
            buckets: vec![Totals::default(); size.max(1) as usize],
            second: now / SEC,
            total: Totals::default(),
        }
    }

    /// Moves a time window to the second containing `now`, clearing the
    /// buckets of the seconds passed over.
    #[inline]
    fn roll(&mut self, now: Nanos) {
        if let Window::Time { buckets, second, total } = self {
            let to = now / SEC;
            if to <= *second {
                return;
            }
            let n = buckets.len() as u64;
            for s in (*second + 1)..=(*second + (to - *second).min(n)) {
                let b = &mut buckets[(s % n) as usize];
                total.sub(*b);
                *b = Totals::default();
            }
            *second = to;
        }
    }

    /// Records one call's outcome at `now`.
    #[inline]
    pub fn record(&mut self, now: Nanos, m: Totals) {
        self.roll(now);
        match self {
            Window::Count { ring, head, total } => {
                *head = (*head + 1) % ring.len();
                total.sub(ring[*head]);
                ring[*head] = m;
                total.add(m);
            }
            Window::Time { buckets, second, total } => {
                let n = buckets.len() as u64;
                buckets[(*second % n) as usize].add(m);
                total.add(m);
            }
        }
    }

    /// The totals at `now`.
    #[inline]
    pub fn totals(&mut self, now: Nanos) -> Totals {
        self.roll(now);
        match self {
            Window::Count { total, .. } | Window::Time { total, .. } => *total,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Nanos = 1_000_000;

    #[test]
    fn count_window_keeps_the_last_n_calls() {
        let mut w = Window::count(3);
        for failed in [true, true, false, false] {
            w.record(0, Totals::one(failed, false));
        }
        // The first failure has been evicted.
        assert_eq!(w.totals(0), Totals { calls: 3, failed: 1, slow: 0, slow_failed: 0 });
        assert_eq!(w.totals(0).failure_rate(), 100.0 / 3.0);
    }

    #[test]
    fn time_window_buckets_by_epoch_second() {
        let mut w = Window::time(2, 0);
        w.record(999 * MS, Totals::one(true, false));
        w.record(1000 * MS, Totals::one(false, true));
        assert_eq!(w.totals(1500 * MS).calls, 2);
        // At 2 s the bucket of second 0 (the call at 999 ms) has aged out; the call at 1000 ms has not.
        assert_eq!(w.totals(2000 * MS), Totals { calls: 1, failed: 0, slow: 1, slow_failed: 0 });
        // A long idle gap clears everything.
        assert_eq!(w.totals(60 * SEC), Totals::default());
        w.record(61 * SEC, Totals::one(true, true));
        assert_eq!(w.totals(61 * SEC), Totals { calls: 1, failed: 1, slow: 1, slow_failed: 1 });
    }
}
