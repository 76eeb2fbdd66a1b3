//! What limits a client's retries besides its attempt count, as four
//! references keep the books. Each client (each layer of callers) has its
//! own: botocore's quota is per client, gRPC's throttle per channel,
//! Envoy's budget per cluster, Finagle's per client stack.

use crate::sim::kernel::time::{Nanos, MS};
use crate::scenario::json::{self, Error, FromJson, Node, ToJson};

/// A retry limiter. In JSON `"none"`, `"aws-quota"`,
/// `{"grpc-throttle": {"max_tokens": 10, "token_ratio": 0.1}}`,
/// `{"envoy": {"percent": 20, "min_concurrency": 3}}` or
/// `{"finagle": {"ttl_s": 10, "min_per_sec": 10, "percent": 0.2}}`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Budget {
    None,
    /// botocore's `RetryQuota` in standard mode (`botocore/retries/quota.py`,
    /// `standard.py`): 500 tokens; a retry takes 5 (10 after a timeout)
    /// and is refused when fewer are left; a call that succeeds gives back
    /// 1 if it needed no retry, else what its last retry took.
    AwsQuota,
    /// gRPC's retry throttling (gRFC A6, grpc-go's `retryThrottler`): tokens
    /// start at `max_tokens`; each retryable failure takes 1, each call
    /// that succeeds gives back `token_ratio`; retries only while the
    /// tokens exceed half of `max_tokens`.
    GrpcThrottle { max_tokens: f64, token_ratio: f64 },
    /// Envoy's retry budget (`RetryBudget` on a cluster's circuit
    /// breakers): retries in flight, their backoff included, stay below
    /// `max(percent% of requests in flight, min_concurrency)`.
    Envoy { percent: f64, min_concurrency: u32 },
    /// Finagle's `RetryBudget`: each request deposits, each retry
    /// withdraws `1 / percent` deposits, both forgotten after `ttl_s`;
    /// a reserve allows `min_per_sec` retries a second besides.
    Finagle { ttl_s: u32, min_per_sec: u32, percent: f64 },
}

impl Budget {
    /// Checks the parameters against the references' own bounds.
    pub fn validate(&self) -> Result<(), String> {
        match *self {
            Budget::None | Budget::AwsQuota => Ok(()),
            Budget::GrpcThrottle { max_tokens, token_ratio } => {
                if max_tokens > 0.0 && max_tokens <= 1_000.0 && token_ratio > 0.0 && token_ratio <= 1_000.0 {
                    Ok(())
                } else {
                    Err("gRPC's max_tokens must be above 0 and at most 1000, its token_ratio above 0".into())
                }
            }
            Budget::Envoy { percent, min_concurrency } => {
                if percent.is_finite() && (0.0..=100.0).contains(&percent) && min_concurrency <= 10_000 {
                    Ok(())
                } else {
                    Err("Envoy's budget percent must be between 0 and 100, min_concurrency at most 10000".into())
                }
            }
            Budget::Finagle { ttl_s, min_per_sec, percent } => {
                if (1..=60).contains(&ttl_s) && min_per_sec <= 100_000 && percent.is_finite() && (0.0..=1_000.0).contains(&percent) {
                    Ok(())
                } else {
                    Err("Finagle's ttl_s must be between 1 and 60, percent between 0 and 1000".into())
                }
            }
        }
    }
}

/// Every budget's name in JSON.
const BUDGETS: [&str; 5] = ["none", "aws-quota", "grpc-throttle", "envoy", "finagle"];

impl FromJson for Budget {
    fn read(node: &Node) -> Result<Budget, Error> {
        let (name, value) = json::variant(node)?;
        let settings = |keys: &[&str]| json::variant_fields(node, name, value, keys);
        Ok(match name {
            "none" => json::unit(name, value).map(|()| Budget::None)?,
            "aws-quota" => json::unit(name, value).map(|()| Budget::AwsQuota)?,
            "grpc-throttle" => {
                let f = settings(&["max_tokens", "token_ratio"])?;
                Budget::GrpcThrottle { max_tokens: f.req("max_tokens")?, token_ratio: f.req("token_ratio")? }
            }
            "envoy" => {
                let f = settings(&["percent", "min_concurrency"])?;
                Budget::Envoy { percent: f.req("percent")?, min_concurrency: f.req("min_concurrency")? }
            }
            "finagle" => {
                let f = settings(&["ttl_s", "min_per_sec", "percent"])?;
                Budget::Finagle { ttl_s: f.req("ttl_s")?, min_per_sec: f.req("min_per_sec")?, percent: f.req("percent")? }
            }
            _ => return Err(json::unknown(node, name, &BUDGETS)),
        })
    }
}

impl ToJson for Budget {
    fn write(&self, out: &mut String) {
        match *self {
            Budget::None => "none".write(out),
            Budget::AwsQuota => "aws-quota".write(out),
            Budget::GrpcThrottle { max_tokens, token_ratio } => json::struct_variant(out, "grpc-throttle", |o| {
                o.field("max_tokens", &max_tokens).field("token_ratio", &token_ratio);
            }),
            Budget::Envoy { percent, min_concurrency } => json::struct_variant(out, "envoy", |o| {
                o.field("percent", &percent).field("min_concurrency", &min_concurrency);
            }),
            Budget::Finagle { ttl_s, min_per_sec, percent } => json::struct_variant(out, "finagle", |o| {
                o.field("ttl_s", &ttl_s).field("min_per_sec", &min_per_sec).field("percent", &percent);
            }),
        }
    }
}

/// botocore's `RetryQuota`: integer tokens, 500 at most.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AwsQuota {
    pub available: u32,
}

impl AwsQuota {
    pub const CAPACITY: u32 = 500;
    pub const RETRY_COST: u32 = 5;
    pub const TIMEOUT_RETRY_COST: u32 = 10;
    pub const NO_RETRY_INCREMENT: u32 = 1;

    pub fn new() -> Self {
        AwsQuota { available: Self::CAPACITY }
    }

    /// Takes `cost` if that many are left.
    pub fn acquire(&mut self, cost: u32) -> bool {
        if cost > self.available {
            false
        } else {
            self.available -= cost;
            true
        }
    }

    /// Gives back up to `amount`, never above capacity.
    pub fn release(&mut self, amount: u32) {
        self.available += amount.min(Self::CAPACITY - self.available);
    }
}

impl Default for AwsQuota {
    fn default() -> Self {
        Self::new()
    }
}

/// grpc-go's `retryThrottler`: tokens as a float, without rounding.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GrpcThrottle {
    pub tokens: f64,
    max: f64,
    ratio: f64,
}

impl GrpcThrottle {
    pub fn new(max_tokens: f64, token_ratio: f64) -> Self {
        GrpcThrottle { tokens: max_tokens, max: max_tokens, ratio: token_ratio }
    }

    /// A retryable failure: takes a token; whether retries are now throttled.
    pub fn throttle(&mut self) -> bool {
        self.tokens = (self.tokens - 1.0).max(0.0);
        self.tokens <= self.max / 2.0
    }

    /// A call that succeeded.
    pub fn succeeded(&mut self) {
        self.tokens = (self.tokens + self.ratio).min(self.max);
    }
}

/// Envoy's `RetryBudgetImpl::max()`: the most retries in flight for this
/// many requests active and pending.
pub fn envoy_max_retries(percent: f64, min_concurrency: u32, requests: u64) -> u64 {
    ((percent / 100.0 * requests as f64) as u64).max(u64::from(min_concurrency))
}

/// twitter-util's `WindowedAdder`: a sum over the last `range`, kept in
/// `slices − 1` past slices and the one being written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WindowedAdder {
    window: i64,
    buf: Vec<i64>,
    i: usize,
    old: i64,
    live: i64,
}

impl WindowedAdder {
    /// A sum over `range` (ms) in `slices` slices, starting at `now`.
    pub fn new(range: i64, slices: usize, now: i64) -> Self {
        WindowedAdder { window: range / slices as i64, buf: vec![0; slices - 1], i: 0, old: now, live: 0 }
    }

    fn expire(&mut self, now: i64) {
        if now - self.old < self.window {
            return;
        }
        let n = self.buf.len();
        // What was written belongs to the slice that just ended.
        self.buf[self.i] = std::mem::take(&mut self.live);
        self.i = (self.i + 1) % n;
        let skip = ((now - self.old) / self.window - 1).min(n as i64);
        if skip > 0 {
            let skip = skip as usize;
            let r = skip.min(n - self.i);
            self.buf[self.i..self.i + r].fill(0);
            self.buf[..skip - r].fill(0);
            self.i = (self.i + skip) % n;
        }
        self.old = now;
    }

    pub fn add(&mut self, x: i64, now: i64) {
        self.expire(now);
        self.live += x;
    }

    pub fn sum(&mut self, now: i64) -> i64 {
        self.expire(now);
        self.live + self.buf.iter().sum::<i64>()
    }
}

/// Finagle's `RetryBudget` over a leaky `TokenBucket`, in its integer
/// scale: a deposit is 1,000 tokens, a withdrawal `(1000 / percent)`
/// truncated, and the reserve `min_per_sec · ttl · withdrawal`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FinagleBudget {
    window: WindowedAdder,
    reserve: i64,
    deposit: i64,
    withdrawal: i64,
}

impl FinagleBudget {
    /// A budget starting at `now` (ms).
    pub fn new(ttl_s: u32, min_per_sec: u32, percent: f64, now: i64) -> Self {
        let (deposit, withdrawal) = if percent == 0.0 { (0, 1) } else { (1_000, (1_000.0 / percent) as i64) };
        FinagleBudget {
            window: WindowedAdder::new(i64::from(ttl_s) * 1_000, 10, now),
            reserve: i64::from(min_per_sec) * i64::from(ttl_s) * withdrawal,
            deposit,
            withdrawal,
        }
    }

    /// A request was made.
    pub fn deposit(&mut self, now: i64) {
        self.window.add(self.deposit, now);
    }

    /// A retry, if the budget allows it.
    pub fn try_withdraw(&mut self, now: i64) -> bool {
        if self.window.sum(now) + self.reserve >= self.withdrawal {
            self.window.add(-self.withdrawal, now);
            true
        } else {
            false
        }
    }

    /// Retries the budget allows now.
    pub fn balance(&mut self, now: i64) -> i64 {
        (self.window.sum(now) + self.reserve) / self.withdrawal
    }
}

/// Milliseconds for Finagle's clock from simulated time.
pub fn millis(t: Nanos) -> i64 {
    (t / MS) as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn botocore_quota_takes_and_gives_back() {
        // botocore tests/unit/retries/test_standard.py, TestRetryQuotaChecker.
        let mut q = AwsQuota::new();
        assert!(q.acquire(AwsQuota::RETRY_COST));
        assert_eq!(q.available, 495);
        q.release(AwsQuota::RETRY_COST);
        assert_eq!(q.available, 500);
        assert!(q.acquire(AwsQuota::TIMEOUT_RETRY_COST));
        assert_eq!(q.available, 490);
        let mut q = AwsQuota { available: 495 };
        q.release(AwsQuota::NO_RETRY_INCREMENT);
        assert_eq!(q.available, 496);
        // RetryQuota(5): the first retry fits, the second does not.
        let mut q = AwsQuota { available: 5 };
        assert!(q.acquire(5));
        assert!(!q.acquire(5));
        // test_quota.py, RetryQuota(50): 49 taken leaves 1; 10 more is refused.
        let mut q = AwsQuota { available: 50 };
        assert!(q.acquire(49));
        assert!(!q.acquire(10));
        assert_eq!(q.available, 1);
    }

    #[test]
    fn grpc_go_throttling_sequence() {
        // grpc-go test/retry_test.go TestRetryThrottling: maxAttempts 4,
        // maxTokens 10, tokenRatio 0.5; the server succeeds on calls
        // {0, 3, 6, 10, 11, 12, 13, 14, 16, 18}, else UNAVAILABLE.
        let ok = [0, 3, 6, 10, 11, 12, 13, 14, 16, 18];
        let mut t = GrpcThrottle::new(10.0, 0.5);
        let mut server = 0;
        let mut results = Vec::new();
        for _ in 0..12 {
            let mut attempts = 0;
            let success = loop {
                let answer = ok.contains(&server);
                server += 1;
                attempts += 1;
                if answer {
                    t.succeeded();
                    break true;
                }
                // Throttle first, then the attempt limit: an exhausted call still takes a token.
                if t.throttle() || attempts >= 4 {
                    break false;
                }
            };
            results.push((success, server - 1, t.tokens));
        }
        // The test asserts each call's code and the server's count after it;
        // the tokens are what grpc-go's arithmetic leaves (the test's
        // comments forget two successes' half token).
        let want = [
            (true, 0, 10.0),
            (true, 3, 8.5),
            (true, 6, 7.0),
            (false, 8, 5.0),
            (false, 9, 4.0),
            (true, 10, 4.5),
            (true, 11, 5.0),
            (true, 12, 5.5),
            (true, 13, 6.0),
            (true, 14, 6.5),
            (true, 16, 6.0),
            (false, 17, 5.0),
        ];
        assert_eq!(results, want);
    }

    #[test]
    fn envoy_budget_is_a_share_of_requests_with_a_floor() {
        // Envoy resource_manager_impl_test.cc, 20% with a minimum of 5.
        assert_eq!(envoy_max_retries(20.0, 5, 0), 5);
        assert_eq!(envoy_max_retries(20.0, 5, 100), 20);
        assert_eq!(envoy_max_retries(20.0, 5, 50), 10);
        assert_eq!(envoy_max_retries(20.0, 5, 50 + 50), 20);
    }

    #[test]
    fn finagle_budget_allows_a_share_plus_the_reserve() {
        // finagle RetryBudgetTest: initial balance ttl · minRetriesPerSec.
        assert_eq!(FinagleBudget::new(60, 10, 0.1, 0).balance(0), 600);
        // Over 10,000 deposit-then-withdraw rounds at a frozen clock, the
        // retries allowed are 10000 · p plus the reserve's, within one.
        for (p, ttl, min) in [(0.1, 60, 10), (0.5, 60, 10), (0.25, 60, 10), (0.01, 60, 10), (0.5, 2, 5), (0.1, 1, 10)] {
            let mut b = FinagleBudget::new(ttl, min, p, 0);
            let mut retries = 0i64;
            for _ in 0..10_000 {
                b.deposit(0);
                retries += i64::from(b.try_withdraw(0));
            }
            let want = (10_000.0 * p) as i64 + i64::from(min * ttl);
            assert!((retries - want).abs() <= 1, "p {p}: {retries} against {want}");
        }
        // p = 2: 10,000 deposits are a balance of 20,000.
        let mut b = FinagleBudget::new(60, 0, 2.0, 0);
        for _ in 0..10_000 {
            b.deposit(0);
        }
        assert_eq!(b.balance(0), 20_000);
    }

    #[test]
    fn tokens_expire_with_the_window() {
        // twitter-util TokenBucketTest "provisions reserves": ttl 3 s, reserve 100,
        // as a leaky bucket over a 10-slice windowed adder.
        let mut w = WindowedAdder::new(3_000, 10, 0);
        let reserve = 100;
        let get = |w: &mut WindowedAdder, n: i64, now: i64| {
            if w.sum(now) + reserve >= n {
                w.add(-n, now);
                true
            } else {
                false
            }
        };
        assert!(get(&mut w, 50, 0));
        assert!(get(&mut w, 50, 0));
        assert!(!get(&mut w, 1, 0));
        w.add(1, 0);
        assert!(get(&mut w, 1, 0));
        for s in 1..=3 {
            assert!(!get(&mut w, 1, s * 1_000), "at {s} s");
        }
        assert!(get(&mut w, 50, 4_000));
        assert!(get(&mut w, 100, 7_000));
        assert!(!get(&mut w, 1, 7_000));
    }
}
