//! The cache-patterns widget's scenario: one stream of reads and writes,
//! one cache and one database, and up to three strategies side by side.

use super::run::{run_lane, LaneRun, Trial};
use super::{Lane, MAX_KEYS, MAX_REQUESTS};
use crate::sim::caching::workload::Workload;
use crate::sim::kernel::num::decimal;
use crate::scenario::json;
use crate::scenario::{check_count, check_version, View, MAX_LANES};

/// The `widget` field of a cache-patterns scenario: always `"cache-patterns"`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CachePatternsTag {
    #[default]
    CachePatterns,
}

/// The cache: how many keys it holds (exact LRU beyond that) and how long
/// one round trip to it takes.
#[derive(Clone, Debug, PartialEq)]
pub struct Cache {
    pub capacity: u32,
    pub latency_ms: f64,
}

/// The database: its connections (queries running at once; the rest wait
/// in line) and the time a read and a write take to run: exponentially
/// distributed with these means, or exactly these times.
#[derive(Clone, Debug, PartialEq)]
pub struct Database {
    pub connections: u32,
    pub read_ms: f64,
    pub write_ms: f64,
    pub service: Service,
}

/// How a query's running time is drawn.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Service {
    /// Exponential with the mean (memoryless, as queueing models assume).
    #[default]
    Exponential,
    /// Exactly the time given.
    Fixed,
}

impl Service {
    fn is_exponential(&self) -> bool {
        *self == Service::Exponential
    }
}

/// A cache-patterns scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct CachePatternsScenario {
    pub widget: CachePatternsTag,
    pub version: u32,
    pub seed: u64,
    /// The keys asked for and how fast (arrivals are a Poisson process at `rate`).
    pub workload: Workload,
    /// The share of requests that write, 0 to 1.
    pub writes: f64,
    pub cache: Cache,
    pub database: Database,
    /// Whether the cache starts full, as if it had been running: the
    /// `capacity` lowest-numbered keys (under Zipf's law the most popular),
    /// each with what is left of its TTL drawn uniformly. Otherwise it
    /// starts empty, and the first second is one long miss.
    pub warm: bool,
    /// When the cache node dies, in ms: it comes back at once, empty, and
    /// whatever it had not yet written is lost.
    pub crash_ms: Option<u64>,
    pub lanes: Vec<Lane>,
    pub view: View,
}

json::names!(CachePatternsTag { CachePatterns = "cache-patterns" });
json::names!(Service { Exponential = "exponential", Fixed = "fixed" });
json::object!(Cache, "a cache (an object)" { capacity, latency_ms });
json::object!(Database, "a database (an object)" {
    connections,
    read_ms,
    write_ms,
    service: default (Service::is_exponential),
});
json::object!(CachePatternsScenario, "a cache-patterns scenario (an object)" {
    widget,
    version,
    seed,
    workload,
    writes,
    cache,
    database,
    warm: default (std::ops::Not::not),
    crash_ms: default (Option::is_none),
    lanes,
    view: default (View::is_default),
});

/// The latest a cache node may die: 30 days in.
pub const MAX_CRASH_MS: u64 = 30 * 86_400_000;

/// Checks a time in ms lies in `lo..=hi`.
fn check_ms(what: &str, ms: f64, lo: f64, hi: f64) -> Result<(), String> {
    if ms.is_finite() && (lo..=hi).contains(&ms) {
        Ok(())
    } else {
        Err(format!("{what} must be between {} and {} ms, not {}", decimal(lo, 3), decimal(hi, 3), decimal(ms, 3)))
    }
}

impl CachePatternsScenario {
    /// Checks every field against its bounds.
    pub fn validate(&self) -> Result<(), String> {
        check_version(self.version)?;
        self.workload.validate()?;
        if self.workload.requests > MAX_REQUESTS {
            return Err(format!("requests must be between 1 and {MAX_REQUESTS}, not {}", self.workload.requests));
        }
        if self.workload.universe() > u64::from(MAX_KEYS) {
            return Err(format!("the workload asks for more than {MAX_KEYS} keys"));
        }
        if !(0.0..=1.0).contains(&self.writes) {
            return Err(format!("writes must be a share between 0 and 1, not {}", decimal(self.writes, 3)));
        }
        if self.cache.capacity == 0 || self.cache.capacity > MAX_KEYS {
            return Err(format!("cache capacity must be between 1 and {MAX_KEYS} keys, not {}", self.cache.capacity));
        }
        check_ms("cache latency_ms", self.cache.latency_ms, 0.0, 1_000.0)?;
        let db = &self.database;
        if !(1..=10_000).contains(&db.connections) {
            return Err(format!("database connections must be between 1 and 10000, not {}", db.connections));
        }
        check_ms("database read_ms", db.read_ms, 0.001, 60_000.0)?;
        check_ms("database write_ms", db.write_ms, 0.001, 60_000.0)?;
        if let Some(ms) = self.crash_ms.filter(|&ms| ms > MAX_CRASH_MS) {
            return Err(format!("crash_ms must be at most {MAX_CRASH_MS} (30 days), not {ms}"));
        }
        check_count(self.lanes.len(), MAX_LANES, "strategies")?;
        for lane in &self.lanes {
            lane.validate()?;
        }
        self.view.validate()
    }

    /// The requests drawn from the seed, shared by every lane.
    pub fn trial(&self) -> Trial {
        Trial::draw(&self.workload, self.writes, self.seed)
    }

    /// Runs every lane on `trial` (this scenario's [`trial`](Self::trial)).
    pub fn run_on(&self, trial: &Trial) -> Result<Vec<LaneRun>, String> {
        self.validate()?;
        Ok(self.lanes.iter().map(|lane| run_lane(self, lane, trial)).collect())
    }

    /// Runs every lane on the same requests.
    pub fn run(&self) -> Result<Vec<LaneRun>, String> {
        self.validate()?;
        self.run_on(&self.trial())
    }

    /// The run's length in ms: its last arrival, an estimate before it is drawn.
    pub fn duration_ms(&self) -> u64 {
        (u64::from(self.workload.requests) * 1000 / u64::from(self.workload.rate.max(1))).max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::super::presets::preset;
    use super::*;
    use crate::scenario::Document;

    /// The default preset, and the settings it leaves out written too.
    #[test]
    fn every_setting_is_written_and_read_back() {
        let mut s = preset("default").unwrap();
        s.database.service = Service::Fixed;
        s.warm = true;
        s.crash_ms = Some(5_000);
        let default = concat!(
            r#"{"widget":"cache-patterns","version":1,"seed":1,"#,
            r#""workload":{"pattern":{"zipf":{"keys":100,"skew":1.0}},"requests":100000,"rate":5000},"writes":0.0,"#,
            r#""cache":{"capacity":2000,"latency_ms":0.5},"database":{"connections":8,"read_ms":100.0,"write_ms":12.0},"#,
            r#""warm":true,"lanes":[{"strategy":"cache-aside","ttl_ms":10000},"#,
            r#"{"strategy":"cache-aside","ttl_ms":10000,"single_flight":true},"#,
            r#"{"strategy":"cache-aside","ttl_ms":10000,"xfetch":1.0}]}"#
        );
        let every = concat!(
            r#"{"widget":"cache-patterns","version":1,"seed":1,"#,
            r#""workload":{"pattern":{"zipf":{"keys":100,"skew":1.0}},"requests":100000,"rate":5000},"writes":0.0,"#,
            r#""cache":{"capacity":2000,"latency_ms":0.5},"#,
            r#""database":{"connections":8,"read_ms":100.0,"write_ms":12.0,"service":"fixed"},"#,
            r#""warm":true,"crash_ms":5000,"lanes":[{"strategy":"cache-aside","ttl_ms":10000},"#,
            r#"{"strategy":"cache-aside","ttl_ms":10000,"single_flight":true},"#,
            r#"{"strategy":"cache-aside","ttl_ms":10000,"xfetch":1.0}]}"#
        );
        for (s, text) in [(preset("default").unwrap(), default), (s, every)] {
            assert_eq!(s.to_text(), text);
            assert_eq!(CachePatternsScenario::from_text(text), Ok(s));
        }
        let text = preset("default").unwrap().to_text().replace("\"connections\"", "\"service\":\"lifo\",\"connections\"");
        assert_eq!(
            CachePatternsScenario::from_text(&text).unwrap_err().split(" at line").next(),
            Some("service: expected one of \"exponential\", \"fixed\", found \"lifo\"")
        );
    }
}
