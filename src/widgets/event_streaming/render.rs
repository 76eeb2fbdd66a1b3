//! The event-streaming widget's charts and tables as HTML/SVG text: pure
//! functions of the runs and the playhead's slice.

use crate::sim::event_streaming::assignor::Assignor;
use crate::sim::event_streaming::report::cause_name;
use crate::sim::event_streaming::run::{Flow, LaneRun, PartitionState, Trial};
use crate::sim::event_streaming::scenario::BINS;
use crate::sim::kernel::time::Nanos;
use crate::ui::chart::{band, line, nice_max, r, spans};
use crate::ui::format;
use crate::ui::html::escape;
use std::fmt::Write as _;

/// Chart box width in SVG units (the SVG scales to its container).
pub const W: f64 = 600.0;
/// The lag chart's height.
pub const H: f64 = 140.0;
/// The lag chart's `viewBox`.
pub const VIEW_BOX: &str = "0 0 600 140";
/// Height of each lane's strip of rebalances under the chart.
pub const STRIP_H: f64 = 8.0;
/// The partitions chart's height.
pub const PARTITIONS_H: f64 = 70.0;
/// The lag-by-consumer chart's height.
pub const CONSUMERS_H: f64 = 50.0;

/// Total lag per slice per assignor, on one scale; returns the SVG and
/// the scale's top.
pub fn lag_svg(runs: &[&LaneRun]) -> (String, f64) {
    let top = runs.iter().flat_map(|run| run.slices.iter().map(|s| s.lag)).max().unwrap_or(0);
    let max = nice_max((top as f64).max(10.0));
    let mut svg = String::new();
    for (i, run) in runs.iter().enumerate() {
        let values: Vec<f64> = run.slices.iter().map(|s| s.lag as f64).collect();
        let _ = write!(svg, "<path class=\"series lane-{}\" d=\"{}\"/>", i + 1, line(&values, max, W, H));
    }
    (svg, max)
}

/// Each assignor's rebalances as a strip of spans, one strip per lane.
pub fn rebalance_strips(runs: &[&LaneRun]) -> String {
    let mut svg = String::new();
    for (i, run) in runs.iter().enumerate() {
        let spans_d = spans(
            &run.rebalances.iter().map(|b| (u64::from(b.start), u64::from(b.end.max(b.start + 1)))).collect::<Vec<_>>(),
            u64::from(crate::sim::event_streaming::run::TICKS),
            W,
            STRIP_H - 2.0,
        );
        let _ = write!(
            svg,
            "<g transform=\"translate(0 {})\"><path class=\"rebalance lane-{}\" d=\"{spans_d}\"/></g>",
            r(i as f64 * STRIP_H),
            i + 1
        );
    }
    svg
}

/// What the lag chart shows, for screen readers.
pub fn lag_label(runs: &[&LaneRun], assignors: &[Assignor]) -> String {
    let parts: Vec<String> = runs
        .iter()
        .zip(assignors)
        .map(|(run, a)| {
            format!(
                "{}: most lag {} records, {} at the end, {} rebalances",
                a.name(),
                format::thousands(run.summary.max_lag),
                format::thousands(run.summary.final_lag),
                run.rebalances.len()
            )
        })
        .collect();
    format!("Consumer lag over time. {}", parts.join("; "))
}

/// The lag chart's data as a table, one row per tenth of the run.
pub fn lag_table(runs: &[&LaneRun], assignors: &[Assignor], duration: Nanos) -> String {
    let mut html = String::from("<summary>Lag over time as a table</summary><table><thead><tr><th scope=\"col\">At</th>");
    for a in assignors {
        let _ = write!(html, "<th scope=\"col\">{} lag</th>", a.name());
    }
    html.push_str("</tr></thead><tbody>");
    for tenth in 1..=10 {
        let slice = tenth * BINS / 10 - 1;
        let _ = write!(html, "<tr><th scope=\"row\">{}</th>", format::seconds(duration * tenth as u64 / 10));
        for run in runs {
            let _ = write!(html, "<td>{}</td>", format::thousands(run.slices[slice].lag));
        }
        html.push_str("</tr>");
    }
    html.push_str("</tbody></table>");
    html
}

/// A partition's label: the topic's name and number, `orders-3`.
fn partition_name(trial: &Trial, slot: usize) -> String {
    let t = trial.offsets.iter().rposition(|&o| o <= slot).unwrap_or(0);
    format!("{}-{}", trial.names[t], slot - trial.offsets[t])
}

/// The partitions at the playhead: one column per partition, coloured by
/// its owner (numbered inside), as tall as its lag against `top`; a
/// paused partition is hatched, an orphaned one (its owner crashed
/// unnoticed) outlined in the alarm colour.
pub fn partitions_svg(trial: &Trial, parts: &[PartitionState], top: u32, width: f64) -> String {
    let shown: Vec<usize> = (0..parts.len()).filter(|&s| parts[s].state != Flow::Absent).collect();
    let n = shown.len().max(1);
    let slot = width / n as f64;
    let w = (slot * 0.85).max(0.5);
    let mut svg = String::new();
    let label_h = 12.0;
    for (i, &s) in shown.iter().enumerate() {
        let p = parts[s];
        let x = i as f64 * slot + (slot - w) / 2.0;
        let h = if top == 0 { 0.0 } else { (f64::from(p.lag) / f64::from(top)).min(1.0) * (PARTITIONS_H - label_h - 2.0) };
        let colour = if p.owner == 0 { "none".to_string() } else { format!("c{}", (p.owner - 1) % 8) };
        let state = match p.state {
            Flow::Consuming => "",
            Flow::Paused => " paused",
            Flow::Orphaned => " orphaned",
            Flow::Absent => "",
        };
        let owner = if p.owner == 0 { "no consumer".to_string() } else { format!("consumer {}", p.owner) };
        let _ = write!(
            svg,
            "<g class=\"partition {colour}{state}\"><title>{}: {owner}, lag {}</title>\
             <rect class=\"owner\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>\
             <rect class=\"lag\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>",
            escape(&partition_name(trial, s)),
            format::thousands(u64::from(p.lag)),
            r(x),
            r(PARTITIONS_H - label_h),
            r(w),
            r(label_h),
            r(x),
            r(PARTITIONS_H - label_h - 1.0 - h),
            r(w),
            r(h),
        );
        if p.owner > 0 && slot >= 9.0 {
            let _ = write!(svg, "<text x=\"{}\" y=\"{}\">{}</text>", r(x + w / 2.0), r(PARTITIONS_H - 2.5), p.owner);
        }
        svg.push_str("</g>");
    }
    svg
}

/// Each consumer's partitions and lag at the playhead, as text.
pub fn partitions_text(trial: &Trial, parts: &[PartitionState]) -> String {
    let mut present = [false; 256];
    for p in parts.iter().filter(|p| p.state != Flow::Absent) {
        present[usize::from(p.owner)] = true;
    }
    let owners = (0..=255u8).filter(|&o| present[usize::from(o)]);
    let mut out: Vec<String> = Vec::new();
    for o in owners {
        let mine: Vec<usize> = (0..parts.len()).filter(|&s| parts[s].state != Flow::Absent && parts[s].owner == o).collect();
        let lag: u64 = mine.iter().map(|&s| u64::from(parts[s].lag)).sum();
        let names: Vec<String> = mine.iter().map(|&s| partition_name(trial, s)).collect();
        let who = if o == 0 { "unassigned".to_string() } else { format!("consumer {o}") };
        let note = match mine.first().map(|&s| parts[s].state) {
            Some(Flow::Paused) => ", paused",
            Some(Flow::Orphaned) => ", crashed",
            _ => "",
        };
        out.push(format!("{who}{note}: {} (lag {})", names.join(", "), format::thousands(lag)));
    }
    out.join("; ")
}

/// Each assignor's rebalances as a table: cause, start, how long, rounds,
/// partitions moved and revoked.
pub fn rebalances_table(runs: &[&LaneRun], assignors: &[Assignor], tick_ns: Nanos) -> String {
    let mut html = String::from(
        "<summary>Every rebalance</summary><table><thead><tr><th scope=\"col\">Assignor</th><th scope=\"col\">Cause</th>\
         <th scope=\"col\">At</th><th scope=\"col\">Took</th><th scope=\"col\">Rounds</th><th scope=\"col\">Moved</th>\
         <th scope=\"col\">Revoked</th></tr></thead><tbody>",
    );
    for (run, a) in runs.iter().zip(assignors) {
        for b in &run.rebalances {
            let _ = write!(
                html,
                "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                a.name(),
                escape(&cause_name(b.cause)),
                format::seconds(u64::from(b.start) * tick_ns),
                format::duration(u64::from(b.end - b.start) * tick_ns),
                b.rounds,
                b.moved,
                b.revoked
            );
        }
    }
    html.push_str("</tbody></table>");
    html
}

/// The summary table: one row per assignor.
pub fn summary_table(runs: &[&LaneRun], assignors: &[Assignor], tick_ns: Nanos) -> String {
    let mut html = String::from(
        "<caption>Whole run</caption><thead><tr><th scope=\"col\">Assignor</th><th scope=\"col\">Rebalances</th>\
         <th scope=\"col\">Partitions moved</th><th scope=\"col\">Revoked</th><th scope=\"col\">Group stopped</th>\
         <th scope=\"col\">Processed twice</th><th scope=\"col\">Most lag</th><th scope=\"col\">Lag at the end</th>\
         <th scope=\"col\">Keys moved (order at risk)</th></tr></thead><tbody>",
    );
    for (i, (run, a)) in runs.iter().zip(assignors).enumerate() {
        let m = run.summary;
        let _ = write!(
            html,
            "<tr><th scope=\"row\"><span class=\"swatch lane-{}\"></span>{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td>\
             <td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            i + 1,
            a.name(),
            m.rebalances,
            m.moved,
            m.revoked,
            format::duration(u64::from(m.stopped_ticks) * tick_ns),
            format::thousands(m.duplicates),
            format::thousands(m.max_lag),
            format::thousands(m.final_lag),
            if m.keys_moved == 0 {
                "0".to_string()
            } else {
                format!("{} ({})", format::thousands(u64::from(m.keys_moved)), format::thousands(u64::from(m.keys_at_risk)))
            },
        );
    }
    html.push_str("</tbody>");
    html
}

/// The most any partition lags over the run, in any lane: the partitions
/// chart's scale.
pub fn partition_top(runs: &[&LaneRun]) -> u32 {
    let top = runs.iter().flat_map(|run| run.slices.iter().map(|s| s.max_lag)).max().unwrap_or(0);
    nice_max(f64::from(top).max(10.0)) as u32
}

/// Lag by consumer over the run, stacked: one band per consumer in its
/// colour (unowned partitions' lag in grey at the bottom), one column per
/// slice, on the scale `top` (records).
pub fn consumer_lag_svg(run: &LaneRun, top: f64) -> String {
    let bins = run.slices.len();
    let owners = lag_by_owner(run);
    let mut lows = vec![0.0; bins];
    let mut svg = String::new();
    for (owner, lags) in &owners {
        let highs: Vec<f64> = lows.iter().zip(lags).map(|(l, &v)| l + v as f64).collect();
        let class = if *owner == 0 { "none".to_string() } else { format!("c{}", (owner - 1) % 8) };
        let _ = write!(svg, "<path class=\"stack {class}\" d=\"{}\"/>", band(&lows, &highs, top, W, CONSUMERS_H));
        lows = highs;
    }
    svg
}

/// Each owner's (from 1; 0 for none) total lag per slice, owners in
/// ascending order, those that never lag left out.
fn lag_by_owner(run: &LaneRun) -> Vec<(u8, Vec<u64>)> {
    let bins = run.slices.len();
    let mut per: Vec<Vec<u64>> = Vec::new();
    for b in 0..bins {
        for p in run.partitions_at(b) {
            let o = usize::from(p.owner);
            if per.len() <= o {
                per.resize(o + 1, vec![0; bins]);
            }
            per[o][b] += u64::from(p.lag);
        }
    }
    per.into_iter().enumerate().filter(|(_, v)| v.iter().any(|&x| x > 0)).map(|(o, v)| (o as u8, v)).collect()
}

/// Which consumer lagged most and when, for screen readers.
pub fn consumer_lag_label(run: &LaneRun, duration: Nanos) -> String {
    let owners = lag_by_owner(run);
    let worst = owners
        .iter()
        .filter(|(o, _)| *o > 0)
        .map(|(o, v)| {
            let (b, &most) = v.iter().enumerate().max_by_key(|(_, &x)| x).unwrap_or((0, &0));
            (most, *o, b)
        })
        .max();
    match worst {
        None => "Lag by consumer over time: no consumer ever lags.".to_string(),
        Some((most, o, b)) => format!(
            "Lag by consumer over time: {} consumers lag at some point; consumer {o} the most, {} records at {}.",
            owners.iter().filter(|(o, _)| *o > 0).count(),
            format::thousands(most),
            format::seconds(duration * (b as u64 + 1) / run.slices.len() as u64)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partitions_draw_their_owner_and_lag() {
        let mut s = crate::sim::event_streaming::presets::preset("crash").unwrap();
        s.duration_ms = 100_000;
        let trial = s.trial();
        let runs = s.run_on(&trial).unwrap();
        // 60 s: consumer 1 crashed at 60 s and its session runs to 105 s.
        let at = runs[0].partitions_at(80);
        let svg = partitions_svg(&trial, at, partition_top(&[&runs[0]]), 600.0);
        assert_eq!(svg.matches("<g class=\"partition").count(), 6);
        assert_eq!(svg.matches(" orphaned\">").count(), 2, "{svg}");
        let text = partitions_text(&trial, at);
        assert!(text.starts_with("consumer 1, crashed: "), "{text}");
        assert_eq!(text.matches("orders-").count(), 6, "{text}");
        // Over time, consumer 1's orphaned partitions lag the most: the run
        // ends before its session times out, at 105 s.
        let label = consumer_lag_label(&runs[0], s.duration_ms * 1_000_000);
        assert!(label.starts_with("Lag by consumer over time: "), "{label}");
        assert!(label.contains("consumer 1 the most"), "{label}");
        let svg = consumer_lag_svg(&runs[0], 10_000.0);
        assert!(svg.contains("<path class=\"stack c0\""), "{svg}");
    }
}
