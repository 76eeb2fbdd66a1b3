//! The requests a cache sees: which key each asks for, drawn from the run's
//! seeded generator, and when (evenly spaced at the workload's rate, which
//! Redis's clocks read).

use crate::scenario::json::{self, Error, FromJson, Node, Obj, ToJson};
use crate::sim::kernel::rng::{Rng, Zipf};

/// Most requests in a run.
pub const MAX_REQUESTS: u32 = 2_000_000;
/// Most distinct keys a workload may ask for.
pub const MAX_KEYS: u32 = 4_000_000;

/// The shape of the keys asked for. Keys are numbered; under Zipf's law key
/// k is the (k + 1)-th most popular.
#[derive(Clone, Debug, PartialEq)]
pub enum Pattern {
    /// Zipf's law over `keys` keys with exponent `skew`.
    Zipf { keys: u32, skew: f64 },
    /// Every one of `keys` keys equally often.
    Uniform { keys: u32 },
    /// Zipf traffic interrupted every `every` requests by a scan of `length`
    /// keys never asked for before, one request each (a batch job, a crawler).
    Scan { keys: u32, skew: f64, every: u32, length: u32 },
    /// Keys `0, 1, …, keys − 1` over and over: a loop slightly larger than
    /// the cache defeats LRU and FIFO entirely.
    Loop { keys: u32 },
    /// Zipf traffic whose popular keys move every `every` requests, by a
    /// tenth of the key space (yesterday's news).
    Shifting { keys: u32, skew: f64, every: u32 },
    /// These keys, in this order (repeated to fill the run).
    List { keys: Vec<u32> },
}

/// A workload: `requests` requests at `rate` per second.
#[derive(Clone, Debug, PartialEq)]
pub struct Workload {
    pub pattern: Pattern,
    pub requests: u32,
    pub rate: u32,
}

json::object!(Workload, "a workload (an object)" { pattern, requests, rate });

impl FromJson for Pattern {
    fn read(node: &Node) -> Result<Pattern, Error> {
        let (name, value) = json::variant(node)?;
        let fields = |keys: &[&str]| json::variant_fields(node, name, value, keys);
        Ok(match name {
            "zipf" => {
                let f = fields(&["keys", "skew"])?;
                Pattern::Zipf { keys: f.req("keys")?, skew: f.req("skew")? }
            }
            "uniform" => Pattern::Uniform { keys: fields(&["keys"])?.req("keys")? },
            "scan" => {
                let f = fields(&["keys", "skew", "every", "length"])?;
                Pattern::Scan { keys: f.req("keys")?, skew: f.req("skew")?, every: f.req("every")?, length: f.req("length")? }
            }
            "loop" => Pattern::Loop { keys: fields(&["keys"])?.req("keys")? },
            "shifting" => {
                let f = fields(&["keys", "skew", "every"])?;
                Pattern::Shifting { keys: f.req("keys")?, skew: f.req("skew")?, every: f.req("every")? }
            }
            "list" => Pattern::List { keys: fields(&["keys"])?.req("keys")? },
            other => return Err(json::unknown(node, other, &["zipf", "uniform", "scan", "loop", "shifting", "list"])),
        })
    }
}

impl ToJson for Pattern {
    fn write(&self, out: &mut String) {
        let mut o = Obj::new(out);
        let mut f = Obj::new(o.key(self.name()));
        match self {
            Pattern::Zipf { keys, skew } => f.field("keys", keys).field("skew", skew),
            Pattern::Uniform { keys } | Pattern::Loop { keys } => f.field("keys", keys),
            Pattern::Scan { keys, skew, every, length } => {
                f.field("keys", keys).field("skew", skew).field("every", every).field("length", length)
            }
            Pattern::Shifting { keys, skew, every } => f.field("keys", keys).field("skew", skew).field("every", every),
            Pattern::List { keys } => f.field("keys", keys),
        }
        .end();
        o.end();
    }
}

impl Pattern {
    /// The pattern's name in blocks and controls.
    pub fn name(&self) -> &'static str {
        match self {
            Pattern::Zipf { .. } => "zipf",
            Pattern::Uniform { .. } => "uniform",
            Pattern::Scan { .. } => "scan",
            Pattern::Loop { .. } => "loop",
            Pattern::Shifting { .. } => "shifting",
            Pattern::List { .. } => "list",
        }
    }

    /// The popular keys' count (the list's length for a list).
    pub fn keys(&self) -> u32 {
        match self {
            Pattern::Zipf { keys, .. }
            | Pattern::Uniform { keys }
            | Pattern::Scan { keys, .. }
            | Pattern::Loop { keys }
            | Pattern::Shifting { keys, .. } => *keys,
            Pattern::List { keys } => keys.len() as u32,
        }
    }

    /// The skew, for the patterns that have one.
    pub fn skew(&self) -> Option<f64> {
        match self {
            Pattern::Zipf { skew, .. } | Pattern::Scan { skew, .. } | Pattern::Shifting { skew, .. } => Some(*skew),
            _ => None,
        }
    }

    /// The pattern called `name` (one of [`NAMES`]) over this one's keys and
    /// skew (1 when it has none), a scan every 40,000 requests of 20,000 keys
    /// and a hot set moving every 50,000.
    pub fn named(&self, name: &str) -> Option<Pattern> {
        let (keys, skew) = (self.keys(), self.skew().unwrap_or(1.0));
        Some(match name {
            "zipf" => Pattern::Zipf { keys, skew },
            "uniform" => Pattern::Uniform { keys },
            "scan" => Pattern::Scan { keys, skew, every: 40_000, length: 20_000 },
            "loop" => Pattern::Loop { keys },
            "shifting" => Pattern::Shifting { keys, skew, every: 50_000 },
            _ => return None,
        })
    }

    /// The popular keys' count, for every pattern but a list.
    pub fn keys_mut(&mut self) -> Option<&mut u32> {
        match self {
            Pattern::Zipf { keys, .. }
            | Pattern::Uniform { keys }
            | Pattern::Scan { keys, .. }
            | Pattern::Loop { keys }
            | Pattern::Shifting { keys, .. } => Some(keys),
            Pattern::List { .. } => None,
        }
    }

    /// The skew, for the patterns that have one.
    pub fn skew_mut(&mut self) -> Option<&mut f64> {
        match self {
            Pattern::Zipf { skew, .. } | Pattern::Scan { skew, .. } | Pattern::Shifting { skew, .. } => Some(skew),
            _ => None,
        }
    }
}

/// The patterns a control or a block can pick by name (a list comes from a
/// preset or an import).
pub const NAMES: [&str; 5] = ["zipf", "uniform", "scan", "loop", "shifting"];

impl Workload {
    /// Checks the counts, the skew and the rate.
    pub fn validate(&self) -> Result<(), String> {
        if self.requests == 0 || self.requests > MAX_REQUESTS {
            return Err(format!("requests must be between 1 and {MAX_REQUESTS}, not {}", self.requests));
        }
        if self.rate == 0 || self.rate > 1_000_000 {
            return Err(format!("rate must be between 1 and 1000000 requests a second, not {}", self.rate));
        }
        let keys = self.pattern.keys();
        if keys == 0 || keys > MAX_KEYS {
            return Err(format!("keys must be between 1 and {MAX_KEYS}, not {keys}"));
        }
        if let Some(s) = self.pattern.skew() {
            if !(0.0..=3.0).contains(&s) {
                return Err(format!("skew must be between 0 and 3, not {}", crate::sim::kernel::num::decimal(s, 3)));
            }
        }
        match &self.pattern {
            Pattern::Scan { every, length, .. } => {
                if *every == 0 || *length == 0 {
                    return Err("a scan needs every and length of at least 1".into());
                }
                if self.universe() > u64::from(MAX_KEYS) {
                    return Err(format!("the scans ask for more than {MAX_KEYS} keys; scan less often or fewer keys"));
                }
            }
            Pattern::Shifting { every: 0, .. } => return Err("the hot set must move every 1 or more requests".into()),
            Pattern::List { keys } if keys.iter().any(|&k| k >= MAX_KEYS) => {
                return Err(format!("listed keys must be below {MAX_KEYS}"))
            }
            _ => {}
        }
        Ok(())
    }

    /// How many key numbers the run may use (`0..universe`).
    pub fn universe(&self) -> u64 {
        match &self.pattern {
            Pattern::Scan { keys, every, length, .. } => {
                let scans = u64::from(self.requests).div_ceil(u64::from(*every) + u64::from(*length));
                u64::from(*keys) + scans * u64::from(*length)
            }
            Pattern::List { keys } => keys.iter().max().map_or(1, |&k| u64::from(k) + 1),
            p => u64::from(p.keys()),
        }
    }

    /// When request `i` arrives, in ms from the start.
    pub fn at_ms(&self, i: u32) -> u64 {
        u64::from(i) * 1000 / u64::from(self.rate.max(1))
    }

    /// Every request's arrival in ms, in order: [`at_ms`](Self::at_ms) of
    /// 0, 1, 2, …, kept as a quotient and a remainder so that no request
    /// pays for a division.
    pub fn times(&self) -> impl Iterator<Item = u64> {
        let rate = u64::from(self.rate.max(1));
        let (step, carry) = (1000 / rate, 1000 % rate);
        let (mut q, mut r) = (0u64, 0u64);
        (0..self.requests).map(move |_| {
            let t = q;
            q += step;
            r += carry;
            if r >= rate {
                r -= rate;
                q += 1;
            }
            t
        })
    }

    /// The last request that has arrived by `t_ms` (request 0 arrives at 0).
    pub fn last_at(&self, t_ms: u64) -> u32 {
        let rate = u128::from(self.rate.max(1));
        let arrived = ((u128::from(t_ms) + 1) * rate - 1) / 1000;
        arrived.min(u128::from(self.requests.max(1) - 1)) as u32
    }

    /// The keys requested, in order, drawn from `rng`.
    pub fn draw(&self, rng: &mut Rng) -> Vec<u32> {
        let n = self.requests as usize;
        match &self.pattern {
            Pattern::Zipf { keys, skew } => {
                let z = Zipf::with_exponent(*keys as usize, *skew);
                (0..n).map(|_| z.sample(rng) as u32).collect()
            }
            Pattern::Uniform { keys } => (0..n).map(|_| (rng.next_u64() % u64::from(*keys)) as u32).collect(),
            Pattern::Scan { keys, skew, every, length } => {
                let z = Zipf::with_exponent(*keys as usize, *skew);
                let period = (every + length) as usize;
                let mut scanned = *keys;
                (0..n)
                    .map(|i| {
                        if i % period < *every as usize {
                            z.sample(rng) as u32
                        } else {
                            scanned += 1;
                            scanned - 1
                        }
                    })
                    .collect()
            }
            Pattern::Loop { keys } => (0..n).map(|i| (i % *keys as usize) as u32).collect(),
            Pattern::Shifting { keys, skew, every } => {
                let z = Zipf::with_exponent(*keys as usize, *skew);
                let step = u64::from((keys / 10).max(1));
                (0..n)
                    .map(|i| {
                        let phase = (i / *every as usize) as u64;
                        ((z.sample(rng) as u64 + phase * step) % u64::from(*keys)) as u32
                    })
                    .collect()
            }
            Pattern::List { keys } => keys.iter().copied().cycle().take(n).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(pattern: Pattern, requests: u32) -> Workload {
        Workload { pattern, requests, rate: 1000 }
    }

    #[test]
    fn patterns_are_written_and_read_back() {
        for (pattern, text) in [
            (Pattern::Zipf { keys: 100, skew: 1.0 }, r#"{"pattern":{"zipf":{"keys":100,"skew":1.0}},"requests":10,"rate":1000}"#),
            (Pattern::Uniform { keys: 7 }, r#"{"pattern":{"uniform":{"keys":7}},"requests":10,"rate":1000}"#),
            (
                Pattern::Scan { keys: 100, skew: 0.8, every: 5, length: 3 },
                r#"{"pattern":{"scan":{"keys":100,"skew":0.8,"every":5,"length":3}},"requests":10,"rate":1000}"#,
            ),
            (Pattern::Loop { keys: 3 }, r#"{"pattern":{"loop":{"keys":3}},"requests":10,"rate":1000}"#),
            (
                Pattern::Shifting { keys: 1000, skew: 2.5, every: 500 },
                r#"{"pattern":{"shifting":{"keys":1000,"skew":2.5,"every":500}},"requests":10,"rate":1000}"#,
            ),
            (Pattern::List { keys: vec![4, 2] }, r#"{"pattern":{"list":{"keys":[4,2]}},"requests":10,"rate":1000}"#),
        ] {
            let w = Workload { pattern, requests: 10, rate: 1000 };
            assert_eq!(json::to_string(&w), text);
            assert_eq!(json::from_str::<Workload>(text), Ok(w));
        }
        let err = |text: &str| json::from_str::<Pattern>(text).unwrap_err();
        assert_eq!(
            err(r#"{"pareto": {"keys": 5}}"#),
            "unknown choice \"pareto\"; expected one of \"zipf\", \"uniform\", \"scan\", \"loop\", \"shifting\", \"list\" at line 1 column 1"
        );
        assert_eq!(err(r#"{"zipf": {"keys": 5}}"#), "missing field \"skew\" at line 1 column 10");
        assert_eq!(
            err(r#"{"loop": {"keys": 5, "skew": 1}}"#),
            "unknown field \"skew\"; expected one of \"keys\" at line 1 column 30"
        );
        assert_eq!(err(r#"{"list": {"keys": [1, "2"]}}"#), "keys: expected a whole number from 0 to 4294967295, found \"2\" at line 1 column 23");
        assert_eq!(err(r#""zipf""#), "expected \"zipf\" with its settings, {\"zipf\": {…}}, found \"zipf\" at line 1 column 1");
    }

    #[test]
    fn scans_ask_for_keys_never_seen() {
        let s = w(Pattern::Scan { keys: 100, skew: 1.0, every: 5, length: 3 }, 16);
        let keys = s.draw(&mut Rng::new(1));
        assert_eq!(keys[5..8], [100, 101, 102]);
        assert_eq!(keys[13..16], [103, 104, 105]);
        assert!(keys[..5].iter().chain(&keys[8..13]).all(|&k| k < 100));
        assert_eq!(s.universe(), 106);
        assert!(keys.iter().all(|&k| u64::from(k) < s.universe()));
    }

    #[test]
    fn times_are_each_requests_arrival() {
        for rate in [1, 3, 7, 999, 1000, 1001, 2500, 1_000_000] {
            let w = Workload { pattern: Pattern::Loop { keys: 3 }, requests: 5_000, rate };
            assert!(w.times().enumerate().all(|(i, t)| t == w.at_ms(i as u32)), "rate {rate}");
            assert_eq!(w.times().count(), 5_000);
        }
    }

    #[test]
    fn the_last_arrival_by_a_time() {
        let w = w(Pattern::Loop { keys: 3 }, 10);
        // At 1,000 a second request i arrives at i ms.
        assert_eq!((w.last_at(0), w.last_at(4), w.last_at(9), w.last_at(500), w.last_at(u64::MAX)), (0, 4, 9, 9, 9));
        let slow = Workload { rate: 3, ..w };
        // At 3 a second: 0, 333, 666, 1000 ms.
        assert_eq!((slow.last_at(332), slow.last_at(333), slow.last_at(999), slow.last_at(1000)), (0, 1, 2, 3));
        for t in [0, 1, 332, 333, 334, 666, 667, 999, 1000, 2999] {
            let i = slow.last_at(t);
            assert!(slow.at_ms(i) <= t && (i == 9 || slow.at_ms(i + 1) > t), "{t}");
        }
    }

    #[test]
    fn a_loop_and_a_list_repeat() {
        assert_eq!(w(Pattern::Loop { keys: 3 }, 7).draw(&mut Rng::new(1)), [0, 1, 2, 0, 1, 2, 0]);
        assert_eq!(w(Pattern::List { keys: vec![4, 2] }, 3).draw(&mut Rng::new(1)), [4, 2, 4]);
        assert_eq!(w(Pattern::List { keys: vec![4, 2] }, 3).universe(), 5);
    }

    #[test]
    fn the_hot_set_moves_by_a_tenth() {
        let keys = w(Pattern::Shifting { keys: 1000, skew: 2.0, every: 500 }, 1000).draw(&mut Rng::new(1));
        let count = |range: std::ops::Range<usize>, k: u32| keys[range].iter().filter(|&&x| x == k).count();
        // At skew 2 the first key takes 1/ζ(2) ≈ 61% of the draws.
        assert!(count(0..500, 0) > 250 && count(0..500, 100) < 20);
        assert!(count(500..1000, 100) > 250 && count(500..1000, 0) < 20);
    }
}
