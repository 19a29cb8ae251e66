//! Old addresses of an imported site: a page Gazette does not have is
//! looked up among them before it is a 404, and answers with one 301 to
//! where the story or section is now.

use axum::{
    extract::State,
    http::{HeaderValue, Method, StatusCode, Uri, header},
    response::{IntoResponse, Response},
};
use gazette_domain::{NAMING_PARAMS, Place, old_url_key};
use gazette_store::Resolved;

use crate::{AppError, AppState, urls};

/// Addresses longer than this are no old address (and not worth a query).
const MAX_OLD_ADDRESS: usize = 2048;

/// The query's pairs, decoded.
fn pairs(uri: &Uri) -> Vec<(String, String)> {
    url::form_urlencoded::parse(uri.query().unwrap_or("").as_bytes())
        .into_owned()
        .collect()
}

/// Whether the query names a page the old way (`?p=12`), which the page
/// at the path (the front page) does not answer.
pub fn names_an_old_page(uri: &Uri) -> bool {
    uri.query().is_some_and(|q| {
        q.split('&')
            .filter_map(|kv| kv.split('=').next())
            .any(|k| NAMING_PARAMS.contains(&k))
    })
}

/// Where `uri` leads if it is an old address; a listing page number
/// (`/category/arts/page/3/`) is carried over.
pub async fn lookup(state: &AppState, uri: &Uri) -> Result<Option<Found>, AppError> {
    if uri.path().len() + uri.query().map_or(0, str::len) > MAX_OLD_ADDRESS {
        return Ok(None);
    }
    // The old site's files, where an import brought them in.
    if let Some(rel) = uri.path().strip_prefix("/wp-content/uploads/")
        && let Some(dir) = &state.config.media_dir
    {
        let rel = percent_encoding::percent_decode_str(rel)
            .decode_utf8()
            .map(|r| r.into_owned())
            .unwrap_or_default();
        if gazette_domain::is_media_path(&rel) && dir.join(&rel).is_file() {
            return Ok(Some(Found::moved(urls::media(&rel))));
        }
    }
    let query = pairs(uri);
    let key = old_url_key(uri.path(), &query);
    let store = &state.core.store;
    if let Some(to) = store.redirect(&key).await? {
        return Ok(Some(location(state, &to, None).await?));
    }
    // `/category/arts/page/3/` and `/category/arts/feed/`: the listing's
    // own address, then its page.
    let trimmed = key.trim_end_matches('/');
    if let Some((base, n)) = trimmed.rsplit_once("/page/")
        && let Ok(n) = n.parse::<u32>()
        && (1..=crate::pages::MAX_PAGE).contains(&n)
        && let Some(to) = store.redirect(&old_url_key(base, &query)).await?
    {
        return Ok(Some(location(state, &to, Some(n)).await?));
    }
    if let Some(base) = trimmed.strip_suffix("/feed") {
        if base.is_empty() {
            return Ok(Some(Found::moved(urls::home().to_owned())));
        }
        if let Some(to) = store.redirect(&old_url_key(base, &query)).await? {
            return Ok(Some(location(state, &to, None).await?));
        }
    }
    Ok(None)
}

/// Where a redirect leads. A story that is not live (a draft, a scheduled
/// story, a private post of the old site) is not named: its old address
/// leads to the front page until it is published.
async fn location(state: &AppState, to: &Resolved, page: Option<u32>) -> Result<Found, AppError> {
    let base = match to {
        Resolved::Article(id, slug) => {
            if !state.core.is_live(*id).await? {
                return Ok(Found {
                    to: urls::home().to_owned(),
                    permanent: false,
                });
            }
            urls::article(slug)
        }
        Resolved::Place(Place::Home) => urls::home().to_owned(),
        Resolved::Place(Place::Section(s)) => urls::section(s),
        Resolved::Place(Place::Contributor(s)) => urls::contributor(s),
        Resolved::Place(Place::Source(s)) => urls::source(s),
        Resolved::Place(Place::Tag(s)) => urls::tag(s),
        Resolved::Place(Place::Media(rel)) => return Ok(Found::moved(urls::media(rel))),
        Resolved::Place(Place::Url(u)) => return Ok(Found::moved(u.clone())),
    };
    Ok(Found::moved(match page {
        Some(n) if n > 1 => urls::page(&base, n),
        _ => base,
    }))
}

/// Where an old address leads, and whether for good.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub to: String,
    /// False while the story is not live: browsers must ask again later.
    pub permanent: bool,
}

impl Found {
    fn moved(to: String) -> Self {
        Found {
            to,
            permanent: true,
        }
    }

    /// The answer: 301 for good, 302 for now.
    pub fn response(&self) -> Response {
        let Ok(v) = HeaderValue::from_str(&self.to) else {
            return AppError::NotFound.into_response();
        };
        let (status, cache) = if self.permanent {
            (StatusCode::MOVED_PERMANENTLY, "public, max-age=86400")
        } else {
            (StatusCode::FOUND, "no-store")
        };
        (
            status,
            [
                (header::LOCATION, v),
                (header::CACHE_CONTROL, HeaderValue::from_static(cache)),
            ],
        )
            .into_response()
    }
}

/// The router's last resort: an old address, or the 404 page.
pub async fn fallback(State(state): State<AppState>, method: Method, uri: Uri) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return AppError::NotFound.into_response();
    }
    match lookup(&state, &uri).await {
        Ok(Some(found)) => found.response(),
        Ok(None) => AppError::NotFound.into_response(),
        Err(e) => e.into_response(),
    }
}
