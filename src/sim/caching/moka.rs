//! moka's TinyLFU, as moka 0.12.10's synchronous cache computes it for a
//! cache bounded by entry count (`sync_base/base_cache.rs`,
//! `common/frequency_sketch.rs`), with its pending tasks run after every
//! operation.
//!
//! * **One LRU queue.** Every admitted key sits in the main space's
//!   probation queue (`handle_admit`); a hit moves it to the recent end.
//!   There is no admission window and no protected segment.
//! * **The sketch** (`FrequencySketch`, Caffeine's sketch before its 3.0
//!   layout): 4-bit counters packed sixteen to a `u64`, in a table of the
//!   next power of two at or above `max(capacity, 128)`. Counter `i` of four
//!   sits in word `index_of(hash, i)` (the hash plus a seed, times the seed,
//!   plus its own top half, masked) at nibble `(hash & 3) × 4 + i`. An
//!   increment adds one to each counter below 15; after `10 × max(capacity,
//!   128)` increments that added something, every counter is halved and the
//!   count drops to (count / 2 − odd counters / 4). A key's frequency is the
//!   least of its four. Hits and misses both count.
//! * **The sketch starts late.** It exists only once the cache is half
//!   full (`should_enable_frequency_sketch`): until then nothing is counted.
//! * **Admission** (`admit`): a new key takes a free slot if there is one;
//!   otherwise it meets the least recently used key, and is admitted only if
//!   its frequency is strictly greater; else the new key is dropped, which
//!   moka counts as an eviction of that key (`RemovalCause::Size`). There
//!   is no random admission (moka leaves Caffeine's defence as a to-do).
//! * **Hashing.** moka hashes keys with the cache's hasher, a randomly keyed
//!   SipHash by default; here a key's hash is SplitMix64's finalizer of its
//!   number, the hasher the oracle test gives moka, so runs repeat.

use super::exact::{Exact, Order};

/// The seeds `index_of` mixes in (FNV-1a's, CityHash's and Murmur3's, by way of Caffeine).
const SEED: [u64; 4] = [0xc3a5_c85c_97cb_3127, 0xb492_b66f_be98_f273, 0x9ae1_6a3b_2f90_404f, 0xcbf2_9ce4_8422_2325];
const RESET_MASK: u64 = 0x7777_7777_7777_7777;
const ONE_MASK: u64 = 0x1111_1111_1111_1111;

/// A key's hash: SplitMix64's output function of the key's number.
pub fn key_hash(key: u32) -> u64 {
    let mut z = u64::from(key);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// moka's frequency sketch.
#[derive(Clone, Debug)]
pub struct Sketch {
    table: Vec<u64>,
    mask: u64,
    sample_size: u32,
    size: u32,
}

impl Sketch {
    /// The sketch of a cache of `capacity` keys (`ensure_capacity` with
    /// `sketch_capacity`).
    pub fn new(capacity: u32) -> Sketch {
        let maximum = capacity.max(128);
        let len = maximum.next_power_of_two();
        Sketch { table: vec![0; len as usize], mask: u64::from(len - 1), sample_size: maximum.saturating_mul(10), size: 0 }
    }

    fn index_of(&self, hash: u64, depth: usize) -> usize {
        let mut h = hash.wrapping_add(SEED[depth]).wrapping_mul(SEED[depth]);
        h = h.wrapping_add(h >> 32);
        (h & self.mask) as usize
    }

    /// The estimated count of the key with `hash`, at most 15.
    pub fn frequency(&self, hash: u64) -> u8 {
        let start = (hash & 3) << 2;
        (0..4)
            .map(|i| ((self.table[self.index_of(hash, i)] >> ((start + i as u64) << 2)) & 0xF) as u8)
            .min()
            .unwrap_or(0)
    }

    /// Counts the key with `hash` once, halving every counter when the sample is full.
    pub fn increment(&mut self, hash: u64) {
        let start = (hash & 3) << 2;
        let mut added = false;
        for i in 0..4 {
            let at = self.index_of(hash, i);
            let shift = (start + i as u64) << 2;
            if (self.table[at] >> shift) & 0xF != 0xF {
                self.table[at] += 1 << shift;
                added = true;
            }
        }
        if added {
            self.size += 1;
            if self.size >= self.sample_size {
                let odd: u32 = self.table.iter().map(|w| (w & ONE_MASK).count_ones()).sum();
                self.table.iter_mut().for_each(|w| *w = (*w >> 1) & RESET_MASK);
                self.size = (self.size >> 1) - (odd >> 2);
            }
        }
    }
}

/// A cache of at most `capacity` keys under moka's TinyLFU.
#[derive(Clone, Debug)]
pub struct Moka {
    capacity: u32,
    lru: Exact,
    /// `None` until the cache is first half full.
    sketch: Option<Sketch>,
}

impl Moka {
    /// An empty cache of `capacity` keys from `0..keys`.
    pub fn new(capacity: usize, keys: usize) -> Moka {
        Moka { capacity: capacity.max(1) as u32, lru: Exact::new(Order::Lru, capacity.max(1), keys), sketch: None }
    }

    /// Whether `key` is cached.
    pub fn contains(&self, key: u32) -> bool {
        self.lru.contains(key)
    }

    /// What moka's pending tasks do after each operation: start the sketch
    /// once the cache is half full.
    fn maintain(&mut self) {
        if self.sketch.is_none() && self.lru.len() as u32 >= self.capacity / 2 {
            self.sketch = Some(Sketch::new(self.capacity));
        }
    }

    /// A `get` of `key` and, on a miss, an `insert`: whether it hit, and the
    /// key evicted: the oldest key to admit the new one, or the new key
    /// itself when it is refused.
    pub fn access(&mut self, key: u32) -> (bool, Option<u32>) {
        let hash = key_hash(key);
        let hit = self.lru.contains(key);
        if let Some(s) = &mut self.sketch {
            s.increment(hash);
        }
        if hit {
            self.lru.access(key);
        }
        self.maintain();
        if hit {
            return (true, None);
        }
        let mut evicted = None;
        if self.lru.len() as u32 >= self.capacity {
            let victim = self.lru.oldest().expect("a full cache has a least recently used key");
            let freq = |k: u32| self.sketch.as_ref().map_or(0, |s| s.frequency(key_hash(k)));
            if freq(key) <= freq(victim) {
                self.maintain();
                return (false, Some(key));
            }
            self.lru.remove(victim);
            evicted = Some(victim);
        }
        self.lru.access(key);
        self.maintain();
        (false, evicted)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sketch_counts_to_fifteen_and_halves() {
        let mut s = Sketch::new(1);
        assert_eq!((s.table.len(), s.sample_size), (128, 1_280));
        let h = key_hash(7);
        for _ in 0..20 {
            s.increment(h);
        }
        assert_eq!(s.frequency(h), 15);
        assert_eq!(s.frequency(key_hash(8)), 0);
        // Fifteen increments added; the rest found every counter full.
        assert_eq!(s.size, 15);
        for k in 0..1_265 {
            s.increment(key_hash(1_000 + k));
        }
        // The 1,280th addition halved every counter: 15 became 7.
        assert_eq!(s.frequency(h), 7);
        assert!(s.size < 640, "{}", s.size);
    }

    #[test]
    fn a_new_key_must_be_seen_more_often_than_the_oldest() {
        let mut c = Moka::new(4, 16);
        for k in [1, 2, 3, 4] {
            assert_eq!(c.access(k), (false, None));
        }
        // The sketch started when two keys were cached: 3 and 4 were counted once, 1 and 2 never.
        // 5 is seen for the first time (count 1) against 1 (count 0): admitted.
        assert_eq!(c.access(5), (false, Some(1)));
        // 6, seen once, against 2, never counted: admitted.
        assert_eq!(c.access(6), (false, Some(2)));
        // 7, seen once, against 3, seen once: a tie keeps 3 and drops 7.
        assert_eq!(c.access(7), (false, Some(7)));
        assert!(!c.contains(7) && c.contains(3));
        // Seen again, 7 now beats 3.
        assert_eq!(c.access(7), (false, Some(3)));
        assert_eq!(c.access(4), (true, None));
    }
}
