use async_trait::async_trait;
use gazette_domain::{ArticleId, Place, Slug};

use crate::{Page, StoreResult};

/// Where an old address leads.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RedirectTarget {
    /// An article, wherever its slug is now.
    Article(ArticleId),
    /// Another page of the site, or an address elsewhere.
    Place(Place),
}

/// An old address (in [`gazette_domain::old_url_key`]'s form) and where it
/// leads.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Redirect {
    pub from: String,
    pub to: RedirectTarget,
}

/// Where an old address leads, resolved for answering a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// The article and its current slug (live or not: the caller decides
    /// what a reader may see).
    Article(ArticleId, Slug),
    Place(Place),
}

/// Old addresses that answer with one redirect (a WordPress import's
/// permalinks, `?p=ID`, category pages...).
#[async_trait]
pub trait RedirectStore: Send + Sync + 'static {
    /// Adds or replaces redirects, in one transaction. A redirect to an
    /// article that does not exist is
    /// [`crate::StoreError::MissingReference`].
    async fn save_redirects(&self, redirects: &[Redirect]) -> StoreResult<()>;

    /// Where an old address leads, if it is one.
    async fn redirect(&self, from: &str) -> StoreResult<Option<Resolved>>;

    /// Every redirect in address order, a page at a time.
    async fn redirects(&self, page: Page) -> StoreResult<Vec<(String, Resolved)>>;

    /// How many redirects there are.
    async fn count_redirects(&self) -> StoreResult<u64>;
}
