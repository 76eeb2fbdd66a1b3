//! The event-streaming engine against Kafka's own assignor tests, and the
//! group's run against its own invariants.

use playground::sim::event_streaming::assignor::{assign, Assignor, Member, Topics, Tp};
use playground::sim::event_streaming::partitioner::partition_for_key;
use playground::sim::event_streaming::presets::preset;
use playground::sim::event_streaming::run::{Cause, Flow, TICKS};
use playground::sim::event_streaming::scenario::{Change, Event, EventStreamingScenario};
use playground::sim::event_streaming::{key_bytes, Keys};
use proptest::prelude::*;
use serde_json::Value;

/// A case's topics and members from the golden JSON: topics as
/// `[name, count]`, members with `id`, `instance`, `generation`, `owned`.
fn golden_input(case: &Value) -> (Vec<(String, u32)>, Vec<Member>) {
    let topics: Vec<(String, u32)> = case["topics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t[0].as_str().unwrap().to_string(), t[1].as_u64().unwrap() as u32))
        .collect();
    // A partition of a topic that no longer exists names no index.
    let index = |name: &str| topics.iter().position(|t| t.0 == name).map_or(u16::MAX, |i| i as u16);
    let members = case["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| Member {
            id: m["id"].as_str().unwrap().to_string(),
            instance: m["instance"].as_str().map(str::to_string),
            generation: m["generation"].as_i64().map(|g| g as i32),
            owned: m["owned"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| Tp { topic: index(p[0].as_str().unwrap()), partition: p[1].as_u64().unwrap() as u32 })
                .collect(),
        })
        .collect();
    (topics, members)
}

fn named(topics: &[(String, u32)], parts: &[Tp]) -> Vec<(String, u32)> {
    parts.iter().map(|tp| (topics[tp.topic as usize].0.clone(), tp.partition)).collect()
}

#[test]
fn assignors_give_kafkas_own_test_results() {
    let golden: Value = serde_json::from_str(include_str!("golden/event_streaming/kafka_assignors.json")).unwrap();
    let cases = golden["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 79);
    let mut per_assignor = [0; 4];
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let assignor = Assignor::from_key(case["assignor"].as_str().unwrap()).unwrap();
        per_assignor[Assignor::all().iter().position(|&a| a == assignor).unwrap()] += 1;
        let (topics, members) = golden_input(case);
        let list: Vec<(&str, u32)> = topics.iter().map(|t| (t.0.as_str(), t.1)).collect();
        let got = assign(assignor, &Topics::new(&list), &members);
        for (i, m) in members.iter().enumerate() {
            let want: Vec<(String, u32)> = case["expected"][&m.id]
                .as_array()
                .unwrap_or_else(|| panic!("{name}: no expectation for {}", m.id))
                .iter()
                .map(|p| (p[0].as_str().unwrap().to_string(), p[1].as_u64().unwrap() as u32))
                .collect();
            // Some of Kafka's tests compare sets (see the golden README).
            let mut have = named(&topics, &got.partitions[i]);
            let mut want = want;
            have.sort();
            want.sort();
            assert_eq!(have, want, "{name}: {}", m.id);
        }
    }
    assert_eq!(per_assignor, [14, 12, 26, 27]);
}

/// 1,280 assign calls of groups that grow, shrink and gain partitions,
/// recorded from Kafka's own assignors (scripts/golden/kafka_assignors):
/// every member's partitions in Kafka's order, and which partitions the
/// sticky assignors found moving between members.
#[test]
fn assignors_match_kafka_call_by_call_on_random_groups() {
    let golden: Value = serde_json::from_str(include_str!("golden/event_streaming/kafka_random.json")).unwrap();
    let mut calls = 0;
    for group in golden["groups"].as_array().unwrap() {
        let assignor = Assignor::from_key(group["assignor"].as_str().unwrap()).unwrap();
        for (step, call) in group["calls"].as_array().unwrap().iter().enumerate() {
            let (topics, members) = golden_input(call);
            let list: Vec<(&str, u32)> = topics.iter().map(|t| (t.0.as_str(), t.1)).collect();
            let got = assign(assignor, &Topics::new(&list), &members);
            for (i, m) in members.iter().enumerate() {
                let want: Vec<(String, u32)> = call["assignment"][&m.id]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|p| (p[0].as_str().unwrap().to_string(), p[1].as_u64().unwrap() as u32))
                    .collect();
                assert_eq!(named(&topics, &got.partitions[i]), want, "{} step {step}: {}", assignor.key(), m.id);
            }
            if let Some(moving) = call["transferring"].as_array() {
                let mut have: Vec<(String, u32, String)> = got
                    .transferring
                    .iter()
                    .map(|&(tp, to)| (topics[tp.topic as usize].0.clone(), tp.partition, members[to].id.clone()))
                    .collect();
                have.sort();
                let want: Vec<(String, u32, String)> = moving
                    .iter()
                    .map(|t| {
                        (
                            t[0].as_str().unwrap().to_string(),
                            t[1].as_u64().unwrap() as u32,
                            t[2].as_str().unwrap().to_string(),
                        )
                    })
                    .collect();
                assert_eq!(have, want, "{} step {step}", assignor.key());
            }
            calls += 1;
        }
    }
    assert_eq!(calls, 1_280);
}

fn members(n: usize) -> Vec<Member> {
    (0..n).map(|i| Member::new(format!("consumer-{i:02}"))).collect()
}

/// Each partition's owners under an assignment.
fn owners(topics: &[(&str, u32)], parts: &[Vec<Tp>]) -> Vec<Vec<usize>> {
    let offsets: Vec<usize> = topics
        .iter()
        .scan(0, |acc, t| {
            let o = *acc;
            *acc += t.1 as usize;
            Some(o)
        })
        .collect();
    let total: usize = topics.iter().map(|t| t.1 as usize).sum();
    let mut out = vec![Vec::new(); total];
    for (m, list) in parts.iter().enumerate() {
        for tp in list {
            out[offsets[tp.topic as usize] + tp.partition as usize].push(m);
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Every partition goes to exactly one member, and RoundRobin and the
    /// sticky assignors balance to within one partition.
    #[test]
    fn every_partition_has_one_owner(counts in prop::collection::vec(0u32..40, 1..4), n in 1usize..15, which in 0usize..4) {
        let names = ["a", "b", "c"];
        let topics: Vec<(&str, u32)> = counts.iter().enumerate().map(|(i, &c)| (names[i], c)).collect();
        let assignor = Assignor::all()[which];
        let got = assign(assignor, &Topics::new(&topics), &members(n));
        for o in owners(&topics, &got.partitions) {
            prop_assert_eq!(o.len(), 1);
        }
        if assignor != Assignor::Range {
            let sizes: Vec<usize> = got.partitions.iter().map(Vec::len).collect();
            prop_assert!(sizes.iter().max().unwrap() - sizes.iter().min().unwrap() <= 1, "{:?}", sizes);
        }
    }

    /// When a member leaves a group the sticky assignors balanced, only its
    /// partitions move: the others keep everything they had. The
    /// cooperative one hands them over at once (nobody else must revoke).
    #[test]
    fn sticky_assignors_move_only_the_leavers_partitions(count in 1u32..80, n in 2usize..12, leaver in 0usize..12, coop in any::<bool>()) {
        let leaver = leaver % n;
        let topics = [("orders", count)];
        let assignor = if coop { Assignor::CooperativeSticky } else { Assignor::Sticky };
        let t = Topics::new(&topics);
        let mut group = members(n);
        let first = assign(assignor, &t, &group);
        for (m, parts) in group.iter_mut().zip(&first.partitions) {
            m.owned = parts.clone();
            m.generation = Some(1);
        }
        let gone = group.remove(leaver);
        let second = assign(assignor, &t, &group);
        prop_assert!(second.transferring.is_empty());
        for (m, parts) in group.iter().zip(&second.partitions) {
            prop_assert!(m.owned.iter().all(|tp| parts.contains(tp)), "{} lost a partition", m.id);
        }
        let moved: usize = group.iter().zip(&second.partitions).map(|(m, p)| p.iter().filter(|tp| !m.owned.contains(tp)).count()).sum();
        prop_assert_eq!(moved, gone.owned.len());
        for o in owners(&topics, &second.partitions) {
            prop_assert_eq!(o.len(), 1);
        }
    }
}

/// The cooperative assignor withholds what must first be revoked, and the
/// follow-up rebalance hands it over: a member joining a group of three
/// over twelve partitions gets nothing at first, then three.
#[test]
fn cooperative_rebalancing_takes_two_rounds_for_a_joiner() {
    let topics = [("orders", 12)];
    let t = Topics::new(&topics);
    let mut group = members(3);
    let first = assign(Assignor::CooperativeSticky, &t, &group);
    for (m, parts) in group.iter_mut().zip(&first.partitions) {
        m.owned = parts.clone();
        m.generation = Some(1);
    }
    group.push(Member::new("consumer-03"));
    let second = assign(Assignor::CooperativeSticky, &t, &group);
    assert_eq!(second.transferring.len(), 3);
    assert!(second.partitions[3].is_empty());
    assert_eq!(second.partitions[..3].iter().map(Vec::len).collect::<Vec<_>>(), [3, 3, 3]);
    for (m, parts) in group.iter_mut().zip(&second.partitions) {
        m.owned = parts.clone();
        m.generation = Some(2);
    }
    let third = assign(Assignor::CooperativeSticky, &t, &group);
    assert!(third.transferring.is_empty());
    assert_eq!(third.partitions.iter().map(Vec::len).collect::<Vec<_>>(), [3, 3, 3, 3]);
    // The eager sticky assignor reaches the same place in one round.
    let eager = assign(Assignor::Sticky, &t, &group);
    let mut a = eager.partitions.clone();
    let mut b = third.partitions.clone();
    a.iter_mut().chain(b.iter_mut()).for_each(|v| v.sort());
    assert_eq!(a, b);
}

fn scenario(assignors: &[Assignor]) -> EventStreamingScenario {
    let mut s = preset("scale-out").unwrap();
    s.assignors = assignors.to_vec();
    s
}

#[test]
fn records_are_conserved_and_runs_repeat_exactly() {
    for name in ["scale-out", "crash", "rolling-restart", "two-topics", "hot-key", "add-partitions"] {
        let s = preset(name).unwrap();
        let runs = s.run().unwrap();
        assert_eq!(runs, s.run().unwrap(), "{name}");
        for run in &runs {
            let m = run.summary;
            let processed_once = m.consumed - m.duplicates;
            // Positions are fluid; each partition rounds once.
            let slack = 256;
            assert!(processed_once + m.final_lag <= m.produced + slack, "{name}: {m:?}");
            assert!(processed_once + m.final_lag + slack >= m.produced, "{name}: {m:?}");
            let produced: u64 = run.slices.iter().map(|b| b.produced).sum();
            assert_eq!(produced, m.produced, "{name}");
        }
    }
}

#[test]
fn eager_rebalances_stop_the_group_and_cooperative_ones_do_not() {
    let s = scenario(&[Assignor::Range, Assignor::Sticky, Assignor::CooperativeSticky]);
    let runs = s.run().unwrap();
    let g = s.group();
    // 300 s in 3,600 steps of 83.3 ms: 2 s rebalances are 24 steps.
    assert_eq!(g.rebalance_ticks, 24);
    for run in &runs[..2] {
        assert_eq!(run.rebalances.len(), 3);
        assert!(run.rebalances.iter().all(|b| b.rounds == 1));
        let spans: u32 = run.rebalances.iter().map(|b| b.end - b.start).sum();
        assert_eq!(run.summary.stopped_ticks, spans);
    }
    let coop = &runs[2];
    assert_eq!(coop.summary.stopped_ticks, 0);
    // Each join moves partitions, so takes a second round.
    assert_eq!(coop.rebalances.iter().map(|b| b.rounds).collect::<Vec<_>>(), [2, 2, 1]);
    // Sticky and cooperative-sticky move the same partitions; range moves more.
    assert_eq!(runs[1].summary.moved, coop.summary.moved);
    assert!(runs[0].summary.moved > runs[1].summary.moved, "{:?} {:?}", runs[0].summary, runs[1].summary);
    // Eager revokes every partition at each rebalance; cooperative only what moves.
    assert!(runs[1].summary.revoked > 2 * coop.summary.revoked, "{:?} {:?}", runs[1].summary, coop.summary);
}

#[test]
fn a_crash_goes_unnoticed_until_the_session_times_out() {
    let mut s = preset("crash").unwrap();
    s.assignors = vec![Assignor::Range, Assignor::CooperativeSticky];
    let runs = s.run().unwrap();
    let g = s.group();
    let tick_ms = s.duration_ms as f64 / f64::from(TICKS);
    for run in &runs {
        assert_eq!(run.rebalances.len(), 1);
        let b = run.rebalances[0];
        assert_eq!(b.cause, Cause::TimedOut(0));
        // Crash at 60 s; the session runs 45 s more.
        assert_eq!(b.start, (60_000.0 / tick_ms) as u32 + g.session_ticks);
        // While unnoticed, the crashed consumer's partitions are orphaned.
        let during = run.partitions_at(50);
        assert_eq!(during.iter().filter(|p| p.state == Flow::Orphaned).count(), 2);
        assert!(during.iter().filter(|p| p.state == Flow::Orphaned).all(|p| p.owner == 1));
        // What it processed since its last commit (at most 5 s at 400 a second) is processed again.
        assert!(run.summary.duplicates > 0 && run.summary.duplicates <= 2_000, "{:?}", run.summary);
    }
}

#[test]
fn a_hot_key_makes_a_hot_partition() {
    let s = preset("hot-key").unwrap();
    let hot = partition_for_key(&key_bytes(0), 8) as usize;
    let runs = s.run().unwrap();
    let end = runs[0].partitions_at(119);
    let hottest = (0..8).max_by_key(|&p| end[p].lag).unwrap();
    assert_eq!(hottest, hot);
    // 30% of 1,000 a second is more than one consumer's 250: that
    // partition falls behind by about 50 a second however many join.
    assert!(end[hot].lag > 4_000, "{}", end[hot].lag);
}

#[test]
fn growing_a_topic_moves_keys_by_murmur2() {
    let s = preset("add-partitions").unwrap();
    let Keys::Zipf { count, .. } = s.keys else { panic!() };
    let moved =
        (0..count).filter(|&k| partition_for_key(&key_bytes(k), 6) != partition_for_key(&key_bytes(k), 12)).count();
    let runs = s.run().unwrap();
    for run in &runs {
        assert_eq!(run.summary.keys_moved as usize, moved);
        assert!(run.summary.keys_at_risk as usize <= moved);
        assert_eq!(run.rebalances[0].cause, Cause::Partitions);
    }
    // murmur2 mod 12 keeps a key when it equals the key's value mod 6: about half move.
    assert!((4_000..6_000).contains(&moved), "{moved}");
}

#[test]
fn range_gives_the_first_member_one_more_of_each_topic() {
    let s = preset("two-topics").unwrap();
    let runs = s.run().unwrap();
    let count = |run: &playground::sim::event_streaming::run::LaneRun| {
        let parts = run.partitions_at(0);
        let mut per = [0; 2];
        for p in parts {
            per[usize::from(p.owner) - 1] += 1;
        }
        per.sort();
        per
    };
    assert_eq!(count(&runs[0]), [2, 4]);
    assert_eq!(count(&runs[1]), [3, 3]);
    assert_eq!(count(&runs[2]), [3, 3]);
}

#[test]
fn scenarios_refuse_what_the_group_cannot_do() {
    let mut s = preset("crash").unwrap();
    s.events.push(Event { at_ms: 70_000.0, consumer: Some(1), topic: None, change: Change::Leave });
    assert_eq!(s.validate().unwrap_err(), "at 70000 ms no consumer 1 is running");
    let mut s = preset("crash").unwrap();
    s.topics[0].partitions = 300;
    assert_eq!(s.validate().unwrap_err(), "the topics have at most 256 partitions in all");
    let mut s = preset("crash").unwrap();
    s.keys = Keys::Zipf { count: 10, exponent: f64::NAN };
    assert_eq!(s.validate().unwrap_err(), "the Zipf exponent must be between 0 and 3, not NaN");
}

/// The consumer properties the article shows are the crash widget's
/// cooperative lane: every key maps onto the scenario or is checked
/// against what the engine assumes.
#[test]
fn the_articles_consumer_properties_are_the_crash_widgets() {
    let article = std::fs::read_to_string("articles/event-streaming.md").unwrap();
    let start = article.find("```properties\n").expect("a properties block") + "```properties\n".len();
    let block = &article[start..start + article[start..].find("```").unwrap()];
    let s = preset("crash").unwrap();
    let (mut session, mut commit, mut heartbeat, mut strategy) = (0, 0, 0, Vec::new());
    for line in block.lines().filter(|l| !l.is_empty() && !l.starts_with('#')) {
        let (key, value) = line.split_once('=').unwrap();
        match key {
            "partition.assignment.strategy" => {
                strategy = value
                    .split(',')
                    .map(|class| {
                        let name = class.trim().strip_prefix("org.apache.kafka.clients.consumer.").unwrap();
                        match name {
                            "RangeAssignor" => Assignor::Range,
                            "RoundRobinAssignor" => Assignor::RoundRobin,
                            "StickyAssignor" => Assignor::Sticky,
                            "CooperativeStickyAssignor" => Assignor::CooperativeSticky,
                            other => panic!("`{other}` is not an assignor the engine has"),
                        }
                    })
                    .collect()
            }
            "session.timeout.ms" => session = value.parse().unwrap(),
            "auto.commit.interval.ms" => commit = value.parse().unwrap(),
            // Heartbeats no more than a third of the session apart, as Kafka advises.
            "heartbeat.interval.ms" => heartbeat = value.parse::<u64>().unwrap(),
            // The engine commits on a timer, as auto-commit does, and runs the classic protocol.
            "enable.auto.commit" => assert_eq!(value, "true"),
            "group.protocol" => assert_eq!(value, "classic"),
            // A member's rebalance round takes the scenario's rebalance_ms, well under this.
            "max.poll.interval.ms" => assert!(value.parse::<u64>().unwrap() > s.timings.rebalance_ms),
            "bootstrap.servers" | "group.id" => {}
            other => panic!("`{other}` is not a consumer setting the engine models"),
        }
    }
    // A group uses the first strategy every member supports: the lane runs the first listed.
    assert!(s.assignors.contains(&strategy[0]), "{strategy:?}");
    assert_eq!(strategy[0], Assignor::CooperativeSticky);
    assert_eq!((session, commit), (s.timings.session_timeout_ms, s.timings.commit_interval_ms));
    assert!(heartbeat > 0 && 3 * heartbeat <= session, "{heartbeat}");
}
