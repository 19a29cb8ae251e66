//! Tag pages, and old addresses of an imported site answering with one
//! redirect: to a story by its current slug, to a page of the site, never
//! naming a story that is not live, and never taking over a real page.

use gazette_domain::{ArticleStatus, Place, Slug, old_url_key};
use gazette_store::{Redirect, RedirectTarget};
use gazette_testkit::{Engine, engines};

use crate::util::{TestApp, days_ago};

engines!(tag_pages_list_their_stories, |engine: Engine| async move {
    let app = TestApp::spawn(engine).await;
    app.story("a", "Ferry Timetable Changes", days_ago(2)).await;
    app.story("b", "New Ferry Ordered", days_ago(1)).await;
    let r = app.get("/tags/ferries").await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    let (newer, older) = (
        html.find("New Ferry Ordered").unwrap(),
        html.find("Ferry Timetable Changes").unwrap(),
    );
    assert!(newer < older, "newest first");
    assert!(
        html.contains("Tag: Ferries") || html.contains("Ferries"),
        "{html}"
    );
    assert_eq!(app.get("/tags/no-such-tag").await.status(), 404);
    assert_eq!(app.get("/tags/ferries/page/2").await.status(), 404);
    let old = app.get("/tags/ferries?page=2").await;
    assert_eq!(old.status(), 301, "the old form moves to the path");
    assert_eq!(old.headers()["location"], "/tags/ferries/page/2");
});

engines!(
    old_addresses_answer_with_one_redirect,
    |engine: Engine| async move {
        let app = TestApp::spawn(engine).await;
        let (live, path) = app.story("a", "Harbour Wall Rebuilt", days_ago(1)).await;
        let mut draft = gazette_store::testing::sample("d", "Not Yet Out", days_ago(1));
        draft.status = ArticleStatus::Draft;
        let draft = app.core.save_article(&draft).await.unwrap();
        let slug = |s: &str| Slug::parse(s).unwrap();
        let redirects = [
            ("/2021/03/01/harbour-wall/", RedirectTarget::Article(live)),
            ("/?p=12", RedirectTarget::Article(live)),
            ("/?p=13", RedirectTarget::Article(draft.id)),
            (
                "/category/community/harbour-coast/",
                RedirectTarget::Place(Place::Section(slug("harbour-coast"))),
            ),
            (
                "/tag/ferries/",
                RedirectTarget::Place(Place::Tag(slug("ferries"))),
            ),
            ("/%d5%b6%d5%a5/", RedirectTarget::Article(live)),
            // An old address that is also a live page of this site.
            ("/sections/harbour-coast", RedirectTarget::Article(live)),
        ];
        app.core
            .store
            .save_redirects(
                &redirects
                    .iter()
                    .map(|(from, to)| Redirect {
                        from: old_url_key(from, &[]),
                        to: to.clone(),
                    })
                    .chain([
                        Redirect {
                            from: old_url_key("/", &[("p".into(), "12".into())]),
                            to: RedirectTarget::Article(live),
                        },
                        Redirect {
                            from: old_url_key("/", &[("p".into(), "13".into())]),
                            to: RedirectTarget::Article(draft.id),
                        },
                    ])
                    .collect::<Vec<_>>(),
            )
            .await
            .unwrap();
        for (from, status, to) in [
            ("/2021/03/01/harbour-wall/", 301, path.as_str()),
            ("/2021/03/01/Harbour-Wall", 301, path.as_str()),
            ("/?p=12&utm_source=x", 301, path.as_str()),
            ("/?p=13", 302, "/"),
            (
                "/category/community/harbour-coast/",
                301,
                "/sections/harbour-coast",
            ),
            (
                "/category/community/harbour-coast/page/2/",
                301,
                "/sections/harbour-coast/page/2",
            ),
            (
                "/category/community/harbour-coast/feed/",
                301,
                "/sections/harbour-coast",
            ),
            ("/tag/ferries/", 301, "/tags/ferries"),
            ("/%D5%B6%D5%A5", 301, path.as_str()),
            ("/նե/", 301, path.as_str()),
            ("/feed/", 301, "/"),
        ] {
            let r = app.get(from).await;
            assert_eq!(r.status().as_u16(), status, "{from}");
            assert_eq!(r.headers()["location"], to, "{from}");
        }
        // The draft's slug is never given away.
        let r = app.get("/?p=13").await;
        assert_eq!(r.headers()["cache-control"], "no-store");
        // A real page stays itself; unknown old addresses are 404.
        assert_eq!(app.get("/sections/harbour-coast").await.status(), 200);
        for missing in [
            "/?p=14",
            "/2021/03/01/unknown/",
            "/category/x/page/0/",
            "/category/community/harbour-coast/page/99999999999/",
            &format!("/{}", "a/".repeat(3000)),
        ] {
            assert_eq!(app.get(missing).await.status(), 404, "{missing}");
        }
        // Only reads are redirected.
        let r = app
            .http
            .post(app.url("/2021/03/01/harbour-wall/"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404);
    }
);
