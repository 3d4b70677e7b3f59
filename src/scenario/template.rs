//! `{{ … }}` templates in strings.
//!
//! A template is parsed once at load time, so an unknown variable or a malformed
//! placeholder is a load error, never a surprise halfway through a run.

use std::fmt;

use serde_json::Value;

/// What a placeholder refers to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum VarRef {
    /// A scenario variable, a capture, or a value the profile supplies.
    Var(String),
    /// `actors.<name>.tenantId` / `actors.<name>.tenantName`.
    Actor { actor: String, field: ActorField },
    /// `target.baseUrl`.
    TargetBaseUrl,
    /// `target.origin`: scheme, host and port of the base URL (for `/_mock/*` endpoints).
    TargetOrigin,
    /// `run.id`: a short id unique to this scenario run (for display names).
    RunId,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ActorField {
    TenantId,
    TenantName,
}

impl fmt::Display for VarRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VarRef::Var(n) => write!(f, "{n}"),
            VarRef::Actor { actor, field } => write!(
                f,
                "actors.{actor}.{}",
                match field {
                    ActorField::TenantId => "tenantId",
                    ActorField::TenantName => "tenantName",
                }
            ),
            VarRef::TargetBaseUrl => write!(f, "target.baseUrl"),
            VarRef::TargetOrigin => write!(f, "target.origin"),
            VarRef::RunId => write!(f, "run.id"),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum TemplatePart {
    Lit(String),
    Var(VarRef),
}

/// A parsed string template.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    pub parts: Vec<TemplatePart>,
    source: String,
}

/// Why a text is not a template.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateProblem {
    #[error("unclosed `{{{{`: add the closing `}}}}`")]
    Unclosed,
    #[error("`}}}}` without an opening `{{{{`")]
    Unopened,
    #[error("empty placeholder `{{{{ }}}}`")]
    Empty,
    #[error(
        "filters such as `| {filter}` are not supported; a placeholder holds only a name such as `{name}`"
    )]
    Filter { name: String, filter: String },
    #[error(
        "`{0}` is not a variable name; use letters, digits, `_` or `-`, and dots for actors.NAME.tenantId"
    )]
    NotAName(String),
    #[error("unknown actor field `{0}`; use tenantId or tenantName")]
    ActorField(String),
    #[error(
        "unknown placeholder `{0}`; known forms are NAME, vars.NAME, actors.NAME.tenantId, actors.NAME.tenantName, target.baseUrl, target.origin, run.id"
    )]
    Unknown(String),
}

/// A template that does not parse: what is wrong, at which byte of the text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{problem}")]
pub struct TemplateError {
    /// Byte offset of the bad placeholder in the text.
    pub offset: usize,
    pub problem: TemplateProblem,
}

/// Resolves placeholders at run time.
pub trait Resolver {
    fn resolve(&self, var: &VarRef) -> Option<Value>;
}

impl Template {
    /// Parse `text`; errors name the byte offset of the bad placeholder.
    pub fn parse(text: &str) -> Result<Template, TemplateError> {
        let mut parts = Vec::new();
        let mut rest = text;
        let mut offset = 0;
        while let Some(start) = rest.find("{{") {
            if start > 0 {
                parts.push(TemplatePart::Lit(rest[..start].to_string()));
            }
            let after = &rest[start + 2..];
            let Some(end) = after.find("}}") else {
                return Err(TemplateError {
                    offset: offset + start,
                    problem: TemplateProblem::Unclosed,
                });
            };
            let expr = after[..end].trim();
            let var = parse_ref(expr).map_err(|problem| TemplateError {
                offset: offset + start,
                problem,
            })?;
            parts.push(TemplatePart::Var(var));
            let consumed = start + 2 + end + 2;
            offset += consumed;
            rest = &rest[consumed..];
        }
        if let Some(at) = rest.find("}}") {
            return Err(TemplateError {
                offset: offset + at,
                problem: TemplateProblem::Unopened,
            });
        }
        if !rest.is_empty() {
            parts.push(TemplatePart::Lit(rest.to_string()));
        }
        Ok(Template {
            parts,
            source: text.to_string(),
        })
    }

    pub fn literal(text: &str) -> Template {
        Template {
            parts: vec![TemplatePart::Lit(text.to_string())],
            source: text.to_string(),
        }
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    pub fn vars(&self) -> impl Iterator<Item = &VarRef> {
        self.parts.iter().filter_map(|p| match p {
            TemplatePart::Var(v) => Some(v),
            TemplatePart::Lit(_) => None,
        })
    }

    /// The single placeholder, when the template is exactly `{{ x }}`.
    pub fn sole_var(&self) -> Option<&VarRef> {
        match self.parts.as_slice() {
            [TemplatePart::Var(v)] => Some(v),
            _ => None,
        }
    }

    /// Render to a string; a missing value is an error naming the variable.
    pub fn render(&self, r: &dyn Resolver) -> Result<String, String> {
        let mut out = String::new();
        for p in &self.parts {
            match p {
                TemplatePart::Lit(s) => out.push_str(s),
                TemplatePart::Var(v) => {
                    let value = r
                        .resolve(v)
                        .ok_or_else(|| format!("`{v}` has no value at this point of the run"))?;
                    match value {
                        Value::String(s) => out.push_str(&s),
                        other => out.push_str(&other.to_string()),
                    }
                }
            }
        }
        Ok(out)
    }

    /// Render to JSON: `"{{ x }}"` alone keeps x's JSON type; anything else is a string.
    pub fn render_value(&self, r: &dyn Resolver) -> Result<Value, String> {
        if let Some(v) = self.sole_var() {
            return r
                .resolve(v)
                .ok_or_else(|| format!("`{v}` has no value at this point of the run"));
        }
        self.render(r).map(Value::String)
    }
}

fn parse_ref(expr: &str) -> Result<VarRef, TemplateProblem> {
    if expr.is_empty() {
        return Err(TemplateProblem::Empty);
    }
    if let Some((name, filter)) = expr.split_once('|') {
        return Err(TemplateProblem::Filter {
            name: name.trim().to_string(),
            filter: filter.trim().to_string(),
        });
    }
    let segs: Vec<&str> = expr.split('.').collect();
    if segs.iter().any(|s| !is_ident(s)) {
        return Err(TemplateProblem::NotAName(expr.to_string()));
    }
    match segs.as_slice() {
        [name] => Ok(VarRef::Var((*name).to_string())),
        ["actors", actor, "tenantId"] => Ok(VarRef::Actor {
            actor: (*actor).to_string(),
            field: ActorField::TenantId,
        }),
        ["actors", actor, "tenantName"] => Ok(VarRef::Actor {
            actor: (*actor).to_string(),
            field: ActorField::TenantName,
        }),
        ["actors", _, other] => Err(TemplateProblem::ActorField((*other).to_string())),
        ["target", "baseUrl"] => Ok(VarRef::TargetBaseUrl),
        ["target", "origin"] => Ok(VarRef::TargetOrigin),
        ["run", "id"] => Ok(VarRef::RunId),
        ["vars", name] => Ok(VarRef::Var((*name).to_string())),
        _ => Err(TemplateProblem::Unknown(expr.to_string())),
    }
}

fn is_ident(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && !s.starts_with(|c: char| c.is_ascii_digit())
}

/// A JSON value whose strings (and object keys) may hold templates.
#[derive(Debug, Clone, PartialEq)]
pub enum ValueTemplate {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    String(Template),
    Array(Vec<ValueTemplate>),
    Object(Vec<(Template, ValueTemplate)>),
}

impl ValueTemplate {
    pub fn parse(v: &Value) -> Result<ValueTemplate, TemplateError> {
        Ok(match v {
            Value::Null => ValueTemplate::Null,
            Value::Bool(b) => ValueTemplate::Bool(*b),
            Value::Number(n) => ValueTemplate::Number(n.clone()),
            Value::String(s) => ValueTemplate::String(Template::parse(s)?),
            Value::Array(items) => ValueTemplate::Array(
                items
                    .iter()
                    .map(ValueTemplate::parse)
                    .collect::<Result<_, _>>()?,
            ),
            Value::Object(map) => ValueTemplate::Object(
                map.iter()
                    .map(|(k, v)| Ok((Template::parse(k)?, ValueTemplate::parse(v)?)))
                    .collect::<Result<_, _>>()?,
            ),
        })
    }

    pub fn vars(&self) -> Vec<&VarRef> {
        let mut out = Vec::new();
        self.collect_vars(&mut out);
        out
    }

    fn collect_vars<'a>(&'a self, out: &mut Vec<&'a VarRef>) {
        match self {
            ValueTemplate::String(t) => out.extend(t.vars()),
            ValueTemplate::Array(items) => items.iter().for_each(|i| i.collect_vars(out)),
            ValueTemplate::Object(entries) => {
                for (k, v) in entries {
                    out.extend(k.vars());
                    v.collect_vars(out);
                }
            }
            _ => {}
        }
    }

    pub fn render(&self, r: &dyn Resolver) -> Result<Value, String> {
        Ok(match self {
            ValueTemplate::Null => Value::Null,
            ValueTemplate::Bool(b) => Value::Bool(*b),
            ValueTemplate::Number(n) => Value::Number(n.clone()),
            ValueTemplate::String(t) => t.render_value(r)?,
            ValueTemplate::Array(items) => Value::Array(
                items
                    .iter()
                    .map(|i| i.render(r))
                    .collect::<Result<_, _>>()?,
            ),
            ValueTemplate::Object(entries) => {
                let mut map = serde_json::Map::new();
                for (k, v) in entries {
                    map.insert(k.render(r)?, v.render(r)?);
                }
                Value::Object(map)
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    struct Fixed;
    impl Resolver for Fixed {
        fn resolve(&self, var: &VarRef) -> Option<Value> {
            match var {
                VarRef::Var(n) if n == "id" => Some(json!("abc")),
                VarRef::Var(n) if n == "flag" => Some(json!(true)),
                VarRef::TargetBaseUrl => Some(json!("http://h/beta")),
                _ => None,
            }
        }
    }

    #[test]
    fn placeholders_render_inside_text() {
        let t =
            Template::parse("{{ target.baseUrl }}/x/{{id}}").unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(t.render(&Fixed), Ok("http://h/beta/x/abc".into()));
    }

    #[test]
    fn a_sole_placeholder_keeps_its_json_type() {
        let t = ValueTemplate::parse(&json!({"a": "{{ flag }}", "b": "x{{flag}}"}))
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(t.render(&Fixed), Ok(json!({"a": true, "b": "xtrue"})));
    }

    #[test]
    fn malformed_placeholders_are_errors_with_offsets() {
        assert_eq!(Template::parse("ab{{ x").map_err(|e| e.offset), Err(2));
        assert!(Template::parse("{{ }}").is_err());
        assert!(Template::parse("{{ a b }}").is_err());
        assert!(Template::parse("{{ actors.g.tenantid }}").is_err());
        assert!(Template::parse("x }}").is_err());
    }

    #[test]
    fn a_parse_error_says_what_kind_of_mistake_it_is() {
        let e = Template::parse("id: {{ name | upper }}").err();
        assert_eq!(
            e.map(|e| (e.offset, e.problem)),
            Some((
                4,
                TemplateProblem::Filter {
                    name: "name".into(),
                    filter: "upper".into()
                }
            ))
        );
    }

    #[test]
    fn missing_values_are_reported_by_name() {
        let t = Template::parse("{{ nope }}").unwrap_or_else(|e| panic!("{e:?}"));
        assert!(t.render(&Fixed).err().unwrap_or_default().contains("nope"));
    }
}
