//! Sorting for the engines without the standard library's generic sorts,
//! whose code is large in a wasm bundle: every sort the engines need orders
//! by an unsigned integer key, which a radix sort does in linear time.

/// Sorts `v` by `key`, stably: a least-significant-digit radix sort over
/// 16-bit digits, skipping digits every element shares. O(n), and it keeps
/// the standard library's generic sorts out of the wasm.
pub fn radix_sort_by_key<T: Copy + Default>(v: &mut Vec<T>, key: impl Fn(&T) -> u64) {
    let mut buf = vec![T::default(); v.len()];
    for shift in [0u32, 16, 32, 48] {
        let mut counts = vec![0usize; 1 << 16];
        for x in v.iter() {
            counts[((key(x) >> shift) & 0xffff) as usize] += 1;
        }
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
            let d = ((key(x) >> shift) & 0xffff) as usize;
            buf[counts[d]] = *x;
            counts[d] += 1;
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
