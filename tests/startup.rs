//! Start-up milestones: `TGCONFORM_LOG=tgconform::startup=debug` shows where the time
//! from `main` to the first request goes. Only their order is checked, never a time.

// Test code: a panic is how a check fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

/// The milestone names logged by a run against the embedded mock, in log order.
fn milestones(args: &[&str]) -> Vec<String> {
    let out = common::tgconform_command()
        .args(args)
        .env_remove("CI")
        .env("NO_COLOR", "1")
        .env("TGCONFORM_LOG", "tgconform::startup=debug")
        .output()
        .expect("run tgconform");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "the run failed:\n{stderr}");
    stderr
        .lines()
        .filter(|l| l.contains("tgconform::startup"))
        .filter_map(|l| l.split_once(" ms: ").map(|(_, what)| what.to_string()))
        .collect()
}

#[test]
fn run_logs_each_startup_milestone_once_in_order_up_to_the_first_request() {
    assert_eq!(
        milestones(&["run", "settings-round-trip"]),
        [
            "arguments parsed, logging on",
            "scenarios loaded",
            "schemas compiled",
            "engine built (runtime, mock, HTTP client)",
            "planned",
            "first request",
        ]
    );
}
