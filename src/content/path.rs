//! The learning path: the articles in the order a reader new to the field
//! would take them, grouped into phases, each with its goal and a small
//! project to do with the widgets. The home page shows it with the reader's
//! progress (kept in their browser by `www/site.js`, never sent anywhere),
//! and every article page shows its place in it and the previous and next
//! articles. `tests/articles.rs` requires every article in exactly one phase.

use super::{find, Article};

/// A phase of the path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Phase {
    pub title: &'static str,
    /// What a reader can do at the end of it.
    pub goal: &'static str,
    /// The articles' slugs, in reading order.
    pub articles: &'static [&'static str],
    /// A hands-on exercise with the phase's widgets.
    pub project: &'static str,
}

/// The phases in order; a new family's article joins one, or opens a new one.
pub static PHASES: &[Phase] = &[
    Phase {
        title: "Queues and the tail",
        goal: "Explain why latency climbs long before a server is full, and how the balancer's choice of server \
               moves the 99th percentile.",
        articles: &["load-balancing"],
        project: "Raise the load in the load-balancing widget until round robin's p99 is three times its p50, then \
                  find the balancer that brings it back down with the same servers.",
    },
    Phase {
        title: "Traffic control",
        goal: "Choose a rate-limiting algorithm for an API and predict what it admits at a window's edge and under a \
               burst.",
        articles: &["rate-limiting"],
        project: "Find a burst that a fixed window admits twice over at a window boundary, then show that GCRA and \
                  nginx's leaky bucket hold the same traffic to the limit.",
    },
    Phase {
        title: "Resilience",
        goal: "Stop a failing dependency from taking its callers down: breakers, retries with jitter and budgets, \
               timeouts and hedging, and the order in which they compose.",
        articles: &["circuit-breaker", "retries", "resilience-pipeline"],
        project: "Build a pipeline whose retries triple a dependency's load during an outage, then add one mechanism \
                  at a time until the dependency stays under its capacity.",
    },
    Phase {
        title: "Data distribution",
        goal: "Place keys on nodes and rows on shards so that adding capacity moves little data and no node runs \
               hot.",
        articles: &["consistent-hashing", "database-sharding"],
        project: "Add a node to a ring of five and count the keys that move under mod-n, ketama, jump and Maglev; \
                  then shard a table by a monotonic key and find the scheme that spreads its writes.",
    },
    Phase {
        title: "Caching",
        goal: "Pick an eviction policy for a workload and a cache pattern for a database, and keep a hot key's \
               expiry from becoming a stampede.",
        articles: &["caching", "cache-patterns"],
        project: "Run a scan through an LRU cache and through W-TinyLFU and compare the hit ratios afterwards; then \
                  expire a hot key under load with and without single-flight.",
    },
    Phase {
        title: "Messaging",
        goal: "Size a topic's partitions and a consumer group, and predict the lag a rebalance or a crashed \
               consumer costs.",
        articles: &["event-streaming"],
        project: "Crash a consumer under each assignor and measure the lag it leaves, then add partitions and see \
                  which keys change partition.",
    },
];

/// Every article on the path, in reading order.
pub fn order() -> Vec<&'static Article> {
    PHASES.iter().flat_map(|p| p.articles.iter().filter_map(|s| find(s))).collect()
}

/// An article's place on the path: its phase's index and the phase.
pub fn phase_of(slug: &str) -> Option<(usize, &'static Phase)> {
    PHASES.iter().enumerate().find(|(_, p)| p.articles.contains(&slug))
}

/// The articles before and after `slug` on the path.
pub fn neighbours(slug: &str) -> (Option<&'static Article>, Option<&'static Article>) {
    let order = order();
    match order.iter().position(|a| a.slug == slug) {
        Some(i) => (i.checked_sub(1).map(|j| order[j]), order.get(i + 1).copied()),
        None => (None, None),
    }
}
