//! Findings as data: what was expected and what the target sent, kept as values and
//! put into words only when a reporter shows them.

use std::fmt;

use serde::Serialize;
use serde::ser::SerializeStruct;
use serde_json::{Value, json};

use super::body::JsonError;
use crate::scenario::{InstantCmp, Span};
use crate::schema::SchemaIssue;
use crate::text::{clip, one_line};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FindingKind {
    Status,
    ContentType,
    Schema,
    Assertion,
    Header,
    Capture,
    Transport,
    Template,
    /// The response differs from the stored snapshot (`tgconform run`, any target).
    Snapshot,
    /// The Graph envelope every exchange shares (headers, `@odata.context`, …), judged
    /// on every response whatever the step expects; the problem names the rule.
    Envelope,
    /// Following `@odata.nextLink` (`paging:`) went wrong: a link repeats, the list
    /// does not end within the bound, a page is not a collection, an item comes twice.
    Paging,
}

/// What a finding is about, as the scenario names it; its text comes first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    /// A JSONPath assertion, as written (`$.status`).
    Path(String),
    /// A header assertion (lower-case name).
    Header(String),
    /// A capture, by variable name.
    Capture(String),
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Subject::Path(p) => f.write_str(p),
            Subject::Header(h) => write!(f, "header `{h}`"),
            Subject::Capture(c) => write!(f, "capture `{c}`"),
        }
    }
}

/// The error object of a Graph error body (`error.code`, `error.message`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GraphError {
    pub code: String,
    pub message: String,
}

/// How a response (or a step) deviates, with the values involved.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    /// Free text: transport errors, templates that do not render, snapshot diffs.
    Text(String),
    /// A check of the Graph envelope, about one rule of the catalogue.
    Envelope {
        rule: &'static str,
        text: String,
    },
    Status {
        expected: Vec<u16>,
        actual: u16,
        graph_error: Option<GraphError>,
        /// `Location` of a redirect (tgconform does not follow redirects).
        redirect: Option<String>,
        /// The body is of another kind than expected, so the schema was not checked.
        schema_skipped: bool,
    },
    /// A JSON body was expected; `None`: no `Content-Type` at all.
    ContentType {
        actual: Option<String>,
    },
    /// The body is not JSON, and why.
    NotJson {
        reason: JsonError,
    },
    /// The body is empty where one of this schema (or any body) was expected.
    EmptyBody {
        schema: Option<String>,
    },
    /// The body breaks the schema.
    Schema {
        schema: String,
        issue: SchemaIssue,
    },
    /// `exists`: nothing at the path.
    Missing,
    /// `absent`: something at the path.
    Unexpected {
        actual: Value,
    },
    /// `absent`: several values at the path.
    UnexpectedMany {
        count: usize,
    },
    Count {
        expected: usize,
        actual: usize,
    },
    /// A value matcher found nothing at the path.
    NoValue,
    /// A value matcher found several values.
    Ambiguous {
        count: usize,
    },
    Equals {
        expected: Value,
        actual: Value,
    },
    NotEquals {
        unexpected: Value,
    },
    OneOf {
        expected: Vec<Value>,
        actual: Value,
    },
    Type {
        expected: String,
        actual: Value,
    },
    Regex {
        pattern: String,
        actual: Value,
    },
    /// `length` on something without one.
    NoLength {
        actual: Value,
    },
    Length {
        expected: usize,
        actual: usize,
    },
    NonEmpty {
        actual: Value,
    },
    Contains {
        expected: Value,
        actual: Value,
    },
    /// `oneMoreThan`: the value read as a number is not `base` + 1.
    OneMoreThan {
        base: Value,
        actual: Value,
    },
    /// A date-time was expected (`offsetFrom` matchers).
    NotDateTime {
        actual: Value,
    },
    /// The other side of a date comparison (`offsetFrom`, `after`…), a path, selects nothing.
    OperandMissing {
        key: &'static str,
        source: String,
    },
    /// The other side of a date comparison selects several values.
    OperandAmbiguous {
        key: &'static str,
        source: String,
        count: usize,
    },
    /// The other side of a date comparison is not a date-time.
    OperandNotDateTime {
        key: &'static str,
        actual: Value,
    },
    /// `sameInstant`, `after` or `before` does not hold.
    Instant {
        cmp: InstantCmp,
        other: Value,
        actual: Value,
        /// Actual minus other.
        diff_ms: i64,
    },
    /// A date-time off by more than the tolerance.
    DateOffset {
        /// The expected instant, RFC 3339.
        expected: String,
        base: Value,
        negative: bool,
        by_ms: i64,
        within_ms: i64,
        actual: Value,
        /// Actual minus base.
        offset_ms: i64,
    },
    /// A capture's path selects nothing.
    CaptureMissing {
        path: String,
    },
    /// `retry.until` never held: the last answer's status and what failed in it.
    RetryExhausted {
        attempts: u32,
        last_status: u16,
        until: Vec<Finding>,
    },
}

/// A value as shown in a message: compact JSON, clipped.
fn show(v: &Value) -> String {
    clip(&v.to_string(), 200)
}

fn human(ms: i64) -> String {
    let secs = ms as f64 / 1000.0;
    let abs = secs.abs();
    if abs >= 86_400.0 {
        format!("{:.3}d", secs / 86_400.0)
    } else if abs >= 3600.0 {
        format!("{:.2}h", secs / 3600.0)
    } else {
        format!("{secs:.3}s")
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Text(t) => f.write_str(t),
            Problem::Envelope { rule, text } => write!(f, "envelope ({rule}): {text}"),
            Problem::Status {
                expected,
                actual,
                graph_error,
                redirect,
                schema_skipped,
            } => {
                match expected.as_slice() {
                    [one] => write!(f, "expected status {one}, got {actual}")?,
                    many => write!(
                        f,
                        "expected status one of {}, got {actual}",
                        many.iter()
                            .map(u16::to_string)
                            .collect::<Vec<_>>()
                            .join(", ")
                    )?,
                }
                if let Some(e) = graph_error {
                    write!(
                        f,
                        " ({}: {})",
                        clip(&one_line(&e.code), 80),
                        clip(&one_line(&e.message), 160)
                    )?;
                } else if let Some(to) = redirect {
                    write!(
                        f,
                        " (a redirect to {}; tgconform does not follow redirects)",
                        clip(to, 200)
                    )?;
                }
                if *schema_skipped {
                    f.write_str("; the schema check is skipped for a body of another kind")?;
                }
                Ok(())
            }
            Problem::ContentType { actual } => match actual {
                None => f.write_str("expected a JSON body (application/json), got no Content-Type"),
                Some(ct) => write!(
                    f,
                    "expected a JSON body (application/json), got Content-Type `{ct}`"
                ),
            },
            Problem::NotJson { reason } => write!(f, "the body is not valid JSON: {reason}"),
            Problem::EmptyBody { schema: Some(s) } => {
                write!(f, "expected a `{s}` body, got an empty body")
            }
            Problem::EmptyBody { schema: None } => f.write_str("the body is empty"),
            Problem::Schema { schema, issue } => write!(f, "schema `{schema}`: {issue}"),
            Problem::Missing => f.write_str("expected a value, found none"),
            Problem::Unexpected { actual } => {
                write!(f, "expected no value, found {}", show(actual))
            }
            Problem::UnexpectedMany { count } => write!(f, "expected no value, found {count}"),
            Problem::Count { expected, actual } => {
                write!(f, "expected {expected} values, found {actual}")
            }
            Problem::NoValue => f.write_str("no value at this path"),
            Problem::Ambiguous { count } => write!(
                f,
                "selects {count} values; value matchers need exactly one (use `count`, or a filter that selects one)"
            ),
            Problem::Equals { expected, actual } => {
                write!(f, "expected {}, got {}", show(expected), show(actual))
            }
            Problem::NotEquals { unexpected } => {
                write!(f, "expected anything but {}", show(unexpected))
            }
            Problem::OneOf { expected, actual } => write!(
                f,
                "expected one of {}, got {}",
                show(&Value::Array(expected.clone())),
                show(actual)
            ),
            Problem::Type { expected, actual } => {
                write!(f, "expected a {expected}, got {}", show(actual))
            }
            Problem::Regex { pattern, actual } => match actual {
                Value::String(_) => {
                    write!(f, "expected a match of /{pattern}/, got {}", show(actual))
                }
                _ => write!(
                    f,
                    "expected a string matching /{pattern}/, got {}",
                    show(actual)
                ),
            },
            Problem::NoLength { actual } => {
                write!(f, "expected something with a length, got {}", show(actual))
            }
            Problem::Length { expected, actual } => {
                write!(f, "expected length {expected}, got {actual}")
            }
            Problem::NonEmpty { actual } => {
                write!(f, "expected a non-empty value, got {}", show(actual))
            }
            Problem::Contains { expected, actual } => {
                write!(f, "expected {} to contain {}", show(actual), show(expected))
            }
            Problem::OneMoreThan { base, actual } => {
                write!(
                    f,
                    "expected one more than {}, got {}",
                    show(base),
                    show(actual)
                )
            }
            Problem::NotDateTime { actual } => {
                write!(f, "expected an RFC 3339 date-time, got {}", show(actual))
            }
            Problem::OperandMissing { key, source } => {
                write!(f, "{key} {source}: no value at this path")
            }
            Problem::OperandAmbiguous { key, source, count } => {
                write!(f, "{key} {source}: selects {count} values")
            }
            Problem::OperandNotDateTime { key, actual } => write!(
                f,
                "{key}: expected an RFC 3339 date-time, got {}",
                show(actual)
            ),
            Problem::Instant {
                cmp,
                other,
                actual,
                diff_ms,
            } => write!(
                f,
                "expected {} {}, got {} ({} from it)",
                match cmp {
                    InstantCmp::Same => "the same instant as",
                    InstantCmp::After => "later than",
                    InstantCmp::Before => "earlier than",
                    InstantCmp::NotBefore => "the same instant as or later than",
                },
                show(other),
                show(actual),
                human(*diff_ms)
            ),
            Problem::DateOffset {
                expected,
                base,
                negative,
                by_ms,
                within_ms,
                actual,
                offset_ms,
            } => write!(
                f,
                "expected {expected} ({} {} {}) within {}, got {} ({} from the base)",
                show(base),
                if *negative { "-" } else { "+" },
                human(*by_ms),
                human(*within_ms),
                show(actual),
                human(*offset_ms),
            ),
            Problem::CaptureMissing { path } => write!(f, "no value at {path}"),
            Problem::RetryExhausted {
                attempts,
                last_status,
                until,
            } => write!(
                f,
                "the `retry.until` condition still failed after {attempts} attempts; the last answer was {last_status}: {}",
                until
                    .iter()
                    .map(Finding::message)
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
        }
    }
}

impl Problem {
    /// A short name of the check, for machine-readable reports.
    pub fn check(&self) -> &'static str {
        match self {
            Problem::Text(_) => "text",
            Problem::Envelope { .. } => "envelope",
            Problem::Status { .. } => "status",
            Problem::ContentType { .. } => "content-type",
            Problem::NotJson { .. } => "json",
            Problem::EmptyBody { .. } => "empty-body",
            Problem::Schema { .. } => "schema",
            Problem::Missing => "exists",
            Problem::Unexpected { .. } | Problem::UnexpectedMany { .. } => "absent",
            Problem::Count { .. } => "count",
            Problem::NoValue => "no-value",
            Problem::Ambiguous { .. } => "ambiguous",
            Problem::Equals { .. } => "equals",
            Problem::NotEquals { .. } => "not-equals",
            Problem::OneOf { .. } => "one-of",
            Problem::Type { .. } => "type",
            Problem::Regex { .. } => "regex",
            Problem::NoLength { .. } | Problem::Length { .. } => "length",
            Problem::NonEmpty { .. } => "non-empty",
            Problem::Contains { .. } => "contains",
            Problem::OneMoreThan { .. } => "one-more-than",
            Problem::Instant { cmp, .. } => cmp.key(),
            Problem::NotDateTime { .. }
            | Problem::OperandMissing { .. }
            | Problem::OperandAmbiguous { .. }
            | Problem::OperandNotDateTime { .. } => "date-time",
            Problem::DateOffset { .. } => "date-offset",
            Problem::CaptureMissing { .. } => "capture",
            Problem::RetryExhausted { .. } => "retry",
        }
    }

    /// What was expected, as a value, where the check compares one.
    pub fn expected(&self) -> Option<Value> {
        Some(match self {
            Problem::Status { expected, .. } => json!(expected),
            Problem::ContentType { .. } | Problem::NotJson { .. } => json!("application/json"),
            Problem::EmptyBody { schema } => json!(schema),
            Problem::Schema { schema, .. } => json!(schema),
            Problem::Unexpected { .. } | Problem::UnexpectedMany { .. } => json!(0),
            Problem::Count { expected, .. } | Problem::Length { expected, .. } => json!(expected),
            Problem::Equals { expected, .. } | Problem::Contains { expected, .. } => {
                expected.clone()
            }
            Problem::NotEquals { unexpected } => json!({ "not": unexpected }),
            Problem::OneOf { expected, .. } => json!(expected),
            Problem::OneMoreThan { base, .. } => json!({ "oneMoreThan": base }),
            Problem::Type { expected, .. } => json!(expected),
            Problem::Regex { pattern, .. } => json!(pattern),
            Problem::DateOffset { expected, .. } => json!(expected),
            Problem::Instant { cmp, other, .. } => json!({ cmp.key(): other }),
            _ => return None,
        })
    }

    /// What the target sent, as a value, where the check looked at one.
    pub fn actual(&self) -> Option<Value> {
        Some(match self {
            Problem::Status { actual, .. } => json!(actual),
            Problem::ContentType { actual } => json!(actual),
            Problem::Unexpected { actual }
            | Problem::Equals { actual, .. }
            | Problem::OneOf { actual, .. }
            | Problem::Type { actual, .. }
            | Problem::Regex { actual, .. }
            | Problem::NoLength { actual }
            | Problem::NonEmpty { actual }
            | Problem::Contains { actual, .. }
            | Problem::OneMoreThan { actual, .. }
            | Problem::NotDateTime { actual }
            | Problem::OperandNotDateTime { actual, .. }
            | Problem::Instant { actual, .. }
            | Problem::DateOffset { actual, .. } => actual.clone(),
            Problem::UnexpectedMany { count: actual }
            | Problem::Count { actual, .. }
            | Problem::Length { actual, .. } => json!(actual),
            Problem::Ambiguous { count } => json!(count),
            _ => return None,
        })
    }
}

/// One way a response deviates from what the step expects.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub kind: FindingKind,
    /// Where in the scenario file the broken expectation is written.
    pub span: Span,
    pub subject: Option<Subject>,
    pub problem: Problem,
}

impl Finding {
    /// A finding told in words only (transport errors, templates, snapshot diffs).
    pub fn new(kind: FindingKind, span: Span, message: impl Into<String>) -> Self {
        Finding {
            kind,
            span,
            subject: None,
            problem: Problem::Text(message.into()),
        }
    }

    pub fn of(kind: FindingKind, span: Span, problem: Problem) -> Self {
        Finding {
            kind,
            span,
            subject: None,
            problem,
        }
    }

    pub fn about(mut self, subject: Subject) -> Self {
        self.subject = Some(subject);
        self
    }

    /// The catalogue rule the finding is about, when it checks one of its own (envelope
    /// findings) rather than the rules the step's `checks:` name.
    pub fn rule(&self) -> Option<&'static str> {
        match &self.problem {
            Problem::Envelope { rule, .. } => Some(rule),
            _ => None,
        }
    }

    /// The finding in words, as every report shows it.
    pub fn message(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for Finding {
    /// Messages quote what the target sent, so control characters are escaped here,
    /// for every report: a target cannot write to the user's terminal.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match &self.subject {
            Some(s) => format!("{s}: {}", self.problem),
            None => self.problem.to_string(),
        };
        f.write_str(&super::body::printable(&text))
    }
}

impl Serialize for Finding {
    /// `kind`, `span` and `message` as before; `check`, `subject`, `expected` and
    /// `actual` give the values behind the message.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Finding", 8)?;
        st.serialize_field("kind", &self.kind)?;
        st.serialize_field("span", &self.span)?;
        st.serialize_field("message", &self.message())?;
        st.serialize_field("check", self.problem.check())?;
        if let Some(sub) = &self.subject {
            st.serialize_field("subject", &sub.to_string())?;
        } else {
            st.skip_field("subject")?;
        }
        match self.problem.expected() {
            Some(v) => st.serialize_field("expected", &v)?,
            None => st.skip_field("expected")?,
        }
        match self.problem.actual() {
            Some(v) => st.serialize_field("actual", &v)?,
            None => st.skip_field("actual")?,
        }
        match self.rule() {
            Some(r) => st.serialize_field("rule", r)?,
            None => st.skip_field("rule")?,
        }
        st.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_comparison_keeps_its_values_and_renders_as_before() {
        let f = Finding::of(
            FindingKind::Assertion,
            Span::new(3, 4),
            Problem::Equals {
                expected: json!(false),
                actual: json!(true),
            },
        )
        .about(Subject::Path("$.canReceiveInvitations".into()));
        assert_eq!(
            f.message(),
            "$.canReceiveInvitations: expected false, got true"
        );
        let v = serde_json::to_value(&f).unwrap_or_default();
        assert_eq!(v["expected"], json!(false));
        assert_eq!(v["actual"], json!(true));
        assert_eq!(v["check"], json!("equals"));
        assert_eq!(v["subject"], json!("$.canReceiveInvitations"));
    }

    #[test]
    fn control_characters_from_the_target_are_escaped_when_shown() {
        let f = Finding::new(FindingKind::Transport, Span::default(), "reset \u{1b}[2J");
        assert_eq!(f.message(), "reset \\u{1b}[2J");
    }
}
