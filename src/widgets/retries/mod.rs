//! The retries widget: one stream of user requests through layers of
//! clients to one dependency, under up to three retry policies: the load
//! each puts on the dependency against what it can serve, the share of
//! user requests that succeed, and a summary; the dependency failed,
//! slowed or recovered at the playhead.
//!
//! The user requests are drawn once per seed and traffic (a policy, chain
//! or dependency change re-runs only the policies).

use super::chain::{self, Computed};
use super::shell::{remove_lane_button, Shell};
use super::Mode;
use crate::scenario::RetriesScenario;
use crate::sim::kernel::time::MS;
use crate::sim::retries::run::{Chain, LaneRun, Trial};
use crate::sim::retries::scenario::{Change, Event, BINS};
use crate::sim::retries::{presets, Policy};
use crate::ui::controls::{SeedControl, SelectControl};
use crate::ui::playback::Playback;
use crate::ui::{rerun_changed, LaneCache, Shared};
use leptos::prelude::*;
use std::sync::Arc;

super::shell::widget_entry!(RetriesScenario, RetriesWidget);

/// The retries widget.
#[component]
pub fn RetriesWidget(initial: RetriesScenario, mode: Mode, title: Option<String>, notice: Option<String>) -> impl IntoView {
    let shell = Shell::new(initial, notice);
    let scenario = shell.scenario;

    // What the user requests depend on; they are drawn again only when this changes.
    let inputs = Memo::new(move |_| scenario.with(|s| (s.seed, s.duration_ms, s.traffic.clone())));
    let trial = Memo::new(move |_| {
        inputs.with(|_| ());
        Shared(Arc::new(scenario.with_untracked(RetriesScenario::trial)))
    });
    let chain = Memo::new(move |_| scenario.with(RetriesScenario::chain));
    let capacity = Memo::new(move |_| {
        let span = scenario.with(|s| s.duration_ms * MS);
        chain.with(|c| chain::capacity_per_slice(c, None, span))
    });
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
    let labels = Memo::new(move |_| scenario.with(|s| s.policies.iter().map(Policy::label).collect::<Vec<_>>()));
    let lane_keys = Memo::new(move |_| scenario.with(|s| s.policies.iter().map(|p| p.key().unwrap_or("custom")).collect::<Vec<_>>()));
    let editor = shell.editor();

    let controls = view! {
        <div class="controls" role="group" aria-label="Traffic, chain and dependency">
            {shell.preset_select(&presets::PRESETS, presets::preset)}
            {chain::chain_controls(shell, 5000.0)}
            <SeedControl
                value=Signal::derive(move || scenario.with(|s| s.seed))
                on_change=Callback::new(move |seed: u64| { editor(&|s| s.seed = seed); })
            />
        </div>
        {chain::dependency_actions(shell, playback)}
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
    let outputs = view! {
        {chain::chain_charts(runs, capacity, labels, duration, playback.playhead)}
        <table class="summary" inner_html=move || labels.with(|l| chain::with_runs(runs, &|r| chain::summary_table(r, l)))></table>
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

impl chain::ChainFields for RetriesScenario {
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
        self.policies.iter().map(|p| p.max_attempts).max().unwrap_or(1)
    }
    fn set_attempts(&mut self, n: u32) {
        self.policies.iter_mut().filter(|p| p.max_attempts > 1).for_each(|p| p.set_attempts(n));
    }
    fn change_dependency(&mut self, at_ms: f64, change: Change) -> Result<&'static str, &'static str> {
        self.events.push(Event { at_ms, change });
        Ok(chain::queue_change(change))
    }
    fn clear_changes(&mut self) {
        self.events.clear();
    }
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
