//! Retries' widget-block keys: the policies, the chain, the dependency,
//! its events and the traffic.

use super::scenario::{Change, Event, RetriesScenario};
use super::Policy;
use crate::scenario::block::{keys, number, Block, TRAFFIC_KEYS};

/// The preset a block starts from when it names none.
pub const PRESET: &str = "storm";

/// Keys a retries block accepts.
pub const KEYS: [&str; 25] = keys(
    [
        "kind",
        "preset",
        "title",
        "seed",
        "time_ms",
        "policies",
        "attempts",
        "layers",
        "try_timeout_ms",
        "deadline_ms",
        "concurrency",
        "queue",
        "mean_ms",
        "failure",
        "duration_ms",
        "events",
    ],
    TRAFFIC_KEYS,
);

/// Applies a block's keys to `s`: the policies (named), their attempts,
/// the layers, the timeouts, the dependency, the run's length, the events
/// and the traffic.
pub fn apply(s: &mut RetriesScenario, block: &Block) -> Result<(), String> {
    if let Some((line, v)) = block.get("policies") {
        s.policies = policies(line, v)?;
    }
    if let Some((line, v)) = block.get("attempts") {
        let n: u32 = number(line, "attempts", v)?;
        s.policies.iter_mut().for_each(|p| p.set_attempts(n));
    }
    block.set("layers", &mut s.layers)?;
    if let Some(v) = block.number("try_timeout_ms")? {
        s.try_timeout_ms = Some(v);
    }
    if let Some(v) = block.number("deadline_ms")? {
        s.deadline_ms = Some(v);
    }
    block.set("concurrency", &mut s.dependency.concurrency)?;
    block.set("queue", &mut s.dependency.queue)?;
    block.set("mean_ms", &mut s.dependency.mean_ms)?;
    block.set("failure", &mut s.dependency.failure)?;
    block.set("duration_ms", &mut s.duration_ms)?;
    block.traffic(&mut s.traffic)?;
    if let Some((line, v)) = block.get("events") {
        s.events = events(line, v)?;
    }
    Ok(())
}

/// A comma-separated list of named policies, from a block's `line`.
pub fn policies(line: usize, v: &str) -> Result<Vec<Policy>, String> {
    v.split(',')
        .map(str::trim)
        .map(|key| {
            Policy::named(key).ok_or_else(|| {
                let keys: Vec<&str> = Policy::NAMED.iter().map(|n| n.0).collect();
                format!("line {line}: unknown policy `{key}`; policies: {}", keys.join(", "))
            })
        })
        .collect()
}

/// A comma-separated list of events, from a block's `line`.
pub fn events(line: usize, v: &str) -> Result<Vec<Event>, String> {
    v.split(',').map(|e| event(line, e.trim())).collect()
}

/// An event: `fail <share> at <ms>`, `slow <times> at <ms>`, `concurrency <n> at <ms>` or `recover at <ms>`.
fn event(line: usize, text: &str) -> Result<Event, String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let bad = || {
        format!(
            "line {line}: an event is `fail <share> at <ms>`, `slow <times> at <ms>`, `concurrency <n> at <ms>` or `recover at <ms>`, not `{text}`"
        )
    };
    let (change, at) = match words.as_slice() {
        ["fail", v, "at", at] => (Change::Failure(v.parse().map_err(|_| bad())?), at),
        ["slow", v, "at", at] => (Change::Slow(v.parse().map_err(|_| bad())?), at),
        ["concurrency", v, "at", at] => (Change::Concurrency(v.parse().map_err(|_| bad())?), at),
        ["recover", "at", at] => (Change::Recover, at),
        _ => return Err(bad()),
    };
    Ok(Event { at_ms: at.parse().map_err(|_| bad())?, change })
}

#[cfg(test)]
mod tests {
    use super::super::presets::preset;
    use super::*;
    use crate::scenario::block::parse;

    fn rs(text: &str) -> RetriesScenario {
        RetriesScenario::try_from(parse(text).unwrap().scenario).unwrap()
    }

    #[test]
    fn retries_blocks_set_policies_chain_dependency_and_events() {
        assert_eq!(rs("kind: retries"), preset("storm").unwrap());
        let s = rs("kind: retries\npolicies: aws-standard, grpc\nattempts: 4\nlayers: 2\ntry_timeout_ms: 150\ndeadline_ms: 2000\n\
                    concurrency: 8\nqueue: 50\nmean_ms: 10\nfailure: 0.1\nduration_ms: 30000\nrps: 250\n\
                    events: fail 1 at 5000, slow 4 at 8000, concurrency 2 at 9000, recover at 12000\nseed: 7");
        assert_eq!(s.policies.len(), 2);
        assert!(s.policies.iter().all(|p| p.max_attempts == 4));
        assert_eq!((s.layers, s.try_timeout_ms, s.deadline_ms), (2, Some(150.0), Some(2_000.0)));
        let d = s.dependency;
        assert_eq!((d.concurrency, d.queue, d.mean_ms, d.failure), (8, 50, 10.0, 0.1));
        assert_eq!((s.duration_ms, s.seed, s.traffic.rate()), (30_000, 7, Some(250.0)));
        assert_eq!(
            s.events,
            [
                Event { at_ms: 5_000.0, change: Change::Failure(1.0) },
                Event { at_ms: 8_000.0, change: Change::Slow(4.0) },
                Event { at_ms: 9_000.0, change: Change::Concurrency(2) },
                Event { at_ms: 12_000.0, change: Change::Recover },
            ]
        );
        // A backup policy keeps its two attempts.
        let s = rs("kind: retries\npolicies: backup, immediate\nattempts: 4");
        assert_eq!((s.policies[0].max_attempts, s.policies[1].max_attempts), (2, 4));
    }

    #[test]
    fn retries_block_errors_name_the_line() {
        let err = |text: &str| parse(text).unwrap_err();
        assert!(err("kind: retries\npolicies: none, forever").starts_with("line 2: unknown policy `forever`; policies: none, immediate"));
        assert!(err("kind: retries\nevents: fail at 4").starts_with("line 2: an event is `fail <share> at <ms>`"));
        assert_eq!(err("kind: retries\nlayers: 4"), "layers must be between 1 and 3, not 4");
        assert_eq!(err("kind: retries\nattempts: 11"), "max_attempts must be between 1 and 10, not 11");
        assert_eq!(err("kind: retries\nfailure: 2"), "a failure share must be between 0 and 1, not 2");
    }
}
