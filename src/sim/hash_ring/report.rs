//! The hash ring's run as the CLI prints it and as the widget downloads it:
//! every placement's spread and movement as JSON, or each node's keys
//! before and after the change as CSV rows.

use super::run::{node_lines, Change, PlacementRun};
use super::scenario::HashRingScenario;
use crate::scenario::csv_field;
use serde::Serialize;
use std::fmt::Write as _;

/// The result of running a hash-ring scenario, as the CLI prints it.
#[derive(Serialize)]
pub struct HashRingReport<'a> {
    pub widget: &'static str,
    pub seed: u64,
    pub nodes: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change: Option<&'a Change>,
    #[serde(rename = "variants")]
    pub placements: Vec<PlacementRun>,
}

/// Every placement's run as compact JSON.
pub fn run_json(s: &HashRingScenario) -> Result<String, String> {
    let report = HashRingReport {
        widget: <HashRingScenario as crate::scenario::Family>::KIND,
        seed: s.seed,
        nodes: s.nodes.iter().map(|n| n.name.as_str()).collect(),
        change: s.change.as_ref(),
        placements: s.run()?,
    };
    Ok(serde_json::to_string(&report).expect("reports always serialise"))
}

/// One CSV row per node of each placement: its weight and keys before and
/// after the change.
pub fn run_csv(s: &HashRingScenario) -> Result<String, String> {
    let mut csv = String::from("placement,algorithm,node,weight_before,weight_after,keys_before,keys_after\n");
    let after = s.change.as_ref().map(|c| c.apply(&s.nodes)).transpose()?;
    let now = after.as_deref().unwrap_or(&s.nodes);
    let lines = node_lines(&s.nodes, s.change.as_ref(), now);
    let field = |v: Option<u64>| v.map_or(String::new(), |v| v.to_string());
    for (i, run) in s.run()?.iter().enumerate() {
        for line in &lines {
            let (keys_before, keys_after) = run.keys_of(line);
            let _ = writeln!(
                csv,
                "{},{},{},{},{},{keys_before},{}",
                i + 1,
                run.placement.name(),
                csv_field(line.name),
                field(line.before.map(|b| u64::from(s.nodes[b].weight))),
                field(after.as_ref().and(line.after).map(|a| u64::from(now[a].weight))),
                field(keys_after)
            );
        }
    }
    Ok(csv)
}
