//! The benchmark's inputs keep working. `bench/run.sh` never runs under `cargo test`
//! (benchmarks are not timed tests), so a change that breaks its scale flow would
//! otherwise go unnoticed until the next benchmark run.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::Path;

use common::{scratch_dir, tgconform};

#[test]
fn the_bench_scale_flow_passes_against_the_embedded_mock() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = scratch_dir("bench-scale-flow").join("scenarios");
    std::fs::create_dir_all(dir.join("fixtures")).unwrap();
    for entry in std::fs::read_dir(repo.join("scenarios/fixtures")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.join("fixtures").join(path.file_name().unwrap())).unwrap();
    }
    // As bench/run.sh lays it out: copies of the flow, each renamed, fixtures beside them.
    let flow = std::fs::read_to_string(repo.join("bench/scale-flow.yaml")).unwrap();
    assert!(
        flow.starts_with("name: "),
        "bench/run.sh renames the flow's first line"
    );
    for i in 1..=2 {
        let body = flow.split_once('\n').map_or("", |(_, rest)| rest);
        let renamed = format!("name: accept and terminate {i}\n{body}");
        std::fs::write(dir.join(format!("flow-{i}.yaml")), renamed).unwrap();
    }
    let (code, out, err) = tgconform(&["run", "--scenarios", dir.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("2 passed, 0 failed, 0 skipped"), "{out}");
}
