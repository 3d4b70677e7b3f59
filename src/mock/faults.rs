//! The fault catalogue: deliberate, realistic deviations from the contract, each
//! switched on by name (`--fault NAME`) and each one line in the mock's code.
//!
//! Every fault names the scenario that kills it (`killed_by`); `tgconform selftest`
//! proves the claim by running the suite once per fault.

/// Declares the catalogue once: variant, kebab-case name, one-line description, and
/// the scenario(s) expected to fail with the fault on.
macro_rules! faults {
    ($($variant:ident => $name:literal, $desc:literal, $killer:literal;)*) => {
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

            /// The scenario(s) of the suite that fail when this fault is on.
            pub fn killed_by(self) -> &'static str {
                match self {
                    $(Fault::$variant => $killer),*
                }
            }

            /// The fault with this name, if any.
            pub fn from_name(name: &str) -> Option<Fault> {
                Fault::ALL.iter().copied().find(|f| f.name() == name)
            }
        }
    };
}

faults! {
    // Identity and permissions.
    NoUnauthorizedWithoutToken => "no-401-without-token",
        "a request without a bearer token is answered 403 instead of 401",
        "authentication-required";
    MalformedTokenAccepted => "malformed-token-accepted",
        "a bearer value that is not a JWT is accepted as an administrator's token",
        "authentication-required";
    MissingScopeAllowed => "missing-scope-allowed",
        "the delegated permission scope (scp) is not checked",
        "permissions-scopes-and-roles";
    MissingRoleAllowed => "missing-role-allowed",
        "the directory role (wids) is not checked",
        "permissions-scopes-and-roles";
    RelationshipAdminCanDecide => "relationship-admin-can-decide-requests",
        "accepting or rejecting a request allows the Relationship Administrator (REL-WRITE instead of TG-WRITE)",
        "request-update-needs-tenant-governance-administrator";
    RelationshipAdminRefusedOnWrites => "relationship-admin-refused-on-writes",
        "operations open to the Relationship Administrator (REL-WRITE) allow only the Tenant Governance Administrator",
        "request-update-needs-tenant-governance-administrator";
    AppOnlyCanWrite => "app-only-can-write",
        "app-only tokens are allowed on writes",
        "permissions-scopes-and-roles, app-only-reads";
    AppOnlyCannotRead => "app-only-cannot-read",
        "app-only tokens are refused on reads that list an application permission",
        "app-only-reads, permissions-scopes-and-roles";
    // Request lifecycle.
    GoverningCanAccept => "governing-can-accept",
        "the governing tenant may accept or reject its own request",
        "governing-cannot-accept-own-request";
    AcceptTwiceAllowed => "accept-twice-allowed",
        "accepting an already accepted request answers 200",
        "accept-twice";
    RejectAfterAcceptAllowed => "reject-after-accept-allowed",
        "an accepted request can still be rejected",
        "accept-twice";
    ExpiredRequestAcceptable => "expired-request-acceptable",
        "a request past its expirationDateTime can still be accepted",
        "request-expiry";
    RequestExpiry13Days => "request-expiry-13-days",
        "requests expire 13 days after requestDateTime instead of 14",
        "handshake-governed-terminates";
    DuplicateRequestAllowed => "duplicate-request-allowed",
        "a second pending request for the same pair is accepted",
        "request-conflicts";
    RequestWithoutInvitationAllowed => "request-without-invitation-allowed",
        "a request is accepted without an invitation or an active relationship (three-step handshake not enforced)",
        "request-needs-invitation";
    BindUnknownTemplateAccepted => "bind-unknown-template-accepted",
        "a request binding a template that does not exist is created with an empty snapshot",
        "bind-unknown-template";
    MissingBindUsesDefaultTemplate => "missing-bind-uses-default-template",
        "a request without governancePolicyTemplate@odata.bind is created from the default template",
        "bad-request-bodies";
    EmptyRequestPatchIgnored => "empty-request-patch-ignored",
        "a request PATCH without status answers 200 and changes nothing",
        "bad-request-bodies";
    SentinelStatusIgnored => "sentinel-status-ignored",
        "a request PATCH to the sentinel unknownFutureValue answers 200 and changes nothing",
        "request-status-values";
    PatchResponseShowsOldStatus => "patch-response-shows-old-status",
        "accepting a request answers 200 with the status it had before (pending), as the documented example's defect",
        "handshake-governed-terminates";
    RejectCreatesRelationship => "reject-creates-relationship",
        "rejecting a request still establishes the relationship",
        "request-rejected";
    RequestSnapshotNotFrozen => "request-snapshot-not-frozen",
        "a request shows the template's current content instead of the snapshot taken when it was sent",
        "policy-snapshot-matches-template";
    // Invitations.
    InvitationExpiry31Days => "invitation-expiry-31-days",
        "invitations expire 31 days after createdDateTime instead of 30",
        "invitations-crud, handshake-governed-terminates";
    ExpiredInvitationHonoured => "expired-invitation-honoured",
        "an expired invitation still authorises a request",
        "invitation-expiry";
    InvitationsIgnoreSetting => "invitations-ignore-setting",
        "invitations are accepted although the governing tenant's canReceiveInvitations is false",
        "invitation-refused-when-disabled";
    // Relationships.
    AcceptCreatesNoRelationship => "accept-creates-no-relationship",
        "accepting a request creates no relationship",
        "handshake-governed-terminates (and every scenario using the handshake fixture)";
    WrongCreatedType => "wrong-created-type",
        "relationships created by acceptance say createdType addOnTenant",
        "handshake-governed-terminates";
    PolicySnapshotNotCopied => "policy-snapshot-not-copied",
        "a relationship shows the template's current content instead of the snapshot taken at request time",
        "policy-snapshot-matches-template";
    GoverningCanTerminateDirectly => "governing-can-terminate-directly",
        "the governing tenant may set a relationship to terminated",
        "governing-cannot-terminate-directly";
    GovernedCanRequestTermination => "governed-can-request-termination",
        "the governed tenant may set terminationRequestedByGoverningTenant",
        "governing-cannot-terminate-directly";
    TerminatedNotFinal => "terminated-not-final",
        "a terminated relationship can change status again",
        "terminate-twice";
    TerminatedRelationshipsHidden => "terminated-relationships-hidden",
        "terminated relationships disappear from the relationship list",
        "terminate-twice";
    StatusPascalCase => "status-pascal-case",
        "relationship status is serialised in PascalCase (\"Active\"), as the documented example's defect",
        "handshake-governed-terminates (and every scenario using the handshake fixture)";
    // Isolation.
    ThirdTenantSeesRequests => "third-tenant-sees-requests",
        "a tenant that is not party to a request can GET it (200 instead of 404)",
        "isolation-hides-existence, third-tenant-isolation";
    OutsiderCanDecideRequests => "outsider-can-decide-requests",
        "a tenant that is not party to a request can accept or reject it",
        "third-tenant-isolation";
    NonPartyGets403 => "non-party-gets-403",
        "a tenant that is not party to an object gets 403 instead of 404, revealing that the id exists",
        "isolation-hides-existence";
    ListsIgnoreParty => "lists-ignore-party",
        "the request list shows every tenant's requests",
        "third-tenant-isolation";
    InvitationListsIgnoreParty => "invitation-lists-ignore-party",
        "the invitation list shows every tenant's invitations",
        "third-tenant-isolation";
    RelationshipListsIgnoreParty => "relationship-lists-ignore-party",
        "the relationship list shows every tenant's relationships",
        "third-tenant-isolation";
    RequestsListedForSenderOnly => "requests-listed-for-sender-only",
        "the request list shows a tenant only the requests it sent, not those it received",
        "requests-list-and-filter";
    InvitationsListedForSenderOnly => "invitations-listed-for-sender-only",
        "the invitation list shows a tenant only the invitations it sent, not those it received",
        "invitations-crud";
    UnknownIdIs400 => "unknown-id-is-400",
        "an unknown id is answered 400 instead of 404",
        "unknown-ids";
    // Templates.
    TemplateVersionNotBumped => "template-version-not-bumped",
        "updating a template keeps its version (as the documented examples' defect)",
        "policy-templates-crud, default-policy-template";
    DefaultTemplateDeletable => "default-template-deletable",
        "the default template can be deleted",
        "default-policy-template";
    InUseTemplateDeletable => "in-use-template-deletable",
        "a template used by an active relationship can be deleted",
        "template-in-use-cannot-be-deleted";
    TemplateDeleteNotApplied => "template-delete-not-applied",
        "deleting a template answers 204 but the template stays",
        "policy-templates-crud";
    TemplateRequiredPropertiesOptional => "template-required-properties-optional",
        "a template is created without displayName, description or its arrays",
        "policy-template-validation";
    // Bad input.
    UnknownEnumAccepted => "unknown-enum-accepted",
        "an unknown permissionType member is stored as sent",
        "policy-template-validation";
    EnumCaseInsensitive => "enum-case-insensitive",
        "enum members are matched ignoring case (\"Accepted\" is taken as accepted)",
        "bad-request-bodies";
    WrongTypeCoerced => "wrong-type-coerced",
        "a string \"yes\"/\"true\" is taken as a Boolean true",
        "bad-request-bodies";
    InvalidJson500 => "invalid-json-500",
        "a body that is not JSON is answered 500 instead of 400",
        "bad-request-bodies";
    // Settings and related tenants.
    ReadOnlyPropertyIgnored => "read-only-property-ignored",
        "a PATCH of the read-only isRelatedTenantsEnabled is silently ignored (200)",
        "read-only-setting-is-refused";
    ReadOnlyPropertyWritten => "read-only-property-written",
        "a PATCH of the read-only isRelatedTenantsEnabled changes it",
        "read-only-setting-is-not-writable, read-only-setting-is-refused";
    SettingsNotSaved => "settings-not-saved",
        "PATCH settings answers the new value but does not store it",
        "settings-round-trip";
    RelatedTenantsWorkBeforeEnable => "related-tenants-work-before-enable",
        "the related tenant APIs work before enableRelatedTenants",
        "related-tenants-before-enable";
    EnableRelatedTenantsNotIdempotent => "enable-related-tenants-not-idempotent",
        "calling enableRelatedTenants a second time is a 409",
        "related-tenants";
    RelatedTenantsReportedEnabled => "related-tenants-reported-enabled",
        "the settings say isRelatedTenantsEnabled true before enableRelatedTenants was called",
        "related-tenants-before-enable";
    EnableRelatedTenantsReturnsSettings => "enable-related-tenants-returns-settings",
        "enableRelatedTenants answers 200 with the settings instead of 204",
        "related-tenants";
    RefreshReturns202 => "refresh-returns-202",
        "relatedTenants/refresh answers 202 Accepted (a long-running operation) instead of 204",
        "related-tenants";
    // Status codes.
    PatchReturns204 => "patch-returns-204",
        "PATCH answers 204 without a body (Graph's usual convention, not this API's)",
        "settings-round-trip";
    CreateReturns200 => "create-returns-200",
        "POST that creates answers 200 instead of 201",
        "policy-templates-crud";
    DeleteReturns200 => "delete-returns-200",
        "DELETE answers 200 with the deleted entity instead of 204",
        "invitations-crud";
    DeleteUnknownIs204 => "delete-unknown-is-204",
        "DELETE of an id that does not exist answers 204 (an idempotent delete) instead of 404",
        "unknown-ids";
    // Envelope, headers and formats.
    MissingOdataContext => "missing-odata-context",
        "2xx JSON bodies carry no @odata.context",
        "graph-envelope";
    WrongOdataType => "wrong-odata-type",
        "@odata.type uses the microsoft.graph namespace instead of microsoft.graph.tenantGovernanceServices",
        "graph-envelope";
    NoRequestIdHeader => "no-request-id-header",
        "responses carry no request-id header",
        "graph-envelope";
    ClientRequestIdNotEchoed => "client-request-id-not-echoed",
        "the client-request-id header is not echoed (a new one is returned)",
        "graph-envelope";
    ErrorWithoutInnerError => "error-without-inner-error",
        "error bodies have no innerError (date, request-id, client-request-id)",
        "graph-envelope";
    ContentTypeTextPlain => "content-type-text-plain",
        "JSON bodies are labelled Content-Type text/plain",
        "graph-envelope (and every step that expects JSON)";
    DateWithoutZone => "date-without-zone",
        "entity timestamps are written without the Z zone designator",
        "invitations-crud, handshake-governed-terminates";
    WrongTenantName => "wrong-tenant-name",
        "governedTenantName shows the governing tenant's name",
        "handshake-governed-terminates";
    // Paging and query options.
    NextLinkMissing => "next-link-missing",
        "a page cut short by $top carries no @odata.nextLink",
        "templates-paging";
    TopIgnored => "top-ignored",
        "$top is ignored (pages have the default size)",
        "templates-paging";
    SkiptokenIgnored => "skiptoken-ignored",
        "$skiptoken is ignored, so following @odata.nextLink returns the first page again",
        "templates-paging";
    FilterIgnored => "filter-ignored",
        "$filter is accepted but not applied",
        "requests-list-and-filter";
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
    fn every_fault_has_a_description_and_a_killer() {
        for f in Fault::ALL {
            assert!(!f.description().trim().is_empty(), "{}", f.name());
            assert!(!f.killed_by().trim().is_empty(), "{}", f.name());
        }
    }

    #[test]
    fn every_named_killer_is_a_scenario_file() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
        for f in Fault::ALL {
            for part in f.killed_by().split(',') {
                let stem = part.split('(').next().unwrap_or("").trim();
                assert!(
                    dir.join(format!("{stem}.yaml")).is_file(),
                    "{}: no scenario `{stem}`",
                    f.name()
                );
            }
        }
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
