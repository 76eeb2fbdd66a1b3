//! Weighted rendezvous (highest-random-weight) hashing: each node scores
//! every key, and the key goes to the highest score. Thaler and
//! Ravishankar's rule, weighted as Ceph's straw2 and the "weighted
//! rendezvous" of Schindelhauer and Schomaker do it: with `u` the key-node
//! hash mapped into (0, 1), the score is `w / −ln(u)`, which gives each node
//! a share of keys proportional to its weight.
//!
//! There is no single reference implementation to match byte for byte; the
//! hash here is xxHash64 of the key (seed 0) mixed with xxHash64 of the
//! node's name by SplitMix64's finaliser, and `ln` is the engine's
//! IEEE-exact logarithm, so the result is the same on every platform.
//! Removing a node moves only its keys; adding one moves only keys to it.

use super::{key_hash64, Node};
use crate::sim::kernel::rng::ln;
use xxhash_rust::xxh64::xxh64;

/// SplitMix64's output finaliser: a bijective 64-bit mixer.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d049bb133111eb);
    z ^ (z >> 31)
}

/// Rendezvous placement: each node's name hash and weight.
#[derive(Clone, Debug)]
pub struct Rendezvous {
    nodes: Vec<(u64, f64)>,
    /// All weights equal: the highest hash wins, with no logarithm needed.
    uniform: bool,
}

impl Rendezvous {
    /// Placement over `nodes`.
    pub fn new(nodes: &[Node]) -> Rendezvous {
        let uniform = nodes.windows(2).all(|w| w[0].weight == w[1].weight);
        Rendezvous {
            nodes: nodes.iter().map(|n| (xxh64(n.name.as_bytes(), 0), f64::from(n.weight))).collect(),
            uniform,
        }
    }

    /// Number of nodes.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether there are no nodes.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// Node `i`'s score for a key hashed to `kh` (higher wins).
    pub fn score(&self, kh: u64, i: usize) -> f64 {
        let (nh, w) = self.nodes[i];
        let h = mix(kh ^ nh);
        // The top 52 bits, centred in their interval: exact in f64, so u is
        // strictly inside (0, 1).
        let u = ((h >> 12) as f64 + 0.5) / (1u64 << 52) as f64;
        w / -ln(u)
    }

    /// The node index of `key`: the highest score, the lower index on a tie.
    pub fn locate(&self, key: &[u8]) -> usize {
        self.locate_hash(key_hash64(key))
    }

    /// The node index for a key's xxHash64 `kh`.
    pub fn locate_hash(&self, kh: u64) -> usize {
        if self.uniform {
            let mut best = (0, 0u64);
            for (i, &(nh, _)) in self.nodes.iter().enumerate() {
                // The same 52 bits the weighted score uses, so a tie goes the same way.
                let h = mix(kh ^ nh) >> 12;
                if i == 0 || h > best.1 {
                    best = (i, h);
                }
            }
            return best.0;
        }
        let mut best = (0, f64::NEG_INFINITY);
        for i in 0..self.nodes.len() {
            let s = self.score(kh, i);
            if s > best.1 {
                best = (i, s);
            }
        }
        best.0
    }
}
