//! The raw YAML shape, exactly as written. `load.rs` checks it and builds the model.
//!
//! Every struct denies unknown keys, and nothing uses `untagged` or `flatten`: both
//! would lose serde-saphyr's line and column information.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;
use serde_saphyr::Spanned;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ScenarioFile {
    pub name: Spanned<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub tags: Vec<Spanned<String>>,
    pub actors: Vec<Spanned<String>>,
    /// Actors only some steps need: a step acting as one the profile lacks is skipped
    /// with the reason, instead of the whole scenario.
    #[serde(default, rename = "optionalActors")]
    pub optional_actors: Vec<Spanned<String>>,
    #[serde(default)]
    pub vars: BTreeMap<String, Spanned<Value>>,
    pub steps: Vec<Spanned<StepFile>>,
    #[serde(default)]
    pub teardown: Vec<Spanned<StepFile>>,
    #[serde(default)]
    pub redact: BTreeMap<String, Spanned<String>>,
    /// How snapshotted steps are recorded: `value` or `shape` (overrides the profile).
    #[serde(default, rename = "snapshotMode")]
    pub snapshot_mode: Option<Spanned<String>>,
    /// What the target must offer beyond the API: `clock`, `fresh-tenants`, `add-on-tenants`.
    #[serde(default)]
    pub needs: Vec<Spanned<String>>,
}

/// One row of `each`: parameter → value, in the order written.
pub(crate) type Row = Spanned<serde_json::Map<String, Value>>;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct StepFile {
    #[serde(default)]
    pub name: Option<Spanned<String>>,
    #[serde(rename = "as", default)]
    pub actor: Option<Spanned<String>>,
    #[serde(rename = "use", default)]
    pub use_fixture: Option<Spanned<String>>,
    #[serde(default)]
    pub with: BTreeMap<String, Spanned<String>>,
    #[serde(default)]
    pub request: Option<Spanned<RequestFile>>,
    #[serde(default)]
    pub expect: Option<Spanned<ExpectFile>>,
    /// name → JSONPath, or name → `{path, optional}`.
    #[serde(default)]
    pub capture: BTreeMap<String, Spanned<super::capture_file::CaptureFile>>,
    #[serde(default)]
    pub snapshot: bool,
    #[serde(default)]
    pub retry: Option<Spanned<RetryFile>>,
    /// Rule ids of the catalogue this step's assertions check.
    #[serde(default)]
    pub checks: Vec<Spanned<String>>,
    /// Tags of this step alone, added to the scenario's (e.g. `inferred`).
    #[serde(default)]
    pub tags: Vec<Spanned<String>>,
    /// Parameter axes (`name: [values]`): the step runs once per combination
    /// (`matrix.rs` expands it at load time).
    #[serde(default)]
    pub matrix: Option<Spanned<serde_json::Map<String, Value>>>,
    /// Parameter rows (`- {name: value, …}`): the step runs once per row, times the
    /// combinations of `matrix`.
    #[serde(default)]
    pub each: Option<Spanned<Vec<Row>>>,
    /// Follow `@odata.nextLink` to the last page.
    #[serde(default)]
    pub paging: Option<Spanned<PagingFile>>,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct PagingFile {
    /// The most pages read (default 50).
    #[serde(default, rename = "maxPages")]
    pub max_pages: Option<Spanned<u32>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RequestFile {
    pub method: Spanned<String>,
    pub path: Spanned<String>,
    #[serde(default)]
    pub query: BTreeMap<String, Spanned<String>>,
    #[serde(default)]
    pub headers: BTreeMap<String, Spanned<String>>,
    #[serde(default)]
    pub json: Option<Spanned<Value>>,
    #[serde(default)]
    pub body: Option<Spanned<String>>,
    #[serde(default)]
    pub auth: Option<Spanned<AuthFile>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) enum AuthFile {
    /// Send no `Authorization` header.
    None,
    /// Send this literal bearer token (a template) instead of the actor's.
    Bearer(String),
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct ExpectFile {
    #[serde(default)]
    pub status: Option<Spanned<Value>>,
    #[serde(default)]
    pub schema: Option<Spanned<String>>,
    #[serde(default)]
    pub json: BTreeMap<String, Spanned<Value>>,
    #[serde(default)]
    pub headers: BTreeMap<String, Spanned<Value>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RetryFile {
    pub until: Spanned<ExpectFile>,
    #[serde(default)]
    pub attempts: Option<Spanned<u32>>,
    #[serde(default)]
    pub delay: Option<Spanned<String>>,
}

/// A fixture: reusable steps a scenario pulls in with `use:`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct FixtureFile {
    /// What the fixture sets up (`tgconform list --fixtures`).
    #[serde(default)]
    pub description: Option<String>,
    /// Parameters the caller passes with `with:`, e.g. the actor to act as.
    #[serde(default)]
    pub params: Vec<Spanned<String>>,
    /// Variables the fixture captures for the steps after it.
    pub provides: Vec<Spanned<String>>,
    /// When the profile defines every provided variable, the fixture's steps are skipped.
    #[serde(default)]
    pub from_profile: bool,
    pub steps: Vec<Spanned<StepFile>>,
}
