//! Jump consistent hash, as published by Lamping and Veach ("A Fast, Minimal
//! Memory, Consistent Hash Algorithm", arXiv:1406.2294) and implemented
//! identically by Guava's `Hashing.consistentHash` and go-jump: a linear
//! congruential step per jump, at most O(ln n) jumps per key.
//!
//! Buckets are numbered 0..n; growing to n + 1 moves exactly the keys that
//! land in the new bucket, and only the last bucket can be removed without
//! moving others. A string key is first hashed with xxHash64 (seed 0).

use super::key_hash64;

/// The bucket in `0..buckets` for a 64-bit `key` (`buckets` at least 1).
pub fn bucket(mut key: u64, buckets: u32) -> u32 {
    let (mut b, mut j): (i64, i64) = (-1, 0);
    while j < i64::from(buckets) {
        b = j;
        key = key.wrapping_mul(2862933555777941757).wrapping_add(1);
        // (b + 1) * 2^31 / ((key >> 33) + 1), computed in f64 as the paper does:
        // every operand is exact in f64 and the division is IEEE-rounded.
        j = (((b + 1) as f64) * ((1u64 << 31) as f64 / ((key >> 33) + 1) as f64)) as i64;
    }
    b as u32
}

/// Jump placement over `n` buckets.
#[derive(Clone, Copy, Debug)]
pub struct Jump {
    n: u32,
}

impl Jump {
    /// Placement over `n` buckets (at least 1).
    pub fn new(n: usize) -> Jump {
        Jump { n: n.max(1) as u32 }
    }

    /// The node index of `key`.
    pub fn locate(&self, key: &[u8]) -> usize {
        self.locate_hash(key_hash64(key))
    }

    /// The node index for a key's xxHash64.
    pub fn locate_hash(&self, h: u64) -> usize {
        bucket(h, self.n) as usize
    }
}
