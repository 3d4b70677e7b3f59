//! Data-driven schema tests (libtest-mimic, one trial per case):
//!
//! - `example::<file>`: every documented example body in `tests/fixtures/examples/` does
//!   what `expectations.json` says (validates, or is rejected at the given path).
//! - `cli::…`: `tgconform schema list` and `tgconform schema validate` end to end.
//! - `meta::<type>`: every schema file is valid against the draft 2020-12 meta-schema.
//! - `sample::<type>`: a full instance generated from the schema validates (every property,
//!   optional ones included, can be present at once).
//! - `negative::<type>::<mutation>::<path>`: generated from each schema: drop each required
//!   property, change each property's type, put an unknown enum member, break each format
//!   (and pattern, minimum, minLength), add an unknown property; each is rejected and the
//!   error names the right instance path and rule. `deep::<type>[]::…` does the same through
//!   a whole collection body, so paths are checked across `$ref`s and `value` items.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use libtest_mimic::{Arguments, Failed, Trial};
use serde_json::{Map, Value, json};
use tgconform::schema::{BASE_URI, SchemaMode, SchemaOutcome, SchemaRegistry, TypeKind};

fn main() -> ExitCode {
    let args = Arguments::from_args();
    let registry = match SchemaRegistry::builtin() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("cannot load the builtin schemas: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut trials = Vec::new();
    trials.extend(example_trials(&registry));
    trials.extend(meta_trials());
    for t in registry.type_names() {
        trials.extend(generated_trials(&registry, &t));
    }
    trials.extend(cli_trials());
    trials.extend(tolerance_trials(&registry));
    trials.push(docs_trial(&registry));
    libtest_mimic::run(&args, trials).exit_code()
}

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/examples")
}

fn read_json(path: &Path) -> Result<Value, Failed> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failed::from(format!("cannot read {}: {e}", path.display())))?;
    serde_json::from_str(&text)
        .map_err(|e| Failed::from(format!("{} is not JSON: {e}", path.display())))
}

fn show(outcome: &SchemaOutcome) -> String {
    outcome
        .violations
        .iter()
        .map(|v| format!("\n  violation {v}"))
        .chain(outcome.warnings.iter().map(|w| format!("\n  warning {w}")))
        .collect()
}

// ------------------------------------------------------------------ tolerances

/// Where the docs leave room, the schemas accept every reasonable answer: a full sample
/// of the type with one value changed still validates. Each case names its rule.
fn tolerance_trials(registry: &SchemaRegistry) -> Vec<Trial> {
    let cases: &[(&str, &str, &str, Option<Value>)] = &[
        (
            "TYPE-NULLABLE-PERMISSION-NAME",
            "resourcePermission",
            "/name",
            Some(Value::Null),
        ),
        (
            "TYPE-NULLABLE-ROLE-ASSIGNMENT-GROUP",
            "delegatedAdministrationRoleAssignment",
            "/group",
            Some(Value::Null),
        ),
        (
            "TYPE-NULLABLE-SETTINGS",
            "tenantGovernance",
            "/settings",
            Some(Value::Null),
        ),
        ("GRAPH-ERROR-BODY", "graphError", "/error/innerError", None),
        (
            "GRAPH-STRING-IDS-ARE-GUIDS",
            "governanceRequest",
            "/governingTenantId",
            Some(json!("contoso-tenant")),
        ),
        (
            "GRAPH-STRING-IDS-ARE-GUIDS",
            "multiTenantApplicationsToProvision",
            "/appId",
            Some(json!("an-app")),
        ),
    ];
    cases
        .iter()
        .map(|(rule, type_name, pointer, value)| {
            let registry = registry.clone();
            let (type_name, pointer, value) =
                (type_name.to_string(), pointer.to_string(), value.clone());
            Trial::test(
                format!("tolerance::{rule}::{type_name}{pointer}"),
                move || {
                    let Some(id) = registry.schema_id(&type_name).map(str::to_string) else {
                        return Err(format!("no schema for {type_name}").into());
                    };
                    let node = Node {
                        schema: json!({ "$ref": id }),
                        doc: id,
                    };
                    let instance = set_at(&sample(&registry, &node, 0), &pointer, value);
                    let out = registry
                        .validate(&type_name, &instance, SchemaMode::Strict)
                        .map_err(|e| e.to_string())?;
                    if out.is_valid() {
                        Ok(())
                    } else {
                        Err(format!("{instance} is rejected:{}", show(&out)).into())
                    }
                },
            )
        })
        .collect()
}

// ------------------------------------------------------------------ examples

fn example_trials(registry: &SchemaRegistry) -> Vec<Trial> {
    let dir = fixtures();
    let expectations = read_json(&dir.join("expectations.json"))
        .ok()
        .and_then(|v| v.get("examples").and_then(Value::as_array).cloned())
        .unwrap_or_default();
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .filter_map(|e| e.file_name().to_str().map(str::to_string))
                .filter(|n| n.ends_with(".json") && n != "expectations.json")
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    let mut trials = vec![Trial::test("example::fixtures_are_present", {
        let n = files.len();
        let m = expectations.len();
        move || {
            if n == 0 || m == 0 {
                return Err(format!("{n} example files and {m} expectations found").into());
            }
            Ok(())
        }
    })];
    for file in files {
        let expectation = expectations
            .iter()
            .find(|e| e.get("file").and_then(Value::as_str) == Some(file.as_str()))
            .cloned();
        let registry = registry.clone();
        let path = dir.join(&file);
        let name = format!("example::{}", file.trim_end_matches(".json"));
        trials.push(Trial::test(name, move || {
            let Some(exp) = expectation else {
                return Err(format!("{file} has no entry in expectations.json").into());
            };
            check_example(&registry, &path, &exp)
        }));
    }
    trials
}

fn check_example(registry: &SchemaRegistry, path: &Path, exp: &Value) -> Result<(), Failed> {
    let body = read_json(path)?;
    let type_name = exp
        .get("type")
        .and_then(Value::as_str)
        .ok_or("expectation without `type`")?;
    let collection = exp.get("collection").and_then(Value::as_bool) == Some(true);
    let valid = exp.get("valid").and_then(Value::as_bool) != Some(false);
    let is_request = exp.get("body").and_then(Value::as_str) == Some("request");
    let full_type = if collection {
        format!("{type_name}[]")
    } else {
        type_name.to_string()
    };

    if is_request {
        // expectations.json: "a request body: checks only what the client sends (may be a
        // subset of the type)": a partial object, so the top level's `required` is waived.
        let out = registry
            .validate_partial(&full_type, &body, SchemaMode::Strict)
            .map_err(|e| e.to_string())?;
        if valid != out.is_valid() || !out.warnings.is_empty() {
            return Err(format!(
                "request body as partial `{full_type}`: expected valid={valid}:{}",
                show(&out)
            )
            .into());
        }
        return Ok(());
    }

    for mode in [SchemaMode::Strict, SchemaMode::Lenient] {
        let out = registry
            .validate(&full_type, &body, mode)
            .map_err(|e| e.to_string())?;
        if valid {
            if !out.is_valid() || !out.warnings.is_empty() {
                return Err(
                    format!("`{full_type}` ({mode:?}) must accept it:{}", show(&out)).into(),
                );
            }
        } else {
            let want = exp
                .get("path")
                .and_then(Value::as_str)
                .ok_or("an invalid example without `path`")?;
            if !out.violations.iter().any(|v| v.instance_path == want) {
                return Err(format!(
                    "`{full_type}` ({mode:?}) must reject it at {want}:{}",
                    show(&out)
                )
                .into());
            }
        }
    }
    // Each item of a collection on its own, against the item type.
    if collection && let Some(items) = body.get("value").and_then(Value::as_array) {
        for (i, item) in items.iter().enumerate() {
            let out = registry
                .validate(type_name, item, SchemaMode::Strict)
                .map_err(|e| e.to_string())?;
            let want = exp
                .get("path")
                .and_then(Value::as_str)
                .and_then(|p| p.strip_prefix(&format!("/value/{i}")));
            match (valid, want) {
                (true, _) if !out.is_valid() => {
                    return Err(format!("item {i} as `{type_name}`:{}", show(&out)).into());
                }
                (false, Some(rest)) if !out.violations.iter().any(|v| v.instance_path == rest) => {
                    return Err(format!(
                        "item {i} as `{type_name}` must be rejected at {rest}:{}",
                        show(&out)
                    )
                    .into());
                }
                _ => {}
            }
        }
    }
    Ok(())
}

// ------------------------------------------------------------------ meta-schema

fn meta_trials() -> Vec<Trial> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("schemas");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "json"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    let mut trials = vec![Trial::test("meta::schemas_folder_is_not_empty", {
        let n = files.len();
        move || {
            if n == 0 {
                return Err("no schema files".into());
            }
            Ok(())
        }
    })];
    for path in files {
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("?")
            .to_string();
        trials.push(Trial::test(format!("meta::{stem}"), move || {
            let doc = read_json(&path)?;
            if doc.get("$schema").and_then(Value::as_str)
                != Some("https://json-schema.org/draft/2020-12/schema")
            {
                return Err("`$schema` must be draft 2020-12".into());
            }
            let want_id = format!("{BASE_URI}{stem}.json");
            if doc.get("$id").and_then(Value::as_str) != Some(want_id.as_str()) {
                return Err(format!("`$id` must be {want_id}").into());
            }
            jsonschema::draft202012::meta::validate(&doc)
                .map_err(|e| Failed::from(format!("not a valid 2020-12 schema: {e}")))
        }));
    }
    trials
}

// ------------------------------------------------------------------ generated cases

/// A schema node and the `$id` of the document it lives in (for local `$ref`s).
#[derive(Clone)]
struct Node {
    schema: Value,
    doc: String,
}

fn lookup(registry: &SchemaRegistry, reference: &str, current_doc: &str) -> Option<Node> {
    let (doc_uri, fragment) = match reference.split_once('#') {
        Some((d, f)) => (d, f),
        None => (reference, ""),
    };
    let doc_uri = if doc_uri.is_empty() {
        current_doc
    } else {
        doc_uri
    };
    let type_name = doc_uri.strip_prefix(BASE_URI)?.strip_suffix(".json")?;
    let document = registry.schema(type_name)?;
    let schema = if fragment.is_empty() {
        document.clone()
    } else {
        document.pointer(fragment)?.clone()
    };
    Some(Node {
        schema,
        doc: doc_uri.to_string(),
    })
}

/// Follow `$ref`s; unwrap the nullable `if null / else $ref` form.
/// Returns the effective node and whether null is accepted.
fn resolve(registry: &SchemaRegistry, node: &Node) -> (Node, bool) {
    let mut current = node.clone();
    let mut nullable = false;
    for _ in 0..16 {
        if let Some(r) = current.schema.get("$ref").and_then(Value::as_str) {
            match lookup(registry, r, &current.doc) {
                Some(next) => {
                    // Keep sibling keywords of `$ref` (none used on properties today).
                    current = next;
                    continue;
                }
                None => break,
            }
        }
        if current.schema.get("if") == Some(&json!({"type": "null"}))
            && let Some(e) = current.schema.get("else")
        {
            nullable = true;
            current = Node {
                schema: e.clone(),
                doc: current.doc.clone(),
            };
            continue;
        }
        break;
    }
    (current, nullable)
}

fn types_of(schema: &Value) -> Vec<String> {
    match schema.get("type") {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        _ => Vec::new(),
    }
}

/// A full valid instance: every property (optional ones too), one item per array.
fn sample(registry: &SchemaRegistry, node: &Node, depth: usize) -> Value {
    let (node, _) = resolve(registry, node);
    let s = &node.schema;
    if depth > 12 {
        return Value::Null;
    }
    if let Some(c) = s.get("const") {
        return c.clone();
    }
    if let Some(first) = s
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|a| a.first())
    {
        return first.clone();
    }
    let types = types_of(s);
    let main = types
        .iter()
        .find(|t| *t != "null")
        .cloned()
        .unwrap_or_else(|| {
            if s.get("properties").is_some() {
                "object".into()
            } else {
                "null".into()
            }
        });
    match main.as_str() {
        "object" => {
            let mut m = Map::new();
            if let Some(props) = s.get("properties").and_then(Value::as_object) {
                for (k, v) in props {
                    if k.starts_with('@') {
                        continue;
                    }
                    let child = Node {
                        schema: v.clone(),
                        doc: node.doc.clone(),
                    };
                    m.insert(k.clone(), sample(registry, &child, depth + 1));
                }
            }
            if let Some(req) = s.get("required").and_then(Value::as_array) {
                for r in req.iter().filter_map(Value::as_str) {
                    m.entry(r.to_string()).or_insert_with(|| json!("x"));
                }
            }
            Value::Object(m)
        }
        "array" => match s.get("items") {
            Some(items) => {
                let child = Node {
                    schema: items.clone(),
                    doc: node.doc.clone(),
                };
                json!([sample(registry, &child, depth + 1)])
            }
            None => json!([]),
        },
        "string" => match s.get("format").and_then(Value::as_str) {
            Some("uuid") => json!("0b7e9a1c-1111-4000-8000-00000000000a"),
            Some("date-time") => json!("2026-01-01T00:00:00.1234567Z"),
            Some("uri") => json!("https://graph.microsoft.com/beta/next"),
            _ => match s.get("pattern").and_then(Value::as_str) {
                Some(p) if p.starts_with("^[0-9]{4}") => json!("2026-11-24T10:00:00"),
                Some(_) => json!("1"),
                None => json!("text"),
            },
        },
        "integer" | "number" => json!(1),
        "boolean" => json!(true),
        _ => Value::Null,
    }
}

struct Mutation {
    /// `required`, `type`, `enum`, `format`, `pattern`, `minimum`, `minLength`, `unknown`.
    what: &'static str,
    /// Instance pointer of the expected error.
    path: String,
    /// Expected rule (keyword).
    rule: &'static str,
    instance: Value,
    /// For `required`: the missing property, which the message must name.
    names: Option<String>,
}

fn set_at(root: &Value, pointer: &str, value: Option<Value>) -> Value {
    let mut out = root.clone();
    let (parent, last) = match pointer.rsplit_once('/') {
        Some(x) => x,
        None => return out,
    };
    let key = last.replace("~1", "/").replace("~0", "~");
    match (out.pointer_mut(parent), value) {
        (Some(Value::Object(m)), Some(v)) => {
            m.insert(key, v);
        }
        (Some(Value::Object(m)), None) => {
            m.remove(&key);
        }
        (Some(Value::Array(a)), Some(v)) => {
            if let Some(slot) = key.parse::<usize>().ok().and_then(|i| a.get_mut(i)) {
                *slot = v;
            }
        }
        _ => {}
    }
    out
}

/// Mutations of the object node at `path` inside `root` (and, with `deep`, of everything
/// below it).
fn mutations(
    registry: &SchemaRegistry,
    root: &Value,
    path: &str,
    node: &Node,
    deep: bool,
    out: &mut Vec<Mutation>,
) {
    let (node, _) = resolve(registry, node);
    let s = &node.schema;
    let Some(props) = s.get("properties").and_then(Value::as_object) else {
        return;
    };
    if let Some(req) = s.get("required").and_then(Value::as_array) {
        for r in req.iter().filter_map(Value::as_str) {
            out.push(Mutation {
                what: "required",
                path: path.to_string(),
                rule: "required",
                instance: set_at(root, &format!("{path}/{r}"), None),
                names: Some(r.to_string()),
            });
        }
    }
    if s.get("additionalProperties") == Some(&Value::Bool(false)) {
        let p = format!("{path}/unknownProperty");
        out.push(Mutation {
            what: "unknown",
            path: p.clone(),
            rule: "additionalProperties",
            instance: set_at(root, &p, Some(json!(1))),
            names: None,
        });
    }
    for (k, v) in props {
        if k.starts_with('@') {
            continue;
        }
        let p = format!("{path}/{k}");
        let child = Node {
            schema: v.clone(),
            doc: node.doc.clone(),
        };
        value_mutations(registry, root, &p, &child, deep, out);
    }
}

fn value_mutations(
    registry: &SchemaRegistry,
    root: &Value,
    p: &str,
    node: &Node,
    deep: bool,
    out: &mut Vec<Mutation>,
) {
    let (resolved, nullable) = resolve(registry, node);
    let s = &resolved.schema;
    let mut types = types_of(s);
    if nullable {
        types.push("null".into());
    }
    let allows = |t: &str| {
        types.iter().any(|x| x == t) || (t == "integer" && types.iter().any(|x| x == "number"))
    };
    if !types.is_empty()
        && let Some(wrong) = [json!(12345), json!("text"), json!(true)]
            .into_iter()
            .find(|c| {
                let t = match c {
                    Value::Number(_) => "integer",
                    Value::String(_) => "string",
                    _ => "boolean",
                };
                !allows(t)
            })
    {
        out.push(Mutation {
            what: "type",
            path: p.to_string(),
            rule: "type",
            instance: set_at(root, p, Some(wrong)),
            names: None,
        });
    }
    if s.get("enum").is_some() {
        out.push(Mutation {
            what: "enum",
            path: p.to_string(),
            rule: "enum",
            instance: set_at(root, p, Some(json!("notAMember"))),
            names: None,
        });
    }
    if let Some(f) = s.get("format").and_then(Value::as_str) {
        out.push(Mutation {
            what: "format",
            path: p.to_string(),
            rule: "format",
            instance: set_at(root, p, Some(json!(format!("not a {f}")))),
            names: None,
        });
    }
    if s.get("pattern").is_some() {
        out.push(Mutation {
            what: "pattern",
            path: p.to_string(),
            rule: "pattern",
            instance: set_at(root, p, Some(json!("not matching!"))),
            names: None,
        });
    }
    if s.get("minimum").is_some() && allows("integer") {
        out.push(Mutation {
            what: "minimum",
            path: p.to_string(),
            rule: "minimum",
            instance: set_at(root, p, Some(json!(-1))),
            names: None,
        });
    }
    if s.get("minLength").is_some() {
        out.push(Mutation {
            what: "minLength",
            path: p.to_string(),
            rule: "minLength",
            instance: set_at(root, p, Some(json!(""))),
            names: None,
        });
    }
    if !deep {
        return;
    }
    match root.pointer(p) {
        Some(Value::Object(_)) => mutations(registry, root, p, &resolved, true, out),
        Some(Value::Array(items)) if !items.is_empty() => {
            if let Some(item_schema) = s.get("items") {
                let child = Node {
                    schema: item_schema.clone(),
                    doc: resolved.doc.clone(),
                };
                value_mutations(registry, root, &format!("{p}/0"), &child, true, out);
            }
        }
        _ => {}
    }
}

fn check_mutation(registry: &SchemaRegistry, type_name: &str, m: &Mutation) -> Result<(), Failed> {
    let strict = registry
        .validate(type_name, &m.instance, SchemaMode::Strict)
        .map_err(|e| e.to_string())?;
    let hit = strict.violations.iter().find(|v| {
        v.instance_path == m.path
            && v.rule == m.rule
            && m.names
                .as_ref()
                .is_none_or(|n| v.message.contains(&format!("\"{n}\"")))
    });
    if hit.is_none() {
        return Err(format!(
            "{} at {}: expected a `{}` violation there:{}",
            m.what,
            if m.path.is_empty() { "(root)" } else { &m.path },
            m.rule,
            show(&strict)
        )
        .into());
    }
    if m.what == "unknown" {
        let lenient = registry
            .validate(type_name, &m.instance, SchemaMode::Lenient)
            .map_err(|e| e.to_string())?;
        if !lenient.is_valid() || !lenient.warnings.iter().any(|w| w.instance_path == m.path) {
            return Err(format!(
                "lenient mode must report {} as a warning only:{}",
                m.path,
                show(&lenient)
            )
            .into());
        }
    }
    Ok(())
}

fn generated_trials(registry: &SchemaRegistry, type_name: &str) -> Vec<Trial> {
    let Some(id) = registry.schema_id(type_name).map(str::to_string) else {
        return Vec::new();
    };
    let node = Node {
        schema: json!({ "$ref": id }),
        doc: id.clone(),
    };
    let instance = sample(registry, &node, 0);
    let mut trials = Vec::new();

    // The generated instance itself must be valid: the schema is satisfiable with every
    // property present.
    {
        let registry = registry.clone();
        let type_name = type_name.to_string();
        let instance = instance.clone();
        trials.push(Trial::test(format!("sample::{type_name}"), move || {
            let out = registry
                .validate(&type_name, &instance, SchemaMode::Strict)
                .map_err(|e| e.to_string())?;
            if !out.is_valid() || !out.warnings.is_empty() {
                return Err(
                    format!("generated sample {instance} is rejected:{}", show(&out)).into(),
                );
            }
            Ok(())
        }));
    }

    let mut ms = Vec::new();
    if registry.kind(type_name) == Some(TypeKind::Enum) {
        value_mutations(
            registry,
            &json!({"v": instance}),
            "/v",
            &node,
            false,
            &mut ms,
        );
        // Validate the enum value itself, not the wrapper.
        for m in &mut ms {
            m.instance = m.instance.get("v").cloned().unwrap_or(Value::Null);
            m.path = String::new();
        }
    } else {
        mutations(registry, &instance, "", &node, false, &mut ms);
    }
    for m in ms {
        let registry = registry.clone();
        let t = type_name.to_string();
        let shown = if m.path.is_empty() { "(root)" } else { &m.path };
        let name = format!("negative::{type_name}::{}::{shown}", m.what);
        trials.push(Trial::test(name, move || check_mutation(&registry, &t, &m)));
    }

    // Deep: the whole body as a collection, for the types a scenario can name as `X[]`.
    if matches!(registry.kind(type_name), Some(TypeKind::Entity))
        && registry.supports_collection(type_name)
        && instance.is_object()
    {
        let coll_type = format!("{type_name}[]");
        let body = json!({ "value": [instance] });
        let mut deep = Vec::new();
        mutations(registry, &body, "/value/0", &node, true, &mut deep);
        for m in deep {
            let registry = registry.clone();
            let t = coll_type.clone();
            let name = format!("deep::{coll_type}::{}::{}", m.what, m.path);
            trials.push(Trial::test(name, move || check_mutation(&registry, &t, &m)));
        }
    }
    trials
}

// ------------------------------------------------------------------ CLI

fn tgconform(args: &[&str], stdin: Option<&str>) -> Result<(i32, String, String), Failed> {
    use std::io::Write as _;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_tgconform"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run tgconform: {e}"))?;
    if let Some(mut pipe) = child.stdin.take() {
        pipe.write_all(stdin.unwrap_or("").as_bytes())
            .map_err(|e| format!("stdin: {e}"))?;
    }
    let out = child
        .wait_with_output()
        .map_err(|e| format!("tgconform: {e}"))?;
    Ok((
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    ))
}

fn cli_trials() -> Vec<Trial> {
    vec![
        Trial::test("cli::schema_list_prints_every_type", || {
            let (code, out, err) = tgconform(&["schema", "list"], None)?;
            let names: Vec<&str> = out.lines().collect();
            if code != 0 || !names.contains(&"governanceRequest") || !names.contains(&"graphError")
            {
                return Err(format!("exit {code}\n{out}{err}").into());
            }
            Ok(())
        }),
        Trial::test("cli::schema_validate_accepts_a_documented_example", || {
            let file = fixtures().join("governanceRequest-list-response.json");
            let file = file.to_string_lossy();
            let (code, out, err) = tgconform(
                &["schema", "validate", "--type", "governanceRequest[]", &file],
                None,
            )?;
            if code != 0 || !out.contains("valid governanceRequest[]") {
                return Err(format!("exit {code}\n{out}{err}").into());
            }
            Ok(())
        }),
        Trial::test(
            "cli::schema_validate_error_names_path_schema_path_and_rule",
            || {
                let body = std::fs::read_to_string(
                    fixtures().join("governanceRelationship-get-response.json"),
                )
                .map_err(|e| e.to_string())?;
                let (code, out, err) = tgconform(
                    &[
                        "schema",
                        "validate",
                        "--type",
                        "governanceRelationship",
                        "-",
                    ],
                    Some(&body),
                )?;
                let line = out.lines().find(|l| l.starts_with("error: ")).unwrap_or("");
                if code != 1
                    || !line.contains("at /status")
                    || !line.contains("relationshipStatus.json#/enum")
                    || !line.contains("`enum`")
                {
                    return Err(format!("exit {code}\n{out}{err}").into());
                }
                Ok(())
            },
        ),
        Trial::test(
            "cli::schema_validate_lenient_reports_unknown_properties_as_warnings",
            || {
                let body = r#"{"isRelatedTenantsEnabled": true, "canReceiveInvitations": false, "brandNew": 1}"#;
                let (code, out, err) = tgconform(
                    &[
                        "schema",
                        "validate",
                        "--type",
                        "tenantGovernanceSetting",
                        "--mode",
                        "lenient",
                        "-",
                    ],
                    Some(body),
                )?;
                if code != 0 || !out.contains("warning: at /brandNew") {
                    return Err(format!("exit {code}\n{out}{err}").into());
                }
                let (code, out, err) = tgconform(
                    &[
                        "schema",
                        "validate",
                        "--type",
                        "tenantGovernanceSetting",
                        "-",
                    ],
                    Some(body),
                )?;
                if code != 1 || !out.contains("error: at /brandNew") {
                    return Err(format!("strict: exit {code}\n{out}{err}").into());
                }
                Ok(())
            },
        ),
        Trial::test("cli::schema_validate_unknown_type_is_a_usage_error", || {
            let (code, out, err) = tgconform(
                &["schema", "validate", "--type", "governanceThing", "-"],
                Some("{}"),
            )?;
            if code != 2 || !err.contains("unknown schema type `governanceThing`") {
                return Err(format!("exit {code}\n{out}{err}").into());
            }
            Ok(())
        }),
    ]
}

// ------------------------------------------------------------------ docs

fn docs_trial(registry: &SchemaRegistry) -> Trial {
    let registry = registry.clone();
    Trial::test("docs::schemas_md_table_is_current", move || {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/schemas.md");
        let doc = std::fs::read_to_string(&path).map_err(|e| e.to_string())?;
        let rows: Vec<&str> = doc.lines().filter(|l| l.starts_with("| `")).collect();
        let mut missing = Vec::new();
        for t in registry.type_names() {
            let kind = registry.kind(&t).map(|k| k.as_str()).unwrap_or("?");
            let want = match registry.enum_members(&t) {
                Some(m) => format!("| `{t}` | {kind} | {} members | – |", m.len()),
                None => format!(
                    "| `{t}` | {kind} | {} | {} |",
                    registry.properties(&t).len(),
                    registry.required(&t).len()
                ),
            };
            if !rows.contains(&want.as_str()) {
                missing.push(want);
            }
        }
        if !missing.is_empty() {
            return Err(format!(
                "docs/schemas.md lacks or misstates:\n{}",
                missing.join("\n")
            )
            .into());
        }
        Ok(())
    })
}
