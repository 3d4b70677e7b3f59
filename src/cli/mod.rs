//! The command line: parse arguments, wire the stages, map outcomes to exit codes.

mod args;
mod error;
mod review;
mod run;
mod schema_cmd;
mod selftest;
mod serve;

use std::process::ExitCode;

use clap::Parser;

pub use args::{Cli, Command, RunArgs, SchemaModeArg};
pub use error::{CliError, Env};

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
    let env = Env::from_process();
    init_tracing(cli.verbose, &env);
    let result = match cli.command {
        Command::Run(args) => run::run(*args, cli.verbose, &env),
        Command::Serve(args) => serve::serve(args),
        Command::Schema(cmd) => schema_cmd::schema(cmd),
        Command::List(args) => run::list(args),
        Command::Selftest(args) => selftest::selftest(args),
        Command::Review(args) => review::review(args),
    };
    match result {
        Ok(()) => ExitCode::from(EXIT_OK),
        Err(e) => {
            e.print();
            ExitCode::from(e.exit_code())
        }
    }
}

fn init_tracing(verbose: u8, env: &Env) {
    let default = match verbose {
        0 => "warn",
        1 => "tgconform=info",
        _ => "tgconform=debug",
    };
    let filter = env
        .log
        .as_deref()
        .and_then(|f| tracing_subscriber::EnvFilter::try_new(f).ok())
        .unwrap_or_else(|| tracing_subscriber::EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
