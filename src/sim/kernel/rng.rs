//! The run's seeded random generator and the deterministic maths built on it.
//!
//! The generator is SplitMix64 (Steele, Lea & Flood, "Fast splittable
//! pseudorandom number generators", OOPSLA 2014): one u64 of state, full
//! period, and trivially identical on every platform. Floating-point helpers
//! use only IEEE-exact operations (+, −, ×, ÷), never the platform's `libm`,
//! whose `ln` may differ in the last bit between glibc and wasm32.

/// A seeded SplitMix64 generator. One per run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rng {
    state: u64,
}

impl Rng {
    /// A generator whose whole sequence is fixed by `seed`.
    pub fn new(seed: u64) -> Self {
        Rng { state: seed }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A uniform draw from [0, 1), with 53 bits ([`unit`] of the next draw).
    pub fn unit_closed_open(&mut self) -> f64 {
        unit(self.next_u64())
    }

    /// A uniform draw from the open-closed interval (0, 1], with 53 bits of
    /// precision. Never 0, so its logarithm is finite.
    pub fn unit_open_closed(&mut self) -> f64 {
        ((self.next_u64() >> 11) + 1) as f64 / (1u64 << 53) as f64
    }

    /// An exponentially distributed draw with the given mean.
    pub fn exponential(&mut self, mean: f64) -> f64 {
        -ln(self.unit_open_closed()) * mean
    }
}

/// A uniform draw in [0, 1) from 53 bits of a raw 64-bit draw, as Python's
/// `random.random()`, Go's `rand.Float64()` and Java's `Math.random()`
/// make one.
pub fn unit(raw: u64) -> f64 {
    (raw >> 11) as f64 / (1u64 << 53) as f64
}

/// Natural logarithm of a positive, finite `x`, computed with IEEE-exact
/// operations only, so native and wasm32 agree bit for bit. Accurate to a few
/// units in the last place, which is ample for generating arrival times.
///
/// Method: write x = m·2^e with m in [√½, √2), then
/// ln m = 2·atanh(s) = 2(s + s³/3 + s⁵/5 + …) with s = (m−1)/(m+1), |s| < 0.172.
pub fn ln(x: f64) -> f64 {
    if x.is_nan() || x <= 0.0 || x.is_infinite() {
        return f64::NAN;
    }
    const LN2: f64 = std::f64::consts::LN_2;
    const SQRT2: f64 = std::f64::consts::SQRT_2;
    let mut bits = x.to_bits();
    let mut e: i64 = ((bits >> 52) & 0x7ff) as i64;
    if e == 0 {
        // Subnormal: scale into the normal range first (exact).
        let scaled = x * (1u64 << 54) as f64;
        bits = scaled.to_bits();
        e = ((bits >> 52) & 0x7ff) as i64 - 54;
    }
    e -= 1023;
    let mut m = f64::from_bits((bits & 0x000f_ffff_ffff_ffff) | 0x3ff0_0000_0000_0000);
    if m >= SQRT2 {
        m /= 2.0;
        e += 1;
    }
    let s = (m - 1.0) / (m + 1.0);
    let s2 = s * s;
    // Horner form of s·(1 + s²/3 + s⁴/5 + … + s²²/23); the next term is < 1e-18.
    // The reciprocals are constants (each the correctly rounded 1/k, as the
    // division at run time gives), so no division happens per term.
    const INVERSE_ODD: [f64; 12] = [
        1.0 / 23.0,
        1.0 / 21.0,
        1.0 / 19.0,
        1.0 / 17.0,
        1.0 / 15.0,
        1.0 / 13.0,
        1.0 / 11.0,
        1.0 / 9.0,
        1.0 / 7.0,
        1.0 / 5.0,
        1.0 / 3.0,
        1.0,
    ];
    let mut sum = INVERSE_ODD[0];
    for inv in &INVERSE_ODD[1..] {
        sum = sum * s2 + inv;
    }
    2.0 * s * sum + e as f64 * LN2
}

/// `e^x` for finite `x` in about ±700, with IEEE-exact operations only (as
/// [`ln`]), so native and wasm32 agree bit for bit; accurate to a few units
/// in the last place.
///
/// Method: x = k·ln 2 + r with |r| ≤ ½ ln 2, ln 2 split in two (Cody and
/// Waite) so that k·ln 2's first part is exact; e^r by its Taylor series
/// to the 13th power (the next term is below 5·10⁻¹⁸, under half an ulp of
/// 1), evaluated by Horner's rule on the coefficients 1/n!, with no
/// division; then scaled by 2^k exactly.
pub fn exp(x: f64) -> f64 {
    if x.is_nan() {
        return f64::NAN;
    }
    let x = x.clamp(-700.0, 700.0);
    // ln 2's leading 32 bits (k times it is exact for |k| < 2²¹) and the
    // rest, as their bits: 0.693147180369123816… and 1.90821492927058770…e-10.
    const LN2_HI: f64 = f64::from_bits(0x3FE6_2E42_FEE0_0000);
    const LN2_LO: f64 = f64::from_bits(0x3DEA_39EF_3579_3C76);
    let k = (x * std::f64::consts::LOG2_E + if x < 0.0 { -0.5 } else { 0.5 }) as i64;
    let r = (x - k as f64 * LN2_HI) - k as f64 * LN2_LO;
    let mut sum = INVERSE_FACTORIAL[0];
    for c in &INVERSE_FACTORIAL[1..] {
        sum = sum * r + c;
    }
    // 2^k as a float, exact for |k| ≤ 1010.
    sum * f64::from_bits(((k + 1023) as u64) << 52)
}

/// 1/13!, 1/12!, …, 1/1!, 1/0!: e^r's Taylor coefficients, highest first.
const INVERSE_FACTORIAL: [f64; 14] = {
    let mut c = [1.0; 14];
    let mut n = 1;
    while n < 14 {
        c[13 - n] = c[14 - n] / n as f64;
        n += 1;
    }
    c
};

/// `base` to the power `p`, for a positive `base`, by [`exp`] and [`ln`].
pub fn powf(base: f64, p: f64) -> f64 {
    exp(p * ln(base))
}

/// Zipf's law with exponent 1 over ranks `0..n`: rank k is drawn in
/// proportion to 1/(k + 1). Built once (the cumulative weights), then each
/// draw is one uniform number from the run's generator and a binary search.
#[derive(Clone, Debug)]
pub struct Zipf {
    cumulative: Vec<f64>,
}

impl Zipf {
    /// The distribution over `n` ranks (at least 1).
    pub fn new(n: usize) -> Zipf {
        let mut total = 0.0;
        let cumulative = (1..=n.max(1))
            .map(|k| {
                total += 1.0 / k as f64;
                total
            })
            .collect();
        Zipf { cumulative }
    }

    /// Zipf's law with exponent `s` over ranks `0..n`: rank k is drawn in
    /// proportion to 1/(k + 1)^s (the same draws as [`Zipf::new`] when s is 1).
    pub fn with_exponent(n: usize, s: f64) -> Zipf {
        if s == 1.0 {
            return Zipf::new(n);
        }
        let mut total = 0.0;
        let cumulative = (1..=n.max(1))
            .map(|k| {
                total += 1.0 / powf(k as f64, s);
                total
            })
            .collect();
        Zipf { cumulative }
    }

    /// A rank drawn from `rng`.
    pub fn sample(&self, rng: &mut Rng) -> usize {
        self.rank(rng.unit_open_closed())
    }

    /// The rank at `u` of the cumulative distribution (`u` in (0, 1]).
    pub fn rank(&self, u: f64) -> usize {
        let total = self.cumulative[self.cumulative.len() - 1];
        let u = u * total;
        self.cumulative.partition_point(|&c| c < u).min(self.cumulative.len() - 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exp_is_accurate_and_inverts_ln() {
        for x in [-20.0, -1.0, -0.3, 0.0, 1e-9, 0.5, 1.0, std::f64::consts::LN_10, 10.0, 50.0] {
            let want = f64::exp(x);
            assert!(((exp(x) - want) / want).abs() < 1e-14, "exp({x}) = {} not {want}", exp(x));
        }
        assert_eq!(exp(0.0), 1.0);
        // Across the whole range, within 2·10⁻¹⁵ of the platform's own.
        let mut x = -700.0;
        while x < 700.0 {
            let want = f64::exp(x);
            assert!(((exp(x) - want) / want).abs() < 2e-15, "exp({x}) = {} not {want}", exp(x));
            x += 0.618_033_988_7;
        }
        assert_eq!(INVERSE_FACTORIAL[13], 1.0);
        assert_eq!(INVERSE_FACTORIAL[10], 1.0 / 6.0);
        for x in [0.001, 0.5, 3.0, 1000.0] {
            assert!((exp(ln(x)) - x).abs() / x < 1e-14);
        }
        assert!((powf(10.0, 0.8) - 6.309573444801933).abs() < 1e-13);
    }

    #[test]
    fn zipf_with_exponent_one_is_zipf() {
        let (a, b) = (Zipf::new(1000), Zipf::with_exponent(1000, 1.0));
        let (mut r1, mut r2) = (Rng::new(3), Rng::new(3));
        for _ in 0..100 {
            assert_eq!(a.sample(&mut r1), b.sample(&mut r2));
        }
        // Steeper skew puts more draws on rank 0: 1/ζ-sum of the first weight.
        let steep = Zipf::with_exponent(1000, 1.5);
        let mut r = Rng::new(9);
        let top = (0..10_000).filter(|_| steep.sample(&mut r) == 0).count();
        assert!((3_600..4_000).contains(&top), "{top}");
    }

    #[test]
    fn splitmix_matches_published_sequence() {
        // First outputs of SplitMix64 seeded with 0, as in Vigna's reference C code.
        let mut r = Rng::new(0);
        assert_eq!(r.next_u64(), 0xE220_A839_7B1D_CDAF);
        assert_eq!(r.next_u64(), 0x6E78_9E6A_A1B9_65F4);
        assert_eq!(r.next_u64(), 0x06C4_5D18_8009_454F);
    }

    #[test]
    fn unit_draws_stay_in_open_closed_interval() {
        let mut r = Rng::new(7);
        for _ in 0..10_000 {
            let u = r.unit_open_closed();
            assert!(u > 0.0 && u <= 1.0);
        }
    }

    #[test]
    fn ln_is_accurate() {
        for &x in &[1e-300, 1e-9, 0.001, 0.1, 0.5, 0.7, 1.0, 1.5, 2.0, 10.0, 12345.678, 1e300] {
            let ours = ln(x);
            let std = x.ln();
            assert!((ours - std).abs() <= 4.0 * f64::EPSILON * std.abs().max(1.0), "ln({x}) = {ours}, std {std}");
        }
        assert_eq!(ln(1.0), 0.0);
        assert!(ln(0.0).is_nan());
        assert!(ln(-1.0).is_nan());
        // Subnormal input.
        let tiny = f64::from_bits(1);
        assert!((ln(tiny) - tiny.ln()).abs() < 1e-12);
    }

    #[test]
    fn exponential_mean_is_close() {
        let mut r = Rng::new(42);
        let n = 100_000;
        let mean: f64 = (0..n).map(|_| r.exponential(2.0)).sum::<f64>() / n as f64;
        assert!((mean - 2.0).abs() < 0.03, "mean {mean}");
    }
}
