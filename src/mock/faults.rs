//! The fault catalogue: deliberate, realistic deviations from the contract, each
//! switched on by name (`--fault NAME`) and each one line in the mock's code.
//!
//! Every fault names the scenarios that kill it (`killed_by`) and the rules of the
//! catalogue (`docs/contract.md`) it breaks (`breaks`, ids or patterns with `*`).
//! `tgconform selftest` proves both claims: each named scenario fails with the fault
//! on, in a step that checks one of the rules the fault breaks.

/// Declares the catalogue once: variant, kebab-case name, one-line description, the
/// scenarios expected to fail with the fault on, and the rules it breaks.
macro_rules! faults {
    ($($variant:ident => $name:literal, $desc:literal,
        killed_by: [$($killer:literal),+ $(,)?],
        breaks: [$($rule:literal),+ $(,)?];)*) => {
        /// One deliberate deviation of the embedded mock from the contract.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Fault {
            $($variant),*
        }

        impl Fault {
            /// Every fault, in catalogue order.
            pub const ALL: &'static [Fault] = &[$(Fault::$variant),*];

            /// The kebab-case name used by `--fault`.
            pub fn name(self) -> &'static str {
                match self {
                    $(Fault::$variant => $name),*
                }
            }

            /// What the fault breaks, in one line.
            pub fn description(self) -> &'static str {
                match self {
                    $(Fault::$variant => $desc),*
                }
            }

            /// File stems of the scenarios that fail when this fault is on.
            pub fn killed_by(self) -> &'static [&'static str] {
                match self {
                    $(Fault::$variant => &[$($killer),+]),*
                }
            }

            /// Ids of the catalogue rules this fault breaks; `*` in an id matches any
            /// run of characters (`PERM-*-APP-ONLY`).
            pub fn breaks(self) -> &'static [&'static str] {
                match self {
                    $(Fault::$variant => &[$($rule),+]),*
                }
            }

            /// The fault with this name, if any.
            pub fn from_name(name: &str) -> Option<Fault> {
                Fault::ALL.iter().copied().find(|f| f.name() == name)
            }
        }
    };
}

/// Whether rule `id` matches a `breaks` entry (an id, or a pattern with `*`).
pub fn rule_matches(pattern: &str, id: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    let [first, middle @ .., last] = parts.as_slice() else {
        return pattern == id;
    };
    let Some(mut rest) = id.strip_prefix(first) else {
        return false;
    };
    for m in middle {
        match rest.find(m) {
            Some(i) => rest = &rest[i + m.len()..],
            None => return false,
        }
    }
    rest.ends_with(last)
}

faults! {
    // Identity and permissions.
    NoUnauthorizedWithoutToken => "no-401-without-token",
        "a request without a bearer token is answered 403 instead of 401",
        killed_by: ["authentication-required"],
        breaks: ["GRAPH-AUTH-REQUIRED"];
    MalformedTokenAccepted => "malformed-token-accepted",
        "a bearer value that is not a JWT is accepted as an administrator's token",
        killed_by: ["authentication-required"],
        breaks: ["GRAPH-AUTH-INVALID"];
    ExpiredTokenAccepted => "expired-token-accepted",
        "a token past its exp claim is accepted",
        killed_by: ["authentication-required"],
        breaks: ["GRAPH-AUTH-INVALID"];
    MissingScopeAllowed => "missing-scope-allowed",
        "the delegated permission scope (scp) is not checked",
        killed_by: ["permissions-settings", "permissions-invitations", "permissions-policy-templates", "permissions-requests", "permissions-relationships", "permissions-related-tenants"],
        breaks: ["PERM-*-NO-SCOPE"];
    MissingRoleAllowed => "missing-role-allowed",
        "the directory role (wids) is not checked",
        killed_by: ["permissions-settings", "permissions-invitations", "permissions-policy-templates", "permissions-requests", "permissions-relationships", "permissions-related-tenants", "request-update-needs-tenant-governance-administrator"],
        breaks: ["ROLE-*-REFUSED"];
    ReadScopeCanWrite => "read-scope-can-write",
        "a family's Read.All scope is accepted on that family's writes",
        killed_by: ["permissions-settings", "permissions-invitations", "permissions-policy-templates", "permissions-requests", "permissions-relationships", "permissions-related-tenants"],
        breaks: ["PERM-*-NO-SCOPE"];
    OtherScopeFamilyAccepted => "other-scope-family-accepted",
        "the scope's family is not checked: any ReadWrite.All scope grants every write, any tenant governance scope every read",
        killed_by: ["permissions-settings", "permissions-invitations", "permissions-policy-templates", "permissions-requests", "permissions-relationships", "permissions-related-tenants"],
        breaks: ["PERM-*-NO-SCOPE"];
    ReaderRolesCanWrite => "reader-roles-can-write",
        "Global Reader, Tenant Governance Reader and Tenant Governance Relationship Reader are accepted on writes",
        killed_by: ["permissions-settings", "permissions-invitations", "permissions-policy-templates", "permissions-requests", "permissions-relationships", "permissions-related-tenants"],
        breaks: ["ROLE-*-GLOBAL-READER-REFUSED", "ROLE-*-TG-READER-REFUSED", "ROLE-*-TG-REL-READER-REFUSED"];
    RelationshipRolesReadRelatedTenants => "relationship-roles-read-related-tenants",
        "the related tenant reads (TG-READ) accept the two relationship roles (the REL-READ set)",
        killed_by: ["permissions-related-tenants"],
        breaks: ["ROLE-TG-READ-TG-REL-ADMIN-REFUSED", "ROLE-TG-READ-TG-REL-READER-REFUSED"];
    TenantGovernanceReaderRefused => "tenant-governance-reader-refused",
        "the Tenant Governance Reader role is refused on reads",
        killed_by: ["permissions-settings", "permissions-invitations", "permissions-policy-templates", "permissions-requests", "permissions-relationships", "permissions-related-tenants"],
        breaks: ["ROLE-REL-READ-TG-READER-ALLOWED", "ROLE-TG-READ-TG-READER-ALLOWED"];
    RelationshipAdminCanDecide => "relationship-admin-can-decide-requests",
        "accepting or rejecting a request allows the Relationship Administrator (REL-WRITE instead of TG-WRITE)",
        killed_by: ["request-update-needs-tenant-governance-administrator"],
        breaks: ["ROLE-TG-WRITE-TG-REL-ADMIN-REFUSED"];
    RelationshipAdminRefusedOnWrites => "relationship-admin-refused-on-writes",
        "operations open to the Relationship Administrator (REL-WRITE) allow only the Tenant Governance Administrator",
        killed_by: ["request-update-needs-tenant-governance-administrator"],
        breaks: ["ROLE-REL-WRITE-TG-REL-ADMIN-ALLOWED"];
    AppOnlyCanWrite => "app-only-can-write",
        "app-only tokens are allowed on writes",
        killed_by: ["permissions-settings", "permissions-invitations", "permissions-policy-templates", "permissions-requests", "permissions-relationships", "permissions-related-tenants"],
        breaks: ["PERM-*-APP-ONLY"];
    AppOnlyCannotRead => "app-only-cannot-read",
        "app-only tokens are refused on reads that list an application permission",
        killed_by: ["app-only-reads", "permissions-settings", "permissions-invitations", "permissions-related-tenants"],
        breaks: ["PERM-*-APP-READ"];
    // Request lifecycle.
    GoverningCanAccept => "governing-can-accept",
        "the governing tenant may accept or reject its own request",
        killed_by: ["governing-cannot-accept-own-request"],
        breaks: ["REQ-UPDATE-GOVERNED-ONLY"];
    GoverningCanReject => "governing-can-reject",
        "the governing tenant may reject (withdraw) its own request, though not accept it",
        killed_by: ["governing-cannot-accept-own-request"],
        breaks: ["REQ-UPDATE-GOVERNED-ONLY"];
    AcceptTwiceAllowed => "accept-twice-allowed",
        "accepting an already accepted request answers 200",
        killed_by: ["accept-twice"],
        breaks: ["REQ-DECIDED-FINAL"];
    RejectAfterAcceptAllowed => "reject-after-accept-allowed",
        "an accepted request can still be rejected",
        killed_by: ["accept-twice"],
        breaks: ["REQ-DECIDED-FINAL"];
    ExpiredRequestAcceptable => "expired-request-acceptable",
        "a request past its expirationDateTime can still be accepted",
        killed_by: ["request-expiry"],
        breaks: ["REQ-EXPIRED-REFUSED", "REQ-EXPIRED-NO-RELATIONSHIP"];
    RequestExpiry13Days => "request-expiry-13-days",
        "requests expire 13 days after requestDateTime instead of 14",
        killed_by: ["handshake-governed-terminates"],
        breaks: ["REQ-EXPIRY-14D"];
    DuplicateRequestAllowed => "duplicate-request-allowed",
        "a second pending request for the same pair is accepted",
        killed_by: ["request-conflicts"],
        breaks: ["REQ-CREATE-DUPLICATE"];
    RequestWithoutInvitationAllowed => "request-without-invitation-allowed",
        "a request is accepted without an invitation or an active relationship (three-step handshake not enforced)",
        killed_by: ["request-needs-invitation"],
        breaks: ["REQ-CREATE-NEEDS-INVITATION"];
    BindUnknownTemplateAccepted => "bind-unknown-template-accepted",
        "a request binding a template that does not exist is created with an empty snapshot",
        killed_by: ["bind-unknown-template"],
        breaks: ["REQ-CREATE-BIND-UNKNOWN"];
    MissingBindUsesDefaultTemplate => "missing-bind-uses-default-template",
        "a request without governancePolicyTemplate@odata.bind is created from the default template",
        killed_by: ["bad-request-bodies"],
        breaks: ["REQ-CREATE-REQUIRES-TEMPLATE"];
    NestedTemplateTakenAsBind => "nested-template-taken-as-bind",
        "a request create with a nested governancePolicyTemplate {id} object is taken as the bind to that template",
        killed_by: ["nested-template-is-no-bind"],
        breaks: ["REQ-CREATE-NESTED-TEMPLATE"];
    EmptyRequestPatchIgnored => "empty-request-patch-ignored",
        "a request PATCH without status answers 200 and changes nothing",
        killed_by: ["bad-request-bodies"],
        breaks: ["REQ-UPDATE-REQUIRES-STATUS"];
    SentinelStatusIgnored => "sentinel-status-ignored",
        "a request PATCH to the sentinel unknownFutureValue answers 200 and changes nothing",
        killed_by: ["request-status-values"],
        breaks: ["REQ-UPDATE-UNKNOWN-FUTURE-VALUE"];
    PatchResponseShowsOldStatus => "patch-response-shows-old-status",
        "accepting a request answers 200 with the status it had before (pending), as the documented example's defect",
        killed_by: ["handshake-governed-terminates"],
        breaks: ["REQ-UPDATE-ACCEPT"];
    RejectCreatesRelationship => "reject-creates-relationship",
        "rejecting a request still establishes the relationship",
        killed_by: ["request-rejected"],
        breaks: ["REQ-REJECT-NO-RELATIONSHIP"];
    RequestSnapshotNotFrozen => "request-snapshot-not-frozen",
        "a request shows the template's current content instead of the snapshot taken when it was sent",
        killed_by: ["policy-snapshot-matches-template"],
        breaks: ["REQ-SNAPSHOT-FROZEN"];
    // Invitations.
    InvitationExpiry31Days => "invitation-expiry-31-days",
        "invitations expire 31 days after createdDateTime instead of 30",
        killed_by: ["invitations-crud", "handshake-governed-terminates"],
        breaks: ["INV-EXPIRY-30D"];
    ExpiredInvitationHonoured => "expired-invitation-honoured",
        "an expired invitation still authorises a request",
        killed_by: ["invitation-expiry"],
        breaks: ["INV-EXPIRED-NO-LONGER-AUTHORISES"];
    InvitationsIgnoreSetting => "invitations-ignore-setting",
        "invitations are accepted although the governing tenant's canReceiveInvitations is false",
        killed_by: ["invitation-refused-when-disabled"],
        breaks: ["INV-CREATE-NEEDS-RECEIVER-ENABLED"];
    // Relationships.
    AcceptCreatesNoRelationship => "accept-creates-no-relationship",
        "accepting a request creates no relationship",
        killed_by: ["handshake-governed-terminates"],
        breaks: ["REQ-ACCEPT-CREATES-RELATIONSHIP"];
    WrongCreatedType => "wrong-created-type",
        "relationships created by acceptance say createdType addOnTenant",
        killed_by: ["handshake-governed-terminates"],
        breaks: ["REL-CREATED-TYPE-APPROVED", "ENUM-CREATION-TYPE-APPROVED-BY-ADMIN"];
    PolicySnapshotNotCopied => "policy-snapshot-not-copied",
        "a relationship shows the template's current content instead of the snapshot taken at request time",
        killed_by: ["policy-snapshot-matches-template"],
        breaks: ["REQ-ACCEPT-RELATIONSHIP-SNAPSHOT", "REL-SNAPSHOT-NOT-LIVE"];
    GoverningCanTerminateDirectly => "governing-can-terminate-directly",
        "the governing tenant may set a relationship to terminated",
        killed_by: ["governing-cannot-terminate-directly"],
        breaks: ["REL-GOVERNING-CANNOT-TERMINATE"];
    GovernedCanRequestTermination => "governed-can-request-termination",
        "the governed tenant may set terminationRequestedByGoverningTenant",
        killed_by: ["governing-cannot-terminate-directly"],
        breaks: ["REL-GOVERNED-CANNOT-REQUEST-TERMINATION"];
    TerminatedNotFinal => "terminated-not-final",
        "a terminated relationship can change status again",
        killed_by: ["terminate-twice"],
        breaks: ["REL-TERMINATED-FINAL"];
    TerminatedRelationshipsHidden => "terminated-relationships-hidden",
        "terminated relationships disappear from the relationship list",
        killed_by: ["terminate-twice"],
        breaks: ["REL-TERMINATED-STAYS-LISTED"];
    StatusPascalCase => "status-pascal-case",
        "relationship status is serialised in PascalCase (\"Active\"), as the documented example's defect",
        killed_by: ["handshake-governed-terminates"],
        breaks: ["ENUM-CASE", "ENUM-RELATIONSHIP-STATUS-ACTIVE"];
    // Isolation.
    ThirdTenantSeesRequests => "third-tenant-sees-requests",
        "a tenant that is not party to a request can GET it (200 instead of 404)",
        killed_by: ["isolation-hides-existence", "third-tenant-isolation"],
        breaks: ["REQ-GET-NON-PARTY", "ISOLATION-404"];
    OutsiderCanDecideRequests => "outsider-can-decide-requests",
        "a tenant that is not party to a request can accept or reject it",
        killed_by: ["third-tenant-isolation"],
        breaks: ["REQ-UPDATE-NON-PARTY"];
    NonPartyGets403 => "non-party-gets-403",
        "a tenant that is not party to an object gets 403 instead of 404, revealing that the id exists",
        killed_by: ["isolation-hides-existence"],
        breaks: ["ISOLATION-404"];
    ListsIgnoreParty => "lists-ignore-party",
        "the request list shows every tenant's requests",
        killed_by: ["third-tenant-isolation"],
        breaks: ["REQ-LIST-ONLY-OWN"];
    InvitationListsIgnoreParty => "invitation-lists-ignore-party",
        "the invitation list shows every tenant's invitations",
        killed_by: ["third-tenant-isolation"],
        breaks: ["INV-LIST-ONLY-OWN"];
    RelationshipListsIgnoreParty => "relationship-lists-ignore-party",
        "the relationship list shows every tenant's relationships",
        killed_by: ["third-tenant-isolation"],
        breaks: ["REL-LIST-ONLY-OWN"];
    RequestsListedForSenderOnly => "requests-listed-for-sender-only",
        "the request list shows a tenant only the requests it sent, not those it received",
        killed_by: ["requests-list-and-filter"],
        breaks: ["REQ-LIST-BOTH-PARTIES"];
    InvitationsListedForSenderOnly => "invitations-listed-for-sender-only",
        "the invitation list shows a tenant only the invitations it sent, not those it received",
        killed_by: ["invitations-crud"],
        breaks: ["INV-LIST-BOTH-PARTIES"];
    UnknownIdIs400 => "unknown-id-is-400",
        "an unknown id is answered 400 instead of 404",
        killed_by: ["unknown-ids"],
        breaks: ["REQ-GET-UNKNOWN", "REQ-UPDATE-UNKNOWN", "INV-GET-UNKNOWN", "INV-DELETE-UNKNOWN", "REL-GET-UNKNOWN", "TPL-GET-UNKNOWN", "TPL-DELETE-UNKNOWN", "INV-DELETE-BY-CREATOR", "TPL-DELETED-GONE"];
    // Templates.
    TemplateVersionMinorBump => "template-version-minor-bump",
        "an update raises a template's version by a tenth (1.0, 1.1, 1.2) instead of by 1",
        killed_by: ["policy-templates-crud", "default-policy-template"],
        breaks: ["TPL-UPDATE-VERSION"];
    TemplateVersionNotBumped => "template-version-not-bumped",
        "updating a template keeps its version (as the documented examples' defect)",
        killed_by: ["policy-templates-crud", "default-policy-template"],
        breaks: ["TPL-UPDATE-VERSION"];
    DefaultTemplateDeletable => "default-template-deletable",
        "the default template can be deleted",
        killed_by: ["default-policy-template"],
        breaks: ["TPL-DEFAULT-NOT-DELETABLE"];
    InUseTemplateDeletable => "in-use-template-deletable",
        "a template used by an active relationship can be deleted",
        killed_by: ["template-in-use-cannot-be-deleted"],
        breaks: ["TPL-IN-USE-NOT-DELETABLE"];
    TemplateDeleteNotApplied => "template-delete-not-applied",
        "deleting a template answers 204 but the template stays",
        killed_by: ["policy-templates-crud"],
        breaks: ["TPL-DELETED-GONE"];
    TemplateRequiredPropertiesOptional => "template-required-properties-optional",
        "a template is created without displayName, description or its arrays",
        killed_by: ["policy-template-validation"],
        breaks: ["TPL-CREATE-REQUIRES-*"];
    // Bad input.
    UnknownEnumAccepted => "unknown-enum-accepted",
        "an unknown permissionType member is stored as sent",
        killed_by: ["policy-template-validation"],
        breaks: ["TPL-PERMISSION-TYPE"];
    EnumCaseInsensitive => "enum-case-insensitive",
        "enum members are matched ignoring case (\"Accepted\" is taken as accepted)",
        killed_by: ["request-status-values"],
        breaks: ["REQ-UPDATE-STATUS-CASE"];
    WrongTypeCoerced => "wrong-type-coerced",
        "a string \"yes\"/\"true\" is taken as a Boolean true",
        killed_by: ["bad-request-bodies"],
        breaks: ["SET-UPDATE-BOOLEAN"];
    InvalidJson500 => "invalid-json-500",
        "a body that is not JSON is answered 500 instead of 400",
        killed_by: ["bad-request-bodies"],
        breaks: ["GRAPH-MALFORMED-JSON"];
    // Settings and related tenants.
    ReadOnlyPropertyIgnored => "read-only-property-ignored",
        "a PATCH of the read-only isRelatedTenantsEnabled is silently ignored (200)",
        killed_by: ["read-only-setting-is-refused"],
        breaks: ["SET-RELATED-READ-ONLY-REFUSED"];
    ReadOnlyPropertyWritten => "read-only-property-written",
        "a PATCH of the read-only isRelatedTenantsEnabled changes it",
        killed_by: ["read-only-setting-is-not-writable", "read-only-setting-is-refused"],
        breaks: ["SET-RELATED-READ-ONLY", "SET-RELATED-READ-ONLY-REFUSED"];
    SettingsNotSaved => "settings-not-saved",
        "PATCH settings answers the new value but does not store it",
        killed_by: ["settings-round-trip"],
        breaks: ["SET-UPDATE-VISIBLE"];
    RelatedTenantByIdAndRefreshUngated => "related-tenant-by-id-and-refresh-ungated",
        "reading a related tenant by id and refresh work before enableRelatedTenants (only the list and refreshStatus check the switch)",
        killed_by: ["related-tenants-before-enable"],
        breaks: ["RT-BEFORE-ENABLE-REFUSED"];
    RelatedTenantsWorkBeforeEnable => "related-tenants-work-before-enable",
        "the related tenant APIs work before enableRelatedTenants",
        killed_by: ["related-tenants-before-enable"],
        breaks: ["RT-BEFORE-ENABLE-REFUSED"];
    EnableRelatedTenantsNotIdempotent => "enable-related-tenants-not-idempotent",
        "calling enableRelatedTenants a second time is a 409",
        killed_by: ["enable-related-tenants-twice"],
        breaks: ["SET-ENABLE-TWICE"];
    InvitationsOnByDefault => "invitations-on-by-default",
        "a new tenant starts with canReceiveInvitations true",
        killed_by: ["settings-defaults"],
        breaks: ["SET-INVITATIONS-OFF-BY-DEFAULT"];
    RelatedTenantsReportedEnabled => "related-tenants-reported-enabled",
        "the settings say isRelatedTenantsEnabled true before enableRelatedTenants was called",
        killed_by: ["related-tenants-before-enable"],
        breaks: ["SET-RELATED-OFF-BY-DEFAULT"];
    EnableRelatedTenantsReturnsSettings => "enable-related-tenants-returns-settings",
        "enableRelatedTenants answers 200 with the settings instead of 204",
        killed_by: ["related-tenants"],
        breaks: ["SET-ENABLE-RELATED-204"];
    RefreshReturns202 => "refresh-returns-202",
        "relatedTenants/refresh answers 202 Accepted (a long-running operation) instead of 204",
        killed_by: ["related-tenants"],
        breaks: ["RT-REFRESH-204"];
    // Status codes.
    PatchReturns204 => "patch-returns-204",
        "PATCH answers 204 without a body (Graph's usual convention, not this API's)",
        killed_by: ["settings-round-trip"],
        breaks: ["*-UPDATE-200"];
    CreateReturns200 => "create-returns-200",
        "POST that creates answers 200 instead of 201",
        killed_by: ["policy-templates-crud"],
        breaks: ["*-CREATE-201"];
    DeleteReturns200 => "delete-returns-200",
        "DELETE answers 200 with the deleted entity instead of 204",
        killed_by: ["invitations-crud"],
        breaks: ["*-DELETE-204"];
    DeleteUnknownIs204 => "delete-unknown-is-204",
        "DELETE of an id that does not exist answers 204 (an idempotent delete) instead of 404",
        killed_by: ["unknown-ids"],
        breaks: ["INV-DELETE-UNKNOWN", "TPL-DELETE-UNKNOWN"];
    // Envelope, headers and formats.
    MissingOdataContext => "missing-odata-context",
        "2xx JSON bodies carry no @odata.context",
        killed_by: ["graph-envelope"],
        breaks: ["GRAPH-ODATA-CONTEXT", "GRAPH-ODATA-CONTEXT-RELATED-TENANTS"];
    WrongOdataType => "wrong-odata-type",
        "@odata.type uses the microsoft.graph namespace instead of microsoft.graph.tenantGovernanceServices",
        killed_by: ["graph-envelope"],
        breaks: ["GRAPH-ODATA-TYPE-NAMESPACE"];
    NoRequestIdHeader => "no-request-id-header",
        "responses carry no request-id header",
        killed_by: ["graph-envelope"],
        breaks: ["GRAPH-REQUEST-ID"];
    ClientRequestIdNotEchoed => "client-request-id-not-echoed",
        "the client-request-id header is not echoed (a new one is returned)",
        killed_by: ["graph-envelope"],
        breaks: ["GRAPH-CLIENT-REQUEST-ID"];
    InnerErrorIdsDiffer => "inner-error-ids-differ",
        "an error body's innerError.request-id is not the request-id header of the response",
        killed_by: ["unknown-ids"],
        breaks: ["GRAPH-ERROR-INNER-IDS"];
    ErrorWithoutInnerError => "error-without-inner-error",
        "error bodies have no innerError (date, request-id, client-request-id)",
        killed_by: ["graph-envelope"],
        breaks: ["GRAPH-ERROR-INNER"];
    ContentTypeTextPlain => "content-type-text-plain",
        "JSON bodies are labelled Content-Type text/plain",
        killed_by: ["graph-envelope"],
        breaks: ["GRAPH-JSON-CONTENT-TYPE"];
    DateWithoutZone => "date-without-zone",
        "entity timestamps are written without the Z zone designator",
        killed_by: ["invitations-crud", "handshake-governed-terminates"],
        breaks: [
            "GRAPH-UTC-TIMESTAMPS", "TYPE-DOCUMENTED-PROPERTIES",
            "REQ-LIST-200", "REQ-CREATE-201", "REQ-GET-200", "REQ-UPDATE-200",
            "INV-LIST-200", "INV-CREATE-201", "INV-GET-200",
            "REL-LIST-200", "REL-GET-200", "REL-UPDATE-200",
            "TPL-LIST-200", "TPL-CREATE-201", "TPL-GET-200", "TPL-UPDATE-200",
        ];
    WrongTenantName => "wrong-tenant-name",
        "governedTenantName shows the governing tenant's name",
        killed_by: ["handshake-governed-terminates"],
        breaks: ["INV-CREATE-TENANT-NAMES", "REQ-CREATE-TENANT-NAMES", "REL-ACCEPTED-PARTIES"];
    // Paging and query options.
    NextLinkMissing => "next-link-missing",
        "a page cut short by $top carries no @odata.nextLink",
        killed_by: ["templates-paging", "odata-requests", "odata-invitations", "odata-relationships", "odata-templates"],
        breaks: ["ODATA-NEXTLINK"];
    TopIgnored => "top-ignored",
        "$top is ignored (pages have the default size)",
        killed_by: ["templates-paging", "odata-requests", "odata-invitations", "odata-relationships", "odata-templates"],
        breaks: ["ODATA-TOP"];
    SkiptokenIgnored => "skiptoken-ignored",
        "$skiptoken is ignored, so following @odata.nextLink returns the first page again",
        killed_by: ["templates-paging", "odata-requests", "odata-relationships", "odata-templates"],
        breaks: ["ODATA-SKIPTOKEN", "ODATA-NEXTLINK"];
    FilterIgnored => "filter-ignored",
        "$filter is accepted but not applied",
        killed_by: ["requests-list-and-filter", "odata-requests", "odata-invitations", "odata-relationships", "odata-templates"],
        breaks: ["ODATA-FILTER-EQ", "ODATA-FILTER-ENUM-STATUS", "ODATA-FILTER-DATETIME"];
    FilterNeAsEq => "filter-ne-as-eq",
        "`ne` in $filter is applied as `eq`",
        killed_by: ["odata-requests", "odata-invitations", "odata-relationships", "odata-templates"],
        breaks: ["ODATA-FILTER-EQ", "ODATA-FILTER-DATETIME"];
    DateTimeFilterInclusive => "datetime-filter-inclusive",
        "`lt` and `gt` on date-time properties include the boundary (applied as `le` and `ge`)",
        killed_by: ["odata-requests", "odata-invitations", "odata-relationships", "odata-templates"],
        breaks: ["ODATA-FILTER-DATETIME"];
    SkipIgnored => "skip-ignored",
        "$skip is accepted but no item is left out",
        killed_by: ["odata-templates"],
        breaks: ["ODATA-SKIP"];
    VersionFilterEqOnly => "version-filter-eq-only",
        "$filter on a template's version takes only eq and ne (400 for lt, le, gt, ge), as on other strings",
        killed_by: ["odata-templates"],
        breaks: ["ODATA-FILTER-VERSION"];
    OrderbySkipOnlyOnTemplates => "orderby-skip-only-on-templates",
        "$orderby and $skip are ignored on the request, invitation and relationship lists (honoured on templates only)",
        killed_by: ["odata-requests", "odata-invitations", "odata-relationships"],
        breaks: ["ODATA-ORDERBY", "ODATA-SKIP"];
    OrderbyIgnored => "orderby-ignored",
        "$orderby is accepted but the list keeps its stored order",
        killed_by: ["odata-templates"],
        breaks: ["ODATA-ORDERBY"];
    CountSegmentIsAnId => "count-segment-is-an-id",
        "a collection's /$count segment is looked up as an item id and answered 404",
        killed_by: ["count-segment"],
        breaks: ["ODATA-COUNT-SEGMENT"];
    DateInLocalTime => "date-in-local-time",
        "entity timestamps are written in local time with an offset (+01:00) instead of UTC with Z",
        killed_by: ["odata-templates", "invitations-crud", "handshake-governed-terminates"],
        breaks: ["GRAPH-UTC-TIMESTAMPS"];
    // Lifecycle and validation: undocumented methods, required fields, status values,
    // timestamps, read-only properties, related tenants by id.
    UndocumentedMethod404 => "undocumented-method-404",
        "a method the docs do not list on a known path is answered 404 instead of 405 (or 400)",
        killed_by: ["undocumented-methods"],
        breaks: ["GRAPH-UNDOCUMENTED-METHOD", "REQ-NO-WITHDRAW", "INV-NO-UPDATE", "REL-NO-CREATE"];
    RootIsUnknownSegment => "root-is-unknown-segment",
        "the documented root /directory/tenantGovernance is answered 400 \"Resource not found for the segment 'tenantGovernance'\"",
        killed_by: ["root-resource"],
        breaks: ["GRAPH-ROOT-KNOWN"];
    RequestDeleteWithdraws => "request-delete-withdraws",
        "DELETE on a pending request answers 204 and withdraws it",
        killed_by: ["undocumented-methods"],
        breaks: ["REQ-NO-WITHDRAW", "GRAPH-UNDOCUMENTED-METHOD"];
    InvitationPatchAllowed => "invitation-patch-allowed",
        "PATCH on an invitation answers 200 (the invitation, unchanged)",
        killed_by: ["undocumented-methods"],
        breaks: ["INV-NO-UPDATE", "GRAPH-UNDOCUMENTED-METHOD"];
    RelationshipDeleteAllowed => "relationship-delete-allowed",
        "DELETE on a relationship answers 204 and terminates it",
        killed_by: ["undocumented-methods"],
        breaks: ["REL-NO-CREATE", "GRAPH-UNDOCUMENTED-METHOD"];
    EmptyRelationshipPatchIgnored => "empty-relationship-patch-ignored",
        "a relationship PATCH without status answers 200 and changes nothing",
        killed_by: ["relationship-patch-validation"],
        breaks: ["REL-UPDATE-REQUIRES-STATUS"];
    UnknownRelationshipStatusIgnored => "unknown-relationship-status-ignored",
        "a relationship PATCH whose status is no relationshipStatus member answers 200 and changes nothing",
        killed_by: ["relationship-patch-validation"],
        breaks: ["REL-UPDATE-INVALID-STATUS"];
    RelationshipSentinelIgnored => "relationship-sentinel-ignored",
        "a relationship PATCH to the sentinel unknownFutureValue answers 200 and changes nothing",
        killed_by: ["relationship-status-values"],
        breaks: ["REL-UPDATE-UNKNOWN-FUTURE-VALUE"];
    TerminationRequestCancellable => "termination-request-cancellable",
        "setting active on a relationship whose termination was requested cancels the request",
        killed_by: ["relationship-status-values"],
        breaks: ["REL-ACTIVE-NOT-SETTABLE"];
    BodyReadOnlyPropertiesIgnored => "body-read-only-properties-ignored",
        "read-only properties in request, invitation, relationship and template bodies are silently dropped",
        killed_by: ["read-only-properties-in-bodies", "relationship-status-values"],
        breaks: ["REQ-CREATE-READ-ONLY", "REQ-UPDATE-ONLY-STATUS", "INV-CREATE-READ-ONLY", "TPL-CREATE-READ-ONLY", "REL-UPDATE-ONLY-STATUS"];
    ControlInformationRefused => "control-information-refused",
        "OData control information in a body (@odata.context, @odata.etag) is refused 400 as a property that does not exist",
        killed_by: ["control-information-in-bodies"],
        breaks: ["GRAPH-BODY-CONTROL-INFORMATION"];
    EmptySettingsPatchIgnored => "empty-settings-patch-ignored",
        "a settings PATCH without canReceiveInvitations answers 200 and changes nothing",
        killed_by: ["settings-patch-needs-field"],
        breaks: ["SET-UPDATE-REQUIRES-FIELD"];
    DecisionMovesRequestTime => "decision-moves-request-time",
        "accepting or rejecting a request sets its requestDateTime to the time of the decision",
        killed_by: ["request-decision-keeps-properties"],
        breaks: ["REQ-REQUEST-DATETIME-FIXED"];
    DecisionExtendsExpiry => "decision-extends-expiry",
        "accepting or rejecting a request moves its expirationDateTime to 14 days after the decision",
        killed_by: ["request-decision-keeps-properties"],
        breaks: ["REQ-UPDATE-KEEPS-PROPERTIES"];
    RequestTimestampsLocal => "request-timestamps-local",
        "a request's requestDateTime and expirationDateTime are local time (UTC+2) written with Z",
        killed_by: ["timestamps-utc"],
        breaks: ["REQ-CREATE-REQUEST-DATETIME"];
    TemplateLastModifiedTicks => "template-last-modified-ticks",
        "a template PATCH moves lastModifiedDateTime 100 ns past its old value instead of to the time of the update",
        killed_by: ["timestamps-keep-their-meaning"],
        breaks: ["TPL-LAST-MODIFIED-IS-UPDATE-TIME"];
    TerminationMovesCreationTime => "termination-moves-creation-time",
        "a termination request or a termination sets the relationship's creationDateTime to the time of the change",
        killed_by: ["timestamps-keep-their-meaning"],
        breaks: ["REL-CREATION-DATETIME-FIXED"];
    RelationshipCreatedAtRequestTime => "relationship-created-at-request-time",
        "a relationship's creationDateTime is its request's requestDateTime instead of the acceptance time",
        killed_by: ["relationship-created-at-acceptance"],
        breaks: ["REL-CREATION-DATETIME"];
    NonRoleAssignableGroupAccepted => "non-role-assignable-group-accepted",
        "a template's role assignment may name a security group that is not role-assignable",
        killed_by: ["template-group-role-assignable"],
        breaks: ["TPL-GROUP-ROLE-ASSIGNABLE"];
    GroupDisplayNameNotFilled => "group-display-name-not-filled",
        "templates carry no groupDisplayName on their role assignments",
        killed_by: ["template-group-display-name"],
        breaks: ["TPL-GROUP-DISPLAY-NAME"];
    GroupDisplayNameFromClient => "group-display-name-from-client",
        "a groupDisplayName sent by the client is stored instead of the group's name",
        killed_by: ["template-group-display-name"],
        breaks: ["TPL-GROUP-DISPLAY-NAME"];
    ApplicationObjectIdIsAppId => "application-object-id-is-app-id",
        "a template stores an application's appId as its objectId (the client id taken for the service principal's object id), in the template and every snapshot",
        killed_by: ["policy-snapshot-as-sent"],
        breaks: ["REQ-SNAPSHOT-COPIES-TEMPLATE", "TPL-CREATE-ECHO"];
    RelatedTenantIdsAreObjectIds => "related-tenant-ids-are-object-ids",
        "a related tenant's id is an object id of its own, not the tenant's id",
        killed_by: ["related-tenant-read"],
        breaks: ["RT-ID-IS-TENANT-ID"];
    RelatedTenantMetricsNotExpanded => "related-tenant-metrics-not-expanded",
        "related tenants carry no metric navigations unless $expand asks for them",
        killed_by: ["related-tenant-read"],
        breaks: ["RT-METRICS-EXPANDED"];
    UnrelatedTenantReadable => "unrelated-tenant-readable",
        "reading a tenant id that is not related answers 200 with an empty related tenant",
        killed_by: ["related-tenant-read"],
        breaks: ["RT-GET-UNKNOWN"];
    InvitationToSelfAllowed => "invitation-to-self-allowed",
        "a tenant may invite itself",
        killed_by: ["invitation-edge-cases"],
        breaks: ["INV-CREATE-SELF"];
    DuplicateInvitationAllowed => "duplicate-invitation-allowed",
        "a second invitation to the same tenant is created while the first is valid",
        killed_by: ["invitation-edge-cases"],
        breaks: ["INV-CREATE-DUPLICATE"];
    UnknownInvitationTarget403 => "unknown-invitation-target-403",
        "an invitation to a tenant that does not exist is refused 403, as if the tenant did not accept invitations",
        killed_by: ["invitation-edge-cases"],
        breaks: ["INV-CREATE-UNKNOWN-TENANT"];
    AcceptCreatesSecondRelationship => "accept-creates-second-relationship",
        "accepting a request for a pair with a live relationship creates a second relationship",
        killed_by: ["re-request-updates-relationship"],
        breaks: ["REQ-ACCEPT-UPDATES-EXISTING"];
    RelationshipDoesNotAuthorise => "relationship-does-not-authorise",
        "a request for a pair with an active relationship still needs an invitation",
        killed_by: ["re-request-updates-relationship"],
        breaks: ["REQ-CREATE-WITH-RELATIONSHIP"];
    TemplatePatchResetsCreated => "template-patch-resets-created",
        "updating a template sets its createdDateTime to the update time",
        killed_by: ["policy-templates-crud"],
        breaks: ["TPL-UPDATE-CREATED-UNCHANGED"];
    RelationshipsListedForGovernedOnly => "relationships-listed-for-governed-only",
        "the relationship list shows a tenant only the relationships that govern it, not those it governs",
        killed_by: ["handshake-governed-terminates"],
        breaks: ["REL-LIST-BOTH-PARTIES"];
}

/// The faults switched on for one mock, as a bit set: checking one is a shift and a
/// mask on the request path.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct FaultSet(u128);

impl FaultSet {
    pub fn new(faults: &[Fault]) -> Self {
        let mut bits = 0u128;
        for f in faults {
            bits |= 1u128 << (*f as u32);
        }
        FaultSet(bits)
    }

    /// Whether `f` is on.
    pub fn has(self, f: Fault) -> bool {
        self.0 & (1u128 << (f as u32)) != 0
    }
}

// The bit set holds at most 128 faults.
const _: () = assert!(Fault::ALL.len() <= 128);

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn there_are_at_least_twenty_five_faults() {
        assert!(Fault::ALL.len() >= 25, "{}", Fault::ALL.len());
    }

    #[test]
    fn names_are_unique_kebab_case_and_round_trip() {
        let mut seen = HashSet::new();
        for f in Fault::ALL {
            let n = f.name();
            assert!(seen.insert(n), "duplicate {n}");
            assert!(
                n.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{n}"
            );
            assert!(!n.starts_with('-') && !n.ends_with('-') && !n.contains("--"));
            assert_eq!(Fault::from_name(n), Some(*f));
        }
        assert_eq!(Fault::from_name("no-such-fault"), None);
    }

    #[test]
    fn every_fault_has_a_description() {
        for f in Fault::ALL {
            assert!(!f.description().trim().is_empty(), "{}", f.name());
        }
    }

    #[test]
    fn every_named_killer_is_a_scenario_file() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
        for f in Fault::ALL {
            for stem in f.killed_by() {
                assert!(
                    dir.join(format!("{stem}.yaml")).is_file(),
                    "{}: no scenario `{stem}`",
                    f.name()
                );
            }
        }
    }

    #[test]
    fn every_broken_rule_is_in_the_catalogue() {
        let catalogue = match crate::contract::rules::builtin() {
            Ok(c) => c,
            Err(e) => panic!("{e}"),
        };
        for f in Fault::ALL {
            for pattern in f.breaks() {
                assert!(
                    catalogue.ids().any(|id| rule_matches(pattern, id)),
                    "{}: `{pattern}` matches no rule of the catalogue",
                    f.name()
                );
            }
        }
    }

    #[test]
    fn rule_patterns_match_with_stars() {
        assert!(rule_matches("PERM-*-APP-ONLY", "PERM-REQ-CREATE-APP-ONLY"));
        assert!(rule_matches("*-UPDATE-200", "TPL-UPDATE-200"));
        assert!(rule_matches(
            "TPL-CREATE-REQUIRES-*",
            "TPL-CREATE-REQUIRES-DESCRIPTION"
        ));
        assert!(rule_matches("REQ-EXPIRY-14D", "REQ-EXPIRY-14D"));
        assert!(!rule_matches("REQ-EXPIRY-14D", "REQ-EXPIRY-14"));
        assert!(!rule_matches("PERM-*-APP-ONLY", "PERM-REQ-LIST-APP-READ"));
        assert!(!rule_matches("A-*-A", "A-A"));
    }

    #[test]
    fn fault_set_reports_exactly_the_faults_switched_on() {
        let on = [Fault::TopIgnored, Fault::FilterIgnored];
        let set = FaultSet::new(&on);
        for f in Fault::ALL {
            assert_eq!(set.has(*f), on.contains(f), "{}", f.name());
        }
        assert!(!FaultSet::default().has(Fault::TopIgnored));
    }

    #[test]
    fn the_docs_list_every_fault() {
        let docs = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/mock.md"),
        )
        .unwrap_or_default();
        for f in Fault::ALL {
            assert!(
                docs.contains(&format!("`{}`", f.name())),
                "docs/mock.md does not list `{}`",
                f.name()
            );
        }
    }
}
