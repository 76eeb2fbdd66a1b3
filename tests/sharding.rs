//! Shard placement against each system's own vectors: Vitess's
//! `hash_test.go`, MongoDB's `hasher_test.cpp` and PostgreSQL 15's
//! `hashint8` and `hashtext` as Citus uses them (provenance in
//! `tests/golden/sharding/README.md`).

use playground::sim::sharding::*;

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

mod zero_key_des {
    use des::cipher::generic_array::GenericArray;
    use des::cipher::{BlockEncrypt, KeyInit};
    use playground::sim::sharding::des::encrypt_zero_key;
    use proptest::prelude::*;

    fn general_des(block: u64) -> u64 {
        let cipher = des::Des::new(GenericArray::from_slice(&[0u8; 8]));
        let mut b = GenericArray::clone_from_slice(&block.to_be_bytes());
        cipher.encrypt_block(&mut b);
        u64::from_be_bytes(b.into())
    }

    #[test]
    fn agrees_with_a_general_des_at_the_edges() {
        for block in [0, 1, u64::MAX, 1 << 63, 0x0123_4567_89ab_cdef, 0x8000_0000, u64::from(u32::MAX)] {
            assert_eq!(encrypt_zero_key(block), general_des(block), "block {block:#x}");
        }
        // The all-zero key's best-known test: encrypting zero gives 8ca64de9c1b123a7.
        assert_eq!(encrypt_zero_key(0), 0x8ca6_4de9_c1b1_23a7);
    }

    proptest! {
        #[test]
        fn agrees_with_a_general_des(block in any::<u64>()) {
            prop_assert_eq!(encrypt_zero_key(block), general_des(block));
        }

        #[test]
        fn a_batch_encrypts_as_one_block_at_a_time(blocks in proptest::collection::vec(any::<u64>(), 0..40)) {
            let one: Vec<u64> = blocks.iter().map(|&b| encrypt_zero_key(b)).collect();
            prop_assert_eq!(playground::sim::sharding::des::encrypt_all_zero_key(&blocks), one);
        }
    }
}

/// The engines' MD5, which libketama's points and MongoDB's hashed values come from.
mod md5_digest {
    use md5::{Digest, Md5};
    use playground::sim::kernel::md5::md5;
    use proptest::prelude::*;

    fn hex(d: [u8; 16]) -> String {
        super::hex(&d)
    }

    #[test]
    fn rfc_1321_test_suite() {
        // RFC 1321, appendix A.5.
        let suite = [
            ("", "d41d8cd98f00b204e9800998ecf8427e"),
            ("a", "0cc175b9c0f1b6a831c399e269772661"),
            ("abc", "900150983cd24fb0d6963f7d28e17f72"),
            ("message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
            ("abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"),
            ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "d174ab98d277d9f5a5611c2c9f419d9f"),
            (
                "12345678901234567890123456789012345678901234567890123456789012345678901234567890",
                "57edf4a22be3c955ac49da2e2107b67a",
            ),
        ];
        for (msg, want) in suite {
            assert_eq!(hex(md5(msg.as_bytes())), want, "{msg:?}");
        }
    }

    #[test]
    fn every_length_across_the_padding_cases() {
        // 55 bytes pad in one block, 56 to 63 need a second; 64 and 119/120 repeat that a block on.
        let data: Vec<u8> = (0..200u32).map(|i| (i * 37 + 11) as u8).collect();
        for n in 0..=200 {
            assert_eq!(md5(&data[..n]), <[u8; 16]>::from(Md5::digest(&data[..n])), "length {n}");
        }
    }

    proptest! {
        #[test]
        fn agrees_with_a_general_md5(data in proptest::collection::vec(any::<u8>(), 0..300)) {
            prop_assert_eq!(md5(&data), <[u8; 16]>::from(Md5::digest(&data)));
        }

        /// Eight messages digested side by side: each lane is its own message's digest
        /// (up to 55 bytes, one block; longer ones are digested alone).
        #[test]
        fn eight_at_once_are_each_their_own(msgs in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..70), 8)) {
            let got = playground::sim::kernel::md5::md5_short_x8(std::array::from_fn(|i| msgs[i].as_slice()));
            prop_assert_eq!(got, std::array::from_fn(|i| md5(&msgs[i])));
        }
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
    // Eight at a time, from the words of the message: the same values.
    let want = [4854801880128277513, 5902408780260971510, -944302157085130861, 1140205862565771219];
    let eight = mongo_hashed_x8([0, 1, 42, -1, 0, 1, 42, -1]);
    assert_eq!((&eight[..4], &eight[4..]), (&want[..], &want[..]));
}

proptest::proptest! {
    #[test]
    fn mongo_hashes_eight_at_a_time_as_one_at_a_time(values: [i64; 8]) {
        proptest::prop_assert_eq!(mongo_hashed_x8(values), values.map(mongo_hashed));
    }
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

mod routing {
    use playground::sim::sharding::scheme::Scheme;
    use playground::sim::sharding::KeyRange;
    use proptest::prelude::*;

    fn vitess(names: &[&str]) -> Scheme {
        Scheme::vitess(names.iter().map(|n| KeyRange::parse(n).unwrap()).collect())
    }

    /// MongoDB's own split points: N = 4 splits at 0 and ±(2^62 − 2); N = 3 at
    /// ±⌊(⌊(2^63 − 1) / 3⌋ · 2) / 2⌋.
    #[test]
    fn mongo_chunks_split_where_mongodb_splits_them() {
        use playground::sim::sharding::scheme::mongo_split_points;
        assert_eq!(mongo_split_points(4), [-(1i64 << 62) + 2, 0, (1i64 << 62) - 2]);
        assert_eq!(mongo_split_points(3), [-3074457345618258602, 3074457345618258602]);
        assert!(mongo_split_points(1).is_empty());
        assert_eq!(mongo_split_points(5).len(), 4);
        for n in (2..=300).chain([4095, 4096]) {
            let p = mongo_split_points(n);
            assert_eq!(p.len(), n as usize - 1, "{n} chunks");
            assert!(p.windows(2).all(|w| w[0] < w[1]), "{n} chunks: ascending");
        }
        // Overlapping Vitess lists are refused: an open end must be the last.
        assert!(vitess(&["-80", "80-", "-"]).validate().is_err());
        assert!(vitess(&["-", "-"]).validate().is_err());
    }

    #[test]
    fn schemes_route_known_keys() {
        // Vitess: key 1 → 16… in -80, key 4 → d2… in 80-.
        let v = vitess(&["-80", "80-"]);
        v.validate().unwrap();
        assert_eq!((v.route(1), v.route(4)), (0, 1));
        // Citus with its default 32 shards, as in the vectors above.
        let c = Scheme::Citus { shard_count: 32 };
        assert_eq!([0, 1, 2, 42].map(|k| c.route(k)), [13, 1, 24, 27]);
        // Ranges: split points 100 and 200 make three shards.
        let r = Scheme::Range { splits: vec![100, 200] };
        assert_eq!([0, 99, 100, 199, 200, u64::MAX].map(|k| r.route(k)), [0, 0, 1, 1, 2, 2]);
        assert_eq!(r.shards_for_range(150, 250), [1, 2]);
        assert_eq!(Scheme::HashMod { shards: 4 }.shards_for_range(1, 2), [0, 1, 2, 3], "a hash scheme scatters");
        assert_eq!(r.split_at(150), Some(Scheme::Range { splits: vec![100, 150, 200] }));
        assert!(vitess(&["-80", "90-"]).validate().is_err());
        assert!(Scheme::Range { splits: vec![5, 5] }.validate().is_err());
    }

    fn scheme() -> impl Strategy<Value = Scheme> {
        prop_oneof![
            (1u32..64).prop_map(|shards| Scheme::HashMod { shards }),
            prop::collection::btree_set(any::<u64>(), 0..20)
                .prop_map(|s| Scheme::Range { splits: s.into_iter().collect() }),
            (1u32..64).prop_map(Scheme::mongo),
            (1u32..64).prop_map(|shard_count| Scheme::Citus { shard_count }),
            Just(vitess(&["-40", "40-80", "80-c0", "c0-"])),
        ]
    }

    /// A workload's hashes, kept per family, are each key's own hash, whether
    /// hashed key by key (wide keys) or per value of a narrow span (Zipf's few users).
    #[test]
    fn a_workloads_hashes_are_its_keys_hashes() {
        use playground::sim::kernel::rng::Rng;
        use playground::sim::sharding::drawn::Drawn;
        use playground::sim::sharding::scheme::HashFamily;
        use playground::sim::sharding::workload::{Keys, Workload};
        // Every family is listed once, in the order its index gives.
        assert!(HashFamily::ALL.iter().enumerate().all(|(i, &f)| f as usize == i));
        // Keys of up to 20 decimal digits too: libketama's text fills its MD5 block's first six words.
        let wide = [Keys::Uniform { max: 1 << 40 }, Keys::Uniform { max: u64::MAX }];
        for keys in [Keys::Zipf { distinct: 300 }, Keys::Uniform { max: 7 }].into_iter().chain(wide) {
            let t = Drawn::new(&Workload::new(keys.clone(), 5_000), &mut Rng::new(3));
            for f in HashFamily::ALL {
                let want: Vec<u64> = t.keys.iter().map(|&k| f.hash(k)).collect();
                assert_eq!(t.hashes(f), want, "{keys:?} under {f:?}");
            }
        }
    }

    /// A workload grown or shrunk by rows keeps the hashes of its first rows
    /// and hashes the rest: the same hashes as computed afresh.
    #[test]
    fn a_workload_of_more_or_fewer_rows_reuses_the_hashes_of_its_first() {
        use playground::sim::kernel::rng::Rng;
        use playground::sim::sharding::drawn::Drawn;
        use playground::sim::sharding::scheme::HashFamily;
        use playground::sim::sharding::workload::{Keys, Workload};
        let draw = |keys: &Keys, rows| Drawn::new(&Workload::new(keys.clone(), rows), &mut Rng::new(9));
        for keys in [Keys::Uniform { max: 1 << 40 }, Keys::Zipf { distinct: 50 }, Keys::Sequential] {
            let before = draw(&keys, 3_000);
            before.hashes(HashFamily::Vitess);
            before.hashes(HashFamily::Mongo);
            before.hashes(HashFamily::Ketama);
            before.distinct();
            for rows in [1_000, 3_000, 7_000] {
                let after = draw(&keys, rows).reusing(&before);
                assert_eq!(after, draw(&keys, rows));
                assert_eq!(after.distinct(), draw(&keys, rows).distinct(), "{keys:?}, {rows} rows");
                for f in [HashFamily::Vitess, HashFamily::Ketama, HashFamily::Mongo] {
                    let want: Vec<u64> = after.keys.iter().map(|&k| f.hash(k)).collect();
                    assert_eq!(after.hashes(f), want, "{keys:?}, {rows} rows, {f:?}");
                }
            }
        }
        // Other keys share no prefix: nothing is carried over, and the hashes are still right.
        let other = draw(&Keys::Uniform { max: 1 << 40 }, 2_000);
        let t = Drawn::new(&Workload::new(Keys::Uniform { max: 1 << 40 }, 2_000), &mut Rng::new(10)).reusing(&other);
        assert_eq!(t.hashes(HashFamily::Vitess)[0], HashFamily::Vitess.hash(t.keys[0]));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// Every key routes to one shard in range, and a point query asks exactly that shard.
        #[test]
        fn every_key_routes_to_one_shard(s in scheme(), key in any::<u64>()) {
            prop_assert!(s.validate().is_ok());
            let shard = s.route(key);
            prop_assert!(shard < s.shard_count());
            prop_assert_eq!(s.shards_for_range(key, key), vec![shard]);
        }

        /// Range partitioning asks exactly the shards whose ranges overlap the query.
        #[test]
        fn range_queries_touch_exactly_the_overlapping_shards(
            splits in prop::collection::btree_set(0u64..1_000, 1..10), a in 0u64..1_100, b in 0u64..1_100
        ) {
            let splits: Vec<u64> = splits.into_iter().collect();
            let s = Scheme::Range { splits: splits.clone() };
            let (lo, hi) = (a.min(b), a.max(b));
            let bounds: Vec<(u64, u64)> = (0..=splits.len()).map(|i| {
                let start = if i == 0 { 0 } else { splits[i - 1] };
                let end = splits.get(i).copied().unwrap_or(u64::MAX);
                (start, end)
            }).collect();
            let overlapping: Vec<usize> = bounds.iter().enumerate().filter(|(_, (start, end))| *start <= hi && lo < *end).map(|(i, _)| i).collect();
            prop_assert_eq!(s.shards_for_range(lo, hi), overlapping);
        }

        /// Splitting a range moves only rows of that range: every other key
        /// keeps its range (its index shifts by one past the split).
        #[test]
        fn a_split_moves_only_rows_of_the_split_range(
            splits in prop::collection::btree_set(0u64..1_000_000, 1..10), at in 0u64..1_000_000, key in 0u64..1_000_000
        ) {
            let s = Scheme::Range { splits: splits.into_iter().collect() };
            if let Some(after) = s.split_at(at) {
                let split_shard = s.route(at);
                let (b, a) = (s.route(key), after.route(key));
                if b != split_shard {
                    prop_assert_eq!(a, if b > split_shard { b + 1 } else { b });
                } else {
                    prop_assert!(a == b || a == b + 1);
                }
            }
        }
    }
}

mod resharding {
    use playground::sim::kernel::rng::Rng;
    use playground::sim::sharding::config::SchemeConfig;
    use playground::sim::sharding::drawn::Drawn;
    use playground::sim::sharding::reshard::Reshard;
    use playground::sim::sharding::run::run_scheme;
    use playground::sim::sharding::workload::{Keys, Workload};
    use proptest::prelude::*;

    fn keys(n: usize, seed: u64) -> Drawn {
        let w = Workload {
            keys: Keys::Uniform { max: 1 << 40 },
            rows: n,
            range_queries: 0,
            range_width: 1,
            countries: Vec::new(),
            ..Workload::new(Keys::Sequential, 0)
        };
        Drawn::new(&w, &mut Rng::new(seed))
    }

    /// A new server takes whole chunks: 16 MongoDB chunks on 4 servers, then
    /// 5, leave 4, 3, 3, 3 and 3 on the servers, so the newcomer holds 3/16 of the
    /// rows, all of them taken from the others, and no key re-hashes.
    #[test]
    fn a_new_server_takes_whole_chunks() {
        let ks = keys(64_000, 3);
        let mongo = SchemeConfig::Mongo { chunks: 16, servers: Some(4), balancer: Default::default() };
        let run = run_scheme(&mongo, &ks, Some(&Reshard::AddShard)).unwrap();
        let after = run.after.unwrap();
        assert_eq!(after.rows.len(), 5);
        assert_eq!(run.rows_moved, after.rows[4], "every moved row went to the new server");
        assert_eq!(run.shards_gaining, 1);
        let share = run.rows_moved as f64 / 64_000.0;
        assert!((share - 3.0 / 16.0).abs() < 0.02, "moved {share}");
        // Without servers to add, MongoDB's chunks have nowhere to go: the change does not apply.
        let alone = run_scheme(
            &SchemeConfig::Mongo { chunks: 4, servers: None, balancer: Default::default() },
            &ks,
            Some(&Reshard::AddShard),
        )
        .unwrap();
        assert!(alone.after.is_none());
        assert!(run_scheme(
            &SchemeConfig::Citus { shard_count: 4, nodes: Some(5), rebalance: Default::default() },
            &ks,
            None
        )
        .is_err());
        // Timestamps that would overflow are refused, even from 0.
        let w = Workload {
            keys: Keys::Timestamps { start_ms: 0, step_ms: 1 << 63 },
            rows: 3,
            range_queries: 0,
            range_width: 1,
            countries: Vec::new(),
            ..Workload::new(Keys::Sequential, 0)
        };
        assert!(w.validate().unwrap_err().contains("overflow"));
    }

    /// Moving one chunk moves exactly that chunk's rows, from one server to
    /// one: MongoDB's 16 chunks on 4 servers leave 3 and 5.
    #[test]
    fn moving_a_chunk_moves_only_its_rows() {
        let ks = keys(64_000, 5);
        let mongo = SchemeConfig::Mongo { chunks: 16, servers: Some(4), balancer: Default::default() };
        let run = run_scheme(&mongo, &ks, Some(&Reshard::MoveChunk)).unwrap();
        let after = run.after.as_ref().unwrap();
        assert_eq!((run.shards_losing, run.shards_gaining), (1, 1));
        // All four servers hold four chunks: server 1 gives its last, chunk 4, to server 2.
        let chunk4 = ks.keys.iter().filter(|&&k| mongo.scheme().unwrap().route(k) == 3).count() as u64;
        assert_eq!(run.rows_moved, chunk4);
        assert_eq!(after.rows[0], run.before.rows[0] - chunk4);
        assert_eq!(after.rows.iter().sum::<u64>(), 64_000);
        // Not for schemes without servers to move between.
        let hashed = run_scheme(&SchemeConfig::HashMod { shards: 4 }, &ks, Some(&Reshard::MoveChunk)).unwrap();
        assert!(hashed.after.is_none());
    }

    /// A directory places new keys on the emptiest shard, and a new shard
    /// takes exactly its share of keys from the fullest ones: the ideal 1/5.
    #[test]
    fn a_directory_moves_only_the_newcomers_share() {
        let ks = Drawn::of((1..=100_000).collect(), Vec::new());
        let run = run_scheme(&SchemeConfig::Directory { shards: 4 }, &ks, Some(&Reshard::AddShard)).unwrap();
        assert_eq!(run.before.rows, [25_000; 4]);
        assert_eq!(run.after.as_ref().unwrap().rows, [20_000; 5]);
        assert_eq!((run.rows_moved, run.shards_gaining), (20_000, 1));
        // A workload's range queries start at keys it wrote, so the directory names a shard for each.
        let zipf =
            Workload { range_queries: 500, range_width: 3, ..Workload::new(Keys::Zipf { distinct: 2_000 }, 5_000) };
        let traffic = Drawn::new(&zipf, &mut Rng::new(5));
        let run = run_scheme(&SchemeConfig::Directory { shards: 4 }, &traffic, None).unwrap();
        assert!(traffic.queries.iter().all(|&(lo, hi)| !run.router.asks(lo, hi).is_empty()));
        assert!(run.before.shards_per_query >= 1.0);
        // A range past every key asks no shard: the directory holds none of it.
        assert!(run.router.asks(2_001, 3_000).is_empty());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(40))]

        /// Adding a server (Citus, MongoDB) or a ring shard moves rows only onto
        /// the newcomer; hash modulo moves rows between old shards too.
        #[test]
        fn growing_moves_rows_only_to_the_new_server(seed in any::<u64>(), n in 2u32..8, per in 1u32..6) {
            let ks = keys(5_000, seed);
            for config in [
                SchemeConfig::Citus { shard_count: n * per, nodes: Some(n), rebalance: Default::default() },
                SchemeConfig::Mongo { chunks: n * per, servers: Some(n), balancer: Default::default() },
                SchemeConfig::Consistent { shards: n },
                SchemeConfig::Directory { shards: n },
            ] {
                let run = run_scheme(&config, &ks, Some(&Reshard::AddShard)).unwrap();
                let after = run.after.unwrap();
                prop_assert_eq!(run.rows_moved, after.rows[n as usize], "{:?}", config);
                prop_assert!(run.shards_gaining <= 1);
            }
        }
    }
}

#[test]
fn consistent_routing_hashes_the_keys_decimal_text() {
    use playground::sim::hash_ring::ketama::Continuum;
    use playground::sim::hash_ring::Node;
    let shards: Vec<Node> = (0..5).map(|i| Node::new(format!("shard-{i}"))).collect();
    let ring = Continuum::new(&shards);
    let scheme = playground::sim::sharding::scheme::Scheme::consistent(5);
    for key in [0, 1, 9, 10, 99, 100, 12_345, u64::from(u32::MAX), u64::MAX - 1, u64::MAX] {
        assert_eq!(scheme.route(key), ring.locate(key.to_string().as_bytes()), "key {key}");
    }
}

proptest::proptest! {
    /// The consistent-hashing family hashes a key's decimal text, written
    /// eight digits at a time: zeros inside a group and at its edges included.
    #[test]
    fn ketama_hashes_the_decimal_text(key: u64, digits in 0u32..20, edge in 0u64..3) {
        use playground::sim::hash_ring::ketama::key_hash;
        use playground::sim::sharding::scheme::HashFamily;
        let round = 10u64.checked_pow(digits).map_or(key, |p| p.saturating_add(edge).saturating_sub(1));
        for k in [key, round, key % 1_000_000_000] {
            proptest::prop_assert_eq!(HashFamily::Ketama.hash(k), u64::from(key_hash(k.to_string().as_bytes())), "key {}", k);
        }
    }
}

#[test]
fn even_vitess_shards_are_named_as_vitess_names_them() {
    assert_eq!(vitess_even_shards(2), ["-80", "80-"]);
    assert_eq!(vitess_even_shards(4), ["-40", "40-80", "80-c0", "c0-"]);
    assert_eq!(vitess_even_shards(6), ["-40", "40-80", "80-c0", "c0-"], "rounded down to a power of two");
    assert_eq!(vitess_even_shards(32)[1], "08-10");
    // Every name parses, and the ranges tile the keyspace.
    let ranges: Vec<KeyRange> = vitess_even_shards(16).iter().map(|n| KeyRange::parse(n).unwrap()).collect();
    assert!(ranges.windows(2).all(|w| w[0].end == w[1].start));
}

/// Vitess's region vindexes: `region_experimental_test.go`'s vectors (the
/// region cut to 16 bits, then to its low byte for one byte) and the
/// region-sharding guide's `region_json` table for ids 1 to 16 with its
/// `countries.json` (provenance in `tests/golden/sharding/README.md`).
mod region {
    use super::hex;
    use playground::sim::sharding::config::SchemeConfig;
    use playground::sim::sharding::drawn::Drawn;
    use playground::sim::sharding::region::{region_keyspace_id, region_keyspace_prefix, EXAMPLE_REGIONS};
    use playground::sim::sharding::run::run_scheme;
    use playground::sim::sharding::vitess_keyspace_id;
    use playground::sim::sharding::workload::{Keys, Workload};

    #[test]
    fn keyspace_ids_match_region_experimental_test_go() {
        let h1 = "166b40b44aba4bd6";
        for (region, bytes, want) in [
            (1, 1, "01"),
            (255, 1, "ff"),
            (256, 1, "00"),
            (1, 2, "0001"),
            (255, 2, "00ff"),
            (256, 2, "0100"),
            (0x10000, 2, "0000"),
        ] {
            assert_eq!(
                hex(&region_keyspace_id(region, 1, bytes)),
                format!("{want}{h1}"),
                "region {region}, {bytes} bytes"
            );
        }
    }

    #[test]
    fn keyspace_ids_match_the_region_sharding_guide() {
        let want = [
            "01166b40b44aba4bd6",
            "0106e7ea22ce92708f",
            "024eb190c9a2fa169c",
            "02d2fd8867d50d2dfe",
            "4070bb023c810ca87a",
            "40f098480ac4c4be71",
            "41fb8baaad918119b8",
            "41cc083f1e6d9e85f6",
            "80692bb9bf752b0f58",
            "80594764e1a2b2d98e",
            "81aefc44491cfe474c",
            "81d3748269b7058a0e",
            "c062dce203c602f358",
            "c0acbfda0d70613fc4",
            "c16a8b56ed414942b8",
            "c15b711bc4ceebf2ee",
        ];
        // Ids 1 and 2 are in the United States, 3 and 4 in Canada, and so on in the map's order.
        for (i, w) in want.iter().enumerate() {
            let id = i as u64 + 1;
            let region = u64::from(EXAMPLE_REGIONS[i / 2].1);
            let ksid = region_keyspace_id(region, id, 1);
            assert_eq!(hex(&ksid), *w, "id {id}");
            let prefix = region_keyspace_prefix(region, u64::from_be_bytes(vitess_keyspace_id(id)), 1);
            assert_eq!(prefix.to_be_bytes(), ksid[..8], "id {id}: the first eight bytes");
        }
    }

    /// Each country's rows land on the one shard whose key range holds its
    /// region byte: two countries per shard in Vitess's example layout.
    #[test]
    fn each_country_lives_on_the_shard_holding_its_region() {
        let w = Workload {
            keys: Keys::Sequential,
            rows: 20_000,
            range_queries: 0,
            range_width: 1,
            countries: playground::sim::sharding::region::example_countries(),
            ..Workload::new(Keys::Sequential, 0)
        };
        let traffic = Drawn::new(&w, &mut playground::sim::kernel::rng::Rng::new(3));
        let region = SchemeConfig::named("region", 4, &SchemeConfig::HashMod { shards: 4 }, &w);
        let run = run_scheme(&region, &traffic, None).unwrap();
        assert_eq!(run.before.shards_per_country, Some(1.0));
        for (&k, &c) in traffic.keys.iter().zip(&traffic.country) {
            let byte = EXAMPLE_REGIONS[usize::from(c)].1 as usize;
            assert_eq!(run.router.locate(k), Some(byte / 64), "key {k} from {}", EXAMPLE_REGIONS[usize::from(c)].0);
        }
        // The rows per shard follow the countries' shares (United States 30 + Canada 5 of 100, …).
        let share = |i: usize| run.before.rows[i] as f64 / 20_000.0;
        assert!((share(0) - 0.35).abs() < 0.02 && (share(3) - 0.20).abs() < 0.02, "{:?}", run.before.rows);
        // Hashing spreads every country over all four shards.
        let hashed = run_scheme(&SchemeConfig::HashMod { shards: 4 }, &traffic, None).unwrap();
        assert_eq!(hashed.before.shards_per_country, Some(4.0));
        // A country missing from the map cannot be routed.
        let SchemeConfig::Region { mut regions, shards, region_bytes } = region else { panic!() };
        regions.retain(|r| r.country != "Japan");
        let err = run_scheme(&SchemeConfig::Region { regions, shards, region_bytes }, &traffic, None).unwrap_err();
        assert_eq!(err, "the region map has no entry for `Japan`, so Vitess cannot route its rows");
    }
}

/// A read/write mix: point reads land where their rows live. Reads of the
/// newest rows all go to the last range of a time-keyed table, and spread
/// evenly under a hash.
#[test]
fn reads_follow_the_rows_they_ask_for() {
    use playground::sim::sharding::config::SchemeConfig;
    use playground::sim::sharding::drawn::Drawn;
    use playground::sim::sharding::run::run_scheme;
    use playground::sim::sharding::workload::{Keys, Reads, Workload};
    let w = Workload {
        reads_per_write: 5,
        reads: Reads::Recent,
        ..Workload::new(Keys::Timestamps { start_ms: 0, step_ms: 1_000 }, 10_000)
    };
    let traffic = Drawn::new(&w, &mut playground::sim::kernel::rng::Rng::new(1));
    let ranges = SchemeConfig::named("range", 4, &SchemeConfig::HashMod { shards: 4 }, &w);
    let run = run_scheme(&ranges, &traffic, None).unwrap();
    assert_eq!(run.before.rows, [2_500; 4]);
    assert_eq!(run.before.reads.as_deref(), Some(&[0, 0, 0, 50_000][..]));
    // (2,500 writes + 50,000 reads) against a mean of 15,000 operations.
    assert_eq!(run.before.busiest_load_over_mean, Some(3.5));
    let hashed = run_scheme(&SchemeConfig::HashMod { shards: 4 }, &traffic, None).unwrap();
    let reads = hashed.before.reads.unwrap();
    assert!(
        reads.iter().sum::<u64>() > 50_000 - 4 && reads.iter().all(|&r| (10_500..14_500).contains(&r)),
        "{reads:?}"
    );
    // Reads of any row follow the data: five per row on every shard.
    let uniform =
        Drawn::new(&Workload { reads: Reads::Uniform, ..w.clone() }, &mut playground::sim::kernel::rng::Rng::new(1));
    let run = run_scheme(&ranges, &uniform, None).unwrap();
    assert_eq!(run.before.reads.as_deref(), Some(&[12_500; 4][..]));
    assert_eq!(run.before.busiest_load_over_mean, Some(1.0));
    // Without reads, no read figures.
    let none = run_scheme(
        &ranges,
        &Drawn::new(&Workload::new(Keys::Sequential, 100), &mut playground::sim::kernel::rng::Rng::new(1)),
        None,
    )
    .unwrap();
    assert_eq!((none.before.reads, none.before.busiest_load_over_mean), (None, None));
}

proptest::proptest! {
    /// The engines' radix sort orders as the standard library's stable sort
    /// does, for keys of narrow and full width, offset anywhere (it sorts
    /// the keys less their minimum).
    #[test]
    fn radix_sort_agrees_with_a_stable_sort(
        keys in proptest::collection::vec(0u64..1 << 40, 0..600),
        offset: u64,
        narrow: bool,
    ) {
        let keys = keys.iter().map(|&k| if narrow { k % 50 } else { k.wrapping_mul(0x9e37_79b9_7f4a_7c15) });
        let mut v: Vec<(u64, u32)> = keys.enumerate().map(|(i, k)| (k.saturating_add(offset), i as u32)).collect();
        let mut want = v.clone();
        want.sort_by_key(|e| e.0);
        playground::sim::kernel::sort::radix_sort_by_key(&mut v, |e| e.0);
        proptest::prop_assert_eq!(v, want);
    }
}

proptest::proptest! {
    /// A workload's distinct keys, each row's index among them and the row
    /// that first wrote its key, as a plain map computes them: for keys that
    /// pack beside their row in one word and for keys that span all 64 bits.
    #[test]
    fn distinct_keys_are_a_maps(keys in proptest::collection::vec(proptest::prelude::any::<u64>(), 0..400), narrow: bool) {
        use playground::sim::sharding::drawn::Drawn;
        let keys: Vec<u64> = keys.iter().map(|&k| if narrow { 1_000 + k % 37 } else { k }).collect();
        let mut first: std::collections::BTreeMap<u64, (u32, u32)> = std::collections::BTreeMap::new();
        for (row, &k) in keys.iter().enumerate() {
            first.entry(k).or_insert((row as u32, 0)).1 += 1;
        }
        let sorted: Vec<u64> = first.keys().copied().collect();
        let traffic = Drawn::of(keys.clone(), Vec::new());
        let d = traffic.distinct();
        proptest::prop_assert_eq!(&d.keys, &sorted);
        proptest::prop_assert_eq!(&d.first_of, &first.values().map(|v| v.0).collect::<Vec<_>>());
        proptest::prop_assert_eq!(&d.rows, &first.values().map(|v| v.1).collect::<Vec<_>>());
        let ids: Vec<u32> = keys.iter().map(|k| sorted.binary_search(k).unwrap() as u32).collect();
        proptest::prop_assert_eq!(&d.first_row, &keys.iter().map(|k| first[k].0).collect::<Vec<_>>());
        proptest::prop_assert_eq!(&d.ids, &ids);
    }
}

/// The numbers the database-sharding article's questions quote, from the
/// engine, and its configuration blocks against the presets they describe.
mod article {
    use playground::sim::sharding::config::SchemeConfig;
    use playground::sim::sharding::presets::preset;
    use playground::sim::sharding::reshard::Reshard;
    use playground::sim::sharding::run::SchemeRun;
    use playground::sim::sharding::{vitess_keyspace_id, KeyRange};

    const ARTICLE: &str = include_str!("../articles/database-sharding.md");

    fn quotes(text: &str) {
        assert!(ARTICLE.contains(text), "the article no longer says `{text}`");
    }

    /// The article's fenced block in `lang` that contains `marker`.
    fn block(lang: &str, marker: &str) -> &'static str {
        let open = format!("```{lang}\n");
        ARTICLE
            .match_indices(&open)
            .map(|(i, _)| {
                let start = i + open.len();
                &ARTICLE[start..start + ARTICLE[start..].find("```").unwrap()]
            })
            .find(|b| b.contains(marker))
            .unwrap_or_else(|| panic!("no {lang} block with `{marker}`"))
    }

    fn runs(name: &str) -> Vec<SchemeRun> {
        preset(name).unwrap().run().unwrap()
    }

    fn two_places(x: f64) -> String {
        format!("{x:.2}")
    }

    #[test]
    fn monotonic_ids_load_the_last_range() {
        let r = runs("sequential-ids");
        assert!(matches!(r[0].scheme, SchemeConfig::Range { .. }));
        assert_eq!(r[0].before.recent_hottest_over_mean, 4.0);
        assert_eq!(r[0].after.as_ref().unwrap().recent_hottest_over_mean, 5.0);
        for hashed in &r[1..] {
            assert!(hashed.before.recent_hottest_over_mean < 1.03, "{:?}", hashed.scheme);
        }
        quotes("the last range takes every one of the newest tenth of the writes, 4 times its fair share, and 5 times after the split, while hash modulo and Vitess stay within 3% of the mean before it");
    }

    #[test]
    fn a_celebrity_loads_one_shard_under_every_scheme() {
        let r = runs("celebrity");
        let hottest: Vec<String> = r.iter().map(|s| two_places(s.before.hottest_over_mean)).collect();
        assert_eq!(hottest, ["1.39", "1.25", "1.35"]);
        quotes("the fullest shard holds 1.39 times the mean under hash modulo, 1.25 under Vitess and 1.35 under MongoDB's hashed key");
        let mut sixteen = preset("celebrity").unwrap();
        sixteen.schemes[0] = SchemeConfig::HashMod { shards: 16 };
        assert_eq!(two_places(sixteen.run().unwrap()[0].before.hottest_over_mean), "2.49");
        quotes("Raise the hash modulo lane's **Shards** to 16: its fullest shard then holds 2.49 times the mean");
    }

    /// Citus's `by_disk_size` on the add-shard preset: each shard weighs its
    /// rows at 16 KB plus the 100 MB base, and the plan is Citus's for
    /// those costs with a 10% threshold and an improvement threshold of 0.5.
    #[test]
    fn citus_by_disk_size_plans_by_each_shards_size() {
        use playground::sim::sharding::citus::{disk_size_cost, plan, BY_DISK_SIZE};
        use playground::sim::sharding::config::CitusRebalance;
        let mut s = preset("add-shard").unwrap();
        let SchemeConfig::Citus { rebalance, .. } = &mut s.schemes[2] else { panic!("the third lane is Citus") };
        *rebalance = CitusRebalance::ByDiskSize { row_bytes: 16_384 };
        let r = s.run().unwrap();
        assert_eq!(r[2].rows_moved, 19_229);
        quotes("moves 19,229 rows instead of 18,764");
        // The same plan from the shards' sizes.
        let scheme = s.schemes[2].scheme().unwrap();
        let keys = s.traffic().keys;
        let mut rows = vec![0u64; 32];
        for &k in &keys {
            rows[scheme.route(k)] += 1;
        }
        let costs: Vec<f32> = rows.iter().map(|&n| disk_size_cost(n * 16_384)).collect();
        let mut on: Vec<usize> = (0..32).map(|i| i % 4).collect();
        let moves = plan(&costs, &mut on, &[1.0; 5], BY_DISK_SIZE, usize::MAX);
        let moved: u64 = moves.iter().map(|m| rows[m.shard]).sum();
        assert_eq!(moved, 19_229);
        assert!(moves.iter().all(|m| m.to == 4), "{moves:?}");
        // In JSON, and checked.
        let json = playground::scenario::Scenario::from(s.clone()).to_json();
        assert!(json.contains(r#""rebalance":{"by-disk-size":{"row_bytes":16384}}"#), "{json}");
        *rebalance_of(&mut s) = CitusRebalance::ByDiskSize { row_bytes: 0 };
        assert!(s.validate().unwrap_err().contains("row_bytes must be between 1 and"));
    }

    fn rebalance_of(
        s: &mut playground::sim::sharding::scenario::ShardingScenario,
    ) -> &mut playground::sim::sharding::config::CitusRebalance {
        match &mut s.schemes[2] {
            SchemeConfig::Citus { rebalance, .. } => rebalance,
            _ => panic!("the third lane is Citus"),
        }
    }

    /// MongoDB's balancers on the add-shard preset: by chunk count the
    /// newcomer takes the first chunk of three shards; by data size it takes
    /// what the 384 MB gap leaves to move, by the documents' size.
    #[test]
    fn mongo_balances_by_chunk_count_or_by_data_size() {
        use playground::sim::sharding::config::MongoBalancer;
        let by = |doc_bytes: Option<u64>| {
            let mut s = preset("add-shard").unwrap();
            let SchemeConfig::Mongo { balancer, .. } = &mut s.schemes[1] else { panic!("the second lane is MongoDB") };
            if let Some(doc_bytes) = doc_bytes {
                *balancer = MongoBalancer::DataSize { doc_bytes, range_mb: 128 };
            }
            let r = s.run().unwrap().swap_remove(1);
            (r.rows_moved, r.after.unwrap().rows)
        };
        assert_eq!(by(None), (18_743, vec![18_567, 18_676, 18_954, 25_060, 18_743]));
        quotes("MongoDB's 16 chunks on 4 shards move 18,743 rows (18.7%)");
        // 16 KB documents: one whole chunk from the fullest shard, then 25,060 × 16 KB (410 MB) against
        // 6,262 × 16 KB (103 MB) is under 3 × 128 MiB apart.
        let (moved, rows) = by(Some(16_384));
        assert_eq!((moved, rows[4], rows[3]), (6_262, 6_262, 25_060));
        assert!((rows[3] - rows[4]) * 16_384 < 3 * (128 << 20));
        quotes("with 16 KB documents each shard holds about 410 MB, the newcomer receives one whole chunk of 6,262 rows (103 MB)");
        // 4 KB documents: about 100 MB a shard, nothing moves; 64 KB: eight ranges of 2,047 documents.
        assert_eq!(by(Some(4_096)).0, 0);
        quotes("A collection of 4 KB documents, 100 MB a shard, would leave the new shard empty");
        assert_eq!(by(Some(65_536)).0, 8 * 2_047);
        quotes("With 64 KB documents a range is 2,047 documents, and eight ranges move 16,376 rows");
        // In JSON, and checked.
        let mut s = preset("add-shard").unwrap();
        if let SchemeConfig::Mongo { balancer, .. } = &mut s.schemes[1] {
            *balancer = MongoBalancer::DataSize { doc_bytes: 16_384, range_mb: 128 };
        }
        let json = playground::scenario::Scenario::from(s.clone()).to_json();
        assert!(json.contains(r#""balancer":{"data-size":{"doc_bytes":16384}}"#), "{json}");
        if let SchemeConfig::Mongo { balancer, .. } = &mut s.schemes[1] {
            *balancer = MongoBalancer::DataSize { doc_bytes: 1 << 25, range_mb: 128 };
        }
        assert!(s.validate().unwrap_err().contains("doc_bytes must be between 1 and 16777216"));
        // A collection filling more ranges than the simulation splits is refused, with the numbers.
        if let SchemeConfig::Mongo { balancer, .. } = &mut s.schemes[1] {
            *balancer = MongoBalancer::DataSize { doc_bytes: 1 << 20, range_mb: 16 };
        }
        assert_eq!(
            s.validate().unwrap_err(),
            "MongoDB's data-size balancer is simulated up to 4096 ranges of data, and 100000 documents of 1048576 bytes fill 6250 ranges of 16 MB: use larger ranges, smaller documents or fewer rows"
        );
    }

    #[test]
    fn a_fifth_server_moves_what_the_question_says() {
        let r = runs("add-shard");
        assert_eq!(r.iter().map(|s| s.rows_moved).collect::<Vec<_>>(), [80_101, 18_743, 18_764]);
        assert_eq!(two_places(r[1].after.as_ref().unwrap().hottest_over_mean), "1.25");
        quotes("hash modulo moves 80,101 of 100,000 rows, MongoDB's 16 chunks move 18,743 and Citus's 32 shards 18,764, against an ideal of 20%. MongoDB's fullest shard still holds 1.25 times the mean");
    }

    #[test]
    fn regions_stay_on_their_shards() {
        let mut s = preset("regions").unwrap();
        let r = s.run().unwrap();
        assert_eq!(r[0].before.rows.iter().copied().max(), Some(34_884));
        assert_eq!(two_places(r[0].before.hottest_over_mean), "1.40");
        let per_country: Vec<Option<f64>> = r.iter().map(|s| s.before.shards_per_country).collect();
        assert_eq!(per_country, [Some(1.0), Some(4.0), Some(4.0)]);
        s.reshard = Some(Reshard::SplitHottest);
        assert_eq!(s.run().unwrap()[0].rows_moved, 0);
        quotes("with the region vindex **Shards per country** is 1, against 4 under the hash vindex and hash modulo, and the shard holding the United States and Canada takes 34,884 rows, 1.40 times the mean");
    }

    /// The VSchema routes by the `hash` vindex, as the Vitess lanes do, and
    /// the `Reshard` splits the shard the sequential-ids preset splits into
    /// the two halves the engine fills.
    #[test]
    fn the_vitess_blocks_are_the_sequential_ids_presets_split() {
        let vschema: serde_json::Value = serde_json::from_str(block("json", "column_vindexes")).unwrap();
        assert_eq!(vschema["sharded"], true);
        let column = &vschema["tables"]["events"]["column_vindexes"][0];
        let vindex = column["name"].as_str().unwrap();
        assert_eq!(vschema["vindexes"][vindex]["type"], "hash");
        let s = preset("sequential-ids").unwrap();
        let shards = s
            .schemes
            .iter()
            .find_map(|c| match c {
                SchemeConfig::Vitess { shards } => Some(shards.clone()),
                _ => None,
            })
            .expect("a Vitess lane");
        assert_eq!(s.reshard, Some(Reshard::SplitHottest));
        let sh = block("sh", "Reshard");
        let flag = |name: &str| {
            let after =
                &sh[sh.find(&format!("--{name} '")).unwrap_or_else(|| panic!("no --{name}")) + name.len() + 4..];
            &after[..after.find('\'').unwrap()]
        };
        let (source, targets) = (flag("source-shards"), flag("target-shards"));
        let run = s.run().unwrap().into_iter().find(|r| matches!(r.scheme, SchemeConfig::Vitess { .. })).unwrap();
        let hottest = (0..shards.len()).max_by_key(|&i| (run.before.rows[i], usize::MAX - i)).unwrap();
        assert_eq!(source, shards[hottest]);
        let ids: Vec<[u8; 8]> = (1..=100_000u64).map(vitess_keyspace_id).collect();
        let rows: Vec<u64> = targets
            .split(',')
            .map(|t| {
                let range = KeyRange::parse(t).unwrap();
                ids.iter().filter(|id| range.contains(&id[..])).count() as u64
            })
            .collect();
        let after = run.after.unwrap();
        assert_eq!(rows, after.rows[hottest..hottest + 2]);
        assert_eq!(rows.iter().sum::<u64>(), run.before.rows[hottest]);
        for step in ["create", "vdiff", "switchtraffic", "complete"] {
            assert!(sh.contains(step), "{step}");
        }
    }

    /// The Citus block is the add-shard preset's Citus lane: 32 shards on
    /// four workers, a fifth, and a rebalance by shard count.
    #[test]
    fn the_citus_block_is_the_add_shard_presets_citus_lane() {
        let sql = block("sql", "create_distributed_table");
        let (before, after) = sql.split_at(sql.find("create_distributed_table").unwrap());
        let shard_count: u32 = before
            .lines()
            .find_map(|l| l.strip_prefix("SET citus.shard_count = "))
            .and_then(|v| v.trim_end_matches(';').parse().ok())
            .expect("citus.shard_count");
        let workers = before.matches("citus_add_node(").count() as u32;
        assert_eq!(after.matches("citus_add_node(").count(), 1, "one worker joins");
        assert!(after.contains("rebalance_table_shards('events', rebalance_strategy := 'by_shard_count')"));
        let s = preset("add-shard").unwrap();
        assert!(
            s.schemes.contains(&SchemeConfig::Citus {
                shard_count,
                nodes: Some(workers),
                rebalance: Default::default()
            }),
            "{shard_count} on {workers}"
        );
        assert_eq!(s.reshard, Some(Reshard::AddShard));
    }
}

/// `sdp shard` prints each key's hash and shard under every scheme, for
/// integer keys (Vitess's `hash_test.go` keyspace IDs, MongoDB's
/// `hasher_test.cpp` values, PostgreSQL's `hashint8` and Citus's shard, as
/// the vectors above) and for strings (MongoDB's hashed string, PostgreSQL's
/// `hashtext`); a scheme that cannot place a key alone says why.
#[test]
fn sdp_shard_prints_each_systems_hash_and_shard() {
    use playground::scenario::Scenario;
    use playground::sim::sharding::config::SchemeConfig;
    let run = |schemes: Vec<SchemeConfig>, keys: &str| -> Vec<String> {
        let mut s = playground::sim::sharding::presets::preset("regions").unwrap();
        s.schemes = schemes;
        let path = std::env::temp_dir().join(format!("sdp-shard-{}-{}.json", std::process::id(), s.schemes.len()));
        std::fs::write(&path, Scenario::from(s).to_json()).unwrap();
        let out = sdp::sdp_with_input(&["shard", path.to_str().unwrap(), "-"], keys);
        std::fs::remove_file(&path).unwrap();
        out.lines().map(String::from).collect()
    };
    let shards = |names: &[&str]| names.iter().map(|n| n.to_string()).collect::<Vec<_>>();
    let lines = run(
        vec![
            SchemeConfig::Vitess { shards: shards(&["-40", "40-80", "80-c0", "c0-"]) },
            SchemeConfig::Mongo { chunks: 8, servers: None, balancer: Default::default() },
            SchemeConfig::Citus { shard_count: 32, nodes: None, rebalance: Default::default() },
        ],
        "1\n42\n\n-1\nabc\n\"42\"\n",
    );
    assert_eq!(lines.len(), 5, "blank lines are skipped");
    assert_eq!(
        lines[0],
        "{\"key\":\"1\",\"type\":\"integer\",\"schemes\":[{\"scheme\":\"vitess\",\"hash\":\"166b40b44aba4bd6\",\"shard\":0,\"name\":\"-40\"},\
         {\"scheme\":\"mongo\",\"hash\":5902408780260971510,\"shard\":6},{\"scheme\":\"citus\",\"hash\":-1905060026,\"shard\":1}]}"
    );
    assert!(
        lines[1].contains("{\"scheme\":\"mongo\",\"hash\":-944302157085130861,")
            && lines[1].contains("{\"scheme\":\"citus\",\"hash\":1509752520,\"shard\":27}"),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].contains("{\"scheme\":\"mongo\",\"hash\":1140205862565771219,") && lines[2].contains("\"shard\":18}"),
        "{}",
        lines[2]
    );
    assert_eq!(
        lines[3],
        "{\"key\":\"abc\",\"type\":\"string\",\"schemes\":[{\"scheme\":\"vitess\",\"unplaced\":\"Vitess's hash vindex takes integer keys\"},\
         {\"scheme\":\"mongo\",\"hash\":8478485326885698097,\"shard\":7},{\"scheme\":\"citus\",\"hash\":-785388649,\"shard\":10}]}"
    );
    // A quoted line is a string even when it reads as a number.
    assert!(lines[4].starts_with("{\"key\":\"42\",\"type\":\"string\","), "{}", lines[4]);
    // The hash is the one the engine routes by: the shard agrees with the scheme's own routing.
    let mongo = SchemeConfig::Mongo { chunks: 8, servers: None, balancer: Default::default() }.scheme().unwrap();
    let line: serde_json::Value = serde_json::from_str(&lines[1]).unwrap();
    assert_eq!(line["schemes"][1]["shard"].as_u64(), Some(mongo.route(42) as u64));
    // Chunks and shards on fewer servers: the server holding each, as the widget places them
    // (a chunk in contiguous runs over MongoDB's shard servers, Citus's shards round-robin on its workers).
    let servers = run(
        vec![
            SchemeConfig::Mongo { chunks: 16, servers: Some(4), balancer: Default::default() },
            SchemeConfig::Citus { shard_count: 32, nodes: Some(4), rebalance: Default::default() },
        ],
        "1\n",
    );
    assert_eq!(
        servers[0],
        "{\"key\":\"1\",\"type\":\"integer\",\"schemes\":[{\"scheme\":\"mongo\",\"hash\":5902408780260971510,\"shard\":13,\"server\":3},\
         {\"scheme\":\"citus\",\"hash\":-1905060026,\"shard\":1,\"server\":1}]}"
    );
    let lines = run(
        vec![
            SchemeConfig::Range { splits: vec![100] },
            SchemeConfig::Consistent { shards: 4 },
            SchemeConfig::Directory { shards: 4 },
        ],
        "150\nuser:7\n",
    );
    let consistent = SchemeConfig::Consistent { shards: 4 }.scheme().unwrap();
    assert_eq!(
        lines[0],
        format!(
            "{{\"key\":\"150\",\"type\":\"integer\",\"schemes\":[{{\"scheme\":\"range\",\"shard\":1}},\
             {{\"scheme\":\"consistent\",\"hash\":{},\"shard\":{}}},\
             {{\"scheme\":\"directory\",\"unplaced\":\"a directory places a key when its first row arrives\"}}]}}",
            ketama_hash(b"150"),
            consistent.route(150)
        )
    );
    assert!(lines[1].contains("{\"scheme\":\"range\",\"unplaced\":\"range partitioning here splits integer keys\"}"));
    assert!(lines[1].contains(&format!("{{\"scheme\":\"consistent\",\"hash\":{},", ketama_hash(b"user:7"))));
}

fn ketama_hash(key: &[u8]) -> u32 {
    playground::sim::hash_ring::ketama::key_hash(key)
}

/// MongoDB's balancer, held to MongoDB's own tests and to the splitting
/// rules of `autoSplitVector`.
mod mongo_balancer {
    use playground::sim::sharding::config::MongoBalancer;
    use playground::sim::sharding::mongo::{balance, chunk_count_round, data_size_round, move_range_docs, Migration};

    const MB128: u64 = 128 << 20;

    fn pairs(m: &[Migration]) -> Vec<(usize, usize)> {
        m.iter().map(|m| (m.from, m.to)).collect()
    }

    /// The data-size cases of `balancer_policy_test.cpp` (the version with
    /// the ideal data size), each shard's data in units of the range size;
    /// `busy` are the shards its "in use" cases leave out.
    #[test]
    fn data_size_rounds_match_balancer_policy_test() {
        let round = |units: &[u64], busy: &[bool]| {
            pairs(&data_size_round(&units.iter().map(|u| u * MB128).collect::<Vec<_>>(), busy, MB128))
        };
        // Basic; BasicWithManyChunks; SmallSingleChunkShouldNotMove; BalanceThresholdObeyed.
        assert_eq!(round(&[4, 0, 3], &[]), [(0, 1)]);
        assert_eq!(round(&[1, 3, 0], &[]), [(1, 2)]);
        assert_eq!(round(&[1, 0], &[]), []);
        assert_eq!(round(&[2, 2, 1, 1], &[]), []);
        // ParallelBalancing, and its cases that stop at the ideal data size (MongoDB 6.0 checked
        // only the gap, and would also have moved 2 → 3, 90 and 80 ranges being more than 3 apart).
        assert_eq!(round(&[4, 4, 0, 0], &[]), [(0, 2), (1, 3)]);
        assert_eq!(round(&[100, 90, 90, 80, 0, 0], &[]), [(0, 4), (1, 5)]);
        assert_eq!(round(&[100, 30, 5, 0], &[]), [(0, 3)]);
        // InUseSourceShardsWithMoveNecessary / NotNecessary; InUseDestinationShards.
        assert_eq!(round(&[8, 4, 0, 0], &[true]), [(1, 2)]);
        assert_eq!(round(&[12, 4, 0, 0], &[true]), []);
        assert_eq!(round(&[4, 4, 0, 1], &[false, false, true]), [(0, 3)]);
    }

    /// The chunk-count rules: the ideal is the mean rounded to nearest, a
    /// donor above it gives to a recipient below it, each shard once a round.
    #[test]
    fn chunk_count_rounds_stop_at_the_rounded_mean() {
        assert_eq!(pairs(&chunk_count_round(&[4, 4, 4, 4, 0], &[])), [(0, 4)]);
        assert_eq!(pairs(&chunk_count_round(&[3, 3, 3, 4, 3], &[])), []);
        assert_eq!(pairs(&chunk_count_round(&[6, 6, 0, 0], &[])), [(0, 2), (1, 3)]);
        // 10 chunks on 4 shards: the ideal rounds 2.5 up to 3, so 4, 3, 2, 1 gives one migration.
        assert_eq!(pairs(&chunk_count_round(&[4, 3, 2, 1], &[])), [(0, 3)]);
        assert_eq!(pairs(&chunk_count_round(&[2, 2, 1], &[])), []);
    }

    /// `autoSplitVector`'s first split point, with 1 MiB documents and
    /// 128 MiB ranges (128 documents a range): a long chunk gives 127, a
    /// chunk with a short remainder moves whole, a longer remainder moves
    /// the rescanned size less one.
    #[test]
    fn move_range_takes_about_one_range_of_documents() {
        let docs = |n: i64| (0..n).collect::<Vec<i64>>();
        let on_shard = (1000, 1000 << 20);
        assert_eq!(move_range_docs(&docs(1000), on_shard.0, on_shard.1, MB128), 127);
        assert_eq!(move_range_docs(&docs(256), on_shard.0, on_shard.1, MB128), 127);
        // 150 documents: 22 after the split, under 0.8 of 128, and under 128 − 75: the whole chunk.
        assert_eq!(move_range_docs(&docs(150), on_shard.0, on_shard.1, MB128), 150);
        // 200: 72 after it; the range size becomes 128 − 28 = 100, split at the 100th.
        assert_eq!(move_range_docs(&docs(200), on_shard.0, on_shard.1, MB128), 99);
        // 240: 112 after the split, at least 0.8 of a range: it stands.
        assert_eq!(move_range_docs(&docs(240), on_shard.0, on_shard.1, MB128), 127);
        // A chunk below a range, or a shard whose collection is smaller than one, moves whole.
        assert_eq!(move_range_docs(&docs(100), on_shard.0, on_shard.1, MB128), 100);
        assert_eq!(move_range_docs(&docs(1000), 100, 100 << 20, MB128), 1000);
        // Documents equal to the split key stay together, above it: the 128th document's key is
        // 100, held by documents 100 to 139, so the 100 below it move.
        let mut dup = docs(1000);
        dup[100..140].fill(100);
        assert_eq!(move_range_docs(&dup, on_shard.0, on_shard.1, MB128), 100);
    }

    /// A fifth shard joins four holding 4 chunks each: by chunk count it
    /// takes the first chunk of each of shards 0, 1 and 2 and the rounds
    /// stop at 3, 3, 3, 4, 3; by data size it takes what the 3-range gap allows.
    #[test]
    fn balancing_a_new_shard() {
        // 16 chunks of 1,000 documents, 1 MiB each, and the chunks' bounds.
        let sorted: Vec<i64> = (0..16_000).collect();
        let start =
            || ((1..16).map(|i| i * 1000).collect::<Vec<i64>>(), (0..16).map(|i| i / 4).collect::<Vec<usize>>());
        let (mut points, mut of) = start();
        assert_eq!(balance(&mut points, &mut of, 5, &sorted, MongoBalancer::ChunkCount, usize::MAX), 3);
        assert_eq!(of, [4, 0, 0, 0, 4, 1, 1, 1, 4, 2, 2, 2, 3, 3, 3, 3]);
        assert_eq!(points.len(), 15);
        // By data size: 4,000 MiB a shard, an ideal of 3,200 MiB; each round one range of 127 documents
        // from the first fullest shard, until the newcomer is within 384 MiB of the fullest.
        let (mut points, mut of) = start();
        let made = balance(
            &mut points,
            &mut of,
            5,
            &sorted,
            MongoBalancer::DataSize { doc_bytes: 1 << 20, range_mb: 128 },
            usize::MAX,
        );
        assert_eq!(made, points.len() - 15, "every migration split a range off a chunk");
        let mut docs = [0u64; 5];
        for (c, &s) in of.iter().enumerate() {
            let lo = if c == 0 { 0 } else { points[c - 1] };
            let hi = points.get(c).copied().unwrap_or(16_000);
            docs[s] += (hi - lo) as u64;
        }
        // 24 ranges of 127 documents, six from each shard in turn: 3,238 MiB against 3,048 is within
        // 384 MiB, so the rounds stop with the newcomer 190 MiB short of the others.
        assert_eq!(docs, [3_238, 3_238, 3_238, 3_238, 3_048]);
        assert_eq!(made, 24);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(40))]

        /// Whatever the chunks and documents, the rounds end balanced (a
        /// further round schedules nothing), every document stays in exactly
        /// one chunk, and the chunks stay in key order.
        #[test]
        fn balancing_ends_balanced(
            mut values in proptest::collection::vec(proptest::prelude::any::<i64>(), 0..3_000),
            chunks in 1usize..24,
            shards in 1usize..6,
            doc_kb in 1u64..512,
            range_mb in 1u32..8,
            by_data in proptest::prelude::any::<bool>(),
        ) {
            values.sort_unstable();
            let mut points: Vec<i64> = playground::sim::sharding::scheme::mongo_split_points(chunks as u32);
            let mut of: Vec<usize> = (0..points.len() + 1).map(|c| c * shards / (points.len() + 1)).collect();
            let weigh = if by_data { MongoBalancer::DataSize { doc_bytes: doc_kb << 10, range_mb } } else { MongoBalancer::ChunkCount };
            balance(&mut points, &mut of, shards + 1, &values, weigh, usize::MAX);
            proptest::prop_assert_eq!(of.len(), points.len() + 1);
            proptest::prop_assert!(points.windows(2).all(|w| w[0] < w[1]), "{:?}", points);
            let (mut count, mut docs) = (vec![0u64; shards + 1], vec![0u64; shards + 1]);
            for (c, &s) in of.iter().enumerate() {
                let lo = if c == 0 { 0 } else { values.partition_point(|&v| v < points[c - 1]) };
                let hi = points.get(c).map_or(values.len(), |&p| values.partition_point(|&v| v < p));
                count[s] += 1;
                docs[s] += (hi - lo) as u64;
            }
            proptest::prop_assert_eq!(docs.iter().sum::<u64>(), values.len() as u64);
            let again = match weigh {
                MongoBalancer::ChunkCount => chunk_count_round(&count, &[]),
                MongoBalancer::DataSize { doc_bytes, range_mb } => data_size_round(
                    &docs.iter().map(|d| d * doc_bytes).collect::<Vec<_>>(),
                    &[],
                    u64::from(range_mb) << 20,
                ),
            };
            proptest::prop_assert!(again.is_empty(), "{:?} {:?}", again, docs);
        }
    }
}

#[path = "support/sdp.rs"]
mod sdp;
