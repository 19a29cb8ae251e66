//! `gazette backup` while the site serves and counts, and `gazette
//! restore` bringing it back.

use std::time::Duration;

use gazette_store::ArticleStore;
use gazette_store_sqlite::SqliteStore;

use crate::util::{Newsroom, own_capture, stderr, stdout};

const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";

#[tokio::test]
async fn a_backup_taken_while_serving_restores_the_same_newsroom() {
    let mut n = Newsroom::new();
    n.env.push((
        "GAZETTE_VIEWS__CLIENT_IP_HEADER".into(),
        "X-Forwarded-For".into(),
    ));
    assert!(
        n.run(&["demo", "--no-serve", "--articles", "80"])
            .status
            .success()
    );
    assert!(
        n.run(&["import", "text", own_capture().to_str().unwrap()])
            .status
            .success()
    );
    let server = n.serve();
    let article = "/articles/council-backs-plan-to-rebuild-the-north-harbour-wall";
    let (_, html) = server.get(article).await;
    let at = html.find("data-hit=\"").unwrap() + 10;
    let beacon = html[at..at + html[at..].find('"').unwrap()].to_owned();
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    // Readers keep reading while the backup is taken.
    let load = {
        let url = format!("{}{beacon}", server.base);
        tokio::spawn(async move {
            for i in 0..300u32 {
                let _ = http
                    .post(&url)
                    .header("User-Agent", FIREFOX)
                    .header("X-Forwarded-For", format!("10.5.{}.{}", i / 250, i % 250))
                    .send()
                    .await;
            }
        })
    };
    tokio::time::sleep(Duration::from_millis(100)).await;
    let file = n.data_dir().join("backups/monday.db");
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    let out = n.run(&["backup", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("integrity ok"), "{}", stdout(&out));
    load.await.unwrap();
    let again = n.run(&["backup", file.to_str().unwrap()]);
    assert!(!again.status.success(), "never overwrites");

    // Restoring while the server runs is refused.
    let busy = n.run(&["restore", file.to_str().unwrap()]);
    assert!(!busy.status.success());
    assert!(
        stderr(&busy).contains("stop the server"),
        "{}",
        stderr(&busy)
    );
    drop(server);

    // What the backup holds.
    let backup = SqliteStore::open(&file, false).await.unwrap();
    let now = jiff::Timestamp::now();
    let stories = backup.count_published(now).await.unwrap();
    let views = backup
        .article_by_slug(article.trim_start_matches("/articles/"), now)
        .await
        .unwrap()
        .counters
        .views;
    backup.close().await;
    assert_eq!(stories, 81);

    // Something happens after the backup; the restore takes it back.
    n.run(&["demo", "--no-serve"]);
    let out = n.run(&["restore", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("kept as"), "{}", stdout(&out));
    let restored = SqliteStore::open(&n.data_dir().join("gazette.db"), false)
        .await
        .unwrap();
    assert_eq!(restored.integrity_check().await.unwrap(), "ok");
    assert_eq!(restored.count_published(now).await.unwrap(), stories);
    assert_eq!(
        restored
            .article_by_slug(article.trim_start_matches("/articles/"), now)
            .await
            .unwrap()
            .counters
            .views,
        views
    );
    restored.close().await;
    let server = n.serve();
    assert_eq!(server.get(article).await.0, 200);
}
