//! Named starting scenarios of every family, used by article widget blocks
//! (`preset:`), the widgets' preset menus, `<sd-widget preset=…>` and the
//! CLI. Each family's presets live in its folder (`src/sim/<family>/presets.rs`).

use super::{Family, Scenario, KINDS};

/// The presets by kind, from the registry.
macro_rules! presets_by_kind {
    ($($module:ident $kind:literal $Variant:ident $Type:ident,)*) => {
        /// The preset `name` of the family `kind`, if this build holds it.
        pub fn named(kind: &str, name: &str) -> Option<Scenario> {
            match kind {
                $(
                    #[cfg(any(feature = $kind, not(target_arch = "wasm32")))]
                    $kind => <super::$Type as Family>::preset(name).map(Scenario::$Variant),
                )*
                _ => None,
            }
        }

        /// The preset list of the family `kind`, if this build holds it.
        pub fn list(kind: &str) -> Option<&'static [(&'static str, &'static str)]> {
            match kind {
                $(
                    #[cfg(any(feature = $kind, not(target_arch = "wasm32")))]
                    $kind => Some(<super::$Type as Family>::PRESETS),
                )*
                _ => None,
            }
        }
    };
}
super::registry::families!(presets_by_kind);

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
