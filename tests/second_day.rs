//! Issue P, "A user's second day": a folder of one's own, a named built-in profile, a
//! target that is down, a token every request is refused with. Each test here failed
//! before its fix.

// Test code: a panic is how a check fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::{Path, PathBuf};

use common::{Out, scratch_dir, write};

/// Run tgconform in `cwd`.
fn tgc(args: &[&str], cwd: &Path) -> Out {
    let out = common::tgconform_command()
        .args(args)
        .current_dir(cwd)
        .env_remove("TGCONFORM_LOG")
        .env_remove("INSTA_UPDATE")
        .env_remove("CI")
        .output()
        .expect("run tgconform");
    Out::from(out)
}

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A scratch folder holding `my/scenarios/` with the README's example scenario in it.
fn folder_with_readme_example(name: &str) -> PathBuf {
    let dir = scratch_dir(name);
    let example =
        std::fs::read_to_string(repo().join("tests/fixtures/readme/request-accepted.yaml"))
            .expect("the README's example scenario");
    write(&dir, "my/scenarios/request-accepted.yaml", &example);
    dir
}

// ---- 1. A user's own scenario folder and the built-in fixtures ----

#[test]
fn a_users_folder_without_fixtures_loads_a_scenario_that_uses_a_builtin_fixture() {
    let dir = folder_with_readme_example("p1-builtin-fixture");
    let out = tgc(&["list", "--scenarios", "my/scenarios"], &dir);
    assert_eq!(out.code, 0, "{}", out.all());
}

#[test]
fn a_local_fixture_wins_over_the_builtin_one_of_its_name() {
    let dir = folder_with_readme_example("p1-local-wins");
    // The scenario uses `{{ templateId }}`: a local `policy-template` that provides
    // another name makes the load fail, so a pass would mean the built-in one was used.
    write(
        &dir,
        "my/scenarios/fixtures/policy-template.yaml",
        "params: [as]\nprovides: [otherId]\nsteps:\n  - name: find\n    as: $as\n    request: {method: GET, path: /directory/tenantGovernance/governancePolicyTemplates}\n    expect: {status: 200}\n    capture: {otherId: \"$.value[0].id\"}\n",
    );
    let out = tgc(&["list", "--scenarios", "my/scenarios"], &dir);
    assert_eq!(out.code, 2, "{}", out.all());
    assert!(out.stderr.contains("templateId"), "{}", out.all());
}

#[test]
fn list_fixtures_of_a_folder_names_the_local_file_or_built_in_for_each_fixture() {
    let dir = folder_with_readme_example("p1-list-fixtures");
    write(
        &dir,
        "my/scenarios/fixtures/mine.yaml",
        "description: my own\nprovides: []\nsteps:\n  - name: read\n    as: governing\n    request: {method: GET, path: /directory/tenantGovernance/settings}\n    expect: {status: 200}\n",
    );
    let out = tgc(&["list", "--fixtures", "--scenarios", "my/scenarios"], &dir);
    assert_eq!(out.code, 0, "{}", out.all());
    let from = |name: &str| {
        out.stdout
            .split("\n\n")
            .find(|b| b.starts_with(&format!("{name} ")))
            .and_then(|b| b.lines().find_map(|l| l.trim().strip_prefix("from:")))
            .map(str::trim)
            .map(str::to_string)
    };
    assert_eq!(
        (from("mine"), from("policy-template")),
        (
            Some("my/scenarios/fixtures/mine.yaml".to_string()),
            Some("built-in".to_string())
        ),
        "{}",
        out.all()
    );
}

// ---- 1. `tgconform init` ----

/// `tgconform init starter` in a fresh scratch folder; returns the starter folder.
fn init(name: &str) -> PathBuf {
    let dir = scratch_dir(name);
    let out = tgc(&["init", "starter"], &dir);
    assert_eq!(out.code, 0, "{}", out.all());
    dir.join("starter")
}

#[test]
fn the_starter_scenario_passes_against_the_embedded_mock() {
    let dir = init("p1-init-run");
    let out = tgc(&["run"], &dir);
    assert_eq!(out.code, 0, "{}", out.all());
}

#[test]
fn the_starter_profile_runs_the_starter_scenario_against_the_embedded_mock() {
    let dir = init("p1-init-profile");
    let out = tgc(&["run", "--profile", "profiles/my-target.yaml"], &dir);
    assert_eq!(out.code, 0, "{}", out.all());
}

#[test]
fn init_ignores_pending_snapshots() {
    let dir = init("p1-init-gitignore");
    let text = std::fs::read_to_string(dir.join(".gitignore")).unwrap_or_default();
    assert!(text.lines().any(|l| l == "*.snap.new"), "{text}");
}

#[test]
fn every_starter_yaml_file_is_valid_against_the_schema_its_first_line_names() {
    let dir = init("p1-init-schemas");
    for file in [
        "scenarios/read-a-policy-template.yaml",
        "profiles/my-target.yaml",
    ] {
        let path = dir.join(file);
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let schema_ref = text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("# yaml-language-server: $schema="))
            .unwrap_or_else(|| panic!("{file} names no schema on its first line"));
        let schema_path = path.parent().unwrap().join(schema_ref);
        let schema: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(&schema_path)
                .unwrap_or_else(|e| panic!("{}: {e}", schema_path.display())),
        )
        .unwrap_or_else(|e| panic!("{}: {e}", schema_path.display()));
        let validator = jsonschema::draft7::new(&schema).unwrap_or_else(|e| panic!("{e}"));
        let doc: serde_json::Value =
            serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
        let errors: Vec<String> = validator.iter_errors(&doc).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{file}: {}", errors.join("\n"));
    }
}

#[test]
fn init_overwrites_no_existing_file_and_exits_2() {
    let dir = scratch_dir("p1-init-refuses");
    write(&dir, "starter/.gitignore", "mine\n");
    let out = tgc(&["init", "starter"], &dir);
    let kept = std::fs::read_to_string(dir.join("starter/.gitignore")).unwrap_or_default();
    assert_eq!(
        (
            out.code,
            kept.as_str(),
            dir.join("starter/scenarios").exists()
        ),
        (2, "mine\n", false),
        "{}",
        out.all()
    );
    assert!(out.stderr.contains(".gitignore"), "{}", out.all());
}

#[test]
fn init_help_shows_an_example() {
    let out = tgc(&["init", "--help"], repo());
    assert!(
        out.stdout.contains("tgconform init my-conformance"),
        "{}",
        out.all()
    );
}

// ---- 2. The built-in profile, named, and the snapshot folder in the header ----

/// A scratch folder laid out like the repository: `scenarios/settings.yaml` (one
/// snapshotted step), its snapshot recorded, and the built-in profile's file.
fn repo_with_a_recorded_snapshot(name: &str) -> PathBuf {
    let dir = scratch_dir(name);
    write(
        &dir,
        "scenarios/settings.yaml",
        common::SNAPSHOTTED_SETTINGS,
    );
    let builtin = std::fs::read_to_string(repo().join("profiles/embedded-mock.yaml"))
        .expect("the built-in profile's file");
    write(&dir, "profiles/embedded-mock.yaml", &builtin);
    let out = tgc(&["run", "--snapshots", "new"], &dir);
    assert_eq!(out.code, 0, "{}", out.all());
    assert!(
        dir.join("snapshots/settings.snap").is_file(),
        "{}",
        out.all()
    );
    dir
}

#[test]
fn naming_the_builtin_profile_compares_with_the_snapshots_of_not_naming_it() {
    let dir = repo_with_a_recorded_snapshot("p2-builtin-profile");
    let out = tgc(&["run", "--profile", "profiles/embedded-mock.yaml"], &dir);
    assert_eq!(out.code, 0, "{}", out.all());
}

#[test]
fn the_line_after_the_banner_names_the_snapshot_folder_and_mode() {
    let dir = repo_with_a_recorded_snapshot("p2-header");
    let builtin = std::fs::read_to_string(dir.join("profiles/embedded-mock.yaml")).unwrap();
    write(
        &dir,
        "profiles/other.yaml",
        &format!("{builtin}\nsnapshotMode: shape\n"),
    );
    let out = tgc(
        &[
            "run",
            "--profile",
            "profiles/other.yaml",
            "--snapshots",
            "new",
        ],
        &dir,
    );
    let second = out
        .stderr
        .lines()
        .skip_while(|l| !l.starts_with("tgconform "))
        .nth(1);
    assert_eq!(
        second,
        Some("snapshots: snapshots/other/ (shape mode, unless a scenario sets snapshotMode)"),
        "{}",
        out.all()
    );
}

// ---- 3. A target that is down ----

/// A loopback port nothing listens on: bound by the OS, then released.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    let port = listener.local_addr().expect("local addr").port();
    drop(listener);
    port
}

#[test]
fn a_target_that_is_down_is_one_message_and_exit_2_with_no_scenario_output() {
    let url = format!("http://127.0.0.1:{}/beta", closed_port());
    let out = tgc(&["run", "--target", &url, "settings"], repo());
    let lines: Vec<&str> = out.stderr.lines().collect();
    assert!(
        out.code == 2
            && out.stdout.is_empty()
            && lines.len() == 1
            && lines[0].contains(&url)
            && lines[0].contains("cannot be reached"),
        "{}",
        out.all()
    );
}

#[test]
fn a_target_that_answers_404_to_everything_is_reachable_and_runs() {
    let server = common::StubServer::start(
        axum::Router::new()
            .fallback(|| async { (axum::http::StatusCode::NOT_FOUND, "no such thing") }),
    );
    let out = tgc(
        &["run", "--target", &server.base_url(), "settings-round-trip"],
        repo(),
    );
    assert!(
        out.code == 1 && out.stdout.contains("FAIL  scenario::settings-round-trip"),
        "{}",
        out.all()
    );
}

// ---- 4. A token every request is refused with ----

/// Run tgconform in `cwd` with one more environment variable.
fn tgc_env(args: &[&str], cwd: &Path, key: &str, value: &str) -> Out {
    let out = common::tgconform_command()
        .args(args)
        .current_dir(cwd)
        .env_remove("TGCONFORM_LOG")
        .env_remove("CI")
        .env(key, value)
        .output()
        .expect("run tgconform");
    Out::from(out)
}

const REFUSED_TOKEN: &str = "canary-token-9f3e1c";

/// A Graph error with this status.
fn graph_error(status: u16) -> axum::response::Response {
    axum::response::IntoResponse::into_response((
        axum::http::StatusCode::from_u16(status).unwrap(),
        [("content-type", "application/json")],
        r#"{"error":{"code":"InvalidAuthenticationToken","message":"Access token is empty or invalid."}}"#,
    ))
}

/// Five scenarios (`s1` … `s5`) of one step each, as `governing`, whose token comes
/// from `TGC_P4_TOKEN`; a profile `p.yaml` for `target`.
fn five_scenarios_of_governing(name: &str, target: &str) -> PathBuf {
    let dir = scratch_dir(name);
    for i in 1..=5 {
        write(
            &dir,
            &format!("scenarios/s{i}.yaml"),
            "name: read the settings\nactors: [governing]\nsteps:\n  - name: read\n    as: governing\n    request: {method: GET, path: /directory/tenantGovernance/settings}\n    expect: {status: 200}\n",
        );
    }
    write(
        &dir,
        "p.yaml",
        &format!(
            "target: {target}\nactors:\n  governing:\n    tenantId: fresh\n    token: {{env: TGC_P4_TOKEN}}\n"
        ),
    );
    dir
}

/// A run of the five scenarios, one at a time, against a target that answers 401 to
/// everything.
fn refused_run(name: &str) -> Out {
    let server =
        common::StubServer::start(axum::Router::new().fallback(|| async { graph_error(401) }));
    let dir = five_scenarios_of_governing(name, &server.base_url());
    tgc_env(
        &["run", "--profile", "p.yaml", "--jobs", "1"],
        &dir,
        "TGC_P4_TOKEN",
        REFUSED_TOKEN,
    )
}

#[test]
fn a_refused_token_is_said_once_naming_the_actor_and_its_token_source() {
    let out = refused_run("p4-said-once");
    let said: Vec<&str> = out
        .stderr
        .lines()
        .filter(|l| l.starts_with("warning: actor `governing`"))
        .collect();
    assert!(
        said.len() == 1 && said[0].contains("TGC_P4_TOKEN"),
        "{}",
        out.all()
    );
}

#[test]
fn the_scenarios_of_an_actor_with_a_refused_token_are_skipped_not_failed() {
    let out = refused_run("p4-skipped");
    assert!(
        out.stdout.contains("0 passed, 3 failed, 2 skipped")
            && out.stdout.contains("SKIP  scenario::s5  (not started: the target refuses the token of actor `governing`"),
        "{}",
        out.all()
    );
}

#[test]
fn a_refused_token_is_never_printed() {
    let out = refused_run("p4-no-token");
    assert!(!out.all().contains(REFUSED_TOKEN), "{}", out.all());
}

#[test]
fn steps_sent_without_the_actors_token_do_not_count_as_refusals() {
    // 401 without a token or with the literal one; the actor's own token is accepted.
    let server = common::StubServer::start(axum::Router::new().fallback(
        |headers: axum::http::HeaderMap| async move {
            let auth = headers
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if auth.is_empty() || auth == "Bearer not-a-jwt" {
                graph_error(401)
            } else {
                axum::response::IntoResponse::into_response((
                    [("content-type", "application/json")],
                    r#"{"canReceiveInvitations":false}"#,
                ))
            }
        },
    ));
    let dir = five_scenarios_of_governing("p4-deliberate", &server.base_url());
    // Runs first (`a…` before `s…`): four deliberate 401s as `governing`.
    let refusal = "  - name: STEP\n    as: governing\n    request: {method: GET, path: /directory/tenantGovernance/settings, auth: AUTH}\n    expect: {status: 401}\n";
    let steps: String = [
        ("no token", "none"),
        ("no token again", "none"),
        ("a bad token", "{bearer: not-a-jwt}"),
        ("a bad token again", "{bearer: not-a-jwt}"),
    ]
    .iter()
    .map(|(name, auth)| refusal.replace("STEP", name).replace("AUTH", auth))
    .collect();
    write(
        &dir,
        "scenarios/a-refusals.yaml",
        &format!("name: deliberate refusals\nactors: [governing]\nsteps:\n{steps}"),
    );
    let out = tgc_env(
        &["run", "--profile", "p.yaml", "--jobs", "1"],
        &dir,
        "TGC_P4_TOKEN",
        REFUSED_TOKEN,
    );
    assert!(
        out.code == 0 && out.stdout.contains("6 passed, 0 failed, 0 skipped"),
        "{}",
        out.all()
    );
}
