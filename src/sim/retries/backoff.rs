//! How long a client waits before retrying, as four references compute it.
//! Each draws its randomness from the run's generator where the reference
//! draws from its platform's (Python's `random`, Go's `math/rand`, Envoy's
//! `Random::RandomGenerator`), and takes the draw as an argument so the
//! references' own test vectors replay exactly.

use crate::sim::kernel::rng::unit;
use crate::sim::kernel::time::{Nanos, MS, SEC};
use crate::scenario::json::{self, Error, FromJson, Node, ToJson};

/// Jitter as the AWS Architecture Blog's "Exponential Backoff And Jitter"
/// (Marc Brooker, 2015) defines it, with its simulator's numbering: the
/// first retry is attempt 1, so its ceiling is `2 × base`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Jitter {
    /// `min(cap, base · 2^n)`: every client waits the same.
    None,
    /// `uniform(0, min(cap, base · 2^n))`.
    Full,
    /// `v/2 + uniform(0, v/2)` with `v = min(cap, base · 2^n)`.
    Equal,
    /// `min(cap, uniform(base, previous · 3))`, starting from `base`.
    Decorrelated,
}

/// A retry's wait. In JSON `"none"`, `{"constant": {"ms": 100}}`,
/// `{"exponential": {"base_ms": 5, "cap_ms": 2000, "jitter": "full"}}`,
/// `"aws-standard"`, `{"grpc": {"initial_ms": 1000, "max_ms": 30000, "multiplier": 1.6}}`
/// or `{"envoy": {"base_ms": 25, "max_ms": 250}}`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Backoff {
    /// Retry at once.
    None,
    /// The same wait every time.
    Constant { ms: f64 },
    /// The AWS blog's capped exponential backoff with its jitter.
    Exponential { base_ms: f64, cap_ms: f64, jitter: Jitter },
    /// The AWS SDKs' standard retry mode as botocore computes it
    /// (`botocore/retries/standard.py`, `ExponentialBackoff`):
    /// `random() · min(2^(n−1), 20)` seconds for retry n.
    AwsStandard,
    /// gRPC's retry policy as gRFC A6 (since August 2024) and grpc-go
    /// compute it: `min(initial · multiplier^(n−1), max) · uniform(0.8, 1.2)`,
    /// truncated to whole nanoseconds.
    Grpc { initial_ms: f64, max_ms: f64, multiplier: f64 },
    /// Envoy's router (`JitteredExponentialBackOffStrategy`): a whole number
    /// of milliseconds `random() mod b`, where `b` starts at `base` and
    /// doubles after each retry up to `max` (default 10 × base).
    Envoy { base_ms: u32, max_ms: u32 },
}

json::names!(Jitter { None = "none", Full = "full", Equal = "equal", Decorrelated = "decorrelated" });

/// Every backoff's name in JSON.
const BACKOFFS: [&str; 6] = ["none", "constant", "exponential", "aws-standard", "grpc", "envoy"];

impl FromJson for Backoff {
    fn read(node: &Node) -> Result<Backoff, Error> {
        let (name, value) = json::variant(node)?;
        let settings = |keys: &[&str]| json::variant_fields(node, name, value, keys);
        Ok(match name {
            "none" => json::unit(name, value).map(|()| Backoff::None)?,
            "aws-standard" => json::unit(name, value).map(|()| Backoff::AwsStandard)?,
            "constant" => Backoff::Constant { ms: settings(&["ms"])?.req("ms")? },
            "exponential" => {
                let f = settings(&["base_ms", "cap_ms", "jitter"])?;
                Backoff::Exponential { base_ms: f.req("base_ms")?, cap_ms: f.req("cap_ms")?, jitter: f.req("jitter")? }
            }
            "grpc" => {
                let f = settings(&["initial_ms", "max_ms", "multiplier"])?;
                Backoff::Grpc {
                    initial_ms: f.req("initial_ms")?,
                    max_ms: f.req("max_ms")?,
                    multiplier: f.req("multiplier")?,
                }
            }
            "envoy" => {
                let f = settings(&["base_ms", "max_ms"])?;
                Backoff::Envoy { base_ms: f.req("base_ms")?, max_ms: f.req("max_ms")? }
            }
            _ => return Err(json::unknown(node, name, &BACKOFFS)),
        })
    }
}

impl ToJson for Backoff {
    fn write(&self, out: &mut String) {
        match *self {
            Backoff::None => "none".write(out),
            Backoff::AwsStandard => "aws-standard".write(out),
            Backoff::Constant { ms } => json::struct_variant(out, "constant", |o| {
                o.field("ms", &ms);
            }),
            Backoff::Exponential { base_ms, cap_ms, jitter } => json::struct_variant(out, "exponential", |o| {
                o.field("base_ms", &base_ms).field("cap_ms", &cap_ms).field("jitter", &jitter);
            }),
            Backoff::Grpc { initial_ms, max_ms, multiplier } => json::struct_variant(out, "grpc", |o| {
                o.field("initial_ms", &initial_ms).field("max_ms", &max_ms).field("multiplier", &multiplier);
            }),
            Backoff::Envoy { base_ms, max_ms } => json::struct_variant(out, "envoy", |o| {
                o.field("base_ms", &base_ms).field("max_ms", &max_ms);
            }),
        }
    }
}

/// What a backoff remembers between one client call's retries.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct BackoffState {
    /// Retries so far.
    pub retries: u32,
    /// The decorrelated jitter's last wait (ms), or Envoy's next bound (ms).
    last: f64,
}

impl Backoff {
    /// The wait before the next retry of a call in `state`, from one raw
    /// draw; advances `state`.
    pub fn next(&self, state: &mut BackoffState, raw: u64) -> Nanos {
        state.retries += 1;
        let n = state.retries;
        let ms = |x: f64| (x * MS as f64) as Nanos;
        match *self {
            Backoff::None => 0,
            Backoff::Constant { ms: wait } => ms(wait),
            Backoff::Exponential { base_ms, cap_ms, jitter } => {
                let u = unit(raw);
                let expo = (base_ms * f64::from(2u32.saturating_pow(n.min(31)))).min(cap_ms);
                ms(match jitter {
                    Jitter::None => expo,
                    Jitter::Full => u * expo,
                    Jitter::Equal => expo / 2.0 + u * (expo / 2.0),
                    Jitter::Decorrelated => {
                        let previous = if n == 1 { base_ms } else { state.last };
                        let wait = (base_ms + u * (previous * 3.0 - base_ms)).min(cap_ms);
                        state.last = wait;
                        wait
                    }
                })
            }
            Backoff::AwsStandard => aws_standard(n, unit(raw)),
            Backoff::Grpc { initial_ms, max_ms, multiplier } => grpc(n, initial_ms, max_ms, multiplier, unit(raw)),
            Backoff::Envoy { base_ms, max_ms } => {
                let bound = if n == 1 { u64::from(base_ms) } else { state.last as u64 };
                let wait = envoy(bound, raw);
                let max = u64::from(max_ms);
                state.last = if bound < max / 2 { (bound * 2) as f64 } else { max as f64 };
                wait * MS
            }
        }
    }

    /// Checks the parameters.
    pub fn validate(&self) -> Result<(), String> {
        let ms_ok = |x: f64| x.is_finite() && (0.0..=600_000.0).contains(&x);
        let ok = match *self {
            Backoff::None | Backoff::AwsStandard => true,
            Backoff::Constant { ms } => ms_ok(ms),
            Backoff::Exponential { base_ms, cap_ms, .. } => ms_ok(base_ms) && ms_ok(cap_ms) && base_ms > 0.0,
            Backoff::Grpc { initial_ms, max_ms, multiplier } => {
                ms_ok(initial_ms) && ms_ok(max_ms) && initial_ms > 0.0 && max_ms > 0.0 && multiplier.is_finite() && multiplier > 0.0 && multiplier <= 10.0
            }
            Backoff::Envoy { base_ms, max_ms } => base_ms >= 1 && max_ms >= base_ms && max_ms <= 600_000,
        };
        if ok {
            Ok(())
        } else {
            Err("a backoff's times must be between 0 and 600000 ms (a base above 0, Envoy's max at least its base, gRPC's multiplier up to 10)".into())
        }
    }
}

/// botocore's standard mode for retry `n` (from 1) and a draw `u`.
pub fn aws_standard(n: u32, u: f64) -> Nanos {
    let ceiling = f64::from(2u32.saturating_pow((n - 1).min(31))).min(20.0);
    (u * ceiling * SEC as f64) as Nanos
}

/// gRPC's wait for retry `n` (from 1) and a draw `u`: the exponent counts
/// retries since the last pushback, here all of them.
pub fn grpc(n: u32, initial_ms: f64, max_ms: f64, multiplier: f64, u: f64) -> Nanos {
    let mut cur = initial_ms * MS as f64;
    for _ in 1..n {
        cur *= multiplier;
    }
    let cur = cur.min(max_ms * MS as f64) * (0.8 + 0.4 * u);
    cur as Nanos
}

/// Envoy's `random() % b`, in milliseconds.
pub fn envoy(bound: u64, raw: u64) -> u64 {
    if bound == 0 {
        0
    } else {
        raw % bound
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn botocore_standard_mode_doubles_to_twenty_seconds() {
        // botocore tests/unit/retries/test_standard.py, random() = 1, attempts 1 to 9.
        let waits: Vec<Nanos> = (1..=9).map(|n| aws_standard(n, 1.0) / SEC).collect();
        assert_eq!(waits, [1, 2, 4, 8, 16, 20, 20, 20, 20]);
    }

    #[test]
    fn envoy_draws_below_a_doubling_bound() {
        // Envoy test/common/common/backoff_strategy_test.cc: random() = 9999, base 5, max 100.
        let b = Backoff::Envoy { base_ms: 5, max_ms: 100 };
        let mut state = BackoffState::default();
        let waits: Vec<Nanos> = (0..7).map(|_| b.next(&mut state, 9_999) / MS).collect();
        assert_eq!(waits, [4, 9, 19, 39, 79, 99, 99]);
        // random() = 27, base 25, max 30.
        let b = Backoff::Envoy { base_ms: 25, max_ms: 30 };
        let mut state = BackoffState::default();
        assert_eq!([b.next(&mut state, 27) / MS, b.next(&mut state, 27) / MS], [2, 27]);
    }

    #[test]
    fn grpc_multiplies_then_jitters_by_a_fifth() {
        // initial 1 s, multiplier 2, max 5 s: 1, 2, 4, 5, 5 s before jitter.
        let at = |n, u| grpc(n, 1_000.0, 5_000.0, 2.0, u);
        assert_eq!([at(1, 0.5), at(2, 0.5), at(3, 0.5), at(4, 0.5), at(5, 0.5)], [SEC, 2 * SEC, 4 * SEC, 5 * SEC, 5 * SEC]);
        // The draw spreads it from 0.8 to 1.2 times: below the initial wait and above the max.
        assert_eq!(at(1, 0.0), 800 * MS);
        assert_eq!(at(5, 1.0), 6 * SEC);
    }

    #[test]
    fn the_aws_blog_formulas_by_hand() {
        // base 5 ms, cap 2000 ms; a draw of exactly one half.
        let half = 1u64 << 63;
        let mut state = BackoffState::default();
        let exp = |j| Backoff::Exponential { base_ms: 5.0, cap_ms: 2_000.0, jitter: j };
        // First retry: expo(1) = 10 ms.
        assert_eq!(exp(Jitter::None).next(&mut BackoffState::default(), half), 10 * MS);
        assert_eq!(exp(Jitter::Full).next(&mut BackoffState::default(), half), 5 * MS);
        assert_eq!(exp(Jitter::Equal).next(&mut BackoffState::default(), half), 7_500_000);
        // Decorrelated: uniform(5, 15) = 10, then uniform(5, 30) = 17.5, capped later at 2 s.
        let d = exp(Jitter::Decorrelated);
        assert_eq!(d.next(&mut state, half), 10 * MS);
        assert_eq!(d.next(&mut state, half), 17_500_000);
        // The eighth retry without jitter: 5 · 2^8 = 1280 ms; the ninth is capped.
        let mut s = BackoffState { retries: 7, ..BackoffState::default() };
        assert_eq!(exp(Jitter::None).next(&mut s, half), 1_280 * MS);
        assert_eq!(exp(Jitter::None).next(&mut s, half), 2_000 * MS);
    }
}
