//! The JUnit report against a common JUnit schema: the Jenkins xUnit plugin's
//! `junit-10.xsd` (vendored in `tests/fixtures/`, source and licence beside it).
//!
//! Two checks: a Rust one that always runs (elements, attributes, required attributes
//! and pattern types, read from the XSD itself, which is all this schema constrains
//! besides occurrence counts of `choice` groups that allow any number), and
//! `xmllint --schema`, where xmllint is installed.

// Test code: a panic is how a check fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use axum::Json;
use axum::routing::get;
use common::{StubServer, scratch_dir, write};
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use serde_json::json;

const XSD: &str = include_str!("fixtures/junit-10.xsd");

const PASS: &str = "name: pass\nactors: [governing]\nsteps:\n  - name: read\n    as: governing\n    request: {method: GET, path: /directory/tenantGovernance/settings}\n    expect:\n      status: 200\n";
const FAIL: &str = "name: fail\nactors: [governing]\nsteps:\n  - name: read\n    as: governing\n    request: {method: GET, path: /directory/tenantGovernance/settings}\n    expect:\n      status: 200\n      json:\n        $.canReceiveInvitations: true\n";
/// Needs an actor the profile below lacks: skipped with a reason.
const SKIP: &str = "name: skip\nactors: [governing, governed]\nsteps:\n  - name: read\n    as: governed\n    request: {method: GET, path: /directory/tenantGovernance/settings}\n    expect:\n      status: 200\n";
const PROFILE: &str = "actors:\n  governing:\n    tenantId: 11111111-1111-1111-1111-111111111111\n    tenantName: Contoso\n    token:\n      mock: {scp: all}\n";

/// A run with a passed, a failed and a skipped scenario; the JUnit file's text.
fn junit_of_a_run(name: &str) -> (PathBuf, String) {
    let app = axum::Router::new().route(
        "/beta/directory/tenantGovernance/settings",
        get(|| async { Json(json!({"canReceiveInvitations": false})) }),
    );
    let server = StubServer::start(app);
    let dir = scratch_dir(name);
    let scen = dir.join("scenarios");
    write(&scen, "pass.yaml", PASS);
    write(&scen, "fail.yaml", FAIL);
    write(&scen, "skip.yaml", SKIP);
    let profile = write(&dir, "profile.yaml", PROFILE);
    let junit = dir.join("junit.xml");
    let out = common::tgconform_command()
        .args(["run", "--scenarios"])
        .arg(&scen)
        .args(["--target", &server.base_url(), "--profile"])
        .arg(&profile)
        .arg("--junit")
        .arg(&junit)
        .output()
        .expect("run tgconform");
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let xml = std::fs::read_to_string(&junit).expect("the JUnit report is written");
    (junit, xml)
}

/// What the XSD allows for one element (or named complex type).
#[derive(Debug, Default, Clone)]
struct Decl {
    /// name → (type, required)
    attrs: BTreeMap<String, (String, bool)>,
    children: BTreeSet<String>,
    /// `type="…"` of the element: a simple type (text only) or a named complex type.
    type_ref: Option<String>,
}

#[derive(Debug, Default)]
struct Schema {
    elements: BTreeMap<String, Decl>,
    complex_types: BTreeMap<String, Decl>,
    /// simple type name → anchored regex of its `xs:pattern`
    patterns: BTreeMap<String, regex::Regex>,
}

fn attr(e: &BytesStart<'_>, key: &str) -> Option<String> {
    e.attributes()
        .filter_map(Result::ok)
        .find(|a| a.key.as_ref() == key.as_bytes())
        .and_then(|a| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
}

impl Schema {
    fn parse(xsd: &str) -> Schema {
        let mut schema = Schema::default();
        let mut reader = Reader::from_str(xsd);
        reader.config_mut().trim_text(true);
        // (kind, name) of the top-level declaration being read, and the depth below it.
        let mut current: Option<(&'static str, String)> = None;
        let mut simple: Option<String> = None;
        let mut depth = 0usize;
        loop {
            let ev = reader.read_event().expect("the XSD is well-formed");
            let (e, empty) = match &ev {
                Event::Start(e) => (e.clone(), false),
                Event::Empty(e) => (e.clone(), true),
                Event::End(_) => {
                    depth -= 1;
                    if depth <= 1 {
                        current = None;
                        simple = None;
                    }
                    continue;
                }
                Event::Eof => break,
                _ => continue,
            };
            let tag = String::from_utf8_lossy(e.name().as_ref()).into_owned();
            if depth == 1 {
                let name = attr(&e, "name").unwrap_or_default();
                match tag.as_str() {
                    "xs:element" => {
                        let decl = schema.elements.entry(name.clone()).or_default();
                        decl.type_ref = attr(&e, "type");
                        current = Some(("element", name));
                    }
                    "xs:complexType" => {
                        schema.complex_types.entry(name.clone()).or_default();
                        current = Some(("type", name));
                    }
                    "xs:simpleType" => simple = Some(name),
                    _ => {}
                }
            } else if let Some((kind, name)) = &current {
                let decl = match *kind {
                    "element" => schema.elements.get_mut(name),
                    _ => schema.complex_types.get_mut(name),
                }
                .expect("declared above");
                match tag.as_str() {
                    "xs:element" => {
                        if let Some(r) = attr(&e, "ref").or_else(|| attr(&e, "name")) {
                            decl.children.insert(r);
                        }
                    }
                    "xs:attribute" => {
                        let n = attr(&e, "name").expect("attributes are named");
                        let ty = attr(&e, "type").unwrap_or_else(|| "xs:string".into());
                        let required = attr(&e, "use").as_deref() == Some("required");
                        decl.attrs.insert(n, (ty, required));
                    }
                    _ => {}
                }
            } else if let Some(name) = &simple
                && tag == "xs:pattern"
            {
                let p = attr(&e, "value").expect("a pattern has a value");
                let re = regex::Regex::new(&format!("^(?:{p})$")).expect("the pattern compiles");
                schema.patterns.insert(name.clone(), re);
            }
            if !empty {
                depth += 1;
            }
        }
        schema
    }

    /// The declaration governing an element's content: its own, or its named type's.
    fn decl(&self, element: &str) -> Option<Decl> {
        let d = self.elements.get(element)?;
        match d.type_ref.as_deref() {
            Some(t) if self.complex_types.contains_key(t) => self.complex_types.get(t).cloned(),
            _ => Some(d.clone()),
        }
    }

    /// Every way `xml` breaks the schema, as readable lines (empty: valid).
    fn violations(&self, xml: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut reader = Reader::from_str(xml);
        let mut stack: Vec<String> = Vec::new();
        loop {
            let ev = match reader.read_event() {
                Ok(ev) => ev,
                Err(e) => {
                    out.push(format!("not well-formed: {e}"));
                    break;
                }
            };
            let (e, empty) = match &ev {
                Event::Start(e) => (e.clone(), false),
                Event::Empty(e) => (e.clone(), true),
                Event::End(_) => {
                    stack.pop();
                    continue;
                }
                Event::Eof => break,
                _ => continue,
            };
            let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
            let path = format!("{}/{name}", stack.join("/"));
            match stack.last().and_then(|p| self.decl(p)) {
                Some(parent) if !parent.children.contains(&name) => {
                    out.push(format!("{path}: not allowed inside <{}>", stack.join("/")));
                }
                None if stack.is_empty() && !self.elements.contains_key(&name) => {
                    out.push(format!("{path}: not a root element of the schema"));
                }
                _ => {}
            }
            let Some(decl) = self.decl(&name) else {
                out.push(format!("{path}: the schema declares no such element"));
                stack.push(name);
                continue;
            };
            let mut seen = BTreeSet::new();
            for a in e.attributes().filter_map(Result::ok) {
                let key = String::from_utf8_lossy(a.key.as_ref()).into_owned();
                let value = a
                    .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .map(|v| v.into_owned())
                    .unwrap_or_default();
                match decl.attrs.get(&key) {
                    None => out.push(format!("{path}: attribute `{key}` is not allowed")),
                    Some((ty, _)) => {
                        if let Some(re) = self.patterns.get(ty)
                            && !re.is_match(&value)
                        {
                            out.push(format!("{path}: `{key}=\"{value}\"` does not match {ty}"));
                        }
                    }
                }
                seen.insert(key);
            }
            for (a, (_, required)) in &decl.attrs {
                if *required && !seen.contains(a) {
                    out.push(format!("{path}: required attribute `{a}` is missing"));
                }
            }
            if !empty {
                stack.push(name);
            }
        }
        out
    }
}

#[test]
fn the_rust_schema_check_reads_the_vendored_xsd() {
    let s = Schema::parse(XSD);
    let case = s.decl("testcase").expect("testcase is declared");
    assert!(case.attrs.get("name").is_some_and(|a| a.1), "{case:?}");
    assert!(case.children.contains("failure"), "{case:?}");
    assert!(s.patterns.contains_key("SUREFIRE_TIME"));
}

#[test]
fn the_rust_schema_check_rejects_what_the_xsd_forbids() {
    let s = Schema::parse(XSD);
    // `timestamp` belongs on <testsuite>, not <testsuites>; `tests` is required on
    // <testsuite>; a time with a comma-less four-digit fraction breaks SUREFIRE_TIME.
    let bad = r#"<testsuites timestamp="2026-01-01T00:00:00Z"><testsuite name="x" failures="0" errors="0" time="1.2345"><testcase name="a"><bogus/></testcase></testsuite></testsuites>"#;
    let v = s.violations(bad);
    let text = v.join("\n");
    assert!(
        text.contains("attribute `timestamp` is not allowed"),
        "{text}"
    );
    assert!(
        text.contains("required attribute `tests` is missing"),
        "{text}"
    );
    assert!(text.contains("does not match SUREFIRE_TIME"), "{text}");
    assert!(text.contains("bogus: not allowed inside"), "{text}");
}

#[test]
fn the_junit_report_is_valid_against_the_jenkins_junit_xsd() {
    let (_, xml) = junit_of_a_run("junit-xsd-rust");
    let v = Schema::parse(XSD).violations(&xml);
    assert!(v.is_empty(), "{}\n\n{xml}", v.join("\n"));
}

#[test]
fn the_junit_suite_has_time_timestamp_and_hostname_and_each_case_a_time() {
    let (_, xml) = junit_of_a_run("junit-attrs");
    let mut reader = Reader::from_str(&xml);
    let mut suite = None;
    let mut case_times = Vec::new();
    loop {
        match reader.read_event().expect("well-formed") {
            Event::Start(e) | Event::Empty(e) => match e.name().as_ref() {
                b"testsuite" => {
                    suite = Some((
                        attr(&e, "time"),
                        attr(&e, "timestamp"),
                        attr(&e, "hostname"),
                    ))
                }
                b"testcase" => case_times.push(attr(&e, "time")),
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    let (time, timestamp, hostname) = suite.expect("a testsuite");
    let time: f64 = time.expect("time").parse().expect("time is seconds");
    assert!(time >= 0.0);
    let ts = timestamp.expect("timestamp");
    assert!(
        chrono::DateTime::parse_from_rfc3339(&ts).is_ok(),
        "timestamp `{ts}` is RFC 3339"
    );
    assert!(!hostname.expect("hostname").is_empty());
    assert_eq!(case_times.len(), 3, "{xml}");
    for t in case_times {
        let t = t.expect("each testcase has a time");
        assert!(t.parse::<f64>().is_ok(), "case time `{t}`");
    }
}

fn xmllint() -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join("xmllint"))
            .find(|p| p.is_file())
    })
}

#[test]
fn the_junit_report_passes_xmllint_with_the_xsd_where_xmllint_is_installed() {
    let Some(lint) = xmllint() else {
        eprintln!(
            "skipped: xmllint is not installed (Debian: apt-get install libxml2-utils); the Rust check above still ran"
        );
        return;
    };
    let (junit, _) = junit_of_a_run("junit-xsd-xmllint");
    let xsd = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/junit-10.xsd");
    let out = std::process::Command::new(lint)
        .args(["--noout", "--nonet", "--schema"])
        .arg(&xsd)
        .arg(&junit)
        .output()
        .expect("run xmllint");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
