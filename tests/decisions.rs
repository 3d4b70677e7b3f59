//! The mock's decision switches (`--decision`, `src/mock/decisions.rs`): each is an
//! answer the docs allow besides the mock's own. A documented-only run must pass with
//! any of them on (a correct service is never failed for it), and where an opinion of
//! the catalogue prefers the default, the full run fails in a step that checks that
//! opinion and nowhere else.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use serde_json::Value;
use tgconform::mock::Decision;

/// `tgconform run --decision NAME [extra…] --json FILE`: (exit code, JSON report,
/// stderr).
fn run_with(decision: Decision, extra: &[&str]) -> (i32, Value, String) {
    let dir = common::scratch_dir(&format!("decision-{}-{}", decision.name(), extra.len()));
    let report = dir.join("report.json");
    let out = common::tgconform_command()
        .args(["run", "--color", "never", "--decision", decision.name()])
        .args(extra)
        .arg("--json")
        .arg(&report)
        .output()
        .expect("run tgconform");
    let text = std::fs::read_to_string(&report).unwrap_or_default();
    let json = serde_json::from_str(&text).unwrap_or(Value::Null);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    (out.status.code().unwrap_or(-1), json, stderr)
}

/// Every failed step of a report: (scenario, checks, envelope rules that failed).
fn failed_steps(report: &Value) -> Vec<(String, Vec<String>, Vec<String>)> {
    let strings = |v: &Value| -> Vec<String> {
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut out = Vec::new();
    for s in report["scenarios"].as_array().into_iter().flatten() {
        for step in s["steps"].as_array().into_iter().flatten() {
            if step["status"] != "failed" {
                continue;
            }
            let envelope = step["failures"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|f| f["rule"].as_str().map(str::to_string))
                .collect();
            out.push((
                s["stem"].as_str().unwrap_or("").to_string(),
                strings(&step["checks"]),
                envelope,
            ));
        }
    }
    out
}

#[test]
fn a_documented_only_run_passes_with_each_decision() {
    for d in Decision::ALL {
        let (code, report, err) = run_with(*d, &["--skip-tag", "inferred"]);
        let failed = failed_steps(&report);
        assert!(
            code == 0 && failed.is_empty(),
            "{}: exit {code}; failed steps: {failed:?}\n{err}",
            d.name()
        );
        assert!(
            report["totals"]["passed"].as_u64().unwrap_or(0) >= 40,
            "{}: {}",
            d.name(),
            report["totals"]
        );
    }
}

#[test]
fn the_full_run_fails_only_where_an_opinion_the_decision_departs_from_is_checked() {
    for d in Decision::ALL {
        let (code, report, err) = run_with(*d, &[]);
        let failed = failed_steps(&report);
        if d.departs_from().is_empty() {
            assert!(
                code == 0 && failed.is_empty(),
                "{}: no opinion prefers the default, yet {failed:?}\n{err}",
                d.name()
            );
            continue;
        }
        assert_eq!(code, 1, "{}: the full run should notice\n{err}", d.name());
        for (scenario, checks, envelope) in &failed {
            let about_opinion = checks
                .iter()
                .chain(envelope)
                .any(|id| d.departs_from().contains(&id.as_str()));
            assert!(
                about_opinion,
                "{}: step of {scenario} failed but checks none of {:?} (checks {checks:?}, envelope {envelope:?})",
                d.name(),
                d.departs_from()
            );
        }
    }
}

#[test]
fn a_decision_cannot_be_sent_to_another_target() {
    let (code, _, err) = common::tgconform(&[
        "run",
        "--decision",
        "refuse-empty-template",
        "--target",
        "http://127.0.0.1:9/beta",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--decision"), "{err}");
}

#[test]
fn an_unknown_decision_names_the_catalogue() {
    let (code, _, err) = common::tgconform(&["run", "--decision", "refuse-everything"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("serve --list-decisions"), "{err}");
}

#[test]
fn serve_lists_every_decision() {
    let (code, out, err) = common::tgconform(&["serve", "--list-decisions"]);
    assert_eq!(code, 0, "{err}");
    for d in Decision::ALL {
        assert!(out.contains(d.name()), "{} missing from:\n{out}", d.name());
    }
}

/// `tgconform serve` with every decision on at once, and a documented-only run against
/// it by URL, as a user would judge another implementation.
#[test]
fn a_documented_only_run_passes_against_serve_with_every_decision() {
    use std::io::BufRead as _;
    let mut args = vec!["serve", "--control", "--addr", "127.0.0.1:0"];
    for d in Decision::ALL {
        args.extend(["--decision", d.name()]);
    }
    let mut child = common::tgconform_command()
        .args(&args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn serve");
    let mut first = String::new();
    if let Some(out) = child.stdout.as_mut() {
        let _ = std::io::BufReader::new(out).read_line(&mut first);
    }
    let base = first
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or("")
        .to_string();
    // A folder of its own: the stored snapshots record the mock's default answers.
    let snapshots = common::scratch_dir("decisions-serve-snapshots");
    let out = common::tgconform_command()
        .args([
            "run",
            "--color",
            "never",
            "--skip-tag",
            "inferred",
            "--target",
            &base,
        ])
        .args(["--snapshots", "new", "--snapshot-dir"])
        .arg(&snapshots)
        .output()
        .expect("run tgconform");
    let _ = child.kill();
    let _ = child.wait();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{base}\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains(" 0 failed"), "{stdout}");
}
