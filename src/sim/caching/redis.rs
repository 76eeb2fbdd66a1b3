//! Redis's approximated LRU and LFU eviction, as Redis 7.2.6 computes them
//! (`src/evict.c`, `src/db.c`, `src/object.c`, `src/server.h`).
//!
//! * **The clocks.** LRU: seconds, 24 bits (`LRU_CLOCK_RESOLUTION` 1000 ms,
//!   `LRU_CLOCK_MAX` 2²⁴ − 1); a key's idle time is `(clock − lru) × 1000`
//!   ms, or `(clock + LRU_CLOCK_MAX − lru) × 1000` after a wrap
//!   (`estimateObjectIdleTime`). LFU: minutes, 16 bits
//!   (`LFUGetTimeInMinutes`), elapsed `now − ldt`, or `65535 − ldt + now`
//!   after a wrap (`LFUTimeElapsed`). Both count from the run's start.
//! * **LFU counter** (8 bits). A new key starts at `LFU_INIT_VAL` = 5. On
//!   every access (`updateLFU`): first the decay, one less per whole
//!   `lfu-decay-time` minutes since the last access, not below 0
//!   (`LFUDecrAndReturn`); then the logarithmic increment, which adds one
//!   when a uniform draw r < 1 / ((counter − 5)·`lfu-log-factor` + 1), the
//!   base taken as 0 below 5, never past 255 (`LFULogIncr`); then the access
//!   time is stamped.
//! * **Eviction** (`performEvictions`, `evictionPoolPopulate`): one pool of
//!   16 candidates, kept across evictions, sorted by score ascending (LRU:
//!   idle ms; LFU: 255 − the decayed counter), filled from the left. Each
//!   round samples `maxmemory-samples` keys and inserts each before the first
//!   entry whose score is not smaller (so equal scores keep the older entry
//!   nearer the victim's end); a full pool drops its smallest entry to make
//!   room, or drops the sample if it is not above that entry. The victim is
//!   the rightmost entry whose key is still cached; every entry looked at is
//!   cleared, and a stale one (its key gone) is passed over. A pool entry
//!   names a key, so one evicted and written again is found again, with its
//!   old score.
//! * **When.** Redis evicts before it runs a command, once the data set is
//!   over `maxmemory`: the key a miss has just written is among the
//!   candidates of the next eviction.
//!
//! Where Redis draws randomness, the run's seeded generator draws it. Redis
//! samples with `dictGetSomeKeys`, runs of adjacent hash-table buckets from
//! a random start (`randomULong`, MT19937-64), rarely repeating a key; here
//! the `samples` keys are drawn uniformly and distinct from the cached keys. The LFU increment's r, `rand()/RAND_MAX` in Redis, is a 53-bit
//! uniform draw from [0, 1).

use crate::sim::kernel::rng::Rng;

/// Candidates the eviction pool holds (`EVPOOL_SIZE`).
pub const POOL_SIZE: usize = 16;
/// The LRU clock's largest value (`LRU_CLOCK_MAX`).
pub const LRU_CLOCK_MAX: u32 = (1 << 24) - 1;
/// A new key's LFU counter (`LFU_INIT_VAL`).
pub const LFU_INIT_VAL: u8 = 5;

/// No key.
const NIL: u32 = u32::MAX;

/// The LRU clock at `now_ms`: whole seconds, 24 bits.
pub fn lru_clock(now_ms: u64) -> u32 {
    (now_ms / 1000) as u32 & LRU_CLOCK_MAX
}

/// A key's idle time in ms from its `lru` stamp (`estimateObjectIdleTime`).
pub fn idle_ms(clock: u32, lru: u32) -> u64 {
    if clock >= lru {
        u64::from(clock - lru) * 1000
    } else {
        u64::from(clock + (LRU_CLOCK_MAX - lru)) * 1000
    }
}

/// The LFU clock at `now_ms`: whole minutes, 16 bits.
pub fn lfu_minutes(now_ms: u64) -> u16 {
    (now_ms / 60_000) as u16
}

/// Minutes from `ldt` to `now` (`LFUTimeElapsed`).
pub fn lfu_elapsed(now: u16, ldt: u16) -> u32 {
    if now >= ldt {
        u32::from(now - ldt)
    } else {
        65535 - u32::from(ldt) + u32::from(now)
    }
}

/// The counter after decay (`LFUDecrAndReturn`): one less per whole
/// `decay_minutes` elapsed; 0 never decays.
pub fn lfu_decayed(counter: u8, elapsed_minutes: u32, decay_minutes: u32) -> u8 {
    let periods = elapsed_minutes.checked_div(decay_minutes).unwrap_or(0);
    counter.saturating_sub(periods.min(255) as u8)
}

/// The counter after one access drawing `r` in [0, 1) (`LFULogIncr`).
pub fn lfu_log_incr(counter: u8, r: f64, log_factor: u32) -> u8 {
    if counter == 255 {
        return 255;
    }
    let base = f64::from(counter.saturating_sub(LFU_INIT_VAL));
    let p = 1.0 / (base * f64::from(log_factor) + 1.0);
    if r < p {
        counter + 1
    } else {
        counter
    }
}

/// The eviction pool: up to [`POOL_SIZE`] (key, score) pairs, occupied
/// slots first, sorted by score ascending.
#[derive(Clone, Debug)]
pub struct Pool {
    entries: [(u32, u64); POOL_SIZE],
}

impl Default for Pool {
    fn default() -> Pool {
        Pool { entries: [(NIL, 0); POOL_SIZE] }
    }
}

impl Pool {
    /// Offers a sampled key with its score (`evictionPoolPopulate`'s insertion).
    pub fn offer(&mut self, key: u32, score: u64) {
        let e = &mut self.entries;
        let mut k = 0;
        while k < POOL_SIZE && e[k].0 != NIL && e[k].1 < score {
            k += 1;
        }
        let full = e[POOL_SIZE - 1].0 != NIL;
        if k == 0 && full {
            return;
        }
        if k < POOL_SIZE && e[k].0 == NIL {
            // An empty slot: no room to make.
        } else if !full {
            e.copy_within(k..POOL_SIZE - 1, k + 1);
        } else {
            k -= 1;
            e.copy_within(1..=k, 0);
        }
        e[k] = (key, score);
    }

    /// Takes the best candidate still cached: the rightmost entry for which
    /// `cached` holds, clearing it and every stale entry passed on the way.
    pub fn take(&mut self, cached: impl Fn(u32) -> bool) -> Option<u32> {
        for k in (0..POOL_SIZE).rev() {
            let key = self.entries[k].0;
            if key == NIL {
                continue;
            }
            self.entries[k] = (NIL, 0);
            if cached(key) {
                return Some(key);
            }
        }
        None
    }

    /// The entries, left to right.
    pub fn entries(&self) -> impl Iterator<Item = (u32, u64)> + '_ {
        self.entries.iter().copied().filter(|e| e.0 != NIL)
    }
}

/// What Redis keeps per key for eviction: the LRU stamp, or the LFU access
/// minute and counter (`robj.lru`'s 24 bits, read two ways).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Stamp {
    lru: u32,
    ldt: u16,
    counter: u8,
}

/// Which of Redis's two sampled policies, with its settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Lru,
    Lfu { log_factor: u32, decay_minutes: u32 },
}

/// A Redis instance under `allkeys-lru` or `allkeys-lfu` holding at most
/// `capacity` keys from `0..keys`.
#[derive(Clone, Debug)]
pub struct Redis {
    mode: Mode,
    samples: u32,
    capacity: usize,
    /// The cached keys in no order, for sampling, each with its stamp (a
    /// key's stamp lives only while it is cached: a miss writes a new one).
    /// Beside the key, the stamps a sample scores are read from this one
    /// small array rather than from one indexed by every key.
    slots: Vec<(u32, Stamp)>,
    /// Each key's index in `slots`, or NIL.
    at: Vec<u32>,
    pool: Pool,
    clocks: Clocks,
}

/// The LRU and LFU clocks at the last request, divided out only when a
/// request crosses into the next second or minute (the run's time never
/// goes back), which keeps 64-bit division off the per-request path.
#[derive(Clone, Copy, Debug, Default)]
struct Clocks {
    lru: u32,
    lfu: u16,
    /// The ms at which the LRU clock and the LFU clock next change.
    lru_until: u64,
    lfu_until: u64,
}

impl Clocks {
    /// The clocks at `now_ms`: [`lru_clock`] and [`lfu_minutes`].
    fn at(&mut self, now_ms: u64) -> (u32, u16) {
        if now_ms >= self.lru_until {
            self.lru = lru_clock(now_ms);
            self.lru_until = (now_ms / 1000 + 1) * 1000;
        }
        if now_ms >= self.lfu_until {
            self.lfu = lfu_minutes(now_ms);
            self.lfu_until = (now_ms / 60_000 + 1) * 60_000;
        }
        (self.lru, self.lfu)
    }
}

impl Redis {
    pub fn new(mode: Mode, samples: u32, capacity: usize, keys: usize) -> Redis {
        Redis {
            mode,
            samples: samples.max(1),
            capacity: capacity.max(1),
            slots: Vec::with_capacity(capacity.min(keys) + 1),
            at: vec![NIL; keys],
            pool: Pool::default(),
            clocks: Clocks::default(),
        }
    }

    /// Whether `key` is cached.
    pub fn contains(&self, key: u32) -> bool {
        self.at[key as usize] != NIL
    }

    /// A key's LFU counter, decayed to `now_ms` without touching it (`OBJECT FREQ`).
    pub fn freq(&self, key: u32, now_ms: u64) -> Option<u8> {
        let Mode::Lfu { decay_minutes, .. } = self.mode else { return None };
        let &(_, s) = self.slots.get(self.at[key as usize] as usize)?;
        Some(lfu_decayed(s.counter, lfu_elapsed(lfu_minutes(now_ms), s.ldt), decay_minutes))
    }

    /// A request for `key` at `now_ms`: first any eviction the data set
    /// being over capacity calls for (before the command runs), then a hit
    /// touches the key and a miss writes it. Returns whether it hit and the
    /// key evicted, if any.
    pub fn access(&mut self, key: u32, now_ms: u64, rng: &mut Rng) -> (bool, Option<u32>) {
        let clocks = self.clocks.at(now_ms);
        let evicted = if self.slots.len() > self.capacity { self.evict(clocks, rng) } else { None };
        let at = self.at[key as usize];
        let hit = at != NIL;
        let i = if hit {
            at as usize
        } else {
            self.at[key as usize] = self.slots.len() as u32;
            self.slots.push((key, Stamp::default()));
            self.slots.len() - 1
        };
        let s = &mut self.slots[i].1;
        match self.mode {
            Mode::Lru => s.lru = clocks.0,
            Mode::Lfu { log_factor, decay_minutes } => {
                let now = clocks.1;
                s.counter = if hit {
                    let decayed = lfu_decayed(s.counter, lfu_elapsed(now, s.ldt), decay_minutes);
                    lfu_log_incr(decayed, rng.unit_closed_open(), log_factor)
                } else {
                    LFU_INIT_VAL
                };
                s.ldt = now;
            }
        }
        (hit, evicted)
    }

    /// One key's eviction: pool rounds until a candidate is still cached.
    fn evict(&mut self, clocks: (u32, u16), rng: &mut Rng) -> Option<u32> {
        loop {
            let n = self.slots.len();
            if n == 0 {
                return None;
            }
            // A partial Fisher-Yates shuffle: distinct keys, uniformly.
            for i in 0..(self.samples as usize).min(n) {
                let j = i + (rng.next_u64() % (n - i) as u64) as usize;
                self.slots.swap(i, j);
                self.at[self.slots[j].0 as usize] = j as u32;
                let (key, stamp) = self.slots[i];
                self.at[key as usize] = i as u32;
                self.pool.offer(key, self.score(stamp, clocks));
            }
            let at = &self.at;
            if let Some(victim) = self.pool.take(|k| at[k as usize] != NIL) {
                self.remove(victim);
                return Some(victim);
            }
        }
    }

    /// A cached key's score in the pool, from its stamp: higher is evicted first.
    fn score(&self, s: Stamp, (lru_now, lfu_now): (u32, u16)) -> u64 {
        match self.mode {
            Mode::Lru => idle_ms(lru_now, s.lru),
            Mode::Lfu { decay_minutes, .. } => {
                255 - u64::from(lfu_decayed(s.counter, lfu_elapsed(lfu_now, s.ldt), decay_minutes))
            }
        }
    }

    fn remove(&mut self, key: u32) {
        let i = self.at[key as usize] as usize;
        let last = self.slots.pop().expect("a cached key has a slot");
        if last.0 != key {
            self.slots[i] = last;
            self.at[last.0 as usize] = i as u32;
        }
        self.at[key as usize] = NIL;
    }

    /// The number of cached keys (one over capacity between a miss and the
    /// next request's eviction).
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// Whether nothing is cached.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Redis's `tests/unit/maxmemory.tcl`: a key just written under
    /// allkeys-lfu has `OBJECT FREQ` 5.
    #[test]
    fn a_new_key_starts_at_five() {
        let mut r = Redis::new(Mode::Lfu { log_factor: 10, decay_minutes: 1 }, 5, 10, 10);
        r.access(3, 0, &mut Rng::new(1));
        assert_eq!(r.freq(3, 0), Some(5));
    }

    /// With `lfu-log-factor 0` every access adds exactly one, up to 255;
    /// with 10 the probability at counter c is 1/((c − 5)·10 + 1).
    #[test]
    fn the_logarithmic_increment() {
        let mut r = Redis::new(Mode::Lfu { log_factor: 0, decay_minutes: 1 }, 5, 10, 10);
        let mut rng = Rng::new(1);
        for _ in 0..300 {
            r.access(0, 1_000, &mut rng);
        }
        assert_eq!(r.freq(0, 1_000), Some(255));
        assert_eq!(lfu_log_incr(5, 0.999, 10), 6, "at or below 5 the base is 0: p = 1");
        assert_eq!(lfu_log_incr(3, 0.999, 10), 4);
        assert_eq!(lfu_log_incr(6, 1.0 / 11.0 - 1e-12, 10), 7);
        assert_eq!(lfu_log_incr(6, 1.0 / 11.0, 10), 6);
        assert_eq!(lfu_log_incr(105, 1.0 / 1001.0 - 1e-12, 10), 106);
        assert_eq!(lfu_log_incr(255, 0.0, 10), 255);
    }

    /// Each step from c to c + 1 takes 1 / p = (c − 5)·f + 1 hits on
    /// average, so reaching N from 5 takes (N − 5) + f·(N − 5)(N − 6)/2:
    /// 1,065 hits to reach 20 with `lfu-log-factor` 10 (the mean of 2,000
    /// runs within 2%, three standard errors).
    #[test]
    fn the_counter_climbs_logarithmically() {
        let mut rng = Rng::new(11);
        let runs = 2_000;
        let total: u64 = (0..runs)
            .map(|_| {
                let (mut c, mut hits) = (LFU_INIT_VAL, 0u64);
                while c < 20 {
                    c = lfu_log_incr(c, rng.unit_closed_open(), 10);
                    hits += 1;
                }
                hits
            })
            .sum();
        let mean = total as f64 / f64::from(runs);
        assert!((mean - 1065.0).abs() < 1065.0 * 0.02, "{mean}");
    }

    /// One less per whole `lfu-decay-time` minutes since the last access,
    /// counted in minutes of the clock: a second across a minute boundary
    /// is a minute.
    #[test]
    fn decay_counts_whole_periods_of_the_minute_clock() {
        assert_eq!(lfu_decayed(10, 3, 1), 7);
        assert_eq!(lfu_decayed(10, 3, 2), 9);
        assert_eq!(lfu_decayed(2, 30, 1), 0);
        assert_eq!(lfu_decayed(10, 30, 0), 10);
        assert_eq!(lfu_elapsed(lfu_minutes(60_000), lfu_minutes(59_999)), 1);
        assert_eq!(lfu_elapsed(2, 65534), 3, "a wrap counts 65535, one short of the clock's 65536");
        let mut r = Redis::new(Mode::Lfu { log_factor: 0, decay_minutes: 1 }, 5, 10, 10);
        let mut rng = Rng::new(1);
        r.access(0, 0, &mut rng); // written: 5
        r.access(0, 1_000, &mut rng); // 6
        assert_eq!(r.freq(0, 4 * 60_000), Some(2));
        r.access(0, 4 * 60_000, &mut rng); // decayed to 2, then 3
        assert_eq!(r.freq(0, 4 * 60_000), Some(3));
    }

    #[test]
    fn idle_time_in_whole_seconds_and_across_the_wrap() {
        assert_eq!(idle_ms(lru_clock(5_999), lru_clock(1_000)), 4_000);
        assert_eq!(idle_ms(2, LRU_CLOCK_MAX - 1), 3_000);
    }

    fn keys(p: &Pool) -> Vec<u32> {
        p.entries().map(|e| e.0).collect()
    }

    /// `evictionPoolPopulate`: ascending by score; an equal score goes left
    /// of the entries it ties; a full pool drops its smallest to admit a
    /// larger score and refuses one not above it.
    #[test]
    fn the_eviction_pool_keeps_the_best_sixteen() {
        let mut p = Pool::default();
        for (k, s) in [(1, 50), (2, 10), (3, 30), (4, 30)] {
            p.offer(k, s);
        }
        assert_eq!(keys(&p), [2, 4, 3, 1]);
        for k in 10..22 {
            p.offer(k, 100 + u64::from(k));
        }
        assert_eq!(p.entries().count(), 16);
        p.offer(99, 5);
        assert_eq!(keys(&p)[0], 2, "not above the smallest: refused");
        p.offer(98, 40);
        assert_eq!(keys(&p)[..4], [4, 3, 98, 1], "the smallest (2) dropped");
        p.offer(97, 1_000);
        assert_eq!(keys(&p).last(), Some(&97));
        // The victim is the rightmost entry still cached; stale ones are cleared.
        assert_eq!(p.take(|k| k != 97 && k != 21), Some(20));
        assert_eq!(keys(&p).last(), Some(&19));
    }

    /// Sampling as many keys as are cached with a pool makes the victim the
    /// key idle longest, as exact LRU (up to the clock's second).
    #[test]
    fn sampled_lru_finds_the_oldest_second() {
        let mut r = Redis::new(Mode::Lru, 64, 4, 10);
        let mut rng = Rng::new(7);
        for (k, t) in [(0, 0), (1, 1_000), (2, 2_000), (3, 3_000), (0, 4_000), (4, 5_000)] {
            r.access(k, t, &mut rng);
        }
        // Five cached, one over: the next request evicts 1, idle longest.
        assert_eq!(r.len(), 5);
        assert_eq!(r.access(5, 6_000, &mut rng), (false, Some(1)));
    }
}
