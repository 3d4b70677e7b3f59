//! The checked scenario model the planner and runner consume.

use std::path::PathBuf;
use std::time::Duration;

use serde_json_path::JsonPath;

use super::error::Span;
use super::matcher::Matcher;
use super::template::{Template, ValueTemplate};

#[derive(Debug, Clone)]
pub struct Scenario {
    pub path: PathBuf,
    /// File stem: the trial name is `scenario::<stem>`.
    pub stem: String,
    pub name: String,
    pub description: String,
    pub tags: Vec<String>,
    /// Actor names the scenario needs, in declaration order.
    pub actors: Vec<String>,
    /// Actors only some steps act as (`optionalActors`): without one in the profile,
    /// those steps are skipped with the reason.
    pub optional_actors: Vec<String>,
    pub vars: Vec<(String, ValueTemplate)>,
    pub steps: Vec<Step>,
    /// Steps that run after `steps` whatever happened (success, failure, interruption).
    pub teardown: Vec<Step>,
    /// Extra snapshot redactions: insta selector (within each step's body) → replacement.
    pub redactions: Vec<(String, String)>,
    /// `snapshotMode:` of the file; `None` leaves the choice to the profile.
    pub snapshot_mode: Option<SnapshotMode>,
}

/// How a snapshotted response is recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SnapshotMode {
    /// The body with dynamic values (ids, date-times, captures) redacted.
    Value,
    /// Property names, JSON types and enum values; free values replaced by their type.
    Shape,
}

impl SnapshotMode {
    pub fn as_str(self) -> &'static str {
        match self {
            SnapshotMode::Value => "value",
            SnapshotMode::Shape => "shape",
        }
    }

    pub fn parse(s: &str) -> Option<SnapshotMode> {
        match s {
            "value" => Some(SnapshotMode::Value),
            "shape" => Some(SnapshotMode::Shape),
            _ => None,
        }
    }
}

impl Scenario {
    pub fn has_tag(&self, tag: &str) -> bool {
        self.tags.iter().any(|t| t == tag)
    }

    pub fn all_steps(&self) -> impl Iterator<Item = &Step> {
        self.steps.iter().chain(self.teardown.iter())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum StepPhase {
    Main,
    Teardown,
}

#[derive(Debug, Clone)]
pub struct Step {
    pub name: String,
    pub span: Span,
    pub phase: StepPhase,
    pub actor: String,
    pub request: RequestSpec,
    pub expect: Expect,
    pub captures: Vec<Capture>,
    pub snapshot: bool,
    pub retry: Option<Retry>,
    /// Set when the step came from a fixture: its name and the variables it provides.
    pub fixture: Option<FixtureUse>,
    /// Ids of the catalogue rules this step's assertions check (`checks:`), in order.
    pub checks: Vec<String>,
    /// Tags of this step alone (the scenario's tags apply to every step as well).
    pub tags: Vec<String>,
}

impl Step {
    pub fn has_tag(&self, tag: &str) -> bool {
        self.tags.iter().any(|t| t == tag)
    }
}

#[derive(Debug, Clone)]
pub struct FixtureUse {
    pub name: String,
    pub provides: Vec<String>,
    /// The profile may supply every provided variable instead.
    pub from_profile: bool,
}

#[derive(Debug, Clone)]
pub struct RequestSpec {
    pub method: String,
    pub path: Template,
    pub query: Vec<(String, Template)>,
    pub headers: Vec<(String, Template)>,
    pub body: Option<Body>,
    pub auth: Auth,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum Body {
    Json(ValueTemplate),
    /// Sent verbatim (e.g. deliberately invalid JSON); `Content-Type` as the step sets it,
    /// else `application/json`.
    Raw(Template),
}

#[derive(Debug, Clone)]
pub enum Auth {
    /// The acting actor's token.
    Actor,
    /// No `Authorization` header.
    None,
    /// This literal bearer token.
    Bearer(Template),
}

#[derive(Debug, Clone, Default)]
pub struct Expect {
    pub status: Option<StatusSpec>,
    pub schema: Option<(String, Span)>,
    pub json: Vec<Assertion>,
    pub headers: Vec<Assertion>,
}

#[derive(Debug, Clone)]
pub struct StatusSpec {
    /// Any of these passes: several where the docs leave room (e.g. 400 or 409).
    pub allowed: Vec<u16>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Assertion {
    /// The JSONPath (for `json`) or the lower-case header name (for `headers`), as written.
    pub target: Template,
    /// Pre-parsed JSONPath when `target` has no placeholders.
    pub path: Option<JsonPath>,
    pub matchers: Vec<Matcher>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Capture {
    pub name: String,
    pub source: String,
    pub path: JsonPath,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Retry {
    pub until: Expect,
    pub attempts: u32,
    pub delay: Duration,
    pub span: Span,
}
