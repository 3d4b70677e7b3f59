use std::collections::HashMap;

use serde_json::Value;

use crate::scenario::{ActorField, Resolver, VarRef};
use crate::target::ActorSet;

/// Variables of one scenario run: vars, profile values and captures.
pub(crate) struct RunState<'a> {
    pub vars: HashMap<String, Value>,
    pub actors: &'a ActorSet,
    pub base_url: &'a str,
    pub run_id: String,
}

impl Resolver for RunState<'_> {
    fn resolve(&self, var: &VarRef) -> Option<Value> {
        match var {
            VarRef::Var(name) => self.vars.get(name).cloned(),
            VarRef::Actor { actor, field } => self.actors.get(actor).map(|a| match field {
                ActorField::TenantId => Value::String(a.tenant_id.clone()),
                ActorField::TenantName => Value::String(a.tenant_name.clone()),
            }),
            VarRef::TargetBaseUrl => Some(Value::String(self.base_url.to_string())),
            VarRef::TargetOrigin => {
                super::execute::origin(self.base_url).map(|o| Value::String(o.to_string()))
            }
            VarRef::RunId => Some(Value::String(self.run_id.clone())),
        }
    }
}
