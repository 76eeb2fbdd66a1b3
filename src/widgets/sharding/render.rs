//! The sharding widget's drawings and tables as HTML/SVG text: pure
//! functions of a run, tested natively.

use crate::sim::sharding::config::{CitusRebalance, MongoBalancer, SchemeConfig};
use crate::sim::sharding::drawn::Drawn;
use crate::sim::sharding::reshard::Reshard;
use crate::sim::sharding::run::SchemeRun;
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
        SchemeConfig::Mongo { chunks, servers, balancer } => match (servers, balancer) {
            (Some(m), MongoBalancer::ChunkCount) => {
                format!("MongoDB hashed shard key, {chunks} chunks on {m} shards, balanced by chunk count")
            }
            (Some(m), MongoBalancer::DataSize { doc_bytes, range_mb }) => format!(
                "MongoDB hashed shard key, {chunks} chunks on {m} shards, balanced by data size ({doc_bytes}-byte documents, {range_mb} MB ranges)"
            ),
            (None, _) => format!("MongoDB hashed shard key, {chunks} chunks"),
        },
        SchemeConfig::Citus { shard_count, nodes, rebalance } => match (nodes, rebalance) {
            (Some(m), CitusRebalance::ByShardCount) => {
                format!("Citus hash distribution, {shard_count} shards on {m} workers, rebalanced by shard count")
            }
            (Some(m), CitusRebalance::ByDiskSize { row_bytes }) => format!(
                "Citus hash distribution, {shard_count} shards on {m} workers, rebalanced by disk size ({row_bytes}-byte rows)"
            ),
            (None, _) => format!("Citus hash distribution, {shard_count} shards"),
        },
        SchemeConfig::Consistent { shards } => format!("Consistent hashing (libketama's ring), {shards} shards"),
        SchemeConfig::Directory { shards } => format!("Directory (a lookup table), {shards} shards"),
        SchemeConfig::Region { shards, .. } => format!("Vitess region_json vindex, {} key ranges", shards.len()),
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
        "region" => "Vitess region vindex (by country)",
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
        SchemeConfig::Vitess { shards } | SchemeConfig::Region { shards, .. } => shards.len() as u32,
        SchemeConfig::Mongo { chunks, .. } => *chunks,
        SchemeConfig::Citus { shard_count, .. } => *shard_count,
    }
}

/// The bars: rows per server now (after the re-shard, if any), with the rows
/// before as an outline, the mean as a dashed line, and the servers the
/// inspected query asks marked.
pub fn bars_svg(run: &SchemeRun, asked: &[usize]) -> String {
    let now = run.after.as_ref().unwrap_or(&run.before);
    let servers = now.rows.len().max(run.before.rows.len()).max(1);
    let total: u64 = now.rows.iter().sum();
    let mean = total as f64 / now.rows.len().max(1) as f64;
    let max = nice_max(now.rows.iter().chain(&run.before.rows).copied().max().unwrap_or(0) as f64);
    let rows = |p: &crate::sim::sharding::run::Placement, i: usize| p.rows.get(i).copied().unwrap_or(0) as f64;
    // A shard glows when its load, its rows and the reads it answers, is over 1.5× the mean load.
    let load = |i: usize| rows(now, i) + now.reads.as_ref().and_then(|r| r.get(i)).copied().unwrap_or(0) as f64;
    let mean_load = (0..now.rows.len()).map(load).sum::<f64>() / now.rows.len().max(1) as f64;
    let bars: Vec<Bar> = (0..servers)
        .map(|i| Bar {
            class: format!(
                "bar{}{}",
                if mean_load > 0.0 && load(i) > 1.5 * mean_load { " hot" } else { "" },
                if asked.contains(&i) { " asked" } else { "" }
            ),
            now: rows(now, i),
            before: run.after.as_ref().map(|_| rows(&run.before, i)),
            tick: None,
        })
        .collect();
    let mut svg = chart::bars(&bars, max, W, H);
    if mean > 0.0 {
        let _ = write!(svg, "<path class=\"mean\" d=\"M0 {}H{}\"></path>", r(chart::bar_level(mean, max, H)), r(W));
    }
    svg
}

/// The bars' text alternative: rows per server, before and after.
pub fn rows_table(run: &SchemeRun) -> String {
    let servers = run.before.rows.len().max(run.after.as_ref().map_or(0, |a| a.rows.len()));
    let mut html =
        String::from("<summary>Table: rows per shard</summary><table><thead><tr><th scope=\"col\">Shard</th>");
    html.push_str(if run.after.is_some() {
        "<th scope=\"col\">Rows before</th><th scope=\"col\">Rows after</th>"
    } else {
        "<th scope=\"col\">Rows</th>"
    });
    let reads = run.after.as_ref().unwrap_or(&run.before).reads.as_ref();
    if reads.is_some() {
        html.push_str("<th scope=\"col\">Reads</th>");
    }
    html.push_str("</tr></thead><tbody>");
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
        if let Some(r) = reads {
            let _ = write!(html, "<td>{}</td>", r.get(i).copied().unwrap_or(0));
        }
        html.push_str("</tr>");
    }
    html.push_str("</tbody></table>");
    html
}

/// Shard numbers as a reader counts them, in words: "2", "2 and 3", "1, 2 and 4".
fn shard_list(servers: &[usize]) -> String {
    let names: Vec<String> = servers.iter().map(|s| (s + 1).to_string()).collect();
    match names.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

/// The inspected query in words: where its rows live and which shards the
/// router asks for them.
pub fn inspect_text(run: &SchemeRun, lo: u64, hi: u64, traffic: &Drawn) -> String {
    let router = &run.router;
    let asked = router.asks(lo, hi);
    let (keys, rows) = traffic.keys_in(lo, hi);
    let mut held = vec![false; router.servers()];
    for s in keys.iter().filter_map(|&k| router.locate(k)) {
        held[s] = true;
    }
    let holding: Vec<usize> = (0..held.len()).filter(|&s| held[s]).collect();
    let what = if lo == hi {
        format!("Key {}", format::thousands(lo))
    } else {
        format!("Keys {} to {}", format::thousands(lo), format::thousands(hi))
    };
    let rows = match rows {
        0 => "no rows".to_string(),
        1 => "1 row".to_string(),
        n => format!("{} rows", format::thousands(n)),
    };
    let shards = |n: usize| if n == 1 { "shard" } else { "shards" };
    let live = if holding.is_empty() {
        String::new()
    } else {
        format!(", on {} {}", shards(holding.len()), shard_list(&holding))
    };
    let n = router.servers();
    let asks = match &run.scheme {
        _ if asked.is_empty() => "the directory holds none of them, so no shard is asked".to_string(),
        SchemeConfig::Range { .. } => format!("the router asks {} {} of {n}", shards(asked.len()), shard_list(&asked)),
        SchemeConfig::Directory { .. } => format!(
            "the directory names {} {}, and the router asks {}",
            shards(asked.len()),
            shard_list(&asked),
            if asked.len() == 1 { "it" } else { "those" }
        ),
        _ if lo == hi || n == 1 => format!("the router asks {} {} of {n}", shards(asked.len()), shard_list(&asked)),
        _ => format!("a hash scatters neighbouring keys, so the router asks all {n} shards (scatter-gather)"),
    };
    format!("{what}: {rows}{live}; {asks}.")
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
        Reshard::MoveChunk => "Moving one chunk",
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
    let countries = runs.iter().any(|r| r.before.shards_per_country.is_some());
    if countries {
        html.push_str("<th scope=\"col\">Shards per country</th>");
    }
    let reads = runs.iter().any(|r| r.before.busiest_load_over_mean.is_some());
    if reads {
        html.push_str("<th scope=\"col\">Busiest load (writes and reads) ÷ mean</th>");
    }
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
        if countries {
            let _ = write!(html, "<td>{}</td>", p.shards_per_country.map_or("–".to_string(), format::number));
        }
        if reads {
            let _ = write!(html, "<td>{}</td>", p.busiest_load_over_mean.map_or("–".to_string(), format::number));
        }
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
    use crate::sim::sharding::presets;

    #[test]
    fn ranges_split_the_key_span_evenly() {
        let s = presets::preset("sequential-ids").unwrap();
        let SchemeConfig::Range { splits } = SchemeConfig::named("range", 4, &s.schemes[0], &s.workload) else {
            panic!()
        };
        assert_eq!(splits, [25_001, 50_001, 75_001]);
        assert_eq!(shard_count(&SchemeConfig::named("mongo", 8, &s.schemes[0], &s.workload)), 8);
    }

    #[test]
    fn the_summary_and_the_text_give_the_engines_numbers() {
        let s = presets::preset("sequential-ids").unwrap();
        let runs = s.run().unwrap();
        let html = summary_table(&runs, true);
        assert!(html.contains("<th scope=\"row\">Range partitioning, 4 ranges</th>"), "{html}");
        assert_eq!(html.matches("<tr>").count(), 4);
        let text = reshard_text(s.reshard.as_ref(), &runs[0], s.workload.rows);
        assert!(text.starts_with("Splitting the fullest shard moved "), "{text}");
        assert!(text.contains(&format::thousands(runs[0].rows_moved)));
        // Ranges split their fullest shard: five bars now, four outlines of before.
        let bars = bars_svg(&runs[0], &[1]);
        assert_eq!(bars.matches("class=\"bar").count(), 5);
        assert_eq!(bars.matches("class=\"before\"").count(), 5);
        assert_eq!(bars.matches("class=\"bar asked\"").count(), 1);
        // Hash modulo has no shard to split.
        assert_eq!(
            reshard_text(s.reshard.as_ref(), &runs[1], s.workload.rows),
            "Splitting the fullest shard does not apply to this scheme."
        );
        let table = rows_table(&runs[0]);
        assert!(table.contains("<th scope=\"col\">Rows after</th>"));
    }

    #[test]
    fn the_inspector_names_where_rows_live_and_whom_the_router_asks() {
        let s = presets::preset("sequential-ids").unwrap();
        let traffic = s.traffic();
        let runs = s.run().unwrap();
        // Ranges split at 25,000, 50,000 and 75,000, then the fullest (the last) at its median.
        assert_eq!(
            inspect_text(&runs[0], 24_951, 25_050, &traffic),
            "Keys 24,951 to 25,050: 100 rows, on shards 1 and 2; the router asks shards 1 and 2 of 5."
        );
        assert_eq!(
            inspect_text(&runs[1], 24_951, 25_050, &traffic),
            "Keys 24,951 to 25,050: 100 rows, on shards 1, 2, 3 and 4; a hash scatters neighbouring keys, so the router asks all 4 shards (scatter-gather)."
        );
        assert_eq!(
            inspect_text(&runs[1], 7, 7, &traffic),
            format!(
                "Key 7: 1 row, on shard {}; the router asks shard {} of 4.",
                runs[1].router.locate(7).unwrap() + 1,
                runs[1].router.locate(7).unwrap() + 1
            )
        );
        assert_eq!(
            inspect_text(&runs[0], 200_000, 200_009, &traffic),
            "Keys 200,000 to 200,009: no rows; the router asks shard 5 of 5."
        );
    }
}
