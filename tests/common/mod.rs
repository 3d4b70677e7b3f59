//! Helpers shared by integration tests: a small loopback HTTP server and temp folders.

// Test code: a panic is how a check fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// An axum router served on 127.0.0.1 with an OS-assigned port, on its own thread;
/// dropped → stopped.
pub struct StubServer {
    pub addr: SocketAddr,
    _shutdown: tokio::sync::oneshot::Sender<()>,
    _thread: std::thread::JoinHandle<()>,
}

impl StubServer {
    /// Serve `app` as Graph would frame it: every answer gets the envelope tgconform
    /// judges on every exchange (see [`graph_envelope`]), so a stub only writes what
    /// its test is about.
    pub fn start(app: axum::Router) -> StubServer {
        StubServer::start_bare(app.layer(axum::middleware::from_fn(graph_envelope)))
    }

    /// Serve `app` exactly as written (for tests of what tgconform says about a
    /// target that breaks Graph's envelope).
    pub fn start_bare(app: axum::Router) -> StubServer {
        let std_listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        std_listener.set_nonblocking(true).expect("nonblocking");
        let addr = std_listener.local_addr().expect("local addr");
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(std_listener).expect("listener");
                let _ = axum::serve(listener, app)
                    .with_graceful_shutdown(async {
                        let _ = rx.await;
                    })
                    .await;
            });
        });
        StubServer {
            addr,
            _shutdown: tx,
            _thread: thread,
        }
    }

    pub fn base_url(&self) -> String {
        format!("http://{}/beta", self.addr)
    }
}

/// What Graph puts on every answer and tgconform checks on every exchange: a
/// `request-id`, the caller's `client-request-id` echoed, and `@odata.context` on a 2xx
/// JSON object body. Whatever the stub set itself is kept.
pub async fn graph_envelope(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let client_request_id = req.headers().get("client-request-id").cloned();
    let resp = next.run(req).await;
    let (mut parts, body) = resp.into_parts();
    let h = &mut parts.headers;
    if !h.contains_key("request-id") {
        h.insert(
            "request-id",
            axum::http::HeaderValue::from_static("5107b2a5-0000-4000-8000-000000000001"),
        );
    }
    if let Some(c) = client_request_id
        && !h.contains_key("client-request-id")
    {
        h.insert("client-request-id", c);
    }
    let json = h
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/json"));
    if !(parts.status.is_success() && json) {
        return axum::response::Response::from_parts(parts, body);
    }
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return axum::response::Response::from_parts(parts, axum::body::Body::empty());
    };
    let bytes = match serde_json::from_slice::<serde_json::Value>(&bytes) {
        Ok(serde_json::Value::Object(mut m)) if !m.contains_key("@odata.context") => {
            m.insert(
                "@odata.context".into(),
                "https://graph.example/beta/$metadata#stub".into(),
            );
            parts.headers.remove("content-length");
            serde_json::to_vec(&m).map(Into::into).unwrap_or(bytes)
        }
        _ => bytes,
    };
    axum::response::Response::from_parts(parts, axum::body::Body::from(bytes))
}

/// A fresh folder under the target dir, removed first if it exists.
pub fn scratch_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create scratch dir");
    dir
}

pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
    std::fs::write(&p, text).expect("write");
    p
}

/// The tgconform binary, without the caller's environment that would change a run:
/// CI annotations, and a target or profile set in the shell.
pub fn tgconform_command() -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_tgconform"));
    cmd.env_remove("GITHUB_ACTIONS")
        .env_remove("TGCONFORM_TARGET")
        .env_remove("TGCONFORM_PROFILE");
    cmd
}

/// Run the tgconform binary; returns (exit code, stdout, stderr).
pub fn tgconform(args: &[&str]) -> (i32, String, String) {
    let out = tgconform_command()
        .args(args)
        .output()
        .expect("run tgconform");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// What a run of the binary left: exit code and both streams.
pub struct Out {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Out {
    /// Everything, for an assertion message.
    pub fn all(&self) -> String {
        format!(
            "exit {}\nstdout:\n{}\nstderr:\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

impl From<std::process::Output> for Out {
    fn from(out: std::process::Output) -> Self {
        Out {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

/// A one-step scenario that reads the settings and snapshots the answer.
pub const SNAPSHOTTED_SETTINGS: &str = r#"name: read the settings
actors: [governing]
steps:
  - name: read settings
    as: governing
    request: {method: GET, path: /directory/tenantGovernance/settings}
    expect: {status: 200}
    snapshot: true
"#;
