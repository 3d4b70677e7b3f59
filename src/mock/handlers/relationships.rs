//! governanceRelationship (#9–#11): listed by both parties, changed only by the
//! termination rules.

use serde_json::Value;

use super::{App, Call, Reply, not_found, tenant_ids, visible};
use crate::contract::enums;
use crate::mock::errors::GraphError;
use crate::mock::faults::Fault;
use crate::mock::odata::Shape;
use crate::mock::store::{Relationship, RelationshipStatus, Store};
use crate::mock::validate as v;

pub(super) const SHAPE: Shape = Shape {
    collection: "governanceRelationships",
    properties: &[
        "id",
        "status",
        "createdType",
        "creationDateTime",
        "governingTenantId",
        "governedTenantId",
        "governingTenantName",
        "governedTenantName",
        "policySnapshot",
    ],
    filterable: &[
        "id",
        "status",
        "createdType",
        "governingTenantId",
        "governingTenantName",
        "governedTenantId",
        "governedTenantName",
    ],
    ordered: &[],
    date_times: &["creationDateTime"],
    orderable: &[
        "id",
        "status",
        "createdType",
        "creationDateTime",
        "governingTenantId",
        "governingTenantName",
        "governedTenantId",
        "governedTenantName",
    ],
    enums: &[
        ("status", enums::RELATIONSHIP_STATUS),
        ("createdType", enums::RELATIONSHIP_CREATION_TYPE),
    ],
};

const RELATIONSHIP_READ_ONLY: &[&str] = &[
    "id",
    "createdType",
    "creationDateTime",
    "governingTenantId",
    "governedTenantId",
    "governingTenantName",
    "governedTenantName",
    "policySnapshot",
];

impl App {
    pub(super) fn list_relationships(
        &self,
        store: &Store,
        call: &Call<'_>,
    ) -> Result<Reply, GraphError> {
        let r = self.render(store);
        let hide_terminated = self.faults.has(Fault::TerminatedRelationshipsHidden);
        let found: Vec<&Relationship> = if self.faults.has(Fault::RelationshipListsIgnoreParty) {
            let mut all: Vec<&Relationship> = store.relationships.values().collect();
            all.sort_by(|a, b| a.created.cmp(&b.created).then(a.id.cmp(&b.id)));
            all
        } else {
            tenant_ids(store, call.tid, |t| &t.relationships)
                .filter_map(|id| store.relationships.get(id))
                .collect()
        };
        let items = found
            .into_iter()
            .filter(|x| !(hide_terminated && x.status == RelationshipStatus::Terminated))
            .filter(|x| {
                !(self.faults.has(Fault::RelationshipsListedForGovernedOnly)
                    && x.governing == call.tid)
            })
            .map(|x| r.relationship(x))
            .collect();
        Ok(self.collection(call, &SHAPE, items))
    }

    pub(super) fn get_relationship(
        &self,
        store: &Store,
        call: &Call<'_>,
    ) -> Result<Reply, GraphError> {
        let r = visible(
            store.relationships.get(call.id),
            "governance relationship",
            call,
            self.faults,
            false,
        )?;
        Ok(self.entity_of(
            call.base,
            "governanceRelationships",
            self.render(store).relationship(r),
        ))
    }

    pub(super) fn update_relationship(
        &self,
        store: &mut Store,
        call: &Call<'_>,
    ) -> Result<Reply, GraphError> {
        use RelationshipStatus::*;
        let f = self.faults;
        let mut body = call.body(f)?;
        if f.has(Fault::BodyReadOnlyPropertiesIgnored) {
            body.retain(|k, _| !RELATIONSHIP_READ_ONLY.contains(&k.as_str()));
        }
        v::check_properties(
            &body,
            "governanceRelationship",
            &["status"],
            RELATIONSHIP_READ_ONLY,
        )?;
        let ignored = match body.get("status") {
            None => f.has(Fault::EmptyRelationshipPatchIgnored),
            Some(Value::String(s)) => {
                f.has(Fault::UnknownRelationshipStatusIgnored)
                    && !enums::RELATIONSHIP_STATUS.contains(&s.as_str())
            }
            Some(_) => false,
        };
        if ignored {
            return self.get_relationship(store, call);
        }
        let target = v::enum_member(
            v::required(&body, "status")?,
            "status",
            "relationshipStatus",
            enums::RELATIONSHIP_STATUS,
            f,
        )?;
        let target = match target {
            "active" => Active,
            "terminated" => Terminated,
            "terminationRequestedByGoverningTenant" => TerminationRequested,
            _ if f.has(Fault::RelationshipSentinelIgnored) => {
                return self.get_relationship(store, call);
            }
            other => {
                return Err(GraphError::bad_request(format!(
                    "status cannot be set to '{other}'."
                )));
            }
        };
        let r = visible(
            store.relationships.get(call.id),
            "governance relationship",
            call,
            f,
            false,
        )?;
        let governing_caller = r.governing == call.tid;
        if r.status == Terminated && !f.has(Fault::TerminatedNotFinal) {
            return Err(GraphError::conflict(
                "The governance relationship is terminated; a terminated relationship cannot change.",
            ));
        }
        // Only the faults let a client set `active` (re-activate or cancel).
        let active_settable = (f.has(Fault::TerminatedNotFinal) && r.status == Terminated)
            || (f.has(Fault::TerminationRequestCancellable) && r.status == TerminationRequested);
        match (governing_caller, target) {
            (_, Active) if !active_settable => {
                return Err(GraphError::bad_request(
                    "status cannot be set to 'active'; a relationship becomes active only by accepting a request (cancelling a termination request is not supported).",
                ));
            }
            (true, Terminated) if !f.has(Fault::GoverningCanTerminateDirectly) => {
                return Err(GraphError::forbidden(
                    "The governing tenant cannot terminate a relationship; set terminationRequestedByGoverningTenant and the governed tenant confirms.",
                ));
            }
            (false, TerminationRequested) if !f.has(Fault::GovernedCanRequestTermination) => {
                return Err(GraphError::forbidden(
                    "Only the governing tenant can request termination; the governed tenant terminates directly with status 'terminated'.",
                ));
            }
            _ => {}
        }
        if r.status == target && !f.has(Fault::TerminatedNotFinal) {
            return Err(GraphError::conflict(format!(
                "The governance relationship is already {}.",
                target.as_str()
            )));
        }
        let now = match store.relationships.get(call.id) {
            Some(r) => store.now_for(&[&r.governing, &r.governed]),
            None => store.now_for(&[call.tid]),
        };
        if let Some(r) = store.relationships.get_mut(call.id) {
            r.status = target;
            if f.has(Fault::TerminationMovesCreationTime) {
                r.created = now;
            }
        }
        let m = match store.relationships.get(call.id) {
            Some(r) => self.render(store).relationship(r),
            None => return Err(not_found("governance relationship", call.id, f)),
        };
        Ok(self.updated(call, "governanceRelationships", m))
    }
}
