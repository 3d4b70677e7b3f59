//! The books of the rule catalogue (`src/contract/rules.yaml`) against the suite in
//! `scenarios/`, read statically (no request is sent):
//!
//! - every documented and every platform rule (the stated contract) is checked by a
//!   step of a scenario that is not tagged `inferred` (neither the scenario nor the
//!   step), or has a `waived:` reason, or is on the visible allow-list
//!   `status: unchecked`;
//! - the allow-list only shrinks: a rule on it that a scenario now checks must leave it
//!   (`TGCONFORM_BLESS=1 cargo test --test rule_books` removes such markers), and a
//!   waived rule that a scenario checks must lose its waiver;
//! - every check of an inferred rule sits in a scenario or step tagged `inferred`.

// Test code: a panic is how a check fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use tgconform::contract::rules::{Catalogue, Evidence, builtin};
use tgconform::judge::Envelope;
use tgconform::scenario::{self, LoadOptions, Scenario};

const INFERRED: &str = "inferred";

fn catalogue() -> &'static Catalogue {
    match builtin() {
        Ok(c) => c,
        Err(e) => panic!("{e}"),
    }
}

fn suite() -> Vec<Scenario> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let files = scenario::discover(&dir).unwrap_or_else(|e| panic!("{e}"));
    files
        .iter()
        .map(|f| scenario::load_file(f, &LoadOptions::default()).unwrap_or_else(|e| panic!("{e}")))
        .collect()
}

/// Rule id → scenario stems whose checks of it count for the documented contract.
///
/// The Graph envelope judges every response of every step; the checks it keeps under
/// `--skip-tag inferred` count as checked by every scenario (shown as `(envelope)`).
fn documented_checks(suite: &[Scenario]) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    if !suite.is_empty() {
        for id in Envelope::for_skip_tags(&[INFERRED.to_string()]).rules() {
            out.entry(id.to_string())
                .or_default()
                .insert("(envelope)".to_string());
        }
    }
    for s in suite {
        for step in s.all_steps() {
            if s.has_tag(INFERRED) || step.has_tag(INFERRED) {
                continue;
            }
            for id in &step.checks {
                out.entry(id.clone()).or_default().insert(s.stem.clone());
            }
        }
    }
    out
}

#[test]
fn every_documented_rule_is_checked_waived_or_listed_unchecked() {
    let c = catalogue();
    let checked = documented_checks(&suite());
    let mut missing = Vec::new();
    for class in [Evidence::Documented, Evidence::Platform] {
        let (mut n_checked, mut n_waived, mut n_unchecked) = (0, 0, 0);
        for r in c.rules.iter().filter(|r| r.evidence == class) {
            match (checked.contains_key(&r.id), r.waived.is_some(), r.unchecked) {
                (true, _, _) => n_checked += 1,
                (false, true, _) => n_waived += 1,
                (false, false, true) => n_unchecked += 1,
                (false, false, false) => missing.push(r.id.clone()),
            }
        }
        eprintln!(
            "{} rules: {} checked, {} waived, {} unchecked (allow-list), of {}",
            class,
            n_checked,
            n_waived,
            n_unchecked,
            c.count(class)
        );
    }
    assert!(
        missing.is_empty(),
        "documented or platform rules that no scenario outside the `inferred` tag checks, with no waiver: {}\n\
         check them in a scenario (`checks: [ID]`), or give a `waived:` reason a reviewer would accept",
        missing.join(", ")
    );
}

#[test]
fn the_unchecked_allow_list_only_shrinks() {
    let c = catalogue();
    let checked = documented_checks(&suite());
    let stale: Vec<&str> = c
        .rules
        .iter()
        .filter(|r| r.unchecked && checked.contains_key(&r.id))
        .map(|r| r.id.as_str())
        .collect();
    if stale.is_empty() {
        return;
    }
    if std::env::var_os("TGCONFORM_BLESS").is_some() {
        remove_unchecked_markers(&stale);
        return;
    }
    panic!(
        "these rules are checked now; take `status: unchecked` off them in src/contract/rules.yaml \
         (or run `TGCONFORM_BLESS=1 cargo test --test rule_books`, then regenerate docs/contract.md): {}",
        stale.join(", ")
    );
}

#[test]
fn waived_rules_are_not_checked() {
    let c = catalogue();
    let checked = documented_checks(&suite());
    let contradicted: Vec<String> = c
        .rules
        .iter()
        .filter(|r| r.waived.is_some())
        .filter_map(|r| {
            checked.get(&r.id).map(|by| {
                format!(
                    "{} (checked by {})",
                    r.id,
                    by.iter().cloned().collect::<Vec<_>>().join(", ")
                )
            })
        })
        .collect();
    assert!(
        contradicted.is_empty(),
        "the waiver says no scenario can check these, but one does; remove the waiver: {}",
        contradicted.join("; ")
    );
}

#[test]
fn inferred_rules_are_checked_only_where_tagged_inferred() {
    let c = catalogue();
    let mut wrong = Vec::new();
    for s in suite() {
        for step in s.all_steps() {
            for id in &step.checks {
                let inferred = c.get(id).is_some_and(|r| r.evidence == Evidence::Inferred);
                if inferred && !s.has_tag(INFERRED) && !step.has_tag(INFERRED) {
                    wrong.push(format!("{}: step `{}` checks {id}", s.stem, step.name));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Drop `status: unchecked` from the given rules in the catalogue file.
fn remove_unchecked_markers(ids: &[&str]) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/contract/rules.yaml");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
    let mut out = String::with_capacity(text.len());
    let mut current: Option<&str> = None;
    for line in text.split_inclusive('\n') {
        if let Some(id) = line.trim_start().strip_prefix("- id: ") {
            current = ids.iter().copied().find(|i| *i == id.trim());
        }
        if current.is_some() && line.trim() == "status: unchecked" {
            continue;
        }
        out.push_str(line);
    }
    std::fs::write(&path, out).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn readme_shows_the_current_counts() {
    let c = catalogue();
    let checked = documented_checks(&suite());
    let documented: Vec<_> = c.rules.iter().filter(|r| r.evidence.is_stated()).collect();
    let n_checked = documented
        .iter()
        .filter(|r| checked.contains_key(&r.id))
        .count();
    let n_waived = documented
        .iter()
        .filter(|r| !checked.contains_key(&r.id) && r.waived.is_some())
        .count();
    let n_unchecked = documented.len() - n_checked - n_waived;
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .unwrap_or_default();
    let rules_row = format!(
        "| {} | {} | {} | {} | {} |",
        c.rules.len(),
        c.count(Evidence::Documented),
        c.count(Evidence::Platform),
        c.count(Evidence::Example),
        c.count(Evidence::Inferred)
    );
    let books_row = format!(
        "| {} | {n_checked} | {n_waived} | {n_unchecked} |",
        documented.len()
    );
    assert!(
        readme.contains(&rules_row) && readme.contains(&books_row),
        "README.md (\"Rules, `checks:` and the books\") should show {rules_row} and {books_row}"
    );
}
