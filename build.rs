//! Generates the list of scenario and fixture files built into the binary
//! (`$OUT_DIR/embedded_suite.rs`, included by `src/embedded_suite.rs`), so a file
//! added to `scenarios/` is embedded without anyone editing a list.

// Cargo reads a build script's instructions from its stdout.
#![allow(clippy::print_stdout)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?);
    let scenarios = manifest.join("scenarios");
    let fixtures = scenarios.join("fixtures");
    // A directory is watched as a whole: adding, removing or editing a file reruns this.
    println!("cargo::rerun-if-changed=scenarios");
    let mut out = String::from(
        "pub static SUITE: tgconform::cli::EmbeddedSuite = tgconform::cli::EmbeddedSuite {\n",
    );
    for (field, dir) in [("scenarios", &scenarios), ("fixtures", &fixtures)] {
        writeln!(out, "    {field}: &[")?;
        for name in yaml_files(dir)? {
            let path = dir.join(&name);
            writeln!(
                out,
                "        ({name:?}, include_str!({:?})),",
                path.display().to_string()
            )?;
        }
        writeln!(out, "    ],")?;
    }
    out.push_str("};\n");
    let dest = PathBuf::from(std::env::var("OUT_DIR")?).join("embedded_suite.rs");
    std::fs::write(dest, out)?;
    Ok(())
}

/// The `*.yaml` files of `dir`, by name.
fn yaml_files(dir: &Path) -> Result<Vec<String>, Box<dyn std::error::Error>> {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".yaml") && entry.file_type()?.is_file() {
            names.push(name);
        }
    }
    names.sort();
    Ok(names)
}
