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
    /// The selected number (or a string that reads as one, like "2.0") is this one plus 1.
    OneMoreThan(ValueTemplate),
    /// The selected date-time equals `from + by`, within `within`.
    DateOffset {
        from: Operand,
        by: Duration,
        negative: bool,
        within: Duration,
    },
    /// The selected date-time compared, as an instant, with another one: the number of
    /// fractional digits and the time zone notation do not matter.
    Instant {
        cmp: InstantCmp,
        other: Operand,
    },
}

/// How an [`MatcherKind::Instant`] compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InstantCmp {
    /// `sameInstant`: the same point in time.
    Same,
    /// `after`: strictly later.
    After,
    /// `before`: strictly earlier.
    Before,
    /// `notBefore`: the same instant or later (a value that may stay or move forward).
    NotBefore,
}

impl InstantCmp {
    pub fn key(self) -> &'static str {
        match self {
            InstantCmp::Same => "sameInstant",
            InstantCmp::After => "after",
            InstantCmp::Before => "before",
            InstantCmp::NotBefore => "notBefore",
        }
    }
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
    "oneMoreThan",
    "offsetFrom",
    "by",
    "within",
    "sameInstant",
    "after",
    "before",
    "notBefore",
];

/// Default tolerance of `offsetFrom`: documented examples differ by sub-second
/// precision (GRAPH-TIMESTAMP-PRECISION), and real services stamp the two times separately.
pub const DEFAULT_OFFSET_TOLERANCE: Duration = Duration::from_secs(60);

/// Why a matcher object is refused, and which of its keys is at fault.
#[derive(Debug, Clone, Default)]
pub(crate) struct MatcherError {
    pub message: String,
    pub hint: Option<String>,
    /// The key the error is about, to point at it in the source.
    pub key: Option<String>,
}

type Refusal = (String, Option<String>);

/// Parse the YAML value of one assertion into matchers.
pub(crate) fn parse_matchers(v: &Value, span: Span) -> Result<Vec<Matcher>, MatcherError> {
    let refuse = |key: Option<&str>| {
        let key = key.map(str::to_string);
        move |(message, hint): Refusal| MatcherError {
            message,
            hint,
            key: key.clone(),
        }
    };
    let Value::Object(map) = v else {
        return Ok(vec![Matcher {
            kind: MatcherKind::Equals(template(v).map_err(refuse(None))?),
            span,
        }]);
    };
    if map.is_empty() {
        return Err(refuse(None)((
            "empty matcher object".into(),
            Some("write a value to compare with, or a matcher such as {type: string}".into()),
        )));
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
            return Err(refuse(Some(key))((
                format!("unknown matcher `{key}`"),
                Some(hint),
            )));
        }
    }
    check_offset_parts(map).map_err(|(key, r)| refuse(Some(key))(r))?;
    let mut out: Vec<(&str, Matcher)> = Vec::new();
    for (key, val) in map {
        if let Some(kind) = parse_one(key, val, map).map_err(refuse(Some(key)))? {
            out.push((key.as_str(), Matcher { kind, span }));
        }
    }
    check_conflicts(&out).map_err(|(key, r)| refuse(Some(key))(r))?;
    Ok(out.into_iter().map(|(_, m)| m).collect())
}

fn template(v: &Value) -> Result<ValueTemplate, Refusal> {
    ValueTemplate::parse(v).map_err(|e| (e.to_string(), None))
}

/// `by` and `within` of an `offsetFrom`, checked first so an error points at them.
fn check_offset_parts(map: &serde_json::Map<String, Value>) -> Result<(), (&'static str, Refusal)> {
    if !map.contains_key("offsetFrom") {
        return Ok(());
    }
    if let Some(by) = map.get("by") {
        let text = by.as_str().ok_or_else(|| {
            (
                "by",
                (
                    format!("`by` takes a duration such as P14D; got {by}"),
                    Some("a bare number has no unit: write e.g. `P14D` or `-P1D`".into()),
                ),
            )
        })?;
        parse_duration(text.strip_prefix('-').unwrap_or(text))
            .map_err(|m| ("by", (format!("`by`: {m}"), None)))?;
    }
    if let Some(w) = map.get("within") {
        let text = w.as_str().ok_or_else(|| {
            (
                "within",
                (
                    format!("`within` takes a duration such as PT1M; got {w}"),
                    Some("a bare number has no unit: write e.g. `60s` or `PT1M`".into()),
                ),
            )
        })?;
        parse_duration(text).map_err(|m| ("within", (format!("`within`: {m}"), None)))?;
    }
    Ok(())
}

/// One key of a matcher object; `by` and `within` belong to `offsetFrom`.
fn parse_one(
    key: &str,
    val: &Value,
    map: &serde_json::Map<String, Value>,
) -> Result<Option<MatcherKind>, Refusal> {
    let flag = |v: &Value| -> Result<bool, Refusal> {
        v.as_bool()
            .ok_or_else(|| (format!("`{key}` takes true or false"), None))
    };
    let count = |v: &Value| -> Result<usize, Refusal> {
        v.as_u64()
            .and_then(|n| usize::try_from(n).ok())
            .ok_or_else(|| {
                (
                    format!("`{key}` takes a whole number, 0 or more; got {v}"),
                    None,
                )
            })
    };
    Ok(Some(match key {
        "equals" => MatcherKind::Equals(template(val)?),
        "notEquals" => MatcherKind::NotEquals(template(val)?),
        "oneOf" => {
            let Value::Array(items) = val else {
                return Err((
                    format!("`oneOf` takes a list of values; got {val}"),
                    Some(
                        "write e.g. `oneOf: [pending, active]`; for one value write it alone"
                            .into(),
                    ),
                ));
            };
            MatcherKind::OneOf(items.iter().map(template).collect::<Result<_, _>>()?)
        }
        "type" => {
            let t = val.as_str().and_then(JsonType::parse).ok_or_else(|| {
                let suggestion = match val.as_str().unwrap_or("") {
                    "bool" => Some("boolean"),
                    "int" | "long" => Some("integer"),
                    "str" | "text" => Some("string"),
                    "float" | "double" | "decimal" => Some("number"),
                    "list" | "sequence" => Some("array"),
                    "map" | "dict" | "mapping" => Some("object"),
                    _ => None,
                };
                (
                    format!("`type` must be one of string, number, integer, boolean, array, object, null; got {val}"),
                    suggestion.map(|s| format!("did you mean `{s}`? the names are JSON's")),
                )
            })?;
            MatcherKind::Type(t)
        }
        "regex" => {
            let src = val.as_str().ok_or_else(|| {
                (
                    format!("`regex` takes a string; got {val}"),
                    Some("quote the pattern: `regex: \"^[0-9]+$\"`".into()),
                )
            })?;
            let re = regex::Regex::new(src).map_err(|e| {
                (
                    format!(
                        "invalid regex: {}",
                        e.to_string()
                            .lines()
                            .last()
                            .unwrap_or("syntax error")
                            .trim()
                            .trim_start_matches("error: ")
                    ),
                    Some(
                        "the syntax is Rust's `regex` crate (no look-around or backreferences)"
                            .into(),
                    ),
                )
            })?;
            MatcherKind::Regex(re)
        }
        "exists" => {
            if flag(val)? {
                MatcherKind::Exists
            } else {
                MatcherKind::Absent
            }
        }
        "absent" => {
            if flag(val)? {
                MatcherKind::Absent
            } else {
                MatcherKind::Exists
            }
        }
        "count" => MatcherKind::Count(count(val)?),
        "length" => MatcherKind::Length(count(val)?),
        "contains" => MatcherKind::Contains(template(val)?),
        "oneMoreThan" => MatcherKind::OneMoreThan(template(val)?),
        "nonEmpty" => {
            if flag(val)? {
                MatcherKind::NonEmpty
            } else {
                return Err((
                    "`nonEmpty: false` checks nothing".into(),
                    Some("remove it, or write `length: 0` for an empty value".into()),
                ));
            }
        }
        "sameInstant" | "after" | "before" | "notBefore" => MatcherKind::Instant {
            cmp: match key {
                "sameInstant" => InstantCmp::Same,
                "after" => InstantCmp::After,
                "notBefore" => InstantCmp::NotBefore,
                _ => InstantCmp::Before,
            },
            other: date_operand(key, val)?,
        },
        "offsetFrom" => {
            let from = date_operand("offsetFrom", val)?;
            let by_src = map.get("by").and_then(Value::as_str).ok_or_else(|| {
                (
                    "`offsetFrom` needs `by`, a duration such as P14D".to_string(),
                    Some("write e.g. `{offsetFrom: $.requestDateTime, by: P14D}`".into()),
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
                        (
                            format!("`within` takes a duration such as PT1M; got {w}"),
                            Some("a bare number has no unit: write e.g. `60s` or `PT1M`".into()),
                        )
                    })?;
                    parse_duration(w).map_err(|m| (format!("`within`: {m}"), None))?
                }
                None => DEFAULT_OFFSET_TOLERANCE,
            };
            MatcherKind::DateOffset {
                from,
                by,
                negative,
                within,
            }
        }
        "by" | "within" if !map.contains_key("offsetFrom") => {
            return Err((
                format!("`{key}` belongs to `offsetFrom`"),
                Some("write {offsetFrom: $.start, by: P14D}".into()),
            ));
        }
        _ => return Ok(None),
    }))
}

/// The other side of a date comparison: a JSONPath into the same body, or a template
/// that yields a date-time.
fn date_operand(key: &str, val: &Value) -> Result<Operand, Refusal> {
    let src = val.as_str().ok_or_else(|| {
        (
            format!("`{key}` takes a JSONPath ($…) or a date-time"),
            Some(format!(
                "write e.g. `{key}: $.createdDateTime` or `{key}: \"{{{{ createdAt }}}}\"`"
            )),
        )
    })?;
    if src.trim_start().starts_with('$') {
        let path = JsonPath::parse(src).map_err(|e| {
            (
                format!("invalid JSONPath `{src}`: {e}"),
                Some("JSONPath follows RFC 9535, e.g. $.requestDateTime".into()),
            )
        })?;
        Ok(Operand::Path {
            source: src.to_string(),
            path,
        })
    } else {
        Ok(Operand::Value(date_time_operand(key, src)?))
    }
}

/// The non-JSONPath side of a date comparison: a template that yields a date-time.
/// A literal is checked now, so a forgotten `$.` fails at load, not after the
/// scenario's requests were sent.
fn date_time_operand(key: &str, src: &str) -> Result<Template, Refusal> {
    let t = Template::parse(src).map_err(|e| (e.to_string(), None))?;
    if t.vars().next().is_none() && chrono::DateTime::parse_from_rfc3339(src.trim()).is_err() {
        let looks_like_a_path = !src.is_empty()
            && src.chars().all(|c| {
                c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '[' | ']' | '@' | '\'')
            });
        let hint = if looks_like_a_path {
            format!(
                "did you mean `$.{}`? a JSONPath starts at the root `$`",
                src.trim_start_matches('.')
            )
        } else {
            "write a JSONPath into the same body (`$.requestDateTime`), a placeholder (`{{ createdAt }}`) or an RFC 3339 date-time (`2026-01-01T00:00:00Z`)".to_string()
        };
        return Err((
            format!("`{key}` takes a JSONPath ($…) or a date-time; `{src}` is neither"),
            Some(hint),
        ));
    }
    Ok(t)
}

/// Matchers of one object that can never hold together.
fn check_conflicts<'k>(ms: &[(&'k str, Matcher)]) -> Result<(), (&'k str, Refusal)> {
    let absent = ms
        .iter()
        .find(|(_, m)| matches!(m.kind, MatcherKind::Absent));
    let exists = ms
        .iter()
        .find(|(_, m)| matches!(m.kind, MatcherKind::Exists));
    if let (Some((a, _)), Some((e, _))) = (absent, exists) {
        return Err((
            a,
            (
                format!("`{e}` and `{a}` contradict each other"),
                Some("keep one: the value is either there or not".into()),
            ),
        ));
    }
    if let Some((a, _)) = absent
        && let Some((other, _)) = ms.iter().find(|(_, m)| !m.kind.is_node_set())
    {
        return Err((
            other,
            (
                format!(
                    "`{a}` cannot be combined with `{other}`: an absent value has nothing to check"
                ),
                Some("keep one of them".into()),
            ),
        ));
    }
    for (k, m) in ms {
        if let MatcherKind::Count(n) = m.kind
            && ((n == 0 && exists.is_some()) || (n > 0 && absent.is_some()))
        {
            return Err((
                k,
                (
                    format!("`count: {n}` contradicts the other matchers of this path"),
                    Some("keep one of them".into()),
                ),
            ));
        }
    }
    Ok(())
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
            .unwrap_or_else(|e| vec![format!("ERR {}", e.message)])
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
        assert_eq!(e.hint.as_deref(), Some("did you mean `type`?"));
        assert_eq!(e.key.as_deref(), Some("tpye"));
    }

    #[test]
    fn contradicting_matchers_are_errors() {
        assert!(kinds(json!({"exists": true, "absent": true}))[0].starts_with("ERR"));
        assert!(kinds(json!({"absent": true, "type": "string"}))[0].starts_with("ERR"));
        assert!(kinds(json!({"exists": true, "count": 0}))[0].starts_with("ERR"));
        assert_eq!(
            kinds(json!({"exists": true, "type": "string"})),
            vec!["Exists", "Type"]
        );
    }

    #[test]
    fn offset_from_a_bare_word_is_an_error_with_the_path_suggested() {
        let e = parse_matchers(
            &json!({"offsetFrom": "requestDateTime", "by": "P14D"}),
            Span::default(),
        )
        .err()
        .unwrap_or_default();
        assert_eq!(
            e.message,
            "`offsetFrom` takes a JSONPath ($…) or a date-time; `requestDateTime` is neither"
        );
        assert_eq!(
            e.hint.as_deref(),
            Some("did you mean `$.requestDateTime`? a JSONPath starts at the root `$`")
        );
    }

    #[test]
    fn offset_from_a_date_time_or_a_placeholder_loads() {
        for from in ["2026-01-01T00:00:00Z", "{{ createdAt }}"] {
            assert_eq!(
                kinds(json!({"offsetFrom": from, "by": "P1D"})),
                vec!["DateOffset"],
                "{from}"
            );
        }
    }

    #[test]
    fn instant_comparisons_take_a_path_or_a_date_time() {
        assert_eq!(
            kinds(json!({"sameInstant": "$.createdDateTime"})),
            vec!["Instant"]
        );
        assert_eq!(kinds(json!({"after": "{{ createdAt }}"})), vec!["Instant"]);
        assert_eq!(
            kinds(json!({"notBefore": "$.createdDateTime"})),
            vec!["Instant"]
        );
        assert_eq!(
            kinds(json!({"before": "2030-01-01T00:00:00Z"})),
            vec!["Instant"]
        );
        assert!(kinds(json!({"after": "createdDateTime"}))[0].starts_with("ERR"));
        assert!(kinds(json!({"sameInstant": 3}))[0].starts_with("ERR"));
    }

    #[test]
    fn bad_regex_and_type_are_errors() {
        assert!(kinds(json!({"regex": "("}))[0].starts_with("ERR"));
        assert!(kinds(json!({"type": "str"}))[0].starts_with("ERR"));
    }
}
