//! The Resilience4j circuit breaker: boundary cases of its state machine and
//! scenarios ported from Resilience4j's own tests (see
//! `tests/golden/circuit_breaker/SCENARIOS.md` for their source), plus property tests
//! of the state machine's guarantees.

use playground::scenario::json;
use playground::sim::circuit_breaker::{CircuitBreaker, Config, State, WindowType};
use playground::sim::kernel::time::{Nanos, MS, SEC};
use proptest::prelude::*;

fn count_based(size: u32, min: u32) -> Config {
    Config {
        sliding_window_size: size,
        minimum_number_of_calls: min,
        wait_duration_in_open_state_ms: 5_000,
        permitted_number_of_calls_in_half_open_state: 2,
        ..Config::default()
    }
}

/// Makes a call at `at` that takes `took` and fails or succeeds; returns whether it was permitted.
fn call(cb: &mut CircuitBreaker, at: Nanos, took: Nanos, failed: bool) -> bool {
    if !cb.try_acquire(at) {
        return false;
    }
    let changed_before = cb.transitions().len();
    let changed = if failed { cb.on_error(at + took, took) } else { cb.on_success(at + took, took) };
    // A result reports a change exactly when it made one.
    assert_eq!(changed, cb.transitions().len() > changed_before, "at {at}");
    true
}

#[test]
fn opens_when_the_failure_rate_reaches_the_threshold_exactly() {
    // 50 % threshold, window 4, minimum 4: f s f s is exactly 50 % and trips (≥, not >).
    let mut cb = CircuitBreaker::new(count_based(4, 4), 0);
    for (i, failed) in [true, false, true].into_iter().enumerate() {
        assert!(call(&mut cb, i as u64 * MS, 0, failed));
        assert_eq!(cb.state(i as u64 * MS), State::Closed);
        assert_eq!(cb.failure_rate(i as u64 * MS), -1.0, "below the minimum number of calls");
    }
    assert!(call(&mut cb, 3 * MS, 0, false));
    assert_eq!(cb.state(3 * MS), State::Open);
    assert_eq!(cb.failure_rate(3 * MS), 50.0);
    assert_eq!(cb.totals(3 * MS).calls, 4);
}

#[test]
fn stays_closed_below_the_minimum_and_below_the_threshold() {
    // Four failures: 100 %, but fewer than the minimum of five calls.
    let mut cb = CircuitBreaker::new(count_based(10, 5), 0);
    for i in 0..4 {
        assert!(call(&mut cb, i * MS, 0, true));
    }
    assert_eq!(cb.state(4 * MS), State::Closed);
    assert_eq!(cb.failure_rate(4 * MS), -1.0);
    // The fifth call makes 4 failures in 5 calls, 80 %: it opens.
    assert!(call(&mut cb, 4 * MS, 0, false));
    assert_eq!(cb.state(4 * MS), State::Open);

    // Five successes, then four failures: at most 4 in 9, 44.4 %, below 50 %.
    let mut cb = CircuitBreaker::new(count_based(10, 5), 0);
    for (i, failed) in [false, false, false, false, false, true, true, true, true].into_iter().enumerate() {
        assert!(call(&mut cb, i as u64 * MS, 0, failed));
    }
    assert_eq!(cb.state(9 * MS), State::Closed);
    assert_eq!(cb.failure_rate(9 * MS), 400.0 / 9.0);
}

#[test]
fn count_window_minimum_is_capped_by_the_window_size() {
    // minimumNumberOfCalls 100 (the default) with a window of 3: three failures trip it.
    let mut cb = CircuitBreaker::new(Config { sliding_window_size: 3, ..count_based(3, 100) }, 0);
    for i in 0..3 {
        call(&mut cb, i * MS, 0, true);
    }
    assert_eq!(cb.state(3 * MS), State::Open);
}

#[test]
fn rates_are_f32_as_in_resilience4j() {
    // 1 failure in 3 calls is 33.333332 in f32; a threshold of 33.333332 trips where f64 maths would not.
    let config = Config { failure_rate_threshold: 100.0 / 3.0, ..count_based(3, 3) };
    let mut cb = CircuitBreaker::new(config, 0);
    for (i, failed) in [true, false, false].into_iter().enumerate() {
        call(&mut cb, i as u64 * MS, 0, failed);
    }
    assert_eq!(cb.state(3 * MS), State::Open);
}

#[test]
fn slow_means_strictly_longer_than_the_threshold() {
    let config = Config { slow_call_duration_threshold_ms: 100, slow_call_rate_threshold: 50.0, ..count_based(2, 2) };
    let mut cb = CircuitBreaker::new(config.clone(), 0);
    call(&mut cb, 0, 100 * MS, false);
    call(&mut cb, SEC, 100 * MS, false);
    assert_eq!(cb.totals(2 * SEC).slow, 0, "exactly at the threshold is not slow");
    assert_eq!(cb.state(2 * SEC), State::Closed);
    let mut cb = CircuitBreaker::new(config, 0);
    call(&mut cb, 0, 100 * MS + 1, false);
    call(&mut cb, SEC, 0, false);
    assert_eq!(cb.slow_call_rate(2 * SEC), 50.0);
    assert_eq!(cb.state(2 * SEC), State::Open, "slow successes trip the breaker too");
}

#[test]
fn open_waits_until_strictly_after_the_wait_duration() {
    let mut cb = CircuitBreaker::new(count_based(2, 2), 0);
    call(&mut cb, 0, 0, true);
    call(&mut cb, 0, 0, true);
    assert_eq!(cb.state(0), State::Open);
    assert!(!cb.try_acquire(5 * SEC), "exactly at openedAt + wait is still OPEN");
    assert_eq!(cb.not_permitted(), 1);
    assert_eq!(cb.state(5 * SEC), State::Open);
    assert!(cb.try_acquire(5 * SEC + 1), "one nanosecond later the call is the first trial");
    assert_eq!(cb.state(5 * SEC + 1), State::HalfOpen);
}

#[test]
fn half_open_permits_its_trial_calls_and_decides_on_them() {
    let mut cb = CircuitBreaker::new(count_based(2, 2), 0);
    call(&mut cb, 0, 0, true);
    call(&mut cb, 0, 0, true);
    let t = 6 * SEC;
    assert!(cb.try_acquire(t));
    assert!(cb.try_acquire(t));
    assert!(!cb.try_acquire(t), "only two trial calls");
    assert_eq!(cb.not_permitted(), 1);
    cb.on_success(t, 0);
    assert_eq!(cb.state(t), State::HalfOpen, "one result of two: no decision yet");
    cb.on_success(t, 0);
    assert_eq!(cb.state(t), State::Closed);
    assert_eq!(cb.totals(t).calls, 0, "CLOSED starts with fresh metrics");
    let states: Vec<(State, State)> = cb.transitions().iter().map(|x| (x.from, x.to)).collect();
    assert_eq!(
        states,
        [(State::Closed, State::Open), (State::Open, State::HalfOpen), (State::HalfOpen, State::Closed)]
    );
}

#[test]
fn a_failed_trial_reopens_for_another_wait() {
    let mut cb = CircuitBreaker::new(count_based(2, 2), 0);
    call(&mut cb, 0, 0, true);
    call(&mut cb, 0, 0, true);
    let t = 6 * SEC;
    call(&mut cb, t, 0, true);
    call(&mut cb, t, 0, false);
    assert_eq!(cb.state(t), State::Open, "50 % of the trial failed");
    assert!(!cb.try_acquire(t + 5 * SEC));
    assert!(cb.try_acquire(t + 5 * SEC + 1));
}

#[test]
fn open_keeps_recording_calls_that_were_in_flight() {
    let mut cb = CircuitBreaker::new(count_based(4, 2), 0);
    assert!(cb.try_acquire(0)); // a slow call, still running
    call(&mut cb, MS, 0, true);
    call(&mut cb, 2 * MS, 0, true);
    assert_eq!(cb.state(2 * MS), State::Open);
    cb.on_success(3 * SEC, 3 * SEC);
    assert_eq!(cb.totals(3 * SEC).calls, 3, "the late success is recorded in OPEN's metrics");
    assert_eq!(cb.state(3 * SEC), State::Open);
}

#[test]
fn a_call_permitted_while_closed_counts_in_the_half_open_trial() {
    let config = Config { permitted_number_of_calls_in_half_open_state: 1, ..count_based(2, 2) };
    let mut cb = CircuitBreaker::new(config, 0);
    assert!(cb.try_acquire(0)); // permitted while CLOSED; finishes much later
    call(&mut cb, MS, 0, true);
    call(&mut cb, 2 * MS, 0, true);
    assert!(cb.try_acquire(6 * SEC)); // HALF_OPEN's one trial
    cb.on_success(7 * SEC, 7 * SEC); // the old call finishes first and decides the trial
    assert_eq!(cb.state(7 * SEC), State::Closed);
}

#[test]
fn automatic_transition_happens_at_exactly_the_wait() {
    let config = Config { automatic_transition_from_open_to_half_open: true, ..count_based(2, 2) };
    let mut cb = CircuitBreaker::new(config, 0);
    call(&mut cb, 0, 0, true);
    call(&mut cb, 0, 0, true);
    assert_eq!(cb.state(5 * SEC - 1), State::Open);
    assert_eq!(cb.state(5 * SEC), State::HalfOpen);
    assert_eq!(cb.transitions()[1].at, 5 * SEC);
}

#[test]
fn max_wait_in_half_open_reopens_without_a_decision() {
    let config = Config { max_wait_duration_in_half_open_state_ms: 2_000, ..count_based(2, 2) };
    let mut cb = CircuitBreaker::new(config, 0);
    call(&mut cb, 0, 0, true);
    call(&mut cb, 0, 0, true);
    assert!(cb.try_acquire(6 * SEC));
    assert_eq!(cb.state(8 * SEC - 1), State::HalfOpen);
    assert_eq!(cb.state(8 * SEC), State::Open);
    // The new OPEN period counts from the automatic transition at 8 s.
    assert!(!cb.try_acquire(13 * SEC));
    assert!(cb.try_acquire(13 * SEC + 1));
}

#[test]
fn time_window_forgets_failures_from_idle_seconds() {
    let config = Config { sliding_window_type: WindowType::TimeBased, sliding_window_size: 10, ..count_based(10, 3) };
    let mut cb = CircuitBreaker::new(config, 0);
    call(&mut cb, 0, 0, true);
    call(&mut cb, 0, 0, true);
    assert_eq!(cb.totals(9 * SEC + 999 * MS).calls, 2);
    // Ten seconds later the two failures have rolled out; a third failure alone is below the minimum.
    call(&mut cb, 10 * SEC, 0, true);
    assert_eq!(cb.totals(10 * SEC).calls, 1);
    assert_eq!(cb.state(10 * SEC), State::Closed);
    assert_eq!(cb.failure_rate(10 * SEC), -1.0);
}

#[test]
fn forced_transitions() {
    let mut cb = CircuitBreaker::new(count_based(4, 4), 0);
    cb.transition_to_open(SEC);
    assert!(!cb.try_acquire(2 * SEC));
    cb.transition_to_half_open(3 * SEC);
    assert!(cb.try_acquire(3 * SEC));
    cb.transition_to_closed(4 * SEC);
    assert_eq!(cb.state(4 * SEC), State::Closed);
    assert_eq!(cb.transitions().len(), 3);
}

#[test]
fn config_validation_names_the_field() {
    assert!(Config::default().validate().is_ok());
    let bad = Config { failure_rate_threshold: 0.0, ..Config::default() };
    assert!(bad.validate().unwrap_err().starts_with("failure_rate_threshold must be greater than 0"));
    let bad = Config { sliding_window_size: 0, ..Config::default() };
    assert!(bad.validate().unwrap_err().starts_with("sliding_window_size must be between 1"));
    let parsed: Config = json::from_str(r#"{"sliding_window_type":"time-based","sliding_window_size":5}"#).unwrap();
    assert_eq!((parsed.sliding_window_type, parsed.minimum_number_of_calls), (WindowType::TimeBased, 100));
    assert!(json::from_str::<Config>(r#"{"sliding_window_sise":5}"#)
        .unwrap_err()
        .starts_with("unknown field \"sliding_window_sise\""));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// On random call sequences: transitions follow only the legal edges, OPEN
    /// never permits a call before its wait has passed, and HALF_OPEN never
    /// permits more than its trial calls.
    #[test]
    fn state_machine_invariants(
        size in 1u32..8, min in 1u32..8, permitted in 1u32..4, auto in any::<bool>(), time_based in any::<bool>(),
        calls in prop::collection::vec((0u64..2_000, 0u64..300, any::<bool>()), 1..150),
    ) {
        let config = Config {
            sliding_window_type: if time_based { WindowType::TimeBased } else { WindowType::CountBased },
            sliding_window_size: size,
            minimum_number_of_calls: min,
            permitted_number_of_calls_in_half_open_state: permitted,
            wait_duration_in_open_state_ms: 1_000,
            slow_call_duration_threshold_ms: 200,
            automatic_transition_from_open_to_half_open: auto,
            ..Config::default()
        };
        let mut cb = CircuitBreaker::new(config, 0);
        let mut t = 0;
        // Trial calls per HALF_OPEN period, the period named by the transition count that began it.
        let mut trials = std::collections::BTreeMap::new();
        for (gap, took, failed) in calls {
            t += gap * MS;
            let before = cb.state(t);
            let opened_at = cb.transitions().last().map_or(0, |x| x.at);
            let permitted_now = cb.try_acquire(t);
            if before == State::Open && permitted_now {
                prop_assert!(t > opened_at + SEC, "OPEN permitted a call at {t} after opening at {opened_at}");
            }
            if permitted_now && cb.state(t) == State::HalfOpen {
                let n = trials.entry(cb.transitions().len()).or_insert(0u32);
                *n += 1;
                prop_assert!(*n <= permitted, "{n} trial calls in one HALF_OPEN period");
            }
            if permitted_now {
                let _ = if failed { cb.on_error(t, took * MS) } else { cb.on_success(t, took * MS) };
            }
        }
        for x in cb.transitions() {
            let legal = matches!((x.from, x.to),
                (State::Closed, State::Open) | (State::Open, State::HalfOpen) | (State::HalfOpen, State::Open) | (State::HalfOpen, State::Closed));
            prop_assert!(legal, "illegal edge {:?} -> {:?}", x.from, x.to);
        }
    }
}

// ---------------------------------------------------------------------------
// Scenarios from Resilience4j's CircuitBreakerStateMachineTest, as recorded in
// tests/golden/circuit_breaker/SCENARIOS.md (test names cited on each). Its setUp:
// time-based window of 20 s, minimum 5 calls, failure and slow-call
// thresholds 50 %, slow above 4 s, wait 5 s in OPEN, 4 calls in HALF_OPEN,
// at most 1 s in HALF_OPEN. The mock clock starts on a whole second, as our
// time 0 does.

fn r4j_setup() -> CircuitBreaker {
    CircuitBreaker::new(
        Config {
            sliding_window_type: WindowType::TimeBased,
            sliding_window_size: 20,
            minimum_number_of_calls: 5,
            failure_rate_threshold: 50.0,
            slow_call_rate_threshold: 50.0,
            slow_call_duration_threshold_ms: 4_000,
            wait_duration_in_open_state_ms: 5_000,
            permitted_number_of_calls_in_half_open_state: 4,
            max_wait_duration_in_half_open_state_ms: 1_000,
            ..Config::default()
        },
        0,
    )
}

/// The test's `M(failureRate, successful, buffered, failed, notPermitted)` assertion.
fn m(cb: &mut CircuitBreaker, now: Nanos) -> (f32, u32, u32, u32, u64) {
    let t = cb.totals(now);
    (cb.failure_rate(now), t.calls - t.failed, t.calls, t.failed, cb.not_permitted())
}

#[test]
fn r4j_should_open_after_failure_rate_threshold_exceeded() {
    let mut cb = r4j_setup();
    assert!(cb.try_acquire(0));
    assert_eq!(m(&mut cb, 0), (-1.0, 0, 0, 0, 0));
    cb.on_error(0, 0);
    assert_eq!(m(&mut cb, 0), (-1.0, 0, 1, 1, 0));
    assert!(cb.try_acquire(0));
    cb.on_error(0, 0);
    assert!(cb.try_acquire(0));
    cb.on_error(0, 0);
    assert_eq!(m(&mut cb, 0), (-1.0, 0, 3, 3, 0));
    assert!(cb.try_acquire(0));
    cb.on_success(0, 0);
    assert_eq!((cb.state(0), m(&mut cb, 0)), (State::Closed, (-1.0, 1, 4, 3, 0)));
    cb.on_success(0, 0);
    assert_eq!((cb.state(0), m(&mut cb, 0)), (State::Open, (60.0, 2, 5, 3, 0)));
    assert!(!cb.try_acquire(0));
    assert_eq!(m(&mut cb, 0), (60.0, 2, 5, 3, 1), "OPEN keeps CLOSED's metrics and counts the refusal there");
}

#[test]
fn r4j_should_open_after_failure_rate_threshold_exceeded_2() {
    let mut cb = r4j_setup();
    for (s, failed) in [(0, false), (1, false), (2, false), (3, true), (4, true)] {
        if failed {
            cb.on_error(s * SEC, 0);
        } else {
            cb.on_success(s * SEC, 0);
        }
    }
    assert_eq!(cb.state(5 * SEC), State::Closed, "2 of 5 is 40 %");
    cb.on_error(5 * SEC, 0);
    assert_eq!(cb.state(5 * SEC), State::Open, "3 of 6 is exactly 50 %");
}

#[test]
fn r4j_should_open_after_slow_call_rate_threshold_exceeded() {
    let mut cb = r4j_setup();
    for (took, failed) in [(5 * SEC, true), (5 * SEC, false), (100 * MS, true), (100 * MS, false)] {
        assert!(cb.try_acquire(0));
        if failed {
            cb.on_error(0, took);
        } else {
            cb.on_success(0, took);
        }
        assert_eq!(cb.state(0), State::Closed);
    }
    cb.on_success(0, 5 * SEC);
    assert_eq!(cb.state(0), State::Open);
    assert_eq!((cb.totals(0).calls, cb.totals(0).slow, cb.slow_call_rate(0), cb.failure_rate(0)), (5, 3, 60.0, 40.0));
}

#[test]
fn r4j_should_open_after_slow_call_rate_threshold_exceeded_using_mock_clock() {
    let mut cb = r4j_setup();
    let mut t = 0;
    for (took_s, state, buffered, slow) in [
        (5, State::Closed, 1, 1),
        (5, State::Closed, 2, 2),
        (1, State::Closed, 3, 2),
        (1, State::Closed, 4, 2),
        (5, State::Open, 5, 3),
    ] {
        assert!(cb.try_acquire(t));
        t += took_s * SEC;
        cb.on_success(t, took_s * SEC);
        assert_eq!((cb.state(t), cb.totals(t).calls, cb.totals(t).slow), (state, buffered, slow), "at {t}");
    }
    assert_eq!(cb.slow_call_rate(t), 60.0);
}

#[test]
fn r4j_should_transition_to_half_open_after_wait_duration() {
    let mut cb = r4j_setup();
    cb.transition_to_open(0);
    assert_eq!(m(&mut cb, 0), (-1.0, 0, 0, 0, 0));
    assert!(!cb.try_acquire(0));
    assert!(!cb.try_acquire(3 * SEC));
    assert_eq!((cb.state(3 * SEC), m(&mut cb, 3 * SEC)), (State::Open, (-1.0, 0, 0, 0, 2)));
    assert!(cb.try_acquire(6 * SEC));
    assert_eq!((cb.state(6 * SEC), m(&mut cb, 6 * SEC)), (State::HalfOpen, (-1.0, 0, 0, 0, 0)));
}

#[test]
fn r4j_should_only_permit_four_calls_in_half_open_state() {
    let mut cb = r4j_setup();
    for _ in 0..2 {
        cb.transition_to_open(0);
        cb.transition_to_half_open(0);
        let got: Vec<bool> = (0..6).map(|_| cb.try_acquire(0)).collect();
        assert_eq!(got, [true, true, true, true, false, false]);
    }
    assert_eq!(cb.not_permitted(), 2, "refusals in HALF_OPEN count in its metrics");
}

#[test]
fn r4j_should_transition_back_to_open_state_when_failure_rate_is_above_threshold() {
    let mut cb = r4j_setup();
    cb.transition_to_open(0);
    cb.transition_to_half_open(0);
    for failed in [true, true, false] {
        assert!(cb.try_acquire(0));
        if failed {
            cb.on_error(0, 0);
        } else {
            cb.on_success(0, 0);
        }
        assert_eq!(cb.state(0), State::HalfOpen);
    }
    assert!(cb.try_acquire(0));
    cb.on_error(0, 0);
    assert_eq!((cb.state(0), m(&mut cb, 0)), (State::Open, (75.0, 1, 4, 3, 0)));
}

#[test]
fn r4j_should_transition_back_to_open_state_when_slow_call_rate_is_above_threshold() {
    let mut cb = r4j_setup();
    cb.transition_to_open(0);
    cb.transition_to_half_open(0);
    for took in [5 * SEC, 5 * SEC, 5 * SEC, SEC] {
        assert!(cb.try_acquire(0));
        cb.on_success(0, took);
    }
    assert_eq!((cb.state(0), cb.totals(0).slow, cb.slow_call_rate(0), cb.failure_rate(0)), (State::Open, 3, 75.0, 0.0));
}

#[test]
fn r4j_should_transition_back_to_closed_state_when_failure_is_below_threshold() {
    let mut cb = r4j_setup();
    cb.transition_to_open(0);
    cb.transition_to_half_open(0);
    assert_eq!(m(&mut cb, 0), (-1.0, 0, 0, 0, 0));
    for failed in [true, false, false, false] {
        assert!(cb.try_acquire(0));
        if failed {
            cb.on_error(0, 0);
        } else {
            cb.on_success(0, 0);
        }
    }
    assert!(cb.try_acquire(0));
    assert_eq!((cb.state(0), m(&mut cb, 0)), (State::Closed, (-1.0, 0, 0, 0, 0)));
    cb.on_success(0, 0);
    assert_eq!(m(&mut cb, 0), (-1.0, 1, 1, 0, 0));
}

/// SlidingTimeWindowMetricsTest: a call at 0.8 s is still counted at 4.8 s
/// and gone at 5.8 s with a 5 s window (whole epoch seconds).
#[test]
fn r4j_time_window_counts_whole_epoch_seconds() {
    let mut w = playground::sim::circuit_breaker::window::Window::time(5, 0);
    w.record(800 * MS, playground::sim::circuit_breaker::window::Totals::one(false, false));
    assert_eq!(w.totals(4800 * MS).calls, 1);
    assert_eq!(w.totals(5800 * MS).calls, 0);
}

// ---------------------------------------------------------------------------
// The consecutive-failures breaker against pybreaker 1.4.1 itself:
// tests/golden/circuit_breaker/pybreaker.json, made by scripts/golden/pybreaker_traces.py.

#[derive(serde::Deserialize)]
struct PyGolden {
    reference: String,
    regenerate: String,
    cases: Vec<PyCase>,
}

#[derive(serde::Deserialize)]
struct PyCase {
    name: String,
    /// A `ConsecutiveConfig`, read by the scenario format's reader.
    breaker: serde_json::Value,
    calls: Vec<(u64, bool)>,
    expect: Vec<PyExpect>,
}

#[derive(serde::Deserialize)]
struct PyExpect {
    reached: bool,
    state: String,
}

#[test]
fn consecutive_breaker_matches_pybreaker() {
    use playground::sim::circuit_breaker::consecutive::ConsecutiveBreaker;
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/circuit_breaker/pybreaker.json"))
            .unwrap();
    let golden: PyGolden = serde_json::from_str(&text).unwrap();
    assert!(golden.reference.starts_with("pybreaker 1.4.1") && !golden.regenerate.is_empty());
    assert!(golden.cases.len() >= 10);
    for case in &golden.cases {
        let mut cb = ConsecutiveBreaker::new(json::from_str(&case.breaker.to_string()).unwrap());
        for (i, ((at_ms, fails), want)) in case.calls.iter().zip(&case.expect).enumerate() {
            let now = at_ms * MS;
            let reached = cb.try_acquire(now);
            if reached {
                if *fails {
                    cb.on_error(now)
                } else {
                    cb.on_success(now)
                }
            }
            let state = match cb.state() {
                State::Closed => "closed",
                State::Open => "open",
                State::HalfOpen => "half-open",
                other => panic!("pybreaker never reaches {other:?}"),
            };
            assert_eq!((reached, state), (want.reached, want.state.as_str()), "{} — call {i} at {at_ms} ms", case.name);
        }
    }
}

// ---------------------------------------------------------------------------
// Runs: a caller's traffic through a breaker to a dependency that changes.

use playground::sim::circuit_breaker::consecutive::ConsecutiveConfig;
use playground::sim::circuit_breaker::run::{draw, run_breaker, BreakerConfig, Dependency, Phase};
use playground::sim::kernel::rng::Rng;
use playground::sim::kernel::traffic::Traffic;

/// 10 calls a second for 60 s; the dependency answers in 20 ms, fails every
/// call from 10 s to 30 s, then recovers.
fn outage() -> (Vec<playground::sim::kernel::traffic::Request>, Vec<playground::sim::circuit_breaker::run::Attempt>) {
    let requests = Traffic::Steady { rps: 10.0, cost: 1 }.generate(60 * SEC, &mut Rng::new(1));
    let phase = |at_ms, failure_rate| Phase { at_ms, failure_rate, latency_ms: 20, slow_rate: 0.0, slow_latency_ms: 0 };
    let dependency = Dependency { phases: vec![phase(0, 0.0), phase(10_000, 1.0), phase(30_000, 0.0)] };
    dependency.validate().unwrap();
    let attempts = draw(&requests, &dependency, &mut Rng::new(7));
    (requests, attempts)
}

/// The Resilience4j breaker the outage runs use: a 10-call window deciding
/// from 10 calls, 5 s open, 3 trial calls.
fn outage_breaker() -> BreakerConfig {
    BreakerConfig::Resilience4j(Config {
        sliding_window_size: 10,
        minimum_number_of_calls: 10,
        wait_duration_in_open_state_ms: 5_000,
        permitted_number_of_calls_in_half_open_state: 3,
        ..Config::default()
    })
}

fn edges(run: &playground::sim::circuit_breaker::run::BreakerRun) -> Vec<(u64, State, State)> {
    run.transitions.iter().map(|t| (t.at / MS, t.from, t.to)).collect()
}

#[test]
fn resilience4j_through_a_hard_outage() {
    use State::*;
    let (requests, attempts) = outage();
    let config = outage_breaker();
    let run = run_breaker(&config, &requests, &attempts, 60 * SEC, 0, 0, &[]).unwrap();
    // Five failures (10.0–10.4 s) make the last ten calls 50 % failed when the
    // fifth returns at 10.42 s. Each wait ends strictly after 5 s; three trials
    // decide each HALF_OPEN; the trials after 30 s succeed.
    assert_eq!(
        edges(&run),
        [
            (10_420, Closed, Open),
            (15_500, Open, HalfOpen),
            (15_720, HalfOpen, Open),
            (20_800, Open, HalfOpen),
            (21_020, HalfOpen, Open),
            (26_100, Open, HalfOpen),
            (26_320, HalfOpen, Open),
            (31_400, Open, HalfOpen),
            (31_620, HalfOpen, Closed),
        ]
    );
    let s = run.summary;
    assert_eq!((s.calls, s.reached, s.failed_fast, s.dependency_failures), (600, 400, 200, 14));
    assert_eq!(s.time_in_state_ns.iter().sum::<u64>(), 60 * SEC);
    assert_eq!(s.time_in_state_ns[2], 4 * 220 * MS, "four half-open trials of 220 ms each");
    assert_eq!(s.mean_latency_without_breaker_ns, 20 * MS);
    assert_eq!(s.mean_latency_ns, 20 * MS * 400 / 600);
}

#[test]
fn consecutive_breaker_through_the_same_outage() {
    use State::*;
    let (requests, attempts) = outage();
    let config =
        BreakerConfig::Consecutive(ConsecutiveConfig { fail_max: 5, reset_timeout_ms: 5_000, success_threshold: 1 });
    let run = run_breaker(&config, &requests, &attempts, 60 * SEC, 0, 0, &[]).unwrap();
    // pybreaker's timeout is inclusive and its half-open state decides on the first result.
    assert_eq!(
        edges(&run),
        [
            (10_420, Closed, Open),
            (15_500, Open, HalfOpen),
            (15_520, HalfOpen, Open),
            (20_600, Open, HalfOpen),
            (20_620, HalfOpen, Open),
            (25_700, Open, HalfOpen),
            (25_720, HalfOpen, Open),
            (30_800, Open, HalfOpen),
            (30_820, HalfOpen, Closed),
        ]
    );
    assert_eq!(run.summary.dependency_failures, 5 + 3);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(100))]

    /// Every call either reaches the dependency or fails fast; a call fails
    /// fast only while the breaker is not closed; the same inputs give the
    /// same run; the time in each state adds up to the run.
    #[test]
    fn runs_account_for_every_call(seed in any::<u64>(), rate in 0.0f64..1.0, rps in 1.0f64..40.0) {
        let requests = Traffic::Poisson { rps, cost: 1 }.generate(30 * SEC, &mut Rng::new(seed));
        let dependency = Dependency { phases: vec![Phase { at_ms: 0, failure_rate: rate, latency_ms: 50, slow_rate: 0.2, slow_latency_ms: 2_000 }] };
        let attempts = draw(&requests, &dependency, &mut Rng::new(seed ^ 1));
        let config = BreakerConfig::Resilience4j(Config {
            sliding_window_size: 5, minimum_number_of_calls: 5, wait_duration_in_open_state_ms: 1_000,
            permitted_number_of_calls_in_half_open_state: 2, slow_call_duration_threshold_ms: 1_000, ..Config::default()
        });
        let a = run_breaker(&config, &requests, &attempts, 30 * SEC, 0, 0, &[]).unwrap();
        let b = run_breaker(&config, &requests, &attempts, 30 * SEC, 0, 0, &[]).unwrap();
        prop_assert_eq!(&a.calls, &b.calls);
        prop_assert_eq!(a.summary.reached + a.summary.failed_fast, requests.len() as u64);
        prop_assert!(a.calls.iter().all(|c| c.reached || c.state != State::Closed));
        prop_assert_eq!(a.summary.time_in_state_ns.iter().sum::<u64>(), 30 * SEC);
    }
}

#[test]
fn transitions_name_the_rates_that_decided_them() {
    let (requests, attempts) = outage();
    let config = outage_breaker();
    let run = run_breaker(&config, &requests, &attempts, 60 * SEC, 0, 0, &[]).unwrap();
    assert_eq!(run.decided_by.len(), run.transitions.len());
    // Five failures in ten calls open it; each failed trial is 3 of 3; the
    // passing trial is 0 of 3. Waits that end are time's doing, not a result's.
    assert_eq!(run.decided_by[0], Some((50.0, 0.0)));
    assert_eq!(run.decided_by[1], None);
    assert_eq!(run.decided_by[2], Some((100.0, 0.0)));
    assert_eq!(run.decided_by[8], Some((0.0, 0.0)));
    let consecutive = BreakerConfig::Consecutive(ConsecutiveConfig::default());
    let run = run_breaker(&consecutive, &requests, &attempts, 60 * SEC, 0, 0, &[]).unwrap();
    assert!(run.decided_by.iter().all(Option::is_none));
}

#[test]
fn bins_count_every_call_by_outcome_and_sample_the_gauges() {
    use playground::sim::circuit_breaker::run::Bin;
    let (requests, attempts) = outage();
    let config = outage_breaker();
    let run = run_breaker(&config, &requests, &attempts, 60 * SEC, 60, 0, &[]).unwrap();
    assert_eq!(run.bins.len(), 60);
    // Second 9: ten healthy calls; the ten calls of the last second fill the window, all succeeded.
    assert_eq!(run.bins[9], Bin { ok: 10, slow: 0, failed: 0, rejected: 0, gauge: [0.0, 0.0] });
    // Second 10: five calls fail before it opens at 10.42 s; the rest fail fast;
    // OPEN keeps CLOSED's window, which stands at 50 %.
    assert_eq!(run.bins[10], Bin { ok: 0, slow: 0, failed: 5, rejected: 5, gauge: [50.0, 0.0] });
    // Second 15: the wait ends at 15.4 s; three trials fail, the rest fail fast;
    // back in OPEN with the trial's window of three failures.
    assert_eq!(run.bins[15], Bin { ok: 0, slow: 0, failed: 3, rejected: 7, gauge: [100.0, 0.0] });
    // Ten calls have finished by 1 s; at 0.5 s only five had, too few for a rate (−1).
    assert_eq!(run.bins[0].gauge, [0.0, 0.0]);
    let halves = run_breaker(&config, &requests, &attempts, 60 * SEC, 120, 0, &[]).unwrap();
    assert_eq!(halves.bins[0].gauge, [-1.0, -1.0]);
    assert_eq!(halves.bins[1].gauge, [0.0, 0.0]);
    let total: u32 = run.bins.iter().map(|b| b.ok + b.slow + b.failed + b.rejected).sum();
    assert_eq!(total as usize, requests.len());
    let rejected: u32 = run.bins.iter().map(|b| b.rejected).sum();
    assert_eq!(u64::from(rejected), run.summary.failed_fast);
}

#[test]
fn summaries_and_states_up_to_the_playhead() {
    use State::*;
    let (requests, attempts) = outage();
    let config =
        BreakerConfig::Consecutive(ConsecutiveConfig { fail_max: 5, reset_timeout_ms: 5_000, success_threshold: 1 });
    let run = run_breaker(&config, &requests, &attempts, 60 * SEC, 0, 0, &[]).unwrap();
    assert_eq!(run.summary_until(&attempts, None, 60 * SEC), run.summary);
    let s = run.summary_until(&attempts, Some(12 * SEC), 60 * SEC);
    // 121 calls by 12.0 s (0.0 s to 12.0 s inclusive); opened at 10.42 s after five failures.
    assert_eq!((s.calls, s.reached, s.failed_fast, s.dependency_failures), (121, 105, 16, 5));
    assert_eq!(s.time_in_state_ns, [10_420 * MS, 1_580 * MS, 0]);
    assert_eq!(run.state_at(Some(10_419 * MS)), Closed);
    assert_eq!(run.state_at(Some(10_420 * MS)), Open);
    assert_eq!(run.state_at(Some(15_510 * MS)), HalfOpen);
    assert_eq!(run.state_at(None), Closed);
}

#[test]
fn dependency_scripts_and_changes_at_the_playhead() {
    let outage = Dependency::script("outage", 60_000).unwrap();
    assert_eq!(outage.phases, [Phase::healthy(0), Phase::down(15_000), Phase::healthy(35_000)]);
    assert_eq!(outage.script_name(60_000), Some("outage"));
    assert_eq!(outage.script_name(30_000), None);
    let flapping = Dependency::script("flapping", 60_000).unwrap();
    let times: Vec<u64> = flapping.phases.iter().map(|p| p.at_ms).collect();
    assert_eq!(times, [0, 10_000, 15_000, 20_000, 25_000, 30_000, 35_000, 40_000, 45_000, 50_000]);
    for (name, _) in playground::sim::circuit_breaker::run::SCRIPTS {
        Dependency::script(name, 60_000).unwrap().validate().unwrap();
    }
    assert!(Dependency::script("nope", 1).is_none());

    // Breaking at 5 s runs into the scripted outage at 15 s, which is no
    // change, so the dependency is next different at the recovery at 35 s.
    let mut d = Dependency::script("outage", 60_000).unwrap();
    d.set_from(Phase::down(5_000));
    assert_eq!(d.next_change_after(5_000), Some(35_000));
    // Healing at the instant of a change replaces it; the scripted recovery
    // at 35 s then repeats the healthy phase, so nothing changes after 15 s.
    d.set_from(Phase::healthy(15_000));
    assert_eq!(d.phases, [Phase::healthy(0), Phase::down(5_000), Phase::healthy(15_000), Phase::healthy(35_000)]);
    assert_eq!(d.at(14_999 * MS).failure_rate, 1.0);
    assert_eq!(d.next_change_after(15_000), None);
    assert_eq!(d.next_change_after(4_000), Some(5_000));
    d.validate().unwrap();
    // Phases beyond the longest run are refused before any arithmetic on them.
    let far = Dependency { phases: vec![Phase::healthy(0), Phase::down(u64::MAX)] };
    assert_eq!(far.validate().unwrap_err(), "phase 1: at_ms must be at most 3600000, not 18446744073709551615");
    assert!(Dependency::script("outage", u64::MAX).is_none());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(60))]

    /// Sampling the gauges at slice ends never changes what the breaker does:
    /// a binned run makes the same calls and transitions as an unbinned one.
    #[test]
    fn binning_does_not_change_the_run(seed in any::<u64>(), bins in 1usize..300, time_based in any::<bool>(), automatic in any::<bool>()) {
        let requests = Traffic::Poisson { rps: 25.0, cost: 1 }.generate(30 * SEC, &mut Rng::new(seed));
        let dependency = Dependency::script("flapping", 30_000).unwrap();
        let attempts = draw(&requests, &dependency, &mut Rng::new(seed ^ 2));
        let config = BreakerConfig::Resilience4j(Config {
            sliding_window_type: if time_based { WindowType::TimeBased } else { WindowType::CountBased },
            sliding_window_size: 5, minimum_number_of_calls: 5, wait_duration_in_open_state_ms: 1_500,
            permitted_number_of_calls_in_half_open_state: 2, automatic_transition_from_open_to_half_open: automatic,
            max_wait_duration_in_half_open_state_ms: 700, ..Config::default()
        });
        let plain = run_breaker(&config, &requests, &attempts, 30 * SEC, 0, 0, &[]).unwrap();
        let binned = run_breaker(&config, &requests, &attempts, 30 * SEC, bins, 0, &[]).unwrap();
        prop_assert_eq!(&plain.calls, &binned.calls);
        prop_assert_eq!(&plain.transitions, &binned.transitions);
        prop_assert_eq!(&plain.decided_by, &binned.decided_by);
        prop_assert_eq!(binned.bins.len(), bins);
        let counted: u32 = binned.bins.iter().map(|b| b.ok + b.slow + b.failed + b.rejected).sum();
        prop_assert_eq!(counted as usize, requests.len());
    }
}

/// A slice that ends after an automatic OPEN → HALF_OPEN shows the trial's
/// fresh window (no rate yet), not the rate CLOSED left behind.
#[test]
fn gauges_follow_automatic_transitions_within_a_slice() {
    use playground::sim::circuit_breaker::run::Bin;
    use playground::sim::kernel::traffic::Arrival;
    // Ten calls at 0.0–0.9 s all fail after 10 ms, then nothing arrives.
    let requests = Traffic::List { requests: (0..10).map(|i| Arrival(f64::from(i) * 100.0, 1)).collect() }
        .generate(10 * SEC, &mut Rng::new(1));
    let phase = Phase { at_ms: 0, failure_rate: 1.0, latency_ms: 10, slow_rate: 0.0, slow_latency_ms: 0 };
    let attempts = draw(&requests, &Dependency { phases: vec![phase] }, &mut Rng::new(1));
    let config = BreakerConfig::Resilience4j(Config {
        sliding_window_size: 5,
        minimum_number_of_calls: 5,
        wait_duration_in_open_state_ms: 2_000,
        automatic_transition_from_open_to_half_open: true,
        ..Config::default()
    });
    let run = run_breaker(&config, &requests, &attempts, 10 * SEC, 10, 0, &[]).unwrap();
    // Opens at 0.41 s on the fifth failure; the timer moves it to HALF_OPEN at 2.41 s.
    assert_eq!(edges(&run), [(410, State::Closed, State::Open), (2_410, State::Open, State::HalfOpen)]);
    assert_eq!(run.bins[1], Bin { gauge: [100.0, 0.0], ..Default::default() }, "OPEN keeps CLOSED's window");
    assert_eq!(run.bins[2].gauge, [-1.0, -1.0], "the trial's window has no results yet");
}

/// Resilience4j's `IntervalFunction`s for the open wait, by hand from
/// resilience4j-core's `IntervalFunction.java` (each product truncated to a
/// whole millisecond before the next).
#[test]
fn the_open_wait_functions_follow_resilience4js_interval_functions() {
    use playground::sim::circuit_breaker::WaitInterval;
    let never = || -> f64 { unreachable!("not random") };
    let exp = WaitInterval::Exponential { multiplier: 1.5, max_ms: None };
    let waits: Vec<u64> = (1..=5).map(|n| exp.wait_ms(100, n, never)).collect();
    assert_eq!(waits, [100, 150, 225, 337, 505]);
    let capped = WaitInterval::Exponential { multiplier: 1.5, max_ms: Some(300) };
    assert_eq!((capped.wait_ms(100, 3, never), capped.wait_ms(100, 4, never)), (225, 300));
    // Randomized: uniform over wait · (1 ± factor), truncated.
    let random = WaitInterval::Randomized { factor: 0.5 };
    assert_eq!(
        (random.wait_ms(500, 3, || 0.0), random.wait_ms(500, 3, || 0.5), random.wait_ms(500, 1, || 0.999)),
        (250, 500, 749)
    );
    // Exponential random: the draw around the exponential wait, then the cap.
    let both = WaitInterval::ExponentialRandom { multiplier: 2.0, factor: 0.5, max_ms: Some(3_000) };
    assert_eq!((both.wait_ms(1_000, 2, || 0.25), both.wait_ms(1_000, 3, || 0.75)), (1_500, 3_000));
    assert_eq!(
        WaitInterval::Exponential { multiplier: 0.5, max_ms: None }.validate().unwrap_err(),
        "wait_interval_in_open_state: multiplier must be between 1 and 100, not 0.5"
    );
    assert!(WaitInterval::Randomized { factor: 1.5 }.validate().is_err());
}

/// Each opening since the breaker last closed waits longer; closing starts
/// the count again (Resilience4j's `attempts`, kept through HALF_OPEN and
/// reset by CLOSED).
#[test]
fn an_exponential_open_wait_grows_until_the_breaker_closes() {
    use playground::sim::circuit_breaker::WaitInterval;
    let config = Config {
        wait_interval_in_open_state: Some(WaitInterval::Exponential { multiplier: 2.0, max_ms: Some(15_000) }),
        ..count_based(2, 2)
    };
    let mut cb = CircuitBreaker::new(config, 0);
    // Two failures open it at 1 s: the first wait is 5 s.
    call(&mut cb, 0, SEC, true);
    call(&mut cb, 0, SEC, true);
    assert_eq!((cb.state(SEC), cb.open_wait()), (State::Open, 5 * SEC));
    assert!(!cb.try_acquire(6 * SEC), "not strictly after the wait");
    // Half-open at 6 s + 1 ns; two failed trials open it again: 10 s, then 15 s (capped, not 20 s).
    let mut t = 6 * SEC + 1;
    for wait in [10 * SEC, 15 * SEC] {
        call(&mut cb, t, SEC, true);
        call(&mut cb, t, SEC, true);
        assert_eq!((cb.state(t + SEC), cb.open_wait()), (State::Open, wait));
        assert!(!cb.try_acquire(t + SEC + wait));
        t += SEC + wait + 1;
    }
    // Two successful trials close it; the next opening waits 5 s again.
    call(&mut cb, t, SEC, false);
    call(&mut cb, t, SEC, false);
    assert_eq!(cb.state(t + SEC), State::Closed);
    call(&mut cb, t + 2 * SEC, SEC, true);
    call(&mut cb, t + 2 * SEC, SEC, true);
    assert_eq!((cb.state(t + 3 * SEC), cb.open_wait()), (State::Open, 5 * SEC));
    let opens: Vec<u64> = cb.transitions().iter().filter(|x| x.to == State::Open).map(|x| x.at / MS).collect();
    assert_eq!(opens, [1_000, 7_000, 18_000, 36_000]);
}

/// The numbers the circuit-breaker article quotes for the doubling open
/// wait, from the outage preset's count-based breaker.
#[test]
fn a_doubling_open_wait_probes_less_and_recovers_later() {
    use playground::sim::circuit_breaker::presets::preset;
    use playground::sim::circuit_breaker::run::BreakerConfig;
    use playground::sim::circuit_breaker::WaitInterval;
    let mut s = preset("outage").unwrap();
    s.breakers.truncate(1);
    let fixed = s.run(0).unwrap().remove(0);
    if let BreakerConfig::Resilience4j(c) = &mut s.breakers[0] {
        c.wait_interval_in_open_state = Some(WaitInterval::Exponential { multiplier: 2.0, max_ms: None });
    }
    let doubling = s.run(0).unwrap().remove(0);
    let at = |run: &playground::sim::circuit_breaker::run::BreakerRun, to: State| -> Vec<u64> {
        run.transitions.iter().filter(|t| t.to == to).map(|t| t.at / 100_000_000).collect()
    };
    assert_eq!(at(&doubling, State::HalfOpen), [214, 325, 539]);
    assert_eq!(at(&fixed, State::HalfOpen)[..3], [214, 275, 338]);
    assert_eq!(
        (at(&doubling, State::Open)[2], at(&fixed, State::Closed), at(&doubling, State::Closed)),
        (338, vec![406], vec![540])
    );
    assert_eq!((fixed.summary.failed_fast, doubling.summary.failed_fast), (446, 725));
    let article = include_str!("../articles/circuit-breaker.md");
    for quote in [
        "It probes the dead dependency at 21.4 s and 32.6 s, where a fixed 5 s wait probes at 21.4, 27.6 and 33.9 s",
        "The third opening, at 33.9 s, waits 20 s, so the breaker closes at 54.1 s instead of 40.6 s and fails 725 calls fast instead of 446",
    ] {
        assert!(article.contains(quote), "the article no longer says `{quote}`");
    }
}

/// The `application.yml` the circuit-breaker article shows is the first
/// breaker of its slow-calls widget: each key maps onto the engine's
/// `Config`, and the keys it leaves out keep Resilience4j's defaults.
#[test]
fn the_articles_resilience4j_yaml_is_its_slow_calls_breaker() {
    use playground::sim::circuit_breaker::presets::preset;
    let article = include_str!("../articles/circuit-breaker.md");
    let start = article.find("```yaml\n").expect("a yaml block") + "```yaml\n".len();
    let yaml = &article[start..start + article[start..].find("```").unwrap()];
    let mut lines = yaml.lines();
    assert_eq!(lines.next(), Some("resilience4j.circuitbreaker:"));
    assert_eq!(lines.next(), Some("  instances:"));
    let instance = lines.next().unwrap();
    assert!(instance.starts_with("    ") && instance.ends_with(':'), "`{instance}` names one instance");
    assert!(article.contains(&format!("`@CircuitBreaker(name = \"{}\")`", instance.trim().trim_end_matches(':'))));
    // Spring Boot's durations as the block writes them: `5s` or `1000ms`.
    let ms = |v: &str| match v.strip_suffix("ms") {
        Some(n) => n.parse::<u64>().unwrap(),
        None => v.strip_suffix('s').unwrap().parse::<u64>().unwrap() * 1_000,
    };
    let mut c = Config::default();
    for line in lines {
        assert!(line.starts_with("      "), "`{line}` is not a setting of the instance");
        let (key, value) = line.trim().split_once(": ").unwrap();
        match key {
            "slidingWindowType" => {
                c.sliding_window_type = match value {
                    "COUNT_BASED" => WindowType::CountBased,
                    "TIME_BASED" => WindowType::TimeBased,
                    other => panic!("no window type `{other}`"),
                }
            }
            "slidingWindowSize" => c.sliding_window_size = value.parse().unwrap(),
            "minimumNumberOfCalls" => c.minimum_number_of_calls = value.parse().unwrap(),
            "failureRateThreshold" => c.failure_rate_threshold = value.parse().unwrap(),
            "slowCallRateThreshold" => c.slow_call_rate_threshold = value.parse().unwrap(),
            "slowCallDurationThreshold" => c.slow_call_duration_threshold_ms = ms(value),
            "waitDurationInOpenState" => c.wait_duration_in_open_state_ms = ms(value),
            "permittedNumberOfCallsInHalfOpenState" => {
                c.permitted_number_of_calls_in_half_open_state = value.parse().unwrap()
            }
            "automaticTransitionFromOpenToHalfOpenEnabled" => {
                c.automatic_transition_from_open_to_half_open = value.parse().unwrap()
            }
            "maxWaitDurationInHalfOpenState" => c.max_wait_duration_in_half_open_state_ms = ms(value),
            other => panic!("`{other}` is not a setting the engine models"),
        }
    }
    assert_eq!(BreakerConfig::Resilience4j(c), preset("slow-calls").unwrap().breakers[0]);
}

/// The replay against Resilience4j itself (resilience4j at af9e7c97,
/// compiled and driven with a mock clock through the same events; see
/// `tests/golden/circuit_breaker/SCENARIOS.md`): after each event, whether
/// an acquire was permitted, the state, the failure and slow-call rates,
/// and the buffered, failed, slow and not-permitted calls.
#[test]
fn a_replay_reports_what_resilience4j_reports_event_by_event() {
    use playground::sim::circuit_breaker::replay::Replay;
    let r = Replay::from_json(include_str!("golden/circuit_breaker/replay-cycle.json")).unwrap();
    let got: Vec<_> = r
        .run()
        .iter()
        .map(|l| {
            let rate = |r: Option<f32>| r.map_or(0, |r| r as i32);
            (
                l.permitted,
                l.state,
                rate(l.failure_rate),
                rate(l.slow_call_rate),
                l.buffered.unwrap(),
                l.failed.unwrap(),
                l.slow.unwrap(),
                l.not_permitted.unwrap(),
            )
        })
        .collect();
    use State::{Closed as C, HalfOpen as H, Open as O};
    let (t, f, n) = (Some(true), Some(false), None);
    let want = [
        (t, C, -1, -1, 0, 0, 0, 0),
        (n, C, -1, -1, 1, 1, 0, 0),
        (t, C, -1, -1, 1, 1, 0, 0),
        (n, C, -1, -1, 2, 2, 0, 0),
        (t, C, -1, -1, 2, 2, 0, 0),
        (n, C, -1, -1, 3, 2, 0, 0),
        (t, C, -1, -1, 3, 2, 0, 0),
        (n, C, -1, -1, 4, 2, 1, 0),
        (t, C, -1, -1, 4, 2, 1, 0),
        (n, O, 60, 20, 5, 3, 1, 0),
        (f, O, 60, 20, 5, 3, 1, 1),
        (f, O, 60, 20, 5, 3, 1, 2),
        // Exactly 5,000 ms after opening: not strictly after the wait.
        (f, O, 60, 20, 5, 3, 1, 3),
        (t, H, -1, -1, 0, 0, 0, 0),
        (n, H, -1, -1, 1, 1, 0, 0),
        (t, H, -1, -1, 1, 1, 0, 0),
        (n, H, -1, -1, 2, 1, 0, 0),
        (t, H, -1, -1, 2, 1, 0, 0),
        (n, H, -1, -1, 3, 1, 1, 0),
        (t, H, -1, -1, 3, 1, 1, 0),
        (f, H, -1, -1, 3, 1, 1, 1),
        // An ignored error gives the fourth permit back and records nothing.
        (n, H, -1, -1, 3, 1, 1, 1),
        (t, H, -1, -1, 3, 1, 1, 1),
        (n, C, -1, -1, 0, 0, 0, 0),
        (t, C, -1, -1, 0, 0, 0, 0),
        (n, C, -1, -1, 1, 0, 0, 0),
    ];
    assert_eq!(got, want);
}

/// A released permission adds a HALF_OPEN trial call with no cap, and OPEN
/// keeps the metrics (not-permitted calls included) of the state it came
/// from; forcing OPEN again counts another opening; a reset starts the
/// count over (values from Resilience4j at af9e7c97).
#[test]
fn releases_forced_states_and_resets_as_resilience4j_performs_them() {
    use playground::sim::circuit_breaker::replay::Replay;
    let cb5 = r#"{"resilience4j": {"sliding_window_size": 5, "minimum_number_of_calls": 5, "failure_rate_threshold": 50,
        "slow_call_rate_threshold": 50, "slow_call_duration_threshold_ms": 4000, "wait_duration_in_open_state_ms": 5000,
        "permitted_number_of_calls_in_half_open_state": 4"#;
    let replay = |extra: &str, events: &str| {
        let text = format!(r#"{{"breaker": {cb5}{extra}}}}}, "events": [{events}]}}"#);
        Replay::from_json(&text).unwrap_or_else(|e| panic!("{e}")).run()
    };
    let fail = r#"{"at_ms": 0, "event": "acquire"}, {"at_ms": 0, "event": {"failure": {"duration_ms": 0}}}"#;
    let acquire = |t: u32| format!(r#"{{"at_ms": {t}, "event": "acquire"}}"#);
    let result = |t: u32, kind: &str| format!(r#"{{"at_ms": {t}, "event": {{"{kind}": {{"duration_ms": 0}}}}}}"#);
    let mut events = [fail; 5].join(", ");
    for _ in 0..5 {
        events.push_str(&format!(", {}", acquire(5_001)));
    }
    events.push_str(r#", {"at_ms": 5001, "event": "release"}, "#);
    events.push_str(
        &[
            acquire(5_001),
            result(5_001, "failure"),
            result(5_001, "failure"),
            result(5_001, "failure"),
            result(5_001, "success"),
            acquire(5_001),
        ]
        .join(", "),
    );
    let lines = replay("", &events);
    let after_release = &lines[16];
    assert_eq!(
        (after_release.permitted, after_release.state, after_release.not_permitted),
        (Some(true), State::HalfOpen, Some(1))
    );
    let last = lines.last().unwrap();
    assert_eq!(
        (last.permitted, last.state, last.failure_rate, last.buffered, last.failed, last.not_permitted),
        (Some(false), State::Open, Some(75.0), Some(4), Some(3), Some(2))
    );
    // Exponential open waits 5,000 and 7,500 ms; forcing OPEN again counts an opening; a reset starts over.
    let backoff = r#", "wait_interval_in_open_state": {"exponential": {"multiplier": 1.5}}"#;
    let force = |t: u32, what: &str| format!(r#"{{"at_ms": {t}, "event": {what}}}"#);
    let events = [
        force(0, r#"{"force": "open"}"#),
        acquire(5_000),
        acquire(5_001),
        force(5_001, r#"{"force": "open"}"#),
        acquire(12_501),
        acquire(12_502),
        force(12_502, r#""reset""#),
        force(12_502, r#"{"force": "open"}"#),
        acquire(17_502),
        acquire(17_503),
        force(17_503, r#"{"force": "half-open"}"#),
        force(17_503, r#""reset""#),
        force(17_503, r#"{"force": "half-open"}"#),
    ]
    .join(", ");
    let lines = replay(backoff, &events);
    let permitted: Vec<Option<bool>> = lines.iter().map(|l| l.permitted).collect();
    assert_eq!(
        permitted,
        [
            None,
            Some(false),
            Some(true),
            None,
            Some(false),
            Some(true),
            None,
            None,
            Some(false),
            Some(true),
            None,
            None,
            None
        ]
    );
    assert_eq!((lines[3].state, lines[6].state, lines[10].state), (State::Open, State::Closed, State::HalfOpen));
    assert_eq!(lines[10].error, None);
    assert_eq!(
        lines[12].error.as_deref(),
        Some("Resilience4j refuses CLOSED → HALF_OPEN (IllegalStateTransitionException)")
    );
    assert_eq!(lines[12].state, State::Closed);
    // Forcing OPEN while OPEN: a fresh OPEN state, the second opening, waiting 7,500 ms from then.
    let events =
        [force(0, r#"{"force": "open"}"#), force(1_000, r#"{"force": "open"}"#), acquire(8_500), acquire(8_501)]
            .join(", ");
    let lines = replay(backoff, &events);
    assert_eq!((lines[2].permitted, lines[3].permitted, lines[3].state), (Some(false), Some(true), State::HalfOpen));
}

proptest! {
    /// Damaged replay files are refused with a message, never a panic.
    #[test]
    fn damaged_replays_never_panic(cut in 0usize..3_000, at in 0usize..3_000, c in proptest::char::range(' ', '~')) {
        use playground::sim::circuit_breaker::replay::Replay;
        let text = include_str!("golden/circuit_breaker/replay-cycle.json");
        let mut damaged: String = text.chars().take(cut.max(at)).collect();
        damaged.insert(at.min(damaged.len()), c);
        damaged.extend(text.chars().skip(cut.max(at)));
        if let Ok(r) = Replay::from_json(&damaged) {
            prop_assert_eq!(r.run().len(), r.events.len());
        }
    }
}

/// Resilience4j's own tests of the forced states and of the state after the
/// half-open wait (`CircuitBreakerStateMachineTest` at af9e7c97), driven
/// through the replay, event by event. The breaker is the test's: a 20 s
/// time window of at least 5 calls, thresholds of 50%, 4 half-open calls,
/// slow above 4 s, at most 1 s in HALF_OPEN, 5 s open; the test's clock
/// stands still unless a test advances it.
mod forced_states {
    use playground::sim::circuit_breaker::replay::{Line, Replay};
    use playground::sim::circuit_breaker::{legal, State};

    const BREAKER: &str = r#"{ "resilience4j": { "sliding_window_type": "time-based", "sliding_window_size": 20,
        "minimum_number_of_calls": 5, "failure_rate_threshold": 50, "slow_call_rate_threshold": 50,
        "slow_call_duration_threshold_ms": 4000, "permitted_number_of_calls_in_half_open_state": 4,
        "max_wait_duration_in_half_open_state_ms": 1000, "wait_duration_in_open_state_ms": 5000 EXTRA } }"#;

    fn replay(extra: &str, events: &[(f64, &str)]) -> Vec<Line> {
        let events: Vec<String> = events.iter().map(|(at, e)| format!("{{\"at_ms\": {at}, \"event\": {e}}}")).collect();
        let json = format!("{{\"breaker\": {}, \"events\": [{}]}}", BREAKER.replace("EXTRA", extra), events.join(", "));
        Replay::from_json(&json).unwrap_or_else(|e| panic!("{e}\n{json}")).run()
    }

    /// Resilience4j's `assertCircuitBreakerMetricsEqualTo`: failure rate, successful, buffered, failed, not permitted.
    fn metrics(l: &Line) -> (f32, u32, u32, u32, u64) {
        let (buffered, failed) = (l.buffered.unwrap(), l.failed.unwrap());
        (l.failure_rate.unwrap(), buffered - failed, buffered, failed, l.not_permitted.unwrap())
    }

    #[test]
    fn should_record_metrics_in_metrics_only_state() {
        let f = r#"{"failure": {"duration_ms": 0}}"#;
        let s = r#"{"success": {"duration_ms": 0}}"#;
        let lines = replay(
            "",
            &[
                (0.0, r#"{"force": "metrics-only"}"#),
                (0.0, r#""acquire""#),
                (0.0, r#""acquire""#),
                (0.0, f),
                (0.0, r#""acquire""#),
                (0.0, f),
                (0.0, r#""acquire""#),
                (0.0, f),
                (0.0, r#""acquire""#),
                (0.0, s),
                (0.0, s),
                (0.0, f),
            ],
        );
        assert_eq!(lines[0].state, State::MetricsOnly);
        assert_eq!(metrics(&lines[0]), (-1.0, 0, 0, 0, 0));
        assert_eq!(lines[1].permitted, Some(true));
        assert_eq!(metrics(&lines[3]), (-1.0, 0, 1, 1, 0));
        assert_eq!(metrics(&lines[5]), (-1.0, 0, 2, 2, 0));
        assert_eq!(metrics(&lines[7]), (-1.0, 0, 3, 3, 0));
        assert_eq!(metrics(&lines[9]), (-1.0, 1, 4, 3, 0));
        // Five calls buffered, 60% failed: above the threshold, and still METRICS_ONLY.
        assert_eq!(metrics(&lines[10]), (60.0, 2, 5, 3, 0));
        assert!(lines.iter().all(|l| l.state == State::MetricsOnly && l.error.is_none()));
    }

    #[test]
    fn should_reset_metrics_after_metrics_only_state_transition() {
        let s = r#"{"success": {"duration_ms": 0}}"#;
        let lines = replay("", &[(0.0, s), (0.0, s), (0.0, r#"{"force": "metrics-only"}"#)]);
        assert_eq!(metrics(&lines[1]), (-1.0, 2, 2, 0, 0));
        assert_eq!((lines[2].state, metrics(&lines[2])), (State::MetricsOnly, (-1.0, 0, 0, 0, 0)));
    }

    #[test]
    fn should_disable_circuit_breaker() {
        let f = r#"{"failure": {"duration_ms": 0}}"#;
        let lines = replay(
            "",
            &[
                (0.0, r#"{"force": "disabled"}"#),
                (0.0, r#""acquire""#),
                (0.0, r#"{"success": {"duration_ms": 0}}"#),
                (0.0, r#""acquire""#),
                (0.0, f),
                (0.0, r#""acquire""#),
                (0.0, f),
                (0.0, r#""acquire""#),
                (0.0, f),
                (0.0, r#""acquire""#),
                (0.0, f),
            ],
        );
        assert_eq!(lines[0].state, State::Disabled);
        assert!(lines.iter().filter(|l| l.event == "acquire").all(|l| l.permitted == Some(true)));
        // Nothing is recorded.
        assert!(lines.iter().all(|l| l.state == State::Disabled && metrics(l) == (-1.0, 0, 0, 0, 0)));
    }

    #[test]
    fn should_force_open_circuit_breaker() {
        let lines =
            replay("", &[(0.0, r#"{"force": "forced-open"}"#), (0.0, r#""acquire""#), (6000.0, r#""acquire""#)]);
        assert_eq!(lines[0].state, State::ForcedOpen);
        assert_eq!(lines[1].permitted, Some(false));
        // Not half open, though the 5 s open wait has passed.
        assert_eq!((lines[2].permitted, lines[2].state), (Some(false), State::ForcedOpen));
        assert_eq!(metrics(&lines[2]), (-1.0, 0, 0, 0, 2));
    }

    #[test]
    fn should_throw_call_not_permitted_exception_when_state_is_forced_open() {
        let lines = replay("", &[(0.0, r#"{"force": "forced-open"}"#), (0.0, r#""acquire""#)]);
        assert_eq!((lines[1].permitted, lines[1].not_permitted), (Some(false), Some(1)));
    }

    /// `circuitBreakerTransitionsToOpenAfterWaitDurationInHalfOpenState` and
    /// `…ToClosedAfterWaitDuration…`: after the 1 s maximum wait, HALF_OPEN
    /// goes to OPEN, or to CLOSED when `transitionToStateAfterWaitDuration` says so.
    #[test]
    fn half_open_goes_where_transition_to_state_after_wait_duration_says() {
        let events = [(0.0, r#"{"force": "open"}"#), (0.0, r#"{"force": "half-open"}"#), (2000.0, r#""acquire""#)];
        let open = replay("", &events);
        assert_eq!(open[1].state, State::HalfOpen);
        // OPEN since 1 s, with a 5 s wait: the acquire at 2 s is refused.
        assert_eq!((open[2].state, open[2].permitted), (State::Open, Some(false)));
        let closed = replay(r#", "transition_to_state_after_wait_duration": "closed""#, &events);
        assert_eq!((closed[2].state, closed[2].permitted), (State::Closed, Some(true)));
        assert!(Replay::from_json(&format!(
            "{{\"breaker\": {}, \"events\": []}}",
            BREAKER.replace("EXTRA", r#", "transition_to_state_after_wait_duration": "half-open""#)
        ))
        .is_err());
    }

    /// `CircuitBreaker.StateTransition`: every pair of states but CLOSED →
    /// HALF_OPEN and METRICS_ONLY → OPEN or HALF_OPEN (33 of 36), and the
    /// replay refuses those three with Resilience4j's exception named.
    #[test]
    fn only_resilience4js_transitions_are_allowed() {
        use State::*;
        let all = [Closed, Open, HalfOpen, Disabled, MetricsOnly, ForcedOpen];
        let allowed = all.iter().flat_map(|&a| all.iter().map(move |&b| (a, b))).filter(|&(a, b)| legal(a, b)).count();
        assert_eq!(allowed, 33);
        assert!(all.iter().all(|&s| legal(s, MetricsOnly) && legal(s, s)));
        assert!(!legal(Closed, HalfOpen) && !legal(MetricsOnly, Open) && !legal(MetricsOnly, HalfOpen));
        let lines = replay("", &[(0.0, r#"{"force": "metrics-only"}"#), (0.0, r#"{"force": "open"}"#)]);
        assert_eq!(lines[1].state, MetricsOnly);
        assert_eq!(
            lines[1].error.as_deref(),
            Some("Resilience4j refuses METRICS_ONLY → OPEN (IllegalStateTransitionException)")
        );
    }

    /// `handleThrowable`: an error matched by neither `recordExceptions`
    /// nor `ignoreExceptions` is recorded as a success, slow or not.
    #[test]
    fn an_error_neither_recorded_nor_ignored_counts_as_a_success() {
        let lines = replay(
            "",
            &[
                (0.0, r#"{"unrecorded-error": {"duration_ms": 5000}}"#),
                (0.0, r#"{"failure": {"duration_ms": 0}}"#),
                (0.0, r#""ignored""#),
            ],
        );
        assert_eq!(lines[0].event, "unrecorded-error 5000");
        assert_eq!((lines[0].buffered, lines[0].failed, lines[0].slow), (Some(1), Some(0), Some(1)));
        assert_eq!((lines[2].buffered, lines[2].failed), (Some(2), Some(1)));
    }
}

/// States forced during a run: from 10 s the Resilience4j breaker is forced
/// open and fails every call fast, from 20 s disabled and lets every call
/// through without recording it, from 30 s closed again with fresh metrics;
/// pybreaker, which has no forced states, runs as it would without them.
#[test]
fn forced_states_in_a_run_act_on_resilience4j_only() {
    use playground::sim::circuit_breaker::presets::preset;
    use playground::sim::circuit_breaker::run::Forcing;
    use playground::sim::circuit_breaker::State;
    let mut s = preset("outage").unwrap();
    assert!(matches!(s.breakers[1], playground::sim::circuit_breaker::run::BreakerConfig::Consecutive(_)));
    let plain = s.run(0).unwrap();
    s.force(Forcing { at_ms: 20_000, state: State::Disabled });
    s.force(Forcing { at_ms: 10_000, state: State::ForcedOpen });
    s.force(Forcing { at_ms: 30_000, state: State::Closed });
    assert_eq!(s.forced.iter().map(|f| f.at_ms).collect::<Vec<_>>(), [10_000, 20_000, 30_000]);
    let runs = s.run(0).unwrap();
    let r4j = &runs[0];
    let between = |lo: u64, hi: u64| r4j.calls.iter().filter(move |c| c.at >= lo * MS && c.at < hi * MS);
    assert!(between(10_000, 20_000).count() > 100);
    assert!(between(10_000, 20_000).all(|c| !c.reached && c.state == State::ForcedOpen));
    assert!(between(20_000, 30_000).all(|c| c.reached && c.state == State::Disabled));
    let moves: Vec<(u64, State)> =
        r4j.transitions.iter().map(|t| (t.at / MS, t.to)).filter(|(at, _)| *at >= 10_000).collect();
    assert_eq!(&moves[..3], [(10_000, State::ForcedOpen), (20_000, State::Disabled), (30_000, State::Closed)]);
    // pybreaker's lane is the run without forcing, call for call.
    assert_eq!(runs[1].calls, plain[1].calls);
    assert_eq!(runs[1].transitions, plain[1].transitions);
    // The JSON keeps them; a forcing after the end or out of order is refused.
    let json = playground::scenario::Scenario::from(s.clone()).to_json();
    assert!(json.contains(r#""forced":[{"at_ms":10000,"state":"forced-open"},{"at_ms":20000,"state":"disabled"},{"at_ms":30000,"state":"closed"}]"#), "{json}");
    let mut late = s.clone();
    late.forced.push(Forcing { at_ms: s.duration_ms + 1, state: State::Closed });
    assert!(late.validate().unwrap_err().contains("after the run's end"));
    let mut open = s.clone();
    open.forced.push(Forcing { at_ms: 40_000, state: State::Open });
    assert!(open
        .validate()
        .unwrap_err()
        .contains("a run forces forced-open, disabled, metrics-only or closed, not open"));
    let mut backwards = s.clone();
    backwards.forced.push(Forcing { at_ms: 5_000, state: State::Closed });
    assert!(backwards.validate().unwrap_err().contains("in time order"));
    // A shorter run drops what it no longer reaches; the run notes each forced transition.
    let mut shorter = s.clone();
    shorter.set_duration(25_000);
    assert_eq!(shorter.forced.iter().map(|f| f.at_ms).collect::<Vec<_>>(), [10_000, 20_000]);
    let flagged: Vec<u64> =
        r4j.transitions.iter().zip(&r4j.forced).filter(|(_, f)| **f).map(|(t, _)| t.at / MS).collect();
    assert_eq!(flagged, [10_000, 20_000, 30_000]);
    assert!(runs[1].forced.iter().all(|f| !f));
}

/// The numbers the article's "Operating a breaker by hand" quotes, from its
/// widget block: METRICS_ONLY from the start, forced open from 40 s to 50 s.
#[test]
fn the_articles_forced_states_numbers() {
    use playground::scenario::{block, Scenario};
    let article = include_str!("../articles/circuit-breaker.md");
    let at = article.find("forced: metrics-only at 0").expect("the forced-states block");
    let start = article[..at].rfind("```widget\n").unwrap() + "```widget\n".len();
    let text = &article[start..at + article[at..].find("```").unwrap()];
    let Scenario::CircuitBreaker(s) = block::parse(text).unwrap().scenario else {
        panic!("not a circuit-breaker block")
    };
    let runs = s.run(0).unwrap();
    let (r4j, py) = (&runs[0].summary, &runs[1].summary);
    let forced_open = runs[0].calls.iter().filter(|c| c.at >= 40_000 * MS && c.at < 50_000 * MS).count() as u64;
    assert_eq!((r4j.failed_fast, forced_open, r4j.dependency_failures, r4j.mean_latency_ns / MS), (198, 198, 411, 363));
    assert_eq!((r4j.mean_latency_without_breaker_ns / MS, py.failed_fast, py.mean_latency_ns / MS), (370, 398, 92));
    for quote in [
        "lets through every call outside 40 s to 50 s and 411 fail at the dependency, for a mean latency of 363 ms against 370 ms with no breaker",
        "fails 398 calls fast and averages 92 ms. From 40 s the operator's forced open refuses 198 calls",
    ] {
        assert!(article.contains(quote), "the article no longer says `{quote}`");
    }
}
