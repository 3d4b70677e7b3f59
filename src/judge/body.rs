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

/// Parse a body as JSON, refusing duplicate keys and out-of-range numbers.
/// Nesting deeper than serde_json's limit (128) is an error, not a stack overflow.
pub fn parse_json_strict(bytes: &[u8]) -> Result<Value, String> {
    if let Err(e) = std::str::from_utf8(bytes) {
        return Err(format!(
            "the body is not UTF-8 (invalid byte at offset {})",
            e.valid_up_to()
        ));
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let Strict(v) = serde::Deserialize::deserialize(&mut de).map_err(|e| e.to_string())?;
    de.end().map_err(|e| e.to_string())?;
    Ok(v)
}

/// The start of a body as text, for failure messages (at most 600 characters).
pub fn excerpt(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let mut s: String = text.chars().take(600).collect();
    if text.chars().count() > 600 {
        s.push('…');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicate_keys_are_refused() {
        let e = parse_json_strict(br#"{"a":1,"a":2}"#)
            .err()
            .unwrap_or_default();
        assert!(e.contains("duplicate key `a`"), "{e}");
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = "[".repeat(10_000) + &"]".repeat(10_000);
        assert!(parse_json_strict(deep.as_bytes()).is_err());
    }

    #[test]
    fn huge_numbers_and_invalid_utf8_are_errors() {
        assert!(parse_json_strict(b"1e999").is_err());
        assert!(parse_json_strict(b"\"\xff\"").is_err());
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
