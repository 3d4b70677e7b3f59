//! Parsing response bodies strictly: JSON that a lenient parser would accept with a
//! silent guess (duplicate keys, numbers out of range) is reported instead.

use std::fmt;

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

struct Strict(Value);

impl<'de> serde::Deserialize<'de> for Strict {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(StrictVisitor).map(Strict)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        serde_json::Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| E::custom("a number is out of range"))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::new();
        while let Some(Strict(v)) = seq.next_element()? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if out.contains_key(&key) {
                return Err(de::Error::custom(format!("duplicate key `{key}`")));
            }
            let Strict(v) = map.next_value()?;
            out.insert(key, v);
        }
        Ok(Value::Object(out))
    }
}

/// serde_json's nesting limit: deeper bodies are refused, not a stack overflow.
const MAX_NESTING: usize = 128;

/// Why a body is not (strictly) JSON. Messages are phrased to follow "the body is not
/// valid JSON: ".
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JsonError {
    #[error("it is not UTF-8 (invalid byte 0x{byte:02X} at offset {offset})")]
    NotUtf8 { byte: u8, offset: usize },
    /// The parser's own words (duplicate keys and numbers out of range included).
    #[error("{0}")]
    Syntax(String),
    #[error("it nests deeper than {MAX_NESTING} levels ({at})")]
    TooDeep { at: String },
    #[error(
        "the integer {literal} at offset {offset} does not fit in 64 bits; it would be rounded"
    )]
    WideInteger { literal: String, offset: usize },
    /// tgconform sends no `Accept-Encoding`, so the server owes an identity body.
    #[error(
        "it is encoded with Content-Encoding: {encoding}, which tgconform did not ask for (it sends no Accept-Encoding)"
    )]
    Encoded { encoding: String },
}

/// Parse a body as JSON, refusing what a lenient parser would guess at: duplicate keys,
/// numbers out of range, integers that do not fit in 64 bits (an f64 would round them),
/// invalid UTF-8, and nesting deeper than 128 levels (an error, not a stack overflow).
pub fn parse_json_strict(bytes: &[u8]) -> Result<Value, JsonError> {
    if let Err(e) = std::str::from_utf8(bytes) {
        return Err(JsonError::NotUtf8 {
            byte: bytes[e.valid_up_to()],
            offset: e.valid_up_to(),
        });
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let parsed = serde::Deserialize::deserialize(&mut de).and_then(|Strict(v)| {
        de.end()?;
        Ok(v)
    });
    let v = parsed.map_err(|e| {
        let text = e.to_string();
        match text.strip_prefix("recursion limit exceeded") {
            Some(at) => JsonError::TooDeep {
                at: at.trim().to_string(),
            },
            None => JsonError::Syntax(text),
        }
    })?;
    if let Some((offset, literal)) = wide_integer(bytes) {
        return Err(JsonError::WideInteger { literal, offset });
    }
    Ok(v)
}

/// The first integer literal (outside strings) beyond i64/u64, in a well-formed body.
fn wide_integer(bytes: &[u8]) -> Option<(usize, String)> {
    let mut i = 0;
    let mut in_string = false;
    while i < bytes.len() {
        let b = bytes[i];
        if in_string {
            match b {
                b'\\' => i += 1,
                b'"' => in_string = false,
                _ => {}
            }
            i += 1;
            continue;
        }
        match b {
            b'"' => {
                in_string = true;
                i += 1;
            }
            b'-' | b'0'..=b'9' => {
                let start = i;
                while i < bytes.len()
                    && matches!(bytes[i], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
                {
                    i += 1;
                }
                let literal = std::str::from_utf8(&bytes[start..i]).unwrap_or("");
                let integral = !literal.contains(['.', 'e', 'E']);
                if integral && literal.parse::<i64>().is_err() && literal.parse::<u64>().is_err() {
                    return Some((start, literal.to_string()));
                }
            }
            _ => i += 1,
        }
    }
    None
}

/// `text` with control characters (and invisible bidi or zero-width characters) written
/// as `\u{1b}` escapes, so a target cannot move the cursor, clear the screen or hide
/// text in what tgconform prints. Newlines and tabs stay.
pub fn printable(text: &str) -> String {
    let hidden = |c: char| {
        (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
    };
    if !text.chars().any(hidden) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if hidden(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// The start of a body as printable text, for failure messages (at most 600 characters).
pub fn excerpt(bytes: &[u8]) -> String {
    let head = &bytes[..bytes.len().min(4 * 600)];
    let text = String::from_utf8_lossy(head).replace("\r\n", "\n");
    let mut s: String = text.chars().take(600).collect();
    if text.chars().count() > 600 || head.len() < bytes.len() {
        s.push('…');
    }
    printable(&s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicate_keys_are_refused() {
        let e = parse_json_strict(br#"{"a":1,"a":2}"#)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.contains("duplicate key `a`"), "{e}");
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = "[".repeat(10_000) + &"]".repeat(10_000);
        assert!(matches!(
            parse_json_strict(deep.as_bytes()),
            Err(JsonError::TooDeep { .. })
        ));
    }

    #[test]
    fn huge_numbers_and_invalid_utf8_are_errors() {
        assert!(parse_json_strict(b"1e999").is_err());
        assert_eq!(
            parse_json_strict(b"\"\xff\"").err(),
            Some(JsonError::NotUtf8 {
                byte: 0xFF,
                offset: 1
            })
        );
    }

    #[test]
    fn integers_beyond_64_bits_are_errors_but_floats_and_strings_are_not() {
        assert_eq!(
            parse_json_strict(br#"{"a": 1180591620717411303424}"#).err(),
            Some(JsonError::WideInteger {
                literal: "1180591620717411303424".into(),
                offset: 6
            })
        );
        assert!(
            parse_json_strict(br#"{"a": -9223372036854775808, "b": 18446744073709551615}"#).is_ok()
        );
        assert!(parse_json_strict(br#"{"a": 1.2e21, "b": "11805916207174113034240"}"#).is_ok());
        assert!(parse_json_strict(br#"{"a": "x\"1180591620717411303424"}"#).is_ok());
    }

    #[test]
    fn control_characters_are_escaped_and_text_is_kept() {
        assert_eq!(
            printable("a\u{1b}[31mb\r\u{7}"),
            "a\\u{1b}[31mb\\u{d}\\u{7}"
        );
        assert_eq!(printable("x\u{202e}y"), "x\\u{202e}y");
        assert_eq!(printable("plain\ttext\nnext é"), "plain\ttext\nnext é");
    }

    #[test]
    fn excerpts_are_short_and_printable() {
        let long = vec![b'x'; 10_000];
        assert_eq!(excerpt(&long).chars().count(), 601);
        assert_eq!(excerpt(b"a\r\nb\x1b"), "a\nb\\u{1b}");
    }

    #[test]
    fn trailing_garbage_is_an_error() {
        assert!(parse_json_strict(b"{} x").is_err());
    }

    #[test]
    fn ordinary_json_parses() {
        assert_eq!(
            parse_json_strict(br#"{"a":[1,2.5,"x",null,true]}"#)
                .ok()
                .map(|v| v["a"][1].clone()),
            Some(serde_json::json!(2.5))
        );
    }
}
