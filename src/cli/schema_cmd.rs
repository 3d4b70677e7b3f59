use std::io::Read as _;

use super::args::SchemaCommand;
use super::error::{CliError, usage};
use crate::schema::SchemaRegistry;

pub(crate) fn schema(cmd: SchemaCommand) -> Result<(), CliError> {
    let registry = SchemaRegistry::builtin().map_err(usage)?;
    match cmd {
        SchemaCommand::Scenario => print(editor_schema(EditorFile::Scenario, &registry)),
        SchemaCommand::Fixture => print(editor_schema(EditorFile::Fixture, &registry)),
        SchemaCommand::Profile => print(editor_schema(EditorFile::Profile, &registry)),
        SchemaCommand::Diff(args) => super::drift::schema_diff(args, &registry),
        SchemaCommand::List => {
            for t in registry.type_names() {
                outln!("{t}");
            }
            Ok(())
        }
        SchemaCommand::Validate {
            type_name,
            mode,
            file,
        } => {
            let text = if file.as_os_str() == "-" {
                let mut s = String::new();
                std::io::stdin()
                    .read_to_string(&mut s)
                    .map_err(|e| usage(format!("cannot read stdin: {e}")))?;
                s
            } else {
                std::fs::read_to_string(&file)
                    .map_err(|e| usage(format!("cannot read {}: {e}", file.display())))?
            };
            let value = match crate::judge::parse_json_strict(text.as_bytes()) {
                Ok(v) => v,
                Err(e) => {
                    // Not JSON is a finding about the payload, not a usage error.
                    errln!("error: {}: not JSON: {e}", file.display());
                    return Err(CliError::Failed);
                }
            };
            match registry.validate(&type_name, &value, mode.into()) {
                Err(e) => {
                    let base = type_name.trim_end_matches("[]");
                    let names = registry.type_names();
                    let hint =
                        crate::scenario::did_you_mean(base, names.iter().map(String::as_str))
                            .map(|near| {
                                let suffix = if type_name.ends_with("[]") { "[]" } else { "" };
                                format!("\n  = hint: did you mean `{near}{suffix}`?")
                            })
                            .unwrap_or_default();
                    Err(usage(format!("{e}{hint}")))
                }
                Ok(outcome) => {
                    for w in &outcome.warnings {
                        outln!("warning: {w}");
                    }
                    for v in &outcome.violations {
                        outln!("error: {v}");
                    }
                    if outcome.is_valid() {
                        outln!("valid {type_name}");
                        Ok(())
                    } else {
                        outln!("{} violation(s)", outcome.violations.len());
                        Err(CliError::Failed)
                    }
                }
            }
        }
    }
}

/// The files an editor schema describes.
#[derive(Debug, Clone, Copy)]
pub(crate) enum EditorFile {
    Scenario,
    Fixture,
    Profile,
}

/// The JSON Schema of one kind of tgconform file, as `tgconform schema KIND` prints it
/// (without the final newline), so `init` writes byte for byte what `editor/` commits.
pub(crate) fn editor_schema(
    kind: EditorFile,
    registry: &SchemaRegistry,
) -> Result<String, CliError> {
    let value = match kind {
        EditorFile::Scenario => crate::scenario::editor_schema(
            crate::scenario::EditorSchema::Scenario,
            &registry.type_names(),
        ),
        EditorFile::Fixture => crate::scenario::editor_schema(
            crate::scenario::EditorSchema::Fixture,
            &registry.type_names(),
        ),
        EditorFile::Profile => crate::endpoint::profile_schema(),
    };
    serde_json::to_string_pretty(&value)
        .map_err(|e| usage(format!("cannot render the schema: {e}")))
}

fn print(text: Result<String, CliError>) -> Result<(), CliError> {
    outln!("{}", text?);
    Ok(())
}
