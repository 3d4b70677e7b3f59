//! Microsoft's metadata on the command line: `tgconform schema diff` (the schemas
//! against the metadata: exit 0 in step, known differences allowed; 1 on drift; 2 when
//! the metadata cannot be read) and `run --metadata FILE|live` (the properties the
//! metadata knows are drift warnings, not unknown-property failures).

use std::collections::BTreeMap;
use std::path::Path;

use std::time::Duration;

use serde_json::json;

use super::args::SchemaDiffArgs;
use super::error::{CliError, usage};
use crate::engine::Target;
use crate::metadata::{self, Difference, SchemaSet, Status};
use crate::schema::SchemaRegistry;

/// `run --metadata`: the schemas, with the properties the metadata declares. `live`
/// reads `{target}/$metadata` once; against the embedded mock that is the document the
/// mock serves (generated from these schemas, so it adds nothing).
pub(crate) fn run_schemas(
    schemas: SchemaRegistry,
    source: &str,
    target: &Target,
    timeout: Duration,
) -> Result<SchemaRegistry, CliError> {
    let (label, csdl) = match (source, target) {
        ("live", Target::Url { base_url, .. }) => (
            metadata::metadata_url(base_url),
            // The whole of Graph beta's document is tens of megabytes.
            metadata::fetch(base_url, timeout.max(Duration::from_secs(120))),
        ),
        ("live", Target::Embedded(_)) => (
            "the embedded mock's $metadata".to_string(),
            metadata::builtin_document()
                .map_err(|e| metadata::MetadataError::Read {
                    what: "the embedded mock's $metadata".into(),
                    message: e.to_string(),
                })
                .and_then(metadata::parse),
        ),
        (file, _) => (file.to_string(), metadata::read_file(Path::new(file))),
    };
    let csdl = csdl.map_err(|e| usage(format!("--metadata: {e}")))?;
    let known = metadata::known_properties(&csdl, &SchemaSet::from_registry(&schemas));
    errln!(
        "metadata: {label} ({} types; a property it declares and the schemas do not is a drift warning)",
        csdl.types.len()
    );
    Ok(schemas.with_metadata(known))
}

pub(crate) fn schema_diff(args: SchemaDiffArgs, registry: &SchemaRegistry) -> Result<(), CliError> {
    let (source, csdl) = match (&args.csdl, &args.target) {
        (Some(path), _) => (
            path.display().to_string(),
            metadata::read_file(path).map_err(usage)?,
        ),
        (None, Some(url)) => {
            let timeout = crate::scenario::parse_duration(&args.timeout)
                .ok()
                .filter(|t| !t.is_zero())
                .ok_or_else(|| usage("--timeout: write a duration such as 30s or 500ms"))?;
            (
                metadata::metadata_url(url),
                metadata::fetch(url, timeout).map_err(usage)?,
            )
        }
        (None, None) => return Err(usage("give --csdl FILE or --target URL")),
    };
    let differences = metadata::diff(&csdl, &SchemaSet::from_registry(registry));
    let drift = differences
        .iter()
        .filter(|d| d.status == Status::Drift)
        .count();
    if args.json {
        let report = json!({
            "metadata": source,
            "namespace": crate::contract::NAMESPACE,
            "in_step": drift == 0,
            "drift": drift,
            "acknowledged": differences.len() - drift,
            "differences": differences,
        });
        let text = serde_json::to_string_pretty(&report)
            .map_err(|e| usage(format!("cannot render the JSON: {e}")))?;
        outln!("{text}");
    } else {
        crate::report::out(&table(&source, &differences, drift));
    }
    if drift == 0 {
        Ok(())
    } else {
        Err(CliError::Failed)
    }
}

/// The human report: drift first, then the acknowledged differences with a numbered note
/// per reason.
fn table(source: &str, differences: &[Difference], drift: usize) -> String {
    let mut out = format!("metadata: {source}\nschemas: built-in\n\n");
    if differences.is_empty() {
        out.push_str("in step: no difference\n");
        return out;
    }
    let mut notes: BTreeMap<&str, usize> = BTreeMap::new();
    let mut order: Vec<&str> = Vec::new();
    let mut rows: Vec<[String; 5]> = vec![[
        "STATUS".into(),
        "CHANGE".into(),
        "WHERE".into(),
        "SCHEMAS".into(),
        "METADATA".into(),
    ]];
    let sorted = differences
        .iter()
        .filter(|d| d.status == Status::Drift)
        .chain(differences.iter().filter(|d| d.status != Status::Drift));
    for d in sorted {
        let status = match (d.status, d.reason) {
            (Status::Drift, _) => "drift".to_string(),
            (Status::Acknowledged, Some(reason)) => {
                let n = *notes.entry(reason).or_insert_with(|| {
                    order.push(reason);
                    order.len()
                });
                format!("known [{n}]")
            }
            (Status::Acknowledged, None) => "known".to_string(),
        };
        let kind = match d.kind {
            "property" | "type" => d.change.as_str().to_string(),
            k => format!("{} ({k})", d.change.as_str()),
        };
        rows.push([
            status,
            kind,
            d.location(),
            d.schema.clone().unwrap_or_else(|| "–".into()),
            d.metadata.clone().unwrap_or_else(|| "–".into()),
        ]);
    }
    let mut widths = [0usize; 5];
    for r in &rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    for r in &rows {
        let mut line = String::new();
        for (i, (c, w)) in r.iter().zip(widths).enumerate() {
            line.push_str(c);
            if i + 1 < r.len() {
                line.push_str(&" ".repeat(w - c.chars().count() + 2));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    if !order.is_empty() {
        out.push_str("\nknown: deviations the schemas make on purpose (not drift)\n");
        for (i, reason) in order.iter().enumerate() {
            out.push_str(&format!("  [{}] {reason}\n", i + 1));
        }
    }
    let known = differences.len() - drift;
    out.push_str("\nadded: only in the metadata; removed: only in the schemas\n");
    out.push_str(&format!(
        "{} difference(s): {drift} drift, {known} known{}\n",
        differences.len(),
        if drift == 0 {
            "; in step"
        } else {
            " (exit code 1)"
        }
    ));
    out
}
