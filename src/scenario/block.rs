//! Article widget blocks: flat `key: value` lines that start a widget from a
//! preset and override some of its fields.
//!
//! ```text
//! kind: rate-limiter
//! preset: boundary-burst
//! algorithms: fixed-window, sliding-log
//! limit: 5
//! ```
//!
//! Every key is checked: an unknown key, a repeated key, a value of the wrong
//! type or a scenario that fails validation is an error naming the line.

use super::presets;
use super::{RateLimiterScenario, Scenario};
use crate::sim::ratelimit::{Algorithm, LimiterConfig, NginxDelay};
use crate::sim::traffic::Traffic;

/// A parsed widget block: the starting scenario and an optional caption.
#[derive(Clone, Debug, PartialEq)]
pub struct WidgetBlock {
    pub scenario: Scenario,
    pub title: Option<String>,
}

/// Keys a rate-limiter block accepts, in the order they are applied.
pub const RATE_LIMITER_KEYS: [&str; 20] = [
    "kind",
    "preset",
    "title",
    "algorithms",
    "limit",
    "period_ms",
    "burst",
    "nginx_delay",
    "traffic",
    "rps",
    "on_ms",
    "off_ms",
    "spike_rps",
    "spike_at_ms",
    "spike_ms",
    "base_rps",
    "cost",
    "duration_ms",
    "seed",
    "time_ms",
];

/// Parses a widget block's body.
pub fn parse(text: &str) -> Result<WidgetBlock, String> {
    let mut pairs: Vec<(usize, &str, &str)> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.split_once('#').map_or(raw, |(before, _)| before).trim();
        if line.is_empty() {
            continue;
        }
        let (key, value) =
            line.split_once(':').ok_or_else(|| format!("line {}: expected `key: value`, found `{}`", i + 1, line))?;
        let (key, value) = (key.trim(), value.trim());
        if pairs.iter().any(|(_, k, _)| *k == key) {
            return Err(format!("line {}: `{key}` is given twice", i + 1));
        }
        pairs.push((i + 1, key, value));
    }
    let get = |k: &str| pairs.iter().find(|(_, key, _)| *key == k).map(|(line, _, v)| (*line, *v));
    match get("kind") {
        None => Err("the block has no `kind:` line (for example `kind: rate-limiter`)".into()),
        Some((_, "rate-limiter")) => rate_limiter(&pairs),
        Some((line, other)) => Err(format!("line {line}: unknown widget kind `{other}`; known kinds: rate-limiter")),
    }
}

fn number<T: std::str::FromStr>(line: usize, key: &str, value: &str) -> Result<T, String> {
    value.parse().map_err(|_| format!("line {line}: `{key}` must be a number, not `{value}`"))
}

fn rate_limiter(pairs: &[(usize, &str, &str)]) -> Result<WidgetBlock, String> {
    for (line, key, _) in pairs {
        if !RATE_LIMITER_KEYS.contains(key) {
            return Err(format!(
                "line {line}: unknown key `{key}`; a rate-limiter block takes {}",
                RATE_LIMITER_KEYS.join(", ")
            ));
        }
    }
    let get = |k: &str| pairs.iter().find(|(_, key, _)| *key == k).map(|(line, _, v)| (*line, *v));
    let preset = get("preset").map_or("overview", |(_, v)| v);
    let mut s: RateLimiterScenario = presets::rate_limiter(preset).ok_or_else(|| {
        let names: Vec<&str> = presets::RATE_LIMITER.iter().map(|(n, _)| *n).collect();
        format!("unknown preset `{preset}`; presets: {}", names.join(", "))
    })?;

    if let Some((line, v)) = get("algorithms") {
        let template = s.limiters[0].clone();
        let mut lanes = Vec::new();
        for name in v.split(',').map(str::trim) {
            let algorithm = Algorithm::from_name(name).ok_or_else(|| {
                let names: Vec<&str> = Algorithm::ALL.iter().map(|a| a.name()).collect();
                format!("line {line}: unknown algorithm `{name}`; algorithms: {}", names.join(", "))
            })?;
            let mut lane = s
                .limiters
                .iter()
                .find(|l| l.algorithm == algorithm)
                .cloned()
                .unwrap_or_else(|| LimiterConfig { algorithm, ..template.clone() });
            if algorithm != Algorithm::Nginx {
                lane.delay = NginxDelay::default();
            }
            lanes.push(lane);
        }
        s.limiters = lanes;
    }
    for lane in &mut s.limiters {
        if let Some((line, v)) = get("limit") {
            lane.limit = number(line, "limit", v)?;
        }
        if let Some((line, v)) = get("period_ms") {
            lane.period_ms = number(line, "period_ms", v)?;
        }
        if let Some((line, v)) = get("burst") {
            lane.burst = Some(number(line, "burst", v)?);
        }
        if let (Some((line, v)), Algorithm::Nginx) = (get("nginx_delay"), lane.algorithm) {
            lane.delay = match v {
                "nodelay" => NginxDelay::NoDelay,
                n => NginxDelay::Delay(number(line, "nginx_delay", n)?),
            };
        }
    }

    if let Some((line, v)) = get("traffic") {
        s.traffic = Traffic::example(v)
            .ok_or_else(|| format!("line {line}: unknown traffic `{v}`; traffic: steady, bursty, poisson, spike"))?;
    }
    let traffic_keys = ["rps", "on_ms", "off_ms", "spike_rps", "spike_at_ms", "spike_ms", "base_rps", "cost"];
    for key in traffic_keys {
        let Some((line, v)) = get(key) else { continue };
        let pattern = s.traffic.pattern();
        let applied = match (&mut s.traffic, key) {
            (Traffic::Steady { rps, .. } | Traffic::Poisson { rps, .. } | Traffic::Bursty { rps, .. }, "rps") => {
                *rps = number(line, key, v)?;
                true
            }
            (Traffic::Bursty { on_ms, .. }, "on_ms") => {
                *on_ms = number(line, key, v)?;
                true
            }
            (Traffic::Bursty { off_ms, .. }, "off_ms") => {
                *off_ms = number(line, key, v)?;
                true
            }
            (Traffic::Spike { base_rps, .. }, "base_rps" | "rps") => {
                *base_rps = number(line, key, v)?;
                true
            }
            (Traffic::Spike { spike_rps, .. }, "spike_rps") => {
                *spike_rps = number(line, key, v)?;
                true
            }
            (Traffic::Spike { spike_at_ms, .. }, "spike_at_ms") => {
                *spike_at_ms = number(line, key, v)?;
                true
            }
            (Traffic::Spike { spike_ms, .. }, "spike_ms") => {
                *spike_ms = number(line, key, v)?;
                true
            }
            (
                Traffic::Steady { cost, .. }
                | Traffic::Poisson { cost, .. }
                | Traffic::Bursty { cost, .. }
                | Traffic::Spike { cost, .. },
                "cost",
            ) => {
                *cost = number(line, key, v)?;
                true
            }
            _ => false,
        };
        if !applied {
            return Err(format!("line {line}: `{key}` does not apply to {pattern} traffic"));
        }
    }
    if let Some((line, v)) = get("duration_ms") {
        s.duration_ms = number(line, "duration_ms", v)?;
    }
    if let Some((line, v)) = get("seed") {
        s.seed = number(line, "seed", v)?;
    }
    if let Some((line, v)) = get("time_ms") {
        s.view.time_ms = Some(number(line, "time_ms", v)?);
    }
    s.validate()?;
    Ok(WidgetBlock {
        scenario: Scenario::RateLimiter(s),
        title: get("title").map(|(_, v)| v.to_string()).filter(|t| !t.is_empty()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rl(text: &str) -> RateLimiterScenario {
        match parse(text).unwrap().scenario {
            Scenario::RateLimiter(s) => s,
            other => panic!("expected a rate-limiter scenario, got {}", other.widget()),
        }
    }

    #[test]
    fn a_bare_block_is_the_overview_preset() {
        assert_eq!(rl("kind: rate-limiter"), presets::rate_limiter("overview").unwrap());
    }

    #[test]
    fn overrides_apply_to_every_lane() {
        let s =
            rl("kind: rate-limiter\nalgorithms: gcra, nginx # two lanes\nlimit: 3\nburst: 4\nnginx_delay: nodelay\n");
        assert_eq!(s.limiters.len(), 2);
        assert!(s.limiters.iter().all(|l| l.limit == 3 && l.burst == Some(4)));
        assert_eq!(s.limiters[1].delay, NginxDelay::NoDelay);
        assert_eq!(s.limiters[0].delay, NginxDelay::default());
    }

    #[test]
    fn traffic_keys_must_fit_the_pattern() {
        let s = rl("kind: rate-limiter\ntraffic: spike\nspike_rps: 99\nrps: 3");
        assert_eq!(
            s.traffic,
            Traffic::Spike { base_rps: 3.0, spike_rps: 99.0, spike_at_ms: 5000, spike_ms: 1000, cost: 1 }
        );
        let e = parse("kind: rate-limiter\npreset: boundary-burst\nrps: 5").unwrap_err();
        assert_eq!(e, "line 3: `rps` does not apply to list traffic");
    }

    #[test]
    fn errors_name_the_line() {
        assert_eq!(parse("").unwrap_err(), "the block has no `kind:` line (for example `kind: rate-limiter`)");
        assert!(parse("kind: rate-limiter\nlimit five").unwrap_err().starts_with("line 2: expected `key: value`"));
        assert!(parse("kind: rate-limiter\nlimit: five").unwrap_err().starts_with("line 2: `limit` must be a number"));
        assert!(parse("kind: rate-limiter\nlimit: 1\nlimit: 2").unwrap_err().contains("given twice"));
        assert!(parse("kind: rate-limiter\ncolour: red").unwrap_err().contains("unknown key `colour`"));
        assert!(parse("kind: ring").unwrap_err().contains("unknown widget kind `ring`"));
        assert!(parse("kind: rate-limiter\nalgorithms: gcra, magic")
            .unwrap_err()
            .contains("unknown algorithm `magic`"));
        assert!(parse("kind: rate-limiter\nlimit: 0").unwrap_err().contains("limit must be between 1"));
        assert!(parse("kind: rate-limiter\npreset: nope").unwrap_err().contains("unknown preset `nope`"));
    }

    #[test]
    fn title_is_kept() {
        let b = parse("kind: rate-limiter\ntitle: The boundary burst").unwrap();
        assert_eq!(b.title.as_deref(), Some("The boundary burst"));
    }
}
