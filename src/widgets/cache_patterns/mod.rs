//! The cache-patterns widget: one stream of reads and writes through up to
//! three strategies side by side, each in front of the same database: the
//! database's queries per second, the readers' 99th-percentile latency and
//! the hit ratio over time, a summary with stale reads and lost writes, and
//! a button that kills the cache node at the playhead.
//!
//! The requests are drawn once per seed, workload and write share (a
//! strategy, cache or database change re-runs only the lanes).

mod render;

use super::shell::{remove_lane_button, Shell};
use super::Mode;
use crate::scenario::CachePatternsScenario;
use crate::sim::cache_patterns::run::{run_lane, LaneRun, Trial, BINS};
use crate::sim::cache_patterns::scenario::{Cache, Database};
use crate::sim::cache_patterns::{presets, Lane, Strategy, MAX_BETA, MAX_KEYS, MAX_REQUESTS};
use crate::sim::kernel::time::{Nanos, MS};
use crate::ui::controls::{self, NumberControl, SeedControl, SelectControl};
use crate::ui::playback::{Playback, PlayheadMarks};
use crate::ui::share::LaneDownloads;
use crate::ui::{rerun_changed, LaneCache, Shared};
use leptos::prelude::*;
use render::Series;
use std::sync::Arc;

/// The runs every view of the widget reads.
type Computed = Shared<Result<Vec<Arc<LaneRun>>, String>>;
/// What a lane's run depends on besides the requests.
type LaneKey = (Lane, Cache, Database, bool, Option<u64>);

super::shell::widget_entry!(CachePatternsScenario, CachePatternsWidget);

/// The cache-patterns widget.
#[component]
pub fn CachePatternsWidget(
    initial: CachePatternsScenario,
    mode: Mode,
    title: Option<String>,
    notice: Option<String>,
) -> impl IntoView {
    let shell = Shell::new(initial, notice);
    let Shell { scenario, status, .. } = shell;

    // What the draws depend on; the trial is drawn again only when this changes.
    let inputs = Memo::new(move |_| scenario.with(|s| (s.seed, s.workload.clone(), s.writes.to_bits())));
    let trial = Memo::new(move |_| {
        inputs.with(|_| ());
        Shared(Arc::new(scenario.with_untracked(CachePatternsScenario::trial)))
    });
    // Each lane runs again only when it, the cache, the database or the
    // requests changed: a lane's own slider re-runs that lane alone.
    let lane_cache: LaneCache<LaneKey, Trial, Arc<LaneRun>> = StoredValue::new(Vec::new());
    let runs: Memo<Computed> = Memo::new(move |_| {
        let t = trial.get();
        Shared(Arc::new(scenario.with(|s| {
            s.validate()?;
            let lanes = s.lanes.iter().map(|l| (l.clone(), s.cache.clone(), s.database.clone(), s.warm, s.crash_ms)).collect();
            rerun_changed(lane_cache, &t, lanes, |(lane, ..)| Ok(Arc::new(run_lane(s, lane, &t.0))))
        })))
    });
    let run_error = Memo::new(move |_| runs.with(|r| r.0.as_ref().as_ref().err().cloned()));
    let span: Memo<Nanos> = Memo::new(move |_| trial.with(|t| t.0.span));
    let playback = Playback::new(shell.opened_at, span.into(), BINS);
    let shell = shell.with_playback(playback);
    let playhead = playback.playhead;
    let crash = Memo::new(move |_| scenario.with(|s| s.crash_ms.map(|ms| ms.saturating_mul(MS))));
    let lane_shapes = Memo::new(move |_| scenario.with(|s| s.lanes.iter().map(|l| l.strategy).collect::<Vec<_>>()));
    let editor = shell.editor();
    let edit = move |f: &dyn Fn(&mut CachePatternsScenario)| {
        editor(f);
    };
    let ok_runs = move |f: &dyn Fn(&[Arc<LaneRun>]) -> String| runs.with(|r| r.0.as_ref().as_ref().map(|v| f(v)).unwrap_or_default());
    let number = move |label: &'static str,
                       get: fn(&CachePatternsScenario) -> f64,
                       (min, max, step): (f64, f64, f64),
                       unit: &'static str,
                       set: fn(&mut CachePatternsScenario, f64)| {
        view! {
            <NumberControl
                label=label
                value=Signal::derive(move || scenario.with(get))
                min=min
                max=max
                step=step
                unit=unit
                on_change=Callback::new(move |v: f64| edit(&|s| set(s, v)))
            />
        }
    };
    let kill = move |_| {
        let at = playback.now_or_mid();
        if editor(&|s| s.crash_ms = Some(at / MS)) {
            status.set(Some(format!("The cache node dies at {}, and comes back empty", crate::ui::format::seconds(at))));
        }
    };

    let controls = view! {
        <div class="controls" role="group" aria-label="Traffic, cache and database">
            {shell.preset_select(&presets::PRESETS, presets::preset)}
            {controls::workload_controls(scenario, |s| &s.workload, MAX_KEYS, move |f| edit(&|s| f(&mut s.workload)))}
            {number("Rate", |s| f64::from(s.workload.rate), (1.0, 20_000.0, 100.0), "req/s", |s, v| s.workload.rate = v as u32)}
            {number("Requests", |s| f64::from(s.workload.requests), (1.0, f64::from(MAX_REQUESTS), 1000.0), "", |s, v| s.workload.requests = v as u32)}
            {number("Writes", |s| s.writes * 100.0, (0.0, 100.0, 1.0), "%", |s, v| s.writes = v / 100.0)}
            {number("Cache capacity", |s| f64::from(s.cache.capacity), (1.0, f64::from(MAX_KEYS), 1.0), "keys", |s, v| s.cache.capacity = v as u32)}
            {number("Cache round trip", |s| s.cache.latency_ms, (0.0, 10.0, 0.1), "ms", |s, v| s.cache.latency_ms = v)}
            {number("Database connections", |s| f64::from(s.database.connections), (1.0, 200.0, 1.0), "", |s, v| s.database.connections = v as u32)}
            {number("Database read", |s| s.database.read_ms, (0.1, 1_000.0, 0.1), "ms", |s, v| s.database.read_ms = v)}
            {number("Database write", |s| s.database.write_ms, (0.1, 1_000.0, 0.1), "ms", |s, v| s.database.write_ms = v)}
            <label class="control checkbox">
                <input
                    type="checkbox"
                    prop:checked=move || scenario.with(|s| s.warm)
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        edit(&|s| s.warm = on);
                    }
                />
                <span class="control-label">"Start with a warm cache"</span>
            </label>
            <SeedControl
                value=Signal::derive(move || scenario.with(|s| s.seed))
                on_change=Callback::new(move |seed: u64| edit(&|s| s.seed = seed))
            />
            <div class="fire" role="group" aria-label="The cache node">
                <button type="button" class="break" on:click=kill>"Kill the cache node now"</button>
                <Show when=move || crash.get().is_some()>
                    <button type="button" class="heal" on:click=move |_| edit(&|s| s.crash_ms = None)>"Keep it alive"</button>
                </Show>
            </div>
        </div>
        {shell.lanes_controls(
            lane_shapes,
            move |i, strategy| view! { <LaneControls index=i strategy=strategy shell=shell /> },
            |s| s.lanes.len() < crate::scenario::MAX_LANES,
            |s| {
                let ttl = s.lanes.first().map_or(10_000, |l| l.ttl_ms);
                let next = Strategy::ALL.into_iter().find(|st| !s.lanes.iter().any(|l| l.strategy == *st)).unwrap_or_default();
                s.lanes.push(Lane::new(next, ttl));
            },
            "+ Compare another strategy",
        )}
    };
    let chart = move |series: Series| {
        let drawn = Memo::new(move |_| {
            let (span, crash) = (span.get(), crash.get());
            runs.with(|r| r.0.as_ref().as_ref().map(|v| render::chart_svg(series, v, span, crash)).unwrap_or_default())
        });
        view! {
            <figure class="lane">
                <figcaption><span class="lane-name">{series.title()}</span></figcaption>
                <svg class="chart" viewBox=render::VIEW_BOX preserveAspectRatio="none" role="img"
                    aria-label=move || ok_runs(&|r| render::chart_label(series, r))>
                    <g inner_html=move || drawn.with(|d| d.0.clone())></g>
                    <PlayheadMarks playhead=playhead duration=span.into() width=render::W height=render::H />
                </svg>
                <div class="axis-labels" aria-hidden="true"><span>"0"</span><span>{move || drawn.with(|d| d.1.clone())}</span></div>
            </figure>
        }
    };
    let outputs = view! {
        {move || crash.get().filter(|&at| at < span.get()).map(|at| view! {
            <p class="crash-note"><span class="crash-mark" aria-hidden="true"></span>
                {format!("The cache node dies at {} (the red rule), and comes back empty.", crate::ui::format::seconds(at))}
            </p>
        })}
        <div class="charts">
            {chart(Series::Queries)}
            {chart(Series::ReadP99)}
            {chart(Series::HitRatio)}
        </div>
        <details class="data-table" inner_html=move || { let s = span.get(); ok_runs(&|r| render::data_table(r, s)) }></details>
        <LaneDownloads />
        <table class="summary" inner_html=move || ok_runs(&render::summary_table)></table>
        <ul class="lane-notes" inner_html=move || ok_runs(&render::notes)></ul>
    };
    shell.view(mode, title, run_error, super::shell::legend![
        ("lane-1", "first strategy"), ("lane-2", "second strategy"), ("lane-3", "third strategy"),
    ], controls, outputs)
}

/// One lane's controls: the strategy, its TTL and jitter, single-flight
/// (cache-aside), XFetch's β and write-behind's flush interval.
#[component]
fn LaneControls(index: usize, strategy: Strategy, shell: Shell<CachePatternsScenario>) -> impl IntoView {
    let scenario = shell.scenario;
    let lane = move |f: fn(&Lane) -> f64| scenario.with(|s| s.lanes.get(index).map_or(0.0, f));
    let set = move |f: &dyn Fn(&mut Lane)| {
        shell.edit(&|s| {
            if let Some(l) = s.lanes.get_mut(index) {
                f(l)
            }
        });
    };
    let number = move |label: &'static str, get: fn(&Lane) -> f64, (min, max, step): (f64, f64, f64), unit: &'static str, put: fn(&mut Lane, f64)| {
        view! {
            <NumberControl
                label=label
                value=Signal::derive(move || lane(get))
                min=min
                max=max
                step=step
                unit=unit
                on_change=Callback::new(move |v: f64| set(&|l| put(l, v)))
            />
        }
    };
    view! {
        <fieldset class="lane-controls">
            <legend><span class=format!("swatch lane-{}", index + 1)></span>{format!("Strategy {}", index + 1)}</legend>
            <SelectControl
                label="Strategy"
                options=Strategy::ALL.iter().map(|s| (s.name().to_string(), s.name().to_string())).collect()
                value=Signal::derive(move || strategy.name().to_string())
                on_change=Callback::new(move |n: String| {
                    if let Some(st) = Strategy::from_name(&n) {
                        set(&|l| {
                            l.strategy = st;
                            l.single_flight &= st == Strategy::CacheAside;
                        });
                    }
                })
            />
            {number("TTL", |l| l.ttl_ms as f64, (0.0, 120_000.0, 500.0), "ms", |l, v| l.ttl_ms = v as u64)}
            {number("TTL jitter", |l| l.jitter * 100.0, (0.0, 100.0, 1.0), "%", |l, v| l.jitter = v / 100.0)}
            {number("XFetch β", |l| l.xfetch, (0.0, MAX_BETA, 0.1), "", |l, v| l.xfetch = v)}
            {(strategy == Strategy::CacheAside).then(|| view! {
                <label class="control checkbox">
                    <input
                        type="checkbox"
                        prop:checked=move || scenario.with(|s| s.lanes.get(index).is_some_and(|l| l.single_flight))
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            set(&|l| l.single_flight = on);
                        }
                    />
                    <span class="control-label">"Single-flight (coalesce misses)"</span>
                </label>
            })}
            {(strategy == Strategy::WriteBehind).then(|| number("Flush every", |l| l.flush_ms as f64, (1.0, 10_000.0, 50.0), "ms", |l, v| l.flush_ms = v as u64))}
            {remove_lane_button(index, "strategy", move || scenario.with(|s| s.lanes.len()), Callback::new(move |_| shell.remove_lane(index, |s| &mut s.lanes)))}
        </fieldset>
    }
}
