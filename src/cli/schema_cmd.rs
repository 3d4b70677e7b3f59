use std::io::Read as _;

use super::args::SchemaCommand;
use super::{EXIT_FAILED, EXIT_OK, EXIT_USAGE};
use crate::schema::{SchemaMode, SchemaRegistry};

pub(crate) fn schema(cmd: SchemaCommand) -> u8 {
    let registry = match SchemaRegistry::builtin() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    match cmd {
        SchemaCommand::List => {
            for t in registry.type_names() {
                println!("{t}");
            }
            EXIT_OK
        }
        SchemaCommand::Validate {
            type_name,
            mode,
            file,
        } => {
            let text = if file.as_os_str() == "-" {
                let mut s = String::new();
                if let Err(e) = std::io::stdin().read_to_string(&mut s) {
                    eprintln!("error: cannot read stdin: {e}");
                    return EXIT_USAGE;
                }
                s
            } else {
                match std::fs::read_to_string(&file) {
                    Ok(s) => s,
                    Err(e) => {
                        eprintln!("error: cannot read {}: {e}", file.display());
                        return EXIT_USAGE;
                    }
                }
            };
            let value = match crate::judge::parse_json_strict(text.as_bytes()) {
                Ok(v) => v,
                Err(e) => {
                    eprintln!("error: {}: not JSON: {e}", file.display());
                    return EXIT_FAILED;
                }
            };
            let mode = if mode == "lenient" {
                SchemaMode::Lenient
            } else {
                SchemaMode::Strict
            };
            match registry.validate(&type_name, &value, mode) {
                Err(e) => {
                    eprintln!("error: {e}");
                    EXIT_USAGE
                }
                Ok(outcome) => {
                    for w in &outcome.warnings {
                        println!("warning: {w}");
                    }
                    for v in &outcome.violations {
                        println!("error: {v}");
                    }
                    if outcome.is_valid() {
                        println!("valid {type_name}");
                        EXIT_OK
                    } else {
                        println!("{} violation(s)", outcome.violations.len());
                        EXIT_FAILED
                    }
                }
            }
        }
    }
}
