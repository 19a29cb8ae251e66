//! The story editor: write, edit, preview, the revisions of a story and
//! the workflow actions. The rules (who may publish, what a conflict is)
//! are `gazette_core::editor`'s; this module reads forms and renders.

use axum::{
    Form,
    extract::{Path, Query, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Redirect, Response},
};
use gazette_core::{
    accounts::{Permission, can},
    editor::{EditedStory, EditorError, StoryAction, StoryDraft, diff, names},
};
use gazette_domain::{ArticleId, WorkflowState};
use gazette_store::Revision;
use minijinja::{Value, context};
use serde::{Deserialize, Serialize};

use super::{
    Admin,
    pages::{frame, render, with_status},
    route,
};
use crate::{AppError, AppState, views::v};

/// The story form as sent; every field defaults, so that a form without
/// its CSRF token is refused as such.
#[derive(Deserialize, Serialize, Default, Clone)]
#[serde(default)]
pub struct StoryForm {
    headline: String,
    standfirst: String,
    body: String,
    /// `markdown` (the default) or `html` (an imported story's body).
    body_format: String,
    sections: String,
    contributors: String,
    tags: String,
    dateline_place: String,
    sources: String,
    credit: String,
    /// The lead image's number in the media library, or empty.
    image: String,
    /// The address wanted for a new story.
    slug: String,
    language: String,
    /// Related headlines, one a line.
    related: String,
    /// The original's address, for syndicated copy.
    canonical: String,
    /// `draft`, `review`, `publish`, `schedule`, `withdraw` or `keep`.
    action: String,
    /// `YYYY-MM-DDTHH:MM` on the newsroom's clock.
    publish_at: String,
    /// The newest revision the writer started from.
    revision: u32,
    /// The story being edited, for the preview (empty for a new one).
    story_id: String,
    #[serde(skip_serializing)]
    csrf: String,
}

impl StoryForm {
    fn of_draft(d: &StoryDraft, action: &str, revision: u32) -> Self {
        StoryForm {
            headline: d.headline.clone(),
            standfirst: d.standfirst.clone(),
            body: d.body.clone(),
            body_format: if d.body_is_html { "html" } else { "markdown" }.into(),
            sections: d.sections.join(", "),
            contributors: d.contributors.join(", "),
            tags: d.tags.join(", "),
            dateline_place: d.dateline_place.clone(),
            sources: d.sources.join(", "),
            credit: d.credit.clone(),
            image: d.image.map(|i| i.to_string()).unwrap_or_default(),
            slug: d.slug.clone(),
            language: d.language.clone(),
            related: d.related.join("\n"),
            canonical: d.canonical.clone(),
            action: action.into(),
            publish_at: String::new(),
            revision,
            story_id: String::new(),
            csrf: String::new(),
        }
    }

    /// The draft and action the form asks for, or the field at fault.
    fn parse(&self) -> Result<(StoryDraft, StoryAction), (&'static str, String)> {
        let action = match self.action.as_str() {
            "draft" => StoryAction::Draft,
            "review" => StoryAction::Review,
            "publish" => StoryAction::Publish,
            "keep" => StoryAction::Keep,
            "withdraw" => StoryAction::Withdraw,
            "schedule" => StoryAction::Schedule(
                self.publish_at
                    .trim()
                    .parse::<jiff::civil::DateTime>()
                    .map_err(|_| ("publish_at", "give the time as 2026-12-01T09:00".into()))?,
            ),
            _ => {
                return Err((
                    "action",
                    "choose what happens to the story: draft, review, publish or schedule".into(),
                ));
            }
        };
        let list = |text: &str, what: &'static str| {
            names(text, what).map_err(|e| match e {
                EditorError::Field { field, message } => (field, message),
                e => (what, e.to_string()),
            })
        };
        let draft = StoryDraft {
            headline: self.headline.clone(),
            standfirst: self.standfirst.clone(),
            body: self.body.clone(),
            body_is_html: self.body_format == "html",
            sections: list(&self.sections, "sections")?,
            contributors: list(&self.contributors, "contributors")?,
            tags: list(&self.tags, "tags")?,
            dateline_place: self.dateline_place.chars().take(120).collect(),
            sources: list(&self.sources, "sources")?,
            credit: self.credit.chars().take(300).collect(),
            image: match self.image.trim() {
                "" => None,
                n => Some(n.parse().ok().filter(|n: &i64| *n > 0).ok_or((
                    "image",
                    "give the image's number from the media library, or leave it empty".to_owned(),
                ))?),
            },
            slug: self.slug.trim().chars().take(200).collect(),
            language: self.language.trim().chars().take(35).collect(),
            related: self
                .related
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect(),
            canonical: self.canonical.trim().to_owned(),
        };
        Ok((draft, action))
    }
}

/// What the editor page shows beside the form.
#[derive(Default)]
struct Extras {
    error: Option<(&'static str, String)>,
    /// Someone else's newer revision and how it differs from the form.
    conflict: Option<Value>,
    /// The revision just saved.
    saved: Option<u32>,
}

async fn editor_page(
    state: &AppState,
    admin: &Admin,
    story: Option<&EditedStory>,
    form: &StoryForm,
    extras: Extras,
    status: StatusCode,
) -> Result<Response, AppError> {
    let (error_field, error) = match extras.error {
        Some((f, e)) => (Some(f), Some(e)),
        None => (None, None),
    };
    let role = admin.user().role;
    let may_publish = can(role, Permission::PublishOwn);
    let story_ctx = story.map(|s| {
        let live = s.state == WorkflowState::Published;
        context! {
            id => s.article.id.0,
            state => s.state.as_str(),
            state_label => s.state.label(),
            revision => s.revision,
            href => live.then(|| crate::urls::article(&s.article.slug)),
            revisions_href => format!("{}/{}/revisions", route::STORIES, s.article.id),
            scheduled_for => (s.state == WorkflowState::Scheduled)
                .then(|| s.article.published_at.as_ref().map(|t| {
                    t.with_time_zone(state.core.newsroom.time_zone.clone())
                        .strftime("%Y-%m-%d %H:%M %Z").to_string()
                }))
                .flatten(),
        }
    });
    // How a story that has been live is read: its views per day.
    let views = match story {
        Some(s) if s.article.published_at.is_some() && s.state != WorkflowState::Draft => {
            Some(super::chart::last_30_days(&state.core, Some(s.article.id)).await?)
        }
        _ => None,
    };
    let title = match story {
        Some(s) => format!("Edit: {}", s.article.headline),
        None => "New story".to_owned(),
    };
    let action = match story {
        Some(s) => format!("{}/{}", route::STORIES, s.article.id),
        None => route::NEW_STORY.to_owned(),
    };
    with_status(
        status,
        render(
            state,
            "admin/story_edit.html",
            context! {
                frame => frame(state, Some(admin), &title),
                form => v(form),
                story => story_ctx,
                error_field,
                error,
                conflict => extras.conflict,
                views,
                saved => extras.saved,
                may_publish,
                time_zone => state.core.newsroom.time_zone.iana_name().unwrap_or("UTC"),
                action,
                preview_action => route::PREVIEW,
                editor_js => crate::security::EDITOR_JS,
            },
        ),
    )
}

/// A revision as the pages list it.
fn revision_row(state: &AppState, r: &Revision) -> Value {
    context! {
        number => r.number,
        state => r.state.label(),
        by => r.saved_by_email.clone().unwrap_or_else(|| "—".into()),
        at => r.saved_at
            .to_zoned_datetime(state.core.newsroom.time_zone.clone())
            .strftime("%Y-%m-%d %H:%M:%S")
            .to_string(),
    }
}

pub(super) fn editor_error(e: EditorError) -> AppError {
    match e {
        EditorError::MayNotPublish(_) | EditorError::NotYours(_) => {
            AppError::Forbidden(e.to_string())
        }
        EditorError::Field { field, message } => {
            AppError::bad_request(format!("{field}: {message}"))
        }
        EditorError::Conflict { .. } => AppError::Conflict(e.to_string()),
        EditorError::Store(e) => e.into(),
    }
}

pub async fn new_story(State(state): State<AppState>, admin: Admin) -> Result<Response, AppError> {
    admin.require(Permission::WriteDrafts)?;
    // A staff writer's stories start with their own byline.
    let byline = state
        .core
        .store
        .linked_contributor(admin.user().id)
        .await?
        .map(|c| c.name)
        .unwrap_or_default();
    let form = StoryForm {
        action: "draft".into(),
        body_format: "markdown".into(),
        contributors: byline,
        ..Default::default()
    };
    editor_page(
        &state,
        &admin,
        None,
        &form,
        Extras::default(),
        StatusCode::OK,
    )
    .await
}

#[derive(Deserialize)]
pub struct EditQuery {
    /// The revision just saved, to say so.
    saved: Option<u32>,
}

pub async fn edit_story(
    State(state): State<AppState>,
    admin: Admin,
    Path(id): Path<i64>,
    Query(q): Query<EditQuery>,
) -> Result<Response, AppError> {
    admin.require(Permission::WriteDrafts)?;
    let story = state
        .core
        .story_for_editing(ArticleId(id))
        .await
        .map_err(editor_error)?;
    may_open(&admin, &story)?;
    let form = StoryForm::of_draft(&story.draft, "keep", story.revision);
    let extras = Extras {
        saved: q.saved.filter(|n| *n == story.revision),
        ..Default::default()
    };
    editor_page(&state, &admin, Some(&story), &form, extras, StatusCode::OK).await
}

/// Contributors and authors open their own stories only; editors any.
fn may_open(admin: &Admin, story: &EditedStory) -> Result<(), AppError> {
    if can(admin.user().role, Permission::EditAny) || story.owner == Some(admin.user().id) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "only the story's writer or an editor may open it".into(),
        ))
    }
}

pub async fn create_story(
    state: State<AppState>,
    admin: Admin,
    headers: HeaderMap,
    form: Form<StoryForm>,
) -> Result<Response, AppError> {
    save(state, admin, headers, None, form).await
}

pub async fn update_story(
    state: State<AppState>,
    admin: Admin,
    headers: HeaderMap,
    Path(id): Path<i64>,
    form: Form<StoryForm>,
) -> Result<Response, AppError> {
    save(state, admin, headers, Some(ArticleId(id)), form).await
}

async fn save(
    State(state): State<AppState>,
    admin: Admin,
    headers: HeaderMap,
    id: Option<ArticleId>,
    Form(mut form): Form<StoryForm>,
) -> Result<Response, AppError> {
    admin.check_form(&headers, &form.csrf)?;
    admin.require(Permission::WriteDrafts)?;
    let story = match id {
        Some(id) => Some(
            state
                .core
                .story_for_editing(id)
                .await
                .map_err(editor_error)?,
        ),
        None => None,
    };
    if let Some(s) = &story {
        may_open(&admin, s)?;
    }
    let (draft, action) = match form.parse() {
        Ok(p) => p,
        Err(error) => {
            let extras = Extras {
                error: Some(error),
                ..Default::default()
            };
            return editor_page(
                &state,
                &admin,
                story.as_ref(),
                &form,
                extras,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let base = if id.is_some() { form.revision } else { 0 };
    match state
        .core
        .save_story(admin.user(), id, base, &draft, action)
        .await
    {
        Ok(saved) => Ok(Redirect::to(&format!(
            "{}/{}?saved={}",
            route::STORIES,
            saved.saved.id,
            saved.revision
        ))
        .into_response()),
        Err(EditorError::Field { field, message }) => {
            editor_page(
                &state,
                &admin,
                story.as_ref(),
                &form,
                Extras {
                    error: Some((field, message)),
                    ..Default::default()
                },
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(EditorError::Conflict { latest }) => {
            // Shown: what the other person saved against what this
            // writer sent. Saving again (from the newer revision) keeps
            // this writer's text; nothing was overwritten.
            let theirs: StoryDraft = serde_json::from_str(&latest.content).unwrap_or_default();
            let changes = diff(&theirs, &draft);
            form.revision = latest.number;
            let story = story.map(|mut s| {
                s.revision = latest.number;
                s
            });
            let conflict = context! {
                revision => revision_row(&state, &latest),
                changes => v(&changes),
            };
            editor_page(
                &state,
                &admin,
                story.as_ref(),
                &form,
                Extras {
                    conflict: Some(conflict),
                    ..Default::default()
                },
                StatusCode::CONFLICT,
            )
            .await
        }
        Err(e) => Err(editor_error(e)),
    }
}

pub async fn preview(
    State(state): State<AppState>,
    admin: Admin,
    headers: HeaderMap,
    Form(form): Form<StoryForm>,
) -> Result<Response, AppError> {
    admin.check_form(&headers, &form.csrf)?;
    admin.require(Permission::WriteDrafts)?;
    let story = match form.story_id.trim() {
        "" => None,
        id => Some(ArticleId(id.parse().map_err(|_| {
            AppError::bad_request("story_id: not a story number")
        })?)),
    };
    if let Some(id) = story {
        may_open(
            &admin,
            &state
                .core
                .story_for_editing(id)
                .await
                .map_err(editor_error)?,
        )?;
    }
    // A preview shows what the form holds, whatever its action says.
    let mut form = form;
    form.action = "keep".into();
    let (draft, _) = form
        .parse()
        .map_err(|(f, e)| AppError::bad_request(format!("{f}: {e}")))?;
    let article = state
        .core
        .preview(admin.user(), story, &draft)
        .await
        .map_err(editor_error)?;
    let html = crate::pages::article::render_preview(&state, &article).await?;
    Ok(super::page(html))
}

#[derive(Deserialize)]
pub struct CompareQuery {
    from: Option<u32>,
    to: Option<u32>,
}

/// Revisions kept on a story's page, newest first.
const REVISIONS_SHOWN: u32 = 200;

pub async fn revisions(
    State(state): State<AppState>,
    admin: Admin,
    Path(id): Path<i64>,
    Query(q): Query<CompareQuery>,
) -> Result<Response, AppError> {
    admin.require(Permission::WriteDrafts)?;
    let id = ArticleId(id);
    let story = state
        .core
        .story_for_editing(id)
        .await
        .map_err(editor_error)?;
    may_open(&admin, &story)?;
    let list = state.core.store.revisions(id, REVISIONS_SHOWN).await?;
    let newest = list.first().map_or(0, |r| r.number);
    let (from, to) = match (q.from, q.to) {
        (Some(a), Some(b)) => (a.min(b), a.max(b)),
        _ if newest >= 2 => (newest - 1, newest),
        _ => (0, 0),
    };
    let compared = if from >= 1 && to > from {
        let (_, old) = state
            .core
            .revision_draft(id, from)
            .await
            .map_err(editor_error)?;
        let (_, new) = state
            .core
            .revision_draft(id, to)
            .await
            .map_err(editor_error)?;
        Some(context! { from, to, changes => v(&diff(&old, &new)) })
    } else {
        None
    };
    let rows: Vec<Value> = list.iter().map(|r| revision_row(&state, r)).collect();
    render(
        &state,
        "admin/revisions.html",
        context! {
            frame => frame(&state, Some(&admin), &format!("Revisions: {}", story.article.headline)),
            story => context! {
                id => id.0,
                edit_href => format!("{}/{}", route::STORIES, id),
                href => format!("{}/{}/revisions", route::STORIES, id),
            },
            rows,
            newest,
            compared,
            may_restore => can(admin.user().role, Permission::EditAny)
                || (story.owner == Some(admin.user().id)
                    && (can(admin.user().role, Permission::PublishOwn)
                        || matches!(story.state, WorkflowState::Draft | WorkflowState::Pending))),
        },
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RestoreForm {
    csrf: String,
    /// The newest revision the writer saw.
    revision: u32,
}

pub async fn restore(
    State(state): State<AppState>,
    admin: Admin,
    headers: HeaderMap,
    Path((id, number)): Path<(i64, u32)>,
    Form(form): Form<RestoreForm>,
) -> Result<Response, AppError> {
    admin.check_form(&headers, &form.csrf)?;
    admin.require(Permission::WriteDrafts)?;
    let saved = state
        .core
        .restore_revision(admin.user(), ArticleId(id), number, form.revision)
        .await
        .map_err(editor_error)?;
    Ok(Redirect::to(&format!(
        "{}/{}?saved={}",
        route::STORIES,
        id,
        saved.revision
    ))
    .into_response())
}
