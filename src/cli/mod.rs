//! The command line: parse arguments, wire the stages, map outcomes to exit codes.

/// `println!` that survives a reader going away (`tgconform list | head -3`).
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::report::out(&format!("{}\n", format_args!($($arg)*)))
    };
}

/// `eprintln!` that survives a closed stderr.
macro_rules! errln {
    ($($arg:tt)*) => {
        $crate::report::err(&format!("{}\n", format_args!($($arg)*)))
    };
}

mod args;
mod drift;
mod error;
mod fixtures;
mod init;
mod preflight;
mod review;
mod run;
mod schema_cmd;
mod selftest;
mod serve;
mod suite;

use std::process::ExitCode;

use clap::{CommandFactory as _, Parser};

pub use args::{Cli, Command, RunArgs, SchemaModeArg};
pub use error::{CliError, Env};
pub use suite::EmbeddedSuite;

/// Exit codes: 0 all passed, 1 a scenario failed, 2 usage/configuration/scenario-file error.
pub const EXIT_OK: u8 = 0;
pub const EXIT_FAILED: u8 = 1;
pub const EXIT_USAGE: u8 = 2;

/// Entry point of the `tgconform` binary; `suite` is the scenarios built into it.
pub fn main(suite: &'static EmbeddedSuite) -> ExitCode {
    crate::startup::begin();
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
    crate::startup::milestone("arguments parsed, logging on");
    let result = match cli.command {
        Command::Run(args) => run::run(*args, cli.verbose, cli.color.into(), &env, suite),
        Command::Serve(args) => serve::serve(args),
        Command::Schema(cmd) => schema_cmd::schema(cmd),
        Command::List(args) => run::list(args, &env, suite),
        Command::Selftest(args) => selftest::selftest(args, cli.color.into(), &env, suite),
        Command::Review(args) => review::review(args),
        Command::Init { dir } => init::init(&dir),
        Command::Completions { shell } => completions(shell),
        Command::Man { dir } => man(dir),
    };
    match result {
        Ok(()) => ExitCode::from(EXIT_OK),
        Err(e) => {
            e.print();
            ExitCode::from(e.exit_code())
        }
    }
}

fn completions(shell: clap_complete::Shell) -> Result<(), CliError> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "tgconform", &mut script);
    crate::report::report_out(&String::from_utf8_lossy(&script));
    Ok(())
}

fn man(dir: Option<std::path::PathBuf>) -> Result<(), CliError> {
    let cmd = Cli::command();
    if let Some(dir) = dir {
        std::fs::create_dir_all(&dir)
            .and_then(|()| clap_mangen::generate_to(cmd, &dir))
            .map_err(|e| {
                error::usage(format!(
                    "cannot write the man pages into {}: {e}",
                    dir.display()
                ))
            })?;
        outln!("man pages written into {}", dir.display());
        return Ok(());
    }
    let mut page = Vec::new();
    clap_mangen::Man::new(cmd)
        .render(&mut page)
        .map_err(|e| error::usage(format!("cannot render the man page: {e}")))?;
    crate::report::report_out(&String::from_utf8_lossy(&page));
    Ok(())
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
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .try_init();
}
