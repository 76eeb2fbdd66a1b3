//! The cache-patterns widget's charts and tables as HTML/SVG text: pure
//! functions of the runs, redrawn only when they change.

use crate::sim::cache_patterns::run::{LaneRun, Summary, BINS};
use crate::sim::kernel::rng::ln;
use crate::sim::kernel::time::{Nanos, MS};
use crate::ui::chart::{line_with_gaps, nice_max, r};
use crate::ui::format;
use crate::ui::html::escape;
use std::borrow::Borrow;
use std::fmt::Write as _;

/// Chart box width in SVG units (the SVG scales to its container).
pub const W: f64 = 600.0;
/// Chart height.
pub const H: f64 = 120.0;
/// The charts' `viewBox`.
pub const VIEW_BOX: &str = "0 0 600 120";

/// A latency: `0.5 ms`, `12 ms`, `3.25 s`.
pub fn latency(ns: Nanos) -> String {
    if ns < 10_000 * MS {
        format!("{} ms", format::number(ns as f64 / MS as f64))
    } else {
        format::seconds(ns)
    }
}

/// What a chart shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Series {
    /// Database queries (reads and writes) per second.
    Queries,
    /// The slowest 1 % of reads: the 99th percentile, on a log scale.
    ReadP99,
    /// The share of reads the cache answered alone.
    HitRatio,
}

impl Series {
    /// The chart's title.
    pub fn title(self) -> &'static str {
        match self {
            Series::Queries => "Database queries per second",
            Series::ReadP99 => "Read latency, 99th percentile (log scale)",
            Series::HitRatio => "Hit ratio",
        }
    }

    /// Each slice's value; −1 where a slice has no reads to measure (a gap).
    fn values(self, run: &LaneRun, slice_s: f64) -> Vec<f64> {
        run.bins
            .iter()
            .map(|b| match self {
                Series::Queries => f64::from(b.db_reads + b.db_writes) / slice_s,
                _ if b.reads == 0 => -1.0,
                Series::ReadP99 => b.read_p99_ns as f64 / MS as f64,
                Series::HitRatio => f64::from(b.hits) / f64::from(b.reads),
            })
            .collect()
    }

    /// The chart's top value over `runs`, and its label.
    fn top(self, runs: &[&LaneRun], slice_s: f64) -> (f64, String) {
        let most = runs.iter().flat_map(|run| self.values(run, slice_s)).fold(0.0, f64::max);
        match self {
            Series::Queries => {
                let top = nice_max(most);
                (top, format!("{}/s", format::thousands(top as u64)))
            }
            Series::ReadP99 => {
                let top = nice_max(most.max(1.0));
                (top, latency((top * MS as f64) as Nanos))
            }
            Series::HitRatio => (1.0, "100%".into()),
        }
    }
}

/// Latencies from 0.1 ms up, as the height of a log-scale chart (0 at 0.1 ms).
fn log_ms(ms: f64) -> f64 {
    if ms <= 0.1 {
        0.0
    } else {
        ln(ms / 0.1)
    }
}

/// One chart's lines, one per lane, over gridlines at a quarter, a half and
/// three quarters; a red rule where the cache node died. Returns the SVG
/// and the top value's label.
pub fn chart_svg(series: Series, runs: &[impl Borrow<LaneRun>], span: Nanos, crash: Option<Nanos>) -> (String, String) {
    let runs: &[&LaneRun] = &runs.iter().map(Borrow::borrow).collect::<Vec<_>>();
    let slice_s = span as f64 / BINS as f64 / 1e9;
    let (top, label) = series.top(runs, slice_s);
    let mut svg = String::new();
    for q in [0.25, 0.5, 0.75] {
        let y = r(H - q * H);
        let _ = write!(svg, "<line class=\"grid\" x1=\"0\" x2=\"{}\" y1=\"{y}\" y2=\"{y}\"/>", r(W));
    }
    if let Some(at) = crash.filter(|&at| at < span) {
        let x = r(at as f64 / span as f64 * W);
        let _ = write!(svg, "<line class=\"crash\" x1=\"{x}\" x2=\"{x}\" y1=\"0\" y2=\"{}\"/>", r(H));
    }
    for (i, run) in runs.iter().enumerate() {
        let mut values = series.values(run, slice_s);
        let mut max = top;
        if series == Series::ReadP99 {
            values.iter_mut().filter(|v| **v >= 0.0).for_each(|v| *v = log_ms(*v));
            max = log_ms(top);
        }
        let _ = write!(svg, "<path class=\"series lane-{}\" d=\"{}\"/>", i + 1, line_with_gaps(&values, max, W, H));
    }
    (svg, label)
}

/// What a chart shows, for screen readers: each lane's whole-run figure.
pub fn chart_label(series: Series, runs: &[impl Borrow<LaneRun>]) -> String {
    let runs: &[&LaneRun] = &runs.iter().map(Borrow::borrow).collect::<Vec<_>>();
    let parts: Vec<String> = runs
        .iter()
        .map(|run| {
            let s = &run.summary;
            let figure = match series {
                Series::Queries => format!("{} queries", format::thousands(u64::from(s.db_reads + s.db_writes))),
                Series::ReadP99 => format!("p99 {}", latency(s.read_p99_ns)),
                Series::HitRatio => format::percent(s.hit_ratio),
            };
            format!("{} {figure}", run.lane.label())
        })
        .collect();
    format!("{} over time: {}", series.title(), parts.join("; "))
}

/// The charts' data as a table, one row per tenth of the run: the busiest
/// slice's query rate, the worst slice's 99th percentile and the hit ratio.
pub fn data_table(runs: &[impl Borrow<LaneRun>], span: Nanos) -> String {
    let runs: &[&LaneRun] = &runs.iter().map(Borrow::borrow).collect::<Vec<_>>();
    let mut html = String::from(
        "<summary>The charts as a table</summary><table><thead><tr><th scope=\"col\">From</th>",
    );
    for run in runs {
        let name = escape(&run.lane.label());
        let _ = write!(
            html,
            "<th scope=\"col\">{name}: DB queries/s, busiest slice</th><th scope=\"col\">{name}: read p99, worst slice</th><th scope=\"col\">{name}: hit ratio</th>"
        );
    }
    html.push_str("</tr></thead><tbody>");
    let slice_s = span as f64 / BINS as f64 / 1e9;
    for tenth in 0..10 {
        let from = tenth * BINS / 10;
        let _ = write!(html, "<tr><th scope=\"row\">{}</th>", format::seconds(span * from as u64 / BINS as u64));
        for run in runs {
            let bins = &run.bins[from..from + BINS / 10];
            let queries = bins.iter().map(|b| b.db_reads + b.db_writes).max().unwrap_or(0);
            let (hits, reads) = bins.iter().fold((0, 0), |(h, n), b| (h + b.hits, n + b.reads));
            let p99 = bins.iter().map(|b| b.read_p99_ns).max().unwrap_or(0);
            let ratio = if reads == 0 { 0.0 } else { f64::from(hits) / f64::from(reads) };
            let _ = write!(
                html,
                "<td>{}</td><td>{}</td><td>{}</td>",
                format::number(f64::from(queries) / slice_s),
                latency(p99),
                format::percent(ratio)
            );
        }
        html.push_str("</tr>");
    }
    html.push_str("</tbody></table>");
    html
}

/// The summary table: one row per lane, whole run.
pub fn summary_table(runs: &[impl Borrow<LaneRun>]) -> String {
    let runs: &[&LaneRun] = &runs.iter().map(Borrow::borrow).collect::<Vec<_>>();
    let mut html = String::from(
        "<caption>Whole run</caption><thead><tr><th scope=\"col\">Strategy</th><th scope=\"col\">Hit ratio</th>\
         <th scope=\"col\">DB reads</th><th scope=\"col\">DB writes</th><th scope=\"col\">Most queries in the DB</th>\
         <th scope=\"col\">Read p50</th><th scope=\"col\">p99</th><th scope=\"col\">p99.9</th>\
         <th scope=\"col\">Write p99</th><th scope=\"col\">Stale reads</th><th scope=\"col\">Lost writes</th></tr></thead><tbody>",
    );
    for (i, run) in runs.iter().enumerate() {
        let s: &Summary = &run.summary;
        let n = |x: u32| format::thousands(u64::from(x));
        let write_p99 = if s.writes == 0 { "–".to_string() } else { latency(s.write_p99_ns) };
        let _ = write!(
            html,
            "<tr><th scope=\"row\"><span class=\"swatch lane-{}\"></span>{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td>\
             <td>{}</td><td>{}</td><td>{}</td><td>{write_p99}</td><td>{}</td><td>{}</td></tr>",
            i + 1,
            escape(&run.lane.label()),
            format::percent(s.hit_ratio),
            n(s.db_reads),
            n(s.db_writes),
            n(s.db_peak),
            latency(s.read_p50_ns),
            latency(s.read_p99_ns),
            latency(s.read_p999_ns),
            n(s.stale_reads),
            n(s.lost_writes),
        );
    }
    html.push_str("</tbody>");
    html
}

/// One sentence per lane on what coalescing and early refresh did.
pub fn notes(runs: &[impl Borrow<LaneRun>]) -> String {
    let runs: &[&LaneRun] = &runs.iter().map(Borrow::borrow).collect::<Vec<_>>();
    let mut html = String::new();
    for (i, run) in runs.iter().enumerate() {
        let s = &run.summary;
        let mut parts = Vec::new();
        if s.coalesced > 0 {
            parts.push(format!("{} reads waited for another reader's query", format::thousands(u64::from(s.coalesced))));
        }
        if s.early_refreshes > 0 {
            parts.push(format!("{} reads refreshed their key early", format::thousands(u64::from(s.early_refreshes))));
        }
        if !parts.is_empty() {
            let _ = write!(
                html,
                "<li><span class=\"swatch lane-{}\"></span>{}: {}.</li>",
                i + 1,
                escape(&run.lane.label()),
                parts.join("; ")
            );
        }
    }
    html
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::cache_patterns::presets::preset;

    #[test]
    fn latencies_read_at_every_scale() {
        assert_eq!(latency(500_000), "0.5 ms");
        assert_eq!(latency(12 * MS), "12 ms");
        assert_eq!(latency(12_500 * MS), "12.5 s");
    }

    #[test]
    fn the_crash_preset_in_the_table_and_charts() {
        let s = preset("crash").unwrap();
        let trial = s.trial();
        let runs = s.run_on(&trial).unwrap();
        let html = summary_table(&runs);
        let lost: Vec<u32> = runs.iter().map(|r| r.summary.lost_writes).collect();
        assert_eq!(lost[0], 0);
        assert!(lost[1] > 0);
        assert!(html.contains(&format!("<td>{}</td></tr></tbody>", format::thousands(u64::from(lost[1])))), "{html}");
        let (svg, _) = chart_svg(Series::Queries, &runs, trial.span, Some(12_000 * MS));
        assert_eq!(svg.matches("class=\"series").count(), 2);
        // The crash rule at 12 s of a 30 s run: 40 % across.
        assert!(svg.contains("<line class=\"crash\" x1=\"240\" x2=\"240\""), "{svg}");
        assert_eq!(data_table(&runs, trial.span).matches("<tr><th scope=\"row\">").count(), 10);
    }
}
