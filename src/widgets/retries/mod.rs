//! The retries widget: one stream of user requests through layers of
//! clients to one dependency, under up to three retry policies: the load
//! each puts on the dependency against what it can serve, the share of
//! user requests that succeed, and a summary; the dependency failed,
//! slowed or recovered at the playhead.
//!
//! The user requests are drawn once per seed and traffic (a policy, chain
//! or dependency change re-runs only the policies).

mod render;

use super::shell::{remove_lane_button, Shell};
use super::Mode;
use crate::scenario::RetriesScenario;
use crate::sim::kernel::time::MS;
use crate::sim::retries::run::{Chain, LaneRun, Trial};
use crate::sim::retries::scenario::{Change, Event, BINS};
use crate::sim::retries::{presets, Policy, MAX_ATTEMPTS, MAX_LAYERS};
use crate::ui::controls::{NumberControl, SeedControl, SelectControl};
use crate::ui::playback::{Playback, PlayheadMarks};
use crate::ui::share::LaneDownloads;
use crate::ui::{rerun_changed, LaneCache, Shared};
use leptos::prelude::*;
use std::sync::Arc;

/// The runs every view of the widget reads.
type Computed = Shared<Result<Vec<Arc<LaneRun>>, String>>;

super::shell::widget_entry!(RetriesScenario, RetriesWidget);

/// The retries widget.
#[component]
pub fn RetriesWidget(initial: RetriesScenario, mode: Mode, title: Option<String>, notice: Option<String>) -> impl IntoView {
    let shell = Shell::new(initial, notice);
    let Shell { scenario, status, .. } = shell;

    // What the user requests depend on; they are drawn again only when this changes.
    let inputs = Memo::new(move |_| scenario.with(|s| (s.seed, s.duration_ms, s.traffic.clone())));
    let trial = Memo::new(move |_| {
        inputs.with(|_| ());
        Shared(Arc::new(scenario.with_untracked(RetriesScenario::trial)))
    });
    let chain = Memo::new(move |_| scenario.with(RetriesScenario::chain));
    // Each policy runs again only when it, the chain or the requests changed.
    let lane_cache: LaneCache<(Policy, Chain), Trial, Arc<LaneRun>> = StoredValue::new(Vec::new());
    let runs: Memo<Computed> = Memo::new(move |_| {
        let t = trial.get();
        let c = chain.get();
        Shared(Arc::new(scenario.with(|s| {
            s.validate()?;
            let lanes = s.policies.iter().map(|&p| (p, c.clone())).collect();
            rerun_changed(lane_cache, &t, lanes, |(p, c)| {
                Ok(Arc::new(crate::sim::retries::run::run(p, c, &t.0, BINS)))
            })
        })))
    });
    let run_error = Memo::new(move |_| runs.with(|r| r.0.as_ref().as_ref().err().cloned()));
    let duration = Memo::new(move |_| scenario.with(|s| s.duration_ms * MS));
    let playback = Playback::new(shell.opened_at, duration.into(), BINS);
    let shell = shell.with_playback(playback);
    let playhead = playback.playhead;
    let lane_keys = Memo::new(move |_| scenario.with(|s| s.policies.iter().map(|p| p.key().unwrap_or("custom")).collect::<Vec<_>>()));
    let editor = shell.editor();
    let edit = move |f: &dyn Fn(&mut RetriesScenario)| {
        editor(f);
    };
    let ok_runs = move |f: &dyn Fn(&[&LaneRun]) -> String| {
        runs.with(|r| {
            r.0.as_ref().as_ref().map(|v| f(&v.iter().map(Arc::as_ref).collect::<Vec<_>>())).unwrap_or_default()
        })
    };
    let act = move |change: Change, done: &'static str| {
        let at = (playback.now_or_mid() / MS) as f64;
        if shell.edit(&|s| s.events.push(Event { at_ms: at, change })) {
            status.set(Some(format!("{done} at {}.", crate::ui::format::seconds(at as u64 * MS))));
        }
    };

    let controls = view! {
        <div class="controls" role="group" aria-label="Traffic, chain and dependency">
            {shell.preset_select(&presets::PRESETS, presets::preset)}
            <NumberControl
                label="User requests per second"
                value=Signal::derive(move || scenario.with(|s| s.traffic.rate().unwrap_or(0.0)))
                min=1.0
                max=5000.0
                step=10.0
                on_change=Callback::new(move |v: f64| edit(&|s| {
                    if let Some(r) = s.traffic.rate_mut() {
                        *r = v;
                    }
                }))
            />
            <NumberControl
                label="Layers of clients"
                value=Signal::derive(move || scenario.with(|s| f64::from(s.layers)))
                min=1.0
                max=f64::from(MAX_LAYERS)
                step=1.0
                on_change=Callback::new(move |v: f64| edit(&|s| s.layers = v as u32))
            />
            <NumberControl
                label="Attempts per call"
                value=Signal::derive(move || scenario.with(|s| s.policies.iter().map(|p| p.max_attempts).max().unwrap_or(1) as f64))
                min=1.0
                max=f64::from(MAX_ATTEMPTS)
                step=1.0
                on_change=Callback::new(move |v: f64| edit(&|s| {
                    for p in s.policies.iter_mut().filter(|p| p.max_attempts > 1) {
                        p.max_attempts = (v as u32).max(2);
                    }
                }))
            />
            <NumberControl
                label="Per-try timeout (0: none)"
                value=Signal::derive(move || scenario.with(|s| s.try_timeout_ms.unwrap_or(0.0)))
                min=0.0
                max=5000.0
                step=10.0
                unit="ms"
                on_change=Callback::new(move |v: f64| edit(&|s| s.try_timeout_ms = (v > 0.0).then_some(v)))
            />
            <SeedControl
                value=Signal::derive(move || scenario.with(|s| s.seed))
                on_change=Callback::new(move |seed: u64| edit(&|s| s.seed = seed))
            />
        </div>
        <div class="controls dependency-actions" role="group" aria-label="Change the dependency at the playhead">
            <button type="button" data-action="break" on:click=move |_| act(Change::Failure(1.0), "The dependency fails every request")>"Fail it now"</button>
            <button type="button" on:click=move |_| act(Change::Slow(5.0), "The dependency slows to a fifth of its speed")>"Slow it now"</button>
            <button type="button" on:click=move |_| act(Change::Recover, "The dependency recovers")>"Recover now"</button>
            <button type="button" on:click=move |_| { edit(&|s| s.events.clear()); }>"Clear changes"</button>
        </div>
        {shell.lanes_controls(
            lane_keys,
            move |i, key: &'static str| view! { <PolicyControls index=i key=key shell=shell /> },
            |s| s.policies.len() < crate::scenario::MAX_LANES,
            |s| {
                let next = Policy::NAMED.iter().filter_map(|n| Policy::named(n.0)).find(|p| !s.policies.contains(p));
                s.policies.push(next.unwrap_or(Policy::named("none").expect("a named policy")));
            },
            "+ Compare another policy",
        )}
    };
    let charts = Memo::new(move |_| {
        let d = duration.get();
        runs.with(|r| match r.0.as_ref() {
            Ok(v) => {
                let lanes: Vec<&LaneRun> = v.iter().map(Arc::as_ref).collect();
                let (load, top) = chain.with(|c| render::load_svg(&lanes, c, d));
                (load, format!("{} requests/s", crate::ui::format::thousands(top as u64)), render::success_svg(&lanes))
            }
            Err(_) => Default::default(),
        })
    });
    let outputs = view! {
        <figure class="lane rt-chart">
            <figcaption><span class="lane-name">"Requests reaching the dependency, against what it can serve (dashed)"</span></figcaption>
            <svg class="chart" viewBox=render::VIEW_BOX preserveAspectRatio="none" role="img"
                aria-label=move || scenario.with(|s| ok_runs(&|r| render::chart_label(r, &s.policies)))>
                <g inner_html=move || charts.with(|c| c.0.clone())></g>
                <PlayheadMarks playhead=playhead duration=duration.into() width=render::W height=render::H />
            </svg>
            <div class="axis-labels" aria-hidden="true">
                <span>"0"</span>
                <span>{move || charts.with(|c| c.1.clone())}</span>
            </div>
        </figure>
        <figure class="lane rt-chart">
            <figcaption><span class="lane-name">"User requests that succeed (gridlines at 50% and 90%)"</span></figcaption>
            <svg class="chart" viewBox=render::VIEW_BOX preserveAspectRatio="none" aria-hidden="true">
                <g inner_html=move || charts.with(|c| c.2.clone())></g>
                <PlayheadMarks playhead=playhead duration=duration.into() width=render::W height=render::H />
            </svg>
            <div class="axis-labels" aria-hidden="true"><span>"0%"</span><span>"100%"</span></div>
            <details class="data-table" inner_html=move || {
                let d = duration.get();
                scenario.with(|s| ok_runs(&|r| render::data_table(r, &s.policies, d)))
            }></details>
            <LaneDownloads />
        </figure>
        <table class="summary" inner_html=move || scenario.with(|s| ok_runs(&|r| render::summary_table(r, &s.policies)))></table>
    };
    shell.view(
        mode,
        title,
        run_error,
        super::shell::legend![
            ("lane-1", "first policy"),
            ("lane-2", "second policy"),
            ("lane-3", "third policy"),
            ("capacity", "what the dependency can serve"),
        ],
        controls,
        outputs,
    )
}

/// One policy's controls: which named policy.
#[component]
fn PolicyControls(index: usize, key: &'static str, shell: Shell<RetriesScenario>) -> impl IntoView {
    let scenario = shell.scenario;
    let mut options: Vec<(String, String)> = Policy::NAMED.iter().map(|(k, name)| (k.to_string(), name.to_string())).collect();
    if key == "custom" {
        let label = scenario.with_untracked(|s| s.policies.get(index).map(Policy::label).unwrap_or_default());
        options.insert(0, ("custom".to_string(), label));
    }
    view! {
        <fieldset class="lane-controls">
            <legend><span class=format!("swatch lane-{}", index + 1)></span>{format!("Policy {}", index + 1)}</legend>
            <SelectControl
                label="Retry policy"
                options=options
                value=Signal::derive(move || key.to_string())
                on_change=Callback::new(move |k: String| {
                    if let Some(p) = Policy::named(&k) {
                        shell.edit(&|s| {
                            if let Some(slot) = s.policies.get_mut(index) {
                                *slot = p;
                            }
                        });
                    }
                })
            />
            {remove_lane_button(index, "policy", move || scenario.with(|s| s.policies.len()), Callback::new(move |_| shell.remove_lane(index, |s| &mut s.policies)))}
        </fieldset>
    }
}
