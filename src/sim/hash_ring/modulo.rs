//! `hash(key) mod n`: the placement consistent hashing replaces. With
//! libmemcached's modula distribution and MD5 key hash, the hash is the
//! first four bytes of the key's MD5, little-endian (the same value
//! libketama uses), so the two can be compared on one key set.

use super::ketama::key_hash;

/// Modulo placement over `n` nodes.
#[derive(Clone, Copy, Debug)]
pub struct Modulo {
    n: u32,
}

impl Modulo {
    /// Placement over `n` nodes (at least 1).
    pub fn new(n: usize) -> Modulo {
        Modulo { n: n.max(1) as u32 }
    }

    /// The node index of `key`.
    pub fn locate(&self, key: &[u8]) -> usize {
        self.locate_hash(key_hash(key))
    }

    /// The node index for a key's MD5-based hash.
    pub fn locate_hash(&self, h: u32) -> usize {
        (h % self.n) as usize
    }
}
