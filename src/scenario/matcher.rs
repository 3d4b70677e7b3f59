//! Matchers: what a value selected by a JSONPath (or a header) must satisfy.
//!
//! In YAML, a scalar or a list means equality; a mapping is a matcher object whose
//! keys name matchers (several keys must all hold). `equals` compares with an object.

use std::time::Duration;

use serde_json::Value;
use serde_json_path::JsonPath;

use super::duration::parse_duration;
use super::error::{Span, did_you_mean};
use super::template::{Template, ValueTemplate};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonType {
    String,
    Number,
    Integer,
    Boolean,
    Array,
    Object,
    Null,
}

impl JsonType {
    fn parse(s: &str) -> Option<JsonType> {
        Some(match s {
            "string" => JsonType::String,
            "number" => JsonType::Number,
            "integer" => JsonType::Integer,
            "boolean" => JsonType::Boolean,
            "array" => JsonType::Array,
            "object" => JsonType::Object,
            "null" => JsonType::Null,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            JsonType::String => "string",
            JsonType::Number => "number",
            JsonType::Integer => "integer",
            JsonType::Boolean => "boolean",
            JsonType::Array => "array",
            JsonType::Object => "object",
            JsonType::Null => "null",
        }
    }

    pub fn matches(self, v: &Value) -> bool {
        match self {
            JsonType::String => v.is_string(),
            JsonType::Number => v.is_number(),
            JsonType::Integer => v.is_i64() || v.is_u64(),
            JsonType::Boolean => v.is_boolean(),
            JsonType::Array => v.is_array(),
            JsonType::Object => v.is_object(),
            JsonType::Null => v.is_null(),
        }
    }
}

/// The other side of a comparison: a JSONPath into the same body or a template.
#[derive(Debug, Clone)]
pub enum Operand {
    Path { source: String, path: JsonPath },
    Value(Template),
}

#[derive(Debug, Clone)]
pub enum MatcherKind {
    Equals(ValueTemplate),
    NotEquals(ValueTemplate),
    OneOf(Vec<ValueTemplate>),
    Type(JsonType),
    Regex(regex::Regex),
    /// At least one node is selected.
    Exists,
    /// No node is selected.
    Absent,
    /// Exactly this many nodes are selected.
    Count(usize),
    /// The selected array or string has this length.
    Length(usize),
    /// The selected array contains an element equal to this, or the string contains it.
    Contains(ValueTemplate),
    /// The selected array, string or object is not empty.
    NonEmpty,
    /// The selected date-time equals `from + by`, within `within`.
    DateOffset {
        from: Operand,
        by: Duration,
        negative: bool,
        within: Duration,
    },
}

#[derive(Debug, Clone)]
pub struct Matcher {
    pub kind: MatcherKind,
    pub span: Span,
}

impl MatcherKind {
    /// Matchers that look at the node set rather than at one value.
    pub fn is_node_set(&self) -> bool {
        matches!(
            self,
            MatcherKind::Exists | MatcherKind::Absent | MatcherKind::Count(_)
        )
    }
}

pub(crate) const MATCHER_KEYS: &[&str] = &[
    "equals",
    "notEquals",
    "oneOf",
    "type",
    "regex",
    "exists",
    "absent",
    "count",
    "length",
    "contains",
    "nonEmpty",
    "offsetFrom",
    "by",
    "within",
];

/// Default tolerance of `offsetFrom`: documented examples differ by sub-second
/// precision (fact sheet §11.9), and real services stamp the two times separately.
pub const DEFAULT_OFFSET_TOLERANCE: Duration = Duration::from_secs(60);

/// Parse the YAML value of one assertion into matchers. Errors carry a message and a hint.
pub(crate) fn parse_matchers(
    v: &Value,
    span: Span,
) -> Result<Vec<Matcher>, (String, Option<String>)> {
    let template = |v: &Value| ValueTemplate::parse(v).map_err(|(_, m)| (m, None));
    let Value::Object(map) = v else {
        return Ok(vec![Matcher {
            kind: MatcherKind::Equals(template(v)?),
            span,
        }]);
    };
    if map.is_empty() {
        return Err((
            "empty matcher object".into(),
            Some("write a value to compare with, or a matcher such as {type: string}".into()),
        ));
    }
    for key in map.keys() {
        if !MATCHER_KEYS.contains(&key.as_str()) {
            let hint = did_you_mean(key, MATCHER_KEYS.iter().copied())
                .map(|k| format!("did you mean `{k}`?"))
                .unwrap_or_else(|| {
                    format!(
                        "known matchers: {}; to compare with an object write {{equals: {{…}}}}",
                        MATCHER_KEYS.join(", ")
                    )
                });
            return Err((format!("unknown matcher `{key}`"), Some(hint)));
        }
    }
    let mut out = Vec::new();
    let mut push = |kind| out.push(Matcher { kind, span });
    let flag = |key: &str, v: &Value| -> Result<bool, (String, Option<String>)> {
        v.as_bool()
            .ok_or_else(|| (format!("`{key}` takes true or false"), None))
    };
    let count = |key: &str, v: &Value| -> Result<usize, (String, Option<String>)> {
        v.as_u64()
            .and_then(|n| usize::try_from(n).ok())
            .ok_or_else(|| (format!("`{key}` takes a non-negative integer"), None))
    };
    for (key, val) in map {
        match key.as_str() {
            "equals" => push(MatcherKind::Equals(template(val)?)),
            "notEquals" => push(MatcherKind::NotEquals(template(val)?)),
            "oneOf" => {
                let Value::Array(items) = val else {
                    return Err(("`oneOf` takes a list of values".into(), None));
                };
                push(MatcherKind::OneOf(
                    items.iter().map(template).collect::<Result<_, _>>()?,
                ));
            }
            "type" => {
                let t = val.as_str().and_then(JsonType::parse).ok_or_else(|| {
                    (
                        format!("`type` must be one of string, number, integer, boolean, array, object, null; got {val}"),
                        None,
                    )
                })?;
                push(MatcherKind::Type(t));
            }
            "regex" => {
                let src = val
                    .as_str()
                    .ok_or_else(|| ("`regex` takes a string".to_string(), None))?;
                let re = regex::Regex::new(src).map_err(|e| {
                    (
                        format!(
                            "invalid regex: {}",
                            e.to_string()
                                .lines()
                                .last()
                                .unwrap_or("syntax error")
                                .trim()
                        ),
                        Some(
                            "the syntax is Rust's `regex` crate (no look-around or backreferences)"
                                .into(),
                        ),
                    )
                })?;
                push(MatcherKind::Regex(re));
            }
            "exists" => push(if flag(key, val)? {
                MatcherKind::Exists
            } else {
                MatcherKind::Absent
            }),
            "absent" => push(if flag(key, val)? {
                MatcherKind::Absent
            } else {
                MatcherKind::Exists
            }),
            "count" => push(MatcherKind::Count(count(key, val)?)),
            "length" => push(MatcherKind::Length(count(key, val)?)),
            "contains" => push(MatcherKind::Contains(template(val)?)),
            "nonEmpty" => {
                if flag(key, val)? {
                    push(MatcherKind::NonEmpty);
                } else {
                    return Err(("`nonEmpty: false` checks nothing; remove it".into(), None));
                }
            }
            "offsetFrom" => {
                let from_src = val.as_str().ok_or_else(|| {
                    (
                        "`offsetFrom` takes a JSONPath ($…) or a template".to_string(),
                        None,
                    )
                })?;
                let from = if from_src.trim_start().starts_with('$') {
                    let path = JsonPath::parse(from_src)
                        .map_err(|e| (format!("invalid JSONPath `{from_src}`: {e}"), None))?;
                    Operand::Path {
                        source: from_src.to_string(),
                        path,
                    }
                } else {
                    Operand::Value(Template::parse(from_src).map_err(|(_, m)| (m, None))?)
                };
                let by_src = map.get("by").and_then(Value::as_str).ok_or_else(|| {
                    (
                        "`offsetFrom` needs `by`, a duration such as P14D".to_string(),
                        None,
                    )
                })?;
                let (negative, by_text) = match by_src.strip_prefix('-') {
                    Some(rest) => (true, rest),
                    None => (false, by_src),
                };
                let by = parse_duration(by_text).map_err(|m| (format!("`by`: {m}"), None))?;
                let within = match map.get("within") {
                    Some(w) => {
                        let w = w.as_str().ok_or_else(|| {
                            ("`within` takes a duration such as PT1M".to_string(), None)
                        })?;
                        parse_duration(w).map_err(|m| (format!("`within`: {m}"), None))?
                    }
                    None => DEFAULT_OFFSET_TOLERANCE,
                };
                push(MatcherKind::DateOffset {
                    from,
                    by,
                    negative,
                    within,
                });
            }
            "by" | "within" if !map.contains_key("offsetFrom") => {
                return Err((
                    format!("`{key}` belongs to `offsetFrom`"),
                    Some("write {offsetFrom: $.start, by: P14D}".into()),
                ));
            }
            _ => {}
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn kinds(v: Value) -> Vec<String> {
        parse_matchers(&v, Span::default())
            .map(|ms| {
                ms.iter()
                    .map(|m| {
                        format!("{:?}", m.kind)
                            .split(['(', ' ', '{'])
                            .next()
                            .unwrap_or("")
                            .to_string()
                    })
                    .collect()
            })
            .unwrap_or_else(|e| vec![format!("ERR {}", e.0)])
    }

    #[test]
    fn scalars_and_lists_mean_equality() {
        assert_eq!(kinds(json!("pending")), vec!["Equals"]);
        assert_eq!(kinds(json!([1, 2])), vec!["Equals"]);
    }

    #[test]
    fn matcher_objects_combine() {
        assert_eq!(
            kinds(json!({"type": "string", "regex": "^a"})),
            vec!["Type", "Regex"]
        );
    }

    #[test]
    fn offset_needs_by_and_takes_within() {
        assert_eq!(
            kinds(json!({"offsetFrom": "$.a", "by": "P14D", "within": "PT1M"})),
            vec!["DateOffset"]
        );
        assert!(kinds(json!({"offsetFrom": "$.a"}))[0].starts_with("ERR"));
        assert!(kinds(json!({"by": "P1D"}))[0].starts_with("ERR"));
    }

    #[test]
    fn unknown_keys_get_a_suggestion() {
        let e = parse_matchers(&json!({"tpye": "string"}), Span::default())
            .err()
            .unwrap_or_default();
        assert_eq!(e.1.as_deref(), Some("did you mean `type`?"));
    }

    #[test]
    fn bad_regex_and_type_are_errors() {
        assert!(kinds(json!({"regex": "("}))[0].starts_with("ERR"));
        assert!(kinds(json!({"type": "str"}))[0].starts_with("ERR"));
    }
}
