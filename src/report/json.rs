use serde::Serialize;

use super::{Masker, Totals};
use crate::runner::ScenarioOutcome;

/// The `--json` report. Its shape is documented in README ("JSON report") and tested;
/// `version` changes when a field changes meaning or disappears.
#[derive(Debug, Serialize)]
pub struct JsonReport<'a> {
    pub version: u32,
    pub tool: &'static str,
    pub tool_version: &'static str,
    pub target: &'a str,
    pub target_kind: crate::target::TargetKind,
    pub schema_mode: String,
    pub totals: Totals,
    pub scenarios: &'a [ScenarioOutcome],
    #[serde(skip_serializing_if = "Option::is_none")]
    pub coverage: Option<serde_json::Value>,
}

pub fn json_report(report: &JsonReport<'_>, masker: &Masker) -> Result<String, String> {
    let text = serde_json::to_string_pretty(report).map_err(|e| e.to_string())?;
    Ok(masker.mask(&text))
}
