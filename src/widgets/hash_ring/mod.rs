//! The hash-ring widget: a key set placed on nodes by up to three
//! algorithms side by side, each drawn as a ring (its virtual-node points and
//! a sample of keys) and a load histogram, with what the last change to the
//! nodes moved.
//!
//! The key set is hashed once (a memo on the keys and, for Zipf requests,
//! the seed); every other edit re-places the hashed keys, so a slider over
//! virtual nodes or the load factor re-runs a million keys without hashing
//! them again. The scenario keeps the nodes before the last change and the
//! change; "Add another node" and "Remove another node" make the present
//! nodes the new starting point and change them again.

mod render;

use super::shell::{remove_lane_button, LaneEdit, Shell};
use super::Mode;
use crate::scenario::{HashRingScenario};
use crate::sim::hash_ring::presets;
use crate::sim::hash_ring::bounded::FACTOR_RANGE;
use crate::sim::hash_ring::run::{run_placement, Change, KeySet, Placement, PlacementRun};
use crate::sim::hash_ring::{KeyHash, Node};
use crate::ui::controls::{NumberControl, SeedControl, SelectControl};
use crate::ui::share::LaneDownloads;
use crate::ui::{rerun_changed, LaneCache, Shared};
use leptos::prelude::*;
use std::sync::Arc;

/// Keys drawn on each ring: the first this many of the key set.
pub const SAMPLE: usize = 240;
/// Most nodes the widget offers (the engine and the CLI take up to 10,000).
pub const MAX_WIDGET_NODES: usize = 64;

/// Every placement, in menu order, with the parameters a new lane starts from.
const PLACEMENTS: [Placement; 7] = [
    Placement::Modulo,
    Placement::Ketama,
    Placement::Ring { points: 40 },
    Placement::Jump,
    Placement::Rendezvous,
    Placement::Maglev { table_size: 65537 },
    Placement::BoundedLoads { factor: 125 },
];

/// Maglev table sizes offered: primes, Envoy's default 65,537 among them.
const TABLE_SIZES: [u64; 4] = [251, 2039, 65537, 131_071];

/// Key-set sizes offered.
const COUNTS: [usize; 4] = [1_000, 10_000, 100_000, 1_000_000];

fn change_kind(c: Option<&Change>) -> &'static str {
    match c {
        None => "none",
        Some(Change::Add(_)) => "add",
        Some(Change::Remove(_)) => "remove",
        Some(Change::Reweight { .. }) => "reweight",
    }
}

/// The node a remove or re-weight names, or the weight an add gives.
fn change_node(c: Option<&Change>) -> Option<&str> {
    match c {
        Some(Change::Remove(name) | Change::Reweight { name, .. }) => Some(name),
        _ => None,
    }
}

fn keys_kind(k: &KeySet) -> &'static str {
    match k {
        KeySet::Uniform { .. } => "uniform",
        KeySet::Zipf { .. } => "zipf",
        KeySet::List { .. } => "list",
    }
}

/// What one lane's placement depends on besides the hashed keys.
type LaneKey = (Placement, Vec<Node>, Option<Change>);

/// The run every view of the widget reads: one result per placement.
type Computed = Shared<Result<Vec<PlacementRun>, String>>;

/// The scenario's checks, and the widget's own bound on the nodes it draws.
fn check(s: &HashRingScenario) -> Result<(), String> {
    s.validate()?;
    let most = s.nodes.len().max(s.nodes_now().len());
    if most > MAX_WIDGET_NODES {
        return Err(format!(
            "the widget draws up to {MAX_WIDGET_NODES} nodes, and this scenario has {most}; the command-line runner (sdp run) takes up to 10,000"
        ));
    }
    Ok(())
}

super::shell::widget_entry!(HashRingScenario, HashRingWidget, check);

/// The hash-ring widget.
#[component]
pub fn HashRingWidget(
    initial: HashRingScenario,
    mode: Mode,
    title: Option<String>,
    notice: Option<String>,
) -> impl IntoView {
    let shell = Shell::new_or_default(initial, notice);
    let Shell { scenario, status, .. } = shell;

    // What the hashed keys depend on: the key set, and the seed only where it draws them.
    let key_input = Memo::new(move |_| {
        scenario.with(|s| (s.keys.clone(), if matches!(s.keys, KeySet::Zipf { .. }) { s.seed } else { 0 }))
    });
    let hashed = Memo::new(move |_| {
        key_input.track();
        Shared(Arc::new(scenario.with_untracked(HashRingScenario::hash_keys)))
    });
    // Each lane is placed again only when its own inputs or the keys changed:
    // dragging one lane's slider re-runs that lane alone.
    let lane_cache: LaneCache<LaneKey, Vec<KeyHash>, PlacementRun> = StoredValue::new(Vec::new());
    let runs: Memo<Computed> = Memo::new(move |_| {
        let keys = hashed.get();
        let result = scenario.with(|s| -> Result<Vec<PlacementRun>, String> {
            check(s)?;
            let after = s.change.as_ref().map(|c| c.apply(&s.nodes)).transpose()?;
            let change = s.change.as_ref().zip(after.as_deref());
            let lanes = s.placements.iter().map(|v| (v.clone(), s.nodes.clone(), s.change.clone())).collect();
            rerun_changed(lane_cache, &keys, lanes, |(v, _, _)| Ok(run_placement(v, &s.nodes, &keys.0, change, SAMPLE)))
        });
        Shared(Arc::new(result))
    });
    let sample_hashes =
        Memo::new(move |_| hashed.with(|k| k.0.iter().take(SAMPLE).map(|h| h.md5).collect::<Vec<u32>>()));
    let lane_count = Memo::new(move |_| scenario.with(|s| s.placements.len()));
    let lane_placements = Memo::new(move |_| scenario.with(|s| s.placements.iter().map(Placement::name).collect::<Vec<_>>()));
    let run_error = Memo::new(move |_| runs.with(|r| r.0.as_ref().as_ref().err().cloned()));

    let edit = shell.editor();

    // "Add another node" and "Remove another node": the present nodes become
    // the starting point, and the status line says what the new change moved.
    let announce = move || {
        let text = scenario.with_untracked(|s| {
            runs.with_untracked(|r| match (r.0.as_ref(), &s.change) {
                (Ok(lanes), Some(c)) => lanes
                    .iter()
                    .map(|l| format!("{} moves {}", l.placement.name(), render::thousands(l.moved)))
                    .fold(render::change_words(c), |acc, part| format!("{acc}; {part}")),
                _ => String::new(),
            })
        });
        status.set(Some(text));
    };
    let add_node = move || {
        if edit(&|s| {
            s.commit();
            s.change = Some(Change::Add(Node::new(s.next_name())));
        }) {
            announce();
        }
    };
    let remove_node = move || {
        if edit(&|s| {
            let picked = change_node(s.change.as_ref()).map(String::from);
            s.commit();
            let name = picked
                .filter(|p| s.nodes.iter().any(|n| &n.name == p))
                .or_else(|| s.nodes.last().map(|n| n.name.clone()))
                .unwrap_or_default();
            s.change = Some(Change::Remove(name));
        }) {
            announce();
        }
    };

    let change = Memo::new(move |_| scenario.with(|s| s.change.clone()));
    let names_a_node = Memo::new(move |_| change.with(|c| change_node(c.as_ref()).is_some()));
    let keys_of = Memo::new(move |_| scenario.with(|s| keys_kind(&s.keys)));
    let node_names = Memo::new(move |_| scenario.with(|s| s.nodes.iter().map(|n| n.name.clone()).collect::<Vec<_>>()));

    let controls = view! {
            <div class="controls" role="group" aria-label="Keys and nodes">
                {shell.preset_select(&presets::PRESETS, presets::preset)}
                {move || {
                    // Rebuilt only when a listed key set comes or goes, so the select keeps focus.
                    let kind = keys_of.get();
                    let mut options = vec![
                        ("uniform".to_string(), "distinct keys, each once".to_string()),
                        ("zipf".to_string(), "requests for hot keys (Zipf)".to_string()),
                    ];
                    if kind == "list" {
                        options.push(("list".into(), "the listed keys".into()));
                    }
                    view! {
                        <SelectControl
                            label="Keys"
                            options=options
                            value=Signal::derive(move || keys_of.get().to_string())
                            on_change=Callback::new(move |k: String| {
                                edit(&|s| {
                                    let count = s.keys.len().clamp(1, 1_000_000);
                                    s.keys = match k.as_str() {
                                        "zipf" => KeySet::Zipf { count, distinct: 1_000 },
                                        _ => KeySet::Uniform { count },
                                    };
                                });
                            })
                        />
                    }
                }}
                <Show when=move || scenario.with(|s| !matches!(s.keys, KeySet::List { .. }))>
                    <SelectControl
                        label="How many"
                        options=COUNTS.iter().map(|c| (c.to_string(), render::thousands(*c as u64))).collect()
                        value=Signal::derive(move || scenario.with(|s| s.keys.len().to_string()))
                        on_change=Callback::new(move |v: String| {
                            if let Ok(n) = v.parse::<usize>() {
                                edit(&|s| match &mut s.keys {
                                    KeySet::Uniform { count } | KeySet::Zipf { count, .. } => *count = n,
                                    KeySet::List { .. } => {}
                                });
                            }
                        })
                    />
                </Show>
                <Show when=move || scenario.with(|s| matches!(s.keys, KeySet::Zipf { .. }))>
                    <SelectControl
                        label="Distinct keys"
                        options=[100usize, 1_000, 10_000].iter().map(|c| (c.to_string(), render::thousands(*c as u64))).collect()
                        value=Signal::derive(move || scenario.with(|s| match s.keys {
                            KeySet::Zipf { distinct, .. } => distinct.to_string(),
                            _ => String::new(),
                        }))
                        on_change=Callback::new(move |v: String| {
                            if let Ok(n) = v.parse::<usize>() {
                                edit(&|s| {
                                    if let KeySet::Zipf { distinct, .. } = &mut s.keys {
                                        *distinct = n;
                                    }
                                });
                            }
                        })
                    />
                </Show>
                <NumberControl
                    label="Nodes"
                    value=Signal::derive(move || scenario.with(|s| s.nodes.len() as f64))
                    min=1.0
                    max=MAX_WIDGET_NODES as f64
                    step=1.0
                    on_change=Callback::new(move |v: f64| {
                        let n = (v.round() as usize).clamp(1, MAX_WIDGET_NODES);
                        edit(&|s| s.resize(n));
                    })
                />
                <SeedControl
                    value=Signal::derive(move || scenario.with(|s| s.seed))
                    on_change=Callback::new(move |seed: u64| { edit(&|s| s.seed = seed); })
                />
            </div>
            <div class="controls change-controls" role="group" aria-label="The change to the nodes">
                <SelectControl
                    label="Change"
                    options=vec![
                        ("none".into(), "none".into()),
                        ("add".into(), "add a node".into()),
                        ("remove".into(), "remove a node".into()),
                        ("reweight".into(), "re-weight a node".into()),
                    ]
                    value=Signal::derive(move || change_kind(change.get().as_ref()).to_string())
                    on_change=Callback::new(move |k: String| {
                        edit(&|s| {
                            let last = s.nodes.last().map(|n| n.name.clone()).unwrap_or_default();
                            s.change = match k.as_str() {
                                "add" => Some(Change::Add(Node::new(s.next_name()))),
                                "remove" => Some(Change::Remove(last)),
                                "reweight" => Some(Change::Reweight { name: last, weight: 2 }),
                                _ => None,
                            };
                        });
                    })
                />
                {move || {
                    // Rebuilt when the nodes change or the select appears, not on each pick.
                    let names = node_names.get();
                    names_a_node.get().then(|| {
                        view! {
                            <SelectControl
                                label="Node"
                                options=names.iter().map(|n| (n.clone(), n.clone())).collect()
                                value=Signal::derive(move || change.with(|c| change_node(c.as_ref()).unwrap_or_default().to_string()))
                                on_change=Callback::new(move |name: String| {
                                    edit(&|s| {
                                        if let Some(Change::Remove(n) | Change::Reweight { name: n, .. }) = &mut s.change {
                                            *n = name.clone();
                                        }
                                    });
                                })
                            />
                        }
                    })
                }}
                <Show when=move || matches!(change.get(), Some(Change::Add(_) | Change::Reweight { .. }))>
                    <NumberControl
                        label="Weight"
                        value=Signal::derive(move || match change.get() {
                            Some(Change::Add(n)) => f64::from(n.weight),
                            Some(Change::Reweight { weight, .. }) => f64::from(weight),
                            _ => 1.0,
                        })
                        min=1.0
                        max=10.0
                        step=1.0
                        on_change=Callback::new(move |v: f64| {
                            let w = (v.round() as u32).clamp(1, 10);
                            edit(&|s| match &mut s.change {
                                Some(Change::Add(n)) => n.weight = w,
                                Some(Change::Reweight { weight, .. }) => *weight = w,
                                _ => {}
                            });
                        })
                    />
                </Show>
                <div class="fire" role="group" aria-label="Change the nodes again">
                    <button type="button" data-action="add-node" on:click=move |_| add_node()>"Add another node"</button>
                    <button
                        type="button"
                        data-action="remove-node"
                        disabled=move || scenario.with(|s| s.nodes_now().len() < 2)
                        on:click=move |_| remove_node()
                    >
                        "Remove another node"
                    </button>
                </div>
            </div>
            {shell.lanes_controls(
                lane_placements,
                move |i, name| view! { <LaneControls index=i name=name scenario=scenario edit=Callback::new(move |f: Edit| {
                    edit(&|s| {
                        if let Some(v) = s.placements.get_mut(i) {
                            (f.0)(v)
                        }
                    });
                }) remove=Callback::new(move |_| shell.remove_lane(i, |s| &mut s.placements)) /> },
                |s| s.placements.len() < crate::scenario::MAX_LANES,
                |s| {
                    let next = PLACEMENTS.iter().find(|v| !s.placements.iter().any(|w| w.name() == v.name())).cloned().unwrap_or(Placement::Ketama);
                    s.placements.push(next);
                },
                "+ Compare another placement",
            )}
    };
    let outputs = view! {
                <div class="lanes ring-lanes">
                    {move || {
                        (0..lane_count.get())
                            .map(|i| view! { <LaneChart index=i runs=runs scenario=scenario sample=sample_hashes /> })
                            .collect_view()
                    }}
                </div>
                <table class="summary" inner_html=move || {
                    let has_change = change.with(Option::is_some);
                    runs.with(|r| r.0.as_ref().as_ref().map(|l| render::summary_table(l, has_change)).unwrap_or_default())
                }></table>
    };
    shell.view(mode, title, run_error, super::shell::legend![
            ("point", "a node's points on the ring"), ("sample", "a key, in its node's colour"),
            ("moved", "a key the change moved"), ("touched", "the node the change touches"),
            ("before", "keys before the change"), ("fair", "fair share"),
        ], controls, outputs)
}

/// An edit to one lane's settings.
type Edit = LaneEdit<Placement>;

#[component]
fn LaneControls(
    index: usize,
    name: &'static str,
    scenario: RwSignal<HashRingScenario>,
    edit: Callback<Edit>,
    remove: Callback<()>,
) -> impl IntoView {
    let placement = move || scenario.with(|s| s.placements.get(index).cloned());
    view! {
        <fieldset class="lane-controls">
            <legend>{format!("Placement {}", index + 1)}</legend>
            <SelectControl
                label="Algorithm"
                options=PLACEMENTS.iter().map(|v| (v.name().to_string(), render::menu_label(v).to_string())).collect()
                value=Signal::derive(move || name.to_string())
                on_change=Callback::new(move |n: String| {
                    if let Some(v) = PLACEMENTS.iter().find(|v| v.name() == n).cloned() {
                        edit.run(Edit::new(move |l| *l = v.clone()));
                    }
                })
            />
            <Show when=move || name == "ring">
                <NumberControl
                    label="Virtual nodes per server"
                    value=Signal::derive(move || match placement() {
                        Some(Placement::Ring { points }) => f64::from(points),
                        _ => 0.0,
                    })
                    min=4.0
                    max=1000.0
                    step=4.0
                    on_change=Callback::new(move |v: f64| {
                        let p = ((v / 4.0).round().clamp(1.0, 250.0) as u32) * 4;
                        edit.run(Edit::new(move |l| *l = Placement::Ring { points: p }));
                    })
                />
            </Show>
            <Show when=move || name == "maglev">
                <SelectControl
                    label="Table size"
                    options=TABLE_SIZES.iter().map(|m| (m.to_string(), format!("{} slots", render::thousands(*m)))).collect()
                    value=Signal::derive(move || match placement() {
                        Some(Placement::Maglev { table_size }) => table_size.to_string(),
                        _ => String::new(),
                    })
                    on_change=Callback::new(move |v: String| {
                        if let Ok(m) = v.parse::<u64>() {
                            edit.run(Edit::new(move |l| *l = Placement::Maglev { table_size: m }));
                        }
                    })
                />
            </Show>
            <Show when=move || name == "bounded-loads">
                <NumberControl
                    label="Load factor"
                    value=Signal::derive(move || match placement() {
                        Some(Placement::BoundedLoads { factor }) => f64::from(factor),
                        _ => 0.0,
                    })
                    min=f64::from(FACTOR_RANGE.0.max(101))
                    max=300.0
                    step=1.0
                    unit="%"
                    on_change=Callback::new(move |v: f64| {
                        let f = (v.round() as u32).clamp(FACTOR_RANGE.0, FACTOR_RANGE.1);
                        edit.run(Edit::new(move |l| *l = Placement::BoundedLoads { factor: f }));
                    })
                />
            </Show>
            {remove_lane_button(index, "placement", move || scenario.with(|s| s.placements.len()), remove)}
        </fieldset>
    }
}

#[component]
fn LaneChart(
    index: usize,
    runs: Memo<Computed>,
    scenario: RwSignal<HashRingScenario>,
    sample: Memo<Vec<u32>>,
) -> impl IntoView {
    // The lane's rows, with the nodes before and after, computed once per run.
    // This lane's result alone, compared by value: another lane's edit leaves it be.
    let run = Memo::new(move |_| runs.with(|r| r.0.as_ref().as_ref().ok().and_then(|l| l.get(index).cloned())));
    let drawn = Memo::new(move |_| {
        run.with(|run| {
            let run = run.as_ref()?;
            scenario.with_untracked(|s| {
                let after = s.change.as_ref().and_then(|c| c.apply(&s.nodes).ok());
                let total = s.keys.len() as u64;
                let rows = render::node_rows(&s.nodes, s.change.as_ref(), after.as_deref(), run, total);
                let ring = sample.with(|h| render::ring_svg(&s.nodes, after.as_deref(), &rows, run, h));
                Some(Shared(Arc::new(Drawn {
                    label: render::placement_label(&run.placement),
                    caption: render::ring_caption(&run.placement),
                    aria: render::lane_label(&run.placement, &rows),
                    ring,
                    bars: render::histogram_svg(&rows),
                    table: render::node_table(&rows),
                    moved: render::moved_text(s.change.as_ref(), run, total),
                })))
            })
        })
    });
    let part = move |f: fn(&Drawn) -> &str| drawn.with(|d| d.as_ref().map(|d| f(&d.0).to_string()).unwrap_or_default());
    view! {
        <figure class="lane ring-lane">
            <figcaption>
                <span class="lane-name">{move || part(|d| &d.label)}</span>
                <span class="lane-note">{move || part(|d| d.caption)}</span>
            </figcaption>
            <div class="ring-pair">
                <svg class="chart ring-chart" viewBox=render::RING_VIEW_BOX role="img" aria-label=move || part(|d| &d.aria)>
                    <g inner_html=move || part(|d| &d.ring)></g>
                </svg>
                <svg class="chart bars" viewBox=render::BARS_VIEW_BOX preserveAspectRatio="none" role="img"
                    aria-label=move || format!("Keys per node: {}", part(|d| &d.aria))>
                    <g inner_html=move || part(|d| &d.bars)></g>
                </svg>
            </div>
            <p class="moved-text">{move || part(|d| &d.moved)}</p>
            <details class="data-table" inner_html=move || part(|d| &d.table)></details>
            <LaneDownloads />
        </figure>
    }
}

/// A lane's drawings and texts.
struct Drawn {
    label: String,
    caption: &'static str,
    aria: String,
    ring: String,
    bars: String,
    table: String,
    moved: String,
}
