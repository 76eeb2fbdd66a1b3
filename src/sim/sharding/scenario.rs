//! The sharding widget's scenario: a workload, one to three partitioning
//! schemes compared on it, and optionally a re-shard.

use super::config::{MongoBalancer, SchemeConfig};
use super::drawn::Drawn;
use super::reshard::Reshard;
use super::run::{run_scheme, SchemeRun};
use super::workload::Workload;
use crate::scenario::json;
use crate::scenario::{check_count, check_version, View, MAX_LANES};
use crate::sim::kernel::rng::Rng;

/// The `widget` field of a sharding scenario: always `"sharding"`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ShardingTag {
    #[default]
    Sharding,
}

/// A sharding scenario: a workload, one to three partitioning schemes
/// compared on it, and optionally a re-shard.
#[derive(Clone, Debug, PartialEq)]
pub struct ShardingScenario {
    pub widget: ShardingTag,
    pub version: u32,
    pub seed: u64,
    pub workload: Workload,
    pub schemes: Vec<SchemeConfig>,
    pub reshard: Option<Reshard>,
    /// The first key of the range query the inspector shows (it covers
    /// `range_width` keys); absent, the workload's first range query.
    pub inspect: Option<u64>,
    pub view: View,
}

json::names!(ShardingTag { Sharding = "sharding" });
json::object!(ShardingScenario, "a sharding scenario (an object)" {
    widget,
    version,
    seed,
    workload,
    schemes,
    reshard: default (Option::is_none),
    inspect: default (Option::is_none),
    view: default (View::is_default),
});

/// The most ranges of data a MongoDB lane balancing by data size may hold.
pub const MAX_RANGES: u64 = 4_096;

impl ShardingScenario {
    /// Checks the workload and the schemes.
    pub fn validate(&self) -> Result<(), String> {
        check_version(self.version)?;
        self.workload.validate()?;
        check_count(self.schemes.len(), MAX_LANES, "schemes")?;
        for s in &self.schemes {
            s.validate(&self.workload.countries)?;
            if let SchemeConfig::Mongo { balancer: MongoBalancer::DataSize { doc_bytes, range_mb }, .. } = s {
                // The balancer's rounds and splits grow with the ranges the collection fills.
                let ranges = self.workload.rows as u64 * doc_bytes / (u64::from(*range_mb) << 20);
                if ranges > MAX_RANGES {
                    return Err(format!(
                        "MongoDB's data-size balancer is simulated up to {MAX_RANGES} ranges of data, and {} documents of {doc_bytes} bytes fill {ranges} ranges of {range_mb} MB: use larger ranges, smaller documents or fewer rows",
                        self.workload.rows
                    ));
                }
            }
        }
        self.view.validate()
    }

    /// Routes the workload through every scheme, before and after the re-shard.
    pub fn run(&self) -> Result<Vec<SchemeRun>, String> {
        self.validate()?;
        let traffic = self.traffic();
        self.schemes.iter().map(|s| run_scheme(s, &traffic, self.reshard.as_ref())).collect()
    }

    /// The keys the workload writes and the range queries it asks, drawn from
    /// the seed in that order: every scheme routes the same traffic, and the
    /// widget draws it once per workload.
    pub fn traffic(&self) -> Drawn {
        Drawn::new(&self.workload, &mut Rng::new(self.seed))
    }

    /// Changes scheme `index` by `f`, which sees the workload (ranges split
    /// over its keys). A region scheme routes by the users' countries, so
    /// users without any are given the example's.
    pub fn edit_scheme(&mut self, index: usize, f: impl FnOnce(&mut SchemeConfig, &Workload)) {
        if let Some(c) = self.schemes.get_mut(index) {
            f(c, &self.workload);
        }
        if self.workload.countries.is_empty() && self.schemes.iter().any(|c| c.name() == "region") {
            self.workload.countries = super::region::example_countries();
        }
    }

    /// The keys `lo..=hi` of the query the inspector shows, given the traffic.
    pub fn inspected(&self, traffic: &Drawn) -> (u64, u64) {
        let lo = self.inspect.or(traffic.queries.first().map(|q| q.0)).unwrap_or(self.workload.key_span().0);
        (lo, lo.saturating_add(self.workload.range_width.saturating_sub(1)))
    }
}

#[cfg(test)]
mod tests {
    use super::super::presets::preset;
    use super::*;

    #[test]
    fn a_scenario_is_written_and_read_back() {
        use crate::scenario::Document;
        let mut s = preset("default").unwrap();
        s.reshard = Some(Reshard::MoveChunk);
        s.inspect = Some(500);
        let default = concat!(
            r#"{"widget":"sharding","version":1,"seed":1,"#,
            r#""workload":{"keys":"sequential","rows":100000,"range_queries":1000,"range_width":100},"#,
            r#""schemes":[{"range":{"splits":[25000,50000,75000]}},{"hash-mod":{"shards":4}},"#,
            r#"{"vitess":{"shards":["-40","40-80","80-c0","c0-"]}}],"reshard":"split-hottest"}"#
        );
        let inspected = concat!(
            r#"{"widget":"sharding","version":1,"seed":1,"#,
            r#""workload":{"keys":"sequential","rows":100000,"range_queries":1000,"range_width":100},"#,
            r#""schemes":[{"range":{"splits":[25000,50000,75000]}},{"hash-mod":{"shards":4}},"#,
            r#"{"vitess":{"shards":["-40","40-80","80-c0","c0-"]}}],"reshard":"move-chunk","inspect":500}"#
        );
        for (s, text) in [(preset("default").unwrap(), default), (s, inspected)] {
            assert_eq!(s.to_text(), text);
            assert_eq!(ShardingScenario::from_text(text), Ok(s));
        }
        let text = ShardingScenario { reshard: None, ..preset("default").unwrap() }.to_text().replace("\"seed\"", "\"reshard\":\"merge\",\"seed\"");
        assert_eq!(
            ShardingScenario::from_text(&text).unwrap_err().split(" at line").next(),
            Some("reshard: expected one of \"add-shard\", \"split-hottest\", \"move-chunk\", found \"merge\"")
        );
    }

    #[test]
    fn a_scheme_made_regional_gives_the_users_countries() {
        let mut s = preset("default").unwrap();
        assert!(s.workload.countries.is_empty());
        s.edit_scheme(0, |c, w| *c = SchemeConfig::named("region", 4, c, w));
        assert_eq!(s.schemes[0].name(), "region");
        assert_eq!(s.workload.countries, super::super::region::example_countries());
        assert_eq!(s.validate(), Ok(()));
        // Another scheme's edit leaves countries the users have alone.
        s.workload.countries.truncate(2);
        s.edit_scheme(1, |c, _| *c = SchemeConfig::HashMod { shards: 8 });
        assert_eq!(s.workload.countries.len(), 2);
        assert_eq!(s.schemes[1], SchemeConfig::HashMod { shards: 8 });
    }
}
