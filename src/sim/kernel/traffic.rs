//! Request traffic: the generators every time-based widget shares.
//!
//! A [`Traffic`] describes arrivals over a run; [`Traffic::generate`] turns it
//! into a sorted list of [`Request`]s using the run's seeded [`Rng`]. Only the
//! Poisson pattern draws random numbers, so the others ignore the seed.

use super::rng::Rng;
use super::time::{ms_to_ns, Nanos, SEC};
use crate::scenario::json::{self, Error, FromJson, Node, ToJson};
use crate::sim::kernel::num::decimal;

/// The most requests one run may contain. Keeps a slider drag within a frame
/// and a hand-edited URL from freezing the tab.
pub const MAX_REQUESTS: usize = 200_000;
/// The longest run, in milliseconds (one hour of simulated time).
pub const MAX_DURATION_MS: u64 = 3_600_000;

/// The longest run of a family that simulates a day, in milliseconds.
pub const MAX_DAY_MS: u64 = 86_400_000;

/// Checks a run's length: from 1 ms to [`MAX_DURATION_MS`].
pub fn check_duration(duration_ms: u64) -> Result<(), String> {
    check_duration_within(duration_ms, MAX_DURATION_MS)
}

/// Checks a run's length: from 1 ms to `max_ms`.
pub fn check_duration_within(duration_ms: u64, max_ms: u64) -> Result<(), String> {
    if duration_ms == 0 || duration_ms > max_ms {
        return Err(format!("duration_ms must be between 1 and {max_ms}, not {duration_ms}"));
    }
    Ok(())
}
/// The largest cost of a single request.
pub const MAX_COST: u32 = 1_000_000;

/// One arrival: when, and how many units it asks for (≥ 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Request {
    /// Arrival time.
    pub at: Nanos,
    /// Units requested (tokens, cells, counter increments); at least 1.
    pub cost: u32,
}

/// An explicit arrival in a scenario: `[at_ms, cost]`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Arrival(pub f64, pub u32);

/// How requests arrive during a run.
///
/// In JSON, an object whose `pattern` names the variant, with the variant's
/// fields beside it: `{"pattern": "poisson", "rps": 10}`.
#[derive(Clone, Debug, PartialEq)]
pub enum Traffic {
    /// Evenly spaced arrivals at `rps` per second, the first at time 0.
    Steady { rps: f64, cost: u32 },
    /// On/off bursts: `rps` evenly spaced during `on_ms`, silence for `off_ms`, repeated.
    Bursty { rps: f64, on_ms: u64, off_ms: u64, cost: u32 },
    /// A Poisson process: exponential gaps with mean 1/`rps`, drawn from the run's seed.
    Poisson { rps: f64, cost: u32 },
    /// Steady `base_rps`, replaced by `spike_rps` from `spike_at_ms` for `spike_ms`.
    Spike { base_rps: f64, spike_rps: f64, spike_at_ms: u64, spike_ms: u64, cost: u32 },
    /// Exactly these arrivals, `[at_ms, cost]` each.
    List { requests: Vec<Arrival> },
}

/// The JSON form of [`Traffic`]: one flat object, checked field by field.
struct TrafficSpec {
    pattern: String,
    rps: Option<f64>,
    on_ms: Option<u64>,
    off_ms: Option<u64>,
    base_rps: Option<f64>,
    spike_rps: Option<f64>,
    spike_at_ms: Option<u64>,
    spike_ms: Option<u64>,
    cost: Option<u32>,
    requests: Option<Vec<Arrival>>,
}

impl TryFrom<TrafficSpec> for Traffic {
    type Error = String;

    fn try_from(t: TrafficSpec) -> Result<Traffic, String> {
        let p = t.pattern.as_str();
        let need = |v: Option<f64>, name: &str| v.ok_or_else(|| format!("{p} traffic needs `{name}`"));
        let need_ms = |v: Option<u64>, name: &str| v.ok_or_else(|| format!("{p} traffic needs `{name}`"));
        let extra: &[(&str, bool)] = &[
            ("rps", t.rps.is_some()),
            ("on_ms", t.on_ms.is_some()),
            ("off_ms", t.off_ms.is_some()),
            ("base_rps", t.base_rps.is_some()),
            ("spike_rps", t.spike_rps.is_some()),
            ("spike_at_ms", t.spike_at_ms.is_some()),
            ("spike_ms", t.spike_ms.is_some()),
            ("cost", t.cost.is_some()),
            ("requests", t.requests.is_some()),
        ];
        let allowed: &[&str] = match p {
            "steady" | "poisson" => &["rps", "cost"],
            "bursty" => &["rps", "on_ms", "off_ms", "cost"],
            "spike" => &["base_rps", "spike_rps", "spike_at_ms", "spike_ms", "cost"],
            "list" => &["requests"],
            other => {
                return Err(format!(
                    "unknown traffic pattern `{other}`; patterns: steady, bursty, poisson, spike, list"
                ))
            }
        };
        if let Some((name, _)) = extra.iter().find(|(name, set)| *set && !allowed.contains(name)) {
            return Err(format!("`{name}` does not apply to {p} traffic"));
        }
        let cost = t.cost.unwrap_or(1);
        Ok(match p {
            "steady" => Traffic::Steady { rps: need(t.rps, "rps")?, cost },
            "poisson" => Traffic::Poisson { rps: need(t.rps, "rps")?, cost },
            "bursty" => Traffic::Bursty {
                rps: need(t.rps, "rps")?,
                on_ms: need_ms(t.on_ms, "on_ms")?,
                off_ms: need_ms(t.off_ms, "off_ms")?,
                cost,
            },
            "spike" => Traffic::Spike {
                base_rps: need(t.base_rps, "base_rps")?,
                spike_rps: need(t.spike_rps, "spike_rps")?,
                spike_at_ms: need_ms(t.spike_at_ms, "spike_at_ms")?,
                spike_ms: need_ms(t.spike_ms, "spike_ms")?,
                cost,
            },
            _ => Traffic::List { requests: t.requests.ok_or("list traffic needs `requests`")? },
        })
    }
}

impl From<Traffic> for TrafficSpec {
    fn from(t: Traffic) -> TrafficSpec {
        let mut s = TrafficSpec {
            pattern: t.pattern().to_string(),
            rps: None,
            on_ms: None,
            off_ms: None,
            base_rps: None,
            spike_rps: None,
            spike_at_ms: None,
            spike_ms: None,
            cost: None,
            requests: None,
        };
        match t {
            Traffic::Steady { rps, cost } | Traffic::Poisson { rps, cost } => {
                s.rps = Some(rps);
                s.cost = Some(cost);
            }
            Traffic::Bursty { rps, on_ms, off_ms, cost } => {
                (s.rps, s.on_ms, s.off_ms, s.cost) = (Some(rps), Some(on_ms), Some(off_ms), Some(cost));
            }
            Traffic::Spike { base_rps, spike_rps, spike_at_ms, spike_ms, cost } => {
                (s.base_rps, s.spike_rps, s.spike_at_ms, s.spike_ms) =
                    (Some(base_rps), Some(spike_rps), Some(spike_at_ms), Some(spike_ms));
                s.cost = Some(cost);
            }
            Traffic::List { requests } => s.requests = Some(requests),
        }
        s
    }
}

impl FromJson for Arrival {
    fn read(node: &Node) -> Result<Arrival, Error> {
        let [at, cost] = json::tuple(node, "a request [at_ms, cost]")?;
        Ok(Arrival(f64::read(at)?, u32::read(cost)?))
    }
}

impl ToJson for Arrival {
    fn write(&self, out: &mut String) {
        out.push('[');
        self.0.write(out);
        out.push(',');
        self.1.write(out);
        out.push(']');
    }
}

/// Every key of traffic's JSON form.
const TRAFFIC_KEYS: [&str; 10] =
    ["pattern", "rps", "on_ms", "off_ms", "base_rps", "spike_rps", "spike_at_ms", "spike_ms", "cost", "requests"];

impl FromJson for Traffic {
    fn read(node: &Node) -> Result<Traffic, Error> {
        let f = json::Fields::of(node, "traffic (an object with a pattern)", &TRAFFIC_KEYS)?;
        let spec = TrafficSpec {
            pattern: f.req("pattern")?,
            rps: f.or_default("rps")?,
            on_ms: f.or_default("on_ms")?,
            off_ms: f.or_default("off_ms")?,
            base_rps: f.or_default("base_rps")?,
            spike_rps: f.or_default("spike_rps")?,
            spike_at_ms: f.or_default("spike_at_ms")?,
            spike_ms: f.or_default("spike_ms")?,
            cost: f.or_default("cost")?,
            requests: f.or_default("requests")?,
        };
        Traffic::try_from(spec).map_err(|e| Error::new(node.at, e))
    }
}

impl ToJson for Traffic {
    fn write(&self, out: &mut String) {
        let s = TrafficSpec::from(self.clone());
        let mut o = json::Obj::new(out);
        o.field("pattern", &s.pattern);
        o.field_unless(s.rps.is_none(), "rps", &s.rps);
        o.field_unless(s.on_ms.is_none(), "on_ms", &s.on_ms);
        o.field_unless(s.off_ms.is_none(), "off_ms", &s.off_ms);
        o.field_unless(s.base_rps.is_none(), "base_rps", &s.base_rps);
        o.field_unless(s.spike_rps.is_none(), "spike_rps", &s.spike_rps);
        o.field_unless(s.spike_at_ms.is_none(), "spike_at_ms", &s.spike_at_ms);
        o.field_unless(s.spike_ms.is_none(), "spike_ms", &s.spike_ms);
        o.field_unless(s.cost.is_none(), "cost", &s.cost);
        o.field_unless(s.requests.is_none(), "requests", &s.requests);
        o.end();
    }
}

impl Default for Traffic {
    fn default() -> Self {
        Traffic::Bursty { rps: 40.0, on_ms: 500, off_ms: 1500, cost: 1 }
    }
}

fn check_rate(name: &str, rps: f64) -> Result<(), String> {
    if !rps.is_finite() || rps < 0.0 {
        return Err(format!("{name} must be a number of requests per second ≥ 0, not {}", decimal(rps, 3)));
    }
    if rps > 1_000_000.0 {
        return Err(format!("{name} must be at most 1,000,000 requests per second, not {}", decimal(rps, 3)));
    }
    Ok(())
}

fn check_cost(cost: u32) -> Result<(), String> {
    if cost == 0 || cost > MAX_COST {
        return Err(format!("cost must be between 1 and {MAX_COST}, not {cost}"));
    }
    Ok(())
}

impl Traffic {
    /// A starting point for each generated pattern (`steady`, `bursty`,
    /// `poisson`, `spike`), as the widget and article blocks offer them.
    pub fn example(pattern: &str) -> Option<Traffic> {
        Some(match pattern {
            "steady" => Traffic::Steady { rps: 10.0, cost: 1 },
            "bursty" => Traffic::Bursty { rps: 40.0, on_ms: 500, off_ms: 1500, cost: 1 },
            "poisson" => Traffic::Poisson { rps: 10.0, cost: 1 },
            "spike" => Traffic::Spike { base_rps: 2.0, spike_rps: 40.0, spike_at_ms: 5000, spike_ms: 1000, cost: 1 },
            _ => return None,
        })
    }

    /// Short name of the pattern, as used in scenarios (`steady`, `bursty`, …).
    pub fn pattern(&self) -> &'static str {
        match self {
            Traffic::Steady { .. } => "steady",
            Traffic::Bursty { .. } => "bursty",
            Traffic::Poisson { .. } => "poisson",
            Traffic::Spike { .. } => "spike",
            Traffic::List { .. } => "list",
        }
    }

    /// The rate a widget's rate control sets, in requests a second: the
    /// spike's own rate for a spike; none for a list.
    pub fn rate_mut(&mut self) -> Option<&mut f64> {
        match self {
            Traffic::Steady { rps, .. } | Traffic::Poisson { rps, .. } | Traffic::Bursty { rps, .. } => Some(rps),
            Traffic::Spike { spike_rps, .. } => Some(spike_rps),
            Traffic::List { .. } => None,
        }
    }

    /// The rate [`rate_mut`](Self::rate_mut) sets.
    pub fn rate(&self) -> Option<f64> {
        // Every pattern but a list is a few numbers to copy.
        self.without_list().and_then(|mut t| t.rate_mut().copied())
    }

    /// The cost [`cost_mut`](Self::cost_mut) sets.
    pub fn cost(&self) -> Option<u32> {
        self.without_list().and_then(|mut t| t.cost_mut().copied())
    }

    /// A copy of the pattern, unless it is a list.
    fn without_list(&self) -> Option<Traffic> {
        (!matches!(self, Traffic::List { .. })).then(|| self.clone())
    }

    /// Each request's cost; none for a list, whose requests carry their own.
    pub fn cost_mut(&mut self) -> Option<&mut u32> {
        match self {
            Traffic::Steady { cost, .. }
            | Traffic::Poisson { cost, .. }
            | Traffic::Bursty { cost, .. }
            | Traffic::Spike { cost, .. } => Some(cost),
            Traffic::List { .. } => None,
        }
    }

    /// Checks every field and that a run of `duration_ms` stays within
    /// [`MAX_REQUESTS`]. The message names the offending field.
    pub fn validate(&self, duration_ms: u64) -> Result<(), String> {
        let secs = duration_ms as f64 / 1000.0;
        let expected = match self {
            Traffic::Steady { rps, cost } | Traffic::Poisson { rps, cost } => {
                check_rate("rps", *rps)?;
                check_cost(*cost)?;
                // Poisson can exceed its mean; allow generous headroom by checking 1.2×.
                rps * secs * if matches!(self, Traffic::Poisson { .. }) { 1.2 } else { 1.0 }
            }
            Traffic::Bursty { rps, on_ms, off_ms, cost } => {
                check_rate("rps", *rps)?;
                check_cost(*cost)?;
                if *on_ms == 0 {
                    return Err("on_ms must be at least 1".into());
                }
                if *on_ms > MAX_DURATION_MS || *off_ms > MAX_DURATION_MS {
                    return Err(format!("on_ms and off_ms must be at most {MAX_DURATION_MS}"));
                }
                rps * secs * (*on_ms as f64 / (*on_ms + *off_ms) as f64)
            }
            Traffic::Spike { base_rps, spike_rps, spike_at_ms, spike_ms, cost } => {
                check_rate("base_rps", *base_rps)?;
                check_rate("spike_rps", *spike_rps)?;
                check_cost(*cost)?;
                let most = MAX_DURATION_MS.max(duration_ms);
                if *spike_at_ms > most || *spike_ms > most {
                    return Err(format!("spike_at_ms and spike_ms must be at most {most}"));
                }
                base_rps * secs + spike_rps * (*spike_ms as f64 / 1000.0)
            }
            Traffic::List { requests } => {
                validate_arrivals(requests, duration_ms)?;
                0.0
            }
        };
        if expected > MAX_REQUESTS as f64 {
            return Err(format!(
                "this traffic would send about {} requests in {} ms; at most {MAX_REQUESTS} fit in one run — lower the rate or the duration",
                expected.round() as u64,
                duration_ms
            ));
        }
        Ok(())
    }

    /// All arrivals in `[0, duration)`, sorted by time (ties keep generation
    /// order). Call [`Traffic::validate`] first; the output is also capped at
    /// [`MAX_REQUESTS`] as a last line of defence.
    pub fn generate(&self, duration: Nanos, rng: &mut Rng) -> Vec<Request> {
        let mut out = Vec::new();
        match *self {
            Traffic::Steady { rps, cost } => steady(&mut out, 0, duration, rps, cost),
            Traffic::Bursty { rps, on_ms, off_ms, cost } => {
                let on = on_ms.saturating_mul(1_000_000);
                let cycle = on_ms.saturating_add(off_ms).saturating_mul(1_000_000);
                let mut start = 0;
                while start < duration && out.len() < MAX_REQUESTS {
                    steady(&mut out, start, (start + on).min(duration), rps, cost);
                    start = start.saturating_add(cycle);
                }
            }
            Traffic::Poisson { rps, cost } => {
                if rps > 0.0 {
                    let mean_ns = SEC as f64 / rps;
                    let mut t = rng.exponential(mean_ns);
                    while t < duration as f64 && out.len() < MAX_REQUESTS {
                        out.push(Request { at: t as Nanos, cost });
                        t += rng.exponential(mean_ns);
                    }
                }
            }
            Traffic::Spike { base_rps, spike_rps, spike_at_ms, spike_ms, cost } => {
                let from = spike_at_ms.saturating_mul(1_000_000).min(duration);
                let to = spike_at_ms.saturating_add(spike_ms).saturating_mul(1_000_000).min(duration);
                steady(&mut out, 0, from, base_rps, cost);
                steady(&mut out, from, to, spike_rps, cost);
                steady(&mut out, to, duration, base_rps, cost);
            }
            Traffic::List { ref requests } => {
                for &Arrival(at, cost) in requests {
                    let at = ms_to_ns(at);
                    if at < duration {
                        out.push(Request { at, cost: cost.max(1) });
                    }
                }
            }
        }
        out.truncate(MAX_REQUESTS);
        out
    }
}

/// Checks a list of arrivals: at most [`MAX_REQUESTS`], times within an hour
/// and non-decreasing, costs in range; the message names the request.
pub fn validate_arrivals(requests: &[Arrival], duration_ms: u64) -> Result<(), String> {
    if requests.len() > MAX_REQUESTS {
        return Err(format!("the list has {} requests; at most {MAX_REQUESTS} are allowed", requests.len()));
    }
    let mut last = 0.0;
    for (i, Arrival(at, cost)) in requests.iter().enumerate() {
        if !at.is_finite() || *at < 0.0 {
            return Err(format!("request {i}: time must be 0 ms or later, not {}", decimal(*at, 3)));
        }
        // Nanoseconds, as the run compares them: a time that rounds to the
        // run's end is after it.
        if ms_to_ns(*at) >= duration_ms.saturating_mul(1_000_000) {
            return Err(format!(
                "request {i} at {} ms is at or after the run's end ({duration_ms} ms): lengthen duration_ms or remove it",
                decimal(*at, 3)
            ));
        }
        if *at < last {
            return Err(format!(
                "request {i}: times must not decrease ({} ms after {} ms)",
                decimal(*at, 3),
                decimal(last, 3)
            ));
        }
        last = *at;
        check_cost(*cost).map_err(|e| format!("request {i}: {e}"))?;
    }
    Ok(())
}

/// Evenly spaced arrivals at `rps` in `[from, to)`, the first at `from`.
fn steady(out: &mut Vec<Request>, from: Nanos, to: Nanos, rps: f64, cost: u32) {
    if rps <= 0.0 || from >= to {
        return;
    }
    let gap = SEC as f64 / rps;
    let mut i = 0u64;
    loop {
        let at = from + (i as f64 * gap) as Nanos;
        if at >= to || out.len() >= MAX_REQUESTS {
            break;
        }
        out.push(Request { at, cost });
        i += 1;
    }
}

/// Merges two time-sorted lists of arrivals in one pass: generated traffic
/// and requests fired by hand. At equal times `base` comes first.
pub fn merge(base: Vec<Request>, extra: &[Request]) -> Vec<Request> {
    if extra.is_empty() {
        return base;
    }
    let mut out = Vec::with_capacity((base.len() + extra.len()).min(MAX_REQUESTS));
    let (mut a, mut b) = (base.iter().peekable(), extra.iter().peekable());
    while out.len() < MAX_REQUESTS {
        let next = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) if y.at < x.at => b.next(),
            (Some(_), _) => a.next(),
            (None, _) => b.next(),
        };
        match next {
            Some(r) => out.push(*r),
            None => break,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pattern_s_rate_and_cost() {
        let mut spike = Traffic::Spike { base_rps: 1.0, spike_rps: 20.0, spike_at_ms: 0, spike_ms: 10, cost: 3 };
        assert_eq!((spike.rate(), spike.cost()), (Some(20.0), Some(3)));
        *spike.rate_mut().unwrap() = 40.0;
        assert_eq!(spike, Traffic::Spike { base_rps: 1.0, spike_rps: 40.0, spike_at_ms: 0, spike_ms: 10, cost: 3 });
        let list = Traffic::List { requests: vec![Arrival(1.0, 2)] };
        assert_eq!((list.rate(), list.cost()), (None, None));
    }
    use crate::sim::kernel::time::MS;

    fn times(t: &Traffic, dur_ms: u64) -> Vec<Nanos> {
        t.generate(dur_ms * MS, &mut Rng::new(1)).iter().map(|r| r.at).collect()
    }

    #[test]
    fn steady_is_evenly_spaced_from_zero() {
        let t = Traffic::Steady { rps: 4.0, cost: 1 };
        assert_eq!(times(&t, 1000), vec![0, 250 * MS, 500 * MS, 750 * MS]);
    }

    #[test]
    fn bursty_repeats_on_and_off() {
        let t = Traffic::Bursty { rps: 10.0, on_ms: 200, off_ms: 300, cost: 1 };
        assert_eq!(times(&t, 1000), vec![0, 100 * MS, 500 * MS, 600 * MS]);
    }

    #[test]
    fn spike_replaces_the_base_rate() {
        let t = Traffic::Spike { base_rps: 1.0, spike_rps: 4.0, spike_at_ms: 1000, spike_ms: 1000, cost: 2 };
        let got = t.generate(3000 * MS, &mut Rng::new(0));
        let at: Vec<_> = got.iter().map(|r| r.at / MS).collect();
        assert_eq!(at, vec![0, 1000, 1250, 1500, 1750, 2000]);
        assert!(got.iter().all(|r| r.cost == 2));
    }

    #[test]
    fn poisson_depends_only_on_seed() {
        let t = Traffic::Poisson { rps: 50.0, cost: 1 };
        let a = t.generate(10 * SEC, &mut Rng::new(9));
        let b = t.generate(10 * SEC, &mut Rng::new(9));
        let c = t.generate(10 * SEC, &mut Rng::new(10));
        assert_eq!(a, b);
        assert_ne!(a, c);
        // 500 expected; a Poisson count has standard deviation √500 ≈ 22.
        assert!((400..600).contains(&a.len()), "{}", a.len());
        assert!(a.windows(2).all(|w| w[0].at <= w[1].at));
    }

    #[test]
    fn list_keeps_order_and_drops_late_arrivals() {
        let t = Traffic::List { requests: vec![Arrival(0.5, 1), Arrival(0.5, 3), Arrival(2000.0, 1)] };
        let got = t.generate(1000 * MS, &mut Rng::new(0));
        assert_eq!(got, vec![Request { at: 500_000, cost: 1 }, Request { at: 500_000, cost: 3 }]);
    }

    #[test]
    fn validation_names_the_problem() {
        let too_many = Traffic::Steady { rps: 1000.0, cost: 1 };
        assert!(too_many.validate(3_600_000).unwrap_err().contains("at most 200000"));
        assert!(Traffic::Steady { rps: f64::NAN, cost: 1 }.validate(1000).unwrap_err().contains("rps"));
        assert!(Traffic::Poisson { rps: 1.0, cost: 0 }.validate(1000).unwrap_err().contains("cost"));
        let unsorted = Traffic::List { requests: vec![Arrival(5.0, 1), Arrival(1.0, 1)] };
        assert!(unsorted.validate(1000).unwrap_err().contains("request 1"));
        assert!(Traffic::Bursty { rps: 1.0, on_ms: 0, off_ms: 1, cost: 1 }.validate(1000).is_err());
        assert!(Traffic::default().validate(20_000).is_ok());
    }

    #[test]
    fn json_form_is_flat_and_checked() {
        assert_eq!(
            json::from_str(r#"{"pattern":"spike","base_rps":1,"spike_rps":9,"spike_at_ms":5,"spike_ms":2}"#),
            Ok(Traffic::Spike { base_rps: 1.0, spike_rps: 9.0, spike_at_ms: 5, spike_ms: 2, cost: 1 })
        );
        assert_eq!(
            json::to_string(&Traffic::Poisson { rps: 2.5, cost: 1 }),
            r#"{"pattern":"poisson","rps":2.5,"cost":1}"#
        );
        let err = |j: &str| json::from_str::<Traffic>(j).unwrap_err();
        assert_eq!(err(r#"{"pattern":"bursty","rps":1}"#), "bursty traffic needs `on_ms` at line 1 column 1");
        assert_eq!(
            err(r#"{"pattern":"steady","rps":1,"on_ms":3}"#),
            "`on_ms` does not apply to steady traffic at line 1 column 1"
        );
        assert_eq!(
            err(r#"{"pattern":"wave","rps":1}"#),
            "unknown traffic pattern `wave`; patterns: steady, bursty, poisson, spike, list at line 1 column 1"
        );
        assert_eq!(
            err(r#"{"pattern":"list","requests":[],"colour":1}"#),
            concat!(
                r#"unknown field "colour"; expected one of "pattern", "rps", "on_ms", "off_ms", "base_rps", "#,
                r#""spike_rps", "spike_at_ms", "spike_ms", "cost", "requests" at line 1 column 42"#
            )
        );
    }

    #[test]
    fn merge_puts_extras_after_generated_ties() {
        let base = vec![Request { at: 0, cost: 1 }, Request { at: 10, cost: 1 }];
        let got = merge(base, &[Request { at: 5, cost: 2 }, Request { at: 10, cost: 5 }]);
        let costs: Vec<_> = got.iter().map(|r| r.cost).collect();
        assert_eq!(costs, vec![1, 2, 1, 5]);
    }
}
