//! The rule catalogue: every testable statement of the contract, by stable id.
//!
//! `rules.yaml` (next to this file) is the project's contract reference. It is embedded
//! in the binary, checked when first used, and rendered as `docs/contract.md`
//! ([`render_markdown`]). Scenario steps name the rules they check (`checks:`), and
//! rule coverage counts which of them a run checked with a passing assertion.

use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

use serde::Deserialize;

/// The catalogue as shipped.
const RULES_YAML: &str = include_str!("rules.yaml");

/// Where a rule's statement comes from.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, serde::Serialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Evidence {
    /// Stated by this API's own reference pages (operations, resources, enums,
    /// permission tables, role lists) or the Entra docs of the feature.
    Documented,
    /// Stated by Microsoft Graph's documentation of behaviour every API shares (errors,
    /// paging, headers) or by the OData and HTTP standards, cited by page and section.
    Platform,
    /// Shown only by documented examples.
    Example,
    /// A recommendation where the docs leave room; checked only where tagged `inferred`.
    Inferred,
}

impl Evidence {
    pub const ALL: [Evidence; 4] = [
        Evidence::Documented,
        Evidence::Platform,
        Evidence::Example,
        Evidence::Inferred,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Evidence::Documented => "documented",
            Evidence::Platform => "platform",
            Evidence::Example => "example",
            Evidence::Inferred => "inferred",
        }
    }

    /// A rule the docs state (documented or platform): the books demand a check (or a
    /// waiver), and a documented-only run (`--skip-tag inferred`) checks it.
    pub fn is_stated(self) -> bool {
        matches!(self, Evidence::Documented | Evidence::Platform)
    }
}

impl fmt::Display for Evidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The doc page and section a rule comes from.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub page: String,
    pub section: String,
}

/// One testable statement of the contract.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Rule {
    pub id: String,
    /// One sentence a conforming service makes true.
    pub says: String,
    pub evidence: Evidence,
    /// Names of the documented operations it concerns (`governanceRequest.create`, …).
    pub operations: Vec<String>,
    pub source: Source,
    /// Why the rule says what it says, where a choice was made.
    pub note: Option<String>,
    /// Why no scenario can check it.
    pub waived: Option<String>,
    /// A documented rule that no scenario checks yet (the allow-list of the books test).
    pub unchecked: bool,
    /// Title of the group it is listed under.
    pub group: String,
}

/// A titled group of rules, in catalogue order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub title: String,
    pub about: String,
    /// Indices into [`Catalogue::rules`].
    pub rules: Vec<usize>,
}

/// The checked catalogue.
#[derive(Debug, Clone)]
pub struct Catalogue {
    pub groups: Vec<Group>,
    pub rules: Vec<Rule>,
    index: HashMap<String, usize>,
}

/// Why a catalogue text cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("rule catalogue: {0}")]
pub struct RulesError(pub String);

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GroupFile {
    group: String,
    about: String,
    rules: Vec<RuleFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    id: String,
    says: String,
    evidence: Evidence,
    #[serde(default)]
    operations: Vec<String>,
    source: Source,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    waived: Option<String>,
    #[serde(default)]
    status: Option<String>,
}

/// The embedded catalogue, parsed and checked once per process.
pub fn builtin() -> Result<&'static Catalogue, RulesError> {
    static CATALOGUE: OnceLock<Result<Catalogue, RulesError>> = OnceLock::new();
    CATALOGUE
        .get_or_init(|| Catalogue::parse(RULES_YAML))
        .as_ref()
        .map_err(Clone::clone)
}

impl Catalogue {
    /// Parse and check a catalogue text (the format of `rules.yaml`).
    pub fn parse(text: &str) -> Result<Catalogue, RulesError> {
        let files: Vec<GroupFile> =
            serde_saphyr::from_str(text).map_err(|e| RulesError(e.to_string()))?;
        let mut groups = Vec::new();
        let mut rules: Vec<Rule> = Vec::new();
        let mut index = HashMap::new();
        for g in files {
            if g.group.trim().is_empty() {
                return Err(RulesError("a group has an empty title".into()));
            }
            let mut members = Vec::new();
            for r in g.rules {
                let rule = check_rule(r, &g.group)?;
                if index.insert(rule.id.clone(), rules.len()).is_some() {
                    return Err(RulesError(format!("rule `{}` is listed twice", rule.id)));
                }
                members.push(rules.len());
                rules.push(rule);
            }
            groups.push(Group {
                title: g.group,
                about: g.about,
                rules: members,
            });
        }
        Ok(Catalogue {
            groups,
            rules,
            index,
        })
    }

    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.index.get(id).map(|&i| &self.rules[i])
    }

    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.rules.iter().map(|r| r.id.as_str())
    }

    /// Number of rules with this evidence.
    pub fn count(&self, evidence: Evidence) -> usize {
        self.rules.iter().filter(|r| r.evidence == evidence).count()
    }
}

fn check_rule(r: RuleFile, group: &str) -> Result<Rule, RulesError> {
    let fail = |m: String| Err(RulesError(format!("rule `{}`: {m}", r.id)));
    if !is_rule_id(&r.id) {
        return fail("an id is upper-case words joined by `-`, e.g. `REQ-EXPIRY-14D`".into());
    }
    if r.says.trim().is_empty() || !r.says.trim_end().ends_with('.') {
        return fail("`says` is one sentence ending in a full stop".into());
    }
    if r.source.page.trim().is_empty() || r.source.section.trim().is_empty() {
        return fail("`source` needs a page and a section".into());
    }
    for op in &r.operations {
        if !super::OPERATIONS.iter().any(|o| o.name == op) {
            return fail(format!("unknown operation `{op}`"));
        }
    }
    let unchecked = match r.status.as_deref() {
        None => false,
        Some("unchecked") => true,
        Some(other) => return fail(format!("unknown status `{other}` (only `unchecked`)")),
    };
    if !r.evidence.is_stated() && (r.waived.is_some() || unchecked) {
        return fail(
            "only documented and platform rules are waived or marked unchecked: the books demand checks of those only"
                .into(),
        );
    }
    if unchecked && r.waived.is_some() {
        return fail("a waived rule is not also `unchecked`".into());
    }
    if r.waived.as_deref().is_some_and(|w| w.trim().is_empty()) {
        return fail("`waived` needs a reason".into());
    }
    Ok(Rule {
        id: r.id,
        says: r.says,
        evidence: r.evidence,
        operations: r.operations,
        source: r.source,
        note: r.note,
        waived: r.waived,
        unchecked,
        group: group.to_string(),
    })
}

/// `REQ-EXPIRY-14D`: upper-case letters and digits, words joined by single dashes.
pub fn is_rule_id(s: &str) -> bool {
    !s.is_empty()
        && s.starts_with(|c: char| c.is_ascii_uppercase())
        && s.split('-').all(|w| {
            !w.is_empty()
                && w.chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        })
}

/// Where the short page names of `source.page` live.
const PAGE_LEGEND: &[(&str, &str)] = &[
    (
        "api/…",
        "Graph API reference, beta: `api-reference/beta/api/…` in microsoftgraph/microsoft-graph-docs-contrib (learn.microsoft.com/graph/api/…?view=graph-rest-beta)",
    ),
    (
        "resources/…",
        "Graph resource and enum pages, beta: `api-reference/beta/resources/…` in the same repository",
    ),
    (
        "includes/rbac-for-apis/…",
        "the role lists included by the operation pages: `api-reference/beta/includes/rbac-for-apis/…`",
    ),
    (
        "entra/…",
        "Microsoft Entra product docs: `docs/id-governance/tenant-governance/…` in MicrosoftDocs/entra-docs (not the API contract)",
    ),
    (
        "graph/…",
        "Microsoft Graph documentation shared by every API: learn.microsoft.com/graph/… (errors, paging, permissions-reference)",
    ),
    (
        "odata/…",
        "the OData Version 4.01 standard (OASIS): `odata/json-format` is OData JSON Format, `odata/protocol` is OData Protocol (Part 1), sections as numbered there",
    ),
    (
        "http/…",
        "the HTTP standards: `http/rfc9110` is HTTP Semantics (RFC 9110), sections as numbered there",
    ),
    (
        "metadata/beta",
        "Microsoft's published service metadata for the namespace (microsoftgraph/msgraph-metadata)",
    ),
];

/// `docs/contract.md`: the catalogue as a document.
pub fn render_markdown(c: &Catalogue) -> String {
    let mut out = String::new();
    out.push_str("# The tenant governance contract, rule by rule\n\n");
    out.push_str(
        "<!-- Generated from src/contract/rules.yaml by `contract::rules::render_markdown`. \
         Do not edit: change the YAML and run `TGCONFORM_BLESS=1 cargo test --test contract_doc`. -->\n\n",
    );
    out.push_str(
        "Every testable statement of the Microsoft Graph tenant governance API (beta, namespace \
         `microsoft.graph.tenantGovernanceServices`) that tgconform knows, in the project's own words. \
         Paths are under `https://graph.microsoft.com/beta/directory/tenantGovernance`. Scenario steps \
         name the rules they check (`checks: [REQ-EXPIRY-14D]`), `tgconform run --coverage` reports which \
         rules a run checked with a passing assertion, and `tests/rule_books.rs` keeps the books: every \
         documented and platform rule is checked by a scenario that is not tagged `inferred`, waived with \
         a reason, or listed as unchecked.\n\n",
    );
    out.push_str("## Evidence\n\n");
    out.push_str(
        "- **documented**: stated by this API's own reference pages (operation pages, permission \
         tables, role lists, resource and enum pages) or the Entra docs of the feature, with no \
         reasonable alternative answer. A scenario that checks one may run against any tenant.\n\
         - **platform**: stated by Microsoft Graph's documentation of behaviour every API shares \
         (errors, paging, the `request-id` headers) or by the OData and HTTP standards, each rule \
         citing page and section. A correct Graph service follows them whatever this API's pages \
         show, so they are checked like documented rules and run in a documented-only run.\n\
         - **example**: shown only by the documented examples, which Graph's pages say \"might be \
         shortened\". Checked like documented rules where the example is the only sensible \
         reading; the books do not demand a check.\n\
         - **inferred**: a recommendation where the docs leave room. Only steps or scenarios tagged \
         `inferred` check these, so `--skip-tag inferred` leaves a verdict on the stated contract \
         (documented and platform rules) alone.\n\n",
    );
    let stated: Vec<&Rule> = c.rules.iter().filter(|r| r.evidence.is_stated()).collect();
    let waived = stated.iter().filter(|r| r.waived.is_some()).count();
    let unchecked = stated.iter().filter(|r| r.unchecked).count();
    out.push_str("## Counts\n\n");
    out.push_str("| rules | documented | platform | example | inferred |\n|---|---|---|---|---|\n");
    out.push_str(&format!(
        "| {} | {} | {} | {} | {} |\n\n",
        c.rules.len(),
        c.count(Evidence::Documented),
        c.count(Evidence::Platform),
        c.count(Evidence::Example),
        c.count(Evidence::Inferred)
    ));
    out.push_str(
        "| documented and platform rules | checked by a scenario not tagged `inferred` | waived | unchecked (listed, to be closed) |\n|---|---|---|---|\n",
    );
    out.push_str(&format!(
        "| {} | {} | {} | {} |\n\n",
        stated.len(),
        stated.len() - waived - unchecked,
        waived,
        unchecked
    ));
    out.push_str("## Source pages\n\n");
    for (short, long) in PAGE_LEGEND {
        out.push_str(&format!("- `{short}`: {long}\n"));
    }
    out.push('\n');
    out.push_str("## Rules\n\n");
    for g in &c.groups {
        out.push_str(&format!("- [{}](#{})\n", g.title, anchor(&g.title)));
    }
    out.push('\n');
    for g in &c.groups {
        out.push_str(&format!("### {}\n\n{}\n\n", g.title, g.about));
        out.push_str("| rule | evidence | operations | source |\n|---|---|---|---|\n");
        for &i in &g.rules {
            let r = &c.rules[i];
            let mut text = format!("**`{}`** {}", r.id, cell(&r.says));
            if let Some(n) = &r.note {
                text.push_str(&format!("<br>*Note:* {}", cell(n)));
            }
            if let Some(w) = &r.waived {
                text.push_str(&format!("<br>*Waived:* {}", cell(w)));
            }
            if r.unchecked {
                text.push_str("<br>*Unchecked so far.*");
            }
            let ops = if r.operations.len() == super::OPERATIONS.len() {
                "all".to_string()
            } else if r.operations.is_empty() {
                "–".to_string()
            } else {
                r.operations
                    .iter()
                    .map(|o| format!("`{o}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            out.push_str(&format!(
                "| {} | {} | {} | `{}` {} |\n",
                text,
                r.evidence,
                ops,
                r.source.page,
                cell(&r.source.section)
            ));
        }
        out.push('\n');
    }
    out
}

/// Text safe inside a Markdown table cell.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// GitHub's heading anchor for a title.
fn anchor(title: &str) -> String {
    title
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            'a'..='z' | '0'..='9' | '-' | '_' => Some(c),
            ' ' => Some('-'),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builtin_or_fail() -> &'static Catalogue {
        match builtin() {
            Ok(c) => c,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn the_embedded_catalogue_is_valid() {
        let c = builtin_or_fail();
        assert!(c.rules.len() >= 250, "{} rules", c.rules.len());
    }

    #[test]
    fn every_operation_has_a_success_rule() {
        let c = builtin_or_fail();
        for op in super::super::OPERATIONS {
            assert!(
                c.rules
                    .iter()
                    .any(|r| r.id.ends_with(&format!("-{}", op.success))
                        && r.operations == [op.name.to_string()]),
                "no success rule for {}",
                op.name
            );
        }
    }

    #[test]
    fn every_write_has_a_documented_or_inferred_app_only_refusal() {
        let c = builtin_or_fail();
        for op in super::super::OPERATIONS
            .iter()
            .filter(|o| o.access.is_write())
        {
            assert!(
                c.rules.iter().any(|r| r.id.starts_with("PERM-")
                    && r.id.ends_with("-APP-ONLY")
                    && r.operations == [op.name.to_string()]),
                "{}",
                op.name
            );
        }
    }

    #[test]
    fn rule_ids_are_upper_case_words() {
        assert!(is_rule_id("REQ-EXPIRY-14D"));
        assert!(is_rule_id("PERM-REQ-CREATE-APP-ONLY"));
        assert!(!is_rule_id("req-expiry"));
        assert!(!is_rule_id("REQ--X"));
        assert!(!is_rule_id("REQ-"));
        assert!(!is_rule_id("14D"));
    }

    const ONE: &str = "- group: G\n  about: a\n  rules:\n    - id: A-B\n      says: It holds.\n      evidence: documented\n      operations: [governanceRequest.list]\n      source: {page: p, section: s}\n";

    #[test]
    fn a_minimal_catalogue_parses() {
        let c = Catalogue::parse(ONE).map_err(|e| e.to_string());
        assert_eq!(c.map(|c| c.rules.len()), Ok(1));
    }

    #[test]
    fn duplicate_ids_are_refused() {
        let twice = format!("{ONE}{}", &ONE[ONE.find("    - id").unwrap_or(0)..]);
        let e = Catalogue::parse(&twice).err().map(|e| e.to_string());
        assert_eq!(
            e.as_deref(),
            Some("rule catalogue: rule `A-B` is listed twice")
        );
    }

    #[test]
    fn unknown_operations_are_refused() {
        let e = Catalogue::parse(&ONE.replace("governanceRequest.list", "request.list"))
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            e.as_deref(),
            Some("rule catalogue: rule `A-B`: unknown operation `request.list`")
        );
    }

    #[test]
    fn only_documented_rules_are_waived() {
        let text = ONE.replace("documented", "inferred") + "      waived: nobody can\n";
        assert!(Catalogue::parse(&text).is_err());
    }

    #[test]
    fn the_status_field_only_says_unchecked() {
        let ok = Catalogue::parse(&format!("{ONE}      status: unchecked\n"));
        assert_eq!(ok.map(|c| c.rules[0].unchecked), Ok(true));
        assert!(Catalogue::parse(&format!("{ONE}      status: checked\n")).is_err());
    }

    #[test]
    fn markdown_lists_every_rule_once() {
        let c = builtin_or_fail();
        let md = render_markdown(c);
        for id in c.ids() {
            assert_eq!(md.matches(&format!("**`{id}`**")).count(), 1, "{id}");
        }
    }
}
