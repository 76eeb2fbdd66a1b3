//! The pipeline widget: one stream of user requests through up to three
//! configurations of the chain (clients that retry, a rate limiter, a
//! circuit breaker) to one dependency: the load reaching it against what
//! it can serve, the share of user requests that succeed, each breaker's
//! state over time, and what each stage admitted, refused, failed fast
//! and retried.
//!
//! The user requests are drawn once per seed and traffic; a lane runs
//! again only when its own configuration or the chain changed.

mod render;

use super::chain::{self, Computed};
use super::shell::{remove_lane_button, Shell};
use super::Mode;
use crate::scenario::PipelineScenario;
use crate::sim::kernel::time::MS;
use crate::sim::pipeline::presets::{self, breaker, limiter};
use crate::sim::pipeline::scenario::DependencyModel;
use crate::sim::pipeline::Lane;
use crate::sim::retries::run::{Chain, LaneRun, Trial};
use crate::sim::load_balancing::scenario::Event as ServerEvent;
use super::balancer::BalancerSettings;
use crate::sim::load_balancing::{Balancer, Change as ServerChange};
use crate::sim::retries::scenario::{Change, Event, BINS};
use crate::sim::retries::Policy;
use crate::ui::controls::{NumberControl, SeedControl, SelectControl};
use crate::ui::playback::{Playback, PlayheadMarks};
use crate::ui::{rerun_changed, LaneCache, Shared};
use leptos::prelude::*;
use std::sync::Arc;

super::shell::widget_entry!(PipelineScenario, PipelineWidget);

/// The stage choices a lane offers, as its menu lists them.
const STAGES: [(&str, &str); 4] = [
    ("none", "No stages"),
    ("limiter", "Rate limiter"),
    ("breaker", "Circuit breaker"),
    ("limiter + breaker", "Rate limiter and circuit breaker"),
];

/// The pipeline widget.
#[component]
pub fn PipelineWidget(initial: PipelineScenario, mode: Mode, title: Option<String>, notice: Option<String>) -> impl IntoView {
    let shell = Shell::new(initial, notice);
    let scenario = shell.scenario;

    // What the user requests depend on; they are drawn again only when this changes.
    let inputs = Memo::new(move |_| scenario.with(|s| (s.seed, s.duration_ms, s.traffic.clone())));
    let trial = Memo::new(move |_| {
        inputs.with(|_| ());
        Shared(Arc::new(scenario.with_untracked(PipelineScenario::trial)))
    });
    let base = Memo::new(move |_| scenario.with(PipelineScenario::base_chain));
    let capacity = Memo::new(move |_| {
        let (span, work) = scenario.with(|s| {
            let work = match &s.dependency {
                DependencyModel::Servers(p) => Some(p.service.mean_ms()),
                _ => None,
            };
            (s.duration_ms * MS, work)
        });
        base.with(|c| chain::capacity_per_slice(c, work, span))
    });
    let lane_cache: LaneCache<(Policy, Chain), Trial, Arc<LaneRun>> = StoredValue::new(Vec::new());
    let runs: Memo<Computed> = Memo::new(move |_| {
        let t = trial.get();
        let b = base.get();
        Shared(Arc::new(scenario.with(|s| {
            s.validate()?;
            let lanes = (0..s.lanes.len()).map(|i| (s.lanes[i].retry, s.chain(&b, i))).collect();
            rerun_changed(lane_cache, &t, lanes, |(p, c)| Ok(Arc::new(crate::sim::retries::run::run(p, c, &t.0, BINS))))
        })))
    });
    let run_error = Memo::new(move |_| runs.with(|r| r.0.as_ref().as_ref().err().cloned()));
    let duration = Memo::new(move |_| scenario.with(|s| s.duration_ms * MS));
    let playback = Playback::new(shell.opened_at, duration.into(), BINS);
    let shell = shell.with_playback(playback);
    let labels = Memo::new(move |_| scenario.with(|s| s.lanes.iter().map(Lane::label).collect::<Vec<_>>()));
    let lane_keys = Memo::new(move |_| {
        scenario.with(|s| {
            let servers = matches!(s.dependency, DependencyModel::Servers(_));
            s.lanes
                .iter()
                .map(|l| {
                    let balancer = servers.then(|| l.balancer.unwrap_or(Balancer::RoundRobin).key());
                    (l.retry.key().unwrap_or("custom"), stages_key(l), balancer)
                })
                .collect::<Vec<_>>()
        })
    });
    let editor = shell.editor();

    let controls = view! {
        <div class="controls" role="group" aria-label="Traffic, chain and rate limit">
            {shell.preset_select(&presets::PRESETS, presets::preset)}
            {chain::chain_controls(shell, 3000.0)}
            <NumberControl
                label="Rate limit (every limiter)"
                value=Signal::derive(move || scenario.with(|s| f64::from(limit_of(s))))
                min=10.0
                max=3000.0
                step=10.0
                unit="requests/s"
                on_change=Callback::new(move |v: f64| { editor(&|s| {
                    for l in s.lanes.iter_mut().filter_map(|l| l.limiter.as_mut()) {
                        *l = limiter(v as u32);
                    }
                }); })
            />
            <SeedControl
                value=Signal::derive(move || scenario.with(|s| s.seed))
                on_change=Callback::new(move |seed: u64| { editor(&|s| s.seed = seed); })
            />
        </div>
        {chain::dependency_actions(shell, playback)}
        {shell.lanes_controls(
            lane_keys,
            move |i, (policy, stages, balancer): (&'static str, &'static str, Option<&'static str>)| {
                view! { <LaneControls index=i policy=policy stages=stages balancer=balancer shell=shell /> }
            },
            |s| s.lanes.len() < crate::scenario::MAX_LANES,
            |s| {
                let last = s.lanes.last().cloned().unwrap_or_else(|| presets::lane("none", None, None));
                s.lanes.push(last);
            },
            "+ Compare another configuration",
        )}
    };
    let breakers = Memo::new(move |_| {
        let d = duration.get();
        chain::with_runs(runs, &|r| render::breaker_svg(r, d))
    });
    let any_breaker = Memo::new(move |_| scenario.with(|s| s.lanes.iter().any(|l| l.breaker.is_some())));
    let outputs = view! {
        {chain::chain_charts(runs, capacity, labels, duration, playback.playhead)}
        <Show when=move || any_breaker.get()>
            <figure class="lane pl-breakers">
                <figcaption><span class="lane-name">"Each breaker's state: open (dark) and half-open (light), one row per configuration"</span></figcaption>
                <svg class="chart breakers" viewBox=render::BREAKER_VIEW_BOX preserveAspectRatio="none" role="img"
                    aria-label=move || chain::with_runs(runs, &|r| render::breaker_label(r, duration.get_untracked()))>
                    <g inner_html=move || breakers.get()></g>
                    <PlayheadMarks playhead=playback.playhead duration=duration.into() width=chain::W height=render::BREAKER_H />
                </svg>
            </figure>
        </Show>
        <table class="summary stages" inner_html=move || {
            let d = duration.get();
            scenario.with(|s| labels.with(|l| chain::with_runs(runs, &|r| render::stage_table(r, &s.lanes, l, d, !matches!(&s.dependency, DependencyModel::Servers(p) if p.dependency.is_none())))))
        }></table>
    };
    shell.view(
        mode,
        title,
        run_error,
        super::shell::legend![
            ("lane-1", "first configuration"),
            ("lane-2", "second configuration"),
            ("lane-3", "third configuration"),
            ("capacity", "what the dependency can serve"),
        ],
        controls,
        outputs,
    )
}

/// The rate every limiter runs at (the first one's), or what a new one would.
fn limit_of(s: &PipelineScenario) -> u32 {
    s.lanes.iter().find_map(|l| l.limiter.as_ref().map(|l| l.limit)).unwrap_or(presets::LIMIT)
}

impl chain::ChainFields for PipelineScenario {
    fn rate(&self) -> f64 {
        self.traffic.rate().unwrap_or(0.0)
    }
    fn set_rate(&mut self, rps: f64) {
        if let Some(r) = self.traffic.rate_mut() {
            *r = rps;
        }
    }
    fn layers(&self) -> u32 {
        self.layers
    }
    fn set_layers(&mut self, layers: u32) {
        self.layers = layers;
    }
    fn try_timeout_ms(&self) -> Option<f64> {
        self.try_timeout_ms
    }
    fn set_try_timeout_ms(&mut self, ms: Option<f64>) {
        self.try_timeout_ms = ms;
    }
    fn deadline_ms(&self) -> Option<f64> {
        self.deadline_ms
    }
    fn set_deadline_ms(&mut self, ms: Option<f64>) {
        self.deadline_ms = ms;
    }
    fn max_attempts(&self) -> u32 {
        self.lanes.iter().map(|l| l.retry.max_attempts).max().unwrap_or(1)
    }
    fn set_attempts(&mut self, n: u32) {
        self.lanes.iter_mut().filter(|l| l.retry.max_attempts > 1).for_each(|l| l.retry.set_attempts(n));
    }
    fn change_dependency(&mut self, at_ms: f64, change: Change) -> Result<&'static str, &'static str> {
        match &mut self.dependency {
            DependencyModel::Queue(_) => {
                self.events.push(Event { at_ms, change });
                Ok(chain::queue_change(change))
            }
            DependencyModel::Script(_) => Err(
                "This dependency follows its script; choose a preset with a queueing one to change it at the playhead.",
            ),
            // Servers calling a dependency: the buttons act on it.
            DependencyModel::Servers(pool) if pool.dependency.is_some() => {
                self.events.push(Event { at_ms, change });
                Ok(chain::queue_change(change))
            }
            // Servers alone: the buttons act on the first.
            DependencyModel::Servers(pool) => {
                let Some(first) = pool.servers.first() else { return Err("There is no server to change.") };
                let at = |change| ServerEvent { at_ms, server: 1, change };
                let (events, done) = match change {
                    Change::Failure(_) => (vec![at(ServerChange::Stop)], "Server 1 stops: it refuses every request"),
                    Change::Slow(k) => {
                        (vec![at(ServerChange::Speed(first.speed / k))], "Server 1 slows to a fifth of its speed")
                    }
                    _ => (vec![at(ServerChange::Start), at(ServerChange::Speed(first.speed))], "Server 1 is back"),
                };
                pool.events.extend(events);
                Ok(done)
            }
        }
    }
    fn clear_changes(&mut self) {
        self.events.clear();
        if let DependencyModel::Servers(pool) = &mut self.dependency {
            pool.events.clear();
        }
    }
}

/// A lane's stages as its menu names them.
fn stages_key(l: &Lane) -> &'static str {
    match (l.limiter.is_some(), l.breaker.is_some()) {
        (false, false) => STAGES[0].0,
        (true, false) => STAGES[1].0,
        (false, true) => STAGES[2].0,
        (true, true) => STAGES[3].0,
    }
}

/// One lane's controls: its retry policy and its stages.
#[component]
fn LaneControls(
    index: usize,
    policy: &'static str,
    stages: &'static str,
    balancer: Option<&'static str>,
    shell: Shell<PipelineScenario>,
) -> impl IntoView {
    let scenario = shell.scenario;
    let mut options: Vec<(String, String)> = Policy::NAMED.iter().map(|(k, name)| (k.to_string(), name.to_string())).collect();
    if policy == "custom" {
        let label = scenario.with_untracked(|s| s.lanes.get(index).map(|l| l.retry.label()).unwrap_or_default());
        options.insert(0, ("custom".to_string(), label));
    }
    let stage_options: Vec<(String, String)> = STAGES.iter().map(|(k, name)| (k.to_string(), name.to_string())).collect();
    // Behind servers, the lane's balancer and its settings.
    let set_balancer = Callback::new(move |b: Balancer| {
        shell.edit(&|s| {
            if let Some(l) = s.lanes.get_mut(index) {
                l.balancer = Some(b);
            }
        });
    });
    let balancer_select = balancer.map(|key| {
        let options: Vec<(String, String)> =
            Balancer::all().iter().map(|b| (b.key().to_string(), b.name().to_string())).collect();
        view! {
            <SelectControl
                label="Load balancer"
                options=options
                value=Signal::derive(move || key.to_string())
                on_change=Callback::new(move |k: String| {
                    if let Some(b) = Balancer::from_key(&k) {
                        set_balancer.run(b);
                    }
                })
            />
            <BalancerSettings
                key=key
                balancer=Signal::derive(move || scenario.with(|s| s.lanes.get(index).and_then(|l| l.balancer)))
                on_change=set_balancer
            />
        }
    });
    view! {
        <fieldset class="lane-controls">
            <legend><span class=format!("swatch lane-{}", index + 1)></span>{format!("Configuration {}", index + 1)}</legend>
            <SelectControl
                label="Retry policy"
                options=options
                value=Signal::derive(move || policy.to_string())
                on_change=Callback::new(move |k: String| {
                    if let Some(p) = Policy::named(&k) {
                        shell.edit(&|s| {
                            if let Some(l) = s.lanes.get_mut(index) {
                                l.retry = p;
                            }
                        });
                    }
                })
            />
            <SelectControl
                label="Stages"
                options=stage_options
                value=Signal::derive(move || stages.to_string())
                on_change=Callback::new(move |k: String| {
                    shell.edit(&|s| {
                        let rate = limit_of(s);
                        if let Some(l) = s.lanes.get_mut(index) {
                            let (lim, brk) = (k.starts_with("limiter"), k.ends_with("breaker"));
                            if !lim {
                                l.limiter = None;
                            } else if l.limiter.is_none() {
                                l.limiter = Some(limiter(rate));
                            }
                            if !brk {
                                l.breaker = None;
                            } else if l.breaker.is_none() {
                                l.breaker = Some(breaker());
                            }
                        }
                    });
                })
            />
            {balancer_select}
            {remove_lane_button(index, "configuration", move || scenario.with(|s| s.lanes.len()), Callback::new(move |_| shell.remove_lane(index, |s| &mut s.lanes)))}
        </fieldset>
    }
}
