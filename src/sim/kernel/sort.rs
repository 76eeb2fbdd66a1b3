//! Sorting for the engines without the standard library's generic sorts,
//! whose code is large in a wasm bundle: sorts by an unsigned integer key
//! are radix sorts in linear time, and the few short lists ordered by a
//! comparison (strings) take an insertion sort.

/// The least and greatest of `values`; `None` when there are none.
pub fn min_max(values: impl IntoIterator<Item = u64>) -> Option<(u64, u64)> {
    let mut values = values.into_iter();
    let first = values.next()?;
    Some(values.fold((first, first), |(lo, hi), x| (lo.min(x), hi.max(x))))
}

/// A stable insertion sort by `less`, for short lists whose order only a
/// comparison decides (a group's member ids, topic names): a few dozen
/// bytes of wasm where a standard sort costs kilobytes per element type.
pub fn insertion_sort_by<T>(v: &mut [T], mut less: impl FnMut(&T, &T) -> bool) {
    for i in 1..v.len() {
        let mut j = i;
        while j > 0 && less(&v[j], &v[j - 1]) {
            v.swap(j - 1, j);
            j -= 1;
        }
    }
}

/// Sorts `v` by `key`, stably: a least-significant-digit radix sort of
/// the keys less their minimum, in 10-bit digits (1,024 buckets, whose
/// write positions stay in cache), over only the digits the keys span and
/// skipping any digit every element shares. One pass counts every digit;
/// each needed digit then costs one scatter. O(n), and it keeps the
/// standard library's generic sorts out of the wasm.
pub fn radix_sort_by_key<T: Copy + Default>(v: &mut Vec<T>, key: impl Fn(&T) -> u64) {
    const BITS: u32 = 10;
    const BUCKETS: usize = 1 << BITS;
    let Some((min, max)) = min_max(v.iter().map(&key)) else { return };
    let digits = (64 - (max - min).leading_zeros()).div_ceil(BITS) as usize;
    let digit = |x: &T, d: usize| (((key(x) - min) >> (BITS as usize * d)) & (BUCKETS as u64 - 1)) as usize;
    let mut counts = vec![0usize; BUCKETS * digits];
    for x in v.iter() {
        for d in 0..digits {
            counts[d * BUCKETS + digit(x, d)] += 1;
        }
    }
    let mut buf = vec![T::default(); v.len()];
    for (d, counts) in counts.chunks_exact_mut(BUCKETS).enumerate() {
        if counts.contains(&v.len()) {
            continue;
        }
        let mut at = 0;
        for c in counts.iter_mut() {
            let n = *c;
            *c = at;
            at += n;
        }
        for x in v.iter() {
            let b = digit(x, d);
            buf[counts[b]] = *x;
            counts[b] += 1;
        }
        std::mem::swap(v, &mut buf);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_stably_by_key() {
        let mut v: Vec<(u64, u32)> = vec![(5, 0), (1 << 40, 1), (5, 2), (0, 3), (u64::MAX, 4), (1 << 40, 5), (7, 6)];
        radix_sort_by_key(&mut v, |e| e.0);
        assert_eq!(v, [(0, 3), (5, 0), (5, 2), (7, 6), (1 << 40, 1), (1 << 40, 5), (u64::MAX, 4)]);
        let mut same = vec![3u64; 5];
        radix_sort_by_key(&mut same, |&k| k);
        assert_eq!(same, [3; 5]);
        let mut empty: Vec<u64> = Vec::new();
        radix_sort_by_key(&mut empty, |&k| k);
        assert!(empty.is_empty());
    }
}
