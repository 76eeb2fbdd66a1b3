//! The event-streaming widget: one topic's records and one consumer group
//! under up to three assignors side by side: each assignor's total lag
//! over time with its rebalances beneath, each partition's owner and lag
//! at the playhead, each consumer's lag over the run, every rebalance and
//! a summary; consumers added, crashed or stopped and partitions added at
//! the playhead.
//!
//! The records and member ids are drawn once per seed, topics, keys and
//! events (an assignor or group change re-runs only the assignors).

mod render;

use super::shell::{remove_lane_button, Shell};
use super::Mode;
use crate::scenario::EventStreamingScenario;
use crate::sim::event_streaming::assignor::Assignor;
use crate::sim::event_streaming::run::{LaneRun, Trial};
use crate::sim::event_streaming::scenario::{Change, Event, BINS};
use crate::sim::event_streaming::{presets, Keys, MAX_CONSUMERS, MAX_PARTITIONS};
use crate::sim::kernel::time::MS;
use crate::sim::kernel::slices::bin_of;
use crate::ui::controls::{NumberControl, SeedControl, SelectControl};
use crate::ui::playback::{Playback, PlayheadMarks};
use crate::ui::share::LaneDownloads;
use crate::ui::{rerun_changed, LaneCache, Shared};
use leptos::prelude::*;
use std::sync::Arc;

/// The runs every view of the widget reads.
type Computed = Shared<Result<Vec<Arc<LaneRun>>, String>>;

super::shell::widget_entry!(EventStreamingScenario, EventStreamingWidget);

/// What a lane's run depends on besides the records.
type LaneKey = (Assignor, u64, u32, (u64, u64, u64));

/// The event-streaming widget.
#[component]
pub fn EventStreamingWidget(
    initial: EventStreamingScenario,
    mode: Mode,
    title: Option<String>,
    notice: Option<String>,
) -> impl IntoView {
    let shell = Shell::new(initial, notice);
    let Shell { scenario, status, .. } = shell;

    // What the records depend on; they are drawn again only when this changes.
    let inputs = Memo::new(move |_| {
        scenario.with(|s| (s.seed, s.duration_ms, s.topics.clone(), s.rate.to_bits(), s.keys, s.batch_records, s.consumers, s.events.clone()))
    });
    let trial = Memo::new(move |_| {
        inputs.with(|_| ());
        Shared(Arc::new(scenario.with_untracked(EventStreamingScenario::trial)))
    });
    // Each assignor runs again only when it, the group's settings or the records changed.
    let lane_cache: LaneCache<LaneKey, Trial, Arc<LaneRun>> = StoredValue::new(Vec::new());
    let runs: Memo<Computed> = Memo::new(move |_| {
        let t = trial.get();
        Shared(Arc::new(scenario.with(|s| {
            s.validate()?;
            let g = s.timings;
            let lanes = s
                .assignors
                .iter()
                .map(|&a| (a, s.consumer_rate.to_bits(), s.consumers, (g.session_timeout_ms, g.rebalance_ms, g.commit_interval_ms)))
                .collect();
            let group = s.group();
            rerun_changed(lane_cache, &t, lanes, |(a, ..)| {
                Ok(Arc::new(crate::sim::event_streaming::run::run(*a, &t.0, &group, BINS)))
            })
        })))
    });
    let run_error = Memo::new(move |_| runs.with(|r| r.0.as_ref().as_ref().err().cloned()));
    let duration = Memo::new(move |_| scenario.with(|s| s.duration_ms * MS));
    let playback = Playback::new(shell.opened_at, duration.into(), BINS);
    let shell = shell.with_playback(playback);
    let playhead = playback.playhead;
    let upto = Memo::new(move |_| playhead.get().map_or(BINS - 1, |t| bin_of(t, duration.get(), BINS)));
    let lane_assignors = Memo::new(move |_| scenario.with(|s| s.assignors.iter().map(|a| a.key()).collect::<Vec<_>>()));
    let editor = shell.editor();
    let edit = move |f: &dyn Fn(&mut EventStreamingScenario)| {
        editor(f);
    };
    let ok_runs = move |f: &dyn Fn(&[&LaneRun]) -> String| {
        runs.with(|r| {
            r.0.as_ref().as_ref().map(|v| f(&v.iter().map(Arc::as_ref).collect::<Vec<_>>())).unwrap_or_default()
        })
    };

    // The consumer the crash and stop buttons act on.
    let target = RwSignal::new(1u32);
    let act = move |consumer: Option<u32>, topic: Option<u32>, change: Change, done: String| {
        let at = (playback.now_or_mid() / MS) as f64;
        if shell.edit(&|s| s.events.push(Event { at_ms: at, consumer, topic, change })) {
            status.set(Some(format!("{done} at {}.", crate::ui::format::seconds(at as u64 * MS))));
        }
    };
    let started = move || scenario.with(|s| s.consumers + s.events.iter().filter(|e| e.change == Change::Join).count() as u32);

    let controls = view! {
        <div class="controls" role="group" aria-label="Producer and group">
            {shell.preset_select(&presets::PRESETS, presets::preset)}
            <NumberControl
                label="Records per second"
                value=Signal::derive(move || scenario.with(|s| s.rate))
                min=0.0
                max=20000.0
                step=50.0
                on_change=Callback::new(move |v: f64| edit(&|s| s.rate = v))
            />
            <SelectControl
                label="Keys"
                options=Keys::KINDS.iter().map(|(k, name)| (k.to_string(), name.to_string())).collect()
                value=Signal::derive(move || scenario.with(|s| s.keys.kind().to_string()))
                on_change=Callback::new(move |k: String| edit(&|s| {
                    if let Some(keys) = s.keys.with_kind(&k) {
                        s.keys = keys;
                    }
                }))
            />
            <NumberControl
                label="Partitions"
                value=Signal::derive(move || scenario.with(|s| f64::from(s.topics[0].partitions)))
                min=1.0
                max=f64::from(MAX_PARTITIONS)
                step=1.0
                on_change=Callback::new(move |v: f64| edit(&|s| {
                    s.topics[0].partitions = v as u32;
                    let n = v as u32;
                    // Growth events below the new count no longer grow anything.
                    s.events.retain(|e| !matches!(e.change, Change::Partitions(m) if e.topic.unwrap_or(1) == 1 && m <= n));
                }))
            />
            <NumberControl
                label="Consumers at the start"
                value=Signal::derive(move || scenario.with(|s| f64::from(s.consumers)))
                min=0.0
                max=32.0
                step=1.0
                on_change=Callback::new(move |v: f64| edit(&|s| {
                    let n = v as u32;
                    s.consumers = n;
                    s.events.retain(|e| e.consumer.is_none_or(|c| c <= n) || e.change == Change::Join);
                }))
            />
            <NumberControl
                label="Each consumer processes"
                value=Signal::derive(move || scenario.with(|s| s.consumer_rate))
                min=0.0
                max=20000.0
                step=10.0
                unit="/s"
                on_change=Callback::new(move |v: f64| edit(&|s| s.consumer_rate = v))
            />
            <NumberControl
                label="Session timeout"
                value=Signal::derive(move || scenario.with(|s| s.timings.session_timeout_ms as f64))
                min=1000.0
                max=300000.0
                step=1000.0
                unit="ms"
                on_change=Callback::new(move |v: f64| edit(&|s| s.timings.session_timeout_ms = v as u64))
            />
            <SeedControl
                value=Signal::derive(move || scenario.with(|s| s.seed))
                on_change=Callback::new(move |seed: u64| edit(&|s| s.seed = seed))
            />
        </div>
        <div class="controls group-actions" role="group" aria-label="Change the group at the playhead">
            <button type="button" on:click=move |_| {
                let n = started() + 1;
                if (n as usize) <= MAX_CONSUMERS {
                    act(None, None, Change::Join, format!("Consumer {n} joins"));
                }
            }>"Add a consumer now"</button>
            <NumberControl
                label="Consumer"
                value=Signal::derive(move || f64::from(target.get()))
                min=1.0
                max=Signal::derive(move || f64::from(started().max(1)))
                step=1.0
                on_change=Callback::new(move |v: f64| target.set((v as u32).max(1)))
            />
            <button type="button" data-action="break" on:click=move |_| {
                let c = target.get_untracked();
                act(Some(c), None, Change::Crash, format!("Consumer {c} crashes"));
            }>"Crash it now"</button>
            <button type="button" on:click=move |_| {
                let c = target.get_untracked();
                act(Some(c), None, Change::Leave, format!("Consumer {c} leaves"));
            }>"Stop it cleanly now"</button>
            <button type="button" on:click=move |_| {
                let now = scenario.with_untracked(|s| {
                    s.events.iter().filter(|e| e.topic.unwrap_or(1) == 1).fold(s.topics[0].partitions, |n, e| match e.change {
                        Change::Partitions(m) => n.max(m),
                        _ => n,
                    })
                });
                act(None, Some(1), Change::Partitions(now * 2), format!("The topic grows to {} partitions", now * 2));
            }>"Double the partitions now"</button>
            <button type="button" on:click=move |_| { edit(&|s| s.events.clear()); }>"Clear changes"</button>
        </div>
        {shell.lanes_controls(
            lane_assignors,
            move |i, key: &'static str| view! { <AssignorControls index=i key=key shell=shell /> },
            |s| s.assignors.len() < crate::scenario::MAX_LANES,
            |s| {
                let next = Assignor::all().into_iter().find(|a| !s.assignors.contains(a)).unwrap_or(Assignor::Range);
                s.assignors.push(next);
            },
            "+ Compare another assignor",
        )}
    };
    // The lag chart, its scale and the rebalance strips, once per run.
    let chart = Memo::new(move |_| {
        runs.with(|r| match r.0.as_ref() {
            Ok(v) => {
                let lanes: Vec<&LaneRun> = v.iter().map(Arc::as_ref).collect();
                let (svg, top) = render::lag_svg(&lanes);
                (svg, format!("{} records behind", crate::ui::format::thousands(top as u64)), render::rebalance_strips(&lanes), render::partition_top(&lanes), top)
            }
            Err(_) => Default::default(),
        })
    });
    let tick_ns = move || trial.with(|t| t.0.tick_ns);
    let outputs = view! {
        <figure class="lane es-chart">
            <figcaption><span class="lane-name">"Consumer lag over time (records not yet processed)"</span></figcaption>
            <svg class="chart" viewBox=render::VIEW_BOX preserveAspectRatio="none" role="img"
                aria-label=move || scenario.with(|s| ok_runs(&|r| render::lag_label(r, &s.assignors)))>
                <g inner_html=move || chart.with(|c| c.0.clone())></g>
                <PlayheadMarks playhead=playhead duration=duration.into() width=render::W height=render::H />
            </svg>
            <div class="axis-labels" aria-hidden="true">
                <span>"0"</span>
                <span>{move || chart.with(|c| c.1.clone())}</span>
            </div>
            <svg class="strips" viewBox=move || format!("0 0 600 {}", crate::ui::chart::r(lane_assignors.with(|l| l.len()) as f64 * render::STRIP_H))
                preserveAspectRatio="none" aria-hidden="true" inner_html=move || chart.with(|c| c.2.clone())>
            </svg>
            <p class="strip-caption">"Rebalances, one strip per assignor"</p>
            <details class="data-table" inner_html=move || {
                let d = duration.get();
                scenario.with(|s| ok_runs(&|r| render::lag_table(r, &s.assignors, d)))
            }></details>
            <details class="data-table" inner_html=move || {
                let tick = tick_ns();
                scenario.with(|s| ok_runs(&|r| render::rebalances_table(r, &s.assignors, tick)))
            }></details>
            <LaneDownloads />
        </figure>
        <div class="partition-lanes">
            {move || lane_assignors.get().into_iter().enumerate().map(|(i, key)| view! {
                <figure class="partition-lane">
                    <figcaption><span class=format!("swatch lane-{}", i + 1)></span>
                        {Assignor::from_key(key).map(Assignor::name)}
                        ": each partition's consumer (colour and number) and lag (bar) at the playhead"
                    </figcaption>
                    <svg class="partitions" viewBox=format!("0 0 600 {}", crate::ui::chart::r(render::PARTITIONS_H)) preserveAspectRatio="none" role="img"
                        aria-label=move || {
                            let b = upto.get();
                            trial.with(|t| ok_runs(&|r| r.get(i).map(|run| render::partitions_text(&t.0, run.partitions_at(b))).unwrap_or_default()))
                        }
                        inner_html=move || {
                            let (b, top) = (upto.get(), chart.with(|c| c.3));
                            trial.with(|t| ok_runs(&|r| r.get(i).map(|run| render::partitions_svg(&t.0, run.partitions_at(b), top, 600.0)).unwrap_or_default()))
                        }>
                    </svg>
                    <svg class="consumer-lag" viewBox=format!("0 0 600 {}", crate::ui::chart::r(render::CONSUMERS_H)) preserveAspectRatio="none" role="img"
                        aria-label=move || {
                            let d = duration.get();
                            ok_runs(&|r| r.get(i).map(|run| render::consumer_lag_label(run, d)).unwrap_or_default())
                        }
                        inner_html=move || {
                            let top = chart.with(|c| c.4);
                            ok_runs(&|r| r.get(i).map(|run| render::consumer_lag_svg(run, top)).unwrap_or_default())
                        }>
                    </svg>
                    <p class="strip-caption">"Lag by consumer over time, stacked, on the lag chart's scale"</p>
                </figure>
            }).collect_view()}
        </div>
        <table class="summary" inner_html=move || {
            let tick = tick_ns();
            scenario.with(|s| ok_runs(&|r| render::summary_table(r, &s.assignors, tick)))
        }></table>
    };
    shell.view(
        mode,
        title,
        run_error,
        super::shell::legend![
            ("lane-1", "first assignor"),
            ("lane-2", "second assignor"),
            ("lane-3", "third assignor"),
            ("paused", "not being consumed"),
            ("orphaned", "owner crashed, unnoticed"),
        ],
        controls,
        outputs,
    )
}

/// One assignor's controls: which assignor.
#[component]
fn AssignorControls(index: usize, key: &'static str, shell: Shell<EventStreamingScenario>) -> impl IntoView {
    let scenario = shell.scenario;
    view! {
        <fieldset class="lane-controls">
            <legend><span class=format!("swatch lane-{}", index + 1)></span>{format!("Assignor {}", index + 1)}</legend>
            <SelectControl
                label="partition.assignment.strategy"
                options=Assignor::all().iter().map(|a| (a.key().to_string(), format!("{} ({})", a.name(), if a.cooperative() { "cooperative" } else { "eager" }))).collect()
                value=Signal::derive(move || key.to_string())
                on_change=Callback::new(move |k: String| {
                    if let Some(a) = Assignor::from_key(&k) {
                        shell.edit(&|s| {
                            if let Some(slot) = s.assignors.get_mut(index) {
                                *slot = a;
                            }
                        });
                    }
                })
            />
            {remove_lane_button(index, "assignor", move || scenario.with(|s| s.assignors.len()), Callback::new(move |_| shell.remove_lane(index, |s| &mut s.assignors)))}
        </fieldset>
    }
}
