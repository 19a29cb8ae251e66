//! The byline, credit and dateline at the head of a story.
//!
//! Every importer hands the first paragraphs of a story to [`parse_lead`],
//! which takes off what is not body text:
//!
//! ```text
//! By Florence Avakian Special to the Mirror-Spectator NEW YORK — The ...
//! └ contributors ───┘ └ credit ────────────────────┘ └place─┘   └ body
//!
//! WIJK AAN ZEE, Holland (Armenpress and Azatutyun) – The ...
//! └ place ────────────┘  └ sources ──────────────┘     └ body
//! ```
//!
//! The parser is conservative: when the head of a story does not clearly
//! read as a byline or a dateline it is left in the body. Nothing is
//! invented, so a story with neither comes back unchanged.

use crate::clean_line;

/// What [`parse_lead`] found at the head of a story.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lead {
    /// Writers named in the byline, in order.
    pub contributors: Vec<String>,
    /// A credit such as "Special to the Mirror-Spectator".
    pub credit: Option<String>,
    /// The dateline's place as printed ("YEREVAN", "WIJK AAN ZEE, Holland").
    pub place: Option<String>,
    /// Wire or partner sources named in the dateline, in order.
    pub sources: Vec<String>,
    /// The story's paragraphs with the byline and dateline taken off.
    pub body: Vec<String>,
}

/// Splits the byline, credit and dateline off the first paragraphs of a
/// story. `paragraphs` are the story's paragraphs in order; whitespace in
/// them is normalized.
pub fn parse_lead<S: AsRef<str>>(paragraphs: &[S]) -> Lead {
    let mut paras: Vec<String> = paragraphs
        .iter()
        .map(|p| clean_line(p.as_ref()))
        .filter(|p| !p.is_empty())
        .collect();
    let mut lead = Lead::default();

    // 1. A byline paragraph, possibly running into the credit and dateline.
    if let Some(first) = paras.first()
        && let Some(after_by) = strip_by(first)
    {
        let (byline_text, dateline) = match find_dateline_in_byline(after_by) {
            Some((byline_text, dl)) => (byline_text, Some(dl)),
            None => (after_by.to_owned(), None),
        };
        if let Some((names, credit)) = parse_byline(&byline_text) {
            lead.contributors = names;
            lead.credit = credit;
            paras.remove(0);
            if let Some(dl) = dateline {
                lead.place = dl.place;
                lead.sources = dl.sources;
                if !dl.rest.is_empty() {
                    paras.insert(0, dl.rest);
                }
            }
        }
    }

    // 1b. A byline that runs straight into the first sentence, with no
    // dateline: "By Ani Petrosyan Last spring the council voted ...".
    if lead.contributors.is_empty()
        && lead.credit.is_none()
        && let Some(first) = paras.first()
        && let Some(after_by) = strip_by(first)
        && let Some((name, rest)) = run_on_byline(after_by)
    {
        lead.contributors = vec![name];
        paras[0] = rest;
    }

    // 2. A credit on its own line after the byline.
    if lead.credit.is_none()
        && let Some(first) = paras.first()
        && is_credit_line(first)
    {
        lead.credit = Some(trim_punct(first).to_owned());
        paras.remove(0);
    }

    // 3. The dateline opening the first body paragraph.
    if lead.place.is_none()
        && lead.sources.is_empty()
        && let Some(first) = paras.first()
        && let Some(dl) = parse_dateline(first)
    {
        lead.place = dl.place;
        lead.sources = dl.sources;
        if dl.rest.is_empty() {
            paras.remove(0);
        } else {
            paras[0] = dl.rest;
        }
    }

    lead.body = paras;
    lead
}

/// A dateline found at the start of a paragraph.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Dateline {
    place: Option<String>,
    sources: Vec<String>,
    /// The paragraph's text after the dash.
    rest: String,
}

/// The longest prefix, in characters, that can hold a dateline (and, in a
/// run-together line, the byline and credit before it).
const MAX_LEAD_CHARS: usize = 200;

/// Finds the dash that closes a dateline: an em or en dash (spaced or not),
/// or a spaced hyphen or double hyphen. Returns the text before it and the
/// byte offset just after it.
fn find_dash(text: &str) -> Option<(&str, usize)> {
    let mut prev_space = false;
    for (i, c) in text.char_indices() {
        if i > MAX_LEAD_CHARS {
            return None;
        }
        match c {
            '—' | '–' | '―' => return Some((&text[..i], i + c.len_utf8())),
            '-' if prev_space => {
                let after = &text[i + 1..];
                if after.starts_with(' ') {
                    return Some((&text[..i], i + 1));
                }
                if let Some(a) = after.strip_prefix('-')
                    && (a.starts_with(' ') || a.is_empty())
                {
                    return Some((&text[..i], i + 2));
                }
            }
            // A dash straight after a closing parenthesis: "(AP)-"
            '-' if text[..i].ends_with(')') => return Some((&text[..i], i + 1)),
            _ => {}
        }
        prev_space = c == ' ';
    }
    None
}

/// Reads a paragraph that opens with a dateline: `PLACE (SOURCES) —`,
/// `PLACE —` or `(SOURCES) —`.
fn parse_dateline(text: &str) -> Option<Dateline> {
    let (head, after) = find_dash(text)?;
    let (place_text, sources) = split_sources(head.trim())?;
    let place = if place_text.is_empty() {
        None
    } else if is_place(place_text) || (!sources.is_empty() && is_titlecase_place(place_text)) {
        Some(place_text.trim_end_matches(',').to_owned())
    } else {
        return None;
    };
    if place.is_none() && sources.is_empty() {
        return None;
    }
    Some(Dateline {
        place,
        sources,
        rest: text[after..].trim().to_owned(),
    })
}

/// Splits `PLACE (A and B)` into the place text and the sources. Without a
/// closing parenthesis there are no sources. `None` when the parenthesis
/// does not hold source names.
fn split_sources(head: &str) -> Option<(&str, Vec<String>)> {
    let Some(inner_end) = head.strip_suffix(')') else {
        return Some((head, Vec::new()));
    };
    let open = inner_end.rfind('(')?;
    let inner = inner_end[open + 1..].trim();
    let place = inner_end[..open].trim();
    let mut sources = Vec::new();
    for part in split_list(inner) {
        if !is_source_name(&part) {
            return None;
        }
        sources.push(part);
    }
    if sources.is_empty() {
        return None;
    }
    Some((place, sources))
}

/// Splits "A, B and C" / "A & B" / "A; B" into names.
fn split_list(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    for chunk in s.split([',', ';']) {
        let mut rest = chunk.trim();
        loop {
            // ASCII lowering keeps every byte offset (full Unicode lowering
            // does not: the Kelvin sign shrinks, İ grows), and the
            // separators are ASCII.
            let lower = rest.to_ascii_lowercase();
            let cut = [" and ", " & "]
                .iter()
                .filter_map(|sep| lower.find(sep).map(|i| (i, sep.len())))
                .min();
            match cut {
                Some((i, len)) => {
                    push_name(&mut out, &rest[..i]);
                    rest = rest[i + len..].trim();
                }
                _ => {
                    push_name(&mut out, rest);
                    break;
                }
            }
        }
    }
    out
}

fn push_name(out: &mut Vec<String>, s: &str) {
    let s = s.trim();
    let s = s.strip_prefix("and ").unwrap_or(s).trim();
    if !s.is_empty() {
        out.push(s.to_owned());
    }
}

/// A wire or partner name: short, and starting with a capital or digit
/// ("Azatutyun", "Panorama.am", "RFE/RL", "news.am", "Combined Sources").
fn is_source_name(s: &str) -> bool {
    let words = s.split_whitespace().count();
    let first = s.chars().next();
    (1..=5).contains(&words)
        && first.is_some_and(|c| c.is_alphanumeric())
        && (first.is_some_and(|c| c.is_uppercase() || c.is_ascii_digit()) || looks_like_domain(s))
        && !s.ends_with('.')
}

fn looks_like_domain(s: &str) -> bool {
    !s.contains(' ')
        && s.contains('.')
        && s.rsplit('.').next().is_some_and(|tld| {
            (2..=6).contains(&tld.len()) && tld.chars().all(|c| c.is_ascii_alphabetic())
        })
}

/// A word printed in dateline capitals: it has letters and none of them is
/// lower case ("YEREVAN", "U.S.", "AAN", "ST.").
fn is_caps_word(w: &str) -> bool {
    let w = w.trim_end_matches(',');
    let mut letters = 0;
    for c in w.chars() {
        if c.is_lowercase() {
            return false;
        }
        if c.is_alphabetic() {
            letters += 1;
        } else if !matches!(c, '.' | '\'' | '’' | '-' | '/' | '&') {
            return false;
        }
    }
    letters >= 1
}

/// `YEREVAN`, `NEW YORK`, `WIJK AAN ZEE, Holland`, `BOSTON, Mass.`:
/// capitals, optionally followed by a comma and a short qualifier.
fn is_place(s: &str) -> bool {
    let (head, qualifier) = match s.split_once(',') {
        Some((h, q)) => (h.trim(), Some(q.trim())),
        None => (s.trim(), None),
    };
    let words: Vec<&str> = head.split_whitespace().collect();
    if words.is_empty() || words.len() > 6 || !words.iter().all(|w| is_caps_word(w)) {
        return false;
    }
    // At least one real word, not just an initial: "A —" is no dateline.
    if !words
        .iter()
        .any(|w| w.chars().filter(|c| c.is_alphabetic()).count() >= 2)
    {
        return false;
    }
    match qualifier {
        None => true,
        Some(q) => is_qualifier(q),
    }
}

/// "Holland", "Mass.", "N.J.", "Nov. 20", "Texas, USA".
fn is_qualifier(q: &str) -> bool {
    let words: Vec<&str> = q.split([' ', ',']).filter(|w| !w.is_empty()).collect();
    !words.is_empty()
        && words.len() <= 4
        && words.iter().all(|w| {
            w.chars()
                .next()
                .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
        })
}

/// "Yerevan", "New York": accepted as a place only when followed by sources
/// in parentheses, where a dateline is the only sensible reading.
fn is_titlecase_place(s: &str) -> bool {
    let head = s.split(',').next().unwrap_or(s);
    let words: Vec<&str> = head.split_whitespace().collect();
    !words.is_empty()
        && words.len() <= 3
        && words
            .iter()
            .all(|w| w.chars().next().is_some_and(char::is_uppercase))
        && (s == head || is_qualifier(&s[head.len() + 1..]))
}

/// "By ", "BY ", "By: " at the start of a paragraph.
fn strip_by(p: &str) -> Option<&str> {
    let rest = p
        .strip_prefix("By")
        .or_else(|| p.strip_prefix("BY"))
        .or_else(|| p.strip_prefix("by"))?;
    let rest = rest.strip_prefix(':').unwrap_or(rest);
    if !rest.starts_with(' ') {
        return None;
    }
    Some(rest.trim())
}

/// "Ani Petrosyan Last spring the council voted ...": a name of two to
/// four words, then a sentence, told apart by its capitalized first word
/// followed by a lower-case one. The sentence must be a real one (five
/// words or more); anything less clear stays in the body.
fn run_on_byline(text: &str) -> Option<(String, String)> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let upper = |w: &str| w.chars().next().is_some_and(char::is_uppercase);
    let lower = |w: &str| w.chars().next().is_some_and(char::is_lowercase);
    for k in 2..=4usize {
        if words.len() < k + 5 {
            return None;
        }
        let rest = &words[k..];
        if is_name(&words[..k])
            && upper(rest[0])
            && lower(rest[1])
            && rest[1..5].iter().filter(|w| lower(w)).count() >= 3
            && !words[..k]
                .iter()
                .any(|w| w.ends_with([',', '.', ';', ':']) && w.len() > 3)
        {
            return Some((fix_caps(&words[..k].join(" ")), rest.join(" ")));
        }
    }
    None
}

/// In a byline that runs into its dateline ("Florence Avakian Special to
/// the Mirror-Spectator NEW YORK — The ..."), finds where the place begins.
/// Returns the byline text before it and the dateline.
fn find_dateline_in_byline(text: &str) -> Option<(String, Dateline)> {
    let (head, after) = find_dash(text)?;
    let (before_sources, sources) = split_sources(head.trim())?;
    let words: Vec<&str> = before_sources.split_whitespace().collect();
    // The place is the longest run of words at the end that reads as one;
    // the byline needs at least one word before it.
    let mut place_start = None;
    for k in 1..words.len() {
        if is_place(&words[k..].join(" ")) && !is_caps_word(words[k - 1]) {
            place_start = Some(k);
            break;
        }
    }
    let (byline, place) = match place_start {
        Some(k) => (words[..k].join(" "), Some(words[k..].join(" "))),
        // "By Jane Doe (AP) —": sources but no place.
        None if !sources.is_empty() => (words.join(" "), None),
        None => return None,
    };
    Some((
        byline,
        Dateline {
            place: place.map(|p| p.trim_end_matches(',').to_owned()),
            sources,
            rest: text[after..].trim().to_owned(),
        },
    ))
}

/// Words that open a credit rather than continue a name.
const CREDIT_OPENERS: &[&str] = &["special", "staff", "for", "exclusive"];

/// Words that make a comma-separated byline part a credit
/// ("Mirror-Spectator Staff", "Associated Press Writer").
const CREDIT_WORDS: &[&str] = &[
    "staff",
    "writer",
    "correspondent",
    "editor",
    "reporter",
    "columnist",
    "contributor",
    "bureau",
    "special",
    "publisher",
    "news",
    "service",
];

/// Lower-case words that may stand inside a personal name.
const NAME_PARTICLES: &[&str] = &[
    "de", "da", "di", "du", "del", "della", "der", "den", "van", "von", "la", "le", "al", "el",
    "bin", "ibn", "ter", "y", "dos", "das",
];

/// Reads "Shoghik Galstian", "A, B and C", "Florence Avakian Special to the
/// Mirror-Spectator", "Aram Arkun, Mirror-Spectator Staff". `None` when the
/// text is not a byline ("By the end of the year, ...").
fn parse_byline(text: &str) -> Option<(Vec<String>, Option<String>)> {
    let text = trim_punct(text);
    if text.is_empty() {
        return None;
    }
    // "Special to/for ..." starts the credit. ASCII lowering keeps byte
    // offsets, so `i` is a position in `text` too.
    let lower = text.to_ascii_lowercase();
    let (names_text, mut credit) = match find_word(&lower, "special") {
        Some(i) => (
            text[..i].trim().trim_end_matches(',').trim(),
            Some(text[i..].trim().to_owned()),
        ),
        _ => (text, None),
    };
    let mut names = Vec::new();
    // Once a part reads as a credit ("Publisher"), what follows it belongs
    // to the credit too ("Publisher, The California Courier").
    let mut in_credit = false;
    for part in split_list(names_text) {
        if in_credit {
            if let Some(c) = credit.as_mut() {
                c.push_str(", ");
                c.push_str(&part);
            }
            continue;
        }
        let words: Vec<&str> = part.split_whitespace().collect();
        let is_credit = words
            .iter()
            .any(|w| CREDIT_WORDS.contains(&w.to_lowercase().trim_matches('.')));
        if is_credit && credit.is_none() {
            // "ARAM ARKUN Mirror-Spectator Staff": a name in capitals, then
            // the credit in ordinary case.
            let caps = words.iter().take_while(|w| is_caps_word(w)).count();
            if caps >= 2 && caps < words.len() && is_name(&words[..caps]) {
                names.push(fix_caps(&words[..caps].join(" ")));
                credit = Some(words[caps..].join(" "));
            } else if let Some(k) = name_then_credit(&words) {
                // "Maral Boyajian Mirror-Spectator Staff": a name, then the
                // credit with no comma between.
                names.push(fix_caps(&words[..k].join(" ")));
                credit = Some(words[k..].join(" "));
            } else {
                credit = Some(part.clone());
            }
            in_credit = true;
            continue;
        }
        if !is_name(&words) {
            return None;
        }
        names.push(fix_caps(&part));
    }
    if names.is_empty() && credit.is_none() {
        return None;
    }
    // "By Staff" alone is no name and no sentence either: keep it as credit.
    if let Some(c) = &credit
        && names.is_empty()
        && !c.split_whitespace().any(|w| {
            CREDIT_WORDS.contains(&w.to_lowercase().as_str())
                || CREDIT_OPENERS.contains(&w.to_lowercase().as_str())
        })
    {
        return None;
    }
    Some((names, credit))
}

/// The byte offset of `word` as a whole word in `haystack`, not at its start.
fn find_word(haystack: &str, word: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = haystack[from..].find(word) {
        let at = from + i;
        let before_ok = at > 0 && haystack[..at].ends_with(' ');
        let end = at + word.len();
        let after_ok = haystack[end..].starts_with(' ') || end == haystack.len();
        if before_ok && after_ok {
            return Some(at);
        }
        from = end;
    }
    None
}

/// A personal name: one to five words, each capitalized, an initial, or a
/// particle ("de", "van"), with a capitalized first and last word.
fn is_name(words: &[&str]) -> bool {
    if words.is_empty() || words.len() > 5 {
        return false;
    }
    let capitalized = |w: &str| w.chars().next().is_some_and(char::is_uppercase);
    let ok_word = |w: &&str| {
        capitalized(w) || NAME_PARTICLES.contains(w) || w.starts_with("al-") || w.starts_with("el-")
    };
    words.iter().all(ok_word)
        && capitalized(words[0])
        && capitalized(words[words.len() - 1])
        && words
            .iter()
            .all(|w| w.chars().all(|c| c.is_alphabetic() || ".'’-".contains(c)))
}

/// "ARAM ARKUN" -> "Aram Arkun"; names already in mixed case are kept.
fn fix_caps(name: &str) -> String {
    if name.chars().any(char::is_lowercase) {
        return name.to_owned();
    }
    let mut out = String::with_capacity(name.len());
    let mut start = true;
    for c in name.chars() {
        if start {
            out.extend(c.to_uppercase());
        } else {
            out.extend(c.to_lowercase());
        }
        start = !c.is_alphabetic();
    }
    out
}

/// Where the credit starts in "Maral Boyajian Mirror-Spectator Staff": at
/// the first word after a name of two or more words that names a
/// publication (hyphenated, "The") or is a credit word itself, provided the
/// part ends in a credit word.
fn name_then_credit(words: &[&str]) -> Option<usize> {
    let last = words.last()?.to_lowercase();
    if !CREDIT_WORDS.contains(&last.trim_matches('.')) || words.len() < 3 {
        return None;
    }
    let k = (2..words.len()).find(|&k| {
        let w = words[k];
        w.contains('-') || w == "The" || CREDIT_WORDS.contains(&w.to_lowercase().as_str())
    })?;
    (is_name(&words[..k])
        && words[k..]
            .iter()
            .all(|w| w.chars().next().is_some_and(char::is_uppercase)))
    .then_some(k)
}

/// "Special to the Mirror-Spectator", or a short capitalized line ending
/// in a credit word ("Mirror-Spectator Staff", "Staff Correspondent"), on
/// a line of its own.
fn is_credit_line(p: &str) -> bool {
    let lower = p.to_lowercase();
    let words: Vec<&str> = p.split_whitespace().collect();
    if (lower.starts_with("special to ") || lower.starts_with("special for ")) && words.len() <= 8 {
        return true;
    }
    const ROLE: &[&str] = &[
        "staff",
        "correspondent",
        "writer",
        "reporter",
        "columnist",
        "contributor",
    ];
    (2..=4).contains(&words.len())
        && words
            .last()
            .is_some_and(|w| ROLE.contains(&w.to_lowercase().trim_matches('.')))
        && words
            .iter()
            .all(|w| w.chars().next().is_some_and(char::is_uppercase))
}

fn trim_punct(s: &str) -> &str {
    s.trim().trim_end_matches([',', ';', ':']).trim()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case("By Ani Petrosyan Last spring the council voted to rebuild the wall.", Some(("Ani Petrosyan", "Last spring the council voted to rebuild the wall.")))]
    #[case("By Aram Der Bedrossian The council met on Monday to vote.", Some(("Aram Der Bedrossian", "The council met on Monday to vote.")))]
    #[case("By the time the council met it was late.", None)]
    #[case("By Monday the council had voted on the plan.", None)]
    #[case("By Ani Petrosyan Armenian Church Leaders Meet in Yerevan Today", None)]
    fn bylines_that_run_into_the_first_sentence(
        #[case] text: &str,
        #[case] want: Option<(&str, &str)>,
    ) {
        let lead = parse_lead(&[text]);
        match want {
            Some((name, body)) => {
                assert_eq!(lead.contributors, [name], "{text}");
                assert_eq!(lead.body, [body], "{text}");
            }
            None => {
                assert!(lead.contributors.is_empty(), "{text}: {lead:?}");
                assert_eq!(lead.body, [text]);
            }
        }
    }

    /// One expected reading of a story's head.
    struct Want<'a> {
        contributors: &'a [&'a str],
        credit: Option<&'a str>,
        place: Option<&'a str>,
        sources: &'a [&'a str],
        first_body: Option<&'a str>,
    }

    const NONE: Want<'static> = Want {
        contributors: &[],
        credit: None,
        place: None,
        sources: &[],
        first_body: None,
    };

    fn check(paras: &[&str], want: Want<'_>) {
        let lead = parse_lead(paras);
        assert_eq!(
            lead.contributors, want.contributors,
            "contributors for {paras:?}"
        );
        assert_eq!(lead.credit.as_deref(), want.credit, "credit for {paras:?}");
        assert_eq!(lead.place.as_deref(), want.place, "place for {paras:?}");
        assert_eq!(lead.sources, want.sources, "sources for {paras:?}");
        assert_eq!(
            lead.body.first().map(String::as_str),
            want.first_body,
            "first body paragraph for {paras:?}"
        );
    }

    #[rstest]
    // The seed's form: byline paragraph, then the dateline opening the body.
    #[case(&["By Shoghik Galstian", "YEREVAN (Azatutyun) — Prime Minister spoke."],
        Want { contributors: &["Shoghik Galstian"], place: Some("YEREVAN"), sources: &["Azatutyun"], first_body: Some("Prime Minister spoke."), ..NONE })]
    #[case(&["BEIRUT (Panorama.am) — The talks went on."],
        Want { place: Some("BEIRUT"), sources: &["Panorama.am"], first_body: Some("The talks went on."), ..NONE })]
    #[case(&["WIJK AAN ZEE, Holland (Armenpress) — Levon Aronian won."],
        Want { place: Some("WIJK AAN ZEE, Holland"), sources: &["Armenpress"], first_body: Some("Levon Aronian won."), ..NONE })]
    // Byline, credit and dateline run together on one line.
    #[case(&["By Florence Avakian Special to the Mirror-Spectator NEW YORK — The gala opened."],
        Want { contributors: &["Florence Avakian"], credit: Some("Special to the Mirror-Spectator"), place: Some("NEW YORK"), first_body: Some("The gala opened."), ..NONE })]
    // Several sources, joined by "and", commas and ampersands.
    #[case(&["YEREVAN (Armenpress and Azatutyun) — Text."],
        Want { place: Some("YEREVAN"), sources: &["Armenpress", "Azatutyun"], first_body: Some("Text."), ..NONE })]
    #[case(&["STEPANAKERT (Armenpress, news.am and Azatutyun) — Text."],
        Want { place: Some("STEPANAKERT"), sources: &["Armenpress", "news.am", "Azatutyun"], first_body: Some("Text."), ..NONE })]
    #[case(&["PARIS (AFP & Reuters) — Text."],
        Want { place: Some("PARIS"), sources: &["AFP", "Reuters"], first_body: Some("Text."), ..NONE })]
    // En dash, em dash, plain hyphen, double hyphen, unspaced dashes.
    #[case(&["YEREVAN (Azatutyun) – Text."],
        Want { place: Some("YEREVAN"), sources: &["Azatutyun"], first_body: Some("Text."), ..NONE })]
    #[case(&["YEREVAN (Azatutyun) - Text."],
        Want { place: Some("YEREVAN"), sources: &["Azatutyun"], first_body: Some("Text."), ..NONE })]
    #[case(&["WASHINGTON (AP) -- Text."],
        Want { place: Some("WASHINGTON"), sources: &["AP"], first_body: Some("Text."), ..NONE })]
    #[case(&["YEREVAN (Azatutyun)—Text."],
        Want { place: Some("YEREVAN"), sources: &["Azatutyun"], first_body: Some("Text."), ..NONE })]
    #[case(&["MOSCOW (TASS)-Text."],
        Want { place: Some("MOSCOW"), sources: &["TASS"], first_body: Some("Text."), ..NONE })]
    // A dateline without a source.
    #[case(&["NEW YORK — The gala opened."],
        Want { place: Some("NEW YORK"), first_body: Some("The gala opened."), ..NONE })]
    #[case(&["BOSTON, Mass. — Text."],
        Want { place: Some("BOSTON, Mass."), first_body: Some("Text."), ..NONE })]
    #[case(&["ST. LOUIS — Text."],
        Want { place: Some("ST. LOUIS"), first_body: Some("Text."), ..NONE })]
    // A source without a place.
    #[case(&["(Azatutyun) — Text."],
        Want { sources: &["Azatutyun"], first_body: Some("Text."), ..NONE })]
    // A title-case place is a dateline only when sources follow it.
    #[case(&["Yerevan (Armenpress) — Text."],
        Want { place: Some("Yerevan"), sources: &["Armenpress"], first_body: Some("Text."), ..NONE })]
    // A dateline standing alone as a paragraph.
    #[case(&["GYUMRI (Armenpress) —", "The mayor said."],
        Want { place: Some("GYUMRI"), sources: &["Armenpress"], first_body: Some("The mayor said."), ..NONE })]
    // No byline, no dateline: nothing invented, body untouched.
    #[case(&["Prime Minister Nikol Pashinyan said on Thursday that talks would go on."],
        Want { first_body: Some("Prime Minister Nikol Pashinyan said on Thursday that talks would go on."), ..NONE })]
    #[case(&["The minister — who spoke late — said little."],
        Want { first_body: Some("The minister — who spoke late — said little."), ..NONE })]
    #[case(&["By the end of the year, the bridge will open."],
        Want { first_body: Some("By the end of the year, the bridge will open."), ..NONE })]
    #[case(&["By contrast, the opposition stayed home."],
        Want { first_body: Some("By contrast, the opposition stayed home."), ..NONE })]
    #[case(&["NATO said it would not comment."],
        Want { first_body: Some("NATO said it would not comment."), ..NONE })]
    #[case(&["In a statement (released Monday) - officials said nothing."],
        Want { first_body: Some("In a statement (released Monday) - officials said nothing."), ..NONE })]
    #[case(&["The vote (see below) — a surprise — passed."],
        Want { first_body: Some("The vote (see below) — a surprise — passed."), ..NONE })]
    // A byline but no dateline.
    #[case(&["By Aram Arkun", "The exhibition opens Friday."],
        Want { contributors: &["Aram Arkun"], first_body: Some("The exhibition opens Friday."), ..NONE })]
    // Several writers.
    #[case(&["By Aram Arkun and Harry Kezelian", "Text."],
        Want { contributors: &["Aram Arkun", "Harry Kezelian"], first_body: Some("Text."), ..NONE })]
    #[case(&["By Ani Hakobyan, Lusine Petrosyan and Mher Sargsyan", "Text."],
        Want { contributors: &["Ani Hakobyan", "Lusine Petrosyan", "Mher Sargsyan"], first_body: Some("Text."), ..NONE })]
    #[case(&["By Anna Ohanian & David Boyajian", "Text."],
        Want { contributors: &["Anna Ohanian", "David Boyajian"], first_body: Some("Text."), ..NONE })]
    // A credit after a comma, and a staff-only byline.
    #[case(&["By Aram Arkun, Mirror-Spectator Staff", "Text."],
        Want { contributors: &["Aram Arkun"], credit: Some("Mirror-Spectator Staff"), first_body: Some("Text."), ..NONE })]
    #[case(&["By Mirror-Spectator Staff", "Text."],
        Want { credit: Some("Mirror-Spectator Staff"), first_body: Some("Text."), ..NONE })]
    // A credit on its own line, then the dateline.
    #[case(&["By Florence Avakian", "Special to the Mirror-Spectator", "NEW YORK — The gala opened."],
        Want { contributors: &["Florence Avakian"], credit: Some("Special to the Mirror-Spectator"), place: Some("NEW YORK"), first_body: Some("The gala opened."), ..NONE })]
    // A name in capitals runs into its credit.
    #[case(&["By ARAM ARKUN Mirror-Spectator Staff", "Text."],
        Want { contributors: &["Aram Arkun"], credit: Some("Mirror-Spectator Staff"), first_body: Some("Text."), ..NONE })]
    // A credit with its own commas stays one credit.
    #[case(&["By Harut Sassounian, Publisher, The California Courier", "Text."],
        Want { contributors: &["Harut Sassounian"], credit: Some("Publisher, The California Courier"), first_body: Some("Text."), ..NONE })]
    // Titles and middle initials are part of the name.
    #[case(&["By Dr. Ara Sarafian and Edmond Y. Azadian", "Text."],
        Want { contributors: &["Dr. Ara Sarafian", "Edmond Y. Azadian"], first_body: Some("Text."), ..NONE })]
    // A date after the place, AP style.
    #[case(&["YEREVAN, Nov. 20 (Azatutyun) — Text."],
        Want { place: Some("YEREVAN, Nov. 20"), sources: &["Azatutyun"], first_body: Some("Text."), ..NONE })]
    // Non-Latin names with capitals.
    #[case(&["By Շողիկ Գալստյան", "Text."],
        Want { contributors: &["Շողիկ Գալստյան"], first_body: Some("Text."), ..NONE })]
    // Upper-case bylines are set in title case; "BY" and "By:" both open a byline.
    #[case(&["BY SHOGHIK GALSTIAN", "Text."],
        Want { contributors: &["Shoghik Galstian"], first_body: Some("Text."), ..NONE })]
    #[case(&["By: Lilit Ghazaryan", "Text."],
        Want { contributors: &["Lilit Ghazaryan"], first_body: Some("Text."), ..NONE })]
    // Particles and initials inside names.
    #[case(&["By Jean-Pierre de la Tour and J. R. Smith", "Text."],
        Want { contributors: &["Jean-Pierre de la Tour", "J. R. Smith"], first_body: Some("Text."), ..NONE })]
    // Byline and dateline on one line with sources and a qualifier.
    #[case(&["By Gayane Mkrtchyan WIJK AAN ZEE, Holland (Armenpress) — Aronian won."],
        Want { contributors: &["Gayane Mkrtchyan"], place: Some("WIJK AAN ZEE, Holland"), sources: &["Armenpress"], first_body: Some("Aronian won."), ..NONE })]
    #[case(&["By Florence Avakian Special to the Mirror-Spectator NEW YORK (Combined Sources) – Text."],
        Want { contributors: &["Florence Avakian"], credit: Some("Special to the Mirror-Spectator"), place: Some("NEW YORK"), sources: &["Combined Sources"], first_body: Some("Text.") })]
    // Non-breaking spaces, as in page captures.
    #[case(&["By\u{a0}Shoghik\u{a0}Galstian", "YEREVAN\u{a0}(Azatutyun)\u{a0}—\u{a0}Text."],
        Want { contributors: &["Shoghik Galstian"], place: Some("YEREVAN"), sources: &["Azatutyun"], first_body: Some("Text."), ..NONE })]
    // A source with a slash in its name stays whole.
    #[case(&["PRAGUE (RFE/RL) — Text."],
        Want { place: Some("PRAGUE"), sources: &["RFE/RL"], first_body: Some("Text."), ..NONE })]
    // Parentheses that hold a sentence are no sources.
    #[case(&["YEREVAN (as officials said on Monday.) — Text."],
        Want { first_body: Some("YEREVAN (as officials said on Monday.) — Text."), ..NONE })]
    fn reads_story_heads(#[case] paras: &[&str], #[case] want: Want<'_>) {
        check(paras, want);
    }

    #[test]
    fn empty_story_stays_empty() {
        assert_eq!(parse_lead::<&str>(&[]), Lead::default());
    }

    #[test]
    fn later_paragraphs_are_untouched() {
        let lead = parse_lead(&[
            "By Ani Hakobyan",
            "GORIS — One.",
            "TWO — Not a dateline here.",
        ]);
        assert_eq!(lead.body, vec!["One.", "TWO — Not a dateline here."]);
    }

    #[test]
    fn dash_far_into_a_paragraph_is_not_a_dateline() {
        let long = format!("{} — end", "WORD ".repeat(60));
        assert_eq!(parse_lead(&[long.as_str()]).place, None);
    }
}
