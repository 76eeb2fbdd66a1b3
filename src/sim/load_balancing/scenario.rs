//! The load-balancing widget's scenario: one stream of requests and one
//! pool of servers, under up to three balancers side by side.

use super::run::{run, LaneRun, Trial};
use super::{check_speed, Balancer, Change, Server, ServerChange, Service, MAX_SERVERS};
use crate::scenario::{check_count, check_version, View, MAX_LANES};
use crate::sim::kernel::rng::Rng;
use crate::sim::kernel::time::{ms_to_ns, MS};
use crate::sim::kernel::traffic::{check_duration, Traffic};
use crate::scenario::json;

/// Slices a run is binned into for drawing.
pub const BINS: usize = 100;

/// The `widget` field of a load-balancing scenario: always `"load-balancing"`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LoadBalancingTag {
    #[default]
    LoadBalancing,
}

/// A change to a server during the run: `{"at_ms": 20000, "server": 3, "change": "stop"}`
/// (servers numbered from 1).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Event {
    pub at_ms: f64,
    pub server: u32,
    pub change: Change,
}

json::object!(Event, "a server change (an object)" { at_ms, server, change });

/// A load-balancing scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct LoadBalancingScenario {
    pub widget: LoadBalancingTag,
    pub version: u32,
    pub seed: u64,
    pub duration_ms: u64,
    pub traffic: Traffic,
    pub service: Service,
    pub servers: Vec<Server>,
    pub events: Vec<Event>,
    /// The client's timeout, if it has one.
    pub timeout_ms: Option<u64>,
    pub balancers: Vec<Balancer>,
    pub view: View,
}

json::names!(LoadBalancingTag { LoadBalancing = "load-balancing" });
json::object!(LoadBalancingScenario, "a load-balancing scenario (an object)" {
    widget,
    version,
    seed,
    duration_ms,
    traffic,
    service,
    servers,
    events: default (Vec::is_empty),
    timeout_ms: default (Option::is_none),
    balancers,
    view: default (View::is_default),
});

impl LoadBalancingScenario {
    /// Checks every field.
    pub fn validate(&self) -> Result<(), String> {
        check_version(self.version)?;
        check_duration(self.duration_ms)?;
        self.traffic.validate(self.duration_ms)?;
        check_pool(&self.service, &self.servers, &self.events, self.duration_ms)?;
        if let Some(t) = self.timeout_ms {
            if !(1..=600_000).contains(&t) {
                return Err(format!("timeout_ms must be between 1 and 600000, not {t}"));
            }
        }
        check_count(self.balancers.len(), MAX_LANES, "balancers")?;
        for b in &self.balancers {
            b.validate()?;
        }
        self.view.validate()
    }

    /// The requests every balancer serves: the traffic's arrivals and each
    /// one's work, drawn from the seed.
    pub fn trial(&self) -> Trial {
        let span = self.duration_ms * MS;
        let at = self.traffic.generate(span, &mut Rng::new(self.seed)).iter().map(|r| r.at).collect();
        Trial::new(at, span, &self.service, self.seed)
    }

    /// The events as the engine takes them: servers from 0, in time order.
    pub fn changes(&self) -> Vec<ServerChange> {
        changes(&self.events)
    }

    /// Runs balancer `lane` on `trial`.
    pub fn run_lane(&self, lane: usize, trial: &Trial, changes: &[ServerChange]) -> LaneRun {
        let timeout = self.timeout_ms.map(|t| t * MS);
        run(&self.balancers[lane], &self.servers, changes, timeout, trial, lane as u64, BINS)
    }

    /// Runs every balancer on `trial`.
    pub fn run_on(&self, trial: &Trial) -> Result<Vec<LaneRun>, String> {
        self.validate()?;
        let changes = self.changes();
        Ok((0..self.balancers.len()).map(|i| self.run_lane(i, trial, &changes)).collect())
    }

    /// Runs every balancer on the same requests.
    pub fn run(&self) -> Result<Vec<LaneRun>, String> {
        self.validate()?;
        self.run_on(&self.trial())
    }
}

/// Checks a pool of servers, their service times and their events over a
/// run of `duration_ms`.
pub fn check_pool(service: &Service, servers: &[Server], events: &[Event], duration_ms: u64) -> Result<(), String> {
    service.validate()?;
    check_count(servers.len(), MAX_SERVERS, "servers")?;
    for (i, s) in servers.iter().enumerate() {
        s.validate(i)?;
    }
    for e in events {
        if !(e.at_ms.is_finite() && e.at_ms >= 0.0 && e.at_ms <= duration_ms as f64) {
            return Err(format!(
                "an event's at_ms must be within the run (0 to {duration_ms} ms), not {}",
                crate::sim::kernel::num::decimal(e.at_ms, 3)
            ));
        }
        if e.server == 0 || e.server as usize > servers.len() {
            return Err(format!("an event names server {}; servers are 1 to {}", e.server, servers.len()));
        }
        if let Change::Speed(v) = e.change {
            check_speed(v).map_err(|m| format!("an event's {m}"))?;
        }
    }
    Ok(())
}

/// Events as the engine takes them: servers from 0, in time order.
pub fn changes(events: &[Event]) -> Vec<ServerChange> {
    let mut changes: Vec<ServerChange> = events
        .iter()
        .map(|e| ServerChange { at: ms_to_ns(e.at_ms), server: e.server as usize - 1, change: e.change })
        .collect();
    // Few events: an insertion sort, stable, so two at one instant keep their order.
    for i in 1..changes.len() {
        let mut j = i;
        while j > 0 && changes[j - 1].at > changes[j].at {
            changes.swap(j - 1, j);
            j -= 1;
        }
    }
    changes
}
