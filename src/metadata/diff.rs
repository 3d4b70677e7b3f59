//! Compare a metadata document with the schemas and the contract's bound operations.
//!
//! "Added" means in the metadata and not in the schemas; "removed" means in the schemas
//! and not in the metadata. Differences our documentation already explains are kept in
//! the list, marked [`Status::Acknowledged`] with the reason; everything else is
//! [`Status::Drift`].

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::shape::{SchemaProperty, SchemaSet, Shape};
use super::{Csdl, CsdlOperation, CsdlProperty, OperationKind, QUALIFIED_PREFIX};
use crate::contract::BOUND_OPERATIONS;

/// What differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Change {
    TypeAdded,
    TypeRemoved,
    /// The same type under a name that differs in case only.
    TypeRenamed,
    /// Entity in one, complex type in the other (or the like).
    KindChanged,
    PropertyAdded,
    PropertyRemoved,
    /// A removed and an added property of the same JSON type with similar names.
    PropertyRenamed,
    TypeChanged,
    NullabilityChanged,
    EnumMemberAdded,
    EnumMemberRemoved,
    OperationAdded,
    OperationRemoved,
    OperationChanged,
}

impl Change {
    pub fn as_str(self) -> &'static str {
        match self {
            Change::TypeAdded => "type-added",
            Change::TypeRemoved => "type-removed",
            Change::TypeRenamed => "type-renamed",
            Change::KindChanged => "kind-changed",
            Change::PropertyAdded => "property-added",
            Change::PropertyRemoved => "property-removed",
            Change::PropertyRenamed => "property-renamed",
            Change::TypeChanged => "type-changed",
            Change::NullabilityChanged => "nullability-changed",
            Change::EnumMemberAdded => "enum-member-added",
            Change::EnumMemberRemoved => "enum-member-removed",
            Change::OperationAdded => "operation-added",
            Change::OperationRemoved => "operation-removed",
            Change::OperationChanged => "operation-changed",
        }
    }
}

/// Whether a difference counts as drift (exit code 1) or is one our documentation
/// already explains.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Drift,
    Acknowledged,
}

/// One difference between the metadata and the schemas.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Difference {
    pub change: Change,
    /// The schemas' name of the type (the metadata's when only it has the type).
    #[serde(rename = "type")]
    pub type_name: String,
    /// The property, enum member or operation; none for a whole type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub member: Option<String>,
    /// For renames: the metadata's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub renamed_to: Option<String>,
    /// `type`, `property`, `navigation`, `enum member` or `operation`.
    pub kind: &'static str,
    /// What the schemas say (`string|null`), if they have it.
    pub schema: Option<String>,
    /// What the metadata says (`Edm.String, Nullable=false`), if it has it.
    pub metadata: Option<String>,
    pub status: Status,
    /// Why an acknowledged difference is known (docs/schemas.md, a `$comment`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<&'static str>,
}

impl Difference {
    fn new(change: Change, type_name: &str, kind: &'static str) -> Difference {
        Difference {
            change,
            type_name: type_name.to_string(),
            member: None,
            renamed_to: None,
            kind,
            schema: None,
            metadata: None,
            status: Status::Drift,
            reason: None,
        }
    }

    fn member(mut self, m: &str) -> Self {
        self.member = Some(m.to_string());
        self
    }

    fn sides(mut self, schema: Option<String>, metadata: Option<String>) -> Self {
        self.schema = schema;
        self.metadata = metadata;
        self
    }

    /// `relatedTenant.isMicrosoftInfrastructure`, or the type alone.
    pub fn location(&self) -> String {
        match (&self.member, &self.renamed_to) {
            (Some(m), Some(to)) => format!("{}.{m} → {to}", self.type_name),
            (Some(m), None) => format!("{}.{m}", self.type_name),
            (None, Some(to)) => format!("{} → {to}", self.type_name),
            (None, None) => self.type_name.clone(),
        }
    }
}

/// Metadata type name → the schemas' name for the same type: the same name, or one
/// that differs in case only (`b2BRegistrationMetricsInitial`).
fn pair_types(metadata: &Csdl, schemas: &SchemaSet) -> BTreeMap<String, String> {
    let mut paired = BTreeMap::new();
    for s in schemas.names() {
        let m = if metadata.types.contains_key(s) {
            Some(s)
        } else {
            metadata
                .types
                .keys()
                .map(String::as_str)
                .find(|m| m.eq_ignore_ascii_case(s) && !schemas.contains(m))
        };
        if let Some(m) = m {
            paired.insert(m.to_string(), s.to_string());
        }
    }
    paired
}

/// Every property the metadata declares, keyed by the schemas' type name and the
/// property, with its CSDL type as Microsoft writes it (`Edm.String`).
pub fn known_properties(metadata: &Csdl, schemas: &SchemaSet) -> crate::schema::MetadataProperties {
    let mut out = crate::schema::MetadataProperties::new();
    for (m, s) in pair_types(metadata, schemas) {
        for p in metadata.effective_properties(&m) {
            out.insert((s.clone(), p.name.clone()), p.type_display());
        }
    }
    out
}

/// Every difference between `metadata` and `schemas` (plus the contract's bound
/// operations), sorted by type, member and change.
pub fn diff(metadata: &Csdl, schemas: &SchemaSet) -> Vec<Difference> {
    let mut out = Vec::new();
    let paired = pair_types(metadata, schemas);
    for s in schemas.names() {
        match paired.iter().find(|(_, ours)| ours.as_str() == s) {
            Some((m, _)) if m != s => {
                let mut d = Difference::new(Change::TypeRenamed, s, "type")
                    .sides(Some(s.to_string()), Some(m.clone()));
                d.renamed_to = Some(m.clone());
                out.push(d);
            }
            Some(_) => {}
            None => out.push(
                Difference::new(Change::TypeRemoved, s, "type")
                    .sides(schemas.kind(s).map(str::to_string), None),
            ),
        }
    }
    for (name, t) in &metadata.types {
        // A base type reaches the wire only through its derived types, whose schemas
        // carry its properties (docs/schemas.md, Metric types).
        if paired.contains_key(name) || metadata.is_base_type(name) {
            continue;
        }
        out.push(
            Difference::new(Change::TypeAdded, name, "type")
                .sides(None, Some(t.kind.as_str().to_string())),
        );
    }
    let rename = |m: &str| paired.get(m).cloned().unwrap_or_else(|| m.to_string());
    for (m, s) in &paired {
        compare_type(metadata, schemas, m, s, &rename, &mut out);
    }
    compare_operations(&metadata.operations, &rename, &mut out);
    for d in &mut out {
        if let Some(reason) = super::acknowledged::reason(d) {
            d.status = Status::Acknowledged;
            d.reason = Some(reason);
        }
    }
    out.sort_by(|a, b| {
        (&a.type_name, &a.member, a.change).cmp(&(&b.type_name, &b.member, b.change))
    });
    out
}

fn compare_type(
    metadata: &Csdl,
    schemas: &SchemaSet,
    md_name: &str,
    name: &str,
    rename: &dyn Fn(&str) -> String,
    out: &mut Vec<Difference>,
) {
    let Some(t) = metadata.types.get(md_name) else {
        return;
    };
    let schema_kind = schemas.kind(name).unwrap_or("(none)");
    if schema_kind != t.kind.as_str() {
        out.push(Difference::new(Change::KindChanged, name, "type").sides(
            Some(schema_kind.to_string()),
            Some(t.kind.as_str().to_string()),
        ));
    }
    if t.kind == super::CsdlKind::Enum || schema_kind == "enum" {
        let ours: BTreeSet<String> = schemas.members(name).into_iter().collect();
        let theirs: BTreeSet<&String> = t.members.iter().collect();
        for m in t.members.iter().filter(|m| !ours.contains(*m)) {
            out.push(Difference::new(Change::EnumMemberAdded, name, "enum member").member(m));
        }
        for m in ours.iter().filter(|m| !theirs.contains(m)) {
            out.push(Difference::new(Change::EnumMemberRemoved, name, "enum member").member(m));
        }
        return;
    }
    let theirs = metadata.effective_properties(md_name);
    let ours = schemas.properties(name);
    let mut removed: Vec<(String, SchemaProperty)> = Vec::new();
    for (p, sp) in &ours {
        match theirs.iter().find(|mp| mp.name == *p) {
            Some(mp) => compare_property(name, p, mp, sp, rename, out),
            None => removed.push((p.clone(), sp.clone())),
        }
    }
    let mut added: Vec<&CsdlProperty> = theirs
        .iter()
        .filter(|mp| !ours.iter().any(|(p, _)| *p == mp.name))
        .collect();
    let is_navigation = |sp: &SchemaProperty| {
        let entity = |n: &str| schemas.kind(n) == Some("entity");
        match &sp.shape {
            Shape::Named(n) => entity(n),
            Shape::Collection(inner) => match inner.as_ref() {
                Shape::Named(n) => entity(n),
                Shape::External(_) => true,
                _ => false,
            },
            Shape::External(_) => true,
            _ => false,
        }
    };
    for (p, sp) in removed {
        let rename_of = added
            .iter()
            .enumerate()
            .filter(|(_, mp)| Shape::of_csdl(&mp.type_ref).same_json_type(&sp.shape))
            .filter_map(|(i, mp)| similar(&p, &mp.name).map(|d| (d, i)))
            .min();
        let schema_side = Some(sp.shape.describe_schema(sp.nullable));
        let kind = if is_navigation(&sp) {
            "navigation"
        } else {
            "property"
        };
        match rename_of {
            Some((_, i)) => {
                let mp = added.remove(i);
                let mut d = Difference::new(Change::PropertyRenamed, name, kind)
                    .member(&p)
                    .sides(schema_side, Some(mp.describe()));
                d.renamed_to = Some(mp.name.clone());
                out.push(d);
            }
            None => out.push(
                Difference::new(Change::PropertyRemoved, name, kind)
                    .member(&p)
                    .sides(schema_side, None),
            ),
        }
    }
    for mp in added {
        let kind = if mp.navigation {
            "navigation"
        } else {
            "property"
        };
        out.push(
            Difference::new(Change::PropertyAdded, name, kind)
                .member(&mp.name)
                .sides(None, Some(mp.describe())),
        );
    }
}

fn compare_property(
    type_name: &str,
    name: &str,
    mp: &CsdlProperty,
    sp: &SchemaProperty,
    rename: &dyn Fn(&str) -> String,
    out: &mut Vec<Difference>,
) {
    let theirs = Shape::of_csdl(&mp.type_ref);
    let kind = if mp.navigation {
        "navigation"
    } else {
        "property"
    };
    let sides = || {
        (
            Some(sp.shape.describe_schema(sp.nullable)),
            Some(mp.describe()),
        )
    };
    if !theirs.matches(&sp.shape, rename) {
        let (s, m) = sides();
        out.push(
            Difference::new(Change::TypeChanged, type_name, kind)
                .member(name)
                .sides(s, m),
        );
        return;
    }
    let differs = match theirs {
        // Nullable applies to a collection's items; a navigation collection has none.
        Shape::Collection(_) if mp.navigation => false,
        Shape::Collection(_) => mp.is_nullable() != sp.items_nullable,
        _ => mp.is_nullable() != sp.nullable,
    };
    if differs {
        let (s, m) = sides();
        out.push(
            Difference::new(Change::NullabilityChanged, type_name, kind)
                .member(name)
                .sides(s, m),
        );
    }
}

/// The contract's bound operations as metadata would declare them.
pub(crate) fn contract_operations() -> Vec<CsdlOperation> {
    BOUND_OPERATIONS
        .iter()
        .map(|b| {
            let binding = format!("{QUALIFIED_PREFIX}{}", b.binding);
            CsdlOperation {
                name: b.name.to_string(),
                kind: if b.function {
                    OperationKind::Function
                } else {
                    OperationKind::Action
                },
                binding: Some(if b.to_collection {
                    format!("Collection({binding})")
                } else {
                    binding
                }),
                returns: b.returns.map(|r| format!("{QUALIFIED_PREFIX}{r}")),
            }
        })
        .collect()
}

fn compare_operations(
    theirs: &[CsdlOperation],
    rename: &dyn Fn(&str) -> String,
    out: &mut Vec<Difference>,
) {
    let ours = contract_operations();
    let bound_type = |op: &CsdlOperation| match op.binding.as_deref().map(Shape::of_csdl) {
        Some(Shape::Named(n)) => rename(&n),
        Some(Shape::Collection(inner)) => match *inner {
            Shape::Named(n) => rename(&n),
            other => other.to_csdl(),
        },
        Some(other) => other.to_csdl(),
        None => "(unbound)".into(),
    };
    let same_ref = |a: &Option<String>, b: &Option<String>| match (a, b) {
        (Some(a), Some(b)) => Shape::of_csdl(a).matches(&Shape::of_csdl(b), rename),
        (None, None) => true,
        _ => false,
    };
    for op in theirs {
        let mine: Vec<&CsdlOperation> = ours.iter().filter(|o| o.name == op.name).collect();
        if mine.is_empty() {
            out.push(
                Difference::new(Change::OperationAdded, &bound_type(op), "operation")
                    .member(&op.name)
                    .sides(None, Some(op.describe())),
            );
            continue;
        }
        let same = |o: &&CsdlOperation| {
            o.kind == op.kind
                && same_ref(&op.binding, &o.binding)
                && same_ref(&op.returns, &o.returns)
        };
        if !mine.iter().any(same)
            && let Some(o) = mine.first()
        {
            out.push(
                Difference::new(Change::OperationChanged, &bound_type(o), "operation")
                    .member(&op.name)
                    .sides(Some(o.describe()), Some(op.describe())),
            );
        }
    }
    for o in ours
        .iter()
        .filter(|o| !theirs.iter().any(|t| t.name == o.name))
    {
        out.push(
            Difference::new(Change::OperationRemoved, &bound_type(o), "operation")
                .member(&o.name)
                .sides(Some(o.describe()), None),
        );
    }
}

/// Edit distance of two names when they are close enough to be one property renamed:
/// at most a third of the longer name changed (`mostRecentRefreshTime` →
/// `mostRecentRefreshDateTime` is 4 of 25).
fn similar(a: &str, b: &str) -> Option<usize> {
    let a: Vec<char> = a.to_lowercase().chars().collect();
    let b: Vec<char> = b.to_lowercase().chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            let next = (row[j + 1] + 1).min(row[j] + 1).min(prev + cost);
            prev = row[j + 1];
            row[j + 1] = next;
        }
    }
    let distance = row[b.len()];
    (distance * 3 <= a.len().max(b.len())).then_some(distance)
}
