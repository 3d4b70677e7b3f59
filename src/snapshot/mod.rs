//! Scenario snapshots: what the snapshotted steps returned, recorded per target in
//! insta's `.snap` format and compared on every run.
//!
//! - [`doc`]: the document (steps, requests, statuses, bodies) with dynamic values
//!   redacted by value; [`shape`]: the shape of a body for targets whose data differs.
//! - [`render`]: document → `.snap` text (insta's YAML, a header naming the scenario
//!   file and steps, selector redactions, secrets masked).
//! - [`store`]: one folder per target: compare, record, pending `.snap.new`, review,
//!   stale files. [`policy`]: `--snapshots check|update|new`, `INSTA_UPDATE`, `CI`.
//!
//! The `cargo test` harness ([`assert_snapshot`]) and `tgconform run` ([`Snapshots`])
//! share all of it, so both write the same files.

mod check;
mod diff;
mod doc;
mod policy;
mod render;
mod shape;
mod store;

use std::path::{Path, PathBuf};

pub use check::{SnapshotCheck, SnapshotReporter, Tally};
pub use doc::{SnapshotDoc, SnapshotStep, document, redact};
pub use policy::{Policy, Update};
pub use render::{Header, Info, Recipe, Rendered, check_selector};
pub use shape::{EnumVocabulary, shape};
pub use store::{Comparison, Mismatch, Pending, Stale, StaleReason, StepChange, Store};

use crate::endpoint::{Profile, TargetKind};
use crate::report::Masker;
use crate::runner::ScenarioOutcome;
use crate::scenario::{Scenario, SnapshotMode};

#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("redaction selector `{selector}` does not parse: {message}")]
    Selector { selector: String, message: String },
}

/// Where a target's snapshots live.
///
/// - `--snapshot-dir DIR` (`explicit`) wins;
/// - a profile's `snapshots: DIR`, relative to the profile file;
/// - no profile, or a file that is the built-in profile ([`Profile::is_builtin`]: the
///   embedded mock, or `--target` with the built-in profile, i.e. another mock compared
///   with the reference mock's snapshots): `snapshots/`;
/// - any other profile: `snapshots/<profile file stem>/`.
///
/// `snapshots/` is the sibling of the scenario folder (`scenarios/` → `snapshots/`).
pub fn store_dir(
    scenarios_dir: &Path,
    profile: Option<(&Path, &Profile)>,
    explicit: Option<&Path>,
) -> PathBuf {
    if let Some(dir) = explicit {
        return dir.to_path_buf();
    }
    let base = match scenarios_dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.join("snapshots"),
        _ => PathBuf::from("snapshots"),
    };
    match profile {
        None => base,
        Some((_, p)) if p.is_builtin() => base,
        Some((path, p)) => match &p.snapshots {
            Some(dir) => path
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
                .map(|d| d.join(dir))
                .unwrap_or_else(|| dir.clone()),
            None => {
                let stem = path
                    .file_stem()
                    .and_then(|s| s.to_str())
                    .unwrap_or("profile");
                // `my-tenants.yaml` → `my-tenants`; `x.profile.yaml` → `x.profile`.
                base.join(stem)
            }
        },
    }
}

/// Value or shape: the scenario's `snapshotMode`, else the profile's, else shape for
/// real tenants (their data is not ours to pin) and value for mocks.
pub fn mode_for(scenario: &Scenario, profile: &Profile, kind: TargetKind) -> SnapshotMode {
    scenario
        .snapshot_mode
        .unwrap_or_else(|| default_mode(profile, kind))
}

/// The mode of scenarios that do not choose: the profile's, else by target kind.
pub fn default_mode(profile: &Profile, kind: TargetKind) -> SnapshotMode {
    profile.snapshot_mode.unwrap_or(match kind {
        TargetKind::Real => SnapshotMode::Shape,
        TargetKind::Embedded | TargetKind::Loopback => SnapshotMode::Value,
    })
}

/// Snapshot comparison for one run against one target.
#[derive(Debug, Clone)]
pub struct Snapshots {
    pub store: Store,
    pub policy: Policy,
    /// Paths in headers are relative to this folder (the current one, for the CLI).
    pub workspace: PathBuf,
    pub profile: Profile,
    pub kind: TargetKind,
    pub enums: EnumVocabulary,
}

impl Snapshots {
    /// Compare the snapshot of one scenario run; `Ok(None)` when nothing was snapshotted.
    pub fn check(
        &self,
        scenario: &Scenario,
        outcome: &ScenarioOutcome,
        masker: &Masker,
    ) -> Result<Option<Comparison>, SnapshotError> {
        let redactions: Vec<(String, String)> = scenario
            .redactions
            .iter()
            .cloned()
            .chain(
                self.profile
                    .redact
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone())),
            )
            .collect();
        let recipe = Recipe {
            mode: mode_for(scenario, &self.profile, self.kind),
            redactions: &redactions,
            masker,
            enums: &self.enums,
        };
        match recipe.render(scenario, outcome, &self.workspace)? {
            None => Ok(None),
            Some(r) => self.store.compare(&r, self.policy).map(Some),
        }
    }

    /// Stored snapshots no loaded scenario records any more.
    pub fn stale(&self, scenarios: &[&Scenario]) -> Result<Vec<Stale>, SnapshotError> {
        self.store.stale(&snapshotted_steps(scenarios))
    }
}

/// Each scenario's stem with the names of its steps that have `snapshot: true`.
pub fn snapshotted_steps(scenarios: &[&Scenario]) -> Vec<(String, Vec<String>)> {
    scenarios
        .iter()
        .map(|s| {
            (
                s.stem.clone(),
                s.all_steps()
                    .filter(|st| st.snapshot)
                    .map(|st| st.name.clone())
                    .collect(),
            )
        })
        .collect()
}

/// The `cargo test` harness's check against the embedded mock, in `root/snapshots/`:
/// panics with the diff on a mismatch (call it inside a test trial), as insta's
/// assertions do. `INSTA_UPDATE` and `CI` decide what is written (see [`Policy`]);
/// `INSTA_FORCE_PASS=1` (what `cargo insta test` sets) prints instead of panicking.
// A test assertion: panicking is how it fails the trial, and the test harness owns
// stdout.
#[allow(clippy::panic, clippy::print_stdout)]
pub fn assert_snapshot(scenario: &Scenario, outcome: &ScenarioOutcome, root: &Path) {
    let policy = match Policy::from_env(None) {
        Ok(p) => p,
        Err(e) => panic!("{e}"),
    };
    let enums = if scenario.snapshot_mode == Some(SnapshotMode::Shape) {
        crate::schema::SchemaRegistry::builtin()
            .map(|s| EnumVocabulary::from_schemas(&s))
            .unwrap_or_default()
    } else {
        EnumVocabulary::default()
    };
    let snapshots = Snapshots {
        store: Store::new(store_dir(&root.join("scenarios"), None, None)),
        policy,
        workspace: root.to_path_buf(),
        profile: Profile::builtin(),
        kind: TargetKind::Embedded,
        enums,
    };
    match snapshots.check(scenario, outcome, &Masker::default()) {
        Ok(None | Some(Comparison::Matched)) => {}
        Ok(Some(Comparison::Recorded(p) | Comparison::Updated(p))) => {
            println!("snapshot written: {}", p.display());
        }
        Ok(Some(Comparison::Failed(m))) => {
            if std::env::var("INSTA_FORCE_PASS").as_deref() == Ok("1") {
                println!("{m}");
            } else {
                panic!("{m}");
            }
        }
        Err(e) => panic!("{e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(text: &str) -> Profile {
        Profile::parse(Path::new("p.yaml"), text).unwrap_or_else(|e| panic!("{e}"))
    }

    const ACTORS: &str = "actors:\n  a: {tenantId: fresh, token: {mock: {}}}\n";

    #[test]
    fn the_embedded_mock_keeps_the_snapshots_folder_beside_the_scenarios() {
        assert_eq!(
            store_dir(Path::new("scenarios"), None, None),
            Path::new("snapshots")
        );
        assert_eq!(
            store_dir(Path::new("/r/scenarios"), None, None),
            Path::new("/r/snapshots")
        );
    }

    #[test]
    fn the_builtin_profile_named_by_its_file_keeps_the_folder_of_no_profile() {
        let p = profile(include_str!("../../profiles/embedded-mock.yaml"));
        assert_eq!(
            store_dir(
                Path::new("/r/scenarios"),
                Some((Path::new("/r/profiles/embedded-mock.yaml"), &p)),
                None
            ),
            Path::new("/r/snapshots")
        );
    }

    #[test]
    fn a_profile_gets_a_folder_named_after_it_unless_it_names_one() {
        let p = profile(ACTORS);
        assert_eq!(
            store_dir(
                Path::new("/r/scenarios"),
                Some((Path::new("/cfg/my-tenants.yaml"), &p)),
                None
            ),
            Path::new("/r/snapshots/my-tenants")
        );
        let p = profile(&format!("snapshots: snaps/beta\n{ACTORS}"));
        assert_eq!(
            store_dir(
                Path::new("/r/scenarios"),
                Some((Path::new("/cfg/my-tenants.yaml"), &p)),
                None
            ),
            Path::new("/cfg/snaps/beta")
        );
        assert_eq!(
            store_dir(
                Path::new("/r/scenarios"),
                Some((Path::new("/cfg/my-tenants.yaml"), &p)),
                Some(Path::new("/x"))
            ),
            Path::new("/x")
        );
    }

    #[test]
    fn the_scenario_beats_the_profile_which_beats_the_target_default() {
        let load = |extra: &str| {
            crate::scenario::load_str(
                Path::new("s.yaml"),
                &format!("name: n\nactors: [a]\nsteps:\n  - as: a\n    request: {{method: GET, path: /x}}\n    expect: {{status: 200}}\n{extra}"),
                &Default::default(),
            )
            .unwrap_or_else(|e| panic!("{e}"))
        };
        let plain = load("");
        let value = load("snapshotMode: value\n");
        let p = profile(ACTORS);
        let shape_profile = profile(&format!("snapshotMode: shape\n{ACTORS}"));
        assert_eq!(mode_for(&plain, &p, TargetKind::Real), SnapshotMode::Shape);
        assert_eq!(
            mode_for(&plain, &p, TargetKind::Loopback),
            SnapshotMode::Value
        );
        assert_eq!(
            mode_for(&plain, &shape_profile, TargetKind::Embedded),
            SnapshotMode::Shape
        );
        assert_eq!(
            mode_for(&value, &shape_profile, TargetKind::Real),
            SnapshotMode::Value
        );
    }
}
