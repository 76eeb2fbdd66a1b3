//! nginx's upstream balancing: the smooth weighted round robin of
//! `ngx_http_upstream_get_peer` (`src/http/ngx_http_upstream_round_robin.c`)
//! and `least_conn` (`src/http/modules/ngx_http_upstream_least_conn_module.c`),
//! nginx 1.22 to 1.27, each peer as one `server` line with its `weight`.
//!
//! A pick walks the peers in configuration order. Each eligible peer's
//! `current_weight` grows by its `effective_weight`, which also adds to the
//! total, and an effective weight below the configured weight recovers by 1;
//! the peer with the largest current weight (the first of equals: the
//! comparison is a strict `>`) is chosen and pays the total back. Weights
//! 5, 1, 1 give `a a b a c a a`, spreading the light peers between the heavy
//! one's picks instead of bunching them. A failed request lowers its peer's
//! effective weight by `weight / max_fails` (integer division, at least
//! one step of recovery per pick brings it back).
//!
//! `least_conn` picks the peer with the fewest active connections per unit
//! of weight, comparing `conns × best.weight < best.conns × weight` to stay
//! in integers, and breaks a tie between several such peers by the same
//! smooth weighted round robin run over the tied peers only.

/// One peer of the round robin: nginx's `current_weight`,
/// `effective_weight` and configured `weight`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Peer {
    current: i64,
    effective: i64,
    weight: i64,
}

/// The round robin's state, a peer each (kept together, so a pick walks
/// one array).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SmoothWeighted {
    peers: Vec<Peer>,
}

impl SmoothWeighted {
    /// Peers with these weights (each at least 1), every current weight 0.
    pub fn new(weights: &[u32]) -> SmoothWeighted {
        let peer = |w: u32| Peer { current: 0, effective: i64::from(w.max(1)), weight: i64::from(w.max(1)) };
        SmoothWeighted { peers: weights.iter().map(|&w| peer(w)).collect() }
    }

    /// Peer `i`'s configured weight.
    pub fn weight(&self, i: usize) -> i64 {
        self.peers[i].weight
    }

    /// The next peer among those `eligible` says may take a request (nginx
    /// skips peers marked down, failed or at `max_conns`); `None` when none may.
    pub fn pick(&mut self, eligible: impl Fn(usize) -> bool) -> Option<usize> {
        self.pick_among(0, |i, _| eligible(i))
    }

    /// The smooth weighted round robin over the peers from `from` on that
    /// `keep` (given the peer and its configured weight) keeps.
    fn pick_among(&mut self, from: usize, keep: impl Fn(usize, i64) -> bool) -> Option<usize> {
        let (mut best, mut best_current, mut total) = (None, 0, 0);
        for (i, p) in self.peers.iter_mut().enumerate().skip(from) {
            if !keep(i, p.weight) {
                continue;
            }
            p.current += p.effective;
            total += p.effective;
            if p.effective < p.weight {
                p.effective += 1;
            }
            // The first of equals: a later peer must be strictly heavier.
            if best.is_none() || p.current > best_current {
                best = Some(i);
                best_current = p.current;
            }
        }
        let b = best?;
        self.peers[b].current -= total;
        Some(b)
    }

    /// A request to peer `i` failed: its effective weight drops by
    /// `weight / max_fails` (not below 0), as nginx's `free` handler does.
    pub fn failed(&mut self, i: usize, max_fails: u32) {
        let p = &mut self.peers[i];
        let step = p.weight / i64::from(max_fails.max(1));
        p.effective = (p.effective - step).max(0);
    }
}

/// `least_conn`: the fewest active connections per unit of weight, ties by
/// the smooth weighted round robin among the tied peers. `conns[i]` is
/// peer `i`'s active connections from this balancer.
pub fn least_conn(rr: &mut SmoothWeighted, conns: &[u32], eligible: impl Fn(usize) -> bool) -> Option<usize> {
    let n = conns.len();
    let mut best: Option<usize> = None;
    let mut many = false;
    for i in (0..n).filter(|&i| eligible(i)) {
        match best {
            None => best = Some(i),
            Some(b) => {
                let (lhs, rhs) = (u64::from(conns[i]) * rr.weight(b) as u64, u64::from(conns[b]) * rr.weight(i) as u64);
                if lhs < rhs {
                    best = Some(i);
                    many = false;
                } else if lhs == rhs {
                    many = true;
                }
            }
        }
    }
    let b = best?;
    if !many {
        return Some(b);
    }
    let weight_b = rr.weight(b) as u64;
    rr.pick_among(b, |i, weight_i| {
        eligible(i) && u64::from(conns[i]) * weight_b == u64::from(conns[b]) * weight_i as u64
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sequence(weights: &[u32], picks: usize) -> String {
        let mut rr = SmoothWeighted::new(weights);
        (0..picks).map(|_| (b'a' + rr.pick(|_| true).unwrap() as u8) as char).collect()
    }

    #[test]
    fn weights_five_one_one_interleave_as_nginx_documents() {
        assert_eq!(sequence(&[5, 1, 1], 7), "aabacaa");
        // The cycle repeats every total weight.
        assert_eq!(sequence(&[5, 1, 1], 14), "aabacaaaabacaa");
    }

    #[test]
    fn hand_traced_sequences() {
        // current weights after adding {3,2,1} (total 6): pick the largest, subtract 6.
        // 1: (3,2,1)→a (-3,2,1)  2: (0,4,2)→b (0,-2,2)  3: (3,0,3)→a (-3,0,3)
        // 4: (0,2,4)→c (0,2,-2)  5: (3,4,-1)→b (3,-2,-1)  6: (6,0,0)→a (0,0,0)
        assert_eq!(sequence(&[3, 2, 1], 6), "abacba");
        // {1,1,1,2}: 1: (1,1,1,2)→d (1,1,1,-3)  2: (2,2,2,-1)→a (-3,2,2,-1)
        // 3: (-2,3,3,1)→b (-2,-2,3,1)  4: (-1,-1,4,3)→c (-1,-1,-1,3)  5: (0,0,0,5)→d (0,0,0,0)
        assert_eq!(sequence(&[1, 1, 1, 2], 5), "dabcd");
        assert_eq!(sequence(&[1, 1, 1], 6), "abcabc");
    }

    #[test]
    fn an_ineligible_peer_is_skipped_and_the_rest_keep_their_order() {
        let mut rr = SmoothWeighted::new(&[5, 1, 1]);
        let picks: String = (0..6).map(|_| (b'a' + rr.pick(|i| i != 0).unwrap() as u8) as char).collect();
        assert_eq!(picks, "bcbcbc");
        assert_eq!(SmoothWeighted::new(&[1]).pick(|_| false), None);
    }

    #[test]
    fn a_failure_lowers_the_effective_weight_which_then_recovers() {
        let mut rr = SmoothWeighted::new(&[4, 4]);
        let effective = |rr: &SmoothWeighted| rr.peers.iter().map(|p| p.effective).collect::<Vec<_>>();
        rr.failed(0, 1);
        assert_eq!(effective(&rr), [0, 4]);
        // Pick 1: a adds 0 (then recovers to 1), b adds 4 → b.
        assert_eq!(rr.pick(|_| true), Some(1));
        assert_eq!(effective(&rr), [1, 4]);
    }

    #[test]
    fn least_conn_prefers_fewer_connections_per_weight_and_breaks_ties_by_round_robin() {
        let mut rr = SmoothWeighted::new(&[1, 2, 1]);
        // 1/1 vs 1/2 vs 1/1: b has the fewest per weight.
        assert_eq!(least_conn(&mut rr, &[1, 1, 1], |_| true), Some(1));
        // All idle: a three-way tie, resolved by the round robin from the first tied peer.
        let mut rr = SmoothWeighted::new(&[1, 2, 1]);
        let picks: Vec<usize> = (0..4).map(|_| least_conn(&mut rr, &[0, 0, 0], |_| true).unwrap()).collect();
        assert_eq!(picks, [1, 0, 2, 1]);
        // A tie between b and c only (a is busier): the round robin runs over b and c.
        let mut rr = SmoothWeighted::new(&[1, 1, 1]);
        assert_eq!(least_conn(&mut rr, &[3, 0, 0], |_| true), Some(1));
        assert_eq!(least_conn(&mut rr, &[3, 0, 0], |_| true), Some(2));
        assert_eq!(rr.peers.iter().map(|p| p.current).collect::<Vec<_>>(), [0, 0, 0]);
    }
}
