//! Decimal numbers as text, without the platform's float printer.
//!
//! Printing goes through integer arithmetic and parsing through the
//! scenario format's number reader (`scenario::json::number`), so the wasm
//! carries one float parser and no float printer of its own.

/// `x` with at most `max_decimals` decimals (rounded half away from zero),
/// trailing zeros dropped: `decimal(2.50, 2)` is `2.5`, `decimal(3.0, 2)` is
/// `3`. Non-finite values print as `NaN`, `inf` or `-inf`.
pub fn decimal(x: f64, max_decimals: u32) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf" } else { "-inf" }.into();
    }
    let scale = 10u64.pow(max_decimals.min(9));
    let scaled = (x.abs() * scale as f64).round();
    if scaled >= u64::MAX as f64 {
        return if x > 0.0 { "inf" } else { "-inf" }.into();
    }
    let scaled = scaled as u64;
    let (int, mut frac) = (scaled / scale, scaled % scale);
    let sign = if x < 0.0 && scaled != 0 { "-" } else { "" };
    if frac == 0 {
        return format!("{sign}{int}");
    }
    let mut width = max_decimals.min(9) as usize;
    while frac % 10 == 0 {
        frac /= 10;
        width -= 1;
    }
    format!("{sign}{int}.{frac:0width$}")
}

/// Parses a decimal number (`12`, `-0.5`, `1e3`); surrounding spaces allowed.
pub fn parse(text: &str) -> Option<f64> {
    crate::scenario::json::number(text.trim())
}

/// `key`'s decimal digits, written into `buf` without allocating.
pub fn digits(key: u64, buf: &mut [u8; 20]) -> &[u8] {
    let n = digit_count(key);
    write_digits(key, &mut buf[..n]);
    &buf[..n]
}

/// How many decimal digits `key` has.
pub fn digit_count(key: u64) -> usize {
    let (mut n, mut power) = (1, 10u64);
    while n < 20 && key >= power {
        n += 1;
        power = power.wrapping_mul(10);
    }
    n
}

/// Writes `key`'s decimal digits into all of `out`, which is exactly as
/// long as they are. Eight digits at a time are split off in 64-bit
/// arithmetic and written two at a time in 32-bit arithmetic: wasm has no
/// 64-bit multiply-high, so dividing a `u64` by 10 costs a real division.
pub fn write_digits(key: u64, out: &mut [u8]) {
    let (mut at, mut k) = (out.len(), key);
    while k >= 100_000_000 {
        let high = k / 100_000_000;
        write_u32(k.wrapping_sub(high.wrapping_mul(100_000_000)) as u32, &mut out[at - 8..at]);
        (at, k) = (at - 8, high);
    }
    write_u32(k as u32, &mut out[..at]);
}

/// Writes the last `out.len()` decimal digits of `x` into `out` (leading
/// zeros included), two digits per division.
fn write_u32(mut x: u32, out: &mut [u8]) {
    const PAIRS: &[u8; 200] = b"00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899";
    let mut at = out.len();
    while at >= 2 {
        let p = (x % 100) as usize * 2;
        x /= 100;
        (out[at - 2], out[at - 1]) = (PAIRS[p], PAIRS[p + 1]);
        at -= 2;
    }
    if at == 1 {
        out[0] = b'0' + (x % 10) as u8;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_decimals() {
        assert_eq!(decimal(0.0, 2), "0");
        assert_eq!(decimal(2.5, 2), "2.5");
        assert_eq!(decimal(0.25, 2), "0.25");
        assert_eq!(decimal(0.05, 2), "0.05");
        assert_eq!(decimal(-0.5, 1), "-0.5");
        assert_eq!(decimal(-0.04, 1), "0");
        assert_eq!(decimal(599.96, 1), "600");
        assert_eq!(decimal(12.345, 0), "12");
        assert_eq!(decimal(1e300, 1), "inf");
        assert_eq!(decimal(f64::NAN, 1), "NaN");
    }

    #[test]
    fn parses_decimals() {
        assert_eq!(parse(" 12 "), Some(12.0));
        assert_eq!(parse("-0.5"), Some(-0.5));
        assert_eq!(parse("1e3"), Some(1000.0));
        assert_eq!(parse("twelve"), None);
        assert_eq!(parse(""), None);
    }
}
