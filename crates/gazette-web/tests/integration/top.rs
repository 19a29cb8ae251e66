//! "Top stories of week N": the strip, the week pages, the API.

use gazette_domain::IsoWeek;
use gazette_store::{DailyViews, Store};
use jiff::{Timestamp, tz::TimeZone};

use crate::util::{FIREFOX, TestApp, days_ago};

#[tokio::test]
async fn this_weeks_strip_follows_counted_views() {
    let app = TestApp::spawn().await;
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

#[tokio::test]
async fn an_ended_week_is_frozen_and_never_changes() {
    let app = TestApp::spawn().await;
    let tz = TimeZone::get("America/New_York").unwrap();
    let now = Timestamp::now().to_zoned_datetime(tz.clone());
    let week = IsoWeek::of_zoned(&now).previous().previous();
    let monday = week.monday();
    let published = monday.at(9, 0, 0, 0).to_zoned_datetime(tz).unwrap();
    let (a, _) = app.story("a", "Early Leader", published.clone()).await;
    let (b, _) = app.story("b", "Late Riser", published).await;
    let v = |article, views| DailyViews {
        article,
        day: monday,
        views,
    };
    app.store
        .add_daily_views(&[v(a, 10), v(b, 5)])
        .await
        .unwrap();

    let page = app.text(&format!("/top/{week}")).await;
    assert!(page.contains("How this list is made"));
    assert!(page.contains("· final"), "an ended week is final");
    let first: serde_json::Value = app
        .get(&format!("/api/top/{week}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(first["frozen"], true);
    assert_eq!(first["stories"][0]["headline"], "Early Leader");

    // Views arriving late (a backfill, a bug, a second node) change nothing.
    app.store.add_daily_views(&[v(b, 100)]).await.unwrap();
    let again: serde_json::Value = app
        .get(&format!("/api/top/{week}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(again["stories"], first["stories"]);
}

#[tokio::test]
async fn week_pages_answer_bad_and_future_weeks_plainly() {
    let app = TestApp::spawn().await;
    assert_eq!(app.get("/top/2025-W99").await.status().as_u16(), 400);
    assert_eq!(app.get("/top/last-week").await.status().as_u16(), 400);
    let future: serde_json::Value = app.get("/api/top/2099-W01").await.json().await.unwrap();
    assert_eq!(future["stories"].as_array().unwrap().len(), 0);
    let r = app.get("/top").await;
    assert_eq!(r.status().as_u16(), 303);
    assert!(
        r.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/top/20")
    );
}
