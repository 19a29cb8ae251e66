//! The media library and image files kept in the database.

use async_trait::async_trait;
use gazette_domain::{Media, MediaId, NewMedia};
use gazette_store::{MediaStore, Page, StoreResult};
use gazette_store_sql::{
    media_columns,
    rows::{MediaRow, like_anywhere, widths_text},
};

use crate::{SqliteStore, db_err};

#[async_trait]
impl MediaStore for SqliteStore {
    async fn add_media(&self, m: &NewMedia) -> StoreResult<Media> {
        let mut tx = self.write().await?;
        sqlx::query(
            "INSERT INTO media (key, file_name, ext, width, height, alt, caption, credit, widths, \
             uploaded_by, uploaded_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) \
             ON CONFLICT (key) DO NOTHING",
        )
        .bind(&m.key)
        .bind(&m.file_name)
        .bind(&m.ext)
        .bind(i64::from(m.width))
        .bind(i64::from(m.height))
        .bind(&m.alt)
        .bind(&m.caption)
        .bind(&m.credit)
        .bind(widths_text(&m.widths))
        .bind(m.uploaded_by.map(|u| u.0))
        .bind(m.uploaded_at.as_second())
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        let row: MediaRow = sqlx::query_as(concat!(
            "SELECT ",
            media_columns!(),
            " FROM media WHERE key = ?1"
        ))
        .bind(&m.key)
        .fetch_one(&mut *tx)
        .await
        .map_err(db_err)?;
        tx.commit().await.map_err(db_err)?;
        row.into_media()
    }

    async fn media(&self, id: MediaId) -> StoreResult<Media> {
        let row: MediaRow = sqlx::query_as(concat!(
            "SELECT ",
            media_columns!(),
            " FROM media WHERE id = ?1"
        ))
        .bind(id.0)
        .fetch_one(&self.pool)
        .await
        .map_err(db_err)?;
        row.into_media()
    }

    async fn media_library(&self, text: Option<&str>, page: Page) -> StoreResult<Vec<Media>> {
        let pattern = text.map(like_anywhere);
        let rows: Vec<MediaRow> = sqlx::query_as(concat!(
            "SELECT ",
            media_columns!(),
            " FROM media WHERE ?1 IS NULL OR file_name LIKE ?1 ESCAPE '\\' \
              OR alt LIKE ?1 ESCAPE '\\' OR caption LIKE ?1 ESCAPE '\\' \
             ORDER BY id DESC LIMIT ?2 OFFSET ?3"
        ))
        .bind(pattern)
        .bind(i64::from(page.limit))
        .bind(i64::try_from(page.offset).unwrap_or(i64::MAX))
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        rows.into_iter().map(MediaRow::into_media).collect()
    }

    async fn put_media_file(&self, name: &str, bytes: &[u8]) -> StoreResult<()> {
        let mut tx = self.write().await?;
        sqlx::query(
            "INSERT INTO media_files (name, bytes) VALUES (?1, ?2) \
             ON CONFLICT (name) DO UPDATE SET bytes = excluded.bytes",
        )
        .bind(name)
        .bind(bytes)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        tx.commit().await.map_err(db_err)
    }

    async fn media_file(&self, name: &str) -> StoreResult<Vec<u8>> {
        sqlx::query_scalar("SELECT bytes FROM media_files WHERE name = ?1")
            .bind(name)
            .fetch_one(&self.pool)
            .await
            .map_err(db_err)
    }
}
