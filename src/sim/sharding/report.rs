//! Sharding's run as the CLI prints it and as the widget downloads it: every
//! scheme's placement and summary as JSON, or each server's rows before and
//! after the re-shard as CSV rows.

use super::scenario::ShardingScenario;
use crate::scenario::json::{Obj, ToJson};
use std::fmt::Write as _;

/// Every scheme's run as compact JSON: `widget`, `seed` and `schemes`.
pub fn run_json(s: &ShardingScenario) -> Result<String, String> {
    let schemes = s.run()?;
    let mut out = String::new();
    Obj::new(&mut out)
        .field("widget", <ShardingScenario as crate::scenario::Family>::KIND)
        .field("seed", &s.seed)
        .field("schemes", &schemes)
        .end();
    Ok(out)
}

/// One CSV row per server of each scheme: its rows before and after the re-shard.
pub fn run_csv(s: &ShardingScenario) -> Result<String, String> {
    let mut csv = String::from("scheme,kind,server,rows_before,rows_after\n");
    for (i, run) in s.run()?.iter().enumerate() {
        let servers = run.before.rows.len().max(run.after.as_ref().map_or(0, |a| a.rows.len()));
        for server in 0..servers {
            let before = run.before.rows.get(server).copied().unwrap_or(0);
            let after =
                run.after.as_ref().map_or(String::new(), |a| a.rows.get(server).copied().unwrap_or(0).to_string());
            let _ = writeln!(csv, "{},{},{},{before},{after}", i + 1, run.scheme.name(), server + 1);
        }
    }
    Ok(csv)
}

/// The most keys `sdp shard` takes.
pub const MAX_SHARD_KEYS: usize = 10_000_000;

/// A shard key as `sdp shard` reads it from a line: an integer (decimal,
/// negative ones as the engine's `u64` keys hold their bits), or else a
/// string; a line in double quotes is always the string between them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShardKey<'a> {
    Int(u64),
    Text(&'a str),
}

impl<'a> ShardKey<'a> {
    pub fn parse(line: &'a str) -> ShardKey<'a> {
        if let Some(text) = line.strip_prefix('"').and_then(|l| l.strip_suffix('"')) {
            return ShardKey::Text(text);
        }
        match (line.parse::<u64>(), line.parse::<i64>()) {
            (Ok(v), _) => ShardKey::Int(v),
            (_, Ok(v)) => ShardKey::Int(v as u64),
            _ => ShardKey::Text(line),
        }
    }
}

/// One scheme's answer for one key: its hash as that system writes it (a
/// Vitess keyspace ID in hex, MongoDB's signed 64-bit hashed value,
/// PostgreSQL's signed 32-bit hash, libketama's unsigned 32-bit point, the
/// xxHash64 of hash modulo N), the shard's index (MongoDB's chunk) and, for
/// Vitess, its name, and the server holding it where servers hold several;
/// or why the scheme cannot place the key alone. Written as an object of
/// the fields present, in this order.
struct KeyScheme {
    scheme: &'static str,
    hash: Option<Hash>,
    shard: Option<usize>,
    name: Option<String>,
    /// The shard server (MongoDB) or worker (Citus) holding the chunk or
    /// shard, when the scenario places them on fewer servers than shards.
    server: Option<usize>,
    unplaced: Option<&'static str>,
}

/// A key's hash as its system writes it: hex text, or a signed or unsigned number.
enum Hash {
    Hex(String),
    Signed(i64),
    Unsigned(u64),
}

impl ToJson for Hash {
    fn write(&self, out: &mut String) {
        match self {
            Hash::Hex(h) => h.write(out),
            Hash::Signed(n) => n.write(out),
            Hash::Unsigned(n) => n.write(out),
        }
    }
}

impl ToJson for KeyScheme {
    fn write(&self, out: &mut String) {
        Obj::new(out)
            .field("scheme", self.scheme)
            .field_unless(self.hash.is_none(), "hash", &self.hash)
            .field_unless(self.shard.is_none(), "shard", &self.shard)
            .field_unless(self.name.is_none(), "name", &self.name)
            .field_unless(self.server.is_none(), "server", &self.server)
            .field_unless(self.unplaced.is_none(), "unplaced", &self.unplaced)
            .end();
    }
}

/// Where each of `keys` (lines as [`ShardKey::parse`] reads them) lives
/// under every scheme of `s`, before any re-shard: a JSON line per key, in
/// order, with each scheme's hash and shard. Integer keys are hashed as the
/// widget hashes its rows' ids; strings as MongoDB hashes a string field
/// and as PostgreSQL's `hashtext` (Citus's hash of a `text` column) does,
/// libketama hashes their text and hash modulo N their UTF-8 bytes. Vitess's
/// `hash` vindex and range partitioning take integers only, a directory
/// places a key when its first row arrives, and a region scheme needs the
/// row's country: for those the line says why instead.
pub fn keys_json_lines(s: &ShardingScenario, keys: &[&str]) -> Result<String, String> {
    use super::config::SchemeConfig;
    use super::scheme::{HashFamily, Scheme};
    s.validate()?;
    if keys.len() > MAX_SHARD_KEYS {
        return Err(format!("at most {MAX_SHARD_KEYS} keys, not {}", keys.len()));
    }
    let schemes: Vec<(&SchemeConfig, Option<Scheme>)> = s
        .schemes
        .iter()
        .map(|c| match c {
            SchemeConfig::Directory { .. } | SchemeConfig::Region { .. } => Ok((c, None)),
            _ => c.scheme().map(|scheme| (c, Some(scheme))),
        })
        .collect::<Result<_, _>>()?;
    let mut out = String::new();
    for (k, line) in keys.iter().enumerate() {
        let key = ShardKey::parse(line);
        let mut answers = Vec::with_capacity(schemes.len());
        for (config, scheme) in &schemes {
            let unplaced = |why| KeyScheme { scheme: config.name(), hash: None, shard: None, name: None, server: None, unplaced: Some(why) };
            let Some(scheme) = scheme else {
                answers.push(unplaced(match config {
                    SchemeConfig::Directory { .. } => "a directory places a key when its first row arrives",
                    _ => "a region scheme needs the row's country",
                }));
                continue;
            };
            let family = scheme.family();
            let h = match (key, family) {
                (ShardKey::Int(v), _) => family.hash(v),
                (ShardKey::Text(t), HashFamily::Mongo) => super::mongo_hashed_str(t) as u64,
                (ShardKey::Text(t), HashFamily::Postgres) => u64::from(super::hashtext(t) as u32),
                (ShardKey::Text(t), HashFamily::Ketama) => u64::from(crate::sim::hash_ring::ketama::key_hash(t.as_bytes())),
                (ShardKey::Text(t), HashFamily::XxHash64) => xxhash_rust::xxh64::xxh64(t.as_bytes(), 0),
                (ShardKey::Text(_), HashFamily::Vitess) => {
                    answers.push(unplaced("Vitess's hash vindex takes integer keys"));
                    continue;
                }
                (ShardKey::Text(_), HashFamily::Key) => {
                    answers.push(unplaced("range partitioning here splits integer keys"));
                    continue;
                }
            };
            let shard = scheme.route_hashed(h);
            let hash = match family {
                HashFamily::Key => None,
                HashFamily::Vitess => Some(Hash::Hex(format!("{h:016x}"))),
                HashFamily::Mongo => Some(Hash::Signed(h as i64)),
                HashFamily::Postgres => Some(Hash::Signed(i64::from(h as u32 as i32))),
                HashFamily::Ketama | HashFamily::XxHash64 => Some(Hash::Unsigned(h)),
            };
            let name = match config {
                SchemeConfig::Vitess { shards } => shards.get(shard).cloned(),
                _ => None,
            };
            let server = match config {
                SchemeConfig::Mongo { servers: Some(_), .. } | SchemeConfig::Citus { nodes: Some(_), .. } => {
                    config.layout(scheme.shard_count()).of.get(shard).copied()
                }
                _ => None,
            };
            answers.push(KeyScheme { scheme: config.name(), hash, shard: Some(shard), name, server, unplaced: None });
        }
        let kind = match key {
            ShardKey::Int(_) => "integer",
            ShardKey::Text(_) => "string",
        };
        let text = match key {
            ShardKey::Text(t) => t,
            ShardKey::Int(_) => line,
        };
        if k > 0 {
            out.push('\n');
        }
        Obj::new(&mut out).field("key", text).field("type", kind).field("schemes", &answers).end();
    }
    Ok(out)
}
