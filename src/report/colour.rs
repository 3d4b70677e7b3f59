//! Colour on a terminal, none when piped: `--color auto|always|never` and `NO_COLOR`.
//!
//! Colour is added to console text only, after it is rendered: JUnit, JSON and HTML
//! reuse the same rendering and must stay plain.

use std::io::IsTerminal as _;

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ColorChoice {
    /// Colour when the output is a terminal, `NO_COLOR` is unset or empty, and `TERM`
    /// is not `dumb`.
    #[default]
    Auto,
    /// Always (also overrides `NO_COLOR`: the flag is the more specific wish).
    Always,
    Never,
}

/// What the console paints; [`Palette::plain`] paints nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Palette {
    on: bool,
}

#[derive(Debug, Clone, Copy)]
pub enum Style {
    Pass,
    Fail,
    Skip,
    Warn,
    Dim,
    Bold,
}

impl Style {
    fn code(self) -> &'static str {
        match self {
            Style::Pass => "1;32",
            Style::Fail => "1;31",
            Style::Skip => "33",
            Style::Warn => "33",
            Style::Dim => "2",
            Style::Bold => "1",
        }
    }
}

impl Palette {
    pub fn plain() -> Palette {
        Palette { on: false }
    }

    pub fn is_on(self) -> bool {
        self.on
    }

    /// The decision, from what is known about the stream and the environment.
    pub fn decide(
        choice: ColorChoice,
        is_terminal: bool,
        no_color: Option<&str>,
        term: Option<&str>,
    ) -> Palette {
        let on = match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                is_terminal && no_color.is_none_or(str::is_empty) && term != Some("dumb")
            }
        };
        Palette { on }
    }

    /// For text the console writes (stdout, or stderr once a report took stdout).
    pub fn for_console(choice: ColorChoice) -> Palette {
        let is_terminal = if super::console::stdout_taken() {
            std::io::stderr().is_terminal()
        } else {
            std::io::stdout().is_terminal()
        };
        Palette::decide(
            choice,
            is_terminal,
            std::env::var("NO_COLOR").ok().as_deref(),
            std::env::var("TERM").ok().as_deref(),
        )
    }

    pub fn paint(self, style: Style, text: &str) -> String {
        if self.on && !text.is_empty() {
            format!("\x1b[{}m{text}\x1b[0m", style.code())
        } else {
            text.to_string()
        }
    }

    /// A scenario's console block: the PASS/FAIL/SKIP word, warnings and what was left
    /// behind.
    pub fn outcome(self, text: &str) -> String {
        if !self.on {
            return text.to_string();
        }
        let mut out = String::with_capacity(text.len() + 32);
        for line in text.split_inclusive('\n') {
            let (body, nl) = match line.strip_suffix('\n') {
                Some(b) => (b, "\n"),
                None => (line, ""),
            };
            let painted = if let Some(rest) = body.strip_prefix("PASS") {
                format!("{}{rest}", self.paint(Style::Pass, "PASS"))
            } else if let Some(rest) = body.strip_prefix("FAIL") {
                format!("{}{rest}", self.paint(Style::Fail, "FAIL"))
            } else if let Some(rest) = body.strip_prefix("SKIP") {
                format!("{}{rest}", self.paint(Style::Skip, "SKIP"))
            } else if body.trim_start().starts_with("LEFT BEHIND") {
                self.paint(Style::Fail, body)
            } else if body.trim_start().starts_with("warning:") {
                self.paint(Style::Warn, body)
            } else {
                body.to_string()
            };
            out.push_str(&painted);
            out.push_str(nl);
        }
        out
    }

    /// `N passed, N failed, N skipped` with each count in its colour (a zero stays plain).
    pub fn totals(self, t: &super::Totals) -> String {
        let part = |n: usize, word: &str, style: Style| {
            let s = format!("{n} {word}");
            if n == 0 { s } else { self.paint(style, &s) }
        };
        format!(
            "{}, {}, {}",
            part(t.passed, "passed", Style::Pass),
            part(t.failed, "failed", Style::Fail),
            part(t.skipped, "skipped", Style::Skip)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_colours_a_terminal_only() {
        assert!(Palette::decide(ColorChoice::Auto, true, None, Some("xterm")).is_on());
        assert!(!Palette::decide(ColorChoice::Auto, false, None, Some("xterm")).is_on());
    }

    #[test]
    fn no_color_and_a_dumb_terminal_switch_auto_off() {
        assert!(!Palette::decide(ColorChoice::Auto, true, Some("1"), None).is_on());
        assert!(Palette::decide(ColorChoice::Auto, true, Some(""), None).is_on());
        assert!(!Palette::decide(ColorChoice::Auto, true, None, Some("dumb")).is_on());
    }

    #[test]
    fn always_and_never_win() {
        assert!(Palette::decide(ColorChoice::Always, false, Some("1"), Some("dumb")).is_on());
        assert!(!Palette::decide(ColorChoice::Never, true, None, None).is_on());
    }

    #[test]
    fn the_outcome_word_is_painted_and_the_rest_kept() {
        let p = Palette { on: true };
        let text = "FAIL  scenario::x  (1 step, 2 ms)\n    warning: w\nPASS  scenario::y\n";
        let out = p.outcome(text);
        assert!(
            out.starts_with("\x1b[1;31mFAIL\x1b[0m  scenario::x"),
            "{out:?}"
        );
        assert!(out.contains("\x1b[33m    warning: w\x1b[0m\n"), "{out:?}");
        assert!(
            out.contains("\x1b[1;32mPASS\x1b[0m  scenario::y\n"),
            "{out:?}"
        );
        assert_eq!(Palette::plain().outcome(text), text);
    }
}
