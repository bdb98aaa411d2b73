//! The text form of commands: one command per line, for fixtures, recordings and people.
//!
//! ```text
//! # A comment; blank lines are ignored.
//! viewport 1280 720
//! create 1 view
//! append 0 1
//! insert 0 2 before 1
//! style 1 width 50%
//! style 1 background-color #ff8800ff
//! clear 1 width
//! remove 0 1
//! destroy 1
//! state 1 focused scale-x 1.1
//! clear-state 1 focused scale-x
//! focus 1
//! animate 1 opacity 0 tag 7 duration 300 delay 0 easing ease-out repeat 1
//! animate 1 translate-x 40px tag 8 duration 500 easing spring(170,26,1,0) repeat infinite alternate
//! cancel 1 opacity
//! text 2 "Hello, \"world\"\nשלום"
//! font-family 2 "Inter"
//! image 3 "posters/1.png"
//! define-style 1 width 100px height 50px focused:scale-x 1.06
//! use-style 4 1
//! create 5 view style 1 in 4
//! ```
//!
//! Printing then parsing gives back the same commands exactly: numbers are written in the
//! shortest form that reads back to the same `f32`, and strings are quoted with Rust's escapes
//! (`\"`, `\\`, `\n`, `\t`, `\r`, `\0`, `\u{…}`).

use std::fmt;

use crate::command::{Command, NodeId, NodeKind, State, StyleEntry, StyleId};
use crate::error::{Error, ErrorKind};
use crate::style::{StyleDecl, StyleProperty};
use crate::timing::Timing;

impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Command::CreateNode { id, kind } => write!(f, "create {} {}", id.0, kind.name()),
            Command::CreateStyled { id, kind, style, parent } => {
                write!(f, "create {} {}", id.0, kind.name())?;
                // With neither, `style 0` keeps it apart from a plain `create`.
                if style.is_some() || parent.is_none() {
                    write!(f, " style {}", style.map_or(0, |s| s.0))?;
                }
                match parent {
                    Some(p) => write!(f, " in {}", p.0),
                    None => Ok(()),
                }
            }
            Command::DefineStyle { style, entries } => {
                write!(f, "define-style {}", style.0)?;
                for e in entries {
                    match e.state {
                        Some(state) => write!(f, " {}:{}", state.name(), e.decl)?,
                        None => write!(f, " {}", e.decl)?,
                    }
                }
                Ok(())
            }
            Command::UseStyle { id, style } => write!(f, "use-style {} {}", id.0, style.0),
            Command::DestroyNode { id } => write!(f, "destroy {}", id.0),
            Command::AppendChild { parent, child } => write!(f, "append {} {}", parent.0, child.0),
            Command::InsertBefore { parent, child, before } => {
                write!(f, "insert {} {} before {}", parent.0, child.0, before.0)
            }
            Command::RemoveChild { parent, child } => write!(f, "remove {} {}", parent.0, child.0),
            Command::SetStyle { id, decl } => write!(f, "style {} {decl}", id.0),
            Command::ClearStyle { id, property } => write!(f, "clear {} {}", id.0, property.name()),
            Command::SetStateStyle { id, state, decl } => write!(f, "state {} {} {decl}", id.0, state.name()),
            Command::ClearStateStyle { id, state, property } => {
                write!(f, "clear-state {} {} {}", id.0, state.name(), property.name())
            }
            Command::Focus { id } => write!(f, "focus {}", id.0),
            Command::Animate { id, tag, to, timing } => write!(f, "animate {} {to} tag {tag} {timing}", id.0),
            Command::CancelAnimation { id, property } => write!(f, "cancel {} {}", id.0, property.name()),
            Command::SetViewport { width, height } => write!(f, "viewport {width} {height}"),
            Command::QueryLayout { id } => write!(f, "query-layout {}", id.0),
            Command::SetText { id, text } => write!(f, "text {} {text:?}", id.0),
            Command::SetFontFamily { id, family } => write!(f, "font-family {} {family:?}", id.0),
            Command::SetImage { id, src } => write!(f, "image {} {src:?}", id.0),
        }
    }
}

/// Parses one line. Returns `Ok(None)` for blank lines and comments.
pub fn parse_line(line: &str) -> Result<Option<Command>, String> {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') {
        return Ok(None);
    }
    let words: Vec<&str> = line.split_whitespace().collect();
    let node = |i: usize| -> Result<NodeId, String> {
        let w = words.get(i).ok_or_else(|| format!("`{line}`: missing node id"))?;
        w.parse().map(NodeId).map_err(|_| format!("`{w}` is not a node id"))
    };
    let num = |i: usize| -> Result<f32, String> {
        let w = words.get(i).ok_or_else(|| format!("`{line}`: missing number"))?;
        w.parse().map_err(|_| format!("`{w}` is not a number"))
    };
    let arity = |n: usize| {
        if words.len() == n { Ok(()) } else { Err(format!("`{line}`: expected {n} words")) }
    };
    let property = |i: usize| -> Result<StyleProperty, String> {
        let w = words.get(i).ok_or_else(|| format!("`{line}`: missing property"))?;
        StyleProperty::from_name(w).ok_or_else(|| format!("`{w}` is not a style property"))
    };
    let cmd = match words[0] {
        "create" => {
            let kind = words.get(2).ok_or_else(|| format!("`{line}`: missing node kind"))?;
            let kind = NodeKind::from_name(kind).ok_or_else(|| format!("`{kind}` is not a node kind"))?;
            if words.len() == 3 {
                Command::CreateNode { id: node(1)?, kind }
            } else {
                let (mut style, mut parent, mut rest) = (None, None, &words[3..]);
                if rest.first() == Some(&"style") {
                    style = Some(style_id(rest.get(1).copied(), true)?);
                    rest = &rest[2.min(rest.len())..];
                }
                if rest.first() == Some(&"in") {
                    parent = Some(node(words.len() - rest.len() + 1)?);
                    rest = &rest[2.min(rest.len())..];
                }
                if !rest.is_empty() || (style.is_none() && parent.is_none()) {
                    return Err(format!("`{line}`: expected `create ID KIND [style STYLE] [in PARENT]`"));
                }
                Command::CreateStyled { id: node(1)?, kind, style: style.flatten(), parent }
            }
        }
        "define-style" => {
            if !words.len().is_multiple_of(2) {
                return Err(format!("`{line}`: expected `define-style STYLE [STATE:]NAME VALUE …`"));
            }
            let style = style_id(words.get(1).copied(), false)?.ok_or("style 0 cannot be defined")?;
            let mut entries = Vec::new();
            for pair in words[2..].chunks(2) {
                let (state, name) = match pair[0].split_once(':') {
                    Some((state, name)) => {
                        (Some(State::from_name(state).ok_or_else(|| format!("`{state}` is not a state"))?), name)
                    }
                    None => (None, pair[0]),
                };
                let p = StyleProperty::from_name(name).ok_or_else(|| format!("`{name}` is not a style property"))?;
                entries.push(StyleEntry { state, decl: StyleDecl::parse(p, pair[1])? });
            }
            Command::DefineStyle { style, entries }
        }
        "use-style" => {
            arity(3)?;
            let style = style_id(Some(words[2]), false)?.ok_or("style 0 cannot be used")?;
            Command::UseStyle { id: node(1)?, style }
        }
        "destroy" => {
            arity(2)?;
            Command::DestroyNode { id: node(1)? }
        }
        "append" => {
            arity(3)?;
            Command::AppendChild { parent: node(1)?, child: node(2)? }
        }
        "insert" => {
            arity(5)?;
            if words[3] != "before" {
                return Err(format!("`{line}`: expected `insert PARENT CHILD before SIBLING`"));
            }
            Command::InsertBefore { parent: node(1)?, child: node(2)?, before: node(4)? }
        }
        "remove" => {
            arity(3)?;
            Command::RemoveChild { parent: node(1)?, child: node(2)? }
        }
        "style" => {
            arity(4)?;
            Command::SetStyle { id: node(1)?, decl: StyleDecl::parse(property(2)?, words[3])? }
        }
        "clear" => {
            arity(3)?;
            Command::ClearStyle { id: node(1)?, property: property(2)? }
        }
        "state" | "clear-state" => {
            let state = words.get(2).ok_or_else(|| format!("`{line}`: missing state"))?;
            let state = State::from_name(state).ok_or_else(|| format!("`{state}` is not a state"))?;
            if words[0] == "state" {
                arity(5)?;
                Command::SetStateStyle { id: node(1)?, state, decl: StyleDecl::parse(property(3)?, words[4])? }
            } else {
                arity(4)?;
                Command::ClearStateStyle { id: node(1)?, state, property: property(3)? }
            }
        }
        "focus" => {
            arity(2)?;
            Command::Focus { id: node(1)? }
        }
        "animate" => {
            let value = words.get(3).ok_or_else(|| format!("`{line}`: missing value"))?;
            let to = StyleDecl::parse(property(2)?, value)?;
            let mut rest = &words[4..];
            let mut tag = 0;
            if rest.first() == Some(&"tag") {
                let w = rest.get(1).ok_or("`tag` needs a value")?;
                tag = w.parse().map_err(|_| format!("`{w}` is not a tag"))?;
                rest = &rest[2..];
            }
            Command::Animate { id: node(1)?, tag, to, timing: Timing::parse(rest)? }
        }
        "cancel" => {
            arity(3)?;
            Command::CancelAnimation { id: node(1)?, property: property(2)? }
        }
        "query-layout" => {
            arity(2)?;
            Command::QueryLayout { id: node(1)? }
        }
        "viewport" => {
            arity(3)?;
            Command::SetViewport { width: num(1)?, height: num(2)? }
        }
        "text" | "font-family" | "image" => {
            // The string may hold spaces: take it from the line, not from the words.
            let after_id = line[words[0].len()..].trim_start();
            let quoted = after_id.get(words.get(1).map_or(0, |w| w.len())..).unwrap_or("").trim_start();
            let s = unquote(quoted).map_err(|e| format!("`{line}`: {e}"))?;
            let id = node(1)?;
            match words[0] {
                "text" => Command::SetText { id, text: s },
                "font-family" => Command::SetFontFamily { id, family: s },
                _ => Command::SetImage { id, src: s },
            }
        }
        other => return Err(format!("`{other}` is not a command")),
    };
    Ok(Some(cmd))
}

/// Reads a style id; `0` is `None`, and an error unless `none_ok`.
fn style_id(word: Option<&str>, none_ok: bool) -> Result<Option<StyleId>, String> {
    let w = word.ok_or("missing style id")?;
    match w.parse::<u32>() {
        Ok(0) if none_ok => Ok(None),
        Ok(0) => Err("style 0 names no style".into()),
        Ok(s) => Ok(Some(StyleId(s))),
        Err(_) => Err(format!("`{w}` is not a style id")),
    }
}

/// Reads a string in double quotes with Rust's escapes; nothing may follow the closing quote.
fn unquote(s: &str) -> Result<String, String> {
    let mut chars = s.strip_prefix('"').ok_or("expected a string in double quotes")?.chars();
    let mut out = String::new();
    loop {
        match chars.next().ok_or("unterminated string")? {
            '"' => break,
            '\\' => {
                let c = match chars.next().ok_or("unterminated escape")? {
                    'n' => '\n',
                    't' => '\t',
                    'r' => '\r',
                    '0' => '\0',
                    c @ ('"' | '\\' | '\'') => c,
                    'u' => {
                        let rest = chars.as_str();
                        let body = rest.strip_prefix('{').and_then(|r| r.split_once('}')).ok_or("bad \\u{…} escape")?;
                        let c =
                            u32::from_str_radix(body.0, 16).ok().and_then(char::from_u32).ok_or("bad \\u{…} escape")?;
                        chars = body.1.chars();
                        c
                    }
                    c => return Err(format!("unknown escape `\\{c}`")),
                };
                out.push(c);
            }
            c => out.push(c),
        }
    }
    if !chars.as_str().trim().is_empty() {
        return Err("text after the closing quote".into());
    }
    Ok(out)
}

/// Parses a whole text, reporting the first bad line (1-based) in `Error::offset`.
pub fn parse(src: &str) -> Result<Vec<Command>, Error> {
    let mut out = Vec::new();
    for (i, line) in src.lines().enumerate() {
        match parse_line(line) {
            Ok(Some(c)) => out.push(c),
            Ok(None) => {}
            Err(msg) => return Err(Error { offset: i as u32 + 1, opcode: None, kind: ErrorKind::Syntax(msg) }),
        }
    }
    Ok(out)
}

/// Prints commands one per line.
pub fn print(commands: &[Command]) -> String {
    let mut out = String::new();
    for c in commands {
        out.push_str(&c.to_string());
        out.push('\n');
    }
    out
}
