use serde_json::Value;
use serde_json_path::JsonPath;

use super::verdict::{Finding, FindingKind, ResponseView};
use crate::scenario::{
    Assertion, InstantCmp, Matcher, MatcherKind, Operand, Resolver, ValueTemplate,
};
use crate::text::clip;

fn show(v: &Value) -> String {
    clip(&v.to_string(), 200)
}

/// JSON equality where `1` equals `1.0`: YAML and JSON writers disagree on number forms.
pub(crate) fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_f64(), y.as_f64()) {
            (Some(p), Some(q)) => p == q && (x.is_f64() || y.is_f64() || x == y),
            _ => x == y,
        },
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| json_eq(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_eq(v, w)))
        }
        _ => a == b,
    }
}

fn render(t: &ValueTemplate, r: &dyn Resolver) -> Result<Value, String> {
    t.render(r)
}

/// Check one JSONPath assertion against a body.
pub fn check_assertion(a: &Assertion, body: &Value, r: &dyn Resolver) -> Vec<Finding> {
    let label = a.target.source().to_string();
    let path =
        match &a.path {
            Some(p) => p.clone(),
            None => match a.target.render(r).map_err(|e| e.to_string()).and_then(|s| {
                JsonPath::parse(&s).map_err(|e| format!("invalid JSONPath `{s}`: {e}"))
            }) {
                Ok(p) => p,
                Err(e) => {
                    return vec![Finding::new(
                        FindingKind::Template,
                        a.span,
                        format!("{label}: {e}"),
                    )];
                }
            },
        };
    let nodes: Vec<&Value> = path.query(body).all();
    let mut out = Vec::new();
    for m in &a.matchers {
        if let Err(msg) = check_nodes(m, &nodes, body, r) {
            out.push(Finding::new(
                FindingKind::Assertion,
                m.span,
                format!("{label}: {msg}"),
            ));
        }
    }
    out
}

/// Check one header assertion.
pub fn check_header(a: &Assertion, resp: &ResponseView, r: &dyn Resolver) -> Vec<Finding> {
    let name = a.target.source();
    let value = resp.header(name).map(|v| Value::String(v.to_string()));
    let nodes: Vec<&Value> = value.iter().collect();
    let mut out = Vec::new();
    for m in &a.matchers {
        if let Err(msg) = check_nodes(m, &nodes, &Value::Null, r) {
            out.push(Finding::new(
                FindingKind::Header,
                m.span,
                format!("header `{name}`: {msg}"),
            ));
        }
    }
    out
}

fn check_nodes(
    m: &Matcher,
    nodes: &[&Value],
    body: &Value,
    r: &dyn Resolver,
) -> Result<(), String> {
    match &m.kind {
        MatcherKind::Exists => {
            return if nodes.is_empty() {
                Err("expected a value, found none".into())
            } else {
                Ok(())
            };
        }
        MatcherKind::Absent => {
            return match nodes {
                [] => Ok(()),
                [one] => Err(format!("expected no value, found {}", show(one))),
                many => Err(format!("expected no value, found {}", many.len())),
            };
        }
        MatcherKind::Count(n) => {
            return if nodes.len() == *n {
                Ok(())
            } else {
                Err(format!("expected {n} values, found {}", nodes.len()))
            };
        }
        _ => {}
    }
    let v = match nodes {
        [one] => *one,
        [] => return Err("no value at this path".into()),
        many => {
            return Err(format!(
                "selects {} values; value matchers need exactly one (use `count`, or a filter that selects one)",
                many.len()
            ));
        }
    };
    check_value(&m.kind, v, body, r)
}

fn check_value(
    kind: &MatcherKind,
    v: &Value,
    body: &Value,
    r: &dyn Resolver,
) -> Result<(), String> {
    match kind {
        MatcherKind::Equals(t) => {
            let want = render(t, r)?;
            if json_eq(v, &want) {
                Ok(())
            } else {
                Err(format!("expected {}, got {}", show(&want), show(v)))
            }
        }
        MatcherKind::NotEquals(t) => {
            let not = render(t, r)?;
            if json_eq(v, &not) {
                Err(format!("expected anything but {}", show(&not)))
            } else {
                Ok(())
            }
        }
        MatcherKind::OneOf(ts) => {
            let options = ts
                .iter()
                .map(|t| render(t, r))
                .collect::<Result<Vec<_>, _>>()?;
            if options.iter().any(|o| json_eq(v, o)) {
                Ok(())
            } else {
                Err(format!(
                    "expected one of {}, got {}",
                    show(&Value::Array(options)),
                    show(v)
                ))
            }
        }
        MatcherKind::Type(t) => {
            if t.matches(v) {
                Ok(())
            } else {
                Err(format!("expected a {}, got {}", t.name(), show(v)))
            }
        }
        MatcherKind::Regex(re) => match v.as_str() {
            Some(s) if re.is_match(s) => Ok(()),
            Some(s) => Err(format!(
                "expected a match of /{}/, got {}",
                re.as_str(),
                show(&Value::String(s.into()))
            )),
            None => Err(format!(
                "expected a string matching /{}/, got {}",
                re.as_str(),
                show(v)
            )),
        },
        MatcherKind::Length(n) => {
            let len = match v {
                Value::Array(a) => a.len(),
                Value::String(s) => s.chars().count(),
                Value::Object(o) => o.len(),
                _ => return Err(format!("expected something with a length, got {}", show(v))),
            };
            if len == *n {
                Ok(())
            } else {
                Err(format!("expected length {n}, got {len}"))
            }
        }
        MatcherKind::NonEmpty => {
            let empty = match v {
                Value::Array(a) => a.is_empty(),
                Value::String(s) => s.is_empty(),
                Value::Object(o) => o.is_empty(),
                Value::Null => true,
                _ => false,
            };
            if empty {
                Err(format!("expected a non-empty value, got {}", show(v)))
            } else {
                Ok(())
            }
        }
        MatcherKind::Contains(t) => {
            let want = render(t, r)?;
            let ok = match (v, &want) {
                (Value::Array(items), w) => items.iter().any(|i| json_eq(i, w)),
                (Value::String(s), Value::String(w)) => s.contains(w.as_str()),
                _ => false,
            };
            if ok {
                Ok(())
            } else {
                Err(format!("expected {} to contain {}", show(v), show(&want)))
            }
        }
        MatcherKind::Instant { cmp, other } => {
            let at = parse_time(v)
                .ok_or_else(|| format!("expected an RFC 3339 date-time, got {}", show(v)))?;
            let (other_value, other_at) = date_operand(cmp.key(), other, body, r)?;
            let holds = match cmp {
                InstantCmp::Same => at == other_at,
                InstantCmp::After => at > other_at,
                InstantCmp::Before => at < other_at,
            };
            if holds {
                Ok(())
            } else {
                let want = match cmp {
                    InstantCmp::Same => "the same instant as",
                    InstantCmp::After => "later than",
                    InstantCmp::Before => "earlier than",
                };
                Err(format!(
                    "expected {want} {}, got {} ({} from it)",
                    show(&other_value),
                    show(v),
                    human(at - other_at)
                ))
            }
        }
        MatcherKind::DateOffset {
            from,
            by,
            negative,
            within,
        } => {
            let at = parse_time(v)
                .ok_or_else(|| format!("expected an RFC 3339 date-time, got {}", show(v)))?;
            let (base_value, base) = date_operand("offsetFrom", from, body, r)?;
            let by = chrono::Duration::from_std(*by).map_err(|e| e.to_string())?;
            let expected = if *negative { base - by } else { base + by };
            let diff = (at - expected).abs();
            let tol = chrono::Duration::from_std(*within).map_err(|e| e.to_string())?;
            if diff <= tol {
                Ok(())
            } else {
                let actual = at - base;
                Err(format!(
                    "expected {} ({}) within {}, got {} ({} from the base)",
                    expected.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
                    describe_offset(&base_value, *negative, by),
                    human(tol),
                    show(v),
                    human(actual),
                ))
            }
        }
        MatcherKind::Exists | MatcherKind::Absent | MatcherKind::Count(_) => Ok(()),
    }
}

/// The other side of a date comparison, as written and as an instant.
fn date_operand(
    key: &str,
    op: &Operand,
    body: &Value,
    r: &dyn Resolver,
) -> Result<(Value, chrono::DateTime<chrono::FixedOffset>), String> {
    let value = match op {
        Operand::Path { source, path } => match path.query(body).all().as_slice() {
            [one] => (*one).clone(),
            [] => return Err(format!("{key} {source}: no value at this path")),
            many => return Err(format!("{key} {source}: selects {} values", many.len())),
        },
        Operand::Value(t) => t.render_value(r)?,
    };
    let at = parse_time(&value).ok_or_else(|| {
        format!(
            "{key}: expected an RFC 3339 date-time, got {}",
            show(&value)
        )
    })?;
    Ok((value, at))
}

fn describe_offset(base: &Value, negative: bool, by: chrono::Duration) -> String {
    format!(
        "{} {} {}",
        show(base),
        if negative { "-" } else { "+" },
        human(by)
    )
}

fn human(d: chrono::Duration) -> String {
    let secs = d.num_milliseconds() as f64 / 1000.0;
    let abs = secs.abs();
    if abs >= 86_400.0 {
        format!("{:.3}d", secs / 86_400.0)
    } else if abs >= 3600.0 {
        format!("{:.2}h", secs / 3600.0)
    } else {
        format!("{secs:.3}s")
    }
}

fn parse_time(v: &Value) -> Option<chrono::DateTime<chrono::FixedOffset>> {
    chrono::DateTime::parse_from_rfc3339(v.as_str()?).ok()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::scenario::{Span, Template, VarRef};
    use serde_json::json;

    /// A resolver that knows no variable (also used by the verdict and request tests).
    pub(crate) struct NoVars;
    impl Resolver for NoVars {
        fn resolve(&self, _: &VarRef) -> Option<Value> {
            None
        }
    }

    fn assertion(path: &str, m: Value) -> Assertion {
        let matchers = crate::scenario::parse_matchers_for_tests(&m);
        Assertion {
            target: Template::literal(path),
            path: JsonPath::parse(path).ok(),
            matchers,
            span: Span::new(3, 4),
        }
    }

    fn fails(path: &str, m: Value, body: Value) -> Vec<String> {
        check_assertion(&assertion(path, m), &body, &NoVars)
            .into_iter()
            .map(|f| f.message)
            .collect()
    }

    #[test]
    fn equality_passes_and_fails_with_expected_and_actual() {
        assert!(fails("$.s", json!("a"), json!({"s": "a"})).is_empty());
        assert_eq!(
            fails("$.s", json!("a"), json!({"s": "b"})),
            vec!["$.s: expected \"a\", got \"b\""]
        );
    }

    #[test]
    fn integers_equal_their_float_forms() {
        assert!(fails("$.n", json!(1), json!({"n": 1.0})).is_empty());
    }

    #[test]
    fn exists_and_absent_look_at_the_node_set() {
        assert!(fails("$.x", json!({"absent": true}), json!({})).is_empty());
        assert_eq!(fails("$.x", json!({"exists": true}), json!({})).len(), 1);
    }

    #[test]
    fn value_matchers_need_exactly_one_node() {
        let f = fails("$.v[*]", json!(1), json!({"v": [1, 1]}));
        assert!(f[0].contains("selects 2 values"), "{f:?}");
    }

    #[test]
    fn date_offsets_hold_within_tolerance() {
        let body = json!({"a": "2025-09-03T02:36:22.7141627Z", "b": "2025-09-17T02:36:22.714163Z"});
        assert!(
            fails(
                "$.b",
                json!({"offsetFrom": "$.a", "by": "P14D", "within": "PT1S"}),
                body.clone()
            )
            .is_empty()
        );
        let f = fails(
            "$.b",
            json!({"offsetFrom": "$.a", "by": "P7D", "within": "PT1S"}),
            body,
        );
        assert_eq!(f.len(), 1);
        assert!(f[0].contains("14.000d from the base"), "{f:?}");
    }

    #[test]
    fn instants_compare_regardless_of_digits_and_zone_notation() {
        let body = json!({
            "a": "2026-01-01T18:25:09.4212828Z",
            "b": "2026-01-01T18:25:09.42128280+00:00",
            "c": "2026-01-01T18:25:09.4212829Z"
        });
        assert!(fails("$.b", json!({"sameInstant": "$.a"}), body.clone()).is_empty());
        assert!(fails("$.c", json!({"after": "$.a"}), body.clone()).is_empty());
        assert!(fails("$.a", json!({"before": "$.c"}), body.clone()).is_empty());
        let f = fails("$.a", json!({"after": "$.b"}), body);
        assert_eq!(f.len(), 1);
        assert!(f[0].contains("expected later than"), "{f:?}");
    }

    #[test]
    fn regex_type_one_of_contains_length() {
        let body = json!({"s": "abc", "l": [1, 2]});
        assert!(
            fails(
                "$.s",
                json!({"regex": "^a", "type": "string", "oneOf": ["x", "abc"], "length": 3}),
                body.clone()
            )
            .is_empty()
        );
        assert!(
            fails(
                "$.l",
                json!({"contains": 2, "nonEmpty": true}),
                body.clone()
            )
            .is_empty()
        );
        assert_eq!(fails("$.l", json!({"contains": 3}), body).len(), 1);
    }
}
