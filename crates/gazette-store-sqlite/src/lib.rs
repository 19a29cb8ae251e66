#![doc = include_str!("../README.md")]
//!
//! [`SqliteStore`] implements every area of [`gazette_store::Store`], one
//! module per area. Rows are read into private structs in `rows` and turned
//! into domain types there, so no SQLite type leaves this crate. What is
//! right for SQLite and only for SQLite lives here: `BEGIN IMMEDIATE` write
//! transactions (one writer at a time, waiting for the lock), lists bound
//! as one JSON array read with `json_each`, and the change feed as a table
//! that listeners poll.

mod accounts;
mod articles;
mod comments;
mod copy;
mod media;
mod names;
mod newsroom;
mod rankings;
mod redirects;
mod revisions;
mod views;
mod workers;

use std::{path::Path, sync::Arc, time::Duration};

use async_trait::async_trait;
use sqlx::{
    Sqlite, SqlitePool, Transaction,
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
};

use gazette_store::{Change, Store, StoreError, StoreResult, StoryPage};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Gazette's store in one SQLite database file.
#[derive(Clone)]
pub struct SqliteStore {
    /// Writes, migrations and the staff's queries (sqlx).
    pool: SqlitePool,
    /// Reader-facing queries (rusqlite on threads of their own).
    readers: Arc<workers::Workers>,
    /// Saving stories (rusqlite, one thread).
    writer: Arc<workers::Workers>,
    /// A store made by [`SqliteStore::memory`] lives in this directory,
    /// removed when the last clone goes.
    _scratch: Option<Arc<tempfile::TempDir>>,
}

/// Reader threads for a database: one per core, at least two, so that one
/// slow read (a page the file cache does not hold) does not stop the rest.
fn reader_threads() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get().max(2))
}

/// Turns a sqlx error into the store's error: "no row", uniqueness and
/// reference clashes by their kind, never by their text.
pub(crate) fn db_err(e: sqlx::Error) -> StoreError {
    match e {
        sqlx::Error::RowNotFound => StoreError::NotFound,
        sqlx::Error::Database(d) if d.is_unique_violation() => {
            StoreError::Conflict("something with the same name or key is already stored")
        }
        sqlx::Error::Database(d) if d.is_foreign_key_violation() => {
            StoreError::MissingReference("something")
        }
        e => StoreError::other(e),
    }
}

impl SqliteStore {
    /// Opens (and, with `create`, creates) the database file at `path`,
    /// then applies pending migrations.
    pub async fn open(path: &Path, create: bool) -> StoreResult<Self> {
        let opts = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(create);
        let pool = Self::connect(opts, 8).await?;
        let readers = workers::Workers::open(path, reader_threads(), workers::Role::Read)?;
        let writer = workers::Workers::open(path, 1, workers::Role::Write)?;
        Ok(SqliteStore {
            pool,
            readers: Arc::new(readers),
            writer: Arc::new(writer),
            _scratch: None,
        })
    }

    /// Opens a `sqlite://PATH` URL (`sqlite:PATH` also works).
    pub async fn open_url(url: &str, create: bool) -> StoreResult<Self> {
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .ok_or(StoreError::Invalid(gazette_domain::DomainError::Invalid {
                what: "database URL",
                value: url.to_owned(),
                why: "a SQLite URL starts with sqlite://".into(),
            }))?;
        Self::open(Path::new(path), create).await
    }

    /// A private, throw-away database (for tests and tools): a file in a
    /// directory of its own, removed when the last clone of the store goes.
    /// (Not SQLite's `:memory:`: every connection to that is a database of
    /// its own, and the store reads and writes on different connections.)
    pub async fn memory() -> StoreResult<Self> {
        let dir = tempfile::Builder::new()
            .prefix("gazette-scratch-")
            .tempdir()
            .map_err(StoreError::other)?;
        let mut store = Self::open(&dir.path().join("gazette.db"), true).await?;
        store._scratch = Some(Arc::new(dir));
        Ok(store)
    }

    async fn connect(opts: SqliteConnectOptions, max: u32) -> StoreResult<SqlitePool> {
        let opts = opts
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(5))
            .foreign_keys(true)
            .pragma("temp_store", "memory")
            // 8 MiB of SQLite's page cache per connection: the operating
            // system's file cache holds the database; this keeps what one
            // write touches (with several connections, 32 MiB each made
            // the server's memory grow with the archive).
            .pragma("cache_size", "-8000");
        let pool = SqlitePoolOptions::new()
            .max_connections(max)
            .min_connections(1)
            .connect_with(opts)
            .await
            .map_err(db_err)?;
        MIGRATOR.run(&pool).await.map_err(StoreError::other)?;
        Ok(pool)
    }

    /// Starts a write transaction. `BEGIN IMMEDIATE` takes the write lock
    /// at once, waiting up to the busy timeout for it: a deferred
    /// transaction that reads first and writes later would fail at once
    /// with "database is locked" when another connection wrote in between.
    pub(crate) async fn write(&self) -> StoreResult<Transaction<'static, Sqlite>> {
        self.pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(db_err)
    }

    /// Checks the file's integrity (`PRAGMA integrity_check`): `ok`, or
    /// what is wrong.
    pub async fn integrity_check(&self) -> StoreResult<String> {
        let rows: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(rows.join("\n"))
    }

    /// Writes a consistent copy of the database to `path` while it serves
    /// (`VACUUM INTO`). The file must not exist.
    pub async fn backup_to(&self, path: &Path) -> StoreResult<()> {
        let path =
            path.to_str()
                .ok_or(StoreError::Invalid(gazette_domain::DomainError::Invalid {
                    what: "backup path",
                    value: path.display().to_string(),
                    why: "it must be valid UTF-8".into(),
                }))?;
        sqlx::query("VACUUM INTO ?1")
            .bind(path)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(())
    }
}

/// Records `change` inside a write transaction: listeners hear it once the
/// transaction commits.
pub(crate) async fn record_change(
    tx: &mut Transaction<'_, Sqlite>,
    change: Change,
) -> StoreResult<()> {
    sqlx::query("INSERT INTO changes (change) VALUES (?1)")
        .bind(change.to_string())
        .execute(&mut **tx)
        .await
        .map_err(db_err)?;
    Ok(())
}

/// [`record_change`] in a rusqlite write transaction.
pub(crate) fn record_change_sync(
    tx: &rusqlite::Transaction<'_>,
    change: Change,
) -> StoreResult<()> {
    tx.prepare_cached("INSERT INTO changes (change) VALUES (?1)")
        .and_then(|mut stmt| stmt.execute([change.to_string()]))
        .map_err(workers::sql_err)?;
    Ok(())
}

/// Ids as a JSON array, bound as one parameter and read with `json_each`.
pub(crate) fn json_ids(ids: impl Iterator<Item = i64>) -> String {
    let mut out = String::from("[");
    for (i, id) in ids.enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&id.to_string());
    }
    out.push(']');
    out
}

impl SqliteStore {
    /// Waits for queries in flight and closes every connection (also
    /// `Store::close`).
    pub async fn close(&self) {
        self.readers.close().await;
        self.writer.close().await;
        self.pool.close().await;
    }
}

#[async_trait]
impl Store for SqliteStore {
    fn engine(&self) -> &'static str {
        "sqlite"
    }

    async fn close(&self) {
        SqliteStore::close(self).await;
    }

    async fn story_page(&self, slug: &str, now: jiff::Timestamp) -> StoreResult<StoryPage> {
        let slug = slug.to_owned();
        self.readers
            .read(move |conn| articles::story_page(conn, &slug, now))
            .await
    }
}
