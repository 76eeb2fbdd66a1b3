//! Simulated time: integer nanoseconds since the start of a run.

/// A point in simulated time, or a duration, in nanoseconds.
pub type Nanos = u64;

/// Nanoseconds in one millisecond.
pub const MS: Nanos = 1_000_000;
/// Nanoseconds in one second.
pub const SEC: Nanos = 1_000_000_000;

/// Converts milliseconds (possibly fractional) to nanoseconds, rounding to the
/// nearest nanosecond. Negative and non-finite inputs give 0; callers validate
/// before converting, so this never has to report an error.
pub fn ms_to_ns(ms: f64) -> Nanos {
    if ms.is_finite() && ms > 0.0 {
        // Multiplication and rounding are exact IEEE operations, so this is the
        // same on every platform. `as` saturates for values beyond u64.
        (ms * 1e6).round() as Nanos
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_milliseconds() {
        assert_eq!(ms_to_ns(0.0), 0);
        assert_eq!(ms_to_ns(9900.0), 9_900_000_000);
        assert_eq!(ms_to_ns(0.5), 500_000);
        assert_eq!(ms_to_ns(-3.0), 0);
        assert_eq!(ms_to_ns(f64::NAN), 0);
    }
}
