//! The engines: pure, deterministic simulations of real algorithms, one
//! folder per widget family (declared from the registry,
//! `src/scenario/registry.rs`) over the shared parts in [`kernel`].
//!
//! Nothing here touches the browser or the wall clock. Time is simulated in
//! integer nanoseconds ([`kernel::time::Nanos`]) and all randomness comes from one
//! seeded [`kernel::rng::Rng`] per run, so the same scenario gives byte-identical
//! results natively, in wasm32 and in the CLI.

pub mod kernel;

/// Declares each family's folder.
macro_rules! family_modules {
    ($($module:ident $kind:literal $Variant:ident $Type:ident,)*) => {
        $( pub mod $module; )*
    };
}
crate::scenario::registry::families!(family_modules);
