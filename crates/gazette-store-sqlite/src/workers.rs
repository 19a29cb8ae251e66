//! The hot paths' connections: a few threads, each holding its own
//! rusqlite connection with its prepared statements cached. Reader threads
//! answer the reader-facing queries (pages, listings, whether a story is
//! live); one writer thread saves stories (one at a time or in batches of
//! thousands, for imports).
//!
//! Why not sqlx here: sqlx's SQLite driver runs every statement on a
//! worker thread and hands each statement and each row across threads. On
//! an archive page that misses the page cache, and on a batch of stories
//! with a dozen statements each, that hand-off, not SQLite, was most of
//! the time (see `bench/README.md`). Here a whole store call is one job:
//! one hand-off there, one back. The rest of the backend (migrations,
//! counters, comments, the staff's queries) stays on sqlx; WAL lets every
//! connection read while one writes, and `BEGIN IMMEDIATE` plus the busy
//! timeout orders the writers of both.

use std::{panic::AssertUnwindSafe, path::Path, time::Duration};

use gazette_store::{StoreError, StoreResult};
use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};

type Job = Box<dyn FnOnce(&mut Connection) + Send>;

enum Msg {
    Run(Job),
    /// Close this thread's connection and end the thread, then say so.
    Stop(std::sync::mpsc::Sender<()>),
}

/// What a thread's connection is for.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// Never writes (`PRAGMA query_only`).
    Read,
    /// Writes in `BEGIN IMMEDIATE` transactions, with foreign keys on.
    Write,
}

/// Connection threads; dropping the last handle (every clone of the
/// store) lets them finish.
pub(crate) struct Workers {
    jobs: flume::Sender<Msg>,
    threads: usize,
}

/// Prepared statements kept per connection: every query of these paths fits.
const STATEMENT_CACHE: usize = 64;

/// SQLite's own page cache per connection, in KiB. The operating system's
/// file cache holds the database; this keeps the hot pages (indexes, the
/// newest stories) without a copy of the whole file per connection.
const CACHE_KIB: i64 = 8 * 1024;

fn open_connection(path: &Path, role: Role) -> rusqlite::Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(Duration::from_secs(5))?;
    conn.pragma_update(None, "cache_size", -CACHE_KIB)?;
    conn.pragma_update(None, "temp_store", "memory")?;
    match role {
        Role::Read => conn.pragma_update(None, "query_only", true)?,
        Role::Write => {
            conn.pragma_update(None, "foreign_keys", true)?;
            conn.pragma_update(None, "synchronous", "NORMAL")?;
        }
    }
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    Ok(conn)
}

impl Workers {
    /// Opens `threads` connections to the database at `path` (which must
    /// exist, migrated) and starts a thread for each.
    pub(crate) fn open(path: &Path, threads: usize, role: Role) -> StoreResult<Self> {
        let (jobs, queue) = flume::unbounded::<Msg>();
        let name = match role {
            Role::Read => "sqlite-reader",
            Role::Write => "sqlite-writer",
        };
        let threads = threads.max(1);
        for i in 0..threads {
            let mut conn = open_connection(path, role).map_err(sql_err)?;
            let queue = queue.clone();
            std::thread::Builder::new()
                .name(format!("{name}-{i}"))
                .spawn(move || {
                    while let Ok(msg) = queue.recv() {
                        match msg {
                            // A panicking job loses its answer (the caller
                            // sees an error), not the thread.
                            Msg::Run(job) => {
                                let _ =
                                    std::panic::catch_unwind(AssertUnwindSafe(|| job(&mut conn)));
                            }
                            Msg::Stop(done) => {
                                drop(conn);
                                let _ = done.send(());
                                return;
                            }
                        }
                    }
                })
                .map_err(StoreError::other)?;
        }
        Ok(Workers { jobs, threads })
    }

    /// Closes every connection once the jobs queued before have run (the
    /// last connection to a database closes its write-ahead log). Jobs
    /// after this fail.
    pub(crate) async fn close(&self) {
        let mut waits = Vec::new();
        for _ in 0..self.threads {
            let (tx, rx) = std::sync::mpsc::channel();
            if self.jobs.send(Msg::Stop(tx)).is_ok() {
                waits.push(rx);
            }
        }
        let _ = tokio::task::spawn_blocking(move || {
            for rx in waits {
                let _ = rx.recv();
            }
        })
        .await;
    }

    /// Runs `f` on one of the connections and returns what it returns.
    pub(crate) async fn run<R, F>(&self, f: F) -> StoreResult<R>
    where
        F: FnOnce(&mut Connection) -> StoreResult<R> + Send + 'static,
        R: Send + 'static,
    {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.jobs
            .send(Msg::Run(Box::new(move |conn| {
                let _ = tx.send(f(conn));
            })))
            .map_err(|_| StoreError::Other("the database connections have stopped".into()))?;
        rx.await
            .map_err(|_| StoreError::Other("a database connection failed on this query".into()))?
    }

    /// Runs `f` on a read connection.
    pub(crate) async fn read<R, F>(&self, f: F) -> StoreResult<R>
    where
        F: FnOnce(&Connection) -> StoreResult<R> + Send + 'static,
        R: Send + 'static,
    {
        self.run(move |conn| f(conn)).await
    }

    /// Runs `f` in a write transaction (`BEGIN IMMEDIATE`: the write lock
    /// at once, waiting up to the busy timeout), committed when it
    /// returns `Ok`, rolled back when it returns an error.
    pub(crate) async fn write<R, F>(&self, f: F) -> StoreResult<R>
    where
        F: FnOnce(&Transaction<'_>) -> StoreResult<R> + Send + 'static,
        R: Send + 'static,
    {
        self.run(move |conn| {
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(sql_err)?;
            let out = f(&tx)?;
            tx.commit().map_err(sql_err)?;
            Ok(out)
        })
        .await
    }
}

/// rusqlite's errors as the store's: "no row" is not found, uniqueness and
/// reference clashes by their kind (never by their text); anything else is
/// the database's problem, never shown to readers.
pub(crate) fn sql_err(e: rusqlite::Error) -> StoreError {
    use rusqlite::ErrorCode::ConstraintViolation;
    match e {
        rusqlite::Error::QueryReturnedNoRows => StoreError::NotFound,
        rusqlite::Error::SqliteFailure(f, _) if f.code == ConstraintViolation => {
            match f.extended_code {
                rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                | rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY => {
                    StoreError::Conflict("something with the same name or key is already stored")
                }
                rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY => {
                    StoreError::MissingReference("something")
                }
                _ => StoreError::other(rusqlite::Error::SqliteFailure(f, None)),
            }
        }
        e => StoreError::other(e),
    }
}
