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
