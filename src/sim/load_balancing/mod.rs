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
//! failed request lowers the server's effective weight and, at `max_fails`
//! failures (1), takes it out for `fail_timeout` (10 s), without retrying
//! the request elsewhere (`proxy_next_upstream off`; retries are another
//! widget's subject).

pub mod envoy;
pub mod ewma;
pub mod nginx;
pub mod run;

/// The widget index's name for this family.
pub const TITLE: &str = "Load balancer";
/// The widget index's one-line description.
pub const SUMMARY: &str =
    "nginx's weighted round robin and least_conn, Envoy's power of two choices and Peak-EWMA, against servers that queue.";

/// How a balancer chooses a server for each request.
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
    /// scheduler over `weight / (active + 1)` (`choices` then unused).
    LeastRequest { choices: u32 },
    /// tower's Peak-EWMA with the power of two choices: decay time and the
    /// RTT a server is assumed to have before its first answer, in ms.
    PeakEwma { decay_ms: u32, default_rtt_ms: u32 },
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

/// What a server is told at a moment of the run.
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

/// How much work a request brings, in milliseconds at speed 1.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Service {
    /// Exponential with this mean (an M/M/c server under Poisson arrivals).
    Exponential { mean_ms: f64 },
    /// Log-normal: `median_ms · e^(σZ)`, Z standard normal.
    LogNormal { median_ms: f64, sigma: f64 },
    /// Exponential with mean `fast_ms`, except a `slow_fraction` with mean `slow_ms`.
    Bimodal { fast_ms: f64, slow_ms: f64, slow_fraction: f64 },
}
