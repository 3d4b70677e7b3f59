//! Control endpoints outside the Graph paths (`/_mock/health`, `/_mock/clock`,
//! `/_mock/addOnTenant`).

use chrono::Duration;
use serde_json::{Value, json};

use super::{App, Incoming, Reply, templates::display_name};
use crate::contract;
use crate::mock::auth;
use crate::mock::clock;
use crate::mock::errors::GraphError;
use crate::mock::faults::FaultSet;
use crate::mock::store::{self, Relationship, RelationshipStatus, Store};
use crate::mock::validate as v;

/// The largest clock offset the control endpoint accepts: far enough for any expiry
/// test, near enough that date arithmetic never leaves chrono's range.
const MAX_OFFSET_DAYS: i64 = 36_500;

impl App {
    pub(super) fn control(&self, rest: &str, inc: &Incoming<'_>) -> Result<Reply, GraphError> {
        let ok = |body: Value| Reply {
            status: 200,
            body: Some(body),
            location: None,
        };
        match rest.trim_end_matches('/') {
            "health" => match inc.method {
                "GET" | "HEAD" => Ok(ok(json!({"status": "ok", "control": self.control}))),
                m => Err(GraphError::method_not_allowed(m, "GET".into())),
            },
            "clock" if self.control => match inc.method {
                "GET" => {
                    let tid = self.control_caller(inc)?;
                    let mut store = self.lock();
                    if let Some(t) = &tid {
                        store.touch(t, None);
                    }
                    Ok(ok(clock_answer(&store, tid.as_deref())))
                }
                "POST" => self.move_clock(inc).map(ok),
                m => Err(GraphError::method_not_allowed(m, "GET, POST".into())),
            },
            "addOnTenant" if self.control => match inc.method {
                "POST" => self.create_add_on_tenant(inc),
                m => Err(GraphError::method_not_allowed(m, "POST".into())),
            },
            "clock" | "addOnTenant" => Err(GraphError::not_found(
                "Control endpoints are off; they are on for the embedded mock and for `tgconform serve --control`.",
            )),
            other => Err(GraphError::not_found(format!(
                "No control endpoint '/_mock/{other}'; there are /_mock/health, /_mock/clock and /_mock/addOnTenant."
            ))),
        }
    }

    /// Secure tenant creation, which happens outside this API: the caller's tenant
    /// creates an add-on tenant and, if its `default` template is configured, governs it
    /// through an `addOnTenant` relationship (`REL-ADDON-CREATED`, `REL-ADDON-NEEDS-CONFIGURED-DEFAULT`: "if the default
    /// template is not configured, add-on tenant creation establishes no relationship").
    pub(super) fn create_add_on_tenant(&self, inc: &Incoming<'_>) -> Result<Reply, GraphError> {
        if !inc.headers.contains_key(axum::http::header::AUTHORIZATION) {
            return Err(GraphError::unauthenticated(
                "Creating an add-on tenant needs the creating tenant's bearer token.",
            ));
        }
        let claims = auth::authenticate(inc.headers, FaultSet::default())?;
        let creator = claims.tid.clone();
        let name = if inc.body.iter().all(u8::is_ascii_whitespace) {
            None
        } else {
            let ct = inc
                .headers
                .get(axum::http::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok());
            let body = v::parse_body(inc.body, ct, FaultSet::default())?;
            if let Some(k) = body.keys().find(|k| *k != "displayName") {
                return Err(GraphError::bad_request(format!(
                    "Unknown property '{k}'; an add-on tenant takes only displayName."
                )));
            }
            match body.get("displayName") {
                Some(x) => Some(display_name(x)?),
                None => None,
            }
        };
        let mut store = self.lock();
        store.touch(&creator, claims.tenant_name.as_deref());
        if store.is_live_add_on(&creator) {
            return Err(GraphError::bad_request(
                "An add-on tenant cannot create add-on tenants of its own (multi-tier governance is not supported).",
            ));
        }
        let tid = uuid::Uuid::new_v4().to_string();
        let name = name.unwrap_or_else(|| format!("{} add-on", store.name_of(&creator)));
        store.touch(&tid, Some(&name));
        let snapshot = store
            .tenants
            .get(&creator)
            .and_then(|t| t.template(contract::DEFAULT_TEMPLATE_ID))
            .filter(|t| t.is_configured())
            .map(store::Template::snapshot);
        let relationship = match snapshot {
            Some(snapshot) => {
                let now = store.now_for(&[&creator, &tid]);
                let id = uuid::Uuid::new_v4().to_string();
                store.insert_relationship(Relationship {
                    id: id.clone(),
                    governing: creator.clone(),
                    governed: tid.clone(),
                    status: RelationshipStatus::Active,
                    created_type: store::ADD_ON_TENANT,
                    created: now,
                    snapshot,
                });
                Value::String(id)
            }
            None => Value::Null,
        };
        Ok(Reply {
            status: 201,
            body: Some(json!({
                "tenantId": tid,
                "tenantName": name,
                "relationshipId": relationship,
            })),
            location: None,
        })
    }

    /// A control call with a token acts on the caller's tenant; without one, on
    /// everyone. A token that is present must be valid.
    pub(super) fn control_caller(&self, inc: &Incoming<'_>) -> Result<Option<String>, GraphError> {
        if inc.headers.contains_key(axum::http::header::AUTHORIZATION) {
            auth::authenticate(inc.headers, FaultSet::default()).map(|c| Some(c.tid.clone()))
        } else {
            Ok(None)
        }
    }

    pub(super) fn move_clock(&self, inc: &Incoming<'_>) -> Result<Value, GraphError> {
        let tid = self.control_caller(inc)?;
        let ct = inc
            .headers
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok());
        let body = v::parse_body(inc.body, ct, FaultSet::default())?;
        for k in body.keys() {
            if !["advance", "set", "reset"].contains(&k.as_str()) {
                return Err(GraphError::bad_request(format!(
                    "Unknown clock property '{k}'; give one of advance (ISO 8601 duration), set (RFC 3339 instant) or reset (true)."
                )));
            }
        }
        if body.len() != 1 {
            return Err(GraphError::bad_request(
                "Give exactly one of advance (e.g. \"P15D\"), set (e.g. \"2026-03-01T00:00:00Z\") or reset (true).",
            ));
        }
        let mut store = self.lock();
        if let Some(t) = &tid {
            store.touch(t, None);
        }
        let current = match &tid {
            Some(t) => store
                .tenants
                .get(t)
                .map(|t| t.offset)
                .unwrap_or_else(Duration::zero),
            None => store.global_offset,
        };
        let limit = Duration::days(MAX_OFFSET_DAYS);
        let new = if let Some(a) = body.get("advance") {
            let text = v::string(a, "advance")?;
            let d = clock::parse_duration(text).ok_or_else(|| {
                GraphError::bad_request(format!(
                    "advance '{text}' is not an ISO 8601 duration of weeks, days, hours, minutes or seconds (e.g. P15D, PT36H)."
                ))
            })?;
            current.checked_add(&d)
        } else if let Some(s) = body.get("set") {
            let text = v::string(s, "set")?;
            let when = clock::parse_instant(text).ok_or_else(|| {
                GraphError::bad_request(format!("set '{text}' is not an RFC 3339 instant."))
            })?;
            let base = if tid.is_some() {
                store.global_offset
            } else {
                Duration::zero()
            };
            Some(when - clock::real_now() - base)
        } else {
            match body.get("reset") {
                Some(Value::Bool(true)) => Some(Duration::zero()),
                _ => {
                    return Err(GraphError::bad_request("reset must be true."));
                }
            }
        };
        let new = new.filter(|d| *d <= limit && *d >= -limit).ok_or_else(|| {
            GraphError::bad_request(format!(
                "The clock can move at most {MAX_OFFSET_DAYS} days from real time."
            ))
        })?;
        match &tid {
            Some(t) => {
                if let Some(t) = store.tenants.get_mut(t) {
                    t.offset = new;
                }
            }
            None => store.global_offset = new,
        }
        Ok(clock_answer(&store, tid.as_deref()))
    }
}

fn clock_answer(store: &Store, tid: Option<&str>) -> Value {
    match tid {
        Some(t) => {
            let offset = store
                .tenants
                .get(t)
                .map(|x| x.offset)
                .unwrap_or_else(Duration::zero);
            json!({
                "now": clock::format_control(store.now_for(&[t])),
                "scope": "tenant",
                "tenantId": t,
                "offset": clock::format_offset(offset),
                "globalOffset": clock::format_offset(store.global_offset),
            })
        }
        None => json!({
            "now": clock::format_control(store.now_for(&[])),
            "scope": "global",
            "globalOffset": clock::format_offset(store.global_offset),
        }),
    }
}
