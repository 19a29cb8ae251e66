use super::{content::*, *};

/// A small WXR written for these tests.
fn wxr(version: &str, items: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/{version}/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/{version}/">
<channel>
	<title>Harbour Weekly</title>
	<link>https://harbour.example</link>
	<language>en-US</language>
	<wp:wxr_version>{version}</wp:wxr_version>
	<wp:base_site_url>https://harbour.example</wp:base_site_url>
	<wp:author><wp:author_id>2</wp:author_id><wp:author_login><![CDATA[desk]]></wp:author_login><wp:author_display_name><![CDATA[The Harbour Desk]]></wp:author_display_name></wp:author>
	<wp:category><wp:term_id>3</wp:term_id><wp:category_nicename><![CDATA[arts]]></wp:category_nicename><wp:category_parent><![CDATA[]]></wp:category_parent><wp:cat_name><![CDATA[Arts &amp; Culture]]></wp:cat_name></wp:category>
{items}
</channel>
</rss>
"#
    )
}

fn post(id: i64, content: &str) -> String {
    format!(
        r#"	<item>
		<title><![CDATA[Story {id}]]></title>
		<link>https://harbour.example/2025/11/24/story-{id}/</link>
		<dc:creator><![CDATA[desk]]></dc:creator>
		<guid isPermaLink="false">https://harbour.example/?p={id}</guid>
		<content:encoded><![CDATA[{content}]]></content:encoded>
		<excerpt:encoded><![CDATA[]]></excerpt:encoded>
		<wp:post_id>{id}</wp:post_id>
		<wp:post_date><![CDATA[2025-11-24 09:00:00]]></wp:post_date>
		<wp:post_date_gmt><![CDATA[2025-11-24 14:00:00]]></wp:post_date_gmt>
		<wp:post_name><![CDATA[story-{id}]]></wp:post_name>
		<wp:status><![CDATA[publish]]></wp:status>
		<wp:post_type><![CDATA[post]]></wp:post_type>
		<category domain="category" nicename="arts"><![CDATA[Arts &amp; Culture]]></category>
		<wp:postmeta><wp:meta_key><![CDATA[views]]></wp:meta_key><wp:meta_value><![CDATA[41]]></wp:meta_value></wp:postmeta>
		<wp:comment><wp:comment_id>5</wp:comment_id><wp:comment_author><![CDATA[Ani]]></wp:comment_author><wp:comment_date_gmt><![CDATA[2025-11-24 15:00:00]]></wp:comment_date_gmt><wp:comment_content><![CDATA[First!]]></wp:comment_content><wp:comment_approved><![CDATA[1]]></wp:comment_approved><wp:comment_parent>0</wp:comment_parent></wp:comment>
		<wp:comment><wp:comment_id>6</wp:comment_id><wp:comment_author><![CDATA[Bo]]></wp:comment_author><wp:comment_date_gmt><![CDATA[2025-11-24 16:00:00]]></wp:comment_date_gmt><wp:comment_content><![CDATA[Reply]]></wp:comment_content><wp:comment_approved><![CDATA[0]]></wp:comment_approved><wp:comment_parent>5</wp:comment_parent></wp:comment>
	</item>
"#
    )
}

fn entries(xml: &str) -> Result<Vec<Entry>, WxrError> {
    let mut r = WxrReader::new(xml.as_bytes());
    let mut out = Vec::new();
    while let Some(e) = r.next_entry()? {
        out.push(e);
    }
    Ok(out)
}

fn mapped(xml: &str) -> Vec<ImportItem> {
    let all = entries(xml).unwrap();
    let Entry::Site(site) = &all[0] else {
        panic!("the site comes first")
    };
    let mut m = Mapper::new(
        site.clone(),
        jiff::tz::TimeZone::get("America/New_York").unwrap(),
    );
    for e in &all {
        m.learn(e);
    }
    all.iter()
        .filter_map(|e| match e {
            Entry::Item(i) => m.item(i).unwrap(),
            _ => None,
        })
        .collect()
}

#[test]
fn a_small_export_reads_entry_by_entry() {
    let xml = wxr("1.2", &post(7, "Hello"));
    let all = entries(&xml).unwrap();
    assert!(
        matches!(&all[0], Entry::Site(s) if s.title == "Harbour Weekly" && s.wxr_version == "1.2")
    );
    assert!(matches!(&all[1], Entry::Author(a) if a.login == "desk"));
    assert!(matches!(&all[2], Entry::Category(t) if t.name == "Arts &amp; Culture"));
    let Entry::Item(item) = &all[3] else {
        panic!("an item")
    };
    assert_eq!(item.post_id, 7);
    assert_eq!(item.comments.len(), 2);
    assert_eq!(item.meta("views"), Some("41"));
    assert_eq!(item.line, 11);
}

#[test]
fn items_map_to_articles_with_comments_views_and_old_addresses() {
    let items = mapped(&wxr("1.1", &post(7, "Hello")));
    let a = &items[0];
    assert_eq!(
        a.article.import_key.as_deref(),
        Some("wxr:harbour.example:7")
    );
    assert_eq!(a.article.sections, ["Arts & Culture"]);
    assert_eq!(
        a.article.posting_account.as_deref(),
        Some("The Harbour Desk")
    );
    assert_eq!(a.article.legacy_views, 41);
    assert_eq!(
        a.article.published_at.as_ref().unwrap().timestamp(),
        "2025-11-24T14:00:00Z".parse().unwrap()
    );
    assert_eq!(a.comments.len(), 2);
    assert_eq!(a.comments[1].parent_wp_id, Some(5));
    assert_eq!(a.comments[1].status, gazette_domain::CommentStatus::Pending);
    let urls: Vec<&str> = a.old_urls.iter().map(|u| u.0.as_str()).collect();
    assert!(urls.contains(&"/2025/11/24/story-7"));
    assert!(urls.contains(&"/?p=7"));
}

#[test]
fn malformed_xml_names_line_and_column() {
    let xml = wxr("1.2", &post(7, "Hello"))
        .replace("<wp:post_id>7</wp:post_id>", "<wp:post_id>7</wp:post_ID>");
    let err = entries(&xml).unwrap_err();
    assert!(err.fatal);
    assert_eq!(err.line, 18, "{err}");
    assert!(err.to_string().starts_with("line 18, column "), "{err}");
}

#[test]
fn a_truncated_file_says_so() {
    let xml = wxr("1.2", &format!("{}{}", post(7, "Hello"), post(8, "World")));
    let cut = &xml[..xml.find("<wp:post_id>8").unwrap() + 5];
    let mut r = WxrReader::new(cut.as_bytes());
    let mut items = 0;
    let err = loop {
        match r.next_entry() {
            Ok(Some(Entry::Item(_))) => items += 1,
            Ok(Some(_)) => {}
            Ok(None) => panic!("a truncated file is an error"),
            Err(e) => break e,
        }
    };
    assert_eq!(
        items, 1,
        "the whole item before the cut is read, the cut one is not"
    );
    assert!(
        err.message.contains("truncated") || err.message.contains("malformed"),
        "{err}"
    );
}

#[test]
fn unknown_versions_and_other_files_are_refused() {
    let err = entries(&wxr("2.0", &post(7, "Hello"))).unwrap_err();
    assert!(err.message.contains("WXR version 2.0 is unknown"), "{err}");
    let err = entries("<html><body>hi</body></html>").unwrap_err();
    assert!(err.message.contains("not a WordPress export"), "{err}");
    let err = entries("").unwrap_err();
    assert!(err.message.contains("not a WordPress export"), "{err}");
}

#[test]
fn undefined_entities_are_errors_not_panics() {
    let xml = wxr("1.2", &post(7, "Hello")).replace(
        "<title>Harbour Weekly</title>",
        "<title>A &bogus; B</title>",
    );
    let err = entries(&xml).unwrap_err();
    assert!(err.message.contains("&bogus;"), "{err}");
}

#[test]
fn text_gets_paragraphs_and_shortcodes_become_html() {
    let none = |_| None;
    assert_eq!(
        autop("One\nline two\n\nThree"),
        "<p>One<br>line two</p>\n<p>Three</p>\n"
    );
    assert_eq!(
        autop("<p>Kept</p>\n\nWrapped"),
        "<p>Kept</p>\n<p>Wrapped</p>\n"
    );
    assert_eq!(
        to_html(
            "<!-- wp:paragraph -->\n<p>Block</p>\n<!-- /wp:paragraph -->",
            &none
        ),
        "<p>Block</p>\n"
    );
    let cap = to_html(
        r#"[caption id="attachment_4" align="alignnone" width="960"]<img src="/a.png" alt="A" /> The choir[/caption]"#,
        &none,
    );
    assert_eq!(
        cap,
        "<figure class=\"wp-caption\"><img src=\"/a.png\" alt=\"A\" /><figcaption>The choir</figcaption></figure>\n"
    );
    let yt = to_html(
        "[embed]https://www.youtube.com/watch?v=abc_123[/embed]",
        &none,
    );
    assert!(
        yt.contains("src=\"https://www.youtube-nocookie.com/embed/abc_123\""),
        "{yt}"
    );
    let other = to_html("[embed]https://evil.example/x[/embed]", &none);
    assert!(
        !other.contains("iframe") && other.contains("href=\"https://evil.example/x\""),
        "{other}"
    );
    let audio = to_html(
        r#"[audio mp3="https://harbour.example/a.mp3"][/audio]"#,
        &none,
    );
    assert!(audio.contains("<audio controls"), "{audio}");
    let js = to_html(r#"[video src="javascript:alert(1)"][/video]"#, &none);
    assert!(!js.contains("javascript"), "{js}");
    let gallery = to_html(r#"[gallery ids="4,5"]"#, &|id| {
        (id == 4).then(|| Attachment {
            id,
            url: "https://harbour.example/a.png".into(),
            alt: "A".into(),
            caption: "Choir".into(),
            ..Default::default()
        })
    });
    assert!(gallery.contains("<div class=\"gallery\"><figure class=\"gallery-item\"><img src=\"https://harbour.example/a.png\" alt=\"A\""), "{gallery}");
    assert_eq!(
        to_html("[unknown_plugin x=1]", &none),
        "<p>[unknown_plugin x=1]</p>\n"
    );
}

#[test]
fn bylines_come_off_the_text_and_markup_stays() {
    let (lead, body) = map::take_lead(
        "<p><strong>By Ani Petrosyan</strong></p>\n<p><em>Special to the Harbour Weekly</em></p>\n<p>YEREVAN (Azatutyun) &mdash; The <em>council</em> met.</p>\n<p>More.</p>\n",
    );
    assert_eq!(lead.contributors, ["Ani Petrosyan"]);
    assert_eq!(
        lead.credit.as_deref(),
        Some("Special to the Harbour Weekly")
    );
    assert_eq!(lead.place.as_deref(), Some("YEREVAN"));
    assert_eq!(lead.sources, ["Azatutyun"]);
    assert_eq!(body, "<p>The <em>council</em> met.</p>\n<p>More.</p>\n");
    let (lead, body) =
        map::take_lead("<p>By Ani Petrosyan<br>Special to the Harbour Weekly</p>\n<p>Text.</p>\n");
    assert_eq!(lead.contributors, ["Ani Petrosyan"]);
    assert_eq!(body, "<p>Text.</p>\n");
    let untouched = "<p>By the time the council met, it was late.</p>\n";
    assert_eq!(map::take_lead(untouched).1, untouched);
}

#[test]
fn entities_and_percent_escapes_decode() {
    assert_eq!(
        decode_entities("Arts &amp; Culture &#8212; &rsquo;s &#x41; &bogus; & x"),
        "Arts & Culture — ’s A &bogus; & x"
    );
    assert_eq!(decode_entities("&#0; &#99999999;"), "&#0; &#99999999;");
    assert_eq!(percent_decode("%d5%b6%d5%a5"), "նե");
    assert_eq!(percent_decode("%ff"), "%ff");
}

#[test]
fn links_to_the_old_site_become_relative_and_its_files_stay() {
    let xml = wxr(
        "1.2",
        &post(
            7,
            r#"<p><a href="https://harbour.example/2024/11/08/other-story/">Other</a> <a href="//harbour.example/?p=3">p3</a> <a href="https://harbour.example/wp-content/uploads/a.pdf">pdf</a> <a href="https://elsewhere.example/x">x</a></p>"#,
        ),
    );
    let body = &mapped(&xml)[0].article.body_html;
    assert!(
        body.contains(r#"href="/2024/11/08/other-story/""#),
        "{body}"
    );
    assert!(body.contains(r#"href="/?p=3""#), "{body}");
    assert!(
        body.contains(r#"href="https://harbour.example/wp-content/uploads/a.pdf""#),
        "{body}"
    );
    assert!(
        body.contains(r#"href="https://elsewhere.example/x""#),
        "{body}"
    );
}

#[test]
fn an_seo_plugins_canonical_address_marks_syndicated_copy() {
    let meta = |k: &str, v: &str| {
        format!(
            "<wp:postmeta><wp:meta_key><![CDATA[{k}]]></wp:meta_key><wp:meta_value><![CDATA[{v}]]></wp:meta_value></wp:postmeta>\n\t\t<wp:comment>"
        )
    };
    let with =
        |k: &str, v: &str, id: i64| post(id, "Hello").replacen("<wp:comment>", &meta(k, v), 1);
    let items = mapped(&wxr(
        "1.2",
        &[
            with("_yoast_wpseo_canonical", "https://wire.example/story/1", 7),
            with("rank_math_canonical_url", "https://partner.example/a/2", 8),
            // Back at the old site itself: says nothing once it moves.
            with(
                "_yoast_wpseo_canonical",
                "https://harbour.example/2025/11/24/story-9/",
                9,
            ),
            with("_yoast_wpseo_canonical", "javascript:alert(1)", 10),
            post(11, "Hello"),
        ]
        .concat(),
    ));
    let urls: Vec<Option<&str>> = items
        .iter()
        .map(|i| i.article.canonical_url.as_deref())
        .collect();
    assert_eq!(
        urls,
        [
            Some("https://wire.example/story/1"),
            Some("https://partner.example/a/2"),
            None,
            None,
            None
        ]
    );
}
