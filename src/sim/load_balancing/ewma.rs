//! Peak-EWMA load and the power-of-two-choices pick, as tower 0.5.2 computes
//! them (`src/load/peak_ewma.rs`, `src/balance/p2c/service.rs`,
//! `src/util/rng.rs`), which ports Finagle's `PeakEwma` balancer.
//!
//! Each server keeps a round-trip-time estimate, starting at a default
//! RTT. A completed request's RTT above the estimate replaces it at once
//! (the peak); one at or below it is blended in,
//! `estimate · d + rtt · (1 − d)` with `d = e^(−Δt/τ)`, where Δt is the time
//! since the estimate last changed. Reading the load decays the estimate
//! toward zero the same way (an update with an RTT of 0) and writes it
//! back, so a server that stops answering does not keep a good estimate.
//! The load is `estimate × (pending + 1)`, `pending` being the requests sent
//! to it and not yet answered.
//!
//! A pick draws two distinct servers as tower's `sample_floyd2` does: `a`
//! from the first n − 1 by one 64-bit draw modulo n − 1, `b` from all n by
//! another, and `a = n − 1` when they collide; then it reads `a`'s load and
//! `b`'s, in that order, and keeps `a` unless `b`'s is strictly lower. One
//! server is picked without a draw. tower seeds its generator from the
//! process's hasher keys; here it is the run's seeded generator, and `e^x`
//! is the engine's IEEE-exact [`exp`], not the platform's.

use crate::sim::kernel::rng::{exp, Rng};
use crate::sim::kernel::time::Nanos;

/// One server's estimate, in nanoseconds, and when it last changed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PeakEwma {
    pub rtt_ns: f64,
    pub updated: Nanos,
}

impl PeakEwma {
    /// A server with no samples yet: the default RTT, as of `now`.
    pub fn new(default_rtt_ns: f64, now: Nanos) -> PeakEwma {
        PeakEwma { rtt_ns: default_rtt_ns, updated: now }
    }

    /// Folds in an RTT observed at `now` and returns the new estimate.
    pub fn update(&mut self, rtt_ns: f64, now: Nanos, decay_ns: f64) -> f64 {
        if self.rtt_ns < rtt_ns {
            self.rtt_ns = rtt_ns;
        } else {
            let elapsed = now.saturating_sub(self.updated) as f64;
            let d = exp(-elapsed / decay_ns);
            self.rtt_ns = (self.rtt_ns * d) + (rtt_ns * (1.0 - d));
        }
        self.updated = now;
        self.rtt_ns
    }

    /// The load at `now` with `pending` requests outstanding: the estimate,
    /// decayed to now (and kept so), times `pending + 1`.
    pub fn load(&mut self, pending: u32, now: Nanos, decay_ns: f64) -> f64 {
        self.update(0.0, now, decay_ns) * f64::from(pending + 1)
    }
}

/// tower's `sample_floyd2`: two distinct indices below `n` (at least 2).
pub fn two_distinct(rng: &mut Rng, n: usize) -> (usize, usize) {
    let n = n as u64;
    let mut a = rng.next_u64() % (n - 1);
    let b = rng.next_u64() % n;
    if a == b {
        a = n - 1;
    }
    (a as usize, b as usize)
}

/// The power-of-two-choices pick over `candidates` (indices of servers),
/// `load(i)` read for `a` and then `b`; `None` when there are none.
pub fn p2c(rng: &mut Rng, candidates: &[usize], mut load: impl FnMut(usize) -> f64) -> Option<usize> {
    match candidates.len() {
        0 => None,
        1 => Some(candidates[0]),
        n => {
            let (a, b) = two_distinct(rng, n);
            let (la, lb) = (load(candidates[a]), load(candidates[b]));
            Some(if la <= lb { candidates[a] } else { candidates[b] })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::kernel::time::MS;

    const SEC_NS: f64 = 1e9;

    /// tower's `default_decay` test: a 10 ms default, τ = 1 s, read at 0,
    /// 100 and 200 ms (values as tower computes them with the platform's exp).
    #[test]
    fn the_default_rtt_decays_when_read() {
        let mut e = PeakEwma::new(10.0 * MS as f64, 0);
        assert_eq!(e.load(0, 0, SEC_NS), 10_000_000.0);
        let at100 = e.load(0, 100 * MS, SEC_NS);
        assert!((at100 - 9_048_374.18).abs() < 0.01, "{at100}");
        let at200 = e.load(0, 200 * MS, SEC_NS);
        assert!((at200 - 8_187_307.53).abs() < 0.01, "{at200}");
    }

    /// tower's `compound_decay` test, step by step.
    #[test]
    fn peaks_replace_and_equal_samples_blend() {
        let mut e = PeakEwma::new(20.0 * MS as f64, 0);
        assert_eq!(e.load(0, 0, SEC_NS), 20e6);
        let l = e.load(1, 100 * MS, SEC_NS);
        assert!((l - 36_193_496.72).abs() < 0.01, "{l}");
        let l = e.load(2, 200 * MS, SEC_NS);
        assert!((l - 49_123_845.18).abs() < 0.01, "{l}");
        // A 200 ms answer at 300 ms is above the estimate: it becomes the estimate.
        e.update(200.0 * MS as f64, 300 * MS, SEC_NS);
        assert_eq!(e.load(1, 300 * MS, SEC_NS), 400_000_000.0);
        // Another 200 ms answer at 400 ms, equal to it: blended, exactly 200 ms.
        e.update(200.0 * MS as f64, 400 * MS, SEC_NS);
        assert_eq!(e.load(0, 400 * MS, SEC_NS), 200_000_000.0);
        let l = e.load(0, 1400 * MS, SEC_NS);
        assert!((l - 73_575_888.23).abs() < 0.01, "{l}");
        let l = e.load(0, 11_400 * MS, SEC_NS);
        assert!((l - 3_340.34).abs() < 0.01, "{l}");
    }

    #[test]
    fn two_distinct_indices_remap_a_collision_to_the_last() {
        let mut rng = Rng::new(7);
        for n in 2..12 {
            for _ in 0..200 {
                let (a, b) = two_distinct(&mut rng, n);
                assert!(a < n && b < n && a != b);
            }
        }
        // Of two, a is always 0 (a draw modulo 1), b either; a collision moves a to 1.
        let mut rng = Rng::new(1);
        let mut seen = [0; 2];
        for _ in 0..100 {
            let (a, b) = two_distinct(&mut rng, 2);
            seen[a] += 1;
            assert_eq!((a, b), if a == 0 { (0, 1) } else { (1, 0) });
        }
        assert!(seen[0] > 30 && seen[1] > 30, "{seen:?}");
    }

    #[test]
    fn the_pick_keeps_a_unless_b_is_strictly_lighter() {
        let loads = [5.0, 5.0, 1.0];
        for seed in 0..50 {
            let mut rng = Rng::new(seed);
            let (a, b) = two_distinct(&mut rng.clone(), 3);
            let picked = p2c(&mut rng, &[0, 1, 2], |i| loads[i]).unwrap();
            let want = if loads[b] < loads[a] { b } else { a };
            assert_eq!(picked, want);
        }
        assert_eq!(p2c(&mut Rng::new(0), &[4], |_| 0.0), Some(4));
        assert_eq!(p2c(&mut Rng::new(0), &[], |_| 0.0), None);
    }
}
