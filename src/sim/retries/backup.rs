//! Finagle's backup requests (`BackupRequestFilter` and
//! `WindowedPercentileHistogram` in finagle-core, as of Finagle 24.5):
//! hedging after a latency percentile that the client measures itself, as
//! "The Tail at Scale" (Dean and Barroso, 2013) describes.
//!
//! **The delay.** A client configured with `max_extra_load` (say 1%) sends
//! a backup of a call still pending after the `1 − max_extra_load`
//! percentile (the p99) of the latencies it has seen, and never sooner than
//! `min_send_backup_after_ms`. The latencies are the client's own calls,
//! originals and backups alike, each in whole milliseconds from when it was
//! sent, recorded when it succeeds or times out (a failure is taken for a
//! fast one and left out), at most 2,000 ms. They fill a histogram of three
//! buckets of 10 s: every 10 s the values recorded since are swapped in for
//! the oldest bucket, so a percentile reads the last 30 s, and nothing
//! recorded since the last swap. The percentile is the nearest rank, the
//! `⌈q·n⌉`-th smallest value (HdrHistogram's, exact to 2,047 ms), and 0
//! before the first swap. The client reads it every 3 s: until the first
//! read, at 3 s, it sends no backups; until the first swap, at 10 s, it
//! sends them after `min_send_backup_after_ms`. A delay of 2,000 ms or more
//! sends none.
//!
//! **The budget.** Backups are limited to `max_extra_load` of the calls:
//! each call deposits into a Finagle `RetryBudget` of 10 s with no reserve,
//! each backup withdraws `1 / max_extra_load` deposits (at 1%, a hundred
//! calls pay for one backup), and a backup the budget cannot pay for is not
//! sent. A client with a Finagle retry budget pays from that one too.
//!
//! **The answer.** The first copy to succeed answers the call. A copy that
//! fails first leaves the call to the other; an original that fails before
//! its backup is due ends the call. At most two copies go out, and the
//! loser is not interrupted (the HTTP client's default).
//!
//! Finagle's timers start when the client is built, here at the run's
//! start; at an instant where the histogram's swap and the client's read
//! fall together, the swap comes first.

use super::budget::FinagleBudget;
use crate::sim::kernel::time::{Nanos, MS};
use crate::scenario::json::{self, Error, FromJson, Node};

/// How a client sends backup requests: in JSON `{"max_extra_load": 0.01,
/// "min_send_backup_after_ms": 1}`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Backup {
    /// The share of extra requests the backups may add, at least 0 and
    /// below 1; the backup goes out after the `1 − max_extra_load` percentile.
    pub max_extra_load: f64,
    /// The shortest delay before a backup, in ms (at least 1).
    pub min_send_backup_after_ms: u32,
}

fn one() -> u32 {
    1
}

impl FromJson for Backup {
    fn read(node: &Node) -> Result<Backup, Error> {
        let f = json::Fields::of(node, "backup requests (an object)", &["max_extra_load", "min_send_backup_after_ms"])?;
        Ok(Backup {
            max_extra_load: f.req("max_extra_load")?,
            min_send_backup_after_ms: match f.get("min_send_backup_after_ms") {
                Some(_) => f.req("min_send_backup_after_ms")?,
                None => one(),
            },
        })
    }
}

json::object!(write Backup { max_extra_load, min_send_backup_after_ms });

impl Backup {
    /// Finagle's checks: `max_extra_load` in [0, 1), the delay at least 1 ms.
    pub fn validate(&self) -> Result<(), String> {
        if !(self.max_extra_load.is_finite() && (0.0..1.0).contains(&self.max_extra_load)) {
            return Err(format!(
                "max_extra_load must be at least 0 and below 1, not {}",
                crate::sim::kernel::num::decimal(self.max_extra_load, 3)
            ));
        }
        if !(1..=60_000).contains(&self.min_send_backup_after_ms) {
            return Err(format!(
                "min_send_backup_after_ms must be between 1 and 60000, not {}",
                self.min_send_backup_after_ms
            ));
        }
        Ok(())
    }
}

/// The largest latency the histogram holds, in ms; a longer one counts as this.
pub const HIGHEST_MS: u64 = 2_000;
/// The histogram's buckets and each one's length.
pub const BUCKETS: usize = 3;
pub const BUCKET_NS: Nanos = 10_000 * MS;
/// How often the client reads the percentile.
pub const REFRESH_NS: Nanos = 3_000 * MS;

/// `WindowedPercentileHistogram`: counts of each latency in ms (0 to
/// [`HIGHEST_MS`]), in the bucket being filled, the last [`BUCKETS`]
/// swapped in, and their sum.
#[derive(Clone, Debug, PartialEq)]
pub struct Window {
    current: Vec<u32>,
    ring: Vec<Vec<u32>>,
    oldest: usize,
    snapshot: Option<Vec<u32>>,
    total: u64,
}

impl Default for Window {
    fn default() -> Window {
        let counts = || vec![0u32; HIGHEST_MS as usize + 1];
        Window { current: counts(), ring: vec![counts(); BUCKETS], oldest: 0, snapshot: None, total: 0 }
    }
}

impl Window {
    /// Records a latency of `ms`.
    pub fn add(&mut self, ms: u64) {
        self.current[ms.min(HIGHEST_MS) as usize] += 1;
    }

    /// The timer's swap: the values recorded since the last take the oldest
    /// bucket's place, and the percentiles read the buckets' sum.
    pub fn flush(&mut self) {
        std::mem::swap(&mut self.ring[self.oldest], &mut self.current);
        self.current.iter_mut().for_each(|c| *c = 0);
        self.oldest = (self.oldest + 1) % BUCKETS;
        let mut sum = vec![0u32; HIGHEST_MS as usize + 1];
        for bucket in &self.ring {
            for (s, c) in sum.iter_mut().zip(bucket) {
                *s += c;
            }
        }
        self.total = sum.iter().map(|&c| u64::from(c)).sum();
        self.snapshot = Some(sum);
    }

    /// The `q` quantile (0 to 1) of the buckets swapped in, in ms: the
    /// nearest rank as HdrHistogram takes it (`q` nudged down by one step,
    /// so 0.99 of 100 values is the 99th); 0 before the first swap or with
    /// no values.
    pub fn percentile(&self, q: f64) -> u64 {
        let Some(counts) = &self.snapshot else { return 0 };
        if self.total == 0 {
            return 0;
        }
        let p = (q * 100.0).next_down().clamp(0.0, 100.0);
        let rank = ((p / 100.0 * self.total as f64).ceil() as u64).max(1);
        let mut seen = 0u64;
        for (ms, &c) in counts.iter().enumerate() {
            seen += u64::from(c);
            if seen >= rank {
                return ms as u64;
            }
        }
        HIGHEST_MS
    }
}

/// One client's `BackupRequestFilter`: its histogram, the delay it last
/// read, its timers and its budget.
#[derive(Clone, Debug)]
pub struct BackupFilter {
    config: Backup,
    pub window: Window,
    /// The delay in ms as last read; `None` before the first read.
    delay_ms: Option<u64>,
    next_flush: Nanos,
    next_refresh: Nanos,
    budget: FinagleBudget,
}

impl BackupFilter {
    /// The filter as built at time 0.
    pub fn new(config: Backup) -> BackupFilter {
        BackupFilter {
            config,
            window: Window::default(),
            delay_ms: None,
            next_flush: BUCKET_NS,
            next_refresh: REFRESH_NS,
            budget: FinagleBudget::new(10, 0, config.max_extra_load, 0),
        }
    }

    /// Runs the swaps and reads due by `now`, in time order.
    fn advance(&mut self, now: Nanos) {
        while self.next_flush.min(self.next_refresh) <= now {
            if self.next_flush <= self.next_refresh {
                self.window.flush();
                self.next_flush += BUCKET_NS;
            } else {
                let p = self.window.percentile(1.0 - self.config.max_extra_load);
                self.delay_ms = Some(p.max(u64::from(self.config.min_send_backup_after_ms)));
                self.next_refresh += REFRESH_NS;
            }
        }
    }

    /// A copy sent at `sent` succeeded or timed out at `now`.
    pub fn record(&mut self, sent: Nanos, now: Nanos) {
        self.advance(now);
        self.window.add(now / MS - sent / MS);
    }

    /// A call starts at `now`: it deposits, and learns after how long its
    /// backup is due (`None`: no backup for it).
    pub fn start(&mut self, now: Nanos) -> Option<Nanos> {
        self.advance(now);
        self.budget.deposit((now / MS) as i64);
        match self.delay_ms {
            Some(ms) if ms < HIGHEST_MS => Some(ms * MS),
            _ => None,
        }
    }

    /// The delay the filter last read, in ms (`None` before its first read).
    pub fn delay_ms(&mut self, now: Nanos) -> Option<u64> {
        self.advance(now);
        self.delay_ms
    }

    /// Whether the budget pays for a backup at `now`.
    pub fn try_withdraw(&mut self, now: Nanos) -> bool {
        self.budget.try_withdraw((now / MS) as i64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: Nanos = 1_000 * MS;

    #[test]
    fn the_window_reads_the_last_three_swaps() {
        // finagle-core WindowedPercentileHistogramTest, "sliding window".
        let mut w = Window::default();
        assert_eq!(w.percentile(0.5), 0);
        [1, 2, 3].iter().for_each(|&v| w.add(v));
        assert_eq!(w.percentile(0.5), 0, "nothing is read before the first swap");
        w.flush();
        assert_eq!(w.percentile(0.5), 2);
        [4, 5, 6, 7].iter().for_each(|&v| w.add(v));
        w.flush();
        assert_eq!(w.percentile(0.5), 4);
        [8, 9, 10].iter().for_each(|&v| w.add(v));
        w.flush();
        w.flush();
        assert_eq!((w.percentile(0.0), w.percentile(0.5), w.percentile(1.0)), (4, 7, 10));
        // A latency over the highest counts as the highest.
        w.add(2_020);
        w.flush();
        assert_eq!(w.percentile(1.0), 2_000);
    }

    #[test]
    fn the_percentile_is_the_nearest_rank() {
        let mut w = Window::default();
        (1..=100).for_each(|v| w.add(v));
        w.flush();
        let p = |q: f64| w.percentile(q);
        assert_eq!((p(0.99), p(0.95), p(0.90), p(0.999)), (99, 95, 90, 100));
        let mut w = Window::default();
        (1..=1_000).for_each(|v| w.add(v));
        w.flush();
        assert_eq!((w.percentile(0.99), w.percentile(0.999)), (990, 999));
    }

    #[test]
    fn the_delay_follows_the_clients_percentile() {
        // BackupRequestFilterTest: 90 calls of 50 ms and 10 of 100 ms; at 1%
        // extra load the backup waits 100 ms, at 10% 50 ms.
        for (load, want) in [(0.01, 100), (0.1, 50)] {
            let mut f = BackupFilter::new(Backup { max_extra_load: load, min_send_backup_after_ms: 1 });
            for i in 0..100u64 {
                let sent = i * 10 * MS;
                f.record(sent, sent + if i < 90 { 50 } else { 100 } * MS);
            }
            assert_eq!(f.delay_ms(12 * S), Some(want));
        }
    }

    #[test]
    fn no_backups_before_the_first_read_and_the_minimum_before_the_first_swap() {
        let mut f = BackupFilter::new(Backup { max_extra_load: 0.01, min_send_backup_after_ms: 1 });
        assert_eq!(f.start(0), None);
        assert_eq!(f.start(3 * S - 1), None);
        assert_eq!(f.start(3 * S), Some(MS));
        f.record(4 * S, 4 * S + 100 * MS);
        assert_eq!(f.start(9 * S), Some(MS), "recorded, not yet swapped in");
        // Swapped in at 10 s, read at 12 s.
        assert_eq!((f.start(11 * S), f.start(12 * S)), (Some(MS), Some(100 * MS)));
        let mut f = BackupFilter::new(Backup { max_extra_load: 0.01, min_send_backup_after_ms: 10 });
        assert_eq!(f.start(3 * S), Some(10 * MS));
        // A p99 of 2,000 ms or more sends no backup.
        let mut f = BackupFilter::new(Backup { max_extra_load: 0.01, min_send_backup_after_ms: 1 });
        f.record(0, 5 * S);
        assert_eq!(f.start(12 * S), None);
    }

    #[test]
    fn a_hundred_calls_pay_for_one_backup_at_one_percent() {
        let mut f = BackupFilter::new(Backup { max_extra_load: 0.01, min_send_backup_after_ms: 1 });
        for i in 0..99 {
            f.start(i * MS);
        }
        assert!(!f.try_withdraw(100 * MS));
        f.start(100 * MS);
        assert!(f.try_withdraw(100 * MS));
        assert!(!f.try_withdraw(100 * MS));
    }

    #[test]
    fn finagles_bounds() {
        let b = |m, min| Backup { max_extra_load: m, min_send_backup_after_ms: min }.validate();
        assert!(b(0.0, 1).is_ok() && b(0.99, 1).is_ok());
        assert_eq!(b(1.0, 1).unwrap_err(), "max_extra_load must be at least 0 and below 1, not 1");
        assert_eq!(b(0.01, 0).unwrap_err(), "min_send_backup_after_ms must be between 1 and 60000, not 0");
    }
}
