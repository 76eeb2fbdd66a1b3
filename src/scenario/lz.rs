//! A small LZ77 codec for long links: scenario JSON repeats its field names
//! and values (`"algorithm":`, `"limit":`, node names), which back-references
//! shorten. DEFLATE would do better but costs tens of kilobytes of wasm, and
//! the browser's own `CompressionStream` is asynchronous; this one is a few
//! hundred lines of deterministic code that native builds, the CLI and the
//! browser run alike.
//!
//! The format, a sequence of tokens:
//!
//! * a control byte `c < 0x80`: a run of `c + 1` literal bytes follows;
//! * a control byte `c ≥ 0x80`: a copy of `(c & 0x7f) + 3` bytes starting
//!   `d` bytes back in the output, `d ≥ 1` following as an unsigned LEB128
//!   number. A copy may overlap its own output (`d` smaller than the length
//!   repeats the last `d` bytes).
//!
//! Decoding checks every token and caps the output, so a damaged or hostile
//! link gives a message, never a panic or a huge allocation.

/// The shortest copy worth a token.
const MIN_MATCH: usize = 3;
/// The longest copy one token holds.
const MAX_MATCH: usize = 0x7f + MIN_MATCH;
/// The longest literal run one token holds.
const MAX_LITERALS: usize = 0x80;
/// How far back a copy may reach.
const WINDOW: usize = 1 << 16;
/// Candidates tried per position: more finds longer copies, slower.
const CHAIN: usize = 32;
const HASH_BITS: u32 = 12;

fn hash3(b: &[u8]) -> usize {
    let v = u32::from(b[0]) | (u32::from(b[1]) << 8) | (u32::from(b[2]) << 16);
    (v.wrapping_mul(2_654_435_761) >> (32 - HASH_BITS)) as usize
}

fn flush_literals(out: &mut Vec<u8>, literals: &[u8]) {
    for run in literals.chunks(MAX_LITERALS) {
        out.push((run.len() - 1) as u8);
        out.extend_from_slice(run);
    }
}

/// Compresses `input`. The same input always gives the same bytes.
pub fn compress(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len() / 2 + 8);
    // head[h]: the latest position whose 3 bytes hash to h; prev[i]: the one before i.
    let mut head = vec![usize::MAX; 1 << HASH_BITS];
    let mut prev = vec![usize::MAX; input.len()];
    let insert = |head: &mut Vec<usize>, prev: &mut Vec<usize>, i: usize| {
        if i + MIN_MATCH <= input.len() {
            let h = hash3(&input[i..]);
            prev[i] = head[h];
            head[h] = i;
        }
    };
    let (mut i, mut literal_start) = (0, 0);
    while i < input.len() {
        let (mut best_len, mut best_dist) = (0, 0);
        if i + MIN_MATCH <= input.len() {
            let mut candidate = head[hash3(&input[i..])];
            let mut tries = 0;
            while candidate != usize::MAX && i - candidate <= WINDOW && tries < CHAIN {
                let limit = (input.len() - i).min(MAX_MATCH);
                let len = (0..limit).take_while(|&k| input[candidate + k] == input[i + k]).count();
                if len > best_len {
                    (best_len, best_dist) = (len, i - candidate);
                    if len == limit {
                        break;
                    }
                }
                candidate = prev[candidate];
                tries += 1;
            }
        }
        if best_len >= MIN_MATCH {
            flush_literals(&mut out, &input[literal_start..i]);
            out.push(0x80 | (best_len - MIN_MATCH) as u8);
            let mut d = best_dist;
            loop {
                let byte = (d & 0x7f) as u8;
                d >>= 7;
                if d == 0 {
                    out.push(byte);
                    break;
                }
                out.push(byte | 0x80);
            }
            for k in i..i + best_len {
                insert(&mut head, &mut prev, k);
            }
            i += best_len;
            literal_start = i;
        } else {
            insert(&mut head, &mut prev, i);
            i += 1;
        }
    }
    flush_literals(&mut out, &input[literal_start..]);
    out
}

/// Decompresses what [`compress`] wrote, refusing anything longer than `max` bytes.
pub fn decompress(input: &[u8], max: usize) -> Result<Vec<u8>, String> {
    let damaged = |what: &str| format!("the link's compressed scenario is damaged ({what})");
    let mut out: Vec<u8> = Vec::with_capacity(input.len().saturating_mul(3).min(max));
    let mut i = 0;
    while i < input.len() {
        let c = input[i];
        i += 1;
        if c < 0x80 {
            let n = usize::from(c) + 1;
            let run = input.get(i..i + n).ok_or_else(|| damaged("a literal run is cut short"))?;
            if out.len() + n > max {
                return Err(format!("the link's scenario is over {max} bytes once expanded"));
            }
            out.extend_from_slice(run);
            i += n;
        } else {
            let len = usize::from(c & 0x7f) + MIN_MATCH;
            let (mut d, mut shift) = (0usize, 0u32);
            loop {
                let byte = *input.get(i).ok_or_else(|| damaged("a copy's distance is cut short"))?;
                i += 1;
                if shift > 21 {
                    return Err(damaged("a copy reaches too far back"));
                }
                d |= usize::from(byte & 0x7f) << shift;
                shift += 7;
                if byte & 0x80 == 0 {
                    break;
                }
            }
            if d == 0 || d > out.len() {
                return Err(damaged("a copy reaches before the start"));
            }
            if out.len() + len > max {
                return Err(format!("the link's scenario is over {max} bytes once expanded"));
            }
            let start = out.len() - d;
            for k in 0..len {
                out.push(out[start + k]);
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_shrinks_repetitive_text() {
        let text = br#"{"limiters":[{"algorithm":"gcra","limit":5},{"algorithm":"token-bucket","limit":5},{"algorithm":"fixed-window","limit":5}]}"#;
        let packed = compress(text);
        assert!(packed.len() < text.len() * 3 / 4, "{} of {}", packed.len(), text.len());
        assert_eq!(decompress(&packed, 1 << 20).unwrap(), text);
        for input in [&b""[..], b"a", b"ab", b"abc", b"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", &[0u8; 1000][..]] {
            assert_eq!(decompress(&compress(input), 1 << 20).unwrap(), input);
        }
    }

    #[test]
    fn the_format_is_as_documented() {
        // "abcabcabc": three literals, then a 6-byte copy from 3 back, overlapping itself.
        assert_eq!(compress(b"abcabcabc"), [2, b'a', b'b', b'c', 0x80 | 3, 3]);
        assert_eq!(decompress(&[2, b'a', b'b', b'c', 0x80 | 3, 3], 100).unwrap(), b"abcabcabc");
        // A distance of 300 takes two LEB128 bytes.
        let mut long = vec![b'x'; 2];
        long.extend((0..300u32).map(|i| (i % 251) as u8));
        long.extend_from_within(2..6);
        let packed = compress(&long);
        assert_eq!(decompress(&packed, 1 << 20).unwrap(), long);
    }

    #[test]
    fn damaged_input_is_refused() {
        assert!(decompress(&[5, b'a'], 100).unwrap_err().contains("cut short"));
        assert!(decompress(&[0x80], 100).unwrap_err().contains("cut short"));
        assert!(decompress(&[0, b'a', 0x80, 2], 100).unwrap_err().contains("before the start"));
        assert!(decompress(&[0, b'a', 0x80, 0], 100).unwrap_err().contains("before the start"));
        assert!(decompress(&[0, b'a', 0x80, 0xff, 0xff, 0xff, 0xff, 0x01], 100).unwrap_err().contains("too far"));
        // A bomb: one byte repeated by copies far past the cap.
        let mut bomb = vec![0, b'a'];
        for _ in 0..1000 {
            bomb.extend_from_slice(&[0xff, 1]);
        }
        assert!(decompress(&bomb, 10_000).unwrap_err().contains("over 10000 bytes"));
    }
}
