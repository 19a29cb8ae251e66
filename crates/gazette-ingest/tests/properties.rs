//! Whatever text arrives, the parsers answer (a reading, or an error with
//! a line) and never panic. A short run of each goes with every test run;
//! `PROPTEST_CASES=100000 cargo test -p gazette-ingest --test properties`
//! runs longer.

use gazette_ingest::{
    parse_lead, parse_text_page,
    wxr::{self, Entry, WxrReader},
};
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

/// A small valid WXR file, for cutting and mutating.
const WXR: &str = r#"<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>T</title><link>https://t.example</link><wp:wxr_version>1.2</wp:wxr_version>
<wp:author><wp:author_login><![CDATA[a]]></wp:author_login></wp:author>
<item><title>Hi &amp; bye</title><dc:creator>a</dc:creator><content:encoded><![CDATA[By Ani Hakobyan

YEREVAN &mdash; [caption]<img src="x">c[/caption] [gallery ids="1,x"]]]></content:encoded>
<wp:post_id>3</wp:post_id><wp:post_date_gmt>2025-11-24 09:00:00</wp:post_date_gmt><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
<wp:comment><wp:comment_id>1</wp:comment_id><wp:comment_content>x</wp:comment_content></wp:comment></item>
</channel></rss>
"#;

/// Reads and maps a whole file; returns whether it read to the end.
fn read_all(bytes: &[u8]) -> Result<usize, wxr::WxrError> {
    let mut r = WxrReader::new(bytes);
    let mut mapper: Option<wxr::Mapper> = None;
    let mut n = 0;
    while let Some(e) = r.next_entry()? {
        match &e {
            Entry::Site(s) => mapper = Some(wxr::Mapper::new(s.clone(), jiff::tz::TimeZone::UTC)),
            Entry::Item(i) => {
                if let Some(m) = mapper.as_mut() {
                    m.learn(&e);
                    let _ = m.item(i);
                }
            }
            other => {
                if let Some(m) = mapper.as_mut() {
                    m.learn(other);
                }
            }
        }
        n += 1;
    }
    Ok(n)
}

proptest! {
    #[test]
    fn any_bytes_as_wxr_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        if let Err(e) = read_all(&bytes) {
            prop_assert!(e.line >= 1 && e.column >= 1, "errors name a place: {e}");
        }
    }

    #[test]
    fn a_wxr_cut_or_changed_anywhere_never_panics(
        cut in 0..WXR.len(),
        at in 0..WXR.len(),
        insert in tricky(),
    ) {
        let cut_file = &WXR.as_bytes()[..cut];
        if let Err(e) = read_all(cut_file) {
            prop_assert!(e.line >= 1);
        }
        let mut changed = WXR.as_bytes()[..at].to_vec();
        changed.extend_from_slice(insert.as_bytes());
        changed.extend_from_slice(&WXR.as_bytes()[at..]);
        let _ = read_all(&changed);
    }

    #[test]
    fn wordpress_text_never_panics(text in tricky()) {
        let html = wxr::content::to_html(&text, &|_| None);
        let _ = wxr::map::take_lead(&html);
        let _ = wxr::decode_entities(&text);
    }

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
