//! The hash-ring widget's drawings and tables as HTML/SVG text: pure
//! functions of a run, tested natively.

use crate::sim::hash_ring::run::{node_lines, Change, Placement, PlacementRun};
use crate::sim::hash_ring::Node;
use crate::ui::chart::{self, nice_max, r, Bar};
use crate::ui::format;
use crate::ui::html::escape;
use std::fmt::Write as _;

/// The ring's `viewBox`: a 200-unit square around the centre (100, 100).
pub const RING_VIEW_BOX: &str = "0 0 200 200";
/// The histogram's `viewBox`.
pub const BARS_VIEW_BOX: &str = "0 0 600 120";
const BARS_W: f64 = 600.0;
const BARS_H: f64 = 120.0;
/// Node colours cycle through this many CSS classes (`n0` … `n7`); the node
/// the change touches is `nt` (the text colour), so its keys stand out.
pub const COLOURS: usize = 8;
/// The colour index of the node the change touches: class `nt`.
const TOUCHED: usize = COLOURS;

fn colour_class(i: usize) -> String {
    if i == TOUCHED {
        "nt".into()
    } else {
        format!("n{i}")
    }
}

/// A row's colour index: its place among the rows, or [`TOUCHED`].
fn row_colour(rows: &[NodeRow], i: usize) -> usize {
    if rows[i].touched {
        TOUCHED
    } else {
        i % COLOURS
    }
}
/// Most ring points drawn; a larger ring draws an even subset.
pub const MAX_DRAWN_POINTS: usize = 2_400;

/// The placement in a few words, in its reference's own terms.
pub fn placement_label(v: &Placement) -> String {
    match v {
        Placement::Modulo => "Modulo: hash mod n".into(),
        Placement::Ketama => "ketama (libketama), 160 points per server".into(),
        Placement::Ring { points } => format!("Ring with {points} virtual nodes per server"),
        Placement::Jump => "Jump consistent hash".into(),
        Placement::Rendezvous => "Weighted rendezvous (highest random weight)".into(),
        Placement::Maglev { table_size } => format!("Maglev as Envoy builds it, {} slots", thousands(*table_size)),
        Placement::BoundedLoads { factor } => format!("Bounded loads at {factor}% on the ketama ring (HAProxy)"),
    }
}

/// The algorithm's name in the lane's menu, whatever its parameters.
pub fn menu_label(v: &Placement) -> &'static str {
    match v {
        Placement::Modulo => "Modulo: hash mod n",
        Placement::Ketama => "ketama (libketama)",
        Placement::Ring { .. } => "Ring, virtual nodes of your choice",
        Placement::Jump => "Jump consistent hash",
        Placement::Rendezvous => "Weighted rendezvous",
        Placement::Maglev { .. } => "Maglev (Envoy)",
        Placement::BoundedLoads { .. } => "Bounded loads (HAProxy)",
    }
}

/// Whether the placement is a ring of points that can be drawn.
pub fn has_ring(v: &Placement) -> bool {
    matches!(v, Placement::Ketama | Placement::Ring { .. } | Placement::BoundedLoads { .. })
}

/// How to read the ring for this placement.
pub fn ring_caption(v: &Placement) -> &'static str {
    if matches!(v, Placement::BoundedLoads { .. }) {
        "Ticks are each node's points; a request goes to the first point clockwise from it whose node has room."
    } else if has_ring(v) {
        "Ticks are each node's points; a key belongs to the first point clockwise from it."
    } else {
        "Keys sit at their ring hash for comparison; this placement keeps no ring."
    }
}

pub use crate::ui::format::thousands;

/// A point on the circle of radius `radius` at `h` of the way round (a
/// 32-bit ring position), clockwise from the top.
fn at(h: u32, radius: f64) -> (f64, f64) {
    let a = f64::from(h) / 4_294_967_296.0 * std::f64::consts::TAU;
    (100.0 + radius * a.sin(), 100.0 - radius * a.cos())
}

/// Each node's colour class index: its place among [`node_rows`] (the nodes
/// before the change, then a new one), so the ring and the histogram agree.
fn colours(rows: &[NodeRow], nodes: &[Node]) -> Vec<usize> {
    nodes.iter().map(|n| rows.iter().position(|r| r.name == n.name).map_or(0, |i| row_colour(rows, i))).collect()
}

/// The ring: the circle, each node's points (for ring placements) as ticks
/// in its colour, and the sample keys at their ring hash, coloured by the
/// node that holds them now. Keys the last change moved are drawn larger
/// with an outline (and, motion allowing, a pulse). `hashes` are the sample
/// keys' ring hashes, in the order of `run.sample`.
pub fn ring_svg(nodes: &[Node], after: Option<&[Node]>, rows: &[NodeRow], run: &PlacementRun, hashes: &[u32]) -> String {
    let now = after.unwrap_or(nodes);
    let (colour_before, colour_now) = (colours(rows, nodes), colours(rows, now));
    let mut svg = String::from("<circle class=\"ring\" cx=\"100\" cy=\"100\" r=\"80\"></circle>");
    if let Some(ring) = &run.ring {
        let points = ring.points();
        let every = points.len().div_ceil(MAX_DRAWN_POINTS).max(1);
        let mut paths = vec![String::new(); COLOURS + 1];
        for p in points.iter().step_by(every) {
            let (x0, y0) = at(p.point, 76.0);
            let (x1, y1) = at(p.point, 86.0);
            let _ = write!(paths[colour_now[p.node as usize]], "M{} {}L{} {}", r(x0), r(y0), r(x1), r(y1));
        }
        for (i, d) in paths.iter().enumerate().filter(|(_, d)| !d.is_empty()) {
            let _ = write!(svg, "<path class=\"point {}\" d=\"{d}\"></path>", colour_class(i));
        }
    }
    for (&h, &(b, a)) in hashes.iter().zip(&run.sample) {
        let moved = a.is_some_and(|a| now[a as usize].name != nodes[b as usize].name);
        let colour = a.map_or(colour_before[b as usize], |a| colour_now[a as usize]);
        let (x, y) = at(h, 68.0);
        let _ = write!(svg, "<circle class=\"key {}", colour_class(colour));
        if moved {
            // The pulse starts in the colour of the node the key left.
            let _ = write!(svg, " moved\" style=\"--from:var(--{})", colour_class(colour_before[b as usize]));
        }
        let _ = write!(svg, "\" cx=\"{}\" cy=\"{}\" r=\"{}\"></circle>", r(x), r(y), if moved { "3.4" } else { "2" });
    }
    svg
}

/// One node's line in the histogram and its table.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeRow {
    pub name: String,
    /// Weight before and after the change (`None`: not there).
    pub weight: (Option<u32>, Option<u32>),
    /// Keys before and after the change (`None` for after: no change).
    pub keys: (u64, Option<u64>),
    /// The node's fair share of the keys now: its weight's share.
    pub fair: f64,
    /// Whether the change adds, removes or re-weights this node.
    pub touched: bool,
}

/// Every node before or after the change, in order (a new node last), with
/// its keys before and after.
pub fn node_rows(
    nodes: &[Node],
    change: Option<&Change>,
    after: Option<&[Node]>,
    run: &PlacementRun,
    total: u64,
) -> Vec<NodeRow> {
    let now = after.unwrap_or(nodes);
    let weight_now: u64 = now.iter().map(|n| u64::from(n.weight)).sum::<u64>().max(1);
    node_lines(nodes, change.filter(|_| after.is_some()), now)
        .iter()
        .map(|line| {
            let w_before = line.before.map(|b| nodes[b].weight);
            let w_now = line.after.map(|a| now[a].weight);
            NodeRow {
                touched: after.is_some() && w_before != w_now,
                name: line.name.to_string(),
                weight: (w_before, w_now),
                keys: run.keys_of(line),
                fair: total as f64 * f64::from(w_now.unwrap_or(0)) / weight_now as f64,
            }
        })
        .collect()
}

/// The load histogram: a bar per node of its keys now (in its colour), the
/// keys it held before the change as an outline, and its fair share as a
/// dashed tick.
pub fn histogram_svg(rows: &[NodeRow]) -> String {
    let max =
        nice_max(rows.iter().map(|r| (r.keys.0.max(r.keys.1.unwrap_or(0)) as f64).max(r.fair)).fold(0.0, f64::max));
    let bars: Vec<Bar> = rows
        .iter()
        .enumerate()
        .map(|(i, row)| Bar {
            class: format!("bar {}", colour_class(row_colour(rows, i))),
            now: row.keys.1.unwrap_or(row.keys.0) as f64,
            before: row.keys.1.map(|_| row.keys.0 as f64),
            tick: (row.fair > 0.0).then_some(row.fair),
        })
        .collect();
    chart::bars(&bars, max, BARS_W, BARS_H)
}

/// The histogram's text alternative: keys per node, before and after.
pub fn node_table(rows: &[NodeRow]) -> String {
    let change = rows.iter().any(|r| r.keys.1.is_some());
    let mut html = String::from(
        "<summary>Table: keys per node</summary><table><thead><tr><th scope=\"col\">Node</th><th scope=\"col\">Weight</th>",
    );
    html.push_str(if change {
        "<th scope=\"col\">Keys before</th><th scope=\"col\">Keys after</th><th scope=\"col\">Fair share after</th></tr></thead><tbody>"
    } else {
        "<th scope=\"col\">Keys</th><th scope=\"col\">Fair share</th></tr></thead><tbody>"
    });
    let weight = |w: Option<u32>| w.map_or("–".to_string(), |w| w.to_string());
    for row in rows {
        let w = if row.weight.0 == row.weight.1 {
            weight(row.weight.0)
        } else {
            format!("{} → {}", weight(row.weight.0), weight(row.weight.1))
        };
        let _ = write!(html, "<tr><th scope=\"row\">{}</th><td>{w}</td><td>{}</td>", escape(&row.name), row.keys.0);
        if let Some(after) = row.keys.1 {
            let _ = write!(html, "<td>{after}</td>");
        }
        let _ = write!(html, "<td>{}</td></tr>", format::number(row.fair));
    }
    html.push_str("</tbody></table>");
    html
}

/// The change in words: "Adding cache-11:11211".
pub fn change_words(c: &Change) -> String {
    match c {
        Change::Add(n) if n.weight == 1 => format!("Adding {}", n.name),
        Change::Add(n) => format!("Adding {} (weight {})", n.name, n.weight),
        Change::Remove(name) => format!("Removing {name}"),
        Change::Reweight { name, weight } => format!("Re-weighting {name} to {weight}"),
    }
}

/// What the last change moved under one placement, against the least any
/// placement must move.
pub fn moved_text(change: Option<&Change>, run: &PlacementRun, total: u64) -> String {
    let Some(c) = change else {
        return format!("{} keys placed; no change to the nodes yet.", thousands(total));
    };
    let mut text = format!(
        "{} moved {} of {} keys ({}); the least possible is {}.",
        change_words(c),
        thousands(run.moved),
        thousands(total),
        format::percent(run.moved_fraction),
        format::percent(run.ideal_fraction)
    );
    if run.moved_elsewhere > 0 {
        let _ = write!(text, " {} moved between nodes the change did not touch.", thousands(run.moved_elsewhere));
    }
    text
}

/// A screen reader's summary of the ring and the histogram.
pub fn lane_label(v: &Placement, rows: &[NodeRow]) -> String {
    let now = |r: &NodeRow| r.keys.1.unwrap_or(r.keys.0);
    let busiest = rows.iter().max_by_key(|r| now(r));
    let mut text = format!("{} over {} nodes", placement_label(v), rows.iter().filter(|r| r.weight.1.is_some()).count());
    if let Some(b) = busiest {
        let _ = write!(
            text,
            "; the busiest, {}, holds {} keys against a fair share of {}",
            b.name,
            now(b),
            format::number(b.fair)
        );
    }
    text
}

/// Bytes in words: `25.6 KB`.
pub fn bytes(n: usize) -> String {
    match n {
        0 => "none".into(),
        n if n < 1024 => format!("{n} B"),
        n if n < 1024 * 1024 => format!("{} KB", format::number(n as f64 / 1024.0)),
        n => format!("{} MB", format::number(n as f64 / (1024.0 * 1024.0))),
    }
}

/// The summary: one row per placement, what the change moved and how even
/// the load is now.
pub fn summary_table(runs: &[PlacementRun], change: bool) -> String {
    let mut html = String::from("<caption>");
    html.push_str(if change { "After the change" } else { "Placement of the keys" });
    html.push_str("</caption><thead><tr><th scope=\"col\">Placement</th>");
    if change {
        html.push_str("<th scope=\"col\">Keys moved</th><th scope=\"col\">Least possible</th><th scope=\"col\">Between other nodes</th>");
    }
    html.push_str(
        "<th scope=\"col\">Busiest node ÷ fair share</th><th scope=\"col\">Std. deviation</th><th scope=\"col\">Lookup memory</th></tr></thead><tbody>",
    );
    for run in runs {
        let spread = run.after.as_ref().unwrap_or(&run.before);
        let _ = write!(html, "<tr><th scope=\"row\">{}</th>", escape(&placement_label(&run.placement)));
        if change {
            let _ = write!(
                html,
                "<td>{} ({})</td><td>{}</td><td>{}</td>",
                thousands(run.moved),
                format::percent(run.moved_fraction),
                format::percent(run.ideal_fraction),
                thousands(run.moved_elsewhere)
            );
        }
        let _ = write!(
            html,
            "<td>{}</td><td>{}</td><td>{}</td></tr>",
            format::number(spread.max_over_fair),
            format::number(spread.stddev),
            bytes(run.memory_bytes)
        );
    }
    html.push_str("</tbody>");
    html
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::hash_ring::presets;

    fn add_node_run() -> (crate::scenario::HashRingScenario, Vec<PlacementRun>, Vec<u32>) {
        let s = presets::preset("add-node").unwrap();
        let keys = s.hash_keys();
        let runs = s.run_on(&keys, 240).unwrap();
        (s, runs, keys.iter().take(240).map(|k| k.md5).collect())
    }

    #[test]
    fn bytes_in_words() {
        assert_eq!(bytes(0), "none");
        assert_eq!(bytes(12_800), "12.5 KB");
        assert_eq!(bytes(3 * 1024 * 1024), "3 MB");
    }

    #[test]
    fn rows_follow_an_added_node() {
        let (s, runs, _) = add_node_run();
        let after = s.change.as_ref().unwrap().apply(&s.nodes).unwrap();
        let rows = node_rows(&s.nodes, s.change.as_ref(), Some(&after), &runs[1], 100_000);
        assert_eq!(rows.len(), 11);
        let new = &rows[10];
        assert_eq!((new.name.as_str(), new.weight, new.keys.0), ("cache-11:11211", (None, Some(1)), 0));
        // Under ketama the newcomer's keys are exactly the moved ones.
        assert_eq!(new.keys.1, Some(runs[1].moved));
        assert_eq!(rows.iter().map(|r| r.keys.0).sum::<u64>(), 100_000);
        assert_eq!(rows.iter().map(|r| r.keys.1.unwrap()).sum::<u64>(), 100_000);
        assert!((rows[0].fair - 100_000.0 / 11.0).abs() < 1e-9);
    }

    #[test]
    fn rows_keep_a_removed_node_with_no_keys_after() {
        let s = presets::preset("remove-node").unwrap();
        let runs = s.run().unwrap();
        let after = s.change.as_ref().unwrap().apply(&s.nodes).unwrap();
        let rows = node_rows(&s.nodes, s.change.as_ref(), Some(&after), &runs[0], 100_000);
        let gone = rows.iter().find(|r| r.name == "cache-4:11211").unwrap();
        assert_eq!((gone.weight, gone.keys.1, gone.fair), ((Some(1), None), Some(0), 0.0));
        assert_eq!(gone.keys.0, runs[0].moved, "ketama moves only the leaver's keys");
    }

    #[test]
    fn the_moved_text_gives_the_engines_numbers() {
        let (s, runs, _) = add_node_run();
        let text = moved_text(s.change.as_ref(), &runs[0], 100_000);
        assert_eq!(
            text,
            format!(
                "Adding cache-11:11211 moved {} of 100,000 keys ({}%); the least possible is 9.09%. {} moved between nodes the change did not touch.",
                thousands(runs[0].moved),
                format::number(runs[0].moved_fraction * 100.0),
                thousands(runs[0].moved_elsewhere)
            )
        );
        assert!(runs[0].moved > 90_000, "modulo moves almost everything");
        assert_eq!(moved_text(None, &runs[0], 5), "5 keys placed; no change to the nodes yet.");
    }

    #[test]
    fn the_ring_draws_points_and_marks_moved_keys() {
        let (s, runs, hashes) = add_node_run();
        let after = s.change.as_ref().unwrap().apply(&s.nodes).unwrap();
        let rows = node_rows(&s.nodes, s.change.as_ref(), Some(&after), &runs[1], 100_000);
        let svg = ring_svg(&s.nodes, Some(&after), &rows, &runs[1], &hashes);
        // 11 nodes × 160 points, all drawn, in 8 colour paths.
        assert_eq!(svg.matches("<path class=\"point").count(), 9);
        assert_eq!(svg.matches('M').count(), 11 * 160);
        assert_eq!(svg.matches("<circle class=\"key").count(), 240);
        let moved = runs[1].sample.iter().filter(|(b, a)| Some(*b) != *a).count();
        assert_eq!(svg.matches(" moved\"").count(), moved);
        assert!(moved > 0);
        // Every moved key went to the new node (the touched colour, nt) under
        // ketama, and its pulse starts in the colour of the node it left.
        for c in svg.split("<circle").filter(|c| c.contains(" moved")) {
            assert!(c.starts_with(" class=\"key nt moved\" style=\"--from:var(--n"), "{c}");
        }
        assert_eq!(svg.matches("<path class=\"point nt\"").count(), 1);
        assert!(svg.contains("style=\"--from:var(--n0)\""));
        // Modulo keeps no ring: keys only.
        let modulo = ring_svg(&s.nodes, Some(&after), &rows, &runs[0], &hashes);
        assert_eq!(modulo.matches("<path").count(), 0);
    }

    #[test]
    fn the_histogram_has_a_bar_an_outline_and_a_fair_tick_per_node() {
        let (s, runs, _) = add_node_run();
        let after = s.change.as_ref().unwrap().apply(&s.nodes).unwrap();
        let rows = node_rows(&s.nodes, s.change.as_ref(), Some(&after), &runs[2], 100_000);
        let svg = histogram_svg(&rows);
        assert_eq!(svg.matches("class=\"bar ").count(), 11);
        assert_eq!(svg.matches("class=\"before\"").count(), 11);
        assert_eq!(svg.matches("class=\"fair\"").count(), 11);
        let table = node_table(&rows);
        assert!(table.contains("<th scope=\"row\">cache-11:11211</th><td>– → 1</td><td>0</td>"), "{table}");
    }

    #[test]
    fn the_summary_names_each_placement() {
        let (_, runs, _) = add_node_run();
        let html = summary_table(&runs, true);
        assert!(html.contains("<th scope=\"row\">Modulo: hash mod n</th>"));
        assert!(html.contains("<th scope=\"row\">ketama (libketama), 160 points per server</th>"));
        assert!(html.contains("<th scope=\"row\">Jump consistent hash</th><td>"));
        assert!(html.contains("<td>9.09%</td>"));
        assert_eq!(html.matches("<tr>").count(), 4);
    }
}
