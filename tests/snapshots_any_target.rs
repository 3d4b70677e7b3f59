//! Snapshots with `tgconform run` against any target: a loopback server started here
//! plays "another mock" or "a real tenant" (`real: true`), and its answer is changed
//! between runs. Every run is the real binary, in a scratch folder laid out like the
//! repository (`scenarios/`, `snapshots/`, a profile beside them).

// Test code: a panic is how a check fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::IntoResponse;
use common::{StubServer, scratch_dir, write};
use serde_json::{Value, json};

/// A server whose answer to every request is the current `body`; `{auth}` in a string
/// of it is replaced by the request's Authorization header (a hostile echo).
struct Target {
    server: StubServer,
    body: Arc<Mutex<Value>>,
}

impl Target {
    fn start(body: Value) -> Target {
        let shared = Arc::new(Mutex::new(body));
        let app = axum::Router::new()
            .fallback(
                |State(body): State<Arc<Mutex<Value>>>, headers: HeaderMap| async move {
                    let auth = headers
                        .get("authorization")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("")
                        .to_string();
                    let text = body
                        .lock()
                        .map(|b| b.to_string())
                        .unwrap_or_default()
                        .replace("{auth}", &auth);
                    ([("content-type", "application/json")], text).into_response()
                },
            )
            .with_state(shared.clone());
        Target {
            server: StubServer::start(app),
            body: shared,
        }
    }

    fn answer(&self, body: Value) {
        if let Ok(mut b) = self.body.lock() {
            *b = body;
        }
    }
}

/// A scratch repository: `scenarios/settings.yaml` and a profile `tenants.yaml`.
struct Repo {
    dir: PathBuf,
}

impl Repo {
    fn new(name: &str, profile_extra: &str, target: &Target) -> Repo {
        let dir = scratch_dir(name);
        write(
            &dir,
            "scenarios/settings.yaml",
            common::SNAPSHOTTED_SETTINGS,
        );
        write(
            &dir,
            "tenants.yaml",
            &format!(
                "target: {}\n{profile_extra}actors:\n  governing:\n    tenantId: 00000000-0000-0000-0000-000000000001\n    tenantName: Contoso\n    token: {{env: TGCONFORM_TEST_TOKEN}}\n",
                target.server.base_url()
            ),
        );
        Repo { dir }
    }

    /// The store of the profile `tenants.yaml`.
    fn store(&self) -> PathBuf {
        self.dir.join("snapshots").join("tenants")
    }

    fn snap(&self) -> PathBuf {
        self.store().join("settings.snap")
    }

    fn pending(&self) -> PathBuf {
        self.store().join("settings.snap.new")
    }

    fn read(path: &Path) -> String {
        std::fs::read_to_string(path).unwrap_or_default()
    }

    /// `tgconform ARGS` in the repository, outside CI unless `ci`; (code, stdout).
    fn tgconform(&self, args: &[&str], ci: bool, stdin: &str) -> (i32, String) {
        use std::io::Write as _;
        let mut cmd = common::tgconform_command();
        cmd.args(args)
            .current_dir(&self.dir)
            .env("TGCONFORM_TEST_TOKEN", CANARY)
            .env_remove("CI")
            .env_remove("TF_BUILD")
            .env_remove("INSTA_UPDATE")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        if ci {
            cmd.env("CI", "true");
        }
        let mut child = cmd.spawn().expect("run tgconform");
        if let Some(mut input) = child.stdin.take() {
            let _ = input.write_all(stdin.as_bytes());
        }
        let out = child.wait_with_output().expect("wait for tgconform");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out.status.code().unwrap_or(-1), text)
    }

    fn run(&self, extra: &[&str], ci: bool) -> (i32, String) {
        let mut args = vec!["run", "--profile", "tenants.yaml"];
        args.extend_from_slice(extra);
        self.tgconform(&args, ci, "")
    }

    /// Every file under the repository's `snapshots/`.
    fn snapshot_files(&self) -> Vec<PathBuf> {
        fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
            for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                let p = e.path();
                if p.is_dir() {
                    walk(&p, out);
                } else {
                    out.push(p);
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.dir.join("snapshots"), &mut out);
        out.sort();
        out
    }
}

const CANARY: &str = "tgc-canary-7d1e2f-snapshot-token";

fn settings(flag: bool) -> Value {
    json!({
        "@odata.context": "https://graph.example/beta/$metadata#settings",
        "id": "aaaaaaaa-0000-1111-2222-bbbbbbbbbbbb",
        "canReceiveInvitations": flag,
    })
}

#[test]
fn a_changed_response_fails_the_run_with_a_diff_and_a_pending_file_and_review_accepts_it() {
    let target = Target::start(settings(false));
    let repo = Repo::new("snap-any-change", "", &target);
    let (code, out) = repo.run(&["--snapshots", "new"], false);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("snapshots: 0 matched, 1 recorded"), "{out}");
    assert!(
        repo.snap().is_file(),
        "not recorded in the profile's folder"
    );
    let header = Repo::read(&repo.snap());
    assert!(
        header.starts_with("---\nsource: scenarios/settings.yaml\n"),
        "{header}"
    );

    target.answer(settings(true));
    let (code, out) = repo.run(&[], false);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("FAIL  scenario::settings"), "{out}");
    assert!(
        out.contains(
            "scenarios/settings.yaml:4:5: snapshot snapshots/tenants/settings.snap differs"
        ),
        "{out}"
    );
    assert!(out.contains("step `read settings` differs"), "{out}");
    assert!(
        out.contains("│-      canReceiveInvitations: false"),
        "{out}"
    );
    assert!(out.contains("│+      canReceiveInvitations: true"), "{out}");
    assert!(repo.pending().is_file(), "no pending file: {out}");

    // The built-in review, answering `a` on stdin as a person would.
    let (code, out) = repo.tgconform(&["review"], false, "a\n");
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("│+      canReceiveInvitations: true"), "{out}");
    assert!(
        out.contains("1 accepted, 0 rejected, 0 still pending"),
        "{out}"
    );
    assert!(!repo.pending().exists());
    assert!(Repo::read(&repo.snap()).contains("canReceiveInvitations: true"));

    let (code, out) = repo.run(&[], false);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("snapshots: 1 matched"), "{out}");
}

#[test]
fn ci_true_writes_nothing_and_fails_on_missing_or_changed_snapshots() {
    let target = Target::start(settings(false));
    let repo = Repo::new("snap-any-ci", "", &target);
    let (code, out) = repo.run(&[], true);
    assert_eq!(code, 1, "a missing snapshot passed under CI: {out}");
    assert!(out.contains("no stored snapshot"), "{out}");
    assert_eq!(repo.snapshot_files(), Vec::<PathBuf>::new());

    let (code, out) = repo.run(&["--snapshots", "new"], false);
    assert_eq!(code, 0, "{out}");
    target.answer(settings(true));
    let (code, out) = repo.run(&[], true);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("nothing written"), "{out}");
    assert_eq!(repo.snapshot_files(), vec![repo.snap()]);
}

#[test]
fn update_accepts_every_difference_and_new_records_only_missing_ones() {
    let target = Target::start(settings(false));
    let repo = Repo::new("snap-any-modes", "", &target);
    assert_eq!(repo.run(&["--snapshots", "new"], false).0, 0);
    target.answer(settings(true));
    let (code, out) = repo.run(&["--snapshots", "new"], false);
    assert_eq!(code, 1, "`new` accepted a difference: {out}");
    let (code, out) = repo.run(&["--snapshots", "update"], false);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("1 updated"), "{out}");
    assert!(!repo.pending().exists(), "update left the pending file");
    assert_eq!(repo.run(&[], true).0, 0);
}

#[test]
fn a_shape_snapshot_survives_other_data_but_catches_an_added_property_and_a_changed_type() {
    let week_one = json!({
        "value": [
            {"id": "aaaaaaaa-0000-1111-2222-bbbbbbbbbbbb", "displayName": "Contoso", "createdDateTime": "2026-01-01T10:00:00Z", "memberCount": 3, "status": "active"},
            {"id": "cccccccc-0000-1111-2222-bbbbbbbbbbbb", "displayName": "Fabrikam", "createdDateTime": "2026-02-01T10:00:00Z", "memberCount": 1, "status": "active"}
        ]
    });
    let week_two = json!({
        "value": [
            {"id": "dddddddd-0000-1111-2222-bbbbbbbbbbbb", "displayName": "Northwind Traders", "createdDateTime": "2026-03-09T08:30:00.1234567Z", "memberCount": 12, "status": "active"}
        ]
    });
    let target = Target::start(week_one);
    // `real: true`: a real tenant, where shape is the default.
    let repo = Repo::new("snap-any-shape", "real: true\n", &target);
    let (code, out) = repo.run(&["--snapshots", "new"], false);
    assert_eq!(code, 0, "{out}");
    let stored = Repo::read(&repo.snap());
    assert!(stored.contains("mode: shape"), "{stored}");
    assert!(stored.contains("displayName: \"[string]\""), "{stored}");
    assert!(stored.contains("status: active"), "{stored}");
    assert!(!stored.contains("Contoso\n"), "{stored}");

    target.answer(week_two.clone());
    let (code, out) = repo.run(&[], false);
    assert_eq!(
        code, 0,
        "other ids, names, dates and counts changed the shape: {out}"
    );

    let mut added = week_two.clone();
    added["value"][0]["isMicrosoftInfrastructure"] = json!(false);
    target.answer(added);
    let (code, out) = repo.run(&[], true);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("│+          isMicrosoftInfrastructure: \"[boolean]\""),
        "{out}"
    );

    let mut retyped = week_two;
    retyped["value"][0]["memberCount"] = json!("12");
    target.answer(retyped);
    let (code, out) = repo.run(&[], true);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("│-          memberCount: \"[integer]\""),
        "{out}"
    );
    assert!(
        out.contains("│+          memberCount: \"[string]\""),
        "{out}"
    );
}

#[test]
fn stale_snapshots_are_listed_and_can_be_deleted() {
    let target = Target::start(settings(false));
    let repo = Repo::new("snap-any-stale", "", &target);
    write(
        &repo.dir,
        "scenarios/also.yaml",
        &common::SNAPSHOTTED_SETTINGS.replace("name: read the settings", "name: also"),
    );
    assert_eq!(repo.run(&["--snapshots", "new"], false).0, 0);
    let also = repo.store().join("also.snap");
    assert!(also.is_file());
    // The scenario goes away; its snapshot stays behind.
    std::fs::remove_file(repo.dir.join("scenarios/also.yaml")).expect("remove scenario");
    let (code, out) = repo.run(&[], false);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("1 stale snapshot(s)"), "{out}");
    assert!(out.contains("no scenario `also` any more"), "{out}");

    let (code, out) = repo.tgconform(&["review", "--stale"], false, "");
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("stale: snapshots/tenants/also.snap"), "{out}");
    let (code, out) = repo.tgconform(&["review", "--delete-stale"], false, "");
    assert_eq!(code, 0, "{out}");
    assert!(!also.exists());
    assert!(repo.snap().is_file(), "a live snapshot was deleted");
}

#[test]
fn the_embedded_mock_keeps_the_snapshots_folder_and_a_profile_may_name_its_own() {
    let target = Target::start(settings(false));
    let repo = Repo::new("snap-any-dirs", "snapshots: recorded/beta\n", &target);
    let (code, out) = repo.run(&["--snapshots", "new"], false);
    assert_eq!(code, 0, "{out}");
    assert!(
        repo.dir.join("recorded/beta/settings.snap").is_file(),
        "{out}"
    );
    let (code, out) = repo.tgconform(&["run", "--snapshots", "new"], false, "");
    assert_eq!(code, 0, "{out}");
    assert!(repo.dir.join("snapshots/settings.snap").is_file(), "{out}");
}

#[test]
fn tokens_never_reach_snapshots_pending_files_or_diffs() {
    // The target echoes the bearer token where even shape snapshots keep values.
    let echo = json!({
        "@odata.nextLink": "https://graph.example/beta/x?{auth}",
        "error": {"code": "{auth}", "message": "{auth}"},
        "note": "{auth}",
    });
    let target = Target::start(echo.clone());
    for (name, extra) in [
        ("snap-any-canary-value", ""),
        ("snap-any-canary-shape", "snapshotMode: shape\n"),
    ] {
        let repo = Repo::new(name, extra, &target);
        target.answer(echo.clone());
        let (_, recorded) = repo.run(&["--snapshots", "new"], false);
        target.answer(json!({"changed": "{auth}"}));
        let (code, failed) = repo.run(&[], false);
        assert_eq!(code, 1, "{failed}");
        let (_, reviewed) = repo.tgconform(&["review", "--list"], false, "");
        let files = repo.snapshot_files();
        assert_eq!(files.len(), 2, "{files:?}");
        let mut texts = vec![recorded, failed, reviewed];
        texts.extend(files.iter().map(|f| Repo::read(f)));
        for t in &texts {
            assert!(!t.contains(CANARY), "{name}: the token leaked:\n{t}");
        }
        assert!(
            texts.iter().any(|t| t.contains("Bearer ***")),
            "{name}: the echo was not masked"
        );
    }
}
