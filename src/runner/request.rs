//! Turning a step into what goes over the wire: the URL, the headers and the body.
//! The run and `--dry-run` both use these, so a dry run shows what a run sends.

use crate::scenario::{Body, Resolver, Step};
use crate::text::encode_odata_query;

/// The full URL of a step: the base URL and the rendered path (or an absolute URL the
/// path renders to), then the rendered query, percent-encoded, appended with `?` or,
/// when the path already has a query (`…?$top=1`), with `&`.
pub(crate) fn url_for(step: &Step, vars: &dyn Resolver, base_url: &str) -> Result<String, String> {
    let path = step.request.path.render(vars)?;
    let mut url = if is_absolute(&path) {
        path
    } else {
        format!("{base_url}{path}")
    };
    if !step.request.query.is_empty() {
        let mut pairs = Vec::new();
        for (k, v) in &step.request.query {
            pairs.push(format!(
                "{}={}",
                encode_odata_query(k),
                encode_odata_query(&v.render(vars)?)
            ));
        }
        url.push(if url.contains('?') { '&' } else { '?' });
        url.push_str(&pairs.join("&"));
    }
    Ok(url)
}

pub(crate) fn is_absolute(url: &str) -> bool {
    url.starts_with("http://") || url.starts_with("https://")
}

/// The step's headers, rendered, with `content-type: application/json` added when the
/// step has a body and sets no content type.
pub(crate) fn headers_for(
    step: &Step,
    vars: &dyn Resolver,
) -> Result<Vec<(String, String)>, String> {
    let mut headers = Vec::new();
    for (k, v) in &step.request.headers {
        headers.push((k.clone(), v.render(vars)?));
    }
    if step.request.body.is_some() && !headers.iter().any(|(k, _)| k == "content-type") {
        headers.push(("content-type".into(), "application/json".into()));
    }
    Ok(headers)
}

/// The step's body, rendered: JSON serialized compactly, raw bodies as written.
pub(crate) fn body_for(step: &Step, vars: &dyn Resolver) -> Result<Option<Vec<u8>>, String> {
    Ok(match &step.request.body {
        None => None,
        Some(Body::Json(t)) => Some(t.render(vars)?.to_string().into_bytes()),
        Some(Body::Raw(t)) => Some(t.render(vars)?.into_bytes()),
    })
}

/// `scheme://host[:port]` of a URL.
pub(crate) fn origin(url: &str) -> Option<&str> {
    let scheme_end = url.find("://")? + 3;
    let rest = &url[scheme_end..];
    let end = rest
        .find(['/', '?', '#'])
        .map(|i| scheme_end + i)
        .unwrap_or(url.len());
    Some(&url[..end])
}

pub(crate) fn same_origin(a: &str, b: &str) -> bool {
    matches!((origin(a), origin(b)), (Some(x), Some(y)) if x.eq_ignore_ascii_case(y))
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::judge::NoVars;
    use crate::scenario::{LoadOptions, load_str};

    fn step(request: &str) -> Step {
        let yaml = format!(
            "name: s\nactors: [governing]\nsteps:\n  - name: s\n    as: governing\n    request: {request}\n    expect: {{status: 200}}\n"
        );
        let s = load_str(Path::new("s.yaml"), &yaml, &LoadOptions::default())
            .unwrap_or_else(|e| panic!("{e}"));
        s.steps
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("no step"))
    }

    #[test]
    fn a_query_joins_a_path_that_has_one_with_an_ampersand() {
        let s =
            step("{method: GET, path: \"/x?$top=1\", query: {$filter: \"status eq 'active'\"}}");
        assert_eq!(
            url_for(&s, &NoVars, "http://h/beta").as_deref(),
            Ok("http://h/beta/x?$top=1&$filter=status%20eq%20%27active%27")
        );
    }

    #[test]
    fn a_query_starts_with_a_question_mark_on_a_plain_path() {
        let s = step("{method: GET, path: /x, query: {$top: \"1\"}}");
        assert_eq!(
            url_for(&s, &NoVars, "http://h/beta").as_deref(),
            Ok("http://h/beta/x?$top=1")
        );
    }

    #[test]
    fn same_origin_compares_scheme_host_and_port() {
        assert!(same_origin(
            "http://127.0.0.1:8/beta/x?y",
            "http://127.0.0.1:8/beta"
        ));
        assert!(!same_origin(
            "http://127.0.0.1:9/beta/x",
            "http://127.0.0.1:8/beta"
        ));
        assert!(!same_origin(
            "https://evil.example/beta",
            "http://127.0.0.1:8/beta"
        ));
    }
}
