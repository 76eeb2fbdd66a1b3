//! A balancer and its pool of servers, driven one request at a time: the
//! balancer picks, the server admits (starts, queues or drops), finishes,
//! is changed, and the balancer learns each answer. The caller keeps the
//! clock and the events, so the load-balancing widget's run ([`super::run`])
//! and the pipeline's chain ([`crate::sim::retries::run`]) drive the same
//! balancer and the same servers.

use super::ewma::{self, PeakEwma};
use super::nginx::{self, SmoothWeighted};
use super::run::{Outcome, ServerSlices};
use super::{envoy, Balancer, Change, Server};
use crate::sim::hash_ring::{key_hash64, maglev, Node};
use crate::sim::kernel::num::digits;
use crate::sim::kernel::rng::{unit, Rng, Zipf};
use crate::sim::kernel::slices::Binner;
use crate::sim::kernel::time::{Nanos, MS, SEC};
use std::collections::VecDeque;

/// nginx's defaults for its passive health check: failures that take a
/// server out (`max_fails`), and for how long (`fail_timeout`).
pub const NGINX_MAX_FAILS: u32 = 1;
pub const NGINX_FAIL_TIMEOUT: Nanos = 10 * SEC;

/// Request `request`'s user (from 1, the busiest) among `users`, drawn
/// from `seed` and the request's number alone: every lane, and the
/// pipeline's retries of one call, see the same user for the same number.
pub fn user_of(users: &Zipf, seed: u64, request: u32) -> usize {
    users.rank(unit(Rng::new(seed ^ u64::from(request).wrapping_mul(0x9E37_79B9_7F4A_7C15)).next_u64())) + 1
}

/// The balancer's own state.
enum State {
    Rotating(SmoothWeighted),
    /// nginx `random`: where each server's range of weight starts, and the
    /// round robin it falls back to after 20 draws of unavailable servers.
    Random(Vec<u64>, SmoothWeighted),
    LeastRequest(u32),
    /// Envoy's least request over unequal weights: the scheduler over the
    /// hosts listed (its positions index them), and its seed.
    Edf(envoy::Edf, Vec<usize>, u64),
    Ewma {
        estimates: Vec<PeakEwma>,
        decay_ns: f64,
    },
    /// The table, the users' distribution, and the seed each request's user is drawn from.
    Maglev(maglev::Table, Zipf, u64),
}

/// A server's state.
struct Live {
    config: Server,
    up: bool,
    speed: f64,
    running: Vec<u32>,
    /// Requests waiting, with their work.
    queue: VecDeque<(u32, Nanos)>,
    /// Bumped when it stops, so the finishes it had scheduled are ignored.
    epoch: u32,
    /// Its time-weighted counts are added up to here.
    since: Nanos,
    /// nginx's passive check: failures, when the last one was (`accessed`),
    /// and when the server was last checked (a failure, or the first pick
    /// after its `fail_timeout`).
    fails: u32,
    accessed: Nanos,
    checked: Nanos,
}

/// What a server did with a request it was sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Admit {
    /// In service until this time; the finish carries the server's epoch.
    Started(Started),
    /// Waiting for a slot.
    Queued,
    /// Its queue was full: a 503.
    Dropped,
    /// The server is stopped: the connection is refused.
    Refused,
}

/// A request put into service: it finishes at `at` unless the server stops
/// first (its `epoch` then no longer matches).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Started {
    pub request: u32,
    pub at: Nanos,
    pub epoch: u32,
}

/// A balancer over a pool of servers.
pub struct Pool {
    balancer: Balancer,
    weights: Vec<u32>,
    state: State,
    rng: Rng,
    /// nginx keeps no failure count for a single server (`peers->single`).
    nginx_health: bool,
    /// Envoy's outlier detection, its timer started with the balancer; the
    /// hosts it has not ejected, refreshed (and the scheduler rebuilt, as
    /// Envoy rebuilds it on a host set change) before the next pick.
    detector: Option<envoy::Detector>,
    hosts_changed: bool,
    healthy: Vec<usize>,
    /// Every server, as the candidates of the balancers that draw from them.
    all: Vec<usize>,
    live: Vec<Live>,
    outstanding: Vec<u32>,
    /// Each server's busy and queued time and requests sent, per slice of
    /// `span` (time after it is in no slice).
    pub slices: Vec<ServerSlices>,
    binner: Binner,
}

impl Pool {
    /// `balancer` over `servers`, drawing from `rng`, its servers' time
    /// binned into `bins` slices of `span`; request `r`'s user (for Maglev)
    /// is drawn from `users_seed` and `r` alone, the same in every lane.
    pub fn new(balancer: &Balancer, servers: &[Server], mut rng: Rng, span: Nanos, bins: usize, users_seed: u64) -> Pool {
        let m = servers.len();
        let bins = bins.max(1);
        let weights: Vec<u32> = servers.iter().map(|s| s.weight.max(1)).collect();
        let state = match *balancer {
            Balancer::RoundRobin => State::Rotating(SmoothWeighted::new(&vec![1; m])),
            Balancer::SmoothWeighted | Balancer::LeastConn => State::Rotating(SmoothWeighted::new(&weights)),
            Balancer::Random => State::Random(
                weights
                    .iter()
                    .scan(0u64, |sum, &w| {
                        let start = *sum;
                        *sum += u64::from(w);
                        Some(start)
                    })
                    .collect(),
                SmoothWeighted::new(&weights),
            ),
            // Envoy's balancer draws its scheduler's seed when it is built.
            Balancer::LeastRequest { .. } if weights.iter().any(|&w| w != weights[0]) => {
                let seed = rng.next_u64();
                let edf = envoy::Edf::with_picks(m, seed, |i| envoy::effective_weight(weights[i], 0, 1.0));
                State::Edf(edf, (0..m).collect(), seed)
            }
            Balancer::LeastRequest { choices, .. } => State::LeastRequest(choices),
            Balancer::PeakEwma { decay_ms, default_rtt_ms } => State::Ewma {
                estimates: vec![PeakEwma::new((u64::from(default_rtt_ms) * MS) as f64, 0); m],
                decay_ns: (u64::from(decay_ms.max(1)) * MS) as f64,
            },
            Balancer::Maglev { users } => {
                let hosts: Vec<Node> =
                    (0..m).map(|i| Node { name: format!("server-{}", i + 1), weight: weights[i] }).collect();
                State::Maglev(maglev::Table::new(&hosts, 65_537), Zipf::new(users as usize), users_seed)
            }
        };
        let detector = match *balancer {
            Balancer::LeastRequest { ejection: Some(e), .. } => Some(envoy::Detector::new(e, m, 0)),
            _ => None,
        };
        Pool {
            balancer: *balancer,
            weights,
            state,
            rng,
            nginx_health: m > 1
                && matches!(
                    balancer,
                    Balancer::RoundRobin | Balancer::SmoothWeighted | Balancer::Random | Balancer::LeastConn
                ),
            detector,
            hosts_changed: false,
            healthy: (0..m).collect(),
            all: (0..m).collect(),
            live: servers
                .iter()
                .map(|s| Live {
                    config: *s,
                    up: true,
                    speed: s.speed,
                    running: Vec::new(),
                    queue: VecDeque::new(),
                    epoch: 0,
                    since: 0,
                    fails: 0,
                    accessed: 0,
                    checked: 0,
                })
                .collect(),
            outstanding: vec![0; m],
            slices: vec![ServerSlices { busy_ns: vec![0; bins], queued_ns: vec![0; bins], sent: vec![0; bins] }; m],
            binner: Binner::new(span.max(1), bins),
        }
    }

    /// Runs the outlier detector's interval ticks up to `now`.
    fn advance(&mut self, now: Nanos) {
        if let Some(d) = self.detector.as_mut() {
            while d.next_tick <= now {
                self.hosts_changed |= d.tick(d.next_tick);
            }
        }
    }

    /// nginx's check: server `i` may be picked (not out for `fail_timeout`).
    fn eligible(live: &[Live], nginx_health: bool, i: usize, now: Nanos) -> bool {
        !nginx_health || live[i].fails < NGINX_MAX_FAILS || now - live[i].checked > NGINX_FAIL_TIMEOUT
    }

    /// The balancer's pick for request `request` arriving at `now`, counted
    /// outstanding there; `None` when it has no server to send it to (the
    /// request is then answered at once, and the balancer learns nothing).
    /// Only Maglev reads the request's number, to find its user.
    pub fn pick(&mut self, now: Nanos, request: u32) -> Option<usize> {
        self.advance(now);
        let m = self.live.len();
        if self.hosts_changed {
            self.hosts_changed = false;
            if let Some(d) = &self.detector {
                self.healthy = (0..m).filter(|&i| !d.is_ejected(i)).collect();
                // Envoy's panic threshold: under half the hosts healthy, use them all.
                if self.healthy.len() * 2 < m {
                    self.healthy = (0..m).collect();
                }
            }
            if let State::Edf(edf, hosts, seed) = &mut self.state {
                *hosts = self.healthy.clone();
                let (weights, outstanding) = (&self.weights, &self.outstanding);
                *edf = envoy::Edf::with_picks(hosts.len(), *seed, |k| {
                    envoy::effective_weight(weights[hosts[k]], outstanding[hosts[k]], 1.0)
                });
            }
        }
        let (live, health, outstanding, weights, rng) =
            (&self.live, self.nginx_health, &self.outstanding, &self.weights, &mut self.rng);
        let eligible = |i: usize| Pool::eligible(live, health, i, now);
        let picked = match &mut self.state {
            State::Rotating(rr) => {
                if matches!(self.balancer, Balancer::LeastConn) {
                    nginx::least_conn(rr, outstanding, eligible)
                } else {
                    rr.pick(eligible)
                }
            }
            State::Random(starts, rr) => {
                let total = starts.last().copied().unwrap_or(0) + u64::from(*weights.last().unwrap_or(&0));
                let mut found = None;
                for _ in 0..if starts.is_empty() { 0 } else { 20 } {
                    let x = rng.next_u64() % total.max(1);
                    let i = starts.partition_point(|&s| s <= x) - 1;
                    if eligible(i) {
                        found = Some(i);
                        break;
                    }
                }
                found.or_else(|| rr.pick(eligible))
            }
            State::LeastRequest(choices) => {
                envoy::least_request(|| rng.next_u64(), &self.healthy, *choices, |i| outstanding[i])
            }
            State::Edf(edf, hosts, _) => {
                let _priority = rng.next_u64();
                edf.pick_and_add(|k| envoy::effective_weight(weights[hosts[k]], outstanding[hosts[k]], 1.0))
                    .map(|k| hosts[k])
            }
            State::Ewma { estimates, decay_ns } => {
                let decay = *decay_ns;
                ewma::p2c(rng, &self.all, |i| estimates[i].load(outstanding[i], now, decay))
            }
            // The request's user, its id as the header's text.
            State::Maglev(table, users, seed) => {
                let user = user_of(users, *seed, request) as u64;
                Some(table.choose(key_hash64(digits(user, &mut [0u8; 20]))))
            }
        };
        let Some(s) = picked else {
            if self.nginx_health {
                // Every server out: nginx answers 502 and marks them all live
                // again, for a quick recovery.
                self.live.iter_mut().for_each(|l| l.fails = 0);
            }
            return None;
        };
        if self.nginx_health && now - self.live[s].checked > NGINX_FAIL_TIMEOUT {
            self.live[s].checked = now;
        }
        self.outstanding[s] += 1;
        let b = self.binner.of(now);
        self.slices[s].sent[b] += 1;
        Some(s)
    }

    /// Server `s` is sent request `request`, bringing `work` (its service
    /// time at speed 1), at `now`.
    pub fn admit(&mut self, s: usize, request: u32, work: Nanos, now: Nanos) -> Admit {
        if !self.live[s].up {
            return Admit::Refused;
        }
        self.accumulate(s, now);
        let l = &mut self.live[s];
        if (l.running.len() as u32) < l.config.concurrency.max(1) {
            Admit::Started(Pool::start(l, request, work, now))
        } else if (l.queue.len() as u32) < l.config.queue {
            l.queue.push_back((request, work));
            Admit::Queued
        } else {
            Admit::Dropped
        }
    }

    /// Puts `request` into service on `l` at `now`, at its current speed.
    fn start(l: &mut Live, request: u32, work: Nanos, now: Nanos) -> Started {
        let service = (work as f64 / l.speed.max(1e-9)) as Nanos;
        l.running.push(request);
        Started { request, at: now.saturating_add(service.max(1)), epoch: l.epoch }
    }

    /// Server `s` finishes what `started` began, at `now`: `None` if it
    /// stopped in between (the request was failed then); otherwise the
    /// request it starts next from its queue, if any.
    pub fn finish(&mut self, s: usize, started: Started, now: Nanos) -> Option<Option<Started>> {
        if started.epoch != self.live[s].epoch {
            return None;
        }
        self.accumulate(s, now);
        let l = &mut self.live[s];
        l.running.retain(|&x| x != started.request);
        Some(l.queue.pop_front().map(|(r, work)| Pool::start(l, r, work, now)))
    }

    /// A change to server `s` at `now`; a stop returns the requests it held,
    /// which fail.
    pub fn change(&mut self, s: usize, change: Change, now: Nanos) -> Vec<u32> {
        self.accumulate(s, now);
        let l = &mut self.live[s];
        match change {
            Change::Speed(v) => l.speed = v,
            Change::Start => l.up = true,
            Change::Stop => {
                l.up = false;
                l.epoch += 1;
                let mut held: Vec<u32> = l.running.drain(..).collect();
                held.extend(l.queue.drain(..).map(|(r, _)| r));
                return held;
            }
        }
        Vec::new()
    }

    /// The balancer learns at `now` how a request it sent to server `s`
    /// ended, `rtt` after it was picked: its outstanding count, Peak-EWMA's
    /// estimate, and the passive health checks.
    pub fn answered(&mut self, s: usize, rtt: Nanos, outcome: Outcome, now: Nanos) {
        self.advance(now);
        self.outstanding[s] -= 1;
        if let Some(d) = self.detector.as_mut() {
            // A refused connection or a 503 is a 5xx to Envoy; a request the
            // client gave up on is not reported.
            if outcome != Outcome::TimedOut && d.answered(s, matches!(outcome, Outcome::Failed | Outcome::Dropped), now)
            {
                self.hosts_changed = true;
            }
        }
        if let State::Ewma { estimates, decay_ns } = &mut self.state {
            estimates[s].update(rtt as f64, now, *decay_ns);
        }
        // nginx counts a refused or reset connection; a server's 503 (a full
        // queue) is an answer (`proxy_next_upstream off`).
        let l = &mut self.live[s];
        if self.nginx_health && outcome == Outcome::Failed {
            if let State::Rotating(rr) = &mut self.state {
                rr.failed(s, NGINX_MAX_FAILS);
            }
            l.fails += 1;
            l.accessed = now;
            l.checked = now;
        } else if self.nginx_health && outcome == Outcome::Ok && l.accessed < l.checked {
            // A success after the server was checked again: live again.
            l.fails = 0;
        }
    }

    /// The servers in the pool.
    pub fn len(&self) -> usize {
        self.live.len()
    }

    /// Whether the pool has no servers.
    pub fn is_empty(&self) -> bool {
        self.live.is_empty()
    }

    /// Adds every server's busy and queued time up to `end` (the run's last answer).
    pub fn close(&mut self, end: Nanos) {
        for s in 0..self.live.len() {
            let at = end.max(self.live[s].since);
            self.accumulate(s, at);
        }
    }

    /// Adds server `s`'s busy and queued time since its last change.
    fn accumulate(&mut self, s: usize, now: Nanos) {
        let l = &mut self.live[s];
        if now > l.since {
            let out = &mut self.slices[s];
            let (running, queued) = (l.running.len() as u64, l.queue.len() as u64);
            if running + queued > 0 {
                self.binner.spread(l.since, now, |b, ns| {
                    out.busy_ns[b] += running * ns;
                    out.queued_ns[b] += queued * ns;
                });
            }
            l.since = now;
        }
    }
}
