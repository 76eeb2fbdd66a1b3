//! The rate limiter's widget-block keys: the lanes' algorithms and their
//! parameters, the traffic and the duration.

use super::scenario::RateLimiterScenario;
use super::{Algorithm, LimiterConfig, NginxDelay};
use crate::scenario::block::{number, Block};

/// The preset a block starts from when it names none.
pub const PRESET: &str = "overview";

/// Keys a rate-limiter block accepts, in the order they are applied.
pub const KEYS: [&str; 20] = [
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

/// Applies a block's lanes (`algorithms:`, each keeping the preset's lane of
/// that algorithm), the parameters every lane takes, the traffic and the duration.
pub fn apply(s: &mut RateLimiterScenario, block: &Block) -> Result<(), String> {
    if let Some((line, v)) = block.get("algorithms") {
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
        block.set("limit", &mut lane.limit)?;
        block.set("period_ms", &mut lane.period_ms)?;
        if let Some(burst) = block.number("burst")? {
            lane.burst = Some(burst);
        }
        if let (Some((line, v)), Algorithm::Nginx) = (block.get("nginx_delay"), lane.algorithm) {
            lane.delay = match v {
                "nodelay" => NginxDelay::NoDelay,
                n => NginxDelay::Delay(number(line, "nginx_delay", n)?),
            };
        }
    }
    block.traffic(&mut s.traffic)?;
    block.set("duration_ms", &mut s.duration_ms)
}

#[cfg(test)]
mod tests {
    use super::super::presets::preset;
    use super::*;
    use crate::scenario::block::parse;
    use crate::sim::kernel::traffic::Traffic;

    fn rl(text: &str) -> RateLimiterScenario {
        RateLimiterScenario::try_from(parse(text).unwrap().scenario).unwrap()
    }

    #[test]
    fn a_bare_block_is_the_overview_preset() {
        assert_eq!(rl("kind: rate-limiter"), preset("overview").unwrap());
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
        assert!(parse("kind: rate-limiter\npreset: nope").unwrap_err().starts_with("line 2: unknown preset `nope`"));
    }
}
