//! Running against targets that are not the embedded mock: token sources, safety
//! before mutation, dry runs, teardown, throttling and secrets. Every server here is
//! a loopback stub; a profile with `real: true` makes it count as a real tenant.

// Test code: a panic is how a check fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use common::{StubServer, scratch_dir, tgconform, write};
use serde_json::json;

/// (method, path, Authorization header) of one received request.
type Seen = (String, String, Option<String>);

/// Records every request and answers with `respond`.
#[derive(Clone, Default)]
struct Recorder {
    seen: Arc<std::sync::Mutex<Vec<Seen>>>,
    count: Arc<AtomicUsize>,
}

impl Recorder {
    fn requests(&self) -> Vec<Seen> {
        self.seen.lock().map(|v| v.clone()).unwrap_or_default()
    }
}

type Responder = Arc<dyn Fn(usize, &Method, &str, Option<&str>) -> Response + Send + Sync>;

fn recording_server(respond: Responder) -> (StubServer, Recorder) {
    let rec = Recorder::default();
    let app = axum::Router::new()
        .fallback(
            |State((rec, respond)): State<(Recorder, Responder)>,
             method: Method,
             uri: Uri,
             headers: HeaderMap| async move {
                let auth = headers
                    .get("authorization")
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string);
                // The run's reachability probe (the base URL, without a token) is no
                // scenario's request: it is answered apart, neither counted nor recorded.
                if uri.path() == "/beta" && auth.is_none() {
                    return StatusCode::NOT_FOUND.into_response();
                }
                let n = rec.count.fetch_add(1, Ordering::SeqCst);
                if let Ok(mut v) = rec.seen.lock() {
                    v.push((method.to_string(), uri.path().to_string(), auth.clone()));
                }
                let resp = respond(n, &method, uri.path(), auth.as_deref());
                // A stub asks for a slow answer with this header; sleeping here keeps the
                // (single-threaded) server free to answer other requests meanwhile.
                let delay = resp
                    .headers()
                    .get("x-stub-delay-ms")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.parse().ok());
                if let Some(ms) = delay {
                    tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
                }
                resp
            },
        )
        .with_state((rec.clone(), respond));
    (StubServer::start(app), rec)
}

fn ok_json(v: serde_json::Value) -> Response {
    (
        StatusCode::OK,
        [("content-type", "application/json")],
        v.to_string(),
    )
        .into_response()
}

fn profile(dir: &std::path::Path, real: bool, token: &str) -> String {
    let text = format!(
        "real: {real}\nactors:\n  governing:\n    tenantId: 00000000-0000-0000-0000-000000000001\n    tenantName: Contoso\n    token: {token}\n"
    );
    // Next to the scenario folder, not in it: every *.yaml there is a scenario.
    let path = dir.with_extension("profile.yaml");
    std::fs::write(&path, text).expect("write profile");
    path.to_string_lossy().into_owned()
}

const READ: &str = r#"name: read
tags: [readonly]
actors: [governing]
steps:
  - name: read settings
    as: governing
    request: {method: GET, path: /directory/tenantGovernance/settings}
    expect:
      status: 200
      json:
        $.ok: true
"#;

const WRITE: &str = r#"name: write
tags: [mutating]
actors: [governing]
steps:
  - name: change settings
    as: governing
    request:
      method: PATCH
      path: /directory/tenantGovernance/settings
      json: {canReceiveInvitations: true}
    expect:
      status: 200
    capture:
      id: $.id
teardown:
  - name: undo
    as: governing
    request:
      method: DELETE
      path: /directory/tenantGovernance/things/{{ id }}
    expect:
      status: 204
"#;

fn args<'a>(dir: &'a str, target: &'a str, profile: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut v = vec![
        "run",
        "--scenarios",
        dir,
        "--target",
        target,
        "--profile",
        profile,
    ];
    v.extend_from_slice(extra);
    v
}

#[test]
fn env_tokens_are_sent_as_bearer_tokens() {
    let (server, rec) = recording_server(Arc::new(|_, _, _, _| ok_json(json!({"ok": true}))));
    let dir = scratch_dir("rt-env");
    write(&dir, "read.yaml", READ);
    let p = profile(&dir, false, "{env: TGCONFORM_TEST_ENV_TOKEN}");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tgconform"))
        .args(args(
            dir.to_str().unwrap_or(""),
            &server.base_url(),
            &p,
            &[],
        ))
        .env("TGCONFORM_TEST_ENV_TOKEN", "env-token-123")
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(rec.requests()[0].2.as_deref(), Some("Bearer env-token-123"));
}

#[test]
fn a_missing_env_token_is_exit_2_before_any_request_and_names_the_variable() {
    let (server, rec) = recording_server(Arc::new(|_, _, _, _| ok_json(json!({"ok": true}))));
    let dir = scratch_dir("rt-env-missing");
    write(&dir, "read.yaml", READ);
    let p = profile(&dir, false, "{env: TGCONFORM_TEST_SURELY_UNSET}");
    let (code, out, err) = tgconform(&args(
        dir.to_str().unwrap_or(""),
        &server.base_url(),
        &p,
        &[],
    ));
    assert_eq!((code, rec.requests().len()), (2, 0), "{out}\n{err}");
    assert!(err.contains("TGCONFORM_TEST_SURELY_UNSET"), "{err}");
}

#[test]
fn command_tokens_are_fetched_again_after_a_401() {
    let (server, rec) = recording_server(Arc::new(|_, _, _, auth| {
        if auth == Some("Bearer second") {
            ok_json(json!({"ok": true}))
        } else {
            (
                StatusCode::UNAUTHORIZED,
                [("content-type", "application/json")],
                r#"{"error":{"code":"InvalidAuthenticationToken","message":"expired"}}"#,
            )
                .into_response()
        }
    }));
    let dir = scratch_dir("rt-command");
    write(&dir, "read.yaml", READ);
    let counter = dir.join("count");
    let script = write(
        &dir,
        "token.sh",
        &format!(
            "#!/bin/sh\nif [ -f '{c}' ]; then echo second; else touch '{c}'; echo first; fi\n",
            c = counter.display()
        ),
    );
    let p = profile(
        &dir,
        false,
        &format!("{{command: \"sh {}\"}}", script.display()),
    );
    let (code, out, err) = tgconform(&args(
        dir.to_str().unwrap_or(""),
        &server.base_url(),
        &p,
        &["-v"],
    ));
    assert_eq!(code, 0, "{out}\n{err}");
    let auths: Vec<Option<String>> = rec.requests().into_iter().map(|r| r.2).collect();
    assert_eq!(
        auths,
        vec![
            Some("Bearer first".to_string()),
            Some("Bearer second".to_string())
        ]
    );
    assert!(out.contains("fetched a new token"), "{out}");
}

#[test]
fn mock_tokens_carry_the_actor_tenant() {
    let (server, rec) = recording_server(Arc::new(|_, _, _, auth| {
        let claims = auth
            .and_then(|a| a.strip_prefix("Bearer "))
            .and_then(|t| tgconform::contract::decode_mock_token(t).ok());
        ok_json(
            json!({"ok": claims.map(|c| c.tid == "00000000-0000-0000-0000-000000000001" && c.scopes().count() == 1).unwrap_or(false)}),
        )
    }));
    let dir = scratch_dir("rt-mock");
    write(&dir, "read.yaml", READ);
    let p = profile(
        &dir,
        false,
        "{mock: {scp: TenantGovernance-Setting.Read.All}}",
    );
    let (code, out, _) = tgconform(&args(
        dir.to_str().unwrap_or(""),
        &server.base_url(),
        &p,
        &[],
    ));
    assert_eq!(code, 0, "{out}");
    assert_eq!(rec.requests().len(), 1);
}

#[test]
fn mutating_scenarios_are_refused_on_a_real_target_without_consent() {
    let (server, rec) = recording_server(Arc::new(|_, _, _, _| {
        ok_json(json!({"ok": true, "id": "x"}))
    }));
    let dir = scratch_dir("rt-refuse");
    write(&dir, "read.yaml", READ);
    write(&dir, "write.yaml", WRITE);
    let p = profile(&dir, true, "{mock: {scp: all}}");
    let (code, out, _) = tgconform(&args(
        dir.to_str().unwrap_or(""),
        &server.base_url(),
        &p,
        &[],
    ));
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains(
            "SKIP  scenario::write  (mutating: the target is a real tenant; pass --allow-mutations"
        ),
        "{out}"
    );
    assert!(
        rec.requests().iter().all(|r| r.0 == "GET"),
        "{:?}",
        rec.requests()
    );
    assert!(out.contains("1 passed, 0 failed, 1 skipped"), "{out}");
}

#[test]
fn allow_mutations_runs_mutating_scenarios_on_a_real_target() {
    let (server, rec) = recording_server(Arc::new(|_, m, _, _| {
        if m == Method::DELETE {
            StatusCode::NO_CONTENT.into_response()
        } else {
            ok_json(json!({"ok": true, "id": "x"}))
        }
    }));
    let dir = scratch_dir("rt-allow");
    write(&dir, "write.yaml", WRITE);
    let p = profile(&dir, true, "{mock: {scp: all}}");
    let (code, out, _) = tgconform(&args(
        dir.to_str().unwrap_or(""),
        &server.base_url(),
        &p,
        &["--allow-mutations"],
    ));
    assert_eq!(code, 0, "{out}");
    assert!(rec.requests().iter().any(|r| r.0 == "PATCH"));
}

#[test]
fn dry_run_sends_nothing_and_masks_tokens() {
    let (server, rec) = recording_server(Arc::new(|_, _, _, _| ok_json(json!({"ok": true}))));
    let dir = scratch_dir("rt-dry");
    write(&dir, "read.yaml", READ);
    write(&dir, "write.yaml", WRITE);
    let p = profile(&dir, false, "{mock: {scp: all}}");
    let (code, out, _) = tgconform(&args(
        dir.to_str().unwrap_or(""),
        &server.base_url(),
        &p,
        &["--dry-run"],
    ));
    assert_eq!(code, 0, "{out}");
    assert_eq!(rec.requests().len(), 0);
    assert!(out.contains("PATCH"), "{out}");
    assert!(out.contains("Bearer ***"), "{out}");
    assert!(out.contains("nothing was sent"), "{out}");
}

#[test]
fn teardown_runs_after_a_failed_step() {
    let (server, rec) = recording_server(Arc::new(|_, m, _, _| match *m {
        Method::PATCH => ok_json(json!({"id": "abc"})),
        Method::DELETE => StatusCode::NO_CONTENT.into_response(),
        _ => ok_json(json!({})),
    }));
    let dir = scratch_dir("rt-teardown");
    write(
        &dir,
        "write.yaml",
        &WRITE.replace(
            "      status: 200\n    capture:",
            "      status: 200\n      json:\n        $.ok: true\n    capture:",
        ),
    );
    let p = profile(&dir, false, "{mock: {scp: all}}");
    let (code, out, _) = tgconform(&args(
        dir.to_str().unwrap_or(""),
        &server.base_url(),
        &p,
        &[],
    ));
    assert_eq!(code, 1, "{out}");
    let reqs = rec.requests();
    assert_eq!(
        reqs.last().map(|r| (r.0.as_str(), r.1.as_str())),
        Some(("DELETE", "/beta/directory/tenantGovernance/things/abc")),
        "{reqs:?}"
    );
}

#[test]
fn a_failed_teardown_is_reported_as_left_behind() {
    let (server, _rec) = recording_server(Arc::new(|_, m, _, _| match *m {
        Method::PATCH => ok_json(json!({"id": "abc"})),
        _ => (StatusCode::INTERNAL_SERVER_ERROR, "boom").into_response(),
    }));
    let dir = scratch_dir("rt-leftover");
    write(&dir, "write.yaml", WRITE);
    let p = profile(&dir, false, "{mock: {scp: all}}");
    let (code, out, _) = tgconform(&args(
        dir.to_str().unwrap_or(""),
        &server.base_url(),
        &p,
        &[],
    ));
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("left behind"), "{out}");
    assert!(out.contains("DELETE http://127.0.0.1:"), "{out}");
}

#[test]
fn throttling_with_retry_after_is_honoured_and_reported() {
    let (server, rec) = recording_server(Arc::new(|n, _, _, _| {
        if n == 0 {
            (StatusCode::TOO_MANY_REQUESTS, [("retry-after", "1")], "").into_response()
        } else {
            ok_json(json!({"ok": true}))
        }
    }));
    let dir = scratch_dir("rt-429");
    write(&dir, "read.yaml", READ);
    let p = profile(&dir, false, "{mock: {scp: all}}");
    let (code, out, _) = tgconform(&args(
        dir.to_str().unwrap_or(""),
        &server.base_url(),
        &p,
        &["-v"],
    ));
    assert_eq!(code, 0, "{out}");
    assert_eq!(rec.requests().len(), 2);
    assert!(
        out.contains("got 429 with Retry-After: 1; waited 1s"),
        "{out}"
    );
}

#[test]
fn every_request_sends_a_fresh_client_request_id_and_a_user_agent() {
    let ids = Arc::new(std::sync::Mutex::new(Vec::<(String, String)>::new()));
    let seen = ids.clone();
    let app = axum::Router::new().fallback(move |headers: HeaderMap| {
        let seen = seen.clone();
        async move {
            let h = |n: &str| {
                headers
                    .get(n)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("")
                    .to_string()
            };
            if let Ok(mut v) = seen.lock() {
                v.push((h("client-request-id"), h("user-agent")));
            }
            ok_json(json!({"ok": true}))
        }
    });
    let server = StubServer::start(app);
    let dir = scratch_dir("rt-crid");
    write(&dir, "read.yaml", &READ.replace("steps:\n", "steps:\n  - name: first\n    as: governing\n    request: {method: GET, path: /x}\n    expect: {status: 200}\n"));
    let p = profile(&dir, false, "{mock: {scp: all}}");
    let (code, out, _) = tgconform(&args(
        dir.to_str().unwrap_or(""),
        &server.base_url(),
        &p,
        &[],
    ));
    assert_eq!(code, 0, "{out}");
    let v = ids.lock().map(|v| v.clone()).unwrap_or_default();
    // The run's reachability probe, then the scenario's two requests.
    assert_eq!(v.len(), 3);
    let distinct: std::collections::HashSet<&String> = v.iter().map(|(id, _)| id).collect();
    assert_eq!(distinct.len(), 3, "{v:?}");
    assert!(
        v.iter()
            .all(|(id, ua)| uuid::Uuid::parse_str(id).is_ok() && ua.starts_with("tgconform/")),
        "{v:?}"
    );
}

#[test]
fn the_secret_canary_never_appears_in_any_output() {
    const CANARY: &str = "tgc-canary-5f0c1a9e-secret-token";
    // A hostile target that echoes the Authorization header back in its body.
    let (server, _rec) = recording_server(Arc::new(|_, _, _, auth| {
        (
            StatusCode::BAD_REQUEST,
            [("content-type", "application/json")],
            json!({"echo": auth}).to_string(),
        )
            .into_response()
    }));
    let dir = scratch_dir("rt-canary");
    write(&dir, "read.yaml", READ);
    let p = profile(&dir, false, "{env: TGCONFORM_TEST_CANARY}");
    let junit = dir.join("junit.xml");
    let json_report = dir.join("report.json");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tgconform"))
        .args(args(
            dir.to_str().unwrap_or(""),
            &server.base_url(),
            &p,
            &[
                "-vv",
                "--junit",
                junit.to_str().unwrap_or(""),
                "--json",
                json_report.to_str().unwrap_or(""),
            ],
        ))
        .env("TGCONFORM_TEST_CANARY", CANARY)
        .env("GITHUB_ACTIONS", "true")
        .env("TGCONFORM_LOG", "trace")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let outputs = [
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        std::fs::read_to_string(&junit).unwrap_or_default(),
        std::fs::read_to_string(&json_report).unwrap_or_default(),
    ];
    assert!(outputs[2].contains("<testsuites"), "no junit written");
    assert!(outputs[3].contains("\"scenarios\""), "no json written");
    for (i, o) in outputs.iter().enumerate() {
        assert!(!o.contains(CANARY), "output {i} leaks the token:\n{o}");
    }
    assert!(
        outputs[0].contains("***"),
        "the echoed token was not masked: {}",
        outputs[0]
    );
}

#[cfg(unix)]
#[test]
fn teardown_runs_after_sigint() {
    use std::time::{Duration, Instant};
    let (server, rec) = recording_server(Arc::new(|_, m, _, _| match *m {
        Method::PATCH => ok_json(json!({"id": "abc"})),
        Method::GET => (StatusCode::OK, [("x-stub-delay-ms", "20000")], "{}").into_response(),
        _ => StatusCode::NO_CONTENT.into_response(),
    }));
    let dir = scratch_dir("rt-sigint");
    write(
        &dir,
        "write.yaml",
        &WRITE.replace("teardown:", "  - name: slow read\n    as: governing\n    request: {method: GET, path: /slow}\n    expect: {status: 200}\nteardown:"),
    );
    let p = profile(&dir, false, "{mock: {scp: all}}");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_tgconform"))
        .args(args(
            dir.to_str().unwrap_or(""),
            &server.base_url(),
            &p,
            &["--timeout", "60s"],
        ))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let started = Instant::now();
    while rec.requests().iter().all(|r| r.0 != "GET") {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the slow step never started"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let pid = child.id().to_string();
    let status = std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .expect("kill");
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(15);
    let code = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s.code();
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("tgconform did not stop after SIGINT");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(code, Some(1));
    assert!(
        rec.requests()
            .iter()
            .any(|r| r.0 == "DELETE" && r.1.ends_with("/things/abc")),
        "{:?}",
        rec.requests()
    );
}
