//! `formatToParts`: ICU4X annotates what it writes with nested `writeable` parts; ECMA-402 wants
//! a flat list of typed pieces. Each character takes the innermost part a service knows a name
//! for, characters under none are `literal`, and neighbours under the same part are joined.

use std::fmt;

use writeable::{PartsWrite, Writeable};

/// One piece of a formatted string: ECMA-402's `{ type, value }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// `"year"`, `"integer"`, `"literal"`, …
    pub kind: &'static str,
    /// The text of the piece.
    pub value: String,
}

/// Collects a writeable's text and where each annotated part lies.
#[derive(Default)]
struct Collector {
    text: String,
    /// (start, end, part), innermost parts first (they end first).
    spans: Vec<(usize, usize, writeable::Part)>,
}

impl fmt::Write for Collector {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.text.push_str(s);
        Ok(())
    }
}

impl PartsWrite for Collector {
    type SubPartsWrite = Collector;

    fn with_part(&mut self, part: writeable::Part, mut f: impl FnMut(&mut Self) -> fmt::Result) -> fmt::Result {
        let start = self.text.len();
        f(self)?;
        self.spans.push((start, self.text.len(), part));
        Ok(())
    }
}

/// Splits what `w` writes into parts, naming each annotated part with `name` (`None`: not one
/// of this service's, so the characters fall to an enclosing part or to `literal`).
pub(crate) fn split(w: &impl Writeable, name: impl Fn(writeable::Part) -> Option<&'static str>) -> Vec<Part> {
    let mut c = Collector::default();
    // Writing to a String cannot fail.
    let _ = w.write_to_parts(&mut c);
    let mut out: Vec<Part> = Vec::new();
    let mut last: Option<usize> = None;
    for (at, ch) in c.text.char_indices() {
        // The innermost named span holding this character: the first in `spans` order.
        let span = c.spans.iter().position(|&(s, e, p)| s <= at && at < e && name(p).is_some());
        let kind = span.and_then(|i| name(c.spans[i].2)).unwrap_or("literal");
        match out.last_mut() {
            Some(prev) if last == span && prev.kind == kind => prev.value.push(ch),
            _ => out.push(Part { kind, value: ch.to_string() }),
        }
        last = span;
    }
    out
}

/// The symbols a locale writes numbers with, learnt from its decimal formatter's own parts.
pub(crate) struct Symbols {
    group: String,
    decimal: String,
    minus: String,
    plus: String,
}

impl Symbols {
    /// Reads the symbols from a number written with all of them (`-1,234.5` and `+1`).
    pub(crate) fn learn(negative: Vec<Part>, positive: Vec<Part>) -> Self {
        let find = |parts: &[Part], kind: &str, default: &str| {
            parts.iter().find(|p| p.kind == kind).map_or_else(|| default.to_owned(), |p| p.value.clone())
        };
        Symbols {
            group: find(&negative, "group", ","),
            decimal: find(&negative, "decimal", "."),
            minus: find(&negative, "minusSign", "-"),
            plus: find(&positive, "plusSign", "+"),
        }
    }
}

/// Parts of `text`, a number with a percent sign or a currency around it: ICU4X's percent and
/// currency formatters annotate nothing, so the text is read with the locale's symbols. Digits
/// are the integer until the decimal separator, a group separator sits between digits, spaces
/// and bidirectional marks are literals, and what is left is `sign`.
pub(crate) fn around(text: &str, symbols: &Symbols, sign: &'static str) -> Vec<Part> {
    let mut out: Vec<Part> = Vec::new();
    let push = |out: &mut Vec<Part>, kind: &'static str, value: &str| match out.last_mut() {
        Some(prev) if prev.kind == kind && kind != "group" => prev.value.push_str(value),
        _ => out.push(Part { kind, value: value.to_owned() }),
    };
    let mut fraction = false;
    let mut rest = text;
    while let Some(ch) = rest.chars().next() {
        let after_digit = out.last().is_some_and(|p| p.kind == "integer");
        let digit_follows = |sym: &str| rest[sym.len()..].chars().next().is_some_and(char::is_numeric);
        let (kind, len) = if ch.is_numeric() {
            (if fraction { "fraction" } else { "integer" }, ch.len_utf8())
        } else if after_digit && !fraction && rest.starts_with(&symbols.group) && digit_follows(&symbols.group) {
            ("group", symbols.group.len())
        } else if after_digit && rest.starts_with(&symbols.decimal) && digit_follows(&symbols.decimal) {
            fraction = true;
            ("decimal", symbols.decimal.len())
        } else if rest.starts_with(&symbols.minus) && !symbols.minus.is_empty() {
            ("minusSign", symbols.minus.len())
        } else if rest.starts_with(&symbols.plus) && !symbols.plus.is_empty() {
            ("plusSign", symbols.plus.len())
        } else if ch.is_whitespace() || is_mark(ch) {
            ("literal", ch.len_utf8())
        } else {
            (sign, ch.len_utf8())
        };
        push(&mut out, kind, &rest[..len]);
        rest = &rest[len..];
    }
    out
}
/// Bidirectional marks (LRM, RLM, ALM) written around signs in right-to-left locales.
fn is_mark(ch: char) -> bool {
    matches!(ch, '\u{200E}' | '\u{200F}' | '\u{061C}')
}
