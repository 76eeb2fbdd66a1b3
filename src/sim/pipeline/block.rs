//! The pipeline's widget-block keys: each lane's policy, stages and
//! balancer, the limiters' rate, the chain, the dependency (queueing, one
//! of the circuit-breaker widget's scripts, or servers), its events and the
//! traffic.

use super::presets::{breaker, lane, limiter, pool};
use super::scenario::{DependencyModel, PipelineScenario};
use crate::scenario::block::{keys, Block, TRAFFIC_KEYS};
use crate::sim::circuit_breaker::run::{Dependency, SCRIPTS};
use crate::sim::load_balancing::Balancer;
use crate::sim::retries::block::{events, policies};

/// The preset a block starts from when it names none.
pub const PRESET: &str = "outage";

/// Keys a pipeline block accepts.
pub const KEYS: [&str; 29] = keys(
    [
        "kind",
        "preset",
        "title",
        "seed",
        "time_ms",
        "policies",
        "stages",
        "balancers",
        "limit",
        "attempts",
        "layers",
        "try_timeout_ms",
        "deadline_ms",
        "dependency",
        "concurrency",
        "queue",
        "mean_ms",
        "failure",
        "duration_ms",
        "events",
    ],
    TRAFFIC_KEYS,
);

/// Applies a block's keys to `s`. `policies` sets one lane per policy
/// (a new lane has no stages); `stages` gives each lane's, in order, as
/// `none`, `limiter`, `breaker` or `limiter + breaker`; `limit` sets every
/// limiter's rate per second; `dependency` names a scripted dependency, or
/// `servers` (the load-balancing widget's outage: ten servers, one stopped
/// from 20 s to 40 s); `balancers` gives each lane's balancer by its key.
pub fn apply(s: &mut PipelineScenario, block: &Block) -> Result<(), String> {
    if let Some((line, v)) = block.get("policies") {
        let list = policies(line, v)?;
        s.lanes.truncate(list.len());
        for (i, retry) in list.into_iter().enumerate() {
            match s.lanes.get_mut(i) {
                Some(lane) => lane.retry = retry,
                None => s.lanes.push(super::Lane { retry, limiter: None, balancer: None, breaker: None }),
            }
        }
    }
    if let Some((line, v)) = block.get("stages") {
        let list: Vec<&str> = v.split(',').map(str::trim).collect();
        if list.len() != s.lanes.len() {
            return Err(format!("line {line}: `stages` lists {} lanes, but there are {}", list.len(), s.lanes.len()));
        }
        let rate = s.lanes.iter().find_map(|l| l.limiter.as_ref().map(|l| l.limit)).unwrap_or(super::presets::LIMIT);
        for (lane_now, text) in s.lanes.iter_mut().zip(list) {
            let words: Vec<&str> = text.split('+').map(str::trim).collect();
            let (with_limiter, with_breaker) = match words.as_slice() {
                ["none"] => (false, false),
                ["limiter"] => (true, false),
                ["breaker"] => (false, true),
                ["limiter", "breaker"] => (true, true),
                _ => {
                    return Err(format!(
                        "line {line}: a lane's stages are `none`, `limiter`, `breaker` or `limiter + breaker`, not `{text}`"
                    ))
                }
            };
            let fresh = lane("none", with_limiter.then(|| limiter(rate)), with_breaker.then(breaker));
            lane_now.limiter = lane_now.limiter.take().filter(|_| with_limiter).or(fresh.limiter);
            lane_now.breaker = lane_now.breaker.take().filter(|_| with_breaker).or(fresh.breaker);
        }
    }
    if let Some(n) = block.number::<u32>("limit")? {
        for l in s.lanes.iter_mut().filter_map(|l| l.limiter.as_mut()) {
            *l = limiter(n);
        }
    }
    if let Some(n) = block.number::<u32>("attempts")? {
        s.lanes.iter_mut().for_each(|l| l.retry.set_attempts(n));
    }
    block.set("layers", &mut s.layers)?;
    if let Some(v) = block.number("try_timeout_ms")? {
        s.try_timeout_ms = Some(v);
    }
    if let Some(v) = block.number("deadline_ms")? {
        s.deadline_ms = Some(v);
    }
    block.set("duration_ms", &mut s.duration_ms)?;
    if let Some((line, v)) = block.get("dependency") {
        s.dependency = match Dependency::script(v, s.duration_ms) {
            _ if v == "servers" => DependencyModel::Servers(pool()),
            Some(script) => {
                // No servers, no balancers.
                s.lanes.iter_mut().for_each(|l| l.balancer = None);
                DependencyModel::Script(script)
            }
            None => {
                let names: Vec<&str> = SCRIPTS.iter().map(|n| n.0).collect();
                return Err(format!(
                    "line {line}: unknown dependency `{v}`; `servers`, or a script: {}",
                    names.join(", ")
                ));
            }
        };
        s.events.clear();
    }
    if let Some((line, v)) = block.get("balancers") {
        let list: Vec<&str> = v.split(',').map(str::trim).collect();
        if list.len() != s.lanes.len() {
            return Err(format!("line {line}: `balancers` lists {} lanes, but there are {}", list.len(), s.lanes.len()));
        }
        if !matches!(s.dependency, DependencyModel::Servers(_)) {
            return Err(format!("line {line}: `balancers` needs servers to balance: add `dependency: servers`"));
        }
        for (lane, key) in s.lanes.iter_mut().zip(list) {
            lane.balancer = Some(Balancer::from_key(key).ok_or_else(|| {
                let keys: Vec<&str> = Balancer::all().iter().map(Balancer::key).collect();
                format!("line {line}: unknown balancer `{key}`; balancers: {}", keys.join(", "))
            })?);
        }
    }
    for key in ["concurrency", "queue", "mean_ms", "failure"] {
        let Some((line, _)) = block.get(key) else { continue };
        let DependencyModel::Queue(d) = &mut s.dependency else {
            return Err(format!("line {line}: `{key}` applies to a queueing dependency, not a scripted one or servers"));
        };
        match key {
            "concurrency" => block.set(key, &mut d.concurrency)?,
            "queue" => block.set(key, &mut d.queue)?,
            "mean_ms" => block.set(key, &mut d.mean_ms)?,
            _ => block.set(key, &mut d.failure)?,
        }
    }
    block.traffic(&mut s.traffic)?;
    if let Some((line, v)) = block.get("events") {
        s.events = events(line, v)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::presets::preset;
    use super::*;
    use crate::scenario::block::parse;
    use crate::sim::circuit_breaker::run::BreakerConfig;
    use crate::sim::rate_limiter::Algorithm;

    fn ps(text: &str) -> PipelineScenario {
        PipelineScenario::try_from(parse(text).unwrap().scenario).unwrap()
    }

    #[test]
    fn pipeline_blocks_set_lanes_stages_and_the_dependency() {
        assert_eq!(ps("kind: pipeline"), preset("outage").unwrap());
        let s = ps("kind: pipeline\npolicies: immediate, grpc\nstages: limiter, limiter + breaker\nlimit: 300\nattempts: 4\n\
                    layers: 2\ntry_timeout_ms: 150\nconcurrency: 8\nfailure: 0.1\nevents: slow 4 at 8000");
        assert_eq!(s.lanes.len(), 2);
        assert_eq!(s.lanes.iter().map(|l| l.retry.max_attempts).collect::<Vec<_>>(), [4, 4]);
        // Lane 1 loses its breaker and keeps no limiter it never had: a fresh one at the block's limit.
        assert!(s.lanes[0].breaker.is_none());
        for l in &s.lanes {
            let lim = l.limiter.as_ref().unwrap();
            assert_eq!((lim.algorithm, lim.limit, lim.period_ms), (Algorithm::TokenBucket, 300, 1_000));
        }
        assert!(matches!(s.lanes[1].breaker, Some(BreakerConfig::Resilience4j(_))));
        assert_eq!((s.layers, s.try_timeout_ms), (2, Some(150.0)));
        let DependencyModel::Queue(d) = s.dependency else { panic!("a queueing dependency") };
        assert_eq!((d.concurrency, d.queue, d.failure), (8, 200, 0.1));
        assert_eq!(s.events.len(), 1);
        let s = ps("kind: pipeline\ndependency: flapping\nduration_ms: 30000");
        assert_eq!(s.dependency, DependencyModel::Script(Dependency::script("flapping", 30_000).unwrap()));
        assert!(s.events.is_empty());
        let s = ps("kind: pipeline\ndependency: servers\nbalancers: peak-ewma, least-conn, round-robin");
        assert_eq!(s.dependency, DependencyModel::Servers(pool()));
        let keys: Vec<&str> = s.lanes.iter().map(|l| l.balancer.map_or("", |b| b.key())).collect();
        assert_eq!(keys, ["peak-ewma", "least-conn", "round-robin"]);
        assert_eq!(ps("kind: pipeline\npreset: servers"), preset("servers").unwrap());
        let s = ps("kind: pipeline\npreset: servers\ndependency: outage");
        assert!(s.lanes.iter().all(|l| l.balancer.is_none()));
    }

    #[test]
    fn pipeline_block_errors_name_the_line() {
        let err = |text: &str| parse(text).unwrap_err();
        assert_eq!(err("kind: pipeline\nstages: none, breaker"), "line 2: `stages` lists 2 lanes, but there are 3");
        assert_eq!(
            err("kind: pipeline\nstages: none, cache, breaker"),
            "line 2: a lane's stages are `none`, `limiter`, `breaker` or `limiter + breaker`, not `cache`"
        );
        assert!(err("kind: pipeline\ndependency: gone")
            .starts_with("line 2: unknown dependency `gone`; `servers`, or a script: healthy, outage"));
        assert_eq!(
            err("kind: pipeline\ndependency: outage\nqueue: 5"),
            "line 3: `queue` applies to a queueing dependency, not a scripted one or servers"
        );
        assert_eq!(
            err("kind: pipeline\nbalancers: random, random, random"),
            "line 2: `balancers` needs servers to balance: add `dependency: servers`"
        );
        assert_eq!(
            err("kind: pipeline\ndependency: servers\nbalancers: random, fastest, random"),
            "line 3: unknown balancer `fastest`; balancers: round-robin, smooth-weighted, random, least-conn, least-request, peak-ewma, maglev"
        );
        assert_eq!(
            err("kind: pipeline\ndependency: servers\nbalancers: random"),
            "line 3: `balancers` lists 1 lanes, but there are 3"
        );
        assert_eq!(err("kind: pipeline\ndependency: outage\nevents: fail 1 at 5"), "a scripted dependency changes by its phases, not by events");
        assert_eq!(err("kind: pipeline\npolicies: none, none, none, none"), "compare 1 to 3 lanes, not 4");
    }
}
