//! The permission tables: every identity the suite names is minted by the built-in
//! profile, and a profile that lacks some of them skips exactly their cases (with the
//! reason), names every case in JUnit, and still passes.

mod common;

use std::path::Path;

use common::{scratch_dir, tgconform, write};
use tgconform::endpoint::Profile;
use tgconform::scenario::{self, LoadOptions};

#[test]
fn every_actor_of_the_suite_is_in_the_builtin_profile() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let profile = Profile::builtin();
    let mut missing = Vec::new();
    for file in scenario::discover(&dir).unwrap_or_else(|e| panic!("{e}")) {
        let s =
            scenario::load_file(&file, &LoadOptions::default()).unwrap_or_else(|e| panic!("{e}"));
        for actor in s.actors.iter().chain(&s.optional_actors) {
            if !profile.actors.contains_key(actor) {
                missing.push(format!("{}: {actor}", s.stem));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "the built-in profile lacks: {}",
        missing.join(", ")
    );
}

/// The administrator and one identity of the settings table, nothing else.
const PARTIAL_PROFILE: &str = r#"actors:
  governed:
    tenantId: fresh
    tenantName: Fabrikam
    token: {mock: {scp: all, wids: [tenantGovernanceAdministrator]}}
  governedNoRole:
    sameTenantAs: governed
    token: {mock: {scp: all, wids: []}}
"#;

/// Runs the scenarios of `scenarios` with [`PARTIAL_PROFILE`]; it must pass.
/// (stdout, the JUnit report).
fn run_with_partial_profile(dir: &Path, scenarios: &Path) -> (String, String) {
    let profile = write(dir, "partial.yaml", PARTIAL_PROFILE);
    let junit = dir.join("junit.xml");
    let (code, out, err) = tgconform(&[
        "run",
        "--scenarios",
        scenarios.to_str().unwrap_or(""),
        "--profile",
        profile.to_str().unwrap_or(""),
        "--junit",
        junit.to_str().unwrap_or(""),
    ]);
    assert_eq!(code, 0, "{out}\n{err}");
    (out, std::fs::read_to_string(&junit).unwrap_or_default())
}

#[test]
fn a_profile_without_some_identities_skips_their_cases_and_passes() {
    let dir = scratch_dir("perm-partial-profile");
    let scenarios = dir.join("scenarios");
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/permissions-settings.yaml");
    let text = std::fs::read_to_string(&source).unwrap_or_default();
    write(&scenarios, "permissions-settings.yaml", &text);
    let (out, xml) = run_with_partial_profile(&dir, &scenarios);
    assert!(out.contains("1 passed, 0 failed, 0 skipped"), "{out}");
    assert!(
        xml.contains("refused to turn them on [identity=governedNoRole] [governedNoRole]: ok"),
        "{xml}"
    );
    assert!(
        xml.contains(
            "refused to turn them on [identity=governedGlobalReader] [governedGlobalReader]: skipped (the profile defines no actor `governedGlobalReader`)"
        ),
        "{xml}"
    );
    assert!(
        xml.contains("allowed to turn them on [identity=governed] [governed]: ok"),
        "{xml}"
    );
}

const PROPAGATION: &str = r#"name: a capture of a skipped case
actors: [governed]
optionalActors: [governedTemplateWriter]
steps:
  - name: create a template as the optional identity
    as: governedTemplateWriter
    request:
      method: POST
      path: /directory/tenantGovernance/governancePolicyTemplates
      json: {displayName: x, description: y, multiTenantApplicationsToProvision: [], delegatedAdministrationRoleAssignments: []}
    expect:
      status: 201
    capture:
      templateId: $.id
  - name: read it as the administrator
    as: governed
    request:
      method: GET
      path: /directory/tenantGovernance/governancePolicyTemplates/{{ templateId }}
    expect:
      status: 200
  - name: the administrator still reads the list
    as: governed
    request:
      method: GET
      path: /directory/tenantGovernance/governancePolicyTemplates
    expect:
      status: 200
"#;

#[test]
fn steps_that_need_a_capture_of_a_skipped_identity_are_skipped_too() {
    let dir = scratch_dir("perm-propagation");
    let scenarios = dir.join("scenarios");
    write(&scenarios, "propagation.yaml", PROPAGATION);
    let (_, xml) = run_with_partial_profile(&dir, &scenarios);
    assert!(
        xml.contains("read it as the administrator [governed]: skipped (needs `templateId`, which was not captured (the profile defines no actor `governedTemplateWriter`))"),
        "{xml}"
    );
    assert!(
        xml.contains("the administrator still reads the list [governed]: ok"),
        "{xml}"
    );
}

#[test]
fn the_readme_example_of_parameterised_steps_passes_with_its_cases_named() {
    let dir = scratch_dir("perm-readme-example");
    let source = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/readme/parameterised-steps.yaml");
    let text = std::fs::read_to_string(&source).unwrap_or_default();
    write(&dir, "parameterised-steps.yaml", &text);
    let (code, out, err) = tgconform(&["run", "-v", "--scenarios", dir.to_str().unwrap_or("")]);
    assert_eq!(code, 0, "{out}\n{err}");
    for case in [
        "governedNoSettingScope",
        "governedAppAll",
        "governedGlobalReader",
    ] {
        assert!(
            out.contains(&format!("refused to write settings [identity={case}]")),
            "{out}"
        );
    }
}
