//! Drift against Microsoft's metadata, end to end: `tgconform schema diff` on the
//! test documents of `tests/fixtures/metadata/`, against the embedded mock's
//! `$metadata` and against targets that cannot answer; `run --metadata` turning a
//! metadata-known property into a drift warning while a truly unknown one still fails.

// Test code: a panic is how a check fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::PathBuf;

use axum::http::header::CONTENT_TYPE;
use axum::routing::get;
use serde_json::{Value, json};
use tgconform::mock::{MockOptions, MockServer};

fn fixture(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/metadata")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

/// `schema diff … --json`: exit code and the parsed report.
fn diff_json(args: &[&str]) -> (i32, Value, String) {
    let mut all = vec!["schema", "diff", "--json"];
    all.extend_from_slice(args);
    let (code, stdout, stderr) = common::tgconform(&all);
    let report = serde_json::from_str(&stdout).unwrap_or(Value::Null);
    (code, report, stderr)
}

/// `change location` of each drift entry, in report order.
fn drift_of(report: &Value) -> Vec<String> {
    report["differences"]
        .as_array()
        .expect("differences")
        .iter()
        .filter(|d| d["status"] == "drift")
        .map(|d| {
            let member = d["member"]
                .as_str()
                .map(|m| format!(".{m}"))
                .unwrap_or_default();
            let to = d["renamed_to"]
                .as_str()
                .map(|t| format!(" -> {t}"))
                .unwrap_or_default();
            format!(
                "{} {}{member}{to}",
                d["change"].as_str().unwrap_or("?"),
                d["type"].as_str().unwrap_or("?")
            )
        })
        .collect()
}

#[test]
fn august_metadata_is_in_step_with_known_differences_only() {
    let (code, report, stderr) = diff_json(&["--csdl", &fixture("beta-2026-08.xml")]);
    assert_eq!(code, 0, "{stderr}");
    assert!(drift_of(&report).is_empty(), "{report:#}");
    assert_eq!(report["acknowledged"], 30, "{report:#}");
}

#[test]
fn october_metadata_reports_the_refresh_timestamp_as_a_likely_rename() {
    let (code, report, stderr) = diff_json(&["--csdl", &fixture("beta-2026-10.xml")]);
    assert_eq!(code, 1, "{stderr}");
    let rename = report["differences"]
        .as_array()
        .expect("differences")
        .iter()
        .find(|d| d["change"] == "property-renamed")
        .cloned()
        .unwrap_or(Value::Null);
    assert_eq!(
        rename,
        json!({
            "change": "property-renamed",
            "type": "relatedTenantsRefreshStatus",
            "member": "mostRecentRefreshTime",
            "renamed_to": "mostRecentRefreshDateTime",
            "kind": "property",
            "schema": "string|null",
            "metadata": "Edm.String, Nullable=false",
            "status": "drift",
        })
    );
}

#[test]
fn october_metadata_properties_our_schemas_already_have_are_not_reported_as_added() {
    let (_, report, stderr) = diff_json(&["--csdl", &fixture("beta-2026-10.xml")]);
    let added: Vec<&Value> = report["differences"]
        .as_array()
        .unwrap_or_else(|| panic!("no report: {stderr}"))
        .iter()
        .filter(|d| d["change"] == "property-added")
        .filter(|d| {
            [
                "version",
                "isMicrosoftInfrastructure",
                "governedTenantCanTerminate",
            ]
            .contains(&d["member"].as_str().unwrap_or(""))
        })
        .collect();
    assert!(added.is_empty(), "{added:#?}");
}

#[test]
fn the_table_names_drift_and_the_reason_of_each_known_difference() {
    let (code, stdout, stderr) =
        common::tgconform(&["schema", "diff", "--csdl", &fixture("beta-2026-10.xml")]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stdout.lines().any(|l| l.starts_with("drift")
            && l.contains("property-renamed")
            && l.contains(
                "relatedTenantsRefreshStatus.mostRecentRefreshTime → mostRecentRefreshDateTime"
            )),
        "{stdout}"
    );
    assert!(
        stdout.contains("(docs/schemas.md, Nullability)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("30 difference(s): 1 drift, 29 known (exit code 1)"),
        "{stdout}"
    );
}

#[test]
fn the_embedded_mock_metadata_is_in_step_with_the_schemas() {
    let mock = MockServer::start(MockOptions::default()).expect("mock starts");
    let (code, report, stderr) = diff_json(&["--target", &mock.base_url()]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["differences"], json!([]));
}

#[test]
fn the_embedded_mock_serves_metadata_as_xml_without_a_token() {
    let mock = MockServer::start(MockOptions::default()).expect("mock starts");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let (status, content_type) = rt.block_on(async {
        let resp = reqwest::get(format!("{}/$metadata", mock.base_url()))
            .await
            .expect("GET $metadata");
        let ct = resp
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        (resp.status().as_u16(), ct)
    });
    assert_eq!((status, content_type.as_str()), (200, "application/xml"));
}

#[test]
fn an_unreadable_metadata_file_exits_2() {
    let dir = common::scratch_dir("metadata-unreadable");
    let missing = dir.join("no-such.xml");
    let (code, _, stderr) =
        common::tgconform(&["schema", "diff", "--csdl", &missing.to_string_lossy()]);
    assert_eq!(code, 2, "{stderr}");
}

#[test]
fn a_file_without_the_namespace_exits_2() {
    let dir = common::scratch_dir("metadata-other-namespace");
    let file = common::write(
        &dir,
        "other.xml",
        r#"<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices><Schema Namespace="microsoft.graph" /></edmx:DataServices></edmx:Edmx>"#,
    );
    let (code, _, stderr) =
        common::tgconform(&["schema", "diff", "--csdl", &file.to_string_lossy()]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("has no <Schema Namespace=\"microsoft.graph.tenantGovernanceServices\">"),
        "{stderr}"
    );
}

#[test]
fn a_target_that_is_down_exits_2() {
    // A port that was just free: nothing listens on it any more.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let url = format!("http://127.0.0.1:{port}/beta");
    let (code, _, stderr) =
        common::tgconform(&["schema", "diff", "--target", &url, "--timeout", "5s"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains(&format!("{url}/$metadata")), "{stderr}");
}

// ------------------------------------------------------------------ run --metadata

const REFRESH_STATUS: &str = r#"name: refresh status
actors: [governing]
steps:
  - name: read the refresh status
    as: governing
    request: {method: GET, path: /directory/tenantGovernance/relatedTenants/refreshStatus}
    expect:
      status: 200
      schema: relatedTenantsRefreshStatus
"#;

/// A target whose refreshStatus answer carries `extra` beside the documented properties,
/// and whose `$metadata` is the October test document.
fn target_with(extra: Value) -> common::StubServer {
    let mut body = json!({
        "@odata.type": "#microsoft.graph.tenantGovernanceServices.relatedTenantsRefreshStatus",
        "mostRecentRefreshTime": "2026-10-01T08:00:00Z",
        "mostRecentRefreshRequestStatus": "Completed",
        "isFirstRefresh": false,
    });
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        b.extend(e.clone());
    }
    let october = std::fs::read_to_string(fixture("beta-2026-10.xml")).expect("fixture");
    let app = axum::Router::new()
        .route(
            "/beta/directory/tenantGovernance/relatedTenants/refreshStatus",
            get(move || {
                let body = body.clone();
                async move { axum::Json(body) }
            }),
        )
        .route(
            "/beta/$metadata",
            get(move || {
                let october = october.clone();
                async move { ([(CONTENT_TYPE, "application/xml")], october) }
            }),
        );
    common::StubServer::start(app)
}

/// `run` of the refresh-status scenario against `server` in strict mode, with `extra`
/// arguments and a JSON report on stdout: (exit code, report, stderr).
fn run_strict(case: &str, server: &common::StubServer, extra: &[&str]) -> (i32, Value, String) {
    let dir = common::scratch_dir(&format!("metadata-run-{case}"));
    common::write(&dir, "refresh-status.yaml", REFRESH_STATUS);
    let dir = dir.to_string_lossy().into_owned();
    let base = server.base_url();
    let mut args = vec![
        "run",
        "--scenarios",
        &dir,
        "--target",
        &base,
        "--schema-mode",
        "strict",
        "--jobs",
        "1",
        "--json",
        "-",
    ];
    args.extend_from_slice(extra);
    let (code, stdout, stderr) = common::tgconform(&args);
    let report = serde_json::from_str(&stdout).unwrap_or(Value::Null);
    (code, report, stderr)
}

fn warnings(report: &Value) -> Vec<String> {
    report["scenarios"][0]["warnings"]
        .as_array()
        .map(|w| {
            w.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

const DRIFT: &str = "drift: relatedTenantsRefreshStatus.mostRecentRefreshDateTime (Edm.String) is in Microsoft's metadata but not in the documented schema";

#[test]
fn without_metadata_a_metadata_only_property_fails_in_strict_mode() {
    let server = target_with(json!({"mostRecentRefreshDateTime": "2026-10-01T08:00:00Z"}));
    let (code, report, stderr) = run_strict("no-metadata", &server, &[]);
    assert_eq!(code, 1, "{stderr}\n{report:#}");
    let failures = report["scenarios"][0]["steps"][0]["failures"].to_string();
    assert!(
        failures.contains("unknown property `mostRecentRefreshDateTime`"),
        "{failures}"
    );
}

#[test]
fn with_metadata_a_metadata_only_property_is_a_drift_warning_and_the_run_passes() {
    let server = target_with(json!({"mostRecentRefreshDateTime": "2026-10-01T08:00:00Z"}));
    let october = fixture("beta-2026-10.xml");
    let (code, report, stderr) = run_strict("file", &server, &["--metadata", &october]);
    assert_eq!(code, 0, "{stderr}\n{report:#}");
    assert!(
        warnings(&report).iter().any(|w| w.ends_with(DRIFT)),
        "{:#?}",
        warnings(&report)
    );
}

#[test]
fn with_metadata_a_property_unknown_to_the_metadata_still_fails() {
    let server = target_with(json!({"somethingNobodyDeclared": 1}));
    let october = fixture("beta-2026-10.xml");
    let (code, report, stderr) = run_strict("unknown", &server, &["--metadata", &october]);
    assert_eq!(code, 1, "{stderr}\n{report:#}");
    let failures = report["scenarios"][0]["steps"][0]["failures"].to_string();
    assert!(failures.contains("somethingNobodyDeclared"), "{failures}");
}

#[test]
fn metadata_live_reads_the_targets_metadata_once_at_start() {
    let server = target_with(json!({"mostRecentRefreshDateTime": "2026-10-01T08:00:00Z"}));
    let (code, report, stderr) = run_strict("live", &server, &["--metadata", "live"]);
    assert_eq!(code, 0, "{stderr}\n{report:#}");
    assert!(
        stderr.contains(&format!("metadata: {}/$metadata", server.base_url())),
        "{stderr}"
    );
    assert!(
        warnings(&report).iter().any(|w| w.ends_with(DRIFT)),
        "{report:#}"
    );
}

#[test]
fn metadata_from_a_missing_file_stops_the_run_with_exit_2() {
    let server = target_with(json!({}));
    let (code, _, stderr) = run_strict("missing", &server, &["--metadata", "no-such-file.xml"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("--metadata: cannot read no-such-file.xml"),
        "{stderr}"
    );
}

#[test]
fn the_readme_drift_workflow_command_parses() {
    use clap::Parser as _;
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/readme/drift.yml");
    let wf: Value = serde_saphyr::from_str(&std::fs::read_to_string(path).expect("drift.yml"))
        .expect("drift.yml is YAML");
    let run = wf["jobs"]["drift"]["steps"][2]["run"]
        .as_str()
        .unwrap_or("");
    let (_, args) = run
        .split_once(" -- ")
        .expect("a `cargo run … -- ARGS` step");
    let parsed = tgconform::cli::Cli::try_parse_from(
        std::iter::once("tgconform").chain(args.split_whitespace()),
    );
    assert!(parsed.is_ok(), "{args}: {:?}", parsed.err());
}

/// The mock serves `$metadata` through `src/metadata/`, which reads the schemas and the
/// contract: none of these may reach into the harness (runner, judge, reports, …).
#[test]
fn the_mock_and_the_metadata_it_serves_use_no_harness_code() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src");
    let harness = [
        "runner", "judge", "report", "scenario", "engine", "cli", "plan", "snapshot", "endpoint",
    ];
    let mut offending = Vec::new();
    let mut folders = vec![
        root.join("mock"),
        root.join("metadata"),
        root.join("schema"),
        root.join("contract"),
    ];
    while let Some(dir) = folders.pop() {
        for entry in std::fs::read_dir(&dir).expect("source folder").flatten() {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            for m in &harness {
                if text.contains(&format!("crate::{m}::")) || text.contains(&format!("crate::{m};"))
                {
                    offending.push(format!("{} uses crate::{m}", path.display()));
                }
            }
        }
    }
    assert!(offending.is_empty(), "{offending:#?}");
}

#[test]
fn a_dry_run_does_not_read_live_metadata() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let base = format!("http://127.0.0.1:{port}/beta");
    let dir = common::scratch_dir("metadata-dry-run");
    common::write(&dir, "refresh-status.yaml", REFRESH_STATUS);
    let dir = dir.to_string_lossy().into_owned();
    let (code, _, stderr) = common::tgconform(&[
        "run",
        "--scenarios",
        &dir,
        "--target",
        &base,
        "--metadata",
        "live",
        "--dry-run",
    ]);
    assert_eq!(code, 0, "{stderr}");
}
