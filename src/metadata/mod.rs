//! Microsoft's OData metadata (CSDL XML) of the `microsoft.graph.tenantGovernanceServices`
//! namespace: read it ([`parse`], [`fetch`]), write it from the JSON Schemas and the
//! contract ([`generate`], what the embedded mock serves at `/beta/$metadata`), and compare
//! it with the schemas ([`diff`], `tgconform schema diff`).
//!
//! The doc pages define the contract the suite asserts; the metadata says what the service
//! really sends, and it moves month by month. This module turns that movement into a list
//! of differences. It knows schemas and the contract only, never runner, judge or report
//! code, so the mock can use it too.

mod acknowledged;
mod csdl;
mod diff;
mod fetch;
mod generate;
mod shape;

use std::collections::BTreeMap;

pub use diff::{Change, Difference, Status, diff, known_properties};
pub use fetch::{fetch, metadata_url};
pub use generate::{builtin_document, generate};
pub use shape::SchemaSet;

/// Prefix of every type of the namespace in a fully qualified CSDL type name.
const QUALIFIED_PREFIX: &str = "microsoft.graph.tenantGovernanceServices.";

/// The namespace's part of a CSDL document, with every type reference fully qualified
/// (aliases resolved).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Csdl {
    /// Entity, complex and enum types of the namespace, by name.
    pub types: BTreeMap<String, CsdlType>,
    /// Actions and functions of the namespace.
    pub operations: Vec<CsdlOperation>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsdlKind {
    Entity,
    Complex,
    Enum,
}

impl CsdlKind {
    /// The word the schemas' `x-kind` uses.
    pub fn as_str(self) -> &'static str {
        match self {
            CsdlKind::Entity => "entity",
            CsdlKind::Complex => "complex",
            CsdlKind::Enum => "enum",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct CsdlType {
    pub name: String,
    pub kind: CsdlKind,
    /// Fully qualified base type (`microsoft.graph.entity`).
    pub base: Option<String>,
    pub is_abstract: bool,
    /// Declared properties and navigation properties, in document order.
    pub properties: Vec<CsdlProperty>,
    /// Enum members, in document order.
    pub members: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CsdlProperty {
    pub name: String,
    /// Fully qualified: `Edm.String`, `Collection(microsoft.graph.tenantGovernanceServices.x)`.
    pub type_ref: String,
    /// The `Nullable` attribute as written; absent means nullable.
    pub nullable: Option<bool>,
    pub navigation: bool,
}

impl CsdlProperty {
    /// CSDL's default: a property without `Nullable` may be null.
    pub fn is_nullable(&self) -> bool {
        self.nullable.unwrap_or(true)
    }

    /// The type as a CSDL reader knows it (`Edm.String`, `tenantGovernanceServices.x`).
    pub fn type_display(&self) -> String {
        display_type(&self.type_ref)
    }

    /// The type with its nullability, as written in CSDL (`Edm.String, Nullable=false`).
    pub fn describe(&self) -> String {
        match self.nullable {
            Some(false) => format!("{}, Nullable=false", self.type_display()),
            _ => self.type_display(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OperationKind {
    Action,
    Function,
}

impl OperationKind {
    pub fn as_str(self) -> &'static str {
        match self {
            OperationKind::Action => "action",
            OperationKind::Function => "function",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct CsdlOperation {
    pub name: String,
    pub kind: OperationKind,
    /// Fully qualified type of the binding parameter; None when unbound.
    pub binding: Option<String>,
    /// Fully qualified return type; None for an action without one.
    pub returns: Option<String>,
}

impl CsdlOperation {
    /// `function refreshStatus(Collection(tenantGovernanceServices.relatedTenant)) → …`
    pub fn describe(&self) -> String {
        let binding = self
            .binding
            .as_deref()
            .map(display_type)
            .unwrap_or_else(|| "unbound".into());
        match &self.returns {
            Some(r) => format!(
                "{} bound to {binding}, returns {}",
                self.kind.as_str(),
                display_type(r)
            ),
            None => format!("{} bound to {binding}", self.kind.as_str()),
        }
    }
}

impl Csdl {
    /// Every property of a type, its base types' first (`microsoft.graph.entity` gives
    /// `id`), as a client sees them on the wire.
    pub fn effective_properties(&self, type_name: &str) -> Vec<CsdlProperty> {
        let mut chain = Vec::new();
        let mut next = self.types.get(type_name);
        // The bound stops a cycle of base types in a hostile document.
        while let Some(t) = next.filter(|_| chain.len() < 32) {
            chain.push(t);
            next = t
                .base
                .as_deref()
                .and_then(|b| b.strip_prefix(QUALIFIED_PREFIX))
                .and_then(|b| self.types.get(b));
        }
        let mut out = Vec::new();
        if chain
            .last()
            .and_then(|t| t.base.as_deref())
            .is_some_and(|b| b == "microsoft.graph.entity")
        {
            out.push(CsdlProperty {
                name: "id".into(),
                type_ref: "Edm.String".into(),
                nullable: Some(false),
                navigation: false,
            });
        }
        for t in chain.iter().rev() {
            out.extend(t.properties.iter().cloned());
        }
        out
    }

    /// Whether another type of the namespace derives from this one: its properties
    /// reach the wire only through the derived types.
    pub fn is_base_type(&self, type_name: &str) -> bool {
        let qualified = format!("{QUALIFIED_PREFIX}{type_name}");
        self.types
            .values()
            .any(|t| t.base.as_deref() == Some(qualified.as_str()))
    }
}

/// `microsoft.graph.tenantGovernanceServices.x` → `tenantGovernanceServices.x`,
/// `microsoft.graph.group` → `graph.group` (the aliases Microsoft's document uses).
pub fn display_type(qualified: &str) -> String {
    if let Some(inner) = qualified
        .strip_prefix("Collection(")
        .and_then(|s| s.strip_suffix(')'))
    {
        return format!("Collection({})", display_type(inner));
    }
    if let Some(rest) = qualified.strip_prefix("microsoft.graph.") {
        if rest.starts_with("tenantGovernanceServices.") {
            return rest.to_string();
        }
        return format!("graph.{rest}");
    }
    qualified.to_string()
}

/// Parse a CSDL document; only the namespace's schema is kept.
pub fn parse(xml: &str) -> Result<Csdl, MetadataError> {
    csdl::parse(xml)
}

/// Read a CSDL file.
pub fn read_file(path: &std::path::Path) -> Result<Csdl, MetadataError> {
    let text = std::fs::read_to_string(path).map_err(|e| MetadataError::Read {
        what: path.display().to_string(),
        message: e.to_string(),
    })?;
    parse(&text).map_err(|e| e.within(&path.display().to_string()))
}

/// Why a metadata document could not be used. Every variant says which document.
#[derive(Debug, Clone, thiserror::Error)]
pub enum MetadataError {
    #[error("cannot read {what}: {message}")]
    Read { what: String, message: String },
    #[error("{what}not CSDL XML: {message}")]
    Xml { what: String, message: String },
    #[error("{what}has no <Schema Namespace=\"{namespace}\">", namespace = crate::contract::NAMESPACE)]
    NoNamespace { what: String },
}

impl MetadataError {
    /// The same error, naming the document (`{what}: `).
    fn within(self, what: &str) -> Self {
        let prefix = format!("{what}: ");
        match self {
            MetadataError::Xml { message, .. } => MetadataError::Xml {
                what: prefix,
                message,
            },
            MetadataError::NoNamespace { .. } => MetadataError::NoNamespace { what: prefix },
            other => other,
        }
    }
}

#[cfg(test)]
mod tests;
