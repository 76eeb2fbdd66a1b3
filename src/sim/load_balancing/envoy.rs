//! Envoy's `LEAST_REQUEST` load balancer
//! (`source/extensions/load_balancing_policies/least_request/`), as Envoy
//! 1.35 to 1.39 runs it; the equal-weights pick is the same back to 1.28.
//!
//! **Equal weights** (`unweightedHostPick`). A pick first draws one random
//! number for the priority level
//! (`chooseHostOnce`; one level here, so it decides nothing), then draws
//! `choice_count` hosts (default 2, at least 2), each as a random 64-bit
//! number modulo the number of hosts, with replacement, and keeps the
//! first drawn unless a later one has strictly fewer active requests
//! (`rq_active`). Envoy draws from its process's generator; here it is the
//! run's seeded generator.
//!
//! **Unequal weights** (`EdfLoadBalancerBase`, `source/common/upstream/edf_scheduler.h`). An earliest-deadline-first scheduler over the
//! hosts: a host's entry has the deadline `current_time + 1 / weight`, the
//! soonest deadline is picked (the earlier insertion on a tie), the
//! scheduler's time moves to it, and the host goes back with a new deadline
//! from its weight *now*: `weight / (active + 1)^bias` (`active_request_bias`,
//! default 1), its active count read before the new request counts. The
//! other hosts keep the deadlines they were given when last picked. The
//! scheduler is built when the host set changes, starting part-way through
//! its cycle by a seed (the balancer's first random draw) so that
//! balancers built at once do not all start on the same host
//! (`createWithPicks`). Powers other than 0 and 1 use the engine's
//! IEEE-exact [`powf`], not the platform's `pow`.

use crate::sim::kernel::rng::powf;
use crate::sim::kernel::time::{Nanos, MS};
use crate::scenario::json;

/// The pick over `candidates` (indices of servers) with `active(i)`
/// requests outstanding at each, drawing from `next`; `None` when there
/// are none.
pub fn least_request(
    mut next: impl FnMut() -> u64,
    candidates: &[usize],
    choices: u32,
    active: impl Fn(usize) -> u32,
) -> Option<usize> {
    let _priority = next();
    if candidates.is_empty() {
        return None;
    }
    let n = candidates.len() as u64;
    let mut best: Option<usize> = None;
    for _ in 0..choices.max(2) {
        let sampled = candidates[(next() % n) as usize];
        match best {
            Some(b) if active(sampled) >= active(b) => {}
            _ => best = Some(sampled),
        }
    }
    best
}

/// Envoy's EDF scheduler over hosts `0..n`.
#[derive(Clone, Debug, PartialEq)]
pub struct Edf {
    current_time: f64,
    order: u64,
    /// (deadline, insertion order, host): the soonest first.
    entries: Vec<(f64, u64, usize)>,
}

impl Edf {
    /// `createWithPicks`: the scheduler over hosts with weights `w(i)`,
    /// started `seed % 429496729` picks into its cycle (the seed taken as
    /// the `uint32_t` Envoy passes).
    pub fn with_picks(n: usize, seed: u64, mut w: impl FnMut(usize) -> f64) -> Edf {
        let p = u64::from(seed as u32) % 429_496_729;
        let weights: Vec<f64> = (0..n).map(|i| w(i) + 1e-13).collect();
        let total: f64 = weights.iter().sum();
        let mut edf = Edf { current_time: 0.0, order: n as u64, entries: Vec::with_capacity(n) };
        let mut picked = 0u64;
        for (i, &wi) in weights.iter().enumerate() {
            let share = p as f64 / total;
            let mut fp = (wi * p as f64 / total) as u32;
            if fp > 0 && f64::from(fp) / wi >= share {
                fp -= 1;
            }
            picked += u64::from(fp);
            edf.entries.push(((f64::from(fp) + 1.0) / wi, i as u64, i));
            edf.current_time = edf.current_time.max(f64::from(fp) / wi);
        }
        for _ in picked..p {
            edf.pick_and_add(&mut w);
        }
        edf
    }

    /// Picks the host with the soonest deadline and puts it back with the
    /// deadline its weight `w(host)` gives now.
    pub fn pick_and_add(&mut self, mut w: impl FnMut(usize) -> f64) -> Option<usize> {
        let (at, _) =
            self.entries.iter().enumerate().min_by(|(_, a), (_, b)| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)))?;
        let (deadline, _, host) = self.entries.swap_remove(at);
        self.current_time = deadline;
        self.entries.push((self.current_time + 1.0 / w(host), self.order, host));
        self.order += 1;
        Some(host)
    }
}

/// A host's weight in the scheduler: `weight / (active + 1)^bias`.
pub fn effective_weight(weight: u32, active: u32, bias: f64) -> f64 {
    let a = f64::from(active) + 1.0;
    let w = f64::from(weight);
    if bias == 1.0 {
        w / a
    } else if bias == 0.0 {
        w
    } else {
        w / powf(a, bias)
    }
}

/// Envoy's outlier detection by consecutive 5xx answers
/// (`source/common/upstream/outlier_detection_impl.cc`; fields of
/// `envoy.config.cluster.v3.OutlierDetection`, with its defaults).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Ejection {
    /// `consecutive_5xx`: 5xx answers in a row that eject a host (default 5).
    pub consecutive_5xx: u32,
    /// `interval`: how often ejections are reviewed (default 10 s).
    pub interval_ms: u32,
    /// `base_ejection_time`: an ejection lasts this times the host's
    /// ejection count, up to `max_ejection_time` (default 30 s; the maximum
    /// is 300 s or the base, whichever is longer).
    pub base_ejection_ms: u32,
    /// `max_ejection_percent`: the most of the cluster ejected at once (default 10).
    pub max_ejection_percent: u32,
}

json::object!(Ejection, "an outlier detection (an object)" {
    consecutive_5xx,
    interval_ms,
    base_ejection_ms,
    max_ejection_percent,
});

impl Default for Ejection {
    fn default() -> Ejection {
        Ejection { consecutive_5xx: 5, interval_ms: 10_000, base_ejection_ms: 30_000, max_ejection_percent: 10 }
    }
}

impl Ejection {
    /// Checks its settings.
    pub fn validate(&self) -> Result<(), String> {
        if !(1..=1_000).contains(&self.consecutive_5xx) {
            return Err(format!("ejection: consecutive_5xx must be between 1 and 1000, not {}", self.consecutive_5xx));
        }
        if !(100..=600_000).contains(&self.interval_ms) || !(100..=3_600_000).contains(&self.base_ejection_ms) {
            return Err("ejection: interval_ms must be 100 to 600000 and base_ejection_ms 100 to 3600000".into());
        }
        if self.max_ejection_percent > 100 {
            return Err(format!("ejection: max_ejection_percent must be at most 100, not {}", self.max_ejection_percent));
        }
        Ok(())
    }
}

/// The detector's state over `n` hosts. Each 5xx answer adds to its host's
/// count and any other answer resets it; at exactly `consecutive_5xx` the
/// host is ejected, if ejecting one more keeps the ejected share within
/// `max_ejection_percent` of the cluster (no host at all, by default, in a
/// cluster of fewer than ten), and the count starts again either way. At
/// each interval's tick an ejected host whose time is up returns, and a
/// host back for a whole interval has its ejection count lowered by one.
#[derive(Clone, Debug, PartialEq)]
pub struct Detector {
    pub config: Ejection,
    consecutive: Vec<u32>,
    ejected: Vec<bool>,
    last_ejection: Vec<Nanos>,
    last_unejection: Vec<Option<Nanos>>,
    backoff: Vec<u64>,
    active: usize,
    /// The next tick of the interval timer.
    pub next_tick: Nanos,
}

impl Detector {
    /// A detector over `n` hosts, its timer started at `now`.
    pub fn new(config: Ejection, n: usize, now: Nanos) -> Detector {
        Detector {
            config,
            consecutive: vec![0; n],
            ejected: vec![false; n],
            last_ejection: vec![0; n],
            last_unejection: vec![None; n],
            backoff: vec![0; n],
            active: 0,
            next_tick: now + u64::from(config.interval_ms.max(1)) * MS,
        }
    }

    /// Whether host `i` is ejected now.
    pub fn is_ejected(&self, i: usize) -> bool {
        self.ejected[i]
    }

    /// Records host `i`'s answer at `now`; returns whether it was ejected by it.
    pub fn answered(&mut self, i: usize, five_xx: bool, now: Nanos) -> bool {
        if !five_xx {
            self.consecutive[i] = 0;
            return false;
        }
        self.consecutive[i] += 1;
        if self.consecutive[i] != self.config.consecutive_5xx {
            return false;
        }
        self.consecutive[i] = 0;
        if self.ejected[i] {
            return false;
        }
        let n = self.ejected.len().max(1);
        if 100 * (self.active + 1) > self.config.max_ejection_percent as usize * n {
            return false;
        }
        self.active += 1;
        self.ejected[i] = true;
        self.last_ejection[i] = now;
        let (base, max) = self.times();
        if self.backoff[i] * base < max + base {
            self.backoff[i] += 1;
        }
        true
    }

    /// The base and the longest ejection time, in ns.
    fn times(&self) -> (Nanos, Nanos) {
        let base = u64::from(self.config.base_ejection_ms) * MS;
        (base, base.max(300_000 * MS))
    }

    /// The interval timer's tick at `now`: returns whether any host came back.
    pub fn tick(&mut self, now: Nanos) -> bool {
        let (base, max) = self.times();
        let interval = u64::from(self.config.interval_ms.max(1)) * MS;
        let mut returned = false;
        for i in 0..self.ejected.len() {
            if self.ejected[i] && (base * self.backoff[i]).min(max) <= now - self.last_ejection[i] {
                self.ejected[i] = false;
                self.active -= 1;
                self.consecutive[i] = 0;
                self.last_unejection[i] = Some(now);
                returned = true;
            }
        }
        for i in 0..self.ejected.len() {
            if !self.ejected[i] && self.backoff[i] > 0 && self.last_unejection[i].is_some_and(|t| now - t >= interval) {
                self.backoff[i] -= 1;
            }
        }
        self.next_tick = now + interval;
        returned
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::kernel::rng::Rng;

    /// A source of scripted random numbers, as Envoy's tests mock `random()`.
    fn scripted(values: &[u64]) -> impl FnMut() -> u64 + '_ {
        let mut i = 0;
        move || {
            i += 1;
            values[i - 1]
        }
    }

    /// `least_request_lb_test.cc`: `Normal`, `PNC` and `SingleHost`, the
    /// first random number of each pick being the priority draw.
    #[test]
    fn envoys_own_test_vectors() {
        let hosts = [0, 1];
        assert_eq!(least_request(scripted(&[0, 2, 3]), &hosts, 2, |i| [1, 2][i]), Some(0));
        assert_eq!(least_request(scripted(&[0, 2, 3]), &hosts, 2, |i| [2, 1][i]), Some(1));
        let four = [0, 1, 2, 3];
        let active = |i: usize| [4, 3, 2, 1][i];
        assert_eq!(least_request(scripted(&[0, 0, 0]), &four, 2, active), Some(0));
        assert_eq!(least_request(scripted(&[0; 6]), &four, 5, active), Some(0));
        assert_eq!(least_request(scripted(&[0, 3, 0, 3, 2, 1]), &four, 5, active), Some(3));
        // One host: both choices are still drawn.
        let mut drawn = 0;
        let counted = || {
            drawn += 1;
            [0, 2, 3][drawn - 1]
        };
        assert_eq!(least_request(counted, &[0], 2, |_| 0), Some(0));
        assert_eq!(drawn, 3);
    }

    /// `least_request_lb_test.cc`, `WeightImbalance`: weights 1 and 2, every
    /// random number 0 (so the scheduler's seed is 0), the active counts
    /// set between runs of picks.
    #[test]
    fn envoys_weighted_test_vector() {
        let weights = [1, 2];
        let mut active = [0u32, 0];
        let mut edf = Edf::with_picks(2, 0, |i| effective_weight(weights[i], active[i], 1.0));
        let picks = |active: [u32; 2], n: usize, edf: &mut Edf| -> Vec<usize> {
            (0..n).map(|_| edf.pick_and_add(|i| effective_weight(weights[i], active[i], 1.0)).unwrap()).collect()
        };
        assert_eq!(picks(active, 6, &mut edf), [1, 0, 1, 1, 0, 1]);
        active[1] = 1;
        assert_eq!(picks(active, 5, &mut edf), [1, 0, 1, 0, 1]);
        active = [1, 0];
        assert_eq!(picks(active, 10, &mut edf), [0, 1, 1, 1, 0, 1, 1, 1, 1, 0]);
        // `WithCustomActiveRequestBias`: a bias of 0 ignores the active counts.
        let mut edf = Edf::with_picks(2, 0, |i| effective_weight(weights[i], 0, 0.0));
        let got: Vec<usize> =
            (0..6).map(|_| edf.pick_and_add(|i| effective_weight(weights[i], [0, 1][i], 0.0)).unwrap()).collect();
        assert_eq!(got, [1, 0, 1, 1, 0, 1]);
    }

    /// `edf_scheduler_test.cc`: equal weights come out in order; weights
    /// i + 1 over a whole cycle give host i exactly i + 1 picks; and
    /// weights 6, 3, 1 started at seeds 0 to 9 pick first 6, 3 and 1 times.
    #[test]
    fn the_scheduler_matches_envoys_own_tests() {
        let mut edf = Edf::with_picks(128, 0, |_| 1.0);
        let order: Vec<usize> = (0..256).map(|_| edf.pick_and_add(|_| 1.0).unwrap()).collect();
        assert_eq!(order, (0..128).chain(0..128).collect::<Vec<_>>());
        let mut edf = Edf::with_picks(128, 0, |i| (i + 1) as f64);
        let mut count = [0u32; 128];
        for _ in 0..8256 {
            count[edf.pick_and_add(|i| (i + 1) as f64).unwrap()] += 1;
        }
        assert!(count.iter().enumerate().all(|(i, &c)| c == i as u32 + 1), "{count:?}");
        let mut first = [0; 3];
        for seed in 0..10 {
            let w = [6.0, 3.0, 1.0];
            first[Edf::with_picks(3, seed, |i| w[i]).pick_and_add(|i| w[i]).unwrap()] += 1;
        }
        assert_eq!(first, [6, 3, 1]);
    }

    #[test]
    fn the_least_active_of_the_draws_wins_and_the_first_keeps_a_tie() {
        let active = [3u32, 1, 1, 0];
        for seed in 0..100 {
            let mut draws = Rng::new(seed);
            draws.next_u64();
            let first = (draws.next_u64() % 4) as usize;
            let second = (draws.next_u64() % 4) as usize;
            let want = if active[second] < active[first] { second } else { first };
            let mut rng = Rng::new(seed);
            assert_eq!(least_request(|| rng.next_u64(), &[0, 1, 2, 3], 2, |i| active[i]), Some(want));
        }
    }

    #[test]
    fn more_choices_find_the_idle_host_more_often() {
        let active = |i: usize| if i == 7 { 0 } else { 5 };
        let hits = |choices| {
            let mut rng = Rng::new(3);
            let hosts: Vec<usize> = (0..10).collect();
            (0..10_000).filter(|_| least_request(|| rng.next_u64(), &hosts, choices, active) == Some(7)).count()
        };
        // 1 − 0.9^k of the picks: about 1,900 with two draws, 4,100 with five.
        let (two, five) = (hits(2), hits(5));
        assert!((1_750..2_050).contains(&two), "{two}");
        assert!((3_950..4_250).contains(&five), "{five}");
        assert_eq!(least_request(|| 0, &[], 2, active), None);
    }

    /// `outlier_detection_impl_test.cc`, `EjectTimeBackoff`: base and
    /// interval 10 s; each ejection lasts its count times the base, and a
    /// host back for whole intervals earns its count back one per tick.
    #[test]
    fn ejection_time_backs_off_as_envoys_test_says() {
        const S: Nanos = 1_000 * MS;
        let config = Ejection { consecutive_5xx: 5, interval_ms: 10_000, base_ejection_ms: 10_000, max_ejection_percent: 100 };
        let mut d = Detector::new(config, 1, 0);
        let fail5 = |d: &mut Detector, at: Nanos| (0..5).map(|_| d.answered(0, true, at)).last().unwrap();
        assert!(fail5(&mut d, 0));
        d.tick(10 * S);
        assert!(!d.is_ejected(0), "back at 10 s");
        assert!(fail5(&mut d, 10 * S));
        d.tick(20 * S);
        assert!(d.is_ejected(0), "still out at 20 s");
        d.tick(30 * S);
        assert!(!d.is_ejected(0), "back at 30 s");
        assert!(fail5(&mut d, 30 * S));
        for t in [40, 50] {
            d.tick(t * S);
            assert!(d.is_ejected(0), "out at {t} s");
        }
        d.tick(60 * S);
        assert!(!d.is_ejected(0), "back at 60 s");
        d.tick(70 * S);
        d.tick(80 * S);
        assert!(fail5(&mut d, 80 * S));
        d.tick(90 * S);
        assert!(d.is_ejected(0), "still out at 90 s");
        d.tick(100 * S);
        assert!(!d.is_ejected(0), "back at 100 s");
        for k in 1..=50 {
            d.tick((100 + 10 * k) * S);
        }
        assert!(fail5(&mut d, 610 * S));
        d.tick(620 * S);
        assert!(!d.is_ejected(0), "back at 620 s: the count is down to none again");
    }

    /// `MaxEjectTime`: the k-th ejection in a row lasts k × 10 s, up to 300 s.
    #[test]
    fn ejection_time_stops_at_the_maximum() {
        const S: Nanos = 1_000 * MS;
        let config = Ejection { consecutive_5xx: 1, interval_ms: 10_000, base_ejection_ms: 10_000, max_ejection_percent: 100 };
        let mut d = Detector::new(config, 1, 0);
        let mut now = 0;
        for k in 1..=35u64 {
            assert!(d.answered(0, true, now), "ejection {k}");
            let lasts = (k * 10).min(300) * S;
            d.tick(now + lasts - S);
            assert!(d.is_ejected(0), "ejection {k} is still on before {lasts}");
            d.tick(now + lasts);
            assert!(!d.is_ejected(0), "ejection {k} ends after {lasts}");
            now += lasts;
        }
    }

    /// `MaxEjectionPercentage`: at 50% of three hosts only one is ejected;
    /// with the default 10%, none of nine (one would be 11%), one of ten.
    #[test]
    fn the_share_ejected_is_capped() {
        let half = Ejection { max_ejection_percent: 50, consecutive_5xx: 1, ..Ejection::default() };
        let mut d = Detector::new(half, 3, 0);
        assert!(d.answered(0, true, 0));
        assert!(!d.answered(1, true, 0));
        assert!(!d.answered(2, true, 0));
        let one = Ejection { consecutive_5xx: 1, ..Ejection::default() };
        assert!(!Detector::new(one, 9, 0).answered(4, true, 0));
        assert!(Detector::new(one, 10, 0).answered(4, true, 0));
        // A success between failures resets the count.
        let mut d = Detector::new(Ejection { max_ejection_percent: 100, ..Ejection::default() }, 2, 0);
        for _ in 0..4 {
            assert!(!d.answered(0, true, 0));
        }
        assert!(!d.answered(0, false, 0));
        for _ in 0..4 {
            assert!(!d.answered(0, true, 0));
        }
        assert!(d.answered(0, true, 0));
    }
}
