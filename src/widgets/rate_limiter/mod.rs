//! The rate-limiter widget: controls, a timeline of arrivals coloured by
//! outcome, each limiter's internal state over time, a summary, up to three
//! limiters side by side on one trace, and a playback bar over simulated time.
//!
//! The component holds the scenario in one signal; a memo re-runs the whole
//! scenario when it changes, and everything drawn is derived from that run
//! and the playhead. Nothing here knows an algorithm's internals beyond the
//! engine's public decisions, levels and summaries.

mod render;

use super::shell::{remove_lane_button, LaneEdit, Shell};
use super::Mode;
use crate::scenario::{RateLimiterScenario};
use crate::sim::rate_limiter::presets;
use crate::sim::kernel::time::{ms_to_ns, Nanos, MS};
use crate::sim::kernel::traffic::{Arrival, Traffic};
use crate::sim::rate_limiter::run::{LaneRun, Summary};
use crate::sim::rate_limiter::{Algorithm, LimiterConfig, NginxDelay};
use crate::ui::controls::{NumberControl, PatternSelect, SeedControl, SelectControl};
use crate::ui::format;
use crate::ui::playback::{Playback, PlayheadMarks};
use crate::ui::share::LaneDownloads;
use crate::ui::Shared;
use leptos::prelude::*;
use std::sync::Arc;

/// Slices the run is binned into for drawing.
pub const BINS: usize = 200;

/// The run every view of the widget reads.
type Computed = Shared<Result<Vec<LaneRun>, String>>;

/// Totals of the decisions made up to `playhead` (all of them when `None`).
pub fn summary_until(lane: &LaneRun, playhead: Option<Nanos>, duration: Nanos) -> Summary {
    match playhead {
        None => lane.summary,
        Some(t) => {
            let n = lane.decisions.partition_point(|d| d.at <= t);
            // No elapsed time, no rate: Summary::of leaves it at 0.
            Summary::of(&lane.decisions[..n], t.min(duration))
        }
    }
}

super::shell::widget_entry!(RateLimiterScenario, RateLimiterWidget);

/// The rate-limiter widget.
#[component]
pub fn RateLimiterWidget(
    initial: RateLimiterScenario,
    mode: Mode,
    title: Option<String>,
    notice: Option<String>,
) -> impl IntoView {
    let shell = Shell::new(initial, notice);
    let Shell { scenario, status, .. } = shell;

    let runs = Memo::new(move |_| Shared(Arc::new(scenario.with(|s| s.run(BINS)))));
    // The lanes' DOM persists across runs; only their drawings update.
    let lane_count = Memo::new(move |_| runs.with(|r| r.0.as_ref().as_ref().map_or(0, Vec::len)));
    let run_error = Memo::new(move |_| runs.with(|r| r.0.as_ref().as_ref().err().cloned()));
    let duration = Memo::new(move |_| scenario.with(|s| s.duration_ms * MS));
    let playback = Playback::new(shell.opened_at, duration.into(), BINS);
    let shell = shell.with_playback(playback);
    let playhead = playback.playhead;
    // What decides the controls' shape; they are rebuilt only when these change,
    // so a slider keeps its focus and drag while the run updates.
    let lane_algorithms =
        Memo::new(move |_| scenario.with(|s| s.limiters.iter().map(|l| l.algorithm).collect::<Vec<_>>()));
    let pattern = Memo::new(move |_| scenario.with(|s| s.traffic.pattern()));

    // Applies an edit only if the result is valid; otherwise explains why.
    let editor = shell.editor();
    let edit = move |f: &dyn Fn(&mut RateLimiterScenario)| {
        editor(f);
    };

    let fire = move |count: u32| {
        let at = playback.now_or_mid();
        let at_ms = at as f64 / MS as f64;
        edit(&|s| {
            // Keep hand-fired requests in time order, after any already at this instant.
            let at = s.extra.partition_point(|a| a.0 <= at_ms);
            s.extra.splice(at..at, std::iter::repeat_n(Arrival(at_ms, 1), count as usize));
        });
        status.set(Some(format!(
            "Fired {count} request{} at {}",
            if count == 1 { "" } else { "s" },
            format::seconds(at)
        )));
    };

    let controls = view! {
            <div class="controls" role="group" aria-label="Traffic">
                {shell.preset_select(&presets::PRESETS, presets::preset)}
                <PatternSelect
                    label="Traffic"
                    patterns=&["steady", "bursty", "poisson", "spike"]
                    current=pattern
                    on_change=Callback::new(move |p: String| {
                        if let Some(t) = Traffic::example(&p) {
                            edit(&|s| s.traffic = t.clone());
                        }
                    })
                />
                {move || {
                    let p = pattern.get();
                    (p != "list").then(|| view! {
                        <NumberControl
                            label=if p == "spike" { "Spike rate" } else { "Rate" }
                            value=Signal::derive(move || scenario.with(|s| s.traffic.rate().unwrap_or(0.0)))
                            min=0.0
                            max=1000.0
                            step=1.0
                            unit="req/s"
                            on_change=Callback::new(move |v: f64| edit(&|s| if let Some(r) = s.traffic.rate_mut() { *r = v }))
                        />
                        <NumberControl
                            label="Cost per request"
                            value=Signal::derive(move || scenario.with(|s| f64::from(s.traffic.cost().unwrap_or(1))))
                            min=1.0
                            max=200.0
                            step=1.0
                            on_change=Callback::new(move |v: f64| edit(&|s| if let Some(c) = s.traffic.cost_mut() { *c = v as u32 }))
                        />
                    })
                }}
                <NumberControl
                    label="Duration"
                    value=Signal::derive(move || scenario.with(|s| s.duration_ms as f64 / 1000.0))
                    min=1.0
                    max=300.0
                    step=1.0
                    unit="s"
                    on_change=Callback::new(move |v: f64| edit(&|s| {
                        s.duration_ms = (v * 1000.0).round().max(0.0) as u64;
                        // Requests after the new end, fired by hand or listed, go with it.
                        let end = s.duration_ms * MS;
                        s.extra.retain(|a| ms_to_ns(a.0) < end);
                        if let Traffic::List { requests } = &mut s.traffic {
                            requests.retain(|a| ms_to_ns(a.0) < end);
                        }
                    }))
                />
                <SeedControl
                    value=Signal::derive(move || scenario.with(|s| s.seed))
                    on_change=Callback::new(move |seed: u64| { edit(&|s| s.seed = seed); })
                />
                <div class="fire" role="group" aria-label="Fire requests by hand at the playhead">
                    <button type="button" on:click=move |_| fire(1)>"Fire 1 request"</button>
                    <button type="button" on:click=move |_| fire(10)>"Fire a burst of 10"</button>
                    <button
                        type="button"
                        disabled=move || scenario.with(|s| s.extra.is_empty())
                        on:click=move |_| {
                            edit(&|s| s.extra.clear());
                            status.set(Some("Cleared requests fired by hand".into()));
                        }
                    >
                        "Clear fired"
                    </button>
                </div>
            </div>
            {shell.lanes_controls(
                lane_algorithms,
                move |i, algorithm| {
                    view! {
                        <LaneControls
                            index=i
                            algorithm=algorithm
                            scenario=scenario
                            edit=Callback::new(move |f: Edit| {
                                edit(&|s| {
                                    if let Some(l) = s.limiters.get_mut(i) {
                                        (f.0)(l)
                                    }
                                })
                            })
                            remove=Callback::new(move |_| shell.remove_lane(i, |s| &mut s.limiters))
                        />
                    }
                },
                |s| s.limiters.len() < crate::scenario::MAX_LANES,
                |s| {
                    let mut next = s.limiters[s.limiters.len() - 1].clone();
                    next.algorithm = Algorithm::ALL.into_iter().find(|a| !s.limiters.iter().any(|l| l.algorithm == *a)).unwrap_or(Algorithm::Gcra);
                    if next.algorithm == Algorithm::Nginx { next.period_ms = 1000; }
                    s.limiters.push(next);
                },
                "+ Compare another algorithm",
            )}
    };
    let outputs = view! {
                <div class="lanes">
                    {move || {
                        (0..lane_count.get())
                            .map(|i| view! { <LaneChart index=i runs=runs playhead=playhead duration=duration.into() /> })
                            .collect_view()
                    }}
                </div>
                <SummaryTable runs=runs playhead=playhead duration=duration.into() />
    };
    shell.view(mode, title, run_error, super::shell::legend![
            ("allowed", "allowed"), ("delayed", "delayed"), ("rejected", "rejected"), ("state", "limiter state"),
            ("capacity", "limit"),
        ], controls, outputs)
}

/// An edit to one lane's settings.
type Edit = LaneEdit<LimiterConfig>;

#[component]
fn LaneControls(
    index: usize,
    algorithm: Algorithm,
    scenario: RwSignal<RateLimiterScenario>,
    edit: Callback<Edit>,
    remove: Callback<()>,
) -> impl IntoView {
    let cfg = move || scenario.with(|s| s.limiters.get(index).cloned());
    let lanes = move || scenario.with(|s| s.limiters.len());
    view! {
        <fieldset class="lane-controls">
            <legend>{move || format!("Limiter {}", index + 1)}</legend>
            <SelectControl
                label="Algorithm"
                options=Algorithm::ALL.iter().map(|a| (a.name().to_string(), a.label().to_string())).collect()
                value=Signal::derive(move || algorithm.name().to_string())
                on_change=Callback::new(move |name: String| {
                    if let Some(a) = Algorithm::from_name(&name) {
                        edit.run(Edit::new(move |l| {
                            l.algorithm = a;
                            if a == Algorithm::Nginx && l.period_ms != 1000 && l.period_ms != 60_000 {
                                l.period_ms = 1000;
                            }
                        }));
                    }
                })
            />
            <NumberControl
                label=if algorithm.uses_burst() { "Rate (per period)" } else { "Limit (per window)" }
                value=Signal::derive(move || cfg().map_or(1.0, |c| f64::from(c.limit)))
                min=1.0
                max=500.0
                step=1.0
                on_change=Callback::new(move |v: f64| edit.run(Edit::new(move |l| l.limit = v as u32)))
            />
            <SelectControl
                label="Period"
                options=vec![("100".into(), "100 ms".into()), ("1000".into(), "1 second".into()), ("10000".into(), "10 seconds".into()), ("60000".into(), "1 minute".into())]
                value=Signal::derive(move || cfg().map_or(String::new(), |c| c.period_ms.to_string()))
                on_change=Callback::new(move |v: String| {
                    if let Ok(p) = v.parse::<u64>() {
                        edit.run(Edit::new(move |l| l.period_ms = p));
                    }
                })
            />
            <Show when=move || algorithm.uses_burst()>
                <NumberControl
                    label="Burst"
                    value=Signal::derive(move || cfg().map_or(0.0, |c| f64::from(c.effective_burst())))
                    min=0.0
                    max=500.0
                    step=1.0
                    on_change=Callback::new(move |v: f64| edit.run(Edit::new(move |l| l.burst = Some(v as u32))))
                />
            </Show>
            <Show when=move || algorithm == Algorithm::Nginx>
                <SelectControl
                    label="Excess requests"
                    options=vec![("nodelay".into(), "nodelay: pass at once".into()), ("0".into(), "delay all (default)".into()), ("1".into(), "delay=1".into()), ("2".into(), "delay=2".into()), ("5".into(), "delay=5".into())]
                    value=Signal::derive(move || match cfg().map(|c| c.delay) {
                        Some(NginxDelay::NoDelay) => "nodelay".to_string(),
                        Some(NginxDelay::Delay(n)) => n.to_string(),
                        None => String::new(),
                    })
                    on_change=Callback::new(move |v: String| {
                        let d = if v == "nodelay" { NginxDelay::NoDelay } else { NginxDelay::Delay(v.parse().unwrap_or(0)) };
                        edit.run(Edit::new(move |l| l.delay = d));
                    })
                />
            </Show>
            {remove_lane_button(index, "limiter", lanes, remove)}
        </fieldset>
    }
}

/// Reads lane `index` of the current run, if the run succeeded.
fn with_lane<T>(runs: Memo<Computed>, index: usize, f: impl FnOnce(&LaneRun) -> T) -> Option<T> {
    runs.with(|r| r.0.as_ref().as_ref().ok().and_then(|lanes| lanes.get(index)).map(f))
}

#[component]
fn LaneChart(
    index: usize,
    runs: Memo<Computed>,
    playhead: RwSignal<Option<Nanos>>,
    duration: Signal<Nanos>,
) -> impl IntoView {
    let bin_ns = move || duration.get().div_ceil(BINS as u64).max(1);
    let lane = move |f: &dyn Fn(&LaneRun) -> String| with_lane(runs, index, f).unwrap_or_default();
    view! {
        <figure class="lane">
            <figcaption>
                <span class="lane-name">{move || lane(&|l| l.config.algorithm.label().to_string())}</span>
                <span class="lane-params">{move || lane(&|l| render::describe(&l.config))}</span>
            </figcaption>
            <svg
                class="chart"
                viewBox=render::VIEW_BOX
                preserveAspectRatio="none"
                role="img"
                aria-label=move || lane(&|l| render::chart_label(l, bin_ns()))
            >
                <g inner_html=move || lane(&render::chart_svg)></g>
                <PlayheadMarks playhead=playhead duration=duration width=render::W height=render::H />
            </svg>
            <div class="axis-labels" aria-hidden="true" inner_html=move || lane(&|l| render::axis_labels(l, bin_ns()))></div>
            <details class="data-table" inner_html=move || lane(&|l| render::data_table(l, bin_ns()))></details>
            <LaneDownloads />
        </figure>
    }
}

#[component]
fn SummaryTable(runs: Memo<Computed>, playhead: RwSignal<Option<Nanos>>, duration: Signal<Nanos>) -> impl IntoView {
    let html = move || {
        let (t, d) = (playhead.get(), duration.get());
        runs.with(|r| match r.0.as_ref() {
            Ok(lanes) => {
                let rows: Vec<_> = lanes.iter().map(|l| (&l.config, summary_until(l, t, d))).collect();
                render::summary_table(&rows, t)
            }
            Err(_) => String::new(),
        })
    };
    view! { <table class="summary" inner_html=html></table> }
}
