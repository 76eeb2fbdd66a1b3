//! MD5 (RFC 1321), the digest libketama and MongoDB's hashed shard keys
//! both place keys by.
//!
//! The engines hash short messages (a key's decimal text, a 16-byte BSON
//! value) millions of times per workload, so the digest is one function
//! over stack buffers: no streaming state, no allocation, the 64 steps
//! written out. `tests/shard.rs` checks it against RFC 1321's test suite and
//! against a general MD5 implementation on random messages of every length
//! that matters (0 to 200 bytes, across the one- and two-block padding cases).

/// `K[i]`: the integer part of `2³² · |sin(i + 1)|` (RFC 1321, section 3.4).
const K: [u32; 64] = [
    0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501, 0x698098d8,
    0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821, 0xf61e2562, 0xc040b340,
    0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8, 0x21e1cde6, 0xc33707d6, 0xf4d50d87,
    0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a, 0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c,
    0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70, 0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039,
    0xe6db99e5, 0x1fa27cf8, 0xc4ac5665, 0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92,
    0xffeff47d, 0x85845dd1, 0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb,
    0xeb86d391,
];

const INIT: [u32; 4] = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476];

/// One step: `a ← b + ((a + f(b, c, d) + M[g] + K[i]) <<< s)`.
macro_rules! step {
    ($f:expr, $a:ident, $b:ident, $c:ident, $d:ident, $m:expr, $k:expr, $s:expr) => {
        $a = $b.wrapping_add($a.wrapping_add($f).wrapping_add($m).wrapping_add($k).rotate_left($s))
    };
}

/// Sixteen steps of one round: `$g(i)` picks the message word, `$s` are the round's four shifts.
macro_rules! round {
    ($fun:ident, $m:ident, $state:ident, $base:expr, $g:expr, $s:expr) => {{
        let [mut a, mut b, mut c, mut d] = $state;
        let mut i = 0;
        while i < 16 {
            step!($fun(b, c, d), a, b, c, d, $m[$g(i)], K[$base + i], $s[0]);
            step!($fun(a, b, c), d, a, b, c, $m[$g(i + 1)], K[$base + i + 1], $s[1]);
            step!($fun(d, a, b), c, d, a, b, $m[$g(i + 2)], K[$base + i + 2], $s[2]);
            step!($fun(c, d, a), b, c, d, a, $m[$g(i + 3)], K[$base + i + 3], $s[3]);
            i += 4;
        }
        $state = [a, b, c, d];
    }};
}

#[inline(always)]
fn f(b: u32, c: u32, d: u32) -> u32 {
    d ^ (b & (c ^ d))
}
#[inline(always)]
fn g(b: u32, c: u32, d: u32) -> u32 {
    c ^ (d & (b ^ c))
}
#[inline(always)]
fn h(b: u32, c: u32, d: u32) -> u32 {
    b ^ c ^ d
}
#[inline(always)]
fn i(b: u32, c: u32, d: u32) -> u32 {
    c ^ (b | !d)
}

/// The compression function over one 64-byte block, as sixteen little-endian words.
fn compress(state: &mut [u32; 4], m: &[u32; 16]) {
    let mut s = *state;
    round!(f, m, s, 0, |j: usize| j, [7, 12, 17, 22]);
    round!(g, m, s, 16, |j: usize| (5 * j + 1) % 16, [5, 9, 14, 20]);
    round!(h, m, s, 32, |j: usize| (3 * j + 5) % 16, [4, 11, 16, 23]);
    round!(i, m, s, 48, |j: usize| (7 * j) % 16, [6, 10, 15, 21]);
    for (x, y) in state.iter_mut().zip(s) {
        *x = x.wrapping_add(y);
    }
}

/// The words of a 64-byte block.
fn words(block: &[u8]) -> [u32; 16] {
    let mut m = [0u32; 16];
    for (w, b) in m.iter_mut().zip(block.chunks_exact(4)) {
        *w = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
    }
    m
}

/// The MD5 digest of `data`.
pub fn md5(data: &[u8]) -> [u8; 16] {
    let mut state = INIT;
    let mut blocks = data.chunks_exact(64);
    for block in &mut blocks {
        compress(&mut state, &words(block));
    }
    // The tail, a 1 bit, zeros, and the length in bits: one block, or two when the tail is 56 bytes or more.
    let tail = blocks.remainder();
    let mut last = [0u8; 128];
    last[..tail.len()].copy_from_slice(tail);
    last[tail.len()] = 0x80;
    let end = if tail.len() < 56 { 64 } else { 128 };
    last[end - 8..end].copy_from_slice(&((data.len() as u64).wrapping_mul(8)).to_le_bytes());
    for block in last[..end].chunks_exact(64) {
        compress(&mut state, &words(block));
    }
    let mut out = [0u8; 16];
    for (o, w) in out.chunks_exact_mut(4).zip(state) {
        o.copy_from_slice(&w.to_le_bytes());
    }
    out
}
