//! Turning loaded scenarios and a profile into runnable work: actors bound, filters
//! and safety rules applied, order fixed.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use serde_json::Value;

use crate::endpoint::{ActorSet, Profile, TargetKind, TenantSpec, bind_actors};
use crate::scenario::{LoadOptions, Need, Scenario};

/// What planning and reports need of a checked scenario: everything but its steps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioMeta {
    pub path: PathBuf,
    /// File stem: the trial name is `scenario::<stem>`.
    pub stem: String,
    pub name: String,
    pub description: String,
    pub tags: Vec<String>,
    /// Actor names the scenario needs, in declaration order.
    pub actors: Vec<String>,
    /// Actors only some steps need (`optionalActors`).
    pub optional_actors: Vec<String>,
    /// What the target must offer beyond the API (`needs:`).
    pub needs: Vec<Need>,
}

impl ScenarioMeta {
    pub fn of(s: &Scenario) -> Self {
        ScenarioMeta {
            path: s.path.clone(),
            stem: s.stem.clone(),
            name: s.name.clone(),
            description: s.description.clone(),
            tags: s.tags.clone(),
            actors: s.actors.clone(),
            optional_actors: s.optional_actors.clone(),
            needs: s.needs.clone(),
        }
    }

    pub fn has_tag(&self, tag: &str) -> bool {
        self.tags.iter().any(|t| t == tag)
    }

    pub fn needs(&self, need: Need) -> bool {
        self.needs.contains(&need)
    }
}

/// Where a planned scenario's steps come from.
#[derive(Debug, Clone)]
pub enum ScenarioSource {
    /// The checked model, kept in memory.
    Loaded(Arc<Scenario>),
    /// Only the metadata is kept; the file (`meta.path`) is read again, with these
    /// options, when the scenario runs. Large runs keep memory flat this way.
    Deferred(Arc<LoadOptions>),
}

/// One scenario file of a suite, checked: its metadata and where its steps are.
#[derive(Debug, Clone)]
pub struct SuiteScenario {
    pub meta: Arc<ScenarioMeta>,
    pub source: ScenarioSource,
}

impl SuiteScenario {
    /// A scenario kept in memory.
    pub fn loaded(s: Arc<Scenario>) -> Self {
        SuiteScenario {
            meta: Arc::new(ScenarioMeta::of(&s)),
            source: ScenarioSource::Loaded(s),
        }
    }

    /// A scenario that was checked, then dropped: it is read again when it runs.
    pub fn deferred(s: &Scenario, opts: Arc<LoadOptions>) -> Self {
        SuiteScenario {
            meta: Arc::new(ScenarioMeta::of(s)),
            source: ScenarioSource::Deferred(opts),
        }
    }

    /// The model, when it is in memory.
    pub fn model(&self) -> Option<&Arc<Scenario>> {
        match &self.source {
            ScenarioSource::Loaded(s) => Some(s),
            ScenarioSource::Deferred(_) => None,
        }
    }
}

impl From<Arc<Scenario>> for SuiteScenario {
    fn from(s: Arc<Scenario>) -> Self {
        SuiteScenario::loaded(s)
    }
}

/// One scenario ready to run (or to be reported as skipped, with the reason).
#[derive(Debug, Clone)]
pub struct PlannedScenario {
    pub scenario: SuiteScenario,
    pub actors: ActorSet,
    pub profile_vars: BTreeMap<String, Value>,
    pub skip: Option<String>,
    /// Steps with any of these tags of their own are skipped (`--skip-tag` applies to
    /// steps as well as to scenarios).
    pub skip_step_tags: Vec<String>,
}

impl PlannedScenario {
    pub fn meta(&self) -> &ScenarioMeta {
        &self.scenario.meta
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

/// Tag of scenarios that change tenant state.
pub const MUTATING: &str = "mutating";

/// Decide for one scenario. Selection by tag decides *whether it is reported at all*
/// (`None`); the target's rules decide whether it is skipped (with a reason).
pub fn plan_one(
    scenario: &SuiteScenario,
    profile: &Profile,
    kind: TargetKind,
    selection: &Selection,
) -> Option<PlannedScenario> {
    let meta = &scenario.meta;
    if !selection.tags.is_empty() && !selection.tags.iter().any(|t| meta.has_tag(t)) {
        return None;
    }
    if selection.skip_tags.iter().any(|t| meta.has_tag(t)) {
        return None;
    }
    let mut skip = meta
        .needs
        .iter()
        .find_map(|n| unmet(*n, meta, profile, kind));
    let real = kind == TargetKind::Real || profile.real == Some(true);
    if skip.is_none() && real && meta.has_tag(MUTATING) && !selection.allow_mutations {
        skip = Some(
            "mutating: the target is a real tenant; pass --allow-mutations to run it".to_string(),
        );
    }
    let actors = match bind_actors(profile, &meta.actors, &meta.optional_actors) {
        Ok(a) => a,
        Err(missing) => {
            skip.get_or_insert_with(|| missing.to_string());
            ActorSet::default()
        }
    };
    Some(PlannedScenario {
        scenario: scenario.clone(),
        actors,
        profile_vars: profile.vars.clone(),
        skip,
        skip_step_tags: selection.skip_tags.clone(),
    })
}

/// Why the target does not offer `need` to this scenario, or `None` when it does.
///
/// The embedded mock offers its clock and its tenant creation; another target offers
/// what its profile declares under `capabilities`. Fresh tenants are a matter of the
/// profile alone: `tenantId: fresh` for every actor the scenario uses, on a target
/// that is not a real tenant (a mock creates tenants on first use; Graph does not).
pub fn unmet(
    need: Need,
    meta: &ScenarioMeta,
    profile: &Profile,
    kind: TargetKind,
) -> Option<String> {
    let declared = |cap: &str| {
        kind == TargetKind::Embedded
            || profile.has_capability(cap)
            || profile.has_capability(LEGACY_MOCK_CONTROL)
    };
    let real = kind == TargetKind::Real || profile.real == Some(true);
    match need {
        Need::Clock if !declared("clock") => Some(
            "needs the mock's clock (/_mock/clock); the profile does not offer it (`capabilities: [clock]`)"
                .to_string(),
        ),
        Need::AddOnTenants if !declared("add-on-tenants") => Some(
            "needs the mock's tenant creation (/_mock/addOnTenant); the profile does not offer it (`capabilities: [add-on-tenants]`)"
                .to_string(),
        ),
        Need::FreshTenants if real => Some(
            "needs tenants that start from the defaults; a real tenant does not (only a mock creates fresh tenants)"
                .to_string(),
        ),
        Need::FreshTenants => meta
            .actors
            .iter()
            .find(|a| !is_fresh(profile, a))
            .map(|a| {
                format!(
                    "needs tenants that start from the defaults; actor `{a}` is not on a fresh tenant (`tenantId: fresh`)"
                )
            }),
        _ => None,
    }
}

/// `capabilities: [mock-control]`, the older word for every control endpoint of the mock.
pub const LEGACY_MOCK_CONTROL: &str = "mock-control";

fn is_fresh(profile: &Profile, actor: &str) -> bool {
    let Some(spec) = profile.actors.get(actor) else {
        // A missing actor skips the scenario anyway, with its own reason.
        return true;
    };
    match spec.tenant() {
        TenantSpec::Fresh => true,
        TenantSpec::Fixed(_) => false,
        TenantSpec::SameAs(other) => profile
            .actors
            .get(&other)
            .is_some_and(|o| o.tenant() == TenantSpec::Fresh),
    }
}

/// Plan every scenario, in order.
pub fn plan(
    scenarios: &[SuiteScenario],
    profile: &Profile,
    kind: TargetKind,
    selection: &Selection,
) -> Vec<PlannedScenario> {
    scenarios
        .iter()
        .filter_map(|s| plan_one(s, profile, kind, selection))
        .collect()
}

/// A deterministic shuffle (xorshift64*), so `--shuffle SEED` reproduces an order.
pub fn shuffle<T>(items: &mut [T], seed: u64) {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(needs: &[Need]) -> ScenarioMeta {
        ScenarioMeta {
            path: PathBuf::from("s.yaml"),
            stem: "s".into(),
            name: "s".into(),
            description: String::new(),
            tags: Vec::new(),
            actors: vec!["governing".into(), "reader".into()],
            optional_actors: Vec::new(),
            needs: needs.to_vec(),
        }
    }

    fn profile(text: &str) -> Profile {
        Profile::parse(std::path::Path::new("p.yaml"), text).unwrap_or_else(|e| panic!("{e}"))
    }

    const FRESH: &str = "actors:\n  governing: {tenantId: fresh, token: {env: X}}\n  reader: {sameTenantAs: governing, token: {env: Y}}\n";
    const FIXED: &str = "actors:\n  governing: {tenantId: 11111111-0000-0000-0000-000000000001, token: {env: X}}\n  reader: {sameTenantAs: governing, token: {env: Y}}\n";

    #[test]
    fn the_embedded_mock_offers_the_clock_and_tenant_creation_whatever_the_profile_says() {
        let m = meta(&[Need::Clock, Need::AddOnTenants]);
        for need in [Need::Clock, Need::AddOnTenants] {
            assert_eq!(unmet(need, &m, &profile(FIXED), TargetKind::Embedded), None);
        }
    }

    #[test]
    fn another_target_offers_only_the_capabilities_its_profile_declares() {
        let m = meta(&[Need::Clock]);
        let bare = profile(FRESH);
        let why = unmet(Need::Clock, &m, &bare, TargetKind::Loopback).unwrap_or_default();
        assert!(why.contains("capabilities: [clock]"), "{why}");
        let clock = profile(&format!("capabilities: [clock]\n{FRESH}"));
        assert_eq!(unmet(Need::Clock, &m, &clock, TargetKind::Loopback), None);
        assert!(unmet(Need::AddOnTenants, &m, &clock, TargetKind::Loopback).is_some());
        let legacy = profile(&format!("capabilities: [mock-control]\n{FRESH}"));
        assert_eq!(
            unmet(Need::AddOnTenants, &m, &legacy, TargetKind::Loopback),
            None
        );
    }

    #[test]
    fn fresh_tenants_need_every_actor_on_a_fresh_tenant_of_a_target_that_is_not_real() {
        let m = meta(&[Need::FreshTenants]);
        assert_eq!(
            unmet(
                Need::FreshTenants,
                &m,
                &profile(FRESH),
                TargetKind::Loopback
            ),
            None
        );
        let fixed = unmet(
            Need::FreshTenants,
            &m,
            &profile(FIXED),
            TargetKind::Loopback,
        );
        assert!(fixed.is_some_and(|w| w.contains("`governing`")));
        assert!(unmet(Need::FreshTenants, &m, &profile(FRESH), TargetKind::Real).is_some());
    }

    #[test]
    fn a_scenario_whose_need_is_not_offered_is_planned_as_skipped_with_the_reason() {
        let s = SuiteScenario {
            meta: Arc::new(meta(&[Need::FreshTenants])),
            source: ScenarioSource::Deferred(Arc::new(LoadOptions::default())),
        };
        let p = plan_one(
            &s,
            &profile(FIXED),
            TargetKind::Loopback,
            &Selection::default(),
        );
        let skip = p.and_then(|p| p.skip).unwrap_or_default();
        assert!(skip.contains("start from the defaults"), "{skip}");
    }

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
