#![doc = include_str!("../README.md")]
//!
//! [`Store`] is one supertrait over the areas a newsroom keeps:
//! [`ArticleStore`] (articles, listings and what they are filed under),
//! [`RevisionStore`] (every save of a story written in the admin),
//! [`MediaStore`] (the media library, and image files kept in the database),
//! [`NameStore`] (contributors, sources and sections as editors manage them),
//! [`ViewStore`] (counted views), [`RankingStore`] (what weekly rankings
//! read and the frozen rankings of ended weeks), [`CommentStore`],
//! [`NewsroomStore`] (shared secrets, job leases and the change feed that
//! keeps several nodes in step), [`RedirectStore`] (old addresses of an
//! imported site) and [`CopyStore`] (moving a newsroom
//! between engines). Callers pass `now`: a store never reads the clock, so
//! tests and every node agree on time through `gazette-core`'s `Clock`.
//!
//! A backend holds SQL only. The newsroom's rules (how a view is counted,
//! how a week is ranked, when a comment is spam) live in `gazette-core`.

mod accounts;
mod articles;
mod comments;
mod copy;
mod media;
mod names;
mod newsroom;
mod rankings;
mod redirects;
mod revisions;
mod views;

#[cfg(feature = "testing")]
pub mod testing;

pub use accounts::{
    AccountStore, ApiToken, AuditEntry, AuditFilter, Credentials, NewAuditEntry, NewSession,
    Session,
};
pub use articles::{
    ArticleStore, Listing, MAX_PINNED, Neighbours, Page, Saved, SitemapEntry, StaffStory,
    StoryFilter, UpdateMark,
};
pub use comments::{CommentStore, ImportedComment};
pub use copy::{CopyRow, CopyStore, CopyTable, CopyValue};
pub use media::MediaStore;
pub use names::NameStore;
pub use newsroom::{Change, ChangeEvent, ChangeListener, NewsroomStore};
pub use rankings::{RankingCandidate, RankingStore, TOP_STORIES_WEEKS, WeekWindow};
pub use redirects::{Redirect, RedirectStore, RedirectTarget, Resolved};
pub use revisions::{NewRevision, Revision, RevisionStore};
pub use views::{DailyViews, DayCount, ReaderView, ViewStore};

use async_trait::async_trait;
use gazette_domain::DomainError;
use jiff::Timestamp;

/// Why a store call failed. Every variant's message is safe to show to a
/// reader or API client; the database's own words stay inside
/// [`StoreError::Other`], whose message says only that the database failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The thing asked for does not exist.
    #[error("not found")]
    NotFound,
    /// The change clashes with what is stored (a taken slug or key). The
    /// text is the backend's fixed description, never the database's.
    #[error("conflict: {0}")]
    Conflict(&'static str),
    /// The input breaks a rule of the newsroom model.
    #[error(transparent)]
    Invalid(#[from] DomainError),
    /// The input names something that does not exist (an article, a
    /// comment replied to).
    #[error("it refers to {0} that does not exist")]
    MissingReference(&'static str),
    /// The database failed. [`StoreError::detail`] has the cause for logs.
    #[error("the database failed")]
    Other(#[source] Box<dyn std::error::Error + Send + Sync>),
}

pub type StoreResult<T> = Result<T, StoreError>;

impl StoreError {
    /// Wraps a backend error.
    pub fn other(e: impl std::error::Error + Send + Sync + 'static) -> Self {
        StoreError::Other(Box::new(e))
    }

    /// The full cause, for logs only.
    pub fn detail(&self) -> String {
        match self {
            StoreError::Other(e) => format!("the database failed: {e}"),
            e => e.to_string(),
        }
    }
}

/// Everything Gazette asks of a database. Only the `gazette` binary (and
/// tests) name a concrete backend; everything else holds `Arc<dyn Store>`.
#[async_trait]
pub trait Store:
    ArticleStore
    + ViewStore
    + RankingStore
    + CommentStore
    + NewsroomStore
    + CopyStore
    + RedirectStore
    + AccountStore
    + RevisionStore
    + MediaStore
    + NameStore
{
    /// The engine's name, for logs and `gazette store copy`: `sqlite` or
    /// `postgres`.
    fn engine(&self) -> &'static str;

    /// Waits for queries in flight and closes every connection.
    async fn close(&self);

    /// Everything an article page reads from the store: the live story by
    /// its slug, its approved comments and its neighbours in its first
    /// section. A backend may answer it in one round trip; by default it
    /// is the three calls.
    async fn story_page(&self, slug: &str, now: Timestamp) -> StoreResult<StoryPage> {
        let article = self.article_by_slug(slug, now).await?;
        let comments = self.approved_comments(article.id).await?;
        let neighbours = match (article.sections.first(), &article.published_at) {
            (Some(s), Some(at)) => {
                self.neighbours_in_section(s.id, article.id, at.timestamp(), now)
                    .await?
            }
            _ => Neighbours::default(),
        };
        Ok(StoryPage {
            article,
            comments,
            neighbours,
        })
    }
}

/// What [`Store::story_page`] reads.
#[derive(Debug, Clone)]
pub struct StoryPage {
    pub article: gazette_domain::Article,
    /// Approved comments, oldest first.
    pub comments: Vec<gazette_domain::Comment>,
    pub neighbours: Neighbours,
}
