//! `/staff`: staff sign in with the API token, so that their own reading
//! is never counted as views. Readers never get a cookie; staff get one
//! signed, HttpOnly, SameSite=Strict cookie.

use axum::{
    Form,
    extract::State,
    http::{HeaderMap, HeaderValue, header},
    response::{IntoResponse, Redirect, Response},
};
use minijinja::context;
use serde::Deserialize;

use crate::{
    AppError, AppState,
    auth::{self, Client, STAFF_COOKIE, STAFF_SESSION_SECS, Staff},
    forms,
    pages::frame,
    urls,
    views::{Layout, v},
};

const PURPOSE: &str = "staff-sign-in";
const SIGN_OUT: &str = "staff-sign-out";

pub async fn show(
    State(state): State<AppState>,
    Staff(signed_in): Staff,
) -> Result<Response, AppError> {
    let frame = frame(&state).await?;
    let layout = Layout::new(&state.core, Some(&frame), None);
    let now = state.core.now().as_second();
    let secret = state.core.site_secret();
    let html = state.templates.render(
        "pages/staff.html",
        context! {
            layout => v(&layout),
            title => "Staff",
            enabled => state.config.api_token.is_some(),
            signed_in,
            ts => now,
            token => forms::issue(secret, PURPOSE, now),
            out_token => forms::issue(secret, SIGN_OUT, now),
            sign_in_action => urls::staff_sign_in(),
            sign_out_action => urls::staff_sign_out(),
        },
    )?;
    // A page with a form token must not be shared by caches.
    Ok((
        [(header::CACHE_CONTROL, "no-store")],
        axum::response::Html(html),
    )
        .into_response())
}

#[derive(Deserialize)]
pub struct SignIn {
    api_token: String,
    ts: i64,
    token: String,
}

pub async fn sign_in(
    State(state): State<AppState>,
    Client(client): Client,
    headers: HeaderMap,
    Form(form): Form<SignIn>,
) -> Result<Response, AppError> {
    forms::same_origin(&headers).map_err(|e| AppError::Forbidden(e.to_string()))?;
    let now = state.core.now().as_second();
    forms::verify(
        state.core.site_secret(),
        PURPOSE,
        form.ts,
        &form.token,
        now,
        0,
        3600,
    )
    .map_err(|e| AppError::bad_request(e.to_string()))?;
    if state.config.api_token.is_none() {
        return Err(AppError::Forbidden(
            "staff sign-in is off: no API token is configured".into(),
        ));
    }
    let tried = std::time::Instant::now();
    if !state.throttle.allowed(client, tried) {
        return Err(AppError::TooManyRequests);
    }
    if !auth::is_api_token(&state, &form.api_token) {
        state.throttle.failed(client, tried);
        return Err(AppError::Forbidden(
            "that token is not the API token".into(),
        ));
    }
    state.throttle.succeeded(client);
    let expires = now + STAFF_SESSION_SECS;
    let secure = if state.core.newsroom.base_url.starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!(
        "{STAFF_COOKIE}={}; Path=/; Max-Age={STAFF_SESSION_SECS}; HttpOnly; SameSite=Strict{secure}",
        auth::staff_cookie_value(&state, expires)
    );
    let mut resp = Redirect::to(urls::staff()).into_response();
    resp.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_str(&cookie).map_err(|e| AppError::Internal(e.to_string()))?,
    );
    Ok(resp)
}

#[derive(Deserialize)]
pub struct SignOut {
    ts: i64,
    token: String,
}

pub async fn sign_out(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<SignOut>,
) -> Result<Response, AppError> {
    forms::same_origin(&headers).map_err(|e| AppError::Forbidden(e.to_string()))?;
    let now = state.core.now().as_second();
    forms::verify(
        state.core.site_secret(),
        SIGN_OUT,
        form.ts,
        &form.token,
        now,
        0,
        30 * 24 * 3600,
    )
    .map_err(|e| AppError::bad_request(e.to_string()))?;
    let mut resp = Redirect::to(urls::staff()).into_response();
    resp.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static("gazette_staff=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict"),
    );
    Ok(resp)
}
