//! Each rule of honest view counting, shown over HTTP.

use crate::util::{FIREFOX, TOKEN, TestApp, days_ago};
use gazette_testkit::{Engine, engines};

engines!(
    a_reload_is_not_counted_twice_and_readers_are_distinct,
    |engine: Engine| async move {
        let app = TestApp::spawn(engine).await;
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
);

engines!(
    bots_headless_browsers_and_prefetches_are_not_readers,
    |engine: Engine| async move {
        let app = TestApp::spawn(engine).await;
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
            .post(app.url(&format!("/hit/{}?t={}", id.0, app.token(id))))
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
            .head(app.url(&format!("/hit/{}.gif?t={}", id.0, app.token(id))))
            .header("User-Agent", FIREFOX)
            .header("X-Forwarded-For", "203.0.113.7")
            .send()
            .await
            .unwrap();
        assert_eq!(head.status().as_u16(), 200);
        assert_eq!(app.counted(&path).await, 0);
    }
);

engines!(
    the_noscript_pixel_counts_like_the_beacon,
    |engine: Engine| async move {
        let app = TestApp::spawn(engine).await;
        let (id, path) = app.story("a", "Read Me", days_ago(1)).await;
        let get = |ip: &'static str| {
            app.http
                .get(app.url(&format!("/hit/{}.gif?t={}", id.0, app.token(id))))
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
);

engines!(a_cached_page_still_counts, |engine: Engine| async move {
    let app = TestApp::spawn(engine).await;
    let (id, path) = app.story("a", "Cached Story", days_ago(1)).await;
    let resp = app.get(&path).await;
    assert_eq!(
        resp.headers()["cache-control"],
        "public, max-age=0, must-revalidate, s-maxage=60"
    );
    let html = resp.text().await.unwrap();
    // The page holds nothing per reader: no cookie, nothing private.
    assert!(app.get(&path).await.headers().get("set-cookie").is_none());
    let beacon = format!("/hit/{}", id.0);
    assert!(
        html.contains(&format!("<script data-hit=\"{beacon}?t=")),
        "the beacon reports this article, with a hit token"
    );
    assert!(html.contains(&format!(
        "<noscript><img class=\"hit\" src=\"{beacon}.gif?t="
    )));
    let script_start = html.find("<script data-hit").unwrap();
    let script_end = html[script_start..].find("</script>").unwrap();
    assert!(script_end < 1024, "the beacon script is {script_end} bytes");
    // Three readers of the one cached copy each count.
    for ip in ["192.0.2.1", "192.0.2.2", "192.0.2.3"] {
        assert_eq!(app.hit(id, ip, FIREFOX).await, 202);
    }
    assert_eq!(app.counted(&path).await, 3);
});

engines!(
    forged_loops_move_the_count_by_one_and_are_rate_limited,
    |engine: Engine| async move {
        let core = gazette_core::CoreConfig {
            views: gazette_core::ViewSettings {
                hits_per_minute: 30,
                ..Default::default()
            },
            ..Default::default()
        };
        let app = TestApp::build(
            engine,
            crate::util::test_config(),
            core,
            std::sync::Arc::new(gazette_core::SystemClock),
        )
        .await;
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
);

engines!(
    bad_hits_get_a_4xx_at_once_and_change_nothing,
    |engine: Engine| async move {
        let app = TestApp::spawn(engine).await;
        let (id, path) = app.story("a", "Target", days_ago(1)).await;
        let mut draft = gazette_store::testing::sample("d", "Draft", days_ago(1));
        draft.status = gazette_domain::ArticleStatus::Draft;
        let draft = app.core.save_article(&draft).await.unwrap();
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
        let big = post(id.0.to_string(), vec![b'x'; 64 * 1024]).await.unwrap();
        assert_eq!(big.status().as_u16(), 413);
        // The unread body stays on the connection: it is not reused.
        assert_eq!(big.headers()["connection"], "close");
        assert_eq!(app.counted(&path).await, 0);
        // The site still answers pages.
        assert_eq!(app.get(&path).await.status().as_u16(), 200);
    }
);

engines!(
    signed_in_staff_are_not_counted,
    |engine: Engine| async move {
        let app = TestApp::spawn(engine).await;
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
            .post(app.url(&format!("/hit/{}?t={}", id.0, app.token(id))))
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
                .post(app.url(&format!("/hit/{}?t={}", id.0, app.token(id))))
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
);

engines!(
    legacy_counts_add_to_the_total_shown,
    |engine: Engine| async move {
        let app = TestApp::spawn(engine).await;
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
);

engines!(daily_series_api, |engine: Engine| async move {
    let app = TestApp::spawn(engine).await;
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
});

/// A hit from the page's own beacon, with the headers a browser sends.
async fn browser_hit(
    app: &TestApp,
    target: &str,
    ip: &str,
    headers: &[(&str, &str)],
) -> reqwest::Response {
    let mut r = app
        .http
        .post(app.url(target))
        .header("User-Agent", FIREFOX)
        .header("X-Forwarded-For", ip);
    for (k, v) in headers {
        r = r.header(*k, *v);
    }
    r.send().await.unwrap()
}

engines!(
    rotating_user_agents_add_at_most_a_few_views,
    |engine: Engine| async move {
        let app = TestApp::spawn(engine).await;
        let (id, path) = app.story("a", "Target", days_ago(1)).await;
        let mut accepted = 0;
        for i in 0..50 {
            let ua =
                format!("Mozilla/5.0 (X11; Linux x86_64; rv:{i}.0) Gecko/20100101 Firefox/{i}.0");
            if app.hit(id, "203.0.113.77", &ua).await == 202 {
                accepted += 1;
            }
        }
        let counted = app.counted(&path).await;
        assert_eq!(counted, accepted);
        assert!(
            (1..=4).contains(&counted),
            "50 user agents from one address added {counted} views"
        );
        // An IPv6 reader hopping around their /64 is still one address.
        let mut v6 = 0;
        for i in 0..50u32 {
            let ua = format!("Mozilla/5.0 Firefox/{i}.0");
            if app.hit(id, &format!("2001:db8:5:6::{i:x}"), &ua).await == 202 {
                v6 += 1;
            }
        }
        assert!(v6 <= 4, "one /64 added {v6} views");
    }
);

engines!(
    hits_from_other_sites_never_count,
    |engine: Engine| async move {
        let app = TestApp::spawn(engine).await;
        let (id, path) = app.story("a", "Embedded Elsewhere", days_ago(1)).await;
        let (other, _) = app.story("b", "Another Story", days_ago(1)).await;
        let good = format!("/hit/{}?t={}", id.0, app.token(id));
        let host = app.base.trim_start_matches("http://").to_owned();
        let own_referer = format!("{}/articles/embedded-elsewhere", app.base);
        let stale = app
            .core
            .views
            .hit_token(id, app.core.now() - jiff::SignedDuration::from_hours(7));
        let cases: Vec<(String, Vec<(&str, &str)>)> = vec![
            // An <img> or sendBeacon on another site: the browser says so.
            (good.clone(), vec![("Sec-Fetch-Site", "cross-site")]),
            (good.clone(), vec![("Sec-Fetch-Site", "same-site")]),
            (good.clone(), vec![("Origin", "https://evil.example")]),
            (good.clone(), vec![("Referer", "https://evil.example/page")]),
            // No token, a token of another article, a made-up or stale one.
            (format!("/hit/{}", id.0), vec![]),
            (format!("/hit/{}?t={}", id.0, app.token(other)), vec![]),
            (format!("/hit/{}?t=123.abc", id.0), vec![]),
            (format!("/hit/{}?t={stale}", id.0), vec![]),
            (format!("/hit/{}?t=", id.0), vec![]),
        ];
        for (i, (target, headers)) in cases.iter().enumerate() {
            let r = browser_hit(&app, target, &format!("198.51.100.{i}"), headers).await;
            assert_ne!(r.status().as_u16(), 202, "{target} {headers:?}");
            assert_eq!(r.headers()["gazette-hit"], "forged", "{target} {headers:?}");
        }
        // An <img> of our pixel on another site's page.
        let pixel = app
            .http
            .get(app.url(&format!("/hit/{}.gif?t={}", id.0, app.token(id))))
            .header("User-Agent", FIREFOX)
            .header("X-Forwarded-For", "198.51.100.99")
            .header("Sec-Fetch-Site", "cross-site")
            .header("Referer", "https://evil.example/")
            .send()
            .await
            .unwrap();
        assert_eq!(pixel.status().as_u16(), 200, "it still gets its image");
        assert_eq!(pixel.headers()["gazette-hit"], "forged");
        assert_eq!(app.counted(&path).await, 0);
        // Our own page's beacon, as a browser sends it, counts.
        let r = browser_hit(
            &app,
            &good,
            "198.51.100.200",
            &[
                ("Sec-Fetch-Site", "same-origin"),
                ("Origin", &app.base),
                ("Referer", &own_referer),
                ("Host", &host),
            ],
        )
        .await;
        assert_eq!(r.status().as_u16(), 202);
        assert_eq!(app.counted(&path).await, 1);
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
        assert!(
            metrics.contains(&format!(
                "gazette_views_total{{outcome=\"forged\"}} {}",
                cases.len() + 1
            )),
            "{metrics}"
        );
    }
);

engines!(
    the_proxy_header_is_believed_only_from_trusted_proxies,
    |engine: Engine| async move {
        let mut config = crate::util::test_config();
        // Only a proxy elsewhere is trusted: the test client (loopback) is not.
        config.trusted_proxies =
            gazette_web::TrustedProxies::new("X-Forwarded-For", &["10.0.0.0/8".into()]).unwrap();
        let app = TestApp::with_config(engine, config).await;
        let (id, path) = app.story("a", "Target", days_ago(1)).await;
        // Forged addresses from an untrusted peer are all the same reader.
        let mut accepted = 0;
        for i in 0..20 {
            if app.hit(id, &format!("203.0.113.{i}"), FIREFOX).await == 202 {
                accepted += 1;
            }
        }
        assert_eq!(accepted, 1);
        assert_eq!(app.counted(&path).await, 1);
    }
);
