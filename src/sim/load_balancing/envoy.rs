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
}
