//! Whatever text arrives, the parsers answer (a reading, or an error with
//! a line) and never panic. A short run of each goes with every test run;
//! `PROPTEST_CASES=100000 cargo test -p gazette-ingest --test properties`
//! runs longer.

use gazette_ingest::{parse_lead, parse_text_page};
use proptest::prelude::*;

/// Text that is likely to trip a parser: bylines, dashes, parentheses,
/// capitals, and characters whose case changes their length in bytes.
fn tricky() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "By ",
        "BY ",
        "by ",
        "By: ",
        " and ",
        " & ",
        ", ",
        "; ",
        " — ",
        " – ",
        " -- ",
        " - ",
        "-",
        "(",
        ")",
        "(AP)",
        "Special to the Courier",
        "special",
        "SPECIAL",
        " Staff",
        "YEREVAN",
        "NEW YORK",
        "Glendale, Calif.",
        "Panorama.am",
        "Ani Hakobyan",
        "Dr. ",
        "\u{212A}",
        "\u{130}",
        "\u{131}",
        "é",
        "ß",
        "ﬁ",
        "Ω",
        "Շողիկ",
        "\u{a0}",
        "\u{200b}",
        "\u{feff}",
        "\t",
        "  ",
        ".",
        ":",
        "'",
        "\"",
        "1",
        "2025",
        "\n",
    ]);
    prop::collection::vec(
        prop_oneof![pieces.prop_map(str::to_owned), any::<String>()],
        0..24,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #[test]
    fn a_story_head_never_panics(paras in prop::collection::vec(tricky(), 0..5)) {
        let lead = parse_lead(&paras);
        // What it finds is a reading of the text, never more paragraphs.
        prop_assert!(lead.body.len() <= paras.len());
    }

    #[test]
    fn a_capture_never_panics(text in tricky(), known in prop::collection::vec(tricky(), 0..3)) {
        if let Err(e) = parse_text_page(&text, &known) {
            prop_assert!(e.line >= 1, "errors name a line: {e}");
        }
    }

    #[test]
    fn a_capture_with_a_real_shape_never_panics(
        date in "[0-9]{4}-[0-9]{2}-[0-9]{2}",
        week in "[0-9]{1,3}",
        sections in tricky(),
        headline in tricky(),
        account in tricky(),
        views in "[0-9]{1,25}",
        comments in "[0-9,]{1,8}",
        byline in tricky(),
        body in prop::collection::vec(tricky(), 0..4),
    ) {
        let text = format!(
            "\u{a0}date {date} \u{a0} TOP STORIES WEEK \u{a0} {week}\n\n{sections}\n\n{headline}\n\nby\n{account}\n{views}\n{comments}\n\n{byline}\n\n{}\n",
            body.join("\n\n")
        );
        if let Err(e) = parse_text_page::<&str>(&text, &[]) {
            prop_assert!(e.line >= 1);
        }
    }
}

#[test]
fn case_changing_letters_do_not_shift_offsets() {
    // Found by the property above: lowering the Kelvin sign shrinks it and
    // lowering İ grows it, so offsets in a lowered copy were wrong.
    for text in [
        "By éK special İİ",
        "By \u{212A}elvin Special to the Courier",
        "By İİİ and Ani Hakobyan",
        "By \u{212A}\u{212A} & İ",
    ] {
        let _ = parse_lead(&[text]);
    }
    let lead = parse_lead(&["By Ani Hakobyan and \u{212A}arl Ohanian"]);
    assert_eq!(lead.contributors.len(), 2, "{lead:?}");
}
