//! Citus's shard rebalancer (`rebalance_table_shards`,
//! `citus_rebalance_start`), as `src/backend/distributed/operations/
//! shard_rebalancer.c` plans moves (`RebalancePlacementUpdates`,
//! `FindAndMoveShardCost`, Citus at a3d5708a), for one colocation group.
//!
//! Each node's utilization is the cost of its shards over its capacity.
//! With `avg` the total cost over the total capacity, a node is over
//! utilized above `(1 + threshold) · avg` and under below
//! `(1 − threshold) · avg`. Each step takes the nodes from the most utilized
//! down, and for each the targets from the least utilized up, and tries the
//! source's shards from the most costly (the lower shard first on a tie):
//! a move is taken when it leaves the target no fuller than the source; one
//! that would make the target fuller than the source was, or as full with
//! the source left no fuller than the target was, is skipped; any other is
//! taken only if it improves balance by at least `improvement_threshold`
//! of what it adds (`max(srcU − newT, newS − tgtU) / min(newT − tgtU,
//! srcU − newS)`), else ignored. After a move the nodes are sorted again;
//! planning stops when the most utilized node is not above the lower bound,
//! or no move is found. Nodes tie by capacity (larger first, as targets)
//! then node id; costs and utilizations are `float4`, as in Citus.
//!
//! The strategies, as `pg_dist_rebalance_strategy` defines them:
//! `by_shard_count` costs 1 a shard with thresholds 0 and an improvement
//! threshold of 0; `by_disk_size` (the default since Citus 12.0) costs a
//! shard its size on disk plus `citus.rebalancer_by_disk_size_base_cost`
//! (100 MB), with a threshold of 0.1 and an improvement threshold of 0.5.

/// A strategy's thresholds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Thresholds {
    pub threshold: f32,
    pub improvement: f32,
}

/// `by_shard_count`'s thresholds.
pub const BY_SHARD_COUNT: Thresholds = Thresholds { threshold: 0.0, improvement: 0.0 };
/// `by_disk_size`'s thresholds.
pub const BY_DISK_SIZE: Thresholds = Thresholds { threshold: 0.1, improvement: 0.5 };
/// `citus.rebalancer_by_disk_size_base_cost`'s default, in bytes.
pub const DISK_SIZE_BASE_COST: u64 = 100 * 1024 * 1024;

/// A shard's `by_disk_size` cost: its size on disk plus the base cost, as
/// one `float4` (`citus_shard_cost_by_disk_size`).
pub fn disk_size_cost(bytes: u64) -> f32 {
    bytes.saturating_add(DISK_SIZE_BASE_COST) as f32
}

/// One planned move: the shard (by index) and its source and target nodes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Move {
    pub shard: usize,
    pub from: usize,
    pub to: usize,
}

/// The moves Citus plans for shards of `costs` placed on nodes by `on`
/// (node indices, in node-id order), nodes of `capacities`, at most
/// `max_moves`; `on` is left as the plan leaves it.
pub fn plan(costs: &[f32], on: &mut [usize], capacities: &[f32], t: Thresholds, max_moves: usize) -> Vec<Move> {
    let nodes = capacities.len();
    let total: f32 = costs.iter().sum();
    let capacity: f32 = capacities.iter().sum();
    if nodes == 0 || capacity <= 0.0 {
        return Vec::new();
    }
    let avg = total / capacity;
    // The bounds in double precision, each rounded to float4 once, as Citus computes them.
    let bound = |k: f64| (k * f64::from(avg)) as f32;
    let (lower, upper) = (bound(1.0 - f64::from(t.threshold)), bound(1.0 + f64::from(t.threshold)));
    let mut load = vec![0f32; nodes];
    for (s, &n) in on.iter().enumerate() {
        load[n] += costs[s];
    }
    let util = |load: &[f32], n: usize| if capacities[n] <= 0.0 { f32::INFINITY } else { load[n] / capacities[n] };
    // Least utilized first: utilization, then larger capacity, then node id.
    let ascending = |load: &[f32]| {
        let before = |a: usize, b: usize| {
            let (ua, ub) = (util(load, a), util(load, b));
            ua < ub || (ua == ub && (capacities[a] > capacities[b] || (capacities[a] == capacities[b] && a < b)))
        };
        sorted((0..nodes).collect(), before)
    };
    let mut moves = Vec::new();
    'plan: while moves.len() < max_moves {
        let up = ascending(&load);
        for &source in up.iter().rev() {
            let src_u = util(&load, source);
            if src_u <= lower {
                break 'plan;
            }
            for &target in &up {
                let tgt_u = util(&load, target);
                if tgt_u >= upper || (tgt_u >= lower && src_u <= upper) {
                    break;
                }
                if target == source {
                    continue;
                }
                // The source's shards, most costly first, the lower shard on a tie.
                let held: Vec<usize> = (0..on.len()).filter(|&s| on[s] == source).collect();
                let shards = sorted(held, |a, b| costs[a] > costs[b] || (costs[a] == costs[b] && a < b));
                for s in shards {
                    let c = costs[s];
                    let new_t = (load[target] + c) / capacities[target];
                    let new_s = (load[source] - c) / capacities[source];
                    if new_t > new_s {
                        if new_t > src_u || (new_t == src_u && new_s <= tgt_u) {
                            continue;
                        }
                        let improvement = (src_u - new_t).max(new_s - tgt_u);
                        let added = (new_t - tgt_u).min(src_u - new_s);
                        if improvement / added < t.improvement {
                            continue;
                        }
                    }
                    load[target] += c;
                    load[source] -= c;
                    on[s] = target;
                    moves.push(Move { shard: s, from: source, to: target });
                    continue 'plan;
                }
            }
        }
        break;
    }
    moves
}

/// `items` in the order `before` gives (a strict order), by insertion: a
/// few lines of code for the few nodes and shards a plan orders, where the
/// standard library's sort would add kilobytes to the page.
fn sorted(mut items: Vec<usize>, before: impl Fn(usize, usize) -> bool) -> Vec<usize> {
    for i in 1..items.len() {
        let mut j = i;
        while j > 0 && before(items[j], items[j - 1]) {
            items.swap(j, j - 1);
            j -= 1;
        }
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(costs: &[f32], on: &[usize], capacities: &[f32], t: Thresholds) -> Vec<(usize, usize, usize)> {
        let mut on = on.to_vec();
        plan(costs, &mut on, capacities, t, usize::MAX).into_iter().map(|m| (m.shard + 1, m.from, m.to)).collect()
    }

    /// `shard_rebalancer_unit.sql`'s cases (Citus at a3d5708a), through
    /// `shard_placement_rebalance_array` with its defaults: threshold 0,
    /// improvement threshold 0.5, capacity 1. Shards are numbered from 1 as
    /// there, nodes from 0 in node order.
    #[test]
    fn citus_regression_cases() {
        let t = Thresholds { threshold: 0.0, improvement: 0.5 };
        // Three shards on h1 of two: one moves.
        assert_eq!(run(&[1.0; 3], &[0, 0, 0], &[1.0, 1.0], t), [(1, 0, 1)]);
        // Shards 1-3 of cost 1 and 4 of cost 3 on h1: shard 4 moves.
        assert_eq!(run(&[1.0, 1.0, 1.0, 3.0], &[0, 0, 0, 0], &[1.0, 1.0], t), [(4, 0, 1)]);
        // a holds 1:20, 2:20; b holds 3:100, 4:50. Moving 3 improves 10 for 100 added: ignored at 0.5.
        let costs = [20.0, 20.0, 100.0, 50.0];
        assert_eq!(run(&costs, &[0, 0, 1, 1], &[1.0, 1.0], t), [(4, 1, 0)]);
        let low = Thresholds { threshold: 0.0, improvement: 0.1 };
        assert_eq!(run(&costs, &[0, 0, 1, 1], &[1.0, 1.0], low), [(3, 1, 0), (1, 0, 1), (2, 0, 1)]);
        // h1 of capacity 1 holds 1:1, 2:1, 3:2; h2 has capacity 3.
        assert_eq!(run(&[1.0, 1.0, 2.0], &[0, 0, 0], &[1.0, 3.0], t), [(3, 0, 1), (1, 0, 1)]);
        // a (capacity 1) holds 1:20, 2:10, 3:10; b (capacity 2) holds 4:100, 5:50, 6:50; improvement 0.6.
        let six = Thresholds { threshold: 0.0, improvement: 0.6 };
        assert_eq!(
            run(&[20.0, 10.0, 10.0, 100.0, 50.0, 50.0], &[0, 0, 0, 1, 1, 1], &[1.0, 2.0], six),
            [(5, 1, 0), (2, 0, 1)]
        );
    }

    /// By shard count, 32 shards round-robin on four workers and a fifth
    /// added: the most loaded workers give their lowest shards, the
    /// highest-numbered worker first on a tie, until none is above the mean.
    #[test]
    fn a_fifth_worker_takes_six_of_thirty_two_shards() {
        let mut on: Vec<usize> = (0..32).map(|s| s % 4).collect();
        let moves = plan(&[1.0; 32], &mut on, &[1.0; 5], BY_SHARD_COUNT, usize::MAX);
        let moved: Vec<(usize, usize)> = moves.iter().map(|m| (m.shard, m.from)).collect();
        assert_eq!(moved, [(3, 3), (2, 2), (1, 1), (0, 0), (7, 3), (6, 2)]);
        assert!(moves.iter().all(|m| m.to == 4));
        let counts: Vec<usize> = (0..5).map(|n| on.iter().filter(|&&o| o == n).count()).collect();
        assert_eq!(counts, [7, 7, 6, 6, 6]);
    }
}
