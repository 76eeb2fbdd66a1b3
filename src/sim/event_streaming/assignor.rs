//! Consumer-group partition assignment as the Apache Kafka Java client's
//! assignors compute it (`org.apache.kafka.clients.consumer`, read at
//! commit 1eb7644 of October 2024, the 3.9/4.0 line), for groups whose
//! members all subscribe to the same topics and declare no rack.
//!
//! - [`Assignor::Range`] (`RangeAssignor`): per topic, members sorted, each
//!   takes a contiguous range of `partitions / members`, the first
//!   `partitions % members` one more.
//! - [`Assignor::RoundRobin`] (`RoundRobinAssignor`): every partition of
//!   every topic, sorted by topic then number, dealt to the sorted members
//!   in turn.
//! - [`Assignor::Sticky`] and [`Assignor::CooperativeSticky`]
//!   (`AbstractStickyAssignor`'s constrained algorithm, which Kafka runs
//!   when all subscriptions are equal): each member keeps up to its quota
//!   of what it owned, the rest is dealt round robin to the members below
//!   quota. The cooperative one then withholds every partition that is
//!   moving from one member to another, which its old owner must revoke
//!   first; a second rebalance hands it over.
//!
//! Members sort as `MemberInfo` does: members with a `group.instance.id`
//! first, by that id, then the others by member id, comparing strings as
//! Java does (the ids here are ASCII, where Java's UTF-16 order and
//! Rust's byte order agree).

use super::java;
use serde::{Deserialize, Serialize};

/// A partition of one of the group's topics: the topic's index in the
/// list the assignor is given, and the partition number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Tp {
    pub topic: u16,
    pub partition: u32,
}

/// A consumer-group partition assignor.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Assignor {
    #[serde(rename = "range")]
    Range,
    #[serde(rename = "roundrobin")]
    RoundRobin,
    #[serde(rename = "sticky")]
    Sticky,
    #[serde(rename = "cooperative-sticky")]
    CooperativeSticky,
}

impl Assignor {
    /// Every assignor, in menu order.
    pub fn all() -> [Assignor; 4] {
        [Assignor::Range, Assignor::RoundRobin, Assignor::Sticky, Assignor::CooperativeSticky]
    }

    /// Kafka's name for it (`partition.assignment.strategy` takes the class;
    /// this is what `name()` returns).
    pub fn key(self) -> &'static str {
        match self {
            Assignor::Range => "range",
            Assignor::RoundRobin => "roundrobin",
            Assignor::Sticky => "sticky",
            Assignor::CooperativeSticky => "cooperative-sticky",
        }
    }

    /// The assignor named `key`.
    pub fn from_key(key: &str) -> Option<Assignor> {
        Assignor::all().into_iter().find(|a| a.key() == key)
    }

    /// Its name in the widget.
    pub fn name(self) -> &'static str {
        match self {
            Assignor::Range => "RangeAssignor",
            Assignor::RoundRobin => "RoundRobinAssignor",
            Assignor::Sticky => "StickyAssignor",
            Assignor::CooperativeSticky => "CooperativeStickyAssignor",
        }
    }

    /// Whether the group rebalances cooperatively with it (members revoke
    /// only what moves) rather than eagerly (everything, every time).
    pub fn cooperative(self) -> bool {
        self == Assignor::CooperativeSticky
    }
}

/// A member as the group leader sees it when it assigns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    /// The member id the coordinator gave it.
    pub id: String,
    /// Its `group.instance.id` (static membership), if it has one.
    pub instance: Option<String>,
    /// What it owned before this rebalance, as it reports it (the sticky
    /// assignors read it; the others ignore it).
    pub owned: Vec<Tp>,
    /// The generation in which it owned them, if it reports one.
    pub generation: Option<i32>,
}

impl Member {
    /// A member that owns nothing yet.
    pub fn new(id: impl Into<String>) -> Member {
        Member { id: id.into(), instance: None, owned: Vec::new(), generation: None }
    }
}

/// `MemberInfo.compareTo`.
fn member_order(a: &Member, b: &Member) -> std::cmp::Ordering {
    match (&a.instance, &b.instance) {
        (Some(x), Some(y)) => x.cmp(y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.id.cmp(&b.id),
    }
}

/// The group's topics: each one's name and partition count.
pub struct Topics<'a> {
    names: Vec<&'a str>,
    counts: Vec<u32>,
    /// Each topic's index in name order.
    rank: Vec<u16>,
    /// Topic indices in name order.
    by_name: Vec<u16>,
}

impl<'a> Topics<'a> {
    pub fn new(topics: &[(&'a str, u32)]) -> Topics<'a> {
        let names: Vec<&str> = topics.iter().map(|t| t.0).collect();
        let mut by_name: Vec<u16> = (0..topics.len() as u16).collect();
        by_name.sort_by(|&a, &b| names[a as usize].cmp(names[b as usize]));
        let mut rank = vec![0u16; topics.len()];
        for (r, &t) in by_name.iter().enumerate() {
            rank[t as usize] = r as u16;
        }
        Topics { names, counts: topics.iter().map(|t| t.1).collect(), rank, by_name }
    }

    fn total(&self) -> usize {
        self.counts.iter().map(|&c| c as usize).sum()
    }

    /// Every partition, by topic name, then number.
    fn all_sorted(&self) -> Vec<Tp> {
        let mut all = Vec::with_capacity(self.total());
        for &t in &self.by_name {
            all.extend((0..self.counts[t as usize]).map(|partition| Tp { topic: t, partition }));
        }
        all
    }

    /// `TopicPartition` order by topic name, then number.
    fn topic_first(&self, tp: Tp) -> (u16, u32) {
        (self.rank[tp.topic as usize], tp.partition)
    }

    /// The sticky assignors' order for owned partitions: number, then topic.
    fn partition_first(&self, tp: Tp) -> (u32, u16) {
        (tp.partition, self.rank[tp.topic as usize])
    }

    fn contains(&self, tp: Tp) -> bool {
        (tp.topic as usize) < self.counts.len() && tp.partition < self.counts[tp.topic as usize]
    }

    /// A topic's name.
    pub fn name(&self, topic: u16) -> &'a str {
        self.names[topic as usize]
    }
}

/// What an assignor hands out: each member's partitions, in the order of
/// the members given, and (sticky assignors) each partition that is
/// moving from one owner to another, with its new owner.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Assignment {
    pub partitions: Vec<Vec<Tp>>,
    pub transferring: Vec<(Tp, usize)>,
}

/// Assigns the partitions of `topics` to `members`, which all subscribe
/// to every topic. `members` is in the order the leader's subscription
/// map was filled (the group's join order), which decides the order the
/// sticky assignors visit members in ([`java::iteration_order`]).
pub fn assign(assignor: Assignor, topics: &Topics, members: &[Member]) -> Assignment {
    if members.is_empty() {
        return Assignment::default();
    }
    match assignor {
        Assignor::Range => Assignment { partitions: range(topics, members), transferring: Vec::new() },
        Assignor::RoundRobin => Assignment { partitions: round_robin(topics, members), transferring: Vec::new() },
        Assignor::Sticky => sticky(topics, members),
        Assignor::CooperativeSticky => {
            let mut a = sticky(topics, members);
            for &(tp, to) in &a.transferring {
                a.partitions[to].retain(|&p| p != tp);
            }
            a
        }
    }
}

fn sorted_members(members: &[Member]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..members.len()).collect();
    order.sort_by(|&a, &b| member_order(&members[a], &members[b]));
    order
}

/// `RangeAssignor.assignPartitions` without racks: per topic, the sorted
/// members take consecutive ranges. Topics are visited in the order of
/// Kafka's `HashMap` of them, which orders each member's list.
fn range(topics: &Topics, members: &[Member]) -> Vec<Vec<Tp>> {
    let order = sorted_members(members);
    let mut out = vec![Vec::new(); members.len()];
    let n = members.len() as u32;
    for t in java::iteration_order(&topics.names) {
        let t = t as u16;
        let count = topics.counts[t as usize];
        let (per, mut extra) = (count / n, count % n);
        let mut next = 0u32;
        for &m in &order {
            let take = per + u32::from(extra > 0);
            if take > per {
                extra -= 1;
            }
            out[m].extend((next..next + take).map(|partition| Tp { topic: t, partition }));
            next += take;
        }
    }
    out
}

/// `RoundRobinAssignor.assign`: all partitions sorted, dealt in turn.
fn round_robin(topics: &Topics, members: &[Member]) -> Vec<Vec<Tp>> {
    let order = sorted_members(members);
    let mut out = vec![Vec::new(); members.len()];
    for (i, tp) in topics.all_sorted().into_iter().enumerate() {
        out[order[i % order.len()]].push(tp);
    }
    out
}

/// `AbstractStickyAssignor` with equal subscriptions: validate what each
/// member claims (`allSubscriptionsEqual`), then the
/// `ConstrainedAssignmentBuilder`.
fn sticky(topics: &Topics, members: &[Member]) -> Assignment {
    const DEFAULT_GENERATION: i32 = -1;
    let ids: Vec<&str> = members.iter().map(|m| m.id.as_str()).collect();
    let visit = java::iteration_order(&ids);

    // Each member's previously owned partitions; a partition claimed by two
    // members goes to the newer generation, or to neither if they tie.
    let mut owned: Vec<Vec<Tp>> = vec![Vec::new(); members.len()];
    let mut owner: std::collections::HashMap<Tp, usize> = Default::default();
    let mut doubly_claimed: Vec<Tp> = Vec::new();
    for &m in &visit {
        let generation = members[m].generation.unwrap_or(DEFAULT_GENERATION);
        for &tp in &members[m].owned {
            if (tp.topic as usize) >= topics.counts.len() {
                continue;
            }
            match owner.get(&tp).copied() {
                None => {
                    owned[m].push(tp);
                    owner.insert(tp, m);
                }
                Some(other) => {
                    let other_generation = members[other].generation.unwrap_or(DEFAULT_GENERATION);
                    if generation == other_generation {
                        doubly_claimed.push(tp);
                        owned[other].retain(|&p| p != tp);
                        owner.insert(tp, m);
                    } else if generation > other_generation {
                        owned[m].push(tp);
                        owned[other].retain(|&p| p != tp);
                        owner.insert(tp, m);
                    }
                }
            }
        }
    }

    let n = members.len();
    let total = topics.total();
    let (min_quota, max_quota) = (total / n, total.div_ceil(n));
    let expected_over_min = total % n;
    let mut over_min = 0usize;
    let mut out: Vec<Vec<Tp>> = vec![Vec::new(); n];
    let mut assigned: Vec<Tp> = Vec::new();
    let mut maybe_revoked: std::collections::HashMap<Tp, usize> = Default::default();
    let mut under_min: Vec<usize> = Vec::new();
    let mut exactly_min: std::collections::VecDeque<usize> = Default::default();

    // assignOwnedPartitions
    for &m in &visit {
        let mut mine: Vec<Tp> = owned[m].iter().copied().filter(|&tp| topics.contains(tp)).collect();
        mine.sort_by_key(|&tp| topics.partition_first(tp));
        mine.retain(|tp| !doubly_claimed.contains(tp));
        if mine.len() < min_quota {
            out[m].extend_from_slice(&mine);
            assigned.extend_from_slice(&mine);
            under_min.push(m);
        } else if mine.len() >= max_quota && over_min < expected_over_min {
            over_min += 1;
            if over_min == expected_over_min {
                exactly_min.clear();
            }
            out[m].extend_from_slice(&mine[..max_quota]);
            assigned.extend_from_slice(&mine[..max_quota]);
            for &tp in &mine[max_quota..] {
                maybe_revoked.insert(tp, m);
            }
        } else {
            out[m].extend_from_slice(&mine[..min_quota]);
            assigned.extend_from_slice(&mine[..min_quota]);
            for &tp in &mine[min_quota..] {
                maybe_revoked.insert(tp, m);
            }
            if over_min < expected_over_min {
                exactly_min.push_back(m);
            }
        }
    }

    // getUnassignedPartitions: every partition in topic-then-number order,
    // less those kept.
    let mut kept = assigned;
    kept.sort_by_key(|&tp| topics.topic_first(tp));
    let unassigned: Vec<Tp> = topics.all_sorted().into_iter().filter(|tp| kept.binary_search_by_key(&topics.topic_first(*tp), |&k| topics.topic_first(k)).is_err()).collect();

    under_min.sort_by(|&a, &b| members[a].id.cmp(&members[b].id));
    exactly_min.make_contiguous().sort_by(|&a, &b| members[a].id.cmp(&members[b].id));

    // assignRoundRobin, with the list iterator Kafka walks `under_min` by.
    let mut transferring = Vec::new();
    let mut cursor = 0usize;
    for tp in unassigned {
        let m = if cursor < under_min.len() {
            cursor += 1;
            under_min[cursor - 1]
        } else if under_min.is_empty() {
            match exactly_min.pop_front() {
                Some(m) => m,
                // Kafka throws here; the quotas make it unreachable.
                None => break,
            }
        } else {
            cursor = 1;
            under_min[0]
        };
        out[m].push(tp);
        if maybe_revoked.get(&tp).is_some_and(|&from| from != m) || doubly_claimed.contains(&tp) {
            transferring.push((tp, m));
        }
        // Kafka also counts members reaching the max quota here, to log
        // an error should partitions remain; none can.
        if out[m].len() == min_quota {
            cursor -= 1;
            under_min.remove(cursor);
            exactly_min.push_back(m);
        }
    }
    Assignment { partitions: out, transferring }
}
