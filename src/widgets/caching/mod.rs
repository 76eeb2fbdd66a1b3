//! The caching widget: one workload against one capacity under up to three
//! eviction policies side by side: the hit ratio of each over time, which
//! of the most requested keys each holds at the playhead, the latest
//! requests with what each policy evicted for them, and a summary.
//!
//! The workload is drawn once per seed and workload (a policy or capacity
//! change re-runs only the policies); everything drawn is derived from the
//! runs and the playhead's slice.

mod render;

use super::shell::{remove_lane_button, Shell};
use super::Mode;
use crate::scenario::CachingScenario;
use crate::sim::caching::presets;
use crate::sim::caching::run::{trace_policy, PolicyRun, Trial, BINS};
use crate::sim::caching::workload::{MAX_KEYS, MAX_REQUESTS};
use crate::sim::caching::{Policy, MAX_CAPACITY};
use crate::sim::kernel::time::{Nanos, MS};
use crate::ui::controls::{self, NumberControl, SeedControl, SelectControl};
use crate::ui::playback::{Playback, PlayheadMarks};
use crate::ui::share::LaneDownloads;
use crate::ui::{rerun_changed, LaneCache, Shared};
use leptos::prelude::*;
use std::sync::Arc;

/// The runs every view of the widget reads.
type Computed = Shared<Result<Vec<Arc<PolicyRun>>, String>>;

super::shell::widget_entry!(CachingScenario, CachingWidget);

/// The slice the playhead is in (`None` at the end of the run).
fn slice(playhead: Option<Nanos>, duration: Nanos) -> Option<usize> {
    playhead.map(|t| ((t as u128 * BINS as u128 / u128::from(duration.max(1))) as usize).min(BINS - 1))
}

/// The caching widget.
#[component]
pub fn CachingWidget(
    initial: CachingScenario,
    mode: Mode,
    title: Option<String>,
    notice: Option<String>,
) -> impl IntoView {
    let shell = Shell::new(initial, notice);
    let Shell { scenario, .. } = shell;

    // What the draws depend on; the trial is drawn again only when this changes.
    let inputs = Memo::new(move |_| scenario.with(|s| (s.seed, s.workload.clone())));
    let trial = Memo::new(move |_| {
        inputs.with(|_| ());
        Shared(Arc::new(scenario.with_untracked(CachingScenario::trial)))
    });
    // Each policy runs again only when it, the capacity or the requests
    // changed: a policy's own slider re-runs that lane alone. Every
    // request's outcome is kept for the view of the latest requests.
    let lane_cache: LaneCache<(Policy, u32), Trial, Arc<PolicyRun>> = StoredValue::new(Vec::new());
    let runs: Memo<Computed> = Memo::new(move |_| {
        let t = trial.get();
        Shared(Arc::new(scenario.with(|s| {
            s.validate()?;
            let lanes = s.policies.iter().map(|p| (p.clone(), s.capacity)).collect();
            rerun_changed(lane_cache, &t, lanes, |(p, capacity)| Ok(Arc::new(trace_policy(p, &t.0, &s.workload, *capacity))))
        })))
    });
    let run_error = Memo::new(move |_| runs.with(|r| r.0.as_ref().as_ref().err().cloned()));
    let duration = Memo::new(move |_| scenario.with(|s| s.duration_ms() * MS));
    let playback = Playback::new(shell.opened_at, duration.into(), BINS);
    let shell = shell.with_playback(playback);
    let playhead = playback.playhead;
    // The slice the playhead is in: the hot keys and the summary redraw when
    // it moves to another slice, not on every tick.
    let upto = Memo::new(move |_| slice(playhead.get(), duration.get()));
    let lane_policies = Memo::new(move |_| scenario.with(|s| s.policies.iter().map(Policy::name).collect::<Vec<_>>()));
    let editor = shell.editor();
    let edit = move |f: &dyn Fn(&mut CachingScenario)| {
        editor(f);
    };
    let ok_runs = move |f: &dyn Fn(&[Arc<PolicyRun>]) -> String| runs.with(|r| r.0.as_ref().as_ref().map(|v| f(v)).unwrap_or_default());

    let controls = view! {
            <div class="controls" role="group" aria-label="Workload and cache">
                {shell.preset_select(&presets::PRESETS, presets::preset)}
                {controls::workload_controls(scenario, |s| &s.workload, MAX_KEYS, move |f| edit(&|s| f(&mut s.workload)))}
                <NumberControl
                    label="Capacity"
                    value=Signal::derive(move || scenario.with(|s| f64::from(s.capacity)))
                    min=1.0
                    max=f64::from(MAX_CAPACITY)
                    step=1.0
                    unit="keys"
                    on_change=Callback::new(move |v: f64| edit(&|s| s.capacity = v as u32))
                />
                <NumberControl
                    label="Requests"
                    value=Signal::derive(move || scenario.with(|s| f64::from(s.workload.requests)))
                    min=1.0
                    max=f64::from(MAX_REQUESTS)
                    step=1000.0
                    on_change=Callback::new(move |v: f64| edit(&|s| s.workload.requests = v as u32))
                />
                <SeedControl
                    value=Signal::derive(move || scenario.with(|s| s.seed))
                    on_change=Callback::new(move |seed: u64| edit(&|s| s.seed = seed))
                />
            </div>
            {shell.lanes_controls(
                lane_policies,
                move |i, name: &'static str| view! { <PolicyControls index=i name=name shell=shell /> },
                |s| s.policies.len() < crate::scenario::MAX_LANES,
                |s| {
                    let next = Policy::all().into_iter().find(|p| !s.policies.iter().any(|q| q.name() == p.name())).unwrap_or(Policy::Lru);
                    s.policies.push(next);
                },
                "+ Compare another policy",
            )}
    };
    let outputs = view! {
                <figure class="lane caching-chart">
                    <figcaption><span class="lane-name">"Hit ratio over time"</span></figcaption>
                    <svg class="chart" viewBox=render::VIEW_BOX preserveAspectRatio="none" role="img"
                        aria-label=move || ok_runs(&render::chart_label)>
                        <g inner_html=move || ok_runs(&render::chart_svg)></g>
                        <PlayheadMarks playhead=playhead duration=duration.into() width=render::W height=render::H />
                    </svg>
                    <div class="axis-labels" aria-hidden="true"><span>"0%"</span><span>"100% of requests hit"</span></div>
                    <details class="data-table" inner_html=move || {
                        let d = duration.get() / MS;
                        ok_runs(&|r| render::data_table(r, d))
                    }></details>
                    <LaneDownloads />
                </figure>
                <div class="hot-keys">
                    <p class="hot-caption">{move || trial.with(|t| format!("The {} most requested keys, hottest first: filled where cached", t.0.hot.len()))}</p>
                    <div inner_html=move || {
                        let bin = upto.get().unwrap_or(BINS - 1);
                        trial.with(|t| ok_runs(&|r| render::hot_keys(r, &t.0.hot, bin)))
                    }></div>
                </div>
                <table class="recent" inner_html=move || {
                    let t_ms = playhead.get().map_or(u64::MAX, |t| t / MS);
                    let last = scenario.with_untracked(|s| s.workload.last_at(t_ms)) as usize;
                    trial.with(|t| ok_runs(&|r| render::recent(r, &t.0.keys, last)))
                }></table>
                <table class="summary" inner_html=move || {
                    let upto = upto.get();
                    ok_runs(&|r| {
                        let rows: Vec<_> = r.iter().map(|run| (&run.policy, run.summary_until(upto))).collect();
                        render::summary_table(&rows, upto.is_some())
                    })
                }></table>
    };
    shell.view(mode, title, run_error, super::shell::legend![
            ("lane-1", "first policy"), ("lane-2", "second policy"), ("lane-3", "third policy"), ("cached", "key cached"),
        ], controls, outputs)
}

/// One policy's controls: which policy, and Redis's settings for it.
#[component]
fn PolicyControls(index: usize, name: &'static str, shell: Shell<CachingScenario>) -> impl IntoView {
    let scenario = shell.scenario;
    let policy = move || scenario.with(|s| s.policies.get(index).cloned());
    let set = move |f: &dyn Fn(&mut Policy)| {
        shell.edit(&|s| {
            if let Some(p) = s.policies.get_mut(index) {
                f(p)
            }
        });
    };
    let samples = move || match policy() {
        Some(Policy::RedisLru { samples } | Policy::RedisLfu { samples, .. }) => f64::from(samples),
        _ => 5.0,
    };
    let lfu = move |f: fn(u32, u32) -> u32| match policy() {
        Some(Policy::RedisLfu { log_factor, decay_minutes, .. }) => f64::from(f(log_factor, decay_minutes)),
        _ => 0.0,
    };
    let redis = name.starts_with("redis");
    view! {
        <fieldset class="lane-controls">
            <legend><span class=format!("swatch lane-{}", index + 1)></span>{format!("Policy {}", index + 1)}</legend>
            <SelectControl
                label="Policy"
                options=Policy::all().iter().map(|p| (p.name().to_string(), render::policy_label(p))).collect()
                value=Signal::derive(move || name.to_string())
                on_change=Callback::new(move |n: String| {
                    if let Some(p) = Policy::from_name(&n) {
                        set(&|q| *q = p.clone());
                    }
                })
            />
            {redis.then(|| view! {
                <NumberControl
                    label="maxmemory-samples"
                    value=Signal::derive(samples)
                    min=1.0
                    max=64.0
                    step=1.0
                    on_change=Callback::new(move |v: f64| set(&|p| {
                        if let Policy::RedisLru { samples } | Policy::RedisLfu { samples, .. } = p {
                            *samples = v as u32;
                        }
                    }))
                />
            })}
            {(name == "redis-lfu").then(|| view! {
                <NumberControl
                    label="lfu-log-factor"
                    value=Signal::derive(move || lfu(|f, _| f))
                    min=0.0
                    max=100.0
                    step=1.0
                    on_change=Callback::new(move |v: f64| set(&|p| {
                        if let Policy::RedisLfu { log_factor, .. } = p {
                            *log_factor = v as u32;
                        }
                    }))
                />
                <NumberControl
                    label="lfu-decay-time"
                    value=Signal::derive(move || lfu(|_, d| d))
                    min=0.0
                    max=60.0
                    step=1.0
                    unit="min"
                    on_change=Callback::new(move |v: f64| set(&|p| {
                        if let Policy::RedisLfu { decay_minutes, .. } = p {
                            *decay_minutes = v as u32;
                        }
                    }))
                />
            })}
            {remove_lane_button(index, "policy", move || scenario.with(|s| s.policies.len()), Callback::new(move |_| shell.remove_lane(index, |s| &mut s.policies)))}
        </fieldset>
    }
}
