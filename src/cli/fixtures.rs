//! `tgconform list --fixtures`: the fixtures a scenario can `use:`, with their
//! parameters, what they provide and what they do.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::error::{CliError, usage};
use super::suite::SuiteSource;
use crate::scenario::{self, FixtureInfo};

/// Where `use: NAME` finds a fixture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FixtureOrigin {
    /// A file of the folder's `fixtures/`; `shadows`: a built-in fixture of the same
    /// name says something else (a copy of it, as in a clone, shadows nothing).
    Local { path: PathBuf, shadows: bool },
    /// Built into tgconform: the folder has no file of that name.
    BuiltIn,
}

/// Every fixture a scenario of `source` can use, sorted by name: the folder's
/// `fixtures/` files, and the built-in fixtures it has no file of (a local file wins,
/// as in the loader). A fixture that does not parse is an error, as it would be in a run.
pub(crate) fn fixtures(
    source: &SuiteSource<'_>,
) -> Result<Vec<(FixtureInfo, FixtureOrigin)>, CliError> {
    let mut found: BTreeMap<String, (FixtureInfo, FixtureOrigin)> = BTreeMap::new();
    let mut errors = Vec::new();
    let builtin = super::suite::builtin_fixtures(source.suite());
    if let SuiteSource::Dir(dir, _) = source {
        let folder = dir.join("fixtures");
        if folder.is_dir() {
            for path in scenario::discover(&folder).map_err(|e| CliError::Discover(Box::new(e)))? {
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| usage(format!("cannot read {}: {e}", path.display())))?;
                match scenario::fixture_info(&path, &text) {
                    Ok(f) => {
                        let shadows = builtin.get(&f.name).is_some_and(|b| *b != text);
                        let origin = FixtureOrigin::Local { path, shadows };
                        found.insert(f.name.clone(), (f, origin));
                    }
                    Err(e) => errors.push(e),
                }
            }
        }
    }
    for (name, text) in &builtin {
        if found.contains_key(name) {
            continue;
        }
        match scenario::fixture_info(&scenario::builtin_fixture_path(name), text) {
            Ok(f) => {
                found.insert(name.clone(), (f, FixtureOrigin::BuiltIn));
            }
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        return Err(CliError::Scenarios(errors));
    }
    Ok(found.into_values().collect())
}

/// One block per fixture: name and step count, then parameters, provides, description.
pub(crate) fn render(list: &[(FixtureInfo, FixtureOrigin)]) -> String {
    if list.is_empty() {
        return "no fixtures\n".into();
    }
    let none = |v: &[String]| {
        if v.is_empty() {
            "-".to_string()
        } else {
            v.join(", ")
        }
    };
    let mut out = String::new();
    for (i, (f, origin)) in list.iter().enumerate() {
        let from = match origin {
            FixtureOrigin::BuiltIn => "built-in".to_string(),
            FixtureOrigin::Local {
                path,
                shadows: false,
            } => path.display().to_string(),
            FixtureOrigin::Local {
                path,
                shadows: true,
            } => format!("{} (used instead of the built-in one)", path.display()),
        };
        out.push_str(&format!(
            "{}{}  ({} step{})\n  from:     {from}\n  params:   {}\n  provides: {}{}\n  {}\n",
            if i == 0 { "" } else { "\n" },
            f.name,
            f.steps,
            if f.steps == 1 { "" } else { "s" },
            none(&f.params),
            none(&f.provides),
            if f.from_profile {
                "  (or from the profile's vars: its steps are then skipped)"
            } else {
                ""
            },
            if f.description.is_empty() {
                "(no description)"
            } else {
                &f.description
            }
        ));
    }
    out
}
