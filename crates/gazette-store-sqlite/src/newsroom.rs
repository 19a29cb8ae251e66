//! Shared secrets, job leases and the change feed. On SQLite every node is
//! a process on one machine (the server, `gazette import` beside it), so
//! the change feed is a table that listeners poll.

use std::time::Duration;

use async_trait::async_trait;
use jiff::{SignedDuration, Timestamp};
use sqlx::SqlitePool;

use gazette_store::{Change, ChangeListener, NewsroomStore, StoreResult};

use crate::{SqliteStore, db_err, record_change};

/// How often a listener looks for new changes.
const POLL: Duration = Duration::from_millis(100);

/// Polls the `changes` table from the last change it has seen.
struct Poller {
    pool: SqlitePool,
    last: i64,
    pending: std::collections::VecDeque<Change>,
}

#[async_trait]
impl ChangeListener for Poller {
    async fn next(&mut self) -> StoreResult<Change> {
        loop {
            if let Some(c) = self.pending.pop_front() {
                return Ok(c);
            }
            let rows: Vec<(i64, String)> = sqlx::query_as(
                "SELECT seq, change FROM changes WHERE seq > ?1 ORDER BY seq LIMIT 500",
            )
            .bind(self.last)
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
            if let Some(first) = rows.first()
                && first.0 > self.last + 1
            {
                // Changes between were pruned before this listener read
                // them: it cannot know what they were.
                self.pending.push_back(Change::Everything);
            }
            for (seq, change) in rows {
                self.last = seq;
                self.pending
                    .push_back(change.parse().unwrap_or(Change::Everything));
            }
            if self.pending.is_empty() {
                tokio::time::sleep(POLL).await;
            }
        }
    }
}

#[async_trait]
impl NewsroomStore for SqliteStore {
    async fn secret(&self, name: &str, candidate: &[u8]) -> StoreResult<Vec<u8>> {
        let mut tx = self.write().await?;
        sqlx::query(
            "INSERT INTO secrets (name, value) VALUES (?1, ?2) ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .bind(candidate)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        let value = sqlx::query_scalar("SELECT value FROM secrets WHERE name = ?1")
            .bind(name)
            .fetch_one(&mut *tx)
            .await
            .map_err(db_err)?;
        tx.commit().await.map_err(db_err)?;
        Ok(value)
    }

    async fn set_secret(&self, name: &str, value: &[u8]) -> StoreResult<()> {
        let mut tx = self.write().await?;
        sqlx::query(
            "INSERT INTO secrets (name, value) VALUES (?1, ?2) \
             ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        )
        .bind(name)
        .bind(value)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        tx.commit().await.map_err(db_err)
    }

    async fn delete_secret(&self, name: &str) -> StoreResult<()> {
        let mut tx = self.write().await?;
        sqlx::query("DELETE FROM secrets WHERE name = ?1")
            .bind(name)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        tx.commit().await.map_err(db_err)
    }

    async fn secret_names(&self, prefix: &str) -> StoreResult<Vec<String>> {
        // substr, not LIKE: a prefix holding % or _ is still a prefix.
        sqlx::query_scalar(
            "SELECT name FROM secrets WHERE substr(name, 1, length(?1)) = ?1 ORDER BY name",
        )
        .bind(prefix)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)
    }

    async fn try_lease(
        &self,
        name: &str,
        holder: &str,
        ttl: SignedDuration,
        now: Timestamp,
    ) -> StoreResult<bool> {
        let mut tx = self.write().await?;
        let until = (now + ttl).as_second();
        let got: Option<String> = sqlx::query_scalar(
            "INSERT INTO leases (name, holder, expires_at) VALUES (?1, ?2, ?3) \
             ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at \
             WHERE leases.holder = excluded.holder OR leases.expires_at <= ?4 \
             RETURNING holder",
        )
        .bind(name)
        .bind(holder)
        .bind(until)
        .bind(now.as_second())
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_err)?;
        tx.commit().await.map_err(db_err)?;
        Ok(got.as_deref() == Some(holder))
    }

    async fn release_lease(&self, name: &str, holder: &str) -> StoreResult<()> {
        let mut tx = self.write().await?;
        sqlx::query("DELETE FROM leases WHERE name = ?1 AND holder = ?2")
            .bind(name)
            .bind(holder)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        tx.commit().await.map_err(db_err)
    }

    async fn lease_holder(&self, name: &str, now: Timestamp) -> StoreResult<Option<String>> {
        sqlx::query_scalar("SELECT holder FROM leases WHERE name = ?1 AND expires_at > ?2")
            .bind(name)
            .bind(now.as_second())
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)
    }

    async fn notify(&self, change: Change) -> StoreResult<()> {
        let mut tx = self.write().await?;
        record_change(&mut tx, change).await?;
        tx.commit().await.map_err(db_err)
    }

    async fn listen(&self) -> StoreResult<Box<dyn ChangeListener>> {
        let last: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(seq), 0) FROM changes")
            .fetch_one(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(Box::new(Poller {
            pool: self.pool.clone(),
            last,
            pending: Default::default(),
        }))
    }

    async fn prune_changes(&self, keep: u64) -> StoreResult<u64> {
        let mut tx = self.write().await?;
        let n = sqlx::query(
            "DELETE FROM changes WHERE seq <= (SELECT COALESCE(MAX(seq), 0) FROM changes) - ?1",
        )
        .bind(i64::try_from(keep).unwrap_or(i64::MAX))
        .execute(&mut *tx)
        .await
        .map_err(db_err)?
        .rows_affected();
        tx.commit().await.map_err(db_err)?;
        Ok(n)
    }
}
