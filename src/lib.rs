//! tgconform: a contract-conformance harness for the Microsoft Graph tenant
//! governance API.
//!
//! Data flows one way: [`scenario`] (load) → [`plan`] → [`runner`] (execute) →
//! [`judge`] → [`report`]. The [`mock`] is a separate server that shares only the
//! [`contract`] facts with the harness.

pub mod contract;
pub mod judge;
pub mod mock;
pub mod plan;
pub mod runner;
pub mod scenario;
pub mod schema;
pub mod target;
pub mod snapshot;
pub mod report;
pub mod cli;
