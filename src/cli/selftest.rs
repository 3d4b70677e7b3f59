//! `tgconform selftest`: the mutation self-test. The whole suite runs against the
//! embedded mock once clean and once per fault of the mock's catalogue; every fault
//! must make at least one scenario fail ("killed").

use std::sync::Arc;

use futures_util::StreamExt;

use super::args::SelftestArgs;
use super::run::{Keep, load_all, parse_faults, run_all};
use super::{EXIT_FAILED, EXIT_OK, EXIT_USAGE};
use crate::mock::{Fault, MockOptions, MockServer};
use crate::plan::{self, Selection};
use crate::report::{self, Masker, Totals};
use crate::runner::{RunConfig, Runner};
use crate::schema::SchemaRegistry;
use crate::target::{Profile, TargetKind, TokenCache};

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

pub(crate) fn selftest(args: SelftestArgs) -> u8 {
    let schemas = match SchemaRegistry::builtin() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    let scenarios = match load_all(&args.scenarios, &schemas) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let faults: Vec<Fault> = if args.faults.is_empty() {
        Fault::ALL.to_vec()
    } else {
        match parse_faults(&args.faults) {
            Ok(f) => f,
            Err(e) => {
                eprintln!("error: {e}");
                return EXIT_USAGE;
            }
        }
    };
    let jobs = args
        .jobs
        .unwrap_or_else(|| {
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(2)
        })
        .max(1);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(jobs.clamp(1, 16))
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return EXIT_USAGE;
        }
    };
    let selection = Selection {
        tags: Vec::new(),
        skip_tags: args.skip_tags.clone(),
        allow_mutations: true,
    };
    // Each suite run gets its own mock, so runs for different faults are independent;
    // a faulty mock mostly makes scenarios wait (polling, retries), so several faults
    // run at once even on few cores.
    let suite = |faults: Vec<Fault>| {
        let scenarios = &scenarios;
        let schemas = &schemas;
        let selection = &selection;
        async move {
            let opts = MockOptions {
                faults,
                control: true,
            };
            let mock = MockServer::start(opts.clone())
                .map_err(|e| format!("cannot start the embedded mock: {e}"))?;
            let tokens = TokenCache::new();
            let planned = plan::plan(
                scenarios,
                &Profile::builtin(),
                TargetKind::Embedded,
                selection,
            );
            let runner = Arc::new(
                Runner::new(RunConfig::new(&mock.base_url()), schemas.clone(), tokens)
                    .map_err(|e| e.to_string())?,
            );
            Ok::<_, String>(
                run_all(
                    planned,
                    &runner,
                    TargetKind::Embedded,
                    &opts,
                    jobs,
                    Keep::Failures,
                    |_| {},
                )
                .await,
            )
        }
    };
    println!(
        "selftest: {} scenario(s), {} fault(s)\n",
        scenarios.len(),
        faults.len()
    );
    let clean = match runtime.block_on(suite(Vec::new())) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    let totals = Totals::of(&clean);
    let clean_ok = totals.failed == 0;
    if clean_ok {
        println!("clean mock: {}", report::summary_line(&totals));
    } else {
        println!(
            "clean mock FAILS the suite ({}):",
            report::summary_line(&totals)
        );
        let masker = Masker::default();
        for o in clean.iter().filter(|o| o.failed()) {
            print!("{}", report::render_outcome(o, &masker, false));
        }
    }
    let mut results = Vec::new();
    let runs: Vec<_> = runtime.block_on(
        futures_util::stream::iter(faults.iter().map(|f| suite(vec![*f])))
            .buffered(PARALLEL_FAULTS)
            .collect(),
    );
    for (f, outcomes) in faults.iter().zip(runs) {
        let outcomes = match outcomes {
            Ok(o) => o,
            Err(e) => {
                eprintln!("error: {e}");
                return EXIT_USAGE;
            }
        };
        let mut killed_by: Vec<String> = outcomes
            .iter()
            .filter(|o| o.failed())
            .map(|o| o.stem.clone())
            .collect();
        killed_by.sort();
        let r = FaultResult {
            fault: f.name().to_string(),
            description: f.description().to_string(),
            killed_by,
        };
        println!("{}", line(&r));
        results.push(r);
    }
    let killed = results.iter().filter(|r| !r.killed_by.is_empty()).count();
    let survived = results.len() - killed;
    println!("\n{killed} killed, {survived} survived");
    if let Some(path) = &args.json
        && let Ok(text) = serde_json::to_string_pretty(&results)
        && let Err(e) = std::fs::write(path, text)
    {
        eprintln!("error: cannot write {}: {e}", path.display());
        return EXIT_USAGE;
    }
    if clean_ok && survived == 0 {
        EXIT_OK
    } else {
        EXIT_FAILED
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
