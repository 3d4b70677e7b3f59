//! OData system query options on the four governance lists (`ODATA-*` rules: `$filter`,
//! `$orderby`, `$top`, `$skip`, `$skiptoken` documented; `$select` added because Graph
//! users reach for it), and the collection envelope with `@odata.nextLink`.
//!
//! Everything else (`$count`, `$expand`, `$search`, `$format`, unknown `$` options,
//! and any option on an operation the docs say "doesn't support OData query
//! parameters") is Graph's 400 `Request_UnsupportedQuery`, not silence. Query
//! parameters without `$` are not OData options and are ignored, as Graph does.

use std::cmp::Ordering;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use super::clock;
use super::errors::GraphError;
use super::faults::{Fault, FaultSet};

/// Page size when the caller gives no `$top`.
pub(crate) const DEFAULT_PAGE_SIZE: usize = 100;
/// Largest `$top` accepted (Graph's usual directory maximum).
pub(crate) const MAX_TOP: usize = 999;

/// What a collection's items look like to the query options.
pub(crate) struct Shape {
    /// The segment under `/directory/tenantGovernance`, e.g. `governanceRequests`.
    pub collection: &'static str,
    /// Properties `$select` may name.
    pub properties: &'static [&'static str],
    /// String properties `$filter` may compare with `eq` and `ne` (quoted literals).
    pub filterable: &'static [&'static str],
    /// Of those, the ones that also take `lt`, `le`, `gt` and `ge`, compared as strings
    /// (OData's ordering of Edm.String), where the docs list those operators.
    pub ordered: &'static [&'static str],
    /// Date-time properties `$filter` may compare with `eq`, `ne`, `gt`, `ge`, `lt` and
    /// `le` (unquoted RFC 3339 literals, compared as instants).
    pub date_times: &'static [&'static str],
    /// Properties `$orderby` may name.
    pub orderable: &'static [&'static str],
    /// Enum-typed filterable properties and their members: a literal outside the
    /// members is a 400 (Graph checks enum literals).
    pub enums: &'static [(&'static str, &'static [&'static str])],
}

/// A `$filter` comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cmp {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
}

impl Cmp {
    fn parse(word: &str) -> Option<Cmp> {
        Some(match word.to_ascii_lowercase().as_str() {
            "eq" => Cmp::Eq,
            "ne" => Cmp::Ne,
            "gt" => Cmp::Gt,
            "ge" => Cmp::Ge,
            "lt" => Cmp::Lt,
            "le" => Cmp::Le,
            _ => return None,
        })
    }

    fn name(self) -> &'static str {
        match self {
            Cmp::Eq => "eq",
            Cmp::Ne => "ne",
            Cmp::Gt => "gt",
            Cmp::Ge => "ge",
            Cmp::Lt => "lt",
            Cmp::Le => "le",
        }
    }

    fn holds(self, ord: Ordering) -> bool {
        match self {
            Cmp::Eq => ord == Ordering::Equal,
            Cmp::Ne => ord != Ordering::Equal,
            Cmp::Gt => ord == Ordering::Greater,
            Cmp::Ge => ord != Ordering::Less,
            Cmp::Lt => ord == Ordering::Less,
            Cmp::Le => ord != Ordering::Greater,
        }
    }
}

/// The right-hand side of a comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Literal {
    /// `'text'`
    Str(String),
    /// An unquoted RFC 3339 date-time (OData's DateTimeOffset literal).
    Instant(DateTime<Utc>),
    /// Any other unquoted word (`null`, `true`, `42`, a date without a time): no
    /// property of these collections compares with it.
    Other(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Clause {
    pub property: String,
    pub op: Cmp,
    pub value: Literal,
}

/// Parsed system query options of one request.
#[derive(Debug, Clone, Default)]
pub(crate) struct Query {
    pub top: Option<usize>,
    pub skip: usize,
    pub skiptoken: Option<usize>,
    pub filter: Option<(String, Vec<Clause>)>,
    pub orderby: Option<(String, Vec<(String, bool)>)>,
    pub select: Option<(String, Vec<String>)>,
    /// The first option seen, for "not supported here" messages.
    pub first: Option<String>,
}

impl Query {
    /// Whether any system query option was given.
    pub fn any(&self) -> bool {
        self.first.is_some()
    }
}

/// Parse the raw query string. Syntax errors and unsupported options are 400s.
pub(crate) fn parse(raw: Option<&str>) -> Result<Query, GraphError> {
    let mut q = Query::default();
    let Some(raw) = raw else { return Ok(q) };
    let mut seen: Vec<String> = Vec::new();
    for pair in raw.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let key = percent_decode(k).ok_or_else(|| {
            GraphError::bad_request("The query string is not valid percent-encoded UTF-8.")
        })?;
        if !key.starts_with('$') {
            continue;
        }
        let value = percent_decode(v).ok_or_else(|| {
            GraphError::bad_request("The query string is not valid percent-encoded UTF-8.")
        })?;
        let name = key.to_ascii_lowercase();
        if seen.contains(&name) {
            return Err(GraphError::bad_request(format!(
                "Query option '{key}' was specified more than once; it must be specified at most once."
            )));
        }
        seen.push(name.clone());
        if q.first.is_none() {
            q.first = Some(key.clone());
        }
        match name.as_str() {
            "$top" => q.top = Some(parse_top(&value)?),
            "$skip" => {
                q.skip = value.trim().parse::<usize>().map_err(|_| {
                    GraphError::bad_request(format!(
                        "Invalid value '{value}' for $skip; it must be a non-negative integer."
                    ))
                })?
            }
            "$skiptoken" => q.skiptoken = Some(decode_skiptoken(&value)?),
            "$filter" => q.filter = Some((value.clone(), parse_filter(&value)?)),
            "$orderby" => q.orderby = Some((value.clone(), parse_orderby(&value)?)),
            "$select" => q.select = Some((value.clone(), parse_select(&value)?)),
            "$count" | "$expand" | "$search" | "$format" | "$apply" | "$compute" | "$levels"
            | "$deltatoken" | "$schemaversion" | "$index" => {
                return Err(GraphError::unsupported_query(format!(
                    "Query option '{key}' is not supported on this resource."
                )));
            }
            _ => {
                return Err(GraphError::unsupported_query(format!(
                    "Query option '{key}' is not a known OData system query option."
                )));
            }
        }
    }
    Ok(q)
}

fn parse_top(value: &str) -> Result<usize, GraphError> {
    match value.trim().parse::<usize>() {
        Ok(n) if (1..=MAX_TOP).contains(&n) => Ok(n),
        _ => Err(GraphError::bad_request(format!(
            "Invalid value '{value}' for $top; it must be an integer from 1 to {MAX_TOP}."
        ))),
    }
}

/// `$filter`: `property op literal` joined with `and`, where `op` is one of `eq`, `ne`,
/// `gt`, `ge`, `lt`, `le` and the literal is a quoted string or an unquoted date-time
/// (whether the property takes that operator and literal is checked against the
/// collection's shape). Functions, `or`, `not` and parentheses are 400 (Graph says the
/// same for filters a collection does not support).
fn parse_filter(text: &str) -> Result<Vec<Clause>, GraphError> {
    let unsupported = |why: &str| {
        GraphError::unsupported_query(format!("Unsupported or invalid $filter '{text}': {why}."))
    };
    let tokens = tokenize(text).map_err(|e| unsupported(&e))?;
    let mut clauses = Vec::new();
    let mut i = 0;
    loop {
        let (Some(Token::Word(prop)), Some(Token::Word(op)), Some(value)) =
            (tokens.get(i), tokens.get(i + 1), tokens.get(i + 2))
        else {
            return Err(unsupported(
                "expected `property eq 'value'` (or ne, gt, ge, lt, le)",
            ));
        };
        let op = Cmp::parse(op)
            .ok_or_else(|| unsupported(&format!("operator '{op}' is not supported")))?;
        let value = match value {
            Token::Str(s) => Literal::Str(s.clone()),
            Token::Word(w) => match clock::parse_instant(w) {
                Some(t) => Literal::Instant(t),
                None => Literal::Other(w.clone()),
            },
        };
        clauses.push(Clause {
            property: prop.clone(),
            op,
            value,
        });
        i += 3;
        match tokens.get(i) {
            None => break,
            Some(Token::Word(w)) if w.eq_ignore_ascii_case("and") => i += 1,
            Some(_) => return Err(unsupported("only `and` may join conditions")),
        }
    }
    Ok(clauses)
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Word(String),
    Str(String),
}

fn tokenize(text: &str) -> Result<Vec<Token>, String> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c == '\'' {
            chars.next();
            let mut s = String::new();
            loop {
                match chars.next() {
                    Some('\'') if chars.peek() == Some(&'\'') => {
                        chars.next();
                        s.push('\'');
                    }
                    Some('\'') => break,
                    Some(ch) => s.push(ch),
                    None => return Err("a string literal is not closed".into()),
                }
            }
            out.push(Token::Str(s));
        } else if is_word_char(c) {
            let mut w = String::new();
            while let Some(&ch) = chars.peek() {
                if is_word_char(ch) {
                    w.push(ch);
                    chars.next();
                } else {
                    break;
                }
            }
            out.push(Token::Word(w));
        } else {
            return Err(format!("unexpected character '{c}'"));
        }
    }
    Ok(out)
}

/// Characters of names, operators and unquoted literals (`:` and `+` for date-times).
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '@' | '.' | '-' | ':' | '+')
}

fn parse_orderby(text: &str) -> Result<Vec<(String, bool)>, GraphError> {
    let mut keys = Vec::new();
    for part in text.split(',') {
        let mut words = part.split_whitespace();
        let (Some(prop), dir, None) = (words.next(), words.next(), words.next()) else {
            return Err(GraphError::unsupported_query(format!(
                "Invalid $orderby '{text}': expected `property [asc|desc]`."
            )));
        };
        let desc = match dir.map(str::to_ascii_lowercase).as_deref() {
            None | Some("asc") => false,
            Some("desc") => true,
            Some(other) => {
                return Err(GraphError::unsupported_query(format!(
                    "Invalid $orderby direction '{other}'; use asc or desc."
                )));
            }
        };
        keys.push((prop.to_string(), desc));
    }
    Ok(keys)
}

fn parse_select(text: &str) -> Result<Vec<String>, GraphError> {
    let props: Vec<String> = text.split(',').map(|p| p.trim().to_string()).collect();
    if props.iter().any(String::is_empty) {
        return Err(GraphError::bad_request(format!(
            "Invalid $select '{text}': expected a comma-separated list of property names."
        )));
    }
    Ok(props)
}

/// The skip token is opaque to clients; inside it is a versioned offset.
pub(crate) fn encode_skiptoken(offset: usize) -> String {
    URL_SAFE_NO_PAD.encode(format!("tgc1:{offset}"))
}

fn decode_skiptoken(token: &str) -> Result<usize, GraphError> {
    URL_SAFE_NO_PAD
        .decode(token.trim())
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| s.strip_prefix("tgc1:").and_then(|n| n.parse().ok()))
        .ok_or_else(|| {
            GraphError::bad_request("The $skiptoken is not valid; follow @odata.nextLink as given.")
        })
}

/// Check the query against a collection's shape, before any item is looked at.
pub(crate) fn check(q: &Query, shape: &Shape, faults: FaultSet) -> Result<(), GraphError> {
    if let Some((_, clauses)) = &q.filter {
        for c in clauses {
            check_clause(c, shape, faults)?;
        }
    }
    if let Some((_, keys)) = &q.orderby {
        for (p, _) in keys {
            if !shape.orderable.contains(&p.as_str()) {
                return Err(GraphError::unsupported_query(format!(
                    "Sorting on property '{p}' of {} is not supported.",
                    shape.collection
                )));
            }
        }
    }
    if let Some((_, props)) = &q.select {
        for p in props {
            if !shape.properties.contains(&p.as_str()) {
                return Err(GraphError::bad_request(format!(
                    "Could not find a property named '{p}' on type {}; $select accepts: {}.",
                    shape.collection,
                    shape.properties.join(", ")
                )));
            }
        }
    }
    Ok(())
}

/// One comparison against the shape: the property is filterable, the operator is one
/// its type supports and the literal has its type (Graph: "A binary operator with
/// incompatible types was detected").
fn check_clause(c: &Clause, shape: &Shape, faults: FaultSet) -> Result<(), GraphError> {
    let p = c.property.as_str();
    let incompatible = |what: &str| {
        GraphError::bad_request(format!(
            "A binary operator with incompatible types was detected: property '{p}' of {} is {what}.",
            shape.collection
        ))
    };
    if shape.date_times.contains(&p) {
        return match c.value {
            Literal::Instant(_) => Ok(()),
            _ => Err(incompatible(
                "an Edm.DateTimeOffset; compare it with an unquoted RFC 3339 date-time such as 2026-01-01T00:00:00Z",
            )),
        };
    }
    if !shape.filterable.contains(&p) {
        let mut all: Vec<&str> = shape.filterable.to_vec();
        all.extend_from_slice(shape.date_times);
        return Err(GraphError::unsupported_query(format!(
            "Filtering on property '{p}' of {} is not supported; filterable: {}.",
            shape.collection,
            all.join(", ")
        )));
    }
    let Literal::Str(value) = &c.value else {
        return Err(incompatible("a string; quote the literal ('value')"));
    };
    let ordered = shape.ordered.contains(&p) && !faults.has(Fault::VersionFilterEqOnly);
    if !matches!(c.op, Cmp::Eq | Cmp::Ne) && !ordered {
        return Err(GraphError::unsupported_query(format!(
            "Operator '{}' is not supported on property '{p}' of {}; use eq or ne.",
            c.op.name(),
            shape.collection
        )));
    }
    if let Some((_, members)) = shape.enums.iter().find(|(e, _)| *e == p)
        && !members.contains(&value.as_str())
    {
        return Err(GraphError::bad_request(format!(
            "'{value}' is not a member of the enumeration of property '{p}'; members: {}.",
            members.join(", ")
        )));
    }
    Ok(())
}

/// Everything the collection envelope needs besides the items.
pub(crate) struct Page<'a> {
    pub query: &'a Query,
    pub shape: &'a Shape,
    pub faults: FaultSet,
    /// `http://host:port/beta`
    pub base: &'a str,
}

/// Filter, sort, page and project `items`, then wrap them as an OData collection.
pub(crate) fn collection(mut items: Vec<Map<String, Value>>, page: &Page<'_>) -> Value {
    let q = page.query;
    if let Some((_, clauses)) = &q.filter
        && !page.faults.has(Fault::FilterIgnored)
    {
        let clauses: Vec<Clause> = clauses.iter().map(|c| faulty(c, page.faults)).collect();
        items.retain(|item| clauses.iter().all(|c| matches(item, c)));
    }
    // A service that wired the sort and the skip into its template list only.
    let only_templates =
        |f: Fault| page.faults.has(f) && page.shape.collection != "governancePolicyTemplates";
    if let Some((_, keys)) = &q.orderby
        && !page.faults.has(Fault::OrderbyIgnored)
        && !only_templates(Fault::OrderbySkipOnlyOnTemplates)
    {
        items.sort_by(|a, b| {
            for (k, desc) in keys {
                let ord = compare(a.get(k), b.get(k));
                let ord = if *desc { ord.reverse() } else { ord };
                if ord != Ordering::Equal {
                    return ord;
                }
            }
            Ordering::Equal
        });
    }
    let size = match q.top {
        Some(t) if !page.faults.has(Fault::TopIgnored) => t,
        _ => DEFAULT_PAGE_SIZE,
    };
    let skip = if page.faults.has(Fault::SkipIgnored)
        || only_templates(Fault::OrderbySkipOnlyOnTemplates)
    {
        0
    } else {
        q.skip
    };
    let start = if page.faults.has(Fault::SkiptokenIgnored) {
        skip
    } else {
        q.skiptoken.unwrap_or(0).saturating_add(skip)
    };
    let total = items.len();
    let end = start.saturating_add(size).min(total);
    let shown: Vec<Value> = items
        .into_iter()
        .skip(start)
        .take(end.saturating_sub(start))
        .map(|item| Value::Object(project(item, q)))
        .collect();
    let mut root = Map::new();
    if !page.faults.has(Fault::MissingOdataContext) {
        let select = q
            .select
            .as_ref()
            .map(|(_, p)| format!("({})", p.join(",")))
            .unwrap_or_default();
        root.insert(
            "@odata.context".into(),
            Value::String(format!(
                "{}/$metadata#directory/tenantGovernance/{}{select}",
                page.base, page.shape.collection
            )),
        );
    }
    root.insert("value".into(), Value::Array(shown));
    if end < total && !page.faults.has(Fault::NextLinkMissing) {
        root.insert(
            "@odata.nextLink".into(),
            Value::String(next_link(page, end, size)),
        );
    }
    Value::Object(root)
}

fn next_link(page: &Page<'_>, offset: usize, size: usize) -> String {
    let q = page.query;
    let mut params = Vec::new();
    if let Some((raw, _)) = &q.filter {
        params.push(format!("$filter={}", percent_encode(raw)));
    }
    if let Some((raw, _)) = &q.orderby {
        params.push(format!("$orderby={}", percent_encode(raw)));
    }
    if let Some((raw, _)) = &q.select {
        params.push(format!("$select={}", percent_encode(raw)));
    }
    if q.top.is_some() {
        params.push(format!("$top={size}"));
    }
    params.push(format!("$skiptoken={}", encode_skiptoken(offset)));
    format!(
        "{}/directory/tenantGovernance/{}?{}",
        page.base,
        page.shape.collection,
        params.join("&")
    )
}

fn matches(item: &Map<String, Value>, c: &Clause) -> bool {
    let actual = item.get(&c.property).and_then(Value::as_str);
    match (&c.value, actual) {
        (Literal::Str(want), Some(got)) => c.op.holds(got.cmp(want.as_str())),
        // The mock writes every timestamp with `Z`; one without a zone (the fault
        // `date-without-zone`) is read as UTC, so the fault changes the text, not the set.
        (Literal::Instant(want), Some(got)) => {
            instant(got).is_some_and(|t| c.op.holds(t.cmp(want)))
        }
        _ => false,
    }
}

/// A clause as a faulty mock applies it.
fn faulty(c: &Clause, faults: FaultSet) -> Clause {
    let op = match (c.op, &c.value) {
        (Cmp::Ne, _) if faults.has(Fault::FilterNeAsEq) => Cmp::Eq,
        (Cmp::Lt, Literal::Instant(_)) if faults.has(Fault::DateTimeFilterInclusive) => Cmp::Le,
        (Cmp::Gt, Literal::Instant(_)) if faults.has(Fault::DateTimeFilterInclusive) => Cmp::Ge,
        (op, _) => op,
    };
    Clause { op, ..c.clone() }
}

fn instant(text: &str) -> Option<DateTime<Utc>> {
    clock::parse_instant(text).or_else(|| clock::parse_instant(&format!("{text}Z")))
}

fn compare(a: Option<&Value>, b: Option<&Value>) -> Ordering {
    match (a, b) {
        (Some(Value::String(x)), Some(Value::String(y))) => x.cmp(y),
        (Some(Value::Number(x)), Some(Value::Number(y))) => x
            .as_f64()
            .partial_cmp(&y.as_f64())
            .unwrap_or(Ordering::Equal),
        (Some(Value::Bool(x)), Some(Value::Bool(y))) => x.cmp(y),
        (None | Some(Value::Null), None | Some(Value::Null)) => Ordering::Equal,
        (None | Some(Value::Null), _) => Ordering::Less,
        (_, None | Some(Value::Null)) => Ordering::Greater,
        _ => Ordering::Equal,
    }
}

/// Keep `@odata.type` and the selected properties, in the entity's own order.
fn project(item: Map<String, Value>, q: &Query) -> Map<String, Value> {
    match &q.select {
        None => item,
        Some((_, props)) => item
            .into_iter()
            .filter(|(k, _)| k == "@odata.type" || props.iter().any(|p| p == k))
            .collect(),
    }
}

/// Percent-decoding of one query component (`+` is a space, as in forms).
pub(crate) fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = s.get(i + 1..i + 3)?;
                // from_str_radix alone would take a sign ("%+1").
                if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return None;
                }
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// Percent-encoding of one query component: everything but RFC 3986 unreserved.
pub(crate) fn percent_encode(s: &str) -> String {
    crate::text::encode_query_component(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const SHAPE: Shape = Shape {
        collection: "things",
        properties: &["id", "status", "name"],
        filterable: &["id", "status", "name"],
        ordered: &[],
        date_times: &["at"],
        orderable: &["id", "name"],
        enums: &[("status", &["pending", "accepted"])],
    };

    fn items(n: usize) -> Vec<Map<String, Value>> {
        (0..n)
            .map(|i| {
                let at = format!("2026-01-{:02}T12:00:00.0000000Z", i + 1);
                let v = json!({"@odata.type": "#t", "id": format!("{i:03}"), "status": if i % 2 == 0 { "pending" } else { "accepted" }, "name": format!("n{}", 9 - i % 10), "at": at});
                v.as_object().cloned().unwrap_or_default()
            })
            .collect()
    }

    fn run(raw: &str, n: usize, faults: FaultSet) -> Value {
        let q = parse(Some(raw)).unwrap_or_default();
        collection(
            items(n),
            &Page {
                query: &q,
                shape: &SHAPE,
                faults,
                base: "http://h/beta",
            },
        )
    }

    #[test]
    fn top_pages_and_next_link_continues_until_the_end() {
        let mut seen = Vec::new();
        let mut raw = "$top=2".to_string();
        for _ in 0..10 {
            let page = run(&raw, 5, FaultSet::default());
            for v in page["value"].as_array().cloned().unwrap_or_default() {
                seen.push(v["id"].as_str().unwrap_or("").to_string());
            }
            match page["@odata.nextLink"].as_str() {
                Some(link) => raw = link.split_once('?').map(|x| x.1).unwrap_or("").to_string(),
                None => break,
            }
        }
        assert_eq!(seen, ["000", "001", "002", "003", "004"]);
    }

    #[test]
    fn next_link_is_absolute_on_the_base_and_keeps_the_filter() {
        let page = run("$top=1&$filter=status eq 'pending'", 5, FaultSet::default());
        let link = page["@odata.nextLink"].as_str().unwrap_or("");
        assert!(
            link.starts_with("http://h/beta/directory/tenantGovernance/things?"),
            "{link}"
        );
        assert!(
            link.contains("$filter=status%20eq%20%27pending%27"),
            "{link}"
        );
        assert!(link.contains("$top=1"), "{link}");
    }

    #[test]
    fn last_page_has_no_next_link() {
        let page = run("$top=5", 5, FaultSet::default());
        assert!(page.get("@odata.nextLink").is_none());
        assert_eq!(page["value"].as_array().map(Vec::len), Some(5));
    }

    #[test]
    fn filter_eq_ne_and_and() {
        let page = run("$filter=status eq 'pending'", 5, FaultSet::default());
        assert_eq!(page["value"].as_array().map(Vec::len), Some(3));
        let page = run(
            "$filter=status ne 'pending' and id eq '001'",
            5,
            FaultSet::default(),
        );
        assert_eq!(page["value"].as_array().map(Vec::len), Some(1));
    }

    #[test]
    fn date_time_comparisons_compare_instants() {
        let count = |raw: &str| {
            run(raw, 5, FaultSet::default())["value"]
                .as_array()
                .map(Vec::len)
        };
        // Items are at 12:00 on 1–5 January.
        assert_eq!(count("$filter=at ge 2026-01-03T12:00:00Z"), Some(3));
        assert_eq!(count("$filter=at gt 2026-01-03T12:00:00Z"), Some(2));
        assert_eq!(count("$filter=at le 2026-01-03T12:00:00Z"), Some(3));
        assert_eq!(count("$filter=at lt 2026-01-03T12:00:00Z"), Some(2));
        assert_eq!(count("$filter=at eq 2026-01-03T12:00:00Z"), Some(1));
        assert_eq!(count("$filter=at ne 2026-01-03T12:00:00Z"), Some(4));
        // Another offset and precision name the same instant.
        assert_eq!(
            count("$filter=at eq 2026-01-03T14:00:00.000%2B02:00"),
            Some(1)
        );
        assert_eq!(
            count(
                "$filter=at gt 2026-01-01T00:00:00Z and at lt 2026-01-03T00:00:00Z and status eq 'pending'"
            ),
            Some(1)
        );
    }

    #[test]
    fn orderby_desc_sorts() {
        let page = run("$orderby=id desc", 3, FaultSet::default());
        assert_eq!(page["value"][0]["id"], "002");
    }

    #[test]
    fn select_keeps_only_named_properties_and_names_them_in_the_context() {
        let page = run("$select=status", 1, FaultSet::default());
        assert_eq!(
            page["value"][0],
            json!({"@odata.type": "#t", "status": "pending"})
        );
        assert_eq!(
            page["@odata.context"],
            "http://h/beta/$metadata#directory/tenantGovernance/things(status)"
        );
    }

    #[test]
    fn bad_options_are_400() {
        let cases = [
            "$top=0",
            "$top=1000",
            "$top=x",
            "$top=1&$top=2",
            "$skip=-1",
            "$count=true",
            "$expand=x",
            "$search=x",
            "$frobnicate=1",
            "$skiptoken=garbage",
            "$filter=startswith(name,'x')",
            "$filter=status eq 'x' or id eq 'y'",
            "$filter=status has 'x'",
            "$filter=status eq 'unclosed",
            "$orderby=id sideways",
            "$select=",
        ];
        for raw in cases {
            assert_eq!(parse(Some(raw)).err().map(|e| e.status), Some(400), "{raw}");
        }
    }

    #[test]
    fn shape_checks_refuse_unknown_properties_and_enum_members() {
        for raw in [
            "$filter=nope eq 'x'",
            "$filter=status eq 'Pending'",
            "$filter=status gt 'pending'",
            "$filter=status eq pending",
            "$filter=at ge '2026-01-01T00:00:00Z'",
            "$filter=at ge 2026-01-01",
            "$filter=at eq null",
            "$orderby=status",
            "$select=id,nope",
        ] {
            let q = parse(Some(raw)).unwrap_or_default();
            assert_eq!(
                check(&q, &SHAPE, FaultSet::default())
                    .err()
                    .map(|e| e.status),
                Some(400),
                "{raw}"
            );
        }
    }

    #[test]
    fn options_without_dollar_are_ignored_and_keys_are_case_insensitive() {
        let q = parse(Some("foo=bar&$TOP=3")).unwrap_or_default();
        assert_eq!(q.top, Some(3));
        assert!(parse(Some("foo=bar")).map(|q| !q.any()).unwrap_or(false));
    }

    #[test]
    fn faults_change_paging_and_filtering() {
        let page = run("$top=1", 3, FaultSet::new(&[Fault::TopIgnored]));
        assert_eq!(page["value"].as_array().map(Vec::len), Some(3));
        let page = run("$top=1", 3, FaultSet::new(&[Fault::NextLinkMissing]));
        assert!(page.get("@odata.nextLink").is_none());
        let page = run(
            "$filter=status eq 'pending'",
            3,
            FaultSet::new(&[Fault::FilterIgnored]),
        );
        assert_eq!(page["value"].as_array().map(Vec::len), Some(3));
        let token = encode_skiptoken(1);
        let page = run(
            &format!("$top=1&$skiptoken={token}"),
            3,
            FaultSet::new(&[Fault::SkiptokenIgnored]),
        );
        assert_eq!(page["value"][0]["id"], "000");
    }

    #[test]
    fn percent_coding_round_trips() {
        let s = "status eq 'a b'+&";
        assert_eq!(percent_decode(&percent_encode(s)).as_deref(), Some(s));
        assert_eq!(percent_decode("a+b%20c").as_deref(), Some("a b c"));
        assert!(percent_decode("%zz").is_none());
        assert!(percent_decode("%+1").is_none());
        assert!(percent_decode("%4").is_none());
        assert!(percent_decode("%e2%28").is_none());
    }
}
