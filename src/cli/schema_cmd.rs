use std::io::Read as _;

use super::args::SchemaCommand;
use super::error::{CliError, usage};
use crate::schema::SchemaRegistry;

pub(crate) fn schema(cmd: SchemaCommand) -> Result<(), CliError> {
    let registry = SchemaRegistry::builtin().map_err(usage)?;
    match cmd {
        SchemaCommand::List => {
            for t in registry.type_names() {
                println!("{t}");
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
                    eprintln!("error: {}: not JSON: {e}", file.display());
                    return Err(CliError::Failed);
                }
            };
            match registry.validate(&type_name, &value, mode.into()) {
                Err(e) => Err(usage(e)),
                Ok(outcome) => {
                    for w in &outcome.warnings {
                        println!("warning: {w}");
                    }
                    for v in &outcome.violations {
                        println!("error: {v}");
                    }
                    if outcome.is_valid() {
                        println!("valid {type_name}");
                        Ok(())
                    } else {
                        println!("{} violation(s)", outcome.violations.len());
                        Err(CliError::Failed)
                    }
                }
            }
        }
    }
}
