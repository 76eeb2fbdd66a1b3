//! Playback over simulated time, shared by every time-based widget: the
//! playhead and its clock ([`Playback`]) and the bar that drives it
//! ([`PlaybackBar`]). The run never depends on playback: it only chooses
//! which part of an already computed run is shown.

use crate::sim::kernel::time::{Nanos, MS};
use crate::ui::chart::r;
use crate::ui::{browser, format};
use leptos::prelude::*;
use std::time::Duration;

/// Playback tick, in real milliseconds.
const TICK_MS: u64 = 50;
/// Playback tick when the reader prefers reduced motion.
const REDUCED_MOTION_TICK_MS: u64 = 1000;

/// A widget's playhead (`None` is the end of the run), whether it is moving,
/// and how fast, in simulated seconds per real second.
#[derive(Clone, Copy)]
pub struct Playback {
    pub playhead: RwSignal<Option<Nanos>>,
    pub playing: RwSignal<bool>,
    pub speed: RwSignal<f64>,
    duration: Signal<Nanos>,
    /// Slices the run is drawn in; a step moves by one.
    bins: usize,
    ticker: StoredValue<Option<IntervalHandle>>,
}

impl Playback {
    /// Playback of a run of `duration`, starting at `initial`; it stops when
    /// the owning component is removed.
    pub fn new(initial: Option<Nanos>, duration: Signal<Nanos>, bins: usize) -> Playback {
        let p = Playback {
            playhead: RwSignal::new(initial),
            playing: RwSignal::new(false),
            speed: RwSignal::new(1.0),
            duration,
            bins,
            ticker: StoredValue::new(None),
        };
        on_cleanup(move || p.stop());
        p
    }

    /// Stops the clock where it is.
    pub fn stop(self) {
        self.playing.set(false);
        if let Some(h) = self.ticker.get_value() {
            h.clear();
        }
        self.ticker.set_value(None);
    }

    /// Starts the clock, from the beginning if the playhead is at the end.
    pub fn start(self) {
        let d = self.duration.get_untracked();
        if self.playhead.get_untracked().is_none_or(|t| t >= d) {
            self.playhead.set(Some(0));
        }
        self.playing.set(true);
        // With reduced motion requested, the playhead moves once a second, at the same simulated speed.
        let tick_ms = if browser::prefers_reduced_motion() { REDUCED_MOTION_TICK_MS } else { TICK_MS };
        let handle = set_interval_with_handle(
            move || {
                let step = (self.speed.get_untracked() * (tick_ms * MS) as f64) as Nanos;
                let next = self.playhead.get_untracked().unwrap_or(0).saturating_add(step.max(1));
                if next >= self.duration.get_untracked() {
                    self.playhead.set(None);
                    self.stop();
                } else {
                    self.playhead.set(Some(next));
                }
            },
            Duration::from_millis(tick_ms),
        )
        .ok();
        self.ticker.set_value(handle);
    }

    /// Play or pause.
    pub fn toggle(self) {
        if self.playing.get_untracked() {
            self.stop()
        } else {
            self.start()
        }
    }

    /// Moves one slice forward (`dir` 1) or back (−1), stopping the clock.
    pub fn step(self, dir: i64) {
        self.stop();
        let d = self.duration.get_untracked();
        let bin = d.div_ceil(self.bins.max(1) as u64).max(1) as i64;
        let cur = self.playhead.get_untracked().unwrap_or(d) as i64;
        self.seek((cur + dir * bin).clamp(0, d as i64) as Nanos);
    }

    /// Back to the start, stopped.
    pub fn restart(self) {
        self.stop();
        self.playhead.set(Some(0));
    }

    /// Moves the playhead to `t` (the end at or after the run's end), stopped.
    pub fn seek(self, t: Nanos) {
        self.stop();
        self.playhead.set(if t >= self.duration.get_untracked() { None } else { Some(t) });
    }

    /// The length of the run played.
    pub fn duration(self) -> Signal<Nanos> {
        self.duration
    }

    /// The playhead as the scenario's `view.time_ms` stores it.
    pub fn time_ms(self) -> Option<f64> {
        self.playhead.get_untracked().map(|t| t as f64 / MS as f64)
    }

    /// Where to apply a change made "now": the playhead, or mid-run when the
    /// playhead is at the end (there is no later instant left to change).
    pub fn now_or_mid(self) -> Nanos {
        let d = self.duration.get_untracked();
        self.playhead.get_untracked().unwrap_or(d / 2).min(d.saturating_sub(1))
    }
}

/// Play/pause, step, restart, a scrubber over simulated time and a speed menu.
#[component]
pub fn PlaybackBar(playback: Playback, duration: Signal<Nanos>) -> impl IntoView {
    let Playback { playhead, playing, speed, .. } = playback;
    let position = move || playhead.get().unwrap_or_else(|| duration.get());
    view! {
        <div class="playback" role="group" aria-label="Playback">
            <button type="button" data-action="play" on:click=move |_| playback.toggle() aria-pressed=move || playing.get().to_string()>
                {move || if playing.get() { "Pause" } else { "Play" }}
            </button>
            <button type="button" data-action="back" on:click=move |_| playback.step(-1) aria-label="Step back">"◀ Step"</button>
            <button type="button" data-action="forward" on:click=move |_| playback.step(1) aria-label="Step forward">"Step ▶"</button>
            <button type="button" data-action="restart" on:click=move |_| playback.restart()>"Restart"</button>
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
                            playback.seek(ms * MS);
                        }
                    }
                />
            </label>
            <output class="time">{move || format!("{} / {}", format::seconds(position()), format::seconds(duration.get()))}</output>
            <label class="speed">
                "Speed "
                <select on:change=move |ev| speed.set(crate::sim::kernel::num::parse(&event_target_value(&ev)).unwrap_or(1.0))>
                    {[("0.25", 0.25), ("0.5", 0.5), ("1", 1.0), ("2", 2.0), ("5", 5.0), ("10", 10.0), ("20", 20.0)]
                        .into_iter()
                        .map(|(label, s)| view! { <option value=label selected=move || speed.get() == s>{label}"×"</option> })
                        .collect_view()}
                </select>
            </label>
        </div>
    }
}

/// The playhead over a chart `width × height` of a run of `duration`: the
/// time not yet played veiled, and a line at the playhead (at the end when
/// the playhead is `None`).
#[component]
pub fn PlayheadMarks(
    playhead: RwSignal<Option<Nanos>>,
    duration: Signal<Nanos>,
    width: f64,
    height: f64,
) -> impl IntoView {
    let x = move || {
        let d = duration.get().max(1);
        playhead.get().map_or(width, |t| t.min(d) as f64 / d as f64 * width)
    };
    view! {
        <rect class="future" x=move || r(x()).to_string() y="0" width=move || r((width - x()).max(0.0)).to_string() height=r(height).to_string() />
        <line class="playhead" x1=move || r(x()).to_string() x2=move || r(x()).to_string() y1="0" y2=r(height).to_string() />
    }
}
