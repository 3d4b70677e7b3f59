//! The one error type of the command line, and what the process environment says.

use crate::engine::{EngineError, ReportError};
use crate::scenario::LoadError;

/// Why a command did not succeed. Every command returns it; `main` prints it once and
/// exits with [`CliError::exit_code`].
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Bad arguments or configuration; nothing was sent.
    #[error("{0}")]
    Usage(String),
    /// The scenario folder cannot be read.
    #[error("{0}")]
    Discover(Box<LoadError>),
    /// Scenario files that do not load; nothing was sent.
    #[error("{}", load_errors(.0))]
    Scenarios(Vec<LoadError>),
    #[error(transparent)]
    Engine(#[from] EngineError),
    /// Reports that could not be written or rendered: the run happened, but its
    /// record is missing, so the run does not count as a success.
    #[error("{}", .0.iter().map(|e| format!("error: {e}")).collect::<Vec<_>>().join("\n"))]
    Reports(Vec<ReportError>),
    /// A check failed (a scenario, a surviving fault, an invalid payload); what
    /// failed was printed already.
    #[error("a check failed")]
    Failed,
}

impl CliError {
    /// 1: a check failed; 2: usage, configuration, scenario-file or report error.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Failed => super::EXIT_FAILED,
            _ => super::EXIT_USAGE,
        }
    }

    /// Print to stderr, in the form each kind has always had.
    pub fn print(&self) {
        match self {
            CliError::Failed => {}
            CliError::Discover(_) | CliError::Scenarios(_) | CliError::Reports(_) => {
                errln!("{self}")
            }
            _ => errln!("error: {self}"),
        }
    }
}

/// A usage error with this message.
pub(crate) fn usage(msg: impl std::fmt::Display) -> CliError {
    CliError::Usage(msg.to_string())
}

fn load_errors(errors: &[LoadError]) -> String {
    let mut out = String::new();
    for e in errors {
        out.push_str(&format!("{e}\n\n"));
    }
    out.push_str(&format!(
        "{} scenario file(s) could not be loaded; nothing was sent",
        errors.len()
    ));
    out
}

/// The environment variables the command line reads, read once at start.
#[derive(Debug, Clone, Default)]
pub struct Env {
    /// `GITHUB_ACTIONS=true`: print workflow annotations.
    pub github_actions: bool,
    /// `TGCONFORM_LOG`: a tracing filter that overrides `-v`.
    pub log: Option<String>,
}

impl Env {
    pub fn from_process() -> Env {
        Env {
            github_actions: std::env::var("GITHUB_ACTIONS").as_deref() == Ok("true"),
            log: std::env::var("TGCONFORM_LOG").ok(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_check_exits_1_and_everything_else_2() {
        assert_eq!(CliError::Failed.exit_code(), 1);
        assert_eq!(usage("x").exit_code(), 2);
        let unwritable = ReportError::Write {
            path: "r.json".into(),
            source: std::io::Error::other("read-only"),
        };
        assert_eq!(CliError::Reports(vec![unwritable]).exit_code(), 2);
    }

    #[test]
    fn report_errors_print_one_line_each() {
        let e = CliError::Reports(vec![
            ReportError::Render {
                what: "JUnit",
                message: "bad".into(),
            },
            ReportError::Write {
                path: "r.json".into(),
                source: std::io::Error::other("read-only"),
            },
        ]);
        assert_eq!(
            e.to_string(),
            "error: cannot render JUnit: bad\nerror: cannot write r.json: read-only"
        );
    }
}
