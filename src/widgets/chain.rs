//! The charts and tables of the retries chain as HTML/SVG text, pure
//! functions of its runs: drawn by the retries widget (a lane per policy)
//! and the pipeline widget (a lane per configuration of its stages).

use super::shell::{Family, Shell};
use crate::sim::kernel::time::{Nanos, MS, SEC};
use crate::sim::load_balancing::Change as ServerChangeKind;
use crate::sim::retries::run::{Chain, Dependency, DependencyChange, LaneRun, Slice, Target};
use crate::sim::retries::scenario::{Change, BINS};
use crate::sim::retries::{MAX_ATTEMPTS, MAX_LAYERS};
use crate::ui::chart::{line, line_with_gaps, nice_max, r};
use crate::ui::controls::NumberControl;
use crate::ui::format;
use crate::ui::html::escape;
use crate::ui::playback::{Playback, PlayheadMarks};
use crate::ui::share::LaneDownloads;
use crate::ui::Shared;
use leptos::prelude::*;
use std::fmt::Write as _;
use std::sync::Arc;

/// The runs every view of a chain widget reads.
pub type Computed = Shared<Result<Vec<Arc<LaneRun>>, String>>;

/// `f` of the runs, or nothing when the scenario did not run.
pub fn with_runs(runs: Memo<Computed>, f: &dyn Fn(&[&LaneRun]) -> String) -> String {
    runs.with(|r| r.0.as_ref().as_ref().map(|v| f(&v.iter().map(Arc::as_ref).collect::<Vec<_>>())).unwrap_or_default())
}

/// The fields the retries and pipeline scenarios share, for the controls
/// both widgets draw.
pub trait ChainFields: Family {
    fn rate(&self) -> f64;
    fn set_rate(&mut self, rps: f64);
    fn layers(&self) -> u32;
    fn set_layers(&mut self, layers: u32);
    fn try_timeout_ms(&self) -> Option<f64>;
    fn set_try_timeout_ms(&mut self, ms: Option<f64>);
    fn deadline_ms(&self) -> Option<f64>;
    fn set_deadline_ms(&mut self, ms: Option<f64>);
    /// The most attempts any lane's policy makes.
    fn max_attempts(&self) -> u32;
    /// Sets the attempts of every lane that retries (one that does not keeps its one).
    fn set_attempts(&mut self, n: u32);
    /// Changes the dependency at `at_ms` (the buttons' fail, slow and
    /// recover): what happened, for the status line, or why it cannot be.
    fn change_dependency(&mut self, at_ms: f64, change: Change) -> Result<&'static str, &'static str>;
    /// Takes back every change made to the dependency.
    fn clear_changes(&mut self);
}

/// What a change does to a queueing dependency, for the status line.
pub fn queue_change(change: Change) -> &'static str {
    match change {
        Change::Failure(_) => "The dependency fails every request",
        Change::Slow(_) => "The dependency slows to a fifth of its speed",
        Change::Concurrency(_) => "The dependency's slots change",
        Change::Recover => "The dependency recovers",
    }
}

/// The chain's controls: user requests a second, layers, attempts, the per-try timeout and the user's deadline.
pub fn chain_controls<S: ChainFields>(shell: Shell<S>, max_rate: f64) -> impl IntoView {
    let scenario = shell.scenario;
    let edit = shell.editor();
    view! {
        <NumberControl
            label="User requests per second"
            value=Signal::derive(move || scenario.with(S::rate))
            min=1.0
            max=max_rate
            step=10.0
            on_change=Callback::new(move |v: f64| { edit(&|s| s.set_rate(v)); })
        />
        <NumberControl
            label="Layers of clients"
            value=Signal::derive(move || scenario.with(|s| f64::from(s.layers())))
            min=1.0
            max=f64::from(MAX_LAYERS)
            step=1.0
            on_change=Callback::new(move |v: f64| { edit(&|s| s.set_layers(v as u32)); })
        />
        <NumberControl
            label="Attempts per call"
            value=Signal::derive(move || scenario.with(|s| f64::from(s.max_attempts())))
            min=1.0
            max=f64::from(MAX_ATTEMPTS)
            step=1.0
            on_change=Callback::new(move |v: f64| { edit(&|s| s.set_attempts((v as u32).max(2))); })
        />
        <NumberControl
            label="Per-try timeout (0: none)"
            value=Signal::derive(move || scenario.with(|s| s.try_timeout_ms().unwrap_or(0.0)))
            min=0.0
            max=5000.0
            step=10.0
            unit="ms"
            on_change=Callback::new(move |v: f64| { edit(&|s| s.set_try_timeout_ms((v > 0.0).then_some(v))); })
        />
        <NumberControl
            label="Overall deadline (0: none)"
            value=Signal::derive(move || scenario.with(|s| s.deadline_ms().unwrap_or(0.0)))
            min=0.0
            max=30000.0
            step=100.0
            unit="ms"
            on_change=Callback::new(move |v: f64| { edit(&|s| s.set_deadline_ms((v > 0.0).then_some(v))); })
        />
    }
}

/// The buttons that fail, slow or recover the dependency at the playhead.
pub fn dependency_actions<S: ChainFields>(shell: Shell<S>, playback: Playback) -> impl IntoView {
    let act = move |change: Change| {
        let at = (playback.now_or_mid() / MS) as f64;
        let outcome = std::cell::Cell::new(Err(""));
        let changed = shell.edit(&|s| outcome.set(s.change_dependency(at, change)));
        shell.status.set(Some(match outcome.get() {
            Err(why) => why.to_string(),
            Ok(done) if changed => format!("{done} at {}.", format::seconds(at as u64 * MS)),
            Ok(_) => return,
        }));
    };
    view! {
        <div class="controls dependency-actions" role="group" aria-label="Change the dependency at the playhead">
            <button type="button" data-action="break" on:click=move |_| act(Change::Failure(1.0))>"Fail it now"</button>
            <button type="button" on:click=move |_| act(Change::Slow(5.0))>"Slow it now"</button>
            <button type="button" on:click=move |_| act(Change::Recover)>"Recover now"</button>
            <button type="button" on:click=move |_| { shell.edit(&|s| s.clear_changes()); }>"Clear changes"</button>
        </div>
    }
}

/// The two charts every chain widget draws: the load reaching the
/// dependency against what it can serve, and the share of user requests
/// that succeed; then the same as a table, and the downloads.
pub fn chain_charts(
    runs: Memo<Computed>,
    capacity: Memo<Vec<f64>>,
    labels: Memo<Vec<String>>,
    duration: Memo<Nanos>,
    playhead: RwSignal<Option<Nanos>>,
) -> impl IntoView {
    let charts = Memo::new(move |_| {
        let d = duration.get();
        runs.with(|r| match r.0.as_ref() {
            Ok(v) => {
                let lanes: Vec<&LaneRun> = v.iter().map(Arc::as_ref).collect();
                let (load, top) = capacity.with(|c| load_svg(&lanes, c, d));
                let (per_user, per_top) = amplification_svg(&lanes);
                let (p99, p99_top) = latency_svg(&lanes);
                [
                    load,
                    format!("{} requests/s", format::thousands(top as u64)),
                    success_svg(&lanes),
                    per_user,
                    format!("{} per user request", format::number(per_top)),
                    p99,
                    latency((p99_top * MS as f64) as Nanos),
                ]
            }
            Err(_) => Default::default(),
        })
    });
    let chart = move |i: usize| move || charts.with(|c| c[i].clone());
    view! {
        <figure class="lane rt-chart">
            <figcaption><span class="lane-name">"Requests reaching the dependency, against what it can serve (dashed)"</span></figcaption>
            <svg class="chart" viewBox=VIEW_BOX preserveAspectRatio="none" role="img"
                aria-label=move || labels.with(|l| with_runs(runs, &|r| chart_label(r, l)))>
                <g inner_html=chart(0)></g>
                <PlayheadMarks playhead=playhead duration=duration.into() width=W height=H />
            </svg>
            <div class="axis-labels" aria-hidden="true">
                <span>"0"</span>
                <span>{chart(1)}</span>
            </div>
        </figure>
        <figure class="lane rt-chart">
            <figcaption><span class="lane-name">"User requests that succeed (gridlines at 50% and 90%)"</span></figcaption>
            <svg class="chart" viewBox=VIEW_BOX preserveAspectRatio="none" aria-hidden="true">
                <g inner_html=chart(2)></g>
                <PlayheadMarks playhead=playhead duration=duration.into() width=W height=H />
            </svg>
            <div class="axis-labels" aria-hidden="true"><span>"0%"</span><span>"100%"</span></div>
        </figure>
        <figure class="lane rt-chart">
            <figcaption><span class="lane-name">"Requests reaching the dependency per user request (gridline at 1)"</span></figcaption>
            <svg class="chart" viewBox=VIEW_BOX preserveAspectRatio="none" aria-hidden="true">
                <g inner_html=chart(3)></g>
                <PlayheadMarks playhead=playhead duration=duration.into() width=W height=H />
            </svg>
            <div class="axis-labels" aria-hidden="true"><span>"0"</span><span>{chart(4)}</span></div>
        </figure>
        <figure class="lane rt-chart">
            <figcaption><span class="lane-name">"99th percentile latency of the user requests that succeed"</span></figcaption>
            <svg class="chart" viewBox=VIEW_BOX preserveAspectRatio="none" aria-hidden="true">
                <g inner_html=chart(5)></g>
                <PlayheadMarks playhead=playhead duration=duration.into() width=W height=H />
            </svg>
            <div class="axis-labels" aria-hidden="true"><span>"0 ms"</span><span>{chart(6)}</span></div>
            <details class="data-table" inner_html=move || {
                let d = duration.get();
                labels.with(|l| with_runs(runs, &|r| data_table(r, l, d)))
            }></details>
            <LaneDownloads />
        </figure>
    }
}

/// Chart box width in SVG units (the SVG scales to its container).
pub const W: f64 = 600.0;
/// Each chart's height.
pub const H: f64 = 120.0;
/// The charts' `viewBox`.
pub const VIEW_BOX: &str = "0 0 600 120";

/// Requests a second reaching the dependency in each slice, per policy,
/// under a dashed line at what the dependency can serve; returns the SVG
/// and the scale's top (requests a second).
pub fn load_svg(runs: &[&LaneRun], capacity: &[f64], span: Nanos) -> (String, f64) {
    let slice_s = span as f64 / BINS as f64 / SEC as f64;
    let top =
        runs.iter().flat_map(|run| run.slices.iter().map(|s| f64::from(s.dependency) / slice_s)).fold(0.0, f64::max);
    let max = nice_max(top.max(capacity.iter().copied().fold(0.0, f64::max)).max(10.0));
    let mut svg = if capacity.is_empty() {
        String::new()
    } else {
        format!("<path class=\"capacity\" d=\"{}\"/>", step_line(capacity, max))
    };
    for (i, run) in runs.iter().enumerate() {
        let values: Vec<f64> = run.slices.iter().map(|s| f64::from(s.dependency) / slice_s).collect();
        let _ = write!(svg, "<path class=\"series lane-{}\" d=\"{}\"/>", i + 1, line(&values, max, W, H));
    }
    (svg, max)
}

/// What the chain's dependency can serve in each slice, in requests a
/// second: a queueing one's slots over its mean service time, as the
/// events leave them at the slice's start (behind servers too); servers'
/// the same, summed over those running, when they call nothing. A scripted
/// dependency serves every call at once: none.
pub fn capacity_per_slice(chain: &Chain, mean_work_ms: Option<f64>, span: Nanos) -> Vec<f64> {
    let start = |b: usize| span * b as u64 / BINS as u64;
    let queue = |dependency: &Dependency, changes: &[DependencyChange]| {
        (0..BINS)
            .map(|b| {
                let d = changes.iter().rev().find(|c| c.at <= start(b)).map_or(*dependency, |c| c.to);
                f64::from(d.concurrency) * SEC as f64 / d.mean_ns
            })
            .collect()
    };
    match &chain.target {
        Target::Queue { dependency, changes } => queue(dependency, changes),
        Target::Script(_) => Vec::new(),
        // Servers calling a dependency: the dependency's.
        Target::Servers { backend: Some(b), .. } => queue(&b.dependency, &b.changes),
        Target::Servers { servers, changes, backend: None } => {
            let per_ms = 1_000.0 / mean_work_ms.unwrap_or(1.0).max(1e-9);
            (0..BINS)
                .map(|b| {
                    let mut up: Vec<(bool, f64)> = servers.iter().map(|s| (true, s.speed)).collect();
                    for c in changes.iter().take_while(|c| c.at <= start(b)) {
                        if let Some(u) = up.get_mut(c.server) {
                            match c.change {
                                ServerChangeKind::Stop => u.0 = false,
                                ServerChangeKind::Start => u.0 = true,
                                ServerChangeKind::Speed(v) => u.1 = v,
                            }
                        }
                    }
                    servers
                        .iter()
                        .zip(&up)
                        .filter(|(_, u)| u.0)
                        .map(|(s, u)| f64::from(s.concurrency) * u.1 * per_ms)
                        .sum()
                })
                .collect()
        }
    }
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

/// Requests reaching the dependency per user request arriving, per slice
/// and lane (a gap where no user request arrived), over a gridline at one;
/// returns the SVG and the scale's top.
pub fn amplification_svg(runs: &[&LaneRun]) -> (String, f64) {
    let per = |s: &Slice| if s.users == 0 { -1.0 } else { f64::from(s.dependency) / f64::from(s.users) };
    let max = nice_max(runs.iter().flat_map(|run| run.slices.iter().map(per)).fold(1.0, f64::max));
    let y = r(H - H / max);
    let mut svg = format!("<line class=\"grid\" x1=\"0\" x2=\"{}\" y1=\"{y}\" y2=\"{y}\"/>", r(W));
    for (i, run) in runs.iter().enumerate() {
        let values: Vec<f64> = run.slices.iter().map(per).collect();
        let _ = write!(svg, "<path class=\"series lane-{}\" d=\"{}\"/>", i + 1, line_with_gaps(&values, max, W, H));
    }
    (svg, max)
}

/// The 99th percentile latency of each slice's user requests that
/// succeeded, in milliseconds, per lane (a gap where none did); returns the
/// SVG and the scale's top.
pub fn latency_svg(runs: &[&LaneRun]) -> (String, f64) {
    let p99 = |s: &Slice| if s.ok == 0 { -1.0 } else { s.latency.p99 as f64 / MS as f64 };
    let max = nice_max(runs.iter().flat_map(|run| run.slices.iter().map(p99)).fold(1.0, f64::max));
    let mut svg = String::new();
    for (i, run) in runs.iter().enumerate() {
        let values: Vec<f64> = run.slices.iter().map(p99).collect();
        let _ = write!(svg, "<path class=\"series lane-{}\" d=\"{}\"/>", i + 1, line_with_gaps(&values, max, W, H));
    }
    (svg, max)
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
pub fn chart_label(runs: &[&LaneRun], labels: &[String]) -> String {
    let parts: Vec<String> = runs
        .iter()
        .zip(labels)
        .map(|(run, label)| {
            let peak = run.slices.iter().map(|s| s.dependency).max().unwrap_or(0);
            format!(
                "{}: {} of user requests succeed, {} dependency requests per user request, at most {} in one slice",
                label,
                format::percent(f64::from(run.summary.ok) / f64::from(run.summary.users.max(1))),
                format::number(amplification(run)),
                format::thousands(u64::from(peak))
            )
        })
        .collect();
    format!("Load on the dependency and success over time. {}", parts.join("; "))
}

/// The charts' data as a table, one row per tenth of the run.
pub fn data_table(runs: &[&LaneRun], labels: &[String], span: Nanos) -> String {
    let mut html = String::from(
        "<summary>Load, success and latency over time as a table</summary><table><thead><tr><th scope=\"col\">From</th>",
    );
    for label in labels {
        let label = escape(label);
        let _ = write!(
            html,
            "<th scope=\"col\">{label} requests/s</th><th scope=\"col\">per user request</th><th scope=\"col\">succeeded</th>\
             <th scope=\"col\">p99, worst slice</th>"
        );
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
            let worst = part.iter().map(|s| s.latency.p99).max().unwrap_or(0);
            let _ = write!(
                html,
                "<td>{}</td><td>{}</td><td>{}</td><td>{}</td>",
                format::thousands((f64::from(dep) / tenth_s).round() as u64),
                format::number(f64::from(dep) / f64::from(users.max(1))),
                format::percent(f64::from(ok) / f64::from(users.max(1))),
                if ok == 0 { "none".to_string() } else { latency(worst) }
            );
        }
        html.push_str("</tr>");
    }
    html.push_str("</tbody></table>");
    html
}

pub use crate::ui::format::latency;

/// The summary table: one row per lane.
pub fn summary_table(runs: &[&LaneRun], labels: &[String]) -> String {
    let mut html = String::from(
        "<caption>Whole run</caption><thead><tr><th scope=\"col\">Policy</th><th scope=\"col\">User requests</th>\
         <th scope=\"col\">Succeeded</th><th scope=\"col\">Dependency requests</th><th scope=\"col\">Per user request</th>\
         <th scope=\"col\">Retries</th><th scope=\"col\">Refused by budget</th><th scope=\"col\">p50</th><th scope=\"col\">p99</th>\
         <th scope=\"col\">Attempts by layer</th></tr></thead><tbody>",
    );
    for (i, (run, label)) in runs.iter().zip(labels).enumerate() {
        let m = run.summary;
        let _ = write!(
            html,
            "<tr><th scope=\"row\"><span class=\"swatch lane-{}\"></span>{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td>\
             <td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            i + 1,
            escape(label),
            format::thousands(u64::from(m.users)),
            format::percent(f64::from(m.ok) / f64::from(m.users.max(1))),
            format::thousands(u64::from(m.dependency)),
            format::number(amplification(run)),
            format::thousands(u64::from(m.retries + m.hedges)),
            format::thousands(u64::from(m.denied)),
            latency(m.latency.p50),
            latency(m.latency.p99),
            by_layer(run),
        );
    }
    html.push_str("</tbody>");
    html
}

/// Attempts at each layer that made any, the users' own clients first: `400 / 1,200 / 3,600`.
pub fn by_layer(run: &LaneRun) -> String {
    let layers = &run.summary.by_layer;
    let used = layers.iter().rposition(|&n| n > 0).map_or(1, |i| i + 1);
    layers[..used].iter().map(|&n| format::thousands(u64::from(n))).collect::<Vec<_>>().join(" / ")
}
