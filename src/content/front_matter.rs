//! Article front matter: the flat `key: value` header between `---` lines.
//!
//! Shared by the build script (which refuses to build a broken article) and
//! the crate's tests, so it depends on nothing but `std`.

/// The front matter every article must have.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FrontMatter {
    pub title: String,
    pub summary: String,
    pub category: String,
    pub difficulty: String,
    pub related: Vec<String>,
    pub widgets: Vec<String>,
}

/// Accepted values of `difficulty`.
pub const DIFFICULTIES: [&str; 3] = ["beginner", "intermediate", "advanced"];
const KEYS: [&str; 6] = ["title", "summary", "category", "difficulty", "related", "widgets"];

/// Splits a Markdown document into its front matter and body, parsing the
/// front matter. The body is everything after the closing `---` line.
pub fn split(doc: &str) -> Result<(FrontMatter, &str), String> {
    let rest = doc
        .strip_prefix("---\n")
        .or_else(|| doc.strip_prefix("---\r\n"))
        .ok_or("the article must start with a `---` front matter line")?;
    let end = rest.find("\n---").ok_or("the front matter has no closing `---` line")?;
    let header = &rest[..end];
    let body = rest[end + 4..].trim_start_matches(['\r', '\n']);
    Ok((parse(header)?, body))
}

fn list(line: usize, key: &str, value: &str) -> Result<Vec<String>, String> {
    let inner = value
        .strip_prefix('[')
        .and_then(|v| v.strip_suffix(']'))
        .ok_or_else(|| format!("front matter line {line}: `{key}` must be a list like [a, b]"))?;
    Ok(inner.split(',').map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect())
}

/// Parses the lines between the `---` markers.
pub fn parse(header: &str) -> Result<FrontMatter, String> {
    let mut fields: Vec<(&str, String, usize)> = Vec::new();
    for (i, raw) in header.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (key, value) =
            line.split_once(':').ok_or_else(|| format!("front matter line {}: expected `key: value`", i + 1))?;
        let key = key.trim();
        if !KEYS.contains(&key) {
            return Err(format!("front matter line {}: unknown key `{key}`; keys: {}", i + 1, KEYS.join(", ")));
        }
        if fields.iter().any(|(k, _, _)| *k == key) {
            return Err(format!("front matter line {}: `{key}` is given twice", i + 1));
        }
        fields.push((key, value.trim().to_string(), i + 1));
    }
    let take = |key: &str| -> Result<(String, usize), String> {
        fields
            .iter()
            .find(|(k, _, _)| *k == key)
            .map(|(_, v, l)| (v.clone(), *l))
            .ok_or_else(|| format!("front matter: `{key}` is missing"))
    };
    let text = |key: &str| -> Result<String, String> {
        let (v, line) = take(key)?;
        if v.is_empty() {
            return Err(format!("front matter line {line}: `{key}` is empty"));
        }
        Ok(v)
    };
    let difficulty = text("difficulty")?;
    if !DIFFICULTIES.contains(&difficulty.as_str()) {
        return Err(format!("front matter: difficulty must be one of {}, not `{difficulty}`", DIFFICULTIES.join(", ")));
    }
    let (related, rl) = take("related")?;
    let (widgets, wl) = take("widgets")?;
    Ok(FrontMatter {
        title: text("title")?,
        summary: text("summary")?,
        category: text("category")?,
        difficulty,
        related: list(rl, "related", &related)?,
        widgets: list(wl, "widgets", &widgets)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str =
        "---\ntitle: T\nsummary: S\ncategory: C\ndifficulty: beginner\nrelated: [a, b]\nwidgets: []\n---\n\nBody\n";

    #[test]
    fn parses_a_complete_header() {
        let (fm, body) = split(GOOD).unwrap();
        assert_eq!(fm.title, "T");
        assert_eq!(fm.related, vec!["a", "b"]);
        assert!(fm.widgets.is_empty());
        assert_eq!(body, "Body\n");
    }

    #[test]
    fn reports_each_mistake() {
        assert!(split("title: x").unwrap_err().contains("must start"));
        assert!(split("---\ntitle: x\n").unwrap_err().contains("closing"));
        assert_eq!(split(&GOOD.replace("title: T\n", "")).unwrap_err(), "front matter: `title` is missing");
        assert!(split(&GOOD.replace("beginner", "easy")).unwrap_err().contains("difficulty must be one of"));
        assert!(split(&GOOD.replace("[a, b]", "a, b")).unwrap_err().contains("must be a list"));
        assert!(split(&GOOD.replace("widgets", "gadgets")).unwrap_err().contains("unknown key `gadgets`"));
        assert!(split(&GOOD.replace("summary: S", "summary:")).unwrap_err().contains("`summary` is empty"));
    }
}
