//! Stories written and edited in the admin: Markdown in, every save kept
//! as a revision, the workflow (draft → awaiting review → scheduled →
//! published → unpublished) and who may do which decided here.

use gazette_domain::{
    Article, ArticleId, ArticleInput, ArticleStatus, CANONICAL_URL_MAX, Role, SourceInput, User,
    UserId, WorkflowState,
};
use gazette_store::{NewRevision, Revision, Saved, StoreError};
use jiff::{ZonedDateTime, civil::DateTime};
use rand::RngExt;
use serde::{Deserialize, Serialize};

use crate::accounts::{Permission, can};

/// What a save does to a story's place in the workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoryAction {
    /// Kept (or put back) as a draft; readers never see it.
    Draft,
    /// Submitted for review: hidden until an author or editor publishes it.
    Review,
    /// Live at once; a story already live keeps its publish time (a
    /// correction does not make old news new).
    Publish,
    /// Live from a time on the newsroom's clock.
    Schedule(DateTime),
    /// Taken down: its address answers 410 Gone.
    Withdraw,
    /// Only the text changes; the story stays where it is in the workflow.
    Keep,
}

impl StoryAction {
    fn publishes(self) -> bool {
        matches!(
            self,
            StoryAction::Publish | StoryAction::Schedule(_) | StoryAction::Withdraw
        )
    }
}

/// A story as the editor's form holds it: what each revision keeps.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct StoryDraft {
    pub headline: String,
    pub standfirst: String,
    /// Markdown, or HTML when `body_is_html` (a story that came from an
    /// import, edited as the HTML it was stored as).
    pub body: String,
    pub body_is_html: bool,
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
    /// The lead image: an item of the media library, shown above the body
    /// with its alt text, caption and credit.
    pub image: Option<i64>,
    /// The address wanted for a new story (empty: from the headline); a
    /// saved story keeps its address.
    pub slug: String,
    /// The story's language (`hy`, `en-GB`; empty: the newsroom's).
    pub language: String,
    /// Headlines shown as related, in order (linked when a story has one).
    pub related: Vec<String>,
    /// Syndicated copy: the original's address, which the page names as
    /// its canonical one (empty: the story's own address).
    pub canonical: String,
}

impl StoryDraft {
    /// The draft an imported or older story is edited from.
    pub fn of_article(article: &Article) -> Self {
        let names = |v: Vec<&String>| v.into_iter().cloned().collect::<Vec<_>>();
        StoryDraft {
            headline: article.headline.clone(),
            standfirst: article.standfirst.clone().unwrap_or_default(),
            body: article.body_html.clone(),
            body_is_html: true,
            sections: names(article.sections.iter().map(|s| &s.name).collect()),
            contributors: names(article.contributors.iter().map(|c| &c.name).collect()),
            tags: names(article.tags.iter().map(|t| &t.name).collect()),
            dateline_place: article.dateline.place.clone().unwrap_or_default(),
            sources: names(article.dateline.sources.iter().map(|s| &s.name).collect()),
            credit: article.credit.clone().unwrap_or_default(),
            image: None,
            slug: article.slug.to_string(),
            language: article.language.clone(),
            related: article.related_headlines.clone(),
            canonical: article.canonical_url.clone().unwrap_or_default(),
        }
    }

    /// The body as the HTML readers get (before the usual cleaning).
    pub fn body_html(&self) -> String {
        if self.body_is_html {
            self.body.clone()
        } else {
            markdown(&self.body)
        }
    }
}

/// A story opened in the editor.
#[derive(Debug, Clone)]
pub struct EditedStory {
    pub article: Article,
    pub draft: StoryDraft,
    pub state: WorkflowState,
    /// The newest revision's number (0 when the story has none yet).
    pub revision: u32,
    /// Who wrote its first revision (`None` for an imported story).
    pub owner: Option<UserId>,
}

/// What a save did.
#[derive(Debug, Clone)]
pub struct SavedStory {
    pub saved: Saved,
    pub revision: u32,
    pub state: WorkflowState,
}

/// Why a story was not saved: the field and what to do.
#[derive(Debug, thiserror::Error)]
pub enum EditorError {
    #[error("{field}: {message}")]
    Field {
        field: &'static str,
        message: String,
    },
    #[error(
        "your role ({0}) may save drafts and submit them for review; an author or editor publishes"
    )]
    MayNotPublish(Role),
    #[error("{0}")]
    NotYours(&'static str),
    /// Someone saved the story since the revision the writer started from.
    #[error("someone saved this story while you were editing it")]
    Conflict { latest: Box<Revision> },
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

/// Whether `tag` looks like a language tag: `hy`, `en`, `en-GB`, `hy-Latn`.
fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let lang = parts.next().unwrap_or_default();
    (2..=3).contains(&lang.len())
        && lang.bytes().all(|b| b.is_ascii_lowercase())
        && parts.all(|p| (2..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// Checks what a writer can fix, naming the field.
fn validate(draft: &StoryDraft) -> Result<(), EditorError> {
    if !draft.slug.trim().is_empty() && gazette_domain::Slug::parse(draft.slug.trim()).is_err() {
        return Err(field(
            "slug",
            "an address of lower-case letters, digits and hyphens, e.g. ferry-resumes-service",
        ));
    }
    if !draft.language.trim().is_empty() && !is_language_tag(draft.language.trim()) {
        return Err(field("language", "a language code such as hy, en or en-GB"));
    }
    if draft.related.len() > 10 || draft.related.iter().any(|r| r.chars().count() > 300) {
        return Err(field(
            "related",
            "at most 10 related headlines, one a line, of at most 300 characters",
        ));
    }
    let canonical = draft.canonical.trim();
    if !canonical.is_empty() && !gazette_domain::is_web_address(canonical, CANONICAL_URL_MAX) {
        return Err(field(
            "canonical",
            format!(
                "the original's full address (at most {CANONICAL_URL_MAX} characters), e.g. https://www.azatutyun.am/a/33000001.html; leave it empty for the newsroom's own story"
            ),
        ));
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
    Ok(())
}

/// The workflow state a story is in when it has no revision (imported),
/// or when its scheduled time has come.
fn state_of(
    article: &Article,
    latest: Option<WorkflowState>,
    now: &ZonedDateTime,
) -> WorkflowState {
    let live_time_passed = article.published_at.as_ref().is_some_and(|t| t <= now);
    match (article.status, latest) {
        (ArticleStatus::Published, Some(WorkflowState::Scheduled)) if live_time_passed => {
            WorkflowState::Published
        }
        (_, Some(state)) => state,
        (ArticleStatus::Draft, None) => WorkflowState::Draft,
        (ArticleStatus::Withdrawn, None) => WorkflowState::Withdrawn,
        (ArticleStatus::Published, None) if live_time_passed => WorkflowState::Published,
        (ArticleStatus::Published, None) => WorkflowState::Scheduled,
    }
}

/// What a story's audit entry calls a save.
fn audit_action(action: StoryAction, before: Option<WorkflowState>) -> &'static str {
    match action {
        StoryAction::Draft => "story.draft",
        StoryAction::Review => "story.review",
        StoryAction::Publish if before == Some(WorkflowState::Published) => "story.update",
        StoryAction::Publish => "story.publish",
        StoryAction::Schedule(_) => "story.schedule",
        StoryAction::Withdraw => "story.withdraw",
        StoryAction::Keep => "story.update",
    }
}

/// One field that differs between two revisions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldDiff {
    pub field: &'static str,
    pub lines: Vec<DiffLine>,
}

/// A line of a diff: kept, removed or added.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiffLine {
    /// `same`, `removed` or `added`.
    pub change: &'static str,
    pub text: String,
}

/// The readable difference between two drafts: each changed field, the
/// body line by line (only the changed lines and one line around them).
pub fn diff(old: &StoryDraft, new: &StoryDraft) -> Vec<FieldDiff> {
    use similar::{ChangeTag, TextDiff};
    let join = |v: &[String]| v.join(", ");
    let image = |i: Option<i64>| i.map(|n| format!("image {n}")).unwrap_or_default();
    let fields: [(&'static str, String, String); 13] = [
        ("image", image(old.image), image(new.image)),
        ("language", old.language.clone(), new.language.clone()),
        ("related", old.related.join("\n"), new.related.join("\n")),
        ("headline", old.headline.clone(), new.headline.clone()),
        ("standfirst", old.standfirst.clone(), new.standfirst.clone()),
        ("body", old.body.clone(), new.body.clone()),
        ("sections", join(&old.sections), join(&new.sections)),
        (
            "contributors",
            join(&old.contributors),
            join(&new.contributors),
        ),
        ("tags", join(&old.tags), join(&new.tags)),
        (
            "dateline_place",
            old.dateline_place.clone(),
            new.dateline_place.clone(),
        ),
        ("sources", join(&old.sources), join(&new.sources)),
        ("credit", old.credit.clone(), new.credit.clone()),
        ("canonical", old.canonical.clone(), new.canonical.clone()),
    ];
    let mut out = Vec::new();
    for (name, a, b) in fields {
        if a == b {
            continue;
        }
        let text = TextDiff::from_lines(&a, &b);
        let mut lines = Vec::new();
        for group in text.grouped_ops(1) {
            for op in group {
                for change in text.iter_changes(&op) {
                    lines.push(DiffLine {
                        change: match change.tag() {
                            ChangeTag::Equal => "same",
                            ChangeTag::Delete => "removed",
                            ChangeTag::Insert => "added",
                        },
                        text: change.value().trim_end_matches(['\n', '\r']).to_owned(),
                    });
                }
            }
        }
        out.push(FieldDiff { field: name, lines });
    }
    out
}

impl crate::Core {
    /// The body a draft becomes: its lead image's figure, then its text.
    async fn draft_body(&self, draft: &StoryDraft) -> Result<String, EditorError> {
        let body = draft.body_html();
        match draft.image {
            None => Ok(body),
            Some(id) => match self.store.media(gazette_domain::MediaId(id)).await {
                Ok(m) => Ok(crate::media::figure_html(&m) + &body),
                Err(StoreError::NotFound) => Err(field(
                    "image",
                    format!("there is no image {id} in the media library"),
                )),
                Err(e) => Err(e.into()),
            },
        }
    }

    /// Saves a new story written by `by`.
    pub async fn create_story(
        &self,
        by: &User,
        draft: &StoryDraft,
        action: StoryAction,
    ) -> Result<SavedStory, EditorError> {
        self.save_story(by, None, 0, draft, action).await
    }

    /// A story as the editor opens it: its newest revision's text (or the
    /// stored story's, for one that never went through the editor).
    pub async fn story_for_editing(&self, id: ArticleId) -> Result<EditedStory, EditorError> {
        let article = self
            .store
            .articles_by_ids(&[id])
            .await?
            .pop()
            .ok_or(StoreError::NotFound)?;
        let latest = self.store.revisions(id, 1).await?.pop();
        let owner = match &latest {
            Some(r) if r.number == 1 => r.saved_by,
            Some(_) => self.store.revision(id, 1).await?.saved_by,
            None => None,
        };
        let draft = latest
            .as_ref()
            .and_then(|r| serde_json::from_str::<StoryDraft>(&r.content).ok())
            .unwrap_or_else(|| StoryDraft::of_article(&article));
        let state = state_of(
            &article,
            latest.as_ref().map(|r| r.state),
            &self.now_zoned(),
        );
        Ok(EditedStory {
            article,
            draft,
            state,
            revision: latest.map_or(0, |r| r.number),
            owner,
        })
    }

    /// The text of one revision.
    pub async fn revision_draft(
        &self,
        id: ArticleId,
        number: u32,
    ) -> Result<(Revision, StoryDraft), EditorError> {
        let revision = self.store.revision(id, number).await?;
        let draft = serde_json::from_str(&revision.content).map_err(|_| {
            field(
                "revision",
                format!("revision {number} is stored in a form this version cannot read"),
            )
        })?;
        Ok((revision, draft))
    }

    /// Saves a story: a new one (`story` is `None`, `base` 0) or a change
    /// to one whose newest revision the writer saw was `base`. Refused
    /// with [`EditorError::Conflict`] when someone saved it since.
    pub async fn save_story(
        &self,
        by: &User,
        story: Option<ArticleId>,
        base: u32,
        draft: &StoryDraft,
        action: StoryAction,
    ) -> Result<SavedStory, EditorError> {
        if !can(by.role, Permission::WriteDrafts) {
            return Err(EditorError::MayNotPublish(by.role));
        }
        if action.publishes() && !can(by.role, Permission::PublishOwn) {
            return Err(EditorError::MayNotPublish(by.role));
        }
        validate(draft)?;
        let now = self.now_zoned();
        let existing = match story {
            Some(id) => Some(self.story_for_editing(id).await?),
            None => None,
        };
        if let Some(e) = &existing {
            let own = e.owner == Some(by.id);
            if !own && !can(by.role, Permission::EditAny) {
                return Err(EditorError::NotYours(
                    "only the story's writer or an editor may change it",
                ));
            }
            if !can(by.role, Permission::PublishOwn)
                && !matches!(e.state, WorkflowState::Draft | WorkflowState::Pending)
            {
                return Err(EditorError::NotYours(
                    "once a story is scheduled or published, an author or editor changes it",
                ));
            }
        }
        let before = existing.as_ref().map(|e| e.state);
        let mut input = match &existing {
            Some(e) => input_of(&e.article),
            None => {
                let key: [u8; 12] = rand::rng().random();
                ArticleInput {
                    import_key: Some(format!("gazette-admin:{}", crate::accounts::hex(&key))),
                    language: self.newsroom.language.clone(),
                    posting_account: Some(by.name.clone()),
                    ..Default::default()
                }
            }
        };
        let kept_sources = std::mem::take(&mut input.sources);
        if existing.is_none() && !draft.slug.trim().is_empty() {
            input.slug = Some(
                gazette_domain::Slug::parse(draft.slug.trim())
                    .map_err(|e| field("slug", e.to_string()))?,
            );
        }
        if !draft.language.trim().is_empty() {
            input.language = draft.language.trim().to_owned();
        }
        input.related_headlines = draft
            .related
            .iter()
            .map(|r| r.trim().to_owned())
            .filter(|r| !r.is_empty())
            .collect();
        input.headline = draft.headline.trim().to_owned();
        input.standfirst = Some(draft.standfirst.trim().to_owned()).filter(|s| !s.is_empty());
        input.body_html = self.draft_body(draft).await?;
        input.sections = draft.sections.clone();
        input.tags = draft.tags.clone();
        input.contributors = draft.contributors.clone();
        input.credit = Some(draft.credit.trim().to_owned()).filter(|s| !s.is_empty());
        input.canonical_url = Some(draft.canonical.trim().to_owned()).filter(|s| !s.is_empty());
        input.dateline_place =
            Some(draft.dateline_place.trim().to_uppercase()).filter(|s| !s.is_empty());
        // A source keeps the site it was stored with.
        input.sources = draft
            .sources
            .iter()
            .map(|name| {
                kept_sources
                    .iter()
                    .find(|s| &s.name == name)
                    .cloned()
                    .unwrap_or_else(|| SourceInput::named(name))
            })
            .collect();
        let live_since = existing
            .as_ref()
            .filter(|e| e.article.status == ArticleStatus::Published)
            .and_then(|e| e.article.published_at.clone())
            .filter(|t| *t <= now);
        let state = match action {
            StoryAction::Draft | StoryAction::Review => {
                input.status = ArticleStatus::Draft;
                input.published_at = None;
                if action == StoryAction::Draft {
                    WorkflowState::Draft
                } else {
                    WorkflowState::Pending
                }
            }
            StoryAction::Publish => {
                input.status = ArticleStatus::Published;
                input.published_at = Some(live_since.unwrap_or_else(|| now.clone()));
                WorkflowState::Published
            }
            StoryAction::Schedule(at) => {
                if live_since.is_some() {
                    return Err(field(
                        "publish_at",
                        "this story is already live; unpublish it first to schedule it again",
                    ));
                }
                let at = at
                    .to_zoned_datetime(self.newsroom.time_zone.clone())
                    .map_err(|e| {
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
                input.status = ArticleStatus::Published;
                input.published_at = Some(at);
                WorkflowState::Scheduled
            }
            StoryAction::Withdraw => {
                if !matches!(
                    before,
                    Some(WorkflowState::Published | WorkflowState::Scheduled)
                ) {
                    return Err(field(
                        "action",
                        "only a published or scheduled story can be unpublished",
                    ));
                }
                input.status = ArticleStatus::Withdrawn;
                WorkflowState::Withdrawn
            }
            StoryAction::Keep => before.unwrap_or(WorkflowState::Draft),
        };
        input
            .validate()
            .map_err(|e| field("names", e.to_string()))?;
        let revision = NewRevision {
            state,
            saved_by: Some(by.id),
            saved_at: self.now(),
            content: serde_json::to_string(draft).map_err(StoreError::other)?,
        };
        let (saved, number) = match self
            .store
            .save_revision(story, base, &crate::articles::sanitized(&input), &revision)
            .await
        {
            Ok(done) => done,
            Err(StoreError::Conflict(_)) if story.is_some() => {
                let id = story.expect("an existing story");
                let latest = self
                    .store
                    .revisions(id, 1)
                    .await?
                    .pop()
                    .ok_or(StoreError::NotFound)?;
                return Err(EditorError::Conflict {
                    latest: Box::new(latest),
                });
            }
            Err(e) => return Err(e.into()),
        };
        self.apply_change(gazette_store::Change::Article(saved.id))
            .await;
        let when = input
            .published_at
            .filter(|_| matches!(state, WorkflowState::Scheduled | WorkflowState::Published))
            .map(|t| t.strftime("%Y-%m-%d %H:%M %Z").to_string())
            .unwrap_or_default();
        self.audit(
            Some(by),
            audit_action(action, before),
            &format!("story {}", saved.id),
            &format!(
                "revision {number}{}{when}",
                if when.is_empty() { "" } else { ", " }
            ),
        )
        .await;
        Ok(SavedStory {
            saved,
            revision: number,
            state,
        })
    }

    /// Saves revision `number`'s text as the story's newest revision,
    /// leaving it where it is in the workflow.
    pub async fn restore_revision(
        &self,
        by: &User,
        id: ArticleId,
        number: u32,
        base: u32,
    ) -> Result<SavedStory, EditorError> {
        let (_, draft) = self.revision_draft(id, number).await?;
        let saved = self
            .save_story(by, Some(id), base, &draft, StoryAction::Keep)
            .await?;
        self.audit(
            Some(by),
            "story.restore",
            &format!("story {id}"),
            &format!("revision {number} as revision {}", saved.revision),
        )
        .await;
        Ok(saved)
    }

    /// The story as readers would see it if `draft` were saved now: for
    /// the editor's preview, nothing stored. Names not yet in the store
    /// get addresses derived from them.
    pub async fn preview(
        &self,
        by: &User,
        story: Option<ArticleId>,
        draft: &StoryDraft,
    ) -> Result<Article, EditorError> {
        use gazette_domain::{
            Contributor, ContributorId, Counters, Dateline, PostingAccount, PostingAccountId,
            Section, SectionId, Slug, Source, SourceId, Tag, TagId,
        };
        validate(draft)?;
        let base = match story {
            Some(id) => Some(self.story_for_editing(id).await?.article),
            None => None,
        };
        let slug = |name: &str| {
            Slug::from_text(name).map_err(|_| {
                field(
                    "names",
                    format!("“{name}” needs a letter or digit to be a name"),
                )
            })
        };
        let now = self.now_zoned();
        let mut sections = Vec::new();
        for (i, name) in draft.sections.iter().enumerate() {
            sections.push(Section {
                id: SectionId(-(i as i64) - 1),
                slug: slug(name)?,
                name: name.clone(),
                parent: None,
            });
        }
        let mut contributors = Vec::new();
        for (i, name) in draft.contributors.iter().enumerate() {
            contributors.push(Contributor {
                id: ContributorId(-(i as i64) - 1),
                slug: slug(name)?,
                name: name.clone(),
                bio: None,
            });
        }
        let mut tags = Vec::new();
        for (i, name) in draft.tags.iter().enumerate() {
            tags.push(Tag {
                id: TagId(-(i as i64) - 1),
                slug: slug(name)?,
                name: name.clone(),
            });
        }
        let mut sources = Vec::new();
        for (i, name) in draft.sources.iter().enumerate() {
            sources.push(Source {
                id: SourceId(-(i as i64) - 1),
                slug: slug(name)?,
                name: name.clone(),
                url: SourceInput::named(name).url,
            });
        }
        Ok(Article {
            id: base.as_ref().map_or(ArticleId(0), |a| a.id),
            slug: match &base {
                Some(a) => a.slug.clone(),
                None => slug(&draft.headline)?,
            },
            headline: draft.headline.trim().to_owned(),
            standfirst: Some(draft.standfirst.trim().to_owned()).filter(|s| !s.is_empty()),
            body_html: crate::articles::sanitize_body(&self.draft_body(draft).await?),
            language: Some(draft.language.trim().to_owned())
                .filter(|l| !l.is_empty())
                .unwrap_or_else(|| self.newsroom.language.clone()),
            status: ArticleStatus::Draft,
            kind: base.as_ref().map(|a| a.kind).unwrap_or_default(),
            published_at: Some(
                base.as_ref()
                    .and_then(|a| a.published_at.clone())
                    .unwrap_or_else(|| now.clone()),
            ),
            updated_at: now,
            sections,
            tags,
            contributors,
            credit: Some(draft.credit.trim().to_owned()).filter(|s| !s.is_empty()),
            posting_account: Some(
                match base.as_ref().and_then(|a| a.posting_account.clone()) {
                    Some(p) => p,
                    None => PostingAccount {
                        id: PostingAccountId(0),
                        slug: slug(&by.name)?,
                        name: by.name.clone(),
                    },
                },
            ),
            dateline: Dateline {
                place: Some(draft.dateline_place.trim().to_uppercase()).filter(|s| !s.is_empty()),
                sources,
            },
            related_headlines: draft.related.clone(),
            footer: base.as_ref().and_then(|a| a.footer.clone()),
            canonical_url: Some(draft.canonical.trim().to_owned()).filter(|s| !s.is_empty()),
            counters: base
                .as_ref()
                .map(|a| a.counters)
                .unwrap_or(Counters::default()),
        })
    }

    /// Stories whose newest revision is in `state` (for scheduled ones,
    /// only those still to come), with their stored headlines.
    pub async fn stories_in_state(
        &self,
        state: WorkflowState,
        limit: u32,
    ) -> Result<Vec<(Revision, Article)>, EditorError> {
        let revisions = self.store.stories_in_state(state, limit).await?;
        let ids: Vec<ArticleId> = revisions.iter().map(|r| r.article).collect();
        let mut articles = self.store.articles_by_ids(&ids).await?;
        let now = self.now_zoned();
        Ok(revisions
            .into_iter()
            .filter_map(|r| {
                let i = articles.iter().position(|a| a.id == r.article)?;
                Some((r, articles.swap_remove(i)))
            })
            .filter(|(_, a)| {
                state != WorkflowState::Scheduled
                    || a.published_at.as_ref().is_some_and(|t| *t > now)
            })
            .collect())
    }
}

/// A stored article as the input that saves it unchanged.
fn input_of(a: &Article) -> ArticleInput {
    ArticleInput {
        import_key: None,
        slug: Some(a.slug.clone()),
        headline: a.headline.clone(),
        standfirst: a.standfirst.clone(),
        body_html: a.body_html.clone(),
        language: a.language.clone(),
        status: a.status,
        kind: a.kind,
        pinned: false,
        published_at: a.published_at.clone(),
        sections: a.sections.iter().map(|s| s.name.clone()).collect(),
        tags: a.tags.iter().map(|t| t.name.clone()).collect(),
        contributors: a.contributors.iter().map(|c| c.name.clone()).collect(),
        credit: a.credit.clone(),
        posting_account: a.posting_account.as_ref().map(|p| p.name.clone()),
        dateline_place: a.dateline.place.clone(),
        sources: a
            .dateline
            .sources
            .iter()
            .map(|s| SourceInput {
                name: s.name.clone(),
                url: s.url.clone(),
            })
            .collect(),
        related_headlines: a.related_headlines.clone(),
        footer: a.footer.clone(),
        canonical_url: a.canonical_url.clone(),
        legacy_views: a.counters.legacy_views,
        legacy_comments: a.counters.legacy_comments,
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

    #[test]
    fn language_tags_are_checked() {
        for ok in ["hy", "en", "en-GB", "hy-Latn", "fil"] {
            assert!(is_language_tag(ok), "{ok}");
        }
        for bad in ["", "e", "EN", "english", "en_GB", "en-", "hy-<b>"] {
            assert!(!is_language_tag(bad), "{bad}");
        }
    }

    #[test]
    fn a_diff_names_changed_fields_and_lines_only() {
        let old = StoryDraft {
            headline: "Ferry resumes".into(),
            body: "One.\nTwo.\nThree.\nFour.\nFive.\n".into(),
            tags: vec!["Ferries".into()],
            ..Default::default()
        };
        let new = StoryDraft {
            headline: "Ferry resumes service".into(),
            body: "One.\nTwo.\nThree, corrected.\nFour.\nFive.\n".into(),
            tags: vec!["Ferries".into()],
            ..Default::default()
        };
        let d = diff(&old, &new);
        assert_eq!(
            d.iter().map(|f| f.field).collect::<Vec<_>>(),
            ["headline", "body"]
        );
        let body: Vec<(&str, &str)> = d[1]
            .lines
            .iter()
            .map(|l| (l.change, l.text.as_str()))
            .collect();
        assert_eq!(
            body,
            [
                ("same", "Two."),
                ("removed", "Three."),
                ("added", "Three, corrected."),
                ("same", "Four.")
            ]
        );
        assert!(diff(&old, &old).is_empty());
    }
}
