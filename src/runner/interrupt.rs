//! The interrupt of a run (Ctrl-C, SIGTERM, or a caller's request): main steps stop,
//! requests in flight are abandoned, teardown steps still run.

use std::sync::atomic::{AtomicU8, Ordering};

use tokio::sync::Notify;

/// Why a run was interrupted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum InterruptReason {
    /// Ctrl-C (SIGINT).
    CtrlC,
    /// SIGTERM.
    Terminate,
    /// The program driving the engine asked for it.
    Requested,
}

impl InterruptReason {
    fn code(self) -> u8 {
        match self {
            InterruptReason::CtrlC => 1,
            InterruptReason::Terminate => 2,
            InterruptReason::Requested => 3,
        }
    }

    fn from_code(c: u8) -> Option<Self> {
        match c {
            1 => Some(InterruptReason::CtrlC),
            2 => Some(InterruptReason::Terminate),
            3 => Some(InterruptReason::Requested),
            _ => None,
        }
    }
}

/// Shared by the runner (which obeys it) and whoever may trigger it.
#[derive(Debug, Default)]
pub struct Interrupt {
    /// 0: not interrupted; else the first reason's code.
    reason: AtomicU8,
    notify: Notify,
}

impl Interrupt {
    /// Interrupt the run; the first reason sticks. True when this call was the first.
    pub fn trigger(&self, reason: InterruptReason) -> bool {
        let first = self
            .reason
            .compare_exchange(0, reason.code(), Ordering::SeqCst, Ordering::SeqCst)
            .is_ok();
        self.notify.notify_waiters();
        first
    }

    pub fn reason(&self) -> Option<InterruptReason> {
        InterruptReason::from_code(self.reason.load(Ordering::SeqCst))
    }

    pub fn is_set(&self) -> bool {
        self.reason().is_some()
    }

    /// Resolves once the run is interrupted (at once if it already is).
    pub async fn wait(&self) -> InterruptReason {
        loop {
            let notified = self.notify.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if let Some(r) = self.reason() {
                return r;
            }
            notified.await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_reason_sticks() {
        let i = Interrupt::default();
        assert!(i.trigger(InterruptReason::Terminate));
        assert!(!i.trigger(InterruptReason::CtrlC));
        assert_eq!(i.reason(), Some(InterruptReason::Terminate));
    }
}
