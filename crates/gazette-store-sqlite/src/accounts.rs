//! Staff accounts, sessions, failed sign-ins and the audit log.

use async_trait::async_trait;
use gazette_domain::{NewUser, Role, User, UserId};
use gazette_store::{
    AccountStore, ApiToken, AuditEntry, AuditFilter, Credentials, NewAuditEntry, NewSession, Page,
    Session, StoreError, StoreResult,
};
use gazette_store_sql::{
    rows::{AuditRow, SessionRow, UserRow},
    user_columns,
};
use jiff::Timestamp;

use crate::{SqliteStore, db_err};

/// An account row and its hash.
#[derive(sqlx::FromRow)]
struct CredentialsRow {
    #[sqlx(flatten)]
    user: UserRow,
    password_hash: String,
}

fn count(n: i64) -> u64 {
    n.max(0) as u64
}

#[async_trait]
impl AccountStore for SqliteStore {
    async fn add_user(&self, user: &NewUser, now: Timestamp) -> StoreResult<User> {
        let mut tx = self.write().await?;
        let row: UserRow = sqlx::query_as(concat!(
            "INSERT INTO users (email, name, role, password_hash, created_at) \
             VALUES (?1, ?2, ?3, ?4, ?5) RETURNING ",
            user_columns!(bare)
        ))
        .bind(&user.email)
        .bind(&user.name)
        .bind(user.role.as_str())
        .bind(&user.password_hash)
        .bind(now.as_second())
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| match db_err(e) {
            StoreError::Conflict(_) => {
                StoreError::Conflict("an account with this e-mail address already exists")
            }
            e => e,
        })?;
        tx.commit().await.map_err(db_err)?;
        row.into_user()
    }

    async fn user(&self, id: UserId) -> StoreResult<User> {
        let row: UserRow = sqlx::query_as(concat!(
            "SELECT ",
            user_columns!(),
            " FROM users u WHERE u.id = ?1"
        ))
        .bind(id.0)
        .fetch_one(&self.pool)
        .await
        .map_err(db_err)?;
        row.into_user()
    }

    async fn credentials(&self, email: &str) -> StoreResult<Credentials> {
        let row: CredentialsRow = sqlx::query_as(concat!(
            "SELECT ",
            user_columns!(),
            ", u.password_hash FROM users u WHERE u.email = ?1"
        ))
        .bind(email)
        .fetch_one(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(Credentials {
            user: row.user.into_user()?,
            password_hash: row.password_hash,
        })
    }

    async fn users(&self) -> StoreResult<Vec<User>> {
        let rows: Vec<UserRow> = sqlx::query_as(concat!(
            "SELECT ",
            user_columns!(),
            " FROM users u ORDER BY u.email"
        ))
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        rows.into_iter().map(UserRow::into_user).collect()
    }

    async fn count_users_with_role(&self, role: Role) -> StoreResult<u64> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE role = ?1")
            .bind(role.as_str())
            .fetch_one(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(count(n))
    }

    async fn set_role(&self, id: UserId, role: Role) -> StoreResult<User> {
        let mut tx = self.write().await?;
        let row: UserRow = sqlx::query_as(concat!(
            "UPDATE users SET role = ?2 WHERE id = ?1 RETURNING ",
            user_columns!(bare)
        ))
        .bind(id.0)
        .bind(role.as_str())
        .fetch_one(&mut *tx)
        .await
        .map_err(db_err)?;
        tx.commit().await.map_err(db_err)?;
        row.into_user()
    }

    async fn set_user_contributor(&self, id: UserId, name: Option<&str>) -> StoreResult<User> {
        let mut tx = self.write().await?;
        let contributor: Option<i64> = match name {
            None => None,
            Some(name) => {
                let slug = gazette_domain::Slug::from_text(name)?;
                sqlx::query(
                    "INSERT INTO contributors (slug, name) VALUES (?1, ?2) ON CONFLICT (slug) DO NOTHING",
                )
                .bind(slug.as_str())
                .bind(name.trim())
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
                Some(
                    sqlx::query_scalar("SELECT id FROM contributors WHERE slug = ?1")
                        .bind(slug.as_str())
                        .fetch_one(&mut *tx)
                        .await
                        .map_err(db_err)?,
                )
            }
        };
        let row: UserRow = sqlx::query_as(concat!(
            "UPDATE users SET contributor_id = ?2 WHERE id = ?1 RETURNING ",
            user_columns!(bare)
        ))
        .bind(id.0)
        .bind(contributor)
        .fetch_one(&mut *tx)
        .await
        .map_err(db_err)?;
        tx.commit().await.map_err(db_err)?;
        row.into_user()
    }

    async fn linked_contributor(
        &self,
        id: UserId,
    ) -> StoreResult<Option<gazette_domain::Contributor>> {
        let row: Option<(i64, String, String, Option<String>)> = sqlx::query_as(
            "SELECT c.id, c.slug, c.name, c.bio FROM users u \
             JOIN contributors c ON c.id = u.contributor_id WHERE u.id = ?1",
        )
        .bind(id.0)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)?;
        row.map(|(id, slug, name, bio)| {
            Ok(gazette_domain::Contributor {
                id: gazette_domain::ContributorId(id),
                slug: gazette_store_sql::rows::slug(slug)?,
                name,
                bio,
            })
        })
        .transpose()
    }

    async fn set_password_hash(&self, id: UserId, hash: &str) -> StoreResult<()> {
        let mut tx = self.write().await?;
        let done = sqlx::query("UPDATE users SET password_hash = ?2 WHERE id = ?1")
            .bind(id.0)
            .bind(hash)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        tx.commit().await.map_err(db_err)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    async fn add_session(&self, s: &NewSession) -> StoreResult<()> {
        let mut tx = self.write().await?;
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at) \
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )
        .bind(&s.token_hash)
        .bind(s.user.0)
        .bind(&s.csrf)
        .bind(s.created_at.as_second())
        .bind(s.expires_at.as_second())
        .execute(&mut *tx)
        .await
        .map_err(|e| match db_err(e) {
            StoreError::MissingReference(_) => StoreError::MissingReference("an account"),
            e => e,
        })?;
        tx.commit().await.map_err(db_err)
    }

    async fn session(&self, token_hash: &str, now: Timestamp) -> StoreResult<Session> {
        let row: SessionRow = sqlx::query_as(concat!(
            "SELECT ",
            user_columns!(),
            ", s.csrf, s.created_at AS session_created_at, s.expires_at \
             FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = ?1 AND s.expires_at > ?2"
        ))
        .bind(token_hash)
        .bind(now.as_second())
        .fetch_one(&self.pool)
        .await
        .map_err(db_err)?;
        row.into_session()
    }

    async fn end_session(&self, token_hash: &str) -> StoreResult<()> {
        let mut tx = self.write().await?;
        sqlx::query("DELETE FROM sessions WHERE token_hash = ?1")
            .bind(token_hash)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        tx.commit().await.map_err(db_err)
    }

    async fn end_sessions(&self, user: UserId) -> StoreResult<u64> {
        let mut tx = self.write().await?;
        let done = sqlx::query("DELETE FROM sessions WHERE user_id = ?1")
            .bind(user.0)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        tx.commit().await.map_err(db_err)?;
        Ok(done.rows_affected())
    }

    async fn end_expired_sessions(&self, now: Timestamp) -> StoreResult<u64> {
        let mut tx = self.write().await?;
        let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= ?1")
            .bind(now.as_second())
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        tx.commit().await.map_err(db_err)?;
        Ok(done.rows_affected())
    }

    async fn note_failed_sign_in(
        &self,
        key: &str,
        now: Timestamp,
        since: Timestamp,
    ) -> StoreResult<u32> {
        let mut tx = self.write().await?;
        // Old failures go as new ones come: the table stays small.
        sqlx::query("DELETE FROM sign_in_failures WHERE key = ?1 AND at < ?2")
            .bind(key)
            .bind(since.as_second())
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        sqlx::query("INSERT INTO sign_in_failures (key, at) VALUES (?1, ?2)")
            .bind(key)
            .bind(now.as_second())
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        let n: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM sign_in_failures WHERE key = ?1 AND at >= ?2")
                .bind(key)
                .bind(since.as_second())
                .fetch_one(&mut *tx)
                .await
                .map_err(db_err)?;
        tx.commit().await.map_err(db_err)?;
        Ok(u32::try_from(n).unwrap_or(u32::MAX))
    }

    async fn failed_sign_ins(&self, key: &str, since: Timestamp) -> StoreResult<u32> {
        let n: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM sign_in_failures WHERE key = ?1 AND at >= ?2")
                .bind(key)
                .bind(since.as_second())
                .fetch_one(&self.pool)
                .await
                .map_err(db_err)?;
        Ok(u32::try_from(n).unwrap_or(u32::MAX))
    }

    async fn forget_failed_sign_ins(&self, key: &str) -> StoreResult<()> {
        let mut tx = self.write().await?;
        sqlx::query("DELETE FROM sign_in_failures WHERE key = ?1")
            .bind(key)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        tx.commit().await.map_err(db_err)
    }

    async fn prune_failed_sign_ins(&self, before: Timestamp) -> StoreResult<u64> {
        let mut tx = self.write().await?;
        let done = sqlx::query("DELETE FROM sign_in_failures WHERE at < ?1")
            .bind(before.as_second())
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        tx.commit().await.map_err(db_err)?;
        Ok(done.rows_affected())
    }

    async fn add_api_token(
        &self,
        user: UserId,
        name: &str,
        token_hash: &str,
        now: Timestamp,
    ) -> StoreResult<ApiToken> {
        let mut tx = self.write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO api_tokens (user_id, name, token_hash, created_at) \
             VALUES (?1, ?2, ?3, ?4) RETURNING id",
        )
        .bind(user.0)
        .bind(name)
        .bind(token_hash)
        .bind(now.as_second())
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| match db_err(e) {
            StoreError::MissingReference(_) => StoreError::MissingReference("an account"),
            e => e,
        })?;
        tx.commit().await.map_err(db_err)?;
        Ok(ApiToken {
            id,
            user,
            name: name.to_owned(),
            created_at: now,
        })
    }

    async fn api_tokens(&self, user: UserId) -> StoreResult<Vec<ApiToken>> {
        let rows: Vec<(i64, String, i64)> = sqlx::query_as(
            "SELECT id, name, created_at FROM api_tokens WHERE user_id = ?1 ORDER BY id",
        )
        .bind(user.0)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        rows.into_iter()
            .map(|(id, name, at)| {
                Ok(ApiToken {
                    id,
                    user,
                    name,
                    created_at: gazette_store_sql::rows::ts(at)?,
                })
            })
            .collect()
    }

    async fn revoke_api_token(&self, user: UserId, id: i64) -> StoreResult<bool> {
        let mut tx = self.write().await?;
        let done = sqlx::query("DELETE FROM api_tokens WHERE id = ?1 AND user_id = ?2")
            .bind(id)
            .bind(user.0)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        tx.commit().await.map_err(db_err)?;
        Ok(done.rows_affected() > 0)
    }

    async fn api_token_user(&self, token_hash: &str) -> StoreResult<User> {
        let row: UserRow = sqlx::query_as(concat!(
            "SELECT ",
            user_columns!(),
            " FROM api_tokens t JOIN users u ON u.id = t.user_id \
             WHERE t.token_hash = ?1"
        ))
        .bind(token_hash)
        .fetch_one(&self.pool)
        .await
        .map_err(db_err)?;
        row.into_user()
    }

    async fn record_audit(&self, e: &NewAuditEntry) -> StoreResult<()> {
        let mut tx = self.write().await?;
        sqlx::query(
            "INSERT INTO audit_log (at, user_id, action, subject, detail) \
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )
        .bind(e.at.as_second())
        .bind(e.user.map(|u| u.0))
        .bind(&e.action)
        .bind(&e.subject)
        .bind(&e.detail)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        tx.commit().await.map_err(db_err)
    }

    async fn audit_log(&self, filter: &AuditFilter, page: Page) -> StoreResult<Vec<AuditEntry>> {
        // One fixed statement: an absent filter is a NULL that matches all.
        let rows: Vec<AuditRow> = sqlx::query_as(
            "SELECT a.id, a.at, a.user_id, u.email AS user_email, a.action, a.subject, a.detail \
             FROM audit_log a LEFT JOIN users u ON u.id = a.user_id \
             WHERE (?1 IS NULL OR a.action = ?1) AND (?2 IS NULL OR a.user_id = ?2) \
             ORDER BY a.id DESC LIMIT ?3 OFFSET ?4",
        )
        .bind(filter.action.as_deref())
        .bind(filter.user.map(|u| u.0))
        .bind(i64::from(page.limit))
        .bind(i64::try_from(page.offset).unwrap_or(i64::MAX))
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        rows.into_iter().map(AuditRow::into_entry).collect()
    }
}
