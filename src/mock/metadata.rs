//! `GET /beta/$metadata`: the namespace's CSDL, generated from the builtin schemas and
//! the contract's bound operations (`crate::metadata::builtin_document`), never a file
//! kept by hand. Like Graph, it needs no token. `tgconform schema diff --target <mock>`
//! therefore finds the mock in step with the schemas, and `run --metadata live` against
//! the mock knows exactly what the schemas know.

use axum::body::Body;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, DATE};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::Response;

use super::clock;

/// Graph's media type for `$metadata`.
const XML_CONTENT_TYPE: &str = "application/xml";

/// The answer to `GET /beta/$metadata` (`$` percent-encoded or not); None for every
/// other request, which the API's routing answers.
pub(super) fn answer(
    method: &str,
    path: &str,
    request_id: &str,
    client_request_id: Option<&str>,
) -> Option<Response> {
    let is_metadata = path == "/beta/$metadata" || path.eq_ignore_ascii_case("/beta/%24metadata");
    if method != "GET" || !is_metadata {
        return None;
    }
    let document = match crate::metadata::builtin_document() {
        Ok(d) => d,
        Err(e) => {
            // The schemas are embedded and tested; should they not parse, the route
            // answers as an unknown segment rather than with half a document.
            tracing::error!("cannot generate $metadata: {e}");
            return None;
        }
    };
    let mut resp = Response::new(Body::from(document));
    *resp.status_mut() = StatusCode::OK;
    let h = resp.headers_mut();
    h.insert(CONTENT_TYPE, HeaderValue::from_static(XML_CONTENT_TYPE));
    h.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert(
        HeaderName::from_static("odata-version"),
        HeaderValue::from_static("4.0"),
    );
    if let Ok(v) = HeaderValue::from_str(&clock::http_date(clock::real_now())) {
        h.insert(DATE, v);
    }
    if let Ok(v) = HeaderValue::from_str(request_id) {
        h.insert(HeaderName::from_static("request-id"), v.clone());
        let client = client_request_id
            .and_then(|c| HeaderValue::from_str(c).ok())
            .unwrap_or(v);
        h.insert(HeaderName::from_static("client-request-id"), client);
    }
    Some(resp)
}
