//! The 23 documented operations (§3) with their permissions and role sets (§5).
//!
//! The mock enforces these; coverage reports count against them.

use super::roles as r;
use super::scopes as s;

/// Which directory roles an operation accepts (§5 "Role sets").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoleSet {
    /// Relationship APIs, read.
    RelRead,
    /// Relationship APIs, write.
    RelWrite,
    /// Tenant governance APIs, read.
    TgRead,
    /// Tenant governance APIs, write: Tenant Governance Administrator only.
    TgWrite,
}

impl RoleSet {
    /// Role template ids accepted by this set.
    pub fn role_ids(self) -> &'static [&'static str] {
        match self {
            RoleSet::RelRead => &[
                r::TENANT_GOVERNANCE_ADMINISTRATOR,
                r::TENANT_GOVERNANCE_RELATIONSHIP_ADMINISTRATOR,
                r::GLOBAL_READER,
                r::TENANT_GOVERNANCE_READER,
                r::TENANT_GOVERNANCE_RELATIONSHIP_READER,
            ],
            RoleSet::RelWrite => &[
                r::TENANT_GOVERNANCE_ADMINISTRATOR,
                r::TENANT_GOVERNANCE_RELATIONSHIP_ADMINISTRATOR,
            ],
            RoleSet::TgRead => &[
                r::TENANT_GOVERNANCE_ADMINISTRATOR,
                r::GLOBAL_READER,
                r::TENANT_GOVERNANCE_READER,
            ],
            RoleSet::TgWrite => &[r::TENANT_GOVERNANCE_ADMINISTRATOR],
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            RoleSet::RelRead => "REL-READ",
            RoleSet::RelWrite => "REL-WRITE",
            RoleSet::TgRead => "TG-READ",
            RoleSet::TgWrite => "TG-WRITE",
        }
    }
}

/// Permission shape of an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// A read: delegated `least` or `higher`; application `app` when listed.
    Read {
        least: &'static str,
        higher: &'static str,
        app: Option<&'static str>,
    },
    /// A write: delegated only (`…ReadWrite.All`); application not supported (§5).
    Write { scope: &'static str },
}

impl Access {
    /// Delegated scopes, any of which grants the operation.
    pub fn delegated_scopes(&self) -> Vec<&'static str> {
        match *self {
            Access::Read { least, higher, .. } => vec![least, higher],
            Access::Write { scope } => vec![scope],
        }
    }

    pub fn is_write(&self) -> bool {
        matches!(self, Access::Write { .. })
    }
}

/// One documented operation.
#[derive(Debug, Clone, Copy)]
pub struct Operation {
    /// The fact sheet's number (§3).
    pub number: u8,
    /// Short stable name, e.g. `governanceRequest.create`.
    pub name: &'static str,
    pub method: &'static str,
    /// Path under the service root, `{id}` marking the key segment.
    pub path: &'static str,
    /// The documented success status.
    pub success: u16,
    pub access: Access,
    pub roles: RoleSet,
    /// Evidence tag of the permission row (§5): `D` documented, `I` inferred.
    pub permission_evidence: &'static str,
}

const fn read(least: &'static str, higher: &'static str, app: Option<&'static str>) -> Access {
    Access::Read { least, higher, app }
}

const fn write(scope: &'static str) -> Access {
    Access::Write { scope }
}

const P: &str = "/directory/tenantGovernance";

macro_rules! op {
    ($n:expr, $name:expr, $m:expr, $path:expr, $ok:expr, $acc:expr, $roles:ident, $ev:expr) => {
        Operation {
            number: $n,
            name: $name,
            method: $m,
            path: concat!("/directory/tenantGovernance", $path),
            success: $ok,
            access: $acc,
            roles: RoleSet::$roles,
            permission_evidence: $ev,
        }
    };
}

/// Every documented operation, in the fact sheet's order (§3).
pub const OPERATIONS: &[Operation] = &[
    op!(
        1,
        "governanceRequest.list",
        "GET",
        "/governanceRequests",
        200,
        read(s::REQUEST_READ, s::REQUEST_RW, Some(s::REQUEST_READ)),
        RelRead,
        "I"
    ),
    op!(
        2,
        "governanceRequest.create",
        "POST",
        "/governanceRequests",
        201,
        write(s::REQUEST_RW),
        RelWrite,
        "D"
    ),
    op!(
        3,
        "governanceRequest.get",
        "GET",
        "/governanceRequests/{id}",
        200,
        read(s::REQUEST_READ, s::REQUEST_RW, Some(s::REQUEST_READ)),
        RelRead,
        "I"
    ),
    op!(
        4,
        "governanceRequest.update",
        "PATCH",
        "/governanceRequests/{id}",
        200,
        write(s::REQUEST_RW),
        TgWrite,
        "D"
    ),
    op!(
        5,
        "governanceInvitation.list",
        "GET",
        "/governanceInvitations",
        200,
        read(
            s::INVITATION_READ,
            s::INVITATION_RW,
            Some(s::INVITATION_READ)
        ),
        RelRead,
        "I"
    ),
    op!(
        6,
        "governanceInvitation.create",
        "POST",
        "/governanceInvitations",
        201,
        write(s::INVITATION_RW),
        TgWrite,
        "D"
    ),
    op!(
        7,
        "governanceInvitation.get",
        "GET",
        "/governanceInvitations/{id}",
        200,
        read(
            s::INVITATION_READ,
            s::INVITATION_RW,
            Some(s::INVITATION_READ)
        ),
        RelRead,
        "D"
    ),
    op!(
        8,
        "governanceInvitation.delete",
        "DELETE",
        "/governanceInvitations/{id}",
        204,
        write(s::INVITATION_RW),
        TgWrite,
        "I"
    ),
    op!(
        9,
        "governanceRelationship.list",
        "GET",
        "/governanceRelationships",
        200,
        read(
            s::RELATIONSHIP_READ,
            s::RELATIONSHIP_RW,
            Some(s::RELATIONSHIP_READ)
        ),
        RelRead,
        "I"
    ),
    op!(
        10,
        "governanceRelationship.get",
        "GET",
        "/governanceRelationships/{id}",
        200,
        read(
            s::RELATIONSHIP_READ,
            s::RELATIONSHIP_RW,
            Some(s::RELATIONSHIP_READ)
        ),
        RelRead,
        "I"
    ),
    op!(
        11,
        "governanceRelationship.update",
        "PATCH",
        "/governanceRelationships/{id}",
        200,
        write(s::RELATIONSHIP_RW),
        RelWrite,
        "D"
    ),
    op!(
        12,
        "governancePolicyTemplate.list",
        "GET",
        "/governancePolicyTemplates",
        200,
        read(s::POLICY_TEMPLATE_READ, s::POLICY_TEMPLATE_RW, None),
        RelRead,
        "I"
    ),
    op!(
        13,
        "governancePolicyTemplate.create",
        "POST",
        "/governancePolicyTemplates",
        201,
        write(s::POLICY_TEMPLATE_RW),
        RelWrite,
        "D"
    ),
    op!(
        14,
        "governancePolicyTemplate.get",
        "GET",
        "/governancePolicyTemplates/{id}",
        200,
        read(s::POLICY_TEMPLATE_READ, s::POLICY_TEMPLATE_RW, None),
        RelRead,
        "I"
    ),
    op!(
        15,
        "governancePolicyTemplate.update",
        "PATCH",
        "/governancePolicyTemplates/{id}",
        200,
        write(s::POLICY_TEMPLATE_RW),
        RelWrite,
        "D"
    ),
    op!(
        16,
        "governancePolicyTemplate.delete",
        "DELETE",
        "/governancePolicyTemplates/{id}",
        204,
        write(s::POLICY_TEMPLATE_RW),
        TgWrite,
        "I"
    ),
    op!(
        17,
        "tenantGovernanceSetting.get",
        "GET",
        "/settings",
        200,
        read(s::SETTING_READ, s::SETTING_RW, Some(s::SETTING_READ)),
        RelRead,
        "D"
    ),
    op!(
        18,
        "tenantGovernanceSetting.update",
        "PATCH",
        "/settings",
        200,
        write(s::SETTING_RW),
        TgWrite,
        "D"
    ),
    op!(
        19,
        "tenantGovernanceSetting.enableRelatedTenants",
        "POST",
        "/settings/enableRelatedTenants",
        204,
        write(s::SETTING_RW),
        TgWrite,
        "D"
    ),
    op!(
        20,
        "relatedTenant.list",
        "GET",
        "/relatedTenants",
        200,
        read(
            s::RELATED_TENANT_READ,
            s::RELATED_TENANT_RW,
            Some(s::RELATED_TENANT_READ)
        ),
        TgRead,
        "D"
    ),
    op!(
        21,
        "relatedTenant.get",
        "GET",
        "/relatedTenants/{id}",
        200,
        read(
            s::RELATED_TENANT_READ,
            s::RELATED_TENANT_RW,
            Some(s::RELATED_TENANT_READ)
        ),
        TgRead,
        "D"
    ),
    op!(
        22,
        "relatedTenant.refresh",
        "POST",
        "/relatedTenants/refresh",
        204,
        write(s::RELATED_TENANT_RW),
        TgWrite,
        "D"
    ),
    op!(
        23,
        "relatedTenant.refreshStatus",
        "GET",
        "/relatedTenants/refreshStatus",
        200,
        read(
            s::RELATED_TENANT_READ,
            s::RELATED_TENANT_RW,
            Some(s::RELATED_TENANT_READ)
        ),
        TgRead,
        "I"
    ),
];

/// The documented operation a concrete request path and method address, if any.
///
/// `path` is relative to the service base URL and may carry a query string. The
/// literal action/function segments (`refresh`, `refreshStatus`, `enableRelatedTenants`)
/// win over `{id}`, as they do in Graph's routing, and the namespace-qualified forms
/// of bound operations (§12 A1) map to the same operation.
pub fn find_operation(method: &str, path: &str) -> Option<&'static Operation> {
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let path = path.trim_end_matches('/');
    let rest = path.strip_prefix(P)?;
    let segments: Vec<String> = rest
        .split('/')
        .filter(|s| !s.is_empty())
        .map(normalise_bound_segment)
        .collect();
    let exact = OPERATIONS.iter().find(|op| {
        op.method.eq_ignore_ascii_case(method) && template_matches(op.path, &segments, false)
    });
    exact.or_else(|| {
        OPERATIONS.iter().find(|op| {
            op.method.eq_ignore_ascii_case(method) && template_matches(op.path, &segments, true)
        })
    })
}

fn normalise_bound_segment(segment: &str) -> String {
    let qualified = format!("{}.", super::NAMESPACE);
    let s = segment.strip_prefix(qualified.as_str()).unwrap_or(segment);
    s.strip_suffix("()").unwrap_or(s).to_string()
}

fn template_matches(template: &str, segments: &[String], allow_id: bool) -> bool {
    let rest = template.strip_prefix(P).unwrap_or(template);
    let tpl: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    tpl.len() == segments.len()
        && tpl
            .iter()
            .zip(segments)
            .all(|(t, s)| if *t == "{id}" { allow_id } else { t == s })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twenty_three_operations_are_listed() {
        assert_eq!(OPERATIONS.len(), 23);
        for (i, op) in OPERATIONS.iter().enumerate() {
            assert_eq!(op.number as usize, i + 1, "{}", op.name);
        }
    }

    #[test]
    fn find_operation_prefers_literal_segments_over_ids() {
        let op = find_operation(
            "GET",
            "/directory/tenantGovernance/relatedTenants/refreshStatus",
        )
        .map(|o| o.number);
        assert_eq!(op, Some(23));
        let op = find_operation("GET", "/directory/tenantGovernance/relatedTenants/abc")
            .map(|o| o.number);
        assert_eq!(op, Some(21));
    }

    #[test]
    fn find_operation_accepts_namespace_qualified_bound_operations() {
        let op = find_operation(
            "GET",
            "/directory/tenantGovernance/relatedTenants/microsoft.graph.tenantGovernanceServices.refreshStatus()",
        )
        .map(|o| o.number);
        assert_eq!(op, Some(23));
    }

    #[test]
    fn find_operation_ignores_query_and_method_case() {
        let op = find_operation(
            "patch",
            "/directory/tenantGovernance/governanceRequests/x?$select=id",
        )
        .map(|o| o.number);
        assert_eq!(op, Some(4));
    }

    #[test]
    fn find_operation_rejects_unknown_paths() {
        assert!(find_operation("GET", "/directory/tenantGovernance").is_none());
        assert!(
            find_operation("DELETE", "/directory/tenantGovernance/governanceRequests/x").is_none()
        );
    }
}
