//! The one HTTP client of a run: timeouts, a body-size cap, no redirects.

use std::time::{Duration, Instant};

/// Graph answers in well under this; a slower target is broken or hung.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// The largest documented body is a few kilobytes; 10 MiB leaves room for big pages.
pub const DEFAULT_MAX_BODY: usize = 10 * 1024 * 1024;
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug, Clone, thiserror::Error)]
pub enum HttpError {
    #[error("no complete response within {limit:?} ({}; --timeout)", if *.in_body { "the response body was still arriving" } else { "no response headers arrived" })]
    Timeout { limit: Duration, in_body: bool },
    #[error("cannot connect: {0}")]
    Connect(String),
    #[error("the response body is larger than the limit of {limit} bytes (--max-body)")]
    BodyTooLarge { limit: usize },
    #[error("invalid request: {0}")]
    Request(String),
    #[error("the connection failed: {0}")]
    Transport(String),
    #[error("the connection failed while the response body was arriving: {0}")]
    BodyTransport(String),
    #[error("interrupted before the response arrived")]
    Interrupted,
}

/// A request that got no complete response: why, and what did arrive.
#[derive(Debug, Clone)]
pub(crate) struct HttpFailure {
    pub error: HttpError,
    /// Status and headers, when they arrived before the failure (a body too large,
    /// too slow or cut off).
    pub head: Option<(u16, Vec<(String, String)>)>,
    /// From sending the request to the failure.
    pub elapsed: Duration,
}

impl HttpFailure {
    pub fn new(error: HttpError) -> Self {
        HttpFailure {
            error,
            head: None,
            elapsed: Duration::ZERO,
        }
    }
}

impl HttpError {
    /// Failures where the request surely did not reach the server's logic.
    pub fn is_connect(&self) -> bool {
        matches!(self, HttpError::Connect(_))
    }
}

pub(crate) struct HttpRequest {
    pub method: reqwest::Method,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<Vec<u8>>,
    pub bearer: Option<String>,
}

pub(crate) struct HttpResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

#[derive(Clone)]
pub(crate) struct HttpClient {
    client: reqwest::Client,
    timeout: Duration,
    max_body: usize,
}

impl HttpClient {
    pub fn new(timeout: Duration, max_body: usize) -> Result<Self, HttpError> {
        let client = reqwest::Client::builder()
            .user_agent(concat!("tgconform/", env!("CARGO_PKG_VERSION")))
            .timeout(timeout)
            .connect_timeout(CONNECT_TIMEOUT.min(timeout))
            // A contract test asserts redirects; following them would also carry the
            // bearer token to wherever the target points.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| HttpError::Request(e.to_string()))?;
        Ok(HttpClient {
            client,
            timeout,
            max_body,
        })
    }

    pub async fn send(&self, req: &HttpRequest) -> Result<(HttpResponse, Duration), HttpFailure> {
        let started = Instant::now();
        let fail = |error: HttpError, head: Option<(u16, Vec<(String, String)>)>| HttpFailure {
            error,
            head,
            elapsed: started.elapsed(),
        };
        let mut rb = self.client.request(req.method.clone(), &req.url);
        for (k, v) in &req.headers {
            rb = rb.header(k.as_str(), v.as_str());
        }
        if let Some(tok) = &req.bearer {
            let mut value = reqwest::header::HeaderValue::from_str(&format!("Bearer {tok}"))
                .map_err(|_| {
                    fail(
                        HttpError::Request(
                            "the token contains characters a header cannot carry".into(),
                        ),
                        None,
                    )
                })?;
            value.set_sensitive(true);
            rb = rb.header(reqwest::header::AUTHORIZATION, value);
        }
        if let Some(body) = &req.body {
            rb = rb.body(body.clone());
        }
        let resp = rb
            .send()
            .await
            .map_err(|e| fail(self.classify(e, false), None))?;
        let status = resp.status().as_u16();
        let headers: Vec<(String, String)> = resp
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_ascii_lowercase(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let body = match self.read_body(resp).await {
            Ok(b) => b,
            Err(e) => return Err(fail(e, Some((status, headers)))),
        };
        Ok((
            HttpResponse {
                status,
                headers,
                body,
            },
            started.elapsed(),
        ))
    }

    /// `GET url` without a token, to tell a target that is out of reach (connection
    /// refused, DNS, TLS, no connection within the connect timeout) from one that is
    /// there: `Ok` for any HTTP answer, whatever its status, and also for a server that
    /// accepted the connection and then misbehaved (a reset, garbage, no answer), since
    /// that is for the scenarios to report.
    pub async fn reaches(&self, url: &str) -> Result<(), HttpError> {
        // Like every request of a run, it carries a fresh client-request-id.
        let probe = self
            .client
            .get(url)
            .header("client-request-id", uuid::Uuid::new_v4().to_string());
        match probe.send().await {
            Err(e) if e.is_connect() && e.is_timeout() => Err(HttpError::Connect(format!(
                "no connection within {:?}",
                CONNECT_TIMEOUT.min(self.timeout)
            ))),
            Err(e) if e.is_connect() => Err(HttpError::Connect(root_cause(&e))),
            Err(e) if e.is_builder() => Err(HttpError::Request(root_cause(&e))),
            Ok(_) | Err(_) => Ok(()),
        }
    }

    async fn read_body(&self, mut resp: reqwest::Response) -> Result<Vec<u8>, HttpError> {
        if let Some(len) = resp.content_length()
            && len > self.max_body as u64
        {
            return Err(HttpError::BodyTooLarge {
                limit: self.max_body,
            });
        }
        let mut body = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(|e| self.classify(e, true))? {
            if body.len() + chunk.len() > self.max_body {
                return Err(HttpError::BodyTooLarge {
                    limit: self.max_body,
                });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }

    fn classify(&self, e: reqwest::Error, in_body: bool) -> HttpError {
        if e.is_timeout() {
            HttpError::Timeout {
                limit: self.timeout,
                in_body,
            }
        } else if e.is_connect() {
            HttpError::Connect(root_cause(&e))
        } else if e.is_builder() {
            HttpError::Request(root_cause(&e))
        } else if in_body {
            HttpError::BodyTransport(root_cause(&e))
        } else {
            HttpError::Transport(root_cause(&e))
        }
    }
}

/// reqwest's top-level message is generic ("error sending request for url (…)") and
/// the layers below it add hyper's internals; the deepest cause says what happened
/// ("Connection reset by peer (os error 104)").
fn root_cause(e: &reqwest::Error) -> String {
    let mut msg = e.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        msg = s.to_string();
        src = s.source();
    }
    // URLs may carry query strings but never tokens; still, keep messages short.
    crate::judge::printable(&msg).chars().take(400).collect()
}
