//! The pipeline widget's scenario: one stream of user requests through up
//! to three configurations of the chain (retry policy, rate limiter,
//! circuit breaker) to one dependency.

use super::Lane;
use crate::scenario::{check_count, check_version, View, MAX_LANES};
use crate::sim::circuit_breaker::run::Dependency as Script;
use crate::sim::load_balancing::run::Trial as Requests;
use crate::sim::load_balancing::scenario::{changes, check_pool, Event as ServerEvent};
use crate::sim::load_balancing::{Server, Service};
use crate::sim::retries::run::{run, Backend, Chain, LaneRun, Target, Trial, Work};
use crate::sim::retries::scenario::{
    chain, check_chain, check_dependency, dependency_changes, trial, DependencyConfig, Event, BINS,
};
use crate::sim::kernel::traffic::{check_duration, Traffic};
use crate::scenario::json::{self, Error, FromJson, Node, ToJson};

/// The `widget` field of a pipeline scenario: always `"pipeline"`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PipelineTag {
    #[default]
    Pipeline,
}

/// The dependency at the end of the chain. In JSON `{"queue": {…}}` (the
/// retries widget's: slots, a queue, exponential service times, a share
/// failing), `{"script": {"phases": […]}}` (the circuit-breaker widget's:
/// phases of failure and latency, every call served at once) or
/// `{"servers": {…}}` (the load-balancing widget's pool, behind each lane's
/// balancer).
#[derive(Clone, Debug, PartialEq)]
pub enum DependencyModel {
    Queue(DependencyConfig),
    Script(Script),
    Servers(Pool),
}

/// Servers as the load-balancing widget's scenario has them: each request's
/// work, the servers, and what happens to them (servers numbered from 1).
#[derive(Clone, Debug, PartialEq)]
pub struct Pool {
    pub service: Service,
    pub servers: Vec<Server>,
    pub events: Vec<ServerEvent>,
    /// The dependency the servers call before their own work, as the
    /// retries widget's (changed by the scenario's `events`); a server's
    /// slot is held while it waits.
    pub dependency: Option<DependencyConfig>,
}

/// A pipeline scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct PipelineScenario {
    pub widget: PipelineTag,
    pub version: u32,
    pub seed: u64,
    pub duration_ms: u64,
    pub traffic: Traffic,
    /// Layers of clients, each retrying by the lane's policy; the last
    /// layer's attempts meet the stages.
    pub layers: u32,
    /// Each try's timeout at every layer, ms.
    pub try_timeout_ms: Option<f64>,
    /// The user's overall timeout, ms.
    pub deadline_ms: Option<f64>,
    pub dependency: DependencyModel,
    /// Changes to a queueing dependency (a scripted one has its phases,
    /// servers their own events).
    pub events: Vec<Event>,
    pub lanes: Vec<Lane>,
    pub view: View,
}

json::names!(PipelineTag { Pipeline = "pipeline" });

impl FromJson for DependencyModel {
    fn read(node: &Node) -> Result<DependencyModel, Error> {
        let (name, value) = json::variant(node)?;
        let field = |e, name| json::in_field(e, name);
        match name {
            "queue" => DependencyConfig::read(json::payload(node, name, value)?).map(DependencyModel::Queue),
            "script" => Script::read(json::payload(node, name, value)?).map(DependencyModel::Script),
            "servers" => Pool::read(json::payload(node, name, value)?).map(DependencyModel::Servers),
            _ => Err(json::unknown(node, name, &["queue", "script", "servers"])),
        }
        .map_err(|e| field(e, name))
    }
}

impl ToJson for DependencyModel {
    fn write(&self, out: &mut String) {
        match self {
            DependencyModel::Queue(d) => json::write_variant(out, "queue", d),
            DependencyModel::Script(d) => json::write_variant(out, "script", d),
            DependencyModel::Servers(p) => json::write_variant(out, "servers", p),
        }
    }
}

json::object!(Pool, "the servers (an object)" {
    service,
    servers,
    events: default (Vec::is_empty),
    dependency: default (Option::is_none),
});

json::object!(PipelineScenario, "a pipeline scenario (an object)" {
    widget,
    version,
    seed,
    duration_ms,
    traffic,
    layers,
    try_timeout_ms: default (Option::is_none),
    deadline_ms: default (Option::is_none),
    dependency,
    events: default (Vec::is_empty),
    lanes,
    view: default (View::is_default),
});

impl PipelineScenario {
    /// Checks every field.
    pub fn validate(&self) -> Result<(), String> {
        check_version(self.version)?;
        check_duration(self.duration_ms)?;
        self.traffic.validate(self.duration_ms)?;
        check_chain(self.layers, self.try_timeout_ms, self.deadline_ms)?;
        match &self.dependency {
            DependencyModel::Queue(d) => check_dependency(d, &self.events, self.duration_ms)?,
            DependencyModel::Script(d) => {
                d.validate()?;
                if !self.events.is_empty() {
                    return Err("a scripted dependency changes by its phases, not by events".into());
                }
            }
            DependencyModel::Servers(p) => {
                check_pool(&p.service, &p.servers, &p.events, self.duration_ms)?;
                match &p.dependency {
                    Some(d) => check_dependency(d, &self.events, self.duration_ms)?,
                    None if !self.events.is_empty() => {
                        return Err("servers change by the pool's own events; the scenario's events change a dependency behind them, and there is none".into());
                    }
                    None => {}
                }
            }
        }
        check_count(self.lanes.len(), MAX_LANES, "lanes")?;
        for lane in &self.lanes {
            lane.validate()?;
            if lane.balancer.is_some() && !matches!(self.dependency, DependencyModel::Servers(_)) {
                return Err("a balancer needs servers to balance: the dependency must be {\"servers\": …}".into());
            }
        }
        self.view.validate()
    }

    /// The user requests every lane serves, with the work they bring to
    /// servers drawn as the load-balancing widget draws it.
    pub fn trial(&self) -> Trial {
        let mut t = trial(&self.traffic, self.duration_ms, self.seed);
        if let DependencyModel::Servers(p) = &self.dependency {
            let (first, lane_seed, more) = Requests::draw(t.at.len(), &p.service, self.seed);
            t.work = Some(Work { service: p.service, first, more, lane_seed });
        }
        t
    }

    /// The chain with no stages: the clients and the dependency.
    pub fn base_chain(&self) -> Chain {
        let target = match &self.dependency {
            DependencyModel::Queue(d) => {
                let (dependency, changes) = dependency_changes(d, &self.events);
                Target::Queue { dependency, changes }
            }
            DependencyModel::Script(d) => Target::Script(d.clone()),
            DependencyModel::Servers(p) => Target::Servers {
                servers: p.servers.clone(),
                changes: changes(&p.events),
                backend: p.dependency.as_ref().map(|d| {
                    let (dependency, changes) = dependency_changes(d, &self.events);
                    Backend { dependency, changes }
                }),
            },
        };
        chain(self.layers, self.try_timeout_ms, self.deadline_ms, target, self.seed)
    }

    /// Lane `i`'s chain: the base chain with its stages.
    pub fn chain(&self, base: &Chain, i: usize) -> Chain {
        Chain { stages: self.lanes[i].stages(), lane: i as u64, ..base.clone() }
    }

    /// Runs every lane on `trial`.
    pub fn run_on(&self, trial: &Trial) -> Result<Vec<LaneRun>, String> {
        self.validate()?;
        let base = self.base_chain();
        Ok((0..self.lanes.len()).map(|i| run(&self.lanes[i].retry, &self.chain(&base, i), trial, BINS)).collect())
    }

    /// Runs every lane on the same user requests.
    pub fn run(&self) -> Result<Vec<LaneRun>, String> {
        self.validate()?;
        self.run_on(&self.trial())
    }
}
