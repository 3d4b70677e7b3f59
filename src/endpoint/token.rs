//! Token sources: environment variables, commands and mock tokens.
//!
//! Tokens are secrets: they are kept here and in request headers only, and every
//! token this module hands out is registered with [`TokenCache::secrets`] so that
//! reports can mask it should it ever appear in a response.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;

use super::profile::TokenSpec;
use crate::contract::{self, roles, scopes};

#[derive(Debug, Clone, thiserror::Error)]
pub enum TokenError {
    #[error(
        "actor `{actor}`: the environment variable `{var}` of its `token: {{env: …}}` is not set or empty"
    )]
    EnvMissing { actor: String, var: String },
    #[error("actor `{actor}`: token command failed: {reason}")]
    Command { actor: String, reason: String },
}

/// Resolved tokens, shared by all scenario runs of one invocation.
#[derive(Debug, Default, Clone)]
pub struct TokenCache {
    tokens: Arc<Mutex<HashMap<String, String>>>,
    secrets: Arc<Mutex<Vec<String>>>,
}

const COMMAND_TIMEOUT: Duration = Duration::from_secs(60);

impl TokenCache {
    pub fn new() -> Self {
        Self::default()
    }

    /// Every secret handed out so far (for masking).
    pub fn secrets(&self) -> Vec<String> {
        self.secrets.lock().map(|s| s.clone()).unwrap_or_default()
    }

    pub fn add_secret(&self, s: &str) {
        // Few secrets are registered (profile secrets, env and command tokens), so a
        // linear check is fine.
        if s.len() >= 4
            && let Ok(mut v) = self.secrets.lock()
            && !v.iter().any(|x| x == s)
        {
            v.push(s.to_string());
        }
    }

    /// The token of a non-mock source (`env` or `command`), resolved once and cached.
    pub async fn token(&self, actor: &str, spec: &TokenSpec) -> Result<String, TokenError> {
        if let Some(t) = self.tokens.lock().ok().and_then(|m| m.get(actor).cloned()) {
            return Ok(t);
        }
        self.fetch(actor, spec).await
    }

    /// Fetch again (after a 401): only commands can give a new token.
    pub async fn refresh(
        &self,
        actor: &str,
        spec: &TokenSpec,
    ) -> Result<Option<String>, TokenError> {
        match spec {
            TokenSpec::Command(_) => self.fetch(actor, spec).await.map(Some),
            _ => Ok(None),
        }
    }

    async fn fetch(&self, actor: &str, spec: &TokenSpec) -> Result<String, TokenError> {
        let token = match spec {
            TokenSpec::Env(var) => std::env::var(var)
                .ok()
                .map(|t| t.trim().to_string())
                .filter(|t| !t.is_empty())
                .ok_or_else(|| TokenError::EnvMissing {
                    actor: actor.to_string(),
                    var: var.clone(),
                })?,
            TokenSpec::Command(cmd) => run_command(actor, cmd).await?,
            TokenSpec::Mock(_) => {
                return Err(TokenError::Command {
                    actor: actor.to_string(),
                    reason: "mock tokens are minted per run, not fetched".into(),
                });
            }
        };
        self.add_secret(&token);
        if let Ok(mut m) = self.tokens.lock() {
            m.insert(actor.to_string(), token.clone());
        }
        Ok(token)
    }
}

async fn run_command(actor: &str, cmd: &str) -> Result<String, TokenError> {
    let err = |reason: String| TokenError::Command {
        actor: actor.to_string(),
        reason,
    };
    let child = tokio::process::Command::new("sh")
        .arg("-c")
        .arg(cmd)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .output();
    let out = tokio::time::timeout(COMMAND_TIMEOUT, child)
        .await
        .map_err(|_| err(format!("no answer within {}s", COMMAND_TIMEOUT.as_secs())))?
        .map_err(|e| err(format!("cannot start `sh`: {e}")))?;
    if !out.status.success() {
        // stderr may hold diagnostic text but never the token (the token is stdout).
        let stderr = String::from_utf8_lossy(&out.stderr);
        let first = stderr
            .lines()
            .next()
            .unwrap_or("")
            .chars()
            .take(200)
            .collect::<String>();
        let how = match out.status.code() {
            Some(code) => format!("it exited with status {code}"),
            None => "it was stopped by a signal".to_string(),
        };
        return Err(err(if first.trim().is_empty() {
            how
        } else {
            format!("{how}: {}", first.trim())
        }));
    }
    let token = String::from_utf8_lossy(&out.stdout).trim().to_string();
    if token.is_empty() {
        return Err(err("the command printed nothing on stdout".into()));
    }
    Ok(token)
}

/// Expand the claim shorthands of a `mock:` token source and mint the token.
///
/// `scp: all` → every ReadWrite scope, `scp: allRead` → every Read scope,
/// `scp: {allBut: Request}` → every Read and ReadWrite scope but those of one family
/// (the identity that lacks exactly that family); `roles: allRead` → every
/// application Read permission, `roles: all` → every Read and ReadWrite permission;
/// `wids` entries may be role names in camelCase (`tenantGovernanceAdministrator`)
/// instead of template ids. [`check_mock_claims`] refuses shorthands it cannot expand.
pub fn mint_for(
    claims: &serde_json::Map<String, Value>,
    tenant_id: &str,
    tenant_name: &str,
) -> String {
    let mut c = claims.clone();
    c.entry("tid")
        .or_insert_with(|| Value::String(tenant_id.to_string()));
    c.entry("tenant_name")
        .or_insert_with(|| Value::String(tenant_name.to_string()));
    match c.get("scp") {
        Some(Value::String(s)) => {
            let expanded = match s.as_str() {
                "all" => scopes::ALL_READ_WRITE.join(" "),
                "allRead" => scopes::ALL_READ.join(" "),
                other => other.to_string(),
            };
            c.insert("scp".into(), Value::String(expanded));
        }
        Some(Value::Object(o)) => {
            if let Some(family) = o.get("allBut").and_then(Value::as_str) {
                c.insert("scp".into(), Value::String(all_but(family).join(" ")));
            }
        }
        _ => {}
    }
    if let Some(Value::String(s)) = c.get("roles") {
        let expanded = match s.as_str() {
            "allRead" => Some(scopes::ALL_READ.to_vec()),
            "all" => Some(every_scope()),
            _ => None,
        };
        if let Some(list) = expanded {
            c.insert("roles".into(), Value::from(list));
        }
    }
    if let Some(Value::Array(items)) = c.get("wids") {
        let ids: Vec<Value> = items
            .iter()
            .map(|w| match w.as_str().and_then(role_id_for_name) {
                Some(id) => Value::String(id.to_string()),
                None => w.clone(),
            })
            .collect();
        c.insert("wids".into(), Value::Array(ids));
    }
    contract::mint_mock_token(&Value::Object(c))
}

/// Why the claims of a `mock:` token source cannot be minted, if they cannot: a
/// shorthand that expands to nothing is a mistake in the profile, not a token without
/// scopes.
pub fn check_mock_claims(claims: &serde_json::Map<String, Value>) -> Result<(), String> {
    match claims.get("scp") {
        None | Some(Value::String(_)) => {}
        Some(Value::Object(o)) => {
            let family = o.get("allBut").and_then(Value::as_str);
            let known = family.is_some_and(|f| !family_scopes(f).is_empty());
            if o.len() != 1 || !known {
                return Err(format!(
                    "`scp: {{allBut: FAMILY}}` needs one of the scope families {}",
                    FAMILIES.join(", ")
                ));
            }
        }
        Some(_) => {
            return Err(
                "`scp` is a space-separated string of scopes, `all`, `allRead` or `{allBut: FAMILY}`"
                    .into(),
            );
        }
    }
    match claims.get("roles") {
        None | Some(Value::Array(_)) => Ok(()),
        Some(Value::String(s)) if s == "all" || s == "allRead" => Ok(()),
        Some(_) => Err("`roles` is a list of application permissions, `all` or `allRead`".into()),
    }
}

/// The scope families, as they appear in scope names (`TenantGovernance-<family>.…`).
const FAMILIES: &[&str] = &[
    "Request",
    "Invitation",
    "Relationship",
    "PolicyTemplate",
    "Setting",
    "RelatedTenant",
];

fn family_scopes(family: &str) -> Vec<&'static str> {
    let prefix = format!("TenantGovernance-{family}.");
    every_scope()
        .into_iter()
        .filter(|s| s.starts_with(&prefix))
        .collect()
}

/// Every Read and ReadWrite scope but those of `family`.
fn all_but(family: &str) -> Vec<&'static str> {
    let excluded = family_scopes(family);
    every_scope()
        .into_iter()
        .filter(|s| !excluded.contains(s))
        .collect()
}

fn every_scope() -> Vec<&'static str> {
    [scopes::ALL_READ, scopes::ALL_READ_WRITE].concat()
}

fn role_id_for_name(name: &str) -> Option<&'static str> {
    Some(match name {
        "tenantGovernanceAdministrator" => roles::TENANT_GOVERNANCE_ADMINISTRATOR,
        "tenantGovernanceRelationshipAdministrator" => {
            roles::TENANT_GOVERNANCE_RELATIONSHIP_ADMINISTRATOR
        }
        "tenantGovernanceReader" => roles::TENANT_GOVERNANCE_READER,
        "tenantGovernanceRelationshipReader" => roles::TENANT_GOVERNANCE_RELATIONSHIP_READER,
        "globalReader" => roles::GLOBAL_READER,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn shorthands_expand_to_contract_values() {
        let claims = json!({"scp": "all", "wids": ["tenantGovernanceAdministrator", "x"]});
        let Value::Object(map) = claims else { return };
        let t = mint_for(&map, "tid-1", "Contoso");
        let c = contract::decode_mock_token(&t).map_err(|e| e.to_string());
        let c = c.unwrap_or_default();
        assert_eq!(c.tid, "tid-1");
        assert_eq!(c.tenant_name.as_deref(), Some("Contoso"));
        assert!(c.scopes().any(|s| s == scopes::REQUEST_RW));
        assert_eq!(
            c.wids,
            vec![
                roles::TENANT_GOVERNANCE_ADMINISTRATOR.to_string(),
                "x".to_string()
            ]
        );
    }

    fn claims_of(v: Value) -> contract::MockClaims {
        let Value::Object(map) = v else {
            return contract::MockClaims::default();
        };
        contract::decode_mock_token(&mint_for(&map, "t", "T")).unwrap_or_default()
    }

    #[test]
    fn all_but_a_family_lacks_exactly_that_family() {
        let c = claims_of(json!({"scp": {"allBut": "Request"}}));
        let scopes: Vec<&str> = c.scopes().collect();
        assert_eq!(scopes.len(), 10, "{scopes:?}");
        assert!(
            !scopes.iter().any(|s| s.contains("-Request.")),
            "{scopes:?}"
        );
        assert!(
            scopes.contains(
                &scopes::REQUEST_READ
                    .replace("Request", "Invitation")
                    .as_str()
            )
        );
        assert!(scopes.contains(&scopes::SETTING_RW));
    }

    #[test]
    fn roles_all_carries_every_application_permission() {
        let c = claims_of(json!({"roles": "all"}));
        let roles = c.roles.unwrap_or_default();
        assert_eq!(roles.len(), 12);
        assert!(roles.iter().any(|r| r == scopes::SETTING_RW));
        assert!(c.scp.is_none());
    }

    #[test]
    fn unknown_shorthands_are_refused() {
        let check = |v: Value| match v {
            Value::Object(m) => check_mock_claims(&m),
            _ => Ok(()),
        };
        assert!(check(json!({"scp": {"allBut": "Requests"}})).is_err());
        assert!(check(json!({"scp": {"allBut": "Request", "x": 1}})).is_err());
        assert!(check(json!({"scp": 5})).is_err());
        assert!(check(json!({"roles": "everything"})).is_err());
        assert!(check(json!({"scp": {"allBut": "RelatedTenant"}, "roles": "all"})).is_ok());
    }

    #[tokio::test]
    async fn missing_env_token_names_the_variable() {
        let cache = TokenCache::new();
        let r = cache
            .token("a", &TokenSpec::Env("TGCONFORM_SURELY_UNSET_VAR".into()))
            .await;
        assert!(matches!(r, Err(TokenError::EnvMissing { .. })));
    }

    #[tokio::test]
    async fn command_tokens_are_trimmed_and_cached_and_registered_as_secrets() {
        let cache = TokenCache::new();
        let spec = TokenSpec::Command("echo ' tok-123 '".into());
        assert_eq!(
            cache.token("a", &spec).await.ok().as_deref(),
            Some("tok-123")
        );
        assert!(cache.secrets().contains(&"tok-123".to_string()));
    }

    #[tokio::test]
    async fn failing_commands_are_errors() {
        let cache = TokenCache::new();
        let r = cache.token("a", &TokenSpec::Command("exit 3".into())).await;
        assert!(matches!(r, Err(TokenError::Command { .. })));
    }

    #[tokio::test]
    async fn a_failing_command_says_its_status_once_with_its_first_stderr_line() {
        let cache = TokenCache::new();
        let spec = TokenSpec::Command("echo 'az: not logged in' >&2; exit 1".into());
        let msg = cache
            .token("governing", &spec)
            .await
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            msg.as_deref(),
            Some(
                "actor `governing`: token command failed: it exited with status 1: az: not logged in"
            )
        );
    }
}
