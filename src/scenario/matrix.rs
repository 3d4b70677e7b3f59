//! Parameterised steps: `matrix:` (axes, every combination of their values) and
//! `each:` (rows of values) turn one step of the file into one step per case, at
//! load time. A case is the step as written with `{{ name }}` replaced by the case's
//! value wherever a parameter appears; the loader then checks every case like any
//! other step, so a bad value is a load error that names its case.
//!
//! ```yaml
//! - name: read settings
//!   each:
//!     - {identity: governedSettingRead, rule: PERM-SET-GET-SCOPE}
//!     - {identity: governedGlobalReader, rule: ROLE-REL-READ-GLOBAL-READER-ALLOWED}
//!   as: "{{ identity }}"
//!   checks: ["{{ rule }}"]
//!   request: {method: GET, path: /directory/tenantGovernance/settings}
//!   expect: {status: 200}
//! ```
//!
//! expands to `read settings [identity=governedSettingRead]` and
//! `read settings [identity=governedGlobalReader]`: a case is named by the parameters
//! its request and expectations use (not those only in `checks` or `tags`).

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::{Map, Value};
use serde_saphyr::Spanned;

use super::error::{LoadError, Span};
use super::file::{self, AuthFile, ExpectFile, RequestFile, StepFile};
use super::yaml;

/// Most cases one step may expand to: a permission table is a few dozen; more is a
/// mistake in the axes (their product grows fast).
pub const MAX_CASES: usize = 500;

/// Names a parameter may not take: the first segment of the other placeholders.
const RESERVED: &[&str] = &["actors", "target", "run", "vars"];

/// One case of a parameterised step.
#[derive(Debug)]
pub(crate) struct Case {
    /// The step as written, with this case's values in place of its parameters, named
    /// `name [label]`, and without `matrix`/`each`.
    pub step: StepFile,
    /// Where this case's values are written: its row of `each`, else the `matrix`.
    pub span: Span,
    /// `identity=governedReader, …`: how the case is named.
    pub label: String,
}

impl Case {
    /// Context for an error found in this case.
    pub fn note(&self) -> String {
        format!(
            "in the case [{}] of this step, whose values are at line {}",
            self.label, self.span.line
        )
    }
}

/// What expansion needs of the file.
pub(crate) struct Context<'a> {
    pub path: &'a Path,
    pub source: &'a str,
    /// Names of the file's variables and captures: a parameter may not shadow one.
    pub taken: &'a dyn Fn(&str) -> bool,
}

impl Context<'_> {
    fn err(&self, span: Span, message: impl Into<String>) -> LoadError {
        LoadError::new(self.path, span, message).with_source(self.source)
    }

    fn err_near(&self, span: Span, needle: &str, message: impl Into<String>) -> LoadError {
        let at = yaml::locate(self.source, span, needle).unwrap_or(span);
        self.err(at, message)
    }
}

/// The cases of `step`, or `None` for a step without `matrix` and `each`.
/// `default_name` names a step without `name`.
pub(crate) fn expand(
    step: &Spanned<StepFile>,
    default_name: &str,
    cx: &Context<'_>,
) -> Result<Option<Vec<Case>>, LoadError> {
    let f = &step.value;
    if f.matrix.is_none() && f.each.is_none() {
        return Ok(None);
    }
    let step_span = span_of(step);
    let table_span = f
        .each
        .as_ref()
        .map(span_of)
        .or(f.matrix.as_ref().map(span_of))
        .unwrap_or(step_span);
    if let Some(u) = &f.use_fixture {
        return Err(cx
            .err(span_of(u), "`matrix` and `each` go with plain steps, not with `use`")
            .with_hint("write the fixture's steps out in the scenario, or call the fixture once per value in separate steps"));
    }
    if let Some(c) = f.capture.values().next() {
        return Err(cx
            .err(span_of(c), "a step with `matrix` or `each` cannot capture variables")
            .with_hint("it runs once per case, so every case would define the same name; capture in a plain step before or after it"));
    }
    let axes = match &f.matrix {
        Some(m) => axes(m, cx)?,
        None => Vec::new(),
    };
    let rows = match &f.each {
        Some(e) => rows(e, cx)?,
        None => Vec::new(),
    };
    for (name, span, _) in &axes {
        if let Some((_, row_span)) = rows
            .first()
            .filter(|(r, _)| r.iter().any(|(k, _)| k == name))
        {
            return Err(cx
                .err(
                    *span,
                    format!(
                        "parameter `{name}` is both an axis of `matrix` and a column of `each`"
                    ),
                )
                .with_hint(format!(
                    "the rows name it from line {}; keep it in one place",
                    row_span.line
                )));
        }
    }
    let mut count: usize = rows.len().max(1);
    for (_, _, values) in &axes {
        count = count.saturating_mul(values.len());
    }
    if count > MAX_CASES {
        return Err(cx
            .err(table_span, format!("this step expands to {count} cases; at most {MAX_CASES} are allowed"))
            .with_hint("the axes of `matrix` multiply; split the step, or list the cases that matter under `each`"));
    }
    // Cases: every row (or one empty row) times every combination of the axes, the
    // row outermost, the axes in the order written.
    let base_rows: Vec<(Vec<(String, Value)>, Span)> = if rows.is_empty() {
        vec![(Vec::new(), table_span)]
    } else {
        rows
    };
    let mut combos: Vec<Vec<(String, Value)>> = vec![Vec::new()];
    for (name, _, values) in &axes {
        let mut next = Vec::with_capacity(combos.len() * values.len());
        for c in &combos {
            for v in values {
                let mut c = c.clone();
                c.push((name.clone(), v.clone()));
                next.push(c);
            }
        }
        combos = next;
    }
    let base_name = f
        .name
        .as_ref()
        .map(|n| n.value.clone())
        .unwrap_or_else(|| default_name.to_string());
    let mut cases: Vec<Case> = Vec::with_capacity(count);
    let mut first_uses: Option<Uses> = None;
    for (row, row_span) in &base_rows {
        for combo in &combos {
            let params: Vec<(String, Value)> = row.iter().chain(combo).cloned().collect();
            let mut sub = Subst::new(&params, cx);
            let mut expanded = sub.step(f)?;
            let uses = sub.uses;
            let label = label(&params, &uses);
            let mut name = Spanned {
                value: format!("{base_name} [{label}]"),
                referenced: step.referenced,
                defined: step.defined,
            };
            if let Some(n) = &f.name {
                name.referenced = n.referenced;
                name.defined = n.defined;
            }
            expanded.name = Some(name);
            expanded.matrix = None;
            expanded.each = None;
            if first_uses.is_none() {
                first_uses = Some(uses);
            }
            let case = Case {
                step: expanded,
                span: *row_span,
                label,
            };
            if let Some(same) = cases.iter().find(|c| c.label == case.label) {
                return Err(cx
                    .err(case.span, format!("two cases of this step are both named [{}]", case.label))
                    .with_hint(format!(
                        "the other one is at line {}; cases must differ in a parameter the request or the expectations use (values only in `checks` or `tags` do not name a case)",
                        same.span.line
                    )));
            }
            cases.push(case);
        }
    }
    if let Some(uses) = first_uses {
        let declared = base_rows
            .first()
            .map(|(r, s)| r.iter().map(|(k, _)| (k.clone(), *s)).collect::<Vec<_>>())
            .unwrap_or_default()
            .into_iter()
            .chain(axes.iter().map(|(k, s, _)| (k.clone(), *s)));
        for (name, span) in declared {
            if !uses.any.contains(&name) {
                return Err(cx
                    .err_near(span, &format!("{name}:"), format!("parameter `{name}` is not used in the step"))
                    .with_hint(format!("write `{{{{ {name} }}}}` where its value goes, or remove `{name}` from the table")));
            }
        }
    }
    Ok(Some(cases))
}

type Axis = (String, Span, Vec<Value>);

fn axes(m: &Spanned<Map<String, Value>>, cx: &Context<'_>) -> Result<Vec<Axis>, LoadError> {
    let span = span_of(m);
    if m.value.is_empty() {
        return Err(cx.err(span, "`matrix` has no axes").with_hint(
            "write `matrix: {identity: [a, b]}`: each axis a parameter and its values",
        ));
    }
    let mut out = Vec::new();
    for (name, values) in &m.value {
        let at = yaml::locate(cx.source, span, &format!("{name}:")).unwrap_or(span);
        check_name(name, at, cx)?;
        let Value::Array(items) = values else {
            return Err(cx
                .err(
                    at,
                    format!("axis `{name}` of `matrix` must be a list of values"),
                )
                .with_hint(format!("write `{name}: [a, b]`")));
        };
        if items.is_empty() {
            return Err(cx
                .err(at, format!("axis `{name}` of `matrix` has no values"))
                .with_hint("an axis without values makes no case; give it at least one"));
        }
        for v in items {
            check_value(name, v, at, cx)?;
        }
        out.push((name.clone(), at, items.clone()));
    }
    Ok(out)
}

type Row = (Vec<(String, Value)>, Span);

fn rows(each: &Spanned<Vec<file::Row>>, cx: &Context<'_>) -> Result<Vec<Row>, LoadError> {
    if each.value.is_empty() {
        return Err(cx
            .err(span_of(each), "`each` has no rows")
            .with_hint("write one `- {name: value, …}` per case"));
    }
    let mut out: Vec<Row> = Vec::new();
    let mut columns: Vec<String> = Vec::new();
    for (i, row) in each.value.iter().enumerate() {
        let span = span_of(row);
        if row.value.is_empty() {
            return Err(cx.err(span, "this row of `each` is empty").with_hint(
                "a row gives a value to every parameter, e.g. `- {identity: governedReader}`",
            ));
        }
        let names: Vec<String> = row.value.keys().cloned().collect();
        if i == 0 {
            for n in &names {
                check_name(
                    n,
                    yaml::locate(cx.source, span, &format!("{n}:")).unwrap_or(span),
                    cx,
                )?;
            }
            columns = names.clone();
        } else {
            let first = out.first().map(|(_, s)| s.line).unwrap_or(span.line);
            if let Some(missing) = columns.iter().find(|c| !names.contains(c)) {
                return Err(cx
                    .err(span, format!("this row of `each` has no `{missing}`"))
                    .with_hint(format!(
                        "every row names the same parameters as the first (line {first}): {}",
                        columns.join(", ")
                    )));
            }
            if let Some(extra) = names.iter().find(|n| !columns.contains(n)) {
                return Err(cx
                    .err_near(
                        span,
                        &format!("{extra}:"),
                        format!("`{extra}` is not a parameter of the first row of `each`"),
                    )
                    .with_hint(format!(
                        "every row names the same parameters as the first (line {first}): {}",
                        columns.join(", ")
                    )));
            }
        }
        let mut values = Vec::new();
        // In the first row's order, so every case lists its parameters alike.
        for c in &columns {
            let v = row.value.get(c).cloned().unwrap_or(Value::Null);
            check_value(
                c,
                &v,
                yaml::locate(cx.source, span, &format!("{c}:")).unwrap_or(span),
                cx,
            )?;
            values.push((c.clone(), v));
        }
        out.push((values, span));
    }
    Ok(out)
}

fn check_name(name: &str, at: Span, cx: &Context<'_>) -> Result<(), LoadError> {
    let ident = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && !name.starts_with(|c: char| c.is_ascii_digit());
    if !ident {
        return Err(cx
            .err(at, format!("parameter name `{name}` is not an identifier"))
            .with_hint(
                "use letters, digits, `_` and `-`, starting with a letter, e.g. `identity`",
            ));
    }
    if RESERVED.contains(&name) {
        return Err(cx
            .err(at, format!("`{name}` cannot name a parameter"))
            .with_hint(format!(
                "`{name}.…` placeholders mean something else; pick another name"
            )));
    }
    if (cx.taken)(name) {
        return Err(cx
            .err(
                at,
                format!("parameter `{name}` has the name of a variable or capture of the scenario"),
            )
            .with_hint("`{{ name }}` would be ambiguous; rename the parameter"));
    }
    Ok(())
}

fn check_value(name: &str, v: &Value, at: Span, cx: &Context<'_>) -> Result<(), LoadError> {
    let scalar = |v: &Value| matches!(v, Value::String(_) | Value::Number(_) | Value::Bool(_));
    let ok = match v {
        Value::Array(items) => items.iter().all(scalar),
        other => scalar(other),
    };
    if ok {
        return Ok(());
    }
    Err(cx
        .err(at, format!("the value of parameter `{name}` must be text, a number, a Boolean or a list of those"))
        .with_hint("parameters fill placeholders; write a JSON body that needs more inside the step and put the parameter in it"))
}

/// The case's name: the parameters its request and expectations use, in order.
fn label(params: &[(String, Value)], uses: &Uses) -> String {
    let shown: Vec<&(String, Value)> = params
        .iter()
        .filter(|(k, _)| uses.outside_meta.contains(k))
        .collect();
    let shown = if shown.is_empty() {
        params.iter().collect()
    } else {
        shown
    };
    shown
        .iter()
        .map(|(k, v)| format!("{k}={}", display(v)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn display(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(display).collect::<Vec<_>>().join("+"),
        other => other.to_string(),
    }
}

/// Which parameters a case used: anywhere, and outside `checks` and `tags`.
#[derive(Default)]
struct Uses {
    any: BTreeSet<String>,
    outside_meta: BTreeSet<String>,
}

/// Replaces parameters in one copy of a step.
struct Subst<'a> {
    params: &'a [(String, Value)],
    cx: &'a Context<'a>,
    uses: Uses,
    /// Inside `checks` or `tags`: uses there do not name the case.
    meta: bool,
}

impl<'a> Subst<'a> {
    fn new(params: &'a [(String, Value)], cx: &'a Context<'a>) -> Self {
        Subst {
            params,
            cx,
            uses: Uses::default(),
            meta: false,
        }
    }

    fn get(&mut self, name: &str) -> Option<&'a Value> {
        let v = self
            .params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)?;
        self.uses.any.insert(name.to_string());
        if !self.meta {
            self.uses.outside_meta.insert(name.to_string());
        }
        Some(v)
    }

    /// The parameter `s` consists of (`"{{ p }}"`, spaces allowed), if any.
    fn whole(&mut self, s: &str) -> Option<&'a Value> {
        let inner = s.trim().strip_prefix("{{")?.strip_suffix("}}")?;
        if inner.contains("{{") || inner.contains("}}") {
            return None;
        }
        self.get(inner.trim())
    }

    /// `s` with every parameter replaced by its value as text.
    fn text(&mut self, s: &str, span: Span) -> Result<String, LoadError> {
        let mut out = String::with_capacity(s.len());
        let mut rest = s;
        while let Some(start) = rest.find("{{") {
            let after = &rest[start + 2..];
            let Some(end) = after.find("}}") else { break };
            let inner = after[..end].trim();
            match self.get(inner) {
                Some(Value::Array(_)) => {
                    return Err(self
                        .cx
                        .err_near(span, &format!("{{{{ {inner}"), format!("parameter `{inner}` holds a list, which cannot go inside text"))
                        .with_hint("a list stands alone: as an item of `checks` or `tags` (`checks: [\"{{ rules }}\"]`), or as a whole JSON value"));
                }
                Some(v) => {
                    out.push_str(&rest[..start]);
                    out.push_str(&display(v));
                }
                None => out.push_str(&rest[..start + 2 + end + 2]),
            }
            rest = &after[end + 2..];
        }
        out.push_str(rest);
        Ok(out)
    }

    fn string(&mut self, s: &Spanned<String>) -> Result<Spanned<String>, LoadError> {
        let value = self.text(&s.value, span_of(s))?;
        Ok(Spanned {
            value,
            referenced: s.referenced,
            defined: s.defined,
        })
    }

    fn opt_string(
        &mut self,
        s: &Option<Spanned<String>>,
    ) -> Result<Option<Spanned<String>>, LoadError> {
        s.as_ref().map(|s| self.string(s)).transpose()
    }

    /// A list of words (`checks`, `tags`): a list parameter standing alone as an item
    /// is spliced in.
    fn words(&mut self, items: &[Spanned<String>]) -> Result<Vec<Spanned<String>>, LoadError> {
        self.meta = true;
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            match self.whole(&item.value) {
                Some(Value::Array(values)) => out.extend(values.iter().map(|v| Spanned {
                    value: display(v),
                    referenced: item.referenced,
                    defined: item.defined,
                })),
                _ => out.push(self.string(item)?),
            }
        }
        self.meta = false;
        Ok(out)
    }

    /// A JSON value: a string that is one parameter alone takes the parameter's JSON
    /// value (a number stays a number); other strings and object keys get text.
    fn json(&mut self, v: &Value, span: Span) -> Result<Value, LoadError> {
        Ok(match v {
            Value::String(s) => match self.whole(s) {
                Some(p) => p.clone(),
                None => Value::String(self.text(s, span)?),
            },
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .map(|i| self.json(i, span))
                    .collect::<Result<_, _>>()?,
            ),
            Value::Object(map) => {
                let mut out = Map::new();
                for (k, v) in map {
                    out.insert(self.text(k, span)?, self.json(v, span)?);
                }
                Value::Object(out)
            }
            other => other.clone(),
        })
    }

    fn spanned_json(&mut self, v: &Spanned<Value>) -> Result<Spanned<Value>, LoadError> {
        Ok(Spanned {
            value: self.json(&v.value, span_of(v))?,
            referenced: v.referenced,
            defined: v.defined,
        })
    }

    fn keyed<T>(
        &mut self,
        map: &std::collections::BTreeMap<String, Spanned<T>>,
        mut each: impl FnMut(&mut Self, &Spanned<T>) -> Result<Spanned<T>, LoadError>,
    ) -> Result<std::collections::BTreeMap<String, Spanned<T>>, LoadError> {
        let mut out = std::collections::BTreeMap::new();
        for (k, v) in map {
            let key = self.text(k, span_of(v))?;
            out.insert(key, each(self, v)?);
        }
        Ok(out)
    }

    fn expect(&mut self, e: &Spanned<ExpectFile>) -> Result<Spanned<ExpectFile>, LoadError> {
        let f = &e.value;
        let value = ExpectFile {
            status: f
                .status
                .as_ref()
                .map(|s| self.spanned_json(s))
                .transpose()?,
            schema: self.opt_string(&f.schema)?,
            json: self.keyed(&f.json, |s, v| s.spanned_json(v))?,
            headers: self.keyed(&f.headers, |s, v| s.spanned_json(v))?,
        };
        Ok(Spanned {
            value,
            referenced: e.referenced,
            defined: e.defined,
        })
    }

    fn request(&mut self, r: &Spanned<RequestFile>) -> Result<Spanned<RequestFile>, LoadError> {
        let f = &r.value;
        let auth = match &f.auth {
            Some(a) => Some(Spanned {
                value: match &a.value {
                    AuthFile::None => AuthFile::None,
                    AuthFile::Bearer(t) => AuthFile::Bearer(self.text(t, span_of(a))?),
                },
                referenced: a.referenced,
                defined: a.defined,
            }),
            None => None,
        };
        let value = RequestFile {
            method: self.string(&f.method)?,
            path: self.string(&f.path)?,
            query: self.keyed(&f.query, |s, v| s.string(v))?,
            headers: self.keyed(&f.headers, |s, v| s.string(v))?,
            json: f.json.as_ref().map(|j| self.spanned_json(j)).transpose()?,
            body: self.opt_string(&f.body)?,
            auth,
        };
        Ok(Spanned {
            value,
            referenced: r.referenced,
            defined: r.defined,
        })
    }

    fn step(&mut self, f: &StepFile) -> Result<StepFile, LoadError> {
        let mut out = f.clone();
        out.name = self.opt_string(&f.name)?;
        out.actor = self.opt_string(&f.actor)?;
        out.request = f.request.as_ref().map(|r| self.request(r)).transpose()?;
        out.expect = f.expect.as_ref().map(|e| self.expect(e)).transpose()?;
        if let Some(r) = &f.retry {
            let mut retry = r.clone();
            retry.value.until = self.expect(&r.value.until)?;
            retry.value.delay = self.opt_string(&r.value.delay)?;
            out.retry = Some(retry);
        }
        out.checks = self.words(&f.checks)?;
        out.tags = self.words(&f.tags)?;
        Ok(out)
    }
}

fn span_of<T>(s: &Spanned<T>) -> Span {
    Span::from_location(&s.referenced)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::yaml::{FileKind, parse};

    fn expand_text(text: &str) -> Result<Vec<Case>, LoadError> {
        let step: Spanned<StepFile> = parse(Path::new("s.yaml"), text, FileKind::Fixture)?;
        let taken = |n: &str| n == "templateId";
        let cx = Context {
            path: Path::new("s.yaml"),
            source: text,
            taken: &taken,
        };
        expand(&step, "step 1", &cx).map(Option::unwrap_or_default)
    }

    fn cases(text: &str) -> Vec<Case> {
        expand_text(text).unwrap_or_else(|e| panic!("{e}"))
    }

    fn err(text: &str) -> LoadError {
        match expand_text(text) {
            Ok(c) => panic!("expected an error, got {} cases", c.len()),
            Err(e) => e,
        }
    }

    const STEP: &str = r#"name: read
each:
  - {identity: governedReader, rule: A}
  - {identity: governedApp, rule: B}
as: "{{ identity }}"
checks: ["{{ rule }}", C]
request: {method: GET, path: "/x/{{ identity }}"}
expect: {status: 200}
"#;

    #[test]
    fn each_row_becomes_a_case_named_by_the_parameters_the_request_uses() {
        let c = cases(STEP);
        let names: Vec<String> = c
            .iter()
            .filter_map(|c| c.step.name.as_ref().map(|n| n.value.clone()))
            .collect();
        assert_eq!(
            names,
            [
                "read [identity=governedReader]",
                "read [identity=governedApp]"
            ]
        );
        assert_eq!(
            c[1].step.actor.as_ref().map(|a| a.value.as_str()),
            Some("governedApp")
        );
        let checks: Vec<&str> = c[1].step.checks.iter().map(|s| s.value.as_str()).collect();
        assert_eq!(checks, ["B", "C"]);
        assert_eq!(
            c[0].step
                .request
                .as_ref()
                .map(|r| r.value.path.value.as_str()),
            Some("/x/governedReader")
        );
        assert_eq!(c[1].span.line, 4);
        assert!(c[0].step.each.is_none() && c[0].step.matrix.is_none());
    }

    #[test]
    fn matrix_axes_multiply_with_rows_and_keep_json_types() {
        let text = r#"name: write
each:
  - {op: a, status: 200}
  - {op: b, status: [400, 409]}
matrix:
  who: [x, y, z]
as: "{{ who }}"
request: {method: POST, path: "/{{ op }}", json: {n: "{{ status }}", s: "n={{ op }}"}}
expect: {status: "{{ status }}"}
"#;
        let c = cases(text);
        assert_eq!(c.len(), 6);
        assert_eq!(c[3].label, "op=b, status=400+409, who=x");
        let status = c[3]
            .step
            .expect
            .as_ref()
            .and_then(|e| e.value.status.as_ref())
            .map(|s| s.value.clone());
        assert_eq!(status, Some(serde_json::json!([400, 409])));
        let body = c[0]
            .step
            .request
            .as_ref()
            .and_then(|r| r.value.json.as_ref())
            .map(|j| j.value.clone());
        assert_eq!(body, Some(serde_json::json!({"n": 200, "s": "n=a"})));
    }

    #[test]
    fn a_list_parameter_is_spliced_into_checks() {
        let text = STEP
            .replace("rule: A}", "rule: [A, D]}")
            .replace("rule: B}", "rule: [B]}");
        let c = cases(&text);
        let checks: Vec<&str> = c[0].step.checks.iter().map(|s| s.value.as_str()).collect();
        assert_eq!(checks, ["A", "D", "C"]);
    }

    #[test]
    fn other_placeholders_are_left_for_the_loader() {
        let text = STEP.replace("/x/{{ identity }}", "/x/{{ identity }}/{{ requestId }}");
        let c = cases(&text);
        assert_eq!(
            c[0].step
                .request
                .as_ref()
                .map(|r| r.value.path.value.as_str()),
            Some("/x/governedReader/{{ requestId }}")
        );
    }

    #[test]
    fn a_row_without_a_column_of_the_first_is_an_error_at_the_row() {
        let e = err(&STEP.replace(
            "{identity: governedApp, rule: B}",
            "{identity: governedApp}",
        ));
        assert_eq!(e.message, "this row of `each` has no `rule`");
        assert_eq!(e.span.line, 4);
    }

    #[test]
    fn an_unused_parameter_is_an_error() {
        let e = err(&STEP.replace("checks: [\"{{ rule }}\", C]", "checks: [C]"));
        assert_eq!(e.message, "parameter `rule` is not used in the step");
        assert_eq!(e.span.line, 3);
    }

    #[test]
    fn cases_with_the_same_name_are_an_error() {
        let e = err(&STEP.replace("governedApp", "governedReader"));
        assert!(
            e.message.contains("both named [identity=governedReader]"),
            "{e}"
        );
        assert_eq!(e.span.line, 4);
    }

    #[test]
    fn captures_fixtures_maps_and_too_many_cases_are_errors() {
        let e = err(&format!("{STEP}capture: {{x: $.id}}\n"));
        assert!(e.message.contains("cannot capture"), "{e}");
        let e = err(&STEP.replace("rule: A}", "rule: {a: 1}}"));
        assert!(e.message.contains("must be text, a number"), "{e}");
        let e = err("use: x\neach: [{a: 1}]\n");
        assert!(e.message.contains("not with `use`"), "{e}");
        let axis: Vec<String> = (0..30).map(|i| i.to_string()).collect();
        let e = err(&format!(
            "name: n\nmatrix: {{a: [{0}], b: [{0}]}}\nas: \"{{{{ a }}}}{{{{ b }}}}\"\n",
            axis.join(", ")
        ));
        assert!(e.message.contains("expands to 900 cases"), "{e}");
    }

    #[test]
    fn parameter_names_are_checked() {
        let e = err(&STEP.replace("identity:", "templateId:"));
        assert!(e.message.contains("has the name of a variable"), "{e}");
        let e = err(&STEP.replace("rule:", "actors:"));
        assert!(e.message.contains("cannot name a parameter"), "{e}");
        let e = err("name: n\nmatrix: {a: []}\nas: x\n");
        assert!(e.message.contains("has no values"), "{e}");
        let e = err("name: n\nmatrix: {a: 1}\nas: x\n");
        assert!(e.message.contains("must be a list"), "{e}");
        let e = err(&STEP
            .replace("/x/{{ identity }}", "/x/{{ rule }}")
            .replace("rule: A}", "rule: [A]}"));
        assert!(e.message.contains("holds a list"), "{e}");
    }
}
