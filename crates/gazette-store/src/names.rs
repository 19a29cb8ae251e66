//! The names stories are filed under, as editors manage them: a
//! contributor's name and biography, a source's name and site, a
//! section's name and parent. Addresses (slugs) never change.

use async_trait::async_trait;
use gazette_domain::{Contributor, ContributorId, Section, SectionId, Source, SourceId};

use crate::{Page, StoreResult};

#[async_trait]
pub trait NameStore: Send + Sync + 'static {
    /// Contributors by name.
    async fn contributor_list(&self, page: Page) -> StoreResult<Vec<Contributor>>;

    /// Sources by name.
    async fn source_list(&self, page: Page) -> StoreResult<Vec<Source>>;

    async fn update_contributor(
        &self,
        id: ContributorId,
        name: &str,
        bio: Option<&str>,
    ) -> StoreResult<Contributor>;

    async fn update_source(
        &self,
        id: SourceId,
        name: &str,
        url: Option<&str>,
    ) -> StoreResult<Source>;

    /// Renames a section and sets its parent (the caller keeps the tree
    /// free of cycles).
    async fn update_section(
        &self,
        id: SectionId,
        name: &str,
        parent: Option<SectionId>,
    ) -> StoreResult<Section>;
}
