use std::sync::Arc;

use super::Masker;
use crate::endpoint::TokenCache;
use crate::engine::{Event, ReportError, Reporter};
use crate::runner::{ScenarioOutcome, Status};
use crate::scenario::{LoadError, Span};

/// GitHub Actions annotations, printed when the run is over. Keeps failed outcomes.
pub struct AnnotationsReporter {
    tokens: TokenCache,
    failed: Vec<Arc<ScenarioOutcome>>,
}

impl AnnotationsReporter {
    pub fn new(tokens: TokenCache) -> Self {
        AnnotationsReporter {
            tokens,
            failed: Vec::new(),
        }
    }
}

impl Reporter for AnnotationsReporter {
    fn write_event(&mut self, event: &Event<'_>) -> Result<(), ReportError> {
        match event {
            Event::ScenarioFinished { outcome, .. } if outcome.failed() => {
                self.failed.push(Arc::clone(outcome));
            }
            Event::RunFinished(_) => {
                self.failed.sort_by(|a, b| a.stem.cmp(&b.stem));
                let masker = Masker::new(self.tokens.secrets());
                super::out(&annotations(&self.failed, &masker));
            }
            _ => {}
        }
        Ok(())
    }
}

/// GitHub Actions workflow commands: one `::error` per finding, at the scenario line.
pub fn annotations(outcomes: &[Arc<ScenarioOutcome>], masker: &Masker) -> String {
    let mut out = String::new();
    for o in outcomes.iter().filter(|o| o.failed()) {
        for s in o.steps.iter().filter(|s| s.status == Status::Failed) {
            for f in &s.failures {
                let msg = format!("step `{}`: {f}", s.name);
                out.push_str(&error_command(
                    &o.path.display().to_string(),
                    f.span,
                    &format!("scenario::{}", o.stem),
                    &masker.mask(&msg),
                ));
            }
        }
    }
    out
}

/// The annotation of a scenario file that does not load (the run exits 2).
pub fn load_error_annotation(e: &LoadError) -> String {
    let mut msg = e.message.clone();
    if let Some(h) = &e.hint {
        msg.push_str(&format!("\nhint: {h}"));
    }
    if let Some(n) = &e.note {
        msg.push_str(&format!("\nnote: {n}"));
    }
    error_command(
        &e.path.display().to_string(),
        e.span,
        "tgconform: scenario file error",
        &msg,
    )
}

/// `::error file=…,line=…,col=…,title=…::message`. The runner ends the properties at
/// the first `::` and splits them at `,` and `=`, so every property escapes `:` and
/// `,` as well as `%` and line breaks (as `@actions/core` does).
fn error_command(file: &str, span: Span, title: &str, message: &str) -> String {
    format!(
        "::error file={},line={},col={},title={}::{}\n",
        escape_prop(file),
        span.line.max(1),
        span.column.max(1),
        escape_prop(title),
        escape_data(message)
    )
}

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_prop(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    type Props = Vec<(String, String)>;

    /// What the Actions runner makes of a workflow command line (its `TryParseV2`):
    /// (command, properties, message), unescaped.
    fn parse(line: &str) -> Option<(String, Props, String)> {
        let rest = line.strip_prefix("::")?;
        let end = rest.find("::")?;
        let (head, message) = (&rest[..end], &rest[end + 2..]);
        let (command, props) = head.split_once(' ').unwrap_or((head, ""));
        let unescape_data = |s: &str| {
            s.replace("%0D", "\r")
                .replace("%0A", "\n")
                .replace("%25", "%")
        };
        let unescape_prop = |s: &str| unescape_data(&s.replace("%3A", ":").replace("%2C", ","));
        let props = props
            .split(',')
            .filter(|p| !p.is_empty())
            .filter_map(|p| p.split_once('='))
            .map(|(k, v)| (k.to_string(), unescape_prop(v)))
            .collect();
        Some((command.to_string(), props, unescape_data(message)))
    }

    #[test]
    fn titles_files_and_messages_with_colons_commas_percents_and_newlines_survive_the_runner() {
        let title = "scenario::a:b,c%d";
        let message = "expected `a::b`, got 50% of it:\nline two\r\nend";
        let file = "scenarios/we,ird:name%.yaml";
        let line = error_command(file, Span::new(7, 3), title, message);
        assert_eq!(line.matches('\n').count(), 1, "one line: {line:?}");
        let (command, props, got) = parse(line.trim_end_matches('\n')).unwrap_or_default();
        assert_eq!(command, "error");
        assert_eq!(
            props,
            vec![
                ("file".to_string(), file.to_string()),
                ("line".to_string(), "7".to_string()),
                ("col".to_string(), "3".to_string()),
                ("title".to_string(), title.to_string()),
            ]
        );
        assert_eq!(got, message);
    }

    #[test]
    fn load_errors_are_annotated_at_their_position_with_the_hint() {
        let e = LoadError::new(
            std::path::Path::new("scenarios/x.yaml"),
            Span::new(9, 5),
            "unknown field `expcet`",
        )
        .with_hint("did you mean `expect`?");
        let (_, props, message) = parse(load_error_annotation(&e).trim_end()).unwrap_or_default();
        assert!(
            props.contains(&("line".to_string(), "9".to_string())),
            "{props:?}"
        );
        assert!(props.contains(&("file".to_string(), "scenarios/x.yaml".to_string())));
        assert_eq!(
            message,
            "unknown field `expcet`\nhint: did you mean `expect`?"
        );
    }
}
