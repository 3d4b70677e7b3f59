//! STUB (replaced by the schema branch on merge).
#![allow(dead_code, unused_variables)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SchemaMode {
    Strict,
    Lenient,
}
#[derive(Clone)]
pub struct SchemaRegistry;
impl SchemaRegistry {
    pub fn builtin() -> Result<Self, SchemaError> {
        Ok(SchemaRegistry)
    }
    pub fn from_dir(dir: &std::path::Path) -> Result<Self, SchemaError> {
        Ok(SchemaRegistry)
    }
    pub fn type_names(&self) -> Vec<String> {
        [
            "governanceRequest",
            "governanceInvitation",
            "governanceRelationship",
            "governancePolicyTemplate",
            "tenantGovernanceSetting",
            "relatedTenant",
            "relatedTenantsRefreshStatus",
            "graphError",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    }
    pub fn contains(&self, type_name: &str) -> bool {
        true
    }
    pub fn validate(
        &self,
        type_name: &str,
        instance: &serde_json::Value,
        mode: SchemaMode,
    ) -> Result<SchemaOutcome, SchemaError> {
        Ok(SchemaOutcome::default())
    }
}
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SchemaOutcome {
    pub violations: Vec<SchemaIssue>,
    pub warnings: Vec<SchemaIssue>,
}
impl SchemaOutcome {
    pub fn is_valid(&self) -> bool {
        self.violations.is_empty()
    }
}
#[derive(Debug, Clone, PartialEq)]
pub struct SchemaIssue {
    pub instance_path: String,
    pub schema_path: String,
    pub rule: String,
    pub message: String,
}
impl std::fmt::Display for SchemaIssue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "at {}: {}", self.instance_path, self.message)
    }
}
#[derive(Debug, thiserror::Error)]
pub enum SchemaError {
    #[error("unknown schema type `{0}`")]
    UnknownType(String),
}
