//! The pipeline widget's own views as HTML/SVG text, pure functions of the
//! runs: each breaker's state over time and the stage-by-stage table. (The
//! load and success charts are the retries chain's, in `super::chain`.)

use super::chain::{amplification, by_layer, latency, W};
use crate::sim::circuit_breaker::{State, Transition};
use crate::sim::kernel::time::Nanos;
use crate::sim::load_balancing::Balancer;
use crate::sim::pipeline::Lane;
use crate::sim::retries::run::LaneRun;
use crate::ui::chart::r;
use crate::ui::format;
use crate::ui::html::escape;
use std::fmt::Write as _;

/// One row per configuration.
const ROW: f64 = 16.0;
/// The breaker chart's height and `viewBox`.
pub const BREAKER_H: f64 = 48.0;
pub const BREAKER_VIEW_BOX: &str = "0 0 600 48";

/// The spans a breaker spent away from CLOSED, up to `span`: (from, to, state).
fn away(transitions: &[Transition], span: Nanos) -> Vec<(Nanos, Nanos, State)> {
    let mut out = Vec::new();
    for (k, t) in transitions.iter().enumerate() {
        if t.to != State::Closed {
            let until = transitions.get(k + 1).map_or(span, |n| n.at).min(span);
            out.push((t.at, until, t.to));
        }
    }
    out
}

/// Time a lane's breakers spent open and half-open (summed over them, one
/// per server behind a balancer), and how often they opened.
fn time_away(breakers: &[Vec<Transition>], span: Nanos) -> (Nanos, Nanos, usize) {
    let (mut open, mut half, mut times) = (0, 0, 0);
    for transitions in breakers {
        for (from, to, state) in away(transitions, span) {
            match state {
                State::Open => open += to - from,
                _ => half += to - from,
            }
        }
        times += transitions.iter().filter(|t| t.to == State::Open).count();
    }
    (open, half, times)
}

/// Each lane's breakers as a band: open and half-open spans over a closed
/// row, the row split between the servers' breakers behind a balancer.
pub fn breaker_svg(runs: &[&LaneRun], span: Nanos) -> String {
    let mut svg = String::new();
    let x = |t: Nanos| r(t as f64 / span.max(1) as f64 * W);
    for (i, run) in runs.iter().enumerate() {
        let top = i as f64 * ROW + 2.0;
        let y = r(top);
        let _ = write!(svg, "<rect class=\"row lane-{}\" x=\"0\" y=\"{y}\" width=\"{}\" height=\"12\"/>", i + 1, r(W));
        let h = 12.0 / run.transitions.len().max(1) as f64;
        for (k, transitions) in run.transitions.iter().enumerate() {
            let y = r(top + k as f64 * h);
            for (from, to, state) in away(transitions, span) {
                let class = if state == State::Open { "band-open" } else { "band-half-open" };
                let width = r((to - from) as f64 / span.max(1) as f64 * W);
                let _ = write!(
                    svg,
                    "<rect class=\"{class}\" x=\"{}\" y=\"{y}\" width=\"{width}\" height=\"{}\"/>",
                    x(from),
                    r(h)
                );
            }
        }
    }
    svg
}

/// What the breaker chart shows, for screen readers.
pub fn breaker_label(runs: &[&LaneRun], span: Nanos) -> String {
    let parts: Vec<String> = runs
        .iter()
        .enumerate()
        .map(|(i, run)| {
            let (open, half, times) = time_away(&run.transitions, span);
            let each = if run.transitions.len() > 1 { format!(" (its {} servers' breakers together)", run.transitions.len()) } else { String::new() };
            format!(
                "configuration {}{each}: opened {times} times, open {} and half-open {}",
                i + 1,
                format::seconds(open),
                format::seconds(half)
            )
        })
        .collect();
    format!("Breaker states over time. {}", parts.join("; "))
}

/// The stage-by-stage table: one column per configuration; a row for the
/// dependency unless the chain ends at servers that call nothing
/// (`with_dependency` false).
pub fn stage_table(runs: &[&LaneRun], lanes: &[Lane], labels: &[String], span: Nanos, with_dependency: bool) -> String {
    let n = |v: u32| format::thousands(u64::from(v));
    let mut html = String::from("<caption>Stage by stage, whole run</caption><thead><tr><th scope=\"col\">Stage</th>");
    for (i, label) in labels.iter().enumerate() {
        let _ = write!(html, "<th scope=\"col\"><span class=\"swatch lane-{}\"></span>{}</th>", i + 1, escape(label));
    }
    html.push_str("</tr></thead><tbody>");
    let mut row = |stage: &str, cell: &dyn Fn(&LaneRun, &Lane) -> String| {
        let _ = write!(html, "<tr><th scope=\"row\">{stage}</th>");
        for (run, lane) in runs.iter().zip(lanes) {
            let _ = write!(html, "<td>{}</td>", cell(run, lane));
        }
        html.push_str("</tr>");
    };
    row("Clients", &|run, _| {
        let m = run.summary;
        let layers = if m.by_layer[1] > 0 { format!(" ({} by layer)", by_layer(run)) } else { String::new() };
        format!(
            "{} user requests made {} attempts{layers}: {} retries, {} refused by a budget",
            n(m.users),
            n(m.attempts),
            n(m.retries + m.hedges),
            n(m.denied)
        )
    });
    row("Rate limiter", &|run, lane| match lane.limiter {
        None => "none".into(),
        Some(_) => {
            let m = run.summary;
            format!("{} admitted, {} delayed, {} refused", n(m.sent - m.limited - m.delayed), n(m.delayed), n(m.limited))
        }
    });
    let servers = runs.iter().any(|r| !r.servers.is_empty());
    if servers {
        row("Load balancer", &|run, lane| {
            let name = lane.balancer.unwrap_or(Balancer::RoundRobin).name();
            let sent: Vec<String> = run.servers.iter().map(|s| n(s.sent.iter().sum())).collect();
            let none = if run.summary.no_server > 0 {
                format!("; {} found no server", n(run.summary.no_server))
            } else {
                String::new()
            };
            format!("{name}: sent {} to servers 1 to {}{none}", sent.join(" / "), sent.len())
        });
    }
    row("Circuit breaker", &|run, lane| match lane.breaker {
        None => "none".into(),
        Some(_) => {
            let (open, _, times) = time_away(&run.transitions, span);
            let each = if servers { "one per server; " } else { "" };
            // What the breakers let through is what reached the dependency.
            format!(
                "{each}{} let through, {} failed fast; opened {times} times, open {}",
                n(run.summary.dependency),
                n(run.summary.failed_fast),
                format::seconds(open)
            )
        }
    });
    if servers {
        row("Servers", &|run, _| {
            let m = run.summary;
            format!("{} requests, {} refused with a full queue", n(m.servers), n(m.server_refused))
        });
    }
    // Servers that call nothing are the chain's end; otherwise the dependency is.
    if !servers || with_dependency {
        row("Dependency", &|run, _| {
            let m = run.summary;
            format!(
                "{} requests ({} per user request), {} refused with a full queue",
                n(m.dependency),
                format::number(amplification(run)),
                n(m.refused)
            )
        });
    }
    row("End to end", &|run, _| {
        let m = run.summary;
        format!(
            "{} succeeded; p50 {}, p99 {}",
            format::percent(f64::from(m.ok) / f64::from(m.users.max(1))),
            latency(m.latency.p50),
            latency(m.latency.p99)
        )
    });
    html.push_str("</tbody>");
    html
}
