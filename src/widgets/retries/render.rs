//! The retries widget's charts and tables as HTML/SVG text: pure
//! functions of the runs.

use crate::sim::kernel::time::{Nanos, MS, SEC};
use crate::sim::retries::run::{Chain, LaneRun};
use crate::sim::retries::scenario::BINS;
use crate::sim::retries::Policy;
use crate::ui::chart::{line, line_with_gaps, nice_max, r};
use crate::ui::format;
use crate::ui::html::escape;
use std::fmt::Write as _;

/// Chart box width in SVG units (the SVG scales to its container).
pub const W: f64 = 600.0;
/// Each chart's height.
pub const H: f64 = 120.0;
/// The charts' `viewBox`.
pub const VIEW_BOX: &str = "0 0 600 120";

/// Requests a second reaching the dependency in each slice, per policy,
/// under a dashed line at what the dependency can serve; returns the SVG
/// and the scale's top (requests a second).
pub fn load_svg(runs: &[&LaneRun], chain: &Chain, span: Nanos) -> (String, f64) {
    let slice_s = span as f64 / BINS as f64 / SEC as f64;
    let capacity = capacity_per_slice(chain, span);
    let top = runs.iter().flat_map(|run| run.slices.iter().map(|s| f64::from(s.dependency) / slice_s)).fold(0.0, f64::max);
    let max = nice_max(top.max(capacity.iter().copied().fold(0.0, f64::max)).max(10.0));
    let mut svg = format!("<path class=\"capacity\" d=\"{}\"/>", step_line(&capacity, max));
    for (i, run) in runs.iter().enumerate() {
        let values: Vec<f64> = run.slices.iter().map(|s| f64::from(s.dependency) / slice_s).collect();
        let _ = write!(svg, "<path class=\"series lane-{}\" d=\"{}\"/>", i + 1, line(&values, max, W, H));
    }
    (svg, max)
}

/// What the dependency can serve in each slice, in requests a second:
/// its slots over its mean service time, as the events leave them at the
/// slice's start.
pub fn capacity_per_slice(chain: &Chain, span: Nanos) -> Vec<f64> {
    (0..BINS)
        .map(|b| {
            let start = span * b as u64 / BINS as u64;
            let d = chain.changes.iter().rev().find(|c| c.at <= start).map_or(chain.dependency, |c| c.to);
            f64::from(d.concurrency) * SEC as f64 / d.mean_ns
        })
        .collect()
}

fn step_line(values: &[f64], max: f64) -> String {
    let mut d = String::new();
    let step = W / values.len().max(1) as f64;
    for (i, &v) in values.iter().enumerate() {
        let y = r(H - (v / max).clamp(0.0, 1.0) * H);
        let _ = write!(d, "{}{} {y}H{}", if i == 0 { 'M' } else { 'L' }, r(i as f64 * step), r((i + 1) as f64 * step));
    }
    d
}

/// The share of each slice's user requests that succeeded, per policy
/// (a gap where none arrived).
pub fn success_svg(runs: &[&LaneRun]) -> String {
    let mut svg = String::new();
    for y in [0.5, 0.9] {
        let y = r(H - y * H);
        let _ = write!(svg, "<line class=\"grid\" x1=\"0\" x2=\"{}\" y1=\"{y}\" y2=\"{y}\"/>", r(W));
    }
    for (i, run) in runs.iter().enumerate() {
        let values: Vec<f64> =
            run.slices.iter().map(|s| if s.users == 0 { -1.0 } else { f64::from(s.ok) / f64::from(s.users) }).collect();
        let _ = write!(svg, "<path class=\"series lane-{}\" d=\"{}\"/>", i + 1, line_with_gaps(&values, 1.0, W, H));
    }
    svg
}

/// Requests reaching the dependency per user request.
pub fn amplification(run: &LaneRun) -> f64 {
    if run.summary.users == 0 {
        0.0
    } else {
        f64::from(run.summary.dependency) / f64::from(run.summary.users)
    }
}

/// What the charts show, for screen readers.
pub fn chart_label(runs: &[&LaneRun], policies: &[Policy]) -> String {
    let parts: Vec<String> = runs
        .iter()
        .zip(policies)
        .map(|(run, p)| {
            let peak = run.slices.iter().map(|s| s.dependency).max().unwrap_or(0);
            format!(
                "{}: {} of user requests succeed, {} dependency requests per user request, at most {} in one slice",
                p.label(),
                format::percent(f64::from(run.summary.ok) / f64::from(run.summary.users.max(1))),
                format::number(amplification(run)),
                format::thousands(u64::from(peak))
            )
        })
        .collect();
    format!("Load on the dependency and success over time. {}", parts.join("; "))
}

/// The charts' data as a table, one row per tenth of the run.
pub fn data_table(runs: &[&LaneRun], policies: &[Policy], span: Nanos) -> String {
    let mut html = String::from("<summary>Load and success over time as a table</summary><table><thead><tr><th scope=\"col\">From</th>");
    for p in policies {
        let _ = write!(html, "<th scope=\"col\">{} requests/s</th><th scope=\"col\">succeeded</th>", escape(&p.label()));
    }
    html.push_str("</tr></thead><tbody>");
    let tenth_s = span as f64 / 10.0 / SEC as f64;
    for tenth in 0..10 {
        let from = tenth * BINS / 10;
        let _ = write!(html, "<tr><th scope=\"row\">{}</th>", format::seconds(span * from as u64 / BINS as u64));
        for run in runs {
            let part = &run.slices[from..from + BINS / 10];
            let dep: u32 = part.iter().map(|s| s.dependency).sum();
            let users: u32 = part.iter().map(|s| s.users).sum();
            let ok: u32 = part.iter().map(|s| s.ok).sum();
            let _ = write!(
                html,
                "<td>{}</td><td>{}</td>",
                format::thousands((f64::from(dep) / tenth_s).round() as u64),
                format::percent(f64::from(ok) / f64::from(users.max(1)))
            );
        }
        html.push_str("</tr>");
    }
    html.push_str("</tbody></table>");
    html
}

/// A latency in milliseconds with sensible precision.
pub fn latency(ns: Nanos) -> String {
    let ms = ns as f64 / MS as f64;
    if ms >= 1_000.0 {
        format!("{} ms", format::thousands(ms as u64))
    } else {
        format!("{} ms", format::number(ms))
    }
}

/// The summary table: one row per policy.
pub fn summary_table(runs: &[&LaneRun], policies: &[Policy]) -> String {
    let mut html = String::from(
        "<caption>Whole run</caption><thead><tr><th scope=\"col\">Policy</th><th scope=\"col\">User requests</th>\
         <th scope=\"col\">Succeeded</th><th scope=\"col\">Dependency requests</th><th scope=\"col\">Per user request</th>\
         <th scope=\"col\">Retries</th><th scope=\"col\">Refused by budget</th><th scope=\"col\">p50</th><th scope=\"col\">p99</th>\
         </tr></thead><tbody>",
    );
    for (i, (run, p)) in runs.iter().zip(policies).enumerate() {
        let m = run.summary;
        let _ = write!(
            html,
            "<tr><th scope=\"row\"><span class=\"swatch lane-{}\"></span>{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td>\
             <td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            i + 1,
            escape(&p.label()),
            format::thousands(u64::from(m.users)),
            format::percent(f64::from(m.ok) / f64::from(m.users.max(1))),
            format::thousands(u64::from(m.dependency)),
            format::number(amplification(run)),
            format::thousands(u64::from(m.retries + m.hedges)),
            format::thousands(u64::from(m.denied)),
            latency(m.latency.p50),
            latency(m.latency.p99),
        );
    }
    html.push_str("</tbody>");
    html
}
