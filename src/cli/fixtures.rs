//! `tgconform list --fixtures`: the fixtures a scenario can `use:`, with their
//! parameters, what they provide and what they do.

use std::path::Path;

use super::error::{CliError, usage};
use super::suite::{EMBEDDED_DIR, SuiteSource};
use crate::scenario::{self, FixtureInfo};

/// Every fixture of the suite (the folder's `fixtures/`, or the built-in ones), sorted
/// by name; a fixture that does not parse is an error, as it would be in a run.
pub(crate) fn fixtures(source: &SuiteSource<'_>) -> Result<Vec<FixtureInfo>, CliError> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    match source {
        SuiteSource::Embedded(suite) => {
            for (name, text) in suite.fixtures {
                let path = Path::new(EMBEDDED_DIR).join("fixtures").join(name);
                match scenario::fixture_info(&path, text) {
                    Ok(f) => out.push(f),
                    Err(e) => errors.push(e),
                }
            }
        }
        SuiteSource::Dir(dir) => {
            let folder = dir.join("fixtures");
            if !folder.is_dir() {
                return Ok(Vec::new());
            }
            for path in scenario::discover(&folder).map_err(|e| CliError::Discover(Box::new(e)))? {
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| usage(format!("cannot read {}: {e}", path.display())))?;
                match scenario::fixture_info(&path, &text) {
                    Ok(f) => out.push(f),
                    Err(e) => errors.push(e),
                }
            }
        }
    }
    if !errors.is_empty() {
        return Err(CliError::Scenarios(errors));
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// One block per fixture: name and step count, then parameters, provides, description.
pub(crate) fn render(list: &[FixtureInfo]) -> String {
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
    for (i, f) in list.iter().enumerate() {
        out.push_str(&format!(
            "{}{}  ({} step{})\n  params:   {}\n  provides: {}{}\n  {}\n",
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
