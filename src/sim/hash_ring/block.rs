//! The hash ring's widget-block keys: the placements and their parameters,
//! the nodes, the keys and the change.

use super::run::{Change, KeySet, Placement, MAX_NODES};
use super::scenario::HashRingScenario;
use super::Node;
use crate::scenario::block::{number, Block};

/// The preset a block starts from when it names none.
pub const PRESET: &str = "add-node";

/// Keys a hash-ring block accepts.
pub const KEYS: [&str; 15] = [
    "kind",
    "preset",
    "title",
    "placements",
    "points",
    "table_size",
    "factor",
    "nodes",
    "weights",
    "keys",
    "count",
    "distinct",
    "change",
    "weight",
    "seed",
];

/// The names a block's `placements:` line takes.
pub const PLACEMENT_NAMES: [&str; 7] = ["modulo", "ketama", "ring", "jump", "rendezvous", "maglev", "bounded-loads"];

/// A hash-ring block: a preset, then its placements and their parameters,
/// the nodes, the keys and the change, in that order. `change:` is `none`,
/// `add`, or `remove <node>` / `reweight <node>` with the node's number
/// (`remove 4` is `cache-4:11211`) or name; `weight:` is the added or
/// re-weighted node's weight.
pub fn apply(s: &mut HashRingScenario, block: &Block) -> Result<(), String> {
    if let Some((line, v)) = block.get("placements") {
        s.placements = v
            .split(',')
            .map(str::trim)
            .map(|name| match name {
                "modulo" => Ok(Placement::Modulo),
                "ketama" => Ok(Placement::Ketama),
                "ring" => Ok(Placement::Ring { points: 40 }),
                "jump" => Ok(Placement::Jump),
                "rendezvous" => Ok(Placement::Rendezvous),
                "maglev" => Ok(Placement::Maglev { table_size: 65537 }),
                "bounded-loads" => Ok(Placement::BoundedLoads { factor: 125 }),
                _ => {
                    Err(format!("line {line}: unknown placement `{name}`; placements: {}", PLACEMENT_NAMES.join(", ")))
                }
            })
            .collect::<Result<_, _>>()?;
    }
    for (key, placement) in [("points", "ring"), ("table_size", "maglev"), ("factor", "bounded-loads")] {
        let Some((line, v)) = block.get(key) else { continue };
        if !s.placements.iter().any(|p| p.name() == placement) {
            return Err(format!("line {line}: `{key}` applies to a {placement} placement, and this block has none"));
        }
        for p in &mut s.placements {
            match p {
                Placement::Ring { points } if key == "points" => *points = number(line, key, v)?,
                Placement::Maglev { table_size } if key == "table_size" => *table_size = number(line, key, v)?,
                Placement::BoundedLoads { factor } if key == "factor" => *factor = number(line, key, v)?,
                _ => {}
            }
        }
    }
    if let Some((line, v)) = block.get("weights") {
        if block.get("nodes").is_some() {
            return Err(format!("line {line}: give `nodes:` (a count) or `weights:` (one per node), not both"));
        }
        let weights: Vec<u32> = v.split(',').map(|w| number(line, "weights", w.trim())).collect::<Result<_, _>>()?;
        s.resize(weights.len());
        for (n, w) in s.nodes.iter_mut().zip(weights) {
            n.weight = w;
        }
    }
    if let Some((line, v)) = block.get("nodes") {
        let n: usize = number(line, "nodes", v)?;
        if n == 0 || n > MAX_NODES {
            return Err(format!("line {line}: nodes must be between 1 and {}, not {n}", MAX_NODES));
        }
        s.resize(n);
    }
    if let Some((line, v)) = block.get("keys") {
        let count = s.keys.len();
        s.keys = match v {
            "uniform" => KeySet::Uniform { count },
            "zipf" => KeySet::Zipf { count, distinct: 1_000 },
            _ => return Err(format!("line {line}: `keys` must be uniform or zipf, not `{v}`")),
        };
    }
    if let Some((line, v)) = block.get("count") {
        let n = number(line, "count", v)?;
        match &mut s.keys {
            KeySet::Uniform { count } | KeySet::Zipf { count, .. } => *count = n,
            KeySet::List { .. } => return Err(format!("line {line}: `count` does not apply to a listed key set")),
        }
    }
    if let Some((line, v)) = block.get("distinct") {
        match &mut s.keys {
            KeySet::Zipf { distinct, .. } => *distinct = number(line, "distinct", v)?,
            _ => return Err(format!("line {line}: `distinct` applies to `keys: zipf`")),
        }
    }
    if let Some((line, v)) = block.get("change") {
        let (what, node) = v.split_once(' ').map_or((v, ""), |(w, n)| (w, n.trim()));
        let name = |node: &str| -> Result<String, String> {
            let name = match node.parse::<usize>() {
                Ok(i) => format!("cache-{i}:11211"),
                Err(_) => node.to_string(),
            };
            if s.nodes.iter().any(|n| n.name == name) {
                Ok(name)
            } else {
                Err(format!(
                    "line {line}: no node `{node}` to change (nodes are cache-1:11211 to cache-{}:11211)",
                    s.nodes.len()
                ))
            }
        };
        s.change = match (what, node) {
            ("none", "") => None,
            ("add", "") => Some(Change::Add(Node::new(s.next_name()))),
            ("remove", n) if !n.is_empty() => Some(Change::Remove(name(n)?)),
            ("reweight", n) if !n.is_empty() => Some(Change::Reweight { name: name(n)?, weight: 2 }),
            _ => {
                return Err(format!("line {line}: `change` is none, add, remove <node> or reweight <node>, not `{v}`"))
            }
        };
    }
    if let Some((line, v)) = block.get("weight") {
        let w = number(line, "weight", v)?;
        match &mut s.change {
            Some(Change::Add(n)) => n.weight = w,
            Some(Change::Reweight { weight, .. }) => *weight = w,
            _ => return Err(format!("line {line}: `weight` applies to `change: add` or `change: reweight <node>`")),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::presets::preset;
    use super::*;
    use crate::scenario::block::parse;

    fn hr(text: &str) -> HashRingScenario {
        HashRingScenario::try_from(parse(text).unwrap().scenario).unwrap()
    }

    #[test]
    fn a_bare_hash_ring_block_is_the_add_node_preset() {
        assert_eq!(hr("kind: hash-ring"), preset("add-node").unwrap());
    }

    #[test]
    fn hash_ring_blocks_set_placements_nodes_keys_and_the_change() {
        use crate::sim::hash_ring::run::{Change, KeySet, Placement};
        use crate::sim::hash_ring::Node;
        let s = hr("kind: hash-ring\nplacements: ring, bounded-loads\npoints: 8\nfactor: 150\nnodes: 5\nkeys: zipf\ncount: 1000\ndistinct: 100\nchange: remove 2\nseed: 7");
        assert_eq!(s.placements, [Placement::Ring { points: 8 }, Placement::BoundedLoads { factor: 150 }]);
        assert_eq!(s.nodes.len(), 5);
        assert_eq!(s.keys, KeySet::Zipf { count: 1000, distinct: 100 });
        assert_eq!(s.change, Some(Change::Remove("cache-2:11211".into())));
        assert_eq!(s.seed, 7);
        let w = hr("kind: hash-ring\nweights: 1, 2, 4\nchange: add\nweight: 3");
        assert_eq!(w.nodes.iter().map(|n| n.weight).collect::<Vec<_>>(), [1, 2, 4]);
        assert_eq!(w.change, Some(Change::Add(Node::weighted("cache-4:11211", 3))));
        assert_eq!(hr("kind: hash-ring\nchange: none").change, None);
    }

    #[test]
    fn hash_ring_block_errors_name_the_line() {
        let err = |text: &str| parse(text).unwrap_err();
        assert_eq!(
            err("kind: hash-ring\nplacements: ketama, chord"),
            "line 2: unknown placement `chord`; placements: modulo, ketama, ring, jump, rendezvous, maglev, bounded-loads"
        );
        assert_eq!(
            err("kind: hash-ring\npoints: 8"),
            "line 2: `points` applies to a ring placement, and this block has none"
        );
        assert_eq!(
            err("kind: hash-ring\nnodes: 3\nchange: remove 9"),
            "line 3: no node `9` to change (nodes are cache-1:11211 to cache-3:11211)"
        );
        assert_eq!(
            err("kind: hash-ring\nchange: shuffle"),
            "line 2: `change` is none, add, remove <node> or reweight <node>, not `shuffle`"
        );
        assert_eq!(
            err("kind: hash-ring\nchange: none\nweight: 2"),
            "line 3: `weight` applies to `change: add` or `change: reweight <node>`"
        );
        assert_eq!(err("kind: hash-ring\ndistinct: 5"), "line 2: `distinct` applies to `keys: zipf`");
        assert!(err("kind: hash-ring\nplacements: ring\npoints: 6").contains("multiple of 4"));
        assert_eq!(err("kind: hash-ring\nnodes: 0"), "line 2: nodes must be between 1 and 10000, not 0");
    }
}
