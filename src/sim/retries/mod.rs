//! Retries, timeouts and backoff: user requests through one to three
//! layers of clients, each retrying by the same policy, down to a
//! dependency that queues and can be made to fail or slow down.
//!
//! **Backoff** ([`backoff`]): the AWS Architecture Blog's capped
//! exponential backoff with full, equal and decorrelated jitter; the AWS
//! SDKs' standard mode as botocore computes it; gRPC's retry policy (gRFC
//! A6 and grpc-go); Envoy's router. **Budgets** ([`budget`]): botocore's
//! retry quota, gRPC's retry throttling, Envoy's retry budget and
//! Finagle's `RetryBudget`. **Hedging**: gRPC's hedging policy, a copy
//! sent every `hedge_ms` until one answers; Finagle's backup requests
//! ([`backup`]), one copy after the percentile of its own latencies that
//! its extra load allows.
//!
//! **The chain** ([`run`]): a call at one layer sends attempts to the
//! next, whose own retries multiply them: three layers of three attempts
//! send up to 27 requests to the dependency for one user request. Each
//! try may time out; the caller then abandons it, but the work below it
//! goes on. The dependency serves `concurrency` requests at once, queues
//! up to `queue` more and refuses the rest; it fails a set share of what
//! it serves.

pub mod backoff;
pub mod backup;
pub mod block;
pub mod budget;
pub mod presets;
pub mod report;
pub mod run;
pub mod scenario;

use backoff::Backoff;
use backup::Backup;
use budget::Budget;
use crate::sim::kernel::time::{ms_to_ns, Nanos};
use crate::scenario::json;

/// The widget index's name for this family.
pub const TITLE: &str = "Retries and backoff";
/// The widget index's one-line description.
pub const SUMMARY: &str =
    "Exponential backoff with jitter, the AWS SDKs', gRPC's and Envoy's retry policies and budgets, hedging, and retry storms through layers of clients.";

/// Most attempts a policy allows per call (gRPC caps its own at 5).
pub const MAX_ATTEMPTS: u32 = 10;
/// Most layers of clients.
pub const MAX_LAYERS: u32 = 3;

/// How every client of a lane retries.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Policy {
    /// Attempts per call, the first included.
    pub max_attempts: u32,
    pub backoff: Backoff,
    pub budget: Budget,
    /// With hedging, another copy goes out every `hedge_ms` until one
    /// answers (or at once when every copy in flight has failed), up to
    /// `max_attempts`; the backoff is then unused.
    pub hedge_ms: Option<f64>,
    /// With Finagle's backup requests, one copy goes out when the call has
    /// waited as long as the percentile of its client's latencies that
    /// the extra load allows; `max_attempts` is then 2 and the backoff unused.
    pub backup: Option<Backup>,
}

json::object!(Policy, "a retry policy (an object)" {
    max_attempts,
    backoff,
    budget,
    hedge_ms: default (Option::is_none),
    backup: default (Option::is_none),
});

impl Policy {
    /// Sets the attempts per call, unless the policy sends backup requests
    /// (always 2 attempts: the call and its backup).
    pub fn set_attempts(&mut self, n: u32) {
        if self.backup.is_none() {
            self.max_attempts = n;
        }
    }

    /// The hedging delay in nanoseconds, if hedging.
    pub fn hedge_ns(&self) -> Option<Nanos> {
        self.hedge_ms.map(ms_to_ns)
    }

    /// Checks every field.
    pub fn validate(&self) -> Result<(), String> {
        if !(1..=MAX_ATTEMPTS).contains(&self.max_attempts) {
            return Err(format!("max_attempts must be between 1 and {MAX_ATTEMPTS}, not {}", self.max_attempts));
        }
        if let Some(h) = self.hedge_ms {
            if !(h.is_finite() && (0.0..=60_000.0).contains(&h)) {
                return Err("hedge_ms must be between 0 and 60000".into());
            }
        }
        if let Some(b) = &self.backup {
            b.validate()?;
            if self.hedge_ms.is_some() {
                return Err("a policy hedges by hedge_ms or by backup requests, not both".into());
            }
            if self.max_attempts != 2 {
                return Err(format!("backup requests make 2 attempts (the call and its backup), not {}", self.max_attempts));
            }
        }
        self.backoff.validate()?;
        self.budget.validate()
    }

    /// The named policies the widget's menu and blocks offer, each with
    /// the reference's defaults.
    pub const NAMED: [(&'static str, &'static str); 10] = [
        ("none", "No retries"),
        ("immediate", "3 attempts, no backoff"),
        ("exponential", "3 attempts, exponential backoff, no jitter"),
        ("full-jitter", "3 attempts, full jitter (AWS blog)"),
        ("decorrelated", "3 attempts, decorrelated jitter (AWS blog)"),
        ("aws-standard", "AWS SDK standard mode: 3 attempts, retry quota"),
        ("grpc", "gRPC: 5 attempts, 0.1 s initial backoff, retry throttling"),
        ("envoy-budget", "Envoy: 3 attempts, 25 ms backoff, 20% retry budget"),
        ("hedged", "Hedged: a second copy after 50 ms (gRPC hedging)"),
        ("backup", "Finagle backup requests: a second copy after the p99, 1% extra load"),
    ];

    /// The named policy `key`.
    pub fn named(key: &str) -> Option<Policy> {
        let p = |max_attempts, backoff, budget| Policy { max_attempts, backoff, budget, hedge_ms: None, backup: None };
        let jitter = |jitter| Backoff::Exponential { base_ms: 50.0, cap_ms: 2_000.0, jitter };
        Some(match key {
            "none" => p(1, Backoff::None, Budget::None),
            "immediate" => p(3, Backoff::None, Budget::None),
            "exponential" => p(3, jitter(backoff::Jitter::None), Budget::None),
            "full-jitter" => p(3, jitter(backoff::Jitter::Full), Budget::None),
            "decorrelated" => p(3, jitter(backoff::Jitter::Decorrelated), Budget::None),
            "aws-standard" => p(3, Backoff::AwsStandard, Budget::AwsQuota),
            "grpc" => p(
                5,
                Backoff::Grpc { initial_ms: 100.0, max_ms: 1_000.0, multiplier: 2.0 },
                Budget::GrpcThrottle { max_tokens: 10.0, token_ratio: 0.1 },
            ),
            "envoy-budget" => p(3, Backoff::Envoy { base_ms: 25, max_ms: 250 }, Budget::Envoy { percent: 20.0, min_concurrency: 3 }),
            "hedged" => Policy { hedge_ms: Some(50.0), ..p(2, Backoff::None, Budget::None) },
            "backup" => Policy {
                backup: Some(Backup { max_extra_load: 0.01, min_send_backup_after_ms: 1 }),
                ..p(2, Backoff::None, Budget::None)
            },
            _ => return None,
        })
    }

    /// The name of the named policy this is, if it is one.
    pub fn key(&self) -> Option<&'static str> {
        Policy::NAMED.iter().map(|n| n.0).find(|k| Policy::named(k).as_ref() == Some(self))
    }

    /// A label for the widget: its named policy's, or its settings.
    pub fn label(&self) -> String {
        if let Some(k) = self.key() {
            return Policy::NAMED.iter().find(|n| n.0 == k).map_or(String::new(), |n| n.1.to_string());
        }
        let backoff = match self.backoff {
            Backoff::None => "no backoff",
            Backoff::Constant { .. } => "constant backoff",
            Backoff::Exponential { jitter: backoff::Jitter::None, .. } => "exponential backoff",
            Backoff::Exponential { jitter: backoff::Jitter::Full, .. } => "full jitter",
            Backoff::Exponential { jitter: backoff::Jitter::Equal, .. } => "equal jitter",
            Backoff::Exponential { jitter: backoff::Jitter::Decorrelated, .. } => "decorrelated jitter",
            Backoff::AwsStandard => "AWS standard backoff",
            Backoff::Grpc { .. } => "gRPC backoff",
            Backoff::Envoy { .. } => "Envoy backoff",
        };
        let budget = match self.budget {
            Budget::None => "",
            Budget::AwsQuota => ", AWS retry quota",
            Budget::GrpcThrottle { .. } => ", gRPC throttling",
            Budget::Envoy { .. } => ", Envoy retry budget",
            Budget::Finagle { .. } => ", Finagle retry budget",
        };
        match (self.hedge_ms, self.backup) {
            (_, Some(b)) => format!("Finagle backup requests, {}% extra load{budget}", crate::sim::kernel::num::decimal(b.max_extra_load * 100.0, 2)),
            (Some(_), None) => format!("{} attempts, hedged{budget}", self.max_attempts),
            (None, None) => format!("{} attempts, {backoff}{budget}", self.max_attempts),
        }
    }
}
