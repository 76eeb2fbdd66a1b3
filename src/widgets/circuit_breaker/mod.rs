//! The circuit-breaker widget: caller traffic into a dependency that can be
//! broken and healed at the playhead, one or two breakers side by side, each
//! with its state diagram, a timeline of calls over state bands, its gauges
//! against their thresholds, and a summary against no breaker at all.
//!
//! The scenario lives in one signal. The traffic and the dependency's
//! answers are drawn in one memo that depends only on what they depend on,
//! so tuning a breaker re-runs the breakers alone; everything drawn derives
//! from the runs and the playhead.

mod render;

use super::shell::{remove_lane_button, LaneEdit, Shell};
use super::Mode;
use crate::scenario::{CircuitBreakerScenario};
use crate::sim::circuit_breaker::presets;
use crate::sim::circuit_breaker::consecutive::ConsecutiveConfig;
use crate::sim::circuit_breaker::run::{BreakerConfig, BreakerRun, Dependency, Forcing, Phase, Trial, SCRIPTS};
use crate::sim::circuit_breaker::{Config, State, WaitInterval, WindowType};
use crate::sim::kernel::time::{Nanos, MS};
use crate::sim::kernel::traffic::Traffic;
use crate::ui::controls::{NumberControl, SeedControl, SelectControl};
use crate::ui::format;
use crate::ui::playback::{Playback, PlayheadMarks};
use crate::ui::share::LaneDownloads;
use crate::ui::Shared;
use leptos::prelude::*;
use std::sync::Arc;

/// Slices the run is drawn in.
pub const BINS: usize = 200;
/// Most breakers compared side by side.
pub const MAX_BREAKERS: usize = 2;

type Runs = Shared<Result<Vec<BreakerRun>, String>>;

/// The variants a lane can run, by the names blocks use.
const VARIANTS: [(&str, &str); 3] = [
    ("count", "Resilience4j, count-based window"),
    ("time", "Resilience4j, time-based window"),
    ("consecutive", "pybreaker, consecutive failures"),
];

fn variant_name(c: &BreakerConfig) -> &'static str {
    match c {
        BreakerConfig::Resilience4j(c) if c.sliding_window_type == WindowType::CountBased => "count",
        BreakerConfig::Resilience4j(_) => "time",
        BreakerConfig::Consecutive(_) => "consecutive",
    }
}

/// A lane switched to variant `name`, keeping what carries over.
fn with_variant(c: &BreakerConfig, name: &str) -> BreakerConfig {
    let wait = match c {
        BreakerConfig::Resilience4j(c) => c.wait_duration_in_open_state_ms,
        BreakerConfig::Consecutive(c) => c.reset_timeout_ms,
    };
    let r4j = |w: WindowType| {
        let mut base = match c {
            BreakerConfig::Resilience4j(c) => c.clone(),
            BreakerConfig::Consecutive(_) => Config { wait_duration_in_open_state_ms: wait, ..presets::resilience4j() },
        };
        if base.sliding_window_type != w {
            base.sliding_window_type = w;
            base.sliding_window_size = if w == WindowType::TimeBased { 10 } else { 20 };
        }
        BreakerConfig::Resilience4j(base)
    };
    match name {
        "time" => r4j(WindowType::TimeBased),
        "consecutive" => {
            BreakerConfig::Consecutive(ConsecutiveConfig { reset_timeout_ms: wait, ..presets::pybreaker() })
        }
        _ => r4j(WindowType::CountBased),
    }
}

super::shell::widget_entry!(CircuitBreakerScenario, CircuitBreakerWidget);

/// The circuit-breaker widget.
#[component]
pub fn CircuitBreakerWidget(
    initial: CircuitBreakerScenario,
    mode: Mode,
    title: Option<String>,
    notice: Option<String>,
) -> impl IntoView {
    let shell = Shell::new(initial, notice);
    let Shell { scenario, status, .. } = shell;

    // What the draws depend on; the trial is redrawn only when this changes.
    let inputs =
        Memo::new(move |_| scenario.with(|s| (s.seed, s.duration_ms, s.traffic.clone(), s.dependency.clone())));
    let trial = Memo::new(move |_| {
        // Reading (not only tracking) the memo brings it up to date first.
        inputs.with(|_| ());
        Shared(Arc::new(scenario.with_untracked(CircuitBreakerScenario::trial)))
    });
    let runs = Memo::new(move |_| {
        let t = trial.get();
        Shared(Arc::new(scenario.with(|s| s.run_on(&t.0, BINS))))
    });
    let duration = Memo::new(move |_| scenario.with(|s| s.duration_ms * MS));
    let playback = Playback::new(shell.opened_at, duration.into(), BINS);
    let shell = shell.with_playback(playback);
    let playhead = playback.playhead;
    let lane_variants = Memo::new(move |_| scenario.with(|s| s.breakers.iter().map(variant_name).collect::<Vec<_>>()));
    let lane_count = Memo::new(move |_| runs.with(|r| r.0.as_ref().as_ref().map_or(0, Vec::len)));
    let run_error = Memo::new(move |_| runs.with(|r| r.0.as_ref().as_ref().err().cloned()));

    // Applies an edit only if the result is valid, otherwise explains why;
    // says whether it applied.
    let try_edit = shell.editor();
    let edit = move |f: &dyn Fn(&mut CircuitBreakerScenario)| {
        try_edit(f);
    };

    // Changes the dependency from the playhead on, until its next scripted change.
    let change_dependency = move |phase: fn(u64) -> Phase, what: &str| {
        let at = playback.now_or_mid();
        let at_ms = at / MS;
        if !try_edit(&|s| s.dependency.set_from(phase(at_ms))) {
            return;
        }
        let until = scenario.with_untracked(|s| s.dependency.next_change_after(at_ms));
        let moved =
            if playhead.get_untracked().is_none() { " (mid-run: move the playhead to choose when)" } else { "" };
        status.set(Some(match until {
            Some(u) => format!(
                "Dependency {what} at {}{moved}, until its next change at {}",
                format::seconds(at),
                format::seconds(u * MS)
            ),
            None => format!("Dependency {what} at {}{moved}, to the end of the run", format::seconds(at)),
        }));
    };

    // Forces a state on the Resilience4j breakers at the playhead, as an operator would.
    let force = move |state: State, what: &str| {
        let at = playback.now_or_mid();
        if !try_edit(&|s| s.force(Forcing { at_ms: at / MS, state })) {
            return;
        }
        let moved =
            if playhead.get_untracked().is_none() { " (mid-run: move the playhead to choose when)" } else { "" };
        let pybreaker = scenario.with_untracked(|s| s.breakers.iter().any(|b| matches!(b, BreakerConfig::Consecutive(_))));
        status.set(Some(format!(
            "Resilience4j breakers {what} at {}{moved}{}",
            format::seconds(at),
            if pybreaker { "; pybreaker has no forced states and carries on" } else { "" }
        )));
    };
    let forced_text = Memo::new(move |_| scenario.with(|s| render::describe_forced(&s.forced)));

    let script = Memo::new(move |_| scenario.with(|s| s.dependency.script_name(s.duration_ms).unwrap_or("custom")));

    let controls = view! {
            <div class="controls" role="group" aria-label="Traffic and dependency">
                {shell.preset_select(&presets::PRESETS, presets::preset)}
                <SelectControl
                    label="Traffic"
                    options=["steady", "poisson", "bursty", "spike"].into_iter().map(|p| (p.to_string(), p.to_string())).collect()
                    value=Signal::derive(move || scenario.with(|s| s.traffic.pattern().to_string()))
                    on_change=Callback::new(move |p: String| {
                        if let Some(mut t) = Traffic::example(&p) {
                            if let Traffic::Steady { rps, .. } | Traffic::Poisson { rps, .. } = &mut t {
                                *rps = 20.0;
                            }
                            edit(&|s| s.traffic = t.clone());
                        }
                    })
                />
                <NumberControl
                    label="Calls per second"
                    value=Signal::derive(move || scenario.with(|s| s.traffic.rate().unwrap_or(0.0)))
                    min=1.0
                    max=1000.0
                    step=1.0
                    unit="/s"
                    on_change=Callback::new(move |v: f64| edit(&|s| if let Some(r) = s.traffic.rate_mut() { *r = v }))
                />
                <NumberControl
                    label="Duration"
                    value=Signal::derive(move || scenario.with(|s| s.duration_ms as f64 / 1000.0))
                    min=5.0
                    max=300.0
                    step=1.0
                    unit="s"
                    on_change=Callback::new(move |v: f64| edit(&|s| s.set_duration((v * 1000.0).round().max(0.0) as u64)))
                />
                <SeedControl
                    value=Signal::derive(move || scenario.with(|s| s.seed))
                    on_change=Callback::new(move |seed: u64| { edit(&|s| s.seed = seed); })
                />
                <SelectControl
                    label="Dependency"
                    options={
                        let mut o: Vec<(String, String)> = SCRIPTS.iter().map(|(n, d)| (n.to_string(), d.to_string())).collect();
                        o.push(("custom".into(), "Changed by hand (choose a script to reset)".into()));
                        o
                    }
                    value=Signal::derive(move || script.get().to_string())
                    on_change=Callback::new(move |name: String| {
                        edit(&|s| if let Some(d) = Dependency::script(&name, s.duration_ms) { s.dependency = d; });
                    })
                />
                <div class="fire" role="group" aria-label="Change the dependency at the playhead">
                    <button type="button" class="break" on:click=move |_| change_dependency(Phase::down, "broken")>"Break it now"</button>
                    <button type="button" class="heal" on:click=move |_| change_dependency(Phase::healthy, "healed")>"Heal it now"</button>
                </div>
                <p class="dependency-phases">{move || scenario.with(|s| render::describe_dependency(&s.dependency))}</p>
                <div class="fire operate" role="group" aria-label="Force a state on the Resilience4j breakers at the playhead">
                    <button type="button" on:click=move |_| force(State::ForcedOpen, "forced open")>"Force open now"</button>
                    <button type="button" on:click=move |_| force(State::Disabled, "disabled")>"Disable now"</button>
                    <button type="button" on:click=move |_| force(State::MetricsOnly, "set to metrics only")>"Metrics only now"</button>
                    <button type="button" on:click=move |_| force(State::Closed, "closed")>"Close now"</button>
                    <Show when=move || forced_text.with(|t| !t.is_empty())>
                        <button type="button" on:click=move |_| {
                            if try_edit(&|s| s.forced.clear()) {
                                status.set(Some("Forced states cleared".into()));
                            }
                        }>"Clear forced states"</button>
                    </Show>
                </div>
                <p class="dependency-phases">{move || forced_text.get()}</p>
            </div>
            {shell.lanes_controls(
                lane_variants,
                move |i, variant| view! {
                    <BreakerControls
                        index=i
                        variant=variant
                        open=mode == Mode::Page
                        scenario=scenario
                        edit=Callback::new(move |f: Edit| edit(&|s| if let Some(b) = s.breakers.get_mut(i) { (f.0)(b) }))
                        remove=Callback::new(move |_| shell.remove_lane(i, |s| &mut s.breakers))
                    />
                },
                |s| s.breakers.len() < MAX_BREAKERS,
                |s| {
                    let next = if matches!(s.breakers[0], BreakerConfig::Consecutive(_)) {
                        BreakerConfig::Resilience4j(presets::resilience4j())
                    } else {
                        BreakerConfig::Consecutive(presets::pybreaker())
                    };
                    s.breakers.push(next);
                },
                "+ Compare another breaker",
            )}
    };
    let outputs = view! {
                <div class="lanes">
                    {move || {
                        (0..lane_count.get())
                            .map(|i| view! { <BreakerLane index=i runs=runs scenario=scenario playhead=playhead duration=duration.into() /> })
                            .collect_view()
                    }}
                </div>
                <SummaryTable runs=runs trial=trial scenario=scenario playhead=playhead duration=duration.into() />
    };
    shell.view(mode, title, run_error, super::shell::legend![
            ("ok", "succeeded"), ("slow", "slow"), ("failed", "failed at the dependency"),
            ("rejected", "failed fast"), ("band-open", "open"), ("band-half-open", "half-open"),
            ("band-forced", "forced open, disabled or metrics only"),
            ("failure-rate", "failure rate"), ("slow-rate", "slow-call rate"), ("capacity", "threshold"),
        ], controls, outputs)
}

/// A breaker parameter the controls edit: its label, bounds and unit, and
/// how to read and write it (`None` where the variant has no such field).
struct Field {
    label: &'static str,
    min: f64,
    max: f64,
    step: f64,
    unit: &'static str,
    get: fn(&BreakerConfig) -> Option<f64>,
    set: fn(&mut BreakerConfig, f64),
}

/// A field of one breaker variant (`Resilience4j` or `Consecutive`): read
/// as `None` on the other variant, written only on its own.
macro_rules! field {
    ($variant:ident, $label:expr, $min:expr, $max:expr, $step:expr, $unit:expr, $field:ident, $ty:ty) => {
        Field {
            label: $label,
            min: $min,
            max: $max,
            step: $step,
            unit: $unit,
            get: |b| match b {
                BreakerConfig::$variant(c) => Some(c.$field as f64),
                _ => None,
            },
            set: |b, v| {
                if let BreakerConfig::$variant(c) = b {
                    c.$field = v as $ty;
                }
            },
        }
    };
}

/// The window size, offered only for the window type it counts in.
const fn window_field(label: &'static str, unit: &'static str, w: WindowType) -> Field {
    Field {
        label,
        min: 1.0,
        max: 200.0,
        step: 1.0,
        unit,
        get: match w {
            WindowType::CountBased => |b| match b {
                BreakerConfig::Resilience4j(c) if c.sliding_window_type == WindowType::CountBased => {
                    Some(f64::from(c.sliding_window_size))
                }
                _ => None,
            },
            WindowType::TimeBased => |b| match b {
                BreakerConfig::Resilience4j(c) if c.sliding_window_type == WindowType::TimeBased => {
                    Some(f64::from(c.sliding_window_size))
                }
                _ => None,
            },
        },
        set: |b, v| {
            if let BreakerConfig::Resilience4j(c) = b {
                c.sliding_window_size = v as u32;
            }
        },
    }
}

/// Every parameter the controls offer, in the order shown.
const FIELDS: [Field; 12] = [
    window_field("Window (calls)", "", WindowType::CountBased),
    window_field("Window (seconds)", "s", WindowType::TimeBased),
    field!(Resilience4j, "Minimum calls", 1.0, 200.0, 1.0, "", minimum_number_of_calls, u32),
    field!(Resilience4j, "Failure-rate threshold", 1.0, 100.0, 1.0, "%", failure_rate_threshold, f32),
    field!(Resilience4j, "Slow-call threshold", 1.0, 60000.0, 50.0, "ms", slow_call_duration_threshold_ms, u64),
    field!(Resilience4j, "Slow-call rate threshold", 1.0, 100.0, 1.0, "%", slow_call_rate_threshold, f32),
    field!(Resilience4j, "Wait in OPEN", 100.0, 60000.0, 100.0, "ms", wait_duration_in_open_state_ms, u64),
    field!(
        Resilience4j,
        "Trial calls in HALF_OPEN",
        1.0,
        50.0,
        1.0,
        "",
        permitted_number_of_calls_in_half_open_state,
        u32
    ),
    field!(
        Resilience4j,
        "Max wait in HALF_OPEN (0: none)",
        0.0,
        60000.0,
        100.0,
        "ms",
        max_wait_duration_in_half_open_state_ms,
        u64
    ),
    field!(Consecutive, "fail_max", 1.0, 100.0, 1.0, "", fail_max, u32),
    field!(Consecutive, "reset_timeout", 0.0, 60000.0, 100.0, "ms", reset_timeout_ms, u64),
    field!(Consecutive, "success_threshold", 1.0, 20.0, 1.0, "", success_threshold, u32),
];

/// The open waits the menu offers: Resilience4j's `IntervalFunction`s.
const OPEN_WAITS: [(&str, &str, Option<WaitInterval>); 4] = [
    ("fixed", "The same wait", None),
    ("exponential-1.5", "× 1.5 (ofExponentialBackoff)", Some(WaitInterval::Exponential { multiplier: 1.5, max_ms: None })),
    ("exponential-2", "× 2 (ofExponentialBackoff)", Some(WaitInterval::Exponential { multiplier: 2.0, max_ms: None })),
    ("randomized", "± 50% at random (ofRandomized)", Some(WaitInterval::Randomized { factor: 0.5 })),
];

/// The menu's key for a Resilience4j breaker's open wait (`None`: not one of the menu's).
fn open_wait_key(b: &BreakerConfig) -> Option<&'static str> {
    match b {
        BreakerConfig::Resilience4j(c) => OPEN_WAITS.iter().find(|o| o.2 == c.wait_interval_in_open_state).map(|o| o.0),
        BreakerConfig::Consecutive(_) => None,
    }
}

/// The open-wait menu, with a "custom" entry first when the breaker's wait is none of its own.
fn open_wait_options(custom: bool) -> Vec<(String, String)> {
    let custom = custom.then(|| ("custom".to_string(), "As the scenario sets it".to_string()));
    custom.into_iter().chain(OPEN_WAITS.iter().map(|o| (o.0.to_string(), o.1.to_string()))).collect()
}

/// An edit to one lane's settings.
type Edit = LaneEdit<BreakerConfig>;

#[component]
fn BreakerControls(
    index: usize,
    variant: &'static str,
    /// Whether the parameters start unfolded (on the widget's own page).
    open: bool,
    scenario: RwSignal<CircuitBreakerScenario>,
    edit: Callback<Edit>,
    remove: Callback<()>,
) -> impl IntoView {
    let lanes = move || scenario.with(|s| s.breakers.len());
    let described = move || scenario.with(|s| s.breakers.get(index).map(render::describe).unwrap_or_default());
    let shape = with_variant(&BreakerConfig::Consecutive(ConsecutiveConfig::default()), variant);
    let fields = FIELDS.iter().filter(|f| (f.get)(&shape).is_some()).map(|f| {
        let (get, set) = (f.get, f.set);
        view! {
            <NumberControl
                label=f.label
                value=Signal::derive(move || scenario.with(|s| s.breakers.get(index).and_then(get).unwrap_or(0.0)))
                min=f.min
                max=f.max
                step=f.step
                unit=f.unit
                on_change=Callback::new(move |v: f64| edit.run(Edit::new(move |b| set(b, v))))
            />
        }
    });
    view! {
        <fieldset class="lane-controls">
            <legend>{format!("Breaker {}", index + 1)}</legend>
            <SelectControl
                label="Variant"
                options=VARIANTS.iter().map(|(n, l)| (n.to_string(), l.to_string())).collect()
                value=Signal::derive(move || variant.to_string())
                on_change=Callback::new(move |name: String| edit.run(Edit::new(move |b| *b = with_variant(b, &name))))
            />
            <details class="breaker-params" open=open>
            <summary>"Parameters: "<span class="lane-params">{described}</span></summary>
            <div class="params-grid">
            {fields.collect_view()}
            {(variant != "consecutive").then(|| view! {
                <label class="control checkbox">
                    <input
                        type="checkbox"
                        prop:checked=move || scenario.with(|s| matches!(s.breakers.get(index), Some(BreakerConfig::Resilience4j(c)) if c.automatic_transition_from_open_to_half_open))
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            edit.run(Edit::new(move |b| if let BreakerConfig::Resilience4j(c) = b { c.automatic_transition_from_open_to_half_open = on }));
                        }
                    />
                    <span class="control-label">"Automatic OPEN → HALF_OPEN"</span>
                </label>
                <SelectControl
                    label="Wait in OPEN, each time it reopens"
                    options=open_wait_options(scenario.with_untracked(|s| s.breakers.get(index).and_then(open_wait_key).is_none()))
                    value=Signal::derive(move || scenario.with(|s| s.breakers.get(index).and_then(open_wait_key).unwrap_or("custom").to_string()))
                    on_change=Callback::new(move |key: String| {
                        if let Some((_, _, wait)) = OPEN_WAITS.iter().find(|o| o.0 == key) {
                            let wait = *wait;
                            edit.run(Edit::new(move |b| if let BreakerConfig::Resilience4j(c) = b { c.wait_interval_in_open_state = wait }));
                        }
                    })
                />
            })}
            </div>
            </details>
            {remove_lane_button(index, "breaker", lanes, remove)}
        </fieldset>
    }
}

/// Reads lane `index` of the current run with its config, if the run succeeded.
fn with_lane<T>(
    runs: Memo<Runs>,
    scenario: RwSignal<CircuitBreakerScenario>,
    index: usize,
    f: impl FnOnce(&BreakerRun, &BreakerConfig) -> T,
) -> Option<T> {
    runs.with(|r| {
        let run = r.0.as_ref().as_ref().ok()?.get(index)?;
        scenario.with(|s| s.breakers.get(index).map(|c| f(run, c)))
    })
}

#[component]
fn BreakerLane(
    index: usize,
    runs: Memo<Runs>,
    scenario: RwSignal<CircuitBreakerScenario>,
    playhead: RwSignal<Option<Nanos>>,
    duration: Signal<Nanos>,
) -> impl IntoView {
    let bin_ns = move || duration.get().div_ceil(BINS as u64).max(1);
    let lane = move |f: &dyn Fn(&BreakerRun, &BreakerConfig) -> String| {
        with_lane(runs, scenario, index, f).unwrap_or_default()
    };
    view! {
        <figure class="lane breaker-lane">
            <figcaption>
                <span class="lane-name">{move || lane(&|_, c| render::variant_label(c).to_string())}</span>
                <span class="lane-params">{move || lane(&|_, c| render::describe(c))}</span>
            </figcaption>
            <div class="breaker-state">
                <svg
                    class="diagram"
                    viewBox=render::DIAGRAM_VIEW_BOX
                    role="img"
                    aria-label=move || lane(&|r, _| format!("State diagram: now {}", render::state_name(r.state_at(playhead.get()))))
                    inner_html=move || lane(&|r, _| render::diagram_svg(r, playhead.get()))
                ></svg>
                <p class="explain" aria-live="polite">{move || lane(&|r, c| render::explain(r, c, playhead.get()))}</p>
            </div>
            <svg
                class="chart"
                viewBox=render::VIEW_BOX
                preserveAspectRatio="none"
                role="img"
                aria-label=move || lane(&|r, c| render::chart_label(r, c))
            >
                <g inner_html=move || lane(&|r, c| render::chart_svg(r, c, duration.get()))></g>
                <PlayheadMarks playhead=playhead duration=duration width=render::W height=render::H />
            </svg>
            <div class="axis-labels" aria-hidden="true" inner_html=move || lane(&|r, c| render::axis_labels(r, c, bin_ns()))></div>
            <details class="data-table" inner_html=move || lane(&|r, c| render::data_table(r, c, bin_ns()))></details>
            <LaneDownloads />
        </figure>
    }
}

#[component]
fn SummaryTable(
    runs: Memo<Runs>,
    trial: Memo<Shared<Trial>>,
    scenario: RwSignal<CircuitBreakerScenario>,
    playhead: RwSignal<Option<Nanos>>,
    duration: Signal<Nanos>,
) -> impl IntoView {
    let html = move || {
        let (t, d) = (playhead.get(), duration.get());
        let trial = trial.get();
        runs.with(|r| match r.0.as_ref() {
            Ok(lanes) if !lanes.is_empty() => scenario.with(|s| {
                let rows: Vec<_> =
                    lanes.iter().zip(&s.breakers).map(|(l, c)| (c, l.summary_until(&trial.0.attempts, t, d))).collect();
                render::summary_table(&rows, trial.0.unprotected(t), t)
            }),
            _ => String::new(),
        })
    };
    view! { <table class="summary" inner_html=html></table> }
}
