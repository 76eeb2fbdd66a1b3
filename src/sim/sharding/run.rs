//! A drawn workload through one sharding scheme, and through a re-shard:
//! where its rows land, and how its rows, queries, countries and reads
//! spread over the servers.

use super::config::{Layout, SchemeConfig};
use super::directory::run_directory;
use super::drawn::Drawn;
use super::query::{Router, RouterKind};
use super::reshard::{hottest_shard, reshard, Reshard};
use super::scheme::Scheme;
use super::workload::Reads;
use crate::scenario::json::{Obj, ToJson};
use std::sync::Arc;

/// Rows and queries per shard under one scheme.
#[derive(Clone, Debug, PartialEq)]
pub struct Placement {
    pub rows: Vec<u64>,
    pub hottest_over_mean: f64,
    /// The same for the last tenth of the writes: where new rows go now
    /// (monotonic keys under range partitioning all land on the last shard).
    pub recent_hottest_over_mean: f64,
    /// Mean number of shards a range query asks, and the share that ask one.
    pub shards_per_query: f64,
    pub single_shard_queries: f64,
    /// When the workload has countries: the mean number of servers holding a
    /// country's rows (1 when each country lives in one place).
    pub shards_per_country: Option<f64>,
    /// When the workload reads: the point reads each server answers (in
    /// expectation: reads per write × rows, spread as the read rows are),
    /// and the busiest server's writes and reads together over the mean.
    pub reads: Option<Vec<u64>>,
    pub busiest_load_over_mean: Option<f64>,
}

impl ToJson for Placement {
    fn write(&self, out: &mut String) {
        Obj::new(out)
            .field("rows", &self.rows)
            .field("hottest_over_mean", &self.hottest_over_mean)
            .field("recent_hottest_over_mean", &self.recent_hottest_over_mean)
            .field("shards_per_query", &self.shards_per_query)
            .field("single_shard_queries", &self.single_shard_queries)
            .field_unless(self.shards_per_country.is_none(), "shards_per_country", &self.shards_per_country)
            .field_unless(self.reads.is_none(), "reads", &self.reads)
            .field_unless(self.busiest_load_over_mean.is_none(), "busiest_load_over_mean", &self.busiest_load_over_mean)
            .end();
    }
}

impl Placement {
    /// The spread of rows placed on `routed` servers (of `servers`), of
    /// queries that asked `touched` servers each, and of the traffic's countries.
    pub(super) fn of(routed: &[usize], servers: usize, touched: &[usize], traffic: &Drawn) -> Placement {
        let spread = |placed: &[usize]| {
            let mut rows = vec![0u64; servers];
            for &s in placed {
                rows[s] += 1;
            }
            let mean = placed.len() as f64 / servers.max(1) as f64;
            let hottest = rows.iter().copied().max().unwrap_or(0) as f64;
            (rows, if mean > 0.0 { hottest / mean } else { 0.0 })
        };
        let (rows, hottest_over_mean) = spread(routed);
        let newest = &routed[routed.len() - routed.len().div_ceil(10)..];
        let (recent_rows, recent_hottest_over_mean) = spread(newest);
        let (reads, busiest_load_over_mean) = match traffic.reads_per_write {
            0 => (None, None),
            r => {
                // r reads per row written, over every row or over the newest tenth.
                let total = u128::from(r) * routed.len() as u128;
                let (target, targets) = match traffic.reads {
                    Reads::Uniform => (&rows, routed.len()),
                    Reads::Recent => (&recent_rows, newest.len()),
                };
                let reads: Vec<u64> =
                    target.iter().map(|&n| (total * u128::from(n) / targets.max(1) as u128) as u64).collect();
                let load: Vec<u64> = rows.iter().zip(&reads).map(|(w, r)| w + r).collect();
                let mean = load.iter().sum::<u64>() as f64 / servers.max(1) as f64;
                let busiest = load.iter().copied().max().unwrap_or(0) as f64;
                (Some(reads), Some(if mean > 0.0 { busiest / mean } else { 0.0 }))
            }
        };
        let q = touched.len().max(1) as f64;
        Placement {
            rows,
            hottest_over_mean,
            recent_hottest_over_mean,
            shards_per_query: touched.iter().sum::<usize>() as f64 / q,
            single_shard_queries: touched.iter().filter(|&&t| t == 1).count() as f64 / q,
            shards_per_country: shards_per_country(routed, servers, traffic),
            reads,
            busiest_load_over_mean,
        }
    }
}

/// The mean number of servers holding each country's rows (of the countries with any).
fn shards_per_country(routed: &[usize], servers: usize, traffic: &Drawn) -> Option<f64> {
    if traffic.countries.is_empty() || traffic.country.len() != routed.len() {
        return None;
    }
    let n = traffic.countries.len();
    let mut seen = vec![false; n * servers];
    for (&c, &s) in traffic.country.iter().zip(routed) {
        seen[usize::from(c) * servers + s] = true;
    }
    let per: Vec<usize> = (0..n).map(|c| seen[c * servers..(c + 1) * servers].iter().filter(|&&x| x).count()).collect();
    let present: Vec<usize> = per.into_iter().filter(|&k| k > 0).collect();
    Some(present.iter().sum::<usize>() as f64 / present.len().max(1) as f64)
}

/// One scheme's result.
#[derive(Clone, Debug, PartialEq)]
pub struct SchemeRun {
    pub scheme: SchemeConfig,
    pub before: Placement,
    pub after: Option<Placement>,
    /// Rows that live on a different shard after the re-shard. Shards are
    /// matched by position, except that after a split the shards past the
    /// split one keep their identity one place along.
    pub rows_moved: u64,
    /// Shards that lost rows (numbered as before) and shards that gained them (as after).
    pub shards_losing: usize,
    pub shards_gaining: usize,
    /// The scheme as the run leaves it (not reported in JSON).
    pub router: Arc<Router>,
}

/// The scheme, its placements and what the re-shard moved (not its router).
impl ToJson for SchemeRun {
    fn write(&self, out: &mut String) {
        Obj::new(out)
            .field("scheme", &self.scheme)
            .field("before", &self.before)
            .field_unless(self.after.is_none(), "after", &self.after)
            .field("rows_moved", &self.rows_moved)
            .field("shards_losing", &self.shards_losing)
            .field("shards_gaining", &self.shards_gaining)
            .end();
    }
}

impl SchemeRun {
    /// A run before any re-shard.
    pub(super) fn unchanged(scheme: &SchemeConfig, before: Placement, router: Router) -> SchemeRun {
        SchemeRun {
            scheme: scheme.clone(),
            before,
            after: None,
            rows_moved: 0,
            shards_losing: 0,
            shards_gaining: 0,
            router: Arc::new(router),
        }
    }
}

/// Where the traffic's keys land (server indices) and how rows and queries spread over the servers.
fn place(scheme: &Scheme, layout: &Layout, traffic: &Drawn) -> (Vec<usize>, Placement, Router) {
    // Each row's country, when the workload has them (only a region scheme reads it).
    let country = |row: usize| traffic.country.get(row).map_or(0, |&c| usize::from(c));
    let routed: Vec<usize> = traffic
        .hashes(scheme.family())
        .iter()
        .enumerate()
        .map(|(row, &h)| layout.of[scheme.route_in(h, country(row))])
        .collect();
    let router = Router(RouterKind::Scheme { scheme: scheme.clone(), layout: layout.clone() });
    let touched: Vec<usize> = traffic.queries.iter().map(|&(lo, hi)| router.asks(lo, hi).len()).collect();
    let placement = Placement::of(&routed, layout.servers, &touched, traffic);
    (routed, placement, router)
}

/// Runs the traffic through `config`, and through the re-shard if it applies.
pub fn run_scheme(config: &SchemeConfig, traffic: &Drawn, change: Option<&Reshard>) -> Result<SchemeRun, String> {
    let scheme = config.scheme_for(&traffic.countries)?;
    if let SchemeConfig::Directory { shards } = config {
        return Ok(run_directory(config, *shards as usize, traffic, change));
    }
    let layout = config.layout(scheme.shard_count());
    let (routed, before, router) = place(&scheme, &layout, traffic);
    let mut run = SchemeRun::unchanged(config, before, router);
    let next = change.and_then(|c| reshard(config, &scheme, &layout, c, traffic, &routed, &run.before.rows));
    if let Some((next, next_layout)) = next {
        let (routed_after, after, router) = place(&next, &next_layout, traffic);
        let split = matches!(change, Some(Reshard::SplitHottest));
        let hottest = hottest_shard(&run.before.rows);
        let (mut losing, mut gaining) = (vec![false; layout.servers], vec![false; next_layout.servers]);
        for (&b, &a) in routed.iter().zip(&routed_after) {
            let stayed = if split && b > hottest { a == b + 1 } else { a == b };
            if !stayed {
                run.rows_moved += 1;
                losing[b] = true;
                gaining[a] = true;
            }
        }
        run.shards_losing = losing.iter().filter(|&&x| x).count();
        run.shards_gaining = gaining.iter().filter(|&&x| x).count();
        run.after = Some(after);
        run.router = Arc::new(router);
    }
    Ok(run)
}
