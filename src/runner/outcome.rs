use std::path::PathBuf;
use std::time::Duration;

use serde::Serialize;
use serde_json::Value;

use crate::judge::Finding;
use crate::scenario::{Span, StepPhase};

/// How a scenario or a step ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", content = "reason", rename_all = "lowercase")]
pub enum Status {
    Passed,
    Failed,
    Skipped(String),
}

/// One request and its response, as far as reports need them.
#[derive(Debug, Clone, Serialize)]
pub struct Exchange {
    pub method: String,
    /// The full URL sent (no secrets: tokens travel in headers only).
    pub url: String,
    /// The path as written in the scenario, placeholders unrendered (stable for snapshots).
    pub path_template: String,
    pub status: Option<u16>,
    /// Graph's diagnostics, what Microsoft support asks for.
    pub request_id: Option<String>,
    pub client_request_id: String,
    pub date: Option<String>,
    #[serde(serialize_with = "ser_ms")]
    pub duration: Duration,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_body: Option<String>,
    /// A short excerpt of the response body, for failure messages.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_excerpt: Option<String>,
    pub attempts: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct StepOutcome {
    pub name: String,
    pub phase: StepPhase,
    pub actor: String,
    pub span: Span,
    #[serde(flatten)]
    pub status: Status,
    pub exchange: Option<Exchange>,
    pub failures: Vec<Finding>,
    pub warnings: Vec<String>,
    /// Ids of the catalogue rules the step's assertions check (`checks:`).
    pub checks: Vec<String>,
    /// Ids of the rules the Graph envelope checked on this step's responses and found
    /// held (main steps; see `judge::Envelope`).
    pub envelope: Vec<String>,
}

/// A snapshotted step: what `snapshots/` records (before redaction).
#[derive(Debug, Clone, Serialize)]
pub struct SnapshotEntry {
    pub step: String,
    pub method: String,
    pub path: String,
    pub status: u16,
    pub body: Value,
}

#[derive(Debug, Clone, Serialize)]
pub struct ScenarioOutcome {
    pub stem: String,
    pub name: String,
    pub path: PathBuf,
    pub tags: Vec<String>,
    #[serde(flatten)]
    pub status: Status,
    #[serde(serialize_with = "ser_ms")]
    pub duration: Duration,
    pub steps: Vec<StepOutcome>,
    pub warnings: Vec<String>,
    /// Teardown requests that failed: what the user must remove by hand.
    pub leftovers: Vec<String>,
    #[serde(skip)]
    pub snapshot: Vec<SnapshotEntry>,
    /// Dynamic values of this run (tenant ids, captures…), name → value, for redaction.
    #[serde(skip)]
    pub dynamic_values: Vec<(String, String)>,
}

impl ScenarioOutcome {
    pub fn skipped(scenario: &crate::plan::ScenarioMeta, reason: impl Into<String>) -> Self {
        ScenarioOutcome {
            stem: scenario.stem.clone(),
            name: scenario.name.clone(),
            path: scenario.path.clone(),
            tags: scenario.tags.clone(),
            status: Status::Skipped(reason.into()),
            duration: Duration::ZERO,
            steps: Vec::new(),
            warnings: Vec::new(),
            leftovers: Vec::new(),
            snapshot: Vec::new(),
            dynamic_values: Vec::new(),
        }
    }

    pub fn passed(&self) -> bool {
        self.status == Status::Passed
    }

    pub fn failed(&self) -> bool {
        self.status == Status::Failed
    }

    /// The first failing step, for one-line summaries and annotations.
    pub fn first_failure(&self) -> Option<&StepOutcome> {
        self.steps.iter().find(|s| s.status == Status::Failed)
    }
}

fn ser_ms<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u64(u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}
