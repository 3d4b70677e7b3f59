use std::path::PathBuf;
use std::sync::Arc;

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use super::Masker;
use crate::engine::{Event, ReportError, Reporter};
use crate::runner::{ScenarioOutcome, Status};
use crate::target::TokenCache;

/// `--junit FILE`: written when the run is over. Keeps every scenario's steps, and
/// request and response excerpts of failed steps only.
pub struct JunitReporter {
    path: PathBuf,
    tokens: TokenCache,
    outcomes: Vec<Arc<ScenarioOutcome>>,
}

impl JunitReporter {
    pub fn new(path: PathBuf, tokens: TokenCache) -> Self {
        JunitReporter {
            path,
            tokens,
            outcomes: Vec::new(),
        }
    }
}

impl Reporter for JunitReporter {
    fn write_event(&mut self, event: &Event<'_>) -> Result<(), ReportError> {
        match event {
            Event::ScenarioFinished { outcome, .. } => {
                self.outcomes.push(Arc::new(super::without_bodies(outcome)));
            }
            Event::RunFinished(_) => {
                self.outcomes.sort_by(|a, b| a.stem.cmp(&b.stem));
                let masker = Masker::new(self.tokens.secrets());
                let xml =
                    junit_xml(&self.outcomes, &masker).map_err(|message| ReportError::Render {
                        what: "JUnit",
                        message,
                    })?;
                super::json::write_report(&self.path, &xml)?;
            }
            _ => {}
        }
        Ok(())
    }
}

/// JUnit XML: one `<testsuite name="tgconform">`, one `<testcase>` per scenario; a
/// failure names the step, the request and every finding.
pub fn junit_xml(outcomes: &[Arc<ScenarioOutcome>], masker: &Masker) -> Result<String, String> {
    let mut report = Report::new("tgconform");
    let mut suite = TestSuite::new("tgconform");
    for o in outcomes {
        let status = match &o.status {
            Status::Passed => TestCaseStatus::success(),
            Status::Skipped(reason) => {
                let mut s = TestCaseStatus::skipped();
                s.set_message(masker.mask(reason));
                s
            }
            Status::Failed => {
                let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
                let first = o.first_failure();
                let msg = first
                    .and_then(|st| {
                        st.failures
                            .first()
                            .map(|f| format!("step `{}`: {}", st.name, f.message))
                    })
                    .unwrap_or_else(|| "teardown or setup failed".into());
                s.set_message(masker.mask(&msg));
                s.set_type("conformance");
                s.set_description(masker.mask(&super::render_outcome(o, masker, false)));
                s
            }
        };
        let mut case = TestCase::new(format!("scenario::{}", o.stem), status);
        case.set_classname(o.path.display().to_string());
        case.set_time(o.duration);
        let steps: Vec<String> = o
            .steps
            .iter()
            .map(|s| {
                let st = match &s.status {
                    Status::Passed => "ok".into(),
                    Status::Failed => "FAILED".into(),
                    Status::Skipped(r) => format!("skipped ({r})"),
                };
                format!("{} [{}]: {st}", s.name, s.actor)
            })
            .collect();
        case.set_system_out(masker.mask(&steps.join("\n")));
        suite.add_test_case(case);
    }
    report.add_test_suite(suite);
    report.to_string().map_err(|e| e.to_string())
}
