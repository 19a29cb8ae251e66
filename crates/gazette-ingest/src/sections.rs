//! Section names that a page capture ran together with no separator
//! ("Armenia & KarabakhInternational").

/// Splits `run` into section names. Names the newsroom already knows are
/// matched first, longest first; what is left is split where a lower-case
/// letter (or a closing bracket or full stop) runs straight into a capital,
/// which is how the capture glued the names.
pub fn split_sections<S: AsRef<str>>(run: &str, known: &[S]) -> Vec<String> {
    let run = run.trim();
    let mut known: Vec<&str> = known
        .iter()
        .map(|k| k.as_ref().trim())
        .filter(|k| !k.is_empty())
        .collect();
    known.sort_by_key(|k| std::cmp::Reverse(k.len()));

    let mut out = Vec::new();
    let mut rest = run;
    let mut pending = String::new();
    while !rest.is_empty() {
        if let Some(k) = known.iter().find(|k| starts_with_ci(rest, k)) {
            flush(&mut pending, &mut out);
            out.push((*k).to_owned());
            rest = &rest[k.len()..];
            continue;
        }
        let next = glue_point(rest).unwrap_or(rest.len());
        pending.push_str(&rest[..next]);
        rest = &rest[next..];
        if glue_point_before(&pending, rest) {
            flush(&mut pending, &mut out);
        }
    }
    flush(&mut pending, &mut out);
    out
}

fn flush(pending: &mut String, out: &mut Vec<String>) {
    let name = pending.trim();
    if !name.is_empty() && !out.iter().any(|o| o == name) {
        out.push(name.to_owned());
    }
    pending.clear();
}

fn starts_with_ci(s: &str, prefix: &str) -> bool {
    s.get(..prefix.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
}

/// Whether a name should end between `before` and `after`.
fn glue_point_before(before: &str, after: &str) -> bool {
    match (before.chars().last(), after.chars().next()) {
        (Some(a), Some(b)) => is_glue(a, b),
        _ => true,
    }
}

fn is_glue(a: char, b: char) -> bool {
    b.is_uppercase() && (a.is_lowercase() || matches!(a, ')' | '.' | ']'))
}

/// The byte offset of the next glue point in `s`, after its first char.
fn glue_point(s: &str) -> Option<usize> {
    let mut prev = None;
    for (i, c) in s.char_indices() {
        if let Some(p) = prev
            && is_glue(p, c)
        {
            return Some(i);
        }
        prev = Some(c);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::split_sections;
    use rstest::rstest;

    const NONE: &[&str] = &[];

    #[rstest]
    #[case("Armenia & KarabakhInternational", NONE, &["Armenia & Karabakh", "International"])]
    #[case("CommunityArts & CultureSports", NONE, &["Community", "Arts & Culture", "Sports"])]
    #[case("International", NONE, &["International"])]
    #[case("", NONE, &[])]
    // Known names win over the case rule, even where it would cut them.
    #[case("McKinley NewsInternational", &["McKinley News"], &["McKinley News", "International"])]
    // Known names next to an unknown one; a name ending in capitals.
    #[case("USAEurope", &["USA"], &["USA", "Europe"])]
    #[case("Armenia & KarabakhNew SectionInternational", &["Armenia & Karabakh", "International"], &["Armenia & Karabakh", "New Section", "International"])]
    // Known names are matched whatever their case in the capture, and kept as the newsroom spells them.
    #[case("armenia & karabakhInternational", &["Armenia & Karabakh"], &["Armenia & Karabakh", "International"])]
    #[case("Community News (Boston)Obituaries", NONE, &["Community News (Boston)", "Obituaries"])]
    #[case("SportsSports", NONE, &["Sports"])]
    fn splits_runs(#[case] run: &str, #[case] known: &[&str], #[case] want: &[&str]) {
        assert_eq!(split_sections(run, known), want);
    }
}
