//! Where a run's scenarios come from: the suite built into the binary, or a folder.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::plan::SuiteScenario;
use crate::scenario::{self, LoadError, LoadOptions};

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
    /// A folder; the built-in fixtures stand in for those it lacks.
    Dir(PathBuf, &'a EmbeddedSuite),
    Embedded(&'a EmbeddedSuite),
}

impl<'a> SuiteSource<'a> {
    pub fn new(dir: Option<&PathBuf>, suite: &'a EmbeddedSuite) -> Self {
        match dir {
            Some(d) => SuiteSource::Dir(d.clone(), suite),
            None if Path::new(EMBEDDED_DIR).is_dir() => {
                SuiteSource::Dir(EMBEDDED_DIR.into(), suite)
            }
            None => SuiteSource::Embedded(suite),
        }
    }

    /// The folder scenarios are named after (the built-in ones: `scenarios`).
    pub fn dir(&self) -> &Path {
        match self {
            SuiteSource::Dir(d, _) => d,
            SuiteSource::Embedded(_) => Path::new(EMBEDDED_DIR),
        }
    }

    /// The suite built into the binary (its fixtures back every folder).
    pub fn suite(&self) -> &'a EmbeddedSuite {
        match self {
            SuiteSource::Dir(_, suite) | SuiteSource::Embedded(suite) => suite,
        }
    }
}

/// The built-in fixtures by name (file stem → text).
pub(crate) fn builtin_fixtures(suite: &EmbeddedSuite) -> BTreeMap<String, String> {
    suite
        .fixtures
        .iter()
        .map(|(name, text)| {
            (
                name.trim_end_matches(".yaml").to_string(),
                (*text).to_string(),
            )
        })
        .collect()
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
/// `schema_types` are the type names `expect.schema` may use.
///
/// Files are parsed on every core: parsing YAML is most of start-up. The result keeps
/// the files' order, errors included, so messages do not depend on the thread count.
pub(crate) fn load(
    source: &SuiteSource<'_>,
    schema_types: Vec<String>,
    light_above: usize,
) -> Result<Vec<SuiteScenario>, Failure> {
    // Every folder, the built-in suite's own "folder" included, falls back on the
    // built-in fixtures for a name it has no file of.
    let opts = LoadOptions {
        schema_types: Some(schema_types),
        fixtures: Some(Arc::new(builtin_fixtures(source.suite()))),
    };
    let loaded: Vec<Result<SuiteScenario, LoadError>> = match source {
        SuiteSource::Embedded(suite) => par_map(suite.scenarios, |(name, text)| {
            let path = Path::new(EMBEDDED_DIR).join(name);
            scenario::load_str(&path, text, &opts).map(|s| SuiteScenario::loaded(Arc::new(s)))
        }),
        SuiteSource::Dir(dir, _) => {
            let files = scenario::discover(dir).map_err(Failure::Discover)?;
            let light = files.len() > light_above;
            let opts = Arc::new(opts);
            par_map(&files, |f| {
                scenario::load_file(f, &opts).map(|s| {
                    if light {
                        SuiteScenario::deferred(&s, opts.clone())
                    } else {
                        SuiteScenario::loaded(Arc::new(s))
                    }
                })
            })
        }
    };
    let mut out = Vec::with_capacity(loaded.len());
    let mut errors = Vec::new();
    for r in loaded {
        match r {
            Ok(s) => out.push(s),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(Failure::Load(errors))
    }
}

/// `items.iter().map(f).collect()`, on up to one thread per core, in the items' order.
fn par_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(items.len());
    if threads <= 1 {
        return items.iter().map(f).collect();
    }
    // Interleaved rather than in halves: scenario files differ a lot in size.
    let f = &f;
    let parts: Vec<Vec<(usize, R)>> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|t| {
                s.spawn(move || {
                    items
                        .iter()
                        .enumerate()
                        .skip(t)
                        .step_by(threads)
                        .map(|(i, item)| (i, f(item)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    let mut all: Vec<(usize, R)> = parts.into_iter().flatten().collect();
    all.sort_by_key(|(i, _)| *i);
    all.into_iter().map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    use super::par_map;

    #[test]
    fn par_map_keeps_the_order_of_the_items() {
        let items: Vec<u32> = (0..101).collect();
        let doubled = par_map(&items, |i| i * 2);
        assert_eq!(doubled, items.iter().map(|i| i * 2).collect::<Vec<_>>());
    }

    #[test]
    fn par_map_of_nothing_is_nothing() {
        assert!(par_map(&[] as &[u8], |b| *b).is_empty());
    }
}
