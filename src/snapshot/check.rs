//! Snapshot comparison as a check of a run: after each scenario, compare its snapshot
//! and fold the result into the outcome (a difference fails the scenario, with the
//! diff on the step that differs), and keep a tally for the closing summary.

use std::path::PathBuf;
use std::sync::Mutex;

use super::{Comparison, Mismatch, Snapshots};
use crate::endpoint::TokenCache;
use crate::judge::{Finding, FindingKind};
use crate::report::Masker;
use crate::runner::{ScenarioOutcome, Status};
use crate::scenario::Scenario;

/// Compares every scenario's snapshot of a run.
#[derive(Debug)]
pub struct SnapshotCheck {
    snapshots: Snapshots,
    tokens: TokenCache,
    tally: Mutex<Tally>,
}

/// What the comparisons of a run found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    pub matched: usize,
    pub recorded: Vec<PathBuf>,
    pub updated: Vec<PathBuf>,
    /// Stored snapshots that differ or are missing.
    pub failed: Vec<PathBuf>,
    /// Pending files written for review.
    pub pending: Vec<PathBuf>,
}

impl SnapshotCheck {
    /// `tokens` is the run's token cache: every token it fetched is masked.
    pub fn new(snapshots: Snapshots, tokens: TokenCache) -> SnapshotCheck {
        SnapshotCheck {
            snapshots,
            tokens,
            tally: Mutex::new(Tally::default()),
        }
    }

    pub fn snapshots(&self) -> &Snapshots {
        &self.snapshots
    }

    /// What the comparisons found so far; paths sorted (scenarios finish in any order).
    pub fn tally(&self) -> Tally {
        let mut t = self.tally.lock().map(|t| t.clone()).unwrap_or_default();
        for list in [
            &mut t.recorded,
            &mut t.updated,
            &mut t.failed,
            &mut t.pending,
        ] {
            list.sort();
        }
        t
    }

    /// Compare the snapshot of a finished scenario and record the result in `outcome`.
    /// A scenario that failed before its snapshot was complete is not compared: its
    /// snapshot would differ for a reason the run already reports.
    pub fn check_outcome(&self, scenario: &Scenario, outcome: &mut ScenarioOutcome) {
        if outcome.status != Status::Passed {
            return;
        }
        let masker = Masker::new(self.tokens.secrets());
        let result = self.snapshots.check(scenario, outcome, &masker);
        let Ok(mut tally) = self.tally.lock() else {
            return;
        };
        match result {
            Ok(None) => {}
            Ok(Some(Comparison::Matched)) => tally.matched += 1,
            Ok(Some(Comparison::Recorded(p))) => tally.recorded.push(p),
            Ok(Some(Comparison::Updated(p))) => tally.updated.push(p),
            Ok(Some(Comparison::Failed(m))) => {
                tally.failed.push(m.snap.clone());
                tally.pending.extend(m.pending.clone());
                fail(outcome, first_step(outcome, &m), message(&m));
            }
            Err(e) => {
                let step = outcome.snapshot.first().map(|e| e.step.clone());
                fail(outcome, step, format!("snapshot: {e}"));
            }
        }
    }
}

/// The step a mismatch is reported on: the first one that differs, else the first
/// snapshotted step.
fn first_step(outcome: &ScenarioOutcome, m: &Mismatch) -> Option<String> {
    m.steps
        .iter()
        .map(|c| c.name().to_string())
        .find(|n| outcome.steps.iter().any(|s| &s.name == n))
        .or_else(|| outcome.snapshot.first().map(|e| e.step.clone()))
}

/// The finding's text: what differs, then the diff indented under it.
fn message(m: &Mismatch) -> String {
    let text = m.to_string();
    let mut lines = text.lines();
    let first = lines.next().unwrap_or_default().to_string();
    lines.fold(first, |mut acc, l| {
        acc.push_str("\n      ");
        acc.push_str(l);
        acc
    })
}

fn fail(outcome: &mut ScenarioOutcome, step: Option<String>, message: String) {
    outcome.status = Status::Failed;
    let at = step
        .and_then(|n| outcome.steps.iter().position(|s| s.name == n))
        .or_else(|| outcome.steps.len().checked_sub(1));
    match at {
        Some(i) => {
            let s = &mut outcome.steps[i];
            s.status = Status::Failed;
            let span = s.span;
            s.failures
                .push(Finding::new(FindingKind::Snapshot, span, message));
        }
        None => outcome.warnings.push(message),
    }
}

impl crate::engine::ScenarioCheck for SnapshotCheck {
    fn check(&self, scenario: &Scenario, outcome: &mut ScenarioOutcome) {
        self.check_outcome(scenario, outcome);
    }

    /// The folder and the mode: which stored files a run is judged against is the
    /// first thing to know when it fails on "no stored snapshot".
    fn describe(&self) -> Option<String> {
        let s = &self.snapshots;
        Some(format!(
            "snapshots: {} ({} mode, unless a scenario sets snapshotMode)",
            folder(s.store.dir()),
            super::default_mode(&s.profile, s.kind).as_str()
        ))
    }
}

/// A folder as a user types it: with a trailing `/`.
fn folder(dir: &std::path::Path) -> String {
    let d = dir.display().to_string();
    if d.ends_with('/') { d } else { format!("{d}/") }
}

/// Prints what the snapshot comparisons of a run found, and stale snapshots, when the
/// run finishes (before the console's closing line: push it before that reporter).
pub struct SnapshotReporter {
    check: std::sync::Arc<SnapshotCheck>,
    stale: Vec<super::Stale>,
    note: Option<String>,
}

impl SnapshotReporter {
    /// `stale`: what [`Snapshots::stale`] found before the run; `note`: a line to print
    /// instead when stale snapshots could not be judged.
    pub fn new(
        check: std::sync::Arc<SnapshotCheck>,
        stale: Vec<super::Stale>,
        note: Option<String>,
    ) -> SnapshotReporter {
        SnapshotReporter { check, stale, note }
    }

    /// The lines printed at the end of the run.
    pub fn closing_lines(&self) -> Vec<String> {
        let mut out = self.check.tally().summary();
        if !self.stale.is_empty() {
            out.push(format!(
                "{} stale snapshot(s) in {}: `tgconform review --stale` lists them, `--delete-stale` deletes them",
                self.stale.len(),
                super::store::shown(self.check.snapshots().store.dir())
            ));
            for s in &self.stale {
                out.push(format!("  stale: {s}"));
            }
        }
        out.extend(self.note.clone());
        out
    }
}

impl crate::engine::Reporter for SnapshotReporter {
    fn write_event(
        &mut self,
        event: &crate::engine::Event<'_>,
    ) -> Result<(), crate::engine::ReportError> {
        if let crate::engine::Event::RunFinished(_) = event {
            let lines = self.closing_lines();
            if !lines.is_empty() {
                crate::report::out(&format!("\n{}\n", lines.join("\n")));
            }
        }
        Ok(())
    }
}

impl Tally {
    /// The closing lines of a run (empty when no scenario snapshotted anything).
    pub fn summary(&self) -> Vec<String> {
        let total = self.matched + self.recorded.len() + self.updated.len() + self.failed.len();
        if total == 0 {
            return Vec::new();
        }
        let mut out = vec![format!(
            "snapshots: {} matched, {} recorded, {} updated, {} differ or missing",
            self.matched,
            self.recorded.len(),
            self.updated.len(),
            self.failed.len()
        )];
        for p in &self.recorded {
            out.push(format!("  recorded {}", super::store::shown(p)));
        }
        for p in &self.updated {
            out.push(format!("  updated  {}", super::store::shown(p)));
        }
        if !self.pending.is_empty() {
            out.push(format!(
                "  {} pending .snap.new file(s): review with `tgconform review` (or `cargo insta review`)",
                self.pending.len()
            ));
        } else if !self.failed.is_empty() {
            out.push(
                "  nothing written (CI or INSTA_UPDATE=no); `--snapshots update` records the new results"
                    .to_string(),
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::endpoint::{Profile, TargetKind};
    use crate::runner::{SnapshotEntry, StepOutcome};
    use crate::scenario::StepPhase;
    use crate::snapshot::{EnumVocabulary, Policy, Store, Update};
    use std::path::Path;

    const SCENARIO: &str = "name: n\nactors: [governing]\nsteps:\n  - name: read\n    as: governing\n    request: {method: GET, path: /x}\n    expect: {status: 200}\n    snapshot: true\n";

    fn scenario() -> Scenario {
        crate::scenario::load_str(
            Path::new("/w/scenarios/n.yaml"),
            SCENARIO,
            &Default::default(),
        )
        .unwrap_or_else(|e| panic!("{e}"))
    }

    fn outcome(s: &Scenario, value: &str) -> ScenarioOutcome {
        ScenarioOutcome {
            stem: s.stem.clone(),
            name: s.name.clone(),
            path: s.path.clone(),
            tags: vec![],
            status: Status::Passed,
            duration: std::time::Duration::ZERO,
            steps: vec![StepOutcome {
                name: "read".into(),
                phase: StepPhase::Main,
                actor: "governing".into(),
                span: s.steps[0].span,
                status: Status::Passed,
                exchange: None,
                failures: vec![],
                warnings: vec![],
                checks: vec![],
                envelope: vec![],
            }],
            warnings: vec![],
            leftovers: vec![],
            snapshot: vec![SnapshotEntry {
                step: "read".into(),
                method: "GET".into(),
                path: "/x".into(),
                status: 200,
                body: serde_json::json!({"v": value, "token": "sekret-token-1234"}),
            }],
            dynamic_values: vec![],
        }
    }

    fn check(dir: &Path, update: Update) -> SnapshotCheck {
        let tokens = TokenCache::new();
        tokens.add_secret("sekret-token-1234");
        SnapshotCheck::new(
            Snapshots {
                store: Store::new(dir),
                policy: Policy {
                    update,
                    write_pending: true,
                    force: false,
                },
                workspace: PathBuf::from("/w"),
                profile: Profile::builtin(),
                kind: TargetKind::Loopback,
                enums: EnumVocabulary::default(),
            },
            tokens,
        )
    }

    #[test]
    fn a_difference_fails_the_step_that_differs_with_the_diff() {
        let dir = std::env::temp_dir().join(format!("tgconform-check-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let s = scenario();
        let mut first = outcome(&s, "one");
        check(&dir, Update::New).check_outcome(&s, &mut first);
        assert!(first.passed());
        let c = check(&dir, Update::Check);
        let mut second = outcome(&s, "two");
        c.check_outcome(&s, &mut second);
        assert!(second.failed());
        let f = &second.steps[0].failures[0];
        assert_eq!(f.kind, FindingKind::Snapshot);
        assert_eq!(f.span.line, 4);
        assert!(f.message().contains("step `read` differs"), "{f}");
        assert!(f.message().contains("│-      v: one"), "{f}");
        assert!(f.message().contains("scenarios/n.yaml"), "{f}");
        assert_eq!(c.tally().pending, vec![dir.join("n.snap.new")]);
        let stored = std::fs::read_to_string(dir.join("n.snap")).unwrap_or_default();
        assert!(!stored.contains("sekret-token-1234"), "{stored}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn failed_scenarios_are_not_compared() {
        let dir = std::env::temp_dir().join(format!("tgconform-check-f-{}", std::process::id()));
        let s = scenario();
        let mut o = outcome(&s, "x");
        o.status = Status::Failed;
        let c = check(&dir, Update::Check);
        c.check_outcome(&s, &mut o);
        assert_eq!(c.tally(), Tally::default());
        assert!(!dir.exists());
    }

    #[test]
    fn the_summary_counts_and_points_at_review() {
        let t = Tally {
            matched: 2,
            recorded: vec![],
            updated: vec![],
            failed: vec![PathBuf::from("s/a.snap")],
            pending: vec![PathBuf::from("s/a.snap.new")],
        };
        let lines = t.summary();
        assert_eq!(
            lines[0],
            "snapshots: 2 matched, 0 recorded, 0 updated, 1 differ or missing"
        );
        assert!(lines[1].contains("tgconform review"), "{lines:?}");
        assert!(Tally::default().summary().is_empty());
    }
}
