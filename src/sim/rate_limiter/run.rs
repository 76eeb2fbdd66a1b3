//! Running a whole trace through a limiter: decisions, summary and the
//! binned series the widget draws.

use super::{capacity, Limiter, LimiterConfig, Outcome};
use crate::sim::kernel::time::{Nanos, SEC};
use crate::sim::kernel::traffic::Request;
use crate::scenario::json::{self, ToJson};

/// One request's fate, with the limiter's visible state right after it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Decision {
    pub at: Nanos,
    pub cost: u32,
    pub outcome: Outcome,
    pub level: f64,
}

/// Totals over a run (or a prefix of it, during playback).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Summary {
    pub requests: u64,
    pub allowed: u64,
    pub delayed: u64,
    /// Refused, including those that could never pass.
    pub rejected: u64,
    /// Refused because their cost exceeds the limiter's capacity.
    pub never: u64,
    /// Units (costs) admitted, at once or delayed.
    pub admitted_units: u64,
    pub longest_delay_ns: Nanos,
    /// Admitted units per second of simulated time.
    pub effective_rate: f64,
}

impl ToJson for Summary {
    fn write(&self, out: &mut String) {
        json::Obj::new(out)
            .field("requests", &self.requests)
            .field("allowed", &self.allowed)
            .field("delayed", &self.delayed)
            .field("rejected", &self.rejected)
            .field("never", &self.never)
            .field("admitted_units", &self.admitted_units)
            .field("longest_delay_ns", &self.longest_delay_ns)
            .field("effective_rate", &self.effective_rate)
            .end();
    }
}

impl Summary {
    /// Totals of `decisions` over `elapsed` simulated time.
    pub fn of(decisions: &[Decision], elapsed: Nanos) -> Summary {
        let mut s = Summary { requests: decisions.len() as u64, ..Summary::default() };
        for d in decisions {
            match d.outcome {
                Outcome::Allowed => s.allowed += 1,
                Outcome::Delayed(wait) => {
                    s.delayed += 1;
                    s.longest_delay_ns = s.longest_delay_ns.max(wait);
                }
                Outcome::Rejected => s.rejected += 1,
                Outcome::Never => {
                    s.rejected += 1;
                    s.never += 1;
                }
            }
            if d.outcome.admitted() {
                s.admitted_units += u64::from(d.cost);
            }
        }
        if elapsed > 0 {
            s.effective_rate = s.admitted_units as f64 * SEC as f64 / elapsed as f64;
        }
        s
    }
}

/// One slice of the run for drawing: arrivals by outcome and the state's range.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Bin {
    pub allowed: u32,
    pub delayed: u32,
    pub rejected: u32,
    /// State at the start of the slice.
    pub level_start: f64,
    /// Lowest and highest state seen in the slice (start and after each request).
    pub level_min: f64,
    pub level_max: f64,
}

/// A limiter's whole run over one trace.
#[derive(Clone, Debug)]
pub struct LaneRun {
    pub config: LimiterConfig,
    pub decisions: Vec<Decision>,
    pub summary: Summary,
    pub bins: Vec<Bin>,
    /// Full scale of the state (see [`capacity`]).
    pub capacity: f64,
}

/// Runs `requests` (sorted by time) through a fresh limiter built from
/// `config`, binning the run into `bins` equal slices of `duration`.
pub fn run_lane(config: &LimiterConfig, requests: &[Request], duration: Nanos, bins: usize) -> Result<LaneRun, String> {
    let mut limiter = Limiter::new(config)?;
    let duration = duration.max(1);
    let nbins = bins.max(1);
    let width = duration.div_ceil(nbins as u64).max(1);
    let mut out = Vec::with_capacity(requests.len());
    let mut series = Vec::with_capacity(nbins);
    let open_bin = |series: &mut Vec<Bin>, limiter: &mut Limiter, upto: usize| {
        while series.len() < upto.min(nbins) {
            let level = limiter.level(series.len() as u64 * width);
            series.push(Bin { level_start: level, level_min: level, level_max: level, ..Bin::default() });
        }
    };
    for r in requests {
        let b = ((r.at / width) as usize).min(nbins - 1);
        open_bin(&mut series, &mut limiter, b + 1);
        let outcome = limiter.decide(r.at, r.cost);
        let level = limiter.level(r.at);
        out.push(Decision { at: r.at, cost: r.cost, outcome, level });
        let bin = &mut series[b];
        match outcome {
            Outcome::Allowed => bin.allowed += 1,
            Outcome::Delayed(_) => bin.delayed += 1,
            Outcome::Rejected | Outcome::Never => bin.rejected += 1,
        }
        bin.level_min = bin.level_min.min(level);
        bin.level_max = bin.level_max.max(level);
    }
    open_bin(&mut series, &mut limiter, nbins);
    Ok(LaneRun {
        config: config.clone(),
        summary: Summary::of(&out, duration),
        decisions: out,
        bins: series,
        capacity: capacity(config),
    })
}

/// Decisions only, without bins or levels: the fastest path, for benchmarks
/// and golden tests.
pub fn decide_all(config: &LimiterConfig, requests: &[Request]) -> Result<Vec<Outcome>, String> {
    let mut limiter = Limiter::new(config)?;
    Ok(requests.iter().map(|r| limiter.decide(r.at, r.cost)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::kernel::time::MS;
    use crate::sim::rate_limiter::Algorithm;

    fn lane() -> LaneRun {
        let c = LimiterConfig { burst: Some(2), ..LimiterConfig::new(Algorithm::Gcra, 1, 1000) };
        let reqs: Vec<Request> =
            [0, 0, 0, 500, 1000, 1000].iter().map(|&ms| Request { at: ms * MS, cost: 1 }).collect();
        run_lane(&c, &reqs, 2000 * MS, 4).unwrap()
    }

    #[test]
    fn summary_counts_and_rates() {
        let l = lane();
        // burst 2 at 1/s: two pass at 0, the third waits; 500 ms is too early; at 1 s one more passes.
        let outcomes: Vec<&str> = l.decisions.iter().map(|d| d.outcome.name()).collect();
        assert_eq!(outcomes, ["allowed", "allowed", "rejected", "rejected", "allowed", "rejected"]);
        assert_eq!((l.summary.requests, l.summary.allowed, l.summary.rejected), (6, 3, 3));
        assert_eq!(l.summary.effective_rate, 1.5);
        assert_eq!(Summary::of(&l.decisions[..3], 0).effective_rate, 0.0);
    }

    #[test]
    fn bins_count_arrivals_and_track_state() {
        let l = lane();
        let counts: Vec<(u32, u32)> = l.bins.iter().map(|b| (b.allowed, b.rejected)).collect();
        assert_eq!(counts, [(2, 1), (0, 1), (1, 1), (0, 0)]);
        // TAT runs 2 s ahead after the first two cells; by 500 ms it is 1.5 s ahead.
        assert_eq!(l.bins[0].level_max, 2000.0);
        assert_eq!(l.bins[1].level_start, 1500.0);
        assert_eq!(l.capacity, 2000.0);
    }
}
