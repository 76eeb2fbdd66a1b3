//! Which partition a producer writes a record to, as the Apache Kafka Java
//! client (3.9, `clients/src/main/java/org/apache/kafka/clients/producer`)
//! decides.
//!
//! A record with a key goes to `toPositive(murmur2(key)) % partitions`
//! (`BuiltInPartitioner.partitionForKey`, with `Utils.murmur2` and
//! `Utils.toPositive`): the same key always lands on the same partition,
//! until the partition count changes. A record without a key goes where the
//! keyless partitioner sends it ([`Keyless`]).

use crate::scenario::json;
use crate::sim::kernel::rng::Rng;

/// Kafka's `Utils.murmur2`: MurmurHash2, 32-bit, seed `0x9747b28c`, over
/// the serialized key (a string key is its UTF-8 bytes, as
/// `StringSerializer` writes it).
pub fn murmur2(data: &[u8]) -> i32 {
    const M: u32 = 0x5bd1_e995;
    let mut h: u32 = 0x9747_b28c ^ data.len() as u32;
    let mut words = data.chunks_exact(4);
    for w in &mut words {
        let mut k = u32::from_le_bytes([w[0], w[1], w[2], w[3]]);
        k = k.wrapping_mul(M);
        k ^= k >> 24;
        k = k.wrapping_mul(M);
        h = h.wrapping_mul(M) ^ k;
    }
    let tail = words.remainder();
    if !tail.is_empty() {
        // Java's switch falls through from the highest byte down.
        if tail.len() == 3 {
            h ^= u32::from(tail[2]) << 16;
        }
        if tail.len() >= 2 {
            h ^= u32::from(tail[1]) << 8;
        }
        h ^= u32::from(tail[0]);
        h = h.wrapping_mul(M);
    }
    h ^= h >> 13;
    h = h.wrapping_mul(M);
    h ^= h >> 15;
    h as i32
}

/// Kafka's `Utils.toPositive`: the sign bit cleared (not `abs`, which
/// leaves `i32::MIN` negative).
pub fn to_positive(n: i32) -> u32 {
    (n & 0x7fff_ffff) as u32
}

/// The partition of a record with this key among `partitions`.
pub fn partition_for_key(key: &[u8], partitions: u32) -> u32 {
    to_positive(murmur2(key)) % partitions
}

/// Where records without a key go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Keyless {
    /// The built-in uniform sticky partitioner (KIP-794, the default since
    /// Kafka 3.3, `BuiltInPartitioner`): records stay on one partition
    /// until `batch.size` bytes have been produced to it, then the next
    /// partition is drawn uniformly from all of them (it may be the same
    /// one again). Adaptive partitioning, which favours partitions whose
    /// brokers drain their queues faster, changes nothing here: every
    /// broker is equally fast.
    UniformSticky,
    /// The sticky partitioner of KIP-480 (the default from Kafka 2.4 to
    /// 3.2, `DefaultPartitioner` with `StickyPartitionCache`): a new
    /// partition for each new batch, drawn again until it differs from the
    /// last one. Batches here close when full; under light traffic
    /// `linger.ms` closes them sooner, and a broker that is slow to accept
    /// batches gets fuller ones, which KIP-794 set out to fix.
    Sticky,
}

json::names!(Keyless { UniformSticky = "uniform-sticky", Sticky = "sticky" });

impl Keyless {
    /// Its name in the widget and the CLI.
    pub fn name(self) -> &'static str {
        match self {
            Keyless::UniformSticky => "uniform sticky (KIP-794, default)",
            Keyless::Sticky => "sticky (KIP-480, Kafka 2.4 to 3.2)",
        }
    }
}

/// A keyless partitioner's state while a producer writes.
#[derive(Clone, Debug)]
pub struct KeylessState {
    kind: Keyless,
    /// Records that fill `batch.size` bytes (uniform sticky).
    batch_records: u32,
    /// The sticky partition and the records written to it so far.
    current: Option<u32>,
    written: u32,
    /// The partition before it (KIP-480 draws until it differs).
    last: Option<u32>,
}

impl KeylessState {
    /// A partitioner whose sticky partition changes after `batch_records`
    /// records (`batch.size` over the record size, at least 1).
    pub fn new(kind: Keyless, batch_records: u32) -> Self {
        KeylessState { kind, batch_records: batch_records.max(1), current: None, written: 0, last: None }
    }

    /// Writes `records` records over `out.len()` partitions, adding each
    /// partition's count to `out`; draws from `rng` where Kafka draws from
    /// `ThreadLocalRandom`. One step per sticky batch, not per record.
    pub fn spread(&mut self, mut records: u64, out: &mut [u32], rng: &mut Rng) {
        let partitions = out.len() as u32;
        if partitions == 0 {
            return;
        }
        while records > 0 {
            let p = match self.current {
                Some(p) if p < partitions => p,
                _ => {
                    let mut p = random_partition(rng) % partitions;
                    if self.kind == Keyless::Sticky && partitions > 1 {
                        while Some(p) == self.last {
                            p = random_partition(rng) % partitions;
                        }
                    }
                    self.current = Some(p);
                    self.last = Some(p);
                    self.written = 0;
                    p
                }
            };
            let take = records.min(u64::from(self.batch_records - self.written));
            out[p as usize] += take as u32;
            self.written += take as u32;
            records -= take;
            if self.written >= self.batch_records {
                self.current = None;
            }
        }
    }
}

/// `toPositive(random.nextInt())`: a 31-bit uniform draw.
fn random_partition(rng: &mut Rng) -> u32 {
    (rng.next_u64() >> 33) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn murmur2_matches_kafkas_test_vectors() {
        // UtilsTest.testMurmur2, apache/kafka 1eb7644 (clients/src/test/java/org/apache/kafka/common/utils).
        let cases: [(&[u8], i32); 6] = [
            (b"21", -973_932_308),
            (b"foobar", -790_332_482),
            (b"a-little-bit-long-string", -985_981_536),
            (b"a-little-bit-longer-string", -1_486_304_829),
            (b"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58_897_971),
            (b"abc", 479_470_107),
        ];
        for (data, want) in cases {
            assert_eq!(murmur2(data), want, "{}", String::from_utf8_lossy(data));
        }
    }

    #[test]
    fn to_positive_clears_the_sign_bit() {
        assert_eq!(to_positive(-1), 0x7fff_ffff);
        assert_eq!(to_positive(i32::MIN), 0);
        assert_eq!(to_positive(-973_932_308), 1_173_551_340);
        assert_eq!(partition_for_key(b"21", 3), 1_173_551_340 % 3);
    }

    #[test]
    fn sticky_partitioners_switch_after_a_batch() {
        let mut rng = Rng::new(1);
        let mut sticky = KeylessState::new(Keyless::UniformSticky, 4);
        let mut out = vec![0u32; 1000];
        sticky.spread(2, &mut out, &mut rng);
        let first = out.iter().position(|&n| n == 2).unwrap();
        // Two more records stay on the same partition; the fifth moves on.
        sticky.spread(2, &mut out, &mut rng);
        assert_eq!(out[first], 4);
        sticky.spread(8, &mut out, &mut rng);
        assert_eq!(out.iter().sum::<u32>(), 12);
        assert!(out.iter().all(|&n| n % 4 == 0), "whole batches only");
        // Over two partitions, KIP-480 alternates; KIP-794 may repeat one.
        let mut old = KeylessState::new(Keyless::Sticky, 1);
        let mut picks = Vec::new();
        for _ in 0..50 {
            let mut two = [0u32; 2];
            old.spread(1, &mut two, &mut rng);
            picks.push(two[1]);
        }
        assert!(picks.windows(2).all(|w| w[0] != w[1]), "{picks:?}");
        let mut new = KeylessState::new(Keyless::UniformSticky, 1);
        let mut repeats = 0;
        let mut last = 2;
        for _ in 0..1000 {
            let mut two = [0u32; 2];
            new.spread(1, &mut two, &mut rng);
            repeats += u32::from(two[1] == last);
            last = two[1];
        }
        assert!((400..600).contains(&repeats), "about half the draws repeat: {repeats}");
    }
}
