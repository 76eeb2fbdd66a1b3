//! The widget registry: one component family per engine, each usable inline
//! in an article, as a full page and as a compact embed.
//!
//! The families, their modules here and their Cargo features follow from
//! the registry in `src/scenario/registry.rs`: each module is compiled in
//! only with its feature, and exposes `widget(initial, mode, title, notice)`.

pub mod shell;

/// The retries chain's charts and tables, drawn by the retries and pipeline widgets.
#[cfg(any(feature = "load-balancing", feature = "pipeline"))]
pub mod balancer;
#[cfg(any(feature = "retries", feature = "pipeline"))]
pub mod chain;

use crate::scenario::Scenario;
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

/// The widget modules and their dispatch, from the registry.
macro_rules! widget_registry {
    ($($module:ident $kind:literal $Variant:ident $Type:ident,)*) => {
        $(
            #[cfg(feature = $kind)]
            pub mod $module;
        )*

        /// Whether this bundle holds the widget `kind` (see the crate's features).
        pub fn in_bundle(kind: &str) -> bool {
            match kind {
                $( $kind => cfg!(feature = $kind), )*
                _ => false,
            }
        }

        /// Widget `kind`'s own rules: its folder's `style.css` as build.rs
        /// minified it. `sdp styles` puts them into the pages of the
        /// widget's bundle, so a page carries only its own family's rules.
        /// (No bundle calls it, so none carries any of them.)
        pub fn style(kind: &str) -> Option<&'static str> {
            match kind {
                $( $kind => Some(include_str!(concat!(env!("OUT_DIR"), "/", stringify!($module), ".css"))), )*
                _ => None,
            }
        }

        /// Any widget, chosen by its scenario. `notice` is shown above it
        /// (for example why a link's scenario was replaced by the default).
        #[component]
        #[cfg_attr(not(any($(feature = $kind),*)), allow(unused_variables))]
        pub fn Widget(scenario: Scenario, mode: Mode, title: Option<String>, notice: Option<String>) -> impl IntoView {
            match scenario {
                $(
                    #[cfg(feature = $kind)]
                    Scenario::$Variant(s) => $module::widget(s, mode, title, notice),
                )*
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
    };
}
crate::scenario::registry::families!(widget_registry);

/// The scenario a widget starts from when nothing else is given.
pub fn default_scenario(kind: &str) -> Option<Scenario> {
    if in_bundle(kind) {
        crate::scenario::presets::named(kind, "default")
    } else {
        None
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
