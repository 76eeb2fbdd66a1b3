//! Load balancing's widget-block keys: the balancers and their settings,
//! the servers, the work each request brings, the traffic and the events.

use super::scenario::{Event, LoadBalancingScenario};
use super::{Balancer, Change, Server, Service, MAX_SERVERS};
use crate::scenario::block::{keys, number, Block, TRAFFIC_KEYS};

/// The preset a block starts from when it names none.
pub const PRESET: &str = "uneven";

/// Keys a load-balancing block accepts.
pub const KEYS: [&str; 35] = keys(
    [
        "kind",
        "preset",
        "title",
        "seed",
        "time_ms",
        "balancers",
        "choices",
        "ejection",
        "decay_ms",
        "default_rtt_ms",
        "users",
        "servers",
        "weights",
        "speeds",
        "concurrency",
        "queue",
        "service",
        "mean_ms",
        "median_ms",
        "sigma",
        "fast_ms",
        "slow_ms",
        "slow_fraction",
        "duration_ms",
        "timeout_ms",
        "events",
    ],
    TRAFFIC_KEYS,
);

/// Applies a block's keys to `s`: the balancers and their settings, the
/// servers (their number, then weights, speeds, concurrency and queue),
/// the service, the traffic, the run's length, the timeout and the events.
pub fn apply(s: &mut LoadBalancingScenario, block: &Block) -> Result<(), String> {
    if let Some((line, v)) = block.get("balancers") {
        let mut lanes = Vec::new();
        for key in v.split(',').map(str::trim) {
            let fresh = Balancer::from_key(key).ok_or_else(|| {
                let keys: Vec<&str> = Balancer::all().iter().map(Balancer::key).collect();
                format!("line {line}: unknown balancer `{key}`; balancers: {}", keys.join(", "))
            })?;
            lanes.push(s.balancers.iter().find(|b| b.key() == key).copied().unwrap_or(fresh));
        }
        s.balancers = lanes;
    }
    for key in ["choices", "decay_ms", "default_rtt_ms", "users"] {
        let Some((line, v)) = block.get(key) else { continue };
        let n: u32 = number(line, key, v)?;
        let mut any = false;
        for b in &mut s.balancers {
            let field = match (b, key) {
                (Balancer::LeastRequest { choices, .. }, "choices") => choices,
                (Balancer::PeakEwma { decay_ms, .. }, "decay_ms") => decay_ms,
                (Balancer::PeakEwma { default_rtt_ms, .. }, "default_rtt_ms") => default_rtt_ms,
                (Balancer::Maglev { users }, "users") => users,
                _ => continue,
            };
            *field = n;
            any = true;
        }
        if !any {
            let which = match key {
                "choices" => "a least-request balancer",
                "users" => "a maglev balancer",
                _ => "a peak-ewma balancer",
            };
            return Err(format!("line {line}: `{key}` applies to {which}, and this block has none"));
        }
    }
    if let Some(on) = block.flag("ejection")? {
        let mut any = false;
        for b in &mut s.balancers {
            if let Balancer::LeastRequest { ejection, .. } = b {
                *ejection = on.then(super::envoy::Ejection::default);
                any = true;
            }
        }
        if !any {
            let line = block.get("ejection").map_or(0, |(l, _)| l);
            return Err(format!("line {line}: `ejection` applies to a least-request balancer, and this block has none"));
        }
    }
    if let Some((line, v)) = block.get("servers") {
        let n: usize = number(line, "servers", v)?;
        if !(1..=MAX_SERVERS).contains(&n) {
            return Err(format!("line {line}: `servers` must be between 1 and {MAX_SERVERS}, not {n}"));
        }
        let like = s.servers[0];
        s.servers.resize(n, like);
        s.servers.truncate(n);
    }
    list(block, "weights", &mut s.servers, |srv, w: u32| srv.weight = w)?;
    list(block, "speeds", &mut s.servers, |srv, v: f64| srv.speed = v)?;
    for (key, set) in [
        ("concurrency", (|srv: &mut Server, n| srv.concurrency = n) as fn(&mut Server, u32)),
        ("queue", |srv: &mut Server, n| srv.queue = n),
    ] {
        if let Some((line, v)) = block.get(key) {
            let n: u32 = number(line, key, v)?;
            s.servers.iter_mut().for_each(|srv| set(srv, n));
        }
    }
    service(&mut s.service, block)?;
    block.traffic(&mut s.traffic)?;
    block.set("duration_ms", &mut s.duration_ms)?;
    if let Some(t) = block.number("timeout_ms")? {
        s.timeout_ms = Some(t);
    }
    if let Some((line, v)) = block.get("events") {
        s.events = v.split(',').map(|e| event(line, e.trim())).collect::<Result<_, _>>()?;
    }
    Ok(())
}

/// A comma-separated value per server, one for each.
fn list<T: std::str::FromStr>(
    block: &Block,
    key: &str,
    servers: &mut [Server],
    mut set: impl FnMut(&mut Server, T),
) -> Result<(), String> {
    let Some((line, v)) = block.get(key) else { return Ok(()) };
    let values: Vec<&str> = v.split(',').map(str::trim).collect();
    if values.len() != servers.len() {
        return Err(format!("line {line}: `{key}` lists {} values for {} servers", values.len(), servers.len()));
    }
    for (srv, value) in servers.iter_mut().zip(values) {
        set(srv, number(line, key, value)?);
    }
    Ok(())
}

/// The service keys: `service` names the distribution, then its own keys.
fn service(svc: &mut Service, block: &Block) -> Result<(), String> {
    if let Some((line, v)) = block.get("service") {
        let mean = svc.mean_ms();
        *svc = match v {
            "exponential" => Service::Exponential { mean_ms: mean },
            // The same mean: e^(σ²/2) above the median, for σ = 1.
            "log-normal" => Service::LogNormal { median_ms: mean / crate::sim::kernel::rng::exp(0.5), sigma: 1.0 },
            "bimodal" => Service::Bimodal { fast_ms: mean, slow_ms: mean * 30.0, slow_fraction: 0.01 },
            _ => return Err(format!("line {line}: `service` is exponential, log-normal or bimodal, not `{v}`")),
        };
    }
    for key in ["mean_ms", "median_ms", "sigma", "fast_ms", "slow_ms", "slow_fraction"] {
        let Some((line, v)) = block.get(key) else { continue };
        let x: f64 = number(line, key, v)?;
        let field = match (key, &mut *svc) {
            ("mean_ms", Service::Exponential { mean_ms }) => mean_ms,
            ("median_ms", Service::LogNormal { median_ms, .. }) => median_ms,
            ("sigma", Service::LogNormal { sigma, .. }) => sigma,
            ("fast_ms", Service::Bimodal { fast_ms, .. }) => fast_ms,
            ("slow_ms", Service::Bimodal { slow_ms, .. }) => slow_ms,
            ("slow_fraction", Service::Bimodal { slow_fraction, .. }) => slow_fraction,
            _ => return Err(format!("line {line}: `{key}` does not apply to this service")),
        };
        *field = x;
    }
    Ok(())
}

/// An event: `stop 4 at 20000`, `start 4 at 40000` or `speed 2 0.1 at 20000`.
fn event(line: usize, text: &str) -> Result<Event, String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let bad = || format!("line {line}: an event is `stop <server> at <ms>`, `start <server> at <ms>` or `speed <server> <speed> at <ms>`, not `{text}`");
    let (change, server, at) = match words.as_slice() {
        ["stop", server, "at", at] => (Change::Stop, server, at),
        ["start", server, "at", at] => (Change::Start, server, at),
        ["speed", server, v, "at", at] => (Change::Speed(v.parse().map_err(|_| bad())?), server, at),
        _ => return Err(bad()),
    };
    Ok(Event { at_ms: at.parse().map_err(|_| bad())?, server: server.parse().map_err(|_| bad())?, change })
}

#[cfg(test)]
mod tests {
    use super::super::presets::preset;
    use super::*;
    use crate::scenario::block::parse;

    fn lb(text: &str) -> LoadBalancingScenario {
        LoadBalancingScenario::try_from(parse(text).unwrap().scenario).unwrap()
    }

    #[test]
    fn load_balancing_blocks_set_balancers_servers_service_and_events() {
        assert_eq!(lb("kind: load-balancing"), preset("uneven").unwrap());
        let s = lb("kind: load-balancing\nbalancers: peak-ewma, least-request, smooth-weighted\nchoices: 3\nejection: true\ndecay_ms: 5000\n\
                    servers: 3\nweights: 3, 1, 1\nspeeds: 3, 1, 0.5\nconcurrency: 2\nqueue: 10\nservice: bimodal\n\
                    fast_ms: 4\nslow_ms: 80\nslow_fraction: 0.02\nrps: 300\nduration_ms: 30000\ntimeout_ms: 250\n\
                    events: stop 2 at 10000, start 2 at 20000, speed 1 0.5 at 15000\nseed: 9");
        assert_eq!(
            s.balancers,
            [
                Balancer::PeakEwma { decay_ms: 5_000, default_rtt_ms: 30 },
                Balancer::LeastRequest { choices: 3, ejection: Some(super::super::envoy::Ejection::default()) },
                Balancer::SmoothWeighted
            ]
        );
        let weights: Vec<u32> = s.servers.iter().map(|x| x.weight).collect();
        let speeds: Vec<f64> = s.servers.iter().map(|x| x.speed).collect();
        assert_eq!((weights, speeds), (vec![3, 1, 1], vec![3.0, 1.0, 0.5]));
        assert!(s.servers.iter().all(|x| x.concurrency == 2 && x.queue == 10));
        assert_eq!(s.service, Service::Bimodal { fast_ms: 4.0, slow_ms: 80.0, slow_fraction: 0.02 });
        assert_eq!(s.traffic.rate(), Some(300.0));
        assert_eq!((s.duration_ms, s.timeout_ms, s.seed), (30_000, Some(250), 9));
        assert_eq!(
            s.events,
            [
                Event { at_ms: 10_000.0, server: 2, change: Change::Stop },
                Event { at_ms: 20_000.0, server: 2, change: Change::Start },
                Event { at_ms: 15_000.0, server: 1, change: Change::Speed(0.5) },
            ]
        );
    }

    #[test]
    fn load_balancing_block_errors_name_the_line() {
        let err = |text: &str| parse(text).unwrap_err();
        assert_eq!(
            err("kind: load-balancing\nbalancers: round-robin\nusers: 50"),
            "line 3: `users` applies to a maglev balancer, and this block has none"
        );
        assert_eq!(err("kind: load-balancing\nbalancers: maglev\nusers: 0"), "maglev: users must be between 1 and 1000000, not 0");
        assert_eq!(
            err("kind: load-balancing\nbalancers: round-robin, ring-hash"),
            "line 2: unknown balancer `ring-hash`; balancers: round-robin, smooth-weighted, random, least-conn, least-request, peak-ewma, maglev"
        );
        assert_eq!(
            err("kind: load-balancing\nbalancers: random\nchoices: 3"),
            "line 3: `choices` applies to a least-request balancer, and this block has none"
        );
        assert_eq!(err("kind: load-balancing\nservers: 3\nweights: 1, 2"), "line 3: `weights` lists 2 values for 3 servers");
        assert_eq!(err("kind: load-balancing\nservers: 21"), "line 2: `servers` must be between 1 and 20, not 21");
        assert_eq!(err("kind: load-balancing\nsigma: 1"), "line 2: `sigma` does not apply to this service");
        assert_eq!(
            err("kind: load-balancing\nbalancers: random\nejection: true"),
            "line 3: `ejection` applies to a least-request balancer, and this block has none"
        );
        assert!(err("kind: load-balancing\nevents: stop at 4").starts_with("line 2: an event is `stop <server> at <ms>`"));
        assert_eq!(err("kind: load-balancing\nevents: stop 11 at 4000"), "an event names server 11; servers are 1 to 10");
        assert_eq!(err("kind: load-balancing\nspeeds: 1, 1, 1, 1, 1, 1, 1, 1, 1, 0"), "server 10: speed must be between 0.05 and 20, not 0");
    }
}
