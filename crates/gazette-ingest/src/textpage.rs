//! Plain-text captures of article pages, as `gazette import text` reads them.
//!
//! A capture holds, one element per line (blank lines between blocks):
//!
//! ```text
//!  date 2025-11-25   TOP STORIES WEEK   48      header: edition date, week
//! Related headline                              zero or more related headlines
//! Armenia & KarabakhInternational               section names, run together
//!
//! The Headline                                  headline
//!
//! by                                            "by" and the posting account
//! The Armenian Mirror-Spectator
//! 62                                            views
//! 0                                             comments
//!
//! By Shoghik Galstian                           byline (optional)
//!
//! YEREVAN (Azatutyun) — First paragraph ...     dateline (optional) and body
//! ...
//! The Armenian Mirror-Spectator                 publication footer (optional)
//! ```

use jiff::{civil::Date, tz::TimeZone};

use gazette_domain::{ArticleInput, ArticleStatus, IsoWeek};

use crate::{Lead, clean_line, html, parse_lead, sections::split_sections};

/// An article page read from a capture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextPage {
    /// The edition date: the article's publication date on the newsroom's clock.
    pub date: Date,
    /// The week number the header's top-stories strip showed.
    pub top_stories_week: i8,
    pub related_headlines: Vec<String>,
    pub sections: Vec<String>,
    pub headline: String,
    /// The posting account after "by".
    pub account: String,
    pub views: u64,
    pub comments: u64,
    pub lead: Lead,
    pub footer: Option<String>,
}

/// Why a capture could not be read: the line (1-based) and what was expected
/// there. Nothing of a file with an error is imported.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: expected {expected}, found {found}")]
pub struct TextPageError {
    pub line: usize,
    pub expected: String,
    pub found: String,
}

/// A line of the capture with its 1-based number.
#[derive(Clone)]
struct Line {
    no: usize,
    text: String,
}

struct Lines {
    lines: Vec<Line>,
    pos: usize,
    last_no: usize,
}

impl Lines {
    fn new(text: &str) -> Self {
        let lines: Vec<Line> = text
            .lines()
            .enumerate()
            .map(|(i, l)| Line {
                no: i + 1,
                text: clean_line(l),
            })
            .collect();
        let last_no = lines.len();
        Lines {
            lines,
            pos: 0,
            last_no,
        }
    }

    fn skip_blank(&mut self) {
        while self.lines.get(self.pos).is_some_and(|l| l.text.is_empty()) {
            self.pos += 1;
        }
    }

    fn peek(&self) -> Option<&Line> {
        self.lines.get(self.pos)
    }

    /// The next non-blank line, or an error naming what was expected.
    fn expect(&mut self, expected: &str) -> Result<Line, TextPageError> {
        self.skip_blank();
        let last_no = self.last_no;
        match self.lines.get(self.pos) {
            Some(_) => {
                self.pos += 1;
                Ok(self.lines[self.pos - 1].clone())
            }
            None => Err(TextPageError {
                line: last_no + 1,
                expected: expected.to_owned(),
                found: "the end of the file".into(),
            }),
        }
    }

    /// The non-blank lines up to the next blank line.
    fn block(&mut self) -> Vec<&Line> {
        self.skip_blank();
        let start = self.pos;
        while self.lines.get(self.pos).is_some_and(|l| !l.text.is_empty()) {
            self.pos += 1;
        }
        self.lines[start..self.pos].iter().collect()
    }
}

fn err(line: &Line, expected: &str) -> TextPageError {
    TextPageError {
        line: line.no,
        expected: expected.to_owned(),
        found: quote(&line.text),
    }
}

fn quote(s: &str) -> String {
    const MAX: usize = 60;
    match s.char_indices().nth(MAX) {
        Some((i, _)) => format!("`{}…`", &s[..i]),
        None => format!("`{s}`"),
    }
}

const HEADER: &str = "the header `date YYYY-MM-DD … TOP STORIES WEEK … N`";

/// Reads a capture. `known_sections` are the newsroom's section names, used
/// to split the run-together section line.
pub fn parse_text_page<S: AsRef<str>>(
    text: &str,
    known_sections: &[S],
) -> Result<TextPage, TextPageError> {
    let mut lines = Lines::new(text);

    let header = lines.expect(HEADER)?;
    let (date, top_stories_week) =
        parse_header(&header.text).ok_or_else(|| err(&header, HEADER))?;

    // Related headlines, then the section names on the block's last line.
    // A lone long line is a related headline with no sections after it.
    let block = lines.block();
    let Some(last) = block.last() else {
        return Err(TextPageError {
            line: lines.last_no + 1,
            expected: "the related headline and section names".into(),
            found: "the end of the file".into(),
        });
    };
    let lone_headline = block.len() == 1 && last.text.split_whitespace().count() > 8;
    let (related, sections_line) = if lone_headline {
        (&block[..], None)
    } else {
        (&block[..block.len() - 1], Some(last.text.as_str()))
    };
    let related_headlines = related.iter().map(|l| l.text.clone()).collect();
    let sections = sections_line
        .map(|s| split_sections(s, known_sections))
        .unwrap_or_default();

    let headline_block = lines.block();
    let Some(first) = headline_block.first() else {
        return Err(TextPageError {
            line: lines.last_no + 1,
            expected: "the headline".into(),
            found: "the end of the file".into(),
        });
    };
    if first.text.eq_ignore_ascii_case("by") {
        return Err(err(first, "the headline before `by`"));
    }
    let headline = headline_block
        .iter()
        .map(|l| l.text.as_str())
        .collect::<Vec<_>>()
        .join(" ");

    // "by" and the posting account, on one line or two.
    let by = lines.expect("`by` and the posting account")?;
    let account = if by.text.eq_ignore_ascii_case("by") {
        lines.expect("the posting account after `by`")?.text.clone()
    } else if let Some(rest) = by.text.strip_prefix("by ") {
        rest.trim().to_owned()
    } else {
        return Err(err(&by, "`by` and the posting account"));
    };
    if account.is_empty() {
        return Err(err(&by, "the posting account after `by`"));
    }

    const VIEWS: &str = "the view count (a whole number up to 9223372036854775807)";
    const COMMENTS: &str = "the comment count (a whole number up to 9223372036854775807)";
    let views_line = lines.expect(VIEWS)?;
    let views = parse_count(&views_line.text).ok_or_else(|| err(&views_line, VIEWS))?;
    let comments_line = lines.expect(COMMENTS)?;
    let comments = parse_count(&comments_line.text).ok_or_else(|| err(&comments_line, COMMENTS))?;

    let mut paras: Vec<String> = Vec::new();
    let body_start = lines.peek().map_or(lines.last_no + 1, |l| l.no);
    while let Some(l) = lines.peek() {
        if !l.text.is_empty() {
            paras.push(l.text.clone());
        }
        lines.pos += 1;
    }

    let footer = match paras.last() {
        Some(last) if paras.len() > 1 && is_footer(last, &account) => paras.pop(),
        _ => None,
    };
    let lead = parse_lead(&paras);
    if lead.body.is_empty() {
        return Err(TextPageError {
            line: body_start,
            expected: "the story's body after the view and comment counts".into(),
            found: if paras.is_empty() {
                "the end of the file".into()
            } else {
                "only a byline or dateline".into()
            },
        });
    }

    Ok(TextPage {
        date,
        top_stories_week,
        related_headlines,
        sections,
        headline,
        account,
        views,
        comments,
        lead,
        footer,
    })
}

/// `date 2025-11-25 TOP STORIES WEEK 48` (spacing already normalized).
fn parse_header(line: &str) -> Option<(Date, i8)> {
    let mut words = line.split(' ');
    if !words.next()?.eq_ignore_ascii_case("date") {
        return None;
    }
    let date: Date = words.next()?.parse().ok()?;
    let rest: Vec<&str> = words.collect();
    let upper = rest.join(" ").to_ascii_uppercase();
    let week_text = upper.strip_prefix("TOP STORIES WEEK")?.trim();
    let week: i8 = week_text.parse().ok()?;
    (1..=53).contains(&week).then_some((date, week))
}

/// "62", "1,234", "1 234".
/// A count as printed ("1,204"). Counts a database can hold only: at most
/// `i64::MAX`, so that nothing is stored wrapped round to a negative.
fn parse_count(s: &str) -> Option<u64> {
    let digits: String = s.chars().filter(|c| !matches!(c, ',' | ' ')).collect();
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits
        .parse::<u64>()
        .ok()
        .filter(|n| i64::try_from(*n).is_ok())
}

/// The publication line closing a capture: the posting account's name, or
/// a short line that does not read as a sentence.
fn is_footer(line: &str, account: &str) -> bool {
    if line.eq_ignore_ascii_case(account) {
        return true;
    }
    let ends_sentence = line.ends_with(['.', '!', '?', '"', '”', '’', ':', ')']);
    line.split_whitespace().count() <= 6 && !ends_sentence
}

impl TextPage {
    /// The article this page describes, published at 00:00 of its edition
    /// date in the newsroom's time zone. `import_key` keeps re-imports of the
    /// same capture on the same article.
    pub fn into_article(
        self,
        import_key: String,
        tz: &TimeZone,
        language: &str,
    ) -> Result<ArticleInput, TextPageError> {
        let published_at = self
            .date
            .to_zoned_datetime(tz.clone())
            .map_err(|e| TextPageError {
                line: 1,
                expected: "an edition date that exists in the newsroom's time zone".into(),
                found: e.to_string(),
            })?;
        Ok(ArticleInput {
            import_key: Some(import_key),
            slug: None,
            headline: self.headline,
            standfirst: None,
            body_html: html::paragraphs(&self.lead.body),
            language: language.to_owned(),
            status: ArticleStatus::Published,
            kind: gazette_domain::ArticleKind::Story,
            pinned: false,
            published_at: Some(published_at),
            sections: self.sections,
            tags: Vec::new(),
            contributors: self.lead.contributors,
            credit: self.lead.credit,
            posting_account: Some(self.account),
            dateline_place: self.lead.place,
            sources: self
                .lead
                .sources
                .into_iter()
                .map(gazette_domain::SourceInput::named)
                .collect(),
            related_headlines: self.related_headlines,
            footer: self.footer,
            canonical_url: None,
            legacy_views: self.views,
            legacy_comments: self.comments,
        })
    }

    /// The ISO week of the edition date (none for dates outside the
    /// years a week can have).
    pub fn week(&self) -> Option<IsoWeek> {
        IsoWeek::of_date(self.date).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A capture in the seed's shape, written for these tests.
    const PAGE: &str = "\u{a0}date 2025-03-04 \u{a0} TOP STORIES WEEK \u{a0} 10\n\u{a0}\n\n\
Ferry timetable changes for spring\n\
Local NewsHarbour & Coast\n\n\
Council Approves New Harbour Wall\n\n\
by\nThe Meridian Desk\n1,204\n3\n\n\
By Ani Hakobyan\n\n\
PORT ELLIS (Meridian Wire) — The council voted 7 to 2 on Monday.\n\n\
Work begins in May.\n\n\
The Meridian Courier\n";

    #[test]
    fn reads_every_element() {
        let p = parse_text_page::<&str>(PAGE, &[]).unwrap();
        assert_eq!(p.date.to_string(), "2025-03-04");
        assert_eq!(p.top_stories_week, 10);
        assert_eq!(p.related_headlines, ["Ferry timetable changes for spring"]);
        assert_eq!(p.sections, ["Local News", "Harbour & Coast"]);
        assert_eq!(p.headline, "Council Approves New Harbour Wall");
        assert_eq!(p.account, "The Meridian Desk");
        assert_eq!((p.views, p.comments), (1204, 3));
        assert_eq!(parse_count("9223372036854775807"), Some(i64::MAX as u64));
        assert_eq!(parse_count("9223372036854775808"), None, "above i64::MAX");
        assert_eq!(parse_count("18446744073709551616"), None);
        assert_eq!(p.lead.contributors, ["Ani Hakobyan"]);
        assert_eq!(p.lead.place.as_deref(), Some("PORT ELLIS"));
        assert_eq!(p.lead.sources, ["Meridian Wire"]);
        assert_eq!(
            p.lead.body,
            ["The council voted 7 to 2 on Monday.", "Work begins in May."]
        );
        assert_eq!(p.footer.as_deref(), Some("The Meridian Courier"));
        assert_eq!(p.week().unwrap().to_string(), "2025-W10");
    }

    #[test]
    fn known_sections_guide_the_split() {
        let p = parse_text_page(PAGE, &["Harbour & Coast", "Local News"]).unwrap();
        assert_eq!(p.sections, ["Local News", "Harbour & Coast"]);
    }

    #[test]
    fn into_article_uses_the_newsroom_clock() {
        let p = parse_text_page::<&str>(PAGE, &[]).unwrap();
        let tz = TimeZone::get("America/New_York").unwrap();
        let a = p.into_article("text:x".into(), &tz, "en").unwrap();
        assert_eq!(
            a.published_at.clone().unwrap().to_string(),
            "2025-03-04T00:00:00-05:00[America/New_York]"
        );
        assert_eq!((a.legacy_views, a.legacy_comments), (1204, 3));
        assert_eq!(
            a.body_html,
            "<p>The council voted 7 to 2 on Monday.</p>\n<p>Work begins in May.</p>\n"
        );
        assert_eq!(a.posting_account.as_deref(), Some("The Meridian Desk"));
        a.validate().unwrap();
    }

    #[test]
    fn last_sentence_is_not_taken_for_a_footer() {
        let page = PAGE.replace("\nThe Meridian Courier\n", "\n");
        let p = parse_text_page::<&str>(&page, &[]).unwrap();
        assert_eq!(p.footer, None);
        assert_eq!(p.lead.body.last().unwrap(), "Work begins in May.");
    }

    #[test]
    fn no_byline_and_no_dateline_invent_nothing() {
        let page = PAGE
            .replace("By Ani Hakobyan\n\n", "")
            .replace("PORT ELLIS (Meridian Wire) — ", "");
        let p = parse_text_page::<&str>(&page, &[]).unwrap();
        assert!(p.lead.contributors.is_empty());
        assert_eq!(p.lead.place, None);
        assert!(p.lead.sources.is_empty());
        assert_eq!(p.lead.body[0], "The council voted 7 to 2 on Monday.");
    }

    fn error_of(page: &str) -> TextPageError {
        parse_text_page::<&str>(page, &[]).unwrap_err()
    }

    #[test]
    fn bad_header_names_line_and_form() {
        let e = error_of(&PAGE.replace("date 2025-03-04", "date 2025-13-04"));
        assert_eq!(e.line, 1);
        assert!(e.expected.contains("date YYYY-MM-DD"), "{e}");
        let e = error_of("just some text\n");
        assert_eq!((e.line, e.found.as_str()), (1, "`just some text`"));
    }

    #[test]
    fn bad_counts_name_their_line() {
        let e = error_of(&PAGE.replace("1,204", "many"));
        assert_eq!(e.line, 11);
        assert!(e.expected.contains("view count"), "{e}");
        let e = error_of(&PAGE.replace("\n3\n", "\nthree\n"));
        assert_eq!(e.line, 12);
        assert!(e.expected.contains("comment count"), "{e}");
    }

    #[test]
    fn missing_by_is_reported() {
        let e = error_of(&PAGE.replace("by\nThe Meridian Desk\n", "The Meridian Desk\n"));
        assert_eq!(e.line, 9);
        assert!(e.expected.contains("`by`"), "{e}");
    }

    #[test]
    fn truncated_file_says_what_is_missing() {
        let cut = PAGE.split("by\n").next().unwrap();
        let e = error_of(cut);
        assert!(e.found.contains("end of the file"), "{e}");
        assert!(e.expected.contains("by"), "{e}");
        let e = error_of(&PAGE[..PAGE.find("\n\nBy Ani").unwrap()]);
        assert!(e.expected.contains("body"), "{e}");
    }

    #[test]
    fn empty_file_is_an_error() {
        let e = error_of("");
        assert_eq!(e.line, 1);
        assert!(e.expected.contains("header"));
    }
}
