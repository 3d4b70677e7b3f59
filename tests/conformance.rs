//! The conformance harness: every scenario in `scenarios/` is one trial
//! `scenario::<file stem>`, run against its own embedded mock, then snapshotted.
//!
//! Works with `cargo test` (filters, `--list`, `--ignored`, `--exact`) and with
//! `cargo nextest run` (one process per trial; `--exact` loads only that file).

// Test code: a panic is how a check fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use libtest_mimic::{Arguments, Failed, Trial};
use tgconform::endpoint::{Profile, TargetKind};
use tgconform::engine::{Collect, EngineBuilder, Target};
use tgconform::mock::MockOptions;
use tgconform::plan::{Selection, SuiteScenario, plan_one};
use tgconform::report::{Masker, render_outcome};
use tgconform::runner::Status;
use tgconform::scenario::{self, LoadOptions, Scenario};
use tgconform::schema::SchemaRegistry;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap_or_else(|e| panic!("cannot build the tokio runtime: {e}"))
    })
}

fn schemas() -> Result<&'static SchemaRegistry, String> {
    static S: OnceLock<Result<SchemaRegistry, String>> = OnceLock::new();
    S.get_or_init(|| SchemaRegistry::builtin().map_err(|e| e.to_string()))
        .as_ref()
        .map_err(Clone::clone)
}

fn run_trial(path: &Path) -> Result<(), Failed> {
    let schemas = schemas()?;
    let opts = LoadOptions {
        schema_types: Some(schemas.type_names()),
        ..LoadOptions::default()
    };
    let scenario: Arc<Scenario> =
        Arc::new(scenario::load_file(path, &opts).map_err(|e| e.to_string())?);
    let Some(planned) = plan_one(
        &SuiteScenario::loaded(scenario.clone()),
        &Profile::builtin(),
        TargetKind::Embedded,
        &Selection::default(),
    ) else {
        return Err(format!(
            "scenario::{} was not planned against the embedded mock",
            scenario.stem
        )
        .into());
    };
    // The same engine as `tgconform run`, with a mock of the trial's own.
    let engine = EngineBuilder::new(
        schemas.clone(),
        Target::Embedded(MockOptions {
            faults: Vec::new(),
            decisions: Vec::new(),
            control: true,
        }),
    )
    .runtime(runtime().handle().clone())
    .jobs(Some(1))
    .build()
    .map_err(|e| e.to_string())?;
    let mut collect = Collect::all();
    engine.run(vec![planned], &mut collect);
    let Some(outcome) = collect.outcomes.pop() else {
        return Err("the engine reported no outcome".into());
    };

    let masker = Masker::new(engine.tokens().secrets());
    match &outcome.status {
        Status::Passed => {}
        Status::Failed => return Err(render_outcome(&outcome, &masker, false).into()),
        Status::Skipped(reason) => {
            return Err(format!("skipped against the embedded mock: {reason}").into());
        }
    }
    tgconform::snapshot::assert_snapshot(&scenario, &outcome, root());
    Ok(())
}

fn stem(p: &Path) -> String {
    p.file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("scenario")
        .to_string()
}

fn main() -> std::process::ExitCode {
    let args = Arguments::from_args();
    let dir = root().join("scenarios");
    // nextest runs one process per trial with `--exact NAME`: load just that file
    // instead of scanning the folder every time.
    let files: Vec<PathBuf> = match (&args.filter, args.exact) {
        (Some(name), true) if name.starts_with("scenario::") => {
            let s = &name["scenario::".len()..];
            let candidates = [dir.join(format!("{s}.yaml")), dir.join(format!("{s}.yml"))];
            candidates.into_iter().filter(|p| p.is_file()).collect()
        }
        _ => match scenario::discover(&dir) {
            Ok(f) => f,
            Err(e) => {
                eprintln!("{e}");
                return std::process::ExitCode::from(2);
            }
        },
    };
    // As datatest-stable does: finding nothing is a failure, never "0 passed" (a typo in
    // `--exact scenario::NAME`, an empty or moved folder).
    if files.is_empty() {
        eprintln!(
            "no scenario found{} in {}",
            match (&args.filter, args.exact) {
                (Some(name), true) => format!(" named `{name}`"),
                _ => String::new(),
            },
            dir.display()
        );
        return std::process::ExitCode::from(101);
    }
    let mut trials: Vec<Trial> = files
        .into_iter()
        .map(|p| {
            let name = format!("scenario::{}", stem(&p));
            Trial::test(name, move || run_trial(&p))
        })
        .collect();
    trials.sort_by(|a, b| a.name().cmp(b.name()));
    libtest_mimic::run(&args, trials).exit_code()
}
