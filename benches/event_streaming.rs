//! Event streaming: the widget's largest case, a group of 100 partitions
//! and 20 consumers over a simulated hour with twelve membership changes,
//! through each assignor, and the records drawn. Run on demand: `cargo
//! bench --bench event_streaming`.

use divan::{black_box, Bencher};
use playground::sim::event_streaming::assignor::Assignor;
use playground::sim::event_streaming::presets::preset;
use playground::sim::event_streaming::scenario::{Change, Event, EventStreamingScenario};

fn scenario() -> EventStreamingScenario {
    let mut s = preset("scale-out").unwrap();
    s.duration_ms = 3_600_000;
    s.topics[0].partitions = 100;
    s.consumers = 20;
    s.rate = 8_000.0;
    s.events = (0..12)
        .map(|i| {
            let at_ms = 120_000.0 + 270_000.0 * f64::from(i);
            match i % 3 {
                0 => Event { at_ms, consumer: None, topic: None, change: Change::Join },
                1 => Event { at_ms, consumer: Some(i + 1), topic: None, change: Change::Crash },
                _ => Event { at_ms, consumer: Some(i + 1), topic: None, change: Change::Leave },
            }
        })
        .collect();
    s
}

#[divan::bench(args = ["range", "roundrobin", "sticky", "cooperative-sticky"])]
fn hour_100_partitions(bencher: Bencher, assignor: &str) {
    let mut s = scenario();
    s.assignors = vec![Assignor::from_key(assignor).unwrap()];
    let trial = s.trial();
    bencher.bench(|| black_box(s.run_lane(0, &trial).summary.consumed));
}

/// Drawing the records each partition receives, once per seed, keys, rate or event change.
#[divan::bench]
fn draw_hour(bencher: Bencher) {
    let s = scenario();
    bencher.bench(|| black_box(s.trial().slots));
}

fn main() {
    divan::main();
}
