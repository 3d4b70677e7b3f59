use std::fmt::Write as _;
use std::io::Write as _;
use std::sync::atomic::{AtomicBool, Ordering};

use super::{Masker, Totals};
use crate::endpoint::{TargetKind, TokenCache};
use crate::engine::{Event, ReportError, Reporter, RunInfo};
use crate::runner::{InterruptReason, ScenarioOutcome, Status, StepOutcome};
use crate::schema::SchemaMode;
use crate::text::one_line;

/// The console: a banner on stderr, one line per scenario as it finishes (failures in
/// detail), what teardown left behind, and the summary line. Keeps only leftovers.
pub struct ConsoleReporter {
    tokens: TokenCache,
    verbose: bool,
    palette: super::Palette,
    /// (stem, leftover) of every scenario, sorted when printed.
    leftovers: Vec<(String, String)>,
    /// The slowest scenarios so far, slowest first (at most [`SLOWEST`]).
    slowest: Vec<(std::time::Duration, String)>,
}

/// How many of the slowest scenarios the closing lines name.
const SLOWEST: usize = 3;

impl ConsoleReporter {
    /// `tokens`: the run's token cache (what to mask); `verbose`: every step.
    pub fn new(tokens: TokenCache, verbose: bool) -> Self {
        ConsoleReporter {
            tokens,
            verbose,
            palette: super::Palette::plain(),
            leftovers: Vec::new(),
            slowest: Vec::new(),
        }
    }

    /// Colour for a terminal (see [`super::Palette::for_console`]).
    pub fn with_palette(mut self, palette: super::Palette) -> Self {
        self.palette = palette;
        self
    }

    fn note_duration(&mut self, o: &ScenarioOutcome) {
        if matches!(o.status, Status::Skipped(_)) {
            return;
        }
        self.slowest.push((o.duration, o.stem.clone()));
        self.slowest
            .sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        self.slowest.truncate(SLOWEST);
    }
}

impl Reporter for ConsoleReporter {
    fn write_event(&mut self, event: &Event<'_>) -> Result<(), ReportError> {
        match event {
            Event::RunStarted(info) => {
                let mut text = format!("{}\n", banner(info));
                for line in &info.checks {
                    text.push_str(&format!("{line}\n"));
                }
                err(&text)
            }
            Event::ScenarioFinished { outcome, .. } => {
                // Command tokens may be fetched mid-run, so the masker is rebuilt per outcome.
                let masker = Masker::new(self.tokens.secrets());
                out(&self
                    .palette
                    .outcome(&render_outcome(outcome, &masker, self.verbose)));
                self.note_duration(outcome);
                self.leftovers.extend(
                    outcome
                        .leftovers
                        .iter()
                        .map(|l| (outcome.stem.clone(), l.clone())),
                );
            }
            Event::Interrupted { reason } => err(&format!(
                "\n{}\n",
                match reason {
                    InterruptReason::CtrlC =>
                        "interrupted: running teardown steps (press Ctrl-C again to abort)",
                    InterruptReason::Terminate => "terminated: running teardown steps",
                    InterruptReason::Requested => "interrupted: running teardown steps",
                }
            )),
            Event::Warning { message } => err(&format!("warning: {message}\n")),
            Event::RunFinished(summary) => {
                let masker = Masker::new(self.tokens.secrets());
                if !self.leftovers.is_empty() {
                    // Stable by scenario, whatever order they finished in.
                    self.leftovers.sort_by(|a, b| a.0.cmp(&b.0));
                    out("\nTeardown could not remove everything; left behind:\n");
                    for (_, l) in &self.leftovers {
                        out(&format!("  - {}\n", masker.mask(l)));
                    }
                }
                out(&format!(
                    "\n{}\n{}\n",
                    self.palette.paint(
                        super::Style::Dim,
                        &timing_line(summary.duration, &self.slowest)
                    ),
                    self.palette.totals(&summary.totals)
                ));
            }
            Event::ScenarioStarted { .. }
            | Event::StepFinished { .. }
            | Event::TeardownStarted { .. } => {}
        }
        Ok(())
    }
}

/// `wall time 2.31 s; slowest: a 1.20 s, b 412 ms`: the line above the totals.
pub fn timing_line(wall: std::time::Duration, slowest: &[(std::time::Duration, String)]) -> String {
    let mut line = format!("wall time {}", human(wall));
    if !slowest.is_empty() {
        let names: Vec<String> = slowest
            .iter()
            .map(|(d, stem)| format!("{stem} {}", human(*d)))
            .collect();
        line.push_str(&format!("; slowest: {}", names.join(", ")));
    }
    line
}

fn human(d: std::time::Duration) -> String {
    if d.as_millis() < 1000 {
        format!("{} ms", d.as_millis())
    } else {
        format!("{:.2} s", d.as_secs_f64())
    }
}

/// Whether a report took stdout (`--json -`), so console text goes to stderr.
pub fn stdout_taken() -> bool {
    STDOUT_TAKEN.load(Ordering::SeqCst)
}

/// Set once stdout carries a report (`--json -`): everything else goes to stderr.
static STDOUT_TAKEN: AtomicBool = AtomicBool::new(false);

/// From now on [`out`] writes to stderr, so stdout holds only what [`report_out`]
/// writes (a JSON or JUnit report a pipe reads).
pub fn reserve_stdout() {
    STDOUT_TAKEN.store(true, Ordering::SeqCst);
}

/// Text for the reader on stdout (stderr once a report took stdout). A reader that
/// went away (`| head`) is no error: the text is dropped and the program goes on, so
/// a run still tears down what it created.
pub fn out(text: &str) {
    if STDOUT_TAKEN.load(Ordering::SeqCst) {
        err(text);
    } else {
        report_out(text);
    }
}

/// A report written to stdout (`--json -`), or text that must go there.
pub fn report_out(text: &str) {
    let mut w = std::io::stdout().lock();
    let _ = w.write_all(text.as_bytes()).and_then(|()| w.flush());
}

/// Text for stderr, dropped when nobody reads it.
pub fn err(text: &str) {
    let mut w = std::io::stderr().lock();
    let _ = w.write_all(text.as_bytes()).and_then(|()| w.flush());
}

/// `tgconform X: N scenario(s) against TARGET (KIND, schema mode M, J job(s))`.
pub fn banner(info: &RunInfo) -> String {
    format!(
        "tgconform {}: {} scenario(s) against {} ({}, schema mode {}, {} job(s))",
        info.tool_version,
        info.scenarios,
        match info.kind {
            TargetKind::Embedded => format!("the embedded mock at {}", info.base_url),
            _ => info.base_url.clone(),
        },
        match info.kind {
            TargetKind::Embedded => "embedded",
            TargetKind::Loopback => "loopback",
            TargetKind::Real => "real tenant",
        },
        match info.schema_mode {
            SchemaMode::Strict => "strict",
            SchemaMode::Lenient => "lenient",
        },
        info.jobs
    )
}

/// One line per scenario; failures in detail below it.
pub fn render_outcome(o: &ScenarioOutcome, masker: &Masker, verbose: bool) -> String {
    let mut out = String::new();
    let ms = o.duration.as_millis();
    match &o.status {
        Status::Passed => {
            let _ = writeln!(
                out,
                "PASS  scenario::{}  ({}, {ms} ms)",
                o.stem,
                steps(o.steps.len())
            );
        }
        Status::Skipped(reason) => {
            let _ = writeln!(out, "SKIP  scenario::{}  ({reason})", o.stem);
        }
        Status::Failed => {
            let _ = writeln!(
                out,
                "FAIL  scenario::{}  ({}, {ms} ms)  {}",
                o.stem,
                steps(o.steps.len()),
                o.path.display()
            );
            for s in o.steps.iter().filter(|s| s.status == Status::Failed) {
                render_failed_step(&mut out, o, s);
            }
            for l in &o.leftovers {
                let _ = writeln!(out, "    LEFT BEHIND: {l}");
            }
        }
    }
    if verbose || o.failed() {
        for w in &o.warnings {
            let _ = writeln!(out, "    warning: {w}");
        }
    }
    if verbose {
        for s in &o.steps {
            let tag = match &s.status {
                Status::Passed => "ok".to_string(),
                Status::Failed => "FAILED".to_string(),
                Status::Skipped(r) => format!("skipped: {r}"),
            };
            let ex = s
                .exchange
                .as_ref()
                .map(|e| {
                    format!(
                        "{} {} → {}",
                        e.method,
                        e.url,
                        e.status.map(|c| c.to_string()).unwrap_or("-".into())
                    )
                })
                .unwrap_or_default();
            let _ = writeln!(out, "      - {} [{}] {ex} ({tag})", s.name, s.actor);
        }
    }
    masker.mask(&out)
}

fn steps(n: usize) -> String {
    if n == 1 {
        "1 step".into()
    } else {
        format!("{n} steps")
    }
}

fn render_failed_step(out: &mut String, o: &ScenarioOutcome, s: &StepOutcome) {
    let phase = match s.phase {
        crate::scenario::StepPhase::Main => "step",
        crate::scenario::StepPhase::Teardown => "teardown step",
    };
    let _ = writeln!(
        out,
        "  {phase} `{}` as {}  ({}:{})",
        s.name,
        s.actor,
        o.path.display(),
        s.span.line
    );
    if let Some(e) = &s.exchange {
        let status = e
            .status
            .map(|c| c.to_string())
            .unwrap_or_else(|| "no response".into());
        let attempts = if e.attempts > 1 {
            format!(", {} attempts", e.attempts)
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "    {} {} → {status} ({} ms{attempts})",
            e.method,
            e.url,
            e.duration.as_millis()
        );
    }
    for f in &s.failures {
        let _ = writeln!(
            out,
            "    {}:{}:{}: {}",
            o.path.display(),
            f.span.line,
            f.span.column,
            f
        );
    }
    if let Some(e) = &s.exchange {
        let _ = writeln!(
            out,
            "    request-id: {}  client-request-id: {}  date: {}",
            e.request_id.as_deref().unwrap_or("-"),
            e.client_request_id,
            e.date.as_deref().unwrap_or("-")
        );
        if let Some(b) = &e.request_body {
            let _ = writeln!(out, "    request body:  {}", one_line(b));
        }
        if let Some(b) = &e.response_excerpt {
            let _ = writeln!(out, "    response body: {}", one_line(b));
        }
    }
}

/// `N passed, N failed, N skipped`.
pub fn summary_line(t: &Totals) -> String {
    format!(
        "{} passed, {} failed, {} skipped",
        t.passed, t.failed, t.skipped
    )
}
