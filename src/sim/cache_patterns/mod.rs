//! Cache patterns: how a cache in front of a database is read and written,
//! and what that does to the database's load, the readers' latency and the
//! data they see.
//!
//! | strategy | reads | writes |
//! |---|---|---|
//! | [`Strategy::CacheAside`] | the client reads the cache; on a miss it reads the database and sets the key | the client writes the database, then deletes the key (Facebook's memcache, Nishtala et al., NSDI 2013) |
//! | [`Strategy::ReadThrough`] | the cache loads a missing key itself, one load per key however many readers wait (Caffeine's `LoadingCache.get`); a write while a key loads discards the load's result | as cache-aside |
//! | [`Strategy::WriteThrough`] | as read-through | the cache writes the database, then holds the new value |
//! | [`Strategy::WriteBehind`] | as read-through, a key whose write has not yet committed read from the staging area (as Hazelcast's write-behind store does) | the cache holds the new value and acknowledges at once; at the next multiple of `flush_ms` it writes each changed key once (write coalescing, as Hazelcast's `MapStore` does by default), and a changed key it evicts at once |
//!
//! Every lane may expire keys after a TTL, with jitter, and refresh them
//! early by XFetch (Vattani, Chierichetti and Lowenstein, "Optimal
//! probabilistic cache stampede prevention", VLDB 2015); cache-aside may
//! coalesce its misses by single-flight (Go's `golang.org/x/sync/singleflight`:
//! a caller finding a call for its key in flight waits for that call's result).
//!
//! The model, in [`run`]: the cache holds `capacity` keys under exact LRU and
//! answers in `latency_ms`; an operation on it takes effect at once and each
//! round trip adds its latency to the caller's (a cache-aside reader who
//! misses makes two: the get and the set). The database has a number
//! of connections, each running one query at a time, first come first
//! served; a query's service time is exponential with the read or write
//! mean. A read sees the data committed when it starts (PostgreSQL's read
//! committed: the statement's snapshot); a write commits when it finishes,
//! and two writes to one row commit in the order they arrived (its row lock).

pub mod block;
pub mod presets;
pub mod report;
pub mod run;
pub mod scenario;

/// The widget's name in the widget index.
pub const TITLE: &str = "Cache patterns";
/// One sentence for the widget index.
pub const SUMMARY: &str =
    "Cache-aside, read-through, write-through and write-behind in front of a database that queues: TTLs, stampedes, single-flight, XFetch, stale reads and a cache node that dies.";

use crate::scenario::json::{self, Error, FromJson, Node, Obj, ToJson};

/// Most keys a workload may ask for (each lane keeps a few words per key).
pub const MAX_KEYS: u32 = 200_000;
/// Most requests in a run.
pub const MAX_REQUESTS: u32 = 500_000;
/// Longest TTL and flush interval: one day.
pub const MAX_TTL_MS: u64 = 86_400_000;
/// Largest XFetch β.
pub const MAX_BETA: f64 = 10.0;

/// How a lane's clients use the cache.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Strategy {
    #[default]
    CacheAside,
    ReadThrough,
    WriteThrough,
    WriteBehind,
}

json::names!(Strategy {
    CacheAside = "cache-aside",
    ReadThrough = "read-through",
    WriteThrough = "write-through",
    WriteBehind = "write-behind",
});

impl Strategy {
    /// Every strategy, in the order the widget lists them.
    pub const ALL: [Strategy; 4] =
        [Strategy::CacheAside, Strategy::ReadThrough, Strategy::WriteThrough, Strategy::WriteBehind];

    /// The strategy's name in scenarios, blocks and reports.
    pub fn name(self) -> &'static str {
        match self {
            Strategy::CacheAside => "cache-aside",
            Strategy::ReadThrough => "read-through",
            Strategy::WriteThrough => "write-through",
            Strategy::WriteBehind => "write-behind",
        }
    }

    /// The strategy called `name`.
    pub fn from_name(name: &str) -> Option<Strategy> {
        Strategy::ALL.into_iter().find(|s| s.name() == name)
    }

    /// Whether the cache itself loads a missing key, so that readers
    /// missing one key wait for one load.
    pub fn loads(self) -> bool {
        self != Strategy::CacheAside
    }
}

fn is_zero(x: &f64) -> bool {
    *x == 0.0
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// Write-behind's flush interval when a lane names none.
pub const FLUSH_MS: u64 = 1_000;

fn default_flush(ms: &u64) -> bool {
    *ms == FLUSH_MS
}

fn flush_ms() -> u64 {
    FLUSH_MS
}

/// One lane: a strategy and its settings.
#[derive(Clone, Debug, PartialEq)]
pub struct Lane {
    pub strategy: Strategy,
    /// How long a key stays cached after it is set, in ms; 0 keeps it until evicted.
    pub ttl_ms: u64,
    /// Each TTL is drawn uniformly from `ttl × (1 ± jitter)`; 0 to 1.
    pub jitter: f64,
    /// Cache-aside only: coalesce readers missing one key into one database
    /// read (the other strategies always do, as the cache loads).
    pub single_flight: bool,
    /// XFetch's β: a reader refreshes a key early when
    /// `now − Δ·β·ln(u) ≥ expiry` (Δ the key's last load time, u uniform
    /// in (0, 1]); 0 turns it off, 1 is the paper's default.
    pub xfetch: f64,
    /// Write-behind only: how often changed keys are written, in ms.
    pub flush_ms: u64,
}

impl FromJson for Lane {
    fn read(node: &Node) -> Result<Lane, Error> {
        let f = json::Fields::of(
            node,
            "a lane (an object)",
            &["strategy", "ttl_ms", "jitter", "single_flight", "xfetch", "flush_ms"],
        )?;
        Ok(Lane {
            strategy: f.req("strategy")?,
            ttl_ms: f.req("ttl_ms")?,
            jitter: f.or_default("jitter")?,
            single_flight: f.or_default("single_flight")?,
            xfetch: f.or_default("xfetch")?,
            flush_ms: match f.get("flush_ms") {
                Some(_) => f.req("flush_ms")?,
                None => flush_ms(),
            },
        })
    }
}

impl ToJson for Lane {
    fn write(&self, out: &mut String) {
        Obj::new(out)
            .field("strategy", &self.strategy)
            .field("ttl_ms", &self.ttl_ms)
            .field_unless(is_zero(&self.jitter), "jitter", &self.jitter)
            .field_unless(is_false(&self.single_flight), "single_flight", &self.single_flight)
            .field_unless(is_zero(&self.xfetch), "xfetch", &self.xfetch)
            .field_unless(default_flush(&self.flush_ms), "flush_ms", &self.flush_ms)
            .end();
    }
}

impl Lane {
    /// A lane of `strategy` with a TTL and nothing else.
    pub fn new(strategy: Strategy, ttl_ms: u64) -> Lane {
        Lane { strategy, ttl_ms, jitter: 0.0, single_flight: false, xfetch: 0.0, flush_ms: FLUSH_MS }
    }

    /// The lane's name: its strategy and what it adds.
    pub fn label(&self) -> String {
        let mut label = self.strategy.name().to_string();
        if self.single_flight && !self.strategy.loads() {
            label.push_str(" + single-flight");
        }
        if self.xfetch > 0.0 {
            label.push_str(" + XFetch");
        }
        if self.jitter > 0.0 {
            label.push_str(" + jitter");
        }
        label
    }

    /// Checks the settings.
    pub fn validate(&self) -> Result<(), String> {
        use crate::sim::kernel::num::decimal;
        let name = self.strategy.name();
        if self.ttl_ms > MAX_TTL_MS {
            return Err(format!("{name}: ttl_ms must be at most {MAX_TTL_MS} (a day), not {}", self.ttl_ms));
        }
        if !(0.0..=1.0).contains(&self.jitter) {
            return Err(format!("{name}: jitter must be between 0 and 1, not {}", decimal(self.jitter, 3)));
        }
        if !(0.0..=MAX_BETA).contains(&self.xfetch) {
            return Err(format!("{name}: xfetch (β) must be between 0 and {}, not {}", decimal(MAX_BETA, 3), decimal(self.xfetch, 3)));
        }
        if self.flush_ms == 0 || self.flush_ms > MAX_TTL_MS {
            return Err(format!("{name}: flush_ms must be between 1 and {MAX_TTL_MS}, not {}", self.flush_ms));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lane_writes_only_what_it_sets() {
        let lane = Lane::new(Strategy::WriteBehind, 5_000);
        assert_eq!(json::to_string(&lane), r#"{"strategy":"write-behind","ttl_ms":5000}"#);
        assert_eq!(json::from_str::<Lane>(r#"{"strategy":"write-behind","ttl_ms":5000}"#), Ok(lane.clone()));
        let full = Lane { single_flight: true, xfetch: 1.0, jitter: 0.1, flush_ms: 200, ..lane };
        let text = r#"{"strategy":"write-behind","ttl_ms":5000,"jitter":0.1,"single_flight":true,"xfetch":1.0,"flush_ms":200}"#;
        assert_eq!(json::to_string(&full), text);
        assert_eq!(json::from_str::<Lane>(text), Ok(full.clone()));
        assert_eq!(full.label(), "write-behind + XFetch + jitter");
        for s in Strategy::ALL {
            assert_eq!(Strategy::from_name(s.name()), Some(s));
        }
    }

    #[test]
    fn a_lane_in_the_wrong_form_is_refused_saying_why() {
        let err = |text: &str| json::from_str::<Lane>(text).unwrap_err();
        assert_eq!(
            err(r#"{"strategy":"write-around","ttl_ms":0}"#),
            "strategy: expected one of \"cache-aside\", \"read-through\", \"write-through\", \"write-behind\", found \"write-around\" at line 1 column 13"
        );
        assert_eq!(
            err(r#"{"strategy":"cache-aside","ttl_ms":0,"lease":true}"#),
            "unknown field \"lease\"; expected one of \"strategy\", \"ttl_ms\", \"jitter\", \"single_flight\", \"xfetch\", \"flush_ms\" at line 1 column 46"
        );
        assert_eq!(
            err(r#"{"strategy":"write-behind","ttl_ms":0,"flush_ms":-5}"#),
            "flush_ms: expected a whole number from 0 to 18446744073709551615, found -5 at line 1 column 50"
        );
        assert_eq!(err(r#"{"strategy":"cache-aside"}"#), "missing field \"ttl_ms\" at line 1 column 1");
    }

    #[test]
    fn lane_settings_are_bounded() {
        let lane = Lane::new(Strategy::CacheAside, 1_000);
        assert_eq!(Lane { jitter: 1.5, ..lane.clone() }.validate().unwrap_err(), "cache-aside: jitter must be between 0 and 1, not 1.5");
        assert!(Lane { xfetch: -1.0, ..lane.clone() }.validate().is_err());
        assert!(Lane { flush_ms: 0, ..lane.clone() }.validate().is_err());
        assert!(Lane { ttl_ms: MAX_TTL_MS + 1, ..lane.clone() }.validate().is_err());
        assert!(lane.validate().is_ok());
    }
}
