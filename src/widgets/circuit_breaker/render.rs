//! The circuit-breaker widget's drawings and tables as HTML/SVG text: pure
//! functions of a run and the playhead, tested natively.

use crate::sim::circuit_breaker::consecutive::ConsecutiveConfig;
use crate::sim::circuit_breaker::run::{Bin, BreakerConfig, BreakerRun, BreakerSummary, Dependency, Forcing, Unprotected};
use crate::sim::circuit_breaker::{Config, State, Transition, WaitInterval, WindowType};
use crate::sim::kernel::time::{Nanos, MS};
use crate::ui::chart::{line_with_gaps, nice_max, r, spans, stacked_bars};
use crate::ui::format;
use crate::ui::html::escape;
use std::fmt::Write as _;

/// Chart box width in SVG units (the SVG scales to its container).
pub const W: f64 = 600.0;
/// Height of the calls panel.
pub const BARS_H: f64 = 56.0;
/// Top of the gauge panel.
pub const GAUGE_TOP: f64 = 66.0;
/// Height of the gauge panel.
pub const GAUGE_H: f64 = 50.0;
/// Total chart height.
pub const H: f64 = GAUGE_TOP + GAUGE_H + 2.0;
/// The chart's `viewBox`.
pub const VIEW_BOX: &str = "0 0 600 118";

/// A state's name as Resilience4j writes it.
pub fn state_name(s: State) -> &'static str {
    s.name()
}

fn state_class(s: State) -> &'static str {
    s.key()
}

/// The breaker's variant in a few words.
pub fn variant_label(c: &BreakerConfig) -> &'static str {
    match c {
        BreakerConfig::Resilience4j(c) if c.sliding_window_type == WindowType::CountBased => {
            "Resilience4j, count-based window"
        }
        BreakerConfig::Resilience4j(_) => "Resilience4j, time-based window",
        BreakerConfig::Consecutive(_) => "pybreaker, consecutive failures",
    }
}

fn percent(x: f32) -> String {
    format!("{}%", format::number(f64::from(x)))
}

fn window_words(c: &Config) -> String {
    match c.sliding_window_type {
        WindowType::CountBased => format!("its window of up to {} calls", c.sliding_window_size),
        WindowType::TimeBased => format!("its {} s window", c.sliding_window_size),
    }
}

/// The breaker's parameters in its reference's own terms.
pub fn describe(c: &BreakerConfig) -> String {
    match c {
        BreakerConfig::Resilience4j(c) => {
            let window = match c.sliding_window_type {
                WindowType::CountBased => format!("window {} calls", c.sliding_window_size),
                WindowType::TimeBased => format!("window {} s", c.sliding_window_size),
            };
            let mut d = format!(
                "{window}, min {} calls, failures ≥ {}",
                c.minimum_number_of_calls,
                percent(c.failure_rate_threshold)
            );
            if c.slow_call_rate_threshold < 100.0 || c.slow_call_duration_threshold_ms < 60_000 {
                let _ = write!(
                    d,
                    ", slow (> {}) ≥ {}",
                    format::duration(c.slow_call_duration_threshold_ms * MS),
                    percent(c.slow_call_rate_threshold)
                );
            }
            let _ = write!(d, ", open {}", format::duration(c.wait_duration_in_open_state_ms * MS));
            match c.wait_interval_in_open_state {
                Some(WaitInterval::Exponential { multiplier, .. }) => {
                    let _ = write!(d, " × {} each reopening", format::number(multiplier));
                }
                Some(WaitInterval::Randomized { factor }) => {
                    let _ = write!(d, " ± {}%", format::number(factor * 100.0));
                }
                Some(WaitInterval::ExponentialRandom { multiplier, factor, .. }) => {
                    let _ = write!(d, " × {} each reopening, ± {}%", format::number(multiplier), format::number(factor * 100.0));
                }
                None => {}
            }
            let _ = write!(d, ", {} trial calls", c.permitted_number_of_calls_in_half_open_state);
            if c.automatic_transition_from_open_to_half_open {
                d.push_str(", automatic half-open");
            }
            if c.max_wait_duration_in_half_open_state_ms > 0 {
                let _ = write!(
                    d,
                    ", half-open at most {}",
                    format::duration(c.max_wait_duration_in_half_open_state_ms * MS)
                );
            }
            d
        }
        BreakerConfig::Consecutive(c) => {
            let mut d = format!("fail_max={}, reset_timeout={}", c.fail_max, format::duration(c.reset_timeout_ms * MS));
            if c.success_threshold != 1 {
                let _ = write!(d, ", success_threshold={}", c.success_threshold);
            }
            d
        }
    }
}

/// The dependency's phases as a line of text.
pub fn describe_dependency(d: &Dependency) -> String {
    let parts: Vec<String> = d
        .phases
        .iter()
        .map(|p| {
            let mut s = format!("from {}: ", format::seconds(p.at_ms * MS));
            if p.failure_rate >= 1.0 {
                s.push_str("down");
            } else {
                let _ = write!(s, "{}% fail", format::number(p.failure_rate * 100.0));
            }
            let _ = write!(s, ", {}", format::duration(p.latency_ms * MS));
            if p.slow_rate > 0.0 {
                let _ = write!(
                    s,
                    ", {}% take {}",
                    format::number(p.slow_rate * 100.0),
                    format::duration(p.slow_latency_ms * MS)
                );
            }
            s
        })
        .collect();
    parts.join("; ")
}

/// The states forced on the Resilience4j breakers, in words (empty for none).
pub fn describe_forced(forced: &[Forcing]) -> String {
    if forced.is_empty() {
        return String::new();
    }
    let parts: Vec<String> = forced
        .iter()
        .map(|f| format!("{} at {}", f.state.name(), format::seconds(f.at_ms * MS)))
        .collect();
    format!("Forced: {}", parts.join(", "))
}

/// The intervals a run spent in `state`, up to `duration`.
pub fn intervals(transitions: &[Transition], state: State, duration: Nanos) -> Vec<(Nanos, Nanos)> {
    let mut out = Vec::new();
    let mut since = (0, State::Closed);
    for t in
        transitions.iter().chain(std::iter::once(&Transition { at: duration, from: State::Closed, to: State::Closed }))
    {
        if since.1 == state && t.at > since.0 {
            out.push((since.0, t.at));
        }
        since = (t.at, t.to);
    }
    out
}

/// The gauge panel's full scale and thresholds: Resilience4j's rates against
/// 100 %, or the consecutive count against a little above `fail_max`.
fn gauge_scale(c: &BreakerConfig) -> f64 {
    match c {
        BreakerConfig::Resilience4j(_) => 100.0,
        BreakerConfig::Consecutive(c) => nice_max(f64::from(c.fail_max) * 1.2),
    }
}

/// The static part of a lane's chart (everything but the playhead): bands
/// for OPEN and HALF_OPEN behind it, stacked call bars by outcome, and the
/// gauges against their thresholds.
pub fn chart_svg(run: &BreakerRun, config: &BreakerConfig, duration: Nanos) -> String {
    let counts: Vec<[u32; 4]> = run.bins.iter().map(|b| [b.ok, b.slow, b.failed, b.rejected]).collect();
    let peak = counts.iter().map(|c| c.iter().sum::<u32>()).max().unwrap_or(0);
    let [ok, slow, failed, rejected] = stacked_bars(&counts, (nice_max(f64::from(peak)) as u32).max(1), W, BARS_H);
    let mut svg = String::new();
    for state in [State::Open, State::HalfOpen] {
        let _ = write!(
            svg,
            "<path class=\"band-{}\" d=\"{}\"/>",
            state_class(state),
            spans(&intervals(&run.transitions, state, duration), duration, W, H)
        );
    }
    // The states an operator forced, drawn only when there were any.
    for state in [State::ForcedOpen, State::Disabled, State::MetricsOnly] {
        let spans_of = intervals(&run.transitions, state, duration);
        if !spans_of.is_empty() {
            let _ = write!(
                svg,
                "<path class=\"band-forced band-{}\" d=\"{}\"/>",
                state_class(state),
                spans(&spans_of, duration, W, H)
            );
        }
    }
    let _ = write!(
        svg,
        "<path class=\"ok\" d=\"{ok}\"/><path class=\"slow\" d=\"{slow}\"/><path class=\"failed\" d=\"{failed}\"/><path class=\"rejected\" d=\"{rejected}\"/>"
    );
    let max = gauge_scale(config);
    let y = |v: f64| r(GAUGE_H - (v / max).clamp(0.0, 1.0) * GAUGE_H);
    let _ = write!(svg, "<g transform=\"translate(0 {})\">", r(GAUGE_TOP));
    let gauge = |i: usize| run.bins.iter().map(|b: &Bin| f64::from(b.gauge[i])).collect::<Vec<_>>();
    match config {
        BreakerConfig::Resilience4j(c) => {
            for (i, class, threshold) in
                [(1, "slow-rate", c.slow_call_rate_threshold), (0, "failure-rate", c.failure_rate_threshold)]
            {
                let ty = y(f64::from(threshold));
                let _ = write!(
                    svg,
                    "<line class=\"threshold {class}\" x1=\"0\" x2=\"{}\" y1=\"{ty}\" y2=\"{ty}\"/><path class=\"gauge {class}\" d=\"{}\"/>",
                    r(W),
                    line_with_gaps(&gauge(i), max, W, GAUGE_H)
                );
            }
        }
        BreakerConfig::Consecutive(c) => {
            let ty = y(f64::from(c.fail_max));
            let _ = write!(
                svg,
                "<line class=\"threshold failure-rate\" x1=\"0\" x2=\"{}\" y1=\"{ty}\" y2=\"{ty}\"/><path class=\"gauge failure-rate\" d=\"{}\"/>",
                r(W),
                line_with_gaps(&gauge(0), max, W, GAUGE_H)
            );
        }
    }
    svg.push_str("</g>");
    svg
}

/// The chart's accessible name.
pub fn chart_label(run: &BreakerRun, config: &BreakerConfig) -> String {
    let opened = run.transitions.iter().filter(|t| t.to == State::Open).count();
    let gauge = match config {
        BreakerConfig::Resilience4j(c) => format!(
            "failure rate against {} and slow-call rate against {}",
            percent(c.failure_rate_threshold),
            percent(c.slow_call_rate_threshold)
        ),
        BreakerConfig::Consecutive(c) => format!("consecutive failures against fail_max {}", c.fail_max),
    };
    format!(
        "{}: calls over time by outcome, shaded where the breaker was open or half-open (it opened {opened} time{}); below, {gauge}",
        variant_label(config),
        if opened == 1 { "" } else { "s" }
    )
}

/// The scales under a lane's chart, for sighted readers.
pub fn axis_labels(run: &BreakerRun, config: &BreakerConfig, bin_ns: Nanos) -> String {
    let peak = run.bins.iter().map(|b| b.ok + b.slow + b.failed + b.rejected).max().unwrap_or(0);
    let gauge = match config {
        BreakerConfig::Resilience4j(_) => "failure and slow-call rate, 0–100%".to_string(),
        BreakerConfig::Consecutive(c) => {
            format!("consecutive failures, 0–{}", format::number(gauge_scale(&BreakerConfig::Consecutive(c.clone()))))
        }
    };
    format!(
        "<span>calls, max {} per {}</span><span>{gauge}</span>",
        (nice_max(f64::from(peak)) as u32).max(1),
        format::duration(bin_ns)
    )
}

/// The table alternative to a lane's chart: the run in twenty rows.
pub fn data_table(run: &BreakerRun, config: &BreakerConfig, bin_ns: Nanos) -> String {
    let gauge_head = match config {
        BreakerConfig::Resilience4j(_) => "Failure rate at end",
        BreakerConfig::Consecutive(_) => "Consecutive failures at end",
    };
    let mut html = format!(
        "<summary>Table: {} over time</summary><table><thead><tr><th scope=\"col\">From</th><th scope=\"col\">States</th>\
         <th scope=\"col\">Succeeded</th><th scope=\"col\">Slow</th><th scope=\"col\">Failed</th><th scope=\"col\">Failed fast</th>\
         <th scope=\"col\">{gauge_head}</th></tr></thead><tbody>",
        escape(variant_label(config))
    );
    let per_row = run.bins.len().div_ceil(20).max(1);
    for (i, chunk) in run.bins.chunks(per_row).enumerate() {
        let from = i as u64 * per_row as u64 * bin_ns;
        let to = from + chunk.len() as u64 * bin_ns;
        let mut states = vec![run.state_at(Some(from))];
        for t in run.transitions.iter().filter(|t| t.at > from && t.at < to) {
            if states.last() != Some(&t.to) {
                states.push(t.to);
            }
        }
        let states: Vec<&str> = states.into_iter().map(state_name).collect();
        let sum = |f: fn(&Bin) -> u32| chunk.iter().map(f).sum::<u32>();
        let end = chunk.last().map_or(-1.0, |b| b.gauge[0]);
        let gauge = match (config, end < 0.0) {
            (_, true) => "–".to_string(),
            (BreakerConfig::Resilience4j(_), false) => percent(end),
            (BreakerConfig::Consecutive(_), false) => format::number(f64::from(end)),
        };
        let _ = write!(
            html,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{gauge}</td></tr>",
            format::seconds(from),
            states.join(" → "),
            sum(|b| b.ok),
            sum(|b| b.slow),
            sum(|b| b.failed),
            sum(|b| b.rejected),
        );
    }
    html.push_str("</tbody></table>");
    html
}

/// Why a transition happened, in the reference's own terms.
pub fn reason(config: &BreakerConfig, t: &Transition, decided_by: Option<(f32, f32)>, forced: bool) -> String {
    use State::*;
    if forced {
        return match t.to {
            ForcedOpen => "forced open by an operator (transitionToForcedOpenState): every call fails fast".into(),
            Disabled => {
                "disabled by an operator (transitionToDisabledState): every call goes through, none is recorded".into()
            }
            MetricsOnly => "set to metrics only by an operator (transitionToMetricsOnlyState): calls are recorded, \
                            the state never moves"
                .into(),
            _ => "closed by an operator (transitionToClosedState)".into(),
        };
    }
    match config {
        BreakerConfig::Resilience4j(c) => {
            let rates = |(f, s): (f32, f32), verb: &str| {
                if f >= c.failure_rate_threshold {
                    format!("failure rate {} ≥ {}{verb}", percent(f), percent(c.failure_rate_threshold))
                } else if s >= c.slow_call_rate_threshold {
                    format!("slow-call rate {} ≥ {}{verb}", percent(s), percent(c.slow_call_rate_threshold))
                } else {
                    format!(
                        "failure rate {} and slow-call rate {} under their thresholds{verb}",
                        percent(f),
                        percent(s)
                    )
                }
            };
            let wait = format::duration(c.wait_duration_in_open_state_ms * MS);
            match (t.from, t.to, decided_by) {
                (Closed, Open, Some(d)) => rates(d, &format!(" over {}", window_words(c))),
                (HalfOpen, Open | Closed, Some(d)) => {
                    let decides = c.minimum_number_of_calls.min(c.permitted_number_of_calls_in_half_open_state);
                    rates(d, &format!(" in the HALF_OPEN trial, decided after {decides} results"))
                }
                (HalfOpen, Open | Closed, None) => format!(
                    "no verdict within maxWaitDurationInHalfOpenState ({}){}",
                    format::duration(c.max_wait_duration_in_half_open_state_ms * MS),
                    if t.to == Closed { ", and transitionToStateAfterWaitDuration is CLOSED" } else { "" }
                ),
                (Open, HalfOpen, _) if c.automatic_transition_from_open_to_half_open => {
                    format!("the {wait} wait ended (automatic transition)")
                }
                (Open, HalfOpen, _) => format!("the first call after the {wait} wait"),
                _ => "forced".to_string(),
            }
        }
        BreakerConfig::Consecutive(c) => consecutive_reason(c, t),
    }
}

fn consecutive_reason(c: &ConsecutiveConfig, t: &Transition) -> String {
    use State::*;
    match (t.from, t.to) {
        (Closed, Open) => format!("{} consecutive failures (fail_max)", c.fail_max),
        (Open, HalfOpen) => {
            format!("the first call at or after the {} reset_timeout", format::duration(c.reset_timeout_ms * MS))
        }
        (HalfOpen, Open) => "the trial call failed".to_string(),
        (HalfOpen, Closed) => match c.success_threshold {
            1 => "the trial call succeeded".to_string(),
            n => format!("{n} trial calls succeeded (success_threshold)"),
        },
        _ => "forced".to_string(),
    }
}

/// One sentence on where the breaker stands at `t` and why.
pub fn explain(run: &BreakerRun, config: &BreakerConfig, t: Option<Nanos>) -> String {
    let Some(i) = run.transitions_by(t).len().checked_sub(1) else {
        return "CLOSED throughout so far: every call goes through.".to_string();
    };
    let last = &run.transitions[i];
    let mut s = format!(
        "{} since {}: {}.",
        state_name(last.to),
        format::seconds(last.at),
        reason(config, last, run.decided_by.get(i).copied().flatten(), run.forced.get(i).copied().unwrap_or(false))
    );
    if last.to == State::Open {
        let _ = match config {
            // The timer moves it at exactly the wait; otherwise the first call strictly after it.
            BreakerConfig::Resilience4j(c) => write!(
                s,
                " Calls fail fast until {}{}.",
                if c.automatic_transition_from_open_to_half_open { "" } else { "just after " },
                format::seconds(last.at + c.wait_duration_in_open_state_ms * MS)
            ),
            BreakerConfig::Consecutive(c) => {
                write!(s, " Calls fail fast until {}.", format::seconds(last.at + c.reset_timeout_ms * MS))
            }
        };
    }
    s
}

/// The edges of the state diagram: from, to, and the line's end points.
const EDGES: [(State, State, [f64; 4]); 4] = [
    (State::Closed, State::Open, [92.0, 24.0, 148.0, 24.0]),
    (State::Open, State::HalfOpen, [176.0, 40.0, 146.0, 80.0]),
    (State::HalfOpen, State::Open, [160.0, 84.0, 192.0, 40.0]),
    (State::HalfOpen, State::Closed, [80.0, 84.0, 48.0, 40.0]),
];

/// The state diagram's `viewBox`.
pub const DIAGRAM_VIEW_BOX: &str = "0 0 240 124";

/// The state diagram at `t`: the current state lit, the latest transition's
/// edge lit, and how often each edge has been taken so far.
pub fn diagram_svg(run: &BreakerRun, t: Option<Nanos>) -> String {
    let made = run.transitions_by(t);
    let current = run.state_at(t);
    let latest = made.last().map(|x| (x.from, x.to));
    let mut svg = String::new();
    for (from, to, [x1, y1, x2, y2]) in EDGES {
        let taken = made.iter().filter(|x| x.from == from && x.to == to).count();
        let lit = if latest == Some((from, to)) { " lit" } else { "" };
        // An arrowhead: two short strokes back from the end, 25° either side of the line.
        let (dx, dy) = (x2 - x1, y2 - y1);
        let len = (dx * dx + dy * dy).sqrt();
        let (ux, uy) = (dx / len, dy / len);
        let (c, s) = (0.906, 0.423);
        let head = |sign: f64| (x2 - 8.0 * (ux * c - sign * uy * s), y2 - 8.0 * (uy * c + sign * ux * s));
        let ((ax, ay), (bx, by)) = (head(1.0), head(-1.0));
        // The count sits beside the edge's middle, on the side away from the
        // diagram's centre, so the two edges between OPEN and HALF_OPEN keep theirs apart.
        let (mx, my) = ((x1 + x2) / 2.0, (y1 + y2) / 2.0);
        let side = if (uy * (mx - 120.0) - ux * (my - 62.0)) >= 0.0 { 1.0 } else { -1.0 };
        let (lx, ly) = (mx + side * uy * 10.0, my - side * ux * 10.0 + 3.5);
        let _ = write!(
            svg,
            "<g class=\"edge{lit}\"><path d=\"M{} {}L{} {}M{} {}L{} {}L{} {}\"/><text x=\"{}\" y=\"{}\">×{taken}</text></g>",
            r(x1),
            r(y1),
            r(x2),
            r(y2),
            r(ax),
            r(ay),
            r(x2),
            r(y2),
            r(bx),
            r(by),
            r(lx),
            r(ly)
        );
    }
    for (state, x, y) in [(State::Closed, 8.0, 8.0), (State::Open, 152.0, 8.0), (State::HalfOpen, 80.0, 84.0)] {
        let now = if state == current { " current" } else { "" };
        let _ = write!(
            svg,
            "<g class=\"node {}{now}\"><rect x=\"{}\" y=\"{}\" width=\"80\" height=\"32\" rx=\"6\"/><text x=\"{}\" y=\"{}\">{}</text></g>",
            state_class(state),
            r(x),
            r(y),
            r(x + 40.0),
            r(y + 20.0),
            state_name(state)
        );
    }
    // Resilience4j's special states, which only an operator enters: one box below CLOSED for
    // the state the breaker is in, or else the last it was in.
    let special = |s: State| matches!(s, State::Disabled | State::MetricsOnly | State::ForcedOpen);
    let shown = if special(current) { Some(current) } else { made.iter().rev().map(|x| x.to).find(|&s| special(s)) };
    if let Some(state) = shown {
        let now = if state == current { " current" } else { "" };
        let _ = write!(
            svg,
            "<g class=\"node special {}{now}\"><rect x=\"2\" y=\"84\" width=\"76\" height=\"32\" rx=\"6\"/>\
             <text x=\"40\" y=\"104\" textLength=\"68\" lengthAdjust=\"spacingAndGlyphs\">{}</text></g>",
            state_class(state),
            state_name(state)
        );
    }
    svg
}

/// The summary's rows: one per breaker, then the same calls with no breaker.
pub fn summary_table(
    rows: &[(&BreakerConfig, BreakerSummary)],
    without: Unprotected,
    playhead: Option<Nanos>,
) -> String {
    // Calls count from their arrival, with the result they will have.
    let caption = match playhead {
        None => "Summary of the whole run".to_string(),
        Some(t) => format!("Summary of the calls made by {}", format::seconds(t)),
    };
    let mut html = format!(
        "<caption>{caption}</caption><thead><tr><th scope=\"col\">Breaker</th><th scope=\"col\">Calls</th>\
         <th scope=\"col\">Reached the dependency</th><th scope=\"col\">Failed there</th><th scope=\"col\">Failed fast</th>\
         <th scope=\"col\">Time closed</th><th scope=\"col\">Open</th><th scope=\"col\">Half-open</th>\
         <th scope=\"col\">Mean latency seen</th></tr></thead><tbody>"
    );
    for (config, s) in rows {
        let [c, o, h] = s.time_in_state_ns.map(format::seconds);
        let _ = write!(
            html,
            "<tr><th scope=\"row\">{}<span class=\"params\">{}</span></th><td>{}</td><td>{}</td><td class=\"failed-text\">{}</td>\
             <td class=\"rejected-text\">{}</td><td>{c}</td><td>{o}</td><td>{h}</td><td>{}</td></tr>",
            escape(variant_label(config)),
            escape(&describe(config)),
            s.calls,
            s.reached,
            s.dependency_failures,
            s.failed_fast,
            format::duration(s.mean_latency_ns)
        );
    }
    let Unprotected { calls, failures, mean_latency_ns: latency } = without;
    let _ = write!(
        html,
        "<tr class=\"baseline\"><th scope=\"row\">No breaker<span class=\"params\">every call goes through</span></th>\
         <td>{calls}</td><td>{calls}</td><td class=\"failed-text\">{failures}</td><td class=\"rejected-text\">0</td><td>–</td><td>–</td><td>–</td><td>{}</td></tr>",
        format::duration(latency)
    );
    html.push_str("</tbody>");
    html
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::circuit_breaker::presets;
    use crate::sim::circuit_breaker::run::Trial;

    fn outage() -> (Vec<BreakerRun>, Vec<BreakerConfig>, Trial) {
        let s = presets::preset("outage").unwrap();
        let trial = s.trial();
        (s.run_on(&trial, 60).unwrap(), s.breakers, trial)
    }

    #[test]
    fn view_boxes_match_the_dimensions() {
        assert_eq!(VIEW_BOX, format!("0 0 {} {}", r(W), r(H)));
    }

    #[test]
    fn parameters_read_like_their_reference() {
        let (_, configs, _) = outage();
        assert_eq!(describe(&configs[0]), "window 20 calls, min 10 calls, failures ≥ 50%, open 5000 ms, 5 trial calls");
        assert_eq!(describe(&configs[1]), "fail_max=5, reset_timeout=5000 ms");
        let slow = presets::preset("slow-calls").unwrap();
        assert_eq!(
            describe(&slow.breakers[0]),
            "window 20 calls, min 10 calls, failures ≥ 50%, slow (> 1000 ms) ≥ 50%, open 5000 ms, 5 trial calls"
        );
        assert_eq!(
            describe_dependency(&slow.dependency),
            "from 0 s: 2% fail, 40 ms; from 20 s: 2% fail, 40 ms, 60% take 2500 ms; from 45 s: 2% fail, 40 ms"
        );
    }

    #[test]
    fn the_first_opening_is_explained_by_its_rate() {
        let (runs, configs, _) = outage();
        let first = &runs[0].transitions[0];
        assert_eq!((first.from, first.to), (State::Closed, State::Open));
        let text = explain(&runs[0], &configs[0], Some(first.at));
        assert_eq!(
            text,
            "OPEN since 16.262 s: failure rate 50% ≥ 50% over its window of up to 20 calls. Calls fail fast until just after 21.262 s."
        );
        assert_eq!(
            explain(&runs[0], &configs[0], Some(first.at - 1)),
            "CLOSED throughout so far: every call goes through."
        );
        let py = explain(&runs[1], &configs[1], Some(runs[1].transitions[0].at));
        assert!(py.contains("5 consecutive failures (fail_max)"), "{py}");
    }

    #[test]
    fn the_diagram_lights_the_state_and_the_latest_edge() {
        let (runs, _, _) = outage();
        let at_open = Some(runs[0].transitions[0].at);
        let svg = diagram_svg(&runs[0], at_open);
        assert!(svg.contains("<g class=\"node open current\">"), "{svg}");
        assert_eq!(svg.matches(" current\"").count(), 1);
        assert_eq!(svg.matches("class=\"edge lit\"").count(), 1);
        assert!(svg.contains("<g class=\"edge lit\"><path d=\"M92 24L148 24"), "{svg}");
        let start = diagram_svg(&runs[0], Some(0));
        assert!(start.contains("node closed current") && !start.contains(" lit"));
        // By the end every edge has been taken at least once and the breaker is closed again.
        let end = diagram_svg(&runs[0], None);
        assert!(end.contains("node closed current") && !end.contains(">×0<"), "{end}");
        assert!(!end.contains("special"), "no special state was entered: {end}");
    }

    /// A forced state gets its own box, lit while the breaker is in it and
    /// left unlit once the operator closes it again.
    #[test]
    fn the_diagram_shows_a_forced_state() {
        use crate::sim::circuit_breaker::run::Forcing;
        let mut s = presets::preset("outage").unwrap();
        s.forced = vec![
            Forcing { at_ms: 10_000, state: State::ForcedOpen },
            Forcing { at_ms: 20_000, state: State::Closed },
        ];
        let trial = s.trial();
        let runs = s.run_on(&trial, 60).unwrap();
        let before = diagram_svg(&runs[0], Some(9_000 * MS));
        assert!(!before.contains("special"), "{before}");
        let during = diagram_svg(&runs[0], Some(15_000 * MS));
        assert!(during.contains("<g class=\"node special forced-open current\">"), "{during}");
        assert!(during.contains(">FORCED_OPEN</text>"), "{during}");
        assert_eq!(during.matches(" current\"").count(), 1);
        let after = diagram_svg(&runs[0], Some(21_000 * MS));
        assert!(after.contains("<g class=\"node special forced-open\">"), "{after}");
        assert!(after.contains("node closed current"), "{after}");
    }

    #[test]
    fn chart_table_and_summary_carry_the_run() {
        let (runs, configs, trial) = outage();
        let svg = chart_svg(&runs[0], &configs[0], 60_000 * MS);
        assert_eq!(svg.matches("<path").count(), 2 + 4 + 2);
        assert!(svg.contains("class=\"threshold failure-rate\" x1=\"0\" x2=\"600\" y1=\"25\" y2=\"25\""), "{svg}");
        let open = intervals(&runs[0].transitions, State::Open, 60_000 * MS);
        assert_eq!(open.first().map(|i| i.0), Some(runs[0].transitions[0].at));
        let table = data_table(&runs[0], &configs[0], 1_000 * MS);
        assert_eq!(table.matches("<tr>").count(), 1 + 20);
        assert!(table.contains("<tr><td>0 s</td><td>CLOSED</td>"), "{table}");
        assert!(table.contains("CLOSED → OPEN"), "{table}");
        let rows: Vec<_> = runs.iter().zip(&configs).map(|(r, c)| (c, r.summary)).collect();
        let without = trial.unprotected(None);
        assert_eq!(without.calls, runs[0].summary.calls);
        let html = summary_table(&rows, without, None);
        assert!(html.starts_with("<caption>Summary of the whole run</caption>"));
        assert_eq!(html.matches("<tr").count(), 1 + 2 + 1);
        assert!(html.contains(&format!("<td>{}</td><td>{}</td>", without.calls, without.calls)));
    }
}
