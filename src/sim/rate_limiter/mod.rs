//! Rate limiters, each following a named real implementation exactly.
//!
//! | algorithm | reference |
//! |---|---|
//! | [`Algorithm::Gcra`] | the `governor` crate's GCRA |
//! | [`Algorithm::TokenBucket`] | Envoy's `AtomicTokenBucketImpl` (continuous refill, starts full) |
//! | [`Algorithm::Nginx`] | nginx `limit_req` (leaky bucket, integer milli-requests) |
//! | [`Algorithm::FixedWindow`] | Redis `INCRBY` + `EXPIRE` on a clock-aligned key |
//! | [`Algorithm::FixedWindowFirstHit`] | Python `limits` / rate-limiter-flexible fixed window |
//! | [`Algorithm::SlidingLog`] | Python `limits` moving window |
//! | [`Algorithm::SlidingCounter`] | Python `limits` sliding window counter |
//!
//! A [`LimiterConfig`] describes one limiter; [`Limiter`] runs it one request
//! at a time; [`run::run_lane`] runs a whole trace and summarises it.
//! [`scenario::RateLimiterScenario`] is the widget's scenario, with its
//! presets, widget-block keys and reports beside it.

pub mod block;
mod gcra;
mod nginx;
pub mod presets;
pub mod report;
pub mod run;
pub mod scenario;
mod token_bucket;
mod window;

pub use gcra::Gcra;
pub use nginx::{Nginx, NginxDelay};
pub use token_bucket::TokenBucket;
pub use window::{FirstHitWindow, FixedWindow, SlidingCounter, SlidingLog};

/// The widget's name in the widget index.
pub const TITLE: &str = "Rate limiter";
/// One sentence for the widget index.
pub const SUMMARY: &str = "GCRA, token bucket, nginx's leaky bucket and four window counters on the same traffic.";

use crate::sim::kernel::time::Nanos;
use crate::scenario::json::{self, Error, FromJson, Node, ToJson};

/// The largest `limit`, `burst` or `delay` a limiter accepts.
pub const MAX_UNITS: u32 = 1_000_000;
/// The longest period or window, in milliseconds (one day).
pub const MAX_PERIOD_MS: u64 = 86_400_000;

/// Which rate-limiting algorithm, by the implementation it follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Algorithm {
    Gcra,
    TokenBucket,
    Nginx,
    FixedWindow,
    FixedWindowFirstHit,
    SlidingLog,
    SlidingCounter,
}

impl Algorithm {
    /// Every algorithm, in the order the widget lists them.
    pub const ALL: [Algorithm; 7] = [
        Algorithm::Gcra,
        Algorithm::TokenBucket,
        Algorithm::Nginx,
        Algorithm::FixedWindow,
        Algorithm::FixedWindowFirstHit,
        Algorithm::SlidingLog,
        Algorithm::SlidingCounter,
    ];

    /// The scenario name (`token-bucket`, …).
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Gcra => "gcra",
            Algorithm::TokenBucket => "token-bucket",
            Algorithm::Nginx => "nginx",
            Algorithm::FixedWindow => "fixed-window",
            Algorithm::FixedWindowFirstHit => "fixed-window-first-hit",
            Algorithm::SlidingLog => "sliding-log",
            Algorithm::SlidingCounter => "sliding-counter",
        }
    }

    /// Parses a scenario name.
    pub fn from_name(name: &str) -> Option<Algorithm> {
        Algorithm::ALL.into_iter().find(|a| a.name() == name)
    }

    /// A human label naming the reference implementation.
    pub fn label(self) -> &'static str {
        match self {
            Algorithm::Gcra => "GCRA (governor)",
            Algorithm::TokenBucket => "Token bucket (Envoy)",
            Algorithm::Nginx => "Leaky bucket (nginx limit_req)",
            Algorithm::FixedWindow => "Fixed window (Redis INCR)",
            Algorithm::FixedWindowFirstHit => "Fixed window, first hit (limits)",
            Algorithm::SlidingLog => "Sliding log (limits)",
            Algorithm::SlidingCounter => "Sliding counter (limits)",
        }
    }

    /// What the limiter's visible state measures, with its unit.
    pub fn state_label(self) -> &'static str {
        match self {
            Algorithm::Gcra => "TAT ahead of now (ms)",
            Algorithm::TokenBucket => "tokens available",
            Algorithm::Nginx => "excess (requests)",
            Algorithm::FixedWindow | Algorithm::FixedWindowFirstHit => "count in window",
            Algorithm::SlidingLog => "entries in window",
            Algorithm::SlidingCounter => "weighted count",
        }
    }

    /// Whether `burst` means anything to this algorithm.
    pub fn uses_burst(self) -> bool {
        matches!(self, Algorithm::Gcra | Algorithm::TokenBucket | Algorithm::Nginx)
    }
}

/// One limiter: an algorithm and its parameters.
///
/// `limit` units per `period_ms` is the sustained rate (for the window
/// algorithms, the limit per window). `burst` means what each reference means
/// by it: governor's max burst, the token bucket's capacity, nginx's `burst=`.
/// When absent it defaults to `limit` (0 for nginx). `delay` is nginx's
/// `nodelay` / `delay=N` and is ignored by the others.
#[derive(Clone, Debug, PartialEq)]
pub struct LimiterConfig {
    pub algorithm: Algorithm,
    pub limit: u32,
    pub period_ms: u64,
    pub burst: Option<u32>,
    pub delay: NginxDelay,
}

fn is_default_delay(d: &NginxDelay) -> bool {
    *d == NginxDelay::default()
}

impl FromJson for Algorithm {
    fn read(node: &Node) -> Result<Algorithm, Error> {
        json::name(node, &Algorithm::ALL.map(|a| (a.name(), a)))
    }
}

impl ToJson for Algorithm {
    fn write(&self, out: &mut String) {
        self.name().write(out);
    }
}

impl FromJson for LimiterConfig {
    fn read(node: &Node) -> Result<LimiterConfig, Error> {
        let f = json::Fields::of(node, "a limiter (an object)", &["algorithm", "limit", "period_ms", "burst", "delay"])?;
        let config = LimiterConfig {
            algorithm: f.req("algorithm")?,
            limit: f.req("limit")?,
            period_ms: f.req("period_ms")?,
            burst: f.or_default("burst")?,
            delay: match f.get("delay") {
                None => NginxDelay::default(),
                Some(n) if matches!(&n.value, json::Value::String(s) if s == "nodelay") => NginxDelay::NoDelay,
                Some(n) => NginxDelay::Delay(
                    u32::read(n).map_err(|_| {
                        json::in_field(n.expected("\"nodelay\" or a whole number from 0 to 4294967295"), "delay")
                    })?,
                ),
            },
        };
        Ok(config)
    }
}

impl ToJson for LimiterConfig {
    fn write(&self, out: &mut String) {
        let mut o = json::Obj::new(out);
        o.field("algorithm", &self.algorithm).field("limit", &self.limit).field("period_ms", &self.period_ms);
        o.field_unless(self.burst.is_none(), "burst", &self.burst);
        match self.delay {
            _ if is_default_delay(&self.delay) => {}
            NginxDelay::NoDelay => {
                o.field("delay", "nodelay");
            }
            NginxDelay::Delay(n) => {
                o.field("delay", &n);
            }
        }
        o.end();
    }
}

impl LimiterConfig {
    /// A limiter of `algorithm` at `limit` per `period_ms` with the default burst.
    pub fn new(algorithm: Algorithm, limit: u32, period_ms: u64) -> Self {
        LimiterConfig { algorithm, limit, period_ms, burst: None, delay: NginxDelay::default() }
    }

    /// The burst in effect: as configured, else `limit` (nginx: 0).
    pub fn effective_burst(&self) -> u32 {
        match (self.burst, self.algorithm) {
            (Some(b), _) => b,
            (None, Algorithm::Nginx) => 0,
            (None, _) => self.limit,
        }
    }

    /// Checks every field against its documented bounds; the message names the field.
    pub fn validate(&self) -> Result<(), String> {
        let name = self.algorithm.name();
        if self.limit == 0 || self.limit > MAX_UNITS {
            return Err(format!("{name}: limit must be between 1 and {MAX_UNITS}, not {}", self.limit));
        }
        if self.period_ms == 0 || self.period_ms > MAX_PERIOD_MS {
            return Err(format!("{name}: period_ms must be between 1 and {MAX_PERIOD_MS}, not {}", self.period_ms));
        }
        let burst = self.effective_burst();
        if burst > MAX_UNITS {
            return Err(format!("{name}: burst must be at most {MAX_UNITS}, not {burst}"));
        }
        match self.algorithm {
            Algorithm::Gcra | Algorithm::TokenBucket if burst == 0 => Err(format!("{name}: burst must be at least 1")),
            Algorithm::Nginx if self.period_ms != 1000 && self.period_ms != 60_000 => Err(format!(
                "nginx: limit_req rates are per second (period_ms 1000) or per minute (period_ms 60000), not per {} ms",
                self.period_ms
            )),
            Algorithm::Nginx => match self.delay {
                NginxDelay::Delay(n) if n > MAX_UNITS => {
                    Err(format!("nginx: delay must be at most {MAX_UNITS}, not {n}"))
                }
                _ => Ok(()),
            },
            _ => Ok(()),
        }
    }
}

/// What a limiter did with one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Passed at once.
    Allowed,
    /// Passed after waiting this long (nginx's queue).
    Delayed(Nanos),
    /// Refused now; a later request of the same cost may pass.
    Rejected,
    /// Refused because its cost exceeds what the limiter can ever admit at once.
    Never,
}

impl Outcome {
    /// `allowed`, `delayed`, `rejected` or `never`.
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Allowed => "allowed",
            Outcome::Delayed(_) => "delayed",
            Outcome::Rejected => "rejected",
            Outcome::Never => "never",
        }
    }

    /// Whether the request got through (at once or after a delay).
    pub fn admitted(self) -> bool {
        matches!(self, Outcome::Allowed | Outcome::Delayed(_))
    }
}

/// A running limiter of any algorithm.
#[derive(Clone, Debug)]
pub enum Limiter {
    Gcra(Gcra),
    TokenBucket(TokenBucket),
    Nginx(Nginx),
    FixedWindow(FixedWindow),
    FirstHit(FirstHitWindow),
    SlidingLog(SlidingLog),
    SlidingCounter(SlidingCounter),
}

impl Limiter {
    /// Builds the limiter a valid config describes.
    pub fn new(c: &LimiterConfig) -> Result<Limiter, String> {
        c.validate()?;
        let (l, p, b) = (c.limit, c.period_ms, c.effective_burst());
        Ok(match c.algorithm {
            Algorithm::Gcra => Limiter::Gcra(Gcra::new(l, p, b)),
            Algorithm::TokenBucket => Limiter::TokenBucket(TokenBucket::new(l, p, b)),
            Algorithm::Nginx => Limiter::Nginx(Nginx::new(l, p, b, c.delay)),
            Algorithm::FixedWindow => Limiter::FixedWindow(FixedWindow::new(l, p)),
            Algorithm::FixedWindowFirstHit => Limiter::FirstHit(FirstHitWindow::new(l, p)),
            Algorithm::SlidingLog => Limiter::SlidingLog(SlidingLog::new(l, p)),
            Algorithm::SlidingCounter => Limiter::SlidingCounter(SlidingCounter::new(l, p)),
        })
    }

    /// Decides one request. Requests must come in non-decreasing time order.
    #[inline]
    pub fn decide(&mut self, at: Nanos, cost: u32) -> Outcome {
        match self {
            Limiter::Gcra(x) => x.decide(at, cost),
            Limiter::TokenBucket(x) => x.decide(at, cost),
            Limiter::Nginx(x) => x.decide(at, cost),
            Limiter::FixedWindow(x) => x.decide(at, cost),
            Limiter::FirstHit(x) => x.decide(at, cost),
            Limiter::SlidingLog(x) => x.decide(at, cost),
            Limiter::SlidingCounter(x) => x.decide(at, cost),
        }
    }

    /// The visible state at `at` (see [`Algorithm::state_label`]); `at` must
    /// not precede the last decided request.
    pub fn level(&mut self, at: Nanos) -> f64 {
        match self {
            Limiter::Gcra(x) => x.level(at),
            Limiter::TokenBucket(x) => x.level(at),
            Limiter::Nginx(x) => x.level(at),
            Limiter::FixedWindow(x) => x.level(at),
            Limiter::FirstHit(x) => x.level(at),
            Limiter::SlidingLog(x) => x.level(at),
            Limiter::SlidingCounter(x) => x.level(at),
        }
    }
}

/// The full scale of a limiter's visible state, for charts: the level at
/// which it starts refusing (window limit, bucket capacity, TAT tolerance).
pub fn capacity(c: &LimiterConfig) -> f64 {
    match c.algorithm {
        Algorithm::Gcra => Gcra::new(c.limit, c.period_ms, c.effective_burst()).capacity(),
        Algorithm::TokenBucket => TokenBucket::new(c.limit, c.period_ms, c.effective_burst()).capacity(),
        Algorithm::Nginx => f64::from(c.effective_burst()).max(1.0),
        _ => f64::from(c.limit),
    }
}
