//! The document a `.snap` file records: the snapshotted steps of one scenario run,
//! with dynamic values replaced by stable placeholders.
//!
//! Redaction is by value first: any string equal to a value this run minted or
//! captured (a tenant id, a request id…) becomes `[name]`, so a snapshot still shows
//! *which* id appears where. Remaining GUIDs and date-times become `[uuid]` and
//! `[datetime]`. Selector redactions (`redact:`) apply later, when the text is rendered.

use std::sync::LazyLock;

use serde::Serialize;
use serde_json::Value;

use crate::runner::{ScenarioOutcome, SnapshotEntry};

static GUID: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(r"(?i)\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")
        .unwrap_or_else(|e| unreachable!("{e}"))
});
static DATETIME: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$")
        .unwrap_or_else(|e| unreachable!("{e}"))
});
static SKIPTOKEN: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(r"(?i)(\$skiptoken=)[^&]+").unwrap_or_else(|e| unreachable!("{e}"))
});

/// The document stored in a `.snap` file.
#[derive(Debug, Clone, Serialize)]
pub struct SnapshotDoc {
    pub scenario: String,
    pub steps: Vec<SnapshotStep>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SnapshotStep {
    pub step: String,
    pub request: String,
    pub status: u16,
    pub body: Value,
}

/// Build the redacted document for an outcome.
pub fn document(outcome: &ScenarioOutcome) -> SnapshotDoc {
    document_with(outcome, redact)
}

/// As [`document`], with each body turned into the snapshot's form by `body`
/// (given the raw body and this run's known dynamic values, longest first).
pub fn document_with(
    outcome: &ScenarioOutcome,
    body: impl Fn(&Value, &[(String, String)]) -> Value,
) -> SnapshotDoc {
    let mut known: Vec<(String, String)> = outcome
        .dynamic_values
        .iter()
        .filter(|(_, v)| v.len() >= 6)
        .cloned()
        .collect();
    // Longest first, so a value that contains another is replaced whole.
    known.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(&b.0)));
    SnapshotDoc {
        scenario: outcome.name.clone(),
        steps: outcome
            .snapshot
            .iter()
            .map(|e| step(e, &body(&e.body, &known)))
            .collect(),
    }
}

fn step(e: &SnapshotEntry, body: &Value) -> SnapshotStep {
    SnapshotStep {
        step: e.step.clone(),
        request: format!("{} {}", e.method, e.path),
        status: e.status,
        body: body.clone(),
    }
}

/// Replace dynamic values in every string of `v`.
pub fn redact(v: &Value, known: &[(String, String)]) -> Value {
    match v {
        Value::String(s) => Value::String(redact_str(s, known)),
        Value::Array(items) => Value::Array(items.iter().map(|i| redact(i, known)).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), redact(v, known)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// A whole string that is a GUID.
pub(super) fn is_guid(s: &str) -> bool {
    s.len() == 36 && GUID.is_match(s)
}

/// A whole string that is an ISO 8601 date-time.
pub(super) fn is_datetime(s: &str) -> bool {
    DATETIME.is_match(s)
}

fn redact_str(s: &str, known: &[(String, String)]) -> String {
    if let Some((name, _)) = known.iter().find(|(_, v)| v == s) {
        return format!("[{name}]");
    }
    if DATETIME.is_match(s) {
        return "[datetime]".into();
    }
    let mut out = s.to_string();
    for (name, value) in known {
        if out.contains(value.as_str()) {
            out = out.replace(value.as_str(), &format!("[{name}]"));
        }
    }
    out = SKIPTOKEN.replace_all(&out, "${1}[skiptoken]").into_owned();
    GUID.replace_all(&out, "[uuid]").into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn known_values_become_named_placeholders() {
        let known = vec![(
            "governed.tenantId".to_string(),
            "bbbbcccc-1111-dddd-2222-eeee3333ffff".to_string(),
        )];
        let v = redact(
            &json!({"governedTenantId": "bbbbcccc-1111-dddd-2222-eeee3333ffff", "other": "aaaaaaaa-0000-1111-2222-bbbbbbbbbbbb"}),
            &known,
        );
        assert_eq!(
            v,
            json!({"governedTenantId": "[governed.tenantId]", "other": "[uuid]"})
        );
    }

    #[test]
    fn datetimes_with_and_without_zone_are_redacted() {
        assert_eq!(
            redact_str("2026-01-01T18:25:09.4212828Z", &[]),
            "[datetime]"
        );
        assert_eq!(redact_str("2026-01-01T18:25:09", &[]), "[datetime]");
        assert_eq!(redact_str("pending", &[]), "pending");
    }

    #[test]
    fn urls_keep_their_shape() {
        let known = vec![(
            "baseUrl".to_string(),
            "http://127.0.0.1:4321/beta".to_string(),
        )];
        let s = redact_str(
            "http://127.0.0.1:4321/beta/x?$top=1&$skiptoken=abc123",
            &known,
        );
        assert_eq!(s, "[baseUrl]/x?$top=1&$skiptoken=[skiptoken]");
    }
}
