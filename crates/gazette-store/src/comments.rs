use async_trait::async_trait;
use jiff::Timestamp;

use gazette_domain::{ArticleId, Comment, CommentId, CommentStatus, NewComment};

use crate::{Page, StoreResult};

/// A comment as another system kept it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedComment {
    pub comment: NewComment,
    pub status: CommentStatus,
    pub created_at: Timestamp,
    /// The comment's key in the system it came from: importing it again
    /// updates it instead of adding it twice.
    pub import_key: Option<String>,
}

/// Readers' comments. Every change keeps the article's approved-comment
/// count in step, in the same transaction.
#[async_trait]
pub trait CommentStore: Send + Sync + 'static {
    /// Stores a reader's comment as pending, posted at `now`. An unknown
    /// article or parent is [`crate::StoreError::MissingReference`].
    async fn add_comment(&self, comment: &NewComment, now: Timestamp) -> StoreResult<Comment>;

    /// Stores comments carried over from elsewhere (an import, a generated
    /// newsroom) with their own status and time, in one transaction.
    /// Replies must name comments that exist already. A comment whose
    /// `import_key` is stored already is updated, and keeps its id.
    async fn import_comments(&self, comments: &[ImportedComment]) -> StoreResult<Vec<CommentId>>;

    /// One comment, whatever its status.
    async fn comment(&self, id: CommentId) -> StoreResult<Comment>;

    /// Whether a comment with this fingerprint was already left on the article.
    async fn comment_seen(&self, article: ArticleId, fingerprint: &str) -> StoreResult<bool>;

    /// An article's approved comments, oldest first.
    async fn approved_comments(&self, article: ArticleId) -> StoreResult<Vec<Comment>>;

    /// Comments in one moderation state, oldest first.
    async fn comments_with_status(
        &self,
        status: CommentStatus,
        page: Page,
    ) -> StoreResult<Vec<Comment>>;

    /// Moves a comment to another moderation state.
    async fn set_comment_status(
        &self,
        id: CommentId,
        status: CommentStatus,
    ) -> StoreResult<Comment>;

    /// Deletes a comment and its replies.
    async fn delete_comment(&self, id: CommentId) -> StoreResult<()>;
}
