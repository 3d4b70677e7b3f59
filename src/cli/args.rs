use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::schema::SchemaMode;

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    /// On a terminal, unless NO_COLOR is set (or TERM is dumb).
    Auto,
    Always,
    Never,
}

impl From<ColorArg> for crate::report::ColorChoice {
    fn from(c: ColorArg) -> Self {
        match c {
            ColorArg::Auto => crate::report::ColorChoice::Auto,
            ColorArg::Always => crate::report::ColorChoice::Always,
            ColorArg::Never => crate::report::ColorChoice::Never,
        }
    }
}

/// `--schema-mode` / `--mode`: how unknown properties count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SchemaModeArg {
    /// Unknown properties fail.
    Strict,
    /// Unknown properties are warnings.
    Lenient,
}

impl From<SchemaModeArg> for SchemaMode {
    fn from(m: SchemaModeArg) -> Self {
        match m {
            SchemaModeArg::Strict => SchemaMode::Strict,
            SchemaModeArg::Lenient => SchemaMode::Lenient,
        }
    }
}

/// Conformance harness for the Microsoft Graph tenant governance API
/// (/directory/tenantGovernance, beta).
///
/// Runs declarative YAML scenarios against the embedded reference mock (the default),
/// another mock, or real tenants, and checks every response against the documented
/// contract: status codes, JSON Schemas, values and lifecycle rules.
///
/// Exit codes: 0 all scenarios passed; 1 a scenario failed; 2 usage, configuration or
/// scenario-file error (nothing was sent).
#[derive(Debug, Parser)]
#[command(
    name = "tgconform",
    version,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    /// More output on stderr: -v every step and (serve) every request; -vv also debug
    /// logs (each request sent and each retry). Tokens are never logged.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Colour: auto (on a terminal, unless NO_COLOR is set), always, never.
    #[arg(long, global = true, value_name = "WHEN", value_enum, default_value_t = ColorArg::Auto)]
    pub color: ColorArg,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run scenarios and report (the main job).
    ///
    /// Without --target, every scenario runs against the embedded mock, started on
    /// 127.0.0.1 with an OS-assigned port. Without --scenarios, the scenarios built into
    /// this binary run, so it works from any folder.
    #[command(after_help = RUN_EXAMPLES)]
    Run(Box<RunArgs>),
    /// Run the reference mock as a standalone server for other tools and people.
    Serve(ServeArgs),
    /// List or check JSON Schemas by hand.
    #[command(subcommand)]
    Schema(SchemaCommand),
    /// Load every scenario (checking it) and list them with their tags; sends nothing.
    List(ListArgs),
    /// Print a shell completion script: bash, zsh, fish, powershell or elvish.
    #[command(after_help = COMPLETION_EXAMPLES)]
    Completions {
        /// The shell to complete in.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), or write one page per command into a folder.
    #[command(after_help = "Example:\n  tgconform man > tgconform.1 && man ./tgconform.1")]
    Man {
        /// Write tgconform.1, tgconform-run.1, … into this folder instead.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
    /// Mutation self-test: run the suite against the embedded mock once per fault of its
    /// catalogue; every fault must be caught by at least one scenario.
    ///
    /// Exit code 1 if a fault survives or if the clean mock fails a scenario.
    Selftest(SelftestArgs),
    /// Write a starter folder: a scenario, a profile, editor schemas and a .gitignore.
    ///
    /// The folder is laid out like this repository, so `tgconform run` in it runs its
    /// scenarios: scenarios/read-a-policy-template.yaml (uses a built-in fixture and
    /// passes against the embedded mock), profiles/my-target.yaml (the built-in
    /// profile's shape, commented), editor/*.schema.json (what the first line of each
    /// file points editors at) and .gitignore (*.snap.new). Existing files are never
    /// overwritten: if any is there, nothing is written and the exit code is 2.
    #[command(after_help = INIT_EXAMPLES)]
    Init {
        /// The folder to write into (created if missing).
        #[arg(value_name = "DIR", default_value = ".")]
        dir: PathBuf,
    },
    /// Review pending snapshot changes (`.snap.new`): show each diff, accept or reject.
    ///
    /// Examples:
    ///   tgconform review                       # one by one: a(ccept), r(eject), s(kip)
    ///   tgconform review --accept-all
    ///   tgconform review --accept terminate-twice --reject settings-round-trip
    ///   tgconform review --stale --delete-stale
    Review(super::review::ReviewArgs),
}

#[derive(Debug, Args)]
pub struct SelftestArgs {
    /// Folder of scenario files (fixtures in its `fixtures/` folder) to use instead of
    /// the scenarios built into this binary.
    #[arg(long, value_name = "DIR")]
    pub scenarios: Option<PathBuf>,
    /// Only these faults (repeatable; default: the whole catalogue).
    #[arg(long = "fault", value_name = "NAME")]
    pub faults: Vec<String>,
    /// Leave out scenarios with this tag (repeatable), e.g. to see what only opinions catch.
    #[arg(long = "skip-tag", value_name = "TAG")]
    pub skip_tags: Vec<String>,
    /// Scenarios run at the same time (default: the number of CPUs).
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<usize>,
    /// Write the fault table as JSON here.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
}

#[derive(Debug, Args, Clone)]
pub struct RunArgs {
    /// Only scenarios whose name (file stem) contains this text.
    pub filter: Option<String>,
    /// Folder of scenario files (fixtures in its `fixtures/` folder) to use instead of
    /// the scenarios built into this binary.
    #[arg(long, value_name = "DIR")]
    pub scenarios: Option<PathBuf>,
    /// Base URL of the API to test, e.g. https://graph.microsoft.com/beta
    /// (default: the embedded mock).
    #[arg(long, value_name = "URL", env = "TGCONFORM_TARGET")]
    pub target: Option<String>,
    /// Profile file: actors (tenant ids, names, token sources), target and fixture values.
    #[arg(long, value_name = "FILE", env = "TGCONFORM_PROFILE")]
    pub profile: Option<PathBuf>,
    /// Run only scenarios with this tag (repeatable: any of them).
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// Leave out scenarios with this tag (repeatable), e.g. --skip-tag inferred.
    #[arg(long = "skip-tag", value_name = "TAG")]
    pub skip_tags: Vec<String>,
    /// Scenarios run at the same time (default: the number of CPUs).
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<usize>,
    /// Run scenarios in a shuffled order derived from SEED (to prove independence).
    #[arg(long, value_name = "SEED")]
    pub shuffle: Option<u64>,
    /// strict: unknown properties fail; lenient: they are warnings.
    /// Default: strict for mocks, lenient for real tenants.
    #[arg(long, value_name = "MODE", value_enum)]
    pub schema_mode: Option<SchemaModeArg>,
    /// Microsoft's metadata (a CSDL file, or `live`: `{target}/$metadata`, read once at
    /// start). A property it declares that the documented schema lacks is a drift warning,
    /// not an unknown-property failure; the verdict stays about the docs.
    #[arg(long, value_name = "FILE|live")]
    pub metadata: Option<String>,
    /// Switch on a deliberate fault in the embedded mock (repeatable; see `serve --list-faults`).
    #[arg(long = "fault", value_name = "NAME")]
    pub faults: Vec<String>,
    /// Make the embedded mock give another answer the docs allow (repeatable; see
    /// `serve --list-decisions`), e.g. to see that a documented-only run still passes.
    #[arg(long = "decision", value_name = "NAME")]
    pub decisions: Vec<String>,
    /// Write a JUnit XML report here (- for stdout).
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Write a JSON report here (- for stdout; shape documented in README).
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Write a self-contained HTML report here: summary, scenarios by status and tag,
    /// every request and response, failures side by side, the rule coverage matrix.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Stop at the first failed scenario: none starts after it (those running finish,
    /// teardown included); the rest are reported as skipped.
    #[arg(long)]
    pub fail_fast: bool,
    /// Set a variable for this run, over the profile's `vars` and the scenarios'
    /// defaults (repeatable), e.g. --var templateId=0f7c…
    #[arg(long = "var", value_name = "KEY=VALUE")]
    pub vars: Vec<String>,
    /// Print what the run exercised of the documented contract (also in --json).
    #[arg(long)]
    pub coverage: bool,
    /// Per-request timeout, e.g. 30s or 500ms.
    #[arg(long, value_name = "DURATION", default_value = "30s")]
    pub timeout: String,
    /// Most time the whole run waits out 429 and 503 answers with Retry-After before it
    /// sends a request again (0s: never wait; the answer is judged as it is).
    #[arg(long, value_name = "DURATION", default_value = "60s")]
    pub retry_after_budget: String,
    /// Largest response body accepted, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = crate::runner::DEFAULT_MAX_BODY)]
    pub max_body: usize,
    /// Allow scenarios tagged `mutating` against a real tenant.
    #[arg(long)]
    pub allow_mutations: bool,
    /// Print every request the run would send, and send nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// check: a snapshot difference fails (default); update: accept every difference;
    /// new: record missing snapshots only. Default from INSTA_UPDATE (README, Snapshots).
    #[arg(long, value_name = "MODE", value_parser = ["check", "update", "new"])]
    pub snapshots: Option<String>,
    /// Snapshot folder of this target (default: snapshots/, or snapshots/<profile name>/).
    #[arg(long, value_name = "DIR")]
    pub snapshot_dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR")]
    pub addr: String,
    /// Switch on a deliberate fault (repeatable).
    #[arg(long = "fault", value_name = "NAME")]
    pub faults: Vec<String>,
    /// Give another answer the docs allow where the mock has a default (repeatable; a
    /// decision breaks no documented rule, unlike a fault). See --list-decisions.
    #[arg(long = "decision", value_name = "NAME")]
    pub decisions: Vec<String>,
    /// Enable the test-double endpoints (/_mock/clock) for clock-dependent scenarios.
    #[arg(long)]
    pub control: bool,
    /// Print the fault catalogue and exit.
    #[arg(long)]
    pub list_faults: bool,
    /// Print the decision switches (answers the docs allow besides the mock's own) and exit.
    #[arg(long)]
    pub list_decisions: bool,
}

#[derive(Debug, Subcommand)]
pub enum SchemaCommand {
    /// Print every schema type name.
    List,
    /// Validate a JSON payload (a file, or - for stdin) against a schema type.
    #[command(after_help = SCHEMA_EXAMPLES)]
    Validate {
        /// Schema type, e.g. governanceRequest (`tgconform schema list` prints them);
        /// TYPE[] checks an OData collection ({"value": [...]}) of that type.
        #[arg(long = "type", value_name = "TYPE")]
        type_name: String,
        /// strict (default) or lenient.
        #[arg(long, value_enum, default_value_t = SchemaModeArg::Strict)]
        mode: SchemaModeArg,
        /// A JSON file, or - for stdin.
        file: PathBuf,
    },
    /// Compare the schemas with Microsoft's metadata (OData CSDL) of the namespace.
    ///
    /// Lists every difference: types, properties (likely renames included), types and
    /// nullability of properties, enum members, bound operations. Differences the schemas
    /// make on purpose are listed as known; anything else is drift.
    ///
    /// Exit codes: 0 in step (known differences only); 1 drift; 2 the metadata cannot be
    /// read (a missing file, not CSDL, a target that is down).
    #[command(after_help = SCHEMA_DIFF_EXAMPLES)]
    Diff(SchemaDiffArgs),
    /// Print the JSON Schema of scenario files, for editors (yaml-language-server).
    #[command(after_help = EDITOR_SCHEMA_EXAMPLES)]
    Scenario,
    /// Print the JSON Schema of fixture files (scenarios/fixtures/*.yaml).
    Fixture,
    /// Print the JSON Schema of profile files.
    Profile,
}

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("source").required(true).args(["csdl", "target"]))]
pub struct SchemaDiffArgs {
    /// A CSDL file (Microsoft's `$metadata`, saved).
    #[arg(long, value_name = "FILE")]
    pub csdl: Option<PathBuf>,
    /// A service base URL: reads `{URL}/$metadata` (no token is sent; Graph needs none).
    #[arg(long, value_name = "URL")]
    pub target: Option<String>,
    /// Print the differences as JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Timeout of the whole `$metadata` download (Graph beta's is tens of megabytes).
    #[arg(long, value_name = "DURATION", default_value = "120s")]
    pub timeout: String,
}

const SCHEMA_DIFF_EXAMPLES: &str = "\
Examples:
  tgconform schema diff --target https://graph.microsoft.com/beta   # what CI runs
  tgconform schema diff --csdl metadata.xml --json | jq .drift
  tgconform schema diff --target http://127.0.0.1:8080/beta         # `tgconform serve`: in step

`added` is only in the metadata, `removed` only in the schemas. A likely rename is a
removed and an added property of the same JSON type with similar names.";

const EDITOR_SCHEMA_EXAMPLES: &str = "\
Examples:
  tgconform schema scenario > scenario.schema.json
  # then, as the first line of a scenario file:
  # yaml-language-server: $schema=./scenario.schema.json";

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Folder of scenario files (fixtures in its `fixtures/` folder) to use instead of
    /// the scenarios built into this binary.
    #[arg(long, value_name = "DIR")]
    pub scenarios: Option<PathBuf>,
    /// Print the catalogue as a Markdown table (what scenarios/README.md holds).
    #[arg(long)]
    pub markdown: bool,
    /// List the fixtures instead: parameters, what they provide, description.
    #[arg(long, conflicts_with = "markdown")]
    pub fixtures: bool,
}

const RUN_EXAMPLES: &str = "\
Examples:
  tgconform run
  tgconform run --tag seed --junit junit.xml
  tgconform run --json - | jq .totals
  tgconform run --target http://127.0.0.1:8080/beta
  cp profiles/graph-beta.example.yaml profiles/graph-beta.yaml   # then fill it in
  tgconform run --profile profiles/graph-beta.yaml --skip-tag mutating
  tgconform run --profile profiles/graph-beta.yaml --schema-mode strict --metadata live
  tgconform run --scenarios my-scenarios/";

const INIT_EXAMPLES: &str = "\
Examples:
  tgconform init my-conformance && cd my-conformance && tgconform run
  tgconform init                          # into the current folder
  tgconform list --fixtures               # the fixtures a scenario can `use:`";

const COMPLETION_EXAMPLES: &str = "\
Examples:
  tgconform completions bash > ~/.local/share/bash-completion/completions/tgconform
  tgconform completions zsh > ~/.zfunc/_tgconform
  tgconform completions fish > ~/.config/fish/completions/tgconform.fish
  tgconform completions powershell >> $PROFILE";

const SCHEMA_EXAMPLES: &str = "\
Examples:
  tgconform schema validate --type governanceRequest body.json
  curl -s … | tgconform schema validate --type 'governanceRequest[]' -";
