//! The caching widget's chart and tables as HTML/SVG text: pure functions
//! of a run and the playhead's slice, redrawn only when they change.

use crate::sim::caching::run::{hit_ratio, PolicyRun, Summary, BINS};
use crate::sim::caching::Policy;
use crate::ui::chart::{line, r};
use crate::ui::format;
use crate::ui::html::escape;
use std::borrow::Borrow;
use std::fmt::Write as _;

/// Chart box width in SVG units (the SVG scales to its container).
pub const W: f64 = 600.0;
/// Chart height.
pub const H: f64 = 140.0;
/// The chart's `viewBox`.
pub const VIEW_BOX: &str = "0 0 600 140";

/// A policy's label with its settings.
pub fn policy_label(p: &Policy) -> String {
    match p {
        Policy::Fifo => "FIFO".into(),
        Policy::Lru => "LRU (exact)".into(),
        Policy::Lfu => "LFU (exact)".into(),
        Policy::RedisLru { samples } => format!("Redis allkeys-lru, {samples} samples"),
        Policy::RedisLfu { samples, log_factor, decay_minutes } => {
            format!("Redis allkeys-lfu, {samples} samples, log factor {log_factor}, decay {decay_minutes} min")
        }
        Policy::Caffeine => "Caffeine W-TinyLFU (hill climber)".into(),
        Policy::WTinyLfu => "W-TinyLFU, 1% window".into(),
        Policy::Moka => "moka TinyLFU".into(),
    }
}

/// Each slice's hit ratio (0 for an empty slice).
fn ratios(run: &PolicyRun) -> Vec<f64> {
    run.bins.iter().map(|b| hit_ratio(b.hits, b.requests)).collect()
}

/// The hit ratio of every policy per slice, one line each, over gridlines at
/// 25 %, 50 % and 75 %.
pub fn chart_svg(runs: &[impl Borrow<PolicyRun>]) -> String {
    let runs: &[&PolicyRun] = &runs.iter().map(Borrow::borrow).collect::<Vec<_>>();
    let mut svg = String::new();
    for q in [0.25, 0.5, 0.75] {
        let y = r(H - q * H);
        let _ = write!(svg, "<line class=\"grid\" x1=\"0\" x2=\"{}\" y1=\"{y}\" y2=\"{y}\"/>", r(W));
    }
    for (i, run) in runs.iter().enumerate() {
        let _ = write!(svg, "<path class=\"hit-line lane-{}\" d=\"{}\"/>", i + 1, line(&ratios(run), 1.0, W, H));
    }
    svg
}

/// What the chart shows, for screen readers: each policy's hit ratio.
pub fn chart_label(runs: &[impl Borrow<PolicyRun>]) -> String {
    let runs: &[&PolicyRun] = &runs.iter().map(Borrow::borrow).collect::<Vec<_>>();
    let parts: Vec<String> = runs
        .iter()
        .map(|run| format!("{} {}", policy_label(&run.policy), format::percent(run.summary.hit_ratio)))
        .collect();
    format!("Hit ratio over time: {}", parts.join("; "))
}

/// The chart's data as a table, one row per tenth of the run.
pub fn data_table(runs: &[impl Borrow<PolicyRun>], duration_ms: u64) -> String {
    let runs: &[&PolicyRun] = &runs.iter().map(Borrow::borrow).collect::<Vec<_>>();
    let mut html = String::from("<summary>Hit ratio over time as a table</summary><table><thead><tr><th scope=\"col\">From</th>");
    for run in runs {
        let _ = write!(html, "<th scope=\"col\">{}</th>", escape(&policy_label(&run.policy)));
    }
    html.push_str("</tr></thead><tbody>");
    for tenth in 0..10 {
        let from = tenth * BINS / 10;
        let _ = write!(html, "<tr><th scope=\"row\">{}</th>", format::seconds(duration_ms * 1_000_000 * from as u64 / BINS as u64));
        for run in runs {
            let (h, n) = run.bins[from..from + BINS / 10].iter().fold((0, 0), |(h, n), b| (h + b.hits, n + b.requests));
            let ratio = hit_ratio(h, n);
            let _ = write!(html, "<td>{}</td>", format::percent(ratio));
        }
        html.push_str("</tr>");
    }
    html.push_str("</tbody></table>");
    html
}

/// The summary table: one row per policy.
pub fn summary_table(rows: &[(&Policy, Summary)], partial: bool) -> String {
    let mut html = format!(
        "<caption>{}</caption><thead><tr><th scope=\"col\">Policy</th><th scope=\"col\">Hit ratio</th>\
         <th scope=\"col\">Hits</th><th scope=\"col\">Misses</th><th scope=\"col\">Evictions</th></tr></thead><tbody>",
        if partial { "So far" } else { "Whole run" }
    );
    for (i, (p, s)) in rows.iter().enumerate() {
        let _ = write!(
            html,
            "<tr><th scope=\"row\"><span class=\"swatch lane-{}\"></span>{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            i + 1,
            escape(&policy_label(p)),
            format::percent(s.hit_ratio),
            format::thousands(u64::from(s.hits)),
            format::thousands(u64::from(s.misses)),
            format::thousands(u64::from(s.evictions))
        );
    }
    html.push_str("</tbody>");
    html
}

/// How many requests the view of the latest requests shows.
pub const RECENT: usize = 8;

/// The [`RECENT`] requests up to and including request `last`, newest
/// first: each one's key and, per policy, whether it hit and which key it
/// evicted (the new key itself when an admission test turned it away).
pub fn recent(runs: &[impl Borrow<PolicyRun>], keys: &[u32], last: usize) -> String {
    let runs: &[&PolicyRun] = &runs.iter().map(Borrow::borrow).collect::<Vec<_>>();
    let mut html = String::from(
        "<caption>The latest requests, newest first</caption><thead><tr><th scope=\"col\">Request</th><th scope=\"col\">Key</th>",
    );
    for (i, run) in runs.iter().enumerate() {
        let _ = write!(
            html,
            "<th scope=\"col\"><span class=\"swatch lane-{}\"></span>{}</th>",
            i + 1,
            escape(&policy_label(&run.policy))
        );
    }
    html.push_str("</tr></thead><tbody>");
    let last = last.min(keys.len().saturating_sub(1));
    for r in (last.saturating_sub(RECENT - 1)..=last).rev() {
        let key = keys[r];
        let _ = write!(html, "<tr><th scope=\"row\">{}</th><td>{key}</td>", format::thousands(r as u64 + 1));
        for run in runs {
            let cell = match run.outcomes.get(r) {
                None => String::new(),
                Some(o) => {
                    let what = if o.hit() { "hit" } else { "miss" };
                    // Only an admission test turns the new key away; Redis, which
                    // evicts before the command, may evict the key then asked for.
                    let admits = matches!(run.policy, Policy::Caffeine | Policy::WTinyLfu | Policy::Moka);
                    match o.evicted() {
                        Some(k) if k == key && !o.hit() && admits => format!("{what}, not admitted"),
                        Some(k) => format!("{what}, evicts {k}"),
                        None => what.to_string(),
                    }
                }
            };
            let class = if run.outcomes.get(r).is_some_and(|o| o.hit()) { "hit" } else { "miss" };
            let _ = write!(html, "<td class=\"{class}\">{cell}</td>");
        }
        html.push_str("</tr>");
    }
    html.push_str("</tbody>");
    html
}

/// Which of the most requested keys each policy holds at the end of slice
/// `bin`: a row of cells per policy, filled when cached, each titled with
/// its key.
pub fn hot_keys(runs: &[impl Borrow<PolicyRun>], hot: &[u32], bin: usize) -> String {
    let runs: &[&PolicyRun] = &runs.iter().map(Borrow::borrow).collect::<Vec<_>>();
    let mut html = String::new();
    for (i, run) in runs.iter().enumerate() {
        let mask = run.bins[bin.min(BINS - 1)].hot_cached;
        let held = mask.count_ones();
        let _ = write!(
            html,
            "<div class=\"hot-row\"><span class=\"hot-name\">{}</span><span class=\"hot-cells lane-{}\" role=\"img\" aria-label=\"{held} of the {} most requested keys cached\">",
            escape(&policy_label(&run.policy)),
            i + 1,
            hot.len()
        );
        for (b, key) in hot.iter().enumerate() {
            let class = if mask & 1 << b != 0 { "cell cached" } else { "cell" };
            let _ = write!(html, "<span class=\"{class}\" title=\"key {key}\"></span>");
        }
        let _ = write!(html, "</span><span class=\"hot-count\">{held}/{}</span></div>", hot.len());
    }
    html
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::caching::presets::preset;

    #[test]
    fn belady_in_the_table() {
        let s = preset("belady").unwrap();
        let runs = s.run().unwrap();
        let rows: Vec<_> = runs.iter().map(|r| (&r.policy, r.summary_until(None))).collect();
        let html = summary_table(&rows, false);
        // FIFO and LRU fault 9 and 10 times on the twelve references through three frames.
        assert!(html.contains("FIFO</th><td>25%</td><td>3</td><td>9</td><td>6</td>"), "{html}");
        assert!(html.contains("LRU (exact)</th><td>16.7%</td><td>2</td><td>10</td><td>7</td>"), "{html}");
    }

    #[test]
    fn the_latest_requests_name_what_each_evicted() {
        let s = preset("belady").unwrap();
        let trial = s.trial();
        let runs = s.trace_on(&trial).unwrap();
        let html = recent(&runs, &trial.keys, 11);
        // The twelfth request, key 5: FIFO holds 5 (hit), LRU misses and evicts 2, LFU misses and evicts 4.
        assert!(html.contains("<tr><th scope=\"row\">12</th><td>5</td><td class=\"hit\">hit</td><td class=\"miss\">miss, evicts 2</td>"), "{html}");
        assert_eq!(html.matches("<tr><th scope=\"row\">").count(), RECENT);
        // Before the eighth request there are fewer than eight to show.
        assert_eq!(recent(&runs, &trial.keys, 2).matches("<tr><th scope=\"row\">").count(), 3);
    }

    /// Redis evicts before each command, sometimes the very key then asked
    /// for: that is an eviction, not an admission refused.
    #[test]
    fn only_an_admission_test_turns_a_key_away() {
        let mut s = preset("zipf").unwrap();
        s.capacity = 3;
        s.workload.requests = 20_000;
        s.policies = vec![Policy::RedisLru { samples: 5 }, Policy::Moka];
        let trial = s.trial();
        let runs = s.trace_on(&trial).unwrap();
        let own = |run: &PolicyRun| {
            (0..trial.keys.len()).find(|&r| !run.outcomes[r].hit() && run.outcomes[r].evicted() == Some(trial.keys[r])).unwrap()
        };
        let (r, key) = (own(&runs[0]), trial.keys[own(&runs[0])]);
        let html = recent(&runs[..1], &trial.keys, r);
        assert!(html.contains(&format!("<td class=\"miss\">miss, evicts {key}</td>")), "{html}");
        assert!(!html.contains("not admitted"));
        let r = own(&runs[1]);
        assert!(recent(&runs[1..], &trial.keys, r).contains("<td class=\"miss\">miss, not admitted</td>"));
    }

    #[test]
    fn partial_totals_stop_at_the_slice() {
        let s = preset("loop").unwrap();
        let runs = s.run().unwrap();
        let half = runs[2].summary_until(Some(BINS / 2 - 1));
        assert_eq!(half.requests, s.workload.requests / 2);
        assert!(half.hits <= runs[2].summary.hits);
        assert_eq!(hot_keys(&runs, &s.trial().hot, 0).matches("hot-row").count(), 3);
    }
}
