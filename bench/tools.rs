//! Bench helpers (not part of the product): the same flows as the suite, written for
//! the tools tgconform is compared with. Built as a Cargo example so it uses the
//! library's loader and sees the scenarios exactly as tgconform does.
//!
//! ```text
//! cargo run --release --example bench-tools -- hurl  --scenarios scenarios --base URL --out DIR
//! cargo run --release --example bench-tools -- loop  --scenarios scenarios --base URL --jobs N
//! ```
//!
//! `hurl` writes one `.hurl` file per scenario, with fresh tenants and mock tokens
//! baked in (Hurl cannot mint them), so every call needs a fresh directory.
//! `loop` is the floor: one reqwest client replaying the same requests with the same
//! captures and status checks and nothing else (no schemas, matchers or reports).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;
use tgconform::endpoint::{ActorSet, Profile, bind_actors};
use tgconform::scenario::{
    self, ActorField, Auth, Body, LoadOptions, MatcherKind, Resolver, Scenario, Step, VarRef,
};

type Res<T> = Result<T, String>;

/// Wraps a capture's name where the Hurl files need a `{{name}}` (see `unmark`).
const MARK: char = '\u{1}';

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let code = match run(&args) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("bench-tools: {e}");
            2
        }
    };
    std::process::exit(code);
}

fn flag(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn run(args: &[String]) -> Res<()> {
    let cmd = args.first().map(String::as_str).unwrap_or("");
    let dir = PathBuf::from(flag(args, "--scenarios").unwrap_or_else(|| "scenarios".into()));
    let base = flag(args, "--base").ok_or("--base URL is required")?;
    let base = base.trim_end_matches('/').to_string();
    let scenarios = load(&dir)?;
    match cmd {
        "hurl" => {
            let out = PathBuf::from(flag(args, "--out").ok_or("--out DIR is required")?);
            write_hurl(&scenarios, &base, &out)
        }
        "loop" => {
            let jobs: usize = flag(args, "--jobs")
                .unwrap_or_else(|| "2".into())
                .parse()
                .map_err(|e| format!("--jobs: {e}"))?;
            replay(scenarios, &base, jobs)
        }
        _ => Err(
            "usage: bench-tools hurl|loop --scenarios DIR --base URL [--out DIR] [--jobs N]".into(),
        ),
    }
}

fn load(dir: &Path) -> Res<Vec<Arc<Scenario>>> {
    let opts = LoadOptions::default();
    scenario::discover(dir)
        .map_err(|e| e.to_string())?
        .iter()
        .map(|p| {
            scenario::load_file(p, &opts)
                .map(Arc::new)
                .map_err(|e| e.to_string())
        })
        .collect()
}

fn actors_for(s: &Scenario) -> Res<ActorSet> {
    bind_actors(&Profile::builtin(), &s.actors, &s.optional_actors)
        .map_err(|a| format!("{}: the built-in profile has no actor `{a}`", s.stem))
}

/// Values known before the run; captures come from `vars` (or stay Hurl variables).
struct Ctx<'a> {
    actors: &'a ActorSet,
    base: &'a str,
    vars: HashMap<String, Value>,
    /// For Hurl: unknown names render as `{{name}}` for Hurl to fill in.
    hurl: bool,
}

impl Resolver for Ctx<'_> {
    fn resolve(&self, var: &VarRef) -> Option<Value> {
        match var {
            VarRef::Var(n) => self
                .vars
                .get(n)
                .cloned()
                .or_else(|| self.hurl.then(|| Value::String(format!("{MARK}{n}{MARK}")))),
            VarRef::Actor { actor, field } => self.actors.get(actor).map(|a| {
                Value::String(match field {
                    ActorField::TenantId => a.tenant_id.clone(),
                    ActorField::TenantName => a.tenant_name.clone(),
                })
            }),
            VarRef::TargetBaseUrl => Some(Value::String(self.base.to_string())),
            VarRef::TargetOrigin => Some(Value::String(origin(self.base).to_string())),
            VarRef::RunId => Some(Value::String("bench".into())),
        }
    }
}

fn origin(url: &str) -> &str {
    let after = url.find("://").map(|i| i + 3).unwrap_or(0);
    match url[after..].find('/') {
        Some(i) => &url[..after + i],
        None => url,
    }
}

fn url_of(step: &Step, ctx: &Ctx) -> Res<String> {
    let path = step.request.path.render(ctx)?;
    // A path that is a captured value (a nextLink) is an absolute URL.
    let absolute = path.starts_with(MARK);
    let mut url = if absolute || path.starts_with("http://") || path.starts_with("https://") {
        path
    } else {
        format!("{}{}", ctx.base, path)
    };
    if !ctx.hurl {
        for (i, (k, v)) in step.request.query.iter().enumerate() {
            url.push(if i == 0 { '?' } else { '&' });
            let _ = write!(url, "{}={}", enc(k), enc(&v.render(ctx)?));
        }
    }
    Ok(url)
}

fn enc(s: &str) -> String {
    tgconform::text::encode_odata_query(s)
}

fn body_of(step: &Step, ctx: &Ctx) -> Res<Option<String>> {
    Ok(match &step.request.body {
        None => None,
        Some(Body::Json(v)) => Some(v.render(ctx)?.to_string()),
        Some(Body::Raw(t)) => Some(t.render(ctx)?),
    })
}

fn token_of(step: &Step, actors: &ActorSet, ctx: &Ctx) -> Res<Option<String>> {
    Ok(match &step.request.auth {
        Auth::None => None,
        Auth::Bearer(t) => Some(t.render(ctx)?),
        Auth::Actor => actors.get(&step.actor).and_then(|a| a.minted.clone()),
    })
}

/// A capture's JSONPath with its placeholders filled in (e.g. a filter on a tenant id).
fn capture_source(c: &scenario::Capture, ctx: &Ctx) -> Res<String> {
    if !c.source.contains("{{") {
        return Ok(c.source.clone());
    }
    scenario::Template::parse(&c.source)
        .map_err(|e| e.to_string())?
        .render(ctx)
}

fn scenario_vars(s: &Scenario, ctx: &mut Ctx) -> Res<()> {
    for (name, v) in &s.vars {
        let value = v.render(&*ctx)?;
        ctx.vars.insert(name.clone(), value);
    }
    Ok(())
}

// ---------------------------------------------------------------------------- Hurl

fn write_hurl(scenarios: &[Arc<Scenario>], base: &str, out: &Path) -> Res<()> {
    std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    // Hurl needs to know whether `{{x}}` in a JSON body or a predicate is a string: run
    // each flow once with the bare loop and note the type of every capture.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let client = reqwest::Client::new();
    let counter = AtomicUsize::new(0);
    let (mut asserts, mut skipped) = (0usize, 0usize);
    for s in scenarios {
        let actors = actors_for(s)?;
        let mut ctx = Ctx {
            actors: &actors,
            base,
            vars: HashMap::new(),
            hurl: true,
        };
        scenario_vars(s, &mut ctx)?;
        let captured = rt
            .block_on(replay_one(&client, s, base, &counter))
            .map_err(|e| format!("{}: probing capture types: {e}", s.stem))?;
        let mut text = format!("# {}\n\n", s.name);
        for step in s.all_steps() {
            let (a, k) = hurl_step(step, &actors, &ctx, &mut text)
                .map_err(|e| format!("{} / {}: {e}", s.stem, step.name))?;
            asserts += a;
            skipped += k;
        }
        let text = unmark(&text, &captured);
        let file = out.join(format!("{}.hurl", s.stem));
        std::fs::write(&file, text).map_err(|e| format!("{}: {e}", file.display()))?;
    }
    eprintln!(
        "bench-tools: {} Hurl files, {asserts} assertions written, {skipped} not expressible in Hurl (schemas, date offsets, object equality, items across pages)",
        scenarios.len()
    );
    Ok(())
}

/// Replace capture markers by Hurl variables: a marker that is a whole JSON string or a
/// whole quoted predicate value becomes `{{x}}` (typed by Hurl) unless the capture is a
/// string; inside a longer string it is `{{x}}` in place.
fn unmark(text: &str, captured: &HashMap<String, Value>) -> String {
    let mut out = text.to_string();
    for (name, value) in captured {
        let raw = format!("{MARK}{name}{MARK}");
        let escaped = format!("\\u0001{name}\\u0001");
        let var = format!("{{{{{name}}}}}");
        if !value.is_string() {
            out = out.replace(&format!("\"{raw}\""), &var);
            out = out.replace(&format!("\"{escaped}\""), &var);
        }
        out = out.replace(&raw, &var).replace(&escaped, &var);
    }
    out
}

/// Hurl's JSONPath takes filters in the `[?(…)]` form.
fn hurl_path(p: &str) -> String {
    let mut out = String::new();
    let mut rest = p;
    while let Some(i) = rest.find("[?") {
        out.push_str(&rest[..i]);
        let tail = &rest[i + 2..];
        let end = tail.find(']').unwrap_or(tail.len());
        let expr = &tail[..end];
        if expr.starts_with('(') {
            let _ = write!(out, "[?{expr}]");
        } else {
            let _ = write!(out, "[?({expr})]");
        }
        rest = tail.get(end + 1..).unwrap_or("");
    }
    out.push_str(rest);
    out
}

fn is_multi(p: &str) -> bool {
    p.contains("[?") || p.contains("..") || p.contains('*')
}

fn quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn hurl_literal(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(quote(s)),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Null => Some("null".into()),
        _ => None,
    }
}

fn hurl_step(step: &Step, actors: &ActorSet, ctx: &Ctx, out: &mut String) -> Res<(usize, usize)> {
    let _ = writeln!(out, "# {}", step.name);
    let _ = writeln!(out, "{} {}", step.request.method, url_of(step, ctx)?);
    if let Some(t) = token_of(step, actors, ctx)? {
        let _ = writeln!(out, "Authorization: Bearer {t}");
    }
    let mut has_ct = false;
    for (k, v) in &step.request.headers {
        has_ct |= k.eq_ignore_ascii_case("content-type");
        let _ = writeln!(out, "{k}: {}", v.render(ctx)?);
    }
    let body = body_of(step, ctx)?;
    if body.is_some() && !has_ct {
        let _ = writeln!(out, "Content-Type: application/json");
    }
    if !step.request.query.is_empty() {
        let _ = writeln!(out, "[Query]");
        for (k, v) in &step.request.query {
            let _ = writeln!(out, "{k}: {}", v.render(ctx)?);
        }
    }
    if let Some(r) = &step.retry {
        let _ = writeln!(
            out,
            "[Options]\nretry: {}\nretry-interval: {}",
            r.attempts.saturating_sub(1),
            r.delay.as_millis()
        );
    }
    if let Some(b) = body {
        let _ = writeln!(out, "```\n{b}\n```");
    }
    let (mut n, mut skipped) = (0, 0);
    let statuses = step
        .expect
        .status
        .as_ref()
        .map(|s| s.allowed.clone())
        .unwrap_or_default();
    let mut asserts = String::new();
    match statuses.as_slice() {
        [one] => {
            let _ = writeln!(out, "HTTP {one}");
            n += 1;
        }
        [] => {
            let _ = writeln!(out, "HTTP *");
        }
        many => {
            let _ = writeln!(out, "HTTP *");
            let list: Vec<String> = many.iter().map(u16::to_string).collect();
            let _ = writeln!(
                asserts,
                "status toString matches \"^({})$\"",
                list.join("|")
            );
            n += 1;
        }
    }
    if step.expect.schema.is_some() {
        skipped += 1;
    }
    for a in &step.expect.json {
        // A `paging:` step judges the items of every page; Hurl cannot follow
        // `@odata.nextLink` in a loop, so it sends the first page and checks the status.
        if step.paging.is_some() {
            skipped += a.matchers.len();
            continue;
        }
        let p = hurl_path(a.target.render(ctx)?.as_str());
        for m in &a.matchers {
            let pred = match &m.kind {
                MatcherKind::Equals(v) => hurl_literal(&v.render(ctx)?).map(|l| format!("== {l}")),
                MatcherKind::NotEquals(v) => {
                    hurl_literal(&v.render(ctx)?).map(|l| format!("!= {l}"))
                }
                MatcherKind::Regex(r) => Some(format!("matches {}", quote(r.as_str()))),
                MatcherKind::Exists => Some("exists".into()),
                MatcherKind::Absent => Some("not exists".into()),
                // Hurl unwraps a one-node result, so node counts 0 and 1 become
                // (not) exists.
                MatcherKind::Count(0) => Some("not exists".into()),
                MatcherKind::Count(1) if is_multi(&p) => Some("exists".into()),
                MatcherKind::Count(c) if is_multi(&p) => Some(format!("count == {c}")),
                MatcherKind::Length(c) => Some(format!("count == {c}")),
                MatcherKind::NonEmpty => Some("not isEmpty".into()),
                MatcherKind::Type(t) => match t.name() {
                    "string" => Some("isString".into()),
                    "integer" => Some("isInteger".into()),
                    "number" => Some("isNumber".into()),
                    "boolean" => Some("isBoolean".into()),
                    "array" => Some("isList".into()),
                    "object" => Some("isObject".into()),
                    _ => None,
                },
                _ => None,
            };
            match pred {
                Some(pred) => {
                    // Hurl unwraps a one-node result itself, so no `nth 0` here.
                    let _ = writeln!(asserts, "jsonpath {} {pred}", quote(&p));
                    n += 1;
                }
                None => skipped += 1,
            }
        }
    }
    for a in &step.expect.headers {
        let name = a.target.render(ctx)?;
        for m in &a.matchers {
            let pred = match &m.kind {
                MatcherKind::Exists => Some("exists".to_string()),
                MatcherKind::Absent => Some("not exists".into()),
                MatcherKind::Equals(v) => hurl_literal(&v.render(ctx)?).map(|l| format!("== {l}")),
                MatcherKind::Regex(r) => Some(format!("matches {}", quote(r.as_str()))),
                _ => None,
            };
            match pred {
                Some(pred) => {
                    let _ = writeln!(asserts, "header {} {pred}", quote(&name));
                    n += 1;
                }
                None => skipped += 1,
            }
        }
    }
    if !step.captures.is_empty() {
        let _ = writeln!(out, "[Captures]");
        for c in &step.captures {
            let p = hurl_path(&capture_source(c, ctx)?);
            let _ = writeln!(out, "{}: jsonpath {}", c.name, quote(&p));
        }
    }
    if !asserts.is_empty() {
        let _ = writeln!(out, "[Asserts]\n{asserts}");
    }
    out.push('\n');
    Ok((n, skipped))
}

// ---------------------------------------------------------------------------- loop

fn replay(scenarios: Vec<Arc<Scenario>>, base: &str, jobs: usize) -> Res<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(jobs.clamp(1, 16))
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| e.to_string())?;
    let next = Arc::new(AtomicUsize::new(0));
    let failures = Arc::new(AtomicUsize::new(0));
    let requests = Arc::new(AtomicUsize::new(0));
    let scenarios = Arc::new(scenarios);
    let started = std::time::Instant::now();
    rt.block_on(async {
        let mut handles = Vec::new();
        for _ in 0..jobs.max(1) {
            let (client, next, failures, requests, scenarios, base) = (
                client.clone(),
                next.clone(),
                failures.clone(),
                requests.clone(),
                scenarios.clone(),
                base.to_string(),
            );
            handles.push(tokio::spawn(async move {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(s) = scenarios.get(i) else { break };
                    if let Err(e) = replay_one(&client, s, &base, &requests).await.map(drop) {
                        failures.fetch_add(1, Ordering::Relaxed);
                        eprintln!("FAIL {}: {e}", s.stem);
                    }
                }
            }));
        }
        for h in handles {
            let _ = h.await;
        }
    });
    let failed = failures.load(Ordering::Relaxed);
    eprintln!(
        "bench-tools loop: {} scenarios, {} requests, {failed} failed, {:.3}s",
        scenarios.len(),
        requests.load(Ordering::Relaxed),
        started.elapsed().as_secs_f64()
    );
    if failed > 0 {
        return Err(format!("{failed} scenario(s) failed"));
    }
    Ok(())
}

async fn replay_one(
    client: &reqwest::Client,
    s: &Scenario,
    base: &str,
    requests: &AtomicUsize,
) -> Res<HashMap<String, Value>> {
    let actors = actors_for(s)?;
    let mut ctx = Ctx {
        actors: &actors,
        base,
        vars: HashMap::new(),
        hurl: false,
    };
    scenario_vars(s, &mut ctx)?;
    for step in s.all_steps() {
        let url = url_of(step, &ctx)?;
        let method = reqwest::Method::from_bytes(step.request.method.as_bytes())
            .map_err(|e| e.to_string())?;
        let mut req = client.request(method, &url);
        if let Some(t) = token_of(step, &actors, &ctx)? {
            req = req.bearer_auth(t);
        }
        let mut has_ct = false;
        for (k, v) in &step.request.headers {
            has_ct |= k.eq_ignore_ascii_case("content-type");
            req = req.header(k.as_str(), v.render(&ctx)?);
        }
        if let Some(b) = body_of(step, &ctx)? {
            if !has_ct {
                req = req.header("content-type", "application/json");
            }
            req = req.body(b);
        }
        requests.fetch_add(1, Ordering::Relaxed);
        let resp = req
            .send()
            .await
            .map_err(|e| format!("{}: {e}", step.name))?;
        let status = resp.status().as_u16();
        let bytes = resp
            .bytes()
            .await
            .map_err(|e| format!("{}: {e}", step.name))?;
        if let Some(spec) = &step.expect.status
            && !spec.allowed.contains(&status)
        {
            return Err(format!("{}: status {status}", step.name));
        }
        if !step.captures.is_empty() {
            let body: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
            for c in &step.captures {
                let found = if c.source.contains("{{") {
                    let source = capture_source(c, &ctx)?;
                    let path = serde_json_path::JsonPath::parse(&source)
                        .map_err(|e| format!("{}: {e}", c.name))?;
                    path.query(&body).first().cloned()
                } else {
                    c.path.query(&body).first().cloned()
                };
                if let Some(v) = found {
                    ctx.vars.insert(c.name.clone(), v.clone());
                }
            }
        }
    }
    Ok(ctx.vars)
}
