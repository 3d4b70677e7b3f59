//! Presenting results: console, JUnit XML, JSON, GitHub annotations.
//!
//! Reporters read outcomes; they never re-run anything. Every text they emit passes
//! through [`Masker`], so a token that ever appeared in a response is not repeated.

mod console;
mod coverage;
mod github;
mod json;
mod junit;

pub use console::{render_outcome, summary_line};
pub use coverage::{Coverage, coverage, coverage_table};
pub use github::annotations;
pub use json::{JsonReport, json_report};
pub use junit::junit_xml;

use crate::runner::ScenarioOutcome;

/// Counts for the closing line and exit code.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Totals {
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
}

impl Totals {
    pub fn of(outcomes: &[ScenarioOutcome]) -> Totals {
        let mut t = Totals::default();
        for o in outcomes {
            match o.status {
                crate::runner::ScenarioStatus::Passed => t.passed += 1,
                crate::runner::ScenarioStatus::Failed => t.failed += 1,
                crate::runner::ScenarioStatus::Skipped(_) => t.skipped += 1,
            }
        }
        t
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
