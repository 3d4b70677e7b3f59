//! An axum hello-world server: the yardstick for the mock's requests per second.
//! Prints `listening on http://ADDR` and serves `GET /` until killed.

// The bench script reads the address from stdout.
#[allow(clippy::print_stdout)]
fn main() -> std::io::Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        println!("listening on http://{}", listener.local_addr()?);
        let app = axum::Router::new().route("/", axum::routing::get(|| async { "Hello, World!" }));
        axum::serve(listener, app).await
    })
}
