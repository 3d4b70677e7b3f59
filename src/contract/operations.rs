//! The 23 documented operations with their permissions and role sets (the `PERM-*`
//! and `ROLE-*` rules of `docs/contract.md`).
//!
//! The mock enforces these; coverage reports count against them.

use super::roles as r;
use super::scopes as s;

/// Which directory roles an operation accepts (the role sets of the docs).
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
    /// A write: delegated only (`…ReadWrite.All`); application not supported.
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

/// Every documented operation by name: what the mock dispatches on and what reports
/// and rules refer to. The discriminant is the index into [`OPERATIONS`] (the
/// number − 1), so [`OperationId::operation`] is a plain index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OperationId {
    RequestList,
    RequestCreate,
    RequestGet,
    RequestUpdate,
    InvitationList,
    InvitationCreate,
    InvitationGet,
    InvitationDelete,
    RelationshipList,
    RelationshipGet,
    RelationshipUpdate,
    TemplateList,
    TemplateCreate,
    TemplateGet,
    TemplateUpdate,
    TemplateDelete,
    SettingGet,
    SettingUpdate,
    EnableRelatedTenants,
    RelatedTenantList,
    RelatedTenantGet,
    RelatedTenantRefresh,
    RelatedTenantRefreshStatus,
}

impl OperationId {
    /// The operation's row in [`OPERATIONS`].
    pub fn operation(self) -> &'static Operation {
        &OPERATIONS[self as usize]
    }
}

/// One segment of an operation's route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Segment {
    /// A fixed segment (`governanceRequests`, `refreshStatus`).
    Literal(&'static str),
    /// The key segment, `{id}` in [`Operation::path`].
    Key,
}

/// One documented operation.
#[derive(Debug, Clone, Copy)]
pub struct Operation {
    /// The operation's number in the docs' order (1–23).
    pub number: u8,
    pub id: OperationId,
    /// Short stable name, e.g. `governanceRequest.create`.
    pub name: &'static str,
    pub method: &'static str,
    /// Path under the service root, `{id}` marking the key segment.
    pub path: &'static str,
    /// The same path as segments (`directory`, `tenantGovernance`, …), written once in
    /// the table below, so routing never parses `path`.
    pub segments: &'static [Segment],
    /// The documented success status.
    pub success: u16,
    pub access: Access,
    pub roles: RoleSet,
    /// Evidence of the permission row: `D` documented, `I` inferred.
    pub permission_evidence: &'static str,
}

const fn read(least: &'static str, higher: &'static str, app: Option<&'static str>) -> Access {
    Access::Read { least, higher, app }
}

const fn write(scope: &'static str) -> Access {
    Access::Write { scope }
}

macro_rules! segment {
    ("{id}") => {
        Segment::Key
    };
    ($s:literal) => {
        Segment::Literal($s)
    };
}

macro_rules! op {
    ($n:expr, $id:ident, $name:expr, $m:expr, [$($seg:tt),+], $ok:expr, $acc:expr, $roles:ident, $ev:expr) => {
        Operation {
            number: $n,
            id: OperationId::$id,
            name: $name,
            method: $m,
            path: concat!("/directory/tenantGovernance", $("/", $seg),+),
            segments: &[
                Segment::Literal("directory"),
                Segment::Literal("tenantGovernance"),
                $(segment!($seg)),+
            ],
            success: $ok,
            access: $acc,
            roles: RoleSet::$roles,
            permission_evidence: $ev,
        }
    };
}

/// Every documented operation, in the docs' order.
pub const OPERATIONS: &[Operation] = &[
    op!(
        1,
        RequestList,
        "governanceRequest.list",
        "GET",
        ["governanceRequests"],
        200,
        read(s::REQUEST_READ, s::REQUEST_RW, Some(s::REQUEST_READ)),
        RelRead,
        "I"
    ),
    op!(
        2,
        RequestCreate,
        "governanceRequest.create",
        "POST",
        ["governanceRequests"],
        201,
        write(s::REQUEST_RW),
        RelWrite,
        "D"
    ),
    op!(
        3,
        RequestGet,
        "governanceRequest.get",
        "GET",
        ["governanceRequests", "{id}"],
        200,
        read(s::REQUEST_READ, s::REQUEST_RW, Some(s::REQUEST_READ)),
        RelRead,
        "I"
    ),
    op!(
        4,
        RequestUpdate,
        "governanceRequest.update",
        "PATCH",
        ["governanceRequests", "{id}"],
        200,
        write(s::REQUEST_RW),
        TgWrite,
        "D"
    ),
    op!(
        5,
        InvitationList,
        "governanceInvitation.list",
        "GET",
        ["governanceInvitations"],
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
        InvitationCreate,
        "governanceInvitation.create",
        "POST",
        ["governanceInvitations"],
        201,
        write(s::INVITATION_RW),
        TgWrite,
        "D"
    ),
    op!(
        7,
        InvitationGet,
        "governanceInvitation.get",
        "GET",
        ["governanceInvitations", "{id}"],
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
        InvitationDelete,
        "governanceInvitation.delete",
        "DELETE",
        ["governanceInvitations", "{id}"],
        204,
        write(s::INVITATION_RW),
        TgWrite,
        "I"
    ),
    op!(
        9,
        RelationshipList,
        "governanceRelationship.list",
        "GET",
        ["governanceRelationships"],
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
        RelationshipGet,
        "governanceRelationship.get",
        "GET",
        ["governanceRelationships", "{id}"],
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
        RelationshipUpdate,
        "governanceRelationship.update",
        "PATCH",
        ["governanceRelationships", "{id}"],
        200,
        write(s::RELATIONSHIP_RW),
        RelWrite,
        "D"
    ),
    op!(
        12,
        TemplateList,
        "governancePolicyTemplate.list",
        "GET",
        ["governancePolicyTemplates"],
        200,
        read(s::POLICY_TEMPLATE_READ, s::POLICY_TEMPLATE_RW, None),
        RelRead,
        "I"
    ),
    op!(
        13,
        TemplateCreate,
        "governancePolicyTemplate.create",
        "POST",
        ["governancePolicyTemplates"],
        201,
        write(s::POLICY_TEMPLATE_RW),
        RelWrite,
        "D"
    ),
    op!(
        14,
        TemplateGet,
        "governancePolicyTemplate.get",
        "GET",
        ["governancePolicyTemplates", "{id}"],
        200,
        read(s::POLICY_TEMPLATE_READ, s::POLICY_TEMPLATE_RW, None),
        RelRead,
        "I"
    ),
    op!(
        15,
        TemplateUpdate,
        "governancePolicyTemplate.update",
        "PATCH",
        ["governancePolicyTemplates", "{id}"],
        200,
        write(s::POLICY_TEMPLATE_RW),
        RelWrite,
        "D"
    ),
    op!(
        16,
        TemplateDelete,
        "governancePolicyTemplate.delete",
        "DELETE",
        ["governancePolicyTemplates", "{id}"],
        204,
        write(s::POLICY_TEMPLATE_RW),
        TgWrite,
        "I"
    ),
    op!(
        17,
        SettingGet,
        "tenantGovernanceSetting.get",
        "GET",
        ["settings"],
        200,
        read(s::SETTING_READ, s::SETTING_RW, Some(s::SETTING_READ)),
        RelRead,
        "D"
    ),
    op!(
        18,
        SettingUpdate,
        "tenantGovernanceSetting.update",
        "PATCH",
        ["settings"],
        200,
        write(s::SETTING_RW),
        TgWrite,
        "D"
    ),
    op!(
        19,
        EnableRelatedTenants,
        "tenantGovernanceSetting.enableRelatedTenants",
        "POST",
        ["settings", "enableRelatedTenants"],
        204,
        write(s::SETTING_RW),
        TgWrite,
        "D"
    ),
    op!(
        20,
        RelatedTenantList,
        "relatedTenant.list",
        "GET",
        ["relatedTenants"],
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
        RelatedTenantGet,
        "relatedTenant.get",
        "GET",
        ["relatedTenants", "{id}"],
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
        RelatedTenantRefresh,
        "relatedTenant.refresh",
        "POST",
        ["relatedTenants", "refresh"],
        204,
        write(s::RELATED_TENANT_RW),
        TgWrite,
        "D"
    ),
    op!(
        23,
        RelatedTenantRefreshStatus,
        "relatedTenant.refreshStatus",
        "GET",
        ["relatedTenants", "refreshStatus"],
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

/// A documented bound action or function, as the service's metadata declares it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BoundOperation {
    pub id: OperationId,
    /// The operation's name: its last path segment.
    pub name: &'static str,
    /// The type it is bound to.
    pub binding: &'static str,
    /// Bound to the collection (`relatedTenants/refresh`), not to one entity.
    pub to_collection: bool,
    /// A function (called with GET) rather than an action (POST).
    pub function: bool,
    /// What a function returns; the actions here answer 204 with nothing.
    pub returns: Option<&'static str>,
}

/// The bound operations among [`OPERATIONS`] (the others read and write entities).
pub const BOUND_OPERATIONS: &[BoundOperation] = &[
    BoundOperation {
        id: OperationId::EnableRelatedTenants,
        name: "enableRelatedTenants",
        binding: "tenantGovernanceSetting",
        to_collection: false,
        function: false,
        returns: None,
    },
    BoundOperation {
        id: OperationId::RelatedTenantRefresh,
        name: "refresh",
        binding: "relatedTenant",
        to_collection: true,
        function: false,
        returns: None,
    },
    BoundOperation {
        id: OperationId::RelatedTenantRefreshStatus,
        name: "refreshStatus",
        binding: "relatedTenant",
        to_collection: true,
        function: true,
        returns: Some("relatedTenantsRefreshStatus"),
    },
];

/// Methods the documented operations use, in the order an `Allow` header lists them.
const METHODS: [&str; 4] = ["GET", "POST", "PATCH", "DELETE"];

/// A documented operation matched against a concrete path.
#[derive(Debug, Clone, Copy)]
pub struct RouteMatch<'s> {
    pub op: &'static Operation,
    /// The key segment as given (empty when the operation has none).
    pub id: &'s str,
}

/// The operation at this method and path, given as segments below the service base URL
/// (`["directory", "tenantGovernance", "governanceRequests", "…"]`, already
/// percent-decoded). Literal action/function segments (`refresh`, `refreshStatus`,
/// `enableRelatedTenants`) win over `{id}`, as they do in Graph's routing, and the
/// namespace-qualified forms of bound operations (`GRAPH-BOUND-OPERATIONS-QUALIFIED`) map to the same operation.
///
/// Runs on every request of the mock, so it allocates nothing.
pub fn route<'s, S: AsRef<str>>(method: &str, segments: &'s [S]) -> Option<RouteMatch<'s>> {
    let same = |op: &&Operation| op.method.eq_ignore_ascii_case(method);
    let op = OPERATIONS
        .iter()
        .filter(same)
        .find(|op| matches_route(op.segments, segments, false))
        .or_else(|| {
            OPERATIONS
                .iter()
                .filter(same)
                .find(|op| matches_route(op.segments, segments, true))
        })?;
    let id = op
        .segments
        .iter()
        .zip(segments)
        .find(|(t, _)| **t == Segment::Key)
        .map(|(_, s)| s.as_ref())
        .unwrap_or("");
    Some(RouteMatch { op, id })
}

/// The methods some documented operation offers at this path, in `Allow` order (empty:
/// no operation has this path).
pub fn allowed_methods<S: AsRef<str>>(segments: &[S]) -> Vec<&'static str> {
    METHODS
        .into_iter()
        .filter(|m| route(m, segments).is_some())
        .collect()
}

/// Whether the path is the namespace's root, `/directory/tenantGovernance`: a documented
/// resource (entity `tenantGovernance`) whose page lists no methods, so
/// [`allowed_methods`] is empty there although the path exists.
pub fn is_root<S: AsRef<str>>(segments: &[S]) -> bool {
    let [a, b] = segments else { return false };
    a.as_ref() == "directory" && b.as_ref() == "tenantGovernance"
}

/// The first segment no documented route has at its position (after the segments
/// before it matched), for Graph's "Resource not found for the segment" answer; `None`
/// when every segment is on some route (the path is a prefix of one, or too long only
/// at its end, which the caller reports as the last segment).
pub fn unknown_segment<S: AsRef<str>>(segments: &[S]) -> Option<usize> {
    (0..segments.len()).find(|&k| {
        !OPERATIONS.iter().any(|op| {
            op.segments.len() > k
                && op
                    .segments
                    .iter()
                    .zip(&segments[..=k])
                    .all(|(t, s)| segment_matches(*t, s.as_ref(), true))
        })
    })
}

/// The documented operation a concrete request path and method address, if any.
///
/// `path` is relative to the service base URL and may carry a query string; it is not
/// percent-decoded.
pub fn find_operation(method: &str, path: &str) -> Option<&'static Operation> {
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    route(method, &segments).map(|m| m.op)
}

/// The namespace-qualified form of a bound operation reduced to its short name
/// (`microsoft.graph.tenantGovernanceServices.refreshStatus()` → `refreshStatus`).
pub fn bound_operation_name(segment: &str) -> &str {
    let short = segment
        .strip_prefix(super::NAMESPACE)
        .and_then(|s| s.strip_prefix('.'))
        .unwrap_or(segment);
    short.strip_suffix("()").unwrap_or(short)
}

fn segment_matches(template: Segment, segment: &str, allow_key: bool) -> bool {
    match template {
        Segment::Key => allow_key,
        Segment::Literal(l) => l == bound_operation_name(segment),
    }
}

fn matches_route<S: AsRef<str>>(template: &[Segment], segments: &[S], allow_key: bool) -> bool {
    template.len() == segments.len()
        && template
            .iter()
            .zip(segments)
            .all(|(t, s)| segment_matches(*t, s.as_ref(), allow_key))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segs(p: &str) -> Vec<&str> {
        p.split('/').filter(|s| !s.is_empty()).collect()
    }

    #[test]
    fn twenty_three_operations_are_listed() {
        assert_eq!(OPERATIONS.len(), 23);
        for (i, op) in OPERATIONS.iter().enumerate() {
            assert_eq!(op.number as usize, i + 1, "{}", op.name);
        }
    }

    #[test]
    fn bound_operations_are_the_operations_that_are_neither_crud_nor_list() {
        let crud = ["list", "create", "get", "update", "delete"];
        let bound: Vec<&str> = OPERATIONS
            .iter()
            .filter(|op| {
                op.name
                    .rsplit_once('.')
                    .is_some_and(|(_, verb)| !crud.contains(&verb))
            })
            .map(|op| op.name)
            .collect();
        let listed: Vec<&str> = BOUND_OPERATIONS
            .iter()
            .map(|b| b.id.operation().name)
            .collect();
        assert_eq!(bound, listed);
    }

    #[test]
    fn each_bound_operation_matches_its_row() {
        for b in BOUND_OPERATIONS {
            let op = b.id.operation();
            assert_eq!(op.name, format!("{}.{}", b.binding, b.name));
            assert!(op.path.ends_with(&format!("/{}", b.name)), "{}", op.path);
            assert_eq!(b.function, op.method == "GET", "{}", op.name);
            assert_eq!(b.returns.is_some(), op.success == 200, "{}", op.name);
        }
    }

    #[test]
    fn each_id_indexes_its_own_row() {
        for op in OPERATIONS {
            assert_eq!(op.id.operation().name, op.name);
        }
    }

    #[test]
    fn segments_spell_the_path() {
        for op in OPERATIONS {
            let spelled: String = op
                .segments
                .iter()
                .map(|s| match s {
                    Segment::Literal(l) => format!("/{l}"),
                    Segment::Key => "/{id}".to_string(),
                })
                .collect();
            assert_eq!(spelled, op.path, "{}", op.name);
        }
    }

    #[test]
    fn find_operation_prefers_literal_segments_over_ids() {
        let op = find_operation(
            "GET",
            "/directory/tenantGovernance/relatedTenants/refreshStatus",
        )
        .map(|o| o.id);
        assert_eq!(op, Some(OperationId::RelatedTenantRefreshStatus));
        let op =
            find_operation("GET", "/directory/tenantGovernance/relatedTenants/abc").map(|o| o.id);
        assert_eq!(op, Some(OperationId::RelatedTenantGet));
    }

    #[test]
    fn find_operation_accepts_namespace_qualified_bound_operations() {
        let cases = [
            (
                "GET",
                "/directory/tenantGovernance/relatedTenants/microsoft.graph.tenantGovernanceServices.refreshStatus()",
                OperationId::RelatedTenantRefreshStatus,
            ),
            (
                "POST",
                "/directory/tenantGovernance/relatedTenants/microsoft.graph.tenantGovernanceServices.refresh",
                OperationId::RelatedTenantRefresh,
            ),
            (
                "POST",
                "/directory/tenantGovernance/settings/microsoft.graph.tenantGovernanceServices.enableRelatedTenants",
                OperationId::EnableRelatedTenants,
            ),
        ];
        for (method, path, want) in cases {
            assert_eq!(
                find_operation(method, path).map(|o| o.id),
                Some(want),
                "{path}"
            );
        }
    }

    #[test]
    fn find_operation_ignores_query_and_method_case() {
        let op = find_operation(
            "patch",
            "/directory/tenantGovernance/governanceRequests/x?$select=id",
        )
        .map(|o| o.id);
        assert_eq!(op, Some(OperationId::RequestUpdate));
    }

    #[test]
    fn find_operation_rejects_unknown_paths() {
        assert!(find_operation("GET", "/directory/tenantGovernance").is_none());
        assert!(
            find_operation("DELETE", "/directory/tenantGovernance/governanceRequests/x").is_none()
        );
        assert!(find_operation("GET", "/beta/directory/tenantGovernance/settings").is_none());
    }

    #[test]
    fn route_returns_the_key_segment_of_keyed_operations_only() {
        let s = segs("/directory/tenantGovernance/governanceRequests/abc");
        assert_eq!(route("GET", &s).map(|m| m.id), Some("abc"));
        let s = segs("/directory/tenantGovernance/settings");
        assert_eq!(route("GET", &s).map(|m| m.id), Some(""));
    }

    #[test]
    fn allowed_methods_lists_what_the_path_offers() {
        let s = segs("/directory/tenantGovernance/governanceRequests/x");
        assert_eq!(allowed_methods(&s), ["GET", "PATCH"]);
        let s = segs("/directory/tenantGovernance/governancePolicyTemplates");
        assert_eq!(allowed_methods(&s), ["GET", "POST"]);
        assert!(allowed_methods(&segs("/directory/tenantGovernance/nope")).is_empty());
    }

    #[test]
    fn the_root_is_known_and_offers_no_method() {
        let root = segs("/directory/tenantGovernance");
        assert!(is_root(&root));
        assert!(allowed_methods(&root).is_empty());
        assert!(!is_root(&segs("/directory/tenantGovernance/settings")));
        assert!(!is_root(&segs("/directory")));
    }

    #[test]
    fn unknown_segment_names_the_first_segment_off_every_route() {
        let cases = [
            ("/directory/tenantGovernance/nope", Some(2)),
            ("/directory/elsewhere/x", Some(1)),
            ("/me", Some(0)),
            (
                "/directory/tenantGovernance/governanceRequests/x/y",
                Some(4),
            ),
            ("/directory/tenantGovernance", None),
        ];
        for (p, want) in cases {
            assert_eq!(unknown_segment(&segs(p)), want, "{p}");
        }
    }
}
