//! The admin's handlers: each reads its form, asks the core, renders.

use axum::{
    Form,
    body::Bytes,
    extract::{Path, Query, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Redirect, Response},
};
use axum_extra::extract::cookie::CookieJar;
use gazette_core::{
    Moderation,
    accounts::{AccountError, Permission, can},
};
use gazette_domain::{ArticleId, ArticleStatus, CommentId, CommentStatus, Role, UserId};
use gazette_store::{AuditFilter, Page, StoryFilter};
use minijinja::{Value, context};
use serde::{Deserialize, Serialize};

use super::{Admin, account_error, cookie_token, page, route, safe_next, session_cookie};
use crate::{AppError, AppState, auth::Client, forms, views::v};

const SIGN_IN_FORM: &str = "admin-sign-in";
/// Rows per admin list page.
pub(super) const PER_PAGE: u32 = 50;

/// A list page's number from the query, 1 when absent, capped.
pub(super) fn page_number(asked: Option<u32>) -> u32 {
    asked.unwrap_or(1).clamp(1, 100_000)
}

/// Page `number` of an admin list, read with one row more
/// ([`Page::with_lookahead`]) to learn whether another page follows.
pub(super) fn list_page(number: u32) -> Page {
    Page::new(number, PER_PAGE).with_lookahead()
}

/// The rows of a [`list_page`] to show, and whether more follow.
pub(super) fn shown<T>(mut rows: Vec<T>) -> (Vec<T>, bool) {
    let more = rows.len() > PER_PAGE as usize;
    rows.truncate(PER_PAGE as usize);
    (rows, more)
}

/// What every admin page's frame shows.
pub(super) fn frame(state: &AppState, admin: Option<&Admin>, title: &str) -> Value {
    let user = admin.map(|a| {
        let u = a.user();
        context! {
            name => &u.name,
            email => &u.email,
            role => u.role.as_str(),
            csrf => &a.session.csrf,
            moderates => can(u.role, Permission::ModerateComments),
            audits => can(u.role, Permission::ReadAudit),
            manages_newsroom => can(u.role, Permission::ManageNewsroom),
            manages => can(u.role, Permission::ManageAccounts),
        }
    });
    context! {
        site_name => &state.core.newsroom.name,
        lang => &state.core.newsroom.language,
        css_href => crate::pages::assets::css_href(),
        title,
        user,
    }
}

pub(super) fn render(state: &AppState, name: &str, ctx: Value) -> Result<Response, AppError> {
    Ok(page(state.templates.render(name, ctx)?))
}

pub(super) fn with_status(
    status: StatusCode,
    r: Result<Response, AppError>,
) -> Result<Response, AppError> {
    r.map(|mut r| {
        *r.status_mut() = status;
        r
    })
}

// ------------------------------------------------------------- sign in

#[derive(Deserialize, Default)]
pub struct NextQuery {
    next: Option<String>,
}

fn sign_in_page(
    state: &AppState,
    email: &str,
    next: Option<&str>,
    error: Option<String>,
) -> Result<Response, AppError> {
    let now = state.core.now().as_second();
    render(
        state,
        "admin/sign_in.html",
        context! {
            frame => frame(state, None, "Sign in"),
            email,
            next => safe_next(next),
            error,
            ts => now,
            token => forms::issue(state.core.site_secret(), SIGN_IN_FORM, now),
            action => route::SIGN_IN,
        },
    )
}

pub async fn sign_in_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<NextQuery>,
) -> Result<Response, AppError> {
    if let Some(token) = cookie_token(&headers)
        && state
            .core
            .session(&token)
            .await
            .map_err(account_error)?
            .is_some()
    {
        return Ok(Redirect::to(safe_next(q.next.as_deref())).into_response());
    }
    sign_in_page(&state, "", q.next.as_deref(), None)
}

#[derive(Deserialize)]
pub struct SignInForm {
    email: String,
    password: String,
    ts: i64,
    token: String,
    next: Option<String>,
}

pub async fn sign_in(
    State(state): State<AppState>,
    Client(client): Client,
    headers: HeaderMap,
    jar: CookieJar,
    Form(form): Form<SignInForm>,
) -> Result<Response, AppError> {
    forms::same_origin(&headers).map_err(|e| AppError::Forbidden(e.to_string()))?;
    let now = state.core.now().as_second();
    if let Err(e) = forms::verify(
        state.core.site_secret(),
        SIGN_IN_FORM,
        form.ts,
        &form.token,
        now,
        0,
        3600,
    ) {
        return with_status(
            StatusCode::BAD_REQUEST,
            sign_in_page(
                &state,
                &form.email,
                form.next.as_deref(),
                Some(e.to_string()),
            ),
        );
    }
    // One address trying many accounts is slowed here; one account tried
    // from many addresses is locked by the core, on every node.
    let tried = std::time::Instant::now();
    if !state.throttle.allowed(client, tried) {
        return with_status(
            StatusCode::TOO_MANY_REQUESTS,
            sign_in_page(
                &state,
                &form.email,
                form.next.as_deref(),
                Some("too many sign-ins from your address: wait a minute and try again".into()),
            ),
        );
    }
    match state.core.sign_in(&form.email, &form.password).await {
        Ok(signed) => {
            state.throttle.succeeded(client);
            let jar = jar.add(super::new_session_cookie(&state, signed.token));
            Ok((jar, Redirect::to(safe_next(form.next.as_deref()))).into_response())
        }
        Err(e @ (AccountError::BadCredentials | AccountError::Locked { .. })) => {
            state.throttle.failed(client, tried);
            let status = if matches!(e, AccountError::Locked { .. }) {
                StatusCode::TOO_MANY_REQUESTS
            } else {
                StatusCode::UNAUTHORIZED
            };
            with_status(
                status,
                sign_in_page(
                    &state,
                    &form.email,
                    form.next.as_deref(),
                    Some(e.to_string()),
                ),
            )
        }
        Err(e) => Err(account_error(e)),
    }
}

/// Every field defaults, so that a form without its CSRF token is refused
/// as such (403), before anything else is read.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CsrfForm {
    csrf: String,
}

pub async fn sign_out(
    State(state): State<AppState>,
    admin: Admin,
    headers: HeaderMap,
    jar: CookieJar,
    Form(form): Form<CsrfForm>,
) -> Result<Response, AppError> {
    admin.check_form(&headers, &form.csrf)?;
    state
        .core
        .sign_out(&admin.token)
        .await
        .map_err(account_error)?;
    let jar = jar.remove(session_cookie(&state, String::new(), 0));
    Ok((jar, Redirect::to(route::SIGN_IN)).into_response())
}

// ----------------------------------------------------------- dashboard

pub async fn dashboard(State(state): State<AppState>, admin: Admin) -> Result<Response, AppError> {
    admin.require(Permission::Dashboard)?;
    let core = &state.core;
    let (week, top) = core.top_current().await?;
    let pending = core
        .store
        .comments_with_status(CommentStatus::Pending, Page::new(1, 100))
        .await?
        .len();
    let views = super::chart::last_30_days(core, None).await?;
    let top: Vec<_> = top
        .iter()
        .map(|t| {
            context! {
                rank => t.rank,
                headline => &t.article.headline,
                href => crate::urls::article(&t.article.slug),
                views => t.week_views,
            }
        })
        .collect();
    let listed = |list: Vec<(gazette_store::Revision, gazette_domain::Article)>| {
        list.into_iter()
            .map(|(r, a)| {
                context! {
                    headline => a.headline,
                    href => format!("{}/{}", route::STORIES, a.id),
                    by => r.saved_by_email,
                    when => a.published_at.map(|t| t
                        .with_time_zone(core.newsroom.time_zone.clone())
                        .strftime("%Y-%m-%d %H:%M")
                        .to_string()),
                }
            })
            .collect::<Vec<_>>()
    };
    let review = listed(
        core.stories_in_state(gazette_domain::WorkflowState::Pending, 20)
            .await
            .map_err(super::stories::editor_error)?,
    );
    let scheduled = listed(
        core.stories_in_state(gazette_domain::WorkflowState::Scheduled, 20)
            .await
            .map_err(super::stories::editor_error)?,
    );
    render(
        &state,
        "admin/dashboard.html",
        context! {
            review,
            scheduled,
            frame => frame(&state, Some(&admin), "Dashboard"),
            week => week.to_string(),
            top,
            pending,
            pending_more => pending >= 100,
            views,
        },
    )
}

// ------------------------------------------------------------- stories

#[derive(Deserialize)]
pub struct StoriesQuery {
    status: Option<String>,
    q: Option<String>,
    section: Option<String>,
    /// A byline name.
    contributor: Option<String>,
    /// A source's name.
    source: Option<String>,
    /// Published on or after this day, on or before `to` (YYYY-MM-DD).
    from: Option<String>,
    to: Option<String>,
    page: Option<u32>,
}

/// What a lookup found, `None` for nothing.
fn found<T>(r: gazette_store::StoreResult<T>) -> Result<Option<T>, AppError> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(gazette_store::StoreError::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Longest headline text the story list filters by.
const FILTER_TEXT_MAX: usize = 200;

pub async fn stories(
    State(state): State<AppState>,
    admin: Admin,
    Query(q): Query<StoriesQuery>,
) -> Result<Response, AppError> {
    admin.require(Permission::WriteDrafts)?;
    let mut notices = Vec::new();
    let status = match q.status.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(s) => match s.parse::<ArticleStatus>() {
            Ok(s) => Some(s),
            Err(e) => {
                notices.push(e.to_string());
                None
            }
        },
    };
    let text =
        q.q.as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(|t| {
                if t.chars().count() > FILTER_TEXT_MAX {
                    notices.push(format!(
                        "the text was cut to its first {FILTER_TEXT_MAX} characters"
                    ));
                }
                t.chars().take(FILTER_TEXT_MAX).collect::<String>()
            });
    let sections = state.core.sections().await?;
    let section = match q.section.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(slug) => match sections.iter().find(|s| s.slug.as_str() == slug) {
            Some(s) => Some(s),
            None => {
                notices.push(format!(
                    "there is no section “{}”; showing every section",
                    slug.chars().take(60).collect::<String>()
                ));
                None
            }
        },
    };
    let number = page_number(q.page);
    let named = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(|t| t.chars().take(120).collect::<String>())
    };
    let (contributor_name, source_name) = (named(&q.contributor), named(&q.source));
    // A typed name is looked up by the address it would have.
    let slug_of = |n: &Option<String>| {
        n.as_deref()
            .and_then(|n| gazette_domain::Slug::from_text(n).ok())
    };
    let store = &state.core.store;
    let contributor = match slug_of(&contributor_name) {
        Some(slug) => found(store.contributor_by_slug(slug.as_str()).await)?,
        None => None,
    };
    let source = match slug_of(&source_name) {
        Some(slug) => found(store.source_by_slug(slug.as_str()).await)?,
        None => None,
    };
    for (name, known, what, all) in [
        (
            &contributor_name,
            contributor.is_some(),
            "contributor",
            "byline",
        ),
        (&source_name, source.is_some(), "source", "source"),
    ] {
        if let (Some(n), false) = (name, known) {
            notices.push(format!("no {what} is named “{n}”; showing every {all}"));
        }
    }
    let tz = state.core.newsroom.time_zone.clone();
    let mut day = |v: &Option<String>, what: &str, plus: i64| match named(v) {
        None => None,
        Some(t) => match t
            .parse::<jiff::civil::Date>()
            .ok()
            .and_then(|d| d.checked_add(jiff::Span::new().days(plus)).ok())
            .and_then(|d| d.at(0, 0, 0, 0).to_zoned_datetime(tz.clone()).ok())
        {
            Some(z) => Some((t, z.timestamp())),
            None => {
                notices.push(format!(
                    "“{t}” is not a day like 2026-11-28; the {what} day is left out"
                ));
                None
            }
        },
    };
    let from = day(&q.from, "first", 0);
    let to = day(&q.to, "last", 1);
    let filter = StoryFilter {
        status,
        text: text.clone(),
        section: section.map(|s| s.id),
        contributor: contributor.as_ref().map(|c| c.id),
        source: source.as_ref().map(|s| s.id),
        published_from: from.as_ref().map(|f| f.1),
        published_until: to.as_ref().map(|t| t.1),
    };
    let list = state
        .core
        .store
        .staff_stories(&filter, list_page(number))
        .await?;
    let (list, more) = shown(list);
    let now = state.core.now();
    let tz = state.core.newsroom.time_zone.clone();
    let when = |t: jiff::Timestamp| {
        t.to_zoned_datetime(tz.clone())
            .strftime("%Y-%m-%d %H:%M")
            .to_string()
    };
    let rows: Vec<_> = list
        .iter()
        .map(|s| {
            let state_name = match (s.status, s.published_at) {
                (ArticleStatus::Published, Some(at)) if at > now => "scheduled",
                (st, _) => st.as_str(),
            };
            context! {
                headline => &s.headline,
                edit_href => format!("{}/{}", route::STORIES, s.id),
                href => (state_name == "published").then(|| crate::urls::article(&s.slug)),
                status => state_name,
                published => s.published_at.map(when),
                updated => when(s.updated_at),
            }
        })
        .collect();
    // The filters kept in the pager's links.
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    if let Some(s) = status {
        query.append_pair("status", s.as_str());
    }
    if let Some(t) = &text {
        query.append_pair("q", t);
    }
    if let Some(s) = section {
        query.append_pair("section", s.slug.as_str());
    }
    if let Some(c) = &contributor {
        query.append_pair("contributor", &c.name);
    }
    if let Some(s) = &source {
        query.append_pair("source", &s.name);
    }
    if let Some((d, _)) = &from {
        query.append_pair("from", d);
    }
    if let Some((d, _)) = &to {
        query.append_pair("to", d);
    }
    let query = query.finish();
    let sections: Vec<_> = sections
        .iter()
        .map(|s| context! { slug => s.slug.as_str(), name => &s.name })
        .collect();
    render(
        &state,
        "admin/stories.html",
        context! {
            frame => frame(&state, Some(&admin), "Stories"),
            rows,
            notices,
            statuses => ["draft", "published", "withdrawn"],
            status => status.map(|s| s.as_str()),
            q => text,
            section => section.map(|s| s.slug.as_str()),
            contributor => contributor.as_ref().map(|c| c.name.clone()),
            source => source.as_ref().map(|s| s.name.clone()),
            from => from.as_ref().map(|f| f.0.clone()),
            to => to.as_ref().map(|t| t.0.clone()),
            sections,
            page => number,
            more,
            query,
        },
    )
}

// ------------------------------------------------------------ comments

#[derive(Deserialize)]
pub struct CommentsQuery {
    status: Option<String>,
    page: Option<u32>,
}

#[derive(Serialize)]
struct CommentRow {
    id: i64,
    author: String,
    email: Option<String>,
    body_html: String,
    at: String,
    headline: String,
    href: Option<String>,
}

pub async fn comments(
    State(state): State<AppState>,
    admin: Admin,
    Query(q): Query<CommentsQuery>,
) -> Result<Response, AppError> {
    admin.require(Permission::ModerateComments)?;
    let status: CommentStatus = match q.status.as_deref() {
        None | Some("") => CommentStatus::Pending,
        Some(s) => s
            .parse()
            .map_err(|e: gazette_domain::DomainError| AppError::bad_request(e.to_string()))?,
    };
    let number = page_number(q.page);
    let (list, more) = shown(
        state
            .core
            .store
            .comments_with_status(status, list_page(number))
            .await?,
    );
    let mut ids: Vec<ArticleId> = list.iter().map(|c| c.article).collect();
    ids.sort();
    ids.dedup();
    let stories = state.core.store.articles_by_ids(&ids).await?;
    let rows: Vec<CommentRow> = list
        .iter()
        .map(|c| {
            let story = stories.iter().find(|a| a.id == c.article);
            CommentRow {
                id: c.id.0,
                author: c.author_name.clone(),
                email: c.author_email.clone(),
                body_html: c.body_html.clone(),
                at: c.created_at.strftime("%Y-%m-%d %H:%M UTC").to_string(),
                headline: story
                    .map_or_else(|| format!("story {}", c.article), |a| a.headline.clone()),
                href: story.map(|a| crate::urls::article(&a.slug)),
            }
        })
        .collect();
    render(
        &state,
        "admin/comments.html",
        context! {
            frame => frame(&state, Some(&admin), "Comments"),
            status => status.as_str(),
            statuses => ["pending", "approved", "spam"],
            rows => v(&rows),
            may_reply => status == CommentStatus::Approved,
            page => number,
            more,
            action => route::COMMENTS,
        },
    )
}

/// The fields of a form body, repeated names kept (`id=1&id=2`).
fn fields(body: &[u8]) -> Vec<(String, String)> {
    url::form_urlencoded::parse(body).into_owned().collect()
}

fn field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// Comments chosen in one go at most.
const BULK_MAX: usize = 200;

pub async fn moderate(
    State(state): State<AppState>,
    admin: Admin,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let fields = fields(&body);
    admin.check_form(&headers, field(&fields, "csrf").unwrap_or(""))?;
    admin.require(Permission::ModerateComments)?;
    let action: Moderation = field(&fields, "action")
        .unwrap_or("")
        .parse()
        .map_err(|()| AppError::bad_request("choose approve, spam, pending or delete"))?;
    let ids: Vec<CommentId> = fields
        .iter()
        .filter(|(k, _)| k == "id")
        .map(|(_, v)| v.parse::<i64>().map(CommentId))
        .collect::<Result<_, _>>()
        .map_err(|_| AppError::bad_request("a comment id is not a number"))?;
    if ids.is_empty() {
        return Err(AppError::bad_request("tick at least one comment first"));
    }
    if ids.len() > BULK_MAX {
        return Err(AppError::bad_request(format!(
            "at most {BULK_MAX} comments at a time"
        )));
    }
    for id in ids {
        state
            .core
            .moderate_as(admin.user(), id, action)
            .await
            .map_err(account_error)?;
    }
    let back = match field(&fields, "status") {
        Some(s @ ("pending" | "approved" | "spam")) => format!("{}?status={s}", route::COMMENTS),
        _ => route::COMMENTS.to_owned(),
    };
    Ok(Redirect::to(&back).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReplyForm {
    text: String,
    csrf: String,
}

pub async fn reply(
    State(state): State<AppState>,
    admin: Admin,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(form): Form<ReplyForm>,
) -> Result<Response, AppError> {
    admin.check_form(&headers, &form.csrf)?;
    admin.require(Permission::ModerateComments)?;
    state
        .core
        .reply_as(admin.user(), CommentId(id), &form.text)
        .await
        .map_err(account_error)?;
    Ok(Redirect::to(&format!("{}?status=approved", route::COMMENTS)).into_response())
}

// --------------------------------------------------------------- users

#[derive(Deserialize, Default, Serialize)]
pub struct AddUserForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
    #[serde(default, skip_serializing)]
    password: String,
    #[serde(default, skip_serializing)]
    csrf: String,
}

/// A problem with one field of a form.
#[derive(Serialize, Default)]
struct FieldErrors {
    email: Option<String>,
    name: Option<String>,
    role: Option<String>,
    password: Option<String>,
    form: Option<String>,
}

async fn users_page(
    state: &AppState,
    admin: &Admin,
    form: &AddUserForm,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    let list = state.core.store.users().await?;
    let mut users = Vec::with_capacity(list.len());
    for u in &list {
        let byline = match u.contributor {
            Some(_) => state
                .core
                .store
                .linked_contributor(u.id)
                .await?
                .map(|c| c.name),
            None => None,
        };
        users.push(context! {
            id => u.id.0,
            email => &u.email,
            name => &u.name,
            role => u.role.as_str(),
            byline,
            action => route::USER_ROLE.replace("{id}", &u.id.to_string()),
            byline_action => route::USER_BYLINE.replace("{id}", &u.id.to_string()),
        });
    }
    with_status(
        status,
        render(
            state,
            "admin/users.html",
            context! {
                frame => frame(state, Some(admin), "Accounts"),
                users,
                roles => Role::ALL.map(Role::as_str),
                form => v(form),
                errors => v(&errors),
                action => route::USERS,
            },
        ),
    )
}

pub async fn users(State(state): State<AppState>, admin: Admin) -> Result<Response, AppError> {
    admin.require(Permission::ManageAccounts)?;
    let form = AddUserForm {
        role: "contributor".into(),
        ..Default::default()
    };
    users_page(
        &state,
        &admin,
        &form,
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

pub async fn add_user(
    State(state): State<AppState>,
    admin: Admin,
    headers: HeaderMap,
    Form(form): Form<AddUserForm>,
) -> Result<Response, AppError> {
    admin.check_form(&headers, &form.csrf)?;
    admin.require(Permission::ManageAccounts)?;
    let mut errors = FieldErrors::default();
    let role = match form.role.parse::<Role>() {
        Ok(r) => Some(r),
        Err(e) => {
            errors.role = Some(e.to_string());
            None
        }
    };
    if let Err(e) = gazette_domain::normalize_email(&form.email) {
        errors.email = Some(e.to_string());
    }
    if let Err(e) = gazette_core::accounts::check_password(&form.password, &form.email) {
        errors.password = Some(e.to_string());
    }
    if let (Some(role), None, None, None) = (role, &errors.email, &errors.password, &errors.role) {
        match state
            .core
            .add_user(
                Some(admin.user()),
                &form.email,
                &form.name,
                role,
                &form.password,
            )
            .await
        {
            Ok(_) => return Ok(Redirect::to(route::USERS).into_response()),
            Err(AccountError::Store(gazette_store::StoreError::Conflict(why))) => {
                errors.email = Some(why.to_owned());
            }
            Err(AccountError::Invalid(e)) => errors.name = Some(e.to_string()),
            Err(e) => return Err(account_error(e)),
        }
    }
    users_page(
        &state,
        &admin,
        &form,
        errors,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

/// Every field defaults, so that a form without its CSRF token is refused
/// as such (403), before anything else is read.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RoleForm {
    role: String,
    csrf: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct BylineForm {
    byline: String,
    csrf: String,
}

pub async fn set_byline(
    State(state): State<AppState>,
    admin: Admin,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(form): Form<BylineForm>,
) -> Result<Response, AppError> {
    admin.check_form(&headers, &form.csrf)?;
    admin.require(Permission::ManageAccounts)?;
    match state
        .core
        .set_byline(admin.user(), UserId(id), &form.byline)
        .await
    {
        Ok(_) => Ok(Redirect::to(route::USERS).into_response()),
        Err(AccountError::Invalid(e)) => Err(AppError::bad_request(format!("byline: {e}"))),
        Err(e @ AccountError::Password(_)) => Err(AppError::bad_request(e.to_string())),
        Err(e) => Err(account_error(e)),
    }
}

pub async fn set_role(
    State(state): State<AppState>,
    admin: Admin,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(form): Form<RoleForm>,
) -> Result<Response, AppError> {
    admin.check_form(&headers, &form.csrf)?;
    admin.require(Permission::ManageAccounts)?;
    let role: Role = form
        .role
        .parse()
        .map_err(|e: gazette_domain::DomainError| AppError::bad_request(e.to_string()))?;
    match state.core.set_role(admin.user(), UserId(id), role).await {
        Ok(_) => Ok(Redirect::to(route::USERS).into_response()),
        Err(e @ AccountError::LastAdmin) => Err(AppError::Conflict(e.to_string())),
        Err(e) => Err(account_error(e)),
    }
}

// ------------------------------------------------------------- account

async fn account_page(
    state: &AppState,
    admin: &Admin,
    error: Option<String>,
    notice: Option<&str>,
    status: StatusCode,
) -> Result<Response, AppError> {
    account_page_with(state, admin, error, notice, None, status).await
}

async fn account_page_with(
    state: &AppState,
    admin: &Admin,
    error: Option<String>,
    notice: Option<&str>,
    new_token: Option<(String, String)>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let tokens: Vec<_> = state
        .core
        .store
        .api_tokens(admin.user().id)
        .await?
        .into_iter()
        .map(|t| {
            context! {
                name => t.name,
                created => t.created_at.strftime("%Y-%m-%d %H:%M UTC").to_string(),
                action => route::TOKEN_REVOKE.replace("{id}", &t.id.to_string()),
            }
        })
        .collect();
    let (token_error, token_notice) = match &new_token {
        Some((kind, text)) if kind == "error" => (Some(text.clone()), None),
        Some((_, text)) => (None, Some(text.clone())),
        None => (None, None),
    };
    with_status(
        status,
        render(
            state,
            "admin/account.html",
            context! {
                frame => frame(state, Some(admin), "Your account"),
                error,
                notice,
                password_action => route::PASSWORD,
                sign_out_all_action => route::SIGN_OUT_ALL,
                tokens,
                token_action => route::TOKENS,
                token_error,
                new_token => token_notice,
            },
        ),
    )
}

#[derive(Deserialize)]
pub struct AccountQuery {
    done: Option<String>,
}

pub async fn account(
    State(state): State<AppState>,
    admin: Admin,
    Query(q): Query<AccountQuery>,
) -> Result<Response, AppError> {
    admin.require(Permission::Dashboard)?;
    let notice = match q.done.as_deref() {
        Some("password") => Some("Your password is changed; your other sessions have ended."),
        _ => None,
    };
    account_page(&state, &admin, None, notice, StatusCode::OK).await
}

/// Every field defaults, so that a form without its CSRF token is refused
/// as such (403), before anything else is read.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PasswordForm {
    current: String,
    new: String,
    again: String,
    csrf: String,
}

pub async fn change_password(
    State(state): State<AppState>,
    admin: Admin,
    headers: HeaderMap,
    jar: CookieJar,
    Form(form): Form<PasswordForm>,
) -> Result<Response, AppError> {
    admin.check_form(&headers, &form.csrf)?;
    if form.new != form.again {
        return account_page(
            &state,
            &admin,
            Some("the new password and its repetition differ".into()),
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    match state
        .core
        .change_password(admin.user(), &form.current, &form.new)
        .await
    {
        Ok(()) => {
            // Every session ended, this one too: open a fresh one here.
            let signed = state
                .core
                .sign_in(&admin.user().email, &form.new)
                .await
                .map_err(account_error)?;
            let jar = jar.add(super::new_session_cookie(&state, signed.token));
            Ok((
                jar,
                Redirect::to(&format!("{}?done=password", route::ACCOUNT)),
            )
                .into_response())
        }
        Err(AccountError::BadCredentials) => {
            account_page(
                &state,
                &admin,
                Some("your current password is not right".into()),
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e @ AccountError::Password(_)) => {
            account_page(
                &state,
                &admin,
                Some(e.to_string()),
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(account_error(e)),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TokenForm {
    name: String,
    csrf: String,
}

pub async fn create_token(
    State(state): State<AppState>,
    admin: Admin,
    headers: HeaderMap,
    Form(form): Form<TokenForm>,
) -> Result<Response, AppError> {
    admin.check_form(&headers, &form.csrf)?;
    admin.require(Permission::Dashboard)?;
    match state.core.create_api_token(admin.user(), &form.name).await {
        // Shown once, on a page no cache keeps.
        Ok((_, token)) => {
            account_page_with(
                &state,
                &admin,
                None,
                None,
                Some(("token".into(), token)),
                StatusCode::OK,
            )
            .await
        }
        Err(AccountError::Password(why)) => {
            account_page_with(
                &state,
                &admin,
                None,
                None,
                Some(("error".into(), why.to_owned())),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(account_error(e)),
    }
}

pub async fn revoke_token(
    State(state): State<AppState>,
    admin: Admin,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(form): Form<CsrfForm>,
) -> Result<Response, AppError> {
    admin.check_form(&headers, &form.csrf)?;
    if state
        .core
        .revoke_api_token(admin.user(), id)
        .await
        .map_err(account_error)?
    {
        Ok(Redirect::to(route::ACCOUNT).into_response())
    } else {
        Err(AppError::NotFound)
    }
}

pub async fn sign_out_everywhere(
    State(state): State<AppState>,
    admin: Admin,
    headers: HeaderMap,
    jar: CookieJar,
    Form(form): Form<CsrfForm>,
) -> Result<Response, AppError> {
    admin.check_form(&headers, &form.csrf)?;
    state
        .core
        .sign_out_everywhere(admin.user())
        .await
        .map_err(account_error)?;
    let jar = jar.remove(session_cookie(&state, String::new(), 0));
    Ok((jar, Redirect::to(route::SIGN_IN)).into_response())
}

// --------------------------------------------------------------- audit

#[derive(Deserialize)]
pub struct AuditQuery {
    action: Option<String>,
    user: Option<String>,
    page: Option<u32>,
}

pub async fn audit(
    State(state): State<AppState>,
    admin: Admin,
    Query(q): Query<AuditQuery>,
) -> Result<Response, AppError> {
    admin.require(Permission::ReadAudit)?;
    let action = q
        .action
        .filter(|a| !a.is_empty())
        .map(|a| a.chars().take(64).collect::<String>());
    let user = match q.user.as_deref() {
        None | Some("") => None,
        Some(u) => Some(UserId(u.parse().map_err(|_| {
            AppError::bad_request("the account filter is not an account number")
        })?)),
    };
    let number = page_number(q.page);
    let filter = AuditFilter {
        action: action.clone(),
        user,
    };
    let entries = state
        .core
        .store
        .audit_log(&filter, list_page(number))
        .await?;
    let (entries, more) = shown(entries);
    let rows: Vec<_> = entries
        .iter()
        .map(|e| {
            context! {
                at => e.at.strftime("%Y-%m-%d %H:%M:%S UTC").to_string(),
                who => e.user_email.clone().unwrap_or_else(|| "Gazette (command line)".into()),
                action => &e.action,
                subject => &e.subject,
                detail => &e.detail,
            }
        })
        .collect();
    let users: Vec<_> = state
        .core
        .store
        .users()
        .await?
        .into_iter()
        .map(|u| context! { id => u.id.0, email => u.email })
        .collect();
    render(
        &state,
        "admin/audit.html",
        context! {
            frame => frame(&state, Some(&admin), "Audit log"),
            rows,
            users,
            action,
            user => user.map(|u| u.0),
            page => number,
            more,
            actions => [
                "story.draft", "story.publish", "story.schedule",
                "comment.approve", "comment.spam", "comment.pending", "comment.delete", "comment.reply",
                "token.create", "token.revoke",
                "user.add", "user.role", "user.password", "user.password-reset", "user.sign-out-all",
            ],
        },
    )
}
