//! Crash safety: `gazette import text` and `gazette serve` killed with
//! SIGKILL at random moments, again and again. Afterwards the database is
//! whole (`PRAGMA integrity_check`), nothing committed is lost or counted
//! twice, and running the import again completes it.

use std::{
    process::{Command, Stdio},
    time::Duration,
};

use gazette_store::ArticleStore;
use gazette_store_sqlite::SqliteStore;

use crate::util::{Newsroom, own_capture};

const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
const TOKEN: &str = "crash-test-token-0123456789abcdef";

/// A small random number generator (xorshift): the kill moments vary from
/// round to round and run to run.
struct Rng(u64);

impl Rng {
    fn new() -> Self {
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos() as u64;
        eprintln!("crash test seed {seed}");
        Rng(seed | 1)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

async fn check(db: &std::path::Path) -> SqliteStore {
    let store = SqliteStore::open(db, false).await.unwrap();
    assert_eq!(store.integrity_check().await.unwrap(), "ok");
    store
}

#[tokio::test]
async fn an_import_killed_again_and_again_completes_exactly() {
    let n = Newsroom::new();
    let template = std::fs::read_to_string(own_capture()).unwrap();
    let dir = n.data_dir().join("captures");
    std::fs::create_dir_all(&dir).unwrap();
    let files: Vec<String> = (0..300)
        .map(|i| {
            let f = dir.join(format!("c{i:03}.txt"));
            std::fs::write(
                &f,
                template.replace(
                    "Council Backs Plan to Rebuild the North Harbour Wall",
                    &format!("Harbour Story Number {i}"),
                ),
            )
            .unwrap();
            f.display().to_string()
        })
        .collect();
    let db = n.data_dir().join("gazette.db");
    let mut rng = Rng::new();
    let mut previous = 0;
    for round in 0..12 {
        let mut cmd = n.command(&["import", "text"]);
        cmd.args(&files).stdout(Stdio::null()).stderr(Stdio::null());
        let mut child = cmd.spawn().unwrap();
        std::thread::sleep(Duration::from_millis(30 + rng.below(400)));
        let _ = child.kill();
        let _ = child.wait();
        if !db.exists() {
            continue;
        }
        let store = check(&db).await;
        let now = jiff::Timestamp::now();
        let count = store.count_published(now).await.unwrap();
        store.close().await;
        assert!(count <= 300, "round {round}: {count} stories");
        assert!(
            count >= previous,
            "round {round}: nothing committed is lost"
        );
        previous = count;
    }
    let out = n.run(
        &[
            &["import", "text"][..],
            &files.iter().map(String::as_str).collect::<Vec<_>>(),
        ]
        .concat(),
    );
    assert!(out.status.success());
    let store = check(&db).await;
    let now = jiff::Timestamp::now();
    assert_eq!(store.count_published(now).await.unwrap(), 300, "each once");
    for i in [0, 150, 299] {
        let a = store
            .article_by_slug(&format!("harbour-story-number-{i}"), now)
            .await
            .unwrap();
        assert_eq!(a.counters.legacy_views, 1204);
    }
    store.close().await;
}

#[tokio::test]
async fn a_server_killed_while_it_counts_keeps_what_it_wrote() {
    let mut n = Newsroom::new();
    n.env.push((
        "GAZETTE_VIEWS__CLIENT_IP_HEADER".into(),
        "X-Forwarded-For".into(),
    ));
    n.env.push(("GAZETTE_API_TOKEN".into(), TOKEN.into()));
    n.env
        .push(("GAZETTE_VIEWS__FLUSH_INTERVAL_MS".into(), "100".into()));
    let out = n.run(&["import", "text", own_capture().to_str().unwrap()]);
    assert!(out.status.success());
    let db = n.data_dir().join("gazette.db");
    let http = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    let mut rng = Rng::new();
    let mut accepted = 0u64;
    let mut written = 0u64;
    let mut reader = 0u64;
    for round in 0..12 {
        let server = n.serve();
        let (_, html) = server
            .get("/articles/council-backs-plan-to-rebuild-the-north-harbour-wall")
            .await;
        let at = html.find("data-hit=\"").unwrap() + 10;
        let beacon = html[at..at + html[at..].find('"').unwrap()].to_owned();
        let hits = 50 + rng.below(400);
        for _ in 0..hits {
            reader += 1;
            let r = http
                .post(format!("{}{beacon}", server.base))
                .header("User-Agent", FIREFOX)
                .header(
                    "X-Forwarded-For",
                    format!(
                        "10.{}.{}.{}",
                        reader / 65536 % 256,
                        reader / 256 % 256,
                        reader % 256
                    ),
                )
                .send()
                .await
                .unwrap();
            if r.status().as_u16() == 202 {
                accepted += 1;
            }
        }
        // Somewhere in the middle of a flush, or between two.
        tokio::time::sleep(Duration::from_millis(rng.below(250))).await;
        let metrics = http
            .get(format!("{}/api/metrics", server.base))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let so_far: u64 = metrics
            .lines()
            .find(|l| l.starts_with("gazette_views_written_total "))
            .and_then(|l| l.rsplit(' ').next())
            .and_then(|v| v.parse().ok())
            .unwrap();
        let pid = server.child.id();
        let killed = Command::new("kill")
            .args(["-KILL", &pid.to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        drop(server);
        written += so_far;
        let store = check(&db).await;
        let stored = store
            .article_by_slug(
                "council-backs-plan-to-rebuild-the-north-harbour-wall",
                jiff::Timestamp::now(),
            )
            .await
            .unwrap()
            .counters
            .views;
        store.close().await;
        assert!(
            stored >= written && stored <= accepted,
            "round {round}: {stored} stored, at least {written} written, {accepted} accepted"
        );
    }
}
