//! `--html FILE`: the run as one self-contained page for people who would rather look
//! than read: a summary, scenarios filterable by status and tag, every step with its
//! request and response, failures with what the scenario expected beside what the
//! target answered, and the rule coverage as a matrix of rules × scenarios.
//!
//! The page loads nothing: styles and script are inline and a Content-Security-Policy
//! forbids every fetch. It is also well-formed XML (void elements closed, the script
//! in a commented CDATA section), so tests read it with an XML parser. Every text is
//! HTML-escaped and passes through [`Masker`] as a whole before it is written.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use super::rule_coverage::{RuleCoverage, RuleCoverageCollector};
use super::{Masker, Totals};
use crate::contract::rules::{self, Catalogue, Evidence};
use crate::endpoint::{TargetKind, TokenCache};
use crate::engine::{Event, ReportError, Reporter, RunInfo, RunSummary};
use crate::runner::{ScenarioOutcome, Status, StepOutcome, StepRecord};
use crate::scenario::{Step, StepPhase};
use crate::schema::SchemaMode;

/// Bodies longer than this are cut in the page (the JSON report keeps excerpts too).
const MAX_BODY_CHARS: usize = 64 * 1024;

/// What a step sent and received, kept until its scenario finishes.
#[derive(Debug, Clone, Default)]
struct StepDetail {
    name: String,
    phase: Option<StepPhase>,
    request: Option<Sent>,
    response: Option<Received>,
    /// The file the step is written in: the scenario's, or its fixture's.
    file: Option<PathBuf>,
    /// Source lines (number, text) of the step's expectations, from that file.
    expected: Vec<(u64, String)>,
}

#[derive(Debug, Clone)]
struct Sent {
    method: String,
    url: String,
    headers: Vec<(String, String)>,
    body: Option<String>,
}

#[derive(Debug, Clone)]
struct Received {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

/// How one scenario stands towards one rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Cell {
    /// A step naming the rule was skipped (or never reached).
    NotRun,
    /// A step naming the rule passed against a real response.
    Passed,
    /// A step naming the rule failed.
    Failed,
}

struct Finished {
    outcome: Arc<ScenarioOutcome>,
    description: String,
    details: Vec<StepDetail>,
}

/// Collects what the page shows; writes it when the run is over.
pub struct HtmlReporter {
    path: PathBuf,
    tokens: TokenCache,
    info: Option<RunInfo>,
    descriptions: HashMap<usize, String>,
    pending: HashMap<usize, Vec<StepDetail>>,
    finished: Vec<Finished>,
    /// Lines of each scenario file read so far (`None`: not readable, e.g. built in).
    sources: HashMap<PathBuf, Option<Arc<Vec<String>>>>,
    rules: RuleCoverageCollector,
    /// rule id → scenario stem → how that scenario stands towards it.
    matrix: BTreeMap<String, BTreeMap<String, Cell>>,
}

impl HtmlReporter {
    pub fn new(path: PathBuf, tokens: TokenCache) -> Self {
        HtmlReporter {
            path,
            tokens,
            info: None,
            descriptions: HashMap::new(),
            pending: HashMap::new(),
            finished: Vec::new(),
            sources: HashMap::new(),
            rules: RuleCoverageCollector::default(),
            matrix: BTreeMap::new(),
        }
    }

    fn source_lines(&mut self, path: &Path) -> Option<Arc<Vec<String>>> {
        self.sources
            .entry(path.to_path_buf())
            .or_insert_with(|| {
                std::fs::read_to_string(path)
                    .ok()
                    .map(|t| Arc::new(t.lines().map(str::to_string).collect()))
            })
            .clone()
    }

    fn observe(&mut self, index: usize, record: &StepRecord<'_>) {
        self.rules.observe(record);
        if record.step.phase == StepPhase::Main {
            let cell = match &record.outcome.status {
                Status::Passed if record.response.is_some() => Cell::Passed,
                Status::Failed => Cell::Failed,
                _ => Cell::NotRun,
            };
            for id in &record.step.checks {
                let slot = self
                    .matrix
                    .entry(id.clone())
                    .or_default()
                    .entry(record.scenario.stem.clone())
                    .or_insert(cell);
                *slot = (*slot).max(cell);
            }
        }
        // A fixture's steps are written in the fixture file, next to the scenarios.
        let file = match &record.step.fixture {
            Some(fx) => record
                .scenario
                .path
                .parent()
                .unwrap_or_else(|| Path::new("."))
                .join("fixtures")
                .join(format!("{}.yaml", fx.name)),
            None => record.scenario.path.clone(),
        };
        let lines = self.source_lines(&file);
        let detail = StepDetail {
            name: record.outcome.name.clone(),
            phase: Some(record.step.phase),
            request: record.request.map(|r| Sent {
                method: r.method.to_string(),
                url: r.url.to_string(),
                headers: r.headers.to_vec(),
                body: r.body.map(|b| clip(&String::from_utf8_lossy(b))),
            }),
            response: record.response.map(|r| Received {
                status: r.status,
                headers: r.headers.to_vec(),
                body: clip(&match r.json {
                    Some(v) => serde_json::to_string_pretty(v)
                        .unwrap_or_else(|_| String::from_utf8_lossy(r.body).into_owned()),
                    None => String::from_utf8_lossy(r.body).into_owned(),
                }),
            }),
            expected: expectation_lines(record.step, lines.as_deref()),
            file: Some(file),
        };
        self.pending.entry(index).or_default().push(detail);
    }

    fn render(&self, summary: &RunSummary, masker: &Masker) -> Result<String, String> {
        let catalogue = rules::builtin().map_err(|e| e.to_string())?;
        let coverage = self.rules.coverage(catalogue);
        let mut finished: Vec<&Finished> = self.finished.iter().collect();
        // Failures first, then by name: what needs looking at is at the top.
        finished.sort_by(|a, b| {
            rank(&a.outcome.status)
                .cmp(&rank(&b.outcome.status))
                .then_with(|| a.outcome.stem.cmp(&b.outcome.stem))
        });
        let page = Page {
            info: self.info.as_ref(),
            summary,
            finished: &finished,
            coverage: &coverage,
            catalogue,
            matrix: &self.matrix,
            m: Masked(masker),
        };
        Ok(page.render())
    }
}

impl Reporter for HtmlReporter {
    fn write_event(&mut self, event: &Event<'_>) -> Result<(), ReportError> {
        match event {
            Event::RunStarted(info) => self.info = Some((*info).clone()),
            Event::ScenarioStarted { index, scenario } => {
                self.descriptions
                    .insert(*index, scenario.description.clone());
            }
            Event::StepFinished { index, record, .. } => self.observe(*index, record),
            Event::ScenarioFinished { index, outcome } => {
                self.finished.push(Finished {
                    outcome: Arc::clone(outcome),
                    description: self.descriptions.remove(index).unwrap_or_default(),
                    details: self.pending.remove(index).unwrap_or_default(),
                });
            }
            Event::RunFinished(summary) => {
                let masker = Masker::new(self.tokens.secrets());
                let html =
                    self.render(summary, &masker)
                        .map_err(|message| ReportError::Render {
                            what: "HTML",
                            message,
                        })?;
                // Second line of defence, as in every report: the page as a whole.
                let masked = masker.mask(&html);
                std::fs::write(&self.path, masked).map_err(|source| ReportError::Write {
                    path: self.path.clone(),
                    source,
                })?;
            }
            Event::TeardownStarted { .. } | Event::Interrupted { .. } | Event::Warning { .. } => {}
        }
        Ok(())
    }
}

fn rank(s: &Status) -> u8 {
    match s {
        Status::Failed => 0,
        Status::Passed => 1,
        Status::Skipped(_) => 2,
    }
}

fn clip(s: &str) -> String {
    if s.len() <= MAX_BODY_CHARS {
        return s.to_string();
    }
    let mut end = MAX_BODY_CHARS;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}\n… ({} more bytes)", &s[..end], s.len() - end)
}

/// The lines of the scenario file where the step's expectations are written; from the
/// model when the file cannot be read (a scenario built into the binary).
fn expectation_lines(step: &Step, lines: Option<&Vec<String>>) -> Vec<(u64, String)> {
    let mut at: BTreeSet<u64> = BTreeSet::new();
    let mut synth: Vec<(u64, String)> = Vec::new();
    let e = &step.expect;
    if let Some(s) = &e.status {
        at.insert(s.span.line);
        let codes: Vec<String> = s.allowed.iter().map(u16::to_string).collect();
        synth.push((s.span.line, format!("status: {}", codes.join(" or "))));
    }
    if let Some((name, span)) = &e.schema {
        at.insert(span.line);
        synth.push((span.line, format!("schema: {name}")));
    }
    for a in e.json.iter().chain(e.headers.iter()) {
        at.insert(a.span.line);
        synth.push((a.span.line, format!("{}: …", a.target.source())));
    }
    if let Some(r) = &step.retry {
        at.insert(r.span.line);
        synth.push((
            r.span.line,
            format!("retry until … ({} attempts)", r.attempts),
        ));
    }
    match lines {
        Some(lines) => at
            .into_iter()
            .filter_map(|n| {
                let text = lines.get(usize::try_from(n).ok()?.checked_sub(1)?)?;
                Some((n, text.trim_end().to_string()))
            })
            .collect(),
        None => synth,
    }
}

/// `prefix: expected A, got B` → (prefix, A, B), for the side-by-side table.
fn expected_got(message: &str) -> Option<(&str, &str, &str)> {
    let (head, rest) = match message.find("expected ") {
        Some(0) => ("", &message["expected ".len()..]),
        Some(i) => (
            message[..i].trim_end_matches([' ', ':', ';', ',']),
            &message[i + "expected ".len()..],
        ),
        None => return None,
    };
    let (want, got) = rest.split_once(", got ")?;
    Some((head, want, got))
}

struct Page<'a> {
    info: Option<&'a RunInfo>,
    summary: &'a RunSummary,
    finished: &'a [&'a Finished],
    coverage: &'a RuleCoverage,
    catalogue: &'a Catalogue,
    matrix: &'a BTreeMap<String, BTreeMap<String, Cell>>,
    m: Masked<'a>,
}

/// HTML-escape text (element content and attribute values alike).
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters are not allowed in XML 1.0; the target may send them.
            c if c.is_control() && c != '\n' && c != '\t' => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// Masks secrets in a text, then escapes it: a secret is found as written, before
/// escaping could change its characters.
struct Masked<'a>(&'a Masker);

impl Masked<'_> {
    fn esc(&self, s: &str) -> String {
        esc(&self.0.mask(s))
    }
}

fn status_word(s: &Status) -> &'static str {
    match s {
        Status::Passed => "passed",
        Status::Failed => "failed",
        Status::Skipped(_) => "skipped",
    }
}

impl Page<'_> {
    fn render(&self) -> String {
        let mut h = String::with_capacity(64 * 1024);
        let t = self.summary.totals;
        h.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n");
        h.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'\"/>\n");
        h.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n");
        let _ = writeln!(
            h,
            "<title>tgconform: {} passed, {} failed, {} skipped</title>",
            t.passed, t.failed, t.skipped
        );
        let _ = writeln!(h, "<style>{CSS}</style>\n</head>");
        let _ = writeln!(
            h,
            "<body data-failed=\"{}\">\n<header><h1>tgconform conformance report</h1></header>\n<main>",
            t.failed
        );
        self.summary_section(&mut h, t);
        self.scenarios_section(&mut h);
        self.matrix_section(&mut h);
        let _ = writeln!(
            h,
            "</main>\n<script>//<![CDATA[\n{SCRIPT}\n//]]></script>\n</body>\n</html>"
        );
        h
    }

    fn summary_section(&self, h: &mut String, t: Totals) {
        h.push_str("<section id=\"summary\">\n<h2>Summary</h2>\n");
        let verdict = if t.failed > 0 { "failed" } else { "passed" };
        let _ = writeln!(
            h,
            "<p class=\"verdict {verdict}\" id=\"verdict\"><span class=\"count passed\">{} passed</span> <span class=\"count failed\">{} failed</span> <span class=\"count skipped\">{} skipped</span></p>",
            t.passed, t.failed, t.skipped
        );
        h.push_str("<dl class=\"facts\">\n");
        let mut fact = |k: &str, v: String| {
            let _ = writeln!(h, "<dt>{}</dt><dd>{}</dd>", self.m.esc(k), self.m.esc(&v));
        };
        if let Some(i) = self.info {
            fact(
                "target",
                format!(
                    "{} ({})",
                    i.base_url,
                    match i.kind {
                        TargetKind::Embedded => "embedded mock",
                        TargetKind::Loopback => "loopback",
                        TargetKind::Real => "real tenant",
                    }
                ),
            );
            fact(
                "schema mode",
                match i.schema_mode {
                    SchemaMode::Strict => "strict".into(),
                    SchemaMode::Lenient => "lenient".into(),
                },
            );
            fact("started", rfc3339(i.started_at));
            fact("jobs", i.jobs.to_string());
            if let Some(seed) = i.shuffle {
                fact("shuffle seed", seed.to_string());
            }
            fact("tool", format!("tgconform {}", i.tool_version));
        }
        fact(
            "wall time",
            format!("{:.2} s", self.summary.duration.as_secs_f64()),
        );
        if let Some(r) = self.summary.interrupted {
            fact("interrupted", format!("{r:?}"));
        }
        let c = self.coverage;
        fact(
            "rules checked",
            format!(
                "{} of {} (documented {} of {})",
                c.checked, c.total, c.documented.checked, c.documented.total
            ),
        );
        h.push_str("</dl>\n</section>\n");
    }

    fn scenarios_section(&self, h: &mut String) {
        let tags: BTreeSet<&str> = self
            .finished
            .iter()
            .flat_map(|f| f.outcome.tags.iter().map(String::as_str))
            .collect();
        h.push_str("<section id=\"scenarios\">\n<h2>Scenarios</h2>\n<form id=\"filters\" class=\"filters\">\n");
        for s in ["failed", "passed", "skipped"] {
            let _ = writeln!(
                h,
                "<label><input type=\"checkbox\" name=\"status\" value=\"{s}\" checked=\"checked\"/> {s}</label>"
            );
        }
        h.push_str(
            "<label>tag <select name=\"tag\" id=\"tag-filter\"><option value=\"\">any</option>",
        );
        for t in &tags {
            let _ = write!(h, "<option value=\"{0}\">{0}</option>", self.m.esc(t));
        }
        h.push_str("</select></label> <span id=\"shown\"></span>\n</form>\n");
        for f in self.finished {
            scenario_block(&self.m, h, f);
        }
        h.push_str("</section>\n");
    }

    fn matrix_section(&self, h: &mut String) {
        // Columns: scenarios of this run that name at least one rule.
        let columns: Vec<&str> = {
            let mut set: BTreeSet<&str> = BTreeSet::new();
            for row in self.matrix.values() {
                set.extend(row.keys().map(String::as_str));
            }
            set.into_iter().collect()
        };
        let by_id: HashMap<&str, &super::RuleStatus> = self
            .coverage
            .rules
            .iter()
            .map(|r| (r.id.as_str(), r))
            .collect();
        h.push_str("<section id=\"rules\">\n<h2>Rule coverage</h2>\n");
        let c = self.coverage;
        h.push_str("<table class=\"counts\"><thead><tr><th>evidence</th><th>rules</th><th>checked</th><th>waived</th><th>not checked</th></tr></thead><tbody>\n");
        for e in Evidence::ALL {
            let n = c.counts(e);
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                e.name(),
                n.total,
                n.checked,
                n.waived,
                n.unchecked
            );
        }
        h.push_str("</tbody></table>\n");
        h.push_str("<p class=\"legend\"><span class=\"cell passed\">✓</span> a passing step checks it <span class=\"cell failed\">✗</span> a step checking it failed <span class=\"cell notrun\">–</span> a step checking it did not run</p>\n");
        h.push_str("<form class=\"filters\" id=\"rule-filters\"><label>evidence <select name=\"evidence\"><option value=\"\">any</option>");
        for e in Evidence::ALL {
            let _ = write!(h, "<option value=\"{0}\">{0}</option>", e.name());
        }
        h.push_str("</select></label> <label>status <select name=\"rule-status\"><option value=\"\">any</option><option value=\"checked\">checked</option><option value=\"unchecked\">not checked</option><option value=\"waived\">waived</option></select></label></form>\n");
        h.push_str("<div class=\"matrix-wrap\"><table class=\"matrix\" id=\"matrix\"><thead><tr><th>rule</th><th>evidence</th><th>status</th>");
        for col in &columns {
            let _ = write!(h, "<th class=\"col\"><span>{}</span></th>", self.m.esc(col));
        }
        h.push_str("</tr></thead><tbody>\n");
        for g in &self.catalogue.groups {
            let _ = writeln!(
                h,
                "<tr class=\"group\"><th colspan=\"{}\">{}</th></tr>",
                columns.len() + 3,
                self.m.esc(&g.title)
            );
            for &i in &g.rules {
                let Some(rule) = self.catalogue.rules.get(i) else {
                    continue;
                };
                let status = by_id.get(rule.id.as_str());
                let state = match status {
                    Some(s) if !s.checked_by.is_empty() => "checked",
                    Some(s) if s.waived.is_some() => "waived",
                    _ => "unchecked",
                };
                let _ = write!(
                    h,
                    "<tr class=\"rule\" data-evidence=\"{}\" data-rule-status=\"{state}\"><th title=\"{}\">{}</th><td>{}</td><td class=\"state {state}\">{state}</td>",
                    rule.evidence.name(),
                    self.m.esc(&rule.says),
                    self.m.esc(&rule.id),
                    rule.evidence.name()
                );
                let row = self.matrix.get(&rule.id);
                for col in &columns {
                    let (class, mark) = match row.and_then(|r| r.get(*col)) {
                        Some(Cell::Passed) => ("cell passed", "✓"),
                        Some(Cell::Failed) => ("cell failed", "✗"),
                        Some(Cell::NotRun) => ("cell notrun", "–"),
                        None => ("cell", ""),
                    };
                    let _ = write!(h, "<td class=\"{class}\">{mark}</td>");
                }
                h.push_str("</tr>\n");
            }
        }
        h.push_str("</tbody></table></div>\n</section>\n");
    }
}

fn rfc3339(t: SystemTime) -> String {
    chrono::DateTime::<chrono::Utc>::from(t).to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

fn scenario_block(m: &Masked<'_>, h: &mut String, f: &Finished) {
    let o = &f.outcome;
    let status = status_word(&o.status);
    let open = if o.failed() { " open=\"open\"" } else { "" };
    let _ = writeln!(
        h,
        "<details class=\"scenario {status}\" id=\"scenario-{}\" data-status=\"{status}\" data-tags=\"{}\"{open}>",
        m.esc(&o.stem),
        m.esc(&o.tags.join(" "))
    );
    let _ = write!(
        h,
        "<summary><span class=\"badge {status}\">{status}</span> <code class=\"stem\">scenario::{}</code> <span class=\"name\">{}</span> <span class=\"meta\">{} step(s), {} ms</span>",
        m.esc(&o.stem),
        m.esc(&o.name),
        o.steps.len(),
        o.duration.as_millis()
    );
    for t in &o.tags {
        let _ = write!(h, " <span class=\"tag\">{}</span>", m.esc(t));
    }
    h.push_str("</summary>\n<div class=\"body\">\n");
    let _ = writeln!(
        h,
        "<p class=\"path\">{}</p>",
        m.esc(&o.path.display().to_string())
    );
    if !f.description.trim().is_empty() {
        let _ = writeln!(
            h,
            "<p class=\"description\">{}</p>",
            m.esc(f.description.trim())
        );
    }
    if let Status::Skipped(reason) = &o.status {
        let _ = writeln!(h, "<p class=\"reason\">skipped: {}</p>", m.esc(reason));
    }
    for w in &o.warnings {
        let _ = writeln!(h, "<p class=\"warning\">warning: {}</p>", m.esc(w));
    }
    for l in &o.leftovers {
        let _ = writeln!(h, "<p class=\"leftover\">left behind: {}</p>", m.esc(l));
    }
    if !o.steps.is_empty() {
        h.push_str("<ol class=\"steps\">\n");
        for (i, s) in o.steps.iter().enumerate() {
            // Details come in the order the steps finished, which is the outcome's order;
            // the name check guards against a step that sent no event.
            let detail = f
                .details
                .get(i)
                .filter(|d| d.name == s.name && d.phase == Some(s.phase))
                .or_else(|| {
                    f.details
                        .iter()
                        .find(|d| d.name == s.name && d.phase == Some(s.phase))
                });
            step_block(m, h, o, s, detail);
        }
        h.push_str("</ol>\n");
    }
    h.push_str("</div>\n</details>\n");
}

fn step_block(
    m: &Masked<'_>,
    h: &mut String,
    o: &ScenarioOutcome,
    s: &StepOutcome,
    d: Option<&StepDetail>,
) {
    let status = status_word(&s.status);
    let phase = match s.phase {
        StepPhase::Main => "step",
        StepPhase::Teardown => "teardown",
    };
    let open = if s.status == Status::Failed {
        " open=\"open\""
    } else {
        ""
    };
    let _ = writeln!(
        h,
        "<li class=\"step {status}\" data-status=\"{status}\" data-step=\"{}\"><details{open}>",
        m.esc(&s.name)
    );
    let _ = write!(
        h,
        "<summary><span class=\"badge {status}\">{status}</span> <span class=\"phase\">{phase}</span> <span class=\"step-name\">{}</span> <span class=\"meta\">as {} · line {}</span>",
        m.esc(&s.name),
        m.esc(&s.actor),
        s.span.line
    );
    if let Some(e) = &s.exchange {
        let _ = write!(
            h,
            " <code class=\"req-line\">{} {} → {}</code>",
            m.esc(&e.method),
            m.esc(&e.path_template),
            e.status
                .map(|c| c.to_string())
                .unwrap_or_else(|| "no response".into())
        );
    }
    h.push_str("</summary>\n");
    if let Status::Skipped(reason) = &s.status {
        let _ = writeln!(h, "<p class=\"reason\">skipped: {}</p>", m.esc(reason));
    }
    if !s.checks.is_empty() {
        let _ = writeln!(
            h,
            "<p class=\"checks\">checks: {}</p>",
            s.checks
                .iter()
                .map(|c| format!("<code>{}</code>", m.esc(c)))
                .collect::<Vec<_>>()
                .join(" ")
        );
    }
    if !s.failures.is_empty() {
        failures_block(m, h, o, s, d);
    }
    for w in &s.warnings {
        let _ = writeln!(h, "<p class=\"warning\">warning: {}</p>", m.esc(w));
    }
    if let Some(e) = &s.exchange {
        let _ = writeln!(
            h,
            "<p class=\"ids\">request-id <code>{}</code> · client-request-id <code>{}</code> · date <code>{}</code> · {} ms, {} attempt(s)</p>",
            m.esc(e.request_id.as_deref().unwrap_or("-")),
            m.esc(&e.client_request_id),
            m.esc(e.date.as_deref().unwrap_or("-")),
            e.duration.as_millis(),
            e.attempts
        );
    }
    if let Some(d) = d {
        exchange_block(m, h, d);
    }
    h.push_str("</details></li>\n");
}

fn failures_block(
    m: &Masked<'_>,
    h: &mut String,
    o: &ScenarioOutcome,
    s: &StepOutcome,
    d: Option<&StepDetail>,
) {
    h.push_str("<div class=\"failure\">\n<table class=\"findings\"><thead><tr><th>where</th><th>check</th><th>expected</th><th>actual</th></tr></thead><tbody>\n");
    let file = d
        .and_then(|d| d.file.as_deref())
        .unwrap_or(o.path.as_path());
    for f in &s.failures {
        let at = format!("{}:{}:{}", file.display(), f.span.line, f.span.column);
        match expected_got(&f.message()) {
            Some((what, want, got)) => {
                let _ = writeln!(
                    h,
                    "<tr class=\"finding\"><td class=\"at\">{}</td><td>{}</td><td class=\"expected\">{}</td><td class=\"actual\">{}</td></tr>",
                    m.esc(&at),
                    m.esc(what),
                    m.esc(want),
                    m.esc(got)
                );
            }
            None => {
                let _ = writeln!(
                    h,
                    "<tr class=\"finding\"><td class=\"at\">{}</td><td colspan=\"3\" class=\"message\">{}</td></tr>",
                    m.esc(&at),
                    m.esc(&f.message())
                );
            }
        }
    }
    h.push_str("</tbody></table>\n");
    // The scenario's expectations beside the answer: the lines a finding points at
    // are marked.
    let failing: BTreeSet<u64> = s.failures.iter().map(|f| f.span.line).collect();
    h.push_str("<div class=\"side-by-side\">\n<div class=\"expected-side\"><h4>Expected (scenario)</h4><pre class=\"expect\">");
    match d {
        Some(d) if !d.expected.is_empty() => {
            for (n, line) in &d.expected {
                let class = if failing.contains(n) {
                    "line bad"
                } else {
                    "line"
                };
                let _ = writeln!(
                    h,
                    "<span class=\"{class}\"><span class=\"ln\">{n}</span>{}</span>",
                    m.esc(line)
                );
            }
        }
        _ => h.push_str("(no expectation written)"),
    }
    h.push_str("</pre></div>\n<div class=\"actual-side\"><h4>Actual (response)</h4><pre class=\"actual-body\">");
    match d.and_then(|d| d.response.as_ref()) {
        Some(r) => {
            let _ = write!(h, "HTTP {}\n{}", r.status, m.esc(&r.body));
        }
        None => h.push_str("(no response)"),
    }
    h.push_str("</pre></div>\n</div>\n</div>\n");
}

fn exchange_block(m: &Masked<'_>, h: &mut String, d: &StepDetail) {
    if d.request.is_none() && d.response.is_none() {
        return;
    }
    h.push_str("<div class=\"exchange\">\n");
    if let Some(r) = &d.request {
        let _ = writeln!(
            h,
            "<div class=\"request\"><h4>Request</h4><pre>{} {}",
            m.esc(&r.method),
            m.esc(&r.url)
        );
        for (k, v) in &r.headers {
            let _ = writeln!(h, "{}: {}", m.esc(k), m.esc(v));
        }
        if let Some(b) = &r.body {
            let _ = write!(h, "\n{}", m.esc(b));
        }
        h.push_str("</pre></div>\n");
    }
    if let Some(r) = &d.response {
        let _ = writeln!(
            h,
            "<div class=\"response\"><h4>Response</h4><pre>HTTP {}",
            r.status
        );
        for (k, v) in &r.headers {
            let _ = writeln!(h, "{}: {}", m.esc(k), m.esc(v));
        }
        if !r.body.is_empty() {
            let _ = write!(h, "\n{}", m.esc(&r.body));
        }
        h.push_str("</pre></div>\n");
    }
    h.push_str("</div>\n");
}

const CSS: &str = r#"
:root{--pass:#1a7f37;--fail:#cf222e;--skip:#9a6700;--bg:#fff;--fg:#1f2328;--mute:#656d76;--line:#d0d7de;--soft:#f6f8fa}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--mute:#8d96a0;--line:#30363d;--soft:#161b22;--pass:#3fb950;--fail:#f85149;--skip:#d29922}}
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;background:var(--bg);color:var(--fg)}
header{padding:12px 24px;border-bottom:1px solid var(--line)}h1{font-size:20px;margin:0}
main{padding:8px 24px 48px}h2{font-size:17px;margin:24px 0 8px}h4{margin:6px 0;font-size:13px;color:var(--mute)}
.verdict{font-size:16px}.count{margin-right:12px;font-weight:600}.count.passed{color:var(--pass)}.count.failed{color:var(--fail)}.count.skipped{color:var(--skip)}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:0}dt{color:var(--mute)}dd{margin:0}
.filters{margin:8px 0;display:flex;gap:12px;align-items:center;flex-wrap:wrap}#shown{color:var(--mute)}
details.scenario{border:1px solid var(--line);border-radius:6px;margin:6px 0;background:var(--bg)}
details.scenario>summary{padding:6px 10px;cursor:pointer}details.scenario.failed{border-color:var(--fail)}
.body{padding:0 12px 10px}.badge{display:inline-block;min-width:52px;text-align:center;border-radius:10px;padding:0 6px;color:#fff;font-size:12px}
.badge.passed{background:var(--pass)}.badge.failed{background:var(--fail)}.badge.skipped{background:var(--skip)}
.meta,.path,.phase{color:var(--mute)}.tag{font-size:11px;border:1px solid var(--line);border-radius:8px;padding:0 6px}
ol.steps{padding-left:20px}li.step{margin:4px 0}li.step>details>summary{cursor:pointer}
pre{background:var(--soft);border:1px solid var(--line);border-radius:4px;padding:6px 8px;overflow:auto;max-height:420px;white-space:pre-wrap;word-break:break-word;margin:4px 0}
.exchange,.side-by-side{display:grid;grid-template-columns:1fr 1fr;gap:10px}
.failure{border-left:3px solid var(--fail);padding-left:8px;margin:6px 0}
table{border-collapse:collapse}td,th{border:1px solid var(--line);padding:2px 6px;text-align:left;vertical-align:top}
table.findings{width:100%}.findings .expected{color:var(--pass)}.findings .actual{color:var(--fail)}.at{white-space:nowrap;color:var(--mute)}
.line{display:inline}.line.bad{background:rgba(207,34,46,.15)}.ln{display:inline-block;width:3em;color:var(--mute)}
.warning{color:var(--skip)}.leftover{color:var(--fail);font-weight:600}
.matrix-wrap{overflow:auto;max-height:80vh;border:1px solid var(--line)}table.matrix{font-size:12px}
.matrix th.col{height:140px;white-space:nowrap;vertical-align:bottom}.matrix th.col>span{writing-mode:vertical-rl;transform:rotate(180deg)}
.matrix tr.group th{background:var(--soft)}.cell{text-align:center;min-width:14px}.cell.passed,.state.checked{color:var(--pass)}
.cell.failed{color:var(--fail);font-weight:700}.cell.notrun,.state.waived{color:var(--skip)}.state.unchecked{color:var(--mute)}
[hidden]{display:none!important}
"#;

/// Filters: status checkboxes and a tag select for scenarios, evidence and status for
/// rules; the choice is kept in the address (`#status=failed&tag=seed`), so a link
/// opens the same view. `data-ready` tells a headless browser the script ran.
const SCRIPT: &str = r#"
(function () {
  'use strict';
  var errors = [];
  window.addEventListener('error', function (e) {
    errors.push(String(e.message));
    document.body.setAttribute('data-errors', errors.join(' | '));
  });
  var form = document.getElementById('filters');
  var scenarios = Array.prototype.slice.call(document.querySelectorAll('details.scenario'));
  function fromHash() {
    var params = new URLSearchParams(window.location.hash.replace(/^#/, ''));
    var statuses = params.get('status');
    if (statuses !== null) {
      var wanted = statuses.split(',');
      form.querySelectorAll('input[name=status]').forEach(function (box) {
        box.checked = wanted.indexOf(box.value) !== -1;
      });
    }
    var tag = params.get('tag');
    if (tag !== null) { form.querySelector('select[name=tag]').value = tag; }
  }
  function toHash(statuses, tag) {
    var parts = ['status=' + statuses.join(',')];
    if (tag) { parts.push('tag=' + encodeURIComponent(tag)); }
    history.replaceState(null, '', '#' + parts.join('&'));
  }
  function apply(write) {
    var statuses = [];
    form.querySelectorAll('input[name=status]').forEach(function (box) {
      if (box.checked) { statuses.push(box.value); }
    });
    var tag = form.querySelector('select[name=tag]').value;
    var shown = 0;
    scenarios.forEach(function (el) {
      var tags = (el.getAttribute('data-tags') || '').split(' ');
      var visible = statuses.indexOf(el.getAttribute('data-status')) !== -1 && (!tag || tags.indexOf(tag) !== -1);
      el.hidden = !visible;
      if (visible) { shown += 1; }
    });
    document.getElementById('shown').textContent = shown + ' of ' + scenarios.length + ' shown';
    if (write) { toHash(statuses, tag); }
  }
  var ruleForm = document.getElementById('rule-filters');
  var rules = Array.prototype.slice.call(document.querySelectorAll('#matrix tr.rule'));
  function applyRules() {
    var evidence = ruleForm.querySelector('select[name=evidence]').value;
    var status = ruleForm.querySelector('select[name=rule-status]').value;
    rules.forEach(function (row) {
      var ok = (!evidence || row.getAttribute('data-evidence') === evidence) && (!status || row.getAttribute('data-rule-status') === status);
      row.hidden = !ok;
    });
  }
  form.addEventListener('change', function () { apply(true); });
  ruleForm.addEventListener('change', applyRules);
  window.addEventListener('hashchange', function () { fromHash(); apply(false); });
  fromHash();
  apply(false);
  applyRules();
  document.body.setAttribute('data-ready', 'yes');
})();
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expected_and_got_are_split_for_the_side_by_side_table() {
        assert_eq!(
            expected_got("$.status: expected \"accepted\", got \"pending\""),
            Some(("$.status", "\"accepted\"", "\"pending\""))
        );
        assert_eq!(
            expected_got("expected status one of 400, 403, got 200; the schema check is skipped"),
            Some((
                "",
                "status one of 400, 403",
                "200; the schema check is skipped"
            ))
        );
        assert_eq!(expected_got("capture `x`: no value at $.id"), None);
    }

    #[test]
    fn text_is_escaped_and_control_characters_are_shown() {
        assert_eq!(
            esc("<a href=\"x\">&'\u{1b}"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;\\u{1b}"
        );
    }

    #[test]
    fn long_bodies_are_cut_on_a_character_boundary() {
        let s = "é".repeat(MAX_BODY_CHARS);
        let c = clip(&s);
        assert!(c.ends_with("more bytes)"), "{}", &c[c.len() - 40..]);
        assert!(c.len() < s.len());
    }
}
