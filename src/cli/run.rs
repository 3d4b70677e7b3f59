use std::io::Write as _;
use std::path::Path;
use std::sync::Arc;

use futures_util::StreamExt;

use super::args::{ListArgs, RunArgs};
use super::{EXIT_FAILED, EXIT_OK, EXIT_USAGE};
use crate::mock::{Fault, MockOptions, MockServer};
use crate::plan::{self, PlannedScenario, Selection};
use crate::report::{self, JsonReport, Masker, Totals};
use crate::runner::{RunConfig, Runner, ScenarioOutcome};
use crate::scenario::{self, LoadOptions, Scenario};
use crate::schema::{SchemaMode, SchemaRegistry};
use crate::target::{Profile, TargetKind, TokenCache, classify_url};

fn usage_error(msg: impl std::fmt::Display) -> u8 {
    eprintln!("error: {msg}");
    EXIT_USAGE
}

/// Load every scenario of `dir`; all load errors are printed, then `Err`.
pub(crate) fn load_all(dir: &Path, schemas: &SchemaRegistry) -> Result<Vec<Arc<Scenario>>, u8> {
    let files = scenario::discover(dir).map_err(|e| {
        eprintln!("{e}");
        EXIT_USAGE
    })?;
    if files.is_empty() {
        return Err(usage_error(format!(
            "no scenario files (*.yaml) in {}",
            dir.display()
        )));
    }
    let opts = LoadOptions {
        schema_types: Some(schemas.type_names()),
    };
    let mut out = Vec::new();
    let mut errors = 0;
    for f in files {
        match scenario::load_file(&f, &opts) {
            Ok(s) => out.push(Arc::new(s)),
            Err(e) => {
                eprintln!("{e}\n");
                errors += 1;
            }
        }
    }
    if errors > 0 {
        eprintln!("{errors} scenario file(s) could not be loaded; nothing was sent");
        return Err(EXIT_USAGE);
    }
    Ok(out)
}

pub(crate) fn list(args: ListArgs) -> u8 {
    let schemas = match SchemaRegistry::builtin() {
        Ok(s) => s,
        Err(e) => return usage_error(e),
    };
    let scenarios = match load_all(&args.scenarios, &schemas) {
        Ok(s) => s,
        Err(code) => return code,
    };
    for s in &scenarios {
        println!("scenario::{}  [{}]  {}", s.stem, s.tags.join(", "), s.name);
    }
    EXIT_OK
}

/// A deterministic shuffle (xorshift64*), so `--shuffle SEED` reproduces an order.
pub(crate) fn shuffle<T>(items: &mut [T], seed: u64) {
    let mut x = seed ^ 0x9E37_79B9_7F4A_7C15;
    for i in (1..items.len()).rev() {
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        let r = x.wrapping_mul(0x2545_F491_4F6C_DD1D);
        let j = (r % (i as u64 + 1)) as usize;
        items.swap(i, j);
    }
}

pub(crate) fn parse_faults(names: &[String]) -> Result<Vec<Fault>, String> {
    names
        .iter()
        .map(|n| {
            Fault::from_name(n).ok_or_else(|| {
                format!("unknown fault `{n}`; `tgconform serve --list-faults` prints the catalogue")
            })
        })
        .collect()
}

pub(crate) fn run(args: RunArgs) -> u8 {
    let timeout = match scenario::parse_duration(&args.timeout) {
        Ok(t) if !t.is_zero() => t,
        Ok(_) => return usage_error("--timeout must be more than zero"),
        Err(e) => return usage_error(format!("--timeout: {e}")),
    };
    if args.max_body == 0 {
        return usage_error("--max-body must be more than zero");
    }
    if args.jobs == Some(0) {
        return usage_error("--jobs must be at least 1");
    }
    let schemas = match SchemaRegistry::builtin() {
        Ok(s) => s,
        Err(e) => return usage_error(e),
    };
    let mut scenarios = match load_all(&args.scenarios, &schemas) {
        Ok(s) => s,
        Err(code) => return code,
    };
    if let Some(f) = &args.filter {
        scenarios.retain(|s| s.stem.contains(f.as_str()));
        if scenarios.is_empty() {
            return usage_error(format!(
                "no scenario name contains `{f}`; `tgconform list` shows them"
            ));
        }
    }
    let profile = match &args.profile {
        Some(p) => match Profile::load(p) {
            Ok(p) => p,
            Err(e) => return usage_error(e),
        },
        None => Profile::builtin(),
    };
    let faults = match parse_faults(&args.faults) {
        Ok(f) => f,
        Err(e) => return usage_error(e),
    };
    let target = args.target.clone().or_else(|| profile.target.clone());
    if target.is_some() && !faults.is_empty() {
        return usage_error(
            "--fault switches on faults of the embedded mock; it cannot be combined with --target",
        );
    }
    let kind = match &target {
        None => TargetKind::Embedded,
        Some(url) if profile.real == Some(true) => {
            let _ = url;
            TargetKind::Real
        }
        Some(url) => classify_url(url),
    };
    if let Some(url) = &target
        && !(url.starts_with("http://") || url.starts_with("https://"))
    {
        return usage_error(format!(
            "--target `{url}` must be an http:// or https:// URL"
        ));
    }
    let schema_mode = match args.schema_mode.as_deref() {
        Some("lenient") => SchemaMode::Lenient,
        Some(_) => SchemaMode::Strict,
        None if kind == TargetKind::Real => SchemaMode::Lenient,
        None => SchemaMode::Strict,
    };
    let jobs = args.jobs.unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2)
    });
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(jobs.clamp(1, 16))
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => return usage_error(format!("cannot start the async runtime: {e}")),
    };
    let mock_opts = MockOptions {
        faults: faults.clone(),
        control: true,
    };
    let embedded = if target.is_none() {
        match MockServer::start(mock_opts.clone()) {
            Ok(m) => Some(m),
            Err(e) => return usage_error(format!("cannot start the embedded mock: {e}")),
        }
    } else {
        None
    };
    let base_url = match (&embedded, &target) {
        (Some(m), _) => m.base_url(),
        (None, Some(t)) => t.trim_end_matches('/').to_string(),
        (None, None) => return usage_error("no target"),
    };
    let tokens = TokenCache::new();
    for s in &profile.secrets {
        tokens.add_secret(s);
    }
    let selection = Selection {
        tags: args.tags.clone(),
        skip_tags: args.skip_tags.clone(),
        allow_mutations: args.allow_mutations,
    };
    let mut planned = plan::plan(&scenarios, &profile, kind, &selection, &tokens);
    if planned.is_empty() {
        return usage_error("no scenario is selected (check --tag / --skip-tag)");
    }
    if let Some(seed) = args.shuffle {
        shuffle(&mut planned, seed);
    }
    if args.dry_run {
        return dry_run(&planned, &base_url, &tokens);
    }
    let mut cfg = RunConfig::new(&base_url);
    cfg.schema_mode = schema_mode;
    cfg.timeout = timeout;
    cfg.max_body = args.max_body;
    cfg.keep_bodies = args.coverage;
    let runner = match Runner::new(cfg, schemas.clone(), tokens.clone()) {
        Ok(r) => Arc::new(r),
        Err(e) => return usage_error(e),
    };
    eprintln!(
        "tgconform {}: {} scenario(s) against {} ({}, schema mode {}, {jobs} job(s))",
        env!("CARGO_PKG_VERSION"),
        planned.len(),
        match kind {
            TargetKind::Embedded => format!("the embedded mock at {base_url}"),
            _ => base_url.clone(),
        },
        match kind {
            TargetKind::Embedded => "embedded",
            TargetKind::Loopback => "loopback",
            TargetKind::Real => "real tenant",
        },
        match schema_mode {
            SchemaMode::Strict => "strict",
            SchemaMode::Lenient => "lenient",
        },
    );
    let verbose = std::env::args().any(|a| a == "-v" || a == "--verbose" || a.starts_with("-vv"));
    let outcomes = runtime.block_on(execute(
        planned,
        runner.clone(),
        kind,
        mock_opts,
        jobs,
        verbose,
    ));
    let masker = Masker::new(tokens.secrets());
    let mut outcomes = outcomes;
    outcomes.sort_by(|a, b| a.stem.cmp(&b.stem));
    let totals = Totals::of(&outcomes);
    let coverage = args.coverage.then(|| report::coverage(&outcomes, &schemas));
    if let Some(cov) = &coverage {
        println!("\n{}", report::coverage_table(cov));
    }
    if std::env::var("GITHUB_ACTIONS").as_deref() == Ok("true") {
        print!("{}", report::annotations(&outcomes, &masker));
    }
    let mut code = if totals.failed > 0 {
        EXIT_FAILED
    } else {
        EXIT_OK
    };
    if let Some(path) = &args.junit {
        match report::junit_xml(&outcomes, &masker) {
            Ok(xml) => {
                if let Err(e) = std::fs::write(path, xml) {
                    eprintln!("error: cannot write {}: {e}", path.display());
                    code = EXIT_USAGE;
                }
            }
            Err(e) => eprintln!("error: cannot render JUnit: {e}"),
        }
    }
    if let Some(path) = &args.json {
        let rep = JsonReport {
            version: 1,
            tool: "tgconform",
            tool_version: env!("CARGO_PKG_VERSION"),
            target: &base_url,
            target_kind: kind,
            schema_mode: match schema_mode {
                SchemaMode::Strict => "strict".into(),
                SchemaMode::Lenient => "lenient".into(),
            },
            totals,
            scenarios: &outcomes,
            coverage: coverage.as_ref().and_then(|c| serde_json::to_value(c).ok()),
        };
        match report::json_report(&rep, &masker) {
            Ok(text) => {
                if let Err(e) = std::fs::write(path, text) {
                    eprintln!("error: cannot write {}: {e}", path.display());
                    code = EXIT_USAGE;
                }
            }
            Err(e) => eprintln!("error: cannot render JSON: {e}"),
        }
    }
    let left: Vec<&String> = outcomes.iter().flat_map(|o| o.leftovers.iter()).collect();
    if !left.is_empty() {
        println!("\nTeardown could not remove everything; left behind:");
        for l in left {
            println!("  - {}", masker.mask(l));
        }
    }
    println!("\n{}", report::summary_line(&totals));
    code
}

async fn execute(
    planned: Vec<PlannedScenario>,
    runner: Arc<Runner>,
    kind: TargetKind,
    mock_opts: MockOptions,
    jobs: usize,
    verbose: bool,
) -> Vec<ScenarioOutcome> {
    let on_int = runner.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            eprintln!("\ninterrupted: running teardown steps (press Ctrl-C again to abort)");
            on_int.interrupt();
            if tokio::signal::ctrl_c().await.is_ok() {
                std::process::exit(130);
            }
        }
    });
    #[cfg(unix)]
    {
        let on_term = runner.clone();
        tokio::spawn(async move {
            if let Ok(mut term) =
                tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                && term.recv().await.is_some()
            {
                eprintln!("\nterminated: running teardown steps");
                on_term.interrupt();
            }
        });
    }
    run_all(planned, &runner, kind, &mock_opts, jobs, |o| {
        // Command tokens may be fetched mid-run, so the masker is rebuilt per outcome.
        let masker = Masker::new(runner.tokens().secrets());
        print!("{}", report::render_outcome(o, &masker, verbose));
        let _ = std::io::stdout().flush();
    })
    .await
}

/// Run planned scenarios `jobs` at a time; `on_outcome` sees each as it finishes.
pub(crate) async fn run_all(
    planned: Vec<PlannedScenario>,
    runner: &Arc<Runner>,
    kind: TargetKind,
    mock_opts: &MockOptions,
    jobs: usize,
    mut on_outcome: impl FnMut(&ScenarioOutcome),
) -> Vec<ScenarioOutcome> {
    let mut stream = futures_util::stream::iter(planned.into_iter().map(|p| {
        let runner = runner.clone();
        let mock_opts = mock_opts.clone();
        async move { run_planned(&runner, &p, kind, mock_opts).await }
    }))
    .buffer_unordered(jobs.max(1));
    let mut outcomes = Vec::new();
    while let Some(o) = stream.next().await {
        on_outcome(&o);
        outcomes.push(o);
    }
    outcomes
}

/// Scenarios that move the mock's clock get a private embedded mock, so the clock
/// of the shared one never jumps under other scenarios running in parallel.
async fn run_planned(
    runner: &Runner,
    p: &PlannedScenario,
    kind: TargetKind,
    opts: MockOptions,
) -> ScenarioOutcome {
    if kind == TargetKind::Embedded && p.skip.is_none() && p.scenario.has_tag(plan::MOCK_ONLY) {
        match tokio::task::spawn_blocking(move || MockServer::start(opts)).await {
            Ok(Ok(private)) => {
                // `private` lives until the scenario is done, then stops.
                return runner.run_on(p, &private.base_url()).await;
            }
            Ok(Err(e)) => {
                let mut o = ScenarioOutcome::skipped(
                    &p.scenario,
                    format!("cannot start a private mock: {e}"),
                );
                o.status = crate::runner::ScenarioStatus::Failed;
                return o;
            }
            Err(e) => {
                let mut o = ScenarioOutcome::skipped(
                    &p.scenario,
                    format!("cannot start a private mock: {e}"),
                );
                o.status = crate::runner::ScenarioStatus::Failed;
                return o;
            }
        }
    }
    runner.run(p).await
}

fn dry_run(planned: &[PlannedScenario], base_url: &str, tokens: &TokenCache) -> u8 {
    let masker = Masker::new(tokens.secrets());
    for p in planned {
        let s = &p.scenario;
        match &p.skip {
            Some(reason) => println!("SKIP  scenario::{}  ({reason})", s.stem),
            None => println!("scenario::{}", s.stem),
        }
        if p.skip.is_some() {
            continue;
        }
        for step in s.all_steps() {
            let actor = p.actors.get(&step.actor);
            let auth = match (&step.request.auth, actor) {
                (crate::scenario::Auth::None, _) => "no token".to_string(),
                (crate::scenario::Auth::Bearer(_), _) => "Authorization: Bearer ***".to_string(),
                (crate::scenario::Auth::Actor, Some(a)) => {
                    format!("Authorization: Bearer *** (tenant {})", a.tenant_id)
                }
                (crate::scenario::Auth::Actor, None) => "no actor".to_string(),
            };
            println!(
                "  {} {}{}  as {}  [{auth}]",
                step.request.method,
                base_url,
                step.request.path.source(),
                step.actor
            );
            if let Some(crate::scenario::Body::Json(t)) = &step.request.body {
                println!("    body: {}", masker.mask(&describe_template(t)));
            }
        }
    }
    println!("\ndry run: nothing was sent");
    EXIT_OK
}

fn describe_template(t: &crate::scenario::ValueTemplate) -> String {
    use crate::scenario::ValueTemplate as V;
    match t {
        V::Null => "null".into(),
        V::Bool(b) => b.to_string(),
        V::Number(n) => n.to_string(),
        V::String(s) => serde_json::Value::String(s.source().to_string()).to_string(),
        V::Array(items) => format!(
            "[{}]",
            items
                .iter()
                .map(describe_template)
                .collect::<Vec<_>>()
                .join(",")
        ),
        V::Object(entries) => format!(
            "{{{}}}",
            entries
                .iter()
                .map(|(k, v)| format!(
                    "{}:{}",
                    serde_json::Value::String(k.source().to_string()),
                    describe_template(v)
                ))
                .collect::<Vec<_>>()
                .join(",")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shuffle_is_a_deterministic_permutation() {
        let mut a: Vec<u32> = (0..20).collect();
        let mut b = a.clone();
        shuffle(&mut a, 7);
        shuffle(&mut b, 7);
        assert_eq!(a, b);
        let mut sorted = a.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..20).collect::<Vec<_>>());
        assert_ne!(a, (0..20).collect::<Vec<_>>());
    }
}
