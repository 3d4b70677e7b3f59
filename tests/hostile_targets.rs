//! Targets that misbehave: a raw TCP server on 127.0.0.1 writes broken HTTP answers,
//! and `tgconform run` must fail the step with a clear message, exit 1, never panic,
//! never hang (each run has a guard) and keep memory bounded (`--max-body`).

// Test code: a panic is how a check fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::io::Read as _;
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

/// Longer than any run here may take; a run that reaches it hangs.
const HANG_GUARD: Duration = Duration::from_secs(20);

/// What the server does after it has read a request.
#[derive(Clone)]
enum Reply {
    /// Write these bytes and close.
    Raw(Vec<u8>),
    /// Write the head, then never write again (the connection stays open).
    HangAfter(Vec<u8>),
    /// Write the head, then `chunk` every `every`, `count` times.
    Trickle {
        head: Vec<u8>,
        chunk: Vec<u8>,
        every: Duration,
        count: usize,
    },
    /// Close the connection with a TCP reset, answering nothing.
    Reset,
    /// Write the head, then `chunk` until the peer stops reading (or forever).
    Flood { head: Vec<u8>, chunk: Vec<u8> },
}

/// One request as the server saw it.
#[derive(Clone, Debug)]
struct Seen {
    request_line: String,
    authorization: bool,
}

#[derive(Default)]
struct Log {
    requests: Mutex<Vec<Seen>>,
    connections: AtomicUsize,
    /// Body bytes written by `Flood` before the peer went away.
    flooded: AtomicUsize,
}

/// A misbehaving HTTP server on 127.0.0.1 with an OS-assigned port, on its own thread.
struct Hostile {
    addr: std::net::SocketAddr,
    log: Arc<Log>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Hostile {
    fn start(reply: Reply) -> Hostile {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        listener.set_nonblocking(true).expect("nonblocking");
        let addr = listener.local_addr().expect("local addr");
        let log = Arc::new(Log::default());
        let (tx, mut rx) = tokio::sync::oneshot::channel::<()>();
        let thread_log = log.clone();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
                loop {
                    tokio::select! {
                        _ = &mut rx => break,
                        accepted = listener.accept() => {
                            let Ok((stream, _)) = accepted else { continue };
                            thread_log.connections.fetch_add(1, Ordering::SeqCst);
                            tokio::spawn(serve(stream, reply.clone(), thread_log.clone()));
                        }
                    }
                }
            });
            // Dropping the runtime cancels connections that still hang.
        });
        Hostile {
            addr,
            log,
            stop: Some(tx),
            thread: Some(thread),
        }
    }

    fn base_url(&self) -> String {
        format!("http://{}/beta", self.addr)
    }

    fn requests(&self) -> Vec<Seen> {
        self.log
            .requests
            .lock()
            .map(|v| v.clone())
            .unwrap_or_default()
    }
}

impl Drop for Hostile {
    fn drop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

async fn serve(mut stream: tokio::net::TcpStream, reply: Reply, log: Arc<Log>) {
    // Read the request head (and ignore any body: requests here are small GETs).
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 64 * 1024 {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    let text = String::from_utf8_lossy(&head);
    let seen = Seen {
        request_line: text.lines().next().unwrap_or("").to_string(),
        authorization: text
            .lines()
            .any(|l| l.to_ascii_lowercase().starts_with("authorization:")),
    };
    if let Ok(mut r) = log.requests.lock() {
        r.push(seen);
    }
    match reply {
        Reply::Raw(bytes) => {
            let _ = stream.write_all(&bytes).await;
            let _ = stream.shutdown().await;
        }
        Reply::HangAfter(bytes) => {
            let _ = stream.write_all(&bytes).await;
            std::future::pending::<()>().await;
        }
        Reply::Trickle {
            head,
            chunk,
            every,
            count,
        } => {
            let _ = stream.write_all(&head).await;
            for _ in 0..count {
                tokio::time::sleep(every).await;
                if stream.write_all(&chunk).await.is_err() {
                    return;
                }
            }
        }
        Reply::Reset => {
            let _ = stream.set_zero_linger();
            drop(stream);
        }
        Reply::Flood { head, chunk } => {
            if stream.write_all(&head).await.is_err() {
                return;
            }
            while stream.write_all(&chunk).await.is_ok() {
                log.flooded.fetch_add(chunk.len(), Ordering::SeqCst);
            }
        }
    }
}

/// A response head with these headers; `Content-Length` only when given.
fn head(status: &str, headers: &[(&str, &str)]) -> Vec<u8> {
    let mut h = format!("HTTP/1.1 {status}\r\n");
    for (k, v) in headers {
        h.push_str(&format!("{k}: {v}\r\n"));
    }
    h.push_str("connection: close\r\n\r\n");
    h.into_bytes()
}

/// A complete response with a body and a Content-Length.
fn response(status: &str, content_type: Option<&str>, body: &[u8]) -> Reply {
    let len = body.len().to_string();
    let mut headers = vec![("content-length", len.as_str())];
    if let Some(ct) = content_type {
        headers.push(("content-type", ct));
    }
    let mut bytes = head(status, &headers);
    bytes.extend_from_slice(body);
    Reply::Raw(bytes)
}

fn json_200(body: &[u8]) -> Reply {
    response("200 OK", Some("application/json"), body)
}

/// Reads the settings and expects `canReceiveInvitations: false`.
const READ: &str = r#"name: read the settings
actors: [governing]
steps:
  - name: read settings
    as: governing
    request: {method: GET, path: /directory/tenantGovernance/settings}
    expect:
      status: 200
      json:
        $.canReceiveInvitations: false
"#;

/// Creates a request and expects a `governanceRequest` body.
const CREATE: &str = r#"name: create a request
actors: [governing]
steps:
  - name: request governance
    as: governing
    request:
      method: POST
      path: /directory/tenantGovernance/governanceRequests
      json: {governedTenantId: "00000000-0000-0000-0000-000000000002"}
    expect:
      status: 201
      schema: governanceRequest
"#;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// `tgconform run` of `scenario` against `server`, killed (and the test failed) if it
/// outlives [`HANG_GUARD`].
fn run(case: &str, scenario: &str, server: &Hostile, extra: &[&str]) -> Run {
    let dir: PathBuf = common::scratch_dir(&format!("hostile-{case}"));
    common::write(&dir, "hostile.yaml", scenario);
    let mut args = vec![
        "run".to_string(),
        "--scenarios".into(),
        dir.to_string_lossy().into_owned(),
        "--target".into(),
        server.base_url(),
        "--jobs".into(),
        "1".into(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    let mut child = common::tgconform_command()
        .args(&args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn tgconform");
    let drain = |pipe: Option<Box<dyn std::io::Read + Send>>| {
        std::thread::spawn(move || {
            let mut s = Vec::new();
            if let Some(mut p) = pipe {
                let _ = p.read_to_end(&mut s);
            }
            String::from_utf8_lossy(&s).into_owned()
        })
    };
    let out = drain(child.stdout.take().map(|p| Box::new(p) as _));
    let err = drain(child.stderr.take().map(|p| Box::new(p) as _));
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() > HANG_GUARD => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("tgconform still ran after {HANG_GUARD:?}: it hangs on `{case}`");
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => panic!("waiting for tgconform: {e}"),
        }
    };
    Run {
        code: status.code().unwrap_or(-1),
        stdout: out.join().unwrap_or_default(),
        stderr: err.join().unwrap_or_default(),
    }
}

impl Run {
    /// Exit 1, one failed scenario, no panic, and every `needle` in stdout.
    fn fails_with(&self, needles: &[&str]) {
        let all = format!("stdout:\n{}\nstderr:\n{}", self.stdout, self.stderr);
        assert!(!self.stderr.contains("panicked"), "a panic:\n{all}");
        assert_eq!(self.code, 1, "exit code\n{all}");
        assert!(self.stdout.contains("FAIL  scenario::hostile"), "{all}");
        assert!(
            self.stdout
                .trim_end()
                .ends_with("0 passed, 1 failed, 0 skipped"),
            "{all}"
        );
        for n in needles {
            assert!(self.stdout.contains(n), "missing `{n}` in\n{all}");
        }
    }
}

#[test]
fn malformed_json_fails_the_step_as_not_json() {
    let server = Hostile::start(json_200(br#"{"canReceiveInvitations": fal"#));
    run("malformed", READ, &server, &[]).fails_with(&[
        "hostile.yaml:10:34: the body is not valid JSON: EOF while parsing a value at line 1 column 29",
        r#"response body: {"canReceiveInvitations": fal"#,
    ]);
}

#[test]
fn a_json_body_labelled_text_plain_fails_on_the_content_type() {
    let server = Hostile::start(response(
        "200 OK",
        Some("text/plain"),
        br#"{"canReceiveInvitations": false}"#,
    ));
    run("content-type", READ, &server, &[]).fails_with(&[
        "hostile.yaml:10:34: expected a JSON body (application/json), got Content-Type `text/plain`",
    ]);
}

#[test]
fn an_empty_201_fails_the_schema_check() {
    let server = Hostile::start(Reply::Raw(head("201 Created", &[("content-length", "0")])));
    let r = run("empty-201", CREATE, &server, &[]);
    r.fails_with(&["hostile.yaml:12:15: expected a `governanceRequest` body, got an empty body"]);
    assert!(!r.stdout.contains("Content-Type"), "{}", r.stdout);
}

#[test]
fn an_html_500_page_fails_on_status_and_content_type() {
    let page = b"<!DOCTYPE html><html><head><title>500 Internal Server Error</title></head>\n<body><h1>Internal Server Error</h1></body></html>";
    let server = Hostile::start(response(
        "500 Internal Server Error",
        Some("text/html; charset=utf-8"),
        page,
    ));
    run("html-500", READ, &server, &[]).fails_with(&[
        "hostile.yaml:8:15: expected status 200, got 500",
        "got Content-Type `text/html; charset=utf-8`",
        "response body: <!DOCTYPE html><html><head><title>500 Internal Server Error</title>",
    ]);
}

const MB: usize = 1024 * 1024;

#[test]
fn a_50_mb_body_with_a_content_length_is_refused_before_it_is_read() {
    let mut h = head(
        "200 OK",
        &[
            ("content-type", "application/json"),
            ("content-length", &(50 * MB).to_string()),
        ],
    );
    h.extend_from_slice(b"[");
    let server = Hostile::start(Reply::Flood {
        head: h,
        chunk: vec![b' '; 64 * 1024],
    });
    let r = run("50mb-length", READ, &server, &[]);
    r.fails_with(&[
        "→ 200",
        "the response body is larger than the limit of 10485760 bytes (--max-body)",
    ]);
    let sent = server.log.flooded.load(Ordering::SeqCst);
    assert!(sent < 40 * MB, "the client read {sent} bytes of 50 MB");
}

#[test]
fn a_50_mb_chunked_body_stops_at_the_default_max_body() {
    let server = Hostile::start(Reply::Flood {
        head: head(
            "200 OK",
            &[
                ("content-type", "application/json"),
                ("transfer-encoding", "chunked"),
            ],
        ),
        chunk: chunk(&vec![b' '; 64 * 1024]),
    });
    let r = run("50mb-chunked", READ, &server, &[]);
    r.fails_with(&["the response body is larger than the limit of 10485760 bytes (--max-body)"]);
    let sent = server.log.flooded.load(Ordering::SeqCst);
    assert!(sent < 40 * MB, "the client read {sent} bytes");
}

#[test]
fn a_smaller_max_body_stops_a_large_body_early() {
    let server = Hostile::start(Reply::Flood {
        head: head(
            "200 OK",
            &[
                ("content-type", "application/json"),
                ("transfer-encoding", "chunked"),
            ],
        ),
        chunk: chunk(&vec![b' '; 16 * 1024]),
    });
    let r = run("max-body", READ, &server, &["--max-body", "100000"]);
    r.fails_with(&["the response body is larger than the limit of 100000 bytes (--max-body)"]);
    let sent = server.log.flooded.load(Ordering::SeqCst);
    assert!(sent < 20 * MB, "the client read {sent} bytes");
}

fn chunk(data: &[u8]) -> Vec<u8> {
    let mut c = format!("{:x}\r\n", data.len()).into_bytes();
    c.extend_from_slice(data);
    c.extend_from_slice(b"\r\n");
    c
}

#[test]
fn an_endless_chunked_body_ends_at_the_max_body() {
    let server = Hostile::start(Reply::Flood {
        head: head(
            "200 OK",
            &[
                ("content-type", "application/json"),
                ("transfer-encoding", "chunked"),
            ],
        ),
        chunk: chunk(
            "[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16],"
                .repeat(100)
                .as_bytes(),
        ),
    });
    run("endless", READ, &server, &["--max-body", "1000000"])
        .fails_with(&["the response body is larger than the limit of 1000000 bytes (--max-body)"]);
}

#[test]
fn a_body_slower_than_the_timeout_is_a_timeout() {
    let server = Hostile::start(Reply::Trickle {
        head: head(
            "200 OK",
            &[
                ("content-type", "application/json"),
                ("content-length", "1000"),
            ],
        ),
        chunk: b" ".to_vec(),
        every: Duration::from_millis(100),
        count: 1000,
    });
    run("slow-body", READ, &server, &["--timeout", "1s"]).fails_with(&[
        "→ 200",
        "no complete response within 1s (the response body was still arriving; --timeout)",
    ]);
}

#[test]
fn a_server_that_hangs_after_the_headers_is_a_timeout() {
    let server = Hostile::start(Reply::HangAfter(head(
        "200 OK",
        &[
            ("content-type", "application/json"),
            ("content-length", "32"),
        ],
    )));
    run("hang", READ, &server, &["--timeout", "1s"]).fails_with(&[
        "no complete response within 1s (the response body was still arriving; --timeout)",
    ]);
}

#[test]
fn a_server_that_never_answers_is_a_timeout() {
    let server = Hostile::start(Reply::HangAfter(Vec::new()));
    run("silent", READ, &server, &["--timeout", "1s"]).fails_with(&[
        "→ no response",
        "no complete response within 1s (no response headers arrived; --timeout)",
    ]);
}

#[test]
fn a_reset_connection_is_a_transport_failure() {
    let server = Hostile::start(Reply::Reset);
    let r = run("reset", READ, &server, &[]);
    r.fails_with(&["→ no response", "the connection failed: "]);
    assert!(
        !r.stdout.contains("SendRequest"),
        "hyper's internals leak into the message:\n{}",
        r.stdout
    );
    // GETs are retried on connection failures only, and a reset is not one.
    assert!(server.requests().len() <= 3, "{:?}", server.requests());
}

#[test]
fn invalid_utf8_in_the_body_is_reported_with_its_offset() {
    let server = Hostile::start(json_200(b"{\"canReceiveInvitations\": \"\xff\xfe\"}"));
    run("utf8", READ, &server, &[]).fails_with(&[
        "the body is not valid JSON: it is not UTF-8 (invalid byte 0xFF at offset 27)",
    ]);
}

#[test]
fn duplicate_keys_are_refused_not_guessed() {
    let server = Hostile::start(json_200(
        br#"{"canReceiveInvitations": false, "canReceiveInvitations": true}"#,
    ));
    run("duplicates", READ, &server, &[]).fails_with(&[
        "the body is not valid JSON: duplicate key `canReceiveInvitations` at line 1 column 56",
    ]);
}

#[test]
fn nesting_10000_deep_is_an_error_not_a_stack_overflow() {
    let body = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let server = Hostile::start(json_200(body.as_bytes()));
    run("deep", READ, &server, &[])
        .fails_with(&["the body is not valid JSON: it nests deeper than 128 levels"]);
}

#[test]
fn a_number_beyond_f64_is_refused() {
    let server = Hostile::start(json_200(br#"{"canReceiveInvitations": 1e400}"#));
    run("1e400", READ, &server, &[])
        .fails_with(&["the body is not valid JSON: number out of range at line 1 column 31"]);
}

#[test]
fn an_integer_beyond_64_bits_is_refused_not_rounded() {
    // 2^70: an f64 would silently round it.
    let server = Hostile::start(json_200(
        br#"{"canReceiveInvitations": 1180591620717411303424}"#,
    ));
    run("2e70", READ, &server, &[]).fails_with(&[
        "the body is not valid JSON: the integer 1180591620717411303424 at offset 26 does not fit in 64 bits",
    ]);
}

#[test]
fn a_redirect_is_not_followed_and_the_token_stays_home() {
    let elsewhere = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    elsewhere.set_nonblocking(true).expect("nonblocking");
    let location = format!(
        "http://{}/beta/directory/tenantGovernance/settings",
        elsewhere.local_addr().expect("addr")
    );
    let server = Hostile::start(Reply::Raw(head(
        "302 Found",
        &[("location", &location), ("content-length", "0")],
    )));
    let r = run("redirect", READ, &server, &[]);
    r.fails_with(&[&format!(
        "expected status 200, got 302 (a redirect to {location}; tgconform does not follow redirects)"
    )]);
    let seen = server.requests();
    // First the run's reachability probe: the base URL, without a token.
    assert!(
        seen.len() == 2
            && !seen[0].authorization
            && seen[0].request_line.starts_with("GET /beta ")
            && seen[1].authorization
            && seen[1]
                .request_line
                .starts_with("GET /beta/directory/tenantGovernance/settings "),
        "the target saw {seen:?}"
    );
    assert!(
        elsewhere.accept().is_err(),
        "the redirect target received a connection"
    );
}

#[test]
fn control_characters_in_error_codes_are_printed_escaped() {
    let body = br#"{"error": {"code": "\u001b[31mBadRequest\u001b[0m", "message": "ring\u0007 \r\nreturn \u202eevil"}}"#;
    let server = Hostile::start(response("400 Bad Request", Some("application/json"), body));
    let r = run("ansi", READ, &server, &[]);
    r.fails_with(&[
        r"expected status 200, got 400 (\u{1b}[31mBadRequest\u{1b}[0m: ring\u{7} return \u{202e}evil)",
    ]);
    for c in ['\u{1b}', '\u{7}', '\r', '\u{202e}'] {
        assert!(
            !r.stdout.contains(c),
            "a raw {c:?} reached the terminal:\n{}",
            r.stdout
        );
    }
}

#[test]
fn control_characters_in_a_text_body_are_printed_escaped() {
    let server = Hostile::start(response(
        "500 Internal Server Error",
        Some("text/plain"),
        b"\x1b[2J\x1b[Hscreen wiped\x07",
    ));
    let r = run("ansi-body", READ, &server, &[]);
    r.fails_with(&[r"response body: \u{1b}[2J\u{1b}[Hscreen wiped\u{7}"]);
    assert!(!r.stdout.contains('\u{1b}'), "{}", r.stdout);
}

#[test]
fn a_body_cut_off_mid_way_is_a_transport_failure_after_the_headers() {
    let mut bytes = head(
        "200 OK",
        &[
            ("content-type", "application/json"),
            ("content-length", "100"),
        ],
    );
    bytes.extend_from_slice(br#"{"canReceiveInvitations""#);
    let server = Hostile::start(Reply::Raw(bytes));
    run("cut-off", READ, &server, &[]).fails_with(&[
        "→ 200",
        "the connection failed while the response body was arriving: ",
    ]);
}

#[test]
fn garbage_instead_of_http_is_a_transport_failure() {
    let server = Hostile::start(Reply::Raw(
        b"SSH-2.0-OpenSSH_9.6\r\n\x1b[31mnot http\r\n\r\n".to_vec(),
    ));
    let r = run("garbage", READ, &server, &[]);
    r.fails_with(&["→ no response", "the connection failed: "]);
    assert!(!r.stdout.contains('\u{1b}'), "{}", r.stdout);
}

#[test]
fn endless_response_headers_are_refused() {
    let mut bytes = b"HTTP/1.1 200 OK\r\n".to_vec();
    for i in 0..20_000 {
        bytes.extend_from_slice(format!("x-filler-{i}: {}\r\n", "y".repeat(40)).as_bytes());
    }
    let server = Hostile::start(Reply::Raw(bytes));
    run("endless-headers", READ, &server, &[])
        .fails_with(&["→ no response", "the connection failed: "]);
}
