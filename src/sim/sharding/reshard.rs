//! Re-shards: a shard or server added, the hottest shard split, one chunk
//! moved; the scheme and layout each leaves.

use super::config::{CitusRebalance, Layout, MongoBalancer, SchemeConfig};
use super::drawn::Drawn;
use super::scheme::Scheme;
use super::KeyRange;
use crate::scenario::json;
use crate::sim::kernel::sort::radix_sort_by_key;

/// A re-shard, applied to every scheme it fits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reshard {
    /// One more shard: hash modulo N + 1 and a ring with one more shard
    /// re-hash; for MongoDB (with `servers`) a new server takes chunks, or
    /// ranges split off them, as its balancer moves them ([`super::mongo`]), for Citus
    /// (with `nodes`) a new worker takes whole shards as its rebalancer
    /// plans them by shard count ([`super::citus`]); no key re-hashes.
    AddShard,
    /// Split the shard holding the most rows: a range at its median row,
    /// a Vitess key range at its midpoint.
    SplitHottest,
    /// An operator's `moveChunk` (MongoDB, with `servers`): the last chunk
    /// of the server holding the most to the one holding the fewest; or the
    /// first shard Citus's rebalancer would move (with `nodes`). One
    /// migration, a balancer's unit of work. No key re-hashes.
    MoveChunk,
}

json::names!(Reshard { AddShard = "add-shard", SplitHottest = "split-hottest", MoveChunk = "move-chunk" });

/// The scheme and layout after `reshard`, given where the rows are; `None`
/// when it does not apply.
pub(super) fn reshard(
    config: &SchemeConfig,
    scheme: &Scheme,
    layout: &Layout,
    reshard: &Reshard,
    traffic: &Drawn,
    routed: &[usize],
    rows: &[u64],
) -> Option<(Scheme, Layout)> {
    if rows.is_empty() {
        return None;
    }
    let hottest = hottest_shard(rows);
    let one_each = |s: Scheme| {
        let n = s.shard_count();
        (s, Layout { servers: n, of: (0..n).collect() })
    };
    match (reshard, scheme) {
        (Reshard::AddShard, Scheme::HashMod { shards }) => Some(one_each(Scheme::HashMod { shards: shards + 1 })),
        (Reshard::AddShard, Scheme::Consistent { shards, .. }) => Some(one_each(Scheme::consistent(shards + 1))),
        // MongoDB: an operator's moveChunk, or a new shard and the balancer's rounds until one schedules nothing.
        (Reshard::MoveChunk, Scheme::Mongo { .. }) if matches!(config, SchemeConfig::Mongo { servers: Some(_), .. }) => {
            layout.with_one_moved().map(|l| (scheme.clone(), l))
        }
        (Reshard::AddShard, Scheme::Mongo { points, .. }) if matches!(config, SchemeConfig::Mongo { servers: Some(_), .. }) => {
            let SchemeConfig::Mongo { balancer, .. } = config else { return None };
            let servers = layout.servers + 1;
            let (mut points, mut of) = (points.clone(), layout.of.clone());
            // By data size, every document's hashed value in order (as signed values: the top bit
            // flipped); counting chunks needs none.
            let sorted: Vec<i64> = match balancer {
                MongoBalancer::ChunkCount => Vec::new(),
                MongoBalancer::DataSize { .. } => {
                    let mut sorted = traffic.hashes(scheme.family()).to_vec();
                    radix_sort_by_key(&mut sorted, |&h| h ^ (1 << 63));
                    sorted.into_iter().map(|h| h as i64).collect()
                }
            };
            super::mongo::balance(&mut points, &mut of, servers, &sorted, *balancer, usize::MAX);
            Some((Scheme::Mongo { chunks: points.len() as u32 + 1, points }, Layout { servers, of }))
        }
        // Citus: a new worker, then the rebalancer's plan by shard count; or its first move alone.
        (Reshard::AddShard | Reshard::MoveChunk, Scheme::Citus { .. })
            if matches!(config, SchemeConfig::Citus { nodes: Some(_), .. }) =>
        {
            let add = *reshard == Reshard::AddShard;
            let servers = layout.servers + usize::from(add);
            let mut of = layout.of.clone();
            let (costs, thresholds) = match config {
                SchemeConfig::Citus { rebalance: CitusRebalance::ByDiskSize { row_bytes }, .. } => {
                    // Each shard's size on disk, its rows at `row_bytes`, plus the base cost; float4 as in Citus.
                    let mut rows = vec![0u64; of.len()];
                    for &h in traffic.hashes(scheme.family()) {
                        rows[scheme.route_hashed(h)] += 1;
                    }
                    let costs = rows.iter().map(|&r| super::citus::disk_size_cost(r.saturating_mul(*row_bytes))).collect();
                    (costs, super::citus::BY_DISK_SIZE)
                }
                _ => (vec![1.0; of.len()], super::citus::BY_SHARD_COUNT),
            };
            let moves =
                super::citus::plan(&costs, &mut of, &vec![1.0; servers], thresholds, if add { usize::MAX } else { 1 });
            (add || !moves.is_empty()).then(|| (scheme.clone(), Layout { servers, of }))
        }
        (Reshard::SplitHottest, Scheme::Range { .. }) => {
            let mut held: Vec<u64> = traffic.keys.iter().zip(routed).filter(|(_, &s)| s == hottest).map(|(&k, _)| k).collect();
            radix_sort_by_key(&mut held, |&k| k);
            let median = *held.get(held.len() / 2)?;
            // Never split at the range's own lower bound: that would leave an empty range.
            let lower = match scheme {
                Scheme::Range { splits } if hottest > 0 => splits[hottest - 1],
                _ => 0,
            };
            let at = if median <= lower { median.saturating_add(1) } else { median };
            scheme.split_at(at).map(one_each)
        }
        (Reshard::SplitHottest, Scheme::Vitess { shards, .. } | Scheme::Region { shards, .. }) => {
            let r = &shards[hottest];
            // The midpoint of [start, end) as one more byte of precision.
            let widen = |b: &[u8], open_high: bool| -> u32 {
                let first = if b.is_empty() {
                    if open_high {
                        0x100
                    } else {
                        0
                    }
                } else {
                    u32::from(b[0])
                };
                first * 256 + if b.len() > 1 { u32::from(b[1]) } else { 0 }
            };
            let (lo, hi) = (widen(&r.start, false), widen(&r.end, true));
            if hi - lo < 2 {
                return None;
            }
            let mid = (lo + hi) / 2;
            let mid = vec![(mid >> 8) as u8, (mid & 0xff) as u8];
            let mid = if mid[1] == 0 { vec![mid[0]] } else { mid };
            let mut next = shards.clone();
            next[hottest] = KeyRange { start: r.start.clone(), end: mid.clone() };
            next.insert(hottest + 1, KeyRange { start: mid, end: r.end.clone() });
            Some(one_each(scheme.with_key_ranges(next)))
        }
        _ => None,
    }
}

/// The shard with the most rows (the first, on a tie).
pub(super) fn hottest_shard(rows: &[u64]) -> usize {
    rows.iter().enumerate().max_by_key(|(i, &r)| (r, usize::MAX - i)).map_or(0, |(i, _)| i)
}
