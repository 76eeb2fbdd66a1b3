//! The rate limiter's named starting scenarios, for the preset menu and
//! article blocks (`preset:`).

use super::scenario::RateLimiterScenario;
use super::{Algorithm, LimiterConfig, NginxDelay};
use crate::scenario::{View, VERSION};
use crate::sim::kernel::traffic::{Arrival, Traffic};

/// Preset names with a one-line description, in menu order.
pub const PRESETS: [(&str, &str); 6] = [
    ("default", "10,000 bursty requests against GCRA, token bucket and sliding counter"),
    ("overview", "Bursty traffic against GCRA, token bucket and sliding counter"),
    ("boundary-burst", "Ten requests across a fixed-window boundary"),
    ("nginx-modes", "nginx nodelay, delay=2 and default queueing on a spike"),
    ("gcra-vs-token-bucket", "GCRA and token bucket agree on Poisson traffic"),
    ("cost", "Weighted requests (cost 10) against three limiters"),
];

fn lane(algorithm: Algorithm, limit: u32, period_ms: u64, burst: Option<u32>) -> LimiterConfig {
    LimiterConfig { burst, ..LimiterConfig::new(algorithm, limit, period_ms) }
}

fn scenario(duration_ms: u64, traffic: Traffic, limiters: Vec<LimiterConfig>) -> RateLimiterScenario {
    RateLimiterScenario {
        widget: Default::default(),
        version: VERSION,
        seed: 42,
        duration_ms,
        traffic,
        limiters,
        extra: vec![],
        view: View::default(),
    }
}

/// The rate-limiter preset called `name`.
pub fn preset(name: &str) -> Option<RateLimiterScenario> {
    use Algorithm::*;
    Some(match name {
        "default" => scenario(
            100_000,
            Traffic::Bursty { rps: 400.0, on_ms: 500, off_ms: 1500, cost: 1 },
            vec![
                lane(Gcra, 100, 1000, Some(100)),
                lane(TokenBucket, 100, 1000, Some(100)),
                lane(SlidingCounter, 100, 1000, None),
            ],
        ),
        "overview" => scenario(
            20_000,
            Traffic::Bursty { rps: 40.0, on_ms: 500, off_ms: 1500, cost: 1 },
            vec![
                lane(Gcra, 10, 1000, Some(10)),
                lane(TokenBucket, 10, 1000, Some(10)),
                lane(SlidingCounter, 10, 1000, None),
            ],
        ),
        "boundary-burst" => {
            let mut requests: Vec<Arrival> = Vec::new();
            requests.extend([Arrival(9_900.0, 1); 5]);
            requests.extend([Arrival(10_100.0, 1); 5]);
            requests.extend([12_000.0, 15_000.0, 19_000.0, 21_000.0, 25_000.0].map(|t| Arrival(t, 1)));
            scenario(
                30_000,
                Traffic::List { requests },
                vec![
                    lane(FixedWindow, 5, 10_000, None),
                    lane(SlidingLog, 5, 10_000, None),
                    lane(SlidingCounter, 5, 10_000, None),
                ],
            )
        }
        "nginx-modes" => {
            let nginx = |delay| LimiterConfig { delay, ..lane(Nginx, 2, 1000, Some(5)) };
            scenario(
                10_000,
                Traffic::Spike { base_rps: 1.0, spike_rps: 20.0, spike_at_ms: 3000, spike_ms: 1000, cost: 1 },
                vec![nginx(NginxDelay::NoDelay), nginx(NginxDelay::Delay(2)), nginx(NginxDelay::Delay(0))],
            )
        }
        "gcra-vs-token-bucket" => scenario(
            20_000,
            Traffic::Poisson { rps: 12.0, cost: 1 },
            vec![lane(Gcra, 10, 1000, Some(5)), lane(TokenBucket, 10, 1000, Some(5))],
        ),
        "cost" => scenario(
            20_000,
            Traffic::Poisson { rps: 12.0, cost: 10 },
            vec![
                lane(Gcra, 100, 1000, Some(100)),
                lane(TokenBucket, 100, 1000, Some(100)),
                lane(SlidingLog, 100, 1000, None),
            ],
        ),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_preset_has_ten_thousand_requests() {
        assert_eq!(preset("default").unwrap().requests().len(), 10_000);
    }
}
