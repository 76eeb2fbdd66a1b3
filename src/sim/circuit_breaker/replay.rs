//! Replaying an explicit list of events through one breaker, as a
//! reference's own tests drive it: acquire a permission, record a success
//! or a failure with its duration, an ignored error, give a permission back,
//! force a state, reset. After each event the replay reports whether an
//! acquire was permitted, the state, and the metrics the reference exposes
//! (Resilience4j's failure and slow-call rates, buffered, failed, slow and
//! not-permitted calls; pybreaker's consecutive failures).
//!
//! Resilience4j (`CircuitBreakerStateMachine`, as of commit af9e7c97):
//! an ignored error and `releasePermission` give a HALF_OPEN permit back
//! (with no cap) and record nothing; `reset` makes a fresh CLOSED state
//! from any state, its metrics and open attempts cleared; forcing the state
//! the breaker is in makes it afresh (OPEN counts another opening and
//! restarts its wait; HALF_OPEN gets fresh metrics and permits) with no
//! transition reported; CLOSED cannot be forced to HALF_OPEN, nor
//! METRICS_ONLY to OPEN or HALF_OPEN. The forced states DISABLED (permits
//! all, records nothing), METRICS_ONLY (permits all, records, never moves)
//! and FORCED_OPEN (refuses all) stay until forced elsewhere or reset. An
//! error that `recordExceptions` does not match and `ignoreExceptions` does
//! not either is recorded as a success (`handleThrowable`). pybreaker
//! counts an excluded error as a success, every other error as a failure,
//! and has no permits to give back.

use super::run::BreakerConfig;
use super::{CircuitBreaker, State};
use super::consecutive::ConsecutiveBreaker;
use crate::scenario::json::{self, Error, FromJson, Node, ToJson};
use crate::sim::kernel::time::{ms_to_ns, Nanos};

/// A replay: one breaker and its events, in time order.
#[derive(Clone, Debug, PartialEq)]
pub struct Replay {
    pub breaker: BreakerConfig,
    pub events: Vec<Step>,
}

/// An event at `at_ms`: `{"at_ms": 0, "event": "acquire"}`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Step {
    pub at_ms: f64,
    pub event: Event,
}

/// In JSON `"acquire"`, `{"success": {"duration_ms": 40}}`,
/// `{"failure": {"duration_ms": 1000}}` (an error the breaker records),
/// `{"unrecorded-error": {"duration_ms": 30}}` (an error neither recorded
/// nor ignored), `"ignored"`, `"release"`, `{"force": "open"}` (`closed`,
/// `open`, `half-open`, `disabled`, `metrics-only` or `forced-open`) or `"reset"`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Event {
    Acquire,
    Success { duration_ms: f64 },
    Failure { duration_ms: f64 },
    UnrecordedError { duration_ms: f64 },
    Ignored,
    Release,
    Force(State),
    Reset,
}

impl FromJson for Replay {
    fn read(node: &Node) -> Result<Replay, Error> {
        let f = json::Fields::of(node, "a replay (an object with a breaker and events)", &["breaker", "events"])?;
        Ok(Replay { breaker: f.req("breaker")?, events: f.req("events")? })
    }
}

impl FromJson for Step {
    fn read(node: &Node) -> Result<Step, Error> {
        let f = json::Fields::of(node, "an event (an object with at_ms and event)", &["at_ms", "event"])?;
        Ok(Step { at_ms: f.req("at_ms")?, event: f.req("event")? })
    }
}

/// Every event's name in JSON.
const EVENTS: [&str; 8] =
    ["acquire", "success", "failure", "unrecorded-error", "ignored", "release", "force", "reset"];

impl FromJson for Event {
    fn read(node: &Node) -> Result<Event, Error> {
        let (name, value) = json::variant(node)?;
        let duration = || -> Result<f64, Error> {
            let what = "the call's result (an object with duration_ms)";
            json::Fields::of(json::payload(node, name, value)?, what, &["duration_ms"])?.req("duration_ms")
        };
        let unit = |e: Event| json::unit(name, value).map(|()| e);
        match name {
            "acquire" => unit(Event::Acquire),
            "success" => Ok(Event::Success { duration_ms: duration()? }),
            "failure" => Ok(Event::Failure { duration_ms: duration()? }),
            "unrecorded-error" => Ok(Event::UnrecordedError { duration_ms: duration()? }),
            "ignored" => unit(Event::Ignored),
            "release" => unit(Event::Release),
            "force" => State::read(json::payload(node, name, value)?).map(Event::Force).map_err(|e| json::in_field(e, name)),
            "reset" => unit(Event::Reset),
            other => Err(json::unknown(node, other, &EVENTS)),
        }
    }
}

/// The breaker after one event.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    pub at_ms: f64,
    pub event: String,
    /// For an acquire: whether the call was permitted.
    pub permitted: Option<bool>,
    pub state: State,
    /// Resilience4j: the rates in percent (−1 below the minimum number of
    /// calls) and the current state's counts.
    pub failure_rate: Option<f32>,
    pub slow_call_rate: Option<f32>,
    pub buffered: Option<u32>,
    pub failed: Option<u32>,
    pub slow: Option<u32>,
    pub not_permitted: Option<u64>,
    /// pybreaker: consecutive failures.
    pub failures: Option<u32>,
    /// Why the event could not be applied, if it could not.
    pub error: Option<String>,
}

/// Each field is left out when `None`.
impl ToJson for Line {
    fn write(&self, out: &mut String) {
        json::Obj::new(out)
            .field("at_ms", &self.at_ms)
            .field("event", &self.event)
            .field_unless(self.permitted.is_none(), "permitted", &self.permitted)
            .field("state", &self.state)
            .field_unless(self.failure_rate.is_none(), "failure_rate", &self.failure_rate)
            .field_unless(self.slow_call_rate.is_none(), "slow_call_rate", &self.slow_call_rate)
            .field_unless(self.buffered.is_none(), "buffered", &self.buffered)
            .field_unless(self.failed.is_none(), "failed", &self.failed)
            .field_unless(self.slow.is_none(), "slow", &self.slow)
            .field_unless(self.not_permitted.is_none(), "not_permitted", &self.not_permitted)
            .field_unless(self.failures.is_none(), "failures", &self.failures)
            .field_unless(self.error.is_none(), "error", &self.error)
            .end();
    }
}

/// The most events a replay takes.
pub const MAX_EVENTS: usize = 100_000;

impl Replay {
    /// Reads a replay from JSON, checking the breaker and the events.
    pub fn from_json(text: &str) -> Result<Replay, String> {
        let r: Replay = json::from_str(text).map_err(|e| format!("invalid replay: {e}"))?;
        r.breaker.validate()?;
        if r.events.len() > MAX_EVENTS {
            return Err(format!("a replay takes at most {MAX_EVENTS} events, not {}", r.events.len()));
        }
        let mut last = 0.0;
        for (i, s) in r.events.iter().enumerate() {
            let n = i + 1;
            if !(s.at_ms.is_finite() && (0.0..=86_400_000.0).contains(&s.at_ms)) {
                return Err(format!("event {n}: at_ms must be between 0 and 86400000"));
            }
            if s.at_ms < last {
                return Err(format!("event {n}: at_ms goes back in time"));
            }
            last = s.at_ms;
            if let Event::Success { duration_ms }
            | Event::Failure { duration_ms }
            | Event::UnrecordedError { duration_ms } = s.event
            {
                if !(duration_ms.is_finite() && (0.0..=86_400_000.0).contains(&duration_ms)) {
                    return Err(format!("event {n}: duration_ms must be between 0 and 86400000"));
                }
            }
        }
        Ok(r)
    }

    /// Each event's line, in order.
    pub fn run(&self) -> Vec<Line> {
        match &self.breaker {
            BreakerConfig::Resilience4j(c) => {
                let mut b = CircuitBreaker::new(c.clone(), 0);
                self.events.iter().map(|s| r4j_step(&mut b, s)).collect()
            }
            BreakerConfig::Consecutive(c) => {
                let mut b = ConsecutiveBreaker::new(c.clone());
                self.events.iter().map(|s| consecutive_step(&mut b, s)).collect()
            }
        }
    }

    /// The lines as JSON, one per line.
    pub fn run_json_lines(&self) -> String {
        let mut out = String::new();
        for (i, line) in self.run().iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            line.write(&mut out);
        }
        out
    }
}

fn name(e: &Event) -> String {
    match e {
        Event::Acquire => "acquire".into(),
        Event::Success { duration_ms } => format!("success {}", crate::sim::kernel::num::decimal(*duration_ms, 3)),
        Event::Failure { duration_ms } => format!("failure {}", crate::sim::kernel::num::decimal(*duration_ms, 3)),
        Event::UnrecordedError { duration_ms } => {
            format!("unrecorded-error {}", crate::sim::kernel::num::decimal(*duration_ms, 3))
        }
        Event::Ignored => "ignored".into(),
        Event::Release => "release".into(),
        Event::Force(f) => format!("force {}", f.key()),
        Event::Reset => "reset".into(),
    }
}

fn blank(s: &Step, state: State) -> Line {
    Line {
        at_ms: s.at_ms,
        event: name(&s.event),
        permitted: None,
        state,
        failure_rate: None,
        slow_call_rate: None,
        buffered: None,
        failed: None,
        slow: None,
        not_permitted: None,
        failures: None,
        error: None,
    }
}

fn r4j_step(b: &mut CircuitBreaker, s: &Step) -> Line {
    let now: Nanos = ms_to_ns(s.at_ms);
    let mut permitted = None;
    let mut error = None;
    match s.event {
        Event::Acquire => permitted = Some(b.try_acquire(now)),
        Event::Success { duration_ms } => {
            b.on_success(now, ms_to_ns(duration_ms));
        }
        Event::Failure { duration_ms } => {
            b.on_error(now, ms_to_ns(duration_ms));
        }
        // Matched by neither recordExceptions nor ignoreExceptions: recorded as a success.
        Event::UnrecordedError { duration_ms } => {
            b.on_success(now, ms_to_ns(duration_ms));
        }
        Event::Ignored | Event::Release => b.release_permission(now),
        Event::Force(f) => {
            let from = b.state(now);
            if super::legal(from, f) {
                let _ = b.transition_to(now, f);
            } else {
                error = Some(format!(
                    "Resilience4j refuses {} → {} (IllegalStateTransitionException)",
                    from.name(),
                    f.name()
                ));
            }
        }
        Event::Reset => b.reset(now),
    }
    let t = b.totals(now);
    Line {
        permitted,
        failure_rate: Some(b.failure_rate(now)),
        slow_call_rate: Some(b.slow_call_rate(now)),
        buffered: Some(t.calls),
        failed: Some(t.failed),
        slow: Some(t.slow),
        not_permitted: Some(b.not_permitted()),
        error,
        ..blank(s, b.state(now))
    }
}

fn consecutive_step(b: &mut ConsecutiveBreaker, s: &Step) -> Line {
    let now: Nanos = ms_to_ns(s.at_ms);
    let mut permitted = None;
    let mut error = None;
    match s.event {
        Event::Acquire => permitted = Some(b.try_acquire(now)),
        Event::Success { .. } => b.on_success(now),
        Event::Failure { .. } => b.on_error(now),
        Event::UnrecordedError { .. } => {
            error = Some("pybreaker records every error it does not exclude: send a failure or ignored".into())
        }
        // pybreaker counts an excluded error as a success, and has no permits to give back.
        Event::Ignored => b.on_success(now),
        Event::Release => {}
        Event::Force(_) | Event::Reset => error = Some("pybreaker's breaker is not forced or reset by this replay".into()),
    }
    Line { permitted, failures: Some(b.failures()), error, ..blank(s, b.state()) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::circuit_breaker::consecutive::ConsecutiveConfig;
    use crate::sim::circuit_breaker::{AfterWait, Config, WindowType};

    const GOLDEN: &str = include_str!("../../../tests/golden/circuit_breaker/replay-cycle.json");

    #[test]
    fn replays_are_read_with_their_breaker_and_every_event() {
        let breaker = BreakerConfig::Resilience4j(Config {
            sliding_window_type: WindowType::CountBased,
            sliding_window_size: 5,
            minimum_number_of_calls: 5,
            failure_rate_threshold: 50.0,
            slow_call_rate_threshold: 50.0,
            slow_call_duration_threshold_ms: 4000,
            wait_duration_in_open_state_ms: 5000,
            permitted_number_of_calls_in_half_open_state: 4,
            automatic_transition_from_open_to_half_open: false,
            max_wait_duration_in_half_open_state_ms: 0,
            wait_interval_in_open_state: None,
            transition_to_state_after_wait_duration: AfterWait::Open,
        });
        let (acquire, ignored) = (Event::Acquire, Event::Ignored);
        let (failure, success) = (Event::Failure { duration_ms: 0.0 }, Event::Success { duration_ms: 0.0 });
        let slow = Event::Success { duration_ms: 5000.0 };
        let at = |at_ms: f64, events: &[Event]| events.iter().map(|&event| Step { at_ms, event }).collect::<Vec<_>>();
        let events = [
            at(0.0, &[acquire, failure, acquire, failure, acquire, success, acquire, slow, acquire, failure, acquire]),
            at(4999.0, &[acquire]),
            at(5000.0, &[acquire]),
            at(
                5001.0,
                &[acquire, failure, acquire, success, acquire, slow, acquire, acquire, ignored, acquire, success, acquire, success],
            ),
        ]
        .concat();
        assert_eq!(Replay::from_json(GOLDEN), Ok(Replay { breaker, events }));
        let events = r#"[{"at_ms": 0, "event": {"acquire": null}}, {"at_ms": 1.5, "event": {"force": "half-open"}}]"#;
        let text = format!(r#"{{"breaker": {{"consecutive": {{"fail_max": 1, "reset_timeout_ms": 5}}}}, "events": {events}}}"#);
        assert_eq!(
            Replay::from_json(&text),
            Ok(Replay {
                breaker: BreakerConfig::Consecutive(ConsecutiveConfig { fail_max: 1, reset_timeout_ms: 5, success_threshold: 1 }),
                events: vec![
                    Step { at_ms: 0.0, event: Event::Acquire },
                    Step { at_ms: 1.5, event: Event::Force(State::HalfOpen) }
                ],
            })
        );
    }

    #[test]
    fn bad_events_are_refused_saying_why() {
        let err = |event: &str| {
            let text = format!(r#"{{"breaker": {{"consecutive": {{"fail_max": 1, "reset_timeout_ms": 5}}}}, "events": [{{"at_ms": 0, "event": {event}}}]}}"#);
            Replay::from_json(&text).unwrap_err()
        };
        assert_eq!(
            err(r#""open""#),
            r#"invalid replay: unknown choice "open"; expected one of "acquire", "success", "failure", "unrecorded-error", "ignored", "release", "force", "reset" at line 1 column 103"#
        );
        assert_eq!(err(r#""success""#), r#"invalid replay: event: expected "success" with its settings, {"success": …}, found "success" at line 1 column 103"#);
        assert_eq!(
            err(r#"{"failure": {"duration": 4}}"#),
            r#"invalid replay: unknown field "duration"; expected one of "duration_ms" at line 1 column 128"#
        );
        assert_eq!(
            err(r#"{"reset": true}"#),
            "invalid replay: \"reset\" takes no settings: write it as \"reset\" alone at line 1 column 113"
        );
        assert_eq!(
            err(r#"{"force": "HALF_OPEN"}"#),
            r#"invalid replay: force: expected one of "closed", "open", "half-open", "disabled", "metrics-only", "forced-open", found "HALF_OPEN" at line 1 column 113"#
        );
    }

    /// What the Resilience4j breaker reports after each of [`GOLDEN`]'s events.
    const RESILIENCE4J_LINES: [&str; 26] = [
        r#"{"at_ms":0.0,"event":"acquire","permitted":true,"state":"CLOSED","failure_rate":-1.0,"slow_call_rate":-1.0,"buffered":0,"failed":0,"slow":0,"not_permitted":0}"#,
        r#"{"at_ms":0.0,"event":"failure 0","state":"CLOSED","failure_rate":-1.0,"slow_call_rate":-1.0,"buffered":1,"failed":1,"slow":0,"not_permitted":0}"#,
        r#"{"at_ms":0.0,"event":"acquire","permitted":true,"state":"CLOSED","failure_rate":-1.0,"slow_call_rate":-1.0,"buffered":1,"failed":1,"slow":0,"not_permitted":0}"#,
        r#"{"at_ms":0.0,"event":"failure 0","state":"CLOSED","failure_rate":-1.0,"slow_call_rate":-1.0,"buffered":2,"failed":2,"slow":0,"not_permitted":0}"#,
        r#"{"at_ms":0.0,"event":"acquire","permitted":true,"state":"CLOSED","failure_rate":-1.0,"slow_call_rate":-1.0,"buffered":2,"failed":2,"slow":0,"not_permitted":0}"#,
        r#"{"at_ms":0.0,"event":"success 0","state":"CLOSED","failure_rate":-1.0,"slow_call_rate":-1.0,"buffered":3,"failed":2,"slow":0,"not_permitted":0}"#,
        r#"{"at_ms":0.0,"event":"acquire","permitted":true,"state":"CLOSED","failure_rate":-1.0,"slow_call_rate":-1.0,"buffered":3,"failed":2,"slow":0,"not_permitted":0}"#,
        r#"{"at_ms":0.0,"event":"success 5000","state":"CLOSED","failure_rate":-1.0,"slow_call_rate":-1.0,"buffered":4,"failed":2,"slow":1,"not_permitted":0}"#,
        r#"{"at_ms":0.0,"event":"acquire","permitted":true,"state":"CLOSED","failure_rate":-1.0,"slow_call_rate":-1.0,"buffered":4,"failed":2,"slow":1,"not_permitted":0}"#,
        r#"{"at_ms":0.0,"event":"failure 0","state":"OPEN","failure_rate":60.0,"slow_call_rate":20.0,"buffered":5,"failed":3,"slow":1,"not_permitted":0}"#,
        r#"{"at_ms":0.0,"event":"acquire","permitted":false,"state":"OPEN","failure_rate":60.0,"slow_call_rate":20.0,"buffered":5,"failed":3,"slow":1,"not_permitted":1}"#,
        r#"{"at_ms":4999.0,"event":"acquire","permitted":false,"state":"OPEN","failure_rate":60.0,"slow_call_rate":20.0,"buffered":5,"failed":3,"slow":1,"not_permitted":2}"#,
        r#"{"at_ms":5000.0,"event":"acquire","permitted":false,"state":"OPEN","failure_rate":60.0,"slow_call_rate":20.0,"buffered":5,"failed":3,"slow":1,"not_permitted":3}"#,
        r#"{"at_ms":5001.0,"event":"acquire","permitted":true,"state":"HALF_OPEN","failure_rate":-1.0,"slow_call_rate":-1.0,"buffered":0,"failed":0,"slow":0,"not_permitted":0}"#,
        r#"{"at_ms":5001.0,"event":"failure 0","state":"HALF_OPEN","failure_rate":-1.0,"slow_call_rate":-1.0,"buffered":1,"failed":1,"slow":0,"not_permitted":0}"#,
        r#"{"at_ms":5001.0,"event":"acquire","permitted":true,"state":"HALF_OPEN","failure_rate":-1.0,"slow_call_rate":-1.0,"buffered":1,"failed":1,"slow":0,"not_permitted":0}"#,
        r#"{"at_ms":5001.0,"event":"success 0","state":"HALF_OPEN","failure_rate":-1.0,"slow_call_rate":-1.0,"buffered":2,"failed":1,"slow":0,"not_permitted":0}"#,
        r#"{"at_ms":5001.0,"event":"acquire","permitted":true,"state":"HALF_OPEN","failure_rate":-1.0,"slow_call_rate":-1.0,"buffered":2,"failed":1,"slow":0,"not_permitted":0}"#,
        r#"{"at_ms":5001.0,"event":"success 5000","state":"HALF_OPEN","failure_rate":-1.0,"slow_call_rate":-1.0,"buffered":3,"failed":1,"slow":1,"not_permitted":0}"#,
        r#"{"at_ms":5001.0,"event":"acquire","permitted":true,"state":"HALF_OPEN","failure_rate":-1.0,"slow_call_rate":-1.0,"buffered":3,"failed":1,"slow":1,"not_permitted":0}"#,
        r#"{"at_ms":5001.0,"event":"acquire","permitted":false,"state":"HALF_OPEN","failure_rate":-1.0,"slow_call_rate":-1.0,"buffered":3,"failed":1,"slow":1,"not_permitted":1}"#,
        r#"{"at_ms":5001.0,"event":"ignored","state":"HALF_OPEN","failure_rate":-1.0,"slow_call_rate":-1.0,"buffered":3,"failed":1,"slow":1,"not_permitted":1}"#,
        r#"{"at_ms":5001.0,"event":"acquire","permitted":true,"state":"HALF_OPEN","failure_rate":-1.0,"slow_call_rate":-1.0,"buffered":3,"failed":1,"slow":1,"not_permitted":1}"#,
        r#"{"at_ms":5001.0,"event":"success 0","state":"CLOSED","failure_rate":-1.0,"slow_call_rate":-1.0,"buffered":0,"failed":0,"slow":0,"not_permitted":0}"#,
        r#"{"at_ms":5001.0,"event":"acquire","permitted":true,"state":"CLOSED","failure_rate":-1.0,"slow_call_rate":-1.0,"buffered":0,"failed":0,"slow":0,"not_permitted":0}"#,
        r#"{"at_ms":5001.0,"event":"success 0","state":"CLOSED","failure_rate":-1.0,"slow_call_rate":-1.0,"buffered":1,"failed":0,"slow":0,"not_permitted":0}"#,
    ];

    /// What pybreaker's breaker reports after the same events, and two it refuses.
    const PYBREAKER_LINES: [&str; 28] = [
        r#"{"at_ms":0.0,"event":"acquire","permitted":true,"state":"CLOSED","failures":0}"#,
        r#"{"at_ms":0.0,"event":"failure 0","state":"CLOSED","failures":1}"#,
        r#"{"at_ms":0.0,"event":"acquire","permitted":true,"state":"CLOSED","failures":1}"#,
        r#"{"at_ms":0.0,"event":"failure 0","state":"OPEN","failures":2}"#,
        r#"{"at_ms":0.0,"event":"acquire","permitted":false,"state":"OPEN","failures":2}"#,
        r#"{"at_ms":0.0,"event":"success 0","state":"OPEN","failures":0}"#,
        r#"{"at_ms":0.0,"event":"acquire","permitted":false,"state":"OPEN","failures":0}"#,
        r#"{"at_ms":0.0,"event":"success 5000","state":"OPEN","failures":0}"#,
        r#"{"at_ms":0.0,"event":"acquire","permitted":false,"state":"OPEN","failures":0}"#,
        r#"{"at_ms":0.0,"event":"failure 0","state":"OPEN","failures":1}"#,
        r#"{"at_ms":0.0,"event":"acquire","permitted":false,"state":"OPEN","failures":1}"#,
        r#"{"at_ms":4999.0,"event":"acquire","permitted":true,"state":"HALF_OPEN","failures":1}"#,
        r#"{"at_ms":5000.0,"event":"acquire","permitted":true,"state":"HALF_OPEN","failures":1}"#,
        r#"{"at_ms":5001.0,"event":"acquire","permitted":true,"state":"HALF_OPEN","failures":1}"#,
        r#"{"at_ms":5001.0,"event":"failure 0","state":"OPEN","failures":2}"#,
        r#"{"at_ms":5001.0,"event":"acquire","permitted":false,"state":"OPEN","failures":2}"#,
        r#"{"at_ms":5001.0,"event":"success 0","state":"OPEN","failures":0}"#,
        r#"{"at_ms":5001.0,"event":"acquire","permitted":false,"state":"OPEN","failures":0}"#,
        r#"{"at_ms":5001.0,"event":"success 5000","state":"OPEN","failures":0}"#,
        r#"{"at_ms":5001.0,"event":"acquire","permitted":false,"state":"OPEN","failures":0}"#,
        r#"{"at_ms":5001.0,"event":"acquire","permitted":false,"state":"OPEN","failures":0}"#,
        r#"{"at_ms":5001.0,"event":"ignored","state":"OPEN","failures":0}"#,
        r#"{"at_ms":5001.0,"event":"acquire","permitted":false,"state":"OPEN","failures":0}"#,
        r#"{"at_ms":5001.0,"event":"success 0","state":"OPEN","failures":0}"#,
        r#"{"at_ms":5001.0,"event":"acquire","permitted":false,"state":"OPEN","failures":0}"#,
        r#"{"at_ms":5001.0,"event":"success 0","state":"OPEN","failures":0}"#,
        r#"{"at_ms":90000.0,"event":"unrecorded-error 1","state":"OPEN","failures":0,"error":"pybreaker records every error it does not exclude: send a failure or ignored"}"#,
        r#"{"at_ms":90000.0,"event":"reset","state":"OPEN","failures":0,"error":"pybreaker's breaker is not forced or reset by this replay"}"#,
    ];

    #[test]
    fn lines_are_written_with_only_the_fields_each_breaker_reports() {
        // The same events through pybreaker's breaker, and two it refuses.
        let mut pybreaker = GOLDEN.replacen(
            &GOLDEN[GOLDEN.find("\"breaker\"").unwrap()..GOLDEN.find("\"events\"").unwrap()],
            r#""breaker": {"consecutive": {"fail_max": 2, "reset_timeout_ms": 100}}, "#,
            1,
        );
        let end = pybreaker.rfind(']').unwrap();
        pybreaker.insert_str(end, r#", {"at_ms": 9e4, "event": {"unrecorded-error": {"duration_ms": 1}}}, {"at_ms": 9e4, "event": "reset"}"#);
        for text in [GOLDEN, &pybreaker] {
            let r = Replay::from_json(text).unwrap_or_else(|e| panic!("{e}\n{text}"));
            let lines = r.run();
            assert_eq!(lines.iter().filter(|l| l.error.is_some()).count(), if text == GOLDEN { 0 } else { 2 });
            let want = if text == GOLDEN { &RESILIENCE4J_LINES[..] } else { &PYBREAKER_LINES[..] };
            assert_eq!(r.run_json_lines(), want.join("\n"));
        }
        let line = Replay::from_json(GOLDEN).unwrap().run_json_lines().lines().nth(9).map(String::from);
        assert_eq!(
            line.as_deref(),
            Some(r#"{"at_ms":0.0,"event":"failure 0","state":"OPEN","failure_rate":60.0,"slow_call_rate":20.0,"buffered":5,"failed":3,"slow":1,"not_permitted":0}"#)
        );
    }
}
