//! Load balancing: requests spread over servers that queue, by the
//! algorithms nginx, Envoy and tower (after Finagle) run.
//!
//! **Servers.** Each has a weight (what weighted balancers are told), a
//! speed (its service times are divided by it), a concurrency limit (that
//! many requests in service at once) and a queue of bounded length: a
//! request that finds every slot busy waits in FIFO order, and one that
//! finds the queue full is dropped at once, as a server answering 503
//! would. A server can be slowed, stopped or started at a given time: a
//! slowed server serves the requests it starts afterwards at its new
//! speed; a stopped one fails what it holds and refuses what it is sent
//! until it starts again.
//!
//! **Requests.** Arrivals come from the kernel's traffic patterns. Each
//! request's work (its service time at speed 1) is drawn once from the
//! run's seed, so every balancer compared on a run sends the same requests
//! with the same work, and only the placement differs. A client timeout,
//! when set, answers a request that has waited that long with a timeout;
//! the server still finishes it (it does not know), and the balancer counts
//! it answered, as a proxy does when the downstream request ends.
//!
//! **Balancers** ([`Balancer`]): round robin and nginx's smooth weighted
//! round robin, least connections and weighted random ([`nginx`]); Envoy's
//! least request, the power of two choices ([`envoy`]); tower's Peak-EWMA
//! ([`ewma`]). What each knows is what its reference knows: the weights,
//! its own outstanding requests per server, and (Peak-EWMA) the times its
//! answers took. nginx's balancers keep nginx's passive health check: a
//! request whose connection is refused or reset lowers the server's
//! effective weight and, at `max_fails` failures (1), takes it out for
//! `fail_timeout` (10 s), without retrying the request elsewhere
//! (`proxy_next_upstream off`; retries are another widget's subject). A
//! 503 from a full queue is an answer, not a failure, to nginx.

pub mod block;
pub mod envoy;
pub mod ewma;
pub mod nginx;
pub mod pool;
pub mod presets;
pub mod report;
pub mod run;
pub mod scenario;

use crate::sim::kernel::num::decimal;
use crate::scenario::json::{self, Error, FromJson, Node, ToJson};

/// The widget index's name for this family.
pub const TITLE: &str = "Load balancer";
/// The widget index's one-line description.
pub const SUMMARY: &str =
    "nginx's weighted round robin and least_conn, Envoy's power of two choices and Peak-EWMA, against servers that queue.";

/// How a balancer chooses a server for each request. In JSON the ones
/// without settings are names (`"least-conn"`) and the others objects
/// (`{"least-request": {"choices": 2}}`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Balancer {
    /// Every server in turn, weights ignored: nginx's round robin with every `weight=1`.
    RoundRobin,
    /// nginx's smooth weighted round robin (`ngx_http_upstream_get_peer`).
    SmoothWeighted,
    /// nginx `random`: a server drawn in proportion to its weight.
    Random,
    /// nginx `least_conn`: fewest active requests per unit of weight.
    LeastConn,
    /// Envoy `LEAST_REQUEST`: the least busy of `choices` servers drawn at
    /// random when the weights are equal; otherwise Envoy's earliest-deadline
    /// scheduler over `weight / (active + 1)` (`choices` then unused). With
    /// `ejection`, Envoy's outlier detection takes hosts that answer 5xx
    /// in a row out of the pick for a while ([`envoy::Detector`]).
    LeastRequest {
        choices: u32,
        ejection: Option<envoy::Ejection>,
    },
    /// tower's Peak-EWMA with the power of two choices: decay time and the
    /// RTT a server is assumed to have before its first answer, in ms.
    PeakEwma { decay_ms: u32, default_rtt_ms: u32 },
    /// Envoy `MAGLEV` with a hash policy on the request's user id: the
    /// hash ring widget's Maglev table ([`crate::sim::hash_ring::maglev`],
    /// 65,537 slots, hosts hashed by name, `server-1`, `server-2`, …, with
    /// their weights), and each request to the slot of the xxHash64 of its
    /// user id's decimal text, as Envoy hashes a header's value. Requests
    /// come from `users` users, the first the busiest (Zipf's law, exponent
    /// 1), each request's user drawn from the run's seed; every request of
    /// a user goes to one server, whatever its load.
    Maglev { users: u32 },
}

impl FromJson for Balancer {
    fn read(node: &Node) -> Result<Balancer, Error> {
        let (name, value) = json::variant(node)?;
        let settings = |keys: &[&str]| json::variant_fields(node, name, value, keys);
        Ok(match name {
            "least-request" => {
                let f = settings(&["choices", "ejection"])?;
                Balancer::LeastRequest { choices: f.req("choices")?, ejection: f.or_default("ejection")? }
            }
            "peak-ewma" => {
                let f = settings(&["decay_ms", "default_rtt_ms"])?;
                Balancer::PeakEwma { decay_ms: f.req("decay_ms")?, default_rtt_ms: f.req("default_rtt_ms")? }
            }
            "maglev" => Balancer::Maglev { users: settings(&["users"])?.req("users")? },
            _ => {
                let b = Balancer::from_key(name)
                    .ok_or_else(|| json::unknown(node, name, &Balancer::all().map(|b| b.key())))?;
                json::unit(name, value)?;
                b
            }
        })
    }
}

impl ToJson for Balancer {
    fn write(&self, out: &mut String) {
        let key = self.key();
        match *self {
            Balancer::LeastRequest { choices, ejection } => json::struct_variant(out, key, |o| {
                o.field("choices", &choices).field_unless(ejection.is_none(), "ejection", &ejection);
            }),
            Balancer::PeakEwma { decay_ms, default_rtt_ms } => json::struct_variant(out, key, |o| {
                o.field("decay_ms", &decay_ms).field("default_rtt_ms", &default_rtt_ms);
            }),
            Balancer::Maglev { users } => json::struct_variant(out, key, |o| {
                o.field("users", &users);
            }),
            _ => key.write(out),
        }
    }
}

json::object!(Server, "a server (an object)" { weight, speed, concurrency, queue });

impl FromJson for Change {
    fn read(node: &Node) -> Result<Change, Error> {
        match json::variant(node)? {
            ("stop", None) => Ok(Change::Stop),
            ("start", None) => Ok(Change::Start),
            ("speed", Some(v)) => f64::read(v).map(Change::Speed).map_err(|e| json::in_field(e, "speed")),
            (name, _) => Err(json::unknown(node, name, &["speed", "stop", "start"])),
        }
    }
}

impl ToJson for Change {
    fn write(&self, out: &mut String) {
        match self {
            Change::Speed(v) => json::write_variant(out, "speed", v),
            Change::Stop => "stop".write(out),
            Change::Start => "start".write(out),
        }
    }
}

impl FromJson for Service {
    fn read(node: &Node) -> Result<Service, Error> {
        let (name, value) = json::variant(node)?;
        let settings = |keys: &[&str]| json::variant_fields(node, name, value, keys);
        Ok(match name {
            "exponential" => Service::Exponential { mean_ms: settings(&["mean_ms"])?.req("mean_ms")? },
            "log-normal" => {
                let f = settings(&["median_ms", "sigma"])?;
                Service::LogNormal { median_ms: f.req("median_ms")?, sigma: f.req("sigma")? }
            }
            "bimodal" => {
                let f = settings(&["fast_ms", "slow_ms", "slow_fraction"])?;
                Service::Bimodal {
                    fast_ms: f.req("fast_ms")?,
                    slow_ms: f.req("slow_ms")?,
                    slow_fraction: f.req("slow_fraction")?,
                }
            }
            _ => return Err(json::unknown(node, name, &["exponential", "log-normal", "bimodal"])),
        })
    }
}

impl ToJson for Service {
    fn write(&self, out: &mut String) {
        match *self {
            Service::Exponential { mean_ms } => json::struct_variant(out, "exponential", |o| {
                o.field("mean_ms", &mean_ms);
            }),
            Service::LogNormal { median_ms, sigma } => json::struct_variant(out, "log-normal", |o| {
                o.field("median_ms", &median_ms).field("sigma", &sigma);
            }),
            Service::Bimodal { fast_ms, slow_ms, slow_fraction } => json::struct_variant(out, "bimodal", |o| {
                o.field("fast_ms", &fast_ms).field("slow_ms", &slow_ms).field("slow_fraction", &slow_fraction);
            }),
        }
    }
}

impl Balancer {
    /// Its name in the widget and the CLI.
    pub fn name(&self) -> &'static str {
        match self {
            Balancer::RoundRobin => "round robin",
            Balancer::SmoothWeighted => "smooth weighted round robin (nginx)",
            Balancer::Random => "weighted random (nginx random)",
            Balancer::LeastConn => "least connections (nginx least_conn)",
            Balancer::LeastRequest { .. } => "least request (Envoy)",
            Balancer::PeakEwma { .. } => "Peak-EWMA (tower, Finagle)",
            Balancer::Maglev { .. } => "Maglev by user (Envoy)",
        }
    }
}

/// One server of the pool.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Server {
    /// What weighted balancers are told (1 to 100).
    pub weight: u32,
    /// Service times are divided by this: 2 serves twice as fast.
    pub speed: f64,
    /// Requests in service at once.
    pub concurrency: u32,
    /// Requests that may wait for a slot; one more is dropped.
    pub queue: u32,
}

/// What a server is told at a moment of the run: in JSON `"stop"`,
/// `"start"` or `{"speed": 0.25}`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Change {
    /// Its speed becomes this for the requests it starts from now.
    Speed(f64),
    /// It fails what it holds and refuses new requests.
    Stop,
    /// It takes requests again.
    Start,
}

/// A change to server `server` at `at` nanoseconds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ServerChange {
    pub at: crate::sim::kernel::time::Nanos,
    pub server: usize,
    pub change: Change,
}

/// How much work a request brings, in milliseconds at speed 1: in JSON
/// `{"exponential": {"mean_ms": 10}}`, `{"log-normal": {…}}` or `{"bimodal": {…}}`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Service {
    /// Exponential with this mean (an M/M/c server under Poisson arrivals).
    Exponential { mean_ms: f64 },
    /// Log-normal: `median_ms · e^(σZ)`, Z standard normal.
    LogNormal { median_ms: f64, sigma: f64 },
    /// Exponential with mean `fast_ms`, except a `slow_fraction` with mean `slow_ms`.
    Bimodal { fast_ms: f64, slow_ms: f64, slow_fraction: f64 },
}

/// The most servers a scenario has.
pub const MAX_SERVERS: usize = 20;

impl Balancer {
    /// Every balancer with its defaults, in the order the widget lists them.
    pub fn all() -> [Balancer; 7] {
        [
            Balancer::RoundRobin,
            Balancer::SmoothWeighted,
            Balancer::Random,
            Balancer::LeastConn,
            Balancer::LeastRequest { choices: 2, ejection: None },
            Balancer::PeakEwma { decay_ms: 10_000, default_rtt_ms: 30 },
            Balancer::Maglev { users: 10_000 },
        ]
    }

    /// Its key in blocks and menus: the JSON name.
    pub fn key(&self) -> &'static str {
        match self {
            Balancer::RoundRobin => "round-robin",
            Balancer::SmoothWeighted => "smooth-weighted",
            Balancer::Random => "random",
            Balancer::LeastConn => "least-conn",
            Balancer::LeastRequest { .. } => "least-request",
            Balancer::PeakEwma { .. } => "peak-ewma",
            Balancer::Maglev { .. } => "maglev",
        }
    }

    /// The balancer with key `key` and its defaults.
    pub fn from_key(key: &str) -> Option<Balancer> {
        Balancer::all().into_iter().find(|b| b.key() == key)
    }

    /// Checks its settings.
    pub fn validate(&self) -> Result<(), String> {
        match *self {
            Balancer::LeastRequest { choices, .. } if !(2..=10).contains(&choices) => {
                Err(format!("least-request: choices must be between 2 and 10, not {choices}"))
            }
            Balancer::LeastRequest { ejection: Some(e), .. } => e.validate(),
            Balancer::Maglev { users } if !(1..=1_000_000).contains(&users) => {
                Err(format!("maglev: users must be between 1 and 1000000, not {users}"))
            }
            Balancer::PeakEwma { decay_ms, default_rtt_ms } => {
                if !(100..=600_000).contains(&decay_ms) {
                    return Err(format!("peak-ewma: decay_ms must be between 100 and 600000, not {decay_ms}"));
                }
                if !(1..=60_000).contains(&default_rtt_ms) {
                    return Err(format!("peak-ewma: default_rtt_ms must be between 1 and 60000, not {default_rtt_ms}"));
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }
}

impl Server {
    /// Checks its settings; `i` numbers it in messages.
    pub fn validate(&self, i: usize) -> Result<(), String> {
        let n = i + 1;
        if !(1..=100).contains(&self.weight) {
            return Err(format!("server {n}: weight must be between 1 and 100, not {}", self.weight));
        }
        check_speed(self.speed).map_err(|e| format!("server {n}: {e}"))?;
        if !(1..=1_000).contains(&self.concurrency) {
            return Err(format!("server {n}: concurrency must be between 1 and 1000, not {}", self.concurrency));
        }
        if self.queue > 100_000 {
            return Err(format!("server {n}: queue must be at most 100000, not {}", self.queue));
        }
        Ok(())
    }
}

/// A speed must be between 0.05 and 20.
pub fn check_speed(speed: f64) -> Result<(), String> {
    if (0.05..=20.0).contains(&speed) {
        Ok(())
    } else {
        Err(format!("speed must be between 0.05 and 20, not {}", decimal(speed, 3)))
    }
}

impl Service {
    /// Checks its settings.
    pub fn validate(&self) -> Result<(), String> {
        let ms = |name: &str, v: f64| {
            if (0.01..=60_000.0).contains(&v) {
                Ok(())
            } else {
                Err(format!("service: {name} must be between 0.01 and 60000 ms, not {}", decimal(v, 3)))
            }
        };
        match *self {
            Service::Exponential { mean_ms } => ms("mean_ms", mean_ms),
            Service::LogNormal { median_ms, sigma } => {
                ms("median_ms", median_ms)?;
                if (0.0..=3.0).contains(&sigma) {
                    Ok(())
                } else {
                    Err(format!("service: sigma must be between 0 and 3, not {}", decimal(sigma, 3)))
                }
            }
            Service::Bimodal { fast_ms, slow_ms, slow_fraction } => {
                ms("fast_ms", fast_ms)?;
                ms("slow_ms", slow_ms)?;
                if (0.0..=1.0).contains(&slow_fraction) {
                    Ok(())
                } else {
                    Err(format!("service: slow_fraction must be between 0 and 1, not {}", decimal(slow_fraction, 3)))
                }
            }
        }
    }

    /// The mean work in ms.
    pub fn mean_ms(&self) -> f64 {
        match *self {
            Service::Exponential { mean_ms } => mean_ms,
            // e^(σ²/2) by the engine's exact exp.
            Service::LogNormal { median_ms, sigma } => median_ms * crate::sim::kernel::rng::exp(sigma * sigma / 2.0),
            Service::Bimodal { fast_ms, slow_ms, slow_fraction } => {
                fast_ms * (1.0 - slow_fraction) + slow_ms * slow_fraction
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read<T: FromJson>(text: &str) -> Result<T, String> {
        json::from_str(text)
    }

    #[test]
    fn balancers_changes_and_services_read_as_they_are_written() {
        for b in Balancer::all().into_iter().chain([Balancer::LeastRequest {
            choices: 3,
            ejection: Some(envoy::Ejection::default()),
        }]) {
            assert_eq!(read::<Balancer>(&json::to_string(&b)), Ok(b));
        }
        assert_eq!(json::to_string(&Balancer::Maglev { users: 7 }), r#"{"maglev":{"users":7}}"#);
        assert_eq!(json::to_string(&Change::Speed(0.25)), r#"{"speed":0.25}"#);
        assert_eq!(read::<Change>(r#""stop""#), Ok(Change::Stop));
        let lognormal = Service::LogNormal { median_ms: 8.0, sigma: 0.5 };
        assert_eq!(json::to_string(&lognormal), r#"{"log-normal":{"median_ms":8.0,"sigma":0.5}}"#);
        assert_eq!(read::<Service>(&json::to_string(&lognormal)), Ok(lognormal));
    }

    #[test]
    fn a_wrong_balancer_says_what_was_expected() {
        assert_eq!(
            read::<Balancer>(r#""fastest""#),
            Err("unknown choice \"fastest\"; expected one of \"round-robin\", \"smooth-weighted\", \"random\", \
                 \"least-conn\", \"least-request\", \"peak-ewma\", \"maglev\" at line 1 column 1"
                .into())
        );
        assert_eq!(
            read::<Balancer>(r#""peak-ewma""#),
            Err("expected \"peak-ewma\" with its settings, {\"peak-ewma\": {…}}, found \"peak-ewma\" at line 1 column 1".into())
        );
        assert_eq!(
            read::<Balancer>(r#"{"least-request": {"choices": 2, "choice": 3}}"#),
            Err("unknown field \"choice\"; expected one of \"choices\", \"ejection\" at line 1 column 44".into())
        );
        assert_eq!(
            read::<Change>(r#"{"speed": "fast"}"#),
            Err("speed: expected a number, found \"fast\" at line 1 column 11".into())
        );
    }
}
