//! A run of one consumer group under one assignor: the records each
//! partition receives ([`Trial`], the same for every assignor), then the
//! group consuming them while members join, leave and crash ([`run`]).

use super::assignor::{assign, Assignor, Member, Topics, Tp};
use super::partitioner::{murmur2, to_positive, KeylessState};
use super::{key_bytes, Keys};
use crate::sim::kernel::rng::Rng;
use crate::sim::kernel::time::Nanos;

/// Steps a run advances in.
pub const TICKS: u32 = 3_600;

/// What happens to the group at a step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupChange {
    /// Consumer `n` (from 0) starts and joins the group.
    Join(usize),
    /// Consumer `n` closes: it commits, leaves the group, a rebalance starts.
    Leave(usize),
    /// Consumer `n` stops without a word; its session times out later.
    Crash(usize),
    /// Topic `t` grows to `partitions`.
    Partitions { topic: usize, partitions: u32 },
}

/// A group change at a step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Scheduled {
    pub tick: u32,
    pub change: GroupChange,
}

/// The group's settings, in steps.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GroupConfig {
    /// Records a second each consumer processes.
    pub consumer_rate: f64,
    pub session_ticks: u32,
    pub rebalance_ticks: u32,
    pub commit_ticks: u32,
}

/// Keys whose partition changed when a topic grew.
#[derive(Clone, Debug, PartialEq)]
pub struct KeyMove {
    pub tick: u32,
    /// The slot each moved key used to go to, and its share of the topic's records.
    pub moved: Vec<(usize, f64)>,
    /// Keys in the topic.
    pub keys: u32,
}

/// The records every assignor's group consumes: per step, per partition
/// slot (topics one after another, each with room for its largest
/// partition count), how many arrive; and the consumers' member ids.
#[derive(Clone, Debug)]
pub struct Trial {
    pub tick_ns: Nanos,
    pub names: Vec<String>,
    /// Each topic's first slot, and its partition counts at the start and at most.
    pub offsets: Vec<usize>,
    pub initial: Vec<u32>,
    pub most: Vec<u32>,
    pub slots: usize,
    /// Each slot's log-end offset after each step (step-major), and their sum.
    log_end: Vec<u64>,
    total_end: Vec<u64>,
    /// Each consumer's member id, as the coordinator gives it on joining.
    pub member_ids: Vec<String>,
    /// Consumers present at the start.
    pub initial_consumers: usize,
    pub changes: Vec<Scheduled>,
    pub key_moves: Vec<KeyMove>,
}

/// A version-4 UUID drawn from the run's generator, as `UUID.randomUUID()`
/// prints one.
fn uuid(rng: &mut Rng) -> String {
    let hi = (rng.next_u64() & !0xf000) | 0x4000;
    let lo = (rng.next_u64() & !(0b11 << 62)) | (0b10 << 62);
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        hi >> 32,
        (hi >> 16) & 0xffff,
        hi & 0xffff,
        lo >> 48,
        lo & 0xffff_ffff_ffff
    )
}

/// A member id as the classic protocol forms it: `client.id`, a dash, a
/// UUID. Every consumer here runs in its own process, so every client id
/// is the default `consumer-<group>-1` and the UUID alone orders them.
pub fn member_id(rng: &mut Rng) -> String {
    format!("consumer-group-1-{}", uuid(rng))
}

impl Trial {
    /// Draws the run: `topics` as (name, partitions at the start), `rate`
    /// records a second to each, the keys, the sticky batch in records,
    /// `consumers` at the start and the changes in step order.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        duration: Nanos,
        topics: &[(String, u32)],
        rate: f64,
        keys: &Keys,
        batch_records: u32,
        consumers: usize,
        changes: Vec<Scheduled>,
        seed: u64,
    ) -> Trial {
        let tick_ns = (duration / u64::from(TICKS)).max(1);
        let mut rng = Rng::new(seed);
        let joins = changes.iter().filter(|c| matches!(c.change, GroupChange::Join(_))).count();
        let member_ids = (0..consumers + joins).map(|_| member_id(&mut rng)).collect();

        let initial: Vec<u32> = topics.iter().map(|t| t.1).collect();
        let mut most = initial.clone();
        for c in &changes {
            if let GroupChange::Partitions { topic, partitions } = c.change {
                most[topic] = most[topic].max(partitions);
            }
        }
        let mut offsets = Vec::with_capacity(topics.len());
        let mut slots = 0;
        for &m in &most {
            offsets.push(slots);
            slots += m as usize;
        }

        let shares = keys.shares();
        // Each key's murmur2 once; its partition is that modulo the count.
        let key_hashes: Vec<i32> = (0..shares.len() as u32).map(|k| murmur2(&key_bytes(k))).collect();
        let part_of = |k: usize, n: u32| to_positive(key_hashes[k]) % n;
        let per_partition = |n: u32| {
            let mut v = vec![0.0f64; n as usize];
            for (k, &s) in shares.iter().enumerate() {
                v[part_of(k, n) as usize] += s;
            }
            v
        };

        let tick_s = tick_ns as f64 / 1e9;
        let per_tick = rate * tick_s;
        let mut count = initial.clone();
        let mut weights: Vec<Vec<f64>> = count.iter().map(|&n| per_partition(n)).collect();
        let mut carry = vec![0.0f64; slots];
        let mut keyless: Vec<Option<KeylessState>> = topics
            .iter()
            .map(|_| match keys {
                Keys::Keyless(kind) => Some(KeylessState::new(*kind, batch_records)),
                _ => None,
            })
            .collect();
        let mut total_carry = vec![0.0f64; topics.len()];
        let mut log_end = vec![0u64; TICKS as usize * slots];
        let mut total_end = vec![0u64; TICKS as usize];
        let mut row = vec![0u32; slots];
        let mut key_moves = Vec::new();
        let mut next_change = 0;
        for tick in 0..TICKS {
            while next_change < changes.len() && changes[next_change].tick <= tick {
                if let GroupChange::Partitions { topic, partitions } = changes[next_change].change {
                    if partitions > count[topic] {
                        let old = count[topic];
                        let moved = (0..shares.len())
                            .filter(|&k| part_of(k, old) != part_of(k, partitions))
                            .map(|k| (offsets[topic] + part_of(k, old) as usize, shares[k]))
                            .collect();
                        key_moves.push(KeyMove { tick, moved, keys: shares.len() as u32 });
                        count[topic] = partitions;
                        weights[topic] = per_partition(partitions);
                    }
                }
                next_change += 1;
            }
            row.fill(0);
            for t in 0..topics.len() {
                let part = &mut row[offsets[t]..offsets[t] + count[t] as usize];
                match &mut keyless[t] {
                    Some(state) => {
                        let before = total_carry[t].floor();
                        total_carry[t] += per_tick;
                        state.spread((total_carry[t].floor() - before) as u64, part, &mut rng);
                    }
                    None => {
                        for (p, n) in part.iter_mut().enumerate() {
                            let c = &mut carry[offsets[t] + p];
                            let before = c.floor();
                            *c += per_tick * weights[t][p];
                            *n = (c.floor() - before) as u32;
                        }
                    }
                }
            }
            let (before, now) = log_end.split_at_mut(tick as usize * slots);
            let prev = if tick == 0 { None } else { Some(&before[(tick as usize - 1) * slots..]) };
            let mut sum = 0;
            for (s, end) in now[..slots].iter_mut().enumerate() {
                *end = prev.map_or(0, |p| p[s]) + u64::from(row[s]);
                sum += *end;
            }
            total_end[tick as usize] = sum;
        }
        Trial {
            tick_ns,
            names: topics.iter().map(|t| t.0.clone()).collect(),
            offsets,
            initial,
            most,
            slots,
            log_end,
            total_end,
            member_ids,
            initial_consumers: consumers,
            changes,
            key_moves,
        }
    }

    /// Each slot's log-end offset once the first `steps` steps' records
    /// have arrived.
    pub fn log_end(&self, steps: u32) -> &[u64] {
        match steps {
            0 => &[],
            n => &self.log_end[(n as usize - 1) * self.slots..n as usize * self.slots],
        }
    }

    /// The records written to every partition in the first `steps` steps.
    pub fn total(&self, steps: u32) -> u64 {
        if steps == 0 {
            0
        } else {
            self.total_end[steps as usize - 1]
        }
    }

    /// The slot of a topic's partition.
    pub fn slot(&self, tp: Tp) -> usize {
        self.offsets[tp.topic as usize] + tp.partition as usize
    }
}

/// A partition at the end of a slice.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PartitionState {
    /// Records not yet processed.
    pub lag: u32,
    /// The consumer (from 1) that owns it; 0 for none.
    pub owner: u8,
    pub state: Flow,
}

/// Whether a partition is being consumed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Flow {
    /// Its owner is processing it.
    #[default]
    Consuming,
    /// Nobody is: revoked, unassigned, or the whole group is rebalancing.
    Paused,
    /// Its owner crashed and the group has not noticed yet.
    Orphaned,
    /// The partition does not exist yet.
    Absent,
}

/// What started a rebalance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cause {
    Joined(usize),
    Left(usize),
    /// A crashed consumer's session timed out.
    TimedOut(usize),
    Partitions,
}

/// One rebalance, from its start to the end of its last round.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rebalance {
    pub cause: Cause,
    pub start: u32,
    pub end: u32,
    /// 1 for an eager rebalance; 2 when cooperative members revoked partitions.
    pub rounds: u8,
    /// Partitions whose owner differs after it from before it.
    pub moved: u32,
    /// Partitions revoked from a member still in the group.
    pub revoked: u32,
}

/// One slice of the run, for drawing.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Slice {
    /// Total lag at the slice's end.
    pub lag: u64,
    /// The most any one partition lags at the slice's end.
    pub max_lag: u32,
    pub produced: u64,
    pub consumed: u64,
    /// Partitions that were not being consumed at its end.
    pub paused: u32,
}

/// The run's totals.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Summary {
    pub produced: u64,
    pub consumed: u64,
    /// Records processed a second time after a crash (at-least-once).
    pub duplicates: u64,
    pub rebalances: u32,
    pub moved: u32,
    pub revoked: u32,
    /// Steps during which no partition at all was being consumed by its
    /// owner while one was mid-rebalance (an eager rebalance's stop).
    pub stopped_ticks: u32,
    /// Partition-steps without a consumer.
    pub paused_ticks: u64,
    pub max_lag: u64,
    pub final_lag: u64,
    /// Keys a topic's growth sent to another partition, and those of them
    /// whose old partition still held unprocessed records: their newer
    /// records may be processed before their older ones.
    pub keys_moved: u32,
    pub keys_at_risk: u32,
}

/// One assignor's run.
#[derive(Clone, Debug, PartialEq)]
pub struct LaneRun {
    pub slices: Vec<Slice>,
    /// `slices × slots` partition states, slice-major.
    pub partitions: Vec<PartitionState>,
    pub rebalances: Vec<Rebalance>,
    pub summary: Summary,
}

impl LaneRun {
    /// The partitions at the end of slice `i`.
    pub fn partitions_at(&self, i: usize) -> &[PartitionState] {
        let slots = self.partitions.len() / self.slices.len().max(1);
        &self.partitions[i * slots..(i + 1) * slots]
    }
}

/// A member of the group, in join order.
#[derive(Clone, Debug)]
struct MemberState {
    consumer: usize,
    /// What it owns now (cooperative) or last received (eager: the sticky
    /// assignor's user data), and in which generation.
    owned: Vec<Tp>,
    generation: Option<i32>,
}

/// A rebalance in progress: when its current round ends, whether it is a
/// cooperative follow-up, and its record.
struct Round {
    ends: u32,
    second: bool,
    record: usize,
}

/// The group and its partitions while a run goes on.
struct Group<'a> {
    assignor: Assignor,
    trial: &'a Trial,
    config: GroupConfig,
    /// Each topic's partitions now.
    count: Vec<u32>,
    /// Each slot's topic.
    topic_of: Vec<usize>,
    /// Steps whose records have arrived.
    now: u32,
    position: Vec<f64>,
    /// The sum of `position`.
    processed: f64,
    committed: Vec<f64>,
    /// Each slot's owner (a consumer number from 0).
    owner: Vec<Option<usize>>,
    /// Each consumer's slots, rebuilt when ownership changes.
    owned_slots: Vec<Vec<usize>>,
    members: Vec<MemberState>,
    /// Per consumer: running (not crashed, not left).
    alive: Vec<bool>,
    /// Per consumer: the step its session runs out, once it has crashed.
    expires: Vec<Option<u32>>,
    generation: i32,
    round: Option<Round>,
    /// Owners when the rebalance in progress started.
    before: Vec<Option<usize>>,
    rebalances: Vec<Rebalance>,
    summary: Summary,
    /// Partitions not being consumed, recounted after a change.
    paused: u32,
    changed: bool,
}

impl<'a> Group<'a> {
    fn new(assignor: Assignor, trial: &'a Trial, config: GroupConfig) -> Group<'a> {
        let slots = trial.slots;
        let consumers = trial.member_ids.len();
        let mut topic_of = vec![0; slots];
        for (t, &o) in trial.offsets.iter().enumerate() {
            topic_of[o..o + trial.most[t] as usize].fill(t);
        }
        let mut g = Group {
            assignor,
            trial,
            config,
            count: trial.initial.clone(),
            topic_of,
            now: 0,
            position: vec![0.0; slots],
            processed: 0.0,
            committed: vec![0.0; slots],
            owner: vec![None; slots],
            owned_slots: vec![Vec::new(); consumers],
            members: (0..trial.initial_consumers)
                .map(|consumer| MemberState { consumer, owned: Vec::new(), generation: None })
                .collect(),
            alive: (0..consumers).map(|c| c < trial.initial_consumers).collect(),
            expires: vec![None; consumers],
            generation: 1,
            round: None,
            before: vec![None; slots],
            rebalances: Vec::new(),
            summary: Summary::default(),
            paused: 0,
            changed: true,
        };
        // The group as it forms: its first members, assigned from scratch.
        g.assign();
        g
    }

    /// Slot `s`'s log-end offset now.
    fn leo(&self, s: usize) -> u64 {
        self.trial.log_end(self.now).get(s).copied().unwrap_or(0)
    }

    fn exists(&self, s: usize) -> bool {
        let t = self.topic_of[s];
        s - self.trial.offsets[t] < self.count[t] as usize
    }

    /// Whether slot `s`'s owner is running.
    fn owner_alive(&self, s: usize) -> bool {
        self.owner[s].is_some_and(|o| self.alive[o])
    }

    fn eager_stop(&self) -> bool {
        self.round.is_some() && !self.assignor.cooperative()
    }

    fn set_owner(&mut self, s: usize, to: Option<usize>) {
        self.changed = true;
        if let Some(o) = self.owner[s] {
            self.owned_slots[o].retain(|&x| x != s);
        }
        if let Some(o) = to {
            self.owned_slots[o].push(s);
        }
        self.owner[s] = to;
    }

    /// Commits the position of every partition a running member owns.
    fn commit_running(&mut self) {
        for s in 0..self.trial.slots {
            if self.owner_alive(s) {
                self.committed[s] = self.position[s];
            }
        }
    }

    /// Runs the assignor over the members and applies what it returns:
    /// a partition gained resumes from its committed offset (counting what
    /// is processed again), one lost is revoked with a commit. Returns the
    /// partitions revoked from running members and whether any partition
    /// was withheld while it moves (cooperative).
    fn assign(&mut self) -> (u32, bool) {
        let trial = self.trial;
        let list: Vec<(&str, u32)> = trial.names.iter().map(String::as_str).zip(self.count.iter().copied()).collect();
        let topics = Topics::new(&list);
        let input: Vec<Member> = self
            .members
            .iter()
            .map(|m| Member {
                id: trial.member_ids[m.consumer].clone(),
                instance: None,
                owned: m.owned.clone(),
                generation: m.generation,
            })
            .collect();
        let result = assign(self.assignor, &topics, &input);
        let mut target: Vec<Option<usize>> = vec![None; trial.slots];
        for (i, parts) in result.partitions.iter().enumerate() {
            for &tp in parts {
                target[trial.slot(tp)] = Some(self.members[i].consumer);
            }
        }
        let mut revoked = 0;
        for (s, to) in target.into_iter().enumerate() {
            if self.owner[s] == to {
                continue;
            }
            if self.owner_alive(s) {
                revoked += 1;
                self.committed[s] = self.position[s];
            }
            if to.is_some() {
                let redo = self.position[s] - self.committed[s];
                if redo > 0.0 {
                    self.summary.duplicates += redo.round() as u64;
                }
                self.processed -= redo;
                self.position[s] = self.committed[s];
            }
            self.set_owner(s, to);
        }
        for (m, parts) in self.members.iter_mut().zip(result.partitions) {
            m.owned = parts;
            m.generation = Some(self.generation);
        }
        (revoked, !result.transferring.is_empty())
    }

    /// Applies a change at `tick`; returns what it starts, if anything.
    fn apply(&mut self, tick: u32, change: GroupChange) -> Option<Cause> {
        self.changed = true;
        match change {
            GroupChange::Join(c) => {
                self.alive[c] = true;
                self.members.push(MemberState { consumer: c, owned: Vec::new(), generation: None });
                Some(Cause::Joined(c))
            }
            GroupChange::Leave(c) => {
                // A clean close commits, then leaves the group at once.
                let i = self.members.iter().position(|m| m.consumer == c && self.alive[c])?;
                self.members.remove(i);
                for s in self.owned_slots[c].clone() {
                    self.committed[s] = self.position[s];
                    self.set_owner(s, None);
                }
                self.alive[c] = false;
                Some(Cause::Left(c))
            }
            GroupChange::Crash(c) => {
                if self.alive[c] && self.members.iter().any(|m| m.consumer == c) {
                    self.alive[c] = false;
                    self.expires[c] = Some(tick + self.config.session_ticks);
                }
                None
            }
            GroupChange::Partitions { topic, partitions } => {
                if partitions <= self.count[topic] {
                    return None;
                }
                for mv in self.trial.key_moves.iter().filter(|k| k.tick == tick) {
                    self.summary.keys_moved += mv.moved.len() as u32;
                    let at_risk = mv.moved.iter().filter(|(s, _)| self.leo(*s) as f64 - self.position[*s] >= 1.0).count();
                    self.summary.keys_at_risk += at_risk as u32;
                }
                self.count[topic] = partitions;
                Some(Cause::Partitions)
            }
        }
    }

    /// Removes members whose session ran out at `tick`; returns the first.
    fn expire(&mut self, tick: u32) -> Option<Cause> {
        let mut cause = None;
        for c in 0..self.expires.len() {
            if self.expires[c] == Some(tick) {
                self.expires[c] = None;
                self.members.retain(|m| m.consumer != c);
                for s in self.owned_slots[c].clone() {
                    self.set_owner(s, None);
                }
                cause.get_or_insert(Cause::TimedOut(c));
            }
        }
        cause
    }

    /// A rebalance starts at `tick`, or the one in progress takes the
    /// change in. No round ends before every crashed member still in the
    /// group has timed out.
    fn trigger(&mut self, tick: u32, cause: Cause) {
        self.changed = true;
        let waiting = self.expires.iter().flatten().copied().max().unwrap_or(0);
        let ends = (tick + self.config.rebalance_ticks).max(waiting);
        if let Some(r) = &mut self.round {
            r.ends = r.ends.max(ends);
            return;
        }
        self.before.clone_from(&self.owner);
        // Every member commits as it prepares to rejoin.
        self.commit_running();
        let mut revoked = 0;
        if !self.assignor.cooperative() {
            // Eager: everyone revokes everything.
            for s in 0..self.trial.slots {
                revoked += u32::from(self.owner_alive(s));
                self.set_owner(s, None);
            }
        }
        self.rebalances.push(Rebalance { cause, start: tick, end: tick, rounds: 1, moved: 0, revoked });
        self.round = Some(Round { ends, second: false, record: self.rebalances.len() - 1 });
    }

    /// Ends the round in progress if it ends at `tick`.
    fn finish_round(&mut self, tick: u32) {
        let Some(Round { ends, second, record }) = self.round else { return };
        if ends > tick {
            return;
        }
        self.changed = true;
        self.generation += 1;
        let (revoked, withheld) = self.assign();
        let cooperative = self.assignor.cooperative();
        let rec = &mut self.rebalances[record];
        rec.end = tick;
        if cooperative {
            rec.revoked += revoked;
        }
        if cooperative && withheld && !second {
            // Members that revoked partitions rejoin at once.
            rec.rounds = 2;
            self.round = Some(Round { ends: tick + self.config.rebalance_ticks, second: true, record });
            return;
        }
        rec.moved = (0..self.trial.slots).filter(|&s| self.owner[s].is_some() && self.owner[s] != self.before[s]).count() as u32;
        self.summary.moved += rec.moved;
        self.summary.revoked += rec.revoked;
        self.round = None;
    }

    /// Each running member processes up to `budget` records over its
    /// partitions, max-min fair; returns the records processed.
    fn consume(&mut self, budget: f64, scratch: &mut Vec<(f64, usize)>) -> f64 {
        if self.eager_stop() {
            return 0.0;
        }
        let mut consumed = 0.0;
        for c in 0..self.owned_slots.len() {
            if !self.alive[c] || self.owned_slots[c].is_empty() {
                continue;
            }
            scratch.clear();
            let leo = self.trial.log_end(self.now);
            scratch.extend(self.owned_slots[c].iter().map(|&s| (leo[s] as f64 - self.position[s], s)));
            let wanted: f64 = scratch.iter().map(|x| x.0).sum();
            if wanted <= budget {
                // Keeping up: everything waiting is processed.
                for &(avail, s) in scratch.iter() {
                    self.position[s] += avail;
                }
                consumed += wanted;
                continue;
            }
            // Max-min fair: ascending by records waiting (an insertion sort,
            // since the order kept from the last step is nearly right), the
            // partitions that need less than an equal share of what is left
            // take all they need, and the rest split the remainder equally.
            for i in 1..scratch.len() {
                let mut j = i;
                while j > 0 && scratch[j - 1].0 > scratch[j].0 {
                    scratch.swap(j - 1, j);
                    j -= 1;
                }
            }
            let mut left = budget;
            let mut k = scratch.len();
            let mut i = 0;
            while i < scratch.len() && scratch[i].0 * k as f64 <= left {
                let (avail, s) = scratch[i];
                let take = avail.max(0.0);
                self.position[s] += take;
                left -= take;
                k -= 1;
                i += 1;
            }
            let share = if k > 0 { left / k as f64 } else { 0.0 };
            for &(_, s) in &scratch[i..] {
                self.position[s] += share;
            }
            consumed += budget - left + share * k as f64;
            for (slot, &(_, s)) in self.owned_slots[c].iter_mut().zip(scratch.iter()) {
                *slot = s;
            }
        }
        self.processed += consumed;
        consumed
    }

    /// Partitions not being consumed now.
    fn paused(&mut self) -> u32 {
        if self.changed {
            let stop = self.eager_stop();
            self.paused = (0..self.trial.slots).filter(|&s| self.exists(s) && (stop || !self.owner_alive(s))).count() as u32;
            self.changed = false;
        }
        self.paused
    }

    /// The partitions now, for drawing.
    fn snapshot(&self, row: &mut [PartitionState]) {
        let stop = self.eager_stop();
        for (s, st) in row.iter_mut().enumerate() {
            *st = if !self.exists(s) {
                PartitionState { lag: 0, owner: 0, state: Flow::Absent }
            } else {
                PartitionState {
                    lag: (self.leo(s) as f64 - self.position[s]).clamp(0.0, f64::from(u32::MAX)) as u32,
                    owner: self.owner[s].map_or(0, |o| (o + 1).min(255) as u8),
                    state: match self.owner[s] {
                        Some(o) if !self.alive[o] => Flow::Orphaned,
                        Some(_) if !stop => Flow::Consuming,
                        _ => Flow::Paused,
                    },
                }
            };
        }
    }
}

/// Runs the group under `assignor` on `trial`, binning into `bins` slices.
pub fn run(assignor: Assignor, trial: &Trial, config: &GroupConfig, bins: usize) -> LaneRun {
    let slots = trial.slots;
    let budget = config.consumer_rate * (trial.tick_ns as f64 / 1e9);
    let mut g = Group::new(assignor, trial, *config);
    let mut slices = vec![Slice::default(); bins];
    let mut states = vec![PartitionState::default(); bins * slots];
    let mut scratch: Vec<(f64, usize)> = Vec::new();
    let bin_end = |b: usize| ((b + 1) as u64 * u64::from(TICKS) / bins as u64) as u32;
    let mut next_change = 0;
    let mut bin = 0;
    let mut bin_start = 0;
    let mut bin_consumed = 0.0;
    for tick in 0..TICKS {
        let mut cause = g.expire(tick);
        while next_change < trial.changes.len() && trial.changes[next_change].tick <= tick {
            if let Some(c) = g.apply(tick, trial.changes[next_change].change) {
                cause.get_or_insert(c);
            }
            next_change += 1;
        }
        if let Some(c) = cause {
            g.trigger(tick, c);
        }
        g.finish_round(tick);
        if tick % config.commit_ticks == 0 {
            g.commit_running();
        }

        // The step's records arrive, and are processed.
        g.now = tick + 1;
        let consumed = g.consume(budget, &mut scratch);
        let paused = g.paused();
        g.summary.paused_ticks += u64::from(paused);
        g.summary.stopped_ticks += u32::from(g.eager_stop());
        let total = (trial.total(tick + 1) as f64 - g.processed).max(0.0) as u64;
        g.summary.max_lag = g.summary.max_lag.max(total);

        bin_consumed += consumed;
        if tick + 1 == bin_end(bin) {
            let leo = trial.log_end(tick + 1);
            let max_lag = (0..slots).map(|s| (leo[s] as f64 - g.position[s]).max(0.0) as u64).max().unwrap_or(0);
            let slice = &mut slices[bin];
            slice.produced = trial.total(tick + 1) - trial.total(bin_start);
            slice.consumed = bin_consumed.round() as u64;
            bin_consumed = 0.0;
            slice.lag = total;
            slice.max_lag = max_lag.min(u64::from(u32::MAX)) as u32;
            slice.paused = paused;
            g.snapshot(&mut states[bin * slots..(bin + 1) * slots]);
            bin_start = tick + 1;
            bin += 1;
        }
        if tick + 1 == TICKS {
            g.summary.final_lag = total;
        }
    }
    let mut summary = g.summary;
    summary.produced = trial.total(TICKS);
    summary.consumed = g.position.iter().map(|&p| p.round() as u64).sum::<u64>() + summary.duplicates;
    summary.rebalances = g.rebalances.len() as u32;
    LaneRun { slices, partitions: states, rebalances: g.rebalances, summary }
}
