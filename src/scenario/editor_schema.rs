//! JSON Schemas of the scenario and fixture files for editors (`tgconform schema
//! scenario`, `tgconform schema fixture`; yaml-language-server reads them from the
//! `# yaml-language-server: $schema=…` line at the top of each file).
//!
//! Generated from the loader's own model so the two cannot drift: the keys of every
//! object are the field lists serde derives for the structs in `file.rs` (read with
//! [`fields_of`]), the matcher keys are the loader's [`MATCHER_KEYS`], and the schema
//! type names come from the registry. Only the descriptions and value shapes are
//! written here, one per key; a key without one makes [`undescribed`] name it (a test
//! keeps that list empty).

use std::collections::BTreeMap;

use serde::Deserialize;
use serde::de::{self, Visitor};
use serde_json::{Map, Value, json};

use super::capture_file::CAPTURE_KEYS;
use super::file::{
    AuthFile, ExpectFile, FixtureFile, PagingFile, RequestFile, RetryFile, ScenarioFile, StepFile,
};
use super::matcher::MATCHER_KEYS;

/// The keys serde accepts for a struct (or the variants of an enum), as its derive
/// declares them: what the loader accepts, by construction.
pub fn fields_of<'de, T: Deserialize<'de>>() -> &'static [&'static str] {
    let mut found: &'static [&'static str] = &[];
    // The probe answers nothing: the derive stops right after naming its fields.
    let _ = T::deserialize(Probe(&mut found));
    found
}

struct Probe<'a>(&'a mut &'static [&'static str]);

#[derive(Debug)]
struct Stop;

impl std::fmt::Display for Stop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("probe")
    }
}

impl std::error::Error for Stop {}

impl de::Error for Stop {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        Stop
    }
}

impl<'de> de::Deserializer<'de> for Probe<'_> {
    type Error = Stop;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
        Err(Stop)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Stop> {
        *self.0 = fields;
        Err(Stop)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        variants: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Stop> {
        *self.0 = variants;
        Err(Stop)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
        byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map
        identifier ignored_any
    }
}

/// One object of a schema: its keys (from the model) and, per key, the value shape
/// with its description (written here).
pub struct ObjectSpec {
    pub name: &'static str,
    pub keys: &'static [&'static str],
    pub required: &'static [&'static str],
    pub describe: fn(&str) -> Option<Value>,
}

impl ObjectSpec {
    /// The object as a draft-07 schema; a key without a description gets an empty
    /// schema (anything), which [`undescribed`] reports.
    pub fn schema(&self, title: &str) -> Value {
        let mut props = Map::new();
        for k in self.keys {
            props.insert(
                (*k).to_string(),
                (self.describe)(k).unwrap_or_else(|| json!({})),
            );
        }
        json!({
            "title": title,
            "type": "object",
            "properties": props,
            "required": self.required,
            "additionalProperties": false,
        })
    }

    pub fn undescribed(&self) -> Vec<String> {
        self.keys
            .iter()
            .filter(|k| (self.describe)(k).is_none())
            .map(|k| format!("{}.{k}", self.name))
            .collect()
    }
}

fn d(description: &str, mut shape: Value) -> Option<Value> {
    if let Some(o) = shape.as_object_mut() {
        o.insert("description".into(), Value::String(description.into()));
    }
    Some(shape)
}

fn string() -> Value {
    json!({"type": "string"})
}

fn strings() -> Value {
    json!({"type": "array", "items": {"type": "string"}})
}

fn tags() -> Value {
    json!({"type": "array", "items": {"type": "string", "pattern": "^[a-z0-9-]+$"}, "uniqueItems": true})
}

fn duration() -> Value {
    json!({"type": "string", "pattern": "^(-?P.+|[0-9]+(ms|s|m|h|d))$"})
}

/// A value that is one placeholder: a parameterised step's `{{ name }}`.
const PLACEHOLDER: &str = r"^\{\{\s*[A-Za-z_][A-Za-z0-9_.]*\s*\}\}$";
const RULE_OR_PLACEHOLDER: &str =
    r"^([A-Z][A-Z0-9]*(-[A-Z0-9]+)+|\{\{\s*[A-Za-z_][A-Za-z0-9_.]*\s*\}\})$";
const TAG_OR_PLACEHOLDER: &str = r"^([a-z0-9-]+|\{\{\s*[A-Za-z_][A-Za-z0-9_.]*\s*\}\})$";

fn scenario_key(k: &str) -> Option<Value> {
    match k {
        "name" => d(
            "What the scenario checks, in one line (required).",
            string(),
        ),
        "description" => d(
            "The documented statement the scenario checks, and why.",
            string(),
        ),
        "tags" => d(
            "Lower-case words: seed, mutating, negative, mock-only, inferred, …; selected with --tag / --skip-tag.",
            tags(),
        ),
        "actors" => d(
            "The actors the steps act as; the profile maps each to a tenant and a token.",
            json!({"type": "array", "items": {"type": "string"}, "minItems": 1, "uniqueItems": true}),
        ),
        "vars" => d(
            "Default values of variables ({{ name }}); a profile's vars override them.",
            json!({"type": "object"}),
        ),
        "steps" => d(
            "The steps, in order (required).",
            json!({"type": "array", "items": {"$ref": "#/definitions/step"}, "minItems": 1}),
        ),
        "teardown" => d(
            "Steps that always run after the main steps (success, failure, Ctrl-C); they restore what the scenario changed.",
            json!({"type": "array", "items": {"$ref": "#/definitions/step"}}),
        ),
        "redact" => d(
            "Extra snapshot redactions: insta selector within each step's body → replacement.",
            json!({"type": "object", "additionalProperties": {"type": "string"}}),
        ),
        "needs" => d(
            "What the target must offer beyond the API; scenarios whose needs the target lacks are skipped.",
            json!({"type": "array", "items": {"enum": super::Need::ALL.map(super::Need::name)}, "uniqueItems": true}),
        ),
        "optionalActors" => d(
            "Actors only some steps need: where the profile lacks one, the steps acting as it are skipped with the reason.",
            json!({"type": "array", "items": {"type": "string"}, "uniqueItems": true}),
        ),
        "snapshotMode" => d(
            "How snapshotted steps are recorded: value (dynamic values redacted) or shape (names, types, enum values).",
            json!({"enum": ["value", "shape"]}),
        ),
        _ => None,
    }
}

fn step_key(k: &str) -> Option<Value> {
    match k {
        "name" => d("Unique in the scenario; default \"step N\".", string()),
        "as" => d(
            "The actor whose token is sent (one of the scenario's actors, or $param in a fixture).",
            string(),
        ),
        "use" => d(
            "Pull in the steps of a fixture (scenarios/fixtures/NAME.yaml; `tgconform list --fixtures`).",
            string(),
        ),
        "with" => d(
            "The fixture's parameters.",
            json!({"type": "object", "additionalProperties": {"type": "string"}}),
        ),
        "request" => d("What to send.", json!({"$ref": "#/definitions/request"})),
        "expect" => d(
            "What the response must satisfy.",
            json!({"$ref": "#/definitions/expect"}),
        ),
        "capture" => d(
            "Variables for later steps: name → JSONPath (the first node selected), or {path, optional: true}.",
            json!({"type": "object", "additionalProperties": {"$ref": "#/definitions/capture"}}),
        ),
        "snapshot" => d(
            "Record this response in snapshots/<stem>.snap.",
            json!({"type": "boolean"}),
        ),
        "retry" => d(
            "Poll until a condition holds (eventually consistent reads).",
            json!({"$ref": "#/definitions/retry"}),
        ),
        "checks" => d(
            "Ids of the catalogue rules (docs/contract.md) this step's assertions check.",
            json!({"type": "array", "items": {"type": "string", "pattern": RULE_OR_PLACEHOLDER}}),
        ),
        "tags" => d(
            "Tags of this step alone (added to the scenario's), e.g. inferred; {{ param }} in a parameterised step.",
            json!({"type": "array", "items": {"type": "string", "pattern": TAG_OR_PLACEHOLDER}}),
        ),
        "paging" => d(
            "Follow @odata.nextLink to the last page and judge the pages together.",
            json!({"$ref": "#/definitions/paging"}),
        ),
        "matrix" => d(
            "Parameter axes (name: [values]): the step runs once per combination; {{ name }} stands for the value.",
            json!({"type": "object", "additionalProperties": {"type": "array", "minItems": 1}}),
        ),
        "each" => d(
            "Parameter rows (- {name: value, …}): the step runs once per row, times the combinations of matrix.",
            json!({"type": "array", "minItems": 1, "items": {"type": "object", "additionalProperties": {"not": {"type": "object"}}}}),
        ),
        _ => None,
    }
}

fn request_key(k: &str) -> Option<Value> {
    match k {
        "method" => d(
            "HTTP method, or a {{ parameter }} of a `matrix` or `each` step.",
            json!({"anyOf": [{"enum": super::load::METHODS}, {"type": "string", "pattern": "^\\{\\{\\s*[A-Za-z_][A-Za-z0-9_]*\\s*\\}\\}$"}]}),
        ),
        "path" => d(
            "Relative to the target's base URL, e.g. /directory/tenantGovernance/settings; may hold {{ placeholders }}.",
            string(),
        ),
        "query" => d(
            "Query parameters, e.g. {$top: \"5\"}.",
            json!({"type": "object", "additionalProperties": {"type": "string"}}),
        ),
        "headers" => d(
            "Extra request headers (not Authorization: see auth).",
            json!({"type": "object", "additionalProperties": {"type": "string"}}),
        ),
        "json" => d(
            "A JSON body (any YAML value; a string that is one placeholder keeps the value's type).",
            json!({}),
        ),
        "body" => d("A raw text body, sent verbatim.", string()),
        "auth" => d(
            "none: send no token; {bearer: TOKEN}: send this token instead of the actor's.",
            json!({"$ref": "#/definitions/auth"}),
        ),
        _ => None,
    }
}

fn expect_key(k: &str) -> Option<Value> {
    match k {
        "status" => d(
            "The status code, or a list where the docs allow several ({{ param }} in a parameterised step).",
            json!({"oneOf": [
                {"type": "string", "pattern": PLACEHOLDER},
                {"type": "integer", "minimum": 100, "maximum": 599},
                {"type": "array", "items": {"type": "integer", "minimum": 100, "maximum": 599}, "minItems": 1}
            ]}),
        ),
        "schema" => d(
            "A schema type of schemas/ (`tgconform schema list`); TYPE[] is an OData collection of TYPE.",
            json!({"$ref": "#/definitions/schemaType"}),
        ),
        "json" => d(
            "JSONPath (RFC 9535) → matcher.",
            json!({"type": "object", "additionalProperties": {"$ref": "#/definitions/matcher"}}),
        ),
        "headers" => d(
            "Header name (lower case) → matcher.",
            json!({"type": "object", "additionalProperties": {"$ref": "#/definitions/matcher"}}),
        ),
        _ => None,
    }
}

fn retry_key(k: &str) -> Option<Value> {
    match k {
        "until" => d(
            "The condition to wait for (as `expect`).",
            json!({"$ref": "#/definitions/expect"}),
        ),
        "attempts" => d(
            "Most requests sent (default 10).",
            json!({"type": "integer", "minimum": 1, "maximum": 1000}),
        ),
        "delay" => d(
            "Wait between attempts, e.g. 500ms or PT1S (default 1s).",
            duration(),
        ),
        _ => None,
    }
}

fn fixture_key(k: &str) -> Option<Value> {
    match k {
        "description" => d(
            "What the fixture sets up (`tgconform list --fixtures` prints it).",
            string(),
        ),
        "params" => d(
            "Parameters the caller passes with `with:` (used as $name).",
            strings(),
        ),
        "provides" => d(
            "Variables the fixture captures for the steps after it (required).",
            strings(),
        ),
        "fromProfile" => d(
            "A profile may supply every provided variable instead; the steps are then skipped.",
            json!({"type": "boolean"}),
        ),
        "steps" => d(
            "The fixture's steps (required).",
            json!({"type": "array", "items": {"$ref": "#/definitions/step"}, "minItems": 1}),
        ),
        _ => None,
    }
}

fn paging_key(k: &str) -> Option<Value> {
    match k {
        "maxPages" => d(
            "The most pages read (default 50).",
            json!({"type": "integer", "minimum": 1, "maximum": 1000}),
        ),
        _ => None,
    }
}

fn capture_key(k: &str) -> Option<Value> {
    match k {
        "path" => d("JSONPath of the value.", string()),
        "optional" => d(
            "No value is no failure: the variable stays unset and the steps that need it are skipped.",
            json!({"type": "boolean"}),
        ),
        _ => None,
    }
}

fn matcher_key(k: &str) -> Option<Value> {
    match k {
        "equals" => d("Equal to this JSON value (objects too).", json!({})),
        "notEquals" => d("Not equal to this JSON value.", json!({})),
        "oneOf" => d("Equal to one of these values.", json!({"type": "array"})),
        "type" => d(
            "JSON type of the value.",
            json!({"enum": ["string", "number", "integer", "boolean", "array", "object", "null"]}),
        ),
        "regex" => d("The string matches this Rust regex.", string()),
        "exists" => d(
            "The path selects at least one node.",
            json!({"const": true}),
        ),
        "absent" => d("The path selects no node.", json!({"const": true})),
        "count" => d(
            "The path selects exactly this many nodes.",
            json!({"type": "integer", "minimum": 0}),
        ),
        "length" => d(
            "The array or string has this length.",
            json!({"type": "integer", "minimum": 0}),
        ),
        "contains" => d(
            "The array has an element equal to this, or the string contains it.",
            json!({}),
        ),
        "oneMoreThan" => d(
            "A number, or a string that reads as one (\"2.0\"), equal to this one plus 1 (a template such as \"{{ version }}\").",
            json!({}),
        ),
        "nonEmpty" => d(
            "The array, string or object is not empty.",
            json!({"const": true}),
        ),
        "offsetFrom" => d(
            "A date-time equal to this one (a JSONPath or a template) plus `by`, within `within`.",
            string(),
        ),
        "by" => d("The offset for offsetFrom, e.g. P14D or -P1D.", duration()),
        "within" => d("Tolerance of offsetFrom (default PT1M).", duration()),
        "sameInstant" => d(
            "A date-time at the same instant as this one (a JSONPath or a date-time), whatever the notation.",
            string(),
        ),
        "after" => d(
            "A date-time strictly later than this one (a JSONPath or a date-time).",
            string(),
        ),
        "before" => d(
            "A date-time strictly earlier than this one (a JSONPath or a date-time).",
            string(),
        ),
        "notBefore" => d(
            "A date-time at the same instant as this one or later (a JSONPath or a date-time).",
            string(),
        ),
        _ => None,
    }
}

fn auth_variant(k: &str) -> Option<Value> {
    match k {
        "none" => Some(json!({"const": "none", "description": "Send no Authorization header."})),
        "bearer" => Some(json!({
            "type": "object",
            "properties": {"bearer": {"type": "string", "description": "The token to send (a template)."}},
            "required": ["bearer"],
            "additionalProperties": false
        })),
        _ => None,
    }
}

fn objects() -> Vec<ObjectSpec> {
    vec![
        ObjectSpec {
            name: "scenario",
            keys: fields_of::<ScenarioFile>(),
            required: &["name", "actors", "steps"],
            describe: scenario_key,
        },
        ObjectSpec {
            name: "fixture",
            keys: fields_of::<FixtureFile>(),
            required: &["provides", "steps"],
            describe: fixture_key,
        },
        ObjectSpec {
            name: "step",
            keys: fields_of::<StepFile>(),
            required: &[],
            describe: step_key,
        },
        ObjectSpec {
            name: "request",
            keys: fields_of::<RequestFile>(),
            required: &["method", "path"],
            describe: request_key,
        },
        ObjectSpec {
            name: "expect",
            keys: fields_of::<ExpectFile>(),
            required: &[],
            describe: expect_key,
        },
        ObjectSpec {
            name: "retry",
            keys: fields_of::<RetryFile>(),
            required: &["until"],
            describe: retry_key,
        },
        ObjectSpec {
            name: "paging",
            keys: fields_of::<PagingFile>(),
            required: &[],
            describe: paging_key,
        },
        ObjectSpec {
            name: "captureObject",
            keys: CAPTURE_KEYS,
            required: &["path"],
            describe: capture_key,
        },
        ObjectSpec {
            name: "matcherObject",
            keys: MATCHER_KEYS,
            required: &[],
            describe: matcher_key,
        },
        ObjectSpec {
            name: "auth",
            keys: fields_of::<AuthFile>(),
            required: &[],
            describe: auth_variant,
        },
    ]
}

/// Keys the loader accepts that this schema does not describe (`object.key`).
pub fn undescribed() -> Vec<String> {
    objects().iter().flat_map(ObjectSpec::undescribed).collect()
}

/// Which file the schema is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditorSchema {
    Scenario,
    Fixture,
}

/// The schema of scenario or fixture files; `schema_types` are the names `expect.schema`
/// may use (without the `[]` forms, which are added).
pub fn editor_schema(which: EditorSchema, schema_types: &[String]) -> Value {
    let mut defs: BTreeMap<String, Value> = BTreeMap::new();
    let mut root = json!({});
    for o in objects() {
        match o.name {
            "scenario" | "fixture" => {
                if (o.name == "scenario") == (which == EditorSchema::Scenario) {
                    root = o.schema(match which {
                        EditorSchema::Scenario => "tgconform scenario",
                        EditorSchema::Fixture => "tgconform fixture",
                    });
                }
            }
            "step" => {
                let mut s = o.schema("step");
                // A step either pulls in a fixture or sends a request.
                s["anyOf"] = json!([{"required": ["request"]}, {"required": ["use"]}]);
                defs.insert("step".into(), s);
            }
            "auth" => {
                let variants: Vec<Value> = o.keys.iter().filter_map(|k| auth_variant(k)).collect();
                defs.insert("auth".into(), json!({"oneOf": variants}));
            }
            "captureObject" => {
                defs.insert(
                    "capture".into(),
                    json!({"oneOf": [
                        {"type": "string", "description": "JSONPath of the value (the first node selected)."},
                        o.schema("capture")
                    ]}),
                );
            }
            "matcherObject" => {
                defs.insert(
                    "matcher".into(),
                    json!({
                        "description": "A scalar or a list means equality; a mapping is a matcher object (all its keys must hold).",
                        "oneOf": [
                            {"type": ["string", "number", "boolean", "null", "array"]},
                            o.schema("matcher")
                        ]
                    }),
                );
            }
            name => {
                defs.insert(name.to_string(), o.schema(name));
            }
        }
    }
    let mut names: Vec<String> = schema_types.to_vec();
    names.extend(schema_types.iter().map(|t| format!("{t}[]")));
    names.sort();
    defs.insert("schemaType".into(), json!({"enum": names}));
    let mut out = json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
    });
    if let (Some(o), Some(r)) = (out.as_object_mut(), root.as_object()) {
        for (k, v) in r {
            o.insert(k.clone(), v.clone());
        }
        o.insert("definitions".into(), json!(defs));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_probe_reads_the_fields_serde_derives() {
        assert!(fields_of::<ScenarioFile>().contains(&"snapshotMode"));
        assert!(fields_of::<StepFile>().contains(&"as"));
        assert_eq!(fields_of::<AuthFile>(), &["none", "bearer"]);
    }

    #[test]
    fn every_key_the_loader_accepts_is_described() {
        assert_eq!(undescribed(), Vec::<String>::new());
    }

    #[test]
    fn the_scenario_schema_lists_exactly_the_loaders_keys() {
        let s = editor_schema(EditorSchema::Scenario, &["governanceRequest".into()]);
        let keys: Vec<&str> = s["properties"]
            .as_object()
            .map(|o| o.keys().map(String::as_str).collect())
            .unwrap_or_default();
        let mut want = fields_of::<ScenarioFile>().to_vec();
        want.sort_unstable();
        let mut got = keys.clone();
        got.sort_unstable();
        assert_eq!(got, want);
        assert_eq!(
            s["definitions"]["schemaType"]["enum"],
            json!(["governanceRequest", "governanceRequest[]"])
        );
    }
}
