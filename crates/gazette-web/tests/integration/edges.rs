//! The edges of the server: slow clients, security headers, pages past the
//! end, cache keys, guessing the API token.

use std::{
    io::{Read, Write},
    net::TcpStream,
    sync::Arc,
    time::{Duration, Instant},
};

use gazette_core::{CoreConfig, SystemClock};
use gazette_testkit::{Engine, engines};
use gazette_web::ServerLimits;

use crate::util::{TOKEN, TestApp, days_ago, test_config};

engines!(
    slow_clients_cannot_starve_a_reader,
    |engine: Engine| async move {
        let limits = ServerLimits {
            header_read_timeout: Duration::from_millis(1500),
            max_connections: 1000,
            ..ServerLimits::default()
        };
        let app = TestApp::serve(
            engine,
            test_config(),
            CoreConfig::default(),
            Arc::new(SystemClock),
            limits,
        )
        .await;
        let (_, path) = app.story("a", "Still Served", days_ago(1)).await;
        let addr = app.base.trim_start_matches("http://").to_owned();
        // A slowloris: 400 connections, each sending part of a request's
        // headers and then nothing.
        let slow: Vec<TcpStream> = (0..400)
            .map(|_| {
                let mut s = TcpStream::connect(&addr).unwrap();
                s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
                    .unwrap();
                s
            })
            .collect();
        let t0 = Instant::now();
        let resp = app.get(&path).await;
        assert_eq!(resp.status().as_u16(), 200);
        assert!(t0.elapsed() < Duration::from_secs(1), "served at once");
        // Past the header timeout the server has closed every slow connection.
        tokio::time::sleep(Duration::from_millis(2500)).await;
        let mut closed = 0;
        for mut s in slow {
            s.set_read_timeout(Some(Duration::from_millis(500)))
                .unwrap();
            let mut buf = [0u8; 256];
            match s.read(&mut buf) {
                Ok(0) => closed += 1,
                Ok(_) => closed += 1, // an error answer, then the close
                Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => closed += 1,
                Err(_) => {}
            }
        }
        assert_eq!(closed, 400, "every half-sent request was cut off");
        assert_eq!(app.get(&path).await.status().as_u16(), 200);
    }
);

engines!(
    every_response_carries_the_security_headers,
    |engine: Engine| async move {
        let app = TestApp::spawn(engine).await;
        let (_, path) = app.story("a", "Headed", days_ago(1)).await;
        for p in [
            "/",
            path.as_str(),
            "/staff",
            "/no-such-page",
            "/api/top",
            "/static/gazette.css",
            "/sections/harbour-coast",
        ] {
            let r = app.get(p).await;
            let h = r.headers();
            let csp = h["content-security-policy"].to_str().unwrap();
            assert!(csp.contains("frame-ancestors 'none'"), "{p}: {csp}");
            assert!(csp.contains("script-src 'sha256-"), "{p}: {csp}");
            assert!(!csp.contains("unsafe-inline"), "{p}");
            assert_eq!(h["x-content-type-options"], "nosniff", "{p}");
            assert_eq!(
                h["referrer-policy"], "strict-origin-when-cross-origin",
                "{p}"
            );
            assert_eq!(h["x-frame-options"], "DENY", "{p}");
        }
    }
);

engines!(
    pages_past_the_end_are_404_without_touching_the_listing,
    |engine: Engine| async move {
        let app = TestApp::spawn(engine).await;
        for i in 0..25 {
            app.story(&format!("k{i}"), &format!("Story {i}"), days_ago(1 + i))
                .await;
        }
        for (p, want) in [
            ("/page/2", 200),
            ("/page/3", 404),
            ("/page/0", 404),
            ("/page/02", 404),
            ("/page/+2", 404),
            ("/page/4294967295", 404),
            ("/page/99999999999999999999", 404),
            ("/page/-1", 404),
            ("/page/abc", 404),
            ("/page/1", 301),
            ("/?page=2", 301),
            ("/?page=0", 404),
            ("/?page=4294967295", 404),
            ("/?page=-1", 400),
            ("/?page=abc", 400),
            ("/sections/harbour-coast/page/2", 200),
            ("/sections/harbour-coast?page=2", 301),
            ("/sections/harbour-coast/page/999999", 404),
            ("/contributors/ani-hakobyan/page/3", 404),
            ("/sources/meridian-wire/page/3", 404),
            ("/tags/ferries/page/3", 404),
        ] {
            let t0 = Instant::now();
            let r = app.get(p).await;
            assert_eq!(r.status().as_u16(), want, "{p}");
            assert!(
                t0.elapsed() < Duration::from_secs(1),
                "{p} answered quickly"
            );
        }
        let page2 = app.text("/page/2").await;
        assert!(
            !page2.contains("rel=\"next\""),
            "page 2 of 25 stories is the last"
        );
    }
);

engines!(
    random_parameters_do_not_bypass_the_page_cache,
    |engine: Engine| async move {
        let mut config = test_config();
        config.page_cache_ttl = Duration::from_secs(60);
        let app = TestApp::with_config(engine, config).await;
        let mut input = gazette_store::testing::sample("k", "Cached Headline", days_ago(1));
        let saved = app.core.save_article(&input).await.unwrap();
        let path = format!("/articles/{}", saved.slug);
        assert!(app.text(&path).await.contains("Cached Headline"));
        // Changed straight in the store, behind the cache's back (no change
        // is announced to this node's cache by a store call alone).
        input.headline = "Changed Headline".into();
        app.store
            .save_article(&input, app.core.now())
            .await
            .unwrap();
        for q in ["?x=1", "?utm_source=a&x=2", "?random=3"] {
            let html = app.text(&format!("{path}{q}")).await;
            assert!(
                html.contains("Cached Headline"),
                "{q} is served from the cache, not rendered again"
            );
        }
    }
);

engines!(
    guessing_the_api_token_is_throttled,
    |engine: Engine| async move {
        let app = TestApp::spawn(engine).await;
        let api = |token: &'static str| {
            app.http
                .get(app.url("/api/comments"))
                .bearer_auth(token)
                .header("X-Forwarded-For", "203.0.113.99")
                .send()
        };
        for _ in 0..4 {
            assert_eq!(api("wrong-token").await.unwrap().status().as_u16(), 401);
        }
        // The fifth failure locks the network out, right token or not.
        assert_eq!(api("wrong-token").await.unwrap().status().as_u16(), 401);
        assert_eq!(api(TOKEN).await.unwrap().status().as_u16(), 429);
        // Another network is not affected.
        let other = app
            .http
            .get(app.url("/api/comments"))
            .bearer_auth(TOKEN)
            .header("X-Forwarded-For", "198.51.100.1")
            .send()
            .await
            .unwrap();
        assert_eq!(other.status().as_u16(), 200);
        // Staff sign-in shares the lock.
        let page = app.text("/staff").await;
        let field = |name: &str| {
            let key = format!("name=\"{name}\" value=\"");
            let at = page.find(&key).unwrap() + key.len();
            page[at..at + page[at..].find('"').unwrap()].to_owned()
        };
        let signed = app
            .http
            .post(app.url("/staff/sign-in"))
            .header("X-Forwarded-For", "203.0.113.99")
            .form(&[
                ("api_token", TOKEN),
                ("ts", &field("ts")),
                ("token", &field("token")),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(signed.status().as_u16(), 429);
    }
);

engines!(
    changing_the_token_signs_staff_out,
    |engine: Engine| async move {
        let app = TestApp::spawn(engine).await;
        let page = app.text("/staff").await;
        let field = |name: &str| {
            let key = format!("name=\"{name}\" value=\"");
            let at = page.find(&key).unwrap() + key.len();
            page[at..at + page[at..].find('"').unwrap()].to_owned()
        };
        let resp = app
            .http
            .post(app.url("/staff/sign-in"))
            .form(&[
                ("api_token", TOKEN),
                ("ts", &field("ts")),
                ("token", &field("token")),
            ])
            .send()
            .await
            .unwrap();
        let cookie = resp.headers()["set-cookie"].to_str().unwrap();
        let session = cookie.split(';').next().unwrap().to_owned();
        let staff_page = app
            .http
            .get(app.url("/staff"))
            .header("Cookie", &session)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(staff_page.contains("You are signed in as staff"));
        // The same newsroom served with a new token: the old session is void.
        let mut config = test_config();
        config.api_token = Some("a-brand-new-token-abcdefghij0123".into());
        let state = gazette_web::AppState::new(app.core.clone(), config).unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(gazette_web::serve(
            listener,
            gazette_web::router(state),
            ServerLimits::default(),
            std::future::pending(),
        ));
        let after = app
            .http
            .get(format!("{base}/staff"))
            .header("Cookie", &session)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(!after.contains("You are signed in as staff"), "signed out");
    }
);
