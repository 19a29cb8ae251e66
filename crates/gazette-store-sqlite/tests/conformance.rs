//! The store conformance suite on SQLite: once in memory, and the on-disk
//! file is exercised by `reopen_keeps_data`.

use gazette_store::Store;
use gazette_store_sqlite::SqliteStore;

gazette_store::conformance_tests!(SqliteStore::memory().await.unwrap());

#[tokio::test]
async fn reopen_keeps_data_and_refuses_missing_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gazette.db");
    assert!(
        SqliteStore::open(&path, false).await.is_err(),
        "never creates a file by accident"
    );
    let store = SqliteStore::open(&path, true).await.unwrap();
    let input = gazette_store::testing::sample(
        "k",
        "Kept Across Restarts",
        "2025-11-25T09:00:00-05:00[America/New_York]"
            .parse()
            .unwrap(),
    );
    store.save_article(&input).await.unwrap();
    store.close().await;
    let store = SqliteStore::open(&path, false).await.unwrap();
    assert_eq!(store.count_published().await.unwrap(), 1);
    let a = store.article_by_slug("kept-across-restarts").await.unwrap();
    assert_eq!(a.published_at, input.published_at);
}

/// Several connections writing at once (the flusher, comment posts, an
/// import in another process) wait their turn instead of failing with
/// "database is locked".
#[tokio::test]
async fn concurrent_writers_wait_their_turn() {
    use gazette_domain::NewComment;
    use gazette_store::DailyViews;

    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("gazette.db"), true)
        .await
        .unwrap();
    let at = "2025-11-25T09:00:00-05:00[America/New_York]"
        .parse()
        .unwrap();
    let id = store
        .save_article(&gazette_store::testing::sample("k", "Busy Story", at))
        .await
        .unwrap()
        .id;
    let day: jiff::civil::Date = "2025-11-25".parse().unwrap();
    let mut tasks = Vec::new();
    for i in 0..40 {
        let s = store.clone();
        tasks.push(tokio::spawn(async move {
            if i % 2 == 0 {
                s.add_comment(&NewComment {
                    article: id,
                    parent: None,
                    author_name: "Reader".into(),
                    author_email: None,
                    body_html: format!("<p>{i}</p>"),
                    fingerprint: format!("c{i}"),
                })
                .await
                .map(|_| ())
            } else {
                s.add_daily_views(&[DailyViews {
                    article: id,
                    day,
                    views: 1,
                }])
                .await
            }
        }));
    }
    for t in tasks {
        t.await.unwrap().expect("no writer fails");
    }
    let a = store.article_by_slug("busy-story").await.unwrap();
    assert_eq!(a.counters.views, 20);
}
