//! "Top stories of week N": the strip, the week pages, the API.

use gazette_domain::IsoWeek;
use gazette_store::DailyViews;
use gazette_testkit::{Engine, engines};
use jiff::{Timestamp, tz::TimeZone};

use crate::util::{FIREFOX, TestApp, days_ago};

engines!(
    this_weeks_strip_follows_counted_views,
    |engine: Engine| async move {
        let app = TestApp::spawn(engine).await;
        // Published today, so in this week's window whatever the weekday.
        let (quiet, _) = app.story("q", "The Quiet One", days_ago(0)).await;
        let (read, path) = app.story("r", "The Much Read One", days_ago(0)).await;
        for i in 0..3 {
            app.hit(read, &format!("192.0.2.{i}"), FIREFOX).await;
        }
        app.hit(quiet, "192.0.2.100", FIREFOX).await;
        app.counted(&path).await;
        let json: serde_json::Value = app.get("/api/top").await.json().await.unwrap();
        assert_eq!(json["current"], true);
        assert_eq!(json["frozen"], false);
        assert_eq!(json["stories"][0]["headline"], "The Much Read One");
        assert_eq!(json["stories"][0]["week_views"], 3);
        assert!(
            json["formula"]
                .as_str()
                .unwrap()
                .contains("one per reader per day")
        );
        let home = app.text("/").await;
        let strip = &home[home.find("top-strip-title").unwrap()..];
        assert!(strip.find("The Much Read One").unwrap() < strip.find("The Quiet One").unwrap());
    }
);

engines!(
    an_ended_week_is_frozen_in_the_background_and_never_changes,
    |engine: Engine| async move {
        let app = TestApp::spawn(engine).await;
        let tz = TimeZone::get("America/New_York").unwrap();
        let now = Timestamp::now().to_zoned_datetime(tz.clone());
        let week = IsoWeek::of_zoned(&now).unwrap().offset(-2).unwrap();
        let monday = week.monday();
        let published = monday.at(9, 0, 0, 0).to_zoned_datetime(tz).unwrap();
        let (a, _) = app.story("a", "Early Leader", published.clone()).await;
        let (b, _) = app.story("b", "Late Riser", published).await;
        let v = |article, views| DailyViews {
            article,
            day: monday,
            week,
            views,
        };
        app.store.add_views(&[v(a, 10), v(b, 5)]).await.unwrap();

        // Reading an ended week shows its list, and writes nothing.
        let page = app.text(&format!("/top/{week}")).await;
        assert!(page.contains("How this list is made"));
        assert!(!page.contains("· final"), "not frozen by a reader");
        assert!(app.store.frozen_weeks().await.unwrap().is_empty());

        // The background job freezes it.
        assert!(app.core.run_leased_jobs().await.unwrap());
        assert!(app.store.frozen_weeks().await.unwrap().contains(&week));
        app.core
            .apply_change(gazette_store::Change::Everything)
            .await;
        let page = app.text(&format!("/top/{week}")).await;
        assert!(
            page.contains("· final"),
            "an ended week is final once frozen"
        );
        let first: serde_json::Value = app
            .get(&format!("/api/top/{week}"))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(first["frozen"], true);
        assert_eq!(first["stories"][0]["headline"], "Early Leader");

        // Views arriving late (a backfill, a bug, a second node) change nothing.
        app.store.add_views(&[v(b, 100)]).await.unwrap();
        app.core.run_leased_jobs().await.unwrap();
        let again: serde_json::Value = app
            .get(&format!("/api/top/{week}"))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(again["stories"], first["stories"]);
    }
);

engines!(
    week_pages_answer_bad_and_impossible_weeks_with_404,
    |engine: Engine| async move {
        let app = TestApp::spawn(engine).await;
        app.story("a", "A Story", days_ago(1)).await;
        for path in [
            "/top/2025-W99",
            "/top/last-week",
            "/top/9999-W52",
            "/top/-9999-W01",
            "/api/top/-9999-W03",
            "/api/top/2099-W01",
            "/top/2099-W01",
            // Before the newsroom's first story.
            "/top/2001-W10",
            "/api/top/2001-W10",
        ] {
            let r = app.get(path).await;
            assert_eq!(r.status().as_u16(), 404, "{path}");
        }
        let r = app.get("/top").await;
        assert_eq!(r.status().as_u16(), 303);
        assert!(
            r.headers()["location"]
                .to_str()
                .unwrap()
                .starts_with("/top/20")
        );
        assert!(app.store.frozen_weeks().await.unwrap().is_empty());
    }
);
