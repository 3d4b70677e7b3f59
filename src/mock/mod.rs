//! The embedded reference mock of the tenant governance API: every documented
//! operation, identities from mock tokens, the permission matrix, the lifecycle rules
//! (the rules of `docs/contract.md`), OData paging, a movable clock and a catalogue of
//! deliberate faults. It shares only [`crate::contract`] with the harness, and for its
//! `$metadata` the schema documents through [`crate::metadata`].
//!
//! Layout: [`server`] (HTTP glue, `MockServer`) → `handlers` (dispatch on
//! `contract::OperationId`, one module per resource) →
//! `store` (state and rendering), with `auth`, `validate`, `odata`, `clock`, `errors`
//! and [`faults`] beside them. `docs/mock.md` holds the same decisions table as below,
//! plus the fault catalogue with the scenario that kills each fault.
//!
//! # Decisions where the documentation is silent
//!
//! | Topic | The mock's choice | Why / source |
//! |---|---|---|
//! | Base path | only `/beta`; other prefixes 404, unknown segments under `/beta` 400 "Resource not found for the segment" | Graph's answer to unknown segments |
//! | `$metadata` | `GET /beta/$metadata` answers 200 `application/xml` without a token: the namespace's CSDL, generated from the builtin schemas and the contract's bound operations (`crate::metadata`), so it matches the schemas by construction | Graph serves its `$metadata` without a token; `tgconform schema diff --target` and `run --metadata live` read it |
//! | Wrong method on a known path | 405 `MethodNotAllowed` with `Allow` (decision `undocumented-method-403`: 403) | `GRAPH-UNDOCUMENTED-METHOD` (405, 400, 403 or 501) |
//! | The root `/directory/tenantGovernance` | a known path whose page lists no methods ("None."): GET, PATCH, DELETE and every other method → 405 `MethodNotAllowed` with an empty `Allow` (decision `undocumented-method-403`: 403); not readable, since no GET is documented | `GRAPH-ROOT-KNOWN` (405, 403 or 501, or 200 for GET; never 400 "Resource not found for the segment" or 404); an empty `Allow` says the resource offers no methods (RFC 9110 §10.2.1) |
//! | Check order | 401 → route (400/405) → 403 permission → 400 query → 400/415 body → 404 → 403 wrong party → 409 state | authentication first, as Graph does; body errors before existence |
//! | `@odata.context` | on every 2xx JSON body: `{origin}/beta/$metadata#directory/tenantGovernance/<set>[/$entity]`; `(<props>)` after the set with `$select` | `GRAPH-ODATA-CONTEXT` |
//! | `@odata.type` | `#microsoft.graph.tenantGovernanceServices.<type>` on every entity and on refreshStatus | `GRAPH-ODATA-TYPE-NAMESPACE`, `GRAPH-ODATA-TYPE-PRESENT` |
//! | Headers | `request-id` (new GUID), `client-request-id` (echoed, else = request-id), `Date`, `Cache-Control: no-cache`, `OData-Version: 4.0`, JSON `Content-Type` with Graph's OData parameters, `Location` on 201 | `GRAPH-REQUEST-ID`, `GRAPH-CLIENT-REQUEST-ID`, `GRAPH-JSON-CONTENT-TYPE`; Graph conventions |
//! | Errors | `{"error":{"code","message","innerError":{"date" (no zone, no fraction),"request-id","client-request-id"}}}`; codes: `InvalidAuthenticationToken` 401, `Authorization_RequestDenied` 403 permission, `Forbidden` 403 wrong party/precondition, `Request_ResourceNotFound` 404, `BadRequest` 400 body, `Request_UnsupportedQuery` 400 query, `Conflict` 409, `UnsupportedMediaType` 415 | `GRAPH-ERROR-BODY`, `GRAPH-ERROR-INNER`, `GRAPH-ERROR-INNER-IDS` (codes usual, not guaranteed) |
//! | Timestamps | UTC, seven fractional digits, `Z` (`2026-01-01T18:25:09.4212828Z`; decision `timestamps-plus-zero-offset`: `+00:00`) | `GRAPH-UTC-TIMESTAMPS`, `GRAPH-UTC-Z`, `GRAPH-TIMESTAMP-PRECISION` |
//! | Tenants | created on first authenticated call; name = latest `tenant_name` claim, else `Tenant <first 8 of tid>`; ids compared in lower case | issue 4 |
//! | Seeded templates | every tenant starts with `default` (empty arrays, version "1.0") and one configured sample template (the documented create example) | `TPL-DEFAULT-GET`, `TPL-DEFAULT-LISTED`; the suite's `policy-template` fixture needs a configured template, as a set-up real tenant has |
//! | Template `version` | "1.0" on create, "2.0", "3.0" … after each successful PATCH (also of `default`) | `TPL-CREATE-VERSION`, `TPL-UPDATE-VERSION`, `TYPE-TEMPLATE-VERSION-STRING` (the lexical form after an update is undocumented) |
//! | `lastModifiedDateTime` | set on every PATCH, strictly later than before | `TPL-UPDATE-LAST-MODIFIED`, `TPL-UPDATE-CREATED-UNCHANGED` |
//! | Template writes | the four documented properties; unknown or read-only (`id`, `version`, timestamps, `groupDisplayName`) → 400; ids GUIDs; each role assignment needs ≥ 1 role and a group (`group: {id}` or `group@odata.bind`), role-assignable: the mock has no directory and knows one security group that is not (`ffffffff-5555-6666-7777-bbbbbbbbbbbb`, 400), every other group id counts as role-assignable; an application needs `appId`, `objectId` and `displayName`, a permission `id`, `name` and `type` (what the response schema requires, so every accepted template is answered in the documented shape; `requiredResourceAccesses` may be left out and is answered as `[]`); `governedTenantCanTerminate` type-checked and ignored ("Not implemented"); empty PATCH → 400 | `TPL-CREATE-REQUIRES-*`, `TPL-CREATE-READ-ONLY`, `TPL-GROUP-INLINE`, `TPL-GROUP-ROLE-ASSIGNABLE`, `TPL-PERMISSION-TYPE`, `TPL-UPDATE-PARTIAL`, `TPL-GOVERNED-CAN-TERMINATE`; the response schemas in `schemas/` |
//! | `groupDisplayName` | server-filled when a template is saved (refused in request bodies): `Group <first 8 of the group id>`, since the mock has no directory of groups; requests and relationships capture it in the snapshot next to `groupId` | `TPL-GROUP-DISPLAY-NAME` in `docs/contract.md` ("server-filled from the group when the template is saved"; the snapshot type captures it) |
//! | `policySnapshot` | frozen at request time; role assignments in the documented snapshot shape `groupId` + `roleTemplates`; `governedTenantCanTerminate: true`; no `version` (not on the beta page) | `REQ-SNAPSHOT-COPIES-TEMPLATE`, `REQ-SNAPSHOT-FROZEN`, `REQ-SNAPSHOT-GROUP-FORM`, `REL-SNAPSHOT-NOT-LIVE` |
//! | Request create | caller = governing tenant; `governedTenantId` + bind required; self → 400; bind absolute (any host, `/beta` or `/v1.0`) or relative; unknown template → 400; multi-tier → 400; no valid invitation from the governed tenant and no active relationship of the pair → 403; duplicate non-expired pending request → 409 | `REQ-CREATE-BIND-ABSOLUTE`, `REQ-CREATE-BIND-RELATIVE`, `REQ-CREATE-BIND-UNKNOWN`, `REQ-CREATE-SELF`, `REQ-CREATE-NEEDS-INVITATION`, `REQ-CREATE-WITH-RELATIONSHIP`, `REQ-CREATE-DUPLICATE`, `REQ-CREATE-MULTI-TIER` |
//! | Nested `governancePolicyTemplate` | a request create with `governancePolicyTemplate: {…}` → 400 whose message says to bind with `governancePolicyTemplate@odata.bind`; never taken as the bind | `REQ-CREATE-NESTED-TEMPLATE`: in OData a nested entity in a create is a deep insert, not a reference (Protocol §11.4.2.2); only the bind is documented |
//! | Request PATCH | only `status`: `accepted`/`rejected`; `pending`, `unknownFutureValue`, other values → 400; non-party 404; governing tenant → 403; decided → 409; expired → 409 | `REQ-UPDATE-*`, `REQ-DECIDED-FINAL`, `REQ-EXPIRED-REFUSED` |
//! | Acceptance | one relationship, `active`, `approvedByAdmin`, `creationDateTime` = now, snapshot of the request; a live relationship of the pair is updated in place instead | `REQ-ACCEPT-CREATES-RELATIONSHIP`, `REL-CREATED-TYPE-APPROVED`, `REQ-ACCEPT-UPDATES-EXISTING` |
//! | Relationship PATCH | governing: `active` → `terminationRequestedByGoverningTenant`; governed: → `terminated` from either live state; governing → `terminated` 403; governed → `terminationRequested…` 403; → `active` 400; same status again 409; anything on `terminated` 409; terminated relationships stay listed | `REL-TERMINATION-REQUEST`, `REL-TERMINATE-DIRECT`, `REL-TERMINATE-AFTER-REQUEST`, `REL-GOVERNING-CANNOT-TERMINATE`, `REL-GOVERNED-CANNOT-REQUEST-TERMINATION`, `REL-ACTIVE-NOT-SETTABLE`, `REL-TERMINATED-FINAL`, `REL-TERMINATED-STAYS-LISTED` |
//! | Invitations | caller = governed tenant; self → 400; a target tenant the mock does not know (it has never called and is no add-on tenant) → 404 `Request_ResourceNotFound`; target must have `canReceiveInvitations` → else 403; duplicate live invitation → 409; not consumed by a request (valid until deleted or expired); only the creator may DELETE (recipient 403) | `INV-CREATE-NEEDS-RECEIVER-ENABLED`, `INV-CREATE-SELF`, `INV-CREATE-DUPLICATE`, `INV-DELETE-BY-CREATOR`; `INV-CREATE-UNKNOWN-TENANT` allows 404 or 400: 404, as Graph answers for a reference to an object that does not exist |
//! | Expiry | requests +14 d, invitations +30 d; expired objects stay listed with their old status; acting on them → 409 (request) or they stop authorising requests (invitation → 403) | `REQ-EXPIRY-14D`, `INV-EXPIRY-30D`, `REQ-EXPIRED-REFUSED`, `INV-EXPIRED-NO-LONGER-AUTHORISES` |
//! | Binding `default` | a request binding the system template `default` while it is not configured (no application and no role assignment, as every tenant starts) → 400; once configured it binds like any template | the Entra docs: the default template "must be configured before you can use it"; the same test decides `REL-ADDON-NEEDS-CONFIGURED-DEFAULT` (no relationship for an add-on tenant); 400 like any bind the mock cannot use |
//! | Template delete | `default` → 400; used by a non-terminated relationship → 409; referenced only by requests → allowed | `TPL-DEFAULT-NOT-DELETABLE`, `TPL-IN-USE-NOT-DELETABLE`, `TPL-DELETE-AFTER-TERMINATION` |
//! | Settings | `canReceiveInvitations` required Boolean; `isRelatedTenantsEnabled` read-only → 400 | `SET-UPDATE-REQUIRES-FIELD`, `SET-UPDATE-BOOLEAN`, `SET-RELATED-READ-ONLY-REFUSED` |
//! | Related tenants | before `enableRelatedTenants` every related-tenant call → 403 `Forbidden`; enabling twice → 204; list = tenants the caller shares a request/invitation/relationship with, all metric navigations `null`; refresh → 204; refreshStatus `Completed`, `isFirstRefresh` true until the first refresh | `RT-BEFORE-ENABLE-REFUSED`, `SET-ENABLE-TWICE`, `RT-METRICS-EXPANDED`, `RT-REFRESH-STATUS-FIELDS` |
//! | Isolation | requests, invitations, relationships of other pairs → 404 for GET/PATCH/DELETE; lists show only the caller's | `ISOLATION-404` and the `…-LIST-ONLY-OWN` and `…-NON-PARTY` rules |
//! | Permissions | delegated: scope (ReadWrite grants Read) and role from `contract::OPERATIONS`; app-only: 403 on writes, reads only with the listed application permission (none for templates) | `PERM-*`, `ROLE-*` |
//! | OData | lists: `$top` (1–999, page size), `$skip`, `$skiptoken` (opaque, in an absolute `nextLink` on the caller's origin), `$filter` (`eq`/`ne` on string and enum properties with quoted literals, enum literals checked; also `lt`/`le`/`gt`/`ge` on a template's `version`, compared as strings (`ODATA-FILTER-VERSION`); `eq`/`ne`/`gt`/`ge`/`lt`/`le` on the documented date-time properties with unquoted RFC 3339 literals, compared as instants, any offset and precision; joined by `and`; a quoted date-time, `gt` on a string or an unquoted string → 400, as Graph's "incompatible types"), `$orderby`, `$select`; default page 100; `$count`, `$expand`, `$search`, unknown `$` options → 400; any option on non-list operations → 400; parameters without `$` ignored | `ODATA-FILTER-EQ`, `ODATA-FILTER-DATETIME`, `ODATA-FILTER-AND`, `ODATA-FILTER-UNSUPPORTED`, `ODATA-TOP`, `ODATA-SKIPTOKEN`, `ODATA-NEXTLINK`, `ODATA-NO-OPTIONS-BY-ID` |
//! | `…/<collection>/$count` | on the five collections (requests, invitations, relationships, templates, related tenants), any method → 400 `Request_UnsupportedQuery`, the answer to the `$count` query option; never looked up as an id (404) | `ODATA-COUNT-SEGMENT` (200, 400 or 501): no page lists `$count`, so the mock refuses it as it refuses the query option |
//! | Clock | real time + a global offset (token-less control calls) + a per-tenant offset (control calls with a token); an object shared by two tenants uses the later of their clocks; `Date` and `innerError.date` use real time | issue 4 |
//! | Control endpoints | `GET /_mock/health` always; `GET`/`POST /_mock/clock` (`{"advance":"P15D"}`, `{"set":"…Z"}`, `{"reset":true}`) and `POST /_mock/addOnTenant` only when `MockOptions::control`; offsets limited to ±36 500 days | issue 4 |
//! | Add-on tenants | created only by `POST /_mock/addOnTenant` (secure tenant creation is outside this API); governed through an `addOnTenant` relationship with the `default` template's snapshot only if that template is configured (non-empty); the creator may still be governed (the multi-tier exception), an add-on tenant may not create add-on tenants | `REL-ADDON-CREATED`, `REL-ADDON-NEEDS-CONFIGURED-DEFAULT` |
//! | Bodies | JSON objects only; `Content-Type` other than JSON → 415; a body without `Content-Type` → 415 too (the docs require `application/json` on every body; 415 names the cause, where 400 would not); larger than 1 MiB → 413 | `GRAPH-CONTENT-TYPE-REQUIRED`, `GRAPH-CONTENT-TYPE-OTHER` (415 or 400) |
//! | Control information in bodies | in every write body and in a template's nested objects: `@odata.context`, `@odata.etag` and any other `@…` control information or instance annotation ignored; `@odata.type` must name the object's own type (`#microsoft.graph.tenantGovernanceServices.<type>`; `#microsoft.graph.group` for a group), else 400; read-only properties stay refused, so a whole GET answer sent back is still 400 for its `id`, `version` and timestamps | `GRAPH-BODY-CONTROL-INFORMATION` (OData JSON Format v4.01 §4.5: receivers "MUST NOT stop processing" on control information; §4.5.10: `etag` "is ignored in request payloads"); `TPL-CREATE-READ-ONLY` |

mod auth;
mod clock;
pub mod decisions;
mod errors;
pub mod faults;
mod handlers;
mod metadata;
mod odata;
pub mod server;
mod store;
mod validate;

pub use decisions::Decision;
pub use faults::{Fault, rule_matches};
pub use server::{MockServer, router};

/// How the embedded mock behaves: which faults and decisions are on, and whether the
/// control endpoints (`/_mock/clock`) answer.
#[derive(Default, Clone)]
pub struct MockOptions {
    pub faults: Vec<Fault>,
    /// Other answers the docs allow ([`decisions`]); none by default.
    pub decisions: Vec<Decision>,
    pub control: bool,
}
