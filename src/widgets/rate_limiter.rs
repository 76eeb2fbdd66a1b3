//! The rate-limiter widget: controls, a timeline of arrivals coloured by
//! outcome, each limiter's internal state over time, a summary, up to three
//! limiters side by side on one trace, and a playback bar over simulated time.
//!
//! The component holds the scenario in one signal; a memo re-runs the whole
//! scenario when it changes, and everything drawn is derived from that run
//! and the playhead. Nothing here knows an algorithm's internals beyond the
//! engine's public decisions, levels and summaries.

use super::Mode;
use crate::scenario::{presets, url, RateLimiterScenario, Scenario};
use crate::sim::ratelimit::run::{LaneRun, Summary};
use crate::sim::ratelimit::{Algorithm, LimiterConfig, NginxDelay, Outcome};
use crate::sim::time::{ms_to_ns, Nanos, MS};
use crate::sim::traffic::{Arrival, Traffic};
use crate::ui::browser;
use crate::ui::chart::{band, line, nice_max, stacked_bars};
use crate::ui::controls::{NumberControl, SelectControl};
use crate::ui::format;
use leptos::prelude::*;
use std::sync::Arc;
use std::time::Duration;

/// Slices the run is binned into for drawing.
pub const BINS: usize = 200;
const W: f64 = 600.0;
const BARS_H: f64 = 56.0;
const STATE_TOP: f64 = 66.0;
const STATE_H: f64 = 50.0;
/// Playback tick, in real milliseconds.
const TICK_MS: u64 = 50;

/// A run result shared by every view of it; compared by identity so a new run
/// always notifies.
#[derive(Clone)]
pub struct Computed(pub Arc<Result<Vec<LaneRun>, String>>);

impl PartialEq for Computed {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

/// Totals of the decisions made up to `playhead` (all of them when `None`).
pub fn summary_until(lane: &LaneRun, playhead: Option<Nanos>, duration: Nanos) -> Summary {
    match playhead {
        None => lane.summary,
        Some(t) => {
            let n = lane.decisions.partition_point(|d| d.at <= t);
            Summary::of(&lane.decisions[..n], t.min(duration).max(1))
        }
    }
}

fn pattern_default(pattern: &str) -> Traffic {
    match pattern {
        "steady" => Traffic::Steady { rps: 10.0, cost: 1 },
        "poisson" => Traffic::Poisson { rps: 10.0, cost: 1 },
        "spike" => Traffic::Spike { base_rps: 2.0, spike_rps: 40.0, spike_at_ms: 5000, spike_ms: 1000, cost: 1 },
        _ => Traffic::Bursty { rps: 40.0, on_ms: 500, off_ms: 1500, cost: 1 },
    }
}

fn traffic_rate(t: &Traffic) -> Option<f64> {
    match t {
        Traffic::Steady { rps, .. } | Traffic::Poisson { rps, .. } | Traffic::Bursty { rps, .. } => Some(*rps),
        Traffic::Spike { spike_rps, .. } => Some(*spike_rps),
        Traffic::List { .. } => None,
    }
}

fn traffic_cost(t: &Traffic) -> Option<u32> {
    match t {
        Traffic::Steady { cost, .. }
        | Traffic::Poisson { cost, .. }
        | Traffic::Bursty { cost, .. }
        | Traffic::Spike { cost, .. } => Some(*cost),
        Traffic::List { .. } => None,
    }
}

/// The rate-limiter widget.
#[component]
pub fn RateLimiterWidget(
    initial: RateLimiterScenario,
    mode: Mode,
    title: Option<String>,
    notice: Option<String>,
) -> impl IntoView {
    let initial_playhead = initial.view.time_ms.map(ms_to_ns);
    let scenario = RwSignal::new(RateLimiterScenario { view: Default::default(), ..initial });
    let error = RwSignal::new(None::<String>);
    let status = RwSignal::new(notice);
    let playhead = RwSignal::new(initial_playhead);
    let playing = RwSignal::new(false);
    let speed = RwSignal::new(1.0f64);
    let show_import = RwSignal::new(false);
    let import_text = RwSignal::new(String::new());

    let runs = Memo::new(move |_| Computed(Arc::new(scenario.with(|s| s.run(BINS)))));
    let duration = Memo::new(move |_| scenario.with(|s| s.duration_ms * MS));

    // Applies an edit only if the result is valid; otherwise explains why.
    let edit = move |f: &dyn Fn(&mut RateLimiterScenario)| {
        let mut next = scenario.get_untracked();
        f(&mut next);
        match next.validate() {
            Ok(()) => {
                error.set(None);
                scenario.set(next);
            }
            Err(e) => error.set(Some(e)),
        }
    };

    // The page and embed routes keep the scenario in the URL.
    if mode != Mode::Inline {
        Effect::new(move |_| {
            let mut s = scenario.get();
            if !playing.get() {
                s.view.time_ms = playhead.get().map(|t| t as f64 / MS as f64);
            } else {
                return;
            }
            browser::replace_query_param(url::PARAM, Some(&url::encode(&Scenario::RateLimiter(s))));
        });
    }

    // Playback: advance the playhead in simulated time while playing.
    let ticker = StoredValue::new(None::<IntervalHandle>);
    let stop = move || {
        playing.set(false);
        if let Some(h) = ticker.get_value() {
            h.clear();
        }
        ticker.set_value(None);
    };
    let start = move || {
        if playhead.get_untracked().is_none_or(|t| t >= duration.get_untracked()) {
            playhead.set(Some(0));
        }
        playing.set(true);
        let handle = set_interval_with_handle(
            move || {
                let step = (speed.get_untracked() * (TICK_MS * MS) as f64) as Nanos;
                let next = playhead.get_untracked().unwrap_or(0).saturating_add(step.max(1));
                if next >= duration.get_untracked() {
                    playhead.set(None);
                    playing.set(false);
                    if let Some(h) = ticker.get_value() {
                        h.clear();
                    }
                } else {
                    playhead.set(Some(next));
                }
            },
            Duration::from_millis(TICK_MS),
        )
        .ok();
        ticker.set_value(handle);
    };
    on_cleanup(stop);
    let bin_width = move || duration.get().div_ceil(BINS as u64).max(1);
    let step_by = move |dir: i64| {
        stop();
        let d = duration.get_untracked();
        let cur = playhead.get_untracked().unwrap_or(d) as i64;
        let next = (cur + dir * bin_width() as i64).clamp(0, d as i64) as Nanos;
        playhead.set(if next >= d { None } else { Some(next) });
    };

    let fire = move |count: u32| {
        let d = duration.get_untracked();
        let at = playhead.get_untracked().unwrap_or(d / 2).min(d.saturating_sub(1));
        let at_ms = at as f64 / MS as f64;
        edit(&|s| s.extra.extend(std::iter::repeat_n(Arrival(at_ms, 1), count as usize)));
        status.set(Some(format!(
            "Fired {count} request{} at {}",
            if count == 1 { "" } else { "s" },
            format::seconds(at)
        )));
    };

    let share_link = move || {
        let mut s = scenario.get_untracked();
        s.view.time_ms = playhead.get_untracked().map(|t| t as f64 / MS as f64);
        format!("{}/widgets/rate-limiter?{}={}", browser::origin(), url::PARAM, url::encode(&Scenario::RateLimiter(s)))
    };

    let heading = title.clone();
    let aria = title.unwrap_or_else(|| "Rate limiter".to_string());
    let compact = mode == Mode::Embed;

    view! {
        <section
            class="widget rate-limiter"
            class:compact=compact
            aria-label=aria
        >
            {heading.map(|t| view! { <h3 class="widget-title">{t}</h3> })}
            <p class="widget-status" role="status" aria-live="polite">
                {move || status.get()}
            </p>
            <div class="widget-body">
                <div class="controls" role="group" aria-label="Traffic">
                    <SelectControl
                        label="Preset"
                        options=presets::RATE_LIMITER.iter().map(|(n, d)| (n.to_string(), d.to_string())).collect()
                        value=Signal::derive(|| String::new())
                        on_change=Callback::new(move |name: String| {
                            if let Some(p) = presets::rate_limiter(&name) {
                                stop();
                                playhead.set(None);
                                error.set(None);
                                scenario.set(p);
                                status.set(Some(format!("Loaded preset {name}")));
                            }
                        })
                    />
                    <SelectControl
                        label="Traffic"
                        options=["steady", "bursty", "poisson", "spike", "list"].iter().map(|p| (p.to_string(), p.to_string())).collect()
                        value=Signal::derive(move || scenario.with(|s| s.traffic.pattern().to_string()))
                        on_change=Callback::new(move |p: String| {
                            if p != "list" {
                                edit(&|s| s.traffic = pattern_default(&p));
                            }
                        })
                    />
                    <Show when=move || scenario.with(|s| traffic_rate(&s.traffic).is_some())>
                        <NumberControl
                            label=Signal::derive(move || if scenario.with(|s| matches!(s.traffic, Traffic::Spike { .. })) { "Spike rate".to_string() } else { "Rate".to_string() }).get_untracked()
                            value=Signal::derive(move || scenario.with(|s| traffic_rate(&s.traffic).unwrap_or(0.0)))
                            min=0.0
                            max=1000.0
                            step=1.0
                            unit="req/s"
                            on_change=Callback::new(move |v: f64| edit(&|s| match &mut s.traffic {
                                Traffic::Steady { rps, .. } | Traffic::Poisson { rps, .. } | Traffic::Bursty { rps, .. } => *rps = v,
                                Traffic::Spike { spike_rps, .. } => *spike_rps = v,
                                Traffic::List { .. } => {}
                            }))
                        />
                        <NumberControl
                            label="Cost per request"
                            value=Signal::derive(move || scenario.with(|s| f64::from(traffic_cost(&s.traffic).unwrap_or(1))))
                            min=1.0
                            max=100.0
                            step=1.0
                            on_change=Callback::new(move |v: f64| edit(&|s| match &mut s.traffic {
                                Traffic::Steady { cost, .. } | Traffic::Poisson { cost, .. } | Traffic::Bursty { cost, .. } | Traffic::Spike { cost, .. } => *cost = v as u32,
                                Traffic::List { .. } => {}
                            }))
                        />
                    </Show>
                    <NumberControl
                        label="Duration"
                        value=Signal::derive(move || scenario.with(|s| s.duration_ms as f64 / 1000.0))
                        min=1.0
                        max=300.0
                        step=1.0
                        unit="s"
                        on_change=Callback::new(move |v: f64| edit(&|s| s.duration_ms = (v * 1000.0).round().max(0.0) as u64))
                    />
                    <label class="control">
                        <span class="control-label">"Seed"</span>
                        <span class="control-inputs">
                            <input
                                type="number"
                                min="0"
                                prop:value=move || scenario.with(|s| s.seed.to_string())
                                on:change=move |ev| {
                                    if let Ok(seed) = event_target_value(&ev).trim().parse::<u64>() {
                                        edit(&|s| s.seed = seed);
                                    }
                                }
                            />
                            <button
                                type="button"
                                on:click=move |_| edit(&|s| s.seed = s.seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407) >> 16)
                            >
                                "New seed"
                            </button>
                        </span>
                    </label>
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
                <div class="lanes-controls">
                    {move || {
                        let n = scenario.with(|s| s.limiters.len());
                        (0..n).map(|i| view! { <LaneControls index=i scenario=scenario edit=Callback::new(move |f: LaneEdit| edit(&|s| { if let Some(l) = s.limiters.get_mut(i) { (f.0)(l) } })) remove=Callback::new(move |_| edit(&|s| { if s.limiters.len() > 1 { s.limiters.remove(i); } })) /> }).collect_view()
                    }}
                    <Show when=move || scenario.with(|s| s.limiters.len() < crate::scenario::MAX_LANES)>
                        <button
                            type="button"
                            class="add-lane"
                            on:click=move |_| edit(&|s| {
                                let mut next = s.limiters[s.limiters.len() - 1].clone();
                                next.algorithm = Algorithm::ALL.into_iter().find(|a| !s.limiters.iter().any(|l| l.algorithm == *a)).unwrap_or(Algorithm::Gcra);
                                if next.algorithm == Algorithm::Nginx { next.period_ms = 1000; }
                                s.limiters.push(next);
                            })
                        >
                            "+ Compare another algorithm"
                        </button>
                    </Show>
                </div>
                {move || error.get().map(|e| view! { <p class="control-error" role="alert">{e}</p> })}
                <PlaybackBar
                    playhead=playhead
                    playing=playing
                    speed=speed
                    duration=duration.into()
                    on_play=Callback::new(move |_| if playing.get_untracked() { stop() } else { start() })
                    on_step=Callback::new(step_by)
                    on_restart=Callback::new(move |_| { stop(); playhead.set(Some(0)); })
                    on_scrub=Callback::new(move |t: Nanos| { stop(); playhead.set(if t >= duration.get_untracked() { None } else { Some(t) }); })
                />
                {move || match &*runs.get().0 {
                    Err(e) => view! { <p class="control-error" role="alert">{e.clone()}</p> }.into_any(),
                    Ok(lanes) => {
                        let lanes = lanes.clone();
                        view! {
                            <div class="lanes">
                                {lanes.iter().map(|lane| view! { <LaneChart lane=lane.clone() playhead=playhead duration=duration.into() /> }).collect_view()}
                            </div>
                            <SummaryTable lanes=lanes playhead=playhead duration=duration.into() />
                        }.into_any()
                    }
                }}
                <div class="share" role="group" aria-label="Share and export">
                    <button type="button" on:click=move |_| {
                        let ok = browser::copy_text(&share_link());
                        status.set(Some(if ok { "Link copied".into() } else { format!("Copy this link: {}", share_link()) }));
                    }>"Copy link"</button>
                    <button type="button" on:click=move |_| {
                        let link = share_link().replacen("/widgets/", "/embed/", 1);
                        let code = format!("<iframe src=\"{link}\" title=\"Rate limiter\" style=\"width:100%;height:640px;border:0\" loading=\"lazy\"></iframe>");
                        let ok = browser::copy_text(&code);
                        status.set(Some(if ok { "Embed code copied".into() } else { format!("Copy this embed code: {code}") }));
                    }>"Copy embed code"</button>
                    <button type="button" on:click=move |_| {
                        browser::download("rate-limiter-scenario.json", "application/json", &Scenario::RateLimiter(scenario.get_untracked()).to_json_pretty());
                    }>"Export JSON"</button>
                    <button type="button" aria-expanded=move || show_import.get().to_string() on:click=move |_| show_import.update(|v| *v = !*v)>"Import JSON"</button>
                    {(mode == Mode::Inline).then(|| view! { <a class="open-page" href=move || share_link()>"Open full page"</a> })}
                </div>
                <Show when=move || show_import.get()>
                    <div class="import">
                        <label>
                            "Paste a scenario"
                            <textarea rows="6" prop:value=move || import_text.get() on:input=move |ev| import_text.set(event_target_value(&ev))></textarea>
                        </label>
                        <button type="button" on:click=move |_| {
                            match Scenario::from_json(&import_text.get_untracked()) {
                                Ok(Scenario::RateLimiter(s)) => {
                                    stop();
                                    playhead.set(s.view.time_ms.map(ms_to_ns));
                                    scenario.set(RateLimiterScenario { view: Default::default(), ..s });
                                    error.set(None);
                                    show_import.set(false);
                                    status.set(Some("Scenario imported".into()));
                                }
                                Err(e) => error.set(Some(e)),
                            }
                        }>"Load scenario"</button>
                    </div>
                </Show>
            </div>
        </section>
    }
}

/// An edit to one lane's config.
#[derive(Clone)]
pub struct LaneEdit(pub Arc<dyn Fn(&mut LimiterConfig) + Send + Sync>);

fn lane_edit(f: impl Fn(&mut LimiterConfig) + Send + Sync + 'static) -> LaneEdit {
    LaneEdit(Arc::new(f))
}

#[component]
fn LaneControls(
    index: usize,
    scenario: RwSignal<RateLimiterScenario>,
    edit: Callback<LaneEdit>,
    remove: Callback<()>,
) -> impl IntoView {
    let cfg = move || scenario.with(|s| s.limiters.get(index).cloned());
    let algo = move || cfg().map_or(Algorithm::Gcra, |c| c.algorithm);
    let lanes = move || scenario.with(|s| s.limiters.len());
    view! {
        <fieldset class="lane-controls">
            <legend>{move || format!("Limiter {}", index + 1)}</legend>
            <SelectControl
                label="Algorithm"
                options=Algorithm::ALL.iter().map(|a| (a.name().to_string(), a.label().to_string())).collect()
                value=Signal::derive(move || algo().name().to_string())
                on_change=Callback::new(move |name: String| {
                    if let Some(a) = Algorithm::from_name(&name) {
                        edit.run(lane_edit(move |l| {
                            l.algorithm = a;
                            if a == Algorithm::Nginx && l.period_ms != 1000 && l.period_ms != 60_000 {
                                l.period_ms = 1000;
                            }
                        }));
                    }
                })
            />
            <NumberControl
                label=if algo().uses_burst() { "Rate (per period)" } else { "Limit (per window)" }
                value=Signal::derive(move || cfg().map_or(1.0, |c| f64::from(c.limit)))
                min=1.0
                max=500.0
                step=1.0
                on_change=Callback::new(move |v: f64| edit.run(lane_edit(move |l| l.limit = v as u32)))
            />
            <SelectControl
                label="Period"
                options=vec![("100".into(), "100 ms".into()), ("1000".into(), "1 second".into()), ("10000".into(), "10 seconds".into()), ("60000".into(), "1 minute".into())]
                value=Signal::derive(move || cfg().map_or(String::new(), |c| c.period_ms.to_string()))
                on_change=Callback::new(move |v: String| {
                    if let Ok(p) = v.parse::<u64>() {
                        edit.run(lane_edit(move |l| l.period_ms = p));
                    }
                })
            />
            <Show when=move || algo().uses_burst()>
                <NumberControl
                    label="Burst"
                    value=Signal::derive(move || cfg().map_or(0.0, |c| f64::from(c.effective_burst())))
                    min=0.0
                    max=500.0
                    step=1.0
                    on_change=Callback::new(move |v: f64| edit.run(lane_edit(move |l| l.burst = Some(v as u32))))
                />
            </Show>
            <Show when=move || algo() == Algorithm::Nginx>
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
                        edit.run(lane_edit(move |l| l.delay = d));
                    })
                />
            </Show>
            <Show when=move || { lanes() > 1 }>
                <button type="button" class="remove-lane" on:click=move |_| remove.run(())>
                    {move || format!("Remove limiter {}", index + 1)}
                </button>
            </Show>
        </fieldset>
    }
}

#[component]
fn PlaybackBar(
    playhead: RwSignal<Option<Nanos>>,
    playing: RwSignal<bool>,
    speed: RwSignal<f64>,
    duration: Signal<Nanos>,
    on_play: Callback<()>,
    on_step: Callback<i64>,
    on_restart: Callback<()>,
    on_scrub: Callback<Nanos>,
) -> impl IntoView {
    let position = move || playhead.get().unwrap_or_else(|| duration.get());
    view! {
        <div class="playback" role="group" aria-label="Playback">
            <button type="button" on:click=move |_| on_play.run(()) aria-pressed=move || playing.get().to_string()>
                {move || if playing.get() { "Pause" } else { "Play" }}
            </button>
            <button type="button" on:click=move |_| on_step.run(-1) aria-label="Step back">"◀ Step"</button>
            <button type="button" on:click=move |_| on_step.run(1) aria-label="Step forward">"Step ▶"</button>
            <button type="button" on:click=move |_| on_restart.run(())>"Restart"</button>
            <label class="scrub">
                <span class="visually-hidden">"Simulated time"</span>
                <input
                    type="range"
                    min="0"
                    max=move || (duration.get() / MS).to_string()
                    step="1"
                    prop:value=move || (position() / MS).to_string()
                    aria-valuetext=move || format::seconds(position())
                    on:input=move |ev| {
                        if let Ok(ms) = event_target_value(&ev).parse::<u64>() {
                            on_scrub.run(ms * MS);
                        }
                    }
                />
            </label>
            <output class="time">{move || format!("{} / {}", format::seconds(position()), format::seconds(duration.get()))}</output>
            <label class="speed">
                "Speed "
                <select on:change=move |ev| speed.set(event_target_value(&ev).parse().unwrap_or(1.0))>
                    {[0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0]
                        .into_iter()
                        .map(|s| view! { <option value=s.to_string() selected=move || speed.get() == s>{format!("{s}×")}</option> })
                        .collect_view()}
                </select>
            </label>
        </div>
    }
}

#[component]
fn LaneChart(lane: LaneRun, playhead: RwSignal<Option<Nanos>>, duration: Signal<Nanos>) -> impl IntoView {
    let algo = lane.config.algorithm;
    let counts: Vec<[u32; 3]> = lane.bins.iter().map(|b| [b.allowed, b.delayed, b.rejected]).collect();
    let peak = counts.iter().map(|c| c[0] + c[1] + c[2]).max().unwrap_or(0);
    let count_max = nice_max(f64::from(peak)) as u32;
    let [allowed, delayed, rejected] = stacked_bars(&counts, count_max.max(1), W, BARS_H);
    let level_peak = lane.bins.iter().map(|b| b.level_max).fold(lane.capacity, f64::max);
    let level_max = nice_max(level_peak);
    let starts: Vec<f64> = lane.bins.iter().map(|b| b.level_start).collect();
    let lows: Vec<f64> = lane.bins.iter().map(|b| b.level_min).collect();
    let highs: Vec<f64> = lane.bins.iter().map(|b| b.level_max).collect();
    let state_band = band(&lows, &highs, level_max, W, STATE_H);
    let state_line = line(&starts, level_max, W, STATE_H);
    let cap_y = STATE_H - (lane.capacity / level_max).clamp(0.0, 1.0) * STATE_H;
    let x_of = move || {
        let d = duration.get().max(1);
        playhead.get().map_or(W, |t| (t.min(d) as f64 / d as f64 * W * 10.0).round() / 10.0)
    };
    let bin_ns = duration.get_untracked().div_ceil(BINS as u64).max(1);
    let label = format!(
        "{} — arrivals by outcome (peak {peak} per {}), and {}",
        algo.label(),
        format::duration(bin_ns),
        algo.state_label()
    );
    let table_rows = table_rows(&lane, bin_ns);
    view! {
        <figure class="lane">
            <figcaption>
                <span class="lane-name">{algo.label()}</span>
                <span class="lane-params">{describe(&lane.config)}</span>
            </figcaption>
            <svg class="chart" viewBox=format!("0 0 {W} {}", STATE_TOP + STATE_H + 2.0) preserveAspectRatio="none" role="img" aria-label=label>
                <g class="bars">
                    <path class="allowed" d=allowed />
                    <path class="delayed" d=delayed />
                    <path class="rejected" d=rejected />
                </g>
                <g class="state" transform=format!("translate(0 {STATE_TOP})")>
                    <path class="state-band" d=state_band />
                    <path class="state-line" d=state_line />
                    <line class="capacity" x1="0" x2=W y1=cap_y y2=cap_y />
                </g>
                <rect class="future" x=x_of y="0" width=move || (W - x_of()).max(0.0) height=STATE_TOP + STATE_H + 2.0 />
                <line class="playhead" x1=x_of x2=x_of y1="0" y2=STATE_TOP + STATE_H + 2.0 />
            </svg>
            <div class="axis-labels" aria-hidden="true">
                <span>{format!("arrivals, max {count_max} per {}", format::duration(bin_ns))}</span>
                <span>{format!("{}, max {}", algo.state_label(), format::number(level_max))}</span>
            </div>
            <details class="data-table">
                <summary>{format!("Table: {} over time", algo.label())}</summary>
                <table>
                    <thead>
                        <tr><th scope="col">"From"</th><th scope="col">"Allowed"</th><th scope="col">"Delayed"</th><th scope="col">"Rejected"</th><th scope="col">{algo.state_label()}" (range)"</th></tr>
                    </thead>
                    <tbody>
                        {table_rows.into_iter().map(|r| view! { <tr><td>{r.0}</td><td>{r.1}</td><td>{r.2}</td><td>{r.3}</td><td>{r.4}</td></tr> }).collect_view()}
                    </tbody>
                </table>
            </details>
        </figure>
    }
}

/// Twenty rows summarising a lane's bins, for the table alternative.
fn table_rows(lane: &LaneRun, bin_ns: Nanos) -> Vec<(String, u32, u32, u32, String)> {
    let per_row = lane.bins.len().div_ceil(20).max(1);
    lane.bins
        .chunks(per_row)
        .enumerate()
        .map(|(i, chunk)| {
            let lo = chunk.iter().map(|b| b.level_min).fold(f64::INFINITY, f64::min);
            let hi = chunk.iter().map(|b| b.level_max).fold(0.0, f64::max);
            (
                format::seconds(i as u64 * per_row as u64 * bin_ns),
                chunk.iter().map(|b| b.allowed).sum(),
                chunk.iter().map(|b| b.delayed).sum(),
                chunk.iter().map(|b| b.rejected).sum(),
                format!("{}–{}", format::number(lo), format::number(hi)),
            )
        })
        .collect()
}

/// The limiter's parameters in its reference's own terms.
pub fn describe(c: &LimiterConfig) -> String {
    let per = match c.period_ms {
        1000 => "s".to_string(),
        60_000 => "min".to_string(),
        p => format::duration(p * MS),
    };
    match c.algorithm {
        Algorithm::Gcra => format!("{} per {per}, burst {}", c.limit, c.effective_burst()),
        Algorithm::TokenBucket => format!("capacity {}, refill {} per {per}", c.effective_burst(), c.limit),
        Algorithm::Nginx => {
            let unit = if c.period_ms == 60_000 { "r/m" } else { "r/s" };
            let mode = match c.delay {
                NginxDelay::NoDelay => " nodelay".to_string(),
                NginxDelay::Delay(0) => String::new(),
                NginxDelay::Delay(n) => format!(" delay={n}"),
            };
            format!("rate={}{unit} burst={}{mode}", c.limit, c.effective_burst())
        }
        _ => format!("{} per {per} window", c.limit),
    }
}

#[component]
fn SummaryTable(lanes: Vec<LaneRun>, playhead: RwSignal<Option<Nanos>>, duration: Signal<Nanos>) -> impl IntoView {
    let summaries = move || {
        let (t, d) = (playhead.get(), duration.get());
        lanes.iter().map(|l| (l.config.algorithm.label(), summary_until(l, t, d))).collect::<Vec<_>>()
    };
    view! {
        <table class="summary">
            <caption>{move || match playhead.get() {
                None => "Summary of the whole run".to_string(),
                Some(t) => format!("Summary up to {}", format::seconds(t)),
            }}</caption>
            {move || {
                let rows = summaries();
                view! {
                    <thead>
                        <tr>
                            <th scope="col">"Limiter"</th>
                            <th scope="col">"Requests"</th>
                            <th scope="col">"Allowed"</th>
                            <th scope="col">"Delayed"</th>
                            <th scope="col">"Rejected"</th>
                            <th scope="col">"Longest delay"</th>
                            <th scope="col">"Effective rate"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {rows.into_iter().map(|(name, s)| view! {
                            <tr>
                                <th scope="row">{name}</th>
                                <td>{s.requests}</td>
                                <td class="allowed-text">{s.allowed}</td>
                                <td class="delayed-text">{s.delayed}</td>
                                <td class="rejected-text">{s.rejected}{(s.never > 0).then(|| format!(" ({} never fit)", s.never))}</td>
                                <td>{format::duration(s.longest_delay_ns)}</td>
                                <td>{format!("{}/s", format::number(s.effective_rate))}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                }
            }}
        </table>
    }
}

/// Whether an outcome counts as refused, for callers that colour by outcome.
pub fn refused(o: Outcome) -> bool {
    !o.admitted()
}
