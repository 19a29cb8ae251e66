//! The reader site's newer pages over HTTP, on both engines: search (with
//! a real tantivy index following the store), weekly editions, feeds,
//! sitemaps, search-engine markup and the stories around a story.

use std::time::{Duration, Instant};

use gazette_domain::ArticleStatus;
use gazette_store::testing::sample;
use gazette_testkit::{Engine, engines};

use crate::util::{TestApp, days_ago};

/// Attaches a fresh search index to the app's core and starts the node's
/// background work, as `gazette serve` does.
async fn with_search(app: &TestApp) -> (tempfile::TempDir, gazette_core::jobs::Background) {
    let dir = tempfile::tempdir().unwrap();
    let opened = gazette_search::SearchIndex::open(&dir.path().join("search")).unwrap();
    app.core.attach_search(std::sync::Arc::new(opened.index));
    (dir, gazette_core::jobs::start(app.core.clone()))
}

/// Polls `path` until its text holds `needle` (or not, for `present =
/// false`); returns how long it took.
async fn until(app: &TestApp, path: &str, needle: &str, present: bool) -> Duration {
    let start = Instant::now();
    loop {
        let page = app.text(path).await;
        // The page's own content: the top-stories strip above it names
        // stories too.
        let html = &page[page.find("<main").unwrap_or(0)..];
        if html.contains(needle) == present {
            return start.elapsed();
        }
        assert!(
            start.elapsed() < Duration::from_secs(15),
            "{path}: {needle:?} {} after 15 s:\n{html}",
            if present {
                "never appeared"
            } else {
                "never left"
            }
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

engines!(
    search_finds_what_is_published_and_follows_every_change,
    |engine: Engine| async move {
        let app = TestApp::spawn(engine).await;
        let (_dir, background) = with_search(&app).await;
        app.story("a", "Harbour Wall Approved By The Council", days_ago(3))
            .await;
        let mut hy = sample("hy", "Երևանում բացվեց նոր գրադարան", days_ago(2));
        hy.body_html = "<p>Երևանի կենտրոնում այսօր բացվեց նոր գրադարան։</p>".into();
        hy.language = "hy".into();
        app.core.save_article(&hy).await.unwrap();
        let mut later = sample("s", "Harbour Festival Next Year", days_ago(-30));
        later.body_html = "<p>A festival at the harbour.</p>".into();
        app.core.save_article(&later).await.unwrap();
        let took = until(
            &app,
            "/search?q=harbour+wall",
            "/articles/harbour-wall-approved-by-the-council\"",
            true,
        )
        .await;
        eprintln!("a new story was found after {took:?}");
        let html = app.text("/search?q=harbour").await;
        let results = &html[html.find("<h1>").unwrap()..];
        assert!(results.contains("<mark>Harbour</mark>"), "{results}");
        assert!(
            !html.contains("Harbour Festival"),
            "a scheduled story is not out yet"
        );
        // Armenian, in either case, once the follower has taken it in (the
        // top-stories strip above the results names it too, so only the
        // page's own content counts).
        until(
            &app,
            "/search?q=%D4%B3%D5%90%D4%B1%D4%B4%D4%B1%D5%90%D4%B1%D5%86",
            "Երևանում բացվեց",
            true,
        )
        .await;
        until(
            &app,
            "/search?q=%22%D5%B6%D5%B8%D6%80+%D5%A3%D6%80%D5%A1%D5%A4%D5%A1%D6%80%D5%A1%D5%B6%22",
            "1 story found",
            true,
        )
        .await;
        // Filters: a section narrows, an unknown one is said and dropped.
        let html = app.text("/search?q=harbour&section=international").await;
        assert!(
            html.contains("harbour-wall-approved-by-the-council\""),
            "{html}"
        );
        let html = app
            .text("/search?q=harbour&section=nope&from=junk&page=zz")
            .await;
        assert!(html.contains("There is no such section"), "{html}");
        assert!(html.contains("not a date like"), "{html}");
        assert!(
            html.contains("harbour-wall-approved-by-the-council\""),
            "{html}"
        );
        let html = app
            .text(&format!("/search?q=harbour&from={}", days_ago(1).date()))
            .await;
        assert!(
            html.contains("No stories found"),
            "dates narrow too: {html}"
        );
        // What the reader typed is escaped wherever it shows.
        let r = app
            .get("/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E")
            .await;
        assert_eq!(r.status(), 200);
        let html = r.text().await.unwrap();
        assert!(!html.contains("<script>alert(1)"), "{html}");
        assert!(html.contains("&lt;script&gt;alert(1)"), "{html}");
        // An empty query gets advice; an absurd one a page, quickly.
        assert!(app.text("/search?q=").await.contains("How to search"));
        let long = "x".repeat(10_000);
        let t0 = Instant::now();
        let r = app.get(&format!("/search?q={long}")).await;
        assert_eq!(r.status(), 200);
        assert!(t0.elapsed() < Duration::from_secs(2));
        assert!(
            r.text()
                .await
                .unwrap()
                .contains("only its first 200 characters")
        );
        for q in ["%22", "(((", "AND+OR", "title%3A", "*"] {
            assert_eq!(
                app.get(&format!("/search?q={q}")).await.status(),
                200,
                "{q}"
            );
        }
        // Unpublished: gone from results within seconds.
        let mut draft = sample("a", "Harbour Wall Approved By The Council", days_ago(3));
        draft.status = ArticleStatus::Draft;
        app.core.save_article(&draft).await.unwrap();
        until(
            &app,
            "/search?q=harbour+wall",
            "/articles/harbour-wall-approved-by-the-council\"",
            false,
        )
        .await;
        // Edited: found by its new words.
        let mut edited = sample("hy", "Երևանում բացվեց նոր գրադարան", days_ago(2));
        edited.body_html = "<p>Библиотека opened with a lighthouse exhibit.</p>".into();
        app.core.save_article(&edited).await.unwrap();
        until(&app, "/search?q=lighthouse", "Երևանում", true).await;
        background.shutdown().await.unwrap();
    }
);

engines!(
    weekly_editions_list_their_stories_by_section,
    |engine: Engine| async move {
        let app = TestApp::spawn(engine).await;
        let this_week = gazette_domain::IsoWeek::of_zoned(&days_ago(0)).unwrap();
        let monday = this_week.start(&app.core.newsroom.time_zone).unwrap();
        let (_, path) = app.story("n", "Story Of This Week", monday.clone()).await;
        let older = monday.checked_sub(jiff::ToSpan::days(15)).unwrap();
        app.story("o", "Story Of An Older Week", older.clone())
            .await;
        let mut draft = sample("d", "Draft Of This Week", monday.clone());
        draft.status = ArticleStatus::Draft;
        app.core.save_article(&draft).await.unwrap();
        let page = app.text(&format!("/week/{this_week}")).await;
        // The edition itself, not the top-stories strip around it.
        let html = &page[page.find("edition-stories").unwrap()..page.find("edition-top").unwrap()];
        assert!(html.contains("Story Of This Week"), "{html}");
        assert!(!html.contains("Story Of An Older Week"));
        assert!(!html.contains("Draft Of This Week"));
        assert!(
            html.contains("Harbour &amp; Coast</a></h2>"),
            "grouped by section: {html}"
        );
        let html = &page;
        let prev = this_week.previous().unwrap();
        assert!(
            html.contains(&format!("href=\"/week/{prev}\"")),
            "a link to the week before"
        );
        let old_week = gazette_domain::IsoWeek::of_zoned(&older).unwrap();
        let html = app.text(&format!("/week/{old_week}")).await;
        assert!(html.contains("Story Of An Older Week"));
        // The archive: every week from the first, newest first.
        let html = app.text("/weeks").await;
        let (a, b) = (
            html.find(&format!("/week/{this_week}\""))
                .expect("this week"),
            html.find(&format!("/week/{old_week}\""))
                .expect("the old week"),
        );
        assert!(a < b, "newest first");
        // The article's edition line leads to its week.
        assert!(
            app.text(&path)
                .await
                .contains(&format!("href=\"/week/{this_week}\""))
        );
        // Weeks that are no edition.
        for bad in [
            "/week/2025-W54",
            "/week/9999-W01",
            "/week/1900-W01",
            "/week/junk",
            "/week/2025-W48/feed.xml",
        ] {
            let t0 = Instant::now();
            let r = app.get(bad).await;
            assert_eq!(r.status(), 404, "{bad}");
            assert!(t0.elapsed() < Duration::from_secs(1));
        }
        // The week's own feeds.
        let r = app.get(&format!("/week/{this_week}/feed.xml")).await;
        assert_eq!(r.status(), 200);
        let channel = rss::Channel::read_from(&r.bytes().await.unwrap()[..]).unwrap();
        assert_eq!(channel.items().len(), 1);
    }
);

engines!(
    feeds_parse_and_keep_their_ids_through_edits,
    |engine: Engine| async move {
        let app = TestApp::spawn(engine).await;
        app.story("a", "First Story", days_ago(2)).await;
        app.story("b", "Second Story", days_ago(1)).await;
        let rss_of = |path: &'static str| {
            let app = &app;
            async move {
                let r = app.get(path).await;
                assert_eq!(r.status(), 200, "{path}");
                assert!(
                    r.headers()["content-type"]
                        .to_str()
                        .unwrap()
                        .starts_with("application/rss+xml")
                );
                rss::Channel::read_from(&r.bytes().await.unwrap()[..]).unwrap()
            }
        };
        let channel = rss_of("/feed.xml").await;
        let titles: Vec<_> = channel
            .items()
            .iter()
            .map(|i| i.title().unwrap().to_owned())
            .collect();
        assert_eq!(titles, ["Second Story", "First Story"]);
        let guid = channel.items()[1].guid().unwrap().value().to_owned();
        assert!(guid.starts_with("tag:127.0.0.1,2025:article:"), "{guid}");
        assert!(
            channel.items()[1]
                .content()
                .unwrap()
                .contains("First paragraph."),
            "full text"
        );
        assert_eq!(
            channel.items()[1].dublin_core_ext().unwrap().creators(),
            ["Ani Hakobyan", "Mher Sargsyan"]
        );
        // An edit changes the headline, never the id.
        let mut edited = sample("a", "First Story, Corrected", days_ago(2));
        edited.slug = None;
        app.core.save_article(&edited).await.unwrap();
        let channel = rss_of("/feed.xml").await;
        let item = channel
            .items()
            .iter()
            .find(|i| i.title() == Some("First Story, Corrected"))
            .unwrap();
        assert_eq!(item.guid().unwrap().value(), guid);
        // Atom, with the same ids.
        let r = app.get("/atom.xml").await;
        assert!(
            r.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("application/atom+xml")
        );
        let feed = atom_syndication::Feed::read_from(&r.bytes().await.unwrap()[..]).unwrap();
        assert_eq!(feed.entries().len(), 2);
        assert!(feed.entries().iter().any(|e| e.id() == guid));
        assert_eq!(feed.entries()[0].authors()[0].name(), "Ani Hakobyan");
        // Every listing has both.
        for path in [
            "/sections/harbour-coast/feed.xml",
            "/tags/ferries/feed.xml",
            "/contributors/ani-hakobyan/feed.xml",
            "/sources/meridian-wire/feed.xml",
        ] {
            assert_eq!(rss_of(path).await.items().len(), 2, "{path}");
            let atom = path.replace("feed.xml", "atom.xml");
            let r = app.get(&atom).await;
            assert_eq!(r.status(), 200, "{atom}");
            atom_syndication::Feed::read_from(&r.bytes().await.unwrap()[..]).unwrap();
        }
        assert_eq!(app.get("/sections/nope/feed.xml").await.status(), 404);
        // Pages name their feeds.
        let html = app.text("/sections/harbour-coast").await;
        assert!(html.contains(r#"<link rel="alternate" type="application/rss+xml" title="Harbour &amp; Coast (RSS)" href="/sections/harbour-coast/feed.xml">"#), "{html}");
    }
);

engines!(
    sitemaps_robots_and_article_markup,
    |engine: Engine| async move {
        let app = TestApp::spawn(engine).await;
        let (_, old_path) = app.story("a", "An Older Story", days_ago(20)).await;
        let (_, new_path) = app.story("b", "A Story Of Today", days_ago(0)).await;
        let mut draft = sample("d", "A Draft Nobody Sees", days_ago(0));
        draft.status = ArticleStatus::Draft;
        app.core.save_article(&draft).await.unwrap();
        let robots = app.text("/robots.txt").await;
        assert!(
            robots.contains("Sitemap: http://127.0.0.1/sitemap.xml"),
            "{robots}"
        );
        assert!(
            robots.contains("Disallow: /search?\n"),
            "results, not the form: {robots}"
        );
        let index = app.text("/sitemap.xml").await;
        assert!(
            index.contains("<loc>http://127.0.0.1/sitemaps/stories-0.xml</loc>"),
            "{index}"
        );
        assert!(
            index.contains("<loc>http://127.0.0.1/sitemaps/pages.xml</loc>"),
            "{index}"
        );
        let stories = app.text("/sitemaps/stories-0.xml").await;
        assert!(
            stories.contains(&format!("<loc>http://127.0.0.1{old_path}</loc>")),
            "{stories}"
        );
        assert!(!stories.contains("a-draft-nobody-sees"));
        assert_eq!(app.get("/sitemaps/stories-1.xml").await.status(), 404);
        assert_eq!(app.get("/sitemaps/stories-x.xml").await.status(), 404);
        assert!(
            app.text("/sitemaps/pages.xml")
                .await
                .contains("/sections/harbour-coast</loc>")
        );
        let news = app.text("/news-sitemap.xml").await;
        assert!(
            news.contains(&format!("http://127.0.0.1{new_path}")),
            "{news}"
        );
        assert!(!news.contains(&old_path), "only the last two days");
        assert!(news.contains("<news:name>The Test Courier</news:name>"));
        // The article page: JSON-LD, OpenGraph, canonical.
        let html = app.text(&new_path).await;
        let start = html.find(r#"<script type="application/ld+json">"#).unwrap() + 35;
        let end = start + html[start..].find("</script>").unwrap();
        let ld: serde_json::Value = serde_json::from_str(&html[start..end]).unwrap();
        assert_eq!(ld["@type"], "NewsArticle");
        assert_eq!(ld["headline"], "A Story Of Today");
        assert_eq!(ld["author"][0]["@type"], "Person");
        assert_eq!(ld["author"][0]["name"], "Ani Hakobyan");
        assert_eq!(ld["author"][1]["name"], "Mher Sargsyan");
        assert_eq!(ld["publisher"]["@type"], "Organization");
        assert!(
            ld["publisher"]["logo"]["url"]
                .as_str()
                .unwrap()
                .ends_with("/static/logo.png")
        );
        let published = ld["datePublished"].as_str().unwrap();
        assert!(
            published.parse::<jiff::Timestamp>().is_ok(),
            "with its offset: {published}"
        );
        assert!(
            ld["dateModified"]
                .as_str()
                .unwrap()
                .parse::<jiff::Timestamp>()
                .is_ok()
        );
        assert_eq!(ld["articleSection"][0], "Harbour & Coast");
        assert!(html.contains(&format!(
            r#"<link rel="canonical" href="http://127.0.0.1{new_path}">"#
        )));
        assert!(html.contains(r#"<meta property="og:type" content="article">"#));
        assert_eq!(app.get("/static/logo.png").await.status(), 200);
        // Related stories and the neighbour in the section.
        assert!(html.contains("Related stories"), "{html}");
        assert!(
            html.contains(&format!(r#"<a rel="prev" href="{old_path}">"#)),
            "{html}"
        );
        let old = app.text(&old_path).await;
        assert!(old.contains(&format!(r#"<a rel="next" href="{new_path}">"#)));
        assert!(old.contains(">A Story Of Today<"), "related: {old}");
        // The related lists are kept between renders, until a change: a
        // story published now is related at once.
        app.story("c", "A Third Story", days_ago(1)).await;
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        loop {
            let old = app.text(&old_path).await;
            if old.contains(">A Third Story<") {
                break;
            }
            assert!(std::time::Instant::now() < deadline, "not related: {old}");
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }
);

/// A story with no counts brought from elsewhere.
async fn fresh_story(
    app: &TestApp,
    key: &str,
    headline: &str,
) -> (gazette_domain::ArticleId, String) {
    let mut input = sample(key, headline, days_ago(1));
    input.legacy_comments = 0;
    input.legacy_views = 0;
    let saved = app.core.save_article(&input).await.unwrap();
    (saved.id, format!("/articles/{}", saved.slug))
}

/// Approves one comment on `id`.
async fn one_comment(app: &TestApp, id: gazette_domain::ArticleId) {
    let c = app.pending_comment(id).await;
    app.core
        .moderate(c.id, gazette_core::Moderation::Approve)
        .await
        .unwrap();
}

engines!(
    counts_dates_and_words_follow_the_newsrooms_language,
    |engine: Engine| async move {
        // English: one comment is "1 comment", never "1 comments".
        let app = TestApp::spawn(engine).await;
        let (id, path) = fresh_story(&app, "a", "A Story").await;
        one_comment(&app, id).await;
        let home = app.text("/").await;
        assert!(home.contains(">1 comment<"), "{home}");
        assert!(!home.contains("1 comments"));
        assert!(
            app.text(&path)
                .await
                .contains("<h2 id=\"comments-title\">1 comment</h2>")
        );
        let (_, other) = fresh_story(&app, "b", "Another Story").await;
        assert!(
            app.text(&other)
                .await
                .contains("<h2 id=\"comments-title\">0 comments</h2>")
        );
        // Armenian: its words, its digit grouping and its dates.
        let mut hy = crate::util::newsroom();
        hy.language = "hy".into();
        let app = TestApp::in_newsroom(engine, hy).await;
        let (id, path) = fresh_story(&app, "a", "Նոր գրադարան").await;
        one_comment(&app, id).await;
        let page = app.text(&path).await;
        assert!(page.contains("<html lang=\"hy\">"));
        assert!(page.contains("1 մեկնաբանություն"), "{page}");
        assert!(page.contains("Թողնել մեկնաբանություն"), "the form too");
        assert!(page.contains(" թ."), "an Armenian date: {page}");
        assert!(!page.contains("Leave a comment"));
        let months = [
            "հունվարի",
            "փետրվարի",
            "մարտի",
            "ապրիլի",
            "մայիսի",
            "հունիսի",
            "հուլիսի",
            "օգոստոսի",
            "սեպտեմբերի",
            "հոկտեմբերի",
            "նոյեմբերի",
            "դեկտեմբերի",
        ];
        assert!(months.iter().any(|m| page.contains(m)), "a month's name");
        let missing = app.get("/sections/nope").await;
        assert_eq!(missing.status(), 404);
        assert!(missing.text().await.unwrap().contains("Էջը չի գտնվել"));
        assert!(app.text("/search?q=").await.contains("Ինչպես որոնել"));
    }
);
