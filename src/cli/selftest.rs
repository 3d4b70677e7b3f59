//! `tgconform selftest`: the mutation self-test. The whole suite runs against the
//! embedded mock once clean and once per fault of the mock's catalogue; every fault
//! must make at least one scenario fail ("killed").

use futures_util::StreamExt;

use super::Env;
use super::args::SelftestArgs;
use super::error::{CliError, usage};
use super::run::{load_all, parse_faults};
use super::suite::{EmbeddedSuite, SuiteSource};
use crate::engine::{Collect, EngineBuilder, EngineError, ReportError, RunSummary, Target};
use crate::mock::{Fault, MockOptions};
use crate::plan::{self, Selection};
use crate::report::{self, Masker};
use crate::runner::ScenarioOutcome;
use crate::schema::SchemaRegistry;
use crate::target::{Profile, TargetKind};

/// Faults whose suite runs are in flight at once.
const PARALLEL_FAULTS: usize = 8;

/// The result for one fault.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FaultResult {
    pub fault: String,
    pub description: String,
    /// Scenarios that failed with the fault on (empty: the fault survived).
    pub killed_by: Vec<String>,
}

pub(crate) fn selftest(
    args: SelftestArgs,
    env: &Env,
    embedded: &EmbeddedSuite,
) -> Result<(), CliError> {
    let schemas = SchemaRegistry::builtin().map_err(usage)?;
    let source = SuiteSource::new(args.scenarios.as_ref(), embedded);
    let scenarios = load_all(&source, &schemas, env)?;
    let faults: Vec<Fault> = if args.faults.is_empty() {
        Fault::ALL.to_vec()
    } else {
        parse_faults(&args.faults).map_err(usage)?
    };
    let jobs = args
        .jobs
        .unwrap_or_else(|| {
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(2)
        })
        .max(1);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(jobs.clamp(1, 16))
        .enable_all()
        .build()
        .map_err(EngineError::Runtime)?;
    let selection = Selection {
        tags: Vec::new(),
        skip_tags: args.skip_tags.clone(),
        allow_mutations: true,
    };
    let planned = plan::plan(
        &scenarios,
        &Profile::builtin(),
        TargetKind::Embedded,
        &selection,
    );
    // Each suite run gets its own engine and mock, so runs for different faults are
    // independent; a faulty mock mostly makes scenarios wait (polling, retries), so
    // several faults run at once even on few cores.
    let suite = |faults: Vec<Fault>| {
        let schemas = &schemas;
        let planned = planned.clone();
        let handle = runtime.handle().clone();
        async move {
            let engine = EngineBuilder::new(
                schemas.clone(),
                Target::Embedded(MockOptions {
                    faults,
                    control: true,
                }),
            )
            .runtime(handle)
            .jobs(Some(jobs))
            .build()?;
            let mut failed = Collect::failures();
            let result = engine.run_async(planned, &mut failed).await;
            Ok::<_, EngineError>((result.summary, failed.outcomes))
        }
    };
    outln!(
        "selftest: {} scenario(s), {} fault(s)\n",
        scenarios.len(),
        faults.len()
    );
    let (clean, clean_failures): (RunSummary, Vec<std::sync::Arc<ScenarioOutcome>>) =
        runtime.block_on(suite(Vec::new()))?;
    let totals = clean.totals;
    let clean_ok = totals.failed == 0;
    if clean_ok {
        outln!("clean mock: {}", report::summary_line(&totals));
    } else {
        outln!(
            "clean mock FAILS the suite ({}):",
            report::summary_line(&totals)
        );
        let masker = Masker::default();
        let mut clean_failures = clean_failures;
        clean_failures.sort_by(|a, b| a.stem.cmp(&b.stem));
        for o in &clean_failures {
            report::out(&report::render_outcome(o, &masker, false));
        }
    }
    let mut results = Vec::new();
    let runs: Vec<_> = runtime.block_on(
        futures_util::stream::iter(faults.iter().map(|f| suite(vec![*f])))
            .buffered(PARALLEL_FAULTS)
            .collect(),
    );
    for (f, outcomes) in faults.iter().zip(runs) {
        let (_, failed) = outcomes?;
        let mut killed_by: Vec<String> = failed.iter().map(|o| o.stem.clone()).collect();
        killed_by.sort();
        let r = FaultResult {
            fault: f.name().to_string(),
            description: f.description().to_string(),
            killed_by,
        };
        outln!("{}", line(&r));
        results.push(r);
    }
    let killed = results.iter().filter(|r| !r.killed_by.is_empty()).count();
    let survived = results.len() - killed;
    outln!("\n{killed} killed, {survived} survived");
    if let Some(path) = &args.json {
        let text = serde_json::to_string_pretty(&results).map_err(|e| {
            CliError::Reports(vec![ReportError::Render {
                what: "JSON",
                message: e.to_string(),
            }])
        })?;
        std::fs::write(path, text).map_err(|source| {
            CliError::Reports(vec![ReportError::Write {
                path: path.clone(),
                source,
            }])
        })?;
    }
    if clean_ok && survived == 0 {
        Ok(())
    } else {
        Err(CliError::Failed)
    }
}

fn line(r: &FaultResult) -> String {
    if r.killed_by.is_empty() {
        format!("SURVIVED  {:<44} {}", r.fault, r.description)
    } else {
        let shown: Vec<&str> = r.killed_by.iter().take(4).map(String::as_str).collect();
        let more = if r.killed_by.len() > 4 {
            format!(" (+{})", r.killed_by.len() - 4)
        } else {
            String::new()
        };
        format!("killed    {:<44} by {}{more}", r.fault, shown.join(", "))
    }
}
