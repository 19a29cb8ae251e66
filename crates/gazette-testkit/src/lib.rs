//! Test support shared by the crates' test suites: a fresh, migrated,
//! empty store of either engine, and [`engines!`], which turns one test
//! body into one test per engine.
//!
//! PostgreSQL tests need `GAZETTE_TEST_POSTGRES_URL` (a server where the
//! user may create databases). Without it they skip with a message; with
//! `GAZETTE_TEST_REQUIRE_POSTGRES=1` (set by `.ci/run`) a skip is a failure.

pub mod wxr;

use std::sync::Arc;

use gazette_store::{Store, testing::Fresh};
use gazette_store_sqlite::SqliteStore;

/// The database engines Gazette runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    pub fn name(self) -> &'static str {
        match self {
            Engine::Sqlite => "sqlite",
            Engine::Postgres => "postgres",
        }
    }
}

/// A fresh store of `engine`, or `None` (after saying why) when the engine
/// is not available here.
pub async fn fresh(engine: Engine) -> Option<Fresh> {
    match engine {
        Engine::Sqlite => {
            let dir = tempfile::tempdir().expect("a temporary directory");
            let path = dir.path().join("gazette.db");
            let store = SqliteStore::open(&path, true)
                .await
                .expect("a fresh SQLite database");
            Some(Fresh {
                store: Arc::new(store) as Arc<dyn Store>,
                guard: Box::new(dir),
            })
        }
        Engine::Postgres => gazette_store_postgres::testing::fresh().await,
    }
}

/// Whether `engine` can be tested here; says why not (or fails, when
/// PostgreSQL is required) otherwise.
pub fn available(engine: Engine) -> bool {
    match engine {
        Engine::Sqlite => true,
        Engine::Postgres => {
            let ok = gazette_store_postgres::testing::server_url().is_some();
            if !ok {
                gazette_store::testing::skip_or_fail(
                    "postgres",
                    &format!("{} is not set", gazette_store_postgres::testing::URL_VAR),
                );
            }
            ok
        }
    }
}

/// A fresh PostgreSQL database (not a store): for tests that run the
/// `gazette` binary against it by URL. `None` when no server is set.
pub async fn fresh_postgres_database() -> Option<gazette_store_postgres::testing::TestDb> {
    gazette_store_postgres::testing::fresh_database().await
}

/// One `#[tokio::test]` per engine around an async test body taking an
/// [`Engine`]: `engines!(name, |engine| async move { ... })` makes
/// `name::sqlite` and `name::postgres`.
#[macro_export]
macro_rules! engines {
    ($name:ident, $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                ($body)($crate::Engine::Sqlite).await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if $crate::available($crate::Engine::Postgres) {
                    ($body)($crate::Engine::Postgres).await
                }
            }
        }
    };
}

/// A file or folder of `../shared/` (beside the repository: the seed
/// capture, the WordPress fixtures), read at test time and never copied in.
/// `None`, with a message, when it is not there; a failure when it is
/// required (`GAZETTE_TEST_REQUIRE_SEED=1`, set by `.ci/run`).
pub fn shared(relative: &str) -> Option<std::path::PathBuf> {
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared")
        .join(relative);
    if path.exists() {
        return Some(path);
    }
    if std::env::var("GAZETTE_TEST_REQUIRE_SEED").is_ok_and(|v| v == "1") {
        panic!(
            "../shared/{relative} is required (GAZETTE_TEST_REQUIRE_SEED=1) but {} is missing",
            path.display()
        );
    }
    eprintln!("skipping: {} is not there", path.display());
    None
}
