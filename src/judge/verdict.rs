use serde::Serialize;
use serde_json::Value;

use super::body::JsonError;
use super::finding::{Finding, FindingKind, GraphError, Problem, Subject};
use super::matchers::check_assertion;
use crate::scenario::{Expect, Resolver};
use crate::schema::{SchemaMode, SchemaRegistry};

/// What the runner received, in the form the judge needs.
#[derive(Debug, Clone)]
pub struct ResponseView {
    pub status: u16,
    /// Lower-case names.
    pub headers: Vec<(String, String)>,
    /// `Ok(None)` for an empty body; `Err` says why the body is not JSON.
    pub json: Result<Option<Value>, JsonError>,
}

impl ResponseView {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Verdict {
    pub failures: Vec<Finding>,
    /// Not failures: unknown properties in lenient schema mode, and the like.
    pub warnings: Vec<String>,
}

impl Verdict {
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

/// Judge one response against one `expect` block.
pub fn judge(
    expect: &Expect,
    resp: &ResponseView,
    resolver: &dyn Resolver,
    schemas: &SchemaRegistry,
    mode: SchemaMode,
) -> Verdict {
    let mut v = Verdict::default();
    // A success where an error was expected (or the reverse) carries a body of another
    // kind: checking it against the expected schema would only list every property.
    let other_kind = expect
        .status
        .as_ref()
        .is_some_and(|st| st.allowed.iter().all(|a| a / 100 != resp.status / 100));
    if let Some(status) = &expect.status
        && !status.allowed.contains(&resp.status)
    {
        let graph_error = match &resp.json {
            Ok(Some(body)) => body
                .pointer("/error/code")
                .and_then(Value::as_str)
                .map(|code| GraphError {
                    code: code.to_string(),
                    message: body
                        .pointer("/error/message")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string(),
                }),
            _ => None,
        };
        let redirect = (graph_error.is_none() && (300..400).contains(&resp.status))
            .then(|| resp.header("location").map(str::to_string))
            .flatten();
        v.failures.push(Finding::of(
            FindingKind::Status,
            status.span,
            Problem::Status {
                expected: status.allowed.clone(),
                actual: resp.status,
                graph_error,
                redirect,
                schema_skipped: other_kind && expect.schema.is_some(),
            },
        ));
    }
    // A wrong status with no body says it all: "no Content-Type" and "the body is empty"
    // would only repeat it.
    let status_failed = !v.failures.is_empty();
    let empty_body = matches!(resp.json, Ok(None));
    let needs_json =
        (expect.schema.is_some() || !expect.json.is_empty()) && !(status_failed && empty_body);
    if needs_json {
        let ct = resp.header("content-type").unwrap_or("");
        // An empty body needs no Content-Type; the checks below report it as empty.
        let tolerated = is_json_content_type(ct) || (empty_body && ct.is_empty());
        if !tolerated {
            let span = expect
                .schema
                .as_ref()
                .map(|s| s.1)
                .or(expect.json.first().map(|a| a.span))
                .unwrap_or_default();
            v.failures.push(Finding::of(
                FindingKind::ContentType,
                span,
                Problem::ContentType {
                    actual: (!ct.is_empty()).then(|| ct.to_string()),
                },
            ));
        }
    }
    let body = match &resp.json {
        Ok(b) => b.as_ref(),
        Err(why) => {
            if needs_json {
                let span = expect
                    .schema
                    .as_ref()
                    .map(|s| s.1)
                    .or(expect.json.first().map(|a| a.span))
                    .unwrap_or_default();
                v.failures.push(Finding::of(
                    FindingKind::Assertion,
                    span,
                    Problem::NotJson {
                        reason: why.clone(),
                    },
                ));
            }
            None
        }
    };
    if let Some((type_name, span)) = &expect.schema
        && needs_json
        && !other_kind
    {
        match body {
            None if resp.json.is_ok() => v.failures.push(Finding::of(
                FindingKind::Schema,
                *span,
                Problem::EmptyBody {
                    schema: Some(type_name.clone()),
                },
            )),
            None => {}
            Some(b) => match schemas.validate(type_name, b, mode) {
                Ok(outcome) => {
                    for issue in outcome.violations {
                        v.failures.push(Finding::of(
                            FindingKind::Schema,
                            *span,
                            Problem::Schema {
                                schema: type_name.clone(),
                                issue,
                            },
                        ));
                    }
                    for w in outcome.warnings {
                        v.warnings.push(super::body::printable(&format!(
                            "schema `{type_name}` (lenient): {w}"
                        )));
                    }
                    // One line per property, however many items of a list carry it.
                    for d in outcome.drift {
                        let line = super::body::printable(&d.message);
                        if !v.warnings.contains(&line) {
                            v.warnings.push(line);
                        }
                    }
                }
                Err(e) => v
                    .failures
                    .push(Finding::new(FindingKind::Schema, *span, e.to_string())),
            },
        }
    }
    if resp.json.is_ok() && needs_json {
        let empty = Value::Null;
        for a in &expect.json {
            if body.is_none() {
                v.failures.push(
                    Finding::of(
                        FindingKind::Assertion,
                        a.span,
                        Problem::EmptyBody { schema: None },
                    )
                    .about(Subject::Path(a.target.source().to_string())),
                );
                continue;
            }
            v.failures
                .extend(check_assertion(a, body.unwrap_or(&empty), resolver));
        }
    }
    for a in &expect.headers {
        v.failures
            .extend(super::matchers::check_header(a, resp, resolver));
    }
    v
}

/// `application/json` with any parameters (Graph adds `odata.metadata=…` and more).
pub fn is_json_content_type(ct: &str) -> bool {
    let media = ct.split(';').next().unwrap_or("").trim();
    media.eq_ignore_ascii_case("application/json")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::judge::matchers::tests::NoVars;
    use crate::scenario::{Span, StatusSpec};
    use serde_json::json;

    fn expect_error(allowed: &[u16]) -> Expect {
        Expect {
            status: Some(StatusSpec {
                allowed: allowed.to_vec(),
                span: Span::default(),
            }),
            schema: Some(("graphError".into(), Span::default())),
            ..Expect::default()
        }
    }

    fn response(status: u16, body: Value) -> ResponseView {
        ResponseView {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            json: Ok(Some(body)),
        }
    }

    fn judge_it(expect: &Expect, resp: &ResponseView) -> Verdict {
        let schemas = SchemaRegistry::builtin().expect("builtin schemas load");
        judge(expect, resp, &NoVars, &schemas, SchemaMode::Strict)
    }

    #[test]
    fn a_metadata_known_property_on_every_list_item_is_one_drift_warning() {
        let mut known = crate::schema::MetadataProperties::new();
        known.insert(
            ("tenantGovernanceSetting".into(), "tier".into()),
            "Edm.String".into(),
        );
        let schemas = SchemaRegistry::builtin()
            .expect("builtin schemas load")
            .with_metadata(known);
        let item =
            json!({"canReceiveInvitations": true, "isRelatedTenantsEnabled": false, "tier": "x"});
        let expect = Expect {
            schema: Some(("tenantGovernanceSetting[]".into(), Span::default())),
            ..Expect::default()
        };
        let v = judge(
            &expect,
            &response(200, json!({"value": [item.clone(), item]})),
            &NoVars,
            &schemas,
            SchemaMode::Strict,
        );
        assert!(v.passed(), "{:?}", v.failures);
        assert_eq!(
            v.warnings,
            [
                "drift: tenantGovernanceSetting.tier (Edm.String) is in Microsoft's metadata but not in the documented schema"
            ]
        );
    }

    #[test]
    fn success_where_an_error_was_expected_is_one_status_finding() {
        let v = judge_it(
            &expect_error(&[400, 409]),
            &response(200, json!({"id": "x", "status": "accepted"})),
        );
        assert_eq!(v.failures.len(), 1, "{:?}", v.failures);
        assert!(v.failures[0].message().contains("schema check is skipped"));
    }

    #[test]
    fn wrong_error_status_still_checks_the_error_schema() {
        let v = judge_it(&expect_error(&[409]), &response(400, json!({"oops": 1})));
        assert!(
            v.failures
                .iter()
                .any(|f| f.message().contains("schema `graphError`")),
            "{:?}",
            v.failures
        );
    }
}
