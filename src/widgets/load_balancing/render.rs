//! The load-balancing widget's charts and tables as HTML/SVG text: pure
//! functions of the runs and the playhead's slice.

use crate::sim::kernel::rng::{exp, ln};
use crate::sim::kernel::time::{Nanos, MS};
use crate::sim::kernel::slices::Percentiles;
use crate::sim::load_balancing::run::{LaneRun, Outcome};
use crate::sim::load_balancing::scenario::BINS;
use crate::sim::load_balancing::Balancer;
use crate::ui::chart::{line, line_with_gaps, nice_max, r};
use crate::ui::format;
use crate::ui::html::escape;
use std::fmt::Write as _;

/// Chart box width in SVG units (the SVG scales to its container).
pub const W: f64 = 600.0;
/// Chart height.
pub const H: f64 = 140.0;
/// The chart's `viewBox`.
pub const VIEW_BOX: &str = "0 0 600 140";
/// The servers chart's height.
pub const SERVERS_H: f64 = 60.0;

/// A balancer's label with its settings.
pub fn balancer_label(b: &Balancer) -> String {
    match *b {
        Balancer::LeastRequest { choices, ejection } => format!(
            "least request (Envoy), {choices} choices{}",
            if ejection.is_some() { ", outlier detection" } else { "" }
        ),
        Balancer::PeakEwma { decay_ms, .. } => format!("Peak-EWMA (tower), decay {}", format::seconds(u64::from(decay_ms) * MS)),
        Balancer::Maglev { users } => format!("Maglev (Envoy) by user id, {} users", format::thousands(u64::from(users))),
        _ => b.name().to_string(),
    }
}

pub use crate::ui::format::latency;

/// Where a latency sits on the chart's logarithmic scale from 1 ms (0) to
/// `top` ms (1): a queue that runs away and a fast balancer's tail share
/// one chart, each a decade apart.
fn log_level(ms: f64, top: f64) -> f64 {
    (ln(ms.max(1.0)) / ln(top.max(10.0))).clamp(0.0, 1.0)
}

/// The p99 latency of each slice per balancer (gaps where no request was
/// served, or past `upto`) on a log scale from 1 ms, over a gridline per
/// decade; returns the SVG and the scale's top in ns.
pub fn chart_svg(runs: &[&LaneRun], upto: usize) -> (String, Nanos) {
    let top = runs.iter().flat_map(|run| run.slices.iter().map(|b| b.latency.p99)).max().unwrap_or(0);
    let max = nice_max((top as f64 / MS as f64).max(10.0));
    let mut svg = String::new();
    let mut decade = 10.0;
    while decade < max {
        let y = r(H - log_level(decade, max) * H);
        let _ = write!(svg, "<line class=\"grid\" x1=\"0\" x2=\"{}\" y1=\"{y}\" y2=\"{y}\"/>", r(W));
        decade *= 10.0;
    }
    for (i, run) in runs.iter().enumerate() {
        let values: Vec<f64> = run
            .slices
            .iter()
            .enumerate()
            .map(|(b, s)| {
                if s.ok == 0 || b > upto {
                    f64::NAN
                } else {
                    log_level(s.latency.p99 as f64 / MS as f64, max)
                }
            })
            .collect();
        let _ = write!(svg, "<path class=\"series lane-{}\" d=\"{}\"/>", i + 1, line_with_gaps(&values, 1.0, W, H));
    }
    (svg, (max * MS as f64) as Nanos)
}

/// Buckets of the latency distribution per decade of latency.
const PER_DECADE: usize = 10;

/// The served requests' latencies per balancer as a histogram on a log
/// scale from 1 ms (faster requests in the first bucket) to the slowest,
/// ten buckets a decade, over a gridline per decade: each lane's share of
/// its served requests in each bucket. Returns the SVG and the scale's top
/// in ns. Buckets are found by comparing with their bounds, not by taking
/// each latency's logarithm.
pub fn distribution_svg(runs: &[&LaneRun]) -> (String, Nanos) {
    let served = |run: &&LaneRun| {
        run.latency.iter().zip(&run.outcome).filter(|(_, o)| **o == Outcome::Ok).map(|(l, _)| *l).collect::<Vec<_>>()
    };
    let lanes: Vec<Vec<Nanos>> = runs.iter().map(served).collect();
    let slowest = lanes.iter().flatten().copied().max().unwrap_or(0);
    let max = nice_max((slowest as f64 / MS as f64).max(10.0));
    // Decades from 1 ms to the top, and each bucket's upper bound.
    let buckets = ((ln(max) / ln(10.0) * PER_DECADE as f64).round() as usize).max(PER_DECADE);
    let bounds: Vec<Nanos> =
        (1..buckets).map(|k| (exp(k as f64 / PER_DECADE as f64 * ln(10.0)) * MS as f64) as Nanos).collect();
    let shares: Vec<Vec<f64>> = lanes
        .iter()
        .map(|latencies| {
            let mut counts = vec![0u32; buckets];
            for &l in latencies {
                counts[bounds.partition_point(|&b| b <= l)] += 1;
            }
            counts.iter().map(|&c| f64::from(c) / latencies.len().max(1) as f64).collect()
        })
        .collect();
    let top = nice_max(shares.iter().flatten().copied().fold(0.01, f64::max));
    let mut svg = String::new();
    for decade in (PER_DECADE..buckets).step_by(PER_DECADE) {
        let x = r(decade as f64 / buckets as f64 * W);
        let _ = write!(svg, "<line class=\"grid\" x1=\"{x}\" x2=\"{x}\" y1=\"0\" y2=\"{}\"/>", r(H));
    }
    for (i, values) in shares.iter().enumerate() {
        let _ = write!(svg, "<path class=\"series lane-{}\" d=\"{}\"/>", i + 1, line(values, top, W, H));
    }
    (svg, (max * MS as f64) as Nanos)
}

/// What the distribution shows, for screen readers.
pub fn distribution_label(runs: &[&LaneRun], balancers: &[Balancer]) -> String {
    let parts: Vec<String> = runs
        .iter()
        .zip(balancers)
        .map(|(run, b)| {
            let p = run.summary.latency;
            format!(
                "{}: half within {}, 99% within {}, 99.9% within {}",
                balancer_label(b),
                latency(p.p50),
                latency(p.p99),
                latency(p.p999)
            )
        })
        .collect();
    format!("Latency distribution of the requests served, on a log scale: {}", parts.join("; "))
}

/// Requests waiting in the servers' queues in each slice (summed over the
/// servers, averaged over the slice), per balancer; returns the SVG and the
/// scale's top.
pub fn queue_svg(runs: &[&LaneRun], slice_ns: f64) -> (String, f64) {
    let queued = |run: &LaneRun| -> Vec<f64> {
        (0..BINS).map(|b| run.servers.iter().map(|s| s.queued_ns[b] as f64).sum::<f64>() / slice_ns.max(1.0)).collect()
    };
    let lanes: Vec<Vec<f64>> = runs.iter().map(|run| queued(run)).collect();
    let top = nice_max(lanes.iter().flatten().copied().fold(1.0, f64::max));
    let mut svg = String::new();
    for (i, values) in lanes.iter().enumerate() {
        let _ = write!(svg, "<path class=\"series lane-{}\" d=\"{}\"/>", i + 1, line(values, top, W, H));
    }
    (svg, top)
}

/// What the chart shows, for screen readers.
pub fn chart_label(runs: &[&LaneRun], balancers: &[Balancer]) -> String {
    let parts: Vec<String> = runs
        .iter()
        .zip(balancers)
        .map(|(run, b)| format!("{} p99 {}", balancer_label(b), latency(run.summary.latency.p99)))
        .collect();
    format!("p99 latency over time: {}", parts.join("; "))
}

/// The charts' data as a table, one row per tenth of the run: p50, p99
/// and the requests queued per balancer.
pub fn data_table(runs: &[&LaneRun], balancers: &[Balancer], duration: Nanos) -> String {
    let mut html =
        String::from("<summary>Latency and queues over time as a table</summary><table><thead><tr><th scope=\"col\">From</th>");
    for b in balancers {
        let _ = write!(
            html,
            "<th scope=\"col\">{} p50</th><th scope=\"col\">p99</th><th scope=\"col\">queued</th>",
            escape(&balancer_label(b))
        );
    }
    html.push_str("</tr></thead><tbody>");
    for tenth in 0..10 {
        let from = tenth * BINS / 10;
        let _ = write!(html, "<tr><th scope=\"row\">{}</th>", format::seconds(duration * from as u64 / BINS as u64));
        for run in runs {
            let part = &run.slices[from..from + BINS / 10];
            // The slices' own percentiles, the worst of the tenth: a table of
            // the drawn values, not a merge of their distributions.
            let p50 = part.iter().map(|s| s.latency.p50).max().unwrap_or(0);
            let p99 = part.iter().map(|s| s.latency.p99).max().unwrap_or(0);
            // Requests queued on average over the tenth, all servers together.
            let queued: u64 = run.servers.iter().map(|s| s.queued_ns[from..from + BINS / 10].iter().sum::<u64>()).sum();
            let mean = queued as f64 / (duration as f64 / 10.0).max(1.0);
            let _ = write!(html, "<td>{}</td><td>{}</td><td>{}</td>", latency(p50), latency(p99), format::number(mean));
        }
        html.push_str("</tr>");
    }
    html.push_str("</tbody></table>");
    html
}

/// Totals of the requests that arrived before `until` (all for `None`).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct SoFar {
    pub requests: u32,
    pub ok: u32,
    pub errors: u32,
    pub latency: Percentiles,
}

/// [`SoFar`] of `run` over the requests arriving at `at` before `until`.
pub fn so_far(run: &LaneRun, at: &[Nanos], until: Option<Nanos>) -> SoFar {
    let n = until.map_or(at.len(), |t| at.partition_point(|&a| a < t));
    let mut served: Vec<Nanos> = Vec::with_capacity(n);
    let mut s = SoFar { requests: n as u32, ..SoFar::default() };
    for i in 0..n {
        if run.outcome[i] == Outcome::Ok {
            served.push(run.latency[i]);
        } else {
            s.errors += 1;
        }
    }
    s.ok = served.len() as u32;
    crate::sim::kernel::sort::radix_sort_by_key(&mut served, |&l| l);
    s.latency = Percentiles::of(&served);
    s
}

/// The summary table: one row per balancer.
pub fn summary_table(rows: &[(Balancer, SoFar)], partial: bool) -> String {
    let mut html = format!(
        "<caption>{}</caption><thead><tr><th scope=\"col\">Balancer</th><th scope=\"col\">Requests</th>\
         <th scope=\"col\">Errors</th><th scope=\"col\">p50</th><th scope=\"col\">p95</th><th scope=\"col\">p99</th>\
         <th scope=\"col\">p99.9</th></tr></thead><tbody>",
        if partial { "Requests so far" } else { "Whole run" }
    );
    for (i, (b, s)) in rows.iter().enumerate() {
        let _ = write!(
            html,
            "<tr><th scope=\"row\"><span class=\"swatch lane-{}\"></span>{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            i + 1,
            escape(&balancer_label(b)),
            format::thousands(u64::from(s.requests)),
            format::thousands(u64::from(s.errors)),
            latency(s.latency.p50),
            latency(s.latency.p95),
            latency(s.latency.p99),
            latency(s.latency.p999),
        );
    }
    html.push_str("</tbody>");
    html
}

/// Each server's share of the requests sent and its utilisation (time in
/// service over its slots' time) in slice `slice` as two bars, drawn
/// across `width`; utilisation above 90% is marked hot.
pub fn servers_svg(run: &LaneRun, concurrency: &[u32], slice: usize, slice_ns: f64, width: f64) -> String {
    let m = run.servers.len().max(1);
    let slot = width / m as f64;
    let w = slot * 0.7;
    let sent_total: u32 = run.servers.iter().map(|s| s.sent[slice]).sum();
    let mut svg = String::new();
    for (i, s) in run.servers.iter().enumerate() {
        let busy = s.busy_ns[slice] as f64 / (slice_ns * f64::from(concurrency[i].max(1)));
        let share = if sent_total == 0 { 0.0 } else { f64::from(s.sent[slice]) / f64::from(sent_total) };
        let x = i as f64 * slot + (slot - w) / 2.0;
        let h = busy.min(1.0) * (SERVERS_H - 4.0);
        let hot = if busy > 0.9 { " hot" } else { "" };
        let _ = write!(
            svg,
            "<rect class=\"busy{hot}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"><title>Server {}: {} busy, {} of requests</title></rect>",
            r(x),
            r(SERVERS_H - h),
            r(w),
            r(h),
            i + 1,
            format::percent(busy.min(1.0)),
            format::percent(share)
        );
        let y = SERVERS_H - share * m as f64 / 2.0 * (SERVERS_H - 4.0);
        let _ = write!(svg, "<path class=\"share\" d=\"M{} {}h{}\"/>", r(x), r(y.max(0.0)), r(w));
    }
    svg
}

/// Requests on their way at `t`: every `every`-th request (by index, so
/// the same ones stay from frame to frame) that arrived within `flight`
/// before `t`, as a dot moving from the balancer (top centre) to the top of
/// the server it was sent to, drawn across `width`. A request its server
/// dropped, refused or could not take is marked; one the balancer had no
/// server for is not drawn.
pub fn flow_svg(run: &LaneRun, at: &[Nanos], t: Nanos, flight: Nanos, every: usize, width: f64) -> String {
    let m = run.servers.len().max(1);
    let slot = width / m as f64;
    let (every, flight) = (every.max(1), flight.max(1));
    let from = at.partition_point(|&a| a.saturating_add(flight) <= t);
    let to = at.partition_point(|&a| a <= t);
    // The first index at or after `from` that is a multiple of `every`.
    let first = from.div_ceil(every) * every;
    let mut svg = String::new();
    for i in (first..to).step_by(every) {
        let server = usize::from(run.server[i]);
        if server >= m {
            continue;
        }
        let f = (t - at[i]) as f64 / flight as f64;
        let (x0, x1) = (width / 2.0, (server as f64 + 0.5) * slot);
        let class = match run.outcome[i] {
            Outcome::Failed | Outcome::Dropped => "flow lost",
            _ => "flow",
        };
        let _ = write!(svg, "<path class=\"{class}\" d=\"M{} {}h0\"/>", r(x0 + (x1 - x0) * f), r(2.0 + f * (SERVERS_H - 8.0)));
    }
    svg
}

/// The servers' utilisation and share in slice `slice` as text.
pub fn servers_text(run: &LaneRun, concurrency: &[u32], slice: usize, slice_ns: f64) -> String {
    let parts: Vec<String> = run
        .servers
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let busy = s.busy_ns[slice] as f64 / (slice_ns * f64::from(concurrency[i].max(1)));
            let queued = s.queued_ns[slice] as f64 / slice_ns;
            format!("server {} {} busy, {} queued", i + 1, format::percent(busy.min(1.0)), format::number(queued))
        })
        .collect();
    parts.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::load_balancing::run::{ServerSlices, Slice, Summary};

    fn lane() -> LaneRun {
        LaneRun {
            server: vec![0, 1, 0, u16::MAX],
            outcome: vec![Outcome::Ok, Outcome::Ok, Outcome::Failed, Outcome::NoServer],
            latency: vec![5 * MS, 15 * MS, 0, 0],
            slices: vec![Slice::default(); BINS],
            servers: vec![
                ServerSlices { busy_ns: vec![50 * MS; BINS], queued_ns: vec![0; BINS], sent: vec![3; BINS] },
                ServerSlices { busy_ns: vec![100 * MS; BINS], queued_ns: vec![200 * MS; BINS], sent: vec![1; BINS] },
            ],
            summary: Summary::default(),
        }
    }

    #[test]
    fn the_chart_is_logarithmic_with_a_line_per_decade() {
        assert_eq!(log_level(1.0, 1000.0), 0.0);
        assert!((log_level(10.0, 1000.0) - 1.0 / 3.0).abs() < 1e-12);
        assert_eq!(log_level(5000.0, 1000.0), 1.0);
        let mut run = lane();
        run.slices[0] = Slice { requests: 1, ok: 1, errors: 0, latency: Percentiles { p99: 20_000 * MS, ..Percentiles::default() } };
        let (svg, top) = chart_svg(&[&run], BINS - 1);
        // A top of 20 s: gridlines at 10 ms, 100 ms, 1 s and 10 s.
        assert_eq!(top, 20_000 * MS);
        assert_eq!(svg.matches("<line class=\"grid\"").count(), 4);
        assert_eq!(svg.matches("<path class=\"series lane-1\"").count(), 1);
    }

    #[test]
    fn the_distribution_buckets_served_latencies_ten_to_a_decade() {
        // Served: 5 ms and 15 ms. The top rounds 15 ms up to 20 ms: 13 buckets from 1 ms, whose
        // bounds are 10^(k/10) ms; 5 ms falls in bucket 6 (3.98 to 5.01 ms), 15 ms in bucket 11
        // (12.6 to 15.8 ms), each half of what was served, the scale's top.
        let run = lane();
        let (svg, top) = distribution_svg(&[&run]);
        assert_eq!(top, 20 * MS);
        assert_eq!(svg.matches("<line class=\"grid\"").count(), 1, "one decade line, at 10 ms: {svg}");
        let d = svg.split("d=\"").nth(1).unwrap().split('"').next().unwrap();
        let points: Vec<&str> = d.split(['M', 'L']).filter(|p| !p.is_empty()).collect();
        assert_eq!(points.len(), 13);
        let at_top: Vec<usize> = points.iter().enumerate().filter(|(_, p)| p.ends_with(" 0")).map(|(i, _)| i).collect();
        assert_eq!(at_top, [6, 11], "{d}");
        let label = distribution_label(&[&run], &[Balancer::RoundRobin]);
        assert!(label.ends_with("half within 0 ms, 99% within 0 ms, 99.9% within 0 ms"), "{label}");
    }

    /// Requests in flight move from the balancer at the top centre to their
    /// server's top as they age through the flight time; older ones, the
    /// unsent and those not chosen by the sampling are left out.
    #[test]
    fn requests_fly_from_the_balancer_to_their_servers() {
        let run = lane();
        let at = [0, 10 * MS, 20 * MS, 30 * MS];
        // At 40 ms with 40 ms of flight: request 0 has landed and is gone; 1 is three quarters of the
        // way to server 2 (centre 450), 2 half way to server 1 (centre 150) and lost; 3 has no server.
        let svg = flow_svg(&run, &at, 40 * MS, 40 * MS, 1, 600.0);
        assert_eq!(svg, "<path class=\"flow\" d=\"M412.5 41h0\"/><path class=\"flow lost\" d=\"M225 28h0\"/>");
        // Every second request (by index): only request 2.
        assert_eq!(flow_svg(&run, &at, 40 * MS, 40 * MS, 2, 600.0), "<path class=\"flow lost\" d=\"M225 28h0\"/>");
        // Request 0 the moment it arrives: at the balancer.
        assert_eq!(flow_svg(&run, &at, 0, 40 * MS, 1, 600.0), "<path class=\"flow\" d=\"M300 2h0\"/>");
    }

    #[test]
    fn queues_are_summed_over_servers_and_averaged_over_each_slice() {
        // Server 2 holds 200 ms of queueing in every 100 ms slice: two requests waiting throughout.
        let (svg, top) = queue_svg(&[&lane()], (100 * MS) as f64);
        assert_eq!(top, 2.0);
        let d = svg.split("d=\"").nth(1).unwrap().split('"').next().unwrap();
        assert!(d.split(['M', 'L']).filter(|p| !p.is_empty()).all(|p| p.ends_with(" 0")), "{d}");
    }

    #[test]
    fn latencies_keep_their_precision() {
        assert_eq!(latency(420_000), "0.42 ms");
        assert_eq!(latency(12_500_000), "12.5 ms");
        assert_eq!(latency(1_204_000_000), "1,204 ms");
    }

    #[test]
    fn so_far_counts_the_requests_that_arrived_and_their_percentiles() {
        let at = [0, MS, 2 * MS, 3 * MS];
        let s = so_far(&lane(), &at, Some(2 * MS));
        assert_eq!((s.requests, s.ok, s.errors), (2, 2, 0));
        assert_eq!((s.latency.p50, s.latency.p99), (5 * MS, 15 * MS));
        let all = so_far(&lane(), &at, None);
        assert_eq!((all.requests, all.ok, all.errors), (4, 2, 2));
    }

    #[test]
    fn servers_draw_their_utilisation_and_share() {
        let run = lane();
        let text = servers_text(&run, &[1, 1], 0, (100 * MS) as f64);
        assert_eq!(text, "server 1 50% busy, 0 queued; server 2 100% busy, 2 queued");
        let svg = servers_svg(&run, &[1, 1], 0, (100 * MS) as f64, 100.0);
        assert!(svg.contains("<rect class=\"busy hot\""), "{svg}");
        assert!(svg.contains("<title>Server 1: 50% busy, 75% of requests</title>"), "{svg}");
    }
}
