//! Labelled, keyboard-operable form controls shared by every widget.

use crate::sim::kernel::num::decimal;
use leptos::prelude::*;

/// Applies edit `f` to a copy of the scenario in `scenario` and keeps it only
/// if `validate` accepts it; otherwise `error` says why and nothing changes.
/// Returns whether the edit applied.
pub fn try_edit<S: Clone + Send + Sync + 'static>(
    scenario: RwSignal<S>,
    error: RwSignal<Option<String>>,
    validate: fn(&S) -> Result<(), String>,
    f: &dyn Fn(&mut S),
) -> bool {
    let mut next = scenario.get_untracked();
    f(&mut next);
    match validate(&next) {
        Ok(()) => {
            error.set(None);
            scenario.set(next);
            true
        }
        Err(e) => {
            error.set(Some(e));
            false
        }
    }
}

/// A number with a slider and a text box bound to the same value. The change
/// is reported on every input event, so a drag re-runs the widget live.
#[component]
pub fn NumberControl(
    #[prop(into)] label: String,
    #[prop(into)] value: Signal<f64>,
    #[prop(into)] min: Signal<f64>,
    #[prop(into)] max: Signal<f64>,
    step: f64,
    #[prop(optional, into)] unit: Option<String>,
    on_change: Callback<f64>,
) -> impl IntoView {
    let parse = move |text: String| {
        if let Some(v) = crate::sim::kernel::num::parse(&text) {
            on_change.run(v);
        }
    };
    let unit = unit.unwrap_or_default();
    let (min, max, step) = (move || decimal(min.get(), 3), move || decimal(max.get(), 3), decimal(step, 3));
    let text = move || decimal(value.get(), 3);
    // The label names the slider's box too: a label names only its first control.
    let box_label = label.clone();
    view! {
        <label class="control">
            <span class="control-label">{label.clone()}</span>
            <span class="control-inputs">
                <input
                    type="range"
                    min=min
                    max=max
                    step=step.clone()
                    prop:value=text
                    on:input=move |ev| parse(event_target_value(&ev))
                    aria-label=format!("{label} slider")
                />
                <input
                    type="number"
                    aria-label=box_label
                    min=min
                    max=max
                    step=step
                    prop:value=text
                    on:change=move |ev| parse(event_target_value(&ev))
                />
                <span class="unit">{unit}</span>
            </span>
        </label>
    }
}

/// A labelled drop-down of `(value, label)` options.
#[component]
pub fn SelectControl(
    #[prop(into)] label: String,
    options: Vec<(String, String)>,
    #[prop(into)] value: Signal<String>,
    on_change: Callback<String>,
) -> impl IntoView {
    view! {
        <label class="control">
            <span class="control-label">{label}</span>
            <select on:change=move |ev| on_change.run(event_target_value(&ev))>
                {options
                    .into_iter()
                    .map(|(v, text)| {
                        let v2 = v.clone();
                        view! {
                            <option value=v selected=move || value.get() == v2>
                                {text}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </label>
    }
}

/// The "Preset" drop-down every widget has: a prompt, then each preset's
/// description. Picking one calls `on_pick` with its name, which loads it and
/// says whether it could; the status line then names it. (Presenter mode's
/// "next preset" key finds this control by its label.)
#[component]
pub fn PresetSelect(
    presets: &'static [(&'static str, &'static str)],
    on_pick: Callback<String, bool>,
    status: RwSignal<Option<String>>,
) -> impl IntoView {
    view! {
        <SelectControl
            label="Preset"
            options=std::iter::once((String::new(), "Choose a preset…".to_string()))
                .chain(presets.iter().map(|(n, d)| (n.to_string(), d.to_string())))
                .collect()
            value=Signal::derive(String::new)
            on_change=Callback::new(move |name: String| {
                if on_pick.run(name.clone()) {
                    status.set(Some(format!("Loaded preset {name}")));
                }
            })
        />
    }
}

/// The run's seed: a number box and a button that picks another seed. The
/// button sits outside the label, so the box's accessible name is "Seed".
#[component]
pub fn SeedControl(#[prop(into)] value: Signal<u64>, on_change: Callback<u64>) -> impl IntoView {
    view! {
        <div class="control seed">
            <span class="control-inputs">
                <label>
                    <span class="control-label">"Seed"</span>
                    <input
                        type="number"
                        min="0"
                        prop:value=move || value.get().to_string()
                        on:change=move |ev| {
                            if let Ok(seed) = event_target_value(&ev).trim().parse::<u64>() {
                                on_change.run(seed);
                            }
                        }
                    />
                </label>
                <button
                    type="button"
                    on:click=move |_| {
                        on_change.run(value.get_untracked().wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407) >> 16)
                    }
                >
                    "New seed"
                </button>
            </span>
        </div>
    }
}

/// A traffic or workload pattern menu called `label` over `patterns`
/// (see [`pattern_options`]), showing `current` and reporting a pick.
#[component]
pub fn PatternSelect(
    label: &'static str,
    patterns: &'static [&'static str],
    current: Memo<&'static str>,
    on_change: Callback<String>,
) -> impl IntoView {
    move || {
        let options = pattern_options(patterns, current.get());
        view! {
            <SelectControl
                label=label
                options=options
                value=Signal::derive(move || current.get().to_string())
                on_change=on_change
            />
        }
    }
}

/// The options of a traffic or workload pattern menu: `patterns`, each its
/// own label, and `list` only when it is `current` (a listed trace comes
/// from a preset or an import; it cannot be picked from nothing).
pub fn pattern_options(patterns: &[&str], current: &str) -> Vec<(String, String)> {
    patterns
        .iter()
        .copied()
        .chain((current == "list").then_some("list"))
        .map(|p| (p.to_string(), p.to_string()))
        .collect()
}

/// A caching workload's controls, for the widgets that draw keys from one
/// (`sim::caching::workload`): the pattern menu, the popular keys (up to
/// `max_keys`; a listed trace has its own) and the skew (for the patterns
/// with one). `workload` finds the workload in the scenario, `edit` applies
/// a change to it.
pub fn workload_controls<S: Send + Sync + 'static>(
    scenario: RwSignal<S>,
    workload: fn(&S) -> &crate::sim::caching::workload::Workload,
    max_keys: u32,
    edit: impl Fn(&dyn Fn(&mut crate::sim::caching::workload::Workload)) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    use crate::sim::caching::workload::NAMES;
    let pattern = Memo::new(move |_| scenario.with(|s| workload(s).pattern.name()));
    let skew = Memo::new(move |_| scenario.with(|s| workload(s).pattern.skew()));
    view! {
        <PatternSelect label="Workload" patterns=&NAMES current=pattern on_change=Callback::new(move |p: String| edit(&|w| {
            if let Some(named) = w.pattern.named(&p) {
                w.pattern = named;
            }
        })) />
        <Show when=move || pattern.get() != "list">
            <NumberControl
                label="Keys"
                value=Signal::derive(move || scenario.with(|s| f64::from(workload(s).pattern.keys())))
                min=1.0
                max=f64::from(max_keys)
                step=1.0
                on_change=Callback::new(move |v: f64| edit(&|w| if let Some(k) = w.pattern.keys_mut() { *k = v as u32 }))
            />
        </Show>
        <Show when=move || skew.get().is_some()>
            <NumberControl
                label="Skew (Zipf exponent)"
                value=Signal::derive(move || skew.get().unwrap_or(1.0))
                min=0.0
                max=3.0
                step=0.05
                on_change=Callback::new(move |v: f64| edit(&|w| if let Some(k) = w.pattern.skew_mut() { *k = v }))
            />
        </Show>
    }
}
