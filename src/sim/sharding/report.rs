//! Sharding's run as the CLI prints it and as the widget downloads it: every
//! scheme's placement and summary as JSON, or each server's rows before and
//! after the re-shard as CSV rows.

use super::run::SchemeRun;
use super::scenario::ShardingScenario;
use serde::Serialize;
use std::fmt::Write as _;

/// The result of running a sharding scenario, as the CLI prints it.
#[derive(Serialize)]
pub struct ShardingReport {
    pub widget: &'static str,
    pub seed: u64,
    pub schemes: Vec<SchemeRun>,
}

/// Every scheme's run as compact JSON.
pub fn run_json(s: &ShardingScenario) -> Result<String, String> {
    let report = ShardingReport { widget: <ShardingScenario as crate::scenario::Family>::KIND, seed: s.seed, schemes: s.run()? };
    Ok(serde_json::to_string(&report).expect("reports always serialise"))
}

/// One CSV row per server of each scheme: its rows before and after the re-shard.
pub fn run_csv(s: &ShardingScenario) -> Result<String, String> {
    let mut csv = String::from("scheme,kind,server,rows_before,rows_after\n");
    for (i, run) in s.run()?.iter().enumerate() {
        let servers = run.before.rows.len().max(run.after.as_ref().map_or(0, |a| a.rows.len()));
        for server in 0..servers {
            let before = run.before.rows.get(server).copied().unwrap_or(0);
            let after =
                run.after.as_ref().map_or(String::new(), |a| a.rows.get(server).copied().unwrap_or(0).to_string());
            let _ = writeln!(csv, "{},{},{},{before},{after}", i + 1, run.scheme.name(), server + 1);
        }
    }
    Ok(csv)
}
