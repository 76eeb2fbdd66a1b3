//! The hash ring's named starting scenarios, for the preset menu and
//! article blocks (`preset:`).

use super::run::{Change, KeySet, Placement};
use super::scenario::HashRingScenario;
use super::Node;
use crate::scenario::{View, VERSION};

/// Hash-ring preset names with a one-line description, in menu order.
pub const PRESETS: [(&str, &str); 4] = [
    ("add-node", "100,000 keys on 10 caches, then an 11th: modulo, ketama and jump"),
    ("remove-node", "100,000 keys on 10 caches, then one leaves: ketama, rendezvous and Maglev"),
    ("hot-keys", "100,000 Zipf requests over 1,000 keys: ketama beside bounded loads at 125%"),
    ("weighted", "Caches of weights 1 to 4: ketama, weighted rendezvous and Maglev"),
];

fn caches(n: usize) -> Vec<Node> {
    (1..=n).map(|i| Node::new(format!("cache-{i}:11211"))).collect()
}

fn ring_scenario(
    nodes: Vec<Node>,
    keys: KeySet,
    placements: Vec<Placement>,
    change: Option<Change>,
) -> HashRingScenario {
    HashRingScenario {
        widget: Default::default(),
        version: VERSION,
        seed: 1,
        nodes,
        keys,
        placements,
        change,
        view: View::default(),
    }
}

/// The hash-ring preset called `name` (`default` is `add-node`).
pub fn preset(name: &str) -> Option<HashRingScenario> {
    let uniform = KeySet::Uniform { count: 100_000 };
    let maglev = Placement::Maglev { table_size: 65537 };
    Some(match name {
        "default" | "add-node" => ring_scenario(
            caches(10),
            uniform,
            vec![Placement::Modulo, Placement::Ketama, Placement::Jump],
            Some(Change::Add(Node::new("cache-11:11211"))),
        ),
        "remove-node" => ring_scenario(
            caches(10),
            uniform,
            vec![Placement::Ketama, Placement::Rendezvous, maglev],
            Some(Change::Remove("cache-4:11211".into())),
        ),
        "hot-keys" => ring_scenario(
            caches(10),
            KeySet::Zipf { count: 100_000, distinct: 1_000 },
            vec![Placement::Ketama, Placement::BoundedLoads { factor: 125 }],
            Some(Change::Add(Node::new("cache-11:11211"))),
        ),
        "weighted" => ring_scenario(
            (1..=8).map(|i| Node::weighted(format!("cache-{i}:11211"), (i as u32 - 1) % 4 + 1)).collect(),
            uniform,
            vec![Placement::Ketama, Placement::Rendezvous, maglev],
            Some(Change::Reweight { name: "cache-1:11211".into(), weight: 4 }),
        ),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn default_is_adding_a_node() {
        assert_eq!(super::preset("default"), super::preset("add-node"));
    }
}
