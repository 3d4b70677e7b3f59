//! governancePolicyTemplate (#12–#16): the governing tenant's own templates, `default`
//! among them.

use chrono::Duration;
use serde_json::{Value, json};

use super::{App, Call, Reply, not_found};
use crate::contract;
use crate::mock::decisions::Decision;
use crate::mock::errors::GraphError;
use crate::mock::faults::{Fault, FaultSet};
use crate::mock::odata::Shape;
use crate::mock::store::{Store, Template};
use crate::mock::validate as v;

pub(super) const SHAPE: Shape = Shape {
    collection: "governancePolicyTemplates",
    properties: &[
        "id",
        "displayName",
        "description",
        "createdDateTime",
        "lastModifiedDateTime",
        "version",
        "multiTenantApplicationsToProvision",
        "delegatedAdministrationRoleAssignments",
    ],
    filterable: &["id", "displayName", "description", "version"],
    ordered: &["version"],
    date_times: &["createdDateTime", "lastModifiedDateTime"],
    orderable: &[
        "id",
        "displayName",
        "description",
        "createdDateTime",
        "lastModifiedDateTime",
        "version",
    ],
    enums: &[],
};

const TEMPLATE_WRITABLE: &[&str] = &[
    "displayName",
    "description",
    "multiTenantApplicationsToProvision",
    "delegatedAdministrationRoleAssignments",
    "governedTenantCanTerminate",
];
const TEMPLATE_READ_ONLY: &[&str] = &["id", "createdDateTime", "lastModifiedDateTime", "version"];

impl App {
    pub(super) fn list_templates(
        &self,
        store: &Store,
        call: &Call<'_>,
    ) -> Result<Reply, GraphError> {
        let r = self.render(store);
        let items = store
            .tenants
            .get(call.tid)
            .map(|t| t.templates.iter().map(|x| r.template(x)).collect())
            .unwrap_or_default();
        Ok(self.collection(call, &SHAPE, items))
    }

    pub(super) fn create_template(
        &self,
        store: &mut Store,
        call: &Call<'_>,
    ) -> Result<Reply, GraphError> {
        let f = self.faults;
        let mut body = call.body(f)?;
        if f.has(Fault::BodyReadOnlyPropertiesIgnored) {
            body.retain(|k, _| !TEMPLATE_READ_ONLY.contains(&k.as_str()));
        }
        v::check_properties(
            &body,
            "governancePolicyTemplate",
            TEMPLATE_WRITABLE,
            TEMPLATE_READ_ONLY,
        )?;
        let lax = f.has(Fault::TemplateRequiredPropertiesOptional);
        let field = |key: &str| -> Result<Option<&Value>, GraphError> {
            match body.get(key).filter(|v| !v.is_null()) {
                Some(v) => Ok(Some(v)),
                None if lax => Ok(None),
                None => v::required(&body, key).map(Some),
            }
        };
        let display_name = match field("displayName")? {
            Some(x) => display_name(x)?,
            None => String::new(),
        };
        let description = match field("description")? {
            Some(x) => v::string(x, "description")?.to_string(),
            None => String::new(),
        };
        let apps = match field("multiTenantApplicationsToProvision")? {
            Some(x) => v::applications(x, f)?,
            None => json!([]),
        };
        let assignments = match field("delegatedAdministrationRoleAssignments")? {
            Some(x) => role_assignments(x, f)?,
            None => json!([]),
        };
        let empty = |x: &Value| x.as_array().is_some_and(|a| a.is_empty());
        if self.decisions.has(Decision::RefuseEmptyTemplate) && empty(&apps) && empty(&assignments)
        {
            return Err(GraphError::bad_request(
                "A governance policy template needs at least one application or role assignment.",
            ));
        }
        // Documented as "Not implemented": type-checked, then ignored.
        if let Some(x) = body
            .get("governedTenantCanTerminate")
            .filter(|v| !v.is_null())
        {
            v::boolean(x, "governedTenantCanTerminate", f)?;
        }
        let now = store.now_for(&[call.tid]);
        let t = Template {
            id: uuid::Uuid::new_v4().to_string(),
            display_name,
            description,
            created: now,
            modified: now,
            version: 1,
            apps,
            assignments,
        };
        let id = t.id.clone();
        let m = self.render(store).template(&t);
        if let Some(tenant) = store.tenants.get_mut(call.tid) {
            tenant.templates.push(t);
        }
        Ok(self.created(call, "governancePolicyTemplates", &id, m))
    }

    pub(super) fn get_template(&self, store: &Store, call: &Call<'_>) -> Result<Reply, GraphError> {
        let t = store
            .tenants
            .get(call.tid)
            .and_then(|t| t.template(call.id))
            .ok_or_else(|| not_found("governance policy template", call.id, self.faults))?;
        Ok(self.entity_of(
            call.base,
            "governancePolicyTemplates",
            self.render(store).template(t),
        ))
    }

    pub(super) fn update_template(
        &self,
        store: &mut Store,
        call: &Call<'_>,
    ) -> Result<Reply, GraphError> {
        let f = self.faults;
        let mut body = call.body(f)?;
        if f.has(Fault::BodyReadOnlyPropertiesIgnored) {
            body.retain(|k, _| !TEMPLATE_READ_ONLY.contains(&k.as_str()));
        }
        v::check_properties(
            &body,
            "governancePolicyTemplate",
            TEMPLATE_WRITABLE,
            TEMPLATE_READ_ONLY,
        )?;
        if !body.keys().any(|k| TEMPLATE_WRITABLE.contains(&k.as_str())) {
            return Err(GraphError::bad_request(format!(
                "The request body names no property to update; updatable: {}.",
                TEMPLATE_WRITABLE.join(", ")
            )));
        }
        let present = |key: &str| -> Result<Option<&Value>, GraphError> {
            match body.get(key) {
                None => Ok(None),
                Some(Value::Null) => Err(GraphError::bad_request(format!(
                    "The property '{key}' cannot be null."
                ))),
                Some(x) => Ok(Some(x)),
            }
        };
        let display = present("displayName")?.map(display_name).transpose()?;
        let description = present("description")?
            .map(|x| v::string(x, "description").map(str::to_string))
            .transpose()?;
        let apps = present("multiTenantApplicationsToProvision")?
            .map(|x| v::applications(x, f))
            .transpose()?;
        let assignments = present("delegatedAdministrationRoleAssignments")?
            .map(|x| role_assignments(x, f))
            .transpose()?;
        if let Some(x) = present("governedTenantCanTerminate")? {
            v::boolean(x, "governedTenantCanTerminate", f)?;
        }
        let now = store.now_for(&[call.tid]);
        let tenant = store.tenants.get_mut(call.tid);
        let Some(t) = tenant.and_then(|t| t.template_mut(call.id)) else {
            return Err(not_found("governance policy template", call.id, f));
        };
        if let Some(x) = display {
            t.display_name = x;
        }
        if let Some(x) = description {
            t.description = x;
        }
        if let Some(x) = apps {
            t.apps = x;
        }
        if let Some(x) = assignments {
            t.assignments = x;
        }
        if !f.has(Fault::TemplateVersionNotBumped) {
            t.version = t.version.saturating_add(1);
        }
        // lastModifiedDateTime always moves forward, even within one clock tick.
        t.modified = if f.has(Fault::TemplateLastModifiedTicks) {
            t.modified + Duration::nanoseconds(100)
        } else {
            now.max(t.modified + Duration::nanoseconds(100))
        };
        if f.has(Fault::TemplatePatchResetsCreated) {
            t.created = t.modified;
        }
        let t = t.clone();
        Ok(self.updated(
            call,
            "governancePolicyTemplates",
            self.render(store).template(&t),
        ))
    }

    pub(super) fn delete_template(
        &self,
        store: &mut Store,
        call: &Call<'_>,
    ) -> Result<Reply, GraphError> {
        let f = self.faults;
        let found = store
            .tenants
            .get(call.tid)
            .and_then(|t| t.template(call.id));
        if found.is_none() && f.has(Fault::DeleteUnknownIs204) {
            return Ok(Reply::no_content());
        }
        let t = found.ok_or_else(|| not_found("governance policy template", call.id, f))?;
        if t.id == contract::DEFAULT_TEMPLATE_ID && !f.has(Fault::DefaultTemplateDeletable) {
            return Err(GraphError::bad_request(
                "The default governance policy template cannot be deleted.",
            ));
        }
        if store.template_in_use(call.tid, call.id) && !f.has(Fault::InUseTemplateDeletable) {
            return Err(GraphError::conflict(format!(
                "The governance policy template '{}' is used by an active governance relationship and cannot be deleted.",
                call.id
            )));
        }
        let m = self.render(store).template(t);
        if !f.has(Fault::TemplateDeleteNotApplied)
            && let Some(tenant) = store.tenants.get_mut(call.tid)
        {
            tenant.templates.retain(|t| t.id != call.id);
        }
        Ok(self.deleted(call, "governancePolicyTemplates", m))
    }
}

pub(super) fn display_name(x: &Value) -> Result<String, GraphError> {
    let s = v::string(x, "displayName")?;
    if s.trim().is_empty() {
        return Err(GraphError::bad_request("displayName cannot be empty."));
    }
    if s.chars().count() > 256 {
        return Err(GraphError::bad_request(
            "displayName can have at most 256 characters.",
        ));
    }
    Ok(s.to_string())
}

/// The role assignments of a body; with the fault `group-display-name-from-client`, a
/// `groupDisplayName` the client sent replaces the one the service fills in.
fn role_assignments(x: &Value, f: FaultSet) -> Result<Value, GraphError> {
    if !f.has(Fault::GroupDisplayNameFromClient) {
        return v::role_assignments(x, f);
    }
    let mut stripped = x.clone();
    let sent: Vec<Option<Value>> = stripped
        .as_array_mut()
        .map(|items| {
            items
                .iter_mut()
                .map(|a| a.as_object_mut().and_then(|m| m.remove("groupDisplayName")))
                .collect()
        })
        .unwrap_or_default();
    let mut out = v::role_assignments(&stripped, f)?;
    if let Some(items) = out.as_array_mut() {
        for (a, name) in items.iter_mut().zip(sent) {
            if let (Some(m), Some(n)) = (a.as_object_mut(), name) {
                m.insert("groupDisplayName".into(), n);
            }
        }
    }
    Ok(out)
}
