//! The sharding widget's drawings and tables as HTML/SVG text: pure
//! functions of a run, tested natively.

use crate::sim::shard::run::{Keys, Reshard, SchemeConfig, SchemeRun, Workload};
use crate::sim::shard::vitess_even_shards;
use crate::ui::chart::{self, nice_max, r, Bar};
use crate::ui::format;
use crate::ui::html::escape;
use std::fmt::Write as _;

/// The bars' `viewBox`.
pub const BARS_VIEW_BOX: &str = "0 0 600 120";
const W: f64 = 600.0;
const H: f64 = 120.0;

/// The scheme in a few words, in its system's own terms.
pub fn scheme_label(c: &SchemeConfig) -> String {
    match c {
        SchemeConfig::HashMod { shards } => format!("Hash modulo {shards}"),
        SchemeConfig::Range { splits } => format!("Range partitioning, {} ranges", splits.len() + 1),
        SchemeConfig::Vitess { shards } => format!("Vitess hash vindex, {} key ranges", shards.len()),
        SchemeConfig::Mongo { chunks, servers } => match servers {
            Some(m) => format!("MongoDB hashed shard key, {chunks} chunks on {m} shards"),
            None => format!("MongoDB hashed shard key, {chunks} chunks"),
        },
        SchemeConfig::Citus { shard_count, nodes } => match nodes {
            Some(m) => format!("Citus hash distribution, {shard_count} shards on {m} workers"),
            None => format!("Citus hash distribution, {shard_count} shards"),
        },
        SchemeConfig::Consistent { shards } => format!("Consistent hashing (libketama's ring), {shards} shards"),
        SchemeConfig::Directory { shards } => format!("Directory (a lookup table), {shards} shards"),
    }
}

/// The scheme's name in the lane's menu, whatever its parameters.
pub fn menu_label(name: &str) -> &'static str {
    match name {
        "hash-mod" => "Hash modulo n",
        "range" => "Range partitioning",
        "vitess" => "Vitess hash vindex",
        "mongo" => "MongoDB hashed shard key",
        "citus" => "Citus hash distribution",
        "consistent" => "Consistent hashing",
        _ => "Directory (lookup table)",
    }
}

/// The number of shards the lane's slider sets.
pub fn shard_count(c: &SchemeConfig) -> u32 {
    match c {
        SchemeConfig::HashMod { shards } | SchemeConfig::Consistent { shards } | SchemeConfig::Directory { shards } => {
            *shards
        }
        SchemeConfig::Range { splits } => splits.len() as u32 + 1,
        SchemeConfig::Vitess { shards } => shards.len() as u32,
        SchemeConfig::Mongo { chunks, .. } => *chunks,
        SchemeConfig::Citus { shard_count, .. } => *shard_count,
    }
}

/// The lowest and highest key the workload writes.
pub fn key_span(w: &Workload) -> (u64, u64) {
    let n = w.rows.max(1) as u64;
    match w.keys {
        Keys::Sequential => (1, n),
        Keys::Timestamps { start_ms, step_ms } => (start_ms, start_ms.saturating_add(step_ms.saturating_mul(n - 1))),
        Keys::Uniform { max } => (0, max.saturating_sub(1)),
        Keys::Zipf { distinct } => (1, distinct as u64),
    }
}

/// The scheme `name` with `n` shards over the workload's keys (ranges split
/// evenly over its key span); servers stay as they were where the scheme has them.
pub fn with_shards(name: &str, n: u32, previous: &SchemeConfig, w: &Workload) -> SchemeConfig {
    let n = n.clamp(2, 64);
    let servers = match previous {
        SchemeConfig::Mongo { servers, .. } => *servers,
        SchemeConfig::Citus { nodes, .. } => *nodes,
        _ => None,
    };
    match name {
        "hash-mod" => SchemeConfig::HashMod { shards: n },
        "range" => {
            let (lo, hi) = key_span(w);
            let span = u128::from(hi - lo) + 1;
            let mut splits: Vec<u64> = (1..n).map(|i| lo + (span * u128::from(i) / u128::from(n)) as u64).collect();
            splits.dedup();
            SchemeConfig::Range { splits }
        }
        "vitess" => SchemeConfig::Vitess { shards: vitess_even_shards(n) },
        "mongo" => SchemeConfig::Mongo { chunks: n, servers: servers.filter(|&m| m <= n) },
        "citus" => SchemeConfig::Citus { shard_count: n, nodes: servers.filter(|&m| m <= n) },
        "consistent" => SchemeConfig::Consistent { shards: n },
        _ => SchemeConfig::Directory { shards: n },
    }
}

/// The bars: rows per server now (after the re-shard, if any), with the rows
/// before as an outline and the mean as a dashed line.
pub fn bars_svg(run: &SchemeRun) -> String {
    let now = run.after.as_ref().unwrap_or(&run.before);
    let servers = now.rows.len().max(run.before.rows.len()).max(1);
    let total: u64 = now.rows.iter().sum();
    let mean = total as f64 / now.rows.len().max(1) as f64;
    let max = nice_max(now.rows.iter().chain(&run.before.rows).copied().max().unwrap_or(0) as f64);
    let rows = |p: &crate::sim::shard::run::Placement, i: usize| p.rows.get(i).copied().unwrap_or(0) as f64;
    let bars: Vec<Bar> = (0..servers)
        .map(|i| Bar {
            class: if mean > 0.0 && rows(now, i) > 1.5 * mean { "bar hot".into() } else { "bar".into() },
            now: rows(now, i),
            before: run.after.as_ref().map(|_| rows(&run.before, i)),
            tick: None,
        })
        .collect();
    let mut svg = chart::bars(&bars, max, W, H);
    if mean > 0.0 {
        let _ = write!(svg, "<path class=\"mean\" d=\"M0 {}H{W}\"></path>", r(chart::bar_level(mean, max, H)));
    }
    svg
}

/// The bars' text alternative: rows per server, before and after.
pub fn rows_table(run: &SchemeRun) -> String {
    let servers = run.before.rows.len().max(run.after.as_ref().map_or(0, |a| a.rows.len()));
    let mut html =
        String::from("<summary>Table: rows per shard</summary><table><thead><tr><th scope=\"col\">Shard</th>");
    html.push_str(if run.after.is_some() {
        "<th scope=\"col\">Rows before</th><th scope=\"col\">Rows after</th></tr></thead><tbody>"
    } else {
        "<th scope=\"col\">Rows</th></tr></thead><tbody>"
    });
    for i in 0..servers {
        let _ = write!(
            html,
            "<tr><th scope=\"row\">{}</th><td>{}</td>",
            i + 1,
            run.before.rows.get(i).copied().unwrap_or(0)
        );
        if let Some(a) = &run.after {
            let _ = write!(html, "<td>{}</td>", a.rows.get(i).copied().unwrap_or(0));
        }
        html.push_str("</tr>");
    }
    html.push_str("</tbody></table>");
    html
}

/// What the re-shard did, in words.
pub fn reshard_text(reshard: Option<&Reshard>, run: &SchemeRun, rows: usize) -> String {
    let Some(change) = reshard else {
        return format!(
            "{} rows; the fullest shard holds {}× the mean.",
            format::thousands(rows as u64),
            format::number(run.before.hottest_over_mean)
        );
    };
    let what = match change {
        Reshard::AddShard => "Adding a shard",
        Reshard::SplitHottest => "Splitting the fullest shard",
    };
    if run.after.is_none() {
        return format!("{what} does not apply to this scheme.");
    }
    format!(
        "{what} moved {} of {} rows ({}%), from {} shard{} to {}.",
        format::thousands(run.rows_moved),
        format::thousands(rows as u64),
        format::number(run.rows_moved as f64 * 100.0 / rows.max(1) as f64),
        run.shards_losing,
        if run.shards_losing == 1 { "" } else { "s" },
        run.shards_gaining
    )
}

/// The summary: one row per scheme.
pub fn summary_table(runs: &[SchemeRun], reshard: bool) -> String {
    let mut html = String::from("<caption>");
    html.push_str(if reshard { "After the re-shard" } else { "Placement of the rows" });
    html.push_str(
        "</caption><thead><tr><th scope=\"col\">Scheme</th><th scope=\"col\">Fullest shard ÷ mean</th>\
         <th scope=\"col\">Newest writes: busiest ÷ mean</th><th scope=\"col\">Shards per range query</th>\
         <th scope=\"col\">Single-shard queries</th>",
    );
    if reshard {
        html.push_str("<th scope=\"col\">Rows moved</th><th scope=\"col\">Shards losing / gaining</th>");
    }
    html.push_str("</tr></thead><tbody>");
    for run in runs {
        let p = run.after.as_ref().unwrap_or(&run.before);
        let _ = write!(
            html,
            "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}%</td>",
            escape(&scheme_label(&run.scheme)),
            format::number(p.hottest_over_mean),
            format::number(p.recent_hottest_over_mean),
            format::number(p.shards_per_query),
            format::number(p.single_shard_queries * 100.0)
        );
        if reshard {
            let _ = write!(
                html,
                "<td>{}</td><td>{} / {}</td>",
                format::thousands(run.rows_moved),
                run.shards_losing,
                run.shards_gaining
            );
        }
        html.push_str("</tr>");
    }
    html.push_str("</tbody>");
    html
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::presets;

    #[test]
    fn ranges_split_the_key_span_evenly() {
        let s = presets::sharding("sequential-ids").unwrap();
        let SchemeConfig::Range { splits } = with_shards("range", 4, &s.schemes[0], &s.workload) else { panic!() };
        assert_eq!(splits, [25_001, 50_001, 75_001]);
        assert_eq!(shard_count(&with_shards("mongo", 8, &s.schemes[0], &s.workload)), 8);
    }

    #[test]
    fn the_summary_and_the_text_give_the_engines_numbers() {
        let s = presets::sharding("sequential-ids").unwrap();
        let runs = s.run().unwrap();
        let html = summary_table(&runs, true);
        assert!(html.contains("<th scope=\"row\">Range partitioning, 4 ranges</th>"), "{html}");
        assert_eq!(html.matches("<tr>").count(), 4);
        let text = reshard_text(s.reshard.as_ref(), &runs[0], s.workload.rows);
        assert!(text.starts_with("Splitting the fullest shard moved "), "{text}");
        assert!(text.contains(&format::thousands(runs[0].rows_moved)));
        // Ranges split their fullest shard: five bars now, four outlines of before.
        let bars = bars_svg(&runs[0]);
        assert_eq!(bars.matches("class=\"bar").count(), 5);
        assert_eq!(bars.matches("class=\"before\"").count(), 5);
        // Hash modulo has no shard to split.
        assert_eq!(
            reshard_text(s.reshard.as_ref(), &runs[1], s.workload.rows),
            "Splitting the fullest shard does not apply to this scheme."
        );
        let table = rows_table(&runs[0]);
        assert!(table.contains("<th scope=\"col\">Rows after</th>"));
    }
}
