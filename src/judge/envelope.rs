//! The Graph envelope: what every exchange with the API shares, judged on every
//! response of every step (not only where a scenario asks).
//!
//! Each check carries the catalogue rule it checks. Checks of inferred rules (opinions
//! where the docs leave room) are switched off with the run's tag selection
//! (`--skip-tag inferred`), like every other inferred check; the others (documented,
//! platform: Graph-wide docs and the OData standard; example) always apply.
//! A check only counts as done for rule coverage when the exchange gave it something
//! to look at (an error body for the `innerError` ids, a 2xx JSON body for
//! `@odata.context`, …).

use serde_json::Value;

use crate::contract::rules::Evidence;

/// The checks, each with its rule and that rule's evidence in the catalogue (a unit
/// test keeps the two in step).
const CHECKS: &[(&str, Evidence)] = &[
    (REQUEST_ID, Evidence::Platform),
    (CLIENT_REQUEST_ID, Evidence::Inferred),
    (ODATA_CONTEXT, Evidence::Platform),
    (JSON_CONTENT_TYPE, Evidence::Platform),
    (INNER_ERROR_IDS, Evidence::Platform),
    (UTC_TIMESTAMPS, Evidence::Documented),
    (UTC_Z, Evidence::Inferred),
];

const REQUEST_ID: &str = "GRAPH-REQUEST-ID";
const CLIENT_REQUEST_ID: &str = "GRAPH-CLIENT-REQUEST-ID";
const ODATA_CONTEXT: &str = "GRAPH-ODATA-CONTEXT";
const JSON_CONTENT_TYPE: &str = "GRAPH-JSON-CONTENT-TYPE";
const INNER_ERROR_IDS: &str = "GRAPH-ERROR-INNER-IDS";
const UTC_TIMESTAMPS: &str = "GRAPH-UTC-TIMESTAMPS";
const UTC_Z: &str = "GRAPH-UTC-Z";

/// The tag that switches checks of inferred rules off.
const INFERRED: &str = "inferred";

/// Which envelope checks a run applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Envelope {
    inferred: bool,
}

impl Default for Envelope {
    /// Every check.
    fn default() -> Self {
        Envelope { inferred: true }
    }
}

/// One response as the envelope sees it.
#[derive(Debug, Clone, Copy)]
pub struct EnvelopeInput<'a> {
    pub status: u16,
    /// Lower-case names.
    pub headers: &'a [(String, String)],
    /// The body had bytes other than white space.
    pub has_body: bool,
    /// The body, when it is JSON.
    pub json: Option<&'a Value>,
    /// The `client-request-id` tgconform sent.
    pub sent_client_request_id: &'a str,
}

/// One deviation: the rule and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvelopeViolation {
    pub rule: &'static str,
    pub message: String,
}

/// What the envelope found on one response.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EnvelopeOutcome {
    pub violations: Vec<EnvelopeViolation>,
    /// Rules that had something to look at and held.
    pub held: Vec<&'static str>,
}

impl Envelope {
    /// The checks a run with these `--skip-tag` words applies: skipping `inferred`
    /// switches off the checks of inferred rules.
    pub fn for_skip_tags(skip_tags: &[String]) -> Self {
        Envelope {
            inferred: !skip_tags.iter().any(|t| t == INFERRED),
        }
    }

    /// The rule ids this envelope can check, in catalogue order of `CHECKS`.
    pub fn rules(&self) -> impl Iterator<Item = &'static str> + '_ {
        CHECKS
            .iter()
            .filter(|(_, e)| self.applies(*e))
            .map(|(id, _)| *id)
    }

    fn applies(&self, e: Evidence) -> bool {
        e != Evidence::Inferred || self.inferred
    }

    fn on(&self, rule: &str) -> bool {
        CHECKS
            .iter()
            .find(|(id, _)| *id == rule)
            .is_some_and(|(_, e)| self.applies(*e))
    }

    /// Judge one response.
    pub fn check(&self, r: &EnvelopeInput<'_>) -> EnvelopeOutcome {
        let mut out = EnvelopeOutcome::default();
        let mut verdict = |rule: &'static str, problem: Option<String>| {
            if !self.on(rule) {
                return;
            }
            match problem {
                None => out.held.push(rule),
                Some(message) => out.violations.push(EnvelopeViolation { rule, message }),
            }
        };
        let header = |name: &str| {
            r.headers
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        let request_id = header("request-id").filter(|v| !v.trim().is_empty());
        verdict(
            REQUEST_ID,
            request_id
                .is_none()
                .then(|| "the response has no `request-id` header".to_string()),
        );
        let echoed = header("client-request-id");
        verdict(
            CLIENT_REQUEST_ID,
            match echoed {
                Some(v) if v == r.sent_client_request_id => None,
                Some(v) => Some(format!(
                    "`client-request-id` is `{}`, not the `{}` that was sent",
                    crate::text::clip(v, 80),
                    r.sent_client_request_id
                )),
                None => Some(format!(
                    "the response does not echo the `client-request-id` that was sent ({})",
                    r.sent_client_request_id
                )),
            },
        );
        if r.has_body {
            let ct = header("content-type").unwrap_or("");
            verdict(
                JSON_CONTENT_TYPE,
                (!super::verdict::is_json_content_type(ct)).then(|| {
                    if ct.is_empty() {
                        "the body has no Content-Type; expected application/json".to_string()
                    } else {
                        format!(
                            "the body is labelled `{}`; expected application/json",
                            crate::text::clip(ct, 80)
                        )
                    }
                }),
            );
        }
        let Some(body) = r.json else { return out };
        if (200..300).contains(&r.status) && body.is_object() {
            verdict(
                ODATA_CONTEXT,
                match body.get("@odata.context") {
                    Some(Value::String(s)) if !s.is_empty() => None,
                    Some(_) => Some("`@odata.context` is not a non-empty string".to_string()),
                    None => Some("the body has no `@odata.context`".to_string()),
                },
            );
        }
        if r.status >= 400
            && let Some(inner) = body.pointer("/error/innerError").and_then(Value::as_object)
        {
            // The error page shows `innerError.request-id` (a platform rule); a
            // `client-request-id` there belongs with the echo, an opinion.
            let pairs = [
                (INNER_ERROR_IDS, "request-id", request_id),
                (CLIENT_REQUEST_ID, "client-request-id", echoed),
            ];
            for (rule, name, in_header) in pairs {
                let (Some(Value::String(in_body)), Some(in_header)) = (inner.get(name), in_header)
                else {
                    continue;
                };
                verdict(
                    rule,
                    (in_body != in_header).then(|| {
                        format!(
                            "`innerError.{name}` is `{}` but the `{name}` header is `{}`",
                            crate::text::clip(in_body, 80),
                            crate::text::clip(in_header, 80)
                        )
                    }),
                );
            }
        }
        let mut stamps = Vec::new();
        date_times(body, "$", &mut stamps);
        if !stamps.is_empty() {
            let listed = |keep: fn(&str) -> bool| -> Vec<String> {
                stamps
                    .iter()
                    .filter(|(_, v)| !keep(v))
                    .map(|(path, v)| format!("{path} = `{}`", crate::text::clip(v, 40)))
                    .collect()
            };
            let not_utc = listed(is_utc);
            verdict(
                UTC_TIMESTAMPS,
                (!not_utc.is_empty()).then(|| {
                    format!(
                        "date-times must be ISO 8601 in UTC (`Z` or `+00:00`): {}",
                        not_utc.join(", ")
                    )
                }),
            );
            // The opinion is only about the designator: a value that is not UTC at all
            // is the documented rule's finding, not this one's as well.
            let not_z: Vec<String> = if not_utc.is_empty() {
                listed(ends_in_z)
            } else {
                Vec::new()
            };
            verdict(
                UTC_Z,
                (!not_z.is_empty()).then(|| {
                    format!(
                        "date-times are UTC but not written with `Z` as the docs show: {}",
                        not_z.join(", ")
                    )
                }),
            );
        }
        out
    }
}

/// Every string property whose name ends in `DateTime` (this API names every
/// DateTimeOffset property so), with its path.
fn date_times(v: &Value, path: &str, out: &mut Vec<(String, String)>) {
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                let p = format!("{path}.{k}");
                match child {
                    Value::String(s) if k.ends_with("DateTime") => out.push((p, s.clone())),
                    _ => date_times(child, &p, out),
                }
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                date_times(child, &format!("{path}[{i}]"), out);
            }
        }
        _ => {}
    }
}

/// RFC 3339 in UTC: the `Z` designator or the offset `+00:00` (both UTC; `-00:00`
/// means "offset unknown" in RFC 3339 §4.3, so it is not UTC).
fn is_utc(s: &str) -> bool {
    chrono::DateTime::parse_from_rfc3339(s).is_ok()
        && (s.ends_with('Z') || s.ends_with('z') || s.ends_with("+00:00"))
}

/// Written with `Z`, as every documented example is.
fn ends_in_z(s: &str) -> bool {
    s.ends_with('Z') || s.ends_with('z')
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const SENT: &str = "7d8a3c2e-0000-4000-8000-00000000c1d0";

    fn headers(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn good_headers() -> Vec<(String, String)> {
        headers(&[
            ("request-id", "r-1"),
            ("client-request-id", SENT),
            ("content-type", "application/json;odata.metadata=minimal"),
        ])
    }

    fn check(
        env: Envelope,
        status: u16,
        h: &[(String, String)],
        body: Option<&Value>,
    ) -> EnvelopeOutcome {
        env.check(&EnvelopeInput {
            status,
            headers: h,
            has_body: body.is_some(),
            json: body,
            sent_client_request_id: SENT,
        })
    }

    fn rules_of(o: &EnvelopeOutcome) -> Vec<&'static str> {
        o.violations.iter().map(|v| v.rule).collect()
    }

    #[test]
    fn a_conforming_entity_holds_every_applicable_rule() {
        let body = json!({"@odata.context": "x/$metadata#a/$entity", "createdDateTime": "2026-01-01T00:00:00.1234567Z"});
        let o = check(Envelope::default(), 200, &good_headers(), Some(&body));
        assert!(o.violations.is_empty(), "{o:?}");
        assert_eq!(
            o.held,
            vec![
                REQUEST_ID,
                CLIENT_REQUEST_ID,
                JSON_CONTENT_TYPE,
                ODATA_CONTEXT,
                UTC_TIMESTAMPS,
                UTC_Z
            ]
        );
    }

    #[test]
    fn a_missing_request_id_is_its_rule() {
        let h = headers(&[("client-request-id", SENT)]);
        assert_eq!(
            rules_of(&check(Envelope::default(), 204, &h, None)),
            vec![REQUEST_ID]
        );
    }

    #[test]
    fn a_client_request_id_that_is_not_the_one_sent_is_its_rule() {
        let h = headers(&[("request-id", "r"), ("client-request-id", "other")]);
        let o = check(Envelope::default(), 204, &h, None);
        assert_eq!(rules_of(&o), vec![CLIENT_REQUEST_ID]);
        assert!(o.violations[0].message.contains(SENT), "{o:?}");
    }

    #[test]
    fn a_2xx_body_without_odata_context_is_its_rule_and_an_error_body_needs_none() {
        let o = check(
            Envelope::default(),
            200,
            &good_headers(),
            Some(&json!({"value": []})),
        );
        assert_eq!(rules_of(&o), vec![ODATA_CONTEXT]);
        let err = json!({"error": {"code": "x", "message": "y"}});
        let o = check(Envelope::default(), 404, &good_headers(), Some(&err));
        assert!(o.violations.is_empty(), "{o:?}");
        assert!(!o.held.contains(&ODATA_CONTEXT));
    }

    #[test]
    fn a_body_labelled_other_than_json_is_its_rule() {
        let h = headers(&[
            ("request-id", "r"),
            ("client-request-id", SENT),
            ("content-type", "text/plain"),
        ]);
        let body = json!({"@odata.context": "c"});
        assert_eq!(
            rules_of(&check(Envelope::default(), 200, &h, Some(&body))),
            vec![JSON_CONTENT_TYPE]
        );
    }

    #[test]
    fn an_inner_client_request_id_that_differs_is_the_echo_opinion() {
        let err = json!({"error": {"code": "x", "message": "y", "innerError": {"request-id": "r-1", "client-request-id": "other"}}});
        let o = check(Envelope::default(), 404, &good_headers(), Some(&err));
        assert_eq!(rules_of(&o), vec![CLIENT_REQUEST_ID]);
        let documented_only = Envelope::for_skip_tags(&["inferred".to_string()]);
        let o = check(documented_only, 404, &good_headers(), Some(&err));
        assert!(o.violations.is_empty(), "{o:?}");
        assert!(o.held.contains(&INNER_ERROR_IDS), "{o:?}");
    }

    #[test]
    fn inner_error_ids_must_equal_the_headers_when_both_are_present() {
        let err = json!({"error": {"code": "x", "message": "y", "innerError": {"request-id": "r-2", "client-request-id": SENT}}});
        let o = check(Envelope::default(), 404, &good_headers(), Some(&err));
        assert_eq!(rules_of(&o), vec![INNER_ERROR_IDS]);
        assert!(o.violations[0].message.contains("r-2"), "{o:?}");
        let same =
            json!({"error": {"code": "x", "message": "y", "innerError": {"request-id": "r-1"}}});
        let o = check(Envelope::default(), 404, &good_headers(), Some(&same));
        assert!(o.held.contains(&INNER_ERROR_IDS), "{o:?}");
        let none = json!({"error": {"code": "x", "message": "y"}});
        let o = check(Envelope::default(), 404, &good_headers(), Some(&none));
        assert!(
            !o.held.contains(&INNER_ERROR_IDS),
            "no ids, nothing checked: {o:?}"
        );
    }

    #[test]
    fn date_times_without_z_are_named_by_path() {
        let body = json!({"@odata.context": "c", "value": [{"requestDateTime": "2026-01-01T00:00:00"}, {"requestDateTime": "2026-01-01T00:00:00+02:00"}, {"requestDateTime": null}]});
        let o = check(Envelope::default(), 200, &good_headers(), Some(&body));
        assert_eq!(rules_of(&o), vec![UTC_TIMESTAMPS]);
        let m = &o.violations[0].message;
        assert!(
            m.contains("$.value[0].requestDateTime") && m.contains("$.value[1].requestDateTime"),
            "{m}"
        );
        assert!(!m.contains("value[2]"), "{m}");
    }

    #[test]
    fn plus_zero_offset_is_utc_and_only_the_z_opinion_minds() {
        let body =
            json!({"@odata.context": "c", "createdDateTime": "2026-01-01T00:00:00.1234567+00:00"});
        let o = check(Envelope::default(), 200, &good_headers(), Some(&body));
        assert_eq!(rules_of(&o), vec![UTC_Z]);
        assert!(o.held.contains(&UTC_TIMESTAMPS), "{o:?}");
        let documented_only = Envelope::for_skip_tags(&["inferred".to_string()]);
        let o = check(documented_only, 200, &good_headers(), Some(&body));
        assert!(o.violations.is_empty(), "{o:?}");
    }

    #[test]
    fn minus_zero_offset_is_not_utc() {
        let body = json!({"createdDateTime": "2026-01-01T00:00:00-00:00"});
        let o = check(Envelope::default(), 200, &good_headers(), Some(&body));
        assert!(rules_of(&o).contains(&UTC_TIMESTAMPS), "{o:?}");
    }

    #[test]
    fn skipping_inferred_leaves_the_stated_and_example_checks() {
        let env = Envelope::for_skip_tags(&["inferred".to_string()]);
        assert_eq!(
            env.rules().collect::<Vec<_>>(),
            vec![
                REQUEST_ID,
                ODATA_CONTEXT,
                JSON_CONTENT_TYPE,
                INNER_ERROR_IDS,
                UTC_TIMESTAMPS
            ]
        );
        let o = check(env, 200, &[], Some(&json!({"value": []})));
        assert_eq!(
            rules_of(&o),
            vec![REQUEST_ID, JSON_CONTENT_TYPE, ODATA_CONTEXT]
        );
        let env = Envelope::for_skip_tags(&["mutating".to_string()]);
        assert_eq!(env.rules().count(), CHECKS.len());
    }

    #[test]
    fn each_check_names_a_rule_of_the_catalogue_with_its_evidence() {
        let c = crate::contract::rules::builtin().expect("the catalogue loads");
        for (id, evidence) in CHECKS {
            let rule = c
                .get(id)
                .unwrap_or_else(|| panic!("{id} is not in the catalogue"));
            assert_eq!(rule.evidence, *evidence, "{id}");
        }
    }
}
