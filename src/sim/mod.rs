//! The engines: pure, deterministic simulations of real algorithms, one
//! folder per widget family, over the shared parts in [`kernel`].
//!
//! Nothing here touches the browser or the wall clock. Time is simulated in
//! integer nanoseconds ([`kernel::time::Nanos`]) and all randomness comes from one
//! seeded [`kernel::rng::Rng`] per run, so the same scenario gives byte-identical
//! results natively, in wasm32 and in the CLI.

pub mod caching;
pub mod circuit_breaker;
pub mod hash_ring;
pub mod kernel;
pub mod rate_limiter;
pub mod sharding;
