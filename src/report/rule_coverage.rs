//! Rule coverage: which rules of the catalogue a run checked with a passing assertion.
//!
//! A step names the rules its assertions check (`checks:`). A rule counts as checked
//! when a step naming it *passed*: its status expectation, matchers and schema check
//! all held against a real response. Traffic alone proves nothing, so a skipped or
//! failed step, a teardown step, or a step that never got a response does not count.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::contract::rules::{Catalogue, Evidence};
use crate::runner::{Status, StepRecord};
use crate::scenario::StepPhase;

/// What rule coverage needs of one finished step.
#[derive(Debug, Clone, Copy)]
pub struct StepChecks<'a> {
    pub scenario: &'a str,
    pub checks: &'a [String],
    /// Rules the Graph envelope checked on the step's responses and found held.
    pub envelope: &'a [String],
    /// Passed with a response in hand (not skipped, not failed).
    pub passed: bool,
}

impl<'a> StepChecks<'a> {
    /// The part of a step record that rule coverage looks at.
    pub fn of(record: &StepRecord<'a>) -> StepChecks<'a> {
        StepChecks {
            scenario: &record.scenario.stem,
            checks: &record.step.checks,
            envelope: &record.outcome.envelope,
            passed: record.outcome.status == Status::Passed
                && record.step.phase == StepPhase::Main
                && record.response.is_some(),
        }
    }
}

/// One rule and whether this run checked it.
#[derive(Debug, Clone, Serialize)]
pub struct RuleStatus {
    pub id: String,
    pub evidence: Evidence,
    /// Scenarios (file stems) with a passing step that checks the rule.
    pub checked_by: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waived: Option<String>,
}

/// Counts for one kind of evidence.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct EvidenceCounts {
    pub total: usize,
    pub checked: usize,
    pub waived: usize,
    pub unchecked: usize,
}

/// Rule coverage of a run.
#[derive(Debug, Clone, Serialize)]
pub struct RuleCoverage {
    pub total: usize,
    pub checked: usize,
    pub documented: EvidenceCounts,
    pub platform: EvidenceCounts,
    pub example: EvidenceCounts,
    pub inferred: EvidenceCounts,
    /// Every rule, in catalogue order.
    pub rules: Vec<RuleStatus>,
    /// Ids of the rules not checked in this run (waived ones left out), by evidence.
    pub unchecked: BTreeMap<Evidence, Vec<String>>,
}

impl RuleCoverage {
    pub fn counts(&self, e: Evidence) -> EvidenceCounts {
        match e {
            Evidence::Documented => self.documented,
            Evidence::Platform => self.platform,
            Evidence::Example => self.example,
            Evidence::Inferred => self.inferred,
        }
    }
}

/// Rule coverage of the steps of a run, against a catalogue. Ids a step names that
/// the catalogue does not know (the loader refuses them) are ignored.
pub fn rule_coverage<'a>(
    catalogue: &Catalogue,
    steps: impl IntoIterator<Item = StepChecks<'a>>,
) -> RuleCoverage {
    let mut by: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for s in steps.into_iter().filter(|s| s.passed) {
        for id in s.checks.iter().chain(s.envelope) {
            by.entry(id.as_str()).or_default().insert(s.scenario);
        }
    }
    let mut counts: BTreeMap<Evidence, EvidenceCounts> = BTreeMap::new();
    let mut unchecked: BTreeMap<Evidence, Vec<String>> = BTreeMap::new();
    let mut rules = Vec::with_capacity(catalogue.rules.len());
    for r in &catalogue.rules {
        let checked_by: Vec<String> = by
            .get(r.id.as_str())
            .map(|s| s.iter().map(|x| x.to_string()).collect())
            .unwrap_or_default();
        let c = counts.entry(r.evidence).or_default();
        c.total += 1;
        if !checked_by.is_empty() {
            c.checked += 1;
        } else if r.waived.is_some() {
            c.waived += 1;
        } else {
            c.unchecked += 1;
            unchecked.entry(r.evidence).or_default().push(r.id.clone());
        }
        rules.push(RuleStatus {
            id: r.id.clone(),
            evidence: r.evidence,
            checked_by,
            waived: r.waived.clone(),
        });
    }
    let get = |e| counts.get(&e).copied().unwrap_or_default();
    RuleCoverage {
        total: rules.len(),
        checked: rules.iter().filter(|r| !r.checked_by.is_empty()).count(),
        documented: get(Evidence::Documented),
        platform: get(Evidence::Platform),
        example: get(Evidence::Example),
        inferred: get(Evidence::Inferred),
        rules,
        unchecked,
    }
}

/// Accumulates what rule coverage needs, step by step (no body is kept).
#[derive(Debug, Default)]
pub struct RuleCoverageCollector {
    /// (scenario stem, rule ids) of every passing main step that names rules.
    passed: Vec<(String, Vec<String>)>,
}

impl RuleCoverageCollector {
    pub fn observe(&mut self, record: &StepRecord<'_>) {
        let s = StepChecks::of(record);
        if s.passed && !(s.checks.is_empty() && s.envelope.is_empty()) {
            let ids = s.checks.iter().chain(s.envelope).cloned().collect();
            self.passed.push((s.scenario.to_string(), ids));
        }
    }

    pub fn coverage(&self, catalogue: &Catalogue) -> RuleCoverage {
        rule_coverage(
            catalogue,
            self.passed.iter().map(|(scenario, checks)| StepChecks {
                scenario,
                checks,
                envelope: &[],
                passed: true,
            }),
        )
    }
}

/// The rule coverage as console text: counts, then the unchecked ids by evidence.
pub fn rule_coverage_table(c: &RuleCoverage) -> String {
    let mut out = format!(
        "Rules checked by a passing assertion: {}/{} (docs/contract.md)\n",
        c.checked, c.total
    );
    for e in Evidence::ALL {
        let n = c.counts(e);
        out.push_str(&format!(
            "  {:<11} {:>3}/{:<3} checked, {} waived, {} not checked\n",
            e.name(),
            n.checked,
            n.total,
            n.waived,
            n.unchecked
        ));
    }
    for e in Evidence::ALL {
        let Some(ids) = c.unchecked.get(&e).filter(|ids| !ids.is_empty()) else {
            continue;
        };
        out.push_str(&format!(
            "\nNot checked in this run, {} ({}):\n",
            e.name(),
            ids.len()
        ));
        out.push_str(&wrap(ids, 100, "  "));
    }
    out
}

/// Ids joined by ", ", broken into lines of at most `width` characters.
fn wrap(ids: &[String], width: usize, indent: &str) -> String {
    let mut out = String::new();
    let mut line = String::from(indent);
    for (i, id) in ids.iter().enumerate() {
        let piece = if i + 1 < ids.len() {
            format!("{id}, ")
        } else {
            id.clone()
        };
        if line.len() > indent.len() && line.len() + piece.trim_end().len() > width {
            out.push_str(line.trim_end());
            out.push('\n');
            line = String::from(indent);
        }
        line.push_str(&piece);
    }
    out.push_str(line.trim_end());
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const CATALOGUE: &str = "- group: G\n  about: a\n  rules:\n\
        \x20   - id: A-DOC\n      says: A.\n      evidence: documented\n      source: {page: p, section: s}\n\
        \x20   - id: B-DOC\n      says: B.\n      evidence: documented\n      source: {page: p, section: s}\n      waived: cannot\n\
        \x20   - id: C-INF\n      says: C.\n      evidence: inferred\n      source: {page: p, section: s}\n\
        \x20   - id: D-EX\n      says: D.\n      evidence: example\n      source: {page: p, section: s}\n";

    fn catalogue() -> Catalogue {
        match Catalogue::parse(CATALOGUE) {
            Ok(c) => c,
            Err(e) => panic!("{e}"),
        }
    }

    fn ids(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_passing_step_checks_the_rules_it_names() {
        let checks = ids(&["A-DOC", "C-INF"]);
        let c = rule_coverage(
            &catalogue(),
            [StepChecks {
                scenario: "s1",
                checks: &checks,
                envelope: &[],
                passed: true,
            }],
        );
        assert_eq!(c.checked, 2);
        assert_eq!(c.rules[0].checked_by, ["s1"]);
        assert_eq!(c.documented.checked, 1);
        assert_eq!(c.inferred.checked, 1);
    }

    #[test]
    fn rules_the_envelope_found_held_on_a_passing_step_count_as_checked() {
        let envelope = ids(&["C-INF"]);
        let c = rule_coverage(
            &catalogue(),
            [StepChecks {
                scenario: "s1",
                checks: &[],
                envelope: &envelope,
                passed: true,
            }],
        );
        assert_eq!(c.checked, 1);
        assert_eq!(c.inferred.checked, 1);
    }

    #[test]
    fn a_failed_or_skipped_step_checks_nothing() {
        let checks = ids(&["A-DOC"]);
        let c = rule_coverage(
            &catalogue(),
            [StepChecks {
                scenario: "s1",
                checks: &checks,
                envelope: &ids(&["D-EX"]),
                passed: false,
            }],
        );
        assert_eq!(c.checked, 0);
        assert_eq!(
            c.unchecked.get(&Evidence::Documented),
            Some(&ids(&["A-DOC"]))
        );
    }

    #[test]
    fn waived_rules_are_counted_apart_from_unchecked_ones() {
        let c = rule_coverage(&catalogue(), []);
        assert_eq!(
            c.documented,
            EvidenceCounts {
                total: 2,
                checked: 0,
                waived: 1,
                unchecked: 1
            }
        );
        assert_eq!(c.unchecked.get(&Evidence::Example), Some(&ids(&["D-EX"])));
    }

    #[test]
    fn scenarios_checking_a_rule_are_listed_once_each() {
        let checks = ids(&["D-EX"]);
        let step = |scenario| StepChecks {
            scenario,
            checks: &checks,
            envelope: &[],
            passed: true,
        };
        let c = rule_coverage(&catalogue(), [step("b"), step("a"), step("b")]);
        assert_eq!(c.rules[3].checked_by, ["a", "b"]);
    }

    #[test]
    fn the_table_lists_unchecked_ids_by_evidence() {
        let c = rule_coverage(&catalogue(), []);
        let t = rule_coverage_table(&c);
        assert!(
            t.starts_with("Rules checked by a passing assertion: 0/4"),
            "{t}"
        );
        assert!(
            t.contains("Not checked in this run, documented (1):\n  A-DOC\n"),
            "{t}"
        );
        assert!(
            !t.contains("B-DOC"),
            "waived rules are not listed as unchecked: {t}"
        );
    }

    #[test]
    fn long_id_lists_wrap() {
        let many: Vec<String> = (0..30).map(|i| format!("RULE-{i:02}")).collect();
        let text = wrap(&many, 40, "  ");
        assert!(text.lines().all(|l| l.len() <= 40), "{text}");
        assert_eq!(text.matches("RULE-").count(), 30);
    }
}
