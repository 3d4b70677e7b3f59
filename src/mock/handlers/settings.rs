//! tenantGovernanceSetting (#17–#19): the singleton `/settings` and the
//! `enableRelatedTenants` action.

use crate::mock::errors::GraphError;
use crate::mock::faults::Fault;
use crate::mock::store::Store;
use crate::mock::validate as v;

use super::{App, Call, Reply, not_found};

const SETTINGS_CONTEXT: &str = "directory/tenantGovernance/settings/$entity";

impl App {
    pub(super) fn get_settings(&self, store: &Store, call: &Call<'_>) -> Result<Reply, GraphError> {
        let (can, rel) = settings_of(store, call.tid);
        let rel = rel || self.faults.has(Fault::RelatedTenantsReportedEnabled);
        let m = self.render(store).settings(can, rel);
        Ok(self.entity(200, call.base, SETTINGS_CONTEXT, m))
    }

    pub(super) fn update_settings(
        &self,
        store: &mut Store,
        call: &Call<'_>,
    ) -> Result<Reply, GraphError> {
        const CAN: &str = "canReceiveInvitations";
        const REL: &str = "isRelatedTenantsEnabled";
        let f = self.faults;
        let body = call.body(f)?;
        let tolerate_read_only =
            f.has(Fault::ReadOnlyPropertyIgnored) || f.has(Fault::ReadOnlyPropertyWritten);
        let mut to_check = body.clone();
        let read_only_value = if tolerate_read_only {
            to_check.remove(REL)
        } else {
            None
        };
        v::check_properties(&to_check, "tenantGovernanceSetting", &[CAN], &[REL])?;
        let can = match body.get(CAN) {
            None if read_only_value.is_some() || f.has(Fault::EmptySettingsPatchIgnored) => None,
            _ => Some(v::boolean(v::required(&body, CAN)?, CAN, f)?),
        };
        let related = match read_only_value {
            Some(x) if f.has(Fault::ReadOnlyPropertyWritten) => Some(v::boolean(&x, REL, f)?),
            _ => None,
        };
        let (old_can, old_rel) = settings_of(store, call.tid);
        let new_can = can.unwrap_or(old_can);
        let new_rel = related.unwrap_or(old_rel);
        if !f.has(Fault::SettingsNotSaved) {
            let now = store.now_for(&[call.tid]);
            if let Some(t) = store.tenants.get_mut(call.tid) {
                t.can_receive_invitations = new_can;
                match (new_rel, t.related_enabled) {
                    (true, None) => t.related_enabled = Some(now),
                    (false, Some(_)) => t.related_enabled = None,
                    _ => {}
                }
            }
        }
        let m = self.render(store).settings(new_can, new_rel);
        if f.has(Fault::PatchReturns204) {
            return Ok(Reply::no_content());
        }
        Ok(self.entity(200, call.base, SETTINGS_CONTEXT, m))
    }

    pub(super) fn enable_related_tenants(
        &self,
        store: &mut Store,
        call: &Call<'_>,
    ) -> Result<Reply, GraphError> {
        let now = store.now_for(&[call.tid]);
        let Some(t) = store.tenants.get_mut(call.tid) else {
            return Err(not_found("tenant", call.tid, self.faults));
        };
        match t.related_enabled {
            Some(_) if self.faults.has(Fault::EnableRelatedTenantsNotIdempotent) => {
                return Err(GraphError::conflict("Related tenants are already enabled."));
            }
            // Idempotent: a second call changes nothing (`SET-ENABLE-TWICE`).
            Some(_) => {}
            None => t.related_enabled = Some(now),
        }
        if self.faults.has(Fault::EnableRelatedTenantsReturnsSettings) {
            let (can, rel) = settings_of(store, call.tid);
            let m = self.render(store).settings(can, rel);
            return Ok(self.entity(200, call.base, SETTINGS_CONTEXT, m));
        }
        Ok(Reply::no_content())
    }
}

fn settings_of(store: &Store, tid: &str) -> (bool, bool) {
    store
        .tenants
        .get(tid)
        .map(|t| (t.can_receive_invitations, t.related_enabled.is_some()))
        .unwrap_or((false, false))
}
