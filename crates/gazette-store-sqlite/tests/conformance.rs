//! The store conformance suite on SQLite, each check on a fresh database
//! file (several connections, as in production), plus what only a file
//! can show.

use std::sync::Arc;

use gazette_store::{ArticleStore, Store, testing::Fresh};
use gazette_store_sqlite::SqliteStore;

async fn fresh() -> Option<Fresh> {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("gazette.db"), true)
        .await
        .unwrap();
    Some(Fresh {
        store: Arc::new(store) as Arc<dyn Store>,
        guard: Box::new(dir),
    })
}

gazette_store::conformance_tests!(fresh().await);

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
        gazette_store::testing::at(2025, 11, 25, 9),
    );
    let now = gazette_store::testing::now();
    store.save_article(&input, now).await.unwrap();
    store.close().await;
    let url = format!("sqlite://{}", path.display());
    let store = SqliteStore::open_url(&url, false).await.unwrap();
    assert_eq!(store.count_published(now).await.unwrap(), 1);
    let a = store
        .article_by_slug("kept-across-restarts", now)
        .await
        .unwrap();
    assert_eq!(a.published_at, input.published_at);
    assert_eq!(store.integrity_check().await.unwrap(), "ok");
}

#[tokio::test]
async fn a_backup_taken_while_open_holds_everything() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("gazette.db"), true)
        .await
        .unwrap();
    let now = gazette_store::testing::now();
    for i in 0..20 {
        store
            .save_article(
                &gazette_store::testing::sample(
                    &format!("k{i}"),
                    &format!("Story {i}"),
                    gazette_store::testing::at(2025, 11, 25, 9),
                ),
                now,
            )
            .await
            .unwrap();
    }
    let copy = dir.path().join("backup.db");
    store.backup_to(&copy).await.unwrap();
    assert!(store.backup_to(&copy).await.is_err(), "never overwrites");
    let restored = SqliteStore::open(&copy, false).await.unwrap();
    assert_eq!(restored.count_published(now).await.unwrap(), 20);
}
