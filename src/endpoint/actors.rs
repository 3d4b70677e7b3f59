//! Binding a scenario's actors to tenants and tokens for one run.

use std::collections::BTreeMap;

use super::profile::{Profile, TenantSpec, TokenSpec};
use super::token::{TokenCache, TokenError, mint_for};

/// One actor, ready to act: its tenant and how to get its token.
#[derive(Debug, Clone)]
pub struct ActorBinding {
    pub name: String,
    pub tenant_id: String,
    pub tenant_name: String,
    pub token: TokenSpec,
    /// The minted token for `mock` sources (fixed for the run).
    pub minted: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct ActorSet {
    pub actors: BTreeMap<String, ActorBinding>,
}

impl ActorSet {
    pub fn get(&self, name: &str) -> Option<&ActorBinding> {
        self.actors.get(name)
    }

    /// The actor's bearer token (fetched for env/command sources).
    pub async fn token(
        &self,
        name: &str,
        cache: &TokenCache,
    ) -> Result<Option<String>, TokenError> {
        let Some(b) = self.actors.get(name) else {
            return Ok(None);
        };
        if let Some(t) = &b.minted {
            return Ok(Some(t.clone()));
        }
        cache.token(name, &b.token).await.map(Some)
    }
}

/// A scenario needs an actor the profile does not define.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the profile defines no actor `{0}`")]
pub struct UnknownActor(pub String);

/// Bind the named actors for one scenario run. `Err` names the first `needed` actor
/// the profile lacks (the scenario is then skipped, not failed); `optional` actors the
/// profile lacks are left out (the steps acting as them are skipped).
pub fn bind_actors(
    profile: &Profile,
    needed: &[String],
    optional: &[String],
) -> Result<ActorSet, UnknownActor> {
    let mut tenants: BTreeMap<String, (String, String)> = BTreeMap::new();
    // Tenants of actors with their own tenant first, so `sameTenantAs` can refer to them.
    for (name, spec) in &profile.actors {
        let id = match spec.tenant() {
            TenantSpec::Fixed(id) => id,
            TenantSpec::Fresh => uuid::Uuid::new_v4().to_string(),
            TenantSpec::SameAs(_) => continue,
        };
        let display = spec
            .tenant_name
            .clone()
            .unwrap_or_else(|| format!("Tenant {}", id.chars().take(8).collect::<String>()));
        tenants.insert(name.clone(), (id, display));
    }
    let mut set = ActorSet::default();
    let wanted = needed
        .iter()
        .map(|n| (n, true))
        .chain(optional.iter().map(|n| (n, false)));
    for (name, required) in wanted {
        let Some(spec) = profile.actors.get(name) else {
            if required {
                return Err(UnknownActor(name.clone()));
            }
            continue;
        };
        let (tenant_id, tenant_name) = match spec.tenant() {
            TenantSpec::SameAs(other) => tenants.get(&other).cloned().unwrap_or_default(),
            _ => tenants.get(name).cloned().unwrap_or_default(),
        };
        let tenant_name = spec.tenant_name.clone().unwrap_or(tenant_name);
        let minted = match &spec.token {
            TokenSpec::Mock(claims) => {
                // Not registered as a secret one by one: the masker hides every
                // JWT-shaped string, and a run mints thousands of these.
                Some(mint_for(claims, &tenant_id, &tenant_name))
            }
            _ => None,
        };
        set.actors.insert(
            name.clone(),
            ActorBinding {
                name: name.clone(),
                tenant_id,
                tenant_name,
                token: spec.token.clone(),
                minted,
            },
        );
    }
    Ok(set)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fresh_tenants_differ_per_binding_and_same_tenant_actors_share() {
        let p = Profile::builtin();
        let need = vec!["governed".to_string(), "governedReader".to_string()];
        let a = bind_actors(&p, &need, &[]).unwrap_or_default();
        let b = bind_actors(&p, &need, &[]).unwrap_or_default();
        let id = |s: &ActorSet, n: &str| s.get(n).map(|x| x.tenant_id.clone()).unwrap_or_default();
        assert_eq!(id(&a, "governed"), id(&a, "governedReader"));
        assert_ne!(id(&a, "governed"), id(&b, "governed"));
        assert!(!id(&a, "governed").is_empty());
    }

    #[test]
    fn a_missing_actor_is_named() {
        let p = Profile::builtin();
        let r = bind_actors(&p, &["nobody".to_string()], &[]);
        assert_eq!(r.err(), Some(UnknownActor("nobody".into())));
    }

    #[test]
    fn a_missing_optional_actor_is_left_out() {
        let p = Profile::builtin();
        let r = bind_actors(
            &p,
            &["governed".to_string()],
            &["nobody".to_string(), "governedNoRole".to_string()],
        );
        let set = r.unwrap_or_default();
        assert!(set.get("governed").is_some());
        assert!(set.get("governedNoRole").is_some());
        assert!(set.get("nobody").is_none());
    }
}
