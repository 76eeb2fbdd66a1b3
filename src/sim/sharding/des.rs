//! DES encryption (FIPS 46-3) under the all-zero key, the one cipher
//! Vitess's `hash` vindex uses (`go/vt/vtgate/vindexes/hash.go`: a single
//! 8-byte block, ECB).
//!
//! The zero key makes every one of the sixteen round keys zero (permuted
//! choices and rotations of zero bits are zero), so a round is
//! `R ← L ⊕ P(S(E(R)))` and needs no key schedule. The S-boxes and P are
//! folded into four tables of 1,024 entries, one per pair of boxes, and the
//! initial and final permutations into byte-indexed tables, all built once
//! on first use (16 KB of rounds, 32 KB of permutations); the
//! result is checked against Vitess's own vectors and, for random blocks,
//! against a general DES implementation (`tests/sharding.rs`).

use std::sync::OnceLock;

/// The initial permutation: output bit `i` (1 = most significant) is input bit `IP[i − 1]`.
const IP: [u8; 64] = [
    58, 50, 42, 34, 26, 18, 10, 2, 60, 52, 44, 36, 28, 20, 12, 4, 62, 54, 46, 38, 30, 22, 14, 6, 64, 56, 48, 40, 32,
    24, 16, 8, 57, 49, 41, 33, 25, 17, 9, 1, 59, 51, 43, 35, 27, 19, 11, 3, 61, 53, 45, 37, 29, 21, 13, 5, 63, 55, 47,
    39, 31, 23, 15, 7,
];

/// The final permutation, the inverse of [`IP`].
const FP: [u8; 64] = [
    40, 8, 48, 16, 56, 24, 64, 32, 39, 7, 47, 15, 55, 23, 63, 31, 38, 6, 46, 14, 54, 22, 62, 30, 37, 5, 45, 13, 53, 21,
    61, 29, 36, 4, 44, 12, 52, 20, 60, 28, 35, 3, 43, 11, 51, 19, 59, 27, 34, 2, 42, 10, 50, 18, 58, 26, 33, 1, 41, 9,
    49, 17, 57, 25,
];

/// The permutation after the S-boxes.
const P: [u8; 32] = [
    16, 7, 20, 21, 29, 12, 28, 17, 1, 15, 23, 26, 5, 18, 31, 10, 2, 8, 24, 14, 32, 27, 3, 9, 19, 13, 30, 6, 22, 11, 4,
    25,
];

/// The eight S-boxes, each four rows of sixteen.
const S: [[u8; 64]; 8] = [
    [
        14, 4, 13, 1, 2, 15, 11, 8, 3, 10, 6, 12, 5, 9, 0, 7, 0, 15, 7, 4, 14, 2, 13, 1, 10, 6, 12, 11, 9, 5, 3, 8, 4,
        1, 14, 8, 13, 6, 2, 11, 15, 12, 9, 7, 3, 10, 5, 0, 15, 12, 8, 2, 4, 9, 1, 7, 5, 11, 3, 14, 10, 0, 6, 13,
    ],
    [
        15, 1, 8, 14, 6, 11, 3, 4, 9, 7, 2, 13, 12, 0, 5, 10, 3, 13, 4, 7, 15, 2, 8, 14, 12, 0, 1, 10, 6, 9, 11, 5, 0,
        14, 7, 11, 10, 4, 13, 1, 5, 8, 12, 6, 9, 3, 2, 15, 13, 8, 10, 1, 3, 15, 4, 2, 11, 6, 7, 12, 0, 5, 14, 9,
    ],
    [
        10, 0, 9, 14, 6, 3, 15, 5, 1, 13, 12, 7, 11, 4, 2, 8, 13, 7, 0, 9, 3, 4, 6, 10, 2, 8, 5, 14, 12, 11, 15, 1, 13,
        6, 4, 9, 8, 15, 3, 0, 11, 1, 2, 12, 5, 10, 14, 7, 1, 10, 13, 0, 6, 9, 8, 7, 4, 15, 14, 3, 11, 5, 2, 12,
    ],
    [
        7, 13, 14, 3, 0, 6, 9, 10, 1, 2, 8, 5, 11, 12, 4, 15, 13, 8, 11, 5, 6, 15, 0, 3, 4, 7, 2, 12, 1, 10, 14, 9, 10,
        6, 9, 0, 12, 11, 7, 13, 15, 1, 3, 14, 5, 2, 8, 4, 3, 15, 0, 6, 10, 1, 13, 8, 9, 4, 5, 11, 12, 7, 2, 14,
    ],
    [
        2, 12, 4, 1, 7, 10, 11, 6, 8, 5, 3, 15, 13, 0, 14, 9, 14, 11, 2, 12, 4, 7, 13, 1, 5, 0, 15, 10, 3, 9, 8, 6, 4,
        2, 1, 11, 10, 13, 7, 8, 15, 9, 12, 5, 6, 3, 0, 14, 11, 8, 12, 7, 1, 14, 2, 13, 6, 15, 0, 9, 10, 4, 5, 3,
    ],
    [
        12, 1, 10, 15, 9, 2, 6, 8, 0, 13, 3, 4, 14, 7, 5, 11, 10, 15, 4, 2, 7, 12, 9, 5, 6, 1, 13, 14, 0, 11, 3, 8, 9,
        14, 15, 5, 2, 8, 12, 3, 7, 0, 4, 10, 1, 13, 11, 6, 4, 3, 2, 12, 9, 5, 15, 10, 11, 14, 1, 7, 6, 0, 8, 13,
    ],
    [
        4, 11, 2, 14, 15, 0, 8, 13, 3, 12, 9, 7, 5, 10, 6, 1, 13, 0, 11, 7, 4, 9, 1, 10, 14, 3, 5, 12, 2, 15, 8, 6, 1,
        4, 11, 13, 12, 3, 7, 14, 10, 15, 6, 8, 0, 5, 9, 2, 6, 11, 13, 8, 1, 4, 10, 7, 9, 5, 0, 15, 14, 2, 3, 12,
    ],
    [
        13, 2, 8, 4, 6, 15, 11, 1, 10, 9, 3, 14, 5, 0, 12, 7, 1, 15, 13, 8, 10, 3, 7, 4, 12, 5, 6, 11, 0, 14, 9, 2, 7,
        11, 4, 1, 9, 12, 14, 2, 0, 6, 10, 13, 15, 3, 5, 8, 2, 1, 14, 7, 4, 10, 8, 13, 15, 12, 9, 0, 3, 5, 6, 11,
    ],
];

/// The permutations and rounds, folded into lookup tables.
struct Tables {
    /// `ip[b][v]`: the initial permutation of a block whose byte `b` is `v` and whose other bytes are zero.
    ip: [[u64; 256]; 8],
    fp: [[u64; 256]; 8],
    /// `sp[p][v]`: P applied to the outputs of S-boxes `2p` and `2p + 1`, in
    /// their places, for the ten bits `v` they read between them (their
    /// six-bit inputs overlap by two).
    sp: [[u32; 1024]; 4],
}

/// Output bit `i` (1 = most significant of `width`) is input bit `table[i − 1]`.
fn permute(x: u64, table: &[u8], width: u32) -> u64 {
    table.iter().fold(0, |out, &from| (out << 1) | ((x >> (width - u32::from(from))) & 1))
}

fn tables() -> &'static Tables {
    static TABLES: OnceLock<Box<Tables>> = OnceLock::new();
    TABLES.get_or_init(|| {
        let mut t = Box::new(Tables { ip: [[0; 256]; 8], fp: [[0; 256]; 8], sp: [[0; 1024]; 4] });
        for b in 0..8 {
            for v in 0..256u64 {
                let x = v << (56 - 8 * b);
                t.ip[b][v as usize] = permute(x, &IP, 64);
                t.fp[b][v as usize] = permute(x, &FP, 64);
            }
        }
        // One box: P of its output, in its place, for the six-bit input v.
        let one = |j: usize, v: usize| {
            // The outer bits choose the row, the inner four the column.
            let row = ((v >> 4) & 2) | (v & 1);
            let col = (v >> 1) & 0xf;
            permute(u64::from(S[j][row * 16 + col]) << (28 - 4 * j), &P, 32) as u32
        };
        for (p, pair) in t.sp.iter_mut().enumerate() {
            for (v, out) in pair.iter_mut().enumerate() {
                *out = one(2 * p, v >> 4) | one(2 * p + 1, v & 0x3f);
            }
        }
        t
    })
}

#[inline(always)]
fn permute_bytes(x: u64, t: &[[u64; 256]; 8]) -> u64 {
    let b = x.to_be_bytes().map(usize::from);
    t[0][b[0]] | t[1][b[1]] | t[2][b[2]] | t[3][b[3]] | t[4][b[4]] | t[5][b[5]] | t[6][b[6]] | t[7][b[7]]
}

/// The round function under a zero round key. The expansion E reads `r`
/// as a ring (its last bit before its first, its first after its last) in
/// eight overlapping groups of six, so a pair of boxes reads ten
/// consecutive bits of the ring: each pair's index is a shift or a
/// rotation of `r`. Written out, not folded over the pairs: it runs sixteen
/// times per block, millions of blocks per workload.
#[inline(always)]
fn f(r: u32, sp: &[[u32; 1024]; 4]) -> u32 {
    let ten = |x: u32| (x & 0x3ff) as usize;
    sp[0][ten(r.rotate_right(23))] | sp[1][ten(r >> 15)] | sp[2][ten(r >> 7)] | sp[3][ten(r.rotate_left(1))]
}

/// DES under the all-zero key of the 64-bit block `block` (big-endian).
pub fn encrypt_zero_key(block: u64) -> u64 {
    encrypt_with(tables(), block)
}

/// [`encrypt_zero_key`] of every block, in order, two blocks at a time:
/// their rounds interleaved, so one block's lookups proceed while the
/// other's wait.
pub fn encrypt_all_zero_key(blocks: &[u64]) -> Vec<u64> {
    let t = tables();
    let mut out = Vec::with_capacity(blocks.len());
    let mut pairs = blocks.chunks_exact(2);
    for p in &mut pairs {
        let (x, y) = (permute_bytes(p[0], &t.ip), permute_bytes(p[1], &t.ip));
        let (mut l, mut r, mut l2, mut r2) = ((x >> 32) as u32, x as u32, (y >> 32) as u32, y as u32);
        for _ in 0..16 {
            (l, r, l2, r2) = (r, l ^ f(r, &t.sp), r2, l2 ^ f(r2, &t.sp));
        }
        out.push(permute_bytes((u64::from(r) << 32) | u64::from(l), &t.fp));
        out.push(permute_bytes((u64::from(r2) << 32) | u64::from(l2), &t.fp));
    }
    out.extend(pairs.remainder().iter().map(|&b| encrypt_with(t, b)));
    out
}

fn encrypt_with(t: &Tables, block: u64) -> u64 {
    let x = permute_bytes(block, &t.ip);
    let (mut l, mut r) = ((x >> 32) as u32, x as u32);
    for _ in 0..16 {
        (l, r) = (r, l ^ f(r, &t.sp));
    }
    // The halves are swapped after the last round.
    permute_bytes((u64::from(r) << 32) | u64::from(l), &t.fp)
}
