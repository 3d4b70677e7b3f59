//! The `run` command end to end against small loopback servers: exit codes and the
//! failure messages a user reads.

mod common;

use axum::Json;
use axum::routing::get;
use common::{StubServer, scratch_dir, tgconform, write};
use serde_json::json;

const SETTINGS: &str = r#"name: settings
actors: [governing]
steps:
  - name: read settings
    as: governing
    request:
      method: GET
      path: /directory/tenantGovernance/settings
    expect:
      status: 200
      json:
        $.canReceiveInvitations: false
"#;

fn settings_server(body: serde_json::Value, status: u16) -> StubServer {
    let app = axum::Router::new().route(
        "/beta/directory/tenantGovernance/settings",
        get(move || {
            let body = body.clone();
            async move {
                (
                    axum::http::StatusCode::from_u16(status).unwrap_or(axum::http::StatusCode::OK),
                    [("request-id", "11111111-2222-3333-4444-555555555555")],
                    Json(body),
                )
            }
        }),
    );
    StubServer::start(app)
}

#[test]
fn a_passing_scenario_exits_zero_with_the_summary_line() {
    let server = settings_server(json!({"canReceiveInvitations": false}), 200);
    let dir = scratch_dir("cli-pass");
    write(&dir, "settings.yaml", SETTINGS);
    let (code, out, err) = tgconform(&[
        "run",
        "--scenarios",
        dir.to_str().unwrap_or(""),
        "--target",
        &server.base_url(),
    ]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("PASS  scenario::settings"), "{out}");
    assert!(
        out.trim_end().ends_with("1 passed, 0 failed, 0 skipped"),
        "{out}"
    );
}

#[test]
fn a_wrong_status_fails_with_step_request_and_expected_vs_actual() {
    let server = settings_server(
        json!({"error": {"code": "Forbidden", "message": "no"}}),
        403,
    );
    let dir = scratch_dir("cli-status");
    write(&dir, "settings.yaml", SETTINGS);
    let (code, out, _) = tgconform(&[
        "run",
        "--scenarios",
        dir.to_str().unwrap_or(""),
        "--target",
        &server.base_url(),
    ]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("step `read settings` as governing"), "{out}");
    assert!(out.contains("GET http://127.0.0.1:"), "{out}");
    assert!(
        out.contains("settings.yaml:10:15: expected status 200, got 403 (Forbidden: no)"),
        "{out}"
    );
    assert!(
        out.contains("request-id: 11111111-2222-3333-4444-555555555555"),
        "{out}"
    );
    assert!(
        out.trim_end().ends_with("0 passed, 1 failed, 0 skipped"),
        "{out}"
    );
}

#[test]
fn a_failed_assertion_shows_expected_and_actual_values() {
    let server = settings_server(json!({"canReceiveInvitations": true}), 200);
    let dir = scratch_dir("cli-assert");
    write(&dir, "settings.yaml", SETTINGS);
    let (code, out, _) = tgconform(&[
        "run",
        "--scenarios",
        dir.to_str().unwrap_or(""),
        "--target",
        &server.base_url(),
    ]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("settings.yaml:12:34: $.canReceiveInvitations: expected false, got true"),
        "{out}"
    );
}

#[test]
fn a_broken_scenario_file_exits_two_with_a_position_and_sends_nothing() {
    let dir = scratch_dir("cli-broken");
    write(
        &dir,
        "broken.yaml",
        &SETTINGS.replace("    expect:", "    expcet:"),
    );
    let (code, out, err) = tgconform(&[
        "run",
        "--scenarios",
        dir.to_str().unwrap_or(""),
        "--target",
        "http://127.0.0.1:9/beta",
    ]);
    assert_eq!(code, 2, "{out}\n{err}");
    assert!(
        err.contains("broken.yaml:9:5: error: unknown field `expcet`"),
        "{err}"
    );
    assert!(err.contains("nothing was sent"), "{err}");
}

#[test]
fn an_unknown_option_is_a_usage_error() {
    let (code, _, err) = tgconform(&["run", "--no-such-option"]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn an_unknown_fault_is_a_usage_error_naming_the_catalogue() {
    let dir = scratch_dir("cli-fault");
    write(&dir, "settings.yaml", SETTINGS);
    let (code, _, err) = tgconform(&[
        "run",
        "--scenarios",
        dir.to_str().unwrap_or(""),
        "--fault",
        "no-such-fault",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("serve --list-faults"), "{err}");
}

#[test]
fn a_report_path_that_cannot_be_written_exits_two_before_any_scenario_runs() {
    let server = settings_server(json!({"canReceiveInvitations": false}), 200);
    let dir = scratch_dir("cli-unwritable-report");
    write(&dir, "settings.yaml", SETTINGS);
    let report = dir.join("no-such-folder").join("report.json");
    let (code, out, err) = tgconform(&[
        "run",
        "--scenarios",
        dir.to_str().unwrap_or(""),
        "--target",
        &server.base_url(),
        "--json",
        report.to_str().unwrap_or(""),
    ]);
    assert_eq!(code, 2, "{out}\n{err}");
    assert!(!out.contains("passed"), "{out}");
    assert!(err.contains("cannot write there"), "{err}");
}

#[test]
fn an_unknown_schema_mode_is_a_usage_error_naming_the_modes() {
    let (code, _, err) = tgconform(&["run", "--schema-mode", "loose"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("strict") && err.contains("lenient"), "{err}");
}

const QUERY_ON_A_PATH_WITH_A_QUERY: &str = r#"name: list pending
actors: [governing]
steps:
  - name: list
    as: governing
    request:
      method: GET
      path: /directory/tenantGovernance/governanceRequests?$top=1
      query:
        $filter: "status eq 'pending'"
    expect:
      status: 200
"#;

/// The URL after the host, from a line holding `GET http://…`.
fn sent_path(line: &str) -> Option<String> {
    let url = line.split_whitespace().find(|w| w.starts_with("http://"))?;
    let after_scheme = &url["http://".len()..];
    Some(after_scheme[after_scheme.find('/')?..].to_string())
}

#[test]
fn a_dry_run_prints_the_url_the_run_sends() {
    let dir = scratch_dir("cli-dry-run-url");
    write(&dir, "list.yaml", QUERY_ON_A_PATH_WITH_A_QUERY);
    let dir_arg = dir.to_str().unwrap_or("");
    let (code, dry, err) = tgconform(&["run", "--scenarios", dir_arg, "--dry-run"]);
    assert_eq!(code, 0, "{dry}\n{err}");
    let (code, run, err) = tgconform(&["-v", "run", "--scenarios", dir_arg]);
    assert_eq!(code, 0, "{run}\n{err}");
    let dry_path = dry.lines().find_map(sent_path);
    let run_path = run.lines().find_map(sent_path);
    assert_eq!(
        dry_path.as_deref(),
        Some(
            "/beta/directory/tenantGovernance/governanceRequests?$top=1&$filter=status%20eq%20%27pending%27"
        ),
        "{dry}"
    );
    assert_eq!(dry_path, run_path, "{run}");
}
