//! Circuit breakers. [`CircuitBreaker`] follows Resilience4j's
//! `CircuitBreakerStateMachine` (`resilience4j-circuitbreaker/.../internal/
//! CircuitBreakerStateMachine.java` and `CircuitBreakerMetrics.java`) rule for
//! rule, with time simulated:
//!
//! * **CLOSED** permits every call and records each result in a sliding window
//!   ([`window`]); once at least `minimum_number_of_calls` are buffered (for a
//!   count window, at most the window size), it opens when the failure rate or
//!   the slow-call rate is **≥** its threshold. Rates are `f32` percentages,
//!   `failed * 100f / calls`, as in Resilience4j. A call is slow when its
//!   duration is **strictly longer** than `slow_call_duration_threshold`.
//! * **OPEN** refuses calls (counted as not permitted) until the clock is
//!   **strictly after** `opened_at + wait`; the wait is
//!   `wait_duration_in_open_state`, or what `wait_interval_in_open_state`
//!   ([`WaitInterval`]) gives for the times it has opened since it last
//!   closed (`waitIntervalFunctionInOpenState`); the first
//!   call after that moves it to HALF_OPEN and takes a permit there. With
//!   `automatic_transition_from_open_to_half_open` the move happens on its own
//!   at exactly `opened_at + wait`. OPEN keeps the metrics of the state it
//!   came from: results of calls still in flight are recorded there.
//! * **HALF_OPEN** starts a fresh count window of
//!   `permitted_number_of_calls_in_half_open_state` calls and permits that many;
//!   it decides once `min(minimum_number_of_calls, permitted)` results are in:
//!   thresholds reached → OPEN, otherwise → CLOSED with fresh metrics. With
//!   `max_wait_duration_in_half_open_state` > 0 it returns to OPEN on its own
//!   after that long without a decision.
//!   `transition_to_state_after_wait_duration` chooses where that wait
//!   leads: OPEN (Resilience4j's default) or CLOSED.
//! * Results are recorded in whatever state is current when the call
//!   finishes, so a call permitted while CLOSED can count in HALF_OPEN's trial.
//! * The special states, entered only when forced
//!   ([`CircuitBreaker::transition_to`]): **DISABLED** permits every call and
//!   records nothing; **METRICS_ONLY** permits every call and records it in a
//!   fresh CLOSED-like window, judging the rates but never changing state;
//!   **FORCED_OPEN** refuses every call (counted as not permitted) and
//!   records nothing. Each stays until forced elsewhere or reset. Resilience4j
//!   refuses CLOSED → HALF_OPEN and METRICS_ONLY → OPEN or HALF_OPEN
//!   ([`legal`]); forcing the current state makes it afresh.
//!
//! Transitions scheduled for an instant (the automatic ones) happen before
//! calls arriving at that same instant.
//!
//! [`scenario::CircuitBreakerScenario`] is the widget's scenario, with its
//! presets, widget-block keys and reports beside it.

pub mod block;
pub mod consecutive;
pub mod presets;
pub mod replay;
pub mod report;
pub mod run;
pub mod scenario;
pub mod window;

/// The widget's name in the widget index.
pub const TITLE: &str = "Circuit breaker";
/// One sentence for the widget index.
pub const SUMMARY: &str =
    "Resilience4j's state machine and pybreaker's consecutive breaker against a dependency you break and heal.";

use crate::scenario::json::{self, Error, FromJson, Node, ToJson};
use crate::sim::kernel::rng::Rng;
use crate::sim::kernel::time::{Nanos, MS};
use window::{Totals, Window};

/// Which sliding window CLOSED uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WindowType {
    /// The last `sliding_window_size` calls.
    CountBased,
    /// The last `sliding_window_size` seconds, in one-second buckets.
    TimeBased,
}

/// Resilience4j's `CircuitBreakerConfig`, durations in milliseconds. The
/// defaults are Resilience4j's.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    pub sliding_window_type: WindowType,
    pub sliding_window_size: u32,
    pub minimum_number_of_calls: u32,
    pub failure_rate_threshold: f32,
    pub slow_call_rate_threshold: f32,
    pub slow_call_duration_threshold_ms: u64,
    pub wait_duration_in_open_state_ms: u64,
    pub permitted_number_of_calls_in_half_open_state: u32,
    pub automatic_transition_from_open_to_half_open: bool,
    /// 0 waits in HALF_OPEN for as long as it takes.
    pub max_wait_duration_in_half_open_state_ms: u64,
    /// How the open wait grows with each opening since the breaker last
    /// closed; `None` waits `wait_duration_in_open_state_ms` every time.
    pub wait_interval_in_open_state: Option<WaitInterval>,
    /// Where HALF_OPEN goes when `max_wait_duration_in_half_open_state_ms`
    /// passes without a decision (`transitionToStateAfterWaitDuration`).
    pub transition_to_state_after_wait_duration: AfterWait,
}

/// The state HALF_OPEN moves to after its maximum wait: OPEN, as
/// Resilience4j does unless told otherwise, or CLOSED (its builder refuses
/// any other state). In JSON `"open"` or `"closed"`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum AfterWait {
    #[default]
    Open,
    Closed,
}

impl AfterWait {
    fn is_open(&self) -> bool {
        *self == AfterWait::Open
    }

    fn state(self) -> State {
        match self {
            AfterWait::Open => State::Open,
            AfterWait::Closed => State::Closed,
        }
    }
}

/// Resilience4j's `IntervalFunction`s for the open wait, starting from
/// `wait_duration_in_open_state_ms` (resilience4j-core
/// `IntervalFunction.java`). For the `n`-th opening since the breaker last
/// closed, `exponential` waits the initial wait multiplied `n − 1` times,
/// each product truncated to whole milliseconds, at most `max_ms`
/// (`ofExponentialBackoff`); `randomized` draws uniformly from
/// `wait · (1 ± factor)` (`ofRandomized`); `exponential-random` does both,
/// the draw around the exponential wait, then the cap
/// (`ofExponentialRandomBackoff`). Resilience4j draws from `Math.random()`;
/// here each breaker draws from a generator of its own seeded by the run.
/// In JSON `{"exponential": {"multiplier": 2, "max_ms": 60000}}`,
/// `{"randomized": {"factor": 0.5}}` or
/// `{"exponential-random": {"multiplier": 1.5, "factor": 0.5}}`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum WaitInterval {
    Exponential {
        multiplier: f64,
        max_ms: Option<u64>,
    },
    Randomized {
        factor: f64,
    },
    ExponentialRandom {
        multiplier: f64,
        factor: f64,
        max_ms: Option<u64>,
    },
}

impl WaitInterval {
    /// Checks Resilience4j's bounds (a factor from 0 to 1, a cap of at
    /// least 1 ms) and a multiplier from 1 to 100.
    pub fn validate(&self) -> Result<(), String> {
        let (multiplier, factor, max) = match *self {
            WaitInterval::Exponential { multiplier, max_ms } => (Some(multiplier), None, max_ms),
            WaitInterval::Randomized { factor } => (None, Some(factor), None),
            WaitInterval::ExponentialRandom { multiplier, factor, max_ms } => (Some(multiplier), Some(factor), max_ms),
        };
        let d = |v: f64| crate::sim::kernel::num::decimal(v, 3);
        if let Some(m) = multiplier.filter(|m| !(m.is_finite() && (1.0..=100.0).contains(m))) {
            return Err(format!("wait_interval_in_open_state: multiplier must be between 1 and 100, not {}", d(m)));
        }
        if let Some(f) = factor.filter(|f| !(f.is_finite() && (0.0..=1.0).contains(f))) {
            return Err(format!("wait_interval_in_open_state: factor must be between 0 and 1, not {}", d(f)));
        }
        if let Some(m) = max.filter(|m| !(1..=86_400_000).contains(m)) {
            return Err(format!("wait_interval_in_open_state: max_ms must be between 1 and 86400000, not {m}"));
        }
        Ok(())
    }

    /// The wait in ms for the `attempt`-th opening (from 1), after
    /// `initial_ms`, drawing from `unit` (uniform in [0, 1)) when random.
    pub fn wait_ms(&self, initial_ms: u64, attempt: u32, unit: impl FnOnce() -> f64) -> u64 {
        let exponential = |multiplier: f64| {
            let mut x = initial_ms;
            for _ in 1..attempt.max(1) {
                // Java's (long) cast: truncation, saturating at the top.
                x = (x as f64 * multiplier) as u64;
            }
            x
        };
        let randomize = |current: u64, factor: f64| {
            let current = current as f64;
            let delta = factor * current;
            let (min, max) = (current - delta, current + delta);
            (min + unit() * (max - min)) as u64
        };
        match *self {
            WaitInterval::Exponential { multiplier, max_ms } => exponential(multiplier).min(max_ms.unwrap_or(u64::MAX)),
            WaitInterval::Randomized { factor } => randomize(initial_ms, factor),
            WaitInterval::ExponentialRandom { multiplier, factor, max_ms } => {
                randomize(exponential(multiplier), factor).min(max_ms.unwrap_or(u64::MAX))
            }
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            sliding_window_type: WindowType::CountBased,
            sliding_window_size: 100,
            minimum_number_of_calls: 100,
            failure_rate_threshold: 50.0,
            slow_call_rate_threshold: 100.0,
            slow_call_duration_threshold_ms: 60_000,
            wait_duration_in_open_state_ms: 60_000,
            permitted_number_of_calls_in_half_open_state: 10,
            automatic_transition_from_open_to_half_open: false,
            max_wait_duration_in_half_open_state_ms: 0,
            wait_interval_in_open_state: None,
            transition_to_state_after_wait_duration: AfterWait::Open,
        }
    }
}

impl Config {
    /// Checks the bounds Resilience4j's builder enforces, plus limits that keep
    /// a simulation small; the message names the field.
    pub fn validate(&self) -> Result<(), String> {
        let rate = |name: &str, v: f32| {
            if v > 0.0 && v <= 100.0 {
                Ok(())
            } else {
                Err(format!(
                    "{name} must be greater than 0 and at most 100, not {}",
                    crate::sim::kernel::num::decimal(f64::from(v), 3)
                ))
            }
        };
        rate("failure_rate_threshold", self.failure_rate_threshold)?;
        rate("slow_call_rate_threshold", self.slow_call_rate_threshold)?;
        let count = |name: &str, v: u32, max: u32| {
            if (1..=max).contains(&v) {
                Ok(())
            } else {
                Err(format!("{name} must be between 1 and {max}, not {v}"))
            }
        };
        count("sliding_window_size", self.sliding_window_size, 10_000)?;
        count("minimum_number_of_calls", self.minimum_number_of_calls, 10_000)?;
        count(
            "permitted_number_of_calls_in_half_open_state",
            self.permitted_number_of_calls_in_half_open_state,
            10_000,
        )?;
        if self.wait_duration_in_open_state_ms == 0 || self.wait_duration_in_open_state_ms > 86_400_000 {
            return Err(format!(
                "wait_duration_in_open_state_ms must be between 1 and 86400000, not {}",
                self.wait_duration_in_open_state_ms
            ));
        }
        if self.slow_call_duration_threshold_ms == 0 || self.slow_call_duration_threshold_ms > 86_400_000 {
            return Err(format!(
                "slow_call_duration_threshold_ms must be between 1 and 86400000, not {}",
                self.slow_call_duration_threshold_ms
            ));
        }
        if self.max_wait_duration_in_half_open_state_ms > 86_400_000 {
            return Err(format!(
                "max_wait_duration_in_half_open_state_ms must be at most 86400000, not {}",
                self.max_wait_duration_in_half_open_state_ms
            ));
        }
        if let Some(w) = &self.wait_interval_in_open_state {
            w.validate()?;
        }
        Ok(())
    }
}

json::names!(WindowType { CountBased = "count-based", TimeBased = "time-based" });
json::names!(AfterWait { Open = "open", Closed = "closed" });

impl FromJson for WaitInterval {
    fn read(node: &Node) -> Result<WaitInterval, Error> {
        let (name, value) = json::variant(node)?;
        let what = "the open wait's parameters (an object)";
        let fields = |keys: &[&str]| json::Fields::of(json::payload(node, name, value)?, what, keys);
        match name {
            "exponential" => {
                let f = fields(&["multiplier", "max_ms"])?;
                Ok(WaitInterval::Exponential { multiplier: f.req("multiplier")?, max_ms: f.or_default("max_ms")? })
            }
            "randomized" => Ok(WaitInterval::Randomized { factor: fields(&["factor"])?.req("factor")? }),
            "exponential-random" => {
                let f = fields(&["multiplier", "factor", "max_ms"])?;
                Ok(WaitInterval::ExponentialRandom {
                    multiplier: f.req("multiplier")?,
                    factor: f.req("factor")?,
                    max_ms: f.or_default("max_ms")?,
                })
            }
            other => Err(json::unknown(node, other, &["exponential", "randomized", "exponential-random"])),
        }
    }
}

impl ToJson for WaitInterval {
    fn write(&self, out: &mut String) {
        let mut o = json::Obj::new(out);
        match *self {
            WaitInterval::Exponential { multiplier, max_ms } => json::Obj::new(o.key("exponential"))
                .field("multiplier", &multiplier)
                .field_unless(max_ms.is_none(), "max_ms", &max_ms)
                .end(),
            WaitInterval::Randomized { factor } => json::Obj::new(o.key("randomized")).field("factor", &factor).end(),
            WaitInterval::ExponentialRandom { multiplier, factor, max_ms } => {
                json::Obj::new(o.key("exponential-random"))
                    .field("multiplier", &multiplier)
                    .field("factor", &factor)
                    .field_unless(max_ms.is_none(), "max_ms", &max_ms)
                    .end()
            }
        }
        o.end();
    }
}

/// Every key of a Resilience4j breaker's JSON, in the order it is written.
const CONFIG_KEYS: [&str; 12] = [
    "sliding_window_type",
    "sliding_window_size",
    "minimum_number_of_calls",
    "failure_rate_threshold",
    "slow_call_rate_threshold",
    "slow_call_duration_threshold_ms",
    "wait_duration_in_open_state_ms",
    "permitted_number_of_calls_in_half_open_state",
    "automatic_transition_from_open_to_half_open",
    "max_wait_duration_in_half_open_state_ms",
    "wait_interval_in_open_state",
    "transition_to_state_after_wait_duration",
];

/// A field left out takes Resilience4j's default ([`Config::default`]).
impl FromJson for Config {
    fn read(node: &Node) -> Result<Config, Error> {
        let f = json::Fields::of(node, "a Resilience4j breaker (an object)", &CONFIG_KEYS)?;
        let d = Config::default();
        Ok(Config {
            sliding_window_type: f.or(CONFIG_KEYS[0], d.sliding_window_type)?,
            sliding_window_size: f.or(CONFIG_KEYS[1], d.sliding_window_size)?,
            minimum_number_of_calls: f.or(CONFIG_KEYS[2], d.minimum_number_of_calls)?,
            failure_rate_threshold: f.or(CONFIG_KEYS[3], d.failure_rate_threshold)?,
            slow_call_rate_threshold: f.or(CONFIG_KEYS[4], d.slow_call_rate_threshold)?,
            slow_call_duration_threshold_ms: f.or(CONFIG_KEYS[5], d.slow_call_duration_threshold_ms)?,
            wait_duration_in_open_state_ms: f.or(CONFIG_KEYS[6], d.wait_duration_in_open_state_ms)?,
            permitted_number_of_calls_in_half_open_state: f
                .or(CONFIG_KEYS[7], d.permitted_number_of_calls_in_half_open_state)?,
            automatic_transition_from_open_to_half_open: f
                .or(CONFIG_KEYS[8], d.automatic_transition_from_open_to_half_open)?,
            max_wait_duration_in_half_open_state_ms: f.or(CONFIG_KEYS[9], d.max_wait_duration_in_half_open_state_ms)?,
            wait_interval_in_open_state: f.or(CONFIG_KEYS[10], d.wait_interval_in_open_state)?,
            transition_to_state_after_wait_duration: f.or(CONFIG_KEYS[11], d.transition_to_state_after_wait_duration)?,
        })
    }
}

impl ToJson for Config {
    fn write(&self, out: &mut String) {
        let mut o = json::Obj::new(out);
        o.field(CONFIG_KEYS[0], &self.sliding_window_type)
            .field(CONFIG_KEYS[1], &self.sliding_window_size)
            .field(CONFIG_KEYS[2], &self.minimum_number_of_calls)
            .field(CONFIG_KEYS[3], &self.failure_rate_threshold)
            .field(CONFIG_KEYS[4], &self.slow_call_rate_threshold)
            .field(CONFIG_KEYS[5], &self.slow_call_duration_threshold_ms)
            .field(CONFIG_KEYS[6], &self.wait_duration_in_open_state_ms)
            .field(CONFIG_KEYS[7], &self.permitted_number_of_calls_in_half_open_state)
            .field(CONFIG_KEYS[8], &self.automatic_transition_from_open_to_half_open)
            .field(CONFIG_KEYS[9], &self.max_wait_duration_in_half_open_state_ms)
            .field_unless(self.wait_interval_in_open_state.is_none(), CONFIG_KEYS[10], &self.wait_interval_in_open_state)
            .field_unless(
                self.transition_to_state_after_wait_duration.is_open(),
                CONFIG_KEYS[11],
                &self.transition_to_state_after_wait_duration,
            )
            .end();
    }
}

/// The breaker's state: written as Resilience4j names it (`HALF_OPEN`),
/// read as scenarios and replays write it (`half-open`, [`State::key`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    Closed,
    Open,
    HalfOpen,
    /// Permits everything and records nothing, until forced elsewhere.
    Disabled,
    /// Permits everything and records it, without ever changing state.
    MetricsOnly,
    /// Refuses everything, until forced elsewhere.
    ForcedOpen,
}

impl State {
    /// Every state, in declaration order.
    pub const ALL: [State; 6] =
        [State::Closed, State::Open, State::HalfOpen, State::Disabled, State::MetricsOnly, State::ForcedOpen];

    /// The name Resilience4j gives the state (`CLOSED`, `FORCED_OPEN`, …).
    pub fn name(self) -> &'static str {
        match self {
            State::Closed => "CLOSED",
            State::Open => "OPEN",
            State::HalfOpen => "HALF_OPEN",
            State::Disabled => "DISABLED",
            State::MetricsOnly => "METRICS_ONLY",
            State::ForcedOpen => "FORCED_OPEN",
        }
    }

    /// The state's name in scenarios, replays and blocks (`half-open`).
    pub fn key(self) -> &'static str {
        match self {
            State::Closed => "closed",
            State::Open => "open",
            State::HalfOpen => "half-open",
            State::Disabled => "disabled",
            State::MetricsOnly => "metrics-only",
            State::ForcedOpen => "forced-open",
        }
    }
}

/// Read by its key (`half-open`), as scenarios and replays write it.
impl FromJson for State {
    fn read(node: &Node) -> Result<State, Error> {
        json::name(node, &State::ALL.map(|s| (s.key(), s)))
    }
}

/// Written by its name (`HALF_OPEN`), as reports show it.
impl ToJson for State {
    fn write(&self, out: &mut String) {
        self.name().write(out);
    }
}

/// Whether Resilience4j allows a transition from `from` to `to`
/// (`CircuitBreaker.StateTransition`): every pair but CLOSED → HALF_OPEN
/// and METRICS_ONLY → OPEN or HALF_OPEN.
pub fn legal(from: State, to: State) -> bool {
    !matches!(
        (from, to),
        (State::Closed, State::HalfOpen) | (State::MetricsOnly, State::Open | State::HalfOpen)
    )
}

/// A state change and when it happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Transition {
    pub at: Nanos,
    pub from: State,
    pub to: State,
}

/// A state's metrics: its window, the minimum number of calls before rates
/// count, and the calls it refused.
#[derive(Clone, Debug)]
struct Metrics {
    window: Window,
    minimum_calls: u32,
    not_permitted: u64,
}

impl Metrics {
    fn closed(c: &Config, now: Nanos) -> Metrics {
        match c.sliding_window_type {
            WindowType::CountBased => Metrics {
                window: Window::count(c.sliding_window_size),
                minimum_calls: c.minimum_number_of_calls.min(c.sliding_window_size),
                not_permitted: 0,
            },
            WindowType::TimeBased => Metrics {
                window: Window::time(c.sliding_window_size, now),
                minimum_calls: c.minimum_number_of_calls,
                not_permitted: 0,
            },
        }
    }

    fn half_open(c: &Config) -> Metrics {
        let size = c.permitted_number_of_calls_in_half_open_state;
        Metrics { window: Window::count(size), minimum_calls: c.minimum_number_of_calls.min(size), not_permitted: 0 }
    }

    /// DISABLED's and FORCED_OPEN's metrics, which record no call: a window
    /// that stays empty (Resilience4j's window of size 0).
    fn none() -> Metrics {
        Metrics { window: Window::count(1), minimum_calls: 1, not_permitted: 0 }
    }
}

/// What recording a result concluded (Resilience4j's `Result`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Verdict {
    BelowMinimumCalls,
    BelowThresholds,
    Exceeded,
}

/// A Resilience4j circuit breaker in simulated time.
#[derive(Clone, Debug)]
pub struct CircuitBreaker {
    config: Config,
    state: State,
    metrics: Metrics,
    /// Times opened since the breaker last closed (Resilience4j's `attempts`).
    attempts: u32,
    /// The current open state's wait, and the generator a randomized wait draws from.
    wait: Nanos,
    waits: Rng,
    /// When the current state began.
    since: Nanos,
    half_open_permits: u32,
    transitions: Vec<Transition>,
    /// Failure and slow-call rates of the last verdict (−1 below the minimum).
    decided: (f32, f32),
}

impl CircuitBreaker {
    /// A closed breaker at time `now`. Call [`Config::validate`] first.
    pub fn new(config: Config, now: Nanos) -> CircuitBreaker {
        let metrics = Metrics::closed(&config, now);
        let wait = config.wait_duration_in_open_state_ms * MS;
        CircuitBreaker {
            config,
            state: State::Closed,
            metrics,
            attempts: 0,
            wait,
            waits: Rng::new(0),
            since: now,
            half_open_permits: 0,
            transitions: Vec::new(),
            decided: (-1.0, -1.0),
        }
    }

    /// The current state, after any automatic transition due by `now`.
    pub fn state(&mut self, now: Nanos) -> State {
        self.advance(now);
        self.state
    }

    /// Seeds the generator a randomized open wait draws from.
    pub fn seed_waits(&mut self, seed: u64) {
        self.waits = Rng::new(seed ^ 0x7761_6974_5f6f_7065);
    }

    /// The current (or last) open state's wait.
    pub fn open_wait(&self) -> Nanos {
        self.wait
    }

    /// Every state change so far.
    pub fn transitions(&self) -> &[Transition] {
        &self.transitions
    }

    fn transition(&mut self, at: Nanos, to: State) {
        let from = self.state;
        self.transitions.push(Transition { at, from, to });
        self.enter(at, to);
    }

    /// Makes `to` the current state afresh (a new state object in
    /// Resilience4j), with no transition reported.
    fn enter(&mut self, at: Nanos, to: State) {
        self.state = to;
        self.since = at;
        match to {
            // OPEN keeps the metrics of the state it came from.
            State::Open => {
                self.attempts += 1;
                let initial = self.config.wait_duration_in_open_state_ms;
                let ms = match self.config.wait_interval_in_open_state {
                    Some(w) => {
                        let waits = &mut self.waits;
                        w.wait_ms(initial, self.attempts, || waits.unit_closed_open())
                    }
                    None => initial,
                };
                self.wait = ms.saturating_mul(MS);
            }
            State::HalfOpen => {
                self.metrics = Metrics::half_open(&self.config);
                self.half_open_permits = self.config.permitted_number_of_calls_in_half_open_state;
            }
            State::Closed => {
                self.metrics = Metrics::closed(&self.config, at);
                self.attempts = 0;
            }
            // METRICS_ONLY measures as CLOSED does; neither it nor DISABLED counts openings.
            State::MetricsOnly => {
                self.metrics = Metrics::closed(&self.config, at);
                self.attempts = 0;
            }
            State::Disabled => {
                self.metrics = Metrics::none();
                self.attempts = 0;
            }
            State::ForcedOpen => {
                self.metrics = Metrics::none();
                self.attempts += 1;
            }
        }
    }

    /// Applies the transitions scheduled up to `now`: OPEN → HALF_OPEN when
    /// automatic, and HALF_OPEN → OPEN (or CLOSED) after the maximum wait.
    #[inline]
    fn advance(&mut self, now: Nanos) {
        if self.state == State::Closed {
            return;
        }
        loop {
            let c = &self.config;
            let due = match self.state {
                State::Open if c.automatic_transition_from_open_to_half_open => {
                    Some((self.since.saturating_add(self.wait), State::HalfOpen))
                }
                State::HalfOpen if c.max_wait_duration_in_half_open_state_ms >= 1 => Some((
                    self.since + c.max_wait_duration_in_half_open_state_ms * MS,
                    c.transition_to_state_after_wait_duration.state(),
                )),
                _ => None,
            };
            match due {
                Some((at, to)) if at <= now => self.transition(at, to),
                _ => return,
            }
        }
    }

    /// Asks to make a call at `now` (`tryAcquirePermission`).
    pub fn try_acquire(&mut self, now: Nanos) -> bool {
        self.advance(now);
        match self.state {
            State::Closed | State::Disabled | State::MetricsOnly => true,
            State::ForcedOpen => {
                self.metrics.not_permitted += 1;
                false
            }
            State::Open => {
                if now > self.since.saturating_add(self.wait) {
                    self.transition(now, State::HalfOpen);
                    self.try_acquire(now)
                } else {
                    self.metrics.not_permitted += 1;
                    false
                }
            }
            State::HalfOpen => {
                if self.half_open_permits > 0 {
                    self.half_open_permits -= 1;
                    true
                } else {
                    self.metrics.not_permitted += 1;
                    false
                }
            }
        }
    }

    /// Records a successful call that took `duration`, finishing at `now`;
    /// true when this result changed the state.
    pub fn on_success(&mut self, now: Nanos, duration: Nanos) -> bool {
        self.record(now, duration, false)
    }

    /// Records a failed call that took `duration`, finishing at `now`; true
    /// when this result changed the state.
    pub fn on_error(&mut self, now: Nanos, duration: Nanos) -> bool {
        self.record(now, duration, true)
    }

    fn record(&mut self, now: Nanos, duration: Nanos, failed: bool) -> bool {
        self.advance(now);
        if matches!(self.state, State::Disabled | State::ForcedOpen) {
            return false;
        }
        let slow = duration > self.config.slow_call_duration_threshold_ms * MS;
        self.metrics.window.record(now, Totals::one(failed, slow));
        let verdict = self.verdict(now);
        match (self.state, verdict) {
            (State::Closed | State::HalfOpen, Verdict::Exceeded) => self.transition(now, State::Open),
            (State::HalfOpen, Verdict::BelowThresholds) => self.transition(now, State::Closed),
            _ => return false,
        }
        true
    }

    #[inline]
    fn verdict(&mut self, now: Nanos) -> Verdict {
        // One snapshot serves both rates (the window has just moved to `now`).
        let (failure, slow) = match self.buffered(now) {
            Some(t) => (t.failure_rate(), t.slow_call_rate()),
            None => (-1.0, -1.0),
        };
        self.decided = (failure, slow);
        if failure == -1.0 || slow == -1.0 {
            Verdict::BelowMinimumCalls
        } else if failure >= self.config.failure_rate_threshold || slow >= self.config.slow_call_rate_threshold {
            Verdict::Exceeded
        } else {
            Verdict::BelowThresholds
        }
    }

    #[inline]
    fn buffered(&mut self, now: Nanos) -> Option<Totals> {
        let t = self.metrics.window.totals(now);
        (t.calls > 0 && t.calls >= self.metrics.minimum_calls).then_some(t)
    }

    /// The failure rate in percent, or −1 while fewer than the minimum number
    /// of calls are buffered (`getFailureRate`).
    pub fn failure_rate(&mut self, now: Nanos) -> f32 {
        self.buffered(now).map_or(-1.0, |t| t.failure_rate())
    }

    /// The slow-call rate in percent, or −1 below the minimum number of calls.
    pub fn slow_call_rate(&mut self, now: Nanos) -> f32 {
        self.buffered(now).map_or(-1.0, |t| t.slow_call_rate())
    }

    /// Calls, failures and slow calls in the current state's window.
    pub fn totals(&mut self, now: Nanos) -> Totals {
        self.metrics.window.totals(now)
    }

    /// The failure and slow-call rates the last recorded result was judged by
    /// (−1 below the minimum number of calls): after a result that changed
    /// the state, the rates that changed it, even where the new state's
    /// metrics start afresh.
    pub fn decided_rates(&self) -> (f32, f32) {
        self.decided
    }

    /// Calls refused since the current metrics began (`getNumberOfNotPermittedCalls`).
    pub fn not_permitted(&self) -> u64 {
        self.metrics.not_permitted
    }

    /// Moves to OPEN now (`transitionToOpenState`), as a forced trip. As in
    /// Resilience4j, forcing the state the breaker is in makes it afresh,
    /// without a transition: OPEN counts another opening and restarts its wait.
    pub fn transition_to_open(&mut self, now: Nanos) {
        self.force(now, State::Open);
    }

    /// Moves to HALF_OPEN now (`transitionToHalfOpenState`); from HALF_OPEN,
    /// fresh metrics and permits. (Resilience4j refuses it from CLOSED; the
    /// caller checks.)
    pub fn transition_to_half_open(&mut self, now: Nanos) {
        self.force(now, State::HalfOpen);
    }

    /// Moves to CLOSED now with fresh metrics (`transitionToClosedState`).
    pub fn transition_to_closed(&mut self, now: Nanos) {
        self.force(now, State::Closed);
    }

    /// Forces the state `to` now (Resilience4j's `transitionTo…State`),
    /// or says why Resilience4j refuses it ([`legal`]). Forcing the state
    /// the breaker is in makes it afresh, without a transition.
    pub fn transition_to(&mut self, now: Nanos, to: State) -> Result<(), String> {
        self.advance(now);
        if !legal(self.state, to) {
            return Err(format!("Resilience4j does not allow a transition from {} to {}", self.state.name(), to.name()));
        }
        self.force(now, to);
        Ok(())
    }

    fn force(&mut self, now: Nanos, to: State) {
        self.advance(now);
        if self.state == to {
            self.enter(now, to);
        } else {
            self.transition(now, to);
        }
    }

    /// Gives back a permission taken for a call that never ran
    /// (`releasePermission`, and an ignored error): one more HALF_OPEN
    /// trial call, with no cap; nothing in the other states.
    pub fn release_permission(&mut self, now: Nanos) {
        self.advance(now);
        if self.state == State::HalfOpen {
            self.half_open_permits += 1;
        }
    }

    /// `reset()`: a fresh CLOSED state from any state, its metrics and the
    /// count of openings cleared (a transition is reported only when the
    /// breaker was not CLOSED).
    pub fn reset(&mut self, now: Nanos) {
        self.advance(now);
        if self.state == State::Closed {
            self.enter(now, State::Closed);
        } else {
            self.transition(now, State::Closed);
        }
    }
}
