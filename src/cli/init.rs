//! `tgconform init [DIR]`: a starter folder laid out like this repository, so that
//! `tgconform run` in it runs its scenarios, editors complete its files, and pending
//! snapshots stay out of version control.

use std::path::{Path, PathBuf};

use super::error::{CliError, usage};
use super::schema_cmd::{EditorFile, editor_schema};
use crate::schema::SchemaRegistry;

/// A read-only scenario (safe on real tenants too) that uses a built-in fixture; it
/// passes against the embedded mock as written (a test runs it).
const SCENARIO: &str = r#"# yaml-language-server: $schema=../editor/scenario.schema.json
# A first scenario. In the folder above this one:
#   tgconform run                                      # every scenario here, against the embedded mock
#   tgconform run --profile profiles/my-target.yaml    # against the target the profile names
# Keys, matchers and templates: the README's "Scenario format"; `tgconform list
# --fixtures` lists the fixtures `use:` can take (yours in scenarios/fixtures/, and the
# built-in ones).
name: A policy template can be read by its id
description: >
  The governing tenant finds a policy template (the built-in fixture `policy-template`)
  and reads it by its id.
tags: [starter]
actors: [governing]
steps:
  - use: policy-template              # built in; provides `templateId`
    with: {as: governing}
  - name: read the template
    as: governing
    request:
      method: GET
      path: /directory/tenantGovernance/governancePolicyTemplates/{{ templateId }}
    expect:
      status: 200
      schema: governancePolicyTemplate
      json:
        $.id: "{{ templateId }}"
    # snapshot: true                  # record the answer in snapshots/; the first run
    #                                 # records it with `tgconform run --snapshots new`
"#;

/// The shape of the built-in profile (`profiles/embedded-mock.yaml`), commented.
const PROFILE: &str = r#"# yaml-language-server: $schema=../editor/profile.schema.json
# A profile maps the actors scenarios name to tenants and token sources, for one target:
#   tgconform run --profile profiles/my-target.yaml
# As written it has the shape of the built-in profile (the README's "Actors, profiles
# and mock tokens"): mock tokens and a new tenant per scenario run, against the
# embedded mock. Runs with this profile keep their snapshots in snapshots/my-target/
# (`snapshots: DIR` names another folder).
#
# Another mock (`tgconform serve --control`, or your own), by its base URL:
# target: http://127.0.0.1:8080/beta
#
# Real tenants (the README's "Run against your tenants"): each actor's tenant id and
# name, and a token source instead of `mock:`, e.g.
#   token: {env: TGCONFORM_GOVERNING_TOKEN}
#   token: {command: "az account get-access-token --tenant <tenant id> --resource https://graph.microsoft.com --query accessToken -o tsv"}
# and a policy template's id under `vars:` (the `policy-template` fixture then sends nothing).

# What the target offers beyond the API: the mock's clock and tenant creation (the
# embedded mock and `tgconform serve --control` do; real tenants do not).
capabilities: [clock, add-on-tenants]
actors:
  governing:
    tenantId: fresh                   # `fresh`: a new tenant id per scenario run (mocks only)
    tenantName: Contoso
    token:
      # A mock token: an unsigned JWT with these claims (README, "Mock tokens").
      mock: {scp: all, wids: [tenantGovernanceAdministrator]}
  governed:
    tenantId: fresh
    tenantName: Fabrikam
    token:
      mock: {scp: all, wids: [tenantGovernanceAdministrator]}
  outsider:                           # a third tenant, for the isolation scenarios
    tenantId: fresh
    tenantName: Northwind Traders
    token:
      mock: {scp: all, wids: [tenantGovernanceAdministrator]}
# Values for scenario variables and fixtures, e.g. a real tenant's template:
# vars:
#   templateId: 00000000-0000-0000-0000-000000000000
"#;

/// Pending snapshots are for review, never for a commit.
const GITIGNORE: &str = "# pending snapshots, for `tgconform review`\n*.snap.new\n";

/// One file `init` writes.
struct Planned {
    /// Relative to the folder.
    path: &'static str,
    text: String,
}

pub(crate) fn init(dir: &Path) -> Result<(), CliError> {
    let registry = SchemaRegistry::builtin().map_err(usage)?;
    let schema = |kind| editor_schema(kind, &registry).map(|s| s + "\n");
    let files = [
        Planned {
            path: "scenarios/read-a-policy-template.yaml",
            text: SCENARIO.to_string(),
        },
        Planned {
            path: "profiles/my-target.yaml",
            text: PROFILE.to_string(),
        },
        Planned {
            path: "editor/scenario.schema.json",
            text: schema(EditorFile::Scenario)?,
        },
        Planned {
            path: "editor/fixture.schema.json",
            text: schema(EditorFile::Fixture)?,
        },
        Planned {
            path: "editor/profile.schema.json",
            text: schema(EditorFile::Profile)?,
        },
        Planned {
            path: ".gitignore",
            text: GITIGNORE.to_string(),
        },
    ];
    // All or nothing: a folder with some of these files already is someone's work.
    let existing: Vec<PathBuf> = files
        .iter()
        .map(|f| dir.join(f.path))
        .filter(|p| p.exists())
        .collect();
    if !existing.is_empty() {
        return Err(usage(format!(
            "these files exist already: {}; init overwrites nothing, so nothing was written (`tgconform init DIR` writes into another folder)",
            existing
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    for f in &files {
        let path = dir.join(f.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| usage(format!("cannot create {}: {e}", parent.display())))?;
        }
        // `create_new`: a file that appeared since the check above is still not overwritten.
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .and_then(|mut file| std::io::Write::write_all(&mut file, f.text.as_bytes()))
            .map_err(|e| usage(format!("cannot write {}: {e}", path.display())))?;
        outln!("wrote {}", path.display());
    }
    let cd = if dir == Path::new(".") {
        String::new()
    } else {
        format!("cd {} && ", dir.display())
    };
    outln!(
        "\nnext: {cd}tgconform run    (the scenarios of scenarios/ against the embedded mock)\n      {cd}tgconform run --profile profiles/my-target.yaml"
    );
    Ok(())
}
