//! Routing and the rules of every operation. Each request is handled synchronously
//! under one short hold of the store's read/write lock: reads share it, writes are
//! serialised, so two racing accepts of one request cannot both win.
//!
//! Check order, the same for every operation: authentication (401) → route
//! (400 unknown segment / 405 wrong method) → permission (403) → query options (400)
//! → body (400/415) → existence and party (404) → who may do it (403) → state (409).

use std::borrow::Cow;
use std::sync::{OnceLock, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use axum::http::HeaderMap;
use chrono::{DateTime, Duration, Utc};
use serde_json::{Map, Value, json};

use super::auth;
use super::clock;
use super::errors::GraphError;
use super::faults::{Fault, FaultSet};
use super::odata::{self, Page, Query, Shape};
use super::store::{
    Invitation, Relationship, RelationshipStatus, Render, Request, RequestStatus, Shared, Store,
};
use super::validate::{self as v};
use crate::contract::{self, Operation, enums};

/// One request as the handlers see it.
pub(crate) struct Incoming<'a> {
    pub method: &'a str,
    /// The raw (percent-encoded) path.
    pub path: &'a str,
    pub query: Option<&'a str>,
    pub headers: &'a HeaderMap,
    pub body: &'a [u8],
    /// `http://host:port` as the client addressed the mock.
    pub origin: &'a str,
}

/// A successful answer: status, JSON body (none for 204) and `Location` for creates.
#[derive(Debug)]
pub(crate) struct Reply {
    pub status: u16,
    pub body: Option<Value>,
    pub location: Option<String>,
}

impl Reply {
    fn no_content() -> Self {
        Reply {
            status: 204,
            body: None,
            location: None,
        }
    }
}

/// The mock: its state, its faults and whether control endpoints are on.
pub(crate) struct App {
    /// One lock for all state, held briefly: reads share it, so concurrent GETs never
    /// wait for each other; writes are serialised (two racing accepts: one wins).
    store: RwLock<Store>,
    pub faults: FaultSet,
    control: bool,
}

/// Request lifetime and invitation lifetime with their faults applied.
fn request_lifetime(f: FaultSet) -> Duration {
    let days = if f.has(Fault::RequestExpiry13Days) {
        contract::REQUEST_LIFETIME_DAYS - 1
    } else {
        contract::REQUEST_LIFETIME_DAYS
    };
    Duration::days(days)
}

fn invitation_lifetime(f: FaultSet) -> Duration {
    let days = if f.has(Fault::InvitationExpiry31Days) {
        contract::INVITATION_LIFETIME_DAYS + 1
    } else {
        contract::INVITATION_LIFETIME_DAYS
    };
    Duration::days(days)
}

/// The largest clock offset the control endpoint accepts: far enough for any expiry
/// test, near enough that date arithmetic never leaves chrono's range.
const MAX_OFFSET_DAYS: i64 = 36_500;

const REQUEST_SHAPE: Shape = Shape {
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

const INVITATION_SHAPE: Shape = Shape {
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

const RELATIONSHIP_SHAPE: Shape = Shape {
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

const TEMPLATE_SHAPE: Shape = Shape {
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

/// Operations whose docs list OData query options (the four collections).
fn shape_of(op: &Operation) -> Option<&'static Shape> {
    match op.number {
        1 => Some(&REQUEST_SHAPE),
        5 => Some(&INVITATION_SHAPE),
        9 => Some(&RELATIONSHIP_SHAPE),
        12 => Some(&TEMPLATE_SHAPE),
        _ => None,
    }
}

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
const INVITATION_READ_ONLY: &[&str] = &[
    "id",
    "governedTenantId",
    "governingTenantName",
    "governedTenantName",
    "createdDateTime",
    "expirationDateTime",
];
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
const TEMPLATE_WRITABLE: &[&str] = &[
    "displayName",
    "description",
    "multiTenantApplicationsToProvision",
    "delegatedAdministrationRoleAssignments",
    "governedTenantCanTerminate",
];
const TEMPLATE_READ_ONLY: &[&str] = &["id", "createdDateTime", "lastModifiedDateTime", "version"];

/// What a handler knows about the call.
struct Call<'a> {
    tid: &'a str,
    /// The `{id}` segment, decoded (empty when the path has none).
    id: &'a str,
    query: &'a Query,
    inc: &'a Incoming<'a>,
    /// `http://host:port/beta`
    base: &'a str,
}

impl Call<'_> {
    fn body(&self, faults: FaultSet) -> Result<Map<String, Value>, GraphError> {
        let ct = self
            .inc
            .headers
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok());
        v::parse_body(self.inc.body, ct, faults)
    }
}

fn not_found(what: &str, id: &str, faults: FaultSet) -> GraphError {
    if faults.has(Fault::UnknownIdIs400) {
        return GraphError::bad_request(format!("Invalid {what} id '{id}'."));
    }
    GraphError::not_found(format!(
        "Resource '{id}' does not exist or one of its queried reference-property objects are not present."
    ))
}

/// The shared object if the caller may see it: unknown ids and objects of other
/// tenants are both 404, so ids do not leak (fact sheet §12).
fn visible<'s, T: Shared>(
    found: Option<&'s T>,
    what: &str,
    call: &Call<'_>,
    faults: FaultSet,
    outsider_may_read: bool,
) -> Result<&'s T, GraphError> {
    match found {
        None => Err(not_found(what, call.id, faults)),
        Some(x) if x.is_party(call.tid) || outsider_may_read => Ok(x),
        Some(_) if faults.has(Fault::NonPartyGets403) => Err(GraphError::forbidden(format!(
            "The calling tenant is not a party to {what} '{}'.",
            call.id
        ))),
        Some(_) => Err(not_found(what, call.id, faults)),
    }
}

impl App {
    pub fn new(faults: &[Fault], control: bool) -> Self {
        App {
            store: RwLock::new(Store::default()),
            faults: FaultSet::new(faults),
            control,
        }
    }

    /// The store for reading. A panic while holding the lock cannot happen by design;
    /// if one ever did, later requests still get the data (each change is one statement).
    fn read(&self) -> RwLockReadGuard<'_, Store> {
        self.store.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn lock(&self) -> RwLockWriteGuard<'_, Store> {
        self.store.write().unwrap_or_else(PoisonError::into_inner)
    }

    fn render<'s>(&self, store: &'s Store) -> Render<'s> {
        Render {
            store,
            faults: self.faults,
        }
    }

    /// Prefix `@odata.context` (unless the fault drops it).
    fn entity(&self, status: u16, base: &str, context: &str, mut m: Map<String, Value>) -> Reply {
        if !self.faults.has(Fault::MissingOdataContext) {
            m.shift_insert(
                0,
                "@odata.context".into(),
                Value::String(format!("{base}/$metadata#{context}")),
            );
        }
        Reply {
            status,
            body: Some(Value::Object(m)),
            location: None,
        }
    }

    fn entity_of(&self, base: &str, collection: &str, m: Map<String, Value>) -> Reply {
        self.entity(
            200,
            base,
            &format!("directory/tenantGovernance/{collection}/$entity"),
            m,
        )
    }

    fn created(&self, call: &Call<'_>, collection: &str, id: &str, m: Map<String, Value>) -> Reply {
        let status = if self.faults.has(Fault::CreateReturns200) {
            200
        } else {
            201
        };
        let mut r = self.entity(
            status,
            call.base,
            &format!("directory/tenantGovernance/{collection}/$entity"),
            m,
        );
        r.location = Some(format!(
            "{}/directory/tenantGovernance/{collection}/{}",
            call.base,
            odata::percent_encode(id)
        ));
        r
    }

    /// PATCH answers 200 with the full entity (fact sheet §2), or 204 with the fault.
    fn updated(&self, call: &Call<'_>, collection: &str, m: Map<String, Value>) -> Reply {
        if self.faults.has(Fault::PatchReturns204) {
            return Reply::no_content();
        }
        self.entity_of(call.base, collection, m)
    }

    fn deleted(&self, call: &Call<'_>, collection: &str, m: Map<String, Value>) -> Reply {
        if self.faults.has(Fault::DeleteReturns200) {
            return self.entity_of(call.base, collection, m);
        }
        Reply::no_content()
    }

    fn collection(&self, call: &Call<'_>, shape: &Shape, items: Vec<Map<String, Value>>) -> Reply {
        let body = odata::collection(
            items,
            &Page {
                query: call.query,
                shape,
                faults: self.faults,
                base: call.base,
            },
        );
        Reply {
            status: 200,
            body: Some(body),
            location: None,
        }
    }

    /// Answer one request.
    pub fn handle(&self, inc: &Incoming<'_>) -> Result<Reply, GraphError> {
        if let Some(rest) = inc.path.strip_prefix("/_mock/") {
            return self.control(rest, inc);
        }
        let rest = match inc.path.strip_prefix("/beta") {
            Some(r) if r.is_empty() || r.starts_with('/') => r,
            _ => {
                return Err(GraphError::new(
                    404,
                    "NotFound",
                    format!(
                        "Nothing is served at '{}'; the API is under /beta.",
                        inc.path
                    ),
                ));
            }
        };
        let claims = auth::authenticate(inc.headers, self.faults)?;
        let segments = rest
            .split('/')
            .filter(|s| !s.is_empty())
            .map(decode_path_segment)
            .collect::<Option<Vec<Cow<'_, str>>>>()
            .ok_or_else(|| {
                GraphError::bad_request("The path is not valid percent-encoded UTF-8.")
            })?;
        let Some(op) = route(inc.method, &segments) else {
            return Err(no_route(inc.method, &segments));
        };
        auth::authorize(&claims, op, self.faults)?;
        let id = id_segment(op, &segments).unwrap_or("");
        let query = odata::parse(inc.query)?;
        match shape_of(op) {
            Some(shape) => odata::check(&query, shape)?,
            None if query.any() => {
                return Err(GraphError::unsupported_query(format!(
                    "{} doesn't support OData query parameters ('{}').",
                    op.name,
                    query.first.as_deref().unwrap_or("")
                )));
            }
            None => {}
        }
        let base = format!("{}/beta", inc.origin);
        let call = Call {
            tid: &claims.tid,
            id,
            query: &query,
            inc,
            base: &base,
        };
        let name = claims.tenant_name.as_deref();
        if !self.read().is_current(&claims.tid, name) {
            self.lock().touch(&claims.tid, name);
        }
        if !op.access.is_write() {
            let store = self.read();
            return match op.number {
                1 => self.list_requests(&store, &call),
                3 => self.get_request(&store, &call),
                5 => self.list_invitations(&store, &call),
                7 => self.get_invitation(&store, &call),
                9 => self.list_relationships(&store, &call),
                10 => self.get_relationship(&store, &call),
                12 => self.list_templates(&store, &call),
                14 => self.get_template(&store, &call),
                17 => self.get_settings(&store, &call),
                20 => self.list_related_tenants(&store, &call),
                21 => self.get_related_tenant(&store, &call),
                23 => self.related_tenants_refresh_status(&store, &call),
                _ => Err(not_implemented(op)),
            };
        }
        let mut store = self.lock();
        // The tenant may have been created between the two locks by another request; a
        // second touch is a no-op then, and makes sure it exists otherwise.
        store.touch(&claims.tid, name);
        match op.number {
            2 => self.create_request(&mut store, &call),
            4 => self.update_request(&mut store, &call),
            6 => self.create_invitation(&mut store, &call),
            8 => self.delete_invitation(&mut store, &call),
            11 => self.update_relationship(&mut store, &call),
            13 => self.create_template(&mut store, &call),
            15 => self.update_template(&mut store, &call),
            16 => self.delete_template(&mut store, &call),
            18 => self.update_settings(&mut store, &call),
            19 => self.enable_related_tenants(&mut store, &call),
            22 => self.refresh_related_tenants(&mut store, &call),
            _ => Err(not_implemented(op)),
        }
    }

    // ----- governanceRequest (#1–#4) -----

    fn list_requests(&self, store: &Store, call: &Call<'_>) -> Result<Reply, GraphError> {
        let r = self.render(store);
        let items: Vec<Map<String, Value>> = if self.faults.has(Fault::ListsIgnoreParty) {
            let mut all: Vec<&Request> = store.requests.values().collect();
            all.sort_by(|a, b| a.requested.cmp(&b.requested).then(a.id.cmp(&b.id)));
            all.into_iter().map(|x| r.request(x)).collect()
        } else {
            tenant_ids(store, call.tid, |t| &t.requests)
                .filter_map(|id| store.requests.get(id))
                .map(|x| r.request(x))
                .collect()
        };
        Ok(self.collection(call, &REQUEST_SHAPE, items))
    }

    fn create_request(&self, store: &mut Store, call: &Call<'_>) -> Result<Reply, GraphError> {
        const BIND: &str = "governancePolicyTemplate@odata.bind";
        let f = self.faults;
        let body = call.body(f)?;
        v::check_properties(
            &body,
            "governanceRequest",
            &["governedTenantId", BIND],
            REQUEST_READ_ONLY,
        )?;
        let governed = v::tenant_id(v::required(&body, "governedTenantId")?, "governedTenantId")?;
        let bind = v::required_string(&body, BIND)?;
        let template_id = v::template_bind(bind).ok_or_else(|| {
            GraphError::bad_request(format!(
                "{BIND} '{bind}' is not the URL of a governance policy template \
                 (…/directory/tenantGovernance/governancePolicyTemplates/{{id}})."
            ))
        })?;
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
            Some(t) => t.snapshot(),
            None if f.has(Fault::BindUnknownTemplateAccepted) => super::store::Snapshot {
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
        // Multi-tier governance is not supported ("API calls fail", fact sheet §9.5).
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
        // Three-step handshake (fact sheet §9.2): without an active relationship of the
        // pair, the governed tenant must have invited the governing tenant.
        let two_step = store.live_relationship(&governing, &governed).is_some();
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
        let request = Request {
            id: uuid::Uuid::new_v4().to_string(),
            governing,
            governed,
            requested: now,
            expires: now + request_lifetime(f),
            status: RequestStatus::Pending,
            snapshot,
        };
        let id = request.id.clone();
        let m = self.render(store).request(&request);
        store.insert_request(request);
        Ok(self.created(call, "governanceRequests", &id, m))
    }

    fn get_request(&self, store: &Store, call: &Call<'_>) -> Result<Reply, GraphError> {
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

    fn update_request(&self, store: &mut Store, call: &Call<'_>) -> Result<Reply, GraphError> {
        let f = self.faults;
        let body = call.body(f)?;
        v::check_properties(
            &body,
            "governanceRequest",
            &["status"],
            &without(REQUEST_READ_ONLY, "status"),
        )?;
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
            other => {
                return Err(GraphError::bad_request(format!(
                    "status cannot be set to '{other}'; a request is decided with 'accepted' or 'rejected'."
                )));
            }
        };
        let r = visible(
            store.requests.get(call.id),
            "governance request",
            call,
            f,
            false,
        )?;
        if r.governed != call.tid && !f.has(Fault::GoverningCanAccept) {
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
        if let Some(r) = store.requests.get_mut(call.id) {
            r.status = target;
        }
        if target == RequestStatus::Accepted && !f.has(Fault::AcceptCreatesNoRelationship) {
            self.establish(store, &governing, &governed, snapshot, now);
        }
        let m = match store.requests.get(call.id) {
            Some(r) => self.render(store).request(r),
            None => return Err(not_found("governance request", call.id, f)),
        };
        Ok(self.updated(call, "governanceRequests", m))
    }

    /// Acceptance: a live relationship of the pair gets the new snapshot (updated in
    /// place, fact sheet §12 S7); otherwise exactly one new relationship appears.
    fn establish(
        &self,
        store: &mut Store,
        governing: &str,
        governed: &str,
        snapshot: super::store::Snapshot,
        now: DateTime<Utc>,
    ) {
        let existing = store
            .live_relationship(governing, governed)
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

    // ----- governanceInvitation (#5–#8) -----

    fn list_invitations(&self, store: &Store, call: &Call<'_>) -> Result<Reply, GraphError> {
        let r = self.render(store);
        let items = tenant_ids(store, call.tid, |t| &t.invitations)
            .filter_map(|id| store.invitations.get(id))
            .map(|x| r.invitation(x))
            .collect();
        Ok(self.collection(call, &INVITATION_SHAPE, items))
    }

    fn create_invitation(&self, store: &mut Store, call: &Call<'_>) -> Result<Reply, GraphError> {
        let f = self.faults;
        let body = call.body(f)?;
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
        if governing == governed {
            return Err(GraphError::bad_request("A tenant cannot invite itself."));
        }
        // A tenant the mock has never seen has the default setting: invitations off.
        let accepts = store
            .tenants
            .get(&governing)
            .is_some_and(|t| t.can_receive_invitations);
        if !accepts && !f.has(Fault::InvitationsIgnoreSetting) {
            return Err(GraphError::forbidden(format!(
                "Tenant '{governing}' does not accept governance invitations (its canReceiveInvitations setting is off)."
            )));
        }
        let now = store.now_for(&[&governing, &governed]);
        if store.live_invitation(&governed, &governing, now, false) {
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

    fn get_invitation(&self, store: &Store, call: &Call<'_>) -> Result<Reply, GraphError> {
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

    fn delete_invitation(&self, store: &mut Store, call: &Call<'_>) -> Result<Reply, GraphError> {
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

    // ----- governanceRelationship (#9–#11) -----

    fn list_relationships(&self, store: &Store, call: &Call<'_>) -> Result<Reply, GraphError> {
        let r = self.render(store);
        let hide_terminated = self.faults.has(Fault::TerminatedRelationshipsHidden);
        let items = tenant_ids(store, call.tid, |t| &t.relationships)
            .filter_map(|id| store.relationships.get(id))
            .filter(|x| !(hide_terminated && x.status == RelationshipStatus::Terminated))
            .map(|x| r.relationship(x))
            .collect();
        Ok(self.collection(call, &RELATIONSHIP_SHAPE, items))
    }

    fn get_relationship(&self, store: &Store, call: &Call<'_>) -> Result<Reply, GraphError> {
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

    fn update_relationship(&self, store: &mut Store, call: &Call<'_>) -> Result<Reply, GraphError> {
        use RelationshipStatus::*;
        let f = self.faults;
        let body = call.body(f)?;
        v::check_properties(
            &body,
            "governanceRelationship",
            &["status"],
            RELATIONSHIP_READ_ONLY,
        )?;
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
        match (governing_caller, target) {
            (_, Active) if !(f.has(Fault::TerminatedNotFinal) && r.status == Terminated) => {
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
        if let Some(r) = store.relationships.get_mut(call.id) {
            r.status = target;
        }
        let m = match store.relationships.get(call.id) {
            Some(r) => self.render(store).relationship(r),
            None => return Err(not_found("governance relationship", call.id, f)),
        };
        Ok(self.updated(call, "governanceRelationships", m))
    }

    // ----- governancePolicyTemplate (#12–#16) -----

    fn list_templates(&self, store: &Store, call: &Call<'_>) -> Result<Reply, GraphError> {
        let r = self.render(store);
        let items = store
            .tenants
            .get(call.tid)
            .map(|t| t.templates.iter().map(|x| r.template(x)).collect())
            .unwrap_or_default();
        Ok(self.collection(call, &TEMPLATE_SHAPE, items))
    }

    fn create_template(&self, store: &mut Store, call: &Call<'_>) -> Result<Reply, GraphError> {
        let f = self.faults;
        let body = call.body(f)?;
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
            Some(x) => v::role_assignments(x)?,
            None => json!([]),
        };
        // Documented as "Not implemented": type-checked, then ignored.
        if let Some(x) = body
            .get("governedTenantCanTerminate")
            .filter(|v| !v.is_null())
        {
            v::boolean(x, "governedTenantCanTerminate", f)?;
        }
        let now = store.now_for(&[call.tid]);
        let t = super::store::Template {
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

    fn get_template(&self, store: &Store, call: &Call<'_>) -> Result<Reply, GraphError> {
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

    fn update_template(&self, store: &mut Store, call: &Call<'_>) -> Result<Reply, GraphError> {
        let f = self.faults;
        let body = call.body(f)?;
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
            .map(v::role_assignments)
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
        t.modified = now.max(t.modified + Duration::nanoseconds(100));
        let t = t.clone();
        Ok(self.updated(
            call,
            "governancePolicyTemplates",
            self.render(store).template(&t),
        ))
    }

    fn delete_template(&self, store: &mut Store, call: &Call<'_>) -> Result<Reply, GraphError> {
        let f = self.faults;
        let t = store
            .tenants
            .get(call.tid)
            .and_then(|t| t.template(call.id))
            .ok_or_else(|| not_found("governance policy template", call.id, f))?;
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

    // ----- tenantGovernanceSetting (#17–#19) -----

    fn get_settings(&self, store: &Store, call: &Call<'_>) -> Result<Reply, GraphError> {
        let (can, rel) = settings_of(store, call.tid);
        let m = self.render(store).settings(can, rel);
        Ok(self.entity(
            200,
            call.base,
            "directory/tenantGovernance/settings/$entity",
            m,
        ))
    }

    fn update_settings(&self, store: &mut Store, call: &Call<'_>) -> Result<Reply, GraphError> {
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
            None if read_only_value.is_some() => None,
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
        Ok(self.entity(
            200,
            call.base,
            "directory/tenantGovernance/settings/$entity",
            m,
        ))
    }

    fn enable_related_tenants(
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
                Err(GraphError::conflict("Related tenants are already enabled."))
            }
            // Idempotent: a second call changes nothing (fact sheet §12 S13).
            Some(_) => Ok(Reply::no_content()),
            None => {
                t.related_enabled = Some(now);
                Ok(Reply::no_content())
            }
        }
    }

    // ----- relatedTenant (#20–#23) -----

    /// "won't run successfully" before enableRelatedTenants (fact sheet §4.5 #19): 403.
    fn related_enabled(&self, store: &Store, tid: &str) -> Result<DateTime<Utc>, GraphError> {
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

    fn list_related_tenants(&self, store: &Store, call: &Call<'_>) -> Result<Reply, GraphError> {
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

    fn get_related_tenant(&self, store: &Store, call: &Call<'_>) -> Result<Reply, GraphError> {
        self.related_enabled(store, call.tid)?;
        let wanted = call.id.to_ascii_lowercase();
        let (id, first) = store
            .related_tenants(call.tid)
            .into_iter()
            .find(|(id, _)| *id == wanted)
            .ok_or_else(|| not_found("related tenant", call.id, self.faults))?;
        Ok(self.entity_of(
            call.base,
            "relatedTenants",
            self.render(store).related_tenant(&id, first),
        ))
    }

    fn refresh_related_tenants(
        &self,
        store: &mut Store,
        call: &Call<'_>,
    ) -> Result<Reply, GraphError> {
        self.related_enabled(store, call.tid)?;
        let now = store.now_for(&[call.tid]);
        if let Some(t) = store.tenants.get_mut(call.tid) {
            t.last_refresh = Some(now);
        }
        Ok(Reply::no_content())
    }

    fn related_tenants_refresh_status(
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

    // ----- control endpoints (outside the Graph paths) -----

    fn control(&self, rest: &str, inc: &Incoming<'_>) -> Result<Reply, GraphError> {
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
    /// through an `addOnTenant` relationship (fact sheet §6.5, §9.6: "if the default
    /// template is not configured, add-on tenant creation establishes no relationship").
    fn create_add_on_tenant(&self, inc: &Incoming<'_>) -> Result<Reply, GraphError> {
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
            .filter(|t| {
                let empty = |v: &Value| v.as_array().is_none_or(Vec::is_empty);
                !(empty(&t.apps) && empty(&t.assignments))
            })
            .map(super::store::Template::snapshot);
        let relationship = match snapshot {
            Some(snapshot) => {
                let now = store.now_for(&[&creator, &tid]);
                let id = uuid::Uuid::new_v4().to_string();
                store.insert_relationship(Relationship {
                    id: id.clone(),
                    governing: creator.clone(),
                    governed: tid.clone(),
                    status: RelationshipStatus::Active,
                    created_type: super::store::ADD_ON_TENANT,
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
    fn control_caller(&self, inc: &Incoming<'_>) -> Result<Option<String>, GraphError> {
        if inc.headers.contains_key(axum::http::header::AUTHORIZATION) {
            auth::authenticate(inc.headers, FaultSet::default()).map(|c| Some(c.tid.clone()))
        } else {
            Ok(None)
        }
    }

    fn move_clock(&self, inc: &Incoming<'_>) -> Result<Value, GraphError> {
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

fn not_implemented(op: &Operation) -> GraphError {
    GraphError::new(
        501,
        "NotImplemented",
        format!("{} is not implemented by the mock.", op.name),
    )
}

fn display_name(x: &Value) -> Result<String, GraphError> {
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

fn settings_of(store: &Store, tid: &str) -> (bool, bool) {
    store
        .tenants
        .get(tid)
        .map(|t| (t.can_receive_invitations, t.related_enabled.is_some()))
        .unwrap_or((false, false))
}

/// Ids a tenant is party to, in creation order.
fn tenant_ids<'s>(
    store: &'s Store,
    tid: &str,
    pick: impl Fn(&'s super::store::Tenant) -> &'s Vec<String>,
) -> impl Iterator<Item = &'s String> {
    store.tenants.get(tid).map(pick).into_iter().flatten()
}

fn without(list: &[&'static str], drop: &str) -> Vec<&'static str> {
    list.iter().copied().filter(|k| *k != drop).collect()
}

/// One path segment, percent-decoded (`+` stays a plus in paths); borrowed when there
/// is nothing to decode, which is nearly always.
fn decode_path_segment(s: &str) -> Option<Cow<'_, str>> {
    if !s.contains('%') {
        return Some(Cow::Borrowed(s));
    }
    let plus_safe = s.replace('+', "%2B");
    odata::percent_decode(&plus_safe).map(Cow::Owned)
}

/// The namespace-qualified form of a bound operation reduced to its short name, as
/// `contract::find_operation` does (§12 A1).
fn normalise(segment: &str) -> &str {
    let qualified = segment
        .strip_prefix(contract::NAMESPACE)
        .and_then(|s| s.strip_prefix('.'))
        .unwrap_or(segment);
    qualified.strip_suffix("()").unwrap_or(qualified)
}

/// Path templates of `contract::OPERATIONS`, split once.
fn templates() -> &'static [(&'static Operation, Vec<&'static str>)] {
    static T: OnceLock<Vec<(&'static Operation, Vec<&'static str>)>> = OnceLock::new();
    T.get_or_init(|| {
        contract::OPERATIONS
            .iter()
            .map(|op| (op, op.path.split('/').filter(|s| !s.is_empty()).collect()))
            .collect()
    })
}

fn template_matches(tpl: &[&str], segments: &[Cow<'_, str>], allow_id: bool) -> bool {
    tpl.len() == segments.len()
        && tpl.iter().zip(segments).all(|(t, s)| {
            if *t == "{id}" {
                allow_id
            } else {
                *t == normalise(s)
            }
        })
}

/// The operation at this method and path: `contract::find_operation`'s rules (literal
/// segments win over `{id}`), without its per-call allocations: this runs on every
/// request.
fn route(method: &str, segments: &[Cow<'_, str>]) -> Option<&'static Operation> {
    let same = |op: &Operation| op.method.eq_ignore_ascii_case(method);
    let t = templates();
    t.iter()
        .find(|(op, tpl)| same(op) && template_matches(tpl, segments, false))
        .or_else(|| {
            t.iter()
                .find(|(op, tpl)| same(op) && template_matches(tpl, segments, true))
        })
        .map(|(op, _)| *op)
}

/// The `{id}` segment of a matched operation.
fn id_segment<'a>(op: &Operation, segments: &'a [Cow<'_, str>]) -> Option<&'a str> {
    op.path
        .split('/')
        .filter(|s| !s.is_empty())
        .zip(segments)
        .find(|(t, _)| *t == "{id}")
        .map(|(_, s)| s.as_ref())
}

/// No operation at this method and path: 405 if another method is offered there,
/// else Graph's 400 naming the first segment no resource has.
fn no_route(method: &str, segments: &[Cow<'_, str>]) -> GraphError {
    let allowed: Vec<&str> = ["GET", "POST", "PATCH", "DELETE"]
        .into_iter()
        .filter(|m| route(m, segments).is_some())
        .collect();
    if !allowed.is_empty() {
        return GraphError::method_not_allowed(method, allowed.join(", "));
    }
    let unknown = (0..segments.len())
        .find(|&k| {
            !templates().iter().any(|(_, t)| {
                t.len() > k
                    && t.iter()
                        .zip(&segments[..=k])
                        .all(|(t, s)| *t == "{id}" || *t == normalise(s))
            })
        })
        .and_then(|k| segments.get(k))
        .or(segments.last())
        .map(|s| s.as_ref())
        .unwrap_or("");
    GraphError::bad_request(format!("Resource not found for the segment '{unknown}'."))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segs(p: &str) -> Vec<Cow<'_, str>> {
        p.split('/')
            .filter(|s| !s.is_empty())
            .map(Cow::Borrowed)
            .collect()
    }

    #[test]
    fn routing_agrees_with_contract_find_operation() {
        let paths = [
            "/directory/tenantGovernance",
            "/directory/tenantGovernance/settings",
            "/directory/tenantGovernance/settings/enableRelatedTenants",
            "/directory/tenantGovernance/settings/microsoft.graph.tenantGovernanceServices.enableRelatedTenants",
            "/directory/tenantGovernance/governanceRequests",
            "/directory/tenantGovernance/governanceRequests/x",
            "/directory/tenantGovernance/governanceRequests/x/y",
            "/directory/tenantGovernance/governanceInvitations/x",
            "/directory/tenantGovernance/governanceRelationships",
            "/directory/tenantGovernance/governanceRelationships/x",
            "/directory/tenantGovernance/governancePolicyTemplates/default",
            "/directory/tenantGovernance/relatedTenants",
            "/directory/tenantGovernance/relatedTenants/refresh",
            "/directory/tenantGovernance/relatedTenants/refreshStatus",
            "/directory/tenantGovernance/relatedTenants/microsoft.graph.tenantGovernanceServices.refreshStatus()",
            "/directory/tenantGovernance/relatedTenants/abc",
            "/directory/elsewhere",
            "/me",
        ];
        for path in paths {
            for method in ["GET", "POST", "PATCH", "DELETE", "PUT", "HEAD"] {
                let ours = route(method, &segs(path)).map(|o| o.number);
                let theirs = contract::find_operation(method, path).map(|o| o.number);
                assert_eq!(ours, theirs, "{method} {path}");
            }
        }
    }

    #[test]
    fn wrong_method_on_a_known_path_is_405_with_allow() {
        let p = "/directory/tenantGovernance/governanceRequests/x";
        let e = no_route("DELETE", &segs(p));
        assert_eq!(e.status, 405);
        assert_eq!(e.allow.as_deref(), Some("GET, PATCH"));
    }

    #[test]
    fn unknown_segments_are_400_naming_the_segment() {
        let cases = [
            ("/directory/tenantGovernance/nope", "nope"),
            ("/directory/elsewhere/x", "elsewhere"),
            ("/me", "me"),
            ("/directory/tenantGovernance/governanceRequests/x/y", "y"),
        ];
        for (p, seg) in cases {
            let e = no_route("GET", &segs(p));
            assert_eq!(e.status, 400, "{p}");
            assert!(
                e.message.contains(&format!("'{seg}'")),
                "{p}: {}",
                e.message
            );
        }
    }

    #[test]
    fn id_segment_is_found_for_keyed_operations_only() {
        let op =
            contract::find_operation("GET", "/directory/tenantGovernance/governanceRequests/abc");
        let s = segs("/directory/tenantGovernance/governanceRequests/abc");
        assert_eq!(op.and_then(|o| id_segment(o, &s)), Some("abc"));
        let op = contract::find_operation("GET", "/directory/tenantGovernance/settings");
        let s = segs("/directory/tenantGovernance/settings");
        assert_eq!(op.and_then(|o| id_segment(o, &s)), None);
    }

    #[test]
    fn path_segments_decode_percent_but_keep_plus() {
        assert_eq!(decode_path_segment("a%20b+c").as_deref(), Some("a b+c"));
        assert!(decode_path_segment("%zz").is_none());
    }

    #[test]
    fn lifetimes_follow_the_contract_unless_faulted() {
        assert_eq!(request_lifetime(FaultSet::default()).num_days(), 14);
        assert_eq!(
            request_lifetime(FaultSet::new(&[Fault::RequestExpiry13Days])).num_days(),
            13
        );
        assert_eq!(invitation_lifetime(FaultSet::default()).num_days(), 30);
        assert_eq!(
            invitation_lifetime(FaultSet::new(&[Fault::InvitationExpiry31Days])).num_days(),
            31
        );
    }
}
