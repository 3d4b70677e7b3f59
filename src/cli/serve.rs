use super::args::ServeArgs;
use super::error::{CliError, usage};
use crate::endpoint::{Profile, bind_actors};
use crate::mock::{Decision, Fault, MockOptions};
use crate::report::Masker;

pub(crate) fn serve(args: ServeArgs) -> Result<(), CliError> {
    if args.list_faults {
        for f in Fault::ALL {
            outln!("{:<40} {}", f.name(), f.description());
        }
        return Ok(());
    }
    if args.list_decisions {
        for d in Decision::ALL {
            outln!("{:<40} {}", d.name(), d.description());
        }
        return Ok(());
    }
    let faults = super::run::parse_faults(&args.faults).map_err(usage)?;
    let decisions = super::run::parse_decisions(&args.decisions).map_err(usage)?;
    let addr: std::net::SocketAddr = args.addr.parse().map_err(|e| {
        usage(format!(
            "--addr `{}`: {e} (write IP:PORT, e.g. 127.0.0.1:8080)",
            args.addr
        ))
    })?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| usage(format!("cannot start the async runtime: {e}")))?;
    let opts = MockOptions {
        faults: faults.clone(),
        decisions: decisions.clone(),
        control: args.control,
    };
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| usage(format!("cannot listen on {addr}: {e}")))?;
        let local = listener.local_addr().unwrap_or(addr);
        outln!("tgconform mock listening on http://{local}/beta");
        if !faults.is_empty() {
            outln!("faults on: {}", faults.iter().map(|f| f.name()).collect::<Vec<_>>().join(", "));
        }
        if !decisions.is_empty() {
            outln!("decisions on: {}", decisions.iter().map(|d| d.name()).collect::<Vec<_>>().join(", "));
        }
        if args.control {
            outln!("control endpoints on: POST http://{local}/_mock/clock {{\"advance\":\"P15D\"}}");
        } else {
            outln!("control endpoints off: `tgconform run --target` skips the scenarios that need the mock clock (pass --control to enable /_mock/clock)");
        }
        // Ready-to-use tokens for the built-in actors (tenants fixed for this server's life).
        let profile = Profile::builtin();
        let names: Vec<String> = profile.actors.keys().cloned().collect();
        if let Ok(actors) = bind_actors(&profile, &names, &[]) {
            outln!("\nmock tokens (unsigned; see README \"Mock tokens\"):");
            for (name, a) in &actors.actors {
                outln!("  {name:<28} tenant {}  {}", a.tenant_id, a.minted.as_deref().unwrap_or(""));
            }
        }
        outln!("\nexample: curl -H \"Authorization: Bearer <token>\" http://{local}/beta/directory/tenantGovernance/settings");
        // One line per request at -v (info): method, path, status, time. No headers,
        // so no token; the path and query are masked all the same.
        let app = crate::mock::router(opts).layer(axum::middleware::from_fn(log_request));
        let shutdown = async {
            let _ = tokio::signal::ctrl_c().await;
        };
        axum::serve(listener, app)
            .with_graceful_shutdown(shutdown)
            .await
            .map_err(|e| usage(format!("the server stopped: {e}")))
    })
}

async fn log_request(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let method = req.method().clone();
    let uri = Masker::default().mask(&req.uri().to_string());
    let started = std::time::Instant::now();
    let resp = next.run(req).await;
    tracing::info!(
        "{method} {} → {} in {} ms",
        crate::judge::printable(&uri),
        resp.status().as_u16(),
        started.elapsed().as_millis()
    );
    resp
}
