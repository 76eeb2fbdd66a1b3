//! What a sharding workload does: the shape of the keys it writes, its
//! rows, range queries, countries and point reads, and the keys it draws.

use super::region::{validate_countries, Country};
use crate::scenario::json::{self, Error, FromJson, Node, Obj, ToJson};
use crate::sim::kernel::rng::{Rng, Zipf};

/// Most rows a workload may write.
pub const MAX_ROWS: usize = 2_000_000;

/// The shard keys a workload writes.
#[derive(Clone, Debug, PartialEq)]
pub enum Keys {
    /// Ids 1, 2, 3, … as an auto-increment column gives them.
    Sequential,
    /// Creation times in milliseconds from `start_ms`, `step_ms` apart: always increasing.
    Timestamps { start_ms: u64, step_ms: u64 },
    /// Values drawn uniformly from `0..max`.
    Uniform { max: u64 },
    /// Writes by `distinct` users whose activity follows Zipf's law with
    /// exponent 1 (the k-th most active writes 1/k as often as the first).
    Zipf { distinct: usize },
}

/// What a workload does: `rows` writes of keys of one shape, then
/// `range_queries` queries over `range_width` consecutive keys each.
#[derive(Clone, Debug, PartialEq)]
pub struct Workload {
    pub keys: Keys,
    pub rows: usize,
    pub range_queries: usize,
    pub range_width: u64,
    /// Where the users behind the keys live: each key's country is fixed by
    /// its hash, weighted by share (see [`super::region::country_of`]).
    pub countries: Vec<Country>,
    /// Point reads per row written, and which rows they read.
    pub reads_per_write: u32,
    pub reads: Reads,
}

/// Which rows a workload's point reads ask for. A read goes to the shard
/// holding its row, under every scheme (a directory looks the key up first).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Reads {
    /// Every row equally often: reads follow the data.
    #[default]
    Uniform,
    /// Only the newest tenth of the rows, as a feed or a timeline reads.
    Recent,
}

impl Reads {
    fn is_default(&self) -> bool {
        *self == Reads::Uniform
    }
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

fn default_width() -> u64 {
    100
}

json::names!(Reads { Uniform = "uniform", Recent = "recent" });

impl FromJson for Keys {
    fn read(node: &Node) -> Result<Keys, Error> {
        let (name, value) = json::variant(node)?;
        let fields = |keys: &[&str]| json::variant_fields(node, name, value, keys);
        Ok(match name {
            "sequential" => json::unit(name, value).map(|_| Keys::Sequential)?,
            "timestamps" => {
                let f = fields(&["start_ms", "step_ms"])?;
                Keys::Timestamps { start_ms: f.req("start_ms")?, step_ms: f.req("step_ms")? }
            }
            "uniform" => Keys::Uniform { max: fields(&["max"])?.req("max")? },
            "zipf" => Keys::Zipf { distinct: fields(&["distinct"])?.req("distinct")? },
            other => return Err(json::unknown(node, other, &["sequential", "timestamps", "uniform", "zipf"])),
        })
    }
}

impl ToJson for Keys {
    fn write(&self, out: &mut String) {
        let name = match self {
            Keys::Sequential => return "sequential".write(out),
            Keys::Timestamps { .. } => "timestamps",
            Keys::Uniform { .. } => "uniform",
            Keys::Zipf { .. } => "zipf",
        };
        let mut o = Obj::new(out);
        let mut f = Obj::new(o.key(name));
        match self {
            Keys::Timestamps { start_ms, step_ms } => f.field("start_ms", start_ms).field("step_ms", step_ms),
            Keys::Uniform { max } => f.field("max", max),
            Keys::Zipf { distinct } => f.field("distinct", distinct),
            Keys::Sequential => &mut f,
        }
        .end();
        o.end();
    }
}

/// Every key of a workload.
const WORKLOAD_KEYS: [&str; 7] =
    ["keys", "rows", "range_queries", "range_width", "countries", "reads_per_write", "reads"];

impl FromJson for Workload {
    fn read(node: &Node) -> Result<Workload, Error> {
        let f = json::Fields::of(node, "a workload (an object)", &WORKLOAD_KEYS)?;
        Ok(Workload {
            keys: f.req("keys")?,
            rows: f.req("rows")?,
            range_queries: f.or_default("range_queries")?,
            range_width: match f.get("range_width") {
                Some(_) => f.req("range_width")?,
                None => default_width(),
            },
            countries: f.or_default("countries")?,
            reads_per_write: f.or_default("reads_per_write")?,
            reads: f.or_default("reads")?,
        })
    }
}

impl ToJson for Workload {
    fn write(&self, out: &mut String) {
        Obj::new(out)
            .field("keys", &self.keys)
            .field("rows", &self.rows)
            .field("range_queries", &self.range_queries)
            .field("range_width", &self.range_width)
            .field_unless(self.countries.is_empty(), "countries", &self.countries)
            .field_unless(is_zero(&self.reads_per_write), "reads_per_write", &self.reads_per_write)
            .field_unless(self.reads.is_default(), "reads", &self.reads)
            .end();
    }
}

impl Workload {
    /// `rows` writes of `keys`, with no queries, reads or countries.
    pub fn new(keys: Keys, rows: usize) -> Workload {
        Workload {
            keys,
            rows,
            range_queries: 0,
            range_width: default_width(),
            countries: Vec::new(),
            reads_per_write: 0,
            reads: Reads::Uniform,
        }
    }

    /// Checks sizes.
    pub fn validate(&self) -> Result<(), String> {
        if self.rows == 0 || self.rows > MAX_ROWS {
            return Err(format!("rows must be between 1 and {MAX_ROWS}, not {}", self.rows));
        }
        if self.range_queries > 100_000 {
            return Err(format!("at most 100000 range queries, not {}", self.range_queries));
        }
        if self.range_width == 0 {
            return Err("range_width must be at least 1".into());
        }
        validate_countries(&self.countries)?;
        if self.reads_per_write > 1000 {
            return Err(format!("at most 1000 reads per write, not {}", self.reads_per_write));
        }
        match self.keys {
            Keys::Uniform { max: 0 } => Err("uniform keys need max of at least 1".into()),
            Keys::Zipf { distinct } if distinct == 0 || distinct > MAX_ROWS => {
                Err(format!("zipf distinct must be between 1 and {MAX_ROWS}, not {distinct}"))
            }
            Keys::Timestamps { start_ms, step_ms }
                if step_ms.checked_mul(self.rows as u64 - 1).and_then(|x| start_ms.checked_add(x)).is_none() =>
            {
                Err("timestamps overflow: lower start_ms or step_ms".into())
            }
            _ => Ok(()),
        }
    }

    /// The lowest and highest key the workload writes.
    pub fn key_span(&self) -> (u64, u64) {
        let n = self.rows.max(1) as u64;
        match self.keys {
            Keys::Sequential => (1, n),
            Keys::Timestamps { start_ms, step_ms } => {
                (start_ms, start_ms.saturating_add(step_ms.saturating_mul(n - 1)))
            }
            Keys::Uniform { max } => (0, max.saturating_sub(1)),
            Keys::Zipf { distinct } => (1, distinct as u64),
        }
    }

    /// The keys written, in order.
    pub fn keys(&self, rng: &mut Rng) -> Vec<u64> {
        let n = self.rows as u64;
        match &self.keys {
            Keys::Sequential => (1..=n).collect(),
            Keys::Timestamps { start_ms, step_ms } => (0..n).map(|i| start_ms + i * step_ms).collect(),
            Keys::Uniform { max } => (0..n).map(|_| rng.next_u64() % max).collect(),
            Keys::Zipf { distinct } => {
                let zipf = Zipf::new(*distinct);
                (0..n).map(|_| zipf.sample(rng) as u64 + 1).collect()
            }
        }
    }
}
