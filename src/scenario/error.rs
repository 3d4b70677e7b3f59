use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A position in a scenario file (1-based line and column).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct Span {
    pub line: u64,
    pub column: u64,
}

impl Span {
    pub fn new(line: u64, column: u64) -> Self {
        Span { line, column }
    }

    pub(crate) fn from_location(loc: &serde_saphyr::Location) -> Self {
        Span {
            line: loc.line(),
            column: loc.column(),
        }
    }

    pub fn is_known(&self) -> bool {
        self.line > 0
    }
}

/// What kind of problem a scenario file has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LoadErrorKind {
    /// The file (or folder) cannot be read, or is not UTF-8 text of a sane size.
    File,
    /// The text is not YAML.
    Syntax,
    /// The YAML is not a valid scenario: unknown keys, wrong values, unknown actors…
    Invalid,
}

/// A scenario file that cannot be used: where, what, and how to fix it. The source
/// snippet under the message is rendered when the error is shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    pub kind: LoadErrorKind,
    pub path: PathBuf,
    pub span: Span,
    pub message: String,
    pub hint: Option<Box<str>>,
    /// The file's text, for the snippet.
    pub source: Option<Arc<str>>,
    /// Context, e.g. which scenario step pulled in the fixture the error is in.
    pub note: Option<Box<str>>,
}

impl LoadError {
    pub(crate) fn new(path: &Path, span: Span, message: impl Into<String>) -> Self {
        LoadError {
            kind: LoadErrorKind::Invalid,
            path: path.to_path_buf(),
            span,
            message: message.into(),
            hint: None,
            source: None,
            note: None,
        }
    }

    pub(crate) fn with_kind(mut self, kind: LoadErrorKind) -> Self {
        self.kind = kind;
        self
    }

    pub(crate) fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into().into_boxed_str());
        self
    }

    pub(crate) fn with_note(mut self, note: impl Into<String>) -> Self {
        self.note = Some(note.into().into_boxed_str());
        self
    }

    pub(crate) fn with_source(mut self, source: &str) -> Self {
        self.source = Some(Arc::from(source));
        self
    }

    /// The offending source line(s) with a caret under the column, like a compiler.
    pub fn snippet(&self) -> Option<String> {
        render_snippet(self.source.as_deref()?, self.span)
    }

    /// `path:line:column`, the prefix editors and CI annotations understand.
    pub fn position(&self) -> String {
        if self.span.is_known() {
            format!(
                "{}:{}:{}",
                self.path.display(),
                self.span.line,
                self.span.column
            )
        } else {
            self.path.display().to_string()
        }
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: error: {}", self.position(), self.message)?;
        if let Some(snippet) = self.snippet() {
            write!(f, "\n{snippet}")?;
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n  = hint: {hint}")?;
        }
        if let Some(note) = &self.note {
            write!(f, "\n  = note: {note}")?;
        }
        Ok(())
    }
}

impl std::error::Error for LoadError {}

/// Up to two lines of context and a caret under the column. Long lines are cut to a
/// window around the column, so the caret stays on screen.
fn render_snippet(source: &str, span: Span) -> Option<String> {
    if !span.is_known() {
        return None;
    }
    let line_no = usize::try_from(span.line).ok()?;
    let lines: Vec<&str> = source.lines().collect();
    let target = lines.get(line_no.checked_sub(1)?)?;
    let width = line_no.to_string().len();
    let col = usize::try_from(span.column).unwrap_or(1).max(1);
    // The window starts this many characters into every shown line.
    let skip = col.saturating_sub(WINDOW / 2).min(col.saturating_sub(1));
    let skip = if col <= WINDOW { 0 } else { skip };
    let mut out = String::new();
    let first = line_no.saturating_sub(2).max(1);
    for n in first..=line_no {
        let text = lines.get(n - 1).copied().unwrap_or("");
        out.push_str(&format!("{n:>width$} | {}\n", window(text, skip)));
    }
    let lead = usize::from(skip > 0);
    let caret_pad: String = target
        .chars()
        .skip(skip)
        .take(col - 1 - skip)
        .map(|c| match c {
            '\t' => "\t".to_string(),
            c => " ".repeat(shown(c).chars().count()),
        })
        .collect();
    out.push_str(&format!(
        "{:>width$} | {}{caret_pad}^",
        "",
        " ".repeat(lead)
    ));
    Some(out)
}

/// Characters of a source line shown in a snippet.
const WINDOW: usize = 160;

fn window(line: &str, skip: usize) -> String {
    let count = line.chars().count();
    let mut out = String::new();
    if skip > 0 {
        out.push('…');
    }
    out.extend(line.chars().skip(skip).take(WINDOW).map(shown));
    if count > skip + WINDOW {
        out.push('…');
    }
    out
}

/// A character as a snippet shows it: characters a reader cannot see (no-break and
/// zero-width spaces, direction marks, control characters other than tab) escaped as
/// `\u{a0}`, so the line on screen is the line in the file.
fn shown(c: char) -> String {
    let invisible = matches!(
        c,
        '\u{a0}' | '\u{ad}' | '\u{2007}' | '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202f}'
            | '\u{2060}'..='\u{2069}' | '\u{3000}' | '\u{feff}'
    );
    if invisible || (c.is_control() && c != '\t') {
        c.escape_unicode().to_string()
    } else {
        c.to_string()
    }
}

/// The closest candidate within edit distance 2, for "did you mean" hints.
pub(crate) fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (levenshtein(word, c), c))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippet_points_at_the_column() {
        let s = render_snippet("a: 1\nbb: 2\n", Span::new(2, 2)).unwrap_or_default();
        assert_eq!(s, "1 | a: 1\n2 | bb: 2\n  |  ^");
    }

    #[test]
    fn long_lines_are_cut_around_the_caret() {
        let line = "x".repeat(1000);
        let s = render_snippet(&line, Span::new(1, 500)).unwrap_or_default();
        let rows: Vec<&str> = s.lines().collect();
        assert!(rows[0].chars().count() < 200, "{s}");
        assert_eq!(
            rows[0].find('…').map(|_| ()),
            Some(()),
            "the cut is marked: {s}"
        );
        let caret = rows[1].chars().position(|c| c == '^');
        let first_x = rows[0].chars().position(|c| c == 'x');
        assert_eq!(
            caret.zip(first_x).map(|(c, x)| c - x),
            Some(499 - 420),
            "{s}"
        );
    }

    #[test]
    fn invisible_characters_are_shown_escaped_with_the_caret_after_them() {
        let s = render_snippet("a:\u{a0}\u{200b}b\n", Span::new(1, 5)).unwrap_or_default();
        assert_eq!(s, "1 | a:\\u{a0}\\u{200b}b\n  |                 ^");
    }

    #[test]
    fn snippet_is_none_for_unknown_lines() {
        assert!(render_snippet("a: 1\n", Span::new(9, 1)).is_none());
    }

    #[test]
    fn did_you_mean_finds_close_words_only() {
        assert_eq!(did_you_mean("stauts", ["status", "schema"]), Some("status"));
        assert_eq!(did_you_mean("zzzzzz", ["status", "schema"]), None);
    }
}

#[cfg(test)]
mod kept_tests {
    use super::*;

    #[test]
    fn an_error_keeps_kind_and_position_and_renders_its_snippet_when_shown() {
        let e = LoadError::new(Path::new("s.yaml"), Span::new(2, 2), "bad")
            .with_source("a: 1\nbb: 2\n")
            .with_kind(LoadErrorKind::Syntax);
        assert_eq!((e.kind, e.span), (LoadErrorKind::Syntax, Span::new(2, 2)));
        assert_eq!(
            e.to_string(),
            "s.yaml:2:2: error: bad\n1 | a: 1\n2 | bb: 2\n  |  ^"
        );
    }

    #[test]
    fn yaml_that_does_not_parse_is_a_syntax_error_and_a_missing_file_a_file_error() {
        let opts = crate::scenario::LoadOptions::default();
        let broken = crate::scenario::load_str(Path::new("s.yaml"), "name: [unclosed\n", &opts);
        assert_eq!(
            broken.map_err(|e| e.kind).err(),
            Some(LoadErrorKind::Syntax)
        );
        let missing = crate::scenario::load_file(Path::new("/no/such/file.yaml"), &opts);
        assert_eq!(missing.map_err(|e| e.kind).err(), Some(LoadErrorKind::File));
    }
}
