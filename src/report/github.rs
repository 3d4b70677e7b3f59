use std::sync::Arc;

use super::Masker;
use crate::engine::{Event, ReportError, Reporter};
use crate::runner::{ScenarioOutcome, Status};
use crate::target::TokenCache;

/// GitHub Actions annotations, printed when the run is over. Keeps failed outcomes.
pub struct AnnotationsReporter {
    tokens: TokenCache,
    failed: Vec<Arc<ScenarioOutcome>>,
}

impl AnnotationsReporter {
    pub fn new(tokens: TokenCache) -> Self {
        AnnotationsReporter {
            tokens,
            failed: Vec::new(),
        }
    }
}

impl Reporter for AnnotationsReporter {
    fn write_event(&mut self, event: &Event<'_>) -> Result<(), ReportError> {
        match event {
            Event::ScenarioFinished { outcome, .. } if outcome.failed() => {
                self.failed.push(Arc::clone(outcome));
            }
            Event::RunFinished(_) => {
                self.failed.sort_by(|a, b| a.stem.cmp(&b.stem));
                let masker = Masker::new(self.tokens.secrets());
                print!("{}", annotations(&self.failed, &masker));
            }
            _ => {}
        }
        Ok(())
    }
}

/// GitHub Actions workflow commands: one `::error` per finding, at the scenario line.
pub fn annotations(outcomes: &[Arc<ScenarioOutcome>], masker: &Masker) -> String {
    let mut out = String::new();
    for o in outcomes.iter().filter(|o| o.failed()) {
        for s in o.steps.iter().filter(|s| s.status == Status::Failed) {
            for f in &s.failures {
                let msg = format!("scenario::{} step `{}`: {}", o.stem, s.name, f.message);
                out.push_str(&format!(
                    "::error file={},line={},col={},title=tgconform::{}::{}\n",
                    escape_prop(&o.path.display().to_string()),
                    f.span.line.max(1),
                    f.span.column.max(1),
                    escape_prop(&o.stem),
                    escape_data(&masker.mask(&msg))
                ));
            }
        }
    }
    out
}

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_prop(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}
