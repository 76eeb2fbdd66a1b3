//! The hash ring's run as the CLI prints it and as the widget downloads it:
//! every placement's spread and movement as JSON, or each node's keys
//! before and after the change as CSV rows.

use super::run::node_lines;
use super::scenario::HashRingScenario;
use crate::scenario::csv_field;
use crate::scenario::json::{Obj, ToJson};
use std::fmt::Write as _;

/// Every placement's run as compact JSON: `widget`, `seed`, the `nodes`'
/// names, the `change` (when there is one) and each placement's run
/// (`variants`, as the scenario names them).
pub fn run_json(s: &HashRingScenario) -> Result<String, String> {
    let runs = s.run()?;
    let names: Vec<&str> = s.nodes.iter().map(|n| n.name.as_str()).collect();
    let mut out = String::new();
    Obj::new(&mut out)
        .field("widget", <HashRingScenario as crate::scenario::Family>::KIND)
        .field("seed", &s.seed)
        .field("nodes", &names)
        .field_unless(s.change.is_none(), "change", &s.change)
        .field("variants", &runs)
        .end();
    Ok(out)
}

/// One CSV row per node of each placement: its weight and keys before and
/// after the change.
pub fn run_csv(s: &HashRingScenario) -> Result<String, String> {
    let mut csv = String::from("placement,algorithm,node,weight_before,weight_after,keys_before,keys_after\n");
    let after = s.change.as_ref().map(|c| c.apply(&s.nodes)).transpose()?;
    let now = after.as_deref().unwrap_or(&s.nodes);
    let lines = node_lines(&s.nodes, s.change.as_ref(), now);
    let field = |v: Option<u64>| v.map_or(String::new(), |v| v.to_string());
    for (i, run) in s.run()?.iter().enumerate() {
        for line in &lines {
            let (keys_before, keys_after) = run.keys_of(line);
            let _ = writeln!(
                csv,
                "{},{},{},{},{},{keys_before},{}",
                i + 1,
                run.placement.name(),
                csv_field(line.name),
                field(line.before.map(|b| u64::from(s.nodes[b].weight))),
                field(after.as_ref().and(line.after).map(|a| u64::from(now[a].weight))),
                field(keys_after)
            );
        }
    }
    Ok(csv)
}

/// One placement's answer for one key.
struct Placed<'a> {
    placement: &'static str,
    node: &'a str,
    /// The ring point the key landed on, for libketama's ring and a ring of
    /// chosen points (libketama's own test prints it).
    point: Option<u32>,
}

impl ToJson for Placed<'_> {
    fn write(&self, out: &mut String) {
        Obj::new(out)
            .field("placement", self.placement)
            .field("node", self.node)
            .field_unless(self.point.is_none(), "point", &self.point)
            .end();
    }
}

/// The most keys `sdp place` takes.
pub const MAX_PLACE_KEYS: usize = 10_000_000;

/// Where each of `keys` goes under every placement of `s` (the scenario's
/// own key set aside), before and after its change: a JSON line per key,
/// in the order given, with the `key`, libketama's key hash (`md5`, the
/// first four bytes of its MD5, little-endian), the `xxh64` that jump,
/// rendezvous and Maglev place by, the `placements` and, when the scenario
/// has a change, the placements `after` it. Bounded loads place the keys given together, in
/// order, as they place a scenario's key set.
pub fn place_json_lines(s: &HashRingScenario, keys: &[&str]) -> Result<String, String> {
    s.validate()?;
    if keys.len() > MAX_PLACE_KEYS {
        return Err(format!("at most {MAX_PLACE_KEYS} keys, not {}", keys.len()));
    }
    let hashes = super::KeyHash::all(keys);
    let after_nodes = match &s.change {
        Some(c) => Some(c.apply(&s.nodes)?),
        None => None,
    };
    // Each placement's node per key, and the points of the rings that keep one.
    let place = |nodes: &[super::Node]| -> Vec<(Vec<u32>, Option<Vec<u32>>)> {
        s.placements
            .iter()
            .map(|p| {
                let (placed, _, ring) = p.place(nodes, &hashes);
                let points = ring.filter(|_| !matches!(p, super::run::Placement::BoundedLoads { .. })).map(|r| {
                    hashes.iter().map(|h| r.point_for(h.md5).map_or(0, |pt| pt.point)).collect()
                });
                (placed, points)
            })
            .collect()
    };
    let before = place(&s.nodes);
    let after = after_nodes.as_deref().map(|nodes| (nodes, place(nodes)));
    let mut out = String::with_capacity(keys.len() * 120);
    for (k, key) in keys.iter().enumerate() {
        let after = after.as_ref().map(|(nodes, runs)| placed(nodes, runs, &s.placements, k));
        if k > 0 {
            out.push('\n');
        }
        Obj::new(&mut out)
            .field("key", *key)
            .field("md5", &hashes[k].md5)
            .field("xxh64", &hashes[k].xxh)
            .field("placements", &placed(&s.nodes, &before, &s.placements, k))
            .field_unless(after.is_none(), "after", &after)
            .end();
    }
    Ok(out)
}

/// Each placement's answer for key `k`.
fn placed<'n>(
    nodes: &'n [super::Node],
    runs: &[(Vec<u32>, Option<Vec<u32>>)],
    placements: &[super::run::Placement],
    k: usize,
) -> Vec<Placed<'n>> {
    runs.iter()
        .zip(placements)
        .map(|((placed, points), p)| Placed {
            placement: p.name(),
            node: &nodes[placed[k] as usize].name,
            point: points.as_ref().map(|pts| pts[k]),
        })
        .collect()
}

/// Each ring or table placement's lookup structure, before and after the
/// scenario's change: a JSON line per placement and moment, with the nodes
/// in order and either the ring's points (`[point, node]` pairs in ring
/// order; libketama's ring, the ring of a placement with fewer points, and
/// the ring bounded loads walk) or Maglev's table (a node per slot). Modulo,
/// jump and rendezvous keep no structure and have no line.
pub fn tables_json_lines(s: &HashRingScenario) -> Result<String, String> {
    use super::run::Placement;
    s.validate()?;
    let after = match &s.change {
        Some(c) => Some(c.apply(&s.nodes)?),
        None => None,
    };
    let mut out = String::new();
    for (when, nodes) in [("before", Some(&s.nodes[..])), ("after", after.as_deref())] {
        let Some(nodes) = nodes else { continue };
        let names: Vec<&str> = nodes.iter().map(|n| n.name.as_str()).collect();
        for p in &s.placements {
            let (points, table): (Option<Vec<[u32; 2]>>, _) = match (p, p.ring(nodes)) {
                (_, Some(ring)) => (Some(ring.points().iter().map(|pt| [pt.point, pt.node]).collect()), None),
                (Placement::Maglev { table_size }, None) => (None, Some(super::maglev::Table::new(nodes, *table_size))),
                _ => continue,
            };
            let table = table.as_ref().map(|t| t.entries());
            if !out.is_empty() {
                out.push('\n');
            }
            Obj::new(&mut out)
                .field("placement", p.name())
                .field("when", when)
                .field("nodes", &names)
                .field_unless(points.is_none(), "points", &points)
                .field_unless(table.is_none(), "table", &table)
                .end();
        }
    }
    Ok(out)
}

/// The most keys `sdp jump` takes.
pub const MAX_JUMP_KEYS: usize = 10_000_000;

/// Jump consistent hash of raw 64-bit keys, as Lamping and Veach's
/// `JumpConsistentHash(key, num_buckets)` takes them (no hash of the key
/// first): a JSON line per key, in decimal or `0x` hexadecimal, with its bucket.
pub fn jump_json_lines(buckets: u32, keys: &[&str]) -> Result<String, String> {
    if buckets == 0 {
        return Err("jump needs at least one bucket".into());
    }
    if keys.len() > MAX_JUMP_KEYS {
        return Err(format!("at most {MAX_JUMP_KEYS} keys, not {}", keys.len()));
    }
    let mut out = String::new();
    for (i, line) in keys.iter().enumerate() {
        let key = match line.strip_prefix("0x").or_else(|| line.strip_prefix("0X")) {
            Some(hex) => u64::from_str_radix(hex, 16),
            None => line.parse::<u64>(),
        }
        .map_err(|_| format!("key {}: `{line}` is not a 64-bit unsigned integer (decimal or 0x hexadecimal)", i + 1))?;
        if i > 0 {
            out.push('\n');
        }
        let _ = write!(out, "{{\"key\":{key},\"buckets\":{buckets},\"bucket\":{}}}", super::jump::bucket(key, buckets));
    }
    Ok(out)
}
