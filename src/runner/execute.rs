use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::http::{HttpClient, HttpError, HttpFailure, HttpRequest, HttpResponse};
use super::interrupt::Interrupt;
use super::observe::{RequestRecord, ResponseRecord, StepObserver, StepRecord};
use super::outcome::{Exchange, ScenarioOutcome, SnapshotEntry, Status, StepOutcome};
use super::request;
use super::state::RunState;
use crate::endpoint::TokenCache;
use crate::judge::{
    EnvelopeInput, Finding, FindingKind, Problem, ResponseView, Subject, Verdict, judge,
};
use crate::plan::PlannedScenario;
use crate::scenario::{Auth, Body, Resolver, Scenario, Step, StepPhase, Template};
use crate::schema::{SchemaMode, SchemaRegistry};
use serde_json_path::JsonPath;

/// Settings of one run.
#[derive(Debug, Clone)]
pub struct RunConfig {
    /// Base URL without a trailing slash, e.g. `http://127.0.0.1:PORT/beta`.
    pub base_url: String,
    pub schema_mode: SchemaMode,
    pub timeout: Duration,
    pub max_body: usize,
    /// The most the whole run waits in total on 429/503 `Retry-After`.
    pub retry_after_budget: Duration,
}

impl RunConfig {
    pub fn new(base_url: &str) -> Self {
        RunConfig {
            base_url: base_url.trim_end_matches('/').to_string(),
            schema_mode: SchemaMode::Strict,
            timeout: super::http::DEFAULT_TIMEOUT,
            max_body: super::http::DEFAULT_MAX_BODY,
            retry_after_budget: DEFAULT_RETRY_AFTER_BUDGET,
        }
    }
}

/// Executes scenarios. Cheap to share: one client, one schema registry.
pub struct Runner {
    http: HttpClient,
    schemas: SchemaRegistry,
    cfg: RunConfig,
    tokens: TokenCache,
    interrupt: Arc<Interrupt>,
    /// What is left of `cfg.retry_after_budget`, shared by every scenario of the run.
    throttle_left: std::sync::Mutex<Duration>,
}

/// A CI job should not sit for minutes on a throttled target: a minute of waiting per
/// run, then throttled answers are judged as they are (and fail).
pub const DEFAULT_RETRY_AFTER_BUDGET: Duration = Duration::from_secs(60);
/// Most times one request is sent again after 429/503, whatever `Retry-After` says
/// (`Retry-After: 0` would otherwise never end).
const MAX_THROTTLE_RESENDS: u32 = 10;
/// Transient network failures of GETs are retried this often.
const GET_RETRIES: u32 = 2;

/// The response a step is judged on: the last attempt's.
struct Answer {
    resp: HttpResponse,
    /// From the first send of the step to this response, waits included.
    took: Duration,
    client_request_id: String,
    /// `retry.until` attempts made.
    attempt: u32,
    /// Requests sent for the step: attempts, and resends after 429/503, 401 or a
    /// failed connection.
    sends: u32,
}

/// An attempt that got no complete response.
struct NoAnswer {
    /// `elapsed` runs from the step's first send.
    failure: HttpFailure,
    client_request_id: String,
    sends: u32,
}

/// What [`Runner::send_politely`] got, and how many requests it took.
pub(super) struct Sent {
    pub result: Result<(HttpResponse, Duration), HttpFailure>,
    pub sends: u32,
}

impl Runner {
    pub fn new(
        cfg: RunConfig,
        schemas: SchemaRegistry,
        tokens: TokenCache,
    ) -> Result<Self, HttpError> {
        Ok(Runner {
            http: HttpClient::new(cfg.timeout, cfg.max_body)?,
            schemas,
            tokens,
            interrupt: Arc::new(Interrupt::default()),
            throttle_left: std::sync::Mutex::new(cfg.retry_after_budget),
            cfg,
        })
    }

    pub fn config(&self) -> &RunConfig {
        &self.cfg
    }

    pub fn tokens(&self) -> &TokenCache {
        &self.tokens
    }

    /// The interrupt this runner obeys: once triggered, requests of main steps in
    /// flight are abandoned, the remaining main steps are skipped, and teardown steps
    /// still run.
    pub fn interrupt(&self) -> &Arc<Interrupt> {
        &self.interrupt
    }

    pub fn is_interrupted(&self) -> bool {
        self.interrupt.is_set()
    }

    /// `GET url` without a token: `Err` when no connection can be made (see
    /// [`HttpClient::reaches`]).
    pub async fn probe(&self, url: &str) -> Result<(), HttpError> {
        self.http.reaches(url).await
    }

    /// Run one scenario with the bindings of its plan against `base_url` (the
    /// configured target, or a private mock of the same kind): its steps, then its
    /// teardown whatever happened. Skips are the caller's business.
    pub async fn run(
        &self,
        sc: &Scenario,
        planned: &PlannedScenario,
        base_url: &str,
        observer: &dyn StepObserver,
    ) -> ScenarioOutcome {
        let base_url = base_url.trim_end_matches('/');
        let started = Instant::now();
        let run_id = uuid::Uuid::new_v4().simple().to_string()[..8].to_string();
        let (mut state, mut warnings) = RunState::start(sc, planned, base_url, run_id, false);
        let mut failed = !warnings.is_empty();
        let mut steps = Vec::new();
        let mut snapshot = Vec::new();
        let skip = |step: &Step, reason: &str| {
            let out = skipped_step(step, reason);
            observer.step_finished(&StepRecord {
                scenario: sc,
                step,
                outcome: &out,
                request: None,
                response: None,
            });
            out
        };
        // Captures that never happened because their step's identity is missing from
        // the profile, with the reason: steps that need them are skipped alike.
        let mut lost: HashMap<String, String> = HashMap::new();
        for step in &sc.steps {
            if failed {
                steps.push(skip(step, "an earlier step failed"));
                continue;
            }
            if self.is_interrupted() {
                steps.push(skip(step, "interrupted"));
                failed = true;
                continue;
            }
            if let Some(tag) = step
                .tags
                .iter()
                .find(|t| planned.skip_step_tags.contains(t))
            {
                // The loader made sure no later step needs what this one captures.
                steps.push(skip(step, &format!("tagged `{tag}` (--skip-tag {tag})")));
                continue;
            }
            if let Some(reason) = unavailable(step, planned, &state, &lost) {
                for c in &step.captures {
                    lost.insert(c.name.clone(), reason.clone());
                }
                steps.push(skip(step, &reason));
                continue;
            }
            if let Some(missing) = step_missing_var(step, &state)
                && sc.captures_optionally(&missing)
            {
                let reason = format!("`{missing}` was not captured (an optional capture)");
                for c in &step.captures {
                    lost.insert(c.name.clone(), reason.clone());
                }
                steps.push(skip(step, &reason));
                continue;
            }
            if let Some(fx) = &step.fixture
                && fx.from_profile
                && fx
                    .provides
                    .iter()
                    .all(|p| planned.profile_vars.contains_key(p))
            {
                steps.push(skip(
                    step,
                    &format!("the profile provides {}", fx.provides.join(", ")),
                ));
                continue;
            }
            let out = self
                .run_step(sc, step, &mut state, &mut snapshot, observer)
                .await;
            if out.status == Status::Failed {
                failed = true;
            }
            steps.push(out);
        }
        if !sc.teardown.is_empty() {
            observer.teardown_started(sc, self.is_interrupted());
        }
        let mut leftovers = Vec::new();
        for step in &sc.teardown {
            if let Some(reason) = unavailable(step, planned, &state, &lost) {
                steps.push(skip(step, &reason));
                continue;
            }
            if let Some(missing) = step_missing_var(step, &state) {
                steps.push(skip(
                    step,
                    &format!("`{missing}` was never captured, so there is nothing to remove"),
                ));
                continue;
            }
            let out = self
                .run_step(sc, step, &mut state, &mut snapshot, observer)
                .await;
            if out.status == Status::Failed {
                failed = true;
                let req = out
                    .exchange
                    .as_ref()
                    .map(|e| format!("{} {}", e.method, e.url))
                    .unwrap_or_else(|| {
                        format!("{} {}", step.request.method, step.request.path.source())
                    });
                leftovers.push(format!(
                    "teardown `{}` failed; remove by hand as `{}`: {req}",
                    step.name, step.actor
                ));
            }
            steps.push(out);
        }
        for s in &steps {
            warnings.extend(s.warnings.iter().map(|w| format!("{}: {w}", s.name)));
        }
        let mut dynamic_values = Vec::new();
        for (name, a) in &planned.actors.actors {
            dynamic_values.push((format!("{name}.tenantId"), a.tenant_id.clone()));
        }
        let mut captured: Vec<(&String, &Value)> = state.vars.iter().collect();
        captured.sort_by(|a, b| a.0.cmp(b.0));
        for (k, v) in captured {
            if let Value::String(s) = v {
                dynamic_values.push((k.clone(), s.clone()));
            }
        }
        dynamic_values.push(("baseUrl".into(), base_url.to_string()));
        dynamic_values.push(("run.id".into(), state.run_id.clone()));
        ScenarioOutcome {
            stem: sc.stem.clone(),
            name: sc.name.clone(),
            path: sc.path.clone(),
            tags: sc.tags.clone(),
            status: if failed {
                Status::Failed
            } else {
                Status::Passed
            },
            duration: started.elapsed(),
            steps,
            warnings,
            leftovers,
            snapshot,
            dynamic_values,
        }
    }

    /// One step: build the request, send it (polling while `retry.until` fails),
    /// judge the last response, take captures, and tell the observer.
    async fn run_step(
        &self,
        sc: &Scenario,
        step: &Step,
        state: &mut RunState<'_>,
        snapshot: &mut Vec<SnapshotEntry>,
        observer: &dyn StepObserver,
    ) -> StepOutcome {
        let mut out = StepOutcome {
            name: step.name.clone(),
            phase: step.phase,
            actor: step.actor.clone(),
            span: step.span,
            status: Status::Passed,
            exchange: None,
            failures: Vec::new(),
            warnings: Vec::new(),
            checks: step.checks.clone(),
            envelope: Vec::new(),
        };
        let req = match self.build_request(step, state).await {
            Ok(r) => r,
            Err(f) => {
                out.failures.push(f);
                out.status = Status::Failed;
                observer.step_finished(&StepRecord {
                    scenario: sc,
                    step,
                    outcome: &out,
                    request: None,
                    response: None,
                });
                return out;
            }
        };
        let answer = match self.send_until(step, &req, state, &mut out.warnings).await {
            Ok(a) => a,
            Err(no) => {
                out.exchange = Some(exchange_without_response(
                    step,
                    &req,
                    &no.client_request_id,
                    no.sends,
                    &no.failure,
                ));
                out.failures.push(Finding::new(
                    FindingKind::Transport,
                    step.request.span,
                    no.failure.error.to_string(),
                ));
                out.status = Status::Failed;
                observer.step_finished(&StepRecord {
                    scenario: sc,
                    step,
                    outcome: &out,
                    request: Some(request_record(&req)),
                    response: None,
                });
                return out;
            }
        };
        let resp = &answer.resp;
        let mut view = response_view(resp);
        let walk = match &step.paging {
            Some(p) if (200..300).contains(&resp.status) => {
                let first = view.json.as_ref().ok().and_then(Option::as_ref);
                let walk = self
                    .follow_pages(step, p, &req, first, state, &mut out.warnings)
                    .await;
                if let Some(merged) = &walk.merged {
                    view.json = Ok(Some(merged.clone()));
                }
                Some(walk)
            }
            _ => None,
        };
        let mut verdict: Verdict = judge(
            &step.expect,
            &view,
            state,
            &self.schemas,
            self.cfg.schema_mode,
        );
        if let Some(r) = &step.retry
            && answer.attempt == r.attempts
        {
            let until = judge(&r.until, &view, state, &self.schemas, self.cfg.schema_mode);
            if !until.passed() {
                verdict.failures.push(Finding::of(
                    FindingKind::Assertion,
                    r.span,
                    Problem::RetryExhausted {
                        attempts: r.attempts,
                        last_status: resp.status,
                        until: until.failures,
                    },
                ));
            }
        }
        if let Some(w) = &walk {
            verdict.failures.extend(w.findings.iter().cloned());
        }
        self.judge_envelope(
            step,
            &req.url,
            &answer,
            walk.as_ref(),
            state,
            &mut verdict,
            &mut out,
        );
        let body = view.json.as_ref().ok().and_then(Option::as_ref);
        // Capture even from a failed step: a create that answered with the wrong status
        // may still have created something, and teardown needs its id.
        let step_passed = verdict.passed();
        self.capture(step, body, state, step_passed, &mut verdict.failures);
        if step.snapshot {
            snapshot.push(SnapshotEntry {
                step: step.name.clone(),
                method: step.request.method.clone(),
                path: step.request.path.source().to_string(),
                status: resp.status,
                body: body.cloned().unwrap_or(Value::Null),
            });
        }
        out.exchange = Some(Exchange {
            method: step.request.method.clone(),
            url: req.url.clone(),
            path_template: step.request.path.source().to_string(),
            status: Some(resp.status),
            request_id: header(resp, "request-id"),
            client_request_id: header(resp, "client-request-id")
                .unwrap_or_else(|| answer.client_request_id.clone()),
            date: header(resp, "date"),
            duration: answer.took,
            request_body: req.body.as_ref().map(|b| crate::judge::excerpt(b)),
            response_excerpt: (!resp.body.is_empty()).then(|| crate::judge::excerpt(&resp.body)),
            attempts: answer.sends,
        });
        out.warnings.extend(verdict.warnings);
        if !verdict.failures.is_empty() {
            out.status = Status::Failed;
        }
        out.failures = verdict.failures;
        observer.step_finished(&StepRecord {
            scenario: sc,
            step,
            outcome: &out,
            request: Some(request_record(&req)),
            response: Some(ResponseRecord {
                status: resp.status,
                headers: &resp.headers,
                body: &resp.body,
                json: body,
            }),
        });
        out
    }

    /// Send the step's request; with `retry`, send it again after `retry.delay` while
    /// `retry.until` fails, up to `retry.attempts` times. The last response is judged.
    async fn send_until(
        &self,
        step: &Step,
        req: &HttpRequest,
        state: &RunState<'_>,
        warnings: &mut Vec<String>,
    ) -> Result<Answer, NoAnswer> {
        let attempts = step.retry.as_ref().map(|r| r.attempts).unwrap_or(1);
        let mut attempt = 0;
        let mut sends = 0;
        let first_sent = Instant::now();
        loop {
            attempt += 1;
            // A `client-request-id` the scenario sets is sent (and expected back) as is;
            // otherwise every attempt gets a fresh one.
            let client_request_id = req
                .headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case("client-request-id"))
                .map(|(_, v)| v.clone())
                .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
            let send = self.send_politely(step, req, &client_request_id, state.actors, warnings);
            // Main steps give way to an interrupt; teardown steps always finish.
            let sent = if step.phase == StepPhase::Main {
                tokio::select! {
                    r = send => r,
                    _ = self.interrupt.wait() => Sent {
                        result: Err(HttpFailure::new(HttpError::Interrupted)),
                        sends: 1,
                    },
                }
            } else {
                send.await
            };
            sends += sent.sends;
            let resp = match sent.result {
                Ok((resp, _)) => resp,
                Err(mut failure) => {
                    failure.elapsed = first_sent.elapsed();
                    return Err(NoAnswer {
                        failure,
                        client_request_id,
                        sends,
                    });
                }
            };
            let done = match &step.retry {
                Some(r) if attempt < attempts => {
                    let view = response_view(&resp);
                    judge(&r.until, &view, state, &self.schemas, self.cfg.schema_mode).passed()
                }
                _ => true,
            };
            if done {
                return Ok(Answer {
                    resp,
                    took: first_sent.elapsed(),
                    client_request_id,
                    attempt,
                    sends,
                });
            }
            if let Some(r) = &step.retry {
                tokio::time::sleep(r.delay).await;
            }
        }
    }

    /// Take the step's captures from the response body into the run's variables.
    fn capture(
        &self,
        step: &Step,
        body: Option<&Value>,
        state: &mut RunState<'_>,
        step_passed: bool,
        failures: &mut Vec<Finding>,
    ) {
        for c in &step.captures {
            // The first node: lists on real tenants may hold several matches, and
            // RFC 9535 has no way to index into a filter's result.
            // A capture path with placeholders (e.g. a filter on an actor's tenant id)
            // is rendered now, like assertion paths; the load-time parse is kept for
            // paths without placeholders.
            let rendered = if c.source.contains("{{") {
                match Template::parse(&c.source)
                    .map_err(|e| e.to_string())
                    .and_then(|t| t.render(state))
                    .and_then(|s| {
                        JsonPath::parse(&s).map_err(|e| format!("invalid JSONPath `{s}`: {e}"))
                    }) {
                    Ok(p) => Some(p),
                    Err(e) => {
                        failures.push(
                            Finding::of(FindingKind::Template, c.span, Problem::Text(e))
                                .about(Subject::Capture(c.name.clone())),
                        );
                        continue;
                    }
                }
            } else {
                None
            };
            let path = rendered.as_ref().unwrap_or(&c.path);
            match body.and_then(|b| path.query(b).first()) {
                Some(v) => {
                    state.vars.insert(c.name.clone(), v.clone());
                }
                // An optional capture that finds nothing leaves the variable unset.
                None if step_passed && !c.optional => failures.push(
                    Finding::of(
                        FindingKind::Capture,
                        c.span,
                        Problem::CaptureMissing {
                            path: c.source.clone(),
                        },
                    )
                    .about(Subject::Capture(c.name.clone())),
                ),
                None => {}
            }
        }
    }

    /// The Graph envelope on every response of the step that came from the API (not
    /// the mock's control endpoints): the first page and every page followed. In main
    /// steps a deviation fails the step; in teardown it is a warning, because a
    /// teardown step's verdict says whether something was left behind.
    #[allow(clippy::too_many_arguments)]
    fn judge_envelope(
        &self,
        step: &Step,
        url: &str,
        answer: &Answer,
        walk: Option<&super::paging::Walk>,
        state: &RunState<'_>,
        verdict: &mut Verdict,
        out: &mut StepOutcome,
    ) {
        if !under(url, state.base_url) {
            return;
        }
        let first_json = if answer.resp.body.iter().all(u8::is_ascii_whitespace) {
            None
        } else {
            crate::judge::parse_json_strict(&answer.resp.body).ok()
        };
        let mut exchanges = vec![(
            1u32,
            &answer.resp,
            first_json.as_ref(),
            answer.client_request_id.as_str(),
        )];
        for p in walk.map(|w| w.pages.as_slice()).unwrap_or_default() {
            exchanges.push((
                p.number,
                &p.resp,
                p.json.as_ref(),
                p.client_request_id.as_str(),
            ));
        }
        let paged = exchanges.len() > 1;
        let mut held: Vec<&'static str> = Vec::new();
        let mut broken: Vec<&'static str> = Vec::new();
        for (number, resp, json, crid) in exchanges {
            let o = state.envelope.check(&EnvelopeInput {
                status: resp.status,
                headers: &resp.headers,
                has_body: !resp.body.iter().all(u8::is_ascii_whitespace),
                json,
                sent_client_request_id: crid,
            });
            for v in o.violations {
                let page = if paged {
                    format!("page {number}: ")
                } else {
                    String::new()
                };
                let problem = Problem::Envelope {
                    rule: v.rule,
                    text: format!("{page}{}", v.message),
                };
                match step.phase {
                    StepPhase::Main => verdict.failures.push(Finding::of(
                        FindingKind::Envelope,
                        step.span,
                        problem,
                    )),
                    StepPhase::Teardown => verdict
                        .warnings
                        .push(crate::judge::printable(&problem.to_string())),
                }
                if !broken.contains(&v.rule) {
                    broken.push(v.rule);
                }
            }
            for r in o.held {
                if !held.contains(&r) {
                    held.push(r);
                }
            }
        }
        if step.phase == StepPhase::Main {
            out.envelope = held
                .into_iter()
                .filter(|r| !broken.contains(r))
                .map(str::to_string)
                .collect();
        }
    }

    /// Send, honouring 429/503 `Retry-After` within the run's budget, fetching a new
    /// token once after 401 (command tokens), and retrying GETs once or twice on
    /// connection failures. Other requests are never re-sent silently: a POST that
    /// failed mid-way may have been applied.
    pub(super) async fn send_politely(
        &self,
        step: &Step,
        req: &HttpRequest,
        client_request_id: &str,
        actors: &crate::endpoint::ActorSet,
        warnings: &mut Vec<String>,
    ) -> Sent {
        let mut net_retries = 0;
        let mut throttled = 0;
        let mut refreshed = false;
        let mut sends = 0;
        let mut req = HttpRequest {
            method: req.method.clone(),
            url: req.url.clone(),
            headers: req.headers.clone(),
            body: req.body.clone(),
            bearer: req.bearer.clone(),
        };
        req.headers.retain(|(k, _)| k != "client-request-id");
        req.headers
            .push(("client-request-id".into(), client_request_id.to_string()));
        let expects = |code: u16| {
            step.expect
                .status
                .as_ref()
                .is_some_and(|s| s.allowed.contains(&code))
        };
        loop {
            sends += 1;
            crate::startup::first_request();
            let sent = self.http.send(&req).await;
            match &sent {
                Ok((resp, took)) => tracing::debug!(
                    "step `{}`: {} {} → {} in {} ms (send {sends})",
                    step.name,
                    req.method,
                    req.url,
                    resp.status,
                    took.as_millis()
                ),
                Err(e) => tracing::debug!(
                    "step `{}`: {} {} → {} (send {sends})",
                    step.name,
                    req.method,
                    req.url,
                    e.error
                ),
            }
            match sent {
                Ok((resp, took)) => {
                    if (resp.status == 429 || resp.status == 503) && !expects(resp.status) {
                        let value = header(&resp, "retry-after");
                        match self.throttle_wait(resp.status, value.as_deref(), throttled) {
                            Ok(wait) => {
                                throttled += 1;
                                tracing::warn!(
                                    "step `{}`: {} {} answered {} with Retry-After: {}; waiting {}s before sending it again",
                                    step.name,
                                    req.method,
                                    req.url,
                                    resp.status,
                                    value.as_deref().unwrap_or(""),
                                    wait.as_secs()
                                );
                                tokio::time::sleep(wait).await;
                                warnings.push(format!(
                                    "got {} with Retry-After: {}; waited {}s and sent the request again",
                                    resp.status,
                                    value.as_deref().unwrap_or(""),
                                    wait.as_secs()
                                ));
                                continue;
                            }
                            Err(Some(why)) => warnings.push(why),
                            Err(None) => {}
                        }
                    }
                    if resp.status == 401
                        && !refreshed
                        && matches!(step.request.auth, Auth::Actor)
                        && !expects(401)
                        && let Some(actor) = Some(step.actor.as_str())
                    {
                        refreshed = true;
                        if let Some(binding) = actors.get(actor)
                            && let Ok(Some(tok)) = self.tokens.refresh(actor, &binding.token).await
                        {
                            warnings.push("got 401; fetched a new token from the command and sent the request again".into());
                            tracing::debug!(
                                "step `{}`: 401; sending again with a new token",
                                step.name
                            );
                            req.bearer = Some(tok);
                            continue;
                        }
                    }
                    return Sent {
                        result: Ok((resp, took)),
                        sends,
                    };
                }
                Err(e)
                    if e.error.is_connect()
                        && req.method == reqwest::Method::GET
                        && net_retries < GET_RETRIES =>
                {
                    net_retries += 1;
                    warnings.push(format!("GET failed ({}); retried", e.error));
                    tracing::debug!("step `{}`: GET failed ({}); retrying", step.name, e.error);
                    tokio::time::sleep(Duration::from_millis(200 * u64::from(net_retries))).await;
                }
                Err(e) => {
                    return Sent {
                        result: Err(e),
                        sends,
                    };
                }
            }
        }
    }

    /// How long to wait before sending a throttled request again, taken from the run's
    /// budget; `Err` with the reason (a warning) when it is not sent again.
    fn throttle_wait(
        &self,
        status: u16,
        retry_after: Option<&str>,
        resent: u32,
    ) -> Result<Duration, Option<String>> {
        let Some(value) = retry_after else {
            return Err(None);
        };
        let Ok(secs) = value.trim().parse::<u64>() else {
            return Err(Some(format!(
                "got {status} with Retry-After: {}, which is not a number of seconds; not sent again",
                crate::judge::printable(value)
            )));
        };
        if resent >= MAX_THROTTLE_RESENDS {
            return Err(Some(format!(
                "got {status} with Retry-After: {secs} after sending the request {} times; not sent again",
                resent + 1
            )));
        }
        let wait = Duration::from_secs(secs);
        let Ok(mut left) = self.throttle_left.lock() else {
            return Err(None);
        };
        if wait > *left {
            return Err(Some(format!(
                "got {status} with Retry-After: {secs}, more than the {}s left of the run's --retry-after-budget; not sent again",
                left.as_secs()
            )));
        }
        *left -= wait;
        Ok(wait)
    }

    async fn build_request(
        &self,
        step: &Step,
        state: &RunState<'_>,
    ) -> Result<HttpRequest, Finding> {
        let tfail = |m: String| Finding::new(FindingKind::Template, step.request.span, m);
        let method = reqwest::Method::from_bytes(step.request.method.as_bytes())
            .map_err(|e| tfail(e.to_string()))?;
        let url = request::url_for(step, state, state.base_url).map_err(tfail)?;
        if !request::same_origin(&url, state.base_url) {
            return Err(tfail(format!(
                "`{url}` is not on the target's origin; tokens are only sent to the target"
            )));
        }
        let headers = request::headers_for(step, state).map_err(tfail)?;
        let body = request::body_for(step, state).map_err(tfail)?;
        let bearer = match &step.request.auth {
            Auth::None => None,
            Auth::Bearer(t) => Some(t.render(state).map_err(tfail)?),
            Auth::Actor => state
                .actors
                .token(&step.actor, &self.tokens)
                .await
                .map_err(|e| tfail(e.to_string()))?,
        };
        Ok(HttpRequest {
            method,
            url,
            headers,
            body,
            bearer,
        })
    }
}

fn request_record(req: &HttpRequest) -> RequestRecord<'_> {
    RequestRecord {
        method: req.method.as_str(),
        url: &req.url,
        headers: &req.headers,
        body: req.body.as_deref(),
    }
}

fn skipped_step(step: &Step, reason: &str) -> StepOutcome {
    StepOutcome {
        name: step.name.clone(),
        phase: step.phase,
        actor: step.actor.clone(),
        span: step.span,
        status: Status::Skipped(reason.to_string()),
        exchange: None,
        failures: Vec::new(),
        warnings: Vec::new(),
        checks: step.checks.clone(),
        envelope: Vec::new(),
    }
}

/// Why a step cannot run with this profile: it acts as an optional actor the profile
/// does not define, or it needs a capture of a step skipped for that reason.
fn unavailable(
    step: &Step,
    planned: &PlannedScenario,
    state: &RunState<'_>,
    lost: &HashMap<String, String>,
) -> Option<String> {
    if planned.actors.get(&step.actor).is_none() {
        return Some(format!("the profile defines no actor `{}`", step.actor));
    }
    let missing = step_missing_var(step, state)?;
    lost.get(&missing)
        .map(|why| format!("needs `{missing}`, which was not captured ({why})"))
}

fn step_missing_var(step: &Step, state: &RunState<'_>) -> Option<String> {
    let mut vars = step.request.path.vars().collect::<Vec<_>>();
    for (_, q) in &step.request.query {
        vars.extend(q.vars());
    }
    if let Some(Body::Json(t)) = &step.request.body {
        vars.extend(t.vars());
    }
    vars.into_iter()
        .find(|v| state.resolve(v).is_none())
        .map(|v| v.to_string())
}

fn response_view(resp: &HttpResponse) -> ResponseView {
    let encoding = header(resp, "content-encoding")
        .filter(|e| !e.trim().is_empty() && !e.trim().eq_ignore_ascii_case("identity"));
    let json = if resp.body.iter().all(u8::is_ascii_whitespace) {
        Ok(None)
    } else if let Some(enc) = encoding {
        // tgconform sends no Accept-Encoding, so the server owes an identity body.
        Err(crate::judge::JsonError::Encoded {
            encoding: crate::judge::printable(&enc),
        })
    } else {
        crate::judge::parse_json_strict(&resp.body).map(Some)
    };
    ResponseView {
        status: resp.status,
        headers: resp.headers.clone(),
        json,
    }
}

fn header(resp: &HttpResponse, name: &str) -> Option<String> {
    resp.headers
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
}

/// What is known of an exchange that got no complete response: the status and
/// headers when they arrived (a body too large or too slow), and how long it took.
fn exchange_without_response(
    step: &Step,
    req: &HttpRequest,
    crid: &str,
    sends: u32,
    failure: &HttpFailure,
) -> Exchange {
    let (status, headers) = match &failure.head {
        Some((status, headers)) => (Some(*status), headers.as_slice()),
        None => (None, [].as_slice()),
    };
    let header = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| crate::judge::printable(v))
    };
    Exchange {
        method: step.request.method.clone(),
        url: req.url.clone(),
        path_template: step.request.path.source().to_string(),
        status,
        request_id: header("request-id"),
        client_request_id: header("client-request-id").unwrap_or_else(|| crid.to_string()),
        date: header("date"),
        duration: failure.elapsed,
        request_body: req.body.as_ref().map(|b| crate::judge::excerpt(b)),
        response_excerpt: None,
        attempts: sends,
    }
}

/// `url` addresses the API under `base_url` (not, e.g., the mock's `/_mock/clock`).
fn under(url: &str, base_url: &str) -> bool {
    url.strip_prefix(base_url)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(['/', '?']))
}
