//! Differences from Microsoft's metadata that the schemas make on purpose, each with the
//! place that explains it. They are still reported (drift is information), but they do
//! not make `schema diff` exit 1: only a difference nobody has explained does.
//!
//! Each entry names one change of one member, so a further change of the same property
//! (its type, say) is drift again. A unit test checks that every entry still matches a
//! difference of the August 2026 metadata: an entry the schemas no longer need goes.

use super::diff::{Change, Difference};

struct Known {
    change: Change,
    types: &'static [&'static str],
    members: &'static [&'static str],
    reason: &'static str,
}

const METRIC_CONTAINERS: &[&str] = &[
    "b2bRegistrationMetrics",
    "b2BSignInActivityMetrics",
    "billingMetrics",
    "multiTenantApplicationMetrics",
];

const KNOWN: &[Known] = &[
    Known {
        change: Change::TypeRenamed,
        types: &[
            "b2bRegistrationMetricsInitial",
            "b2bRegistrationMetricsRecent",
        ],
        members: &[],
        reason: "the doc pages write `b2b…`, the metadata `b2B…`; `@odata.type` accepts both (the schemas' `$comment`)",
    },
    Known {
        change: Change::TypeAdded,
        types: &["longRunningOperation", "longRunningOperationStatus"],
        members: &[],
        reason: "metadata only; no documented call returns it (docs/schemas.md, Left out)",
    },
    Known {
        change: Change::TypeAdded,
        types: &["actionStep", "actionUrl"],
        members: &[],
        reason: "the type of `investigationHints`, later revisions only (docs/schemas.md, Left out)",
    },
    Known {
        change: Change::PropertyAdded,
        types: METRIC_CONTAINERS,
        members: &["investigationHints"],
        reason: "later revisions only: an unknown property in this revision (docs/schemas.md, Metric types)",
    },
    Known {
        change: Change::PropertyAdded,
        types: &["governanceRequest"],
        members: &["governancePolicyTemplate"],
        reason: "bound on create, reading it is undocumented (governanceRequest.json `$comment`)",
    },
    Known {
        change: Change::PropertyRemoved,
        types: &["delegatedAdministrationRoleAssignmentSnapshot"],
        members: &["group"],
        reason: "every example shows the template's `group: {id}` on snapshots; both forms are accepted (rule REQ-SNAPSHOT-GROUP-FORM)",
    },
    Known {
        change: Change::NullabilityChanged,
        types: &[
            "governanceInvitation",
            "governanceRelationship",
            "governanceRequest",
        ],
        members: &["governingTenantName", "governedTenantName"],
        reason: "nullability is not documented; tenant display names accept null (docs/schemas.md, Nullability)",
    },
    Known {
        change: Change::NullabilityChanged,
        types: &["governancePolicyTemplate", "relationshipPolicy"],
        members: &["governedTenantCanTerminate"],
        reason: "absent from every example and documented as not implemented; null accepted (docs/schemas.md, Nullability)",
    },
    Known {
        change: Change::NullabilityChanged,
        types: METRIC_CONTAINERS,
        members: &["initial", "recent"],
        reason: "a metric container's `initial`/`recent` may be null, a tolerance (docs/schemas.md, Nullability)",
    },
    Known {
        change: Change::NullabilityChanged,
        types: &["relatedTenantsRefreshStatus"],
        members: &["mostRecentRefreshTime", "mostRecentRefreshRequestStatus"],
        reason: "null before any refresh (docs/schemas.md, Nullability)",
    },
];

/// Why `d` is a known, documented deviation; None when it is drift.
pub(super) fn reason(d: &Difference) -> Option<&'static str> {
    KNOWN
        .iter()
        .find(|k| {
            k.change == d.change
                && k.types.contains(&d.type_name.as_str())
                && match &d.member {
                    None => k.members.is_empty(),
                    Some(m) => k.members.contains(&m.as_str()),
                }
                && (d.renamed_to.is_none() || k.change == Change::TypeRenamed)
        })
        .map(|k| k.reason)
}

/// Every (change, type, member) the table acknowledges, for the test that keeps it honest.
#[cfg(test)]
pub(super) fn entries() -> Vec<(Change, String, Option<String>)> {
    let mut out = Vec::new();
    for k in KNOWN {
        for t in k.types {
            if k.members.is_empty() {
                out.push((k.change, (*t).to_string(), None));
            }
            for m in k.members {
                out.push((k.change, (*t).to_string(), Some((*m).to_string())));
            }
        }
    }
    out
}
