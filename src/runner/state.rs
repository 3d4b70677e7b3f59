use std::collections::HashMap;

use serde_json::Value;

use crate::endpoint::ActorSet;
use crate::judge::Envelope;
use crate::plan::PlannedScenario;
use crate::scenario::{ActorField, Resolver, Scenario, VarRef};

/// Variables of one scenario run: vars, profile values and captures.
pub(crate) struct RunState<'a> {
    pub vars: HashMap<String, Value>,
    pub actors: &'a ActorSet,
    pub base_url: &'a str,
    pub run_id: String,
    /// A dry run: a variable that is not known before any request (a capture)
    /// renders as `{{ name }}` instead of failing.
    pub placeholders: bool,
    /// The envelope checks of this run (the tag selection switches inferred ones off).
    pub envelope: Envelope,
}

impl<'a> RunState<'a> {
    /// The state before the first step: the scenario's `vars`, then the profile's
    /// values over them (this is how real tenants supply fixtures). Variables that do
    /// not render are returned as warnings.
    pub fn start(
        sc: &Scenario,
        planned: &'a PlannedScenario,
        base_url: &'a str,
        run_id: String,
        placeholders: bool,
    ) -> (Self, Vec<String>) {
        let mut state = RunState {
            vars: HashMap::new(),
            actors: &planned.actors,
            base_url,
            run_id,
            placeholders,
            envelope: Envelope::for_skip_tags(&planned.skip_step_tags),
        };
        let mut warnings = Vec::new();
        for (name, tpl) in &sc.vars {
            match tpl.render(&state) {
                Ok(v) => {
                    state.vars.insert(name.clone(), v);
                }
                Err(e) => warnings.push(format!("variable `{name}`: {e}")),
            }
        }
        for (k, v) in &planned.profile_vars {
            state.vars.insert(k.clone(), v.clone());
        }
        (state, warnings)
    }
}

/// What a dry run shows for a variable only a response can provide.
pub(crate) fn placeholder(name: &str) -> String {
    format!("{{{{ {name} }}}}")
}

impl Resolver for RunState<'_> {
    fn resolve(&self, var: &VarRef) -> Option<Value> {
        match var {
            VarRef::Var(name) => self
                .vars
                .get(name)
                .cloned()
                .or_else(|| self.placeholders.then(|| Value::String(placeholder(name)))),
            VarRef::Actor { actor, field } => self.actors.get(actor).map(|a| match field {
                ActorField::TenantId => Value::String(a.tenant_id.clone()),
                ActorField::TenantName => Value::String(a.tenant_name.clone()),
            }),
            VarRef::TargetBaseUrl => Some(Value::String(self.base_url.to_string())),
            VarRef::TargetOrigin => {
                super::request::origin(self.base_url).map(|o| Value::String(o.to_string()))
            }
            VarRef::RunId => Some(Value::String(self.run_id.clone())),
        }
    }
}
