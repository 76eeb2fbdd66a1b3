//! Event streaming: a Kafka topic's partitions, the producer's
//! partitioner, and a consumer group whose members join, leave and crash
//! while the group's assignor rebalances it.
//!
//! **Producing** ([`partitioner`]). Each topic receives records at a
//! steady rate. A keyed record goes to `murmur2(key) % partitions` as
//! Kafka's producer computes it, so a skewed key distribution gives hot
//! partitions and adding partitions moves keys; a keyless record goes
//! where the uniform sticky or round-robin partitioner sends it. The
//! records each partition receives are drawn once per run and are the
//! same for every assignor compared.
//!
//! **Consuming** ([`run`]). Each consumer processes records at its rate,
//! shared fairly among the partitions it owns (a partition that needs less
//! than its share leaves the rest to the others, as the fetcher's rotation
//! over partitions tends to). A partition's lag is its log-end offset less
//! its consumer's position. Offsets are committed every
//! `auto.commit.interval.ms` and when a partition is revoked; a partition
//! whose consumer crashed is resumed from its last committed offset, so
//! the records processed since then are processed twice (at-least-once).
//!
//! **Rebalancing** ([`assignor`]), as the classic group protocol runs it:
//! a consumer joining, leaving or a topic gaining partitions starts a
//! rebalance at once; a crashed consumer is noticed when its session times
//! out (`session.timeout.ms`, 45 s by default since Kafka 3.0), and no
//! rebalance can finish before that. A rebalance takes the scenario's
//! `rebalance_ms` from its start, for every member to rejoin and receive
//! its assignment. With an eager assignor every member revokes every
//! partition when it starts and nothing is consumed until it ends; with
//! the cooperative sticky assignor members keep consuming, revoke only the
//! partitions that move, and a second rebalance hands those over.
//!
//! Time advances in 3,600 steps per run (a second in an hour's run);
//! events take effect at the step they fall in.

pub mod assignor;
pub mod block;
pub mod java;
pub mod partitioner;
pub mod presets;
pub mod report;
pub mod run;
pub mod scenario;

use crate::scenario::json::{self, Error, FromJson, Node, Obj, ToJson};
use crate::sim::kernel::num::decimal;
use partitioner::Keyless;

/// The widget index's name for this family.
pub const TITLE: &str = "Event streaming";
/// The widget index's one-line description.
pub const SUMMARY: &str =
    "Kafka's murmur2 partitioner and its range, round-robin, sticky and cooperative-sticky assignors: lag, rebalances and hot partitions.";

/// Most topics a scenario has.
pub const MAX_TOPICS: usize = 3;
/// Most partitions over all topics.
pub const MAX_PARTITIONS: u32 = 256;
/// Most consumers a group has over a run (those it starts with and those
/// that join).
pub const MAX_CONSUMERS: usize = 64;
/// Most distinct keys.
pub const MAX_KEYS: u32 = 100_000;

/// A topic: its name and how many partitions it starts with.
#[derive(Clone, Debug, PartialEq)]
pub struct Topic {
    pub name: String,
    pub partitions: u32,
}

json::object!(Topic, "a topic (an object with a name and partitions)" { name, partitions });

/// The keys records carry. In JSON: `{"zipf": {"count": 1000, "exponent": 1.0}}`,
/// `{"uniform": {"count": 1000}}`, `{"hot": {"count": 1000, "share": 0.3}}`
/// or `{"keyless": "uniform-sticky"}`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Keys {
    /// `count` keys, each as likely as the others.
    Uniform { count: u32 },
    /// `count` keys, the k-th most common in proportion to 1/k^exponent.
    Zipf { count: u32, exponent: f64 },
    /// One key carries `share` of the records; the rest are uniform over
    /// the other `count − 1`.
    Hot { count: u32, share: f64 },
    /// No keys: the keyless partitioner places records.
    Keyless(Keyless),
}

impl FromJson for Keys {
    fn read(node: &Node) -> Result<Keys, Error> {
        let (name, value) = json::variant(node)?;
        let what = "the keys' parameters (an object)";
        let fields = |keys: &[&str]| json::Fields::of(json::payload(node, name, value)?, what, keys);
        match name {
            "uniform" => Ok(Keys::Uniform { count: fields(&["count"])?.req("count")? }),
            "zipf" => {
                let f = fields(&["count", "exponent"])?;
                Ok(Keys::Zipf { count: f.req("count")?, exponent: f.req("exponent")? })
            }
            "hot" => {
                let f = fields(&["count", "share"])?;
                Ok(Keys::Hot { count: f.req("count")?, share: f.req("share")? })
            }
            "keyless" => {
                Keyless::read(json::payload(node, name, value)?).map(Keys::Keyless).map_err(|e| json::in_field(e, name))
            }
            other => Err(json::unknown(node, other, &["uniform", "zipf", "hot", "keyless"])),
        }
    }
}

impl ToJson for Keys {
    fn write(&self, out: &mut String) {
        let mut o = Obj::new(out);
        match self {
            Keys::Uniform { count } => Obj::new(o.key("uniform")).field("count", count).end(),
            Keys::Zipf { count, exponent } => {
                Obj::new(o.key("zipf")).field("count", count).field("exponent", exponent).end()
            }
            Keys::Hot { count, share } => Obj::new(o.key("hot")).field("count", count).field("share", share).end(),
            Keys::Keyless(k) => {
                o.field("keyless", k);
            }
        }
        o.end();
    }
}

impl Keys {
    /// Checks the key count and the distribution's parameter.
    pub fn validate(&self) -> Result<(), String> {
        let count = match *self {
            Keys::Uniform { count } => count,
            Keys::Zipf { count, exponent } => {
                if !(exponent.is_finite() && (0.0..=3.0).contains(&exponent)) {
                    return Err(format!("the Zipf exponent must be between 0 and 3, not {}", decimal(exponent, 3)));
                }
                count
            }
            Keys::Hot { count, share } => {
                if !(share.is_finite() && (0.0..=1.0).contains(&share)) {
                    return Err(format!("the hot key's share must be between 0 and 1, not {}", decimal(share, 3)));
                }
                if count < 2 {
                    return Err("a hot key needs at least 2 keys".into());
                }
                count
            }
            Keys::Keyless(_) => return Ok(()),
        };
        if (1..=MAX_KEYS).contains(&count) {
            Ok(())
        } else {
            Err(format!("keys must number 1 to {MAX_KEYS}, not {count}"))
        }
    }

    /// Each key's share of the records, keys numbered from 0 (none when keyless).
    pub fn shares(&self) -> Vec<f64> {
        match *self {
            Keys::Uniform { count } => vec![1.0 / f64::from(count); count as usize],
            Keys::Zipf { count, exponent } => {
                let w: Vec<f64> = (1..=count).map(|k| 1.0 / crate::sim::kernel::rng::powf(f64::from(k), exponent)).collect();
                let total: f64 = w.iter().sum();
                w.iter().map(|x| x / total).collect()
            }
            Keys::Hot { count, share } => {
                let mut v = vec![(1.0 - share) / f64::from(count - 1); count as usize];
                v[0] = share;
                v
            }
            Keys::Keyless(_) => Vec::new(),
        }
    }
}

impl Keys {
    /// The menu's names for the distributions, in menu order.
    pub const KINDS: [(&'static str, &'static str); 5] = [
        ("zipf", "Zipf keys (a few users busy, most quiet)"),
        ("uniform", "Uniform keys"),
        ("hot", "One hot key (30% of records)"),
        ("uniform-sticky", "No keys: uniform sticky (KIP-794)"),
        ("sticky", "No keys: sticky (KIP-480)"),
    ];

    /// This distribution's menu name.
    pub fn kind(&self) -> &'static str {
        match self {
            Keys::Zipf { .. } => "zipf",
            Keys::Uniform { .. } => "uniform",
            Keys::Hot { .. } => "hot",
            Keys::Keyless(Keyless::UniformSticky) => "uniform-sticky",
            Keys::Keyless(Keyless::Sticky) => "sticky",
        }
    }

    /// The distribution `kind` over this one's key count (10,000 from
    /// keyless), with its usual parameter: Zipf exponent 1, a hot key's
    /// share 30%.
    pub fn with_kind(&self, kind: &str) -> Option<Keys> {
        let count = match *self {
            Keys::Uniform { count } | Keys::Zipf { count, .. } | Keys::Hot { count, .. } => count,
            Keys::Keyless(_) => 10_000,
        };
        Some(match kind {
            "zipf" => Keys::Zipf { count, exponent: 1.0 },
            "uniform" => Keys::Uniform { count },
            "hot" => Keys::Hot { count: count.max(2), share: 0.3 },
            "uniform-sticky" => Keys::Keyless(Keyless::UniformSticky),
            "sticky" => Keys::Keyless(Keyless::Sticky),
            _ => return None,
        })
    }
}

/// The serialized key of key number `k`: `user-<k>` in UTF-8, as
/// `StringSerializer` writes it.
pub fn key_bytes(k: u32) -> Vec<u8> {
    format!("user-{k}").into_bytes()
}
