//! JSON for the scenario format and the reports, without serde.
//!
//! A document is parsed into a tree of [`Node`]s (each knowing where it
//! starts, for messages), and a type reads itself from a node
//! ([`FromJson`]) and writes itself as compact JSON ([`ToJson`]). Serde's
//! derived readers cost a bundle about 20 KB brotli (a visitor, a field
//! enum and messages per type, over serde_json's generic deserializer);
//! reading from a tree needs one small parser and a few lines per type.
//! See ARCHITECTURE.md ("Size").
//!
//! What it accepts and writes, byte for byte where serde_json did:
//! - RFC 8259 JSON, nested at most [`MAX_DEPTH`] deep. An object may not
//!   name a key twice.
//! - Strings written with serde_json's escapes: `\"`, `\\`, `\b`, `\f`,
//!   `\n`, `\r`, `\t`, other control characters as `\u00xx`, everything
//!   else as itself.
//! - Floats written in the shortest form that reads back the same (zmij,
//!   as serde_json writes them: `650.0`, `0.1`, `1e-7`), `null` when not
//!   finite. Read correctly rounded (the nearest `f64`, ties to even),
//!   subnormals included, so every float written reads back to its bits.
//! - Whole numbers read exactly into the integer types, and refused when
//!   they have a fraction or do not fit.
//!
//! Parsing never panics; every failure names what was expected and where.

use std::borrow::Cow;

/// How deeply arrays and objects may nest.
pub const MAX_DEPTH: usize = 64;

/// A parsed value and the byte offset where it starts.
#[derive(Clone, Debug, PartialEq)]
pub struct Node<'a> {
    pub at: usize,
    pub value: Value<'a>,
}

/// A JSON value. Numbers keep their text, so whole numbers read exactly.
#[derive(Clone, Debug, PartialEq)]
pub enum Value<'a> {
    Null,
    Bool(bool),
    Number(&'a str),
    String(Cow<'a, str>),
    Array(Vec<Node<'a>>),
    Object(Vec<(Cow<'a, str>, Node<'a>)>),
}

/// A failure, at a byte offset of the document.
#[derive(Clone, Debug, PartialEq)]
pub struct Error {
    pub at: usize,
    pub message: String,
}

impl Error {
    pub fn new(at: usize, message: impl Into<String>) -> Error {
        Error { at, message: message.into() }
    }

    /// The message with its line and column (from 1, in characters) in `text`.
    pub fn located(&self, text: &str) -> String {
        let before = &text[..floor_char_boundary(text, self.at)];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        format!("{} at line {line} column {column}", self.message)
    }
}

fn floor_char_boundary(text: &str, at: usize) -> usize {
    let mut i = at.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// What a value is, for messages: "a string", "an object", …
pub fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

impl Node<'_> {
    /// "expected `what`, found …" at this node.
    pub fn expected(&self, what: &str) -> Error {
        let found = match &self.value {
            Value::Number(t) => t.to_string(),
            Value::String(s) if s.chars().count() <= 40 => format!("\"{s}\""),
            v => kind(v).to_string(),
        };
        Error::new(self.at, format!("expected {what}, found {found}"))
    }
}

// ---------------------------------------------------------------- parsing

/// Parses `text` as one JSON value.
pub fn parse(text: &str) -> Result<Node<'_>, Error> {
    let mut p = Parser { text, bytes: text.as_bytes(), at: 0 };
    let node = p.value(0)?;
    p.space();
    if p.at < p.bytes.len() {
        return Err(Error::new(p.at, "unexpected text after the document"));
    }
    Ok(node)
}

/// Parses `text` and reads a `T` from it; the message says where it failed.
pub fn from_str<T: FromJson>(text: &str) -> Result<T, String> {
    parse(text).and_then(|n| T::read(&n)).map_err(|e| e.located(text))
}
struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Parser<'a> {
    fn space(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes.get(self.at) {
            self.at += 1;
        }
    }

    fn eat(&mut self, b: u8) -> bool {
        if self.bytes.get(self.at) == Some(&b) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn fail<T>(&self, message: &str) -> Result<T, Error> {
        let message = if self.at >= self.bytes.len() { "the document ends too soon" } else { message };
        Err(Error::new(self.at, message))
    }

    fn value(&mut self, depth: usize) -> Result<Node<'a>, Error> {
        self.space();
        let at = self.at;
        let value = match self.bytes.get(at) {
            Some(b'{') | Some(b'[') if depth >= MAX_DEPTH => {
                return Err(Error::new(at, format!("nested more than {MAX_DEPTH} deep")))
            }
            Some(b'{') => {
                self.at += 1;
                let mut fields: Vec<(Cow<'a, str>, Node<'a>)> = Vec::new();
                self.space();
                if !self.eat(b'}') {
                    loop {
                        self.space();
                        let key_at = self.at;
                        if self.bytes.get(self.at) != Some(&b'"') {
                            return self.fail("expected a key in quotes");
                        }
                        let key = self.string()?;
                        if fields.iter().any(|(k, _)| *k == key) {
                            return Err(Error::new(key_at, format!("the key \"{key}\" appears twice")));
                        }
                        self.space();
                        if !self.eat(b':') {
                            return self.fail("expected `:` after the key");
                        }
                        let v = self.value(depth + 1)?;
                        fields.push((key, v));
                        self.space();
                        if self.eat(b'}') {
                            break;
                        }
                        if !self.eat(b',') {
                            return self.fail("expected `,` or `}`");
                        }
                    }
                }
                Value::Object(fields)
            }
            Some(b'[') => {
                self.at += 1;
                let mut items = Vec::new();
                self.space();
                if !self.eat(b']') {
                    loop {
                        items.push(self.value(depth + 1)?);
                        self.space();
                        if self.eat(b']') {
                            break;
                        }
                        if !self.eat(b',') {
                            return self.fail("expected `,` or `]`");
                        }
                    }
                }
                Value::Array(items)
            }
            Some(b'"') => Value::String(self.string()?),
            Some(b'-' | b'0'..=b'9') => Value::Number(self.number()?),
            _ => {
                for (word, v) in [("null", Value::Null), ("true", Value::Bool(true)), ("false", Value::Bool(false))] {
                    if self.bytes[at..].starts_with(word.as_bytes()) {
                        self.at += word.len();
                        return Ok(Node { at, value: v });
                    }
                }
                return self.fail("expected a value");
            }
        };
        Ok(Node { at, value })
    }

    /// A number's text, checked against JSON's grammar.
    fn number(&mut self) -> Result<&'a str, Error> {
        let start = self.at;
        self.eat(b'-');
        let digits = |p: &mut Parser| {
            let from = p.at;
            while let Some(b'0'..=b'9') = p.bytes.get(p.at) {
                p.at += 1;
            }
            p.at - from
        };
        match self.bytes.get(self.at) {
            Some(b'0') => self.at += 1,
            Some(b'1'..=b'9') => {
                digits(self);
            }
            _ => return self.fail("expected a digit"),
        }
        if self.eat(b'.') && digits(self) == 0 {
            return self.fail("expected a digit after the decimal point");
        }
        if self.eat(b'e') || self.eat(b'E') {
            if !self.eat(b'+') {
                self.eat(b'-');
            }
            if digits(self) == 0 {
                return self.fail("expected a digit in the exponent");
            }
        }
        Ok(&self.text[start..self.at])
    }

    /// A string from its opening quote; borrowed when it has no escapes.
    fn string(&mut self) -> Result<Cow<'a, str>, Error> {
        self.at += 1;
        let start = self.at;
        // Escapes decoded so far, and where the text since the last one starts.
        let mut owned: Option<String> = None;
        let mut run = start;
        loop {
            let Some(&b) = self.bytes.get(self.at) else {
                return self.fail("");
            };
            match b {
                b'"' => {
                    let tail = &self.text[run..self.at];
                    self.at += 1;
                    return Ok(match owned {
                        Some(mut s) => {
                            s.push_str(tail);
                            Cow::Owned(s)
                        }
                        None => Cow::Borrowed(tail),
                    });
                }
                b'\\' => {
                    let s = owned.get_or_insert_with(String::new);
                    s.push_str(&self.text[run..self.at]);
                    self.at += 1;
                    let c = match self.bytes.get(self.at) {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => {
                            self.at += 1;
                            let c = self.unicode_escape()?;
                            self.at -= 1;
                            c
                        }
                        _ => return self.fail("expected an escape: \\\" \\\\ \\/ \\b \\f \\n \\r \\t or \\u"),
                    };
                    let s = owned.get_or_insert_with(String::new);
                    s.push(c);
                    self.at += 1;
                    run = self.at;
                }
                0..=0x1F => return self.fail("a control character in a string (write it as an escape)"),
                _ => self.at += 1,
            }
        }
    }

    /// The character of a `\u` escape from its first hex digit, a pair of
    /// escapes for a character beyond the first 65,536.
    fn unicode_escape(&mut self) -> Result<char, Error> {
        let hi = self.hex4()?;
        let code = if (0xD800..0xDC00).contains(&hi) {
            if !(self.eat(b'\\') && self.eat(b'u')) {
                return self.fail("expected the second half of a surrogate pair");
            }
            let lo = self.hex4()?;
            if !(0xDC00..0xE000).contains(&lo) {
                return self.fail("expected the second half of a surrogate pair");
            }
            0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
        } else {
            hi
        };
        match char::from_u32(code) {
            Some(c) => Ok(c),
            None => self.fail("a lone second half of a surrogate pair"),
        }
    }

    fn hex4(&mut self) -> Result<u32, Error> {
        let mut v = 0;
        for _ in 0..4 {
            let d = match self.bytes.get(self.at) {
                Some(&b) if b.is_ascii_digit() => b - b'0',
                Some(&b) if (b'a'..=b'f').contains(&b.to_ascii_lowercase()) => b.to_ascii_lowercase() - b'a' + 10,
                _ => return self.fail("expected four hex digits"),
            };
            v = v * 16 + u32::from(d);
            self.at += 1;
        }
        Ok(v)
    }
}

// ---------------------------------------------------------------- numbers

/// A number's value from its JSON text, correctly rounded (the nearest
/// `f64`, ties to even, subnormals too); `None`
/// when the text is not a JSON number, its magnitude is too large for an
/// `f64`, or it has more than [`MAX_DIGITS`] digits.
pub fn number(text: &str) -> Option<f64> {
    let b = text.as_bytes();
    let negative = b.first() == Some(&b'-');
    let mut i = usize::from(negative);
    let mantissa_from = i;
    while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'.') {
        i += 1;
    }
    let mantissa = &text[mantissa_from..i];
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let leading_zero_ok = int == "0" || !int.starts_with('0');
    if int.is_empty() || !leading_zero_ok || (mantissa.contains('.') && frac.is_empty()) || frac.contains('.') {
        return None;
    }
    let mut exp10: i64 = 0;
    if i < b.len() {
        if b[i] != b'e' && b[i] != b'E' {
            return None;
        }
        let e = &text[i + 1..];
        let (sign, e) = match e.as_bytes().first() {
            Some(b'-') => (-1, &e[1..]),
            Some(b'+') => (1, &e[1..]),
            _ => (1, e),
        };
        if e.is_empty() || !e.bytes().all(|d| d.is_ascii_digit()) {
            return None;
        }
        // Past a million the answer is 0 or too large whatever the digits.
        exp10 = sign * e.bytes().take(7).fold(0i64, |n, d| n * 10 + i64::from(d - b'0'));
    }
    let digits = int.bytes().chain(frac.bytes()).skip_while(|&d| d == b'0');
    exp10 -= frac.len() as i64;
    let x = exact(digits, exp10).filter(|x| x.is_finite())?;
    Some(if negative { -x } else { x })
}

/// The most digits a number may have.
pub const MAX_DIGITS: usize = 800;

/// `digits · 10^exp10`, correctly rounded.
fn exact(digits: impl Iterator<Item = u8> + Clone, exp10: i64) -> Option<f64> {
    let count = digits.clone().count();
    if count == 0 {
        return Some(0.0);
    }
    if count > MAX_DIGITS || exp10 + count as i64 > 310 {
        return None;
    }
    if exp10 + (count as i64) < -345 {
        return Some(0.0);
    }
    let pow10 = |n: i64| (0..n).fold(1.0f64, |p, _| p * 10.0);
    // Both exact in an f64: one correctly rounded operation.
    if count <= 15 && (-22..=22).contains(&exp10) {
        let m = digits.fold(0u64, |m, d| m * 10 + u64::from(d - b'0')) as f64;
        return Some(if exp10 >= 0 { m * pow10(exp10) } else { m / pow10(-exp10) });
    }
    // Otherwise in whole numbers: the value's leading 55 bits, the lowest of
    // them set if anything below is not zero, then one rounding to 53 bits.
    let mut big: Vec<u32> = vec![0];
    for d in digits {
        mul_add(&mut big, 10, u32::from(d - b'0'));
    }
    let mut shift: i64 = 0;
    let mut inexact = false;
    if exp10 >= 0 {
        for _ in 0..exp10 {
            mul_add(&mut big, 10, 0);
        }
    } else {
        // Enough bits that the quotient keeps 56 of them (log2 10 < 10/3).
        let k = -exp10;
        let want = 56 + k * 10 / 3 + 2 - bit_len(&big) as i64;
        if want > 0 {
            shift = want;
            for _ in 0..want / 32 {
                big.insert(0, 0);
            }
            for _ in 0..want % 32 {
                mul_add(&mut big, 2, 0);
            }
        }
        for _ in 0..k {
            inexact |= div_small(&mut big, 10) != 0;
        }
    }
    let len = bit_len(&big) as i64;
    // Below 2^-1022 fewer than 53 bits remain: round once, at 2^-1074, in
    // whole numbers (rounding to 53 bits and then scaling would round twice).
    if len - 1 - shift < -1022 {
        return Some(subnormal(&big, len, shift - 1074, inexact));
    }
    let (top, below) =
        if len > 55 { (bits(&big, len - 55, 55), bits_nonzero(&big, len - 55)) } else { (bits(&big, 0, len), false) };
    let m = (top | u64::from(below || inexact)) as f64;
    Some(scale2(m, (len - 55).max(0) - shift))
}

/// `big · 2^-(1074 + drop)` (below 2^-1022, `big` of `len` bits), as the
/// nearest multiple of 2^-1074, ties to even; `inexact` when `big` was cut
/// short below its last bit.
fn subnormal(big: &[u32], len: i64, drop: i64, inexact: bool) -> f64 {
    if drop <= 0 {
        return f64::from_bits(bits(big, 0, len) << -drop);
    }
    let kept = if len > drop { bits(big, drop, len - drop) } else { 0 };
    let bit = |i: i64| i < len && big[i as usize / 32] >> (i % 32) & 1 == 1;
    let half = bit(drop - 1);
    let below = inexact || bits_nonzero(big, (drop - 1).min(len));
    let up = half && (below || kept & 1 == 1);
    // One past the largest subnormal is the smallest normal: the bits say so too.
    f64::from_bits(kept + u64::from(up))
}

/// `x · 2^e`.
fn scale2(mut x: f64, mut e: i64) -> f64 {
    let pow2 = |e: i64| f64::from_bits(((e + 1023) as u64) << 52);
    while e > 1000 {
        x *= pow2(1000);
        e -= 1000;
    }
    while e < -1000 {
        x *= pow2(-1000);
        e += 1000;
    }
    x * pow2(e)
}

/// `big = big · m + add`, in 32-bit limbs from the least significant.
fn mul_add(big: &mut Vec<u32>, m: u32, add: u32) {
    let mut carry = u64::from(add);
    for limb in big.iter_mut() {
        let v = u64::from(*limb) * u64::from(m) + carry;
        *limb = v as u32;
        carry = v >> 32;
    }
    if carry > 0 {
        big.push(carry as u32);
    }
}

/// `big /= d`, returning the remainder.
fn div_small(big: &mut Vec<u32>, d: u32) -> u32 {
    let mut rem = 0u64;
    for limb in big.iter_mut().rev() {
        let v = (rem << 32) | u64::from(*limb);
        *limb = (v / u64::from(d)) as u32;
        rem = v % u64::from(d);
    }
    while big.len() > 1 && big.last() == Some(&0) {
        big.pop();
    }
    rem as u32
}

fn bit_len(big: &[u32]) -> u32 {
    let top = big.iter().rposition(|&l| l != 0).unwrap_or(0);
    top as u32 * 32 + (32 - big[top].leading_zeros())
}

/// `n` bits of `big` from bit `from` (n ≤ 64).
fn bits(big: &[u32], from: i64, n: i64) -> u64 {
    (0..n).rev().fold(0u64, |v, i| {
        let at = (from + i) as usize;
        v << 1 | u64::from(big[at / 32] >> (at % 32) & 1)
    })
}

/// Whether any of `big`'s bits below `below` is set.
fn bits_nonzero(big: &[u32], below: i64) -> bool {
    let below = below as usize;
    big[..below / 32].iter().any(|&l| l != 0)
        || (!below.is_multiple_of(32) && big[below / 32] & ((1 << (below % 32)) - 1) != 0)
}

// ---------------------------------------------------------------- reading

/// A type read from a JSON value.
pub trait FromJson: Sized {
    fn read(node: &Node) -> Result<Self, Error>;
}

impl FromJson for bool {
    fn read(node: &Node) -> Result<bool, Error> {
        match node.value {
            Value::Bool(b) => Ok(b),
            _ => Err(node.expected("true or false")),
        }
    }
}

impl FromJson for f64 {
    fn read(node: &Node) -> Result<f64, Error> {
        match node.value {
            Value::Number(t) => number(t).ok_or_else(|| Error::new(node.at, format!("the number {t} is too large"))),
            _ => Err(node.expected("a number")),
        }
    }
}

impl FromJson for f32 {
    /// Read as an `f64`, then rounded to the nearest `f32`, as serde reads one.
    fn read(node: &Node) -> Result<f32, Error> {
        f64::read(node).map(|x| x as f32)
    }
}

/// A whole number from `-min` to `max` (the bounds as magnitudes, so that
/// no 128-bit arithmetic or printing reaches the wasm).
fn whole(node: &Node, min: u64, max: u64) -> Result<(bool, u64), Error> {
    let range = || {
        let mut r = String::from("a whole number from ");
        if min > 0 {
            r.push('-');
        }
        write_whole(min, &mut r);
        r.push_str(" to ");
        write_whole(max, &mut r);
        r
    };
    let Value::Number(t) = node.value else {
        return Err(node.expected(&range()));
    };
    let (negative, digits) = match t.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, t),
    };
    let mut n: u64 = 0;
    for d in digits.bytes() {
        n = match (d.is_ascii_digit(), n.checked_mul(10)) {
            (true, Some(m)) => match m.checked_add(u64::from(d - b'0')) {
                Some(v) => v,
                None => return Err(node.expected(&range())),
            },
            _ => return Err(node.expected(&range())),
        };
    }
    if (negative && n > min) || (!negative && n > max) {
        return Err(node.expected(&range()));
    }
    Ok((negative && n > 0, n))
}

macro_rules! unsigned {
    ($($t:ty)*) => {$(
        impl FromJson for $t {
            fn read(node: &Node) -> Result<$t, Error> {
                whole(node, 0, <$t>::MAX as u64).map(|(_, n)| n as $t)
            }
        }
        impl ToJson for $t {
            fn write(&self, out: &mut String) {
                write_whole(*self as u64, out);
            }
        }
    )*};
}
unsigned!(u8 u16 u32 u64 usize);

macro_rules! signed {
    ($($t:ty)*) => {$(
        impl FromJson for $t {
            fn read(node: &Node) -> Result<$t, Error> {
                let (negative, n) = whole(node, <$t>::MIN.unsigned_abs() as u64, <$t>::MAX as u64)?;
                Ok(if negative { (n as $t).wrapping_neg() } else { n as $t })
            }
        }
        impl ToJson for $t {
            fn write(&self, out: &mut String) {
                if *self < 0 {
                    out.push('-');
                }
                write_whole(self.unsigned_abs() as u64, out);
            }
        }
    )*};
}
signed!(i32 i64);

impl FromJson for String {
    fn read(node: &Node) -> Result<String, Error> {
        match &node.value {
            Value::String(s) => Ok(s.to_string()),
            _ => Err(node.expected("a string")),
        }
    }
}

impl<T: FromJson> FromJson for Option<T> {
    fn read(node: &Node) -> Result<Option<T>, Error> {
        match node.value {
            Value::Null => Ok(None),
            _ => T::read(node).map(Some),
        }
    }
}

impl<T: FromJson> FromJson for Vec<T> {
    fn read(node: &Node) -> Result<Vec<T>, Error> {
        match &node.value {
            Value::Array(items) => items.iter().map(T::read).collect(),
            _ => Err(node.expected("an array")),
        }
    }
}

/// The items of an array of exactly `N`.
pub fn tuple<'n, 'a, const N: usize>(node: &'n Node<'a>, what: &str) -> Result<&'n [Node<'a>; N], Error> {
    match &node.value {
        Value::Array(items) => items.as_slice().try_into().map_err(|_| node.expected(what)),
        _ => Err(node.expected(what)),
    }
}

/// The string of a node, as a name from `names` (each with its value): a
/// unit enum variant.
pub fn name<T: Copy>(node: &Node, names: &[(&str, T)]) -> Result<T, Error> {
    let expected = || {
        let list: Vec<String> = names.iter().map(|(n, _)| format!("\"{n}\"")).collect();
        format!("one of {}", list.join(", "))
    };
    match &node.value {
        Value::String(s) => {
            names.iter().find(|(n, _)| n == s).map(|&(_, v)| v).ok_or_else(|| node.expected(&expected()))
        }
        _ => Err(node.expected(&expected())),
    }
}

/// An enum variant as serde writes them: a name (`"stop"`) or an object of
/// one key naming it (`{"speed": 0.5}`), with that key's value.
pub fn variant<'n, 'a>(node: &'n Node<'a>) -> Result<(&'n str, Option<&'n Node<'a>>), Error> {
    match &node.value {
        Value::String(s) => Ok((s, None)),
        Value::Object(fields) if fields.len() == 1 => Ok((&fields[0].0, Some(&fields[0].1))),
        _ => Err(node.expected("a name, or an object with one key naming the choice")),
    }
}

/// The value of the variant `name` that carries one (`{"name": value}`):
/// refused when `node` gave the name alone.
pub fn payload<'n, 'a>(node: &'n Node<'a>, name: &str, value: Option<&'n Node<'a>>) -> Result<&'n Node<'a>, Error> {
    carried(node, name, value, "…")
}

/// The value the variant `name` carries, or why not (`shape` shows it).
fn carried<'n, 'a>(
    node: &'n Node<'a>,
    name: &str,
    value: Option<&'n Node<'a>>,
    shape: &str,
) -> Result<&'n Node<'a>, Error> {
    value.ok_or_else(|| node.expected(&format!("\"{name}\" with its settings, {{\"{name}\": {shape}}}")))
}

/// Checks that the variant `name` carries no value: given as a name, or
/// (as serde_json also reads one) as `{"name": null}`.
pub fn unit(name: &str, value: Option<&Node>) -> Result<(), Error> {
    match value {
        Some(v) if v.value != Value::Null => {
            Err(Error::new(v.at, format!("\"{name}\" takes no settings: write it as \"{name}\" alone")))
        }
        _ => Ok(()),
    }
}

/// An unknown variant `name` of a choice among `names`.
pub fn unknown(node: &Node, name: &str, names: &[&str]) -> Error {
    let list: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
    Error::new(node.at, format!("unknown choice \"{name}\"; expected one of {}", list.join(", ")))
}

/// The fields of a struct variant `name` as [`variant`] read it (`node`,
/// `value`): an object of its settings under its name (`{"redis-lru":
/// {"samples": 5}}`), with no key outside `keys`.
pub fn variant_fields<'n, 'a>(
    node: &'n Node<'a>,
    name: &str,
    value: Option<&'n Node<'a>>,
    keys: &[&str],
) -> Result<Fields<'n, 'a>, Error> {
    Fields::of(carried(node, name, value, "{…}")?, &format!("the settings of \"{name}\" (an object)"), keys)
}

/// An object's fields, read one by one.
pub struct Fields<'n, 'a> {
    node: &'n Node<'a>,
    fields: &'n [(Cow<'a, str>, Node<'a>)],
}

impl<'n, 'a> Fields<'n, 'a> {
    /// The fields of `node`, which must be an object (`what`, for
    /// messages) with no key outside `keys`: the first other one, in the
    /// document's order, is refused.
    pub fn of(node: &'n Node<'a>, what: &str, keys: &[&str]) -> Result<Fields<'n, 'a>, Error> {
        let f = Fields::any(node, what)?;
        match f.fields.iter().find(|(k, _)| !keys.contains(&k.as_ref())) {
            None => Ok(f),
            Some((k, v)) => {
                let list: Vec<String> = keys.iter().map(|n| format!("\"{n}\"")).collect();
                Err(Error::new(v.at, format!("unknown field \"{k}\"; expected one of {}", list.join(", "))))
            }
        }
    }

    /// The fields of `node`, whatever its keys.
    pub fn any(node: &'n Node<'a>, what: &str) -> Result<Fields<'n, 'a>, Error> {
        match &node.value {
            Value::Object(fields) => Ok(Fields { node, fields }),
            _ => Err(node.expected(what)),
        }
    }

    /// The node of `key`, if present.
    pub fn get(&self, key: &str) -> Option<&'n Node<'a>> {
        self.fields.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// Field `key`, which must be present.
    pub fn req<T: FromJson>(&self, key: &str) -> Result<T, Error> {
        match self.get(key) {
            Some(v) => T::read(v).map_err(|e| in_field(e, key)),
            None => Err(Error::new(self.node.at, format!("missing field \"{key}\""))),
        }
    }

    /// Field `key`, or `default` when absent (serde's `default = "…"`).
    pub fn or<T: FromJson>(&self, key: &str, default: T) -> Result<T, Error> {
        match self.get(key) {
            Some(v) => T::read(v).map_err(|e| in_field(e, key)),
            None => Ok(default),
        }
    }

    /// Field `key`, or `T`'s default when absent.
    pub fn or_default<T: FromJson + Default>(&self, key: &str) -> Result<T, Error> {
        match self.get(key) {
            Some(v) => T::read(v).map_err(|e| in_field(e, key)),
            None => Ok(T::default()),
        }
    }
}

/// A field's name before a message about its value.
pub fn in_field(e: Error, key: &str) -> Error {
    if e.message.starts_with("expected") {
        Error::new(e.at, format!("{key}: {}", e.message))
    } else {
        e
    }
}

// ---------------------------------------------------------------- writing

/// A type written as compact JSON.
pub trait ToJson {
    fn write(&self, out: &mut String);
}

/// `value` as compact JSON.
pub fn to_string<T: ToJson + ?Sized>(value: &T) -> String {
    let mut out = String::new();
    value.write(&mut out);
    out
}

fn write_whole(n: u64, out: &mut String) {
    let mut buf = [0u8; 20];
    let digits = crate::sim::kernel::num::digits(n, &mut buf);
    out.push_str(std::str::from_utf8(digits).unwrap_or_default());
}

impl ToJson for bool {
    fn write(&self, out: &mut String) {
        out.push_str(if *self { "true" } else { "false" });
    }
}

macro_rules! floats {
    ($($t:ty)*) => {$(
        /// The shortest text that reads back the same; `null` when not finite.
        impl ToJson for $t {
            fn write(&self, out: &mut String) {
                if self.is_finite() {
                    out.push_str(zmij::Buffer::new().format_finite(*self));
                } else {
                    out.push_str("null");
                }
            }
        }
    )*};
}
floats!(f64 f32);

impl ToJson for str {
    fn write(&self, out: &mut String) {
        out.push('"');
        let mut run = 0;
        for (i, b) in self.bytes().enumerate() {
            let escape = match b {
                b'"' => "\\\"",
                b'\\' => "\\\\",
                b'\n' => "\\n",
                b'\r' => "\\r",
                b'\t' => "\\t",
                0x08 => "\\b",
                0x0C => "\\f",
                0..=0x1F => "",
                _ => continue,
            };
            out.push_str(&self[run..i]);
            if escape.is_empty() {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.push_str("\\u00");
                out.push(HEX[usize::from(b >> 4)] as char);
                out.push(HEX[usize::from(b & 15)] as char);
            } else {
                out.push_str(escape);
            }
            run = i + 1;
        }
        out.push_str(&self[run..]);
        out.push('"');
    }
}

impl ToJson for String {
    fn write(&self, out: &mut String) {
        self.as_str().write(out);
    }
}

impl<T: ToJson + ?Sized> ToJson for &T {
    fn write(&self, out: &mut String) {
        (**self).write(out);
    }
}

impl<T: ToJson> ToJson for Option<T> {
    fn write(&self, out: &mut String) {
        match self {
            Some(v) => v.write(out),
            None => out.push_str("null"),
        }
    }
}

impl<T: ToJson> ToJson for [T] {
    fn write(&self, out: &mut String) {
        out.push('[');
        for (i, v) in self.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            v.write(out);
        }
        out.push(']');
    }
}

impl<T: ToJson, const N: usize> ToJson for [T; N] {
    fn write(&self, out: &mut String) {
        self.as_slice().write(out);
    }
}

impl<T: ToJson> ToJson for Vec<T> {
    fn write(&self, out: &mut String) {
        self.as_slice().write(out);
    }
}

impl ToJson for Node<'_> {
    fn write(&self, out: &mut String) {
        match &self.value {
            Value::Null => out.push_str("null"),
            Value::Bool(b) => b.write(out),
            Value::Number(t) => out.push_str(t),
            Value::String(s) => s.as_ref().write(out),
            Value::Array(items) => items.write(out),
            Value::Object(fields) => {
                let mut o = Obj::new(out);
                for (k, v) in fields {
                    o.field(k, v);
                }
                o.end();
            }
        }
    }
}

/// An object being written: `Obj::new(out).field("a", &1).end()`.
pub struct Obj<'w> {
    out: &'w mut String,
    empty: bool,
}

impl<'w> Obj<'w> {
    pub fn new(out: &'w mut String) -> Obj<'w> {
        out.push('{');
        Obj { out, empty: true }
    }

    /// The next key, and the writer for its value.
    pub fn key(&mut self, key: &str) -> &mut String {
        if !self.empty {
            self.out.push(',');
        }
        self.empty = false;
        key.write(self.out);
        self.out.push(':');
        self.out
    }

    pub fn field<T: ToJson + ?Sized>(&mut self, key: &str, value: &T) -> &mut Obj<'w> {
        value.write(self.key(key));
        self
    }

    /// The field unless `skip` (serde's `skip_serializing_if`).
    pub fn field_unless<T: ToJson + ?Sized>(&mut self, skip: bool, key: &str, value: &T) -> &mut Obj<'w> {
        if !skip {
            self.field(key, value);
        }
        self
    }

    pub fn end(&mut self) {
        self.out.push('}');
    }
}

/// A struct variant, as serde writes it: `{"name":{…}}`, its fields
/// written by `fields`.
pub fn struct_variant(out: &mut String, name: &str, fields: impl FnOnce(&mut Obj)) {
    let mut outer = Obj::new(out);
    let mut inner = Obj::new(outer.key(name));
    fields(&mut inner);
    inner.end();
    outer.end();
}

/// An enum variant with a value, as serde writes it: `{"name":value}`.
pub fn write_variant<T: ToJson + ?Sized>(out: &mut String, name: &str, value: &T) {
    Obj::new(out).field(name, value).end();
}

// ---------------------------------------------------------------- types

/// [`FromJson`] and [`ToJson`] for a struct written as an object, its fields
/// in declaration order, as serde's derive reads and writes them:
///
/// ```ignore
/// json::object!(Server, "a server (an object)" {
///     weight,                          // required
///     label ["name"],                  // written and read as "name"
///     queue: default,                  // absent: Default
///     burst: default (Option::is_none), // absent: Default; left out when this holds
///     tries: default = 3,              // absent: 3 (serde's `default = "…"`)
/// });
/// ```
///
/// Keys outside the list are refused. A struct only written (a report)
/// takes `object!(write Type { … })`.
macro_rules! object {
    // A struct only ever written (a report): `object!(write Type { … })`.
    (write $Type:ty { $($field:ident $([$name:literal])? $(: $default:ident $(($skip:path))?)?),* $(,)? }) => {
        impl $crate::scenario::json::ToJson for $Type {
            fn write(&self, out: &mut String) {
                let mut o = $crate::scenario::json::Obj::new(out);
                $(
                    o.field_unless(
                        $crate::scenario::json::object!(@skip self.$field $($(, $skip)?)?),
                        $crate::scenario::json::object!(@name $field $($name)?),
                        &self.$field,
                    );
                )*
                o.end();
            }
        }
    };
    ($Type:ty, $what:literal { $($field:ident $([$name:literal])? $(: $default:ident $(($skip:path))? $(= $value:expr)?)?),* $(,)? }) => {
        impl $crate::scenario::json::FromJson for $Type {
            fn read(node: &$crate::scenario::json::Node) -> Result<Self, $crate::scenario::json::Error> {
                let f = $crate::scenario::json::Fields::of(
                    node,
                    $what,
                    &[$($crate::scenario::json::object!(@name $field $($name)?)),*],
                )?;
                Ok(Self {
                    $($field: $crate::scenario::json::object!(
                        @read f $crate::scenario::json::object!(@name $field $($name)?) $(, $default $(= $value)?)?
                    ),)*
                })
            }
        }
        $crate::scenario::json::object!(write $Type { $($field $([$name])? $(: $default $(($skip))?)?),* });
    };
    (@name $field:ident) => { stringify!($field) };
    (@name $field:ident $name:literal) => { $name };
    (@read $f:ident $key:expr) => { $f.req($key)? };
    (@read $f:ident $key:expr, default) => { $f.or_default($key)? };
    (@read $f:ident $key:expr, default = $value:expr) => { $f.or($key, $value)? };
    (@skip $v:expr) => { false };
    (@skip $v:expr, $skip:path) => { $skip(&$v) };
}
pub(crate) use object;

/// [`FromJson`] and [`ToJson`] for an enum of unit variants written as names.
macro_rules! names {
    ($Type:ident { $($Variant:ident = $name:literal),* $(,)? }) => {
        impl $crate::scenario::json::FromJson for $Type {
            fn read(node: &$crate::scenario::json::Node) -> Result<Self, $crate::scenario::json::Error> {
                $crate::scenario::json::name(node, &[$(($name, $Type::$Variant)),*])
            }
        }
        impl $crate::scenario::json::ToJson for $Type {
            fn write(&self, out: &mut String) {
                let name = match self {
                    $($Type::$Variant => $name,)*
                };
                $crate::scenario::json::ToJson::write(name, out);
            }
        }
    };
}
pub(crate) use names;

/// For tests: reads `text`, checks it is written back as `written`, and
/// that `written` reads back the same.
#[cfg(test)]
pub fn read_and_write_back<T: FromJson + ToJson + PartialEq + std::fmt::Debug>(text: &str, written: &str) -> T {
    let t: T = from_str(text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert_eq!(to_string(&t), written, "{text}");
    assert_eq!(from_str::<T>(written).as_ref(), Ok(&t), "{text}");
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        parse(text).map(|_| ()).unwrap_err().located(text)
    }

    #[test]
    fn parses_every_kind_of_value_with_its_offset() {
        let n = parse(" {\"a\": [1, -2.5e3, true, null], \"b\\u00e9\": \"x\\ny\"} ").unwrap();
        assert_eq!(n.at, 1);
        let Value::Object(f) = &n.value else { panic!("an object") };
        assert_eq!(f[0].0, "a");
        assert_eq!(f[1].0, "bé");
        assert_eq!(f[1].1.value, Value::String("x\ny".into()));
        let Value::Array(items) = &f[0].1.value else { panic!("an array") };
        assert_eq!(items.iter().map(|i| i.at).collect::<Vec<_>>(), [8, 11, 19, 25]);
        assert_eq!(items[1].value, Value::Number("-2.5e3"));
        assert_eq!(parse("\"\\ud83d\\ude00\"").unwrap().value, Value::String("😀".into()));
    }

    #[test]
    fn refuses_malformed_documents_saying_where() {
        assert_eq!(err("{\"a\": 1,}"), "expected a key in quotes at line 1 column 9");
        assert_eq!(err("{\"a\": 1, \"a\": 2}"), "the key \"a\" appears twice at line 1 column 10");
        assert_eq!(err("[1 2]"), "expected `,` or `]` at line 1 column 4");
        assert_eq!(err("{\n  \"a\": tru\n}"), "expected a value at line 2 column 8");
        assert_eq!(err("[01]"), "expected `,` or `]` at line 1 column 3");
        assert_eq!(err("1."), "the document ends too soon at line 1 column 3");
        assert_eq!(err("\"é"), "the document ends too soon at line 1 column 3");
        assert_eq!(err("\"a\tb\""), "a control character in a string (write it as an escape) at line 1 column 3");
        assert_eq!(err("\"\\ud800x\""), "expected the second half of a surrogate pair at line 1 column 8");
        assert_eq!(err("\"\\udc00\""), "a lone second half of a surrogate pair at line 1 column 8");
        assert_eq!(err("{} x"), "unexpected text after the document at line 1 column 4");
        assert_eq!(err(""), "the document ends too soon at line 1 column 1");
        let deep = "[".repeat(MAX_DEPTH + 1);
        assert_eq!(err(&deep), format!("nested more than {MAX_DEPTH} deep at line 1 column {}", MAX_DEPTH + 1));
        assert!(parse(&format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH))).is_ok());
    }

    #[test]
    fn numbers_read_exactly_or_are_refused() {
        let read = |t: &str| f64::read(&parse(t).unwrap());
        assert_eq!(read("0.1"), Ok(0.1));
        assert_eq!(read("-0"), Ok(-0.0));
        assert_eq!(read("0.30000000000000004"), Ok(0.1 + 0.2));
        assert_eq!(read("1.7976931348623157e308"), Ok(f64::MAX));
        assert_eq!(read("5e-324"), Ok(f64::from_bits(1)));
        // Below 2^-1022, rounded once: to the nearest multiple of 2^-1074, ties to even.
        assert_eq!(read("9369980292706159070000000000000e-339"), Ok(f64::from_bits(1_896_505_124_688_821)));
        assert_eq!(read("2.4703282292062327e-324"), Ok(0.0));
        assert_eq!(read("2.4703282292062328e-324"), Ok(f64::from_bits(1)));
        assert_eq!(read("2.2250738585072011e-308"), Ok(f64::from_bits(0x000F_FFFF_FFFF_FFFF)));
        assert_eq!(read("2.2250738585072012e-308"), Ok(f64::MIN_POSITIVE));
        assert_eq!(read("1e-400"), Ok(0.0));
        assert_eq!(read("1e309").unwrap_err().message, "the number 1e309 is too large");
        assert_eq!(read("\"1\"").unwrap_err().message, "expected a number, found \"1\"");
        assert_eq!(number("12"), Some(12.0));
        for bad in ["", "-", "+1", ".5", "1.", "01", "1e", "1e+", "0x10", "1.2.3", "inf", "NaN", "1 "] {
            assert_eq!(number(bad), None, "{bad}");
        }
        let whole = |t: &str| u32::read(&parse(t).unwrap()).map_err(|e| e.message);
        assert_eq!(whole("4294967295"), Ok(u32::MAX));
        assert_eq!(whole("4294967296"), Err("expected a whole number from 0 to 4294967295, found 4294967296".into()));
        assert_eq!(whole("-1"), Err("expected a whole number from 0 to 4294967295, found -1".into()));
        assert_eq!(whole("1.0"), Err("expected a whole number from 0 to 4294967295, found 1.0".into()));
        assert_eq!(whole("1e3"), Err("expected a whole number from 0 to 4294967295, found 1e3".into()));
        assert_eq!(u64::read(&parse("18446744073709551615").unwrap()), Ok(u64::MAX));
        assert!(u64::read(&parse("184467440737095516150").unwrap()).is_err());
        assert_eq!(i64::read(&parse("-9223372036854775808").unwrap()), Ok(i64::MIN));
    }

    #[test]
    fn fields_are_read_by_name_and_unknown_ones_refused() {
        let n = parse(r#"{"a": 1, "b": null, "c": [2]}"#).unwrap();
        let f = Fields::of(&n, "an object", &["a", "b", "c", "d", "e"]).unwrap();
        assert_eq!(f.req::<u32>("a"), Ok(1));
        assert_eq!(f.or_default::<Option<u32>>("b"), Ok(None));
        assert_eq!(f.or_default::<Vec<u32>>("d"), Ok(vec![]));
        assert_eq!(f.req::<u32>("e").unwrap_err().message, "missing field \"e\"");
        assert_eq!(f.req::<bool>("a").unwrap_err().message, "a: expected true or false, found 1");
        let e = Fields::of(&n, "an object", &["a", "b"]).err().unwrap();
        assert_eq!(e.message, "unknown field \"c\"; expected one of \"a\", \"b\"");
        assert_eq!(e.at, 25);
        assert!(Fields::any(&n, "an object").is_ok());
        let array = parse("[]").unwrap();
        assert_eq!(Fields::any(&array, "a limiter").err().unwrap().message, "expected a limiter, found an array");
    }

    #[test]
    fn writes_as_serde_json_writes() {
        let mut out = String::new();
        Obj::new(&mut out)
            .field("a", &650.0)
            .field("b\n", "q\"\u{1}é")
            .field_unless(true, "c", &1u32)
            .field("d", &[1.5e-7, f64::NAN][..])
            .end();
        assert_eq!(out, r#"{"a":650.0,"b\n":"q\"\u0001é","d":[1.5e-7,null]}"#);
        assert_eq!(to_string(&-42i64), "-42");
        assert_eq!(to_string(&u64::MAX), "18446744073709551615");
        assert_eq!(to_string(&Some(0.1)), "0.1");
    }
}
