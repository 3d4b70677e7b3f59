//! `GET {base}/$metadata`. Graph serves it without a token, so none is sent.

use std::time::Duration;

use super::{Csdl, MetadataError};

/// Graph beta's whole document is tens of megabytes; anything far beyond is not metadata.
const MAX_BYTES: usize = 256 * 1024 * 1024;

/// `{base}/$metadata` for a service base URL (`https://graph.microsoft.com/beta`).
pub fn metadata_url(base_url: &str) -> String {
    format!("{}/$metadata", base_url.trim_end_matches('/'))
}

/// Read and parse `{base_url}/$metadata`. Blocking: it runs its own small runtime, so
/// call it before a run starts, not inside one.
pub fn fetch(base_url: &str, timeout: Duration) -> Result<Csdl, MetadataError> {
    let url = metadata_url(base_url);
    let failed = |message: String| MetadataError::Read {
        what: url.clone(),
        message,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| failed(format!("cannot start the async runtime: {e}")))?;
    let text = runtime.block_on(async {
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .user_agent(concat!("tgconform/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| failed(e.to_string()))?;
        let mut resp = client
            .get(&url)
            .header("accept", "application/xml")
            .send()
            .await
            .map_err(|e| failed(error_chain(&e)))?;
        if !resp.status().is_success() {
            return Err(failed(format!("answered {}", resp.status().as_u16())));
        }
        let mut body = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(|e| failed(error_chain(&e)))? {
            if body.len() + chunk.len() > MAX_BYTES {
                return Err(failed(format!(
                    "the answer is larger than {MAX_BYTES} bytes"
                )));
            }
            body.extend_from_slice(&chunk);
        }
        String::from_utf8(body).map_err(|_| failed("the answer is not UTF-8 text".into()))
    })?;
    super::parse(&text).map_err(|e| e.within(&url))
}

/// reqwest's message and its causes ("error sending request: … Connection refused").
fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = s.source();
    }
    out
}
