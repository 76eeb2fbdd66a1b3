//! The order in which a `java.util.HashMap` (OpenJDK 8 and later) with
//! `String` keys iterates, where Kafka's results depend on it: the sticky
//! assignors hand out the quota above the minimum to the members they
//! visit first, visiting them by iterating a `HashMap` of member ids; the
//! range assignor lists a member's partitions topic by topic in the order
//! of a `HashMap` of topic names.
//!
//! A key's bucket is its `String.hashCode()` spread by `h ^ (h >>> 16)`,
//! masked by the table's capacity. The table starts at 16 buckets and
//! doubles when it holds more than three quarters of its capacity, or when
//! a ninth key lands in one bucket of a table smaller than 64. Iteration
//! walks the buckets in index order and each bucket in insertion order
//! (a resize splits a bucket without reordering it). A bucket of nine or
//! more keys in a table of 64 or more becomes a tree whose order this
//! does not model; member ids that collide that much do not arise here.

/// `String.hashCode()`: `s[0]·31^(n−1) + … + s[n−1]` over UTF-16 code
/// units, in wrapping 32-bit arithmetic.
pub fn string_hash(s: &str) -> i32 {
    s.encode_utf16().fold(0i32, |h, c| h.wrapping_mul(31).wrapping_add(i32::from(c)))
}

/// `HashMap.hash`: the hash code with its high half folded into the low.
fn spread(s: &str) -> u32 {
    let h = string_hash(s) as u32;
    h ^ (h >> 16)
}

/// The capacity of a default `HashMap` after `keys` are put in turn
/// (distinct keys).
fn capacity(hashes: &[u32]) -> usize {
    const TREEIFY_AT: usize = 8;
    const MIN_TREE_CAPACITY: usize = 64;
    let mut cap = 16usize;
    for (size, &h) in hashes.iter().enumerate() {
        let bucket = h as usize & (cap - 1);
        let already = hashes[..size].iter().filter(|&&o| o as usize & (cap - 1) == bucket).count();
        // `putVal` links the new key, then asks for a tree when the bucket
        // held eight already; below 64 buckets that request resizes.
        if already >= TREEIFY_AT && cap < MIN_TREE_CAPACITY {
            cap *= 2;
        }
        if size + 1 > cap / 4 * 3 {
            cap *= 2;
        }
    }
    cap
}

/// The order a default `HashMap` built by putting `keys` in turn iterates
/// them, as indices into `keys`.
pub fn iteration_order(keys: &[&str]) -> Vec<usize> {
    let hashes: Vec<u32> = keys.iter().map(|k| spread(k)).collect();
    let mask = capacity(&hashes) - 1;
    let mut order: Vec<usize> = (0..keys.len()).collect();
    // Stable: keys of one bucket keep their insertion order.
    crate::sim::kernel::sort::radix_sort_by_key(&mut order, |&i| u64::from(hashes[i]) & mask as u64);
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_hashes_are_javas() {
        // By the formula `String.hashCode()` documents; "hello" is a well-known value.
        assert_eq!(string_hash(""), 0);
        assert_eq!(string_hash("a"), 97);
        assert_eq!(string_hash("ab"), 97 * 31 + 98);
        assert_eq!(string_hash("hello"), 99_162_322);
        assert_eq!(string_hash("consumer1"), -421_004_549);
        // Overflow wraps: "polygenelubricants" hashes to Integer.MIN_VALUE.
        assert_eq!(string_hash("polygenelubricants"), i32::MIN);
    }

    #[test]
    fn iteration_follows_buckets_then_insertion() {
        // "a" (97) and "q" (113) share bucket 1 of 16; "b" is bucket 2.
        assert_eq!(iteration_order(&["b", "q", "a"]), vec![1, 2, 0]);
        assert_eq!(iteration_order(&["b", "a", "q"]), vec![1, 2, 0]);
        // Thirteen keys resize the table to 32: "a" (97 & 31 = 1) and
        // "q" (113 & 31 = 17) part.
        let many = ["a", "q", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m"];
        let order = iteration_order(&many);
        let pos = |k: &str| order.iter().position(|&i| many[i] == k).unwrap();
        assert!(pos("a") < pos("c") && pos("m") < pos("q"));
        assert_eq!(order.len(), 13);
    }
}
