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
use crate::scenario::json;
use crate::sim::kernel::sort::{insertion_sort_by, radix_sort_by_key};

/// A partition of one of the group's topics: the topic's index in the
/// list the assignor is given, and the partition number.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Tp {
    pub topic: u16,
    pub partition: u32,
}

/// A consumer-group partition assignor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Assignor {
    Range,
    RoundRobin,
    Sticky,
    CooperativeSticky,
}

json::names!(Assignor {
    Range = "range",
    RoundRobin = "roundrobin",
    Sticky = "sticky",
    CooperativeSticky = "cooperative-sticky",
});

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

/// `MemberInfo.compareTo(b) < 0`.
fn member_before(a: &Member, b: &Member) -> bool {
    match (&a.instance, &b.instance) {
        (Some(x), Some(y)) => x < y,
        (Some(_), None) => true,
        (None, Some(_)) => false,
        (None, None) => a.id < b.id,
    }
}

/// The group's topics: each one's name and partition count.
pub struct Topics<'a> {
    names: Vec<&'a str>,
    counts: Vec<u32>,
    /// Each topic's first index among all partitions.
    offsets: Vec<usize>,
    /// Each topic's index in name order.
    rank: Vec<u16>,
    /// Topic indices in name order.
    by_name: Vec<u16>,
}

impl<'a> Topics<'a> {
    pub fn new(topics: &[(&'a str, u32)]) -> Topics<'a> {
        let names: Vec<&str> = topics.iter().map(|t| t.0).collect();
        let mut by_name: Vec<u16> = (0..topics.len() as u16).collect();
        insertion_sort_by(&mut by_name, |&a, &b| names[a as usize] < names[b as usize]);
        let mut rank = vec![0u16; topics.len()];
        for (r, &t) in by_name.iter().enumerate() {
            rank[t as usize] = r as u16;
        }
        let offsets = topics
            .iter()
            .scan(0, |next, t| {
                let at = *next;
                *next += t.1 as usize;
                Some(at)
            })
            .collect();
        Topics { names, counts: topics.iter().map(|t| t.1).collect(), offsets, rank, by_name }
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

    /// The sticky assignors' order for owned partitions, number then
    /// topic name, as one integer.
    fn partition_first(&self, tp: Tp) -> u64 {
        u64::from(tp.partition) << 16 | u64::from(self.rank[tp.topic as usize])
    }

    /// A partition's index among all partitions (it must exist).
    fn flat(&self, tp: Tp) -> usize {
        self.offsets[tp.topic as usize] + tp.partition as usize
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
    insertion_sort_by(&mut order, |&a, &b| member_before(&members[a], &members[b]));
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
    let total = topics.total();
    let mut owned: Vec<Vec<Tp>> = vec![Vec::new(); members.len()];
    let mut owner: Vec<Option<usize>> = vec![None; total];
    let mut doubly_claimed = vec![false; total];
    for &m in &visit {
        let generation = members[m].generation.unwrap_or(DEFAULT_GENERATION);
        // Kafka keeps a claim to any partition of a known topic; the
        // numbers here never exceed the topic's count (topics only grow).
        for &tp in members[m].owned.iter().filter(|&&tp| topics.contains(tp)) {
            let f = topics.flat(tp);
            match owner[f] {
                None => {
                    owned[m].push(tp);
                    owner[f] = Some(m);
                }
                Some(other) => {
                    let other_generation = members[other].generation.unwrap_or(DEFAULT_GENERATION);
                    if generation == other_generation {
                        doubly_claimed[f] = true;
                        owned[other].retain(|&p| p != tp);
                        owner[f] = Some(m);
                    } else if generation > other_generation {
                        owned[m].push(tp);
                        owned[other].retain(|&p| p != tp);
                        owner[f] = Some(m);
                    }
                }
            }
        }
    }

    let n = members.len();
    let (min_quota, max_quota) = (total / n, total.div_ceil(n));
    let expected_over_min = total % n;
    let mut over_min = 0usize;
    let mut out: Vec<Vec<Tp>> = vec![Vec::new(); n];
    let mut kept = vec![false; total];
    let mut maybe_revoked: Vec<Option<usize>> = vec![None; total];
    let mut under_min: Vec<usize> = Vec::new();
    let mut exactly_min: Vec<usize> = Vec::new();

    // assignOwnedPartitions
    for &m in &visit {
        let mut mine = std::mem::take(&mut owned[m]);
        radix_sort_by_key(&mut mine, |&tp| topics.partition_first(tp));
        mine.retain(|&tp| !doubly_claimed[topics.flat(tp)]);
        let keep = if mine.len() < min_quota {
            under_min.push(m);
            mine.len()
        } else if mine.len() >= max_quota && over_min < expected_over_min {
            over_min += 1;
            if over_min == expected_over_min {
                exactly_min.clear();
            }
            max_quota
        } else {
            if over_min < expected_over_min {
                exactly_min.push(m);
            }
            min_quota
        };
        for &tp in &mine[..keep] {
            kept[topics.flat(tp)] = true;
        }
        for &tp in &mine[keep..] {
            maybe_revoked[topics.flat(tp)] = Some(m);
        }
        mine.truncate(keep);
        out[m] = mine;
    }

    // getUnassignedPartitions: every partition by topic name, then number,
    // less those kept.
    let unassigned: Vec<Tp> = topics.all_sorted().into_iter().filter(|&tp| !kept[topics.flat(tp)]).collect();

    insertion_sort_by(&mut under_min, |&a, &b| members[a].id < members[b].id);
    insertion_sort_by(&mut exactly_min, |&a, &b| members[a].id < members[b].id);

    // assignRoundRobin, with the list iterator Kafka walks `under_min` by.
    let mut transferring = Vec::new();
    let mut cursor = 0usize;
    for tp in unassigned {
        let m = if cursor < under_min.len() {
            cursor += 1;
            under_min[cursor - 1]
        } else if under_min.is_empty() {
            if exactly_min.is_empty() {
                // Kafka throws here; the quotas make it unreachable.
                break;
            }
            exactly_min.remove(0)
        } else {
            cursor = 1;
            under_min[0]
        };
        out[m].push(tp);
        let f = topics.flat(tp);
        if maybe_revoked[f].is_some_and(|from| from != m) || doubly_claimed[f] {
            transferring.push((tp, m));
        }
        // Kafka also counts members reaching the max quota here, to log
        // an error should partitions remain; none can.
        if out[m].len() == min_quota {
            cursor -= 1;
            under_min.remove(cursor);
            exactly_min.push(m);
        }
    }
    Assignment { partitions: out, transferring }
}
