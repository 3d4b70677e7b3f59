//! Where start-up time goes: milestones from `main` to the first request sent, logged
//! at debug level under the target `tgconform::startup`
//! (`TGCONFORM_LOG=tgconform::startup=debug`, or `-vv` with every other debug log).
//!
//! A leaf module (it uses nothing of the crate) so that the CLI and the runner can both
//! mark milestones without the runner depending on the layers above it. What happens
//! before `main` (exec, the dynamic loader, the Rust runtime) is not counted here:
//! `tgconform --version` under a timer measures that floor.

use std::sync::{Once, OnceLock};
use std::time::Instant;

static START: OnceLock<Instant> = OnceLock::new();

/// Mark the start of the process (first thing in `main`). Until it is called,
/// milestones log nothing, so library users and tests see no start-up lines.
pub(crate) fn begin() {
    let _ = START.set(Instant::now());
}

/// Log a milestone with the time since [`begin`].
pub(crate) fn milestone(what: &str) {
    if let Some(t0) = START.get() {
        tracing::debug!(
            target: "tgconform::startup",
            "{:.2} ms: {what}",
            t0.elapsed().as_secs_f64() * 1000.0
        );
    }
}

/// The first request of the process ends start-up; later calls log nothing.
pub(crate) fn first_request() {
    static SENT: Once = Once::new();
    SENT.call_once(|| milestone("first request"));
}
