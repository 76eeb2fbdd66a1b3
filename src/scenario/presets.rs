//! Named starting scenarios of every family, used by article widget blocks
//! (`preset:`), the widgets' preset menus, `<sd-widget preset=…>` and the
//! CLI. Each family's presets live in its folder (`src/sim/<family>/presets.rs`).

pub use super::{preset as named, preset_list as list};
use super::{Scenario, KINDS};

/// Every preset of every family in this build, as `(kind, name, scenario)`,
/// family by family and each in menu order.
pub fn all() -> Vec<(&'static str, &'static str, Scenario)> {
    KINDS
        .iter()
        .flat_map(|kind| {
            list(kind).unwrap_or_default().iter().filter_map(move |(name, _)| Some((*kind, *name, named(kind, name)?)))
        })
        .collect()
}
