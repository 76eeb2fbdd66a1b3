//! Scenarios in URLs: `?s=<base64url of the scenario's compact JSON>`, or,
//! when that is long, `?s=~<base64url of the JSON compressed by [`lz`]>`.
//!
//! base64url (RFC 4648 §5, no padding) keeps the link free of characters
//! that need escaping; `~` cannot start a base64url value, so it marks the
//! compressed form, and links of either form keep working. Decoding accepts
//! padding and reports what is wrong with a malformed link instead of
//! failing silently.

use super::{lz, Scenario};

/// The query parameter that carries a scenario.
pub const PARAM: &str = "s";

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
/// The longest encoded scenario accepted (1 MiB), so a pasted link cannot stall the page.
pub const MAX_ENCODED: usize = 1 << 20;
/// The longest scenario a compressed link may expand to (4 MiB).
pub const MAX_DECODED: usize = 4 << 20;
/// Scenarios shorter than this many bytes of JSON go into links as they are.
pub const COMPRESS_FROM: usize = 200;
/// The mark that starts a compressed scenario.
const COMPRESSED: char = '~';

/// Encodes bytes as unpadded base64url.
pub fn base64url_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = (u32::from(chunk[0]) << 16)
            | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8)
            | u32::from(*chunk.get(2).unwrap_or(&0));
        for i in 0..=chunk.len() {
            out.push(ALPHABET[(n >> (18 - 6 * i)) as usize & 63] as char);
        }
    }
    out
}

/// Decodes base64url, with or without `=` padding.
pub fn base64url_decode(text: &str) -> Result<Vec<u8>, String> {
    let text = text.trim_end_matches('=');
    if text.len() % 4 == 1 {
        return Err("the link's scenario is truncated (its length is not a whole number of bytes)".into());
    }
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for (i, c) in text.bytes().enumerate() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => return Err(format!("the link's scenario has an invalid character at position {}", i + 1)),
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Ok(out)
}

/// The value of the `s` parameter for a scenario: its JSON in base64url,
/// compressed when that makes a long link shorter.
pub fn encode(scenario: &Scenario) -> String {
    let json = scenario.to_json();
    if json.len() >= COMPRESS_FROM {
        let packed = lz::compress(json.as_bytes());
        // base64url's 4/3 applies to both forms, so the shorter bytes win (and the mark costs one).
        if packed.len() + 1 < json.len() {
            return format!("{COMPRESSED}{}", base64url_encode(&packed));
        }
    }
    base64url_encode(json.as_bytes())
}

/// Reads a scenario from the value of the `s` parameter.
pub fn decode(value: &str) -> Result<Scenario, String> {
    if value.len() > MAX_ENCODED {
        return Err(format!("the link's scenario is {} bytes; at most {MAX_ENCODED} are read", value.len()));
    }
    let bytes = match value.strip_prefix(COMPRESSED) {
        Some(packed) => lz::decompress(&base64url_decode(packed)?, MAX_DECODED)?,
        None => base64url_decode(value)?,
    };
    let text = String::from_utf8(bytes).map_err(|_| "the link's scenario is not valid text".to_string())?;
    Scenario::from_json(&text)
}

/// Reads a scenario for the widget `kind` from the value of the `s`
/// parameter; a scenario of another widget is refused.
pub fn decode_for(kind: &str, value: &str) -> Result<Scenario, String> {
    let s = decode(value)?;
    if s.widget() == kind {
        Ok(s)
    } else {
        Err(format!("it holds a {} scenario, not a {kind} one", s.widget()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::presets;

    #[test]
    fn long_scenarios_travel_compressed_and_short_ones_as_they_are() {
        for widget in crate::scenario::KINDS {
            let s = presets::named(widget, "default").unwrap();
            let json = s.to_json();
            let link = encode(&s);
            assert!(link.starts_with('~'), "{widget}: {} bytes of JSON", json.len());
            // At least an eighth shorter. Measured: 303 characters instead of 470 (rate
            // limiter), 720 instead of 1191 (circuit breaker), 304 instead of 723 (hash ring),
            // 319 instead of 380 (sharding), 292 instead of 340 (caching).
            let plain = base64url_encode(json.as_bytes()).len();
            assert!(link.len() * 8 <= plain * 7, "{widget}: {} characters instead of {plain}", link.len());
            assert_eq!(decode(&link).unwrap(), s);
            // The plain form still opens.
            assert_eq!(decode(&base64url_encode(json.as_bytes())).unwrap(), s);
        }
    }

    #[test]
    fn a_link_opens_only_its_own_widget() {
        let link = encode(&presets::named("hash-ring", "default").unwrap());
        assert!(decode_for("hash-ring", &link).is_ok());
        assert_eq!(decode_for("sharding", &link).unwrap_err(), "it holds a hash-ring scenario, not a sharding one");
    }

    #[test]
    fn a_damaged_compressed_link_names_the_damage() {
        let link = encode(&presets::named("hash-ring", "default").unwrap());
        let cut = &link[..link.len() / 2];
        let e = decode(cut).unwrap_err();
        assert!(e.contains("damaged") || e.contains("not a scenario") || e.contains("truncated"), "{e}");
        assert!(decode("~").unwrap_err().contains("not a scenario"));
        assert!(decode("~!!").unwrap_err().contains("invalid character"));
    }

    #[test]
    fn base64url_matches_rfc4648_vectors() {
        for (plain, enc) in [
            ("", ""),
            ("f", "Zg"),
            ("fo", "Zm8"),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg"),
            ("fooba", "Zm9vYmE"),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64url_encode(plain.as_bytes()), enc);
            assert_eq!(base64url_decode(enc).unwrap(), plain.as_bytes());
        }
        assert_eq!(base64url_encode(&[0xfb, 0xff]), "-_8");
        assert_eq!(base64url_decode("Zg==").unwrap(), b"f");
        assert!(base64url_decode("Z").unwrap_err().contains("truncated"));
        assert!(base64url_decode("Zm9v!A").unwrap_err().contains("position 5"));
    }
}
