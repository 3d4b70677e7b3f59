//! An installed `tgconform` works from any folder: the scenarios and fixtures are
//! built into the binary, and it completes in shells and has a man page.

// Test code: a panic is how a check fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

#[path = "../src/embedded_suite.rs"]
mod embedded_suite;

use std::path::Path;
use std::process::Command;

use common::scratch_dir;

fn tgc(args: &[&str], cwd: &Path) -> (i32, String, String) {
    let out = common::tgconform_command()
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("run tgconform");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn yaml_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".yaml"))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn every_scenario_file_is_built_into_the_binary() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let built_in: Vec<String> = embedded_suite::SUITE
        .scenarios
        .iter()
        .map(|(n, _)| n.to_string())
        .collect();
    let missing: Vec<String> = yaml_files(&root)
        .into_iter()
        .filter(|n| !built_in.contains(n))
        .map(|n| format!("  {n}"))
        .collect();
    assert!(
        missing.is_empty() && built_in.len() == yaml_files(&root).len(),
        "build.rs embedded other scenarios than those of scenarios/; not embedded:\n{}",
        missing.join("\n")
    );
}

#[test]
fn every_fixture_file_is_built_into_the_binary() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/fixtures");
    let built_in: Vec<String> = embedded_suite::SUITE
        .fixtures
        .iter()
        .map(|(n, _)| n.to_string())
        .collect();
    assert_eq!(
        built_in,
        yaml_files(&root),
        "build.rs must embed every file of scenarios/fixtures/"
    );
}

#[test]
fn run_in_a_folder_without_scenarios_runs_the_built_in_suite_and_passes() {
    let dir = scratch_dir("install-anywhere");
    let (code, out, err) = tgc(&["run"], &dir);
    assert_eq!(code, 0, "{out}\n{err}");
    let expected = format!(
        "{} passed, 0 failed, 0 skipped",
        embedded_suite::SUITE.scenarios.len()
    );
    assert!(out.trim_end().ends_with(&expected), "{out}\n{err}");
}

#[test]
fn scenarios_dir_runs_that_folder_instead() {
    let dir = scratch_dir("install-folder");
    common::write(
        &dir,
        "only.yaml",
        "name: only\nactors: [governing]\nsteps:\n  - as: governing\n    request: {method: GET, path: /directory/tenantGovernance/settings}\n    expect: {status: 200}\n",
    );
    let (code, out, err) = tgc(&["run", "--scenarios", "."], &dir);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(
        out.trim_end().ends_with("1 passed, 0 failed, 0 skipped"),
        "{out}"
    );
}

#[test]
fn bash_completion_is_valid_bash_that_completes_run_options() {
    let dir = scratch_dir("install-bash");
    let (code, script, err) = tgc(&["completions", "bash"], &dir);
    assert_eq!(code, 0, "{err}");
    assert!(script.contains("--scenarios"), "{script}");
    let file = common::write(&dir, "tgconform.bash", &script);
    if let Ok(check) = Command::new("bash").arg("-n").arg(&file).output() {
        assert!(
            check.status.success(),
            "{}",
            String::from_utf8_lossy(&check.stderr)
        );
    }
}

#[test]
fn completions_exist_for_zsh_fish_and_powershell() {
    let dir = scratch_dir("install-shells");
    for shell in ["zsh", "fish", "powershell"] {
        let (code, script, err) = tgc(&["completions", shell], &dir);
        assert!(
            code == 0 && script.contains("selftest"),
            "{shell}: {code}\n{err}"
        );
    }
}

#[test]
fn the_man_page_is_roff_naming_every_command() {
    let dir = scratch_dir("install-man");
    let (code, page, err) = tgc(&["man"], &dir);
    assert_eq!(code, 0, "{err}");
    assert!(page.contains(".TH tgconform 1"), "{page}");
    for cmd in ["run", "serve", "list", "selftest", "completions"] {
        assert!(
            page.contains(&format!("tgconform\\-{cmd}")),
            "{cmd}: {page}"
        );
    }
}

#[test]
fn man_dir_writes_one_page_per_command() {
    let dir = scratch_dir("install-man-dir");
    let (code, _, err) = tgc(&["man", "--dir", "pages"], &dir);
    assert_eq!(code, 0, "{err}");
    assert!(
        dir.join("pages/tgconform.1").is_file() && dir.join("pages/tgconform-run.1").is_file(),
        "{:?}",
        std::fs::read_dir(dir.join("pages")).map(|d| d
            .filter_map(Result::ok)
            .map(|e| e.file_name())
            .collect::<Vec<_>>())
    );
}
