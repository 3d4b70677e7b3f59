//! Editor support: the JSON Schemas of scenario, fixture and profile files
//! (`tgconform schema scenario|fixture|profile`, committed in `editor/`), every file of
//! the repository valid against its schema and pointing at it from its first line, and
//! `tgconform list --fixtures`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::{Path, PathBuf};

use common::tgconform;
use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    files
}

/// `tgconform schema KIND`, parsed.
fn generated(kind: &str) -> Value {
    let (code, out, err) = tgconform(&["schema", kind]);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("schema {kind} is not JSON: {e}"))
}

fn validator(kind: &str) -> jsonschema::Validator {
    let schema = generated(kind);
    assert!(
        jsonschema::draft7::meta::is_valid(&schema),
        "the {kind} schema is no valid draft-07 schema"
    );
    jsonschema::draft7::new(&schema).unwrap_or_else(|e| panic!("{kind}: {e}"))
}

/// The YAML file as JSON, as an editor's language server sees it.
fn as_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    serde_saphyr::from_str::<Value>(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn errors(v: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    v.iter_errors(doc)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

#[test]
fn the_committed_editor_schemas_are_what_the_binary_generates() {
    for kind in ["scenario", "fixture", "profile"] {
        let path = root().join(format!("editor/{kind}.schema.json"));
        let (_, fresh, _) = tgconform(&["schema", kind]);
        if std::env::var_os("TGCONFORM_BLESS").is_some() {
            std::fs::write(&path, &fresh).expect("write the schema");
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == fresh,
            "{} is stale: TGCONFORM_BLESS=1 cargo test --test editor_schema regenerates it",
            path.display()
        );
    }
}

#[test]
fn every_scenario_of_the_suite_is_valid_against_the_scenario_schema() {
    let v = validator("scenario");
    let files = yaml_files(&root().join("scenarios"));
    assert!(files.len() > 10);
    for f in files {
        let e = errors(&v, &as_json(&f));
        assert!(e.is_empty(), "{}:\n{}", f.display(), e.join("\n"));
    }
}

#[test]
fn every_fixture_is_valid_against_the_fixture_schema() {
    let v = validator("fixture");
    let files = yaml_files(&root().join("scenarios/fixtures"));
    assert!(!files.is_empty());
    for f in files {
        let e = errors(&v, &as_json(&f));
        assert!(e.is_empty(), "{}:\n{}", f.display(), e.join("\n"));
    }
}

#[test]
fn every_profile_is_valid_against_the_profile_schema() {
    let v = validator("profile");
    let files = yaml_files(&root().join("profiles"));
    assert!(!files.is_empty());
    for f in files {
        let e = errors(&v, &as_json(&f));
        assert!(e.is_empty(), "{}:\n{}", f.display(), e.join("\n"));
    }
}

#[test]
fn every_scenario_fixture_and_profile_names_its_schema_on_the_first_line() {
    let cases = [
        ("scenarios", "../editor/scenario.schema.json"),
        ("scenarios/fixtures", "../../editor/fixture.schema.json"),
        ("profiles", "../editor/profile.schema.json"),
    ];
    for (dir, schema) in cases {
        let want = format!("# yaml-language-server: $schema={schema}");
        for f in yaml_files(&root().join(dir)) {
            let text = std::fs::read_to_string(&f).unwrap_or_default();
            assert_eq!(
                text.lines().next(),
                Some(want.as_str()),
                "{} must start with the schema line",
                f.display()
            );
            let target = f.parent().map(|p| p.join(schema)).unwrap_or_default();
            assert!(target.is_file(), "{} does not exist", target.display());
        }
    }
}

#[test]
fn the_scenario_schema_refuses_what_the_loader_refuses() {
    let v = validator("scenario");
    let good = as_json(&root().join("scenarios/request-rejected.yaml"));
    assert!(errors(&v, &good).is_empty());
    let typo = serde_json::json!({
        "name": "x", "actors": ["governing"],
        "steps": [{"as": "governing", "request": {"method": "GET", "path": "/x"},
                   "expect": {"status": 200, "schema": "governanceRequst"},
                   "captrue": {"id": "$.id"}}]
    });
    let e = errors(&v, &typo).join("\n");
    assert!(e.contains("captrue"), "unknown step key refused: {e}");
    assert!(
        e.contains("governanceRequst"),
        "unknown schema type refused: {e}"
    );
    let long_capture = serde_json::json!({
        "name": "x", "actors": ["governing"],
        "steps": [{"as": "governing", "request": {"method": "GET", "path": "/x"},
                   "capture": {"id": {"path": "$.id", "optional": true}}}]
    });
    assert!(errors(&v, &long_capture).is_empty(), "optional capture");
    let bad_matcher = serde_json::json!({
        "name": "x", "actors": ["governing"],
        "steps": [{"as": "governing", "request": {"method": "GET", "path": "/x"},
                   "expect": {"json": {"$.id": {"regx": "^a"}}}}]
    });
    assert!(!errors(&v, &bad_matcher).is_empty(), "unknown matcher key");
}

#[test]
fn list_fixtures_prints_parameters_provides_and_description() {
    let (code, out, err) = tgconform(&["list", "--fixtures"]);
    assert_eq!(code, 0, "{err}");
    let block = out
        .split("\n\n")
        .find(|b| b.starts_with("policy-template "))
        .unwrap_or_else(|| panic!("no policy-template block:\n{out}"));
    assert!(block.contains("params:   as"), "{block}");
    assert!(block.contains("provides: templateId"), "{block}");
    assert!(block.contains("or from the profile's vars"), "{block}");
    assert!(
        block.contains("discover a non-default governance policy template id"),
        "{block}"
    );
    let names: Vec<&str> = out
        .split("\n\n")
        .filter_map(|b| b.split_whitespace().next())
        .collect();
    // Every fixture file, in name order, and nothing else.
    let mut files: Vec<String> = std::fs::read_dir(root().join("scenarios/fixtures"))
        .expect("scenarios/fixtures")
        .filter_map(|e| {
            let name = e.ok()?.file_name().into_string().ok()?;
            name.strip_suffix(".yaml").map(str::to_string)
        })
        .collect();
    files.sort();
    assert_eq!(names, files);
}
