//! One scenario run → the text of its `.snap` file, in insta's format (a YAML header
//! between `---` lines, then the YAML body), so `cargo insta review` reads it.

use std::path::Path;

use serde::Serialize;
use serde_json::Value;

use super::SnapshotError;
use super::doc::{SnapshotDoc, document, document_with, redact};
use super::shape::{EnumVocabulary, shape};
use crate::report::Masker;
use crate::runner::ScenarioOutcome;
use crate::scenario::{Scenario, SnapshotMode};

/// How one scenario's snapshot is made.
#[derive(Debug, Clone, Copy)]
pub struct Recipe<'a> {
    pub mode: SnapshotMode,
    /// Selector redactions, each applied within every step's `body`: the scenario's
    /// `redact:` first, then the profile's.
    pub redactions: &'a [(String, String)],
    /// Secrets (tokens) to mask; JWT-shaped strings are masked anyway.
    pub masker: &'a Masker,
    /// Which properties hold enum values (shape mode keeps those).
    pub enums: &'a EnumVocabulary,
}

/// The snapshot of one scenario run, ready to compare or write.
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    /// File stem of the scenario: the file is `<stem>.snap`.
    pub stem: String,
    pub header: Header,
    /// The YAML body, secrets masked.
    pub body: String,
}

/// insta's metadata block. It names the scenario file (`source`, `input_file`) and the
/// snapshotted steps (`info`), so `cargo insta review` shows where a change comes from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Header {
    pub source: String,
    /// The line of the first snapshotted step; pending files only, as insta does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assertion_line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub info: Info,
    pub input_file: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Info {
    /// `value` or `shape`.
    pub mode: &'static str,
    /// The snapshotted steps, in the order they ran.
    pub steps: Vec<String>,
}

impl Rendered {
    /// The whole file: `pending` adds the assertion line (a `.snap.new` file).
    pub fn file_text(&self, pending: bool) -> String {
        let mut header = self.header.clone();
        if !pending {
            header.assertion_line = None;
        }
        let meta = Recipe::serialize(&header, &insta::Settings::new());
        format!("---\n{meta}---\n{}\n", self.body)
    }
}

impl Recipe<'_> {
    /// Render the snapshot of `outcome`; `None` when no step of it was snapshotted.
    /// Paths in the header are relative to `workspace` when they are under it.
    pub fn render(
        &self,
        scenario: &Scenario,
        outcome: &ScenarioOutcome,
        workspace: &Path,
    ) -> Result<Option<Rendered>, SnapshotError> {
        if outcome.snapshot.is_empty() {
            return Ok(None);
        }
        // Shape works on the raw body (a redacted id would no longer look like a GUID);
        // the values it keeps are redacted after it.
        let mut doc: SnapshotDoc = match self.mode {
            SnapshotMode::Value => document(outcome),
            SnapshotMode::Shape => document_with(outcome, |body, known| {
                redact(&shape(body, self.enums), known)
            }),
        };
        for s in &mut doc.steps {
            // Masked value by value, before the YAML is written: `***` put into YAML
            // text afterwards could change its meaning (an unquoted `*` is an alias).
            s.body = mask(&s.body, self.masker);
            s.request = self.masker.mask(&s.request);
        }
        let mut settings = insta::Settings::new();
        settings.set_sort_maps(true);
        for (selector, replacement) in self.redactions {
            check_selector(selector).map_err(|message| SnapshotError::Selector {
                selector: selector.clone(),
                message,
            })?;
            settings.add_redaction(&scoped(selector), replacement.as_str());
        }
        let body = Recipe::serialize(&doc, &settings);
        let steps: Vec<String> = doc.steps.iter().map(|s| s.step.clone()).collect();
        let first_line = steps.first().and_then(|name| {
            outcome
                .steps
                .iter()
                .find(|s| &s.name == name)
                .map(|s| s.span.line)
        });
        let path = display_path(&scenario.path, workspace);
        let description = scenario.description.trim();
        Ok(Some(Rendered {
            stem: scenario.stem.clone(),
            header: Header {
                source: path.clone(),
                assertion_line: first_line.and_then(|l| u32::try_from(l).ok()),
                description: (!description.is_empty()).then(|| description.to_string()),
                info: Info {
                    mode: self.mode.as_str(),
                    steps,
                },
                input_file: path,
            },
            body: self.masker.mask(body.trim_end()),
        }))
    }

    /// insta's YAML serializer, as `assert_yaml_snapshot!` uses it, so bodies match
    /// what the `cargo test` harness always wrote (the serializer is not public API;
    /// the insta version is pinned in Cargo.lock, and the embedded mock's snapshots
    /// under `snapshots/` fail `cargo test` if its output ever changes).
    fn serialize<T: Serialize>(value: &T, settings: &insta::Settings) -> String {
        settings.bind(|| {
            insta::_macro_support::serialize_value(
                value,
                insta::_macro_support::SerializationFormat::Yaml,
            )
        })
    }
}

fn mask(v: &Value, masker: &Masker) -> Value {
    match v {
        Value::String(s) => Value::String(masker.mask(s)),
        Value::Array(items) => Value::Array(items.iter().map(|i| mask(i, masker)).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (masker.mask(k), mask(v, masker)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Check an insta selector without panicking (`Settings::add_redaction` panics on a bad one).
pub fn check_selector(selector: &str) -> Result<(), String> {
    let err = |column: usize| format!("syntax error at column {column}");
    insta::_macro_support::Selector::parse(selector).map_err(|e| err(e.column()))?;
    let scoped = scoped(selector);
    insta::_macro_support::Selector::parse(&scoped).map_err(|e| err(e.column()))?;
    Ok(())
}

/// A selector written against a response body, applied to every step's body of the
/// document (`.id` → `.steps[].body.id`; `.a, .b` → both scoped).
fn scoped(selector: &str) -> String {
    let mut alternatives = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in selector.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                current.push(c);
            }
            ',' if !quoted => alternatives.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    alternatives.push(current);
    alternatives
        .iter()
        .map(|a| a.trim())
        .filter(|a| !a.is_empty())
        .map(|a| match a {
            "." => ".steps[].body".to_string(),
            a => format!(".steps[].body{a}"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `path` relative to `base` with `/` separators when it is under `base`, else as given.
pub(crate) fn display_path(path: &Path, base: &Path) -> String {
    let rel = path
        .strip_prefix(base)
        .ok()
        .filter(|r| !r.as_os_str().is_empty());
    let p = rel.unwrap_or(path);
    p.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
        .replace("//", "/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runner::{SnapshotEntry, Status};
    use crate::scenario::{LoadOptions, load_str};
    use serde_json::json;

    const SCENARIO: &str = "name: Read it\ndescription: Reads.\nactors: [governing]\nsteps:\n  - name: read\n    as: governing\n    request: {method: GET, path: /x}\n    expect: {status: 200}\n    snapshot: true\n";

    fn scenario() -> Scenario {
        let s = load_str(
            Path::new("/repo/scenarios/read.yaml"),
            SCENARIO,
            &LoadOptions::default(),
        );
        s.unwrap_or_else(|e| panic!("{e}"))
    }

    fn outcome(body: serde_json::Value) -> ScenarioOutcome {
        let mut o = ScenarioOutcome::skipped(&crate::plan::ScenarioMeta::of(&scenario()), "");
        o.status = Status::Passed;
        o.snapshot.push(SnapshotEntry {
            step: "read".into(),
            method: "GET".into(),
            path: "/x".into(),
            status: 200,
            body,
        });
        o
    }

    fn render(
        body: serde_json::Value,
        mode: SnapshotMode,
        redact: &[(String, String)],
    ) -> Rendered {
        let masker = Masker::new(vec!["sekret-token-value".into()]);
        let enums = EnumVocabulary::of(["status"]);
        let r = Recipe {
            mode,
            redactions: redact,
            masker: &masker,
            enums: &enums,
        }
        .render(&scenario(), &outcome(body), Path::new("/repo"));
        match r {
            Ok(Some(r)) => r,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_header_names_the_scenario_file_and_steps() {
        let r = render(json!({"a": 1}), SnapshotMode::Value, &[]);
        let text = r.file_text(false);
        assert!(
            text.starts_with("---\nsource: scenarios/read.yaml\ndescription: Reads.\ninfo:\n  mode: value\n  steps:\n    - read\ninput_file: scenarios/read.yaml\n---\n"),
            "{text}"
        );
        assert!(!text.contains("src/snapshot"), "{text}");
    }

    #[test]
    fn the_body_is_insta_yaml_with_sorted_keys() {
        let r = render(json!({"b": 1, "a": "x"}), SnapshotMode::Value, &[]);
        assert_eq!(
            r.body,
            "scenario: Read it\nsteps:\n  - step: read\n    request: GET /x\n    status: 200\n    body:\n      a: x\n      b: 1"
        );
    }

    #[test]
    fn redaction_selectors_apply_within_each_body() {
        let redact = vec![
            (".name".to_string(), "[name]".to_string()),
            ("[\"@odata.id\"], .other".to_string(), "[gone]".to_string()),
        ];
        let r = render(
            json!({"name": "n", "@odata.id": "i", "other": 2, "keep": "k"}),
            SnapshotMode::Value,
            &redact,
        );
        assert!(r.body.contains("name: \"[name]\""), "{}", r.body);
        assert!(r.body.contains("\"@odata.id\": \"[gone]\""), "{}", r.body);
        assert!(r.body.contains("other: \"[gone]\""), "{}", r.body);
        assert!(r.body.contains("keep: k"), "{}", r.body);
    }

    #[test]
    fn a_bad_selector_is_an_error_not_a_panic() {
        let masker = Masker::default();
        let enums = EnumVocabulary::default();
        let redact = vec![(".a[".to_string(), "x".to_string())];
        let r = Recipe {
            mode: SnapshotMode::Value,
            redactions: &redact,
            masker: &masker,
            enums: &enums,
        }
        .render(&scenario(), &outcome(json!({})), Path::new("/repo"));
        assert!(matches!(r, Err(SnapshotError::Selector { .. })), "{r:?}");
    }

    #[test]
    fn secrets_in_bodies_are_masked() {
        let r = render(
            json!({"echo": "Bearer sekret-token-value"}),
            SnapshotMode::Value,
            &[],
        );
        assert!(!r.body.contains("sekret-token-value"), "{}", r.body);
        assert!(r.body.contains("echo: Bearer ***"), "{}", r.body);
    }

    #[test]
    fn shape_mode_says_so_in_the_header_and_body() {
        let r = render(
            json!({"status": "active", "n": "x"}),
            SnapshotMode::Shape,
            &[],
        );
        assert_eq!(r.header.info.mode, "shape");
        assert!(r.body.contains("n: \"[string]\""), "{}", r.body);
        assert!(r.body.contains("status: active"), "{}", r.body);
    }

    #[test]
    fn shape_mode_types_known_ids_and_redacts_the_values_it_keeps() {
        let id = "aaaaaaaa-0000-1111-2222-bbbbbbbbbbbb";
        let mut o = outcome(json!({"tenantId": id, "@odata.id": format!("x/{id}")}));
        o.dynamic_values
            .push(("governing.tenantId".into(), id.into()));
        let masker = Masker::default();
        let enums = EnumVocabulary::default();
        let r = Recipe {
            mode: SnapshotMode::Shape,
            redactions: &[],
            masker: &masker,
            enums: &enums,
        }
        .render(&scenario(), &o, Path::new("/repo"));
        let body = r
            .map(|r| r.map(|r| r.body).unwrap_or_default())
            .unwrap_or_default();
        assert!(body.contains("tenantId: \"[uuid]\""), "{body}");
        assert!(
            body.contains("\"@odata.id\": \"x/[governing.tenantId]\""),
            "{body}"
        );
    }

    #[test]
    fn pending_files_carry_the_line_of_the_first_snapshotted_step() {
        let mut o = outcome(json!({}));
        let s = scenario();
        o.steps.push(crate::runner::StepOutcome {
            name: "read".into(),
            phase: crate::scenario::StepPhase::Main,
            actor: "governing".into(),
            span: s.steps[0].span,
            status: crate::runner::Status::Passed,
            exchange: None,
            failures: vec![],
            warnings: vec![],
            checks: vec![],
            envelope: vec![],
        });
        let masker = Masker::default();
        let enums = EnumVocabulary::default();
        let r = Recipe {
            mode: SnapshotMode::Value,
            redactions: &[],
            masker: &masker,
            enums: &enums,
        }
        .render(&s, &o, Path::new("/repo"));
        let r = match r {
            Ok(Some(r)) => r,
            other => panic!("{other:?}"),
        };
        assert!(r.file_text(true).contains("assertion_line: 5\n"));
        assert!(!r.file_text(false).contains("assertion_line"));
    }

    #[test]
    fn paths_outside_the_workspace_stay_as_given() {
        assert_eq!(
            display_path(Path::new("/elsewhere/s.yaml"), Path::new("/repo")),
            "/elsewhere/s.yaml"
        );
        assert_eq!(
            display_path(Path::new("/repo/scenarios/s.yaml"), Path::new("/repo")),
            "scenarios/s.yaml"
        );
    }
}
