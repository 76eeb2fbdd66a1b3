//! Decimal numbers as text, without the platform's float printer.
//!
//! Printing goes through integer arithmetic and parsing through serde_json's
//! number parser (already in the app for scenarios), so the wasm carries one
//! float parser and no float printer of its own beside serde_json's.

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
    serde_json::from_str::<f64>(text.trim()).ok()
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
