use std::path::PathBuf;
use std::sync::Arc;

use serde::Serialize;

use super::{CoverageCollector, Masker, Totals};
use crate::endpoint::TokenCache;
use crate::engine::{Event, ReportError, Reporter, RunInfo};
use crate::runner::ScenarioOutcome;
use crate::schema::{SchemaMode, SchemaRegistry};

/// The `--json` report. Its shape is documented in README ("JSON report") and tested;
/// `version` changes when a field changes meaning or disappears.
#[derive(Debug, Serialize)]
pub struct JsonReport<'a> {
    pub version: u32,
    pub tool: &'static str,
    pub tool_version: &'static str,
    pub target: &'a str,
    pub target_kind: crate::endpoint::TargetKind,
    pub schema_mode: String,
    /// When the run started, RFC 3339 in UTC.
    pub started_at: String,
    /// Wall time of the run in milliseconds (scenarios overlap: not their sum).
    pub duration: u64,
    /// What was asked for on the command line.
    pub selection: &'a RunSelection,
    /// The seed the order was shuffled with (`--shuffle`), else null.
    pub shuffle: Option<u64>,
    /// Scenarios run at once.
    pub jobs: usize,
    pub totals: Totals,
    pub scenarios: Vec<&'a ScenarioOutcome>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub coverage: Option<serde_json::Value>,
}

/// The scenarios a run was asked to run: `FILTER`, `--tag`, `--skip-tag`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RunSelection {
    /// Only scenarios whose stem contains this (null: all).
    pub filter: Option<String>,
    pub tags: Vec<String>,
    pub skip_tags: Vec<String>,
    /// `--allow-mutations` (mutating scenarios against a real tenant).
    pub allow_mutations: bool,
}

pub fn json_report(report: &JsonReport<'_>, masker: &Masker) -> Result<String, String> {
    let text = serde_json::to_string_pretty(report).map_err(|e| e.to_string())?;
    Ok(masker.mask(&text))
}

/// `--json FILE`: written when the run is over. Keeps every outcome whole, and the
/// coverage when asked.
pub struct JsonReporter {
    path: PathBuf,
    tokens: TokenCache,
    info: Option<RunInfo>,
    selection: RunSelection,
    outcomes: Vec<Arc<ScenarioOutcome>>,
    coverage: Option<(CoverageCollector, SchemaRegistry)>,
}

impl JsonReporter {
    /// `coverage`: include the coverage (computed against these schemas).
    pub fn new(path: PathBuf, tokens: TokenCache, coverage: Option<SchemaRegistry>) -> Self {
        JsonReporter {
            path,
            tokens,
            info: None,
            selection: RunSelection::default(),
            outcomes: Vec::new(),
            coverage: coverage.map(|s| (CoverageCollector::new(), s)),
        }
    }

    /// Record what the run was asked to select (the report's `selection`).
    pub fn with_selection(mut self, selection: RunSelection) -> Self {
        self.selection = selection;
        self
    }
}

impl Reporter for JsonReporter {
    fn write_event(&mut self, event: &Event<'_>) -> Result<(), ReportError> {
        match event {
            Event::RunStarted(info) => self.info = Some((*info).clone()),
            Event::StepFinished { record, .. } => {
                if let Some((c, _)) = &mut self.coverage {
                    c.observe(record);
                }
            }
            Event::ScenarioFinished { outcome, .. } => self.outcomes.push(Arc::clone(outcome)),
            Event::RunFinished(summary) => {
                self.outcomes.sort_by(|a, b| a.stem.cmp(&b.stem));
                let (target, kind, mode) = match &self.info {
                    Some(i) => (i.base_url.as_str(), i.kind, i.schema_mode),
                    None => (
                        "",
                        crate::endpoint::TargetKind::Embedded,
                        SchemaMode::Strict,
                    ),
                };
                let started = self
                    .info
                    .as_ref()
                    .map(|i| i.started_at)
                    .unwrap_or_else(std::time::SystemTime::now);
                let rep = JsonReport {
                    version: 2,
                    tool: "tgconform",
                    tool_version: env!("CARGO_PKG_VERSION"),
                    target,
                    target_kind: kind,
                    schema_mode: match mode {
                        SchemaMode::Strict => "strict".into(),
                        SchemaMode::Lenient => "lenient".into(),
                    },
                    started_at: chrono::DateTime::<chrono::Utc>::from(started)
                        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                    duration: u64::try_from(summary.duration.as_millis()).unwrap_or(u64::MAX),
                    selection: &self.selection,
                    shuffle: self.info.as_ref().and_then(|i| i.shuffle),
                    jobs: self.info.as_ref().map(|i| i.jobs).unwrap_or(1),
                    totals: summary.totals,
                    scenarios: self.outcomes.iter().map(|o| &**o).collect(),
                    coverage: self
                        .coverage
                        .as_ref()
                        .and_then(|(c, s)| serde_json::to_value(c.coverage(s)).ok()),
                };
                let masker = Masker::new(self.tokens.secrets());
                let text = json_report(&rep, &masker).map_err(|message| ReportError::Render {
                    what: "JSON",
                    message,
                })?;
                write_report(&self.path, &text)?;
            }
            _ => {}
        }
        Ok(())
    }
}

/// Write a report to `path`, or to stdout when `path` is `-`.
pub(crate) fn write_report(path: &std::path::Path, text: &str) -> Result<(), ReportError> {
    if path == std::path::Path::new("-") {
        super::report_out(text);
        if !text.ends_with('\n') {
            super::report_out("\n");
        }
        return Ok(());
    }
    std::fs::write(path, text).map_err(|source| ReportError::Write {
        path: path.to_path_buf(),
        source,
    })
}
