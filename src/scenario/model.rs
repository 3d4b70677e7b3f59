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
    /// What the target must offer beyond the API (`needs:`); unmet needs skip the
    /// scenario with the reason.
    pub needs: Vec<Need>,
}

/// Something a scenario needs of its target beyond the documented API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Need {
    /// The mock's clock (`/_mock/clock`): time moves on demand. A profile offers it
    /// with `capabilities: [clock]`; such scenarios get a private embedded mock.
    Clock,
    /// Tenants that start from the defaults (e.g. related tenants never enabled).
    /// Offered when every actor's tenant is `tenantId: fresh`, on a mock that creates
    /// tenants on first use.
    FreshTenants,
    /// The mock's stand-in for secure tenant creation (`/_mock/addOnTenant`); a
    /// profile offers it with `capabilities: [add-on-tenants]`.
    AddOnTenants,
}

impl Need {
    pub const ALL: [Need; 3] = [Need::Clock, Need::FreshTenants, Need::AddOnTenants];

    /// The word written in `needs:` and `capabilities:`.
    pub fn name(self) -> &'static str {
        match self {
            Need::Clock => "clock",
            Need::FreshTenants => "fresh-tenants",
            Need::AddOnTenants => "add-on-tenants",
        }
    }

    pub fn parse(s: &str) -> Option<Need> {
        Need::ALL.into_iter().find(|n| n.name() == s)
    }
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

    pub fn needs(&self, need: Need) -> bool {
        self.needs.contains(&need)
    }

    pub fn all_steps(&self) -> impl Iterator<Item = &Step> {
        self.steps.iter().chain(self.teardown.iter())
    }

    /// `name` is captured by a step that marks the capture optional.
    pub fn captures_optionally(&self, name: &str) -> bool {
        self.all_steps()
            .flat_map(|s| s.captures.iter())
            .any(|c| c.optional && c.name == name)
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
    /// `paging:`: follow `@odata.nextLink` to the last page; the step's expectations
    /// are judged on the items of every page together.
    pub paging: Option<Paging>,
}

/// Following `@odata.nextLink` to the end of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    /// The most pages read, the first included; a list that goes on fails the step.
    pub max_pages: u32,
    pub span: Span,
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
    /// `optional: true`: no value is no failure; steps that need it are skipped.
    pub optional: bool,
}

#[derive(Debug, Clone)]
pub struct Retry {
    pub until: Expect,
    pub attempts: u32,
    pub delay: Duration,
    pub span: Span,
}
