//! `/staff`: staff sign in with the API token, so that their own reading
//! is never counted as views. Readers never get a cookie; staff get one
//! signed, HttpOnly, SameSite=Strict cookie.

use axum::{
    Form,
    extract::State,
    http::{HeaderMap, HeaderValue, header},
    response::{IntoResponse, Redirect, Response},
};
use jiff::Timestamp;
use minijinja::context;
use serde::Deserialize;

use crate::{
    AppError, AppState,
    client::{self, STAFF_COOKIE, STAFF_SESSION_SECS},
    forms,
    views::{Layout, v},
};

const PURPOSE: &str = "staff-sign-in";
const SIGN_OUT: &str = "staff-sign-out";

pub async fn show(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, AppError> {
    let layout = Layout::build(&state, None).await?;
    let now = Timestamp::now().as_second();
    let html = state.templates.render(
        "pages/staff.html",
        context! {
            layout => v(&layout),
            title => "Staff",
            enabled => state.config.api_token.is_some(),
            signed_in => client::is_staff(&state, &headers, now),
            ts => now,
            token => forms::issue(&state.secret, PURPOSE, now),
            out_token => forms::issue(&state.secret, SIGN_OUT, now),
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
    headers: HeaderMap,
    Form(form): Form<SignIn>,
) -> Result<Response, AppError> {
    forms::same_origin(&headers).map_err(|e| AppError::Forbidden(e.to_string()))?;
    let now = Timestamp::now().as_second();
    forms::verify(&state.secret, PURPOSE, form.ts, &form.token, now, 0, 3600)
        .map_err(|e| AppError::bad_request(e.to_string()))?;
    let Some(expected) = &state.config.api_token else {
        return Err(AppError::Forbidden(
            "staff sign-in is off: no API token is configured".into(),
        ));
    };
    if blake3::hash(form.api_token.trim().as_bytes()) != blake3::hash(expected.as_bytes()) {
        return Err(AppError::Forbidden(
            "that token is not the API token".into(),
        ));
    }
    let expires = now + STAFF_SESSION_SECS;
    let secure = if state.newsroom.base_url.starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!(
        "{STAFF_COOKIE}={}; Path=/; Max-Age={STAFF_SESSION_SECS}; HttpOnly; SameSite=Strict{secure}",
        client::staff_cookie_value(&state.secret, expires)
    );
    let mut resp = Redirect::to("/staff").into_response();
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
    let now = Timestamp::now().as_second();
    forms::verify(
        &state.secret,
        SIGN_OUT,
        form.ts,
        &form.token,
        now,
        0,
        30 * 24 * 3600,
    )
    .map_err(|e| AppError::bad_request(e.to_string()))?;
    let mut resp = Redirect::to("/staff").into_response();
    resp.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static("gazette_staff=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict"),
    );
    Ok(resp)
}
