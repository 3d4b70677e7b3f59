//! JSON Schemas (draft 2020-12) of every documented type, compiled once and shared.
//!
//! The schema files live in `schemas/` at the top of the repository, one per type, each
//! with a stable `$id` under [`BASE_URI`] and `$ref`s between files. [`SchemaRegistry::builtin`]
//! embeds them in the binary; [`SchemaRegistry::from_dir`] loads a folder of the same shape.
//! Every `$ref` is resolved and every validator is compiled when the registry is built, so a
//! missing reference is a start-up [`SchemaError`], never a surprise in the middle of a run.
//!
//! One compiled validator set serves both [`SchemaMode`]s: object schemas are closed
//! (`additionalProperties: false`), and in lenient mode the errors of that keyword are
//! reported as warnings instead of violations.
//!
//! A type name ending in `[]` (`governanceRequest[]`) means an OData collection of that type:
//! the `odataCollection` envelope with every item of `value` checked as the item type.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use jsonschema::Validator;
use jsonschema::error::ValidationErrorKind;
use serde_json::{Value, json};

/// Base of every builtin schema's `$id`: `https://tgconform.dev/schemas/<type>.json`.
pub const BASE_URI: &str = "https://tgconform.dev/schemas/";

/// Name of the collection envelope schema.
pub const COLLECTION_TYPE: &str = "odataCollection";

/// The builtin schema files, embedded so that the binary works from any folder.
const BUILTIN: &[(&str, &str)] = &[
    (
        "b2BSignInActivityMetrics",
        include_str!("../../schemas/b2BSignInActivityMetrics.json"),
    ),
    (
        "b2BSignInActivityMetricsInitial",
        include_str!("../../schemas/b2BSignInActivityMetricsInitial.json"),
    ),
    (
        "b2BSignInActivityMetricsRecent",
        include_str!("../../schemas/b2BSignInActivityMetricsRecent.json"),
    ),
    (
        "b2bRegistrationMetrics",
        include_str!("../../schemas/b2bRegistrationMetrics.json"),
    ),
    (
        "b2bRegistrationMetricsInitial",
        include_str!("../../schemas/b2bRegistrationMetricsInitial.json"),
    ),
    (
        "b2bRegistrationMetricsRecent",
        include_str!("../../schemas/b2bRegistrationMetricsRecent.json"),
    ),
    (
        "billingMetrics",
        include_str!("../../schemas/billingMetrics.json"),
    ),
    (
        "billingMetricsInitial",
        include_str!("../../schemas/billingMetricsInitial.json"),
    ),
    (
        "billingMetricsRecent",
        include_str!("../../schemas/billingMetricsRecent.json"),
    ),
    (
        "delegatedAdministrationRoleAssignment",
        include_str!("../../schemas/delegatedAdministrationRoleAssignment.json"),
    ),
    (
        "delegatedAdministrationRoleAssignmentSnapshot",
        include_str!("../../schemas/delegatedAdministrationRoleAssignmentSnapshot.json"),
    ),
    (
        "governanceInvitation",
        include_str!("../../schemas/governanceInvitation.json"),
    ),
    (
        "governancePolicyTemplate",
        include_str!("../../schemas/governancePolicyTemplate.json"),
    ),
    (
        "governanceRelationship",
        include_str!("../../schemas/governanceRelationship.json"),
    ),
    (
        "governanceRequest",
        include_str!("../../schemas/governanceRequest.json"),
    ),
    ("graphError", include_str!("../../schemas/graphError.json")),
    (
        "multiTenantApplicationMetrics",
        include_str!("../../schemas/multiTenantApplicationMetrics.json"),
    ),
    (
        "multiTenantApplicationMetricsInitial",
        include_str!("../../schemas/multiTenantApplicationMetricsInitial.json"),
    ),
    (
        "multiTenantApplicationMetricsRecent",
        include_str!("../../schemas/multiTenantApplicationMetricsRecent.json"),
    ),
    (
        "multiTenantApplicationsToProvision",
        include_str!("../../schemas/multiTenantApplicationsToProvision.json"),
    ),
    (
        "multiTenantApplicationsToProvisionSnapshot",
        include_str!("../../schemas/multiTenantApplicationsToProvisionSnapshot.json"),
    ),
    (
        "odataCollection",
        include_str!("../../schemas/odataCollection.json"),
    ),
    (
        "permissionType",
        include_str!("../../schemas/permissionType.json"),
    ),
    (
        "relatedTenant",
        include_str!("../../schemas/relatedTenant.json"),
    ),
    (
        "relatedTenantsRefreshRequest",
        include_str!("../../schemas/relatedTenantsRefreshRequest.json"),
    ),
    (
        "relatedTenantsRefreshStatus",
        include_str!("../../schemas/relatedTenantsRefreshStatus.json"),
    ),
    (
        "relationshipCreationType",
        include_str!("../../schemas/relationshipCreationType.json"),
    ),
    (
        "relationshipPolicy",
        include_str!("../../schemas/relationshipPolicy.json"),
    ),
    (
        "relationshipStatus",
        include_str!("../../schemas/relationshipStatus.json"),
    ),
    (
        "requestStatus",
        include_str!("../../schemas/requestStatus.json"),
    ),
    (
        "requiredResourceAccess",
        include_str!("../../schemas/requiredResourceAccess.json"),
    ),
    (
        "resourcePermission",
        include_str!("../../schemas/resourcePermission.json"),
    ),
    (
        "roleTemplate",
        include_str!("../../schemas/roleTemplate.json"),
    ),
    (
        "tenantGovernance",
        include_str!("../../schemas/tenantGovernance.json"),
    ),
    (
        "tenantGovernanceSetting",
        include_str!("../../schemas/tenantGovernanceSetting.json"),
    ),
];

/// How unknown properties count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SchemaMode {
    /// Unknown properties are violations (the default against mocks).
    Strict,
    /// Unknown properties are warnings (the default against Graph, where beta adds
    /// properties over time).
    Lenient,
}

/// What kind of type a schema describes (its `x-kind` annotation).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TypeKind {
    Entity,
    Complex,
    Enum,
    /// The OData collection envelope and the Graph error body.
    Envelope,
    /// A schema without a known `x-kind` (from [`SchemaRegistry::from_dir`]).
    Other,
}

impl TypeKind {
    fn from_annotation(v: Option<&Value>) -> TypeKind {
        match v.and_then(Value::as_str) {
            Some("entity") => TypeKind::Entity,
            Some("complex") => TypeKind::Complex,
            Some("enum") => TypeKind::Enum,
            Some("envelope") => TypeKind::Envelope,
            _ => TypeKind::Other,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            TypeKind::Entity => "entity",
            TypeKind::Complex => "complex",
            TypeKind::Enum => "enum",
            TypeKind::Envelope => "envelope",
            TypeKind::Other => "other",
        }
    }
}

struct TypeEntry {
    id: String,
    kind: TypeKind,
    document: Value,
    validator: Validator,
    /// `X[]`: the envelope with `value` items checked as X. None for envelopes.
    collection: Option<Validator>,
}

struct Inner {
    types: BTreeMap<String, TypeEntry>,
}

/// Every schema, compiled once. Cheap to clone (an `Arc`) and shared across threads.
#[derive(Clone)]
pub struct SchemaRegistry {
    inner: Arc<Inner>,
    /// Properties Microsoft's metadata knows and the schemas do not: an unknown property
    /// among them is drift, not a violation (`run --metadata`).
    metadata: Option<Arc<MetadataProperties>>,
}

/// (schema type, property) → its CSDL type (`Edm.String`), for properties the service's
/// metadata declares; see [`SchemaRegistry::with_metadata`].
pub type MetadataProperties = BTreeMap<(String, String), String>;

impl fmt::Debug for SchemaRegistry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SchemaRegistry")
            .field("types", &self.inner.types.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl SchemaRegistry {
    /// The schemas embedded in the binary (the repository's `schemas/`), compiled once
    /// per process: later calls (tests, commands that ask again) get a clone.
    pub fn builtin() -> Result<Self, SchemaError> {
        static COMPILED: OnceLock<Result<SchemaRegistry, SchemaError>> = OnceLock::new();
        COMPILED
            .get_or_init(|| {
                let files = BUILTIN
                    .iter()
                    .map(|(name, text)| SourceFile {
                        type_name: (*name).to_string(),
                        origin: PathBuf::from(format!("schemas/{name}.json")),
                        text: (*text).to_string(),
                    })
                    .collect();
                Self::from_sources(files)
            })
            .clone()
    }

    /// The type names of [`SchemaRegistry::builtin`], known without compiling anything.
    pub fn builtin_type_names() -> Vec<String> {
        let mut names: Vec<String> = BUILTIN.iter().map(|(n, _)| (*n).to_string()).collect();
        names.sort();
        names
    }

    /// The builtin schema documents, parsed but not compiled: for readers of their
    /// structure (the mock's `$metadata`), which need no validator.
    pub fn builtin_documents() -> Result<Vec<(String, Value)>, SchemaError> {
        BUILTIN
            .iter()
            .map(|(name, text)| {
                serde_json::from_str(text)
                    .map(|doc| ((*name).to_string(), doc))
                    .map_err(|e| SchemaError::Parse {
                        path: PathBuf::from(format!("schemas/{name}.json")),
                        message: e.to_string(),
                    })
            })
            .collect()
    }

    /// Every `*.json` file of `dir`; the type name is the file stem.
    pub fn from_dir(dir: &Path) -> Result<Self, SchemaError> {
        let entries = std::fs::read_dir(dir).map_err(|e| SchemaError::Io {
            path: dir.to_path_buf(),
            message: e.to_string(),
        })?;
        let mut files = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| SchemaError::Io {
                path: dir.to_path_buf(),
                message: e.to_string(),
            })?;
            let path = entry.path();
            if path.extension().and_then(|e| e.to_str()) != Some("json") {
                continue;
            }
            let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else {
                continue;
            };
            let text = std::fs::read_to_string(&path).map_err(|e| SchemaError::Io {
                path: path.clone(),
                message: e.to_string(),
            })?;
            files.push(SourceFile {
                type_name: stem.to_string(),
                origin: path.clone(),
                text,
            });
        }
        files.sort_by(|a, b| a.type_name.cmp(&b.type_name));
        Self::from_sources(files)
    }

    fn from_sources(files: Vec<SourceFile>) -> Result<Self, SchemaError> {
        if files.is_empty() {
            return Err(SchemaError::Empty);
        }
        let mut docs: Vec<(String, PathBuf, String, Value)> = Vec::new();
        for f in files {
            let doc: Value = serde_json::from_str(&f.text).map_err(|e| SchemaError::Parse {
                path: f.origin.clone(),
                message: e.to_string(),
            })?;
            let id = doc
                .get("$id")
                .and_then(Value::as_str)
                .ok_or_else(|| SchemaError::MissingId {
                    path: f.origin.clone(),
                })?
                .to_string();
            if let Some((_, other, _, _)) = docs.iter().find(|(_, _, i, _)| *i == id) {
                return Err(SchemaError::DuplicateId {
                    id,
                    first: other.clone(),
                    second: f.origin,
                });
            }
            docs.push((f.type_name, f.origin, id, doc));
        }

        let collection_id = docs
            .iter()
            .find(|(name, ..)| name == COLLECTION_TYPE)
            .map(|(_, _, id, _)| id.clone());

        // One registry holding every document: an unresolvable `$ref` fails here.
        let mut builder = jsonschema::Registry::new();
        for (_, origin, id, doc) in &docs {
            builder = builder
                .add(id.as_str(), doc)
                .map_err(|e| SchemaError::Reference {
                    path: Some(origin.clone()),
                    message: e.to_string(),
                })?;
        }
        let registry = builder.prepare().map_err(|e| SchemaError::Reference {
            path: None,
            message: e.to_string(),
        })?;

        let options = jsonschema::draft202012::options()
            .should_validate_formats(true)
            .should_ignore_unknown_formats(false)
            .with_registry(&registry);

        let mut types = BTreeMap::new();
        for (name, origin, id, doc) in &docs {
            let compile = |schema: &Value| {
                options.build(schema).map_err(|e| SchemaError::Compile {
                    path: origin.clone(),
                    message: e.to_string(),
                })
            };
            let validator = compile(&json!({ "$ref": id }))?;
            let kind = TypeKind::from_annotation(doc.get("x-kind"));
            let collection = match (&collection_id, kind) {
                (_, TypeKind::Envelope) | (None, _) => None,
                (Some(envelope), _) => Some(compile(&json!({
                    "$ref": envelope,
                    "properties": { "value": { "items": { "$ref": id } } }
                }))?),
            };
            types.insert(
                name.clone(),
                TypeEntry {
                    id: id.clone(),
                    kind,
                    document: doc.clone(),
                    validator,
                    collection,
                },
            );
        }
        Ok(SchemaRegistry {
            inner: Arc::new(Inner { types }),
            metadata: None,
        })
    }

    /// The same schemas, with the properties Microsoft's metadata declares: in either mode,
    /// an unknown property that the metadata knows for its type is reported in
    /// [`SchemaOutcome::drift`] instead of as a violation or a lenient warning. The docs
    /// stay the contract; the metadata only explains what the service sends beyond it.
    pub fn with_metadata(&self, known: MetadataProperties) -> SchemaRegistry {
        SchemaRegistry {
            inner: Arc::clone(&self.inner),
            metadata: Some(Arc::new(known)),
        }
    }

    /// The CSDL type of `property` when the metadata declares it for the type whose
    /// closing `additionalProperties` (at `schema_path`) did not list it.
    fn metadata_type(&self, schema_path: &str, property: &str) -> Option<(&str, &str)> {
        let known = self.metadata.as_deref()?;
        // Only a type's own top-level object: inline definitions (`$defs`) are no
        // types of the namespace.
        let type_name = schema_path.strip_suffix(".json#/additionalProperties")?;
        known
            .get_key_value(&(type_name.to_string(), property.to_string()))
            .map(|((t, _), edm)| (t.as_str(), edm.as_str()))
    }

    /// Every type name, sorted (`X[]` is accepted wherever [`Self::supports_collection`] is true).
    pub fn type_names(&self) -> Vec<String> {
        self.inner.types.keys().cloned().collect()
    }

    /// Whether `type_name` (possibly `X[]`) can be validated.
    pub fn contains(&self, type_name: &str) -> bool {
        match split_collection(type_name) {
            (base, false) => self.inner.types.contains_key(base),
            (base, true) => self.supports_collection(base),
        }
    }

    /// Whether `X[]` is valid for this type (every type but the envelopes).
    pub fn supports_collection(&self, type_name: &str) -> bool {
        self.inner
            .types
            .get(type_name)
            .is_some_and(|t| t.collection.is_some())
    }

    /// The kind of a type (`X[]` → the kind of X).
    pub fn kind(&self, type_name: &str) -> Option<TypeKind> {
        let (base, _) = split_collection(type_name);
        self.inner.types.get(base).map(|t| t.kind)
    }

    /// The `$id` of a type's schema.
    pub fn schema_id(&self, type_name: &str) -> Option<&str> {
        let (base, _) = split_collection(type_name);
        self.inner.types.get(base).map(|t| t.id.as_str())
    }

    /// The raw schema document of a type (`X[]` → X's).
    pub fn schema(&self, type_name: &str) -> Option<&Value> {
        let (base, _) = split_collection(type_name);
        self.inner.types.get(base).map(|t| &t.document)
    }

    /// The documented properties of an object type, in schema order, without OData
    /// annotations (`@odata.*`). Empty for enums and unknown types. `X[]` → X's.
    pub fn properties(&self, type_name: &str) -> Vec<String> {
        self.schema(type_name)
            .and_then(|d| d.get("properties"))
            .and_then(Value::as_object)
            .map(|props| {
                props
                    .keys()
                    .filter(|k| !k.starts_with('@'))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The `required` properties of an object type (`X[]` → X's).
    pub fn required(&self, type_name: &str) -> Vec<String> {
        self.schema(type_name)
            .and_then(|d| d.get("required"))
            .and_then(Value::as_array)
            .map(|r| {
                r.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The members of an enum type; None for other types.
    pub fn enum_members(&self, type_name: &str) -> Option<Vec<String>> {
        let members = self.schema(type_name)?.get("enum")?.as_array()?;
        Some(
            members
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect(),
        )
    }

    /// The type named by an `@odata.type` value of the namespace
    /// (`#microsoft.graph.tenantGovernanceServices.governanceRequest` → `governanceRequest`).
    pub fn type_for_odata_type(&self, odata_type: &str) -> Option<&str> {
        let name = odata_type
            .strip_prefix('#')?
            .strip_prefix(crate::contract::NAMESPACE)?
            .strip_prefix('.')?;
        self.inner
            .types
            .get_key_value(name)
            .filter(|(_, t)| t.kind != TypeKind::Envelope)
            .map(|(k, _)| k.as_str())
    }

    /// Validate `instance` against `type_name`; `X[]` checks an OData collection of X.
    ///
    /// `Err` only for a type the registry does not know; every finding about the instance
    /// is in the [`SchemaOutcome`].
    pub fn validate(
        &self,
        type_name: &str,
        instance: &Value,
        mode: SchemaMode,
    ) -> Result<SchemaOutcome, SchemaError> {
        let validator = self.validator(type_name)?;
        let mut outcome = SchemaOutcome::default();
        for error in validator.iter_errors(instance) {
            let instance_path = error.instance_path().as_str().to_string();
            let schema_path = short_schema_path(
                error
                    .absolute_keyword_location()
                    .map(|u| u.as_str().to_string())
                    .unwrap_or_else(|| error.evaluation_path().as_str().to_string()),
            );
            let rule = error.kind().keyword().to_string();
            match error.kind() {
                ValidationErrorKind::AdditionalProperties { unexpected }
                | ValidationErrorKind::UnevaluatedProperties { unexpected } => {
                    for name in unexpected {
                        if let Some((type_name, edm)) = self.metadata_type(&schema_path, name) {
                            outcome.drift.push(SchemaIssue {
                                instance_path: format!("{instance_path}/{}", escape_pointer(name)),
                                schema_path: schema_path.clone(),
                                rule: rule.clone(),
                                message: drift_message(type_name, name, edm),
                            });
                            continue;
                        }
                        let issue = SchemaIssue {
                            instance_path: format!("{instance_path}/{}", escape_pointer(name)),
                            schema_path: schema_path.clone(),
                            rule: rule.clone(),
                            message: format!("unknown property `{name}` (not in the schema)"),
                        };
                        match mode {
                            SchemaMode::Strict => outcome.violations.push(issue),
                            SchemaMode::Lenient => outcome.warnings.push(issue),
                        }
                    }
                }
                ValidationErrorKind::Enum { options } => {
                    // The library names two values and "N other candidates"; the
                    // reader needs them all to fix the value.
                    let allowed = options
                        .as_array()
                        .map(|o| o.iter().map(Value::to_string).collect::<Vec<_>>())
                        .unwrap_or_default()
                        .join(", ");
                    outcome.violations.push(SchemaIssue {
                        instance_path,
                        schema_path,
                        rule,
                        message: format!(
                            "{} is not one of the allowed values: {allowed}",
                            crate::text::clip(&error.instance().to_string(), 200)
                        ),
                    });
                }
                _ => {
                    let message = if error.instance().is_object() {
                        error.masked_with("the object").to_string()
                    } else if error.instance().is_array() {
                        error.masked_with("the array").to_string()
                    } else {
                        crate::text::clip(&error.to_string(), 300)
                    };
                    outcome.violations.push(SchemaIssue {
                        instance_path,
                        schema_path,
                        rule,
                        message,
                    });
                }
            }
        }
        Ok(outcome)
    }

    /// Validate a request body: a partial object of the type (what the client sends), so the
    /// top level's `required` does not apply; everything sent is checked in full.
    pub fn validate_partial(
        &self,
        type_name: &str,
        instance: &Value,
        mode: SchemaMode,
    ) -> Result<SchemaOutcome, SchemaError> {
        let mut outcome = self.validate(type_name, instance, mode)?;
        outcome
            .violations
            .retain(|v| !(v.rule == "required" && v.instance_path.is_empty()));
        Ok(outcome)
    }

    fn validator(&self, type_name: &str) -> Result<&Validator, SchemaError> {
        let (base, collection) = split_collection(type_name);
        let entry = self
            .inner
            .types
            .get(base)
            .ok_or_else(|| SchemaError::UnknownType(type_name.to_string()))?;
        if collection {
            entry
                .collection
                .as_ref()
                .ok_or_else(|| SchemaError::NotACollection(base.to_string()))
        } else {
            Ok(&entry.validator)
        }
    }
}

struct SourceFile {
    type_name: String,
    origin: PathBuf,
    text: String,
}

/// `X[]` → (`X`, true); `X` → (`X`, false).
fn split_collection(type_name: &str) -> (&str, bool) {
    match type_name.strip_suffix("[]") {
        Some(base) => (base, true),
        None => (type_name, false),
    }
}

fn short_schema_path(s: String) -> String {
    match s.strip_prefix(BASE_URI) {
        Some(rest) => rest.to_string(),
        None => s,
    }
}

/// RFC 6901 escaping of one reference token.
fn escape_pointer(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// What validation found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SchemaOutcome {
    /// Failures.
    pub violations: Vec<SchemaIssue>,
    /// Not failures: unknown properties in lenient mode.
    pub warnings: Vec<SchemaIssue>,
    /// Not failures: unknown properties that Microsoft's metadata declares (only with
    /// [`SchemaRegistry::with_metadata`]). Each message is [`drift_message`]'s.
    pub drift: Vec<SchemaIssue>,
}

/// The one wording of a metadata-known property the documented schema lacks.
pub fn drift_message(type_name: &str, property: &str, edm: &str) -> String {
    format!(
        "drift: {type_name}.{property} ({edm}) is in Microsoft's metadata but not in the documented schema"
    )
}

impl SchemaOutcome {
    pub fn is_valid(&self) -> bool {
        self.violations.is_empty()
    }
}

/// One finding: where in the instance, which schema keyword, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct SchemaIssue {
    /// JSON Pointer into the instance (`""` is the root).
    pub instance_path: String,
    /// The failing keyword's location: `<file>.json#/<pointer>` for builtin schemas.
    pub schema_path: String,
    /// The keyword (`required`, `type`, `enum`, `format`, `additionalProperties`, …).
    pub rule: String,
    pub message: String,
}

impl fmt::Display for SchemaIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = if self.instance_path.is_empty() {
            "(root)"
        } else {
            self.instance_path.as_str()
        };
        write!(
            f,
            "at {at}: {} [rule `{}`, schema {}]",
            self.message, self.rule, self.schema_path
        )
    }
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum SchemaError {
    #[error("unknown schema type `{0}` (`tgconform schema list` prints every type)")]
    UnknownType(String),
    #[error("schema type `{0}` has no collection form `{0}[]`")]
    NotACollection(String),
    #[error("no schema files")]
    Empty,
    #[error("{}: {message}", path.display())]
    Io { path: PathBuf, message: String },
    #[error("{}: not JSON: {message}", path.display())]
    Parse { path: PathBuf, message: String },
    #[error("{}: the schema has no `$id`", path.display())]
    MissingId { path: PathBuf },
    #[error("`$id` {id} is used by both {} and {}", first.display(), second.display())]
    DuplicateId {
        id: String,
        first: PathBuf,
        second: PathBuf,
    },
    #[error("unresolvable `$ref`{}: {message}", path.as_ref().map(|p| format!(" in {}", p.display())).unwrap_or_default())]
    Reference {
        path: Option<PathBuf>,
        message: String,
    },
    #[error("{}: cannot compile: {message}", path.display())]
    Compile { path: PathBuf, message: String },
}

#[cfg(test)]
mod tests;
