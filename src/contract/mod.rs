//! Facts of the tenant governance API shared by the embedded mock and the harness.
//!
//! Everything here is a fact of the contract; the rule catalogue (`rules.yaml`, rendered
//! as `docs/contract.md`) says where each comes from, and items name their rule ids.
//! Neither the mock nor the harness hard-codes these facts elsewhere, so a correction
//! lands in one place.

mod operations;
pub mod roles;
pub mod rules;
mod token;

pub use operations::{
    Access, BOUND_OPERATIONS, BoundOperation, OPERATIONS, Operation, OperationId, RoleSet,
    RouteMatch, Segment, allowed_methods, bound_operation_name, find_operation, is_root, route,
    unknown_segment,
};
pub use roles::{ROLE_NAMES, role_name};
pub use token::{MockClaims, TokenError, decode_mock_token, mint_mock_token};

/// OData namespace of every type (GRAPH-ODATA-TYPE-NAMESPACE).
pub const NAMESPACE: &str = "microsoft.graph.tenantGovernanceServices";

/// Root of the namespace, relative to the service base URL.
pub const ROOT_PATH: &str = "/directory/tenantGovernance";

/// `@odata.type` value for a type of the namespace.
pub fn odata_type(type_name: &str) -> String {
    format!("#{NAMESPACE}.{type_name}")
}

/// Enumerations (rules ENUM-*), members in documented order.
pub mod enums {
    pub const REQUEST_STATUS: &[&str] = &["pending", "accepted", "rejected", "unknownFutureValue"];
    pub const RELATIONSHIP_STATUS: &[&str] = &[
        "active",
        "terminated",
        "terminationRequestedByGoverningTenant",
        "unknownFutureValue",
    ];
    pub const RELATIONSHIP_CREATION_TYPE: &[&str] =
        &["approvedByAdmin", "addOnTenant", "unknownFutureValue"];
    pub const PERMISSION_TYPE: &[&str] = &["role", "scope", "unknownFutureValue"];

    /// Every enum of the namespace with its members, for coverage reports.
    pub const ALL: &[(&str, &[&str])] = &[
        ("requestStatus", REQUEST_STATUS),
        ("relationshipStatus", RELATIONSHIP_STATUS),
        ("relationshipCreationType", RELATIONSHIP_CREATION_TYPE),
        ("permissionType", PERMISSION_TYPE),
    ];
}

/// Delegated permission scopes (rules PERM-*). All are prefixed `TenantGovernance-`.
pub mod scopes {
    pub const REQUEST_READ: &str = "TenantGovernance-Request.Read.All";
    pub const REQUEST_RW: &str = "TenantGovernance-Request.ReadWrite.All";
    pub const INVITATION_READ: &str = "TenantGovernance-Invitation.Read.All";
    pub const INVITATION_RW: &str = "TenantGovernance-Invitation.ReadWrite.All";
    pub const RELATIONSHIP_READ: &str = "TenantGovernance-Relationship.Read.All";
    pub const RELATIONSHIP_RW: &str = "TenantGovernance-Relationship.ReadWrite.All";
    /// Unconfirmed: no published source names it (PERM-TPL-LIST-SCOPE, inferred).
    pub const POLICY_TEMPLATE_READ: &str = "TenantGovernance-PolicyTemplate.Read.All";
    pub const POLICY_TEMPLATE_RW: &str = "TenantGovernance-PolicyTemplate.ReadWrite.All";
    pub const SETTING_READ: &str = "TenantGovernance-Setting.Read.All";
    pub const SETTING_RW: &str = "TenantGovernance-Setting.ReadWrite.All";
    pub const RELATED_TENANT_READ: &str = "TenantGovernance-RelatedTenant.Read.All";
    pub const RELATED_TENANT_RW: &str = "TenantGovernance-RelatedTenant.ReadWrite.All";

    /// Every Read scope, one per resource family.
    pub const ALL_READ: &[&str] = &[
        REQUEST_READ,
        INVITATION_READ,
        RELATIONSHIP_READ,
        POLICY_TEMPLATE_READ,
        SETTING_READ,
        RELATED_TENANT_READ,
    ];

    /// Every ReadWrite scope: what the built-in mock actors carry.
    pub const ALL_READ_WRITE: &[&str] = &[
        REQUEST_RW,
        INVITATION_RW,
        RELATIONSHIP_RW,
        POLICY_TEMPLATE_RW,
        SETTING_RW,
        RELATED_TENANT_RW,
    ];
}

/// Request lifetime: 14 days (REQ-EXPIRY-14D).
pub const REQUEST_LIFETIME_DAYS: i64 = 14;
/// Invitation lifetime: 30 days (INV-EXPIRY-30D).
pub const INVITATION_LIFETIME_DAYS: i64 = 30;
/// Id of the system-provided template (TPL-DEFAULT-GET).
pub const DEFAULT_TEMPLATE_ID: &str = "default";
