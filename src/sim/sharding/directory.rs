//! The directory scheme: a table from each distinct key to its shard, kept
//! as arrays over the workload's distinct keys, filled in write order and
//! evened out when a shard is added.

use super::config::SchemeConfig;
use super::drawn::Drawn;
use super::query::{Router, RouterKind};
use super::reshard::Reshard;
use super::run::{Placement, SchemeRun};
use crate::sim::kernel::sort::{min_max, radix_sort_by_key};
use std::sync::Arc;

/// A workload's distinct keys, ascending, with where each first appears:
/// a directory's table becomes arrays read mostly in order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Distinct {
    pub keys: Vec<u64>,
    /// For each row in write order, the index of its key in `keys`.
    pub ids: Vec<u32>,
    /// For each row, the row that first wrote its key (itself, for a new key).
    pub first_row: Vec<u32>,
    /// For each distinct key, the row that first wrote it, and its rows.
    pub first_of: Vec<u32>,
    pub rows: Vec<u32>,
}

impl Distinct {
    /// The distinct keys of rows `keys`, in two radix sorts: the rows by key
    /// (each key's first row leads its run, the sort being stable), then
    /// each row's key index and first row back into row order, which moves
    /// them in cache-sized buckets instead of writing each row at random.
    pub(super) fn of(keys: &[u64]) -> Distinct {
        let Some((lo, hi)) = min_max(keys.iter().copied()) else { return Distinct::default() };
        let n = keys.len();
        let mut d = Distinct {
            keys: Vec::with_capacity(n),
            first_of: Vec::with_capacity(n),
            rows: Vec::with_capacity(n),
            ..Distinct::default()
        };
        // Each row's (row, key index, first row), in key order.
        let mut back: Vec<(u32, u32, u32)> = Vec::with_capacity(n);
        let mut visit = |k: u64, row: u32| {
            if d.keys.last() != Some(&k) {
                d.keys.push(k);
                d.first_of.push(row);
                d.rows.push(0);
            }
            let id = d.keys.len() - 1;
            d.rows[id] += 1;
            back.push((row, id as u32, d.first_of[id]));
        };
        let row_bits = 64 - (n as u64).leading_zeros();
        if (64 - (hi - lo).leading_zeros()) + row_bits <= 64 {
            // The key less the least and the row in one word: half the bytes to move.
            let mut packed: Vec<u64> =
                keys.iter().enumerate().map(|(row, &k)| ((k - lo) << row_bits) | row as u64).collect();
            radix_sort_by_key(&mut packed, |&p| p >> row_bits);
            let mask = (1u64 << row_bits) - 1;
            for p in packed {
                visit((p >> row_bits) + lo, (p & mask) as u32);
            }
        } else {
            let mut order: Vec<(u64, u32)> = keys.iter().enumerate().map(|(i, &k)| (k, i as u32)).collect();
            radix_sort_by_key(&mut order, |e| e.0);
            for (k, row) in order {
                visit(k, row);
            }
        }
        radix_sort_by_key(&mut back, |e| u64::from(e.0));
        d.ids = back.iter().map(|e| e.1).collect();
        d.first_row = back.iter().map(|e| e.2).collect();
        d
    }
}

/// A directory: the table is filled in write order, each new key going to
/// the shard with the fewest rows. Adding a shard moves, from the fullest
/// shards, just enough keys to even the rows out, and updates their entries:
/// the fewest moves of any scheme, paid for by the table and its lookup.
pub(super) fn run_directory(
    config: &SchemeConfig,
    shards: usize,
    traffic: &Drawn,
    change: Option<&Reshard>,
) -> SchemeRun {
    let d = traffic.distinct();
    let mut least = Least::new((0..shards).map(|_| 0));
    // A new key goes to the emptiest shard; a key seen before, where its first row went.
    let mut routed: Vec<usize> = Vec::with_capacity(d.first_row.len());
    for (row, &first) in d.first_row.iter().enumerate() {
        let s = if first as usize == row { least.first() } else { routed[first as usize] };
        least.add(s, 1);
        routed.push(s);
    }
    let summarise = |router: &Router, routed: &[usize]| {
        // A workload's queries start at a key it wrote, so each asks at least one shard.
        let touched: Vec<usize> = traffic.queries.iter().map(|&(lo, hi)| router.asks(lo, hi).len()).collect();
        Placement::of(routed, router.servers(), &touched, traffic)
    };
    let directory =
        |routed: Vec<usize>, servers| Router(RouterKind::Directory { distinct: d.clone(), routed, servers });
    let before_router = directory(routed.clone(), shards);
    let before = summarise(&before_router, &routed);
    let mut run = SchemeRun::unchanged(config, before, before_router);
    if matches!(change, Some(Reshard::AddShard)) {
        let mut rows = run.before.rows.clone();
        rows.push(0);
        let target = d.ids.len() as u64 / (shards as u64 + 1);
        let mut losing = vec![false; shards];
        let mut moved = vec![false; d.keys.len()];
        // The fullest shard (the lowest-numbered on a tie) is the least of rows counted down from the top.
        let mut fullest = Least::new((0..shards).map(|x| u64::MAX - rows[x]));
        // From the fullest shard, the highest keys first, until the new shard holds its share.
        for id in (0..d.keys.len()).rev() {
            if rows[shards] >= target {
                break;
            }
            let (s, n) = (routed[d.first_of[id] as usize], u64::from(d.rows[id]));
            if s == fullest.first() && rows[s] > target {
                rows[s] -= n;
                fullest.set(s, u64::MAX - rows[s]);
                rows[shards] += n;
                losing[s] = true;
                moved[id] = true;
            }
        }
        let routed_after: Vec<usize> =
            d.ids.iter().zip(&routed).map(|(&id, &s)| if moved[id as usize] { shards } else { s }).collect();
        run.rows_moved = routed.iter().zip(&routed_after).filter(|(a, b)| a != b).count() as u64;
        run.shards_losing = losing.iter().filter(|&&x| x).count();
        run.shards_gaining = usize::from(run.rows_moved > 0);
        let after_router = directory(routed_after.clone(), shards + 1);
        run.after = Some(summarise(&after_router, &routed_after));
        run.router = Arc::new(after_router);
    }
    run
}

/// The shard with the least value (the lowest-numbered on a tie), kept in
/// a tournament tree as values change: O(log n) per change.
struct Least {
    /// `tree[1]` is the root; leaves from `width` hold each shard's (value, index).
    tree: Vec<(u64, usize)>,
    width: usize,
}

impl Least {
    fn new(values: impl ExactSizeIterator<Item = u64>) -> Least {
        let width = values.len().max(1).next_power_of_two();
        let mut tree = vec![(u64::MAX, usize::MAX); 2 * width];
        for (s, v) in values.enumerate() {
            tree[width + s] = (v, s);
        }
        for i in (1..width).rev() {
            tree[i] = tree[2 * i].min(tree[2 * i + 1]);
        }
        Least { tree, width }
    }

    fn first(&self) -> usize {
        // With no shards at all, shard 0 (callers always have one).
        self.tree[1].1.min(self.width - 1)
    }

    fn set(&mut self, shard: usize, value: u64) {
        let mut i = self.width + shard;
        self.tree[i].0 = value;
        while i > 1 {
            i /= 2;
            self.tree[i] = self.tree[2 * i].min(self.tree[2 * i + 1]);
        }
    }

    fn add(&mut self, shard: usize, n: u64) {
        let v = self.tree[self.width + shard].0;
        self.set(shard, v + n);
    }
}
