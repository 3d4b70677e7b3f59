//! The scenarios and fixtures built into the `tgconform` binary, so an installed
//! `tgconform run` works from any folder (`--scenarios DIR` runs a folder instead).
//!
//! This file belongs to the binary (`main.rs`), not the library: editing a scenario
//! rebuilds only the binary. `tests/install.rs` fails when a file of `scenarios/` is
//! missing here, and names the line to add.

macro_rules! files {
    ($dir:literal: $($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../scenarios/", $dir, $name)))),*]
    };
}

pub static SUITE: tgconform::cli::EmbeddedSuite = tgconform::cli::EmbeddedSuite {
    scenarios: files!("":
        "accept-twice.yaml",
        "add-on-tenant.yaml",
        "app-only-reads.yaml",
        "authentication-required.yaml",
        "bad-request-bodies.yaml",
        "bind-unknown-template.yaml",
        "default-policy-template.yaml",
        "enable-related-tenants-twice.yaml",
        "governing-cannot-accept-own-request.yaml",
        "governing-cannot-terminate-directly.yaml",
        "graph-envelope.yaml",
        "handshake-governed-terminates.yaml",
        "handshake-governing-requests-termination.yaml",
        "invitation-edge-cases.yaml",
        "invitation-expiry.yaml",
        "invitation-refused-when-disabled.yaml",
        "invitations-crud.yaml",
        "isolation-hides-existence.yaml",
        "odata-invitations.yaml",
        "odata-relationships.yaml",
        "odata-requests.yaml",
        "odata-templates.yaml",
        "permissions-invitations.yaml",
        "permissions-policy-templates.yaml",
        "permissions-related-tenants.yaml",
        "permissions-relationships.yaml",
        "permissions-requests.yaml",
        "permissions-settings.yaml",
        "policy-snapshot-as-sent.yaml",
        "policy-snapshot-matches-template.yaml",
        "policy-template-validation.yaml",
        "policy-templates-crud.yaml",
        "re-request-updates-relationship.yaml",
        "read-only-properties-in-bodies.yaml",
        "read-only-setting-is-not-writable.yaml",
        "read-only-setting-is-refused.yaml",
        "related-tenant-by-id.yaml",
        "related-tenant-read.yaml",
        "related-tenants-before-enable.yaml",
        "related-tenants.yaml",
        "relationship-created-at-acceptance.yaml",
        "relationship-patch-validation.yaml",
        "relationship-status-values.yaml",
        "request-conflicts.yaml",
        "request-expiry.yaml",
        "request-needs-invitation.yaml",
        "request-rejected.yaml",
        "request-status-values.yaml",
        "request-update-needs-tenant-governance-administrator.yaml",
        "requests-list-and-filter.yaml",
        "settings-defaults.yaml",
        "settings-patch-needs-field.yaml",
        "settings-round-trip.yaml",
        "template-group-display-name.yaml",
        "template-in-use-cannot-be-deleted.yaml",
        "templates-paging.yaml",
        "terminate-before-active.yaml",
        "terminate-twice.yaml",
        "third-tenant-isolation.yaml",
        "timestamps-utc.yaml",
        "undocumented-methods.yaml",
        "unknown-ids.yaml",
    ),
    fixtures: files!("fixtures/":
        "enable-invitations.yaml",
        "handshake.yaml",
        "pending-request.yaml",
        "policy-template.yaml",
        "related-tenant.yaml",
    ),
};
