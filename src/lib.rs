//! tgconform: a contract-conformance harness for the Microsoft Graph tenant
//! governance API.
//!
//! Data flows one way: [`scenario`] (load) → [`plan`] → [`runner`] (execute) →
//! [`judge`] → [`report`]. The [`engine`] is the one place that wires a run together
//! (runtime, jobs, mocks, interrupts) and hands its events to reporters. The [`mock`]
//! is a separate server that shares only the [`contract`] facts (and, for its `$metadata`,
//! [`metadata`] and the [`schema`] documents) with the harness.

pub mod cli;
pub mod contract;
pub mod endpoint;
pub mod engine;
pub mod judge;
pub mod metadata;
pub mod mock;
pub mod plan;
pub mod report;
pub mod runner;
pub mod scenario;
pub mod schema;
pub mod snapshot;
mod startup;
pub mod text;
