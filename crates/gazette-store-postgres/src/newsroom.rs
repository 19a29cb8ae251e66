//! Shared secrets, job leases and the change feed (LISTEN/NOTIFY).

use async_trait::async_trait;
use jiff::{SignedDuration, Timestamp};
use sqlx::postgres::PgListener;

use gazette_store::{Change, ChangeListener, NewsroomStore, StoreResult};

use crate::{CHANNEL, PgStore, db_err, record_change};

/// A LISTEN connection. sqlx reconnects it by itself after a failure; a
/// listener that was disconnected may have missed notifications, so it
/// says [`Change::Everything`].
struct Listener {
    inner: PgListener,
}

#[async_trait]
impl ChangeListener for Listener {
    async fn next(&mut self) -> StoreResult<Change> {
        match self.inner.try_recv().await.map_err(db_err)? {
            Some(n) => Ok(n.payload().parse().unwrap_or(Change::Everything)),
            None => Ok(Change::Everything),
        }
    }
}

#[async_trait]
impl NewsroomStore for PgStore {
    async fn secret(&self, name: &str, candidate: &[u8]) -> StoreResult<Vec<u8>> {
        sqlx::query(
            "INSERT INTO secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .bind(candidate)
        .execute(&self.pool)
        .await
        .map_err(db_err)?;
        sqlx::query_scalar("SELECT value FROM secrets WHERE name = $1")
            .bind(name)
            .fetch_one(&self.pool)
            .await
            .map_err(db_err)
    }

    async fn set_secret(&self, name: &str, value: &[u8]) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO secrets (name, value) VALUES ($1, $2) \
             ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value",
        )
        .bind(name)
        .bind(value)
        .execute(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(())
    }

    async fn delete_secret(&self, name: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM secrets WHERE name = $1")
            .bind(name)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn secret_names(&self, prefix: &str) -> StoreResult<Vec<String>> {
        sqlx::query_scalar(
            "SELECT name FROM secrets WHERE starts_with(name, $1) ORDER BY name COLLATE \"C\"",
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
        let got: Option<String> = sqlx::query_scalar(
            "INSERT INTO leases (name, holder, expires_at) VALUES ($1, $2, $3) \
             ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at \
             WHERE leases.holder = EXCLUDED.holder OR leases.expires_at <= $4 \
             RETURNING holder",
        )
        .bind(name)
        .bind(holder)
        .bind((now + ttl).as_second())
        .bind(now.as_second())
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(got.as_deref() == Some(holder))
    }

    async fn release_lease(&self, name: &str, holder: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM leases WHERE name = $1 AND holder = $2")
            .bind(name)
            .bind(holder)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn lease_holder(&self, name: &str, now: Timestamp) -> StoreResult<Option<String>> {
        sqlx::query_scalar("SELECT holder FROM leases WHERE name = $1 AND expires_at > $2")
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
        let mut inner = PgListener::connect_with(&self.pool).await.map_err(db_err)?;
        inner.listen(CHANNEL).await.map_err(db_err)?;
        Ok(Box::new(Listener { inner }))
    }

    async fn prune_changes(&self, _keep: u64) -> StoreResult<u64> {
        // Notifications are not kept: nothing to prune.
        Ok(0)
    }
}
