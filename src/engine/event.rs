//! What the engine tells reporters, and the reporter interface.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use crate::endpoint::TargetKind;
use crate::plan::ScenarioMeta;
use crate::runner::{InterruptReason, ScenarioOutcome, Status, StepRecord};
use crate::schema::SchemaMode;

/// One thing that happened during a run, in the order it happened. Scenarios run
/// concurrently, so events of different scenarios interleave; `index` (the scenario's
/// place in the run order) tells them apart. The events of one scenario always come
/// as `ScenarioStarted`, `StepFinished`…, (`TeardownStarted`, `StepFinished`…),
/// `ScenarioFinished`.
#[derive(Debug, Clone, Copy)]
pub enum Event<'a> {
    /// First event: what runs against what.
    RunStarted(&'a RunInfo),
    /// Every planned scenario, skipped ones too, is started and finished once.
    ScenarioStarted {
        index: usize,
        scenario: &'a ScenarioMeta,
    },
    /// A step passed, failed or was skipped; with the request and response.
    StepFinished {
        index: usize,
        scenario: &'a ScenarioMeta,
        record: StepRecord<'a>,
    },
    /// A scenario's teardown steps start (only scenarios that have some).
    TeardownStarted {
        index: usize,
        scenario: &'a ScenarioMeta,
        /// The run was interrupted: main steps were cut short.
        interrupted: bool,
    },
    /// The scenario's outcome, after every check. Reporters keep what they need of
    /// it (the `Arc` may be kept whole, or cloned and slimmed).
    ScenarioFinished {
        index: usize,
        outcome: &'a Arc<ScenarioOutcome>,
    },
    /// Ctrl-C, SIGTERM or a caller's request: no new scenario starts, main steps stop,
    /// teardown steps run.
    Interrupted { reason: InterruptReason },
    /// Something the user should know that is no scenario's result.
    Warning { message: &'a str },
    /// Last event.
    RunFinished(&'a RunSummary),
}

/// What a run is about to do.
#[derive(Debug, Clone)]
pub struct RunInfo {
    pub tool_version: &'static str,
    /// Base URL of the target (the embedded mock's when it is embedded).
    pub base_url: String,
    pub kind: TargetKind,
    pub schema_mode: SchemaMode,
    pub jobs: usize,
    /// Planned scenarios, skipped ones included.
    pub scenarios: usize,
    /// The seed the order was shuffled with.
    pub shuffle: Option<u64>,
    pub started_at: SystemTime,
    /// What the run's checks judge against, one line each (see
    /// [`super::ScenarioCheck::describe`]).
    pub checks: Vec<String>,
}

/// Counts for the closing line and exit code.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Totals {
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
}

impl Totals {
    pub fn add(&mut self, status: &Status) {
        match status {
            Status::Passed => self.passed += 1,
            Status::Failed => self.failed += 1,
            Status::Skipped(_) => self.skipped += 1,
        }
    }

    pub fn of<'a>(outcomes: impl IntoIterator<Item = &'a ScenarioOutcome>) -> Totals {
        let mut t = Totals::default();
        for o in outcomes {
            t.add(&o.status);
        }
        t
    }
}

/// How a run ended.
#[derive(Debug, Clone)]
pub struct RunSummary {
    pub totals: Totals,
    /// Wall time from `RunStarted` to `RunFinished`.
    pub duration: Duration,
    pub interrupted: Option<InterruptReason>,
}

/// A reporter could not do its job (a file it cannot write, a document it cannot
/// render). The run goes on; the error changes the exit code.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot render {what}: {message}")]
    Render { what: &'static str, message: String },
    /// Several reporters failed on one event.
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Several(Vec<ReportError>),
}

impl ReportError {
    /// The errors one by one (`Several` flattened).
    pub fn flatten(self) -> Vec<ReportError> {
        match self {
            ReportError::Several(list) => list.into_iter().flat_map(ReportError::flatten).collect(),
            e => vec![e],
        }
    }
}

/// Consumes events. Calls come from the thread driving the run, one at a time and
/// in order; a reporter must not block for long (it holds up the run).
pub trait Reporter {
    fn write_event(&mut self, event: &Event<'_>) -> Result<(), ReportError>;
}

impl<R: Reporter + ?Sized> Reporter for &mut R {
    fn write_event(&mut self, event: &Event<'_>) -> Result<(), ReportError> {
        (**self).write_event(event)
    }
}

/// Several reporters, called in order for every event.
#[derive(Default)]
pub struct Reporters<'a> {
    list: Vec<Box<dyn Reporter + 'a>>,
}

impl<'a> Reporters<'a> {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, r: impl Reporter + 'a) {
        self.list.push(Box::new(r));
    }
}

impl Reporter for Reporters<'_> {
    /// Every reporter sees every event even when one before it fails.
    fn write_event(&mut self, event: &Event<'_>) -> Result<(), ReportError> {
        let mut errors = Vec::new();
        for r in &mut self.list {
            if let Err(e) = r.write_event(event) {
                errors.push(e);
            }
        }
        match errors.len() {
            0 => Ok(()),
            1 => Err(errors.remove(0)),
            _ => Err(ReportError::Several(errors)),
        }
    }
}

/// Keeps finished outcomes (all, or the failed ones), for callers that look at them
/// after the run (the self-test, the test harness).
#[derive(Debug, Default)]
pub struct Collect {
    pub outcomes: Vec<Arc<ScenarioOutcome>>,
    failures_only: bool,
}

impl Collect {
    pub fn all() -> Self {
        Collect::default()
    }

    pub fn failures() -> Self {
        Collect {
            outcomes: Vec::new(),
            failures_only: true,
        }
    }
}

impl Reporter for Collect {
    fn write_event(&mut self, event: &Event<'_>) -> Result<(), ReportError> {
        if let Event::ScenarioFinished { outcome, .. } = event
            && (!self.failures_only || outcome.failed())
        {
            self.outcomes.push(Arc::clone(outcome));
        }
        Ok(())
    }
}
