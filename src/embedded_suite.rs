//! The scenarios and fixtures built into the `tgconform` binary, so an installed
//! `tgconform run` works from any folder (`--scenarios DIR` runs a folder instead).
//!
//! `build.rs` lists every `*.yaml` file of `scenarios/` and `scenarios/fixtures/`; a
//! file added there is embedded at the next build. This file belongs to the binary
//! (`main.rs`), not the library: editing a scenario rebuilds only the binary.

include!(concat!(env!("OUT_DIR"), "/embedded_suite.rs"));
