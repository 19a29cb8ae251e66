//! Views and comments through the real binary: a capture's imported counts
//! count up, SIGTERM under load loses no accepted view, and the CLI
//! moderates and ranks.

use gazette_testkit::{Engine, engines};
use std::time::Duration;

use crate::util::{Newsroom, own_capture, stderr, stdout};

const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
const ARTICLE: &str = "/articles/council-backs-plan-to-rebuild-the-north-harbour-wall";

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap()
}

fn beacon_of(html: &str) -> String {
    let at = html.find("data-hit=\"").expect("the page has a beacon") + 10;
    html[at..at + html[at..].find('"').unwrap()].to_owned()
}

engines!(
    a_capture_shows_its_imported_counts_and_counts_up_when_read,
    |engine: Engine| async move {
        let n = Newsroom::on(engine).await;
        let seed = own_capture();
        assert!(
            n.run(&["import", "text", seed.to_str().unwrap()])
                .status
                .success()
        );
        let server = n.serve();
        let (_, html) = server.get(ARTICLE).await;
        assert!(html.contains(r#"<span class="views"><span class="n">1,204</span> views</span>"#));
        assert!(
            html.contains(r#"<span class="comments"><span class="n">3</span> comments</span>"#)
        );

        let beacon = beacon_of(&html);
        let status = http()
            .post(format!("{}{beacon}", server.base))
            .header("User-Agent", FIREFOX)
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(status.as_u16(), 202);
        // Written within a second; a reload by the same reader adds nothing.
        tokio::time::sleep(Duration::from_millis(1500)).await;
        let again = http()
            .post(format!("{}{beacon}", server.base))
            .header("User-Agent", FIREFOX)
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(again.as_u16(), 204);
        let (_, html) = server.get(ARTICLE).await;
        assert!(
            html.contains(r#"<span class="n">1,205</span> views"#),
            "1,204 imported + 1 read"
        );
    }
);

engines!(
    sigterm_under_load_loses_no_accepted_view,
    |engine: Engine| async move {
        let mut n = Newsroom::on(engine).await;
        n.env.push((
            "GAZETTE_VIEWS__CLIENT_IP_HEADER".into(),
            "X-Forwarded-For".into(),
        ));
        let seed = own_capture();
        assert!(
            n.run(&["import", "text", seed.to_str().unwrap()])
                .status
                .success()
        );
        let server = n.serve();
        let (_, html) = server.get(ARTICLE).await;
        let url = format!("{}{}", server.base, beacon_of(&html));

        // Eight readers' worth of traffic, each request from a new address.
        let mut tasks = Vec::new();
        for t in 0..8u32 {
            let url = url.clone();
            tasks.push(tokio::spawn(async move {
                let client = http();
                let mut accepted = 0u64;
                for i in 0..5000u32 {
                    let ip = format!("10.{t}.{}.{}", i / 250, i % 250);
                    match client
                        .post(&url)
                        .header("User-Agent", FIREFOX)
                        .header("X-Forwarded-For", ip)
                        .send()
                        .await
                    {
                        Ok(r) if r.status().as_u16() == 202 => accepted += 1,
                        Ok(_) => {}
                        Err(_) => break, // the server has gone
                    }
                }
                accepted
            }));
        }
        tokio::time::sleep(Duration::from_millis(700)).await;
        let pid = server.child.id();
        let kill = std::process::Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status()
            .unwrap();
        assert!(kill.success());
        let mut accepted = 0;
        for t in tasks {
            accepted += t.await.unwrap();
        }
        let mut server = server;
        let status = server.child.wait().unwrap();
        assert!(status.success(), "graceful exit, got {status}");
        assert!(accepted > 100, "the load ran ({accepted} accepted)");

        let store = n.store().await;
        let a = store
            .article_by_slug(
                ARTICLE.trim_start_matches("/articles/"),
                jiff::Timestamp::now(),
            )
            .await
            .unwrap();
        assert_eq!(a.counters.views, accepted, "every accepted hit was written");
        assert_eq!(a.counters.legacy_views, 1204);
    }
);

engines!(
    comments_and_top_from_the_command_line,
    |engine: Engine| async move {
        let n = Newsroom::on(engine).await;
        assert!(
            n.run(&["demo", "--no-serve", "--articles", "40"])
                .status
                .success()
        );
        let out = n.run(&["comments", "pending"]);
        assert!(
            stdout(&out).contains("No comments are waiting"),
            "{}",
            stdout(&out)
        );
        let out = n.run(&["comments", "approve", "12345"]);
        assert!(!out.status.success());
        assert!(
            stderr(&out).contains("there is no comment #12345"),
            "{}",
            stderr(&out)
        );

        let out = n.run(&["top", "--json"]);
        assert!(out.status.success(), "{}", stderr(&out));
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(json["current"], true);
        let stories = json["stories"].as_array().unwrap();
        assert!(!stories.is_empty(), "the demo has stories this week");
        let views: Vec<u64> = stories
            .iter()
            .map(|s| s["week_views"].as_u64().unwrap())
            .collect();
        assert!(
            views.windows(2).all(|w| w[0] >= w[1]),
            "ranked by views: {views:?}"
        );

        // Last week: readable from the command line, and only frozen by a
        // serving node's background job, never by reading it.
        let last = jiff::Timestamp::now()
            .to_zoned_datetime(jiff::tz::TimeZone::get("America/New_York").unwrap())
            .date()
            .checked_sub(jiff::ToSpan::days(7))
            .unwrap();
        let week = gazette_domain::IsoWeek::of_date(last).unwrap().to_string();
        let out = n.run(&["top", "--week", &week]);
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(
            stdout(&out).contains(&format!("Top stories, {week} (not final yet)")),
            "{}",
            stdout(&out)
        );
        let server = n.serve();
        let mut frozen = false;
        for _ in 0..50 {
            let (_, body) = server.get(&format!("/api/top/{week}")).await;
            let json: serde_json::Value = serde_json::from_str(&body).unwrap();
            if json["frozen"] == true {
                frozen = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        assert!(frozen, "the serving node froze last week");
        drop(server);
        let out = n.run(&["top", "--week", &week]);
        assert!(
            stdout(&out).contains(&format!("Top stories, {week} (final)")),
            "{}",
            stdout(&out)
        );
        let out = n.run(&["top", "--week", "2025-W60"]);
        assert!(!out.status.success());
        assert!(stderr(&out).contains("--week"), "{}", stderr(&out));
        let out = n.run(&["top", "--week", "2001-W10"]);
        assert!(!out.status.success());
        assert!(
            stderr(&out).contains("before the newsroom's first story"),
            "{}",
            stderr(&out)
        );
    }
);
