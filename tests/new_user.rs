//! The rough edges a new user met (issue K, "Defects found by trying it as a new
//! user would"): each test here failed before its fix.

// Test code: a panic is how a check fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::io::{BufRead as _, Read as _, Write as _};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::routing::get;
use common::{Out, StubServer, scratch_dir, write};
use serde_json::Value;

/// Run tgconform in `cwd` with extra environment variables.
fn tgc(args: &[&str], cwd: &Path, env: &[(&str, &str)]) -> Out {
    let mut cmd = common::tgconform_command();
    cmd.args(args).current_dir(cwd).env_remove("TGCONFORM_LOG");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run tgconform");
    Out::from(out)
}

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A server whose every answer comes from `answer(n)` (n counts requests from 0).
fn counting_server(
    path: &'static str,
    answer: impl Fn(usize) -> axum::response::Response + Clone + Send + Sync + 'static,
) -> (StubServer, Arc<AtomicUsize>) {
    let count = Arc::new(AtomicUsize::new(0));
    let c = count.clone();
    let app = axum::Router::new().route(
        path,
        get(move || {
            let n = c.fetch_add(1, Ordering::SeqCst);
            let answer = answer.clone();
            async move { answer(n) }
        }),
    );
    (StubServer::start(app), count)
}

fn respond(status: u16, headers: &[(&str, &str)], body: &str) -> axum::response::Response {
    let mut b = axum::http::Response::builder().status(status);
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    b.body(axum::body::Body::from(body.to_string()))
        .unwrap_or_default()
}

const SETTINGS_PATH: &str = "/beta/directory/tenantGovernance/settings";

fn settings_ok(n: usize) -> axum::response::Response {
    let _ = n;
    respond(
        200,
        &[("content-type", "application/json")],
        r#"{"canReceiveInvitations": false}"#,
    )
}

/// One step: read the settings as `governing`.
const READ: &str = r#"name: read the settings
actors: [governing]
steps:
  - name: read settings
    as: governing
    request: {method: GET, path: /directory/tenantGovernance/settings}
    expect:
      status: 200
"#;

// --- 1. GitHub annotations -------------------------------------------------------

/// What the Actions runner makes of a workflow command: (properties, message).
fn parse_command(line: &str) -> Option<(Vec<(String, String)>, String)> {
    let rest = line.strip_prefix("::error ")?;
    let end = rest.find("::")?;
    let unescape = |s: &str| {
        s.replace("%3A", ":")
            .replace("%2C", ",")
            .replace("%0D", "\r")
            .replace("%0A", "\n")
            .replace("%25", "%")
    };
    let props = rest[..end]
        .split(',')
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| (k.to_string(), unescape(v)))
        .collect();
    Some((props, unescape(&rest[end + 2..])))
}

#[test]
fn a_github_annotation_keeps_its_title_and_a_message_with_colons_commas_and_percents() {
    let (server, _) = counting_server(SETTINGS_PATH, settings_ok);
    let dir = scratch_dir("nu-gh-title");
    write(
        &dir,
        "odd.yaml",
        &READ.replace(
            "      status: 200\n",
            "      status: 200\n      json:\n        $.canReceiveInvitations: \"a::b, 50%\"\n",
        ),
    );
    let out = tgc(
        &[
            "run",
            "--scenarios",
            dir.to_str().unwrap_or(""),
            "--target",
            &server.base_url(),
        ],
        repo(),
        &[("GITHUB_ACTIONS", "true")],
    );
    let line = out
        .stdout
        .lines()
        .find(|l| l.starts_with("::error "))
        .unwrap_or_default();
    let (props, message) = parse_command(line).unwrap_or_default();
    assert!(
        props.contains(&("title".to_string(), "scenario::odd".to_string())),
        "{props:?}\n{}",
        out.all()
    );
    assert!(message.contains("a::b, 50%"), "{message}");
}

#[test]
fn a_scenario_file_that_does_not_load_is_annotated_on_github() {
    let dir = scratch_dir("nu-gh-load");
    write(
        &dir,
        "broken.yaml",
        &READ.replace("    expect:", "    expcet:"),
    );
    let out = tgc(
        &["run", "--scenarios", dir.to_str().unwrap_or("")],
        repo(),
        &[("GITHUB_ACTIONS", "true")],
    );
    assert_eq!(out.code, 2, "{}", out.all());
    let line = out
        .stdout
        .lines()
        .find(|l| l.starts_with("::error "))
        .unwrap_or_default();
    let (props, message) = parse_command(line).unwrap_or_default();
    assert!(
        props.contains(&("line".to_string(), "7".to_string())),
        "{props:?}\n{}",
        out.all()
    );
    assert!(message.starts_with("unknown field `expcet`"), "{message}");
}

// --- 3. The mock clock ------------------------------------------------------------

#[test]
fn clock_scenarios_are_skipped_against_a_mock_served_without_control() {
    let mock = tgconform::mock::MockServer::start(tgconform::mock::MockOptions {
        faults: Vec::new(),
        decisions: Vec::new(),
        control: false,
    })
    .expect("start the mock");
    let out = tgc(
        &["run", "request-expiry", "--target", &mock.base_url()],
        repo(),
        &[],
    );
    assert_eq!(out.code, 0, "{}", out.all());
    assert!(
        out.stdout.contains("SKIP  scenario::request-expiry")
            && out.stdout.contains("tgconform serve --control"),
        "{}",
        out.all()
    );
}

// --- 4. Token sources that give no token -----------------------------------------

const TWO_ACTORS: &str = r#"name: two actors read the settings
actors: [governing, governed]
steps:
  - name: governing reads
    as: governing
    request: {method: GET, path: /directory/tenantGovernance/settings}
    expect: {status: 200}
  - name: governed reads
    as: governed
    request: {method: GET, path: /directory/tenantGovernance/settings}
    expect: {status: 200}
"#;

fn tokenless_run(case: &str) -> (Out, usize) {
    let (server, count) = counting_server(SETTINGS_PATH, settings_ok);
    let dir = scratch_dir(case);
    write(&dir, "scenarios/two.yaml", TWO_ACTORS);
    let profile = write(
        &dir,
        "profile.yaml",
        r#"actors:
  governing:
    tenantId: 00000000-0000-0000-0000-000000000001
    token: {env: TGCONFORM_TEST_SURELY_UNSET}
  governed:
    tenantId: 00000000-0000-0000-0000-000000000002
    token: {command: "echo 'not logged in' >&2; exit 1"}
"#,
    );
    let out = tgc(
        &[
            "run",
            "--scenarios",
            dir.join("scenarios").to_str().unwrap_or(""),
            "--profile",
            profile.to_str().unwrap_or(""),
            "--target",
            &server.base_url(),
        ],
        repo(),
        &[],
    );
    (out, count.load(Ordering::SeqCst))
}

#[test]
fn a_token_source_without_a_token_is_exit_2_before_any_request() {
    let (out, requests) = tokenless_run("nu-token-exit");
    assert_eq!((out.code, requests), (2, 0), "{}", out.all());
}

#[test]
fn a_token_source_without_a_token_gives_one_message_per_actor() {
    let (out, _) = tokenless_run("nu-token-msg");
    let errors: Vec<&str> = out
        .stderr
        .lines()
        .filter(|l| l.starts_with("error: actor"))
        .collect();
    assert_eq!(
        errors,
        vec![
            "error: actor `governed`: token command failed: it exited with status 1: not logged in",
            "error: actor `governing`: the environment variable `TGCONFORM_TEST_SURELY_UNSET` of its `token: {env: …}` is not set or empty",
        ],
        "{}",
        out.all()
    );
}

// --- 5. Logs that -v and -vv promise ----------------------------------------------

#[test]
fn run_vv_logs_every_request_it_sends() {
    let (server, _) = counting_server(SETTINGS_PATH, settings_ok);
    let dir = scratch_dir("nu-vv");
    write(&dir, "read.yaml", READ);
    let out = tgc(
        &[
            "-vv",
            "run",
            "--scenarios",
            dir.to_str().unwrap_or(""),
            "--target",
            &server.base_url(),
        ],
        repo(),
        &[],
    );
    assert!(
        out.stderr.lines().any(|l| l.contains("DEBUG")
            && l.contains("GET http://127.0.0.1:")
            && l.contains("→ 200")),
        "{}",
        out.all()
    );
}

#[test]
fn serve_v_logs_one_line_per_request_with_its_status() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tgconform"))
        .args(["serve", "-v", "--addr", "127.0.0.1:0"])
        .env_remove("TGCONFORM_LOG")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn serve");
    let mut first = String::new();
    if let Some(out) = child.stdout.as_mut() {
        let _ = std::io::BufReader::new(out).read_line(&mut first);
    }
    let addr = first
        .split("http://")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .unwrap_or("")
        .to_string();
    if let Ok(mut s) = std::net::TcpStream::connect(&addr) {
        let _ = s.write_all(
            b"GET /beta/directory/tenantGovernance/settings HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n",
        );
        let mut answer = Vec::new();
        let _ = s.read_to_end(&mut answer);
    }
    let _ = child.kill();
    let mut err = String::new();
    if let Some(mut e) = child.stderr.take() {
        let _ = e.read_to_string(&mut err);
    }
    let _ = child.wait();
    assert!(
        err.lines()
            .any(|l| l.contains("GET /beta/directory/tenantGovernance/settings → 401")),
        "addr {addr}\n{err}"
    );
}

// --- 6. 429 and Retry-After -------------------------------------------------------

/// `throttled` answers 429 with `Retry-After: SECS` first, then the settings.
fn throttling_server(throttled: usize, secs: &'static str) -> StubServer {
    counting_server(SETTINGS_PATH, move |n| {
        if n < throttled {
            respond(
                429,
                &[("retry-after", secs), ("content-type", "application/json")],
                r#"{"error":{"code":"TooManyRequests","message":"slow down"}}"#,
            )
        } else {
            settings_ok(n)
        }
    })
    .0
}

fn json_run(case: &str, server: &StubServer, extra: &[&str]) -> (Out, Value) {
    let dir = scratch_dir(case);
    write(&dir, "scenarios/read.yaml", READ);
    let report = dir.join("report.json");
    let mut args = vec![
        "run",
        "--scenarios",
        dir.join("scenarios").to_str().unwrap_or(""),
        "--json",
        report.to_str().unwrap_or(""),
    ]
    .into_iter()
    .map(String::from)
    .collect::<Vec<_>>();
    args.push("--target".into());
    args.push(server.base_url());
    args.extend(extra.iter().map(|s| s.to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = tgc(&args, repo(), &[]);
    let json = std::fs::read_to_string(&report)
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or(Value::Null);
    (out, json)
}

#[test]
fn a_throttled_step_reports_every_request_it_sent() {
    let server = throttling_server(2, "0");
    let (out, report) = json_run("nu-429-attempts", &server, &[]);
    assert_eq!(
        report["scenarios"][0]["steps"][0]["exchange"]["attempts"],
        3,
        "{}",
        out.all()
    );
}

#[test]
fn a_throttled_step_duration_includes_the_wait() {
    let server = throttling_server(1, "1");
    let (out, report) = json_run("nu-429-duration", &server, &[]);
    let ms = report["scenarios"][0]["steps"][0]["exchange"]["duration"]
        .as_u64()
        .unwrap_or(0);
    assert!(ms >= 1000, "{ms} ms\n{}", out.all());
}

#[test]
fn the_wait_is_announced_with_the_servers_retry_after_while_it_lasts() {
    let server = throttling_server(1, "1");
    let (out, _) = json_run("nu-429-live", &server, &[]);
    assert!(
        out.stderr
            .contains("answered 429 with Retry-After: 1; waiting 1s"),
        "{}",
        out.all()
    );
}

#[test]
fn a_retry_after_beyond_the_budget_is_not_waited_for_and_is_named() {
    let server = throttling_server(1, "120");
    let (out, _) = json_run("nu-429-budget", &server, &["--retry-after-budget", "5s"]);
    assert_eq!(out.code, 1, "{}", out.all());
    assert!(
        out.stdout
            .contains("Retry-After: 120, more than the 5s left"),
        "{}",
        out.all()
    );
}

// --- 7. Report paths ---------------------------------------------------------------

#[test]
fn json_dash_writes_the_report_to_stdout_and_no_file() {
    let dir = scratch_dir("nu-json-dash");
    let out = tgc(&["run", "--tag", "seed", "--json", "-"], &dir, &[]);
    let parsed: Result<Value, _> = serde_json::from_str(&out.stdout);
    assert!(
        parsed.is_ok_and(|v| v["totals"]["failed"] == 0) && !dir.join("-").exists(),
        "{}",
        out.all()
    );
}

#[test]
fn an_unwritable_report_path_is_exit_2_before_any_request() {
    let (server, count) = counting_server(SETTINGS_PATH, settings_ok);
    let dir = scratch_dir("nu-junit-path");
    write(&dir, "read.yaml", READ);
    let out = tgc(
        &[
            "run",
            "--scenarios",
            dir.to_str().unwrap_or(""),
            "--target",
            &server.base_url(),
            "--junit",
            dir.join("no-such-folder/junit.xml").to_str().unwrap_or(""),
        ],
        repo(),
        &[],
    );
    assert_eq!(
        (out.code, count.load(Ordering::SeqCst)),
        (2, 0),
        "{}",
        out.all()
    );
}

// --- 8. Messages about what the target sent ---------------------------------------

#[test]
fn a_retry_until_that_never_holds_shows_the_last_status_and_why() {
    let (server, _) = counting_server(SETTINGS_PATH, settings_ok);
    let dir = scratch_dir("nu-until");
    write(
        &dir,
        "poll.yaml",
        &READ.replace(
            "    expect:\n",
            "    retry:\n      until:\n        json: {$.canReceiveInvitations: true}\n      attempts: 2\n      delay: 1ms\n    expect:\n",
        ),
    );
    let out = tgc(
        &[
            "run",
            "--scenarios",
            dir.to_str().unwrap_or(""),
            "--target",
            &server.base_url(),
        ],
        repo(),
        &[],
    );
    assert!(
        out.stdout.contains(
            "still failed after 2 attempts; the last answer was 200: $.canReceiveInvitations: expected true, got false"
        ),
        "{}",
        out.all()
    );
}

#[test]
fn an_unrequested_content_encoding_is_named() {
    let (server, _) = counting_server(SETTINGS_PATH, |_| {
        respond(
            200,
            &[
                ("content-type", "application/json"),
                ("content-encoding", "gzip"),
            ],
            "\u{1f}\u{8b}\u{8}\u{0}garbage",
        )
    });
    let dir = scratch_dir("nu-gzip");
    write(
        &dir,
        "read.yaml",
        &READ.replace(
            "      status: 200\n",
            "      status: 200\n      json:\n        $.canReceiveInvitations: false\n",
        ),
    );
    let out = tgc(
        &[
            "run",
            "--scenarios",
            dir.to_str().unwrap_or(""),
            "--target",
            &server.base_url(),
        ],
        repo(),
        &[],
    );
    assert!(
        out.stdout
            .contains("Content-Encoding: gzip, which tgconform did not ask for"),
        "{}",
        out.all()
    );
}

// --- 9. Help and messages ----------------------------------------------------------

#[test]
fn run_help_prints_each_example_on_its_own_line() {
    let out = tgc(&["run", "--help"], repo(), &[]);
    assert!(
        out.stdout
            .contains("\n  tgconform run\n  tgconform run --tag seed --junit junit.xml\n"),
        "{}",
        out.all()
    );
}

#[test]
fn schema_validate_help_describes_the_type_option() {
    let out = tgc(&["schema", "validate", "--help"], repo(), &[]);
    let after = out.stdout.split("      --type <TYPE>").nth(1).unwrap_or("");
    assert!(
        after.lines().take(2).any(|l| l.contains("Schema type")),
        "{}",
        out.all()
    );
}

#[test]
fn an_unknown_schema_type_suggests_the_nearest_one() {
    let dir = scratch_dir("nu-schema-type");
    let body = write(&dir, "body.json", "{}");
    let out = tgc(
        &[
            "schema",
            "validate",
            "--type",
            "governanceReqest",
            body.to_str().unwrap_or(""),
        ],
        repo(),
        &[],
    );
    assert!(
        out.stderr.contains("did you mean `governanceRequest`?"),
        "{}",
        out.all()
    );
}

#[test]
fn an_enum_violation_lists_every_allowed_value() {
    let dir = scratch_dir("nu-enum");
    let body = write(&dir, "body.json", r#"{"status": "foo"}"#);
    let out = tgc(
        &[
            "schema",
            "validate",
            "--type",
            "governanceRequest",
            body.to_str().unwrap_or(""),
        ],
        repo(),
        &[],
    );
    assert!(
        out.stdout
            .contains(r#""pending", "accepted", "rejected", "unknownFutureValue""#),
        "{}",
        out.all()
    );
}

#[test]
fn a_one_step_scenario_says_1_step() {
    let (server, _) = counting_server(SETTINGS_PATH, settings_ok);
    let dir = scratch_dir("nu-one-step");
    write(&dir, "read.yaml", READ);
    let out = tgc(
        &[
            "run",
            "--scenarios",
            dir.to_str().unwrap_or(""),
            "--target",
            &server.base_url(),
        ],
        repo(),
        &[],
    );
    assert!(out.stdout.contains("(1 step, "), "{}", out.all());
}

// --- 10. A reader that goes away ----------------------------------------------------

/// Runs tgconform with stdout a pipe whose reading end is already closed.
fn into_closed_pipe(args: &[&str]) -> Out {
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    let out = Command::new(env!("CARGO_BIN_EXE_tgconform"))
        .args(args)
        .current_dir(repo())
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .expect("run tgconform");
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::new(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn serve_list_faults_into_a_closed_pipe_exits_quietly() {
    let out = into_closed_pipe(&["serve", "--list-faults"]);
    assert_eq!((out.code, out.stderr.as_str()), (0, ""), "{}", out.all());
}

#[test]
fn list_into_a_closed_pipe_exits_quietly() {
    let out = into_closed_pipe(&["list"]);
    assert_eq!((out.code, out.stderr.as_str()), (0, ""), "{}", out.all());
}

#[test]
fn review_into_a_closed_pipe_exits_quietly() {
    let out = into_closed_pipe(&["review", "--stale"]);
    assert_eq!((out.code, out.stderr.as_str()), (0, ""), "{}", out.all());
}
