//! `tgconform schema diff`: the schemas against Microsoft's metadata of the namespace.
//! Exit 0 in step (acknowledged differences allowed), 1 on drift, 2 when the metadata
//! cannot be read.

use std::collections::BTreeMap;

use serde_json::json;

use super::args::SchemaDiffArgs;
use super::error::{CliError, usage};
use crate::metadata::{self, Difference, SchemaSet, Status};
use crate::schema::SchemaRegistry;

pub(crate) fn diff(args: SchemaDiffArgs, registry: &SchemaRegistry) -> Result<(), CliError> {
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
