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
//! The line reader, the preset lookup, the unknown-key check and the keys
//! every block shares (`seed`, `time_ms`, `title`, the traffic keys) are
//! here; each family applies its own keys (`src/sim/<family>/block.rs`).

use super::{Family, Scenario};
use crate::sim::kernel::traffic::Traffic;

/// A parsed widget block: the starting scenario and an optional caption.
#[derive(Clone, Debug, PartialEq)]
pub struct WidgetBlock {
    pub scenario: Scenario,
    pub title: Option<String>,
}

/// A block's `key: value` lines, each with its line number.
pub struct Block<'a> {
    pairs: Vec<(usize, &'a str, &'a str)>,
}

impl<'a> Block<'a> {
    /// Reads the lines: `#` starts a comment, blank lines are skipped, and a
    /// key may be given once.
    pub fn read(text: &'a str) -> Result<Block<'a>, String> {
        let mut pairs: Vec<(usize, &str, &str)> = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            let line = raw.split_once('#').map_or(raw, |(before, _)| before).trim();
            if line.is_empty() {
                continue;
            }
            let (key, value) = line
                .split_once(':')
                .ok_or_else(|| format!("line {}: expected `key: value`, found `{}`", i + 1, line))?;
            let (key, value) = (key.trim(), value.trim());
            if pairs.iter().any(|(_, k, _)| *k == key) {
                return Err(format!("line {}: `{key}` is given twice", i + 1));
            }
            pairs.push((i + 1, key, value));
        }
        Ok(Block { pairs })
    }

    /// The line and value of `key`, if the block gives it.
    pub fn get(&self, key: &str) -> Option<(usize, &'a str)> {
        self.pairs.iter().find(|(_, k, _)| *k == key).map(|(line, _, v)| (*line, *v))
    }

    /// Every key the block gives, with its line, in the block's order.
    pub fn keys(&self) -> impl Iterator<Item = (usize, &'a str)> + '_ {
        self.pairs.iter().map(|(line, k, _)| (*line, *k))
    }

    /// `key`'s value as a number, if the block gives it.
    pub fn number<T: std::str::FromStr>(&self, key: &str) -> Result<Option<T>, String> {
        self.get(key).map(|(line, v)| number(line, key, v)).transpose()
    }

    /// Sets `field` to `key`'s number, if the block gives it.
    pub fn set<T: std::str::FromStr>(&self, key: &str, field: &mut T) -> Result<(), String> {
        if let Some(v) = self.number(key)? {
            *field = v;
        }
        Ok(())
    }

    /// `key`'s value as `true`/`yes` or `false`/`no`, if the block gives it.
    pub fn flag(&self, key: &str) -> Result<Option<bool>, String> {
        self.get(key)
            .map(|(line, v)| match v {
                "true" | "yes" => Ok(true),
                "false" | "no" => Ok(false),
                _ => Err(format!("line {line}: `{key}` must be true or false, not `{v}`")),
            })
            .transpose()
    }

    /// Applies the `traffic:` pattern and the pattern's own keys ([`TRAFFIC_KEYS`]).
    pub fn traffic(&self, traffic: &mut Traffic) -> Result<(), String> {
        if let Some((line, v)) = self.get("traffic") {
            *traffic = Traffic::example(v).ok_or_else(|| {
                format!("line {line}: unknown traffic `{v}`; traffic: steady, bursty, poisson, spike")
            })?;
        }
        for key in &TRAFFIC_KEYS[1..] {
            let key = *key;
            let Some((line, v)) = self.get(key) else { continue };
            let pattern = traffic.pattern();
            let field = match (&mut *traffic, key) {
                (t, "cost") => t.cost_mut().map(Field::Cost),
                (Traffic::Steady { rps, .. } | Traffic::Poisson { rps, .. } | Traffic::Bursty { rps, .. }, "rps")
                | (Traffic::Spike { base_rps: rps, .. }, "base_rps" | "rps")
                | (Traffic::Spike { spike_rps: rps, .. }, "spike_rps") => Some(Field::Rate(rps)),
                (Traffic::Bursty { on_ms: ms, .. }, "on_ms")
                | (Traffic::Bursty { off_ms: ms, .. }, "off_ms")
                | (Traffic::Spike { spike_at_ms: ms, .. }, "spike_at_ms")
                | (Traffic::Spike { spike_ms: ms, .. }, "spike_ms") => Some(Field::Ms(ms)),
                _ => None,
            };
            match field {
                Some(Field::Rate(f)) => *f = number(line, key, v)?,
                Some(Field::Ms(f)) => *f = number(line, key, v)?,
                Some(Field::Cost(f)) => *f = number(line, key, v)?,
                None => return Err(format!("line {line}: `{key}` does not apply to {pattern} traffic")),
            }
        }
        Ok(())
    }
}

/// A traffic field a block key sets.
enum Field<'t> {
    Rate(&'t mut f64),
    Ms(&'t mut u64),
    Cost(&'t mut u32),
}

/// `value` as a number, or a message naming the line and key.
pub fn number<T: std::str::FromStr>(line: usize, key: &str, value: &str) -> Result<T, String> {
    value.parse().map_err(|_| format!("line {line}: `{key}` must be a number, not `{value}`"))
}

/// `a` then `b` as one list of `N` keys (`N` must be their lengths' sum:
/// a mistake fails the build), for a family whose keys include a shared set.
pub const fn keys<const A: usize, const B: usize, const N: usize>(
    a: [&'static str; A],
    b: [&'static str; B],
) -> [&'static str; N] {
    assert!(A + B == N, "the joined key list's length is not the sum of its parts");
    let mut out = [""; N];
    let mut i = 0;
    while i < N {
        out[i] = if i < A { a[i] } else { b[i - A] };
        i += 1;
    }
    out
}

/// Keys a block may use to set its traffic.
pub const TRAFFIC_KEYS: [&str; 9] =
    ["traffic", "rps", "on_ms", "off_ms", "spike_rps", "spike_at_ms", "spike_ms", "base_rps", "cost"];

/// Parses a widget block's body.
pub fn parse(text: &str) -> Result<WidgetBlock, String> {
    let block = Block::read(text)?;
    match block.get("kind") {
        None => Err("the block has no `kind:` line (for example `kind: rate-limiter`)".into()),
        Some((_, kind)) => super::parse_block(kind, &block),
    }
}

/// A block of the family `F`: its keys checked, its preset, the family's
/// own keys, then `seed`, `time_ms` and `title`, and the whole validated.
pub fn family<F: Family>(block: &Block) -> Result<WidgetBlock, String>
where
    Scenario: From<F>,
{
    if let Some((line, key)) = block.keys().find(|(_, k)| !F::BLOCK_KEYS.contains(k)) {
        return Err(format!(
            "line {line}: unknown key `{key}`; a {} block takes {}",
            F::KIND,
            F::BLOCK_KEYS.join(", ")
        ));
    }
    let (preset_line, preset) = block.get("preset").unwrap_or((0, F::BLOCK_PRESET));
    let mut s = F::preset(preset).ok_or_else(|| {
        let names: Vec<&str> = F::PRESETS.iter().map(|(n, _)| *n).collect();
        format!("line {preset_line}: unknown preset `{preset}`; presets: {}", names.join(", "))
    })?;
    s.apply_block(block)?;
    let (seed, view) = s.seed_and_view();
    block.set("seed", seed)?;
    if let Some(t) = block.number("time_ms")? {
        view.time_ms = Some(t);
    }
    let title = block.get("title").map(|(_, v)| v.to_string()).filter(|t| !t.is_empty());
    s.validate()?;
    Ok(WidgetBlock { scenario: s.into(), title })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_line() {
        assert_eq!(parse("").unwrap_err(), "the block has no `kind:` line (for example `kind: rate-limiter`)");
        assert!(parse("kind: rate-limiter\nlimit five").unwrap_err().starts_with("line 2: expected `key: value`"));
        assert!(parse("kind: rate-limiter\nlimit: 1\nlimit: 2").unwrap_err().contains("given twice"));
        assert_eq!(
            parse("kind: ring").unwrap_err(),
            format!("line 1: unknown widget kind `ring`; known kinds: {}", crate::scenario::KINDS.join(", "))
        );
    }

    #[test]
    fn title_is_kept() {
        let b = parse("kind: rate-limiter\ntitle: The boundary burst").unwrap();
        assert_eq!(b.title.as_deref(), Some("The boundary burst"));
        assert_eq!(parse("kind: rate-limiter\ntitle:").unwrap().title, None);
    }
}
