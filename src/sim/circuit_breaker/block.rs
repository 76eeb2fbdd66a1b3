//! The circuit breaker's widget-block keys: the breakers and their
//! parameters, the duration, the dependency script and the traffic.

use super::presets::{pybreaker, resilience4j};
use super::run::{BreakerConfig, Dependency, Forcing, FORCEABLE, SCRIPTS};
use super::scenario::CircuitBreakerScenario;
use super::{AfterWait, WaitInterval, WindowType};
use crate::scenario::block::Block;
use crate::sim::kernel::traffic::check_duration;

/// The preset a block starts from when it names none.
pub const PRESET: &str = "outage";

/// Keys a circuit-breaker block accepts: its own, then the traffic keys.
pub const KEYS: [&str; 31] = [
    "kind",
    "preset",
    "title",
    "breakers",
    "window_size",
    "minimum_calls",
    "failure_threshold",
    "slow_threshold",
    "slow_ms",
    "wait_ms",
    "open_backoff",
    "half_open_calls",
    "auto_half_open",
    "max_half_open_ms",
    "after_half_open_wait",
    "fail_max",
    "success_threshold",
    "duration_ms",
    "dependency",
    "forced",
    "seed",
    "time_ms",
    "traffic",
    "rps",
    "on_ms",
    "off_ms",
    "spike_rps",
    "spike_at_ms",
    "spike_ms",
    "base_rps",
    "cost",
];

/// Keys only Resilience4j breakers have.
const R4J_ONLY_KEYS: [&str; 10] = [
    "open_backoff",
    "window_size",
    "minimum_calls",
    "failure_threshold",
    "slow_threshold",
    "slow_ms",
    "half_open_calls",
    "auto_half_open",
    "max_half_open_ms",
    "after_half_open_wait",
];

/// Keys only pybreaker's breaker has.
const CONSECUTIVE_ONLY_KEYS: [&str; 2] = ["fail_max", "success_threshold"];

/// An `open_backoff:` value: `fixed`, `exponential <multiplier>`,
/// `exponential <multiplier> max <ms>` or `randomized <factor>`.
fn open_backoff(v: &str) -> Result<Option<WaitInterval>, String> {
    let words: Vec<&str> = v.split_whitespace().collect();
    let num = |w: &str| crate::sim::kernel::num::parse(w).ok_or_else(|| format!("`{w}` is not a number"));
    let wait = match words.as_slice() {
        ["fixed"] => return Ok(None),
        ["exponential", m] => WaitInterval::Exponential { multiplier: num(m)?, max_ms: None },
        ["exponential", m, "max", ms] => {
            WaitInterval::Exponential { multiplier: num(m)?, max_ms: Some(num(ms)?.clamp(0.0, 1e12) as u64) }
        }
        ["randomized", f] => WaitInterval::Randomized { factor: num(f)? },
        _ => {
            return Err(format!(
                "`open_backoff` is `fixed`, `exponential <multiplier>`, `exponential <multiplier> max <ms>` or `randomized <factor>`, not `{v}`"
            ))
        }
    };
    wait.validate()?;
    Ok(Some(wait))
}

/// The names a block's `breakers:` line takes.
pub const BREAKER_NAMES: [&str; 3] = ["count", "time", "consecutive"];

/// Applies a block's breakers (each keeping the preset's breaker of its
/// kind), each breaker's parameters, the duration, the dependency script and
/// the traffic, in that order.
pub fn apply(s: &mut CircuitBreakerScenario, block: &Block) -> Result<(), String> {
    if let Some((line, v)) = block.get("breakers") {
        let mut lanes = Vec::new();
        for name in v.split(',').map(str::trim) {
            let window = match name {
                "count" => Some(WindowType::CountBased),
                "time" => Some(WindowType::TimeBased),
                "consecutive" => None,
                _ => {
                    return Err(format!(
                        "line {line}: unknown breaker `{name}`; breakers: {}",
                        BREAKER_NAMES.join(", ")
                    ))
                }
            };
            let lane = match window {
                Some(w) => {
                    let mut c = s
                        .breakers
                        .iter()
                        .find_map(|b| match b {
                            BreakerConfig::Resilience4j(c) if c.sliding_window_type == w => Some(c.clone()),
                            _ => None,
                        })
                        .unwrap_or_else(resilience4j);
                    if c.sliding_window_type != w {
                        // A time window counts seconds: ten of them, as a starting point.
                        c.sliding_window_type = w;
                        c.sliding_window_size = 10;
                    }
                    BreakerConfig::Resilience4j(c)
                }
                None => s
                    .breakers
                    .iter()
                    .find(|b| matches!(b, BreakerConfig::Consecutive(_)))
                    .cloned()
                    .unwrap_or(BreakerConfig::Consecutive(pybreaker())),
            };
            lanes.push(lane);
        }
        s.breakers = lanes;
    }
    for lane in &mut s.breakers {
        match lane {
            BreakerConfig::Resilience4j(c) => {
                block.set("window_size", &mut c.sliding_window_size)?;
                block.set("minimum_calls", &mut c.minimum_number_of_calls)?;
                block.set("half_open_calls", &mut c.permitted_number_of_calls_in_half_open_state)?;
                block.set("failure_threshold", &mut c.failure_rate_threshold)?;
                block.set("slow_threshold", &mut c.slow_call_rate_threshold)?;
                block.set("slow_ms", &mut c.slow_call_duration_threshold_ms)?;
                block.set("wait_ms", &mut c.wait_duration_in_open_state_ms)?;
                block.set("max_half_open_ms", &mut c.max_wait_duration_in_half_open_state_ms)?;
                if let Some((line, v)) = block.get("after_half_open_wait") {
                    c.transition_to_state_after_wait_duration = match v.trim() {
                        "open" => AfterWait::Open,
                        "closed" => AfterWait::Closed,
                        other => {
                            return Err(format!(
                                "line {line}: `after_half_open_wait` is `open` or `closed` (Resilience4j's \
                                 transitionToStateAfterWaitDuration), not `{other}`"
                            ))
                        }
                    };
                }
                if let Some((line, v)) = block.get("open_backoff") {
                    c.wait_interval_in_open_state = open_backoff(v).map_err(|e| format!("line {line}: {e}"))?;
                }
                if let Some(on) = block.flag("auto_half_open")? {
                    c.automatic_transition_from_open_to_half_open = on;
                }
            }
            BreakerConfig::Consecutive(c) => {
                block.set("fail_max", &mut c.fail_max)?;
                block.set("success_threshold", &mut c.success_threshold)?;
                block.set("wait_ms", &mut c.reset_timeout_ms)?;
            }
        }
    }
    // Keys of one breaker kind must fit at least one of the block's breakers.
    for (line, key) in block.keys() {
        let fits = |b: &BreakerConfig| match b {
            BreakerConfig::Resilience4j(_) => !CONSECUTIVE_ONLY_KEYS.contains(&key),
            BreakerConfig::Consecutive(_) => !R4J_ONLY_KEYS.contains(&key),
        };
        let per_breaker = R4J_ONLY_KEYS.contains(&key) || CONSECUTIVE_ONLY_KEYS.contains(&key);
        if per_breaker && !s.breakers.iter().any(fits) {
            return Err(format!("line {line}: `{key}` does not apply to any of this block's breakers"));
        }
    }
    if let Some((line, v)) = block.get("duration_ms") {
        let duration_ms = crate::scenario::block::number(line, "duration_ms", v)?;
        check_duration(duration_ms).map_err(|e| format!("line {line}: {e}"))?;
        s.set_duration(duration_ms);
    }
    if let Some((line, v)) = block.get("dependency") {
        s.dependency = Dependency::script(v, s.duration_ms).ok_or_else(|| {
            let names: Vec<&str> = SCRIPTS.iter().map(|(n, _)| *n).collect();
            format!("line {line}: unknown dependency `{v}`; dependencies: {}", names.join(", "))
        })?;
    }
    if let Some((line, v)) = block.get("forced") {
        s.forced = forced(v).map_err(|e| format!("line {line}: {e}"))?;
    }
    block.traffic(&mut s.traffic)
}

/// A `forced:` value: states forced on the Resilience4j breakers, each
/// `<state> at <ms>` (`forced-open`, `disabled`, `metrics-only`, `closed`),
/// separated by commas, in time order.
fn forced(v: &str) -> Result<Vec<Forcing>, String> {
    let mut out = Vec::new();
    for part in v.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let bad = || {
            format!(
                "`forced` lists `<state> at <ms>` (states: forced-open, disabled, metrics-only, closed), not `{part}`"
            )
        };
        let (state, at) = part.split_once(" at ").ok_or_else(bad)?;
        let state = *FORCEABLE.iter().find(|s| s.key() == state.trim()).ok_or_else(bad)?;
        let at_ms = at.trim().parse::<u64>().map_err(|_| bad())?;
        out.push(Forcing { at_ms, state });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::super::presets::preset;
    use super::*;
    use crate::scenario::block::parse;
    use crate::sim::kernel::traffic::Traffic;

    fn cb(text: &str) -> CircuitBreakerScenario {
        CircuitBreakerScenario::try_from(parse(text).unwrap().scenario).unwrap()
    }

    #[test]
    fn a_script_stretches_with_the_duration() {
        let s = cb("kind: circuit-breaker\nduration_ms: 120000");
        assert_eq!(s.dependency, Dependency::script("outage", 120_000).unwrap());
        // A hand-laid dependency keeps its times.
        let s = cb("kind: circuit-breaker\npreset: count-vs-time\nduration_ms: 120000");
        assert_eq!(s.dependency, preset("count-vs-time").unwrap().dependency);
    }

    #[test]
    fn after_half_open_wait_sets_where_half_open_goes() {
        let after = |text: &str| match crate::scenario::block::parse(text).unwrap().scenario {
            crate::scenario::Scenario::CircuitBreaker(s) => s
                .breakers
                .iter()
                .filter_map(|b| match b {
                    BreakerConfig::Resilience4j(c) => Some(c.transition_to_state_after_wait_duration),
                    BreakerConfig::Consecutive(_) => None,
                })
                .collect::<Vec<_>>(),
            _ => unreachable!(),
        };
        assert!(after("kind: circuit-breaker").iter().all(|a| *a == AfterWait::Open));
        let closed = after("kind: circuit-breaker\nmax_half_open_ms: 2000\nafter_half_open_wait: closed");
        assert!(!closed.is_empty() && closed.iter().all(|a| *a == AfterWait::Closed));
        let e = crate::scenario::block::parse("kind: circuit-breaker\nafter_half_open_wait: half-open").unwrap_err();
        assert!(e.starts_with("line 2: `after_half_open_wait` is `open` or `closed`"), "{e}");
    }

    #[test]
    fn forced_lists_states_forced_at_times() {
        let s = cb("kind: circuit-breaker\nforced: forced-open at 10000, closed at 20000");
        assert_eq!(
            s.forced,
            [
                Forcing { at_ms: 10_000, state: super::super::State::ForcedOpen },
                Forcing { at_ms: 20_000, state: super::super::State::Closed }
            ]
        );
        let e = crate::scenario::block::parse("kind: circuit-breaker\nforced: open at 10000").unwrap_err();
        assert!(e.starts_with("line 2: `forced` lists `<state> at <ms>`"), "{e}");
        let e = crate::scenario::block::parse("kind: circuit-breaker\nforced: closed at 20000, disabled at 10000")
            .unwrap_err();
        assert!(e.contains("in time order"), "{e}");
    }

    #[test]
    fn open_backoff_sets_resilience4js_wait_interval() {
        let r4j = |text: &str| match cb(text).breakers.remove(0) {
            BreakerConfig::Resilience4j(c) => c.wait_interval_in_open_state,
            _ => panic!("first breaker is not Resilience4j"),
        };
        assert_eq!(
            r4j("kind: circuit-breaker\nopen_backoff: exponential 2 max 60000"),
            Some(WaitInterval::Exponential { multiplier: 2.0, max_ms: Some(60_000) })
        );
        assert_eq!(r4j("kind: circuit-breaker\nopen_backoff: randomized 0.5"), Some(WaitInterval::Randomized { factor: 0.5 }));
        assert_eq!(r4j("kind: circuit-breaker\nopen_backoff: fixed"), None);
        let err = |text: &str| parse(text).unwrap_err();
        assert_eq!(
            err("kind: circuit-breaker\nopen_backoff: exponential 0.5"),
            "line 2: wait_interval_in_open_state: multiplier must be between 1 and 100, not 0.5"
        );
        assert!(err("kind: circuit-breaker\nopen_backoff: doubling").starts_with("line 2: `open_backoff` is `fixed`"));
        assert_eq!(
            err("kind: circuit-breaker\nbreakers: consecutive\nopen_backoff: exponential 2"),
            "line 3: `open_backoff` does not apply to any of this block's breakers"
        );
    }

    #[test]
    fn a_bare_breaker_block_is_the_outage_preset() {
        assert_eq!(cb("kind: circuit-breaker"), preset("outage").unwrap());
    }

    #[test]
    fn breaker_overrides_apply_to_the_breakers_that_have_them() {
        let s = cb("kind: circuit-breaker\nbreakers: time, consecutive\nwindow_size: 5\nwait_ms: 2000\nfail_max: 3\n\
                    auto_half_open: yes\ndependency: slow\nduration_ms: 30000\nrps: 50");
        let BreakerConfig::Resilience4j(r) = &s.breakers[0] else { panic!("first breaker is not Resilience4j") };
        assert_eq!(
            (r.sliding_window_type, r.sliding_window_size, r.wait_duration_in_open_state_ms),
            (WindowType::TimeBased, 5, 2000)
        );
        assert!(r.automatic_transition_from_open_to_half_open);
        assert_eq!(r.minimum_number_of_calls, 10, "the preset's value stays");
        let BreakerConfig::Consecutive(c) = &s.breakers[1] else { panic!("second breaker is not consecutive") };
        assert_eq!((c.fail_max, c.reset_timeout_ms, c.success_threshold), (3, 2000, 1));
        assert_eq!(s.dependency, Dependency::script("slow", 30_000).unwrap());
        assert_eq!(s.traffic, Traffic::Poisson { rps: 50.0, cost: 1 });
    }

    #[test]
    fn breaker_block_errors_name_the_line() {
        let e = |t: &str| parse(t).unwrap_err();
        assert!(e("kind: circuit-breaker\nbreakers: count, hystrix").starts_with("line 2: unknown breaker `hystrix`"));
        assert!(e("kind: circuit-breaker\ndependency: gone").starts_with("line 2: unknown dependency `gone`"));
        assert!(e("kind: circuit-breaker\nauto_half_open: maybe").contains("must be true or false"));
        assert!(e("kind: circuit-breaker\nlimit: 3").starts_with("line 2: unknown key `limit`"));
        assert!(
            e("kind: circuit-breaker\nfailure_threshold: 0").contains("failure_rate_threshold must be greater than 0")
        );
        assert!(e("kind: circuit-breaker\nbreakers: count, time, consecutive").contains("one or two breakers"));
        assert_eq!(
            e("kind: circuit-breaker\nbreakers: count\nfail_max: 3"),
            "line 3: `fail_max` does not apply to any of this block's breakers"
        );
        assert!(e("kind: circuit-breaker\nbreakers: consecutive\nhalf_open_calls: 3")
            .starts_with("line 3: `half_open_calls`"));
        assert!(e("kind: circuit-breaker\npreset: nope").starts_with("line 2: unknown preset `nope`"));
        // An absurd duration is refused with a message, not an overflow.
        assert_eq!(
            e("kind: circuit-breaker\nduration_ms: 18446744073709551615\ndependency: outage"),
            "line 2: duration_ms must be between 1 and 3600000, not 18446744073709551615"
        );
    }
}
