//! CSDL XML → [`Csdl`]: the namespace's types and operations, and the aliases of every
//! schema (Microsoft's document writes `tenantGovernanceServices.x` and `graph.entity`).

use std::collections::BTreeMap;

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use super::{Csdl, CsdlKind, CsdlOperation, CsdlProperty, CsdlType, MetadataError, OperationKind};
use crate::contract::NAMESPACE;

/// Raw attributes of one element, by local name.
type Attrs = BTreeMap<String, String>;

fn attrs(e: &BytesStart<'_>) -> Result<Attrs, MetadataError> {
    let mut out = Attrs::new();
    for a in e.attributes() {
        let a = a.map_err(|err| xml_error(err.to_string()))?;
        let key = String::from_utf8_lossy(a.key.local_name().as_ref()).into_owned();
        let value = a
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|err| xml_error(err.to_string()))?
            .into_owned();
        out.insert(key, value);
    }
    Ok(out)
}

fn xml_error(message: String) -> MetadataError {
    MetadataError::Xml {
        what: String::new(),
        message,
    }
}

/// What the reader is inside of, as far as the namespace's schema goes.
#[derive(Default)]
struct State {
    /// Inside `<Schema Namespace="…tenantGovernanceServices">`.
    in_namespace: bool,
    found_namespace: bool,
    /// The type being read.
    current: Option<CsdlType>,
    /// The action or function being read, and whether it is bound.
    operation: Option<(CsdlOperation, bool)>,
    /// `Alias` → `Namespace` of every schema of the document.
    aliases: BTreeMap<String, String>,
    types: Vec<CsdlType>,
    operations: Vec<CsdlOperation>,
}

impl State {
    /// Whether an element's attributes matter: Graph's whole document is tens of
    /// megabytes, nearly all of it other namespaces.
    fn wants(&self, name: &str) -> bool {
        self.in_namespace || name == "Schema"
    }

    /// One element's start (`empty`: it has no content and no end tag follows).
    fn open(&mut self, name: &str, a: Attrs, empty: bool) {
        let get = |k: &str| a.get(k).cloned().unwrap_or_default();
        match name {
            "Schema" => {
                let ns = get("Namespace");
                if let Some(alias) = a.get("Alias") {
                    self.aliases.insert(alias.clone(), ns.clone());
                }
                self.in_namespace = ns == NAMESPACE;
                self.found_namespace |= self.in_namespace;
                if empty {
                    self.in_namespace = false;
                }
            }
            _ if !self.in_namespace => {}
            "EntityType" | "ComplexType" | "EnumType" => {
                let kind = match name {
                    "EntityType" => CsdlKind::Entity,
                    "ComplexType" => CsdlKind::Complex,
                    _ => CsdlKind::Enum,
                };
                let t = CsdlType {
                    name: get("Name"),
                    kind,
                    base: a.get("BaseType").cloned(),
                    is_abstract: a.get("Abstract").is_some_and(|v| v == "true"),
                    properties: Vec::new(),
                    members: Vec::new(),
                };
                if empty {
                    self.types.push(t);
                } else {
                    self.current = Some(t);
                }
            }
            "Property" | "NavigationProperty" => {
                if let Some(t) = &mut self.current {
                    t.properties.push(CsdlProperty {
                        name: get("Name"),
                        type_ref: get("Type"),
                        nullable: a.get("Nullable").map(|v| v != "false"),
                        navigation: name == "NavigationProperty",
                    });
                }
            }
            "Member" => {
                if let Some(t) = &mut self.current {
                    t.members.push(get("Name"));
                }
            }
            "Action" | "Function" => {
                let op = CsdlOperation {
                    name: get("Name"),
                    kind: if name == "Action" {
                        OperationKind::Action
                    } else {
                        OperationKind::Function
                    },
                    binding: None,
                    returns: None,
                };
                let bound = a.get("IsBound").is_some_and(|v| v == "true");
                if empty {
                    self.operations.push(op);
                } else {
                    self.operation = Some((op, bound));
                }
            }
            "Parameter" => {
                // The binding parameter is the first one of a bound operation.
                if let Some((op, true)) = &mut self.operation
                    && op.binding.is_none()
                {
                    op.binding = Some(get("Type"));
                }
            }
            "ReturnType" => {
                if let Some((op, _)) = &mut self.operation {
                    op.returns = Some(get("Type"));
                }
            }
            _ => {}
        }
    }

    fn close(&mut self, name: &str) {
        match name {
            "Schema" => self.in_namespace = false,
            "EntityType" | "ComplexType" | "EnumType" => {
                if let Some(t) = self.current.take() {
                    self.types.push(t);
                }
            }
            "Action" | "Function" => {
                if let Some((op, _)) = self.operation.take() {
                    self.operations.push(op);
                }
            }
            _ => {}
        }
    }

    /// Resolve aliases in every type reference, now that every schema has been seen.
    fn finish(self) -> Csdl {
        let qualify = |raw: &str| qualify(raw, &self.aliases);
        let mut types = BTreeMap::new();
        for mut t in self.types {
            t.base = t.base.as_deref().map(qualify);
            for p in &mut t.properties {
                p.type_ref = qualify(&p.type_ref);
            }
            types.insert(t.name.clone(), t);
        }
        let operations = self
            .operations
            .into_iter()
            .map(|mut op| {
                op.binding = op.binding.as_deref().map(qualify);
                op.returns = op.returns.as_deref().map(qualify);
                op
            })
            .collect();
        Csdl { types, operations }
    }
}

/// `tenantGovernanceServices.x` → `microsoft.graph.tenantGovernanceServices.x`; the same
/// inside `Collection(…)`. `Edm.*` and unknown prefixes stay as written.
fn qualify(raw: &str, aliases: &BTreeMap<String, String>) -> String {
    let raw = raw.trim();
    if let Some(inner) = raw
        .strip_prefix("Collection(")
        .and_then(|s| s.strip_suffix(')'))
    {
        return format!("Collection({})", qualify(inner, aliases));
    }
    match raw.rsplit_once('.') {
        Some((prefix, name)) => match aliases.get(prefix) {
            Some(ns) => format!("{ns}.{name}"),
            None => raw.to_string(),
        },
        None => raw.to_string(),
    }
}

pub(super) fn parse(xml: &str) -> Result<Csdl, MetadataError> {
    let mut reader = Reader::from_str(xml);
    let mut state = State::default();
    let mut depth = 0usize;
    loop {
        let event = reader.read_event().map_err(|e| {
            xml_error(format!(
                "{e} (at byte {})",
                reader.error_position().max(reader.buffer_position())
            ))
        })?;
        match event {
            Event::Start(e) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                if state.wants(&name) {
                    state.open(&name, attrs(&e)?, false);
                }
                depth += 1;
            }
            Event::Empty(e) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                if state.wants(&name) {
                    state.open(&name, attrs(&e)?, true);
                }
            }
            Event::End(e) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                state.close(&name);
                depth = depth.saturating_sub(1);
            }
            // A download cut short parses up to here without a complaint of its own.
            Event::Eof if depth > 0 => {
                return Err(xml_error(
                    "the document ends before its elements are closed".into(),
                ));
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !state.found_namespace {
        return Err(MetadataError::NoNamespace {
            what: String::new(),
        });
    }
    Ok(state.finish())
}
