//! The registry: one line per widget family. Everything that differs by
//! family follows from this list: the [`Scenario`](super::Scenario) enum with
//! its Cargo feature gates, reading a scenario, the presets, the CLI's
//! dispatch, widget blocks and the widget components (`src/widgets`).
//!
//! A line names the family's module (its folder in `src/sim` and in
//! `src/widgets`), its kind (the `widget` field of its scenarios, its Cargo
//! feature, its routes and an article's `widgets:` value), its variant of
//! [`Scenario`](super::Scenario) and its scenario type, which implements
//! [`Family`](super::Family).

/// Calls the macro `$then` with every family, one per line:
/// `module "kind" Variant ScenarioType,`.
macro_rules! families {
    ($then:ident) => {
        $then! {
            rate_limiter    "rate-limiter"    RateLimiter    RateLimiterScenario,
            circuit_breaker "circuit-breaker" CircuitBreaker CircuitBreakerScenario,
            hash_ring       "hash-ring"       HashRing       HashRingScenario,
            sharding        "sharding"        Sharding       ShardingScenario,
            caching         "caching"         Caching        CachingScenario,
            cache_patterns  "cache-patterns"  CachePatterns  CachePatternsScenario,
            load_balancing  "load-balancing"  LoadBalancing  LoadBalancingScenario,
            event_streaming "event-streaming" EventStreaming EventStreamingScenario,
            retries         "retries"         Retries        RetriesScenario,
            pipeline        "pipeline"        Pipeline       PipelineScenario,
        }
    };
}
pub(crate) use families;
