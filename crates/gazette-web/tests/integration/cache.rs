//! The page microcache: public pages from memory for a few seconds, never
//! anything personal, cleared by moderation.

use gazette_testkit::{Engine, engines};
use std::time::Duration;

use gazette_store::testing::sample;

use crate::util::{TOKEN, TestApp, days_ago, test_config};

engines!(
    pages_come_from_memory_until_they_expire_or_moderation_clears_them,
    |engine: Engine| async move {
        let app = with_page_cache(engine, 60).await;
        let mut input = sample("k", "First Headline", days_ago(1));
        let saved = app.core.save_article(&input).await.unwrap();
        let path = format!("/articles/{}", saved.slug);
        assert!(app.text(&path).await.contains("<h1>First Headline</h1>"));

        assert!(
            app.text(&path).await.contains("<h1>First Headline</h1>"),
            "served from the cache"
        );
        input.headline = "Corrected Headline".into();
        app.core.save_article(&input).await.unwrap();
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
        let c = app.pending_comment(saved.id).await;
        assert!(
            app.text(&path).await.contains("Corrected Headline"),
            "an edit saved on this node forgets its page at once"
        );
        assert!(!app.text(&path).await.contains("<p>Hello</p>"), "pending");
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
        assert!(page.contains("<p>Hello</p>"), "approved, shown at once");
    }
);

engines!(
    hits_and_staff_pages_are_never_cached,
    |engine: Engine| async move {
        let app = with_page_cache(engine, 60).await;
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

/// An app whose pages are kept for `seconds`.
async fn with_page_cache(engine: Engine, seconds: u64) -> TestApp {
    let mut config = test_config();
    config.page_cache_ttl = Duration::from_secs(seconds);
    TestApp::with_config(engine, config).await
}

async fn cached_get(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut req = app
        .http
        .get(app.url(path))
        .header("User-Agent", crate::util::FIREFOX);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    req.send().await.unwrap()
}

engines!(
    a_change_forgets_only_the_pages_it_makes_stale,
    |engine: Engine| async move {
        let app = with_page_cache(engine, 600).await;
        let mut a = sample("a", "Story A", days_ago(2));
        a.sections = vec!["Arts".into()];
        let a_id = app.core.save_article(&a).await.unwrap().id;
        let mut b = sample("b", "Story B", days_ago(2));
        b.sections = vec!["Sports".into()];
        b.contributors = vec!["Other Writer".into()];
        b.sources.clear();
        b.tags.clear();
        app.core.save_article(&b).await.unwrap();
        let h1 = |page: String| {
            let at = page.find("<h1>").unwrap();
            page[at..at + page[at..].find("</h1>").unwrap()].to_owned()
        };
        assert_eq!(h1(app.text("/articles/story-b").await), "<h1>Story B");
        assert!(app.text("/sections/sports").await.contains("Story B"));
        // Edited behind the core's back: every cached page stays as it was.
        b.headline = "Story B, Corrected".into();
        let b_id = app.store.save_article(&b, app.core.now()).await.unwrap().id;
        assert_eq!(h1(app.text("/articles/story-b").await), "<h1>Story B");
        // A comment on story A forgets A's pages only.
        app.core
            .apply_change(gazette_store::Change::Comments(a_id))
            .await;
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert_eq!(
            h1(app.text("/articles/story-b").await),
            "<h1>Story B",
            "another story's page is kept"
        );
        // Story B's change forgets its page and the listings.
        app.core
            .apply_change(gazette_store::Change::Article(b_id))
            .await;
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert_eq!(
            h1(app.text("/articles/story-b").await),
            "<h1>Story B, Corrected"
        );
        assert!(
            app.text("/sections/sports")
                .await
                .contains("Story B, Corrected")
        );
    }
);

engines!(
    pages_revalidate_and_come_compressed_once,
    |engine: Engine| async move {
        let app = with_page_cache(engine, 60).await;
        app.story("a", "Story", days_ago(1)).await;
        let plain = cached_get(&app, "/", &[]).await;
        assert_eq!(plain.status(), 200);
        let etag = plain.headers()["etag"].to_str().unwrap().to_owned();
        let modified = plain.headers()["last-modified"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(plain.headers().get("content-encoding").is_none());
        assert_eq!(plain.headers()["vary"], "Accept-Encoding");
        let body = plain.bytes().await.unwrap();
        // The client has it: 304, no body.
        for (k, v) in [
            ("If-None-Match", etag.as_str()),
            ("If-Modified-Since", modified.as_str()),
        ] {
            let r = cached_get(&app, "/", &[(k, v)]).await;
            assert_eq!(r.status(), 304, "{k}");
            assert_eq!(r.headers()["etag"], etag.as_str());
            assert!(r.bytes().await.unwrap().is_empty());
        }
        let r = cached_get(&app, "/", &[("If-None-Match", "\"stale\"")]).await;
        assert_eq!(r.status(), 200);
        // Brotli and gzip, the same bytes once decoded.
        let r = cached_get(&app, "/", &[("Accept-Encoding", "gzip, br")]).await;
        assert_eq!(r.headers()["content-encoding"], "br");
        let packed = r.bytes().await.unwrap();
        assert!(
            packed.len() * 2 < body.len(),
            "{} of {}",
            packed.len(),
            body.len()
        );
        let mut out = Vec::new();
        brotli::BrotliDecompress(&mut &packed[..], &mut out).unwrap();
        assert_eq!(out, body);
        let r = cached_get(&app, "/", &[("Accept-Encoding", "gzip")]).await;
        assert_eq!(r.headers()["content-encoding"], "gzip");
        let packed = r.bytes().await.unwrap();
        let mut out = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&packed[..]), &mut out)
            .unwrap();
        assert_eq!(out, body);
        // An error page is not cached, and never compressed by mistake.
        let r = cached_get(&app, "/sections/nope", &[("Accept-Encoding", "br")]).await;
        assert_eq!(r.status(), 404);
        assert!(r.headers().get("content-encoding").is_none());
    }
);

engines!(
    a_large_page_leaves_from_its_file_byte_for_byte,
    |engine: Engine| async move {
        let app = with_page_cache(engine, 60).await;
        let mut input = sample("long", "A Very Long Report", days_ago(1));
        input.body_html = (0..1500)
            .map(|i| format!("<p>Paragraph {i} of the council's long report on the harbour.</p>\n"))
            .collect();
        let saved = app.core.save_article(&input).await.unwrap();
        let path = format!("/articles/{}", saved.slug);
        let sent = |app: &TestApp| {
            let app = app.http.get(app.url("/api/metrics")).bearer_auth(TOKEN);
            async move {
                let text = app.send().await.unwrap().text().await.unwrap();
                text.lines()
                    .find_map(|l| l.strip_prefix("gazette_sendfile_bytes_total "))
                    .expect("the counter is reported")
                    .parse::<u64>()
                    .unwrap()
            }
        };
        let rendered = cached_get(&app, &path, &[]).await.bytes().await.unwrap();
        assert!(rendered.len() > 64 * 1024, "{} bytes", rendered.len());
        let before = sent(&app).await;
        // Several times on one kept-alive connection, from the cache.
        for _ in 0..3 {
            let r = cached_get(&app, &path, &[]).await;
            assert_eq!(r.status(), 200);
            assert_eq!(
                r.headers()["content-length"],
                rendered.len().to_string().as_str()
            );
            assert!(r.bytes().await.unwrap() == rendered, "the same bytes");
        }
        let after = sent(&app).await;
        assert!(
            after - before >= 3 * (rendered.len() as u64 - 8 * 1024),
            "only {} bytes came from the file",
            after - before
        );
        // A revalidation and a compressed copy on the same connection.
        let etag = cached_get(&app, &path, &[]).await.headers()["etag"].clone();
        let r = cached_get(&app, &path, &[("If-None-Match", etag.to_str().unwrap())]).await;
        assert_eq!(r.status(), 304);
        let r = cached_get(&app, &path, &[("Accept-Encoding", "gzip")]).await;
        let packed = r.bytes().await.unwrap();
        let mut out = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&packed[..]), &mut out)
            .unwrap();
        assert!(out == rendered, "gzip of the same bytes");
    }
);

engines!(
    a_page_rendered_again_keeps_its_validators_until_it_changes,
    |engine: Engine| async move {
        // Ten-minute view-token steps: start just after one begins.
        let step = jiff::Timestamp::now().as_second() / 600 * 600 + 60;
        let clock = std::sync::Arc::new(gazette_core::ManualClock::new(
            jiff::Timestamp::from_second(step).unwrap(),
        ));
        // No page cache: every request renders the page again.
        let app = TestApp::build(
            engine,
            test_config(),
            gazette_core::CoreConfig::default(),
            clock.clone(),
        )
        .await;
        let mut input = sample("v", "Stable Headline", days_ago(1));
        let saved = app.core.save_article(&input).await.unwrap();
        let path = format!("/articles/{}", saved.slug);
        let first = cached_get(&app, &path, &[]).await;
        let etag = first.headers()["etag"].to_str().unwrap().to_owned();
        let modified = first.headers()["last-modified"]
            .to_str()
            .unwrap()
            .to_owned();
        let first = first.text().await.unwrap();
        clock.advance(jiff::SignedDuration::from_secs(5));
        tokio::time::sleep(Duration::from_millis(1100)).await;
        let again = cached_get(&app, &path, &[]).await;
        assert_eq!(again.headers()["etag"], etag.as_str());
        assert_eq!(again.headers()["last-modified"], modified.as_str());
        let again = again.text().await.unwrap();
        assert_ne!(first, again, "the comment form's stamp moved on");
        for (k, v) in [
            ("If-None-Match", etag.as_str()),
            ("If-Modified-Since", modified.as_str()),
        ] {
            let r = cached_get(&app, &path, &[(k, v)]).await;
            assert_eq!(r.status(), 304, "{k} after a render that shows the same");
        }
        // The older copy's form still takes a comment.
        let fields = crate::comments::form_fields(&first);
        let r = crate::comments::post(
            &app,
            &path,
            &fields,
            &[("name", "Lusine"), ("body", "Read it this morning.")],
            "203.0.113.7",
        )
        .await;
        assert!(
            r.status().is_success() || r.status().is_redirection(),
            "{}",
            r.status()
        );
        assert!(r.url().as_str().contains("comment=pending") || r.status().is_redirection());
        // Ten minutes on, the view beacon's token is new: so is the ETag.
        clock.advance(jiff::SignedDuration::from_mins(10));
        let r = cached_get(&app, &path, &[("If-None-Match", etag.as_str())]).await;
        assert_eq!(r.status(), 200);
        let later = r.headers()["etag"].to_str().unwrap().to_owned();
        assert_ne!(later, etag);
        // An edit is a new page.
        input.headline = "Edited Headline".into();
        app.core.save_article(&input).await.unwrap();
        let r = cached_get(&app, &path, &[("If-None-Match", later.as_str())]).await;
        assert_eq!(r.status(), 200);
        assert!(r.text().await.unwrap().contains("Edited Headline"));
    }
);
