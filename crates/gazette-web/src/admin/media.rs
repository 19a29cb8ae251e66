//! `/admin/media`: the media library (search, paging) and uploads; and
//! `/images/{file}`, where every node serves every size of every image.

use axum::{
    extract::{Multipart, Path, Query, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};
use gazette_core::{
    accounts::Permission,
    media::{ImageText, MAX_UPLOAD_BYTES, MediaError},
};
use minijinja::{Value, context};
use serde::Deserialize;

use super::{
    Admin,
    pages::{PER_PAGE, frame, list_page, page_number, render, shown, with_status},
    route,
};
use crate::{AppError, AppState};

/// Largest request to the upload route: the file and the form around it.
pub const UPLOAD_BODY_LIMIT: usize = MAX_UPLOAD_BYTES + 64 * 1024;

#[derive(Deserialize)]
pub struct LibraryQuery {
    q: Option<String>,
    page: Option<u32>,
    uploaded: Option<i64>,
}

/// What the upload form held, to show it again.
#[derive(Default, serde::Serialize)]
struct Typed {
    alt: String,
    caption: String,
    credit: String,
}

async fn library_page(
    state: &AppState,
    admin: &Admin,
    q: &LibraryQuery,
    typed: &Typed,
    error: Option<(&'static str, String)>,
) -> Result<Response, AppError> {
    let number = page_number(q.page);
    let text =
        q.q.as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(|t| t.chars().take(200).collect::<String>());
    let (items, more) = shown(
        state
            .core
            .media_library(text.as_deref(), list_page(number))
            .await?,
    );
    let rows: Vec<Value> = items
        .iter()
        .map(|m| {
            let thumb = m.widths.first().copied().unwrap_or(m.width);
            context! {
                id => m.id.0,
                file_name => &m.file_name,
                alt => &m.alt,
                caption => &m.caption,
                credit => &m.credit,
                size => format!("{} × {}", m.width, m.height),
                thumb => format!("/images/{}", m.file(thumb, true)),
                thumb_width => 160,
                thumb_height => m.height_at(thumb) * 160 / thumb.max(1),
                uploaded => m.uploaded_at
                    .to_zoned_datetime(state.core.newsroom.time_zone.clone())
                    .strftime("%Y-%m-%d %H:%M")
                    .to_string(),
            }
        })
        .collect();
    let (error_field, error) = match error {
        Some((f, e)) => (Some(f), Some(e)),
        None => (None, None),
    };
    render(
        state,
        "admin/media.html",
        context! {
            frame => frame(state, Some(admin), "Media library"),
            rows,
            q => text,
            page => number,
            more,
            per_page => PER_PAGE,
            uploaded => q.uploaded,
            typed => crate::views::v(typed),
            error_field,
            error,
            max_mb => MAX_UPLOAD_BYTES / 1024 / 1024,
            action => route::MEDIA,
        },
    )
}

pub async fn library(
    State(state): State<AppState>,
    admin: Admin,
    Query(q): Query<LibraryQuery>,
) -> Result<Response, AppError> {
    admin.require(Permission::WriteDrafts)?;
    library_page(&state, &admin, &q, &Typed::default(), None).await
}

pub async fn upload(
    State(state): State<AppState>,
    admin: Admin,
    headers: HeaderMap,
    mut form: Multipart,
) -> Result<Response, AppError> {
    admin.require(Permission::WriteDrafts)?;
    let mut csrf = String::new();
    let mut typed = Typed::default();
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(field) = form
        .next_field()
        .await
        .map_err(|e| AppError::bad_request(format!("the upload could not be read: {e}")))?
    {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "file" {
            let file_name = field.file_name().unwrap_or("image").to_owned();
            let bytes = field
                .bytes()
                .await
                .map_err(|e| AppError::bad_request(format!("the file could not be read: {e}")))?;
            file = Some((file_name, bytes.to_vec()));
            continue;
        }
        let text = field
            .text()
            .await
            .map_err(|e| AppError::bad_request(format!("the form could not be read: {e}")))?;
        match name.as_str() {
            "csrf" => csrf = text,
            "alt" => typed.alt = text,
            "caption" => typed.caption = text,
            "credit" => typed.credit = text,
            _ => {}
        }
    }
    admin.check_form(&headers, &csrf)?;
    let (file_name, bytes) = file.unwrap_or_default();
    let text = ImageText {
        alt: typed.alt.clone(),
        caption: typed.caption.clone(),
        credit: typed.credit.clone(),
    };
    let q = LibraryQuery {
        q: None,
        page: None,
        uploaded: None,
    };
    match state
        .core
        .upload_image(admin.user(), &file_name, bytes, &text)
        .await
    {
        Ok(m) => Ok(Redirect::to(&format!("{}?uploaded={}", route::MEDIA, m.id)).into_response()),
        Err(e) => {
            let (status, field, message) = match e {
                MediaError::Field { field, message } => {
                    (StatusCode::UNPROCESSABLE_ENTITY, field, message.to_owned())
                }
                e @ MediaError::TooBig { .. } => {
                    (StatusCode::PAYLOAD_TOO_LARGE, "file", e.to_string())
                }
                e @ (MediaError::NotAnImage | MediaError::Unreadable(_)) => {
                    (StatusCode::UNSUPPORTED_MEDIA_TYPE, "file", e.to_string())
                }
                e @ MediaError::NotAllowed(_) => return Err(AppError::Forbidden(e.to_string())),
                MediaError::Store(e) => return Err(e.into()),
            };
            with_status(
                status,
                library_page(&state, &admin, &q, &typed, Some((field, message))).await,
            )
        }
    }
}

/// One size of an image. Its name holds a hash of the upload, so it never
/// changes: browsers and CDNs may keep it for a year.
pub async fn image(
    State(state): State<AppState>,
    Path(file): Path<String>,
) -> Result<Response, AppError> {
    if !gazette_domain::is_media_file_name(&file) {
        return Err(AppError::NotFound);
    }
    let bytes = state
        .core
        .image_file(&file)
        .await?
        .ok_or(AppError::NotFound)?;
    let kind = match file.rsplit_once('.').map(|(_, e)| e) {
        Some("webp") => "image/webp",
        Some("png") => "image/png",
        _ => "image/jpeg",
    };
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(kind)),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=31536000, immutable"),
            ),
        ],
        bytes,
    )
        .into_response())
}
