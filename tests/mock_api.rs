//! The embedded mock over HTTP: identities, permissions, every lifecycle rule, isolation,
//! paging, bad input, the clock, concurrency, the server's life cycle, and one test per
//! fault showing that the fault changes what a client observes.
//!
//! Every JSON answer is also run through the project's schemas (`check_schema`), so a
//! mock body that breaks the documented shapes fails here.

// Test code: a panic is how a check fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::OnceLock;

use serde_json::{Value, json};
use tgconform::contract::{mint_mock_token, roles, scopes};
use tgconform::mock::{Decision, Fault, MockOptions, MockServer};
use tgconform::schema::{SchemaMode, SchemaRegistry};

const ROOT: &str = "/directory/tenantGovernance";

fn schemas() -> &'static SchemaRegistry {
    static S: OnceLock<SchemaRegistry> = OnceLock::new();
    S.get_or_init(|| SchemaRegistry::builtin().unwrap_or_else(|e| panic!("schemas: {e}")))
}

/// A running mock and a client.
struct Api {
    mock: MockServer,
    http: reqwest::Client,
    /// A mock with faults is meant to break the documented shapes: not checked.
    check_schemas: bool,
}

#[derive(Debug, Clone)]
struct Resp {
    status: u16,
    headers: reqwest::header::HeaderMap,
    json: Value,
}

impl Resp {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
    fn str(&self, pointer: &str) -> String {
        self.json
            .pointer(pointer)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    }
}

enum Body {
    None,
    Json(Value),
    Raw(&'static str),
}

impl Api {
    fn start(faults: &[Fault]) -> Api {
        Self::with(MockOptions {
            faults: faults.to_vec(),
            decisions: Vec::new(),
            control: true,
        })
    }

    fn deciding(decisions: &[Decision]) -> Api {
        Self::with(MockOptions {
            faults: Vec::new(),
            decisions: decisions.to_vec(),
            control: true,
        })
    }

    fn with(opts: MockOptions) -> Api {
        let mock = MockServer::start(opts.clone()).unwrap_or_else(|e| panic!("mock: {e}"));
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_else(|e| panic!("client: {e}"));
        Api {
            check_schemas: opts.faults.is_empty(),
            mock,
            http,
        }
    }

    fn origin(&self) -> String {
        format!("http://{}", self.mock.addr())
    }

    async fn send(&self, token: Option<&str>, method: &str, path: &str, body: Body) -> Resp {
        self.send_with(token, method, path, body, &[]).await
    }

    async fn send_with(
        &self,
        token: Option<&str>,
        method: &str,
        path: &str,
        body: Body,
        headers: &[(&str, &str)],
    ) -> Resp {
        let url = if path.starts_with("http") {
            path.to_string()
        } else if path.starts_with("/_mock") || path.starts_with("/v1.0") || path == "/" {
            format!("{}{path}", self.origin())
        } else {
            format!("{}{path}", self.mock.base_url())
        };
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap_or(reqwest::Method::GET);
        let mut rb = self.http.request(method, &url);
        if let Some(t) = token {
            rb = rb.bearer_auth(t);
        }
        for (k, v) in headers {
            rb = rb.header(*k, *v);
        }
        rb = match body {
            Body::None => rb,
            Body::Json(v) => rb.json(&v),
            Body::Raw(s) => rb.header("content-type", "application/json").body(s),
        };
        let resp = rb.send().await.unwrap_or_else(|e| panic!("{url}: {e}"));
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let bytes = resp.bytes().await.unwrap_or_default();
        let json = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).unwrap_or_else(|e| {
                Value::String(format!(
                    "NOT JSON ({e}): {}",
                    String::from_utf8_lossy(&bytes)
                ))
            })
        };
        let r = Resp {
            status,
            headers,
            json,
        };
        // `$select` answers are projections, not whole entities.
        if self.check_schemas && !path.contains("$select") {
            check_schema(path, &r);
        }
        r
    }

    async fn get(&self, token: &str, path: &str) -> Resp {
        self.send(Some(token), "GET", path, Body::None).await
    }
    async fn post(&self, token: &str, path: &str, body: Value) -> Resp {
        self.send(Some(token), "POST", path, Body::Json(body)).await
    }
    async fn patch(&self, token: &str, path: &str, body: Value) -> Resp {
        self.send(Some(token), "PATCH", path, Body::Json(body))
            .await
    }
    async fn delete(&self, token: &str, path: &str) -> Resp {
        self.send(Some(token), "DELETE", path, Body::None).await
    }
}

/// Run a JSON answer through the project's schema of the addressed type.
fn check_schema(path: &str, r: &Resp) {
    if r.json.is_null() || path.contains("/_mock/") {
        return;
    }
    let ty = if r.status >= 400 {
        "graphError"
    } else if path.contains("refreshStatus") {
        "relatedTenantsRefreshStatus"
    } else if path.contains("governanceRequests") {
        "governanceRequest"
    } else if path.contains("governanceInvitations") {
        "governanceInvitation"
    } else if path.contains("governanceRelationships") {
        "governanceRelationship"
    } else if path.contains("governancePolicyTemplates") {
        "governancePolicyTemplate"
    } else if path.contains("relatedTenants") {
        "relatedTenant"
    } else if path.contains("settings") {
        "tenantGovernanceSetting"
    } else {
        return;
    };
    let items: Vec<&Value> = match r.json.get("value").and_then(Value::as_array) {
        Some(list) if r.status < 400 => list.iter().collect(),
        _ => vec![&r.json],
    };
    for item in items {
        match schemas().validate(ty, item, SchemaMode::Strict) {
            Ok(o) => assert!(
                o.is_valid(),
                "{path}: the mock's `{ty}` breaks the schema: {:?}\n{item}",
                o.violations
            ),
            Err(e) => panic!("{path}: schema `{ty}`: {e}"),
        }
    }
}

// ----- identities -----

struct Tenant {
    tid: String,
    name: String,
}

fn tenant(name: &str) -> Tenant {
    Tenant {
        tid: uuid::Uuid::new_v4().to_string(),
        name: name.to_string(),
    }
}

fn token(t: &Tenant, scp: Option<&str>, app_roles: Option<&[&str]>, wids: &[&str]) -> String {
    let mut c = json!({"tid": t.tid, "tenant_name": t.name, "wids": wids});
    if let Some(s) = scp {
        c["scp"] = json!(s);
    }
    if let Some(r) = app_roles {
        c["roles"] = json!(r);
    }
    mint_mock_token(&c)
}

fn all_rw() -> String {
    scopes::ALL_READ_WRITE.join(" ")
}

fn all_read() -> String {
    scopes::ALL_READ.join(" ")
}

fn admin(t: &Tenant) -> String {
    token(
        t,
        Some(&all_rw()),
        None,
        &[roles::TENANT_GOVERNANCE_ADMINISTRATOR],
    )
}

fn rel_admin(t: &Tenant) -> String {
    token(
        t,
        Some(&all_rw()),
        None,
        &[roles::TENANT_GOVERNANCE_RELATIONSHIP_ADMINISTRATOR],
    )
}

fn reader(t: &Tenant) -> String {
    token(t, Some(&all_read()), None, &[roles::GLOBAL_READER])
}

fn app(t: &Tenant) -> String {
    let r = [
        scopes::REQUEST_READ,
        scopes::INVITATION_READ,
        scopes::RELATIONSHIP_READ,
        scopes::POLICY_TEMPLATE_READ,
        scopes::SETTING_READ,
        scopes::RELATED_TENANT_READ,
    ];
    token(t, None, Some(&r), &[])
}

fn p(rest: &str) -> String {
    format!("{ROOT}{rest}")
}

// ----- flows -----

/// Two tenants: `g` will govern `d`.
struct Pair {
    g: Tenant,
    d: Tenant,
    gt: String,
    dt: String,
}

fn pair() -> Pair {
    let g = tenant("Contoso");
    let d = tenant("Fabrikam");
    let gt = admin(&g);
    let dt = admin(&d);
    Pair { g, d, gt, dt }
}

async fn first_template(api: &Api, tok: &str) -> String {
    let r = api.get(tok, &p("/governancePolicyTemplates")).await;
    r.json["value"]
        .as_array()
        .and_then(|l| l.iter().find(|t| t["id"] != "default"))
        .and_then(|t| t["id"].as_str())
        .unwrap_or("")
        .to_string()
}

fn bind(api: &Api, template: &str) -> String {
    format!(
        "{}{ROOT}/governancePolicyTemplates/{template}",
        api.mock.base_url()
    )
}

async fn enable_invitations(api: &Api, tok: &str) {
    let r = api
        .patch(tok, &p("/settings"), json!({"canReceiveInvitations": true}))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.json);
}

async fn invite(api: &Api, x: &Pair) -> Resp {
    api.post(
        &x.dt,
        &p("/governanceInvitations"),
        json!({"governingTenantId": x.g.tid}),
    )
    .await
}

async fn request(api: &Api, x: &Pair, template: &str) -> Resp {
    api.post(
        &x.gt,
        &p("/governanceRequests"),
        json!({"governedTenantId": x.d.tid, "governancePolicyTemplate@odata.bind": bind(api, template)}),
    )
    .await
}

/// Invitations on, invited, requested: (pair, template, invitation id, request id).
async fn pending(api: &Api) -> (Pair, String, String, String) {
    let x = pair();
    let template = first_template(api, &x.gt).await;
    enable_invitations(api, &x.gt).await;
    let inv = invite(api, &x).await;
    assert_eq!(inv.status, 201, "{:?}", inv.json);
    let req = request(api, &x, &template).await;
    assert_eq!(req.status, 201, "{:?}", req.json);
    (x, template, inv.str("/id"), req.str("/id"))
}

async fn decide(api: &Api, tok: &str, request_id: &str, status: &str) -> Resp {
    api.patch(
        tok,
        &p(&format!("/governanceRequests/{request_id}")),
        json!({"status": status}),
    )
    .await
}

async fn relationships(api: &Api, tok: &str) -> Vec<Value> {
    api.get(tok, &p("/governanceRelationships")).await.json["value"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// Through acceptance: (pair, template, request id, relationship id).
async fn active(api: &Api) -> (Pair, String, String, String) {
    let (x, template, _, req) = pending(api).await;
    let r = decide(api, &x.dt, &req, "accepted").await;
    assert_eq!(r.status, 200, "{:?}", r.json);
    let rel = relationships(api, &x.dt)
        .await
        .first()
        .and_then(|r| r["id"].as_str())
        .unwrap_or("")
        .to_string();
    (x, template, req, rel)
}

async fn set_relationship(api: &Api, tok: &str, id: &str, status: &str) -> Resp {
    api.patch(
        tok,
        &p(&format!("/governanceRelationships/{id}")),
        json!({"status": status}),
    )
    .await
}

async fn advance(api: &Api, tok: Option<&str>, by: &str) -> Resp {
    api.send(
        tok,
        "POST",
        "/_mock/clock",
        Body::Json(json!({"advance": by})),
    )
    .await
}

fn template_body(name: &str) -> Value {
    json!({
        "displayName": name,
        "description": "d",
        "multiTenantApplicationsToProvision": [{
            "appId": "66667777-aaaa-8888-bbbb-9999cccc0000",
            "objectId": "cccccccc-2222-3333-4444-dddddddddddd",
            "displayName": "Mega Monitor",
            "requiredResourceAccesses": [{
                "resourceAppId": "00000003-0000-0000-c000-000000000000",
                "permissions": [{"id": "e1fe6dd8-ba31-4d61-89e7-88639da4683d", "name": "User.Read", "type": "scope"}]
            }]
        }],
        "delegatedAdministrationRoleAssignments": [{
            "roleTemplates": [{"id": "f2ef992c-3afb-46b9-b7cf-a126ee74c451", "name": "Global Reader"}],
            "group": {"id": "ffffffff-5555-6666-7777-aaaaaaaaaaaa"}
        }]
    })
}

// ===== identities and permissions =====

#[tokio::test]
async fn a_request_without_a_token_is_401_invalid_authentication_token() {
    let api = Api::start(&[]);
    let r = api.send(None, "GET", &p("/settings"), Body::None).await;
    assert_eq!(r.status, 401);
    assert_eq!(r.str("/error/code"), "InvalidAuthenticationToken");
}

#[tokio::test]
async fn malformed_bearer_values_are_401() {
    let api = Api::start(&[]);
    let no_tid = mint_mock_token(&json!({"scp": "x"}));
    for bad in ["not-a-jwt", "a.b.c", "e30.e30", no_tid.as_str()] {
        let r = api.get(bad, &p("/governanceRequests")).await;
        assert_eq!(r.status, 401, "{bad}");
    }
    let r = api
        .send_with(
            None,
            "GET",
            &p("/settings"),
            Body::None,
            &[("authorization", "Basic abc")],
        )
        .await;
    assert_eq!(r.status, 401);
}

/// (what, token, method, path, body, expected status)
type PermissionCase = (
    &'static str,
    String,
    &'static str,
    &'static str,
    Option<Value>,
    u16,
);

#[tokio::test]
async fn permission_matrix_of_fact_sheet_section_5() {
    let api = Api::start(&[]);
    let t = tenant("T");
    let no_scope = token(
        &t,
        Some("User.Read"),
        None,
        &[roles::TENANT_GOVERNANCE_ADMINISTRATOR],
    );
    let no_role = token(&t, Some(&all_rw()), None, &[]);
    let settings = json!({"canReceiveInvitations": true});
    let cases: Vec<PermissionCase> = vec![
        (
            "admin writes settings",
            admin(&t),
            "PATCH",
            "/settings",
            Some(settings.clone()),
            200,
        ),
        (
            "missing scope on a write",
            no_scope.clone(),
            "PATCH",
            "/settings",
            Some(settings.clone()),
            403,
        ),
        (
            "missing scope on a read",
            no_scope,
            "GET",
            "/governanceRequests",
            None,
            403,
        ),
        (
            "missing role on a write",
            no_role.clone(),
            "PATCH",
            "/settings",
            Some(settings.clone()),
            403,
        ),
        (
            "missing role on a read",
            no_role,
            "GET",
            "/settings",
            None,
            403,
        ),
        ("reader reads", reader(&t), "GET", "/settings", None, 200),
        (
            "reader cannot write",
            reader(&t),
            "PATCH",
            "/settings",
            Some(settings.clone()),
            403,
        ),
        (
            "app-only reads settings",
            app(&t),
            "GET",
            "/settings",
            None,
            200,
        ),
        (
            "app-only lists requests",
            app(&t),
            "GET",
            "/governanceRequests",
            None,
            200,
        ),
        (
            "app-only cannot read templates",
            app(&t),
            "GET",
            "/governancePolicyTemplates",
            None,
            403,
        ),
        (
            "app-only cannot write",
            app(&t),
            "PATCH",
            "/settings",
            Some(settings),
            403,
        ),
        (
            "app-only cannot invite",
            app(&t),
            "POST",
            "/governanceInvitations",
            Some(json!({"governingTenantId": "x"})),
            403,
        ),
        (
            "relationship admin cannot change settings",
            rel_admin(&t),
            "PATCH",
            "/settings",
            Some(json!({"canReceiveInvitations": false})),
            403,
        ),
        (
            "relationship admin creates templates",
            rel_admin(&t),
            "POST",
            "/governancePolicyTemplates",
            Some(template_body("r")),
            201,
        ),
        (
            "relationship admin cannot delete templates",
            rel_admin(&t),
            "DELETE",
            "/governancePolicyTemplates/default",
            None,
            403,
        ),
        (
            "relationship admin cannot list related tenants",
            rel_admin(&t),
            "GET",
            "/relatedTenants",
            None,
            403,
        ),
    ];
    for (what, tok, method, path, body, want) in cases {
        let body = body.map(Body::Json).unwrap_or(Body::None);
        let r = api.send(Some(&tok), method, &p(path), body).await;
        assert_eq!(r.status, want, "{what}: {:?}", r.json);
        if want == 403 {
            assert_eq!(
                r.str("/error/code"),
                "Authorization_RequestDenied",
                "{what}"
            );
        }
    }
}

#[tokio::test]
async fn a_relationship_administrator_creates_requests_but_cannot_decide_them() {
    let api = Api::start(&[]);
    let (x, _, _, req) = pending(&api).await;
    let r = decide(&api, &rel_admin(&x.d), &req, "accepted").await;
    assert_eq!(r.status, 403);
    let template = first_template(&api, &rel_admin(&x.g)).await;
    assert!(!template.is_empty());
}

#[tokio::test]
async fn tenant_names_come_from_the_token() {
    let api = Api::start(&[]);
    let (x, _, _, req) = pending(&api).await;
    let r = api
        .get(&x.dt, &p(&format!("/governanceRequests/{req}")))
        .await;
    assert_eq!(r.str("/governingTenantName"), "Contoso");
    assert_eq!(r.str("/governedTenantName"), "Fabrikam");
}

// ===== envelope, headers, routing =====

#[tokio::test]
async fn an_entity_carries_context_type_and_graph_headers() {
    let api = Api::start(&[]);
    let t = tenant("T");
    let r = api
        .send_with(
            Some(&admin(&t)),
            "GET",
            &p("/settings"),
            Body::None,
            &[("client-request-id", "abc-123")],
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(
        r.str("/@odata.context"),
        format!(
            "{}/$metadata#directory/tenantGovernance/settings/$entity",
            api.mock.base_url()
        )
    );
    assert_eq!(
        r.str("/@odata.type"),
        "#microsoft.graph.tenantGovernanceServices.tenantGovernanceSetting"
    );
    assert_eq!(r.json["canReceiveInvitations"], false);
    assert_eq!(r.json["isRelatedTenantsEnabled"], false);
    assert!(
        r.header("content-type")
            .unwrap_or("")
            .starts_with("application/json;odata.metadata=minimal")
    );
    assert_eq!(r.header("request-id").map(str::len), Some(36));
    assert_eq!(r.header("client-request-id"), Some("abc-123"));
    assert!(r.header("date").is_some_and(|d| d.ends_with("GMT")));
}

#[tokio::test]
async fn without_a_client_request_id_the_request_id_is_echoed_as_one() {
    let api = Api::start(&[]);
    let r = api.get(&admin(&tenant("T")), &p("/settings")).await;
    assert_eq!(r.header("client-request-id"), r.header("request-id"));
}

#[tokio::test]
async fn an_error_has_code_message_and_inner_error_with_the_ids() {
    let api = Api::start(&[]);
    let r = api
        .send_with(
            Some(&admin(&tenant("T"))),
            "GET",
            &p("/governanceRequests/nope"),
            Body::None,
            &[("client-request-id", "c-1")],
        )
        .await;
    assert_eq!(r.status, 404);
    assert_eq!(r.str("/error/code"), "Request_ResourceNotFound");
    assert!(!r.str("/error/message").is_empty());
    let date = r.str("/error/innerError/date");
    assert_eq!(date.len(), 19, "{date}");
    assert!(!date.ends_with('Z'));
    assert_eq!(
        r.str("/error/innerError/request-id"),
        r.header("request-id").unwrap_or("")
    );
    assert_eq!(r.str("/error/innerError/client-request-id"), "c-1");
    assert!(
        r.header("content-type")
            .unwrap_or("")
            .starts_with("application/json")
    );
}

/// (what, method, path, expected status)
#[tokio::test]
async fn routing_answers_400_404_405_like_graph() {
    let api = Api::start(&[]);
    let tok = admin(&tenant("T"));
    let cases = [
        (
            "unknown segment",
            "GET",
            "/beta/directory/tenantGovernance/nope",
            400,
        ),
        ("unknown root", "GET", "/beta/me", 400),
        (
            "DELETE a request",
            "DELETE",
            "/beta/directory/tenantGovernance/governanceRequests/x",
            405,
        ),
        (
            "POST a relationship",
            "POST",
            "/beta/directory/tenantGovernance/governanceRelationships",
            405,
        ),
        (
            "PUT settings",
            "PUT",
            "/beta/directory/tenantGovernance/settings",
            405,
        ),
        (
            "PATCH an invitation",
            "PATCH",
            "/beta/directory/tenantGovernance/governanceInvitations/x",
            405,
        ),
        (
            "GET an action",
            "GET",
            "/beta/directory/tenantGovernance/settings/enableRelatedTenants",
            405,
        ),
        (
            "v1.0 is not served",
            "GET",
            "/v1.0/directory/tenantGovernance/settings",
            404,
        ),
    ];
    for (what, method, path, want) in cases {
        let url = format!("{}{path}", api.origin());
        let r = api.send(Some(&tok), method, &url, Body::None).await;
        assert_eq!(r.status, want, "{what}: {:?}", r.json);
        assert!(r.json["error"]["code"].is_string(), "{what}");
    }
    let r = api
        .send(
            Some(&tok),
            "DELETE",
            &p("/governanceRequests/x"),
            Body::None,
        )
        .await;
    assert_eq!(r.header("allow"), Some("GET, PATCH"));
}

#[tokio::test]
async fn namespace_qualified_bound_operations_work_like_the_short_form() {
    let api = Api::start(&[]);
    let tok = admin(&tenant("T"));
    let r = api
        .send(
            Some(&tok),
            "POST",
            &p("/settings/microsoft.graph.tenantGovernanceServices.enableRelatedTenants"),
            Body::None,
        )
        .await;
    assert_eq!(r.status, 204);
    let r = api
        .get(
            &tok,
            &p("/relatedTenants/microsoft.graph.tenantGovernanceServices.refreshStatus()"),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.json);
}

// ===== requests =====

#[tokio::test]
async fn a_created_request_is_pending_expires_in_14_days_and_snapshots_the_template() {
    let api = Api::start(&[]);
    let x = pair();
    let template = first_template(&api, &x.gt).await;
    enable_invitations(&api, &x.gt).await;
    invite(&api, &x).await;
    let r = request(&api, &x, &template).await;
    assert_eq!(r.status, 201);
    assert_eq!(r.str("/status"), "pending");
    assert_eq!(r.str("/governingTenantId"), x.g.tid);
    assert_eq!(r.str("/policySnapshot/policyId"), template);
    let id = r.str("/id");
    assert_eq!(
        r.header("location").map(str::to_string),
        Some(format!(
            "{}{ROOT}/governanceRequests/{id}",
            api.mock.base_url()
        ))
    );
    let at = |k: &str| chrono::DateTime::parse_from_rfc3339(&r.str(k)).ok();
    let (req, exp) = (at("/requestDateTime"), at("/expirationDateTime"));
    assert_eq!(exp.zip(req).map(|(e, q)| (e - q).num_days()), Some(14));
    assert!(r.str("/requestDateTime").ends_with('Z'));
}

#[tokio::test]
async fn a_relative_template_binding_is_accepted() {
    let api = Api::start(&[]);
    let x = pair();
    let template = first_template(&api, &x.gt).await;
    enable_invitations(&api, &x.gt).await;
    invite(&api, &x).await;
    let r = api
        .post(&x.gt, &p("/governanceRequests"), json!({"governedTenantId": x.d.tid, "governancePolicyTemplate@odata.bind": format!("directory/tenantGovernance/governancePolicyTemplates/{template}")}))
        .await;
    assert_eq!(r.status, 201, "{:?}", r.json);
}

/// (what, body, expected status) for request creation after a valid invitation.
#[tokio::test]
async fn request_creation_refusals() {
    let api = Api::start(&[]);
    let x = pair();
    let template = first_template(&api, &x.gt).await;
    enable_invitations(&api, &x.gt).await;
    invite(&api, &x).await;
    let good_bind = bind(&api, &template);
    let cases = vec![
        (
            "to oneself",
            json!({"governedTenantId": x.g.tid, "governancePolicyTemplate@odata.bind": good_bind}),
            400,
        ),
        (
            "unknown template",
            json!({"governedTenantId": x.d.tid, "governancePolicyTemplate@odata.bind": bind(&api, "00000000-0000-0000-0000-00000000dead")}),
            400,
        ),
        (
            "bind to another collection",
            json!({"governedTenantId": x.d.tid, "governancePolicyTemplate@odata.bind": format!("{}{ROOT}/governanceRequests/x", api.mock.base_url())}),
            400,
        ),
        ("missing bind", json!({"governedTenantId": x.d.tid}), 400),
        (
            "missing governedTenantId",
            json!({"governancePolicyTemplate@odata.bind": good_bind}),
            400,
        ),
        (
            "read-only status",
            json!({"governedTenantId": x.d.tid, "governancePolicyTemplate@odata.bind": good_bind, "status": "accepted"}),
            400,
        ),
        (
            "unknown property",
            json!({"governedTenantId": x.d.tid, "governancePolicyTemplate@odata.bind": good_bind, "note": 1}),
            400,
        ),
        (
            "governedTenantId of the wrong type",
            json!({"governedTenantId": 7, "governancePolicyTemplate@odata.bind": good_bind}),
            400,
        ),
        (
            "an uninvited tenant",
            json!({"governedTenantId": tenant("X").tid, "governancePolicyTemplate@odata.bind": good_bind}),
            403,
        ),
    ];
    for (what, body, want) in cases {
        let r = api.post(&x.gt, &p("/governanceRequests"), body).await;
        assert_eq!(r.status, want, "{what}: {:?}", r.json);
    }
    let r = api.get(&x.gt, &p("/governanceRequests")).await;
    assert_eq!(
        r.json["value"].as_array().map(Vec::len),
        Some(0),
        "nothing was created"
    );
    let ok = request(&api, &x, &template).await;
    assert_eq!(ok.status, 201);
    let dup = request(&api, &x, &template).await;
    assert_eq!(dup.status, 409, "a second pending request for the pair");
}

/// (what, who decides, status sent, expected)
#[tokio::test]
async fn deciding_a_pending_request() {
    let cases: Vec<(&str, bool, Value, u16)> = vec![
        ("governed accepts", true, json!("accepted"), 200),
        ("governed rejects", true, json!("rejected"), 200),
        ("governing accepts its own", false, json!("accepted"), 403),
        ("pending is no decision", true, json!("pending"), 400),
        (
            "unknownFutureValue is no decision",
            true,
            json!("unknownFutureValue"),
            400,
        ),
        ("unknown member", true, json!("approved"), 400),
        ("wrong case", true, json!("Accepted"), 400),
        ("wrong type", true, json!(true), 400),
    ];
    for (what, governed, status, want) in cases {
        let api = Api::start(&[]);
        let (x, _, _, req) = pending(&api).await;
        let tok = if governed { &x.dt } else { &x.gt };
        let r = api
            .patch(
                tok,
                &p(&format!("/governanceRequests/{req}")),
                json!({"status": status}),
            )
            .await;
        assert_eq!(r.status, want, "{what}: {:?}", r.json);
        if want == 200 {
            assert_eq!(r.json["status"], status, "{what}");
        } else {
            let now = api
                .get(&x.dt, &p(&format!("/governanceRequests/{req}")))
                .await;
            assert_eq!(now.str("/status"), "pending", "{what}");
        }
    }
}

#[tokio::test]
async fn a_decided_request_cannot_be_decided_again() {
    let api = Api::start(&[]);
    let (x, _, _, req) = pending(&api).await;
    assert_eq!(decide(&api, &x.dt, &req, "accepted").await.status, 200);
    for again in ["accepted", "rejected"] {
        let r = decide(&api, &x.dt, &req, again).await;
        assert_eq!(r.status, 409, "{again}");
        assert_eq!(r.str("/error/code"), "Conflict");
    }
    assert_eq!(relationships(&api, &x.gt).await.len(), 1);
}

#[tokio::test]
async fn missing_body_or_extra_properties_in_a_decision_are_400() {
    let api = Api::start(&[]);
    let (x, _, _, req) = pending(&api).await;
    let path = p(&format!("/governanceRequests/{req}"));
    for body in [
        json!({}),
        json!({"status": "accepted", "governedTenantId": "x"}),
        json!([]),
    ] {
        assert_eq!(
            api.patch(&x.dt, &path, body.clone()).await.status,
            400,
            "{body}"
        );
    }
    let r = api
        .send(Some(&x.dt), "PATCH", &path, Body::Raw("{\"status\": "))
        .await;
    assert_eq!(r.status, 400);
}

// ===== relationships =====

#[tokio::test]
async fn acceptance_creates_one_relationship_both_tenants_see() {
    let api = Api::start(&[]);
    let (x, template, _, rel) = active(&api).await;
    for tok in [&x.gt, &x.dt] {
        let list = relationships(&api, tok).await;
        assert_eq!(list.len(), 1);
        assert_eq!(list[0]["id"], json!(rel));
    }
    let r = api
        .get(&x.gt, &p(&format!("/governanceRelationships/{rel}")))
        .await;
    assert_eq!(r.str("/status"), "active");
    assert_eq!(r.str("/createdType"), "approvedByAdmin");
    assert_eq!(r.str("/policySnapshot/policyId"), template);
    assert_eq!(r.str("/governedTenantName"), "Fabrikam");
    assert!(
        r.json["policySnapshot"]["delegatedAdministrationRoleAssignments"][0]["groupId"]
            .is_string()
    );
}

#[tokio::test]
async fn a_second_accepted_request_updates_the_live_relationship_in_place() {
    let api = Api::start(&[]);
    let (x, _, _, rel) = active(&api).await;
    let t = api
        .post(
            &x.gt,
            &p("/governancePolicyTemplates"),
            template_body("second"),
        )
        .await;
    let second = t.str("/id");
    // Two-step handshake: the active relationship stands in for an invitation.
    let r = request(&api, &x, &second).await;
    assert_eq!(r.status, 201, "{:?}", r.json);
    assert_eq!(
        decide(&api, &x.dt, &r.str("/id"), "accepted").await.status,
        200
    );
    let list = relationships(&api, &x.dt).await;
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["id"], json!(rel));
    assert_eq!(list[0]["policySnapshot"]["policyId"], json!(second));
}

/// (who: g/d, status sent, expected status)
type TerminationStep = (&'static str, &'static str, u16);

/// Termination sequences: each step is (who: g/d, status, expected).
#[tokio::test]
async fn relationship_termination_rules() {
    let cases: Vec<(&str, Vec<TerminationStep>)> = vec![
        (
            "governed terminates directly",
            vec![("d", "terminated", 200)],
        ),
        (
            "governing requests, governed confirms",
            vec![
                ("g", "terminationRequestedByGoverningTenant", 200),
                ("d", "terminated", 200),
            ],
        ),
        ("governing cannot terminate", vec![("g", "terminated", 403)]),
        (
            "governed cannot request termination",
            vec![("d", "terminationRequestedByGoverningTenant", 403)],
        ),
        (
            "active cannot be set",
            vec![("g", "active", 400), ("d", "active", 400)],
        ),
        (
            "termination requested twice",
            vec![
                ("g", "terminationRequestedByGoverningTenant", 200),
                ("g", "terminationRequestedByGoverningTenant", 409),
            ],
        ),
        (
            "a termination request cannot be withdrawn",
            vec![
                ("g", "terminationRequestedByGoverningTenant", 200),
                ("g", "active", 400),
            ],
        ),
        (
            "terminated is final",
            vec![
                ("d", "terminated", 200),
                ("d", "terminated", 409),
                ("d", "active", 409),
                ("g", "terminationRequestedByGoverningTenant", 409),
            ],
        ),
        (
            "unknown member",
            vec![
                ("d", "ended", 400),
                ("d", "Terminated", 400),
                ("d", "unknownFutureValue", 400),
            ],
        ),
    ];
    for (what, steps) in cases {
        let api = Api::start(&[]);
        let (x, _, _, rel) = active(&api).await;
        for (who, status, want) in steps {
            let tok = if who == "g" { &x.gt } else { &x.dt };
            let r = set_relationship(&api, tok, &rel, status).await;
            assert_eq!(r.status, want, "{what}: {who} → {status}: {:?}", r.json);
        }
    }
}

#[tokio::test]
async fn terminated_relationships_stay_listed() {
    let api = Api::start(&[]);
    let (x, _, _, rel) = active(&api).await;
    set_relationship(&api, &x.dt, &rel, "terminated").await;
    let list = relationships(&api, &x.gt).await;
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["status"], "terminated");
}

// ===== invitations =====

#[tokio::test]
async fn an_invitation_needs_the_governing_tenants_setting() {
    let api = Api::start(&[]);
    let x = pair();
    api.get(&x.gt, &p("/settings")).await;
    let r = invite(&api, &x).await;
    assert_eq!(r.status, 403, "{:?}", r.json);
    enable_invitations(&api, &x.gt).await;
    let r = invite(&api, &x).await;
    assert_eq!(r.status, 201);
    assert_eq!(r.str("/governedTenantId"), x.d.tid);
    assert_eq!(r.str("/governingTenantName"), "Contoso");
    let at = |k: &str| chrono::DateTime::parse_from_rfc3339(&r.str(k)).ok();
    let days = at("/expirationDateTime")
        .zip(at("/createdDateTime"))
        .map(|(e, c)| (e - c).num_days());
    assert_eq!(days, Some(30));
    assert_eq!(
        invite(&api, &x).await.status,
        409,
        "a second live invitation"
    );
}

/// (what, body, expected)
#[tokio::test]
async fn invitation_creation_refusals() {
    let api = Api::start(&[]);
    let x = pair();
    enable_invitations(&api, &x.gt).await;
    let cases = vec![
        ("to oneself", json!({"governingTenantId": x.d.tid}), 400),
        ("missing governingTenantId", json!({}), 400),
        (
            "read-only governedTenantId",
            json!({"governingTenantId": x.g.tid, "governedTenantId": x.d.tid}),
            400,
        ),
        ("wrong type", json!({"governingTenantId": ["x"]}), 400),
    ];
    for (what, body, want) in cases {
        let r = api.post(&x.dt, &p("/governanceInvitations"), body).await;
        assert_eq!(r.status, want, "{what}: {:?}", r.json);
    }
}

#[tokio::test]
async fn an_invitation_to_a_tenant_that_does_not_exist_is_404() {
    let api = Api::start(&[]);
    let x = pair();
    let body = json!({"governingTenantId": tenant("Nobody").tid});
    let r = api.post(&x.dt, &p("/governanceInvitations"), body).await;
    assert_eq!(r.status, 404, "{:?}", r.json);
    assert_eq!(r.str("/error/code"), "Request_ResourceNotFound");
}

#[tokio::test]
async fn both_tenants_read_an_invitation_and_only_the_creator_deletes_it() {
    let api = Api::start(&[]);
    let x = pair();
    enable_invitations(&api, &x.gt).await;
    let id = invite(&api, &x).await.str("/id");
    let path = p(&format!("/governanceInvitations/{id}"));
    assert_eq!(api.get(&x.gt, &path).await.status, 200);
    assert_eq!(api.get(&x.dt, &path).await.status, 200);
    assert_eq!(api.delete(&x.gt, &path).await.status, 403);
    assert_eq!(api.delete(&x.dt, &path).await.status, 204);
    assert_eq!(api.get(&x.dt, &path).await.status, 404);
    assert_eq!(api.delete(&x.dt, &path).await.status, 404);
}

#[tokio::test]
async fn a_request_needs_an_invitation_from_the_governed_tenant() {
    let api = Api::start(&[]);
    let x = pair();
    let template = first_template(&api, &x.gt).await;
    api.get(&x.dt, &p("/settings")).await;
    let r = request(&api, &x, &template).await;
    assert_eq!(r.status, 403);
    assert_eq!(r.str("/error/code"), "Forbidden");
    // An invitation the other way round (governing invites governed) does not count.
    enable_invitations(&api, &x.dt).await;
    let back = api
        .post(
            &x.gt,
            &p("/governanceInvitations"),
            json!({"governingTenantId": x.d.tid}),
        )
        .await;
    assert_eq!(back.status, 201);
    assert_eq!(request(&api, &x, &template).await.status, 403);
}

// ===== templates =====

#[tokio::test]
async fn every_tenant_has_the_default_and_a_sample_template() {
    let api = Api::start(&[]);
    let tok = admin(&tenant("T"));
    let r = api
        .get(&tok, &p("/governancePolicyTemplates/default"))
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.str("/version"), "1.0");
    assert_eq!(r.json["multiTenantApplicationsToProvision"], json!([]));
    assert!(!first_template(&api, &tok).await.is_empty());
}

#[tokio::test]
async fn a_template_update_bumps_the_version_and_moves_last_modified() {
    let api = Api::start(&[]);
    let tok = admin(&tenant("T"));
    let c = api
        .post(&tok, &p("/governancePolicyTemplates"), template_body("v"))
        .await;
    assert_eq!(c.status, 201);
    assert_eq!(c.str("/version"), "1.0");
    assert_eq!(c.str("/createdDateTime"), c.str("/lastModifiedDateTime"));
    let path = p(&format!("/governancePolicyTemplates/{}", c.str("/id")));
    let u = api.patch(&tok, &path, json!({"displayName": "v2"})).await;
    assert_eq!(u.status, 200);
    assert_eq!(u.str("/version"), "2.0");
    assert_eq!(
        u.str("/description"),
        "d",
        "a PATCH keeps what it does not name"
    );
    assert!(u.str("/lastModifiedDateTime") > c.str("/lastModifiedDateTime"));
    let u = api
        .patch(
            &tok,
            &p("/governancePolicyTemplates/default"),
            json!({"description": "x"}),
        )
        .await;
    assert_eq!(u.str("/version"), "2.0");
}

/// (what, body, expected) for POST governancePolicyTemplates.
#[tokio::test]
async fn template_validation() {
    let api = Api::start(&[]);
    let tok = admin(&tenant("T"));
    let drop = |k: &str| {
        let mut b = template_body("n");
        if let Some(o) = b.as_object_mut() {
            o.remove(k);
        }
        b
    };
    let with = |k: &str, v: Value| {
        let mut b = template_body("n");
        b[k] = v;
        b
    };
    let perm = |ty: &str| {
        let mut b = template_body("n");
        b["multiTenantApplicationsToProvision"][0]["requiredResourceAccesses"][0]["permissions"]
            [0]["type"] = json!(ty);
        b
    };
    let cases = vec![
        ("complete", template_body("n"), 201),
        (
            "empty arrays",
            json!({"displayName": "e", "description": "", "multiTenantApplicationsToProvision": [], "delegatedAdministrationRoleAssignments": []}),
            201,
        ),
        ("role permission", perm("role"), 201),
        ("missing displayName", drop("displayName"), 400),
        ("missing description", drop("description"), 400),
        (
            "missing applications",
            drop("multiTenantApplicationsToProvision"),
            400,
        ),
        (
            "missing role assignments",
            drop("delegatedAdministrationRoleAssignments"),
            400,
        ),
        ("empty displayName", with("displayName", json!(" ")), 400),
        ("read-only version", with("version", json!("9.0")), 400),
        ("read-only id", with("id", json!("x")), 400),
        ("unknown property", with("colour", json!("red")), 400),
        ("unknown permission type", perm("delegated"), 400),
        ("sentinel permission type", perm("unknownFutureValue"), 400),
        (
            "applications not an array",
            with("multiTenantApplicationsToProvision", json!({})),
            400,
        ),
        (
            "appId not a GUID",
            {
                let mut b = template_body("n");
                b["multiTenantApplicationsToProvision"][0]["appId"] = json!("x");
                b
            },
            400,
        ),
        (
            "no roles in an assignment",
            {
                let mut b = template_body("n");
                b["delegatedAdministrationRoleAssignments"][0]["roleTemplates"] = json!([]);
                b
            },
            400,
        ),
        (
            "read-only groupDisplayName",
            {
                let mut b = template_body("n");
                b["delegatedAdministrationRoleAssignments"][0]["groupDisplayName"] = json!("g");
                b
            },
            400,
        ),
        (
            "governedTenantCanTerminate is ignored",
            with("governedTenantCanTerminate", json!(true)),
            201,
        ),
    ];
    for (what, body, want) in cases {
        let r = api.post(&tok, &p("/governancePolicyTemplates"), body).await;
        assert_eq!(r.status, want, "{what}: {:?}", r.json);
    }
    let r = api
        .patch(&tok, &p("/governancePolicyTemplates/default"), json!({}))
        .await;
    assert_eq!(r.status, 400, "an empty PATCH");
    let r = api
        .patch(
            &tok,
            &p("/governancePolicyTemplates/default"),
            json!({"displayName": null}),
        )
        .await;
    assert_eq!(r.status, 400, "a null displayName");
}

#[tokio::test]
async fn binding_the_default_template_before_it_is_configured_is_400() {
    let api = Api::start(&[]);
    let x = pair();
    enable_invitations(&api, &x.gt).await;
    assert_eq!(invite(&api, &x).await.status, 201);
    let r = request(&api, &x, "default").await;
    assert_eq!(r.status, 400, "{:?}", r.json);
    let roles = json!([{"roleTemplates": [{"id": "f2ef992c-3afb-46b9-b7cf-a126ee74c451"}], "group": {"id": "ffffffff-5555-6666-7777-aaaaaaaaaaaa"}}]);
    let u = api
        .patch(
            &x.gt,
            &p("/governancePolicyTemplates/default"),
            json!({"delegatedAdministrationRoleAssignments": roles}),
        )
        .await;
    assert_eq!(u.status, 200, "{:?}", u.json);
    let r = request(&api, &x, "default").await;
    assert_eq!(r.status, 201, "configured now: {:?}", r.json);
    assert_eq!(r.str("/policySnapshot/policyId"), "default");
}

#[tokio::test]
async fn the_server_fills_group_display_name_in_templates_and_snapshots() {
    let api = Api::start(&[]);
    let x = pair();
    let mut body = template_body("named groups");
    body["delegatedAdministrationRoleAssignments"][0]["group"] =
        json!({"id": "abcdef01-5555-6666-7777-aaaaaaaaaaaa"});
    let t = api
        .post(&x.gt, &p("/governancePolicyTemplates"), body)
        .await;
    assert_eq!(t.status, 201, "{:?}", t.json);
    let name = "Group abcdef01";
    assert_eq!(
        t.str("/delegatedAdministrationRoleAssignments/0/groupDisplayName"),
        name
    );
    enable_invitations(&api, &x.gt).await;
    assert_eq!(invite(&api, &x).await.status, 201);
    let r = request(&api, &x, &t.str("/id")).await;
    assert_eq!(r.status, 201, "{:?}", r.json);
    let snap = &r.json["policySnapshot"]["delegatedAdministrationRoleAssignments"][0];
    assert_eq!(snap["groupId"], "abcdef01-5555-6666-7777-aaaaaaaaaaaa");
    assert_eq!(snap["groupDisplayName"], name);
}

/// Every template body the mock accepts is answered in the documented shape: each
/// part of a complete body is left out, and set to null, in turn; each variant is
/// either refused (400) or created with a body the response schema accepts.
#[tokio::test]
async fn every_accepted_template_body_answers_in_the_response_schema() {
    fn leaves(v: &Value, at: String, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                for (k, x) in m {
                    let here = format!("{at}/{k}");
                    out.push(here.clone());
                    leaves(x, here, out);
                }
            }
            Value::Array(a) => {
                for (i, x) in a.iter().enumerate() {
                    leaves(x, format!("{at}/{i}"), out);
                }
            }
            _ => {}
        }
    }
    fn edit(v: &mut Value, pointer: &str, null: bool) {
        let (parent, key) = pointer.rsplit_once('/').unwrap_or(("", pointer));
        if let Some(Value::Object(m)) = v.pointer_mut(parent) {
            if null {
                m.insert(key.to_string(), Value::Null);
            } else {
                m.remove(key);
            }
        }
    }
    let api = Api::start(&[]);
    let tok = admin(&tenant("T"));
    let full = template_body("variants");
    let mut paths = Vec::new();
    leaves(&full, String::new(), &mut paths);
    let (mut accepted, mut refused) = (0, 0);
    for path in &paths {
        for null in [false, true] {
            let mut body = full.clone();
            edit(&mut body, path, null);
            let r = api.post(&tok, &p("/governancePolicyTemplates"), body).await;
            match r.status {
                201 => {
                    accepted += 1;
                    let o = schemas()
                        .validate("governancePolicyTemplate", &r.json, SchemaMode::Strict)
                        .unwrap_or_else(|e| panic!("{e}"));
                    assert!(
                        o.is_valid(),
                        "{path} (null: {null}): {:?}\n{}",
                        o.violations,
                        r.json
                    );
                }
                400 => refused += 1,
                other => panic!("{path} (null: {null}): {other} {:?}", r.json),
            }
        }
    }
    assert!(
        accepted > 0 && refused > 0,
        "accepted {accepted}, refused {refused}"
    );
}

#[tokio::test]
async fn default_and_in_use_templates_cannot_be_deleted() {
    let api = Api::start(&[]);
    let (x, template, _, rel) = active(&api).await;
    let r = api
        .delete(&x.gt, &p("/governancePolicyTemplates/default"))
        .await;
    assert_eq!(r.status, 400);
    let path = p(&format!("/governancePolicyTemplates/{template}"));
    assert_eq!(api.delete(&x.gt, &path).await.status, 409);
    set_relationship(&api, &x.gt, &rel, "terminationRequestedByGoverningTenant").await;
    assert_eq!(
        api.delete(&x.gt, &path).await.status,
        409,
        "still in use while termination is pending"
    );
    set_relationship(&api, &x.dt, &rel, "terminated").await;
    assert_eq!(api.delete(&x.gt, &path).await.status, 204);
    assert_eq!(api.get(&x.gt, &path).await.status, 404);
}

#[tokio::test]
async fn a_template_update_does_not_change_existing_snapshots() {
    let api = Api::start(&[]);
    let (x, template, req, rel) = active(&api).await;
    let new_roles = json!([{"roleTemplates": [{"id": "62e90394-69f5-4237-9190-012177145e10", "name": "Global Administrator"}], "group": {"id": "ffffffff-5555-6666-7777-aaaaaaaaaaaa"}}]);
    let u = api
        .patch(
            &x.gt,
            &p(&format!("/governancePolicyTemplates/{template}")),
            json!({"delegatedAdministrationRoleAssignments": new_roles}),
        )
        .await;
    assert_eq!(u.status, 200);
    for path in [
        format!("/governanceRelationships/{rel}"),
        format!("/governanceRequests/{req}"),
    ] {
        let r = api.get(&x.dt, &p(&path)).await;
        assert_eq!(
            r.json["policySnapshot"]["delegatedAdministrationRoleAssignments"][0]["roleTemplates"]
                [0]["name"],
            "Global Reader",
            "{path}"
        );
    }
}

// ===== settings and related tenants =====

#[tokio::test]
async fn settings_accept_only_can_receive_invitations() {
    let api = Api::start(&[]);
    let tok = admin(&tenant("T"));
    let cases = [
        (json!({"canReceiveInvitations": true}), 200),
        (json!({"canReceiveInvitations": "yes"}), 400),
        (json!({"canReceiveInvitations": null}), 400),
        (json!({"isRelatedTenantsEnabled": true}), 400),
        (
            json!({"canReceiveInvitations": true, "isRelatedTenantsEnabled": true}),
            400,
        ),
        (json!({}), 400),
        (json!({"other": 1}), 400),
    ];
    for (body, want) in cases {
        let r = api.patch(&tok, &p("/settings"), body.clone()).await;
        assert_eq!(r.status, want, "{body}");
    }
    let r = api.get(&tok, &p("/settings")).await;
    assert_eq!(r.json["canReceiveInvitations"], true);
    assert_eq!(r.json["isRelatedTenantsEnabled"], false);
}

#[tokio::test]
async fn related_tenants_work_only_after_enabling() {
    let api = Api::start(&[]);
    let (x, _, _, _) = pending(&api).await;
    for path in [
        "/relatedTenants",
        "/relatedTenants/refreshStatus",
        &format!("/relatedTenants/{}", x.d.tid),
    ] {
        assert_eq!(api.get(&x.gt, &p(path)).await.status, 403, "{path}");
    }
    assert_eq!(
        api.send(
            Some(&x.gt),
            "POST",
            &p("/relatedTenants/refresh"),
            Body::None
        )
        .await
        .status,
        403
    );
    for _ in 0..2 {
        let r = api
            .send(
                Some(&x.gt),
                "POST",
                &p("/settings/enableRelatedTenants"),
                Body::None,
            )
            .await;
        assert_eq!(r.status, 204);
    }
    let list = api.get(&x.gt, &p("/relatedTenants")).await;
    assert_eq!(list.status, 200);
    assert_eq!(list.json["value"][0]["id"], json!(x.d.tid));
    assert!(list.json["value"][0]["billingMetrics"].is_null());
    assert_eq!(
        api.get(&x.gt, &p(&format!("/relatedTenants/{}", x.d.tid)))
            .await
            .status,
        200
    );
    assert_eq!(
        api.get(&x.gt, &p(&format!("/relatedTenants/{}", tenant("N").tid)))
            .await
            .status,
        404
    );
    let s = api.get(&x.gt, &p("/relatedTenants/refreshStatus")).await;
    assert_eq!(s.json["isFirstRefresh"], true);
    assert_eq!(s.str("/mostRecentRefreshRequestStatus"), "Completed");
    assert_eq!(
        api.send(
            Some(&x.gt),
            "POST",
            &p("/relatedTenants/refresh"),
            Body::None
        )
        .await
        .status,
        204
    );
    let s = api.get(&x.gt, &p("/relatedTenants/refreshStatus")).await;
    assert_eq!(s.json["isFirstRefresh"], false);
    assert_eq!(
        api.get(&x.gt, &p("/settings")).await.json["isRelatedTenantsEnabled"],
        true
    );
}

// ===== isolation =====

#[tokio::test]
async fn an_outsider_gets_404_for_everything_it_is_not_party_to() {
    let api = Api::start(&[]);
    let (x, template, req, rel) = active(&api).await;
    enable_invitations(&api, &x.gt).await;
    let o = admin(&tenant("Northwind"));
    let inv = {
        let list = api.get(&x.dt, &p("/governanceInvitations")).await;
        list.json["value"][0]["id"]
            .as_str()
            .unwrap_or("")
            .to_string()
    };
    let cases: Vec<(&str, &str, String, Option<Value>)> = vec![
        (
            "GET request",
            "GET",
            format!("/governanceRequests/{req}"),
            None,
        ),
        (
            "PATCH request",
            "PATCH",
            format!("/governanceRequests/{req}"),
            Some(json!({"status": "rejected"})),
        ),
        (
            "GET invitation",
            "GET",
            format!("/governanceInvitations/{inv}"),
            None,
        ),
        (
            "DELETE invitation",
            "DELETE",
            format!("/governanceInvitations/{inv}"),
            None,
        ),
        (
            "GET relationship",
            "GET",
            format!("/governanceRelationships/{rel}"),
            None,
        ),
        (
            "PATCH relationship",
            "PATCH",
            format!("/governanceRelationships/{rel}"),
            Some(json!({"status": "terminated"})),
        ),
        (
            "GET another tenant's template",
            "GET",
            format!("/governancePolicyTemplates/{template}"),
            None,
        ),
    ];
    for (what, method, path, body) in cases {
        let r = api
            .send(
                Some(&o),
                method,
                &p(&path),
                body.map(Body::Json).unwrap_or(Body::None),
            )
            .await;
        assert_eq!(r.status, 404, "{what}: {:?}", r.json);
    }
    for list in [
        "/governanceRequests",
        "/governanceInvitations",
        "/governanceRelationships",
    ] {
        let r = api.get(&o, &p(list)).await;
        assert_eq!(r.json["value"], json!([]), "{list}");
    }
    let r = api
        .get(&x.dt, &p(&format!("/governanceRelationships/{rel}")))
        .await;
    assert_eq!(r.str("/status"), "active");
}

// ===== OData =====

#[tokio::test]
async fn paging_with_top_reaches_every_template_once() {
    let api = Api::start(&[]);
    let tok = admin(&tenant("T"));
    for i in 0..5 {
        api.post(
            &tok,
            &p("/governancePolicyTemplates"),
            template_body(&format!("t{i}")),
        )
        .await;
    }
    let mut url = format!(
        "{}{ROOT}/governancePolicyTemplates?$top=2",
        api.mock.base_url()
    );
    let mut ids = Vec::new();
    let mut pages = 0;
    loop {
        let r = api.get(&tok, &url).await;
        assert_eq!(r.status, 200, "{:?}", r.json);
        let page = r.json["value"].as_array().cloned().unwrap_or_default();
        assert!(page.len() <= 2);
        ids.extend(
            page.iter()
                .filter_map(|t| t["id"].as_str().map(str::to_string)),
        );
        pages += 1;
        match r.json["@odata.nextLink"].as_str() {
            Some(next) => {
                assert!(next.starts_with(&api.mock.base_url()), "{next}");
                url = next.to_string();
            }
            None => break,
        }
    }
    assert_eq!(pages, 4);
    assert_eq!(ids.len(), 7, "default + sample + 5");
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), ids.len());
}

#[tokio::test]
async fn filter_orderby_and_select_on_requests() {
    let api = Api::start(&[]);
    let (x, _, _, req) = pending(&api).await;
    let q = |query: &str| format!("{}{ROOT}/governanceRequests?{query}", api.mock.base_url());
    let r = api.get(&x.dt, &q("$filter=status%20eq%20'pending'")).await;
    assert_eq!(r.json["value"][0]["id"], json!(req));
    let r = api.get(&x.dt, &q("$filter=status%20eq%20'rejected'")).await;
    assert_eq!(r.json["value"], json!([]));
    let r = api
        .get(
            &x.dt,
            &q(&format!("$filter=governingTenantId%20eq%20'{}'", x.g.tid)),
        )
        .await;
    assert_eq!(r.json["value"].as_array().map(Vec::len), Some(1));
    let r = api
        .get(
            &x.dt,
            &q("$select=id,status&$orderby=requestDateTime%20desc"),
        )
        .await;
    assert_eq!(r.status, 200);
    let keys: Vec<&String> = r.json["value"][0]
        .as_object()
        .map(|o| o.keys().collect())
        .unwrap_or_default();
    assert_eq!(keys, ["@odata.type", "id", "status"]);
    assert!(
        r.str("/@odata.context")
            .ends_with("governanceRequests(id,status)")
    );
}

#[tokio::test]
async fn filter_compares_date_times_as_instants() {
    let api = Api::start(&[]);
    let tok = admin(&tenant("T"));
    let mut created = Vec::new();
    for name in ["first", "second"] {
        assert_eq!(advance(&api, Some(&tok), "P1D").await.status, 200);
        let r = api
            .post(&tok, &p("/governancePolicyTemplates"), template_body(name))
            .await;
        assert_eq!(r.status, 201, "{:?}", r.json);
        created.push(r.str("/createdDateTime"));
    }
    let names = |r: &Resp| -> Vec<String> {
        r.json["value"]
            .as_array()
            .map(|l| {
                l.iter()
                    .filter_map(|t| t["displayName"].as_str().map(str::to_string))
                    .filter(|n| n == "first" || n == "second")
                    .collect()
            })
            .unwrap_or_default()
    };
    let first = &created[0];
    // The same instant as `first`, two hours ahead and with fewer fractional digits.
    let shifted = chrono::DateTime::parse_from_rfc3339(first)
        .map(|t| {
            let offset = chrono::FixedOffset::east_opt(7200).unwrap_or(*t.offset());
            t.with_timezone(&offset)
                .to_rfc3339_opts(chrono::SecondsFormat::Nanos, false)
        })
        .unwrap_or_default();
    let cases = [
        ("ge", first.clone(), vec!["first", "second"]),
        ("gt", first.clone(), vec!["second"]),
        ("le", first.clone(), vec!["first"]),
        ("lt", first.clone(), vec![]),
        ("eq", shifted.clone(), vec!["first"]),
        ("ne", shifted, vec!["second"]),
    ];
    for (op, at, want) in cases {
        let query = format!("$filter=createdDateTime {op} {at}")
            .replace(' ', "%20")
            .replace('+', "%2B");
        let r = api
            .get(&tok, &p(&format!("/governancePolicyTemplates?{query}")))
            .await;
        assert_eq!(r.status, 200, "{op} {at}: {:?}", r.json);
        assert_eq!(names(&r), want, "{op} {at}");
    }
}

/// (collection, date-time property): every documented one takes every comparison.
#[tokio::test]
async fn filter_takes_every_documented_date_time_property() {
    let api = Api::start(&[]);
    let (x, _, _, _) = active(&api).await;
    let cases = [
        ("governanceRequests", "requestDateTime"),
        ("governanceRequests", "expirationDateTime"),
        ("governanceInvitations", "createdDateTime"),
        ("governanceInvitations", "expirationDateTime"),
        ("governanceRelationships", "creationDateTime"),
        ("governancePolicyTemplates", "createdDateTime"),
        ("governancePolicyTemplates", "lastModifiedDateTime"),
    ];
    for (set, prop) in cases {
        let all = api.get(&x.dt, &p(&format!("/{set}"))).await;
        let n = all.json["value"].as_array().map(Vec::len);
        assert!(n.is_some_and(|n| n > 0), "{set} is empty");
        for (op, at, same) in [
            ("ge", "2000-01-01T00:00:00Z", true),
            ("lt", "2000-01-01T00:00:00Z", false),
            ("le", "2999-01-01T00:00:00Z", true),
            ("gt", "2999-01-01T00:00:00Z", false),
            ("ne", "2000-01-01T00:00:00Z", true),
            ("eq", "2000-01-01T00:00:00Z", false),
        ] {
            let r = api
                .get(&x.dt, &p(&format!("/{set}?$filter={prop}%20{op}%20{at}")))
                .await;
            assert_eq!(r.status, 200, "{set} {prop} {op}: {:?}", r.json);
            let got = r.json["value"].as_array().map(Vec::len);
            assert_eq!(got, if same { n } else { Some(0) }, "{set} {prop} {op}");
        }
    }
}

/// (what, query, expected)
#[tokio::test]
async fn filter_refuses_operators_and_literals_of_the_wrong_type() {
    let api = Api::start(&[]);
    let tok = admin(&tenant("T"));
    let cases = [
        (
            "a quoted date-time",
            "createdDateTime%20ge%20'2026-01-01T00:00:00Z'",
        ),
        ("a date without a time", "createdDateTime%20ge%202026-01-01"),
        ("null", "createdDateTime%20eq%20null"),
        ("gt on a string", "displayName%20gt%20'a'"),
        ("an unquoted string", "displayName%20eq%20a"),
        (
            "an unknown operator",
            "createdDateTime%20after%202026-01-01T00:00:00Z",
        ),
    ];
    for (what, filter) in cases {
        let r = api
            .get(
                &tok,
                &p(&format!("/governancePolicyTemplates?$filter={filter}")),
            )
            .await;
        assert_eq!(r.status, 400, "{what}: {:?}", r.json);
    }
}

/// (what, path and query, expected)
#[tokio::test]
async fn unsupported_query_options_are_400() {
    let api = Api::start(&[]);
    let tok = admin(&tenant("T"));
    let cases = [
        (
            "$top too large",
            "/governancePolicyTemplates?$top=1000",
            400,
        ),
        ("$top zero", "/governancePolicyTemplates?$top=0", 400),
        ("$count", "/governanceRequests?$count=true", 400),
        (
            "$expand",
            "/governanceRequests?$expand=governancePolicyTemplate",
            400,
        ),
        ("$search", "/governanceRequests?$search=x", 400),
        ("unknown option", "/governanceRequests?$foo=1", 400),
        (
            "filter on an unknown property",
            "/governanceRequests?$filter=colour%20eq%20'x'",
            400,
        ),
        (
            "filter with an unknown enum member",
            "/governanceRequests?$filter=status%20eq%20'expired'",
            400,
        ),
        (
            "filter with a function",
            "/governanceRequests?$filter=startswith(id,'a')",
            400,
        ),
        (
            "select of an unknown property",
            "/governanceRequests?$select=colour",
            400,
        ),
        (
            "a forged skiptoken",
            "/governanceRequests?$skiptoken=abc",
            400,
        ),
        (
            "options on a GET by id",
            "/governancePolicyTemplates/default?$select=id",
            400,
        ),
        (
            "options on settings",
            "/settings?$select=canReceiveInvitations",
            400,
        ),
        ("options on related tenants", "/relatedTenants?$top=1", 400),
        (
            "parameters without $ are ignored",
            "/governanceRequests?foo=bar",
            200,
        ),
        ("$skip", "/governancePolicyTemplates?$skip=1", 200),
    ];
    for (what, path, want) in cases {
        let r = api.get(&tok, &p(path)).await;
        assert_eq!(r.status, want, "{what}: {:?}", r.json);
    }
}

// ===== bad input =====

/// (what, method, path, raw body, content type, expected)
#[tokio::test]
async fn malformed_bodies_are_refused() {
    let api = Api::start(&[]);
    let tok = admin(&tenant("T"));
    let cases = [
        ("invalid JSON", "{\"governedTenantId\": ", None, 400),
        ("a JSON array", "[]", None, 400),
        ("an empty body", "", None, 400),
        (
            "text/plain",
            "{\"canReceiveInvitations\": true}",
            Some("text/plain"),
            415,
        ),
    ];
    for (what, body, ct, want) in cases {
        let mut rb = api
            .http
            .patch(format!("{}{}", api.mock.base_url(), p("/settings")))
            .bearer_auth(&tok)
            .body(body);
        rb = rb.header("content-type", ct.unwrap_or("application/json"));
        let r = rb.send().await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r.status().as_u16(), want, "{what}");
    }
    let big = "x".repeat(2 * 1024 * 1024);
    let r = api
        .http
        .post(format!(
            "{}{}",
            api.mock.base_url(),
            p("/governancePolicyTemplates")
        ))
        .bearer_auth(&tok)
        .header("content-type", "application/json")
        .body(big)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status().as_u16(), 413);
}

#[tokio::test]
async fn a_body_without_content_type_is_415() {
    let api = Api::start(&[]);
    let tok = admin(&tenant("T"));
    let r = api
        .http
        .patch(format!("{}{}", api.mock.base_url(), p("/settings")))
        .bearer_auth(&tok)
        .body("{\"canReceiveInvitations\": true}")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status().as_u16(), 415);
    let settings = api.get(&tok, &p("/settings")).await;
    assert_eq!(settings.json["canReceiveInvitations"], false, "not applied");
}

#[tokio::test]
async fn unknown_ids_are_404_on_every_keyed_operation() {
    let api = Api::start(&[]);
    let tok = admin(&tenant("T"));
    let id = "00000000-0000-0000-0000-0000000f00f0";
    let cases: Vec<(&str, String, Option<Value>)> = vec![
        ("GET", format!("/governanceRequests/{id}"), None),
        (
            "PATCH",
            format!("/governanceRequests/{id}"),
            Some(json!({"status": "accepted"})),
        ),
        ("GET", format!("/governanceInvitations/{id}"), None),
        ("DELETE", format!("/governanceInvitations/{id}"), None),
        ("GET", format!("/governanceRelationships/{id}"), None),
        (
            "PATCH",
            format!("/governanceRelationships/{id}"),
            Some(json!({"status": "terminated"})),
        ),
        ("GET", format!("/governancePolicyTemplates/{id}"), None),
        (
            "PATCH",
            format!("/governancePolicyTemplates/{id}"),
            Some(json!({"displayName": "x"})),
        ),
        ("DELETE", format!("/governancePolicyTemplates/{id}"), None),
    ];
    for (method, path, body) in cases {
        let r = api
            .send(
                Some(&tok),
                method,
                &p(&path),
                body.map(Body::Json).unwrap_or(Body::None),
            )
            .await;
        assert_eq!(r.status, 404, "{method} {path}");
    }
}

// ===== clock =====

#[tokio::test]
async fn an_expired_request_cannot_be_accepted_and_no_relationship_appears() {
    let api = Api::start(&[]);
    let (x, _, _, req) = pending(&api).await;
    let c = advance(&api, Some(&x.gt), "P15D").await;
    assert_eq!(c.status, 200, "{:?}", c.json);
    let r = decide(&api, &x.dt, &req, "accepted").await;
    assert_eq!(r.status, 409);
    assert!(relationships(&api, &x.dt).await.is_empty());
    let still = api
        .get(&x.dt, &p(&format!("/governanceRequests/{req}")))
        .await;
    assert_eq!(
        still.str("/status"),
        "pending",
        "an expired request stays visible"
    );
}

#[tokio::test]
async fn an_expired_invitation_no_longer_authorises_a_request() {
    let api = Api::start(&[]);
    let x = pair();
    let template = first_template(&api, &x.gt).await;
    enable_invitations(&api, &x.gt).await;
    invite(&api, &x).await;
    advance(&api, Some(&x.gt), "P29D").await;
    let ok = request(&api, &x, &template).await;
    assert_eq!(ok.status, 201, "day 29: still valid");
    decide(&api, &x.dt, &ok.str("/id"), "rejected").await;
    advance(&api, Some(&x.gt), "P2D").await;
    assert_eq!(
        request(&api, &x, &template).await.status,
        403,
        "day 31: expired"
    );
}

#[tokio::test]
async fn a_tenants_clock_moves_only_its_own_objects() {
    let api = Api::start(&[]);
    let (x, _, _, _) = pending(&api).await;
    let (y, _, _, req_y) = pending(&api).await;
    advance(&api, Some(&x.gt), "P15D").await;
    let r = decide(&api, &y.dt, &req_y, "accepted").await;
    assert_eq!(r.status, 200, "another pair's request is not expired");
    let mover = advance(&api, Some(&x.gt), "PT0S").await;
    let other = advance(&api, Some(&y.gt), "PT0S").await;
    assert_eq!(mover.str("/scope"), "tenant");
    assert_eq!(mover.str("/offset"), "PT1296000S");
    assert_eq!(other.str("/offset"), "PT0S");
    assert!(mover.str("/now") > other.str("/now"));
}

/// (what, body, token?, expected)
#[tokio::test]
async fn clock_control_inputs() {
    let api = Api::start(&[]);
    let tok = admin(&tenant("T"));
    let cases: Vec<(&str, Value, bool, u16)> = vec![
        ("advance days", json!({"advance": "P15D"}), true, 200),
        ("advance hours", json!({"advance": "PT36H"}), true, 200),
        ("go back", json!({"advance": "-P1D"}), true, 200),
        ("set", json!({"set": "2030-01-01T00:00:00Z"}), true, 200),
        ("reset", json!({"reset": true}), true, 200),
        (
            "global advance without a token",
            json!({"advance": "PT1S"}),
            false,
            200,
        ),
        ("global reset", json!({"reset": true}), false, 200),
        ("months are ambiguous", json!({"advance": "P1M"}), true, 400),
        ("not a duration", json!({"advance": "15 days"}), true, 400),
        ("not an instant", json!({"set": "tomorrow"}), true, 400),
        (
            "two at once",
            json!({"advance": "P1D", "reset": true}),
            true,
            400,
        ),
        ("nothing", json!({}), true, 400),
        ("too far", json!({"advance": "P40000D"}), true, 400),
    ];
    for (what, body, with_token, want) in cases {
        let t = with_token.then_some(tok.as_str());
        let r = api.send(t, "POST", "/_mock/clock", Body::Json(body)).await;
        assert_eq!(r.status, want, "{what}: {:?}", r.json);
    }
    let r = api
        .send(
            Some(&tok),
            "POST",
            "/_mock/clock",
            Body::Json(json!({"set": "2030-01-01T00:00:00Z"})),
        )
        .await;
    assert!(
        r.str("/now").starts_with("2030-01-01T00:00:0"),
        "{:?}",
        r.json
    );
    let r = api
        .send(
            Some("junk"),
            "POST",
            "/_mock/clock",
            Body::Json(json!({"advance": "P1D"})),
        )
        .await;
    assert_eq!(r.status, 401, "a token that is present must be valid");
}

#[tokio::test]
async fn the_clock_endpoint_is_off_without_control_but_health_answers() {
    let api = Api::with(MockOptions::default());
    let r = advance(&api, None, "P1D").await;
    assert_eq!(r.status, 404);
    let h = api.send(None, "GET", "/_mock/health", Body::None).await;
    assert_eq!(h.status, 200);
    assert_eq!(h.json["status"], "ok");
}

#[tokio::test]
async fn an_add_on_tenant_is_governed_only_once_the_default_template_is_configured() {
    let api = Api::start(&[]);
    let t = tenant("Contoso");
    let tok = admin(&t);
    let r = api
        .send(Some(&tok), "POST", "/_mock/addOnTenant", Body::None)
        .await;
    assert_eq!(r.status, 201, "{:?}", r.json);
    assert!(
        r.json["relationshipId"].is_null(),
        "default template not configured"
    );
    assert_eq!(r.str("/tenantName"), "Contoso add-on");
    let roles = json!([{"roleTemplates": [{"id": "f2ef992c-3afb-46b9-b7cf-a126ee74c451", "name": "Global Reader"}], "group": {"id": "ffffffff-5555-6666-7777-aaaaaaaaaaaa"}}]);
    let u = api
        .patch(
            &tok,
            &p("/governancePolicyTemplates/default"),
            json!({"delegatedAdministrationRoleAssignments": roles}),
        )
        .await;
    assert_eq!(u.status, 200);
    let r = api
        .send(
            Some(&tok),
            "POST",
            "/_mock/addOnTenant",
            Body::Json(json!({"displayName": "Contoso Labs"})),
        )
        .await;
    assert_eq!(r.status, 201);
    let rel = r.str("/relationshipId");
    let got = api
        .get(&tok, &p(&format!("/governanceRelationships/{rel}")))
        .await;
    assert_eq!(got.str("/createdType"), "addOnTenant");
    assert_eq!(got.str("/status"), "active");
    assert_eq!(got.str("/governedTenantName"), "Contoso Labs");
    assert_eq!(got.str("/policySnapshot/policyId"), "default");
    // The creator may still be governed: add-on tenants are the multi-tier exception.
    let governing = tenant("Northwind");
    let gt = admin(&governing);
    let y = Pair {
        g: governing,
        d: t,
        gt,
        dt: tok,
    };
    enable_invitations(&api, &y.gt).await;
    assert_eq!(invite(&api, &y).await.status, 201);
    let template = first_template(&api, &y.gt).await;
    let r = request(&api, &y, &template).await;
    assert_eq!(
        r.status, 201,
        "a tenant with add-on tenants can be governed: {:?}",
        r.json
    );
}

#[tokio::test]
async fn an_add_on_tenant_cannot_create_add_on_tenants() {
    let api = Api::start(&[]);
    let tok = admin(&tenant("Contoso"));
    let roles = json!([{"roleTemplates": [{"id": "f2ef992c-3afb-46b9-b7cf-a126ee74c451"}], "group": {"id": "ffffffff-5555-6666-7777-aaaaaaaaaaaa"}}]);
    api.patch(
        &tok,
        &p("/governancePolicyTemplates/default"),
        json!({"delegatedAdministrationRoleAssignments": roles}),
    )
    .await;
    let r = api
        .send(Some(&tok), "POST", "/_mock/addOnTenant", Body::None)
        .await;
    let add_on = Tenant {
        tid: r.str("/tenantId"),
        name: r.str("/tenantName"),
    };
    let again = api
        .send(
            Some(&admin(&add_on)),
            "POST",
            "/_mock/addOnTenant",
            Body::None,
        )
        .await;
    assert_eq!(again.status, 400, "{:?}", again.json);
}

#[tokio::test]
async fn add_on_control_needs_a_token_and_control() {
    let api = Api::start(&[]);
    assert_eq!(
        api.send(None, "POST", "/_mock/addOnTenant", Body::None)
            .await
            .status,
        401
    );
    let off = Api::with(MockOptions::default());
    let tok = admin(&tenant("T"));
    assert_eq!(
        off.send(Some(&tok), "POST", "/_mock/addOnTenant", Body::None)
            .await
            .status,
        404
    );
    let r = api
        .send(
            Some(&tok),
            "POST",
            "/_mock/addOnTenant",
            Body::Json(json!({"colour": 1})),
        )
        .await;
    assert_eq!(r.status, 400);
}

// ===== concurrency and the server =====

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn simultaneous_accepts_of_one_request_let_exactly_one_win() {
    let api = std::sync::Arc::new(Api::start(&[]));
    let (x, _, _, req) = pending(&api).await;
    let tok = std::sync::Arc::new(x.dt.clone());
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let (api, tok, req) = (api.clone(), tok.clone(), req.clone());
        tasks.push(tokio::spawn(async move {
            decide(&api, &tok, &req, "accepted").await.status
        }));
    }
    let mut codes = Vec::new();
    for t in tasks {
        codes.push(t.await.unwrap_or(0));
    }
    assert_eq!(codes.iter().filter(|c| **c == 200).count(), 1, "{codes:?}");
    assert_eq!(codes.iter().filter(|c| **c == 409).count(), 15, "{codes:?}");
    assert_eq!(relationships(&api, &x.gt).await.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn many_concurrent_connections_are_all_served() {
    let api = Api::start(&[]);
    let tok = admin(&tenant("T"));
    let url = format!("{}{}", api.mock.base_url(), p("/settings"));
    let mut tasks = Vec::new();
    for _ in 0..200 {
        // A client per task: 200 separate connections.
        let client = reqwest::Client::new();
        let (url, tok) = (url.clone(), tok.clone());
        tasks.push(tokio::spawn(async move {
            client
                .get(&url)
                .bearer_auth(&tok)
                .send()
                .await
                .map(|r| r.status().as_u16())
                .unwrap_or(0)
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap_or(0), 200);
    }
}

#[test]
fn start_binds_before_returning_and_drop_stops_the_server() {
    let mock = MockServer::start(MockOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    let addr = mock.addr();
    assert_eq!(mock.base_url(), format!("http://{addr}/beta"));
    assert!(std::net::TcpStream::connect(addr).is_ok());
    let started = std::time::Instant::now();
    drop(mock);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(2),
        "drop took {:?}",
        started.elapsed()
    );
    assert!(
        std::net::TcpStream::connect(addr).is_err(),
        "still listening after drop"
    );
}

#[test]
fn start_works_from_inside_a_runtime_via_spawn_blocking() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    rt.block_on(async {
        let mock = tokio::task::spawn_blocking(|| MockServer::start(MockOptions::default()))
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|e| panic!("{e}"));
        let r = reqwest::get(format!("http://{}/_mock/health", mock.addr()))
            .await
            .map(|r| r.status().as_u16())
            .unwrap_or(0);
        assert_eq!(r, 200);
        // Dropped inside the async context, as `run` does with private mocks.
        drop(mock);
    });
}

#[test]
fn drop_is_quick_while_a_client_keeps_an_idle_connection_open() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let mock = MockServer::start(MockOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    let client = reqwest::Client::new();
    let url = format!("http://{}/_mock/health", mock.addr());
    let status = rt.block_on(async { client.get(&url).send().await.map(|r| r.status().as_u16()) });
    assert_eq!(status.ok(), Some(200));
    // `client` still pools the keep-alive connection here.
    let started = std::time::Instant::now();
    drop(mock);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(1),
        "drop took {:?}",
        started.elapsed()
    );
    drop(client);
}

#[test]
fn start_on_a_taken_port_is_an_error() {
    let mock = MockServer::start(MockOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    assert!(MockServer::start_on(mock.addr(), MockOptions::default()).is_err());
}

#[tokio::test]
async fn the_router_serves_the_same_api_for_tgconform_serve() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let addr = listener.local_addr().unwrap_or_else(|e| panic!("{e}"));
    let app = tgconform::mock::router(MockOptions::default());
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    let tok = admin(&tenant("T"));
    let r = reqwest::Client::new()
        .get(format!("http://{addr}/beta{ROOT}/settings"))
        .bearer_auth(&tok)
        .send()
        .await
        .map(|r| r.status().as_u16())
        .unwrap_or(0);
    assert_eq!(r, 200);
    server.abort();
}

// ===== what Microsoft's generated SDK found =====

const COLLECTIONS: [&str; 5] = [
    "governanceRequests",
    "governanceInvitations",
    "governanceRelationships",
    "governancePolicyTemplates",
    "relatedTenants",
];

#[tokio::test]
async fn count_on_every_collection_is_an_unsupported_query_not_an_unknown_id() {
    let api = Api::start(&[]);
    let tok = admin(&tenant("T"));
    for set in COLLECTIONS {
        let r = api.get(&tok, &p(&format!("/{set}/$count"))).await;
        assert_eq!(
            (r.status, r.str("/error/code").as_str()),
            (400, "Request_UnsupportedQuery"),
            "{set}: {:?}",
            r.json
        );
    }
}

#[tokio::test]
async fn the_root_is_405_with_an_empty_allow_to_every_method() {
    let api = Api::start(&[]);
    let tok = admin(&tenant("T"));
    for method in ["GET", "PATCH", "DELETE"] {
        let body = match method {
            "PATCH" => Body::Json(json!({"id": "x"})),
            _ => Body::None,
        };
        let r = api.send(Some(&tok), method, ROOT, body).await;
        assert_eq!(
            (r.status, r.header("allow")),
            (405, Some("")),
            "{method}: {:?}",
            r.json
        );
    }
}

#[tokio::test]
async fn a_nested_template_is_refused_with_a_message_naming_the_bind() {
    let api = Api::start(&[]);
    let x = pair();
    let template = first_template(&api, &x.gt).await;
    enable_invitations(&api, &x.gt).await;
    invite(&api, &x).await;
    let r = api
        .post(
            &x.gt,
            &p("/governanceRequests"),
            json!({"governedTenantId": x.d.tid, "governancePolicyTemplate": {"id": template}}),
        )
        .await;
    assert_eq!(r.status, 400, "{:?}", r.json);
    assert!(
        r.str("/error/message")
            .contains("governancePolicyTemplate@odata.bind"),
        "{:?}",
        r.json
    );
}

/// `@odata.context` and `@odata.etag` as a read-modify-write client sends them back.
fn with_control_information(mut body: Value, type_name: &str) -> Value {
    body["@odata.context"] = json!("https://graph.microsoft.com/beta/$metadata#x/$entity");
    body["@odata.etag"] = json!("W/\"1\"");
    body["@odata.type"] = json!(format!(
        "#microsoft.graph.tenantGovernanceServices.{type_name}"
    ));
    body
}

#[tokio::test]
async fn control_information_is_accepted_in_every_write_body() {
    let api = Api::start(&[]);
    let (x, _, _, req) = pending(&api).await;
    let template = first_template(&api, &x.gt).await;
    let writes = [
        (
            &x.gt,
            "POST",
            p("/governancePolicyTemplates"),
            with_control_information(template_body("c"), "governancePolicyTemplate"),
            201,
        ),
        (
            &x.gt,
            "PATCH",
            p(&format!("/governancePolicyTemplates/{template}")),
            with_control_information(json!({"description": "c"}), "governancePolicyTemplate"),
            200,
        ),
        (
            &x.gt,
            "PATCH",
            p("/settings"),
            with_control_information(
                json!({"canReceiveInvitations": true}),
                "tenantGovernanceSetting",
            ),
            200,
        ),
        (
            &x.dt,
            "PATCH",
            p(&format!("/governanceRequests/{req}")),
            with_control_information(json!({"status": "accepted"}), "governanceRequest"),
            200,
        ),
    ];
    for (tok, method, path, body, want) in writes {
        let r = api.send(Some(tok), method, &path, Body::Json(body)).await;
        assert_eq!(r.status, want, "{method} {path}: {:?}", r.json);
    }
}

#[tokio::test]
async fn control_information_is_accepted_in_nested_template_objects() {
    let api = Api::start(&[]);
    let tok = admin(&tenant("T"));
    let mut body = template_body("nested");
    let ctx = json!("https://graph.microsoft.com/beta/$metadata#x");
    let app = &mut body["multiTenantApplicationsToProvision"][0];
    app["@odata.type"] =
        json!("#microsoft.graph.tenantGovernanceServices.multiTenantApplicationsToProvision");
    app["requiredResourceAccesses"][0]["@odata.type"] =
        json!("#microsoft.graph.tenantGovernanceServices.requiredResourceAccess");
    app["requiredResourceAccesses"][0]["permissions"][0]["@odata.type"] =
        json!("#microsoft.graph.tenantGovernanceServices.resourcePermission");
    let ra = &mut body["delegatedAdministrationRoleAssignments"][0];
    ra["@odata.type"] =
        json!("#microsoft.graph.tenantGovernanceServices.delegatedAdministrationRoleAssignment");
    ra["@odata.context"] = ctx;
    ra["roleTemplates"][0]["@odata.type"] =
        json!("#microsoft.graph.tenantGovernanceServices.roleTemplate");
    ra["group"]["@odata.type"] = json!("#microsoft.graph.group");
    let r = api.post(&tok, &p("/governancePolicyTemplates"), body).await;
    assert_eq!(r.status, 201, "{:?}", r.json);
}

#[tokio::test]
async fn an_odata_type_of_another_type_is_refused_at_the_top_and_nested() {
    let api = Api::start(&[]);
    let tok = admin(&tenant("T"));
    let mut top = template_body("t");
    top["@odata.type"] = json!("#microsoft.graph.tenantGovernanceServices.governanceRequest");
    let mut nested = template_body("n");
    nested["delegatedAdministrationRoleAssignments"][0]["roleTemplates"][0]["@odata.type"] =
        json!("#microsoft.graph.roleTemplate");
    for (what, body) in [("top", top), ("nested", nested)] {
        let r = api.post(&tok, &p("/governancePolicyTemplates"), body).await;
        assert_eq!(r.status, 400, "{what}: {:?}", r.json);
    }
}

#[tokio::test]
async fn a_template_patch_of_a_whole_get_answer_is_still_refused_for_its_read_only_properties() {
    let api = Api::start(&[]);
    let tok = admin(&tenant("T"));
    let template = first_template(&api, &tok).await;
    let path = p(&format!("/governancePolicyTemplates/{template}"));
    let read = api.get(&tok, &path).await;
    let r = api.patch(&tok, &path, read.json.clone()).await;
    assert_eq!(r.status, 400, "{:?}", r.json);
    assert!(
        r.str("/error/message").contains("read-only"),
        "{:?}",
        r.json
    );
}

// ===== one test per fault =====

/// What a probe observes: a short text that differs between a correct and a faulty mock.
type Obs = String;

async fn obs_status(r: Resp) -> Obs {
    r.status.to_string()
}

/// The number of items of a list answer ("99" when it is not one).
fn count(r: &Resp) -> Obs {
    r.json["value"]
        .as_array()
        .map(Vec::len)
        .unwrap_or(99)
        .to_string()
}

mod probes {
    use super::*;

    pub async fn no_token(api: &Api) -> Obs {
        obs_status(api.send(None, "GET", &p("/settings"), Body::None).await).await
    }
    pub async fn malformed_token(api: &Api) -> Obs {
        obs_status(api.get("not-a-jwt", &p("/governanceRequests")).await).await
    }
    pub async fn expired_token(api: &Api) -> Obs {
        let tok = mint_mock_token(&json!({
            "tid": tenant("T").tid,
            "scp": all_read(),
            "wids": [roles::TENANT_GOVERNANCE_ADMINISTRATOR],
            "exp": 1_767_225_600,
        }));
        obs_status(api.get(&tok, &p("/settings")).await).await
    }
    pub async fn no_scope(api: &Api) -> Obs {
        write_settings_with_scope(api, "User.Read").await
    }
    pub async fn no_role(api: &Api) -> Obs {
        let tok = token(&tenant("T"), Some(&all_rw()), None, &[]);
        obs_status(
            api.patch(
                &tok,
                &p("/settings"),
                json!({"canReceiveInvitations": true}),
            )
            .await,
        )
        .await
    }
    pub async fn rel_admin_decides(api: &Api) -> Obs {
        let (x, _, _, req) = pending(api).await;
        obs_status(decide(api, &rel_admin(&x.d), &req, "rejected").await).await
    }
    pub async fn app_writes(api: &Api) -> Obs {
        obs_status(
            api.patch(
                &app(&tenant("T")),
                &p("/settings"),
                json!({"canReceiveInvitations": true}),
            )
            .await,
        )
        .await
    }
    pub async fn app_reads(api: &Api) -> Obs {
        obs_status(api.get(&app(&tenant("T")), &p("/settings")).await).await
    }
    pub async fn governing_accepts(api: &Api) -> Obs {
        let (x, _, _, req) = pending(api).await;
        obs_status(decide(api, &x.gt, &req, "accepted").await).await
    }
    pub async fn governing_rejects(api: &Api) -> Obs {
        let (x, _, _, req) = pending(api).await;
        obs_status(decide(api, &x.gt, &req, "rejected").await).await
    }
    pub async fn accept_twice(api: &Api) -> Obs {
        let (x, _, req, _) = active(api).await;
        obs_status(decide(api, &x.dt, &req, "accepted").await).await
    }
    pub async fn reject_after_accept(api: &Api) -> Obs {
        let (x, _, req, _) = active(api).await;
        obs_status(decide(api, &x.dt, &req, "rejected").await).await
    }
    pub async fn accept_expired(api: &Api) -> Obs {
        let (x, _, _, req) = pending(api).await;
        advance(api, Some(&x.gt), "P15D").await;
        obs_status(decide(api, &x.dt, &req, "accepted").await).await
    }
    pub async fn request_lifetime(api: &Api) -> Obs {
        let (x, _, _, req) = pending(api).await;
        let r = api
            .get(&x.gt, &p(&format!("/governanceRequests/{req}")))
            .await;
        let at = |k: &str| chrono::DateTime::parse_from_rfc3339(&r.str(k)).ok();
        format!(
            "{:?}",
            at("/expirationDateTime")
                .zip(at("/requestDateTime"))
                .map(|(e, q)| (e - q).num_days())
        )
    }
    pub async fn duplicate_request(api: &Api) -> Obs {
        let (x, template, _, _) = pending(api).await;
        obs_status(request(api, &x, &template).await).await
    }
    pub async fn request_without_invitation(api: &Api) -> Obs {
        let x = pair();
        let template = first_template(api, &x.gt).await;
        obs_status(request(api, &x, &template).await).await
    }
    pub async fn bind_unknown(api: &Api) -> Obs {
        let x = pair();
        enable_invitations(api, &x.gt).await;
        invite(api, &x).await;
        obs_status(request(api, &x, "00000000-0000-0000-0000-00000000dead").await).await
    }
    pub async fn invitation_lifetime(api: &Api) -> Obs {
        let x = pair();
        enable_invitations(api, &x.gt).await;
        let r = invite(api, &x).await;
        let at = |k: &str| chrono::DateTime::parse_from_rfc3339(&r.str(k)).ok();
        format!(
            "{:?}",
            at("/expirationDateTime")
                .zip(at("/createdDateTime"))
                .map(|(e, c)| (e - c).num_days())
        )
    }
    pub async fn expired_invitation(api: &Api) -> Obs {
        let x = pair();
        let template = first_template(api, &x.gt).await;
        enable_invitations(api, &x.gt).await;
        invite(api, &x).await;
        advance(api, Some(&x.gt), "P31D").await;
        obs_status(request(api, &x, &template).await).await
    }
    pub async fn invitation_setting_off(api: &Api) -> Obs {
        let x = pair();
        api.get(&x.gt, &p("/settings")).await;
        obs_status(invite(api, &x).await).await
    }
    pub async fn relationship_count(api: &Api) -> Obs {
        let (x, _, _, req) = pending(api).await;
        decide(api, &x.dt, &req, "accepted").await;
        relationships(api, &x.dt).await.len().to_string()
    }
    pub async fn created_type(api: &Api) -> Obs {
        let (x, _, _, _) = active(api).await;
        relationships(api, &x.gt).await[0]["createdType"].to_string()
    }
    pub async fn snapshot_frozen(api: &Api) -> Obs {
        let (x, template, _, rel) = active(api).await;
        let roles = json!([{"roleTemplates": [{"id": "62e90394-69f5-4237-9190-012177145e10", "name": "Global Administrator"}], "group": {"id": "ffffffff-5555-6666-7777-aaaaaaaaaaaa"}}]);
        api.patch(
            &x.gt,
            &p(&format!("/governancePolicyTemplates/{template}")),
            json!({"delegatedAdministrationRoleAssignments": roles}),
        )
        .await;
        let r = api
            .get(&x.dt, &p(&format!("/governanceRelationships/{rel}")))
            .await;
        r.json["policySnapshot"]["delegatedAdministrationRoleAssignments"][0]["roleTemplates"][0]["name"].to_string()
    }
    pub async fn governing_terminates(api: &Api) -> Obs {
        let (x, _, _, rel) = active(api).await;
        obs_status(set_relationship(api, &x.gt, &rel, "terminated").await).await
    }
    pub async fn governed_requests_termination(api: &Api) -> Obs {
        let (x, _, _, rel) = active(api).await;
        obs_status(
            set_relationship(api, &x.dt, &rel, "terminationRequestedByGoverningTenant").await,
        )
        .await
    }
    pub async fn terminate_twice(api: &Api) -> Obs {
        let (x, _, _, rel) = active(api).await;
        set_relationship(api, &x.dt, &rel, "terminated").await;
        obs_status(set_relationship(api, &x.dt, &rel, "terminated").await).await
    }
    pub async fn terminated_listed(api: &Api) -> Obs {
        let (x, _, _, rel) = active(api).await;
        set_relationship(api, &x.dt, &rel, "terminated").await;
        relationships(api, &x.gt).await.len().to_string()
    }
    pub async fn status_case(api: &Api) -> Obs {
        let (x, _, _, _) = active(api).await;
        relationships(api, &x.gt).await[0]["status"].to_string()
    }
    pub async fn outsider_gets_request(api: &Api) -> Obs {
        let (_, _, _, req) = pending(api).await;
        obs_status(
            api.get(
                &admin(&tenant("O")),
                &p(&format!("/governanceRequests/{req}")),
            )
            .await,
        )
        .await
    }
    pub async fn outsider_deletes_invitation(api: &Api) -> Obs {
        let (_, _, inv, _) = pending(api).await;
        obs_status(
            api.delete(
                &admin(&tenant("O")),
                &p(&format!("/governanceInvitations/{inv}")),
            )
            .await,
        )
        .await
    }
    pub async fn outsider_decides(api: &Api) -> Obs {
        let (_, _, _, req) = pending(api).await;
        obs_status(decide(api, &admin(&tenant("O")), &req, "rejected").await).await
    }
    pub async fn outsider_lists_invitations(api: &Api) -> Obs {
        pending(api).await;
        let r = api
            .get(&admin(&tenant("O")), &p("/governanceInvitations"))
            .await;
        count(&r)
    }
    pub async fn outsider_lists_relationships(api: &Api) -> Obs {
        active(api).await;
        let r = api
            .get(&admin(&tenant("O")), &p("/governanceRelationships"))
            .await;
        count(&r)
    }
    pub async fn received_requests_listed(api: &Api) -> Obs {
        let (x, _, _, _) = pending(api).await;
        count(&api.get(&x.dt, &p("/governanceRequests")).await)
    }
    pub async fn received_invitations_listed(api: &Api) -> Obs {
        let (x, _, _, _) = pending(api).await;
        count(&api.get(&x.gt, &p("/governanceInvitations")).await)
    }
    pub async fn request_without_bind(api: &Api) -> Obs {
        let x = pair();
        enable_invitations(api, &x.gt).await;
        invite(api, &x).await;
        let body = json!({"governedTenantId": x.d.tid});
        obs_status(api.post(&x.gt, &p("/governanceRequests"), body).await).await
    }
    pub async fn empty_request_patch(api: &Api) -> Obs {
        let (x, _, _, req) = pending(api).await;
        let path = p(&format!("/governanceRequests/{req}"));
        obs_status(api.patch(&x.dt, &path, json!({})).await).await
    }
    pub async fn sentinel_status(api: &Api) -> Obs {
        let (x, _, _, req) = pending(api).await;
        obs_status(decide(api, &x.dt, &req, "unknownFutureValue").await).await
    }
    pub async fn accept_answer(api: &Api) -> Obs {
        let (x, _, _, req) = pending(api).await;
        decide(api, &x.dt, &req, "accepted").await.str("/status")
    }
    /// The request's date-times before and after a rejection.
    pub async fn decided_request_times(api: &Api) -> Obs {
        let (x, _, _, req) = pending(api).await;
        let path = p(&format!("/governanceRequests/{req}"));
        let before = api.get(&x.gt, &path).await;
        let after = decide(api, &x.dt, &req, "rejected").await;
        let same = |k: &str| before.str(k) == after.str(k);
        format!(
            "{} {}",
            same("/requestDateTime"),
            same("/expirationDateTime")
        )
    }
    pub async fn reject_relationships(api: &Api) -> Obs {
        let (x, _, _, req) = pending(api).await;
        decide(api, &x.dt, &req, "rejected").await;
        relationships(api, &x.dt).await.len().to_string()
    }
    pub async fn request_snapshot_frozen(api: &Api) -> Obs {
        let (x, template, _, req) = pending(api).await;
        let roles = json!([{"roleTemplates": [{"id": "62e90394-69f5-4237-9190-012177145e10", "name": "Global Administrator"}], "group": {"id": "ffffffff-5555-6666-7777-aaaaaaaaaaaa"}}]);
        api.patch(
            &x.gt,
            &p(&format!("/governancePolicyTemplates/{template}")),
            json!({"delegatedAdministrationRoleAssignments": roles}),
        )
        .await;
        let r = api
            .get(&x.dt, &p(&format!("/governanceRequests/{req}")))
            .await;
        r.json["policySnapshot"]["delegatedAdministrationRoleAssignments"][0]["roleTemplates"][0]["name"].to_string()
    }
    /// PATCH /settings as the tenant's administrator with one other scope set.
    async fn write_settings_with_scope(api: &Api, scp: &str) -> Obs {
        let tok = token(
            &tenant("T"),
            Some(scp),
            None,
            &[roles::TENANT_GOVERNANCE_ADMINISTRATOR],
        );
        obs_status(
            api.patch(
                &tok,
                &p("/settings"),
                json!({"canReceiveInvitations": true}),
            )
            .await,
        )
        .await
    }
    pub async fn read_scope_writes(api: &Api) -> Obs {
        write_settings_with_scope(api, scopes::SETTING_READ).await
    }
    pub async fn other_family_writes(api: &Api) -> Obs {
        write_settings_with_scope(api, scopes::REQUEST_RW).await
    }
    pub async fn reader_writes(api: &Api) -> Obs {
        let tok = token(&tenant("T"), Some(&all_rw()), None, &[roles::GLOBAL_READER]);
        obs_status(
            api.patch(
                &tok,
                &p("/settings"),
                json!({"canReceiveInvitations": true}),
            )
            .await,
        )
        .await
    }
    pub async fn rel_reader_reads_related_tenants(api: &Api) -> Obs {
        let t = tenant("T");
        api.post(&admin(&t), &p("/settings/enableRelatedTenants"), json!({}))
            .await;
        let tok = token(
            &t,
            Some(&all_rw()),
            None,
            &[roles::TENANT_GOVERNANCE_RELATIONSHIP_READER],
        );
        obs_status(api.get(&tok, &p("/relatedTenants")).await).await
    }
    pub async fn tg_reader_reads(api: &Api) -> Obs {
        let tok = token(
            &tenant("T"),
            Some(&all_rw()),
            None,
            &[roles::TENANT_GOVERNANCE_READER],
        );
        obs_status(api.get(&tok, &p("/governanceRequests")).await).await
    }
    pub async fn rel_admin_creates_template(api: &Api) -> Obs {
        let tok = rel_admin(&tenant("T"));
        let body = template_body("by a relationship administrator");
        obs_status(api.post(&tok, &p("/governancePolicyTemplates"), body).await).await
    }
    pub async fn related_enabled_at_first(api: &Api) -> Obs {
        let r = api.get(&admin(&tenant("T")), &p("/settings")).await;
        r.json["isRelatedTenantsEnabled"].to_string()
    }
    pub async fn enable_related_answer(api: &Api) -> Obs {
        let tok = admin(&tenant("T"));
        let path = p("/settings/enableRelatedTenants");
        obs_status(api.send(Some(&tok), "POST", &path, Body::None).await).await
    }
    pub async fn refresh_answer(api: &Api) -> Obs {
        let tok = admin(&tenant("T"));
        let enable = p("/settings/enableRelatedTenants");
        api.send(Some(&tok), "POST", &enable, Body::None).await;
        let path = p("/relatedTenants/refresh");
        obs_status(api.send(Some(&tok), "POST", &path, Body::None).await).await
    }
    pub async fn delete_unknown(api: &Api) -> Obs {
        let path = p("/governancePolicyTemplates/00000000-0000-0000-0000-0000000f00f0");
        obs_status(api.delete(&admin(&tenant("T")), &path).await).await
    }
    pub async fn outsider_lists_requests(api: &Api) -> Obs {
        pending(api).await;
        let r = api
            .get(&admin(&tenant("O")), &p("/governanceRequests"))
            .await;
        r.json["value"]
            .as_array()
            .map(Vec::len)
            .unwrap_or(99)
            .to_string()
    }
    pub async fn unknown_id(api: &Api) -> Obs {
        obs_status(
            api.get(
                &admin(&tenant("T")),
                &p("/governanceRequests/00000000-0000-0000-0000-0000000f00f0"),
            )
            .await,
        )
        .await
    }
    pub async fn template_version(api: &Api) -> Obs {
        let tok = admin(&tenant("T"));
        api.patch(
            &tok,
            &p("/governancePolicyTemplates/default"),
            json!({"description": "x"}),
        )
        .await
        .str("/version")
    }
    pub async fn delete_default(api: &Api) -> Obs {
        obs_status(
            api.delete(
                &admin(&tenant("T")),
                &p("/governancePolicyTemplates/default"),
            )
            .await,
        )
        .await
    }
    pub async fn delete_in_use(api: &Api) -> Obs {
        let (x, template, _, _) = active(api).await;
        obs_status(
            api.delete(&x.gt, &p(&format!("/governancePolicyTemplates/{template}")))
                .await,
        )
        .await
    }
    pub async fn delete_then_get(api: &Api) -> Obs {
        let tok = admin(&tenant("T"));
        let id = api
            .post(&tok, &p("/governancePolicyTemplates"), template_body("d"))
            .await
            .str("/id");
        let path = p(&format!("/governancePolicyTemplates/{id}"));
        api.delete(&tok, &path).await;
        obs_status(api.get(&tok, &path).await).await
    }
    pub async fn template_missing_name(api: &Api) -> Obs {
        let mut b = template_body("n");
        if let Some(o) = b.as_object_mut() {
            o.remove("displayName");
        }
        obs_status(
            api.post(&admin(&tenant("T")), &p("/governancePolicyTemplates"), b)
                .await,
        )
        .await
    }
    pub async fn unknown_permission_type(api: &Api) -> Obs {
        let mut b = template_body("n");
        b["multiTenantApplicationsToProvision"][0]["requiredResourceAccesses"][0]["permissions"]
            [0]["type"] = json!("delegated");
        obs_status(
            api.post(&admin(&tenant("T")), &p("/governancePolicyTemplates"), b)
                .await,
        )
        .await
    }
    pub async fn enum_case(api: &Api) -> Obs {
        let (x, _, _, req) = pending(api).await;
        obs_status(decide(api, &x.dt, &req, "Accepted").await).await
    }
    pub async fn wrong_type(api: &Api) -> Obs {
        obs_status(
            api.patch(
                &admin(&tenant("T")),
                &p("/settings"),
                json!({"canReceiveInvitations": "yes"}),
            )
            .await,
        )
        .await
    }
    pub async fn invalid_json(api: &Api) -> Obs {
        obs_status(
            api.send(
                Some(&admin(&tenant("T"))),
                "POST",
                &p("/governanceRequests"),
                Body::Raw("{\"a\": "),
            )
            .await,
        )
        .await
    }
    pub async fn read_only_setting(api: &Api) -> Obs {
        let tok = admin(&tenant("T"));
        let r = api
            .patch(
                &tok,
                &p("/settings"),
                json!({"isRelatedTenantsEnabled": true}),
            )
            .await;
        let after = api.get(&tok, &p("/settings")).await;
        format!("{} {}", r.status, after.json["isRelatedTenantsEnabled"])
    }
    pub async fn settings_saved(api: &Api) -> Obs {
        let tok = admin(&tenant("T"));
        api.patch(
            &tok,
            &p("/settings"),
            json!({"canReceiveInvitations": true}),
        )
        .await;
        api.get(&tok, &p("/settings")).await.json["canReceiveInvitations"].to_string()
    }
    pub async fn related_before_enable(api: &Api) -> Obs {
        obs_status(api.get(&admin(&tenant("T")), &p("/relatedTenants")).await).await
    }
    /// Reading a related tenant by id and refresh, before the feature is enabled.
    pub async fn related_by_id_before_enable(api: &Api) -> Obs {
        let (x, _, _, _) = pending(api).await;
        let by_id = api
            .get(&x.gt, &p(&format!("/relatedTenants/{}", x.d.tid)))
            .await;
        let refresh = api
            .send(
                Some(&x.gt),
                "POST",
                &p("/relatedTenants/refresh"),
                Body::None,
            )
            .await;
        format!("{} {}", by_id.status, refresh.status)
    }
    pub async fn enable_twice(api: &Api) -> Obs {
        let tok = admin(&tenant("T"));
        api.send(
            Some(&tok),
            "POST",
            &p("/settings/enableRelatedTenants"),
            Body::None,
        )
        .await;
        obs_status(
            api.send(
                Some(&tok),
                "POST",
                &p("/settings/enableRelatedTenants"),
                Body::None,
            )
            .await,
        )
        .await
    }
    pub async fn patch_status(api: &Api) -> Obs {
        obs_status(
            api.patch(
                &admin(&tenant("T")),
                &p("/settings"),
                json!({"canReceiveInvitations": true}),
            )
            .await,
        )
        .await
    }
    pub async fn create_status(api: &Api) -> Obs {
        obs_status(
            api.post(
                &admin(&tenant("T")),
                &p("/governancePolicyTemplates"),
                template_body("c"),
            )
            .await,
        )
        .await
    }
    pub async fn delete_status(api: &Api) -> Obs {
        let (x, _, inv, _) = pending(api).await;
        obs_status(
            api.delete(&x.dt, &p(&format!("/governanceInvitations/{inv}")))
                .await,
        )
        .await
    }
    pub async fn context(api: &Api) -> Obs {
        api.get(&admin(&tenant("T")), &p("/settings"))
            .await
            .json
            .get("@odata.context")
            .is_some()
            .to_string()
    }
    pub async fn odata_type(api: &Api) -> Obs {
        api.get(&admin(&tenant("T")), &p("/settings"))
            .await
            .str("/@odata.type")
    }
    pub async fn request_id_header(api: &Api) -> Obs {
        api.get(&admin(&tenant("T")), &p("/settings"))
            .await
            .header("request-id")
            .is_some()
            .to_string()
    }
    pub async fn client_request_id(api: &Api) -> Obs {
        let r = api
            .send_with(
                Some(&admin(&tenant("T"))),
                "GET",
                &p("/settings"),
                Body::None,
                &[("client-request-id", "mine")],
            )
            .await;
        r.header("client-request-id").unwrap_or("").to_string()
    }
    pub async fn inner_error(api: &Api) -> Obs {
        api.send(None, "GET", &p("/settings"), Body::None)
            .await
            .json["error"]
            .get("innerError")
            .is_some()
            .to_string()
    }
    pub async fn inner_error_ids(api: &Api) -> Obs {
        let r = api.send(None, "GET", &p("/settings"), Body::None).await;
        let header = r.header("request-id").unwrap_or("").to_string();
        (r.str("/error/innerError/request-id") == header).to_string()
    }
    pub async fn content_type(api: &Api) -> Obs {
        let r = api.get(&admin(&tenant("T")), &p("/settings")).await;
        r.header("content-type")
            .unwrap_or("")
            .split(';')
            .next()
            .unwrap_or("")
            .to_string()
    }
    pub async fn date_zone(api: &Api) -> Obs {
        let r = api
            .post(
                &admin(&tenant("T")),
                &p("/governancePolicyTemplates"),
                template_body("z"),
            )
            .await;
        r.str("/createdDateTime").ends_with('Z').to_string()
    }
    pub async fn tenant_name(api: &Api) -> Obs {
        let (x, _, _, req) = pending(api).await;
        api.get(&x.gt, &p(&format!("/governanceRequests/{req}")))
            .await
            .str("/governedTenantName")
    }
    pub async fn next_link(api: &Api) -> Obs {
        let r = api
            .get(
                &admin(&tenant("T")),
                &p("/governancePolicyTemplates?$top=1"),
            )
            .await;
        r.json.get("@odata.nextLink").is_some().to_string()
    }
    pub async fn top(api: &Api) -> Obs {
        let r = api
            .get(
                &admin(&tenant("T")),
                &p("/governancePolicyTemplates?$top=1"),
            )
            .await;
        r.json["value"]
            .as_array()
            .map(Vec::len)
            .unwrap_or(0)
            .to_string()
    }
    pub async fn skiptoken(api: &Api) -> Obs {
        let tok = admin(&tenant("T"));
        let first = api.get(&tok, &p("/governancePolicyTemplates?$top=1")).await;
        // Without a nextLink (another fault) follow a hand-made link: $top=1 plus a token for offset 1.
        let link = first.str("/@odata.nextLink");
        let second = api.get(&tok, &link).await;
        (first.json["value"][0]["id"] == second.json["value"][0]["id"]).to_string()
    }
    pub async fn filter(api: &Api) -> Obs {
        let (x, _, _, _) = pending(api).await;
        let r = api
            .get(
                &x.dt,
                &p("/governanceRequests?$filter=status%20eq%20'rejected'"),
            )
            .await;
        r.json["value"]
            .as_array()
            .map(Vec::len)
            .unwrap_or(99)
            .to_string()
    }
    /// Ids of the templates `tok` lists under `query`, in order.
    async fn template_ids(api: &Api, tok: &str, query: &str) -> String {
        let r = api
            .get(tok, &p(&format!("/governancePolicyTemplates?{query}")))
            .await;
        r.json["value"]
            .as_array()
            .map(|v| {
                v.iter()
                    .map(|t| t["id"].as_str().unwrap_or("?").to_string())
                    .collect::<Vec<_>>()
                    .join(",")
            })
            .unwrap_or_default()
    }
    pub async fn filter_ne(api: &Api) -> Obs {
        let tok = admin(&tenant("T"));
        template_ids(api, &tok, "$filter=id%20ne%20'default'")
            .await
            .contains("default")
            .to_string()
    }
    pub async fn datetime_filter_bounds(api: &Api) -> Obs {
        let tok = admin(&tenant("T"));
        let created = api
            .get(&tok, &p("/governancePolicyTemplates/default"))
            .await
            .str("/createdDateTime");
        let lt = template_ids(
            api,
            &tok,
            &format!("$filter=createdDateTime%20lt%20{created}"),
        )
        .await;
        lt.contains("default").to_string()
    }
    pub async fn skip(api: &Api) -> Obs {
        let tok = admin(&tenant("T"));
        let all = template_ids(api, &tok, "$orderby=id").await;
        let skipped = template_ids(api, &tok, "$orderby=id&$skip=1").await;
        (all == skipped).to_string()
    }
    pub async fn orderby(api: &Api) -> Obs {
        let tok = admin(&tenant("T"));
        let asc = template_ids(api, &tok, "$orderby=id").await;
        let desc = template_ids(api, &tok, "$orderby=id%20desc").await;
        (asc == desc).to_string()
    }
    /// The governed tenant's requests by requestDateTime, ascending and descending.
    pub async fn request_orderby(api: &Api) -> Obs {
        let (x, _, _, _) = pending(api).await;
        let ids = |r: Resp| -> Vec<String> {
            r.json["value"]
                .as_array()
                .map(|l| l.iter().map(|i| i["id"].to_string()).collect())
                .unwrap_or_default()
        };
        let all = ids(api.get(&x.dt, &p("/governanceRequests")).await);
        let skipped = ids(api.get(&x.dt, &p("/governanceRequests?$skip=1")).await);
        format!("{} {}", all.len(), skipped.len())
    }
    pub async fn version_filter(api: &Api) -> Obs {
        let tok = admin(&tenant("T"));
        obs_status(
            api.get(
                &tok,
                &p("/governancePolicyTemplates?$filter=version%20gt%20'1.0'"),
            )
            .await,
        )
        .await
    }
    pub async fn invitations_default(api: &Api) -> Obs {
        api.get(&admin(&tenant("T")), &p("/settings")).await.json["canReceiveInvitations"]
            .to_string()
    }
    pub async fn date_local_time(api: &Api) -> Obs {
        let r = api
            .get(
                &admin(&tenant("T")),
                &p("/governancePolicyTemplates/default"),
            )
            .await;
        r.str("/createdDateTime").ends_with('Z').to_string()
    }
    // ----- lifecycle and validation ([H]) -----

    pub async fn count_segment(api: &Api) -> Obs {
        let tok = admin(&tenant("T"));
        obs_status(api.get(&tok, &p("/governanceRequests/$count")).await).await
    }
    pub async fn root(api: &Api) -> Obs {
        let tok = admin(&tenant("T"));
        obs_status(api.get(&tok, ROOT).await).await
    }
    pub async fn nested_template(api: &Api) -> Obs {
        let x = pair();
        let template = first_template(api, &x.gt).await;
        enable_invitations(api, &x.gt).await;
        invite(api, &x).await;
        obs_status(
            api.post(
                &x.gt,
                &p("/governanceRequests"),
                json!({"governedTenantId": x.d.tid, "governancePolicyTemplate": {"id": template}}),
            )
            .await,
        )
        .await
    }
    pub async fn control_information(api: &Api) -> Obs {
        let tok = admin(&tenant("T"));
        let body = json!({"@odata.context": "x", "canReceiveInvitations": true});
        obs_status(api.patch(&tok, &p("/settings"), body).await).await
    }
    pub async fn undocumented_method(api: &Api) -> Obs {
        let tok = admin(&tenant("T"));
        obs_status(api.delete(&tok, &p("/settings")).await).await
    }
    pub async fn withdraw_request(api: &Api) -> Obs {
        let (x, _, _, req) = pending(api).await;
        let path = p(&format!("/governanceRequests/{req}"));
        let del = api.delete(&x.gt, &path).await;
        let after = api.get(&x.gt, &path).await;
        format!("{} {}", del.status, after.status)
    }
    pub async fn patch_invitation(api: &Api) -> Obs {
        let (x, _, inv, _) = pending(api).await;
        obs_status(
            api.patch(
                &x.dt,
                &p(&format!("/governanceInvitations/{inv}")),
                json!({"governingTenantId": x.d.tid}),
            )
            .await,
        )
        .await
    }
    pub async fn delete_relationship(api: &Api) -> Obs {
        let (x, _, _, rel) = active(api).await;
        let path = p(&format!("/governanceRelationships/{rel}"));
        let del = api.delete(&x.dt, &path).await;
        let after = api.get(&x.dt, &path).await;
        format!("{} {}", del.status, after.json["status"])
    }
    pub async fn empty_relationship_patch(api: &Api) -> Obs {
        let (x, _, _, rel) = active(api).await;
        obs_status(
            api.patch(
                &x.dt,
                &p(&format!("/governanceRelationships/{rel}")),
                json!({}),
            )
            .await,
        )
        .await
    }
    pub async fn unknown_relationship_status(api: &Api) -> Obs {
        let (x, _, _, rel) = active(api).await;
        obs_status(set_relationship(api, &x.dt, &rel, "ended").await).await
    }
    pub async fn relationship_sentinel(api: &Api) -> Obs {
        let (x, _, _, rel) = active(api).await;
        obs_status(set_relationship(api, &x.dt, &rel, "unknownFutureValue").await).await
    }
    pub async fn cancel_termination_request(api: &Api) -> Obs {
        let (x, _, _, rel) = active(api).await;
        let r = set_relationship(api, &x.gt, &rel, "terminationRequestedByGoverningTenant").await;
        assert_eq!(r.status, 200, "{:?}", r.json);
        obs_status(set_relationship(api, &x.dt, &rel, "active").await).await
    }
    pub async fn read_only_in_request_body(api: &Api) -> Obs {
        let x = pair();
        let template = first_template(api, &x.gt).await;
        enable_invitations(api, &x.gt).await;
        invite(api, &x).await;
        obs_status(
            api.post(
                &x.gt,
                &p("/governanceRequests"),
                json!({
                    "governedTenantId": x.d.tid,
                    "governancePolicyTemplate@odata.bind": bind(api, &template),
                    "status": "accepted",
                }),
            )
            .await,
        )
        .await
    }
    pub async fn empty_settings_patch(api: &Api) -> Obs {
        let tok = admin(&tenant("T"));
        obs_status(api.patch(&tok, &p("/settings"), json!({})).await).await
    }
    pub async fn timestamp_zone(api: &Api) -> Obs {
        let tok = admin(&tenant("T"));
        let r = api
            .get(&tok, &p("/governancePolicyTemplates/default"))
            .await;
        r.str("/createdDateTime").ends_with('Z').to_string()
    }
    pub async fn request_time(api: &Api) -> Obs {
        let (x, _, inv, req) = pending(api).await;
        let i = api
            .get(&x.dt, &p(&format!("/governanceInvitations/{inv}")))
            .await;
        let r = api
            .get(&x.gt, &p(&format!("/governanceRequests/{req}")))
            .await;
        let at = |r: &Resp, k: &str| chrono::DateTime::parse_from_rfc3339(&r.str(k)).ok();
        format!(
            "{:?}",
            at(&r, "/requestDateTime")
                .zip(at(&i, "/createdDateTime"))
                .map(|(q, c)| (q - c).num_hours())
        )
    }
    pub async fn relationship_created(api: &Api) -> Obs {
        let (x, _, _, req) = pending(api).await;
        advance(api, Some(&x.gt), "P2D").await;
        let r = decide(api, &x.dt, &req, "accepted").await;
        assert_eq!(r.status, 200, "{:?}", r.json);
        let rel = relationships(api, &x.dt).await;
        let at = |v: &Value| {
            v.as_str()
                .and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok())
        };
        format!(
            "{:?}",
            rel.first()
                .and_then(|r| at(&r["creationDateTime"]))
                .zip(at(&r.json["requestDateTime"]))
                .map(|(c, q)| (c - q).num_days())
        )
    }
    pub async fn role_assignment_group(api: &Api) -> Obs {
        let tok = admin(&tenant("T"));
        let r = api
            .post(&tok, &p("/governancePolicyTemplates"), template_body("g"))
            .await;
        r.json["delegatedAdministrationRoleAssignments"][0]["group"].to_string()
    }
    pub async fn empty_template(api: &Api) -> Obs {
        let tok = admin(&tenant("T"));
        let mut body = template_body("e");
        body["multiTenantApplicationsToProvision"] = json!([]);
        body["delegatedAdministrationRoleAssignments"] = json!([]);
        obs_status(api.post(&tok, &p("/governancePolicyTemplates"), body).await).await
    }
    pub async fn not_role_assignable_group(api: &Api) -> Obs {
        let tok = admin(&tenant("T"));
        let mut body = template_body("n");
        body["delegatedAdministrationRoleAssignments"][0]["group"]["id"] =
            json!("ffffffff-5555-6666-7777-bbbbbbbbbbbb");
        obs_status(api.post(&tok, &p("/governancePolicyTemplates"), body).await).await
    }
    pub async fn group_display_name(api: &Api) -> Obs {
        let tok = admin(&tenant("T"));
        let r = api
            .post(&tok, &p("/governancePolicyTemplates"), template_body("g"))
            .await;
        r.json["delegatedAdministrationRoleAssignments"][0]["groupDisplayName"].to_string()
    }
    pub async fn forged_group_display_name(api: &Api) -> Obs {
        let tok = admin(&tenant("T"));
        let mut body = template_body("g");
        body["delegatedAdministrationRoleAssignments"][0]["groupDisplayName"] = json!("Forged");
        let r = api.post(&tok, &p("/governancePolicyTemplates"), body).await;
        format!(
            "{} {}",
            r.status, r.json["delegatedAdministrationRoleAssignments"][0]["groupDisplayName"]
        )
    }
    pub async fn application_object_id(api: &Api) -> Obs {
        let tok = admin(&tenant("T"));
        let r = api
            .post(&tok, &p("/governancePolicyTemplates"), template_body("a"))
            .await;
        r.str("/multiTenantApplicationsToProvision/0/objectId")
    }
    /// A pending request relates the pair; the governing tenant enables related tenants.
    async fn related(api: &Api) -> Pair {
        let (x, _, _, _) = pending(api).await;
        let r = api
            .send(
                Some(&x.gt),
                "POST",
                &p("/settings/enableRelatedTenants"),
                Body::None,
            )
            .await;
        assert_eq!(r.status, 204, "{:?}", r.json);
        x
    }
    pub async fn related_tenant_id(api: &Api) -> Obs {
        let x = related(api).await;
        let r = api.get(&x.gt, &p("/relatedTenants")).await;
        r.json["value"]
            .as_array()
            .is_some_and(|l| l.iter().any(|t| t["id"] == x.d.tid.as_str()))
            .to_string()
    }
    pub async fn related_tenant_metrics(api: &Api) -> Obs {
        let x = related(api).await;
        let r = api
            .get(&x.gt, &p(&format!("/relatedTenants/{}", x.d.tid)))
            .await;
        r.json
            .as_object()
            .is_some_and(|m| m.contains_key("billingMetrics"))
            .to_string()
    }
    pub async fn unrelated_tenant(api: &Api) -> Obs {
        let x = related(api).await;
        obs_status(
            api.get(&x.gt, &p(&format!("/relatedTenants/{}", tenant("U").tid)))
                .await,
        )
        .await
    }
    pub async fn invite_self(api: &Api) -> Obs {
        let x = pair();
        enable_invitations(api, &x.dt).await;
        obs_status(
            api.post(
                &x.dt,
                &p("/governanceInvitations"),
                json!({"governingTenantId": x.d.tid}),
            )
            .await,
        )
        .await
    }
    pub async fn invite_twice(api: &Api) -> Obs {
        let (x, _, _, _) = pending(api).await;
        obs_status(invite(api, &x).await).await
    }
    pub async fn invite_unknown(api: &Api) -> Obs {
        let x = pair();
        obs_status(
            api.post(
                &x.dt,
                &p("/governanceInvitations"),
                json!({"governingTenantId": tenant("U").tid}),
            )
            .await,
        )
        .await
    }
    pub async fn accept_again(api: &Api) -> Obs {
        let (x, template, _, _) = active(api).await;
        let again = request(api, &x, &template).await;
        assert_eq!(again.status, 201, "{:?}", again.json);
        let r = decide(api, &x.dt, &again.str("/id"), "accepted").await;
        assert_eq!(r.status, 200, "{:?}", r.json);
        relationships(api, &x.dt).await.len().to_string()
    }
    pub async fn request_with_relationship(api: &Api) -> Obs {
        let (x, template, inv, req) = pending(api).await;
        let r = decide(api, &x.dt, &req, "accepted").await;
        assert_eq!(r.status, 200, "{:?}", r.json);
        let d = api
            .delete(&x.dt, &p(&format!("/governanceInvitations/{inv}")))
            .await;
        assert_eq!(d.status, 204, "{:?}", d.json);
        obs_status(request(api, &x, &template).await).await
    }
    pub async fn template_created_kept(api: &Api) -> Obs {
        let tok = admin(&tenant("T"));
        let c = api
            .post(&tok, &p("/governancePolicyTemplates"), template_body("c"))
            .await;
        let u = api
            .patch(
                &tok,
                &p(&format!("/governancePolicyTemplates/{}", c.str("/id"))),
                json!({"displayName": "c2"}),
            )
            .await;
        (c.str("/createdDateTime") == u.str("/createdDateTime")).to_string()
    }
    /// Whole days between a template's creation and its lastModifiedDateTime after an
    /// update two days later.
    pub async fn template_modified_at_update(api: &Api) -> Obs {
        let tok = admin(&tenant("T"));
        let c = api
            .post(&tok, &p("/governancePolicyTemplates"), template_body("m"))
            .await;
        advance(api, Some(&tok), "P2D").await;
        let u = api
            .patch(
                &tok,
                &p(&format!("/governancePolicyTemplates/{}", c.str("/id"))),
                json!({"displayName": "m2"}),
            )
            .await;
        let at = |r: &Resp, k: &str| chrono::DateTime::parse_from_rfc3339(&r.str(k)).ok();
        format!(
            "{:?}",
            at(&u, "/lastModifiedDateTime")
                .zip(at(&c, "/createdDateTime"))
                .map(|(m, c)| (m - c).num_days())
        )
    }
    /// Whether a termination request a day later leaves creationDateTime alone.
    pub async fn relationship_creation_kept(api: &Api) -> Obs {
        let (x, _, _, rel) = active(api).await;
        let before = api
            .get(&x.gt, &p(&format!("/governanceRelationships/{rel}")))
            .await;
        advance(api, Some(&x.gt), "P1D").await;
        let after =
            set_relationship(api, &x.gt, &rel, "terminationRequestedByGoverningTenant").await;
        (before.str("/creationDateTime") == after.str("/creationDateTime")).to_string()
    }
    pub async fn governing_lists_relationship(api: &Api) -> Obs {
        let (x, _, _, _) = active(api).await;
        relationships(api, &x.gt).await.len().to_string()
    }
}

/// Run the probe against a correct mock and against one with the fault on; the two
/// observations must differ.
macro_rules! fault_tests {
    ($($test:ident: $fault:ident => $probe:ident;)*) => {
        $(
            #[tokio::test]
            async fn $test() {
                let clean = probes::$probe(&Api::start(&[])).await;
                let faulty = probes::$probe(&Api::start(&[Fault::$fault])).await;
                assert_ne!(
                    clean, faulty,
                    "fault `{}` is not observable by probe `{}`",
                    Fault::$fault.name(),
                    stringify!($probe)
                );
            }
        )*

        #[test]
        fn every_fault_has_a_test() {
            let covered = [$(Fault::$fault),*];
            for f in Fault::ALL {
                assert!(covered.contains(f), "fault `{}` has no test in tests/mock_api.rs", f.name());
            }
        }
    };
}

/// A decision is observable (the probe sees another answer) and, unlike a fault, keeps
/// every answer in the documented schemas (`Api::with` checks them when no fault is on).
macro_rules! decision_tests {
    ($($test:ident: $decision:ident => $probe:ident;)*) => {
        $(
            #[tokio::test]
            async fn $test() {
                let default = probes::$probe(&Api::start(&[])).await;
                let decided = probes::$probe(&Api::deciding(&[Decision::$decision])).await;
                assert_ne!(
                    default, decided,
                    "decision `{}` is not observable by probe `{}`",
                    Decision::$decision.name(),
                    stringify!($probe)
                );
            }
        )*

        #[test]
        fn every_decision_has_a_test() {
            let covered = [$(Decision::$decision),*];
            for d in Decision::ALL {
                assert!(covered.contains(d), "decision `{}` has no test in tests/mock_api.rs", d.name());
            }
        }
    };
}

decision_tests! {
    decision_omit_role_assignment_group: OmitRoleAssignmentGroup => role_assignment_group;
    decision_undocumented_method_403: UndocumentedMethod403 => undocumented_method;
    decision_refuse_empty_template: RefuseEmptyTemplate => empty_template;
    decision_timestamps_plus_zero_offset: TimestampsPlusZeroOffset => timestamp_zone;
}

fault_tests! {
    fault_no_401_without_token: NoUnauthorizedWithoutToken => no_token;
    fault_malformed_token_accepted: MalformedTokenAccepted => malformed_token;
    fault_expired_token_accepted: ExpiredTokenAccepted => expired_token;
    fault_missing_scope_allowed: MissingScopeAllowed => no_scope;
    fault_missing_role_allowed: MissingRoleAllowed => no_role;
    fault_relationship_admin_can_decide_requests: RelationshipAdminCanDecide => rel_admin_decides;
    fault_read_scope_can_write: ReadScopeCanWrite => read_scope_writes;
    fault_other_scope_family_accepted: OtherScopeFamilyAccepted => other_family_writes;
    fault_reader_roles_can_write: ReaderRolesCanWrite => reader_writes;
    fault_relationship_roles_read_related_tenants: RelationshipRolesReadRelatedTenants => rel_reader_reads_related_tenants;
    fault_tenant_governance_reader_refused: TenantGovernanceReaderRefused => tg_reader_reads;
    fault_app_only_can_write: AppOnlyCanWrite => app_writes;
    fault_app_only_cannot_read: AppOnlyCannotRead => app_reads;
    fault_governing_can_accept: GoverningCanAccept => governing_accepts;
    fault_governing_can_reject: GoverningCanReject => governing_rejects;
    fault_accept_twice_allowed: AcceptTwiceAllowed => accept_twice;
    fault_reject_after_accept_allowed: RejectAfterAcceptAllowed => reject_after_accept;
    fault_expired_request_acceptable: ExpiredRequestAcceptable => accept_expired;
    fault_request_expiry_13_days: RequestExpiry13Days => request_lifetime;
    fault_duplicate_request_allowed: DuplicateRequestAllowed => duplicate_request;
    fault_request_without_invitation_allowed: RequestWithoutInvitationAllowed => request_without_invitation;
    fault_bind_unknown_template_accepted: BindUnknownTemplateAccepted => bind_unknown;
    fault_invitation_expiry_31_days: InvitationExpiry31Days => invitation_lifetime;
    fault_expired_invitation_honoured: ExpiredInvitationHonoured => expired_invitation;
    fault_invitations_ignore_setting: InvitationsIgnoreSetting => invitation_setting_off;
    fault_accept_creates_no_relationship: AcceptCreatesNoRelationship => relationship_count;
    fault_wrong_created_type: WrongCreatedType => created_type;
    fault_policy_snapshot_not_copied: PolicySnapshotNotCopied => snapshot_frozen;
    fault_governing_can_terminate_directly: GoverningCanTerminateDirectly => governing_terminates;
    fault_governed_can_request_termination: GovernedCanRequestTermination => governed_requests_termination;
    fault_terminated_not_final: TerminatedNotFinal => terminate_twice;
    fault_terminated_relationships_hidden: TerminatedRelationshipsHidden => terminated_listed;
    fault_status_pascal_case: StatusPascalCase => status_case;
    fault_third_tenant_sees_requests: ThirdTenantSeesRequests => outsider_gets_request;
    fault_non_party_gets_403: NonPartyGets403 => outsider_deletes_invitation;
    fault_lists_ignore_party: ListsIgnoreParty => outsider_lists_requests;
    fault_unknown_id_is_400: UnknownIdIs400 => unknown_id;
    fault_template_version_not_bumped: TemplateVersionNotBumped => template_version;
    fault_template_version_minor_bump: TemplateVersionMinorBump => template_version;
    fault_default_template_deletable: DefaultTemplateDeletable => delete_default;
    fault_in_use_template_deletable: InUseTemplateDeletable => delete_in_use;
    fault_template_delete_not_applied: TemplateDeleteNotApplied => delete_then_get;
    fault_template_required_properties_optional: TemplateRequiredPropertiesOptional => template_missing_name;
    fault_unknown_enum_accepted: UnknownEnumAccepted => unknown_permission_type;
    fault_enum_case_insensitive: EnumCaseInsensitive => enum_case;
    fault_wrong_type_coerced: WrongTypeCoerced => wrong_type;
    fault_invalid_json_500: InvalidJson500 => invalid_json;
    fault_read_only_property_ignored: ReadOnlyPropertyIgnored => read_only_setting;
    fault_read_only_property_written: ReadOnlyPropertyWritten => read_only_setting;
    fault_settings_not_saved: SettingsNotSaved => settings_saved;
    fault_related_tenants_work_before_enable: RelatedTenantsWorkBeforeEnable => related_before_enable;
    fault_related_tenant_by_id_and_refresh_ungated: RelatedTenantByIdAndRefreshUngated => related_by_id_before_enable;
    fault_enable_related_tenants_not_idempotent: EnableRelatedTenantsNotIdempotent => enable_twice;
    fault_patch_returns_204: PatchReturns204 => patch_status;
    fault_create_returns_200: CreateReturns200 => create_status;
    fault_delete_returns_200: DeleteReturns200 => delete_status;
    fault_missing_odata_context: MissingOdataContext => context;
    fault_wrong_odata_type: WrongOdataType => odata_type;
    fault_no_request_id_header: NoRequestIdHeader => request_id_header;
    fault_client_request_id_not_echoed: ClientRequestIdNotEchoed => client_request_id;
    fault_error_without_inner_error: ErrorWithoutInnerError => inner_error;
    fault_inner_error_ids_differ: InnerErrorIdsDiffer => inner_error_ids;
    fault_content_type_text_plain: ContentTypeTextPlain => content_type;
    fault_date_without_zone: DateWithoutZone => date_zone;
    fault_wrong_tenant_name: WrongTenantName => tenant_name;
    fault_next_link_missing: NextLinkMissing => next_link;
    fault_top_ignored: TopIgnored => top;
    fault_skiptoken_ignored: SkiptokenIgnored => skiptoken;
    fault_filter_ignored: FilterIgnored => filter;
    fault_filter_ne_as_eq: FilterNeAsEq => filter_ne;
    fault_datetime_filter_inclusive: DateTimeFilterInclusive => datetime_filter_bounds;
    fault_skip_ignored: SkipIgnored => skip;
    fault_orderby_ignored: OrderbyIgnored => orderby;
    fault_version_filter_eq_only: VersionFilterEqOnly => version_filter;
    fault_count_segment_is_an_id: CountSegmentIsAnId => count_segment;
    fault_orderby_skip_only_on_templates: OrderbySkipOnlyOnTemplates => request_orderby;
    fault_date_in_local_time: DateInLocalTime => date_local_time;
    fault_invitations_on_by_default: InvitationsOnByDefault => invitations_default;
    fault_outsider_can_decide_requests: OutsiderCanDecideRequests => outsider_decides;
    fault_invitation_lists_ignore_party: InvitationListsIgnoreParty => outsider_lists_invitations;
    fault_relationship_lists_ignore_party: RelationshipListsIgnoreParty => outsider_lists_relationships;
    fault_requests_listed_for_sender_only: RequestsListedForSenderOnly => received_requests_listed;
    fault_invitations_listed_for_sender_only: InvitationsListedForSenderOnly => received_invitations_listed;
    fault_missing_bind_uses_default_template: MissingBindUsesDefaultTemplate => request_without_bind;
    fault_nested_template_taken_as_bind: NestedTemplateTakenAsBind => nested_template;
    fault_empty_request_patch_ignored: EmptyRequestPatchIgnored => empty_request_patch;
    fault_sentinel_status_ignored: SentinelStatusIgnored => sentinel_status;
    fault_patch_response_shows_old_status: PatchResponseShowsOldStatus => accept_answer;
    fault_reject_creates_relationship: RejectCreatesRelationship => reject_relationships;
    fault_request_snapshot_not_frozen: RequestSnapshotNotFrozen => request_snapshot_frozen;
    fault_relationship_admin_refused_on_writes: RelationshipAdminRefusedOnWrites => rel_admin_creates_template;
    fault_related_tenants_reported_enabled: RelatedTenantsReportedEnabled => related_enabled_at_first;
    fault_enable_related_tenants_returns_settings: EnableRelatedTenantsReturnsSettings => enable_related_answer;
    fault_refresh_returns_202: RefreshReturns202 => refresh_answer;
    fault_delete_unknown_is_204: DeleteUnknownIs204 => delete_unknown;
    fault_undocumented_method_404: UndocumentedMethod404 => undocumented_method;
    fault_root_is_unknown_segment: RootIsUnknownSegment => root;
    fault_request_delete_withdraws: RequestDeleteWithdraws => withdraw_request;
    fault_invitation_patch_allowed: InvitationPatchAllowed => patch_invitation;
    fault_relationship_delete_allowed: RelationshipDeleteAllowed => delete_relationship;
    fault_empty_relationship_patch_ignored: EmptyRelationshipPatchIgnored => empty_relationship_patch;
    fault_unknown_relationship_status_ignored: UnknownRelationshipStatusIgnored => unknown_relationship_status;
    fault_relationship_sentinel_ignored: RelationshipSentinelIgnored => relationship_sentinel;
    fault_termination_request_cancellable: TerminationRequestCancellable => cancel_termination_request;
    fault_body_read_only_properties_ignored: BodyReadOnlyPropertiesIgnored => read_only_in_request_body;
    fault_control_information_refused: ControlInformationRefused => control_information;
    fault_empty_settings_patch_ignored: EmptySettingsPatchIgnored => empty_settings_patch;
    fault_request_timestamps_local: RequestTimestampsLocal => request_time;
    fault_decision_moves_request_time: DecisionMovesRequestTime => decided_request_times;
    fault_decision_extends_expiry: DecisionExtendsExpiry => decided_request_times;
    fault_template_last_modified_ticks: TemplateLastModifiedTicks => template_modified_at_update;
    fault_termination_moves_creation_time: TerminationMovesCreationTime => relationship_creation_kept;
    fault_relationship_created_at_request_time: RelationshipCreatedAtRequestTime => relationship_created;
    fault_non_role_assignable_group_accepted: NonRoleAssignableGroupAccepted => not_role_assignable_group;
    fault_group_display_name_not_filled: GroupDisplayNameNotFilled => group_display_name;
    fault_group_display_name_from_client: GroupDisplayNameFromClient => forged_group_display_name;
    fault_application_object_id_is_app_id: ApplicationObjectIdIsAppId => application_object_id;
    fault_related_tenant_ids_are_object_ids: RelatedTenantIdsAreObjectIds => related_tenant_id;
    fault_related_tenant_metrics_not_expanded: RelatedTenantMetricsNotExpanded => related_tenant_metrics;
    fault_unrelated_tenant_readable: UnrelatedTenantReadable => unrelated_tenant;
    fault_invitation_to_self_allowed: InvitationToSelfAllowed => invite_self;
    fault_duplicate_invitation_allowed: DuplicateInvitationAllowed => invite_twice;
    fault_unknown_invitation_target_403: UnknownInvitationTarget403 => invite_unknown;
    fault_accept_creates_second_relationship: AcceptCreatesSecondRelationship => accept_again;
    fault_relationship_does_not_authorise: RelationshipDoesNotAuthorise => request_with_relationship;
    fault_template_patch_resets_created: TemplatePatchResetsCreated => template_created_kept;
    fault_relationships_listed_for_governed_only: RelationshipsListedForGovernedOnly => governing_lists_relationship;
}
