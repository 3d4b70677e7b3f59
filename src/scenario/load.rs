//! YAML → checked [`Scenario`], with file:line:column errors.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use serde_json::Value;
use serde_json_path::JsonPath;
use serde_saphyr::Spanned;

use super::duration::parse_duration;
use super::error::{LoadError, LoadErrorKind, Span, did_you_mean};
use super::file::{AuthFile, ExpectFile, FixtureFile, RequestFile, ScenarioFile, StepFile};
use super::matcher::parse_matchers;
use super::matrix;
use super::model::{
    Assertion, Auth, Body, Capture, Expect, FixtureUse, Need, Paging, RequestSpec, Retry, Scenario,
    SnapshotMode, StatusSpec, Step, StepPhase,
};
use super::template::{Template, TemplateError, ValueTemplate, VarRef};
use super::yaml::{self, FileKind};
use crate::contract::rules::{self, Evidence};

/// Largest scenario file accepted: scenarios are small, and a huge file is a mistake.
pub const MAX_FILE_BYTES: usize = 1024 * 1024;
const MAX_RETRY_ATTEMPTS: u32 = 1000;
const DEFAULT_RETRY_ATTEMPTS: u32 = 10;
const DEFAULT_RETRY_DELAY: Duration = Duration::from_secs(1);
pub(crate) const METHODS: &[&str] = &["GET", "POST", "PATCH", "PUT", "DELETE", "HEAD", "OPTIONS"];
const DEFAULT_MAX_PAGES: u32 = 50;
const MAX_MAX_PAGES: u32 = 1000;

/// What the loader checks names against.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Schema type names `expect.schema` may use; `None` skips the check.
    pub schema_types: Option<Vec<String>>,
    /// The built-in fixtures by name (file stem → text): what `use: NAME` finds when
    /// the `fixtures/` folder next to the scenario has no `NAME.yaml` (a local file of
    /// the same name wins). A user's own folder thus starts with every built-in fixture,
    /// and the suite built into the binary, which has no folder, finds its own.
    pub fixtures: Option<Arc<BTreeMap<String, String>>>,
}

/// The path a built-in fixture is reported under (it has no file on disk).
pub fn builtin_fixture_path(name: &str) -> PathBuf {
    Path::new(BUILTIN_FIXTURE_DIR).join(format!("{name}.yaml"))
}

/// The folder named in [`builtin_fixture_path`].
pub const BUILTIN_FIXTURE_DIR: &str = "<built-in>/fixtures";

/// Scenario files in `dir` (not recursive: `fixtures/` holds fixtures), sorted.
pub fn discover(dir: &Path) -> Result<Vec<PathBuf>, LoadError> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        LoadError::new(
            dir,
            Span::default(),
            format!("cannot read the scenario directory: {e}"),
        )
        .with_kind(LoadErrorKind::File)
        .with_hint("run from the repository root, or pass --scenarios DIR")
    })?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        // Folders named `*.yaml` are kept: loading one says what is wrong with it.
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml")))
        .collect();
    files.sort();
    Ok(files)
}

/// Load and check one scenario file.
pub fn load_file(path: &Path, opts: &LoadOptions) -> Result<Scenario, LoadError> {
    let meta = std::fs::metadata(path).map_err(|e| {
        LoadError::new(path, Span::default(), format!("cannot read file: {e}"))
            .with_kind(LoadErrorKind::File)
    })?;
    if meta.is_dir() {
        return Err(LoadError::new(
            path,
            Span::default(),
            "this is a folder, not a scenario file",
        )
        .with_kind(LoadErrorKind::File)
        .with_hint("every `*.yaml` entry of the scenario folder is loaded as a scenario; rename the folder or move it elsewhere"));
    }
    if meta.len() > MAX_FILE_BYTES as u64 {
        // Refused before reading: no line is worth pointing at.
        return Err(LoadError::new(
            path,
            Span::default(),
            format!(
                "the file is {:.1} MiB; scenario files may be at most {} MiB",
                meta.len() as f64 / (1024.0 * 1024.0),
                MAX_FILE_BYTES / (1024 * 1024)
            ),
        )
        .with_kind(LoadErrorKind::File)
        .with_hint("split the scenario, or move large bodies out of it"));
    }
    let bytes = std::fs::read(path).map_err(|e| {
        LoadError::new(path, Span::default(), format!("cannot read file: {e}"))
            .with_kind(LoadErrorKind::File)
    })?;
    let text = decode_utf8(path, &bytes)?;
    load_str(path, &text, opts)
}

fn decode_utf8(path: &Path, bytes: &[u8]) -> Result<String, LoadError> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_string()),
        Err(e) => {
            let good = &bytes[..e.valid_up_to()];
            let line = good.iter().filter(|b| **b == b'\n').count() as u64 + 1;
            // Characters, not bytes, so the caret lines up with the snippet.
            let line_start = good
                .iter()
                .rposition(|b| *b == b'\n')
                .map(|i| i + 1)
                .unwrap_or(0);
            let col = String::from_utf8_lossy(&good[line_start..]).chars().count() as u64 + 1;
            let bad = bytes[e.valid_up_to()];
            Err(LoadError::new(
                path,
                Span::new(line, col),
                format!("the file is not valid UTF-8 (byte 0x{bad:02X})"),
            )
            .with_source(&String::from_utf8_lossy(bytes))
            .with_kind(LoadErrorKind::File)
            .with_hint(
                "scenario files are UTF-8 text; convert it, e.g. `iconv -f latin1 -t utf-8`",
            ))
        }
    }
}

/// Load and check scenario text; `path` names it in errors and locates fixtures.
pub fn load_str(path: &Path, text: &str, opts: &LoadOptions) -> Result<Scenario, LoadError> {
    if text.trim().is_empty() {
        return Err(
            LoadError::new(path, Span::new(1, 1), "the scenario file is empty")
                .with_hint("a scenario needs at least `name`, `actors` and `steps`"),
        );
    }
    if text
        .lines()
        .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
    {
        return Err(LoadError::new(
            path,
            Span::new(1, 1),
            "the scenario file holds only comments",
        )
        .with_hint("a scenario needs at least `name`, `actors` and `steps`"));
    }
    if text.contains('\0') {
        let line = text[..text.find('\0').unwrap_or(0)].lines().count().max(1) as u64;
        return Err(LoadError::new(
            path,
            Span::new(line, 1),
            "the file contains NUL bytes; it looks binary",
        )
        .with_hint("scenario files are UTF-8 YAML text"));
    }
    let file: ScenarioFile = yaml::parse(path, text, FileKind::Scenario)?;
    let mut later = HashMap::new();
    for step in file.steps.iter().chain(file.teardown.iter()) {
        for (name, p) in &step.value.capture {
            later.entry(name.clone()).or_insert_with(|| span_of(p));
        }
    }
    Loader {
        path,
        source: text,
        opts,
        fixtures: HashMap::new(),
        later,
    }
    .build(file)
}

struct Loader<'a> {
    path: &'a Path,
    source: &'a str,
    opts: &'a LoadOptions,
    fixtures: HashMap<String, (PathBuf, String)>,
    /// Every capture of the file and where it is written, to tell "not captured yet"
    /// from "never defined".
    later: HashMap<String, Span>,
}

/// Names in scope while checking templates.
#[derive(Clone, Default)]
struct Scope {
    names: HashSet<String>,
    actors: Vec<String>,
    /// `optionalActors`: steps may act as them (and are skipped when the profile lacks
    /// one), but no template may name them.
    optional: Vec<String>,
    /// The scenario's tags: they apply to every step.
    tags: Vec<String>,
    /// Captures of steps with tags of their own, and those tags: a run that skips the
    /// tag skips the capture, so only steps with the same tags may use it.
    tagged: HashMap<String, (Vec<String>, Span)>,
}

impl Loader<'_> {
    /// A count the file may set (`default` when it does not), refused at its value
    /// outside 1..=`max`.
    fn count(
        &self,
        value: Option<&Spanned<u32>>,
        default: u32,
        max: u32,
        key: &str,
        hint: &str,
    ) -> Result<u32, LoadError> {
        match value {
            None => Ok(default),
            Some(n) if (1..=max).contains(&n.value) => Ok(n.value),
            Some(n) => Err(self
                .err(span_of(n), format!("`{key}` must be between 1 and {max}"))
                .with_hint(hint)),
        }
    }

    fn err(&self, span: Span, message: impl Into<String>) -> LoadError {
        LoadError::new(self.path, span, message).with_source(self.source)
    }

    /// An error inside the value at `span`, pointed at the first of `needles` found
    /// in it (a placeholder in a JSON body, a matcher key), else at the value.
    fn err_near(&self, span: Span, needles: &[&str], message: impl Into<String>) -> LoadError {
        let at = needles
            .iter()
            .find_map(|n| yaml::locate(self.source, span, n))
            .unwrap_or(span);
        self.err(at, message)
    }

    /// A template that does not parse, pointed at the bad placeholder.
    fn template_err(&self, span: Span, text: &str, e: TemplateError) -> LoadError {
        let needle: String = text
            .get(e.offset..)
            .unwrap_or("")
            .chars()
            .take_while(|c| *c != '\n')
            .take(16)
            .collect();
        self.err_near(span, &[needle.as_str()], e.to_string())
    }

    /// Where a top-level key is written (for an empty list, which has no position).
    fn key_span(&self, key: &str, fallback: Span) -> Span {
        yaml::top_level_key(self.source, key).unwrap_or(fallback)
    }

    fn build(mut self, file: ScenarioFile) -> Result<Scenario, LoadError> {
        let name_span = span_of(&file.name);
        if file.name.value.trim().is_empty() {
            return Err(self
                .err(name_span, "`name` is empty")
                .with_hint("say in a few words what the scenario checks, e.g. `name: The governed tenant rejects a request`"));
        }
        let mut tags = Vec::new();
        for t in &file.tags {
            if !is_tag(&t.value) {
                return Err(self
                    .err(
                        span_of(t),
                        format!("tag `{}` is not a lower-case word", t.value),
                    )
                    .with_hint("tags use a-z, 0-9 and `-`, e.g. `mutating`"));
            }
            if tags.contains(&t.value) {
                return Err(self.err(span_of(t), format!("tag `{}` is listed twice", t.value)));
            }
            tags.push(t.value.clone());
        }
        if file.actors.is_empty() {
            return Err(self
                .err(self.key_span("actors", name_span), "`actors` is empty")
                .with_hint("list the actors the steps act as, e.g. [governing, governed]"));
        }
        let mut scope = Scope {
            tags: tags.clone(),
            ..Scope::default()
        };
        for a in &file.actors {
            if !is_ident(&a.value) {
                return Err(self
                    .err(
                        span_of(a),
                        format!("actor name `{}` is not an identifier", a.value),
                    )
                    .with_hint(IDENT_HINT));
            }
            if scope.actors.contains(&a.value) {
                return Err(self.err(span_of(a), format!("actor `{}` is listed twice", a.value)));
            }
            scope.actors.push(a.value.clone());
        }
        for a in &file.optional_actors {
            self.optional_actor(a, &mut scope)?;
        }
        let mut vars = Vec::new();
        for (name, value) in &file.vars {
            let span = span_of(value);
            if !is_ident(name) {
                return Err(self
                    .err(span, format!("variable name `{name}` is not an identifier"))
                    .with_hint(IDENT_HINT));
            }
            let tpl = self.value_template(&value.value, span)?;
            if let Some(other) = tpl.vars().into_iter().find_map(|v| match v {
                VarRef::Var(n) if file.vars.contains_key(n) => Some(n),
                _ => None,
            }) {
                return Err(self
                    .err_near(
                        span,
                        &[&format!("{{{{ {other}"), &format!("{{{{{other}")],
                        format!("variables cannot use other variables (`{other}`)"),
                    )
                    .with_hint(
                        "write the value out, or put the placeholder where the value is used",
                    ));
            }
            // Variables see actors, the target and the run id, but not each other.
            self.check_vars(tpl.vars().into_iter(), &scope, span)?;
            vars.push((name.clone(), tpl));
            scope.names.insert(name.clone());
        }
        if file.steps.is_empty() {
            return Err(self
                .err(self.key_span("steps", name_span), "`steps` is empty")
                .with_hint("a scenario needs at least one step"));
        }
        let mut names_seen: HashMap<String, Span> = HashMap::new();
        let mut steps = Vec::new();
        for (i, s) in file.steps.iter().enumerate() {
            for step in self.build_step(s, i, StepPhase::Main, &mut scope)? {
                self.unique_name(&mut names_seen, &step)?;
                steps.push(step);
            }
        }
        let mut teardown = Vec::new();
        for (i, s) in file.teardown.iter().enumerate() {
            for step in self.build_step(s, i, StepPhase::Teardown, &mut scope)? {
                self.unique_name(&mut names_seen, &step)?;
                if !step.checks.is_empty() {
                    let at = yaml::locate(self.source, step.span, "checks:").unwrap_or(step.span);
                    return Err(self
                        .err(at, "teardown steps do not check rules")
                        .with_hint("teardown accepts every answer that leaves nothing behind, so it proves no rule; move the check into a main step"));
                }
                if let Some(c) = step.captures.first() {
                    return Err(self
                        .err(c.span, "teardown steps cannot capture variables")
                        .with_hint(
                            "teardown runs last, so no step could use the value; remove `capture`",
                        ));
                }
                teardown.push(step);
            }
        }
        let mut redactions = Vec::new();
        for (selector, replacement) in &file.redact {
            if !(selector.starts_with('.') || selector.starts_with('[')) {
                return Err(self
                    .err(
                        span_of(replacement),
                        format!("redaction selector `{selector}` must start with `.` or `[`"),
                    )
                    .with_hint(
                        "insta selectors look like `.id`, `.value[].id` or `[\"@odata.context\"]`",
                    ));
            }
            if let Err(e) = crate::snapshot::check_selector(selector) {
                return Err(self
                    .err(
                        span_of(replacement),
                        format!("redaction selector `{selector}` does not parse: {e}"),
                    )
                    .with_hint(
                        "insta selectors look like `.id`, `.value[].id` or `[\"@odata.context\"]`",
                    ));
            }
            redactions.push((selector.clone(), replacement.value.clone()));
        }
        let snapshot_mode = match &file.snapshot_mode {
            None => None,
            Some(m) => Some(SnapshotMode::parse(&m.value).ok_or_else(|| {
                self.err(
                    span_of(m),
                    format!("snapshotMode `{}` is not `value` or `shape`", m.value),
                )
                .with_hint("`value` records bodies with ids and dates redacted; `shape` records property names, types and enum values")
            })?),
        };
        let mut needs = Vec::new();
        for n in &file.needs {
            let Some(need) = Need::parse(n.value.trim()) else {
                let names = Need::ALL.map(Need::name);
                let hint = match did_you_mean(n.value.trim(), names) {
                    Some(k) => format!(
                        "did you mean `{k}`? a scenario may need {}",
                        names.join(", ")
                    ),
                    None => format!("a scenario may need {}", names.join(", ")),
                };
                return Err(self
                    .err(span_of(n), format!("unknown need `{}`", n.value))
                    .with_hint(hint));
            };
            if needs.contains(&need) {
                return Err(self.err(span_of(n), format!("need `{}` is listed twice", n.value)));
            }
            needs.push(need);
        }
        let stem = self
            .path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("scenario")
            .to_string();
        Ok(Scenario {
            path: self.path.to_path_buf(),
            stem,
            name: file.name.value.clone(),
            description: file.description.clone().unwrap_or_default(),
            tags,
            actors: scope.actors.clone(),
            optional_actors: scope.optional.clone(),
            vars,
            steps,
            teardown,
            redactions,
            snapshot_mode,
            needs,
        })
    }

    fn unique_name(&self, seen: &mut HashMap<String, Span>, step: &Step) -> Result<(), LoadError> {
        if let Some(first) = seen.get(&step.name) {
            return Err(self
                .err(
                    step.span,
                    format!("step name `{}` is used twice", step.name),
                )
                .with_hint(format!(
                    "the first use is at line {}; step names must be unique",
                    first.line
                )));
        }
        seen.insert(step.name.clone(), step.span);
        Ok(())
    }

    fn build_step(
        &mut self,
        s: &Spanned<StepFile>,
        index: usize,
        phase: StepPhase,
        scope: &mut Scope,
    ) -> Result<Vec<Step>, LoadError> {
        let span = span_of(s);
        let f = &s.value;
        let default_name = match phase {
            StepPhase::Main => format!("step {}", index + 1),
            StepPhase::Teardown => format!("teardown {}", index + 1),
        };
        if let Some(steps) = self.expand_matrix(s, &default_name, phase, scope)? {
            return Ok(steps);
        }
        if let Some(fixture) = &f.use_fixture {
            return self.expand_fixture(f, fixture, phase, scope);
        }
        if let Some(first) = f.with.values().next() {
            return Err(self
                .err(span_of(first), "`with` only goes with `use`")
                .with_hint("`with` passes parameters to a fixture (`use: NAME`); a plain step names its actor with `as`"));
        }
        self.build_plain_step(f, span, default_name, phase, scope, None, &BTreeMap::new())
            .map(|s| vec![s])
    }

    /// A step with `matrix` or `each`: one checked step per case (see `matrix.rs`).
    fn expand_matrix(
        &self,
        s: &Spanned<StepFile>,
        default_name: &str,
        phase: StepPhase,
        scope: &mut Scope,
    ) -> Result<Option<Vec<Step>>, LoadError> {
        let taken: HashSet<String> = scope
            .names
            .iter()
            .chain(self.later.keys())
            .cloned()
            .collect();
        let is_taken = |n: &str| taken.contains(n);
        let cx = matrix::Context {
            path: self.path,
            source: self.source,
            taken: &is_taken,
        };
        let Some(cases) = matrix::expand(s, default_name, &cx)? else {
            return Ok(None);
        };
        let mut steps = Vec::with_capacity(cases.len());
        for case in cases {
            let step = self
                .build_plain_step(
                    &case.step,
                    span_of(s),
                    default_name.to_string(),
                    phase,
                    scope,
                    None,
                    &BTreeMap::new(),
                )
                .map_err(|e| match e.note {
                    None => e.with_note(case.note()),
                    Some(_) => e,
                })?;
            steps.push(step);
        }
        Ok(Some(steps))
    }

    /// One name of `optionalActors`: an identifier, listed once, not also in `actors`.
    fn optional_actor(&self, a: &Spanned<String>, scope: &mut Scope) -> Result<(), LoadError> {
        if !is_ident(&a.value) {
            return Err(self
                .err(
                    span_of(a),
                    format!("actor name `{}` is not an identifier", a.value),
                )
                .with_hint(IDENT_HINT));
        }
        if scope.actors.contains(&a.value) {
            return Err(self
                .err(
                    span_of(a),
                    format!("actor `{}` is in both `actors` and `optionalActors`", a.value),
                )
                .with_hint("`actors` are required (the scenario is skipped without one); `optionalActors` only skip the steps that act as them. Keep it in one list"));
        }
        if scope.optional.contains(&a.value) {
            return Err(self.err(span_of(a), format!("actor `{}` is listed twice", a.value)));
        }
        scope.optional.push(a.value.clone());
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn build_plain_step(
        &self,
        f: &StepFile,
        span: Span,
        default_name: String,
        phase: StepPhase,
        scope: &mut Scope,
        fixture: Option<(&FixtureUse, &str)>,
        params: &BTreeMap<String, String>,
    ) -> Result<Step, LoadError> {
        let mut name = f
            .name
            .as_ref()
            .map(|n| n.value.clone())
            .unwrap_or(default_name);
        if name.trim().is_empty() {
            return Err(self.err(span, "step `name` is empty"));
        }
        if let Some((fx, _)) = fixture {
            name = format!("{}: {name}", fx.name);
        }
        let Some(actor) = &f.actor else {
            return Err(self
                .err(span, format!("step `{name}` has no `as`"))
                .with_hint(format!(
                    "say which actor sends the request: one of {}",
                    scope.actors.join(", ")
                )));
        };
        let actor_name = match actor.value.strip_prefix('$') {
            Some(param) => params.get(param).cloned().ok_or_else(|| {
                let declared: Vec<&str> = params.keys().map(String::as_str).collect();
                self.err(
                    span_of(actor),
                    format!("`${param}` is not a parameter of this fixture"),
                )
                .with_hint(if declared.is_empty() {
                    format!("declare it: `params: [{param}]`")
                } else {
                    format!(
                        "its parameters are {}; add `{param}` to `params`",
                        declared.join(", ")
                    )
                })
            })?,
            None => actor.value.clone(),
        };
        if !scope.actors.contains(&actor_name) && !scope.optional.contains(&actor_name) {
            let known = || {
                scope
                    .actors
                    .iter()
                    .chain(&scope.optional)
                    .map(String::as_str)
            };
            let listed = known().collect::<Vec<_>>().join(", ");
            let hint = match did_you_mean(&actor_name, known()) {
                Some(s) => format!("did you mean `{s}`? the scenario's actors are {listed}"),
                None => format!("add it to `actors`, or use one of {listed}"),
            };
            return Err(self
                .err(span_of(actor), format!("unknown actor `{actor_name}`"))
                .with_hint(hint));
        }
        let Some(request) = &f.request else {
            return Err(self
                .err(span, format!("step `{name}` has no `request`"))
                .with_hint(
                    "add e.g. `request: {method: GET, path: /directory/tenantGovernance/settings}`",
                ));
        };
        let request = self.build_request(request, scope)?;
        let expect = match &f.expect {
            Some(e) => self.build_expect(&e.value, span_of(e), scope)?,
            None => Expect::default(),
        };
        if expect.status.is_none() {
            return Err(self
                .err(
                    span,
                    format!("step `{name}` does not say which status it expects"),
                )
                .with_hint(
                    "add `expect: {status: 200}`; a step that checks nothing proves nothing",
                ));
        }
        let retry = match &f.retry {
            Some(r) => {
                let rspan = span_of(r);
                let until =
                    self.build_expect(&r.value.until.value, span_of(&r.value.until), scope)?;
                let attempts = self.count(
                    r.value.attempts.as_ref(),
                    DEFAULT_RETRY_ATTEMPTS,
                    MAX_RETRY_ATTEMPTS,
                    "attempts",
                    "it counts every request of the step, the first one included",
                )?;
                let delay = match &r.value.delay {
                    Some(d) => parse_duration(&d.value)
                        .map_err(|m| self.err(span_of(d), format!("`delay`: {m}")))?,
                    None => DEFAULT_RETRY_DELAY,
                };
                Some(Retry {
                    until,
                    attempts,
                    delay,
                    span: rspan,
                })
            }
            None => None,
        };
        let mut captures = Vec::new();
        for (var, path) in &f.capture {
            let cspan = span_of(path);
            if !is_ident(var) {
                return Err(self
                    .err(cspan, format!("capture name `{var}` is not an identifier"))
                    .with_hint(IDENT_HINT));
            }
            if scope.names.contains(var) {
                return Err(self
                    .err(cspan, format!("`{var}` is already defined"))
                    .with_hint("captures cannot overwrite a variable or an earlier capture; pick another name"));
            }
            // Checked exactly like an assertion path: placeholders must name variables
            // visible here, and the path must parse once they are filled in.
            let (source, optional) = (&path.value.path, path.value.optional);
            let target =
                Template::parse(source).map_err(|e| self.template_err(cspan, source, e))?;
            self.check_vars(target.vars(), scope, cspan)?;
            let jp = match self.parse_path_template(&target, cspan)? {
                Some(p) => p,
                None => stand_in_path(&target)
                    .ok_or_else(|| self.err(cspan, format!("invalid JSONPath `{source}`")))?,
            };
            captures.push(Capture {
                name: var.clone(),
                source: source.clone(),
                path: jp,
                span: cspan,
                optional,
            });
        }
        let paging = match &f.paging {
            None => None,
            Some(p) => {
                let pspan = span_of(p);
                if !request.method.eq_ignore_ascii_case("GET") {
                    return Err(self
                        .err(pspan, "`paging` only goes with GET")
                        .with_hint("paging follows `@odata.nextLink` of a list; read the list with `method: GET`"));
                }
                if let Some(r) = &retry {
                    return Err(self
                        .err(r.span, "`retry` and `paging` cannot be combined")
                        .with_hint(
                            "poll in a step of its own, then page through the list in the next",
                        ));
                }
                let max_pages = self.count(
                    p.value.max_pages.as_ref(),
                    DEFAULT_MAX_PAGES,
                    MAX_MAX_PAGES,
                    "maxPages",
                    "it counts every page read, the first one included",
                )?;
                Some(Paging {
                    max_pages,
                    span: pspan,
                })
            }
        };
        let tags = self.step_tags(f)?;
        let checks = self.checks(f, &tags, scope)?;
        let step = Step {
            name,
            span,
            phase,
            actor: actor_name,
            request,
            expect,
            captures,
            snapshot: f.snapshot,
            retry,
            fixture: fixture.map(|(fx, _)| fx.clone()),
            checks,
            tags,
            paging,
        };
        if phase == StepPhase::Main {
            self.check_tagged_uses(&step, scope)?;
        }
        // Captures become visible to the following steps only.
        for c in &step.captures {
            scope.names.insert(c.name.clone());
            if !step.tags.is_empty() {
                scope
                    .tagged
                    .insert(c.name.clone(), (step.tags.clone(), c.span));
            }
        }
        Ok(step)
    }

    /// The step's own tags: lower-case words, each once.
    fn step_tags(&self, f: &StepFile) -> Result<Vec<String>, LoadError> {
        let mut tags: Vec<String> = Vec::new();
        for t in &f.tags {
            if !is_tag(&t.value) {
                return Err(self
                    .err(
                        span_of(t),
                        format!("tag `{}` is not a lower-case word", t.value),
                    )
                    .with_hint("tags use a-z, 0-9 and `-`, e.g. `inferred`"));
            }
            if tags.contains(&t.value) {
                return Err(self.err(span_of(t), format!("tag `{}` is listed twice", t.value)));
            }
            tags.push(t.value.clone());
        }
        Ok(tags)
    }

    /// `checks:` names rules of the catalogue, each once; an inferred rule is checked
    /// only where the step or the scenario is tagged `inferred`.
    fn checks(
        &self,
        f: &StepFile,
        step_tags: &[String],
        scope: &Scope,
    ) -> Result<Vec<String>, LoadError> {
        if f.checks.is_empty() {
            return Ok(Vec::new());
        }
        let catalogue = rules::builtin().map_err(|e| {
            self.err(span_of(&f.checks[0]), e.to_string())
                .with_hint("the catalogue is built into tgconform; this is a bug, please report it")
        })?;
        let mut out: Vec<String> = Vec::new();
        for c in &f.checks {
            let id = c.value.trim();
            let Some(rule) = catalogue.get(id) else {
                let hint = match did_you_mean(id, catalogue.ids()) {
                    Some(k) => format!("did you mean `{k}`? docs/contract.md lists every rule"),
                    None => "docs/contract.md lists every rule of the catalogue".to_string(),
                };
                return Err(self
                    .err(span_of(c), format!("unknown rule `{id}` in `checks`"))
                    .with_hint(hint));
            };
            if out.iter().any(|o| o == id) {
                return Err(self.err(
                    span_of(c),
                    format!("rule `{id}` is listed twice in `checks`"),
                ));
            }
            let inferred_here = step_tags.iter().chain(&scope.tags).any(|t| t == INFERRED);
            if rule.evidence == Evidence::Inferred && !inferred_here {
                return Err(self
                    .err(
                        span_of(c),
                        format!("rule `{id}` is inferred, but neither this step nor the scenario is tagged `inferred`"),
                    )
                    .with_hint("add `tags: [inferred]` to the step (or the scenario), so `--skip-tag inferred` leaves only documented checks"));
            }
            out.push(id.to_string());
        }
        Ok(out)
    }

    /// A step that uses a capture of a tagged step must carry the same tags: when a run
    /// skips the tag, the capture never happens.
    fn check_tagged_uses(&self, step: &Step, scope: &Scope) -> Result<(), LoadError> {
        for name in step_var_names(step) {
            let Some((tags, at)) = scope.tagged.get(&name) else {
                continue;
            };
            if let Some(missing) = tags.iter().find(|t| !step.has_tag(t)) {
                return Err(self
                    .err_near(
                        step.span,
                        &[&format!("{{{{ {name}"), &format!("{{{{{name}")],
                        format!("`{name}` is captured by a step tagged `{missing}`, but this step is not tagged `{missing}`"),
                    )
                    .with_hint(format!(
                        "a run with --skip-tag {missing} skips the step at line {} and its capture; tag this step `{missing}` too, or capture the value in an untagged step",
                        at.line
                    )));
            }
        }
        Ok(())
    }

    /// The path and text of fixture `name`: `dir/NAME.yaml` if it exists, else the
    /// built-in fixture of that name.
    fn find_fixture(
        &self,
        name: &str,
        dir: &Path,
        fspan: Span,
    ) -> Result<(PathBuf, String), LoadError> {
        let fpath = dir.join(format!("{name}.yaml"));
        let builtin = self.opts.fixtures.as_deref();
        let e = match std::fs::read_to_string(&fpath) {
            Ok(text) => return Ok((fpath, text)),
            Err(e) => e,
        };
        // A scenario folder without `fixtures/` (or a file where the folder would be)
        // has no local fixture either.
        let missing = matches!(
            e.kind(),
            std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
        );
        if missing && let Some(text) = builtin.and_then(|b| b.get(name)) {
            return Ok((builtin_fixture_path(name), text.clone()));
        }
        let mut known = fixture_names(dir);
        if let Some(b) = builtin {
            known.extend(b.keys().cloned());
            known.sort();
            known.dedup();
        }
        let hint = match did_you_mean(name, known.iter().map(String::as_str)) {
            Some(k) => format!("did you mean `{k}`?"),
            None if known.is_empty() => format!(
                "fixtures are YAML files in {}, the `fixtures/` folder next to the scenario",
                dir.display()
            ),
            None => format!("the fixtures are {}", known.join(", ")),
        };
        let why = match (missing, builtin.is_some()) {
            (true, true) => format!(
                "there is no fixture `{name}` ({} does not exist, and no built-in fixture has that name)",
                fpath.display()
            ),
            (true, false) => format!(
                "there is no fixture `{name}` ({} does not exist)",
                fpath.display()
            ),
            (false, _) => format!("cannot read fixture `{name}` at {}: {e}", fpath.display()),
        };
        Err(self.err(fspan, why).with_hint(hint))
    }

    fn expand_fixture(
        &mut self,
        f: &StepFile,
        fixture: &Spanned<String>,
        phase: StepPhase,
        scope: &mut Scope,
    ) -> Result<Vec<Step>, LoadError> {
        let fspan = span_of(fixture);
        if f.request.is_some()
            || f.expect.is_some()
            || !f.capture.is_empty()
            || f.retry.is_some()
            || f.actor.is_some()
            || !f.checks.is_empty()
            || !f.tags.is_empty()
            || f.paging.is_some()
        {
            return Err(self
                .err(fspan, "a `use` step takes only `name`, `use` and `with`")
                .with_hint("pass the actor as a parameter: `with: {as: governing}`"));
        }
        let name = fixture.value.clone();
        if !is_ident(&name) {
            return Err(self
                .err(fspan, format!("fixture name `{name}` is not an identifier"))
                .with_hint("`use` takes the file stem of a fixture in the `fixtures/` folder, e.g. `use: policy-template`"));
        }
        let dir = self
            .path
            .parent()
            .unwrap_or(Path::new("."))
            .join("fixtures");
        let (fpath, text) = match self.fixtures.get(&name) {
            Some(found) => found.clone(),
            None => {
                let found = self.find_fixture(&name, &dir, fspan)?;
                self.fixtures.insert(name.clone(), found.clone());
                found
            }
        };
        let used_at = format!(
            "in fixture `{name}`, used at {}",
            self.err(fspan, "").position()
        );
        let fx = parse_fixture(&fpath, &text).map_err(|e| e.with_note(&used_at))?;
        let mut params = BTreeMap::new();
        for p in &fx.params {
            match f.with.get(&p.value) {
                Some(v) => {
                    params.insert(p.value.clone(), v.value.clone());
                }
                None => {
                    return Err(self
                        .err(
                            fspan,
                            format!("fixture `{name}` needs parameter `{}`", p.value),
                        )
                        .with_hint(format!("add `with: {{{}: …}}`", p.value)));
                }
            }
        }
        let declared: Vec<&str> = fx.params.iter().map(|p| p.value.as_str()).collect();
        for (k, v) in &f.with {
            if !declared.contains(&k.as_str()) {
                return Err(self
                    .err(
                        span_of(v),
                        format!("fixture `{name}` has no parameter `{k}`"),
                    )
                    .with_hint(if declared.is_empty() {
                        "it takes no parameters; remove `with`".to_string()
                    } else {
                        format!(
                            "its parameters: {}",
                            declared
                                .iter()
                                .map(|p| format!("`{p}`"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                    }));
            }
        }
        // A parameter the fixture's steps act as must name one of the scenario's actors;
        // the mistake is in the `with:` of the scenario, so point there.
        for s in &fx.steps {
            let Some(param) = s
                .value
                .actor
                .as_ref()
                .and_then(|a| a.value.strip_prefix('$'))
            else {
                continue;
            };
            if let (Some(actor), Some(v)) = (params.get(param), f.with.get(param))
                && !scope.actors.contains(actor)
            {
                let hint = match did_you_mean(actor, scope.actors.iter().map(String::as_str)) {
                    Some(a) => format!(
                        "did you mean `{a}`? the scenario's actors are {}",
                        scope.actors.join(", ")
                    ),
                    None => format!("the scenario's actors are {}", scope.actors.join(", ")),
                };
                return Err(self
                    .err(
                        span_of(v),
                        format!("unknown actor `{actor}` (fixture `{name}` acts as `{param}`)"),
                    )
                    .with_hint(hint));
            }
        }
        let provides: Vec<String> = fx.provides.iter().map(|p| p.value.clone()).collect();
        for p in &fx.provides {
            if scope.names.contains(&p.value) {
                return Err(self
                    .err(
                        fspan,
                        format!(
                            "fixture `{name}` provides `{}`, which is already defined",
                            p.value
                        ),
                    )
                    .with_hint(format!(
                        "use the fixture once and reuse `{}`, or rename the other definition",
                        p.value
                    )));
            }
        }
        let fuse = FixtureUse {
            name: name.clone(),
            provides: provides.clone(),
            from_profile: fx.from_profile,
        };
        // Fixture steps are checked against the fixture's own text, so errors point into it.
        let sub = Loader {
            path: &fpath,
            source: &text,
            opts: self.opts,
            fixtures: HashMap::new(),
            later: HashMap::new(),
        };
        let mut out = Vec::new();
        for (i, s) in fx.steps.iter().enumerate() {
            if s.value.use_fixture.is_some() {
                return Err(sub
                    .err(span_of(s), "fixtures cannot use other fixtures")
                    .with_hint("a fixture holds plain steps; `use` both fixtures from the scenario instead")
                    .with_note(&used_at));
            }
            out.push(
                sub.build_plain_step(
                    &s.value,
                    span_of(s),
                    format!("step {}", i + 1),
                    phase,
                    scope,
                    Some((&fuse, &name)),
                    &params,
                )
                .map_err(|e| e.with_note(&used_at))?,
            );
        }
        for p in &fx.provides {
            if !scope.names.contains(&p.value) {
                return Err(sub
                    .err(
                        span_of(p),
                        format!(
                            "fixture `{name}` says it provides `{}` but no step captures it",
                            p.value
                        ),
                    )
                    .with_hint(format!(
                        "capture it in a step (`capture: {{{}: $.id}}`), or remove it from `provides`",
                        p.value
                    ))
                    .with_note(&used_at));
            }
        }
        Ok(out)
    }

    fn build_request(
        &self,
        r: &Spanned<RequestFile>,
        scope: &Scope,
    ) -> Result<RequestSpec, LoadError> {
        let span = span_of(r);
        let r = &r.value;
        let method = r.method.value.to_ascii_uppercase();
        if !METHODS.contains(&method.as_str()) {
            return Err(self
                .err(
                    span_of(&r.method),
                    format!("unknown HTTP method `{}`", r.method.value),
                )
                .with_hint(format!("use one of {}", METHODS.join(", "))));
        }
        let path = self.template(&r.path)?;
        let starts_ok = path.source().starts_with('/') || path.source().starts_with("{{");
        if !starts_ok {
            return Err(self
                .err(span_of(&r.path), format!("path `{}` must start with `/`", path.source()))
                .with_hint("paths are relative to the target's base URL, e.g. /directory/tenantGovernance/settings"));
        }
        self.check_vars(path.vars(), scope, span_of(&r.path))?;
        let mut query = Vec::new();
        for (k, v) in &r.query {
            let t = self.template(v)?;
            self.check_vars(t.vars(), scope, span_of(v))?;
            query.push((k.clone(), t));
        }
        let mut headers = Vec::new();
        for (k, v) in &r.headers {
            if k.eq_ignore_ascii_case("authorization") {
                return Err(self
                    .err(
                        span_of(v),
                        "set the token with `auth`, not an Authorization header",
                    )
                    .with_hint(
                        "`auth: none` sends no token; `auth: {bearer: TOKEN}` sends a literal one",
                    ));
            }
            if reqwest_safe_header_name(k).is_none() {
                return Err(self
                    .err(span_of(v), format!("`{k}` is not a valid header name"))
                    .with_hint(HEADER_HINT));
            }
            let t = self.template(v)?;
            self.check_vars(t.vars(), scope, span_of(v))?;
            headers.push((k.to_ascii_lowercase(), t));
        }
        let body = match (&r.json, &r.body) {
            (Some(_), Some(b)) => {
                return Err(self
                    .err(span_of(b), "a request has either `json` or `body`, not both")
                    .with_hint("`json` sends a value as JSON; `body` sends text exactly as written (e.g. broken JSON)"));
            }
            (Some(j), None) => {
                let t = self.value_template(&j.value, span_of(j))?;
                self.check_vars(t.vars().into_iter(), scope, span_of(j))?;
                Some(Body::Json(t))
            }
            (None, Some(b)) => {
                let t = self.template(b)?;
                self.check_vars(t.vars(), scope, span_of(b))?;
                Some(Body::Raw(t))
            }
            (None, None) => None,
        };
        let auth = match &r.auth {
            None => Auth::Actor,
            Some(a) => match &a.value {
                AuthFile::None => Auth::None,
                AuthFile::Bearer(tok) => {
                    let t =
                        Template::parse(tok).map_err(|e| self.template_err(span_of(a), tok, e))?;
                    self.check_vars(t.vars(), scope, span_of(a))?;
                    Auth::Bearer(t)
                }
            },
        };
        Ok(RequestSpec {
            method,
            path,
            query,
            headers,
            body,
            auth,
            span,
        })
    }

    fn build_expect(&self, e: &ExpectFile, span: Span, scope: &Scope) -> Result<Expect, LoadError> {
        let status = match &e.status {
            None => None,
            Some(s) => Some(self.status(s)?),
        };
        let schema = match &e.schema {
            None => None,
            Some(s) => {
                if let Some(known) = &self.opts.schema_types {
                    let base = s.value.strip_suffix("[]").unwrap_or(&s.value);
                    if !known.iter().any(|k| k == base) {
                        let hint = match did_you_mean(base, known.iter().map(String::as_str)) {
                            Some(k) => format!(
                                "did you mean `{k}`? `tgconform schema list` prints every type"
                            ),
                            None => "`tgconform schema list` prints every type".into(),
                        };
                        return Err(self
                            .err(span_of(s), format!("unknown schema type `{}`", s.value))
                            .with_hint(hint));
                    }
                }
                Some((s.value.clone(), span_of(s)))
            }
        };
        let mut json = Vec::new();
        for (path, v) in &e.json {
            let vspan = span_of(v);
            let target = Template::parse(path).map_err(|e| self.template_err(vspan, path, e))?;
            self.check_vars(target.vars(), scope, vspan)?;
            let parsed = self.parse_path_template(&target, vspan)?;
            let matchers = self.matchers(&v.value, vspan, scope)?;
            json.push(Assertion {
                target,
                path: parsed,
                matchers,
                span: vspan,
            });
        }
        let mut headers = Vec::new();
        for (name, v) in &e.headers {
            let vspan = span_of(v);
            if reqwest_safe_header_name(name).is_none() {
                return Err(self
                    .err(vspan, format!("`{name}` is not a valid header name"))
                    .with_hint(HEADER_HINT));
            }
            let matchers = self.matchers(&v.value, vspan, scope)?;
            if matchers.iter().any(|m| {
                matches!(
                    m.kind,
                    super::MatcherKind::DateOffset {
                        from: super::Operand::Path { .. },
                        ..
                    } | super::MatcherKind::Instant {
                        other: super::Operand::Path { .. },
                        ..
                    }
                )
            }) {
                return Err(self.err(
                    vspan,
                    "header matchers cannot use a JSONPath in `offsetFrom`, `sameInstant`, `after` or `before`",
                ));
            }
            headers.push(Assertion {
                target: Template::literal(&name.to_ascii_lowercase()),
                path: None,
                matchers,
                span: vspan,
            });
        }
        let _ = span;
        Ok(Expect {
            status,
            schema,
            json,
            headers,
        })
    }

    fn matchers(
        &self,
        v: &Value,
        span: Span,
        scope: &Scope,
    ) -> Result<Vec<super::Matcher>, LoadError> {
        let ms = parse_matchers(v, span).map_err(|m| {
            let e = match &m.key {
                Some(k) => self.err_near(span, &[&format!("{k}:"), k], m.message),
                None => self.err(span, m.message),
            };
            match m.hint {
                Some(h) => e.with_hint(h),
                None => e,
            }
        })?;
        for m in &ms {
            self.check_vars(matcher_vars(m).into_iter(), scope, span)?;
        }
        Ok(ms)
    }

    fn status(&self, s: &Spanned<Value>) -> Result<StatusSpec, LoadError> {
        let span = span_of(s);
        let one = |v: &Value| -> Option<u16> {
            v.as_u64()
                .and_then(|n| u16::try_from(n).ok())
                .filter(|n| (100..=599).contains(n))
        };
        let list_hint = "where the docs allow several answers, list them: `status: [400, 409]`";
        let refuse = |message: String, hint: &str| Err(self.err(span, message).with_hint(hint));
        match &s.value {
            Value::Array(items) if items.is_empty() => {
                refuse("`status: []` allows no status at all".into(), list_hint)
            }
            Value::Array(items) => {
                let mut allowed = Vec::new();
                for item in items {
                    match one(item) {
                        Some(n) => allowed.push(n),
                        None => {
                            let at = self.err_near(span, &[&item.to_string()], "").span;
                            return Err(self
                                .err(
                                    at,
                                    format!("`{item}` in `status` is not an HTTP status (100-599)"),
                                )
                                .with_hint(list_hint));
                        }
                    }
                }
                Ok(StatusSpec { allowed, span })
            }
            Value::String(t) if t.len() == 3 && t.ends_with("xx") => refuse(
                format!("`status: {t}`: status classes are not supported"),
                "list the statuses the docs allow, e.g. `status: [200, 201]`: a contract test names them",
            ),
            v => match one(v) {
                Some(n) => Ok(StatusSpec {
                    allowed: vec![n],
                    span,
                }),
                None => refuse(
                    format!("`status` must be an HTTP status (100-599) or a list of them; got {v}"),
                    list_hint,
                ),
            },
        }
    }

    fn template(&self, s: &Spanned<String>) -> Result<Template, LoadError> {
        Template::parse(&s.value).map_err(|e| self.template_err(span_of(s), &s.value, e))
    }

    fn value_template(&self, v: &Value, span: Span) -> Result<ValueTemplate, LoadError> {
        ValueTemplate::parse(v).map_err(|e| match first_bad_string(v) {
            Some((text, first)) => self.template_err(span, &text, first),
            None => self.template_err(span, "", e),
        })
    }

    fn parse_path(&self, src: &str, span: Span) -> Result<JsonPath, LoadError> {
        JsonPath::parse(src).map_err(|e| {
            let hint = if src.trim_start().starts_with('$') {
                "JSONPath follows RFC 9535, e.g. $.value[0].id or $.value[?@.status == 'active']"
                    .to_string()
            } else {
                format!(
                    "a JSONPath starts at the root `$`: write `$.{}`",
                    src.trim()
                )
            };
            self.err(span, format!("invalid JSONPath `{src}`: {e}"))
                .with_hint(hint)
        })
    }

    /// Parse now when the path has no placeholders; otherwise check it with stand-ins.
    fn parse_path_template(&self, t: &Template, span: Span) -> Result<Option<JsonPath>, LoadError> {
        if t.vars().next().is_none() {
            return self.parse_path(t.source(), span).map(Some);
        }
        let stand_in = |s: &str| -> String {
            t.parts
                .iter()
                .map(|p| match p {
                    super::TemplatePart::Lit(l) => l.clone(),
                    super::TemplatePart::Var(_) => s.to_string(),
                })
                .collect()
        };
        if JsonPath::parse(&stand_in("0")).is_ok() || JsonPath::parse(&stand_in("x")).is_ok() {
            Ok(None)
        } else {
            self.parse_path(&stand_in("x"), span).map(Some)
        }
    }

    fn check_vars<'v>(
        &self,
        vars: impl Iterator<Item = &'v VarRef>,
        scope: &Scope,
        span: Span,
    ) -> Result<(), LoadError> {
        for v in vars {
            match v {
                VarRef::Var(name) if !scope.names.contains(name) => {
                    let at = [
                        format!("{{{{ {name}"),
                        format!("{{{{{name}"),
                        format!("{{{{ vars.{name}"),
                    ];
                    let at: Vec<&str> = at.iter().map(String::as_str).collect();
                    if let Some(captured) = self.later.get(name) {
                        return Err(self
                            .err_near(span, &at, format!("`{name}` is not captured yet at this point"))
                            .with_hint(format!(
                                "it is captured at line {}; a capture can be used only by the steps after the one that captures it",
                                captured.line
                            )));
                    }
                    let mut known: Vec<&str> = scope.names.iter().map(String::as_str).collect();
                    known.sort_unstable();
                    let hint = match did_you_mean(name, known.iter().copied()) {
                        Some(k) => format!("did you mean `{k}`?"),
                        None if known.is_empty() => {
                            "define it under `vars`, or capture it in an earlier step".into()
                        }
                        None => format!("defined at this point: {}", known.join(", ")),
                    };
                    return Err(self
                        .err_near(span, &at, format!("unknown variable `{name}`"))
                        .with_hint(hint));
                }
                VarRef::Actor { actor, .. } if scope.optional.contains(actor) => {
                    let at = format!("actors.{actor}.");
                    return Err(self
                        .err_near(span, &[&at], format!("`{v}` names an optional actor"))
                        .with_hint(format!(
                            "a profile may lack `{actor}`, so no template can rely on it; name a tenant of `actors` ({}) instead, e.g. the one `{actor}` belongs to",
                            scope.actors.join(", ")
                        )));
                }
                VarRef::Actor { actor, .. } if !scope.actors.contains(actor) => {
                    let at = format!("actors.{actor}.");
                    return Err(self
                        .err_near(span, &[&at], format!("unknown actor `{actor}` in `{v}`"))
                        .with_hint(format!(
                            "the scenario's actors are {}",
                            scope.actors.join(", ")
                        )));
                }
                _ => {}
            }
        }
        Ok(())
    }
}

/// Parse a fixture file, once per process for the same path and text: a run of many
/// scenarios uses the same few fixtures over and over.
fn parse_fixture(path: &Path, text: &str) -> Result<Arc<FixtureFile>, LoadError> {
    type Cache = Mutex<HashMap<PathBuf, (String, Arc<FixtureFile>)>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let cache = CACHE.get_or_init(Cache::default);
    if let Ok(c) = cache.lock()
        && let Some((t, fx)) = c.get(path)
        && t == text
    {
        return Ok(fx.clone());
    }
    let fx: Arc<FixtureFile> = Arc::new(yaml::parse(path, text, FileKind::Fixture)?);
    if let Ok(mut c) = cache.lock() {
        c.insert(path.to_path_buf(), (text.to_string(), fx.clone()));
    }
    Ok(fx)
}

/// File stems of the fixtures in `dir`, sorted.
fn fixture_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().and_then(|e| e.to_str()) == Some("yaml"))
                .filter_map(|p| p.file_stem().and_then(|s| s.to_str()).map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

const HEADER_HINT: &str =
    "header names are letters, digits and `-` (no spaces or colons), e.g. `client-request-id`";

const IDENT_HINT: &str =
    "use letters, digits, `_` and `-`, starting with a letter, e.g. `templateId`";

/// The first string (or key) of a JSON value that is not a valid template.
fn first_bad_string(v: &Value) -> Option<(String, TemplateError)> {
    match v {
        Value::String(s) => Template::parse(s).err().map(|e| (s.clone(), e)),
        Value::Array(items) => items.iter().find_map(first_bad_string),
        Value::Object(map) => map.iter().find_map(|(k, v)| {
            Template::parse(k)
                .err()
                .map(|e| (k.clone(), e))
                .or_else(|| first_bad_string(v))
        }),
        _ => None,
    }
}

/// The tag that marks opinions beyond the documented contract.
const INFERRED: &str = "inferred";

/// A JSONPath with placeholders, parsed with a stand-in for each placeholder.
fn stand_in_path(t: &Template) -> Option<JsonPath> {
    ["0", "x"].iter().find_map(|s| {
        let text: String = t
            .parts
            .iter()
            .map(|p| match p {
                super::TemplatePart::Lit(l) => l.clone(),
                super::TemplatePart::Var(_) => (*s).to_string(),
            })
            .collect();
        JsonPath::parse(&text).ok()
    })
}

/// Names of the variables (not actors or target values) a step uses anywhere.
fn step_var_names(step: &Step) -> Vec<String> {
    let mut refs: Vec<&VarRef> = Vec::new();
    let r = &step.request;
    refs.extend(r.path.vars());
    for (_, t) in r.query.iter().chain(&r.headers) {
        refs.extend(t.vars());
    }
    match &r.body {
        Some(Body::Json(t)) => refs.extend(t.vars()),
        Some(Body::Raw(t)) => refs.extend(t.vars()),
        None => {}
    }
    if let Auth::Bearer(t) = &r.auth {
        refs.extend(t.vars());
    }
    let mut expects = vec![&step.expect];
    if let Some(retry) = &step.retry {
        expects.push(&retry.until);
    }
    for e in expects {
        for a in e.json.iter().chain(&e.headers) {
            refs.extend(a.target.vars());
            for m in &a.matchers {
                refs.extend(matcher_vars(m));
            }
        }
    }
    let var_name = |v: &VarRef| match v {
        VarRef::Var(n) => Some(n.clone()),
        _ => None,
    };
    let mut names: Vec<String> = refs.into_iter().filter_map(var_name).collect();
    for c in &step.captures {
        if let Ok(t) = Template::parse(&c.source) {
            names.extend(t.vars().filter_map(var_name));
        }
    }
    names
}

/// The placeholders a matcher renders.
fn matcher_vars(m: &super::Matcher) -> Vec<&VarRef> {
    use super::MatcherKind as K;
    match &m.kind {
        K::Equals(t) | K::NotEquals(t) | K::Contains(t) | K::OneMoreThan(t) => t.vars(),
        K::OneOf(ts) => ts.iter().flat_map(|t| t.vars()).collect(),
        K::DateOffset {
            from: super::Operand::Value(t),
            ..
        }
        | K::Instant {
            other: super::Operand::Value(t),
            ..
        } => t.vars().collect(),
        _ => Vec::new(),
    }
}

fn span_of<T>(s: &Spanned<T>) -> Span {
    Span::from_location(&s.referenced)
}

fn is_ident(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && !s.starts_with(|c: char| c.is_ascii_digit())
}

fn is_tag(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// RFC 7230 token characters; checked here so the runner never meets a bad name.
fn reqwest_safe_header_name(name: &str) -> Option<()> {
    let ok = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
    ok.then_some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"name: ok
actors: [governing]
vars:
  who: x
steps:
  - name: read
    as: governing
    request:
      method: get
      path: /directory/tenantGovernance/settings
    expect:
      status: 200
      json:
        $.canReceiveInvitations: {type: boolean}
    capture:
      flag: $.canReceiveInvitations
  - name: write
    as: governing
    request:
      method: PATCH
      path: /directory/tenantGovernance/settings
      json: {canReceiveInvitations: "{{ flag }}", note: "{{ who }} {{ actors.governing.tenantId }}"}
    expect:
      status: [200, 204]
"#;

    fn load(text: &str) -> Result<Scenario, LoadError> {
        load_str(Path::new("s.yaml"), text, &LoadOptions::default())
    }

    fn err(text: &str) -> LoadError {
        match load(text) {
            Ok(_) => panic!("expected a load error"),
            Err(e) => e,
        }
    }

    #[test]
    fn a_good_scenario_loads() {
        let s = load(GOOD).map_err(|e| e.to_string());
        let s = s.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.steps.len(), 2);
        assert_eq!(s.steps[0].request.method, "GET");
        assert_eq!(
            s.steps[1].expect.status.as_ref().map(|x| x.allowed.clone()),
            Some(vec![200, 204])
        );
    }

    #[test]
    fn snapshot_mode_loads_and_bad_values_point_at_the_key() {
        let s = load(&format!("{GOOD}snapshotMode: shape\n")).map_err(|e| e.to_string());
        assert_eq!(s.map(|s| s.snapshot_mode), Ok(Some(SnapshotMode::Shape)));
        let e = err(&format!("{GOOD}snapshotMode: shapes\n"));
        assert!(
            e.message.contains("`shapes` is not `value` or `shape`"),
            "{e}"
        );
        assert_eq!(e.span.line, 25);
    }

    #[test]
    fn a_redaction_selector_that_does_not_parse_is_a_load_error() {
        let e = err(&format!("{GOOD}redact:\n  \".value[\": x\n"));
        assert!(e.message.contains("does not parse"), "{e}");
    }

    #[test]
    fn bad_yaml_is_an_error_with_a_position() {
        let e = err("name: [\n");
        assert_eq!(e.span.line, 1);
        assert!(e.to_string().starts_with("s.yaml:1:"), "{e}");
    }

    #[test]
    fn unknown_keys_are_errors_at_their_line() {
        let e = err(&GOOD.replace("    capture:", "    captrue:"));
        assert!(e.message.contains("unknown field `captrue`"), "{e}");
        assert_eq!(e.span.line, 15);
    }

    #[test]
    fn missing_fields_are_errors() {
        let e = err("name: x\nactors: [a]\n");
        assert!(e.message.contains("the scenario has no `steps`"), "{e}");
    }

    #[test]
    fn bad_jsonpath_is_an_error_at_the_assertion() {
        let e = err(&GOOD.replace("$.canReceiveInvitations: {type", "$..[: {type"));
        assert!(e.message.contains("invalid JSONPath"), "{e}");
        assert_eq!(e.span.line, 14);
    }

    #[test]
    fn unknown_variables_are_errors_with_a_suggestion() {
        let e = err(&GOOD.replace("{{ flag }}", "{{ flga }}"));
        assert!(e.message.contains("unknown variable `flga`"), "{e}");
        assert_eq!(e.hint.as_deref(), Some("did you mean `flag`?"));
    }

    #[test]
    fn captures_are_not_visible_before_their_step() {
        let text = GOOD.replace(
            "$.canReceiveInvitations: {type: boolean}",
            "$.x: \"{{ flag }}\"",
        );
        assert!(
            err(&text)
                .message
                .contains("`flag` is not captured yet at this point")
        );
    }

    #[test]
    fn unknown_actors_are_errors() {
        let e = err(&GOOD.replace(
            "    as: governing\n    request:\n      method: PATCH",
            "    as: governed\n    request:\n      method: PATCH",
        ));
        assert!(e.message.contains("unknown actor `governed`"), "{e}");
    }

    #[test]
    fn steps_must_expect_a_status() {
        let e = err(&GOOD.replace("      status: [200, 204]\n", "      schema: x\n"));
        assert!(e.message.contains("does not say which status"), "{e}");
    }

    #[test]
    fn duplicate_step_names_are_errors() {
        let e = err(&GOOD.replace("name: write", "name: read"));
        assert!(e.message.contains("used twice"), "{e}");
    }

    #[test]
    fn unknown_schema_types_are_errors_when_types_are_known() {
        let opts = LoadOptions {
            schema_types: Some(vec!["governanceRequest".into()]),
            ..LoadOptions::default()
        };
        let text = GOOD.replace(
            "      status: 200\n",
            "      status: 200\n      schema: governanceReqest\n",
        );
        let e = load_str(Path::new("s.yaml"), &text, &opts)
            .err()
            .map(|e| e.hint.unwrap_or_default());
        assert_eq!(
            e.as_deref(),
            Some("did you mean `governanceRequest`? `tgconform schema list` prints every type")
        );
    }

    #[test]
    fn yaml11_booleans_stay_strings_in_bodies() {
        let s = load(&GOOD.replace(
            "note: \"{{ who }} {{ actors.governing.tenantId }}\"",
            "note: yes",
        ))
        .map_err(|e| e.to_string());
        let s = s.unwrap_or_else(|e| panic!("{e}"));
        match &s.steps[1].request.body {
            Some(Body::Json(super::super::ValueTemplate::Object(entries))) => {
                assert!(entries.iter().any(|(k, v)| k.source() == "note"
                    && matches!(v, super::super::ValueTemplate::String(t) if t.source() == "yes")));
            }
            other => panic!("unexpected body {other:?}"),
        }
    }

    /// A scenario that uses fixture `fx` and then its variable `var`.
    fn uses_fx(var: &str) -> String {
        format!(
            "name: uses fx\nactors: [governing]\nsteps:\n  - use: fx\n  - name: read\n    as: governing\n    request: {{method: GET, path: \"/x/{{{{ {var} }}}}\"}}\n    expect: {{status: 200}}\n"
        )
    }

    /// A fixture that provides `var`.
    fn fx_providing(var: &str) -> String {
        format!(
            "provides: [{var}]\nsteps:\n  - name: find\n    as: governing\n    request: {{method: GET, path: /x}}\n    expect: {{status: 200}}\n    capture: {{{var}: $.id}}\n"
        )
    }

    fn builtin_fx(var: &str) -> LoadOptions {
        LoadOptions {
            fixtures: Some(Arc::new(BTreeMap::from([(
                "fx".to_string(),
                fx_providing(var),
            )]))),
            ..LoadOptions::default()
        }
    }

    /// A scratch scenario folder, empty (no `fixtures/`).
    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("tgconform-load-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
        dir
    }

    #[test]
    fn a_folder_without_the_fixture_uses_the_builtin_one() {
        let dir = scratch("fallback");
        let s = load_str(
            &dir.join("s.yaml"),
            &uses_fx("fromBuiltin"),
            &builtin_fx("fromBuiltin"),
        );
        let _ = std::fs::remove_dir_all(&dir);
        assert!(s.is_ok(), "{:?}", s.err().map(|e| e.to_string()));
    }

    #[test]
    fn a_local_fixture_wins_over_the_builtin_one_of_its_name() {
        let dir = scratch("local-wins");
        std::fs::create_dir_all(dir.join("fixtures")).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(dir.join("fixtures/fx.yaml"), fx_providing("fromLocal"))
            .unwrap_or_else(|e| panic!("{e}"));
        let s = load_str(
            &dir.join("s.yaml"),
            &uses_fx("fromLocal"),
            &builtin_fx("fromBuiltin"),
        );
        let _ = std::fs::remove_dir_all(&dir);
        assert!(s.is_ok(), "{:?}", s.err().map(|e| e.to_string()));
    }

    #[test]
    fn a_fixture_neither_local_nor_builtin_is_named_as_missing_in_both() {
        let dir = scratch("missing");
        let e = load_str(
            &dir.join("s.yaml"),
            &uses_fx("v").replace("use: fx", "use: fy"),
            &builtin_fx("v"),
        )
        .err()
        .map(|e| (e.message, e.hint));
        let _ = std::fs::remove_dir_all(&dir);
        let (message, hint) = e.unwrap_or_else(|| panic!("expected a load error"));
        assert!(
            message.ends_with("does not exist, and no built-in fixture has that name)"),
            "{message}"
        );
        assert_eq!(hint.as_deref(), Some("did you mean `fx`?"));
    }

    #[test]
    fn empty_and_binary_files_are_errors() {
        assert!(err("").message.contains("empty"));
        assert!(err("\0\0\0").message.contains("binary"));
    }

    #[test]
    fn checks_and_step_tags_are_kept_in_order() {
        let text = GOOD
            .replace(
                "    capture:\n      flag:",
                "    checks: [SET-GET-200, SET-UPDATE-VISIBLE]\n    capture:\n      flag:",
            )
            .replace(
                "      status: [200, 204]\n",
                "      status: [200, 204]\n    tags: [extra]\n",
            );
        let s = load(&text).map_err(|e| e.to_string());
        let s = s.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.steps[0].checks, ["SET-GET-200", "SET-UPDATE-VISIBLE"]);
        assert!(s.steps[1].checks.is_empty());
        assert_eq!(s.steps[1].tags, ["extra"]);
    }

    #[test]
    fn authorization_headers_are_refused() {
        let e = err(&GOOD.replace(
            "      method: get\n",
            "      method: get\n      headers: {Authorization: x}\n",
        ));
        assert!(e.message.contains("auth"), "{e}");
    }
}
