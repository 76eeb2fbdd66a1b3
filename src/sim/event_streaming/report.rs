//! Event streaming's run as the CLI prints it and as the widget downloads
//! it: each assignor's totals, slices and rebalances as JSON, or every
//! partition's owner and lag per slice as CSV rows.

use super::run::{Cause, Flow, LaneRun};
use super::scenario::{EventStreamingScenario, BINS};
use crate::sim::kernel::time::MS;
use serde::Serialize;
use std::fmt::Write as _;

/// The result of running an event-streaming scenario, as the CLI prints it.
#[derive(Serialize)]
pub struct EventStreamingReport {
    pub widget: &'static str,
    pub seed: u64,
    pub assignors: Vec<LaneReport>,
}

/// One assignor's run.
#[derive(Serialize)]
pub struct LaneReport {
    pub assignor: &'static str,
    pub produced: u64,
    pub consumed: u64,
    pub duplicates: u64,
    pub rebalances: Vec<RebalanceReport>,
    pub partitions_moved: u32,
    pub partitions_revoked: u32,
    /// Time with the whole group stopped, and partition-time unconsumed, in ms.
    pub stopped_ms: u64,
    pub paused_partition_ms: u64,
    pub max_lag: u64,
    pub final_lag: u64,
    pub keys_moved: u32,
    pub keys_at_risk: u32,
    /// Per slice: total lag at its end, the most-lagging partition, records in and out.
    pub slices: Vec<[u64; 4]>,
}

#[derive(Serialize)]
pub struct RebalanceReport {
    pub cause: String,
    pub start_ms: u64,
    pub end_ms: u64,
    pub rounds: u8,
    pub moved: u32,
    pub revoked: u32,
}

/// What started a rebalance, in words (consumers from 1).
pub fn cause_name(c: Cause) -> String {
    match c {
        Cause::Joined(n) => format!("consumer {} joined", n + 1),
        Cause::Left(n) => format!("consumer {} left", n + 1),
        Cause::TimedOut(n) => format!("consumer {}'s session timed out", n + 1),
        Cause::Partitions => "partitions added".into(),
    }
}

fn lane_report(s: &EventStreamingScenario, i: usize, run: &LaneRun, tick_ms: f64) -> LaneReport {
    let m = run.summary;
    let ms = |ticks: u64| (ticks as f64 * tick_ms).round() as u64;
    LaneReport {
        assignor: s.assignors[i].key(),
        produced: m.produced,
        consumed: m.consumed,
        duplicates: m.duplicates,
        rebalances: run
            .rebalances
            .iter()
            .map(|r| RebalanceReport {
                cause: cause_name(r.cause),
                start_ms: ms(u64::from(r.start)),
                end_ms: ms(u64::from(r.end)),
                rounds: r.rounds,
                moved: r.moved,
                revoked: r.revoked,
            })
            .collect(),
        partitions_moved: m.moved,
        partitions_revoked: m.revoked,
        stopped_ms: ms(u64::from(m.stopped_ticks)),
        paused_partition_ms: ms(m.paused_ticks),
        max_lag: m.max_lag,
        final_lag: m.final_lag,
        keys_moved: m.keys_moved,
        keys_at_risk: m.keys_at_risk,
        slices: run.slices.iter().map(|b| [b.lag, u64::from(b.max_lag), b.produced, b.consumed]).collect(),
    }
}

/// Every assignor's totals, rebalances and slices as compact JSON.
pub fn run_json(s: &EventStreamingScenario) -> Result<String, String> {
    s.validate()?;
    let trial = s.trial();
    let runs = s.run_on(&trial)?;
    let tick_ms = trial.tick_ns as f64 / MS as f64;
    let report = EventStreamingReport {
        widget: <EventStreamingScenario as crate::scenario::Family>::KIND,
        seed: s.seed,
        assignors: runs.iter().enumerate().map(|(i, r)| lane_report(s, i, r, tick_ms)).collect(),
    };
    Ok(serde_json::to_string(&report).expect("reports always serialise"))
}

fn flow_name(f: Flow) -> &'static str {
    match f {
        Flow::Consuming => "consuming",
        Flow::Paused => "paused",
        Flow::Orphaned => "orphaned",
        Flow::Absent => "absent",
    }
}

/// One CSV row per partition per slice under each assignor: the slice's
/// end (ms), the topic and partition, its owner (from 1; empty for none),
/// whether it was being consumed, and its lag.
pub fn run_csv(s: &EventStreamingScenario) -> Result<String, String> {
    s.validate()?;
    let trial = s.trial();
    let mut csv = String::from("lane,assignor,slice_end_ms,topic,partition,owner,state,lag\n");
    for (i, run) in s.run_on(&trial)?.iter().enumerate() {
        for b in 0..BINS {
            let end = s.duration_ms * (b as u64 + 1) / BINS as u64;
            let parts = run.partitions_at(b);
            for (t, name) in trial.names.iter().enumerate() {
                for p in 0..trial.most[t] as usize {
                    let st = parts[trial.offsets[t] + p];
                    if st.state == Flow::Absent {
                        continue;
                    }
                    let _ = write!(csv, "{},{},{end},{name},{p},", i + 1, s.assignors[i].key());
                    if st.owner > 0 {
                        let _ = write!(csv, "{}", st.owner);
                    }
                    let _ = writeln!(csv, ",{},{}", flow_name(st.state), st.lag);
                }
            }
        }
    }
    Ok(csv)
}
