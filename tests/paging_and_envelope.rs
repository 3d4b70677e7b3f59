//! `paging:` and the Graph envelope against loopback servers that misbehave in one way
//! each: a list that never ends, a link that repeats, a link to another origin, a page
//! over `$top`, an item twice; and a server without Graph's envelope, judged with and
//! without `--skip-tag inferred`.

mod common;

use axum::extract::Query;
use axum::routing::get;
use common::{StubServer, scratch_dir, tgconform, write};
use serde_json::{Value, json};
use std::collections::HashMap;

const LIST: &str = "/beta/directory/tenantGovernance/governancePolicyTemplates";

/// A scenario reading the template list with `$top=1`, following its links.
fn paging_scenario(max_pages: u32) -> String {
    format!(
        r#"name: page through the templates
actors: [governing]
steps:
  - name: every page
    as: governing
    paging: {{maxPages: {max_pages}}}
    request:
      method: GET
      path: /directory/tenantGovernance/governancePolicyTemplates
      query: {{$top: "1"}}
    expect:
      status: 200
"#
    )
}

/// A list server: page `n` (query `page`) answers what `page` returns for it.
fn list_server(page: fn(&str, u32) -> Value) -> StubServer {
    let app = axum::Router::new().route(
        LIST,
        get(
            move |Query(q): Query<HashMap<String, String>>,
                  headers: axum::http::HeaderMap| async move {
                let host = headers
                    .get("host")
                    .and_then(|h| h.to_str().ok())
                    .unwrap_or("127.0.0.1")
                    .to_string();
                let n = q.get("page").and_then(|p| p.parse().ok()).unwrap_or(1);
                axum::Json(page(&format!("http://{host}{LIST}"), n))
            },
        ),
    );
    StubServer::start(app)
}

fn item(id: &str) -> Value {
    json!({"id": id, "displayName": id})
}

fn run(server: &StubServer, case: &str, scenario: &str, extra: &[&str]) -> (i32, String) {
    let dir = scratch_dir(case);
    write(&dir, "s.yaml", scenario);
    let base = server.base_url();
    let mut args = vec![
        "run",
        "--scenarios",
        dir.to_str().unwrap_or(""),
        "--target",
        &base,
    ];
    args.extend_from_slice(extra);
    let (code, out, err) = tgconform(&args);
    (code, format!("{out}\n{err}"))
}

#[test]
fn a_list_that_ends_is_read_to_its_last_page_and_judged_whole() {
    let server = list_server(|url, n| {
        let mut page = json!({"value": [item(&format!("t{n}"))]});
        if n < 3 {
            page["@odata.nextLink"] = json!(format!("{url}?page={}", n + 1));
        }
        page
    });
    let scenario = paging_scenario(5).replace(
        "      status: 200\n",
        "      status: 200\n      json:\n        $.value: {length: 3}\n        \"$.value[?@.id == 't3']\": {count: 1}\n        $['@odata.nextLink']: {absent: true}\n",
    );
    let (code, out) = run(&server, "paging-ends", &scenario, &[]);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn a_list_longer_than_max_pages_fails_naming_the_bound() {
    let server = list_server(
        |url, n| json!({"value": [item(&format!("t{n}"))], "@odata.nextLink": format!("{url}?page={}", n + 1)}),
    );
    let (code, out) = run(&server, "paging-bound", &paging_scenario(3), &[]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("the list did not end within 3 pages (paging.maxPages)"),
        "{out}"
    );
}

#[test]
fn a_link_that_repeats_fails_before_it_loops() {
    let server = list_server(|url, n| {
        // Page 2 links back to itself.
        json!({"value": [item(&format!("t{n}"))], "@odata.nextLink": format!("{url}?page=2")})
    });
    let (code, out) = run(&server, "paging-repeat", &paging_scenario(50), &[]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("the @odata.nextLink of page 2 repeats the link that led to page 2"),
        "{out}"
    );
}

#[test]
fn a_link_to_another_origin_is_not_followed() {
    let server = list_server(
        |_, _| json!({"value": [item("t1")], "@odata.nextLink": "https://elsewhere.example/beta/x?page=2"}),
    );
    let (code, out) = run(&server, "paging-origin", &paging_scenario(50), &[]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("is not on the target's origin"), "{out}");
}

#[test]
fn a_page_over_top_and_an_item_twice_are_findings() {
    let server = list_server(|url, n| match n {
        1 => json!({"value": [item("a"), item("b")], "@odata.nextLink": format!("{url}?page=2")}),
        _ => json!({"value": [item("a")]}),
    });
    let (code, out) = run(&server, "paging-dups", &paging_scenario(50), &[]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("page 1 holds 2 items, more than $top=1"),
        "{out}"
    );
    assert!(
        out.contains("item `a` comes twice: on page 1 and on page 2"),
        "{out}"
    );
}

const SETTINGS: &str = r#"name: read the settings
actors: [governing]
steps:
  - name: read
    as: governing
    request: {method: GET, path: /directory/tenantGovernance/settings}
    expect: {status: 200}
"#;

/// Settings without any of Graph's envelope, and a local-time date-time.
fn bare_server() -> StubServer {
    let app = axum::Router::new().route(
        "/beta/directory/tenantGovernance/settings",
        get(|| async {
            axum::Json(json!({"canReceiveInvitations": false, "lastChangeDateTime": "2026-01-01T10:00:00+01:00"}))
        }),
    );
    StubServer::start_bare(app)
}

#[test]
fn the_envelope_judges_every_exchange_and_names_each_rule() {
    let server = bare_server();
    let (code, out) = run(&server, "envelope-all", SETTINGS, &[]);
    assert_eq!(code, 1, "{out}");
    for rule in [
        "GRAPH-REQUEST-ID",
        "GRAPH-CLIENT-REQUEST-ID",
        "GRAPH-ODATA-CONTEXT",
        "GRAPH-UTC-TIMESTAMPS",
    ] {
        assert!(out.contains(&format!("envelope ({rule})")), "{rule}: {out}");
    }
}

#[test]
fn skipping_inferred_leaves_the_documented_and_platform_envelope_checks() {
    let server = bare_server();
    let (code, out) = run(
        &server,
        "envelope-documented",
        SETTINGS,
        &["--skip-tag", "inferred"],
    );
    assert_eq!(code, 1, "{out}");
    for rule in [
        "GRAPH-UTC-TIMESTAMPS",
        "GRAPH-REQUEST-ID",
        "GRAPH-ODATA-CONTEXT",
    ] {
        assert!(out.contains(&format!("envelope ({rule})")), "{rule}: {out}");
    }
    assert!(
        !out.contains("GRAPH-CLIENT-REQUEST-ID"),
        "the echo is an opinion: {out}"
    );
}
