//! Request bodies: JSON parsing, property checks (unknown and read-only properties
//! are 400, as Graph refuses them), types, enum members, and the normalised shapes of
//! a template's applications and role assignments.
//!
//! Nothing here panics on input: every branch of a caller's JSON ends in a value or a
//! `GraphError`.

use serde_json::{Map, Value};

use super::errors::GraphError;
use super::faults::{Fault, FaultSet};
use crate::contract;

/// Parse a JSON object body. A body without `Content-Type` (required on every body,
/// as documented) or with one other than JSON is 415; an empty body, invalid JSON or a
/// non-object is 400 (500 with the fault `invalid-json-500`).
pub(crate) fn parse_body(
    body: &[u8],
    content_type: Option<&str>,
    faults: FaultSet,
) -> Result<Map<String, Value>, GraphError> {
    let blank = body.iter().all(u8::is_ascii_whitespace);
    match content_type {
        Some(ct) => {
            let media = ct.split(';').next().unwrap_or("").trim();
            if !media.eq_ignore_ascii_case("application/json") {
                return Err(GraphError::new(
                    415,
                    "UnsupportedMediaType",
                    format!("Content-Type '{media}' is not supported; send application/json."),
                ));
            }
        }
        None if !blank => {
            return Err(GraphError::new(
                415,
                "UnsupportedMediaType",
                "The request has a body but no Content-Type; send Content-Type: application/json.",
            ));
        }
        None => {}
    }
    if blank {
        return Err(GraphError::bad_request(
            "The request body is empty; a JSON object is required.",
        ));
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(GraphError::bad_request(
            "The request body must be a JSON object.",
        )),
        Err(e) if faults.has(Fault::InvalidJson500) => Err(GraphError::new(
            500,
            "InternalServerError",
            format!("Unexpected error: {e}"),
        )),
        Err(e) => Err(GraphError::bad_request(format!(
            "The request body is not valid JSON: {e}."
        ))),
    }
}

/// The body without its OData control information and instance annotations (keys
/// beginning with `@`), except `@odata.type`, which [`check_properties`] checks. A
/// client that writes back what it read sends `@odata.context` and perhaps
/// `@odata.etag`, and receivers "MUST NOT stop processing" on control information or
/// annotations (OData JSON Format v4.01 §4.5, `GRAPH-BODY-CONTROL-INFORMATION`). The
/// fault `control-information-refused` keeps them, so they are refused as unknown
/// properties.
pub(crate) fn without_control_information(
    mut body: Map<String, Value>,
    faults: FaultSet,
) -> Map<String, Value> {
    if !faults.has(Fault::ControlInformationRefused) {
        body.retain(|k, _| !is_annotation(k) || k == ODATA_TYPE);
    }
    body
}

const ODATA_TYPE: &str = "@odata.type";

/// Control information (`@odata.context`) or an instance annotation (`@ns.term`).
fn is_annotation(key: &str) -> bool {
    key.starts_with('@')
}

/// `@odata.type`, when sent, names `qualified` (with or without the leading `#`).
fn check_odata_type(value: &Value, qualified: &str, path: &str) -> Result<(), GraphError> {
    let want = format!("#{qualified}");
    if value.as_str().is_some_and(|v| v == want || v == qualified) {
        return Ok(());
    }
    Err(GraphError::bad_request(format!(
        "@odata.type of '{path}' must be '{want}'."
    )))
}

/// Every key must be writable here; read-only keys and unknown keys are 400.
/// `@odata.type` may be sent if it names the right type.
pub(crate) fn check_properties(
    obj: &Map<String, Value>,
    type_name: &str,
    writable: &[&str],
    read_only: &[&str],
) -> Result<(), GraphError> {
    for (key, value) in obj {
        if key == ODATA_TYPE {
            check_odata_type(value, &ns(type_name), type_name)?;
        } else if writable.contains(&key.as_str()) {
            continue;
        } else if read_only.contains(&key.as_str()) {
            return Err(GraphError::bad_request(format!(
                "Property '{key}' is read-only and cannot be set."
            )));
        } else {
            return Err(GraphError::bad_request(format!(
                "Property '{key}' does not exist on type '{}.{type_name}'.",
                contract::NAMESPACE
            )));
        }
    }
    Ok(())
}

/// A present, non-null property.
pub(crate) fn required<'a>(
    obj: &'a Map<String, Value>,
    key: &str,
) -> Result<&'a Value, GraphError> {
    match obj.get(key) {
        None => Err(GraphError::bad_request(format!(
            "The property '{key}' is required."
        ))),
        Some(Value::Null) => Err(GraphError::bad_request(format!(
            "The property '{key}' cannot be null."
        ))),
        Some(v) => Ok(v),
    }
}

pub(crate) fn string<'a>(v: &'a Value, key: &str) -> Result<&'a str, GraphError> {
    v.as_str().ok_or_else(|| {
        GraphError::bad_request(format!(
            "The property '{key}' must be a string, not {}.",
            kind(v)
        ))
    })
}

pub(crate) fn required_string<'a>(
    obj: &'a Map<String, Value>,
    key: &str,
) -> Result<&'a str, GraphError> {
    string(required(obj, key)?, key)
}

/// A Boolean; the fault `wrong-type-coerced` also takes the strings yes/true/no/false.
pub(crate) fn boolean(v: &Value, key: &str, faults: FaultSet) -> Result<bool, GraphError> {
    match v {
        Value::Bool(b) => Ok(*b),
        Value::String(s) if faults.has(Fault::WrongTypeCoerced) => {
            Ok(matches!(s.to_ascii_lowercase().as_str(), "yes" | "true"))
        }
        other => Err(GraphError::bad_request(format!(
            "The property '{key}' must be a Boolean, not {}.",
            kind(other)
        ))),
    }
}

/// A member of `members` (exact case: Graph enums are camelCase); the fault
/// `enum-case-insensitive` ignores case.
pub(crate) fn enum_member(
    v: &Value,
    key: &str,
    enum_name: &str,
    members: &'static [&'static str],
    faults: FaultSet,
) -> Result<&'static str, GraphError> {
    let s = string(v, key)?;
    let found = if faults.has(Fault::EnumCaseInsensitive) {
        members.iter().find(|m| m.eq_ignore_ascii_case(s))
    } else {
        members.iter().find(|m| **m == s)
    };
    found.copied().ok_or_else(|| {
        GraphError::bad_request(format!(
            "'{s}' is not a member of {enum_name}; members: {}.",
            members.join(", ")
        ))
    })
}

/// A tenant id in a body: the mock accepts any id a token may carry (GUIDs in
/// practice), compared case-insensitively.
pub(crate) fn tenant_id(v: &Value, key: &str) -> Result<String, GraphError> {
    let s = string(v, key)?.trim();
    if s.is_empty()
        || s.len() > 128
        || s.chars()
            .any(|c| c.is_whitespace() || c == '/' || c.is_control())
    {
        return Err(GraphError::bad_request(format!(
            "The property '{key}' must be a tenant id."
        )));
    }
    Ok(s.to_ascii_lowercase())
}

pub(crate) fn is_guid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

fn guid(v: &Value, key: &str) -> Result<String, GraphError> {
    let s = string(v, key)?;
    if is_guid(s) {
        Ok(s.to_string())
    } else {
        Err(GraphError::bad_request(format!(
            "The property '{key}' must be a GUID, not '{s}'."
        )))
    }
}

fn array<'a>(v: &'a Value, key: &str) -> Result<&'a Vec<Value>, GraphError> {
    v.as_array().ok_or_else(|| {
        GraphError::bad_request(format!(
            "The property '{key}' must be an array, not {}.",
            kind(v)
        ))
    })
}

fn object<'a>(v: &'a Value, key: &str) -> Result<&'a Map<String, Value>, GraphError> {
    v.as_object().ok_or_else(|| {
        GraphError::bad_request(format!(
            "The property '{key}' must be an object, not {}.",
            kind(v)
        ))
    })
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a Boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Keys of a nested value of type `qualified`: unknown keys are 400 like top-level
/// ones; `@odata.type` must name the type, other control information and annotations
/// are ignored, as at the top (`without_control_information`).
fn only_keys(
    obj: &Map<String, Value>,
    path: &str,
    qualified: &str,
    allowed: &[&str],
) -> Result<(), GraphError> {
    for (k, v) in obj {
        if k == ODATA_TYPE {
            check_odata_type(v, qualified, path)?;
        } else if !allowed.contains(&k.as_str()) && !is_annotation(k) {
            return Err(GraphError::bad_request(format!(
                "Property '{k}' does not exist on '{path}'."
            )));
        }
    }
    Ok(())
}

/// A type of the namespace, qualified.
fn ns(type_name: &str) -> String {
    format!("{}.{type_name}", contract::NAMESPACE)
}

fn opt_string(
    obj: &Map<String, Value>,
    key: &str,
    out: &mut Map<String, Value>,
) -> Result<(), GraphError> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(()),
        Some(v) => {
            out.insert(key.into(), Value::String(string(v, key)?.to_string()));
            Ok(())
        }
    }
}

/// `multiTenantApplicationsToProvision[]`, normalised to the documented property order.
///
/// What the template's response schema requires is required here too (`appId`,
/// `objectId`, `displayName`; a permission's `id`, `name`, `type`), so every template
/// the mock accepts is answered in the documented shape; `requiredResourceAccesses`
/// may be left out and is answered as `[]`.
pub(crate) fn applications(v: &Value, faults: FaultSet) -> Result<Value, GraphError> {
    const KEY: &str = "multiTenantApplicationsToProvision";
    let mut out = Vec::new();
    for (i, item) in array(v, KEY)?.iter().enumerate() {
        let path = format!("{KEY}[{i}]");
        let app = object(item, &path)?;
        only_keys(
            app,
            &path,
            &ns("multiTenantApplicationsToProvision"),
            &[
                "appId",
                "objectId",
                "displayName",
                "requiredResourceAccesses",
            ],
        )?;
        let mut m = Map::new();
        m.insert(
            "appId".into(),
            Value::String(guid(required(app, "appId")?, "appId")?),
        );
        let object_id = guid(required(app, "objectId")?, "objectId")?;
        let object_id = if faults.has(Fault::ApplicationObjectIdIsAppId) {
            guid(required(app, "appId")?, "appId")?
        } else {
            object_id
        };
        m.insert("objectId".into(), Value::String(object_id));
        m.insert(
            "displayName".into(),
            Value::String(required_string(app, "displayName")?.to_string()),
        );
        let mut accesses = Vec::new();
        if let Some(list) = app.get("requiredResourceAccesses").filter(|v| !v.is_null()) {
            for (j, access) in array(list, "requiredResourceAccesses")?.iter().enumerate() {
                let apath = format!("{path}.requiredResourceAccesses[{j}]");
                let a = object(access, &apath)?;
                only_keys(
                    a,
                    &apath,
                    &ns("requiredResourceAccess"),
                    &["resourceAppId", "permissions"],
                )?;
                let mut am = Map::new();
                am.insert(
                    "resourceAppId".into(),
                    Value::String(guid(required(a, "resourceAppId")?, "resourceAppId")?),
                );
                let mut perms = Vec::new();
                for (k, p) in array(required(a, "permissions")?, "permissions")?
                    .iter()
                    .enumerate()
                {
                    let ppath = format!("{apath}.permissions[{k}]");
                    let p = object(p, &ppath)?;
                    only_keys(
                        p,
                        &ppath,
                        &ns("resourcePermission"),
                        &["id", "name", "type"],
                    )?;
                    let mut pm = Map::new();
                    pm.insert("id".into(), Value::String(guid(required(p, "id")?, "id")?));
                    pm.insert(
                        "name".into(),
                        Value::String(required_string(p, "name")?.to_string()),
                    );
                    let ty = required(p, "type")?;
                    let ty = if faults.has(Fault::UnknownEnumAccepted) {
                        string(ty, "type")?.to_string()
                    } else {
                        // `unknownFutureValue` is the evolvable-enum sentinel, never a value to set.
                        enum_member(ty, "type", "permissionType", &["role", "scope"], faults)?
                            .to_string()
                    };
                    pm.insert("type".into(), Value::String(ty));
                    perms.push(Value::Object(pm));
                }
                am.insert("permissions".into(), Value::Array(perms));
                accesses.push(Value::Object(am));
            }
        }
        m.insert("requiredResourceAccesses".into(), Value::Array(accesses));
        out.push(Value::Object(m));
    }
    Ok(Value::Array(out))
}

/// `delegatedAdministrationRoleAssignments[]` with the group written inline as
/// `{"id"}` (as documented) or as `group@odata.bind`; stored as inline `group`.
/// `groupDisplayName` is read-only: refused in the body, filled by the server when the
/// template is saved.
/// The one security group every mock tenant has that is not role-assignable: the mock has
/// no directory, so every other group id counts as role-assignable (docs/mock.md).
pub(crate) const NOT_ROLE_ASSIGNABLE_GROUP: &str = "ffffffff-5555-6666-7777-bbbbbbbbbbbb";

pub(crate) fn role_assignments(v: &Value, faults: FaultSet) -> Result<Value, GraphError> {
    const KEY: &str = "delegatedAdministrationRoleAssignments";
    let mut out = Vec::new();
    for (i, item) in array(v, KEY)?.iter().enumerate() {
        let path = format!("{KEY}[{i}]");
        let a = object(item, &path)?;
        if a.contains_key("groupDisplayName") {
            return Err(GraphError::bad_request(format!(
                "Property 'groupDisplayName' of '{path}' is read-only and cannot be set."
            )));
        }
        only_keys(
            a,
            &path,
            &ns("delegatedAdministrationRoleAssignment"),
            &["roleTemplates", "group", "group@odata.bind"],
        )?;
        let group_id = match (a.get("group"), a.get("group@odata.bind")) {
            (Some(g), None) => {
                let g = object(g, "group")?;
                only_keys(
                    g,
                    &format!("{path}.group"),
                    "microsoft.graph.group",
                    &["id"],
                )?;
                guid(required(g, "id")?, "group.id")?
            }
            (None, Some(b)) => {
                let b = string(b, "group@odata.bind")?;
                let id = b.rsplit('/').next().unwrap_or("");
                if !b.contains("groups/") || !is_guid(id) {
                    return Err(GraphError::bad_request(format!(
                        "group@odata.bind '{b}' is not the URL of a group."
                    )));
                }
                id.to_string()
            }
            (Some(_), Some(_)) => {
                return Err(GraphError::bad_request(format!(
                    "'{path}' gives both group and group@odata.bind; give one."
                )));
            }
            (None, None) => {
                return Err(GraphError::bad_request(format!(
                    "The property 'group' of '{path}' is required."
                )));
            }
        };
        if group_id.eq_ignore_ascii_case(NOT_ROLE_ASSIGNABLE_GROUP)
            && !faults.has(Fault::NonRoleAssignableGroupAccepted)
        {
            return Err(GraphError::bad_request(format!(
                "Group '{group_id}' of '{path}' is not role-assignable; a delegated administration role assignment needs a role-assignable security group."
            )));
        }
        let roles = array(required(a, "roleTemplates")?, "roleTemplates")?;
        if roles.is_empty() {
            return Err(GraphError::bad_request(format!(
                "'{path}.roleTemplates' must name at least one role."
            )));
        }
        let mut rts = Vec::new();
        for (j, r) in roles.iter().enumerate() {
            let rpath = format!("{path}.roleTemplates[{j}]");
            let r = object(r, &rpath)?;
            only_keys(r, &rpath, &ns("roleTemplate"), &["id", "name"])?;
            let mut rm = Map::new();
            rm.insert("id".into(), Value::String(guid(required(r, "id")?, "id")?));
            opt_string(r, "name", &mut rm)?;
            // Graph knows its built-in roles: fill the display name the client left out.
            if !rm.contains_key("name")
                && let Some(Value::String(id)) = rm.get("id")
                && let Some(name) = crate::contract::roles::role_name(id)
            {
                rm.insert("name".into(), Value::String(name.to_string()));
            }
            rts.push(Value::Object(rm));
        }
        let mut m = Map::new();
        m.insert(
            "groupDisplayName".into(),
            Value::String(super::store::group_display_name(&group_id)),
        );
        m.insert("roleTemplates".into(), Value::Array(rts));
        let mut g = Map::new();
        g.insert("id".into(), Value::String(group_id));
        m.insert("group".into(), Value::Object(g));
        out.push(Value::Object(m));
    }
    Ok(Value::Array(out))
}

/// The template id named by `governancePolicyTemplate@odata.bind`: an absolute URL
/// (any host, `/beta` or `/v1.0`) or a relative one
/// (`directory/tenantGovernance/governancePolicyTemplates/{id}`) (`REQ-CREATE-BIND-ABSOLUTE`,
/// `REQ-CREATE-BIND-RELATIVE`).
pub(crate) fn template_bind(url: &str) -> Option<String> {
    let mut p = url.trim();
    if let Some(i) = p.find("://") {
        let after = &p[i + 3..];
        p = &after[after.find('/')?..];
    }
    let p = p.trim_start_matches('/');
    let p = p
        .strip_prefix("beta/")
        .or_else(|| p.strip_prefix("v1.0/"))
        .unwrap_or(p);
    let id = p.strip_prefix("directory/tenantGovernance/governancePolicyTemplates/")?;
    let id = id
        .split(['?', '#'])
        .next()
        .unwrap_or(id)
        .trim_end_matches('/');
    let id = super::odata::percent_decode(id)?;
    if id.is_empty() || id.contains('/') {
        return None;
    }
    Some(id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn none() -> FaultSet {
        FaultSet::default()
    }

    #[test]
    fn bodies_that_are_not_json_objects_are_400() {
        let json = Some("application/json");
        for (body, ct) in [
            (&b""[..], None),
            (b"   ", None),
            (b"{\"a\": ", json),
            (b"[1]", json),
            (b"\"x\"", json),
            (b"\xff", json),
        ] {
            assert_eq!(
                parse_body(body, ct, none()).err().map(|e| e.status),
                Some(400)
            );
        }
        assert!(parse_body(b"{}", Some("application/json; charset=utf-8"), none()).is_ok());
    }

    #[test]
    fn a_non_json_content_type_is_415() {
        let e = parse_body(b"{}", Some("text/plain"), none()).err();
        assert_eq!(e.map(|e| e.status), Some(415));
    }

    #[test]
    fn a_body_without_content_type_is_415() {
        let e = parse_body(b"{}", None, none()).err();
        assert_eq!(
            e.map(|e| (e.status, e.code)),
            Some((415, "UnsupportedMediaType"))
        );
    }

    #[test]
    fn invalid_json_is_500_only_with_the_fault() {
        let e = parse_body(
            b"{",
            Some("application/json"),
            FaultSet::new(&[Fault::InvalidJson500]),
        )
        .err();
        assert_eq!(e.map(|e| e.status), Some(500));
    }

    #[test]
    fn unknown_and_read_only_properties_are_400() {
        let obj = json!({"a": 1}).as_object().cloned().unwrap_or_default();
        assert!(check_properties(&obj, "t", &["a"], &[]).is_ok());
        let e = check_properties(&obj, "t", &[], &["a"]).err();
        assert!(e.is_some_and(|e| e.message.contains("read-only")));
        let e = check_properties(&obj, "t", &[], &[]).err();
        assert!(e.is_some_and(|e| e.message.contains("does not exist")));
        let typed = json!({"@odata.type": "#microsoft.graph.tenantGovernanceServices.t"});
        assert!(check_properties(typed.as_object().unwrap_or(&Map::new()), "t", &[], &[]).is_ok());
        let wrong = json!({"@odata.type": "#microsoft.graph.t"});
        assert!(check_properties(wrong.as_object().unwrap_or(&Map::new()), "t", &[], &[]).is_err());
    }

    #[test]
    fn enum_members_are_case_sensitive_unless_faulted() {
        let members: &'static [&'static str] = &["accepted", "rejected"];
        assert_eq!(
            enum_member(&json!("accepted"), "s", "e", members, none()).ok(),
            Some("accepted")
        );
        assert!(enum_member(&json!("Accepted"), "s", "e", members, none()).is_err());
        assert!(enum_member(&json!(1), "s", "e", members, none()).is_err());
        let f = FaultSet::new(&[Fault::EnumCaseInsensitive]);
        assert_eq!(
            enum_member(&json!("Accepted"), "s", "e", members, f).ok(),
            Some("accepted")
        );
    }

    #[test]
    fn booleans_are_strict_unless_faulted() {
        assert_eq!(boolean(&json!(true), "b", none()).ok(), Some(true));
        assert!(boolean(&json!("yes"), "b", none()).is_err());
        assert_eq!(
            boolean(
                &json!("yes"),
                "b",
                FaultSet::new(&[Fault::WrongTypeCoerced])
            )
            .ok(),
            Some(true)
        );
    }

    #[test]
    fn applications_are_validated_and_normalised() {
        let ok = json!([{"displayName": "A", "appId": "66667777-aaaa-8888-bbbb-9999cccc0000", "objectId": "cccccccc-2222-3333-4444-dddddddddddd",
            "requiredResourceAccesses": [{"resourceAppId": "00000003-0000-0000-c000-000000000000",
              "permissions": [{"id": "e1fe6dd8-ba31-4d61-89e7-88639da4683d", "name": "User.Read", "type": "scope"}]}]}]);
        let out = applications(&ok, none()).unwrap_or_default();
        assert_eq!(out[0]["appId"], "66667777-aaaa-8888-bbbb-9999cccc0000");
        let keys: Vec<&String> = out[0]
            .as_object()
            .map(|m| m.keys().collect())
            .unwrap_or_default();
        assert_eq!(
            keys,
            [
                "appId",
                "objectId",
                "displayName",
                "requiredResourceAccesses"
            ]
        );
        let app = |perm: Value| {
            json!([{"appId": "66667777-aaaa-8888-bbbb-9999cccc0000", "objectId": "cccccccc-2222-3333-4444-dddddddddddd", "displayName": "A",
                "requiredResourceAccesses": [{"resourceAppId": "00000003-0000-0000-c000-000000000000", "permissions": [perm]}]}])
        };
        let bad_cases = [
            json!({}),
            json!([1]),
            json!([{"appId": "not-a-guid", "objectId": "cccccccc-2222-3333-4444-dddddddddddd", "displayName": "A"}]),
            json!([{"appId": "66667777-aaaa-8888-bbbb-9999cccc0000", "objectId": "cccccccc-2222-3333-4444-dddddddddddd", "displayName": "A", "extra": 1}]),
            json!([{"appId": "66667777-aaaa-8888-bbbb-9999cccc0000", "displayName": "A"}]),
            json!([{"appId": "66667777-aaaa-8888-bbbb-9999cccc0000", "objectId": null, "displayName": "A"}]),
            json!([{"appId": "66667777-aaaa-8888-bbbb-9999cccc0000", "objectId": "cccccccc-2222-3333-4444-dddddddddddd"}]),
            app(
                json!({"id": "e1fe6dd8-ba31-4d61-89e7-88639da4683d", "name": "User.Read", "type": "delegated"}),
            ),
            app(
                json!({"id": "e1fe6dd8-ba31-4d61-89e7-88639da4683d", "name": "User.Read", "type": "unknownFutureValue"}),
            ),
            app(json!({"id": "e1fe6dd8-ba31-4d61-89e7-88639da4683d", "type": "scope"})),
        ];
        for bad in bad_cases {
            assert_eq!(
                applications(&bad, none()).err().map(|e| e.status),
                Some(400),
                "{bad}"
            );
        }
    }

    #[test]
    fn unknown_permission_type_is_kept_with_the_fault() {
        let v = json!([{"appId": "66667777-aaaa-8888-bbbb-9999cccc0000", "objectId": "cccccccc-2222-3333-4444-dddddddddddd", "displayName": "A", "requiredResourceAccesses": [{"resourceAppId": "00000003-0000-0000-c000-000000000000", "permissions": [{"id": "e1fe6dd8-ba31-4d61-89e7-88639da4683d", "name": "x", "type": "delegated"}]}]}]);
        let out =
            applications(&v, FaultSet::new(&[Fault::UnknownEnumAccepted])).unwrap_or_default();
        assert_eq!(
            out[0]["requiredResourceAccesses"][0]["permissions"][0]["type"],
            "delegated"
        );
    }

    #[test]
    fn role_assignments_accept_inline_group_or_bind() {
        let inline = json!([{"roleTemplates": [{"id": "f2ef992c-3afb-46b9-b7cf-a126ee74c451", "name": "Global Reader"}], "group": {"id": "ffffffff-5555-6666-7777-aaaaaaaaaaaa"}}]);
        let bind = json!([{"roleTemplates": [{"id": "f2ef992c-3afb-46b9-b7cf-a126ee74c451"}], "group@odata.bind": "https://graph.microsoft.com/v1.0/groups/ffffffff-5555-6666-7777-aaaaaaaaaaaa"}]);
        for v in [inline, bind] {
            let out = role_assignments(&v, FaultSet::default()).unwrap_or_default();
            assert_eq!(
                out[0]["group"]["id"],
                "ffffffff-5555-6666-7777-aaaaaaaaaaaa"
            );
        }
        for bad in [
            json!([{"roleTemplates": [], "group": {"id": "ffffffff-5555-6666-7777-aaaaaaaaaaaa"}}]),
            json!([{"roleTemplates": [{"id": "f2ef992c-3afb-46b9-b7cf-a126ee74c451"}]}]),
            json!([{"roleTemplates": [{"id": "x"}], "group": {"id": "ffffffff-5555-6666-7777-aaaaaaaaaaaa"}}]),
            json!([{"roleTemplates": [{"id": "f2ef992c-3afb-46b9-b7cf-a126ee74c451"}], "group": {"id": "ffffffff-5555-6666-7777-aaaaaaaaaaaa"}, "groupDisplayName": "x"}]),
        ] {
            assert_eq!(
                role_assignments(&bad, FaultSet::default())
                    .err()
                    .map(|e| e.status),
                Some(400),
                "{bad}"
            );
        }
    }

    #[test]
    fn template_binds_absolute_and_relative() {
        let cases = [
            (
                "https://graph.microsoft.com/beta/directory/tenantGovernance/governancePolicyTemplates/abc",
                Some("abc"),
            ),
            (
                "http://127.0.0.1:9/beta/directory/tenantGovernance/governancePolicyTemplates/default",
                Some("default"),
            ),
            (
                "directory/tenantGovernance/governancePolicyTemplates/x1",
                Some("x1"),
            ),
            (
                "/beta/directory/tenantGovernance/governancePolicyTemplates/x2/",
                Some("x2"),
            ),
            (
                "https://h/beta/directory/tenantGovernance/governanceRequests/x",
                None,
            ),
            (
                "directory/tenantGovernance/governancePolicyTemplates/",
                None,
            ),
            ("abc", None),
            ("https://nohost", None),
        ];
        for (url, want) in cases {
            assert_eq!(template_bind(url).as_deref(), want, "{url}");
        }
    }

    #[test]
    fn guids_are_recognised() {
        assert!(is_guid("ffffffff-5555-6666-7777-aaaaaaaaaaaa"));
        assert!(!is_guid("ffffffff-5555-6666-7777-aaaaaaaaaaa"));
        assert!(!is_guid("ffffffff_5555-6666-7777-aaaaaaaaaaaa"));
        assert!(!is_guid("gfffffff-5555-6666-7777-aaaaaaaaaaaa"));
    }
}
