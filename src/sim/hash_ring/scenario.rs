//! The hash-ring widget's scenario: nodes, a key set, up to three placements
//! compared on it, and optionally a change to the nodes.

use super::run::{run_placement, Change, KeySet, Placement, PlacementRun, MAX_NODES, MAX_RING_POINTS};
use super::{maglev, validate_nodes, KeyHash, Node};
use crate::scenario::json;
use crate::scenario::{check_count, check_version, View, MAX_LANES};
use crate::sim::kernel::rng::Rng;

/// The `widget` field of a hash-ring scenario: always `"hash-ring"`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum HashRingTag {
    #[default]
    HashRing,
}

/// A key-placement scenario: nodes, a key set, up to three placements
/// compared on it, and optionally a change to the nodes.
#[derive(Clone, Debug, PartialEq)]
pub struct HashRingScenario {
    pub widget: HashRingTag,
    pub version: u32,
    pub seed: u64,
    pub nodes: Vec<Node>,
    pub keys: KeySet,
    /// In JSON `variants`, the field's first name, so old links open.
    pub placements: Vec<Placement>,
    pub change: Option<Change>,
    pub view: View,
}

json::names!(HashRingTag { HashRing = "hash-ring" });
json::object!(HashRingScenario, "a hash-ring scenario (an object)" {
    widget,
    version,
    seed,
    nodes,
    keys,
    placements ["variants"],
    change: default (Option::is_none),
    view: default (View::is_default),
});

impl HashRingScenario {
    /// Checks nodes, keys, placements and the change.
    pub fn validate(&self) -> Result<(), String> {
        check_version(self.version)?;
        validate_nodes(&self.nodes, MAX_NODES)?;
        self.keys.validate()?;
        check_count(self.placements.len(), MAX_LANES, "placements")?;
        let keys = self.keys.len() as f64;
        let after = match &self.change {
            Some(c) => Some(c.apply(&self.nodes).map_err(|e| format!("change: {e}"))?),
            None => None,
        };
        for v in &self.placements {
            v.validate()?;
            // Keep a run to seconds: rendezvous scores every node for every key,
            // and a Maglev fill visits every node in every round.
            for nodes in std::iter::once(&self.nodes).chain(after.as_ref()) {
                if let Placement::Ring { points } = v {
                    if u64::from(*points) * nodes.len() as u64 > MAX_RING_POINTS {
                        return Err(format!(
                            "a ring of {points} points per node over {} nodes holds more than {MAX_RING_POINTS} points; use fewer",
                            nodes.len()
                        ));
                    }
                }
                let steps = match v {
                    Placement::Rendezvous => nodes.len() as f64 * keys,
                    // A request whose node is full walks on round the ring. Near a
                    // factor of 100% few nodes have room and walks grow towards
                    // every node; this bounds a walk by the nodes and by 100/(f − 100).
                    Placement::BoundedLoads { factor } => {
                        let walk = if *factor > 100 { (100.0 / f64::from(factor - 100)).ceil() } else { f64::INFINITY };
                        walk.min(nodes.len() as f64) * keys
                    }
                    Placement::Maglev { table_size } => maglev::build_steps(nodes, *table_size),
                    _ => 0.0,
                };
                if steps > maglev::MAX_BUILD_STEPS {
                    return Err(format!(
                        "{} over {} nodes and {} keys is too much work for one run; use fewer nodes, keys or slots",
                        v.name(),
                        nodes.len(),
                        self.keys.len()
                    ));
                }
            }
        }
        self.view.validate()
    }

    /// Places the keys with every placement, before and after the change.
    pub fn run(&self) -> Result<Vec<PlacementRun>, String> {
        self.validate()?;
        self.run_on(&self.hash_keys(), 0)
    }

    /// The nodes after the change (as they are when it does not apply).
    pub fn nodes_now(&self) -> Vec<Node> {
        self.change.as_ref().and_then(|c| c.apply(&self.nodes).ok()).unwrap_or_else(|| self.nodes.clone())
    }

    /// Makes the nodes after the change the starting point, with no change.
    pub fn commit(&mut self) {
        self.nodes = self.nodes_now();
        self.change = None;
    }

    /// The first `cache-<i>:11211` name no node uses.
    pub fn next_name(&self) -> String {
        (1..).map(|i| format!("cache-{i}:11211")).find(|n| !self.nodes.iter().any(|m| &m.name == n)).unwrap_or_default()
    }

    /// `n` nodes: the first `n` present ones, then new `cache-<i>:11211`
    /// nodes of weight 1. A change to a node that is gone moves to the last
    /// node, and a node the change adds keeps a name no other node has.
    pub fn resize(&mut self, n: usize) {
        self.nodes.truncate(n);
        // Which of cache-1 … cache-n are taken; the free ones among them are enough.
        let mut taken = vec![false; n + 1];
        for m in &self.nodes {
            let index =
                m.name.strip_prefix("cache-").and_then(|r| r.strip_suffix(":11211")).and_then(|d| d.parse().ok());
            if let Some(i) = index.filter(|&i: &usize| i <= n) {
                taken[i] = true;
            }
        }
        for i in (1..=n).filter(|&i| !taken[i]) {
            if self.nodes.len() == n {
                break;
            }
            self.nodes.push(Node::new(format!("cache-{i}:11211")));
        }
        let last = self.nodes.last().map(|n| n.name.clone()).unwrap_or_default();
        let next = self.next_name();
        match &mut self.change {
            Some(Change::Remove(name) | Change::Reweight { name, .. })
                if !self.nodes.iter().any(|m| &m.name == name) =>
            {
                *name = last
            }
            Some(Change::Add(node)) if self.nodes.iter().any(|m| m.name == node.name) => node.name = next,
            _ => {}
        }
    }

    /// The key set, generated from the seed and hashed once (see [`KeyHash`]).
    pub fn hash_keys(&self) -> Vec<KeyHash> {
        KeyHash::all(&self.keys.generate(&mut Rng::new(self.seed)))
    }

    /// [`run`](Self::run) on keys hashed by [`hash_keys`](Self::hash_keys)
    /// (of a validated scenario), keeping where the first `sample` keys go:
    /// the widget hashes a key set once and re-places it after every edit.
    pub fn run_on(&self, keys: &[KeyHash], sample: usize) -> Result<Vec<PlacementRun>, String> {
        let after = match &self.change {
            Some(c) => Some((c, c.apply(&self.nodes)?)),
            None => None,
        };
        Ok(self
            .placements
            .iter()
            .map(|v| run_placement(v, &self.nodes, keys, after.as_ref().map(|(c, n)| (*c, n.as_slice())), sample))
            .collect())
    }
}
