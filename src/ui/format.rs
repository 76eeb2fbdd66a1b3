//! Number and time formatting for labels and summaries.

use crate::sim::kernel::time::Nanos;

/// A simulated time as seconds with up to three decimals: `12.5 s`.
pub fn seconds(ns: Nanos) -> String {
    let ms = ns / 1_000_000;
    if ms.is_multiple_of(1000) {
        format!("{} s", ms / 1000)
    } else {
        let s = format!("{}.{:03}", ms / 1000, ms % 1000);
        format!("{} s", s.trim_end_matches('0'))
    }
}

/// A duration in milliseconds, whole below 10 s: `250 ms`, `12 s`.
pub fn duration(ns: Nanos) -> String {
    let ms = ns / 1_000_000;
    if ms < 10_000 {
        format!("{ms} ms")
    } else {
        seconds(ns)
    }
}

/// A latency in milliseconds with sensible precision: `0.42 ms`, `12.5 ms`, `1,204 ms`.
pub fn latency(ns: Nanos) -> String {
    let ms = ns as f64 / 1_000_000.0;
    if ms >= 1_000.0 {
        format!("{} ms", thousands(ms as u64))
    } else {
        format!("{} ms", number(ms))
    }
}

/// A rate or level with sensible precision: `12`, `3.5`, `0.25`.
pub fn number(x: f64) -> String {
    let decimals = if x.abs() >= 100.0 {
        0
    } else if x.abs() >= 10.0 {
        1
    } else {
        2
    };
    if x.is_finite() {
        crate::sim::kernel::num::decimal(x, decimals)
    } else {
        "–".into()
    }
}

/// A fraction as a percentage with [`number`]'s precision: `0.1667` is `16.7%`.
pub fn percent(fraction: f64) -> String {
    format!("{}%", number(fraction * 100.0))
}

/// A count with thousands separators: `100,000`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(seconds(12_500_000_000), "12.5 s");
        assert_eq!(seconds(3_000_000_000), "3 s");
        assert_eq!(seconds(100_000_000), "0.1 s");
        assert_eq!(duration(250_000_000), "250 ms");
        assert_eq!(duration(12_000_000_000), "12 s");
        assert_eq!(number(12.0), "12");
        assert_eq!(number(3.5), "3.5");
        assert_eq!(number(0.25), "0.25");
        assert_eq!(number(14.26), "14.3");
        assert_eq!(number(1234.6), "1235");
        assert_eq!(number(f64::NAN), "–");
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
