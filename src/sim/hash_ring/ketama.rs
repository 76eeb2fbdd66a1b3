//! The ring of libketama (`RJ/ketama`, `libketama/ketama.c`), the consistent
//! hashing most memcached clients copied, reproduced exactly:
//!
//! * Server `i` of `n`, with weight `w_i` of total `W`, gets
//!   `floorf(pct · 40.0 · n)` MD5 digests, where `pct = (float)w_i / (float)W`.
//!   The product is computed in double (the C literal `40.0`) and rounded to
//!   float by `floorf`'s argument; unweighted servers get 40 digests.
//! * Digest `k` hashes the text `"<addr>-<k>"`; each digest gives four points,
//!   its 4-byte groups read little-endian: 160 points per unweighted server.
//! * Points are sorted ascending (equal points keep their insertion order,
//!   as glibc's merge-sort `qsort` does).
//! * A key's hash is the first four bytes of its MD5, little-endian
//!   (`ketama_hashi`); it goes to the first point at or above it, wrapping
//!   to the first point.
//!
//! libketama's own test, 1,000,000 keys against its eight weighted servers,
//! is reproduced byte for byte in `tests/hash_ring.rs`.

use super::Node;
use crate::sim::kernel::md5::{md5, md5_short_x8};

/// One point on the ring: where it sits and whose it is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Point {
    pub point: u32,
    pub node: u32,
}

/// `ketama_hashi`: the first four bytes of the MD5 of `key`, little-endian.
pub fn key_hash(key: &[u8]) -> u32 {
    let d = md5(key);
    u32::from_le_bytes([d[0], d[1], d[2], d[3]])
}

/// [`key_hash`] of eight keys, digested side by side.
pub fn key_hash_x8(keys: [&[u8]; 8]) -> [u32; 8] {
    md5_short_x8(keys).map(|d| u32::from_le_bytes([d[0], d[1], d[2], d[3]]))
}

/// libketama's digests per server of average weight: 40, or 160 points.
pub const DIGESTS: u32 = 40;

/// The number of digests (four points each) server `weight` of `total`
/// gets among `n` servers, in libketama's float arithmetic.
pub fn digests(weight: u32, total: u64, n: usize) -> u32 {
    digests_scaled(weight, total, n, DIGESTS)
}

/// [`digests`] with `per_server` digests for a server of average weight in
/// place of libketama's 40: the same arithmetic (`per_server` as a double,
/// like the C literal), so `per_server = 40` is libketama exactly.
pub fn digests_scaled(weight: u32, total: u64, n: usize, per_server: u32) -> u32 {
    let pct = weight as f32 / total as f32;
    let x = f64::from(pct) * f64::from(per_server) * f64::from(n as f32);
    (x as f32).floor() as u32
}

/// A ketama continuum over a node list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Continuum {
    points: Vec<Point>,
    /// `starts[b]`: how many points lie below `b · 2²⁰`, for the 4,096
    /// slices of the hash space and its end. A lookup searches only its
    /// slice's points (about one per 25 servers of 160 points): the same
    /// answer as a search of the whole ring, in fewer steps.
    starts: Vec<u32>,
}

/// Bits of a hash that choose its slice of the ring.
const SLICE_BITS: u32 = 12;

impl Continuum {
    /// The continuum of `nodes`, weighted as libketama weights servers by memory.
    pub fn new(nodes: &[Node]) -> Continuum {
        Continuum::with_digests(nodes, DIGESTS)
    }

    /// libketama's continuum with `per_server` digests (4 points each) for a
    /// server of average weight instead of 40: the virtual-node count as a
    /// parameter, everything else as libketama does it.
    pub fn with_digests(nodes: &[Node], per_server: u32) -> Continuum {
        let total: u64 = nodes.iter().map(|n| u64::from(n.weight)).sum();
        let mut points = Vec::new();
        let mut text = Vec::with_capacity(32);
        for (i, node) in nodes.iter().enumerate() {
            for k in 0..digests_scaled(node.weight, total.max(1), nodes.len(), per_server) {
                text.clear();
                text.extend_from_slice(node.name.as_bytes());
                text.push(b'-');
                text.extend_from_slice(k.to_string().as_bytes());
                let d = md5(&text);
                for h in 0..4 {
                    let b = &d[h * 4..h * 4 + 4];
                    points.push(Point { point: u32::from_le_bytes([b[0], b[1], b[2], b[3]]), node: i as u32 });
                }
            }
        }
        // Stable, as glibc's merge-sort qsort is for libketama.
        crate::sim::kernel::sort::radix_sort_by_key(&mut points, |p| u64::from(p.point));
        let starts = (0..=1u64 << SLICE_BITS)
            .map(|b| points.partition_point(|p| u64::from(p.point) < b << (32 - SLICE_BITS)) as u32)
            .collect();
        Continuum { points, starts }
    }

    /// Every point, in ring order.
    pub fn points(&self) -> &[Point] {
        &self.points
    }

    /// The point a key hash `h` goes to: the first at or above it, wrapping
    /// to the first (`ketama_get_server`). `None` for an empty ring.
    pub fn point_for(&self, h: u32) -> Option<&Point> {
        let b = (h >> (32 - SLICE_BITS)) as usize;
        let (lo, hi) = (self.starts[b] as usize, self.starts[b + 1] as usize);
        let i = lo + self.points[lo..hi].partition_point(|p| p.point < h);
        self.points.get(i).or_else(|| self.points.first())
    }

    /// The node index of `key`.
    pub fn locate(&self, key: &[u8]) -> usize {
        self.point_for(key_hash(key)).map_or(0, |p| p.node as usize)
    }
}
