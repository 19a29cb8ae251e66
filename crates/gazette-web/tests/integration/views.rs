//! Each rule of honest view counting, shown over HTTP.

use crate::util::{FIREFOX, TOKEN, TestApp, days_ago};

#[tokio::test]
async fn a_reload_is_not_counted_twice_and_readers_are_distinct() {
    let app = TestApp::spawn().await;
    let (id, path) = app.story("a", "Read Me", days_ago(1)).await;
    assert_eq!(app.hit(id, "203.0.113.1", FIREFOX).await, 202);
    assert_eq!(app.hit(id, "203.0.113.1", FIREFOX).await, 204, "a reload");
    assert_eq!(
        app.hit(id, "203.0.113.2", FIREFOX).await,
        202,
        "another reader"
    );
    assert_eq!(app.counted(&path).await, 2);
}

#[tokio::test]
async fn bots_headless_browsers_and_prefetches_are_not_readers() {
    let app = TestApp::spawn().await;
    let (id, path) = app.story("a", "Read Me", days_ago(1)).await;
    for ua in [
        "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/127.0.6533.119 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36",
        "",
    ] {
        assert_eq!(app.hit(id, "203.0.113.5", ua).await, 204, "{ua}");
    }
    let prefetch = app
        .http
        .post(app.url(&format!("/hit/{}", id.0)))
        .header("User-Agent", FIREFOX)
        .header("X-Forwarded-For", "203.0.113.6")
        .header("Sec-Purpose", "prefetch")
        .send()
        .await
        .unwrap();
    assert_eq!(prefetch.status().as_u16(), 204);
    assert_eq!(prefetch.headers()["gazette-hit"], "prefetch");
    // HEAD on the pixel answers but never counts.
    let head = app
        .http
        .head(app.url(&format!("/hit/{}.gif", id.0)))
        .header("User-Agent", FIREFOX)
        .header("X-Forwarded-For", "203.0.113.7")
        .send()
        .await
        .unwrap();
    assert_eq!(head.status().as_u16(), 200);
    assert_eq!(app.counted(&path).await, 0);
}

#[tokio::test]
async fn the_noscript_pixel_counts_like_the_beacon() {
    let app = TestApp::spawn().await;
    let (id, path) = app.story("a", "Read Me", days_ago(1)).await;
    let get = |ip: &'static str| {
        app.http
            .get(app.url(&format!("/hit/{}.gif", id.0)))
            .header("User-Agent", FIREFOX)
            .header("X-Forwarded-For", ip)
            .send()
    };
    let first = get("198.51.100.1").await.unwrap();
    assert_eq!(first.headers()["content-type"], "image/gif");
    assert_eq!(first.headers()["cache-control"], "no-store");
    assert_eq!(first.headers()["gazette-hit"], "counted");
    assert_eq!(
        get("198.51.100.1").await.unwrap().headers()["gazette-hit"],
        "duplicate"
    );
    assert_eq!(app.counted(&path).await, 1);
}

#[tokio::test]
async fn a_cached_page_still_counts() {
    let app = TestApp::spawn().await;
    let (id, path) = app.story("a", "Cached Story", days_ago(1)).await;
    let resp = app.get(&path).await;
    assert_eq!(resp.headers()["cache-control"], "public, max-age=60");
    let html = resp.text().await.unwrap();
    // The page holds nothing per reader: no cookie, nothing private.
    assert!(app.get(&path).await.headers().get("set-cookie").is_none());
    let beacon = format!("/hit/{}", id.0);
    assert!(
        html.contains(&format!("u=\"{beacon}\"")),
        "the beacon reports this article"
    );
    assert!(html.contains(&format!(
        "<noscript><img class=\"hit\" src=\"{beacon}.gif\""
    )));
    let script_start = html.find("<script>").unwrap();
    let script_end = html[script_start..].find("</script>").unwrap();
    assert!(script_end < 1024, "the beacon script is {script_end} bytes");
    // Three readers of the one cached copy each count.
    for ip in ["192.0.2.1", "192.0.2.2", "192.0.2.3"] {
        assert_eq!(app.hit(id, ip, FIREFOX).await, 202);
    }
    assert_eq!(app.counted(&path).await, 3);
}

#[tokio::test]
async fn forged_loops_move_the_count_by_one_and_are_rate_limited() {
    let mut config = crate::util::test_config();
    config.hits_per_minute = 30;
    let app = TestApp::with_config(config).await;
    let (id, path) = app.story("a", "Target", days_ago(1)).await;
    let mut statuses = std::collections::BTreeMap::new();
    for _ in 0..300 {
        *statuses
            .entry(app.hit(id, "203.0.113.66", FIREFOX).await)
            .or_insert(0) += 1;
    }
    assert_eq!(statuses.get(&202), Some(&1), "{statuses:?}");
    assert!(
        statuses.get(&429).copied().unwrap_or(0) >= 200,
        "rate limited: {statuses:?}"
    );
    assert_eq!(app.counted(&path).await, 1);
}

#[tokio::test]
async fn bad_hits_get_a_4xx_at_once_and_change_nothing() {
    let app = TestApp::spawn().await;
    let (id, path) = app.story("a", "Target", days_ago(1)).await;
    let mut draft = gazette_store::testing::sample("d", "Draft", days_ago(1));
    draft.status = gazette_domain::ArticleStatus::Draft;
    let draft = gazette_store::Store::save_article(app.store.as_ref(), &draft)
        .await
        .unwrap();
    let post = |target: String, body: Vec<u8>| {
        app.http
            .post(app.url(&format!("/hit/{target}")))
            .header("User-Agent", FIREFOX)
            .header("X-Forwarded-For", "203.0.113.9")
            .body(body)
            .send()
    };
    assert_eq!(
        post("abc".into(), vec![]).await.unwrap().status().as_u16(),
        400
    );
    assert_eq!(
        post("999999".into(), vec![])
            .await
            .unwrap()
            .status()
            .as_u16(),
        404
    );
    assert_eq!(
        post(draft.id.0.to_string(), vec![])
            .await
            .unwrap()
            .status()
            .as_u16(),
        404,
        "unpublished"
    );
    assert_eq!(
        post(id.0.to_string(), vec![b'x'; 64 * 1024])
            .await
            .unwrap()
            .status()
            .as_u16(),
        413
    );
    assert_eq!(app.counted(&path).await, 0);
    // The site still answers pages.
    assert_eq!(app.get(&path).await.status().as_u16(), 200);
}

#[tokio::test]
async fn signed_in_staff_are_not_counted() {
    let app = TestApp::spawn().await;
    let (id, path) = app.story("a", "Target", days_ago(1)).await;
    let page = app.text("/staff").await;
    let field = |name: &str| {
        let at = page.find(&format!("name=\"{name}\" value=\"")).unwrap() + name.len() + 15;
        page[at..at + page[at..].find('"').unwrap()].to_owned()
    };
    let (ts, token) = (field("ts"), field("token"));
    // A wrong token is refused.
    let wrong = app
        .http
        .post(app.url("/staff/sign-in"))
        .form(&[("api_token", "nope"), ("ts", &ts), ("token", &token)])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status().as_u16(), 403);
    let resp = app
        .http
        .post(app.url("/staff/sign-in"))
        .form(&[("api_token", TOKEN), ("ts", &ts), ("token", &token)])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 303);
    let cookie = resp.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let session = cookie.split(';').next().unwrap().to_owned();
    let staff_hit = app
        .http
        .post(app.url(&format!("/hit/{}", id.0)))
        .header("User-Agent", FIREFOX)
        .header("X-Forwarded-For", "203.0.113.10")
        .header("Cookie", &session)
        .send()
        .await
        .unwrap();
    assert_eq!(staff_hit.status().as_u16(), 204);
    assert_eq!(staff_hit.headers()["gazette-hit"], "staff");
    // A forged session is just a reader.
    assert_eq!(
        app.http
            .post(app.url(&format!("/hit/{}", id.0)))
            .header("User-Agent", FIREFOX)
            .header("X-Forwarded-For", "203.0.113.10")
            .header("Cookie", "gazette_staff=99999999999.00ff")
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        202
    );
    assert_eq!(app.counted(&path).await, 1);
    // Readers never get a cookie.
    assert!(app.get(&path).await.headers().get("set-cookie").is_none());
}

#[tokio::test]
async fn legacy_counts_add_to_the_total_shown() {
    let app = TestApp::spawn().await;
    let (id, path) = app.story("a", "Imported Story", days_ago(1)).await;
    // `sample` carries 62 legacy views.
    assert!(
        app.text(&path)
            .await
            .contains(r#"<span class="n">62</span> views"#)
    );
    app.hit(id, "192.0.2.50", FIREFOX).await;
    app.counted(&path).await;
    assert!(
        app.text(&path)
            .await
            .contains(r#"<span class="n">63</span> views"#)
    );
}

#[tokio::test]
async fn daily_series_api() {
    let app = TestApp::spawn().await;
    let (id, path) = app.story("a", "Charted", days_ago(1)).await;
    app.hit(id, "192.0.2.1", FIREFOX).await;
    app.hit(id, "192.0.2.2", FIREFOX).await;
    app.counted(&path).await;
    let json: serde_json::Value = app
        .get(&format!("/api/articles/{}/views", id.0))
        .await
        .json()
        .await
        .unwrap();
    let days = json["days"].as_array().unwrap();
    assert_eq!(days.len(), 1);
    assert_eq!(days[0]["views"], 2);
    let bad = app
        .get(&format!("/api/articles/{}/views?from=yesterday", id.0))
        .await;
    assert_eq!(bad.status().as_u16(), 400);
    let body: serde_json::Value = bad.json().await.unwrap();
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("YYYY-MM-DD")
    );
}
