//! Decisions per second for each rate-limiting algorithm on the same trace,
//! with the `governor` crate's GCRA on that trace in the same run as the
//! reference. Run on demand: `cargo bench --bench rate_limiter`.

use divan::counter::ItemsCount;
use divan::{black_box, Bencher};
use playground::sim::kernel::rng::Rng;
use playground::sim::kernel::time::SEC;
use playground::sim::kernel::traffic::{Request, Traffic};
use playground::sim::rate_limiter::{Algorithm, Gcra, Limiter, LimiterConfig, NginxDelay};
use std::num::NonZeroU32;
use std::time::Duration;

/// 100,000 Poisson arrivals at 1,000 per second (about 100 s), seeded.
fn trace() -> Vec<Request> {
    Traffic::Poisson { rps: 1000.0, cost: 1 }.generate(100 * SEC, &mut Rng::new(42))
}

fn config(algorithm: Algorithm) -> LimiterConfig {
    LimiterConfig { burst: Some(50), delay: NginxDelay::NoDelay, ..LimiterConfig::new(algorithm, 800, 1000) }
}

#[divan::bench(args = Algorithm::ALL.map(|a| a.name()))]
fn ours(bencher: Bencher, name: &str) {
    let requests = trace();
    let cfg = config(Algorithm::from_name(name).unwrap());
    bencher.counter(ItemsCount::new(requests.len())).bench_local(|| {
        let mut limiter = Limiter::new(&cfg).unwrap();
        let mut admitted = 0u32;
        for r in &requests {
            admitted += u32::from(limiter.decide(black_box(r.at), r.cost).admitted());
        }
        admitted
    });
}

/// Our GCRA called through its own type, as governor is below: the
/// like-for-like comparison. (`ours` above adds the dispatch over algorithms
/// the widget uses.)
#[divan::bench]
fn ours_gcra_direct(bencher: Bencher) {
    let requests = trace();
    bencher.counter(ItemsCount::new(requests.len())).bench_local(|| {
        let mut limiter = Gcra::new(800, 1000, 50);
        let mut admitted = 0u32;
        for r in &requests {
            admitted += u32::from(limiter.decide(black_box(r.at), r.cost).admitted());
        }
        admitted
    });
}

/// governor 0.10.4 on the same trace and quota as `ours(gcra)`, its clock
/// advanced to each arrival.
#[divan::bench]
fn governor_gcra(bencher: Bencher) {
    use governor::clock::FakeRelativeClock;
    use governor::{Quota, RateLimiter};
    let requests = trace();
    let quota = Quota::with_period(Duration::from_nanos(SEC / 800)).unwrap().allow_burst(NonZeroU32::new(50).unwrap());
    bencher.counter(ItemsCount::new(requests.len())).bench_local(|| {
        let clock = FakeRelativeClock::default();
        let limiter = RateLimiter::direct_with_clock(quota, clock.clone());
        let (mut now, mut admitted) = (0, 0u32);
        for r in &requests {
            clock.advance(Duration::from_nanos(r.at - now));
            now = r.at;
            admitted += u32::from(limiter.check().is_ok());
        }
        admitted
    });
}

/// A whole widget run: three lanes, binned, summarised (what a slider drag costs).
#[divan::bench]
fn default_scenario_run(bencher: Bencher) {
    let s = playground::sim::rate_limiter::presets::preset("default").unwrap();
    bencher.counter(ItemsCount::new(3 * s.requests().len())).bench_local(|| s.run(200).unwrap().len());
}

fn main() {
    divan::main();
}
