//! Helpers shared by integration tests: a small loopback HTTP server and temp folders.
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
    pub fn start(app: axum::Router) -> StubServer {
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

/// Run the tgconform binary; returns (exit code, stdout, stderr).
pub fn tgconform(args: &[&str]) -> (i32, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tgconform"))
        .args(args)
        .env_remove("GITHUB_ACTIONS")
        .env_remove("TGCONFORM_TARGET")
        .env_remove("TGCONFORM_PROFILE")
        .output()
        .expect("run tgconform");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
