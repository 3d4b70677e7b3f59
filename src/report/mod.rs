//! Presenting results: console, JUnit XML, JSON, GitHub annotations.
//!
//! Reporters consume the engine's events and keep only what they need (the console
//! keeps nothing but leftovers; JSON keeps every outcome), so a run's memory is what
//! its reports ask for. They never re-run anything. Every text they emit passes
//! through [`Masker`], so a token that ever appeared in a response is not repeated.

mod colour;
mod console;
mod coverage;
mod github;
mod html;
mod json;
mod junit;
mod progress;
mod rule_coverage;

pub use colour::{ColorChoice, Palette, Style};
pub use console::{
    ConsoleReporter, banner, err, out, render_outcome, report_out, reserve_stdout, stdout_taken,
    summary_line, timing_line,
};
pub use coverage::{Coverage, CoverageCollector, CoverageReporter, coverage_table};
pub use github::{AnnotationsReporter, annotations, load_error_annotation};
pub use html::HtmlReporter;
pub use json::{JsonReport, JsonReporter, RunSelection, json_report};
pub use junit::{JunitReporter, SuiteRun, hostname, junit_xml};
pub use progress::{Progress, ProgressMode, ProgressRedraw, ProgressReporter};
pub use rule_coverage::{
    EvidenceCounts, RuleCoverage, RuleCoverageCollector, RuleStatus, StepChecks, rule_coverage,
    rule_coverage_table,
};

pub use crate::engine::Totals;
use crate::runner::{ScenarioOutcome, Status};

/// A copy of an outcome for reports that list steps but show bodies only of failed
/// steps: no snapshot, no dynamic values, no bodies of passed or skipped steps.
pub fn without_bodies(o: &ScenarioOutcome) -> ScenarioOutcome {
    let mut steps = o.steps.clone();
    for s in &mut steps {
        if s.status != Status::Failed
            && let Some(e) = &mut s.exchange
        {
            e.request_body = None;
            e.response_excerpt = None;
        }
    }
    ScenarioOutcome {
        stem: o.stem.clone(),
        name: o.name.clone(),
        path: o.path.clone(),
        tags: o.tags.clone(),
        status: o.status.clone(),
        duration: o.duration,
        steps,
        warnings: o.warnings.clone(),
        leftovers: o.leftovers.clone(),
        snapshot: Vec::new(),
        dynamic_values: Vec::new(),
    }
}

/// Replaces secrets with `***` in report text.
#[derive(Debug, Clone, Default)]
pub struct Masker {
    secrets: Vec<String>,
}

impl Masker {
    pub fn new(mut secrets: Vec<String>) -> Self {
        secrets.retain(|s| s.len() >= 4);
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        Masker { secrets }
    }

    pub fn mask(&self, text: &str) -> String {
        let mut out = text.to_string();
        for s in &self.secrets {
            if out.contains(s.as_str()) {
                out = out.replace(s.as_str(), "***");
            }
        }
        // Anything shaped like a JWT is a bearer token, registered or not (every mock
        // token of a run is one: registering thousands of them one by one would make
        // masking quadratic in the number of scenarios).
        if out.contains("eyJ") {
            out = jwt_shape().replace_all(&out, "***").into_owned();
        }
        out
    }
}

fn jwt_shape() -> &'static regex::Regex {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| {
        regex::Regex::new(r"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*")
            .unwrap_or_else(|_| unreachable!("the JWT pattern is a valid regex"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masker_hides_unregistered_jwt_shaped_tokens() {
        let t = crate::contract::mint_mock_token(&serde_json::json!({"tid": "t"}));
        let m = Masker::new(Vec::new());
        assert_eq!(m.mask(&format!("Bearer {t} end")), "Bearer *** end");
    }

    #[test]
    fn masker_hides_every_occurrence() {
        let m = Masker::new(vec!["sekret-token".into(), "ab".into()]);
        assert_eq!(m.mask("a sekret-token b sekret-token ab"), "a *** b *** ab");
    }
}
