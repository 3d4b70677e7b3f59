//! Turning loaded scenarios and a profile into runnable work: actors bound, filters
//! and safety rules applied, order fixed.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::Value;

use crate::scenario::{LoadOptions, Scenario};
use crate::target::{ActorSet, Profile, TargetKind, bind_actors};

/// One scenario ready to run (or to be reported as skipped, with the reason).
#[derive(Debug, Clone)]
pub struct PlannedScenario {
    pub scenario: Arc<Scenario>,
    pub actors: ActorSet,
    pub profile_vars: BTreeMap<String, Value>,
    pub skip: Option<String>,
    /// `Some`: `scenario` holds only metadata (see [`metadata_only`]); the file is read
    /// again, with these options, when the scenario runs. Large runs keep memory flat.
    pub reload: Option<Arc<LoadOptions>>,
}

/// What planning and reports need of a checked scenario: everything but its steps.
pub fn metadata_only(s: &Scenario) -> Scenario {
    Scenario {
        path: s.path.clone(),
        stem: s.stem.clone(),
        name: s.name.clone(),
        description: s.description.clone(),
        tags: s.tags.clone(),
        actors: s.actors.clone(),
        vars: Vec::new(),
        steps: Vec::new(),
        teardown: Vec::new(),
        redactions: Vec::new(),
        snapshot_mode: s.snapshot_mode,
    }
}

/// Which scenarios to run and under which rules.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Run only scenarios with at least one of these tags (empty: all).
    pub tags: Vec<String>,
    /// Skip scenarios with any of these tags.
    pub skip_tags: Vec<String>,
    /// Consent to scenarios tagged `mutating` against a real target.
    pub allow_mutations: bool,
}

/// Tag of scenarios that need the mock's control endpoints (`/_mock/clock`).
pub const MOCK_ONLY: &str = "mock-only";
/// Tag of scenarios that change tenant state.
pub const MUTATING: &str = "mutating";

/// Decide for one scenario. Selection by tag decides *whether it is reported at all*
/// (`None`); the target's rules decide whether it is skipped (with a reason).
pub fn plan_one(
    scenario: &Arc<Scenario>,
    profile: &Profile,
    kind: TargetKind,
    selection: &Selection,
) -> Option<PlannedScenario> {
    if !selection.tags.is_empty() && !selection.tags.iter().any(|t| scenario.has_tag(t)) {
        return None;
    }
    if selection.skip_tags.iter().any(|t| scenario.has_tag(t)) {
        return None;
    }
    let mut skip = None;
    if scenario.has_tag(MOCK_ONLY)
        && kind != TargetKind::Embedded
        && !profile.has_capability("mock-control")
    {
        skip = Some("mock-only: needs the mock control endpoints (/_mock/clock); the profile does not declare `capabilities: [mock-control]`".to_string());
    }
    let real = kind == TargetKind::Real || profile.real == Some(true);
    if skip.is_none() && real && scenario.has_tag(MUTATING) && !selection.allow_mutations {
        skip = Some(
            "mutating: the target is a real tenant; pass --allow-mutations to run it".to_string(),
        );
    }
    let actors = match bind_actors(profile, &scenario.actors) {
        Ok(a) => a,
        Err(missing) => {
            skip.get_or_insert_with(|| format!("the profile defines no actor `{missing}`"));
            ActorSet::default()
        }
    };
    Some(PlannedScenario {
        scenario: scenario.clone(),
        actors,
        profile_vars: profile.vars.clone(),
        skip,
        reload: None,
    })
}

/// Plan every scenario, in order.
pub fn plan(
    scenarios: &[Arc<Scenario>],
    profile: &Profile,
    kind: TargetKind,
    selection: &Selection,
) -> Vec<PlannedScenario> {
    scenarios
        .iter()
        .filter_map(|s| plan_one(s, profile, kind, selection))
        .collect()
}
