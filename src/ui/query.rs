//! Query strings, read and rewritten: pure, and tested natively. A widget
//! page keeps its scenario in `?s=`; an embed takes `?theme=` too.

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Decodes `%XX` escapes and `+` (as in query strings, a space); invalid
/// escapes are kept as they are, invalid UTF-8 is replaced.
pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' if i + 2 < b.len() => match (hex(b[i + 1]), hex(b[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b'+' => out.push(b' '),
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The value of `name` in a query string (`?a=1&b=2` or `a=1&b=2`).
pub fn query_param(query: &str, name: &str) -> Option<String> {
    query.trim_start_matches('?').split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (percent_decode(k) == name).then(|| percent_decode(v))
    })
}

/// `query` (with or without `?`) with parameter `name` set to `value` (already
/// URL-safe), or removed when `value` is `None`; other parameters keep their order.
pub fn with_query_param(query: &str, name: &str, value: Option<&str>) -> String {
    let mut pairs: Vec<String> = query
        .trim_start_matches('?')
        .split('&')
        .filter(|p| !p.is_empty() && p.split('=').next().map(percent_decode).as_deref() != Some(name))
        .map(String::from)
        .collect();
    if let Some(v) = value {
        pairs.push(format!("{name}={v}"));
    }
    if pairs.is_empty() {
        String::new()
    } else {
        format!("?{}", pairs.join("&"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_params() {
        assert_eq!(query_param("?s=abc&theme=dark", "theme").as_deref(), Some("dark"));
        assert_eq!(query_param("s=a%2Bb+c", "s").as_deref(), Some("a+b c"));
        assert_eq!(query_param("?flag", "flag").as_deref(), Some(""));
        assert_eq!(query_param("?s=1", "t"), None);
        assert_eq!(query_param("", "s"), None);
    }

    #[test]
    fn query_params_are_replaced_in_place() {
        assert_eq!(with_query_param("?theme=dark&s=old", "s", Some("new")), "?theme=dark&s=new");
        assert_eq!(with_query_param("", "s", Some("v")), "?s=v");
        assert_eq!(with_query_param("?s=1", "s", None), "");
        assert_eq!(with_query_param("?a=1&s=2&b", "s", None), "?a=1&b");
    }

    #[test]
    fn percent_decoding_keeps_bad_escapes() {
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
        assert_eq!(percent_decode("%E2%9C%93"), "✓");
        assert_eq!(percent_decode("%FF"), "\u{fffd}");
    }
}
