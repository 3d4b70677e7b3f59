fn main() -> std::process::ExitCode {
    tgconform::cli::main()
}
