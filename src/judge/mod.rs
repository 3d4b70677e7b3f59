//! Deciding pass or fail: status, content type, schema, JSONPath and header matchers.
//!
//! The judge is pure: it looks at a response the runner received and at the
//! scenario's expectations, and returns findings. It sends nothing.

mod body;
mod envelope;
mod finding;
mod matchers;
mod verdict;

pub use body::{JsonError, excerpt, parse_json_strict, printable};
pub use envelope::{Envelope, EnvelopeInput, EnvelopeOutcome, EnvelopeViolation};
pub use finding::{Finding, FindingKind, GraphError, Problem, Subject};
pub use matchers::check_assertion;
pub use verdict::{ResponseView, Verdict, judge};

/// A resolver that knows no variable, for tests elsewhere in the crate.
#[cfg(test)]
pub(crate) use matchers::tests::NoVars;
