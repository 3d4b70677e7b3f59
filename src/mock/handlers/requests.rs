//! governanceRequest (#1–#4): the three-step handshake's last steps, acceptance and
//! the relationship it creates or updates.

use chrono::{DateTime, Duration, Utc};
use serde_json::{Map, Value, json};

use super::{App, Call, Reply, not_found, tenant_ids, visible};
use crate::contract::{self, enums};
use crate::mock::errors::GraphError;
use crate::mock::faults::{Fault, FaultSet};
use crate::mock::odata::Shape;
use crate::mock::store::{
    Relationship, RelationshipStatus, Request, RequestStatus, Shared, Snapshot, Store,
};
use crate::mock::validate as v;

/// Request lifetime and invitation lifetime with their faults applied.
fn request_lifetime(f: FaultSet) -> Duration {
    let days = if f.has(Fault::RequestExpiry13Days) {
        contract::REQUEST_LIFETIME_DAYS - 1
    } else {
        contract::REQUEST_LIFETIME_DAYS
    };
    Duration::days(days)
}

pub(super) const SHAPE: Shape = Shape {
    collection: "governanceRequests",
    properties: &[
        "id",
        "governingTenantId",
        "governingTenantName",
        "governedTenantId",
        "governedTenantName",
        "expirationDateTime",
        "requestDateTime",
        "status",
        "policySnapshot",
    ],
    filterable: &[
        "id",
        "status",
        "governingTenantId",
        "governingTenantName",
        "governedTenantId",
        "governedTenantName",
    ],
    ordered: &[],
    date_times: &["requestDateTime", "expirationDateTime"],
    orderable: &[
        "id",
        "status",
        "governingTenantId",
        "governingTenantName",
        "governedTenantId",
        "governedTenantName",
        "requestDateTime",
        "expirationDateTime",
    ],
    enums: &[("status", enums::REQUEST_STATUS)],
};

const REQUEST_READ_ONLY: &[&str] = &[
    "id",
    "governingTenantId",
    "governingTenantName",
    "governedTenantName",
    "requestDateTime",
    "expirationDateTime",
    "status",
    "policySnapshot",
];

impl App {
    pub(super) fn list_requests(
        &self,
        store: &Store,
        call: &Call<'_>,
    ) -> Result<Reply, GraphError> {
        let r = self.render(store);
        let items: Vec<Map<String, Value>> = if self.faults.has(Fault::ListsIgnoreParty) {
            let mut all: Vec<&Request> = store.requests.values().collect();
            all.sort_by(|a, b| a.requested.cmp(&b.requested).then(a.id.cmp(&b.id)));
            all.into_iter().map(|x| r.request(x)).collect()
        } else {
            let sent_only = self.faults.has(Fault::RequestsListedForSenderOnly);
            tenant_ids(store, call.tid, |t| &t.requests)
                .filter_map(|id| store.requests.get(id))
                .filter(|x| !sent_only || x.governing == call.tid)
                .map(|x| r.request(x))
                .collect()
        };
        Ok(self.collection(call, &SHAPE, items))
    }

    pub(super) fn create_request(
        &self,
        store: &mut Store,
        call: &Call<'_>,
    ) -> Result<Reply, GraphError> {
        const BIND: &str = "governancePolicyTemplate@odata.bind";
        let f = self.faults;
        let mut body = call.body(f)?;
        if f.has(Fault::BodyReadOnlyPropertiesIgnored) {
            body.retain(|k, _| !REQUEST_READ_ONLY.contains(&k.as_str()));
        }
        nested_template(&mut body, f)?;
        v::check_properties(
            &body,
            "governanceRequest",
            &["governedTenantId", BIND],
            REQUEST_READ_ONLY,
        )?;
        let governed = v::tenant_id(v::required(&body, "governedTenantId")?, "governedTenantId")?;
        let fallback = !body.contains_key(BIND) && f.has(Fault::MissingBindUsesDefaultTemplate);
        let template_id = if fallback {
            contract::DEFAULT_TEMPLATE_ID.to_string()
        } else {
            let bind = v::required_string(&body, BIND)?;
            v::template_bind(bind).ok_or_else(|| {
                GraphError::bad_request(format!(
                    "{BIND} '{bind}' is not the URL of a governance policy template \
                     (…/directory/tenantGovernance/governancePolicyTemplates/{{id}})."
                ))
            })?
        };
        let governing = call.tid.to_string();
        if governed == governing {
            return Err(GraphError::bad_request(
                "A tenant cannot request to govern itself.",
            ));
        }
        let snapshot = match store
            .tenants
            .get(&governing)
            .and_then(|t| t.template(&template_id))
        {
            // "Must be configured before you can use it": the system template grants
            // nothing until it names an application or a role assignment.
            Some(t) if t.id == contract::DEFAULT_TEMPLATE_ID && !t.is_configured() && !fallback => {
                return Err(GraphError::bad_request(format!(
                    "The default governance policy template is not configured; give it applications or role assignments (PATCH …/governancePolicyTemplates/{}) before binding it.",
                    contract::DEFAULT_TEMPLATE_ID
                )));
            }
            Some(t) => t.snapshot(),
            None if f.has(Fault::BindUnknownTemplateAccepted) => Snapshot {
                policy_id: template_id.clone(),
                apps: json!([]),
                assignments: json!([]),
            },
            None => {
                return Err(GraphError::bad_request(format!(
                    "The governance policy template '{template_id}' named by {BIND} does not exist in the calling tenant."
                )));
            }
        };
        // Multi-tier governance is not supported ("API calls fail", `REQ-CREATE-MULTI-TIER`).
        if store.has_live_relationship_as(&governing, false) {
            return Err(GraphError::bad_request(
                "The calling tenant is governed by another tenant and cannot govern tenants itself (multi-tier governance is not supported).",
            ));
        }
        if store.has_live_relationship_as(&governed, true) {
            return Err(GraphError::bad_request(format!(
                "Tenant '{governed}' governs other tenants and cannot be governed (multi-tier governance is not supported)."
            )));
        }
        let now = store.now_for(&[&governing, &governed]);
        // Three-step handshake (`REQ-CREATE-NEEDS-INVITATION`): without an active relationship of the
        // pair, the governed tenant must have invited the governing tenant.
        let two_step = store.live_relationship(&governing, &governed).is_some()
            && !f.has(Fault::RelationshipDoesNotAuthorise);
        let invited = store.live_invitation(
            &governed,
            &governing,
            now,
            f.has(Fault::ExpiredInvitationHonoured),
        );
        if !two_step && !invited && !f.has(Fault::RequestWithoutInvitationAllowed) {
            return Err(GraphError::forbidden(format!(
                "Tenant '{governed}' has no valid governance invitation to this tenant and the tenants have no active governance relationship; the governed tenant must send an invitation first."
            )));
        }
        if store.pending_request(&governing, &governed, now)
            && !f.has(Fault::DuplicateRequestAllowed)
        {
            return Err(GraphError::conflict(format!(
                "A pending governance request from this tenant to tenant '{governed}' already exists."
            )));
        }
        // The fault writes local time (UTC+2) as if it were UTC.
        let stamp = if f.has(Fault::RequestTimestampsLocal) {
            now + Duration::hours(2)
        } else {
            now
        };
        let request = Request {
            id: uuid::Uuid::new_v4().to_string(),
            governing,
            governed,
            requested: stamp,
            expires: stamp + request_lifetime(f),
            status: RequestStatus::Pending,
            snapshot,
        };
        let id = request.id.clone();
        let m = self.render(store).request(&request);
        store.insert_request(request);
        Ok(self.created(call, "governanceRequests", &id, m))
    }

    pub(super) fn get_request(&self, store: &Store, call: &Call<'_>) -> Result<Reply, GraphError> {
        let outsider = self.faults.has(Fault::ThirdTenantSeesRequests);
        let r = visible(
            store.requests.get(call.id),
            "governance request",
            call,
            self.faults,
            outsider,
        )?;
        Ok(self.entity_of(
            call.base,
            "governanceRequests",
            self.render(store).request(r),
        ))
    }

    pub(super) fn update_request(
        &self,
        store: &mut Store,
        call: &Call<'_>,
    ) -> Result<Reply, GraphError> {
        let f = self.faults;
        let mut body = call.body(f)?;
        if f.has(Fault::BodyReadOnlyPropertiesIgnored) {
            body.retain(|k, _| k == "status" || !REQUEST_READ_ONLY.contains(&k.as_str()));
        }
        v::check_properties(
            &body,
            "governanceRequest",
            &["status"],
            &without(REQUEST_READ_ONLY, "status"),
        )?;
        let unchanged = |store: &Store| -> Result<Reply, GraphError> {
            let r = visible(
                store.requests.get(call.id),
                "governance request",
                call,
                f,
                false,
            )?;
            Ok(self.updated(call, "governanceRequests", self.render(store).request(r)))
        };
        if !body.contains_key("status") && f.has(Fault::EmptyRequestPatchIgnored) {
            return unchanged(store);
        }
        let target = v::enum_member(
            v::required(&body, "status")?,
            "status",
            "requestStatus",
            enums::REQUEST_STATUS,
            f,
        )?;
        let target = match target {
            "accepted" => RequestStatus::Accepted,
            "rejected" => RequestStatus::Rejected,
            "unknownFutureValue" if f.has(Fault::SentinelStatusIgnored) => return unchanged(store),
            other => {
                return Err(GraphError::bad_request(format!(
                    "status cannot be set to '{other}'; a request is decided with 'accepted' or 'rejected'."
                )));
            }
        };
        let outsider = f.has(Fault::OutsiderCanDecideRequests);
        let r = visible(
            store.requests.get(call.id),
            "governance request",
            call,
            f,
            outsider,
        )?;
        let may_decide = r.governed == call.tid
            || f.has(Fault::GoverningCanAccept)
            // A sender that may withdraw its request by rejecting it.
            || (f.has(Fault::GoverningCanReject)
                && r.governing == call.tid
                && target == RequestStatus::Rejected)
            || (outsider && !r.is_party(call.tid));
        if !may_decide {
            return Err(GraphError::forbidden(
                "Only the governed tenant can accept or reject a governance request.",
            ));
        }
        let now = store.now_for(&[&r.governing, &r.governed]);
        match (r.status, target) {
            (RequestStatus::Pending, _) => {}
            (RequestStatus::Accepted, RequestStatus::Accepted)
                if f.has(Fault::AcceptTwiceAllowed) =>
            {
                return Ok(self.updated(call, "governanceRequests", self.render(store).request(r)));
            }
            (RequestStatus::Accepted, RequestStatus::Rejected)
                if f.has(Fault::RejectAfterAcceptAllowed) => {}
            (current, _) => {
                return Err(GraphError::conflict(format!(
                    "The governance request is already {}; only a pending request can be accepted or rejected.",
                    current.as_str()
                )));
            }
        }
        if r.status == RequestStatus::Pending
            && now >= r.expires
            && !f.has(Fault::ExpiredRequestAcceptable)
        {
            // No instant in the message: the entity's expirationDateTime says when.
            return Err(GraphError::conflict(
                "The governance request has expired; the governing tenant must send a new one.",
            ));
        }
        let (governing, governed, snapshot) =
            (r.governing.clone(), r.governed.clone(), r.snapshot.clone());
        let before = f
            .has(Fault::PatchResponseShowsOldStatus)
            .then(|| self.render(store).request(r));
        let created = if f.has(Fault::RelationshipCreatedAtRequestTime) {
            r.requested
        } else {
            now
        };
        if let Some(r) = store.requests.get_mut(call.id) {
            r.status = target;
            if f.has(Fault::DecisionMovesRequestTime) {
                r.requested = now;
            }
            if f.has(Fault::DecisionExtendsExpiry) {
                r.expires = now + request_lifetime(f);
            }
        }
        let establishes =
            target == RequestStatus::Accepted || f.has(Fault::RejectCreatesRelationship);
        if establishes && !f.has(Fault::AcceptCreatesNoRelationship) {
            self.establish(store, &governing, &governed, snapshot, created);
        }
        if let Some(before) = before {
            return Ok(self.updated(call, "governanceRequests", before));
        }
        let m = match store.requests.get(call.id) {
            Some(r) => self.render(store).request(r),
            None => return Err(not_found("governance request", call.id, f)),
        };
        Ok(self.updated(call, "governanceRequests", m))
    }

    /// Acceptance: a live relationship of the pair gets the new snapshot (updated in
    /// place, `REQ-ACCEPT-UPDATES-EXISTING`); otherwise exactly one new relationship appears.
    pub(super) fn establish(
        &self,
        store: &mut Store,
        governing: &str,
        governed: &str,
        snapshot: Snapshot,
        now: DateTime<Utc>,
    ) {
        let existing = store
            .live_relationship(governing, governed)
            .filter(|_| !self.faults.has(Fault::AcceptCreatesSecondRelationship))
            .map(|r| r.id.clone());
        if let Some(id) = existing {
            if let Some(r) = store.relationships.get_mut(&id) {
                r.snapshot = snapshot;
            }
            return;
        }
        let created_type = if self.faults.has(Fault::WrongCreatedType) {
            "addOnTenant"
        } else {
            "approvedByAdmin"
        };
        store.insert_relationship(Relationship {
            id: uuid::Uuid::new_v4().to_string(),
            governing: governing.to_string(),
            governed: governed.to_string(),
            status: RelationshipStatus::Active,
            created_type,
            created: now,
            snapshot,
        });
    }
}

/// `governancePolicyTemplate` written as a nested object (`{"id": …}`), as a generated
/// SDK offers the navigation. In OData a nested entity in a create is a deep insert (a
/// new template), not a reference, and the docs document only the bind: 400 naming the
/// bind (`REQ-CREATE-NESTED-TEMPLATE`). The fault `nested-template-taken-as-bind` takes
/// the nested id as the bind instead.
fn nested_template(body: &mut Map<String, Value>, f: FaultSet) -> Result<(), GraphError> {
    const NAV: &str = "governancePolicyTemplate";
    let Some(nested) = body.get(NAV) else {
        return Ok(());
    };
    let id = nested.get("id").and_then(Value::as_str).map(str::to_string);
    match id {
        Some(id) if f.has(Fault::NestedTemplateTakenAsBind) => {
            body.remove(NAV);
            body.entry(format!("{NAV}@odata.bind")).or_insert_with(|| {
                Value::String(format!(
                    "directory/tenantGovernance/governancePolicyTemplates/{}",
                    crate::mock::odata::percent_encode(&id)
                ))
            });
            Ok(())
        }
        _ => Err(GraphError::bad_request(format!(
            "'{NAV}' is a navigation property and cannot be written as a nested object; bind the template with \
             \"{NAV}@odata.bind\": \"https://graph.microsoft.com/beta/directory/tenantGovernance/governancePolicyTemplates/{{id}}\"."
        ))),
    }
}

fn without(list: &[&'static str], drop: &str) -> Vec<&'static str> {
    list.iter().copied().filter(|k| *k != drop).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_request_lifetime_follows_the_contract_unless_faulted() {
        assert_eq!(request_lifetime(FaultSet::default()).num_days(), 14);
        assert_eq!(
            request_lifetime(FaultSet::new(&[Fault::RequestExpiry13Days])).num_days(),
            13
        );
    }
}
