//! Profile files: the target's base URL, and per actor a tenant and a token source.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;

use crate::scenario::SnapshotMode;

/// The profile used when none is given: mock tokens and fresh tenants per run.
pub const BUILTIN_PROFILE: &str = include_str!("../../profiles/embedded-mock.yaml");

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Profile {
    /// Base URL, e.g. `https://graph.microsoft.com/beta`. `--target` overrides it.
    #[serde(default)]
    pub target: Option<String>,
    /// Treat the target as a real tenant even on loopback (for testing the safety rules).
    #[serde(default)]
    pub real: Option<bool>,
    /// What the target offers beyond the API, for scenarios that declare `needs:`:
    /// `clock` (`/_mock/clock`), `add-on-tenants` (`/_mock/addOnTenant`), or
    /// `mock-control` for both. Fresh tenants are offered by `tenantId: fresh`.
    #[serde(default)]
    pub capabilities: Vec<String>,
    pub actors: BTreeMap<String, ActorSpec>,
    /// Values for scenario variables and fixtures (e.g. `templateId`).
    #[serde(default)]
    pub vars: BTreeMap<String, Value>,
    /// Extra strings to mask in every output, besides tokens.
    #[serde(default)]
    pub secrets: Vec<String>,
    /// This target's snapshot folder, relative to the profile file
    /// (default: `snapshots/<profile file stem>/`).
    #[serde(default)]
    pub snapshots: Option<PathBuf>,
    /// `value` or `shape` snapshots for scenarios that do not choose
    /// (default: shape for real tenants, value for mocks).
    #[serde(default)]
    pub snapshot_mode: Option<SnapshotMode>,
    /// Extra snapshot redactions: insta selector within each step's body → replacement.
    #[serde(default)]
    pub redact: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ActorSpec {
    #[serde(default)]
    pub tenant_id: Option<String>,
    #[serde(default)]
    pub same_tenant_as: Option<String>,
    #[serde(default)]
    pub tenant_name: Option<String>,
    pub token: TokenSpec,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TenantSpec {
    /// A fixed tenant id (real tenants).
    Fixed(String),
    /// A new tenant id per scenario run (mocks).
    Fresh,
    /// The same tenant as another actor (another identity in that tenant).
    SameAs(String),
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub enum TokenSpec {
    /// A bearer token in this environment variable.
    Env(String),
    /// A shell command whose stdout is the token; run once, again after a 401.
    Command(String),
    /// Mint a mock token with these claims (`tid` and `tenant_name` default to the actor's).
    Mock(serde_json::Map<String, Value>),
}

/// Words `capabilities:` may hold.
pub(crate) const CAPABILITIES: &[&str] = &["clock", "add-on-tenants", "mock-control"];

#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    #[error("{path}: error: {message}")]
    Capability { path: PathBuf, message: String },
    #[error("cannot read profile {path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}:{line}:{column}: error: {message}")]
    Parse {
        path: PathBuf,
        line: u64,
        column: u64,
        message: String,
    },
    #[error("{path}: error: actor `{actor}`: {message}")]
    Actor {
        path: PathBuf,
        actor: String,
        message: String,
    },
    #[error("{path}: error: redaction selector `{selector}` does not parse: {message}")]
    Redaction {
        path: PathBuf,
        selector: String,
        message: String,
    },
}

impl Profile {
    pub fn builtin() -> Profile {
        // The built-in profile is part of the binary and covered by a unit test.
        match Profile::parse(Path::new("<builtin profile>"), BUILTIN_PROFILE) {
            Ok(p) => p,
            Err(e) => unreachable!("the built-in profile is checked by tests: {e}"),
        }
    }

    pub fn load(path: &Path) -> Result<Profile, ProfileError> {
        let text = std::fs::read_to_string(path).map_err(|source| ProfileError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Profile::parse(path, &text)
    }

    pub fn parse(path: &Path, text: &str) -> Result<Profile, ProfileError> {
        let opts =
            serde_saphyr::options! { strict_booleans: true, leading_zero_numbers_as_strings: true };
        let profile: Profile = serde_saphyr::from_str_with_options(text, opts).map_err(|e| {
            let (line, column) = e
                .location()
                .map(|l| (l.line(), l.column()))
                .unwrap_or((0, 0));
            let msg = e.without_snippet().to_string();
            let message = match msg.rfind(" at line ") {
                Some(i) => msg[..i].to_string(),
                None => msg,
            };
            ProfileError::Parse {
                path: path.to_path_buf(),
                line,
                column,
                message,
            }
        })?;
        if let Some(bad) = profile
            .capabilities
            .iter()
            .find(|c| !CAPABILITIES.contains(&c.as_str()))
        {
            let hint = if bad == "fresh-tenants" {
                "; fresh tenants are offered by `tenantId: fresh` on the actors".to_string()
            } else {
                String::new()
            };
            return Err(ProfileError::Capability {
                path: path.to_path_buf(),
                message: format!(
                    "unknown capability `{bad}`: a profile may offer {}{hint}",
                    CAPABILITIES.join(", ")
                ),
            });
        }
        for selector in profile.redact.keys() {
            crate::snapshot::check_selector(selector).map_err(|message| {
                ProfileError::Redaction {
                    path: path.to_path_buf(),
                    selector: selector.clone(),
                    message,
                }
            })?;
        }
        for (name, actor) in &profile.actors {
            let err = |message: String| ProfileError::Actor {
                path: path.to_path_buf(),
                actor: name.clone(),
                message,
            };
            match (&actor.tenant_id, &actor.same_tenant_as) {
                (Some(_), Some(_)) => {
                    return Err(err(
                        "give either `tenantId` or `sameTenantAs`, not both".into()
                    ));
                }
                (None, None) => {
                    return Err(err(
                        "give `tenantId` (an id or `fresh`) or `sameTenantAs`".into()
                    ));
                }
                (None, Some(other)) => match profile.actors.get(other) {
                    None => {
                        return Err(err(format!(
                            "`sameTenantAs: {other}` names no actor of this profile"
                        )));
                    }
                    Some(o) if o.same_tenant_as.is_some() => {
                        return Err(err(format!(
                            "`sameTenantAs: {other}` must name an actor with its own `tenantId`"
                        )));
                    }
                    Some(_) => {}
                },
                (Some(_), None) => {}
            }
            if let TokenSpec::Env(var) | TokenSpec::Command(var) = &actor.token
                && var.trim().is_empty()
            {
                return Err(err("the token source is empty".into()));
            }
            if let TokenSpec::Mock(claims) = &actor.token {
                super::token::check_mock_claims(claims).map_err(err)?;
            }
        }
        Ok(profile)
    }

    /// Whether this profile says what the built-in one says, comments, layout and
    /// `vars` aside (`vars` feed scenario variables, as `--var` does, and leave the
    /// target and the actors alone). `--profile profiles/embedded-mock.yaml` is then the
    /// same run as no `--profile`, down to the snapshot folder.
    pub fn is_builtin(&self) -> bool {
        let builtin = Profile::builtin();
        Profile {
            vars: builtin.vars.clone(),
            ..self.clone()
        } == builtin
    }

    pub fn has_capability(&self, cap: &str) -> bool {
        self.capabilities.iter().any(|c| c == cap)
    }
}

impl ActorSpec {
    pub fn tenant(&self) -> TenantSpec {
        match (&self.tenant_id, &self.same_tenant_as) {
            (_, Some(other)) => TenantSpec::SameAs(other.clone()),
            (Some(id), None) if id == "fresh" => TenantSpec::Fresh,
            (Some(id), None) => TenantSpec::Fixed(id.clone()),
            (None, None) => TenantSpec::Fresh,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_profile_parses() {
        let text = include_str!("../../profiles/graph-beta.example.yaml");
        let p = Profile::parse(Path::new("example"), text).map_err(|e| e.to_string());
        assert!(p.is_ok(), "{p:?}");
    }

    #[test]
    fn builtin_profile_parses() {
        let p = Profile::parse(Path::new("b"), BUILTIN_PROFILE).map_err(|e| e.to_string());
        assert!(p.is_ok(), "{p:?}");
    }

    #[test]
    fn the_builtin_profile_file_with_other_comments_and_vars_is_the_builtin_profile() {
        let text = format!("# mine\nvars: {{templateId: t}}\n{BUILTIN_PROFILE}");
        let p = Profile::parse(Path::new("p"), &text).map_err(|e| e.to_string());
        assert_eq!(p.map(|p| p.is_builtin()), Ok(true));
    }

    #[test]
    fn a_profile_with_a_target_is_not_the_builtin_profile() {
        let text = format!("target: http://127.0.0.1:8080/beta\n{BUILTIN_PROFILE}");
        let p = Profile::parse(Path::new("p"), &text).map_err(|e| e.to_string());
        assert_eq!(p.map(|p| p.is_builtin()), Ok(false));
    }

    #[test]
    fn unknown_keys_are_errors_with_positions() {
        let e = Profile::parse(Path::new("p.yaml"), "actors: {}\ntargte: x\n")
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            e.as_deref()
                .map(|s| s.starts_with("p.yaml:2:1: error: unknown field `targte`")),
            Some(true),
            "{e:?}"
        );
    }

    #[test]
    fn snapshot_keys_parse() {
        let text = "snapshots: snaps\nsnapshotMode: shape\nredact: {\".displayName\": \"[name]\"}\nactors: {}\n";
        let p = Profile::parse(Path::new("p"), text).map_err(|e| e.to_string());
        let p = p.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(p.snapshots.as_deref(), Some(Path::new("snaps")));
        assert_eq!(p.snapshot_mode, Some(SnapshotMode::Shape));
        assert_eq!(
            p.redact.get(".displayName").map(String::as_str),
            Some("[name]")
        );
    }

    #[test]
    fn a_bad_snapshot_mode_or_selector_is_an_error() {
        let mode = Profile::parse(Path::new("p"), "snapshotMode: shapes\nactors: {}\n");
        assert!(matches!(mode, Err(ProfileError::Parse { .. })), "{mode:?}");
        let sel = Profile::parse(Path::new("p"), "redact: {\".a[\": x}\nactors: {}\n");
        assert!(
            matches!(sel, Err(ProfileError::Redaction { .. })),
            "{sel:?}"
        );
    }

    #[test]
    fn an_unknown_capability_is_an_error_naming_the_known_ones() {
        let e = Profile::parse(Path::new("p"), "capabilities: [clocks]\nactors: {}\n")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.contains("unknown capability `clocks`"), "{e}");
        assert!(e.contains("clock, add-on-tenants, mock-control"), "{e}");
    }

    #[test]
    fn same_tenant_as_must_name_an_actor() {
        let text = "actors:\n  a:\n    sameTenantAs: b\n    token: {env: X}\n";
        assert!(matches!(
            Profile::parse(Path::new("p"), text),
            Err(ProfileError::Actor { .. })
        ));
    }
}
