//! Event streaming's widget-block keys: the assignors, the topics, the
//! producer's keys, the group and what happens to it.

use super::assignor::Assignor;
use super::scenario::{Change, Event, EventStreamingScenario};
use super::{Keys, Topic};
use crate::scenario::block::{keys, number, Block};

/// The preset a block starts from when it names none.
pub const PRESET: &str = "scale-out";

/// Keys an event-streaming block accepts.
pub const KEYS: [&str; 21] = keys(
    [
        "kind",
        "preset",
        "title",
        "seed",
        "time_ms",
        "assignors",
        "topics",
        "partitions",
        "rate",
        "keys",
        "key_count",
        "exponent",
        "hot_share",
        "batch_records",
        "consumers",
        "consumer_rate",
        "session_timeout_ms",
        "rebalance_ms",
        "commit_interval_ms",
        "duration_ms",
        "events",
    ],
    [],
);

/// Applies a block's keys to `s`: the assignors, the topics (names, then
/// partitions per topic), the keys and their distribution, the group, its
/// timings, the run's length and the events.
pub fn apply(s: &mut EventStreamingScenario, block: &Block) -> Result<(), String> {
    if let Some((line, v)) = block.get("assignors") {
        s.assignors = v
            .split(',')
            .map(str::trim)
            .map(|key| {
                Assignor::from_key(key).ok_or_else(|| {
                    let keys: Vec<&str> = Assignor::all().iter().map(|a| a.key()).collect();
                    format!("line {line}: unknown assignor `{key}`; assignors: {}", keys.join(", "))
                })
            })
            .collect::<Result<_, _>>()?;
    }
    if let Some((_, v)) = block.get("topics") {
        let old = std::mem::take(&mut s.topics);
        s.topics = v
            .split(',')
            .map(str::trim)
            .enumerate()
            .map(|(i, name)| Topic { name: name.into(), partitions: old.get(i).or(old.last()).map_or(6, |t| t.partitions) })
            .collect();
    }
    if let Some((line, v)) = block.get("partitions") {
        let counts: Vec<&str> = v.split(',').map(str::trim).collect();
        if counts.len() != 1 && counts.len() != s.topics.len() {
            return Err(format!("line {line}: `partitions` lists {} counts for {} topics", counts.len(), s.topics.len()));
        }
        for (i, t) in s.topics.iter_mut().enumerate() {
            t.partitions = number(line, "partitions", counts[i.min(counts.len() - 1)])?;
        }
    }
    block.set("rate", &mut s.rate)?;
    key_keys(&mut s.keys, block)?;
    block.set("batch_records", &mut s.batch_records)?;
    block.set("consumers", &mut s.consumers)?;
    block.set("consumer_rate", &mut s.consumer_rate)?;
    block.set("session_timeout_ms", &mut s.timings.session_timeout_ms)?;
    block.set("rebalance_ms", &mut s.timings.rebalance_ms)?;
    block.set("commit_interval_ms", &mut s.timings.commit_interval_ms)?;
    block.set("duration_ms", &mut s.duration_ms)?;
    if let Some((line, v)) = block.get("events") {
        s.events = v.split(',').map(|e| event(line, e.trim())).collect::<Result<_, _>>()?;
    }
    Ok(())
}

/// `keys` names the distribution (`uniform`, `zipf`, `hot`, or a keyless
/// partitioner: `uniform-sticky`, `sticky`); `key_count`, `exponent` and
/// `hot_share` set its parameters.
fn key_keys(k: &mut Keys, block: &Block) -> Result<(), String> {
    if let Some((line, v)) = block.get("keys") {
        *k = k.with_kind(v).ok_or_else(|| {
            format!("line {line}: `keys` is uniform, zipf, hot, or keyless with uniform-sticky or sticky, not `{v}`")
        })?;
    }
    for key in ["key_count", "exponent", "hot_share"] {
        let Some((line, v)) = block.get(key) else { continue };
        match (key, &mut *k) {
            ("key_count", Keys::Uniform { count } | Keys::Zipf { count, .. } | Keys::Hot { count, .. }) => {
                *count = number(line, key, v)?
            }
            ("exponent", Keys::Zipf { exponent, .. }) => *exponent = number(line, key, v)?,
            ("hot_share", Keys::Hot { share, .. }) => *share = number(line, key, v)?,
            _ => return Err(format!("line {line}: `{key}` does not apply to these keys")),
        }
    }
    Ok(())
}

/// An event: `join at <ms>`, `leave <consumer> at <ms>`, `crash <consumer>
/// at <ms>` or `partitions <count> at <ms>` (the first topic), `partitions
/// <topic> <count> at <ms>`.
fn event(line: usize, text: &str) -> Result<Event, String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let bad = || {
        format!(
            "line {line}: an event is `join at <ms>`, `leave <consumer> at <ms>`, `crash <consumer> at <ms>` \
             or `partitions [<topic>] <count> at <ms>`, not `{text}`"
        )
    };
    let n = |w: &str| w.parse::<u32>().map_err(|_| bad());
    let (consumer, topic, change, at) = match words.as_slice() {
        ["join", "at", at] => (None, None, Change::Join, at),
        ["leave", c, "at", at] => (Some(n(c)?), None, Change::Leave, at),
        ["crash", c, "at", at] => (Some(n(c)?), None, Change::Crash, at),
        ["partitions", count, "at", at] => (None, None, Change::Partitions(n(count)?), at),
        ["partitions", t, count, "at", at] => (None, Some(n(t)?), Change::Partitions(n(count)?), at),
        _ => return Err(bad()),
    };
    Ok(Event { at_ms: at.parse().map_err(|_| bad())?, consumer, topic, change })
}

#[cfg(test)]
mod tests {
    use super::super::presets::preset;
    use super::*;
    use crate::scenario::block::parse;

    fn es(text: &str) -> EventStreamingScenario {
        EventStreamingScenario::try_from(parse(text).unwrap().scenario).unwrap()
    }

    #[test]
    fn event_streaming_blocks_set_assignors_topics_keys_and_events() {
        assert_eq!(es("kind: event-streaming"), preset("scale-out").unwrap());
        let s = es("kind: event-streaming\nassignors: roundrobin, cooperative-sticky\ntopics: a, b\npartitions: 4, 8\n\
                    rate: 500\nkeys: hot\nkey_count: 50\nhot_share: 0.5\nconsumers: 2\nconsumer_rate: 300\n\
                    session_timeout_ms: 10000\nrebalance_ms: 500\ncommit_interval_ms: 1000\nduration_ms: 60000\n\
                    events: join at 1000, crash 1 at 2000, leave 2 at 3000, partitions 2 12 at 4000\nseed: 3");
        assert_eq!(s.assignors, [Assignor::RoundRobin, Assignor::CooperativeSticky]);
        let topics: Vec<(&str, u32)> = s.topics.iter().map(|t| (t.name.as_str(), t.partitions)).collect();
        assert_eq!(topics, [("a", 4), ("b", 8)]);
        assert_eq!(s.keys, Keys::Hot { count: 50, share: 0.5 });
        assert_eq!((s.rate, s.consumers, s.consumer_rate, s.duration_ms, s.seed), (500.0, 2, 300.0, 60_000, 3));
        assert_eq!((s.timings.session_timeout_ms, s.timings.rebalance_ms, s.timings.commit_interval_ms), (10_000, 500, 1_000));
        assert_eq!(
            s.events,
            [
                Event { at_ms: 1_000.0, consumer: None, topic: None, change: Change::Join },
                Event { at_ms: 2_000.0, consumer: Some(1), topic: None, change: Change::Crash },
                Event { at_ms: 3_000.0, consumer: Some(2), topic: None, change: Change::Leave },
                Event { at_ms: 4_000.0, consumer: None, topic: Some(2), change: Change::Partitions(12) },
            ]
        );
        assert_eq!(es("kind: event-streaming\nkeys: sticky").keys, Keys::Keyless(super::super::partitioner::Keyless::Sticky));
        assert_eq!(es("kind: event-streaming\nkeys: uniform").keys, Keys::Uniform { count: 10_000 });
    }

    #[test]
    fn event_streaming_block_errors_name_the_line() {
        let err = |text: &str| parse(text).unwrap_err();
        assert_eq!(
            err("kind: event-streaming\nassignors: range, uniform"),
            "line 2: unknown assignor `uniform`; assignors: range, roundrobin, sticky, cooperative-sticky"
        );
        assert_eq!(err("kind: event-streaming\ntopics: a, b, c\npartitions: 1, 2"), "line 3: `partitions` lists 2 counts for 3 topics");
        assert_eq!(err("kind: event-streaming\nhot_share: 0.5"), "line 2: `hot_share` does not apply to these keys");
        assert!(err("kind: event-streaming\nevents: crash at 4").starts_with("line 2: an event is `join at <ms>`"));
        assert_eq!(err("kind: event-streaming\nevents: crash 9 at 4000"), "at 4000 ms no consumer 9 is running");
        assert_eq!(
            err("kind: event-streaming\nevents: partitions 4 at 4000"),
            "a topic's partitions can only grow: orders has 12, not 4"
        );
        assert_eq!(err("kind: event-streaming\nconsumers: 65"), "a group has at most 64 consumers over a run, not 67");
    }
}
