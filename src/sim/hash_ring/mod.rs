//! Placing keys on nodes: the algorithms consistent-hashing clients and load
//! balancers run, each matching its reference bit for bit.
//!
//! * [`modulo`]: `hash(key) mod n`, the baseline that moves almost every key
//!   when `n` changes (libmemcached's `MEMCACHED_DISTRIBUTION_MODULA` with
//!   its MD5 key hash).
//! * [`ketama`]: the ring of libketama (Last.fm's memcached client library).
//! * [`jump`]: jump consistent hash (Lamping and Veach, 2014).
//! * [`rendezvous`]: weighted highest-random-weight hashing.
//! * [`maglev`]: Maglev's lookup table as Envoy builds it.
//!
//! Every algorithm takes the same [`Node`] list and answers, for a key, the
//! index of its node in that list. Building a placement is the expensive
//! part (a ring or a table); a lookup is a hash and a search or an index.
//! [`scenario::HashRingScenario`] is the widget's scenario, with its
//! presets, widget-block keys and reports beside it.

pub mod block;
pub mod bounded;
pub mod jump;
pub mod ketama;
pub mod maglev;
pub mod modulo;
pub mod presets;
pub mod rendezvous;
pub mod report;
pub mod run;
pub mod scenario;

/// The widget's name in the widget index.
pub const TITLE: &str = "Consistent hashing";
/// One sentence for the widget index.
pub const SUMMARY: &str =
    "libketama's ring, jump hash, rendezvous, Envoy's Maglev and bounded loads placing the same keys as nodes come and go.";

use crate::scenario::json;
use xxhash_rust::xxh64::xxh64;

/// A node: its name (for ketama and Maglev, the address string the
/// reference hashes, such as `10.0.1.1:11211`) and its weight.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    pub name: String,
    pub weight: u32,
}

fn one() -> u32 {
    1
}

json::object!(Node, "a node (an object with a name)" { name, weight: default = one() });

impl Node {
    /// A node of weight 1.
    pub fn new(name: impl Into<String>) -> Node {
        Node { name: name.into(), weight: 1 }
    }

    /// A node of the given weight.
    pub fn weighted(name: impl Into<String>, weight: u32) -> Node {
        Node { name: name.into(), weight }
    }
}

/// The placement algorithms, by the names scenarios use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Algorithm {
    Modulo,
    Ketama,
    Jump,
    Rendezvous,
    Maglev,
}

impl Algorithm {
    /// Every algorithm, in menu order.
    pub const ALL: [Algorithm; 5] =
        [Algorithm::Modulo, Algorithm::Ketama, Algorithm::Jump, Algorithm::Rendezvous, Algorithm::Maglev];

    /// The name scenarios and blocks use.
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Modulo => "modulo",
            Algorithm::Ketama => "ketama",
            Algorithm::Jump => "jump",
            Algorithm::Rendezvous => "rendezvous",
            Algorithm::Maglev => "maglev",
        }
    }

    /// The algorithm called `name`.
    pub fn from_name(name: &str) -> Option<Algorithm> {
        Algorithm::ALL.into_iter().find(|a| a.name() == name)
    }
}

/// The 64-bit key hash jump, rendezvous and Maglev start from: xxHash64 with
/// seed 0, the hash Envoy computes for its hash policies.
pub fn key_hash64(key: &[u8]) -> u64 {
    xxh64(key, 0)
}

/// A key's two hashes: libketama's (the first four bytes of its MD5,
/// little-endian; also modulo's) and xxHash64 with seed 0 (jump, rendezvous
/// and Maglev).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyHash {
    pub md5: u32,
    pub xxh: u64,
}

impl KeyHash {
    /// Both hashes of `key`.
    pub fn of(key: &[u8]) -> KeyHash {
        KeyHash { md5: ketama::key_hash(key), xxh: key_hash64(key) }
    }

    /// Both hashes of every key, in order, the MD5s eight keys at a time.
    pub fn all<K: AsRef<[u8]>>(keys: &[K]) -> Vec<KeyHash> {
        let mut out = Vec::with_capacity(keys.len());
        let (eights, rest) = keys.as_chunks::<8>();
        for k in eights {
            let md5 = ketama::key_hash_x8(std::array::from_fn(|i| k[i].as_ref()));
            out.extend(k.iter().zip(md5).map(|(k, md5)| KeyHash { md5, xxh: key_hash64(k.as_ref()) }));
        }
        out.extend(rest.iter().map(|k| KeyHash::of(k.as_ref())));
        out
    }
}

/// Checks a node list: at least one node, at most `max`, non-empty distinct
/// names, weights from 1 to 10,000.
pub fn validate_nodes(nodes: &[Node], max: usize) -> Result<(), String> {
    if nodes.is_empty() || nodes.len() > max {
        return Err(format!("place keys on 1 to {max} nodes, not {}", nodes.len()));
    }
    for (i, n) in nodes.iter().enumerate() {
        if n.name.is_empty() || n.name.len() > 64 {
            return Err(format!("node {i}: a name of 1 to 64 bytes is needed"));
        }
        if !(1..=10_000).contains(&n.weight) {
            return Err(format!("node {i} ({}): weight must be between 1 and 10000, not {}", n.name, n.weight));
        }
        if nodes[..i].iter().any(|m| m.name == n.name) {
            return Err(format!("node {i}: the name {} is used twice", n.name));
        }
    }
    Ok(())
}

/// A built placement for one algorithm over one node list.
#[derive(Clone, Debug)]
pub enum Lookup {
    Modulo(modulo::Modulo),
    Ketama(ketama::Continuum),
    Jump(jump::Jump),
    Rendezvous(rendezvous::Rendezvous),
    Maglev(maglev::Table),
}

impl Lookup {
    /// Builds `algorithm`'s structure for `nodes` (validated by the caller).
    /// `maglev_table_size` must be prime (Envoy's default is 65537).
    pub fn build(algorithm: Algorithm, nodes: &[Node], maglev_table_size: u64) -> Lookup {
        match algorithm {
            Algorithm::Modulo => Lookup::Modulo(modulo::Modulo::new(nodes.len())),
            Algorithm::Ketama => Lookup::Ketama(ketama::Continuum::new(nodes)),
            Algorithm::Jump => Lookup::Jump(jump::Jump::new(nodes.len())),
            Algorithm::Rendezvous => Lookup::Rendezvous(rendezvous::Rendezvous::new(nodes)),
            Algorithm::Maglev => Lookup::Maglev(maglev::Table::new(nodes, maglev_table_size)),
        }
    }

    /// The index of the node `key` is placed on.
    pub fn locate(&self, key: &[u8]) -> usize {
        self.locate_hashed(KeyHash::of(key))
    }

    /// The index of the node for a key already hashed: the same answer as
    /// [`locate`](Self::locate), without hashing again (a key set is hashed
    /// once and re-placed after every change).
    pub fn locate_hashed(&self, h: KeyHash) -> usize {
        match self {
            Lookup::Modulo(p) => p.locate_hash(h.md5),
            Lookup::Ketama(p) => p.point_for(h.md5).map_or(0, |p| p.node as usize),
            Lookup::Jump(p) => p.locate_hash(h.xxh),
            Lookup::Rendezvous(p) => p.locate_hash(h.xxh),
            Lookup::Maglev(p) => p.choose(h.xxh),
        }
    }

    /// Bytes the lookup structure holds (points, table entries, node scores).
    pub fn memory_bytes(&self) -> usize {
        match self {
            Lookup::Modulo(_) | Lookup::Jump(_) => 0,
            Lookup::Ketama(p) => std::mem::size_of_val(p.points()),
            Lookup::Rendezvous(p) => p.len() * 16,
            Lookup::Maglev(p) => std::mem::size_of_val(p.entries()),
        }
    }
}

/// Whether `m` is prime (for Maglev's table size).
pub fn is_prime(m: u64) -> bool {
    if m < 2 {
        return false;
    }
    let mut d = 2;
    while d <= m / d {
        if m.is_multiple_of(d) {
            return false;
        }
        d += 1;
    }
    true
}
