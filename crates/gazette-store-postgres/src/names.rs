//! Contributors, sources and sections as editors manage them.

use async_trait::async_trait;
use gazette_domain::{Contributor, ContributorId, Section, SectionId, Source, SourceId};
use gazette_store::{NameStore, Page, StoreResult};
use gazette_store_sql::rows::{self, SectionRow};

use crate::{PgStore, db_err};

type NamedWith = (i64, String, String, Option<String>);

fn contributor((id, slug, name, bio): NamedWith) -> StoreResult<Contributor> {
    Ok(Contributor {
        id: ContributorId(id),
        slug: rows::slug(slug)?,
        name,
        bio,
    })
}

fn source((id, slug, name, url): NamedWith) -> StoreResult<Source> {
    Ok(Source {
        id: SourceId(id),
        slug: rows::slug(slug)?,
        name,
        url,
    })
}

#[async_trait]
impl NameStore for PgStore {
    async fn contributor_list(&self, page: Page) -> StoreResult<Vec<Contributor>> {
        let list: Vec<NamedWith> = sqlx::query_as(
            "SELECT id, slug, name, bio FROM contributors ORDER BY lower(name), id LIMIT $1 OFFSET $2",
        )
        .bind(i64::from(page.limit))
        .bind(i64::try_from(page.offset).unwrap_or(i64::MAX))
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        list.into_iter().map(contributor).collect()
    }

    async fn source_list(&self, page: Page) -> StoreResult<Vec<Source>> {
        let list: Vec<NamedWith> = sqlx::query_as(
            "SELECT id, slug, name, url FROM sources ORDER BY lower(name), id LIMIT $1 OFFSET $2",
        )
        .bind(i64::from(page.limit))
        .bind(i64::try_from(page.offset).unwrap_or(i64::MAX))
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        list.into_iter().map(source).collect()
    }

    async fn update_contributor(
        &self,
        id: ContributorId,
        name: &str,
        bio: Option<&str>,
    ) -> StoreResult<Contributor> {
        let mut tx = self.write().await?;
        let row: NamedWith = sqlx::query_as(
            "UPDATE contributors SET name = $2, bio = $3 WHERE id = $1 RETURNING id, slug, name, bio",
        )
        .bind(id.0)
        .bind(name)
        .bind(bio)
        .fetch_one(&mut *tx)
        .await
        .map_err(db_err)?;
        tx.commit().await.map_err(db_err)?;
        contributor(row)
    }

    async fn update_source(
        &self,
        id: SourceId,
        name: &str,
        url: Option<&str>,
    ) -> StoreResult<Source> {
        let mut tx = self.write().await?;
        let row: NamedWith = sqlx::query_as(
            "UPDATE sources SET name = $2, url = $3 WHERE id = $1 RETURNING id, slug, name, url",
        )
        .bind(id.0)
        .bind(name)
        .bind(url)
        .fetch_one(&mut *tx)
        .await
        .map_err(db_err)?;
        tx.commit().await.map_err(db_err)?;
        source(row)
    }

    async fn update_section(
        &self,
        id: SectionId,
        name: &str,
        parent: Option<SectionId>,
    ) -> StoreResult<Section> {
        let mut tx = self.write().await?;
        let row: SectionRow = sqlx::query_as(
            "UPDATE sections SET name = $2, parent_id = $3 WHERE id = $1 RETURNING id, slug, name, parent_id",
        )
        .bind(id.0)
        .bind(name)
        .bind(parent.map(|p| p.0))
        .fetch_one(&mut *tx)
        .await
        .map_err(db_err)?;
        tx.commit().await.map_err(db_err)?;
        row.into_section()
    }
}
