//! Entra directory roles named by the role sets (rules ROLE-*) and their role *template* ids,
//! which is what a token's `wids` claim carries.
//!
//! The Global Reader id is documented (the roleTemplate example). The four Tenant
//! Governance role ids are not in the API reference; they are the ids published in the
//! Entra built-in roles list as mirrored by public role tables, and the mock uses them
//! as its constants. A mock or tenant that uses other ids only needs a profile whose
//! `wids` match.

pub const TENANT_GOVERNANCE_ADMINISTRATOR: &str = "1981f584-96e9-4a6f-95b0-f522373f8fae";
pub const TENANT_GOVERNANCE_RELATIONSHIP_ADMINISTRATOR: &str =
    "b8e31d83-1534-480f-9b10-0338ded51b7e";
pub const TENANT_GOVERNANCE_READER: &str = "e0a4caa6-fe82-443f-b92f-d87341d17b2e";
pub const TENANT_GOVERNANCE_RELATIONSHIP_READER: &str = "124577f8-48ed-456a-839f-13b419002e33";
pub const GLOBAL_READER: &str = "f2ef992c-3afb-46b9-b7cf-a126ee74c451";

/// Role template id → display name, for messages and README tables.
pub const ROLE_NAMES: &[(&str, &str)] = &[
    (
        TENANT_GOVERNANCE_ADMINISTRATOR,
        "Tenant Governance Administrator",
    ),
    (
        TENANT_GOVERNANCE_RELATIONSHIP_ADMINISTRATOR,
        "Tenant Governance Relationship Administrator",
    ),
    (TENANT_GOVERNANCE_READER, "Tenant Governance Reader"),
    (
        TENANT_GOVERNANCE_RELATIONSHIP_READER,
        "Tenant Governance Relationship Reader",
    ),
    (GLOBAL_READER, "Global Reader"),
];

/// Display name of a role template id, if it is one of the role sets (rules ROLE-*).
pub fn role_name(template_id: &str) -> Option<&'static str> {
    ROLE_NAMES
        .iter()
        .find(|(id, _)| id.eq_ignore_ascii_case(template_id))
        .map(|(_, name)| *name)
}
