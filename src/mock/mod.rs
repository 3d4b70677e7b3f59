//! STUB (replaced by the mock branch on merge).
#![allow(dead_code, unused_variables)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Fault {
    A,
}
impl Fault {
    pub const ALL: &'static [Fault] = &[Fault::A];
    pub fn name(self) -> &'static str {
        "a"
    }
    pub fn description(self) -> &'static str {
        "a"
    }
    pub fn from_name(s: &str) -> Option<Fault> {
        None
    }
}
#[derive(Default, Clone)]
pub struct MockOptions {
    pub faults: Vec<Fault>,
    pub control: bool,
}
pub struct MockServer {
    addr: std::net::SocketAddr,
}
impl MockServer {
    pub fn start(opts: MockOptions) -> std::io::Result<MockServer> {
        Self::start_on("127.0.0.1:0".parse().map_err(std::io::Error::other)?, opts)
    }
    pub fn start_on(addr: std::net::SocketAddr, opts: MockOptions) -> std::io::Result<MockServer> {
        Ok(MockServer { addr })
    }
    pub fn base_url(&self) -> String {
        format!("http://{}/beta", self.addr)
    }
    pub fn addr(&self) -> std::net::SocketAddr {
        self.addr
    }
}
pub fn router(opts: MockOptions) -> axum::Router {
    axum::Router::new()
}
