//! The foundation issue's acceptance test: import the seed capture, serve
//! it, and find every element of the seed page on the article page.

use gazette_testkit::{Engine, engines};
use jiff::{Timestamp, tz::TimeZone};

use gazette_domain::IsoWeek;

use std::path::PathBuf;

use crate::util::{Newsroom, own_capture, seed_file, stderr, stdout};

const ARTICLE: &str = "/articles/council-backs-plan-to-rebuild-the-north-harbour-wall";

fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

/// What a capture's article page must show.
struct Capture {
    file: PathBuf,
    article: &'static str,
    date_long: &'static str,
    edition_time: &'static str,
    week: &'static str,
    sections: [(&'static str, &'static str); 2],
    headline: &'static str,
    account: &'static str,
    views: &'static str,
    comments: &'static str,
    byline: &'static str,
    byline_text: &'static str,
    dateline: &'static str,
    later_paragraph: &'static str,
    related: &'static str,
    pages: [&'static str; 4],
}

fn own() -> Capture {
    Capture {
        file: own_capture(),
        article: "/articles/council-backs-plan-to-rebuild-the-north-harbour-wall",
        date_long: "Tuesday, March 4, 2025",
        edition_time: r#"<time datetime="2025-03-04T00:00:00-05:00">"#,
        week: "Week 10 edition</a>",
        sections: [
            ("harbour-coast", "Harbour &amp; Coast"),
            ("international", "International"),
        ],
        headline: "<h1>Council Backs Plan to Rebuild the North Harbour Wall</h1>",
        account: "The Meridian Desk",
        views: r#"<span class="views"><span class="n">1,204</span> views</span>"#,
        comments: r#"<span class="comments"><span class="n">3</span> comments</span>"#,
        byline: r#"By <a rel="author" href="/contributors/ani-hakobyan">Ani Hakobyan</a>"#,
        byline_text: "By Ani Hakobyan",
        dateline: r#"<span class="dateline">PORT ELLIS (<a class="source" href="/sources/meridian-wire">Meridian Wire</a>) —</span> The city council voted"#,
        later_paragraph: "<p>The council meets again on Thursday",
        related: "<li>Ferry Operators Agree on a Winter Timetable</li>",
        pages: [
            "/contributors/ani-hakobyan",
            "/sources/meridian-wire",
            "/sections/harbour-coast",
            "/sections/international",
        ],
    }
}

fn seed() -> Option<Capture> {
    Some(Capture {
        file: seed_file()?,
        article: "/articles/yerevan-seeks-us-help-for-release-of-armenian-prisoners",
        date_long: "Tuesday, November 25, 2025",
        edition_time: r#"<time datetime="2025-11-25T00:00:00-05:00">"#,
        week: "Week 48 edition</a>",
        sections: [
            ("armenia-karabakh", "Armenia &amp; Karabakh"),
            ("international", "International"),
        ],
        headline: "<h1>Yerevan Seeks US Help for Release of Armenian Prisoners</h1>",
        account: "The Armenian Mirror-Spectator",
        views: r#"<span class="views"><span class="n">62</span> views</span>"#,
        comments: r#"<span class="comments"><span class="n">0</span> comments</span>"#,
        byline: r#"By <a rel="author" href="/contributors/shoghik-galstian">Shoghik Galstian</a>"#,
        byline_text: "By Shoghik Galstian",
        dateline: r#"<span class="dateline">YEREVAN (<a class="source" href="/sources/azatutyun">Azatutyun</a>) —</span> Prime Minister Nikol Pashinyan"#,
        later_paragraph: "<p>Neither an Armenian-Azerbaijani peace treaty",
        related: "<li>Several of the former officials of Artsakh on trial in Baku</li>",
        pages: [
            "/contributors/shoghik-galstian",
            "/sources/azatutyun",
            "/sections/armenia-karabakh",
            "/sections/international",
        ],
    })
}

/// Imports a capture, serves it, and finds every element of the captured
/// page on the article page.
async fn shows_every_element(engine: Engine, c: Capture) {
    let n = Newsroom::on(engine).await;
    let out = n.run(&["import", "text", c.file.to_str().unwrap()]);
    assert!(out.status.success(), "import failed: {}", stderr(&out));
    assert!(stdout(&out).contains(c.article), "{}", stdout(&out));

    let server = n.serve();
    let (status, html) = server.get(c.article).await;
    assert_eq!(status, 200);

    // The edition: date and ISO week, machine-readable too.
    assert!(html.contains(c.date_long), "edition date");
    assert!(html.contains(c.edition_time), "edition <time>");
    assert!(html.contains(c.week), "edition week");

    // The header's strip for the current week on the newsroom's clock.
    let now = Timestamp::now().to_zoned_datetime(TimeZone::get("America/New_York").unwrap());
    let week = IsoWeek::of_zoned(&now).unwrap().week();
    assert!(
        html.contains(&format!(
            "Top stories <span aria-hidden=\"true\">·</span> Week {week}</h2>"
        )),
        "top stories strip for week {week}"
    );

    // Sections, linked, in order.
    let story_sections = &html[html
        .find(r#"class="story-sections""#)
        .expect("the story's sections")..];
    let link = |(slug, name): (&str, &str)| format!(r#"<a href="/sections/{slug}">{name}</a>"#);
    let a = story_sections.find(&link(c.sections[0]));
    let b = story_sections.find(&link(c.sections[1]));
    assert!(
        a.is_some() && b.is_some() && a < b,
        "linked sections in order"
    );

    // One h1: the headline.
    assert_eq!(count(&html, "<h1"), 1);
    assert!(html.contains(c.headline));

    // "by" plus the posting account; the imported counters.
    assert!(html.contains(&format!(
        r#"by <span class="account-name">{}</span>"#,
        c.account
    )));
    assert!(html.contains(c.views), "views");
    assert!(html.contains(c.comments), "comments");

    // The byline links to the contributor; the dateline links the source.
    assert!(html.contains(c.byline), "byline");
    assert!(html.contains(c.dateline), "dateline");

    // The body, without the byline or dateline left in it.
    assert!(html.contains(c.later_paragraph));
    assert_eq!(
        count(&html, c.byline_text),
        0,
        "byline not repeated as body text"
    );
    assert!(html.contains("<article"));

    // Related headline and publication footer.
    assert!(html.contains("<h2 id=\"related-headlines-title\">Related headlines</h2>"));
    assert!(html.contains(c.related));
    assert!(html.contains(&format!(r#"<p class="story-footer">{}</p>"#, c.account)));

    // The contributor, source and section pages list the story.
    for page in c.pages.into_iter().chain(["/"]) {
        let (status, body) = server.get(page).await;
        assert_eq!(status, 200, "{page}");
        assert!(body.contains(c.article), "{page} links the story");
    }
}

engines!(
    own_capture_shows_every_element,
    |engine: Engine| async move {
        shows_every_element(engine, own()).await;
    }
);

engines!(
    seed_article_page_shows_every_element,
    |engine: Engine| async move {
        if let Some(c) = seed() {
            shows_every_element(engine, c).await;
        }
    }
);

engines!(
    reimport_updates_and_bad_files_store_nothing,
    |engine: Engine| async move {
        let n = Newsroom::on(engine).await;
        let seed = own_capture();
        for _ in 0..2 {
            let out = n.run(&["import", "text", seed.to_str().unwrap()]);
            assert!(out.status.success(), "{}", stderr(&out));
        }
        let out = n.run(&["import", "text", seed.to_str().unwrap()]);
        assert!(stdout(&out).starts_with("updated"), "{}", stdout(&out));

        // A capture whose view count is not a number.
        let text = std::fs::read_to_string(&seed).unwrap();
        let bad = n.data_dir().join("bad-capture.txt");
        std::fs::write(&bad, text.replacen("\n1,204\n", "\nsixty-two\n", 1)).unwrap();
        let out = n.run(&["import", "text", bad.to_str().unwrap()]);
        assert!(!out.status.success());
        let err = stderr(&out);
        assert!(
            err.contains("bad-capture.txt:11: expected the view count"),
            "{err}"
        );
        assert!(!err.contains("panicked"), "{err}");

        let server = n.serve();
        let (_, home) = server.get("/").await;
        assert_eq!(count(&home, ARTICLE), 1, "one article, not three");
        let (status, _) = server.get("/articles/no-such-story").await;
        assert_eq!(status, 404);
    }
);
