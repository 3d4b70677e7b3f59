//! governanceInvitation (#5–#8): sent by the future governed tenant to a tenant that
//! accepts invitations.

use chrono::Duration;

use super::{App, Call, Reply, not_found, tenant_ids, visible};
use crate::contract;
use crate::mock::errors::GraphError;
use crate::mock::faults::{Fault, FaultSet};
use crate::mock::odata::Shape;
use crate::mock::store::{Invitation, Store};
use crate::mock::validate as v;

fn invitation_lifetime(f: FaultSet) -> Duration {
    let days = if f.has(Fault::InvitationExpiry31Days) {
        contract::INVITATION_LIFETIME_DAYS + 1
    } else {
        contract::INVITATION_LIFETIME_DAYS
    };
    Duration::days(days)
}

pub(super) const SHAPE: Shape = Shape {
    collection: "governanceInvitations",
    properties: &[
        "id",
        "governingTenantId",
        "governedTenantId",
        "governingTenantName",
        "governedTenantName",
        "createdDateTime",
        "expirationDateTime",
    ],
    filterable: &[
        "id",
        "governingTenantId",
        "governingTenantName",
        "governedTenantId",
        "governedTenantName",
    ],
    ordered: &[],
    date_times: &["createdDateTime", "expirationDateTime"],
    orderable: &[
        "id",
        "governingTenantId",
        "governingTenantName",
        "governedTenantId",
        "governedTenantName",
        "createdDateTime",
        "expirationDateTime",
    ],
    enums: &[],
};

const INVITATION_READ_ONLY: &[&str] = &[
    "id",
    "governedTenantId",
    "governingTenantName",
    "governedTenantName",
    "createdDateTime",
    "expirationDateTime",
];

impl App {
    pub(super) fn list_invitations(
        &self,
        store: &Store,
        call: &Call<'_>,
    ) -> Result<Reply, GraphError> {
        let f = self.faults;
        let r = self.render(store);
        let found: Vec<&Invitation> = if f.has(Fault::InvitationListsIgnoreParty) {
            let mut all: Vec<&Invitation> = store.invitations.values().collect();
            all.sort_by(|a, b| a.created.cmp(&b.created).then(a.id.cmp(&b.id)));
            all
        } else {
            tenant_ids(store, call.tid, |t| &t.invitations)
                .filter_map(|id| store.invitations.get(id))
                .collect()
        };
        let sent_only = f.has(Fault::InvitationsListedForSenderOnly);
        let items = found
            .into_iter()
            .filter(|x| !sent_only || x.governed == call.tid)
            .map(|x| r.invitation(x))
            .collect();
        Ok(self.collection(call, &SHAPE, items))
    }

    pub(super) fn create_invitation(
        &self,
        store: &mut Store,
        call: &Call<'_>,
    ) -> Result<Reply, GraphError> {
        let f = self.faults;
        let mut body = call.body(f)?;
        if f.has(Fault::BodyReadOnlyPropertiesIgnored) {
            body.retain(|k, _| !INVITATION_READ_ONLY.contains(&k.as_str()));
        }
        v::check_properties(
            &body,
            "governanceInvitation",
            &["governingTenantId"],
            INVITATION_READ_ONLY,
        )?;
        let governing = v::tenant_id(
            v::required(&body, "governingTenantId")?,
            "governingTenantId",
        )?;
        let governed = call.tid.to_string();
        if governing == governed && !f.has(Fault::InvitationToSelfAllowed) {
            return Err(GraphError::bad_request("A tenant cannot invite itself."));
        }
        // The mock knows the tenants that have called it (and add-on tenants); any other
        // id names no tenant it could deliver the invitation to.
        let Some(target) = store.tenants.get(&governing) else {
            if f.has(Fault::UnknownInvitationTarget403) {
                return Err(GraphError::forbidden(format!(
                    "Tenant '{governing}' does not accept governance invitations."
                )));
            }
            return Err(GraphError::not_found(format!(
                "Tenant '{governing}' named by governingTenantId does not exist."
            )));
        };
        if !target.can_receive_invitations && !f.has(Fault::InvitationsIgnoreSetting) {
            return Err(GraphError::forbidden(format!(
                "Tenant '{governing}' does not accept governance invitations (its canReceiveInvitations setting is off)."
            )));
        }
        let now = store.now_for(&[&governing, &governed]);
        if store.live_invitation(&governed, &governing, now, false)
            && !f.has(Fault::DuplicateInvitationAllowed)
        {
            return Err(GraphError::conflict(format!(
                "A governance invitation from this tenant to tenant '{governing}' is already valid; delete it first or wait until it expires."
            )));
        }
        let inv = Invitation {
            id: uuid::Uuid::new_v4().to_string(),
            governing,
            governed,
            created: now,
            expires: now + invitation_lifetime(f),
        };
        let id = inv.id.clone();
        store.insert_invitation(inv);
        let m = match store.invitations.get(&id) {
            Some(i) => self.render(store).invitation(i),
            None => return Err(not_found("governance invitation", &id, f)),
        };
        Ok(self.created(call, "governanceInvitations", &id, m))
    }

    pub(super) fn get_invitation(
        &self,
        store: &Store,
        call: &Call<'_>,
    ) -> Result<Reply, GraphError> {
        let i = visible(
            store.invitations.get(call.id),
            "governance invitation",
            call,
            self.faults,
            false,
        )?;
        Ok(self.entity_of(
            call.base,
            "governanceInvitations",
            self.render(store).invitation(i),
        ))
    }

    pub(super) fn delete_invitation(
        &self,
        store: &mut Store,
        call: &Call<'_>,
    ) -> Result<Reply, GraphError> {
        if self.faults.has(Fault::DeleteUnknownIs204) && !store.invitations.contains_key(call.id) {
            return Ok(Reply::no_content());
        }
        let i = visible(
            store.invitations.get(call.id),
            "governance invitation",
            call,
            self.faults,
            false,
        )?;
        if i.governed != call.tid {
            return Err(GraphError::forbidden(
                "Only the tenant that sent the invitation (the governed tenant) can delete it.",
            ));
        }
        let m = self.render(store).invitation(i);
        store.remove_invitation(call.id);
        Ok(self.deleted(call, "governanceInvitations", m))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_invitation_lifetime_follows_the_contract_unless_faulted() {
        assert_eq!(invitation_lifetime(FaultSet::default()).num_days(), 30);
        assert_eq!(
            invitation_lifetime(FaultSet::new(&[Fault::InvitationExpiry31Days])).num_days(),
            31
        );
    }
}
