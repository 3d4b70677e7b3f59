//! HTTP glue: one axum fallback handler in front of `App::handle`, Graph's response
//! headers, and `MockServer`, which runs the router on a thread of its own.
//!
//! The server thread owns its own tokio runtime, so `MockServer::start` works from
//! plain sync code and from inside another runtime (via `spawn_blocking`) alike, and
//! dropping a `MockServer` never drops a runtime inside an async context.

use std::cell::RefCell;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration as StdDuration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::{CONTENT_TYPE, HOST, HeaderName, HeaderValue};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::serve::ListenerExt;
use tokio::sync::oneshot;

use super::MockOptions;
use super::clock;
use super::errors::GraphError;
use super::faults::Fault;
use super::handlers::{App, Incoming, Reply};

/// Graph's JSON media type with its OData parameters.
const JSON_CONTENT_TYPE: &str = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";
/// Bodies larger than this are refused (413) before parsing; the documented bodies are
/// a few kilobytes.
const MAX_BODY: usize = 1024 * 1024;
/// How long `Drop` waits for in-flight requests before leaving the thread to finish
/// on its own.
const SHUTDOWN_WAIT: StdDuration = StdDuration::from_secs(3);

static REQUEST_ID: HeaderName = HeaderName::from_static("request-id");
static CLIENT_REQUEST_ID: HeaderName = HeaderName::from_static("client-request-id");
static ODATA_VERSION: HeaderName = HeaderName::from_static("odata-version");

/// The mock as an axum router: every path goes to one handler that routes itself,
/// so unknown paths and wrong methods get Graph's errors rather than axum's.
pub fn router(opts: MockOptions) -> axum::Router {
    let app = Arc::new(App::new(&opts));
    axum::Router::new().fallback(handle).with_state(app)
}

async fn handle(State(app): State<Arc<App>>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let request_id = next_request_id();
    let client_request_id = parts
        .headers
        .get(&CLIENT_REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|s| !s.is_empty() && s.len() <= 256)
        .map(str::to_string);
    if let Some(resp) = super::metadata::answer(
        parts.method.as_str(),
        parts.uri.path(),
        &request_id,
        client_request_id.as_deref(),
    ) {
        return resp;
    }
    let result = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(bytes) => {
            let origin = origin(&parts.uri, &parts.headers);
            let inc = Incoming {
                method: parts.method.as_str(),
                path: parts.uri.path(),
                query: parts.uri.query(),
                headers: &parts.headers,
                body: &bytes,
                origin: &origin,
            };
            app.handle(&inc)
        }
        Err(_) => Err(GraphError::new(
            413,
            "RequestEntityTooLarge",
            format!("The request body exceeds {MAX_BODY} bytes."),
        )),
    };
    respond(&app, result, &request_id, client_request_id)
}

/// `http://host:port` as the client addressed us, for `@odata.context`, `nextLink`
/// and `Location`. Only characters a host may have are kept, so a hostile `Host`
/// header cannot inject into the links.
fn origin(uri: &axum::http::Uri, headers: &HeaderMap) -> String {
    let host = uri
        .authority()
        .map(|a| a.as_str())
        .or_else(|| headers.get(HOST).and_then(|h| h.to_str().ok()))
        .filter(|h| {
            !h.is_empty()
                && h.len() <= 255
                && h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
        })
        .unwrap_or("localhost");
    let mut out = String::with_capacity(7 + host.len());
    out.push_str("http://");
    out.push_str(host);
    out
}

fn respond(
    app: &App,
    result: Result<Reply, GraphError>,
    request_id: &str,
    client_request_id: Option<String>,
) -> Response {
    let f = app.faults;
    let now = clock::real_now();
    let client_request_id = if f.has(Fault::ClientRequestIdNotEchoed) {
        uuid::Uuid::new_v4().to_string()
    } else {
        // Graph answers with the caller's id, or its own request id when none was sent.
        client_request_id.unwrap_or_else(|| request_id.to_string())
    };
    let (status, body, location, allow) = match result {
        Ok(r) => (r.status, r.body, r.location, None),
        Err(e) => {
            // A gateway that logs its own id in the body, not the one on the wire.
            let body_request_id = if f.has(Fault::InnerErrorIdsDiffer) {
                uuid::Uuid::new_v4().to_string()
            } else {
                request_id.to_string()
            };
            let body = e.body(
                &clock::format_inner_date(now),
                &body_request_id,
                &client_request_id,
                !f.has(Fault::ErrorWithoutInnerError),
            );
            (e.status, Some(body), None, e.allow)
        }
    };
    let mut resp = Response::new(Body::empty());
    *resp.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let h = resp.headers_mut();
    if !f.has(Fault::NoRequestIdHeader)
        && let Ok(v) = HeaderValue::from_str(request_id)
    {
        h.insert(REQUEST_ID.clone(), v);
    }
    if let Ok(v) = HeaderValue::from_str(&client_request_id) {
        h.insert(CLIENT_REQUEST_ID.clone(), v);
    }
    if let Some(v) = date_header(now) {
        h.insert(axum::http::header::DATE, v);
    }
    h.insert(
        axum::http::header::CACHE_CONTROL,
        HeaderValue::from_static("no-cache"),
    );
    if let Some(loc) = location.and_then(|l| HeaderValue::from_str(&l).ok()) {
        h.insert(axum::http::header::LOCATION, loc);
    }
    if let Some(allow) = allow.and_then(|a| HeaderValue::from_str(&a).ok()) {
        h.insert(axum::http::header::ALLOW, allow);
    }
    if let Some(body) = body {
        // Sized for a typical entity, so the buffer does not grow step by step.
        let mut bytes = Vec::with_capacity(2048);
        if serde_json::to_writer(&mut bytes, &body).is_err() {
            bytes = b"{}".to_vec();
        }
        let ct = if f.has(Fault::ContentTypeTextPlain) {
            "text/plain; charset=utf-8"
        } else {
            JSON_CONTENT_TYPE
        };
        h.insert(CONTENT_TYPE, HeaderValue::from_static(ct));
        h.insert(ODATA_VERSION.clone(), HeaderValue::from_static("4.0"));
        *resp.body_mut() = Body::from(bytes);
    }
    resp
}

/// A fresh request id: GUID-shaped (version 4 bits set), unique within the process
/// (a counter mixed with a random seed), without a system call per request.
fn next_request_id() -> String {
    static SEED: OnceLock<u64> = OnceLock::new();
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let seed = *SEED.get_or_init(|| uuid::Uuid::new_v4().as_u64_pair().0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let hi = splitmix64(seed ^ n);
    let lo = splitmix64(hi ^ n.rotate_left(32) ^ 0x9e37_79b9_7f4a_7c15);
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&hi.to_be_bytes());
    bytes[8..].copy_from_slice(&lo.to_be_bytes());
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .hyphenated()
        .to_string()
}

/// A bijective 64-bit mixer (SplitMix64's finaliser): distinct counters give distinct ids.
fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The `Date` header, formatted once per second per worker thread.
fn date_header(now: chrono::DateTime<chrono::Utc>) -> Option<HeaderValue> {
    thread_local! {
        static DATE: RefCell<(i64, Option<HeaderValue>)> = const { RefCell::new((i64::MIN, None)) };
    }
    DATE.with(|d| {
        let mut d = d.borrow_mut();
        let second = now.timestamp();
        if d.0 != second || d.1.is_none() {
            *d = (second, HeaderValue::from_str(&clock::http_date(now)).ok());
        }
        d.1.clone()
    })
}

/// The embedded mock on a loopback port, served by a thread of its own until dropped.
pub struct MockServer {
    addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    /// Signalled when the server thread is done; in a mutex so `MockServer` is `Sync`.
    stopped: Option<Mutex<mpsc::Receiver<()>>>,
    thread: Option<JoinHandle<()>>,
}

impl MockServer {
    /// Start on `127.0.0.1` with a port the OS picks.
    pub fn start(opts: MockOptions) -> std::io::Result<MockServer> {
        Self::start_on(SocketAddr::from(([127, 0, 0, 1], 0)), opts)
    }

    /// Start on `addr`. The socket is bound before this returns, so the port is known
    /// and connections queue even before the server thread runs.
    pub fn start_on(addr: SocketAddr, opts: MockOptions) -> std::io::Result<MockServer> {
        let listener = std::net::TcpListener::bind(addr)?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let (shutdown_tx, shutdown_rx) = oneshot::channel::<()>();
        let (ready_tx, ready_rx) = mpsc::channel::<std::io::Result<()>>();
        let (stopped_tx, stopped_rx) = mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name(format!("tgconform-mock-{}", addr.port()))
            .spawn(move || {
                serve_thread(listener, opts, shutdown_rx, ready_tx);
                let _ = stopped_tx.send(());
            })?;
        match ready_rx.recv() {
            Ok(Ok(())) => Ok(MockServer {
                addr,
                shutdown: Some(shutdown_tx),
                stopped: Some(Mutex::new(stopped_rx)),
                thread: Some(thread),
            }),
            Ok(Err(e)) => {
                let _ = thread.join();
                Err(e)
            }
            Err(_) => {
                let _ = thread.join();
                Err(std::io::Error::other(
                    "the mock server thread stopped during start",
                ))
            }
        }
    }

    /// `http://127.0.0.1:PORT/beta`
    pub fn base_url(&self) -> String {
        format!("http://{}/beta", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
}

impl Drop for MockServer {
    /// Graceful stop: no new connections, in-flight requests finish. Waits a bounded
    /// time, so a client holding a request open cannot hang the caller.
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        let finished = self
            .stopped
            .take()
            .map(|m| m.into_inner().unwrap_or_else(PoisonError::into_inner))
            .is_some_and(|rx| rx.recv_timeout(SHUTDOWN_WAIT).is_ok());
        if let Some(t) = self.thread.take()
            && finished
        {
            let _ = t.join();
        }
    }
}

fn serve_thread(
    listener: std::net::TcpListener,
    opts: MockOptions,
    shutdown: oneshot::Receiver<()>,
    ready: mpsc::Sender<std::io::Result<()>>,
) {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("tgconform-mock-worker")
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            let _ = ready.send(Err(e));
            return;
        }
    };
    runtime.block_on(async move {
        let listener = match tokio::net::TcpListener::from_std(listener) {
            Ok(l) => l,
            Err(e) => {
                let _ = ready.send(Err(e));
                return;
            }
        };
        let _ = ready.send(Ok(()));
        // Small JSON answers: Nagle's delay would dominate their latency.
        let listener = listener.tap_io(|tcp| {
            let _ = tcp.set_nodelay(true);
        });
        let _ = axum::serve(listener, router(opts))
            .with_graceful_shutdown(async {
                let _ = shutdown.await;
            })
            .await;
    });
    // Connections still open after graceful shutdown are dropped here, not awaited.
    runtime.shutdown_timeout(StdDuration::from_millis(200));
}
