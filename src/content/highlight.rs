//! Syntax highlighting of an article's code blocks, at build time: the
//! build script turns each fenced block into `<pre><code>` with its tokens
//! in `<span class="tk-…">` (keyword or directive `tk-k`, key or property
//! `tk-p`, string `tk-s`, number `tk-n`, comment `tk-c`), so no highlighter
//! ships in the wasm or the page. It knows the languages the articles show
//! production configuration and code in; a block in any other language is
//! a build error, so that every block is highlighted.
//!
//! Shared by the build script and the crate's tests: it depends on nothing
//! but `std`.

/// The languages a fenced block may name, besides `text` (shown as it is).
pub const LANGUAGES: [&str; 13] =
    ["nginx", "conf", "yaml", "properties", "toml", "json", "java", "rust", "go", "sql", "sh", "python", "lua"];

/// How a language's tokens look.
struct Syntax {
    /// Starts a comment that runs to the end of the line.
    line_comment: &'static [&'static str],
    /// Has `/* … */` comments.
    block_comment: bool,
    /// Quotes that open a string.
    quotes: &'static [char],
    /// Words shown as keywords (matched case-insensitively for SQL).
    keywords: &'static [&'static str],
    /// A line's first word is a directive (nginx, redis.conf).
    directives: bool,
    /// The text before a line's first `:` or `=` is a key (YAML, properties, TOML).
    keys: Option<&'static [char]>,
    case_insensitive: bool,
}

fn syntax(lang: &str) -> Option<Syntax> {
    let plain = Syntax {
        line_comment: &["#"],
        block_comment: false,
        quotes: &['"', '\''],
        keywords: &[],
        directives: false,
        keys: None,
        case_insensitive: false,
    };
    Some(match lang {
        "nginx" | "conf" => Syntax { directives: true, ..plain },
        "yaml" => Syntax { keys: Some(&[':']), keywords: &["true", "false", "null"], ..plain },
        "properties" => Syntax { keys: Some(&['=', ':']), ..plain },
        "toml" => Syntax { keys: Some(&['=']), keywords: &["true", "false"], ..plain },
        "json" => Syntax { line_comment: &[], quotes: &['"'], keywords: &["true", "false", "null"], ..plain },
        "java" => Syntax {
            line_comment: &["//"],
            block_comment: true,
            quotes: &['"'],
            keywords: &[
                "public",
                "private",
                "protected",
                "static",
                "final",
                "class",
                "interface",
                "new",
                "return",
                "void",
                "import",
                "package",
                "if",
                "else",
                "for",
                "while",
                "try",
                "catch",
                "throw",
                "throws",
                "true",
                "false",
                "null",
                "var",
                "int",
                "long",
                "double",
                "boolean",
            ],
            ..plain
        },
        "rust" => Syntax {
            line_comment: &["//"],
            block_comment: true,
            quotes: &['"'],
            keywords: &[
                "let", "mut", "fn", "pub", "use", "struct", "enum", "impl", "match", "if", "else", "for", "in",
                "while", "loop", "return", "move", "async", "await", "true", "false", "Some", "None", "Ok", "Err",
            ],
            ..plain
        },
        "go" => Syntax {
            line_comment: &["//"],
            block_comment: true,
            quotes: &['"', '`'],
            keywords: &[
                "func", "var", "const", "type", "struct", "return", "if", "else", "for", "range", "go", "defer",
                "package", "import", "nil", "true", "false",
            ],
            ..plain
        },
        "sql" => Syntax {
            line_comment: &["--"],
            block_comment: true,
            quotes: &['\''],
            keywords: &[
                "select",
                "from",
                "where",
                "and",
                "or",
                "not",
                "insert",
                "into",
                "values",
                "update",
                "set",
                "delete",
                "create",
                "table",
                "index",
                "primary",
                "key",
                "on",
                "join",
                "group",
                "by",
                "order",
                "limit",
                "as",
                "distributed",
                "shard",
                "alter",
                "null",
            ],
            case_insensitive: true,
            ..plain
        },
        "sh" => Syntax { keywords: &["export", "if", "then", "fi", "for", "do", "done"], ..plain },
        "python" => Syntax {
            keywords: &[
                "def", "return", "import", "from", "class", "if", "elif", "else", "for", "in", "while", "with", "as",
                "True", "False", "None", "and", "or", "not", "lambda",
            ],
            ..plain
        },
        "lua" => Syntax {
            line_comment: &["--"],
            keywords: &[
                "local", "function", "return", "if", "then", "else", "elseif", "end", "for", "do", "while", "nil",
                "true", "false", "and", "or", "not",
            ],
            ..plain
        },
        _ => return None,
    })
}

/// `text` with `<`, `>`, `&` and `"` escaped (the diagrams use it too).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

fn span(out: &mut String, class: &str, text: &str) {
    if text.is_empty() {
        return;
    }
    out.push_str("<span class=\"tk-");
    out.push_str(class);
    out.push_str("\">");
    out.push_str(&escape(text));
    out.push_str("</span>");
}

/// A fenced block as HTML: `<pre><code class="language-…">` with its tokens
/// marked, or `Err` naming the languages known when `lang` is not one of
/// them (`text` and an empty name show the code as it is).
pub fn block(lang: &str, code: &str) -> Result<String, String> {
    let lang = lang.trim();
    let body = if lang.is_empty() || lang == "text" {
        escape(code)
    } else {
        let syntax = syntax(lang)
            .ok_or_else(|| format!("unknown code language `{lang}`; known: text, {}", LANGUAGES.join(", ")))?;
        let mut out = String::with_capacity(code.len() * 2);
        let mut in_block_comment = false;
        for line in code.split_inclusive('\n') {
            highlight_line(&syntax, line, &mut in_block_comment, &mut out);
        }
        out
    };
    let class = if lang.is_empty() { String::new() } else { format!(" class=\"language-{}\"", escape(lang)) };
    Ok(format!("<pre><code{class}>{body}</code></pre>\n"))
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$' || c == '.' || c == '-'
}

fn highlight_line(syntax: &Syntax, line: &str, in_block_comment: &mut bool, out: &mut String) {
    let mut rest = line;
    // A block comment carried over from an earlier line.
    if *in_block_comment {
        match rest.find("*/") {
            Some(end) => {
                span(out, "c", &rest[..end + 2]);
                rest = &rest[end + 2..];
                *in_block_comment = false;
            }
            None => {
                span(out, "c", rest.trim_end_matches('\n'));
                if rest.ends_with('\n') {
                    out.push('\n');
                }
                return;
            }
        }
    }
    // A key before the line's first separator, or a directive as its first word.
    let indent = rest.len() - rest.trim_start().len();
    let trimmed = &rest[indent..];
    let starts_comment = syntax.line_comment.iter().any(|m| trimmed.starts_with(m));
    if !starts_comment {
        if let Some(seps) = syntax.keys {
            let list = usize::from(trimmed.starts_with("- "));
            let body = &trimmed[list * 2..];
            if let Some(at) = body.find(seps) {
                let key = &body[..at];
                if (!key.is_empty() && !key.contains(['"', '\'', ' ']))
                    || (key.len() > 1 && key.starts_with('"') && key.ends_with('"'))
                {
                    out.push_str(&escape(&rest[..indent + list * 2]));
                    span(out, "p", key);
                    rest = &body[at..];
                }
            }
        } else if syntax.directives {
            let end = trimmed.find(|c: char| !is_word(c)).unwrap_or(trimmed.len());
            if end > 0 {
                out.push_str(&escape(&rest[..indent]));
                span(out, "k", &trimmed[..end]);
                rest = &trimmed[end..];
            }
        }
    }
    let mut chars = rest.char_indices().peekable();
    let mut plain_from = 0;
    let flush = |out: &mut String, from: usize, to: usize| out.push_str(&escape(&rest[from..to]));
    while let Some((i, c)) = chars.next() {
        let tail = &rest[i..];
        if syntax.line_comment.iter().any(|m| tail.starts_with(m))
            && (i == 0 || rest[..i].ends_with([' ', '\t', ';', ',']))
        {
            flush(out, plain_from, i);
            let text = tail.trim_end_matches('\n');
            span(out, "c", text);
            plain_from = i + text.len();
            break;
        }
        if syntax.block_comment && tail.starts_with("/*") {
            flush(out, plain_from, i);
            match tail[2..].find("*/") {
                Some(end) => {
                    span(out, "c", &tail[..end + 4]);
                    plain_from = i + end + 4;
                    while chars.peek().is_some_and(|(j, _)| *j < plain_from) {
                        chars.next();
                    }
                }
                None => {
                    let text = tail.trim_end_matches('\n');
                    span(out, "c", text);
                    plain_from = i + text.len();
                    *in_block_comment = true;
                    break;
                }
            }
            continue;
        }
        if syntax.quotes.contains(&c) {
            flush(out, plain_from, i);
            let mut end = rest.len();
            let mut escaped = false;
            for (j, d) in rest[i + c.len_utf8()..].char_indices() {
                if d == '\n' {
                    end = i + c.len_utf8() + j;
                    break;
                }
                if d == c && !escaped {
                    end = i + c.len_utf8() + j + d.len_utf8();
                    break;
                }
                escaped = d == '\\' && !escaped;
            }
            let text = &rest[i..end];
            // A JSON key: a string followed by a colon.
            let key =
                syntax.quotes == ['"'] && syntax.line_comment.is_empty() && rest[end..].trim_start().starts_with(':');
            span(out, if key { "p" } else { "s" }, text);
            plain_from = end;
            while chars.peek().is_some_and(|(j, _)| *j < plain_from) {
                chars.next();
            }
            continue;
        }
        let starts_word = i == 0 || !rest[..i].ends_with(is_word);
        if starts_word && (c.is_ascii_digit() || c.is_alphabetic() || c == '_') {
            let len = tail.find(|d: char| !(d.is_alphanumeric() || d == '_' || d == '.')).unwrap_or(tail.len());
            let word = tail[..len].trim_end_matches('.');
            let class = if c.is_ascii_digit() {
                Some("n")
            } else if syntax.keywords.iter().any(|k| {
                if syntax.case_insensitive {
                    k.eq_ignore_ascii_case(word)
                } else {
                    *k == word
                }
            }) {
                Some("k")
            } else {
                None
            };
            if let Some(class) = class {
                flush(out, plain_from, i);
                span(out, class, word);
                plain_from = i + word.len();
            }
            while chars.peek().is_some_and(|(j, _)| *j < i + word.len()) {
                chars.next();
            }
        }
    }
    flush(out, plain_from, rest.len());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nginx_directives_numbers_and_comments() {
        assert_eq!(
            block("nginx", "limit_req_zone $binary_remote_addr zone=one:10m rate=10r/s; # per client\n").unwrap(),
            "<pre><code class=\"language-nginx\"><span class=\"tk-k\">limit_req_zone</span> $binary_remote_addr \
             zone=one:<span class=\"tk-n\">10m</span> rate=<span class=\"tk-n\">10r</span>/s; \
             <span class=\"tk-c\"># per client</span>\n</code></pre>\n"
        );
    }

    #[test]
    fn yaml_keys_strings_and_lists() {
        assert_eq!(
            block("yaml", "a:\n  b_c: 50 # percent\n  - name: \"x\"\n").unwrap(),
            "<pre><code class=\"language-yaml\"><span class=\"tk-p\">a</span>:\n  <span class=\"tk-p\">b_c</span>: \
             <span class=\"tk-n\">50</span> <span class=\"tk-c\"># percent</span>\n  - <span class=\"tk-p\">name</span>: \
             <span class=\"tk-s\">&quot;x&quot;</span>\n</code></pre>\n"
        );
    }

    #[test]
    fn json_keys_are_not_strings() {
        assert_eq!(
            block("json", "{\"a\": \"b\", \"n\": 1.5, \"t\": true}").unwrap(),
            "<pre><code class=\"language-json\">{<span class=\"tk-p\">&quot;a&quot;</span>: <span class=\"tk-s\">&quot;b&quot;</span>, \
             <span class=\"tk-p\">&quot;n&quot;</span>: <span class=\"tk-n\">1.5</span>, <span class=\"tk-p\">&quot;t&quot;</span>: \
             <span class=\"tk-k\">true</span>}</code></pre>\n"
        );
    }

    #[test]
    fn java_comments_span_lines_and_words_keep_their_digits() {
        assert_eq!(
            block("java", "/* a\nb */ int x2 = 3; // c\n").unwrap(),
            "<pre><code class=\"language-java\"><span class=\"tk-c\">/* a</span>\n<span class=\"tk-c\">b */</span> \
             <span class=\"tk-k\">int</span> x2 = <span class=\"tk-n\">3</span>; <span class=\"tk-c\">// c</span>\n</code></pre>\n"
        );
    }

    #[test]
    fn sql_keywords_ignore_case_and_strings_escape() {
        assert_eq!(
            block("sql", "SELECT create_distributed_table('a<b', 'id');").unwrap(),
            "<pre><code class=\"language-sql\"><span class=\"tk-k\">SELECT</span> create_distributed_table(\
             <span class=\"tk-s\">'a&lt;b'</span>, <span class=\"tk-s\">'id'</span>);</code></pre>\n"
        );
    }

    #[test]
    fn text_is_escaped_and_unknown_languages_are_refused() {
        assert_eq!(block("text", "a < b").unwrap(), "<pre><code class=\"language-text\">a &lt; b</code></pre>\n");
        assert_eq!(block("", "x").unwrap(), "<pre><code>x</code></pre>\n");
        assert!(block("cobol", "x").unwrap_err().contains("unknown code language `cobol`"));
    }

    /// Every byte of the code survives highlighting: the text of the HTML,
    /// tags removed and entities decoded, is the code, for any input.
    #[test]
    fn highlighting_keeps_the_text() {
        let samples = [
            "a: 'b\n# c: d\n\"k\": [1, 2.5e3]\n/* x */ y // z\n-- w\n\"unclosed\n`go`",
            "é: ü # ß\n\tkey = \"v\\\"q\" 12ms\n/* open\nstill\n*/ end",
        ];
        for lang in LANGUAGES {
            for code in samples {
                let html = block(lang, code).unwrap();
                let inner = &html[html.find("\">").unwrap() + 2..html.rfind("</code>").unwrap()];
                let mut text = String::new();
                let mut tag = false;
                for c in inner.chars() {
                    match c {
                        '<' => tag = true,
                        '>' if tag => tag = false,
                        c if !tag => text.push(c),
                        _ => {}
                    }
                }
                let text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&amp;", "&");
                assert_eq!(text, code, "{lang}");
            }
        }
    }
}
