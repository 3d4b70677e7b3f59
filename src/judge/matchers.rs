use serde_json::Value;
use serde_json_path::JsonPath;

use super::finding::{Finding, FindingKind, Problem, Subject};
use super::verdict::ResponseView;
use crate::scenario::{
    Assertion, InstantCmp, Matcher, MatcherKind, Operand, Resolver, ValueTemplate,
};

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

fn render(t: &ValueTemplate, r: &dyn Resolver) -> Result<Value, Box<Problem>> {
    t.render(r).map_err(|e| Box::new(Problem::Text(e)))
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
                    return vec![
                        Finding::of(FindingKind::Template, a.span, Problem::Text(e))
                            .about(Subject::Path(label)),
                    ];
                }
            },
        };
    let nodes: Vec<&Value> = path.query(body).all();
    let mut out = Vec::new();
    for m in &a.matchers {
        if let Err(problem) = check_nodes(m, &nodes, body, r) {
            out.push(
                Finding::of(FindingKind::Assertion, m.span, *problem)
                    .about(Subject::Path(label.clone())),
            );
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
        if let Err(problem) = check_nodes(m, &nodes, &Value::Null, r) {
            out.push(
                Finding::of(FindingKind::Header, m.span, *problem)
                    .about(Subject::Header(name.to_string())),
            );
        }
    }
    out
}

fn check_nodes(
    m: &Matcher,
    nodes: &[&Value],
    body: &Value,
    r: &dyn Resolver,
) -> Result<(), Box<Problem>> {
    match &m.kind {
        MatcherKind::Exists => {
            return if nodes.is_empty() {
                Err(Box::new(Problem::Missing))
            } else {
                Ok(())
            };
        }
        MatcherKind::Absent => {
            return match nodes {
                [] => Ok(()),
                [one] => Err(Box::new(Problem::Unexpected {
                    actual: (*one).clone(),
                })),
                many => Err(Box::new(Problem::UnexpectedMany { count: many.len() })),
            };
        }
        MatcherKind::Count(n) => {
            return if nodes.len() == *n {
                Ok(())
            } else {
                Err(Box::new(Problem::Count {
                    expected: *n,
                    actual: nodes.len(),
                }))
            };
        }
        _ => {}
    }
    let v = match nodes {
        [one] => *one,
        [] => return Err(Box::new(Problem::NoValue)),
        many => return Err(Box::new(Problem::Ambiguous { count: many.len() })),
    };
    check_value(&m.kind, v, body, r)
}

fn check_value(
    kind: &MatcherKind,
    v: &Value,
    body: &Value,
    r: &dyn Resolver,
) -> Result<(), Box<Problem>> {
    let fail = |ok: bool, problem: Problem| {
        if ok { Ok(()) } else { Err(Box::new(problem)) }
    };
    match kind {
        MatcherKind::Equals(t) => {
            let want = render(t, r)?;
            fail(
                json_eq(v, &want),
                Problem::Equals {
                    expected: want.clone(),
                    actual: v.clone(),
                },
            )
        }
        MatcherKind::NotEquals(t) => {
            let not = render(t, r)?;
            fail(
                !json_eq(v, &not),
                Problem::NotEquals {
                    unexpected: not.clone(),
                },
            )
        }
        MatcherKind::OneOf(ts) => {
            let options = ts
                .iter()
                .map(|t| render(t, r))
                .collect::<Result<Vec<_>, _>>()?;
            fail(
                options.iter().any(|o| json_eq(v, o)),
                Problem::OneOf {
                    expected: options.clone(),
                    actual: v.clone(),
                },
            )
        }
        MatcherKind::Type(t) => fail(
            t.matches(v),
            Problem::Type {
                expected: t.name().to_string(),
                actual: v.clone(),
            },
        ),
        MatcherKind::Regex(re) => fail(
            v.as_str().is_some_and(|s| re.is_match(s)),
            Problem::Regex {
                pattern: re.as_str().to_string(),
                actual: v.clone(),
            },
        ),
        MatcherKind::Length(n) => {
            let len = match v {
                Value::Array(a) => a.len(),
                Value::String(s) => s.chars().count(),
                Value::Object(o) => o.len(),
                _ => return Err(Box::new(Problem::NoLength { actual: v.clone() })),
            };
            fail(
                len == *n,
                Problem::Length {
                    expected: *n,
                    actual: len,
                },
            )
        }
        MatcherKind::NonEmpty => {
            let empty = match v {
                Value::Array(a) => a.is_empty(),
                Value::String(s) => s.is_empty(),
                Value::Object(o) => o.is_empty(),
                Value::Null => true,
                _ => false,
            };
            fail(!empty, Problem::NonEmpty { actual: v.clone() })
        }
        MatcherKind::Contains(t) => {
            let want = render(t, r)?;
            let ok = match (v, &want) {
                (Value::Array(items), w) => items.iter().any(|i| json_eq(i, w)),
                (Value::String(s), Value::String(w)) => s.contains(w.as_str()),
                _ => false,
            };
            fail(
                ok,
                Problem::Contains {
                    expected: want.clone(),
                    actual: v.clone(),
                },
            )
        }
        MatcherKind::OneMoreThan(t) => {
            let base = render(t, r)?;
            let number = |x: &Value| match x {
                Value::Number(n) => n.as_f64(),
                Value::String(s) => s.trim().parse::<f64>().ok(),
                _ => None,
            };
            let holds = match (number(v), number(&base)) {
                (Some(a), Some(b)) => (a - (b + 1.0)).abs() < 1e-9,
                _ => false,
            };
            fail(
                holds,
                Problem::OneMoreThan {
                    base: base.clone(),
                    actual: v.clone(),
                },
            )
        }
        MatcherKind::Instant { cmp, other } => {
            let at = parse_time(v).ok_or_else(|| Problem::NotDateTime { actual: v.clone() })?;
            let (other_value, other_at) = date_operand(cmp.key(), other, body, r)?;
            let holds = match cmp {
                InstantCmp::Same => at == other_at,
                InstantCmp::After => at > other_at,
                InstantCmp::Before => at < other_at,
                InstantCmp::NotBefore => at >= other_at,
            };
            fail(
                holds,
                Problem::Instant {
                    cmp: *cmp,
                    other: other_value.clone(),
                    actual: v.clone(),
                    diff_ms: (at - other_at).num_milliseconds(),
                },
            )
        }
        MatcherKind::DateOffset {
            from,
            by,
            negative,
            within,
        } => {
            let at = parse_time(v).ok_or_else(|| Problem::NotDateTime { actual: v.clone() })?;
            let (base_value, base) = date_operand("offsetFrom", from, body, r)?;
            let by = chrono::Duration::from_std(*by).map_err(|e| Problem::Text(e.to_string()))?;
            let expected = if *negative { base - by } else { base + by };
            let diff = (at - expected).abs();
            let tol =
                chrono::Duration::from_std(*within).map_err(|e| Problem::Text(e.to_string()))?;
            fail(
                diff <= tol,
                Problem::DateOffset {
                    expected: expected.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
                    base: base_value.clone(),
                    negative: *negative,
                    by_ms: by.num_milliseconds(),
                    within_ms: tol.num_milliseconds(),
                    actual: v.clone(),
                    offset_ms: (at - base).num_milliseconds(),
                },
            )
        }
        MatcherKind::Exists | MatcherKind::Absent | MatcherKind::Count(_) => Ok(()),
    }
}

/// The other side of a date comparison, as written and as an instant.
fn date_operand(
    key: &'static str,
    op: &Operand,
    body: &Value,
    r: &dyn Resolver,
) -> Result<(Value, chrono::DateTime<chrono::FixedOffset>), Box<Problem>> {
    let value = match op {
        Operand::Path { source, path } => match path.query(body).all().as_slice() {
            [one] => (*one).clone(),
            [] => {
                return Err(Box::new(Problem::OperandMissing {
                    key,
                    source: source.clone(),
                }));
            }
            many => {
                return Err(Box::new(Problem::OperandAmbiguous {
                    key,
                    source: source.clone(),
                    count: many.len(),
                }));
            }
        },
        Operand::Value(t) => t.render_value(r).map_err(Problem::Text)?,
    };
    let at = parse_time(&value).ok_or_else(|| Problem::OperandNotDateTime {
        key,
        actual: value.clone(),
    })?;
    Ok((value, at))
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
            .map(|f| f.message())
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
    fn one_more_than_reads_numbers_and_numeric_strings() {
        let body = json!({"v": "2.0", "n": 3, "x": "2.1"});
        assert!(fails("$.v", json!({"oneMoreThan": "1.0"}), body.clone()).is_empty());
        assert!(fails("$.v", json!({"oneMoreThan": "1"}), body.clone()).is_empty());
        assert!(fails("$.n", json!({"oneMoreThan": 2}), body.clone()).is_empty());
        let f = fails("$.x", json!({"oneMoreThan": "1.0"}), body);
        assert_eq!(f.len(), 1);
        assert!(f[0].contains("expected one more than"), "{f:?}");
    }

    #[test]
    fn not_before_holds_for_the_same_instant_and_later_only() {
        let body = json!({
            "a": "2026-01-01T18:25:09.4212828Z",
            "b": "2026-01-01T18:25:09.42128280+00:00",
            "c": "2026-01-01T18:25:09.4212829Z"
        });
        assert!(fails("$.b", json!({"notBefore": "$.a"}), body.clone()).is_empty());
        assert!(fails("$.c", json!({"notBefore": "$.a"}), body.clone()).is_empty());
        let f = fails("$.a", json!({"notBefore": "$.c"}), body);
        assert_eq!(f.len(), 1);
        assert!(f[0].contains("the same instant as or later than"), "{f:?}");
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
