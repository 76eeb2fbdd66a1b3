//! Which server holds a key and which servers a range query asks, under a
//! scheme as a run leaves it: what the query inspector reads.

use super::config::Layout;
use super::directory::Distinct;
use super::scheme::Scheme;
use std::sync::Arc;

/// Where a scheme puts keys and which servers a query asks, as the run
/// leaves it (after the re-shard, if one applied): what the query
/// inspector reads.
#[derive(Clone, Debug, PartialEq)]
pub struct Router(pub(super) RouterKind);

#[derive(Clone, Debug, PartialEq)]
pub(super) enum RouterKind {
    Scheme {
        scheme: Scheme,
        layout: Layout,
    },
    /// The directory's table: the server of each row, read through the row
    /// that first wrote each distinct key.
    Directory {
        distinct: Arc<Distinct>,
        routed: Vec<usize>,
        servers: usize,
    },
}

impl Router {
    /// Number of servers.
    pub fn servers(&self) -> usize {
        match &self.0 {
            RouterKind::Scheme { layout, .. } => layout.servers,
            RouterKind::Directory { servers, .. } => *servers,
        }
    }

    /// The server holding rows of `key`; `None` for a key the directory has never seen.
    pub fn locate(&self, key: u64) -> Option<usize> {
        match &self.0 {
            RouterKind::Scheme { scheme, layout } => Some(layout.of[scheme.route(key)]),
            RouterKind::Directory { distinct: d, routed, .. } => {
                d.keys.binary_search(&key).ok().map(|i| routed[d.first_of[i] as usize])
            }
        }
    }

    /// The servers a query for keys `lo..=hi` asks, ascending: those whose
    /// ranges overlap it under range partitioning, one for a point query,
    /// every server for a range under a hashing scheme, and for a directory
    /// the servers its entries in the range name (none when it has none).
    pub fn asks(&self, lo: u64, hi: u64) -> Vec<usize> {
        let (lo, hi) = (lo.min(hi), lo.max(hi));
        match &self.0 {
            RouterKind::Scheme { scheme, layout } => {
                let mut seen = vec![false; layout.servers];
                for s in scheme.shards_for_range(lo, hi) {
                    seen[layout.of[s]] = true;
                }
                (0..layout.servers).filter(|&s| seen[s]).collect()
            }
            RouterKind::Directory { distinct: d, routed, servers } => {
                // Distinct servers among the entries in range, stopping once every server is seen.
                let mut seen = vec![false; *servers];
                let mut count = 0;
                let from = d.keys.partition_point(|&k| k < lo);
                for (&k, &first) in d.keys[from..].iter().zip(&d.first_of[from..]) {
                    let s = routed[first as usize];
                    if k > hi || count == *servers {
                        break;
                    }
                    if !std::mem::replace(&mut seen[s], true) {
                        count += 1;
                    }
                }
                (0..*servers).filter(|&s| seen[s]).collect()
            }
        }
    }
}
