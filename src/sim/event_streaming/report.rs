//! Event streaming's run as the CLI prints it and as the widget downloads
//! it: each assignor's totals, slices and rebalances as JSON, or every
//! partition's owner and lag per slice as CSV rows.

use super::run::{Cause, Flow, LaneRun};
use super::scenario::{EventStreamingScenario, BINS};
use crate::scenario::json::Obj;
use crate::sim::kernel::time::MS;
use std::fmt::Write as _;

/// What started a rebalance, in words (consumers from 1).
pub fn cause_name(c: Cause) -> String {
    match c {
        Cause::Joined(n) => format!("consumer {} joined", n + 1),
        Cause::Left(n) => format!("consumer {} left", n + 1),
        Cause::TimedOut(n) => format!("consumer {}'s session timed out", n + 1),
        Cause::Partitions => "partitions added".into(),
    }
}

/// One assignor's run: its totals, each rebalance (`cause`, `start_ms`,
/// `end_ms`, `rounds`, partitions `moved` and `revoked`), the time with the
/// whole group stopped and the partition-time unconsumed in ms, and per
/// slice the total lag at its end, the most-lagging partition's, and the
/// records in and out.
fn lane_report(out: &mut String, assignor: &str, run: &LaneRun, tick_ms: f64) {
    let m = run.summary;
    let ms = |ticks: u64| (ticks as f64 * tick_ms).round() as u64;
    let mut lane = Obj::new(out);
    lane.field("assignor", assignor)
        .field("produced", &m.produced)
        .field("consumed", &m.consumed)
        .field("duplicates", &m.duplicates);
    let w = lane.key("rebalances");
    w.push('[');
    for (i, r) in run.rebalances.iter().enumerate() {
        if i > 0 {
            w.push(',');
        }
        Obj::new(w)
            .field("cause", &cause_name(r.cause))
            .field("start_ms", &ms(u64::from(r.start)))
            .field("end_ms", &ms(u64::from(r.end)))
            .field("rounds", &r.rounds)
            .field("moved", &r.moved)
            .field("revoked", &r.revoked)
            .end();
    }
    w.push(']');
    let slices: Vec<[u64; 4]> =
        run.slices.iter().map(|b| [b.lag, u64::from(b.max_lag), b.produced, b.consumed]).collect();
    lane.field("partitions_moved", &m.moved)
        .field("partitions_revoked", &m.revoked)
        .field("stopped_ms", &ms(u64::from(m.stopped_ticks)))
        .field("paused_partition_ms", &ms(m.paused_ticks))
        .field("max_lag", &m.max_lag)
        .field("final_lag", &m.final_lag)
        .field("keys_moved", &m.keys_moved)
        .field("keys_at_risk", &m.keys_at_risk)
        .field("slices", &slices)
        .end();
}

/// Every assignor's totals, rebalances and slices as compact JSON:
/// `widget`, `seed` and `assignors`, one run each.
pub fn run_json(s: &EventStreamingScenario) -> Result<String, String> {
    s.validate()?;
    let trial = s.trial();
    let runs = s.run_on(&trial)?;
    let tick_ms = trial.tick_ns as f64 / MS as f64;
    let mut out = String::new();
    let mut report = Obj::new(&mut out);
    report.field("widget", <EventStreamingScenario as crate::scenario::Family>::KIND).field("seed", &s.seed);
    let w = report.key("assignors");
    w.push('[');
    for (i, run) in runs.iter().enumerate() {
        if i > 0 {
            w.push(',');
        }
        lane_report(w, s.assignors[i].key(), run, tick_ms);
    }
    w.push(']');
    report.end();
    Ok(out)
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
