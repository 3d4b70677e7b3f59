//! The command line: parse arguments, wire the stages, map outcomes to exit codes.

mod args;
mod run;
mod schema_cmd;
mod selftest;
mod serve;

use std::process::ExitCode;

use clap::Parser;

pub use args::{Cli, Command, RunArgs};

/// Exit codes: 0 all passed, 1 a scenario failed, 2 usage/configuration/scenario-file error.
pub const EXIT_OK: u8 = 0;
pub const EXIT_FAILED: u8 = 1;
pub const EXIT_USAGE: u8 = 2;

/// Entry point of the `tgconform` binary.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_USAGE } else { EXIT_OK };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    init_tracing(cli.verbose);
    let code = match cli.command {
        Command::Run(args) => run::run(*args, cli.verbose > 0),
        Command::Serve(args) => serve::serve(args),
        Command::Schema(cmd) => schema_cmd::schema(cmd),
        Command::List(args) => run::list(args),
        Command::Selftest(args) => selftest::selftest(args),
    };
    ExitCode::from(code)
}

fn init_tracing(verbose: u8) {
    let default = match verbose {
        0 => "warn",
        1 => "tgconform=info",
        _ => "tgconform=debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("TGCONFORM_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
