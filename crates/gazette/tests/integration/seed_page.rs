//! The foundation issue's acceptance test: import the seed capture, serve
//! it, and find every element of the seed page on the article page.

use gazette_testkit::{Engine, engines};
use jiff::{Timestamp, tz::TimeZone};

use gazette_domain::IsoWeek;

use crate::util::{Newsroom, seed_file, stderr, stdout};

const ARTICLE: &str = "/articles/yerevan-seeks-us-help-for-release-of-armenian-prisoners";

fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

engines!(
    seed_article_page_shows_every_element,
    |engine: Engine| async move {
        let n = Newsroom::on(engine).await;
        let seed = seed_file();
        let out = n.run(&["import", "text", seed.to_str().unwrap()]);
        assert!(out.status.success(), "import failed: {}", stderr(&out));
        assert!(stdout(&out).contains(ARTICLE), "{}", stdout(&out));

        let server = n.serve();
        let (status, html) = server.get(ARTICLE).await;
        assert_eq!(status, 200);

        // The edition: date and ISO week, machine-readable too.
        assert!(html.contains("Tuesday, November 25, 2025"), "edition date");
        assert!(
            html.contains(r#"<time datetime="2025-11-25T00:00:00-05:00">"#),
            "edition <time>"
        );
        assert!(html.contains("Week 48</a>"), "edition week");

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
        let a = story_sections
            .find(r#"<a href="/sections/armenia-karabakh">Armenia &amp; Karabakh</a>"#);
        let b = story_sections.find(r#"<a href="/sections/international">International</a>"#);
        assert!(
            a.is_some() && b.is_some() && a < b,
            "linked sections in order"
        );

        // One h1: the headline.
        assert_eq!(count(&html, "<h1"), 1);
        assert!(html.contains("<h1>Yerevan Seeks US Help for Release of Armenian Prisoners</h1>"));

        // "by" plus the posting account; the imported counters.
        assert!(
            html.contains(r#"by <span class="account-name">The Armenian Mirror-Spectator</span>"#)
        );
        assert!(html.contains(r#"<span class="views"><span class="n">62</span> views</span>"#));
        assert!(
            html.contains(r#"<span class="comments"><span class="n">0</span> comments</span>"#)
        );

        // The byline links to the contributor; the dateline links the source.
        assert!(html.contains(
            r#"By <a rel="author" href="/contributors/shoghik-galstian">Shoghik Galstian</a>"#
        ));
        assert!(html.contains(
        r#"<span class="dateline">YEREVAN (<a class="source" href="/sources/azatutyun">Azatutyun</a>) —</span> Prime Minister Nikol Pashinyan"#
    ));

        // The body, without the byline or dateline left in it.
        assert!(html.contains("<p>Neither an Armenian-Azerbaijani peace treaty"));
        assert_eq!(
            count(&html, "By Shoghik Galstian"),
            0,
            "byline not repeated as body text"
        );
        assert!(html.contains("<article"));

        // Related headline and publication footer.
        assert!(html.contains("<h2 id=\"related-title\">Related</h2>"));
        assert!(
            html.contains("<li>Several of the former officials of Artsakh on trial in Baku</li>")
        );
        assert!(html.contains(r#"<p class="story-footer">The Armenian Mirror-Spectator</p>"#));

        // The contributor, source and section pages list the story.
        for page in [
            "/contributors/shoghik-galstian",
            "/sources/azatutyun",
            "/sections/armenia-karabakh",
            "/sections/international",
            "/",
        ] {
            let (status, body) = server.get(page).await;
            assert_eq!(status, 200, "{page}");
            assert!(body.contains(ARTICLE), "{page} links the story");
        }
    }
);

engines!(
    reimport_updates_and_bad_files_store_nothing,
    |engine: Engine| async move {
        let n = Newsroom::on(engine).await;
        let seed = seed_file();
        for _ in 0..2 {
            let out = n.run(&["import", "text", seed.to_str().unwrap()]);
            assert!(out.status.success(), "{}", stderr(&out));
        }
        let out = n.run(&["import", "text", seed.to_str().unwrap()]);
        assert!(stdout(&out).starts_with("updated"), "{}", stdout(&out));

        // A capture whose view count is not a number.
        let text = std::fs::read_to_string(&seed).unwrap();
        let bad = n.data_dir().join("bad-capture.txt");
        std::fs::write(&bad, text.replacen("\n62\n", "\nsixty-two\n", 1)).unwrap();
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
