//! What the runner tells its caller while a scenario runs: each step as it finishes,
//! with the request sent and the response received (the engine turns these into
//! events for reporters).

use serde_json::Value;

use super::outcome::StepOutcome;
use crate::scenario::{Scenario, Step};

/// One finished step (passed, failed or skipped), with what went over the wire.
#[derive(Debug, Clone, Copy)]
pub struct StepRecord<'a> {
    pub scenario: &'a Scenario,
    pub step: &'a Step,
    pub outcome: &'a StepOutcome,
    /// The last request sent; `None` when the step was skipped or could not be built.
    pub request: Option<RequestRecord<'a>>,
    /// The response to the last attempt; `None` when none arrived complete.
    pub response: Option<ResponseRecord<'a>>,
}

/// A request as sent, without the `Authorization` header (tokens stay in the runner).
#[derive(Debug, Clone, Copy)]
pub struct RequestRecord<'a> {
    pub method: &'a str,
    pub url: &'a str,
    pub headers: &'a [(String, String)],
    pub body: Option<&'a [u8]>,
}

/// A complete response.
#[derive(Debug, Clone, Copy)]
pub struct ResponseRecord<'a> {
    pub status: u16,
    /// Header names in lower case, in the order received.
    pub headers: &'a [(String, String)],
    pub body: &'a [u8],
    /// The parsed body, when it is JSON.
    pub json: Option<&'a Value>,
}

/// Receives a scenario's progress. Calls are synchronous and made from the task that
/// runs the scenario; an observer must not block.
pub trait StepObserver {
    fn step_finished(&self, _record: &StepRecord<'_>) {}
    /// The scenario's teardown steps start (only for scenarios that have some).
    fn teardown_started(&self, _scenario: &Scenario, _interrupted: bool) {}
}

/// Observes nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoObserver;

impl StepObserver for NoObserver {}
