//! Every `yaml` block of README.md is a real file in `tests/fixtures/readme/`, and
//! those files work: the scenario runs and passes against the embedded mock, and the
//! CI workflow's commands are valid `tgconform` command lines (the mock job's runs).

mod common;

use std::path::{Path, PathBuf};

use clap::Parser as _;
use common::{scratch_dir, write};
use serde_json::Value;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn examples_dir() -> PathBuf {
    repo().join("tests/fixtures/readme")
}

/// The body of every ```yaml block of README.md.
fn readme_yaml_blocks() -> Vec<String> {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap_or_default();
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in readme.lines() {
        match &mut current {
            None if line.trim_end() == "```yaml" => current = Some(String::new()),
            Some(b) if line.trim_end() == "```" => {
                blocks.push(std::mem::take(b));
                current = None;
            }
            Some(b) => {
                b.push_str(line);
                b.push('\n');
            }
            None => {}
        }
    }
    blocks
}

fn example(name: &str) -> String {
    std::fs::read_to_string(examples_dir().join(name)).unwrap_or_default()
}

#[test]
fn every_yaml_block_of_the_readme_is_a_file_of_the_examples_folder() {
    let files: Vec<String> = std::fs::read_dir(examples_dir())
        .map(|d| {
            d.filter_map(Result::ok)
                .filter_map(|e| std::fs::read_to_string(e.path()).ok())
                .collect()
        })
        .unwrap_or_default();
    let blocks = readme_yaml_blocks();
    assert!(!blocks.is_empty(), "README has no yaml block");
    for b in &blocks {
        assert!(
            files.contains(b),
            "this README block is in no file of tests/fixtures/readme/ (an excerpt of a longer file is fenced ```text):\n{b}"
        );
    }
}

#[test]
fn the_readme_scenario_passes_against_the_embedded_mock() {
    let dir = scratch_dir("readme-scenario");
    write(
        &dir,
        "request-accepted.yaml",
        &example("request-accepted.yaml"),
    );
    for f in std::fs::read_dir(repo().join("scenarios/fixtures"))
        .expect("fixtures folder")
        .filter_map(Result::ok)
    {
        let text = std::fs::read_to_string(f.path()).unwrap_or_default();
        write(
            &dir,
            &format!("fixtures/{}", f.file_name().to_string_lossy()),
            &text,
        );
    }
    let out = common::tgconform_command()
        .args(["run", "--scenarios", ".", "--snapshots", "new"])
        .args(["--snapshot-dir", "snaps"])
        .current_dir(&dir)
        .env_remove("CI")
        .output()
        .expect("run tgconform");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("PASS  scenario::request-accepted"),
        "{stdout}"
    );
}

/// The `tgconform` arguments of every workflow step that runs it (`cargo run … -- ARGS`).
fn workflow_commands() -> Vec<Vec<String>> {
    let text = example("conformance.yml");
    let wf: Value = serde_saphyr::from_str(&text).unwrap_or(Value::Null);
    let mut out = Vec::new();
    for job in wf["jobs"].as_object().into_iter().flat_map(|j| j.values()) {
        for step in job["steps"].as_array().into_iter().flatten() {
            if let Some(run) = step["run"].as_str()
                && let Some((_, args)) = run.split_once(" -- ")
            {
                out.push(args.split_whitespace().map(String::from).collect());
            }
        }
    }
    out
}

#[test]
fn every_tgconform_command_of_the_readme_workflow_parses() {
    let commands = workflow_commands();
    assert_eq!(commands.len(), 2, "{commands:?}");
    for args in &commands {
        let parsed = tgconform::cli::Cli::try_parse_from(
            std::iter::once("tgconform".to_string()).chain(args.iter().cloned()),
        );
        assert!(parsed.is_ok(), "{args:?}: {:?}", parsed.err());
    }
}

#[test]
fn the_readme_workflows_mock_job_command_passes_and_writes_its_reports() {
    let args = workflow_commands().into_iter().next().unwrap_or_default();
    let dir = scratch_dir("readme-workflow");
    let out = common::tgconform_command()
        .args(&args)
        .current_dir(&dir)
        .output()
        .expect("run tgconform");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{args:?}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        dir.join("junit-mock.xml").is_file() && dir.join("report-mock.json").is_file(),
        "{args:?}"
    );
}
