//! The mock's state: tenants (with their settings, templates and clock offset) and the
//! objects two tenants share (requests, invitations, relationships), plus rendering
//! of each entity as the documented JSON.
//!
//! Shared objects live once in a map by id; each tenant keeps the ids it is party to,
//! in creation order, so a list costs what the tenant owns, not what the mock holds.
//! Tenant names are looked up when rendering, so a later `tenant_name` claim shows
//! everywhere.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use serde_json::{Map, Value, json};

use super::clock;
use super::decisions::{Decision, DecisionSet};
use super::faults::{Fault, FaultSet};
use crate::contract;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RequestStatus {
    Pending,
    Accepted,
    Rejected,
}

impl RequestStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RequestStatus::Pending => "pending",
            RequestStatus::Accepted => "accepted",
            RequestStatus::Rejected => "rejected",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RelationshipStatus {
    Active,
    TerminationRequested,
    Terminated,
}

impl RelationshipStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RelationshipStatus::Active => "active",
            RelationshipStatus::TerminationRequested => "terminationRequestedByGoverningTenant",
            RelationshipStatus::Terminated => "terminated",
        }
    }

    /// Not terminated: the relationship still grants access and holds its template.
    pub fn is_live(self) -> bool {
        self != RelationshipStatus::Terminated
    }
}

/// The frozen copy of a template carried by a request and a relationship
/// (`relationshipPolicy`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Snapshot {
    pub policy_id: String,
    /// `multiTenantApplicationsToProvisionSnapshot[]`: the template's shape.
    pub apps: Value,
    /// `delegatedAdministrationRoleAssignmentSnapshot[]`: `groupId` + `roleTemplates`.
    pub assignments: Value,
}

#[derive(Debug, Clone)]
pub(crate) struct Template {
    pub id: String,
    pub display_name: String,
    pub description: String,
    pub created: DateTime<Utc>,
    pub modified: DateTime<Utc>,
    /// Rendered as `"{version}.0"`: "1.0" on create (as documented), "2.0" after one update.
    pub version: u32,
    /// Normalised `multiTenantApplicationsToProvision[]`.
    pub apps: Value,
    /// Normalised `delegatedAdministrationRoleAssignment[]` with inline `group: {id}`.
    pub assignments: Value,
}

impl Template {
    /// Whether the template grants anything: at least one application or role
    /// assignment. The system template `default` starts empty and "must be configured
    /// before you can use it".
    pub fn is_configured(&self) -> bool {
        let some = |v: &Value| v.as_array().is_some_and(|a| !a.is_empty());
        some(&self.apps) || some(&self.assignments)
    }

    /// The snapshot a request takes of this template: applications as they are, role
    /// assignments in the documented snapshot shape (`groupId` instead of `group`).
    pub fn snapshot(&self) -> Snapshot {
        let assignments = self
            .assignments
            .as_array()
            .map(|items| {
                items
                    .iter()
                    .map(|a| {
                        let mut m = Map::new();
                        if let Some(id) = a.pointer("/group/id") {
                            m.insert("groupId".into(), id.clone());
                        }
                        // Captured at snapshot time, as documented.
                        if let Some(name) = a.get("groupDisplayName") {
                            m.insert("groupDisplayName".into(), name.clone());
                        }
                        m.insert(
                            "roleTemplates".into(),
                            a.get("roleTemplates").cloned().unwrap_or(json!([])),
                        );
                        Value::Object(m)
                    })
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default();
        Snapshot {
            policy_id: self.id.clone(),
            apps: self.apps.clone(),
            assignments: Value::Array(assignments),
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Request {
    pub id: String,
    pub governing: String,
    pub governed: String,
    pub requested: DateTime<Utc>,
    pub expires: DateTime<Utc>,
    pub status: RequestStatus,
    pub snapshot: Snapshot,
}

#[derive(Debug, Clone)]
pub(crate) struct Invitation {
    pub id: String,
    pub governing: String,
    pub governed: String,
    pub created: DateTime<Utc>,
    pub expires: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub(crate) struct Relationship {
    pub id: String,
    pub governing: String,
    pub governed: String,
    pub status: RelationshipStatus,
    pub created_type: &'static str,
    pub created: DateTime<Utc>,
    pub snapshot: Snapshot,
}

/// Something two tenants share.
pub(crate) trait Shared {
    fn governing(&self) -> &str;
    fn governed(&self) -> &str;
    fn is_party(&self, tid: &str) -> bool {
        self.governing() == tid || self.governed() == tid
    }
}

macro_rules! shared {
    ($($t:ty),*) => {$(
        impl Shared for $t {
            fn governing(&self) -> &str { &self.governing }
            fn governed(&self) -> &str { &self.governed }
        }
    )*};
}
shared!(Request, Invitation, Relationship);

#[derive(Debug, Clone)]
pub(crate) struct Tenant {
    pub name: String,
    /// This tenant's clock offset (moved by `/_mock/clock` with its token).
    pub offset: Duration,
    pub can_receive_invitations: bool,
    /// When `enableRelatedTenants` was first called.
    pub related_enabled: Option<DateTime<Utc>>,
    pub last_refresh: Option<DateTime<Utc>>,
    /// `default` first, then in creation order.
    pub templates: Vec<Template>,
    pub requests: Vec<String>,
    pub invitations: Vec<String>,
    pub relationships: Vec<String>,
}

impl Tenant {
    pub fn template(&self, id: &str) -> Option<&Template> {
        self.templates.iter().find(|t| t.id == id)
    }

    pub fn template_mut(&mut self, id: &str) -> Option<&mut Template> {
        self.templates.iter_mut().find(|t| t.id == id)
    }
}

/// `relationshipCreationType` of relationships made by secure tenant creation.
pub(crate) const ADD_ON_TENANT: &str = "addOnTenant";

/// The display name the mock gives a group: it has no directory of groups to read one
/// from, so "Group" and the start of the id, as for tenants nobody named.
pub(crate) fn group_display_name(group_id: &str) -> String {
    format!("Group {}", group_id.chars().take(8).collect::<String>())
}

/// Display name of a tenant nobody named: "Tenant" and the start of its id.
pub(crate) fn default_tenant_name(tid: &str) -> String {
    format!("Tenant {}", tid.chars().take(8).collect::<String>())
}

#[derive(Debug, Default)]
pub(crate) struct Store {
    pub tenants: HashMap<String, Tenant>,
    pub requests: HashMap<String, Request>,
    pub invitations: HashMap<String, Invitation>,
    pub relationships: HashMap<String, Relationship>,
    /// Offset moved by token-less `/_mock/clock` calls: applies to everyone.
    pub global_offset: Duration,
}

impl Store {
    /// "Now" for an object the given tenants share: real time plus the global offset
    /// plus the largest offset among them (the later clock wins, so a tenant that
    /// moved its clock sees its objects expire).
    pub fn now_for(&self, tids: &[&str]) -> DateTime<Utc> {
        let tenant = tids
            .iter()
            .filter_map(|t| self.tenants.get(*t).map(|t| t.offset))
            .max()
            .unwrap_or_else(Duration::zero);
        clock::real_now() + self.global_offset + tenant
    }

    /// Whether the tenant exists and already carries this name (no `touch` needed).
    pub fn is_current(&self, tid: &str, name: Option<&str>) -> bool {
        let name = name
            .map(str::trim)
            .filter(|n| !n.is_empty() && n.len() <= 256);
        self.tenants
            .get(tid)
            .is_some_and(|t| name.is_none_or(|n| t.name == n))
    }

    /// Make sure a tenant exists (tenants come into being on first use) and, when the
    /// caller's token names it, keep its display name current.
    pub fn touch(&mut self, tid: &str, name: Option<&str>) {
        let name = name
            .map(str::trim)
            .filter(|n| !n.is_empty() && n.len() <= 256);
        if let Some(t) = self.tenants.get_mut(tid) {
            if let Some(n) = name
                && t.name != n
            {
                t.name = n.to_string();
            }
            return;
        }
        let now = self.now_for(&[]);
        let tenant = Tenant {
            name: name
                .map(str::to_string)
                .unwrap_or_else(|| default_tenant_name(tid)),
            offset: Duration::zero(),
            can_receive_invitations: false,
            related_enabled: None,
            last_refresh: None,
            templates: vec![default_template(now), sample_template(now)],
            requests: Vec::new(),
            invitations: Vec::new(),
            relationships: Vec::new(),
        };
        self.tenants.insert(tid.to_string(), tenant);
    }

    pub fn name_of(&self, tid: &str) -> String {
        self.tenants
            .get(tid)
            .map(|t| t.name.clone())
            .unwrap_or_else(|| default_tenant_name(tid))
    }

    pub fn insert_request(&mut self, r: Request) {
        for tid in [r.governing.clone(), r.governed.clone()] {
            self.touch(&tid, None);
            if let Some(t) = self.tenants.get_mut(&tid) {
                t.requests.push(r.id.clone());
            }
        }
        self.requests.insert(r.id.clone(), r);
    }

    pub fn insert_invitation(&mut self, i: Invitation) {
        for tid in [i.governing.clone(), i.governed.clone()] {
            self.touch(&tid, None);
            if let Some(t) = self.tenants.get_mut(&tid) {
                t.invitations.push(i.id.clone());
            }
        }
        self.invitations.insert(i.id.clone(), i);
    }

    pub fn remove_invitation(&mut self, id: &str) -> Option<Invitation> {
        let inv = self.invitations.remove(id)?;
        for tid in [&inv.governing, &inv.governed] {
            if let Some(t) = self.tenants.get_mut(tid.as_str()) {
                t.invitations.retain(|i| i != id);
            }
        }
        Some(inv)
    }

    pub fn insert_relationship(&mut self, r: Relationship) {
        for tid in [r.governing.clone(), r.governed.clone()] {
            self.touch(&tid, None);
            if let Some(t) = self.tenants.get_mut(&tid) {
                t.relationships.push(r.id.clone());
            }
        }
        self.relationships.insert(r.id.clone(), r);
    }

    /// The live (not terminated) relationship of a governing/governed pair.
    pub fn live_relationship(&self, governing: &str, governed: &str) -> Option<&Relationship> {
        self.tenants
            .get(governing)?
            .relationships
            .iter()
            .filter_map(|id| self.relationships.get(id))
            .find(|r| r.governing == governing && r.governed == governed && r.status.is_live())
    }

    /// Whether `tid` is governed by anyone, or governs anyone, through a live relationship.
    /// Governing its own add-on tenants does not count: a governed tenant may create them
    /// (the documented exception to "no multi-tier governance").
    pub fn has_live_relationship_as(&self, tid: &str, governing_side: bool) -> bool {
        self.tenants.get(tid).is_some_and(|t| {
            t.relationships
                .iter()
                .filter_map(|id| self.relationships.get(id))
                .any(|r| {
                    r.status.is_live()
                        && if governing_side {
                            r.governing == tid && r.created_type != ADD_ON_TENANT
                        } else {
                            r.governed == tid
                        }
                })
        })
    }

    /// Whether `tid` is an add-on tenant that a live relationship still governs.
    pub fn is_live_add_on(&self, tid: &str) -> bool {
        self.tenants.get(tid).is_some_and(|t| {
            t.relationships
                .iter()
                .filter_map(|id| self.relationships.get(id))
                .any(|r| r.governed == tid && r.created_type == ADD_ON_TENANT && r.status.is_live())
        })
    }

    /// An invitation from `governed` to `governing` that has not expired at `now`
    /// (`any_age` also counts expired ones: the fault `expired-invitation-honoured`).
    pub fn live_invitation(
        &self,
        governed: &str,
        governing: &str,
        now: DateTime<Utc>,
        any_age: bool,
    ) -> bool {
        self.tenants.get(governed).is_some_and(|t| {
            t.invitations
                .iter()
                .filter_map(|id| self.invitations.get(id))
                .any(|i| {
                    i.governed == governed
                        && i.governing == governing
                        && (any_age || now < i.expires)
                })
        })
    }

    /// A pending request of the pair that has not expired at `now`.
    pub fn pending_request(&self, governing: &str, governed: &str, now: DateTime<Utc>) -> bool {
        self.tenants.get(governing).is_some_and(|t| {
            t.requests
                .iter()
                .filter_map(|id| self.requests.get(id))
                .any(|r| {
                    r.governing == governing
                        && r.governed == governed
                        && r.status == RequestStatus::Pending
                        && now < r.expires
                })
        })
    }

    /// Whether a live relationship of `owner` was created from template `id`.
    pub fn template_in_use(&self, owner: &str, id: &str) -> bool {
        self.tenants.get(owner).is_some_and(|t| {
            t.relationships
                .iter()
                .filter_map(|rid| self.relationships.get(rid))
                .any(|r| r.governing == owner && r.status.is_live() && r.snapshot.policy_id == id)
        })
    }

    /// Tenants `tid` shares a request, invitation or relationship with, and when the
    /// first such object appeared: the mock's stand-in for related-tenant discovery.
    pub fn related_tenants(&self, tid: &str) -> Vec<(String, DateTime<Utc>)> {
        let Some(t) = self.tenants.get(tid) else {
            return Vec::new();
        };
        let mut found: Vec<(String, DateTime<Utc>)> = Vec::new();
        let mut note = |other: &str, at: DateTime<Utc>| {
            if other == tid {
                return;
            }
            match found.iter_mut().find(|(id, _)| id == other) {
                Some((_, first)) if at < *first => *first = at,
                Some(_) => {}
                None => found.push((other.to_string(), at)),
            }
        };
        for r in t.requests.iter().filter_map(|id| self.requests.get(id)) {
            note(other_party(r, tid), r.requested);
        }
        for i in t
            .invitations
            .iter()
            .filter_map(|id| self.invitations.get(id))
        {
            note(other_party(i, tid), i.created);
        }
        for r in t
            .relationships
            .iter()
            .filter_map(|id| self.relationships.get(id))
        {
            note(other_party(r, tid), r.created);
        }
        found.sort_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
        found
    }
}

fn other_party<'a, T: Shared>(x: &'a T, tid: &str) -> &'a str {
    if x.governing() == tid {
        x.governed()
    } else {
        x.governing()
    }
}

/// The system template every tenant has (`TPL-DEFAULT-GET`, example
/// `governancePolicyTemplate-get-default-response.json`).
fn default_template(now: DateTime<Utc>) -> Template {
    Template {
        id: contract::DEFAULT_TEMPLATE_ID.to_string(),
        display_name: "Default Policy Template".into(),
        description: "The system-provided default governance policy template".into(),
        created: now,
        modified: now,
        version: 1,
        apps: json!([]),
        assignments: json!([]),
    }
}

/// A configured template every new tenant starts with (the documented create example),
/// so the suite's `policy-template` fixture finds one as it would in a real tenant
/// that has been set up.
fn sample_template(now: DateTime<Utc>) -> Template {
    Template {
        id: uuid::Uuid::new_v4().to_string(),
        display_name: "Monitor Entra resource configurations".into(),
        description: "Grants Global reader and provisions a custom multi-tenant application to monitor conditional access policies".into(),
        created: now,
        modified: now,
        version: 1,
        apps: json!([{
            "appId": "66667777-aaaa-8888-bbbb-9999cccc0000",
            "objectId": "cccccccc-2222-3333-4444-dddddddddddd",
            "displayName": "Mega Monitor",
            "requiredResourceAccesses": [{
                "resourceAppId": "00000003-0000-0000-c000-000000000000",
                "permissions": [
                    {"id": "633e0fce-8c58-4cfb-9495-12bbd5a24f7c", "name": "Policy.Read.ConditionalAccess", "type": "scope"},
                    {"id": "e1fe6dd8-ba31-4d61-89e7-88639da4683d", "name": "User.Read", "type": "scope"}
                ]
            }]
        }]),
        assignments: json!([{
            "groupDisplayName": group_display_name("ffffffff-5555-6666-7777-aaaaaaaaaaaa"),
            "roleTemplates": [{"id": "f2ef992c-3afb-46b9-b7cf-a126ee74c451", "name": "Global Reader"}],
            "group": {"id": "ffffffff-5555-6666-7777-aaaaaaaaaaaa"}
        }]),
    }
}

/// Rendering: each entity as the documented JSON object (without `@odata.context`,
/// which depends on how it is returned).
pub(crate) struct Render<'a> {
    pub store: &'a Store,
    pub faults: FaultSet,
    pub decisions: DecisionSet,
}

impl Render<'_> {
    pub fn odata_type(&self, type_name: &str) -> Value {
        if self.faults.has(Fault::WrongOdataType) {
            Value::String(format!("#microsoft.graph.{type_name}"))
        } else {
            Value::String(contract::odata_type(type_name))
        }
    }

    pub fn time(&self, t: DateTime<Utc>) -> Value {
        if self.faults.has(Fault::DateInLocalTime) {
            // The same instant, written as a server in UTC+1 would.
            let local = clock::format_time(t + chrono::Duration::hours(1), false);
            return Value::String(format!("{local}+01:00"));
        }
        let s = clock::format_time(t, !self.faults.has(Fault::DateWithoutZone));
        match s.strip_suffix('Z') {
            Some(local) if self.decisions.has(Decision::TimestampsPlusZeroOffset) => {
                Value::String(format!("{local}+00:00"))
            }
            _ => Value::String(s),
        }
    }

    /// `(governingTenantName, governedTenantName)`.
    fn names(&self, governing: &str, governed: &str) -> (Value, Value) {
        let governing_name = self.store.name_of(governing);
        let governed_name = if self.faults.has(Fault::WrongTenantName) {
            governing_name.clone()
        } else {
            self.store.name_of(governed)
        };
        (Value::String(governing_name), Value::String(governed_name))
    }

    fn snapshot(&self, s: &Snapshot) -> Value {
        json!({
            "policyId": s.policy_id,
            "governedTenantCanTerminate": true,
            "multiTenantApplicationsToProvision": s.apps,
            "delegatedAdministrationRoleAssignments": s.assignments,
        })
    }

    /// With `fault` on, the template as it is now instead of the frozen snapshot.
    fn live_snapshot(&self, fault: Fault, governing: &str, frozen: &Snapshot) -> Option<Snapshot> {
        if !self.faults.has(fault) {
            return None;
        }
        self.store
            .tenants
            .get(governing)
            .and_then(|t| t.template(&frozen.policy_id))
            .map(Template::snapshot)
    }

    pub fn request(&self, r: &Request) -> Map<String, Value> {
        let (gn, dn) = self.names(&r.governing, &r.governed);
        let live = self.live_snapshot(Fault::RequestSnapshotNotFrozen, &r.governing, &r.snapshot);
        let mut m = Map::with_capacity(11);
        m.insert("@odata.type".into(), self.odata_type("governanceRequest"));
        m.insert("id".into(), Value::String(r.id.clone()));
        m.insert(
            "governingTenantId".into(),
            Value::String(r.governing.clone()),
        );
        m.insert("governingTenantName".into(), gn);
        m.insert("governedTenantId".into(), Value::String(r.governed.clone()));
        m.insert("governedTenantName".into(), dn);
        m.insert("expirationDateTime".into(), self.time(r.expires));
        m.insert("requestDateTime".into(), self.time(r.requested));
        m.insert("status".into(), Value::from(r.status.as_str()));
        m.insert(
            "policySnapshot".into(),
            self.snapshot(live.as_ref().unwrap_or(&r.snapshot)),
        );
        m
    }

    pub fn invitation(&self, i: &Invitation) -> Map<String, Value> {
        let (gn, dn) = self.names(&i.governing, &i.governed);
        let mut m = Map::new();
        m.insert(
            "@odata.type".into(),
            self.odata_type("governanceInvitation"),
        );
        m.insert("id".into(), Value::String(i.id.clone()));
        m.insert(
            "governingTenantId".into(),
            Value::String(i.governing.clone()),
        );
        m.insert("governedTenantId".into(), Value::String(i.governed.clone()));
        m.insert("governingTenantName".into(), gn);
        m.insert("governedTenantName".into(), dn);
        m.insert("createdDateTime".into(), self.time(i.created));
        m.insert("expirationDateTime".into(), self.time(i.expires));
        m
    }

    pub fn relationship(&self, r: &Relationship) -> Map<String, Value> {
        let (gn, dn) = self.names(&r.governing, &r.governed);
        let status = if self.faults.has(Fault::StatusPascalCase) {
            pascal(r.status.as_str())
        } else {
            r.status.as_str().to_string()
        };
        let live = self.live_snapshot(Fault::PolicySnapshotNotCopied, &r.governing, &r.snapshot);
        let mut m = Map::new();
        m.insert(
            "@odata.type".into(),
            self.odata_type("governanceRelationship"),
        );
        m.insert("id".into(), Value::String(r.id.clone()));
        m.insert("status".into(), Value::String(status));
        m.insert("createdType".into(), Value::from(r.created_type));
        m.insert("creationDateTime".into(), self.time(r.created));
        m.insert(
            "governingTenantId".into(),
            Value::String(r.governing.clone()),
        );
        m.insert("governedTenantId".into(), Value::String(r.governed.clone()));
        m.insert("governingTenantName".into(), gn);
        m.insert("governedTenantName".into(), dn);
        m.insert(
            "policySnapshot".into(),
            self.snapshot(live.as_ref().unwrap_or(&r.snapshot)),
        );
        m
    }

    pub fn template(&self, t: &Template) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert(
            "@odata.type".into(),
            self.odata_type("governancePolicyTemplate"),
        );
        m.insert("id".into(), Value::String(t.id.clone()));
        m.insert("displayName".into(), Value::String(t.display_name.clone()));
        m.insert("description".into(), Value::String(t.description.clone()));
        m.insert("createdDateTime".into(), self.time(t.created));
        m.insert("lastModifiedDateTime".into(), self.time(t.modified));
        let version = if self.faults.has(Fault::TemplateVersionMinorBump) {
            format!("1.{}", t.version.saturating_sub(1))
        } else {
            format!("{}.0", t.version)
        };
        m.insert("version".into(), Value::String(version));
        m.insert("multiTenantApplicationsToProvision".into(), t.apps.clone());
        let mut assignments = t.assignments.clone();
        let no_name = self.faults.has(Fault::GroupDisplayNameNotFilled);
        let no_group = self.decisions.has(Decision::OmitRoleAssignmentGroup);
        if (no_name || no_group)
            && let Some(items) = assignments.as_array_mut()
        {
            for m in items.iter_mut().filter_map(Value::as_object_mut) {
                if no_name {
                    m.remove("groupDisplayName");
                }
                if no_group {
                    m.remove("group");
                }
            }
        }
        m.insert("delegatedAdministrationRoleAssignments".into(), assignments);
        m
    }

    pub fn settings(&self, can_receive: bool, related_enabled: bool) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert(
            "@odata.type".into(),
            self.odata_type("tenantGovernanceSetting"),
        );
        m.insert(
            "isRelatedTenantsEnabled".into(),
            Value::Bool(related_enabled),
        );
        m.insert("canReceiveInvitations".into(), Value::Bool(can_receive));
        m
    }

    /// A related tenant: the mock has no B2B, application or billing signals, so every
    /// metric navigation is `null` (as documented for absent signals).
    pub fn related_tenant(&self, id: &str, first: DateTime<Utc>) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert("@odata.type".into(), self.odata_type("relatedTenant"));
        let id = if self.faults.has(Fault::RelatedTenantIdsAreObjectIds) {
            object_id_of(id)
        } else {
            id.to_string()
        };
        m.insert("id".into(), Value::String(id));
        m.insert("createdDateTime".into(), self.time(first));
        if self.faults.has(Fault::RelatedTenantMetricsNotExpanded) {
            return m;
        }
        for nav in [
            "b2BRegistrationMetrics",
            "b2BSignInActivityMetrics",
            "appB2BSignInActivityMetrics",
            "multiTenantApplicationMetrics",
            "billingMetrics",
        ] {
            m.insert(nav.into(), Value::Null);
        }
        m
    }
}

/// A stable id that is not the tenant id (the fault `related-tenant-ids-are-object-ids`).
fn object_id_of(tid: &str) -> String {
    match uuid::Uuid::parse_str(tid) {
        Ok(u) => uuid::Uuid::from_u128(!u.as_u128()).to_string(),
        Err(_) => format!("{tid}-object"),
    }
}

fn pascal(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store_with(tids: &[&str]) -> Store {
        let mut s = Store::default();
        for t in tids {
            s.touch(t, Some(&format!("Name {t}")));
        }
        s
    }

    #[test]
    fn a_new_tenant_has_the_default_and_a_sample_template() {
        let s = store_with(&["a"]);
        let t = s
            .tenants
            .get("a")
            .map(|t| t.templates.clone())
            .unwrap_or_default();
        assert_eq!(t.len(), 2);
        assert_eq!(t[0].id, "default");
        assert_ne!(t[1].id, "default");
    }

    #[test]
    fn names_come_from_the_latest_claim_or_a_default() {
        let mut s = store_with(&["a"]);
        assert_eq!(s.name_of("a"), "Name a");
        s.touch("a", Some("Renamed"));
        assert_eq!(s.name_of("a"), "Renamed");
        s.touch("a", None);
        assert_eq!(s.name_of("a"), "Renamed");
        assert_eq!(s.name_of("0123456789"), "Tenant 01234567");
    }

    #[test]
    fn the_later_clock_of_two_tenants_wins() {
        let mut s = store_with(&["a", "b"]);
        if let Some(t) = s.tenants.get_mut("a") {
            t.offset = Duration::days(15);
        }
        let both = s.now_for(&["a", "b"]);
        let only_b = s.now_for(&["b"]);
        assert!(both - only_b >= Duration::days(15) - Duration::seconds(5));
    }

    #[test]
    fn snapshot_uses_group_id_and_keeps_role_templates() {
        let t = sample_template(clock::real_now());
        let s = t.snapshot();
        assert_eq!(s.policy_id, t.id);
        assert_eq!(s.apps, t.apps);
        assert_eq!(
            s.assignments[0]["groupId"],
            "ffffffff-5555-6666-7777-aaaaaaaaaaaa"
        );
        assert_eq!(
            s.assignments[0]["roleTemplates"],
            t.assignments[0]["roleTemplates"]
        );
        assert!(s.assignments[0].get("group").is_none());
        assert_eq!(s.assignments[0]["groupDisplayName"], "Group ffffffff");
    }

    #[test]
    fn relationship_status_renders_camel_case_unless_faulted() {
        let s = store_with(&["a", "b"]);
        let r = Relationship {
            id: "r".into(),
            governing: "a".into(),
            governed: "b".into(),
            status: RelationshipStatus::Active,
            created_type: "approvedByAdmin",
            created: clock::real_now(),
            snapshot: Snapshot {
                policy_id: "p".into(),
                apps: json!([]),
                assignments: json!([]),
            },
        };
        let ok = Render {
            store: &s,
            faults: FaultSet::default(),
            decisions: DecisionSet::default(),
        }
        .relationship(&r);
        assert_eq!(ok["status"], "active");
        assert_eq!(ok["governedTenantName"], "Name b");
        let bad = Render {
            store: &s,
            faults: FaultSet::new(&[Fault::StatusPascalCase]),
            decisions: DecisionSet::default(),
        }
        .relationship(&r);
        assert_eq!(bad["status"], "Active");
    }
}
