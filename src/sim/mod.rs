//! The engines: pure, deterministic simulations of real algorithms.
//!
//! Nothing here touches the browser or the wall clock. Time is simulated in
//! integer nanoseconds ([`time::Nanos`]) and all randomness comes from one
//! seeded [`rng::Rng`] per run, so the same scenario gives byte-identical
//! results natively, in wasm32 and in the CLI.

pub mod breaker;
pub mod md5;
pub mod ratelimit;
pub mod ring;
pub mod rng;
pub mod shard;
pub mod sort;
pub mod time;
pub mod traffic;
