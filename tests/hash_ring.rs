//! Key placement: each algorithm against its reference's own published test
//! (libketama's `test.sh`, go-jump and Guava's jump vectors, Envoy's
//! `maglev_lb_test.cc`), then the properties that make hashing consistent.
//! Where each vector comes from is in `tests/golden/hash_ring/README.md`.

use md5::{Digest, Md5};
use playground::sim::hash_ring::bounded::{self, Capacity};
use playground::sim::hash_ring::jump::bucket;
use playground::sim::hash_ring::ketama::{self, Continuum};
use playground::sim::hash_ring::maglev::Table;
use playground::sim::hash_ring::{Algorithm, Lookup, Node};
use proptest::prelude::*;
use std::fmt::Write as _;

/// The servers of libketama's `ketama.servers`: address, tab, memory; `#` lines are comments.
fn ketama_servers() -> Vec<Node> {
    let text = include_str!("golden/hash_ring/ketama.servers");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let (addr, mem) = l.split_once('\t').unwrap();
            Node::weighted(addr, mem.trim().parse().unwrap())
        })
        .collect()
}

#[test]
fn ketama_reproduces_libketamas_own_test() {
    let nodes = ketama_servers();
    assert_eq!(nodes.len(), 8);
    let ring = Continuum::new(&nodes);
    // floorf(pct · 40 · 8) digests each, four points a digest.
    assert_eq!(ring.points().len(), 1264);
    // ketama_test prints ketama_error() (empty), then "<key hash> <point> <server>"
    // for the keys "0" to "999999"; test.sh expects this MD5 of that output.
    let mut out = String::with_capacity(36_000_000);
    out.push('\n');
    for i in 0..1_000_000u32 {
        let key = i.to_string();
        let h = ketama::key_hash(key.as_bytes());
        let p = ring.point_for(h).unwrap();
        let _ = writeln!(out, "{h} {} {}", p.point, nodes[p.node as usize].name);
    }
    let digest = Md5::digest(out.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(hex, "5672b131391f5aa2b280936aec1eea74");
}

#[test]
fn ketama_gives_160_points_to_each_unweighted_server() {
    let nodes: Vec<Node> = (1..=5).map(|i| Node::new(format!("10.0.0.{i}:11211"))).collect();
    let ring = Continuum::new(&nodes);
    assert_eq!(ring.points().len(), 5 * 160);
    for i in 0..5 {
        assert_eq!(ring.points().iter().filter(|p| p.node == i).count(), 160);
    }
    // The float arithmetic: 600 of 4300 among 8 servers is 44.65… digests, so 44.
    assert_eq!(ketama::digests(600, 4300, 8), 44);
    assert_eq!(ketama::digests(100, 4300, 8), 7);
}

#[test]
fn ketama_wraps_past_the_last_point() {
    let ring = Continuum::new(&[Node::new("a"), Node::new("b")]);
    let first = ring.points()[0];
    let last = *ring.points().last().unwrap();
    assert_eq!(ring.point_for(u32::MAX).unwrap(), &first);
    assert_eq!(ring.point_for(last.point).unwrap(), &last, "a hash equal to a point takes that point");
    assert_eq!(ring.point_for(last.point + 1).unwrap(), &first);
    assert_eq!(ring.point_for(0).unwrap(), &first);
}

/// go-jump's `jump_test.go`: the bucket of a key for 1, 2, … buckets.
#[test]
fn jump_matches_go_jump_vectors() {
    let expand = |runs: &[(u32, usize)]| runs.iter().flat_map(|&(b, n)| std::iter::repeat_n(b, n)).collect::<Vec<_>>();
    let cases: [(u64, Vec<u32>); 3] = [
        (1, expand(&[(0, 6), (6, 11), (17, 2)])),
        (0xdeadbeef, expand(&[(0, 1), (1, 1), (2, 1), (3, 2), (5, 11), (16, 3)])),
        (0x0ddc0ffeebadf00d, expand(&[(0, 1), (1, 1), (2, 13), (15, 4)])),
    ];
    for (key, want) in cases {
        let got: Vec<u32> = (1..=want.len() as u32).map(|n| bucket(key, n)).collect();
        assert_eq!(got, want, "key {key:#x}");
    }
}

/// Guava's `HashingTest.testConsistentHash` vectors: keys 1 to 5 into 100 buckets.
#[test]
fn jump_matches_guava_vectors() {
    let got: Vec<u32> = (1..=5).map(|k| bucket(k, 100)).collect();
    assert_eq!(got, [55, 62, 8, 45, 59]);
}

fn hosts(names: &[&str]) -> Vec<Node> {
    names.iter().map(|n| Node::new(*n)).collect()
}

/// Envoy's `MaglevLoadBalancerTest.Basic`: six addresses, a table of 7.
#[test]
fn maglev_matches_envoys_basic_table() {
    let nodes =
        hosts(&["127.0.0.1:90", "127.0.0.1:91", "127.0.0.1:92", "127.0.0.1:93", "127.0.0.1:94", "127.0.0.1:95"]);
    let t = Table::new(&nodes, 7);
    assert_eq!(t.entries(), [2, 4, 0, 1, 5, 0, 3]);
    // chooseHost(hash) is table[hash % 7]: hashes 0 to 20 cycle through it three times.
    for i in 0..21u64 {
        assert_eq!(t.choose(i), [2, 4, 0, 1, 5, 0, 3][(i % 7) as usize]);
    }
}

/// Envoy's `BasicWithHostName`: the same hosts hashed by the names "90" to "95".
#[test]
fn maglev_matches_envoys_hostname_table() {
    let t = Table::new(&hosts(&["90", "91", "92", "93", "94", "95"]), 7);
    assert_eq!(t.entries(), [2, 5, 0, 3, 4, 1, 0]);
}

/// Envoy's `MaglevLoadBalancerTest.Weighted`: weights 1 and 2, a table of 17.
#[test]
fn maglev_matches_envoys_weighted_table() {
    let nodes = vec![Node::weighted("127.0.0.1:90", 1), Node::weighted("127.0.0.1:91", 2)];
    let t = Table::new(&nodes, 17);
    assert_eq!(t.entries(), [1, 0, 0, 1, 0, 1, 1, 0, 1, 1, 1, 1, 1, 0, 1, 0, 1]);
    let counts = [0, 1].map(|n| t.entries().iter().filter(|&&e| e == n).count());
    assert_eq!(counts, [6, 11], "Envoy's min and max entries per host");
}

#[test]
fn maglev_gives_equal_hosts_equal_shares_of_the_default_table() {
    let nodes: Vec<Node> = (0..7).map(|i| Node::new(format!("10.1.0.{i}:80"))).collect();
    let t = Table::new(&nodes, 65537);
    for n in 0..7 {
        let c = t.entries().iter().filter(|&&e| e == n).count();
        assert!(c == 9362 || c == 9363, "host {n} has {c} entries");
    }
}

/// HAProxy's split of capacity: ⌈(9 + 1) · 150 / 100⌉ = 15 slots over
/// weights 1, 2, 3 give 2·1, 2·2 and 2·3 whole slots and share the remaining
/// 3 by cumulative weight (0, 1 and 2 more).
#[test]
fn bounded_loads_split_capacity_as_haproxy_does() {
    let c = Capacity::new(vec![1, 2, 3], 150);
    let slots: Vec<u64> = (0..3).map(|i| c.slots(9, i)).collect();
    assert_eq!(slots, [2, 5, 8]);
    assert_eq!(slots.iter().sum::<u64>(), 15);
    // Never fewer than one slot, even before anything is placed.
    assert_eq!(Capacity::new(vec![1; 10], 100).slots(0, 3), 1);
}

fn keys(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("user:{i}")).collect()
}

fn assign(algorithm: Algorithm, nodes: &[Node], keys: &[String]) -> Vec<String> {
    let p = Lookup::build(algorithm, nodes, 65537);
    keys.iter().map(|k| nodes[p.locate(k.as_bytes())].name.clone()).collect()
}

#[test]
fn modulo_moves_most_keys_when_a_node_is_added() {
    let ks = keys(20_000);
    let before = assign(Algorithm::Modulo, &hosts(&["a", "b", "c", "d"]), &ks);
    let after = assign(Algorithm::Modulo, &hosts(&["a", "b", "c", "d", "e"]), &ks);
    let moved = before.iter().zip(&after).filter(|(a, b)| a != b).count();
    // Ideal would be 1/5; modulo moves about 4/5.
    assert!((15_500..16_500).contains(&moved), "{moved} of 20000 moved");
}

#[test]
fn weighted_rendezvous_shares_follow_weights() {
    let nodes = vec![Node::weighted("a", 1), Node::weighted("b", 2), Node::weighted("c", 5)];
    let ks = keys(80_000);
    let got = assign(Algorithm::Rendezvous, &nodes, &ks);
    for (name, share) in [("a", 1.0 / 8.0), ("b", 2.0 / 8.0), ("c", 5.0 / 8.0)] {
        let n = got.iter().filter(|g| *g == name).count() as f64 / 80_000.0;
        assert!((n - share).abs() < 0.01, "{name}: {n} against {share}");
    }
}

/// libketama's weighting recomputes every server's share when a server
/// joins, so a weighted ring moves keys between servers that stayed: the
/// property below holds for ketama only with equal weights.
#[test]
fn ketama_rescales_every_server_when_a_weighted_one_joins() {
    let before = vec![Node::weighted("a:1", 1), Node::weighted("b:1", 2)];
    let mut after = before.clone();
    after.push(Node::weighted("c:1", 1));
    // 1/3 and 2/3 of 80 digests, then 1/4 and 2/4 of 120.
    assert_eq!([ketama::digests(1, 3, 2), ketama::digests(2, 3, 2)], [26, 53]);
    assert_eq!([ketama::digests(1, 4, 3), ketama::digests(2, 4, 3)], [30, 60]);
    let ks = keys(20_000);
    let (b, a) = (assign(Algorithm::Ketama, &before, &ks), assign(Algorithm::Ketama, &after, &ks));
    let between_old = b.iter().zip(&a).filter(|(x, y)| x != y && *y != "c:1").count();
    assert!(between_old > 0, "no key moved between the old servers");
}

/// In float32, (1/61) · 40 · 61 rounds to just under 40: libketama gives
/// each of 61 equal servers 39 digests, 156 points, instead of 160.
#[test]
fn ketama_gives_61_equal_servers_156_points_each() {
    assert_eq!(ketama::digests(1, 60, 60), 40);
    assert_eq!(ketama::digests(1, 61, 61), 39);
    assert_eq!(ketama::digests(1, 122, 122), 39);
    let nodes: Vec<Node> = (0..61).map(|i| Node::new(format!("s{i}"))).collect();
    assert_eq!(Continuum::new(&nodes).points().len(), 61 * 156);
}

/// The same nodes at weight 1 (2 to 12 of them: none of the counts where
/// libketama's float rounding drops a digest).
fn equal(nodes: &[Node]) -> Vec<Node> {
    nodes.iter().map(|n| Node::new(n.name.clone())).collect()
}

fn node_set() -> impl Strategy<Value = Vec<Node>> {
    prop::collection::vec(1u32..5, 2..12).prop_map(|ws| {
        ws.into_iter().enumerate().map(|(i, w)| Node::weighted(format!("10.0.{i}.1:11211"), w)).collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    /// Adding a node moves keys only onto it (rendezvous at any weights,
    /// ketama with equal weights); adding the next bucket does the same for jump.
    #[test]
    fn adding_a_node_moves_keys_only_to_it(nodes in node_set(), seed in 0u32..1000) {
        let ks: Vec<String> = (0..2000).map(|i| format!("k{seed}-{i}")).collect();
        for algorithm in [Algorithm::Ketama, Algorithm::Rendezvous, Algorithm::Jump] {
            let nodes = if algorithm == Algorithm::Rendezvous { nodes.clone() } else { equal(&nodes) };
            let mut grown = nodes.clone();
            grown.push(Node::new("new:1"));
            let before = assign(algorithm, &nodes, &ks);
            let after = assign(algorithm, &grown, &ks);
            for (b, a) in before.iter().zip(&after) {
                prop_assert!(a == b || a == "new:1", "{}: a key moved from {} to {}", algorithm.name(), b, a);
            }
        }
    }

    /// Removing a node moves only the keys it held (ketama, rendezvous); for
    /// jump, removing the last bucket does.
    #[test]
    fn removing_a_node_moves_only_its_keys(nodes in node_set(), pick in any::<prop::sample::Index>()) {
        let ks = keys(2000);
        for algorithm in [Algorithm::Ketama, Algorithm::Rendezvous, Algorithm::Jump] {
            let nodes = if algorithm == Algorithm::Rendezvous { nodes.clone() } else { equal(&nodes) };
            let gone = if algorithm == Algorithm::Jump { nodes.len() - 1 } else { pick.index(nodes.len()) };
            let mut shrunk = nodes.clone();
            let removed = shrunk.remove(gone).name;
            let before = assign(algorithm, &nodes, &ks);
            let after = assign(algorithm, &shrunk, &ks);
            for (b, a) in before.iter().zip(&after) {
                prop_assert!(a == b || *b == removed, "{}: a key of {} moved to {}", algorithm.name(), b, a);
            }
        }
    }

    /// Every key lands on a node in range, for every algorithm.
    #[test]
    fn every_key_lands_on_a_node(nodes in node_set(), key in ".{0,40}") {
        for algorithm in Algorithm::ALL {
            let p = Lookup::build(algorithm, &nodes, 251);
            prop_assert!(p.locate(key.as_bytes()) < nodes.len());
        }
    }

    /// With equal weights, bounded loads never put more than ⌈f · m / (100 · n)⌉
    /// keys on a server, even when the keys all hash near one point.
    #[test]
    fn bounded_loads_respect_the_bound(n in 2usize..12, m in 1usize..3000, factor in 100u32..300, hot in any::<bool>()) {
        let nodes: Vec<Node> = (0..n).map(|i| Node::new(format!("s{i}:11211"))).collect();
        let ring = Continuum::new(&nodes);
        // Hot keys: a few distinct keys repeated, so plain hashing would pile them up.
        let ks: Vec<String> = (0..m).map(|i| if hot { format!("hot{}", i % 3) } else { format!("k{i}") }).collect();
        let placed = bounded::assign(&ring, &nodes, &ks, factor);
        let bound = (u64::from(factor) * m as u64).div_ceil(100 * n as u64);
        for s in 0..n as u32 {
            let load = placed.iter().filter(|&&p| p == s).count() as u64;
            prop_assert!(load <= bound, "server {} holds {} keys, bound {}", s, load, bound);
        }
    }

    /// A Maglev table is full, and equal weights split it within one entry.
    #[test]
    fn maglev_tables_are_full_and_even(n in 1usize..20) {
        let nodes: Vec<Node> = (0..n).map(|i| Node::new(format!("h{i}"))).collect();
        let t = Table::new(&nodes, 1009);
        prop_assert!(t.entries().iter().all(|&e| (e as usize) < n));
        let counts: Vec<usize> = (0..n as u32).map(|h| t.entries().iter().filter(|&&e| e == h).count()).collect();
        prop_assert!(counts.iter().max().unwrap() - counts.iter().min().unwrap() <= 1, "{:?}", counts);
    }
}

/// Inputs that pass the format but would take forever are refused at once:
/// a huge prime table size, rendezvous over too many nodes × keys.
#[test]
fn absurd_placements_are_refused_before_any_work() {
    use playground::scenario::Scenario;
    use playground::sim::hash_ring::run::{KeySet, Placement};
    let mut s = playground::sim::hash_ring::presets::preset("remove-node").unwrap();
    s.placements = vec![Placement::Maglev { table_size: 18446744073709551557 }];
    let t0 = std::time::Instant::now();
    assert!(Scenario::HashRing(s.clone()).validate().unwrap_err().contains("table_size must be a prime of at most"));
    assert!(t0.elapsed().as_secs() < 1, "the bound is checked before primality");
    s.placements = vec![Placement::Rendezvous];
    s.nodes = (0..10_000).map(|i| Node::new(format!("n{i}"))).collect();
    s.keys = KeySet::Uniform { count: 2_000_000 };
    s.change = None;
    assert!(Scenario::HashRing(s).validate().unwrap_err().contains("too much work"));
}

/// A node too light for libketama to give it a point takes no capacity, so
/// bounded loads still finds room on the ring for every key.
#[test]
fn bounded_loads_ignore_nodes_without_points() {
    let mut nodes = vec![Node::weighted("heavy-a", 10_000), Node::weighted("heavy-b", 10_000)];
    nodes.extend((0..300).map(|i| Node::weighted(format!("light-{i}"), 1)));
    let ring = Continuum::new(&nodes);
    assert!(ring.points().iter().all(|p| p.node < 2), "the light nodes get no points");
    let ks: Vec<String> = (0..10_000).map(|i| format!("k{i}")).collect();
    let placed = bounded::assign(&ring, &nodes, &ks, 125);
    let heavy = placed.iter().filter(|&&p| p == 0).count();
    // Two servers at 125%: neither above ⌈1.25 · 10000 / 2⌉.
    assert!(heavy <= 6_250 && placed.len() - heavy <= 6_250, "{heavy}");
}

#[test]
fn a_ring_of_160_points_is_ketama_and_fewer_points_spread_worse() {
    use playground::sim::hash_ring::run::{run_placement, Placement};
    use playground::sim::hash_ring::KeyHash;
    let nodes: Vec<Node> = (1..=10).map(|i| Node::new(format!("cache-{i}:11211"))).collect();
    let ks: Vec<KeyHash> = keys(20_000).iter().map(|k| KeyHash::of(k.as_bytes())).collect();
    let ketama = run_placement(&Placement::Ketama, &nodes, &ks, None, 0);
    let ring160 = run_placement(&Placement::Ring { points: 160 }, &nodes, &ks, None, 0);
    assert_eq!(ketama.before, ring160.before);
    assert_eq!(ketama.memory_bytes, ring160.memory_bytes);
    // Equal servers get exactly `points` each: 10 × 4 digests × 4 points.
    assert_eq!(Continuum::with_digests(&nodes, 4).points().len(), 160);
    // One digest (4 points) per server spreads far worse than 160 or 1,000 points.
    let spread = |points| run_placement(&Placement::Ring { points }, &nodes, &ks, None, 0).before.max_over_fair;
    let (few, many) = (spread(4), spread(1000));
    assert!(few > 1.5 && many < ketama.before.max_over_fair.max(1.1), "4 points: {few}, 1000 points: {many}");
}

#[test]
fn a_run_keeps_where_its_first_keys_went() {
    use playground::sim::hash_ring::run::{run_placement, Change, Placement};
    use playground::sim::hash_ring::KeyHash;
    let nodes: Vec<Node> = (1..=4).map(|i| Node::new(format!("n{i}"))).collect();
    let change = Change::Add(Node::new("n5"));
    let grown = change.apply(&nodes).unwrap();
    let names = keys(500);
    let ks: Vec<KeyHash> = names.iter().map(|k| KeyHash::of(k.as_bytes())).collect();
    let run = run_placement(&Placement::Jump, &nodes, &ks, Some((&change, &grown)), 50);
    assert_eq!(run.sample.len(), 50);
    let before = Lookup::build(Algorithm::Jump, &nodes, 0);
    let after = Lookup::build(Algorithm::Jump, &grown, 0);
    for (k, &(b, a)) in names.iter().zip(&run.sample) {
        assert_eq!(
            (b as usize, a.map(|a| a as usize)),
            (before.locate(k.as_bytes()), Some(after.locate(k.as_bytes())))
        );
    }
    let moved = run.sample.iter().filter(|(b, a)| Some(*b) != *a).count() as u64;
    assert!(moved <= run.moved && moved > 0);
}

/// Hashing a key list at once, the MD5s eight keys at a time, gives each key's own hashes,
/// for lists of any length and keys of any length (past one MD5 block too).
#[test]
fn hashing_keys_together_gives_each_keys_own_hashes() {
    use playground::sim::hash_ring::KeyHash;
    // The odd lengths first, so that they are digested among eight, and again in the remainder.
    let odd = ["k".repeat(55), "k".repeat(56), "k".repeat(200), String::new()];
    let mut names: Vec<String> = odd.iter().cloned().chain(keys(1_001)).collect();
    names.extend(odd);
    for n in [0, 1, 3, 4, 5, names.len()] {
        let want: Vec<KeyHash> = names[..n].iter().map(|k| KeyHash::of(k.as_bytes())).collect();
        assert_eq!(KeyHash::all(&names[..n]), want, "{n} keys");
    }
}

proptest::proptest! {
    /// A lookup through the ring's slices finds the point a search of the whole ring finds.
    #[test]
    fn a_sliced_lookup_is_a_whole_ring_search(nodes in 0usize..40, hashes in proptest::collection::vec(proptest::prelude::any::<u32>(), 1..50)) {
        let ring = Continuum::new(&(0..nodes).map(|i| Node::new(format!("n{i}"))).collect::<Vec<_>>());
        let points = ring.points();
        for h in hashes.into_iter().chain([0, u32::MAX]).chain(points.iter().take(5).map(|p| p.point)) {
            let i = points.partition_point(|p| p.point < h);
            proptest::prop_assert_eq!(ring.point_for(h), points.get(i).or_else(|| points.first()));
        }
    }
}

/// `sdp place` reproduces libketama's own test through the command line:
/// the keys "0" to "999999" placed on `ketama.servers`, printed as
/// ketama_test prints them ("<key hash> <point> <server>"), have the MD5
/// that libketama's test.sh expects.
#[test]
fn sdp_place_reproduces_libketamas_test() {
    use std::io::Write as _;
    let nodes: Vec<serde_json::Value> =
        ketama_servers().iter().map(|n| serde_json::json!({"name": n.name, "weight": n.weight})).collect();
    let scenario = serde_json::json!({
        "widget": "hash-ring", "version": 1, "seed": 1, "nodes": nodes,
        "keys": {"uniform": {"count": 1}}, "variants": ["ketama"]
    });
    let dir = std::env::temp_dir().join(format!("sdp-place-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (scenario_path, keys_path) = (dir.join("ketama.json"), dir.join("keys.txt"));
    std::fs::write(&scenario_path, scenario.to_string()).unwrap();
    let mut keys = std::fs::File::create(&keys_path).unwrap();
    for i in 0..1_000_000u32 {
        writeln!(keys, "{i}").unwrap();
    }
    drop(keys);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_sdp"))
        .args(["place", scenario_path.to_str().unwrap(), keys_path.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let field = |line: &str, name: &str| -> String {
        let rest = &line[line.find(name).unwrap_or_else(|| panic!("{name} in {line}")) + name.len()..];
        rest.trim_start_matches('"').split(['"', ',', '}']).next().unwrap().to_string()
    };
    let mut printed = String::from("\n");
    for line in text.lines() {
        let _ =
            writeln!(printed, "{} {} {}", field(line, "\"md5\":"), field(line, "\"point\":"), field(line, "\"node\":"));
    }
    let hex: String = Md5::digest(printed.as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(hex, "5672b131391f5aa2b280936aec1eea74");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `sdp place` answers for each placement before and after the change, and
/// refuses a scenario of another family.
#[test]
fn sdp_place_answers_every_placement_before_and_after() {
    let s = playground::sim::hash_ring::presets::preset("default").unwrap();
    let dir = std::env::temp_dir().join(format!("sdp-place-small-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("s.json");
    std::fs::write(&path, playground::scenario::Scenario::from(s.clone()).to_json()).unwrap();
    let keys = dir.join("keys.txt");
    std::fs::write(&keys, "user:1\n\nsession:abc\n").unwrap();
    let sdp = |args: &[&str]| std::process::Command::new(env!("CARGO_BIN_EXE_sdp")).args(args).output().unwrap();
    let out = sdp(&["place", path.to_str().unwrap(), keys.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let lines: Vec<serde_json::Value> =
        String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2, "blank lines are skipped");
    let ketama = Lookup::build(Algorithm::Ketama, &s.nodes, 0);
    let node = &s.nodes[ketama.locate(b"session:abc")].name;
    let placements = lines[1]["placements"].as_array().unwrap();
    assert_eq!(placements.len(), s.placements.len());
    let k = placements.iter().find(|p| p["placement"] == "ketama").unwrap();
    assert_eq!(k["node"], node.as_str());
    assert_eq!(lines[1]["md5"], ketama::key_hash(b"session:abc"));
    assert_eq!(lines[1]["after"].as_array().map(Vec::len), s.change.as_ref().map(|_| s.placements.len()));
    let other = dir.join("other.json");
    std::fs::write(
        &other,
        playground::scenario::Scenario::from(playground::sim::pipeline::presets::preset("outage").unwrap()).to_json(),
    )
    .unwrap();
    let out = sdp(&["place", other.to_str().unwrap(), keys.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("`sdp place` takes a hash-ring scenario"));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The numbers the consistent-hashing article's questions and memory
/// figures quote, from the engine, and the sentences that quote them.
mod article {
    use playground::sim::hash_ring::presets::preset;
    use playground::sim::hash_ring::run::{Change, Placement, PlacementRun};
    use playground::sim::hash_ring::scenario::HashRingScenario;
    use playground::sim::hash_ring::Node;

    const ARTICLE: &str = include_str!("../articles/consistent-hashing.md");

    fn quotes(text: &str) {
        assert!(ARTICLE.contains(text), "the article no longer says `{text}`");
    }

    /// `(moved, moved between nodes that stayed)` of each placement.
    fn moves(s: &HashRingScenario) -> Vec<(u64, u64)> {
        s.run().unwrap().iter().map(|r| (r.moved, r.moved_elsewhere)).collect()
    }

    fn with(name: &str, placements: Vec<Placement>) -> HashRingScenario {
        HashRingScenario { placements, ..preset(name).unwrap() }
    }

    #[test]
    fn adding_a_node_moves_what_the_questions_say() {
        let s = preset("add-node").unwrap();
        assert_eq!(moves(&s), [(90_947, 81_919), (10_172, 0), (9_077, 0)]);
        quotes("modulo moves 90,947 of 100,000 keys (90.9%), ketama 10,172 and jump hash 9,077, against a least possible 9.09%");
        // "Add another node": the eleven caches become the start, and a twelfth joins.
        let mut twelfth = s.clone();
        twelfth.commit();
        twelfth.change = Some(Change::Add(Node::new(twelfth.next_name())));
        let modulo = &twelfth.run().unwrap()[0];
        assert_eq!(modulo.moved, 91_580);
        quotes("Press **Add another node** to add a twelfth cache, and modulo again moves 91.6%.");
    }

    #[test]
    fn removing_a_node_moves_what_the_questions_say() {
        let jump = with("remove-node", vec![Placement::Jump]);
        assert_eq!(moves(&jump), [(68_847, 58_675)]);
        let last = HashRingScenario { change: Some(Change::Remove("cache-10:11211".into())), ..jump };
        assert_eq!(moves(&last), [(9_764, 0)]);
        quotes("it moves 68,847 keys, 58,675 of them between caches that stayed");
        quotes("Set **Node** to `cache-10:11211`, the last bucket, and jump hash moves exactly its 9,764 keys.");
        let tables: Vec<(u64, u64)> = [65_537, 2_039, 251]
            .iter()
            .flat_map(|&m| moves(&with("remove-node", vec![Placement::Maglev { table_size: m }])))
            .collect();
        assert_eq!(tables, [(10_166, 276), (11_481, 1_522), (15_960, 5_944)]);
        quotes("276 of the 10,166 keys that move go between caches that stayed");
        quotes("**Table size** to 2,039 slots (1,522 of 11,481) and then to 251 slots (5,944 of 15,960)");
    }

    #[test]
    fn bounded_loads_move_what_the_question_says() {
        let runs = preset("hot-keys").unwrap().run().unwrap();
        let busiest = |r: &PlacementRun| r.before.loads.iter().copied().max().unwrap();
        assert_eq!((busiest(&runs[0]), busiest(&runs[1])), (27_427, 12_499));
        assert_eq!(runs[0].moved, 19_080);
        quotes("`cache-4` serves 27,427 requests, 2.74 times an even share, and with bounded loads at 125% no cache serves more than 12,499");
        let factors: Vec<u64> = [101, 200]
            .iter()
            .flat_map(|&f| moves(&with("hot-keys", vec![Placement::BoundedLoads { factor: f }])))
            .map(|m| m.0)
            .collect();
        assert_eq!(factors, [37_653, 22_163]);
        quotes("37,653 and 22,163 requests move, against the ring's 19,080");
    }

    /// The memory figures are this engine's layout: 8 bytes a ring point,
    /// 4 bytes a Maglev slot. Envoy's compact table, by its own cost rule
    /// (`maglev_lb.cc`): 16 bytes a host plus `bit_width(hosts)` bits a slot.
    #[test]
    fn memory_figures_are_this_engines() {
        let ring = |points| with("remove-node", vec![Placement::Ring { points }]).run().unwrap()[0].memory_bytes;
        assert_eq!((ring(4), ring(1000)), (320, 80_000));
        assert_eq!(format!("{:.1}", 80_000.0 / 1024.0), "78.1");
        quotes("in this engine, which stores 8 bytes a point (a 32-bit position and a node index), from 320 bytes to 78.1 KB for ten servers");
        let maglev = preset("remove-node").unwrap().run().unwrap()[2].memory_bytes;
        assert_eq!(maglev / 1024, 256);
        quotes("In this engine the table takes 256 KB, four bytes a slot.");
        let hosts: u64 = 10;
        let bits = u64::from(u64::BITS - hosts.leading_zeros());
        assert_eq!(bits, 4);
        let compact = 16 * hosts + bits * 65_537 / 8;
        assert_eq!(compact / 1024, 32);
        quotes("4 bits for ten hosts, about 32 KB at 65,537 slots");
    }

    /// The article's Envoy cluster is the remove-node preset's Maglev lane:
    /// its table size and the host names Envoy hashes.
    #[test]
    fn the_envoy_cluster_is_the_remove_node_presets_maglev() {
        let start = ARTICLE.find("```yaml\n").expect("a yaml block") + "```yaml\n".len();
        let yaml = &ARTICLE[start..start + ARTICLE[start..].find("```").unwrap()];
        let value = |key: &str| {
            yaml.lines()
                .find_map(|l| l.trim().strip_prefix(key).and_then(|v| v.strip_prefix(": ")))
                .unwrap_or_else(|| panic!("no `{key}` in the Envoy cluster"))
        };
        assert_eq!(value("lb_policy"), "MAGLEV");
        assert_eq!(value("use_hostname_for_hashing"), "true");
        let hostnames: Vec<&str> = yaml.split("hostname: \"").skip(1).map(|h| &h[..h.find('"').unwrap()]).collect();
        let s = preset("remove-node").unwrap();
        let table_size = s.placements.iter().find_map(|p| match p {
            Placement::Maglev { table_size } => Some(*table_size),
            _ => None,
        });
        assert_eq!(Some(value("table_size").parse::<u64>().unwrap()), table_size);
        assert_eq!(hostnames, s.nodes.iter().map(|n| n.name.as_str()).collect::<Vec<_>>());
        // The hosts are the names the engine hashes, weight 1 each (Envoy's default).
        assert!(s.nodes.iter().all(|n| n.weight == 1));
        for (line, node) in yaml.lines().filter(|l| l.contains("hostname:")).zip(&s.nodes) {
            let (host, port) = node.name.split_once(':').unwrap();
            assert!(line.contains(&format!("address: {host}, port_value: {port}")), "{line}");
        }
    }
}

#[path = "support/sdp.rs"]
mod sdp;
use sdp::sdp_with_input;

/// `sdp tables` prints Envoy's `MaglevLoadBalancerTest.Basic` table and,
/// after a host leaves, the table Envoy builds for the five left; each ring
/// placement's points in ring order.
#[test]
fn sdp_tables_prints_envoys_maglev_table_and_the_rings_points() {
    use playground::sim::hash_ring::run::{Change, Placement};
    let mut s = playground::sim::hash_ring::presets::preset("remove-node").unwrap();
    s.nodes = hosts(&["127.0.0.1:90", "127.0.0.1:91", "127.0.0.1:92", "127.0.0.1:93", "127.0.0.1:94", "127.0.0.1:95"]);
    s.placements = vec![Placement::Maglev { table_size: 7 }, Placement::Jump, Placement::Ring { points: 4 }];
    s.change = Some(Change::Remove("127.0.0.1:95".into()));
    let dir = std::env::temp_dir().join(format!("sdp-tables-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("ring.json");
    std::fs::write(&path, playground::scenario::Scenario::from(s.clone()).to_json()).unwrap();
    let out = sdp_with_input(&["tables", path.to_str().unwrap()], "");
    let lines: Vec<&str> = out.lines().collect();
    // Maglev and the ring, before and after; jump keeps no table.
    assert_eq!(lines.len(), 4, "{out}");
    let names = "\"127.0.0.1:90\",\"127.0.0.1:91\",\"127.0.0.1:92\",\"127.0.0.1:93\",\"127.0.0.1:94\"";
    assert_eq!(
        lines[0],
        format!("{{\"placement\":\"maglev\",\"when\":\"before\",\"nodes\":[{names},\"127.0.0.1:95\"],\"table\":[2,4,0,1,5,0,3]}}")
    );
    let after = Table::new(&s.nodes[..5], 7);
    let after: Vec<String> = after.entries().iter().map(u32::to_string).collect();
    assert_eq!(
        lines[2],
        format!("{{\"placement\":\"maglev\",\"when\":\"after\",\"nodes\":[{names}],\"table\":[{}]}}", after.join(","))
    );
    // The ring's points: one digest (four points) per host, in ring order, as libketama's continuum holds them.
    let ring: serde_json::Value = serde_json::from_str(lines[1]).unwrap();
    let points: Vec<(u64, u64)> =
        ring["points"].as_array().unwrap().iter().map(|p| (p[0].as_u64().unwrap(), p[1].as_u64().unwrap())).collect();
    let want = Continuum::with_digests(&s.nodes, 1);
    assert_eq!(points, want.points().iter().map(|p| (u64::from(p.point), u64::from(p.node))).collect::<Vec<_>>());
    assert_eq!(points.len(), 24);
    assert!(points.windows(2).all(|w| w[0].0 <= w[1].0));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `sdp jump` places raw 64-bit keys, as go-jump's and Guava's tests call
/// the function: Guava's keys 1 to 5 into 100 buckets, go-jump's 0xdeadbeef.
#[test]
fn sdp_jump_places_raw_keys_as_the_references_do() {
    let out = sdp_with_input(&["jump", "100", "-"], "1\n2\n\n3\n4\n5\n");
    let buckets: Vec<&str> = out.lines().map(|l| &l[l.rfind(':').unwrap() + 1..l.len() - 1]).collect();
    assert_eq!(buckets, ["55", "62", "8", "45", "59"]);
    assert_eq!(out.lines().next(), Some("{\"key\":1,\"buckets\":100,\"bucket\":55}"));
    // go-jump's vectors for 0xdeadbeef: bucket 16 of 17 to 19 buckets, 5 of 6 to 16.
    for (n, want) in [(17, 16), (6, 5), (16, 5), (1, 0)] {
        let out = sdp_with_input(&["jump", &n.to_string(), "-"], "0xdeadbeef\n");
        assert_eq!(out.trim_end(), format!("{{\"key\":3735928559,\"buckets\":{n},\"bucket\":{want}}}"));
    }
    let bad = std::process::Command::new(env!("CARGO_BIN_EXE_sdp")).args(["jump", "0", "-"]).output().unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("at least one bucket"));
}
