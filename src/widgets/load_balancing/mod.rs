//! The load-balancing widget: one stream of requests and one pool of
//! servers under up to three balancers side by side: each balancer's p99
//! latency over time, each server's utilisation and share of requests at
//! the playhead, a summary with the latency percentiles, and a server
//! stopped or slowed at the playhead.
//!
//! The requests are drawn once per seed, traffic and service (a balancer
//! or server change re-runs only the balancers); everything drawn is
//! derived from the runs and the playhead's slice.

pub mod render;

use super::balancer::BalancerSettings;
use super::shell::{remove_lane_button, Shell};
use super::Mode;
use crate::scenario::LoadBalancingScenario;
use crate::sim::kernel::time::{Nanos, MS};
use crate::sim::kernel::slices::{bin_of, slice_start};
use crate::sim::load_balancing::run::{LaneRun, Trial};
use crate::sim::load_balancing::scenario::{Event, BINS};
use crate::sim::load_balancing::{presets, Balancer, Change, ServerChange, Service, MAX_SERVERS};
use crate::ui::controls::{NumberControl, SeedControl, SelectControl};
use crate::ui::playback::{Playback, PlayheadMarks};
use crate::ui::share::LaneDownloads;
use crate::ui::{rerun_changed, LaneCache, Shared};
use leptos::prelude::*;
use std::sync::Arc;

/// The runs every view of the widget reads.
type Computed = Shared<Result<Vec<Arc<LaneRun>>, String>>;

super::shell::widget_entry!(LoadBalancingScenario, LoadBalancingWidget);

/// What a lane's run depends on besides the requests.
type LaneKey = (Balancer, Vec<crate::sim::load_balancing::Server>, Vec<ServerChange>, Option<u64>, usize);

/// The load-balancing widget.
#[component]
pub fn LoadBalancingWidget(
    initial: LoadBalancingScenario,
    mode: Mode,
    title: Option<String>,
    notice: Option<String>,
) -> impl IntoView {
    let shell = Shell::new(initial, notice);
    let Shell { scenario, status, .. } = shell;

    // What the requests depend on; they are drawn again only when this changes.
    let inputs = Memo::new(move |_| scenario.with(|s| (s.seed, s.duration_ms, s.traffic.clone(), s.service)));
    let trial = Memo::new(move |_| {
        inputs.with(|_| ());
        Shared(Arc::new(scenario.with_untracked(LoadBalancingScenario::trial)))
    });
    // Each balancer runs again only when it, the servers, the events or the
    // requests changed.
    let lane_cache: LaneCache<LaneKey, Trial, Arc<LaneRun>> = StoredValue::new(Vec::new());
    let runs: Memo<Computed> = Memo::new(move |_| {
        let t = trial.get();
        Shared(Arc::new(scenario.with(|s| {
            s.validate()?;
            let changes = s.changes();
            let lanes =
                (0..s.balancers.len()).map(|i| (s.balancers[i], s.servers.clone(), changes.clone(), s.timeout_ms, i)).collect();
            rerun_changed(lane_cache, &t, lanes, |(_, _, changes, _, i)| Ok(Arc::new(s.run_lane(*i, &t.0, changes))))
        })))
    });
    let run_error = Memo::new(move |_| runs.with(|r| r.0.as_ref().as_ref().err().cloned()));
    let duration = Memo::new(move |_| scenario.with(|s| s.duration_ms * MS));
    let playback = Playback::new(shell.opened_at, duration.into(), BINS);
    let shell = shell.with_playback(playback);
    let playhead = playback.playhead;
    // The slice the playhead is in (the last at the end of the run), and
    // where it ends: the summary counts the requests that arrived before
    // then, so it is redrawn once per slice, not on every tick of playback.
    let upto = Memo::new(move |_| playhead.get().map_or(BINS - 1, |t| bin_of(t, duration.get(), BINS)));
    let until = Memo::new(move |_| playhead.get().map(|_| slice_start(upto.get() + 1, duration.get(), BINS)));
    // Requests on their way to the servers while the run plays: a quarter
    // second of simulated time at the playback's speed, about two dozen
    // requests a lane; none when the reader asked for reduced motion.
    let still = crate::ui::browser::prefers_reduced_motion();
    let flows = move |i: usize| {
        let Some(t) = playhead.get().filter(|_| !still) else { return String::new() };
        let flight = (playback.speed.get() * (250 * MS) as f64) as Nanos;
        trial.with(|tr| {
            let at = &tr.0.at;
            let expected = at.len() as f64 * flight as f64 / duration.get().max(1) as f64;
            let every = (expected / 24.0).ceil() as usize;
            runs.with(|r| match r.0.as_ref() {
                Ok(v) => v.get(i).map(|run| render::flow_svg(run, at, t, flight, every, 600.0)).unwrap_or_default(),
                Err(_) => String::new(),
            })
        })
    };
    let lane_balancers = Memo::new(move |_| scenario.with(|s| s.balancers.iter().map(Balancer::key).collect::<Vec<_>>()));
    let editor = shell.editor();
    let edit = move |f: &dyn Fn(&mut LoadBalancingScenario)| {
        editor(f);
    };
    let ok_runs = move |f: &dyn Fn(&[&LaneRun]) -> String| {
        runs.with(|r| {
            r.0.as_ref().as_ref().map(|v| f(&v.iter().map(Arc::as_ref).collect::<Vec<_>>())).unwrap_or_default()
        })
    };
    // The server a "now" button acts on.
    let target = RwSignal::new(1u32);
    let act = move |change: Change, verb: &'static str| {
        let at = playback.now_or_mid();
        let server = target.get_untracked();
        if shell.edit(&|s| {
            s.events.retain(|e| !(e.server == server && e.at_ms == (at / MS) as f64));
            s.events.push(Event { at_ms: (at / MS) as f64, server, change });
        }) {
            status.set(Some(format!("Server {server} {verb} at {}.", crate::ui::format::seconds(at))));
        }
    };

    let controls = view! {
        <div class="controls" role="group" aria-label="Traffic and servers">
            {shell.preset_select(&presets::PRESETS, presets::preset)}
            <NumberControl
                label="Requests per second"
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
                label="Servers"
                value=Signal::derive(move || scenario.with(|s| s.servers.len() as f64))
                min=1.0
                max=MAX_SERVERS as f64
                step=1.0
                on_change=Callback::new(move |v: f64| edit(&|s| {
                    let like = s.servers[0];
                    s.servers.resize((v as usize).clamp(1, MAX_SERVERS), like);
                    let n = s.servers.len() as u32;
                    s.events.retain(|e| e.server <= n);
                }))
            />
            <NumberControl
                label="Mean service time"
                value=Signal::derive(move || scenario.with(|s| s.service.mean_ms()))
                min=0.1
                max=1000.0
                step=0.5
                unit="ms"
                on_change=Callback::new(move |v: f64| edit(&|s| {
                    s.service = match s.service {
                        Service::Exponential { .. } => Service::Exponential { mean_ms: v },
                        Service::LogNormal { sigma, .. } => Service::LogNormal { median_ms: v / crate::sim::kernel::rng::exp(sigma * sigma / 2.0), sigma },
                        Service::Bimodal { fast_ms, slow_ms, slow_fraction } => {
                            let k = v / s.service.mean_ms();
                            Service::Bimodal { fast_ms: fast_ms * k, slow_ms: slow_ms * k, slow_fraction }
                        }
                    };
                }))
            />
            <NumberControl
                label="Last server's speed"
                value=Signal::derive(move || scenario.with(|s| s.servers.last().map_or(1.0, |x| x.speed)))
                min=0.05
                max=20.0
                step=0.05
                unit="×"
                on_change=Callback::new(move |v: f64| edit(&|s| {
                    if let Some(last) = s.servers.last_mut() {
                        last.speed = v;
                    }
                }))
            />
            <SeedControl
                value=Signal::derive(move || scenario.with(|s| s.seed))
                on_change=Callback::new(move |seed: u64| edit(&|s| s.seed = seed))
            />
        </div>
        <div class="controls server-actions" role="group" aria-label="Change a server at the playhead">
            <NumberControl
                label="Server"
                value=Signal::derive(move || f64::from(target.get()))
                min=1.0
                max=Signal::derive(move || scenario.with(|s| s.servers.len() as f64))
                step=1.0
                on_change=Callback::new(move |v: f64| target.set((v as u32).max(1)))
            />
            <button type="button" data-action="break" on:click=move |_| act(Change::Stop, "stopped")>"Stop it now"</button>
            <button type="button" on:click=move |_| act(Change::Speed(0.1), "slowed to a tenth")>"Slow it now"</button>
            <button type="button" on:click=move |_| act(Change::Start, "started")>"Start it now"</button>
            <button type="button" on:click=move |_| { edit(&|s| s.events.clear()); }>"Clear changes"</button>
        </div>
        {shell.lanes_controls(
            lane_balancers,
            move |i, key: &'static str| view! { <BalancerControls index=i key=key shell=shell /> },
            |s| s.balancers.len() < crate::scenario::MAX_LANES,
            |s| {
                let next = Balancer::all().into_iter().find(|b| !s.balancers.iter().any(|c| c.key() == b.key())).unwrap_or(Balancer::RoundRobin);
                s.balancers.push(next);
            },
            "+ Compare another balancer",
        )}
    };
    let concurrency = move || scenario.with(|s| s.servers.iter().map(|x| x.concurrency).collect::<Vec<_>>());
    let slice_ns = move || (duration.get() / BINS as Nanos).max(1) as f64;
    // The chart and its scale's top, once per run.
    let chart = Memo::new(move |_| {
        runs.with(|r| match r.0.as_ref() {
            Ok(v) => {
                let (svg, top) = render::chart_svg(&v.iter().map(Arc::as_ref).collect::<Vec<_>>(), BINS - 1);
                (svg, format!("{} p99", render::latency(top)))
            }
            Err(_) => Default::default(),
        })
    });
    // The latency distribution and the queues over time, once per run.
    let more = Memo::new(move |_| {
        let w = slice_ns();
        runs.with(|r| match r.0.as_ref() {
            Ok(v) => {
                let lanes: Vec<&LaneRun> = v.iter().map(Arc::as_ref).collect();
                let (dist, top) = render::distribution_svg(&lanes);
                let (queue, most) = render::queue_svg(&lanes, w);
                [dist, render::latency(top), queue, format!("{} queued", crate::ui::format::number(most))]
            }
            Err(_) => Default::default(),
        })
    });
    let more_part = move |i: usize| move || more.with(|m| m[i].clone());
    let outputs = view! {
        <figure class="lane lb-chart">
            <figcaption><span class="lane-name">"p99 latency over time"</span></figcaption>
            <svg class="chart" viewBox=render::VIEW_BOX preserveAspectRatio="none" role="img"
                aria-label=move || scenario.with(|s| ok_runs(&|r| render::chart_label(r, &s.balancers)))>
                <g inner_html=move || chart.with(|c| c.0.clone())></g>
                <PlayheadMarks playhead=playhead duration=duration.into() width=render::W height=render::H />
            </svg>
            <div class="axis-labels" aria-hidden="true">
                <span>"1 ms (log scale)"</span>
                <span>{move || chart.with(|c| c.1.clone())}</span>
            </div>
        </figure>
        <figure class="lane lb-chart">
            <figcaption><span class="lane-name">"Latency distribution of the requests served (share per bucket, log scale)"</span></figcaption>
            <svg class="chart" viewBox=render::VIEW_BOX preserveAspectRatio="none" role="img"
                aria-label=move || scenario.with(|s| ok_runs(&|r| render::distribution_label(r, &s.balancers)))>
                <g inner_html=more_part(0)></g>
            </svg>
            <div class="axis-labels" aria-hidden="true">
                <span>"1 ms"</span>
                <span>{more_part(1)}</span>
            </div>
        </figure>
        <figure class="lane lb-chart">
            <figcaption><span class="lane-name">"Requests waiting in the servers' queues"</span></figcaption>
            <svg class="chart" viewBox=render::VIEW_BOX preserveAspectRatio="none" aria-hidden="true">
                <g inner_html=more_part(2)></g>
                <PlayheadMarks playhead=playhead duration=duration.into() width=render::W height=render::H />
            </svg>
            <div class="axis-labels" aria-hidden="true">
                <span>"0"</span>
                <span>{more_part(3)}</span>
            </div>
            <details class="data-table" inner_html=move || {
                let d = duration.get();
                scenario.with(|s| ok_runs(&|r| render::data_table(r, &s.balancers, d)))
            }></details>
            <LaneDownloads />
        </figure>
        <div class="server-lanes">
            {move || lane_balancers.get().into_iter().enumerate().map(|(i, _)| view! {
                <figure class="server-lane">
                    <figcaption><span class=format!("swatch lane-{}", i + 1)></span>
                        {move || scenario.with(|s| s.balancers.get(i).map(render::balancer_label).unwrap_or_default())}
                        ": servers busy (bars) and share of requests (ticks) at the playhead; while it plays, requests on their way (dots)"
                    </figcaption>
                    <svg class="servers" viewBox=format!("0 0 600 {}", crate::ui::chart::r(render::SERVERS_H)) preserveAspectRatio="none" role="img"
                        aria-label=move || {
                            let (b, c, w) = (upto.get(), concurrency(), slice_ns());
                            ok_runs(&|r| r.get(i).map(|run| render::servers_text(run, &c, b, w)).unwrap_or_default())
                        }
                        inner_html=move || {
                            let (b, c, w) = (upto.get(), concurrency(), slice_ns());
                            ok_runs(&|r| r.get(i).map(|run| render::servers_svg(run, &c, b, w, 600.0)).unwrap_or_default())
                        }>
                    </svg>
                    <svg class=format!("servers flows lane-{}", i + 1) viewBox=format!("0 0 600 {}", crate::ui::chart::r(render::SERVERS_H)) preserveAspectRatio="none" aria-hidden="true"
                        inner_html=move || flows(i)>
                    </svg>
                </figure>
            }).collect_view()}
        </div>
        <table class="summary" inner_html=move || {
            let until = until.get();
            trial.with(|t| scenario.with(|s| ok_runs(&|r| {
                let rows: Vec<_> = r.iter().zip(&s.balancers).map(|(run, b)| (*b, render::so_far(run, &t.0.at, until))).collect();
                render::summary_table(&rows, until.is_some())
            })))
        }></table>
    };
    shell.view(
        mode,
        title,
        run_error,
        super::shell::legend![
            ("lane-1", "first balancer"),
            ("lane-2", "second balancer"),
            ("lane-3", "third balancer"),
            ("busy", "server busy"),
            ("lost", "request dropped or refused"),
        ],
        controls,
        outputs,
    )
}

/// One balancer's controls: which balancer, and its settings.
#[component]
fn BalancerControls(index: usize, key: &'static str, shell: Shell<LoadBalancingScenario>) -> impl IntoView {
    let scenario = shell.scenario;
    let balancer = move || scenario.with(|s| s.balancers.get(index).copied());
    let set = move |f: &dyn Fn(&mut Balancer)| {
        shell.edit(&|s| {
            if let Some(b) = s.balancers.get_mut(index) {
                f(b)
            }
        });
    };
    view! {
        <fieldset class="lane-controls">
            <legend><span class=format!("swatch lane-{}", index + 1)></span>{format!("Balancer {}", index + 1)}</legend>
            <SelectControl
                label="Balancer"
                options=Balancer::all().iter().map(|b| (b.key().to_string(), b.name().to_string())).collect()
                value=Signal::derive(move || key.to_string())
                on_change=Callback::new(move |k: String| {
                    if let Some(b) = Balancer::from_key(&k) {
                        set(&|c| *c = b);
                    }
                })
            />
            <BalancerSettings
                key=key
                balancer=Signal::derive(balancer)
                on_change=Callback::new(move |nb: Balancer| set(&|b| *b = nb))
            />
            {remove_lane_button(index, "balancer", move || scenario.with(|s| s.balancers.len()), Callback::new(move |_| shell.remove_lane(index, |s| &mut s.balancers)))}
        </fieldset>
    }
}
