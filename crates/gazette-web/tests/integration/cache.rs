//! The page microcache: public pages from memory for a few seconds, never
//! anything personal, cleared by moderation.

use gazette_testkit::{Engine, engines};
use std::time::Duration;

use gazette_store::testing::sample;

use crate::util::{TOKEN, TestApp, days_ago, test_config};

engines!(
    pages_come_from_memory_until_they_expire_or_moderation_clears_them,
    |engine: Engine| async move {
        let mut config = test_config();
        config.page_cache_ttl = Duration::from_secs(60);
        let app = TestApp::with_config(engine, config).await;
        let mut input = sample("k", "First Headline", days_ago(1));
        let saved = app.core.save_article(&input).await.unwrap();
        let path = format!("/articles/{}", saved.slug);
        assert!(app.text(&path).await.contains("<h1>First Headline</h1>"));

        input.headline = "Corrected Headline".into();
        app.core.save_article(&input).await.unwrap();
        assert!(
            app.text(&path).await.contains("<h1>First Headline</h1>"),
            "served from the cache"
        );
        assert!(
            app.text(&format!("{path}?comment=pending"))
                .await
                .contains("<h1>Corrected Headline</h1>"),
            "a page greeting one reader is never cached"
        );
        let metrics = app
            .http
            .get(app.url("/api/metrics"))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        for line in [
            "gazette_page_cache_total{outcome=\"hit\"} 1",
            "gazette_page_cache_total{outcome=\"miss\"} 1",
        ] {
            assert!(metrics.contains(line), "{line} in\n{metrics}");
        }
        // Moderating clears the cache, so an approved comment shows at once.
        let r = app
            .http
            .delete(app.url("/api/comments/999"))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 404);
        let c = app
            .store
            .add_comment(
                &gazette_domain::NewComment {
                    article: saved.id,
                    parent: None,
                    author_name: "Reader".into(),
                    author_email: None,
                    body_html: "<p>Hello</p>".into(),
                    fingerprint: "hello".into(),
                },
                app.core.now(),
            )
            .await
            .unwrap();
        let r = app
            .http
            .post(app.url(&format!("/api/comments/{}/approve", c.id)))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        assert_eq!(status, 200, "{}", r.text().await.unwrap());
        let page = app.text(&path).await;
        let h1 = &page[page.find("<h1").unwrap()..];
        assert!(
            h1.starts_with("<h1>Corrected Headline</h1>"),
            "{}",
            &h1[..60]
        );
    }
);

engines!(
    hits_and_staff_pages_are_never_cached,
    |engine: Engine| async move {
        let mut config = test_config();
        config.page_cache_ttl = Duration::from_secs(60);
        let app = TestApp::with_config(engine, config).await;
        let (id, _) = app.story("a", "Story", days_ago(1)).await;
        for ip in ["192.0.2.1", "192.0.2.2"] {
            assert_eq!(
                app.hit(id, ip, crate::util::FIREFOX).await,
                202,
                "each hit reaches the counter"
            );
        }
        let a = app.get("/staff").await;
        assert_eq!(a.headers()["cache-control"], "no-store");
        let t1 = a.text().await.unwrap();
        tokio::time::sleep(Duration::from_millis(1100)).await;
        let t2 = app.text("/staff").await;
        assert_ne!(t1, t2, "a fresh form token each time");
    }
);

engines!(
    metrics_report_what_the_counter_did,
    |engine: Engine| async move {
        let app = TestApp::spawn(engine).await;
        let (id, path) = app.story("a", "Story", days_ago(1)).await;
        app.hit(id, "192.0.2.1", crate::util::FIREFOX).await;
        app.hit(id, "192.0.2.1", crate::util::FIREFOX).await;
        app.hit(id, "192.0.2.2", "Googlebot/2.1").await;
        app.counted(&path).await;
        assert_eq!(
            app.http
                .get(app.url("/api/metrics"))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16(),
            401
        );
        let text = app
            .http
            .get(app.url("/api/metrics"))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        for line in [
            "gazette_views_total{outcome=\"counted\"} 1",
            "gazette_views_total{outcome=\"duplicate\"} 1",
            "gazette_views_total{outcome=\"bot\"} 1",
            "gazette_views_written_total 1",
            "gazette_views_pending 0",
        ] {
            assert!(text.contains(line), "{line} in\n{text}");
        }
    }
);

engines!(
    navigation_keeps_its_sections_until_a_change,
    |engine: Engine| async move {
        let app = TestApp::spawn(engine).await;
        app.story("a", "First Story", days_ago(1)).await;
        // The navigation, not the story list (which shows each story's section).
        let nav = |page: String| {
            let at = page.find("<nav class=\"sections\"").expect("navigation");
            page[at..at + page[at..].find("</nav>").unwrap()].to_owned()
        };
        let home = nav(app.text("/").await);
        assert!(home.contains("Harbour &amp; Coast"), "{home}");
        assert!(!home.contains("Night Desk"));
        // A story filed under a new section, saved behind the core's back
        // (as another node would): the navigation stays as it was...
        let mut input = sample("b", "Second Story", days_ago(1));
        input.sections = vec!["Night Desk".into()];
        let saved = app
            .store
            .save_article(&input, app.core.now())
            .await
            .unwrap();
        assert!(!nav(app.text("/").await).contains("Night Desk"), "kept");
        // ...until the change is heard.
        app.core
            .apply_change(gazette_store::Change::Article(saved.id))
            .await;
        assert!(nav(app.text("/").await).contains("Night Desk"), "followed");
    }
);
