//! A real browser (Debian's chromium, headless) loads an article page and
//! its beacon counts the view; the same browser with its own headless user
//! agent is recognised as a robot. Runs when E2E_CHROMIUM names the
//! browser (CI sets it); skipped otherwise.

use gazette_testkit::{Engine, engines};
use std::{process::Command, time::Duration};

use crate::util::{FIREFOX, TestApp, days_ago};

fn chromium() -> Option<String> {
    std::env::var("E2E_CHROMIUM").ok().filter(|p| !p.is_empty())
}

/// Loads `url` the way ../shared/judge/lib.sh launches chromium: headless,
/// every non-loopback request sent to a dead proxy.
fn load(bin: &str, url: &str, user_agent: Option<&str>) {
    let profile = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(bin);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--proxy-server=http://127.0.0.1:9",
        "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
        "--disable-dev-shm-usage",
        "--virtual-time-budget=3000",
        "--dump-dom",
    ])
    .arg(format!("--user-data-dir={}", profile.path().display()));
    if let Some(ua) = user_agent {
        cmd.arg(format!("--user-agent={ua}"));
    }
    let out = cmd.arg(url).output().expect("chromium runs");
    assert!(
        out.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

async fn pending_after(app: &TestApp, want: u64) -> u64 {
    for _ in 0..50 {
        if app.core.views.pending() >= want {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    app.core.views.pending()
}

engines!(
    a_browser_reading_the_page_counts_and_headless_chrome_does_not,
    |engine: Engine| async move {
        let Some(bin) = chromium() else {
            eprintln!("skipped: set E2E_CHROMIUM=/usr/bin/chromium to run the browser test");
            return;
        };
        let app = TestApp::spawn(engine).await;
        let (_, path) = app.story("a", "Read In A Browser", days_ago(1)).await;
        let url = app.url(&path);

        let headless = bin.clone();
        let u = url.clone();
        tokio::task::spawn_blocking(move || load(&headless, &u, None))
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert_eq!(app.core.views.pending(), 0, "HeadlessChrome is a robot");

        let reader = bin.clone();
        let u = url.clone();
        tokio::task::spawn_blocking(move || load(&reader, &u, Some(FIREFOX)))
            .await
            .unwrap();
        assert_eq!(
            pending_after(&app, 1).await,
            1,
            "the beacon counted one view"
        );
        assert_eq!(app.counted(&path).await, 1);
    }
);

engines!(
    an_editor_signs_in_and_approves_a_comment_in_the_browser,
    |engine: Engine| async move {
        let Some(bin) = chromium() else {
            eprintln!("skipped: set E2E_CHROMIUM=/usr/bin/chromium to run the browser test");
            return;
        };
        let app = TestApp::spawn(engine).await;
        let mut input = gazette_store::testing::sample("a", "Discussed In A Browser", days_ago(1));
        input.legacy_comments = 0;
        let saved = app.core.save_article(&input).await.unwrap();
        let path = format!("/articles/{}", saved.slug);
        app.pending_comment(saved.id).await;
        app.core
            .add_user(
                None,
                "ed@example.org",
                "Ed Itor",
                gazette_domain::Role::Editor,
                "correct horse battery",
            )
            .await
            .unwrap();
        let seen = browser_script(
            &bin,
            "admin-e2e.mjs",
            vec![
                app.base.clone(),
                path,
                "ed@example.org".into(),
                "correct horse battery".into(),
            ],
        )
        .await;
        assert_eq!(seen["countBefore"], "0 comments", "{seen:#}");
        assert_eq!(seen["sentTo"], "/admin/sign-in");
        assert!(
            seen["wrongPasswordError"]
                .as_str()
                .unwrap()
                .contains("do not match"),
            "{seen:#}"
        );
        assert_eq!(seen["emailKept"], "ed@example.org");
        assert_eq!(
            seen["afterSignIn"], "/admin/comments",
            "back where it was going"
        );
        assert_eq!(seen["queueRows"], 1);
        assert!(
            seen["queueText"]
                .as_str()
                .unwrap()
                .contains("Discussed In A Browser")
        );
        assert!(
            seen["queueAfter"]
                .as_str()
                .unwrap()
                .contains("No pending comments"),
            "{seen:#}"
        );
        assert_eq!(seen["countAfter"], "1 comment", "the count changed at once");
        assert_eq!(seen["afterSignOut"], "/admin/sign-in");
    }
);

/// Runs the playwright-core script `tests/browser/NAME` with `args`; what
/// it saw (one JSON object), after checking it ran through.
async fn browser_script(bin: &str, name: &str, args: Vec<String>) -> serde_json::Value {
    let script = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/browser")
        .join(name);
    let bin = bin.to_owned();
    let out = tokio::task::spawn_blocking(move || {
        Command::new("node")
            .arg(script)
            .args(args)
            .env("E2E_CHROMIUM", bin)
            .output()
            .expect("node runs (npm ci --prefix tests/browser)")
    })
    .await
    .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let seen: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(seen.get("error").is_none(), "{seen:#}");
    seen
}

engines!(
    a_story_is_written_reviewed_scheduled_and_edited_in_the_browser,
    |engine: Engine| async move {
        let Some(bin) = chromium() else {
            eprintln!("skipped: set E2E_CHROMIUM=/usr/bin/chromium to run the browser test");
            return;
        };
        let clock = std::sync::Arc::new(gazette_core::ManualClock::new(jiff::Timestamp::now()));
        let app = TestApp::build(
            engine,
            crate::util::test_config(),
            gazette_core::CoreConfig::default(),
            clock.clone(),
        )
        .await;
        let password = "correct horse battery";
        for (email, role) in [
            ("cub@example.org", gazette_domain::Role::Contributor),
            ("ed@example.org", gazette_domain::Role::Editor),
            ("eve@example.org", gazette_domain::Role::Editor),
        ] {
            app.core
                .add_user(None, email, "", role, password)
                .await
                .unwrap();
        }
        let at = app
            .core
            .now_zoned()
            .checked_add(jiff::Span::new().hours(2))
            .unwrap()
            .datetime()
            .strftime("%Y-%m-%dT%H:%M")
            .to_string();
        // A photo to upload, written where Chromium can pick it.
        let dir = tempfile::tempdir().unwrap();
        let photo = dir.path().join("train.png");
        image::RgbImage::from_fn(1000, 600, |x, y| {
            image::Rgb([(x % 251) as u8, (y % 241) as u8, 120])
        })
        .save(&photo)
        .unwrap();
        let seen = browser_script(
            &bin,
            "editor-e2e.mjs",
            vec![
                "write".into(),
                app.base.clone(),
                password.into(),
                at,
                photo.display().to_string(),
            ],
        )
        .await;
        assert!(
            seen["uploadNotice"]
                .as_str()
                .unwrap()
                .contains("Uploaded as image 1"),
            "{seen:#}"
        );
        assert_eq!(seen["offersPublish"], 0, "a contributor is not offered it");
        assert_eq!(seen["stateAfterSubmit"], "Awaiting review", "{seen:#}");
        assert_eq!(seen["autosaveOffered"], true, "{seen:#}");
        assert!(
            seen["restoredBody"]
                .as_str()
                .unwrap()
                .ends_with("Unsaved last line."),
            "{seen:#}"
        );
        assert!(
            seen["dashboardWaiting"]
                .as_str()
                .unwrap()
                .contains("Night Train To Gyumri"),
            "{seen:#}"
        );
        assert!(
            seen["stateAfterSchedule"]
                .as_str()
                .unwrap()
                .contains("Scheduled, goes live"),
            "{seen:#}"
        );
        let story = "/articles/night-train-to-gyumri";
        assert_eq!(app.get(story).await.status(), 404, "not before its time");
        // Its time comes: the job announces it, the reader site shows it.
        app.core.announce_due_stories(app.core.now()).await.unwrap();
        clock.advance(jiff::SignedDuration::from_mins(121));
        assert_eq!(
            app.core.announce_due_stories(app.core.now()).await.unwrap(),
            1
        );
        let edit = seen["editPath"].as_str().unwrap().to_owned();
        let seen = browser_script(
            &bin,
            "editor-e2e.mjs",
            vec![
                "live".into(),
                app.base.clone(),
                password.into(),
                story.into(),
                edit,
            ],
        )
        .await;
        assert_eq!(seen["readerStatus"], 200, "{seen:#}");
        assert_eq!(seen["readerHeadline"], "Night Train To Gyumri");
        assert!(
            seen["readerBody"].as_str().unwrap().starts_with("GYUMRI"),
            "{seen:#}"
        );
        assert_eq!(seen["guestHref"], 1, "a guest contributor made on the spot");
        assert_eq!(seen["sourceHref"], 1, "the source credited and linked");
        assert_eq!(seen["imageAlt"], "The night train at Gyumri station");
        assert_eq!(seen["imageLoaded"], true, "{seen:#}");
        assert_eq!(seen["imageFits"], true, "the picture fits a phone's column");
        assert_eq!(
            seen["pageFits"], true,
            "nothing scrolls sideways on a phone"
        );
        assert!(
            seen["imageSrc"].as_str().unwrap().ends_with(".webp"),
            "the browser took a WebP size: {seen:#}"
        );
        assert_eq!(seen["conflictStatus"], 409);
        assert!(
            seen["conflictText"]
                .as_str()
                .unwrap()
                .contains("ed@example.org saved it"),
            "{seen:#}"
        );
        assert!(
            seen["bodyKept"]
                .as_str()
                .unwrap()
                .contains("after a decade"),
            "{seen:#}"
        );
        assert!(
            seen["afterSecondSave"]
                .as_str()
                .unwrap()
                .contains("Saved as revision 4"),
            "{seen:#}"
        );
        let after = seen["readerAfter"].as_str().unwrap();
        assert!(
            after.contains("Night Train To Gyumri Is Back") && after.contains("after a decade"),
            "both editors' changes, the second deliberately: {after}"
        );
    }
);
