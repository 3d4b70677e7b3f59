//! scenarios/README.md is the generated catalogue; it must match the scenario files.

mod common;

#[test]
fn the_scenario_catalogue_is_up_to_date() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios");
    let (code, out, err) = common::tgconform(&["list", "--markdown", "--scenarios", dir]);
    assert_eq!(code, 0, "{err}");
    let committed = std::fs::read_to_string(format!("{dir}/README.md")).unwrap_or_default();
    assert!(
        committed == out,
        "scenarios/README.md is stale: run `cargo run -- list --markdown > scenarios/README.md`"
    );
}
