//! Geographic sharding as Vitess's region vindexes compute it
//! (`go/vt/vtgate/vindexes/region_json.go` and `region_experimental.go`):
//! the keyspace ID is the row's region number, cut to its low 16 bits and
//! written big-endian in `region_bytes` (1 or 2) bytes (so with one byte,
//! region 256 is `00`), followed by the `hash` vindex's DES of the id.
//! `region_json` looks the region number up from the row's country in a
//! map; a country missing from the map cannot be routed.
//!
//! Shards are the usual key ranges, so a region's rows land on the shard
//! whose range holds its prefix: with the example's map (United States 1,
//! Canada 2, France 64, Germany 65, China 128, Japan 129, India 192,
//! Indonesia 193) and shards `-40`, `40-80`, `80-c0`, `c0-`, two countries
//! share each shard.

use super::des::encrypt_zero_key;
use crate::scenario::json;
use xxhash_rust::xxh64::xxh64;

/// The keyspace ID of the row with id `id` in region `region`.
pub fn region_keyspace_id(region: u64, id: u64, region_bytes: u8) -> Vec<u8> {
    let r = (region as u16).to_be_bytes();
    let prefix: &[u8] = if region_bytes == 1 { &r[1..] } else { &r };
    let mut ksid = prefix.to_vec();
    ksid.extend_from_slice(&encrypt_zero_key(id).to_be_bytes());
    ksid
}

/// The first eight bytes of [`region_keyspace_id`] as a big-endian `u64`:
/// against shard bounds of at most eight bytes it compares exactly as the
/// whole ID does.
pub fn region_keyspace_prefix(region: u64, hashed_id: u64, region_bytes: u8) -> u64 {
    if region_bytes == 1 {
        (u64::from(region as u8) << 56) | (hashed_id >> 8)
    } else {
        (u64::from(region as u16) << 48) | (hashed_id >> 16)
    }
}

/// A country and its share of the workload's users.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Country {
    pub name: String,
    pub share: u32,
}

json::object!(Country, "a country (an object)" { name, share });

/// Vitess's example map (`examples/region_sharding/countries.json`).
pub const EXAMPLE_REGIONS: [(&str, u32); 8] = [
    ("United States", 1),
    ("Canada", 2),
    ("France", 64),
    ("Germany", 65),
    ("China", 128),
    ("Japan", 129),
    ("India", 192),
    ("Indonesia", 193),
];

/// Illustrative shares of users for the example's countries (not measured).
pub const EXAMPLE_SHARES: [u32; 8] = [30, 5, 10, 12, 15, 8, 12, 8];

/// The example's countries with their illustrative shares.
pub fn example_countries() -> Vec<Country> {
    EXAMPLE_REGIONS.iter().zip(EXAMPLE_SHARES).map(|(&(name, _), share)| Country { name: name.into(), share }).collect()
}

/// Checks a workload's countries.
pub fn validate_countries(countries: &[Country]) -> Result<(), String> {
    if countries.len() > 64 {
        return Err(format!("at most 64 countries, not {}", countries.len()));
    }
    for (i, c) in countries.iter().enumerate() {
        if c.name.is_empty() || c.name.len() > 60 {
            return Err(format!("country {}: a name of 1 to 60 bytes", i + 1));
        }
        if c.share == 0 || c.share > 1_000_000 {
            return Err(format!("country `{}`: share must be between 1 and 1000000, not {}", c.name, c.share));
        }
        if countries[..i].iter().any(|o| o.name == c.name) {
            return Err(format!("country `{}` is listed twice", c.name));
        }
    }
    Ok(())
}

/// The country (an index into `countries`) of the user with key `key`: a
/// fixed pick by the key's hash, weighted by share, so every row of one
/// user comes from one country.
pub fn country_of(key: u64, countries: &[Country]) -> usize {
    let total: u64 = countries.iter().map(|c| u64::from(c.share)).sum();
    if total == 0 {
        return 0;
    }
    // A seed of its own, so a user's country is independent of where any hash scheme puts it.
    let mut pick = xxh64(&key.to_le_bytes(), 0x0063_6f75_6e74_7279) % total;
    for (i, c) in countries.iter().enumerate() {
        if pick < u64::from(c.share) {
            return i;
        }
        pick -= u64::from(c.share);
    }
    countries.len() - 1
}
