//! `docs/contract.md` is generated from the rule catalogue (`src/contract/rules.yaml`);
//! this test fails when it is stale.

use std::path::Path;

use tgconform::contract::rules::{builtin, render_markdown};

#[test]
fn contract_md_is_generated_from_the_catalogue() {
    let catalogue = match builtin() {
        Ok(c) => c,
        Err(e) => panic!("{e}"),
    };
    let want = render_markdown(catalogue);
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/contract.md");
    if std::env::var_os("TGCONFORM_BLESS").is_some() {
        if let Err(e) = std::fs::write(&path, &want) {
            panic!("cannot write {}: {e}", path.display());
        }
        return;
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "docs/contract.md is stale: it is generated from src/contract/rules.yaml. \
         Regenerate it with `TGCONFORM_BLESS=1 cargo test --test contract_doc` and commit the result."
    );
}
