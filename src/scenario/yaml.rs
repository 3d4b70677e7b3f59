//! Reading YAML: the parser's limits, and its errors rewritten as what a scenario
//! author needs (which key, what was expected, how to fix it), plus helpers that find
//! positions in the source text.

use std::path::Path;

use serde_saphyr::Error as YamlError;
use serde_saphyr::MessageFormatter as _;
use serde_saphyr::budget::BudgetBreach;

use super::error::{LoadError, LoadErrorKind, Span, did_you_mean};

/// Deepest nesting of YAML collections accepted (block and flow alike).
pub const MAX_DEPTH: usize = 64;
/// Most YAML nodes a file may produce, aliases expanded. A large scenario has a few
/// thousand; the bound stops an alias bomb ("billion laughs") early.
pub const MAX_NODES: usize = 100_000;
/// Most aliases (`*name`) a file may use.
pub const MAX_ALIASES: usize = 1_000;

fn options() -> serde_saphyr::Options {
    // YAML 1.1 habits (`yes` as true, `0755` as a number) would silently change request
    // bodies, so scalars follow YAML 1.2 strictly.
    serde_saphyr::options! {
        strict_booleans: true,
        leading_zero_numbers_as_strings: true,
        budget: serde_saphyr::budget! {
            max_depth: MAX_DEPTH,
            flow_nesting_limit: MAX_DEPTH,
            max_nodes: MAX_NODES,
            max_aliases: MAX_ALIASES,
        },
    }
}

/// What a file holds, for messages: "the scenario has no `steps`".
#[derive(Debug, Clone, Copy)]
pub(crate) enum FileKind {
    Scenario,
    Fixture,
}

impl FileKind {
    fn noun(self) -> &'static str {
        match self {
            FileKind::Scenario => "scenario",
            FileKind::Fixture => "fixture",
        }
    }
}

pub(crate) fn parse<T: serde::de::DeserializeOwned>(
    path: &Path,
    text: &str,
    kind: FileKind,
) -> Result<T, LoadError> {
    if let Some(e) = invisible_character(path, text) {
        return Err(e);
    }
    serde_saphyr::from_str_with_options::<T>(text, options()).map_err(|e| {
        let explained = explain(path, text, &e, kind);
        // The parser reads and deserializes in one pass, so a misplaced line often
        // surfaces as something else ("the request has no `path`"), or a line early:
        // the usual slips are looked for first, and named at their own character.
        slip(path, text, explained.span).unwrap_or(explained)
    })
}

/// Characters that look like a space or nothing at all: a scenario that holds one
/// breaks (or changes a value) in ways the reader cannot see.
fn invisible_name(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{a0}' => "no-break space",
        '\u{ad}' => "soft hyphen",
        '\u{2007}' => "figure space",
        '\u{200b}' => "zero-width space",
        '\u{200c}' => "zero-width non-joiner",
        '\u{200d}' => "zero-width joiner",
        '\u{200e}' => "left-to-right mark",
        '\u{200f}' => "right-to-left mark",
        '\u{2028}' => "line separator",
        '\u{2029}' => "paragraph separator",
        '\u{202a}'..='\u{202e}' => "bidirectional formatting character",
        '\u{202f}' => "narrow no-break space",
        '\u{2060}' => "word joiner",
        '\u{2066}'..='\u{2069}' => "bidirectional isolate",
        '\u{3000}' => "ideographic space",
        '\u{feff}' => "zero-width no-break space (byte order mark)",
        _ => return None,
    })
}

/// The first invisible character outside comment lines (a byte order mark at the very
/// start is allowed), as an error at its position.
fn invisible_character(path: &Path, text: &str) -> Option<LoadError> {
    for (i, line) in text.lines().enumerate() {
        if line.trim_start().starts_with('#') {
            continue;
        }
        for (col, c) in line.chars().enumerate() {
            if i == 0 && col == 0 && c == '\u{feff}' {
                continue;
            }
            if let Some(name) = invisible_name(c) {
                let code = format!("U+{:04X}", c as u32);
                return Some(
                    LoadError::new(
                        path,
                        Span::new(i as u64 + 1, col as u64 + 1),
                        format!("an invisible character, {code} ({name}), is in this line"),
                    )
                    .with_source(text)
                    .with_hint(format!(
                        "delete it (retype the spaces around it); a value that needs it writes it as \"\\u{:04X}\" in double quotes",
                        c as u32
                    )),
                );
            }
        }
    }
    None
}

/// The slips behind most YAML errors, looked for when a file does not load: a tab in
/// the indentation, a line indented to no level of the lines above, and `key:value`
/// without a space. `at` is where the parser stopped.
fn slip(path: &Path, text: &str, at: Span) -> Option<LoadError> {
    let err = |span: Span, message: String, hint: String| {
        Some(
            LoadError::new(path, span, message)
                .with_source(text)
                .with_hint(hint),
        )
    };
    let mut levels: Vec<usize> = Vec::new();
    // (content column, its key has no value on the line: children may follow)
    let mut prev: Option<(usize, bool, String)> = None;
    let mut block_scalar: Option<usize> = None;
    let mut flow_depth: i64 = 0;
    for (i, line) in text.lines().enumerate() {
        let no = i as u64 + 1;
        let body = line.trim_start_matches(' ');
        let indent = line.len() - body.len();
        if body.is_empty() || body.starts_with('#') {
            continue;
        }
        if let Some(parent) = block_scalar {
            if indent > parent || body.starts_with('\t') {
                continue;
            }
            block_scalar = None;
        }
        if flow_depth > 0 {
            flow_depth += bracket_balance(body);
            continue;
        }
        if body.starts_with('\t') {
            return err(
                Span::new(no, indent as u64 + 1),
                "a tab in the indentation".into(),
                "indent with spaces only: YAML does not allow tabs there".into(),
            );
        }
        // `- - key: v`: the content starts after the item markers.
        let mut content = body;
        let mut column = indent;
        while let Some(rest) = content.strip_prefix("- ") {
            let inner = rest.trim_start_matches(' ');
            column += content.len() - inner.len();
            content = inner;
        }
        let key = split_key(content);
        if let Some((k, _)) = &key
            && let Some((pcol, opens, pkey)) = &prev
        {
            if indent > *pcol && !*opens {
                return err(
                    Span::new(no, indent as u64 + 1),
                    format!(
                        "`{k}` is indented more than `{pkey}` above it, but `{pkey}` has its value on its line, so nothing can be nested under it"
                    ),
                    format!("line `{k}` up with `{pkey}` ({pcol} spaces) if it belongs beside it"),
                );
            }
            let mut popped = None;
            while levels.last().is_some_and(|l| *l > indent) {
                popped = levels.pop();
            }
            if let Some(deeper) = popped
                && levels.last().is_none_or(|l| *l < indent)
            {
                let (outer, beside) = match levels.last() {
                    Some(l) => (
                        format!(" and their parent at {l}"),
                        format!(" or {l} (beside their parent)"),
                    ),
                    None => (String::new(), String::new()),
                };
                return err(
                    Span::new(no, indent as u64 + 1),
                    format!(
                        "`{k}` is indented {indent} spaces, which lines it up with nothing: the lines above are at {deeper}{outer}"
                    ),
                    format!(
                        "line it up with the keys it belongs with: {deeper} spaces (beside the lines above){beside}"
                    ),
                );
            }
        }
        if levels.last() != Some(&indent) {
            levels.push(indent);
        }
        if column != indent {
            levels.push(column);
        }
        if (no == at.line || no == at.line + 1)
            && let Some(colon) = glued_colon(content)
        {
            let word: String = content.split_whitespace().next().unwrap_or("").to_string();
            let (k, v) = word.split_at(colon);
            return err(
                Span::new(no, (column + colon + 2) as u64),
                format!("`{word}` needs a space after the colon to be a key and its value"),
                format!("write `{k}: {}`", &v[1..]),
            );
        }
        let opens = match &key {
            Some((_, rest)) => {
                if rest.starts_with('|') || rest.starts_with('>') {
                    block_scalar = Some(column);
                }
                rest.is_empty() || rest.starts_with('#')
            }
            None => false,
        };
        flow_depth = bracket_balance(content).max(0);
        prev = Some((
            column,
            opens || flow_depth > 0,
            key.map(|(k, _)| k)
                .unwrap_or_else(|| content.chars().take(30).collect()),
        ));
    }
    None
}

/// `key: rest` (or `key:` at the end of the line), outside quotes.
fn split_key(content: &str) -> Option<(String, &str)> {
    let mut quote = None;
    for (i, c) in content.char_indices() {
        match (quote, c) {
            (Some(q), _) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') if i == 0 => quote = Some(c),
            (None, '#') if i > 0 && content[..i].ends_with(' ') => return None,
            (None, '{' | '[') if i == 0 => return None,
            (None, ':') => {
                let rest = &content[i + 1..];
                if rest.is_empty() || rest.starts_with([' ', '\t']) {
                    return Some((content[..i].trim().to_string(), rest.trim()));
                }
            }
            _ => {}
        }
    }
    None
}

/// Where the colon of `key:value` is, for a line that is nothing but that (not a URL,
/// not `a::b`, no `: ` anywhere).
fn glued_colon(content: &str) -> Option<usize> {
    if content.contains(": ") || content.ends_with(':') || content.contains(char::is_whitespace) {
        return None;
    }
    let colon = content.find(':')?;
    let (k, v) = (&content[..colon], &content[colon + 1..]);
    let key_like = !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_$@.-".contains(c))
        && k.chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '$');
    (key_like && !v.is_empty() && !v.starts_with([':', '/'])).then_some(colon)
}

/// Opened minus closed flow brackets on a line, outside quotes and comments.
fn bracket_balance(line: &str) -> i64 {
    let mut depth = 0;
    let mut quote = None;
    let mut prev = ' ';
    for c in line.chars() {
        match (quote, c) {
            (Some(q), _) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') if prev.is_whitespace() || "[{,:".contains(prev) => quote = Some(c),
            (None, '#') if prev.is_whitespace() => break,
            (None, '[' | '{') => depth += 1,
            (None, ']' | '}') => depth -= 1,
            _ => {}
        }
        prev = c;
    }
    depth
}

/// The parser's error as a [`LoadError`] a scenario author can act on.
fn explain(path: &Path, text: &str, e: &YamlError, kind: FileKind) -> LoadError {
    let mut inner = e.without_snippet();
    while let YamlError::AliasError { error, .. } | YamlError::WithSnippet { error, .. } = inner {
        inner = error;
    }
    let mut span = e
        .location()
        .map(|l| Span::new(l.line(), l.column()))
        .unwrap_or_default();
    let raw = serde_saphyr::DefaultMessageFormatter
        .format_message(inner)
        .into_owned();
    let key = key_before(text, span);
    let named = |what: &str| match &key {
        Some(k) => format!("`{k}` must be {what}"),
        None => format!("expected {what} here"),
    };
    let (message, hint): (String, Option<String>) = match inner {
        YamlError::SerdeUnknownField {
            field, expected, ..
        } => {
            let hint = match did_you_mean(field, expected.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("the keys allowed here are {}", expected.join(", ")),
            };
            (format!("unknown field `{field}`"), Some(hint))
        }
        YamlError::SerdeMissingField { field, .. } => {
            let (message, hint) = missing_field(field, kind);
            if span.column <= 1 {
                // Reported at the end of the top-level mapping; its start is clearer.
                span = first_content_line(text).unwrap_or(span);
            }
            (message, Some(hint))
        }
        // The only enum of the scenario format is `auth`.
        YamlError::SerdeUnknownVariant { variant, .. } => (
            format!("unknown auth `{variant}`"),
            Some("write `auth: none` (send no token) or `auth: {bearer: TOKEN}` (send this token)".into()),
        ),
        YamlError::DuplicateMappingKey { key: dup, .. } => (
            match dup {
                Some(k) => format!("`{k}` appears twice in this mapping"),
                None => "a key appears twice in this mapping".into(),
            },
            Some("keys of a mapping must be unique: keep one".into()),
        ),
        YamlError::UnknownAnchor { .. } => {
            let alias = word_at(text, span)
                .filter(|w| w.starts_with('*'))
                .unwrap_or_else(|| "*…".into());
            (
                format!("alias `{alias}` refers to no anchor"),
                Some(format!(
                    "an alias repeats a value marked earlier with `&{}`; define that first, or write the value out",
                    alias.trim_start_matches('*')
                )),
            )
        }
        YamlError::MultipleDocuments { .. } => {
            if let Some(sep) = separator_before(text, span) {
                span = sep;
            }
            (
                "a second YAML document starts here".into(),
                Some(
                    "a scenario file holds one document: remove the `---` line, or split the file in two"
                        .into(),
                ),
            )
        }
        YamlError::Unexpected { expected, .. } => match *expected {
            "sequence start" => (
                named("a list"),
                Some("write `[a, b]`, or one `- item` per line below the key".into()),
            ),
            "mapping start" if key.is_none() && span.line <= first_line_no(text) => (
                format!("a {} file must be a mapping of keys", kind.noun()),
                Some(match kind {
                    FileKind::Scenario => {
                        "start with `name:`, `actors:` and `steps:`; the README's \"Scenario format\" shows a full example".into()
                    }
                    FileKind::Fixture => "start with `params:`, `provides:` and `steps:`".into(),
                }),
            ),
            "mapping start" => (
                named("a mapping"),
                Some("write `key: value` lines indented below it, or `{key: value}`".into()),
            ),
            "string scalar" => (
                named("text, not a list or a mapping"),
                Some("quote the value if it is text that starts with `[`, `{`, `&`, `*` or `!`".into()),
            ),
            other => (named(other), None),
        },
        YamlError::InvalidBooleanStrict { .. } => (
            named("true or false"),
            Some("YAML 1.2 is strict here: `yes`, `no`, `on` and `off` are text".into()),
        ),
        YamlError::InvalidScalar { ty, .. } if ty.starts_with('u') || ty.starts_with('i') => (
            named("a whole number"),
            Some(match word_at(text, span) {
                Some(w) => format!("`{w}` is not a whole number{}", range_note(ty)),
                None => format!("write digits only{}", range_note(ty)),
            }),
        ),
        YamlError::SerdeInvalidType {
            unexpected,
            expected,
            ..
        } => (named(expected), Some(format!("found {unexpected}"))),
        YamlError::Budget { breach, .. } => budget_message(breach),
        YamlError::Eof { .. } => (
            "the file ends in the middle of a value".into(),
            Some("a quote or a bracket is probably not closed".into()),
        ),
        _ => parser_message(text, &raw, &mut span),
    };
    let mut err = LoadError::new(path, span, message)
        .with_source(text)
        .with_kind(LoadErrorKind::Syntax);
    if let Some(h) = hint {
        err = err.with_hint(h);
    }
    err
}

fn range_note(ty: &str) -> String {
    match ty {
        "u32" => " from 0 to 4294967295".into(),
        "u16" => " from 0 to 65535".into(),
        "u64" | "usize" => ", 0 or more".into(),
        _ => String::new(),
    }
}

fn missing_field(field: &str, kind: FileKind) -> (String, String) {
    let noun = kind.noun();
    match field {
        "name" => (
            format!("the {noun} has no `name`"),
            "add `name: …`, a short sentence saying what it checks".into(),
        ),
        "actors" => (
            format!("the {noun} has no `actors`"),
            "add `actors: [governing, governed]`: the actors its steps act as".into(),
        ),
        "steps" => (
            format!("the {noun} has no `steps`"),
            "add `steps:` with at least one step; the README's \"Scenario format\" shows a full example".into(),
        ),
        "provides" => (
            "the fixture has no `provides`".into(),
            "list the variables its steps capture, e.g. `provides: [templateId]`, or write `provides: []`".into(),
        ),
        "method" => (
            "the request has no `method`".into(),
            "add e.g. `method: GET`".into(),
        ),
        "path" => (
            "the request has no `path`".into(),
            "add e.g. `path: /directory/tenantGovernance/settings`".into(),
        ),
        "until" => (
            "`retry` has no `until`".into(),
            "add the condition that ends the polling, e.g. `until: {status: 200}`".into(),
        ),
        other => (
            format!("missing field `{other}`"),
            "add the field; the README's \"Scenario format\" shows a full example".into(),
        ),
    }
}

fn budget_message(breach: &BudgetBreach) -> (String, Option<String>) {
    let aliases = Some(
        "anchors and aliases (`&a`, `*a`) may repeat a value, not multiply one; write the values out"
            .to_string(),
    );
    match breach {
        BudgetBreach::Depth { .. } => (
            format!("the YAML nests deeper than {MAX_DEPTH} levels"),
            Some("a scenario never needs this; deep nesting is refused so a broken file cannot exhaust the stack".into()),
        ),
        BudgetBreach::Nodes { .. } | BudgetBreach::Events { .. } => (
            format!("the YAML expands to more than {MAX_NODES} values"),
            aliases,
        ),
        BudgetBreach::Aliases { .. } => (
            format!("the file uses more than {MAX_ALIASES} aliases (`*name`)"),
            aliases,
        ),
        other => (
            format!("the file exceeds the loader's limits ({other:?})"),
            Some("scenario files are small; split this one".into()),
        ),
    }
}

/// Errors of the YAML parser itself: keep its words, add what usually causes them.
fn parser_message(text: &str, raw: &str, span: &mut Span) -> (String, Option<String>) {
    let brackets = "a `[` or `{` opened earlier may be missing its closing bracket, or an item its comma; quote values that contain `: `, `,`, `[` or `{`";
    if raw.contains("recursion limit") || raw.contains("nesting limit") {
        return (
            format!("the YAML nests deeper than {MAX_DEPTH} levels"),
            Some("a scenario never needs this; deep nesting is refused so a broken file cannot exhaust the stack".into()),
        );
    }
    if raw.contains("tab") {
        return (
            "a tab where YAML allows only spaces".into(),
            Some("indent with spaces only: YAML does not allow tabs in indentation".into()),
        );
    }
    if raw.contains("after double-quoted scalar") || raw.contains("after single-quoted scalar") {
        let quote = if raw.contains("double") { '"' } else { '\'' };
        if let Some(open) = opening_quote(text, *span, quote) {
            let message = format!(
                "the quoted string that starts here runs on to line {}, column {}",
                span.line, span.column
            );
            *span = open;
            return (
                message,
                Some(format!(
                    "its closing `{quote}` is probably missing; add it where the text ends"
                )),
            );
        }
        return (
            raw.to_string(),
            Some(format!(
                "a `{quote}` earlier may be missing its partner, so the string runs on to here"
            )),
        );
    }
    if raw.contains("mapping values are not allowed") {
        return (
            "a `key: value` cannot start here".into(),
            Some("check this line's indentation against the lines above; quote a value that contains `: `".into()),
        );
    }
    if raw.contains("did not find expected")
        || raw.contains("unclosed bracket")
        || raw.contains("':' indicator")
        || raw.contains("flow")
    {
        if let Some((c, at)) = unclosed_bracket(text, *span) {
            let close = if c == '[' { ']' } else { '}' };
            let message = format!(
                "this `{c}` is not closed: the {} runs on to line {}, column {}, where YAML gave up",
                if c == '[' { "list" } else { "mapping" },
                span.line,
                span.column
            );
            *span = at;
            return (
                message,
                Some(format!(
                    "close it with `{close}` where it ends, and separate its items with commas"
                )),
            );
        }
        return (raw.to_string(), Some(brackets.into()));
    }
    (raw.to_string(), None)
}

// ---------------------------------------------------------------------------------
// Positions in the source text.

/// Byte offset of a 1-based line and column (the column counts characters).
fn offset_of(text: &str, span: Span) -> Option<usize> {
    let line = usize::try_from(span.line).ok()?.checked_sub(1)?;
    let col = usize::try_from(span.column).ok()?.max(1) - 1;
    let mut start = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i == line {
            let within = l.char_indices().nth(col).map(|(b, _)| b).unwrap_or(l.len());
            return Some(start + within);
        }
        start += l.len();
    }
    None
}

fn span_at(text: &str, offset: usize) -> Span {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() as u64 + 1;
    let col = before
        .rsplit('\n')
        .next()
        .map(|l| l.chars().count())
        .unwrap_or(0) as u64
        + 1;
    Span::new(line, col)
}

/// The first `needle` inside the value that starts at `from`: a closer position for an
/// error inside a value (a placeholder in a JSON body, a matcher key). The value ends
/// at the first later line indented less than its start column.
pub(crate) fn locate(text: &str, from: Span, needle: &str) -> Option<Span> {
    if needle.is_empty() {
        return None;
    }
    let start = offset_of(text, from)?;
    let min_indent = usize::try_from(from.column).ok()?.saturating_sub(1);
    let rest = &text[start..];
    let mut end = rest.len();
    let mut offset = 0;
    for (i, line) in rest.split_inclusive('\n').enumerate() {
        let t = line.trim();
        let indent = line.len() - line.trim_start_matches(' ').len();
        if i > 0 && !t.is_empty() && !t.starts_with('#') && indent < min_indent {
            end = offset;
            break;
        }
        offset += line.len();
    }
    rest[..end].find(needle).map(|i| span_at(text, start + i))
}

/// The position of the value of a top-level `key:` (for errors about a key whose
/// value has no position of its own, such as an empty list).
pub(crate) fn top_level_key(text: &str, key: &str) -> Option<Span> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if let Some(rest) = line.strip_prefix(key)
            && rest.trim_start().starts_with(':')
        {
            return Some(span_at(text, offset));
        }
        offset += line.len();
    }
    None
}

/// The first line that is neither blank nor a comment.
fn first_content_line(text: &str) -> Option<Span> {
    let n = first_line_no(text);
    (n > 0).then(|| Span::new(n, 1))
}

fn first_line_no(text: &str) -> u64 {
    text.lines()
        .position(|l| {
            let t = l.trim();
            !t.is_empty() && !t.starts_with('#') && t != "---"
        })
        .map(|i| i as u64 + 1)
        .unwrap_or(0)
}

/// The key whose value starts at `span`: `actors` for `actors: governing`, `$top`
/// for `query: {$top: {n: 5}}`, `capture` for a list item on the line below `capture:`.
fn key_before(text: &str, span: Span) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    let idx = usize::try_from(span.line).ok()?.checked_sub(1)?;
    let line = lines.get(idx)?;
    let col = usize::try_from(span.column).ok()?.max(1) - 1;
    let prefix: String = line.chars().take(col).collect();
    let trimmed = prefix.trim_end();
    if let Some(k) = trimmed.strip_suffix(':') {
        let k = k.rsplit(['{', ',', '[']).next().unwrap_or(k);
        return clean_key(k);
    }
    if !trimmed.trim_start_matches([' ', '-']).is_empty() {
        return None;
    }
    // The value starts on its own line: the key is on the nearest line above that is
    // indented less.
    let indent = line.len() - line.trim_start().len();
    for above in lines[..idx].iter().rev() {
        let t = above.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let ind = above.len() - above.trim_start().len();
        if ind < indent {
            return t.strip_suffix(':').and_then(clean_key);
        }
    }
    None
}

fn clean_key(k: &str) -> Option<String> {
    let k = k.trim().trim_start_matches("- ").trim();
    let k = k.trim_matches(|c| c == '"' || c == '\'');
    (!k.is_empty()).then(|| k.to_string())
}

/// The word at `span` (up to white space or a flow indicator).
fn word_at(text: &str, span: Span) -> Option<String> {
    let start = offset_of(text, span)?;
    let w: String = text[start..]
        .chars()
        .take_while(|c| !c.is_whitespace() && !",]}".contains(*c))
        .take(60)
        .collect();
    (!w.is_empty()).then_some(w)
}

/// The `---` line before `span`, if the error is about a second document.
fn separator_before(text: &str, span: Span) -> Option<Span> {
    let idx = usize::try_from(span.line).ok()?;
    text.lines()
        .take(idx)
        .enumerate()
        .filter(|(_, l)| l.starts_with("---"))
        .last()
        .map(|(i, _)| Span::new(i as u64 + 1, 1))
}

/// The last `[` or `{` before `span` (outside quotes and comments) that is not closed
/// by then, when it is on an earlier line: the likely cause of a flow-collection error.
fn unclosed_bracket(text: &str, span: Span) -> Option<(char, Span)> {
    let end = offset_of(text, span)?;
    let mut stack: Vec<(char, usize)> = Vec::new();
    let mut quote: Option<char> = None;
    let mut comment = false;
    let mut prev = ' ';
    for (i, c) in text[..end].char_indices() {
        match (quote, c) {
            _ if comment => comment = c != '\n',
            (Some(q), _) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') if prev.is_whitespace() || "[{,:".contains(prev) => quote = Some(c),
            (None, '#') if prev.is_whitespace() => comment = true,
            (None, '[' | '{') => stack.push((c, i)),
            (None, ']' | '}') => {
                stack.pop();
            }
            _ => {}
        }
        prev = c;
    }
    let (c, at) = stack.last().copied()?;
    let found = span_at(text, at);
    (found.line < span.line).then_some((c, found))
}

/// Where the quoted string that ends just before `span` opened, when that is on an
/// earlier line (a missing closing quote swallows the lines in between).
fn opening_quote(text: &str, span: Span, quote: char) -> Option<Span> {
    let end = offset_of(text, span)?;
    let before = &text[..end];
    let closing = before.rfind(quote)?;
    let open = before[..closing].rfind(quote)?;
    let found = span_at(text, open);
    (found.line < span.line).then_some(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_found_before_inline_and_block_values() {
        let text = "actors: governing\nquery: {$top: {n: 5}}\ncapture:\n  - $.a\n";
        assert_eq!(key_before(text, Span::new(1, 9)).as_deref(), Some("actors"));
        assert_eq!(key_before(text, Span::new(2, 15)).as_deref(), Some("$top"));
        assert_eq!(
            key_before(text, Span::new(4, 3)).as_deref(),
            Some("capture")
        );
        assert_eq!(key_before("- a\n", Span::new(1, 1)), None);
    }

    #[test]
    fn locate_finds_a_needle_after_a_position() {
        let text = "a: x\nb: {c: \"{{ y }}\"}\n";
        assert_eq!(locate(text, Span::new(2, 4), "{{ y"), Some(Span::new(2, 9)));
        assert_eq!(locate(text, Span::new(2, 4), "zzz"), None);
    }

    #[test]
    fn an_alias_bomb_is_refused_quickly() {
        let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for (prev, name) in ["a", "b", "c", "d", "e", "f", "g", "h"]
            .iter()
            .zip(["b", "c", "d", "e", "f", "g", "h", "i"])
        {
            let row = vec![format!("*{prev}"); 10].join(", ");
            text.push_str(&format!("{name}: &{name} [{row}]\n"));
        }
        let r: Result<serde_json::Value, LoadError> =
            parse(Path::new("bomb.yaml"), &text, FileKind::Scenario);
        let e = r.err().map(|e| e.message).unwrap_or_default();
        assert!(e.contains("expands to more than"), "{e}");
    }
}
