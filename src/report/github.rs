use super::Masker;
use crate::runner::{ScenarioOutcome, StepStatus};

/// GitHub Actions workflow commands: one `::error` per finding, at the scenario line.
pub fn annotations(outcomes: &[ScenarioOutcome], masker: &Masker) -> String {
    let mut out = String::new();
    for o in outcomes.iter().filter(|o| o.failed()) {
        for s in o.steps.iter().filter(|s| s.status == StepStatus::Failed) {
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
