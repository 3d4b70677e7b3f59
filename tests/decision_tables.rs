//! The mock's decisions table is written three times (docs/mock.md, the module docs of
//! src/mock/mod.rs and README.md) so each reader finds it where they look; the copies
//! drift unless a test holds them together. docs/mock.md is the reference.

// Test code: a panic is how a check fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

const HEADER: &str = "| Topic | The mock's choice | Why / source |";

/// The rows of the table that starts with `HEADER` in `file`, each line with `prefix`
/// removed.
fn table(file: &str, prefix: &str) -> Vec<String> {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(file))
        .unwrap_or_else(|e| panic!("{file}: {e}"));
    let rows: Vec<String> = text
        .lines()
        .filter_map(|l| l.strip_prefix(prefix))
        .skip_while(|l| *l != HEADER)
        .take_while(|l| l.starts_with('|'))
        .map(str::to_string)
        .collect();
    assert!(rows.len() > 2, "{file} has no decisions table");
    rows
}

#[test]
fn the_readme_copy_is_the_table_of_docs_mock_md() {
    assert_eq!(table("README.md", ""), table("docs/mock.md", ""));
}

#[test]
fn the_module_docs_copy_is_the_table_of_docs_mock_md() {
    assert_eq!(table("src/mock/mod.rs", "//! "), table("docs/mock.md", ""));
}
