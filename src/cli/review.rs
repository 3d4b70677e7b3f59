//! `tgconform review`: pending snapshot changes, one by one, with their diff; accept or
//! reject them (interactively, or with flags for scripts and tests). Also lists and
//! deletes stale snapshots. Works without cargo-insta; `cargo insta review` reads the
//! same files.

use std::io::{BufRead, IsTerminal};
use std::path::{Path, PathBuf};

use clap::Args;

use super::error::{CliError, usage};
use crate::scenario::{self, LoadOptions, Scenario};
use crate::snapshot::{Pending, Stale, Store, snapshotted_steps};

#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// Snapshot folder; its sub-folders (one per profile) are included.
    #[arg(long, default_value = "snapshots", value_name = "DIR")]
    pub dir: PathBuf,
    /// Accept every pending snapshot without asking.
    #[arg(long, conflicts_with_all = ["reject_all", "accept", "reject", "list"])]
    pub accept_all: bool,
    /// Reject (delete) every pending snapshot without asking.
    #[arg(long, conflicts_with_all = ["accept", "reject", "list"])]
    pub reject_all: bool,
    /// Accept the pending snapshot of this scenario (file stem or path; repeatable).
    #[arg(long, value_name = "NAME")]
    pub accept: Vec<String>,
    /// Reject the pending snapshot of this scenario (file stem or path; repeatable).
    #[arg(long, value_name = "NAME")]
    pub reject: Vec<String>,
    /// Show every pending snapshot with its diff and change nothing.
    #[arg(long)]
    pub list: bool,
    /// List stored snapshots no scenario records any more (exit code 1 if there are).
    #[arg(long)]
    pub stale: bool,
    /// Delete those stale snapshots (whole files only; see --stale).
    #[arg(long)]
    pub delete_stale: bool,
    /// Scenario folder, for --stale and --delete-stale.
    #[arg(long, default_value = "scenarios", value_name = "DIR")]
    pub scenarios: PathBuf,
}

pub(crate) fn review(args: ReviewArgs) -> Result<(), CliError> {
    if args.stale || args.delete_stale {
        return stale(&args);
    }
    let pending = Store::new(&args.dir).pending().map_err(usage)?;
    if pending.is_empty() {
        outln!("no pending snapshots under {}", args.dir.display());
        return Ok(());
    }
    for name in args.accept.iter().chain(&args.reject) {
        if !pending.iter().any(|p| matches(p, name)) {
            return Err(usage(format!(
                "no pending snapshot matches `{name}`; `tgconform review --list` shows them"
            )));
        }
    }
    let scripted =
        args.accept_all || args.reject_all || !args.accept.is_empty() || !args.reject.is_empty();
    let stdin = std::io::stdin();
    let mut answers = stdin.lock();
    let mut tally = Tally::default();
    let total = pending.len();
    for (i, p) in pending.iter().enumerate() {
        let decision = if args.list {
            show(p, i, total);
            Decision::Skip
        } else if scripted {
            if args.accept_all || args.accept.iter().any(|n| matches(p, n)) {
                Decision::Accept
            } else if args.reject_all || args.reject.iter().any(|n| matches(p, n)) {
                Decision::Reject
            } else {
                Decision::Skip
            }
        } else {
            show(p, i, total);
            ask(&mut answers)
        };
        let done = match decision {
            Decision::Accept => p.accept().map(|()| tally.accepted.push(p.snap.clone())),
            Decision::Reject => p.reject().map(|()| tally.rejected.push(p.snap.clone())),
            Decision::Skip => {
                tally.skipped.push(p.snap.clone());
                Ok(())
            }
        };
        done.map_err(usage)?;
    }
    tally.print();
    Ok(())
}

/// A pending snapshot named by its stem (`terminate-twice`) or a path suffix.
fn matches(p: &Pending, name: &str) -> bool {
    let stem = p
        .snap
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    stem == name || p.snap.ends_with(name) || p.pending.ends_with(name)
}

fn show(p: &Pending, i: usize, total: usize) {
    outln!(
        "━━━ pending snapshot {}/{total}: {}",
        i + 1,
        p.snap.display()
    );
    match p.describe() {
        Ok(text) => crate::report::out(&text),
        Err(e) => outln!("cannot show it: {e}"),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Decision {
    Accept,
    Reject,
    Skip,
}

/// One answer per line: `a` accept, `r` reject, `s` skip; end of input skips the rest.
fn ask(input: &mut dyn BufRead) -> Decision {
    loop {
        crate::report::out("accept (a), reject (r) or skip (s)? ");
        let mut line = String::new();
        match input.read_line(&mut line) {
            Ok(0) | Err(_) => {
                outln!("");
                return Decision::Skip;
            }
            Ok(_) => {}
        }
        if !std::io::stdin().is_terminal() {
            // Piped answers are not echoed by a terminal: show them, so the log reads well.
            outln!("{}", line.trim());
        }
        match line.trim() {
            "a" | "accept" | "y" => return Decision::Accept,
            "r" | "reject" | "n" => return Decision::Reject,
            "s" | "skip" | "" => return Decision::Skip,
            other => outln!("`{other}`: answer a, r or s"),
        }
    }
}

#[derive(Default)]
struct Tally {
    accepted: Vec<PathBuf>,
    rejected: Vec<PathBuf>,
    skipped: Vec<PathBuf>,
}

impl Tally {
    fn print(&self) {
        for (what, list) in [
            ("accepted", &self.accepted),
            ("rejected", &self.rejected),
            ("still pending", &self.skipped),
        ] {
            if !list.is_empty() {
                outln!("{what}:");
                for p in list {
                    outln!("  {}", p.display());
                }
            }
        }
        outln!(
            "{} accepted, {} rejected, {} still pending",
            self.accepted.len(),
            self.rejected.len(),
            self.skipped.len()
        );
    }
}

fn stale(args: &ReviewArgs) -> Result<(), CliError> {
    let files = scenario::discover(&args.scenarios).map_err(|e| CliError::Discover(Box::new(e)))?;
    let mut scenarios: Vec<Scenario> = Vec::new();
    let mut errors = Vec::new();
    for f in files {
        match scenario::load_file(&f, &LoadOptions::default()) {
            Ok(s) => scenarios.push(s),
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        // A file that does not load could still own a snapshot: judge nothing.
        return Err(CliError::Scenarios(errors));
    }
    let refs: Vec<&Scenario> = scenarios.iter().collect();
    let steps = snapshotted_steps(&refs);
    let mut found: Vec<Stale> = Vec::new();
    let mut dirs = vec![args.dir.clone()];
    while let Some(dir) = dirs.pop() {
        found.extend(Store::new(&dir).stale(&steps).map_err(usage)?);
        dirs.extend(subfolders(&dir));
    }
    found.sort_by(|a, b| a.path.cmp(&b.path));
    if found.is_empty() {
        outln!("no stale snapshots under {}", args.dir.display());
        return Ok(());
    }
    let mut left = 0;
    for s in &found {
        if args.delete_stale && s.deletable() {
            s.delete().map_err(usage)?;
            outln!("deleted {s}");
        } else {
            left += 1;
            outln!("stale: {s}");
        }
    }
    if left == 0 {
        return Ok(());
    }
    if !args.delete_stale {
        outln!(
            "{left} stale snapshot(s); `tgconform review --delete-stale` deletes whole stale files"
        );
    }
    Err(CliError::Failed)
}

fn subfolders(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
                .map(|e| e.path())
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_read_one_per_line_and_the_end_skips() {
        let mut input: &[u8] = b"x\na\nr\n";
        assert_eq!(ask(&mut input), Decision::Accept);
        assert_eq!(ask(&mut input), Decision::Reject);
        assert_eq!(ask(&mut input), Decision::Skip);
    }

    #[test]
    fn a_pending_snapshot_is_named_by_stem_or_path() {
        let p = Pending {
            pending: PathBuf::from("snapshots/t/x.snap.new"),
            snap: PathBuf::from("snapshots/t/x.snap"),
        };
        assert!(matches(&p, "x"));
        assert!(matches(&p, "t/x.snap"));
        assert!(!matches(&p, "y"));
    }
}
