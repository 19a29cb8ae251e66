//! Several nodes, one database: two `gazette serve` processes on two
//! loopback ports share one PostgreSQL database, as they would behind a
//! load balancer. Needs GAZETTE_TEST_POSTGRES_URL (required in CI).

use std::time::{Duration, Instant};

use gazette_testkit::Engine;

use crate::util::{Newsroom, Server, stderr};

const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
const TOKEN: &str = "multi-node-test-token-0123456789";

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

fn attr(html: &str, prefix: &str) -> String {
    let at = html.find(prefix).unwrap_or_else(|| panic!("no {prefix}")) + prefix.len();
    html[at..at + html[at..].find('"').unwrap()].to_owned()
}

/// The comment count an article page shows.
fn comments_shown(html: &str) -> u64 {
    let key = "<span class=\"comments\"><span class=\"n\">";
    let at = html.find(key).expect("a comment count") + key.len();
    html[at..at + html[at..].find('<').unwrap()]
        .replace(',', "")
        .parse()
        .unwrap()
}

async fn metric(server: &Server, name: &str) -> u64 {
    let text = http()
        .get(format!("{}/api/metrics", server.base))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .find(|l| l.starts_with(name) && !l.starts_with('#'))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no {name} in\n{text}"))
}

async fn hit(server: &Server, beacon: &str, ip: &str, ua: &str) -> u16 {
    http()
        .post(format!("{}{beacon}", server.base))
        .header("User-Agent", ua)
        .header("X-Forwarded-For", ip)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// Polls `check` every 50 ms until it holds or `within` passes; returns
/// how long it took.
async fn within<F, Fut>(within: Duration, mut check: F) -> Option<Duration>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let start = Instant::now();
    while start.elapsed() < within {
        if check().await {
            return Some(start.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    None
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_on_one_database_act_as_one_site() {
    if !gazette_testkit::available(Engine::Postgres) {
        return;
    }
    let mut n = Newsroom::on(Engine::Postgres).await;
    n.env.retain(|(k, _)| k != "GAZETTE_PAGE_CACHE_MS");
    for (k, v) in [
        // Pages are cached, so a stale page would show.
        ("GAZETTE_PAGE_CACHE_MS", "30000"),
        ("GAZETTE_VIEWS__CLIENT_IP_HEADER", "X-Forwarded-For"),
        ("GAZETTE_API_TOKEN", TOKEN),
        ("GAZETTE_JOBS__INTERVAL_SECONDS", "1"),
        ("GAZETTE_JOBS__LEASE_SECONDS", "3"),
        ("GAZETTE_COMMENTS__MIN_SECONDS", "0"),
    ] {
        n.env.push((k.into(), v.into()));
    }
    let out = n.run(&["demo", "--no-serve", "--articles", "60", "--weeks", "6"]);
    assert!(out.status.success(), "{}", stderr(&out));
    // Each node keeps its own search index.
    let search_dirs = tempfile::tempdir().unwrap();
    let search_env = |name: &str| {
        (
            "GAZETTE_SEARCH_DIR".to_owned(),
            search_dirs.path().join(name).display().to_string(),
        )
    };
    n.env.push(search_env("a"));
    let a = n.serve();
    n.env.pop();
    n.env.push(search_env("b"));
    let b = n.serve();
    n.env.pop();

    // A week is frozen once, by whichever node holds the lease.
    let store = n.store().await;
    let now = jiff::Timestamp::now();
    let settled = within(Duration::from_secs(15), || {
        let store = store.clone();
        async move { store.frozen_weeks().await.unwrap().len() >= 5 }
    })
    .await;
    assert!(
        settled.is_some(),
        "weeks froze: {:?}",
        store.frozen_weeks().await.unwrap()
    );
    tokio::time::sleep(Duration::from_secs(2)).await;
    let (fa, fb) = (
        metric(&a, "gazette_weeks_frozen_total").await,
        metric(&b, "gazette_weeks_frozen_total").await,
    );
    let weeks = store.frozen_weeks().await.unwrap().len() as u64;
    assert_eq!(fa + fb, weeks, "each week frozen once: A {fa}, B {fb}");
    assert!(
        fa == 0 || fb == 0,
        "one node did the freezing: A {fa}, B {fb}"
    );

    // The story everybody reads.
    let (_, home) = a.get("/").await;
    let path = format!("/articles/{}", attr(&home, "<h3><a href=\"/articles/"));
    let (_, page_a) = a.get(&path).await;
    let beacon = attr(&page_a, "data-hit=\"");
    let slug = path.trim_start_matches("/articles/").to_owned();
    let views = || async {
        store
            .article_by_slug(&slug, jiff::Timestamp::now())
            .await
            .unwrap()
            .counters
            .views
    };
    let before = views().await;

    // N readers on each node add exactly 2N.
    let n_each = 150;
    for i in 0..n_each {
        assert_eq!(
            hit(
                &a,
                &beacon,
                &format!("10.1.{}.{}", i / 200, i % 200),
                FIREFOX
            )
            .await,
            202
        );
        assert_eq!(
            hit(
                &b,
                &beacon,
                &format!("10.2.{}.{}", i / 200, i % 200),
                FIREFOX
            )
            .await,
            202
        );
    }
    // One reader whose requests the balancer spreads over both nodes.
    for node in [&a, &b, &a, &b] {
        hit(node, &beacon, "10.9.9.9", FIREFOX).await;
    }
    let want = before + 2 * n_each + 1;
    let added = within(Duration::from_secs(10), || async { views().await == want }).await;
    assert!(added.is_some(), "views {} want {want}", views().await);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(views().await, want, "nothing more arrives later");

    // A change through node A shows on node B within a second, although
    // B had the page cached for thirty.
    let (_, page_b) = b.get(&path).await;
    let (_, again_b) = b.get(&path).await;
    assert_eq!(comments_shown(&page_b), comments_shown(&again_b));
    let comments_before = comments_shown(&page_b);
    let ts = attr(&page_a, "name=\"ts\" value=\"");
    let form_token = attr(&page_a, "name=\"token\" value=\"");
    let posted = http()
        .post(format!("{}{path}/comments", b.base))
        .header("User-Agent", FIREFOX)
        .header("X-Forwarded-For", "10.7.7.7")
        .form(&[
            ("name", "Reader"),
            (
                "body",
                "A comment posted on node B with a form from node A.",
            ),
            ("ts", &ts),
            ("token", &form_token),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        posted.status().as_u16(),
        303,
        "form tokens work on every node"
    );
    let pending: Vec<serde_json::Value> = http()
        .get(format!("{}/api/comments?status=pending", a.base))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = pending
        .iter()
        .find(|c| c["author_name"] == "Reader")
        .expect("the comment is pending")["id"]
        .clone();
    let approved = http()
        .post(format!("{}/api/comments/{id}/approve", a.base))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(approved.status().as_u16(), 200);
    let seen = within(Duration::from_secs(1), || async {
        let (_, html) = b.get(&path).await;
        comments_shown(&html) == comments_before + 1
    })
    .await;
    assert!(
        seen.is_some(),
        "node B shows node A's change within a second"
    );
    eprintln!("node B showed the change after {:?}", seen.unwrap());

    // Node A dies without a word; node B serves, counts, and takes the
    // jobs over once A's lease runs out.
    let mut a = a;
    // Search: node B built its index from the database at start, and both
    // nodes' indexes follow a story saved through the shared database
    // within seconds.
    let found = |server: &crate::util::Server, q: &'static str, slug: String| {
        let base = server.base.clone();
        async move {
            let html = http()
                .get(format!("{base}/search?q={q}"))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            html.contains(&format!("href=\"/articles/{slug}\""))
        }
    };
    let built = within(Duration::from_secs(10), || {
        let q = slug.split('-').next().unwrap().to_owned();
        let q: &'static str = Box::leak(q.into_boxed_str());
        found(&b, q, slug.clone())
    })
    .await;
    assert!(
        built.is_some(),
        "node B indexed the demo's stories at start"
    );
    let mut input = gazette_store::testing::sample(
        "multinode-search",
        "Zanzibar Quokka Festival Opens",
        jiff::Timestamp::now().to_zoned_datetime(jiff::tz::TimeZone::UTC),
    );
    input.body_html = "<p>The quokkas arrived on Tuesday.</p>".into();
    let saved = store
        .save_article(&input, jiff::Timestamp::now())
        .await
        .unwrap();
    for (name, server) in [("A", &a), ("B", &b)] {
        let took = within(Duration::from_secs(10), || {
            found(server, "quokka", saved.slug.to_string())
        })
        .await;
        assert!(took.is_some(), "node {name} found the new story");
        eprintln!("node {name} found a story saved elsewhere after {took:?}");
    }
    a.child.kill().unwrap();
    a.child.wait().unwrap();
    let (status, _) = b.get("/").await;
    assert_eq!(status, 200);
    let before_b = views().await;
    for i in 0..20 {
        assert_eq!(hit(&b, &beacon, &format!("10.3.0.{i}"), FIREFOX).await, 202);
    }
    let flushed = within(Duration::from_secs(5), || async {
        views().await == before_b + 20
    })
    .await;
    assert!(flushed.is_some(), "node B still flushes");
    let took_over = within(Duration::from_secs(10), || async {
        metric(&b, "gazette_jobs_lease_held").await == 1
    })
    .await;
    assert!(took_over.is_some(), "node B holds the jobs lease");
    let _ = now;
}
