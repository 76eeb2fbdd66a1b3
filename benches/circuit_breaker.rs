//! Recorded calls per second for the circuit breakers, on the same 100,000
//! calls: Resilience4j with each window type, and pybreaker's consecutive
//! breaker; and a whole 100,000-call run (the cost of one widget re-run).
//! Run on demand: `cargo bench --bench circuit_breaker`.

use divan::counter::ItemsCount;
use divan::{black_box, Bencher};
use playground::sim::circuit_breaker::consecutive::{ConsecutiveBreaker, ConsecutiveConfig};
use playground::sim::circuit_breaker::run::{draw, run_breaker, Attempt, BreakerConfig, Dependency, Phase};
use playground::sim::circuit_breaker::{CircuitBreaker, Config, WindowType};
use playground::sim::kernel::rng::Rng;
use playground::sim::kernel::time::SEC;
use playground::sim::kernel::traffic::{Request, Traffic};

/// 100,000 Poisson calls over 100 s to a dependency failing 30 % of calls.
fn calls() -> (Vec<Request>, Vec<Attempt>) {
    let mut rng = Rng::new(5);
    let requests = Traffic::Poisson { rps: 1000.0, cost: 1 }.generate(100 * SEC, &mut rng);
    let phase = Phase { at_ms: 0, failure_rate: 0.3, latency_ms: 20, slow_rate: 0.1, slow_latency_ms: 3000 };
    let attempts = draw(&requests, &Dependency { phases: vec![phase] }, &mut rng);
    (requests, attempts)
}

fn r4j(window: WindowType) -> Config {
    Config {
        sliding_window_type: window,
        sliding_window_size: 100,
        minimum_number_of_calls: 50,
        failure_rate_threshold: 60.0,
        wait_duration_in_open_state_ms: 2_000,
        ..Config::default()
    }
}

/// Records every call directly (acquire, then the result at once).
#[divan::bench(args = ["count-based", "time-based"])]
fn resilience4j_record(bencher: Bencher, window: &str) {
    let (requests, attempts) = calls();
    let window = if window == "count-based" { WindowType::CountBased } else { WindowType::TimeBased };
    bencher.counter(ItemsCount::new(requests.len())).bench_local(|| {
        let mut cb = CircuitBreaker::new(r4j(window), 0);
        let mut reached = 0u32;
        for (r, a) in requests.iter().zip(&attempts) {
            if cb.try_acquire(black_box(r.at)) {
                reached += 1;
                let _ = if a.failed { cb.on_error(r.at, a.latency) } else { cb.on_success(r.at, a.latency) };
            }
        }
        reached
    });
}

#[divan::bench]
fn consecutive_record(bencher: Bencher) {
    let (requests, attempts) = calls();
    bencher.counter(ItemsCount::new(requests.len())).bench_local(|| {
        let mut cb =
            ConsecutiveBreaker::new(ConsecutiveConfig { fail_max: 5, reset_timeout_ms: 2_000, success_threshold: 1 });
        let mut reached = 0u32;
        for (r, a) in requests.iter().zip(&attempts) {
            if cb.try_acquire(black_box(r.at)) {
                reached += 1;
                if a.failed {
                    cb.on_error(r.at)
                } else {
                    cb.on_success(r.at)
                }
            }
        }
        reached
    });
}

/// A whole run with calls in flight, as a widget re-run does it.
#[divan::bench(args = ["count-based", "time-based"])]
fn resilience4j_run(bencher: Bencher, window: &str) {
    let (requests, attempts) = calls();
    let window = if window == "count-based" { WindowType::CountBased } else { WindowType::TimeBased };
    let config = BreakerConfig::Resilience4j(r4j(window));
    bencher
        .counter(ItemsCount::new(requests.len()))
        .bench_local(|| run_breaker(&config, &requests, &attempts, 100 * SEC, 200, 0, &[]).unwrap().summary.reached);
}

fn main() {
    divan::main();
}
