//! The rate-limiter widget's charts and tables as HTML/SVG text: pure
//! functions of a run, redrawn only when the run changes.

use crate::sim::kernel::time::{Nanos, MS};
use crate::sim::rate_limiter::run::{LaneRun, Summary};
use crate::sim::rate_limiter::{Algorithm, LimiterConfig, NginxDelay};
use crate::ui::chart::{band, line, nice_max, r, stacked_bars};
use crate::ui::format;
use crate::ui::html::escape;
use std::fmt::Write as _;

/// Chart box width in SVG units (the SVG scales to its container).
pub const W: f64 = 600.0;
/// Height of the arrivals panel.
pub const BARS_H: f64 = 56.0;
/// Top of the state panel.
pub const STATE_TOP: f64 = 66.0;
/// Height of the state panel.
pub const STATE_H: f64 = 50.0;
/// Total chart height.
pub const H: f64 = STATE_TOP + STATE_H + 2.0;
/// The chart's `viewBox`.
pub const VIEW_BOX: &str = "0 0 600 118";

/// Scales of one lane's chart.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scales {
    /// Most arrivals in one bin.
    pub peak: u32,
    /// Arrivals axis maximum.
    pub count_max: u32,
    /// State axis maximum.
    pub level_max: f64,
}

/// The axis maxima for a lane.
pub fn scales(lane: &LaneRun) -> Scales {
    let peak = lane.bins.iter().map(|b| b.allowed + b.delayed + b.rejected).max().unwrap_or(0);
    let level_peak = lane.bins.iter().map(|b| b.level_max).fold(lane.capacity, f64::max);
    Scales { peak, count_max: (nice_max(f64::from(peak)) as u32).max(1), level_max: nice_max(level_peak) }
}

/// The static part of a lane's chart (everything but the playhead): stacked
/// arrival bars by outcome, the state's range and start-of-bin line, and the
/// capacity as a dashed line.
pub fn chart_svg(lane: &LaneRun) -> String {
    let s = scales(lane);
    let counts: Vec<[u32; 3]> = lane.bins.iter().map(|b| [b.allowed, b.delayed, b.rejected]).collect();
    let [allowed, delayed, rejected] = stacked_bars(&counts, s.count_max, W, BARS_H);
    let starts: Vec<f64> = lane.bins.iter().map(|b| b.level_start).collect();
    let lows: Vec<f64> = lane.bins.iter().map(|b| b.level_min).collect();
    let highs: Vec<f64> = lane.bins.iter().map(|b| b.level_max).collect();
    let cap_y = r(STATE_H - (lane.capacity / s.level_max).clamp(0.0, 1.0) * STATE_H);
    let (w, top) = (r(W), r(STATE_TOP));
    format!(
        "<path class=\"allowed\" d=\"{allowed}\"/><path class=\"delayed\" d=\"{delayed}\"/><path class=\"rejected\" d=\"{rejected}\"/>\
         <g transform=\"translate(0 {top})\"><path class=\"state-band\" d=\"{}\"/><path class=\"state-line\" d=\"{}\"/>\
         <line class=\"capacity\" x1=\"0\" x2=\"{w}\" y1=\"{cap_y}\" y2=\"{cap_y}\"/></g>",
        band(&lows, &highs, s.level_max, W, STATE_H),
        line(&starts, s.level_max, W, STATE_H),
    )
}

/// The chart's accessible name.
pub fn chart_label(lane: &LaneRun, bin_ns: Nanos) -> String {
    let s = scales(lane);
    let algo = lane.config.algorithm;
    format!(
        "{}: arrivals coloured by outcome, at most {} per {}; below, {} against its limit of {}",
        algo.label(),
        s.peak,
        format::duration(bin_ns),
        algo.state_label(),
        format::number(lane.capacity)
    )
}

/// The scales under a lane's chart, for sighted readers (the chart's label and
/// table carry the same facts for everyone).
pub fn axis_labels(lane: &LaneRun, bin_ns: Nanos) -> String {
    let s = scales(lane);
    format!(
        "<span>arrivals, max {} per {}</span><span>{}, max {}</span>",
        s.count_max,
        format::duration(bin_ns),
        escape(lane.config.algorithm.state_label()),
        format::number(s.level_max)
    )
}

/// The table alternative to a lane's chart: the run in twenty rows.
pub fn data_table(lane: &LaneRun, bin_ns: Nanos) -> String {
    let algo = lane.config.algorithm;
    let mut html = format!(
        "<summary>Table: {} over time</summary><table><thead><tr><th scope=\"col\">From</th><th scope=\"col\">Allowed</th>\
         <th scope=\"col\">Delayed</th><th scope=\"col\">Rejected</th><th scope=\"col\">{} (range)</th></tr></thead><tbody>",
        escape(algo.label()),
        escape(algo.state_label())
    );
    let per_row = lane.bins.len().div_ceil(20).max(1);
    for (i, chunk) in lane.bins.chunks(per_row).enumerate() {
        let lo = chunk.iter().map(|b| b.level_min).fold(f64::INFINITY, f64::min);
        let hi = chunk.iter().map(|b| b.level_max).fold(0.0, f64::max);
        let sum = |f: fn(&crate::sim::rate_limiter::run::Bin) -> u32| chunk.iter().map(f).sum::<u32>();
        let _ = write!(
            html,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}–{}</td></tr>",
            format::seconds(i as u64 * per_row as u64 * bin_ns),
            sum(|b| b.allowed),
            sum(|b| b.delayed),
            sum(|b| b.rejected),
            format::number(lo),
            format::number(hi)
        );
    }
    html.push_str("</tbody></table>");
    html
}

/// The summary table's caption, head and body: one row per limiter, named by
/// its algorithm and its parameters in its reference's own terms.
pub fn summary_table(rows: &[(&LimiterConfig, Summary)], playhead: Option<Nanos>) -> String {
    let caption = match playhead {
        None => "Summary of the whole run".to_string(),
        Some(t) => format!("Summary up to {}", format::seconds(t)),
    };
    let mut html = format!(
        "<caption>{caption}</caption><thead><tr><th scope=\"col\">Limiter</th><th scope=\"col\">Requests</th>\
         <th scope=\"col\">Allowed</th><th scope=\"col\">Delayed</th><th scope=\"col\">Rejected</th>\
         <th scope=\"col\">Longest delay</th><th scope=\"col\">Effective rate</th></tr></thead><tbody>"
    );
    for (config, s) in rows {
        let never = if s.never > 0 { format!(" ({} never fit)", s.never) } else { String::new() };
        let _ = write!(
            html,
            "<tr><th scope=\"row\">{}<span class=\"params\">{}</span></th><td>{}</td><td class=\"allowed-text\">{}</td><td class=\"delayed-text\">{}</td>\
             <td class=\"rejected-text\">{}{never}</td><td>{}</td><td>{}/s</td></tr>",
            escape(config.algorithm.label()),
            escape(&describe(config)),
            s.requests,
            s.allowed,
            s.delayed,
            s.rejected,
            format::duration(s.longest_delay_ns),
            format::number(s.effective_rate)
        );
    }
    html.push_str("</tbody>");
    html
}

/// The limiter's parameters in its reference's own terms.
pub fn describe(c: &LimiterConfig) -> String {
    let per = match c.period_ms {
        1000 => "s".to_string(),
        60_000 => "min".to_string(),
        p => format::duration(p * MS),
    };
    match c.algorithm {
        Algorithm::Gcra => format!("{} per {per}, burst {}", c.limit, c.effective_burst()),
        Algorithm::TokenBucket => format!("capacity {}, refill {} per {per}", c.effective_burst(), c.limit),
        Algorithm::Nginx => {
            let unit = if c.period_ms == 60_000 { "r/m" } else { "r/s" };
            let mode = match c.delay {
                NginxDelay::NoDelay => " nodelay".to_string(),
                NginxDelay::Delay(0) => String::new(),
                NginxDelay::Delay(n) => format!(" delay={n}"),
            };
            format!("rate={}{unit} burst={}{mode}", c.limit, c.effective_burst())
        }
        _ => format!("{} per {per} window", c.limit),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::rate_limiter::presets;

    fn boundary() -> Vec<LaneRun> {
        presets::preset("boundary-burst").unwrap().run(30).unwrap()
    }

    #[test]
    fn summary_rows_carry_the_numbers() {
        let lanes = boundary();
        let rows: Vec<_> = lanes.iter().map(|l| (&l.config, l.summary)).collect();
        let html = summary_table(&rows, None);
        assert!(html.starts_with("<caption>Summary of the whole run</caption>"));
        assert!(html.contains(
            "<th scope=\"row\">Fixed window (Redis INCR)<span class=\"params\">5 per 10 s window</span></th><td>15</td><td class=\"allowed-text\">12</td><td class=\"delayed-text\">0</td><td class=\"rejected-text\">3</td>"
        ));
        assert!(summary_table(&rows, Some(12_500_000_000)).starts_with("<caption>Summary up to 12.5 s</caption>"));
    }

    #[test]
    fn chart_and_table_describe_the_run() {
        let lanes = boundary();
        // 30 bins of 1 s: five requests at 9.9 s land in bin 9, five at 10.1 s in bin 10.
        let s = scales(&lanes[0]);
        assert_eq!((s.peak, s.count_max, s.level_max), (5, 5, 10.0));
        let svg = chart_svg(&lanes[0]);
        assert_eq!(svg.matches("<path").count(), 5);
        assert!(svg.contains("class=\"capacity\" x1=\"0\" x2=\"600\" y1=\"25\" y2=\"25\""), "{svg}");
        let table = data_table(&lanes[0], 1_000_000_000);
        assert_eq!(table.matches("<tr>").count(), 1 + 15);
        assert!(table.contains("<tr><td>8 s</td><td>5</td><td>0</td><td>0</td>"), "{table}");
        assert!(table.contains("<tr><td>10 s</td><td>5</td><td>0</td><td>0</td>"), "{table}");
        assert_eq!(
            chart_label(&lanes[0], 1_000_000_000),
            "Fixed window (Redis INCR): arrivals coloured by outcome, at most 5 per 1000 ms; below, count in window against its limit of 5"
        );
    }

    #[test]
    fn view_box_matches_the_dimensions() {
        assert_eq!(VIEW_BOX, format!("0 0 {} {}", r(W), r(H)));
    }

    #[test]
    fn parameters_read_like_their_reference() {
        let lanes = presets::preset("nginx-modes").unwrap().limiters;
        let d: Vec<String> = lanes.iter().map(describe).collect();
        assert_eq!(d, ["rate=2r/s burst=5 nodelay", "rate=2r/s burst=5 delay=2", "rate=2r/s burst=5"]);
        assert_eq!(describe(&LimiterConfig::new(Algorithm::SlidingLog, 5, 10_000)), "5 per 10 s window");
    }
}
