//! The sharding widget: a workload of rows and range queries routed by up to
//! three schemes side by side, each drawn as its shards' rows, with what a
//! re-shard (adding a shard, splitting the fullest) moves.
//!
//! The workload's keys and queries are generated once per workload and seed;
//! an edit to one scheme routes them again through that scheme alone.

mod render;

use super::shell::{remove_lane_button, Shell};
use super::Mode;
use crate::scenario::{ShardingScenario};
use crate::sim::sharding::presets;
use crate::sim::sharding::config::{CitusRebalance, MongoBalancer, SchemeConfig, SCHEME_NAMES};
use crate::sim::sharding::mongo::DEFAULT_RANGE_MB;
use crate::sim::sharding::drawn::Drawn;
use crate::sim::sharding::reshard::Reshard;
use crate::sim::sharding::run::{run_scheme, SchemeRun};
use crate::sim::sharding::workload::{Keys, Reads, Workload};
use crate::ui::controls::{NumberControl, SeedControl, SelectControl};
use crate::ui::format;
use crate::ui::share::LaneDownloads;
use crate::ui::{rerun_changed, LaneCache, Shared};
use leptos::prelude::*;
use std::sync::Arc;

/// Most rows the widget routes (the engine and the CLI take up to 2,000,000).
pub const MAX_WIDGET_ROWS: usize = 1_000_000;

/// Row counts offered.
const ROWS: [usize; 3] = [10_000, 100_000, 1_000_000];

/// Key shapes offered, with the workload each starts.
fn keys_of(name: &str) -> Keys {
    match name {
        "timestamps" => Keys::Timestamps { start_ms: 1_767_225_600_000, step_ms: 1_000 },
        "uniform" => Keys::Uniform { max: 1 << 40 },
        "zipf" => Keys::Zipf { distinct: 10_000 },
        _ => Keys::Sequential,
    }
}

fn keys_name(k: &Keys) -> &'static str {
    match k {
        Keys::Sequential => "sequential",
        Keys::Timestamps { .. } => "timestamps",
        Keys::Uniform { .. } => "uniform",
        Keys::Zipf { .. } => "zipf",
    }
}

/// The scenario's checks, and the widget's own bound on the rows it routes.
fn check(s: &ShardingScenario) -> Result<(), String> {
    s.validate()?;
    if s.workload.rows > MAX_WIDGET_ROWS {
        return Err(format!(
            "the widget routes up to {} rows, and this scenario writes {}; the command-line runner (sdp run) takes more",
            format::thousands(MAX_WIDGET_ROWS as u64),
            format::thousands(s.workload.rows as u64)
        ));
    }
    Ok(())
}

/// The keys written and the range queries asked, drawn once per workload.
type SharedDrawn = Shared<Drawn>;
type Computed = Shared<Result<Vec<SchemeRun>, String>>;

super::shell::widget_entry!(ShardingScenario, ShardingWidget, check);

/// The sharding widget.
#[component]
pub fn ShardingWidget(
    initial: ShardingScenario,
    mode: Mode,
    title: Option<String>,
    notice: Option<String>,
) -> impl IntoView {
    let shell = Shell::new_or_default(initial, notice);
    let scenario = shell.scenario;

    let workload = Memo::new(move |_| scenario.with(|s| (s.workload.clone(), s.seed)));
    // A workload that writes the same first keys (another range width, reads, countries or row
    // count) keeps their hashes (Drawn::reusing).
    let traffic: Memo<SharedDrawn> = Memo::new(move |previous: Option<&SharedDrawn>| {
        workload.track();
        let fresh = scenario.with_untracked(ShardingScenario::traffic);
        Shared(Arc::new(match previous {
            Some(p) => fresh.reusing(&p.0),
            None => fresh,
        }))
    });
    // Each scheme is routed again only when it, the re-shard or the traffic changed.
    let cache: LaneCache<(SchemeConfig, Option<Reshard>), Drawn, SchemeRun> = StoredValue::new(Vec::new());
    let runs: Memo<Computed> = Memo::new(move |_| {
        let t = traffic.get();
        let result = scenario.with(|s| -> Result<Vec<SchemeRun>, String> {
            check(s)?;
            let lanes = s.schemes.iter().map(|c| (c.clone(), s.reshard)).collect();
            rerun_changed(cache, &t, lanes, |(c, reshard)| run_scheme(c, &t.0, reshard.as_ref()))
        });
        Shared(Arc::new(result))
    });
    let run_error = Memo::new(move |_| runs.with(|r| r.0.as_ref().as_ref().err().cloned()));
    // The inspected range query: keys lo..=hi.
    let inspected = Memo::new(move |_| traffic.with(|t| scenario.with(|s| s.inspected(&t.0))));
    let next_query = StoredValue::new(0usize);
    let lane_count = Memo::new(move |_| scenario.with(|s| s.schemes.len()));
    let lane_names =
        Memo::new(move |_| scenario.with(|s| s.schemes.iter().map(SchemeConfig::name).collect::<Vec<_>>()));
    let edit = shell.editor();

    let controls = view! {
            <div class="controls" role="group" aria-label="Workload">
                {shell.preset_select(&presets::PRESETS, presets::preset)}
                <SelectControl
                    label="Shard keys"
                    options=vec![
                        ("sequential".into(), "sequential ids".into()),
                        ("timestamps".into(), "creation timestamps".into()),
                        ("uniform".into(), "random 40-bit values".into()),
                        ("zipf".into(), "user ids, some users far busier (Zipf)".into()),
                    ]
                    value=Signal::derive(move || scenario.with(|s| keys_name(&s.workload.keys).to_string()))
                    on_change=Callback::new(move |k: String| { edit(&|s| s.workload.keys = keys_of(&k)); })
                />
                <SelectControl
                    label="Users' countries"
                    options=vec![
                        ("none".into(), "not modelled".into()),
                        ("example".into(), "eight countries (Vitess's example)".into()),
                    ]
                    value=Signal::derive(move || scenario.with(|s| if s.workload.countries.is_empty() { "none" } else { "example" }.to_string()))
                    on_change=Callback::new(move |v: String| {
                        let countries = if v == "example" { crate::sim::sharding::region::example_countries() } else { Vec::new() };
                        edit(&|s| s.workload.countries = countries.clone());
                    })
                />
                <SelectControl
                    label="Rows"
                    options=ROWS.iter().map(|n| (n.to_string(), format::thousands(*n as u64))).collect()
                    value=Signal::derive(move || scenario.with(|s| s.workload.rows.to_string()))
                    on_change=Callback::new(move |v: String| {
                        if let Ok(n) = v.parse::<usize>() {
                            edit(&|s| s.workload.rows = n);
                        }
                    })
                />
                <NumberControl
                    label="Range query width"
                    value=Signal::derive(move || scenario.with(|s| s.workload.range_width as f64))
                    min=1.0
                    max=10_000.0
                    step=1.0
                    unit="keys"
                    on_change=Callback::new(move |v: f64| {
                        let w = (v.round() as u64).clamp(1, 10_000);
                        edit(&|s| s.workload.range_width = w);
                    })
                />
                <NumberControl
                    label="Reads per write"
                    value=Signal::derive(move || scenario.with(|s| f64::from(s.workload.reads_per_write)))
                    min=0.0
                    max=20.0
                    step=1.0
                    on_change=Callback::new(move |v: f64| {
                        let r = v.round().clamp(0.0, 20.0) as u32;
                        edit(&|s| s.workload.reads_per_write = r);
                    })
                />
                <SelectControl
                    label="Reads ask for"
                    options=vec![
                        ("uniform".into(), "any row, equally".into()),
                        ("recent".into(), "the newest tenth of the rows".into()),
                    ]
                    value=Signal::derive(move || scenario.with(|s| match s.workload.reads { Reads::Uniform => "uniform", Reads::Recent => "recent" }.to_string()))
                    on_change=Callback::new(move |v: String| {
                        let r = if v == "recent" { Reads::Recent } else { Reads::Uniform };
                        edit(&|s| s.workload.reads = r);
                    })
                />
                <SelectControl
                    label="Re-shard"
                    options=vec![
                        ("none".into(), "none".into()),
                        ("add-shard".into(), "add a shard".into()),
                        ("split-hottest".into(), "split the fullest shard".into()),
                        ("move-chunk".into(), "move one chunk (MongoDB, Citus)".into()),
                    ]
                    value=Signal::derive(move || scenario.with(|s| match s.reshard {
                        None => "none".to_string(),
                        Some(Reshard::AddShard) => "add-shard".to_string(),
                        Some(Reshard::SplitHottest) => "split-hottest".to_string(),
                        Some(Reshard::MoveChunk) => "move-chunk".to_string(),
                    }))
                    on_change=Callback::new(move |v: String| {
                        let r = match v.as_str() {
                            "add-shard" => Some(Reshard::AddShard),
                            "split-hottest" => Some(Reshard::SplitHottest),
                            "move-chunk" => Some(Reshard::MoveChunk),
                            _ => None,
                        };
                        edit(&|s| s.reshard = r);
                    })
                />
                <SeedControl
                    value=Signal::derive(move || scenario.with(|s| s.seed))
                    on_change=Callback::new(move |seed: u64| { edit(&|s| s.seed = seed); })
                />
            </div>
            <div class="controls inspector" role="group" aria-label="Query inspector">
                <NumberControl
                    label="Inspect the query from key"
                    value=Signal::derive(move || inspected.get().0 as f64)
                    min=Signal::derive(move || scenario.with(|s| s.workload.key_span().0 as f64))
                    max=Signal::derive(move || scenario.with(|s| s.workload.key_span().1 as f64))
                    step=1.0
                    on_change=Callback::new(move |v: f64| {
                        let (lo, hi) = scenario.with_untracked(|s| s.workload.key_span());
                        let k = (v.max(0.0).round() as u64).clamp(lo, hi);
                        edit(&|s| s.inspect = Some(k));
                    })
                />
                <button
                    type="button"
                    class="next-query"
                    on:click=move |_| {
                        let start = traffic.with_untracked(|t| {
                            let q = &t.0.queries;
                            (!q.is_empty()).then(|| {
                                let i = (next_query.get_value() + 1) % q.len();
                                next_query.set_value(i);
                                q[i].0
                            })
                        });
                        if let Some(k) = start {
                            edit(&|s| s.inspect = Some(k));
                        }
                    }
                >
                    "Next query from the workload"
                </button>
            </div>
            {shell.lanes_controls(
                lane_names,
                move |i, name| view! { <LaneControls index=i name=name scenario=scenario edit=Callback::new(move |f: LaneEdit| {
                    edit(&|s| s.edit_scheme(i, |c, w| (f.0)(c, w)));
                }) remove=Callback::new(move |_| shell.remove_lane(i, |s| &mut s.schemes)) /> },
                |s| s.schemes.len() < crate::scenario::MAX_LANES,
                |s| {
                    let name = SCHEME_NAMES.iter().find(|n| !s.schemes.iter().any(|c| c.name() == **n)).copied().unwrap_or("hash-mod");
                    let c = SchemeConfig::named(name, 4, &SchemeConfig::HashMod { shards: 4 }, &s.workload);
                    s.schemes.push(c);
                },
                "+ Compare another scheme",
            )}
    };
    let outputs = view! {
                <div class="lanes ring-lanes">
                    {move || {
                        (0..lane_count.get())
                            .map(|i| view! { <LaneChart index=i runs=runs scenario=scenario traffic=traffic inspected=inspected /> })
                            .collect_view()
                    }}
                </div>
                <table class="summary" inner_html=move || {
                    let reshard = scenario.with(|s| s.reshard.is_some());
                    runs.with(|r| r.0.as_ref().as_ref().map(|l| render::summary_table(l, reshard)).unwrap_or_default())
                }></table>
    };
    shell.view(mode, title, run_error, super::shell::legend![
            ("rows", "rows on a shard"), ("hot", "over 1.5× the mean load (rows, plus reads when there are any)"),
            ("before", "rows before the re-shard"), ("mean", "mean"), ("asked", "asked by the inspected query"),
        ], controls, outputs)
}

/// A change to one scheme, given the workload (ranges split over its keys).
type SchemeEdit = dyn Fn(&mut SchemeConfig, &Workload) + Send + Sync;

/// The row size the Rebalance menu's `by_disk_size` and the Balancer menu's data size weigh by (16 KB).
const ROW_BYTES: u64 = 16_384;

/// An edit to one lane's scheme.
#[derive(Clone)]
pub struct LaneEdit(pub Arc<SchemeEdit>);

#[component]
fn LaneControls(
    index: usize,
    name: &'static str,
    scenario: RwSignal<ShardingScenario>,
    edit: Callback<LaneEdit>,
    remove: Callback<()>,
) -> impl IntoView {
    let shards = move || scenario.with(|s| s.schemes.get(index).map_or(4, render::shard_count));
    view! {
        <fieldset class="lane-controls">
            <legend>{format!("Scheme {}", index + 1)}</legend>
            <SelectControl
                label="Scheme"
                options=SCHEME_NAMES.iter().map(|n| (n.to_string(), render::menu_label(n).to_string())).collect()
                value=Signal::derive(move || name.to_string())
                on_change=Callback::new(move |n: String| {
                    edit.run(LaneEdit(Arc::new(move |c, w| {
                        let count = render::shard_count(c);
                        *c = SchemeConfig::named(&n, count, c, w);
                    })));
                })
            />
            <NumberControl
                label=if name == "mongo" { "Chunks" } else { "Shards" }
                value=Signal::derive(move || f64::from(shards()))
                min=2.0
                max=if matches!(name, "vitess" | "region") { 32.0 } else { 64.0 }
                step=1.0
                on_change=Callback::new(move |v: f64| {
                    let n = v.round().clamp(2.0, 64.0) as u32;
                    edit.run(LaneEdit(Arc::new(move |c, w| *c = SchemeConfig::named(name, n, c, w))));
                })
            />
            <Show when=move || name == "citus">
                <SelectControl
                    label="Rebalance"
                    options=vec![
                        ("by-shard-count".to_string(), "by_shard_count".to_string()),
                        ("by-disk-size".to_string(), "by_disk_size (16 KB rows)".to_string()),
                    ]
                    value=Signal::derive(move || scenario.with(|s| match s.schemes.get(index) {
                        Some(SchemeConfig::Citus { rebalance: CitusRebalance::ByDiskSize { .. }, .. }) => "by-disk-size".to_string(),
                        _ => "by-shard-count".to_string(),
                    }))
                    on_change=Callback::new(move |v: String| {
                        let strategy = if v == "by-disk-size" {
                            CitusRebalance::ByDiskSize { row_bytes: ROW_BYTES }
                        } else {
                            CitusRebalance::ByShardCount
                        };
                        edit.run(LaneEdit(Arc::new(move |c, _| if let SchemeConfig::Citus { rebalance, .. } = c { *rebalance = strategy })));
                    })
                />
            </Show>
            <Show when=move || name == "mongo">
                <SelectControl
                    label="Balancer"
                    options=vec![
                        ("chunk-count".to_string(), "by chunk count (to 6.0.2)".to_string()),
                        ("data-size".to_string(), "by data size (6.0.3 on, 16 KB documents)".to_string()),
                    ]
                    value=Signal::derive(move || scenario.with(|s| match s.schemes.get(index) {
                        Some(SchemeConfig::Mongo { balancer: MongoBalancer::DataSize { .. }, .. }) => "data-size".to_string(),
                        _ => "chunk-count".to_string(),
                    }))
                    on_change=Callback::new(move |v: String| {
                        let by = if v == "data-size" {
                            MongoBalancer::DataSize { doc_bytes: ROW_BYTES, range_mb: DEFAULT_RANGE_MB }
                        } else {
                            MongoBalancer::ChunkCount
                        };
                        edit.run(LaneEdit(Arc::new(move |c, _| if let SchemeConfig::Mongo { balancer, .. } = c { *balancer = by })));
                    })
                />
            </Show>
            {remove_lane_button(index, "scheme", move || scenario.with(|s| s.schemes.len()), remove)}
        </fieldset>
    }
}

#[component]
fn LaneChart(
    index: usize,
    runs: Memo<Computed>,
    scenario: RwSignal<ShardingScenario>,
    traffic: Memo<SharedDrawn>,
    inspected: Memo<(u64, u64)>,
) -> impl IntoView {
    let run = Memo::new(move |_| runs.with(|r| r.0.as_ref().as_ref().ok().and_then(|l| l.get(index).cloned())));
    let asked = Memo::new(move |_| {
        let (lo, hi) = inspected.get();
        run.with(|r| r.as_ref().map(|r| r.router.asks(lo, hi)).unwrap_or_default())
    });
    let part = move |f: &dyn Fn(&SchemeRun, &ShardingScenario) -> String| {
        run.with(|r| r.as_ref().map(|r| scenario.with_untracked(|s| f(r, s))).unwrap_or_default())
    };
    view! {
        <figure class="lane shard-lane">
            <figcaption>
                <span class="lane-name">{move || part(&|r, _| render::scheme_label(&r.scheme))}</span>
            </figcaption>
            <svg class="chart bars" viewBox=render::BARS_VIEW_BOX preserveAspectRatio="none" role="img"
                aria-label=move || part(&|r, s| format!("Rows per shard under {}: {}", render::scheme_label(&r.scheme), render::reshard_text(s.reshard.as_ref(), r, s.workload.rows)))>
                <g inner_html=move || asked.with(|a| part(&|r, _| render::bars_svg(r, a)))></g>
            </svg>
            <p class="moved-text">{move || part(&|r, s| render::reshard_text(s.reshard.as_ref(), r, s.workload.rows))}</p>
            <p class="query-text">{move || {
                let (lo, hi) = inspected.get();
                traffic.with(|t| part(&|r, _| render::inspect_text(r, lo, hi, &t.0)))
            }}</p>
            <details class="data-table" inner_html=move || part(&|r, _| render::rows_table(r))></details>
            <LaneDownloads />
        </figure>
    }
}
