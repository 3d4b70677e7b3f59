//! What a run exercised of the documented contract: the rules of the catalogue checked
//! by a passing assertion (`rule_coverage`), operations × statuses seen on the wire, and
//! enum members seen in responses that a schema check asserted.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::Value;

use super::rule_coverage::{RuleCoverage, RuleCoverageCollector, rule_coverage_table};
use crate::contract::{OPERATIONS, enums, find_operation, rules};
use crate::engine::{Event, ReportError, Reporter};
use crate::runner::{Status, StepRecord};
use crate::schema::SchemaRegistry;

#[derive(Debug, Clone, Serialize)]
pub struct OperationCoverage {
    pub number: u8,
    pub operation: &'static str,
    pub method: &'static str,
    pub path: &'static str,
    pub documented_status: u16,
    pub documented_status_seen: bool,
    pub statuses_seen: BTreeSet<u16>,
}

#[derive(Debug, Clone, Serialize)]
pub struct EnumCoverage {
    pub name: &'static str,
    pub members: Vec<(&'static str, bool)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Coverage {
    pub operations: Vec<OperationCoverage>,
    pub operations_covered: usize,
    pub enums: Vec<EnumCoverage>,
    pub enum_members_covered: usize,
    pub enum_members_total: usize,
    /// Per `@odata.type`, the properties seen with a non-null value.
    pub properties_seen: BTreeMap<String, BTreeSet<String>>,
    /// Per type seen, the documented properties (from `schemas/`) never seen non-null.
    pub properties_not_seen: BTreeMap<String, BTreeSet<String>>,
    /// The catalogue's rules checked by a passing assertion (absent only if the
    /// built-in catalogue could not be read).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rules: Option<RuleCoverage>,
}

/// The enum member no conforming server sends (see `enum_members_total`).
pub const SENTINEL: &str = "unknownFutureValue";

/// Accumulates coverage step by step, so no response body is kept.
#[derive(Debug, Default)]
pub struct CoverageCollector {
    statuses: BTreeMap<u8, BTreeSet<u16>>,
    enum_seen: BTreeMap<&'static str, BTreeSet<String>>,
    props: BTreeMap<String, BTreeSet<String>>,
    rules: RuleCoverageCollector,
}

impl CoverageCollector {
    pub fn new() -> Self {
        Self::default()
    }

    /// Count one finished step.
    pub fn observe(&mut self, record: &StepRecord<'_>) {
        let Some(e) = &record.outcome.exchange else {
            return;
        };
        let path = e
            .url
            .split_once("/directory/")
            .map(|(_, rest)| format!("/directory/{rest}"))
            .unwrap_or_default();
        let op = find_operation(&e.method, &path);
        if let (Some(op), Some(code)) = (op, e.status) {
            self.statuses.entry(op.number).or_default().insert(code);
        }
        let entity = op.map(|o| o.name.split('.').next().unwrap_or(""));
        if let Some(body) = record.response.and_then(|r| r.json) {
            // An enum member counts when a response carried it and a passing schema
            // check asserted it; what the scenario itself sent proves nothing.
            if record.outcome.status == Status::Passed && record.step.expect.schema.is_some() {
                collect_enums(body, entity, &mut self.enum_seen);
            }
            collect_props(body, &mut self.props);
        }
        self.rules.observe(record);
    }

    /// The coverage of everything observed.
    pub fn coverage(&self, schemas: &SchemaRegistry) -> Coverage {
        let operations: Vec<OperationCoverage> = OPERATIONS
            .iter()
            .map(|op| {
                let seen = self.statuses.get(&op.number).cloned().unwrap_or_default();
                OperationCoverage {
                    number: op.number,
                    operation: op.name,
                    method: op.method,
                    path: op.path,
                    documented_status: op.success,
                    documented_status_seen: seen.contains(&op.success),
                    statuses_seen: seen,
                }
            })
            .collect();
        let enums_cov: Vec<EnumCoverage> = enums::ALL
            .iter()
            .map(|(name, members)| EnumCoverage {
                name,
                members: members
                    .iter()
                    .map(|m| (*m, self.enum_seen.get(name).is_some_and(|s| s.contains(*m))))
                    .collect(),
            })
            .collect();
        // `unknownFutureValue` is the evolvability sentinel: a conforming server never
        // sends it to a client that did not opt in, so it is not part of the goal.
        let counted = |m: &&(&str, bool)| m.0 != SENTINEL;
        let enum_members_total = enums_cov
            .iter()
            .map(|e| e.members.iter().filter(counted).count())
            .sum();
        let enum_members_covered = enums_cov
            .iter()
            .map(|e| e.members.iter().filter(counted).filter(|m| m.1).count())
            .sum();
        Coverage {
            operations_covered: operations
                .iter()
                .filter(|o| o.documented_status_seen)
                .count(),
            operations,
            enums: enums_cov,
            enum_members_covered,
            enum_members_total,
            properties_not_seen: self
                .props
                .iter()
                .map(|(t, seen)| {
                    let missing = schemas
                        .properties(t)
                        .into_iter()
                        .filter(|p| !seen.contains(p))
                        .collect();
                    (t.clone(), missing)
                })
                .collect(),
            properties_seen: self.props.clone(),
            rules: rules::builtin().ok().map(|c| self.rules.coverage(c)),
        }
    }
}

/// `--coverage`: prints the coverage table when the run is over.
pub struct CoverageReporter {
    collector: CoverageCollector,
    schemas: SchemaRegistry,
}

impl CoverageReporter {
    pub fn new(schemas: SchemaRegistry) -> Self {
        CoverageReporter {
            collector: CoverageCollector::new(),
            schemas,
        }
    }
}

impl Reporter for CoverageReporter {
    fn write_event(&mut self, event: &Event<'_>) -> Result<(), ReportError> {
        match event {
            Event::StepFinished { record, .. } => self.collector.observe(record),
            Event::RunFinished(_) => {
                let cov = self.collector.coverage(&self.schemas);
                super::out(&format!("\n{}\n", coverage_table(&cov)));
            }
            _ => {}
        }
        Ok(())
    }
}

fn collect_enums(
    v: &Value,
    entity: Option<&str>,
    seen: &mut BTreeMap<&'static str, BTreeSet<String>>,
) {
    let items: Vec<&Value> = match v.get("value").and_then(Value::as_array) {
        Some(items) => items.iter().collect(),
        None => vec![v],
    };
    for item in items {
        if let Some(st) = item.get("status").and_then(Value::as_str) {
            match entity {
                Some("governanceRequest") => {
                    seen.entry("requestStatus")
                        .or_default()
                        .insert(st.to_string());
                }
                Some("governanceRelationship") => {
                    seen.entry("relationshipStatus")
                        .or_default()
                        .insert(st.to_string());
                }
                _ => {}
            }
        }
        if let Some(ct) = item.get("createdType").and_then(Value::as_str) {
            seen.entry("relationshipCreationType")
                .or_default()
                .insert(ct.to_string());
        }
        walk_permission_types(item, seen);
    }
}

fn walk_permission_types(v: &Value, seen: &mut BTreeMap<&'static str, BTreeSet<String>>) {
    match v {
        Value::Object(map) => {
            if let Some(Value::Array(perms)) = map.get("permissions") {
                for p in perms {
                    if let Some(t) = p.get("type").and_then(Value::as_str) {
                        seen.entry("permissionType")
                            .or_default()
                            .insert(t.to_string());
                    }
                }
            }
            map.values().for_each(|x| walk_permission_types(x, seen));
        }
        Value::Array(items) => items.iter().for_each(|x| walk_permission_types(x, seen)),
        _ => {}
    }
}

fn collect_props(v: &Value, props: &mut BTreeMap<String, BTreeSet<String>>) {
    match v {
        Value::Object(map) => {
            if let Some(t) = map.get("@odata.type").and_then(Value::as_str) {
                let short = t.rsplit('.').next().unwrap_or(t).to_string();
                let entry = props.entry(short).or_default();
                for (k, val) in map {
                    if !k.starts_with('@') && !val.is_null() {
                        entry.insert(k.clone());
                    }
                }
            }
            map.values().for_each(|x| collect_props(x, props));
        }
        Value::Array(items) => items.iter().for_each(|x| collect_props(x, props)),
        _ => {}
    }
}

/// The coverage as a console table.
pub fn coverage_table(c: &Coverage) -> String {
    let mut out = String::from("Coverage of the documented contract\n\n");
    if let Some(r) = &c.rules {
        out.push_str(&rule_coverage_table(r));
        out.push('\n');
    }
    out.push_str(&format!(
        "Operations: {}/{} with their documented success status\n",
        c.operations_covered,
        c.operations.len()
    ));
    for o in &c.operations {
        let seen: Vec<String> = o.statuses_seen.iter().map(u16::to_string).collect();
        out.push_str(&format!(
            "  {} #{:<2} {:<6} {:<64} {} → {}\n",
            if o.documented_status_seen {
                "✔"
            } else {
                "✘"
            },
            o.number,
            o.method,
            o.path,
            o.documented_status,
            if seen.is_empty() {
                "-".into()
            } else {
                seen.join(",")
            }
        ));
    }
    out.push_str(&format!(
        "\nEnum members: {}/{} seen in a response a schema check asserted (without the unknownFutureValue sentinel)\n",
        c.enum_members_covered, c.enum_members_total
    ));
    for e in &c.enums {
        let members: Vec<String> = e
            .members
            .iter()
            .map(|(m, ok)| match (*m, ok) {
                (SENTINEL, _) => format!("·{m} (sentinel, not counted)"),
                (_, true) => format!("✔{m}"),
                (_, false) => format!("✘{m}"),
            })
            .collect();
        out.push_str(&format!("  {:<26} {}\n", e.name, members.join("  ")));
    }
    if !c.properties_seen.is_empty() {
        out.push_str("\nProperties seen with a value, per type\n");
        for (t, seen) in &c.properties_seen {
            let missing = c.properties_not_seen.get(t).cloned().unwrap_or_default();
            out.push_str(&format!(
                "  {:<26} {}/{}{}\n",
                t,
                seen.len(),
                seen.len() + missing.len(),
                if missing.is_empty() {
                    String::new()
                } else {
                    format!(
                        "  never seen: {}",
                        missing.into_iter().collect::<Vec<_>>().join(", ")
                    )
                }
            ));
        }
    }
    out
}
