//! Readable diffs in insta's layout (old and new line numbers, `-`/`+` markers, four
//! lines of context), as text: reports, JUnit and `tgconform review` print it.
//! No colours, so the text reads the same in a terminal, a CI log and a file.

use std::fmt::Write as _;
use std::time::Duration;

use similar::{Algorithm, ChangeTag, TextDiff};

const WIDTH: usize = 72;

/// The diff of two snapshot bodies; `old` is `None` for a snapshot never recorded.
pub fn render(old: Option<&str>, new: &str, old_hint: &str, new_hint: &str) -> String {
    let mut out = String::new();
    let old_text = old.unwrap_or("");
    if old.is_some() {
        let _ = writeln!(out, "-{old_hint}");
    }
    let _ = writeln!(out, "+{new_hint}");
    let _ = writeln!(out, "────────────┬{}", "─".repeat(WIDTH - 13));
    let diff = TextDiff::configure()
        .algorithm(Algorithm::Patience)
        .timeout(Duration::from_millis(500))
        .diff_lines(old_text, new);
    for (idx, group) in diff.grouped_ops(4).iter().enumerate() {
        if idx > 0 {
            let _ = writeln!(out, "┈┈┈┈┈┈┈┈┈┈┈┈┼{}", "┈".repeat(WIDTH - 13));
        }
        for op in group {
            for change in diff.iter_changes(op) {
                let line = change.value().trim_end_matches(['\n', '\r']);
                let _ = match change.tag() {
                    ChangeTag::Insert => writeln!(
                        out,
                        "{:>5} {:>5} │+{line}",
                        "",
                        change.new_index().map_or(0, |i| i + 1)
                    ),
                    ChangeTag::Delete => writeln!(
                        out,
                        "{:>5} {:>5} │-{line}",
                        change.old_index().map_or(0, |i| i + 1),
                        ""
                    ),
                    ChangeTag::Equal => writeln!(
                        out,
                        "{:>5} {:>5} │ {line}",
                        change.old_index().map_or(0, |i| i + 1),
                        change.new_index().map_or(0, |i| i + 1)
                    ),
                };
            }
        }
    }
    let _ = writeln!(out, "────────────┴{}", "─".repeat(WIDTH - 13));
    // The bodies quote what a target sent: no control characters reach a terminal.
    crate::judge::printable(&out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_line_shows_old_and_new_with_line_numbers() {
        let d = render(
            Some("a\nb\nc\n"),
            "a\nB\nc\n",
            "old snapshot",
            "new results",
        );
        let expected = "\
-old snapshot
+new results
────────────┬───────────────────────────────────────────────────────────
    1     1 │ a
    2       │-b
          2 │+B
    3     3 │ c
────────────┴───────────────────────────────────────────────────────────
";
        assert_eq!(d, expected);
    }

    #[test]
    fn a_new_snapshot_is_all_additions() {
        let d = render(None, "x\n", "old", "new results");
        assert!(d.starts_with("+new results\n"), "{d}");
        assert!(d.contains("    1 │+x"), "{d}");
    }

    #[test]
    fn distant_changes_are_separate_hunks() {
        let old: String = (0..30).map(|i| format!("{i}\n")).collect();
        let new: String = (0..30)
            .map(|i| match i {
                2 => "two\n".to_string(),
                27 => "twenty-seven\n".to_string(),
                i => format!("{i}\n"),
            })
            .collect();
        let d = render(Some(&old), &new, "o", "n");
        assert!(d.contains("┈┈┈┈┼"), "{d}");
        assert!(
            !d.contains("│ 14\n"),
            "unchanged middle lines are left out: {d}"
        );
    }

    #[test]
    fn control_characters_are_escaped() {
        let d = render(Some("a\n"), "\u{1b}[2Ja\n", "o", "n");
        assert!(!d.contains('\u{1b}'), "{d}");
    }
}
