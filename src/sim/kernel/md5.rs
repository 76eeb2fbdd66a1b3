//! MD5 (RFC 1321), the digest libketama and MongoDB's hashed shard keys
//! both place keys by.
//!
//! The engines hash short messages (a key's decimal text, a 16-byte BSON
//! value) millions of times per workload, so the digest is one function
//! over stack buffers, with no streaming state or allocation, and
//! [`md5_short_x8`] digests eight short messages at once. The steps are
//! written once, over eight lanes of words (two wasm SIMD vectors where the
//! build has SIMD, their step chains interleaved so that one's latency
//! hides the other's; eight `u32`s, which native compilers vectorise,
//! elsewhere). Lanes never mix, so each lane's digest is that message's
//! own. A single message runs in one `u32` natively and, in the wasm, in
//! all eight lanes, which keeps one copy of the steps in the bundle.

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

/// The 32-bit operations MD5 is made of, on one word or on lanes of words.
trait Word: Copy {
    fn splat(x: u32) -> Self;
    fn add(self, o: Self) -> Self;
    fn xor(self, o: Self) -> Self;
    fn and(self, o: Self) -> Self;
    fn or_not(self, o: Self) -> Self;
    fn rotl<const S: u32>(self) -> Self;
}

#[cfg(not(target_arch = "wasm32"))]
impl Word for u32 {
    #[inline(always)]
    fn splat(x: u32) -> u32 {
        x
    }
    #[inline(always)]
    fn add(self, o: u32) -> u32 {
        self.wrapping_add(o)
    }
    #[inline(always)]
    fn xor(self, o: u32) -> u32 {
        self ^ o
    }
    #[inline(always)]
    fn and(self, o: u32) -> u32 {
        self & o
    }
    #[inline(always)]
    fn or_not(self, o: u32) -> u32 {
        self | !o
    }
    #[inline(always)]
    fn rotl<const S: u32>(self) -> u32 {
        self.rotate_left(S)
    }
}

/// Four lanes of words, one per message.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
type X4 = core::arch::wasm32::v128;

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
impl Word for X4 {
    #[inline(always)]
    fn splat(x: u32) -> X4 {
        core::arch::wasm32::u32x4_splat(x)
    }
    #[inline(always)]
    fn add(self, o: X4) -> X4 {
        core::arch::wasm32::u32x4_add(self, o)
    }
    #[inline(always)]
    fn xor(self, o: X4) -> X4 {
        core::arch::wasm32::v128_xor(self, o)
    }
    #[inline(always)]
    fn and(self, o: X4) -> X4 {
        core::arch::wasm32::v128_and(self, o)
    }
    #[inline(always)]
    fn or_not(self, o: X4) -> X4 {
        core::arch::wasm32::v128_or(self, core::arch::wasm32::v128_not(o))
    }
    #[inline(always)]
    fn rotl<const S: u32>(self) -> X4 {
        use core::arch::wasm32::{u32x4_shl, u32x4_shr, v128_or};
        v128_or(u32x4_shl(self, S), u32x4_shr(self, 32 - S))
    }
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
fn lanes(w: [u32; 4]) -> X4 {
    core::arch::wasm32::u32x4(w[0], w[1], w[2], w[3])
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
fn unlanes(x: X4) -> [u32; 4] {
    use core::arch::wasm32::u32x4_extract_lane;
    [u32x4_extract_lane::<0>(x), u32x4_extract_lane::<1>(x), u32x4_extract_lane::<2>(x), u32x4_extract_lane::<3>(x)]
}

/// Four lanes of words, one per message.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
#[derive(Clone, Copy)]
struct X4([u32; 4]);

#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
impl Word for X4 {
    #[inline(always)]
    fn splat(x: u32) -> X4 {
        X4([x; 4])
    }
    #[inline(always)]
    fn add(self, o: X4) -> X4 {
        X4(std::array::from_fn(|i| self.0[i].wrapping_add(o.0[i])))
    }
    #[inline(always)]
    fn xor(self, o: X4) -> X4 {
        X4(std::array::from_fn(|i| self.0[i] ^ o.0[i]))
    }
    #[inline(always)]
    fn and(self, o: X4) -> X4 {
        X4(std::array::from_fn(|i| self.0[i] & o.0[i]))
    }
    #[inline(always)]
    fn or_not(self, o: X4) -> X4 {
        X4(std::array::from_fn(|i| self.0[i] | !o.0[i]))
    }
    #[inline(always)]
    fn rotl<const S: u32>(self) -> X4 {
        X4(self.0.map(|x| x.rotate_left(S)))
    }
}

#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
fn lanes(w: [u32; 4]) -> X4 {
    X4(w)
}

#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
fn unlanes(x: X4) -> [u32; 4] {
    x.0
}

/// Eight lanes: two groups of four, stepped together.
#[derive(Clone, Copy)]
struct X8(X4, X4);

impl Word for X8 {
    #[inline(always)]
    fn splat(x: u32) -> X8 {
        X8(X4::splat(x), X4::splat(x))
    }
    #[inline(always)]
    fn add(self, o: X8) -> X8 {
        X8(self.0.add(o.0), self.1.add(o.1))
    }
    #[inline(always)]
    fn xor(self, o: X8) -> X8 {
        X8(self.0.xor(o.0), self.1.xor(o.1))
    }
    #[inline(always)]
    fn and(self, o: X8) -> X8 {
        X8(self.0.and(o.0), self.1.and(o.1))
    }
    #[inline(always)]
    fn or_not(self, o: X8) -> X8 {
        X8(self.0.or_not(o.0), self.1.or_not(o.1))
    }
    #[inline(always)]
    fn rotl<const S: u32>(self) -> X8 {
        X8(self.0.rotl::<S>(), self.1.rotl::<S>())
    }
}

/// One step: `a ← b + ((a + fun(b, c, d) + M[g] + K[i]) <<< s)`.
macro_rules! step {
    ($fun:ident, $a:ident, $b:ident, $c:ident, $d:ident, $m:expr, $i:expr, $s:literal) => {
        $a = $b.add($a.add($fun($b, $c, $d)).add($m).add(W::splat(K[$i])).rotl::<$s>())
    };
}

/// Sixteen steps of one round: `$g(i)` picks the message word of step
/// `i`, the four literals are the round's shifts. Four steps per turn of
/// the loop, so the variables' roles rotate back each turn.
macro_rules! round {
    ($fun:ident, $m:ident, $state:ident, $base:literal, $g:expr, $s0:literal, $s1:literal, $s2:literal, $s3:literal) => {{
        let [mut a, mut b, mut c, mut d] = $state;
        let mut i = 0;
        while i < 16 {
            step!($fun, a, b, c, d, $m[$g(i)], $base + i, $s0);
            step!($fun, d, a, b, c, $m[$g(i + 1)], $base + i + 1, $s1);
            step!($fun, c, d, a, b, $m[$g(i + 2)], $base + i + 2, $s2);
            step!($fun, b, c, d, a, $m[$g(i + 3)], $base + i + 3, $s3);
            i += 4;
        }
        $state = [a, b, c, d];
    }};
}

#[inline(always)]
fn f<W: Word>(b: W, c: W, d: W) -> W {
    d.xor(b.and(c.xor(d)))
}
#[inline(always)]
fn g<W: Word>(b: W, c: W, d: W) -> W {
    c.xor(d.and(b.xor(c)))
}
#[inline(always)]
fn h<W: Word>(b: W, c: W, d: W) -> W {
    b.xor(c).xor(d)
}
#[inline(always)]
fn i<W: Word>(b: W, c: W, d: W) -> W {
    c.xor(b.or_not(d))
}

/// The compression function over one 64-byte block, as sixteen little-endian words.
#[inline(always)]
fn compress<W: Word>(state: &mut [W; 4], m: &[W; 16]) {
    let mut s = *state;
    round!(f, m, s, 0, |j: usize| j, 7, 12, 17, 22);
    round!(g, m, s, 16, |j: usize| (5 * j + 1) % 16, 5, 9, 14, 20);
    round!(h, m, s, 32, |j: usize| (3 * j + 5) % 16, 4, 11, 16, 23);
    round!(i, m, s, 48, |j: usize| (7 * j) % 16, 6, 10, 15, 21);
    for (x, y) in state.iter_mut().zip(s) {
        *x = x.add(y);
    }
}

/// Eight messages' compression: the one copy of the steps over
/// [`X8`], which the single-message path shares in the wasm.
#[inline(never)]
fn compress8(state: &mut [X8; 4], m: &[X8; 16]) {
    compress(state, m)
}

/// One message's compression.
#[cfg(not(target_arch = "wasm32"))]
fn compress1(state: &mut [u32; 4], m: &[u32; 16]) {
    compress(state, m)
}

/// One message's compression, in the lanes of [`X8`] (all eight computing
/// the same): one copy of the steps in the wasm, not two.
#[cfg(target_arch = "wasm32")]
fn compress1(state: &mut [u32; 4], m: &[u32; 16]) {
    let mut lanes = state.map(X8::splat);
    compress8(&mut lanes, &m.map(X8::splat));
    *state = lanes.map(|w| unlanes(w.0)[0]);
}

/// The words of a 64-byte block.
fn words(block: &[u8; 64]) -> [u32; 16] {
    std::array::from_fn(|j| u32::from_le_bytes([block[4 * j], block[4 * j + 1], block[4 * j + 2], block[4 * j + 3]]))
}

fn digest_bytes(state: [u32; 4]) -> [u8; 16] {
    let mut out = [0u8; 16];
    for (o, w) in out.chunks_exact_mut(4).zip(state) {
        o.copy_from_slice(&w.to_le_bytes());
    }
    out
}

/// The MD5 digest of `data`.
pub fn md5(data: &[u8]) -> [u8; 16] {
    let mut state = INIT;
    let (blocks, tail) = data.as_chunks::<64>();
    for block in blocks {
        compress1(&mut state, &words(block));
    }
    let (last, n) = padded(tail, data.len() as u64);
    for block in &last[..n] {
        compress1(&mut state, &words(block));
    }
    digest_bytes(state)
}

/// The last blocks of a message of `len` bytes whose final `tail` bytes
/// (fewer than 64) are given: the tail, a 1 bit, zeros and the length in
/// bits, in one block, or two when the tail is 56 bytes or more.
fn padded(tail: &[u8], len: u64) -> ([[u8; 64]; 2], usize) {
    let mut last = [[0u8; 64]; 2];
    let flat = last.as_flattened_mut();
    flat[..tail.len()].copy_from_slice(tail);
    flat[tail.len()] = 0x80;
    let end = if tail.len() < 56 { 64 } else { 128 };
    flat[end - 8..end].copy_from_slice(&len.wrapping_mul(8).to_le_bytes());
    (last, end / 64)
}

/// The longest message [`md5_short_x8`] takes: one block less its padding.
pub const SHORT: usize = 55;

/// The padded block of a message of at most [`SHORT`] bytes, as words.
fn short_block(msg: &[u8]) -> [u32; 16] {
    words(&padded(msg, msg.len() as u64).0[0])
}

/// The MD5 digests of eight messages of at most [`SHORT`] bytes each
/// (a longer one is digested on its own), computed side by side.
pub fn md5_short_x8(msgs: [&[u8]; 8]) -> [[u8; 16]; 8] {
    if msgs.iter().any(|m| m.len() > SHORT) {
        return msgs.map(md5);
    }
    md5_blocks_x8(&msgs.map(short_block)).map(digest_bytes)
}

/// The MD5 states (`A`, `B`, `C`, `D`; the digest is their little-endian
/// bytes) of eight one-block messages, each given as its padded block's
/// sixteen words: callers that know a message's words build them directly.
pub fn md5_blocks_x8(blocks: &[[u32; 16]; 8]) -> [[u32; 4]; 8] {
    let group = |g: usize, j: usize| lanes([blocks[g][j], blocks[g + 1][j], blocks[g + 2][j], blocks[g + 3][j]]);
    let m: [X8; 16] = std::array::from_fn(|j| X8(group(0, j), group(4, j)));
    let mut state = INIT.map(X8::splat);
    compress8(&mut state, &m);
    let words = state.map(|w| [unlanes(w.0), unlanes(w.1)]);
    std::array::from_fn(|lane| std::array::from_fn(|i| words[i][lane / 4][lane % 4]))
}
