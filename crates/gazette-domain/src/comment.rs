use std::{fmt, str::FromStr};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::{ArticleId, DomainError};

/// Store-assigned identity of a comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CommentId(pub i64);

impl fmt::Display for CommentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Where a reader's comment stands in moderation. Only approved comments
/// are shown and counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CommentStatus {
    Pending,
    Approved,
    Spam,
}

impl CommentStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CommentStatus::Pending => "pending",
            CommentStatus::Approved => "approved",
            CommentStatus::Spam => "spam",
        }
    }
}

impl FromStr for CommentStatus {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "pending" => Ok(CommentStatus::Pending),
            "approved" => Ok(CommentStatus::Approved),
            "spam" => Ok(CommentStatus::Spam),
            _ => Err(DomainError::Invalid {
                what: "comment status",
                value: s.to_owned(),
                why: "use pending, approved or spam".into(),
            }),
        }
    }
}

/// A reader's comment on an article. Readers need no account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Comment {
    pub id: CommentId,
    pub article: ArticleId,
    /// The comment this one replies to.
    pub parent: Option<CommentId>,
    pub author_name: String,
    /// Never shown to readers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author_email: Option<String>,
    /// Sanitized HTML.
    pub body_html: String,
    pub status: CommentStatus,
    pub created_at: Timestamp,
}

/// A comment as submitted, already sanitized by the web layer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewComment {
    pub article: ArticleId,
    pub parent: Option<CommentId>,
    pub author_name: String,
    pub author_email: Option<String>,
    pub body_html: String,
    /// A digest of the normalized text, to refuse the same comment twice.
    pub fingerprint: String,
}
