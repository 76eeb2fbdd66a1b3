//! Chart geometry: pure functions from data to SVG path strings.
//!
//! Components only place what these compute, so the maths is tested without
//! a browser and each redraw is a handful of string attributes, whatever the
//! number of requests (bins, not points, scale the cost).

use std::fmt::Write as _;

/// A coordinate rounded to tenths, printed compactly (`12`, `12.5`, `-0.5`)
/// with integer arithmetic.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tenths(pub i64);

impl std::fmt::Display for Tenths {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        let (sign, t) = if self.0 < 0 { ("-", -self.0) } else { ("", self.0) };
        match t % 10 {
            0 => write!(f, "{sign}{}", t / 10),
            d => write!(f, "{sign}{}.{d}", t / 10),
        }
    }
}

/// Rounds a coordinate to tenths.
pub fn r(x: f64) -> Tenths {
    Tenths((x * 10.0).round() as i64)
}

/// Stacked bars, one per bin: `counts[i]` holds the heights of the stack's
/// layers from the bottom. Returns one path per layer, all bins in each, in a
/// `width × height` box with `max` total mapped to the full height.
pub fn stacked_bars<const N: usize>(counts: &[[u32; N]], max: u32, width: f64, height: f64) -> [String; N] {
    let mut paths: [String; N] = std::array::from_fn(|_| String::new());
    if counts.is_empty() || max == 0 {
        return paths;
    }
    let step = width / counts.len() as f64;
    let bar = (step * 0.8).max(0.5);
    let scale = height / f64::from(max);
    for (i, c) in counts.iter().enumerate() {
        let x = r(i as f64 * step + (step - bar) / 2.0);
        let mut base = height;
        for (layer, &n) in c.iter().enumerate() {
            if n == 0 {
                continue;
            }
            let h = f64::from(n) * scale;
            let top = base - h;
            let _ = write!(paths[layer], "M{x} {}h{}v{}h-{}Z", r(top), r(bar), r(h), r(bar));
            base = top;
        }
    }
    paths
}

/// A polyline through `values` spread evenly across `width`, with `max`
/// mapped to the top of a `height` box (values above are clamped).
pub fn line(values: &[f64], max: f64, width: f64, height: f64) -> String {
    let mut d = String::new();
    if values.is_empty() || max <= 0.0 {
        return d;
    }
    let step = if values.len() > 1 { width / (values.len() - 1) as f64 } else { 0.0 };
    for (i, &v) in values.iter().enumerate() {
        let y = height - (v / max).clamp(0.0, 1.0) * height;
        let _ = write!(d, "{}{} {}", if i == 0 { 'M' } else { 'L' }, r(i as f64 * step), r(y));
    }
    d
}

/// A polyline through values sampled at the end of each of `values.len()`
/// equal slices of `width` (so the first point is one slice in), with `max`
/// at the top of a `height` box; a negative value is a gap: the line stops
/// before it and starts again after it (for a rate not yet defined).
pub fn line_with_gaps(values: &[f64], max: f64, width: f64, height: f64) -> String {
    let mut d = String::new();
    if values.is_empty() || max <= 0.0 {
        return d;
    }
    let step = width / values.len() as f64;
    let mut pen_down = false;
    for (i, &v) in values.iter().enumerate() {
        if v < 0.0 {
            pen_down = false;
            continue;
        }
        let y = height - (v / max).min(1.0) * height;
        let _ = write!(d, "{}{} {}", if pen_down { 'L' } else { 'M' }, r((i + 1) as f64 * step), r(y));
        pen_down = true;
    }
    d
}

/// Rectangles spanning the box's height for time intervals `[from, to)` of
/// a run of `duration`, as one path.
pub fn spans(intervals: &[(u64, u64)], duration: u64, width: f64, height: f64) -> String {
    let mut d = String::new();
    if duration == 0 {
        return d;
    }
    let x = |t: u64| t.min(duration) as f64 / duration as f64 * width;
    for &(from, to) in intervals {
        let (x0, x1) = (x(from), x(to));
        if x1 > x0 {
            let _ = write!(d, "M{} 0h{}v{}h-{}Z", r(x0), r(x1 - x0), r(height), r(x1 - x0));
        }
    }
    d
}

/// A closed band between `lows` and `highs` (same length), one column per
/// bin of `width / n`, for the range a state takes within each bin.
pub fn band(lows: &[f64], highs: &[f64], max: f64, width: f64, height: f64) -> String {
    let n = lows.len().min(highs.len());
    let mut d = String::new();
    if n == 0 || max <= 0.0 {
        return d;
    }
    let step = width / n as f64;
    let y = |v: f64| r(height - (v / max).clamp(0.0, 1.0) * height);
    for (i, &high) in highs[..n].iter().enumerate() {
        let (x0, x1) = (r(i as f64 * step), r((i + 1) as f64 * step));
        let _ = write!(d, "{}{x0} {}L{x1} {}", if i == 0 { 'M' } else { 'L' }, y(high), y(high));
    }
    for i in (0..n).rev() {
        let _ = write!(d, "L{} {}L{} {}", r((i + 1) as f64 * step), y(lows[i]), r(i as f64 * step), y(lows[i]));
    }
    d.push('Z');
    d
}

/// "Nice" axis maximum at or above `v`: 1, 2 or 5 times a power of ten.
/// One bar of [`bars`]: its CSS class, its value now, an earlier value drawn
/// as an outline (class `before`), and a tick across it (class `fair`).
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    pub class: String,
    pub now: f64,
    pub before: Option<f64>,
    pub tick: Option<f64>,
}

/// Bars side by side across `width`, each in an equal slot, on a scale from 0
/// at the bottom to `max` 4 units below the top ([`bar_level`]).
pub fn bars(bars: &[Bar], max: f64, width: f64, height: f64) -> String {
    use std::fmt::Write as _;
    let slot = width / bars.len().max(1) as f64;
    let w = (slot * 0.7).max(0.5);
    let y = |v: f64| bar_level(v, max, height);
    let mut svg = String::new();
    for (i, b) in bars.iter().enumerate() {
        let x = i as f64 * slot + (slot - w) / 2.0;
        for (class, v) in std::iter::once((b.class.as_str(), b.now)).chain(b.before.map(|v| ("before", v))) {
            let _ = write!(
                svg,
                "<rect class=\"{class}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"></rect>",
                r(x),
                r(y(v)),
                r(w),
                r(height - y(v))
            );
        }
        if let Some(t) = b.tick {
            let _ = write!(svg, "<path class=\"fair\" d=\"M{} {}h{}\"></path>", r(x - 1.0), r(y(t)), r(w + 2.0));
        }
    }
    svg
}

/// The height in a [`bars`] chart of value `v`.
pub fn bar_level(v: f64, max: f64, height: f64) -> f64 {
    height - v / max * (height - 4.0)
}

pub fn nice_max(v: f64) -> f64 {
    if v <= 0.0 || !v.is_finite() {
        return 1.0;
    }
    let mut p = 1.0;
    while p * 10.0 <= v {
        p *= 10.0;
    }
    while p > v {
        p /= 10.0;
    }
    for m in [1.0, 2.0, 5.0, 10.0] {
        if m * p >= v {
            return m * p;
        }
    }
    10.0 * p
}

#[cfg(test)]
mod tests {
    #[test]
    fn bars_draw_a_rect_an_outline_and_a_tick_per_bar() {
        let bar = |now, before, tick| super::Bar { class: "bar n0".into(), now, before, tick };
        let svg = super::bars(&[bar(50.0, Some(100.0), Some(75.0)), bar(100.0, None, None)], 100.0, 200.0, 104.0);
        assert_eq!(
            svg,
            "<rect class=\"bar n0\" x=\"15\" y=\"54\" width=\"70\" height=\"50\"></rect>\
             <rect class=\"before\" x=\"15\" y=\"4\" width=\"70\" height=\"100\"></rect>\
             <path class=\"fair\" d=\"M14 29h72\"></path>\
             <rect class=\"bar n0\" x=\"115\" y=\"4\" width=\"70\" height=\"100\"></rect>"
        );
        assert_eq!(super::bar_level(0.0, 100.0, 104.0), 104.0);
    }

    use super::*;

    #[test]
    fn bars_stack_layers_from_the_bottom() {
        let [a, b, c] = stacked_bars(&[[2, 1, 0], [0, 0, 4]], 4, 20.0, 40.0);
        assert_eq!(a, "M1 20h8v20h-8Z");
        assert_eq!(b, "M1 10h8v10h-8Z");
        assert_eq!(c, "M11 0h8v40h-8Z");
        assert_eq!(stacked_bars(&[], 1, 1.0, 1.0), [String::new(), String::new(), String::new()]);
    }

    #[test]
    fn line_clamps_and_spreads() {
        assert_eq!(line(&[0.0, 5.0, 20.0], 10.0, 100.0, 50.0), "M0 50L50 25L100 0");
        assert_eq!(line(&[], 1.0, 1.0, 1.0), "");
    }

    #[test]
    fn gaps_lift_the_pen() {
        assert_eq!(line_with_gaps(&[-1.0, 5.0, 10.0, -1.0, 0.0], 10.0, 40.0, 10.0), "M16 5L24 0M40 10");
        assert_eq!(line_with_gaps(&[-1.0], 1.0, 1.0, 1.0), "");
    }

    #[test]
    fn spans_cover_their_intervals() {
        assert_eq!(spans(&[(0, 25), (50, 200)], 100, 200.0, 10.0), "M0 0h50v10h-50ZM100 0h100v10h-100Z");
        assert_eq!(spans(&[(5, 5)], 100, 200.0, 10.0), "");
    }

    #[test]
    fn band_closes_around_the_range() {
        assert_eq!(band(&[0.0], &[10.0], 10.0, 10.0, 10.0), "M0 0L10 0L10 10L0 10Z");
    }

    #[test]
    fn tenths_print_compactly() {
        assert_eq!(r(12.0).to_string(), "12");
        assert_eq!(r(12.54).to_string(), "12.5");
        assert_eq!(r(-0.5).to_string(), "-0.5");
        assert_eq!(r(-12.0).to_string(), "-12");
    }

    #[test]
    fn nice_maxima() {
        assert_eq!(nice_max(0.0), 1.0);
        assert_eq!(nice_max(3.0), 5.0);
        assert_eq!(nice_max(10.0), 10.0);
        assert_eq!(nice_max(11.0), 20.0);
        assert_eq!(nice_max(0.3), 0.5);
        assert_eq!(nice_max(730.0), 1000.0);
    }
}
