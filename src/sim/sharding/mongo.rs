//! MongoDB's balancer for one sharded collection without zones: which
//! migrations a balancing round schedules, as
//! `src/mongo/db/s/balancer/balancer_policy.cpp` picks them, and how much
//! of a chunk a `moveRange` takes, as `src/mongo/db/s/auto_split_vector.cpp`
//! bounds it.
//!
//! A round looks at every shard in shard-id order and schedules migrations
//! until no pair qualifies; a shard takes part in at most one migration a
//! round. The donor is the first shard holding the most, the recipient the
//! first holding the least, both among the shards not yet used this round;
//! the donor gives its first chunk in shard-key order.
//!
//! * **By chunk count** (up to 6.0.2, `_singleZoneBalanceBasedOnChunks`):
//!   the ideal is the chunk count over the shard count, rounded to nearest;
//!   a migration needs the donor above the ideal and the recipient below
//!   it, and moves the whole chunk.
//! * **By data size** (from 6.0.3, `_singleZoneBalanceBasedOnDataSize`):
//!   the ideal is the collection's data size over the shard count (integer
//!   division); a migration needs the donor above it, the recipient below
//!   it and the two at least three range sizes apart (128 MB by default,
//!   384 MB apart). The 6.0 releases checked only the gap (mongodb/mongo at
//!   22f21e6e); the ideal was added after, and MongoDB's balancer tests for
//!   data size (ported in `tests/sharding.rs`) need it. It sends `moveRange`
//!   with the chunk's lower bound and no upper one, and the donor finds the
//!   upper bound with [`move_range_docs`].
//!
//! MongoDB's own code reads the shards' statistics and chunks from its
//! config servers; here they are plain numbers, so the rules can be
//! checked case by case against MongoDB's tests.

use super::config::MongoBalancer;

/// The range size the balancer moves by default (`maxChunkSizeBytes`,
/// 128 MB since 5.2; `configureCollectionBalancing` sets it per
/// collection, from 1 to 1,024 MB).
pub const DEFAULT_RANGE_MB: u32 = 128;

/// A scheduled migration between shards (indices in shard-id order).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Migration {
    pub from: usize,
    pub to: usize,
}

/// One round of migrations for shards whose loads (chunks or bytes) are
/// `load`, skipping the shards marked `busy` (already migrating), with
/// `qualifies(from, to)` deciding whether a donor and recipient pair moves.
fn round(load: &[u64], busy: &[bool], qualifies: impl Fn(u64, u64) -> bool) -> Vec<Migration> {
    let mut used: Vec<bool> = (0..load.len()).map(|s| busy.get(s).copied().unwrap_or(false)).collect();
    let mut out = Vec::new();
    loop {
        // The first strictly largest and the first strictly smallest among the shards left.
        let (mut from, mut to) = (None::<usize>, None::<usize>);
        for s in (0..load.len()).filter(|&s| !used[s]) {
            if from.is_none_or(|f| load[s] > load[f]) {
                from = Some(s);
            }
            if to.is_none_or(|t| load[s] < load[t]) {
                to = Some(s);
            }
        }
        match (from, to) {
            (Some(f), Some(t)) if f != t && qualifies(load[f], load[t]) => {
                out.push(Migration { from: f, to: t });
                used[f] = true;
                used[t] = true;
            }
            _ => return out,
        }
    }
}

/// One round of the chunk-count balancer over shards holding `chunks`
/// chunks each, the shards marked `busy` left out of it.
pub fn chunk_count_round(chunks: &[u64], busy: &[bool]) -> Vec<Migration> {
    let (total, n) = (chunks.iter().sum::<u64>(), chunks.len().max(1) as u64);
    // roundf(total / n), for counts far below where a float4 would round differently.
    let ideal = (2 * total + n) / (2 * n);
    round(chunks, busy, |from, to| from > ideal && to < ideal)
}

/// One round of the data-size balancer over shards holding `bytes` of the
/// collection each, ranges of `range_bytes`, the shards marked `busy` left out.
pub fn data_size_round(bytes: &[u64], busy: &[bool], range_bytes: u64) -> Vec<Migration> {
    let ideal = bytes.iter().sum::<u64>() / bytes.len().max(1) as u64;
    round(bytes, busy, |from, to| from > ideal && to < ideal && from - to >= range_bytes.saturating_mul(3))
}

/// How many of a chunk's documents, from its lower bound, a `moveRange`
/// with no upper bound moves: those below the split key it finds, or all
/// of them when it finds none.
/// `keys` are the chunk's shard-key values in order; the donor holds
/// `shard_docs` documents of the collection taking `shard_bytes`.
///
/// `autoSplitVector` with a limit of one split point, read at mongodb/mongo
/// c0e3f379: no split when the donor's collection is smaller than the range
/// size; otherwise ranges of `range_bytes / average document size`
/// documents (integer division), the split key the one that brings the
/// count to that size (the first key counts one, and a key equal to the
/// range's lower bound or the last split key is passed over). The scan stops
/// at a second split point and keeps the first. When the range ends after
/// one split point with fewer than 0.8 of a range's documents after it, the
/// split is reconsidered: with `n` documents a range and `left` after the
/// split, the new range size is `n − (n − left) / 2`; if `left` is below
/// `n` minus that, the split is dropped (the whole chunk moves), else the
/// chunk is split again at the new size.
pub fn move_range_docs(keys: &[i64], shard_docs: u64, shard_bytes: u64, range_bytes: u64) -> usize {
    if shard_docs == 0 || shard_bytes < range_bytes || keys.is_empty() {
        return keys.len();
    }
    let per_range = (range_bytes / (shard_bytes / shard_docs).max(1)).max(1);
    let (splits, left) = split_points(keys, per_range);
    // The documents below the split key move, those equal to it included in the rest.
    let below = |i: usize| keys.partition_point(|&k| k < keys[i]);
    match splits.as_slice() {
        [first, _] => below(*first),
        [only] if 5 * left < 4 * per_range => {
            let smaller = per_range - (per_range - left) / 2;
            if left < per_range - smaller {
                keys.len()
            } else {
                split_points(keys, smaller).0.first().map_or(keys.len(), |&i| below(i))
            }
        }
        [only] => below(*only),
        _ => keys.len(),
    }
}

/// Up to two split points (indices into `keys`) every `per_range` keys, and
/// the keys counted after the last one.
fn split_points(keys: &[i64], per_range: u64) -> (Vec<usize>, u64) {
    let (mut splits, mut count, mut last) = (Vec::new(), 0u64, keys[0]);
    for (i, &k) in keys.iter().enumerate() {
        count += 1;
        if count >= per_range && i > 0 && k != last {
            splits.push(i);
            (count, last) = (0, k);
            if splits.len() == 2 {
                break;
            }
        }
    }
    (splits, count)
}

/// A hashed collection's chunks as MongoDB's balancer leaves them after
/// at most `max_migrations` migrations (rounds run until one schedules
/// none): `points` are the chunks' lower bounds after the first, `of` each
/// chunk's shard (of `shards`), `sorted` every document's hashed value in
/// order (the chunk-count balancer reads none: it may be empty). The number
/// of migrations made is returned.
pub fn balance(
    points: &mut Vec<i64>,
    of: &mut Vec<usize>,
    shards: usize,
    sorted: &[i64],
    by: MongoBalancer,
    max_migrations: usize,
) -> usize {
    let mut made = 0;
    // Each round moves at least one chunk or range toward the ideal; the cap only guards the loop.
    for _ in 0..4096 {
        let (mut chunks, mut docs) = (vec![0u64; shards], vec![0u64; shards]);
        for (c, &s) in of.iter().enumerate() {
            let (lo, hi) = chunk_docs(points, sorted, c);
            chunks[s] += 1;
            docs[s] += (hi - lo) as u64;
        }
        let migrations = match by {
            MongoBalancer::ChunkCount => chunk_count_round(&chunks, &[]),
            MongoBalancer::DataSize { doc_bytes, range_mb } => {
                let bytes: Vec<u64> = docs.iter().map(|&d| d.saturating_mul(doc_bytes)).collect();
                data_size_round(&bytes, &[], u64::from(range_mb) << 20)
            }
        };
        if migrations.is_empty() {
            break;
        }
        for m in migrations {
            if made == max_migrations {
                return made;
            }
            let Some(c) = of.iter().position(|&s| s == m.from) else { continue };
            let (lo, hi) = chunk_docs(points, sorted, c);
            let moved = match by {
                MongoBalancer::ChunkCount => hi - lo,
                MongoBalancer::DataSize { doc_bytes, range_mb } => move_range_docs(
                    &sorted[lo..hi],
                    docs[m.from],
                    docs[m.from].saturating_mul(doc_bytes),
                    u64::from(range_mb) << 20,
                ),
            };
            if moved == hi - lo {
                of[c] = m.to;
            } else {
                // The range below the split key moves; the rest stays, a chunk of its own.
                points.insert(c, sorted[lo + moved]);
                of.insert(c, m.to);
            }
            made += 1;
        }
    }
    made
}

/// Chunk `c`'s documents, as a range of `sorted`: from its lower bound
/// (`points[c − 1]`, the lowest value for the first) to the next chunk's.
fn chunk_docs(points: &[i64], sorted: &[i64], c: usize) -> (usize, usize) {
    let at = |i: usize| match i {
        0 => 0,
        i if i > points.len() => sorted.len(),
        i => sorted.partition_point(|&h| h < points[i - 1]),
    };
    (at(c), at(c + 1))
}
