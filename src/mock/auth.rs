//! Identities: mock tokens (README "Mock tokens") and the permission rules (`PERM-*`,
//! `ROLE-*` in `docs/contract.md`), enforced from `crate::contract::OPERATIONS`.
//!
//! Delegated tokens need one of the operation's delegated scopes (the `…ReadWrite.All`
//! scope is listed as "higher" on reads, so it grants the read) **and** one of the
//! operation's directory roles in `wids`. App-only tokens (`roles`, no `scp`) are
//! refused on every write ("Application: Not supported") and allowed on reads only
//! when the operation lists an application permission and the token carries it.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;

use super::errors::GraphError;
use super::faults::{Fault, FaultSet};
use crate::contract::{self, Access, MockClaims, Operation, OperationId, RoleSet};

/// The caller's claims, with `tid` normalised to lower case (tenant ids are GUIDs,
/// compared case-insensitively).
pub(crate) fn authenticate(
    headers: &HeaderMap,
    faults: FaultSet,
) -> Result<Arc<MockClaims>, GraphError> {
    let missing = || {
        if faults.has(Fault::NoUnauthorizedWithoutToken) {
            GraphError::denied("Insufficient privileges to complete the operation.")
        } else {
            GraphError::unauthenticated("Access token is empty.")
        }
    };
    let Some(value) = headers.get(AUTHORIZATION) else {
        return Err(missing());
    };
    let value = value
        .to_str()
        .map_err(|_| GraphError::unauthenticated("The Authorization header is not valid ASCII."))?;
    let (scheme, token) = value.trim().split_once(' ').unwrap_or((value.trim(), ""));
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(GraphError::unauthenticated(
            "The Authorization header must use the Bearer scheme.",
        ));
    }
    let token = token.trim();
    if token.is_empty() {
        return Err(missing());
    }
    if let Some(hit) = cached(token) {
        return unexpired(hit, faults);
    }
    match contract::decode_mock_token(token) {
        Ok(mut claims) => {
            claims.tid = claims.tid.trim().to_ascii_lowercase();
            let claims = Arc::new(claims);
            remember(token, &claims);
            unexpired(claims, faults)
        }
        Err(_) if faults.has(Fault::MalformedTokenAccepted) => Ok(Arc::new(MockClaims {
            tid: token
                .chars()
                .take(64)
                .collect::<String>()
                .to_ascii_lowercase(),
            scp: Some(contract::scopes::ALL_READ_WRITE.join(" ")),
            roles: None,
            wids: vec![contract::roles::TENANT_GOVERNANCE_ADMINISTRATOR.to_string()],
            tenant_name: None,
            exp: None,
        })),
        Err(e) => Err(GraphError::unauthenticated(format!(
            "IDX14100: JWT is not well formed: {e}."
        ))),
    }
}

/// A token past its `exp` is refused as Entra-issued tokens are (401), unless the fault
/// `expired-token-accepted` is on. Real time: the mock clock moves lifecycles, not tokens.
fn unexpired(claims: Arc<MockClaims>, faults: FaultSet) -> Result<Arc<MockClaims>, GraphError> {
    match claims.exp {
        Some(exp)
            if exp <= chrono::Utc::now().timestamp()
                && !faults.has(Fault::ExpiredTokenAccepted) =>
        {
            Err(GraphError::unauthenticated(
                "Lifetime validation failed, the token is expired.",
            ))
        }
        _ => Ok(claims),
    }
}

/// Decoded tokens, per worker thread: clients send the same token again and again, and
/// decoding is two base64 and two JSON parses. Bounded; cleared when full. Only valid
/// tokens are kept, so faults (which act on invalid ones) are unaffected.
const TOKEN_CACHE_SIZE: usize = 512;

thread_local! {
    static TOKENS: RefCell<HashMap<Box<str>, Arc<MockClaims>>> = RefCell::new(HashMap::new());
}

fn cached(token: &str) -> Option<Arc<MockClaims>> {
    TOKENS.with(|c| c.borrow().get(token).cloned())
}

fn remember(token: &str, claims: &Arc<MockClaims>) {
    TOKENS.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= TOKEN_CACHE_SIZE {
            c.clear();
        }
        c.insert(token.into(), claims.clone());
    });
}

/// Whether the claims allow the operation; 403 `Authorization_RequestDenied` if not.
pub(crate) fn authorize(
    claims: &MockClaims,
    op: &Operation,
    faults: FaultSet,
) -> Result<(), GraphError> {
    if claims.is_app_only() {
        let roles = claims.roles.as_deref().unwrap_or(&[]);
        return match op.access {
            Access::Write { .. } if faults.has(Fault::AppOnlyCanWrite) => Ok(()),
            Access::Write { .. } => Err(GraphError::denied(format!(
                "Application permissions are not supported for {}; sign in as a user with a delegated token.",
                op.name
            ))),
            Access::Read { .. } if faults.has(Fault::AppOnlyCannotRead) => Err(GraphError::denied(
                "Insufficient privileges to complete the operation.",
            )),
            Access::Read { app: Some(app), .. } => {
                if roles.iter().any(|r| r.eq_ignore_ascii_case(app)) {
                    Ok(())
                } else {
                    Err(GraphError::denied(format!(
                        "Missing application permission {app} for {}.",
                        op.name
                    )))
                }
            }
            Access::Read { app: None, .. } => Err(GraphError::denied(format!(
                "No application permission is available for {}; use a delegated token.",
                op.name
            ))),
        };
    }
    if !faults.has(Fault::MissingScopeAllowed) {
        let wanted = op.access.delegated_scopes();
        if !claims
            .scopes()
            .any(|s| wanted.iter().any(|w| w.eq_ignore_ascii_case(s)) || scope_fault(s, op, faults))
        {
            return Err(GraphError::denied(format!(
                "Missing scope: {} needs one of {}.",
                op.name,
                wanted.join(", ")
            )));
        }
    }
    if !faults.has(Fault::MissingRoleAllowed) {
        // The fault lets PATCH governanceRequest (TG-WRITE) through with REL-WRITE roles.
        let set = match op.roles {
            RoleSet::TgWrite
                if op.id == OperationId::RequestUpdate
                    && faults.has(Fault::RelationshipAdminCanDecide) =>
            {
                RoleSet::RelWrite
            }
            RoleSet::RelWrite if faults.has(Fault::RelationshipAdminRefusedOnWrites) => {
                RoleSet::TgWrite
            }
            RoleSet::TgRead if faults.has(Fault::RelationshipRolesReadRelatedTenants) => {
                RoleSet::RelRead
            }
            set => set,
        };
        let mut ids = set.role_ids().to_vec();
        if op.access.is_write() && faults.has(Fault::ReaderRolesCanWrite) {
            ids.extend([
                contract::roles::GLOBAL_READER,
                contract::roles::TENANT_GOVERNANCE_READER,
                contract::roles::TENANT_GOVERNANCE_RELATIONSHIP_READER,
            ]);
        }
        if !op.access.is_write() && faults.has(Fault::TenantGovernanceReaderRefused) {
            ids.retain(|id| *id != contract::roles::TENANT_GOVERNANCE_READER);
        }
        if !claims
            .wids
            .iter()
            .any(|w| ids.iter().any(|id| id.eq_ignore_ascii_case(w)))
        {
            let names: Vec<&str> = ids
                .iter()
                .filter_map(|id| contract::role_name(id))
                .collect();
            return Err(GraphError::denied(format!(
                "Insufficient privileges: {} needs one of the directory roles {} ({}).",
                op.name,
                names.join(", "),
                set.label()
            )));
        }
    }
    Ok(())
}

/// Whether a permission fault lets scope `s` through where the table does not.
fn scope_fault(s: &str, op: &Operation, faults: FaultSet) -> bool {
    let family = |scope: &str| scope.split('.').next().unwrap_or("").to_ascii_lowercase();
    let governance = s.to_ascii_lowercase().starts_with("tenantgovernance-");
    match op.access {
        Access::Write { scope } => {
            (faults.has(Fault::ReadScopeCanWrite) && family(s) == family(scope))
                || (faults.has(Fault::OtherScopeFamilyAccepted)
                    && governance
                    && s.to_ascii_lowercase().ends_with(".readwrite.all"))
        }
        Access::Read { .. } => faults.has(Fault::OtherScopeFamilyAccepted) && governance,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::{find_operation, mint_mock_token, roles, scopes};
    use axum::http::HeaderValue;
    use serde_json::json;

    fn headers(auth: Option<&str>) -> HeaderMap {
        let mut h = HeaderMap::new();
        if let Some(a) = auth
            && let Ok(v) = HeaderValue::from_str(a)
        {
            h.insert(AUTHORIZATION, v);
        }
        h
    }

    fn op(method: &str, path: &str) -> &'static Operation {
        find_operation(method, &format!("/directory/tenantGovernance{path}"))
            .unwrap_or(&contract::OPERATIONS[0])
    }

    fn claims(v: serde_json::Value) -> MockClaims {
        contract::decode_mock_token(&mint_mock_token(&v)).unwrap_or_default()
    }

    #[test]
    fn missing_or_malformed_tokens_are_401() {
        let none = FaultSet::default();
        for auth in [
            None,
            Some("Bearer "),
            Some("Basic abc"),
            Some("Bearer not-a-jwt"),
            Some("Bearer a.b.c"),
        ] {
            let e = authenticate(&headers(auth), none).err();
            assert_eq!(e.as_ref().map(|e| e.status), Some(401), "{auth:?}");
            assert_eq!(e.map(|e| e.code), Some("InvalidAuthenticationToken"));
        }
    }

    #[test]
    fn a_good_token_yields_lower_case_tid() {
        let t = mint_mock_token(&json!({"tid": "ABC", "scp": "x"}));
        let c = authenticate(&headers(Some(&format!("Bearer {t}"))), FaultSet::default());
        assert_eq!(c.map(|c| c.tid.clone()).ok().as_deref(), Some("abc"));
        let c = authenticate(&headers(Some(&format!("bearer {t}"))), FaultSet::default());
        assert!(c.is_ok());
    }

    #[test]
    fn token_faults_change_401() {
        let e = authenticate(
            &headers(None),
            FaultSet::new(&[Fault::NoUnauthorizedWithoutToken]),
        );
        assert_eq!(e.err().map(|e| e.status), Some(403));
        let c = authenticate(
            &headers(Some("Bearer junk")),
            FaultSet::new(&[Fault::MalformedTokenAccepted]),
        );
        assert!(c.is_ok());
    }

    /// (what, claims, method, path, allowed)
    #[test]
    fn permission_table() {
        let admin = roles::TENANT_GOVERNANCE_ADMINISTRATOR;
        let rel_admin = roles::TENANT_GOVERNANCE_RELATIONSHIP_ADMINISTRATOR;
        let all = scopes::ALL_READ_WRITE.join(" ");
        let cases: Vec<(&str, serde_json::Value, &str, &str, bool)> = vec![
            (
                "admin writes settings",
                json!({"tid": "t", "scp": all, "wids": [admin]}),
                "PATCH",
                "/settings",
                true,
            ),
            (
                "read scope cannot write",
                json!({"tid": "t", "scp": scopes::SETTING_READ, "wids": [admin]}),
                "PATCH",
                "/settings",
                false,
            ),
            (
                "ReadWrite grants read",
                json!({"tid": "t", "scp": scopes::SETTING_RW, "wids": [admin]}),
                "GET",
                "/settings",
                true,
            ),
            (
                "no scope",
                json!({"tid": "t", "scp": "User.Read", "wids": [admin]}),
                "GET",
                "/governanceRequests",
                false,
            ),
            (
                "no role",
                json!({"tid": "t", "scp": all, "wids": []}),
                "PATCH",
                "/settings",
                false,
            ),
            (
                "global reader reads",
                json!({"tid": "t", "scp": scopes::SETTING_READ, "wids": [roles::GLOBAL_READER]}),
                "GET",
                "/settings",
                true,
            ),
            (
                "reader cannot write",
                json!({"tid": "t", "scp": all, "wids": [roles::GLOBAL_READER]}),
                "PATCH",
                "/settings",
                false,
            ),
            (
                "rel admin creates requests",
                json!({"tid": "t", "scp": all, "wids": [rel_admin]}),
                "POST",
                "/governanceRequests",
                true,
            ),
            (
                "rel admin cannot decide requests",
                json!({"tid": "t", "scp": all, "wids": [rel_admin]}),
                "PATCH",
                "/governanceRequests/x",
                false,
            ),
            (
                "rel admin cannot delete templates",
                json!({"tid": "t", "scp": all, "wids": [rel_admin]}),
                "DELETE",
                "/governancePolicyTemplates/x",
                false,
            ),
            (
                "rel reader cannot read related tenants",
                json!({"tid": "t", "scp": all, "wids": [roles::TENANT_GOVERNANCE_RELATIONSHIP_READER]}),
                "GET",
                "/relatedTenants",
                false,
            ),
            (
                "app reads settings",
                json!({"tid": "t", "roles": [scopes::SETTING_READ]}),
                "GET",
                "/settings",
                true,
            ),
            (
                "app without the permission",
                json!({"tid": "t", "roles": [scopes::REQUEST_READ]}),
                "GET",
                "/settings",
                false,
            ),
            (
                "app cannot write",
                json!({"tid": "t", "roles": [scopes::SETTING_RW, scopes::SETTING_READ]}),
                "PATCH",
                "/settings",
                false,
            ),
            (
                "app cannot read templates",
                json!({"tid": "t", "roles": [scopes::POLICY_TEMPLATE_READ]}),
                "GET",
                "/governancePolicyTemplates",
                false,
            ),
            (
                "no scp and no roles",
                json!({"tid": "t", "wids": [admin]}),
                "GET",
                "/settings",
                false,
            ),
        ];
        for (what, c, method, path, allowed) in cases {
            let r = authorize(&claims(c), op(method, path), FaultSet::default());
            assert_eq!(r.is_ok(), allowed, "{what}");
            if let Err(e) = r {
                assert_eq!(
                    (e.status, e.code),
                    (403, "Authorization_RequestDenied"),
                    "{what}"
                );
            }
        }
    }

    #[test]
    fn permission_faults_open_the_doors_they_name() {
        let all = scopes::ALL_READ_WRITE.join(" ");
        let cases: Vec<(Fault, serde_json::Value, &str, &str)> = vec![
            (
                Fault::MissingScopeAllowed,
                json!({"tid": "t", "scp": "User.Read", "wids": [roles::TENANT_GOVERNANCE_ADMINISTRATOR]}),
                "PATCH",
                "/settings",
            ),
            (
                Fault::MissingRoleAllowed,
                json!({"tid": "t", "scp": all, "wids": []}),
                "PATCH",
                "/settings",
            ),
            (
                Fault::AppOnlyCanWrite,
                json!({"tid": "t", "roles": []}),
                "PATCH",
                "/settings",
            ),
            (
                Fault::RelationshipAdminCanDecide,
                json!({"tid": "t", "scp": all, "wids": [roles::TENANT_GOVERNANCE_RELATIONSHIP_ADMINISTRATOR]}),
                "PATCH",
                "/governanceRequests/x",
            ),
        ];
        assert_each_fault_opens_its_cell(cases);
        let app = claims(json!({"tid": "t", "roles": [scopes::SETTING_READ]}));
        assert!(
            authorize(
                &app,
                op("GET", "/settings"),
                FaultSet::new(&[Fault::AppOnlyCannotRead])
            )
            .is_err()
        );
    }

    /// Each (fault, claims, method, path) is refused without its fault and allowed with it.
    fn assert_each_fault_opens_its_cell(cases: Vec<(Fault, serde_json::Value, &str, &str)>) {
        for (fault, c, method, path) in cases {
            let o = op(method, path);
            assert!(
                authorize(&claims(c.clone()), o, FaultSet::default()).is_err(),
                "{}",
                fault.name()
            );
            assert!(
                authorize(&claims(c), o, FaultSet::new(&[fault])).is_ok(),
                "{}",
                fault.name()
            );
        }
    }

    /// (fault, claims, method, path): refused without the fault, allowed with it.
    #[test]
    fn permission_cell_faults_open_one_class_of_cells() {
        let admin = roles::TENANT_GOVERNANCE_ADMINISTRATOR;
        let all = scopes::ALL_READ_WRITE.join(" ");
        let cases: Vec<(Fault, serde_json::Value, &str, &str)> = vec![
            (
                Fault::ReadScopeCanWrite,
                json!({"tid": "t", "scp": scopes::SETTING_READ, "wids": [admin]}),
                "PATCH",
                "/settings",
            ),
            (
                Fault::OtherScopeFamilyAccepted,
                json!({"tid": "t", "scp": scopes::REQUEST_RW, "wids": [admin]}),
                "PATCH",
                "/settings",
            ),
            (
                Fault::OtherScopeFamilyAccepted,
                json!({"tid": "t", "scp": scopes::REQUEST_READ, "wids": [admin]}),
                "GET",
                "/settings",
            ),
            (
                Fault::ReaderRolesCanWrite,
                json!({"tid": "t", "scp": all, "wids": [roles::TENANT_GOVERNANCE_READER]}),
                "POST",
                "/governancePolicyTemplates",
            ),
            (
                Fault::RelationshipRolesReadRelatedTenants,
                json!({"tid": "t", "scp": all, "wids": [roles::TENANT_GOVERNANCE_RELATIONSHIP_READER]}),
                "GET",
                "/relatedTenants",
            ),
        ];
        assert_each_fault_opens_its_cell(cases);
        // A Read scope of another family stays refused on a write.
        let other_read = claims(json!({"tid": "t", "scp": scopes::REQUEST_READ, "wids": [admin]}));
        assert!(
            authorize(
                &other_read,
                op("PATCH", "/settings"),
                FaultSet::new(&[Fault::ReadScopeCanWrite, Fault::OtherScopeFamilyAccepted])
            )
            .is_err()
        );
    }

    /// (fault, claims, method, path): allowed without the fault, refused with it.
    #[test]
    fn permission_cell_faults_close_one_class_of_cells() {
        let all = scopes::ALL_READ_WRITE.join(" ");
        let reader = json!({"tid": "t", "scp": all, "wids": [roles::TENANT_GOVERNANCE_READER]});
        let o = op("GET", "/governanceRequests");
        assert!(authorize(&claims(reader.clone()), o, FaultSet::default()).is_ok());
        let faults = FaultSet::new(&[Fault::TenantGovernanceReaderRefused]);
        assert!(authorize(&claims(reader), o, faults).is_err());
    }
}
