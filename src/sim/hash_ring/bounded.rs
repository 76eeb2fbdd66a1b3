//! Consistent hashing with bounded loads (Mirrokni, Thorup and Zadimoghaddam,
//! arXiv:1608.01350), with the capacity rule HAProxy applies for
//! `hash-balance-factor` (`src/lb_chash.c`, `chash_server_is_eligible`):
//!
//! * with `served` keys already placed and a factor `f` in percent, the
//!   total capacity is `⌈(served + 1) · f / 100⌉` slots;
//! * a server of weight `w` gets `w · ⌊slots / W⌋` of them, plus its share
//!   of the remainder split by cumulative weight
//!   (`((C + w) · r) / W − (C · r) / W`, with `C` the weight of the servers
//!   before it), and never fewer than 1;
//! * a server is eligible while it holds fewer keys than its slots; a key
//!   that lands on a full server walks clockwise to the next eligible one.
//!
//! The ring is libketama's ([`super::ketama`]) and the first candidate is the
//! key's successor point, as ketama chooses; HAProxy's own ring takes the
//! nearer of the two neighbouring points. Keys are placed one at a time, in
//! order, and stay (they model long-lived assignments, not requests that
//! finish). With equal weights no server ends above `⌈f · m / (100 · n)⌉`
//! keys after `m` are placed. The rule is computed in 64-bit integers;
//! HAProxy's 32-bit arithmetic on its scaled weights would wrap for backends
//! of hundreds of heavily weighted servers.

use super::ketama::{key_hash, Continuum};
use super::Node;

/// Smallest and largest balance factors accepted, in percent (HAProxy
/// refuses values below 100).
pub const FACTOR_RANGE: (u32, u32) = (100, 1000);

/// Server capacities under HAProxy's rule, for `weights` in ring order.
pub struct Capacity {
    weights: Vec<u64>,
    /// Weight of the servers before each one.
    cumulative: Vec<u64>,
    total_weight: u64,
    factor: u64,
}

impl Capacity {
    /// Capacities for servers of `weights` at a balance factor of `factor` percent.
    pub fn new(weights: Vec<u64>, factor: u32) -> Capacity {
        let cumulative = weights
            .iter()
            .scan(0, |acc, &w| {
                let before = *acc;
                *acc += w;
                Some(before)
            })
            .collect();
        let total_weight = weights.iter().sum::<u64>().max(1);
        let factor = u64::from(factor.clamp(FACTOR_RANGE.0, FACTOR_RANGE.1));
        Capacity { weights, cumulative, total_weight, factor }
    }

    /// Server `i`'s slots when `total_served` keys are already placed
    /// (the one about to be placed counts too).
    pub fn slots(&self, total_served: u64, i: usize) -> u64 {
        let tot_slots = ((total_served + 1) * self.factor).div_ceil(100);
        let (per_weight, remainder) = (tot_slots / self.total_weight, tot_slots % self.total_weight);
        let (w, c, t) = (self.weights[i], self.cumulative[i], self.total_weight);
        (w * per_weight + ((c + w) * remainder) / t - (c * remainder) / t).max(1)
    }
}

/// Places `keys` in order on `nodes` through `ring`, bounded by `factor`
/// percent; returns each key's node index.
pub fn assign<K: AsRef<[u8]>>(ring: &Continuum, nodes: &[Node], keys: &[K], factor: u32) -> Vec<u32> {
    let hashes: Vec<u32> = keys.iter().map(|k| key_hash(k.as_ref())).collect();
    assign_hashed(ring, nodes, &hashes, factor)
}

/// [`assign`] for keys already hashed with libketama's key hash.
pub fn assign_hashed(ring: &Continuum, nodes: &[Node], hashes: &[u32], factor: u32) -> Vec<u32> {
    // A node libketama gave no points (a share below 1/(40·n)) can take no key,
    // so its weight gives no capacity: the others' slots must hold every key.
    let mut on_ring = vec![false; nodes.len()];
    for p in ring.points() {
        on_ring[p.node as usize] = true;
    }
    let weights = nodes.iter().zip(&on_ring).map(|(n, &on)| if on { u64::from(n.weight) } else { 0 }).collect();
    let capacity = Capacity::new(weights, factor);
    let points = ring.points();
    let mut served = vec![0u64; nodes.len()];
    let mut out = Vec::with_capacity(hashes.len());
    if points.is_empty() {
        return out;
    }
    for (total_served, &h) in hashes.iter().enumerate() {
        let mut k = points.partition_point(|p| p.point < h) % points.len();
        let mut chosen = points[k].node as usize;
        // At most one full turn: the capacities always leave room for one more key.
        for _ in 0..points.len() {
            let i = points[k].node as usize;
            if served[i] < capacity.slots(total_served as u64, i) {
                chosen = i;
                break;
            }
            k = (k + 1) % points.len();
        }
        served[chosen] += 1;
        out.push(chosen as u32);
    }
    out
}
