//! The suite engine: the one code path of a run, for the CLI (`run`, `selftest`) and
//! the test harness alike.
//!
//! Modelled on nextest's runner/reporter split: an [`EngineBuilder`] owns the
//! settings (runtime, job count, the embedded or private mock, interrupts, order);
//! [`Engine::run`] executes a plan and sends [`Event`]s to a [`Reporter`]. Reporters
//! (console, JUnit, JSON, annotations, coverage, live in `report`) decide what they
//! keep of each event, so memory is bounded by what the chosen reports need.
//!
//! The engine neither prints nor decides exit codes; that is the caller's job.

mod event;
mod refused;
#[cfg(test)]
mod tests;

use std::cell::RefCell;
use std::sync::Arc;
use std::time::{Instant, SystemTime};

use futures_util::StreamExt;

pub use event::{Collect, Event, ReportError, Reporter, Reporters, RunInfo, RunSummary, Totals};
pub use refused::REFUSED_AFTER;

use crate::endpoint::{TargetKind, TokenCache};
use crate::mock::{MockOptions, MockServer};
use crate::plan::{self, PlannedScenario, ScenarioMeta, ScenarioSource};
use crate::runner::{
    HttpError, Interrupt, InterruptReason, RunConfig, Runner, ScenarioOutcome, Status,
    StepObserver, StepRecord,
};
use crate::scenario::Scenario;
use crate::schema::{SchemaMode, SchemaRegistry};

/// Where the requests of a run go.
#[derive(Clone)]
pub enum Target {
    /// The embedded mock, started by the engine with these options. Scenarios that
    /// need the clock (`needs: [clock]`: they move it) each get a private one.
    Embedded(MockOptions),
    /// A server at this base URL (another mock or a real tenant).
    Url { base_url: String, kind: TargetKind },
}

/// A check that runs after a scenario (not a skipped one) and before reporters see
/// its outcome; it may add findings and fail the scenario. This is where judging
/// that needs the whole scenario plugs in (e.g. comparing snapshots).
pub trait ScenarioCheck: Send + Sync {
    fn check(&self, scenario: &Scenario, outcome: &mut ScenarioOutcome);

    /// One line for the run's header: what this check judges against (e.g. the
    /// snapshot folder and mode), so a surprising verdict can be traced to it.
    fn describe(&self) -> Option<String> {
        None
    }
}

/// The target gave no HTTP answer at all: it is down or out of reach, which is no
/// finding about its conformance.
#[derive(Debug, thiserror::Error)]
#[error("the target {url} cannot be reached: {error}")]
pub struct Unreachable {
    pub url: String,
    pub error: HttpError,
}

/// Why an engine could not be built.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("cannot start the async runtime: {0}")]
    Runtime(std::io::Error),
    #[error("cannot start the embedded mock: {0}")]
    Mock(std::io::Error),
    #[error("{0}")]
    Http(#[from] HttpError),
    #[error("--jobs must be at least 1")]
    NoJobs,
}

/// Settings of a run; [`EngineBuilder::build`] starts what they ask for.
pub struct EngineBuilder {
    schemas: SchemaRegistry,
    target: Target,
    tokens: TokenCache,
    jobs: Option<usize>,
    shuffle: Option<u64>,
    signals: bool,
    runtime: Option<tokio::runtime::Handle>,
    schema_mode: Option<SchemaMode>,
    timeout: Option<std::time::Duration>,
    max_body: Option<usize>,
    retry_after_budget: Option<std::time::Duration>,
    checks: Vec<Arc<dyn ScenarioCheck>>,
    fail_fast: bool,
    stop_refused_actors: bool,
}

impl EngineBuilder {
    /// A run against `target`, with the defaults: as many jobs as CPUs, planned order,
    /// no signal handling, a runtime of its own, schema mode by target kind.
    pub fn new(schemas: SchemaRegistry, target: Target) -> Self {
        EngineBuilder {
            schemas,
            target,
            tokens: TokenCache::new(),
            jobs: None,
            shuffle: None,
            signals: false,
            runtime: None,
            schema_mode: None,
            timeout: None,
            max_body: None,
            retry_after_budget: None,
            checks: Vec::new(),
            fail_fast: false,
            stop_refused_actors: false,
        }
    }

    /// When the first [`REFUSED_AFTER`] answers to an actor's own token are all 401,
    /// say so once (naming the actor's token source) and skip its scenarios that have
    /// not started: a wrong or expired token is one message, not a failure per request.
    pub fn stop_refused_actors(mut self, on: bool) -> Self {
        self.stop_refused_actors = on;
        self
    }

    /// After the first failed scenario no new one starts (they are skipped); those
    /// in flight finish, teardown included. Not an interrupt: Ctrl-C still is one.
    pub fn fail_fast(mut self, on: bool) -> Self {
        self.fail_fast = on;
        self
    }

    /// Scenarios in flight at once (default: the number of CPUs).
    pub fn jobs(mut self, jobs: Option<usize>) -> Self {
        self.jobs = jobs;
        self
    }

    /// Run in an order shuffled from this seed (the same seed, the same order).
    pub fn shuffle(mut self, seed: Option<u64>) -> Self {
        self.shuffle = seed;
        self
    }

    /// Ctrl-C and SIGTERM interrupt the run (teardown steps still run); a second
    /// Ctrl-C exits at once with 130. Off by default: only a program that owns the
    /// process should take its signals.
    pub fn handle_signals(mut self, on: bool) -> Self {
        self.signals = on;
        self
    }

    /// Run on this (multi-threaded) runtime instead of starting one.
    pub fn runtime(mut self, handle: tokio::runtime::Handle) -> Self {
        self.runtime = Some(handle);
        self
    }

    /// Token cache shared with the caller (it masks what the run's tokens are).
    pub fn tokens(mut self, tokens: TokenCache) -> Self {
        self.tokens = tokens;
        self
    }

    /// Default: lenient for real tenants, strict otherwise.
    pub fn schema_mode(mut self, mode: Option<SchemaMode>) -> Self {
        self.schema_mode = mode;
        self
    }

    pub fn timeout(mut self, t: std::time::Duration) -> Self {
        self.timeout = Some(t);
        self
    }

    pub fn max_body(mut self, bytes: usize) -> Self {
        self.max_body = Some(bytes);
        self
    }

    /// Most time the whole run waits out 429/503 `Retry-After` answers.
    pub fn retry_after_budget(mut self, t: std::time::Duration) -> Self {
        self.retry_after_budget = Some(t);
        self
    }

    /// Add a check run after each scenario (see [`ScenarioCheck`]).
    pub fn check(mut self, c: Arc<dyn ScenarioCheck>) -> Self {
        self.checks.push(c);
        self
    }

    /// Start the runtime (unless one was given) and the embedded mock (if the target
    /// is embedded), and build the HTTP client.
    pub fn build(self) -> Result<Engine, EngineError> {
        let jobs = match self.jobs {
            Some(0) => return Err(EngineError::NoJobs),
            Some(n) => n,
            None => std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(2),
        };
        let runtime = match self.runtime {
            Some(h) => Rt::Borrowed(h),
            None => Rt::Owned(
                tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(jobs.clamp(1, 16))
                    .enable_all()
                    .build()
                    .map_err(EngineError::Runtime)?,
            ),
        };
        let (mock, private_mock, base_url, kind) = match self.target {
            Target::Embedded(opts) => {
                let m = MockServer::start(opts.clone()).map_err(EngineError::Mock)?;
                let url = m.base_url();
                (Some(m), Some(opts), url, TargetKind::Embedded)
            }
            Target::Url { base_url, kind } => {
                (None, None, base_url.trim_end_matches('/').to_string(), kind)
            }
        };
        let schema_mode = self.schema_mode.unwrap_or(match kind {
            TargetKind::Real => SchemaMode::Lenient,
            _ => SchemaMode::Strict,
        });
        let mut cfg = RunConfig::new(&base_url);
        cfg.schema_mode = schema_mode;
        if let Some(t) = self.timeout {
            cfg.timeout = t;
        }
        if let Some(b) = self.max_body {
            cfg.max_body = b;
        }
        if let Some(t) = self.retry_after_budget {
            cfg.retry_after_budget = t;
        }
        let runner = Arc::new(Runner::new(cfg, self.schemas, self.tokens)?);
        Ok(Engine {
            runtime,
            _mock: mock,
            private_mock,
            runner,
            base_url,
            kind,
            jobs,
            shuffle: self.shuffle,
            signals: self.signals,
            checks: self.checks,
            fail_fast: self.fail_fast,
            stop_starting: std::sync::atomic::AtomicBool::new(false),
            refused: self
                .stop_refused_actors
                .then(refused::RefusedActors::default),
        })
    }
}

enum Rt {
    Owned(tokio::runtime::Runtime),
    Borrowed(tokio::runtime::Handle),
}

/// A configured run, ready to execute plans (usually one).
pub struct Engine {
    runtime: Rt,
    /// The shared embedded mock; stops when the engine is dropped.
    _mock: Option<MockServer>,
    /// Options of private mocks for scenarios that need the clock (embedded targets only).
    private_mock: Option<MockOptions>,
    runner: Arc<Runner>,
    base_url: String,
    kind: TargetKind,
    jobs: usize,
    shuffle: Option<u64>,
    signals: bool,
    checks: Vec<Arc<dyn ScenarioCheck>>,
    fail_fast: bool,
    /// Set by the first failure under `fail_fast`.
    stop_starting: std::sync::atomic::AtomicBool,
    /// Actors whose token the target refuses (when the builder asked for it).
    refused: Option<refused::RefusedActors>,
}

/// How a run ended, and the reporters' errors.
#[derive(Debug)]
pub struct RunResult {
    pub summary: RunSummary,
    /// Errors reporters returned; each should change the exit code.
    pub report_errors: Vec<ReportError>,
}

impl Engine {
    /// Base URL of the target (the embedded mock's when it is embedded).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    pub fn kind(&self) -> TargetKind {
        self.kind
    }

    pub fn jobs(&self) -> usize {
        self.jobs
    }

    pub fn schema_mode(&self) -> SchemaMode {
        self.runner.config().schema_mode
    }

    pub fn tokens(&self) -> &TokenCache {
        self.runner.tokens()
    }

    /// Interrupt the run from elsewhere (another thread, a test): as Ctrl-C does.
    pub fn interrupt(&self) -> Arc<Interrupt> {
        Arc::clone(self.runner.interrupt())
    }

    /// One `GET` of the base URL, without a token, before anything else is sent: a
    /// target that is down would otherwise fail every step of every scenario, and an
    /// outage would read as a conformance failure. Only a connection that cannot be
    /// made counts: any HTTP answer, whatever its status, means the target is up. The
    /// embedded mock is not probed (this engine started it).
    pub fn check_reachable(&self) -> Result<(), Unreachable> {
        if self.kind == TargetKind::Embedded {
            return Ok(());
        }
        let probe = self.runner.probe(&self.base_url);
        let answer = match &self.runtime {
            Rt::Owned(rt) => rt.block_on(probe),
            Rt::Borrowed(h) => h.block_on(probe),
        };
        answer.map_err(|error| Unreachable {
            url: self.base_url.clone(),
            error,
        })
    }

    /// Run `planned` (blocking) and send every event to `reporter`.
    pub fn run(&self, planned: Vec<PlannedScenario>, reporter: &mut dyn Reporter) -> RunResult {
        let fut = self.run_async(planned, reporter);
        match &self.runtime {
            Rt::Owned(rt) => rt.block_on(fut),
            Rt::Borrowed(h) => h.block_on(fut),
        }
    }

    /// As [`Engine::run`], inside the caller's runtime (given to the builder).
    pub async fn run_async(
        &self,
        mut planned: Vec<PlannedScenario>,
        reporter: &mut dyn Reporter,
    ) -> RunResult {
        if let Some(seed) = self.shuffle {
            plan::shuffle(&mut planned, seed);
        }
        let started = Instant::now();
        let sink = Sink {
            reporter: RefCell::new(reporter),
            errors: RefCell::new(Vec::new()),
        };
        let info = RunInfo {
            tool_version: env!("CARGO_PKG_VERSION"),
            base_url: self.base_url.clone(),
            kind: self.kind,
            schema_mode: self.schema_mode(),
            jobs: self.jobs,
            scenarios: planned.len(),
            shuffle: self.shuffle,
            started_at: SystemTime::now(),
            checks: self.checks.iter().filter_map(|c| c.describe()).collect(),
        };
        sink.emit(&Event::RunStarted(&info));
        let _signals = self.signals.then(|| self.watch_signals(&sink));
        let interrupt = Arc::clone(self.runner.interrupt());
        let mut totals = Totals::default();
        let mut announced = false;
        {
            let sink = &sink;
            let mut stream = futures_util::stream::iter(
                planned
                    .into_iter()
                    .enumerate()
                    .map(|(index, p)| self.run_one(index, p, sink)),
            )
            .buffer_unordered(self.jobs);
            loop {
                tokio::select! {
                    biased;
                    reason = interrupt.wait(), if !announced => {
                        announced = true;
                        sink.emit(&Event::Interrupted { reason });
                    }
                    next = stream.next() => match next {
                        Some(status) => totals.add(&status),
                        None => break,
                    },
                }
            }
        }
        let summary = RunSummary {
            totals,
            duration: started.elapsed(),
            interrupted: interrupt.reason(),
        };
        sink.emit(&Event::RunFinished(&summary));
        RunResult {
            summary,
            report_errors: sink.errors.into_inner(),
        }
    }

    /// Ctrl-C and SIGTERM trigger the interrupt; a second Ctrl-C exits. The tasks
    /// stop when the returned guard is dropped.
    fn watch_signals(&self, sink: &Sink<'_>) -> SignalGuard {
        let mut tasks = Vec::new();
        let on_int = Arc::clone(self.runner.interrupt());
        tasks.push(tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                on_int.trigger(InterruptReason::CtrlC);
                if tokio::signal::ctrl_c().await.is_ok() {
                    std::process::exit(130);
                }
            }
        }));
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            match signal(SignalKind::terminate()) {
                Ok(mut term) => {
                    let on_term = Arc::clone(self.runner.interrupt());
                    tasks.push(tokio::spawn(async move {
                        if term.recv().await.is_some() {
                            on_term.trigger(InterruptReason::Terminate);
                        }
                    }));
                }
                Err(e) => sink.emit(&Event::Warning {
                    message: &format!(
                        "cannot watch SIGTERM ({e}); it will stop the run without teardown"
                    ),
                }),
            }
        }
        #[cfg(not(unix))]
        let _ = sink;
        SignalGuard(tasks)
    }

    /// One planned scenario, from `ScenarioStarted` to `ScenarioFinished`.
    async fn run_one(&self, index: usize, p: PlannedScenario, sink: &Sink<'_>) -> Status {
        let meta = Arc::clone(&p.scenario.meta);
        sink.emit(&Event::ScenarioStarted {
            index,
            scenario: &meta,
        });
        let outcome = Arc::new(self.outcome_of(index, &p, sink).await);
        if self.fail_fast
            && outcome.failed()
            && !self
                .stop_starting
                .swap(true, std::sync::atomic::Ordering::SeqCst)
        {
            sink.emit(&Event::Warning {
                message: &format!(
                    "scenario::{} failed; --fail-fast: no new scenario starts",
                    outcome.stem
                ),
            });
        }
        sink.emit(&Event::ScenarioFinished {
            index,
            outcome: &outcome,
        });
        outcome.status.clone()
    }

    async fn outcome_of(
        &self,
        index: usize,
        p: &PlannedScenario,
        sink: &Sink<'_>,
    ) -> ScenarioOutcome {
        let meta = &p.scenario.meta;
        if let Some(reason) = &p.skip {
            return ScenarioOutcome::skipped(meta, reason.clone());
        }
        if self.runner.is_interrupted() {
            return ScenarioOutcome::skipped(meta, "interrupted before it started");
        }
        if self.stop_starting.load(std::sync::atomic::Ordering::SeqCst) {
            return ScenarioOutcome::skipped(meta, "not started: a scenario failed (--fail-fast)");
        }
        if let Some(actor) = self.refused.as_ref().and_then(|r| r.refused_of(&p.actors)) {
            return ScenarioOutcome::skipped(
                meta,
                format!(
                    "not started: the target refuses the token of actor `{actor}` (401 to its first {REFUSED_AFTER} requests)"
                ),
            );
        }
        let scenario = match &p.scenario.source {
            ScenarioSource::Loaded(s) => Arc::clone(s),
            ScenarioSource::Deferred(opts) => match crate::scenario::load_file(&meta.path, opts) {
                Ok(s) => Arc::new(s),
                Err(e) => {
                    return failed_before_start(
                        meta,
                        format!("the file changed during the run and no longer loads: {e}"),
                    );
                }
            },
        };
        let observer = ScenarioObserver {
            sink,
            index,
            meta,
            refused: self.refused.as_ref(),
            planned: p,
            tokens: self.runner.tokens(),
        };
        let mut outcome = match &self.private_mock {
            Some(opts) if scenario.needs(crate::scenario::Need::Clock) => {
                // Scenarios that move the mock's clock get a private mock, so the clock
                // of the shared one never jumps under other scenarios running at once.
                let opts = opts.clone();
                match tokio::task::spawn_blocking(move || MockServer::start(opts)).await {
                    Ok(Ok(private)) => {
                        // `private` lives until the scenario is done, then stops.
                        self.runner
                            .run(&scenario, p, &private.base_url(), &observer)
                            .await
                    }
                    Ok(Err(e)) => {
                        return failed_before_start(
                            meta,
                            format!("cannot start a private mock: {e}"),
                        );
                    }
                    Err(e) => {
                        return failed_before_start(
                            meta,
                            format!("cannot start a private mock: {e}"),
                        );
                    }
                }
            }
            _ => {
                self.runner
                    .run(&scenario, p, &self.base_url, &observer)
                    .await
            }
        };
        for c in &self.checks {
            c.check(&scenario, &mut outcome);
        }
        outcome
    }
}

/// A scenario that could not start counts as failed, with the reason as its warning.
fn failed_before_start(meta: &ScenarioMeta, why: String) -> ScenarioOutcome {
    let mut o = ScenarioOutcome::skipped(meta, why.clone());
    o.status = Status::Failed;
    o.warnings.push(why);
    o
}

/// Aborts the signal watchers when the run is over.
struct SignalGuard(Vec<tokio::task::JoinHandle<()>>);

impl Drop for SignalGuard {
    fn drop(&mut self) {
        for t in &self.0 {
            t.abort();
        }
    }
}

/// The reporter of a run, shared by the scenarios in flight. They all run on the
/// task that drives the run (the stream polls them), and each call is synchronous,
/// so the borrow never overlaps.
struct Sink<'r> {
    reporter: RefCell<&'r mut dyn Reporter>,
    errors: RefCell<Vec<ReportError>>,
}

impl Sink<'_> {
    fn emit(&self, event: &Event<'_>) {
        if let Err(e) = self.reporter.borrow_mut().write_event(event) {
            self.errors.borrow_mut().extend(e.flatten());
        }
    }
}

/// Turns the runner's step notices into events.
struct ScenarioObserver<'a, 'r> {
    sink: &'a Sink<'r>,
    index: usize,
    meta: &'a ScenarioMeta,
    refused: Option<&'a refused::RefusedActors>,
    planned: &'a PlannedScenario,
    tokens: &'a TokenCache,
}

impl ScenarioObserver<'_, '_> {
    /// Once per actor: its token is refused, where it comes from, what happens now.
    fn warn_refused(&self, actor: &str) {
        let source = refused::token_source(self.planned.actors.get(actor).map(|a| &a.token));
        let message = format!(
            "actor `{actor}`: the target answered 401 to each of its first {REFUSED_AFTER} requests with its token, so the token is wrong or expired; check {source}. Its scenarios that have not started are skipped."
        );
        // A command may hold a token literally; no token reaches the output.
        let masked = crate::report::Masker::new(self.tokens.secrets()).mask(&message);
        self.sink.emit(&Event::Warning { message: &masked });
    }
}

impl StepObserver for ScenarioObserver<'_, '_> {
    fn step_finished(&self, record: &StepRecord<'_>) {
        self.sink.emit(&Event::StepFinished {
            index: self.index,
            scenario: self.meta,
            record: *record,
        });
        if let Some(actor) = self.refused.and_then(|r| r.note(record)) {
            self.warn_refused(&actor);
        }
    }

    fn teardown_started(&self, _scenario: &Scenario, interrupted: bool) {
        self.sink.emit(&Event::TeardownStarted {
            index: self.index,
            scenario: self.meta,
            interrupted,
        });
    }
}
