//! Actors whose token the target refuses: when the first [`REFUSED_AFTER`] answers to
//! requests that carried an actor's own token are all 401, the token is wrong or
//! expired, and every later scenario of that actor would fail the same way. The run
//! says so once and skips the actor's scenarios that have not started.
//!
//! Only steps sent with the actor's own token count (`request.auth` left as it is):
//! a step that sends no token or a literal one (`auth: none`, `auth: {bearer: …}`,
//! as `authentication-required` does) expects its 401. Counting stops at the first
//! answer that is not 401: an actor whose token once worked is never stopped here.
//! Scenarios already running when the limit is reached finish as they are.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::endpoint::{ActorSet, TokenSpec};
use crate::runner::StepRecord;
use crate::scenario::Auth;

/// How many answers, all 401, to an actor's own token stop its scenarios. More than
/// one, so one stray 401 stops nothing; few, so a bad token costs a few failures, not
/// a screenful per scenario.
pub const REFUSED_AFTER: usize = 3;

/// What is known of each actor's token so far.
#[derive(Default)]
pub(crate) struct RefusedActors {
    actors: Mutex<HashMap<String, Tally>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tally {
    /// This many answers so far, every one a 401.
    AllRefused(usize),
    /// An answer was not 401: the token works.
    Accepted,
    /// [`REFUSED_AFTER`] answers, every one a 401.
    Refused,
}

impl RefusedActors {
    /// Count one finished step; `Some(actor)` when this answer makes the actor refused
    /// (once per actor).
    pub fn note(&self, record: &StepRecord<'_>) -> Option<String> {
        if !matches!(record.step.request.auth, Auth::Actor) {
            return None;
        }
        let status = record.response?.status;
        let mut actors = self.actors.lock().ok()?;
        let tally = actors
            .entry(record.step.actor.clone())
            .or_insert(Tally::AllRefused(0));
        match (*tally, status) {
            (Tally::AllRefused(n), 401) if n + 1 >= REFUSED_AFTER => {
                *tally = Tally::Refused;
                Some(record.step.actor.clone())
            }
            (Tally::AllRefused(n), 401) => {
                *tally = Tally::AllRefused(n + 1);
                None
            }
            (Tally::AllRefused(_), _) => {
                *tally = Tally::Accepted;
                None
            }
            (Tally::Accepted | Tally::Refused, _) => None,
        }
    }

    /// The first refused actor of `actors`, if any.
    pub fn refused_of<'a>(&self, actors: &'a ActorSet) -> Option<&'a str> {
        let known = self.actors.lock().ok()?;
        actors
            .actors
            .keys()
            .find(|a| known.get(a.as_str()) == Some(&Tally::Refused))
            .map(String::as_str)
    }
}

/// Where the actor's token comes from, to check; never the token itself.
pub(crate) fn token_source(spec: Option<&TokenSpec>) -> String {
    match spec {
        Some(TokenSpec::Env(var)) => format!("the environment variable `{var}` of its `token: {{env: …}}`"),
        Some(TokenSpec::Command(cmd)) => format!("the output of its `token: {{command: …}}`, `{cmd}`"),
        Some(TokenSpec::Mock(_)) => "its `token: {mock: …}`: a mock token, which only mocks that follow the mock-token convention accept (real tenants need `env:` or `command:`)".to_string(),
        None => "its `token:` in the profile".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runner::{ResponseRecord, StepOutcome};
    use crate::scenario::{Scenario, Step};

    fn scenario_with(auth: &str) -> Scenario {
        let text = format!(
            "name: s\nactors: [governing]\nsteps:\n  - name: read\n    as: governing\n    request: {{method: GET, path: /x{auth}}}\n    expect: {{status: 200}}\n"
        );
        crate::scenario::load_str(
            std::path::Path::new("s.yaml"),
            &text,
            &crate::scenario::LoadOptions::default(),
        )
        .unwrap_or_else(|e| panic!("{e}"))
    }

    /// `note` for one answer of `status` to the scenario's only step.
    fn answer(watch: &RefusedActors, sc: &Scenario, status: u16) -> Option<String> {
        let step: &Step = &sc.steps[0];
        let outcome = StepOutcome {
            name: step.name.clone(),
            phase: step.phase,
            actor: step.actor.clone(),
            span: step.span,
            status: crate::runner::Status::Passed,
            exchange: None,
            failures: Vec::new(),
            warnings: Vec::new(),
            checks: Vec::new(),
            envelope: Vec::new(),
        };
        let record = StepRecord {
            scenario: sc,
            step,
            outcome: &outcome,
            request: None,
            response: Some(ResponseRecord {
                status,
                headers: &[],
                body: &[],
                json: None,
            }),
        };
        watch.note(&record)
    }

    #[test]
    fn the_third_401_to_an_actors_own_token_refuses_it_once() {
        let sc = scenario_with("");
        let watch = RefusedActors::default();
        let said: Vec<Option<String>> = (0..4).map(|_| answer(&watch, &sc, 401)).collect();
        assert_eq!(said, vec![None, None, Some("governing".to_string()), None]);
    }

    #[test]
    fn an_answer_other_than_401_first_means_the_token_works() {
        let sc = scenario_with("");
        let watch = RefusedActors::default();
        answer(&watch, &sc, 200);
        let said: Vec<Option<String>> = (0..4).map(|_| answer(&watch, &sc, 401)).collect();
        assert_eq!(said, vec![None; 4]);
    }

    #[test]
    fn answers_to_steps_without_the_actors_token_do_not_count() {
        let watch = RefusedActors::default();
        for auth in [", auth: none", ", auth: {bearer: not-a-jwt}"] {
            let sc = scenario_with(auth);
            for _ in 0..REFUSED_AFTER {
                assert_eq!(answer(&watch, &sc, 401), None, "{auth}");
            }
        }
    }
}
