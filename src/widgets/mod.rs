//! The widget registry: one component family per engine, each usable inline
//! in an article, as a full page and as a compact embed.
//!
//! Adding a widget: a scenario variant in `scenario`, a module here (its
//! component wrapped in [`shell::WidgetShell`], its entry point `widget` made
//! by `shell::family!`), a line in [`WIDGETS`], an arm in [`Widget`] and
//! [`default_scenario`], and a Cargo feature of the same name, which
//! `scripts/build-site` builds as its own bundle.

#[cfg(feature = "circuit-breaker")]
pub mod circuit_breaker;
#[cfg(feature = "hash-ring")]
pub mod hash_ring;
#[cfg(feature = "rate-limiter")]
pub mod rate_limiter;
#[cfg(feature = "sharding")]
pub mod sharding;
pub mod shell;

#[allow(unused_imports)] // a bundle without widgets has no presets to start from
use crate::scenario::{presets, Scenario};
use leptos::prelude::*;

/// Where a widget is shown; decides its chrome and whether it owns the URL.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Inside an article, beside the prose.
    Inline,
    /// Alone on its own page; the scenario lives in the URL.
    Page,
    /// In an iframe on another site: compact chrome; the scenario lives in the URL.
    Embed,
}

/// A widget's registry entry.
pub struct WidgetInfo {
    pub kind: &'static str,
    pub title: &'static str,
    pub summary: &'static str,
}

/// Every widget.
pub const WIDGETS: &[WidgetInfo] = &[
    WidgetInfo {
        kind: "rate-limiter",
        title: "Rate limiter",
        summary: "GCRA, token bucket, nginx's leaky bucket and four window counters on the same traffic.",
    },
    WidgetInfo {
        kind: "circuit-breaker",
        title: "Circuit breaker",
        summary:
            "Resilience4j's state machine and pybreaker's consecutive breaker against a dependency you break and heal.",
    },
    WidgetInfo {
        kind: "hash-ring",
        title: "Consistent hashing",
        summary: "libketama's ring, jump hash, rendezvous, Envoy's Maglev and bounded loads placing the same keys as nodes come and go.",
    },
    WidgetInfo {
        kind: "sharding",
        title: "Sharding",
        summary: "Rows routed by hash, range, a directory, and as Vitess, MongoDB and Citus compute it, with what a re-shard moves.",
    },
];

/// Whether this bundle holds the widget `kind` (see the crate's features).
pub fn in_bundle(kind: &str) -> bool {
    (kind == "rate-limiter" && cfg!(feature = "rate-limiter"))
        || (kind == "circuit-breaker" && cfg!(feature = "circuit-breaker"))
        || (kind == "hash-ring" && cfg!(feature = "hash-ring"))
        || (kind == "sharding" && cfg!(feature = "sharding"))
}

/// The registry entry for `kind`.
pub fn info(kind: &str) -> Option<&'static WidgetInfo> {
    WIDGETS.iter().find(|w| w.kind == kind)
}

/// The scenario a widget starts from when nothing else is given.
pub fn default_scenario(kind: &str) -> Option<Scenario> {
    match kind {
        #[cfg(feature = "rate-limiter")]
        "rate-limiter" => presets::rate_limiter("default").map(Scenario::RateLimiter),
        #[cfg(feature = "circuit-breaker")]
        "circuit-breaker" => presets::circuit_breaker("default").map(Scenario::CircuitBreaker),
        #[cfg(feature = "hash-ring")]
        "hash-ring" => presets::hash_ring("default").map(Scenario::HashRing),
        #[cfg(feature = "sharding")]
        "sharding" => presets::sharding("default").map(Scenario::Sharding),
        _ => None,
    }
}

/// Any widget, chosen by its scenario. `notice` is shown above it (for
/// example why a link's scenario was replaced by the default).
#[component]
#[cfg_attr(
    not(any(feature = "rate-limiter", feature = "circuit-breaker", feature = "hash-ring", feature = "sharding")),
    allow(unused_variables)
)]
pub fn Widget(scenario: Scenario, mode: Mode, title: Option<String>, notice: Option<String>) -> impl IntoView {
    match scenario {
        #[cfg(feature = "rate-limiter")]
        Scenario::RateLimiter(s) => rate_limiter::widget(s, mode, title, notice),
        #[cfg(feature = "circuit-breaker")]
        Scenario::CircuitBreaker(s) => circuit_breaker::widget(s, mode, title, notice),
        #[cfg(feature = "hash-ring")]
        Scenario::HashRing(s) => hash_ring::widget(s, mode, title, notice),
        #[cfg(feature = "sharding")]
        Scenario::Sharding(s) => sharding::widget(s, mode, title, notice),
        // A scenario of a family this bundle leaves out.
        #[allow(unreachable_patterns)]
        other => view! {
            <WidgetError
                message=format!("this page has no {} widget; the command-line runner (sdp run) runs its scenarios", other.widget())
                source=other.to_json_pretty()
            />
        }
        .into_any(),
    }
}

/// The box shown in place of a widget whose block is broken.
#[component]
pub fn WidgetError(message: String, source: String) -> impl IntoView {
    view! {
        <div class="widget-error" role="alert">
            <strong>"This widget could not start: "</strong>
            {message}
            <details>
                <summary>"Widget block"</summary>
                <pre>{source}</pre>
            </details>
        </div>
    }
}
