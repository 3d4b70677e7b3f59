//! Properties of the whole suite against the embedded mock, through the CLI:
//! isolation (any job count, any order), coverage of the documented contract, and the
//! mutation self-test. Each test runs the full suite once (or once per fault).

// Test code: a panic is how a check fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{scratch_dir, tgconform};
use serde_json::Value;

const SCENARIOS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios");

fn run_suite(extra: &[&str]) -> (i32, String, String) {
    let mut args = vec!["run", "--scenarios", SCENARIOS];
    args.extend_from_slice(extra);
    tgconform(&args)
}

fn assert_all_passed((code, stdout, stderr): (i32, String, String)) {
    assert_eq!(
        code, 0,
        "the suite should pass\n--- stdout\n{stdout}\n--- stderr\n{stderr}"
    );
    assert!(stdout.contains(" 0 failed"), "{stdout}");
}

#[test]
fn suite_passes_with_one_job() {
    assert_all_passed(run_suite(&["--jobs", "1"]));
}

#[test]
fn suite_passes_with_many_jobs() {
    assert_all_passed(run_suite(&["--jobs", "64"]));
}

#[test]
fn suite_passes_in_shuffled_order() {
    for seed in ["1", "20261201"] {
        assert_all_passed(run_suite(&["--jobs", "8", "--shuffle", seed]));
    }
}

/// `name`: a scratch folder of the calling test's own (tests run in parallel).
fn coverage_report(name: &str) -> Value {
    let dir = scratch_dir(name);
    let json = dir.join("report.json");
    let json_arg = json.to_string_lossy().into_owned();
    assert_all_passed(run_suite(&["--coverage", "--json", &json_arg]));
    let text = std::fs::read_to_string(&json).expect("the JSON report is written");
    let report: Value = serde_json::from_str(&text).expect("the JSON report parses");
    report["coverage"].clone()
}

#[test]
fn coverage_reaches_every_documented_operation() {
    let c = coverage_report("suite-coverage-operations");
    let missing: Vec<String> = c["operations"]
        .as_array()
        .expect("operations")
        .iter()
        .filter(|o| o["documented_status_seen"] != Value::Bool(true))
        .map(|o| format!("{} {} ({})", o["method"], o["path"], o["documented_status"]))
        .collect();
    assert!(missing.is_empty(), "not exercised: {missing:#?}");
}

#[test]
fn coverage_reaches_every_enum_member_but_the_sentinel() {
    let c = coverage_report("suite-coverage-enums");
    assert_eq!(
        c["enum_members_covered"], c["enum_members_total"],
        "enums: {:#}",
        c["enums"]
    );
}

#[test]
fn rule_coverage_counts_every_rule_a_passing_step_names() {
    // Every scenario passes against the embedded mock, so the rules checked in the run
    // are exactly the rules the suite's main steps name, and those the Graph envelope
    // checks on every exchange.
    let mut named: std::collections::BTreeSet<String> = tgconform::judge::Envelope::default()
        .rules()
        .map(str::to_string)
        .collect();
    let dir = std::path::Path::new(SCENARIOS);
    for f in tgconform::scenario::discover(dir).expect("the scenario folder is readable") {
        let s = tgconform::scenario::load_file(&f, &Default::default())
            .unwrap_or_else(|e| panic!("{e}"));
        for step in &s.steps {
            named.extend(step.checks.iter().cloned());
        }
    }
    let c = coverage_report("suite-coverage-rules");
    let checked: std::collections::BTreeSet<String> = c["rules"]["rules"]
        .as_array()
        .expect("coverage.rules.rules")
        .iter()
        .filter(|r| r["checked_by"].as_array().is_some_and(|b| !b.is_empty()))
        .filter_map(|r| r["id"].as_str().map(str::to_string))
        .collect();
    assert_eq!(checked, named);
    assert_eq!(c["rules"]["checked"], named.len());
}

#[test]
fn without_inferred_checks_the_suite_passes_and_checks_only_documented_rules() {
    let dir = scratch_dir("suite-skip-inferred");
    let json = dir.join("report.json");
    let json_arg = json.to_string_lossy().into_owned();
    assert_all_passed(run_suite(&["--skip-tag", "inferred", "--json", &json_arg]));
    let text = std::fs::read_to_string(&json).expect("the JSON report is written");
    let report: Value = serde_json::from_str(&text).expect("the JSON report parses");
    let catalogue = tgconform::contract::rules::builtin().expect("the catalogue loads");
    let mut skipped_steps = 0;
    for sc in report["scenarios"].as_array().expect("scenarios") {
        assert!(
            !sc["tags"]
                .as_array()
                .expect("tags")
                .contains(&Value::from("inferred")),
            "{} is tagged inferred but ran",
            sc["stem"]
        );
        for step in sc["steps"].as_array().expect("steps") {
            if step["status"] == "skipped" {
                skipped_steps += 1;
                continue;
            }
            for id in step["checks"].as_array().expect("checks") {
                let rule = catalogue
                    .get(id.as_str().unwrap_or(""))
                    .expect("a known rule");
                assert_ne!(
                    rule.evidence,
                    tgconform::contract::rules::Evidence::Inferred,
                    "{}: step {} checked inferred rule {id}",
                    sc["stem"],
                    step["name"]
                );
            }
        }
    }
    assert!(
        skipped_steps > 0,
        "steps tagged inferred are skipped, not run"
    );
}

#[test]
fn selftest_kills_every_fault() {
    let (code, stdout, stderr) = tgconform(&["selftest", "--scenarios", SCENARIOS]);
    assert_eq!(code, 0, "--- stdout\n{stdout}\n--- stderr\n{stderr}");
    assert!(stdout.contains(" 0 survived"), "{stdout}");
}

#[test]
fn a_run_of_many_files_reads_each_again_and_passes() {
    // Above 200 files the run keeps only metadata and reads each file again when it
    // runs it; the results must be the same as for a small run.
    let dir = scratch_dir("suite-many-files");
    for i in 0..210 {
        common::write(
            &dir,
            &format!("read-{i:03}.yaml"),
            &format!(
                "name: read settings {i}\nactors: [governing]\nsteps:\n  - name: read\n    as: governing\n    request: {{method: GET, path: /directory/tenantGovernance/settings}}\n    expect:\n      status: 200\n      schema: tenantGovernanceSetting\n"
            ),
        );
    }
    let dir_arg = dir.to_string_lossy().into_owned();
    let (code, stdout, stderr) = tgconform(&["run", "--scenarios", &dir_arg]);
    assert_eq!(code, 0, "--- stdout\n{stdout}\n--- stderr\n{stderr}");
    assert!(stdout.contains("210 passed, 0 failed"), "{stdout}");
}
