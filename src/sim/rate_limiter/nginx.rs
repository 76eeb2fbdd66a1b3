//! The leaky bucket exactly as nginx's `limit_req` computes it
//! (`src/http/modules/ngx_http_limit_req_module.c`, nginx ≥ 1.15.7 with
//! `delay=`), in its integer milli-request arithmetic.
//!
//! * `rate=Nr/s` is kept as N·1000 milli-requests per second and `rate=Nr/m`
//!   as N·1000/60, truncated (1r/m becomes 16, i.e. 0.96 requests a minute).
//! * Time is whole milliseconds. A new key passes with excess 0.
//! * Otherwise, with ms = now − last:
//!   excess = max(0, excess − rate·ms/1000 + 1000), integer division.
//!   If excess > burst·1000 the request is rejected and the key is untouched.
//!   Else the excess is stored, `last` moves to now only when ms ≠ 0, and the
//!   request waits (excess − delay·1000)·1000/rate ms when excess exceeds
//!   delay·1000 (`nodelay` never waits; the default delay is 0).
//!
//! nginx has no request cost; here a request of cost n adds n·1000 instead of
//! 1000, the natural generalisation, and cost 1 is exactly nginx.

use super::Outcome;
use crate::sim::kernel::time::{Nanos, MS};

/// What nginx does with excess requests that fit within `burst`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NginxDelay {
    /// `nodelay`: pass every request that fits, at once.
    NoDelay,
    /// `delay=N` (0 is nginx's default): the first N excess requests pass at
    /// once, the rest are delayed to conform to the rate.
    Delay(u32),
}

impl Default for NginxDelay {
    fn default() -> Self {
        NginxDelay::Delay(0)
    }
}

/// `limit_req` state for one key.
#[derive(Clone, Debug)]
pub struct Nginx {
    rate: i64,
    burst: i64,
    delay: i64,
    node: Option<(i64, u64)>,
}

impl Nginx {
    /// `limit` requests per `period_ms`, which must be 1000 (r/s) or 60000 (r/m).
    pub fn new(limit: u32, period_ms: u64, burst: u32, delay: NginxDelay) -> Self {
        let scale = if period_ms == 60_000 { 60 } else { 1 };
        Nginx {
            rate: (i64::from(limit) * 1000 / scale).max(1),
            burst: i64::from(burst) * 1000,
            delay: match delay {
                NginxDelay::NoDelay => i64::MAX,
                NginxDelay::Delay(n) => i64::from(n) * 1000,
            },
            node: None,
        }
    }

    /// Decides a request of `cost` at time `at`.
    pub fn decide(&mut self, at: Nanos, cost: u32) -> Outcome {
        let now = at / MS;
        let (excess, last) = match self.node {
            None => {
                self.node = Some((0, now));
                return Outcome::Allowed;
            }
            Some(node) => node,
        };
        let ms = now.saturating_sub(last) as i64;
        let excess = (excess - self.rate.saturating_mul(ms) / 1000 + 1000 * i64::from(cost.max(1))).max(0);
        if excess > self.burst {
            return Outcome::Rejected;
        }
        self.node = Some((excess, if ms != 0 { now } else { last }));
        if excess <= self.delay {
            Outcome::Allowed
        } else {
            // nginx passes at once when the computed delay rounds down to 0 ms.
            match (excess - self.delay) * 1000 / self.rate {
                0 => Outcome::Allowed,
                wait_ms => Outcome::Delayed(wait_ms as Nanos * MS),
            }
        }
    }

    /// The excess at `at` after leaking, in requests (what nginx logs as "excess: X.XXX").
    pub fn level(&self, at: Nanos) -> f64 {
        self.node.map_or(0.0, |(excess, last)| {
            let ms = (at / MS).saturating_sub(last) as i64;
            (excess - self.rate.saturating_mul(ms) / 1000).max(0) as f64 / 1000.0
        })
    }

    /// The burst in requests: excess above it is rejected.
    pub fn capacity(&self) -> f64 {
        (self.burst as f64 / 1000.0).max(1.0)
    }
}
