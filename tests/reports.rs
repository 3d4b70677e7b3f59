//! The CI reports: JUnit XML with the common testsuites/testsuite/testcase shape, the
//! documented JSON report shape, and GitHub annotations.

// Test code: a panic is how a check fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::Json;
use axum::routing::get;
use common::{StubServer, scratch_dir, tgconform, write};
use quick_xml::Reader;
use quick_xml::events::Event;
use serde_json::{Value, json};

const PASS: &str = "name: pass\ntags: [seed]\nactors: [governing]\nsteps:\n  - name: read\n    as: governing\n    request: {method: GET, path: /directory/tenantGovernance/settings}\n    expect:\n      status: 200\n";
const FAIL: &str = "name: fail\nactors: [governing]\nsteps:\n  - name: read\n    as: governing\n    request: {method: GET, path: /directory/tenantGovernance/settings}\n    expect:\n      status: 200\n      json:\n        $.canReceiveInvitations: true\n";

struct Run {
    code: i32,
    stdout: String,
    junit: String,
    json: Value,
}

fn run_reports(name: &str, extra_env: &[(&str, &str)]) -> Run {
    let app = axum::Router::new().route(
        "/beta/directory/tenantGovernance/settings",
        get(|| async {
            (
                [("request-id", "aaaaaaaa-0000-0000-0000-000000000001")],
                Json(json!({"canReceiveInvitations": false})),
            )
        }),
    );
    let server = StubServer::start(app);
    let dir = scratch_dir(name);
    let scen = dir.join("scenarios");
    write(&scen, "pass.yaml", PASS);
    write(&scen, "fail.yaml", FAIL);
    let junit = dir.join("junit.xml");
    let json_path = dir.join("report.json");
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_tgconform"));
    cmd.args(["run", "--scenarios"])
        .arg(&scen)
        .args(["--target", &server.base_url(), "--junit"])
        .arg(&junit)
        .arg("--json")
        .arg(&json_path)
        .env_remove("GITHUB_ACTIONS");
    for (k, v) in extra_env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run tgconform");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        junit: std::fs::read_to_string(&junit).unwrap_or_default(),
        json: serde_json::from_str(&std::fs::read_to_string(&json_path).unwrap_or_default())
            .unwrap_or(Value::Null),
    }
}

/// (element path, attributes) of every start/empty element.
fn elements(xml: &str) -> Vec<(String, Attrs)> {
    let mut reader = Reader::from_str(xml);
    let mut stack: Vec<String> = Vec::new();
    let mut out = Vec::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                let (path, attrs, name) = describe(&stack, &e);
                out.push((path, attrs));
                stack.push(name);
            }
            Ok(Event::Empty(e)) => {
                let (path, attrs, _) = describe(&stack, &e);
                out.push((path, attrs));
            }
            Ok(Event::End(_)) => {
                stack.pop();
            }
            Ok(Event::Eof) => break,
            Err(e) => panic!("invalid XML: {e}"),
            _ => {}
        }
    }
    out
}

type Attrs = Vec<(String, String)>;

fn describe(stack: &[String], e: &quick_xml::events::BytesStart<'_>) -> (String, Attrs, String) {
    let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
    let attrs = e
        .attributes()
        .filter_map(Result::ok)
        .map(|a| {
            (
                String::from_utf8_lossy(a.key.as_ref()).into_owned(),
                String::from_utf8_lossy(&a.value).into_owned(),
            )
        })
        .collect();
    let path = if stack.is_empty() {
        name.clone()
    } else {
        format!("{}/{name}", stack.join("/"))
    };
    (path, attrs, name)
}

#[test]
fn junit_has_one_testcase_per_scenario_under_testsuites_testsuite() {
    let r = run_reports("reports-junit", &[]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    let els = elements(&r.junit);
    assert_eq!(
        els.first().map(|e| e.0.as_str()),
        Some("testsuites"),
        "{}",
        r.junit
    );
    let suites: Vec<_> = els
        .iter()
        .filter(|e| e.0 == "testsuites/testsuite")
        .collect();
    assert_eq!(suites.len(), 1, "{}", r.junit);
    let attr = |e: &(String, Attrs), k: &str| e.1.iter().find(|a| a.0 == k).map(|a| a.1.clone());
    assert_eq!(attr(suites[0], "tests").as_deref(), Some("2"));
    assert_eq!(attr(suites[0], "failures").as_deref(), Some("1"));
    let cases: Vec<_> = els
        .iter()
        .filter(|e| e.0 == "testsuites/testsuite/testcase")
        .collect();
    let names: Vec<String> = cases.iter().filter_map(|c| attr(c, "name")).collect();
    assert_eq!(
        names,
        vec!["scenario::fail".to_string(), "scenario::pass".to_string()]
    );
    let failures: Vec<_> = els
        .iter()
        .filter(|e| e.0 == "testsuites/testsuite/testcase/failure")
        .collect();
    assert_eq!(failures.len(), 1, "{}", r.junit);
    let msg = attr(failures[0], "message").unwrap_or_default();
    assert!(
        msg.contains("step `read`") && msg.contains("expected true, got false"),
        "{msg}"
    );
}

#[test]
fn the_json_report_has_the_documented_shape() {
    let r = run_reports("reports-json", &[]);
    let j = &r.json;
    assert_eq!(j["version"], 2, "{j}");
    assert_eq!(j["tool"], "tgconform");
    assert_eq!(j["target_kind"], "loopback");
    assert_eq!(j["schema_mode"], "strict");
    assert_eq!(j["totals"], json!({"passed": 1, "failed": 1, "skipped": 0}));
    let scenarios = j["scenarios"].as_array().cloned().unwrap_or_default();
    assert_eq!(scenarios.len(), 2);
    let fail = &scenarios[0];
    assert_eq!(fail["stem"], "fail");
    assert_eq!(fail["status"], "failed");
    assert!(fail["duration"].is_u64());
    let step = &fail["steps"][0];
    assert_eq!(step["name"], "read");
    assert_eq!(step["status"], "failed");
    assert_eq!(step["phase"], "main");
    assert_eq!(step["actor"], "governing");
    assert_eq!(step["checks"], json!([]));
    assert_eq!(step["span"], json!({"line": 4, "column": 5}));
    assert_eq!(step["exchange"]["method"], "GET");
    assert_eq!(step["exchange"]["status"], 200);
    assert_eq!(
        step["exchange"]["request_id"],
        "aaaaaaaa-0000-0000-0000-000000000001"
    );
    assert!(step["exchange"]["client_request_id"].is_string());
    assert_eq!(step["failures"][0]["kind"], "assertion");
    assert_eq!(step["failures"][0]["span"]["line"], 10);
    assert!(fail["warnings"].is_array() && fail["leftovers"].is_array());
}

#[test]
fn a_json_finding_keeps_expected_and_actual_as_values() {
    let r = run_reports("reports-json-finding", &[]);
    let finding = &r.json["scenarios"][0]["steps"][0]["failures"][0];
    assert_eq!(finding["check"], "equals", "{finding}");
    assert_eq!(finding["subject"], "$.canReceiveInvitations");
    assert_eq!(finding["expected"], json!(true));
    assert_eq!(finding["actual"], json!(false));
    assert_eq!(
        finding["message"],
        "$.canReceiveInvitations: expected true, got false"
    );
}

#[test]
fn github_annotations_point_at_the_failing_line() {
    let r = run_reports("reports-gh", &[("GITHUB_ACTIONS", "true")]);
    let line = r
        .stdout
        .lines()
        .find(|l| l.starts_with("::error "))
        .unwrap_or_default();
    assert!(line.contains("fail.yaml,line=10,col=34,"), "{}", r.stdout);
    assert!(line.contains("expected true, got false"), "{line}");
}

#[test]
fn list_prints_each_scenario_with_its_tags() {
    let dir = scratch_dir("reports-list");
    write(&dir, "pass.yaml", PASS);
    let (code, out, _) = tgconform(&["list", "--scenarios", dir.to_str().unwrap_or("")]);
    assert_eq!(code, 0);
    assert_eq!(out.trim(), "scenario::pass  [seed]  pass");
}
