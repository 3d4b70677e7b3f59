//! Broken scenario files: every file in `tests/fixtures/bad-scenarios/` must be refused
//! with exactly the message in its golden file `NAME.expected` (the folder shown as
//! `$DIR`), a position where one exists, and no panic.
//!
//! Trials:
//! - `load::NAME`: the loader through the library API, compared with the golden file;
//! - `cli::NAME`: a few cases through the binary: exit 2, the same message on stderr,
//!   "nothing was sent", and no connection reaches the target;
//! - `goldens::no_orphans`: every golden file belongs to a case.
//!
//! Some cases are generated (a 10 MB file, 10,000-deep nesting, a folder named
//! `*.yaml`); they live in the scratch folder and have only a golden file here.
//!
//! Rewrite the golden files after a deliberate change of wording:
//! `TGCONFORM_BLESS=1 cargo test --test bad_scenarios`.

// Test code: a panic is how a check fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use libtest_mimic::{Arguments, Failed, Trial};
use tgconform::scenario::{self, LoadOptions};
use tgconform::schema::SchemaRegistry;

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bad-scenarios")
}

fn blessing() -> bool {
    std::env::var_os("TGCONFORM_BLESS").is_some_and(|v| !v.is_empty() && v != "0")
}

/// Cases whose error cannot have a line and column (the file is not read as text).
const NO_POSITION: &[&str] = &["directory-named-yaml", "huge-file"];

/// Cases also run through the binary (`run` against a listener that must stay silent,
/// or `list`).
const CLI_CASES: &[(&str, &str)] = &[
    ("empty", "run"),
    ("non-utf8", "run"),
    ("binary-junk", "list"),
    ("yaml-anchor-bomb", "run"),
    ("yaml-tab-indentation", "list"),
    ("unknown-top-level-key", "run"),
    ("template-unknown-variable", "run"),
    ("fixture-cycle", "run"),
    ("status-not-a-number", "list"),
    ("huge-file", "run"),
    ("deep-nesting-flow", "run"),
    ("directory-named-yaml", "list"),
];

/// A case written at test time instead of checked in.
enum Generated {
    File(fn() -> Vec<u8>),
    Dir,
}

const HEAD: &str = "name: generated\nactors: [governing]\nsteps:\n  - name: read\n    as: governing\n    request:\n      method: POST\n      path: /directory/tenantGovernance/settings\n";

fn generated() -> Vec<(&'static str, Generated)> {
    vec![
        (
            // 10 MB: refused by size before it is parsed.
            "huge-file",
            Generated::File(|| {
                let mut text = HEAD.to_string();
                text.push_str("      body: \"");
                text.push_str(&"x".repeat(10 * 1024 * 1024));
                text.push_str("\"\n    expect: {status: 200}\n");
                text.into_bytes()
            }),
        ),
        (
            // 10,000 nested flow sequences in a JSON body.
            "deep-nesting-flow",
            Generated::File(|| {
                let mut text = HEAD.to_string();
                text.push_str("      json: ");
                text.push_str(&"[".repeat(10_000));
                text.push_str(&"]".repeat(10_000));
                text.push_str("\n    expect: {status: 200}\n");
                text.into_bytes()
            }),
        ),
        (
            // 500 nested block mappings in a JSON body (10,000 would pass the size limit).
            "deep-nesting-block",
            Generated::File(|| {
                let mut text = HEAD.to_string();
                text.push_str("      json:\n");
                for depth in 0..500 {
                    text.push_str(&" ".repeat(8 + depth));
                    text.push_str("k:\n");
                }
                text.push_str("    expect: {status: 200}\n");
                text.into_bytes()
            }),
        ),
        ("directory-named-yaml", Generated::Dir),
    ]
}

/// One case: its name, and how to put it into a folder of its own.
#[derive(Clone)]
struct Case {
    name: String,
    /// The checked-in file, or `None` for a generated case.
    source: Option<PathBuf>,
    make: Option<fn() -> Vec<u8>>,
    is_dir: bool,
}

impl Case {
    fn golden(&self) -> PathBuf {
        cases_dir().join(format!("{}.expected", self.name))
    }

    /// Write the case into `dir` (with the shared `fixtures/` folder) and return its path.
    fn materialize(&self, dir: &Path) -> PathBuf {
        let _ = std::fs::remove_dir_all(dir);
        std::fs::create_dir_all(dir).expect("create case dir");
        copy_dir(&cases_dir().join("fixtures"), &dir.join("fixtures"));
        let file_name = match &self.source {
            Some(src) => src
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            None => format!("{}.yaml", self.name),
        };
        let path = dir.join(file_name);
        match (&self.source, self.make, self.is_dir) {
            (Some(src), _, _) => {
                std::fs::copy(src, &path).expect("copy case");
            }
            (None, Some(make), _) => std::fs::write(&path, make()).expect("write case"),
            (None, None, true) => {
                std::fs::create_dir_all(path.join("inside")).expect("mkdir");
            }
            (None, None, false) => unreachable!("a case without content"),
        }
        path
    }
}

fn copy_dir(from: &Path, to: &Path) {
    let Ok(entries) = std::fs::read_dir(from) else {
        return;
    };
    std::fs::create_dir_all(to).expect("mkdir fixtures");
    for e in entries.flatten() {
        std::fs::copy(e.path(), to.join(e.file_name())).expect("copy fixture");
    }
}

fn cases() -> Vec<Case> {
    let mut out: Vec<Case> = std::fs::read_dir(cases_dir())
        .expect("read tests/fixtures/bad-scenarios")
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.is_file() && matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml"))
        })
        .map(|p| Case {
            name: p
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default(),
            source: Some(p),
            make: None,
            is_dir: false,
        })
        .collect();
    for (name, g) in generated() {
        out.push(Case {
            name: name.to_string(),
            source: None,
            make: match g {
                Generated::File(f) => Some(f),
                Generated::Dir => None,
            },
            is_dir: matches!(g, Generated::Dir),
        });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

fn load_options() -> &'static LoadOptions {
    static OPTS: OnceLock<LoadOptions> = OnceLock::new();
    OPTS.get_or_init(|| LoadOptions {
        schema_types: Some(
            SchemaRegistry::builtin()
                .map(|s| s.type_names())
                .unwrap_or_default(),
        ),
        ..LoadOptions::default()
    })
}

fn scratch(kind: &str, case: &str) -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("bad-scenarios")
        .join(kind)
        .join(case)
}

/// The message with the case folder written as `$DIR`.
fn normalize(text: &str, dir: &Path) -> String {
    text.replace(&dir.display().to_string(), "$DIR")
}

fn compare_with_golden(case: &Case, actual: &str) -> Result<(), Failed> {
    let golden = case.golden();
    if blessing() {
        std::fs::write(&golden, actual).map_err(|e| format!("cannot bless: {e}"))?;
        return Ok(());
    }
    let expected = std::fs::read_to_string(&golden).map_err(|e| {
        format!(
            "no golden file {} ({e}); write it with TGCONFORM_BLESS=1 cargo test --test bad_scenarios\n\nthe loader said:\n{actual}",
            golden.display()
        )
    })?;
    if expected != actual {
        return Err(format!(
            "the message differs from {}\n--- expected\n{expected}\n--- actual\n{actual}\n(after a deliberate change: TGCONFORM_BLESS=1 cargo test --test bad_scenarios)",
            golden.display()
        )
        .into());
    }
    Ok(())
}

/// The loader refuses the file with the golden message and a position.
fn load_trial(case: &Case) -> Result<(), Failed> {
    let dir = scratch("load", &case.name);
    let path = case.materialize(&dir);
    let err = match scenario::load_file(&path, load_options()) {
        Ok(s) => {
            return Err(format!(
                "the file loaded ({} steps); it should be refused",
                s.steps.len()
            )
            .into());
        }
        Err(e) => e,
    };
    let message = format!("{}\n", normalize(&err.to_string(), &dir));
    compare_with_golden(case, &message)?;
    let has_position = err.span.is_known();
    if has_position == NO_POSITION.contains(&case.name.as_str()) {
        return Err(format!(
            "position expected: {}, got {}:{} in\n{message}",
            !has_position, err.span.line, err.span.column
        )
        .into());
    }
    if err.hint.is_none() && err.message.len() < 20 {
        return Err(format!("a terse message without a hint:\n{message}").into());
    }
    Ok(())
}

/// The binary exits 2 with the same message, says nothing was sent, and sends nothing.
fn cli_trial(case: &Case, command: &str) -> Result<(), Failed> {
    let dir = scratch("cli", &case.name);
    case.materialize(&dir);
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("bind: {e}"))?;
    listener
        .set_nonblocking(true)
        .map_err(|e| format!("nonblocking: {e}"))?;
    let target = format!(
        "http://{}/beta",
        listener.local_addr().map_err(|e| e.to_string())?
    );
    let dir_arg = dir.to_string_lossy().into_owned();
    let args: Vec<&str> = match command {
        "run" => vec!["run", "--scenarios", &dir_arg, "--target", &target],
        _ => vec!["list", "--scenarios", &dir_arg],
    };
    let (code, out, err) = common::tgconform(&args);
    let err = normalize(&err, &dir);
    if code != 2 {
        return Err(format!("exit code {code}, expected 2\nstdout:\n{out}\nstderr:\n{err}").into());
    }
    if err.contains("panicked") {
        return Err(format!("the binary panicked:\n{err}").into());
    }
    // The library's message (which `load::NAME` holds to the golden file), then the summary.
    let lib_dir = scratch("cli-lib", &case.name);
    let lib_path = case.materialize(&lib_dir);
    let lib_message = match scenario::load_file(&lib_path, load_options()) {
        Ok(_) => return Err("the file loaded through the library".into()),
        Err(e) => normalize(&e.to_string(), &lib_dir),
    };
    let expected =
        format!("{lib_message}\n\n1 scenario file(s) could not be loaded; nothing was sent\n");
    if err != expected {
        return Err(format!("stderr differs\n--- expected\n{expected}\n--- actual\n{err}").into());
    }
    if !out.is_empty() {
        return Err(format!("stdout should be empty, got:\n{out}").into());
    }
    if listener.accept().is_ok() {
        return Err("a connection reached the target".into());
    }
    Ok(())
}

/// Every golden file has a case (a renamed case leaves no stale golden behind).
fn no_orphans(names: &[String]) -> Result<(), Failed> {
    let mut orphans = Vec::new();
    for e in std::fs::read_dir(cases_dir())
        .map_err(|e| e.to_string())?
        .flatten()
    {
        let p = e.path();
        if p.extension().and_then(|x| x.to_str()) == Some("expected") {
            let stem = p
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            if !names.contains(&stem) {
                orphans.push(p.display().to_string());
            }
        }
    }
    if orphans.is_empty() {
        Ok(())
    } else {
        Err(format!("golden files without a case: {}", orphans.join(", ")).into())
    }
}

fn main() -> std::process::ExitCode {
    let args = Arguments::from_args();
    let cases = cases();
    let names: Vec<String> = cases.iter().map(|c| c.name.clone()).collect();
    let mut trials = Vec::new();
    for case in &cases {
        let c = case.clone();
        trials.push(Trial::test(format!("load::{}", case.name), move || {
            load_trial(&c)
        }));
    }
    for (name, command) in CLI_CASES {
        let case = cases.iter().find(|c| c.name == *name).cloned();
        let command = *command;
        trials.push(Trial::test(format!("cli::{name}"), move || match &case {
            Some(c) => cli_trial(c, command),
            None => Err(format!("CLI_CASES names `{name}`, which is not a case").into()),
        }));
    }
    trials.push(Trial::test("goldens::no_orphans", move || {
        no_orphans(&names)
    }));
    libtest_mimic::run(&args, trials).exit_code()
}
