//! What a fixture offers, for `tgconform list --fixtures`: read with the loader's own
//! model of fixture files, so the listing says what `use:` will find.

use std::path::Path;

use super::error::LoadError;
use super::file::FixtureFile;
use super::yaml::{self, FileKind};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixtureInfo {
    /// The name `use:` takes (the file stem).
    pub name: String,
    /// Parameters passed with `with:`.
    pub params: Vec<String>,
    /// Variables it captures for the steps after it.
    pub provides: Vec<String>,
    /// A profile may supply `provides` instead (the steps are then skipped).
    pub from_profile: bool,
    pub description: String,
    pub steps: usize,
}

/// Parse the fixture file `path` (its text given) as the loader does.
pub fn fixture_info(path: &Path, text: &str) -> Result<FixtureInfo, LoadError> {
    let f: FixtureFile = yaml::parse(path, text, FileKind::Fixture)?;
    Ok(FixtureInfo {
        name: path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default(),
        params: f.params.iter().map(|p| p.value.clone()).collect(),
        provides: f.provides.iter().map(|p| p.value.clone()).collect(),
        from_profile: f.from_profile,
        description: f
            .description
            .unwrap_or_default()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" "),
        steps: f.steps.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fixture_file_is_summarised() {
        let text = "description: find a template\nparams: [as]\nprovides: [templateId]\nfromProfile: true\nsteps:\n  - name: list\n    as: $as\n    request: {method: GET, path: /x}\n    capture:\n      templateId: $.value[0].id\n";
        let info = fixture_info(Path::new("fixtures/policy-template.yaml"), text);
        assert_eq!(
            info.ok(),
            Some(FixtureInfo {
                name: "policy-template".into(),
                params: vec!["as".into()],
                provides: vec!["templateId".into()],
                from_profile: true,
                description: "find a template".into(),
                steps: 1,
            })
        );
    }
}
