//! Scenarios in URLs: `?s=<base64url of the scenario's compact JSON>`.
//!
//! base64url (RFC 4648 §5, no padding) keeps the link free of characters
//! that need escaping. Decoding accepts padding and reports what is wrong
//! with a malformed link instead of failing silently.

use super::Scenario;

/// The query parameter that carries a scenario.
pub const PARAM: &str = "s";

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
/// The longest encoded scenario accepted (1 MiB), so a pasted link cannot stall the page.
pub const MAX_ENCODED: usize = 1 << 20;

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

/// The value of the `s` parameter for a scenario.
pub fn encode(scenario: &Scenario) -> String {
    base64url_encode(scenario.to_json().as_bytes())
}

/// Reads a scenario from the value of the `s` parameter.
pub fn decode(value: &str) -> Result<Scenario, String> {
    if value.len() > MAX_ENCODED {
        return Err(format!("the link's scenario is {} bytes; at most {MAX_ENCODED} are read", value.len()));
    }
    let bytes = base64url_decode(value)?;
    let text = String::from_utf8(bytes).map_err(|_| "the link's scenario is not valid text".to_string())?;
    Scenario::from_json(&text)
}

#[cfg(test)]
mod tests {
    use super::*;

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
