//! Stories written in the admin: Markdown in, a story saved as a draft,
//! published now or scheduled, with who may do which decided here.

use gazette_domain::{ArticleInput, ArticleStatus, SourceInput, User};
use gazette_store::{Saved, StoreError};
use jiff::{ZonedDateTime, civil::DateTime};
use rand::RngExt;

use crate::accounts::{Permission, can};

/// What happens to a story when it is saved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Publish {
    /// Kept as a draft; readers never see it.
    Draft,
    /// Live at once.
    Now,
    /// Live from a time on the newsroom's clock (a scheduled story).
    At(DateTime),
}

/// A story as the editor's form sends it.
#[derive(Debug, Clone, Default)]
pub struct StoryDraft {
    pub headline: String,
    pub standfirst: String,
    /// Markdown.
    pub body: String,
    /// Names, in order; new ones are created.
    pub sections: Vec<String>,
    /// Byline names, in order; a writer without an account is created as
    /// a guest contributor.
    pub contributors: Vec<String>,
    pub tags: Vec<String>,
    pub dateline_place: String,
    /// Wire or partner sources credited in the dateline.
    pub sources: Vec<String>,
    pub credit: String,
}

/// Why a story was not saved: the field and what to do.
#[derive(Debug, thiserror::Error)]
pub enum EditorError {
    #[error("{field}: {message}")]
    Field {
        field: &'static str,
        message: String,
    },
    #[error("your role ({0}) may save drafts only; an author or editor publishes")]
    MayNotPublish(gazette_domain::Role),
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn field(field: &'static str, message: impl Into<String>) -> EditorError {
    EditorError::Field {
        field,
        message: message.into(),
    }
}

/// Longest headline, standfirst and body a story may have.
pub const HEADLINE_MAX: usize = 300;
pub const STANDFIRST_MAX: usize = 1_000;
pub const BODY_MAX: usize = 200_000;

/// Markdown as HTML (raw HTML in it is cleaned when the story is saved).
pub fn markdown(text: &str) -> String {
    use pulldown_cmark::{Options, Parser, html};
    let mut out = String::with_capacity(text.len() * 5 / 4);
    html::push_html(
        &mut out,
        Parser::new_ext(text, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH),
    );
    out
}

/// Names from a comma-separated field: trimmed, empty ones dropped, each
/// at most 120 characters, at most 20.
pub fn names(list: &str, what: &'static str) -> Result<Vec<String>, EditorError> {
    let names: Vec<String> = list
        .split(',')
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_owned)
        .collect();
    if names.len() > 20 {
        return Err(field(what, "at most 20 names, separated by commas"));
    }
    if let Some(long) = names.iter().find(|n| n.chars().count() > 120) {
        return Err(field(
            what,
            format!(
                "“{}…” is longer than 120 characters",
                long.chars().take(30).collect::<String>()
            ),
        ));
    }
    Ok(names)
}

impl crate::Core {
    /// Saves a new story written by `by`; returns where it is.
    pub async fn create_story(
        &self,
        by: &User,
        draft: &StoryDraft,
        publish: Publish,
    ) -> Result<Saved, EditorError> {
        if !can(by.role, Permission::WriteDrafts) {
            return Err(EditorError::MayNotPublish(by.role));
        }
        if publish != Publish::Draft && !can(by.role, Permission::PublishOwn) {
            return Err(EditorError::MayNotPublish(by.role));
        }
        let headline = draft.headline.trim();
        if headline.is_empty() {
            return Err(field("headline", "write a headline"));
        }
        if headline.chars().count() > HEADLINE_MAX {
            return Err(field(
                "headline",
                format!("at most {HEADLINE_MAX} characters"),
            ));
        }
        if draft.standfirst.chars().count() > STANDFIRST_MAX {
            return Err(field(
                "standfirst",
                format!("at most {STANDFIRST_MAX} characters"),
            ));
        }
        if draft.body.trim().is_empty() {
            return Err(field("body", "write the story"));
        }
        if draft.body.len() > BODY_MAX {
            return Err(field("body", format!("at most {} KB", BODY_MAX / 1000)));
        }
        let tz = self.newsroom.time_zone.clone();
        let now = self.now_zoned();
        let published_at: Option<ZonedDateTime> = match publish {
            Publish::Draft => None,
            Publish::Now => Some(now.clone()),
            Publish::At(at) => {
                let at = at.to_zoned_datetime(tz).map_err(|e| {
                    field(
                        "publish_at",
                        format!("that time does not exist on the newsroom's clock: {e}"),
                    )
                })?;
                if at <= now {
                    return Err(field(
                        "publish_at",
                        "choose a time in the future, or publish now",
                    ));
                }
                Some(at)
            }
        };
        let key: [u8; 12] = rand::rng().random();
        let input = ArticleInput {
            import_key: Some(format!("gazette-admin:{}", crate::accounts::hex(&key))),
            headline: headline.to_owned(),
            standfirst: Some(draft.standfirst.trim().to_owned()).filter(|s| !s.is_empty()),
            body_html: markdown(&draft.body),
            language: self.newsroom.language.clone(),
            status: if publish == Publish::Draft {
                ArticleStatus::Draft
            } else {
                ArticleStatus::Published
            },
            published_at,
            sections: draft.sections.clone(),
            tags: draft.tags.clone(),
            contributors: draft.contributors.clone(),
            credit: Some(draft.credit.trim().to_owned()).filter(|s| !s.is_empty()),
            posting_account: Some(by.name.clone()),
            dateline_place: Some(draft.dateline_place.trim().to_uppercase())
                .filter(|s| !s.is_empty()),
            sources: draft.sources.iter().map(SourceInput::named).collect(),
            ..Default::default()
        };
        input
            .validate()
            .map_err(|e| field("names", e.to_string()))?;
        let saved = self.save_article(&input).await?;
        let action = match publish {
            Publish::Draft => "story.draft",
            Publish::Now => "story.publish",
            Publish::At(_) => "story.schedule",
        };
        self.audit(
            Some(by),
            action,
            &format!("story {}", saved.id),
            &input
                .published_at
                .map(|t| t.strftime("%Y-%m-%d %H:%M %Z").to_string())
                .unwrap_or_default(),
        )
        .await;
        Ok(saved)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_becomes_html_and_names_are_split() {
        assert_eq!(markdown("Hello *world*"), "<p>Hello <em>world</em></p>\n");
        assert_eq!(
            names(" Ani Hakobyan, , Mher Sargsyan ", "contributors").unwrap(),
            ["Ani Hakobyan", "Mher Sargsyan"]
        );
        assert!(names(&"x,".repeat(21), "tags").is_err());
        assert!(names(&"y".repeat(121), "tags").is_err());
    }
}
