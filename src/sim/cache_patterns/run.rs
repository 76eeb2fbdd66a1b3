//! One lane's run: the trial's reads and writes through a strategy's cache
//! to a database that queues, as a discrete-event simulation in integer
//! nanoseconds (the model is described in [`super`]).
//!
//! Each request's answer is timed and checked: a read is **stale** when it
//! returns an older version of its key than the newest write acknowledged
//! to any client before the read arrived. A cache-aside reader that missed
//! before a write and sets its key after the writer's delete leaves such a
//! version cached until it expires (the race Facebook's memcache leases
//! close); write-behind loses acknowledged writes when the node dies.

use super::scenario::{CachePatternsScenario, Service};
use super::{Lane, Strategy};
use crate::scenario::json::{Obj, ToJson};
use crate::sim::caching::exact::{Exact, Order};
use crate::sim::caching::workload::Workload;
use crate::sim::kernel::rng::{ln, Rng};
use crate::sim::kernel::slices::percentile;
use crate::sim::kernel::sort::radix_sort_by_key;
use crate::sim::kernel::time::{ms_to_ns, Nanos, MS, SEC};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Slices a run is binned into for drawing.
pub const BINS: usize = 100;
/// No job, no request: the end of a list.
const NIL: u32 = u32::MAX;

/// The requests every lane serves: when each arrives, its key, whether it
/// writes, and the seed each lane's own draws (service times, TTL jitter,
/// XFetch) start from.
#[derive(Clone, Debug, PartialEq)]
pub struct Trial {
    pub at: Vec<Nanos>,
    pub keys: Vec<u32>,
    pub writes: Vec<bool>,
    pub universe: usize,
    /// The run's length: `requests / rate` seconds; every arrival falls in it.
    pub span: Nanos,
    pub lane_seed: u64,
}

impl Trial {
    /// Draws the keys from `workload`, then the arrivals: a Poisson process
    /// at the workload's rate given that its `requests` arrivals fall in the
    /// span (the normalised partial sums of `requests + 1` exponential gaps),
    /// then whether each writes (with probability `writes`).
    pub fn draw(workload: &Workload, writes: f64, seed: u64) -> Trial {
        let mut rng = Rng::new(seed);
        let keys = workload.draw(&mut rng);
        let n = keys.len();
        let span = (n as u64 * SEC / u64::from(workload.rate.max(1))).max(1);
        let gaps: Vec<f64> = (0..=n).map(|_| rng.exponential(1.0)).collect();
        let total: f64 = gaps.iter().sum();
        let mut sum = 0.0;
        let at = gaps[..n]
            .iter()
            .map(|g| {
                sum += g;
                ((sum / total * span as f64) as Nanos).min(span - 1)
            })
            .collect();
        let writes = (0..n).map(|_| rng.unit_open_closed() <= writes).collect();
        let universe = workload.universe() as usize;
        Trial { at, keys, writes, universe, span, lane_seed: rng.next_u64() }
    }

    /// The slice time `t` falls in.
    pub fn bin(&self, t: Nanos) -> usize {
        ((u128::from(t) * BINS as u128 / u128::from(self.span)) as usize).min(BINS - 1)
    }
}

/// A lane's totals. Latencies are in nanoseconds, percentiles by nearest rank.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Summary {
    pub reads: u32,
    pub writes: u32,
    /// Reads the cache answered alone.
    pub hits: u32,
    pub hit_ratio: f64,
    /// Reads that waited for another reader's load of their key.
    pub coalesced: u32,
    /// Reads that refreshed their key early (XFetch).
    pub early_refreshes: u32,
    pub db_reads: u32,
    pub db_writes: u32,
    /// The most queries in the database at once (running and waiting).
    pub db_peak: u32,
    pub stale_reads: u32,
    /// Acknowledged writes that never reached the database (write-behind's
    /// unflushed writes when the node died).
    pub lost_writes: u32,
    pub read_p50_ns: Nanos,
    pub read_p95_ns: Nanos,
    pub read_p99_ns: Nanos,
    pub read_p999_ns: Nanos,
    pub write_p50_ns: Nanos,
    pub write_p99_ns: Nanos,
}

/// One slice of a run: its reads (by arrival) and their hits, stale
/// answers and 99th-percentile latency; the queries sent to the database
/// in it and the most it held at once.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Bin {
    pub reads: u32,
    pub hits: u32,
    pub stale: u32,
    pub read_p99_ns: Nanos,
    pub db_reads: u32,
    pub db_writes: u32,
    pub db_peak: u32,
}

impl ToJson for Summary {
    fn write(&self, out: &mut String) {
        Obj::new(out)
            .field("reads", &self.reads)
            .field("writes", &self.writes)
            .field("hits", &self.hits)
            .field("hit_ratio", &self.hit_ratio)
            .field("coalesced", &self.coalesced)
            .field("early_refreshes", &self.early_refreshes)
            .field("db_reads", &self.db_reads)
            .field("db_writes", &self.db_writes)
            .field("db_peak", &self.db_peak)
            .field("stale_reads", &self.stale_reads)
            .field("lost_writes", &self.lost_writes)
            .field("read_p50_ns", &self.read_p50_ns)
            .field("read_p95_ns", &self.read_p95_ns)
            .field("read_p99_ns", &self.read_p99_ns)
            .field("read_p999_ns", &self.read_p999_ns)
            .field("write_p50_ns", &self.write_p50_ns)
            .field("write_p99_ns", &self.write_p99_ns)
            .end();
    }
}

impl ToJson for Bin {
    fn write(&self, out: &mut String) {
        Obj::new(out)
            .field("reads", &self.reads)
            .field("hits", &self.hits)
            .field("stale", &self.stale)
            .field("read_p99_ns", &self.read_p99_ns)
            .field("db_reads", &self.db_reads)
            .field("db_writes", &self.db_writes)
            .field("db_peak", &self.db_peak)
            .end();
    }
}

/// How a request was answered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Answer {
    /// From the cache alone.
    #[default]
    Hit,
    /// By its own database read.
    Miss,
    /// By another reader's database read of its key.
    Coalesced,
    /// By its own database read, started early by XFetch.
    Early,
    /// A write, acknowledged.
    Write,
}

impl Answer {
    /// The answer's name in the CSV trace.
    pub fn name(self) -> &'static str {
        match self {
            Answer::Hit => "hit",
            Answer::Miss => "miss",
            Answer::Coalesced => "coalesced",
            Answer::Early => "early",
            Answer::Write => "write",
        }
    }
}

/// One request's outcome: how it was answered, its latency, and for a read
/// the version it returned and whether that was stale.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    pub answer: Answer,
    pub latency_ns: Nanos,
    /// The version read, or the one written (0: the value before any write).
    pub version: u32,
    pub stale: bool,
}

/// A lane's run.
#[derive(Clone, Debug, PartialEq)]
pub struct LaneRun {
    pub lane: Lane,
    pub summary: Summary,
    pub bins: Vec<Bin>,
    /// Every request's outcome, in arrival order (not reported in JSON).
    pub outcomes: Vec<Outcome>,
}

/// The lane, its totals and its slices (not its outcomes).
impl ToJson for LaneRun {
    fn write(&self, out: &mut String) {
        Obj::new(out).field("lane", &self.lane).field("summary", &self.summary).field("bins", &self.bins).end();
    }
}

/// What a database query is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Query {
    /// A read for its waiting readers; the result is set in the cache.
    Read,
    /// A client's write (cache-aside, read-through) or the cache's (write-through),
    /// acknowledged to request `by` at commit.
    Write { by: u32 },
    /// Write-behind's write of a key the cache already acknowledged.
    Flush,
}

#[derive(Clone, Copy, Debug)]
struct Job {
    key: u32,
    query: Query,
    sent: Nanos,
    /// A read's snapshot (taken when it starts), or the version a write commits.
    version: u32,
    /// A read's first waiting request (then `next_waiter`).
    first: u32,
    /// A read whose result must not be cached: its key was written while it ran.
    discard: bool,
    /// A read its sender sent early (XFetch).
    early: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum What {
    Start(u32),
    Done(u32),
    Flush,
    Crash,
}

/// A cached key's value and when it expires.
#[derive(Clone, Copy, Debug, Default)]
struct Entry {
    version: u32,
    expires: Nanos,
}

/// One lane's state as it runs.
struct Sim<'a> {
    lane: &'a Lane,
    trial: &'a Trial,
    capacity: usize,
    cache_ns: Nanos,
    ttl_ns: Nanos,
    read_ms: f64,
    write_ms: f64,
    service: Service,
    lru: Exact,
    entry: Vec<Entry>,
    /// Each key's last load time, XFetch's Δ (kept across evictions).
    delta: Vec<Nanos>,
    dirty: Vec<bool>,
    /// Writes acknowledged since the key's last flush (write-behind).
    pending: Vec<u32>,
    dirty_keys: Vec<u32>,
    committed: Vec<u32>,
    /// When the last write sent for each row commits (its lock is free).
    row_free: Vec<Nanos>,
    /// Write-behind's staging area: the newest version of each key written
    /// to the cache and not yet committed (0: none), which a load reads
    /// instead of the database.
    staged: Vec<u32>,
    /// Whether a flush is scheduled (write-behind).
    flushing: bool,
    acked: Vec<u32>,
    /// The read in flight for each key that later readers join, or NIL.
    loading: Vec<u32>,
    jobs: Vec<Job>,
    next_waiter: Vec<u32>,
    /// The newest version acknowledged for each request's key when it arrived.
    need: Vec<u32>,
    outcomes: Vec<Outcome>,
    bins: Vec<Bin>,
    free: BinaryHeap<Reverse<Nanos>>,
    in_db: u32,
    events: BinaryHeap<Reverse<(Nanos, u64, What)>>,
    seq: u64,
    summary: Summary,
    db_rng: Rng,
    ttl_rng: Rng,
    xfetch_rng: Rng,
}

/// Runs `trial` through `lane` with the scenario's cache and database.
pub fn run_lane(s: &CachePatternsScenario, lane: &Lane, trial: &Trial) -> LaneRun {
    let n = trial.keys.len();
    let u = trial.universe;
    let mut seeds = Rng::new(trial.lane_seed);
    let mut sim = Sim {
        lane,
        trial,
        capacity: s.cache.capacity as usize,
        cache_ns: ms_to_ns(s.cache.latency_ms),
        ttl_ns: lane.ttl_ms * MS,
        read_ms: s.database.read_ms,
        write_ms: s.database.write_ms,
        service: s.database.service,
        lru: Exact::new(Order::Lru, s.cache.capacity as usize, u),
        entry: vec![Entry::default(); u],
        delta: vec![0; u],
        dirty: vec![false; u],
        pending: vec![0; u],
        dirty_keys: Vec::new(),
        committed: vec![0; u],
        row_free: vec![0; u],
        staged: vec![0; u],
        flushing: false,
        acked: vec![0; u],
        loading: vec![NIL; u],
        jobs: Vec::new(),
        next_waiter: vec![NIL; n],
        need: vec![0; n],
        outcomes: vec![Outcome::default(); n],
        bins: vec![Bin::default(); BINS],
        free: (0..s.database.connections).map(|_| Reverse(0)).collect(),
        in_db: 0,
        events: BinaryHeap::new(),
        seq: 0,
        summary: Summary::default(),
        db_rng: Rng::new(seeds.next_u64()),
        ttl_rng: Rng::new(seeds.next_u64()),
        xfetch_rng: Rng::new(seeds.next_u64()),
    };
    if s.warm {
        sim.warm(s.cache.capacity.min(u as u32), ms_to_ns(s.database.read_ms));
    }
    if let Some(ms) = s.crash_ms {
        sim.schedule(ms.saturating_mul(MS), What::Crash);
    }
    for i in 0..n {
        let t = trial.at[i];
        sim.until(t);
        if trial.writes[i] {
            sim.write(i as u32, t);
        } else {
            sim.read(i as u32, t);
        }
    }
    sim.until(Nanos::MAX);
    sim.finish()
}

impl Sim<'_> {
    fn schedule(&mut self, at: Nanos, what: What) {
        self.seq += 1;
        self.events.push(Reverse((at, self.seq, what)));
    }

    /// Handles every event due at or before `t`.
    fn until(&mut self, t: Nanos) {
        while let Some(&Reverse((at, _, what))) = self.events.peek() {
            if at > t {
                break;
            }
            self.events.pop();
            match what {
                What::Start(j) => {
                    let job = &mut self.jobs[j as usize];
                    if job.query == Query::Read {
                        job.version = self.committed[job.key as usize];
                    }
                }
                What::Done(j) => self.done(j, at),
                What::Flush => self.flush(at),
                What::Crash => self.crash(),
            }
        }
    }

    /// Sends a query to the database at `now`: it waits for a free
    /// connection, then runs for an exponential time with the mean.
    fn send(&mut self, now: Nanos, key: u32, query: Query, version: u32) -> u32 {
        let mean = if query == Query::Read { self.read_ms } else { self.write_ms };
        let Reverse(free) = self.free.pop().unwrap_or(Reverse(now));
        let mut start = free.max(now);
        if query != Query::Read {
            // A write holds its connection while it waits for the row's lock,
            // which the write before it to the same row releases at commit.
            start = start.max(self.row_free[key as usize]);
        }
        let ms = match self.service {
            Service::Exponential => self.db_rng.exponential(mean),
            Service::Fixed => mean,
        };
        let done = start + ms_to_ns(ms).max(1);
        if query != Query::Read {
            self.row_free[key as usize] = done;
        }
        self.free.push(Reverse(done));
        let j = self.jobs.len() as u32;
        self.jobs.push(Job { key, query, sent: now, version, first: NIL, discard: false, early: false });
        self.schedule(start, What::Start(j));
        self.schedule(done, What::Done(j));
        self.in_db += 1;
        let b = &mut self.bins[self.trial.bin(now)];
        if query == Query::Read {
            b.db_reads += 1;
            self.summary.db_reads += 1;
        } else {
            b.db_writes += 1;
            self.summary.db_writes += 1;
        }
        b.db_peak = b.db_peak.max(self.in_db);
        self.summary.db_peak = self.summary.db_peak.max(self.in_db);
        j
    }

    /// Fills the cache with keys `0..count`, key 0 the most recently used,
    /// each with a uniform share of its TTL left and its last load taking
    /// the database's mean read time.
    fn warm(&mut self, count: u32, read_ns: Nanos) {
        for key in (0..count).rev() {
            self.lru.access(key);
            let expires = match self.ttl_ns {
                0 => Nanos::MAX,
                ttl => 1 + self.ttl_rng.next_u64() % ttl,
            };
            self.entry[key as usize] = Entry { version: 0, expires };
            self.delta[key as usize] = read_ns;
        }
    }

    /// A key's TTL, jittered.
    fn expiry(&mut self, now: Nanos) -> Nanos {
        if self.ttl_ns == 0 {
            return Nanos::MAX;
        }
        let mut ttl = self.ttl_ns as f64;
        if self.lane.jitter > 0.0 {
            ttl *= 1.0 + self.lane.jitter * (2.0 * self.ttl_rng.unit_open_closed() - 1.0);
        }
        now + (ttl as Nanos).max(1)
    }

    /// Puts `key` at `version` in the cache, evicting the least recently used
    /// key if it is full (write-behind first writes an evicted changed key).
    fn set(&mut self, key: u32, version: u32, now: Nanos) {
        if !self.lru.contains(key) {
            if let (_, Some(victim)) = self.lru.access(key) {
                if self.dirty[victim as usize] {
                    self.dirty[victim as usize] = false;
                    self.pending[victim as usize] = 0;
                    let v = self.entry[victim as usize].version;
                    self.send(now, victim, Query::Flush, v);
                }
            }
        } else {
            self.lru.access(key);
        }
        let expires = self.expiry(now);
        self.entry[key as usize] = Entry { version, expires };
    }

    /// A read arriving at `now`.
    fn read(&mut self, r: u32, now: Nanos) {
        let key = self.trial.keys[r as usize];
        let k = key as usize;
        self.need[r as usize] = self.acked[k];
        self.summary.reads += 1;
        let b = &mut self.bins[self.trial.bin(now)];
        b.reads += 1;
        b.db_peak = b.db_peak.max(self.in_db);
        let coalesce = self.lane.strategy.loads() || self.lane.single_flight;
        let mut early = false;
        if self.lru.contains(key) {
            let e = self.entry[k];
            if self.dirty[k] || now < e.expires {
                // XFetch: refresh early when now − Δ·β·ln(u) ≥ expiry.
                let (beta, delta) = (self.lane.xfetch, self.delta[k]);
                early = beta > 0.0
                    && e.expires != Nanos::MAX
                    && !self.dirty[k]
                    && now as f64 - delta as f64 * beta * ln(self.xfetch_rng.unit_open_closed()) >= e.expires as f64;
                // A refresh already under way: the cached value will do.
                if !early || (coalesce && self.loading[k] != NIL) {
                    self.lru.access(key);
                    self.answer(r, now, Answer::Hit, e.version);
                    return;
                }
            } else {
                // Expired: removed when read, as Redis and Memcached expire lazily.
                self.lru.remove(key);
            }
        }
        // Write-behind loads a key whose write is still on its way to the
        // database from its staging area, as Hazelcast's write-behind store does.
        if self.staged[k] != 0 {
            let v = self.staged[k];
            self.set(key, v, now);
            self.answer(r, now, Answer::Hit, v);
            return;
        }
        let j = match self.loading[k] {
            j if coalesce && j != NIL => {
                self.summary.coalesced += 1;
                j
            }
            _ => {
                if early {
                    self.summary.early_refreshes += 1;
                }
                let j = self.send(now, key, Query::Read, 0);
                self.jobs[j as usize].early = early;
                self.loading[k] = j;
                j
            }
        };
        let job = &mut self.jobs[j as usize];
        self.next_waiter[r as usize] = job.first;
        job.first = r;
    }

    /// Records request `r`'s answer at `now`.
    fn answer(&mut self, r: u32, now: Nanos, answer: Answer, version: u32) {
        let arrived = self.trial.at[r as usize];
        let stale = answer != Answer::Write && version < self.need[r as usize];
        // One round trip to the cache; a cache-aside reader who missed makes
        // a second, to set the key it read.
        let trips = match answer {
            Answer::Miss | Answer::Coalesced | Answer::Early if !self.lane.strategy.loads() => 2,
            _ => 1,
        };
        let latency_ns = now - arrived + trips * self.cache_ns;
        self.outcomes[r as usize] = Outcome { answer, latency_ns, version, stale };
        let b = &mut self.bins[self.trial.bin(arrived)];
        b.hits += u32::from(answer == Answer::Hit);
        b.stale += u32::from(stale);
        self.summary.hits += u32::from(answer == Answer::Hit);
        self.summary.stale_reads += u32::from(stale);
    }

    /// A write arriving at `now`; its version is its request number plus one.
    fn write(&mut self, r: u32, now: Nanos) {
        let key = self.trial.keys[r as usize];
        let k = key as usize;
        let version = r + 1;
        self.summary.writes += 1;
        let b = &mut self.bins[self.trial.bin(now)];
        b.db_peak = b.db_peak.max(self.in_db);
        if self.lane.strategy == Strategy::WriteBehind {
            self.discard_load(key);
            self.set(key, version, now);
            if !self.dirty[k] {
                self.dirty[k] = true;
                self.dirty_keys.push(key);
            }
            self.staged[k] = version;
            if !self.flushing {
                let every = self.lane.flush_ms * MS;
                self.flushing = true;
                self.schedule((now / every + 1) * every, What::Flush);
            }
            self.pending[k] += 1;
            self.acked[k] = self.acked[k].max(version);
            self.answer(r, now, Answer::Write, version);
        } else {
            self.send(now, key, Query::Write { by: r }, version);
        }
    }

    /// A read in flight for `key` keeps its result out of the cache: a
    /// cache that loads sees the write (Caffeine's invalidation waits for the
    /// load, then removes what it loaded).
    fn discard_load(&mut self, key: u32) {
        let j = self.loading[key as usize];
        if self.lane.strategy.loads() && j != NIL {
            self.jobs[j as usize].discard = true;
            // Readers from now on start a load of their own.
            self.loading[key as usize] = NIL;
        }
    }

    /// A query finishing at `now`.
    fn done(&mut self, j: u32, now: Nanos) {
        self.in_db -= 1;
        let job = self.jobs[j as usize];
        let k = job.key as usize;
        match job.query {
            Query::Read => {
                if self.loading[k] == j {
                    self.loading[k] = NIL;
                }
                // A cache that loads keeps a newer value a write put in; a
                // cache-aside client's SET overwrites whatever is there.
                let keeps_newer =
                    self.lane.strategy.loads() && self.lru.contains(job.key) && self.entry[k].version > job.version;
                if !(job.discard || keeps_newer) {
                    self.set(job.key, job.version, now);
                }
                self.delta[k] = now - job.sent;
                let mut r = job.first;
                while r != NIL {
                    // The list runs newest first: the last is the reader who sent it.
                    let next = self.next_waiter[r as usize];
                    let answer = match (next, job.early) {
                        (NIL, true) => Answer::Early,
                        (NIL, false) => Answer::Miss,
                        _ => Answer::Coalesced,
                    };
                    self.answer(r, now, answer, job.version);
                    r = next;
                }
            }
            Query::Write { by } => {
                self.committed[k] = self.committed[k].max(job.version);
                self.acked[k] = self.acked[k].max(job.version);
                match self.lane.strategy {
                    Strategy::WriteThrough => {
                        // The row's value now: an earlier write committing
                        // late does not roll the cache back.
                        self.discard_load(job.key);
                        self.set(job.key, self.committed[k], now);
                    }
                    _ => {
                        self.discard_load(job.key);
                        self.lru.remove(job.key);
                    }
                }
                self.answer(by, now, Answer::Write, job.version);
            }
            Query::Flush => {
                self.committed[k] = self.committed[k].max(job.version);
                if self.staged[k] <= job.version {
                    self.staged[k] = 0;
                }
            }
        }
    }

    /// Write-behind's flush at `now`: each changed key written once. Flushes
    /// fall on multiples of the interval while any key is waiting for one.
    fn flush(&mut self, now: Nanos) {
        self.flushing = false;
        for key in std::mem::take(&mut self.dirty_keys) {
            let k = key as usize;
            if self.dirty[k] {
                self.dirty[k] = false;
                self.pending[k] = 0;
                let v = self.entry[k].version;
                self.send(now, key, Query::Flush, v);
            }
        }
    }

    /// The cache node dies and comes back empty: what it had not sent to
    /// the database is lost (every write acknowledged since its key's last
    /// flush, including those a later write to the key would have
    /// coalesced). Queries already sent still finish, and loads still
    /// answer their readers and fill the new node.
    fn crash(&mut self) {
        self.staged.iter_mut().for_each(|v| *v = 0);
        for key in std::mem::take(&mut self.dirty_keys) {
            let k = key as usize;
            if self.dirty[k] {
                self.dirty[k] = false;
                self.summary.lost_writes += self.pending[k];
                self.pending[k] = 0;
            }
        }
        self.lru = Exact::new(Order::Lru, self.capacity, self.trial.universe);
    }

    fn finish(mut self) -> LaneRun {
        let s = &mut self.summary;
        s.hit_ratio = if s.reads == 0 { 0.0 } else { f64::from(s.hits) / f64::from(s.reads) };
        // Read latencies by slice, then overall; write latencies.
        let mut reads: Vec<(u32, Nanos)> = Vec::with_capacity(s.reads as usize);
        let mut writes: Vec<Nanos> = Vec::with_capacity(s.writes as usize);
        for (i, o) in self.outcomes.iter().enumerate() {
            if o.answer == Answer::Write {
                writes.push(o.latency_ns);
            } else {
                reads.push((self.trial.bin(self.trial.at[i]) as u32, o.latency_ns));
            }
        }
        radix_sort_by_key(&mut reads, |&(_, l)| l);
        let overall: Vec<Nanos> = reads.iter().map(|&(_, l)| l).collect();
        radix_sort_by_key(&mut reads, |&(b, _)| u64::from(b));
        let mut at = 0;
        for (b, bin) in self.bins.iter_mut().enumerate() {
            let end = at + reads[at..].iter().take_while(|&&(rb, _)| rb as usize == b).count();
            let slice: Vec<Nanos> = reads[at..end].iter().map(|&(_, l)| l).collect();
            bin.read_p99_ns = percentile(&slice, 990);
            at = end;
        }
        s.read_p50_ns = percentile(&overall, 500);
        s.read_p95_ns = percentile(&overall, 950);
        s.read_p99_ns = percentile(&overall, 990);
        s.read_p999_ns = percentile(&overall, 999);
        radix_sort_by_key(&mut writes, |&l| l);
        s.write_p50_ns = percentile(&writes, 500);
        s.write_p99_ns = percentile(&writes, 990);
        LaneRun { lane: self.lane.clone(), summary: self.summary, bins: self.bins, outcomes: self.outcomes }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::cache_patterns::presets::preset;

    /// A scenario with a free cache, a database of `connections` running
    /// reads in 10 ms and writes in 5 ms exactly, and `lanes`.
    fn fixed(connections: u32, lanes: Vec<Lane>) -> CachePatternsScenario {
        let mut s = preset("patterns").unwrap();
        s.cache.latency_ms = 0.0;
        s.database = super::super::scenario::Database { connections, read_ms: 10.0, write_ms: 5.0, service: Service::Fixed };
        s.lanes = lanes;
        s
    }

    /// Requests at these ms: (time, key, writes).
    fn trial(requests: &[(u64, u32, bool)]) -> Trial {
        Trial {
            at: requests.iter().map(|r| r.0 * MS).collect(),
            keys: requests.iter().map(|r| r.1).collect(),
            writes: requests.iter().map(|r| r.2).collect(),
            universe: 8,
            span: 1_000 * MS,
            lane_seed: 1,
        }
    }

    fn answers(run: &LaneRun) -> Vec<(Answer, Nanos, u32, bool)> {
        run.outcomes.iter().map(|o| (o.answer, o.latency_ns / MS, o.version, o.stale)).collect()
    }

    /// A read misses at 0 and its query (snapshot at 0) runs to 10; a write
    /// commits at 6 and deletes the key; a second reader at 7 reads the new
    /// version. Cache-aside's first reader sets the old version at 10, so
    /// the hit at 12 is stale until the second reader's set at 17. A
    /// read-through cache drops the first load's result, and the reader at
    /// 12 joins the second load.
    #[test]
    fn cache_aside_sets_a_stale_value_that_read_through_drops() {
        let t = trial(&[(0, 1, false), (1, 1, true), (7, 1, false), (12, 1, false), (20, 1, false)]);
        let aside = fixed(2, vec![Lane::new(Strategy::CacheAside, 0)]);
        let run = run_lane(&aside, &aside.lanes[0], &t);
        use Answer::*;
        assert_eq!(
            answers(&run),
            [(Miss, 10, 0, false), (Write, 5, 2, false), (Miss, 10, 2, false), (Hit, 0, 0, true), (Hit, 0, 2, false)]
        );
        assert_eq!((run.summary.stale_reads, run.summary.db_reads, run.summary.db_writes), (1, 2, 1));
        let through = fixed(2, vec![Lane::new(Strategy::ReadThrough, 0)]);
        let run = run_lane(&through, &through.lanes[0], &t);
        assert_eq!(
            answers(&run),
            [(Miss, 10, 0, false), (Write, 5, 2, false), (Miss, 10, 2, false), (Coalesced, 5, 2, false), (Hit, 0, 2, false)]
        );
        assert_eq!(run.summary.stale_reads, 0);
    }

    /// Ten readers miss one key a millisecond apart: cache-aside sends ten
    /// queries to one connection, the tenth waiting 90 ms; single-flight
    /// sends one and the others wait for it.
    #[test]
    fn single_flight_sends_one_query_for_a_stampede() {
        let t = trial(&(0..10).map(|i| (i, 3, false)).collect::<Vec<_>>());
        let plain = fixed(1, vec![Lane::new(Strategy::CacheAside, 0)]);
        let run = run_lane(&plain, &plain.lanes[0], &t);
        assert_eq!(run.outcomes.iter().map(|o| o.latency_ns / MS).collect::<Vec<_>>(), [10, 19, 28, 37, 46, 55, 64, 73, 82, 91]);
        assert_eq!((run.summary.db_reads, run.summary.db_peak), (10, 10));
        let sf = fixed(1, vec![Lane { single_flight: true, ..Lane::new(Strategy::CacheAside, 0) }]);
        let run = run_lane(&sf, &sf.lanes[0], &t);
        assert_eq!(run.outcomes.iter().map(|o| o.latency_ns / MS).collect::<Vec<_>>(), [10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
        assert_eq!((run.summary.db_reads, run.summary.coalesced, run.summary.read_p99_ns), (1, 9, 10 * MS));
    }

    /// A key set at 10 with a 50 ms TTL hits until 59 and misses at 60.
    #[test]
    fn a_key_expires_after_its_ttl() {
        let t = trial(&[(0, 2, false), (59, 2, false), (60, 2, false), (61, 2, false)]);
        let s = fixed(1, vec![Lane::new(Strategy::CacheAside, 50)]);
        let run = run_lane(&s, &s.lanes[0], &t);
        use Answer::*;
        assert_eq!(run.outcomes.iter().map(|o| o.answer).collect::<Vec<_>>(), [Miss, Hit, Miss, Miss]);
    }

    /// Write-behind acknowledges at once and writes each changed key once
    /// per flush; the node dying at 150 ms loses the writes since the flush
    /// at 100.
    #[test]
    fn write_behind_coalesces_and_loses_what_it_had_not_flushed() {
        let t = trial(&[(10, 1, true), (20, 1, true), (30, 2, true), (110, 1, true), (120, 3, true), (130, 3, true), (200, 3, false)]);
        let mut s = fixed(1, vec![Lane { flush_ms: 100, ..Lane::new(Strategy::WriteBehind, 0) }]);
        s.crash_ms = Some(150);
        let run = run_lane(&s, &s.lanes[0], &t);
        assert!(run.outcomes[..6].iter().all(|o| o.answer == Answer::Write && o.latency_ns == 0));
        // Keys 1 and 2 written at 100; the three writes after it die with the node.
        assert_eq!((run.summary.db_writes, run.summary.lost_writes), (2, 3));
        // Key 3 was never written: the read after the crash gets the original, stale.
        assert_eq!(answers(&run)[6], (Answer::Miss, 10, 0, true));
        s.crash_ms = None;
        let run = run_lane(&s, &s.lanes[0], &t);
        assert_eq!((run.summary.db_writes, run.summary.lost_writes, run.summary.stale_reads), (4, 0, 0));
    }

    /// Two writes to one row wait for each other's commit, though a second
    /// connection is free; a write to another row does not.
    #[test]
    fn writes_to_one_row_take_its_lock_in_turn() {
        let t = trial(&[(0, 1, true), (1, 1, true), (2, 2, true)]);
        let s = fixed(3, vec![Lane::new(Strategy::CacheAside, 0)]);
        let run = run_lane(&s, &s.lanes[0], &t);
        assert_eq!(run.outcomes.iter().map(|o| o.latency_ns / MS).collect::<Vec<_>>(), [5, 9, 5]);
        assert_eq!(run.summary.db_peak, 3);
    }

    /// A write-behind key evicted while its write is on the way is loaded
    /// from the staging area, not from the database that has yet to commit it.
    #[test]
    fn write_behind_reads_its_staging_area_until_the_write_commits() {
        // One slot: writing key 2 at 1 evicts key 1, whose write goes out at
        // once and commits at 6; the read of key 1 at 3 must not see the
        // database's old row.
        let t = trial(&[(0, 1, true), (1, 2, true), (3, 1, false), (8, 1, false)]);
        let mut s = fixed(2, vec![Lane { flush_ms: 1_000, ..Lane::new(Strategy::WriteBehind, 0) }]);
        s.cache.capacity = 1;
        let run = run_lane(&s, &s.lanes[0], &t);
        use Answer::*;
        assert_eq!(
            answers(&run),
            [(Write, 0, 1, false), (Write, 0, 2, false), (Hit, 0, 1, false), (Hit, 0, 1, false)]
        );
        // Key 1 back in the one slot evicts key 2, whose write goes out too.
        assert_eq!((run.summary.db_reads, run.summary.db_writes, run.summary.stale_reads), (0, 2, 0));
    }

    /// Write-through holds the committed version after each write: readers
    /// never miss the key again.
    #[test]
    fn write_through_keeps_the_written_value() {
        let t = trial(&[(0, 4, true), (10, 4, false), (11, 4, true), (13, 4, false), (20, 4, false)]);
        let s = fixed(1, vec![Lane::new(Strategy::WriteThrough, 0)]);
        let run = run_lane(&s, &s.lanes[0], &t);
        use Answer::*;
        assert_eq!(
            answers(&run),
            [(Write, 5, 1, false), (Hit, 0, 1, false), (Write, 5, 3, false), (Hit, 0, 1, false), (Hit, 0, 3, false)]
        );
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        let v: Vec<Nanos> = (1..=1000).collect();
        assert_eq!((percentile(&v, 500), percentile(&v, 990), percentile(&v, 999)), (500, 990, 999));
        assert_eq!((percentile(&[7], 999), percentile(&[], 500)), (7, 0));
    }

    /// The stampede preset: plain cache-aside falls behind for good; single-flight
    /// and XFetch keep the database near its refresh rate.
    #[test]
    fn the_stampede_preset_tells_its_story() {
        let s = preset("stampede").unwrap();
        let runs = s.run().unwrap();
        let [plain, sf, xf] = [&runs[0].summary, &runs[1].summary, &runs[2].summary];
        assert!(plain.db_reads > 20 * sf.db_reads, "{} vs {}", plain.db_reads, sf.db_reads);
        assert!(plain.read_p99_ns > 1_000 * sf.read_p99_ns);
        assert!(xf.early_refreshes > 100 && xf.db_reads < 2 * sf.db_reads);
        assert_eq!(xf.coalesced + sf.early_refreshes + plain.coalesced, 0);
    }
}
