//! One vocabulary for a property's type on both sides: what a CSDL type reference means
//! on the wire, and what a JSON Schema property accepts. Comparing two [`Shape`]s is
//! comparing what a client would see.

use std::collections::BTreeMap;

use serde_json::Value;

use super::QUALIFIED_PREFIX;
use crate::schema::{BASE_URI, SchemaRegistry};

/// The JSON-level type of a property, without its nullability.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Shape {
    /// A JSON string; `date_time` when it must be an RFC 3339 date-time.
    Text {
        date_time: bool,
    },
    Boolean,
    /// A JSON number. Graph sends Int32, Int64 and Decimal as numbers (and our schemas
    /// accept a numeric string for Decimal counters), so any two numbers compare equal.
    Number(Numeric),
    /// A type of the namespace, by name.
    Named(String),
    /// A type of another namespace, fully qualified (`microsoft.graph.group`).
    External(String),
    /// An object the schema writes inline without naming its type.
    Object,
    Collection(Box<Shape>),
    /// Anything else, as written.
    Unknown(String),
}

/// Which CSDL type a number stands for, for writing it back as CSDL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Numeric {
    Int32,
    Int64,
    Decimal,
    Double,
}

impl Numeric {
    fn edm(self) -> &'static str {
        match self {
            Numeric::Int32 => "Edm.Int32",
            Numeric::Int64 => "Edm.Int64",
            Numeric::Decimal => "Edm.Decimal",
            Numeric::Double => "Edm.Double",
        }
    }
}

impl Shape {
    /// The shape of a fully qualified CSDL type reference.
    pub(crate) fn of_csdl(type_ref: &str) -> Shape {
        if let Some(inner) = type_ref
            .strip_prefix("Collection(")
            .and_then(|s| s.strip_suffix(')'))
        {
            return Shape::Collection(Box::new(Shape::of_csdl(inner)));
        }
        match type_ref {
            "Edm.String" | "Edm.Guid" | "Edm.Duration" | "Edm.Date" | "Edm.TimeOfDay"
            | "Edm.Binary" => Shape::Text { date_time: false },
            "Edm.DateTimeOffset" => Shape::Text { date_time: true },
            "Edm.Boolean" => Shape::Boolean,
            "Edm.Byte" | "Edm.SByte" | "Edm.Int16" | "Edm.Int32" => Shape::Number(Numeric::Int32),
            "Edm.Int64" => Shape::Number(Numeric::Int64),
            "Edm.Decimal" => Shape::Number(Numeric::Decimal),
            "Edm.Double" | "Edm.Single" => Shape::Number(Numeric::Double),
            "Edm.Untyped" => Shape::Object,
            other => match other.strip_prefix(QUALIFIED_PREFIX) {
                Some(name) => Shape::Named(name.to_string()),
                None if other.starts_with("Edm.") => Shape::Unknown(other.to_string()),
                None => Shape::External(other.to_string()),
            },
        }
    }

    /// The CSDL type reference (fully qualified) a schema shape is written as.
    pub(crate) fn to_csdl(&self) -> String {
        match self {
            Shape::Text { date_time: true } => "Edm.DateTimeOffset".into(),
            Shape::Text { date_time: false } => "Edm.String".into(),
            Shape::Boolean => "Edm.Boolean".into(),
            Shape::Number(n) => n.edm().into(),
            Shape::Named(n) => format!("{QUALIFIED_PREFIX}{n}"),
            Shape::External(q) => q.clone(),
            // No CSDL type says "some object": written so that it reads back as one.
            Shape::Object | Shape::Unknown(_) => "Edm.Untyped".into(),
            Shape::Collection(inner) => format!("Collection({})", inner.to_csdl()),
        }
    }

    /// Whether a client reading metadata type `self` gets what schema shape `schema`
    /// accepts. `rename` maps a metadata type name to the schema's name for it.
    pub(crate) fn matches(&self, schema: &Shape, rename: &dyn Fn(&str) -> String) -> bool {
        match (self, schema) {
            (Shape::Text { date_time: a }, Shape::Text { date_time: b }) => a == b,
            (Shape::Boolean, Shape::Boolean) | (Shape::Number(_), Shape::Number(_)) => true,
            (Shape::Named(a), Shape::Named(b)) => rename(a) == *b,
            (Shape::External(a), Shape::External(b)) => a == b,
            (Shape::External(_) | Shape::Object, Shape::Object) => true,
            (Shape::Collection(a), Shape::Collection(b)) => a.matches(b, rename),
            _ => false,
        }
    }

    /// Same JSON type at the top (string, boolean, number, object, array): enough for
    /// a removed and an added property to be one renamed property.
    pub(crate) fn same_json_type(&self, other: &Shape) -> bool {
        let class = |s: &Shape| match s {
            Shape::Text { .. } => 0,
            Shape::Boolean => 1,
            Shape::Number(_) => 2,
            Shape::Named(_) | Shape::External(_) | Shape::Object => 3,
            Shape::Collection(_) => 4,
            Shape::Unknown(_) => 5,
        };
        class(self) == class(other)
    }

    /// How the schema side reads in a report: `string|null`, `array of $ref roleTemplate`.
    pub(crate) fn describe_schema(&self, nullable: bool) -> String {
        let base = match self {
            Shape::Text { date_time: true } => "string (date-time)".to_string(),
            Shape::Text { date_time: false } => "string".into(),
            Shape::Boolean => "boolean".into(),
            Shape::Number(Numeric::Decimal) => "integer|numeric string".into(),
            Shape::Number(Numeric::Double) => "number".into(),
            Shape::Number(_) => "integer".into(),
            Shape::Named(n) => format!("$ref {n}"),
            Shape::External(q) => format!("inline {}", super::display_type(q)),
            Shape::Object => "object".into(),
            Shape::Collection(inner) => format!("array of {}", inner.describe_schema(false)),
            Shape::Unknown(u) => u.clone(),
        };
        if nullable {
            format!("{base}|null")
        } else {
            base
        }
    }
}

/// The schemas the metadata is compared with: one document per type, envelopes left out
/// (they are OData's wire conventions, not types of the namespace).
#[derive(Debug, Clone, Default)]
pub struct SchemaSet {
    docs: BTreeMap<String, Value>,
}

/// A schema property read as a shape.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SchemaProperty {
    pub shape: Shape,
    pub nullable: bool,
    /// For arrays: whether an item may be null.
    pub items_nullable: bool,
}

impl SchemaSet {
    /// Every type of these documents but the envelopes (`x-kind: envelope`).
    pub fn new(docs: impl IntoIterator<Item = (String, Value)>) -> SchemaSet {
        SchemaSet {
            docs: docs
                .into_iter()
                .filter(|(_, d)| d.get("x-kind").and_then(Value::as_str) != Some("envelope"))
                .collect(),
        }
    }

    /// The types of a compiled registry.
    pub fn from_registry(registry: &SchemaRegistry) -> SchemaSet {
        SchemaSet::new(
            registry
                .type_names()
                .into_iter()
                .filter_map(|n| registry.schema(&n).cloned().map(|d| (n, d))),
        )
    }

    /// The schemas built into the binary, parsed but not compiled.
    pub fn builtin() -> Result<SchemaSet, crate::schema::SchemaError> {
        Ok(SchemaSet::new(SchemaRegistry::builtin_documents()?))
    }

    pub(crate) fn names(&self) -> impl Iterator<Item = &str> {
        self.docs.keys().map(String::as_str)
    }

    pub(crate) fn contains(&self, name: &str) -> bool {
        self.docs.contains_key(name)
    }

    /// `entity`, `complex`, `enum` (the schema's `x-kind`).
    pub(crate) fn kind(&self, name: &str) -> Option<&str> {
        self.docs.get(name)?.get("x-kind")?.as_str()
    }

    pub(crate) fn members(&self, name: &str) -> Vec<String> {
        self.docs
            .get(name)
            .and_then(|d| d.get("enum"))
            .and_then(Value::as_array)
            .map(|m| {
                m.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The documented properties of a type in schema order, without OData annotations
    /// (`@odata.*`: a wire convention, docs/schemas.md).
    pub(crate) fn properties(&self, name: &str) -> Vec<(String, SchemaProperty)> {
        let Some(props) = self
            .docs
            .get(name)
            .and_then(|d| d.get("properties"))
            .and_then(Value::as_object)
        else {
            return Vec::new();
        };
        props
            .iter()
            .filter(|(k, _)| !k.starts_with('@'))
            .map(|(k, v)| (k.clone(), self.property(name, v)))
            .collect()
    }

    fn property(&self, doc: &str, v: &Value) -> SchemaProperty {
        let (shape, nullable) = self.shape(doc, v);
        let items_nullable = v
            .get("items")
            .map(|items| self.shape(doc, items).1)
            .unwrap_or(false);
        SchemaProperty {
            shape,
            nullable,
            items_nullable,
        }
    }

    /// A property schema's shape and whether it accepts null. Nullable references are
    /// written `if: {type: null}, else: {$ref}`, nullable scalars `type: [x, "null"]`.
    fn shape(&self, doc: &str, v: &Value) -> (Shape, bool) {
        let null_if = v
            .get("if")
            .and_then(|i| i.get("type"))
            .and_then(Value::as_str)
            == Some("null");
        if null_if && let Some(inner) = v.get("else") {
            return (self.shape(doc, inner).0, true);
        }
        if let Some(r) = v.get("$ref").and_then(Value::as_str) {
            return (self.reference(doc, r), false);
        }
        let types: Vec<&str> = match v.get("type") {
            Some(Value::String(t)) => vec![t.as_str()],
            Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        let nullable = types.contains(&"null");
        let types: Vec<&str> = types.into_iter().filter(|t| *t != "null").collect();
        let shape = match types.as_slice() {
            ["string"] => Shape::Text {
                date_time: v.get("format").and_then(Value::as_str) == Some("date-time"),
            },
            ["boolean"] => Shape::Boolean,
            ["integer"] => Shape::Number(Numeric::Int32),
            ["number"] | ["integer", "number"] | ["number", "integer"] => {
                Shape::Number(Numeric::Double)
            }
            ts if ts.contains(&"string")
                && (ts.contains(&"integer") || ts.contains(&"number"))
                && ts
                    .iter()
                    .all(|t| matches!(*t, "string" | "integer" | "number")) =>
            {
                Shape::Number(Numeric::Decimal)
            }
            ["array"] => Shape::Collection(Box::new(
                v.get("items")
                    .map(|items| self.shape(doc, items).0)
                    .unwrap_or(Shape::Unknown("array of anything".into())),
            )),
            ["object"] => Shape::Object,
            [] => Shape::Unknown("any JSON value".into()),
            ts => Shape::Unknown(ts.join("|")),
        };
        (shape, nullable)
    }

    /// A `$ref` from document `doc`: another type's file, or an inline definition
    /// (`#/$defs/groupReference`), named by its `@odata.type` constant if it has one.
    fn reference(&self, doc: &str, r: &str) -> Shape {
        let (file, fragment) = match r.split_once('#') {
            Some((file, fragment)) => (file, Some(fragment)),
            None => (r, None),
        };
        let target = if file.is_empty() {
            doc.to_string()
        } else {
            match file
                .strip_prefix(BASE_URI)
                .and_then(|f| f.strip_suffix(".json"))
            {
                Some(name) => name.to_string(),
                None => return Shape::Unknown(format!("$ref {r}")),
            }
        };
        let Some(fragment) = fragment.filter(|f| !f.is_empty()) else {
            return Shape::Named(target);
        };
        let Some(def) = self.docs.get(&target).and_then(|d| d.pointer(fragment)) else {
            return Shape::Unknown(format!("$ref {r}"));
        };
        match def
            .pointer("/properties/@odata.type/const")
            .and_then(Value::as_str)
            .and_then(|c| c.strip_prefix('#'))
        {
            Some(q) => match q.strip_prefix(QUALIFIED_PREFIX) {
                Some(name) => Shape::Named(name.to_string()),
                None => Shape::External(q.to_string()),
            },
            None => Shape::Object,
        }
    }
}
