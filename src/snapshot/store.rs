//! A folder of `.snap` files for one target: compare, record, pending `.snap.new`
//! files, review (accept or reject) and stale files.

use std::fmt;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::SnapshotError;
use super::diff;
use super::policy::{Policy, Update};
use super::render::Rendered;

/// The snapshot folder of one target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Store {
    dir: PathBuf,
}

/// What a comparison found (and did).
#[derive(Debug, Clone, PartialEq)]
pub enum Comparison {
    /// The stored snapshot has the same body.
    Matched,
    /// No snapshot was stored; this one was recorded.
    Recorded(PathBuf),
    /// The stored snapshot differed and was overwritten (`update`).
    Updated(PathBuf),
    /// A difference or a missing snapshot: the scenario fails.
    Failed(Box<Mismatch>),
}

/// A snapshot that does not match: where, which steps, the diff.
#[derive(Debug, Clone, PartialEq)]
pub struct Mismatch {
    pub stem: String,
    /// The stored snapshot (it may not exist: see `missing`).
    pub snap: PathBuf,
    /// The pending `.snap.new` written for review; `None` under CI or `INSTA_UPDATE=no`.
    pub pending: Option<PathBuf>,
    /// No snapshot was stored yet.
    pub missing: bool,
    /// The scenario file, as the snapshot header names it.
    pub source: String,
    pub steps: Vec<StepChange>,
    pub diff: String,
}

/// How one snapshotted step differs from the stored snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepChange {
    Changed(String),
    /// Snapshotted now, absent from the stored file.
    Added(String),
    /// In the stored file, not snapshotted any more.
    Removed(String),
}

impl StepChange {
    pub fn name(&self) -> &str {
        match self {
            StepChange::Changed(n) | StepChange::Added(n) | StepChange::Removed(n) => n,
        }
    }
}

impl fmt::Display for StepChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StepChange::Changed(n) => write!(f, "step `{n}` differs"),
            StepChange::Added(n) => write!(f, "step `{n}` is new"),
            StepChange::Removed(n) => write!(f, "step `{n}` is no longer snapshotted"),
        }
    }
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.missing {
            writeln!(
                f,
                "no stored snapshot {} for {} (`--snapshots new` records missing ones)",
                shown(&self.snap),
                self.source
            )?;
        } else {
            let steps: Vec<String> = self.steps.iter().map(ToString::to_string).collect();
            writeln!(
                f,
                "snapshot {} differs ({}): {}",
                shown(&self.snap),
                self.source,
                if steps.is_empty() {
                    "see the diff".to_string()
                } else {
                    steps.join(", ")
                }
            )?;
        }
        write!(f, "{}", self.diff)?;
        match &self.pending {
            Some(p) => write!(
                f,
                "pending: {} (accept it with `tgconform review` or `cargo insta review`)",
                shown(p)
            ),
            None => write!(
                f,
                "nothing written (CI or INSTA_UPDATE=no); run locally, or with --snapshots update, to record it"
            ),
        }
    }
}

/// A path as messages show it: relative to the current folder when it is under it
/// (the `cargo test` harness works with absolute paths).
pub(crate) fn shown(path: &Path) -> String {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(|| path.to_path_buf())
        .display()
        .to_string()
}

/// A stored file split into its header and body.
struct Stored {
    text: String,
    body: String,
}

impl Stored {
    fn parse(text: String) -> Stored {
        let body = split_body(&text).to_string();
        Stored { text, body }
    }
}

/// The body of a `.snap` text (after the second `---` line); all of it without a header.
fn split_body(text: &str) -> &str {
    let Some(rest) = text.strip_prefix("---\n") else {
        return text;
    };
    match rest.find("\n---\n") {
        Some(i) => &rest[i + 5..],
        None if rest.starts_with("---\n") => &rest[4..],
        None => text,
    }
}

/// insta's normalisation: trailing whitespace at the end and CRLF do not count.
fn normalize(body: &str) -> String {
    body.trim_end().replace("\r\n", "\n")
}

impl Store {
    pub fn new(dir: impl Into<PathBuf>) -> Store {
        Store { dir: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn snap_path(&self, stem: &str) -> PathBuf {
        self.dir.join(format!("{stem}.snap"))
    }

    pub fn pending_path(&self, stem: &str) -> PathBuf {
        self.dir.join(format!("{stem}.snap.new"))
    }

    fn read(path: &Path) -> Result<Option<Stored>, SnapshotError> {
        match std::fs::read_to_string(path) {
            Ok(t) => Ok(Some(Stored::parse(t))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(SnapshotError::Read {
                path: path.to_path_buf(),
                source,
            }),
        }
    }

    fn write(path: &Path, text: &str) -> Result<(), SnapshotError> {
        let io = |source| SnapshotError::Write {
            path: path.to_path_buf(),
            source,
        };
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io)?;
        }
        std::fs::write(path, text).map_err(io)
    }

    fn remove(path: &Path) -> Result<(), SnapshotError> {
        match std::fs::remove_file(path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(source) => Err(SnapshotError::Write {
                path: path.to_path_buf(),
                source,
            }),
        }
    }

    /// Compare `new` with the stored snapshot and write what `policy` allows.
    pub fn compare(&self, new: &Rendered, policy: Policy) -> Result<Comparison, SnapshotError> {
        let snap = self.snap_path(&new.stem);
        let pending = self.pending_path(&new.stem);
        let file = new.file_text(false);
        let old = Store::read(&snap)?;
        match old {
            Some(old) if normalize(&old.body) == normalize(&new.body) => {
                // `update` also refreshes a header that changed (the description, the steps).
                if policy.force || (policy.update == Update::Update && old.text != file) {
                    Store::write(&snap, &file)?;
                }
                if policy.write_pending || policy.update == Update::Update {
                    // A pending file from an earlier run is out of date now.
                    Store::remove(&pending)?;
                }
                Ok(Comparison::Matched)
            }
            Some(_) if policy.update == Update::Update => {
                Store::write(&snap, &file)?;
                Store::remove(&pending)?;
                Ok(Comparison::Updated(snap))
            }
            None if policy.update != Update::Check => {
                Store::write(&snap, &file)?;
                Store::remove(&pending)?;
                Ok(Comparison::Recorded(snap))
            }
            old => {
                let old_body = old.as_ref().map(|o| normalize(&o.body));
                let new_body = normalize(&new.body);
                let diff = diff::render(
                    old_body.as_deref(),
                    &new_body,
                    &format!("old snapshot ({})", shown(&snap)),
                    "new results",
                );
                let written = if policy.write_pending {
                    Store::write(&pending, &new.file_text(true))?;
                    Some(pending)
                } else {
                    None
                };
                Ok(Comparison::Failed(Box::new(Mismatch {
                    stem: new.stem.clone(),
                    snap,
                    pending: written,
                    missing: old_body.is_none(),
                    source: new.header.source.clone(),
                    steps: step_changes(old_body.as_deref(), &new_body),
                    diff,
                })))
            }
        }
    }

    /// Pending `.snap.new` files under this folder and its sub-folders, sorted.
    pub fn pending(&self) -> Result<Vec<Pending>, SnapshotError> {
        let mut out = Vec::new();
        walk(&self.dir, &mut |p| {
            if let Some(name) = p.file_name().and_then(|n| n.to_str())
                && let Some(stem) = name.strip_suffix(".snap.new")
            {
                out.push(Pending {
                    pending: p.to_path_buf(),
                    snap: p.with_file_name(format!("{stem}.snap")),
                });
            }
        })?;
        out.sort_by(|a, b| a.pending.cmp(&b.pending));
        Ok(out)
    }

    /// Stored snapshots of this folder (not sub-folders: those belong to other targets)
    /// that no scenario records any more. `scenarios` maps each scenario's file stem to
    /// the names of its steps with `snapshot: true`.
    pub fn stale(&self, scenarios: &[(String, Vec<String>)]) -> Result<Vec<Stale>, SnapshotError> {
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(source) => {
                return Err(SnapshotError::Read {
                    path: self.dir.clone(),
                    source,
                });
            }
        };
        let mut out = Vec::new();
        for entry in entries.filter_map(Result::ok) {
            let path = entry.path();
            let Some(stem) = path
                .file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.strip_suffix(".snap"))
                .map(str::to_string)
            else {
                continue;
            };
            let stem = stem.as_str();
            let reason = match scenarios.iter().find(|(s, _)| s == stem) {
                None => StaleReason::ScenarioGone,
                Some((_, steps)) if steps.is_empty() => StaleReason::NothingSnapshotted,
                Some((_, steps)) => {
                    let stored = Store::read(&path)?
                        .map(|s| step_names(&normalize(&s.body)))
                        .unwrap_or_default();
                    let gone: Vec<String> =
                        stored.into_iter().filter(|n| !steps.contains(n)).collect();
                    if gone.is_empty() {
                        continue;
                    }
                    StaleReason::StepsGone(gone)
                }
            };
            out.push(Stale {
                path,
                stem: stem.to_string(),
                reason,
            });
        }
        out.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(out)
    }
}

fn walk(dir: &Path, f: &mut dyn FnMut(&Path)) -> Result<(), SnapshotError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(source) => {
            return Err(SnapshotError::Read {
                path: dir.to_path_buf(),
                source,
            });
        }
    };
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        // Symlinked folders are not followed: a loop would never end.
        match entry.file_type() {
            Ok(t) if t.is_dir() => walk(&path, f)?,
            Ok(t) if t.is_file() => f(&path),
            _ => {}
        }
    }
    Ok(())
}

/// A `.snap.new` waiting for review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    pub pending: PathBuf,
    pub snap: PathBuf,
}

impl Pending {
    /// The header of the pending file (what `cargo insta review` shows above the diff)
    /// and the diff against the stored snapshot.
    pub fn describe(&self) -> Result<String, SnapshotError> {
        let new = Store::read(&self.pending)?.ok_or_else(|| SnapshotError::Read {
            path: self.pending.clone(),
            source: std::io::ErrorKind::NotFound.into(),
        })?;
        let old = Store::read(&self.snap)?;
        let header = new
            .text
            .strip_prefix("---\n")
            .and_then(|r| r.find("\n---\n").map(|i| &r[..=i]))
            .unwrap_or("");
        let old_body = old.as_ref().map(|o| normalize(&o.body));
        let d = diff::render(
            old_body.as_deref(),
            &normalize(&new.body),
            &format!("old snapshot ({})", shown(&self.snap)),
            &format!("new results ({})", shown(&self.pending)),
        );
        Ok(format!("{}{d}", crate::judge::printable(header)))
    }

    /// Move the pending file over the snapshot (without insta's `assertion_line`).
    pub fn accept(&self) -> Result<(), SnapshotError> {
        let new = Store::read(&self.pending)?.ok_or_else(|| SnapshotError::Read {
            path: self.pending.clone(),
            source: std::io::ErrorKind::NotFound.into(),
        })?;
        Store::write(&self.snap, &strip_assertion_line(&new.text))?;
        Store::remove(&self.pending)
    }

    pub fn reject(&self) -> Result<(), SnapshotError> {
        Store::remove(&self.pending)
    }
}

/// `assertion_line` belongs in pending files only (insta drops it when it accepts).
fn strip_assertion_line(text: &str) -> String {
    let body = split_body(text);
    let header = &text[..text.len() - body.len()];
    let header: String = header
        .lines()
        .filter(|l| !l.starts_with("assertion_line:"))
        .map(|l| format!("{l}\n"))
        .collect();
    format!("{header}{body}")
}

/// A stored snapshot no scenario records any more.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stale {
    pub path: PathBuf,
    pub stem: String,
    pub reason: StaleReason,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StaleReason {
    /// No scenario file has this stem.
    ScenarioGone,
    /// The scenario has no step with `snapshot: true` any more.
    NothingSnapshotted,
    /// These steps are in the file but no longer snapshotted (the next `update`
    /// rewrites the file; it is not deleted).
    StepsGone(Vec<String>),
}

impl Stale {
    /// Whole files can be deleted; a file with some stale steps is rewritten instead.
    pub fn deletable(&self) -> bool {
        !matches!(self.reason, StaleReason::StepsGone(_))
    }

    pub fn delete(&self) -> Result<(), SnapshotError> {
        Store::remove(&self.path)?;
        Store::remove(&self.path.with_extension("snap.new"))
    }
}

impl fmt::Display for Stale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.reason {
            StaleReason::ScenarioGone => write!(
                f,
                "{}: no scenario `{}` any more",
                shown(&self.path),
                self.stem
            ),
            StaleReason::NothingSnapshotted => write!(
                f,
                "{}: scenario `{}` snapshots no step any more",
                shown(&self.path),
                self.stem
            ),
            StaleReason::StepsGone(steps) => write!(
                f,
                "{}: step(s) {} no longer snapshotted (rewritten by the next --snapshots update)",
                shown(&self.path),
                steps
                    .iter()
                    .map(|s| format!("`{s}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
}

/// The steps of a body, name → the step's value (parsed back from YAML).
fn parse_steps(body: &str) -> Option<Vec<(String, Value)>> {
    let opts =
        serde_saphyr::options! { strict_booleans: true, leading_zero_numbers_as_strings: true };
    let v: Value = serde_saphyr::from_str_with_options(body, opts).ok()?;
    let steps = v.get("steps")?.as_array()?;
    Some(
        steps
            .iter()
            .map(|s| {
                let name = s
                    .get("step")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string();
                (name, s.clone())
            })
            .collect(),
    )
}

fn step_names(body: &str) -> Vec<String> {
    parse_steps(body)
        .unwrap_or_default()
        .into_iter()
        .map(|(n, _)| n)
        .collect()
}

/// Which steps differ between two bodies (all of the new ones when there is no old one).
fn step_changes(old: Option<&str>, new: &str) -> Vec<StepChange> {
    let Some(new_steps) = parse_steps(new) else {
        return Vec::new();
    };
    let Some(old) = old else {
        return new_steps
            .into_iter()
            .map(|(n, _)| StepChange::Added(n))
            .collect();
    };
    let Some(old_steps) = parse_steps(old) else {
        return new_steps
            .into_iter()
            .map(|(n, _)| StepChange::Changed(n))
            .collect();
    };
    let mut out = Vec::new();
    for (name, v) in &new_steps {
        match old_steps.iter().find(|(n, _)| n == name) {
            None => out.push(StepChange::Added(name.clone())),
            Some((_, ov)) if ov != v => out.push(StepChange::Changed(name.clone())),
            Some(_) => {}
        }
    }
    for (name, _) in &old_steps {
        if !new_steps.iter().any(|(n, _)| n == name) {
            out.push(StepChange::Removed(name.clone()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::render::{Header, Info};

    fn rendered(stem: &str, body: &str) -> Rendered {
        Rendered {
            stem: stem.into(),
            header: Header {
                source: format!("scenarios/{stem}.yaml"),
                assertion_line: Some(7),
                description: None,
                info: Info {
                    mode: "value",
                    steps: vec!["read".into()],
                },
                input_file: format!("scenarios/{stem}.yaml"),
            },
            body: body.into(),
        }
    }

    fn body(status: u16) -> String {
        format!(
            "scenario: s\nsteps:\n  - step: read\n    request: GET /x\n    status: {status}\n    body: ~"
        )
    }

    fn policy(update: Update, write_pending: bool) -> Policy {
        Policy {
            update,
            write_pending,
            force: false,
        }
    }

    fn scratch(name: &str) -> Store {
        let dir =
            std::env::temp_dir().join(format!("tgconform-store-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        Store::new(dir)
    }

    #[test]
    fn check_fails_on_a_missing_snapshot_and_writes_it_pending() {
        let s = scratch("missing");
        let r = s.compare(&rendered("a", &body(200)), policy(Update::Check, true));
        let Ok(Comparison::Failed(m)) = r else {
            panic!("{r:?}")
        };
        assert!(m.missing);
        assert_eq!(m.pending.as_deref(), Some(s.pending_path("a").as_path()));
        assert!(!s.snap_path("a").exists());
        let text = std::fs::read_to_string(s.pending_path("a")).unwrap_or_default();
        assert!(text.contains("assertion_line: 7"), "{text}");
    }

    #[test]
    fn a_difference_fails_names_the_step_and_shows_a_diff() {
        let s = scratch("diff");
        assert!(matches!(
            s.compare(&rendered("a", &body(200)), policy(Update::New, true)),
            Ok(Comparison::Recorded(_))
        ));
        let r = s.compare(&rendered("a", &body(201)), policy(Update::Check, true));
        let Ok(Comparison::Failed(m)) = r else {
            panic!("{r:?}")
        };
        assert_eq!(m.steps, vec![StepChange::Changed("read".into())]);
        assert!(m.diff.contains("│-    status: 200"), "{}", m.diff);
        assert!(m.diff.contains("│+    status: 201"), "{}", m.diff);
        let shown = m.to_string();
        assert!(shown.contains("step `read` differs"), "{shown}");
        assert!(shown.contains("scenarios/a.yaml"), "{shown}");
    }

    #[test]
    fn without_pending_writes_nothing_is_written() {
        let s = scratch("ci");
        let r = s.compare(&rendered("a", &body(200)), policy(Update::Check, false));
        assert!(
            matches!(r, Ok(Comparison::Failed(ref m)) if m.pending.is_none()),
            "{r:?}"
        );
        assert!(!s.dir().exists(), "the folder was created");
    }

    #[test]
    fn new_records_missing_snapshots_but_still_fails_on_a_difference() {
        let s = scratch("new");
        let p = policy(Update::New, true);
        assert!(matches!(
            s.compare(&rendered("a", &body(200)), p),
            Ok(Comparison::Recorded(_))
        ));
        assert!(matches!(
            s.compare(&rendered("a", &body(200)), p),
            Ok(Comparison::Matched)
        ));
        assert!(matches!(
            s.compare(&rendered("a", &body(500)), p),
            Ok(Comparison::Failed(_))
        ));
    }

    #[test]
    fn update_overwrites_and_clears_the_pending_file() {
        let s = scratch("update");
        let _ = s.compare(&rendered("a", &body(200)), policy(Update::New, true));
        let _ = s.compare(&rendered("a", &body(201)), policy(Update::Check, true));
        assert!(s.pending_path("a").exists());
        assert!(matches!(
            s.compare(&rendered("a", &body(201)), policy(Update::Update, true)),
            Ok(Comparison::Updated(_))
        ));
        assert!(!s.pending_path("a").exists());
        let text = std::fs::read_to_string(s.snap_path("a")).unwrap_or_default();
        assert!(text.contains("status: 201"), "{text}");
        assert!(!text.contains("assertion_line"), "{text}");
    }

    #[test]
    fn headers_do_not_count_and_trailing_whitespace_does_not_either() {
        let s = scratch("header");
        std::fs::create_dir_all(s.dir()).unwrap_or_default();
        std::fs::write(
            s.snap_path("a"),
            format!("---\nsource: src/snapshot.rs\n---\n{}\n\n", body(200)),
        )
        .unwrap_or_default();
        assert!(matches!(
            s.compare(&rendered("a", &body(200)), policy(Update::Check, true)),
            Ok(Comparison::Matched)
        ));
    }

    #[test]
    fn review_accepts_and_rejects_pending_files() {
        let s = scratch("review");
        let _ = s.compare(&rendered("a", &body(200)), policy(Update::Check, true));
        let _ = s.compare(&rendered("b", &body(200)), policy(Update::Check, true));
        let pending = s.pending().unwrap_or_default();
        assert_eq!(pending.len(), 2);
        let shown = pending[0].describe().unwrap_or_default();
        assert!(shown.contains("source: scenarios/a.yaml"), "{shown}");
        assert!(shown.contains("│+    status: 200"), "{shown}");
        assert!(pending[0].accept().is_ok());
        assert!(pending[1].reject().is_ok());
        assert!(s.snap_path("a").exists());
        assert!(!s.snap_path("b").exists());
        assert!(s.pending().unwrap_or_default().is_empty());
        let text = std::fs::read_to_string(s.snap_path("a")).unwrap_or_default();
        assert!(!text.contains("assertion_line"), "{text}");
        assert!(matches!(
            s.compare(&rendered("a", &body(200)), policy(Update::Check, false)),
            Ok(Comparison::Matched)
        ));
    }

    #[test]
    fn stale_lists_gone_scenarios_unsnapshotted_ones_and_gone_steps() {
        let s = scratch("stale");
        for stem in ["gone", "quiet", "partial", "fine"] {
            let _ = s.compare(&rendered(stem, &body(200)), policy(Update::New, true));
        }
        let scenarios = vec![
            ("quiet".to_string(), vec![]),
            ("partial".to_string(), vec!["other".to_string()]),
            ("fine".to_string(), vec!["read".to_string()]),
        ];
        let stale = s.stale(&scenarios).unwrap_or_default();
        let reasons: Vec<(&str, &StaleReason)> =
            stale.iter().map(|x| (x.stem.as_str(), &x.reason)).collect();
        assert_eq!(
            reasons,
            vec![
                ("gone", &StaleReason::ScenarioGone),
                ("partial", &StaleReason::StepsGone(vec!["read".into()])),
                ("quiet", &StaleReason::NothingSnapshotted),
            ]
        );
        assert!(stale[0].deletable() && !stale[1].deletable());
        assert!(stale[0].delete().is_ok());
        assert!(!s.snap_path("gone").exists());
    }
}
