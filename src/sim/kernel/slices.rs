//! A run cut into equal slices for drawing: which slice a time falls in,
//! where a slice starts, and the latency percentiles a slice or a run
//! reports. Shared by every family that draws a run over time.

use super::time::Nanos;

/// The slice of a run a time falls in. In 64-bit arithmetic while it fits
/// (a run of an hour in a thousand slices does): wasm has no 128-bit divide.
pub fn bin_of(t: Nanos, span: Nanos, bins: usize) -> usize {
    let b = match t.checked_mul(bins as u64) {
        Some(x) => x / span.max(1),
        None => (u128::from(t) * bins as u128 / u128::from(span.max(1))) as u64,
    };
    // Clamped before narrowing: on wasm32 a `usize` would wrap a time far past the run.
    b.min(bins as u64 - 1) as usize
}

/// Where slice `b` of a run of `span` in `bins` slices starts: the first
/// time [`bin_of`] puts in it.
pub fn slice_start(b: usize, span: Nanos, bins: usize) -> Nanos {
    match span.checked_mul(b as u64) {
        Some(x) => x.div_ceil(bins as u64),
        None => (u128::from(span) * b as u128).div_ceil(bins as u128) as Nanos,
    }
}

/// A run's slices for times that mostly fall in the slice the last one did (a run's events, in or nearly in time order): it keeps that
/// slice's bounds, so such a time costs two comparisons rather than a
/// 64-bit division (a run of 100,000 requests asks about half a million
/// times). The same slices as [`bin_of`], whatever the order of the times.
#[derive(Clone, Copy, Debug)]
pub struct Binner {
    span: Nanos,
    bins: usize,
    slice: usize,
    /// The last slice's bounds, `[start, end)`; the last slice runs on for ever.
    start: Nanos,
    end: Nanos,
}

impl Binner {
    /// A run of `span` in `bins` slices (at least one).
    pub fn new(span: Nanos, bins: usize) -> Binner {
        let mut b = Binner { span, bins: bins.max(1), slice: 0, start: 0, end: 0 };
        b.enter(0);
        b
    }

    fn enter(&mut self, t: Nanos) {
        // A run of no length is sliced as one of 1 ns, as `bin_of` slices it.
        let span = self.span.max(1);
        let b = bin_of(t, span, self.bins);
        self.slice = b;
        self.start = slice_start(b, span, self.bins);
        self.end = if b + 1 == self.bins { Nanos::MAX } else { slice_start(b + 1, span, self.bins) };
    }

    /// The slice `t` falls in: [`bin_of`]`(t, span, bins)`.
    pub fn of(&mut self, t: Nanos) -> usize {
        if t < self.start || t >= self.end {
            self.enter(t);
        }
        self.slice
    }

    /// Splits the time from `from` to `to` over the slices it spans,
    /// calling `add(slice, nanoseconds)` for each; time after the run's end
    /// (a backlog draining) is in no slice.
    pub fn spread(&mut self, from: Nanos, to: Nanos, mut add: impl FnMut(usize, Nanos)) {
        let to = to.min(self.span);
        let mut t = from;
        while t < to {
            let b = self.of(t);
            let end = self.end.clamp(t + 1, to);
            add(b, end - t);
            t = end;
        }
    }
}

/// Latency percentiles by nearest rank, in nanoseconds: p50, p95, p99, p99.9.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Percentiles {
    pub p50: Nanos,
    pub p95: Nanos,
    pub p99: Nanos,
    pub p999: Nanos,
}

/// In reports, `[p50, p95, p99, p99.9]`.
impl crate::scenario::json::ToJson for Percentiles {
    fn write(&self, out: &mut String) {
        [self.p50, self.p95, self.p99, self.p999][..].write(out);
    }
}

impl Percentiles {
    /// Of `sorted` latencies (ascending); all zero for none.
    pub fn of(sorted: &[Nanos]) -> Percentiles {
        let rank = |per_mille| percentile(sorted, per_mille);
        Percentiles { p50: rank(500), p95: rank(950), p99: rank(990), p999: rank(999) }
    }
}

/// The nearest-rank percentile `per_mille` ‰ of `sorted` (ascending; 0 when empty).
pub fn percentile(sorted: &[Nanos], per_mille: usize) -> Nanos {
    if sorted.is_empty() {
        return 0;
    }
    sorted[(sorted.len() * per_mille).div_ceil(1000).clamp(1, sorted.len()) - 1]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The slicing [`Binner::spread`] must agree with: a division per slice.
    fn spread(span: Nanos, bins: usize, from: Nanos, to: Nanos, mut add: impl FnMut(usize, Nanos)) {
        let to = to.min(span);
        let mut t = from;
        while t < to {
            let b = bin_of(t, span, bins);
            let end = slice_start(b + 1, span, bins).clamp(t + 1, to);
            add(b, end - t);
            t = end;
        }
    }

    #[test]
    fn each_slice_starts_where_its_first_time_falls() {
        // A span that does not divide evenly, and one too long for 64-bit products.
        for (span, bins) in [(1_000_003u64, 7usize), (3_600_000_000_000, 1_000), (u64::MAX / 3, 100)] {
            for b in 1..bins {
                let start = slice_start(b, span, bins);
                assert_eq!(bin_of(start, span, bins), b, "span {span}, slice {b}");
                assert_eq!(bin_of(start - 1, span, bins), b - 1, "span {span}, slice {b}");
            }
            assert_eq!(bin_of(span + 5, span, bins), bins - 1, "after the run: the last slice");
            assert_eq!(bin_of(u64::MAX, span, bins), bins - 1, "long after the run: the last slice");
        }
    }

    #[test]
    fn a_binner_puts_times_where_bin_of_does_in_any_order() {
        let mut rng = crate::sim::kernel::rng::Rng::new(7);
        for (span, bins) in
            [(1_000_003u64, 7usize), (3_600_000_000_000, 1_000), (u64::MAX / 3, 100), (5, 1), (0, 4), (3, 10)]
        {
            let mut binner = Binner::new(span, bins);
            let mut t = 0;
            for i in 0..20_000u64 {
                // Mostly forward in small steps, now and then anywhere (past the end too).
                t = if i % 97 == 0 {
                    rng.next_u64() % (span.saturating_mul(2)).max(10)
                } else {
                    t.saturating_add(rng.next_u64() % (span / 500 + 1))
                };
                assert_eq!(binner.of(t), bin_of(t, span, bins), "span {span}, t {t}");
                let to = t.saturating_add(rng.next_u64() % (span / 50 + 1));
                let (mut want, mut got) = (Vec::new(), Vec::new());
                spread(span, bins, t, to, |b, ns| want.push((b, ns)));
                binner.spread(t, to, |b, ns| got.push((b, ns)));
                assert_eq!(got, want, "span {span}, from {t} to {to}");
            }
        }
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        let sorted: Vec<Nanos> = (1..=1_000).collect();
        let p = Percentiles::of(&sorted);
        assert_eq!((p.p50, p.p95, p.p99, p.p999), (500, 950, 990, 999));
        let p = Percentiles::of(&[7, 9]);
        assert_eq!((p.p50, p.p95, p.p99, p.p999), (7, 9, 9, 9));
        assert_eq!(Percentiles::of(&[]), Percentiles::default());
        assert_eq!((percentile(&sorted, 1), percentile(&[7], 999), percentile(&[], 500)), (1, 7, 0));
    }
}
