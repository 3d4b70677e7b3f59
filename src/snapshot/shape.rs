//! Shape snapshots: what a response *looks like*, not what it holds.
//!
//! Property names, JSON types and enum values are kept; every free value is replaced
//! by its type (`[string]`, `[uuid]`, `[datetime]`, `[integer]`, `[number]`,
//! `[boolean]`; `null` stays `null`). The items of an array are merged into one item,
//! so a list of three relationships in one tenant and of one in another has the same
//! shape. A run against another pair of tenants a week later compares equal, while a
//! property added or removed in beta, or a changed type, shows up as a diff.
//!
//! Strings kept as they are: values of properties whose schema is an enum (`status`,
//! `createdType`…, read from `schemas/`), `@odata.*` annotations (after value
//! redaction) and Graph's `error.code`: they are part of the contract, not data.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use super::doc::{is_datetime, is_guid};
use crate::schema::SchemaRegistry;

/// The property names whose values are enum members, from the schema registry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EnumVocabulary {
    properties: BTreeSet<String>,
}

impl EnumVocabulary {
    pub fn from_schemas(schemas: &SchemaRegistry) -> EnumVocabulary {
        let names = schemas.type_names();
        // `$id` of every enum type, so a `$ref` to one marks its property.
        let enum_ids: BTreeSet<String> = names
            .iter()
            .filter(|t| schemas.enum_members(t).is_some())
            .filter_map(|t| schemas.schema_id(t).map(str::to_string))
            .collect();
        let mut properties = BTreeSet::new();
        for t in &names {
            if let Some(doc) = schemas.schema(t) {
                collect(doc, &enum_ids, &mut properties);
            }
        }
        EnumVocabulary { properties }
    }

    /// A vocabulary with these property names (for tests and callers without schemas).
    pub fn of<I: IntoIterator<Item = S>, S: Into<String>>(names: I) -> EnumVocabulary {
        EnumVocabulary {
            properties: names.into_iter().map(Into::into).collect(),
        }
    }

    pub fn is_enum_property(&self, name: &str) -> bool {
        self.properties.contains(name)
    }
}

fn collect(schema: &Value, enum_ids: &BTreeSet<String>, out: &mut BTreeSet<String>) {
    match schema {
        Value::Object(map) => {
            if let Some(Value::Object(props)) = map.get("properties") {
                for (name, sub) in props {
                    if is_enum_schema(sub, enum_ids) {
                        out.insert(name.clone());
                    }
                }
            }
            for v in map.values() {
                collect(v, enum_ids, out);
            }
        }
        Value::Array(items) => {
            for v in items {
                collect(v, enum_ids, out);
            }
        }
        _ => {}
    }
}

fn is_enum_schema(schema: &Value, enum_ids: &BTreeSet<String>) -> bool {
    let Value::Object(map) = schema else {
        return false;
    };
    if map.get("enum").and_then(Value::as_array).is_some() {
        return true;
    }
    if let Some(r) = map.get("$ref").and_then(Value::as_str) {
        let base = r.split('#').next().unwrap_or(r);
        if enum_ids
            .iter()
            .any(|id| id == base || (!base.is_empty() && id.ends_with(&format!("/{base}"))))
        {
            return true;
        }
    }
    if map
        .get("items")
        .is_some_and(|i| is_enum_schema(i, enum_ids))
    {
        return true;
    }
    ["anyOf", "oneOf", "allOf"].iter().any(|k| {
        map.get(*k)
            .and_then(Value::as_array)
            .is_some_and(|alts| alts.iter().any(|a| is_enum_schema(a, enum_ids)))
    })
}

/// The shape of a (value-redacted) body.
pub fn shape(v: &Value, vocab: &EnumVocabulary) -> Value {
    shape_at(v, None, None, vocab)
}

fn shape_at(v: &Value, key: Option<&str>, parent: Option<&str>, vocab: &EnumVocabulary) -> Value {
    match v {
        Value::Null => Value::Null,
        Value::Bool(_) => token("boolean"),
        Value::Number(n) if n.is_i64() || n.is_u64() => token("integer"),
        Value::Number(_) => token("number"),
        Value::String(s) if keeps_value(key, parent, vocab) => Value::String(s.clone()),
        Value::String(s) if is_guid(s) || s == "[uuid]" => token("uuid"),
        Value::String(s) if is_datetime(s) || s == "[datetime]" => token("datetime"),
        Value::String(_) => token("string"),
        Value::Array(items) => {
            let merged = items
                .iter()
                .map(|i| shape_at(i, key, parent, vocab))
                .reduce(merge);
            Value::Array(merged.into_iter().collect())
        }
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), shape_at(v, Some(k), key, vocab)))
                .collect(),
        ),
    }
}

fn token(t: &str) -> Value {
    Value::String(format!("[{t}]"))
}

fn keeps_value(key: Option<&str>, parent: Option<&str>, vocab: &EnumVocabulary) -> bool {
    match key {
        Some(k) if k.starts_with("@odata.") => true,
        Some("code") if parent == Some("error") => true,
        Some(k) => vocab.is_enum_property(k),
        None => false,
    }
}

/// Two shapes of the same place (items of one array) as one.
fn merge(a: Value, b: Value) -> Value {
    if a == b {
        return a;
    }
    match (a, b) {
        (Value::Object(a), Value::Object(b)) => {
            let mut out: BTreeMap<String, Value> = a.into_iter().collect();
            for (k, v) in b {
                let merged = match out.remove(&k) {
                    Some(prev) => merge(prev, v),
                    None => v,
                };
                out.insert(k, merged);
            }
            Value::Object(out.into_iter().collect::<Map<String, Value>>())
        }
        (Value::Array(a), Value::Array(b)) => {
            Value::Array(a.into_iter().chain(b).reduce(merge).into_iter().collect())
        }
        // Whether a place is null in some items is data, not shape.
        (Value::Null, other @ (Value::Object(_) | Value::Array(_)))
        | (other @ (Value::Object(_) | Value::Array(_)), Value::Null) => other,
        (a, b) => union(&a, &b),
    }
}

/// `"[string] | null"`: the alternatives seen at one place, sorted; a refinement
/// (`[uuid]`, `[integer]`) gives way to its base type when both are seen.
fn union(a: &Value, b: &Value) -> Value {
    let mut alts = BTreeSet::new();
    for v in [a, b] {
        match v {
            Value::String(s) => alts.extend(s.split(" | ").map(str::to_string)),
            Value::Null => {
                alts.insert("null".to_string());
            }
            Value::Object(_) => {
                alts.insert("[object]".to_string());
            }
            Value::Array(_) => {
                alts.insert("[array]".to_string());
            }
            other => {
                alts.insert(other.to_string());
            }
        }
    }
    for (refined, base) in [
        ("[uuid]", "[string]"),
        ("[datetime]", "[string]"),
        ("[integer]", "[number]"),
    ] {
        if alts.contains(base) {
            alts.remove(refined);
        }
    }
    Value::String(alts.into_iter().collect::<Vec<_>>().join(" | "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn vocab() -> EnumVocabulary {
        EnumVocabulary::of(["status"])
    }

    #[test]
    fn free_values_become_their_types_and_enum_values_stay() {
        let v = json!({
            "id": "aaaaaaaa-0000-1111-2222-bbbbbbbbbbbb",
            "displayName": "Contoso",
            "createdDateTime": "2026-01-01T00:00:00Z",
            "count": 3,
            "ratio": 0.5,
            "enabled": true,
            "note": null,
            "status": "active",
        });
        assert_eq!(
            shape(&v, &vocab()),
            json!({
                "id": "[uuid]",
                "displayName": "[string]",
                "createdDateTime": "[datetime]",
                "count": "[integer]",
                "ratio": "[number]",
                "enabled": "[boolean]",
                "note": null,
                "status": "active",
            })
        );
    }

    #[test]
    fn different_data_of_the_same_shape_compares_equal() {
        let a = json!({"value": [
            {"id": "aaaaaaaa-0000-1111-2222-bbbbbbbbbbbb", "name": "A", "status": "active"},
            {"id": "cccccccc-0000-1111-2222-bbbbbbbbbbbb", "name": "B", "status": "active"}
        ]});
        let b = json!({"value": [
            {"id": "dddddddd-0000-1111-2222-bbbbbbbbbbbb", "name": "Other name", "status": "active"}
        ]});
        assert_eq!(shape(&a, &vocab()), shape(&b, &vocab()));
    }

    #[test]
    fn an_added_property_and_a_changed_type_change_the_shape() {
        let before = json!({"id": "x", "count": 1});
        assert_ne!(
            shape(&before, &vocab()),
            shape(&json!({"id": "x", "count": 1, "extra": "y"}), &vocab())
        );
        assert_ne!(
            shape(&before, &vocab()),
            shape(&json!({"id": "x", "count": "1"}), &vocab())
        );
    }

    #[test]
    fn array_items_merge_into_one_with_unions_where_they_differ() {
        let v = json!([
            {"a": 1, "status": "active", "o": null},
            {"a": 1.5, "b": "x", "status": "terminated", "o": {"k": true}}
        ]);
        assert_eq!(
            shape(&v, &vocab()),
            json!([{"a": "[number]", "b": "[string]", "status": "active | terminated", "o": {"k": "[boolean]"}}])
        );
    }

    #[test]
    fn odata_annotations_and_error_codes_are_kept() {
        let v = json!({
            "@odata.context": "[baseUrl]/$metadata#x",
            "error": {"code": "Conflict", "message": "No."}
        });
        assert_eq!(
            shape(&v, &vocab()),
            json!({
                "@odata.context": "[baseUrl]/$metadata#x",
                "error": {"code": "Conflict", "message": "[string]"}
            })
        );
    }

    #[test]
    fn the_builtin_schemas_name_the_enum_properties() {
        let reg = SchemaRegistry::builtin().map_err(|e| e.to_string());
        let vocab = EnumVocabulary::from_schemas(&reg.unwrap_or_else(|e| panic!("{e}")));
        for p in ["status", "createdType", "type"] {
            assert!(vocab.is_enum_property(p), "{p}: {vocab:?}");
        }
        assert!(!vocab.is_enum_property("displayName"));
    }
}
