//! `--dry-run`: what each step of a scenario would send, built by the same code as a
//! run's requests; values only a response can provide show as `{{ name }}`.

use super::request;
use super::state::{RunState, placeholder};
use crate::plan::PlannedScenario;
use crate::scenario::{Auth, Scenario, Step, VarRef};
use crate::text::encode_odata_query;

/// One step as it would be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepPreview {
    pub method: String,
    /// The URL, or why it cannot be built before the run.
    pub url: Result<String, String>,
    pub actor: String,
    pub auth: AuthPreview,
    /// The body as it would be sent (a JSON body compactly).
    pub body: Option<String>,
}

/// Which token a step would send (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthPreview {
    /// `auth: none`.
    NoToken,
    /// `auth: {bearer: …}`.
    Literal,
    /// The acting actor's token, for this tenant.
    Actor { tenant_id: String },
    /// The actor is not bound (the scenario would be skipped).
    NoActor,
}

/// Every step (teardown included) of `sc` as planned, against `base_url`.
pub fn preview(sc: &Scenario, planned: &PlannedScenario, base_url: &str) -> Vec<StepPreview> {
    let (state, _) = RunState::start(sc, planned, base_url, "dry-run".into(), true);
    sc.all_steps()
        .map(|step| StepPreview {
            method: step.request.method.clone(),
            url: request::url_for(step, &state, base_url)
                .map(|url| unescape_placeholders(step, &state, url)),
            actor: step.actor.clone(),
            auth: match (&step.request.auth, planned.actors.get(&step.actor)) {
                (Auth::None, _) => AuthPreview::NoToken,
                (Auth::Bearer(_), _) => AuthPreview::Literal,
                (Auth::Actor, Some(a)) => AuthPreview::Actor {
                    tenant_id: a.tenant_id.clone(),
                },
                (Auth::Actor, None) => AuthPreview::NoActor,
            },
            body: request::body_for(step, &state)
                .ok()
                .flatten()
                .map(|b| String::from_utf8_lossy(&b).into_owned()),
        })
        .collect()
}

/// A placeholder in the query was percent-encoded like any value; show it as written.
fn unescape_placeholders(step: &Step, state: &RunState<'_>, mut url: String) -> String {
    for (_, v) in &step.request.query {
        for var in v.vars() {
            if let VarRef::Var(name) = var
                && !state.vars.contains_key(name)
            {
                let p = placeholder(name);
                url = url.replace(&encode_odata_query(&p), &p);
            }
        }
    }
    url
}
