//! A balancer's own settings as controls (the power of two choices' count
//! and outlier detection, Peak-EWMA's decay, Maglev's users), shared by
//! the load-balancing widget and the pipeline's lanes behind servers.

use crate::sim::load_balancing::envoy::Ejection;
use crate::sim::load_balancing::Balancer;
use crate::ui::controls::NumberControl;
use leptos::prelude::*;

/// The settings of `balancer`, whose key is `key` (the caller re-mounts
/// this when the key changes); `on_change` gets the balancer with one
/// setting changed.
#[component]
pub fn BalancerSettings(
    key: &'static str,
    #[prop(into)] balancer: Signal<Option<Balancer>>,
    on_change: Callback<Balancer>,
) -> impl IntoView {
    let set = move |f: &dyn Fn(&mut Balancer)| {
        if let Some(mut b) = balancer.get_untracked() {
            f(&mut b);
            on_change.run(b);
        }
    };
    view! {
        {(key == "least-request").then(|| view! {
            <NumberControl
                label="choice_count"
                value=Signal::derive(move || match balancer.get() { Some(Balancer::LeastRequest { choices, .. }) => f64::from(choices), _ => 2.0 })
                min=2.0
                max=10.0
                step=1.0
                on_change=Callback::new(move |v: f64| set(&|b| if let Balancer::LeastRequest { choices, .. } = b { *choices = v as u32 }))
            />
            <label class="control checkbox">
                <input
                    type="checkbox"
                    prop:checked=move || matches!(balancer.get(), Some(Balancer::LeastRequest { ejection: Some(_), .. }))
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        set(&|b| if let Balancer::LeastRequest { ejection, .. } = b {
                            *ejection = on.then(Ejection::default);
                        });
                    }
                />
                <span class="control-label">"Outlier detection (5 × 5xx, 30 s)"</span>
            </label>
        })}
        {(key == "peak-ewma").then(|| view! {
            <NumberControl
                label="Decay time"
                value=Signal::derive(move || match balancer.get() { Some(Balancer::PeakEwma { decay_ms, .. }) => f64::from(decay_ms), _ => 10_000.0 })
                min=100.0
                max=600_000.0
                step=100.0
                unit="ms"
                on_change=Callback::new(move |v: f64| set(&|b| if let Balancer::PeakEwma { decay_ms, .. } = b { *decay_ms = v as u32 }))
            />
        })}
        {(key == "maglev").then(|| view! {
            <NumberControl
                label="Users"
                value=Signal::derive(move || match balancer.get() { Some(Balancer::Maglev { users }) => f64::from(users), _ => 10_000.0 })
                min=1.0
                max=1_000_000.0
                step=1.0
                on_change=Callback::new(move |v: f64| set(&|b| if let Balancer::Maglev { users } = b { *users = v.round().clamp(1.0, 1_000_000.0) as u32 }))
            />
        })}
    }
}
