//! The story editor over HTTP: the workflow from a contributor's draft to
//! review, schedule, publication on time and unpublishing; revisions, their
//! diff and restore; two editors saving at once; the preview.

use std::{sync::Arc, time::Duration};

use gazette_domain::{ArticleId, Role, WorkflowState};
use gazette_testkit::{Engine, engines};
use reqwest::{StatusCode, header};

use crate::{
    admin::{add, csrf, get_as, input, post_as, signed_in},
    util::{TestApp, days_ago, test_config},
};

/// Posts the story form to `path` as `cookie`.
async fn send(
    app: &TestApp,
    cookie: &str,
    path: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let mut form = vec![("csrf", csrf(app, cookie).await)];
    form.extend(fields.iter().map(|(k, v)| (*k, v.to_string())));
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    post_as(app, Some(cookie), path, &pairs).await
}

/// The story a save redirected to, and the revision it saved.
fn saved_at(r: &reqwest::Response) -> (ArticleId, u32) {
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{r:?}");
    let to = r.headers()[header::LOCATION].to_str().unwrap();
    let rest = to.strip_prefix("/admin/stories/").unwrap();
    let (id, saved) = rest.split_once("?saved=").unwrap();
    (ArticleId(id.parse().unwrap()), saved.parse().unwrap())
}

async fn page(app: &TestApp, cookie: &str, path: &str) -> (StatusCode, String) {
    let r = get_as(app, Some(cookie), path).await;
    (r.status(), r.text().await.unwrap())
}

engines!(
    a_story_goes_from_draft_to_review_schedule_and_live_on_time,
    |engine: Engine| async move {
        let clock = Arc::new(gazette_core::ManualClock::new(jiff::Timestamp::now()));
        // Pages are kept ten minutes: only the job's announcement can
        // bring the front page up to date when the story goes live.
        let config = gazette_web::WebConfig {
            page_cache_ttl: Duration::from_secs(600),
            ..test_config()
        };
        let app = TestApp::build(
            engine,
            config,
            gazette_core::CoreConfig::default(),
            clock.clone(),
        )
        .await;
        app.story("old", "An Older Story", days_ago(3)).await;
        add(&app, "cub@example.org", Role::Contributor).await;
        add(&app, "pen@example.org", Role::Author).await;
        add(&app, "ed@example.org", Role::Editor).await;
        let cub = signed_in(&app, "cub@example.org").await;
        let pen = signed_in(&app, "pen@example.org").await;
        let ed = signed_in(&app, "ed@example.org").await;
        let story = |headline: &'static str, action: &'static str| {
            vec![
                ("headline", headline),
                ("body", "The ferry *resumed* service.\n\nSecond paragraph."),
                ("contributors", "Lilit Avetisyan"),
                ("sections", "Harbour & Coast"),
                ("dateline_place", "Gyumri"),
                ("sources", "Armenpress"),
                ("action", action),
            ]
        };
        // A contributor writes a draft and submits it for review.
        let r = send(
            &app,
            &cub,
            "/admin/stories/new",
            &story("Ferry Resumes", "draft"),
        )
        .await;
        let (id, n) = saved_at(&r);
        assert_eq!(n, 1);
        let path = format!("/admin/stories/{id}");
        let (status, html) = page(&app, &cub, &format!("{path}?saved=1")).await;
        assert_eq!(status, 200);
        assert!(html.contains("Saved as revision 1."), "{html}");
        assert!(html.contains("<strong>Draft</strong>"), "{html}");
        assert_eq!(input(&html, "revision"), "1");
        let mut review = story("Ferry Resumes", "review");
        review.push(("revision", "1"));
        let (_, n) = saved_at(&send(&app, &cub, &path, &review).await);
        assert_eq!(n, 2);
        // Publishing is not the contributor's; another author may not even
        // open the story.
        let mut publish = story("Ferry Resumes", "publish");
        publish.push(("revision", "2"));
        assert_eq!(
            send(&app, &cub, &path, &publish).await.status(),
            StatusCode::FORBIDDEN
        );
        assert_eq!(page(&app, &pen, &path).await.0, StatusCode::FORBIDDEN);
        assert_eq!(
            send(&app, &pen, &path, &publish).await.status(),
            StatusCode::FORBIDDEN
        );
        // The editor sees it waiting, and schedules it for an hour on.
        let (_, dash) = page(&app, &ed, "/admin").await;
        let waiting = &dash[dash.find("Awaiting review").unwrap()..];
        assert!(
            waiting[..waiting.find("</section>").unwrap()].contains("Ferry Resumes"),
            "{dash}"
        );
        let at = app
            .core
            .now_zoned()
            .checked_add(jiff::Span::new().hours(1))
            .unwrap()
            .datetime()
            .strftime("%Y-%m-%dT%H:%M")
            .to_string();
        let mut schedule = story("Ferry Resumes On Monday", "schedule");
        schedule.push(("publish_at", &at));
        schedule.push(("revision", "2"));
        let (_, n) = saved_at(&send(&app, &ed, &path, &schedule).await);
        assert_eq!(n, 3);
        assert_eq!(app.get("/articles/ferry-resumes").await.status(), 404);
        let front = app.text("/").await;
        assert!(!front.contains("Ferry Resumes On Monday"));
        let (_, dash) = page(&app, &ed, "/admin").await;
        let scheduled = &dash[dash.find("id=\"d-scheduled\"").unwrap()..];
        assert!(
            scheduled[..scheduled.find("</section>").unwrap()].contains("Ferry Resumes On Monday"),
            "{dash}"
        );
        assert!(
            !dash[dash.find("Awaiting review").unwrap()..].starts_with("Ferry"),
            "no longer waiting"
        );
        // Once scheduled, the contributor cannot change it.
        let mut late = story("Ferry Resumes, Says Cub", "draft");
        late.push(("revision", "3"));
        assert_eq!(
            send(&app, &cub, &path, &late).await.status(),
            StatusCode::FORBIDDEN
        );
        // The publishing job has looked once before the time comes.
        assert_eq!(
            app.core.announce_due_stories(app.core.now()).await.unwrap(),
            0
        );
        clock.advance(jiff::SignedDuration::from_mins(61));
        // The story's own page is live at once; the cached front page
        // learns of it from the job, exactly once however often it runs.
        assert_eq!(app.get("/articles/ferry-resumes").await.status(), 200);
        assert!(
            !app.text("/").await.contains("Ferry Resumes On Monday"),
            "cached"
        );
        assert_eq!(
            app.core.announce_due_stories(app.core.now()).await.unwrap(),
            1
        );
        assert_eq!(
            app.core.announce_due_stories(app.core.now()).await.unwrap(),
            0
        );
        assert!(app.text("/").await.contains("Ferry Resumes On Monday"));
        let (_, html) = page(&app, &ed, &path).await;
        assert!(html.contains("<strong>Published</strong>"), "{html}");
        // Unpublishing: the address answers 410 Gone.
        let mut withdraw = story("Ferry Resumes On Monday", "withdraw");
        withdraw.push(("revision", "3"));
        let (_, n) = saved_at(&send(&app, &ed, &path, &withdraw).await);
        assert_eq!(n, 4);
        assert_eq!(app.get("/articles/ferry-resumes").await.status(), 410);
        let log = page(&app, &ed, "/admin/audit").await.1;
        for action in [
            "story.draft",
            "story.review",
            "story.schedule",
            "story.withdraw",
        ] {
            assert!(log.contains(&format!("<td>{action}</td>")), "{action}");
        }
    }
);

engines!(
    two_editors_revisions_diff_and_restore,
    |engine: Engine| async move {
        let app = TestApp::spawn(engine).await;
        add(&app, "ed@example.org", Role::Editor).await;
        add(&app, "eve@example.org", Role::Editor).await;
        let ed = signed_in(&app, "ed@example.org").await;
        let eve = signed_in(&app, "eve@example.org").await;
        let body1 = "Line one.\n\nLine two.\n\nLine three.";
        let r = send(
            &app,
            &ed,
            "/admin/stories/new",
            &[
                ("headline", "Harbour Wall Vote"),
                ("body", body1),
                ("sections", "Harbour & Coast"),
                ("action", "publish"),
            ],
        )
        .await;
        let (id, _) = saved_at(&r);
        let path = format!("/admin/stories/{id}");
        let slug_path = "/articles/harbour-wall-vote";
        let first_published = app.store.articles_by_ids(&[id]).await.unwrap()[0]
            .published_at
            .clone();
        // Two readers: the story's page in the editor charts its views.
        for ip in ["198.51.100.7", "198.51.100.8"] {
            assert_eq!(app.hit(id, ip, crate::util::FIREFOX).await, 202);
        }
        app.core.flush_views().await.unwrap();
        let with_chart = page(&app, &ed, &path).await.1;
        assert!(with_chart.contains("How it is read"), "{with_chart}");
        assert!(with_chart.contains("2 counted views from"), "{with_chart}");
        assert!(with_chart.contains("<svg"), "{with_chart}");
        // Both open revision 1.
        let a = page(&app, &ed, &path).await.1;
        let b = page(&app, &eve, &path).await.1;
        assert_eq!(input(&a, "revision"), "1");
        assert_eq!(input(&b, "revision"), "1");
        // Ed saves a new headline first.
        let r = send(
            &app,
            &ed,
            &path,
            &[
                ("headline", "Harbour Wall Vote Delayed"),
                ("body", body1),
                ("sections", "Harbour & Coast"),
                ("action", "publish"),
                ("revision", "1"),
            ],
        )
        .await;
        assert_eq!(saved_at(&r).1, 2);
        // Eve, still on revision 1, is told, shown the difference, and her
        // text is kept in the form; nothing of Ed's is overwritten.
        let eve_body = "Line one.\n\nLine two, corrected.\n\nLine three.";
        let r = send(
            &app,
            &eve,
            &path,
            &[
                ("headline", "Harbour Wall Vote"),
                ("body", eve_body),
                ("sections", "Harbour & Coast"),
                ("action", "publish"),
                ("revision", "1"),
            ],
        )
        .await;
        assert_eq!(r.status(), StatusCode::CONFLICT);
        let html = r.text().await.unwrap();
        assert!(html.contains("while you were editing"), "{html}");
        assert!(html.contains("ed@example.org"), "who saved it: {html}");
        assert!(
            html.contains("<del>Harbour Wall Vote Delayed</del>"),
            "{html}"
        );
        assert!(html.contains("<ins>Line two, corrected.</ins>"), "{html}");
        assert!(html.contains("Line two, corrected."), "her text kept");
        assert_eq!(input(&html, "revision"), "2", "saving again is deliberate");
        let story = app.store.articles_by_ids(&[id]).await.unwrap().remove(0);
        assert_eq!(story.headline, "Harbour Wall Vote Delayed");
        // Saving again from revision 2 keeps her text, as revision 3; the
        // story keeps its first publish time and address.
        let r = send(
            &app,
            &eve,
            &path,
            &[
                ("headline", "Harbour Wall Vote Delayed"),
                ("body", eve_body),
                ("sections", "Harbour & Coast"),
                ("action", "publish"),
                ("revision", "2"),
            ],
        )
        .await;
        assert_eq!(saved_at(&r).1, 3);
        let live = app.text(slug_path).await;
        assert!(live.contains("Line two, corrected."), "{live}");
        let story = app.store.articles_by_ids(&[id]).await.unwrap().remove(0);
        assert_eq!(
            story.published_at, first_published,
            "a correction is not new news"
        );
        // The revisions: a list, a diff between any two.
        let (status, list) = page(&app, &ed, &format!("{path}/revisions?from=1&to=3")).await;
        assert_eq!(status, 200);
        for who in ["ed@example.org", "eve@example.org"] {
            assert!(list.contains(who), "{who}: {list}");
        }
        assert!(list.contains("Revision 1 against revision 3"), "{list}");
        assert!(list.contains("<del>Line two.</del>"), "{list}");
        assert!(list.contains("<ins>Line two, corrected.</ins>"), "{list}");
        // Restoring revision 1 makes it the newest (4), still published;
        // from a stale page it is refused.
        let r = send(
            &app,
            &ed,
            &format!("{path}/revisions/1/restore"),
            &[("revision", "2")],
        )
        .await;
        assert_eq!(r.status(), StatusCode::CONFLICT);
        let r = send(
            &app,
            &ed,
            &format!("{path}/revisions/1/restore"),
            &[("revision", "3")],
        )
        .await;
        assert_eq!(saved_at(&r).1, 4);
        let live = app.text(slug_path).await;
        assert!(live.contains("<h1>Harbour Wall Vote</h1>"), "{live}");
        assert!(!live.contains("corrected"), "{live}");
        let revisions = app.store.revisions(id, 10).await.unwrap();
        assert_eq!(revisions.len(), 4);
        assert_eq!(revisions[0].state, WorkflowState::Published);
        let log = page(&app, &ed, "/admin/audit").await.1;
        assert!(log.contains("<td>story.restore</td>"), "{log}");
        assert!(log.contains("<td>story.update</td>"), "{log}");
        // A revision that does not exist, or a story that does not.
        let r = send(
            &app,
            &ed,
            &format!("{path}/revisions/9/restore"),
            &[("revision", "4")],
        )
        .await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        assert_eq!(page(&app, &ed, "/admin/stories/999999").await.0, 404);
    }
);

engines!(
    the_preview_and_an_imported_story_in_the_editor,
    |engine: Engine| async move {
        let app = TestApp::spawn(engine).await;
        let (imported, path) = app.story("wp-1", "Imported Story", days_ago(2)).await;
        add(&app, "ed@example.org", Role::Editor).await;
        let ed = signed_in(&app, "ed@example.org").await;
        // The preview: the reader's template, nothing saved, no beacon.
        let fields = [
            ("headline", "Only A Preview"),
            ("body", "Some *emphasis* and <script>alert(1)</script>."),
            ("contributors", "Nune Petrosyan"),
            ("dateline_place", "Vanadzor"),
            ("sources", "Azatutyun"),
            ("action", "publish"),
        ];
        let r = send(&app, &ed, "/admin/stories/preview", &fields).await;
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()[header::CACHE_CONTROL], "no-store");
        let html = r.text().await.unwrap();
        assert!(html.contains("Preview: not saved"), "{html}");
        assert!(html.contains("<h1>Only A Preview</h1>"), "{html}");
        assert!(html.contains("<em>emphasis</em>"), "{html}");
        assert!(!html.contains("alert(1)"), "cleaned: {html}");
        assert!(html.contains("VANADZOR"), "{html}");
        assert!(!html.contains("data-hit"), "no view is counted");
        assert!(!html.contains("comment-form"), "{html}");
        assert_eq!(app.get("/articles/only-a-preview").await.status(), 404);
        assert_eq!(
            app.store
                .staff_stories(&Default::default(), gazette_store::Page::new(1, 10))
                .await
                .unwrap()
                .len(),
            1,
            "the preview stored nothing"
        );
        // Without the session's token, no preview.
        let bare: Vec<(&str, &str)> = fields.to_vec();
        assert_eq!(
            post_as(&app, Some(&ed), "/admin/stories/preview", &bare)
                .await
                .status(),
            StatusCode::FORBIDDEN
        );
        // An imported story opens with its HTML; saving it keeps its address,
        // its counts and its related headlines.
        let edit = format!("/admin/stories/{imported}");
        let (status, html) = page(&app, &ed, &edit).await;
        assert_eq!(status, 200);
        assert_eq!(input(&html, "body_format"), "html");
        assert_eq!(input(&html, "revision"), "0");
        assert!(html.contains("&lt;p&gt;First paragraph."), "{html}");
        assert!(
            html.contains(">Ferry timetable changes\nHarbour wall vote</textarea>"),
            "its related headlines in the form: {html}"
        );
        let before = app
            .store
            .articles_by_ids(&[imported])
            .await
            .unwrap()
            .remove(0);
        let r = send(
            &app,
            &ed,
            &edit,
            &[
                ("headline", "Imported Story, Corrected"),
                (
                    "body",
                    "<p>First paragraph, corrected.</p><p onclick=\"x()\">Second.</p>",
                ),
                ("body_format", "html"),
                // As the form holds them, prefilled from the stored story.
                ("related", "Ferry timetable changes\nHarbour wall vote"),
                ("sections", "Harbour & Coast"),
                ("contributors", "Ani Hakobyan"),
                ("action", "keep"),
                ("revision", "0"),
            ],
        )
        .await;
        assert_eq!(saved_at(&r).1, 1);
        let page_html = app.text(&path).await;
        assert!(
            page_html.contains("Imported Story, Corrected"),
            "{page_html}"
        );
        assert!(page_html.contains("<p>Second.</p>"), "cleaned: {page_html}");
        let after = app
            .store
            .articles_by_ids(&[imported])
            .await
            .unwrap()
            .remove(0);
        assert_eq!(after.slug, before.slug);
        assert_eq!(after.published_at, before.published_at);
        assert_eq!(after.counters.legacy_views, before.counters.legacy_views);
        assert_eq!(after.related_headlines, before.related_headlines);
        assert_eq!(after.footer, before.footer);
        // A new story's own address, language and related headlines.
        let mut own = vec![
            ("headline", "Հանրահավաք Երևանում"),
            ("body", "Տեքստ։"),
            ("slug", "rally-in-yerevan"),
            ("language", "hy"),
            ("related", "Imported Story, Corrected\n\nNo Such Story Yet"),
            ("action", "publish"),
        ];
        let r = send(&app, &ed, "/admin/stories/new", &own).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let rally = app.text("/articles/rally-in-yerevan").await;
        assert!(
            rally.contains(r#"<article class="story" lang="hy">"#),
            "{rally}"
        );
        assert!(
            rally.contains(&format!(
                r#"<a href="{path}">Imported Story, Corrected</a>"#
            )),
            "a related headline linked to its story: {rally}"
        );
        assert!(rally.contains("<li>No Such Story Yet</li>"), "{rally}");
        for (field, bad, says) in [
            ("slug", "Not An Address!", "lower-case letters"),
            ("language", "Armenian", "language code"),
        ] {
            own.retain(|(k, _)| *k != field);
            own.push((field, bad));
            let r = send(&app, &ed, "/admin/stories/new", &own).await;
            assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{field}");
            let html = r.text().await.unwrap();
            assert!(html.contains(says), "{field}: {html}");
            assert!(html.contains(&format!(r#"id="{field}-error""#)), "{field}");
            own.retain(|(k, _)| *k != field);
        }
        // Bad input is named next to its field, the text kept.
        let r = send(
            &app,
            &ed,
            &edit,
            &[
                ("headline", ""),
                ("body", "Kept text."),
                ("action", "keep"),
                ("revision", "1"),
            ],
        )
        .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text().await.unwrap();
        assert!(html.contains("write a headline") && html.contains("Kept text."));
        let r = send(
            &app,
            &ed,
            &edit,
            &[
                ("headline", "X"),
                ("body", "Kept text."),
                ("action", "schedule"),
                ("publish_at", "2030-01-01T09:00"),
                ("revision", "1"),
            ],
        )
        .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("already live"));
    }
);

engines!(
    syndicated_copy_names_the_original_as_canonical,
    |engine: Engine| async move {
        let app = TestApp::spawn(engine).await;
        app.story("own", "Our Own Story", days_ago(1)).await;
        add(&app, "ed@example.org", Role::Editor).await;
        let ed = signed_in(&app, "ed@example.org").await;
        let original = "https://www.azatutyun.am/a/33000001.html?x=1&y=2";
        let mut fields = vec![
            ("headline", "Carried From A Partner"),
            ("body", "The partner's story, carried with permission."),
            ("dateline_place", "Yerevan"),
            ("sources", "Azatutyun"),
            ("canonical", original),
            ("action", "publish"),
        ];
        let r = send(&app, &ed, "/admin/stories/new", &fields).await;
        let (id, _) = saved_at(&r);
        let html = app.text("/articles/carried-from-a-partner").await;
        let escaped = "https://www.azatutyun.am/a/33000001.html?x=1&amp;y=2";
        assert!(
            html.contains(&format!(r#"<link rel="canonical" href="{escaped}">"#)),
            "search engines are sent to the original: {html}"
        );
        assert!(
            html.contains(&format!(r#"<meta property="og:url" content="{escaped}">"#)),
            "{html}"
        );
        assert!(
            html.contains(&format!(
                r#"First published at <a href="{escaped}">azatutyun.am</a>"#
            )),
            "readers see where it came from: {html}"
        );
        assert!(
            html.contains(r#""isBasedOn":"https://www.azatutyun.am/a/33000001.html?x=1\u0026y=2""#)
                || html
                    .contains(r#""isBasedOn":"https://www.azatutyun.am/a/33000001.html?x=1&y=2""#),
            "{html}"
        );
        assert!(
            html.contains("sharer.php?u=http%3A%2F%2F127%2E0%2E0%2E1%2Farticles%2Fcarried%2Dfrom%2Da%2Dpartner"),
            "readers share the page they read: {html}"
        );
        // Only the newsroom's own stories are in the sitemap.
        let sitemap = app.text("/sitemaps/stories-0.xml").await;
        assert!(sitemap.contains("/articles/our-own-story<"), "{sitemap}");
        assert!(!sitemap.contains("carried-from-a-partner"), "{sitemap}");
        let news = app.text("/news-sitemap.xml").await;
        assert!(news.contains("/articles/our-own-story<"), "{news}");
        assert!(!news.contains("carried-from-a-partner"), "{news}");
        // The editor shows it again, and a bad address is named, not saved.
        let edit = format!("/admin/stories/{id}");
        let (_, form) = page(&app, &ed, &edit).await;
        assert_eq!(input(&form, "canonical"), escaped);
        for bad in [
            "javascript:alert(1)",
            "https://a.example/\"><script>alert(1)</script>",
            "www.azatutyun.am/a/1",
        ] {
            fields.retain(|(k, _)| *k != "canonical");
            fields.push(("canonical", bad));
            let r = send(&app, &ed, "/admin/stories/new", &fields).await;
            assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
            let html = r.text().await.unwrap();
            assert!(html.contains(r#"id="canonical-error""#), "{bad}: {html}");
            assert!(
                html.contains("full address (at most 2000 characters)"),
                "{bad}: {html}"
            );
            assert!(!html.contains("<script>alert(1)"), "{html}");
        }
        assert_eq!(
            app.get("/articles/carried-from-a-partner-2").await.status(),
            404,
            "nothing saved"
        );
        // Emptied, the story is the newsroom's own again.
        let r = send(
            &app,
            &ed,
            &edit,
            &[
                ("headline", "Carried From A Partner"),
                ("body", "Now our own reporting."),
                ("canonical", ""),
                ("action", "keep"),
                ("revision", "1"),
            ],
        )
        .await;
        saved_at(&r);
        let html = app.text("/articles/carried-from-a-partner").await;
        assert!(
            html.contains(
                r#"<link rel="canonical" href="http://127.0.0.1/articles/carried-from-a-partner">"#
            ),
            "{html}"
        );
        assert!(!html.contains("First published at"), "{html}");
    }
);
