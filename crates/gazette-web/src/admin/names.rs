//! `/admin/newsroom`: editors rename contributors (and write their
//! biographies), sources (and their sites) and sections (and their place
//! in the tree).

use axum::{
    Form,
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Redirect, Response},
};
use gazette_core::{accounts::Permission, names::NameError};
use gazette_domain::{ContributorId, SectionId, SourceId};
use gazette_store::Page;
use minijinja::{Value, context};
use serde::Deserialize;

use super::{
    Admin,
    pages::{frame, render, with_status},
    route,
};
use crate::{AppError, AppState};

/// Contributors and sources shown at most (a newsroom has dozens).
const SHOWN: u32 = 200;

async fn newsroom_page(
    state: &AppState,
    admin: &Admin,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let store = &state.core.store;
    let contributors: Vec<Value> = store
        .contributor_list(Page::new(1, SHOWN))
        .await?
        .into_iter()
        .map(|c| {
            context! {
                id => c.id.0,
                name => c.name,
                bio => c.bio.unwrap_or_default(),
                href => crate::urls::contributor(&c.slug),
                action => route::CONTRIBUTOR_EDIT.replace("{id}", &c.id.to_string()),
            }
        })
        .collect();
    let sources: Vec<Value> = store
        .source_list(Page::new(1, SHOWN))
        .await?
        .into_iter()
        .map(|s| {
            context! {
                id => s.id.0,
                name => s.name,
                url => s.url.unwrap_or_default(),
                href => crate::urls::source(&s.slug),
                action => route::SOURCE_EDIT.replace("{id}", &s.id.to_string()),
            }
        })
        .collect();
    let all = store.sections().await?;
    let sections: Vec<Value> = all
        .iter()
        .map(|s| {
            context! {
                id => s.id.0,
                name => &s.name,
                parent => s.parent.map(|p| p.0),
                href => crate::urls::section(&s.slug),
                action => route::SECTION_EDIT.replace("{id}", &s.id.to_string()),
            }
        })
        .collect();
    with_status(
        status,
        render(
            state,
            "admin/newsroom.html",
            context! {
                frame => frame(state, Some(admin), "Sections, contributors and sources"),
                contributors,
                sources,
                sections,
                error,
            },
        ),
    )
}

pub async fn show(State(state): State<AppState>, admin: Admin) -> Result<Response, AppError> {
    admin.require(Permission::ManageNewsroom)?;
    newsroom_page(&state, &admin, None, StatusCode::OK).await
}

/// What one of the page's forms sends.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NameForm {
    csrf: String,
    name: String,
    bio: String,
    url: String,
    /// A section's parent id, or empty for the top.
    parent: String,
}

async fn answer(
    state: &AppState,
    admin: &Admin,
    done: Result<(), NameError>,
) -> Result<Response, AppError> {
    match done {
        Ok(()) => Ok(Redirect::to(route::NEWSROOM).into_response()),
        Err(NameError::NotAllowed(r)) => {
            Err(AppError::Forbidden(NameError::NotAllowed(r).to_string()))
        }
        Err(NameError::Store(e)) => Err(e.into()),
        Err(e @ NameError::Field { .. }) => {
            newsroom_page(
                state,
                admin,
                Some(e.to_string()),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

pub async fn contributor(
    State(state): State<AppState>,
    admin: Admin,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(form): Form<NameForm>,
) -> Result<Response, AppError> {
    admin.check_form(&headers, &form.csrf)?;
    admin.require(Permission::ManageNewsroom)?;
    let done = state
        .core
        .edit_contributor(admin.user(), ContributorId(id), &form.name, &form.bio)
        .await
        .map(|_| ());
    answer(&state, &admin, done).await
}

pub async fn source(
    State(state): State<AppState>,
    admin: Admin,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(form): Form<NameForm>,
) -> Result<Response, AppError> {
    admin.check_form(&headers, &form.csrf)?;
    admin.require(Permission::ManageNewsroom)?;
    let done = state
        .core
        .edit_source(admin.user(), SourceId(id), &form.name, &form.url)
        .await
        .map(|_| ());
    answer(&state, &admin, done).await
}

pub async fn section(
    State(state): State<AppState>,
    admin: Admin,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(form): Form<NameForm>,
) -> Result<Response, AppError> {
    admin.check_form(&headers, &form.csrf)?;
    admin.require(Permission::ManageNewsroom)?;
    let parent = match form.parent.trim() {
        "" => None,
        p => Some(SectionId(p.parse().map_err(|_| {
            AppError::bad_request("parent: not a section number")
        })?)),
    };
    let done = state
        .core
        .edit_section(admin.user(), SectionId(id), &form.name, parent)
        .await
        .map(|_| ());
    answer(&state, &admin, done).await
}
