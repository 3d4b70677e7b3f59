//! relatedTenant (#20–#23): discovery, gated by `enableRelatedTenants`.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use super::{App, Call, Reply, not_found};
use crate::contract;
use crate::mock::errors::GraphError;
use crate::mock::faults::Fault;
use crate::mock::store::Store;

impl App {
    /// "won't run successfully" before enableRelatedTenants (`RT-BEFORE-ENABLE-REFUSED`): 403.
    pub(super) fn related_enabled(
        &self,
        store: &Store,
        tid: &str,
    ) -> Result<DateTime<Utc>, GraphError> {
        let enabled = store.tenants.get(tid).and_then(|t| t.related_enabled);
        match enabled {
            Some(at) => Ok(at),
            None if self.faults.has(Fault::RelatedTenantsWorkBeforeEnable) => {
                Ok(store.now_for(&[tid]))
            }
            None => Err(GraphError::forbidden(
                "Related tenants are not enabled for this tenant; call POST /directory/tenantGovernance/settings/enableRelatedTenants first.",
            )),
        }
    }

    pub(super) fn list_related_tenants(
        &self,
        store: &Store,
        call: &Call<'_>,
    ) -> Result<Reply, GraphError> {
        self.related_enabled(store, call.tid)?;
        let r = self.render(store);
        let value: Vec<Value> = store
            .related_tenants(call.tid)
            .into_iter()
            .map(|(id, first)| Value::Object(r.related_tenant(&id, first)))
            .collect();
        let mut m = Map::new();
        m.insert("value".into(), Value::Array(value));
        Ok(self.entity(
            200,
            call.base,
            "directory/tenantGovernance/relatedTenants",
            m,
        ))
    }

    pub(super) fn get_related_tenant(
        &self,
        store: &Store,
        call: &Call<'_>,
    ) -> Result<Reply, GraphError> {
        if !self.faults.has(Fault::RelatedTenantByIdAndRefreshUngated) {
            self.related_enabled(store, call.tid)?;
        }
        let wanted = call.id.to_ascii_lowercase();
        let found = store
            .related_tenants(call.tid)
            .into_iter()
            .find(|(id, _)| *id == wanted);
        let (id, first) = match found {
            Some(x) => x,
            None if self.faults.has(Fault::UnrelatedTenantReadable) => {
                (wanted, store.now_for(&[call.tid]))
            }
            None => return Err(not_found("related tenant", call.id, self.faults)),
        };
        Ok(self.entity_of(
            call.base,
            "relatedTenants",
            self.render(store).related_tenant(&id, first),
        ))
    }

    pub(super) fn refresh_related_tenants(
        &self,
        store: &mut Store,
        call: &Call<'_>,
    ) -> Result<Reply, GraphError> {
        if !self.faults.has(Fault::RelatedTenantByIdAndRefreshUngated) {
            self.related_enabled(store, call.tid)?;
        }
        let now = store.now_for(&[call.tid]);
        if let Some(t) = store.tenants.get_mut(call.tid) {
            t.last_refresh = Some(now);
        }
        if self.faults.has(Fault::RefreshReturns202) {
            return Ok(Reply {
                status: 202,
                body: None,
                location: None,
            });
        }
        Ok(Reply::no_content())
    }

    pub(super) fn related_tenants_refresh_status(
        &self,
        store: &Store,
        call: &Call<'_>,
    ) -> Result<Reply, GraphError> {
        let enabled = self.related_enabled(store, call.tid)?;
        let last = store.tenants.get(call.tid).and_then(|t| t.last_refresh);
        let r = self.render(store);
        let mut m = Map::new();
        m.insert(
            "@odata.type".into(),
            r.odata_type("relatedTenantsRefreshStatus"),
        );
        // A free string in the docs; written like the other timestamps.
        m.insert(
            "mostRecentRefreshTime".into(),
            r.time(last.unwrap_or(enabled)),
        );
        // The mock's refresh completes at once; the documented example says "Completed".
        m.insert(
            "mostRecentRefreshRequestStatus".into(),
            Value::from("Completed"),
        );
        // The aggregation made when enabling counts as the first refresh.
        m.insert("isFirstRefresh".into(), Value::Bool(last.is_none()));
        Ok(self.entity(
            200,
            call.base,
            &format!("{}.relatedTenantsRefreshStatus", contract::NAMESPACE),
            m,
        ))
    }
}
