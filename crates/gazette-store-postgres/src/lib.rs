#![doc = include_str!("../README.md")]
//!
//! [`PgStore`] implements every area of [`gazette_store::Store`], one
//! module per area, with its own SQL. Rows decode into the shared row types
//! of `gazette-store-sql`.

mod accounts;
mod articles;
mod batch;
mod comments;
mod copy;
mod media;
mod names;
mod newsroom;
mod rankings;
mod redirects;
mod revisions;
#[cfg(feature = "testing")]
pub mod testing;
mod views;

use std::time::Duration;

use async_trait::async_trait;
use sqlx::{
    PgPool, Postgres, Transaction,
    postgres::{PgConnectOptions, PgPoolOptions},
};

use gazette_store::{Change, Store, StoreError, StoreResult};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// The channel every node listens on for changes.
const CHANNEL: &str = "gazette_changes";

/// Gazette's store in a PostgreSQL database, shared by any number of nodes.
#[derive(Clone)]
pub struct PgStore {
    pool: PgPool,
}

/// Turns a sqlx error into the store's error: "no row", uniqueness and
/// reference clashes by their kind (SQLSTATE), never by their text.
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

/// Whether an error is a uniqueness clash (to retry with another slug).
pub(crate) fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

impl PgStore {
    /// Connects to `url` (`postgres://user:password@host/db`) and applies
    /// pending migrations (sqlx takes an advisory lock, so nodes starting
    /// together migrate once).
    pub async fn connect(url: &str) -> StoreResult<Self> {
        let opts: PgConnectOptions = url.parse().map_err(db_err)?;
        Self::connect_with(opts).await
    }

    pub async fn connect_with(opts: PgConnectOptions) -> StoreResult<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .min_connections(1)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(opts)
            .await
            .map_err(db_err)?;
        MIGRATOR.run(&pool).await.map_err(StoreError::other)?;
        Ok(PgStore { pool })
    }

    pub(crate) async fn write(&self) -> StoreResult<Transaction<'static, Postgres>> {
        self.pool.begin().await.map_err(db_err)
    }
}

/// Announces `change` inside a transaction: PostgreSQL delivers it to every
/// listener when the transaction commits, and never if it rolls back.
pub(crate) async fn record_change(
    tx: &mut Transaction<'_, Postgres>,
    change: Change,
) -> StoreResult<()> {
    sqlx::query("SELECT pg_notify($1, $2)")
        .bind(CHANNEL)
        .bind(change.to_string())
        .execute(&mut **tx)
        .await
        .map_err(db_err)?;
    Ok(())
}

impl PgStore {
    /// Waits for queries in flight and closes every connection (also
    /// `Store::close`).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

#[async_trait]
impl Store for PgStore {
    fn engine(&self) -> &'static str {
        "postgres"
    }

    async fn close(&self) {
        PgStore::close(self).await;
    }
}
