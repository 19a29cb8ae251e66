//! Who may do what: extractors instead of calls by hand in handlers.
//!
//! - [`ApiAccess`]: the request carries the API token as
//!   `Authorization: Bearer`; otherwise it is refused before the handler
//!   runs.
//! - [`Staff`]: whether the request carries a valid staff session cookie
//!   (staff reading is not counted).
//! - [`Client`]: the client's address, behind trusted proxies.

use std::net::{IpAddr, SocketAddr};

use axum::{
    extract::{ConnectInfo, FromRequestParts},
    http::{HeaderMap, header, request::Parts},
};

use crate::{AppError, AppState};

/// Name of the staff session cookie. Readers never get a cookie.
pub const STAFF_COOKIE: &str = "gazette_staff";

/// How long a staff sign-in lasts.
pub const STAFF_SESSION_SECS: i64 = 30 * 24 * 3600;

/// The key staff sessions are signed with: the site secret and the API
/// token, so that changing the token ends every session.
fn staff_key(state: &AppState) -> [u8; 32] {
    let mut material = state.core.site_secret().to_vec();
    if let Some(token) = &state.config.api_token {
        material.extend_from_slice(blake3::hash(token.as_bytes()).as_bytes());
    }
    blake3::derive_key("gazette staff session v2", &material)
}

fn staff_mac(state: &AppState, expires: i64) -> blake3::Hash {
    blake3::keyed_hash(&staff_key(state), &expires.to_le_bytes())
}

/// A staff session cookie value: its expiry and a MAC over it.
pub fn staff_cookie_value(state: &AppState, expires: i64) -> String {
    format!("{expires}.{}", staff_mac(state, expires).to_hex())
}

/// Whether the headers carry a valid, unexpired staff session.
pub fn is_staff(state: &AppState, headers: &HeaderMap, now: i64) -> bool {
    if state.config.api_token.is_none() {
        return false;
    }
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().strip_prefix(STAFF_COOKIE)?.strip_prefix('='))
        .any(|value| {
            let Some((exp, mac)) = value.split_once('.') else {
                return false;
            };
            let (Ok(exp), Ok(mac)) = (exp.parse::<i64>(), blake3::Hash::from_hex(mac)) else {
                return false;
            };
            // blake3::Hash compares in constant time.
            exp > now && mac == staff_mac(state, exp)
        })
}

/// Whether `sent` is the API token, compared in constant time.
pub fn is_api_token(state: &AppState, sent: &str) -> bool {
    let Some(token) = &state.config.api_token else {
        return false;
    };
    blake3::hash(sent.trim().as_bytes()) == blake3::hash(token.as_bytes())
}

/// The request carries the site's API token (`ApiAccess(None)`) or a
/// person's API token, which acts with that account's role.
pub struct ApiAccess(pub Option<gazette_domain::User>);

impl ApiAccess {
    /// Refuses a person's token whose role may not do `what` (the site's
    /// token may do everything the API offers).
    pub fn require(&self, what: gazette_core::accounts::Permission) -> Result<(), AppError> {
        match &self.0 {
            Some(user) if !gazette_core::accounts::can(user.role, what) => {
                Err(AppError::Forbidden(format!(
                    "this token acts for {} ({}), who may not do this",
                    user.email, user.role
                )))
            }
            _ => Ok(()),
        }
    }
}

impl FromRequestParts<AppState> for ApiAccess {
    type Rejection = AppError;

    /// A wrong token counts as a failed try of the client's network; after
    /// a few, the network is locked out for a while (429), right token or
    /// not.
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let sent = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(|t| t.trim().to_owned());
        let sent = sent.as_deref();
        let personal =
            sent.is_some_and(|t| t.starts_with(gazette_core::accounts::API_TOKEN_PREFIX));
        if state.config.api_token.is_none() && !personal {
            return Err(AppError::Forbidden(
                "the API is off: set api_token in the configuration, or use a personal token from /admin/account".into(),
            ));
        }
        let Client(client) = Client::from_request_parts(parts, state).await?;
        let now = std::time::Instant::now();
        if !state.throttle.allowed(client, now) {
            return Err(AppError::TooManyRequests);
        }
        let found = match sent {
            Some(t) if personal => state
                .core
                .api_token_user(t)
                .await
                .map_err(|e| AppError::Internal(e.to_string()))?
                .map(|u| ApiAccess(Some(u))),
            Some(t) if is_api_token(state, t) => Some(ApiAccess(None)),
            _ => None,
        };
        match found {
            Some(access) => {
                state.throttle.succeeded(client);
                Ok(access)
            }
            None => {
                state.throttle.failed(client, now);
                Err(AppError::Unauthorized)
            }
        }
    }
}

/// Whether the request comes from signed-in staff: the `/staff` cookie,
/// or a live admin session (looked up only when its cookie is there, so a
/// reader's hit costs no query).
pub struct Staff(pub bool);

impl FromRequestParts<AppState> for Staff {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let now = state.core.now().as_second();
        if is_staff(state, &parts.headers, now) {
            return Ok(Staff(true));
        }
        let admin = match crate::admin::cookie_token(&parts.headers) {
            Some(token) => matches!(state.core.session(&token).await, Ok(Some(_))),
            None => false,
        };
        Ok(Staff(admin))
    }
}

/// The client's address.
pub struct Client(pub IpAddr);

impl FromRequestParts<AppState> for Client {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0)
            .ok_or_else(|| AppError::Internal("the server runs without connection info".into()))?;
        Ok(Client(
            state.config.trusted_proxies.client(&parts.headers, peer),
        ))
    }
}
