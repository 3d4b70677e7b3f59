//! Output people expect: the JSON report's run facts, colour, progress, the summary
//! line with wall time and the slowest scenarios, --fail-fast and --var.

// Test code: a panic is how a check fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use axum::Json;
use axum::routing::get;
use common::{StubServer, scratch_dir, write};
use serde_json::{Value, json};

const PASS: &str = "name: pass\ntags: [seed]\nactors: [governing]\nsteps:\n  - name: read\n    as: governing\n    request: {method: GET, path: /directory/tenantGovernance/settings}\n    expect:\n      status: 200\n";
const FAIL: &str = "name: fail\ntags: [seed]\nactors: [governing]\nsteps:\n  - name: read\n    as: governing\n    request: {method: GET, path: /directory/tenantGovernance/settings}\n    expect:\n      status: 200\n      json:\n        $.canReceiveInvitations: true\n";

fn stub() -> StubServer {
    StubServer::start(axum::Router::new().route(
        "/beta/directory/tenantGovernance/settings",
        get(|| async { Json(json!({"canReceiveInvitations": false})) }),
    ))
}

/// Run tgconform with `args` and `env`; (exit code, stdout, stderr).
fn tg(args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_tgconform"));
    cmd.args(args)
        .env_remove("GITHUB_ACTIONS")
        .env_remove("TGCONFORM_TARGET")
        .env_remove("TGCONFORM_PROFILE")
        .env_remove("NO_COLOR")
        .env_remove("CI");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run tgconform");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn the_json_report_records_start_duration_selection_seed_and_jobs() {
    let server = stub();
    let dir = scratch_dir("output-json-run");
    let scen = dir.join("scenarios");
    write(&scen, "pass.yaml", PASS);
    write(&scen, "fail.yaml", FAIL);
    let report = dir.join("report.json");
    let (code, _, err) = tg(
        &[
            "run",
            "pa",
            "--scenarios",
            scen.to_str().unwrap_or_default(),
            "--target",
            &server.base_url(),
            "--tag",
            "seed",
            "--skip-tag",
            "mutating",
            "--shuffle",
            "7",
            "--jobs",
            "1",
            "--json",
            report.to_str().unwrap_or_default(),
        ],
        &[],
    );
    assert_eq!(code, 0, "{err}");
    let j: Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap_or_default())
        .unwrap_or(Value::Null);
    let started = j["started_at"].as_str().unwrap_or_default();
    assert!(
        chrono::DateTime::parse_from_rfc3339(started).is_ok(),
        "started_at `{started}`: {j}"
    );
    assert!(j["duration"].is_u64(), "{j}");
    assert_eq!(
        j["selection"],
        json!({"filter": "pa", "tags": ["seed"], "skip_tags": ["mutating"], "allow_mutations": false})
    );
    assert_eq!(j["shuffle"], 7);
    assert_eq!(j["jobs"], 1);
}

#[test]
fn the_json_report_has_null_filter_and_seed_when_none_was_given() {
    let server = stub();
    let dir = scratch_dir("output-json-defaults");
    let scen = dir.join("scenarios");
    write(&scen, "pass.yaml", PASS);
    let report = dir.join("report.json");
    let (code, _, err) = tg(
        &[
            "run",
            "--scenarios",
            scen.to_str().unwrap_or_default(),
            "--target",
            &server.base_url(),
            "--json",
            report.to_str().unwrap_or_default(),
        ],
        &[],
    );
    assert_eq!(code, 0, "{err}");
    let j: Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap_or_default())
        .unwrap_or(Value::Null);
    assert_eq!(j["selection"]["filter"], Value::Null, "{j}");
    assert_eq!(j["shuffle"], Value::Null, "{j}");
    assert!(j["jobs"].as_u64().is_some_and(|n| n >= 1), "{j}");
}
