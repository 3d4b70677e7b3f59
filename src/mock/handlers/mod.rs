//! Routing and the rules of every operation, one module per resource. Each request is
//! handled synchronously under one short hold of the store's read/write lock: reads
//! share it, writes are serialised, so two racing accepts of one request cannot both win.
//!
//! Check order, the same for every operation: authentication (401) → route
//! (400 unknown segment / 405 wrong method) → permission (403) → query options (400)
//! → body (400/415) → existence and party (404) → who may do it (403) → state (409).
//!
//! Routing is `contract::route`; the mock adds only percent-decoding and Graph's
//! answers when no operation matches.

mod control;
mod invitations;
mod related_tenants;
mod relationships;
mod requests;
mod settings;
mod templates;
mod undocumented;

use std::borrow::Cow;
use std::sync::{PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use axum::http::HeaderMap;
use serde_json::{Map, Value};

use super::MockOptions;
use super::auth;
use super::decisions::DecisionSet;
use super::errors::GraphError;
use super::faults::{Fault, FaultSet};
use super::odata::{self, Page, Query, Shape};
use super::store::{Render, Shared, Store};
use super::validate as v;
use crate::contract::{self, OperationId};

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
    pub decisions: DecisionSet,
    control: bool,
}

/// What a handler knows about the call.
struct Call<'a> {
    tid: &'a str,
    /// The tenant name the caller's token carries, if any.
    tenant_name: Option<&'a str>,
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
        v::parse_body(self.inc.body, ct, faults).map(|b| v::without_control_information(b, faults))
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
/// tenants are both 404, so ids do not leak (`ISOLATION-404`).
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
    pub fn new(opts: &MockOptions) -> Self {
        App {
            store: RwLock::new(Store::default()),
            faults: FaultSet::new(&opts.faults),
            decisions: DecisionSet::new(&opts.decisions),
            control: opts.control,
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

    /// The store for a write by the caller. The caller's tenant may have been created
    /// between the read and this lock by another request; touching again is a no-op then,
    /// and makes sure it exists otherwise.
    fn writer(&self, call: &Call<'_>) -> RwLockWriteGuard<'_, Store> {
        let mut store = self.lock();
        self.touch(&mut store, call);
        store
    }

    /// Create the caller's tenant on first use (with its defaults) and keep its name.
    fn touch(&self, store: &mut Store, call: &Call<'_>) {
        let new = !store.tenants.contains_key(call.tid);
        store.touch(call.tid, call.tenant_name);
        if new
            && self.faults.has(Fault::InvitationsOnByDefault)
            && let Some(t) = store.tenants.get_mut(call.tid)
        {
            t.can_receive_invitations = true;
        }
    }

    fn render<'s>(&self, store: &'s Store) -> Render<'s> {
        Render {
            store,
            faults: self.faults,
            decisions: self.decisions,
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

    /// PATCH answers 200 with the full entity (`REQ-UPDATE-200` and the
    /// other update rules), or 204 with the fault.
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
        if let Some(set) = count_segment(&segments)
            && !self.faults.has(Fault::CountSegmentIsAnId)
        {
            return Err(GraphError::unsupported_query(format!(
                "$count is not supported on {set}: this API documents no count; page through the list instead."
            )));
        }
        let Some(found) = contract::route(inc.method, &segments) else {
            return self.undocumented(&claims.tid, inc.method, &segments);
        };
        let op = found.op;
        auth::authorize(&claims, op, self.faults)?;
        let query = odata::parse(inc.query)?;
        match shape_of(op.id) {
            Some(shape) => odata::check(&query, shape, self.faults)?,
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
            tenant_name: claims.tenant_name.as_deref(),
            id: found.id,
            query: &query,
            inc,
            base: &base,
        };
        if !self.read().is_current(call.tid, call.tenant_name) {
            self.touch(&mut self.lock(), &call);
        }
        use OperationId as Op;
        match op.id {
            Op::RequestList => self.list_requests(&self.read(), &call),
            Op::RequestCreate => self.create_request(&mut self.writer(&call), &call),
            Op::RequestGet => self.get_request(&self.read(), &call),
            Op::RequestUpdate => self.update_request(&mut self.writer(&call), &call),
            Op::InvitationList => self.list_invitations(&self.read(), &call),
            Op::InvitationCreate => self.create_invitation(&mut self.writer(&call), &call),
            Op::InvitationGet => self.get_invitation(&self.read(), &call),
            Op::InvitationDelete => self.delete_invitation(&mut self.writer(&call), &call),
            Op::RelationshipList => self.list_relationships(&self.read(), &call),
            Op::RelationshipGet => self.get_relationship(&self.read(), &call),
            Op::RelationshipUpdate => self.update_relationship(&mut self.writer(&call), &call),
            Op::TemplateList => self.list_templates(&self.read(), &call),
            Op::TemplateCreate => self.create_template(&mut self.writer(&call), &call),
            Op::TemplateGet => self.get_template(&self.read(), &call),
            Op::TemplateUpdate => self.update_template(&mut self.writer(&call), &call),
            Op::TemplateDelete => self.delete_template(&mut self.writer(&call), &call),
            Op::SettingGet => self.get_settings(&self.read(), &call),
            Op::SettingUpdate => self.update_settings(&mut self.writer(&call), &call),
            Op::EnableRelatedTenants => self.enable_related_tenants(&mut self.writer(&call), &call),
            Op::RelatedTenantList => self.list_related_tenants(&self.read(), &call),
            Op::RelatedTenantGet => self.get_related_tenant(&self.read(), &call),
            Op::RelatedTenantRefresh => {
                self.refresh_related_tenants(&mut self.writer(&call), &call)
            }
            Op::RelatedTenantRefreshStatus => {
                self.related_tenants_refresh_status(&self.read(), &call)
            }
        }
    }
}

/// The shape of the four collections whose docs list OData query options; `None` for
/// the operations that "don't support OData query parameters".
fn shape_of(id: OperationId) -> Option<&'static Shape> {
    use OperationId as Op;
    match id {
        Op::RequestList => Some(&requests::SHAPE),
        Op::InvitationList => Some(&invitations::SHAPE),
        Op::RelationshipList => Some(&relationships::SHAPE),
        Op::TemplateList => Some(&templates::SHAPE),
        Op::RequestCreate
        | Op::RequestGet
        | Op::RequestUpdate
        | Op::InvitationCreate
        | Op::InvitationGet
        | Op::InvitationDelete
        | Op::RelationshipGet
        | Op::RelationshipUpdate
        | Op::TemplateCreate
        | Op::TemplateGet
        | Op::TemplateUpdate
        | Op::TemplateDelete
        | Op::SettingGet
        | Op::SettingUpdate
        | Op::EnableRelatedTenants
        | Op::RelatedTenantList
        | Op::RelatedTenantGet
        | Op::RelatedTenantRefresh
        | Op::RelatedTenantRefreshStatus => None,
    }
}

/// Ids a tenant is party to, in creation order.
fn tenant_ids<'s>(
    store: &'s Store,
    tid: &str,
    pick: impl Fn(&'s super::store::Tenant) -> &'s Vec<String>,
) -> impl Iterator<Item = &'s String> {
    store.tenants.get(tid).map(pick).into_iter().flatten()
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

/// The collection of `…/<collection>/$count`, OData's count segment. No page of this
/// API lists it, but a generated SDK offers it on every collection, and without this
/// the segment would be taken for an item id and answered 404 (`ODATA-COUNT-SEGMENT`).
fn count_segment<'s>(segments: &'s [Cow<'_, str>]) -> Option<&'s str> {
    let (last, collection) = segments.split_last()?;
    let list = contract::route("GET", collection)?;
    (last == "$count" && list.op.name.ends_with(".list"))
        .then(|| collection.last().map(|c| c.as_ref()))
        .flatten()
}

/// No operation at this method and path: 405 if the path is a documented resource
/// (with the methods it offers in `Allow`, none at the root, whose page lists none),
/// else Graph's 400 naming the first segment no resource has.
fn no_route(method: &str, segments: &[Cow<'_, str>]) -> GraphError {
    let allowed = contract::allowed_methods(segments);
    if !allowed.is_empty() || contract::is_root(segments) {
        return GraphError::method_not_allowed(method, allowed.join(", "));
    }
    let unknown = contract::unknown_segment(segments)
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
            ("/directory", "directory"),
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
    fn the_root_is_405_with_an_empty_allow() {
        for method in ["GET", "PATCH", "DELETE"] {
            let e = no_route(method, &segs("/directory/tenantGovernance"));
            assert_eq!((e.status, e.allow.as_deref()), (405, Some("")), "{method}");
        }
    }

    #[test]
    fn count_segments_name_their_collection() {
        let p = "/directory/tenantGovernance/relatedTenants/$count";
        assert_eq!(count_segment(&segs(p)), Some("relatedTenants"));
        for p in [
            "/directory/tenantGovernance/settings/$count",
            "/directory/tenantGovernance/governanceRequests/x/$count",
            "/directory/tenantGovernance/governanceRequests/count",
        ] {
            assert_eq!(count_segment(&segs(p)), None, "{p}");
        }
    }

    #[test]
    fn path_segments_decode_percent_but_keep_plus() {
        assert_eq!(decode_path_segment("a%20b+c").as_deref(), Some("a b+c"));
        assert!(decode_path_segment("%zz").is_none());
    }

    #[test]
    fn only_the_four_collections_take_query_options() {
        let with: Vec<OperationId> = contract::OPERATIONS
            .iter()
            .map(|o| o.id)
            .filter(|id| shape_of(*id).is_some())
            .collect();
        use OperationId as Op;
        assert_eq!(
            with,
            [
                Op::RequestList,
                Op::InvitationList,
                Op::RelationshipList,
                Op::TemplateList
            ]
        );
    }
}
