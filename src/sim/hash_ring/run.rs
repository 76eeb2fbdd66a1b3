//! Running a key set through placements before and after a change to the
//! nodes: per-node loads, their spread, and the keys the change moved.

use super::bounded;
use super::ketama::Continuum;
use super::maglev::MAX_TABLE_SIZE;
use super::{is_prime, validate_nodes, Algorithm, KeyHash, Lookup, Node};
use crate::scenario::json::{self, Error, FromJson, Obj, ToJson};
use crate::sim::kernel::rng::{Rng, Zipf};

/// Most nodes a scenario may have.
pub const MAX_NODES: usize = 10_000;
/// Most keys (or requests) a scenario may place.
pub const MAX_KEYS: usize = 2_000_000;

/// The keys placed: each key once, or requests over popular keys.
#[derive(Clone, Debug, PartialEq)]
pub enum KeySet {
    /// `count` distinct keys, `key:0` to `key:<count − 1>`, each placed once.
    Uniform { count: usize },
    /// `count` requests over `distinct` keys whose popularity follows Zipf's
    /// law with exponent 1: the k-th most popular key is asked for 1/k as
    /// often as the first. Drawn from the scenario's seed.
    Zipf { count: usize, distinct: usize },
    /// The keys given, in order.
    List { keys: Vec<String> },
}

impl KeySet {
    /// Checks the sizes.
    pub fn validate(&self) -> Result<(), String> {
        let (count, what) = match self {
            KeySet::Uniform { count } => (*count, "keys.count"),
            KeySet::Zipf { count, distinct } => {
                if *distinct == 0 || *distinct > MAX_KEYS {
                    return Err(format!("keys.distinct must be between 1 and {MAX_KEYS}, not {distinct}"));
                }
                (*count, "keys.count")
            }
            KeySet::List { keys } => (keys.len(), "the key list's length"),
        };
        if count == 0 || count > MAX_KEYS {
            return Err(format!("{what} must be between 1 and {MAX_KEYS}, not {count}"));
        }
        Ok(())
    }

    /// How many keys (or requests) are placed.
    pub fn len(&self) -> usize {
        match self {
            KeySet::Uniform { count } | KeySet::Zipf { count, .. } => *count,
            KeySet::List { keys } => keys.len(),
        }
    }

    /// Whether no key is placed.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The keys, in placement order.
    pub fn generate(&self, rng: &mut Rng) -> Vec<String> {
        match self {
            KeySet::Uniform { count } => (0..*count).map(|i| format!("key:{i}")).collect(),
            KeySet::List { keys } => keys.clone(),
            KeySet::Zipf { count, distinct } => {
                let zipf = Zipf::new(*distinct);
                (0..*count).map(|_| format!("key:{}", zipf.sample(rng))).collect()
            }
        }
    }
}

impl FromJson for KeySet {
    fn read(node: &json::Node) -> Result<KeySet, Error> {
        let (name, value) = json::variant(node)?;
        let what = "the key set's parameters (an object)";
        let fields = |keys: &[&str]| json::Fields::of(json::payload(node, name, value)?, what, keys);
        match name {
            "uniform" => Ok(KeySet::Uniform { count: fields(&["count"])?.req("count")? }),
            "zipf" => {
                let f = fields(&["count", "distinct"])?;
                Ok(KeySet::Zipf { count: f.req("count")?, distinct: f.req("distinct")? })
            }
            "list" => Ok(KeySet::List { keys: fields(&["keys"])?.req("keys")? }),
            other => Err(json::unknown(node, other, &["uniform", "zipf", "list"])),
        }
    }
}

impl ToJson for KeySet {
    fn write(&self, out: &mut String) {
        let mut o = Obj::new(out);
        match self {
            KeySet::Uniform { count } => Obj::new(o.key("uniform")).field("count", count).end(),
            KeySet::Zipf { count, distinct } => {
                Obj::new(o.key("zipf")).field("count", count).field("distinct", distinct).end()
            }
            KeySet::List { keys } => Obj::new(o.key("list")).field("keys", keys).end(),
        }
        o.end();
    }
}

/// One placement to compare: an algorithm and its parameters. In JSON the
/// simple ones are names (`"ketama"`) and the others objects
/// (`{"maglev": {"table_size": 65537}}`, `{"bounded-loads": {"factor": 125}}`).
#[derive(Clone, Debug, PartialEq)]
pub enum Placement {
    Modulo,
    Ketama,
    /// libketama's ring with `points` virtual nodes (a multiple of 4) for a
    /// server of average weight instead of its 160: `{"ring": {"points": 40}}`.
    Ring {
        points: u32,
    },
    Jump,
    Rendezvous,
    Maglev {
        table_size: u64,
    },
    /// Bounded loads on the ketama ring, `factor` percent (HAProxy's `hash-balance-factor`).
    BoundedLoads {
        factor: u32,
    },
}

fn default_table_size() -> u64 {
    65537
}

/// Every placement's name in JSON.
const PLACEMENTS: [&str; 7] = ["modulo", "ketama", "ring", "jump", "rendezvous", "maglev", "bounded-loads"];

impl FromJson for Placement {
    fn read(node: &json::Node) -> Result<Placement, Error> {
        let (name, value) = json::variant(node)?;
        let what = "the placement's parameters (an object)";
        let fields = |keys: &[&str]| json::Fields::of(json::payload(node, name, value)?, what, keys);
        let unit = |p: Placement| json::unit(name, value).map(|()| p);
        match name {
            "modulo" => unit(Placement::Modulo),
            "ketama" => unit(Placement::Ketama),
            "ring" => Ok(Placement::Ring { points: fields(&["points"])?.req("points")? }),
            "jump" => unit(Placement::Jump),
            "rendezvous" => unit(Placement::Rendezvous),
            "maglev" => Ok(Placement::Maglev {
                table_size: fields(&["table_size"])?.or("table_size", default_table_size())?,
            }),
            "bounded-loads" => Ok(Placement::BoundedLoads { factor: fields(&["factor"])?.req("factor")? }),
            other => Err(json::unknown(node, other, &PLACEMENTS)),
        }
    }
}

impl ToJson for Placement {
    fn write(&self, out: &mut String) {
        // Each placement with parameters has one, a whole number.
        let (key, value) = match *self {
            Placement::Ring { points } => ("points", u64::from(points)),
            Placement::Maglev { table_size } => ("table_size", table_size),
            Placement::BoundedLoads { factor } => ("factor", u64::from(factor)),
            _ => return self.name().write(out),
        };
        let mut o = Obj::new(out);
        Obj::new(o.key(self.name())).field(key, &value).end();
        o.end();
    }
}

/// The most virtual nodes per server a [`Placement::Ring`] may ask for.
pub const MAX_POINTS: u32 = 4_000;
/// The most points a ring may hold in all (32 MB of them).
pub const MAX_RING_POINTS: u64 = 4_000_000;

impl Placement {
    /// Checks the parameters.
    pub fn validate(&self) -> Result<(), String> {
        match self {
            // The bound first: trial division of a huge number would take forever.
            Placement::Maglev { table_size } if *table_size > MAX_TABLE_SIZE || !is_prime(*table_size) => {
                Err(format!("maglev table_size must be a prime of at most {MAX_TABLE_SIZE}, not {table_size}"))
            }
            Placement::Ring { points } if *points == 0 || *points > MAX_POINTS || points % 4 != 0 => {
                Err(format!("ring points must be a multiple of 4 from 4 to {MAX_POINTS}, not {points}"))
            }
            Placement::BoundedLoads { factor }
                if !(bounded::FACTOR_RANGE.0..=bounded::FACTOR_RANGE.1).contains(factor) =>
            {
                Err(format!(
                    "bounded-loads factor must be between {} and {} (percent), not {factor}",
                    bounded::FACTOR_RANGE.0,
                    bounded::FACTOR_RANGE.1
                ))
            }
            _ => Ok(()),
        }
    }

    /// A short name for reports.
    pub fn name(&self) -> &'static str {
        match self {
            Placement::Modulo => "modulo",
            Placement::Ketama => "ketama",
            Placement::Ring { .. } => "ring",
            Placement::Jump => "jump",
            Placement::Rendezvous => "rendezvous",
            Placement::Maglev { .. } => "maglev",
            Placement::BoundedLoads { .. } => "bounded-loads",
        }
    }

    /// The ring the placement keeps over `nodes`, for the placements that keep one.
    pub fn ring(&self, nodes: &[Node]) -> Option<Continuum> {
        match self {
            Placement::Ketama | Placement::BoundedLoads { .. } => Some(Continuum::new(nodes)),
            Placement::Ring { points } => Some(Continuum::with_digests(nodes, points / 4)),
            _ => None,
        }
    }

    /// Each key's node index, in key order, the lookup structure's size in
    /// bytes, and the ring, for the placements that keep one.
    pub fn place(&self, nodes: &[Node], keys: &[KeyHash]) -> (Vec<u32>, usize, Option<Continuum>) {
        let simple = |a: Algorithm, m: u64| {
            let p = Lookup::build(a, nodes, m);
            (keys.iter().map(|&k| p.locate_hashed(k) as u32).collect(), p.memory_bytes(), None)
        };
        match (self, self.ring(nodes)) {
            (Placement::BoundedLoads { factor }, Some(ring)) => {
                let bytes = std::mem::size_of_val(ring.points()) + nodes.len() * 16;
                let md5: Vec<u32> = keys.iter().map(|k| k.md5).collect();
                (bounded::assign_hashed(&ring, nodes, &md5, *factor), bytes, Some(ring))
            }
            // libketama's lookup (as Lookup::Ketama does it) on the placement's own ring.
            (_, Some(ring)) => {
                let placed = keys.iter().map(|k| ring.point_for(k.md5).map_or(0, |p| p.node)).collect();
                (placed, std::mem::size_of_val(ring.points()), Some(ring))
            }
            (Placement::Maglev { table_size }, None) => simple(Algorithm::Maglev, *table_size),
            (Placement::Jump, None) => simple(Algorithm::Jump, 0),
            (Placement::Rendezvous, None) => simple(Algorithm::Rendezvous, 0),
            // Modulo (the ring placements always come with their ring).
            _ => simple(Algorithm::Modulo, 0),
        }
    }
}

/// A change to the nodes, applied between the two placements.
#[derive(Clone, Debug, PartialEq)]
pub enum Change {
    /// A new node, appended (jump's new bucket is the last one).
    Add(Node),
    /// The node of this name leaves.
    Remove(String),
    /// The node of this name gets a new weight.
    Reweight { name: String, weight: u32 },
}

impl FromJson for Change {
    fn read(node: &json::Node) -> Result<Change, Error> {
        let (name, value) = json::variant(node)?;
        let value = || json::payload(node, name, value);
        match name {
            "add" => Node::read(value()?).map(Change::Add).map_err(|e| json::in_field(e, name)),
            "remove" => String::read(value()?).map(Change::Remove).map_err(|e| json::in_field(e, name)),
            "reweight" => {
                let f = json::Fields::of(value()?, "the node and its new weight (an object)", &["name", "weight"])?;
                Ok(Change::Reweight { name: f.req("name")?, weight: f.req("weight")? })
            }
            other => Err(json::unknown(node, other, &["add", "remove", "reweight"])),
        }
    }
}

impl ToJson for Change {
    fn write(&self, out: &mut String) {
        match self {
            Change::Add(n) => json::write_variant(out, "add", n),
            Change::Remove(name) => json::write_variant(out, "remove", name),
            Change::Reweight { name, weight } => {
                let mut o = Obj::new(out);
                Obj::new(o.key("reweight")).field("name", name).field("weight", weight).end();
                o.end();
            }
        }
    }
}

impl Change {
    /// The node list after the change, or why it cannot apply.
    pub fn apply(&self, nodes: &[Node]) -> Result<Vec<Node>, String> {
        let find = |name: &str| {
            nodes.iter().position(|n| n.name == name).ok_or_else(|| format!("no node named {name} to change"))
        };
        let mut out = nodes.to_vec();
        match self {
            Change::Add(n) => out.push(n.clone()),
            Change::Remove(name) => {
                out.remove(find(name)?);
            }
            Change::Reweight { name, weight } => out[find(name)?].weight = *weight,
        }
        validate_nodes(&out, MAX_NODES).map(|()| out)
    }

    /// The share of keys an ideal placement would move: 1/(n + 1) for an
    /// add, 1/n for a remove, the change in the node's share for a reweight.
    pub fn ideal_moved(&self, before: &[Node], after: &[Node]) -> f64 {
        let share = |nodes: &[Node], name: &str| {
            let total: u64 = nodes.iter().map(|n| u64::from(n.weight)).sum();
            nodes.iter().find(|n| n.name == name).map_or(0.0, |n| f64::from(n.weight) / total as f64)
        };
        match self {
            Change::Add(n) => share(after, &n.name),
            Change::Remove(name) => share(before, name),
            Change::Reweight { name, .. } => (share(after, name) - share(before, name)).abs(),
        }
    }
}

/// One node across a change: its index in the node list before and after
/// (`None` where it is not there).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NodeLine<'a> {
    pub name: &'a str,
    pub before: Option<usize>,
    pub after: Option<usize>,
}

/// Every node before or after `change` (as [`Change::apply`] makes `after`
/// from `before`), in order, a node it adds last. Without a change, each
/// node is itself after.
pub fn node_lines<'a>(before: &'a [Node], change: Option<&Change>, after: &'a [Node]) -> Vec<NodeLine<'a>> {
    let removed = match change {
        Some(Change::Remove(name)) => before.iter().position(|n| &n.name == name),
        _ => None,
    };
    let mut lines: Vec<NodeLine> = before
        .iter()
        .enumerate()
        .map(|(i, n)| NodeLine {
            name: &n.name,
            before: Some(i),
            after: match removed {
                Some(r) if i == r => None,
                Some(r) if i > r => Some(i - 1),
                _ => Some(i),
            },
        })
        .collect();
    if let Some(Change::Add(_)) = change {
        lines.extend(after.last().map(|n| NodeLine { name: &n.name, before: None, after: Some(after.len() - 1) }));
    }
    lines
}

/// How keys spread over nodes, against each node's fair share (its weight's
/// share of all keys).
#[derive(Clone, Debug, PartialEq)]
pub struct Spread {
    /// Keys (or requests) per node, in node order.
    pub loads: Vec<u64>,
    /// Population standard deviation of the loads from their fair shares.
    pub stddev: f64,
    /// The largest load over its fair share (1 is perfect balance).
    pub max_over_fair: f64,
}

impl ToJson for Spread {
    fn write(&self, out: &mut String) {
        Obj::new(out)
            .field("loads", &self.loads)
            .field("stddev", &self.stddev)
            .field("max_over_fair", &self.max_over_fair)
            .end();
    }
}

impl Spread {
    /// The spread of `placed` (node indices) over `nodes`.
    pub fn of(placed: &[u32], nodes: &[Node]) -> Spread {
        let mut loads = vec![0u64; nodes.len()];
        for &p in placed {
            loads[p as usize] += 1;
        }
        let total_weight: u64 = nodes.iter().map(|n| u64::from(n.weight)).sum::<u64>().max(1);
        let fair = |i: usize| placed.len() as f64 * f64::from(nodes[i].weight) / total_weight as f64;
        let n = nodes.len().max(1) as f64;
        let var = loads.iter().enumerate().map(|(i, &l)| (l as f64 - fair(i)) * (l as f64 - fair(i))).sum::<f64>() / n;
        let max_over_fair = loads
            .iter()
            .enumerate()
            .map(|(i, &l)| if fair(i) > 0.0 { l as f64 / fair(i) } else { 0.0 })
            .fold(0.0, f64::max);
        Spread { loads, stddev: var.sqrt(), max_over_fair }
    }
}

/// One placement's result: the spread before and after the change, and what moved.
#[derive(Clone, Debug, PartialEq)]
pub struct PlacementRun {
    /// In reports `variant`, as the scenario's `variants`.
    pub placement: Placement,
    pub before: Spread,
    pub memory_bytes: usize,
    /// Present when the scenario has a change.
    pub after: Option<Spread>,
    /// Keys (or requests) whose node changed, by node name.
    pub moved: u64,
    /// Of those, the ones that moved between two nodes the change did not touch.
    pub moved_elsewhere: u64,
    pub moved_fraction: f64,
    pub ideal_fraction: f64,
    /// The node indices of the first keys asked for (before, and after the
    /// change), for drawing; not reported.
    pub sample: Vec<(u32, Option<u32>)>,
    /// The ring over the nodes as they end (after the change, if any), for
    /// the placements that keep one, for drawing; not reported.
    pub ring: Option<std::sync::Arc<Continuum>>,
}

/// `after` is left out without a change; `sample` and `ring` are not reported.
impl ToJson for PlacementRun {
    fn write(&self, out: &mut String) {
        Obj::new(out)
            .field("variant", &self.placement)
            .field("before", &self.before)
            .field("memory_bytes", &self.memory_bytes)
            .field_unless(self.after.is_none(), "after", &self.after)
            .field("moved", &self.moved)
            .field("moved_elsewhere", &self.moved_elsewhere)
            .field("moved_fraction", &self.moved_fraction)
            .field("ideal_fraction", &self.ideal_fraction)
            .end();
    }
}

impl PlacementRun {
    /// The keys a node held before the change, and after it (`None` without
    /// a change; 0 once the node is gone).
    pub fn keys_of(&self, line: &NodeLine) -> (u64, Option<u64>) {
        (
            line.before.map_or(0, |b| self.before.loads[b]),
            self.after.as_ref().map(|s| line.after.map_or(0, |a| s.loads[a])),
        )
    }
}

/// Places `keys` (hashed once, see [`KeyHash`]) on `nodes` with `placement`,
/// and again after `change`, keeping where the first `sample` keys went.
pub fn run_placement(
    placement: &Placement,
    nodes: &[Node],
    keys: &[KeyHash],
    change: Option<(&Change, &[Node])>,
    sample: usize,
) -> PlacementRun {
    let (placed, memory_bytes, ring) = placement.place(nodes, keys);
    let before = Spread::of(&placed, nodes);
    let mut run = PlacementRun {
        placement: placement.clone(),
        before,
        memory_bytes,
        after: None,
        moved: 0,
        moved_elsewhere: 0,
        moved_fraction: 0.0,
        ideal_fraction: 0.0,
        sample: placed.iter().take(sample).map(|&p| (p, None)).collect(),
        ring: ring.map(std::sync::Arc::new),
    };
    if let Some((change, after_nodes)) = change {
        let (placed_after, _, ring_after) = placement.place(after_nodes, keys);
        run.ring = ring_after.map(std::sync::Arc::new);
        let touched = match change {
            Change::Add(n) => n.name.as_str(),
            Change::Remove(name) | Change::Reweight { name, .. } => name.as_str(),
        };
        for (&b, &a) in placed.iter().zip(&placed_after) {
            let (from, to) = (&nodes[b as usize].name, &after_nodes[a as usize].name);
            if from != to {
                run.moved += 1;
                run.moved_elsewhere += u64::from(from != touched && to != touched);
            }
        }
        for (s, &a) in run.sample.iter_mut().zip(&placed_after) {
            s.1 = Some(a);
        }
        run.after = Some(Spread::of(&placed_after, after_nodes));
        run.moved_fraction = run.moved as f64 / keys.len().max(1) as f64;
        run.ideal_fraction = change.ideal_moved(nodes, after_nodes);
    }
    run
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::json::{from_str, read_and_write_back as read};

    #[test]
    fn keys_placements_and_changes_are_written_and_read_back() {
        read::<KeySet>(r#"{"uniform": {"count": 5}}"#, r#"{"uniform":{"count":5}}"#);
        read::<KeySet>(r#"{"zipf": {"count": 5, "distinct": 2}}"#, r#"{"zipf":{"count":5,"distinct":2}}"#);
        read::<KeySet>(r#"{"list": {"keys": ["a", "b\"\u0001"]}}"#, r#"{"list":{"keys":["a","b\"\u0001"]}}"#);
        for p in ["\"modulo\"", "\"ketama\"", "\"jump\"", "\"rendezvous\""] {
            read::<Placement>(p, p);
        }
        read::<Placement>(r#"{"ring": {"points": 40}}"#, r#"{"ring":{"points":40}}"#);
        assert_eq!(
            read::<Placement>(r#"{"maglev": {}}"#, r#"{"maglev":{"table_size":65537}}"#),
            Placement::Maglev { table_size: 65537 }
        );
        read::<Placement>(r#"{"maglev": {"table_size": 13}}"#, r#"{"maglev":{"table_size":13}}"#);
        read::<Placement>(r#"{"bounded-loads": {"factor": 125}}"#, r#"{"bounded-loads":{"factor":125}}"#);
        assert_eq!(read::<Placement>(r#"{"jump": null}"#, r#""jump""#), Placement::Jump);
        assert_eq!(
            read::<Change>(r#"{"add": {"name": "n"}}"#, r#"{"add":{"name":"n","weight":1}}"#),
            Change::Add(Node::new("n"))
        );
        read::<Change>(r#"{"remove": "n"}"#, r#"{"remove":"n"}"#);
        read::<Change>(r#"{"reweight": {"name": "n", "weight": 3}}"#, r#"{"reweight":{"name":"n","weight":3}}"#);
    }

    #[test]
    fn bad_keys_placements_and_changes_are_refused_saying_why() {
        let err = |text: &str| from_str::<Placement>(text).unwrap_err();
        assert_eq!(
            err(r#""consistent""#),
            r#"unknown choice "consistent"; expected one of "modulo", "ketama", "ring", "jump", "rendezvous", "maglev", "bounded-loads" at line 1 column 1"#
        );
        assert_eq!(err(r#""ring""#), r#"expected "ring" with its settings, {"ring": …}, found "ring" at line 1 column 1"#);
        assert_eq!(
            err(r#"{"ketama": {"points": 4}}"#),
            "\"ketama\" takes no settings: write it as \"ketama\" alone at line 1 column 12"
        );
        assert_eq!(
            err(r#"{"maglev": {"size": 13}}"#),
            r#"unknown field "size"; expected one of "table_size" at line 1 column 21"#
        );
        assert_eq!(
            err(r#"{"ring": {"points": -4}}"#),
            "points: expected a whole number from 0 to 4294967295, found -4 at line 1 column 21"
        );
        assert_eq!(
            from_str::<KeySet>(r#"{"uniform": {"count": 5, "distinct": 2}}"#).unwrap_err(),
            r#"unknown field "distinct"; expected one of "count" at line 1 column 38"#
        );
        assert_eq!(
            from_str::<Change>(r#"{"remove": {"name": "n"}}"#).unwrap_err(),
            "remove: expected a string, found an object at line 1 column 12"
        );
        assert_eq!(
            from_str::<Change>(r#"{"add": {"name": "n", "weight": 1, "zone": 2}}"#).unwrap_err(),
            r#"unknown field "zone"; expected one of "name", "weight" at line 1 column 44"#
        );
    }
}
