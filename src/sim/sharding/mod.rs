//! Where real sharded databases put a row: the hash each system computes
//! from a shard key, and how it maps that hash onto shards.
//!
//! * [`vitess_keyspace_id`]: Vitess's `hash` vindex
//!   (`go/vt/vtgate/vindexes/hash.go`): DES in ECB mode with an all-zero key
//!   over the key as a big-endian `uint64`; shards are half-open ranges of
//!   keyspace IDs written in hex (`-80`, `80-`, `40-80`), compared bytewise.
//! * [`mongo_hashed`]: MongoDB's hashed shard keys (`src/mongo/db/hasher.cpp`):
//!   the first eight bytes, little-endian, of the MD5 of the seed (0), the
//!   value's canonical type and the value.
//! * [`hashint8`], [`hashint4`], [`hashtext`] and [`citus_shard`]: PostgreSQL's
//!   type hashes (`src/common/hashfn.c`, Bob Jenkins's lookup3 as PostgreSQL
//!   adapted it) and Citus's split of the 32-bit hash space into
//!   `shard_count` equal intervals (`citus.shard_count` defaults to 32).
//!
//! `tests/sharding.rs` checks each against its system's own test vectors.

pub mod block;
pub mod citus;
pub mod config;
pub mod des;
pub mod directory;
pub mod drawn;
pub mod mongo;
pub mod presets;
pub mod query;
pub mod region;
pub mod report;
pub mod reshard;
pub mod run;
pub mod scenario;
pub mod scheme;
pub mod workload;

/// The widget's name in the widget index.
pub const TITLE: &str = "Sharding";
/// One sentence for the widget index.
pub const SUMMARY: &str =
    "Rows routed by hash, range, a directory, and as Vitess, MongoDB and Citus compute it, with what a re-shard moves.";

use crate::sim::kernel::md5::{md5, md5_blocks_x8};

/// Vitess's keyspace ID for a `uint64` shard key (`hash` vindex): DES under
/// the all-zero key of the key's big-endian bytes.
pub fn vitess_keyspace_id(key: u64) -> [u8; 8] {
    des::encrypt_zero_key(key).to_be_bytes()
}

/// A Vitess shard: the keyspace IDs from `start` (inclusive) to `end`
/// (exclusive); an empty bound is open.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyRange {
    pub start: Vec<u8>,
    pub end: Vec<u8>,
}

impl KeyRange {
    /// Parses a shard name such as `-80`, `40-80` or `80-` (`-` alone is
    /// everything); each bound is at most eight bytes (sixteen hex digits).
    pub fn parse(name: &str) -> Result<KeyRange, String> {
        let (start, end) = name.split_once('-').ok_or_else(|| format!("shard `{name}` has no `-`"))?;
        let hex = |s: &str| -> Result<Vec<u8>, String> {
            if s.len() % 2 == 1 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(format!("shard `{name}`: `{s}` is not whole bytes of hex"));
            }
            Ok((0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap_or(0)).collect())
        };
        if start.len() > 16 || end.len() > 16 {
            return Err(format!("shard `{name}`: a bound has at most 16 hex digits"));
        }
        let r = KeyRange { start: hex(start)?, end: hex(end)? };
        if !r.end.is_empty() && r.start >= r.end {
            return Err(format!("shard `{name}` is empty: its start is not below its end"));
        }
        Ok(r)
    }

    /// Whether the range holds keyspace ID `id` (bytewise, as Vitess compares).
    pub fn contains(&self, id: &[u8]) -> bool {
        id >= self.start.as_slice() && (self.end.is_empty() || id < self.end.as_slice())
    }
}

/// `n` Vitess key ranges of equal width over the keyspace, named as Vitess
/// names shards (`-40`, `40-80`, …, `c0-`); `n` is rounded down to a power
/// of two from 2 to 256.
pub fn vitess_even_shards(n: u32) -> Vec<String> {
    let n = 1u32 << (31 - n.clamp(2, 256).leading_zeros());
    let bound = |i: u32| format!("{:02x}", i * 256 / n);
    (0..n)
        .map(|i| {
            let start = if i == 0 { String::new() } else { bound(i) };
            let end = if i + 1 == n { String::new() } else { bound(i + 1) };
            format!("{start}-{end}")
        })
        .collect()
}

/// MongoDB's hash of an integer shard-key value (any BSON number, truncated
/// to `int64`; canonical type 10).
pub fn mongo_hashed(value: i64) -> i64 {
    mongo_hash(10, &value.to_le_bytes())
}

/// [`mongo_hashed`] of eight values, digested side by side. Each message is
/// one block whose words are known: the seed (0), the type (10), the value's
/// two halves, the padding bit and the length, 128 bits.
pub fn mongo_hashed_x8(values: [i64; 8]) -> [i64; 8] {
    let blocks = values.map(|v| {
        let mut m = [0u32; 16];
        (m[1], m[2], m[3], m[4], m[14]) = (10, v as u32, (v >> 32) as u32, 0x80, 128);
        m
    });
    md5_blocks_x8(&blocks).map(|s| i64::from(s[0]) | (i64::from(s[1]) << 32))
}

/// MongoDB's hash of a string shard-key value (canonical type 15, hashed as
/// its BSON payload: length including the NUL, bytes, NUL).
pub fn mongo_hashed_str(value: &str) -> i64 {
    let mut payload = Vec::with_capacity(value.len() + 5);
    payload.extend_from_slice(&(value.len() as i32 + 1).to_le_bytes());
    payload.extend_from_slice(value.as_bytes());
    payload.push(0);
    mongo_hash(15, &payload)
}

fn mongo_hash(canonical_type: i32, value: &[u8]) -> i64 {
    // The seed, the type and the value, on the stack when they fit (numbers always do).
    let mut msg = [0u8; 64];
    let d = if value.len() <= 56 {
        msg[4..8].copy_from_slice(&canonical_type.to_le_bytes());
        msg[8..8 + value.len()].copy_from_slice(value);
        md5(&msg[..8 + value.len()])
    } else {
        md5(&[&0i32.to_le_bytes()[..], &canonical_type.to_le_bytes(), value].concat())
    };
    i64::from_le_bytes([d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]])
}

fn mix(a: &mut u32, b: &mut u32, c: &mut u32) {
    *a = a.wrapping_sub(*c);
    *a ^= c.rotate_left(4);
    *c = c.wrapping_add(*b);
    *b = b.wrapping_sub(*a);
    *b ^= a.rotate_left(6);
    *a = a.wrapping_add(*c);
    *c = c.wrapping_sub(*b);
    *c ^= b.rotate_left(8);
    *b = b.wrapping_add(*a);
    *a = a.wrapping_sub(*c);
    *a ^= c.rotate_left(16);
    *c = c.wrapping_add(*b);
    *b = b.wrapping_sub(*a);
    *b ^= a.rotate_left(19);
    *a = a.wrapping_add(*c);
    *c = c.wrapping_sub(*b);
    *c ^= b.rotate_left(4);
    *b = b.wrapping_add(*a);
}

fn finish(a: &mut u32, b: &mut u32, c: &mut u32) {
    *c ^= *b;
    *c = c.wrapping_sub(b.rotate_left(14));
    *a ^= *c;
    *a = a.wrapping_sub(c.rotate_left(11));
    *b ^= *a;
    *b = b.wrapping_sub(a.rotate_left(25));
    *c ^= *b;
    *c = c.wrapping_sub(b.rotate_left(16));
    *a ^= *c;
    *a = a.wrapping_sub(c.rotate_left(4));
    *b ^= *a;
    *b = b.wrapping_sub(a.rotate_left(14));
    *c ^= *b;
    *c = c.wrapping_sub(b.rotate_left(24));
}

/// PostgreSQL's `hash_bytes` (`hash_any`), as a little-endian machine computes it.
pub fn hash_bytes(k: &[u8]) -> u32 {
    let init = 0x9e3779b9u32.wrapping_add(k.len() as u32).wrapping_add(3923095);
    let (mut a, mut b, mut c) = (init, init, init);
    let word = |bytes: &[u8]| bytes.iter().enumerate().fold(0u32, |w, (i, &x)| w | (u32::from(x) << (8 * i)));
    let mut rest = k;
    while rest.len() >= 12 {
        a = a.wrapping_add(word(&rest[0..4]));
        b = b.wrapping_add(word(&rest[4..8]));
        c = c.wrapping_add(word(&rest[8..12]));
        mix(&mut a, &mut b, &mut c);
        rest = &rest[12..];
    }
    // The last 0 to 11 bytes: the lowest byte of c is left for the length.
    a = a.wrapping_add(word(&rest[..rest.len().min(4)]));
    if rest.len() > 4 {
        b = b.wrapping_add(word(&rest[4..rest.len().min(8)]));
    }
    if rest.len() > 8 {
        c = c.wrapping_add(word(&rest[8..]) << 8);
    }
    finish(&mut a, &mut b, &mut c);
    c
}

/// PostgreSQL's `hash_bytes_uint32` (`hash_uint32`).
pub fn hash_uint32(k: u32) -> u32 {
    let init = 0x9e3779b9u32.wrapping_add(4).wrapping_add(3923095);
    let (mut a, mut b, mut c) = (init.wrapping_add(k), init, init);
    finish(&mut a, &mut b, &mut c);
    c
}

/// PostgreSQL's `hashint4`, as the signed `int4` it returns.
pub fn hashint4(v: i32) -> i32 {
    hash_uint32(v as u32) as i32
}

/// PostgreSQL's `hashint8`: the halves folded so that values in `int4`
/// range hash as `hashint4` does.
pub fn hashint8(v: i64) -> i32 {
    let lo = v as u32;
    let hi = (v >> 32) as u32;
    let folded = lo ^ if v >= 0 { hi } else { !hi };
    hash_uint32(folded) as i32
}

/// PostgreSQL's `hashtext` for a deterministic collation: `hash_any` of the bytes.
pub fn hashtext(s: &str) -> i32 {
    hash_bytes(s.as_bytes()) as i32
}

/// The Citus shard (0-based) of a row whose distribution column hashes to
/// `h`: the 32-bit hash space split into `shard_count` equal intervals from
/// `INT32_MIN`, the last one taking the remainder.
pub fn citus_shard(h: i32, shard_count: u32) -> u32 {
    let shard_count = shard_count.max(1);
    let offset = (i64::from(h) - i64::from(i32::MIN)) as u64;
    let interval = (1u64 << 32) / u64::from(shard_count);
    ((offset / interval) as u32).min(shard_count - 1)
}
