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
    let mut cmd = common::tgconform_command();
    cmd.args(args).env_remove("NO_COLOR").env_remove("CI");
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

/// A scenario folder with `files`, run against the stub with `args`; (code, out, err).
fn run_with(
    name: &str,
    files: &[(&str, &str)],
    args: &[&str],
    env: &[(&str, &str)],
) -> (i32, String, String) {
    let server = stub();
    let dir = scratch_dir(name);
    let scen = dir.join("scenarios");
    for (f, text) in files {
        write(&scen, f, text);
    }
    let scen = scen.to_string_lossy().into_owned();
    let base = server.base_url();
    let mut all = vec![
        "run",
        "--scenarios",
        scen.as_str(),
        "--target",
        base.as_str(),
    ];
    all.extend_from_slice(args);
    tg(&all, env)
}

#[test]
fn piped_output_has_no_colour_by_default() {
    let (_, out, _) = run_with(
        "output-colour-auto",
        &[("pass.yaml", PASS), ("fail.yaml", FAIL)],
        &[],
        &[],
    );
    assert!(!out.contains('\x1b'), "{out:?}");
}

#[test]
fn color_always_paints_the_status_words_and_the_totals() {
    let (_, out, _) = run_with(
        "output-colour-always",
        &[("pass.yaml", PASS), ("fail.yaml", FAIL)],
        &["--color", "always"],
        &[("NO_COLOR", "1")],
    );
    assert!(
        out.contains("\x1b[1;31mFAIL\x1b[0m  scenario::fail"),
        "{out:?}"
    );
    assert!(
        out.contains("\x1b[1;32mPASS\x1b[0m  scenario::pass"),
        "{out:?}"
    );
    assert!(out.contains("\x1b[1;31m1 failed\x1b[0m"), "{out:?}");
}

#[test]
fn color_never_paints_nothing() {
    let (_, out, err) = run_with(
        "output-colour-never",
        &[("fail.yaml", FAIL)],
        &["--color", "never"],
        &[],
    );
    assert!(!out.contains('\x1b') && !err.contains('\x1b'), "{out:?}");
}

#[test]
fn the_closing_lines_give_wall_time_and_the_slowest_scenarios() {
    let (_, out, _) = run_with(
        "output-summary",
        &[("pass.yaml", PASS), ("fail.yaml", FAIL)],
        &[],
        &[],
    );
    let lines: Vec<&str> = out.trim_end().lines().collect();
    let n = lines.len();
    assert_eq!(lines[n - 1], "1 passed, 1 failed, 0 skipped", "{out}");
    let timing = lines[n - 2];
    assert!(timing.starts_with("wall time "), "{timing}");
    assert!(
        timing.contains("; slowest: ") && timing.contains("fail ") && timing.contains("pass "),
        "{timing}"
    );
}

#[test]
fn fail_fast_starts_no_scenario_after_the_first_failure() {
    let (code, out, err) = run_with(
        "output-fail-fast",
        &[
            ("a-fail.yaml", FAIL),
            ("b-fail.yaml", FAIL),
            ("c-pass.yaml", PASS),
        ],
        &["--fail-fast", "--jobs", "1"],
        &[],
    );
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("FAIL  scenario::a-fail"), "{out}");
    assert!(
        out.contains("SKIP  scenario::b-fail  (not started: a scenario failed (--fail-fast))"),
        "{out}"
    );
    assert!(out.contains("SKIP  scenario::c-pass"), "{out}");
    assert!(
        out.trim_end().ends_with("0 passed, 1 failed, 2 skipped"),
        "{out}"
    );
    assert!(
        err.contains("scenario::a-fail failed; --fail-fast: no new scenario starts"),
        "{err}"
    );
}

#[test]
fn without_fail_fast_every_scenario_runs() {
    let (code, out, _) = run_with(
        "output-no-fail-fast",
        &[
            ("a-fail.yaml", FAIL),
            ("b-fail.yaml", FAIL),
            ("c-pass.yaml", PASS),
        ],
        &["--jobs", "1"],
        &[],
    );
    assert_eq!(code, 1);
    assert!(
        out.trim_end().ends_with("1 passed, 2 failed, 0 skipped"),
        "{out}"
    );
}

const SEGMENT: &str = "name: segment\nactors: [governing]\nvars:\n  segment: nothing-here\nsteps:\n  - name: read\n    as: governing\n    request: {method: GET, path: \"/directory/tenantGovernance/{{ segment }}\"}\n    expect:\n      status: 200\n";

#[test]
fn var_overrides_a_variable_from_the_command_line() {
    let (code, out, err) = run_with(
        "output-var",
        &[("segment.yaml", SEGMENT)],
        &["--var", "segment=settings"],
        &[],
    );
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, _) = run_with("output-var-default", &[("segment.yaml", SEGMENT)], &[], &[]);
    assert_eq!(code, 1, "without --var the default path is used: {out}");
}

#[test]
fn a_var_without_a_name_is_a_usage_error() {
    let (code, _, err) = run_with(
        "output-var-bad",
        &[("segment.yaml", SEGMENT)],
        &["--var", "1x=settings"],
        &[],
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("`1x` is not a variable name"), "{err}");
    let (code, _, err) = run_with(
        "output-var-bad2",
        &[("segment.yaml", SEGMENT)],
        &["--var", "segment"],
        &[],
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("write KEY=VALUE"), "{err}");
}

#[test]
fn selftest_prints_each_faults_verdict_as_it_is_judged() {
    let (code, out, err) = tg(&["selftest", "--fault", "governing-can-accept"], &[]);
    assert_eq!(code, 0, "{out}{err}");
    let line = out
        .lines()
        .find(|l| l.contains("governing-can-accept"))
        .unwrap_or_default();
    assert!(line.starts_with("killed "), "{out}");
    assert!(
        !out.contains('\x1b') && !err.contains('\x1b'),
        "piped: no escape codes"
    );
}
