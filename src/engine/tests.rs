use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};

use super::*;
use crate::endpoint::Profile;
use crate::plan::{Selection, SuiteScenario, plan};
use crate::scenario::{LoadOptions, load_str};

fn schemas() -> SchemaRegistry {
    static S: OnceLock<SchemaRegistry> = OnceLock::new();
    S.get_or_init(|| SchemaRegistry::builtin().unwrap_or_else(|e| panic!("schemas: {e}")))
        .clone()
}

fn scenario(stem: &str, yaml: &str) -> SuiteScenario {
    let path = Path::new("scenarios").join(format!("{stem}.yaml"));
    let s = load_str(&path, yaml, &LoadOptions::default())
        .unwrap_or_else(|e| panic!("{stem} does not load: {e}"));
    SuiteScenario::loaded(Arc::new(s))
}

fn read_settings(stem: &str) -> SuiteScenario {
    scenario(
        stem,
        "name: read\nactors: [governing]\nsteps:\n  - name: read\n    as: governing\n    request: {method: GET, path: /directory/tenantGovernance/settings}\n    expect: {status: 200}\n  - name: again\n    as: governing\n    request: {method: GET, path: /directory/tenantGovernance/settings}\n    expect: {status: 200}\n",
    )
}

fn planned(scenarios: &[SuiteScenario], kind: TargetKind) -> Vec<PlannedScenario> {
    plan(scenarios, &Profile::builtin(), kind, &Selection::default())
}

fn embedded(jobs: usize) -> Engine {
    EngineBuilder::new(
        schemas(),
        Target::Embedded(MockOptions {
            faults: Vec::new(),
            decisions: Vec::new(),
            control: true,
        }),
    )
    .jobs(Some(jobs))
    .build()
    .unwrap_or_else(|e| panic!("engine: {e}"))
}

/// Every event as a short line, e.g. `step a read passed`.
#[derive(Default)]
struct Log(Vec<String>);

impl Reporter for Log {
    fn write_event(&mut self, event: &Event<'_>) -> Result<(), ReportError> {
        let line = match event {
            Event::RunStarted(i) => format!("run-started {}", i.scenarios),
            Event::ScenarioStarted { scenario, .. } => format!("started {}", scenario.stem),
            Event::StepFinished {
                scenario, record, ..
            } => format!(
                "step {} {} {}",
                scenario.stem,
                record.step.name,
                match &record.outcome.status {
                    crate::runner::Status::Passed => "passed".to_string(),
                    crate::runner::Status::Failed => "failed".to_string(),
                    crate::runner::Status::Skipped(r) => format!("skipped ({r})"),
                }
            ),
            Event::TeardownStarted {
                scenario,
                interrupted,
                ..
            } => format!("teardown {} interrupted={interrupted}", scenario.stem),
            Event::ScenarioFinished { outcome, .. } => format!(
                "finished {} {}",
                outcome.stem,
                match &outcome.status {
                    Status::Passed => "passed".to_string(),
                    Status::Failed => "failed".to_string(),
                    Status::Skipped(r) => format!("skipped ({r})"),
                }
            ),
            Event::Interrupted { reason } => format!("interrupted {reason:?}"),
            Event::Warning { message } => format!("warning {message}"),
            Event::RunFinished(s) => format!(
                "run-finished {}/{}/{}",
                s.totals.passed, s.totals.failed, s.totals.skipped
            ),
        };
        self.0.push(line);
        Ok(())
    }
}

#[test]
fn events_come_in_order_with_every_step_between_start_and_finish() {
    let engine = embedded(1);
    let mut log = Log::default();
    let result = engine.run(
        planned(
            &[read_settings("a"), read_settings("b")],
            TargetKind::Embedded,
        ),
        &mut log,
    );
    assert_eq!(
        log.0,
        [
            "run-started 2",
            "started a",
            "step a read passed",
            "step a again passed",
            "finished a passed",
            "started b",
            "step b read passed",
            "step b again passed",
            "finished b passed",
            "run-finished 2/0/0",
        ]
    );
    assert_eq!(result.summary.totals.passed, 2);
    assert!(result.report_errors.is_empty());
}

/// Counts scenarios started and not yet finished; keeps the highest count.
#[derive(Default)]
struct InFlight {
    now: usize,
    max: usize,
}

impl Reporter for InFlight {
    fn write_event(&mut self, event: &Event<'_>) -> Result<(), ReportError> {
        match event {
            Event::ScenarioStarted { .. } => {
                self.now += 1;
                self.max = self.max.max(self.now);
            }
            Event::ScenarioFinished { .. } => self.now -= 1,
            _ => {}
        }
        Ok(())
    }
}

#[test]
fn no_more_scenarios_run_at_once_than_jobs_and_the_limit_is_used() {
    let suite: Vec<SuiteScenario> = (0..6).map(|i| read_settings(&format!("s{i}"))).collect();
    for jobs in [1, 3] {
        let engine = embedded(jobs);
        let mut in_flight = InFlight::default();
        let result = engine.run(planned(&suite, TargetKind::Embedded), &mut in_flight);
        assert_eq!(result.summary.totals.passed, 6);
        assert_eq!(in_flight.max, jobs, "with --jobs {jobs}");
    }
}

/// A loopback server whose `GET /beta/hang` interrupts the engine and never answers;
/// `DELETE /beta/cleanup` is recorded and answered 204.
struct HangServer {
    base_url: String,
    interrupt: Arc<OnceLock<Arc<Interrupt>>>,
    cleanups: Arc<Mutex<u32>>,
    _shutdown: tokio::sync::oneshot::Sender<()>,
}

fn hang_server() -> HangServer {
    let interrupt: Arc<OnceLock<Arc<Interrupt>>> = Arc::default();
    let cleanups = Arc::new(Mutex::new(0));
    let (on_hang, on_cleanup) = (interrupt.clone(), cleanups.clone());
    let app = axum::Router::new()
        .route(
            "/beta/hang",
            axum::routing::get(move || {
                let i = on_hang.clone();
                async move {
                    if let Some(i) = i.get() {
                        i.trigger(InterruptReason::Requested);
                    }
                    std::future::pending::<()>().await;
                }
            }),
        )
        .route(
            "/beta/cleanup",
            axum::routing::delete(move || {
                let c = on_cleanup.clone();
                async move {
                    if let Ok(mut n) = c.lock() {
                        *n += 1;
                    }
                    axum::http::StatusCode::NO_CONTENT
                }
            }),
        );
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
    let addr = listener.local_addr().unwrap_or_else(|e| panic!("{e}"));
    listener
        .set_nonblocking(true)
        .unwrap_or_else(|e| panic!("{e}"));
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    // Not joined: the hanging request may keep the server busy after the test.
    std::thread::spawn(move || {
        let Ok(rt) = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        else {
            return;
        };
        rt.block_on(async move {
            let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
                return;
            };
            tokio::select! {
                _ = axum::serve(listener, app) => {}
                _ = rx => {}
            }
        });
    });
    HangServer {
        base_url: format!("http://{addr}/beta"),
        interrupt,
        cleanups,
        _shutdown: tx,
    }
}

#[test]
fn an_interrupt_stops_main_steps_runs_teardown_and_starts_nothing_new() {
    let server = hang_server();
    let engine = EngineBuilder::new(
        schemas(),
        Target::Url {
            base_url: server.base_url.clone(),
            kind: TargetKind::Loopback,
        },
    )
    .jobs(Some(1))
    .build()
    .unwrap_or_else(|e| panic!("engine: {e}"));
    let _ = server.interrupt.set(engine.interrupt());
    let hangs = scenario(
        "hangs",
        "name: hangs\nactors: [governing]\nsteps:\n  - name: hang\n    as: governing\n    request: {method: GET, path: /hang}\n    expect: {status: 200}\n  - name: never\n    as: governing\n    request: {method: GET, path: /hang}\n    expect: {status: 200}\nteardown:\n  - name: cleanup\n    as: governing\n    request: {method: DELETE, path: /cleanup}\n    expect: {status: 204}\n",
    );
    let later = scenario(
        "later",
        "name: later\nactors: [governing]\nsteps:\n  - name: hang\n    as: governing\n    request: {method: GET, path: /hang}\n    expect: {status: 200}\n",
    );
    let mut log = Log::default();
    let result = engine.run(planned(&[hangs, later], TargetKind::Loopback), &mut log);
    // The interrupt is announced by the task driving the run, concurrently with the
    // scenario it cuts short: its place among that scenario's events may vary, but it
    // always comes before any later scenario starts.
    let at = |line: &str| log.0.iter().position(|l| l == line);
    assert!(
        matches!(
            (at("interrupted Requested"), at("started later")),
            (Some(i), Some(l)) if i < l
        ),
        "{:#?}",
        log.0
    );
    let rest: Vec<&str> = log
        .0
        .iter()
        .map(String::as_str)
        .filter(|l| *l != "interrupted Requested")
        .collect();
    assert_eq!(
        rest,
        [
            "run-started 2",
            "started hangs",
            "step hangs hang failed",
            "step hangs never skipped (an earlier step failed)",
            "teardown hangs interrupted=true",
            "step hangs cleanup passed",
            "finished hangs failed",
            "started later",
            "finished later skipped (interrupted before it started)",
            "run-finished 0/1/1",
        ]
    );
    assert_eq!(result.summary.interrupted, Some(InterruptReason::Requested));
    assert_eq!(server.cleanups.lock().map(|n| *n).unwrap_or(0), 1);
}

/// Fails every scenario it sees, with a warning saying so.
struct FailAll;

impl ScenarioCheck for FailAll {
    fn check(&self, _scenario: &Scenario, outcome: &mut ScenarioOutcome) {
        outcome.status = Status::Failed;
        outcome.warnings.push("failed by the check".into());
    }
}

#[test]
fn a_check_decides_before_reporters_see_the_outcome() {
    let engine = EngineBuilder::new(
        schemas(),
        Target::Embedded(MockOptions {
            faults: Vec::new(),
            decisions: Vec::new(),
            control: true,
        }),
    )
    .check(Arc::new(FailAll))
    .build()
    .unwrap_or_else(|e| panic!("engine: {e}"));
    let mut collect = Collect::all();
    let result = engine.run(
        planned(&[read_settings("a")], TargetKind::Embedded),
        &mut collect,
    );
    assert_eq!(result.summary.totals.failed, 1);
    assert_eq!(collect.outcomes[0].warnings, ["failed by the check"]);
}

/// Fails on the last event, as a report file that cannot be written does.
struct Unwritable;

impl Reporter for Unwritable {
    fn write_event(&mut self, event: &Event<'_>) -> Result<(), ReportError> {
        match event {
            Event::RunFinished(_) => Err(ReportError::Render {
                what: "test",
                message: "no".into(),
            }),
            _ => Ok(()),
        }
    }
}

#[test]
fn reporter_errors_come_back_with_the_result_and_other_reporters_still_run() {
    let engine = embedded(1);
    let mut reporters = Reporters::new();
    reporters.push(Unwritable);
    reporters.push(Unwritable);
    let mut log = Log::default();
    let result = {
        let mut both = Reporters::new();
        both.push(&mut reporters);
        both.push(&mut log);
        engine.run(
            planned(&[read_settings("a")], TargetKind::Embedded),
            &mut both,
        )
    };
    assert_eq!(result.report_errors.len(), 2);
    assert_eq!(log.0.last().map(String::as_str), Some("run-finished 1/0/0"));
}

#[test]
fn a_shuffled_run_starts_scenarios_in_the_seeded_order() {
    let suite: Vec<SuiteScenario> = (0..8).map(|i| read_settings(&format!("s{i}"))).collect();
    let mut expected: Vec<String> = (0..8).map(|i| format!("started s{i}")).collect();
    plan::shuffle(&mut expected, 42);
    let engine = EngineBuilder::new(
        schemas(),
        Target::Embedded(MockOptions {
            faults: Vec::new(),
            decisions: Vec::new(),
            control: true,
        }),
    )
    .jobs(Some(1))
    .shuffle(Some(42))
    .build()
    .unwrap_or_else(|e| panic!("engine: {e}"));
    let mut log = Log::default();
    engine.run(planned(&suite, TargetKind::Embedded), &mut log);
    let started: Vec<String> = log
        .0
        .into_iter()
        .filter(|l| l.starts_with("started "))
        .collect();
    assert_eq!(started, expected);
}
