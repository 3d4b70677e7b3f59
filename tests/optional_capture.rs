//! `capture: {name: {path: …, optional: true}}`: a value the target did not send is no
//! failure; the steps that need it are skipped, teardown included.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::Json;
use axum::routing::get;
use common::{StubServer, scratch_dir, write};
use serde_json::{Value, json};

fn scenario(capture: &str) -> String {
    format!(
        "name: optional capture\nactors: [governing]\nsteps:\n  - name: read\n    as: governing\n    request: {{method: GET, path: /directory/tenantGovernance/settings}}\n    expect:\n      status: [200, 404]\n    capture:\n      relId: {capture}\n  - name: use it\n    as: governing\n    request: {{method: GET, path: \"/directory/tenantGovernance/governanceRelationships/{{{{ relId }}}}\"}}\n    expect:\n      status: 200\nteardown:\n  - name: remove it\n    as: governing\n    request: {{method: DELETE, path: \"/directory/tenantGovernance/governanceRelationships/{{{{ relId }}}}\"}}\n    expect:\n      status: [204, 404]\n"
    )
}

/// Run one scenario against a target whose settings carry no `relationshipId`;
/// (exit code, JSON report).
fn run(name: &str, capture: &str) -> (i32, Value) {
    let server = StubServer::start(axum::Router::new().route(
        "/beta/directory/tenantGovernance/settings",
        get(|| async { Json(json!({"canReceiveInvitations": false})) }),
    ));
    let dir = scratch_dir(name);
    let scen = dir.join("scenarios");
    write(&scen, "optional.yaml", &scenario(capture));
    let report = dir.join("report.json");
    let out = common::tgconform_command()
        .args(["run", "--scenarios"])
        .arg(&scen)
        .args(["--target", &server.base_url(), "--json"])
        .arg(&report)
        .output()
        .expect("run tgconform");
    let j = serde_json::from_str(&std::fs::read_to_string(&report).unwrap_or_default())
        .unwrap_or(Value::Null);
    (out.status.code().unwrap_or(-1), j)
}

#[test]
fn an_optional_capture_without_a_value_skips_the_steps_that_need_it() {
    let (code, j) = run(
        "optional-capture",
        "{path: $.relationshipId, optional: true}",
    );
    assert_eq!(code, 0, "{j}");
    let steps = &j["scenarios"][0]["steps"];
    assert_eq!(steps[0]["status"], "passed", "{steps}");
    assert_eq!(steps[1]["status"], "skipped", "{steps}");
    assert_eq!(
        steps[1]["reason"],
        "`relId` was not captured (an optional capture)"
    );
    assert_eq!(steps[2]["phase"], "teardown");
    assert_eq!(steps[2]["status"], "skipped", "{steps}");
}

#[test]
fn a_required_capture_without_a_value_fails_its_step() {
    let (code, j) = run("required-capture", "$.relationshipId");
    assert_eq!(code, 1, "{j}");
    let step = &j["scenarios"][0]["steps"][0];
    assert_eq!(step["status"], "failed", "{step}");
    assert_eq!(step["failures"][0]["kind"], "capture");
}

#[test]
fn a_misspelt_key_of_the_long_form_is_a_load_error_with_a_hint() {
    let dir = scratch_dir("optional-capture-typo");
    let scen = dir.join("scenarios");
    write(
        &scen,
        "typo.yaml",
        &scenario("{path: $.relationshipId, optinal: true}"),
    );
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tgconform"))
        .args(["list", "--scenarios"])
        .arg(&scen)
        .output()
        .expect("run tgconform");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("unknown field `optinal`"), "{err}");
    assert!(err.contains("did you mean `optional`?"), "{err}");
}
