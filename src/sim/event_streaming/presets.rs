//! Event streaming's named starting scenarios, for the preset menu and
//! article blocks (`preset:`).

use super::assignor::Assignor;
use super::scenario::{Change, Event, EventStreamingScenario, Timings};
use super::{Keys, Topic};
use crate::scenario::{View, VERSION};

/// Preset names with a one-line description, in menu order.
pub const PRESETS: [(&str, &str); 6] = [
    ("scale-out", "Twelve partitions, three consumers falling behind; two more join, then one crashes: eager against cooperative"),
    ("crash", "A consumer dies: its partitions wait out the 45 s session timeout, then are reprocessed from the last commit"),
    ("rolling-restart", "Each of four consumers restarts in turn: eager rebalances stop the group every time, cooperative ones do not"),
    ("two-topics", "Two topics of three partitions, two consumers: RangeAssignor gives one of them twice the work"),
    ("hot-key", "One key carries 30% of the records: its partition lags however many consumers there are"),
    ("add-partitions", "Behind, the topic grows from 6 to 12 partitions and a consumer joins: keys move, and their order can break"),
];

const EAGER_AND_COOPERATIVE: [Assignor; 3] = [Assignor::Range, Assignor::Sticky, Assignor::CooperativeSticky];

fn at(seconds: f64, consumer: Option<u32>, change: Change) -> Event {
    Event { at_ms: seconds * 1_000.0, consumer, topic: None, change }
}

#[allow(clippy::too_many_arguments)]
fn scenario(
    seconds: u64,
    topics: &[(&str, u32)],
    rate: f64,
    keys: Keys,
    consumers: u32,
    consumer_rate: f64,
    events: Vec<Event>,
    assignors: &[Assignor],
) -> EventStreamingScenario {
    EventStreamingScenario {
        widget: Default::default(),
        version: VERSION,
        seed: 1,
        duration_ms: seconds * 1_000,
        topics: topics.iter().map(|&(name, partitions)| Topic { name: name.into(), partitions }).collect(),
        rate,
        keys,
        batch_records: 16,
        consumers,
        consumer_rate,
        timings: Timings::default(),
        events,
        assignors: assignors.to_vec(),
        view: View::default(),
    }
}

const USERS: Keys = Keys::Zipf { count: 10_000, exponent: 0.8 };

/// The preset called `name` (`default` is `scale-out`).
pub fn preset(name: &str) -> Option<EventStreamingScenario> {
    Some(match name {
        "default" | "scale-out" => scenario(
            300,
            &[("orders", 12)],
            1_200.0,
            USERS,
            3,
            350.0,
            vec![at(60.0, None, Change::Join), at(120.0, None, Change::Join), at(200.0, Some(2), Change::Crash)],
            &EAGER_AND_COOPERATIVE,
        ),
        "crash" => scenario(180, &[("orders", 6)], 600.0, USERS, 3, 400.0, vec![at(60.0, Some(1), Change::Crash)], &[
            Assignor::Range,
            Assignor::CooperativeSticky,
        ]),
        "rolling-restart" => {
            let mut events = Vec::new();
            for i in 0..4u32 {
                let t = 40.0 + 30.0 * f64::from(i);
                events.push(at(t, Some(i + 1), Change::Leave));
                events.push(at(t + 5.0, None, Change::Join));
            }
            scenario(180, &[("orders", 8)], 1_000.0, USERS, 4, 400.0, events, &EAGER_AND_COOPERATIVE)
        }
        "two-topics" => scenario(120, &[("clicks", 3), ("views", 3)], 300.0, USERS, 2, 350.0, Vec::new(), &[
            Assignor::Range,
            Assignor::RoundRobin,
            Assignor::Sticky,
        ]),
        "hot-key" => scenario(
            120,
            &[("orders", 8)],
            1_000.0,
            Keys::Hot { count: 10_000, share: 0.3 },
            4,
            250.0,
            vec![at(40.0, None, Change::Join), at(60.0, None, Change::Join), at(80.0, None, Change::Join)],
            &[Assignor::Range, Assignor::CooperativeSticky],
        ),
        "add-partitions" => {
            // Three consumers fall behind; at 60 s the topic doubles and a fourth joins.
            let mut s = scenario(180, &[("orders", 6)], 900.0, USERS, 3, 280.0, Vec::new(), &[
                Assignor::Range,
                Assignor::CooperativeSticky,
            ]);
            s.events = vec![
                Event { at_ms: 60_000.0, consumer: None, topic: Some(1), change: Change::Partitions(12) },
                at(60.0, None, Change::Join),
            ];
            s
        }
        _ => return None,
    })
}
