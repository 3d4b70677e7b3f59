mod embedded_suite;

fn main() -> std::process::ExitCode {
    tgconform::cli::main(&embedded_suite::SUITE)
}
