//! `/admin`: the newsroom's admin, for staff accounts.
//!
//! - [`Admin`]: the request carries a live session cookie (sessions live in
//!   the store: they survive a restart and work on every node); a page
//!   asked for without one is sent to the sign-in form, anything else is
//!   refused before the handler runs.
//! - Every state-changing form carries the session's CSRF token
//!   ([`Admin::check_form`]), compared in constant time, and must come from
//!   this site (`Origin`/`Sec-Fetch-Site`); the sign-in form, before any
//!   session, carries a signed form token instead.
//! - What each role may do is `gazette_core::accounts`' matrix; handlers
//!   ask [`Admin::require`], and the core checks again.

mod chart;
mod media;
mod names;
mod pages;
mod stories;

pub use media::{UPLOAD_BODY_LIMIT, image};

use axum::{
    Router,
    extract::FromRequestParts,
    http::{HeaderMap, Method, header, request::Parts},
    response::{Html, IntoResponse, Redirect, Response},
    routing::{get, post},
};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use gazette_core::accounts::{AccountError, Permission, can, same_secret};
use gazette_store::Session;

use crate::{AppError, AppState, forms};

/// The admin session cookie. Readers never get one.
pub const SESSION_COOKIE: &str = "gazette_session";

/// Where everything in the admin lives.
pub mod route {
    pub const HOME: &str = "/admin";
    pub const SIGN_IN: &str = "/admin/sign-in";
    pub const SIGN_OUT: &str = "/admin/sign-out";
    pub const COMMENTS: &str = "/admin/comments";
    pub const STORIES: &str = "/admin/stories";
    pub const COMMENT_REPLY: &str = "/admin/comments/{id}/reply";
    pub const NEW_STORY: &str = "/admin/stories/new";
    pub const STORY: &str = "/admin/stories/{id}";
    pub const REVISIONS: &str = "/admin/stories/{id}/revisions";
    pub const RESTORE: &str = "/admin/stories/{id}/revisions/{number}/restore";
    pub const PREVIEW: &str = "/admin/stories/preview";
    pub const MEDIA: &str = "/admin/media";
    pub const NEWSROOM: &str = "/admin/newsroom";
    pub const CONTRIBUTOR_EDIT: &str = "/admin/newsroom/contributors/{id}";
    pub const SOURCE_EDIT: &str = "/admin/newsroom/sources/{id}";
    pub const SECTION_EDIT: &str = "/admin/newsroom/sections/{id}";
    pub const USERS: &str = "/admin/users";
    pub const USER_ROLE: &str = "/admin/users/{id}/role";
    pub const USER_BYLINE: &str = "/admin/users/{id}/byline";
    pub const ACCOUNT: &str = "/admin/account";
    pub const PASSWORD: &str = "/admin/account/password";
    pub const SIGN_OUT_ALL: &str = "/admin/account/sign-out-everywhere";
    pub const TOKENS: &str = "/admin/account/tokens";
    pub const TOKEN_REVOKE: &str = "/admin/account/tokens/{id}/revoke";
    pub const AUDIT: &str = "/admin/audit";
}

/// The upload route, apart: it alone takes large bodies.
pub fn upload_routes() -> Router<AppState> {
    Router::new().route(route::MEDIA, get(media::library).post(media::upload))
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(route::HOME, get(pages::dashboard))
        .route(
            route::SIGN_IN,
            get(pages::sign_in_form).post(pages::sign_in),
        )
        .route(route::SIGN_OUT, post(pages::sign_out))
        .route(route::COMMENTS, get(pages::comments).post(pages::moderate))
        .route(route::STORIES, get(pages::stories))
        .route(route::COMMENT_REPLY, post(pages::reply))
        .route(
            route::NEW_STORY,
            get(stories::new_story).post(stories::create_story),
        )
        .route(
            route::STORY,
            get(stories::edit_story).post(stories::update_story),
        )
        .route(route::REVISIONS, get(stories::revisions))
        .route(route::RESTORE, post(stories::restore))
        .route(route::PREVIEW, post(stories::preview))
        .route(route::USERS, get(pages::users).post(pages::add_user))
        .route(route::USER_ROLE, post(pages::set_role))
        .route(route::USER_BYLINE, post(pages::set_byline))
        .route(route::NEWSROOM, get(names::show))
        .route(route::CONTRIBUTOR_EDIT, post(names::contributor))
        .route(route::SOURCE_EDIT, post(names::source))
        .route(route::SECTION_EDIT, post(names::section))
        .route(route::ACCOUNT, get(pages::account))
        .route(route::PASSWORD, post(pages::change_password))
        .route(route::SIGN_OUT_ALL, post(pages::sign_out_everywhere))
        .route(route::TOKENS, post(pages::create_token))
        .route(route::TOKEN_REVOKE, post(pages::revoke_token))
        .route(route::AUDIT, get(pages::audit))
}

/// A signed-in staff member.
pub struct Admin {
    pub session: Session,
    /// The cookie's token (to end this session).
    token: String,
}

impl Admin {
    pub fn user(&self) -> &gazette_domain::User {
        &self.session.user
    }

    /// Refuses unless the account's role may do `what`.
    pub fn require(&self, what: Permission) -> Result<(), AppError> {
        if can(self.user().role, what) {
            Ok(())
        } else {
            Err(AppError::Forbidden(format!(
                "your role ({}) may not do this; it needs {} or above",
                self.user().role,
                what.least_role()
            )))
        }
    }

    /// Refuses a form without this session's CSRF token or from another site.
    pub fn check_form(&self, headers: &HeaderMap, csrf: &str) -> Result<(), AppError> {
        forms::same_origin(headers).map_err(|e| AppError::Forbidden(e.to_string()))?;
        if same_secret(csrf.trim(), &self.session.csrf) {
            Ok(())
        } else {
            Err(AppError::Forbidden(
                "this form has expired or was not sent from the admin; reload the page and send it again".into(),
            ))
        }
    }
}

/// The session token a request's cookie carries.
pub(crate) fn cookie_token(headers: &HeaderMap) -> Option<String> {
    CookieJar::from_headers(headers)
        .get(SESSION_COOKIE)
        .map(|c| c.value().to_owned())
}

impl FromRequestParts<AppState> for Admin {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let found = match cookie_token(&parts.headers) {
            Some(token) => match state.core.session(&token).await {
                Ok(Some(session)) => Some(Admin { session, token }),
                Ok(None) => None,
                Err(e) => return Err(account_error(e).into_response()),
            },
            None => None,
        };
        match found {
            Some(admin) => Ok(admin),
            None if parts.method == Method::GET || parts.method == Method::HEAD => {
                let next = parts
                    .uri
                    .path_and_query()
                    .map(|p| p.as_str())
                    .unwrap_or(route::HOME);
                let to = format!(
                    "{}?next={}",
                    route::SIGN_IN,
                    percent_encoding::utf8_percent_encode(next, percent_encoding::NON_ALPHANUMERIC)
                );
                Err(Redirect::to(&to).into_response())
            }
            None => Err(AppError::Forbidden("sign in to the admin first".into()).into_response()),
        }
    }
}

/// The session cookie for `token` (HttpOnly, SameSite=Lax, Secure over TLS).
fn session_cookie(state: &AppState, token: String, max_age_secs: i64) -> Cookie<'static> {
    Cookie::build((SESSION_COOKIE, token))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.core.newsroom.base_url.starts_with("https://"))
        .max_age(cookie::time::Duration::seconds(max_age_secs))
        .build()
}

/// The cookie of a session just opened, for as long as a session lasts.
fn new_session_cookie(state: &AppState, token: String) -> Cookie<'static> {
    session_cookie(
        state,
        token,
        gazette_core::accounts::SESSION_LENGTH.as_secs() as i64,
    )
}

/// An account error as an HTTP answer.
fn account_error(e: AccountError) -> AppError {
    match e {
        AccountError::Store(e) => e.into(),
        AccountError::Forbidden(_) => AppError::Forbidden(e.to_string()),
        AccountError::Locked { .. } => AppError::TooManyRequests,
        e => AppError::bad_request(e.to_string()),
    }
}

/// An admin page: never stored by any cache.
fn page(html: String) -> Response {
    ([(header::CACHE_CONTROL, "no-store")], Html(html)).into_response()
}

/// Only a path inside the admin is followed after signing in.
fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(n)
            if n.starts_with("/admin")
                && !n.starts_with("//")
                && !n.contains(['\\', '\r', '\n'])
                && !n.starts_with(route::SIGN_IN) =>
        {
            n
        }
        _ => route::HOME,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_admin_paths_are_followed_after_sign_in() {
        assert_eq!(
            safe_next(Some("/admin/comments?page=2")),
            "/admin/comments?page=2"
        );
        for bad in [
            "https://evil.example/admin",
            "//evil.example",
            "/admin\\@evil",
            "/articles/x",
            "/admin/sign-in?next=/x",
        ] {
            assert_eq!(safe_next(Some(bad)), route::HOME, "{bad}");
        }
        assert_eq!(safe_next(None), route::HOME);
    }
}
