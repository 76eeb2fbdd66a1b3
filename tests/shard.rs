//! Shard placement against each system's own vectors: Vitess's
//! `hash_test.go`, MongoDB's `hasher_test.cpp` and PostgreSQL 15's
//! `hashint8` and `hashtext` as Citus uses them (provenance in
//! `tests/golden/shard/README.md`).

use playground::sim::shard::*;

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

#[test]
fn vitess_hash_vindex_matches_hash_test_go() {
    let want = [
        "166b40b44aba4bd6",
        "06e7ea22ce92708f",
        "4eb190c9a2fa169c",
        "d2fd8867d50d2dfe",
        "70bb023c810ca87a",
        "f098480ac4c4be71",
    ];
    for (i, w) in want.iter().enumerate() {
        assert_eq!(hex(&vitess_keyspace_id(i as u64 + 1)), *w, "key {}", i + 1);
    }
}

#[test]
fn vitess_shards_are_half_open_hex_ranges() {
    let (low, high) = (KeyRange::parse("-80").unwrap(), KeyRange::parse("80-").unwrap());
    // 1 → 16…: the lower half; 4 → d2…: the upper half.
    assert!(low.contains(&vitess_keyspace_id(1)) && !high.contains(&vitess_keyspace_id(1)));
    assert!(high.contains(&vitess_keyspace_id(4)) && !low.contains(&vitess_keyspace_id(4)));
    // Exactly 0x80 belongs to 80-, not to -80; 40-80 splits -80.
    assert!(high.contains(&[0x80]) && !low.contains(&[0x80]));
    let mid = KeyRange::parse("40-80").unwrap();
    assert!(mid.contains(&[0x40, 0, 0]) && !mid.contains(&[0x3f, 0xff]) && !mid.contains(&[0x80]));
    assert!(KeyRange::parse("-").unwrap().contains(&[0xff; 8]));
    assert!(KeyRange::parse("80").is_err());
    assert!(KeyRange::parse("8-").is_err());
    assert!(KeyRange::parse("80-40").unwrap_err().contains("empty"));
}

#[test]
fn mongo_hashed_keys_match_hasher_test_cpp() {
    assert_eq!(mongo_hashed(0), 4854801880128277513);
    assert_eq!(mongo_hashed(1), 5902408780260971510);
    assert_eq!(mongo_hashed(42), -944302157085130861);
    assert_eq!(mongo_hashed(-1), 1140205862565771219);
    assert_eq!(mongo_hashed_str("abc"), 8478485326885698097);
}

#[test]
fn postgres_hashes_match_postgres_15() {
    let cases = [(0, -272711505), (1, -1905060026), (2, 1134484726), (42, 1509752520), (-1, 385747274)];
    for (v, h) in cases {
        assert_eq!(hashint8(v), h, "hashint8({v})");
        // Within int4 range, hashint8 equals hashint4.
        assert_eq!(hashint4(v as i32), h, "hashint4({v})");
    }
    assert_eq!(hashtext("abc"), -785388649);
}

#[test]
fn citus_splits_the_hash_space_into_equal_intervals() {
    // With the default 32 shards, as Citus routes the same values.
    let shards: Vec<u32> = [0, 1, 2, 42, -1].iter().map(|&v| citus_shard(hashint8(v), 32)).collect();
    assert_eq!(shards, [13, 1, 24, 27, 18]);
    assert_eq!(citus_shard(i32::MIN, 32), 0);
    assert_eq!(citus_shard(i32::MAX, 32), 31);
    // Three shards: the last interval takes the remainder.
    assert_eq!(citus_shard(i32::MAX, 3), 2);
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn shards(names: &[&str]) -> Vec<KeyRange> {
        names.iter().map(|n| KeyRange::parse(n).unwrap()).collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]

        /// Shards that tile the keyspace take every key exactly once; splitting
        /// `-80` into `-40` and `40-80` moves only keys of `-80`.
        #[test]
        fn every_key_routes_to_exactly_one_shard(key in any::<u64>()) {
            let id = vitess_keyspace_id(key);
            let before = shards(&["-80", "80-c0", "c0-"]);
            let after = shards(&["-40", "40-80", "80-c0", "c0-"]);
            let owners = |set: &[KeyRange]| set.iter().enumerate().filter(|(_, r)| r.contains(&id)).map(|(i, _)| i).collect::<Vec<_>>();
            let (b, a) = (owners(&before), owners(&after));
            prop_assert_eq!(b.len(), 1);
            prop_assert_eq!(a.len(), 1);
            if b[0] != 0 {
                // Not in the split shard: the same shard, one index further along.
                prop_assert_eq!(a[0], b[0] + 1);
            }
        }

        /// Citus shard indices are in range and follow the hash's order.
        #[test]
        fn citus_shards_are_ordered_intervals(h1 in any::<i32>(), h2 in any::<i32>(), count in 1u32..256) {
            let (s1, s2) = (citus_shard(h1, count), citus_shard(h2, count));
            prop_assert!(s1 < count && s2 < count);
            if h1 <= h2 { prop_assert!(s1 <= s2); }
        }
    }
}
