//! Where a run's scenarios come from: the suite built into the binary, or a folder.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::plan::SuiteScenario;
use crate::scenario::{self, LoadError, LoadOptions};
use crate::schema::SchemaRegistry;

/// Scenario and fixture files compiled into the binary: (file name, text).
#[derive(Debug)]
pub struct EmbeddedSuite {
    pub scenarios: &'static [(&'static str, &'static str)],
    pub fixtures: &'static [(&'static str, &'static str)],
}

/// Where the scenarios come from: `--scenarios DIR`; else a `scenarios/` folder in the
/// current folder (a checkout of this repository, or a project laid out like one); else
/// the suite built into the binary, so an installed `tgconform` runs from anywhere.
pub(crate) enum SuiteSource<'a> {
    Dir(PathBuf),
    Embedded(&'a EmbeddedSuite),
}

impl<'a> SuiteSource<'a> {
    pub fn new(dir: Option<&PathBuf>, suite: &'a EmbeddedSuite) -> Self {
        match dir {
            Some(d) => SuiteSource::Dir(d.clone()),
            None if Path::new(EMBEDDED_DIR).is_dir() => SuiteSource::Dir(EMBEDDED_DIR.into()),
            None => SuiteSource::Embedded(suite),
        }
    }

    /// The folder scenarios are named after (the built-in ones: `scenarios`).
    pub fn dir(&self) -> &Path {
        match self {
            SuiteSource::Dir(d) => d,
            SuiteSource::Embedded(_) => Path::new(EMBEDDED_DIR),
        }
    }
}

/// The folder built-in scenarios are named after in messages and reports: where they
/// live in the repository, so CI annotations point at the right file.
pub(crate) const EMBEDDED_DIR: &str = "scenarios";

/// Why a suite did not load.
pub(crate) enum Failure {
    /// The folder cannot be read.
    Discover(LoadError),
    /// Files that do not load.
    Load(Vec<LoadError>),
}

/// Every scenario, checked; load errors are collected, not printed. With more than
/// `light_above` files of a folder, each model is dropped right after its file checks
/// out and only its metadata is kept (the file is read again when it runs).
pub(crate) fn load(
    source: &SuiteSource<'_>,
    schemas: &SchemaRegistry,
    light_above: usize,
) -> Result<Vec<SuiteScenario>, Failure> {
    let mut opts = LoadOptions {
        schema_types: Some(schemas.type_names()),
        ..LoadOptions::default()
    };
    let mut out = Vec::new();
    let mut errors = Vec::new();
    match source {
        SuiteSource::Embedded(suite) => {
            let fixtures: BTreeMap<String, String> = suite
                .fixtures
                .iter()
                .map(|(name, text)| {
                    (
                        name.trim_end_matches(".yaml").to_string(),
                        (*text).to_string(),
                    )
                })
                .collect();
            opts.fixtures = Some(Arc::new(fixtures));
            for (name, text) in suite.scenarios {
                let path = Path::new(EMBEDDED_DIR).join(name);
                match scenario::load_str(&path, text, &opts) {
                    Ok(s) => out.push(SuiteScenario::loaded(Arc::new(s))),
                    Err(e) => errors.push(e),
                }
            }
        }
        SuiteSource::Dir(dir) => {
            let files = scenario::discover(dir).map_err(Failure::Discover)?;
            let light = files.len() > light_above;
            let opts = Arc::new(opts);
            for f in files {
                match scenario::load_file(&f, &opts) {
                    Ok(s) if light => out.push(SuiteScenario::deferred(&s, opts.clone())),
                    Ok(s) => out.push(SuiteScenario::loaded(Arc::new(s))),
                    Err(e) => errors.push(e),
                }
            }
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(Failure::Load(errors))
    }
}
