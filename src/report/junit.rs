use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use super::Masker;
use crate::runner::{ScenarioOutcome, ScenarioStatus, StepStatus};

/// JUnit XML: one `<testsuite name="tgconform">`, one `<testcase>` per scenario; a
/// failure names the step, the request and every finding.
pub fn junit_xml(outcomes: &[ScenarioOutcome], masker: &Masker) -> Result<String, String> {
    let mut report = Report::new("tgconform");
    let mut suite = TestSuite::new("tgconform");
    for o in outcomes {
        let status = match &o.status {
            ScenarioStatus::Passed => TestCaseStatus::success(),
            ScenarioStatus::Skipped(reason) => {
                let mut s = TestCaseStatus::skipped();
                s.set_message(masker.mask(reason));
                s
            }
            ScenarioStatus::Failed => {
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
                    StepStatus::Passed => "ok".into(),
                    StepStatus::Failed => "FAILED".into(),
                    StepStatus::Skipped(r) => format!("skipped ({r})"),
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
