//! Every save of a story written in the admin, kept as a revision: what
//! the editor's form held, who saved it and the workflow state it left the
//! story in.

use async_trait::async_trait;
use gazette_domain::{ArticleId, ArticleInput, UserId, WorkflowState};
use jiff::Timestamp;

use crate::{Saved, StoreResult};

/// A revision to add.
#[derive(Debug, Clone)]
pub struct NewRevision {
    pub state: WorkflowState,
    pub saved_by: Option<UserId>,
    pub saved_at: Timestamp,
    /// The editor's form as `gazette-core` writes it (JSON); the store
    /// keeps it as it is.
    pub content: String,
}

/// A stored revision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    pub article: ArticleId,
    /// 1 for a story's first save, then one more for each.
    pub number: u32,
    pub state: WorkflowState,
    pub saved_by: Option<UserId>,
    /// That account's e-mail address, while it exists.
    pub saved_by_email: Option<String>,
    pub saved_at: Timestamp,
    pub content: String,
}

/// Revisions of stories.
#[async_trait]
pub trait RevisionStore: Send + Sync + 'static {
    /// Saves `input` as article `article` (a new article for `None`) and
    /// adds its revision number `base + 1`, both in one transaction.
    /// `base` is the newest revision the writer saw (0 for none): when
    /// someone saved another since, nothing is written and the answer is
    /// [`crate::StoreError::Conflict`]. An existing article keeps its
    /// address, import key and pin whatever `input` says.
    async fn save_revision(
        &self,
        article: Option<ArticleId>,
        base: u32,
        input: &ArticleInput,
        revision: &NewRevision,
    ) -> StoreResult<(Saved, u32)>;

    /// A story's revisions, newest first, `limit` at most.
    async fn revisions(&self, article: ArticleId, limit: u32) -> StoreResult<Vec<Revision>>;

    /// One revision of a story.
    async fn revision(&self, article: ArticleId, number: u32) -> StoreResult<Revision>;

    /// The stories whose newest revision left them in `state`, the most
    /// recently saved first, `limit` at most: the review queue, the
    /// scheduled stories.
    async fn stories_in_state(
        &self,
        state: WorkflowState,
        limit: u32,
    ) -> StoreResult<Vec<Revision>>;
}
