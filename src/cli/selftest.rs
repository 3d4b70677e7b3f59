//! `tgconform selftest`: the mutation self-test. The whole suite runs against the
//! embedded mock once clean and once per fault of the mock's catalogue. Every fault
//! must be killed, and the catalogue's claims must hold: each scenario a fault names in
//! `killed_by` fails, in a step whose `checks` name a rule the fault `breaks`.

use futures_util::StreamExt;

use super::Env;
use super::args::SelftestArgs;
use super::error::{CliError, usage};
use super::run::{load_all, parse_faults};
use super::suite::{EmbeddedSuite, SuiteSource};
use crate::endpoint::{Profile, TargetKind};
use crate::engine::{Collect, EngineBuilder, EngineError, ReportError, RunSummary, Target};
use crate::mock::{Fault, MockOptions, rule_matches};
use crate::plan::{self, Selection};
use crate::report::{self, Masker};
use crate::runner::ScenarioOutcome;
use crate::schema::SchemaRegistry;

/// Faults whose suite runs are in flight at once.
const PARALLEL_FAULTS: usize = 8;

/// The result for one fault.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FaultResult {
    pub fault: String,
    pub description: String,
    /// Scenarios that failed with the fault on (empty: the fault survived).
    pub killed_by: Vec<String>,
    /// Rules (ids or patterns) the fault says it breaks.
    pub breaks: Vec<String>,
    /// Scenarios the fault says kill it that ran and passed.
    pub missed: Vec<String>,
    /// Scenarios the fault says kill it that failed, but in no step checking a rule the
    /// fault breaks: killed for another reason than the one claimed.
    pub unattributed: Vec<String>,
}

impl FaultResult {
    /// Killed, as claimed.
    pub fn holds(&self) -> bool {
        !self.killed_by.is_empty() && self.missed.is_empty() && self.unattributed.is_empty()
    }
}

/// Compare a fault's claims with the scenarios that failed with it on. Claimed
/// scenarios that were not planned (e.g. `--skip-tag`) are not held against it.
fn judge_fault(
    f: Fault,
    failed: &[std::sync::Arc<ScenarioOutcome>],
    planned: &[String],
) -> FaultResult {
    let mut killed_by: Vec<String> = failed.iter().map(|o| o.stem.clone()).collect();
    killed_by.sort();
    let breaks = f.breaks();
    let mut missed = Vec::new();
    let mut unattributed = Vec::new();
    for claim in f.killed_by() {
        if !planned.iter().any(|p| p == claim) {
            continue;
        }
        match failed.iter().find(|o| o.stem == *claim) {
            None => missed.push(claim.to_string()),
            Some(o) => {
                let attributed = o
                    .steps
                    .iter()
                    .filter(|s| s.status == crate::runner::Status::Failed)
                    .flat_map(|s| {
                        // The step's own checks, and the rules its envelope findings name.
                        let own = s.failures.iter().filter_map(|f| f.rule());
                        s.checks.iter().map(String::as_str).chain(own)
                    })
                    .any(|id| breaks.iter().any(|p| rule_matches(p, id)));
                if !attributed {
                    unattributed.push(claim.to_string());
                }
            }
        }
    }
    FaultResult {
        fault: f.name().to_string(),
        description: f.description().to_string(),
        killed_by,
        breaks: breaks.iter().map(|b| b.to_string()).collect(),
        missed,
        unattributed,
    }
}

pub(crate) fn selftest(
    args: SelftestArgs,
    color: crate::report::ColorChoice,
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
                    decisions: Vec::new(),
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
    let planned_stems: Vec<String> = planned.iter().map(|p| p.meta().stem.clone()).collect();
    // Each fault's line is printed as soon as its run is judged (in catalogue order);
    // on a terminal a status line below counts faults done, running and surviving.
    let progress = match report::ProgressMode::from_env(0) {
        report::ProgressMode::Live => report::ProgressMode::Live,
        _ => report::ProgressMode::Off,
    };
    let progress = report::Progress::new(progress, "faults");
    progress.start(faults.len());
    let palette = report::Palette::for_console(color);
    let outcome: Result<(), EngineError> = runtime.block_on(async {
        let mut runs = futures_util::stream::iter(faults.iter().map(|f| {
            let run = suite(vec![*f]);
            let progress = progress.clone();
            async move {
                progress.item_started();
                (*f, run.await)
            }
        }))
        .buffered(PARALLEL_FAULTS);
        while let Some((f, outcomes)) = runs.next().await {
            let (_, failed) = outcomes?;
            let r = judge_fault(f, &failed, &planned_stems);
            progress.hold();
            outln!("{}", paint_line(palette, &line(&r)));
            progress.item_finished(!r.holds());
            progress.release();
            results.push(r);
        }
        Ok(())
    });
    progress.finish();
    outcome?;
    let killed = results.iter().filter(|r| !r.killed_by.is_empty()).count();
    let survived = results.len() - killed;
    let broken_claims = results
        .iter()
        .filter(|r| !r.killed_by.is_empty() && !r.holds())
        .count();
    outln!("\n{killed} killed, {survived} survived, {broken_claims} killed otherwise than claimed");
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
    if clean_ok && survived == 0 && broken_claims == 0 {
        Ok(())
    } else {
        Err(CliError::Failed)
    }
}

/// The verdict word of a fault's line in its colour.
fn paint_line(p: report::Palette, line: &str) -> String {
    let (word, style) = if line.starts_with("killed") {
        ("killed", report::Style::Pass)
    } else if line.starts_with("SURVIVED") {
        ("SURVIVED", report::Style::Fail)
    } else if line.starts_with("CLAIM") {
        ("CLAIM", report::Style::Skip)
    } else {
        return line.to_string();
    };
    format!("{}{}", p.paint(style, word), &line[word.len()..])
}

fn line(r: &FaultResult) -> String {
    if r.killed_by.is_empty() {
        format!("SURVIVED  {:<44} {}", r.fault, r.description)
    } else if !r.holds() {
        let mut why = Vec::new();
        if !r.missed.is_empty() {
            why.push(format!("not killed by {} as claimed", r.missed.join(", ")));
        }
        if !r.unattributed.is_empty() {
            why.push(format!(
                "{} failed in no step that checks {}",
                r.unattributed.join(", "),
                r.breaks.join(", ")
            ));
        }
        format!("CLAIM     {:<44} {}", r.fault, why.join("; "))
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::time::Duration;

    use crate::runner::{Status, StepOutcome};
    use crate::scenario::{Span, StepPhase};

    /// A failed outcome of `stem` whose one failed step checks `checks`.
    fn failed(stem: &str, checks: &[&str]) -> Arc<ScenarioOutcome> {
        Arc::new(ScenarioOutcome {
            stem: stem.into(),
            name: stem.into(),
            path: format!("{stem}.yaml").into(),
            tags: Vec::new(),
            status: Status::Failed,
            duration: Duration::ZERO,
            steps: vec![StepOutcome {
                name: "s".into(),
                phase: StepPhase::Main,
                actor: "governing".into(),
                span: Span::default(),
                status: Status::Failed,
                exchange: None,
                failures: Vec::new(),
                warnings: Vec::new(),
                checks: checks.iter().map(|c| c.to_string()).collect(),
                envelope: Vec::new(),
            }],
            warnings: Vec::new(),
            leftovers: Vec::new(),
            snapshot: Vec::new(),
            dynamic_values: Vec::new(),
        })
    }

    const FAULT: Fault = Fault::RequestExpiry13Days;

    fn planned() -> Vec<String> {
        FAULT.killed_by().iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_fault_killed_as_claimed_holds() {
        let claim = FAULT.killed_by()[0];
        let r = judge_fault(FAULT, &[failed(claim, &["REQ-EXPIRY-14D"])], &planned());
        assert!(r.holds(), "{r:?}");
    }

    #[test]
    fn a_claimed_scenario_that_passed_is_a_broken_claim() {
        let r = judge_fault(
            FAULT,
            &[failed("some-other", &["REQ-EXPIRY-14D"])],
            &planned(),
        );
        assert_eq!(r.missed, planned());
        assert!(!r.holds());
    }

    #[test]
    fn a_kill_in_a_step_that_checks_another_rule_is_a_broken_claim() {
        let claim = FAULT.killed_by()[0];
        let r = judge_fault(FAULT, &[failed(claim, &["REQ-CREATE-201"])], &planned());
        assert_eq!(r.unattributed, [claim]);
        assert!(!r.holds());
    }

    #[test]
    fn a_kill_by_an_envelope_finding_about_a_broken_rule_is_attributed() {
        let f = Fault::NoRequestIdHeader;
        let claim = f.killed_by()[0];
        let mut outcome = failed(claim, &["GRAPH-JSON-CONTENT-TYPE"]);
        if let Some(o) = Arc::get_mut(&mut outcome) {
            o.steps[0].failures.push(crate::judge::Finding::of(
                crate::judge::FindingKind::Envelope,
                Span::default(),
                crate::judge::Problem::Envelope {
                    rule: "GRAPH-REQUEST-ID",
                    text: "the response has no `request-id` header".into(),
                },
            ));
        }
        let planned: Vec<String> = f.killed_by().iter().map(|s| s.to_string()).collect();
        let r = judge_fault(f, &[outcome], &planned[..1]);
        assert!(r.unattributed.is_empty(), "{r:?}");
    }

    #[test]
    fn claimed_scenarios_outside_the_run_are_not_held_against_the_fault() {
        let r = judge_fault(FAULT, &[failed("some-other", &[])], &[]);
        assert!(r.missed.is_empty() && r.unattributed.is_empty());
        assert!(r.holds());
    }
}
