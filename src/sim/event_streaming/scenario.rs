//! The event-streaming widget's scenario: topics, a producer, a consumer
//! group and what happens to it, under up to three assignors side by side.

use super::assignor::Assignor;
use super::run::{run, GroupChange, GroupConfig, LaneRun, Scheduled, Trial, TICKS};
use super::{Keys, Topic, MAX_CONSUMERS, MAX_PARTITIONS, MAX_TOPICS};
use crate::scenario::json::{self, Error, FromJson, Node, ToJson};
use crate::scenario::{check_count, check_version, View, MAX_LANES};
use crate::sim::kernel::num::decimal;
use crate::sim::kernel::time::{ms_to_ns, MS};

/// Slices a run is binned into for drawing.
pub const BINS: usize = 120;

/// The `widget` field of an event-streaming scenario: always `"event-streaming"`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum EventStreamingTag {
    #[default]
    EventStreaming,
}

/// What happens at a moment of the run. In JSON `"join"`, `"leave"`,
/// `"crash"` or `{"partitions": 24}`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Change {
    /// A new consumer starts and joins the group.
    #[default]
    Join,
    /// A consumer closes cleanly.
    Leave,
    /// A consumer dies without leaving.
    Crash,
    /// The topic grows to this many partitions.
    Partitions(u32),
}

/// `{"at_ms": 60000, "change": "join"}`, `{"at_ms": 90000, "consumer": 2,
/// "change": "crash"}` (consumers numbered from 1 in the order they
/// started), `{"at_ms": 120000, "topic": 1, "change": {"partitions": 12}}`
/// (topics from 1; the first when absent).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Event {
    pub at_ms: f64,
    pub consumer: Option<u32>,
    pub topic: Option<u32>,
    pub change: Change,
}

/// The consumer group's timings, in ms.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Timings {
    /// `session.timeout.ms`: how long a crashed member goes unnoticed.
    pub session_timeout_ms: u64,
    /// From a rebalance's start until every member has rejoined and has
    /// its assignment (each round of a cooperative one).
    pub rebalance_ms: u64,
    /// `auto.commit.interval.ms`.
    pub commit_interval_ms: u64,
}

impl Default for Timings {
    fn default() -> Self {
        Timings { session_timeout_ms: 45_000, rebalance_ms: 2_000, commit_interval_ms: 5_000 }
    }
}

/// An event-streaming scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct EventStreamingScenario {
    pub widget: EventStreamingTag,
    pub version: u32,
    pub seed: u64,
    pub duration_ms: u64,
    pub topics: Vec<Topic>,
    /// Records a second the producers write to each topic.
    pub rate: f64,
    pub keys: Keys,
    /// `batch.size` over the record size: records per sticky batch.
    pub batch_records: u32,
    /// Consumers in the group at the start.
    pub consumers: u32,
    /// Records a second each consumer processes.
    pub consumer_rate: f64,
    pub timings: Timings,
    pub events: Vec<Event>,
    pub assignors: Vec<Assignor>,
    pub view: View,
}

/// 16 KB batches of 1 KB records.
fn default_batch() -> u32 {
    16
}

json::names!(EventStreamingTag { EventStreaming = "event-streaming" });

impl FromJson for Change {
    fn read(node: &Node) -> Result<Change, Error> {
        let (name, value) = json::variant(node)?;
        let unit = |c: Change| json::unit(name, value).map(|()| c);
        match name {
            "join" => unit(Change::Join),
            "leave" => unit(Change::Leave),
            "crash" => unit(Change::Crash),
            "partitions" => {
                u32::read(json::payload(node, name, value)?).map(Change::Partitions).map_err(|e| json::in_field(e, name))
            }
            other => Err(json::unknown(node, other, &["join", "leave", "crash", "partitions"])),
        }
    }
}

impl ToJson for Change {
    fn write(&self, out: &mut String) {
        match self {
            Change::Join => "join".write(out),
            Change::Leave => "leave".write(out),
            Change::Crash => "crash".write(out),
            Change::Partitions(n) => json::write_variant(out, "partitions", n),
        }
    }
}

json::object!(Event, "an event (an object with at_ms and change)" {
    at_ms,
    consumer: default (Option::is_none),
    topic: default (Option::is_none),
    change,
});
json::object!(Timings, "the group's timings (an object)" { session_timeout_ms, rebalance_ms, commit_interval_ms });
json::object!(EventStreamingScenario, "an event-streaming scenario (an object)" {
    widget,
    version,
    seed,
    duration_ms,
    topics,
    rate,
    keys,
    batch_records: default = default_batch(),
    consumers,
    consumer_rate,
    timings: default,
    events: default (Vec::is_empty),
    assignors,
    view: default (View::is_default),
});

/// Longest run: a day.
pub const MAX_DURATION_MS: u64 = 86_400_000;

fn check_rate(what: &str, v: f64) -> Result<(), String> {
    if v.is_finite() && (0.0..=1_000_000.0).contains(&v) {
        Ok(())
    } else {
        Err(format!("{what} must be between 0 and 1000000 records a second, not {}", decimal(v, 3)))
    }
}

impl EventStreamingScenario {
    /// Checks every field.
    pub fn validate(&self) -> Result<(), String> {
        check_version(self.version)?;
        if !(10_000..=MAX_DURATION_MS).contains(&self.duration_ms) {
            return Err(format!("duration_ms must be between 10000 and {MAX_DURATION_MS}, not {}", self.duration_ms));
        }
        check_count(self.topics.len(), MAX_TOPICS, "topics")?;
        let mut names: Vec<&str> = Vec::new();
        for t in &self.topics {
            let ok = !t.name.is_empty()
                && t.name.len() <= 40
                && t.name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
            if !ok {
                return Err(format!("a topic name is 1 to 40 of a-z, A-Z, 0-9, '.', '_' and '-', not {:?}", t.name));
            }
            if names.contains(&t.name.as_str()) {
                return Err(format!("two topics are called {}", t.name));
            }
            names.push(&t.name);
            if t.partitions == 0 {
                return Err(format!("topic {} needs at least 1 partition", t.name));
            }
        }
        check_rate("rate", self.rate)?;
        check_rate("consumer_rate", self.consumer_rate)?;
        self.keys.validate()?;
        if !(1..=10_000).contains(&self.batch_records) {
            return Err(format!("batch_records must be between 1 and 10000, not {}", self.batch_records));
        }
        let t = self.timings;
        if !(1_000..=1_800_000).contains(&t.session_timeout_ms) {
            return Err(format!("session_timeout_ms must be between 1000 and 1800000, not {}", t.session_timeout_ms));
        }
        if !(1..=600_000).contains(&t.rebalance_ms) {
            return Err(format!("rebalance_ms must be between 1 and 600000, not {}", t.rebalance_ms));
        }
        if !(1..=3_600_000).contains(&t.commit_interval_ms) {
            return Err(format!("commit_interval_ms must be between 1 and 3600000, not {}", t.commit_interval_ms));
        }
        // Replays the events to check whom they name.
        let mut started = self.consumers as usize;
        let mut live: Vec<bool> = vec![true; started];
        let mut count: Vec<u32> = self.topics.iter().map(|t| t.partitions).collect();
        for e in self.sorted_events() {
            if !(e.at_ms.is_finite() && e.at_ms >= 0.0 && e.at_ms <= self.duration_ms as f64) {
                return Err(format!(
                    "an event's at_ms must be within the run (0 to {} ms), not {}",
                    self.duration_ms,
                    decimal(e.at_ms, 3)
                ));
            }
            match e.change {
                Change::Join => {
                    if e.consumer.is_some() {
                        return Err("a join starts a new consumer; it names none".into());
                    }
                    started += 1;
                    live.push(true);
                }
                Change::Leave | Change::Crash => {
                    let Some(c) = e.consumer else {
                        return Err("a leave or crash names its consumer".into());
                    };
                    if c == 0 || c as usize > started || !live[c as usize - 1] {
                        return Err(format!("at {} ms no consumer {c} is running", decimal(e.at_ms, 3)));
                    }
                    live[c as usize - 1] = false;
                }
                Change::Partitions(n) => {
                    let t = e.topic.unwrap_or(1);
                    if t == 0 || t as usize > count.len() {
                        return Err(format!("an event names topic {t}; topics are 1 to {}", count.len()));
                    }
                    if n <= count[t as usize - 1] {
                        return Err(format!(
                            "a topic's partitions can only grow: {} has {}, not {n}",
                            self.topics[t as usize - 1].name,
                            count[t as usize - 1]
                        ));
                    }
                    count[t as usize - 1] = n;
                }
            }
        }
        if count.iter().map(|&c| u64::from(c)).sum::<u64>() > u64::from(MAX_PARTITIONS) {
            return Err(format!("the topics have at most {MAX_PARTITIONS} partitions in all"));
        }
        if started > MAX_CONSUMERS {
            return Err(format!("a group has at most {MAX_CONSUMERS} consumers over a run, not {started}"));
        }
        check_count(self.assignors.len(), MAX_LANES, "assignors")?;
        self.view.validate()
    }

    fn sorted_events(&self) -> Vec<Event> {
        let mut events = self.events.clone();
        // Stable: two events at one instant keep their order.
        crate::sim::kernel::sort::radix_sort_by_key(&mut events, |e| ms_to_ns(e.at_ms));
        events
    }

    fn ticks(&self, ms: u64) -> u32 {
        let tick = (self.duration_ms * MS / u64::from(TICKS)).max(1);
        ((ms * MS + tick / 2) / tick).min(u64::from(u32::MAX)) as u32
    }

    /// The group's settings in steps.
    pub fn group(&self) -> GroupConfig {
        GroupConfig {
            consumer_rate: self.consumer_rate,
            session_ticks: self.ticks(self.timings.session_timeout_ms).max(1),
            rebalance_ticks: self.ticks(self.timings.rebalance_ms).max(1),
            commit_ticks: self.ticks(self.timings.commit_interval_ms).max(1),
        }
    }

    /// The records and member ids every assignor's group sees.
    pub fn trial(&self) -> Trial {
        let span = self.duration_ms * MS;
        let tick = (span / u64::from(TICKS)).max(1);
        let mut next = self.consumers as usize;
        let changes = self
            .sorted_events()
            .iter()
            .map(|e| Scheduled {
                tick: ((ms_to_ns(e.at_ms) / tick) as u32).min(TICKS - 1),
                change: match e.change {
                    Change::Join => {
                        next += 1;
                        GroupChange::Join(next - 1)
                    }
                    Change::Leave => GroupChange::Leave(e.consumer.unwrap_or(1) as usize - 1),
                    Change::Crash => GroupChange::Crash(e.consumer.unwrap_or(1) as usize - 1),
                    Change::Partitions(n) => {
                        GroupChange::Partitions { topic: e.topic.unwrap_or(1) as usize - 1, partitions: n }
                    }
                },
            })
            .collect();
        let topics: Vec<(String, u32)> = self.topics.iter().map(|t| (t.name.clone(), t.partitions)).collect();
        Trial::new(span, &topics, self.rate, &self.keys, self.batch_records, self.consumers as usize, changes, self.seed)
    }

    /// Runs assignor `lane` on `trial`.
    pub fn run_lane(&self, lane: usize, trial: &Trial) -> LaneRun {
        run(self.assignors[lane], trial, &self.group(), BINS)
    }

    /// Runs every assignor on `trial`.
    pub fn run_on(&self, trial: &Trial) -> Result<Vec<LaneRun>, String> {
        self.validate()?;
        Ok((0..self.assignors.len()).map(|i| self.run_lane(i, trial)).collect())
    }

    /// Runs every assignor on the same records.
    pub fn run(&self) -> Result<Vec<LaneRun>, String> {
        self.validate()?;
        self.run_on(&self.trial())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::json::{from_str, read_and_write_back as read};
    use crate::sim::event_streaming::partitioner::Keyless;

    #[test]
    fn keys_events_and_scenarios_are_written_and_read_back() {
        read::<Keys>(r#"{"uniform": {"count": 5}}"#, r#"{"uniform":{"count":5}}"#);
        read::<Keys>(r#"{"zipf": {"count": 5, "exponent": 1}}"#, r#"{"zipf":{"count":5,"exponent":1.0}}"#);
        read::<Keys>(r#"{"hot": {"count": 5, "share": 0.3}}"#, r#"{"hot":{"count":5,"share":0.3}}"#);
        assert_eq!(
            read::<Keys>(r#"{"keyless": "uniform-sticky"}"#, r#"{"keyless":"uniform-sticky"}"#),
            Keys::Keyless(Keyless::UniformSticky)
        );
        read::<Event>(r#"{"at_ms": 5, "change": "join"}"#, r#"{"at_ms":5.0,"change":"join"}"#);
        read::<Event>(
            r#"{"at_ms": 5.5, "consumer": 2, "change": {"crash": null}}"#,
            r#"{"at_ms":5.5,"consumer":2,"change":"crash"}"#,
        );
        read::<Event>(
            r#"{"at_ms": 5, "topic": 1, "change": {"partitions": 12}}"#,
            r#"{"at_ms":5.0,"topic":1,"change":{"partitions":12}}"#,
        );
        for a in ["range", "roundrobin", "sticky", "cooperative-sticky"] {
            read::<Assignor>(&format!("\"{a}\""), &format!("\"{a}\""));
        }
        // The batch and the timings take their defaults when left out.
        let s: EventStreamingScenario = read(
            r#"{"widget": "event-streaming", "version": 1, "seed": 1, "duration_ms": 60000,
            "topics": [{"name": "t", "partitions": 3}], "rate": 10, "keys": {"uniform": {"count": 5}},
            "consumers": 1, "consumer_rate": 5, "assignors": ["range"]}"#,
            concat!(
                r#"{"widget":"event-streaming","version":1,"seed":1,"duration_ms":60000,"#,
                r#""topics":[{"name":"t","partitions":3}],"rate":10.0,"keys":{"uniform":{"count":5}},"#,
                r#""batch_records":16,"consumers":1,"consumer_rate":5.0,"#,
                r#""timings":{"session_timeout_ms":45000,"rebalance_ms":2000,"commit_interval_ms":5000},"assignors":["range"]}"#
            ),
        );
        assert_eq!((s.batch_records, s.timings), (16, Timings::default()));
    }

    #[test]
    fn bad_keys_and_events_are_refused_saying_why() {
        assert_eq!(
            from_str::<Keys>(r#"{"keyless": "round-robin"}"#).unwrap_err(),
            r#"keyless: expected one of "uniform-sticky", "sticky", found "round-robin" at line 1 column 13"#
        );
        assert_eq!(
            from_str::<Keys>(r#"{"zipf": {"count": 5}}"#).unwrap_err(),
            r#"missing field "exponent" at line 1 column 10"#
        );
        assert_eq!(
            from_str::<Keys>(r#"{"normal": {"count": 5}}"#).unwrap_err(),
            r#"unknown choice "normal"; expected one of "uniform", "zipf", "hot", "keyless" at line 1 column 1"#
        );
        let change = |c: &str| from_str::<Event>(&format!(r#"{{"at_ms": 0, "change": {c}}}"#)).unwrap_err();
        assert_eq!(
            change(r#""restart""#),
            r#"unknown choice "restart"; expected one of "join", "leave", "crash", "partitions" at line 1 column 24"#
        );
        assert_eq!(change(r#""partitions""#), r#"change: expected "partitions" with its settings, {"partitions": …}, found "partitions" at line 1 column 24"#);
        assert_eq!(
            change(r#"{"partitions": -1}"#),
            "partitions: expected a whole number from 0 to 4294967295, found -1 at line 1 column 39"
        );
        assert_eq!(
            from_str::<Event>(r#"{"at_ms": 0, "consumers": 1, "change": "join"}"#).unwrap_err(),
            r#"unknown field "consumers"; expected one of "at_ms", "consumer", "topic", "change" at line 1 column 27"#
        );
    }
}
