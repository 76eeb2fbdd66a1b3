//! Caffeine's W-TinyLFU, as Caffeine 3.2.4 computes it for a cache bounded
//! by entry count (`FrequencySketch.java`, `BoundedLocalCache.java`).
//!
//! * **The sketch** (`FrequencySketch`): 4-bit counters packed sixteen to a
//!   `long`, in a table of the next power of two at or above the maximum
//!   (at least 8 longs), read in blocks of 8 longs. A key's `hashCode` (an
//!   integer key's is its value) is spread into a block, and a second hash
//!   picks one counter in each of four pairs of longs. An access adds one to
//!   all four (each saturating at 15); the key's frequency is the smallest.
//!   After `10 × maximum` increments every counter is halved, and the count
//!   drops to (count − odd counters / 4) / 2.
//! * **The regions** (`setMaximumSize`): an admission window of
//!   `max − ⌊0.99·max⌋` keys, and a main space split into probation and a
//!   protected segment of `⌊0.8·(max − window)⌋`. Each is an LRU queue.
//! * **A miss** adds the key at the window's most recent end, counting it
//!   in the sketch. Keys overflowing the window move to probation's recent
//!   end (`evictFromWindow`); while the cache is over its maximum, the first
//!   of them (the candidate) meets probation's least recent key (the victim)
//!   and the sketch decides (`evictFromMain`, `admit`): the candidate stays
//!   if it is more frequent; a tie, or a loss, evicts it, except that a
//!   candidate seen at least 6 times wins one time in 128 at random (Caffeine's
//!   defence against hash flooding).
//! * **A hit** counts the key in the sketch and moves it to its queue's recent
//!   end; a hit in probation promotes the key to protected, and protected's
//!   overflow is demoted to probation at the next drain (`onAccess`, `climb`).
//! * **The hill climber** (`climb`, `determineAdjustment`): every
//!   `10 × maximum` requests, if the hit ratio rose it keeps stepping the
//!   window's size the same way, else it turns round; a step starts at
//!   6.25 % of the maximum, decays by 0.98 each sample, and restarts at 6.25 %
//!   when the hit ratio moves by 5 points or more. Growing the window takes
//!   room from protected, pulling keys from probation's and then protected's
//!   least recent end; shrinking it sends the window's oldest keys to
//!   probation. The climber runs when the buffers drain.
//!   [`Policy::WTinyLfu`](super::Policy::WTinyLfu) is the same cache with
//!   the climber off and the window fixed at 1 %, the size Einziger,
//!   Friedman and Manes's W-TinyLFU paper (ACM TOS, 2017) recommends.
//!
//! * **The read buffer** (`BoundedBuffer`, `afterRead`): a hit is recorded in
//!   a ring of 16 and applied when the buffers drain, which a miss does
//!   first; a hit that finds the ring full is not recorded at all (neither
//!   counted in the sketch nor moved, nor in the climber's sample), and it
//!   drains the ring. Replaying the recorded hits at once keeps their order,
//!   so only that dropped one changes anything.
//!
//! Single-threaded, as Caffeine's simulator runs it (a same-thread executor,
//! the sketch sized when the cache is built). The admission's random draw,
//! `ThreadLocalRandom` in Caffeine, comes from the run's seeded generator.

use crate::sim::kernel::rng::Rng;

/// Counters saturate here.
const MAX_COUNT: u64 = 15;
/// Every counter's low three bits: `RESET_MASK`.
const RESET_MASK: u64 = 0x7777_7777_7777_7777;
/// Every counter's lowest bit: `ONE_MASK`.
const ONE_MASK: u64 = 0x1111_1111_1111_1111;
/// A candidate this frequent may win against a more frequent victim by chance.
const ADMIT_HASHDOS_THRESHOLD: u8 = 6;
/// The hill climber's first step, as a share of the maximum.
const STEP_PERCENT: f64 = 0.0625;
/// Each sample's step is this times the last, while the hit ratio holds.
const STEP_DECAY_RATE: f64 = 0.98;
/// A change of the hit ratio this large restarts the step.
const RESTART_THRESHOLD: f64 = 0.05;
/// Hits the read buffer holds until it drains (`BoundedBuffer.BUFFER_SIZE`).
const READ_BUFFER_SIZE: u8 = 16;
/// Most keys one transfer between queues moves.
const TRANSFER_LIMIT: usize = 1_000;

/// Caffeine's `FrequencySketch`: a 4-bit count-min sketch with periodic halving.
#[derive(Clone, Debug)]
pub struct FrequencySketch {
    table: Vec<u64>,
    block_mask: u32,
    sample_size: i32,
    size: i32,
}

/// Caffeine's `spread`: a key's `hashCode` mixed into a block's hash.
pub fn spread(mut x: u32) -> u32 {
    x ^= x >> 17;
    x = x.wrapping_mul(0xed5a_d4bb);
    x ^= x >> 11;
    x = x.wrapping_mul(0xac4c_1b51);
    x ^ (x >> 15)
}

/// Caffeine's `rehash`: the block's hash mixed into the counters' hash.
pub fn rehash(x: u32) -> u32 {
    let x = x.wrapping_mul(0x3184_8bab);
    x ^ (x >> 14)
}

impl FrequencySketch {
    /// A sketch for a cache of `maximum` keys (`ensureCapacity`).
    pub fn new(maximum: u64) -> FrequencySketch {
        let m = maximum.min((i32::MAX >> 1) as u64) as u32;
        let sample_size = if maximum == 0 { 10 } else { (10 * u64::from(m)).min(i32::MAX as u64) as i32 };
        let len = m.max(1).next_power_of_two().max(8) as usize;
        FrequencySketch { table: vec![0; len], block_mask: (len as u32 >> 3) - 1, sample_size, size: 0 }
    }

    /// The four counters of `key`: (long, nibble) each.
    pub fn counters(&self, key: u32) -> [(usize, u32); 4] {
        let block_hash = spread(key);
        let counter_hash = rehash(block_hash);
        let block = ((block_hash & self.block_mask) << 3) as usize;
        std::array::from_fn(|i| {
            let h = counter_hash >> (8 * i);
            (block + (h & 1) as usize + 2 * i, (h >> 1) & 15)
        })
    }

    /// How often `key` was seen: the smallest of its counters, 0 to 15.
    pub fn frequency(&self, key: u32) -> u8 {
        self.counters(key).iter().map(|&(slot, n)| ((self.table[slot] >> (n * 4)) & 15) as u8).min().unwrap_or(0)
    }

    /// Counts `key` once (all four counters, each up to 15), halving the
    /// sketch when the sample is full.
    pub fn increment(&mut self, key: u32) {
        let mut added = false;
        for (slot, n) in self.counters(key) {
            let offset = n * 4;
            if (self.table[slot] >> offset) & MAX_COUNT != MAX_COUNT {
                self.table[slot] += 1 << offset;
                added = true;
            }
        }
        if added {
            self.size += 1;
            if self.size == self.sample_size {
                self.reset();
            }
        }
    }

    /// Halves every counter and the count (`reset`).
    fn reset(&mut self) {
        let mut odd = 0i64;
        for t in &mut self.table {
            odd += i64::from((*t & ONE_MASK).count_ones());
            *t = (*t >> 1) & RESET_MASK;
        }
        // Long arithmetic and a logical shift, as Caffeine writes it.
        self.size = (((i64::from(self.size) - (odd >> 2)) as u64) >> 1) as i32;
    }

    /// Increments counted since the last halving.
    pub fn size(&self) -> i32 {
        self.size
    }
}

/// No key: the end of a queue.
const NIL: u32 = u32::MAX;

/// Which queue a key is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Queue {
    None,
    Window,
    Probation,
    Protected,
}

/// An LRU queue's least recent (`head`) and most recent (`tail`) key.
#[derive(Clone, Copy, Debug)]
struct Ends {
    head: u32,
    tail: u32,
}

/// A cache of at most `maximum` keys from `0..keys` under W-TinyLFU.
#[derive(Clone, Debug)]
pub struct Caffeine {
    climb: bool,
    maximum: u64,
    window_max: u64,
    protected_max: u64,
    window_size: u64,
    protected_size: u64,
    size: u64,
    sketch: FrequencySketch,
    queue: Vec<Queue>,
    prev: Vec<u32>,
    next: Vec<u32>,
    ends: [Ends; 3],
    hits_in_sample: u64,
    misses_in_sample: u64,
    previous_hit_rate: f64,
    step_size: f64,
    adjustment: i64,
    /// Hits recorded in the read buffer since it last drained.
    reads_buffered: u8,
}

impl Caffeine {
    /// A cache of `maximum` keys; `climb` runs the hill climber.
    pub fn new(maximum: usize, keys: usize, climb: bool) -> Caffeine {
        let max = maximum.max(1) as u64;
        let window_max = max - (0.99 * max as f64) as u64;
        Caffeine {
            climb,
            maximum: max,
            window_max,
            protected_max: (0.80 * (max - window_max) as f64) as u64,
            window_size: 0,
            protected_size: 0,
            size: 0,
            sketch: FrequencySketch::new(max),
            queue: vec![Queue::None; keys],
            prev: vec![NIL; keys],
            next: vec![NIL; keys],
            ends: [Ends { head: NIL, tail: NIL }; 3],
            hits_in_sample: 0,
            misses_in_sample: 0,
            previous_hit_rate: 0.0,
            step_size: -STEP_PERCENT * max as f64,
            adjustment: 0,
            reads_buffered: 0,
        }
    }

    fn ends(&mut self, q: Queue) -> &mut Ends {
        &mut self.ends[q as usize - 1]
    }

    fn head(&self, q: Queue) -> u32 {
        self.ends[q as usize - 1].head
    }

    fn push_tail(&mut self, q: Queue, k: u32) {
        let tail = self.ends(q).tail;
        self.prev[k as usize] = tail;
        self.next[k as usize] = NIL;
        match tail {
            NIL => self.ends(q).head = k,
            t => self.next[t as usize] = k,
        }
        self.ends(q).tail = k;
        self.queue[k as usize] = q;
    }

    fn unlink(&mut self, k: u32) {
        let q = self.queue[k as usize];
        let (p, n) = (self.prev[k as usize], self.next[k as usize]);
        match p {
            NIL => self.ends(q).head = n,
            p => self.next[p as usize] = n,
        }
        match n {
            NIL => self.ends(q).tail = p,
            n => self.prev[n as usize] = p,
        }
        self.queue[k as usize] = Queue::None;
    }

    fn move_to(&mut self, q: Queue, k: u32) {
        self.unlink(k);
        self.push_tail(q, k);
    }

    /// Whether `key` is cached.
    pub fn contains(&self, key: u32) -> bool {
        self.queue[key as usize] != Queue::None
    }

    /// The window's and the protected segment's current maxima.
    pub fn limits(&self) -> (u64, u64) {
        (self.window_max, self.protected_max)
    }

    /// The cached keys, the window's then probation's then protected's, each
    /// least recent first (Caffeine's `coldest()` order in its tests).
    pub fn order(&self) -> Vec<u32> {
        let mut out = Vec::new();
        for e in &self.ends {
            let mut k = e.head;
            while k != NIL {
                out.push(k);
                k = self.next[k as usize];
            }
        }
        out
    }

    /// A request for `key`: a hit (`onAccess`), or a miss that writes it
    /// (`AddTask`) and evicts to fit (`evictEntries`). Maintenance (the
    /// climber, or protected's overflow moved to probation) runs when the
    /// buffers drain: after a miss, or at a hit that finds the read buffer
    /// full. Returns whether it hit, with the keys evicted in `evicted`.
    pub fn access(&mut self, key: u32, rng: &mut Rng, evicted: &mut Vec<u32>) -> bool {
        let hit = self.contains(key);
        if hit {
            if self.reads_buffered == READ_BUFFER_SIZE {
                // The ring is full: this hit is dropped, and the buffers drain.
                self.reads_buffered = 0;
                self.maintain();
                return true;
            }
            // Recorded, and applied here rather than at the next drain: the
            // drain replays recorded hits in order before anything else, so
            // nothing in between sees the difference.
            self.reads_buffered += 1;
            self.sketch.increment(key);
            match self.queue[key as usize] {
                Queue::Probation => {
                    self.move_to(Queue::Protected, key);
                    self.protected_size += 1;
                }
                q => self.move_to(q, key),
            }
            self.hits_in_sample += 1;
            return true;
        }
        // A write drains the buffers.
        self.reads_buffered = 0;
        self.sketch.increment(key);
        self.size += 1;
        self.window_size += 1;
        self.misses_in_sample += 1;
        self.push_tail(Queue::Window, key);
        let candidate = self.evict_from_window();
        self.evict_from_main(candidate, rng, evicted);
        self.maintain();
        false
    }

    /// What a drain does after applying the buffers and evicting
    /// (`maintenance`): the climber (`climb`), or with the window fixed only
    /// protected's overflow moved to probation.
    fn maintain(&mut self) {
        if self.climb {
            self.climb_step();
        } else {
            self.demote_from_protected();
        }
    }

    /// Moves the window's overflow to probation; returns the first moved.
    fn evict_from_window(&mut self) -> u32 {
        let mut first = NIL;
        while self.window_size > self.window_max {
            let k = self.head(Queue::Window);
            if k == NIL {
                break;
            }
            self.move_to(Queue::Probation, k);
            self.window_size -= 1;
            if first == NIL {
                first = k;
            }
        }
        first
    }

    fn evict_entry(&mut self, k: u32, evicted: &mut Vec<u32>) {
        match self.queue[k as usize] {
            Queue::Window => self.window_size -= 1,
            Queue::Protected => self.protected_size -= 1,
            _ => {}
        }
        self.unlink(k);
        self.size -= 1;
        evicted.push(k);
    }

    /// `evictFromMain`: candidates from the window's overflow, walked towards
    /// the recent end, against victims from probation's least recent end.
    fn evict_from_main(&mut self, mut candidate: u32, rng: &mut Rng, evicted: &mut Vec<u32>) {
        let (mut victim_queue, mut candidate_queue) = (Queue::Probation, Queue::Probation);
        let mut victim = self.head(Queue::Probation);
        while self.size > self.maximum {
            if candidate == NIL && candidate_queue == Queue::Probation {
                candidate = self.head(Queue::Window);
                candidate_queue = Queue::Window;
            }
            if candidate == NIL && victim == NIL {
                match victim_queue {
                    Queue::Probation => {
                        victim = self.head(Queue::Protected);
                        victim_queue = Queue::Protected;
                        continue;
                    }
                    Queue::Protected => {
                        victim = self.head(Queue::Window);
                        victim_queue = Queue::Window;
                        continue;
                    }
                    _ => break,
                }
            }
            if victim == NIL {
                let gone = candidate;
                candidate = self.next[gone as usize];
                self.evict_entry(gone, evicted);
                continue;
            }
            if candidate == NIL {
                let gone = victim;
                victim = self.next[gone as usize];
                self.evict_entry(gone, evicted);
                continue;
            }
            if candidate == victim {
                victim = self.next[victim as usize];
                self.evict_entry(candidate, evicted);
                candidate = NIL;
                continue;
            }
            if self.admit(candidate, victim, rng) {
                let gone = victim;
                victim = self.next[gone as usize];
                candidate = self.next[candidate as usize];
                self.evict_entry(gone, evicted);
            } else {
                let gone = candidate;
                candidate = self.next[gone as usize];
                self.evict_entry(gone, evicted);
            }
        }
    }

    /// `admit`: the more frequent wins; ties go to the victim; a candidate
    /// seen at least 6 times wins one time in 128 regardless.
    fn admit(&self, candidate: u32, victim: u32, rng: &mut Rng) -> bool {
        let (c, v) = (self.sketch.frequency(candidate), self.sketch.frequency(victim));
        if c > v {
            true
        } else if c >= ADMIT_HASHDOS_THRESHOLD {
            rng.next_u64() & 127 == 0
        } else {
            false
        }
    }

    /// `climb`: a new adjustment once a sample is full, protected's overflow
    /// demoted, then the window grown or shrunk by the adjustment.
    fn climb_step(&mut self) {
        self.determine_adjustment();
        self.demote_from_protected();
        match self.adjustment {
            0 => {}
            a if a > 0 => self.increase_window(),
            _ => self.decrease_window(),
        }
    }

    fn determine_adjustment(&mut self) {
        let requests = self.hits_in_sample + self.misses_in_sample;
        if requests < self.sketch.sample_size as u64 {
            return;
        }
        let hit_rate = self.hits_in_sample as f64 / requests as f64;
        let change = hit_rate - self.previous_hit_rate;
        let amount = if change >= 0.0 { self.step_size } else { -self.step_size };
        let next_step = if change.abs() >= RESTART_THRESHOLD {
            STEP_PERCENT * self.maximum as f64 * if amount >= 0.0 { 1.0 } else { -1.0 }
        } else {
            STEP_DECAY_RATE * amount
        };
        self.previous_hit_rate = hit_rate;
        self.adjustment = amount as i64;
        self.step_size = next_step;
        self.hits_in_sample = 0;
        self.misses_in_sample = 0;
    }

    fn demote_from_protected(&mut self) {
        for _ in 0..TRANSFER_LIMIT {
            if self.protected_size <= self.protected_max {
                break;
            }
            let k = self.head(Queue::Protected);
            if k == NIL {
                break;
            }
            self.move_to(Queue::Probation, k);
            self.protected_size -= 1;
        }
    }

    fn increase_window(&mut self) {
        if self.protected_max == 0 {
            return;
        }
        let mut quota = (self.adjustment as u64).min(self.protected_max);
        self.protected_max -= quota;
        self.window_max += quota;
        self.demote_from_protected();
        for _ in 0..TRANSFER_LIMIT {
            let probation = self.head(Queue::Probation);
            let k = if probation != NIL && quota >= 1 { probation } else { self.head(Queue::Protected) };
            if k == NIL || quota < 1 {
                break;
            }
            quota -= 1;
            if self.queue[k as usize] == Queue::Protected {
                self.protected_size -= 1;
            }
            self.window_size += 1;
            self.move_to(Queue::Window, k);
        }
        self.protected_max += quota;
        self.window_max -= quota;
        self.adjustment = quota as i64;
    }

    fn decrease_window(&mut self) {
        if self.window_max <= 1 {
            return;
        }
        let mut quota = self.adjustment.unsigned_abs().min(self.window_max.saturating_sub(1));
        self.protected_max += quota;
        self.window_max -= quota;
        for _ in 0..TRANSFER_LIMIT {
            let k = self.head(Queue::Window);
            if k == NIL || quota < 1 {
                break;
            }
            quota -= 1;
            self.window_size -= 1;
            self.move_to(Queue::Probation, k);
        }
        self.protected_max -= quota;
        self.window_max += quota;
        self.adjustment = -(quota as i64);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Caffeine's `prepareForAdaption` (BoundedLocalCacheTest, 3.2.4) on a
    /// full cache of 500: the step turned towards growing the window
    /// (`recency_bias` false) or shrinking it, the window at half the
    /// maximum and protected at 80 % of the rest, 500 keys written and each
    /// read twice.
    fn prepared(recency_bias: bool) -> (Caffeine, Rng) {
        let mut c = Caffeine::new(500, 1_000, true);
        c.step_size = if recency_bias { 1.0 } else { -1.0 } * c.step_size.abs();
        c.window_max = 250;
        c.protected_max = (0.80 * (500 - c.window_max) as f64) as u64;
        let (mut rng, mut gone) = (Rng::new(1), Vec::new());
        for k in 0..500 {
            c.access(k, &mut rng, &mut gone);
        }
        assert!(gone.is_empty(), "500 keys fit a cache of 500");
        for _ in 0..2 {
            for k in c.order() {
                assert!(c.access(k, &mut rng, &mut gone));
            }
        }
        (c, rng)
    }

    /// Caffeine's `adapt`: a sample whose hit rate fell from 80 % to 50 %,
    /// one climb, then every key read again.
    fn adapted(c: &mut Caffeine, rng: &mut Rng) {
        let sample = c.sketch.sample_size as u64;
        c.previous_hit_rate = 0.80;
        c.misses_in_sample = sample / 2;
        c.hits_in_sample = sample - c.misses_in_sample;
        c.climb_step();
        let mut gone = Vec::new();
        for k in c.order() {
            assert!(c.access(k, rng, &mut gone));
        }
    }

    /// `adapt_increaseWindow`: the hit rate fell while the step pointed at
    /// a smaller window, so the climber turns round and grows it, taking
    /// the room from protected.
    #[test]
    fn adapt_increase_window() {
        let (mut c, mut rng) = prepared(false);
        let before = (c.protected_size, c.protected_max, c.window_size, c.window_max);
        adapted(&mut c, &mut rng);
        assert!(c.protected_size < before.0 && c.protected_max < before.1, "{before:?}");
        assert!(c.window_size > before.2 && c.window_max > before.3, "{before:?}");
        // The step restarts (a 30-point change) at 6.25 % of the maximum, pointing the same way.
        assert_eq!(c.step_size, STEP_PERCENT * 500.0);
    }

    /// `adapt_decreaseWindow`: the same fall with the step pointing at a
    /// larger window shrinks it and gives protected the room.
    #[test]
    fn adapt_decrease_window() {
        let (mut c, mut rng) = prepared(true);
        let before = (c.protected_size, c.protected_max, c.window_size, c.window_max);
        adapted(&mut c, &mut rng);
        assert!(c.protected_size > before.0 && c.protected_max > before.1, "{before:?}");
        assert!(c.window_size < before.2 && c.window_max < before.3, "{before:?}");
        assert_eq!(c.step_size, -STEP_PERCENT * 500.0);
    }

    /// `determineAdjustment`: nothing until a sample is full; then a small
    /// change keeps the direction and decays the step, and the sample restarts.
    #[test]
    fn determine_adjustment_decays_the_step_while_the_hit_rate_holds() {
        let mut c = Caffeine::new(1_000, 10, true);
        let sample = c.sketch.sample_size as u64;
        assert_eq!(sample, 10_000);
        c.previous_hit_rate = 0.50;
        c.step_size = 40.0;
        (c.hits_in_sample, c.misses_in_sample) = (5_000, sample - 5_001);
        c.determine_adjustment();
        assert_eq!((c.adjustment, c.step_size, c.previous_hit_rate), (0, 40.0, 0.50), "a sample one short waits");
        c.misses_in_sample += 1;
        c.determine_adjustment();
        // 50 % again: no change counts as a rise, so the same direction, the step times 0.98.
        assert_eq!(c.adjustment, 40);
        assert_eq!(c.step_size, STEP_DECAY_RATE * 40.0);
        assert_eq!((c.hits_in_sample, c.misses_in_sample), (0, 0));
        // A fall of one point turns round without restarting.
        (c.hits_in_sample, c.misses_in_sample) = (4_900, sample - 4_900);
        c.determine_adjustment();
        assert_eq!(c.adjustment, -(STEP_DECAY_RATE * 40.0) as i64);
        assert_eq!(c.step_size, STEP_DECAY_RATE * -(STEP_DECAY_RATE * 40.0));
    }

    /// Caffeine 3.2.4's read buffer holds 16 hits: the 17th since the last
    /// drain is dropped (not counted in the climber's sample) and drains it;
    /// a miss drains it too.
    #[test]
    fn the_read_buffer_drops_the_hit_that_finds_it_full() {
        let mut c = Caffeine::new(100, 10, true);
        let (mut rng, mut gone) = (Rng::new(1), Vec::new());
        assert!(!c.access(1, &mut rng, &mut gone));
        for _ in 0..17 {
            assert!(c.access(1, &mut rng, &mut gone));
        }
        assert_eq!((c.hits_in_sample, c.misses_in_sample, c.reads_buffered), (16, 1, 0));
        assert!(c.access(1, &mut rng, &mut gone));
        assert_eq!((c.hits_in_sample, c.reads_buffered), (17, 1));
        assert!(!c.access(2, &mut rng, &mut gone));
        assert_eq!((c.misses_in_sample, c.reads_buffered), (2, 0));
    }

    /// Caffeine's `FrequencySketchTest`: one increment reads 1, twenty read
    /// 15 (saturated), neighbours stay at 0; and the table's shape.
    #[test]
    fn the_sketch_counts_and_saturates() {
        let mut s = FrequencySketch::new(512);
        assert_eq!((s.table.len(), s.sample_size, s.block_mask), (512, 5120, 63));
        s.increment(1);
        assert_eq!(s.frequency(1), 1);
        for _ in 0..20 {
            s.increment(2);
        }
        assert_eq!(s.frequency(2), 15);
        assert_eq!(s.frequency(3), 0);
        let small = FrequencySketch::new(10);
        assert_eq!((small.table.len(), small.sample_size, small.block_mask), (16, 100, 1));
    }

    /// Values of Caffeine 3.2.4's hash steps and counter slots, from a
    /// line-by-line Java transcription of its `FrequencySketch` (integer
    /// keys hash to themselves).
    #[test]
    fn the_sketch_hashes_as_caffeine() {
        assert_eq!((spread(1), rehash(spread(1))), (0xc0e9_b0e1, 0x0427_41d6));
        assert_eq!((spread(2), rehash(spread(2))), (0x983d_4dcb, 0xf1df_e8e9));
        assert_eq!((spread(42), rehash(spread(42))), (0x7309_a200, 0x9a67_5f94));
        assert_eq!((spread(u32::MAX), rehash(spread(u32::MAX))), (0x3a04_8959, 0x127f_588f));
        let s = FrequencySketch::new(512);
        assert_eq!(s.counters(0), [(0, 0), (2, 0), (4, 0), (6, 0)]);
        assert_eq!(s.counters(1), [(264, 11), (267, 0), (269, 3), (270, 2)]);
        assert_eq!(s.counters(2), [(89, 4), (90, 4), (93, 15), (95, 8)]);
        assert_eq!(s.counters(42), [(0, 10), (3, 15), (5, 3), (6, 13)]);
    }

    /// The halving, from the same transcription: a sketch for 64 keys halves
    /// at its 640th increment and keeps 253; one for 100 keys after 0 to 999
    /// once and key 7 five more times counts 375, with key 7 at 5.
    #[test]
    fn the_sketch_halves() {
        let mut s = FrequencySketch::new(64);
        for i in 1..=640 {
            s.increment(i);
        }
        assert_eq!(s.size(), 253);
        assert_eq!(s.frequency(1), 1);
        let mut s = FrequencySketch::new(100);
        for i in 0..1000 {
            s.increment(i);
        }
        for _ in 0..5 {
            s.increment(7);
        }
        assert_eq!(s.size(), 375);
        assert_eq!((0..10).map(|k| s.frequency(k)).collect::<Vec<_>>(), [1, 0, 0, 1, 0, 0, 0, 5, 0, 0]);
    }

    /// Caffeine's `BoundedLocalCacheTest.evict_wtinylfu`, a cache of 10
    /// (window 1, protected 7), keys in `coldest()` order.
    #[test]
    fn caffeines_own_eviction_trace() {
        let mut c = Caffeine::new(10, 32, true);
        assert_eq!(c.limits(), (1, 7));
        let (mut rng, mut evicted) = (Rng::new(1), Vec::new());
        let mut run = |c: &mut Caffeine, keys: &[u32]| {
            for &k in keys {
                c.access(k, &mut rng, &mut evicted);
            }
        };
        run(&mut c, &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        assert_eq!(c.order(), [9, 0, 1, 2, 3, 4, 5, 6, 7, 8]);
        run(&mut c, &[0, 1, 2]);
        assert_eq!(c.order(), [9, 3, 4, 5, 6, 7, 8, 0, 1, 2]);
        run(&mut c, &[10, 11, 12]);
        assert_eq!(c.order(), [12, 3, 4, 5, 6, 7, 8, 0, 1, 2]);
        run(&mut c, &[6, 7, 8]);
        assert_eq!(c.order(), [12, 3, 4, 5, 0, 1, 2, 6, 7, 8]);
        run(&mut c, &[13, 14, 15]);
        assert_eq!(c.order(), [15, 3, 4, 5, 0, 1, 2, 6, 7, 8]);
        assert_eq!(evicted, [9, 10, 11, 12, 13, 14]);
    }

    /// `setMaximumSize`'s regions for several maxima.
    #[test]
    fn the_regions() {
        for (max, window, protected) in [(10, 1, 7), (100, 1, 79), (101, 2, 79), (1000, 10, 792), (1024, 11, 810)] {
            assert_eq!(Caffeine::new(max, 1, true).limits(), (window, protected), "{max}");
        }
    }
}
