//! `paging:`: follow a list's `@odata.nextLink` to the last page.
//!
//! Every page after the first is a GET of the link exactly as the target wrote it
//! (the `$skiptoken` is opaque), sent with the step's actor. The walk is bounded
//! (`maxPages`), stops with a clear finding on a link that repeats, and checks that
//! each page is a collection, holds at most the `$top` the step asked for, and that
//! no item (by `id`) comes twice. The step's expectations are then judged on the
//! first page's body with `value` holding the items of every page, so a scenario
//! asserts on the whole list.

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::execute::Runner;
use super::http::{HttpError, HttpFailure, HttpRequest, HttpResponse};
use super::state::RunState;
use crate::judge::{Finding, FindingKind};
use crate::scenario::{Paging, Step, StepPhase};

/// One page after the first.
pub(super) struct Page {
    /// 2 for the first followed link.
    pub number: u32,
    pub resp: HttpResponse,
    pub json: Option<Value>,
    pub client_request_id: String,
}

/// The result of a walk.
pub(super) struct Walk {
    pub pages: Vec<Page>,
    pub findings: Vec<Finding>,
    /// The first page's body with every page's items in `value` and no `nextLink`;
    /// `None` when the first page is not a collection (the judge says why).
    pub merged: Option<Value>,
}

/// Items seen so far, by key, with the page they came on.
struct Items {
    all: Vec<Value>,
    seen: HashMap<String, u32>,
}

impl Items {
    fn add(
        &mut self,
        page: u32,
        items: &[Value],
        findings: &mut Vec<Finding>,
        span: crate::scenario::Span,
    ) {
        for item in items {
            let key = item_key(item);
            if let Some(first) = self.seen.get(&key) {
                findings.push(Finding::new(
                    FindingKind::Paging,
                    span,
                    format!(
                        "item {} comes twice: on page {first} and on page {page}; following @odata.nextLink must reach every item exactly once",
                        crate::judge::printable(&clip(&key, 80))
                    ),
                ));
            } else {
                self.seen.insert(key, page);
            }
            self.all.push(item.clone());
        }
    }
}

impl Runner {
    /// Follow `first`'s `@odata.nextLink` to the last page.
    pub(super) async fn follow_pages(
        &self,
        step: &Step,
        paging: &Paging,
        first_req: &HttpRequest,
        first: Option<&Value>,
        state: &RunState<'_>,
        warnings: &mut Vec<String>,
    ) -> Walk {
        let span = paging.span;
        let mut walk = Walk {
            pages: Vec::new(),
            findings: Vec::new(),
            merged: None,
        };
        let Some(first_obj) = first.and_then(Value::as_object) else {
            return walk;
        };
        let Some(first_items) = first_obj.get("value").and_then(Value::as_array) else {
            return walk;
        };
        let top = top_of(&first_req.url);
        let mut items = Items {
            all: Vec::new(),
            seen: HashMap::new(),
        };
        check_top(1, first_items.len(), top, span, &mut walk.findings);
        items.add(1, first_items, &mut walk.findings, span);
        let mut followed: Vec<(u32, String)> = Vec::new();
        let mut next = first_obj.get("@odata.nextLink").cloned();
        let mut page_no = 1u32;
        while let Some(link) = next.take() {
            let fail = |m: String| Finding::new(FindingKind::Paging, span, m);
            let Value::String(link) = link else {
                walk.findings.push(fail(format!(
                    "the @odata.nextLink of page {page_no} is not a string"
                )));
                break;
            };
            let url = match resolve(&link, state.base_url) {
                Ok(u) => u,
                Err(why) => {
                    walk.findings.push(fail(format!("page {page_no}: {why}")));
                    break;
                }
            };
            if let Some((earlier, _)) = followed.iter().find(|(_, u)| *u == url) {
                walk.findings.push(fail(format!(
                    "the @odata.nextLink of page {page_no} repeats the link that led to page {earlier} ({}): following it would never end",
                    clip(&url, 200)
                )));
                break;
            }
            if page_no >= paging.max_pages {
                walk.findings.push(fail(format!(
                    "the list did not end within {} pages (paging.maxPages): page {page_no} still has an @odata.nextLink",
                    paging.max_pages
                )));
                break;
            }
            page_no += 1;
            followed.push((page_no, url.clone()));
            let req = HttpRequest {
                method: reqwest::Method::GET,
                url: url.clone(),
                headers: first_req
                    .headers
                    .iter()
                    .filter(|(k, _)| k != "client-request-id")
                    .cloned()
                    .collect(),
                body: None,
                bearer: first_req.bearer.clone(),
            };
            let crid = uuid::Uuid::new_v4().to_string();
            let send = self.send_politely(step, &req, &crid, state.actors, warnings);
            let sent = if step.phase == StepPhase::Main {
                tokio::select! {
                    r = send => r.result,
                    _ = self.interrupt().wait() => Err(HttpFailure::new(HttpError::Interrupted)),
                }
            } else {
                send.await.result
            };
            let resp = match sent {
                Ok((resp, _)) => resp,
                Err(f) => {
                    walk.findings.push(fail(format!(
                        "page {page_no} ({}): {}",
                        clip(&url, 200),
                        f.error
                    )));
                    break;
                }
            };
            let json = if resp.body.iter().all(u8::is_ascii_whitespace) {
                None
            } else {
                crate::judge::parse_json_strict(&resp.body).ok()
            };
            let status = resp.status;
            let page_items = json
                .as_ref()
                .and_then(|j| j.get("value"))
                .and_then(Value::as_array)
                .cloned();
            next = json
                .as_ref()
                .and_then(|j| j.get("@odata.nextLink"))
                .cloned();
            walk.pages.push(Page {
                number: page_no,
                resp,
                json,
                client_request_id: crid,
            });
            if !(200..300).contains(&status) {
                walk.findings.push(fail(format!(
                    "page {page_no} ({}) answered {status}: the list's own @odata.nextLink must lead to its next page",
                    clip(&url, 200)
                )));
                break;
            }
            let Some(page_items) = page_items else {
                walk.findings.push(fail(format!(
                    "page {page_no} ({}) is not a collection (no `value` array)",
                    clip(&url, 200)
                )));
                break;
            };
            check_top(page_no, page_items.len(), top, span, &mut walk.findings);
            items.add(page_no, &page_items, &mut walk.findings, span);
        }
        let mut merged: Map<String, Value> = first_obj.clone();
        merged.remove("@odata.nextLink");
        merged.insert("value".into(), Value::Array(items.all));
        walk.merged = Some(Value::Object(merged));
        walk
    }
}

/// A page holds at most the `$top` the step asked for.
fn check_top(
    page: u32,
    len: usize,
    top: Option<usize>,
    span: crate::scenario::Span,
    findings: &mut Vec<Finding>,
) {
    if let Some(top) = top
        && len > top
    {
        findings.push(Finding::new(
            FindingKind::Paging,
            span,
            format!("page {page} holds {len} items, more than $top={top}"),
        ));
    }
}

/// `$top` of the request URL, when it is a number.
fn top_of(url: &str) -> Option<usize> {
    let query = url.split_once('?')?.1;
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        let k = k.replace("%24", "$");
        k.eq_ignore_ascii_case("$top")
            .then(|| v.trim().parse().ok())
            .flatten()
    })
}

/// Where a `nextLink` points: an absolute URL on the target's origin (tokens go to
/// the target only), or a path on it.
fn resolve(link: &str, base_url: &str) -> Result<String, String> {
    let link = link.trim();
    if link.is_empty() {
        return Err("the @odata.nextLink is empty".into());
    }
    let origin = super::request::origin(base_url).unwrap_or(base_url);
    if link.starts_with("http://") || link.starts_with("https://") {
        match super::request::origin(link) {
            Some(o) if o.eq_ignore_ascii_case(origin) => Ok(link.to_string()),
            _ => Err(format!(
                "the @odata.nextLink `{}` is not on the target's origin ({origin}); tgconform sends tokens to the target only",
                clip(link, 200)
            )),
        }
    } else if link.starts_with('/') && !link.starts_with("//") {
        Ok(format!("{origin}{link}"))
    } else {
        Err(format!(
            "the @odata.nextLink `{}` is neither an absolute URL nor a path",
            clip(link, 200)
        ))
    }
}

/// An item's identity: its `id`, else the whole item.
fn item_key(item: &Value) -> String {
    match item.get("id") {
        Some(Value::String(id)) => format!("`{id}`"),
        _ => item.to_string(),
    }
}

fn clip(s: &str, max: usize) -> String {
    crate::judge::printable(&crate::text::clip(s, max))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_is_read_from_the_query_encoded_or_not() {
        assert_eq!(top_of("http://h/beta/x?$top=2"), Some(2));
        assert_eq!(top_of("http://h/beta/x?%24top=3&$filter=a"), Some(3));
        assert_eq!(top_of("http://h/beta/x?$skiptoken=abc"), None);
        assert_eq!(top_of("http://h/beta/x"), None);
    }

    #[test]
    fn links_must_stay_on_the_target_origin() {
        let base = "http://127.0.0.1:8/beta";
        assert_eq!(
            resolve("http://127.0.0.1:8/beta/x?$skiptoken=a", base).as_deref(),
            Ok("http://127.0.0.1:8/beta/x?$skiptoken=a")
        );
        assert_eq!(
            resolve("/beta/x?$skiptoken=a", base).as_deref(),
            Ok("http://127.0.0.1:8/beta/x?$skiptoken=a")
        );
        assert!(resolve("https://evil.example/beta/x", base).is_err());
        assert!(resolve("//evil.example/beta/x", base).is_err());
        assert!(resolve("x?$skiptoken=a", base).is_err());
        assert!(resolve("  ", base).is_err());
    }

    #[test]
    fn an_item_seen_twice_is_a_finding_naming_both_pages() {
        let mut items = Items {
            all: Vec::new(),
            seen: HashMap::new(),
        };
        let mut findings = Vec::new();
        let span = crate::scenario::Span::default();
        items.add(
            1,
            &[
                serde_json::json!({"id": "a"}),
                serde_json::json!({"id": "b"}),
            ],
            &mut findings,
            span,
        );
        items.add(3, &[serde_json::json!({"id": "a"})], &mut findings, span);
        assert_eq!(items.all.len(), 3);
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert!(
            findings[0].message().contains("on page 1 and on page 3"),
            "{findings:?}"
        );
    }

    #[test]
    fn a_page_over_top_is_a_finding() {
        let mut findings = Vec::new();
        check_top(
            2,
            2,
            Some(1),
            crate::scenario::Span::default(),
            &mut findings,
        );
        check_top(
            3,
            1,
            Some(1),
            crate::scenario::Span::default(),
            &mut findings,
        );
        check_top(4, 9, None, crate::scenario::Span::default(), &mut findings);
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert!(
            findings[0]
                .message()
                .contains("page 2 holds 2 items, more than $top=1")
        );
    }
}
