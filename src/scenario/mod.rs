//! The scenario model and its loader.
//!
//! A scenario file is YAML (see README, "Scenario format"). Loading turns it into a
//! checked [`Scenario`]: every template, JSONPath, matcher, actor and variable is
//! validated before any request is sent, and every error carries file:line:column.
//! This module knows nothing of HTTP, tokio or the mock.

mod capture_file;
mod duration;
mod editor_schema;
mod error;
mod file;
mod fixture_info;
mod load;
mod matcher;
mod matrix;
mod model;
mod template;
mod yaml;

pub use duration::parse_duration;
pub use editor_schema::{EditorSchema, ObjectSpec, editor_schema, fields_of, undescribed};
pub(crate) use error::did_you_mean;
pub use error::{LoadError, LoadErrorKind, Span};
pub use fixture_info::{FixtureInfo, fixture_info};
pub use load::{
    BUILTIN_FIXTURE_DIR, LoadOptions, builtin_fixture_path, discover, load_file, load_str,
};
pub use matcher::{InstantCmp, JsonType, Matcher, MatcherKind, Operand};
pub use matrix::MAX_CASES;
pub use model::{
    Assertion, Auth, Body, Capture, Expect, FixtureUse, Need, Paging, RequestSpec, Retry, Scenario,
    SnapshotMode, StatusSpec, Step, StepPhase,
};
pub use template::{
    ActorField, Resolver, Template, TemplateError, TemplatePart, TemplateProblem, ValueTemplate,
    VarRef,
};

/// Parse a matcher value as the loader does (for unit tests elsewhere in the crate).
#[cfg(test)]
pub(crate) fn parse_matchers_for_tests(v: &serde_json::Value) -> Vec<Matcher> {
    matcher::parse_matchers(v, Span::default()).unwrap_or_default()
}
