//! JSON Schema of profile files for editors (`tgconform schema profile`), generated
//! like the scenario schema: keys from the profile model's serde derive, descriptions
//! and shapes written here, one per key (a test keeps them complete).

use serde_json::{Value, json};

use super::profile::{ActorSpec, Profile, TokenSpec};
use crate::scenario::{ObjectSpec, fields_of};

fn d(description: &str, mut shape: Value) -> Option<Value> {
    if let Some(o) = shape.as_object_mut() {
        o.insert("description".into(), Value::String(description.into()));
    }
    Some(shape)
}

fn profile_key(k: &str) -> Option<Value> {
    match k {
        "target" => d(
            "Base URL, e.g. https://graph.microsoft.com/beta; --target overrides it.",
            json!({"type": "string", "pattern": "^https?://"}),
        ),
        "real" => d(
            "Treat the target as a real tenant even on loopback (mutations need --allow-mutations).",
            json!({"type": "boolean"}),
        ),
        "capabilities" => d(
            "What the target offers beyond the API, for scenarios that declare `needs:`: clock (/_mock/clock), add-on-tenants (/_mock/addOnTenant), or mock-control for both (`tgconform serve --control`).",
            json!({"type": "array", "items": {"enum": super::profile::CAPABILITIES}, "uniqueItems": true}),
        ),
        "actors" => d(
            "Actor name → tenant and token source (required).",
            json!({"type": "object", "additionalProperties": {"$ref": "#/definitions/actor"}}),
        ),
        "vars" => d(
            "Values for scenario variables and fixtures (e.g. templateId).",
            json!({"type": "object"}),
        ),
        "secrets" => d(
            "Extra strings masked in every output, besides tokens.",
            json!({"type": "array", "items": {"type": "string"}}),
        ),
        "snapshots" => d(
            "This target's snapshot folder, relative to the profile file (default snapshots/<profile stem>/).",
            json!({"type": "string"}),
        ),
        "snapshotMode" => d(
            "value or shape snapshots for scenarios that do not choose (default: shape for real tenants, value for mocks).",
            json!({"enum": ["value", "shape"]}),
        ),
        "redact" => d(
            "Extra snapshot redactions: insta selector within each step's body → replacement.",
            json!({"type": "object", "additionalProperties": {"type": "string"}}),
        ),
        _ => None,
    }
}

fn actor_key(k: &str) -> Option<Value> {
    match k {
        "tenantId" => d(
            "The tenant id, or `fresh` for a new tenant per scenario run (mocks).",
            json!({"type": "string"}),
        ),
        "sameTenantAs" => d(
            "Another identity in the tenant of this actor.",
            json!({"type": "string"}),
        ),
        "tenantName" => d("The tenant's display name.", json!({"type": "string"})),
        "token" => d(
            "Where the bearer token comes from (required).",
            json!({"$ref": "#/definitions/token"}),
        ),
        _ => None,
    }
}

fn token_variant(k: &str) -> Option<Value> {
    let one = |key: &str, description: &str, shape: Value| {
        Some(json!({
            "type": "object",
            "properties": {key: {"description": description, "allOf": [shape]}},
            "required": [key],
            "additionalProperties": false
        }))
    };
    match k {
        "env" => one(
            "env",
            "A bearer token in this environment variable.",
            json!({"type": "string"}),
        ),
        "command" => one(
            "command",
            "A shell command whose stdout is the token; run once, and again after a 401.",
            json!({"type": "string"}),
        ),
        "mock" => one(
            "mock",
            "Mint a mock token (an unsigned JWT) with these claims: scp (\"all\", \"allRead\", {allBut: FAMILY} or scopes), roles, wids (role names or ids); tid and tenant_name default to the actor's.",
            json!({
                "type": "object",
                "properties": {
                    "tid": {"type": "string"},
                    "scp": {"oneOf": [
                    {"type": "string", "description": "all, allRead, or space-separated scopes"},
                    {"type": "object", "properties": {"allBut": {"type": "string", "description": "every scope but those of this family (Request, Invitation, …)"}}, "required": ["allBut"], "additionalProperties": false}
                ]},
                    "roles": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
                    "wids": {"type": "array", "items": {"type": "string"}},
                    "tenant_name": {"type": "string"}
                }
            }),
        ),
        _ => None,
    }
}

fn objects() -> [ObjectSpec; 3] {
    [
        ObjectSpec {
            name: "profile",
            keys: fields_of::<Profile>(),
            required: &["actors"],
            describe: profile_key,
        },
        ObjectSpec {
            name: "actor",
            keys: fields_of::<ActorSpec>(),
            required: &["token"],
            describe: actor_key,
        },
        ObjectSpec {
            name: "token",
            keys: fields_of::<TokenSpec>(),
            required: &[],
            describe: token_variant,
        },
    ]
}

/// Keys the profile loader accepts that the schema does not describe.
pub fn profile_schema_undescribed() -> Vec<String> {
    objects().iter().flat_map(ObjectSpec::undescribed).collect()
}

/// The schema of profile files.
pub fn profile_schema() -> Value {
    let [profile, actor, token] = objects();
    let mut out = json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": "https://tgconform.invalid/editor/profile.schema.json",
    });
    let root = profile.schema("tgconform profile");
    let mut actor_schema = actor.schema("actor");
    // tenantId and sameTenantAs are alternatives.
    actor_schema["not"] = json!({"required": ["tenantId", "sameTenantAs"]});
    let variants: Vec<Value> = token.keys.iter().filter_map(|k| token_variant(k)).collect();
    if let (Some(o), Some(r)) = (out.as_object_mut(), root.as_object()) {
        for (k, v) in r {
            o.insert(k.clone(), v.clone());
        }
        o.insert(
            "definitions".into(),
            json!({"actor": actor_schema, "token": {"oneOf": variants}}),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_profile_key_is_described() {
        assert_eq!(profile_schema_undescribed(), Vec::<String>::new());
        assert_eq!(fields_of::<TokenSpec>(), &["env", "command", "mock"]);
    }
}
