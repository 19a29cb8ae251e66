#![doc = include_str!("../README.md")]

pub mod byline;
pub mod html;
pub mod sections;
pub mod textpage;
pub mod wxr;

pub use byline::{Lead, parse_lead};
pub use textpage::{TextPage, TextPageError, parse_text_page};

/// Normalizes the whitespace of one line of captured text: non-breaking and
/// other Unicode spaces become plain spaces, runs collapse to one, and the
/// ends are trimmed.
pub fn clean_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split(|c: char| c.is_whitespace() || c == '\u{feff}' || c == '\u{200b}') {
        if word.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn clean_line_folds_odd_spaces() {
        assert_eq!(
            super::clean_line("\u{a0}date\u{a0}2025-11-25 \u{2009} x\t"),
            "date 2025-11-25 x"
        );
        assert_eq!(super::clean_line("\u{a0}\u{200b}"), "");
    }
}
