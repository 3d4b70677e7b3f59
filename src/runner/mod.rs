//! Executing a plan: one HTTP client, steps in order, captures, polling, teardown.
//!
//! The runner asks the judge about every response (later steps need captures and
//! polling needs verdicts), and records what happened for the reporters.

mod execute;
mod http;
mod interrupt;
mod observe;
mod outcome;
mod paging;
mod preview;
mod request;
mod state;

pub use execute::{DEFAULT_RETRY_AFTER_BUDGET, RunConfig, Runner};
pub use http::{DEFAULT_MAX_BODY, DEFAULT_TIMEOUT, HttpError};
pub use interrupt::{Interrupt, InterruptReason};
pub use observe::{NoObserver, RequestRecord, ResponseRecord, StepObserver, StepRecord};
pub use outcome::{Exchange, ScenarioOutcome, SnapshotEntry, Status, StepOutcome};
pub use preview::{AuthPreview, StepPreview, preview};
pub(crate) use request::origin as origin_of;
