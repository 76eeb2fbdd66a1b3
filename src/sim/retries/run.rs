//! A run of user requests through layers of clients that retry, down to a
//! dependency that queues: one lane's policy at every layer.
//!
//! A call at layer k sends attempts; at the last layer an attempt is a
//! request to the dependency, elsewhere it is a call at layer k + 1 with
//! its own retries, so attempts multiply down the chain. An attempt that
//! outlives the per-try timeout is abandoned by its caller but not
//! cancelled: the work below it goes on, as it does over plain HTTP.
//!
//! **Stages** (the pipeline): between the last layer of clients and the
//! dependency an attempt may pass a rate limiter and a circuit breaker,
//! each the engine its own widget runs ([`crate::sim::rate_limiter::Limiter`],
//! [`crate::sim::circuit_breaker::run::Breaker`]). A refusal by either is
//! a failure the client sees at once, and retries like any other (the AWS
//! SDKs and gRPC retry a throttled call). The breaker records each call it
//! let through when the dependency answers it, with the time since it let
//! it through. The dependency either queues (its own model) or follows the
//! circuit-breaker widget's script, drawing each call's result as that
//! widget does, from the run's generator after the arrivals.
//!
//! **Servers behind a load balancer** (the pipeline): instead of the one
//! dependency, a pool of servers that queue, as the load-balancing widget
//! runs them ([`crate::sim::load_balancing::pool::Pool`]). The balancer
//! picks a server for each attempt the stages admit; with a breaker, each
//! server has its own, and a call it fails fast is, to the balancer, an
//! error answered at once: the least-loaded balancers see a server that
//! fails fast as idle and send it more, as they do in production unless
//! the breaker's state reaches the balancer. The k-th request to reach the
//! servers brings the k-th work drawn for the run, in every lane, and the
//! balancer draws its picks from the generator the load-balancing widget
//! gives the same lane; so with one attempt and no other stage, a lane
//! answers every request exactly as that widget's balancer does.
//!
//! Events at one instant run in this order: the dependency's or servers'
//! answers, try timeouts, changes to the dependency or servers, user
//! arrivals, then the rest in the order they were scheduled. (The
//! circuit-breaker widget records results due at an instant before that
//! instant's arrivals; the load-balancing widget orders finishes, timeouts,
//! changes and arrivals so.)

use super::backoff::BackoffState;
use super::backup::BackupFilter;
use super::budget::{envoy_max_retries, millis, AwsQuota, Budget, FinagleBudget, GrpcThrottle};
use super::{Policy, MAX_LAYERS};
use crate::sim::circuit_breaker::run::{Attempt as Draw, Breaker, BreakerConfig, Dependency as Script};
use crate::sim::circuit_breaker::Transition;
use crate::sim::kernel::rng::Rng;
use crate::sim::load_balancing::pool::{Admit, Pool, Started};
use crate::sim::load_balancing::run::{draw_work, lane_rng, Outcome as Answer, ServerSlices};
use crate::sim::load_balancing::{Balancer, Server, ServerChange, Service};
use crate::sim::rate_limiter::{Limiter, LimiterConfig, Outcome as Admission};
use crate::sim::kernel::time::Nanos;
use crate::sim::kernel::slices::{Binner, Percentiles};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// The dependency's state at a moment: how many requests it serves at
/// once, how many may wait, its mean service time and the share of
/// requests it fails.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Dependency {
    pub concurrency: u32,
    pub queue: u32,
    pub mean_ns: f64,
    pub failure: f64,
}

/// A change to the dependency at a time.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DependencyChange {
    pub at: Nanos,
    pub to: Dependency,
}

/// What every lane serves: the user requests' arrival times and costs (the
/// units a rate limiter charges each of their attempts).
#[derive(Clone, Debug, PartialEq)]
pub struct Trial {
    pub at: Vec<Nanos>,
    pub cost: Vec<u32>,
    pub span: Nanos,
    /// The generator as the arrivals left it: a scripted dependency's draws
    /// continue from here.
    pub draws: Rng,
    /// The work of the requests reaching a pool of servers, if the chain ends in one.
    pub work: Option<Work>,
}

/// The work requests bring to a pool of servers, drawn as the
/// load-balancing widget draws its requests': one per user request first,
/// then more from the same generator for retries.
#[derive(Clone, Debug, PartialEq)]
pub struct Work {
    pub service: Service,
    pub first: Vec<Nanos>,
    /// The generator after the first draws and the balancers' seed.
    pub more: Rng,
    /// The load-balancing widget's lane seed: each balancer's draws start from it.
    pub lane_seed: u64,
}

/// What an attempt passes between the last layer of clients and the
/// dependency, in this order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Stages {
    pub limiter: Option<LimiterConfig>,
    /// In front of a pool of servers (round robin if none); unused otherwise.
    pub balancer: Option<Balancer>,
    /// In front of the dependency, or of each server.
    pub breaker: Option<BreakerConfig>,
}

/// What the chain's calls end at.
#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    /// The retries widget's dependency: slots, a queue, a share failing,
    /// and its state after each change, in time order.
    Queue { dependency: Dependency, changes: Vec<DependencyChange> },
    /// The circuit-breaker widget's script: every call served at once, its
    /// result drawn.
    Script(Script),
    /// Servers behind a load balancer, with their changes in time order,
    /// and the dependency they call, if any, with its changes.
    Servers { servers: Vec<Server>, changes: Vec<ServerChange>, backend: Option<Backend> },
}

/// The queueing dependency the servers call: its state, then after each change.
#[derive(Clone, Debug, PartialEq)]
pub struct Backend {
    pub dependency: Dependency,
    pub changes: Vec<DependencyChange>,
}

/// The chain's shape and timers.
#[derive(Clone, Debug, PartialEq)]
pub struct Chain {
    pub layers: u32,
    /// Each try's timeout at every layer, if any.
    pub try_timeout: Option<Nanos>,
    /// The user's overall timeout, if any.
    pub deadline: Option<Nanos>,
    pub target: Target,
    pub stages: Stages,
    pub seed: u64,
    /// Which lane of its scenario this is: a balancer draws that lane's numbers.
    pub lane: u64,
}

/// One slice of the run.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Slice {
    /// User requests arriving, and of those, how many succeeded.
    pub users: u32,
    pub ok: u32,
    /// Requests reaching the dependency, and those it refused with a full queue.
    pub dependency: u32,
    pub refused: u32,
    /// The dependency's slots' busy time, for its utilisation.
    pub busy_ns: u64,
    /// Latency percentiles of the user requests that succeeded.
    pub latency: Percentiles,
    /// Attempts of the last layer of clients (those entering the stages),
    /// and of those, refused by the rate limiter, delayed by it, and failed
    /// fast by the circuit breaker.
    pub sent: u32,
    pub limited: u32,
    pub delayed: u32,
    pub failed_fast: u32,
    /// Requests reaching the servers behind a balancer.
    pub servers: u32,
}

/// The run's totals.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Summary {
    pub users: u32,
    pub ok: u32,
    pub dependency: u32,
    pub refused: u32,
    /// Attempts at every layer, and the retries and hedges among them.
    pub attempts: u32,
    /// Attempts at each layer, the users' own clients first.
    pub by_layer: [u32; MAX_LAYERS as usize],
    pub retries: u32,
    pub hedges: u32,
    /// Retries a budget or throttle refused.
    pub denied: u32,
    /// Attempts abandoned at their timeout while the work below went on.
    pub abandoned: u32,
    pub latency: Percentiles,
    /// At the stages: as in [`Slice`].
    pub sent: u32,
    pub limited: u32,
    pub delayed: u32,
    pub failed_fast: u32,
    /// Attempts the balancer had no server for.
    pub no_server: u32,
    /// Behind a balancer: requests reaching the servers, and those a full
    /// queue refused. (Without a dependency behind the servers, they are
    /// also [`Summary::dependency`] and [`Summary::refused`].)
    pub servers: u32,
    pub server_refused: u32,
}

/// One lane's run.
#[derive(Clone, Debug, PartialEq)]
pub struct LaneRun {
    pub slices: Vec<Slice>,
    pub summary: Summary,
    /// Each user request's outcome and latency, by arrival.
    pub ok: Vec<bool>,
    pub latency: Vec<Nanos>,
    /// Per attempt entering the stages, in order: the rate limiter's
    /// decision and whether the breaker let it through (`None` where there
    /// is no such stage or the attempt never reached it).
    pub admissions: Vec<Admission>,
    pub permits: Vec<bool>,
    /// Each breaker's state changes: the dependency's, or each server's.
    pub transitions: Vec<Vec<Transition>>,
    /// Each server's busy and queued time and requests sent, per slice.
    pub servers: Vec<ServerSlices>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Event {
    /// User request `i` arrives.
    User(u32),
    /// The dependency finishes request `r`.
    Served(u32),
    /// A server finishes request `r`, if it has not stopped since it
    /// started it (its epoch then).
    Finished(u32, u32),
    /// The dependency behind the servers changes (index into its changes).
    Backend(u32),
    /// Attempt `a`'s try timer.
    TryTimeout(u32),
    /// Call `c`'s backoff ends: its next attempt goes out.
    Retry(u32),
    /// Call `c`'s hedging delay ends.
    Hedge(u32),
    /// Call `c`'s backup request is due.
    Backup(u32),
    /// The dependency changes (index into the changes).
    Change(u32),
    /// User call `c`'s overall deadline.
    Deadline(u32),
    /// Attempt `a` leaves the rate limiter's delay.
    Pass(u32),
}
struct Call {
    layer: u32,
    /// The user request it serves.
    user: usize,
    /// The attempt of the layer above this call answers, or the user request.
    parent: Parent,
    start: Nanos,
    attempts: u32,
    /// Attempts in flight that have not been abandoned.
    outstanding: u32,
    done: bool,
    backoff: BackoffState,
    /// What the last retry took from botocore's quota, and whether the last failure was a timeout.
    last_cost: u32,
    timed_out: bool,
    /// Holds one of Envoy's retry slots through backoff and attempt.
    retry_slot: bool,
}

#[derive(Clone, Copy)]
enum Parent {
    User(usize),
    Attempt(usize),
}
struct Attempt {
    call: u32,
    /// Its request to a server, if it reached one ([`NONE`] otherwise).
    request: u32,
    /// When it was sent.
    sent: Nanos,
    /// Answered, abandoned at its timeout, or superseded by a hedge's success.
    settled: bool,
}

/// No request, or no parent.
const NONE: u32 = u32::MAX;

/// Each layer's client: its budget's books and its requests in flight.
struct Client {
    quota: AwsQuota,
    throttle: GrpcThrottle,
    finagle: Option<FinagleBudget>,
    /// Finagle's backup requests: the client's latencies and budget.
    backup: Option<BackupFilter>,
    active: u64,
    active_retries: u64,
}
struct Dep {
    now: Dependency,
    busy: u32,
    queue: std::collections::VecDeque<usize>,
    requests: Vec<Request>,
}

/// A request at the dependency or a server.
struct Request {
    attempt: u32,
    /// A request to the dependency behind the servers: the server's request
    /// it is made for ([`NONE`] otherwise).
    parent: u32,
    /// A server's request that calls the dependency: the server's epoch,
    /// and its own service time, after the dependency answers.
    epoch: u32,
    service: Nanos,
    /// When service started, and when it passed the stages.
    started: Nanos,
    passed: Nanos,
    /// The server it was sent to.
    server: u16,
    fails: bool,
    /// Served by the queueing dependency (not a scripted one or a server).
    queued: bool,
    /// Whether the balancer has learnt how it ended (at the client's
    /// timeout, or its answer).
    told: bool,
}

/// The queueing dependency's stand-in where the chain ends elsewhere.
const UNSERVED: Dependency = Dependency { concurrency: 0, queue: 0, mean_ns: 0.0, failure: 0.0 };

impl Request {
    /// A request for attempt `a` that passed the stages at `t`, started at
    /// once, succeeding, answered by a dependency the balancer does not hear from.
    fn new(a: usize, t: Nanos) -> Request {
        Request {
            attempt: a as u32,
            parent: NONE,
            epoch: 0,
            service: 0,
            started: t,
            passed: t,
            server: 0,
            fails: false,
            queued: false,
            told: true,
        }
    }
}

/// Runs `trial` through `chain` with `policy` at every layer, in `bins` slices.
pub fn run(policy: &Policy, chain: &Chain, trial: &Trial, bins: usize) -> LaneRun {
    Sim::new(policy, chain, trial, bins).run()
}
struct Sim<'a> {
    policy: &'a Policy,
    chain: &'a Chain,
    trial: &'a Trial,
    /// Slices of the run for the times the lane asks about, mostly in order.
    binner: Binner,
    rng: Rng,
    /// Ordered by time, then by [`Sim::class`] and scheduling order,
    /// packed in one word (the class in the top byte).
    heap: BinaryHeap<Reverse<(Nanos, u64, Event)>>,
    seq: u64,
    calls: Vec<Call>,
    attempts: Vec<Attempt>,
    clients: Vec<Client>,
    dep: Dep,
    slices: Vec<Slice>,
    summary: Summary,
    ok: Vec<bool>,
    latency: Vec<Nanos>,
    /// Per slice, the latencies of user requests that succeeded.
    slice_latency: Vec<Vec<Nanos>>,
    limiter: Option<Limiter>,
    /// The dependency's breaker, or one per server.
    breakers: Vec<Breaker>,
    pool: Option<Pool>,
    /// Further work for the servers, once the trial's first draws are used.
    more_work: Option<Rng>,
    admissions: Vec<Admission>,
    permits: Vec<bool>,
}

impl<'a> Sim<'a> {
    fn new(policy: &'a Policy, chain: &'a Chain, trial: &'a Trial, bins: usize) -> Sim<'a> {
        let clients = (0..chain.layers)
            .map(|_| Client {
                quota: AwsQuota::new(),
                throttle: match policy.budget {
                    Budget::GrpcThrottle { max_tokens, token_ratio } => GrpcThrottle::new(max_tokens, token_ratio),
                    _ => GrpcThrottle::new(1.0, 1.0),
                },
                finagle: match policy.budget {
                    Budget::Finagle { ttl_s, min_per_sec, percent } => Some(FinagleBudget::new(ttl_s, min_per_sec, percent, 0)),
                    _ => None,
                },
                backup: policy.backup.map(BackupFilter::new),
                active: 0,
                active_retries: 0,
            })
            .collect();
        let n = trial.at.len();
        let (dependency, servers) = match &chain.target {
            Target::Queue { dependency, .. } => (*dependency, &[][..]),
            Target::Script(_) => (UNSERVED, &[][..]),
            Target::Servers { servers, backend, .. } => (backend.as_ref().map_or(UNSERVED, |b| b.dependency), &servers[..]),
        };
        // A breaker was checked with the scenario; an invalid one is no stage.
        // A randomized open wait draws from the run's seed: the circuit-breaker
        // widget's for the one breaker, a stream per server behind a balancer.
        let breaker = |seed: u64| chain.stages.breaker.as_ref().and_then(|b| Breaker::new(b, seed).ok());
        let breakers = match &chain.target {
            Target::Servers { .. } => {
                (0..servers.len() as u64).filter_map(|s| breaker(chain.seed ^ (s + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15))).collect()
            }
            _ => breaker(chain.seed).into_iter().collect(),
        };
        let (pool, more_work) = match (&chain.target, &trial.work) {
            (Target::Servers { .. }, Some(work)) => {
                let balancer = chain.stages.balancer.unwrap_or(Balancer::RoundRobin);
                let lane = lane_rng(work.lane_seed, chain.lane);
                (Some(Pool::new(&balancer, servers, lane, trial.span, bins, work.lane_seed)), Some(work.more.clone()))
            }
            _ => (None, None),
        };
        Sim {
            policy,
            chain,
            trial,
            binner: Binner::new(trial.span, bins),
            rng: match chain.target {
                Target::Script(_) => trial.draws.clone(),
                _ => Rng::new(chain.seed ^ 0x5851_f42d_4c95_7f2d),
            },
            heap: BinaryHeap::new(),
            seq: 0,
            // At least one call and one attempt per user request.
            calls: Vec::with_capacity(n),
            attempts: Vec::with_capacity(n),
            clients,
            dep: Dep { now: dependency, busy: 0, queue: Default::default(), requests: Vec::with_capacity(n) },
            slices: vec![Slice::default(); bins],
            summary: Summary { users: n as u32, ..Summary::default() },
            ok: vec![false; n],
            latency: vec![0; n],
            slice_latency: vec![Vec::new(); bins],
            // Checked with the scenario; an invalid one is no stage.
            limiter: chain.stages.limiter.as_ref().and_then(|l| Limiter::new(l).ok()),
            breakers,
            pool,
            more_work,
            admissions: Vec::new(),
            permits: Vec::new(),
        }
    }

    fn at(&mut self, t: Nanos, e: Event) {
        self.seq += 1;
        self.heap.push(Reverse((t, u64::from(Sim::class(e)) << 56 | self.seq, e)));
    }

    /// The order of events at one instant: answers, try timeouts, changes,
    /// (user arrivals,) then the rest.
    fn class(e: Event) -> u8 {
        match e {
            Event::Served(_) | Event::Finished(..) => 0,
            Event::TryTimeout(_) => 1,
            Event::Change(_) | Event::Backend(_) => 2,
            _ => 4,
        }
    }

    /// A user arrival's place among the events of one instant.
    const ARRIVAL: u8 = 3;

    fn bin(&mut self, t: Nanos) -> usize {
        self.binner.of(t)
    }

    /// The slice traffic at `t` is counted in: none after the run's end (a
    /// backlog's retries are in the totals, not in the last slice).
    fn slice(&mut self, t: Nanos) -> Option<&mut Slice> {
        let b = self.bin(t);
        (t < self.trial.span).then(|| &mut self.slices[b])
    }

    fn run(mut self) -> LaneRun {
        let changes: Vec<Nanos> = match &self.chain.target {
            Target::Queue { changes, .. } => changes.iter().map(|c| c.at).collect(),
            Target::Script(_) => Vec::new(),
            Target::Servers { changes, .. } => changes.iter().map(|c| c.at).collect(),
        };
        for (i, at) in changes.into_iter().enumerate() {
            self.at(at, Event::Change(i as u32));
        }
        if let Target::Servers { backend: Some(b), .. } = &self.chain.target {
            for (i, at) in b.changes.iter().map(|c| c.at).collect::<Vec<_>>().into_iter().enumerate() {
                self.at(at, Event::Backend(i as u32));
            }
        }
        // The user requests arrive in time order from the trial, not through
        // the heap (which then holds only what is in flight), in their place
        // among one instant's events.
        let mut next_user = 0;
        loop {
            let arrival = self.trial.at.get(next_user).copied();
            let user_first = match (arrival, self.heap.peek()) {
                (None, None) => break,
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (Some(a), Some(Reverse((t, order, _)))) => a < *t || (a == *t && (*order >> 56) as u8 > Sim::ARRIVAL),
            };
            let (t, e) = if user_first {
                next_user += 1;
                (arrival.unwrap_or_default(), Event::User(next_user as u32 - 1))
            } else {
                match self.heap.pop() {
                    Some(Reverse((t, _, e))) => (t, e),
                    None => break,
                }
            };
            match e {
                Event::User(i) => {
                    let i = i as usize;
                    let b = self.bin(t);
                    self.slices[b].users += 1;
                    let c = self.new_call(0, Parent::User(i), t);
                    if let Some(d) = self.chain.deadline {
                        self.at(t + d, Event::Deadline(c as u32));
                    }
                    self.send(c, t);
                }
                Event::Served(r) => self.served(r as usize, t),
                Event::Finished(r, epoch) => self.release(r as usize, epoch, true, t),
                Event::TryTimeout(a) => {
                    let a = a as usize;
                    let r = self.attempts[a].request;
                    if r != NONE {
                        // The balancer learns the client gave up.
                        self.tell(r as usize, Answer::TimedOut, t);
                    }
                    if !self.attempts[a].settled {
                        self.attempts[a].settled = true;
                        let c = self.attempts[a].call as usize;
                        // Finagle records a timeout's latency too.
                        if self.policy.backup.is_some() {
                            self.record_latency(a, t);
                        }
                        self.calls[c].outstanding -= 1;
                        self.clients[self.calls[c].layer as usize].active -= 1;
                        if !self.calls[c].done {
                            self.summary.abandoned += 1;
                            self.calls[c].timed_out = true;
                            self.failed(c, t);
                        }
                    }
                }
                Event::Retry(c) => {
                    let c = c as usize;
                    if !self.calls[c].done {
                        self.send(c, t);
                    }
                }
                Event::Hedge(c) => {
                    let c = c as usize;
                    let call = &self.calls[c];
                    if !call.done && call.outstanding > 0 && call.attempts < self.policy.max_attempts && self.hedge_allowed(c) {
                        self.summary.hedges += 1;
                        self.send(c, t);
                    }
                }
                Event::Backup(c) => {
                    let c = c as usize;
                    let call = &self.calls[c];
                    if !call.done && call.outstanding > 0 && call.attempts == 1 {
                        let layer = call.layer as usize;
                        let client = &mut self.clients[layer];
                        // The filter's own budget first, then the client's; a token
                        // taken from the first is lost if the second refuses.
                        let paid = client.backup.as_mut().is_some_and(|f| f.try_withdraw(t))
                            && client.finagle.as_mut().is_none_or(|f| f.try_withdraw(millis(t)));
                        if paid {
                            self.summary.hedges += 1;
                            self.send(c, t);
                        } else {
                            self.summary.denied += 1;
                        }
                    }
                }
                Event::Deadline(c) => {
                    let c = c as usize;
                    if !self.calls[c].done {
                        self.calls[c].done = true;
                        self.release_slot(c);
                        self.finish(c, false, t);
                    }
                }
                Event::Change(i) => self.change(i as usize, t),
                Event::Backend(i) => {
                    if let Target::Servers { backend: Some(b), .. } = &self.chain.target {
                        self.dep.now = b.changes[i as usize].to;
                        self.start_waiting(t);
                    }
                }
                Event::Pass(a) => self.pass(a as usize, t),
            }
        }
        let mut summary = self.summary;
        let mut all: Vec<Nanos> = (0..self.ok.len()).filter(|&i| self.ok[i]).map(|i| self.latency[i]).collect();
        crate::sim::kernel::sort::radix_sort_by_key(&mut all, |&l| l);
        summary.latency = Percentiles::of(&all);
        for (slice, lat) in self.slices.iter_mut().zip(&mut self.slice_latency) {
            crate::sim::kernel::sort::radix_sort_by_key(lat, |&l| l);
            slice.latency = Percentiles::of(lat);
        }
        let span = self.trial.span;
        let transitions = self
            .breakers
            .iter_mut()
            .map(|b| {
                b.state(span);
                b.transitions().iter().copied().take_while(|x| x.at <= span).collect()
            })
            .collect();
        let servers = self.pool.map_or(Vec::new(), |mut p| {
            p.close(span);
            p.slices
        });
        LaneRun {
            slices: self.slices,
            summary,
            ok: self.ok,
            latency: self.latency,
            admissions: self.admissions,
            permits: self.permits,
            transitions,
            servers,
        }
    }

    fn new_call(&mut self, layer: u32, parent: Parent, t: Nanos) -> usize {
        if let Some(f) = &mut self.clients[layer as usize].finagle {
            f.deposit(millis(t));
        }
        let user = match parent {
            Parent::User(i) => i,
            Parent::Attempt(a) => self.calls[self.attempts[a].call as usize].user,
        };
        self.calls.push(Call {
            layer,
            user,
            parent,
            start: t,
            attempts: 0,
            outstanding: 0,
            done: false,
            backoff: BackoffState::default(),
            last_cost: 0,
            timed_out: false,
            retry_slot: false,
        });
        self.calls.len() - 1
    }

    /// Sends call `c`'s next attempt at `t`; with hedging, the next copy
    /// goes out after the hedging delay unless the call has ended.
    fn send(&mut self, c: usize, t: Nanos) {
        let layer = self.calls[c].layer;
        self.calls[c].attempts += 1;
        self.calls[c].outstanding += 1;
        self.clients[layer as usize].active += 1;
        self.summary.attempts += 1;
        self.summary.by_layer[layer as usize] += 1;
        self.attempts.push(Attempt { call: c as u32, settled: false, request: NONE, sent: t });
        let a = self.attempts.len() - 1;
        if let Some(timeout) = self.chain.try_timeout {
            self.at(t + timeout, Event::TryTimeout(a as u32));
        }
        if let Some(delay) = self.policy.hedge_ns() {
            if self.calls[c].attempts < self.policy.max_attempts {
                self.at(t + delay, Event::Hedge(c as u32));
            }
        }
        if self.policy.backup.is_some() && self.calls[c].attempts == 1 {
            if let Some(delay) = self.clients[layer as usize].backup.as_mut().and_then(|f| f.start(t)) {
                self.at(t + delay, Event::Backup(c as u32));
            }
        }
        if layer + 1 < self.chain.layers {
            let child = self.new_call(layer + 1, Parent::Attempt(a), t);
            self.send(child, t);
        } else {
            self.limit(a, t);
        }
    }

    /// Attempt `a` of the last layer meets the rate limiter at `t`.
    fn limit(&mut self, a: usize, t: Nanos) {
        self.summary.sent += 1;
        if let Some(slice) = self.slice(t) {
            slice.sent += 1;
        }
        let Some(limiter) = self.limiter.as_mut() else {
            return self.pass(a, t);
        };
        let cost = self.trial.cost.get(self.calls[self.attempts[a].call as usize].user).copied().unwrap_or(1);
        let decision = limiter.decide(t, cost);
        self.admissions.push(decision);
        match decision {
            Admission::Allowed => self.pass(a, t),
            Admission::Delayed(wait) => {
                self.summary.delayed += 1;
                if let Some(slice) = self.slice(t) {
                    slice.delayed += 1;
                }
                self.at(t + wait, Event::Pass(a as u32));
            }
            Admission::Rejected | Admission::Never => {
                self.summary.limited += 1;
                if let Some(slice) = self.slice(t) {
                    slice.limited += 1;
                }
                self.answer(a, false, t);
            }
        }
    }

    /// Attempt `a` meets the circuit breaker at `t`, then the dependency;
    /// or the balancer, then its server's breaker, then the server.
    fn pass(&mut self, a: usize, t: Nanos) {
        if self.pool.is_some() {
            return self.balance(a, t);
        }
        // A scripted result is drawn for every call, let through or not, as
        // the circuit-breaker widget draws one for every arrival.
        let drawn = match &self.chain.target {
            Target::Script(s) => Some(s.draw(t, &mut self.rng)),
            _ => None,
        };
        if !self.permitted(0, t) {
            return self.answer(a, false, t);
        }
        self.arrive(a, t, drawn);
    }

    /// Whether breaker `b` (if there is one) lets a call through at `t`.
    fn permitted(&mut self, b: usize, t: Nanos) -> bool {
        let Some(breaker) = self.breakers.get_mut(b) else { return true };
        let permitted = breaker.try_acquire(t);
        self.permits.push(permitted);
        if !permitted {
            self.summary.failed_fast += 1;
            if let Some(slice) = self.slice(t) {
                slice.failed_fast += 1;
            }
        }
        permitted
    }

    /// Attempt `a` meets the balancer at `t`, then its server's breaker and the server.
    fn balance(&mut self, a: usize, t: Nanos) {
        let call = self.attempts[a].call;
        let Some(s) = self.pool.as_mut().and_then(|p| p.pick(t, call)) else {
            self.summary.no_server += 1;
            return self.answer(a, false, t);
        };
        let r = self.dep.requests.len();
        self.dep.requests.push(Request { server: s as u16, told: false, ..Request::new(a, t) });
        self.attempts[a].request = r as u32;
        if !self.permitted(s, t) {
            // To the balancer, an error answered at once.
            self.tell(r, Answer::Dropped, t);
            return self.answer(a, false, t);
        }
        // Without a dependency behind them, the servers are the chain's end.
        let end = !self.backend();
        self.summary.servers += 1;
        self.summary.dependency += u32::from(end);
        if let Some(slice) = self.slice(t) {
            slice.servers += 1;
            slice.dependency += u32::from(end);
        }
        let work = match self.trial.work.as_ref().and_then(|w| w.first.get(self.summary.servers as usize - 1)) {
            Some(&w) => w,
            None => match (&self.trial.work, self.more_work.as_mut()) {
                (Some(w), Some(rng)) => crate::sim::kernel::time::ms_to_ns(draw_work(&w.service, rng)),
                _ => 0,
            },
        };
        let admitted = match self.pool.as_mut() {
            Some(pool) => pool.admit(s, r as u32, work, t),
            None => return,
        };
        match admitted {
            Admit::Started(started) => self.begin(started, t),
            Admit::Queued => {}
            Admit::Dropped | Admit::Refused => {
                if admitted == Admit::Dropped {
                    self.summary.server_refused += 1;
                    self.summary.refused += u32::from(end);
                    if let Some(slice) = self.slice(t) {
                        slice.refused += u32::from(end);
                    }
                }
                self.server_answer(r, false, if admitted == Admit::Dropped { Answer::Dropped } else { Answer::Failed }, t);
            }
        }
    }

    /// The balancer learns at `t` how request `r` ended (once).
    fn tell(&mut self, r: usize, outcome: Answer, t: Nanos) {
        let req = &mut self.dep.requests[r];
        if req.told {
            return;
        }
        req.told = true;
        let (s, rtt) = (req.server as usize, t - req.passed);
        if let Some(pool) = self.pool.as_mut() {
            pool.answered(s, rtt, outcome, t);
        }
    }

    /// Server request `r` ends at `t`: its breaker records it, the balancer
    /// learns it, and its attempt is answered.
    fn server_answer(&mut self, r: usize, ok: bool, outcome: Answer, t: Nanos) {
        let Request { attempt, passed, server, .. } = self.dep.requests[r];
        let attempt = attempt as usize;
        if let Some(breaker) = self.breakers.get_mut(server as usize) {
            breaker.record(t, Draw { failed: !ok, latency: t - passed });
        }
        self.tell(r, outcome, t);
        self.answer(attempt, ok, t);
    }

    /// Whether the servers call a dependency behind them.
    fn backend(&self) -> bool {
        matches!(&self.chain.target, Target::Servers { backend: Some(_), .. })
    }

    /// A server starts a request at `t`: it calls the dependency behind
    /// the servers first, if there is one, and then does its own work.
    fn begin(&mut self, started: Started, t: Nanos) {
        let r = started.request as usize;
        self.dep.requests[r].started = t;
        if !self.backend() {
            return self.at(started.at, Event::Finished(r as u32, started.epoch));
        }
        self.dep.requests[r].service = started.at - t;
        self.dep.requests[r].epoch = started.epoch;
        let a = self.dep.requests[r].attempt as usize;
        self.arrive_from(a, Some(r), t, None);
    }

    /// Server request `r` ends at `t`, its slot free for the next waiting,
    /// unless its server stopped after starting it (its epoch then).
    fn release(&mut self, r: usize, epoch: u32, ok: bool, t: Nanos) {
        let s = self.dep.requests[r].server as usize;
        let started = Started { request: r as u32, at: t, epoch };
        let Some(next) = self.pool.as_mut().and_then(|p| p.finish(s, started, t)) else { return };
        // An error from the dependency is a 5xx from the server.
        self.server_answer(r, ok, if ok { Answer::Ok } else { Answer::Dropped }, t);
        if let Some(next) = next {
            self.begin(next, t);
        }
    }

    /// Change `i` to the dependency or a server, at `t`.
    fn change(&mut self, i: usize, t: Nanos) {
        match &self.chain.target {
            Target::Queue { changes, .. } => {
                self.dep.now = changes[i].to;
                self.start_waiting(t);
            }
            Target::Script(_) => {}
            Target::Servers { changes, .. } => {
                let c = changes[i];
                let failed = match self.pool.as_mut() {
                    Some(pool) if c.server < pool.len() => pool.change(c.server, c.change, t),
                    _ => Vec::new(),
                };
                for r in failed {
                    self.server_answer(r as usize, false, Answer::Failed, t);
                }
            }
        }
    }

    /// Attempt `a` reaches the dependency at `t`, with its scripted result if any.
    fn arrive(&mut self, a: usize, t: Nanos, drawn: Option<Draw>) {
        self.arrive_from(a, None, t, drawn);
    }

    /// A request reaches the dependency at `t` for attempt `a`, or for a
    /// server's request `parent`.
    fn arrive_from(&mut self, a: usize, parent: Option<usize>, t: Nanos, drawn: Option<Draw>) {
        self.summary.dependency += 1;
        if let Some(slice) = self.slice(t) {
            slice.dependency += 1;
        }
        if let Some(d) = drawn {
            self.dep.requests.push(Request { fails: d.failed, ..Request::new(a, t) });
            let r = self.dep.requests.len() - 1;
            return self.at(t + d.latency, Event::Served(r as u32));
        }
        let fails = self.rng.unit_open_closed() <= self.dep.now.failure && self.dep.now.failure > 0.0;
        self.dep.requests.push(Request {
            parent: parent.map_or(NONE, |p| p as u32),
            started: 0,
            fails,
            queued: true,
            ..Request::new(a, t)
        });
        let r = self.dep.requests.len() - 1;
        if self.dep.busy < self.dep.now.concurrency {
            self.start(r, t);
        } else if (self.dep.queue.len() as u32) < self.dep.now.queue {
            self.dep.queue.push_back(r);
        } else {
            self.summary.refused += 1;
            if let Some(slice) = self.slice(t) {
                slice.refused += 1;
            }
            self.dependency_answered(r, false, t);
        }
    }

    /// The dependency answers request `r` at `t`: the breaker in front of
    /// it learns, and its attempt is answered; or the server that called it
    /// goes on.
    fn dependency_answered(&mut self, r: usize, ok: bool, t: Nanos) {
        match self.dep.requests[r].parent {
            NONE => {
                self.record(r, ok, t);
                self.answer(self.dep.requests[r].attempt as usize, ok, t);
            }
            sr => {
                let sr = sr as usize;
                let Request { service, epoch, .. } = self.dep.requests[sr];
                if ok {
                    // The server's own work, then its answer.
                    self.at(t.saturating_add(service), Event::Finished(sr as u32, epoch));
                } else {
                    // An error from the dependency: the server answers 5xx at once.
                    self.release(sr, epoch, false, t);
                }
            }
        }
    }

    /// The breaker learns how request `r`, which it let through, ended at `t`.
    fn record(&mut self, r: usize, ok: bool, t: Nanos) {
        if let Some(breaker) = self.breakers.first_mut() {
            let latency = t - self.dep.requests[r].passed;
            breaker.record(t, Draw { failed: !ok, latency });
        }
    }

    fn start(&mut self, r: usize, t: Nanos) {
        self.dep.busy += 1;
        self.dep.requests[r].started = t;
        let service = self.rng.exponential(self.dep.now.mean_ns).max(1.0) as Nanos;
        self.at(t + service, Event::Served(r as u32));
    }

    /// Starts waiting requests while slots are free (after a completion or a change).
    fn start_waiting(&mut self, t: Nanos) {
        while self.dep.busy < self.dep.now.concurrency {
            let Some(r) = self.dep.queue.pop_front() else { break };
            self.start(r, t);
        }
    }

    fn served(&mut self, r: usize, t: Nanos) {
        let Request { started, fails, queued, .. } = self.dep.requests[r];
        if !queued {
            return self.dependency_answered(r, !fails, t);
        }
        self.dep.busy -= 1;
        let slices = &mut self.slices;
        self.binner.spread(started, t, |b, ns| slices[b].busy_ns += ns);
        self.start_waiting(t);
        self.dependency_answered(r, !fails, t);
    }

    /// Attempt `a` is answered at `t` (ignored if its caller already gave up on it).
    fn answer(&mut self, a: usize, ok: bool, t: Nanos) {
        if self.attempts[a].settled {
            return;
        }
        self.attempts[a].settled = true;
        if ok && self.policy.backup.is_some() {
            self.record_latency(a, t);
        }
        let c = self.attempts[a].call as usize;
        self.calls[c].outstanding -= 1;
        self.clients[self.calls[c].layer as usize].active -= 1;
        if self.calls[c].done {
            return;
        }
        if ok {
            self.succeed(c, t);
        } else {
            self.calls[c].timed_out = false;
            self.failed(c, t);
        }
    }

    /// A backup-request client records attempt `a`'s latency, ended at `t`.
    fn record_latency(&mut self, a: usize, t: Nanos) {
        let Attempt { call, sent, .. } = self.attempts[a];
        let call = call as usize;
        if let Some(f) = self.clients[self.calls[call].layer as usize].backup.as_mut() {
            f.record(sent, t);
        }
    }

    fn succeed(&mut self, c: usize, t: Nanos) {
        let layer = self.calls[c].layer as usize;
        self.calls[c].done = true;
        self.release_slot(c);
        match self.policy.budget {
            Budget::AwsQuota => {
                let back = if self.calls[c].attempts == 1 { AwsQuota::NO_RETRY_INCREMENT } else { self.calls[c].last_cost };
                self.clients[layer].quota.release(back);
            }
            Budget::GrpcThrottle { .. } => self.clients[layer].throttle.succeeded(),
            _ => {}
        }
        // Hedged copies still in flight answer a call that has ended.
        self.finish(c, true, t);
    }

    fn release_slot(&mut self, c: usize) {
        if self.calls[c].retry_slot {
            self.calls[c].retry_slot = false;
            let layer = self.calls[c].layer as usize;
            self.clients[layer].active_retries -= 1;
        }
    }

    /// An attempt of call `c` failed (or timed out) at `t`: retry, wait for
    /// a hedge still in flight, or give up.
    fn failed(&mut self, c: usize, t: Nanos) {
        if self.calls[c].done || self.calls[c].outstanding > 0 {
            return;
        }
        self.release_slot(c);
        if self.policy.backup.is_some() {
            // Every copy failed, or the call failed before its backup was due.
            self.calls[c].done = true;
            self.finish(c, false, t);
            return;
        }
        let layer = self.calls[c].layer as usize;
        let attempts = self.calls[c].attempts;
        let allowed = match self.policy.budget {
            // grpc-go takes a token before it checks the attempt count.
            Budget::GrpcThrottle { .. } => !self.clients[layer].throttle.throttle() && attempts < self.policy.max_attempts,
            _ if attempts >= self.policy.max_attempts => false,
            Budget::None => true,
            Budget::AwsQuota => {
                let cost = if self.calls[c].timed_out { AwsQuota::TIMEOUT_RETRY_COST } else { AwsQuota::RETRY_COST };
                let ok = self.clients[layer].quota.acquire(cost);
                if ok {
                    self.calls[c].last_cost = cost;
                }
                ok
            }
            Budget::Envoy { percent, min_concurrency } => {
                let client = &mut self.clients[layer];
                let ok = client.active_retries < envoy_max_retries(percent, min_concurrency, client.active);
                if ok {
                    client.active_retries += 1;
                    self.calls[c].retry_slot = true;
                }
                ok
            }
            Budget::Finagle { .. } => self.clients[layer].finagle.as_mut().is_some_and(|f| f.try_withdraw(millis(t))),
        };
        if !allowed {
            if attempts < self.policy.max_attempts {
                self.summary.denied += 1;
            }
            self.calls[c].done = true;
            self.finish(c, false, t);
            return;
        }
        if self.policy.hedge_ns().is_some() {
            // gRPC hedging: a failed copy with none left in flight sends the next at once.
            self.summary.hedges += 1;
            self.send(c, t);
            return;
        }
        self.summary.retries += 1;
        let raw = self.rng.next_u64();
        let wait = self.policy.backoff.next(&mut self.calls[c].backoff, raw);
        self.at(t + wait, Event::Retry(c as u32));
    }

    fn hedge_allowed(&mut self, c: usize) -> bool {
        let layer = self.calls[c].layer as usize;
        match self.policy.budget {
            Budget::GrpcThrottle { max_tokens, .. } => self.clients[layer].throttle.tokens > max_tokens / 2.0,
            _ => true,
        }
    }

    /// Call `c` ends: its parent attempt is answered, or the user's request is.
    fn finish(&mut self, c: usize, ok: bool, t: Nanos) {
        match self.calls[c].parent {
            Parent::Attempt(a) => self.answer(a, ok, t),
            Parent::User(i) => {
                self.ok[i] = ok;
                let latency = t - self.calls[c].start;
                self.latency[i] = latency;
                if ok {
                    self.summary.ok += 1;
                    let b = self.bin(self.calls[c].start);
                    self.slices[b].ok += 1;
                    self.slice_latency[b].push(latency);
                }
            }
        }
    }
}
