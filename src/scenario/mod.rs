//! The one scenario format: a versioned JSON document naming a widget, its
//! configuration, its traffic, the seed and optional view state.
//!
//! The same types serve the URL of every widget ([`url`]), export and import,
//! the native CLI, article widget blocks ([`block`]) and the tests. Parsing
//! never panics: every failure is a message naming what is wrong.
//!
//! Each family's own scenario type, presets, block keys and reports live in
//! its folder in `src/sim` and implement [`Family`]; [`registry`] lists the
//! families, and this module's dispatch follows from that list.

pub mod block;
pub mod json;
pub mod lz;
pub mod presets;
pub(crate) mod registry;
pub mod url;

use block::Block;

/// The format version this build writes and reads. Older versions are
/// upgraded on load; newer ones are refused with a message.
pub const VERSION: u32 = 1;
/// Most lanes (limiters, placements, schemes) a widget compares side by side.
pub const MAX_LANES: usize = 3;
/// Most requests fired by hand in one scenario.
pub const MAX_EXTRA: usize = 10_000;

/// What the registry needs of a family's scenario type: its names, its
/// presets, its widget-block keys, its checks and its reports. The registry
/// implements it for every family from the parts of the family's folder.
pub trait Family: Sized + Clone + PartialEq + Document {
    /// The family's kind: the `widget` field, Cargo feature and routes.
    const KIND: &'static str;
    /// The widget's name in the widget index.
    const TITLE: &'static str;
    /// One sentence for the widget index.
    const SUMMARY: &'static str;
    /// Preset names with a one-line description, in menu order.
    const PRESETS: &'static [(&'static str, &'static str)];
    /// The preset a widget block starts from when it names none.
    const BLOCK_PRESET: &'static str;
    /// Every key a widget block of this family accepts.
    const BLOCK_KEYS: &'static [&'static str];

    /// The preset called `name` (`default` is the widget's starting scenario).
    fn preset(name: &str) -> Option<Self>;
    /// Checks every field against its bounds.
    fn validate(&self) -> Result<(), String>;
    /// Applies a widget block's family keys to a preset (`seed`, `time_ms`
    /// and `title` are applied by [`block::parse`]).
    fn apply_block(&mut self, block: &Block) -> Result<(), String>;
    /// The run's seed and the view state.
    fn seed_and_view(&mut self) -> (&mut u64, &mut View);
    /// The run as the CLI prints it: compact JSON, the same bytes everywhere.
    fn run_json(&self) -> Result<String, String>;
    /// The run's trace as CSV, one row per decision or per node or server.
    fn run_csv(&self) -> Result<String, String>;
}

/// How a family's scenario is read from and written as JSON text, by the
/// format's own reader and writer ([`json`]; ARCHITECTURE.md, "Size").
pub trait Document: Sized {
    /// The scenario in `text`, or why not (with a line and column).
    fn from_text(text: &str) -> Result<Self, String>;
    /// The scenario as compact JSON.
    fn to_text(&self) -> String;
}

macro_rules! json_document {
    ($($Type:ty),*) => {$(
        impl Document for $Type {
            fn from_text(text: &str) -> Result<Self, String> {
                json::from_str(text)
            }
            fn to_text(&self) -> String {
                json::to_string(self)
            }
        }
    )*};
}

json_document!(
    RateLimiterScenario,
    CircuitBreakerScenario,
    HashRingScenario,
    ShardingScenario,
    CachingScenario,
    CachePatternsScenario,
    LoadBalancingScenario,
    EventStreamingScenario,
    RetriesScenario,
    PipelineScenario
);

/// A family's entry in the widget index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FamilyInfo {
    pub kind: &'static str,
    pub title: &'static str,
    pub summary: &'static str,
}

/// Checks a scenario's format version (older versions are upgraded before this).
pub fn check_version(version: u32) -> Result<(), String> {
    if version == VERSION {
        Ok(())
    } else {
        Err(format!("unsupported version {version}"))
    }
}

/// Checks how many things a scenario compares side by side.
pub fn check_count(n: usize, max: usize, what: &str) -> Result<(), String> {
    if (1..=max).contains(&n) {
        Ok(())
    } else {
        Err(format!("compare 1 to {max} {what}, not {n}"))
    }
}

/// A CSV field: quoted when it holds a comma, a quote or a line break.
pub fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// View state that does not change results: where playback stands.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct View {
    /// Playback position in ms; absent means the end of the run.
    pub time_ms: Option<f64>,
}

impl View {
    /// Whether this is the default view, which scenarios leave out.
    pub fn is_default(&self) -> bool {
        *self == View::default()
    }

    /// Checks the playback position.
    pub fn validate(&self) -> Result<(), String> {
        match self.time_ms {
            Some(t) if !t.is_finite() || t < 0.0 => {
                Err(format!("view.time_ms must be a time ≥ 0, not {}", crate::sim::kernel::num::decimal(t, 3)))
            }
            _ => Ok(()),
        }
    }
}

json::object!(View, "a view (an object)" { time_ms: default (Option::is_none) });

/// Just enough of a document to report version and widget problems first.
struct Probe {
    version: Option<u64>,
    widget: Option<String>,
}

impl Probe {
    fn of(text: &str) -> Result<Probe, String> {
        let read = |node: &json::Node| {
            let f = json::Fields::any(node, "an object")?;
            Ok(Probe { version: f.or_default("version")?, widget: f.or_default("widget")? })
        };
        json::parse(text).and_then(|n| read(&n)).map_err(|e: json::Error| e.located(text))
    }
}

/// The enum over every family and the dispatch by family, from the registry.
macro_rules! scenario_enum {
    ($($module:ident $kind:literal $Variant:ident $Type:ident,)*) => {
        pub use crate::sim::{$($module::scenario::$Type),*};

        /// A scenario for any widget. The document's `widget` field selects
        /// the variant; [`Scenario::from_json`] reads it first, then parses
        /// the variant's own struct.
        ///
        /// A wasm bundle holds only the widget families its Cargo features
        /// name (see ARCHITECTURE.md, "One bundle per widget family");
        /// native builds hold all.
        #[derive(Clone, Debug, PartialEq)]
        pub enum Scenario {
            $(
                #[cfg(any(feature = $kind, not(target_arch = "wasm32")))]
                $Variant($Type),
            )*
        }

        /// Every widget family's kind, in or out of this build.
        pub const KINDS: &[&str] = &[$($kind),*];

        /// Every widget family's index entry, in or out of this build.
        pub const FAMILIES: &[FamilyInfo] = &[$(
            FamilyInfo { kind: $kind, title: <$Type as Family>::TITLE, summary: <$Type as Family>::SUMMARY },
        )*];

        // A family folder's parts, by convention: `TITLE` and `SUMMARY` in
        // its mod.rs, `presets::{PRESETS, preset}`, `block::{PRESET, KEYS,
        // apply}`, `report::{run_json, run_csv}`, and a scenario type with
        // `seed`, `view` and `validate`.
        $(
            impl Family for $Type {
                const KIND: &'static str = $kind;
                const TITLE: &'static str = crate::sim::$module::TITLE;
                const SUMMARY: &'static str = crate::sim::$module::SUMMARY;
                const PRESETS: &'static [(&'static str, &'static str)] = &crate::sim::$module::presets::PRESETS;
                const BLOCK_PRESET: &'static str = crate::sim::$module::block::PRESET;
                const BLOCK_KEYS: &'static [&'static str] = &crate::sim::$module::block::KEYS;

                fn preset(name: &str) -> Option<Self> {
                    crate::sim::$module::presets::preset(name)
                }
                fn validate(&self) -> Result<(), String> {
                    $Type::validate(self)
                }
                fn apply_block(&mut self, block: &Block) -> Result<(), String> {
                    crate::sim::$module::block::apply(self, block)
                }
                fn seed_and_view(&mut self) -> (&mut u64, &mut View) {
                    (&mut self.seed, &mut self.view)
                }
                fn run_json(&self) -> Result<String, String> {
                    crate::sim::$module::report::run_json(self)
                }
                fn run_csv(&self) -> Result<String, String> {
                    crate::sim::$module::report::run_csv(self)
                }
            }
        )*

        $(
            #[cfg(any(feature = $kind, not(target_arch = "wasm32")))]
            impl From<$Type> for Scenario {
                fn from(s: $Type) -> Scenario {
                    Scenario::$Variant(s)
                }
            }

            #[cfg(any(feature = $kind, not(target_arch = "wasm32")))]
            impl TryFrom<Scenario> for $Type {
                /// A scenario of another family, given back.
                type Error = Scenario;
                fn try_from(s: Scenario) -> Result<$Type, Scenario> {
                    match s {
                        Scenario::$Variant(s) => Ok(s),
                        #[allow(unreachable_patterns)]
                        other => Err(other),
                    }
                }
            }
        )*

        impl Scenario {
            /// Parses a document whose `widget` field is `kind`.
            fn parse_family(kind: &str, text: &str) -> Result<Scenario, String> {
                match kind {
                    $(
                        #[cfg(any(feature = $kind, not(target_arch = "wasm32")))]
                        $kind => <$Type as Document>::from_text(text)
                            .map(Scenario::$Variant)
                            .map_err(|e| format!("invalid {} scenario: {e}", $kind)),
                    )*
                    // A family this bundle leaves out: its own page has it.
                    other if KINDS.contains(&other) => {
                        Err(format!("a {other} scenario opens on the {other} widget's own page, not this one"))
                    }
                    other => Err(format!("unknown widget \"{other}\"; known widgets: {}", KINDS.join(", "))),
                }
            }

            /// Checks every field against its bounds.
            pub fn validate(&self) -> Result<(), String> {
                match self {
                    $(
                        #[cfg(any(feature = $kind, not(target_arch = "wasm32")))]
                        Scenario::$Variant(s) => s.validate(),
                    )*
                }
            }

            /// The scenario as compact JSON, written by its family's way ([`Document`]).
            fn to_text(&self) -> String {
                match self {
                    $(
                        #[cfg(any(feature = $kind, not(target_arch = "wasm32")))]
                        Scenario::$Variant(s) => s.to_text(),
                    )*
                }
            }

            /// The widget's registry name.
            pub fn widget(&self) -> &'static str {
                match self {
                    $(
                        #[cfg(any(feature = $kind, not(target_arch = "wasm32")))]
                        Scenario::$Variant(_) => $kind,
                    )*
                }
            }

            /// Runs the scenario; its report as compact JSON: the same bytes
            /// on every platform for the same scenario.
            pub fn run_json(&self) -> Result<String, String> {
                match self {
                    $(
                        #[cfg(any(feature = $kind, not(target_arch = "wasm32")))]
                        Scenario::$Variant(s) => s.run_json(),
                    )*
                }
            }

            /// Runs the scenario; its trace as CSV, times in integer nanoseconds.
            pub fn run_csv(&self) -> Result<String, String> {
                match self {
                    $(
                        #[cfg(any(feature = $kind, not(target_arch = "wasm32")))]
                        Scenario::$Variant(s) => s.run_csv(),
                    )*
                }
            }
        }

        /// Parses a widget block of the family `kind`.
        fn parse_block(kind: &str, block: &Block) -> Result<block::WidgetBlock, String> {
            match kind {
                $(
                    #[cfg(any(feature = $kind, not(target_arch = "wasm32")))]
                    $kind => block::family::<$Type>(block),
                )*
                other => Err(format!(
                    "line {}: unknown widget kind `{other}`; known kinds: {}",
                    block.get("kind").map_or(0, |(line, _)| line),
                    KINDS.join(", ")
                )),
            }
        }
    };
}
registry::families!(scenario_enum);

/// The index entry of the family `kind`.
pub fn family(kind: &str) -> Option<&'static FamilyInfo> {
    FAMILIES.iter().find(|f| f.kind == kind)
}

impl Scenario {
    /// Parses and validates a scenario document.
    pub fn from_json(text: &str) -> Result<Scenario, String> {
        let probe = Probe::of(text).map_err(|e| format!("not a scenario: {e}"))?;
        match probe.version {
            None => return Err("the scenario has no \"version\"".into()),
            Some(v) if v > u64::from(VERSION) => {
                return Err(format!(
                    "this scenario is version {v}, newer than this playground understands (version {VERSION}); reload the page to update"
                ))
            }
            Some(0) => return Err(format!("\"version\" must be a whole number from 1 to {VERSION}, not 0")),
            Some(_) => {}
        }
        let kind = probe.widget.ok_or("the scenario has no \"widget\" name")?;
        let s = Scenario::parse_family(&kind, text)?;
        s.validate()?;
        Ok(s)
    }

    /// The scenario as compact JSON. (Serialising these types cannot fail:
    /// every map key is a string and non-finite numbers become `null`.)
    pub fn to_json(&self) -> String {
        self.to_text()
    }

    /// The scenario as indented JSON, for export: the compact text
    /// re-indented (serde_json's pretty printer would carry a second copy
    /// of every scenario type's serialiser into the wasm).
    pub fn to_json_pretty(&self) -> String {
        indent(&self.to_json())
    }
}

/// Compact JSON indented as `serde_json::to_string_pretty` indents it: two
/// spaces a level, `": "` after keys, each member or element on its own
/// line, and `{}` and `[]` when empty. Text inside strings is left alone.
pub fn indent(compact: &str) -> String {
    let mut out = String::with_capacity(compact.len() * 2);
    let mut depth = 0usize;
    let (mut in_string, mut escaped) = (false, false);
    let mut chars = compact.chars().peekable();
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        (0..depth).for_each(|_| out.push_str("  "));
    };
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' => {
                out.push(c);
                if matches!(chars.peek(), Some('}' | ']')) {
                    out.extend(chars.next());
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            _ => out.push(c),
        }
    }
    out
}
