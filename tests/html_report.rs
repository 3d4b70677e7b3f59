//! `--html FILE`, checked twice: the page parsed here (content, masking, no external
//! assets), and loaded in a real headless browser where Debian's `chromium` is
//! installed (no console errors, the script ran, the failing step is on the page).

// Test code: a panic is how a check fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::{Path, PathBuf};

use axum::Json;
use axum::http::HeaderMap;
use axum::routing::get;
use common::{StubServer, scratch_dir, write};
use quick_xml::Reader;
use quick_xml::events::Event;
use serde_json::json;

/// A token the report must never show, though the target echoes it back.
const CANARY: &str = "canary-4f1d2e-not-a-real-token";

const PASS: &str = "name: reads settings\ntags: [seed]\nactors: [governing]\nsteps:\n  - name: read\n    as: governing\n    request: {method: GET, path: /directory/tenantGovernance/settings}\n    expect:\n      status: 200\n    checks: [SET-GET-200]\n";
const FAIL: &str = "name: wants invitations on\ntags: [seed, negative]\nactors: [governing]\nsteps:\n  - name: read the setting\n    as: governing\n    request: {method: GET, path: /directory/tenantGovernance/settings}\n    expect:\n      status: 200\n      json:\n        $.canReceiveInvitations: true\n    checks: [SET-GET-200]\n";
const SKIP: &str = "name: needs two tenants\ntags: [lifecycle]\nactors: [governing, governed]\nsteps:\n  - name: read\n    as: governed\n    request: {method: GET, path: /directory/tenantGovernance/settings}\n    expect:\n      status: 200\n";
const PROFILE: &str = "actors:\n  governing:\n    tenantId: 11111111-1111-1111-1111-111111111111\n    tenantName: Contoso\n    token: {env: TG_HTML_CANARY}\n";

/// A run with a passed, a failed and a skipped scenario against a target that echoes
/// the bearer token; the report's path and text.
fn report(name: &str) -> (PathBuf, String) {
    let app = axum::Router::new().route(
        "/beta/directory/tenantGovernance/settings",
        get(|headers: HeaderMap| async move {
            let auth = headers
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string();
            Json(json!({"canReceiveInvitations": false, "echo": auth}))
        }),
    );
    let server = StubServer::start(app);
    let dir = scratch_dir(name);
    let scen = dir.join("scenarios");
    write(&scen, "reads-settings.yaml", PASS);
    write(&scen, "wants-invitations.yaml", FAIL);
    write(&scen, "needs-two.yaml", SKIP);
    let profile = write(&dir, "profile.yaml", PROFILE);
    let html = dir.join("report.html");
    let out = common::tgconform_command()
        .args(["run", "--scenarios"])
        .arg(&scen)
        .args(["--target", &server.base_url(), "--profile"])
        .arg(&profile)
        .arg("--html")
        .arg(&html)
        .env("TG_HTML_CANARY", CANARY)
        .output()
        .expect("run tgconform");
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&html).expect("the HTML report is written");
    (html, text)
}

/// One element of the page: its path of tag names, attributes, and its text content.
#[derive(Debug, Clone)]
struct El {
    tag: String,
    attrs: Vec<(String, String)>,
    text: String,
    /// Indices of the enclosing elements, outermost first.
    parents: Vec<usize>,
}

impl El {
    fn attr(&self, k: &str) -> Option<&str> {
        self.attrs.iter().find(|a| a.0 == k).map(|a| a.1.as_str())
    }

    fn has_class(&self, c: &str) -> bool {
        self.attr("class")
            .is_some_and(|v| v.split_whitespace().any(|x| x == c))
    }
}

/// Every element with its full text (descendants' text included). The page is
/// well-formed XML by design, so an XML reader is enough.
fn parse(html: &str) -> Vec<El> {
    let mut reader = Reader::from_str(html);
    let mut els: Vec<El> = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    loop {
        let ev = reader
            .read_event()
            .unwrap_or_else(|e| panic!("the page is well-formed XML: {e}"));
        let text = match &ev {
            Event::Start(e) | Event::Empty(e) => {
                let attrs = e
                    .attributes()
                    .filter_map(Result::ok)
                    .map(|a| {
                        (
                            String::from_utf8_lossy(a.key.as_ref()).into_owned(),
                            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                                .map(|v| v.into_owned())
                                .unwrap_or_default(),
                        )
                    })
                    .collect();
                els.push(El {
                    tag: String::from_utf8_lossy(e.name().as_ref()).into_owned(),
                    attrs,
                    text: String::new(),
                    parents: open.clone(),
                });
                if matches!(ev, Event::Start(_)) {
                    open.push(els.len() - 1);
                }
                continue;
            }
            Event::End(_) => {
                open.pop();
                continue;
            }
            Event::Text(t) => t.decode().map(|c| c.into_owned()).unwrap_or_default(),
            Event::CData(t) => t.decode().map(|c| c.into_owned()).unwrap_or_default(),
            Event::GeneralRef(r) => match r.resolve_char_ref() {
                Ok(Some(c)) => c.to_string(),
                _ => match r.decode().as_deref() {
                    Ok("amp") => "&".into(),
                    Ok("lt") => "<".into(),
                    Ok("gt") => ">".into(),
                    Ok("quot") => "\"".into(),
                    Ok("apos") => "'".into(),
                    _ => String::new(),
                },
            },
            Event::Eof => break,
            _ => continue,
        };
        for &i in &open {
            els[i].text.push_str(&text);
        }
    }
    els
}

fn find(els: &[El], pred: impl Fn(&El) -> bool) -> Vec<(usize, &El)> {
    els.iter().enumerate().filter(|(_, e)| pred(e)).collect()
}

/// The scenario block of `stem` and the index it has.
fn scenario<'a>(els: &'a [El], stem: &str) -> (usize, &'a El) {
    let id = format!("scenario-{stem}");
    find(els, |e| e.attr("id") == Some(id.as_str()))
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("no block for {stem}"))
}

#[test]
fn the_html_report_has_a_summary_with_the_totals() {
    let (_, html) = report("html-summary");
    let els = parse(&html);
    let title = find(&els, |e| e.tag == "title");
    assert_eq!(title.len(), 1);
    assert!(
        title[0].1.text.contains("1 passed, 1 failed, 1 skipped"),
        "{}",
        title[0].1.text
    );
    let verdict = find(&els, |e| e.attr("id") == Some("verdict"));
    assert!(verdict[0].1.has_class("failed"), "{:?}", verdict[0].1);
    let facts = find(&els, |e| e.tag == "dl").pop().expect("facts").1;
    for k in ["target", "started", "wall time", "rules checked", "jobs"] {
        assert!(facts.text.contains(k), "{k} missing in {}", facts.text);
    }
}

#[test]
fn every_scenario_has_a_block_with_its_status_and_tags_for_the_filters() {
    let (_, html) = report("html-scenarios");
    let els = parse(&html);
    let (_, fail) = scenario(&els, "wants-invitations");
    assert_eq!(fail.attr("data-status"), Some("failed"));
    assert_eq!(fail.attr("data-tags"), Some("seed negative"));
    assert_eq!(fail.attr("open"), Some("open"), "failures start open");
    let (_, pass) = scenario(&els, "reads-settings");
    assert_eq!(pass.attr("data-status"), Some("passed"));
    assert_eq!(pass.attr("open"), None);
    let (_, skip) = scenario(&els, "needs-two");
    assert_eq!(skip.attr("data-status"), Some("skipped"));
    assert!(
        skip.text
            .contains("the profile defines no actor `governed`"),
        "{}",
        skip.text
    );
    let boxes: Vec<&str> = find(&els, |e| {
        e.tag == "input" && e.attr("name") == Some("status")
    })
    .iter()
    .filter_map(|(_, e)| e.attr("value"))
    .collect();
    assert_eq!(boxes, vec!["failed", "passed", "skipped"]);
    let tags: Vec<&str> = find(&els, |e| e.tag == "option")
        .iter()
        .filter(|(_, e)| {
            e.parents
                .iter()
                .any(|&p| els[p].attr("name") == Some("tag"))
        })
        .filter_map(|(_, e)| e.attr("value"))
        .collect();
    assert_eq!(tags, vec!["", "lifecycle", "negative", "seed"]);
}

#[test]
fn a_failed_step_shows_expected_and_actual_side_by_side() {
    let (_, html) = report("html-failure");
    let els = parse(&html);
    let (fail_at, _) = scenario(&els, "wants-invitations");
    let step = find(&els, |e| {
        e.tag == "li"
            && e.attr("data-step") == Some("read the setting")
            && e.parents.contains(&fail_at)
    });
    assert_eq!(step.len(), 1, "the failing step is listed once");
    let (step_at, step) = step[0];
    assert_eq!(step.attr("data-status"), Some("failed"));
    let inside = |class: &str| {
        find(&els, |e| e.has_class(class) && e.parents.contains(&step_at))
            .into_iter()
            .map(|(_, e)| e.text.clone())
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(inside("expected").trim(), "true");
    assert_eq!(inside("actual").trim(), "false");
    assert!(
        inside("at").contains("wants-invitations.yaml:11:"),
        "{}",
        inside("at")
    );
    let expect = inside("expect");
    assert!(expect.contains("$.canReceiveInvitations: true"), "{expect}");
    assert!(expect.contains("status: 200"), "{expect}");
    let bad = inside("bad");
    assert!(
        bad.contains("$.canReceiveInvitations"),
        "the failing line is marked: {bad}"
    );
    let body = inside("actual-body");
    assert!(body.starts_with("HTTP 200"), "{body}");
    assert!(body.contains("\"canReceiveInvitations\": false"), "{body}");
}

#[test]
fn each_step_shows_its_request_and_response() {
    let (_, html) = report("html-exchange");
    let els = parse(&html);
    let (pass_at, _) = scenario(&els, "reads-settings");
    let of = |class: &str| {
        find(&els, |e| e.has_class(class) && e.parents.contains(&pass_at))
            .first()
            .map(|(_, e)| e.text.clone())
            .unwrap_or_default()
    };
    let req = of("request");
    assert!(
        req.contains("GET http://127.0.0.1:")
            && req.contains("/beta/directory/tenantGovernance/settings"),
        "{req}"
    );
    let resp = of("response");
    assert!(
        resp.contains("HTTP 200") && resp.contains("content-type: application/json"),
        "{resp}"
    );
}

#[test]
fn tokens_are_masked_even_when_the_target_echoes_them() {
    let (_, html) = report("html-mask");
    assert!(
        !html.contains(CANARY),
        "the token leaked into the HTML report"
    );
    assert!(
        html.contains("echo&quot;: &quot;Bearer ***&quot;"),
        "the echo is shown masked"
    );
}

#[test]
fn the_page_loads_nothing_from_anywhere() {
    let (_, html) = report("html-offline");
    let els = parse(&html);
    let csp = find(&els, |e| {
        e.attr("http-equiv") == Some("Content-Security-Policy")
    });
    assert!(
        csp[0]
            .1
            .attr("content")
            .is_some_and(|c| c.starts_with("default-src 'none'")),
        "{:?}",
        csp
    );
    for e in &els {
        for (k, v) in &e.attrs {
            assert!(
                !(k == "src" || (k == "href" && !v.starts_with('#'))),
                "<{} {k}=\"{v}\"> points outside the page",
                e.tag
            );
        }
        assert!(
            e.tag != "link" && e.tag != "img" && e.tag != "iframe",
            "<{}>",
            e.tag
        );
    }
}

#[test]
fn the_rule_coverage_matrix_has_a_row_per_rule_and_a_column_per_checking_scenario() {
    let (_, html) = report("html-matrix");
    let els = parse(&html);
    let rows = find(&els, |e| e.tag == "tr" && e.has_class("rule"));
    let catalogue = tgconform::contract::rules::builtin().expect("catalogue");
    assert_eq!(rows.len(), catalogue.rules.len());
    let cols: Vec<String> = find(&els, |e| e.tag == "th" && e.has_class("col"))
        .iter()
        .map(|(_, e)| e.text.clone())
        .collect();
    assert_eq!(cols, vec!["reads-settings", "wants-invitations"]);
    let (row_at, row) = rows
        .iter()
        .find(|(_, r)| r.text.starts_with("SET-GET-200"))
        .copied()
        .expect("a row for SET-GET-200");
    assert_eq!(row.attr("data-rule-status"), Some("checked"));
    let cells: Vec<String> = find(&els, |e| e.tag == "td" && e.parents.last() == Some(&row_at))
        .iter()
        .filter(|(_, e)| e.has_class("cell"))
        .map(|(_, e)| e.attr("class").unwrap_or_default().to_string())
        .collect();
    assert_eq!(cells, vec!["cell passed", "cell failed"]);
}

fn chromium() -> Option<PathBuf> {
    let paths = std::env::var_os("PATH")?;
    std::env::split_paths(&paths)
        .flat_map(|p| ["chromium", "chromium-browser"].map(|n| p.join(n)))
        .find(|p| p.is_file())
}

/// The page as a headless Chromium leaves it after its script ran, and what the
/// browser logged.
fn in_browser(browser: &Path, page: &Path, fragment: &str, profile: &Path) -> (String, String) {
    let url = format!("file://{}{fragment}", page.display());
    let out = std::process::Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("--dump-dom")
        .arg(&url)
        .output()
        .expect("start chromium");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_headless_browser_loads_the_page_without_console_errors_and_finds_the_failing_step() {
    let Some(browser) = chromium() else {
        eprintln!(
            "skipped: chromium is not installed (Debian: apt-get install -y chromium); the parsed-page tests above still ran"
        );
        return;
    };
    let (page, _) = report("html-browser");
    let profile = scratch_dir("html-browser-profile");
    let (dom, log) = in_browser(&browser, &page, "#status=failed", &profile);
    let console: Vec<&str> = log.lines().filter(|l| l.contains(":CONSOLE")).collect();
    assert!(
        console.is_empty(),
        "the page logged:\n{}",
        console.join("\n")
    );
    assert!(
        dom.contains("data-ready=\"yes\""),
        "the script did not finish:\n{}",
        &dom[..dom.len().min(2000)]
    );
    assert!(!dom.contains("data-errors="), "the script reported errors");
    // The failing step is on the page, open, inside its failed scenario; the fragment
    // hid the others.
    let step = dom
        .find("data-step=\"read the setting\"")
        .expect("the failing step is in the DOM");
    let block = &dom[dom[..step].rfind("<details class=\"scenario").unwrap_or(0)..step];
    assert!(block.contains("data-status=\"failed\""), "{block}");
    assert!(
        !block.contains(" hidden"),
        "the failed scenario is shown: {block}"
    );
    let pass = dom
        .find("id=\"scenario-reads-settings\"")
        .expect("the passing scenario is in the DOM");
    let pass_tag = &dom[dom[..pass].rfind('<').unwrap_or(0)..pass + 200];
    assert!(
        pass_tag.contains("hidden"),
        "#status=failed hides it: {pass_tag}"
    );
    assert!(
        dom.contains("1 of 3 shown"),
        "the filter counted what it shows"
    );
}
